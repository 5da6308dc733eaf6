//! The engine: a deterministic discrete-event model of a Kubernetes cluster.
//!
//! `SimBuilder` -> `Sim`. Inputs are `Command`s (`Sim::apply`); time advances one event at a
//! time (`Sim::step`). The API server's view is `Sim::cluster`, the ground truth `Sim::world`,
//! and every change is a `TraceEntry` in `Sim::trace`.

pub mod api;
pub mod apps;
pub mod controllers;
pub mod dns;
pub mod drain;
mod eviction;
pub mod examples;
mod exec;
pub mod faults;
pub mod invariants;
mod network;
mod recorder;
pub mod rng;
mod runtime;
pub mod stores;
pub mod timeline;
pub mod trace;
pub mod world;

use std::collections::BTreeMap;
use std::fmt;

use crate::model::{
    Kind, LabelSelector, Node, NodeAddress, NodeSpec as ApiNodeSpec, NodeStatus, NodeSystemInfo,
    Object, ObjectMeta, ObjectRef, Quantity, StorageClass, Taint, Time,
};
use crate::sorted::SortedMap;

pub use api::{ApiError, Cluster, DeleteOptions, PodLogOptions, Propagation};
pub use controllers::deployment::{
    pod_template_hash, rollout_history, rollout_status, RolloutRevision, RolloutStatus,
};
pub use controllers::statefulset::rollout_history as statefulset_history;
pub use controllers::Ctl;
pub use rng::SimRng;
pub use runtime::{BELIEVES_PREFIX, STOPPED_PREFIX};
pub use timeline::Timeline;
pub use trace::{Actor, Change, Trace, TraceEntry};
pub use world::{
    ContainerLog, LockBeliefOf, LogLine, Machine, Process, ProtectedLog, ProtectedWrite,
    VolumeLine, World, LOG_LINES_KEPT, PROTECTED_WRITES_KEPT,
};

/// Timing settings, with Kubernetes' defaults (ref §2.1, §2.2, §2.5, §8). All in milliseconds but
/// `max_objects`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timing {
    /// kube-controller-manager `--node-monitor-period`.
    pub node_monitor_period: u64,
    /// `--node-monitor-grace-period` (50 s since v1.32).
    pub node_monitor_grace_period: u64,
    /// kubelet `nodeLeaseDurationSeconds` (seconds, written into the Lease).
    pub node_lease_duration_seconds: i32,
    /// Lease renew interval (a quarter of the duration).
    pub lease_renew_interval: u64,
    /// Failed Lease updates retry with backoff from this ...
    pub lease_retry_initial: u64,
    /// ... doubling up to this cap.
    pub lease_retry_max: u64,
    /// kubelet `nodeStatusReportFrequency`.
    pub node_status_report_frequency: u64,
    /// `--default-not-ready-toleration-seconds` / `--default-unreachable-toleration-seconds`.
    pub default_toleration_seconds: i64,
    /// 1 / `--node-eviction-rate` (0.1 node/s).
    pub node_eviction_interval: u64,
    /// 1 / `--secondary-node-eviction-rate` (0.01 node/s).
    pub secondary_node_eviction_interval: u64,
    /// `--unhealthy-zone-threshold` in percent.
    pub unhealthy_zone_threshold_percent: u64,
    /// `--large-cluster-size-threshold`.
    pub large_cluster_size_threshold: u64,
    /// PodGC `gcCheckPeriod`.
    pub podgc_period: u64,
    /// PodGC `quarantineTime`.
    pub podgc_quarantine: u64,
    /// kube-apiserver `--event-ttl` (1 h): how long an Event is kept after its last write.
    pub event_ttl: u64,
    /// Watch delivery latency to controllers, drawn uniformly from this range.
    pub watch_latency_min: u64,
    pub watch_latency_max: u64,
    /// Sandbox, image and container start time, drawn uniformly from this range.
    pub container_start_min: u64,
    pub container_start_max: u64,
    /// How soon the kubelet notices a container exit (PLEG relist).
    pub pleg_relist_period: u64,
    /// CrashLoopBackOff: initial, cap, and the clean run that resets it.
    pub crash_backoff_initial: u64,
    pub crash_backoff_max: u64,
    pub crash_backoff_reset: u64,
    /// How long the scheduler waits before retrying an unschedulable pod without a cluster change.
    pub scheduler_retry_period: u64,
    /// Attach/detach `maxWaitForUnmountDuration`.
    pub max_wait_for_unmount: u64,
    /// How long a cloud attach or detach call takes, drawn uniformly from this range.
    pub volume_op_min: u64,
    pub volume_op_max: u64,
    /// kubelet `podAttachAndMountTimeout`: how long a pod waits for its volumes before each
    /// FailedMount event.
    pub attach_mount_timeout: u64,
    /// `--node-startup-grace-period`: the grace for a node that has never been Ready.
    pub node_startup_grace_period: u64,
    /// Not a time: the objects (Events aside) the store holds before it is full and refuses
    /// to create another with etcd's "database space exceeded": a stand-in for etcd's 2 GiB
    /// quota, at the 150,000 pods Kubernetes documents as its largest cluster
    /// (docs/limits.md).
    pub max_objects: usize,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            node_monitor_period: 5_000,
            node_monitor_grace_period: 50_000,
            node_lease_duration_seconds: 40,
            lease_renew_interval: 10_000,
            lease_retry_initial: 200,
            lease_retry_max: 7_000,
            node_status_report_frequency: 300_000,
            default_toleration_seconds: 300,
            node_eviction_interval: 10_000,
            secondary_node_eviction_interval: 100_000,
            unhealthy_zone_threshold_percent: 55,
            large_cluster_size_threshold: 50,
            podgc_period: 20_000,
            podgc_quarantine: 40_000,
            event_ttl: 3_600_000,
            watch_latency_min: 2,
            watch_latency_max: 30,
            container_start_min: 1_000,
            container_start_max: 3_000,
            pleg_relist_period: 1_000,
            crash_backoff_initial: 10_000,
            crash_backoff_max: 300_000,
            crash_backoff_reset: 600_000,
            scheduler_retry_period: 300_000,
            max_wait_for_unmount: 360_000,
            volume_op_min: 2_000,
            volume_op_max: 5_000,
            attach_mount_timeout: 120_000,
            node_startup_grace_period: 60_000,
            max_objects: 150_000,
        }
    }
}

