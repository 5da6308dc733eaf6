//! The StatefulSet controller (ref §3): stable identities `<set>-<ordinal>`, a claim per
//! volumeClaimTemplate created before its pod, OrderedReady or Parallel management, scale-down
//! from the highest ordinal, revisions as ControllerRevisions, RollingUpdate with a partition,
//! OnDelete, and the claim retention policy. Upstream: `pkg/controller/statefulset`
//! (`stateful_set_control.go` `updateStatefulSet`, `processReplica`, `processCondemned`).
//!
//! At most one: a slot is filled only when no pod object of that name exists, so a pod stuck
//! Terminating on a lost node blocks its identity until the object is gone (ref §3.3).

use crate::model::{
    ControllerRevision, Kind, Object, ObjectMeta, ObjectRef, OwnerReference, PersistentVolumeClaim,
    PersistentVolumeClaimVolumeSource, Pod, RevisionData, RevisionSpec, Shared, StatefulSet,
    StatefulSetStatus, Volume,
};
use crate::sim::controllers::deployment::{pod_template_hash, RolloutRevision};
use crate::sim::trace::Actor;
use crate::sim::{ApiError, Ctl, DeleteOptions, Outcome, Sim, SimError};
use crate::sort::sort_by_key;

const ACTOR: Actor = Actor::Controller(&"statefulset-controller");
/// The pod's own name, so a Service can select exactly one pod of the set.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The pod's ordinal.
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// The ControllerRevision the pod was made from.
pub const REVISION_LABEL: &str = "controller-revision-hash";
/// The hash label upstream puts on each ControllerRevision.
const REVISION_HASH_LABEL: &str = "controller.kubernetes.io/hash";
/// `revisionHistoryLimit`'s default.
const DEFAULT_HISTORY_LIMIT: i32 = 10;
/// The work queue's retry of a sync that failed (a claim being deleted, a failed create).
const RETRY_MS: u64 = 1_000;

/// `getParentNameAndOrdinal`: `web-12` -> (`web`, 12).
pub fn parent_and_ordinal(name: &str) -> Option<(&str, i32)> {
    let (parent, ord) = name.rsplit_once('-')?;
    if ord.is_empty() || !ord.bytes().all(|b| b.is_ascii_digit()) || parent.is_empty() {
        return None;
    }
    Some((parent, ord.parse().ok()?))
}

/// `isMemberOf`: named `<set>-<ordinal>`.
pub fn is_member(set: &StatefulSet, pod: &Pod) -> bool {
    parent_and_ordinal(&pod.metadata.name).is_some_and(|(p, _)| p == set.metadata.name)
}

/// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set: &str, ordinal: i32) -> String {
    format!("{template}-{set}-{ordinal}")
}

fn start_ordinal(set: &StatefulSet) -> i32 {
    set.spec.ordinals.as_ref().map_or(0, |o| o.start)
}

fn is_parallel(set: &StatefulSet) -> bool {
    set.spec.pod_management_policy == "Parallel"
}

fn is_on_delete(set: &StatefulSet) -> bool {
    set.spec
        .update_strategy
        .as_ref()
        .is_some_and(|s| s.type_ == "OnDelete")
}

fn partition(set: &StatefulSet) -> i32 {
    set.spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0)
}

fn retention(set: &StatefulSet) -> (bool, bool) {
    let p = set.spec.persistent_volume_claim_retention_policy.as_ref();
    (
        p.is_some_and(|p| p.when_deleted == "Delete"),
        p.is_some_and(|p| p.when_scaled == "Delete"),
    )
}

fn is_created(p: &Pod) -> bool {
    !p.status.phase.is_empty()
}

fn is_terminating(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_some()
}

fn is_running_and_ready(p: &Pod) -> bool {
    p.status.phase == "Running" && p.is_ready()
}

/// When a running, ready pod has been ready for `minReadySeconds`: None if it is not ready.
fn available_at(p: &Pod, min_ready_ms: u64) -> Option<u64> {
    if !is_running_and_ready(p) {
        return None;
    }
    let since = p
        .status
        .condition("Ready")
        .and_then(|c| c.last_transition_time)
        .map_or(0, |t| t.millis());
    Some(since + min_ready_ms)
}

/// `isHealthy`: running, ready and not terminating.
fn is_healthy(p: &Pod) -> bool {
    is_running_and_ready(p) && !is_terminating(p)
}

fn revision_of(p: &Pod) -> &str {
    p.metadata
        .labels
        .get(REVISION_LABEL)
        .map_or("", String::as_str)
}

fn controller_ref(set: &StatefulSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "StatefulSet".into(),
        name: set.metadata.name.to_string(),
        uid: set.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// A pod owner reference on a claim (`whenScaled: Delete`) or a set one (`whenDeleted: Delete`):
/// not a controller, so the claim is only garbage, never adopted.
fn owner_ref(
    api_version: &'static str,
    kind: &'static str,
    name: &str,
    uid: &str,
) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: name.into(),
        uid: uid.into(),
        controller: None,
        block_owner_deletion: None,
    }
}

