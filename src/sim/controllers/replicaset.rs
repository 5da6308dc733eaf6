//! The ReplicaSet controller (ref §1): claim (adopt/release), count active pods, create in
//! slow-start batches with generateName, delete by the scale-down ranking, and report status.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::model::{Kind, Object, ObjectMeta, ObjectRef, OwnerReference, Pod, ReplicaSet, Time};
use crate::sim::trace::Actor;
use crate::sim::{Ctl, DeleteOptions, Sim};

const ACTOR: Actor = Actor::Controller("replicaset-controller");
/// `BurstReplicas`: at most this many creates or deletes per sync.
const BURST_REPLICAS: i64 = 500;

fn is_owned_by(p: &Pod, uid: &str) -> bool {
    p.metadata.controller_ref().is_some_and(|o| o.uid == uid)
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let Some(rs) = sim
        .api
        .get::<ReplicaSet>(&key.namespace, &key.name)
        .cloned()
    else {
        return;
    };
    let uid = rs.metadata.uid.clone();
    let Ok(selector) = rs.spec.selector.to_selector() else {
        return;
    };
    let deleting = rs.metadata.deletion_timestamp.is_some();

    // Claim: adopt matching orphans, release owned pods that no longer match (ref §1.4).
    let candidates: Vec<Pod> = sim.api.list_in::<Pod>(&key.namespace).cloned().collect();
    for p in &candidates {
        let matches = !rs.spec.selector.is_empty() && selector.matches(&p.metadata.labels);
        let owned = is_owned_by(p, &uid);
        if owned && !matches {
            let mut p2 = p.clone();
            p2.metadata.owner_references.retain(|o| o.uid != uid);
            let what = format!("released pod {}", p.metadata.name);
            let _ = sim.api_update(
                &ACTOR,
                Some(key),
                Object::Pod(p2),
                &what,
                "labels no longer match the selector",
            );
        } else if !owned
            && matches
            && p.metadata.controller_ref().is_none()
            && !deleting
            && p.metadata.deletion_timestamp.is_none()
        {
            let mut p2 = p.clone();
            p2.metadata.owner_references.push(controller_ref(&rs));
            let what = format!("adopted pod {}", p.metadata.name);
            let _ = sim.api_update(
                &ACTOR,
                Some(key),
                Object::Pod(p2),
                &what,
                "orphan pod matches the selector",
            );
        }
    }

    let owned: Vec<Pod> = sim
        .api
        .list_in::<Pod>(&key.namespace)
        .filter(|p| is_owned_by(p, &uid))
        .cloned()
        .collect();
    let active: Vec<&Pod> = owned.iter().filter(|p| p.is_active()).collect();
    let want = i64::from(rs.replicas());
    let diff = active.len() as i64 - want;

    if !deleting && diff < 0 {
        create_pods(
            sim,
            key,
            &rs,
            (-diff).min(BURST_REPLICAS),
            active.len() as i64,
        );
    } else if !deleting && diff > 0 {
        let victims = pods_to_delete(sim, &rs, &active, diff.min(BURST_REPLICAS) as usize);
        let mut remaining = active.len() as i64;
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
    update_status(sim, key);
}

fn controller_ref(rs: &ReplicaSet) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: rs.metadata.name.clone(),
        uid: rs.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `slowStartBatch`: 1, 2, 4, ... creates; stop at the first batch with a failure.
fn create_pods(sim: &mut Sim, key: &ObjectRef, rs: &ReplicaSet, count: i64, active: i64) {
    let want = rs.replicas();
    let mut remaining = count;
    let mut batch = 1;
    let mut created = 0;
    while remaining > 0 {
        let n = batch.min(remaining);
        let mut failed = false;
        for _ in 0..n {
            let pod = Pod {
                metadata: ObjectMeta {
                    generate_name: format!("{}-", rs.metadata.name),
                    namespace: key.namespace.clone(),
                    labels: rs.spec.template.metadata.labels.clone(),
                    annotations: rs.spec.template.metadata.annotations.clone(),
                    owner_references: vec![controller_ref(rs)],
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
            break;
        }
        remaining -= n;
        batch *= 2;
    }
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
    let mut per_node: BTreeMap<String, i64> = BTreeMap::new();
    for p in sim.api.list_in::<Pod>(&rs.metadata.namespace) {
        if p.is_active()
            && !p.spec.node_name.is_empty()
            && p.metadata
                .controller_ref()
                .is_some_and(|o| related_uids.contains(&o.uid))
        {
            *per_node.entry(p.spec.node_name.clone()).or_default() += 1;
        }
    }
    let now = sim.now;
    let phase_rank = |p: &Pod| match p.status.phase.as_str() {
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
    sorted.sort_by(|a, b| {
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
        .map(|p| p.metadata.name.clone())
        .collect()
}

fn update_status(sim: &mut Sim, key: &ObjectRef) {
    let Some(rs) = sim
        .api
        .get::<ReplicaSet>(&key.namespace, &key.name)
        .cloned()
    else {
        return;
    };
    let uid = rs.metadata.uid.clone();
    let sel = &rs.spec.template.metadata.labels;
    let now = sim.now;
    let min_ready = u64::try_from(rs.spec.min_ready_seconds.max(0)).unwrap_or(0) * 1000;
    let mut s = rs.status.clone();
    let owned: Vec<&Pod> = sim
        .api
        .list_in::<Pod>(&key.namespace)
        .filter(|p| is_owned_by(p, &uid))
        .collect();
    let active: Vec<&&Pod> = owned.iter().filter(|p| p.is_active()).collect();
    s.replicas = active.len() as i32;
    s.fully_labeled_replicas = active
        .iter()
        .filter(|p| sel.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)))
        .count() as i32;
    s.ready_replicas = active.iter().filter(|p| p.is_ready()).count() as i32;
    let mut next_available: Option<u64> = None;
    s.available_replicas = active
        .iter()
        .filter(|p| {
            let since = p
                .status
                .condition("Ready")
                .filter(|c| c.status == "True")
                .and_then(|c| c.last_transition_time);
            match since {
                Some(t) if t.millis() + min_ready <= now => true,
                Some(t) => {
                    let at = t.millis() + min_ready;
                    next_available = Some(next_available.map_or(at, |n| n.min(at)));
                    false
                }
                None => false,
            }
        })
        .count() as i32;
    s.terminating_replicas = Some(
        owned
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_some() && !p.is_terminal())
            .count() as i32,
    );
    s.observed_generation = rs.metadata.generation;
    if let Some(at) = next_available {
        sim.enqueue_at(Ctl::ReplicaSet, key.clone(), at);
    }
    if s != rs.status {
        let mut rs2 = rs.clone();
        let what = format!(
            "replicaset {} status: {} replicas, {} ready, {} available",
            key.name, s.replicas, s.ready_replicas, s.available_replicas
        );
        rs2.status = s;
        let _ = sim.api_update(&ACTOR, Some(key), Object::ReplicaSet(rs2), &what, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_buckets_group_similar_ages() {
        assert_eq!(log_bucket(10_000, Some(Time(10_000))), 1);
        assert_eq!(
            log_bucket(100_000, Some(Time(0))),
            log_bucket(120_000, Some(Time(0)))
        );
        assert!(log_bucket(1_000_000, Some(Time(0))) > log_bucket(10_000, Some(Time(0))));
    }
}
