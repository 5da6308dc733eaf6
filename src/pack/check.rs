//! Judging checks over the whole run. A [`Watch`] is told about every moment of a run (after
//! each event and each command, from the exercise's start on) and keeps each check's verdict:
//! `always` and `never` fail at the first moment they are broken, `eventually` passes at the
//! first moment it holds (or fails when its `within` runs out), `at` is judged on the state at
//! its time. A verdict says what was expected, what was seen, and when (simulated time and
//! the number of events processed, so a timeline can seek there).

use crate::console::{Console, Output, Target};
use crate::model::{PersistentVolume, PersistentVolumeClaim};
use crate::sim::world::pv_volume_key;
use crate::sim::{Command, Outcome, Sim, SimError};

use super::{Check, Condition, Exercise, Expect, PodMatch, When};

/// A moment of the run: simulated ms and events processed (what `Timeline::seek_event` takes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub time: u64,
    pub events: u64,
}

impl Moment {
    pub fn of(sim: &Sim) -> Moment {
        Moment {
            time: sim.now(),
            events: sim.events_processed(),
        }
    }
}

/// Where a check stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Not decided yet (`eventually` not yet seen, `at` not yet reached).
    Pending,
    /// `always` or `never` unbroken so far: passes if the run ends now.
    Holding,
    Passed,
    Failed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Holding => "holding",
            Status::Passed => "pass",
            Status::Failed => "fail",
        }
    }
}

/// A check's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    /// What the check expects, in words.
    pub expected: String,
    /// What was seen at `at` (for a failure: what broke it; for a pass: what satisfied it).
    pub seen: String,
    /// When it was decided.
    pub at: Option<Moment>,
}

/// One moment's value of a condition: whether it holds, and what was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    pub holds: bool,
    pub seen: String,
}

/// Longest `seen` text kept (query output is cut here).
const SEEN_MAX: usize = 400;

/// A read-only console target: queries cannot change the run.
struct ReadOnly<'a>(&'a Sim);

impl Target for ReadOnly<'_> {
    fn sim(&self) -> &Sim {
        self.0
    }
    fn apply(&mut self, _: Command) -> Result<Outcome, SimError> {
        Err(SimError::NotApplicable("a check only reads".into()))
    }
    fn run_for(&mut self, _: u64) {}
}

/// Runs a query against the sim without changing it.
pub fn query(sim: &Sim, line: &str) -> Output {
    Console::new().run(&mut ReadOnly(sim), line)
}