/// `newStatefulSetPod`: the template, named and labelled for its ordinal, with its claims as
/// volumes (`initIdentity`, `updateStorage`).
fn new_pod(set: &StatefulSet, ordinal: i32, revision: &str) -> Pod {
    let name = format!("{}-{ordinal}", set.metadata.name);
    let t = &set.spec.template;
    let mut pod = Pod {
        metadata: ObjectMeta {
            name: name.clone().into(),
            namespace: set.metadata.namespace.clone(),
            labels: t.metadata.labels.clone(),
            annotations: t.metadata.annotations.clone(),
            owner_references: vec![controller_ref(set)].into(),
            ..Default::default()
        },
        spec: t.spec.clone(),
        status: Default::default(),
    };
    update_identity(set, &mut pod);
    pod.metadata
        .labels
        .insert(REVISION_LABEL.into(), revision.into());
    update_storage(set, &mut pod, ordinal);
    pod
}

/// `updateIdentity`: hostname and subdomain (set only when empty), and the identity labels.
fn update_identity(set: &StatefulSet, pod: &mut Pod) {
    let ordinal = parent_and_ordinal(&pod.metadata.name).map_or(0, |(_, o)| o);
    if pod.spec.hostname.is_empty() {
        pod.spec.hostname = pod.metadata.name.to_string();
    }
    if pod.spec.subdomain.is_empty() {
        pod.spec.subdomain = set.spec.service_name.clone();
    }
    let name = pod.metadata.name.to_string();
    pod.metadata.labels.insert(POD_NAME_LABEL.into(), name);
    pod.metadata
        .labels
        .insert(POD_INDEX_LABEL.into(), ordinal.to_string());
}

fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let mut p = pod.clone();
    update_identity(set, &mut p);
    p.spec.hostname == pod.spec.hostname
        && p.spec.subdomain == pod.spec.subdomain
        && p.metadata.labels == pod.metadata.labels
}

/// The claim volumes first, in template order, then the template's other volumes.
fn update_storage(set: &StatefulSet, pod: &mut Pod, ordinal: i32) {
    let mut volumes: Vec<Volume> = set
        .spec
        .volume_claim_templates
        .iter()
        .map(|t| Volume {
            name: t.metadata.name.to_string(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim_name(&t.metadata.name, &set.metadata.name, ordinal),
                read_only: None,
            }),
            ..Default::default()
        })
        .collect();
    for v in &pod.spec.volumes {
        if !volumes.iter().any(|c| c.name == v.name) {
            volumes.push(v.clone());
        }
    }
    pod.spec.volumes = volumes;
}

fn storage_matches(set: &StatefulSet, pod: &Pod, ordinal: i32) -> bool {
    set.spec.volume_claim_templates.iter().all(|t| {
        let want = claim_name(&t.metadata.name, &set.metadata.name, ordinal);
        pod.spec.volumes.iter().any(|v| {
            v.name == t.metadata.name
                && v.persistent_volume_claim
                    .as_ref()
                    .is_some_and(|c| c.claim_name == want)
        })
    })
}

/// `getPersistentVolumeClaims`: the claims of one ordinal, labelled with the template's labels
/// and the selector's matchLabels.
fn claims_for(set: &StatefulSet, ordinal: i32) -> Vec<PersistentVolumeClaim> {
    set.spec
        .volume_claim_templates
        .iter()
        .map(|t| {
            let mut c = t.clone();
            c.metadata = ObjectMeta {
                name: claim_name(&t.metadata.name, &set.metadata.name, ordinal).into(),
                namespace: set.metadata.namespace.clone(),
                labels: t.metadata.labels.clone(),
                annotations: t.metadata.annotations.clone(),
                ..Default::default()
            };
            for (k, v) in &set.spec.selector.match_labels {
                c.metadata.labels.insert(k.clone(), v.clone());
            }
            c.status = Default::default();
            c
        })
        .collect()
}

/// What one sync saw and decided, for the status and for explaining the wait.
struct Pass {
    status: StatefulSetStatus,
    /// Why the controller stopped before the end (`waiting for web-0 to be Running and Ready`).
    waiting: Option<String>,
    /// The earliest time a pod becomes available (minReadySeconds): sync again then.
    next_available: Option<u64>,
    retry: bool,
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let Some(set) = sim
        .api
        .get::<StatefulSet>(&key.namespace, &key.name)
        .cloned()
    else {
        sim.ctl.statefulset_waiting.remove(key);
        return;
    };
    let Ok(selector) = set.spec.selector.to_selector() else {
        return;
    };
    let deleting = set.metadata.deletion_timestamp.is_some();

    adopt_orphan_revisions(sim, key, &set);
    claim_pods(sim, key, &set, &selector, deleting);

    let Some((current, update)) = revisions(sim, key, &set) else {
        return;
    };
    let current_set = set_at(&set, &current);
    let pass = update_set(sim, key, &set, &current_set, &current, &update, deleting);
    write_status(sim, key, &set, pass);
    truncate_history(sim, key);
}

