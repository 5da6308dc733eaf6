//! The disruption controller: keeps each PodDisruptionBudget's status, which the eviction API
//! then checks (ref §6.1).

use crate::sorted::{SortedMap, SortedSet};

use crate::model::{
    Condition, Deployment, Kind, Object, ObjectRef, Pod, PodDisruptionBudget, ReplicaSet, Shared,
    StatefulSet, Time,
};
use crate::sim::trace::Actor;
use crate::sim::Sim;

use super::Ctl;

const ACTOR: Actor = Actor::Controller(&"disruption-controller");

/// `DeletionTimeout`: how long an approved eviction keeps a pod out of the healthy count.
pub(crate) const DELETION_TIMEOUT_MS: u64 = 2 * 60 * 1000;

/// Whether a PDB selects pods with these labels. In policy/v1 an empty selector selects every
/// pod in the namespace, and a missing one selects none (ref §6.1).
pub fn selects(pdb: &PodDisruptionBudget, labels: &SortedMap<String, String>) -> bool {
    match &pdb.spec.selector {
        None => false,
        Some(s) if s.is_empty() => true,
        Some(s) => s.matches(labels),
    }
}

/// The PDBs in `namespace` that select a pod with `labels`, by name.
pub fn budgets_for<'a>(
    sim: &'a Sim,
    namespace: &'a str,
    labels: &'a SortedMap<String, String>,
) -> impl Iterator<Item = &'a PodDisruptionBudget> + 'a {
    sim.api
        .list_in::<PodDisruptionBudget>(namespace)
        .filter(move |p| selects(p, labels))
}

/// Whether the pod counts as healthy: Ready, not terminating, not recently evicted.
fn healthy(pod: &Pod, disrupted: &SortedMap<String, Time>, now: u64) -> bool {
    if pod.metadata.deletion_timestamp.is_some() {
        return false;
    }
    if let Some(t) = disrupted.get(pod.metadata.name.as_str()) {
        if t.millis() + DELETION_TIMEOUT_MS > now {
            return false;
        }
    }
    pod.is_ready()
}

/// The scale of the workload that owns a pod, keyed by that workload's uid, as upstream's
/// finders do: a ReplicaSet owned by a Deployment counts as the Deployment.
fn owner_scale(sim: &Sim, pod: &Pod) -> Option<(String, i32)> {
    let c = pod.metadata.controller_ref()?;
    let ns = &pod.metadata.namespace;
    match &*c.kind {
        "ReplicaSet" => {
            let rs = sim.api.get::<ReplicaSet>(ns, &c.name)?;
            if rs.metadata.uid != c.uid {
                return None;
            }
            match rs.metadata.controller_ref() {
                Some(d) if d.kind == "Deployment" => {
                    let dep = sim.api.get::<Deployment>(ns, &d.name)?;
                    (dep.metadata.uid == d.uid)
                        .then(|| (dep.metadata.uid.to_string(), dep.spec.replicas.unwrap_or(1)))
                }
                _ => Some((rs.metadata.uid.to_string(), rs.spec.replicas.unwrap_or(1))),
            }
        }
        "StatefulSet" => {
            let s = sim.api.get::<StatefulSet>(ns, &c.name)?;
            (s.metadata.uid == c.uid)
                .then(|| (s.metadata.uid.to_string(), s.spec.replicas.unwrap_or(1)))
        }
        _ => None,
    }
}

