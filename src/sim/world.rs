//! Ground truth: machines, the processes really running, reachability, clocks, volume contents.
//!
//! The API server may believe otherwise (a pod `Terminating` whose process still runs on a
//! partitioned node); that gap is what the lab shows.

use std::collections::BTreeMap;

use super::apps::AppKind;

/// A machine behind a Node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Machine {
    pub name: String,
    pub zone: String,
    pub ip: String,
    pub pod_cidr: String,
    pub powered: bool,
    /// Can the kubelet reach the control plane (and the control plane reach it)?
    pub reachable: bool,
    /// The machine's clock minus true time, in ms.
    pub clock_offset_ms: i64,
    pub boots: u32,
}

/// A process inside a container, as it really is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// Engine-wide process number (not an OS pid; never reused).
    pub pid: u64,
    /// The app's own instance id (the random-generator's `id`), from the RNG.
    pub id: String,
    pub machine: String,
    pub pod_namespace: String,
    pub pod_name: String,
    pub pod_uid: String,
    /// The pod's labels when the process started, so the ground truth can be grouped by workload
    /// even after the pod object is gone.
    pub pod_labels: BTreeMap<String, String>,
    pub container: String,
    pub image: String,
    pub app: AppKind,
    pub ip: String,
    pub started_at: u64,
    /// When the app starts answering (DELAY_STARTUP).
    pub listening_at: u64,
    pub paused: bool,
    /// When SIGTERM arrived, if it did.
    pub sigterm_at: Option<u64>,
    /// The app's own readiness switch (toggled by the learner).
    pub ready_toggle: bool,
    pub env: BTreeMap<String, String>,
    /// (mount path, volume key) pairs.
    pub mounts: Vec<(String, String)>,
    pub requests_served: u64,
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

    /// Can it answer a request now?
    pub fn is_serving(&self, now: u64) -> bool {
        !self.paused && self.sigterm_at.is_none() && now >= self.listening_at
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

#[derive(Clone, Debug, Default)]
pub struct World {
    machines: BTreeMap<String, Machine>,
    processes: BTreeMap<u64, Process>,
    /// volume key (`pv/<name>` or `emptydir/<pod uid>/<volume>`) -> lines.
    volumes: BTreeMap<String, Vec<VolumeLine>>,
    /// Network disks and the machines they are attached to (PV name -> nodes), as the cloud
    /// sees it.
    attachments: BTreeMap<String, std::collections::BTreeSet<String>>,
    next_pid: u64,
}

impl World {
    pub(crate) fn add_machine(&mut self, name: &str, zone: &str, ip: &str, cidr: &str) {
        self.machines.insert(
            name.to_string(),
            Machine {
                name: name.to_string(),
                zone: zone.to_string(),
                ip: ip.to_string(),
                pod_cidr: cidr.to_string(),
                powered: true,
                reachable: true,
                clock_offset_ms: 0,
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
        self.processes.values()
    }

    pub fn process(&self, pid: u64) -> Option<&Process> {
        self.processes.get(&pid)
    }

    pub(crate) fn process_mut(&mut self, pid: u64) -> Option<&mut Process> {
        self.processes.get_mut(&pid)
    }

    pub fn processes_on<'a>(&'a self, machine: &'a str) -> impl Iterator<Item = &'a Process> + 'a {
        self.processes
            .values()
            .filter(move |p| p.machine == machine)
    }

    pub fn processes_of_pod<'a>(
        &'a self,
        namespace: &'a str,
        pod: &'a str,
    ) -> impl Iterator<Item = &'a Process> + 'a {
        self.processes
            .values()
            .filter(move |p| p.pod_namespace == namespace && p.pod_name == pod)
    }

    /// Processes whose pod carried `key=value` (e.g. `app=random-generator`): the active-instances meter.
    pub fn processes_labelled<'a>(
        &'a self,
        key: &'a str,
        value: &'a str,
    ) -> impl Iterator<Item = &'a Process> + 'a {
        self.processes
            .values()
            .filter(move |p| p.pod_labels.get(key).is_some_and(|v| v == value))
    }

    pub(crate) fn spawn(&mut self, mut p: Process) -> u64 {
        self.next_pid += 1;
        p.pid = self.next_pid;
        self.processes.insert(p.pid, p);
        self.next_pid
    }

    pub(crate) fn remove_process(&mut self, pid: u64) -> Option<Process> {
        self.processes.remove(&pid)
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

    pub(crate) fn append(&mut self, key: &str, line: VolumeLine) {
        self.volumes.entry(key.to_string()).or_default().push(line);
    }

    pub(crate) fn drop_volume(&mut self, key: &str) {
        self.volumes.remove(key);
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
