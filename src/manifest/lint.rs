//! Cross-object lints: mistakes each object's schema accepts but the set of objects reveals.

use std::fmt;

use crate::model::{IntOrString, LabelSelector, Object, PodSpec, Service};
use crate::sorted::SortedMap;

use super::{Diagnostic, FieldPath, Manifest, ManifestObject, Severity};

/// A lint finding, about `manifests[manifest]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lint {
    pub manifest: usize,
    pub diagnostic: Diagnostic,
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt(f)
    }
}

const LEGACY_MASTER_TAINT: &str = "node-role.kubernetes.io/master";

/// A pod template (or a bare pod) and where it sits in its manifest.
struct Template<'a> {
    namespace: &'a str,
    labels: &'a SortedMap<String, String>,
    spec: &'a PodSpec,
    replicas: i32,
    /// Extra pods a rollout may create (a Deployment's surge).
    rolls_with_surge: bool,
    /// `spec.template.spec` or `spec`.
    spec_path: FieldPath,
    manifest: Option<usize>,
}

fn ns(n: &str) -> &str {
    if n.is_empty() {
        "default"
    } else {
        n
    }
}

fn templates_of<'a>(obj: &'a ManifestObject, manifest: Option<usize>) -> Option<Template<'a>> {
    let tpl = FieldPath::root()
        .field("spec")
        .field("template")
        .field("spec");
    let namespace = ns(&obj.meta().namespace);
    Some(match obj {
        ManifestObject::StatefulSet(s) | ManifestObject::Object(Object::StatefulSet(s)) => {
            Template {
                namespace,
                labels: &s.spec.template.metadata.labels,
                spec: &s.spec.template.spec,
                replicas: s.replicas(),
                rolls_with_surge: false,
                spec_path: tpl,
                manifest,
            }
        }
        ManifestObject::Object(Object::ReplicaSet(rs)) => Template {
            namespace,
            labels: &rs.spec.template.metadata.labels,
            spec: &rs.spec.template.spec,
            replicas: rs.replicas(),
            rolls_with_surge: false,
            spec_path: tpl,
            manifest,
        },
        ManifestObject::Object(Object::Deployment(d)) => Template {
            namespace,
            labels: &d.spec.template.metadata.labels,
            spec: &d.spec.template.spec,
            replicas: d.replicas(),
            rolls_with_surge: d.spec.strategy.type_ != "Recreate",
            spec_path: tpl,
            manifest,
        },
        ManifestObject::Object(Object::Pod(p)) => Template {
            namespace,
            labels: &p.metadata.labels,
            spec: &p.spec,
            replicas: 1,
            rolls_with_surge: false,
            spec_path: FieldPath::root().field("spec"),
            manifest,
        },
        _ => return None,
    })
}

