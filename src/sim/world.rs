//! Ground truth: machines, the processes really running, reachability, clocks, volume contents.
//!
//! The API server may believe otherwise (a pod `Terminating` whose process still runs on a
//! partitioned node); that gap is what the lab shows.

use std::collections::VecDeque;

use super::apps::Program;
use crate::model::Name;
use crate::sorted::SortedMap;

/// A machine behind a Node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Machine {
    /// Shared with the processes it runs and their logs (issue 16).
    pub name: Name,
    pub zone: String,
    /// Shared with the pods' `hostIP` (issue 16).
    pub ip: Name,
    pub pod_cidr: String,
    pub powered: bool,
    /// Can the kubelet reach the control plane (and the control plane reach it)?
    pub reachable: bool,
    /// The wall-clock offset last set on the machine (`Command::SkewClock`), in ms: its wall
    /// clock minus its monotonic clock.
    pub clock_offset_ms: i64,
    /// How fast the machine's clock runs, in parts per million off true time
    /// (`Command::SkewClockRate`): +100000 runs 10% fast, -500000 at half speed.
    pub clock_rate_ppm: i64,
    /// True time when the rate was last set, and the drift (monotonic minus true time)
    /// accumulated by then.
    pub clock_rate_since: u64,
    pub clock_drift_ms: i64,
    pub boots: u32,
}

impl Machine {
    /// The machine's monotonic clock at true time `now`: true time, scaled by the rate skew
    /// from the moment it was set. Programs measure durations with it (Go's monotonic clock).
    pub fn monotonic_at(&self, now: u64) -> u64 {
        let since = now.saturating_sub(self.clock_rate_since) as i128;
        let drift = since * self.clock_rate_ppm as i128 / 1_000_000;
        (now as i128 + self.clock_drift_ms as i128 + drift).max(0) as u64
    }

    /// The machine's wall clock at true time `now` (what it writes into timestamps): the
    /// monotonic clock plus the offset.
    pub fn wall_at(&self, now: u64) -> u64 {
        (self.monotonic_at(now) as i128 + self.clock_offset_ms as i128).max(0) as u64
    }

    /// How far the machine's wall clock is from true time at `now`, in ms (offset and drift).
    pub fn clock_skew_at(&self, now: u64) -> i64 {
        self.wall_at(now) as i64 - now as i64
    }

    /// Sets the rate from true time `now` on, keeping the clock continuous.
    pub(crate) fn set_clock_rate(&mut self, now: u64, ppm: i64) {
        self.clock_drift_ms = self.monotonic_at(now) as i64 - now as i64;
        self.clock_rate_since = now;
        self.clock_rate_ppm = ppm;
    }

    /// True milliseconds that pass while this clock counts `local_ms`.
    pub fn true_duration(&self, local_ms: u64) -> u64 {
        if self.clock_rate_ppm == 0 {
            return local_ms;
        }
        let rate = (1_000_000 + self.clock_rate_ppm).max(1) as u128;
        ((local_ms as u128 * 1_000_000).div_ceil(rate)).min(u64::MAX as u128) as u64
    }
}

/// A process inside a container, as it really is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// Engine-wide process number (not an OS pid; never reused).
    pub pid: u64,
    /// The app's own instance id (the random-generator's `id`), from the RNG.
    pub id: String,
    /// The machine's, the pod's and the namespace's shared names: a process copies none of
    /// them (issue 16).
    pub machine: Name,
    pub pod_namespace: Name,
    pub pod_name: Name,
    pub pod_uid: Name,
    /// The pod's labels when the process started, so the ground truth can be grouped by workload
    /// even after the pod object is gone.
    pub pod_labels: crate::model::Labels,
    pub container: Name,
    pub image: String,
    /// The simulated program and its own state (`sim::apps`). The runtime takes it out while
    /// one of its hooks runs.
    pub program: Program,
    /// The pod's address, shared with its status.
    pub ip: Name,
    pub started_at: u64,
    /// When the app starts answering (DELAY_STARTUP).
    pub listening_at: u64,
    pub paused: bool,
    /// When SIGTERM arrived, if it did.
    pub sigterm_at: Option<u64>,
    /// The app's own readiness switch (toggled by the learner).
    pub ready_toggle: bool,
    pub env: SortedMap<String, String>,
    /// (mount path, volume key) pairs.
    pub mounts: Vec<(String, String)>,
    pub requests_served: u64,
    /// The pod's hostname (`spec.hostname`, else the pod's name).
    pub hostname: Name,
    /// Files written outside every volume: the container's writable layer, gone with it.
    pub scratch: SortedMap<String, String>,
    /// Timers that fired while the process was paused, delivered on resume.
    pub held_timers: Vec<u32>,
    /// A SIGTERM that arrived while the process was paused, delivered on resume.
    pub held_sigterm: bool,
}

