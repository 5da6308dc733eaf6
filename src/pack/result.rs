//! Results and proofs.
//!
//! - [`ResultRecord`]: what a learner exports: the pack's id and version, the exercise, each
//!   check's verdict and when, the line log, the trace digest. JSON through `codec::Doc`.
//! - [`grade`]: replays a record's line log on the pack's exercise and compares: the grade,
//!   and whether the record was altered (its digest or verdicts differ from the replay's).
//! - [`prove`]: what `podlab check` shows for one exercise: its tasks fail without the
//!   reference solution and pass with it.

use crate::codec::Doc;
use crate::console::Output;
use crate::manifest::emit::json_pretty;
use crate::manifest::tree::{self, Node, Resolved, Value};
use crate::sim::{Sim, SimError};

use super::attempt::{Attempt, LoggedLine};
use super::check::{task_status, Moment, Status, Watch};
use super::{Exercise, Pack};

/// The result format's version.
pub const RESULT_FORMAT: &str = "podlab.dev/result/v1";

/// Largest result file read (a long session's log fits many times over).
pub const MAX_RESULT_BYTES: usize = 4 * 1024 * 1024;

/// One check's verdict as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRecord {
    pub task: String,
    pub title: String,
    pub status: Status,
    pub expected: String,
    pub seen: String,
    pub at: Option<Moment>,
}

/// A learner's result for one exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultRecord {
    pub pack_id: String,
    pub pack_version: String,
    pub exercise: String,
    pub checks: Vec<CheckRecord>,
    pub lines: Vec<LoggedLine>,
    /// Where the run was when the result was taken.
    pub end: Moment,
    pub digest: String,
}

impl ResultRecord {
    /// The result of `attempt` where it stands (its watch decided: see `Attempt::finish_here`).
    pub fn of(pack: &Pack, exercise: &Exercise, attempt: &Attempt) -> ResultRecord {
        ResultRecord::from_parts(
            pack,
            exercise,
            attempt.watch(),
            attempt.lines(),
            attempt.sim(),
        )
    }

    /// The result of a run driven by someone else (the lab's own session): its watch (told
    /// about every event from the start on), the lines run since the start, and the sim where
    /// the result is taken. `podlab grade` replays the lines as `Attempt` runs them.
    pub fn from_parts(
        pack: &Pack,
        exercise: &Exercise,
        watch: &Watch,
        lines: &[LoggedLine],
        sim: &Sim,
    ) -> ResultRecord {
        let verdicts = watch.verdicts();
        let checks = exercise
            .checks()
            .zip(verdicts)
            .map(|((task, check), v)| CheckRecord {
                task: task.id.clone(),
                title: check.title.clone(),
                status: v.status,
                expected: v.expected.clone(),
                seen: v.seen.clone(),
                at: v.at,
            })
            .collect();
        ResultRecord {
            pack_id: pack.id.clone(),
            pack_version: pack.version.clone(),
            exercise: exercise.id.clone(),
            checks,
            lines: lines.to_vec(),
            end: Moment::of(sim),
            digest: sim.trace().digest_hex(),
        }
    }

