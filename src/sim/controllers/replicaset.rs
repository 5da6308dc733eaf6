//! The ReplicaSet controller (ref §1): claim (adopt/release), count active pods, create in
//! slow-start batches with generateName, delete by the scale-down ranking, and report status.

use std::cmp::Ordering;
use std::ops::Bound::{Excluded, Unbounded};

use crate::model::{
    Kind, Object, ObjectMeta, ObjectRef, OwnerReference, Pod, ReplicaSet, ReplicaSetStatus,
    Selector, Shared, Time,
};
use crate::sim::trace::Actor;
use crate::sim::{Ctl, DeleteOptions, Sim};
use crate::sorted::SortedMap;

const ACTOR: Actor = Actor::Controller(&"replicaset-controller");
/// `BurstReplicas`: at most this many creates or deletes per sync.
const BURST_REPLICAS: i64 = 500;
/// Creates per engine event within a burst (see `sync`).
const SYNC_CHUNK: i64 = 50;

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let Some(rs) = sim
        .api
        .get::<ReplicaSet>(&key.namespace, &key.name)
        .cloned()
    else {
        // Gone: a ReplicaSet made again under its name starts afresh (upstream keys by name
        // too, and forgets a key once its sync finds nothing).
        sim.ctl.rs_burst_left.remove(key);
        return;
    };
    let uid = rs.metadata.uid.clone();
    let Ok(selector) = rs.spec.selector.to_selector() else {
        return;
    };
    let deleting = rs.metadata.deletion_timestamp.is_some();

    // Claim: adopt matching orphans, release owned pods that no longer match (ref §1.4).
    // Only owned pods and orphans can change hands; both come from indexes, in name order.
    let mut claims: SortedMap<String, (bool, Object)> = SortedMap::new();
    let (first, releases) = census(sim, &rs, Some(&selector));
    for p in releases {
        let mut p2 = p.clone();
        p2.metadata.owner_references.retain(|o| o.uid != uid);
        claims.insert(
            p.metadata.name.to_string(),
            (false, Object::Pod(Shared::new(p2))),
        );
    }
    if !deleting && !rs.spec.selector.is_empty() {
        for p in sim.api.orphan_pods_in(&key.namespace) {
            if selector.matches(&p.metadata.labels) && p.metadata.deletion_timestamp.is_none() {
                let mut p2 = p.clone();
                p2.metadata.owner_references.push(controller_ref(&rs));
                claims.insert(
                    p.metadata.name.to_string(),
                    (true, Object::Pod(Shared::new(p2))),
                );
            }
        }
    }
    let mut wrote = !claims.is_empty();
    for (name, (adopt, obj)) in claims {
        let (what, why) = if adopt {
            (
                format!("adopted pod {name}"),
                "orphan pod matches the selector",
            )
        } else {
            (
                format!("released pod {name}"),
                "labels no longer match the selector",
            )
        };
        let _ = sim.api_update(&ACTOR, Some(key), obj, &what, why);
    }

    let active_count = if wrote {
        census(sim, &rs, None).0.active
    } else {
        first.active
    };
    let want = i64::from(rs.replicas());
    let diff = active_count - want;

    // A burst of creates is one sync upstream; here it runs SYNC_CHUNK creates per engine
    // event, the rest continuing at the same instant, so no single event (and no frame of the
    // page) does 500 creates at once (issue 16). Bursts of up to SYNC_CHUNK run as before.
    let left = sim.ctl.rs_burst_left.remove(key).unwrap_or(0);
    let failures = (-left).max(0);
    let mut failed = false;
    if !deleting && diff < 0 {
        wrote = true;
        let burst = if left > 0 { left } else { BURST_REPLICAS }.min(-diff);
        let now = burst.min(SYNC_CHUNK);
        let created;
        (created, failed) = create_pods(sim, key, &rs, now, active_count);
        if !failed && created < burst {
            sim.ctl.rs_burst_left.insert(key.clone(), burst - created);
            sim.enqueue_at(Ctl::ReplicaSet, key.clone(), sim.now);
        }
    } else if !deleting && diff > 0 {
        wrote = true;
        let active: Vec<&Pod> = sim
            .api
            .pods_controlled_by(&uid)
            .filter(|p| p.is_active())
            .collect();
        let victims = pods_to_delete(sim, &rs, &active, diff.min(BURST_REPLICAS) as usize);
        let mut remaining = active_count;
        for v in victims {
            let r = ObjectRef::new(Kind::Pod, &key.namespace, &v);
            remaining -= 1;
            let why = format!("{remaining} of {want} replicas active after this");
            if sim
                .api_delete(&ACTOR, Some(key), &r, &DeleteOptions::default(), &why)
                .is_ok()
            {
                sim.api_event(
                    &ACTOR,
                    key,
                    "Normal",
                    "SuccessfulDelete",
                    &format!("Deleted pod: {v}"),
                );
            }
        }
    }
    // A failed sync goes back to the work queue rate-limited (`AddRateLimited`: 5 ms doubling
    // per failure in a row, at most 1,000 s); one that went through resets it (`Forget`).
    if failed {
        sim.ctl.rs_burst_left.insert(key.clone(), -(failures + 1));
        let delay = (5u64 << failures.min(20)).min(1_000_000);
        sim.enqueue_at(Ctl::ReplicaSet, key.clone(), sim.now + delay);
    }
    // One pass over the pods is enough when this sync changed none of them.
    if wrote {
        update_status(sim, key);
    } else {
        write_status(sim, key, &rs, first);
    }
}

