//! Exercise packs: one YAML file of exercises, each a cluster to start from (a scenario),
//! tasks whose checks are judged over the whole run, hints, a reference solution and a
//! debrief. The format is in docs/packs.md, and described as data in [`schema`].
//!
//! - [`Pack::parse`]: text to a `Pack`, or every error with its line:col (never panics).
//! - `check`: a [`check::Watch`] judges an exercise's checks at every step of a run.
//! - `attempt`: an [`attempt::Attempt`] is one run of an exercise (setup, then console lines),
//!   watched; replaying its line log gives the same verdicts.
//! - `result`: the result record a learner exports, `podlab grade` and `podlab check`.
//!
//! A page that drives its own timeline (the lab's session) runs the setup with
//! [`attempt::setup`], keeps a [`check::Watch`], and tells it about every event and command
//! from the start on: step with [`attempt::run_to`] (it also stops the clock at the checks'
//! deadlines), or call `Watch::observe` after each `Timeline::step`. A result is then
//! [`result::ResultRecord::from_parts`]; `podlab grade` replays its lines at their positions,
//! so the lines must be logged where they ran (events processed, simulated ms). After a seek
//! backwards the watch no longer matches the run: judge again with [`result::replay`].

pub mod schema;

pub mod read;

pub mod pattern;

pub mod check;

pub mod attempt;

pub mod result;

use crate::codec::Pos;
use crate::scenario::Scenario;
use crate::sorted::SortedMap;

pub use crate::scenario::ScenarioError as PackError;
pub use schema::FORMAT;

/// Largest pack read, in bytes (a scenario's limit: a pack holds scenarios).
pub const MAX_BYTES: usize = crate::scenario::MAX_BYTES;
/// Most exercises in a pack, tasks in an exercise, and checks in a task: a grade stays quick.
pub const MAX_EXERCISES: usize = 100;
pub const MAX_TASKS: usize = 50;
pub const MAX_CHECKS: usize = 50;

/// A loaded pack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pack {
    pub id: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub authors: Vec<String>,
    pub license: String,
    pub exercises: Vec<Exercise>,
}

/// The pattern an exercise is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    Singleton,
    Stateless,
    Stateful,
}

impl Pattern {
    pub fn name(self) -> &'static str {
        match self {
            Pattern::Singleton => "singleton",
            Pattern::Stateless => "stateless",
            Pattern::Stateful => "stateful",
        }
    }
}

/// One exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exercise {
    pub id: String,
    pub title: String,
    pub pattern: Pattern,
    pub concepts: Vec<String>,
    pub predict: Option<Predict>,
    /// Markdown.
    pub intro: String,
    /// The cluster and the script run before the learner starts.
    pub setup: Scenario,
    pub tasks: Vec<Task>,
    /// Markdown, revealed one at a time.
    pub hints: Vec<String>,
    pub solution: Solution,
    /// Markdown.
    pub debrief: String,
    /// How long a graded run goes on after its last command.
    pub settle_ms: u64,
    /// Where the exercise is written.
    pub pos: Pos,
}

/// How long a graded run goes on after its last command, unless the exercise says.
pub const DEFAULT_SETTLE_MS: u64 = 5 * 60_000;

impl Exercise {
    /// When the learner takes over: after the setup's last script entry (or its `until`).
    pub fn start_ms(&self) -> u64 {
        start_of(&self.setup)
    }

    /// Every check with its task, in order.
    pub fn checks(&self) -> impl Iterator<Item = (&Task, &Check)> {
        self.tasks
            .iter()
            .flat_map(|t| t.checks.iter().map(move |c| (t, c)))
    }
}

/// When a setup hands over: its last script entry's time, or `until` if later.
pub fn start_of(setup: &Scenario) -> u64 {
    let last = setup.script.last().map_or(0, |e| e.at_ms);
    setup.until_ms.unwrap_or(0).max(last)
}

/// A question answered before the exercise, revealed after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predict {
    pub prompt: String,
    pub choices: Vec<String>,
    /// Index into `choices`.
    pub answer: usize,
    pub reveal: String,
}

/// One thing to achieve: passed when every check passes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub checks: Vec<Check>,
}

/// A condition and when it must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// For the learner; `describe()` when the pack gives none.
    pub title: String,
    pub when: When,
    pub condition: Condition,
    /// Where the check is written.
    pub pos: Pos,
}

/// When a condition must hold, from the exercise's start on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    Always,
    Never,
    /// At some moment; with a limit, at most that long after the start.
    Eventually {
        within_ms: Option<u64>,
    },
    /// At this simulated time (the setup script's clock).
    At {
        ms: u64,
    },
}

/// Something true or false of one moment of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// A console query and what its output must be.
    Query { command: String, expect: Expect },
    /// Processes really running for pods labelled `app=APP`.
    Processes { app: String, count: Compare },
    /// A process of a matching pod runs on `node`.
    PodOnNode { pod: PodMatch, node: String },
    /// Processes with the claim's volume mounted at once.
    VolumeWriters {
        namespace: String,
        claim: String,
        count: Compare,
    },
    /// Processes that believe they hold `lock` (or, without one, the most-believed lock).
    Leaders {
        lock: Option<String>,
        count: Compare,
    },
}

/// Which pods a `podOnNode` means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PodMatch {
    /// A name; a trailing `*` matches any suffix.
    Name(String),
    /// Pods labelled `app=APP`.
    App(String),
}

/// What a query's output must be. Output is compared without its trailing newlines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Equals(String),
    Contains(String),
    /// A regular expression (regex-lite syntax), checked when the pack is read.
    Matches(String),
    /// The output read as an integer.
    Number(Compare),
}

/// Bounds on a number; every given bound must hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Compare {
    pub at_most: Option<i64>,
    pub at_least: Option<i64>,
    pub equals: Option<i64>,
}

impl Compare {
    pub fn holds(&self, n: i64) -> bool {
        self.at_most.is_none_or(|m| n <= m)
            && self.at_least.is_none_or(|m| n >= m)
            && self.equals.is_none_or(|m| n == m)
    }

    /// `at most 1`, `at least 2 and at most 3`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = self.equals {
            parts.push(format!("exactly {n}"));
        }
        if let Some(n) = self.at_least {
            parts.push(format!("at least {n}"));
        }
        if let Some(n) = self.at_most {
            parts.push(format!("at most {n}"));
        }
        parts.join(" and ")
    }
}

/// The reference solution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Solution {
    /// Offered to the console (`kubectl apply -f NAME`).
    pub files: SortedMap<String, String>,
    pub steps: Vec<SolutionStep>,
}

/// A console line, run `after_ms` after the one before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolutionStep {
    pub after_ms: u64,
    pub run: String,
}

impl Pack {
    /// Reads a pack. Every error found is returned, in file order, each with its line:col.
    pub fn parse(text: &str) -> Result<Pack, Vec<PackError>> {
        read::parse(text)
    }

    /// Reads a pack from bytes: invalid UTF-8 is reported at its line:col.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Pack, Vec<PackError>> {
        read::parse_bytes(bytes)
    }

    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }
}