impl Process {
    /// What the process believes about itself, for `lab ps`.
    pub fn belief(&self, now: u64) -> String {
        if self.paused {
            "paused".into()
        } else if self.sigterm_at.is_some() {
            "shutting down".into()
        } else if now < self.listening_at {
            "starting".into()
        } else if !self.ready_toggle {
            "serving (not ready)".into()
        } else {
            "serving".into()
        }
    }

    /// Would a readiness check succeed now?
    pub fn is_ready(&self, now: u64) -> bool {
        !self.paused && self.sigterm_at.is_none() && now >= self.listening_at && self.ready_toggle
    }

    /// The volume and the file in it behind `path` inside the container: the deepest mount
    /// that holds the path. None for a path outside every mount (the container's own file
    /// system, which the lab does not keep).
    pub fn volume_path(&self, path: &str) -> Option<(String, String)> {
        let (mp, key) = self
            .mounts
            .iter()
            .filter(|(mp, _)| {
                let mp = mp.trim_end_matches('/');
                path.starts_with(mp) && path[mp.len()..].starts_with('/')
            })
            .max_by_key(|(mp, _)| mp.len())?;
        let file = path[mp.trim_end_matches('/').len() + 1..].to_string();
        Some((key.clone(), file))
    }

    /// Can it answer a request now?
    pub fn is_serving(&self, now: u64) -> bool {
        !self.paused && self.sigterm_at.is_none() && now >= self.listening_at
    }
}

/// `child` relative to `dir` when it lies strictly below it (`/a`, `/a/b/c` -> `b/c`).
fn path_within(dir: &str, child: &str) -> Option<String> {
    let rest = child.strip_prefix(dir)?.strip_prefix('/')?;
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Where a PersistentVolume's data lives as seen from `node`: a network disk is one place
/// (`pv/NAME`) wherever it is attached; a hostPath volume is a directory on each node
/// (`hostpath/NODE/PATH`), so pods on different nodes write different data.
pub fn pv_volume_key(pv: &crate::model::PersistentVolume, node: &str) -> String {
    match &pv.spec.host_path {
        Some(h) => format!("hostpath/{node}{}", h.path),
        None => format!("pv/{}", pv.metadata.name),
    }
}

/// One line appended to a volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeLine {
    pub time: u64,
    /// The writing process's id.
    pub writer: String,
    pub pod: String,
    pub machine: String,
    /// Path inside the volume.
    pub file: String,
    pub text: String,
}

/// Lines kept per container instance: the oldest go first, so memory stays flat however long a
/// process runs (the kubelet rotates log files for the same reason).
pub const LOG_LINES_KEPT: usize = 1000;

/// One line a container wrote to stdout, stamped by the runtime when it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub time: u64,
    pub text: String,
}

/// The stdout of one container instance (one process), as the runtime keeps it on the node.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerLog {
    /// The process that writes it.
    pub pid: u64,
    /// In time order.
    lines: VecDeque<LogLine>,
}

impl ContainerLog {
    /// The lines written up to `now`.
    pub fn lines_until(&self, now: u64) -> impl Iterator<Item = &LogLine> + '_ {
        self.lines.iter().take_while(move |l| l.time <= now)
    }

    fn insert(&mut self, line: LogLine) {
        let at = self
            .lines
            .iter()
            .rposition(|l| l.time <= line.time)
            .map_or(0, |i| i + 1);
        self.lines.insert(at, line);
        while self.lines.len() > LOG_LINES_KEPT {
            self.lines.pop_front();
        }
    }
}

/// The logs of one container of one pod: the running (or last) instance and the one before it,
/// which is all the kubelet keeps (`kubectl logs --previous`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct ContainerLogs {
    machine: Name,
    current: ContainerLog,
    /// Boxed: most containers never restart, and an entry of the map is then 96 bytes, not
    /// 128 (issue 16).
    previous: Option<Box<ContainerLog>>,
}

