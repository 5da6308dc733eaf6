//! Named invariants over a snapshot, checked after every step in scenario and property tests.

use std::fmt;

use crate::model::{
    Deployment, EndpointSlice, Kind, Node, PersistentVolume, PersistentVolumeClaim, Pod, ReplicaSet,
};
use crate::sorted::SortedMap;

use super::controllers::Ctl;
use super::Sim;

/// A broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub name: &'static str,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.detail)
    }
}

/// The catalogue: (name, check).
/// An invariant check: appends what it finds broken.
pub type Check = fn(&Sim, &mut Vec<Violation>);

pub const INVARIANTS: &[(&str, Check)] = &[
    ("pods-on-missing-nodes-are-collected", pods_on_missing_nodes),
    ("pv-pvc-bindings-symmetric", pv_pvc_symmetric),
    ("owners-exist-or-being-collected", owners_exist),
    ("uids-unique", uids_unique),
    ("resource-versions-unique", resource_versions_unique),
    ("processes-run-on-powered-machines", processes_powered),
    ("pod-ips-unique", pod_ips_unique),
    ("replicaset-status-consistent", rs_status_consistent),
    ("time-never-goes-back", time_monotonic),
    ("rwo-disks-attach-to-one-node", rwo_one_node),
    ("deployment-within-max-surge", deployment_surge),
    ("statefulset-one-pod-per-identity", statefulset_identity),
    ("endpointslices-hold-each-pod-once", endpointslices_once),
];

/// Runs every invariant.
pub fn check_all(sim: &Sim) -> Vec<Violation> {
    let mut out = Vec::new();
    for (_, f) in INVARIANTS {
        f(sim, &mut out);
    }
    out
}

/// The EndpointSlice controller's slices of a Service hold at most 100 endpoints each and a pod
/// in one endpoint at most (ref §4.1).
fn endpointslices_once(sim: &Sim, out: &mut Vec<Violation>) {
    use super::controllers::endpointslice::{MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL};
    let mut seen: SortedMap<(String, String, String), String> = SortedMap::new();
    for s in sim.api.list::<EndpointSlice>() {
        let Some(svc) = s.metadata.labels.get(SERVICE_NAME_LABEL) else {
            continue;
        };
        if s.endpoints.len() > MAX_ENDPOINTS_PER_SLICE {
            out.push(Violation {
                name: "endpointslices-hold-each-pod-once",
                detail: format!("{} has {} endpoints", s.metadata.name, s.endpoints.len()),
            });
        }
        for e in &s.endpoints {
            let Some(t) = &e.target_ref else {
                continue;
            };
            let key = (
                s.metadata.namespace.to_string(),
                svc.clone(),
                t.name.clone(),
            );
            if let Some(other) = seen.insert(key, s.metadata.name.to_string()) {
                out.push(Violation {
                    name: "endpointslices-hold-each-pod-once",
                    detail: format!(
                        "pod {} is in {} and {} of service {svc}",
                        t.name, other, s.metadata.name
                    ),
                });
            }
        }
    }
}

/// At most one pod object per StatefulSet identity, named and labelled for it (ref §3.3).
fn statefulset_identity(sim: &Sim, out: &mut Vec<Violation>) {
    use super::controllers::statefulset::{parent_and_ordinal, POD_NAME_LABEL};
    let mut seen: SortedMap<(String, String, i32), String> = SortedMap::new();
    for p in sim.api.list::<Pod>() {
        let Some(owner) = p
            .metadata
            .controller_ref()
            .filter(|c| c.kind == "StatefulSet")
        else {
            continue;
        };
        let name = &p.metadata.name;
        let Some((parent, ord)) = parent_and_ordinal(name).filter(|(p, _)| *p == owner.name) else {
            out.push(Violation {
                name: "statefulset-one-pod-per-identity",
                detail: format!("pod {name} is not named <set>-<ordinal> for {}", owner.name),
            });
            continue;
        };
        let key = (p.metadata.namespace.to_string(), parent.to_string(), ord);
        if let Some(other) = seen.insert(key, name.to_string()) {
            out.push(Violation {
                name: "statefulset-one-pod-per-identity",
                detail: format!("pods {other} and {name} share ordinal {ord} of {parent}"),
            });
        }
        if p.metadata
            .labels
            .get(POD_NAME_LABEL)
            .is_some_and(|l| l != name)
        {
            out.push(Violation {
                name: "statefulset-one-pod-per-identity",
                detail: format!("pod {name} is labelled as another identity"),
            });
        }
    }
}

