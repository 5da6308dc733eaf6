//! Running a scenario: its script against a recorded `Timeline`, so a run can be replayed,
//! and its transcript as `podlab run` prints it.

use crate::console::args::format_duration_ms;
use crate::console::{Console, Output};
use crate::sim::{SimError, Timeline};

use super::{Entry, Scenario};

/// No checkpoints past the start: each would copy the whole sim and trace, and a script only
/// moves forward. The command log still replays the run (`Timeline::from_log`).
const CHECKPOINT_EVERY: u64 = u64::MAX;

/// One script entry as it ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
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
        })
    }

    /// Runs time to the next entry's `at` and runs its command. A command that ran time on
    /// (a drain) may pass later entries' times; those then run at once.
    pub fn step(&mut self) -> Option<Step> {
        let entry = self.script.get(self.next)?.clone();
        self.next += 1;
        self.timeline.run_to(entry.at_ms);
        let output = self.console.run(&mut self.timeline, &entry.run);
        Some(Step { entry, output })
    }

    /// Runs the rest of the script, then on to `until`.
    pub fn finish(&mut self) {
        while self.step().is_some() {}
        if let Some(t) = self.until_ms {
            self.timeline.run_to(t);
        }
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

/// The whole transcript: each entry's header and output, then `digest <hex>` of the trace.
/// Output that does not end a line gets a newline, so the next header starts on its own.
pub fn transcript(scenario: &Scenario, seed: Option<u64>) -> Result<String, SimError> {
    let mut run = Run::new(scenario, seed)?;
    let mut out = String::new();
    while let Some(step) = run.step() {
        out.push_str(&header(step.entry.at_ms, &step.entry.run));
        out.push_str(&step.output.text);
        if !step.output.text.is_empty() && !step.output.text.ends_with('\n') {
            out.push('\n');
        }
    }
    run.finish();
    out.push_str(&format!(
        "digest {}\n",
        run.timeline().sim().trace().digest_hex()
    ));
    Ok(out)
}
