//! PodGC: force-deletes pods bound to deleted nodes (after a quarantine), terminating pods on
//! out-of-service nodes, and unscheduled terminating pods (ref §2.5, §2.6).

use crate::model::{Kind, Node, Object, ObjectRef, Pod, Shared};
use crate::sim::trace::Actor;
use crate::sim::{DeleteOptions, Event, Sim};

use super::node_lifecycle::TAINT_OUT_OF_SERVICE;

const ACTOR: Actor = Actor::Controller(&"pod-garbage-collector");

pub(crate) fn gc(sim: &mut Sim) {
    let period = sim.timing.podgc_period;
    sim.schedule(period, Event::PodGc);
    let now = sim.now;
    let quarantine = sim.timing.podgc_quarantine;
    // Decide over borrowed pods (cloning every pod each period made large clusters slow), then
    // act in the same order: deleting one pod changes no other pod's or node's verdict.
    let mut todo: Vec<(ObjectRef, Verdict)> = Vec::new();
    let mut missing_now = crate::sorted::SortedSet::new();
    for p in sim.api.list::<Pod>() {
        let key = ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name);
        let node_name = &p.spec.node_name;
        if node_name.is_empty() {
            if p.metadata.deletion_timestamp.is_some() {
                todo.push((key, Verdict::Unscheduled));
            }
            continue;
        }
        match sim.api.get::<Node>("", node_name) {
            None => {
                missing_now.insert(node_name.clone());
                todo.push((key, Verdict::NodeGone(node_name.clone())));
            }
            Some(n) => {
                let oos = n.spec.taints.iter().any(|t| t.key == TAINT_OUT_OF_SERVICE);
                if oos && !n.is_ready() && p.metadata.deletion_timestamp.is_some() {
                    todo.push((key, Verdict::OutOfService(node_name.clone())));
                }
            }
        }
    }
    for (key, verdict) in todo {
        match verdict {
            Verdict::Unscheduled => {
                force_delete(sim, &key, None, "unscheduled pod is terminating");
            }
            Verdict::NodeGone(node) => {
                let first = *sim.ctl.podgc_missing.entry(node.clone()).or_insert(now);
                if now >= first + quarantine {
                    force_delete(
                        sim,
                        &key,
                        Some("PodGC: node no longer exists"),
                        &format!("node {node} no longer exists"),
                    );
                }
            }
            Verdict::OutOfService(node) => {
                force_delete(
                    sim,
                    &key,
                    Some("PodGC: node is out of service"),
                    &format!("node {node} is out of service"),
                );
            }
        }
    }
    sim.ctl.podgc_missing.retain(|n, _| missing_now.contains(n));
}

/// Why PodGC force-deletes a pod.
enum Verdict {
    Unscheduled,
    NodeGone(String),
    OutOfService(String),
}

fn force_delete(sim: &mut Sim, key: &ObjectRef, condition: Option<&str>, why: &str) {
    if let Some(msg) = condition {
        if let Some(mut p) = sim.api.get::<Pod>(&key.namespace, &key.name).cloned() {
            let now = sim.now_time();
            if p.status
                .set_condition("DisruptionTarget", "True", "DeletionByPodGC", msg, now)
            {
                let _ = sim.api_update(
                    &ACTOR,
                    None,
                    Object::Pod(Shared::new(p)),
                    &format!("added DisruptionTarget to pod {}", key.name),
                    why,
                );
            }
        }
    }
    let _ = sim.api_delete(&ACTOR, None, key, &DeleteOptions::force(), why);
}
