//! Controllers, one file per upstream controller, and the watch fan-out that feeds their queues.
//!
//! Controllers read the API server's store directly (no stale informer cache), are triggered by
//! watch events delivered after a seeded latency, and write back through the API server so
//! admission, resourceVersion and the trace apply to their writes too.

pub mod attach_detach;
pub mod deployment;
pub mod disruption;
pub mod endpointslice;
pub mod garbage_collector;
pub mod kubelet;
pub mod node_lifecycle;
pub mod podgc;
pub mod pv_binder;
pub mod replicaset;
pub mod scheduler;
pub mod statefulset;
pub mod taint_eviction;

use crate::sorted::{SortedMap, SortedSet};

use crate::model::{
    Deployment, Kind, Object, ObjectRef, Pod, ReplicaSet, Resource, Service, StatefulSet,
};

use super::Sim;

/// A controller's identity: its queue and its name in the trace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ctl {
    ReplicaSet,
    Deployment,
    StatefulSet,
    Scheduler,
    Kubelet(crate::model::Name),
    NodeLifecycle,
    TaintEviction,
    GarbageCollector,
    EndpointSlice,
    PvBinder,
    AttachDetach,
    Disruption,
}

impl Ctl {
    /// The component name upstream uses as its event source.
    pub fn name(&self) -> &'static str {
        match self {
            Ctl::ReplicaSet => "replicaset-controller",
            Ctl::Deployment => "deployment-controller",
            Ctl::StatefulSet => "statefulset-controller",
            Ctl::Scheduler => "default-scheduler",
            Ctl::Kubelet(_) => "kubelet",
            Ctl::NodeLifecycle => "node-controller",
            Ctl::TaintEviction => "taint-eviction-controller",
            Ctl::GarbageCollector => "garbage-collector-controller",
            Ctl::EndpointSlice => "endpointslice-controller",
            Ctl::PvBinder => "persistentvolume-controller",
            Ctl::AttachDetach => "attachdetach-controller",
            Ctl::Disruption => "disruption-controller",
        }
    }
}

/// The work queue's key for `key` in `ctl`'s queue: an FNV-1a hash of both, then both.
pub(crate) fn slot(ctl: Ctl, key: ObjectRef) -> (u64, Ctl, ObjectRef) {
    let node = match &ctl {
        Ctl::Kubelet(n) => n.as_str(),
        _ => "",
    };
    let h =
        super::trace::fnv_parts(&[ctl.name(), node, key.kind.name(), &key.namespace, &key.name]);
    (h, ctl, key)
}

/// State the controllers keep between syncs (work queues, health bookkeeping, kubelets).
#[derive(Clone, Debug, Default)]
pub(crate) struct ControllerState {
    /// (controller, key) -> due time; the work queue with de-duplication. Keyed by `slot`,
    /// whose hash first makes most comparisons one of integers, not of the names.
    pub queued: std::collections::BTreeMap<(u64, Ctl, ObjectRef), u64>,
    pub kubelets: SortedMap<String, kubelet::KubeletState>,
    pub node_health: SortedMap<String, node_lifecycle::NodeHealth>,
    pub node_lifecycle: node_lifecycle::LifecycleState,
    /// node -> when PodGC first saw pods bound to it while the Node was missing.
    pub podgc_missing: SortedMap<String, u64>,
    /// Pods the scheduler could not place; retried on cluster changes.
    pub unschedulable: std::collections::BTreeSet<ObjectRef>,
    /// ReplicaSet -> where its last sync left off (see `replicaset::sync`): the creates left
    /// in the burst it began, or, negative, how many syncs in a row failed (the work queue's
    /// backoff). One map for both: a field of its own was 40 B more of the page.
    pub rs_burst_left: SortedMap<ObjectRef, i64>,
    pub adc: attach_detach::AdcState,
    /// The scheduler's `nextStartNodeIndex`: where the next filtering pass begins.
    pub next_start_node_index: u64,
    pub scheduler_scratch: scheduler::Scratch,
    /// StatefulSet -> what its controller's last sync stopped for (`web-0 to be Running and
    /// Ready`), for the view's ordinal ladder.
    pub statefulset_waiting: SortedMap<ObjectRef, String>,
    /// Service -> the pods whose changes its EndpointSlice controller's next sync looks at,
    /// their names each ended by a newline (a name has none); a list that starts with an empty
    /// name (no pod's): every endpoint (the Service changed, or a slice someone else wrote).
    /// Text, not a list: the page has this map type already (a list type cost 625 B).
    pub endpoint_dirty: SortedMap<ObjectRef, String>,
    /// Set while the EndpointSlice controller writes its own slices.
    pub endpointslice_writing: bool,
}