/// A node to create: name, zone, capacity, labels and taints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeConfig {
    pub name: String,
    pub zone: String,
    pub cpu_milli: i64,
    pub memory_bytes: i64,
    pub max_pods: i64,
    pub labels: SortedMap<String, String>,
    pub taints: Vec<Taint>,
}

impl NodeConfig {
    /// A worker with 2 CPUs, 4 GiB and 110 pods in zone `zone-a`.
    pub fn new(name: &str) -> Self {
        NodeConfig {
            name: name.to_string(),
            zone: "zone-a".to_string(),
            cpu_milli: 2_000,
            memory_bytes: 4 << 30,
            max_pods: 110,
            labels: SortedMap::new(),
            taints: Vec::new(),
        }
    }

    /// A control-plane node: the role label and the `node-role.kubernetes.io/control-plane:NoSchedule` taint.
    pub fn control_plane(name: &str) -> Self {
        let mut n = NodeConfig::new(name);
        n.labels.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
        n.taints.push(Taint::new(
            "node-role.kubernetes.io/control-plane",
            "",
            "NoSchedule",
        ));
        n
    }

    pub fn zone(mut self, zone: &str) -> Self {
        self.zone = zone.to_string();
        self
    }

    pub fn capacity(mut self, cpu_milli: i64, memory_bytes: i64) -> Self {
        self.cpu_milli = cpu_milli;
        self.memory_bytes = memory_bytes;
        self
    }

    pub fn max_pods(mut self, pods: i64) -> Self {
        self.max_pods = pods;
        self
    }

    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_string(), value.to_string());
        self
    }

    pub fn taint(mut self, taint: Taint) -> Self {
        self.taints.push(taint);
        self
    }
}

/// The Node object a kubelet registers for `n`.
pub(crate) fn node_object(
    n: &NodeConfig,
    node_ip: &str,
    cidr: &str,
    conditions: Vec<crate::model::NodeCondition>,
) -> Node {
    let mut labels = n.labels.clone();
    labels.insert("kubernetes.io/hostname".into(), n.name.clone());
    labels.insert("kubernetes.io/os".into(), "linux".into());
    labels.insert("kubernetes.io/arch".into(), "amd64".into());
    labels.insert("topology.kubernetes.io/zone".into(), n.zone.clone());
    let mut cap = SortedMap::new();
    cap.insert("cpu".to_string(), Quantity::from_milli(n.cpu_milli));
    cap.insert("memory".to_string(), Quantity::from_bytes(n.memory_bytes));
    cap.insert(
        "pods".to_string(),
        Quantity::from_milli(n.max_pods.saturating_mul(1000)),
    );
    Node {
        metadata: ObjectMeta {
            name: n.name.clone().into(),
            labels: labels.into(),
            ..Default::default()
        },
        spec: ApiNodeSpec {
            pod_cidr: cidr.to_string(),
            unschedulable: false,
            taints: n.taints.clone(),
        },
        status: NodeStatus {
            capacity: cap.clone(),
            allocatable: cap,
            conditions,
            addresses: vec![
                NodeAddress {
                    type_: "InternalIP".into(),
                    address: node_ip.to_string(),
                },
                NodeAddress {
                    type_: "Hostname".into(),
                    address: n.name.clone(),
                },
            ],
            node_info: NodeSystemInfo {
                kubelet_version: "v1.34.0".into(),
                container_runtime_version: "containerd://2.1.0".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                kernel_version: "6.1.0-podlab".into(),
                architecture: "amd64".into(),
            },
            ..Default::default()
        },
    }
}

