//! One learner's run: a `Timeline`, the console with its files, and every console line that
//! changed the run, at the position it ran. The line log is what a share link and the autosave
//! carry; replaying it through the same console rebuilds the same trace.

use crate::sorted::SortedMap;

use crate::console::{cmdutil::outcome_line, sim_error_text, Console, Output, Target};
use crate::manifest::{self, ManifestObject, Severity};
use crate::model::{go_duration, Kind, Object};
use crate::sim::{Command, NodeConfig, Outcome, Sim, SimBuilder, SimError, Timeline};

/// Events between checkpoints: a seek replays at most this many events.
pub const CHECKPOINT_EVERY: u64 = 2_000;

/// A console line that changed the run, and where: after `events` events, at `time` ms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedLine {
    pub events: u64,
    pub time: u64,
    pub line: String,
}

/// Simulated-time buckets of visible trace entries, for the scrubber's density strip.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Density {
    pub counts: Vec<u32>,
    /// Trace entries already counted.
    seen: usize,
    /// What each process believed about its locks, read from the same new entries (the Locks
    /// panel's belief timeline).
    pub beliefs: crate::view::locks::BeliefHistory,
}

/// Width of one density bucket in simulated ms.
pub const DENSITY_BUCKET_MS: u64 = 5_000;
/// "Next change" looks at the screen after each of this many first events (a process starting
/// to serve is on screen without being a visible trace entry), then after visible ones only.
pub const SCREEN_EVERY_EVENT: u32 = 2_000;
/// At most this many events per "next change" click.
pub const STEP_VISIBLE_MAX_EVENTS: u32 = 50_000;

impl Density {
    /// Counts entries not yet seen. Replays produce the same trace prefix, so after a seek back
    /// there is nothing new until the run passes the furthest point again.
    pub fn ingest(&mut self, sim: &Sim) {
        self.beliefs.ingest(sim);
        let trace = sim.trace();
        if trace.len() <= self.seen {
            return;
        }
        for e in trace.entries_from(self.seen) {
            if !e.change.is_visible() {
                continue;
            }
            let b = (e.time / DENSITY_BUCKET_MS) as usize;
            if self.counts.len() <= b {
                self.counts.resize(b + 1, 0);
            }
            self.counts[b] += 1;
        }
        self.seen = trace.len();
    }

    /// Forgets everything after the current point of `sim` (a fork).
    pub fn truncate(&mut self, sim: &Sim) {
        self.counts.clear();
        self.seen = 0;
        self.beliefs = Default::default();
        self.ingest(sim);
    }

    /// `n` bins over `[0, until_ms]`, each the sum of its buckets.
    pub fn bins(&self, n: usize, until_ms: u64) -> Vec<u32> {
        let mut out = vec![0u32; n.max(1)];
        let span = until_ms.max(1);
        for (i, c) in self.counts.iter().enumerate() {
            let t = i as u64 * DENSITY_BUCKET_MS;
            if t > span {
                break;
            }
            let bin = ((t as u128 * out.len() as u128) / (span as u128 + 1)) as usize;
            out[bin.min(n.max(1) - 1)] += c;
        }
        out
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    pub seed: u64,
    pub workers: u32,
    /// The nodes `kind` or `minikube` made, instead of `workers` generated ones.
    pub nodes: Option<Vec<NodeConfig>>,
    pub console: Console,
    pub timeline: Timeline,
    pub lines: Vec<LoggedLine>,
    pub density: Density,
    /// What the open watch printed while time ran, not yet shown: (ms, command, text).
    pub watched: Vec<(u64, String, String, bool)>,
}

/// A "next change" search under way (`Session::begin_search`).
#[derive(Clone, Debug, PartialEq)]
pub struct Search<K> {
    /// What was on screen where it began.
    pub before: K,
    /// Where it began: (events, ms).
    pub start: (u64, u64),
    /// It began at the end of the run (so a search that finds nothing forks nothing).
    pub at_end: bool,
    /// The latest simulated ms it looks at.
    pub deadline: u64,
    /// Events it may still step.
    pub left: u32,
}

/// A run to return to (the one undo): rebuilt by replaying, so keeping it costs only its log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub seed: u64,
    pub workers: u32,
    pub nodes: Option<Vec<NodeConfig>>,
    pub files: SortedMap<String, String>,
    pub lines: Vec<LoggedLine>,
    /// Where the learner was: (events, ms).
    pub at: (u64, u64),
    /// How far the run had gone, so its future can be scrubbed again.
    pub horizon: (u64, u64),
}

impl Snapshot {
    pub fn restore(&self) -> Session {
        let (mut s, mut r) = self.begin_restore();
        s.replay_within(&mut r, &mut || true, &mut |_, _| {});
        s
    }

    /// `restore` a piece at a time: to the horizon, then back to where the learner was.
    pub fn begin_restore(&self) -> (Session, Replay) {
        let (s, mut r) = Session::begin_replay(
            self.seed,
            self.workers,
            self.nodes.as_deref(),
            self.files.clone(),
            &self.lines,
            self.horizon,
        );
        r.then = self.at;
        (s, r)
    }
}