/// `ClaimPods`: adopt orphans named `<set>-<n>` that match the selector; release owned pods that
/// no longer match or are no longer members.
fn claim_pods(
    sim: &mut Sim,
    key: &ObjectRef,
    set: &StatefulSet,
    selector: &crate::model::Selector,
    deleting: bool,
) {
    let uid = &set.metadata.uid;
    let mut writes: Vec<(bool, Pod)> = Vec::new();
    for p in sim.api.pods_controlled_by(uid) {
        if set.spec.selector.is_empty()
            || !selector.matches(&p.metadata.labels)
            || !is_member(set, p)
        {
            let mut p2 = p.clone();
            p2.metadata.owner_references.retain(|o| &o.uid != uid);
            writes.push((false, p2));
        }
    }
    if !deleting && !set.spec.selector.is_empty() {
        for p in sim.api.orphan_pods_in(&key.namespace) {
            if selector.matches(&p.metadata.labels)
                && is_member(set, p)
                && p.metadata.deletion_timestamp.is_none()
            {
                let mut p2 = p.clone();
                p2.metadata.owner_references.push(controller_ref(set));
                writes.push((true, p2));
            }
        }
    }
    for (adopt, p) in writes {
        let name = p.metadata.name.to_string();
        let (what, why) = if adopt {
            (
                format!("adopted pod {name}"),
                "orphan pod of this name matches the selector",
            )
        } else {
            (
                format!("released pod {name}"),
                "no longer matches the selector",
            )
        };
        let _ = sim.api_update(&ACTOR, Some(key), Object::Pod(Shared::new(p)), &what, why);
    }
}

/// `AdoptOrphanRevisions`: revisions left behind by `--cascade=orphan` come back to the set.
fn adopt_orphan_revisions(sim: &mut Sim, key: &ObjectRef, set: &StatefulSet) {
    if set.metadata.deletion_timestamp.is_some() || set.spec.selector.is_empty() {
        return;
    }
    let orphans: Vec<ControllerRevision> = sim
        .api
        .list_in::<ControllerRevision>(&key.namespace)
        .filter(|r| {
            r.metadata.controller_ref().is_none()
                && Sim::selector_matches(&set.spec.selector, &r.metadata.labels)
                && r.metadata
                    .name
                    .starts_with(&format!("{}-", set.metadata.name))
        })
        .cloned()
        .collect();
    for mut r in orphans {
        r.metadata.owner_references.push(controller_ref(set));
        let what = format!("adopted controllerrevision {}", r.metadata.name);
        let _ = sim.api_update(
            &ACTOR,
            Some(key),
            r.into(),
            &what,
            "orphan revision of this set",
        );
    }
}

fn owned_revisions(sim: &Sim, set: &StatefulSet) -> Vec<ControllerRevision> {
    let mut revs: Vec<ControllerRevision> = sim
        .api
        .list_in::<ControllerRevision>(&set.metadata.namespace)
        .filter(|r| {
            r.metadata
                .controller_ref()
                .is_some_and(|c| c.uid == set.metadata.uid)
        })
        .cloned()
        .collect();
    sort_by_key(&mut revs, |r| (r.revision, r.metadata.name.clone()));
    revs
}

/// `getStatefulSetRevisions`: the current and update revisions, creating the update revision
/// (or renumbering an equal older one, as a rollback does) when the template changed.
fn revisions(
    sim: &mut Sim,
    key: &ObjectRef,
    set: &StatefulSet,
) -> Option<(ControllerRevision, ControllerRevision)> {
    let revs = owned_revisions(sim, set);
    let next = revs.last().map_or(1, |r| r.revision + 1);
    let template = &set.spec.template;
    let update = match revs.iter().rposition(|r| &r.data.spec.template == template) {
        Some(i) if i + 1 == revs.len() => revs[i].clone(),
        Some(i) => {
            // An equal older revision becomes the newest again.
            let mut r = revs[i].clone();
            r.revision = next;
            let what = format!(
                "controllerrevision {} is revision {next} again",
                r.metadata.name
            );
            let _ = sim.api_update(
                &ACTOR,
                Some(key),
                r.clone().into(),
                &what,
                "the template is back to this revision",
            );
            sim.api
                .get::<ControllerRevision>(&key.namespace, &r.metadata.name)
                .cloned()?
        }
        None => {
            let hash = pod_template_hash(template, set.status.collision_count);
            let mut labels = template.metadata.labels.clone();
            labels.insert(REVISION_HASH_LABEL.into(), hash.clone());
            let r = ControllerRevision {
                metadata: ObjectMeta {
                    name: format!("{}-{hash}", set.metadata.name).into(),
                    namespace: key.namespace.clone(),
                    labels,
                    // Upstream copies the set's annotations (a change-cause among them).
                    annotations: set.metadata.annotations.clone(),
                    owner_references: vec![controller_ref(set)].into(),
                    ..Default::default()
                },
                data: RevisionData {
                    spec: RevisionSpec {
                        template: template.clone(),
                    },
                },
                revision: next,
            };
            let why = format!("revision {next} of the pod template");
            let made = sim.api_create(&ACTOR, Some(key), r.into(), &why).ok()?;
            sim.api
                .get::<ControllerRevision>(&made.namespace, &made.name)
                .cloned()?
        }
    };
    let current = owned_revisions(sim, set)
        .into_iter()
        .find(|r| r.metadata.name == set.status.current_revision)
        .unwrap_or_else(|| update.clone());
    Some((current, update))
}