#[derive(Clone, Debug, Default)]
pub struct World {
    machines: SortedMap<String, Machine>,
    /// Boxed: a map's spare room is then a pointer per slot, not a whole process (issue 16).
    processes: SortedMap<u64, Box<Process>>,
    /// volume key (`pv/<name>` or `emptydir/<pod uid>/<volume>`) -> lines.
    volumes: SortedMap<String, Vec<VolumeLine>>,
    /// Network disks and the machines they are attached to (PV name -> nodes), as the cloud
    /// sees it.
    attachments: SortedMap<String, crate::sorted::SortedSet<String>>,
    /// (pod uid, container) -> stdout of its instances, on the machine that ran them. Only
    /// looked up, summed and filtered, never walked in order: a hash map, whose code the page
    /// has already, where a B-tree of this key type was one more copy of the B-tree's code.
    /// Keyed by the process's own shared names, so a log line's write copies no key.
    logs: crate::sim::rng::HashMap<(Name, Name), ContainerLogs>,
    next_pid: u64,
    /// Pods (`namespace/name`) cut off from the API server while their node stays Ready.
    cut_pods: crate::sorted::SortedSet<String>,
    /// The resources that leader-elected programs guard, by lock (`lease/default/NAME`): every
    /// write of the singleton's work, accepted or refused.
    protected: SortedMap<String, ProtectedLog>,
    /// Dapr's lock store and the ZooKeeper ensemble (`sim::stores`).
    stores: super::stores::LockStores,
}

/// Writes kept per protected resource; the counters keep counting.
pub const PROTECTED_WRITES_KEPT: usize = 1000;

/// One write of a leader's work to the resource its lock protects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtectedWrite {
    pub time: u64,
    /// The writing process's id, its pod and its candidate identity (`--id`).
    pub writer: String,
    pub pod: String,
    pub identity: String,
    /// The fencing token it carried (`leaseTransitions` when it acquired), with `--fencing`.
    pub token: Option<i64>,
    /// False when the resource refused a token lower than one it had seen.
    pub accepted: bool,
    pub text: String,
}

/// The protected resource of one lock: its writes and the highest token it has seen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProtectedLog {
    /// The last `PROTECTED_WRITES_KEPT` writes, oldest first.
    pub writes: VecDeque<ProtectedWrite>,
    pub accepted: u64,
    pub refused: u64,
    pub highest_token: Option<i64>,
}

impl ProtectedLog {
    /// Accepted writes by a different writer than the accepted write before them within
    /// `window_ms`: work done twice (two processes that both believed they led).
    pub fn overlapping_writes(&self, window_ms: u64) -> u64 {
        let mut count = 0;
        let mut last: Option<&ProtectedWrite> = None;
        for w in self.writes.iter().filter(|w| w.accepted) {
            if let Some(l) = last {
                if l.writer != w.writer && w.time < l.time.saturating_add(window_ms) {
                    count += 1;
                }
            }
            last = Some(w);
        }
        count
    }
}

/// What one process believes about one lock it takes part in (issue 14, `lab ps`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockBeliefOf {
    pub pid: u64,
    /// The process's id, pod and machine.
    pub process: String,
    pub pod_namespace: String,
    pub pod: String,
    pub machine: String,
    pub belief: super::apps::LockBelief,
}

impl World {
    pub(crate) fn add_machine(&mut self, name: &str, zone: &str, ip: &str, cidr: &str) {
        self.machines.insert(
            name.to_string(),
            Machine {
                name: name.into(),
                zone: zone.to_string(),
                ip: ip.into(),
                pod_cidr: cidr.to_string(),
                powered: true,
                reachable: true,
                clock_offset_ms: 0,
                clock_rate_ppm: 0,
                clock_rate_since: 0,
                clock_drift_ms: 0,
                boots: 1,
            },
        );
    }

    pub fn machines(&self) -> impl Iterator<Item = &Machine> {
        self.machines.values()
    }

    pub fn machine(&self, name: &str) -> Option<&Machine> {
        self.machines.get(name)
    }