/// Where a replay of a run's log stands (`Session::begin_replay`, `Session::replay_within`):
/// a page load or an Undo of a large run rebuilds it a frame at a time (issue 16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replay {
    pub lines: Vec<LoggedLine>,
    /// Lines run again so far.
    pub done: usize,
    /// How far the run goes: (events, ms).
    pub at: (u64, u64),
    /// Where the learner was, at or before `at` (an Undo keeps the future to scrub).
    pub then: (u64, u64),
    /// The next line's event count is reached; its time may not be yet.
    counted: bool,
}

impl Replay {
    /// Events the whole run takes (what "restoring… N of M events" counts to).
    pub fn events(&self) -> u64 {
        self.lines
            .iter()
            .map(|l| l.events)
            .fold(self.at.0, u64::max)
    }
}

/// The notice after a change to the run made at `at` (simulated ms, shown to the tenth): a fork
/// replaced the run's old future; otherwise the line ran.
pub fn change_notice(line: &str, at: u64, forked: bool) -> String {
    let at = go_duration(at / 100 * 100);
    if forked {
        format!("Forked at {at}: the old future was replaced. Undo brings it back.")
    } else {
        format!("Ran `{line}` at {at}.")
    }
}

/// The notice when "next change" finds nothing on screen changing within `limit_ms`.
pub fn nothing_changes_notice(limit_ms: u64) -> String {
    let span = if limit_ms.is_multiple_of(60_000) {
        format!("{} minutes", limit_ms / 60_000)
    } else {
        go_duration(limit_ms)
    };
    format!(
        "Nothing on screen changes in the next {span}: the run stays here. Play to let time pass."
    )
}

/// Counts what a console line did to the timeline.
struct Recording<'a> {
    timeline: &'a mut Timeline,
    attempts: u32,
    applied: u32,
}

impl Target for Recording<'_> {
    fn sim(&self) -> &Sim {
        self.timeline.sim()
    }
    fn apply(&mut self, command: Command) -> Result<Outcome, SimError> {
        self.attempts += 1;
        let out = self.timeline.apply(command);
        if out.is_ok() {
            self.applied += 1;
        }
        out
    }
    fn run_for(&mut self, ms: u64) {
        self.timeline.run_for(ms)
    }
}

/// A read-only target, so queries (`kubectl get`) can render from `&Sim` in a view.
pub struct ReadOnly<'a>(pub &'a Sim);

impl Target for ReadOnly<'_> {
    fn sim(&self) -> &Sim {
        self.0
    }
    fn apply(&mut self, _: Command) -> Result<Outcome, SimError> {
        Err(SimError::NotApplicable("this view only reads".into()))
    }
    fn run_for(&mut self, _: u64) {}
}

/// Runs a query line against a sim without changing it.
pub fn query(sim: &Sim, line: &str) -> Output {
    Console::new().run(&mut ReadOnly(sim), line)
}

pub fn builder(seed: u64, workers: u32) -> SimBuilder {
    SimBuilder::new(seed).workers(workers)
}

impl Session {
    pub fn new(seed: u64, workers: u32) -> Session {
        Session::on(seed, workers, None)
    }

    /// A run on the nodes `kind` or `minikube` made, or on `workers` generated ones.
    pub fn on(seed: u64, workers: u32, nodes: Option<&[NodeConfig]>) -> Session {
        let workers = workers.clamp(1, 200);
        let build = match nodes {
            Some(nodes) => SimBuilder::new(seed).nodes(nodes),
            None => builder(seed, workers),
        };
        let timeline = Timeline::new(build, CHECKPOINT_EVERY)
            .or_else(|_| Timeline::new(builder(seed, workers), CHECKPOINT_EVERY))
            .expect("generated worker names are valid");
        // The page has an editor for `kubectl edit`, and runs a waiting command's time a
        // frame at a time.
        let console = Console {
            editor: true,
            waits_open: true,
            ..Console::new()
        };
        Session {
            seed,
            workers,
            nodes: nodes.map(<[NodeConfig]>::to_vec),
            console,
            timeline,
            lines: Vec::new(),
            density: Density::default(),
            watched: Vec::new(),
        }
    }

    pub fn sim(&self) -> &Sim {
        self.timeline.sim()
    }

    /// What an open watch (`kubectl get -w`, `watch CMD`) printed since it last looked:
    /// (simulated ms, its command line, the text), oldest first.
    pub fn watch_output(&mut self) -> Vec<(u64, String, String, bool)> {
        self.poll_watch();
        std::mem::take(&mut self.watched)
    }

    fn poll_watch(&mut self) {
        let sim = self.timeline.sim();
        if let Some((line, text, ok)) = self.console.poll_watch_status(sim) {
            self.watched.push((sim.now(), line, text, ok));
        }
    }

    /// Stops the open watch (Ctrl+C); returns its command line.
    pub fn stop_watch(&self) -> Option<String> {
        self.console.stop_watch()
    }

    /// The open watch skips to now without printing (a seek or an undo moved the run).
    pub fn skip_watch(&self) {
        self.console.skip_watch(self.timeline.sim());
    }

    /// When the open waiting command (`rollout status`, `wait`) looks for the last time.
    pub fn wait_deadline(&self) -> Option<u64> {
        self.console.wait_deadline()
    }

    /// The command line of the open watch.
    pub fn watching(&self) -> Option<String> {
        self.console.watching()
    }

    /// The objects the editor's manifest is checked against: the cluster without its Events,
    /// Leases and EndpointSlices.
    pub fn cluster_objects(&self) -> Vec<Object> {
        self.sim()
            .cluster()
            .objects()
            .filter(|o| !matches!(o.kind(), Kind::Event | Kind::Lease | Kind::EndpointSlice))
            .cloned()
            .collect()
    }