/// `ApplyRevision`: the set as it was at `rev`.
fn set_at(set: &StatefulSet, rev: &ControllerRevision) -> StatefulSet {
    let mut s = set.clone();
    s.spec.template = rev.data.spec.template.clone();
    s
}

/// `newVersionedStatefulSetPod`: below the partition (or below currentReplicas without a
/// rollingUpdate block) a recreated pod comes back at the current revision.
fn versioned_pod(
    current_set: &StatefulSet,
    update_set: &StatefulSet,
    current: &str,
    update: &str,
    ordinal: i32,
) -> Pod {
    let rolling = current_set
        .spec
        .update_strategy
        .as_ref()
        .is_none_or(|s| s.type_.is_empty() || s.type_ == "RollingUpdate");
    let ru = current_set
        .spec
        .update_strategy
        .as_ref()
        .and_then(|s| s.rolling_update.as_ref());
    let start = start_ordinal(current_set);
    // Upstream's condition, with Go's precedence: (rolling && no block && below current)
    // || (block && below partition).
    let old = (rolling && ru.is_none() && ordinal < start + current_set.status.current_replicas)
        || ru.is_some_and(|r| ordinal < start + r.partition.unwrap_or(0));
    if old {
        new_pod(current_set, ordinal, current)
    } else {
        new_pod(update_set, ordinal, update)
    }
}

/// One slot of the set: a pod object, or one this sync is about to create.
struct Slot {
    pod: Pod,
    stored: bool,
}

