//! Time travel: a recorded run (builder + command log) with checkpoints, `seek` and `fork`.

use crate::sorted::SortedMap;

use super::{Command, Outcome, Sim, SimBuilder, SimError, StepInfo};

/// A command as recorded: applied after `events` events, at time `time`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedCommand {
    pub events: u64,
    pub time: u64,
    pub command: Command,
}

/// Objects all checkpoints may hold together (issue 16): a run whose cluster grows large
/// keeps fewer copies of it, instead of one per `checkpoint_every` events.
pub const CHECKPOINT_OBJECTS: usize = 60_000;

/// A checkpoint: a copy of the sim and how many log entries it had applied.
#[derive(Clone, Debug)]
/// The sim is kept without its trace: the trace is append-only, so a checkpoint's trace is a
/// prefix of the timeline's `record`, and storing it per checkpoint would grow memory with the
/// square of the run's length.
struct Checkpoint {
    sim: Sim,
    applied: usize,
    trace_len: usize,
    digest: u64,
}

/// A scrub-able run. Moving forward replays recorded commands at their positions; applying a
/// command anywhere but the end forks: the old future is dropped.
#[derive(Clone, Debug)]
pub struct Timeline {
    builder: SimBuilder,
    log: Vec<LoggedCommand>,
    /// Log entries already applied to `current`.
    applied: usize,
    current: Sim,
    checkpoints: SortedMap<u64, Checkpoint>,
    /// The trace of the furthest point reached on the current history.
    record: super::Trace,
    every: u64,
    /// Objects the checkpoints may hold together (`CHECKPOINT_OBJECTS`).
    budget: usize,
    /// The furthest point reached: (events, time).
    horizon: (u64, u64),
}

impl Timeline {
    /// Starts a run; a checkpoint is kept every `checkpoint_every` events (at least 1).
    pub fn new(builder: SimBuilder, checkpoint_every: u64) -> Result<Timeline, SimError> {
        let mut sim = builder.clone().build()?;
        let mut checkpoints = SortedMap::new();
        checkpoints.insert(0, Checkpoint::of(&mut sim, 0));
        let record = sim.trace.clone();
        Ok(Timeline {
            builder,
            log: Vec::new(),
            applied: 0,
            current: sim,
            checkpoints,
            record,
            every: checkpoint_every.max(1),
            budget: CHECKPOINT_OBJECTS,
            horizon: (0, 0),
        })
    }

    pub fn sim(&self) -> &Sim {
        &self.current
    }

    pub fn builder(&self) -> &SimBuilder {
        &self.builder
    }

    /// The recorded commands, for sharing and replay.
    pub fn log(&self) -> &[LoggedCommand] {
        &self.log
    }

    /// The furthest (events, time) reached in this run.
    pub fn horizon(&self) -> (u64, u64) {
        self.horizon
    }

    /// Rebuilds a run from a builder and a command log (a share link).
    pub fn from_log(
        builder: SimBuilder,
        log: Vec<LoggedCommand>,
        checkpoint_every: u64,
    ) -> Result<Timeline, SimError> {
        let mut t = Timeline::new(builder, checkpoint_every)?;
        t.log = log;
        let end = t.log.last().map(|l| (l.events, l.time));
        if let Some((events, time)) = end {
            t.seek_event(events);
            t.apply_due_at_time(time);
        }
        Ok(t)
    }

    /// Applies a command now. Anything recorded after this point is dropped (a fork).
    pub fn apply(&mut self, command: Command) -> Result<Outcome, SimError> {
        self.fork_here();
        let (events, time) = (self.current.events_processed(), self.current.now());
        let out = self.current.apply(command.clone())?;
        self.log.push(LoggedCommand {
            events,
            time,
            command,
        });
        self.applied = self.log.len();
        self.note_horizon();
        Ok(out)
    }

    /// Drops the recorded future: later log entries and checkpoints.
    pub fn fork_here(&mut self) {
        let ev = self.current.events_processed();
        self.log.truncate(self.applied);
        let applied = self.applied;
        self.checkpoints
            .retain(|e, c| *e < ev || (*e == ev && c.applied <= applied));
        self.record.follow(&self.current.trace);
        self.horizon = (ev, self.current.now());
    }

    fn note_horizon(&mut self) {
        let pos = (self.current.events_processed(), self.current.now());
        if pos > self.horizon {
            self.horizon = pos;
        }
    }

