//! The container runtime's side of a process: it runs the programs of `sim::apps` on the ground
//! truth. It implements their `Host` (stdout into the container log, files onto the volumes
//! behind the mounts, the engine's RNG, timers as engine events) and applies SIGSTOP: while a
//! process is paused, its SIGTERM and its timers are held, and on resume the signal is
//! delivered first, then the timers in the order they fired.

use crate::model::{Kind, Object, ObjectRef};

use super::apps::{
    session_hex, App, ClientError, FileRead, Host, HttpReply, HttpRequest, LockBelief, Program,
    Sleeper, UnlockStatus, ZkOp, ZkReply, WATCH_TIMER,
};
use super::stores::ZK_TICK_MS;
use super::trace::{Actor, Change};
use super::world::{Machine, ProtectedWrite, VolumeLine, World};
use super::{ApiError, Event, Sim};

/// How a host reaches the pod network: a function from a higher layer (`sim::network`), so
/// the runtime itself does not depend on it.
pub(crate) type Network = fn(&mut Sim, u64, &str) -> Result<String, (i32, String)>;

/// What one hook of one process may touch: the whole engine, but only through the `Host`
/// methods (the program itself is taken out of its process while the hook runs). A command
/// run by `kubectl exec` gets the same host for its container, with the pod network.
pub(crate) struct ProcessHost<'a> {
    sim: &'a mut Sim,
    pid: u64,
    /// (delay, timer) pairs the hook asked for; the engine schedules them after it returns.
    timers: Vec<(u64, u32)>,
    network: Option<Network>,
}

impl<'a> ProcessHost<'a> {
    /// The host of a command exec'd in the container of process `pid`.
    pub(crate) fn for_exec(sim: &'a mut Sim, pid: u64, network: Network) -> Self {
        ProcessHost {
            sim,
            pid,
            timers: Vec::new(),
            network: Some(network),
        }
    }
}

impl ProcessHost<'_> {
    fn world(&self) -> &World {
        &self.sim.world
    }

    fn machine(&self) -> Option<&Machine> {
        let p = self.sim.world.process(self.pid)?;
        self.sim.world.machine(&p.machine)
    }

    /// The process's actor in the trace, and whether it can reach the API server.
    fn client(&self) -> (Actor, bool) {
        match self.sim.world.process(self.pid) {
            Some(p) => (
                Actor::App(p.id.as_str().into()),
                self.sim
                    .world
                    .pod_can_reach_api(&p.machine, &p.pod_namespace, &p.pod_name),
            ),
            None => (Actor::App(crate::model::Name::default()), false),
        }
    }
}

/// Only the lock kinds are open to programs.
fn lock_kind(kind: Kind) -> Result<(), ClientError> {
    match kind {
        Kind::Lease | Kind::ConfigMap => Ok(()),
        other => Err(ClientError::Other(format!(
            "{} is forbidden: the lab's programs may only use leases and configmaps",
            other.plural()
        ))),
    }
}

fn client_error(e: ApiError) -> ClientError {
    match e {
        ApiError::NotFound { .. } => ClientError::NotFound(e.to_string()),
        ApiError::AlreadyExists { .. } => ClientError::AlreadyExists(e.to_string()),
        ApiError::Conflict { .. } => ClientError::Conflict(e.to_string()),
        ApiError::Unreachable(_) => ClientError::Timeout,
        other => ClientError::Other(other.to_string()),
    }
}

/// Whether an update only renews the same holder's lock (a heartbeat in the trace).
fn same_holder(old: &Object, new: &Object) -> bool {
    match (old, new) {
        (Object::Lease(a), Object::Lease(b)) => {
            a.spec.holder_identity == b.spec.holder_identity
                && a.spec.lease_duration_seconds == b.spec.lease_duration_seconds
        }
        (Object::ConfigMap(a), Object::ConfigMap(b)) => a
            .data
            .iter()
            .filter(|(k, _)| k.starts_with("leader.pod."))
            .eq(b.data.iter().filter(|(k, _)| k.starts_with("leader.pod."))),
        _ => false,
    }
}

/// `holder web-1` for a lock object, for the trace.
fn holder_text(obj: &Object) -> String {
    match obj {
        Object::Lease(l) => match l.spec.holder_identity.as_deref() {
            Some(h) if !h.is_empty() => format!("holder {h}"),
            _ => "no holder".into(),
        },
        Object::ConfigMap(c) => {
            let leaders: Vec<String> = c
                .data
                .iter()
                .filter(|(k, _)| k.starts_with("leader.pod."))
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            leaders.join(", ")
        }
        _ => String::new(),
    }
}