/// No pod stays bound to a missing node longer than PodGC's quarantine plus two check periods.
fn pods_on_missing_nodes(sim: &Sim, out: &mut Vec<Violation>) {
    let limit = sim.timing.podgc_quarantine + 2 * sim.timing.podgc_period;
    for p in sim.api.list::<Pod>() {
        let n = &p.spec.node_name;
        if n.is_empty() || sim.api.get::<Node>("", n).is_some() {
            continue;
        }
        let since = sim.ctl.podgc_missing.get(n).copied().unwrap_or(sim.now);
        if sim.now > since + limit {
            out.push(Violation {
                name: "pods-on-missing-nodes-are-collected",
                detail: format!(
                    "pod {}/{} is bound to missing node {n}",
                    p.metadata.namespace, p.metadata.name
                ),
            });
        }
    }
}

fn pv_pvc_symmetric(sim: &Sim, out: &mut Vec<Violation>) {
    for c in sim.api.list::<PersistentVolumeClaim>() {
        if c.status.phase != "Bound" {
            continue;
        }
        match sim.api.get::<PersistentVolume>("", &c.spec.volume_name) {
            None => {}
            Some(pv) => {
                let ok = pv.spec.claim_ref.as_ref().is_some_and(|r| {
                    r.name == c.metadata.name
                        && r.namespace == c.metadata.namespace
                        && r.uid == c.metadata.uid
                });
                if !ok {
                    out.push(Violation {
                        name: "pv-pvc-bindings-symmetric",
                        detail: format!(
                            "claim {} is bound to {} but the volume's claimRef differs",
                            c.metadata.name, pv.metadata.name
                        ),
                    });
                }
            }
        }
    }
    let mut claimed: SortedMap<(String, String), Vec<String>> = SortedMap::new();
    for pv in sim.api.list::<PersistentVolume>() {
        if let Some(r) = &pv.spec.claim_ref {
            if pv.status.phase == "Bound" {
                claimed
                    .entry((r.namespace.to_string(), r.name.clone()))
                    .or_default()
                    .push(pv.metadata.name.to_string());
            }
        }
    }
    for ((ns, name), pvs) in claimed {
        if pvs.len() > 1 {
            out.push(Violation {
                name: "pv-pvc-bindings-symmetric",
                detail: format!(
                    "claim {ns}/{name} is claimed by several volumes: {}",
                    pvs.join(", ")
                ),
            });
        }
    }
}

fn owners_exist(sim: &Sim, out: &mut Vec<Violation>) {
    for o in sim.api.objects() {
        let m = o.meta();
        if m.owner_references.is_empty() || m.deletion_timestamp.is_some() {
            continue;
        }
        let any_alive = m
            .owner_references
            .iter()
            .any(|r| sim.api.by_uid(&r.uid).is_some());
        let queued = sim.ctl.queued.contains_key(&super::controllers::slot(
            Ctl::GarbageCollector,
            o.object_ref(),
        ));
        if !any_alive && !queued {
            out.push(Violation {
                name: "owners-exist-or-being-collected",
                detail: format!(
                    "{} has no live owner and is not queued for collection",
                    o.object_ref()
                ),
            });
        }
    }
}

