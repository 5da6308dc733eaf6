//! The kubelet: node Lease heartbeats, pod lifecycle (Pending -> ContainerCreating -> Running),
//! readiness probes, graceful termination, crash restarts with CrashLoopBackOff, pod IPs.
//!
//! The kubelet keeps its own copy of each pod it runs, so it carries on when it cannot reach the
//! API server (a partition): processes keep running, probes keep running, statuses queue up.

use crate::sorted::SortedMap;

use super::attach_detach;
use crate::model::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, Kind, Lease, LeaseSpec, Name, Node, NodeCondition, Object, ObjectMeta,
    ObjectRef, OwnerReference, Pod, PodStatus, ResourceVersion, Shared, Time,
};
use crate::sim::apps::Program;
use crate::sim::trace::{Actor, Change};
use crate::sim::world::Process;
use crate::sim::{ApiError, DeleteOptions, Event, LogLine, PodLogOptions, Sim};

/// The Ready, MemoryPressure, DiskPressure and PIDPressure conditions of a healthy node.
pub(crate) fn healthy_conditions(now: Time) -> Vec<NodeCondition> {
    let c = |t: &str, s: &str, reason: &str, msg: &str| NodeCondition {
        type_: t.into(),
        status: s.into(),
        last_heartbeat_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.into(),
        message: msg.into(),
    };
    vec![
        c(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        c(
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        c(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        c(
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ]
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CState {
    Creating,
    Running {
        pid: u64,
    },
    /// CrashLoopBackOff until `until`.
    Waiting {
        reason: String,
        until: u64,
    },
    Exited {
        exit_code: i32,
        reason: String,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct ContainerRt {
    pub state: CState,
    pub restart_count: i32,
    pub ready: bool,
    /// Bumps on each start; probes and timers of an older start are ignored.
    pub epoch: u64,
    pub probe_ok: i32,
    pub probe_fail: i32,
    /// Consecutive liveness probe failures.
    pub live_fail: i32,
    pub started_at: u64,
    pub started_ever: bool,
    pub last_terminated: Option<Box<ContainerStateTerminated>>,
    pub backoff: u64,
    /// Shared with the pod's status (issue 16).
    pub container_id: Name,
}

#[derive(Clone, Debug)]
pub(crate) struct PodWorker {
    /// The API's pod as the kubelet last saw it: the stored object itself, shared, not a copy
    /// (10,000 copies of metadata and status were 20 MB; issue 16). Its status is not read.
    pub pod: Shared<Pod>,
    /// Shared with the pod's status, as the machine's address is (issue 16).
    pub ip: Name,
    pub host_ip: Name,
    /// Deadline for SIGKILL once termination started.
    pub terminating_deadline: Option<u64>,
    pub containers: SortedMap<String, ContainerRt>,
    /// Status not yet accepted by the API server.
    pub dirty: bool,
    /// Containers are started once volumes are ready.
    pub started: bool,
    pub start_time: u64,
    /// While waiting for volumes: when the next `FailedMount` timeout is due.
    pub mount_timeout_at: Option<u64>,
    /// The API pod's resourceVersion when the kubelet last found its status matching (after a
    /// compare or its own write): a sync of a pod nobody changed since skips the compare.
    pub checked_rv: ResourceVersion,
}

impl PodWorker {
    /// The status manager has nothing to put back: the stored pod is still at the version the
    /// kubelet last checked, and nothing changed here since.
    fn status_unchanged(&self) -> bool {
        !self.dirty
            && !self.checked_rv.is_empty()
            && self.checked_rv == self.pod.metadata.resource_version
    }

    /// The pod's metadata and (shared) spec, for work that does not read its status: a copy
    /// of the whole pod was a copy of every container status too.
    fn pod_without_status(&self) -> Pod {
        self.pod.with_status(Default::default())
    }
}

#[derive(Clone, Debug)]
pub(crate) struct KubeletState {
    pub running: bool,
    pub epoch: u64,
    /// Pod uid -> its worker. Changed only through `add_worker`, `remove_worker` and
    /// `clear_workers`, which keep `names` with it.
    pub pods: SortedMap<Name, PodWorker>,
    /// Pod name -> the uids of the workers of that name (one, unless two namespaces' pods of
    /// one name run here): a sync finds its worker without a walk over every pod on the node.
    names: SortedMap<Name, Vec<Name>>,
    pub lease_backoff: u64,
    pub connected: bool,
    pub last_status_post: u64,
    cidr_prefix: String,
    ip_cursor: u32,
}

impl KubeletState {
    pub(crate) fn new(cidr: &str) -> Self {
        let prefix = cidr.trim_end_matches("0/24").to_string();
        KubeletState {
            running: false,
            epoch: 0,
            pods: SortedMap::new(),
            names: SortedMap::new(),
            lease_backoff: 0,
            connected: true,
            last_status_post: 0,
            cidr_prefix: prefix,
            ip_cursor: 1,
        }
    }

    fn add_worker(&mut self, uid: Name, w: PodWorker) {
        // Room for the one uid a name almost always has (a first push takes room for four).
        let uids = self
            .names
            .entry(w.pod.metadata.name.clone())
            .or_insert_with(|| Vec::with_capacity(1));
        if !uids.contains(&uid) {
            uids.push(uid.clone());
        }
        self.pods.insert(uid, w);
    }

    fn remove_worker(&mut self, uid: &str) -> Option<PodWorker> {
        let w = self.pods.remove(uid)?;
        let name = &w.pod.metadata.name;
        if let Some(uids) = self.names.get_mut(name.as_str()) {
            uids.retain(|u| u != uid);
            if uids.is_empty() {
                self.names.remove(name.as_str());
            }
        }
        Some(w)
    }

    fn clear_workers(&mut self) {
        self.pods.clear();
        self.names.clear();
    }

    /// The uid of this node's worker for the pod `namespace/name`, if any.
    fn worker_uid(&self, namespace: &str, name: &str) -> Option<&Name> {
        self.names.get(name)?.iter().find(|u| {
            self.pods
                .get(u.as_str())
                .is_some_and(|w| w.pod.metadata.namespace == namespace)
        })
    }

    fn allocate_ip(&mut self) -> String {
        let used: Vec<&str> = self.pods.values().map(|w| w.ip.as_str()).collect();
        for _ in 0..253 {
            self.ip_cursor = if self.ip_cursor >= 254 {
                2
            } else {
                self.ip_cursor + 1
            };
            let ip = format!("{}{}", self.cidr_prefix, self.ip_cursor);
            if !used.contains(&ip.as_str()) {
                return ip;
            }
        }
        format!("{}{}", self.cidr_prefix, 254)
    }
}

/// The message of a failed probe, as the kubelet's prober words it.
fn probe_failure(kind: &str, probe: &crate::model::Probe, ip: &str, paused: bool) -> String {
    let detail = if let Some(h) = &probe.http_get {
        let scheme = if h.scheme.is_empty() {
            "http"
        } else {
            &h.scheme.to_ascii_lowercase()
        };
        let url = format!("{scheme}://{ip}:{}{}", h.port, h.path);
        if paused {
            format!("Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)")
        } else {
            format!(
                "Get \"{url}\": dial tcp {ip}:{}: connect: connection refused",
                h.port
            )
        }
    } else if let Some(t) = &probe.tcp_socket {
        if paused {
            format!("dial tcp {ip}:{}: i/o timeout", t.port)
        } else {
            format!("dial tcp {ip}:{}: connect: connection refused", t.port)
        }
    } else if paused {
        "command timed out".to_string()
    } else {
        "command exited with a non-zero status".to_string()
    };
    format!("{kind} probe failed: {detail}")
}

/// Why a pod's containers cannot start yet.
enum MountWait {
    /// A claim is missing or unbound.
    Claim(String),
    /// These pod volumes wait for an attach.
    Unattached(Vec<String>),
}

/// Expands `$(VAR)` references in an env value from the variables defined before it, as the
/// kubelet does; an undefined reference stays as written.
fn expand_env(value: &str, env: &SortedMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) => {
                let name = &after[..end];
                match env.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push_str("$(");
                        out.push_str(name);
                        out.push(')');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn pod_ref(p: &Pod) -> ObjectRef {
    ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name)
}

impl Sim {
    fn kubelet(&self, node: &str) -> Option<&KubeletState> {
        self.ctl.kubelets.get(node)
    }

    fn kubelet_mut(&mut self, node: &str) -> Option<&mut KubeletState> {
        self.ctl.kubelets.get_mut(node)
    }

    fn kubelet_up(&self, node: &str) -> bool {
        self.kubelet(node).is_some_and(|k| k.running)
    }

    fn local_time(&self, node: &str) -> Time {
        let now = self.now;
        Time::at(self.world.machine(node).map_or(now, |m| m.wall_at(now)))
    }

    /// Starts the kubelet (machine boot): heartbeat at a random phase, then a full relist.
    pub(crate) fn kubelet_boot(&mut self, node: &str) {
        // A new kubelet process: its event recorder's caches start empty.
        self.api.recorder.restart("kubelet", node);
        let phase = self.rng.below(self.timing.lease_renew_interval);
        let Some(k) = self.kubelet_mut(node) else {
            return;
        };
        k.running = true;
        k.epoch += 1;
        k.clear_workers();
        k.lease_backoff = 0;
        k.connected = true;
        let epoch = k.epoch;
        self.schedule(
            phase,
            Event::KubeletHeartbeat {
                node: node.to_string(),
                epoch,
            },
        );
        self.schedule(
            0,
            Event::KubeletRelist {
                node: node.to_string(),
            },
        );
    }

    /// Machine lost power: the kubelet and all its containers are gone.
    pub(crate) fn kubelet_power_off(&mut self, node: &str) {
        if let Some(k) = self.kubelet_mut(node) {
            k.running = false;
            k.epoch += 1;
            k.clear_workers();
        }
    }

    pub(crate) fn kubelet_heartbeat(&mut self, node: &str, epoch: u64) {
        let Some(k) = self.kubelet(node) else { return };
        if !k.running || k.epoch != epoch {
            return;
        }
        let actor = Actor::Kubelet(node.into());
        let reachable = self.world.can_reach_api(node);
        let node_exists = self.api.get::<Node>("", node).is_some();
        if !reachable || !node_exists {
            // Failed Lease update: retry with backoff 200 ms doubling to 7 s (ref §2.1).
            let (init, max) = (self.timing.lease_retry_initial, self.timing.lease_retry_max);
            let k = self.kubelet_mut(node).expect("kubelet");
            k.lease_backoff = if k.lease_backoff == 0 {
                init
            } else {
                (k.lease_backoff * 2).min(max)
            };
            let was_connected = k.connected;
            k.connected = false;
            let delay = k.lease_backoff;
            if was_connected {
                let why = if reachable {
                    "node object not found"
                } else {
                    "control plane unreachable"
                };
                self.record(
                    &actor,
                    None,
                    None,
                    Change::Failed,
                    "failed to renew node lease".into(),
                    why,
                );
            }
            self.schedule(
                delay,
                Event::KubeletHeartbeat {
                    node: node.to_string(),
                    epoch,
                },
            );
            return;
        }
        let was_connected = self.kubelet(node).is_some_and(|k| k.connected);
        self.renew_lease(node);
        self.post_node_status(node, false);
        let k = self.kubelet_mut(node).expect("kubelet");
        k.lease_backoff = 0;
        k.connected = true;
        if !was_connected {
            self.record(
                &actor,
                None,
                None,
                Change::Updated,
                "reconnected to the API server".into(),
                "lease renewed again",
            );
            self.kubelet_relist(node);
        } else {
            self.flush_dirty_statuses(node);
        }
        let interval = self.timing.lease_renew_interval;
        self.schedule(
            interval,
            Event::KubeletHeartbeat {
                node: node.to_string(),
                epoch,
            },
        );
    }

    fn renew_lease(&mut self, node: &str) {
        let actor = Actor::Kubelet(node.into());
        let t = self.local_time(node);
        match self.api.get::<Lease>("kube-node-lease", node).cloned() {
            Some(mut l) => {
                l.spec.renew_time = Some(t);
                let _ = self.api_update_as(
                    &actor,
                    None,
                    l.into(),
                    &format!("renewed lease {node}"),
                    "heartbeat",
                    Change::Heartbeat,
                );
            }
            None => {
                let uid = self
                    .api
                    .get::<Node>("", node)
                    .map(|n| n.metadata.uid.clone())
                    .unwrap_or_default();
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: node.into(),
                        namespace: "kube-node-lease".into(),
                        owner_references: vec![OwnerReference {
                            api_version: "v1".into(),
                            kind: "Node".into(),
                            name: node.to_string(),
                            uid,
                            controller: None,
                            block_owner_deletion: None,
                        }]
                        .into(),
                        ..Default::default()
                    },
                    spec: LeaseSpec {
                        holder_identity: Some(node.to_string()),
                        lease_duration_seconds: Some(self.timing.node_lease_duration_seconds),
                        acquire_time: None,
                        renew_time: Some(t),
                        lease_transitions: None,
                    },
                };
                let _ = self.api_create(&actor, None, lease.into(), "node lease");
            }
        }
    }

    /// Posts node status when Ready is not True (recovery) or every nodeStatusReportFrequency.
    fn post_node_status(&mut self, node: &str, force: bool) {
        let Some(n) = self.api.get::<Node>("", node).cloned() else {
            return;
        };
        let stale = self
            .now
            .saturating_sub(self.kubelet(node).map_or(0, |k| k.last_status_post))
            >= self.timing.node_status_report_frequency;
        let not_ready = !n.is_ready()
            || n.status
                .conditions
                .iter()
                .any(|c| c.type_ != "Ready" && c.status != "False");
        if !(force || stale || not_ready) {
            return;
        }
        let t = self.local_time(node);
        let mut n2 = n.clone();
        let fresh = healthy_conditions(t);
        for c in fresh {
            match n2.status.conditions.iter_mut().find(|x| x.type_ == c.type_) {
                Some(x) => {
                    if x.status != c.status {
                        x.last_transition_time = Some(t);
                    }
                    x.status = c.status;
                    x.reason = c.reason;
                    x.message = c.message;
                    x.last_heartbeat_time = Some(t);
                }
                None => n2.status.conditions.push(c),
            }
        }
        let change = if not_ready {
            Change::Updated
        } else {
            Change::Heartbeat
        };
        let what = if not_ready {
            format!("posted node {node} status Ready")
        } else {
            format!("posted node {node} status")
        };
        let actor = Actor::Kubelet(node.into());
        if self
            .api_update_as(
                &actor,
                None,
                n2.into(),
                &what,
                "kubelet is posting ready status",
                change,
            )
            .is_ok()
        {
            let now = self.now;
            if let Some(k) = self.kubelet_mut(node) {
                k.last_status_post = now;
            }
            if not_ready {
                let r = ObjectRef::new(Kind::Node, "", node);
                self.api_event(
                    &actor,
                    &r,
                    "Normal",
                    "NodeReady",
                    &format!("Node {node} status is now: NodeReady"),
                );
            }
        }
    }

    /// Lists every pod bound to this node and syncs each; drops workers whose pod is gone.
    pub(crate) fn kubelet_relist(&mut self, node: &str) {
        if !self.kubelet_up(node) || !self.world.can_reach_api(node) {
            return;
        }
        let bound: Vec<ObjectRef> = self.api.pods_on_node(node).map(pod_ref).collect();
        for r in &bound {
            self.kubelet_sync_pod(node, r);
        }
        let workers: Vec<(Name, ObjectRef)> = self
            .kubelet(node)
            .map(|k| {
                k.pods
                    .iter()
                    .map(|(u, w)| (u.clone(), pod_ref(&w.pod)))
                    .collect()
            })
            .unwrap_or_default();
        for (uid, r) in workers {
            let same = self
                .api
                .get::<Pod>(&r.namespace, &r.name)
                .is_some_and(|p| p.metadata.uid == uid);
            if !same {
                self.kubelet_pod_removed(node, &uid);
            }
        }
        self.kubelet_report_volumes_in_use(node);
        self.flush_dirty_statuses(node);
        // After a reboot: logs of pods that are gone from the API are removed too.
        self.kubelet_gc_logs(node);
    }

    /// The kubelet's `/containerLogs` endpoint: which instance's log a container state allows
    /// (`validateContainerLogStatus`), then its lines. The status is the one the kubelet last
    /// posted, which is what the API server holds while the node is reachable.
    pub(crate) fn kubelet_container_logs(
        &self,
        pod: &Pod,
        container: &str,
        opts: &PodLogOptions,
    ) -> Result<String, ApiError> {
        let name = &pod.metadata.name;
        let bad = |m: String| Err(ApiError::BadRequest(m));
        let Some(st) = pod
            .status
            .container_statuses
            .iter()
            .find(|s| s.name == container)
        else {
            return bad(format!(
                "container \"{container}\" in pod \"{name}\" is not available"
            ));
        };
        let uid = &pod.metadata.uid;
        let log = if opts.previous {
            match self.world.container_log(uid, container, true) {
                Some(l) => Some(l),
                None => {
                    return bad(format!(
                        "previous terminated container \"{container}\" in pod \"{name}\" not found"
                    ))
                }
            }
        } else if st.state.running.is_some()
            || st.state.terminated.is_some()
            || st.last_state.terminated.is_some()
        {
            // Running, exited, or waiting to restart: the last instance's log.
            self.world.container_log(uid, container, false)
        } else if let Some(w) = &st.state.waiting {
            return bad(match w.reason.as_str() {
                "ErrImagePull" => format!(
                    "container \"{container}\" in pod \"{name}\" is waiting to start: image can't be pulled"
                ),
                "ImagePullBackOff" => format!(
                    "container \"{container}\" in pod \"{name}\" is waiting to start: trying and failing to pull image"
                ),
                reason => format!(
                    "container \"{container}\" in pod \"{name}\" is waiting to start: {reason}"
                ),
            });
        } else {
            return bad(format!(
                "container \"{container}\" in pod \"{name}\" is waiting to start - no logs yet"
            ));
        };
        let lines: Vec<&LogLine> = log
            .map(|l| l.lines_until(self.now).collect())
            .unwrap_or_default();
        let skip = match opts.tail_lines {
            Some(n) if n >= 0 => lines
                .len()
                .saturating_sub(usize::try_from(n).unwrap_or(usize::MAX)),
            _ => 0,
        };
        let mut out = String::new();
        for l in &lines[skip..] {
            if opts.timestamps {
                out.push_str(&Time::at(l.time).to_rfc3339_nano());
                out.push(' ');
            }
            out.push_str(&l.text);
            out.push('\n');
        }
        Ok(out)
    }

    /// Container GC: the logs of pods this kubelet no longer runs go with their containers.
    fn kubelet_gc_logs(&mut self, node: &str) {
        let Some(k) = self.ctl.kubelets.get(node) else {
            return;
        };
        self.world.gc_logs(node, |uid| k.pods.contains_key(uid));
    }

    fn flush_dirty_statuses(&mut self, node: &str) {
        let dirty: Vec<Name> = self
            .kubelet(node)
            .map(|k| {
                k.pods
                    .iter()
                    .filter(|(_, w)| w.dirty)
                    .map(|(u, _)| u.clone())
                    .collect()
            })
            .unwrap_or_default();
        for uid in dirty {
            self.kubelet_post_pod_status(node, &uid);
        }
    }

    /// A watch event for a pod on this node (only delivered while the kubelet can reach the API).
    /// Every status write to a pod on the node comes here, so the kubelet, its worker and the
    /// stored pod are each looked up once (issue 16).
    pub(crate) fn kubelet_sync_pod(&mut self, node: &str, key: &ObjectRef) {
        let Some(k) = self.ctl.kubelets.get(node) else {
            return;
        };
        if !k.running || !self.world.can_reach_api(node) {
            return;
        }
        // The stored pod, shared, not cloned: most syncs change nothing here.
        let pod = self.api.shared_pod(&key.namespace, &key.name);
        // A worker for an older pod of the same name (force-deleted and recreated): stop it.
        let stale = k
            .worker_uid(&key.namespace, &key.name)
            .filter(|wu| pod.as_ref().is_none_or(|p| p.metadata.uid != **wu))
            .cloned();
        let has_worker = pod
            .as_ref()
            .is_some_and(|p| k.pods.contains_key(&p.metadata.uid));
        if let Some(wu) = stale {
            self.kubelet_pod_removed(node, &wu);
        }
        let Some(pod) = pod else {
            return;
        };
        if pod.spec.node_name != node {
            return;
        }
        let terminating_now = pod.metadata.deletion_timestamp.is_some();
        if !has_worker {
            if terminating_now || pod.is_terminal() {
                if terminating_now {
                    // Nothing runs for it here (e.g. after a reboot): finish the deletion.
                    let actor = Actor::Kubelet(node.into());
                    let _ = self.api_delete(
                        &actor,
                        None,
                        key,
                        &DeleteOptions::grace(0),
                        "no containers running on this node",
                    );
                }
                return;
            }
            self.kubelet_admit(node, pod);
            return;
        }
        let uid = pod.metadata.uid.clone();
        let grace = pod.metadata.deletion_grace_period_seconds;
        let k = self.kubelet_mut(node).expect("kubelet");
        let w = k.pods.get_mut(&uid).expect("worker");
        // The kubelet takes the pod's new metadata and keeps the spec it admitted: the stored
        // pod itself when the spec is that one (a status write), else a copy with the metadata.
        if Shared::ptr_eq(&pod.spec, &w.pod.spec) {
            w.pod = pod;
        } else {
            w.pod.metadata = pod.metadata.clone();
        }
        let already = w.terminating_deadline.is_some();
        // Status manager: put back what the kubelet knows if someone else changed it.
        let unchanged = w.status_unchanged();
        let started = w.started;
        if terminating_now && !already {
            let grace = grace.unwrap_or(30).max(0) as u64;
            self.kubelet_begin_termination(node, &uid, grace * 1000, "pod deleted");
            return;
        }
        if !started {
            self.kubelet_try_start(node, &uid);
            // Starting may change what the status manager would put back.
            let unchanged = self
                .kubelet(node)
                .and_then(|k| k.pods.get(&uid))
                .is_some_and(PodWorker::status_unchanged);
            if unchanged {
                return;
            }
        } else if unchanged {
            return;
        }
        self.kubelet_post_pod_status(node, &uid);
    }

    fn kubelet_admit(&mut self, node: &str, pod: Shared<Pod>) {
        let uid = pod.metadata.uid.clone();
        let k = self.kubelet_mut(node).expect("kubelet");
        let ip: Name = k.allocate_ip().into();
        let containers: SortedMap<String, ContainerRt> = pod
            .spec
            .containers
            .iter()
            .map(|c| {
                let prev = pod
                    .status
                    .container_statuses
                    .iter()
                    .find(|s| s.name == c.name);
                (
                    c.name.clone(),
                    ContainerRt {
                        state: CState::Creating,
                        restart_count: prev.map_or(0, |s| {
                            s.restart_count
                                + i32::from(
                                    s.state.running.is_some() || s.state.terminated.is_some(),
                                )
                        }),
                        ready: false,
                        epoch: 0,
                        probe_ok: 0,
                        probe_fail: 0,
                        live_fail: 0,
                        started_at: 0,
                        started_ever: false,
                        last_terminated: prev.and_then(|s| s.last_state.terminated.clone()),
                        backoff: 0,
                        container_id: Name::default(),
                    },
                )
            })
            .collect();
        let now = self.now;
        let host_ip = self
            .world
            .machine(node)
            .map(|m| m.ip.clone())
            .unwrap_or_default();
        let r = pod_ref(&pod);
        let has_claims = pod.claim_names().next().is_some();
        let what = format!("admitted pod {} with IP {ip}", pod.metadata.name);
        let k = self.kubelet_mut(node).expect("kubelet");
        k.add_worker(
            uid.clone(),
            PodWorker {
                pod,
                ip: ip.clone(),
                host_ip,
                terminating_deadline: None,
                containers,
                dirty: true,
                started: false,
                start_time: now,
                mount_timeout_at: None,
                checked_rv: Default::default(),
            },
        );
        let actor = Actor::Kubelet(node.into());
        self.record(
            &actor,
            None,
            Some(&r),
            Change::World,
            what,
            "pod bound to this node",
        );
        self.kubelet_post_pod_status(node, &uid);
        // A pod without claims adds no volume: no walk over the node's pods for it.
        if has_claims {
            self.kubelet_report_volumes_in_use(node);
        }
        self.kubelet_try_start(node, &uid);
    }

    /// Volumes a pod needs before its containers can start: every claim must be Bound, and a
    /// network disk must be reported attached to this node (`VerifyControllerAttachedVolume`).
    fn volumes_ready(&self, pod: &Pod) -> Result<(), MountWait> {
        let mut unattached = Vec::new();
        for v in &pod.spec.volumes {
            if let Some(c) = &v.persistent_volume_claim {
                match self.api.get::<crate::model::PersistentVolumeClaim>(
                    &pod.metadata.namespace,
                    &c.claim_name,
                ) {
                    None => {
                        return Err(MountWait::Claim(format!(
                            "persistentvolumeclaim \"{}\" not found",
                            c.claim_name
                        )))
                    }
                    Some(pvc) if pvc.status.phase != "Bound" => {
                        return Err(MountWait::Claim(format!(
                            "persistentvolumeclaim \"{}\" is not bound",
                            c.claim_name
                        )))
                    }
                    Some(pvc) => {
                        if !self.volume_attached_to(&pvc.spec.volume_name, &pod.spec.node_name) {
                            unattached.push(v.name.clone());
                        }
                    }
                }
            }
        }
        if unattached.is_empty() {
            Ok(())
        } else {
            Err(MountWait::Unattached(unattached))
        }
    }

    /// Whether a PV can be mounted on `node`: always for volumes without an attach step;
    /// for network disks, once the attach/detach controller lists it in the Node's
    /// `volumesAttached`.
    pub fn volume_attached_to(&self, pv: &str, node: &str) -> bool {
        let Some(v) = self.api.get::<crate::model::PersistentVolume>("", pv) else {
            return false;
        };
        if !attach_detach::is_attachable(v) {
            return true;
        }
        let unique = attach_detach::unique_volume_name(v);
        self.api
            .get::<Node>("", node)
            .is_some_and(|n| n.status.volumes_attached.iter().any(|a| a.name == unique))
    }

    /// Posts the network disks this kubelet's pods use as `volumesInUse`, so the attach/detach
    /// controller does not pull them away while mounted.
    pub(crate) fn kubelet_report_volumes_in_use(&mut self, node: &str) {
        if !self.kubelet_up(node) || !self.world.can_reach_api(node) {
            return;
        }
        let Some(k) = self.kubelet(node) else { return };
        let mut in_use: Vec<String> = Vec::new();
        for w in k.pods.values() {
            for pv in attach_detach::pod_volumes(self, &w.pod) {
                if let Some(v) = self.api.get::<crate::model::PersistentVolume>("", &pv) {
                    if attach_detach::is_attachable(v) {
                        in_use.push(attach_detach::unique_volume_name(v));
                    }
                }
            }
        }
        crate::sort::sort(&mut in_use);
        in_use.dedup();
        // Compare before copying the Node: most calls change nothing.
        let Some(n) = self.api.get::<Node>("", node) else {
            return;
        };
        if n.status.volumes_in_use == in_use {
            return;
        }
        let mut n = n.clone();
        n.status.volumes_in_use = in_use;
        let what = format!(
            "node {node} volumes in use: [{}]",
            n.status.volumes_in_use.join(" ")
        );
        let actor = Actor::Kubelet(node.into());
        let _ = self.api_update(&actor, None, n.into(), &what, "volume manager");
    }

    fn kubelet_try_start(&mut self, node: &str, uid: &str) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        if w.started || w.terminating_deadline.is_some() {
            return;
        }
        let pod = w.pod_without_status();
        let timeout_at = w.mount_timeout_at;
        match self.volumes_ready(&pod) {
            Ok(()) => {}
            Err(MountWait::Claim(msg)) => {
                if self.world.can_reach_api(node) {
                    let actor = Actor::Kubelet(node.into());
                    self.api_event(
                        &actor,
                        &pod_ref(&pod),
                        "Warning",
                        "FailedMount",
                        &format!("Unable to attach or mount volumes: {msg}"),
                    );
                }
                // Claims and attachments fan out to this kubelet; also retry slowly.
                self.enqueue_after(crate::sim::Ctl::Kubelet(node.into()), pod_ref(&pod), 30_000);
                return;
            }
            Err(MountWait::Unattached(vols)) => {
                // The attach shows up in the Node status; until then, a FailedMount every
                // podAttachAndMountTimeout (ref §5.3).
                let now = self.now;
                let period = self.timing.attach_mount_timeout;
                let due = match timeout_at {
                    Some(t) if now >= t => {
                        if self.world.can_reach_api(node) {
                            let list = vols.join(" ");
                            let actor = Actor::Kubelet(node.into());
                            self.api_event(
                                &actor,
                                &pod_ref(&pod),
                                "Warning",
                                "FailedMount",
                                &format!("Unable to attach or mount volumes: unmounted volumes=[{list}], unattached volumes=[{list}], failed to process volumes=[]: timed out waiting for the condition"),
                            );
                        }
                        now + period
                    }
                    Some(t) => t,
                    None => now + period,
                };
                if let Some(w) = self.kubelet_mut(node).and_then(|k| k.pods.get_mut(uid)) {
                    w.mount_timeout_at = Some(due);
                }
                self.enqueue_at(crate::sim::Ctl::Kubelet(node.into()), pod_ref(&pod), due);
                return;
            }
        }
        let (lo, hi) = (
            self.timing.container_start_min,
            self.timing.container_start_max,
        );
        let names: Vec<String> = pod.spec.containers.iter().map(|c| c.name.clone()).collect();
        let mut delays = Vec::new();
        for _ in &names {
            delays.push(self.rng.between(lo, hi));
        }
        let k = self.kubelet_mut(node).expect("kubelet");
        let w = k.pods.get_mut(uid).expect("worker");
        w.started = true;
        w.mount_timeout_at = None;
        let mut epochs = Vec::new();
        for n in &names {
            let c = w.containers.get_mut(n).expect("container");
            c.epoch += 1;
            epochs.push(c.epoch);
        }
        for ((n, d), e) in names.into_iter().zip(delays).zip(epochs) {
            self.schedule(
                d,
                Event::ContainerCreated {
                    node: node.to_string(),
                    pod_uid: uid.to_string(),
                    container: n,
                    epoch: e,
                },
            );
        }
    }

    pub(crate) fn kubelet_container_created(
        &mut self,
        node: &str,
        uid: &str,
        cname: &str,
        epoch: u64,
    ) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        if w.terminating_deadline.is_some() {
            return;
        }
        let Some(c) = w.containers.get(cname) else {
            return;
        };
        if c.epoch != epoch || !matches!(c.state, CState::Creating | CState::Waiting { .. }) {
            return;
        }
        let pod = w.pod_without_status();
        let ip = w.ip.clone();
        let Some(spec) = pod
            .spec
            .containers
            .iter()
            .find(|c| c.name == cname)
            .cloned()
        else {
            return;
        };
        // Environment: literal values, downward API fields, then $(VAR) expansion in order.
        let mut env: SortedMap<String, String> = SortedMap::new();
        for e in &spec.env {
            let v = if let Some(v) = &e.value {
                expand_env(v, &env)
            } else if let Some(fr) = e.value_from.as_ref().and_then(|f| f.field_ref.as_ref()) {
                match fr.field_path.as_str() {
                    "metadata.uid" => pod.metadata.uid.to_string(),
                    "metadata.name" => pod.metadata.name.to_string(),
                    "metadata.namespace" => pod.metadata.namespace.to_string(),
                    "spec.nodeName" => pod.spec.node_name.clone(),
                    "status.podIP" => ip.to_string(),
                    _ => String::new(),
                }
            } else {
                String::new()
            };
            env.insert(e.name.clone(), v);
        }
        // `$(VAR)` in command and args expands from the container's environment.
        let mut expanded = spec.clone();
        for w in expanded.command.iter_mut().chain(expanded.args.iter_mut()) {
            *w = expand_env(w, &env);
        }
        let program = Program::for_container(&expanded);
        let mut mounts = Vec::new();
        for m in &spec.volume_mounts {
            let Some(v) = pod.spec.volumes.iter().find(|v| v.name == m.name) else {
                continue;
            };
            let key = if let Some(c) = &v.persistent_volume_claim {
                match self.api.get::<crate::model::PersistentVolumeClaim>(
                    &pod.metadata.namespace,
                    &c.claim_name,
                ) {
                    Some(pvc) if !pvc.spec.volume_name.is_empty() => {
                        match self
                            .api
                            .get::<crate::model::PersistentVolume>("", &pvc.spec.volume_name)
                        {
                            Some(pv) => crate::sim::world::pv_volume_key(pv, node),
                            None => format!("pv/{}", pvc.spec.volume_name),
                        }
                    }
                    _ => format!("pvc/{}/{}", pod.metadata.namespace, c.claim_name),
                }
            } else if let Some(h) = &v.host_path {
                format!("hostpath/{node}{}", h.path)
            } else {
                format!("emptydir/{uid}/{}", v.name)
            };
            mounts.push((m.mount_path.clone(), key));
        }
        let id = self.rng.uid();
        let now = self.now;
        let pid = self.world.spawn(Process {
            pid: 0,
            id: id.clone(),
            machine: self
                .world
                .machine(node)
                .map_or_else(|| node.into(), |m| m.name.clone()),
            pod_namespace: pod.metadata.namespace.clone(),
            pod_name: pod.metadata.name.clone(),
            pod_uid: pod.metadata.uid.clone(),
            pod_labels: pod.metadata.labels.clone(),
            container: cname.into(),
            image: spec.image.clone(),
            program,
            ip,
            started_at: now,
            listening_at: now,
            paused: false,
            sigterm_at: None,
            ready_toggle: true,
            env,
            mounts,
            requests_served: 0,
            hostname: if pod.spec.hostname.is_empty() {
                pod.metadata.name.clone()
            } else {
                pod.spec.hostname.as_str().into()
            },
            scratch: SortedMap::new(),
            held_timers: Vec::new(),
            held_sigterm: false,
        });
        let startup = self.app_start(pid);
        if let Some(p) = self.world.process_mut(pid) {
            p.listening_at = now + startup;
        }
        let container_id = format!(
            "containerd://{:016x}{:016x}",
            self.rng.next_u64(),
            self.rng.next_u64()
        );
        let k = self.kubelet_mut(node).expect("kubelet");
        let w = k.pods.get_mut(uid).expect("worker");
        let c = w.containers.get_mut(cname).expect("container");
        c.state = CState::Running { pid };
        c.started_at = now;
        c.started_ever = true;
        c.probe_ok = 0;
        c.probe_fail = 0;
        c.live_fail = 0;
        c.container_id = container_id.into();
        c.ready = spec.readiness_probe.is_none();
        let epoch = c.epoch;
        let actor = Actor::Kubelet(node.into());
        let r = pod_ref(&pod);
        self.record(
            &actor,
            None,
            Some(&r),
            Change::World,
            format!(
                "started process {id} for container {cname} of pod {}",
                pod.metadata.name
            ),
            "container created",
        );
        if self.world.can_reach_api(node) {
            // kuberuntime's startContainer: ensure the image, create, start. The lab's nodes
            // hold every image already, so the pull step reports the cached image.
            self.api_event(
                &actor,
                &r,
                "Normal",
                "Pulled",
                &format!(
                    "Container image \"{}\" already present on machine",
                    spec.image
                ),
            );
            self.api_event(
                &actor,
                &r,
                "Normal",
                "Created",
                &format!("Created container: {cname}"),
            );
            self.api_event(
                &actor,
                &r,
                "Normal",
                "Started",
                &format!("Started container {cname}"),
            );
        }
        if let Some(p) = &spec.readiness_probe {
            let delay = p.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000;
            self.schedule(
                delay,
                Event::Probe {
                    node: node.to_string(),
                    pod_uid: uid.to_string(),
                    container: cname.to_string(),
                    epoch,
                },
            );
        }
        if let Some(p) = &spec.liveness_probe {
            let delay = p.initial_delay_seconds.unwrap_or(0).max(0) as u64 * 1000;
            self.schedule(
                delay,
                Event::LivenessProbe {
                    node: node.to_string(),
                    pod_uid: uid.to_string(),
                    container: cname.to_string(),
                    epoch,
                },
            );
        }
        self.kubelet_post_pod_status(node, uid);
    }

    /// The liveness probe: after failureThreshold failures in a row the kubelet kills the
    /// container (SIGTERM, SIGKILL after the grace period) and restarts it per restartPolicy.
    pub(crate) fn kubelet_liveness_probe(
        &mut self,
        node: &str,
        uid: &str,
        cname: &str,
        epoch: u64,
    ) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        if w.terminating_deadline.is_some() {
            return;
        }
        let Some(c) = w.containers.get(cname) else {
            return;
        };
        let CState::Running { pid } = c.state else {
            return;
        };
        if c.epoch != epoch {
            return;
        }
        let Some(spec) = w.pod.spec.containers.iter().find(|x| x.name == cname) else {
            return;
        };
        let Some(probe) = spec.liveness_probe.clone() else {
            return;
        };
        let grace = w
            .pod
            .spec
            .termination_grace_period_seconds
            .unwrap_or(30)
            .max(0) as u64
            * 1000;
        let r = pod_ref(&w.pod);
        let ip = w.ip.clone();
        let proc_ = self.world.process(pid);
        // Liveness asks whether the app answers at all; the readiness toggle does not matter.
        let ok = proc_.is_some_and(|p| p.is_serving(self.now));
        let paused = proc_.is_some_and(|p| p.paused);
        let threshold = probe.failure_threshold.unwrap_or(3).max(1);
        let period = probe.period_seconds.unwrap_or(10).max(1) as u64 * 1000;
        let k = self.kubelet_mut(node).expect("kubelet");
        let c = k
            .pods
            .get_mut(uid)
            .and_then(|w| w.containers.get_mut(cname))
            .expect("container");
        if ok {
            c.live_fail = 0;
        } else {
            c.live_fail += 1;
        }
        let fails = c.live_fail;
        let kill = fails >= threshold;
        if kill {
            // Later probes and timers of this start are stale.
            c.epoch += 1;
            c.ready = false;
        }
        let new_epoch = c.epoch;
        let actor = Actor::Kubelet(node.into());
        let reachable = self.world.can_reach_api(node);
        if !ok && reachable {
            let detail = probe_failure("Liveness", &probe, &ip, paused);
            self.api_event(&actor, &r, "Warning", "Unhealthy", &detail);
        }
        if !kill {
            self.schedule(
                period,
                Event::LivenessProbe {
                    node: node.to_string(),
                    pod_uid: uid.to_string(),
                    container: cname.to_string(),
                    epoch,
                },
            );
            return;
        }
        self.record(
            &actor,
            None,
            Some(&r),
            Change::World,
            format!("killing container {cname} of pod {}", r.name),
            &format!("liveness probe failed {fails} times in a row"),
        );
        if reachable {
            self.api_event(
                &actor,
                &r,
                "Normal",
                "Killing",
                &format!("Container {cname} failed liveness probe, will be restarted"),
            );
        }
        let now = self.now;
        if let Some(p) = self.world.process_mut(pid) {
            let first = p.sigterm_at.is_none();
            p.sigterm_at = Some(now);
            if first {
                if let Some(ms) = self.app_sigterm(pid).filter(|ms| *ms < grace) {
                    self.schedule(ms, Event::ProcessStopped { pid, killed: false });
                }
            }
        }
        self.schedule(
            grace,
            Event::ContainerKill {
                pid,
                node: node.to_string(),
                pod_uid: uid.to_string(),
                container: cname.to_string(),
                epoch: new_epoch,
            },
        );
        self.kubelet_post_pod_status(node, uid);
    }

    /// The grace period of a liveness kill ran out: SIGKILL if the process still runs.
    pub(crate) fn kubelet_container_kill(
        &mut self,
        pid: u64,
        node: &str,
        uid: &str,
        cname: &str,
        epoch: u64,
    ) {
        let current = self
            .kubelet(node)
            .and_then(|k| k.pods.get(uid))
            .and_then(|w| w.containers.get(cname))
            .is_some_and(|c| c.epoch == epoch && c.state == CState::Running { pid });
        if current {
            self.process_stopped(pid, true);
        }
    }

    pub(crate) fn kubelet_probe(&mut self, node: &str, uid: &str, cname: &str, epoch: u64) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        let Some(c) = w.containers.get(cname) else {
            return;
        };
        if c.epoch != epoch {
            return;
        }
        let CState::Running { pid } = c.state else {
            return;
        };
        let Some(probe) = w
            .pod
            .spec
            .containers
            .iter()
            .find(|x| x.name == cname)
            .and_then(|x| x.readiness_probe.clone())
        else {
            return;
        };
        let ok = self
            .world
            .process(pid)
            .is_some_and(|p| p.is_ready(self.now));
        let success_threshold = probe.success_threshold.unwrap_or(1).max(1);
        let failure_threshold = probe.failure_threshold.unwrap_or(3).max(1);
        let k = self.kubelet_mut(node).expect("kubelet");
        let w = k.pods.get_mut(uid).expect("worker");
        let c = w.containers.get_mut(cname).expect("container");
        let before = c.ready;
        if ok {
            c.probe_ok += 1;
            c.probe_fail = 0;
            if c.probe_ok >= success_threshold {
                c.ready = true;
            }
        } else {
            c.probe_fail += 1;
            c.probe_ok = 0;
            // A container that never passed starts not-ready; it only flips after the threshold.
            if c.probe_fail >= failure_threshold {
                c.ready = false;
            }
        }
        let after = c.ready;
        let fails = c.probe_fail;
        let name = w.pod.metadata.name.to_string();
        let r = pod_ref(&w.pod);
        let period = probe.period_seconds.unwrap_or(10).max(1) as u64 * 1000;
        self.schedule(
            period,
            Event::Probe {
                node: node.to_string(),
                pod_uid: uid.to_string(),
                container: cname.to_string(),
                epoch,
            },
        );
        if !ok && fails == 1 && self.world.can_reach_api(node) {
            let actor = Actor::Kubelet(node.into());
            let paused = self.world.process(pid).is_some_and(|p| p.paused);
            let ip = self
                .kubelet(node)
                .and_then(|k| k.pods.get(uid))
                .map(|w| w.ip.clone())
                .unwrap_or_default();
            let msg = probe_failure("Readiness", &probe, &ip, paused);
            self.api_event(&actor, &r, "Warning", "Unhealthy", &msg);
        }
        if before != after {
            let actor = Actor::Kubelet(node.into());
            let what = if after { "passed" } else { "failed" };
            self.record(
                &actor,
                None,
                Some(&r),
                Change::World,
                format!("readiness probe of {name}/{cname} {what}"),
                if after {
                    "app answers"
                } else {
                    "app does not answer"
                },
            );
            self.kubelet_post_pod_status(node, uid);
        }
    }

    /// A process of this node's containers exited (killed or crashed); noticed by PLEG.
    pub(crate) fn kubelet_container_exited(
        &mut self,
        node: &str,
        uid: &str,
        cname: &str,
        epoch: u64,
    ) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        let Some(c) = w.containers.get(cname) else {
            return;
        };
        if c.epoch != epoch {
            return;
        }
        if w.terminating_deadline.is_some() {
            return;
        }
        self.kubelet_container_died(node, uid, cname, 137);
    }

    /// A container's process ended outside pod termination: record it and restart it per
    /// restartPolicy, with CrashLoopBackOff.
    fn kubelet_container_died(&mut self, node: &str, uid: &str, cname: &str, exit_code: i32) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        let restart_policy = w.pod.spec.restart_policy.clone();
        let r = pod_ref(&w.pod);
        let pod_name = w.pod.metadata.name.to_string();
        let ns = w.pod.metadata.namespace.clone();
        let now = self.now;
        let (initial, max, reset) = (
            self.timing.crash_backoff_initial,
            self.timing.crash_backoff_max,
            self.timing.crash_backoff_reset,
        );
        let k = self.kubelet_mut(node).expect("kubelet");
        let w = k.pods.get_mut(uid).expect("worker");
        let c = w.containers.get_mut(cname).expect("container");
        let started = c.started_at;
        c.last_terminated = Some(Box::new(ContainerStateTerminated {
            exit_code,
            signal: None,
            reason: "Error".into(),
            started_at: Some(Time::at(started)),
            finished_at: Some(Time::at(now)),
        }));
        c.ready = false;
        if restart_policy == "Never" {
            c.state = CState::Exited {
                exit_code,
                reason: "Error".into(),
            };
            self.kubelet_post_pod_status(node, uid);
            return;
        }
        // CrashLoopBackOff: 10 s doubling to 300 s, reset after 10 min of clean running (ref §8).
        if now.saturating_sub(started) >= reset {
            c.backoff = 0;
        }
        c.backoff = if c.backoff == 0 {
            initial
        } else {
            (c.backoff * 2).min(max)
        };
        let until = now + c.backoff;
        c.state = CState::Waiting {
            reason: "CrashLoopBackOff".into(),
            until,
        };
        let backoff = c.backoff;
        let epoch = c.epoch;
        let actor = Actor::Kubelet(node.into());
        self.record(
            &actor,
            None,
            Some(&r),
            Change::World,
            format!("container {cname} of pod {pod_name} exited with code {exit_code}"),
            &format!("restart in {}", crate::model::go_duration(backoff)),
        );
        if self.world.can_reach_api(node) {
            self.api_event(
                &actor,
                &r,
                "Warning",
                "BackOff",
                &format!(
                    "Back-off restarting failed container {cname} in pod {pod_name}_{ns}({uid})"
                ),
            );
        }
        self.schedule(
            backoff,
            Event::ContainerRestart {
                node: node.to_string(),
                pod_uid: uid.to_string(),
                container: cname.to_string(),
                epoch,
            },
        );
        self.kubelet_post_pod_status(node, uid);
    }

    pub(crate) fn kubelet_container_restart(
        &mut self,
        node: &str,
        uid: &str,
        cname: &str,
        epoch: u64,
    ) {
        let Some(k) = self.kubelet_mut(node) else {
            return;
        };
        let Some(w) = k.pods.get_mut(uid) else { return };
        if w.terminating_deadline.is_some() {
            return;
        }
        let Some(c) = w.containers.get_mut(cname) else {
            return;
        };
        if c.epoch != epoch || !matches!(c.state, CState::Waiting { .. }) {
            return;
        }
        c.restart_count += 1;
        c.epoch += 1;
        let e = c.epoch;
        self.kubelet_container_created(node, uid, cname, e);
    }

    /// SIGTERM to every container, SIGKILL at the deadline; then the pod object is removed.
    pub(crate) fn kubelet_begin_termination(
        &mut self,
        node: &str,
        uid: &str,
        grace_ms: u64,
        why: &str,
    ) {
        let now = self.now;
        let Some(k) = self.kubelet_mut(node) else {
            return;
        };
        let Some(w) = k.pods.get_mut(uid) else { return };
        if w.terminating_deadline.is_some() {
            return;
        }
        w.terminating_deadline = Some(now + grace_ms);
        let r = pod_ref(&w.pod);
        let pod_name = w.pod.metadata.name.to_string();
        let mut pids = Vec::new();
        for (name, c) in w.containers.iter_mut() {
            c.epoch += 1;
            match c.state {
                CState::Running { pid } => pids.push((name.clone(), pid)),
                _ => {
                    c.state = CState::Exited {
                        exit_code: 0,
                        reason: "Completed".into(),
                    };
                }
            }
        }
        let actor = Actor::Kubelet(node.into());
        self.record(
            &actor,
            None,
            Some(&r),
            Change::World,
            format!(
                "stopping pod {pod_name} (grace {})",
                crate::model::go_duration(grace_ms)
            ),
            why,
        );
        for (name, pid) in pids {
            if self.world.can_reach_api(node) {
                self.api_event(
                    &actor,
                    &r,
                    "Normal",
                    "Killing",
                    &format!("Stopping container {name}"),
                );
            }
            let Some(p) = self.world.process_mut(pid) else {
                continue;
            };
            let first = p.sigterm_at.is_none();
            p.sigterm_at = Some(now);
            if first {
                if let Some(ms) = self.app_sigterm(pid).filter(|ms| *ms < grace_ms) {
                    self.schedule(ms, Event::ProcessStopped { pid, killed: false });
                }
            }
        }
        self.schedule(
            grace_ms,
            Event::KillDeadline {
                node: node.to_string(),
                pod_uid: uid.to_string(),
            },
        );
        self.kubelet_check_terminated(node, uid);
    }

    pub(crate) fn kubelet_kill_deadline(&mut self, node: &str, uid: &str) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        if w.terminating_deadline != Some(self.now) {
            return;
        }
        let pids: Vec<u64> = w
            .containers
            .values()
            .filter_map(|c| {
                if let CState::Running { pid } = c.state {
                    Some(pid)
                } else {
                    None
                }
            })
            .collect();
        for pid in pids {
            self.process_stopped(pid, true);
        }
    }

    /// A process ended: exited after SIGTERM, SIGKILLed, or killed by a fault.
    pub(crate) fn process_stopped(&mut self, pid: u64, killed: bool) {
        let Some(p) = self.world.remove_process(pid) else {
            return;
        };
        let node = p.machine.clone();
        let (code, reason) = if killed {
            (137, "Error")
        } else {
            (143, "Error")
        };
        let actor = Actor::Kubelet(node.as_str().into());
        let r = ObjectRef::new(Kind::Pod, &p.pod_namespace, &p.pod_name);
        let how = if killed {
            "SIGKILL"
        } else {
            "exited after SIGTERM"
        };
        self.record(
            &actor,
            None,
            Some(&r),
            Change::World,
            format!("process {} of pod {} stopped ({how})", p.id, p.pod_name),
            "",
        );
        let now = self.now;
        let Some(k) = self.kubelet_mut(&node) else {
            return;
        };
        let Some(w) = k.pods.get_mut(p.pod_uid.as_str()) else {
            return;
        };
        let Some(c) = w.containers.get_mut(p.container.as_str()) else {
            return;
        };
        if c.state != (CState::Running { pid }) {
            return;
        }
        if w.terminating_deadline.is_none() {
            // Killed on its own (a failed liveness probe): restart it.
            self.kubelet_container_died(&node, &p.pod_uid, &p.container, code);
            return;
        }
        let c = w
            .containers
            .get_mut(p.container.as_str())
            .expect("container");
        c.last_terminated = Some(Box::new(ContainerStateTerminated {
            exit_code: code,
            signal: None,
            reason: reason.into(),
            started_at: Some(Time::at(c.started_at)),
            finished_at: Some(Time::at(now)),
        }));
        c.state = CState::Exited {
            exit_code: code,
            reason: reason.into(),
        };
        c.ready = false;
        let uid = p.pod_uid.clone();
        self.kubelet_check_terminated(&node, &uid);
    }

    /// A process died outside termination (kill fault): the kubelet notices at the next relist.
    pub(crate) fn process_crashed(&mut self, pid: u64) {
        let Some(p) = self.world.remove_process(pid) else {
            return;
        };
        let node = p.machine.clone();
        let epoch = self
            .kubelet(&node)
            .and_then(|k| k.pods.get(p.pod_uid.as_str()))
            .and_then(|w| w.containers.get(p.container.as_str()))
            .map(|c| c.epoch);
        if let Some(epoch) = epoch {
            let delay = self.timing.pleg_relist_period;
            self.schedule(
                delay,
                Event::ContainerExited {
                    node: node.to_string(),
                    pod_uid: p.pod_uid.to_string(),
                    container: p.container.to_string(),
                    epoch,
                },
            );
        }
    }

    fn kubelet_check_terminated(&mut self, node: &str, uid: &str) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        if w.terminating_deadline.is_none() {
            return;
        }
        if w.containers
            .values()
            .any(|c| matches!(c.state, CState::Running { .. }))
        {
            return;
        }
        let r = pod_ref(&w.pod);
        self.kubelet_post_pod_status(node, uid);
        if !self.world.can_reach_api(node) {
            return;
        }
        let actor = Actor::Kubelet(node.into());
        let still = self
            .api
            .get::<Pod>(&r.namespace, &r.name)
            .is_some_and(|p| p.metadata.uid == uid);
        if still {
            let _ = self.api_delete(
                &actor,
                None,
                &r,
                &DeleteOptions::grace(0),
                "all containers stopped",
            );
        }
        if let Some(k) = self.kubelet_mut(node) {
            k.remove_worker(uid);
        }
        // An emptyDir lives and dies with its pod.
        self.world
            .drop_volumes_with_prefix(&format!("emptydir/{uid}/"));
        self.kubelet_gc_logs(node);
        // Containers are gone, so their volumes are unmounted.
        self.kubelet_report_volumes_in_use(node);
    }

    /// The pod object is gone (force delete) or replaced: stop what still runs for it.
    fn kubelet_pod_removed(&mut self, node: &str, uid: &str) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        if w.terminating_deadline.is_none() {
            let grace = w
                .pod
                .spec
                .termination_grace_period_seconds
                .unwrap_or(30)
                .max(0) as u64
                * 1000;
            self.kubelet_begin_termination(node, uid, grace, "pod object removed from the API");
        }
        let still_running = self
            .kubelet(node)
            .and_then(|k| k.pods.get(uid))
            .is_some_and(|w| {
                w.containers
                    .values()
                    .any(|c| matches!(c.state, CState::Running { .. }))
            });
        if !still_running {
            if let Some(k) = self.kubelet_mut(node) {
                k.remove_worker(uid);
            }
            self.world
                .drop_volumes_with_prefix(&format!("emptydir/{uid}/"));
            self.kubelet_gc_logs(node);
            self.kubelet_report_volumes_in_use(node);
        }
    }

    /// Sends the kubelet's view of a pod's status (status manager); queues it while unreachable.
    pub(crate) fn kubelet_post_pod_status(&mut self, node: &str, uid: &str) {
        let Some(w) = self.kubelet(node).and_then(|k| k.pods.get(uid)) else {
            return;
        };
        let r = pod_ref(&w.pod);
        if !self.world.can_reach_api(node) {
            if let Some(w) = self.kubelet_mut(node).and_then(|k| k.pods.get_mut(uid)) {
                w.dirty = true;
            }
            return;
        }
        // Compare before cloning: most calls find the status unchanged (issue 16).
        let status = {
            let Some(api_pod) = self.api.get::<Pod>(&r.namespace, &r.name) else {
                return;
            };
            if api_pod.metadata.uid != uid {
                return;
            }
            let w = self
                .kubelet(node)
                .and_then(|k| k.pods.get(uid))
                .expect("worker");
            let status = compute_status(w, &api_pod.status, self.now);
            (status != api_pod.status).then_some(status)
        };
        let api_rv = self.api.resource_version_of(&r);
        if let Some(w) = self.kubelet_mut(node).and_then(|k| k.pods.get_mut(uid)) {
            w.dirty = false;
            w.checked_rv = if status.is_none() {
                api_rv
            } else {
                ResourceVersion(0)
            };
        }
        let Some(status) = status else {
            return;
        };
        let Some(p) = self
            .api
            .get::<Pod>(&r.namespace, &r.name)
            .map(|p| p.with_status(status))
        else {
            return;
        };
        let (ready, total) = p.ready_containers();
        let what = format!(
            "pod {} is {} ({ready}/{total} ready)",
            r.name,
            p.display_status()
        );
        let actor = Actor::Kubelet(node.into());
        if self
            .api_update(&actor, None, Object::Pod(Shared::new(p)), &what, "")
            .is_ok()
        {
            // The stored status is now what this kubelet computed.
            let rv = self.api.resource_version_of(&r);
            if let Some(w) = self.kubelet_mut(node).and_then(|k| k.pods.get_mut(uid)) {
                w.checked_rv = rv;
            }
        }
    }
}