    /// The current position: (events processed, simulated ms).
    pub fn position(&self) -> (u64, u64) {
        (self.sim().events_processed(), self.sim().now())
    }

    /// Runs one console line. A line that tried to change the run drops the recorded future
    /// (the timeline forks); one that succeeded is logged at its position.
    pub fn run(&mut self, line: &str) -> Output {
        let pos = self.position();
        let mut rec = Recording {
            timeline: &mut self.timeline,
            attempts: 0,
            applied: 0,
        };
        let out = run_line(&self.console, &mut rec, line);
        let (attempts, applied) = (rec.attempts, rec.applied);
        if let Some(new) = self.console.take_new_cluster() {
            // `kind create cluster`, `minikube start`: a new cluster, so a new run on it, with
            // the console's files; Undo brings the old one back.
            let mut fresh = Session::on(self.seed, self.workers, Some(&new.nodes));
            fresh.console.files = std::mem::take(&mut self.console.files);
            *self = fresh;
            return out;
        }
        if attempts > 0 {
            self.lines.retain(|l| (l.events, l.time) <= pos);
            self.density.truncate(self.timeline.sim());
        }
        if applied > 0 {
            self.lines.push(LoggedLine {
                events: pos.0,
                time: pos.1,
                line: line.trim().to_string(),
            });
        }
        self.density.ingest(self.timeline.sim());
        out
    }

    /// Offers `text` to the console as file `name` (`kubectl apply -f NAME`), keeping one the
    /// run already has (a restored run's files are its own).
    pub fn add_file(&mut self, name: &str, text: &str) {
        if self.console.files.get(name).is_none() {
            self.console
                .files
                .insert(name.to_string(), text.to_string());
        }
    }

    /// The object `kubectl edit` asked the editor to open: (file name, YAML).
    pub fn take_edit(&self) -> Option<(String, String)> {
        self.console
            .edit
            .borrow_mut()
            .take()
            .map(|e| (e.file, e.text))
    }

    /// Saves an edit: the text as console file `name`, then `kubectl replace -f` it, with the
    /// resourceVersion it holds (a stale one gets the API server's conflict).
    pub fn save_edit(&mut self, name: &str, text: &str) -> (String, Output) {
        self.store_and_run(name, text, "replace")
    }

    /// Stores `text` as a console file and applies it with `kubectl apply -f`. A changed text
    /// gets a new name, so the log can replay every version that was applied.
    pub fn apply_text(&mut self, name: &str, text: &str) -> (String, Output) {
        self.store_and_run(name, text, "apply")
    }