/// A condition's value at the sim's current moment. `regex` is the compiled `matches`.
pub fn evaluate(sim: &Sim, c: &Condition, regex: Option<&super::pattern::Pattern>) -> Value {
    match c {
        Condition::Query { command, expect } => {
            let out = query(sim, command);
            let text = out.text.trim_end_matches('\n');
            let holds = match expect {
                Expect::Equals(s) => text == s.trim_end_matches('\n'),
                Expect::Contains(s) => text.contains(s.as_str()),
                Expect::Matches(_) => regex.is_some_and(|r| r.is_match(text)),
                Expect::Number(cmp) => text.trim().parse::<i64>().is_ok_and(|n| cmp.holds(n)),
            };
            Value {
                holds,
                seen: cut(text),
            }
        }
        Condition::Processes { app, count } => {
            let who: Vec<String> = sim
                .world()
                .processes_labelled("app", app)
                .map(|p| format!("{} on {}", p.pod_name, p.machine))
                .collect();
            counted(who, |n| count.holds(n))
        }
        Condition::PodOnNode { pod, node } => {
            let who: Vec<String> = sim
                .world()
                .processes_on(node)
                .filter(|p| match pod {
                    PodMatch::Name(n) => match n.strip_suffix('*') {
                        Some(prefix) => p.pod_name.starts_with(prefix),
                        None => p.pod_name == *n,
                    },
                    PodMatch::App(a) => p.pod_labels.get("app").is_some_and(|v| v == a),
                })
                .map(|p| format!("{} on {}", p.pod_name, p.machine))
                .collect();
            Value {
                holds: !who.is_empty(),
                seen: if who.is_empty() {
                    format!("no such process on {node}")
                } else {
                    who.join(", ")
                },
            }
        }
        Condition::VolumeWriters {
            namespace,
            claim,
            count,
        } => {
            let cluster = sim.cluster();
            let pv = cluster
                .get::<PersistentVolumeClaim>(namespace, claim)
                .map(|c| c.spec.volume_name.as_str())
                .filter(|v| !v.is_empty())
                .and_then(|v| cluster.get::<PersistentVolume>("", v));
            let who: Vec<String> = match pv {
                Some(pv) => sim
                    .world()
                    .processes()
                    .filter(|p| {
                        let key = pv_volume_key(pv, &p.machine);
                        p.mounts.iter().any(|(_, k)| *k == key)
                    })
                    .map(|p| format!("{} on {}", p.pod_name, p.machine))
                    .collect(),
                None => Vec::new(),
            };
            counted(who, |n| count.holds(n))
        }
        Condition::Leaders { lock, count } => {
            let mut by_lock: Vec<(String, Vec<String>)> = Vec::new();
            for b in sim.world().lock_beliefs() {
                if !b.belief.leading || lock.as_ref().is_some_and(|l| *l != b.belief.lock) {
                    continue;
                }
                let who = format!("{} on {}", b.pod, b.machine);
                match by_lock.iter_mut().find(|(l, _)| *l == b.belief.lock) {
                    Some((_, v)) => v.push(who),
                    None => by_lock.push((b.belief.lock.clone(), vec![who])),
                }
            }
            // Without a lock named, the lock with the most believers speaks for all.
            let most = by_lock.into_iter().max_by_key(|(_, v)| v.len());
            counted(most.map(|(_, v)| v).unwrap_or_default(), |n| count.holds(n))
        }
    }
}

fn counted(who: Vec<String>, holds: impl Fn(i64) -> bool) -> Value {
    let n = who.len() as i64;
    let seen = if who.is_empty() {
        "0".to_string()
    } else {
        cut(&format!("{n} ({})", who.join(", ")))
    };
    Value {
        holds: holds(n),
        seen,
    }
}