    /// Applies recorded commands due at the current event count and not after `limit_time`.
    fn apply_due(&mut self, limit_time: u64) {
        while let Some(l) = self.log.get(self.applied) {
            if l.events != self.current.events_processed() || l.time > limit_time {
                break;
            }
            let l = l.clone();
            self.current.advance_clock(l.time);
            // Recorded commands succeeded when recorded; the replay is deterministic.
            let _ = self.current.apply(l.command);
            self.applied += 1;
        }
    }

    fn apply_due_at_time(&mut self, t: u64) {
        self.apply_due(t);
    }

    fn maybe_checkpoint(&mut self) {
        let ev = self.current.events_processed();
        if !ev.is_multiple_of(self.every) || self.checkpoints.contains_key(&ev) {
            return;
        }
        // Within the budget: thin out older checkpoints (every other one, the first kept)
        // and space later ones twice as far apart; a cluster too large for the budget gets
        // no more copies, and seeks replay further instead.
        let weight = self.current.cluster().len() + 1;
        while self.checkpoint_objects() + weight > self.budget && self.checkpoints.len() > 1 {
            let every = self.every.saturating_mul(2);
            self.checkpoints
                .retain(|e, _| *e == 0 || e.is_multiple_of(every));
            self.every = every;
        }
        if self.checkpoint_objects() + weight > self.budget {
            self.every = self.every.saturating_mul(2);
            return;
        }
        if !ev.is_multiple_of(self.every) {
            return;
        }
        if self.current.trace.len() > self.record.len() {
            self.record.follow(&self.current.trace);
        }
        let cp = Checkpoint::of(&mut self.current, self.applied);
        self.checkpoints.insert(ev, cp);
    }

    /// Objects the checkpoints hold together.
    fn checkpoint_objects(&self) -> usize {
        self.checkpoints
            .values()
            .map(|c| c.sim.cluster().len() + 1)
            .sum()
    }

    /// One event, replaying recorded commands at their positions.
    pub fn step(&mut self) -> Option<StepInfo> {
        self.apply_due(u64::MAX);
        let info = self.current.step()?;
        self.maybe_checkpoint();
        self.note_horizon();
        Some(info)
    }

    /// Runs to absolute time `t`, replaying recorded commands on the way.
    pub fn run_to(&mut self, t: u64) {
        self.run_to_within(t, &mut || true);
    }

    /// Runs toward absolute time `t` while `more()` allows it (asked every 16 events), so a
    /// page can do a frame's worth of work and come back. Returns whether `t` was reached;
    /// if not, the clock stays at the last event run. Stopping and resuming runs the same
    /// events in the same order as one call would: the trace does not depend on the chunks.
    pub fn run_to_within(&mut self, t: u64, more: &mut dyn FnMut() -> bool) -> bool {
        let mut n = 0u32;
        loop {
            self.apply_due(t);
            match self.current.next_event_time() {
                Some(next) if next <= t => {
                    n = n.wrapping_add(1);
                    if n.is_multiple_of(16) && !more() {
                        self.note_horizon();
                        return false;
                    }
                    self.current.step();
                    self.maybe_checkpoint();
                }
                _ => break,
            }
        }
        self.current.advance_clock(t);
        self.apply_due(t);
        self.note_horizon();
        true
    }

    pub fn run_for(&mut self, ms: u64) {
        let t = self.current.now().saturating_add(ms);
        self.run_to(t);
    }

    /// One copy for both callers (`dyn`), not one inlined per closure.
    fn restore(&mut self, pred: &dyn Fn(u64, &Checkpoint) -> bool) {
        let (_, cp) = self
            .checkpoints
            .iter()
            .rev()
            .find(|(e, c)| pred(**e, c))
            .expect("checkpoint 0 always qualifies");
        let mut sim = cp.sim.clone();
        sim.trace = self.record.prefix(cp.trace_len, cp.digest);
        self.current = sim;
        self.applied = cp.applied;
    }

    /// Restores the nearest checkpoint at or before event `k` and replays to exactly `k` events.
    pub fn seek_event(&mut self, k: u64) {
        if k < self.current.events_processed()
            || self
                .checkpoints
                .range(self.current.events_processed() + 1..=k)
                .next()
                .is_some()
        {
            self.restore(&|e, _| e <= k);
        }
        while self.current.events_processed() < k {
            if self.step().is_none() {
                break;
            }
        }
    }

    /// Restores the nearest checkpoint at or before time `t` and replays to `t`.
    pub fn seek_time(&mut self, t: u64) {
        self.rewind_to(t);
        self.run_to(t);
    }

    /// The first half of a seek: for a time before now, restores the nearest checkpoint at or
    /// before it (`run_to` or `run_to_within` then replays the rest).
    pub fn rewind_to(&mut self, t: u64) {
        if t < self.current.now() {
            self.restore(&|_, c| c.sim.now() <= t);
        }
    }
}

