//! kube-scheduler: filters, scores that spread replicas, binding, and FailedScheduling with
//! kubectl's `0/3 nodes are available: ...` text.

use crate::sorted::SortedMap;

use crate::model::{
    Kind, Node, Object, ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod, Shared,
    StorageClass, Taint, Toleration,
};
use crate::sim::api::pod_requests;
use crate::sim::trace::Actor;
use crate::sim::{Ctl, Sim};

const ACTOR: Actor = Actor::Controller(&"default-scheduler");

/// Why a node was filtered out, and whether preemption could help.
struct Rejection {
    reasons: Vec<String>,
    preemption_may_help: bool,
}

/// `numFeasibleNodesToFind`: big clusters stop filtering once enough nodes fit (adaptive
/// percentageOfNodesToScore: 50% minus 1% per 125 nodes, at least 5% and 100 nodes).
fn num_feasible_nodes_to_find(all: u64) -> u64 {
    const MIN_NODES: u64 = 100;
    if all < MIN_NODES {
        return all;
    }
    let percentage = 50u64.saturating_sub(all / 125).max(5);
    (all * percentage / 100).max(MIN_NODES)
}

fn tolerated(tols: &[Toleration], t: &Taint) -> bool {
    tols.iter().any(|x| x.tolerates(t))
}

fn matches_affinity(pod: &Pod, node: &Node) -> bool {
    let labels = &node.metadata.labels;
    if !pod
        .spec
        .node_selector
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    if let Some(req) = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|na| {
            na.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    {
        if !req.matches(labels) {
            return false;
        }
    }
    true
}

/// A node's allocatable and requested resources, (cpu milli, memory bytes, pods) each, read
/// once per scheduling cycle for every node.
#[derive(Clone, Copy, Debug)]
struct NodeInputs {
    allocatable: (i64, i64, i64),
    requested: (i64, i64, i64),
}

fn filter(
    sim: &Sim,
    pod: &Pod,
    node: &Node,
    inputs: NodeInputs,
    cycle: &Cycle,
) -> Option<Rejection> {
    let (cpu, mem) = cycle.requests;
    let claims = cycle.claims;
    let fail = |r: &str| {
        Some(Rejection {
            reasons: vec![r.to_string()],
            preemption_may_help: false,
        })
    };
    // NodeUnschedulable.
    if node.spec.unschedulable {
        let t = Taint::new("node.kubernetes.io/unschedulable", "", "NoSchedule");
        if !tolerated(&pod.spec.tolerations, &t) {
            return fail("node(s) were unschedulable");
        }
    }
    // TaintToleration: the first untolerated NoSchedule/NoExecute taint.
    for t in &node.spec.taints {
        if (t.effect == "NoSchedule" || t.effect == "NoExecute")
            && !tolerated(&pod.spec.tolerations, t)
        {
            return fail(&format!(
                "node(s) had untolerated taint {{{}: {}}}",
                t.key, t.value
            ));
        }
    }
    // NodeAffinity (nodeSelector and required node affinity).
    if !matches_affinity(pod, node) {
        return fail("node(s) didn't match Pod's node affinity/selector");
    }
    // InterPodAffinity (required terms only). Evicting lower-priority pods could make room
    // for anti-affinity, never for affinity.
    if let Some((reason, preemption_may_help)) = inter_pod_affinity(sim, pod, node, &cycle.placed) {
        return Some(Rejection {
            reasons: vec![reason.to_string()],
            preemption_may_help,
        });
    }
    // NodeResourcesFit (the pod's requests are read once per cycle, not per node).
    let (acpu, amem, apods) = inputs.allocatable;
    let (ucpu, umem, upods) = inputs.requested;
    let mut reasons = Vec::new();
    if upods + 1 > apods {
        reasons.push("Too many pods".to_string());
    }
    if cpu > 0 && ucpu + cpu > acpu {
        reasons.push("Insufficient cpu".to_string());
    }
    if mem > 0 && umem + mem > amem {
        reasons.push("Insufficient memory".to_string());
    }
    if !reasons.is_empty() {
        return Some(Rejection {
            reasons,
            preemption_may_help: true,
        });
    }
    // VolumeRestrictions: a ReadWriteOncePod claim already used by another pod.
    for (pvc, _) in claims {
        if pvc
            .spec
            .access_modes
            .iter()
            .any(|m| m == "ReadWriteOncePod")
        {
            let in_use = sim
                .api
                .list_in::<Pod>(&pvc.metadata.namespace)
                .any(|other| {
                    other.metadata.uid != pod.metadata.uid
                        && !other.spec.node_name.is_empty()
                        && !other.is_terminal()
                        && other.claim_names().any(|c| c == pvc.metadata.name)
                });
            if in_use {
                return fail("node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod");
            }
        }
    }
    // VolumeBinding: a bound PV's node affinity.
    for (_, pv) in claims {
        if let Some(req) = pv
            .as_ref()
            .and_then(|v| v.spec.node_affinity.as_ref())
            .and_then(|a| a.required.as_ref())
        {
            if !req.matches(&node.metadata.labels) {
                return fail("node(s) had volume node affinity conflict");
            }
        }
    }
    None
}

/// The per-node lists of a scheduling cycle, kept between cycles so that one cycle allocates
/// none of them: at 100 nodes they were 9 KB per pod, and each such large block made the
/// native allocator tidy its free lists (issue 16). What is left in them after a cycle is
/// never read: each cycle clears them first.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    feasible: Vec<(usize, NodeInputs)>,
    raw: Vec<(i64, i64, i64, i64)>,
    scores: Vec<i64>,
}