fn cut(text: &str) -> String {
    if text.len() <= SEEN_MAX {
        return text.to_string();
    }
    let mut end = SEEN_MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// One check under watch.
#[derive(Clone, Debug)]
struct Judge {
    when: When,
    condition: Condition,
    regex: Option<super::pattern::Pattern>,
    verdict: Verdict,
    /// The value at the last moment looked at, and that moment.
    last: Option<(Value, Moment)>,
}

/// The verdicts of one exercise's checks over a run, kept as the run goes.
#[derive(Clone, Debug)]
pub struct Watch {
    start_ms: u64,
    judges: Vec<Judge>,
    /// Checks per task, in order (the judges are flat).
    tasks: Vec<usize>,
    /// Trace entries seen when queries last ran: queries run again only after a visible change.
    trace_seen: usize,
    queried: bool,
    /// When queries last ran (simulated ms).
    queried_at: u64,
    /// Events processed at the last look.
    events_seen: u64,
}

/// Queries run again in each such period (simulated ms), changes or not.
const QUERY_EVERY_MS: u64 = 1_000;

impl Watch {
    /// Watches `exercise`'s checks; the exercise starts at `start_ms` (`Exercise::start_ms`).
    pub fn new(exercise: &Exercise) -> Watch {
        let judges = exercise
            .checks()
            .map(|(_, c)| Judge::new(c))
            .collect::<Vec<_>>();
        Watch {
            start_ms: exercise.start_ms(),
            judges,
            tasks: exercise.tasks.iter().map(|t| t.checks.len()).collect(),
            trace_seen: 0,
            queried: false,
            queried_at: 0,
            events_seen: 0,
        }
    }

    /// Looks at the sim's current moment. Call it after every event and every command from
    /// the exercise's start on (a moment not looked at is a moment a check cannot see).
    pub fn observe(&mut self, sim: &Sim) {
        // The setup's moments are not the learner's.
        if sim.now() < self.start_ms {
            return;
        }
        let now = Moment::of(sim);
        // Queries run the console: only when something visible changed since they last ran,
        // or (for output that changes without a trace entry, a container's log) at the first
        // event of each simulated second. Only events and commands count, never a moment where
        // just the clock moved, so every driver that looks at every event runs them at the
        // same moments and sees the same output.
        let trace = sim.trace();
        let moved = now.events != self.events_seen || trace.len() != self.trace_seen;
        let changed = !self.queried
            || (moved
                && (now.time / QUERY_EVERY_MS > self.queried_at / QUERY_EVERY_MS
                    || trace
                        .entries_from(self.trace_seen)
                        .any(|e| e.change.is_visible())));
        self.trace_seen = trace.len();
        self.events_seen = now.events;
        if changed {
            self.queried = true;
            self.queried_at = now.time;
        }
        let next_event = sim.next_event_time();
        for j in &mut self.judges {
            j.observe(sim, now, next_event, self.start_ms, changed);
        }
    }

    /// The run is over at the sim's current moment: `always`/`never` that held pass,
    /// undecided ones fail.
    pub fn finish(&mut self, sim: &Sim) {
        let now = Moment::of(sim);
        for j in &mut self.judges {
            j.finish(sim, now);
        }
    }

    /// The earliest moment after `now` at which an undecided check must be looked at even if
    /// no event happens then (an `at` time, or the end of an `eventually`'s `within`). A
    /// driver runs the clock there and calls `observe` before passing it.
    pub fn next_deadline(&self, now: u64) -> Option<u64> {
        self.judges
            .iter()
            .filter(|j| j.verdict.status == Status::Pending)
            .filter_map(|j| match j.when {
                When::At { ms } => Some(ms),
                When::Eventually { within_ms: Some(w) } => Some(self.start_ms.saturating_add(w)),
                _ => None,
            })
            .filter(|&t| t > now)
            .min()
    }

    /// Every check's verdict, in the exercise's order (task by task).
    pub fn verdicts(&self) -> Vec<&Verdict> {
        self.judges.iter().map(|j| &j.verdict).collect()
    }

    /// Each task's verdicts.
    pub fn by_task(&self) -> Vec<Vec<&Verdict>> {
        let mut out = Vec::new();
        let mut i = 0;
        for &n in &self.tasks {
            out.push(self.judges[i..i + n].iter().map(|j| &j.verdict).collect());
            i += n;
        }
        out
    }

    /// A task's status: failed if any check failed, pending if any is undecided, else passed
    /// (or holding, while an `always`/`never` could still break).
    pub fn task_status(&self, task: usize) -> Status {
        let by_task = self.by_task();
        let Some(checks) = by_task.get(task) else {
            return Status::Pending;
        };
        task_status(checks.iter().map(|v| v.status))
    }
}

/// The status of a task from its checks' statuses.
pub fn task_status(checks: impl Iterator<Item = Status>) -> Status {
    let mut out = Status::Passed;
    for s in checks {
        match s {
            Status::Failed => return Status::Failed,
            Status::Pending => out = Status::Pending,
            Status::Holding if out == Status::Passed => out = Status::Holding,
            _ => {}
        }
    }
    out
}

impl Judge {
    fn new(c: &Check) -> Judge {
        let regex = match &c.condition {
            Condition::Query {
                expect: Expect::Matches(re),
                ..
            } => super::pattern::Pattern::new(re).ok(),
            _ => None,
        };
        let expected = super::read::describe_check(&c.when, &c.condition);
        Judge {
            when: c.when,
            condition: c.condition.clone(),
            regex,
            verdict: Verdict {
                status: match c.when {
                    When::Always | When::Never => Status::Holding,
                    _ => Status::Pending,
                },
                expected,
                seen: String::new(),
                at: None,
            },
            last: None,
        }
    }

    fn decide(&mut self, status: Status, seen: String, at: Moment) {
        self.verdict.status = status;
        self.verdict.seen = seen;
        self.verdict.at = Some(at);
    }

    fn value(&mut self, sim: &Sim, now: Moment, changed: bool) -> Value {
        let is_query = matches!(self.condition, Condition::Query { .. });
        if let (true, false, Some((v, _))) = (is_query, changed, &self.last) {
            let v = v.clone();
            self.last = Some((v.clone(), now));
            return v;
        }
        let v = evaluate(sim, &self.condition, self.regex.as_ref());
        self.last = Some((v.clone(), now));
        v
    }

    fn observe(
        &mut self,
        sim: &Sim,
        now: Moment,
        next_event: Option<u64>,
        start_ms: u64,
        changed: bool,
    ) {
        if matches!(self.verdict.status, Status::Passed | Status::Failed) {
            return;
        }
        match self.when {
            When::Always | When::Never => {
                let v = self.value(sim, now, changed);
                let broken = (self.when == When::Always) != v.holds;
                if broken {
                    self.decide(Status::Failed, v.seen, now);
                }
            }
            When::Eventually { within_ms } => {
                let deadline = within_ms.map(|w| start_ms.saturating_add(w));
                if let Some(d) = deadline.filter(|d| now.time > *d) {
                    // The state at the deadline was the one last looked at.
                    let (seen, events) = match self.last.take() {
                        Some((v, at)) => (v.seen, at.events),
                        None => (String::new(), now.events),
                    };
                    self.decide(Status::Failed, seen, Moment { time: d, events });
                    return;
                }
                let v = self.value(sim, now, changed);
                if v.holds {
                    self.decide(Status::Passed, v.seen, now);
                } else if deadline == Some(now.time) && next_event.is_none_or(|t| t > now.time) {
                    // The last state before the deadline, and it does not hold.
                    self.decide(Status::Failed, v.seen, now);
                }
            }
            When::At { ms } => {
                if now.time > ms {
                    // The moment passed between two looks: the state at `ms` was the last one.
                    let (v, at) = match self.last.take() {
                        Some(last) => last,
                        None => (evaluate(sim, &self.condition, self.regex.as_ref()), now),
                    };
                    let status = if v.holds {
                        Status::Passed
                    } else {
                        Status::Failed
                    };
                    self.decide(
                        status,
                        v.seen,
                        Moment {
                            time: ms,
                            events: at.events,
                        },
                    );
                } else if now.time == ms && next_event.is_none_or(|t| t > ms) {
                    // The state stays until the next event, after `ms`: this is the state at `ms`.
                    let v = self.value(sim, now, changed);
                    let status = if v.holds {
                        Status::Passed
                    } else {
                        Status::Failed
                    };
                    self.decide(status, v.seen, now);
                } else if next_event.is_none_or(|t| t > ms) {
                    // Kept in case the look at `ms` itself is missed.
                    self.value(sim, now, changed);
                }
            }
        }
    }

    fn finish(&mut self, sim: &Sim, now: Moment) {
        match self.verdict.status {
            Status::Holding => {
                self.verdict.status = Status::Passed;
                self.verdict.at = Some(now);
                self.verdict.seen = self.last.take().map(|(v, _)| v.seen).unwrap_or_default();
            }
            Status::Pending => {
                // What is seen at the end, freshly (a query's last run may be old).
                let seen = evaluate(sim, &self.condition, self.regex.as_ref()).seen;
                let seen = match self.when {
                    When::At { ms } if now.time < ms => format!(
                        "the run ended at {}, before {}",
                        crate::console::args::format_duration_ms(now.time),
                        crate::console::args::format_duration_ms(ms)
                    ),
                    _ => seen,
                };
                self.decide(Status::Failed, seen, now);
            }
            _ => {}
        }
    }
}