    /// Passed when every check passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status == Status::Passed)
    }

    pub fn to_json(&self) -> String {
        let s = |v: &str| Doc::Str(v.to_string());
        let int = |v: u64| Doc::Int(v.into());
        let moment = |m: &Moment| {
            Doc::Map(vec![
                ("time".into(), int(m.time)),
                ("events".into(), int(m.events)),
            ])
        };
        let checks = self
            .checks
            .iter()
            .map(|c| {
                let mut m = vec![
                    ("task".into(), s(&c.task)),
                    ("title".into(), s(&c.title)),
                    ("status".into(), s(c.status.name())),
                    ("expected".into(), s(&c.expected)),
                    ("seen".into(), s(&c.seen)),
                ];
                if let Some(at) = &c.at {
                    m.push(("at".into(), moment(at)));
                }
                Doc::Map(m)
            })
            .collect();
        let lines = self
            .lines
            .iter()
            .map(|l| {
                Doc::Map(vec![
                    ("events".into(), int(l.events)),
                    ("time".into(), int(l.time)),
                    ("line".into(), s(&l.line)),
                ])
            })
            .collect();
        let doc = Doc::Map(vec![
            ("format".into(), s(RESULT_FORMAT)),
            (
                "pack".into(),
                Doc::Map(vec![
                    ("id".into(), s(&self.pack_id)),
                    ("version".into(), s(&self.pack_version)),
                ]),
            ),
            ("exercise".into(), s(&self.exercise)),
            ("passed".into(), Doc::Bool(self.passed())),
            ("checks".into(), Doc::Seq(checks)),
            ("lines".into(), Doc::Seq(lines)),
            ("end".into(), moment(&self.end)),
            ("digest".into(), s(&self.digest)),
        ]);
        let mut out = json_pretty(&doc, 2);
        out.push('\n');
        out
    }

    /// Reads a result file (JSON; YAML works too).
    pub fn parse(text: &str) -> Result<ResultRecord, String> {
        if text.len() > MAX_RESULT_BYTES {
            return Err(format!(
                "the result is too large: {} bytes; podlab reads at most {MAX_RESULT_BYTES}",
                text.len()
            ));
        }
        let (docs, err) = tree::parse_stream(text);
        if let Some(e) = err.or_else(|| docs.iter().flat_map(|d| d.errors.clone()).next()) {
            return Err(format!("{}: {}", e.pos, e.message));
        }
        let root = docs
            .iter()
            .find_map(|d| d.root.as_ref())
            .ok_or("the result is empty")?;
        let format = text_at(root, "format")?;
        if format != RESULT_FORMAT {
            return Err(format!(
                "unsupported result format {format:?}: this podlab reads {RESULT_FORMAT:?}"
            ));
        }
        let pack = field(root, "pack")?;
        let mut checks = Vec::new();
        for c in items(root, "checks")? {
            let status = match text_at(c, "status")?.as_str() {
                "pass" => Status::Passed,
                "fail" => Status::Failed,
                "holding" => Status::Holding,
                "pending" => Status::Pending,
                other => return Err(format!("{}: unknown status {other:?}", c.pos)),
            };
            let at = match c.get("at") {
                Some(m) => Some(moment_at(m)?),
                None => None,
            };
            checks.push(CheckRecord {
                task: text_at(c, "task")?,
                title: text_at(c, "title")?,
                status,
                expected: text_at(c, "expected")?,
                seen: text_at(c, "seen")?,
                at,
            });
        }
        let mut lines = Vec::new();
        for l in items(root, "lines")? {
            lines.push(LoggedLine {
                events: int_at(l, "events")?,
                time: int_at(l, "time")?,
                line: text_at(l, "line")?,
            });
        }
        Ok(ResultRecord {
            pack_id: text_at(pack, "id")?,
            pack_version: text_at(pack, "version")?,
            exercise: text_at(root, "exercise")?,
            checks,
            lines,
            end: moment_at(field(root, "end")?)?,
            digest: text_at(root, "digest")?,
        })
    }
}

fn field<'a>(node: &'a Node, key: &str) -> Result<&'a Node, String> {
    node.get(key)
        .ok_or_else(|| format!("{}: missing field {key:?}", node.pos))
}

fn text_at(node: &Node, key: &str) -> Result<String, String> {
    let n = field(node, key)?;
    match &n.value {
        Value::Scalar(s) => Ok(s.text.clone()),
        _ => Err(format!("{}: {key}: expected a string", n.pos)),
    }
}

fn int_at(node: &Node, key: &str) -> Result<u64, String> {
    let n = field(node, key)?;
    match &n.value {
        Value::Scalar(s) => match s.resolve() {
            Resolved::Int(i) => {
                u64::try_from(i).map_err(|_| format!("{}: {key}: out of range", n.pos))
            }
            _ => Err(format!("{}: {key}: expected an integer", n.pos)),
        },
        _ => Err(format!("{}: {key}: expected an integer", n.pos)),
    }
}

fn moment_at(node: &Node) -> Result<Moment, String> {
    Ok(Moment {
        time: int_at(node, "time")?,
        events: int_at(node, "events")?,
    })
}

fn items<'a>(node: &'a Node, key: &str) -> Result<&'a [Node], String> {
    let n = field(node, key)?;
    match &n.value {
        Value::Seq(items) => Ok(items),
        _ => Err(format!("{}: {key}: expected a list", n.pos)),
    }
}

/// Replays a learner's line log on `exercise`, as the lab ran it: the setup, each line at its
/// position, the run to where the result was taken.
pub fn replay(exercise: &Exercise, lines: &[LoggedLine], end: Moment) -> Result<Attempt, SimError> {
    let mut a = Attempt::start(exercise, u64::MAX)?;
    for l in lines {
        a.move_to(l.events, l.time);
        a.run(&l.line);
    }
    a.move_to(end.events, end.time);
    a.finish_here();
    Ok(a)
}