/// Builds a `Sim`: a seed, nodes and timing settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimBuilder {
    pub seed: u64,
    pub nodes: Vec<NodeConfig>,
    pub timing: Timing,
    /// Create the `standard` (default, network disk) and `local-path` StorageClasses.
    pub storage_classes: bool,
}

impl SimBuilder {
    pub fn new(seed: u64) -> Self {
        SimBuilder {
            seed,
            nodes: Vec::new(),
            timing: Timing::default(),
            storage_classes: true,
        }
    }

    /// Adds `n` workers named `node-1` .. `node-n`, spread over zones `zone-a`, `zone-b`, `zone-c`.
    pub fn workers(mut self, n: u32) -> Self {
        for i in 1..=n {
            let zone = ["zone-a", "zone-b", "zone-c"][((i - 1) % 3) as usize];
            let name = format!("node-{}", self.nodes.len() + 1);
            self.nodes.push(NodeConfig::new(&name).zone(zone));
        }
        self
    }

    pub fn node(mut self, node: NodeConfig) -> Self {
        self.nodes.push(node);
        self
    }

    /// `node` for each: a scenario's `cluster:`, or what `kind` or `minikube` made.
    pub fn nodes(mut self, nodes: &[NodeConfig]) -> Self {
        self.nodes.extend_from_slice(nodes);
        self
    }

    pub fn timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    pub fn without_storage_classes(mut self) -> Self {
        self.storage_classes = false;
        self
    }

    /// Checks the configuration and builds the cluster at time 0.
    pub fn build(self) -> Result<Sim, SimError> {
        let mut seen = crate::sorted::SortedSet::new();
        for n in &self.nodes {
            if let Err(e) = api::validate_dns_subdomain(&n.name) {
                return Err(SimError::Invalid(format!(
                    "node name {:?} is invalid: {e}",
                    n.name
                )));
            }
            if !seen.insert(n.name.clone()) {
                return Err(SimError::Invalid(format!(
                    "duplicate node name {:?}",
                    n.name
                )));
            }
            if n.cpu_milli <= 0 || n.memory_bytes <= 0 || n.max_pods <= 0 {
                return Err(SimError::Invalid(format!(
                    "node {:?} needs positive cpu, memory and pods",
                    n.name
                )));
            }
        }
        if self.nodes.len() > 250 * 256 {
            return Err(SimError::Invalid(
                "too many nodes for the pod CIDR plan".into(),
            ));
        }
        let t = &self.timing;
        if t.node_monitor_period == 0
            || t.lease_renew_interval == 0
            || t.podgc_period == 0
            || t.watch_latency_max < t.watch_latency_min
            || t.container_start_max < t.container_start_min
            || t.volume_op_max < t.volume_op_min
            || t.lease_retry_initial == 0
        {
            return Err(SimError::Invalid("timing settings out of range".into()));
        }
        Ok(Sim::from_builder(self))
    }
}

