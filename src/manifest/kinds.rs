//! Which (apiVersion, kind) pairs exist, which podlab simulates, and what to say about the rest.

use crate::model::Kind;

/// What a document's `apiVersion` and `kind` name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// A kind the model stores.
    Simulated(Kind),
    /// `apps/v1` StatefulSet.
    StatefulSet,
    /// `v1` List: its `items` are documents of their own.
    List,
    /// Served by Kubernetes but not by podlab: the message says so.
    Unsupported(String),
    /// Not served at all, as the API server would answer.
    NoMatch(String),
}

/// Kinds served by a current Kubernetes, by group/version.
const SERVED: &[(&str, &[&str])] = &[
    (
        "v1",
        &[
            "Binding",
            "ComponentStatus",
            "ConfigMap",
            "Endpoints",
            "Event",
            "LimitRange",
            "List",
            "Namespace",
            "Node",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "Secret",
            "Service",
            "ServiceAccount",
        ],
    ),
    (
        "apps/v1",
        &[
            "ControllerRevision",
            "DaemonSet",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
        ],
    ),
    ("batch/v1", &["CronJob", "Job"]),
    ("autoscaling/v1", &["HorizontalPodAutoscaler"]),
    ("autoscaling/v2", &["HorizontalPodAutoscaler"]),
    ("policy/v1", &["PodDisruptionBudget"]),
    (
        "networking.k8s.io/v1",
        &["Ingress", "IngressClass", "NetworkPolicy"],
    ),
    (
        "rbac.authorization.k8s.io/v1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    ),
    (
        "storage.k8s.io/v1",
        &[
            "CSIDriver",
            "CSINode",
            "CSIStorageCapacity",
            "StorageClass",
            "VolumeAttachment",
        ],
    ),
    ("coordination.k8s.io/v1", &["Lease"]),
    ("discovery.k8s.io/v1", &["EndpointSlice"]),
    ("events.k8s.io/v1", &["Event"]),
    ("scheduling.k8s.io/v1", &["PriorityClass"]),
    ("node.k8s.io/v1", &["RuntimeClass"]),
    ("apiextensions.k8s.io/v1", &["CustomResourceDefinition"]),
    (
        "admissionregistration.k8s.io/v1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "ValidatingWebhookConfiguration",
        ],
    ),
    ("certificates.k8s.io/v1", &["CertificateSigningRequest"]),
];

/// Kinds of well-known add-ons and distributions, so their message can say where they come from.
const ECOSYSTEMS: &[(&str, &str)] = &[
    ("openshift.io", "an OpenShift resource"),
    ("knative.dev", "a Knative resource"),
    ("istio.io", "an Istio resource"),
    (
        "autoscaling.k8s.io",
        "a resource of the VerticalPodAutoscaler add-on",
    ),
    ("x-k8s.io", "a Kubernetes SIGs project's resource"),
];

/// OpenShift's kinds that old manifests file under plain `v1`.
const OPENSHIFT_V1: &[&str] = &[
    "BuildConfig",
    "DeploymentConfig",
    "ImageStream",
    "Route",
    "Template",
];

pub fn resolve(api_version: &str, kind: &str) -> Resolution {
    // Typed in `model` and stored by the API server, but read as its own variant until
    // callers take it as an `Object` (see `ManifestObject::into_object`).
    if kind == "StatefulSet" && api_version == "apps/v1" {
        return Resolution::StatefulSet;
    }
    if let Some(k) = Kind::from_kind_name(kind) {
        if k.api_version() == api_version {
            return Resolution::Simulated(k);
        }
    }
    if kind == "List" && api_version == "v1" {
        return Resolution::List;
    }
    let no_match = format!("no matches for kind {kind:?} in version {api_version:?}");
    let served_here = SERVED
        .iter()
        .any(|(gv, kinds)| *gv == api_version && kinds.contains(&kind));
    if served_here {
        return Resolution::Unsupported(format!(
            "kind {kind:?} ({api_version}) is not simulated by podlab; this document is skipped"
        ));
    }
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    if let Some((_, what)) = ECOSYSTEMS
        .iter()
        .find(|(suffix, _)| group.ends_with(suffix))
    {
        return Resolution::NoMatch(format!(
            "{no_match} ({what}; podlab has only built-in kinds)"
        ));
    }
    if api_version == "v1" && OPENSHIFT_V1.contains(&kind) {
        return Resolution::NoMatch(format!(
            "{no_match} (an OpenShift resource; podlab has only built-in kinds)"
        ));
    }
    // The kind exists, in another version: the usual slip after an API removal.
    let versions: Vec<&str> = SERVED
        .iter()
        .filter(|(_, kinds)| kinds.contains(&kind))
        .map(|(gv, _)| *gv)
        .collect();
    if !versions.is_empty() {
        return Resolution::NoMatch(format!(
            "{no_match}: {kind} is served as apiVersion {}",
            versions.join(" or ")
        ));
    }
    if let Some(suggestion) = suggest_kind(kind) {
        return Resolution::NoMatch(format!("{no_match}: did you mean {suggestion:?}?"));
    }
    if group.contains('.') && !group.ends_with("k8s.io") {
        return Resolution::NoMatch(format!(
            "{no_match} (a custom resource; podlab has no CustomResourceDefinitions)"
        ));
    }
    Resolution::NoMatch(no_match)
}

/// A served kind that differs only in case or by a typo of up to two letters.
pub fn suggest_kind(kind: &str) -> Option<&'static str> {
    let all = SERVED.iter().flat_map(|(_, kinds)| kinds.iter().copied());
    let mut best: Option<(usize, &'static str)> = None;
    for k in all {
        if k.eq_ignore_ascii_case(kind) {
            return Some(k);
        }
        let d = edit_distance(&k.to_ascii_lowercase(), &kind.to_ascii_lowercase());
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Names what a YAML mapping without `apiVersion`/`kind` probably is.
pub fn describe_non_manifest(keys: &[&str], api_version: Option<&str>) -> Option<&'static str> {
    let has = |k: &str| keys.contains(&k);
    if has("jobs") && (has("on") || has("true")) {
        return Some("a GitHub Actions workflow");
    }
    if has("pattern") && has("examples") {
        return Some("an index of the book's examples (index.yml)");
    }
    if has("name") && has("version") && matches!(api_version, Some("v1" | "v2")) {
        return Some("a Helm chart description (Chart.yaml)");
    }
    if has("resources") || has("bases") || has("patchesStrategicMerge") || has("patches") {
        return Some("a Kustomize file (for kubectl apply -k)");
    }
    if has("services") && (has("version") || has("volumes")) {
        return Some("a Docker Compose file");
    }
    None
}

/// Names files that have `apiVersion` and `kind` but are configs of other tools.
pub fn describe_tool_config(api_version: &str, kind: &str) -> Option<&'static str> {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    match (group, kind) {
        ("kind.x-k8s.io", "Cluster") => {
            Some("a kind cluster configuration (for `kind create cluster --config`)")
        }
        ("kustomize.config.k8s.io", _) => Some("a Kustomize file (for kubectl apply -k)"),
        ("kubeadm.k8s.io", _) => Some("a kubeadm configuration"),
        ("kubelet.config.k8s.io", _) => Some("a kubelet configuration"),
        ("", "Config") if api_version == "v1" => Some("a kubeconfig file"),
        _ => None,
    }
}
