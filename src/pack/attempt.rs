//! One run of an exercise: its setup (the scenario's cluster and script), then the learner's
//! console lines, with a [`Watch`] told about every moment from the exercise's start on.
//! Every line is logged at its position (events processed, simulated ms); replaying the log
//! through a new attempt gives the same trace and the same verdicts.

use crate::console::{Console, Output, Target};
use crate::sim::{Command, Outcome, Sim, SimError, Timeline};

use super::check::{Moment, Watch};
use super::{Exercise, SolutionStep};

/// A console line and where it ran: after `events` events, at `time` ms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedLine {
    pub events: u64,
    pub time: u64,
    pub line: String,
}

/// An exercise in progress.
#[derive(Clone, Debug)]
pub struct Attempt {
    timeline: Timeline,
    console: Console,
    watch: Watch,
    lines: Vec<LoggedLine>,
    start: Moment,
}

/// The timeline as a console target, with the watch told about each event a command runs
/// through (a drain's retries).
struct Watched<'a> {
    timeline: &'a mut Timeline,
    watch: &'a mut Watch,
}

impl Target for Watched<'_> {
    fn sim(&self) -> &Sim {
        self.timeline.sim()
    }
    fn apply(&mut self, command: Command) -> Result<Outcome, SimError> {
        self.timeline.apply(command)
    }
    fn run_for(&mut self, ms: u64) {
        let t = self.timeline.sim().now().saturating_add(ms);
        run_to(self.timeline, self.watch, t);
    }
}

/// Runs `timeline` to absolute time `t`, event by event, telling `watch` about each moment,
/// and stopping the clock at each of its deadlines on the way.
pub fn run_to(timeline: &mut Timeline, watch: &mut Watch, t: u64) {
    loop {
        let now = timeline.sim().now();
        let next = timeline.sim().next_event_time().filter(|n| *n <= t);
        let deadline = watch.next_deadline(now).filter(|d| *d <= t);
        match (next, deadline) {
            (Some(n), d) if d.is_none_or(|d| n <= d) => {
                timeline.step();
            }
            (_, Some(d)) => timeline.run_to(d),
            _ => break,
        }
        watch.observe(timeline.sim());
    }
    if timeline.sim().now() < t {
        timeline.run_to(t);
        watch.observe(timeline.sim());
    }
}

/// Runs the setup: the cluster, then each script entry at its time, then on to the start.
pub fn setup(exercise: &Exercise, checkpoint_every: u64) -> Result<(Timeline, Console), SimError> {
    let setup = &exercise.setup;
    let mut timeline = Timeline::new(setup.builder(None), checkpoint_every)?;
    let console = setup.console();
    for entry in &setup.script {
        timeline.run_to(entry.at_ms);
        console.run(&mut timeline, &entry.run);
    }
    timeline.run_to(exercise.start_ms());
    Ok((timeline, console))
}

impl Attempt {
    /// Builds the cluster and runs the setup; the learner starts here. `checkpoint_every` is
    /// the timeline's (`u64::MAX` for a run that only moves forward).
    pub fn start(exercise: &Exercise, checkpoint_every: u64) -> Result<Attempt, SimError> {
        let (timeline, console) = setup(exercise, checkpoint_every)?;
        let mut watch = Watch::new(exercise);
        watch.observe(timeline.sim());
        let start = Moment::of(timeline.sim());
        Ok(Attempt {
            timeline,
            console,
            watch,
            lines: Vec::new(),
            start,
        })
    }

    /// Runs one console line now, and logs it.
    pub fn run(&mut self, line: &str) -> Output {
        let pos = Moment::of(self.timeline.sim());
        self.lines.push(LoggedLine {
            events: pos.events,
            time: pos.time,
            line: line.trim().to_string(),
        });
        let mut target = Watched {
            timeline: &mut self.timeline,
            watch: &mut self.watch,
        };
        let out = self.console.run(&mut target, line);
        self.watch.observe(self.timeline.sim());
        out
    }

    /// Offers a file to the console (`kubectl apply -f NAME`).
    pub fn add_file(&mut self, name: &str, text: &str) {
        self.console
            .files
            .insert(name.to_string(), text.to_string());
    }

    /// One event.
    pub fn step(&mut self) {
        if self.timeline.step().is_some() {
            self.watch.observe(self.timeline.sim());
        }
    }

    /// Runs simulated time on by `ms`.
    pub fn run_for(&mut self, ms: u64) {
        let t = self.timeline.sim().now().saturating_add(ms);
        run_to(&mut self.timeline, &mut self.watch, t);
    }

    /// Moves forward to exactly `events` events, then the clock to `time` (a logged position).
    pub fn move_to(&mut self, events: u64, time: u64) {
        while self.timeline.sim().events_processed() < events {
            let now = self.timeline.sim().now();
            let next = self.timeline.sim().next_event_time();
            match (next, self.watch.next_deadline(now)) {
                (None, _) => break,
                (Some(n), Some(d)) if d < n => self.timeline.run_to(d),
                _ => {
                    self.timeline.step();
                }
            }
            self.watch.observe(self.timeline.sim());
        }
        run_to(&mut self.timeline, &mut self.watch, time);
    }

    /// Runs the reference solution's steps.
    pub fn run_solution(&mut self, exercise: &Exercise) -> Vec<(LoggedLine, Output)> {
        for (name, text) in &exercise.solution.files {
            self.add_file(name, text);
        }
        let mut out = Vec::new();
        for SolutionStep { after_ms, run } in &exercise.solution.steps {
            self.run_for(*after_ms);
            let output = self.run(run);
            let logged = self.lines.last().cloned().unwrap_or(LoggedLine {
                events: 0,
                time: 0,
                line: run.clone(),
            });
            out.push((logged, output));
        }
        out
    }

    /// Ends a graded run: on for `settle_ms` after the last line (and past every `at` and
    /// `within`), then every undecided check is decided.
    pub fn finish(&mut self, exercise: &Exercise) {
        let last = self.lines.last().map_or(self.start.time, |l| l.time);
        let mut end = last
            .max(self.timeline.sim().now())
            .saturating_add(exercise.settle_ms);
        for (_, c) in exercise.checks() {
            let t = match c.when {
                super::When::At { ms } => ms,
                super::When::Eventually { within_ms: Some(w) } => {
                    exercise.start_ms().saturating_add(w)
                }
                _ => 0,
            };
            end = end.max(t);
        }
        run_to(&mut self.timeline, &mut self.watch, end);
        self.watch.finish(self.timeline.sim());
    }

    /// Ends the run where it is (what the learner saw): undecided checks are decided now.
    pub fn finish_here(&mut self) {
        self.watch.finish(self.timeline.sim());
    }

    pub fn watch(&self) -> &Watch {
        &self.watch
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    pub fn sim(&self) -> &Sim {
        self.timeline.sim()
    }

    pub fn console(&self) -> &Console {
        &self.console
    }

    /// Every line run since the start, at its position.
    pub fn lines(&self) -> &[LoggedLine] {
        &self.lines
    }

    /// Where the learner took over.
    pub fn start_moment(&self) -> Moment {
        self.start
    }

    pub fn digest_hex(&self) -> String {
        self.timeline.sim().trace().digest_hex()
    }
}