/// `updateStatefulSet`: scale, replace, and roll. Returns the status it computed.
fn update_set(
    sim: &mut Sim,
    key: &ObjectRef,
    set: &StatefulSet,
    current_set: &StatefulSet,
    current: &ControllerRevision,
    update: &ControllerRevision,
    deleting: bool,
) -> Pass {
    let (cur, upd) = (
        current.metadata.name.as_str(),
        update.metadata.name.as_str(),
    );
    let start = start_ordinal(set);
    let replicas = set.replicas().max(0);
    let end = start.saturating_add(replicas);
    let min_ready_ms = u64::try_from(set.spec.min_ready_seconds.max(0)).unwrap_or(0) * 1000;
    let monotonic = !is_parallel(set);
    let name = set.metadata.name.to_string();

    // Upstream makes a slot for every replica; here no more than the store can hold, so a
    // typo such as --replicas=99999999 is not 10^8 pods in memory (issue 16).
    let mut slots: Vec<Option<Slot>> = (0..replicas.min(sim.timing.max_objects as i32))
        .map(|_| None)
        .collect();
    let mut condemned: Vec<Pod> = Vec::new();
    for p in sim.api.pods_controlled_by(&set.metadata.uid) {
        let Some((_, ord)) = parent_and_ordinal(&p.metadata.name) else {
            continue;
        };
        if !is_member(set, p) {
            continue;
        }
        if (start..end).contains(&ord) {
            if let Some(slot) = slots.get_mut((ord - start) as usize) {
                *slot = Some(Slot {
                    pod: p.clone(),
                    stored: true,
                });
            }
        } else if ord >= 0 {
            condemned.push(p.clone());
        }
    }
    // Highest ordinal first.
    sort_by_key(&mut condemned, |p| {
        std::cmp::Reverse(parent_and_ordinal(&p.metadata.name).map_or(0, |(_, o)| o))
    });

    let first_unhealthy: Option<String> = slots
        .iter()
        .flatten()
        .map(|s| &s.pod)
        .chain(condemned.iter().rev())
        .find(|p| !is_healthy(p))
        .map(|p| p.metadata.name.to_string());

    let mut pass = Pass {
        status: StatefulSetStatus::default(),
        waiting: None,
        next_available: None,
        retry: false,
    };

    if deleting {
        pass.status = count(&slots, &condemned, cur, upd, min_ready_ms, sim.now);
        return pass;
    }

    for (i, slot) in slots.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some(Slot {
                pod: versioned_pod(current_set, set, cur, upd, start + i as i32),
                stored: false,
            });
        }
    }

    // Scale up and replace, in ordinal order.
    let mut stop = false;
    for (i, slot) in slots.iter_mut().enumerate() {
        let ordinal = start + i as i32;
        let slot = slot.as_mut().expect("filled above");
        let pod_name = slot.pod.metadata.name.to_string();
        let pod_ref = ObjectRef::new(Kind::Pod, &key.namespace, &pod_name);
        if slot.stored
            && (slot.pod.status.phase == "Failed" || slot.pod.status.phase == "Succeeded")
        {
            if !is_terminating(&slot.pod) {
                let (type_, reason, word) = if slot.pod.status.phase == "Failed" {
                    ("Warning", "RecreatingFailedPod", "failed")
                } else {
                    ("Normal", "RecreatingTerminatedPod", "terminated")
                };
                sim.api_event(
                    &ACTOR,
                    key,
                    type_,
                    reason,
                    &format!(
                        "StatefulSet {}/{name} is recreating {word} Pod {pod_name}",
                        key.namespace
                    ),
                );
                delete_pod(
                    sim,
                    key,
                    set,
                    &pod_ref,
                    "its pod ended; a new one follows once it is gone",
                );
            }
            // A new pod comes on a later sync, once this object is gone.
            pass.waiting = Some(format!(
                "waiting for {pod_name} to be removed before it is recreated"
            ));
            if monotonic {
                stop = true;
                break;
            }
            continue;
        }
        if !slot.stored {
            if let Some(stale) = stale_claim(sim, set, ordinal) {
                pass.waiting = Some(format!("waiting for claim {stale} to be deleted"));
                pass.retry = true;
                if monotonic {
                    stop = true;
                    break;
                }
                continue;
            }
            let why = if monotonic && ordinal > start {
                format!(
                    "ordinal {ordinal} of {replicas}: {}-{} before it is Running and Ready",
                    name,
                    ordinal - 1
                )
            } else {
                format!("ordinal {ordinal} of {replicas}")
            };
            match create_pod(sim, key, set, &slot.pod, ordinal, &why) {
                Ok(()) => {
                    if let Some(p) = sim.api.get::<Pod>(&key.namespace, &pod_name) {
                        slot.pod = p.clone();
                    }
                    slot.stored = true;
                }
                Err(()) => {
                    pass.retry = true;
                    stop = true;
                    break;
                }
            }
            if monotonic {
                pass.waiting = Some(format!("waiting for {pod_name} to be Running and Ready"));
                stop = true;
                break;
            }
            continue;
        }
        if slot.pod.status.phase == "Pending" {
            create_missing_claims(sim, key, set, &slot.pod, ordinal);
        }
        if is_terminating(&slot.pod) && monotonic {
            pass.waiting = Some(format!("waiting for {pod_name} to terminate"));
            stop = true;
            break;
        }
        if !is_running_and_ready(&slot.pod) && monotonic {
            pass.waiting = Some(format!("waiting for {pod_name} to be Running and Ready"));
            stop = true;
            break;
        }
        if let Some(at) = available_at(&slot.pod, min_ready_ms).filter(|at| *at > sim.now) {
            pass.next_available = Some(pass.next_available.map_or(at, |n| n.min(at)));
            if monotonic {
                pass.waiting = Some(format!("waiting for {pod_name} to be available"));
                stop = true;
                break;
            }
        }
        if !identity_matches(set, &slot.pod) || !storage_matches(set, &slot.pod, ordinal) {
            let mut p = slot.pod.clone();
            update_identity(set, &mut p);
            update_storage(set, &mut p, ordinal);
            let what = format!("updated identity of pod {pod_name}");
            match sim.api_update(
                &ACTOR,
                Some(key),
                p.into(),
                &what,
                "the pod's name, labels or claims did not match its ordinal",
            ) {
                Ok(_) => record(
                    sim,
                    key,
                    "SuccessfulUpdate",
                    &format!("update Pod {pod_name} in StatefulSet {name} successful"),
                ),
                Err(e) => sim.api_event(
                    &ACTOR,
                    key,
                    "Warning",
                    "FailedUpdate",
                    &format!("update Pod {pod_name} in StatefulSet {name} failed error: {e}"),
                ),
            }
        }
        match_retention(sim, key, set, &slot.pod, ordinal, false);
    }

    // Scale down, highest ordinal first, each only once the ones below are healthy.
    if !stop {
        for p in &condemned {
            let pod_name = p.metadata.name.to_string();
            if is_terminating(p) {
                if monotonic {
                    pass.waiting = Some(format!("waiting for {pod_name} to terminate"));
                    stop = true;
                    break;
                }
                continue;
            }
            let first = first_unhealthy.as_deref() == Some(pod_name.as_str());
            if monotonic && !first && !is_running_and_ready(p) {
                pass.waiting = Some(format!(
                    "waiting for {pod_name} to be Running and Ready before scaling down"
                ));
                stop = true;
                break;
            }
            let ordinal = parent_and_ordinal(&pod_name).map_or(0, |(_, o)| o);
            match_retention(sim, key, set, p, ordinal, true);
            let r = ObjectRef::new(Kind::Pod, &key.namespace, &pod_name);
            delete_pod(
                sim,
                key,
                set,
                &r,
                &format!("scale down to {replicas}: the highest ordinal goes first"),
            );
            if monotonic {
                pass.waiting = Some(format!("waiting for {pod_name} to terminate"));
                stop = true;
                break;
            }
        }
    }

    // Rolling update: from the highest ordinal down to the partition, one pod at a time.
    if !stop && !is_on_delete(set) {
        let min = partition(set).max(0);
        for target in (0..slots.len()).rev() {
            if (target as i32) < min {
                break;
            }
            let s = slots[target].as_ref().expect("filled");
            let pod_name = s.pod.metadata.name.to_string();
            if !s.stored {
                break;
            }
            if revision_of(&s.pod) != upd && !is_terminating(&s.pod) {
                let r = ObjectRef::new(Kind::Pod, &key.namespace, &pod_name);
                delete_pod(
                    sim,
                    key,
                    set,
                    &r,
                    &format!("rolling update to revision {}", update.revision),
                );
                pass.waiting = Some(format!(
                    "waiting for {pod_name} to come back at the update revision"
                ));
                break;
            }
            if !is_healthy(&s.pod) {
                pass.waiting = Some(format!("waiting for {pod_name} to be Running and Ready"));
                break;
            }
        }
    }

    // The status counts what is stored now.
    let mut now_slots: Vec<Option<Slot>> = Vec::new();
    for s in slots.into_iter().flatten() {
        let stored = sim
            .api
            .get::<Pod>(&key.namespace, &s.pod.metadata.name)
            .cloned();
        now_slots.push(stored.map(|pod| Slot { pod, stored: true }));
    }
    let now_condemned: Vec<Pod> = condemned
        .iter()
        .filter_map(|p| {
            sim.api
                .get::<Pod>(&key.namespace, &p.metadata.name)
                .cloned()
        })
        .collect();
    pass.status = count(&now_slots, &now_condemned, cur, upd, min_ready_ms, sim.now);
    pass
}