fn controller_ref(rs: &ReplicaSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: rs.metadata.name.to_string(),
        uid: rs.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `slowStartBatch`: 1, 2, 4, ... creates; stop at the first batch with a failure.
/// Creates `count` pods in slow-start batches; returns how many were created and whether a
/// create failed.
fn create_pods(
    sim: &mut Sim,
    key: &ObjectRef,
    rs: &ReplicaSet,
    count: i64,
    active: i64,
) -> (i64, bool) {
    let want = rs.replicas();
    let mut remaining = count;
    let mut batch = 1;
    let mut created = 0;
    // One copy of the owner reference for every pod made here.
    let owners: crate::model::Shared<Vec<_>> = vec![controller_ref(rs)].into();
    let generate_name: crate::model::Name = format!("{}-", rs.metadata.name).into();
    while remaining > 0 {
        let n = batch.min(remaining);
        let mut failed = false;
        for _ in 0..n {
            let pod = Pod {
                metadata: ObjectMeta {
                    generate_name: generate_name.clone(),
                    namespace: key.namespace.clone(),
                    labels: rs.spec.template.metadata.labels.clone(),
                    annotations: rs.spec.template.metadata.annotations.clone(),
                    owner_references: owners.clone(),
                    ..Default::default()
                },
                spec: rs.spec.template.spec.clone(),
                status: Default::default(),
            };
            let why = format!("{} of {want} replicas active", active + created + 1);
            match sim.api_create(&ACTOR, Some(key), pod.into(), &why) {
                Ok(r) => {
                    created += 1;
                    sim.api_event(
                        &ACTOR,
                        key,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("Created pod: {}", r.name),
                    );
                }
                Err(e) => {
                    failed = true;
                    sim.api_event(
                        &ACTOR,
                        key,
                        "Warning",
                        "FailedCreate",
                        &format!("Error creating: {e}"),
                    );
                }
            }
        }
        if failed {
            return (created, true);
        }
        remaining -= n;
        batch *= 2;
    }
    (created, false)
}

/// Age bucket on a log2 scale (`LogarithmicScaleDown`): times within one bucket compare equal.
fn log_bucket(now: u64, t: Option<Time>) -> u32 {
    let age_s = now.saturating_sub(t.map_or(0, |t| t.millis())) / 1000;
    64 - (age_s + 1).leading_zeros()
}

/// `getPodsToDelete` with `ActivePodsWithRanks` (ref §1.3).
fn pods_to_delete(sim: &Sim, rs: &ReplicaSet, active: &[&Pod], n: usize) -> Vec<String> {
    // Rank: active pods of this RS and its siblings (same controller owner) on the same node.
    let mut related_uids = vec![rs.metadata.uid.clone()];
    if let Some(owner) = rs.metadata.controller_ref() {
        for other in sim.api.list_in::<ReplicaSet>(&rs.metadata.namespace) {
            if other
                .metadata
                .controller_ref()
                .is_some_and(|o| o.uid == owner.uid)
                && other.metadata.uid != rs.metadata.uid
            {
                related_uids.push(other.metadata.uid.clone());
            }
        }
    }
    let mut per_node: SortedMap<String, i64> = SortedMap::new();
    for uid in &related_uids {
        for p in sim.api.pods_controlled_by(uid) {
            if p.is_active() && !p.spec.node_name.is_empty() {
                *per_node.entry(p.spec.node_name.clone()).or_default() += 1;
            }
        }
    }
    let now = sim.now;
    let phase_rank = |p: &Pod| match &*p.status.phase {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };
    let cost = |p: &Pod| {
        p.metadata
            .annotations
            .get("controller.kubernetes.io/pod-deletion-cost")
            .and_then(|v| v.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let ready_since = |p: &Pod| {
        p.status
            .condition("Ready")
            .filter(|c| c.status == "True")
            .and_then(|c| c.last_transition_time)
    };
    let mut sorted: Vec<&Pod> = active.to_vec();
    crate::sort::sort_by(&mut sorted, |a, b| {
        let key = |p: &Pod| p.spec.node_name.is_empty();
        // 1. unscheduled first
        key(b)
            .cmp(&key(a))
            // 2. Pending < Unknown < Running
            .then_with(|| phase_rank(a).cmp(&phase_rank(b)))
            // 3. not ready first
            .then_with(|| a.is_ready().cmp(&b.is_ready()))
            // 4. lower deletion cost first
            .then_with(|| cost(a).cmp(&cost(b)))
            // 5. higher rank (crowded node) first
            .then_with(|| {
                let ra = per_node.get(&a.spec.node_name).copied().unwrap_or(0);
                let rb = per_node.get(&b.spec.node_name).copied().unwrap_or(0);
                rb.cmp(&ra)
            })
            // 6. both ready: more recently ready first
            .then_with(|| {
                if a.is_ready() && b.is_ready() {
                    log_bucket(now, ready_since(a)).cmp(&log_bucket(now, ready_since(b)))
                } else {
                    Ordering::Equal
                }
            })
            // 7. more restarts first
            .then_with(|| b.restart_count().cmp(&a.restart_count()))
            // 8. newer first
            .then_with(|| {
                log_bucket(now, a.metadata.creation_timestamp)
                    .cmp(&log_bucket(now, b.metadata.creation_timestamp))
            })
            // Equal buckets: by UID, effectively random.
            .then_with(|| a.metadata.uid.cmp(&b.metadata.uid))
    });
    sorted
        .into_iter()
        .take(n)
        .map(|p| p.metadata.name.to_string())
        .collect()
}

/// What the ReplicaSet's pods add up to.
struct Census {
    status: ReplicaSetStatus,
    active: i64,
    /// When the next pod becomes available (minReadySeconds).
    next_available: Option<u64>,
}

/// The status counts from the cluster's tally of the controlled pods and, given the selector,
/// the pods to release (a walk over the pods only when some label set no longer matches).
fn census<'a>(
    sim: &'a Sim,
    rs: &ReplicaSet,
    selector: Option<&Selector>,
) -> (Census, Vec<&'a Pod>) {
    let uid = &rs.metadata.uid;
    let sel = &rs.spec.template.metadata.labels;
    let now = sim.now;
    let min_ready = u64::try_from(rs.spec.min_ready_seconds.max(0)).unwrap_or(0) * 1000;
    let mut s = rs.status.clone();
    let mut c = Census {
        status: ReplicaSetStatus::default(),
        active: 0,
        next_available: None,
    };
    let (mut fully, mut ready, mut available, mut terminating) = (0, 0, 0, 0);
    let mut releases = Vec::new();
    if let Some(t) = sim.api.pod_tally(uid) {
        let released = |labels: &SortedMap<String, String>| {
            selector.is_some_and(|sel| rs.spec.selector.is_empty() || !sel.matches(labels))
        };
        if t.label_sets.iter().any(|(l, ..)| released(l)) {
            releases = sim
                .api
                .pods_controlled_by(uid)
                .filter(|p| released(&p.metadata.labels))
                .collect();
        }
        c.active = t.active;
        ready = t.ready as i32;
        terminating = t.terminating as i32;
        fully = t
            .label_sets
            .iter()
            .filter(|(l, ..)| sel.iter().all(|(k, v)| l.get(k) == Some(v)))
            .map(|s| s.2)
            .sum::<i64>() as i32;
        // Pods Ready for less than minReadySeconds are not yet available: the most recent
        // entries of the tally, read from the end.
        let pending = match now.checked_sub(min_ready) {
            Some(before) => t.ready_since.range((Excluded(before), Unbounded)),
            None => t.ready_since.range::<u64, _>(..),
        };
        let mut waiting = 0;
        for (at, n) in pending {
            waiting += n;
            let due = at + min_ready;
            c.next_available = Some(c.next_available.map_or(due, |d: u64| d.min(due)));
        }
        available = (t.ready_timed - waiting) as i32;
    }
    s.replicas = c.active as i32;
    s.fully_labeled_replicas = fully;
    s.ready_replicas = ready;
    s.available_replicas = available;
    s.terminating_replicas = Some(terminating);
    s.observed_generation = rs.metadata.generation;
    c.status = s;
    (c, releases)
}

fn update_status(sim: &mut Sim, key: &ObjectRef) {
    let Some(rs) = sim
        .api
        .get::<ReplicaSet>(&key.namespace, &key.name)
        .cloned()
    else {
        return;
    };
    let c = census(sim, &rs, None).0;
    write_status(sim, key, &rs, c);
}

fn write_status(sim: &mut Sim, key: &ObjectRef, rs: &ReplicaSet, c: Census) {
    if let Some(at) = c.next_available {
        sim.enqueue_at(Ctl::ReplicaSet, key.clone(), at);
    }
    let s = c.status;
    if s != rs.status {
        let mut rs2 = rs.clone();
        let what = format!(
            "replicaset {} status: {} replicas, {} ready, {} available",
            key.name, s.replicas, s.ready_replicas, s.available_replicas
        );
        rs2.status = s;
        let _ = sim.api_update(
            &ACTOR,
            Some(key),
            Object::ReplicaSet(Shared::new(rs2)),
            &what,
            "",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When the work queue holds this ReplicaSet's next sync, and its failures in a row.
    fn queued(sim: &Sim, key: &ObjectRef) -> (Option<u64>, i64) {
        let due = sim
            .ctl
            .queued
            .get(&crate::sim::controllers::slot(Ctl::ReplicaSet, key.clone()))
            .copied();
        let failures = sim.ctl.rs_burst_left.get(key).map_or(0, |v| (-v).max(0));
        (due, failures)
    }

    #[test]
    fn a_failed_sync_backs_off_doubling_and_a_good_one_forgets() {
        // workqueue.DefaultControllerRateLimiter's per-item part: 5 ms << failures, at most
        // 1,000 s; Forget after a sync without error, and for a ReplicaSet that is gone.
        let timing = crate::sim::Timing {
            max_objects: 20,
            ..Default::default()
        };
        let mut sim = crate::sim::SimBuilder::new(3)
            .workers(1)
            .timing(timing)
            .build()
            .unwrap();
        let rs = crate::sim::examples::replicaset(
            "web",
            100,
            crate::model::Container::new("web", "nginx:1.27"),
        );
        sim.apply(crate::sim::Command::Apply(rs.into())).unwrap();
        let key = ObjectRef::new(Kind::ReplicaSet, "default", "web");
        while queued(&sim, &key).1 == 0 {
            sim.step();
        }
        // A failure leaves its retry 5 ms on (or sooner, when a pod's change queues it).
        let (due, failures) = queued(&sim, &key);
        assert_eq!(failures, 1);
        assert!(due.is_some_and(|d| d <= sim.now() + 5), "{due:?}");
        // Each sync that fails again doubles it, up to 1,000 s (the syncs run here directly,
        // so no pod change queues one sooner).
        for n in 2..30 {
            let slot = crate::sim::controllers::slot(Ctl::ReplicaSet, key.clone());
            sim.ctl.queued.remove(&slot);
            sync(&mut sim, &key);
            let want = (5u64 << (n - 1)).min(1_000_000);
            assert_eq!(queued(&sim, &key), (Some(sim.now() + want), n));
        }
        // Room again: the next sync creates and forgets the failures.
        sim.timing.max_objects = 1_000;
        sim.run_for(1_100_000);
        assert_eq!(queued(&sim, &key).1, 0);
        assert!(sim.ctl.rs_burst_left.get(&key).is_none());
        assert_eq!(sim.api.list::<crate::model::Pod>().count(), 100);
        // A ReplicaSet that is gone is forgotten, so one made again under its name starts
        // with no backoff.
        sim.ctl.rs_burst_left.insert(key.clone(), -7);
        sim.api_delete(&ACTOR, None, &key, &DeleteOptions::default(), "")
            .unwrap();
        sync(&mut sim, &key);
        assert!(sim.ctl.rs_burst_left.get(&key).is_none());
    }

    #[test]
    fn log_buckets_group_similar_ages() {
        assert_eq!(log_bucket(10_000, Some(Time::at(10_000))), 1);
        assert_eq!(
            log_bucket(100_000, Some(Time::at(0))),
            log_bucket(120_000, Some(Time::at(0)))
        );
        assert!(log_bucket(1_000_000, Some(Time::at(0))) > log_bucket(10_000, Some(Time::at(0))));
    }
}