/// Every input to a run: learner commands and faults. Recorded in the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `kubectl create`: fails if the object exists.
    Create(Object),
    /// `kubectl apply`: create, or replace labels, annotations and spec of an existing object.
    Apply(Object),
    /// `kubectl replace`: update with the object's `resourceVersion` as a precondition.
    Replace(Object),
    Delete {
        kind: Kind,
        namespace: String,
        name: String,
        options: DeleteOptions,
    },
    Scale {
        kind: Kind,
        namespace: String,
        name: String,
        replicas: i32,
    },
    Label {
        kind: Kind,
        namespace: String,
        name: String,
        key: String,
        /// None removes the label.
        value: Option<String>,
    },
    Cordon {
        node: String,
    },
    Uncordon {
        node: String,
    },
    Taint {
        node: String,
        taint: Taint,
    },
    Untaint {
        node: String,
        key: String,
        effect: Option<String>,
    },
    /// Power off: processes die, heartbeats stop.
    CrashNode {
        node: String,
    },
    /// Power on again (or reboot a running machine).
    RestartNode {
        node: String,
    },
    /// Cut the node off from the control plane; its processes keep running.
    Partition {
        node: String,
    },
    Heal {
        node: String,
    },
    KillContainer {
        namespace: String,
        pod: String,
        container: Option<String>,
    },
    PauseProcess {
        namespace: String,
        pod: String,
        duration_ms: Option<u64>,
    },
    ResumeProcess {
        namespace: String,
        pod: String,
    },
    SkewClock {
        node: String,
        offset_ms: i64,
    },
    /// Make a machine's clock run fast or slow from now on: `rate_ppm` parts per million off
    /// true time (+100000 is 10% fast, -500000 half speed; above -1000000). Its local time is
    /// true time scaled from this moment, plus its offset; timers its programs set run by it.
    SkewClockRate {
        node: String,
        rate_ppm: i64,
    },
    /// Cut one pod off from the API server while its node stays Ready: its programs' requests
    /// time out (the kubelet and the pod's network are unaffected).
    CutPod {
        namespace: String,
        pod: String,
    },
    /// Reconnect a pod cut off with `CutPod`.
    HealPod {
        namespace: String,
        pod: String,
    },
    /// Make the app's readiness endpoint answer `ready` (the readiness toggle).
    SetReadiness {
        namespace: String,
        pod: String,
        ready: bool,
    },
    /// A client request to a Service, routed to one ready endpoint chosen by the RNG.
    Request {
        namespace: String,
        service: String,
    },
    /// `curl URL` from the host: a node's IP and a nodePort, routed as `Request`.
    HostRequest {
        url: String,
    },
    /// `kubectl rollout undo deployment/<name>` or `statefulset/<name>` `[--to-revision=N]`;
    /// None means the previous revision.
    RolloutUndo {
        kind: Kind,
        namespace: String,
        name: String,
        to_revision: Option<i64>,
    },
    /// `POST pods/<name>/eviction`: a delete that honours PodDisruptionBudgets (ref §6.2).
    Evict {
        namespace: String,
        pod: String,
        grace_period_seconds: Option<i64>,
    },
    /// Ctrl-C for client commands that run on: every running drain stops where it is.
    Interrupt,
    /// `kubectl exec POD [-c CONTAINER] -- ARGV` from directory `cwd` ("" for `/`): runs in
    /// the container; its file writes change the ground truth.
    Exec {
        namespace: String,
        pod: String,
        container: Option<String>,
        argv: Vec<String>,
        cwd: String,
    },
    /// `kubectl drain NODE`: cordons, then evicts in simulated time (ref §6.3).
    Drain {
        node: String,
        options: drain::DrainOptions,
    },
}

impl Command {
    /// `kubectl scale KIND/NAME --replicas=N` in the `default` namespace.
    pub fn scale(kind: Kind, name: &str, replicas: i32) -> Command {
        Command::Scale {
            kind,
            namespace: "default".into(),
            name: name.into(),
            replicas,
        }
    }

    /// Faults are recorded with actor `fault`; everything else with actor `user`.
    pub fn actor(&self) -> Actor {
        match self {
            Command::CrashNode { .. }
            | Command::RestartNode { .. }
            | Command::Partition { .. }
            | Command::Heal { .. }
            | Command::KillContainer { .. }
            | Command::PauseProcess { .. }
            | Command::ResumeProcess { .. }
            | Command::SkewClock { .. }
            | Command::SkewClockRate { .. }
            | Command::CutPod { .. }
            | Command::HealPod { .. } => Actor::Fault,
            _ => Actor::User,
        }
    }

