//! Time travel: a recorded run (builder + command log) with checkpoints, `seek` and `fork`.

use std::collections::BTreeMap;

use super::{Command, Outcome, Sim, SimBuilder, SimError, StepInfo};

/// A command as recorded: applied after `events` events, at time `time`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedCommand {
    pub events: u64,
    pub time: u64,
    pub command: Command,
}

/// A checkpoint: a copy of the sim and how many log entries it had applied.
#[derive(Clone, Debug)]
struct Checkpoint {
    sim: Sim,
    applied: usize,
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
    checkpoints: BTreeMap<u64, Checkpoint>,
    every: u64,
    /// The furthest point reached: (events, time).
    horizon: (u64, u64),
}

impl Timeline {
    /// Starts a run; a checkpoint is kept every `checkpoint_every` events (at least 1).
    pub fn new(builder: SimBuilder, checkpoint_every: u64) -> Result<Timeline, SimError> {
        let sim = builder.clone().build()?;
        let mut checkpoints = BTreeMap::new();
        checkpoints.insert(
            0,
            Checkpoint {
                sim: sim.clone(),
                applied: 0,
            },
        );
        Ok(Timeline {
            builder,
            log: Vec::new(),
            applied: 0,
            current: sim,
            checkpoints,
            every: checkpoint_every.max(1),
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
        if ev.is_multiple_of(self.every) && !self.checkpoints.contains_key(&ev) {
            self.checkpoints.insert(
                ev,
                Checkpoint {
                    sim: self.current.clone(),
                    applied: self.applied,
                },
            );
        }
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
        loop {
            self.apply_due(t);
            match self.current.next_event_time() {
                Some(n) if n <= t => {
                    self.current.step();
                    self.maybe_checkpoint();
                }
                _ => break,
            }
        }
        self.current.advance_clock(t);
        self.apply_due(t);
        self.note_horizon();
    }

    pub fn run_for(&mut self, ms: u64) {
        let t = self.current.now().saturating_add(ms);
        self.run_to(t);
    }

    fn restore(&mut self, pred: impl Fn(u64, &Checkpoint) -> bool) {
        let (_, cp) = self
            .checkpoints
            .iter()
            .rev()
            .find(|(e, c)| pred(**e, c))
            .expect("checkpoint 0 always qualifies");
        self.current = cp.sim.clone();
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
            self.restore(|e, _| e <= k);
        }
        while self.current.events_processed() < k {
            if self.step().is_none() {
                break;
            }
        }
    }

    /// Restores the nearest checkpoint at or before time `t` and replays to `t`.
    pub fn seek_time(&mut self, t: u64) {
        if t < self.current.now() {
            self.restore(|_, c| c.sim.now() <= t);
        }
        self.run_to(t);
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