    fn store_and_run(&mut self, name: &str, text: &str, verb: &str) -> (String, Output) {
        let mut file = name.to_string();
        let mut n = 1;
        while self
            .console
            .files
            .get(&file)
            .is_some_and(|old| old.as_str() != text)
        {
            n += 1;
            file = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
                None => format!("{name}-{n}"),
            };
        }
        self.console.files.insert(file.clone(), text.to_string());
        let line = format!("kubectl {verb} -f {file}");
        let out = self.run(&line);
        (line, out)
    }

    pub fn step(&mut self) {
        self.timeline.step();
        self.density.ingest(self.timeline.sim());
    }

    /// Steps to the next visible change, at most `limit_ms` ahead and at most
    /// `STEP_VISIBLE_MAX_EVENTS` events (heartbeats of a 1,000-node cluster add up).
    pub fn step_visible(&mut self, limit_ms: u64) {
        let deadline = self.sim().now().saturating_add(limit_ms);
        let mut budget = STEP_VISIBLE_MAX_EVENTS;
        while budget > 0 && self.sim().next_event_time().is_some_and(|t| t <= deadline) {
            budget -= 1;
            match self.timeline.step() {
                Some(info) if info.visible_count > 0 => break,
                Some(_) => {}
                None => break,
            }
        }
        self.density.ingest(self.timeline.sim());
    }

    /// Steps to the next event that changes what `screen` shows (the regions on screen), at
    /// most `limit_ms` ahead and `STEP_VISIBLE_MAX_EVENTS` events. When none does, the run stays
    /// where it was (and, if that was its end, so does its end) and this returns false. The
    /// page searches a frame at a time (`begin_search`, `go_on_searching`); the tests use this
    /// search in one go as the reference.
    #[cfg(test)]
    pub fn step_to_change<K: PartialEq>(
        &mut self,
        limit_ms: u64,
        screen: impl Fn(&Sim) -> K,
    ) -> bool {
        let mut search = self.begin_search(limit_ms, &screen);
        loop {
            if let Some(found) = self.go_on_searching(&mut search, &screen, &mut || true) {
                return found;
            }
        }
    }

    /// A "next change" search from here: what is on screen now and how far it may look.
    pub fn begin_search<K>(&self, limit_ms: u64, screen: impl Fn(&Sim) -> K) -> Search<K> {
        let start = self.position();
        Search {
            before: screen(self.sim()),
            start,
            at_end: self.timeline.horizon() <= start,
            deadline: start.1.saturating_add(limit_ms),
            left: STEP_VISIBLE_MAX_EVENTS,
        }
    }

    /// Goes on with `search` while `more()` allows (asked every 16 events), so the page does a
    /// frame's worth at a time (issue 16: in a cluster of 100,000 pending pods, thousands of
    /// scheduling attempts change nothing on screen). Some(true): a change is on screen;
    /// Some(false): none within the limits, and the run is back where the search began; None:
    /// not done yet.
    pub fn go_on_searching<K: PartialEq>(
        &mut self,
        search: &mut Search<K>,
        screen: impl Fn(&Sim) -> K,
        more: &mut dyn FnMut() -> bool,
    ) -> Option<bool> {
        let mut n = 0u32;
        while search.left > 0
            && self
                .sim()
                .next_event_time()
                .is_some_and(|t| t <= search.deadline)
        {
            n = n.wrapping_add(1);
            if n.is_multiple_of(16) && !more() {
                self.density.ingest(self.timeline.sim());
                return None;
            }
            search.left -= 1;
            let look = search.left > STEP_VISIBLE_MAX_EVENTS - SCREEN_EVERY_EVENT;
            match self.timeline.step() {
                Some(info)
                    if (look || info.visible_count > 0) && screen(self.sim()) != search.before =>
                {
                    self.density.ingest(self.timeline.sim());
                    return Some(true);
                }
                Some(_) => {}
                None => break,
            }
        }
        self.move_to(search.start.0, search.start.1);
        if search.at_end {
            self.timeline.fork_here();
            self.density.truncate(self.timeline.sim());
        }
        Some(false)
    }

    /// Runs time on. With a watch open it goes event by event (and `watch`'s 2 s ticks), so
    /// the watch sees each state, as kubectl sees each watch event.
    pub fn run_for(&mut self, ms: u64) {
        let t = self.sim().now().saturating_add(ms);
        self.run_to_within(t, &mut || true);
    }

    /// Runs toward absolute time `t` while `more()` allows it, so the page does at most a
    /// frame's worth of engine work at a time (issue 16). Returns whether `t` was reached.
    /// Run toward a waiting command's last look (`rollout status`, `wait`), the run stops where
    /// the command ends, as its return would: that counts as reaching `t`. Play and seeks go on.
    pub fn run_to_within(&mut self, t: u64, more: &mut dyn FnMut() -> bool) -> bool {
        let waiting = self.wait_deadline() == Some(t);
        while self.console.watching().is_some() {
            if !more() {
                self.density.ingest(self.timeline.sim());
                return false;
            }
            if !self.console.watch_step(&mut self.timeline, t) {
                break;
            }
            self.poll_watch();
            if waiting && self.console.watching().is_none() {
                self.density.ingest(self.timeline.sim());
                return true;
            }
        }
        let done = self.timeline.run_to_within(t, more);
        self.density.ingest(self.timeline.sim());
        done
    }

    pub fn seek_time(&mut self, t: u64) {
        self.timeline.seek_time(t);
        self.density.ingest(self.timeline.sim());
    }

    /// A seek's first half: back to the nearest checkpoint before `t` (`run_to_within` then
    /// replays the rest, a frame at a time).
    pub fn rewind_to(&mut self, t: u64) {
        self.timeline.rewind_to(t);
    }

    /// The furthest simulated time this run has reached.
    pub fn horizon_time(&self) -> u64 {
        self.timeline.horizon().1.max(self.sim().now())
    }

    /// Rebuilds a run from its seed, files and line log, then moves to `at`.
    pub fn replay(
        seed: u64,
        workers: u32,
        files: SortedMap<String, String>,
        lines: &[LoggedLine],
        at: (u64, u64),
    ) -> Session {
        Session::replay_with_output(seed, workers, files, lines, at).0
    }

    /// As `replay`, also returning what each line printed, for the console's scrollback.
    pub fn replay_with_output(
        seed: u64,
        workers: u32,
        files: SortedMap<String, String>,
        lines: &[LoggedLine],
        at: (u64, u64),
    ) -> (Session, Vec<Output>) {
        Session::replay_on(seed, workers, None, files, lines, at)
    }

    /// As `replay_with_output`, on the nodes `kind` or `minikube` made.
    pub fn replay_on(
        seed: u64,
        workers: u32,
        nodes: Option<&[NodeConfig]>,
        files: SortedMap<String, String>,
        lines: &[LoggedLine],
        at: (u64, u64),
    ) -> (Session, Vec<Output>) {
        let (mut s, mut replay) = Session::begin_replay(seed, workers, nodes, files, lines, at);
        let outputs = s.finish_replay(&mut replay);
        (s, outputs)
    }

    /// The rest of a replay in one go, with what each line printed.
    pub fn finish_replay(&mut self, r: &mut Replay) -> Vec<Output> {
        let mut outputs = Vec::with_capacity(r.lines.len());
        self.replay_within(r, &mut || true, &mut |_, out| outputs.push(out));
        outputs
    }

    /// A run to rebuild from its log a piece at a time (`replay_within`): a new session on
    /// the run's nodes and files, and the replay's place in the log.
    pub fn begin_replay(
        seed: u64,
        workers: u32,
        nodes: Option<&[NodeConfig]>,
        files: SortedMap<String, String>,
        lines: &[LoggedLine],
        at: (u64, u64),
    ) -> (Session, Replay) {
        let mut s = Session::on(seed, workers, nodes);
        s.console.files = files;
        let replay = Replay {
            lines: lines.to_vec(),
            done: 0,
            at,
            then: at,
            counted: false,
        };
        (s, replay)
    }

    /// Goes on with a replay while `more()` allows it (asked every 16 events), handing each
    /// line it runs and its output to `ran`. Returns whether the run is whole again, at its
    /// position. Stopping and going on runs the same events and lines as one call would.
    pub fn replay_within(
        &mut self,
        r: &mut Replay,
        more: &mut dyn FnMut() -> bool,
        ran: &mut dyn FnMut(&LoggedLine, Output),
    ) -> bool {
        loop {
            let (events, time) = r.lines.get(r.done).map_or(r.at, |l| (l.events, l.time));
            if !r.counted {
                // Forward to exactly `events` events; a position behind the run is a seek.
                if events < self.sim().events_processed() {
                    self.timeline.seek_event(events);
                }
                let mut n = 0u32;
                while self.sim().events_processed() < events {
                    n = n.wrapping_add(1);
                    if n.is_multiple_of(16) && !more() {
                        self.density.ingest(self.timeline.sim());
                        return false;
                    }
                    if self.timeline.step().is_none() {
                        break;
                    }
                }
                r.counted = true;
            }
            // A recorded position has nothing pending before its time: this moves the clock.
            if self.sim().now() < time && !self.timeline.run_to_within(time, more) {
                self.density.ingest(self.timeline.sim());
                return false;
            }
            self.density.ingest(self.timeline.sim());
            r.counted = false;
            let Some(l) = r.lines.get(r.done) else {
                if r.then != r.at {
                    self.move_to(r.then.0, r.then.1);
                }
                return true;
            };
            let out = self.run(&l.line);
            ran(l, out);
            r.done += 1;
        }
    }

    /// What it takes to rebuild this run exactly, without copying its checkpoints.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            seed: self.seed,
            workers: self.workers,
            nodes: self.nodes.clone(),
            files: self.console.files.clone(),
            lines: self.lines.clone(),
            at: self.position(),
            horizon: self.timeline.horizon().max(self.position()),
        }
    }

    /// Moves forward to exactly `events` events and then the clock to `time` (a recorded
    /// position: no event is pending before `time` there, so `run_to` processes none).
    fn move_to(&mut self, events: u64, time: u64) {
        if events < self.sim().events_processed() {
            self.timeline.seek_event(events);
        } else {
            while self.sim().events_processed() < events {
                if self.timeline.step().is_none() {
                    break;
                }
            }
        }
        if self.sim().now() < time {
            self.timeline.run_to(time);
        }
        self.density.ingest(self.timeline.sim());
    }
}