impl Clone for Scratch {
    /// Room, not content: a copy of the engine (a timeline checkpoint) starts with none.
    fn clone(&self) -> Self {
        Scratch::default()
    }
}

/// What one scheduling cycle reads once for all the nodes it filters.
struct Cycle<'a> {
    /// The pod's cpu millis and memory bytes.
    requests: (i64, i64),
    claims: &'a [(PersistentVolumeClaim, Option<PersistentVolume>)],
    /// Pods placed on some node, when the pod has required pod (anti-)affinity terms (a walk
    /// over every pod per node before, for each such pod).
    placed: Vec<&'a Pod>,
}

/// Whether `other` is placed and counts for `pod`'s inter-pod affinity.
fn placed(pod: &Pod, other: &Pod) -> bool {
    !other.spec.node_name.is_empty()
        && !other.is_terminal()
        && other.metadata.uid != pod.metadata.uid
}

/// The InterPodAffinity filter's required terms: the pod's own podAntiAffinity and podAffinity,
/// and the podAntiAffinity of pods already placed. A topology domain is the set of nodes that
/// share the term's `topologyKey` label value; a node without that label is in no domain.
fn inter_pod_affinity(
    sim: &Sim,
    pod: &Pod,
    node: &Node,
    candidates: &[&Pod],
) -> Option<(&'static str, bool)> {
    let ns = &pod.metadata.namespace;
    let domain = |key: &str| node.metadata.labels.get(key);
    let same_domain = |other: &Pod, key: &str| -> bool {
        let Some(mine) = domain(key) else {
            return false;
        };
        sim.api
            .get::<Node>("", &other.spec.node_name)
            .and_then(|n| n.metadata.labels.get(key))
            == Some(mine)
    };
    let anti = pod.required_anti_affinity();
    let affinity = pod.required_affinity();
    // Upstream's order: the pod's affinity, its anti-affinity, then the placed pods' anti-affinity.
    if !anti.is_empty() || !affinity.is_empty() {
        for t in affinity {
            let matching: Vec<&&Pod> = candidates
                .iter()
                .filter(|o| t.selects(ns, &o.metadata.namespace, &o.metadata.labels))
                .collect();
            if matching.iter().any(|o| same_domain(o, &t.topology_key)) {
                continue;
            }
            // The first pod of a group that selects itself may go anywhere in a domain.
            let first = matching.is_empty()
                && t.selects(ns, ns, &pod.metadata.labels)
                && domain(&t.topology_key).is_some();
            if !first {
                return Some(("node(s) didn't match pod affinity rules", false));
            }
        }
        for t in anti {
            if candidates.iter().any(|o| {
                t.selects(ns, &o.metadata.namespace, &o.metadata.labels)
                    && same_domain(o, &t.topology_key)
            }) {
                return Some(("node(s) didn't match pod anti-affinity rules", true));
            }
        }
    }
    for other in sim.api.pods_with_anti_affinity().filter(|p| placed(pod, p)) {
        let ons = &other.metadata.namespace;
        if other.required_anti_affinity().iter().any(|t| {
            t.selects(ons, ns, &pod.metadata.labels) && same_domain(other, &t.topology_key)
        }) {
            return Some((
                "node(s) didn't satisfy existing pods anti-affinity rules",
                true,
            ));
        }
    }
    None
}

