//! The Locks panel: every lock in the cluster (Leases outside `kube-node-lease`, and Apache
//! Camel's ConfigMap locks) as the API server stores it, beside what each candidate process
//! really believes about it (ref §7.2, §7.4), and the writes to the resource the lock protects.
//! More than one process that believes it leads is a split brain.

use crate::model::{go_duration, ConfigMap, Lease};
use crate::sim::Sim;

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
    /// `Lease`, or `ConfigMap (Camel)`.
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
            locks.push(v);
        }
    }
    let world = sim.world();
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
            countdown: expires_in_ms.map_or_else(|| "-".into(), countdown),
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
        for l in &mut self.locks {
            for t in [&mut l.renew_time, &mut l.acquire_time] {
                if let Some(i) = t.find(" (") {
                    t.truncate(i);
                }
            }
            for c in &mut l.candidates {
                c.expires_in_ms = None;
                c.countdown.clear();
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
        _ => "Lease",
    };
    let ns = it.next().unwrap_or("").to_string();
    let name = it.next().unwrap_or("").to_string();
    (kind, ns, name)
}

/// What the panel says when there is no lock at all.
pub const NO_LOCKS: &str = "No locks yet. To see leader election, apply a Deployment of the podlab/leader-elector image (the Singleton page's \u{201c}What to try\u{201d} has one, singleton-leader.yaml; its flags are in docs/apps.md) and press Play: its Lease, each candidate and what it believes will be shown here.";

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
}
