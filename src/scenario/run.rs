//! Running a scenario: its script against a recorded `Timeline`, so a run can be replayed,
//! and its transcript as `podlab run` prints it.

use crate::console::args::format_duration_ms;
use crate::console::{Console, Output};
use crate::sim::drain::{blocks, ClientLine};
use crate::sim::{SimError, Timeline};

use super::{Entry, Scenario};

/// No checkpoints past the start: each would copy the whole sim and trace, and a script only
/// moves forward. The command log still replays the run (`Timeline::from_log`).
const CHECKPOINT_EVERY: u64 = u64::MAX;

/// One script entry as it ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What running commands (a drain) printed since the previous entry, before this one ran.
    pub background: Vec<ClientLine>,
    pub entry: Entry,
    pub output: Output,
}

/// A scenario in progress.
pub struct Run {
    script: Vec<Entry>,
    until_ms: Option<u64>,
    console: Console,
    timeline: Timeline,
    next: usize,
    /// How many client lines have been shown, by a command's own output or as background.
    shown: usize,
}

impl Run {
    /// Builds the cluster; `seed` overrides the scenario's.
    pub fn new(scenario: &Scenario, seed: Option<u64>) -> Result<Run, SimError> {
        Ok(Run {
            script: scenario.script.clone(),
            until_ms: scenario.until_ms,
            console: scenario.console(),
            timeline: Timeline::new(scenario.builder(seed), CHECKPOINT_EVERY)?,
            next: 0,
            shown: 0,
        })
    }

    /// Runs time to the next entry's `at` and runs its command. A command that ran time on
    /// (a drain) may pass later entries' times; those then run at once.
    pub fn step(&mut self) -> Option<Step> {
        let entry = self.script.get(self.next)?.clone();
        self.next += 1;
        self.timeline.run_to(entry.at_ms);
        let background = self.background();
        let output = self.console.run(&mut self.timeline, &entry.run);
        self.shown = self.timeline.sim().client_output().len();
        Some(Step {
            background,
            entry,
            output,
        })
    }

    /// Client lines printed since the last call or command.
    fn background(&mut self) -> Vec<ClientLine> {
        let all = self.timeline.sim().client_output();
        let new = all.get(self.shown..).unwrap_or_default().to_vec();
        self.shown = all.len();
        new
    }

    /// Runs the rest of the script, then on to `until`; returns what running commands printed
    /// after the last entry.
    pub fn finish(&mut self) -> Vec<ClientLine> {
        while self.step().is_some() {}
        if let Some(t) = self.until_ms {
            self.timeline.run_to(t);
        }
        self.background()
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn console(&self) -> &Console {
        &self.console
    }
}

/// A transcript header: `[5m50s] $ kubectl get pods -o wide`.
pub fn header(at_ms: u64, run: &str) -> String {
    format!("[{}] $ {run}\n", format_duration_ms(at_ms))
}

/// Lines a running command printed later, each group under `[1m05s] (kubectl drain node-1)`.
pub fn background_text(lines: &[ClientLine]) -> String {
    blocks(lines)
        .into_iter()
        .map(|b| {
            format!(
                "[{}] ({})\n{}",
                format_duration_ms(b.time),
                b.client,
                b.text
            )
        })
        .collect()
}

/// The whole transcript: each entry's header and output, then `digest <hex>` of the trace.
/// Output that does not end a line gets a newline, so the next header starts on its own.
/// What a running drain prints later appears at its time, between the entries.
pub fn transcript(scenario: &Scenario, seed: Option<u64>) -> Result<String, SimError> {
    let mut run = Run::new(scenario, seed)?;
    let mut out = String::new();
    while let Some(step) = run.step() {
        out.push_str(&background_text(&step.background));
        out.push_str(&header(step.entry.at_ms, &step.entry.run));
        out.push_str(&step.output.text);
        if !step.output.text.is_empty() && !step.output.text.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str(&background_text(&run.finish()));
    out.push_str(&format!(
        "digest {}\n",
        run.timeline().sim().trace().digest_hex()
    ));
    Ok(out)
}