/// What grading a result found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grade {
    /// The replay's own result.
    pub replayed: ResultRecord,
    /// Ways the record differs from its replay (empty for an honest record).
    pub tampered: Vec<String>,
}

impl Grade {
    pub fn passed(&self) -> bool {
        self.tampered.is_empty() && self.replayed.passed()
    }
}

/// Grades `record` against `pack`: replays its log and compares digest and verdicts.
pub fn grade(pack: &Pack, record: &ResultRecord) -> Result<Grade, String> {
    if record.pack_id != pack.id {
        return Err(format!(
            "the result is for pack {:?}, not {:?}",
            record.pack_id, pack.id
        ));
    }
    if record.pack_version != pack.version {
        return Err(format!(
            "the result is for version {} of pack {}, not {}",
            record.pack_version, pack.id, pack.version
        ));
    }
    let exercise = pack
        .exercise(&record.exercise)
        .ok_or_else(|| format!("pack {} has no exercise {:?}", pack.id, record.exercise))?;
    let attempt = replay(exercise, &record.lines, record.end)
        .map_err(|e| format!("the exercise's cluster does not start: {e}"))?;
    let replayed = ResultRecord::of(pack, exercise, &attempt);
    let mut tampered = Vec::new();
    if replayed.end != record.end {
        tampered.push(format!(
            "the run ends at {} ms after {} events, not at {} ms after {} events as recorded",
            replayed.end.time, replayed.end.events, record.end.time, record.end.events
        ));
    }
    if replayed.digest != record.digest {
        tampered.push(format!(
            "the trace digest is {}, not {} as recorded: the result was changed or made by another podlab",
            replayed.digest, record.digest
        ));
    }
    if replayed.checks.len() != record.checks.len() {
        tampered.push(format!(
            "the exercise has {} checks; the result lists {}",
            replayed.checks.len(),
            record.checks.len()
        ));
    }
    for (r, c) in replayed.checks.iter().zip(&record.checks) {
        if r.status != c.status || r.task != c.task {
            tampered.push(format!(
                "task {} check {:?}: recorded {}, the replay gives {}",
                r.task,
                r.title,
                c.status.name(),
                r.status.name()
            ));
        }
    }
    Ok(Grade { replayed, tampered })
}

/// One phase of a proof: each task's status and its checks' verdicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    pub tasks: Vec<(String, Status, Vec<CheckRecord>)>,
    /// Each line run and what it printed (the solution phase).
    pub lines: Vec<(LoggedLine, Output)>,
}

/// What `podlab check` found for one exercise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub exercise: String,
    pub without: Phase,
    pub with: Phase,
    /// What is wrong (empty when the exercise is proved).
    pub problems: Vec<String>,
}

fn phase(pack: &Pack, exercise: &Exercise, attempt: &Attempt) -> Phase {
    let record = ResultRecord::of(pack, exercise, attempt);
    let mut tasks = Vec::new();
    for t in &exercise.tasks {
        let checks: Vec<CheckRecord> = record
            .checks
            .iter()
            .filter(|c| c.task == t.id)
            .cloned()
            .collect();
        let status = task_status(checks.iter().map(|c| c.status));
        tasks.push((t.id.clone(), status, checks));
    }
    Phase {
        tasks,
        lines: Vec::new(),
    }
}

/// Proves an exercise: without the solution every task fails; with it every check passes.
pub fn prove(pack: &Pack, exercise: &Exercise) -> Result<Proof, SimError> {
    let mut bare = Attempt::start(exercise, u64::MAX)?;
    bare.finish(exercise);
    let without = phase(pack, exercise, &bare);
    let mut solved = Attempt::start(exercise, u64::MAX)?;
    let ran = solved.run_solution(exercise);
    solved.finish(exercise);
    let mut with = phase(pack, exercise, &solved);
    with.lines = ran;
    let mut problems = Vec::new();
    for (task, status, _) in &without.tasks {
        if *status != Status::Failed {
            problems.push(format!(
                "task {task} passes without the solution: its checks do not test the learner's work"
            ));
        }
    }
    for (task, _, checks) in &with.tasks {
        for c in checks.iter().filter(|c| c.status != Status::Passed) {
            problems.push(format!(
                "task {task}: {:?} fails with the solution: expected {}; seen {}",
                c.title, c.expected, c.seen
            ));
        }
    }
    Ok(Proof {
        exercise: exercise.id.clone(),
        without,
        with,
        problems,
    })
}