pub(crate) fn reconcile(sim: &mut Sim, ctl: Ctl, key: &ObjectRef) {
    match ctl {
        Ctl::ReplicaSet => replicaset::sync(sim, key),
        Ctl::Deployment => deployment::sync(sim, key),
        Ctl::StatefulSet => statefulset::sync(sim, key),
        Ctl::Scheduler => scheduler::schedule_one(sim, key),
        Ctl::Kubelet(node) => sim.kubelet_sync_pod(&node, key),
        Ctl::NodeLifecycle => node_lifecycle::observe(sim, key),
        Ctl::TaintEviction => taint_eviction::sync(sim, key),
        Ctl::GarbageCollector => garbage_collector::sync(sim, key),
        Ctl::EndpointSlice => endpointslice::sync(sim, key),
        Ctl::PvBinder => pv_binder::sync(sim, key),
        Ctl::AttachDetach => attach_detach::sync(sim, key),
        Ctl::Disruption => disruption::sync(sim, key),
    }
}

/// Delivers a watch event (old -> new) to every controller that cares, after a seeded latency.
pub(crate) fn fan_out(sim: &mut Sim, old: Option<&Object>, new: Option<&Object>) {
    let Some(any) = new.or(old) else {
        return;
    };
    let kind = any.kind();
    let mut out: SortedSet<(Ctl, ObjectRef)> = SortedSet::new();
    let self_ref = any.object_ref();

    // Garbage collector: dependents of a removed owner; owners held by orphan/foreground finalizers;
    // objects whose owner references changed.
    if new.is_none() {
        let uid = &any.meta().uid;
        for d in sim.api.dependents_of(uid) {
            out.insert((Ctl::GarbageCollector, d));
        }
    }
    if let Some(n) = new {
        let m = n.meta();
        if m.deletion_timestamp.is_some()
            && m.finalizers
                .iter()
                .any(|f| f == super::api::FINALIZER_ORPHAN || f == super::api::FINALIZER_FOREGROUND)
        {
            out.insert((Ctl::GarbageCollector, self_ref.clone()));
        }
        if !m.owner_references.is_empty()
            && old.is_none_or(|o| o.meta().owner_references != m.owner_references)
        {
            out.insert((Ctl::GarbageCollector, self_ref.clone()));
        }
        // A foreground-deleting owner waits for its dependents: recheck it when one goes.
    }
    if new.is_none() || new.is_some_and(|n| n.meta().deletion_timestamp.is_some()) {
        for owner in &any.meta().owner_references {
            if let Some(o) = sim.api.by_uid(&owner.uid) {
                if o.meta()
                    .finalizers
                    .iter()
                    .any(|f| f == super::api::FINALIZER_FOREGROUND)
                {
                    out.insert((Ctl::GarbageCollector, o.object_ref()));
                }
            }
        }
    }

    match kind {
        Kind::Pod => pod_fan_out(sim, old, new, &self_ref, &mut out),
        Kind::ReplicaSet => {
            out.insert((Ctl::ReplicaSet, self_ref.clone()));
            // The owning Deployment of either version, or every Deployment that could adopt it.
            for rs in [old, new].into_iter().flatten() {
                let m = rs.meta();
                match m.controller_ref() {
                    Some(c) if c.kind == "Deployment" => {
                        out.insert((
                            Ctl::Deployment,
                            ObjectRef::new(Kind::Deployment, &m.namespace, &c.name),
                        ));
                    }
                    Some(_) => {}
                    None => {
                        for d in sim.api.list_in::<Deployment>(&m.namespace) {
                            if Sim::selector_matches(&d.spec.selector, &m.labels) {
                                out.insert((
                                    Ctl::Deployment,
                                    ObjectRef::new(
                                        Kind::Deployment,
                                        &m.namespace,
                                        &d.metadata.name,
                                    ),
                                ));
                            }
                        }
                    }
                }
            }
        }
        Kind::Deployment => {
            out.insert((Ctl::Deployment, self_ref.clone()));
        }
        Kind::Node => {
            let (op, np) = (
                old.and_then(crate::model::Node::from_object),
                new.and_then(crate::model::Node::from_object),
            );
            let taints_changed = op.map(|n| &n.spec.taints) != np.map(|n| &n.spec.taints);
            let sched_changed = op.map(|n| (&n.spec, &n.metadata.labels))
                != np.map(|n| (&n.spec, &n.metadata.labels));
            let ready_changed = op.map(|n| n.is_ready()) != np.map(|n| n.is_ready());
            if sched_changed || ready_changed {
                for p in sim.ctl.unschedulable.iter().cloned() {
                    out.insert((Ctl::Scheduler, p));
                }
            }
            if taints_changed {
                for p in sim.api.pods_on_node(&self_ref.name) {
                    out.insert((
                        Ctl::TaintEviction,
                        ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name),
                    ));
                }
            }
            out.insert((Ctl::NodeLifecycle, self_ref.clone()));
            // Attach/detach: volumes on this node, when what it decides on changed.
            let in_use_changed =
                op.map(|n| &n.status.volumes_in_use) != np.map(|n| &n.status.volumes_in_use);
            if ready_changed || in_use_changed || taints_changed || op.is_none() || np.is_none() {
                let node = &self_ref.name;
                let mut pvs: SortedSet<String> = sim
                    .world
                    .volumes_attached_to(node)
                    .map(String::from)
                    .collect();
                for p in sim.api.pods_on_node(node) {
                    pvs.extend(
                        attach_detach::pod_volumes(sim, p)
                            .into_iter()
                            .filter(|v| attach_detach::needs_attach(sim, v)),
                    );
                }
                for pv in pvs {
                    out.insert((
                        Ctl::AttachDetach,
                        ObjectRef::new(Kind::PersistentVolume, "", &pv),
                    ));
                }
            }
            // Kubelet: pods waiting for a volume to show up in volumesAttached.
            if op.map(|n| &n.status.volumes_attached) != np.map(|n| &n.status.volumes_attached) {
                for p in sim.api.pods_on_node(&self_ref.name) {
                    out.insert((
                        Ctl::Kubelet(self_ref.name.clone()),
                        ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name),
                    ));
                }
            }
        }
        Kind::Lease => {
            if self_ref.namespace == "kube-node-lease" {
                out.insert((Ctl::NodeLifecycle, self_ref.clone()));
            }
        }
        Kind::Service => {
            endpointslice::mark_all(&mut sim.ctl, self_ref.clone());
            out.insert((Ctl::EndpointSlice, self_ref.clone()));
        }
        Kind::EndpointSlice => {
            // The Service it names, and the one it named before (a slice relabelled by hand).
            for o in [old, new].into_iter().flatten() {
                if let Some(svc) = o.meta().labels.get(endpointslice::SERVICE_NAME_LABEL) {
                    let svc = ObjectRef::new(Kind::Service, &self_ref.namespace, svc);
                    endpointslice::mark_all(&mut sim.ctl, svc.clone());
                    // Still queued after the controller's own write (as before, so the runs'
                    // timings stay), where the sync then finds nothing to look at.
                    out.insert((Ctl::EndpointSlice, svc));
                }
            }
        }
        Kind::PersistentVolumeClaim => {
            out.insert((Ctl::PvBinder, self_ref.clone()));
            for c in [old, new].into_iter().flatten() {
                if let Object::PersistentVolumeClaim(c) = c {
                    if attach_detach::needs_attach(sim, &c.spec.volume_name) {
                        out.insert((
                            Ctl::AttachDetach,
                            ObjectRef::new(Kind::PersistentVolume, "", &c.spec.volume_name),
                        ));
                    }
                }
            }
            for p in sim.ctl.unschedulable.iter().cloned() {
                if p.namespace == self_ref.namespace {
                    out.insert((Ctl::Scheduler, p));
                }
            }
            // Kubelets waiting for this claim to bind.
            let users: Vec<(String, ObjectRef)> = sim
                .api
                .list_in::<Pod>(&self_ref.namespace)
                .filter(|p| {
                    !p.spec.node_name.is_empty() && p.claim_names().any(|c| c == self_ref.name)
                })
                .map(|p| {
                    (
                        p.spec.node_name.clone(),
                        ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name),
                    )
                })
                .collect();
            for (node, p) in users {
                out.insert((Ctl::Kubelet(node.into()), p));
            }
        }
        Kind::PersistentVolume => {
            out.insert((Ctl::PvBinder, self_ref.clone()));
            let attachable = [old, new].into_iter().flatten().any(|o| {
                crate::model::PersistentVolume::from_object(o)
                    .is_some_and(attach_detach::is_attachable)
            });
            if attachable || !sim.world.attached_nodes(&self_ref.name).is_empty() {
                out.insert((Ctl::AttachDetach, self_ref.clone()));
            }
            for pv in [old, new].into_iter().flatten() {
                if let Object::PersistentVolume(v) = pv {
                    if let Some(c) = &v.spec.claim_ref {
                        out.insert((
                            Ctl::PvBinder,
                            ObjectRef::new(Kind::PersistentVolumeClaim, &c.namespace, &c.name),
                        ));
                    }
                }
            }
        }
        Kind::StorageClass => {
            for c in sim.api.list::<crate::model::PersistentVolumeClaim>() {
                if c.status.phase == "Pending" {
                    out.insert((
                        Ctl::PvBinder,
                        ObjectRef::new(
                            Kind::PersistentVolumeClaim,
                            &c.metadata.namespace,
                            &c.metadata.name,
                        ),
                    ));
                }
            }
        }
        Kind::PodDisruptionBudget => {
            if new.is_some() {
                out.insert((Ctl::Disruption, self_ref.clone()));
            }
        }
        Kind::StatefulSet => {
            out.insert((Ctl::StatefulSet, self_ref.clone()));
        }
        Kind::ControllerRevision => {
            if let Some(c) = any
                .meta()
                .controller_ref()
                .filter(|c| c.kind == "StatefulSet")
            {
                out.insert((
                    Ctl::StatefulSet,
                    ObjectRef::new(Kind::StatefulSet, &self_ref.namespace, &c.name),
                ));
            }
        }
        Kind::ConfigMap | Kind::Event => {}
    }

    // One latency draw per receiving controller, so each sees the event at its own time.
    let mut latency: SortedMap<Ctl, u64> = SortedMap::new();
    for (ctl, key) in out {
        let delay = match latency.get(&ctl) {
            Some(d) => *d,
            None => {
                let d = sim.watch_latency();
                latency.insert(ctl.clone(), d);
                d
            }
        };
        sim.enqueue_after(ctl, key, delay);
    }
}

