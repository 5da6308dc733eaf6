//! Lease, Event, ConfigMap and PodDisruptionBudget.

use crate::sorted::SortedMap;

use podlab_derive::{Decode, Encode};

use super::meta::{ObjectMeta, ObjectReference, Time};
use super::quantity::IntOrString;
use super::selector::LabelSelector;

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Lease {
    pub metadata: ObjectMeta,
    pub spec: LeaseSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct LeaseSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holder_identity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acquire_time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease_transitions: Option<i32>,
}

/// A core/v1 Event. Repeats of the same (object, reason, message, source) bump `count`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Event {
    pub metadata: ObjectMeta,
    /// Shared: a pod's Events name the same object (issue 16).
    pub involved_object: super::Shared<ObjectReference>,
    /// `Name`s, the engine's through `Name::from_static`: one copy of `Scheduled`, `Normal` and
    /// `kubelet` for every Event (issue 16).
    pub reason: super::Name,
    /// Shared: most messages repeat from pod to pod (`Started container web`).
    pub message: super::Name,
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub type_: super::Name,
    pub count: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<Time>,
    pub source: EventSource,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct EventSource {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub component: super::Name,
    /// The kubelet's node, shared with the kubelet's own name.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub host: super::Name,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigMap {
    pub metadata: ObjectMeta,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub data: SortedMap<String, String>,
}

/// `policy/v1` PodDisruptionBudget. The disruption controller keeps its status (ref §6.1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDisruptionBudget {
    pub metadata: ObjectMeta,
    pub spec: PodDisruptionBudgetSpec,
    pub status: PodDisruptionBudgetStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDisruptionBudgetSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_available: Option<IntOrString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub unhealthy_pod_eviction_policy: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct PodDisruptionBudgetStatus {
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub observed_generation: i64,
    /// Pods the eviction API approved, with the approval time; they do not count as healthy
    /// until they are gone or the entry is two minutes old (ref §6.1).
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub disrupted_pods: SortedMap<String, Time>,
    pub disruptions_allowed: i32,
    pub current_healthy: i32,
    pub desired_healthy: i32,
    pub expected_pods: i32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

/// `metav1.Condition`, the condition type of newer APIs such as policy/v1.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub observed_generation: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    pub reason: String,
    pub message: String,
}
