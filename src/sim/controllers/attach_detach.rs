//! The attach/detach controller (ref §5.3, §2.6): attaches network disks to the nodes whose pods
//! need them and detaches them when no pod does. A disk that is not multi-attachable (no RWX/ROX
//! access mode) is attached to one node at a time; a pod elsewhere waits with a Multi-Attach
//! error. A detach waits for the node to unmount, for at most `maxWaitForUnmountDuration`, and
//! is then forced only while the node is not Ready; the out-of-service taint skips the wait.
//!
//! Desired state: volumes of scheduled pods that are not terminated, on nodes that exist. Actual
//! state: the world's attachments. Each PV is one work-queue key.

use crate::sorted::SortedMap;

use crate::model::{
    AttachedVolume, Kind, Node, Object, ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod,
    Shared,
};
use crate::sim::trace::{Actor, Change};
use crate::sim::{Ctl, Event, Sim};

use super::node_lifecycle::TAINT_OUT_OF_SERVICE;

const ACTOR: Actor = Actor::Controller(&"attachdetach-controller");

/// The CSI driver of the default `standard` class: a cloud disk that attaches to nodes.
pub const NETWORK_DISK_DRIVER: &str = "disk.csi.podlab.dev";

/// What the controller remembers between syncs.
#[derive(Clone, Debug, Default)]
pub(crate) struct AdcState {
    /// (pv, node) -> when a detach was first wanted (`DetachRequestedTime`).
    pub detach_requested: SortedMap<(String, String), u64>,
    /// pv -> the attach (true) or detach (false) in flight, and its node.
    pub pending: SortedMap<String, (String, bool)>,
    /// (pv, node, pod uid) -> the Multi-Attach message last reported to that pod.
    pub reported: SortedMap<(String, String, String), String>,
    /// (pv, node) -> whether the node listed the volume in `volumesInUse` when last seen.
    pub mounted: SortedMap<(String, String), bool>,
}

/// Only network disks go through attach; hostPath and local volumes are just there.
pub fn is_attachable(pv: &PersistentVolume) -> bool {
    pv.spec
        .csi
        .as_ref()
        .is_some_and(|c| c.driver == NETWORK_DISK_DRIVER)
}

/// Whether the named PV goes through attach (or is still attached somewhere).
pub(crate) fn needs_attach(sim: &Sim, pv: &str) -> bool {
    !pv.is_empty()
        && (sim
            .api
            .get::<PersistentVolume>("", pv)
            .is_some_and(is_attachable)
            || !sim.world.attached_nodes(pv).is_empty())
}

/// `IsMultiAttachAllowed`: RWX or ROX volumes may attach to many nodes.
pub fn multi_attach_allowed(pv: &PersistentVolume) -> bool {
    pv.spec
        .access_modes
        .iter()
        .any(|m| m == "ReadWriteMany" || m == "ReadOnlyMany")
}

/// The unique volume name kubelets and this controller put in the Node status.
pub fn unique_volume_name(pv: &PersistentVolume) -> String {
    match &pv.spec.csi {
        Some(c) => format!("kubernetes.io/csi/{}^{}", c.driver, c.volume_handle),
        None => format!("kubernetes.io/pv/{}", pv.metadata.name),
    }
}

/// `IsPodTerminated`: finished, or deleted with no container reported running. A Terminating
/// pod on a dead node still reports running containers, so it keeps its volume (ref §5.3).
pub fn pod_terminated(p: &Pod) -> bool {
    p.is_terminal()
        || (p.metadata.deletion_timestamp.is_some()
            && p.status
                .container_statuses
                .iter()
                .all(|c| c.state.running.is_none()))
}

fn pv_ref(name: &str) -> ObjectRef {
    ObjectRef::new(Kind::PersistentVolume, "", name)
}

/// PVs behind a pod's claims (bound claims only).
pub(crate) fn pod_volumes(sim: &Sim, p: &Pod) -> Vec<String> {
    p.claim_names()
        .filter_map(|c| {
            sim.api
                .get::<PersistentVolumeClaim>(&p.metadata.namespace, c)
                .map(|pvc| pvc.spec.volume_name.clone())
        })
        .filter(|v| !v.is_empty())
        .collect()
}