fn label_text(m: &SortedMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Runs every lint over `manifests`, with `cluster` (objects already applied) as context.
pub fn lint(manifests: &[Manifest], cluster: &[Object]) -> Vec<Lint> {
    let cluster: Vec<ManifestObject> = cluster
        .iter()
        .cloned()
        .map(ManifestObject::Object)
        .collect();
    let all: Vec<(&ManifestObject, Option<usize>)> = manifests
        .iter()
        .enumerate()
        .map(|(i, m)| (&m.object, Some(i)))
        .chain(cluster.iter().map(|o| (o, None)))
        .collect();
    let templates: Vec<Template> = all
        .iter()
        .filter_map(|(o, i)| templates_of(o, *i))
        .collect();
    let mut out = Vec::new();
    let mut emit = |i: usize, path: FieldPath, message: String| {
        let m = &manifests[i];
        out.push(Lint {
            manifest: i,
            diagnostic: Diagnostic {
                severity: Severity::Warning,
                doc: m.doc,
                pos: Some(m.source.pos_of(&path)),
                path: path.to_string(),
                message,
            },
        });
    };

    for (i, m) in manifests.iter().enumerate() {
        let namespace = ns(&m.object.meta().namespace);
        match &m.object {
            ManifestObject::Object(Object::Service(svc)) => {
                service_selects_nothing(svc, namespace, &templates, |p, msg| emit(i, p, msg))
            }
            ManifestObject::StatefulSet(s) => {
                let spec = FieldPath::root().field("spec");
                let name = &s.spec.service_name;
                if name.is_empty() {
                    emit(i, spec, "spec.serviceName is not set: the pods get no stable DNS names (<pod>.<service>); name a headless Service here".into());
                } else {
                    let svc = all.iter().find_map(|(o, _)| match o {
                        ManifestObject::Object(Object::Service(x))
                            if x.metadata.name == *name
                                && ns(&x.metadata.namespace) == namespace =>
                        {
                            Some(x)
                        }
                        _ => None,
                    });
                    let path = spec.field("serviceName");
                    match svc {
                        None => emit(i, path, format!("spec.serviceName: no Service {name:?} in namespace {namespace:?}: the pods get DNS names only once a headless Service of that name exists")),
                        Some(x) if !x.is_headless() => emit(i, path, format!("spec.serviceName: Service {name:?} is not headless (clusterIP: None): its name resolves to one virtual IP, and {}-0.{name} does not resolve", s.metadata.name)),
                        Some(_) => {}
                    }
                }
            }
            ManifestObject::Object(Object::PodDisruptionBudget(pdb)) => {
                let spec = FieldPath::root().field("spec");
                let sel = pdb.spec.selector.clone().unwrap_or_default();
                let expected: i32 = templates
                    .iter()
                    .filter(|t| {
                        t.namespace == namespace && t.manifest != Some(i) && sel.matches(t.labels)
                    })
                    .map(|t| t.replicas)
                    .sum();
                let never = match (&pdb.spec.min_available, &pdb.spec.max_unavailable) {
                    (_, Some(IntOrString::Int(0))) => Some((
                        spec.field("maxUnavailable"),
                        "maxUnavailable is 0".to_string(),
                    )),
                    (_, Some(IntOrString::String(s))) if s == "0%" => Some((
                        spec.field("maxUnavailable"),
                        "maxUnavailable is 0%".to_string(),
                    )),
                    (Some(IntOrString::String(s)), _) if s == "100%" => Some((
                        spec.field("minAvailable"),
                        "minAvailable is 100%".to_string(),
                    )),
                    (Some(IntOrString::Int(n)), _) if expected > 0 && *n >= expected => Some((
                        spec.field("minAvailable"),
                        format!(
                            "minAvailable {n} is not below the {expected} replica(s) it selects"
                        ),
                    )),
                    _ => None,
                };
                if let Some((path, why)) = never {
                    emit(i, path, format!("PodDisruptionBudget {:?} can never allow a disruption: {why}, so every eviction is refused and kubectl drain retries forever", pdb.metadata.name));
                }
            }
            _ => {}
        }
        if let Some(t) = templates_of(&m.object, Some(i)) {
            for (j, tol) in t.spec.tolerations.iter().enumerate() {
                if tol.key == LEGACY_MASTER_TAINT {
                    emit(i, t.spec_path.field("tolerations").index(j).field("key"), format!("toleration for the legacy {LEGACY_MASTER_TAINT} taint: control-plane nodes are tainted node-role.kubernetes.io/control-plane since Kubernetes 1.24, so this toleration matches nothing"));
                }
            }
            shared_rwo_claims(&t, namespace, &all, |p, msg| emit(i, p, msg));
        }
    }
    out
}

fn service_selects_nothing(
    svc: &Service,
    namespace: &str,
    templates: &[Template],
    mut emit: impl FnMut(FieldPath, String),
) {
    if svc.spec.selector.is_empty() || svc.spec.type_ == "ExternalName" {
        return;
    }
    let sel = LabelSelector {
        match_labels: svc.spec.selector.clone(),
        match_expressions: Vec::new(),
    };
    let matched = templates
        .iter()
        .any(|t| t.namespace == namespace && sel.matches(t.labels));
    if !matched {
        emit(
            FieldPath::root().field("spec").field("selector"),
            format!(
                "Service {:?} selects {} but no pod template in namespace {namespace:?} has those labels: it will have no endpoints",
                svc.metadata.name,
                label_text(&svc.spec.selector)
            ),
        );
    }
}

fn shared_rwo_claims(
    t: &Template,
    namespace: &str,
    all: &[(&ManifestObject, Option<usize>)],
    mut emit: impl FnMut(FieldPath, String),
) {
    let pods = t.replicas + i32::from(t.rolls_with_surge);
    if pods < 2 {
        return;
    }
    // Pinned to one node: every replica shares that node, so the claim attaches once.
    let pinned =
        !t.spec.node_name.is_empty() || t.spec.node_selector.contains_key("kubernetes.io/hostname");
    if pinned {
        return;
    }
    for (j, v) in t.spec.volumes.iter().enumerate() {
        let Some(c) = &v.persistent_volume_claim else {
            continue;
        };
        let claim = all.iter().find_map(|(o, _)| match o {
            ManifestObject::Object(Object::PersistentVolumeClaim(p))
                if p.metadata.name == c.claim_name && ns(&p.metadata.namespace) == namespace =>
            {
                Some(p)
            }
            _ => None,
        });
        let Some(claim) = claim else { continue };
        let single = claim
            .spec
            .access_modes
            .iter()
            .find(|m| *m == "ReadWriteOnce" || *m == "ReadWriteOncePod");
        let multi = claim
            .spec
            .access_modes
            .iter()
            .any(|m| m == "ReadWriteMany" || m == "ReadOnlyMany");
        let (Some(mode), false) = (single, multi) else {
            continue;
        };
        let who = if t.replicas > 1 {
            format!("{} replicas mount it", t.replicas)
        } else {
            "a rolling update runs a second pod that mounts it".to_string()
        };
        emit(
            t.spec_path.field("volumes").index(j).field("persistentVolumeClaim").field("claimName"),
            format!(
                "claim {:?} is {mode} but {who}: pods scheduled to another node stay ContainerCreating with a Multi-Attach error",
                c.claim_name
            ),
        );
    }
}