/// The pod status the kubelet reports, keeping conditions other components own.
fn compute_status(w: &PodWorker, api: &PodStatus, now: u64) -> PodStatus {
    let mut s = api.clone();
    let t = Time::at(now);
    s.host_ip = w.host_ip.clone();
    s.pod_ip = w.ip.clone();
    s.start_time = Some(Time::at(w.start_time));
    let mut statuses = Vec::with_capacity(w.pod.spec.containers.len());
    let mut all_ready = true;
    let mut all_started = true;
    let mut any_running = false;
    let mut all_exited = true;
    for c in &w.pod.spec.containers {
        let Some(rt) = w.containers.get(&c.name) else {
            continue;
        };
        let state = match &rt.state {
            CState::Creating => ContainerState {
                waiting: Some(Box::new(ContainerStateWaiting {
                    reason: "ContainerCreating".into(),
                    message: String::new(),
                })),
                ..Default::default()
            },
            CState::Running { .. } => ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(Time::at(rt.started_at)),
                }),
                ..Default::default()
            },
            CState::Waiting { reason, .. } => ContainerState {
                waiting: Some(Box::new(ContainerStateWaiting {
                    reason: reason.clone(),
                    message: format!(
                        "back-off {} restarting failed container={} pod={}_{}({})",
                        crate::model::go_duration(rt.backoff),
                        c.name,
                        w.pod.metadata.name,
                        w.pod.metadata.namespace,
                        w.pod.metadata.uid
                    ),
                })),
                ..Default::default()
            },
            CState::Exited { exit_code, reason } => ContainerState {
                terminated: Some(Box::new(ContainerStateTerminated {
                    exit_code: *exit_code,
                    signal: None,
                    reason: reason.clone(),
                    started_at: Some(Time::at(rt.started_at)),
                    finished_at: rt
                        .last_terminated
                        .as_ref()
                        .and_then(|l| l.finished_at)
                        .or(Some(t)),
                })),
                ..Default::default()
            },
        };
        if !rt.ready {
            all_ready = false;
        }
        if !rt.started_ever {
            all_started = false;
        }
        if matches!(rt.state, CState::Running { .. }) {
            any_running = true;
        }
        if !matches!(rt.state, CState::Exited { .. }) {
            all_exited = false;
        }
        let last_state = match (&rt.state, &rt.last_terminated) {
            (CState::Exited { .. }, _) | (_, None) => ContainerState::default(),
            (_, Some(l)) => ContainerState {
                terminated: Some(l.clone()),
                ..Default::default()
            },
        };
        statuses.push(ContainerStatus {
            name: c.name.clone(),
            ready: rt.ready,
            restart_count: rt.restart_count,
            started: Some(matches!(rt.state, CState::Running { .. })),
            state,
            last_state,
            image: c.image.clone(),
            container_id: rt.container_id.clone(),
        });
    }
    s.container_statuses = statuses;
    s.phase = if all_exited && !w.containers.is_empty() && w.pod.spec.restart_policy == "Never" {
        "Failed".into()
    } else if all_started || any_running {
        "Running".into()
    } else {
        "Pending".into()
    };
    let ready = all_ready && !w.containers.is_empty();
    let (st, reason) = if ready {
        ("True", "")
    } else {
        ("False", "ContainersNotReady")
    };
    let not_ready_names: Vec<String> = w
        .containers
        .iter()
        .filter(|(_, c)| !c.ready)
        .map(|(n, _)| n.clone())
        .collect();
    let msg = if ready {
        String::new()
    } else {
        format!(
            "containers with unready status: [{}]",
            not_ready_names.join(" ")
        )
    };
    s.set_condition("PodReadyToStartContainers", "True", "", "", t);
    s.set_condition("Initialized", "True", "", "", t);
    s.set_condition("Ready", st, reason, &msg, t);
    s.set_condition("ContainersReady", st, reason, &msg, t);
    s.set_condition("PodScheduled", "True", "", "", t);
    // Conditions in kubectl's usual order.
    let order = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
        "DisruptionTarget",
    ];
    crate::sort::sort_by_key(&mut s.conditions, |c| {
        order
            .iter()
            .position(|o| *o == c.type_)
            .unwrap_or(order.len())
    });
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_values_expand_earlier_variables() {
        let env: SortedMap<String, String> = [("POD_ID".to_string(), "abc".to_string())].into();
        assert_eq!(
            expand_env("/tmp/logs/random-$(POD_ID).log", &env),
            "/tmp/logs/random-abc.log"
        );
        assert_eq!(expand_env("$(MISSING)-x", &env), "$(MISSING)-x");
        assert_eq!(expand_env("tail $(", &env), "tail $(");
    }
}