impl Host for ProcessHost<'_> {
    fn now(&self) -> u64 {
        self.sim.now
    }

    fn id(&self) -> &str {
        self.world().process(self.pid).map_or("", |p| p.id.as_str())
    }

    fn env(&self, name: &str) -> Option<&str> {
        self.world()
            .process(self.pid)?
            .env
            .get(name)
            .map(String::as_str)
    }

    fn random_below(&mut self, n: u64) -> u64 {
        self.sim.rng.below(n)
    }

    fn stdout(&mut self, line: String) {
        let now = self.sim.now;
        self.sim.world.write_log(self.pid, now, line);
    }

    fn append_file(&mut self, path: &str, line: String) -> bool {
        let Some(p) = self.sim.world.process(self.pid) else {
            return false;
        };
        let Some((key, file)) = p.volume_path(path) else {
            return false;
        };
        let entry = VolumeLine {
            time: self.sim.now,
            writer: p.id.clone(),
            pod: p.pod_name.to_string(),
            machine: p.machine.to_string(),
            file,
            text: line,
        };
        self.sim.world.append(&key, entry);
        true
    }

    fn read_file(&self, path: &str) -> FileRead {
        let Some((key, file)) = self
            .world()
            .process(self.pid)
            .and_then(|p| p.volume_path(path))
        else {
            return FileRead::Image;
        };
        match self.world().file_text(&key, &file) {
            Some(text) => FileRead::Contents(text),
            None => FileRead::Missing,
        }
    }

    fn read_any(&self, path: &str) -> Option<String> {
        self.world().read_path(self.pid, path)
    }

    fn write_file(&mut self, path: &str, text: &str, append: bool) {
        let now = self.sim.now;
        self.sim.world.write_path(self.pid, path, text, append, now);
    }

    fn remove_file(&mut self, path: &str) -> bool {
        self.sim.world.remove_path(self.pid, path)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        // The directories every image has; what is in them beyond the lab's files is not
        // modelled.
        const ROOT: [&str; 10] = [
            "bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "var",
        ];
        let dir = path.trim_end_matches('/');
        if dir.is_empty() {
            let mut names: Vec<String> = ROOT.map(String::from).to_vec();
            names.extend(self.world().list_path(self.pid, "/").unwrap_or_default());
            crate::sort::sort(&mut names);
            names.dedup();
            return Some(names);
        }
        let listed = self.world().list_path(self.pid, dir);
        if listed.is_none() && ROOT.iter().any(|r| dir == format!("/{r}")) {
            return Some(Vec::new());
        }
        listed
    }

    fn hostname(&self) -> String {
        self.world()
            .process(self.pid)
            .map_or_else(String::new, |p| p.hostname.to_string())
    }

    fn env_all(&self) -> Vec<(String, String)> {
        self.world().process(self.pid).map_or_else(Vec::new, |p| {
            p.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        })
    }

    /// A program's own outbound requests are not modelled yet; an exec'd command's are.
    fn http_get(&mut self, url: &str) -> Result<String, (i32, String)> {
        match self.network {
            Some(net) => net(self.sim, self.pid, url),
            None => Err((7, format!("curl: (7) Failed to connect to {url}: the lab does not route requests made by a program"))),
        }
    }

    fn set_timer(&mut self, delay_ms: u64, timer: u32) {
        // The machine's clock counts the delay: one that runs fast fires early.
        let delay = self
            .machine()
            .map_or(delay_ms, |m| m.true_duration(delay_ms));
        self.timers.push((delay, timer));
    }

    fn wall_clock(&self) -> u64 {
        let now = self.sim.now;
        self.machine().map_or(now, |m| m.wall_at(now))
    }

    fn monotonic(&self) -> u64 {
        let now = self.sim.now;
        self.machine().map_or(now, |m| m.monotonic_at(now))
    }

    fn pod_namespace(&self) -> String {
        self.world()
            .process(self.pid)
            .map_or_else(|| "default".into(), |p| p.pod_namespace.to_string())
    }

    fn api_get(&mut self, kind: Kind, namespace: &str, name: &str) -> Result<Object, ClientError> {
        lock_kind(kind)?;
        if !self.client().1 {
            return Err(ClientError::Timeout);
        }
        let r = ObjectRef::new(kind, namespace, name);
        self.sim.api.get_object(&r).cloned().ok_or_else(|| {
            client_error(ApiError::NotFound {
                kind,
                name: name.to_string(),
            })
        })
    }

    fn api_create(&mut self, obj: Object) -> Result<Object, ClientError> {
        lock_kind(obj.kind())?;
        let (actor, reachable) = self.client();
        if !reachable {
            return Err(ClientError::Timeout);
        }
        let why = holder_text(&obj);
        let r = self
            .sim
            .api_create(&actor, None, obj, &why)
            .map_err(client_error)?;
        self.sim
            .api
            .get_object(&r)
            .cloned()
            .ok_or_else(|| ClientError::Other("created object is gone".into()))
    }

    fn api_update(&mut self, obj: Object) -> Result<Object, ClientError> {
        lock_kind(obj.kind())?;
        let (actor, reachable) = self.client();
        if !reachable {
            return Err(ClientError::Timeout);
        }
        let mut r = obj.object_ref();
        if r.namespace.is_empty() {
            r.namespace = "default".into();
        }
        let routine = self
            .sim
            .api
            .get_object(&r)
            .is_some_and(|old| same_holder(old, &obj));
        let what = format!(
            "updated {} {} ({})",
            r.kind.name().to_ascii_lowercase(),
            r.name,
            holder_text(&obj)
        );
        let change = if routine {
            Change::Heartbeat
        } else {
            Change::Updated
        };
        match self.sim.api_update_as(&actor, None, obj, &what, "", change) {
            Ok(()) => self
                .sim
                .api
                .get_object(&r)
                .cloned()
                .ok_or_else(|| ClientError::Other("updated object is gone".into())),
            Err(e) => {
                let why = e.to_string();
                self.sim.record(
                    &actor,
                    None,
                    Some(&r),
                    Change::Failed,
                    format!(
                        "update of {} {} failed ({})",
                        r.kind.name().to_ascii_lowercase(),
                        r.name,
                        e.code()
                    ),
                    &why,
                );
                Err(client_error(e))
            }
        }
    }

    fn api_event(&mut self, involved: &ObjectRef, reason: &'static str, message: &str) {
        let (actor, reachable) = self.client();
        if reachable {
            self.sim
                .api_event(&actor, involved, "Normal", reason, message);
        }
    }

    fn protected_write(
        &mut self,
        lock: &str,
        identity: &str,
        token: Option<i64>,
        text: String,
    ) -> bool {
        let Some(p) = self.sim.world.process(self.pid) else {
            return false;
        };
        let write = ProtectedWrite {
            time: self.sim.now,
            writer: p.id.clone(),
            pod: p.pod_name.to_string(),
            identity: identity.to_string(),
            token,
            accepted: true,
            text,
        };
        let (actor, pod) = (
            Actor::App(p.id.as_str().into()),
            ObjectRef::new(Kind::Pod, &p.pod_namespace, &p.pod_name),
        );
        let accepted = self.sim.world.protected_write(lock, write);
        let what = match (accepted, token) {
            (true, Some(t)) => format!("wrote to the resource {lock} protects (token {t})"),
            (true, None) => format!("wrote to the resource {lock} protects"),
            (false, Some(t)) => {
                format!("write to the resource {lock} protects refused: token {t} is stale")
            }
            (false, None) => format!("write to the resource {lock} protects refused"),
        };
        self.sim.record(
            &actor,
            None,
            Some(&pod),
            if accepted {
                Change::World
            } else {
                Change::Failed
            },
            what,
            "",
        );
        accepted
    }

    fn dapr_try_lock(
        &mut self,
        store: &str,
        resource: &str,
        owner: &str,
        expiry_seconds: u64,
    ) -> Result<bool, ClientError> {
        if !self.client().1 {
            return Err(ClientError::Timeout);
        }
        let now = self.sim.now;
        Ok(self
            .sim
            .world
            .lock_stores_mut()
            .try_lock(now, store, resource, owner, expiry_seconds))
    }

    fn dapr_unlock(
        &mut self,
        store: &str,
        resource: &str,
        owner: &str,
    ) -> Result<UnlockStatus, ClientError> {
        if !self.client().1 {
            return Err(ClientError::Timeout);
        }
        let now = self.sim.now;
        Ok(self
            .sim
            .world
            .lock_stores_mut()
            .unlock(now, store, resource, owner))
    }

    fn zk(&mut self, op: ZkOp) -> Result<ZkReply, ClientError> {
        let (actor, reachable) = self.client();
        if !reachable {
            return Err(ClientError::Timeout);
        }
        let now = self.sim.now;
        let pid = self.pid;
        let pod = self
            .world()
            .process(pid)
            .map_or_else(String::new, |p| p.pod_name.to_string());
        let session = match &op {
            ZkOp::Connect { .. } => None,
            ZkOp::Ping { session }
            | ZkOp::CreateEphemeralSequential { session, .. }
            | ZkOp::Children { session, .. }
            | ZkOp::ExistsWatch { session, .. }
            | ZkOp::Delete { session, .. }
            | ZkOp::Close { session } => Some(*session),
        };
        let zk = &mut self.sim.world.lock_stores_mut().zk;
        if let Some(id) = session {
            if !zk.touch(now, id) {
                return Ok(ZkReply::SessionExpired);
            }
        }
        Ok(match op {
            ZkOp::Connect { timeout_ms } => {
                let s = zk.connect(now, timeout_ms, pid, &pod);
                let start = !zk.ticking;
                zk.ticking = true;
                if start {
                    let next = (now / ZK_TICK_MS + 1) * ZK_TICK_MS;
                    self.sim.schedule_at(next, Event::EnsembleTick);
                }
                ZkReply::Session {
                    id: s.id,
                    timeout_ms: s.timeout_ms,
                }
            }
            ZkOp::Ping { .. } => ZkReply::Done,
            ZkOp::CreateEphemeralSequential {
                session,
                parent,
                prefix,
                data,
            } => {
                let path = zk.create_sequential(session, &parent, &prefix, &data);
                self.sim.record(
                    &actor,
                    None,
                    None,
                    Change::World,
                    format!(
                        "created {path} (ephemeral, session {})",
                        session_hex(session)
                    ),
                    "",
                );
                ZkReply::Created(path)
            }
            ZkOp::Children { parent, .. } => ZkReply::Children(zk.children(&parent)),
            ZkOp::ExistsWatch { session, path } => ZkReply::Exists(zk.exists_watch(session, &path)),
            ZkOp::Delete { path, .. } => {
                let fired = zk.delete(&path);
                self.sim.fire_watches(fired);
                ZkReply::Done
            }
            ZkOp::Close { session } => {
                let (gone, fired) = zk.end_session(session);
                self.sim.record(
                    &actor,
                    None,
                    None,
                    Change::World,
                    format!("closed session {}", session_hex(session)),
                    &deleted_text(&gone),
                );
                self.sim.fire_watches(fired);
                ZkReply::Done
            }
        })
    }
}

