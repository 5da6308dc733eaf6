//! The Locks panel: every lock in the cluster (Leases outside `kube-node-lease`, Apache
//! Camel's ConfigMap locks, Dapr locks in the lock store, ZooKeeper elections) as its service
//! stores it, beside what each candidate process really believes about it (ref §7.2 to §7.5),
//! and the writes to the resource the lock protects. More than one process that believes it
//! leads is a split brain. The belief timeline below draws, per process, when it believed it
//! led, read back from the trace once per new entry (`BeliefHistory`).

use crate::model::{go_duration, ConfigMap, Lease};
use crate::sim::apps::session_hex;
use crate::sim::{Actor, Change, Sim, BELIEVES_PREFIX, STOPPED_PREFIX};

/// How many of the newest protected writes the panel lists per lock.
pub const WRITES_SHOWN: usize = 5;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocksModel {
    pub locks: Vec<LockView>,
    /// Some lock has more than one process that believes it leads.
    pub split_brain: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockView {
    /// `lease/default/example`, or `configmap/default/NAME/GROUP`: the key `lab ps` prints.
    pub key: String,
    /// `Lease`, `ConfigMap (Camel)`, `Dapr lock (lock.redis)` or `ZooKeeper election`.
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
    /// False when only the candidates know it (not created yet, or deleted).
    pub stored: bool,
    /// The record as stored: `-` where it has no value.
    pub holder: String,
    pub renew_time: String,
    pub lease_duration_seconds: String,
    pub acquire_time: String,
    pub lease_transitions: String,
    /// The record as its service stores it, field by field (what the panel's table shows).
    pub record: Vec<(&'static str, String)>,
    /// ZooKeeper: the ensemble's sessions and the election's nodes.
    pub sessions: Vec<SessionView>,
    pub znodes: Vec<ZnodeView>,
    pub candidates: Vec<CandidateView>,
    /// How many processes believe they lead it.
    pub leaders: usize,
    pub split_brain: bool,
    pub writes: Option<WritesView>,
}

/// One candidate process, as it sees the lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CandidateView {
    pub pod: String,
    pub machine: String,
    /// The process id, first 8 characters, as the process cards show it.
    pub process: String,
    /// Its candidate identity (`--id`).
    pub identity: String,
    /// `serving`, `paused`, ... (as `lab ps` prints STATE).
    pub state: String,
    pub leading: bool,
    /// The holder it last observed, `-` for none.
    pub observed_holder: String,
    /// Its fencing token while it leads.
    pub token: Option<i64>,
    /// Time until the record it last saw expires, on its own clock (negative: expired).
    pub expires_in_ms: Option<i64>,
    /// `12.3s left` or `expired 4.0s ago`, or `-`.
    pub countdown: String,
    /// What it saw, with its countdown: `saw holder web-1 · lease 12.3s left on its clock`.
    pub seen: String,
}

/// A ZooKeeper session as the ensemble keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionView {
    pub id: String,
    pub pod: String,
    pub timeout: String,
    /// `heard 1.0s ago, expires in 9.0s` (the ensemble's clock).
    pub state: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZnodeView {
    pub path: String,
    /// Its data: the candidate's id.
    pub data: String,
    pub owner: String,
    pub czxid: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WritesView {
    pub accepted: u64,
    /// Refused by fencing: a token lower than one the resource had seen.
    pub refused: u64,
    pub highest_token: Option<i64>,
    /// The newest `WRITES_SHOWN` writes, newest first.
    pub last: Vec<WriteRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteRow {
    /// `1m5s`, as the timeline's clock.
    pub clock: String,
    pub pod: String,
    pub identity: String,
    /// `token 2`, or `-` without fencing.
    pub token: String,
    pub accepted: bool,
}

fn dash(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or_else(|| "-".into())
}

/// A time in the lab's clock (`1m19s`) and how long ago it was at `now`.
fn clock_ago(t: u64, now: u64) -> String {
    let ago = now.saturating_sub(t);
    format!(
        "{} ({} ago)",
        go_duration(t / 100 * 100),
        go_duration(ago / 100 * 100)
    )
}

/// `12.3s left`, `expired 4.0s ago`.
pub fn countdown(ms: i64) -> String {
    let a = ms.unsigned_abs();
    let s = format!("{}.{}s", a / 1000, (a % 1000) / 100);
    if ms > 0 {
        format!("{s} left")
    } else {
        format!("expired {s} ago")
    }
}

fn lock_view(key: String, kind: &'static str, namespace: &str, name: &str) -> LockView {
    LockView {
        key,
        kind,
        namespace: namespace.to_string(),
        name: name.to_string(),
        stored: false,
        holder: "-".into(),
        renew_time: "-".into(),
        lease_duration_seconds: "-".into(),
        acquire_time: "-".into(),
        lease_transitions: "-".into(),
        record: Vec::new(),
        sessions: Vec::new(),
        znodes: Vec::new(),
        candidates: Vec::new(),
        leaders: 0,
        split_brain: false,
        writes: None,
    }
}

pub fn locks(sim: &Sim) -> LocksModel {
    let api = sim.cluster();
    let now = sim.now();
    let mut locks: Vec<LockView> = Vec::new();
    for l in api.list::<Lease>() {
        let ns = &l.metadata.namespace;
        if ns == "kube-node-lease" {
            continue;
        }
        let s = &l.spec;
        let mut v = lock_view(
            format!("lease/{ns}/{}", l.metadata.name),
            "Lease",
            ns,
            &l.metadata.name,
        );
        v.stored = true;
        v.holder = dash(s.holder_identity.clone());
        v.renew_time = dash(s.renew_time.map(|t| clock_ago(t.millis(), now)));
        v.acquire_time = dash(s.acquire_time.map(|t| clock_ago(t.millis(), now)));
        v.lease_duration_seconds = dash(s.lease_duration_seconds.map(|d| d.to_string()));
        v.lease_transitions = dash(s.lease_transitions.map(|d| d.to_string()));
        v.record = vec![
            ("holderIdentity", v.holder.clone()),
            ("renewTime", v.renew_time.clone()),
            ("leaseDurationSeconds", v.lease_duration_seconds.clone()),
            ("acquireTime", v.acquire_time.clone()),
            ("leaseTransitions", v.lease_transitions.clone()),
        ];
        locks.push(v);
    }
    // Camel's lock: one ConfigMap, a `leader.pod.GROUP` and `leader.local.timestamp.GROUP`
    // per group.
    for c in api.list::<ConfigMap>() {
        let ns = &c.metadata.namespace;
        for (k, holder) in c.data.iter() {
            let Some(group) = k.strip_prefix("leader.pod.") else {
                continue;
            };
            let mut v = lock_view(
                format!("configmap/{ns}/{}/{group}", c.metadata.name),
                "ConfigMap (Camel)",
                ns,
                &c.metadata.name,
            );
            v.stored = true;
            v.holder = dash(Some(holder.clone()));
            v.renew_time = dash(
                c.data
                    .get(&format!("leader.local.timestamp.{group}"))
                    .cloned(),
            );
            v.record = vec![
                ("leader.pod", v.holder.clone()),
                ("leader.local.timestamp", v.renew_time.clone()),
            ];
            locks.push(v);
        }
    }
    let world = sim.world();
    let stores = world.lock_stores();
    // Dapr: the Redis key per resource, with its TTL on the store's clock.
    for d in stores.dapr_locks() {
        let mut v = lock_view(
            format!("dapr/{}/{}", d.store, d.resource),
            "Dapr lock (lock.redis)",
            &d.store,
            &d.resource,
        );
        let live = d.expires_at > now;
        v.stored = live;
        v.holder = if live { d.owner.clone() } else { "-".into() };
        let ttl = countdown(d.expires_at as i64 - now as i64);
        v.record = vec![
            ("storeName", d.store.clone()),
            ("resourceId", d.resource.clone()),
            ("lockOwner", v.holder.clone()),
            ("set", clock_ago(d.acquired_at, now)),
            (
                "TTL",
                format!("{} ({ttl})", go_duration(d.expires_at / 100 * 100)),
            ),
        ];
        locks.push(v);
    }
    // ZooKeeper: one election per parent of the ephemeral nodes.
    let zk = &stores.zk;
    for z in &zk.znodes {
        let Some((parent, _)) = z.path.rsplit_once('/') else {
            continue;
        };
        let key = format!("zookeeper/{}", parent.trim_start_matches('/'));
        let at = match locks.iter().position(|l| l.key == key) {
            Some(i) => i,
            None => {
                let mut v = lock_view(key, "ZooKeeper election", "", parent);
                v.stored = true;
                // The lowest node leads: nodes are listed in path order.
                v.holder = dash(Some(z.data.clone()));
                v.record = vec![
                    ("election path", parent.to_string()),
                    ("lowest node", z.path.clone()),
                    ("its data (leader id)", v.holder.clone()),
                ];
                v.sessions = zk
                    .sessions
                    .iter()
                    .map(|s| SessionView {
                        id: session_hex(s.id),
                        pod: s.pod.clone(),
                        timeout: go_duration(s.timeout_ms),
                        state: format!(
                            "alive (heard {} ago, expires at {})",
                            go_duration(now.saturating_sub(s.last_heard) / 100 * 100),
                            go_duration(s.expires_at())
                        ),
                    })
                    .collect();
                locks.push(v);
                locks.len() - 1
            }
        };
        locks[at].znodes.push(ZnodeView {
            path: z.path.clone(),
            data: z.data.clone(),
            owner: session_hex(z.owner),
            czxid: z.czxid,
        });
    }
    let mut beliefs = world.lock_beliefs();
    crate::sort::sort_by(&mut beliefs, |a, b| {
        (&a.belief.lock, &a.pod, a.pid).cmp(&(&b.belief.lock, &b.pod, b.pid))
    });
    for b in beliefs {
        let at = match locks.iter().position(|l| l.key == b.belief.lock) {
            Some(i) => i,
            None => {
                let (kind, ns, name) = parts(&b.belief.lock);
                locks.push(lock_view(b.belief.lock.clone(), kind, &ns, &name));
                locks.len() - 1
            }
        };
        let mono = world
            .machine(&b.machine)
            .map_or(now, |m| m.monotonic_at(now));
        let expires_in_ms = b.belief.expires_at.map(|e| e as i64 - mono as i64);
        let state = world
            .process(b.pid)
            .map_or_else(String::new, |p| p.belief(now));
        let cd = expires_in_ms.map_or_else(|| "-".into(), countdown);
        let holder = dash(Some(b.belief.observed_holder.clone()));
        let seen = if b.belief.lock.starts_with("dapr/") {
            match expires_in_ms {
                Some(_) => format!("holds the lock · {cd} on its clock"),
                None => "TryLock answers false: someone holds it".to_string(),
            }
        } else if b.belief.lock.starts_with("zookeeper/") {
            format!(
                "{} · saw leader {holder} · read timeout {cd} on its clock",
                b.belief.detail
            )
        } else {
            format!("saw holder {holder} · lease {cd} on its clock")
        };
        locks[at].candidates.push(CandidateView {
            pod: b.pod.clone(),
            machine: b.machine.clone(),
            process: b.process.chars().take(8).collect(),
            identity: b.belief.identity.clone(),
            state,
            leading: b.belief.leading,
            observed_holder: dash(Some(b.belief.observed_holder.clone())),
            token: b.belief.token,
            expires_in_ms,
            countdown: cd,
            seen,
        });
    }
    for (key, log) in world.protected_resources() {
        let at = match locks.iter().position(|l| l.key == key) {
            Some(i) => i,
            None => {
                let (kind, ns, name) = parts(key);
                locks.push(lock_view(key.to_string(), kind, &ns, &name));
                locks.len() - 1
            }
        };
        locks[at].writes = Some(WritesView {
            accepted: log.accepted,
            refused: log.refused,
            highest_token: log.highest_token,
            last: log
                .writes
                .iter()
                .rev()
                .take(WRITES_SHOWN)
                .map(|w| WriteRow {
                    clock: go_duration(w.time / 100 * 100),
                    pod: w.pod.clone(),
                    identity: w.identity.clone(),
                    token: w.token.map_or_else(|| "-".into(), |t| format!("token {t}")),
                    accepted: w.accepted,
                })
                .collect(),
        });
    }
    for l in &mut locks {
        l.leaders = l.candidates.iter().filter(|c| c.leading).count();
        l.split_brain = l.leaders > 1;
    }
    let split_brain = locks.iter().any(|l| l.split_brain);
    LocksModel { locks, split_brain }
}

impl LocksModel {
    /// The model without what changes as time passes with nothing happening (the `ago` of the
    /// record's times, each candidate's countdown): what "Next change" compares.
    pub fn without_clocks(mut self) -> LocksModel {
        let cut = |t: &mut String| {
            if let Some(i) = t.find(" (") {
                t.truncate(i);
            }
        };
        for l in &mut self.locks {
            cut(&mut l.renew_time);
            cut(&mut l.acquire_time);
            for (_, v) in &mut l.record {
                cut(v);
            }
            for s in &mut l.sessions {
                s.state.clear();
            }
            for c in &mut l.candidates {
                c.expires_in_ms = None;
                c.countdown.clear();
                c.seen.clear();
            }
        }
        self
    }
}

/// The kind, namespace and name in a lock key.
fn parts(key: &str) -> (&'static str, String, String) {
    let mut it = key.split('/');
    let kind = match it.next() {
        Some("configmap") => "ConfigMap (Camel)",
        Some("dapr") => "Dapr lock (lock.redis)",
        Some("zookeeper") => "ZooKeeper election",
        _ => "Lease",
    };
    let ns = it.next().unwrap_or("").to_string();
    let name = it.next().unwrap_or("").to_string();
    (kind, ns, name)
}

/// What the panel says when there is no lock at all.
pub const NO_LOCKS: &str = "No locks yet. To see leader election, apply a Deployment of the podlab/leader-elector image (the Singleton page's \u{201c}What to try\u{201d} has one, the Lease example singleton-leader.yaml, and singleton-configmap.yaml, singleton-dapr.yaml, singleton-zookeeper.yaml; the flags are in docs/apps.md) and press Play: each lock, each candidate and what it believes will be shown here.";

/// The line above a lock's candidates: who leads, or the split brain.
pub fn summary(l: &LockView) -> String {
    match l.leaders {
        0 => "No process believes it leads.".to_string(),
        1 => {
            let who = l.candidates.iter().find(|c| c.leading);
            format!(
                "One process believes it leads: {}.",
                who.map_or("", |c| c.pod.as_str())
            )
        }
        n => format!(
            "Split brain: {n} processes believe they lead ({}). Each does the singleton's work.",
            l.candidates
                .iter()
                .filter(|c| c.leading)
                .map(|c| c.pod.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One stretch of time a process believed it led a lock (with the token it held).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BeliefSpan {
    pub lock: String,
    /// The process's id and its pod.
    pub process: String,
    pub pod: String,
    pub token: Option<i64>,
    pub start: u64,
    /// None while it still believes.
    pub end: Option<u64>,
}

/// A write the protected resource refused (fenced).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedMark {
    pub lock: String,
    pub process: String,
    pub time: u64,
}

/// Every belief the trace recorded so far, kept as trace entries arrive: each new entry is
/// read once (`ingest`), so drawing the timeline never rescans the trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BeliefHistory {
    pub spans: Vec<BeliefSpan>,
    pub refused: Vec<RefusedMark>,
    /// Trace entries already read.
    seen: usize,
}

/// The process id in the trace's `process ID of pod ...` and `killed process ID (...)` lines:
/// the process is gone, and its beliefs with it.
fn ended_process(what: &str) -> Option<&str> {
    let rest = what
        .strip_prefix("process ")
        .or_else(|| what.strip_prefix("killed process "))?;
    let (id, tail) = rest.split_once(' ')?;
    (tail.starts_with("of pod ") || tail.starts_with("(container ")).then_some(id)
}

impl BeliefHistory {
    /// Reads the trace entries not yet read. A replay produces the same prefix, so after a
    /// seek back nothing is new until the run passes the furthest point again.
    pub fn ingest(&mut self, sim: &Sim) {
        let trace = sim.trace();
        if trace.len() <= self.seen {
            return;
        }
        for e in trace.entries_from(self.seen) {
            if e.change != Change::World && e.change != Change::Failed {
                continue;
            }
            let id = match &e.actor {
                Actor::App(id) => Some(id.as_str()),
                _ => None,
            };
            let what = e.what();
            if let (Some(id), Some(rest)) = (id, what.strip_prefix(BELIEVES_PREFIX)) {
                let (lock, token) = match rest.split_once(" (token ") {
                    Some((l, t)) => (l, t.trim_end_matches(')').parse::<i64>().ok()),
                    None => (rest, None),
                };
                self.close(id, Some(lock), e.time);
                let pod = e
                    .object
                    .as_ref()
                    .map_or_else(String::new, |o| o.name.to_string());
                self.spans.push(BeliefSpan {
                    lock: lock.to_string(),
                    process: id.to_string(),
                    pod,
                    token,
                    start: e.time,
                    end: None,
                });
            } else if let (Some(id), Some(lock)) = (id, what.strip_prefix(STOPPED_PREFIX)) {
                self.close(id, Some(lock), e.time);
            } else if let (Some(id), true) = (id, e.change == Change::Failed) {
                let lock = what
                    .strip_prefix("write to the resource ")
                    .and_then(|r| r.split_once(" protects refused"))
                    .map(|(l, _)| l);
                if let Some(lock) = lock {
                    self.refused.push(RefusedMark {
                        lock: lock.to_string(),
                        process: id.to_string(),
                        time: e.time,
                    });
                }
            } else if let Some(id) = ended_process(&what) {
                self.close(id, None, e.time);
            }
        }
        self.seen = trace.len();
    }

    /// Forgets everything after the current point of `sim` (a fork).
    pub fn truncate(&mut self, sim: &Sim) {
        *self = BeliefHistory::default();
        self.ingest(sim);
    }

    fn close(&mut self, process: &str, lock: Option<&str>, at: u64) {
        for s in &mut self.spans {
            if s.end.is_none() && s.process == process && lock.is_none_or(|l| l == s.lock) {
                s.end = Some(at);
            }
        }
    }
}

/// The belief timeline of one lock: a row per process, bars where it believed it led.
/// Positions are per mille of the time shown (from the first belief to now).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineView {
    pub lock: String,
    pub from: u64,
    pub to: u64,
    pub rows: Vec<TimelineRow>,
    /// Where two or more believed at once: (from, to) per mille, and in ms.
    pub split: Vec<(u32, u32)>,
    pub split_ms: Vec<(u64, u64)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineRow {
    pub pod: String,
    /// The pod's name without what every row's shares (`…-znxzd`), so the rows tell apart.
    pub label: String,
    /// The process id's first 8 characters.
    pub process: String,
    pub bars: Vec<TimelineBar>,
    /// Refused writes, per mille.
    pub refused: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineBar {
    pub from: u32,
    pub to: u32,
    /// `leads 0:12 to 0:45 (token 1)`, for its tooltip.
    pub title: String,
}

/// The timelines of every lock someone believed it led, up to `now`.
pub fn timelines(h: &BeliefHistory, now: u64) -> Vec<TimelineView> {
    let mut out: Vec<TimelineView> = Vec::new();
    let spans: Vec<&BeliefSpan> = h.spans.iter().filter(|s| s.start <= now).collect();
    for s in &spans {
        if out.iter().all(|t| t.lock != s.lock) {
            out.push(TimelineView {
                lock: s.lock.clone(),
                from: s.start,
                to: now,
                rows: Vec::new(),
                split: Vec::new(),
                split_ms: Vec::new(),
            });
        }
    }
    for t in &mut out {
        let mine: Vec<&&BeliefSpan> = spans.iter().filter(|s| s.lock == t.lock).collect();
        t.from = mine.iter().map(|s| s.start).min().unwrap_or(0);
        let span = t.to.saturating_sub(t.from).max(1);
        let pm = |x: u64| ((x.clamp(t.from, t.to) - t.from) * 1000 / span) as u32;
        for s in &mine {
            let end = s.end.unwrap_or(now).min(now);
            let at = match t.rows.iter().position(|r| {
                r.process.len() <= s.process.len()
                    && s.process.starts_with(&r.process)
                    && r.pod == s.pod
            }) {
                Some(i) => i,
                None => {
                    t.rows.push(TimelineRow {
                        pod: s.pod.clone(),
                        label: s.pod.clone(),
                        process: s.process.chars().take(8).collect(),
                        bars: Vec::new(),
                        refused: Vec::new(),
                    });
                    t.rows.len() - 1
                }
            };
            let token = s
                .token
                .map_or_else(String::new, |k| format!(" (token {k})"));
            t.rows[at].bars.push(TimelineBar {
                from: pm(s.start),
                to: pm(end).max(pm(s.start) + 1),
                title: format!(
                    "{} believes it leads from {} to {}{token}",
                    s.pod,
                    go_duration(s.start / 100 * 100),
                    if s.end.is_some_and(|e| e <= now) {
                        go_duration(end / 100 * 100)
                    } else {
                        "now".into()
                    }
                ),
            });
        }
        for m in h
            .refused
            .iter()
            .filter(|m| m.lock == t.lock && m.time <= now)
        {
            if let Some(r) = t
                .rows
                .iter_mut()
                .find(|r| m.process.starts_with(&r.process))
            {
                r.refused.push(pm(m.time));
            }
        }
        // Sweep the span ends: where two or more overlap is a split brain.
        let mut edges: Vec<(u64, i32)> = Vec::new();
        for s in &mine {
            let end = s.end.unwrap_or(now).min(now);
            if end > s.start {
                edges.push((s.start, 1));
                edges.push((end, -1));
            }
        }
        crate::sort::sort(&mut edges);
        let (mut depth, mut open) = (0, None);
        for (at, d) in edges {
            depth += d;
            if depth >= 2 && open.is_none() {
                open = Some(at);
            } else if depth < 2 {
                if let Some(o) = open.take() {
                    if at > o {
                        t.split_ms.push((o, at));
                    }
                }
            }
        }
        t.split = t
            .split_ms
            .iter()
            .map(|&(a, b)| (pm(a), pm(b).max(pm(a) + 1)))
            .collect();
        crate::sort::sort_by(&mut t.rows, |a, b| a.pod.cmp(&b.pod));
        // The longest prefix, up to a `-`, that every row's pod shares.
        if let [first, .., last] = t.rows.as_slice() {
            let same = first
                .pod
                .char_indices()
                .zip(last.pod.chars())
                .take_while(|((_, a), b)| a == b)
                .filter(|((_, a), _)| *a == '-')
                .map(|((i, _), _)| i)
                .last();
            if let Some(i) = same {
                for r in &mut t.rows {
                    r.label = format!("\u{2026}{}", &r.pod[i..]);
                }
            }
        }
    }
    out
}

/// Text made safe inside HTML (a lock key or pod name comes from a manifest).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `left:12.5%;width:3.0%` from per mille.
fn place(from: u32, to: u32) -> String {
    let w = to.saturating_sub(from);
    format!(
        "left:{}.{}%;width:{}.{}%",
        from / 10,
        from % 10,
        w / 10,
        w % 10
    )
}

/// The belief timeline of one lock as HTML: a row per process with its bars, the split-brain
/// windows shaded in every row, refused writes marked \u{2715}.
pub fn timeline_html(t: &TimelineView) -> String {
    let lock = escape(&t.lock);
    let mut h = format!(
        "<section class=\"belief-timeline\" aria-label=\"belief timeline {lock}\"><h4>Belief timeline: {lock}<span class=\"muted\">  {} to {}</span></h4>",
        crate::view::timeline::clock(t.from),
        crate::view::timeline::clock(t.to)
    );
    let shade: String = t
        .split
        .iter()
        .map(|&(a, b)| format!("<span class=\"tl-split\" style=\"{}\"></span>", place(a, b)))
        .collect();
    for r in &t.rows {
        let pod = escape(&r.pod);
        h.push_str(&format!(
            "<div class=\"tl-row\" aria-label=\"beliefs of {pod}\"><span class=\"tl-label\" title=\"{pod}, process {}\">{}</span><span class=\"tl-track\">{shade}",
            escape(&r.process),
            escape(&r.label)
        ));
        for b in &r.bars {
            h.push_str(&format!(
                "<span class=\"tl-bar\" style=\"{}\" title=\"{}\"></span>",
                place(b.from, b.to),
                escape(&b.title)
            ));
        }
        for &x in &r.refused {
            h.push_str(&format!(
                "<span class=\"tl-refused\" style=\"left:{}.{}%\" title=\"write refused (fenced)\">\u{2715}</span>",
                x / 10,
                x % 10
            ));
        }
        h.push_str("</span></div>");
    }
    let total: u64 = t.split_ms.iter().map(|(a, b)| b - a).sum();
    let n = t.split_ms.len();
    h.push_str(&if n == 0 {
        "<p class=\"small\">Never more than one believed it led.</p></section>".to_string()
    } else {
        format!(
            "<p class=\"small st-bad\">Split brain: {n} window{} where two or more believed they led ({} in all, shaded). \u{2715}: a write the resource refused.</p></section>",
            if n == 1 { "" } else { "s" },
            go_duration(total / 100 * 100)
        )
    });
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::session::Session;

    const ELECTOR: &str = include_str!("../../exercises/singleton-leader.yaml");

    fn leader(m: &LocksModel) -> Vec<String> {
        m.locks[0]
            .candidates
            .iter()
            .filter(|c| c.leading)
            .map(|c| c.pod.clone())
            .collect()
    }

    #[test]
    fn no_lock_at_all_is_empty_and_node_leases_are_skipped() {
        let mut s = Session::new(5, 3);
        s.run_for(30_000);
        let m = locks(s.sim());
        assert!(m.locks.is_empty(), "{:?}", m.locks);
        assert!(!m.split_brain);
    }

    #[test]
    fn a_paused_leader_and_its_successor_are_a_split_brain_until_it_resumes() {
        let mut s = Session::new(5, 3);
        let (_, out) = s.apply_text("singleton-leader.yaml", ELECTOR);
        assert!(out.ok, "{}", out.text);
        s.run_for(30_000);
        let m = locks(s.sim());
        assert_eq!(m.locks.len(), 1, "{:?}", m.locks);
        let l = &m.locks[0];
        assert_eq!(l.key, "lease/default/singleton-leader");
        assert!(l.stored);
        assert_eq!(l.kind, "Lease");
        assert_eq!(l.candidates.len(), 3);
        assert_eq!(l.lease_duration_seconds, "15");
        assert_eq!(l.lease_transitions, "0");
        let first = leader(&m);
        assert_eq!(first.len(), 1, "{:?}", l.candidates);
        assert_eq!(l.holder, first[0]);
        assert!(!m.split_brain);
        // Everyone saw the holder, and its record expires within a lease duration.
        for c in &l.candidates {
            assert_eq!(c.observed_holder, first[0]);
            let left = c.expires_in_ms.unwrap();
            assert!(left > 0 && left <= 15_000, "{c:?}");
            assert!(c.countdown.ends_with(" left"), "{}", c.countdown);
        }
        let lead = l.candidates.iter().find(|c| c.leading).unwrap();
        assert_eq!(lead.token, Some(0));
        // The work lands, with fencing tokens.
        let w = l.writes.as_ref().unwrap();
        assert!(w.accepted >= 3 && w.refused == 0, "{w:?}");
        assert!(w.last.len() <= WRITES_SHOWN);
        assert_eq!(w.last[0].pod, first[0]);
        assert_eq!(w.last[0].token, "token 0");
        assert!(summary(l).starts_with("One process believes it leads"));

        // Pause the leader past the lease duration: another is elected, the paused one still
        // believes it leads, and its own countdown has run out.
        assert!(s.run(&format!("lab pause {}", first[0])).ok);
        s.run_for(30_000);
        let m = locks(s.sim());
        let l = &m.locks[0];
        assert!(m.split_brain && l.split_brain, "{:?}", l.candidates);
        assert_eq!(l.leaders, 2);
        assert_ne!(l.holder, first[0]);
        assert_eq!(l.lease_transitions, "1");
        let paused = l.candidates.iter().find(|c| c.pod == first[0]).unwrap();
        assert_eq!(paused.state, "paused");
        assert!(paused.leading);
        assert_eq!(paused.observed_holder, first[0]);
        assert!(paused.expires_in_ms.unwrap() < 0, "{paused:?}");
        assert!(
            paused.countdown.starts_with("expired "),
            "{}",
            paused.countdown
        );
        let next = l
            .candidates
            .iter()
            .find(|c| c.leading && c.pod != first[0])
            .unwrap();
        assert_eq!(next.token, Some(1));
        assert!(summary(l).starts_with("Split brain: 2 processes"));

        // Resume it: its stale writes are refused (fenced), and it stops leading once its
        // renew deadline passes.
        assert!(s.run(&format!("lab resume {}", first[0])).ok);
        s.run_for(20_000);
        let m = locks(s.sim());
        let l = &m.locks[0];
        assert!(!m.split_brain, "{:?}", l.candidates);
        assert_eq!(leader(&m), [next.pod.as_str()]);
        let w = l.writes.as_ref().unwrap();
        assert!(w.refused >= 1, "{w:?}");
        assert_eq!(w.highest_token, Some(1));
        let resumed = l.candidates.iter().find(|c| c.pod == first[0]).unwrap();
        assert!(!resumed.leading && resumed.token.is_none());
        assert_eq!(resumed.observed_holder, next.pod);
    }

    #[test]
    fn a_camel_configmap_lock_is_listed_by_group() {
        let yaml = ELECTOR.replace("--fencing", "--lock=configmap");
        let mut s = Session::new(3, 3);
        let (_, out) = s.apply_text("camel.yaml", &yaml);
        assert!(out.ok, "{}", out.text);
        s.run_for(30_000);
        let m = locks(s.sim());
        assert_eq!(m.locks.len(), 1, "{:?}", m.locks);
        let l = &m.locks[0];
        assert_eq!(l.kind, "ConfigMap (Camel)");
        assert!(l.key.starts_with("configmap/default/") && l.key.ends_with("/leader"));
        assert_eq!(l.candidates.len(), 3);
        assert_eq!(leader(&m), [l.holder.as_str()]);
        assert!(l.renew_time.starts_with("2025-"), "{}", l.renew_time);
    }

    #[test]
    fn the_screen_ignores_countdowns_ticking() {
        let mut s = Session::new(5, 3);
        s.apply_text("singleton-leader.yaml", ELECTOR);
        s.run_for(30_000);
        let a = locks(s.sim());
        let b = a.clone();
        let mut later = b.clone();
        later.locks[0].candidates[0].countdown = "1.0s left".into();
        later.locks[0].renew_time = format!("{} (9.9s ago)", "x");
        assert_ne!(later.clone().without_clocks(), a.clone().without_clocks());
        let mut ticked = a.clone();
        for c in &mut ticked.locks[0].candidates {
            c.countdown = "0.1s left".into();
            c.expires_in_ms = Some(100);
        }
        assert_eq!(ticked.without_clocks(), a.without_clocks());
        assert!(b.without_clocks().locks[0].renew_time.ends_with('s'));
    }

    #[test]
    fn countdowns_read_plainly() {
        assert_eq!(countdown(12_345), "12.3s left");
        assert_eq!(countdown(-4_000), "expired 4.0s ago");
        assert_eq!(countdown(0), "expired 0.0s ago");
    }
    /// Loads one of the page's four examples, pauses its leader for 30 s and resumes it; returns
    /// the session and the paused pod.
    fn paused_example(file: &str) -> (Session, String) {
        let mut s = Session::new(5, 3);
        for (name, text) in
            crate::view::exercises::console_files(crate::view::route::Pattern::Singleton)
        {
            s.add_file(name, text);
        }
        assert!(s.run(&format!("kubectl apply -f {file}")).ok);
        s.run_for(30_000);
        let m = locks(s.sim());
        let first = leader(&m);
        assert_eq!(first.len(), 1, "{file}: {:?}", m.locks);
        assert!(s.run(&format!("lab pause {}", first[0])).ok);
        s.run_for(30_000);
        assert!(
            locks(s.sim()).split_brain,
            "{file}: a split brain while paused"
        );
        assert!(s.run(&format!("lab resume {}", first[0])).ok);
        s.run_for(20_000);
        (s, first[0].clone())
    }

    /// ref §7.3: the Dapr lock as the store keeps it (owner, TTL); the timeline shows the
    /// paused holder's bar overlapping its successor's.
    #[test]
    fn the_dapr_example_shows_the_store_and_a_split_brain_window() {
        let (s, paused) = paused_example("singleton-dapr.yaml");
        let m = locks(s.sim());
        let l = m
            .locks
            .iter()
            .find(|l| l.key == "dapr/lockstore/singleton-dapr")
            .unwrap();
        assert_eq!(l.kind, "Dapr lock (lock.redis)");
        assert!(l.stored);
        assert_ne!(l.holder, paused);
        let ttl = &l.record.iter().find(|r| r.0 == "TTL").unwrap().1;
        assert!(ttl.ends_with("left)"), "{ttl}");
        assert_eq!(l.candidates.len(), 3);
        let holder = l.candidates.iter().find(|c| c.leading).unwrap();
        assert!(holder.seen.starts_with("holds the lock · ") && holder.token.is_none());
        let t = timelines(&s.density.beliefs, s.sim().now());
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].lock, l.key);
        assert_eq!(t[0].split_ms.len(), 1, "{:?}", t[0]);
        let (a, b) = t[0].split_ms[0];
        assert!(b - a >= 10_000, "{a} {b}");
        let row = t[0].rows.iter().find(|r| r.pod == paused).unwrap();
        assert!(row.refused.is_empty(), "no token, nothing refused");
        let cleared = m.clone().without_clocks();
        assert!(cleared
            .locks
            .iter()
            .all(|l| l.record.iter().all(|r| !r.1.contains(" left"))));
    }

    /// ref §7.5, §7.6: sessions and nodes as the ensemble keeps them; the paused leader's
    /// refused write is marked on its row of the timeline.
    #[test]
    fn the_zookeeper_example_shows_sessions_nodes_and_a_fenced_write() {
        let (s, paused) = paused_example("singleton-zookeeper.yaml");
        let m = locks(s.sim());
        let l = m
            .locks
            .iter()
            .find(|l| l.key == "zookeeper/singleton-zookeeper")
            .unwrap();
        assert_eq!(l.kind, "ZooKeeper election");
        assert_eq!(l.sessions.len(), 3, "{:?}", l.sessions);
        assert!(l
            .sessions
            .iter()
            .all(|x| x.id.starts_with("0x1") && x.timeout == "15s"));
        assert_eq!(l.znodes.len(), 3);
        assert!(l.znodes[0]
            .path
            .starts_with("/singleton-zookeeper/lock-000000000"));
        assert_eq!(l.holder, l.znodes[0].data);
        let c = l.candidates.iter().find(|c| c.pod == paused).unwrap();
        assert!(
            c.seen.contains("CONNECTED") && c.seen.contains("read timeout"),
            "{}",
            c.seen
        );
        let w = l.writes.as_ref().unwrap();
        assert!(w.refused >= 1, "{w:?}");
        let t = timelines(&s.density.beliefs, s.sim().now());
        let t = t.iter().find(|t| t.lock == l.key).unwrap();
        assert_eq!(t.split_ms.len(), 1, "{t:?}");
        let row = t.rows.iter().find(|r| r.pod == paused).unwrap();
        assert!(!row.refused.is_empty(), "{row:?}");
        assert!(row.bars[0].title.contains("(token 0)"), "{:?}", row.bars);
        // Sorted by pod (the first row takes the lower name) and told apart by their ends.
        let suffix = paused.rsplit('-').next().unwrap();
        assert_eq!(row.label, format!("\u{2026}-{suffix}"));
    }

    /// The four examples on the same failure: each shows one split-brain window.
    #[test]
    fn the_lease_and_configmap_examples_split_the_same_way() {
        for file in ["singleton-leader.yaml", "singleton-configmap.yaml"] {
            let (s, _) = paused_example(file);
            let t = timelines(&s.density.beliefs, s.sim().now());
            assert_eq!(t.len(), 1, "{file}");
            assert!(!t[0].split_ms.is_empty(), "{file}: {:?}", t[0]);
            assert!(t[0].rows.len() >= 2);
            assert!(t[0].split.iter().all(|(a, b)| a < b && *b <= 1000));
        }
    }

    /// The history reads each trace entry once, and a seek back shows only the past.
    #[test]
    fn the_timeline_is_clipped_to_now_after_a_seek_back() {
        let (mut s, _) = paused_example("singleton-zookeeper.yaml");
        let spans = s.density.beliefs.spans.len();
        let end = s.sim().now();
        s.seek_time(40_000);
        assert_eq!(s.density.beliefs.spans.len(), spans, "nothing re-read");
        let t = timelines(&s.density.beliefs, s.sim().now());
        assert_eq!(t[0].to, s.sim().now());
        assert!(t[0].to < end);
        assert!(t[0].split_ms.iter().all(|(_, b)| *b <= 40_000));
    }

    #[test]
    fn the_timeline_html_escapes_what_a_manifest_names() {
        let t = TimelineView {
            lock: "dapr/s/<b>".into(),
            from: 0,
            to: 10_000,
            rows: vec![TimelineRow {
                pod: "p\"x".into(),
                label: "p\"x".into(),
                process: "abc".into(),
                bars: vec![TimelineBar {
                    from: 0,
                    to: 125,
                    title: "t".into(),
                }],
                refused: vec![500],
            }],
            split: vec![(100, 200)],
            split_ms: vec![(1_000, 2_000)],
        };
        let h = timeline_html(&t);
        assert!(h.contains("dapr/s/&lt;b&gt;") && !h.contains("<b>"), "{h}");
        assert!(h.contains("beliefs of p&quot;x"));
        assert!(h.contains("style=\"left:0.0%;width:12.5%\""));
        assert!(h.contains("left:50.0%"));
        assert!(h.contains("Split brain: 1 window where"));
    }

    #[test]
    fn ended_processes_are_read_from_both_wordings() {
        assert_eq!(
            ended_process("process abc of pod p stopped (SIGKILL)"),
            Some("abc")
        );
        assert_eq!(ended_process("process abc of pod p died"), Some("abc"));
        assert_eq!(
            ended_process("killed process abc (container c of pod p)"),
            Some("abc")
        );
        assert_eq!(ended_process("process started"), None);
    }
}
