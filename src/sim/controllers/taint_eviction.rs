//! The taint-eviction controller: deletes pods that do not tolerate a NoExecute taint, after
//! their tolerationSeconds (ref §2.2).

use crate::model::{Kind, Node, Object, ObjectRef, Pod, Shared, Taint};
use crate::sim::trace::Actor;
use crate::sim::{Ctl, DeleteOptions, Sim};

const ACTOR: Actor = Actor::Controller(&"taint-eviction-controller");

/// `getMinTolerationTime`: None = tolerate forever; Some(0) = evict now.
fn min_toleration_seconds(pod: &Pod, taints: &[&Taint]) -> Option<i64> {
    let mut min: Option<i64> = None;
    for t in taints {
        for tol in pod.spec.tolerations.iter().filter(|tol| tol.tolerates(t)) {
            if let Some(s) = tol.toleration_seconds {
                if s <= 0 {
                    return Some(0);
                }
                min = Some(min.map_or(s, |m| m.min(s)));
            }
        }
    }
    min
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    // Most syncs find no NoExecute taint on the pod's node: look before copying pod and node
    // (every bound pod is synced here once, a copy of its Node each time).
    let tainted = sim
        .api
        .get::<Pod>(&key.namespace, &key.name)
        .and_then(|p| sim.api.get::<Node>("", &p.spec.node_name))
        .is_some_and(|n| n.spec.taints.iter().any(|t| t.effect == "NoExecute"));
    if !tainted {
        return;
    }
    let Some(pod) = sim.api.get::<Pod>(&key.namespace, &key.name).cloned() else {
        return;
    };
    if pod.metadata.deletion_timestamp.is_some() || pod.spec.node_name.is_empty() {
        return;
    }
    let Some(node) = sim.api.get::<Node>("", &pod.spec.node_name).cloned() else {
        return;
    };
    let taints: Vec<&Taint> = node
        .spec
        .taints
        .iter()
        .filter(|t| t.effect == "NoExecute")
        .collect();
    if taints.is_empty() {
        return;
    }
    let untolerated: Vec<&&Taint> = taints
        .iter()
        .filter(|t| !pod.spec.tolerations.iter().any(|tol| tol.tolerates(t)))
        .collect();
    let why;
    if let Some(t) = untolerated.first() {
        why = format!("{} not tolerated", t.describe());
    } else {
        let Some(secs) = min_toleration_seconds(&pod, &taints) else {
            return;
        };
        let start = taints
            .iter()
            .filter_map(|t| t.time_added)
            .map(|t| t.millis())
            .min()
            .unwrap_or(sim.now);
        let due = start.saturating_add(secs as u64 * 1000);
        if sim.now < due {
            sim.enqueue_at(Ctl::TaintEviction, key.clone(), due);
            return;
        }
        let names: Vec<String> = taints.iter().map(|t| t.describe()).collect();
        why = format!("{} tolerated for {secs}s", names.join(", "));
    }
    evict(sim, key, pod, &why);
}

fn evict(sim: &mut Sim, key: &ObjectRef, mut pod: Pod, why: &str) {
    let now = sim.now_time();
    pod.status.set_condition(
        "DisruptionTarget",
        "True",
        "DeletionByTaintManager",
        "Taint manager: deleting due to NoExecute taint",
        now,
    );
    let node = ObjectRef::new(Kind::Node, "", &pod.spec.node_name);
    let _ = sim.api_update(
        &ACTOR,
        Some(&node),
        Object::Pod(Shared::new(pod)),
        &format!("added DisruptionTarget to pod {}", key.name),
        why,
    );
    sim.api_event(
        &ACTOR,
        key,
        "Normal",
        "TaintManagerEviction",
        &format!("Marking for deletion Pod {}/{}", key.namespace, key.name),
    );
    let _ = sim.api_delete(&ACTOR, Some(&node), key, &DeleteOptions::default(), why);
}