/// Desired state for one PV: node -> pods scheduled there that need it.
fn desired_state(sim: &Sim, pv: &PersistentVolume) -> SortedMap<String, Vec<Pod>> {
    let mut out: SortedMap<String, Vec<Pod>> = SortedMap::new();
    let Some(claim) = &pv.spec.claim_ref else {
        return out;
    };
    let bound = sim
        .api
        .get::<PersistentVolumeClaim>(&claim.namespace, &claim.name)
        .is_some_and(|c| c.spec.volume_name == pv.metadata.name);
    if !bound {
        return out;
    }
    for p in sim.api.list_in::<Pod>(&claim.namespace) {
        if p.spec.node_name.is_empty()
            || pod_terminated(p)
            || !p.claim_names().any(|c| c == claim.name)
            || sim.api.get::<Node>("", &p.spec.node_name).is_none()
        {
            continue;
        }
        out.entry(p.spec.node_name.clone())
            .or_default()
            .push(p.clone());
    }
    out
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let pv_name = key.name.to_string();
    if sim.ctl.adc.pending.contains_key(&pv_name) {
        // One operation per volume; its completion requeues us.
        return;
    }
    let attached: Vec<String> = sim
        .world
        .attached_nodes(&pv_name)
        .into_iter()
        .map(String::from)
        .collect();
    let pv = sim
        .api
        .get::<PersistentVolume>("", &pv_name)
        .filter(|pv| is_attachable(pv))
        .cloned();
    let Some(pv) = pv else {
        // The volume is gone: release what is still attached.
        if let Some(node) = attached.first() {
            start_op(sim, &pv_name, node, false, "the volume no longer exists");
        }
        return;
    };
    let unique = unique_volume_name(&pv);
    let desired = desired_state(sim, &pv);
    let now = sim.now;
    for n in &attached {
        if let Some(node) = sim.api.get::<Node>("", n) {
            let mounted = node.status.volumes_in_use.contains(&unique);
            sim.ctl
                .adc
                .mounted
                .insert((pv_name.clone(), n.clone()), mounted);
        }
    }

    // Detach what no pod needs any more.
    for n in attached.iter().filter(|n| !desired.contains_key(*n)) {
        let slot = (pv_name.clone(), n.clone());
        let since = *sim
            .ctl
            .adc
            .detach_requested
            .entry(slot.clone())
            .or_insert(now);
        let max_wait = sim.timing.max_wait_for_unmount;
        let timeout = now.saturating_sub(since) > max_wait;
        let node = sim.api.get::<Node>("", n);
        let healthy = node.is_some_and(|n| n.is_ready());
        let out_of_service =
            node.is_some_and(|n| n.spec.taints.iter().any(|t| t.key == TAINT_OUT_OF_SERVICE));
        let mounted = sim.ctl.adc.mounted.get(&slot).copied().unwrap_or(false);
        let force = timeout && !healthy;
        if mounted && !force && !out_of_service {
            // Still mounted: wait for the kubelet to unmount, or for the timeout.
            if !timeout {
                sim.enqueue_at(Ctl::AttachDetach, pv_ref(&pv_name), since + max_wait + 1);
            }
            continue;
        }
        let why = if !mounted {
            "no pod uses it and the node unmounted it"
        } else if out_of_service {
            "node has the out-of-service taint"
        } else {
            "this volume is not safe to detach, but maxWaitForUnmountDuration expired, force detaching"
        };
        start_op(sim, &pv_name, n, false, why);
        return;
    }

    // Attach where pods need it.
    let multi = multi_attach_allowed(&pv);
    for (n, pods) in &desired {
        if attached.contains(n) {
            sim.ctl
                .adc
                .detach_requested
                .remove(&(pv_name.clone(), n.clone()));
            continue;
        }
        let others: Vec<&String> = attached.iter().filter(|a| *a != n).collect();
        if !multi && !others.is_empty() {
            report_multi_attach(sim, &pv_name, n, pods, &others, &desired);
            continue;
        }
        let why = format!("pod {} needs it", pods[0].metadata.name);
        start_op(sim, &pv_name, n, true, &why);
        return;
    }

    // Forget reports for pods that no longer wait here.
    sim.ctl.adc.reported.retain(|(v, node, uid), _| {
        v != &pv_name
            || desired
                .get(node)
                .is_some_and(|ps| ps.iter().any(|p| &p.metadata.uid == uid))
    });
}