    pub(crate) fn machine_mut(&mut self, name: &str) -> Option<&mut Machine> {
        self.machines.get_mut(name)
    }

    /// Powered and reachable: the kubelet can talk to the API server.
    pub fn can_reach_api(&self, node: &str) -> bool {
        self.machines
            .get(node)
            .is_some_and(|m| m.powered && m.reachable)
    }

    pub fn processes(&self) -> impl Iterator<Item = &Process> {
        self.processes.values().map(|p| &**p)
    }

    /// Can the processes of pod `namespace/name` on `machine` reach the API server? Not when
    /// the machine is off or cut off from the control plane, or the pod is cut off alone.
    pub fn pod_can_reach_api(&self, machine: &str, namespace: &str, pod: &str) -> bool {
        self.can_reach_api(machine) && !self.is_pod_cut(namespace, pod)
    }

    /// Is pod `namespace/name` cut off from the API server (`Command::CutPod`)?
    pub fn is_pod_cut(&self, namespace: &str, pod: &str) -> bool {
        self.cut_pods.contains(&format!("{namespace}/{pod}"))
    }

    /// Every pod cut off from the API server, as `namespace/name`.
    pub fn cut_pods(&self) -> impl Iterator<Item = &str> {
        self.cut_pods.iter().map(String::as_str)
    }

    /// Cuts pod `namespace/name` off (true) or reconnects it; false if nothing changed.
    pub(crate) fn set_pod_cut(&mut self, namespace: &str, pod: &str, cut: bool) -> bool {
        let key = format!("{namespace}/{pod}");
        if cut {
            self.cut_pods.insert(key)
        } else {
            self.cut_pods.remove(&key)
        }
    }

    /// What every running process believes about the locks it takes part in, by pid.
    pub fn lock_beliefs(&self) -> Vec<LockBeliefOf> {
        let mut out = Vec::new();
        for p in self.processes.values() {
            for belief in p.program.lock_beliefs() {
                out.push(LockBeliefOf {
                    pid: p.pid,
                    process: p.id.clone(),
                    pod_namespace: p.pod_namespace.to_string(),
                    pod: p.pod_name.to_string(),
                    machine: p.machine.to_string(),
                    belief,
                });
            }
        }
        out
    }

    /// The processes that believe they lead `lock` (`lease/default/NAME`): more than one is a
    /// split brain.
    pub fn believed_leaders(&self, lock: &str) -> Vec<LockBeliefOf> {
        self.lock_beliefs()
            .into_iter()
            .filter(|b| b.belief.lock == lock && b.belief.leading)
            .collect()
    }

    /// Dapr's lock store and the ZooKeeper ensemble.
    pub fn lock_stores(&self) -> &super::stores::LockStores {
        &self.stores
    }

    pub(crate) fn lock_stores_mut(&mut self) -> &mut super::stores::LockStores {
        &mut self.stores
    }

    /// The protected resources, by lock.
    pub fn protected_resources(&self) -> impl Iterator<Item = (&str, &ProtectedLog)> {
        self.protected.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The protected resource of `lock`, if anyone wrote to it.
    pub fn protected(&self, lock: &str) -> Option<&ProtectedLog> {
        self.protected.get(lock)
    }

    /// A leader's work reaches the resource `lock` protects. With a token, the resource refuses
    /// one lower than the highest it has seen. Returns whether it was accepted.
    pub(crate) fn protected_write(&mut self, lock: &str, mut write: ProtectedWrite) -> bool {
        let log = self.protected.entry(lock.to_string()).or_default();
        let accepted = match (write.token, log.highest_token) {
            (Some(t), Some(h)) => t >= h,
            _ => true,
        };
        if accepted {
            if let Some(t) = write.token {
                log.highest_token = Some(log.highest_token.map_or(t, |h| h.max(t)));
            }
            log.accepted += 1;
        } else {
            log.refused += 1;
        }
        write.accepted = accepted;
        log.writes.push_back(write);
        while log.writes.len() > PROTECTED_WRITES_KEPT {
            log.writes.pop_front();
        }
        accepted
    }

    pub fn process(&self, pid: u64) -> Option<&Process> {
        self.processes.get(&pid).map(|p| &**p)
    }

    pub(crate) fn process_mut(&mut self, pid: u64) -> Option<&mut Process> {
        self.processes.get_mut(&pid).map(|p| &mut **p)
    }

    pub fn processes_on<'a>(&'a self, machine: &'a str) -> impl Iterator<Item = &'a Process> + 'a {
        self.processes().filter(move |p| p.machine == machine)
    }

