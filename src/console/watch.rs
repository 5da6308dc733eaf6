//! `kubectl get -w` / `--watch` / `--watch-only`, and the host's `watch CMD`: commands that
//! stay open while simulated time runs and print what changes.
//!
//! kubectl prints the list (not with `--watch-only`), then one row per watch event of a
//! listed object, through the same table printer: no second header, and columns that keep
//! the widest cell seen so far (kubectl's tabwriter has `RememberWidths`), so later rows line
//! up with the first ones until a wider cell widens its column. Events here are the API
//! server's writes in the trace (created, updated, deletion started, deleted); heartbeats
//! (node status posts and Lease renewals that change nothing shown) are left out. A deleted
//! object prints its last row, as kubectl prints the object of a DELETED event.
//!
//! `kubectl rollout status` and `kubectl wait` wait in simulated time (`until`): in one go
//! where nothing else runs meanwhile (`podlab run`, packs), or, in the page, as a watch that
//! looks every poll interval while the page runs time a frame at a time, and that ends by
//! itself with the command's last lines and exit status (issue 16).
//!
//! `watch CMD` runs CMD every 2 seconds of simulated time and prints its output again when
//! something in it other than an age changed (the terminal `watch` redraws every time; a
//! transcript shows only the redraws that differ).

use crate::model::{Kind, Object, ObjectRef, Selector};
use crate::sim::trace::Change;
use crate::sim::Sim;

use super::cmdutil::{flags, namespace, qualified_name, resource_args};
use super::get::{self, Columns, FieldSelector};
use super::rollout::StatusWait;
use super::wait::Wait;
use super::{Console, Output, Target};

/// How often `watch` re-runs its command without `-n` (its default, 2 s).
pub const WATCH_INTERVAL_MS: u64 = 2_000;

/// A command that stays open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watch {
    /// The command line, to label what it prints later.
    pub line: String,
    kind: Watching,
    /// A waiting command that ended at the last poll, and whether it succeeded.
    pub ended: Option<bool>,
}

/// A command that waits in simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Until {
    Rollout(StatusWait),
    Wait(Wait),
}

impl Until {
    fn every(&self) -> u64 {
        match self {
            Until::Rollout(_) => StatusWait::EVERY_MS,
            Until::Wait(_) => Wait::EVERY_MS,
        }
    }

    fn limit(&self) -> u64 {
        match self {
            Until::Rollout(w) => w.limit(),
            Until::Wait(w) => w.limit(),
        }
    }

    fn poll(&mut self, sim: &Sim) -> (String, Option<bool>) {
        match self {
            Until::Rollout(w) => w.poll(sim),
            Until::Wait(w) => w.poll(sim),
        }
    }
}