/// Runs a line through the console. While a console has no `kubectl apply` (it is being
/// written in src/console/apply.rs), `kubectl apply -f FILE` is read here, printing the same.
pub fn run_line(console: &Console, target: &mut dyn Target, line: &str) -> Output {
    let out = console.run(target, line);
    let words: Vec<&str> = line.split_whitespace().collect();
    let unknown = !out.ok && out.text.starts_with("error: unknown command \"apply\"");
    if let (true, ["kubectl" | "k", "apply", "-f", file]) = (unknown, words.as_slice()) {
        return match console.files.get(*file) {
            Some(text) => apply_manifest(target, text),
            None => Output::err(format!("error: the path \"{file}\" does not exist\n")),
        };
    }
    out
}

fn apply_manifest(target: &mut dyn Target, text: &str) -> Output {
    let parsed = manifest::parse(text);
    let mut out = String::new();
    let mut ok = true;
    for d in &parsed.diagnostics {
        if d.severity == Severity::Error {
            out.push_str(&format!("error: {d}\n"));
            ok = false;
        }
    }
    for m in &parsed.objects {
        let errs: Vec<_> = manifest::validate(m)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if !errs.is_empty() {
            for d in errs {
                out.push_str(&format!("error: {d}\n"));
            }
            ok = false;
            continue;
        }
        match &m.object {
            ManifestObject::Object(o) => match target.apply(Command::Apply(o.clone())) {
                Ok(outcome) => out.push_str(&outcome_line(&outcome)),
                Err(e) => {
                    out.push_str(&sim_error_text(&e));
                    ok = false;
                }
            },
            other => {
                out.push_str(&format!(
                    "error: {} {:?} is not run by the engine yet\n",
                    other.kind_name(),
                    other.meta().name
                ));
                ok = false;
            }
        }
    }
    Output { text: out, ok }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RS: &str = include_str!("../../exercises/stateless.yaml");

    fn node_of_first_pod(s: &Session) -> String {
        use crate::model::Pod;
        let mut pods: Vec<&Pod> = s.sim().cluster().list::<Pod>().collect();
        crate::sort::sort_by(&mut pods, |a, b| a.metadata.name.cmp(&b.metadata.name));
        pods[0].spec.node_name.clone()
    }

    #[test]
    fn applying_the_example_creates_the_objects_and_logs_the_line() {
        let mut s = Session::new(42, 3);
        let (line, out) = s.apply_text("stateless.yaml", RS);
        assert_eq!(line, "kubectl apply -f stateless.yaml");
        assert!(out.ok, "{}", out.text);
        assert_eq!(
            out.text,
            "replicaset.apps/random-generator created\nservice/random-generator created\n"
        );
        assert_eq!(s.lines.len(), 1);
        // Applying the same text again reuses the name; a changed text gets a new one.
        let (line, _) = s.apply_text("stateless.yaml", RS);
        assert_eq!(line, "kubectl apply -f stateless.yaml");
        let (line, _) = s.apply_text("stateless.yaml", &RS.replace("replicas: 3", "replicas: 2"));
        assert_eq!(line, "kubectl apply -f stateless-2.yaml");
    }

    /// `kubectl edit` in the page: the object goes to the editor, the save is a logged
    /// `kubectl replace -f` that replays, and a stale save is the API server's conflict.
    #[test]
    fn an_edit_saves_with_its_resource_version_and_replays() {
        let mut s = Session::new(42, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(10_000);
        assert!(s.run("kubectl edit rs random-generator").ok);
        let (file, text) = s.take_edit().expect("the editor gets the object");
        assert_eq!(s.take_edit(), None);
        let edited = text.replace("replicas: 3\n  selector", "replicas: 1\n  selector");
        assert_ne!(edited, text);
        let (line, out) = s.save_edit(&file, &edited);
        assert_eq!(line, format!("kubectl replace -f {file}"));
        assert_eq!(out.text, "replicaset.apps/random-generator replaced\n");
        // Saving the same stale copy again (as a second version of the file) conflicts.
        let (_, out) = s.save_edit(&file, &text);
        assert!(
            out.text.contains("the object has been modified"),
            "{}",
            out.text
        );
        s.run_for(10_000);
        let r = Session::replay(42, 3, s.console.files.clone(), &s.lines, s.position());
        assert_eq!(r.sim().trace().digest(), s.sim().trace().digest());
    }

    /// The page runs `rollout status` and `wait` a frame at a time (issue 16): the command
    /// prints its first look at once and stays open; the rest prints as the page runs time,
    /// and the run stops where `podlab run`'s one go stops, with the same text and trace.
    #[test]
    fn waiting_commands_stay_open_and_end_where_one_go_ends() {
        const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n";
        for line in [
            "kubectl rollout status deployment/web",
            "kubectl wait --for=condition=Available deployment/web --timeout=90s",
            "kubectl wait --for=condition=Ready pod -l app=web",
        ] {
            // `podlab run`'s console runs the wait in one go.
            let mut one = Session::new(7, 3);
            one.apply_text("web.yaml", DEPLOY);
            one.run_for(1_000);
            let whole = Console::new().run(&mut one.timeline, line);
            assert!(whole.ok, "{line}: {}", whole.text);

            let mut s = Session::new(7, 3);
            s.apply_text("web.yaml", DEPLOY);
            s.run_for(1_000);
            let start = s.sim().now();
            let first = s.run(line);
            assert!(first.ok, "{line}: {}", first.text);
            assert_eq!(
                s.sim().now(),
                start,
                "{line}: the command itself runs no time"
            );
            let deadline = s.wait_deadline().expect("the command waits");
            assert!(deadline > start, "{line}");
            assert_eq!(s.watching().as_deref(), Some(line));
            // Frames of a few engine steps each, as the page's 12 ms cut a large cluster's.
            let mut text = first.text.clone();
            let mut frames = 0;
            loop {
                let mut left = 4;
                let done = s.run_to_within(deadline, &mut || {
                    left -= 1;
                    left > 0
                });
                for (_, l, t, ok) in s.watch_output() {
                    assert_eq!(l, line);
                    assert!(ok, "{line}: {t}");
                    text.push_str(&t);
                }
                frames += 1;
                if done {
                    break;
                }
            }
            assert!(frames > 1, "{line}: the wait took more than one frame");
            assert_eq!(s.watching(), None, "{line}: it ended by itself");
            assert_eq!(text, whole.text, "{line}");
            assert_eq!(s.sim().now(), one.sim().now(), "{line}");
            assert_eq!(
                s.sim().trace().digest(),
                one.sim().trace().digest(),
                "{line}"
            );
        }
    }

    /// Only the run toward the wait's last look stops where the wait ends: a seek or Play
    /// past it goes on to its own time.
    #[test]
    fn a_seek_past_a_waits_end_goes_on() {
        let mut s = Session::new(7, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(1_000);
        let out =
            s.run("kubectl wait --for=condition=Ready pod -l app=random-generator --timeout=5m");
        assert_eq!(out.text, "", "no pod is Ready yet");
        let deadline = s.wait_deadline().expect("waits");
        let goal = s.sim().now() + 120_000;
        assert!(goal < deadline);
        assert!(s.run_to_within(goal, &mut || true));
        assert_eq!(s.sim().now(), goal, "the seek reached its time");
        assert_eq!(s.wait_deadline(), None, "the wait ended on the way");
        let printed: String = s.watch_output().into_iter().map(|w| w.2).collect();
        assert_eq!(printed.matches("condition met").count(), 3, "{printed}");
    }

    /// A wait that times out in the page prints kubectl's error with a failed status.
    #[test]
    fn a_waiting_command_that_times_out_ends_failed() {
        let mut s = Session::new(7, 3);
        s.apply_text("stateless.yaml", RS);
        let out = s.run("kubectl wait --for=delete rs/random-generator --timeout=2s");
        assert!(out.ok);
        assert_eq!(out.text, "");
        let deadline = s.wait_deadline().expect("waits");
        assert_eq!(deadline, s.sim().now() + 2_000);
        assert!(s.run_to_within(deadline, &mut || true));
        let printed = s.watch_output();
        assert_eq!(printed.len(), 1);
        assert_eq!(
            printed[0].2,
            "error: timed out waiting for the condition on replicasets/random-generator\n"
        );
        assert!(!printed[0].3, "a timeout fails");
        assert_eq!(s.sim().now(), deadline);
        assert_eq!(s.wait_deadline(), None);
    }

    #[test]
    fn queries_are_not_logged_and_failed_lines_are_not_logged() {
        let mut s = Session::new(1, 3);
        assert!(s.run("kubectl get pods").ok);
        assert!(!s.run("lab heal node-9").ok);
        assert!(s.lines.is_empty());
        assert!(s.run("lab partition node-2").ok);
        assert_eq!(s.lines.len(), 1);
    }

    #[test]
    fn a_line_in_the_past_replaces_the_future() {
        let mut s = Session::new(3, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(60_000);
        s.run("lab partition node-1");
        s.run_for(60_000);
        assert_eq!(s.lines.len(), 2);
        s.seek_time(30_000);
        s.run("lab crash node-2");
        let lines: Vec<&str> = s.lines.iter().map(|l| l.line.as_str()).collect();
        assert_eq!(
            lines,
            ["kubectl apply -f stateless.yaml", "lab crash node-2"]
        );
        assert!(s.horizon_time() <= 30_000);
    }

    fn first_pod(s: &Session) -> String {
        use crate::model::Pod;
        let mut pods: Vec<&Pod> = s.sim().cluster().list::<Pod>().collect();
        crate::sort::sort_by(&mut pods, |a, b| a.metadata.name.cmp(&b.metadata.name));
        pods[0].metadata.name.to_string()
    }

    /// Issue 12 item 5: after a pod delete every "next change" changes the cluster view or the
    /// Pods panel, or says nothing will and stays where it was.
    #[test]
    fn next_change_changes_what_is_on_screen_or_stays() {
        use crate::view::panels::screen;
        let mut s = Session::new(42, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(40_000);
        let pod = first_pod(&s);
        assert!(s.run(&format!("kubectl delete pod {pod}")).ok);
        let mut stayed = 0;
        for press in 0..10 {
            let before = screen(s.sim(), "pods", "");
            let at = s.position();
            let horizon = s.timeline.horizon();
            if s.step_to_change(600_000, |sim| screen(sim, "pods", "")) {
                assert_ne!(
                    screen(s.sim(), "pods", ""),
                    before,
                    "press {press} moved nothing"
                );
            } else {
                stayed += 1;
                assert_eq!(s.position(), at, "press {press}");
                assert_eq!(s.timeline.horizon(), horizon, "press {press}");
                assert_eq!(screen(s.sim(), "pods", ""), before);
            }
        }
        assert!(stayed > 0, "the run settles within ten presses");
        // A command after "nothing changes" adds to the run: it does not fork.
        let before = s.snapshot();
        s.run("lab partition node-1");
        assert!(before.horizon <= before.at);
    }

    /// Issue 16: a "next change" search done a few events at a time (as the page does, a frame
    /// at a time) lands where one search in a go lands, and one that finds nothing returns.
    #[test]
    fn a_search_in_chunks_lands_where_one_in_a_go_does() {
        use crate::view::panels::screen;
        let start = || {
            let mut s = Session::new(42, 3);
            s.apply_text("stateless.yaml", RS);
            s.run_for(30_000);
            s
        };
        let mut whole = start();
        let mut chunked = start();
        let mut calls = 0;
        for _ in 0..6 {
            let found = whole.step_to_change(600_000, |sim| screen(sim, "pods", ""));
            let mut search = chunked.begin_search(600_000, |sim| screen(sim, "pods", ""));
            let chunked_found = loop {
                calls += 1;
                let mut left = 1;
                let mut more = || {
                    left -= 1;
                    left > 0
                };
                if let Some(f) =
                    chunked.go_on_searching(&mut search, |sim| screen(sim, "pods", ""), &mut more)
                {
                    break f;
                }
            };
            assert_eq!(found, chunked_found);
            assert_eq!(whole.position(), chunked.position());
            assert_eq!(whole.sim().trace().digest(), chunked.sim().trace().digest());
        }
        assert!(
            calls > 6,
            "some searches took more than one chunk ({calls} calls)"
        );
    }

    /// Issue 12 item 4: the scrubber's last step is the end of the run, and a command there
    /// does not fork it.
    #[test]
    fn the_end_of_the_run_is_reachable_and_a_command_there_adds_to_it() {
        use crate::view::timeline::{scrub_max, scrub_target};
        let mut s = Session::new(42, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(30_000);
        while s.sim().now().is_multiple_of(100) {
            s.step();
        }
        let end = s.horizon_time();
        s.seek_time(1_000);
        s.seek_time(scrub_target(scrub_max(end), end));
        assert_eq!(s.sim().now(), end);
        let before = s.snapshot();
        assert!(
            before.horizon <= before.at,
            "{:?} {:?}",
            before.horizon,
            before.at
        );
    }

    /// ref §2.3: after NotReady the next change is the taint eviction 300 s later; one
    /// "next change" reaches it, crossing minutes of heartbeats.
    #[test]
    fn next_change_crosses_the_quiet_toleration_window() {
        let mut s = Session::new(9, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(40_000);
        let node = node_of_first_pod(&s);
        s.run(&format!("lab partition {node}"));
        // Past NotReady and the taints (about 50 s later) and their fan-out.
        s.run_for(120_000);
        let before = s.sim().now();
        s.step_visible(600_000);
        let gap = s.sim().now() - before;
        assert!(gap > 60_000, "one click crossed {gap} ms of heartbeats");
        let last = s.sim().trace().last().unwrap();
        assert!(last.change.is_visible());
    }

    #[test]
    fn replaying_the_log_rebuilds_the_same_trace() {
        let mut s = Session::new(9, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(40_000);
        let node = node_of_first_pod(&s);
        s.step();
        s.step();
        s.run(&format!("lab partition {node}"));
        s.step_visible(10_000);
        s.run("kubectl cordon node-3");
        s.run_for(400_000);
        let r = Session::replay(9, 3, s.console.files.clone(), &s.lines, s.position());
        assert_eq!(r.position(), s.position());
        assert_eq!(r.sim().trace().digest(), s.sim().trace().digest());
    }

    #[test]
    fn a_snapshot_restores_the_run_its_future_and_the_place_in_it() {
        let mut s = Session::new(6, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(30_000);
        s.run("lab partition node-2");
        s.run_for(200_000);
        s.seek_time(100_000);
        let snap = s.snapshot();
        let digest = s.sim().trace().digest();
        // A fork at 100 s drops the future ...
        s.run("lab heal node-2");
        assert!(s.horizon_time() < 230_000);
        // ... and the snapshot brings all of it back.
        let mut back = snap.restore();
        assert_eq!(back.position(), snap.at);
        assert_eq!(back.sim().trace().digest(), digest);
        assert_eq!(back.horizon_time(), 230_000);
        assert_eq!(back.lines, snap.lines);
        back.seek_time(230_000);
        assert_eq!(back.sim().now(), 230_000);
    }

    #[test]
    fn a_replay_in_pieces_rebuilds_what_one_in_a_go_does() {
        // Issue 16: a page load or an Undo of a large run replays it a frame at a time.
        let mut s = Session::new(9, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(40_000);
        s.run("kubectl scale rs random-generator --replicas=40");
        s.run_for(30_000);
        s.run("lab partition node-2");
        s.run("kubectl get rs");
        s.run_for(200_000);
        s.seek_time(150_000);
        let (whole, outputs) =
            Session::replay_with_output(9, 3, s.console.files.clone(), &s.lines, s.position());

        let (mut piece, mut replay) =
            Session::begin_replay(9, 3, None, s.console.files.clone(), &s.lines, s.position());
        let mut ran = Vec::new();
        let mut calls = 0;
        // Stop at every question: 16 events or one clock move per call at most.
        while !piece.replay_within(&mut replay, &mut || false, &mut |l, out| {
            ran.push((l.line.clone(), out))
        }) {
            calls += 1;
            assert!(calls < 100_000, "the replay makes no progress");
        }
        assert!(calls > 10, "the run took {calls} pieces");
        assert_eq!(replay.done, s.lines.len());
        assert_eq!(piece.position(), whole.position());
        assert_eq!(piece.position(), s.position());
        assert_eq!(piece.sim().trace().digest(), whole.sim().trace().digest());
        assert_eq!(piece.lines, whole.lines);
        let texts: Vec<&str> = ran.iter().map(|(_, o)| o.text.as_str()).collect();
        let whole_texts: Vec<&str> = outputs.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(texts, whole_texts);
        assert!(replay.events() >= s.position().0);

        // An Undo's snapshot in pieces: the horizon first, then back to where the learner was.
        let snap = s.snapshot();
        let (mut back, mut r) = snap.begin_restore();
        while !back.replay_within(&mut r, &mut || false, &mut |_, _| {}) {}
        assert_eq!(back.position(), snap.at);
        assert_eq!(back.horizon_time(), snap.restore().horizon_time());
    }

    #[test]
    fn density_counts_visible_entries_once() {
        let mut s = Session::new(5, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(30_000);
        let total: u32 = s.density.counts.iter().sum();
        let visible = s
            .sim()
            .trace()
            .entries()
            .filter(|e| e.change.is_visible())
            .count() as u32;
        assert_eq!(total, visible);
        s.seek_time(10_000);
        s.run_for(20_000);
        assert_eq!(s.density.counts.iter().sum::<u32>(), visible);
        let bins = s.density.bins(4, 30_000);
        assert_eq!(bins.iter().sum::<u32>(), visible);
    }

    #[test]
    fn read_only_queries_render_kubectl_tables() {
        let mut s = Session::new(5, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(30_000);
        let out = query(s.sim(), "kubectl get pods -o wide");
        assert!(out.ok);
        assert!(out.text.starts_with("NAME"), "{}", out.text);
        assert_eq!(out.text.matches("random-generator-").count(), 3);
        assert!(!query(s.sim(), "lab crash node-1").ok);
    }

    #[test]
    fn the_nothing_changes_notice_names_the_limit() {
        assert_eq!(
            nothing_changes_notice(600_000),
            "Nothing on screen changes in the next 10 minutes: the run stays here. Play to let time pass."
        );
    }

    #[test]
    fn change_notices_name_the_fork_or_the_line() {
        assert_eq!(
            change_notice("kubectl scale rs web --replicas=2", 12_345, false),
            "Ran `kubectl scale rs web --replicas=2` at 12.3s."
        );
        assert_eq!(
            change_notice("lab crash node-1", 61_000, true),
            "Forked at 1m1s: the old future was replaced. Undo brings it back."
        );
    }
}