/// `reportMultiAttachError`: one message per waiting pod, naming the pods that hold the volume
/// on the other node, or saying it is exclusively attached once none does (ref §5.3).
fn report_multi_attach(
    sim: &mut Sim,
    pv: &str,
    node: &str,
    waiting: &[Pod],
    others: &[&String],
    desired: &SortedMap<String, Vec<Pod>>,
) {
    let holders: Vec<&Pod> = others
        .iter()
        .filter_map(|o| desired.get(*o))
        .flatten()
        .collect();
    for p in waiting {
        let suffix = if holders.is_empty() {
            "Volume is already exclusively attached to one node and can't be attached to another"
                .to_string()
        } else {
            let local: Vec<&str> = holders
                .iter()
                .filter(|h| h.metadata.namespace == p.metadata.namespace)
                .map(|h| h.metadata.name.as_str())
                .collect();
            let other = holders.len() - local.len();
            match (local.is_empty(), other) {
                (false, 0) => format!("Volume is already used by pod(s) {}", local.join(", ")),
                (false, n) => format!(
                    "Volume is already used by pod(s) {} and {n} pod(s) in different namespaces",
                    local.join(", ")
                ),
                (true, n) => {
                    format!("Volume is already used by {n} pod(s) in different namespaces")
                }
            }
        };
        let msg = format!("Multi-Attach error for volume {pv:?} {suffix}");
        let slot = (pv.to_string(), node.to_string(), p.metadata.uid.to_string());
        // Upstream reports once per waiting pod; podlab reports again when the reason changes,
        // so the switch to "exclusively attached" is visible.
        if sim.ctl.adc.reported.get(&slot) == Some(&msg) {
            continue;
        }
        sim.ctl.adc.reported.insert(slot, msg.clone());
        let r = ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name);
        sim.api_event(&ACTOR, &r, "Warning", "FailedAttachVolume", &msg);
    }
}

fn start_op(sim: &mut Sim, pv: &str, node: &str, attach: bool, why: &str) {
    sim.ctl
        .adc
        .pending
        .insert(pv.to_string(), (node.to_string(), attach));
    let r = pv_ref(pv);
    let what = if attach {
        format!("attaching volume {pv} to {node}")
    } else {
        sim.ctl
            .adc
            .detach_requested
            .remove(&(pv.to_string(), node.to_string()));
        // No longer safe to mount there: drop it from the Node's volumesAttached first.
        set_volumes_attached(sim, pv, node, false);
        format!("detaching volume {pv} from {node}")
    };
    sim.record(&ACTOR, Some(&r), Some(&r), Change::World, what, why);
    let (lo, hi) = (sim.timing.volume_op_min, sim.timing.volume_op_max);
    let delay = sim.rng.between(lo, hi);
    sim.schedule(
        delay,
        Event::VolumeOpDone {
            pv: pv.to_string(),
            node: node.to_string(),
            attach,
        },
    );
}