    /// A short description for the trace: `partition node-2`.
    pub fn describe(&self) -> String {
        let obj =
            |o: &Object| format!("{}/{}", o.kind().name().to_ascii_lowercase(), o.meta().name);
        match self {
            Command::Create(o) => format!("create {}", obj(o)),
            Command::Apply(o) => format!("apply {}", obj(o)),
            Command::Replace(o) => format!("replace {}", obj(o)),
            Command::Delete {
                kind,
                name,
                options,
                ..
            } => {
                let mut s = format!("delete {}/{name}", kind.name().to_ascii_lowercase());
                if let Some(g) = options.grace_period_seconds {
                    s.push_str(&format!(" --grace-period={g}"));
                }
                if options.propagation != Propagation::Background {
                    s.push_str(&format!(
                        " --cascade={}",
                        options.propagation.cascade_flag()
                    ));
                }
                s
            }
            Command::Scale {
                kind,
                name,
                replicas,
                ..
            } => format!(
                "scale {}/{name} --replicas={replicas}",
                kind.name().to_ascii_lowercase()
            ),
            Command::Label {
                kind,
                name,
                key,
                value,
                ..
            } => match value {
                Some(v) => format!(
                    "label {}/{name} {key}={v}",
                    kind.name().to_ascii_lowercase()
                ),
                None => format!("label {}/{name} {key}-", kind.name().to_ascii_lowercase()),
            },
            Command::Cordon { node } => format!("cordon {node}"),
            Command::Uncordon { node } => format!("uncordon {node}"),
            Command::Taint { node, taint } => format!("taint {node} {}", taint.describe()),
            Command::Untaint { node, key, effect } => match effect {
                Some(e) => format!("taint {node} {key}:{e}-"),
                None => format!("taint {node} {key}-"),
            },
            Command::CrashNode { node } => format!("crash {node}"),
            Command::RestartNode { node } => format!("restart {node}"),
            Command::Partition { node } => format!("partition {node}"),
            Command::Heal { node } => format!("heal {node}"),
            Command::KillContainer { pod, container, .. } => match container {
                Some(c) => format!("kill {pod} {c}"),
                None => format!("kill {pod}"),
            },
            Command::PauseProcess {
                pod, duration_ms, ..
            } => match duration_ms {
                Some(d) => format!("pause {pod} {}", crate::model::go_duration(*d)),
                None => format!("pause {pod}"),
            },
            Command::ResumeProcess { pod, .. } => format!("resume {pod}"),
            Command::SkewClock { node, offset_ms } => format!("skew {node} {offset_ms}ms"),
            Command::SkewClockRate { node, rate_ppm } => {
                format!("skew {node} rate {rate_ppm:+}ppm")
            }
            Command::CutPod { pod, .. } => format!("cut {pod} off from the API server"),
            Command::HealPod { pod, .. } => format!("reconnect {pod} to the API server"),
            Command::SetReadiness { pod, ready, .. } => {
                format!("set readiness of {pod} to {ready}")
            }
            Command::Request { service, .. } => format!("request service/{service}"),
            Command::HostRequest { url } => format!("curl {url}"),
            Command::Drain { node, options } => format!("drain {node}{}", options.describe()),
            Command::Evict { pod, .. } => format!("evict pod/{pod}"),
            Command::Exec { pod, argv, .. } => format!("exec {pod} -- {}", argv.join(" ")),
            Command::Interrupt => "interrupt running commands".into(),
            Command::RolloutUndo {
                kind,
                name,
                to_revision,
                ..
            } => {
                let kind = kind.name().to_ascii_lowercase();
                match to_revision {
                    Some(r) => format!("rollout undo {kind}/{name} --to-revision={r}"),
                    None => format!("rollout undo {kind}/{name}"),
                }
            }
        }
    }
}

/// What a command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Created(ObjectRef),
    Configured(ObjectRef),
    Unchanged(ObjectRef),
    /// `immediately` is false when the object is now terminating (grace period or finalizers).
    Deleted {
        object: ObjectRef,
        immediately: bool,
    },
    Scaled(ObjectRef),
    /// A node or process command took effect, e.g. `node-2 partitioned`.
    Done(String),
    Response(Response),
    /// What an exec'd command printed, and its exit code.
    Exec(apps::shell::ExecResult),
    /// A client command (drain) started; what it printed is in `Sim::client_output`. `ok` is
    /// false when it stopped at once with an error (kubectl's exit status 1).
    Client {
        ok: bool,
    },
}

/// A request answered by a process, or not answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// The endpoint pod chosen by kube-proxy, if any.
    pub pod: Option<ObjectRef>,
    pub endpoint_ip: Option<String>,
    /// The answering process's id (the random-generator's `id` field).
    pub process_id: Option<String>,
    /// The body, e.g. `{"random":42,"id":"...","version":"1.0"}`, or an error like curl prints.
    pub body: String,
    pub ok: bool,
}

/// Errors from commands and the builder. Commands that fail change nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    Api(ApiError),
    /// The command names a node that does not exist as a machine.
    UnknownNode(String),
    /// The command names a pod that has no running process.
    NoProcess(String),
    /// The command does not apply in the current state (heal a node that is not partitioned).
    NotApplicable(String),
    Invalid(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Api(e) => e.fmt(f),
            SimError::UnknownNode(n) => write!(f, "nodes \"{n}\" not found"),
            SimError::NoProcess(p) => write!(f, "pod \"{p}\" has no running process"),
            SimError::NotApplicable(m) | SimError::Invalid(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for SimError {}

impl From<ApiError> for SimError {
    fn from(e: ApiError) -> Self {
        SimError::Api(e)
    }
}

/// What one `step` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepInfo {
    pub time: u64,
    /// Number of events processed so far, including this one.
    pub event_index: u64,
    /// Trace entries this step produced: `trace().entries_from(first).take(count)`.
    pub first_entry: u64,
    pub entry_count: u64,
    /// Entries that are not heartbeats.
    pub visible_count: u64,
}

/// Events in the queue. Internal: the engine's own vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    Sync {
        ctl: Ctl,
        key: ObjectRef,
    },
    NodeMonitor,
    NodeEvictionPass,
    PodGc,
    /// etcd deletes the Events whose hour is up (`Sim::expire_events`).
    ExpireEvents,
    KubeletHeartbeat {
        node: String,
        epoch: u64,
    },
    KubeletRelist {
        node: String,
    },
    ContainerCreated {
        node: String,
        pod_uid: String,
        container: String,
        epoch: u64,
    },
    Probe {
        node: String,
        pod_uid: String,
        container: String,
        epoch: u64,
    },
    ContainerExited {
        node: String,
        pod_uid: String,
        container: String,
        epoch: u64,
    },
    ContainerRestart {
        node: String,
        pod_uid: String,
        container: String,
        epoch: u64,
    },
    ProcessStopped {
        pid: u64,
        killed: bool,
    },
    KillDeadline {
        node: String,
        pod_uid: String,
    },
    ResumeProcess {
        pid: u64,
    },
    LivenessProbe {
        node: String,
        pod_uid: String,
        container: String,
        epoch: u64,
    },
    /// SIGKILL for one container whose liveness kill outlived the grace period.
    ContainerKill {
        pid: u64,
        node: String,
        pod_uid: String,
        container: String,
        epoch: u64,
    },
    /// A cloud attach (or detach) of a network disk finished.
    VolumeOpDone {
        pv: String,
        node: String,
        attach: bool,
    },
    /// A timer a simulated program set (`sim::apps`, `Host::set_timer`).
    ProcessTimer {
        pid: u64,
        timer: u32,
    },
    /// The ZooKeeper ensemble's session tracker tick (`sim::stores`).
    EnsembleTick,
    /// The next eviction attempt or deletion poll of one pod of a running drain.
    Drain {
        job: u64,
        pod: usize,
    },
}

