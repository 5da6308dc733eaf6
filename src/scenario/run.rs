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
    /// What a cluster that `kind` or `minikube` makes is built with: the seed and timing.
    base: crate::sim::SimBuilder,
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
            base: crate::sim::SimBuilder::new(seed.unwrap_or(scenario.seed))
                .timing(scenario.timing.clone()),
            next: 0,
            shown: 0,
        })
    }

    /// Runs time to the next entry's `at` and runs its command. A command that ran time on
    /// (a drain) may pass later entries' times; those then run at once.
    pub fn step(&mut self) -> Option<Step> {
        let entry = self.script.get(self.next)?.clone();
        self.next += 1;
        let watched = self.advance(entry.at_ms);
        // A watch prints until the next entry, as if that entry were typed after Ctrl+C.
        self.console.stop_watch();
        let background = merge(self.background(), watched);
        let output = self.console.run(&mut self.timeline, &entry.run);
        if let Some(new) = self.console.take_new_cluster() {
            // `kind create cluster`, `minikube start`: the script goes on against a new cluster
            // on these nodes, booted up to now.
            let now = self.timeline.sim().now();
            let build = self.base.clone().nodes(&new.nodes);
            if let Ok(mut t) = Timeline::new(build, CHECKPOINT_EVERY) {
                t.run_to(now);
                self.timeline = t;
            }
        }
        self.shown = self.timeline.sim().client_output().len();
        Some(Step {
            background,
            entry,
            output,
        })
    }

    /// Runs time to `t`. With a watch open (`kubectl get -w`, `watch CMD`) it goes event by
    /// event (and `watch`'s 2 s ticks), collecting what the watch prints, each line at its time.
    fn advance(&mut self, t: u64) -> Vec<ClientLine> {
        let mut lines = Vec::new();
        while let Some(label) = self.console.watching() {
            if !self.console.watch_step(&mut self.timeline, t) {
                break;
            }
            self.poll(&label, &mut lines);
        }
        self.timeline.run_to(t);
        if let Some(label) = self.console.watching() {
            self.poll(&label, &mut lines);
        }
        lines
    }

    fn poll(&mut self, label: &str, lines: &mut Vec<ClientLine>) {
        let sim = self.timeline.sim();
        if let Some((_, text)) = self.console.poll_watch(sim) {
            lines.push(ClientLine {
                time: sim.now(),
                client: label.to_string(),
                text: text.trim_end_matches('\n').to_string(),
            });
        }
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
        let watched = match self.until_ms {
            Some(t) => self.advance(t),
            None => Vec::new(),
        };
        merge(self.background(), watched)
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn console(&self) -> &Console {
        &self.console
    }
}

/// A drain's lines and a watch's, in time order (a drain's first at the same time).
fn merge(mut lines: Vec<ClientLine>, watched: Vec<ClientLine>) -> Vec<ClientLine> {
    if !watched.is_empty() {
        lines.extend(watched);
        crate::sort::sort_by(&mut lines, |a, b| a.time.cmp(&b.time));
    }
    lines
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
    let mut out = String::new();
    stream_transcript(scenario, seed, &mut |piece| {
        out.push_str(piece);
        true
    })?;
    Ok(out)
}

/// [`transcript`], handed to `write` piece by piece as soon as each is known (an entry's
/// header and output, the lines a drain printed meanwhile), so `podlab run` shows what
/// happened so far even when it is stopped. `write` returns false to stop the run.
pub fn stream_transcript(
    scenario: &Scenario,
    seed: Option<u64>,
    write: &mut dyn FnMut(&str) -> bool,
) -> Result<(), SimError> {
    let mut run = Run::new(scenario, seed)?;
    while let Some(step) = run.step() {
        let mut piece = background_text(&step.background);
        piece.push_str(&header(step.entry.at_ms, &step.entry.run));
        piece.push_str(&step.output.text);
        if !step.output.text.is_empty() && !step.output.text.ends_with('\n') {
            piece.push('\n');
        }
        if !write(&piece) {
            return Ok(());
        }
    }
    let mut piece = background_text(&run.finish());
    piece.push_str(&format!(
        "digest {}\n",
        run.timeline().sim().trace().digest_hex()
    ));
    write(&piece);
    Ok(())
}