/// Runs a waiting command: looks now, then every poll interval of simulated time until it
/// ends. With `console.waits_open` (the page) it looks once and stays open as a watch.
pub fn until(console: &Console, target: &mut dyn Target, line: &str, mut wait: Until) -> Output {
    let mut text = String::new();
    let start = target.sim().now();
    loop {
        let (more, done) = wait.poll(target.sim());
        text.push_str(&more);
        if let Some(ok) = done {
            return Output { text, ok };
        }
        let every = wait.every();
        if console.waits_open {
            // The last look is due once the limit has passed, on the poll grid.
            let deadline = start + wait.limit().div_ceil(every) * every;
            *console.watch.borrow_mut() = Some(Watch {
                line: line.to_string(),
                kind: Watching::Until {
                    wait,
                    next_at: target.sim().now() + every,
                    deadline,
                },
                ended: None,
            });
            return Output::ok(text);
        }
        target.run_for(every);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Watching {
    Get {
        /// The `get` words, re-read at each poll.
        words: Vec<String>,
        kind: Kind,
        /// The trace entries already looked at.
        seen: usize,
        /// Column widths so far (RememberWidths).
        widths: Vec<usize>,
        /// Whether the header was printed (`--watch-only` prints it with the first row).
        header: bool,
        /// The last row printed of each object, by namespace and name, for its deletion.
        rows: Vec<(String, String, Vec<String>)>,
    },
    Repeat {
        command: String,
        /// `-n`, in ms.
        every: u64,
        next_at: u64,
        last: String,
    },
    Until {
        wait: Until,
        next_at: u64,
        /// When the last look is due (simulated ms).
        deadline: u64,
    },
}

/// `kubectl get ... -w|--watch|--watch-only`: prints the list (unless `--watch-only`) and
/// returns the watch that prints the changes.
pub fn get(
    console: &Console,
    target: &mut dyn Target,
    line: &str,
    words: &[String],
) -> (Output, Option<Watch>) {
    let args = match flags("get", words, get::FLAGS) {
        Ok(a) => a,
        Err(o) => return (o, None),
    };
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return (o, None),
    };
    // kubectl's RunGet watch: one resource collection, or one named object.
    match requests.as_slice() {
        [] => return (get::run(console, target, words), None),
        [(_, names)] if names.len() > 1 => {
            return (
                Output::err(format!(
                    "error: watch is only supported on individual resources and resource collections, but {} resources were found\n",
                    names.len()
                )),
                None,
            )
        }
        [_] => {}
        _ => {
            return (
                Output::err(
                    "error: watch is only supported on individual resources and resource collections, but multiple resource types were requested\n",
                ),
                None,
            )
        }
    }
    let output = match get::output_format(&args) {
        Ok(o) => o,
        Err(e) => return (e, None),
    };
    if !matches!(output.as_str(), "" | "wide" | "name") {
        return (
            Output::err(format!(
                "error: this console watches with the table printers only (the default, -o wide and -o name), not -o {output}\n"
            )),
            None,
        );
    }
    let kind = requests[0].0;
    let only = args.on("watch-only");
    let mut watch = Watching::Get {
        words: words.to_vec(),
        kind,
        seen: target.sim().trace().len(),
        widths: Vec::new(),
        header: !only && !args.on("no-headers"),
        rows: Vec::new(),
    };
    let mut out = Output::ok("");
    if !only {
        out = get::run(console, target, words);
        if !out.ok && out.text.starts_with("error") {
            return (out, None);
        }
        // The first rows set the widths later rows line up with.
        let sim = target.sim();
        if let (
            Some(table),
            Watching::Get {
                widths,
                rows,
                header,
                ..
            },
        ) = (table_of(console, sim, words, kind, None), &mut watch)
        {
            if table.rows.is_empty() {
                // An empty list prints nothing (no "No resources found", which only a plain
                // get prints); the header comes with the first change.
                *header = false;
                out.text.clear();
            }
            remember(widths, &table.header);
            for (o, row) in table.objects.iter().zip(&table.rows) {
                remember(widths, row);
                rows.push((o.0.clone(), o.1.clone(), row.clone()));
            }
        }
        out.ok = true;
    }
    (
        out,
        Some(Watch {
            line: line.to_string(),
            kind: watch,
            ended: None,
        }),
    )
}

/// `watch CMD`: CMD's output now, under watch's header, and the watch that re-runs it.
pub fn repeat(
    console: &Console,
    target: &mut dyn Target,
    line: &str,
    command: &str,
    every: u64,
) -> (Output, Watch) {
    let out = console.run(target, command);
    let now = target.sim().now();
    let text = format!("{}{}", header(every, command), out.text);
    (
        Output { text, ok: out.ok },
        Watch {
            line: line.to_string(),
            kind: Watching::Repeat {
                command: command.to_string(),
                every,
                next_at: now + every,
                last: out.text,
            },
            ended: None,
        },
    )
}

/// The rows of the objects a `get` watch lists now (`only`: just these objects).
struct Listed {
    header: Vec<String>,
    /// (namespace, name) of each row.
    objects: Vec<(String, String)>,
    rows: Vec<Vec<String>>,
}

fn table_of(
    console: &Console,
    sim: &Sim,
    words: &[String],
    kind: Kind,
    only: Option<&[ObjectRef]>,
) -> Option<Listed> {
    let args = flags("get", words, get::FLAGS).ok()?;
    let requests = resource_args(&args.positional).ok()?;
    let names = &requests.first()?.1;
    let ns = namespace(console, &args).to_string();
    let all_ns = args.on("all-namespaces");
    let selector = match args.value("selector") {
        Some(s) => Some(Selector::parse(s).ok()?),
        None => None,
    };
    let fields = match args.value("field-selector") {
        Some(f) => Some(FieldSelector::parse(f, kind).ok()?),
        None => None,
    };
    let wanted = |o: &Object| {
        let m = o.meta();
        (all_ns || !kind.namespaced() || m.namespace == ns)
            && (names.is_empty() || names.iter().any(|n| *n == m.name))
            && selector.as_ref().is_none_or(|s| s.matches(&m.labels))
            && fields.as_ref().is_none_or(|f| f.matches(o))
    };
    let objects: Vec<&Object> = match only {
        None => sim
            .cluster()
            .list_kind(kind)
            .filter(|o| wanted(o))
            .collect(),
        Some(refs) => refs
            .iter()
            .filter_map(|r| sim.cluster().get_object(r))
            .filter(|o| wanted(o))
            .collect(),
    };
    let output = get::output_format(&args).ok()?;
    let cols = Columns {
        wide: output == "wide",
        show_kind: args.on("show-kind"),
        all_namespaces: all_ns,
        show_labels: args.on("show-labels"),
    };
    let (header, rows) = if output == "name" {
        let rows = objects
            .iter()
            .map(|o| vec![qualified_name(kind, &o.meta().name)])
            .collect();
        (Vec::new(), rows)
    } else {
        let t = get::kind_table(&args, kind, &objects, cols, sim.now());
        (t.header, t.rows)
    };
    Some(Listed {
        header,
        objects: objects
            .iter()
            .map(|o| (o.meta().namespace.to_string(), o.meta().name.to_string()))
            .collect(),
        rows,
    })
}

fn remember(widths: &mut Vec<usize>, row: &[String]) {
    if widths.len() < row.len() {
        widths.resize(row.len(), 0);
    }
    for (w, c) in widths.iter_mut().zip(row) {
        *w = (*w).max(c.chars().count());
    }
}

/// One row laid out with the remembered widths (padding 3, no trailing spaces).
fn line_of(widths: &mut Vec<usize>, row: &[String]) -> String {
    remember(widths, row);
    let mut line = String::new();
    for (i, c) in row.iter().enumerate() {
        line.push_str(c);
        if i + 1 < row.len() {
            let pad = widths[i] - c.chars().count() + 3;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    let mut line = line.trim_end().to_string();
    line.push('\n');
    line
}

impl Watch {
    /// When `watch CMD` runs next (simulated ms); `None` for a `get` watch, which follows events.
    pub fn next_tick(&self) -> Option<u64> {
        match &self.kind {
            Watching::Repeat { next_at, .. } | Watching::Until { next_at, .. } => Some(*next_at),
            Watching::Get { .. } => None,
        }
    }

    /// For a waiting command: when its last look is due, the furthest the page runs for it.
    pub fn deadline(&self) -> Option<u64> {
        match &self.kind {
            Watching::Until { deadline, .. } => Some(*deadline),
            _ => None,
        }
    }

    /// Forgets what happened up to now without printing it (the run was scrubbed).
    pub fn skip(&mut self, sim: &Sim) {
        match &mut self.kind {
            Watching::Get { seen, .. } => *seen = sim.trace().len(),
            Watching::Repeat { next_at, every, .. } => {
                *next_at = sim.now() + *every;
            }
            Watching::Until { next_at, wait, .. } => *next_at = sim.now() + wait.every(),
        }
    }

    /// What the watch prints for the changes since the last poll: `get` rows for the objects
    /// the API server wrote, or `watch`'s new output once its 2 s are up.
    pub fn poll(&mut self, console: &Console, sim: &Sim) -> String {
        match &mut self.kind {
            Watching::Until { wait, next_at, .. } => {
                if sim.now() < *next_at {
                    return String::new();
                }
                let (text, done) = wait.poll(sim);
                *next_at = sim.now() + wait.every();
                self.ended = done;
                text
            }
            Watching::Repeat {
                command,
                every,
                next_at,
                last,
            } => {
                if sim.now() < *next_at {
                    return String::new();
                }
                let since = sim.now() - *next_at;
                *next_at = sim.now() + *every - since % *every;
                let out = console.run(&mut ReadOnly(sim), command);
                if without_ages(&out.text) == without_ages(last) {
                    return String::new();
                }
                *last = out.text.clone();
                format!("{}{}", header(*every, command), out.text)
            }
            Watching::Get {
                words,
                kind,
                seen,
                widths,
                header,
                rows,
            } => {
                let trace = sim.trace();
                // A seek back replaced the trace: start from here.
                let start = (*seen).min(trace.len());
                *seen = trace.len();
                let mut changed: Vec<ObjectRef> = Vec::new();
                for e in trace.entries_from(start) {
                    let Some(r) = &e.object else { continue };
                    let write = matches!(
                        e.change,
                        Change::Created | Change::Updated | Change::Deleting | Change::Deleted
                    );
                    if write && r.kind == *kind && !changed.contains(r) {
                        changed.push((**r).clone());
                    }
                }
                if changed.is_empty() {
                    return String::new();
                }
                let now = table_of(console, sim, words, *kind, Some(&changed));
                let Some(now) = now else {
                    return String::new();
                };
                let mut text = String::new();
                // One flush: the header (with `--watch-only`) and the rows align together.
                for row in &now.rows {
                    remember(widths, row);
                }
                if !*header && !now.header.is_empty() && !now.rows.is_empty() {
                    remember(widths, &now.header);
                    text.push_str(&line_of(widths, &now.header));
                    *header = true;
                }
                for r in &changed {
                    let key = (&*r.namespace, r.name.as_str());
                    let at = now
                        .objects
                        .iter()
                        .position(|(n, m)| (n.as_str(), m.as_str()) == key);
                    let old = rows
                        .iter()
                        .position(|(n, m, _)| (n.as_str(), m.as_str()) == key);
                    match (at, old) {
                        (Some(i), old) => {
                            let row = now.rows[i].clone();
                            text.push_str(&line_of(widths, &row));
                            match old {
                                Some(j) => rows[j].2 = row,
                                None => rows.push((key.0.into(), key.1.into(), row)),
                            }
                        }
                        // Deleted, or no longer selected: the last row, once.
                        (None, Some(j)) => {
                            let (_, _, row) = rows.remove(j);
                            text.push_str(&line_of(widths, &row));
                        }
                        (None, None) => {}
                    }
                }
                text
            }
        }
    }
}

/// `Every 2.0s: CMD` and a blank line, as procps' watch heads its screen.
fn header(every: u64, command: &str) -> String {
    format!(
        "Every {}.{}s: {command}\n\n",
        every / 1000,
        every % 1000 / 100
    )
}

/// The words of a text with every age (`40s`, `5m2s`, `3d`) blanked: `watch` prints again
/// only when something else changed, so a transcript does not repeat a table every 2 s.
fn without_ages(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .map(|w| {
            let age = w.len() > 1
                && w.starts_with(|c: char| c.is_ascii_digit())
                && w.ends_with(['s', 'm', 'h', 'd', 'y'])
                && w.chars().all(|c| c.is_ascii_digit() || "smhdy".contains(c));
            if age {
                "~"
            } else {
                w
            }
        })
        .collect()
}

/// Commands a watch re-runs only read.
struct ReadOnly<'a>(&'a Sim);

impl Target for ReadOnly<'_> {
    fn sim(&self) -> &Sim {
        self.0
    }
    fn apply(
        &mut self,
        _: crate::sim::Command,
    ) -> Result<crate::sim::Outcome, crate::sim::SimError> {
        Err(crate::sim::SimError::NotApplicable(
            "watch only reads".into(),
        ))
    }
    fn run_for(&mut self, _: u64) {}
}