impl Event {
    fn label(&self) -> &'static str {
        match self {
            Event::Sync { .. } => "sync",
            Event::NodeMonitor => "node-monitor",
            Event::NodeEvictionPass => "node-eviction",
            Event::PodGc => "podgc",
            Event::ExpireEvents => "event-ttl",
            Event::KubeletHeartbeat { .. } => "heartbeat",
            Event::KubeletRelist { .. } => "relist",
            Event::ContainerCreated { .. } => "container-created",
            Event::Probe { .. } => "probe",
            Event::LivenessProbe { .. } => "liveness-probe",
            Event::ContainerKill { .. } => "container-kill",
            Event::ContainerExited { .. } => "container-exited",
            Event::ContainerRestart { .. } => "container-restart",
            Event::ProcessStopped { .. } => "process-stopped",
            Event::KillDeadline { .. } => "kill-deadline",
            Event::ResumeProcess { .. } => "resume",
            Event::VolumeOpDone { attach: true, .. } => "volume-attached",
            Event::VolumeOpDone { attach: false, .. } => "volume-detached",
            Event::ProcessTimer { .. } => "process-timer",
            Event::EnsembleTick => "ensemble-tick",
            Event::Drain { .. } => "drain",
        }
    }
}

/// The simulation. `Clone` is cheap enough for checkpoints.
#[derive(Clone, Debug)]
pub struct Sim {
    pub(crate) seed: u64,
    pub(crate) builder: SimBuilder,
    pub(crate) timing: Timing,
    pub(crate) now: u64,
    seq: u64,
    queue: BTreeMap<(u64, u64), Event>,
    pub(crate) rng: SimRng,
    pub(crate) api: Cluster,
    pub(crate) world: World,
    pub(crate) trace: Trace,
    pub(crate) ctl: controllers::ControllerState,
    pub(crate) clients: drain::Clients,
    events_processed: u64,
}

impl Sim {
    fn from_builder(b: SimBuilder) -> Sim {
        let mut sim = Sim {
            seed: b.seed,
            builder: b.clone(),
            timing: b.timing.clone(),
            now: 0,
            seq: 0,
            queue: BTreeMap::new(),
            rng: SimRng::new(b.seed),
            api: Cluster::default(),
            world: World::default(),
            trace: Trace::new(),
            ctl: controllers::ControllerState::default(),
            clients: drain::Clients::default(),
            events_processed: 0,
        };
        for (i, n) in b.nodes.iter().enumerate() {
            sim.bootstrap_node(n, i as u32 + 1);
        }
        if b.storage_classes {
            sim.bootstrap_storage_classes();
        }
        sim.schedule(sim.timing.node_monitor_period, Event::NodeMonitor);
        sim.schedule(sim.timing.podgc_period, Event::PodGc);
        sim.schedule(api::EVENT_TTL_SWEEP, Event::ExpireEvents);
        sim
    }

    fn bootstrap_node(&mut self, n: &NodeConfig, index: u32) {
        let node_ip = format!("172.18.{}.{}", index / 250, index % 250 + 2);
        let cidr = format!("10.{}.{}.0/24", 244 + index / 256, index % 256);
        let node = node_object(
            n,
            &node_ip,
            &cidr,
            controllers::kubelet::healthy_conditions(Time::at(0)),
        );
        let actor = Actor::Kubelet(n.name.as_str().into());
        let _ = self.api_create(&actor, None, node.into(), "node registered");
        self.world.add_machine(&n.name, &n.zone, &node_ip, &cidr);
        self.ctl.kubelets.insert(
            n.name.clone(),
            controllers::kubelet::KubeletState::new(&cidr),
        );
        self.kubelet_boot(&n.name);
    }