/// `updateStatus`: counts over the set's pods.
fn count(
    slots: &[Option<Slot>],
    condemned: &[Pod],
    current: &str,
    update: &str,
    min_ready_ms: u64,
    now: u64,
) -> StatefulSetStatus {
    let mut s = StatefulSetStatus::default();
    let stored = slots
        .iter()
        .flatten()
        .filter(|s| s.stored)
        .map(|s| &s.pod)
        .chain(condemned);
    for p in stored {
        if is_created(p) {
            s.replicas += 1;
        }
        if is_running_and_ready(p) {
            s.ready_replicas += 1;
            if available_at(p, min_ready_ms).is_some_and(|at| at <= now) {
                s.available_replicas += 1;
            }
        }
        if is_created(p) && !is_terminating(p) {
            if revision_of(p) == current {
                s.current_replicas += 1;
            }
            if revision_of(p) == update {
                s.updated_replicas += 1;
            }
        }
    }
    s.current_revision = current.to_string();
    s.update_revision = update.to_string();
    s
}

fn record(sim: &mut Sim, key: &ObjectRef, reason: &'static str, message: &str) {
    sim.api_event(&ACTOR, key, "Normal", reason, message);
}

/// `createPersistentVolumeClaims`: the claims that do not exist yet. Err names a claim that is
/// being deleted (the pod must wait for it to go).
fn create_claims(
    sim: &mut Sim,
    key: &ObjectRef,
    set: &StatefulSet,
    pod_name: &str,
    ordinal: i32,
) -> Result<(), String> {
    let (when_deleted, _) = retention(set);
    for mut c in claims_for(set, ordinal) {
        let cname = c.metadata.name.to_string();
        match sim.api.get::<PersistentVolumeClaim>(&key.namespace, &cname) {
            Some(old) if old.metadata.deletion_timestamp.is_some() => {
                return Err(format!("pvc {cname} is being deleted"));
            }
            Some(_) => continue,
            None => {}
        }
        if when_deleted {
            c.metadata.owner_references.push(owner_ref(
                "apps/v1",
                "StatefulSet",
                &set.metadata.name,
                &set.metadata.uid,
            ));
        }
        let why = format!("stable storage of {pod_name}, created before the pod");
        match sim.api_create(&ACTOR, Some(key), c.into(), &why) {
            Ok(_) => record(
                sim,
                key,
                "SuccessfulCreate",
                &format!(
                    "create Claim {cname} Pod {pod_name} in StatefulSet {} success",
                    set.metadata.name
                ),
            ),
            Err(e) => {
                sim.api_event(
                    &ACTOR,
                    key,
                    "Warning",
                    "FailedCreate",
                    &format!(
                        "create Claim {cname} for Pod {pod_name} in StatefulSet {} failed error: {e}",
                        set.metadata.name
                    ),
                );
                return Err(e.to_string());
            }
        }
    }
    Ok(())
}

/// `CreateStatefulPod`: the claims first, then the pod.
fn create_pod(
    sim: &mut Sim,
    key: &ObjectRef,
    set: &StatefulSet,
    pod: &Pod,
    ordinal: i32,
    why: &str,
) -> Result<(), ()> {
    let pod_name = pod.metadata.name.to_string();
    let set_name = &set.metadata.name;
    if let Err(e) = create_claims(sim, key, set, &pod_name, ordinal) {
        sim.api_event(
            &ACTOR,
            key,
            "Warning",
            "FailedCreate",
            &format!("create Pod {pod_name} in StatefulSet {set_name} failed error: {e}"),
        );
        return Err(());
    }
    match sim.api_create(&ACTOR, Some(key), pod.clone().into(), why) {
        Ok(_) => {
            record(
                sim,
                key,
                "SuccessfulCreate",
                &format!("create Pod {pod_name} in StatefulSet {set_name} successful"),
            );
            Ok(())
        }
        Err(e) => {
            sim.api_event(
                &ACTOR,
                key,
                "Warning",
                "FailedCreate",
                &format!("create Pod {pod_name} in StatefulSet {set_name} failed error: {e}"),
            );
            Err(())
        }
    }
}

/// A pending pod whose claim was deleted under it gets it back.
fn create_missing_claims(
    sim: &mut Sim,
    key: &ObjectRef,
    set: &StatefulSet,
    pod: &Pod,
    ordinal: i32,
) {
    let _ = create_claims(sim, key, set, &pod.metadata.name, ordinal);
}