/// `deleted /election/lock-0000000001`, for the trace.
fn deleted_text(paths: &[String]) -> String {
    if paths.is_empty() {
        String::new()
    } else {
        format!("deleted {}", paths.join(", "))
    }
}

/// The trace's wording of a belief change, so the Locks panel's timeline can read it back.
pub const BELIEVES_PREFIX: &str = "believes it leads ";
pub const STOPPED_PREFIX: &str = "stopped believing it leads ";

/// Trace lines for what changed between two sets of one process's beliefs: it now believes it
/// leads (with its token), or no longer does.
fn belief_changes(before: &[LockBelief], after: &[LockBelief]) -> Vec<String> {
    let mut out = Vec::new();
    for a in after.iter().filter(|a| a.leading) {
        let was = before.iter().find(|b| b.lock == a.lock && b.leading);
        if was.is_none_or(|b| b.token != a.token) {
            out.push(match a.token {
                Some(t) => format!("{BELIEVES_PREFIX}{} (token {t})", a.lock),
                None => format!("{BELIEVES_PREFIX}{}", a.lock),
            });
        }
    }
    for b in before.iter().filter(|b| b.leading) {
        if !after.iter().any(|a| a.lock == b.lock && a.leading) {
            out.push(format!("{STOPPED_PREFIX}{}", b.lock));
        }
    }
    out
}