    fn bootstrap_storage_classes(&mut self) {
        let mut standard = StorageClass {
            metadata: ObjectMeta::named("", "standard"),
            provisioner: "disk.csi.podlab.dev".into(),
            reclaim_policy: "Delete".into(),
            volume_binding_mode: "Immediate".into(),
            allow_volume_expansion: Some(true),
            ..Default::default()
        };
        standard.metadata.annotations.insert(
            "storageclass.kubernetes.io/is-default-class".into(),
            "true".into(),
        );
        let local = StorageClass {
            metadata: ObjectMeta::named("", "local-path"),
            provisioner: "local.csi.podlab.dev".into(),
            reclaim_policy: "Delete".into(),
            volume_binding_mode: "WaitForFirstConsumer".into(),
            ..Default::default()
        };
        let _ = self.api_create(&Actor::ApiServer, None, standard.into(), "cluster default");
        let _ = self.api_create(&Actor::ApiServer, None, local.into(), "cluster default");
    }

    // ----- read side -----

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Simulated milliseconds since the start.
    pub fn now(&self) -> u64 {
        self.now
    }

    pub fn now_time(&self) -> Time {
        Time::at(self.now)
    }

    /// The API server's view: what `kubectl` shows.
    pub fn cluster(&self) -> &Cluster {
        &self.api
    }

    /// The ground truth: machines, processes, reachability, clocks, volume contents.
    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    pub fn builder(&self) -> &SimBuilder {
        &self.builder
    }

    /// How many events have been processed.
    pub fn events_processed(&self) -> u64 {
        self.events_processed
    }

    /// Time of the next pending event.
    pub fn next_event_time(&self) -> Option<u64> {
        self.queue.keys().next().map(|(t, _)| *t)
    }

    /// Pending events as `(time, label)`, for an "inspect the queue" view.
    pub fn pending_events(&self) -> Vec<(u64, String)> {
        self.queue
            .iter()
            .map(|((t, _), e)| {
                let detail = match e {
                    Event::Sync { ctl, key } => format!("{} {}", ctl.name(), key),
                    other => other.label().to_string(),
                };
                (*t, detail)
            })
            .collect()
    }

    // ----- driving -----

    /// Applies a command now. On error nothing changed.
    pub fn apply(&mut self, cmd: Command) -> Result<Outcome, SimError> {
        faults::apply_command(self, cmd)
    }

    /// Processes exactly one event.
    pub fn step(&mut self) -> Option<StepInfo> {
        let (&(time, seq), _) = self.queue.iter().next()?;
        let event = self.queue.remove(&(time, seq)).expect("key just seen");
        debug_assert!(time >= self.now);
        self.now = time;
        let first = self.trace.len() as u64;
        self.dispatch(event);
        self.events_processed += 1;
        let count = self.trace.len() as u64 - first;
        let visible = self
            .trace
            .entries_from(first as usize)
            .filter(|e| e.change.is_visible())
            .count() as u64;
        Some(StepInfo {
            time,
            event_index: self.events_processed,
            first_entry: first,
            entry_count: count,
            visible_count: visible,
        })
    }

    /// Steps until an event produces a trace entry (the next visible change) or `limit_ms` passes.
    pub fn step_visible(&mut self, limit_ms: u64) -> Option<StepInfo> {
        let deadline = self.now.saturating_add(limit_ms);
        while self.next_event_time().is_some_and(|t| t <= deadline) {
            let info = self.step()?;
            if info.visible_count > 0 {
                return Some(info);
            }
        }
        None
    }

    /// Runs every event up to and including `now + ms`, then sets the clock there.
    pub fn run_for(&mut self, ms: u64) {
        let deadline = self.now.saturating_add(ms);
        self.run_to(deadline);
    }

    /// Runs every event up to and including absolute time `t`.
    pub fn run_to(&mut self, t: u64) {
        while self.next_event_time().is_some_and(|n| n <= t) {
            self.step();
        }
        if t > self.now {
            self.now = t;
        }
    }

    /// Steps until `pred` holds or `limit_ms` of simulated time passes. Returns whether it held.
    pub fn run_until(&mut self, mut pred: impl FnMut(&Sim) -> bool, limit_ms: u64) -> bool {
        let deadline = self.now.saturating_add(limit_ms);
        loop {
            if pred(self) {
                return true;
            }
            match self.next_event_time() {
                Some(t) if t <= deadline => {
                    self.step();
                }
                _ => {
                    if deadline > self.now {
                        self.now = deadline;
                    }
                    return pred(self);
                }
            }
        }
    }

    // ----- engine internals -----

    pub(crate) fn schedule(&mut self, delay: u64, event: Event) {
        self.schedule_at(self.now.saturating_add(delay), event);
    }

