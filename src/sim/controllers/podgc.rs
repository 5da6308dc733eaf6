//! PodGC: force-deletes pods bound to deleted nodes (after a quarantine), terminating pods on
//! out-of-service nodes, and unscheduled terminating pods (ref §2.5, §2.6).

use crate::model::{Kind, Node, Object, ObjectRef, Pod};
use crate::sim::trace::Actor;
use crate::sim::{DeleteOptions, Event, Sim};

use super::node_lifecycle::TAINT_OUT_OF_SERVICE;

const ACTOR: Actor = Actor::Controller("pod-garbage-collector");

pub(crate) fn gc(sim: &mut Sim) {
    let period = sim.timing.podgc_period;
    sim.schedule(period, Event::PodGc);
    let now = sim.now;
    let quarantine = sim.timing.podgc_quarantine;
    let pods: Vec<Pod> = sim.api.list::<Pod>().cloned().collect();
    let mut missing_now = crate::sorted::SortedSet::new();
    for p in &pods {
        let key = ObjectRef::new(Kind::Pod, &p.metadata.namespace, &p.metadata.name);
        if p.spec.node_name.is_empty() {
            if p.metadata.deletion_timestamp.is_some() {
                force_delete(sim, &key, None, "unscheduled pod is terminating");
            }
            continue;
        }
        let node = sim.api.get::<Node>("", &p.spec.node_name).cloned();
        match node {
            None => {
                missing_now.insert(p.spec.node_name.clone());
                let first = *sim
                    .ctl
                    .podgc_missing
                    .entry(p.spec.node_name.clone())
                    .or_insert(now);
                if now >= first + quarantine {
                    force_delete(
                        sim,
                        &key,
                        Some("PodGC: node no longer exists"),
                        &format!("node {} no longer exists", p.spec.node_name),
                    );
                }
            }
            Some(n) => {
                let oos = n.spec.taints.iter().any(|t| t.key == TAINT_OUT_OF_SERVICE);
                if oos && !n.is_ready() && p.metadata.deletion_timestamp.is_some() {
                    force_delete(
                        sim,
                        &key,
                        Some("PodGC: node is out of service"),
                        &format!("node {} is out of service", n.metadata.name),
                    );
                }
            }
        }
    }
    sim.ctl.podgc_missing.retain(|n, _| missing_now.contains(n));
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
                    Object::Pod(p),
                    &format!("added DisruptionTarget to pod {}", key.name),
                    why,
                );
            }
        }
    }
    let _ = sim.api_delete(&ACTOR, None, key, &DeleteOptions::force(), why);
}