impl Sim {
    /// Fires the ZooKeeper watches of processes `pids` (the runtime's `WATCH_TIMER`), on those
    /// that can hear the ensemble; a cut-off client hears nothing.
    fn fire_watches(&mut self, pids: Vec<u64>) {
        for pid in pids {
            let reach = self.world.process(pid).is_some_and(|p| {
                self.world
                    .pod_can_reach_api(&p.machine, &p.pod_namespace, &p.pod_name)
            });
            if reach {
                self.schedule(
                    0,
                    Event::ProcessTimer {
                        pid,
                        timer: WATCH_TIMER,
                    },
                );
            }
        }
    }

    /// `Event::EnsembleTick`: the session tracker expires the sessions it has not heard from
    /// within their timeout, deleting their ephemeral nodes (ref §7.5).
    pub(crate) fn ensemble_tick(&mut self) {
        let now = self.now;
        let due = self.world.lock_stores().zk.due(now);
        for id in due {
            let zk = &mut self.world.lock_stores_mut().zk;
            let Some(s) = zk.sessions.iter().find(|s| s.id == id).cloned() else {
                continue;
            };
            let (gone, fired) = zk.end_session(id);
            let mut why = format!(
                "not heard from {} for {}",
                s.pod,
                crate::model::go_duration(now - s.last_heard)
            );
            if !gone.is_empty() {
                why = format!("{why}; {}", deleted_text(&gone));
            }
            self.record(
                &Actor::Controller(&"zookeeper"),
                None,
                None,
                Change::World,
                format!("expired session {}", session_hex(id)),
                &why,
            );
            self.fire_watches(fired);
        }
        let zk = &mut self.world.lock_stores_mut().zk;
        if zk.sessions.is_empty() {
            zk.ticking = false;
        } else {
            self.schedule(ZK_TICK_MS, Event::EnsembleTick);
        }
    }
    /// Runs one hook of the program of `pid`, then schedules the timers it set. None when the
    /// process is gone.
    fn with_program<R>(
        &mut self,
        pid: u64,
        hook: impl FnOnce(&mut Program, &mut dyn Host) -> R,
    ) -> Option<R> {
        let mut hook = Some(hook);
        let mut out = None;
        self.run_program_hook(pid, &mut |program, host| {
            if let Some(hook) = hook.take() {
                out = Some(hook(program, host));
            }
        });
        out
    }

