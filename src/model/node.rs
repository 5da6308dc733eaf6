//! Node: taints, conditions, capacity.

use crate::sorted::SortedMap;

use podlab_derive::{Decode, Encode};

use super::meta::{ObjectMeta, Time};
use super::quantity::Quantity;

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    pub metadata: ObjectMeta,
    pub spec: NodeSpec,
    pub status: NodeStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSpec {
    #[serde(rename = "podCIDR", skip_serializing_if = "String::is_empty")]
    pub pod_cidr: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unschedulable: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

/// `spec.taints[]`. `timeAdded` is set for NoExecute taints, as upstream.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct Taint {
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_added: Option<Time>,
}

impl Taint {
    pub fn new(key: &str, value: &str, effect: &str) -> Self {
        Taint {
            key: key.to_string(),
            value: value.to_string(),
            effect: effect.to_string(),
            time_added: None,
        }
    }

    /// `key=value:effect`, as `kubectl describe node` prints taints.
    pub fn describe(&self) -> String {
        if self.value.is_empty() {
            format!("{}:{}", self.key, self.effect)
        } else {
            format!("{}={}:{}", self.key, self.value, self.effect)
        }
    }

    /// Parses kubectl's taint argument `key[=value]:Effect`.
    pub fn parse(spec: &str) -> Result<Taint, String> {
        let (kv, effect) = spec
            .rsplit_once(':')
            .ok_or_else(|| format!("invalid taint spec: {spec}"))?;
        if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            return Err(format!(
                "invalid taint effect: {effect}, unsupported taint effect"
            ));
        }
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        super::selector::validate_key(k).map_err(|e| format!("invalid taint spec: {spec}, {e}"))?;
        Ok(Taint::new(k, v, effect))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeStatus {
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub capacity: SortedMap<String, Quantity>,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub allocatable: SortedMap<String, Quantity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<NodeCondition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    pub node_info: NodeSystemInfo,
    /// Volumes the kubelet has mounted or is about to mount (unique names such as
    /// `kubernetes.io/csi/disk.csi.podlab.dev^pvc-...`); the attach/detach controller will not
    /// detach these safely.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes_in_use: Vec<String>,
    /// Volumes the attach/detach controller attached to this node.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub volumes_attached: Vec<AttachedVolume>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct AttachedVolume {
    pub name: String,
    pub device_path: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_time: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeAddress {
    #[serde(rename = "type")]
    pub type_: String,
    pub address: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct NodeSystemInfo {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kubelet_version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub container_runtime_version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub os_image: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kernel_version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub architecture: String,
}

impl Node {
    pub fn condition(&self, type_: &str) -> Option<&NodeCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    /// Ready condition status: `True`, `False`, `Unknown`, or `Unknown` when absent.
    pub fn ready_status(&self) -> &str {
        self.condition("Ready")
            .map_or("Unknown", |c| c.status.as_str())
    }

    pub fn is_ready(&self) -> bool {
        self.ready_status() == "True"
    }

    /// STATUS as `kubectl get nodes` prints it (ref §2.1).
    pub fn display_status(&self) -> String {
        let mut s = if self.is_ready() { "Ready" } else { "NotReady" }.to_string();
        if self.spec.unschedulable {
            s.push_str(",SchedulingDisabled");
        }
        s
    }

    /// ROLES column from `node-role.kubernetes.io/<role>` labels.
    pub fn roles(&self) -> Vec<String> {
        self.metadata
            .labels
            .keys()
            .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
            .map(str::to_string)
            .collect()
    }

    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }

    pub fn has_taint(&self, key: &str, effect: &str) -> bool {
        self.spec
            .taints
            .iter()
            .any(|t| t.key == key && t.effect == effect)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taint_specs_parse_like_kubectl() {
        let t = Taint::parse("node.kubernetes.io/out-of-service=nodeshutdown:NoExecute").unwrap();
        assert_eq!(t.key, "node.kubernetes.io/out-of-service");
        assert_eq!(t.value, "nodeshutdown");
        assert_eq!(
            t.describe(),
            "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
        );
        assert!(Taint::parse("k=v:Sometimes").is_err());
        assert!(Taint::parse("novalue").is_err());
        assert_eq!(
            Taint::parse("dedicated:NoSchedule").unwrap().describe(),
            "dedicated:NoSchedule"
        );
    }
}