/// `PodClaimIsStale`: a claim of this ordinal that is still owned by an earlier pod (scaled
/// down with `whenScaled: Delete`) or being deleted; the new pod waits until it is gone.
fn stale_claim(sim: &Sim, set: &StatefulSet, ordinal: i32) -> Option<String> {
    claims_for(set, ordinal).into_iter().find_map(|c| {
        let stored = sim
            .api
            .get::<PersistentVolumeClaim>(&set.metadata.namespace, &c.metadata.name)?;
        let owned_by_pod = stored
            .metadata
            .owner_references
            .iter()
            .any(|o| o.kind == "Pod");
        (owned_by_pod || stored.metadata.deletion_timestamp.is_some())
            .then(|| c.metadata.name.to_string())
    })
}

/// `ClaimsMatchRetentionPolicy` / `UpdatePodClaimForRetentionPolicy`: with `whenScaled: Delete`
/// a condemned pod owns its claims (so they go with it); a pod back in range owns none.
fn match_retention(
    sim: &mut Sim,
    key: &ObjectRef,
    set: &StatefulSet,
    pod: &Pod,
    ordinal: i32,
    condemned: bool,
) {
    let (when_deleted, when_scaled) = retention(set);
    for c in claims_for(set, ordinal) {
        let Some(stored) = sim
            .api
            .get::<PersistentVolumeClaim>(&key.namespace, &c.metadata.name)
            .cloned()
        else {
            continue;
        };
        let mut want = stored.clone();
        let refs = &mut want.metadata.owner_references;
        refs.retain(|o| !(o.kind == "Pod" && o.name == pod.metadata.name));
        refs.retain(|o| !(o.kind == "StatefulSet" && o.uid == set.metadata.uid));
        // A condemned pod's claims belong to the pod alone: the garbage collector deletes a
        // dependent only when every owner is gone.
        let scaled_away = when_scaled && condemned;
        if when_deleted && !scaled_away {
            refs.push(owner_ref(
                "apps/v1",
                "StatefulSet",
                &set.metadata.name,
                &set.metadata.uid,
            ));
        }
        if scaled_away {
            refs.push(owner_ref(
                "v1",
                "Pod",
                &pod.metadata.name,
                &pod.metadata.uid,
            ));
        }
        if want.metadata.owner_references != stored.metadata.owner_references {
            let what = format!(
                "owner references of claim {} follow the retention policy",
                c.metadata.name
            );
            let why = if condemned && when_scaled {
                "whenScaled: Delete, and its pod is scaled away"
            } else {
                "persistentVolumeClaimRetentionPolicy"
            };
            let _ = sim.api_update(&ACTOR, Some(key), want.into(), &what, why);
        }
    }
}

/// `DeleteStatefulPod`, with its event.
fn delete_pod(sim: &mut Sim, key: &ObjectRef, set: &StatefulSet, pod: &ObjectRef, why: &str) {
    let set_name = &set.metadata.name;
    match sim.api_delete(&ACTOR, Some(key), pod, &DeleteOptions::default(), why) {
        Ok(_) => record(
            sim,
            key,
            "SuccessfulDelete",
            &format!(
                "delete Pod {} in StatefulSet {set_name} successful",
                pod.name
            ),
        ),
        Err(e) => sim.api_event(
            &ACTOR,
            key,
            "Warning",
            "FailedDelete",
            &format!(
                "delete Pod {} in StatefulSet {set_name} failed error: {e}",
                pod.name
            ),
        ),
    }
}

/// `updateStatefulSetStatus` with `completeRollingUpdate`: once every pod is updated and ready,
/// the update revision becomes the current one.
fn write_status(sim: &mut Sim, key: &ObjectRef, set: &StatefulSet, pass: Pass) {
    match &pass.waiting {
        Some(w) => {
            let w = w.strip_prefix("waiting for ").unwrap_or(w).to_string();
            sim.ctl.statefulset_waiting.insert(key.clone(), w);
        }
        None => {
            sim.ctl.statefulset_waiting.remove(key);
        }
    }
    if let Some(at) = pass.next_available {
        sim.enqueue_at(Ctl::StatefulSet, key.clone(), at);
    }
    if pass.retry {
        sim.enqueue_after(Ctl::StatefulSet, key.clone(), RETRY_MS);
    }
    let mut s = pass.status;
    s.observed_generation = set.metadata.generation;
    s.collision_count = Some(set.status.collision_count.unwrap_or(0));
    let rolling = !is_on_delete(set);
    if rolling && s.updated_replicas == s.replicas && s.ready_replicas == s.replicas {
        s.current_replicas = s.updated_replicas;
        s.current_revision = s.update_revision.clone();
    }
    let Some(stored) = sim.api.get::<StatefulSet>(&key.namespace, &key.name) else {
        return;
    };
    if stored.status == s {
        return;
    }
    let mut set2 = stored.clone();
    let what = format!(
        "statefulset {} status: {} replicas, {} ready, {} updated",
        key.name, s.replicas, s.ready_replicas, s.updated_replicas
    );
    set2.status = s;
    let why = pass.waiting.unwrap_or_default();
    let _ = sim.api_update(
        &ACTOR,
        Some(key),
        Object::StatefulSet(Shared::new(set2)),
        &what,
        &why,
    );
}