    /// `with_program`'s work, compiled once for all hooks (it was inlined into each caller).
    #[inline(never)]
    fn run_program_hook(&mut self, pid: u64, hook: &mut dyn FnMut(&mut Program, &mut dyn Host)) {
        let Some(p) = self.world.process_mut(pid) else {
            return;
        };
        let mut program = std::mem::replace(&mut p.program, Program::Sleeper(Sleeper));
        let before = program.lock_beliefs();
        let mut host = ProcessHost {
            sim: self,
            pid,
            timers: Vec::new(),
            network: None,
        };
        hook(&mut program, &mut host);
        let timers = host.timers;
        let changes = if program.takes_locks() {
            belief_changes(&before, &program.lock_beliefs())
        } else {
            Vec::new()
        };
        if let Some(p) = self.world.process_mut(pid) {
            p.program = program;
            let actor = Actor::App(p.id.as_str().into());
            let pod = ObjectRef::new(Kind::Pod, &p.pod_namespace, &p.pod_name);
            for what in changes {
                self.record(&actor, None, Some(&pod), Change::World, what, "");
            }
        }
        for (delay, timer) in timers {
            self.schedule(delay, Event::ProcessTimer { pid, timer });
        }
    }

    /// The process just spawned: its program starts. Returns how long until it listens.
    pub(crate) fn app_start(&mut self, pid: u64) -> u64 {
        self.with_program(pid, |prog, host| prog.start(host))
            .unwrap_or(0)
    }

    /// `Event::ProcessTimer`: a timer the program set fires, unless the process is paused (then
    /// it fires on resume) or gone.
    pub(crate) fn app_timer(&mut self, pid: u64, timer: u32) {
        let Some(p) = self.world.process_mut(pid) else {
            return;
        };
        if p.paused {
            p.held_timers.push(timer);
            return;
        }
        self.with_program(pid, |prog, host| prog.tick(host, timer));
    }

    /// The first SIGTERM reaches the process. Returns how long until it exits; None when it
    /// ignores SIGTERM, or is paused (the signal waits for resume).
    pub(crate) fn app_sigterm(&mut self, pid: u64) -> Option<u64> {
        let p = self.world.process_mut(pid)?;
        if p.paused {
            p.held_sigterm = true;
            return None;
        }
        self.with_program(pid, |prog, host| prog.sigterm(host))
            .flatten()
    }

    /// The process resumed (SIGCONT): a held SIGTERM first, then the timers that fired meanwhile.
    pub(crate) fn app_resumed(&mut self, pid: u64) {
        let Some(p) = self.world.process_mut(pid) else {
            return;
        };
        let sigterm = std::mem::take(&mut p.held_sigterm);
        let timers = std::mem::take(&mut p.held_timers);
        if sigterm {
            if let Some(ms) = self
                .with_program(pid, |prog, host| prog.sigterm(host))
                .flatten()
            {
                let at = self.now + ms;
                self.schedule_at(at, Event::ProcessStopped { pid, killed: false });
            }
        }
        for timer in timers {
            self.with_program(pid, |prog, host| prog.tick(host, timer));
        }
    }

    /// A request reached the listening process `pid`.
    pub(crate) fn app_http(&mut self, pid: u64, request: &HttpRequest) -> HttpReply {
        let reply = self
            .with_program(pid, |prog, host| prog.http(host, request))
            .unwrap_or(HttpReply::Refused);
        if let (HttpReply::Body { .. }, Some(p)) = (&reply, self.world.process_mut(pid)) {
            p.requests_served += 1;
        }
        reply
    }
}