/// The cloud call finished: the world changes, the Node status follows, pods hear about it.
pub(crate) fn op_done(sim: &mut Sim, pv: &str, node: &str, attach: bool) {
    if sim.ctl.adc.pending.get(pv) == Some(&(node.to_string(), attach)) {
        sim.ctl.adc.pending.remove(pv);
    }
    let r = pv_ref(pv);
    if attach {
        sim.world.attach(pv, node);
        sim.record(
            &ACTOR,
            Some(&r),
            Some(&r),
            Change::World,
            format!("volume {pv} attached to {node}"),
            "",
        );
        set_volumes_attached(sim, pv, node, true);
        let pods: Vec<ObjectRef> = sim
            .api
            .get::<PersistentVolume>("", pv)
            .map(|v| desired_state(sim, v))
            .and_then(|mut d| d.remove(node))
            .unwrap_or_default()
            .iter()
            .map(|p| ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name))
            .collect();
        for p in pods {
            sim.api_event(
                &ACTOR,
                &p,
                "Normal",
                "SuccessfulAttachVolume",
                &format!("AttachVolume.Attach succeeded for volume {pv:?}"),
            );
        }
    } else {
        sim.world.detach(pv, node);
        sim.ctl
            .adc
            .mounted
            .remove(&(pv.to_string(), node.to_string()));
        sim.record(
            &ACTOR,
            Some(&r),
            Some(&r),
            Change::World,
            format!("volume {pv} detached from {node}"),
            "",
        );
    }
    sim.enqueue_after(Ctl::AttachDetach, r, 0);
}

/// Adds or removes the volume in `node.status.volumesAttached`.
fn set_volumes_attached(sim: &mut Sim, pv: &str, node: &str, present: bool) {
    let Some(unique) = sim
        .api
        .get::<PersistentVolume>("", pv)
        .map(unique_volume_name)
    else {
        return;
    };
    let Some(mut n) = sim.api.get::<Node>("", node).cloned() else {
        return;
    };
    let has = n.status.volumes_attached.iter().any(|v| v.name == unique);
    if has == present {
        return;
    }
    if present {
        n.status.volumes_attached.push(AttachedVolume {
            name: unique,
            device_path: String::new(),
        });
        crate::sort::sort_by(&mut n.status.volumes_attached, |a, b| a.name.cmp(&b.name));
    } else {
        n.status.volumes_attached.retain(|v| v.name != unique);
    }
    let what = format!(
        "node {node} volumesAttached {} {pv}",
        if present { "+" } else { "-" }
    );
    let _ = sim.api_update(
        &ACTOR,
        Some(&pv_ref(pv)),
        Object::Node(Shared::new(n)),
        &what,
        "",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::storage::CsiPersistentVolumeSource;
    use crate::model::{ContainerState, ContainerStateRunning, ContainerStatus, Time};

    #[test]
    fn only_rwx_and_rox_disks_attach_to_many_nodes() {
        let mut pv = PersistentVolume::default();
        pv.spec.csi = Some(CsiPersistentVolumeSource {
            driver: NETWORK_DISK_DRIVER.into(),
            volume_handle: "pvc-1".into(),
        });
        assert!(is_attachable(&pv));
        assert_eq!(
            unique_volume_name(&pv),
            "kubernetes.io/csi/disk.csi.podlab.dev^pvc-1"
        );
        for (modes, multi) in [
            (vec!["ReadWriteOnce"], false),
            (vec!["ReadWriteOncePod"], false),
            (vec!["ReadWriteMany"], true),
            (vec!["ReadWriteOnce", "ReadOnlyMany"], true),
            (vec![], false),
        ] {
            pv.spec.access_modes = modes.iter().map(|m| m.to_string()).collect();
            assert_eq!(multi_attach_allowed(&pv), multi, "{modes:?}");
        }
        pv.spec.csi.as_mut().unwrap().driver = "local.csi.podlab.dev".into();
        assert!(!is_attachable(&pv));
    }

    #[test]
    fn a_deleted_pod_with_running_containers_still_needs_its_volume() {
        let mut p = Pod::default();
        p.status.phase = "Running".into();
        p.status.container_statuses.push(ContainerStatus {
            state: ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(Time::at(0)),
                }),
                ..Default::default()
            },
            ..Default::default()
        });
        assert!(!pod_terminated(&p));
        p.metadata.deletion_timestamp = Some(Time::at(5));
        assert!(!pod_terminated(&p), "stale running status keeps it");
        p.status.container_statuses[0].state = ContainerState::default();
        assert!(pod_terminated(&p));
    }
}