    pub fn processes_of_pod<'a>(
        &'a self,
        namespace: &'a str,
        pod: &'a str,
    ) -> impl Iterator<Item = &'a Process> + 'a {
        self.processes()
            .filter(move |p| p.pod_namespace == namespace && p.pod_name == pod)
    }

    /// Processes whose pod carried `key=value` (e.g. `app=random-generator`): the active-instances meter.
    pub fn processes_labelled<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
    ) -> impl Iterator<Item = &'a Process> + 'a {
        self.processes()
            .filter(move |p| p.pod_labels.get(key).is_some_and(|v| v == value))
    }

    pub(crate) fn spawn(&mut self, mut p: Process) -> u64 {
        self.next_pid += 1;
        p.pid = self.next_pid;
        // A new instance gets an empty log; the last one's becomes the previous log.
        let fresh = ContainerLog {
            pid: p.pid,
            ..Default::default()
        };
        let key = (p.pod_uid.clone(), p.container.clone());
        match self.logs.get_mut(&key) {
            Some(l) => {
                l.previous = Some(Box::new(std::mem::replace(&mut l.current, fresh)));
                l.machine = p.machine.clone();
            }
            None => {
                self.logs.insert(
                    key,
                    ContainerLogs {
                        machine: p.machine.clone(),
                        current: fresh,
                        previous: None,
                    },
                );
            }
        }
        self.processes.insert(p.pid, Box::new(p));
        self.next_pid
    }

    /// The log a process writes to, if it is still the current instance of its container.
    fn log_of_mut(&mut self, pid: u64) -> Option<&mut ContainerLog> {
        let p = self.processes.get(&pid)?;
        let key = (p.pod_uid.clone(), p.container.clone());
        let l = self.logs.get_mut(&key)?;
        (l.current.pid == pid).then_some(&mut l.current)
    }

    /// The process writes a line to stdout at `at`. (A paused process writes nothing: the
    /// runtime holds its timers and signals until it resumes.)
    pub(crate) fn write_log(&mut self, pid: u64, at: u64, text: impl Into<String>) {
        if let Some(log) = self.log_of_mut(pid) {
            log.insert(LogLine {
                time: at,
                text: text.into(),
            });
        }
    }

    /// A container's log: the current instance's, or the previous one's. None if that instance
    /// never ran (or its pod's logs were removed).
    pub fn container_log(
        &self,
        pod_uid: &str,
        container: &str,
        previous: bool,
    ) -> Option<&ContainerLog> {
        let l = self
            .logs
            .get(&(Name::from(pod_uid), Name::from(container)))?;
        if previous {
            l.previous.as_deref()
        } else {
            Some(&l.current)
        }
    }

    /// Lines held in every log, for checking that memory stays bounded.
    pub fn log_lines_held(&self) -> u64 {
        self.logs
            .values()
            .flat_map(|l| std::iter::once(&l.current).chain(l.previous.as_deref()))
            .map(|c| c.lines.len() as u64)
            .sum()
    }

    /// Number of containers whose logs are kept.
    pub fn logged_containers(&self) -> u64 {
        self.logs.len() as u64
    }

    /// Container GC: drops the logs of pods on `machine` that `keep` rejects and that have no
    /// process left, as the kubelet removes dead containers of pods it no longer runs.
    pub(crate) fn gc_logs(&mut self, machine: &str, keep: impl Fn(&str) -> bool) {
        let running: crate::sorted::SortedSet<&str> = self
            .processes
            .values()
            .map(|p| p.pod_uid.as_str())
            .collect();
        self.logs.retain(|(uid, _), l| {
            l.machine != machine || keep(uid) || running.contains(uid.as_str())
        });
    }

    pub(crate) fn remove_process(&mut self, pid: u64) -> Option<Process> {
        self.processes.remove(&pid).map(|p| *p)
    }

    pub fn volumes(&self) -> impl Iterator<Item = (&str, &[VolumeLine])> {
        self.volumes.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn volume(&self, key: &str) -> &[VolumeLine] {
        self.volumes.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Distinct writers of a volume, in order of first write.
    pub fn volume_writers(&self, key: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in self.volume(key) {
            if !out.contains(&l.writer) {
                out.push(l.writer.clone());
            }
        }
        out
    }

    /// The file at absolute `path` as process `pid` sees it: on a volume, or in its
    /// container's writable layer.
    pub fn read_path(&self, pid: u64, path: &str) -> Option<String> {
        let p = self.process(pid)?;
        match p.volume_path(path) {
            Some((key, file)) => self.file_text(&key, &file),
            None => p.scratch.get(path).cloned(),
        }
    }

    /// Writes `text` to absolute `path` for process `pid` at `now` (a whole file, or appended).
    pub(crate) fn write_path(&mut self, pid: u64, path: &str, text: &str, append: bool, now: u64) {
        let Some(p) = self.process(pid) else {
            return;
        };
        let Some((key, file)) = p.volume_path(path) else {
            let p = self.process_mut(pid).expect("seen above");
            let entry = p.scratch.entry(path.to_string()).or_default();
            if !append {
                entry.clear();
            }
            entry.push_str(text);
            return;
        };
        let (writer, pod, machine) = (p.id.clone(), p.pod_name.clone(), p.machine.clone());
        if !append {
            if let Some(lines) = self.volumes.get_mut(&key) {
                lines.retain(|l| l.file != file);
            }
        }
        for line in text.lines() {
            self.append(
                &key,
                VolumeLine {
                    time: now,
                    writer: writer.clone(),
                    pod: pod.to_string(),
                    machine: machine.to_string(),
                    file: file.clone(),
                    text: line.to_string(),
                },
            );
        }
    }

    /// Removes the file at absolute `path` for process `pid`; false if there was none.
    pub(crate) fn remove_path(&mut self, pid: u64, path: &str) -> bool {
        let Some(p) = self.process(pid) else {
            return false;
        };
        match p.volume_path(path) {
            Some((key, file)) => match self.volumes.get_mut(&key) {
                Some(lines) => {
                    let before = lines.len();
                    lines.retain(|l| l.file != file);
                    before != lines.len()
                }
                None => false,
            },
            None => self
                .process_mut(pid)
                .is_some_and(|p| p.scratch.remove(path).is_some()),
        }
    }

    /// The names directly under absolute directory `path` for process `pid`, sorted; None if
    /// it is not a directory the lab knows (a mount point, a directory on a volume, or one
    /// holding files in the writable layer).
    pub fn list_path(&self, pid: u64, path: &str) -> Option<Vec<String>> {
        let p = self.process(pid)?;
        let dir = path.trim_end_matches('/');
        let prefix = format!("{dir}/");
        let mut names: Vec<String> = Vec::new();
        let mut known = false;
        for (mp, key) in &p.mounts {
            let mp = mp.trim_end_matches('/');
            if mp == dir {
                known = true;
            }
            // Files on a volume mounted at or below `dir`.
            let under = if mp == dir {
                Some(String::new())
            } else {
                path_within(dir, mp)
            };
            if let Some(sub) = under {
                if !sub.is_empty() {
                    names.push(sub.split('/').next().unwrap_or("").to_string());
                    known = true;
                    continue;
                }
                for l in self.volume(key) {
                    names.push(l.file.split('/').next().unwrap_or("").to_string());
                }
            } else if let Some(inner) = path_within(mp, dir) {
                // `dir` is a directory inside the volume.
                let inner_prefix = format!("{inner}/");
                for l in self.volume(key) {
                    if let Some(rest) = l.file.strip_prefix(&inner_prefix) {
                        known = true;
                        names.push(rest.split('/').next().unwrap_or("").to_string());
                    }
                }
            }
        }
        for f in p.scratch.keys() {
            if let Some(rest) = f.strip_prefix(&prefix) {
                known = true;
                names.push(rest.split('/').next().unwrap_or("").to_string());
            }
        }
        crate::sort::sort(&mut names);
        names.dedup();
        names.retain(|n| !n.is_empty());
        known.then_some(names)
    }

    /// The text of one file on a volume (its lines, each ending in a newline); None if the
    /// volume holds no such file.
    pub fn file_text(&self, key: &str, file: &str) -> Option<String> {
        let mut text = String::new();
        let mut found = false;
        for l in self.volume(key).iter().filter(|l| l.file == file) {
            found = true;
            text.push_str(&l.text);
            text.push('\n');
        }
        found.then_some(text)
    }

    pub(crate) fn append(&mut self, key: &str, line: VolumeLine) {
        self.volumes.entry(key.to_string()).or_default().push(line);
    }

    pub(crate) fn drop_volume(&mut self, key: &str) {
        self.volumes.remove(key);
    }

    /// Drops every volume whose key starts with `prefix` (an emptyDir's pod uid).
    pub(crate) fn drop_volumes_with_prefix(&mut self, prefix: &str) {
        self.volumes.retain(|k, _| !k.starts_with(prefix));
    }

    /// Every (PV name, node) attachment of a network disk, ordered by PV then node.
    pub fn attachments(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attachments
            .iter()
            .flat_map(|(pv, nodes)| nodes.iter().map(move |n| (pv.as_str(), n.as_str())))
    }

    /// The nodes a PV is attached to (one, except for multi-attach volumes).
    pub fn attached_nodes(&self, pv: &str) -> Vec<&str> {
        self.attachments
            .get(pv)
            .map(|s| s.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// PVs attached to a node.
    pub fn volumes_attached_to<'a>(&'a self, node: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attachments
            .iter()
            .filter(move |(_, nodes)| nodes.contains(node))
            .map(|(pv, _)| pv.as_str())
    }

    pub fn is_attached(&self, pv: &str, node: &str) -> bool {
        self.attachments.get(pv).is_some_and(|s| s.contains(node))
    }

    pub(crate) fn attach(&mut self, pv: &str, node: &str) {
        self.attachments
            .entry(pv.to_string())
            .or_default()
            .insert(node.to_string());
    }

    pub(crate) fn detach(&mut self, pv: &str, node: &str) {
        if let Some(s) = self.attachments.get_mut(pv) {
            s.remove(node);
            if s.is_empty() {
                self.attachments.remove(pv);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(uid: &str) -> Process {
        Process {
            pid: 0,
            id: "id".into(),
            machine: "node-1".into(),
            pod_namespace: "default".into(),
            pod_name: "web".into(),
            pod_uid: uid.into(),
            pod_labels: Default::default(),
            container: "app".into(),
            image: "app:1".into(),
            program: Program::Generic(crate::sim::apps::Generic::new(None)),
            ip: "10.244.1.2".into(),
            started_at: 0,
            listening_at: 0,
            paused: false,
            sigterm_at: None,
            ready_toggle: true,
            env: SortedMap::new(),
            mounts: Vec::new(),
            requests_served: 0,
            hostname: "web".into(),
            scratch: SortedMap::new(),
            held_timers: Vec::new(),
            held_sigterm: false,
        }
    }

    #[test]
    fn a_log_keeps_its_last_lines_only() {
        let mut w = World::default();
        let pid = w.spawn(process("u1"));
        for i in 0..(LOG_LINES_KEPT as u64 + 500) {
            w.write_log(pid, i, format!("line {i}"));
        }
        let log = w.container_log("u1", "app", false).unwrap();
        let lines: Vec<&LogLine> = log.lines_until(u64::MAX).collect();
        assert_eq!(lines.len(), LOG_LINES_KEPT);
        assert_eq!(lines[0].text, "line 500");
        assert_eq!(w.log_lines_held(), LOG_LINES_KEPT as u64);
    }

    #[test]
    fn a_new_instance_moves_the_log_to_previous() {
        let mut w = World::default();
        let first = w.spawn(process("u1"));
        w.write_log(first, 1, "one");
        w.remove_process(first);
        let second = w.spawn(process("u1"));
        w.write_log(second, 5, "two");
        // The old process is gone; a stray write from it lands nowhere.
        w.write_log(first, 6, "ghost");
        let text = |l: &ContainerLog| {
            l.lines_until(u64::MAX)
                .map(|l| l.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(text(w.container_log("u1", "app", true).unwrap()), ["one"]);
        assert_eq!(text(w.container_log("u1", "app", false).unwrap()), ["two"]);
        // Gone from the kubelet and not running: container GC drops both.
        w.remove_process(second);
        w.gc_logs("node-1", |_| false);
        assert!(w.container_log("u1", "app", false).is_none());
    }
}