/// `0/3 nodes are available: 1 node(s) had untolerated taint {...}, 2 Insufficient cpu. preemption: ...`
fn fit_error(total: usize, rejections: &[Rejection]) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let mut hist: SortedMap<&str, u32> = SortedMap::new();
    let mut pre: SortedMap<&str, u32> = SortedMap::new();
    for r in rejections {
        for reason in &r.reasons {
            *hist.entry(reason.as_str()).or_default() += 1;
        }
        let p = if r.preemption_may_help {
            "No preemption victims found for incoming pod."
        } else {
            "Preemption is not helpful for scheduling."
        };
        *pre.entry(p).or_default() += 1;
    }
    let list: Vec<String> = hist.iter().map(|(r, n)| format!("{n} {r}")).collect();
    let plist: Vec<String> = pre
        .iter()
        .map(|(r, n)| format!("{n} {}", r.trim_end_matches('.')))
        .collect();
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        list.join(", "),
        plist.join(", ")
    )
}

pub(crate) fn schedule_one(sim: &mut Sim, key: &ObjectRef) {
    // Borrowed, not cloned: a pending pod is tried again and again, and only a write needs a copy.
    let Some(pod) = sim.api.get::<Pod>(&key.namespace, &key.name) else {
        sim.ctl.unschedulable.remove(key);
        return;
    };
    if !pod.spec.node_name.is_empty()
        || pod.metadata.deletion_timestamp.is_some()
        || pod.spec.scheduler_name != "default-scheduler"
    {
        sim.ctl.unschedulable.remove(key);
        return;
    }
    let nodes: Vec<&Node> = sim.api.list::<Node>().collect();
    let mut next_start = sim.ctl.next_start_node_index;

    // Pod-level volume checks (VolumeBinding PreFilter).
    let mut claims = Vec::new();
    let mut wffc_claims = Vec::new();
    let mut pod_error = None;
    for c in pod.claim_names() {
        match sim.api.get::<PersistentVolumeClaim>(&key.namespace, c) {
            None => {
                pod_error = Some(format!("persistentvolumeclaim \"{c}\" not found"));
                break;
            }
            Some(pvc) => {
                let pv = if pvc.spec.volume_name.is_empty() {
                    None
                } else {
                    sim.api
                        .get::<PersistentVolume>("", &pvc.spec.volume_name)
                        .cloned()
                };
                if pvc.status.phase != "Bound" {
                    let class = pvc.spec.storage_class_name.clone().unwrap_or_default();
                    let wffc = sim
                        .api
                        .get::<StorageClass>("", &class)
                        .is_some_and(|sc| sc.volume_binding_mode == "WaitForFirstConsumer");
                    if !wffc {
                        pod_error =
                            Some("pod has unbound immediate PersistentVolumeClaims".to_string());
                        break;
                    }
                    wffc_claims.push(pvc.metadata.name.to_string());
                }
                claims.push((pvc.clone(), pv));
            }
        }
    }

    let requests = pod_requests(pod);
    let mut feasible = std::mem::take(&mut sim.ctl.scheduler_scratch.feasible);
    feasible.clear();
    feasible.reserve(nodes.len());
    let mut start_at = 0;
    let mut rejections = Vec::new();
    if pod_error.is_none() && !nodes.is_empty() {
        // Start where the previous cycle stopped, so every node gets its turn.
        let all = nodes.len() as u64;
        let to_find = num_feasible_nodes_to_find(all);
        let start = sim.ctl.next_start_node_index % all;
        start_at = start as usize;
        let mut processed = 0;
        // Each node's inputs, read in node order beside the API server's per-node counts: from
        // the cycle's first node on, then from the cluster's first node after the wrap. Two
        // walks over only the nodes this cycle reaches, not a lookup by name per node (at
        // 1,000 nodes those were half of the scheduler's time) nor a walk over every node.
        let mut from_start = sim.api.node_resources_from(&nodes[start_at].metadata.name);
        let mut from_first = sim.api.node_resources_from("");
        let has_terms =
            !pod.required_anti_affinity().is_empty() || !pod.required_affinity().is_empty();
        let cycle = Cycle {
            requests,
            claims: &claims,
            placed: if has_terms {
                sim.api.list::<Pod>().filter(|p| placed(pod, p)).collect()
            } else {
                Vec::new()
            },
        };
        for i in 0..all {
            let at = ((start + i) % all) as usize;
            processed += 1;
            let cursor = if at >= start_at {
                &mut from_start
            } else {
                &mut from_first
            };
            let [allocatable, requested] = cursor.of(&nodes[at].metadata.name);
            let inputs = NodeInputs {
                allocatable,
                requested,
            };
            match filter(sim, pod, nodes[at], inputs, &cycle) {
                None => {
                    feasible.push((at, inputs));
                    if feasible.len() as u64 >= to_find {
                        break;
                    }
                }
                Some(r) => rejections.push(r),
            }
        }
        next_start = (start + processed) % all;
    }

    if feasible.is_empty() {
        let msg = match pod_error {
            Some(e) => {
                let n = nodes.len();
                if n == 0 {
                    "no nodes available to schedule pods".to_string()
                } else {
                    format!("0/{n} nodes are available: {e}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.")
                }
            }
            None => fit_error(nodes.len(), &rejections),
        };
        sim.ctl.next_start_node_index = next_start;
        let first_time = !sim.ctl.unschedulable.contains(key);
        if first_time {
            sim.ctl.unschedulable.insert(key.clone());
        }
        // The status first: on a retry the condition is already there, and the pod need not
        // be copied (100,000 pending pods are retried every 5 minutes).
        let mut status = pod.status.clone();
        let now = sim.now_time();
        if status.set_condition("PodScheduled", "False", "Unschedulable", &msg, now) {
            let p = pod.with_status(status);
            let _ = sim.api_update(
                &ACTOR,
                None,
                Object::Pod(Shared::new(p)),
                &format!("pod {} unschedulable", key.name),
                &msg,
            );
        }
        // A retry records nothing while the pod's Event with this message is stored.
        sim.api_event_once(
            &ACTOR,
            key,
            "Warning",
            "FailedScheduling",
            &msg,
            !first_time,
        );
        let retry = sim.timing.scheduler_retry_period;
        sim.enqueue_after(Ctl::Scheduler, key.clone(), retry);
        sim.ctl.scheduler_scratch.feasible = feasible;
        return;
    }

    // Scores: spread replicas of one owner, prefer affinity matches, then emptier nodes.
    let by_node = pod
        .metadata
        .controller_ref()
        .and_then(|o| sim.api.active_pods_of_by_node(&o.uid));
    // The owner's pods per node, read in node order beside the feasible nodes (the same two
    // runs as the inputs), not a search by name per node: 420 of them at 1,000 nodes.
    let mut owned_from_start = by_node.map(|m| {
        m.range::<str, _>((
            std::ops::Bound::Included(nodes[start_at].metadata.name.as_str()),
            std::ops::Bound::Unbounded,
        ))
        .peekable()
    });
    let mut owned_from_first = by_node.map(|m| m.iter().peekable());
    let pref_terms = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .map(|na| {
            na.preferred_during_scheduling_ignored_during_execution
                .clone()
        })
        .unwrap_or_default();
    let (cpu, mem) = requests;
    let mut raw = std::mem::take(&mut sim.ctl.scheduler_scratch.raw);
    raw.clear();
    for &(at, inputs) in &feasible {
        let n = nodes[at];
        let aff: i64 = pref_terms
            .iter()
            .filter(|t| t.preference.matches(&n.metadata.labels))
            .map(|t| i64::from(t.weight))
            .sum();
        let owned = if at >= start_at {
            owned_from_start.as_mut()
        } else {
            owned_from_first.as_mut()
        };
        let spread = owned.map_or(0, |c| crate::sim::api::value_for(c, &n.metadata.name, 0));
        let (acpu, amem, _) = inputs.allocatable;
        let (ucpu, umem, upods) = inputs.requested;
        let free_cpu = if acpu > 0 {
            (acpu - ucpu - cpu).max(0) * 100 / acpu
        } else {
            0
        };
        let free_mem = if amem > 0 {
            (amem - umem - mem).max(0) * 100 / amem
        } else {
            0
        };
        // With no requests, fewer pods is emptier.
        let least = if cpu == 0 && mem == 0 {
            100 - upods.min(100)
        } else {
            (free_cpu + free_mem) / 2
        };
        let prefer_no_schedule = n
            .spec
            .taints
            .iter()
            .filter(|t| t.effect == "PreferNoSchedule" && !tolerated(&pod.spec.tolerations, t))
            .count() as i64;
        raw.push((aff, spread, least, prefer_no_schedule));
    }
    let max_aff = raw.iter().map(|r| r.0).max().unwrap_or(0);
    let max_spread = raw.iter().map(|r| r.1).max().unwrap_or(0);
    let max_taint = raw.iter().map(|r| r.3).max().unwrap_or(0);
    let mut scores = std::mem::take(&mut sim.ctl.scheduler_scratch.scores);
    scores.clear();
    scores.extend(raw.iter().map(|(aff, spread, least, taint)| {
        let aff_s = if max_aff > 0 { aff * 100 / max_aff } else { 0 };
        let spread_s = if max_spread > 0 {
            (max_spread - spread) * 100 / max_spread
        } else {
            100
        };
        let taint_s = if max_taint > 0 {
            (max_taint - taint) * 100 / max_taint
        } else {
            100
        };
        2 * aff_s + 2 * spread_s + 3 * taint_s + least
    }));
    let best = *scores.iter().max().expect("feasible non-empty");
    let ties = scores.iter().filter(|s| **s == best).count();
    let why = format!("{} of {} nodes feasible", feasible.len(), nodes.len());
    sim.ctl.next_start_node_index = next_start;
    // One of the best, at random; only its name is copied (ties are most nodes of an idle
    // cluster).
    let nth = sim.rng.below(ties as u64) as usize;
    let pick = scores
        .iter()
        .enumerate()
        .filter(|(_, s)| **s == best)
        .nth(nth)
        .map_or(0, |(i, _)| i);
    let node_name = nodes[feasible[pick].0].metadata.name.to_string();
    let scratch = &mut sim.ctl.scheduler_scratch;
    (scratch.feasible, scratch.raw, scratch.scores) = (feasible, raw, scores);
    if sim.api_bind(&ACTOR, key, &node_name, &why).is_ok() {
        sim.ctl.unschedulable.remove(key);
        sim.api_event(
            &ACTOR,
            key,
            "Normal",
            "Scheduled",
            &format!(
                "Successfully assigned {}/{} to {node_name}",
                key.namespace, key.name
            ),
        );
        for c in wffc_claims {
            if let Some(mut pvc) = sim
                .api
                .get::<PersistentVolumeClaim>(&key.namespace, &c)
                .cloned()
            {
                pvc.metadata.annotations.insert(
                    "volume.kubernetes.io/selected-node".into(),
                    node_name.clone(),
                );
                let _ = sim.api_update(
                    &ACTOR,
                    None,
                    Object::PersistentVolumeClaim(Shared::new(pvc)),
                    &format!("selected node {node_name} for claim {c}"),
                    "WaitForFirstConsumer",
                );
            }
        }
    }
    let _ = Kind::Pod;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_clusters_filter_only_part_of_the_nodes() {
        assert_eq!(num_feasible_nodes_to_find(3), 3);
        assert_eq!(num_feasible_nodes_to_find(100), 100);
        assert_eq!(num_feasible_nodes_to_find(1_000), 420);
        assert_eq!(num_feasible_nodes_to_find(5_000), 500);
        assert_eq!(num_feasible_nodes_to_find(10_000), 500);
    }

    #[test]
    fn fit_error_reads_like_the_scheduler() {
        let r = vec![
            Rejection {
                reasons: vec![
                    "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
                        .into(),
                ],
                preemption_may_help: false,
            },
            Rejection {
                reasons: vec!["Insufficient cpu".into()],
                preemption_may_help: true,
            },
            Rejection {
                reasons: vec!["Insufficient cpu".into()],
                preemption_may_help: true,
            },
        ];
        assert_eq!(
            fit_error(3, &r),
            "0/3 nodes are available: 2 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 2 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
        );
        assert_eq!(fit_error(0, &[]), "no nodes available to schedule pods");
    }
}