    pub(crate) fn schedule_at(&mut self, at: u64, event: Event) {
        let at = at.max(self.now);
        self.seq += 1;
        self.queue.insert((at, self.seq), event);
    }

    pub(crate) fn watch_latency(&mut self) -> u64 {
        let (lo, hi) = (self.timing.watch_latency_min, self.timing.watch_latency_max);
        self.rng.between(lo, hi)
    }

    /// Adds a trace entry.
    pub(crate) fn record(
        &mut self,
        actor: &Actor,
        subject: Option<&ObjectRef>,
        object: Option<&ObjectRef>,
        change: Change,
        what: String,
        why: &str,
    ) {
        self.trace
            .add(self.now, actor, subject, object, change, &what, why);
    }

    fn dispatch(&mut self, event: Event) {
        match event {
            Event::Sync { ctl, key } => self.run_sync(ctl, key),
            Event::NodeMonitor => controllers::node_lifecycle::monitor(self),
            Event::NodeEvictionPass => controllers::node_lifecycle::eviction_pass(self),
            Event::PodGc => controllers::podgc::gc(self),
            Event::ExpireEvents => self.expire_events(),
            Event::KubeletHeartbeat { node, epoch } => self.kubelet_heartbeat(&node, epoch),
            Event::KubeletRelist { node } => self.kubelet_relist(&node),
            Event::ContainerCreated {
                node,
                pod_uid,
                container,
                epoch,
            } => self.kubelet_container_created(&node, &pod_uid, &container, epoch),
            Event::Probe {
                node,
                pod_uid,
                container,
                epoch,
            } => self.kubelet_probe(&node, &pod_uid, &container, epoch),
            Event::LivenessProbe {
                node,
                pod_uid,
                container,
                epoch,
            } => self.kubelet_liveness_probe(&node, &pod_uid, &container, epoch),
            Event::ContainerKill {
                pid,
                node,
                pod_uid,
                container,
                epoch,
            } => self.kubelet_container_kill(pid, &node, &pod_uid, &container, epoch),
            Event::ContainerExited {
                node,
                pod_uid,
                container,
                epoch,
            } => self.kubelet_container_exited(&node, &pod_uid, &container, epoch),
            Event::ContainerRestart {
                node,
                pod_uid,
                container,
                epoch,
            } => self.kubelet_container_restart(&node, &pod_uid, &container, epoch),
            Event::ProcessStopped { pid, killed } => self.process_stopped(pid, killed),
            Event::KillDeadline { node, pod_uid } => self.kubelet_kill_deadline(&node, &pod_uid),
            Event::ResumeProcess { pid } => faults::resume_pid(self, pid),
            Event::VolumeOpDone { pv, node, attach } => {
                controllers::attach_detach::op_done(self, &pv, &node, attach)
            }
            Event::ProcessTimer { pid, timer } => self.app_timer(pid, timer),
            Event::EnsembleTick => self.ensemble_tick(),
            Event::Drain { job, pod } => self.drain_step(job, pod),
        }
    }

    /// The API server's watch: it publishes every stored change here, and the engine hands it
    /// to the controllers' informers (`controllers::fan_out`), so `api` never names a controller.
    pub(crate) fn publish(&mut self, old: Option<&Object>, new: Option<&Object>) {
        controllers::fan_out(self, old, new);
    }

    /// Queues `key` for `ctl` at `at`, keeping the earliest time if already queued (client-go
    /// workqueue semantics).
    pub(crate) fn enqueue_at(&mut self, ctl: Ctl, key: ObjectRef, at: u64) {
        let slot = controllers::slot(ctl, key);
        if let Some(&due) = self.ctl.queued.get(&slot) {
            if due <= at {
                return;
            }
        }
        let (_, ctl, key) = slot.clone();
        self.ctl.queued.insert(slot, at);
        self.schedule_at(at, Event::Sync { ctl, key });
    }

    pub(crate) fn enqueue_after(&mut self, ctl: Ctl, key: ObjectRef, delay: u64) {
        let at = self.now.saturating_add(delay);
        self.enqueue_at(ctl, key, at);
    }

    fn run_sync(&mut self, ctl: Ctl, key: ObjectRef) {
        let slot = controllers::slot(ctl, key);
        match self.ctl.queued.get(&slot) {
            Some(&due) if due == self.now => {
                self.ctl.queued.remove(&slot);
            }
            // Superseded by an earlier or later enqueue of the same key.
            _ => return,
        }
        let (_, ctl, key) = slot;
        controllers::reconcile(self, ctl, &key);
    }

    /// Selector helper used by several controllers.
    pub(crate) fn selector_matches(
        sel: &LabelSelector,
        labels: &SortedMap<String, String>,
    ) -> bool {
        !sel.is_empty() && sel.matches(labels)
    }
}