/// `getExpectedPodCount`: (expected, desired healthy), or None when a percentage or
/// maxUnavailable needs the owners' scale and some selected pod has no owner.
fn expected_and_desired(sim: &Sim, pdb: &PodDisruptionBudget, pods: &[&Pod]) -> Option<(i32, i32)> {
    let spec = &pdb.spec;
    if let Some(crate::model::IntOrString::Int(min)) = &spec.min_available {
        return Some((pods.len() as i32, *min));
    }
    let mut scales: SortedMap<String, i32> = SortedMap::new();
    for p in pods {
        let (uid, n) = owner_scale(sim, p)?;
        scales.insert(uid, n);
    }
    let expected: i32 = scales.values().sum();
    // Both percentages round up (ref §6.1).
    let desired = if let Some(min) = &spec.min_available {
        min.scaled_value(expected, true).unwrap_or(expected)
    } else if let Some(max) = &spec.max_unavailable {
        (expected - max.scaled_value(expected, true).unwrap_or(0)).max(0)
    } else {
        0
    };
    Some((expected, desired))
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let Some(pdb) = sim
        .api
        .get::<PodDisruptionBudget>(&key.namespace, &key.name)
        .cloned()
    else {
        return;
    };
    if pdb.metadata.deletion_timestamp.is_some() {
        return;
    }
    let now = sim.now;
    let pods: Vec<&Pod> = sim
        .api
        .list_in::<Pod>(&key.namespace)
        .filter(|p| selects(&pdb, &p.metadata.labels))
        .collect();

    // Forget approvals whose pod is gone or terminating, or that are older than the timeout;
    // recheck when the oldest live one expires.
    let mut disrupted = pdb.status.disrupted_pods.clone();
    let present: SortedSet<&str> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .map(|p| p.metadata.name.as_str())
        .collect();
    disrupted.retain(|name, t| {
        present.contains(name.as_str()) && t.millis() + DELETION_TIMEOUT_MS > now
    });
    let recheck = disrupted
        .values()
        .map(|t| t.millis() + DELETION_TIMEOUT_MS)
        .min();

    let current = pods.iter().filter(|p| healthy(p, &disrupted, now)).count() as i32;
    let counts = expected_and_desired(sim, &pdb, &pods);
    drop(pods);

    let mut status = pdb.status.clone();
    status.observed_generation = pdb.metadata.generation;
    status.disrupted_pods = disrupted;
    status.current_healthy = current;
    let (reason, message) = match counts {
        Some((expected, desired)) => {
            status.expected_pods = expected;
            status.desired_healthy = desired;
            status.disruptions_allowed = if expected <= 0 {
                0
            } else {
                (current - desired).max(0)
            };
            if status.disruptions_allowed > 0 {
                ("SufficientPods", "")
            } else {
                ("InsufficientPods", "")
            }
        }
        None => {
            // Upstream cannot compute a percentage without the owners' scale: it warns and
            // allows no disruption.
            status.expected_pods = 0;
            status.desired_healthy = 0;
            status.disruptions_allowed = 0;
            // Upstream records its events as the controller manager.
            sim.api_event(
                &Actor::Controller(&"controllermanager"),
                key,
                "Warning",
                "UnmanagedPods",
                &format!(
                    "Pods selected by this PodDisruptionBudget (selector: {}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.",
                    pdb.spec
                        .selector
                        .as_ref()
                        .and_then(|s| s.to_selector().ok())
                        .map(|s| s.to_string())
                        .unwrap_or_default()
                ),
            );
            ("SyncFailed", "found no controllers for pod")
        }
    };
    let allowed = if status.disruptions_allowed > 0 {
        "True"
    } else {
        "False"
    };
    let time = sim.now_time();
    match status
        .conditions
        .iter_mut()
        .find(|c| c.type_ == "DisruptionAllowed")
    {
        Some(c) => {
            if c.status != allowed {
                c.last_transition_time = Some(time);
            }
            c.status = allowed.into();
            c.reason = reason.into();
            c.message = message.into();
            c.observed_generation = pdb.metadata.generation;
        }
        None => status.conditions.push(Condition {
            type_: "DisruptionAllowed".into(),
            status: allowed.into(),
            observed_generation: pdb.metadata.generation,
            last_transition_time: Some(time),
            reason: reason.into(),
            message: message.into(),
        }),
    }
    if let Some(at) = recheck {
        sim.enqueue_at(Ctl::Disruption, key.clone(), at);
    }
    if status == pdb.status {
        return;
    }
    let why = format!(
        "{} healthy of {} expected, {} needed",
        status.current_healthy, status.expected_pods, status.desired_healthy
    );
    let what = format!(
        "set pdb {} disruptionsAllowed={}",
        key.name, status.disruptions_allowed
    );
    let mut next = pdb;
    next.status = status;
    let subject = key.clone();
    let _ = sim.api_update(
        &ACTOR,
        Some(&subject),
        Object::PodDisruptionBudget(Shared::new(next)),
        &what,
        &why,
    );
}

/// The PDBs to resync when a pod changes: those selecting either version of it.
pub(crate) fn for_pod(sim: &Sim, pods: [Option<&Pod>; 2], out: &mut SortedSet<(Ctl, ObjectRef)>) {
    for p in pods.into_iter().flatten() {
        let ns = &p.metadata.namespace;
        for pdb in budgets_for(sim, ns, &p.metadata.labels) {
            out.insert((
                Ctl::Disruption,
                ObjectRef::new(Kind::PodDisruptionBudget, ns, &pdb.metadata.name),
            ));
        }
    }
}
