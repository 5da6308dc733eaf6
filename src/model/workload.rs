//! ReplicaSet, Deployment and StatefulSet.

use podlab_derive::{Decode, Encode};

use super::meta::{ObjectMeta, Time};
use super::pod::PodTemplateSpec;
use super::quantity::IntOrString;
use super::selector::LabelSelector;
use super::storage::PersistentVolumeClaim;

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSet {
    pub metadata: ObjectMeta,
    pub spec: ReplicaSetSpec,
    pub status: ReplicaSetStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetSpec {
    /// Defaults to 1 at admission (ref §1.1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    pub selector: LabelSelector,
    pub template: PodTemplateSpec,
}

fn is_zero(v: &i32) -> bool {
    *v == 0
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ReplicaSetStatus {
    pub replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub fully_labeled_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub available_replicas: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminating_replicas: Option<i32>,
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub observed_generation: i64,
}

fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

impl ReplicaSet {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Deployment {
    pub metadata: ObjectMeta,
    pub spec: DeploymentSpec,
    pub status: DeploymentStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    pub selector: LabelSelector,
    pub template: PodTemplateSpec,
    pub strategy: DeploymentStrategy,
    #[serde(skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub paused: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentStrategy {
    /// `RollingUpdate` (default) or `Recreate`.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub type_: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateDeployment>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct RollingUpdateDeployment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentStatus {
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub observed_generation: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub updated_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub available_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub unavailable_replicas: i32,
    /// `Available` and `Progressing`, in the order the controller last set them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<DeploymentCondition>,
    /// Bumped on a pod-template-hash collision so the next hash differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct DeploymentCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl DeploymentStatus {
    pub fn condition(&self, type_: &str) -> Option<&DeploymentCondition> {
        self.conditions.iter().find(|c| c.type_ == type_)
    }
}

impl Deployment {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSet {
    pub metadata: ObjectMeta,
    pub spec: StatefulSetSpec,
    pub status: StatefulSetStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetSpec {
    /// Defaults to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    pub selector: LabelSelector,
    pub template: PodTemplateSpec,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volume_claim_templates: Vec<PersistentVolumeClaim>,
    /// The governing (usually headless) Service; formally optional.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_name: String,
    /// `OrderedReady` (default) or `Parallel`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pod_management_policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<StatefulSetUpdateStrategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    #[serde(skip_serializing_if = "is_zero")]
    pub min_ready_seconds: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim_retention_policy:
        Option<StatefulSetPersistentVolumeClaimRetentionPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinals: Option<StatefulSetOrdinals>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetUpdateStrategy {
    /// `RollingUpdate` (default) or `OnDelete`.
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub type_: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolling_update: Option<RollingUpdateStatefulSetStrategy>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct RollingUpdateStatefulSetStrategy {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
}

impl RollingUpdateStatefulSetStrategy {
    /// The value as the API server's field errors print it (Go's `%#v` of the internal type;
    /// a set maxUnavailable prints as a pointer, which podlab cannot reproduce: `(...)`).
    pub fn go_value(&self) -> String {
        format!(
            "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{}}}",
            self.partition.unwrap_or(0),
            if self.max_unavailable.is_some() {
                "(*intstr.IntOrString)(...)"
            } else {
                "(*intstr.IntOrString)(nil)"
            }
        )
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetPersistentVolumeClaimRetentionPolicy {
    /// `Retain` (default) or `Delete`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub when_deleted: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub when_scaled: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetOrdinals {
    pub start: i32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct StatefulSetStatus {
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub observed_generation: i64,
    pub replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub ready_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub current_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub updated_replicas: i32,
    #[serde(skip_serializing_if = "is_zero")]
    pub available_replicas: i32,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub current_revision: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub update_revision: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collision_count: Option<i32>,
}

impl StatefulSet {
    pub fn replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}

/// `apps/v1` ControllerRevision: one revision of a StatefulSet's pod template. The StatefulSet
/// controller names it `<set>-<hash>` and numbers it; pods carry the name in their
/// `controller-revision-hash` label.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ControllerRevision {
    pub metadata: ObjectMeta,
    pub data: RevisionData,
    pub revision: i64,
}

/// What a revision holds: the patch that restores the template (`{"spec":{"template":...}}`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct RevisionData {
    pub spec: RevisionSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct RevisionSpec {
    pub template: PodTemplateSpec,
}