fn uids_unique(sim: &Sim, out: &mut Vec<Violation>) {
    let mut seen: SortedMap<&str, String> = SortedMap::new();
    for o in sim.api.objects() {
        let uid = o.meta().uid.as_str();
        if uid.is_empty() {
            out.push(Violation {
                name: "uids-unique",
                detail: format!("{} has no uid", o.object_ref()),
            });
        } else if let Some(prev) = seen.insert(uid, o.object_ref().to_string()) {
            out.push(Violation {
                name: "uids-unique",
                detail: format!("{} and {} share uid {uid}", prev, o.object_ref()),
            });
        }
    }
}

fn resource_versions_unique(sim: &Sim, out: &mut Vec<Violation>) {
    let mut seen = crate::sorted::SortedSet::new();
    let max = sim.api.resource_version();
    for o in sim.api.objects() {
        let rv = o.meta().resource_version.0;
        if rv == 0 || rv > max || !seen.insert(rv) {
            out.push(Violation {
                name: "resource-versions-unique",
                detail: format!(
                    "{} has resourceVersion {rv} (store at {max})",
                    o.object_ref()
                ),
            });
        }
    }
}

fn processes_powered(sim: &Sim, out: &mut Vec<Violation>) {
    for p in sim.world.processes() {
        if !sim.world.machine(&p.machine).is_some_and(|m| m.powered) {
            out.push(Violation {
                name: "processes-run-on-powered-machines",
                detail: format!(
                    "process {} of pod {} runs on powered-off {}",
                    p.id, p.pod_name, p.machine
                ),
            });
        }
    }
}

fn pod_ips_unique(sim: &Sim, out: &mut Vec<Violation>) {
    let mut seen: SortedMap<&str, &str> = SortedMap::new();
    for p in sim.api.list::<Pod>() {
        if p.status.pod_ip.is_empty() || p.is_terminal() {
            continue;
        }
        if let Some(prev) = seen.insert(&p.status.pod_ip, &p.metadata.name) {
            out.push(Violation {
                name: "pod-ips-unique",
                detail: format!(
                    "pods {prev} and {} share IP {}",
                    p.metadata.name, p.status.pod_ip
                ),
            });
        }
    }
}

fn rs_status_consistent(sim: &Sim, out: &mut Vec<Violation>) {
    for rs in sim.api.list::<ReplicaSet>() {
        let s = &rs.status;
        if s.ready_replicas > s.replicas
            || s.available_replicas > s.ready_replicas
            || s.replicas < 0
        {
            out.push(Violation {
                name: "replicaset-status-consistent",
                detail: format!(
                    "replicaset {}: replicas {} ready {} available {}",
                    rs.metadata.name, s.replicas, s.ready_replicas, s.available_replicas
                ),
            });
        }
    }
}

/// A network disk without RWX/ROX is attached to at most one node (ref §5.3).
fn rwo_one_node(sim: &Sim, out: &mut Vec<Violation>) {
    use super::controllers::attach_detach::multi_attach_allowed;
    let mut last: Option<(&str, &str)> = None;
    for (pv, node) in sim.world.attachments() {
        if let Some((prev_pv, prev_node)) = last {
            let multi = sim
                .api
                .get::<PersistentVolume>("", pv)
                .is_some_and(multi_attach_allowed);
            if prev_pv == pv && !multi {
                out.push(Violation {
                    name: "rwo-disks-attach-to-one-node",
                    detail: format!("volume {pv} is attached to {prev_node} and {node}"),
                });
            }
        }
        last = Some((pv, node));
    }
}