impl Checkpoint {
    /// Copies the sim without its trace (see `Checkpoint`).
    fn of(sim: &mut Sim, applied: usize) -> Checkpoint {
        let trace = std::mem::replace(&mut sim.trace, super::Trace::new());
        let bare = sim.clone();
        sim.trace = trace;
        Checkpoint {
            sim: bare,
            applied,
            trace_len: sim.trace.len(),
            digest: sim.trace.digest(),
        }
    }
}

impl Sim {
    /// Moves the clock forward without processing events (used when replaying a command log).
    pub(crate) fn advance_clock(&mut self, t: u64) {
        if t > self.now && self.next_event_time().is_none_or(|n| n >= t) {
            self.now = t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::examples::stateless_replicaset;

    #[test]
    fn checkpoints_share_one_trace_and_seeking_restores_it_exactly() {
        let mut t = Timeline::new(SimBuilder::new(5).workers(3), 10).unwrap();
        t.apply(Command::Apply(stateless_replicaset().into()))
            .unwrap();
        t.run_for(120_000);
        let end = (t.sim().events_processed(), t.sim().trace().digest());
        assert!(
            t.checkpoints.len() > 3,
            "the run is long enough to checkpoint"
        );
        // Checkpoints keep no trace of their own, so memory grows linearly with the run.
        assert!(t.checkpoints.values().all(|c| c.sim.trace.is_empty()));
        t.seek_time(30_000);
        let mid = t.sim().trace().clone();
        assert_eq!(mid.len(), t.sim().trace().entries().count());
        t.seek_event(end.0);
        assert_eq!((t.sim().events_processed(), t.sim().trace().digest()), end);
        // A fork from the middle continues from the restored trace, not the old future.
        t.seek_time(30_000);
        assert_eq!(t.sim().trace().digest(), mid.digest());
        t.apply(Command::Partition {
            node: "node-1".into(),
        })
        .unwrap();
        t.run_for(60_000);
        assert!(
            t.sim().trace().entries().take(mid.len()).eq(mid.entries()),
            "the forked run keeps the shared past"
        );
    }

    /// Issue 16: checkpoints stay within their object budget by thinning (every other one
    /// dropped, the first kept, later ones twice as far apart), and seeks still land exactly.
    #[test]
    fn checkpoints_thin_out_within_their_budget_and_seeks_stay_exact() {
        let run = |budget: usize| {
            let mut t = Timeline::new(SimBuilder::new(3).workers(3), 50).unwrap();
            t.budget = budget;
            t.apply(Command::Apply(stateless_replicaset().into()))
                .unwrap();
            t.run_for(300_000);
            t
        };
        let roomy = run(usize::MAX);
        let mut tight = run(150);
        let end = (tight.sim().events_processed(), tight.sim().trace().digest());
        assert_eq!(
            end,
            (roomy.sim().events_processed(), roomy.sim().trace().digest()),
            "checkpoints never change the run"
        );
        assert!(tight.checkpoint_objects() <= 150, "within the budget");
        assert!(tight.checkpoints.len() < roomy.checkpoints.len());
        assert!(tight.checkpoints.contains_key(&0), "the first is kept");
        assert!(tight.every > 50, "later ones are spaced further apart");
        let mut roomy = roomy;
        roomy.seek_time(100_000);
        tight.seek_time(100_000);
        assert_eq!(tight.sim().trace().digest(), roomy.sim().trace().digest());
        tight.seek_event(end.0);
        assert_eq!(
            (tight.sim().events_processed(), tight.sim().trace().digest()),
            end
        );
    }

    /// Issue 16: a run done in small chunks (as the page does, a frame at a time) gives the
    /// same trace as one call.
    #[test]
    fn a_run_in_chunks_is_the_run_in_one_go() {
        let start = || {
            let mut t = Timeline::new(SimBuilder::new(9).workers(3), 2_000).unwrap();
            t.apply(Command::Apply(stateless_replicaset().into()))
                .unwrap();
            t
        };
        let mut whole = start();
        whole.run_to(200_000);
        let mut chunked = start();
        let mut calls = 0;
        loop {
            let mut left = 2;
            calls += 1;
            if chunked.run_to_within(200_000, &mut || {
                left -= 1;
                left > 0
            }) {
                break;
            }
        }
        assert!(calls > 3, "the budget stopped the run more than once");
        assert_eq!(chunked.sim().now(), 200_000);
        assert_eq!(chunked.sim().trace().digest(), whole.sim().trace().digest());
        assert_eq!(
            chunked.sim().events_processed(),
            whole.sim().events_processed()
        );
    }
}