fn pod_fan_out(
    sim: &mut Sim,
    old: Option<&Object>,
    new: Option<&Object>,
    pod_ref: &ObjectRef,
    out: &mut SortedSet<(Ctl, ObjectRef)>,
) {
    let op = old.and_then(Pod::from_object);
    let np = new.and_then(Pod::from_object);
    let any = np.or(op).expect("pod");
    let ns = any.metadata.namespace.clone();
    // Only pods a PDB selects reach the disruption controller, so clusters without PDBs draw
    // no extra watch latency.
    disruption::for_pod(sim, [op, np], out);

    // ReplicaSet: the owning RS of either version, or every RS that could adopt an orphan.
    for p in [op, np].into_iter().flatten() {
        if let Some(c) = p.metadata.controller_ref() {
            if c.kind == "ReplicaSet" {
                out.insert((
                    Ctl::ReplicaSet,
                    ObjectRef::new(Kind::ReplicaSet, &ns, &c.name),
                ));
            }
        } else {
            for rs in sim.api.list_in::<ReplicaSet>(&ns) {
                if Sim::selector_matches(&rs.spec.selector, &p.metadata.labels) {
                    out.insert((
                        Ctl::ReplicaSet,
                        ObjectRef::new(Kind::ReplicaSet, &ns, &rs.metadata.name),
                    ));
                }
            }
        }
    }

    // StatefulSet: the owner of either version, or every StatefulSet that could adopt an orphan
    // of its name.
    for p in [op, np].into_iter().flatten() {
        match p.metadata.controller_ref() {
            Some(c) if c.kind == "StatefulSet" => {
                out.insert((
                    Ctl::StatefulSet,
                    ObjectRef::new(Kind::StatefulSet, &ns, &c.name),
                ));
            }
            Some(_) => {}
            None => {
                for ss in sim.api.list_in::<StatefulSet>(&ns) {
                    if statefulset::is_member(ss, p)
                        && Sim::selector_matches(&ss.spec.selector, &p.metadata.labels)
                    {
                        out.insert((
                            Ctl::StatefulSet,
                            ObjectRef::new(Kind::StatefulSet, &ns, &ss.metadata.name),
                        ));
                    }
                }
            }
        }
    }

    // Deployment (Recreate waits until old pods are gone): the owner of the owning RS.
    if np.is_none() {
        if let Some(c) = any
            .metadata
            .controller_ref()
            .filter(|c| c.kind == "ReplicaSet")
        {
            if let Some(d) = sim
                .api
                .get::<ReplicaSet>(&ns, &c.name)
                .and_then(|rs| rs.metadata.controller_ref())
                .filter(|d| d.kind == "Deployment")
            {
                out.insert((
                    Ctl::Deployment,
                    ObjectRef::new(Kind::Deployment, &ns, &d.name),
                ));
            }
        }
    }

    // Scheduler.
    if let Some(p) = np {
        if p.spec.node_name.is_empty() && p.metadata.deletion_timestamp.is_none() {
            out.insert((Ctl::Scheduler, pod_ref.clone()));
        }
    }
    let freed =
        op.is_some_and(|o| !o.spec.node_name.is_empty()) && np.is_none_or(|n| n.is_terminal());
    if freed {
        for p in sim.ctl.unschedulable.iter().cloned() {
            out.insert((Ctl::Scheduler, p));
        }
    }
    if np.is_none() {
        sim.ctl.unschedulable.remove(pod_ref);
    }

    // The kubelet of the old node and, if it differs (a binding: none before), of the new one.
    let old_node = op
        .map(|p| p.spec.node_name.as_str())
        .filter(|n| !n.is_empty());
    let new_node = np
        .map(|p| p.spec.node_name.as_str())
        .filter(|n| !n.is_empty() && Some(*n) != old_node);
    for node in [old_node, new_node].into_iter().flatten() {
        out.insert((Ctl::Kubelet(node.into()), pod_ref.clone()));
    }

    // Taint eviction: a pod newly bound to a tainted node.
    if let Some(p) = np {
        if !p.spec.node_name.is_empty()
            && p.metadata.deletion_timestamp.is_none()
            && op.is_none_or(|o| {
                o.spec.node_name != p.spec.node_name || o.spec.tolerations != p.spec.tolerations
            })
        {
            out.insert((Ctl::TaintEviction, pod_ref.clone()));
        }
    }

    // EndpointSlices of every Service selecting either version, for this pod.
    for svc in sim.api.list_in::<Service>(&ns) {
        let sel = |p: &Pod| svc.selects(p);
        if op.is_some_and(sel) || np.is_some_and(sel) {
            let svc = ObjectRef::new(Kind::Service, &ns, &svc.metadata.name);
            endpointslice::mark_pod(&mut sim.ctl, svc.clone(), &any.metadata.name);
            out.insert((Ctl::EndpointSlice, svc));
        }
    }

    // Attach/detach: the pod's volumes, when its node or its need for them changed.
    let need_old = op.map(|p| (p.spec.node_name.as_str(), attach_detach::pod_terminated(p)));
    let need_new = np.map(|p| (p.spec.node_name.as_str(), attach_detach::pod_terminated(p)));
    if need_old != need_new && any.claim_names().next().is_some() {
        for pv in attach_detach::pod_volumes(sim, any) {
            if !attach_detach::needs_attach(sim, &pv) {
                continue;
            }
            out.insert((
                Ctl::AttachDetach,
                ObjectRef::new(Kind::PersistentVolume, "", &pv),
            ));
        }
    }

    // PV binder: claims of a pod that got bound (WaitForFirstConsumer) or went away (protection).
    let bound_now = np.is_some_and(|n| !n.spec.node_name.is_empty())
        && op.is_none_or(|o| o.spec.node_name.is_empty());
    let gone = np.is_none() || np.is_some_and(|n| n.is_terminal());
    if bound_now || gone {
        for c in any.claim_names() {
            out.insert((
                Ctl::PvBinder,
                ObjectRef::new(Kind::PersistentVolumeClaim, &ns, c),
            ));
        }
    }
}