/// `truncateHistory`: keep the revisions live pods use, the current and update ones, and the
/// newest `revisionHistoryLimit` others.
fn truncate_history(sim: &mut Sim, key: &ObjectRef) {
    let Some(set) = sim
        .api
        .get::<StatefulSet>(&key.namespace, &key.name)
        .cloned()
    else {
        return;
    };
    let limit = set
        .spec
        .revision_history_limit
        .unwrap_or(DEFAULT_HISTORY_LIMIT)
        .max(0) as usize;
    let live: Vec<String> = sim
        .api
        .pods_controlled_by(&set.metadata.uid)
        .map(|p| revision_of(p).to_string())
        .collect();
    let history: Vec<ControllerRevision> = owned_revisions(sim, &set)
        .into_iter()
        .filter(|r| {
            let n = &r.metadata.name;
            !live.iter().any(|l| l == n)
                && n != &set.status.current_revision
                && n != &set.status.update_revision
        })
        .collect();
    if history.len() <= limit {
        return;
    }
    for r in &history[..history.len() - limit] {
        let rr = ObjectRef::new(Kind::ControllerRevision, &key.namespace, &r.metadata.name);
        let _ = sim.api_delete(
            &ACTOR,
            Some(key),
            &rr,
            &DeleteOptions::default(),
            "older than revisionHistoryLimit",
        );
    }
}

/// `kubectl rollout history statefulset/NAME`: the set's ControllerRevisions, oldest first.
pub fn rollout_history(
    cluster: &crate::sim::Cluster,
    namespace: &str,
    name: &str,
) -> Result<Vec<RolloutRevision>, ApiError> {
    let set = cluster.get_named::<StatefulSet>(namespace, name)?;
    let mut revs: Vec<&ControllerRevision> = cluster
        .list_in::<ControllerRevision>(&set.metadata.namespace)
        .filter(|r| {
            r.metadata
                .controller_ref()
                .is_some_and(|c| c.uid == set.metadata.uid)
        })
        .collect();
    sort_by_key(&mut revs, |r| r.revision);
    Ok(revs
        .into_iter()
        .map(|r| RolloutRevision {
            revision: r.revision,
            change_cause: r
                .metadata
                .annotations
                .get("kubernetes.io/change-cause")
                .filter(|c| !c.is_empty())
                .cloned(),
            replica_set: r.metadata.name.to_string(),
            template: r.data.spec.template.clone(),
        })
        .collect())
}

/// `kubectl rollout undo statefulset/NAME [--to-revision=N]` (kubectl's
/// `StatefulSetRollbacker`): patches the set's template back to the chosen revision's.
pub(crate) fn rollout_undo(
    sim: &mut Sim,
    actor: &Actor,
    namespace: &str,
    name: &str,
    to_revision: Option<i64>,
) -> Result<Outcome, SimError> {
    let set = sim.api.get_named::<StatefulSet>(namespace, name)?.clone();
    let to = to_revision.unwrap_or(0);
    let not_found =
        || SimError::NotApplicable(format!("unable to find specified revision {to} in history"));
    if to < 0 {
        return Err(not_found());
    }
    let history = rollout_history(&sim.api, namespace, name)?;
    if to == 0 && history.len() <= 1 {
        return Err(SimError::NotApplicable(
            "no last revision to roll back to".into(),
        ));
    }
    let target = if to == 0 {
        &history[history.len() - 2]
    } else {
        history
            .iter()
            .find(|h| h.revision == to)
            .ok_or_else(not_found)?
    };
    let qualified = format!("statefulset.apps/{name}");
    if target.template == set.spec.template {
        return Ok(Outcome::Done(format!(
            "{qualified} skipped rollback (current template already matches revision {to})"
        )));
    }
    let mut s2 = set.clone();
    s2.spec.template = target.template.clone();
    s2.metadata.resource_version = Default::default();
    let r = ObjectRef::new(Kind::StatefulSet, &set.metadata.namespace, name);
    sim.api_update(
        actor,
        None,
        Object::StatefulSet(Shared::new(s2)),
        &format!("rolled back {r} to revision {}", target.revision),
        "kubectl rollout undo",
    )?;
    Ok(Outcome::Done(format!("{qualified} rolled back")))
}

/// What the controller's last sync of `set` stopped for (`web-0 to be Running and Ready`), for
/// the UI's ordinal ladder; None when it had nothing to wait for.
pub fn waiting_for(sim: &Sim, set: &StatefulSet) -> Option<String> {
    let key = ObjectRef::new(
        Kind::StatefulSet,
        &set.metadata.namespace,
        &set.metadata.name,
    );
    sim.ctl.statefulset_waiting.get(&key).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_parent_and_ordinal() {
        assert_eq!(parent_and_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parent_and_ordinal("my-web-12"), Some(("my-web", 12)));
        assert_eq!(parent_and_ordinal("web-x2kzq"), None);
        assert_eq!(parent_and_ordinal("web-"), None);
        assert_eq!(parent_and_ordinal("-1"), None);
        assert_eq!(claim_name("www", "web", 1), "www-web-1");
    }
}
