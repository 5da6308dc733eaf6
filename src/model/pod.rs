//! Pod, its spec and status, and the scheduling vocabulary (tolerations, affinity).

use crate::sorted::SortedMap;

use podlab_derive::{Decode, Encode};

use super::meta::{ObjectMeta, Str, Time};
use super::node::Taint;
use super::quantity::{IntOrString, Quantity};
use super::selector::LabelSelector;

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: super::Shared<PodSpec>,
    pub status: PodStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodTemplateSpec {
    pub metadata: ObjectMeta,
    pub spec: super::Shared<PodSpec>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodSpec {
    pub containers: Vec<Container>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub node_name: String,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub node_selector: SortedMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub restart_policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dns_policy: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scheduler_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_account_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subdomain: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_service_links: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Container {
    pub name: String,
    pub image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    #[serde(skip_serializing_if = "ResourceRequirements::is_empty")]
    pub resources: ResourceRequirements,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<Probe>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<Probe>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMount>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub image_pull_policy: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub termination_message_path: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub termination_message_policy: String,
}

impl Container {
    pub fn new(name: &str, image: &str) -> Self {
        Container {
            name: name.to_string(),
            image: image.to_string(),
            ..Default::default()
        }
    }

    /// The literal value of an env var, if set with `value`.
    pub fn env_value(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|e| e.name == name)
            .and_then(|e| e.value.as_deref())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVar {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_from: Option<EnvVarSource>,
}

impl EnvVar {
    pub fn new(name: &str, value: &str) -> Self {
        EnvVar {
            name: name.to_string(),
            value: Some(value.to_string()),
            value_from: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvVarSource {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_ref: Option<ObjectFieldSelector>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectFieldSelector {
    pub field_path: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerPort {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub container_port: i32,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub protocol: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ResourceRequirements {
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub requests: SortedMap<String, Quantity>,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub limits: SortedMap<String, Quantity>,
}

impl ResourceRequirements {
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.limits.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Probe {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_get: Option<HttpGetAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_socket: Option<TcpSocketAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
}

impl Probe {
    pub fn http_get(path: &str, port: i32) -> Self {
        Probe {
            http_get: Some(HttpGetAction {
                path: path.to_string(),
                port: IntOrString::Int(port),
                scheme: String::new(),
            }),
            ..Default::default()
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct HttpGetAction {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    pub port: IntOrString,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub scheme: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct TcpSocketAction {
    pub port: IntOrString,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ExecAction {
    pub command: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct VolumeMount {
    pub name: String,
    pub mount_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Volume {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<PersistentVolumeClaimVolumeSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<EmptyDirVolumeSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_path: Option<HostPathVolumeSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_map: Option<ConfigMapVolumeSource>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaimVolumeSource {
    pub claim_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct EmptyDirVolumeSource {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub medium: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct HostPathVolumeSource {
    pub path: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub type_: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigMapVolumeSource {
    pub name: String,
}

/// `spec.tolerations[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Toleration {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// `Equal` (default) or `Exists`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub operator: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// Empty matches every effect.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub effect: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

impl Toleration {
    /// `ToleratesTaint` from upstream: empty key with Exists matches all taints.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if !self.effect.is_empty() && self.effect != taint.effect {
            return false;
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        match self.operator.as_str() {
            "Exists" => true,
            "" | "Equal" => self.value == taint.value,
            _ => false,
        }
    }

    /// How `kubectl describe pod` prints it: `node.kubernetes.io/unreachable:NoExecute op=Exists for 300s`.
    pub fn describe(&self) -> String {
        let mut s = self.key.clone();
        if !self.value.is_empty() {
            s.push('=');
            s.push_str(&self.value);
        }
        if !self.effect.is_empty() {
            s.push(':');
            s.push_str(&self.effect);
        }
        if self.operator == "Exists" {
            s.push_str(" op=Exists");
        }
        if let Some(secs) = self.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        s
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Affinity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_affinity: Option<PodAffinity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// `podAffinity` and `podAntiAffinity` share this shape. Only the required terms are
/// simulated; the preferred ones are reported as not simulated when read (manifest/known.rs).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodAffinity {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
}

/// Pods matching `labelSelector` in `namespaces` (default: the pod's own), grouped by the
/// node label `topologyKey` (`kubernetes.io/hostname`, `topology.kubernetes.io/zone`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodAffinityTerm {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    pub topology_key: String,
}

impl PodAffinityTerm {
    /// Does `other` (in `other_ns`) fall under this term of a pod in `own_ns`?
    pub fn selects(
        &self,
        own_ns: &str,
        other_ns: &str,
        labels: &SortedMap<String, String>,
    ) -> bool {
        let in_ns = if self.namespaces.is_empty() {
            other_ns == own_ns
        } else {
            self.namespaces.iter().any(|n| n == other_ns)
        };
        // A missing selector matches nothing, as upstream.
        in_ns
            && self
                .label_selector
                .as_ref()
                .and_then(|s| s.to_selector().ok())
                .is_some_and(|s| s.matches(labels))
    }
}

impl Pod {
    /// This pod with another status: a copy of its metadata and spec only (cloning the pod and
    /// then replacing its status copied the old status to drop it, twice per pod, issue 16).
    pub fn with_status(&self, status: PodStatus) -> Pod {
        Pod {
            metadata: self.metadata.clone(),
            spec: self.spec.clone(),
            status,
        }
    }

    /// The pod's required podAntiAffinity terms.
    pub fn required_anti_affinity(&self) -> &[PodAffinityTerm] {
        self.spec
            .affinity
            .as_ref()
            .and_then(|a| a.pod_anti_affinity.as_ref())
            .map_or(&[], |a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_slice()
            })
    }

    /// The pod's required podAffinity terms.
    pub fn required_affinity(&self) -> &[PodAffinityTerm] {
        self.spec
            .affinity
            .as_ref()
            .and_then(|a| a.pod_affinity.as_ref())
            .map_or(&[], |a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_slice()
            })
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAffinity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// `nodeSelectorTerms` are ORed; expressions within a term are ANDed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelector {
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

impl NodeSelector {
    pub fn matches(&self, labels: &SortedMap<String, String>) -> bool {
        self.node_selector_terms.iter().any(|t| t.matches(labels))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorTerm {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<NodeSelectorRequirement>,
}

impl NodeSelectorTerm {
    /// An empty term matches nothing, as upstream.
    pub fn matches(&self, labels: &SortedMap<String, String>) -> bool {
        !self.match_expressions.is_empty()
            && self.match_expressions.iter().all(|r| r.matches(labels))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSelectorRequirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`.
    pub operator: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

impl NodeSelectorRequirement {
    pub fn matches(&self, labels: &SortedMap<String, String>) -> bool {
        let v = labels.get(&self.key);
        let num = |s: &str| s.parse::<i64>().ok();
        match self.operator.as_str() {
            "In" => v.is_some_and(|v| self.values.contains(v)),
            "NotIn" => v.is_none_or(|v| !self.values.contains(v)),
            "Exists" => v.is_some(),
            "DoesNotExist" => v.is_none(),
            "Gt" | "Lt" => {
                let (Some(have), Some(want)) = (
                    v.and_then(|v| num(v)),
                    self.values.first().and_then(|w| num(w)),
                ) else {
                    return false;
                };
                if self.operator == "Gt" {
                    have > want
                } else {
                    have < want
                }
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PreferredSchedulingTerm {
    pub weight: i32,
    pub preference: NodeSelectorTerm,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodStatus {
    /// `Pending`, `Running`, `Succeeded`, `Failed`, `Unknown`.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub phase: Str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<PodCondition>,
    /// Shared with the kubelet's own copy, as `podIP` is (issue 16).
    #[serde(rename = "hostIP", skip_serializing_if = "str::is_empty")]
    pub host_ip: super::Name,
    #[serde(rename = "podIP", skip_serializing_if = "str::is_empty")]
    pub pod_ip: super::Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub container_statuses: Vec<ContainerStatus>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub qos_class: Str,
}

impl PodStatus {
    pub fn condition(&self, type_: &str) -> Option<&PodCondition> {
        self.conditions.iter().find(|c| c.type_ == type_)
    }

    /// Sets a condition, keeping `lastTransitionTime` unless the status flips. Returns true if changed.
    pub fn set_condition(
        &mut self,
        type_: &'static str,
        status: &'static str,
        reason: &str,
        message: &str,
        now: Time,
    ) -> bool {
        if let Some(c) = self.conditions.iter_mut().find(|c| c.type_ == type_) {
            if c.status == status && c.reason == reason && c.message == message {
                return false;
            }
            if c.status != status {
                c.last_transition_time = Some(now);
            }
            c.status = super::Name::from_static(status);
            c.reason = reason.into();
            c.message = message.into();
            return true;
        }
        self.conditions.push(PodCondition {
            type_: super::Name::from_static(type_),
            status: super::Name::from_static(status),
            reason: reason.into(),
            message: message.into(),
            last_probe_time: None,
            last_transition_time: Some(now),
        });
        true
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodCondition {
    /// `Name`s, 8 bytes where a `Cow` is 24, on a pod's five conditions (issue 16): the
    /// engine's type and status through `Name::from_static`, one copy for all; most reasons and
    /// messages are empty.
    #[serde(rename = "type")]
    pub type_: super::Name,
    pub status: super::Name,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub reason: super::Name,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub message: super::Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_probe_time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStatus {
    pub name: String,
    pub ready: bool,
    pub restart_count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
    pub state: ContainerState,
    #[serde(skip_serializing_if = "ContainerState::is_empty")]
    pub last_state: ContainerState,
    pub image: String,
    /// Shared with the kubelet's own copy (issue 16).
    #[serde(rename = "containerID", skip_serializing_if = "str::is_empty")]
    pub container_id: super::Name,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerState {
    /// Boxed, as `terminated` is: a running container's state is then 32 bytes, not 120, in
    /// each of a pod's two (issue 16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Box<ContainerStateWaiting>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub running: Option<ContainerStateRunning>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminated: Option<Box<ContainerStateTerminated>>,
}

impl ContainerState {
    pub fn is_empty(&self) -> bool {
        self.waiting.is_none() && self.running.is_none() && self.terminated.is_none()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateWaiting {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateRunning {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ContainerStateTerminated {
    pub exit_code: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<Time>,
}

impl Pod {
    pub fn new(namespace: &str, name: &str, spec: PodSpec) -> Self {
        Pod {
            metadata: ObjectMeta::named(namespace, name),
            spec: spec.into(),
            status: PodStatus::default(),
        }
    }

    /// `IsPodActive`: not Succeeded/Failed and not being deleted (ref §1.1).
    pub fn is_active(&self) -> bool {
        self.status.phase != "Succeeded"
            && self.status.phase != "Failed"
            && self.metadata.deletion_timestamp.is_none()
    }

    /// The pod's Ready condition is True.
    pub fn is_ready(&self) -> bool {
        self.status
            .condition("Ready")
            .is_some_and(|c| c.status == "True")
    }

    pub fn is_terminal(&self) -> bool {
        self.status.phase == "Succeeded" || self.status.phase == "Failed"
    }

    /// Names of the PVCs this pod mounts.
    pub fn claim_names(&self) -> impl Iterator<Item = &str> {
        self.spec.volumes.iter().filter_map(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.as_str())
        })
    }

    /// STATUS as `kubectl get pods` prints it (ref §8, §2.4).
    pub fn display_status(&self) -> String {
        let mut reason = if self.status.reason.is_empty() {
            self.status.phase.to_string()
        } else {
            self.status.reason.clone()
        };
        if reason.is_empty() {
            reason = "Pending".to_string();
        }
        let mut has_running = false;
        for cs in self.status.container_statuses.iter().rev() {
            if let Some(w) = &cs.state.waiting {
                if !w.reason.is_empty() {
                    reason = w.reason.clone();
                }
            } else if let Some(t) = &cs.state.terminated {
                reason = if !t.reason.is_empty() {
                    t.reason.clone()
                } else if let Some(sig) = t.signal.filter(|s| *s != 0) {
                    format!("Signal:{sig}")
                } else {
                    format!("ExitCode:{}", t.exit_code)
                };
            } else if cs.ready && cs.state.running.is_some() {
                has_running = true;
                reason = "Running".to_string();
            }
        }
        if reason == "Completed" && has_running {
            reason = if self.is_ready() {
                "Running".into()
            } else {
                "NotReady".into()
            };
        }
        if self.metadata.deletion_timestamp.is_some() {
            if self.status.reason == "NodeLost" {
                reason = "Unknown".to_string();
            } else if !self.is_terminal() {
                reason = "Terminating".to_string();
            }
        }
        reason
    }

    /// READY column: ready containers / total containers.
    pub fn ready_containers(&self) -> (usize, usize) {
        let ready = self
            .status
            .container_statuses
            .iter()
            .filter(|c| c.ready)
            .count();
        (ready, self.spec.containers.len())
    }

    pub fn restart_count(&self) -> i32 {
        self.status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0)
    }
}

impl PodSpec {
    pub fn with_containers(containers: Vec<Container>) -> Self {
        PodSpec {
            containers,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
            time_added: None,
        }
    }

    #[test]
    fn tolerations_match_like_upstream() {
        let t = taint("node.kubernetes.io/unreachable", "", "NoExecute");
        let exists = Toleration {
            key: "node.kubernetes.io/unreachable".into(),
            operator: "Exists".into(),
            effect: "NoExecute".into(),
            toleration_seconds: Some(300),
            ..Default::default()
        };
        assert!(exists.tolerates(&t));
        assert!(!exists.tolerates(&taint("node.kubernetes.io/unreachable", "", "NoSchedule")));
        let all = Toleration {
            operator: "Exists".into(),
            ..Default::default()
        };
        assert!(all.tolerates(&t));
        let eq = Toleration {
            key: "k".into(),
            value: "v".into(),
            ..Default::default()
        };
        assert!(eq.tolerates(&taint("k", "v", "NoSchedule")));
        assert!(!eq.tolerates(&taint("k", "w", "NoSchedule")));
        assert_eq!(
            exists.describe(),
            "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"
        );
    }

    #[test]
    fn status_column_follows_kubectl() {
        let mut p = Pod::new(
            "default",
            "p",
            PodSpec::with_containers(vec![Container::new("c", "i")]),
        );
        assert_eq!(p.display_status(), "Pending");
        p.status.phase = "Pending".into();
        p.status.container_statuses.push(ContainerStatus {
            name: "c".into(),
            state: ContainerState {
                waiting: Some(Box::new(ContainerStateWaiting {
                    reason: "ContainerCreating".into(),
                    message: String::new(),
                })),
                ..Default::default()
            },
            ..Default::default()
        });
        assert_eq!(p.display_status(), "ContainerCreating");
        p.status.phase = "Running".into();
        p.status.container_statuses[0].state = ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(Time::at(0)),
            }),
            ..Default::default()
        };
        p.status.container_statuses[0].ready = true;
        assert_eq!(p.display_status(), "Running");
        p.metadata.deletion_timestamp = Some(Time::at(5));
        assert_eq!(p.display_status(), "Terminating");
    }

    #[test]
    fn node_affinity_operators() {
        let labels: SortedMap<String, String> = [
            ("zone".to_string(), "a".to_string()),
            ("gen".to_string(), "5".to_string()),
        ]
        .into();
        let req = |op: &str, vals: &[&str]| NodeSelectorRequirement {
            key: if op == "Gt" || op == "Lt" {
                "gen".into()
            } else {
                "zone".into()
            },
            operator: op.into(),
            values: vals.iter().map(|s| s.to_string()).collect(),
        };
        assert!(req("In", &["a", "b"]).matches(&labels));
        assert!(!req("NotIn", &["a"]).matches(&labels));
        assert!(req("Gt", &["4"]).matches(&labels));
        assert!(!req("Lt", &["4"]).matches(&labels));
        assert!(!NodeSelectorTerm::default().matches(&labels));
    }
}