/// Outside a resize, a rolling Deployment's ReplicaSets add up to at most replicas + maxSurge.
fn deployment_surge(sim: &Sim, out: &mut Vec<Violation>) {
    use super::controllers::deployment::{resolve_fenceposts, DESIRED_REPLICAS_ANNOTATION};
    for d in sim.api.list::<Deployment>() {
        if d.spec.strategy.type_ == "Recreate" || d.spec.paused {
            continue;
        }
        let owned: Vec<&ReplicaSet> = sim
            .api
            .list_in::<ReplicaSet>(&d.metadata.namespace)
            .filter(|r| {
                r.metadata
                    .controller_ref()
                    .is_some_and(|c| c.uid == d.metadata.uid)
            })
            .collect();
        let want = d.replicas();
        let settled = owned.iter().all(|r| {
            r.spec.replicas == Some(0)
                || r.metadata.annotations.get(DESIRED_REPLICAS_ANNOTATION)
                    == Some(&want.to_string())
        });
        let ru = d.spec.strategy.rolling_update.as_ref();
        let (surge, _) = resolve_fenceposts(
            ru.and_then(|r| r.max_surge.as_ref()),
            ru.and_then(|r| r.max_unavailable.as_ref()),
            want,
        );
        let total: i32 = owned.iter().map(|r| r.replicas()).sum();
        if settled && total > want + surge {
            out.push(Violation {
                name: "deployment-within-max-surge",
                detail: format!(
                    "deployment {}: {total} replicas over {want} + maxSurge {surge}",
                    d.metadata.name
                ),
            });
        }
    }
}

fn time_monotonic(sim: &Sim, out: &mut Vec<Violation>) {
    if let Some(t) = sim.next_event_time() {
        if t < sim.now {
            out.push(Violation {
                name: "time-never-goes-back",
                detail: format!("next event at {t} before now {}", sim.now),
            });
        }
    }
    let _ = Kind::Pod;
}

/// Runs for `ms`, checking every invariant after every event. Panics with the seed, the event
/// index and the time on the first violation, so a failing scenario can be replayed.
pub fn run_checked(sim: &mut Sim, ms: u64) {
    let deadline = sim.now().saturating_add(ms);
    while sim.next_event_time().is_some_and(|t| t <= deadline) {
        let info = sim.step().expect("event pending");
        let v = check_all(sim);
        assert!(
            v.is_empty(),
            "invariant violated (seed {}, event {}, t={}ms): {}",
            sim.seed(),
            info.event_index,
            info.time,
            v.iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    sim.advance_clock(deadline);
}

/// Like `Sim::run_until`, checking invariants after every event.
pub fn run_until_checked(sim: &mut Sim, mut pred: impl FnMut(&Sim) -> bool, limit_ms: u64) -> bool {
    let deadline = sim.now().saturating_add(limit_ms);
    loop {
        if pred(sim) {
            return true;
        }
        match sim.next_event_time() {
            Some(t) if t <= deadline => {
                let info = sim.step().expect("event pending");
                let v = check_all(sim);
                assert!(
                    v.is_empty(),
                    "invariant violated (seed {}, event {}, t={}ms): {}",
                    sim.seed(),
                    info.event_index,
                    info.time,
                    v.iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            _ => {
                sim.advance_clock(deadline);
                return pred(sim);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::storage::CsiPersistentVolumeSource;
    use crate::model::{ObjectMeta, Quantity};
    use crate::sim::trace::Actor;
    use crate::sim::SimBuilder;

    #[test]
    fn a_second_attachment_of_an_rwo_disk_is_flagged() {
        let mut sim = SimBuilder::new(1).workers(2).build().unwrap();
        let mut pv = PersistentVolume {
            metadata: ObjectMeta::named("", "disk"),
            ..Default::default()
        };
        pv.spec.access_modes = vec!["ReadWriteOnce".into()];
        pv.spec.capacity = [("storage".to_string(), Quantity::parse("1Gi").unwrap())].into();
        pv.spec.csi = Some(CsiPersistentVolumeSource {
            driver: "disk.csi.podlab.dev".into(),
            volume_handle: "disk".into(),
        });
        sim.api_create(&Actor::User, None, pv.into(), "").unwrap();
        sim.world.attach("disk", "node-1");
        let mut out = Vec::new();
        rwo_one_node(&sim, &mut out);
        assert!(out.is_empty());
        sim.world.attach("disk", "node-2");
        rwo_one_node(&sim, &mut out);
        assert_eq!(
            out[0].detail,
            "volume disk is attached to node-1 and node-2"
        );
    }
}
