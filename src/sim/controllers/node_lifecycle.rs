//! The node lifecycle controller: Ready -> Unknown after the grace period, NodeNotReady, pods
//! marked not ready, condition taints, and the per-zone rate limits on NoExecute tainting.

use crate::sorted::SortedMap;

use crate::model::{Kind, Lease, Node, Object, ObjectRef, Pod, Shared, Taint, Time};
use crate::sim::trace::{Actor, Change};
use crate::sim::{Event, Sim};

const ACTOR: Actor = Actor::Controller(&"node-controller");
pub const TAINT_UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const TAINT_NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const TAINT_OUT_OF_SERVICE: &str = "node.kubernetes.io/out-of-service";
/// Mirrors `spec.unschedulable` (a cordon) as a taint, as taint-nodes-by-condition does.
pub const TAINT_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// What the controller last observed of a node's heartbeats (its own clock, not the kubelet's).
#[derive(Clone, Debug, Default)]
pub(crate) struct NodeHealth {
    pub probe_time: u64,
    pub last_renew: Option<Time>,
    pub last_heartbeat: Option<Time>,
}

/// Zone health, as `ComputeZoneState` classifies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneState {
    Normal,
    PartialDisruption,
    FullDisruption,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct LifecycleState {
    /// zone -> nodes waiting for their NoExecute taint, in order.
    pub taint_queue: SortedMap<String, Vec<String>>,
    /// zone -> earliest time the rate limiter allows the next taint.
    pub zone_next: SortedMap<String, u64>,
    pub zone_states: SortedMap<String, ZoneState>,
    pub master_disruption: bool,
    pub pass_at: Option<u64>,
}

fn zone_of(n: &Node) -> String {
    n.metadata
        .labels
        .get("topology.kubernetes.io/zone")
        .cloned()
        .unwrap_or_default()
}

/// A Lease renewal or node status change was seen: record the observation time.
pub(crate) fn observe(sim: &mut Sim, key: &ObjectRef) {
    observe_health(sim, key);
    // A cordon or uncordon: the NoSchedule taint follows on the node update event.
    let cordon_changed = key.kind == Kind::Node
        && sim.api.get::<Node>("", &key.name).is_some_and(|n| {
            n.spec.unschedulable != n.has_taint(TAINT_UNSCHEDULABLE, "NoSchedule")
        });
    if cordon_changed {
        sync_condition_taints(sim, &key.name.clone());
    }
}

/// Records when a node's Lease or status last changed.
fn observe_health(sim: &mut Sim, key: &ObjectRef) {
    let now = sim.now;
    match key.kind {
        Kind::Lease => {
            let renew = sim
                .api
                .get::<Lease>(&key.namespace, &key.name)
                .and_then(|l| l.spec.renew_time);
            let h = sim.ctl.node_health.entry(key.name.to_string()).or_default();
            if renew.is_some() && renew != h.last_renew {
                h.last_renew = renew;
                h.probe_time = now;
            }
        }
        Kind::Node => match sim.api.get::<Node>("", &key.name) {
            None => {
                sim.ctl.node_health.remove(key.name.as_str());
            }
            Some(n) => {
                let hb = n.condition("Ready").and_then(|c| c.last_heartbeat_time);
                let h = sim
                    .ctl
                    .node_health
                    .entry(key.name.to_string())
                    .or_insert_with(|| NodeHealth {
                        probe_time: now,
                        last_renew: None,
                        last_heartbeat: hb,
                    });
                if hb != h.last_heartbeat {
                    h.last_heartbeat = hb;
                    h.probe_time = now;
                }
            }
        },
        _ => {}
    }
}

/// `monitorNodeHealth`, every node-monitor-period.
pub(crate) fn monitor(sim: &mut Sim) {
    let period = sim.timing.node_monitor_period;
    sim.schedule(period, Event::NodeMonitor);
    let now = sim.now;
    let grace = sim.timing.node_monitor_grace_period;
    let nodes: Vec<Node> = sim.api.list::<Node>().cloned().collect();
    sim.ctl
        .node_health
        .retain(|k, _| nodes.iter().any(|n| &n.metadata.name == k));
    for n in &nodes {
        let name = n.metadata.name.to_string();
        let never_posted = n.condition("Ready").is_none();
        let created = n.metadata.creation_timestamp.map_or(now, |t| t.millis());
        let h = sim
            .ctl
            .node_health
            .entry(name.clone())
            .or_insert_with(|| NodeHealth {
                // A node that never posted status is measured from its creation.
                probe_time: if never_posted { created } else { now },
                last_renew: None,
                last_heartbeat: n.condition("Ready").and_then(|c| c.last_heartbeat_time),
            });
        let probe = h.probe_time;
        if never_posted {
            // `--node-startup-grace-period` for a node that was never Ready (ref §2.1).
            if now
                > probe
                    + sim
                        .timing
                        .node_monitor_grace_period
                        .max(sim.timing.node_startup_grace_period)
            {
                never_updated(sim, n, now);
            }
            sync_condition_taints(sim, &name);
            continue;
        }
        let before = n.ready_status().to_string();
        if now > probe + grace && before != "Unknown" {
            let mut n2 = n.clone();
            let t = Time::at(now);
            for c in n2.status.conditions.iter_mut() {
                if ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]
                    .contains(&c.type_.as_str())
                {
                    if c.status != "Unknown" {
                        c.last_transition_time = Some(t);
                    }
                    c.status = "Unknown".into();
                    c.reason = "NodeStatusUnknown".into();
                    c.message = "Kubelet stopped posting node status.".into();
                }
            }
            let why = format!(
                "no heartbeat for {}",
                crate::model::go_duration(now - probe)
            );
            let _ = sim.api_update(
                &ACTOR,
                None,
                Object::Node(Shared::new(n2)),
                &format!("node {name} Ready=Unknown"),
                &why,
            );
            if before == "True" {
                let r = ObjectRef::new(Kind::Node, "", &name);
                sim.api_event(
                    &ACTOR,
                    &r,
                    "Normal",
                    "NodeNotReady",
                    &format!("Node {name} status is now: NodeNotReady"),
                );
                mark_pods_not_ready(sim, &name);
            }
        }
        if before == "True"
            && sim
                .api
                .get::<Node>("", &name)
                .is_some_and(|n| !n.is_ready())
        {
            // Kubelet reported Ready=False itself: same NotReady handling.
        }
        sync_condition_taints(sim, &name);
    }
    compute_zones(sim);
    eviction_pass(sim);
}

/// The kubelet never posted status: the four conditions appear as Unknown.
fn never_updated(sim: &mut Sim, n: &Node, now: u64) {
    let mut n2 = n.clone();
    for type_ in ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] {
        if n2.condition(type_).is_none() {
            n2.status.conditions.push(crate::model::NodeCondition {
                type_: type_.into(),
                status: "Unknown".into(),
                last_heartbeat_time: n.metadata.creation_timestamp,
                last_transition_time: Some(Time::at(now)),
                reason: "NodeStatusNeverUpdated".into(),
                message: "Kubelet never posted node status.".into(),
            });
        }
    }
    let name = &n.metadata.name;
    let _ = sim.api_update(
        &ACTOR,
        None,
        Object::Node(Shared::new(n2)),
        &format!("node {name} Ready=Unknown"),
        "kubelet never posted node status within the startup grace period",
    );
}

/// `MarkPodsNotReady`: the Ready condition of every pod on the node becomes False (ref §2.1).
fn mark_pods_not_ready(sim: &mut Sim, node: &str) {
    let pods: Vec<Pod> = sim.api.pods_on_node(node).cloned().collect();
    let now = sim.now_time();
    for mut p in pods {
        if !p.is_ready() {
            continue;
        }
        p.status.set_condition("Ready", "False", "", "", now);
        let what = format!("marked pod {} not ready", p.metadata.name);
        let subject = ObjectRef::new(Kind::Node, "", node);
        let _ = sim.api_update(
            &ACTOR,
            Some(&subject),
            Object::Pod(Shared::new(p)),
            &what,
            "node is not ready",
        );
    }
}

/// NoSchedule taints follow conditions at once; NoExecute taints go through the zone queue.
fn sync_condition_taints(sim: &mut Sim, name: &str) {
    let Some(n) = sim.api.get::<Node>("", name).cloned() else {
        return;
    };
    let status = n.ready_status().to_string();
    let want = match status.as_str() {
        // No Ready condition yet: no condition, no taint.
        _ if n.condition("Ready").is_none() => None,
        "True" => None,
        "False" => Some(TAINT_NOT_READY),
        _ => Some(TAINT_UNREACHABLE),
    };
    let mut n2 = n.clone();
    // taint-nodes-by-condition: NoSchedule copies.
    n2.spec.taints.retain(|t| {
        !(t.effect == "NoSchedule"
            && (t.key == TAINT_UNREACHABLE || t.key == TAINT_NOT_READY)
            && Some(t.key.as_str()) != want)
    });
    if let Some(k) = want {
        if !n2.has_taint(k, "NoSchedule") {
            n2.spec.taints.push(Taint::new(k, "", "NoSchedule"));
        }
    }
    let cordoned = n2.spec.unschedulable;
    n2.spec
        .taints
        .retain(|t| cordoned || t.key != TAINT_UNSCHEDULABLE || t.effect != "NoSchedule");
    if cordoned && !n2.has_taint(TAINT_UNSCHEDULABLE, "NoSchedule") {
        n2.spec
            .taints
            .push(Taint::new(TAINT_UNSCHEDULABLE, "", "NoSchedule"));
    }
    // NoExecute: removed at once when Ready (or the other condition); added via the queue.
    n2.spec.taints.retain(|t| {
        !(t.effect == "NoExecute"
            && (t.key == TAINT_UNREACHABLE || t.key == TAINT_NOT_READY)
            && Some(t.key.as_str()) != want)
    });
    let zone = zone_of(&n);
    if let Some(k) = want {
        let master = sim.ctl.node_lifecycle.master_disruption;
        let q = sim
            .ctl
            .node_lifecycle
            .taint_queue
            .entry(zone.clone())
            .or_default();
        if !n2.has_taint(k, "NoExecute") && !q.iter().any(|x| x == name) && !master {
            q.push(name.to_string());
        }
    } else if let Some(q) = sim.ctl.node_lifecycle.taint_queue.get_mut(&zone) {
        q.retain(|x| x != name);
    }
    if n2.spec.taints != n.spec.taints {
        let why = if cordoned != n.has_taint(TAINT_UNSCHEDULABLE, "NoSchedule") {
            format!("unschedulable={cordoned}")
        } else {
            format!("Ready={status}")
        };
        let what = describe_taint_change(&n.spec.taints, &n2.spec.taints, name);
        let _ = sim.api_update(&ACTOR, None, Object::Node(Shared::new(n2)), &what, &why);
    }
}

fn describe_taint_change(old: &[Taint], new: &[Taint], node: &str) -> String {
    let added: Vec<String> = new
        .iter()
        .filter(|t| !old.iter().any(|o| o.key == t.key && o.effect == t.effect))
        .map(|t| t.describe())
        .collect();
    let removed: Vec<String> = old
        .iter()
        .filter(|t| !new.iter().any(|o| o.key == t.key && o.effect == t.effect))
        .map(|t| t.describe())
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("tainted node {node} {}", added.join(", ")));
    }
    if !removed.is_empty() {
        parts.push(format!(
            "removed taint {} from node {node}",
            removed.join(", ")
        ));
    }
    parts.join("; ")
}

fn compute_zones(sim: &mut Sim) {
    let mut zones: SortedMap<String, (u64, u64)> = SortedMap::new();
    for n in sim.api.list::<Node>() {
        if n.metadata
            .labels
            .contains_key("node.kubernetes.io/exclude-disruption")
        {
            continue;
        }
        let e = zones.entry(zone_of(n)).or_default();
        e.0 += 1;
        if !n.is_ready() {
            e.1 += 1;
        }
    }
    let threshold = sim.timing.unhealthy_zone_threshold_percent;
    let mut states = SortedMap::new();
    for (z, (total, not_ready)) in &zones {
        let s = if *total > 0 && not_ready == total {
            ZoneState::FullDisruption
        } else if *not_ready > 2 && not_ready * 100 >= threshold * total {
            ZoneState::PartialDisruption
        } else {
            ZoneState::Normal
        };
        states.insert(z.clone(), s);
    }
    let all_full = !states.is_empty() && states.values().all(|s| *s == ZoneState::FullDisruption);
    let was = sim.ctl.node_lifecycle.master_disruption;
    if all_full && !was {
        sim.ctl.node_lifecycle.master_disruption = true;
        sim.record(
            &ACTOR,
            None,
            None,
            Change::Updated,
            "Controller detected that all Nodes are not-Ready. Entering master disruption mode"
                .into(),
            "every zone is in full disruption",
        );
        sim.ctl.node_lifecycle.taint_queue.clear();
        // markNodeAsReachable: drop the NoExecute condition taints everywhere.
        let names: Vec<String> = sim
            .api
            .list::<Node>()
            .map(|n| n.metadata.name.to_string())
            .collect();
        for name in names {
            let Some(n) = sim.api.get::<Node>("", &name).cloned() else {
                continue;
            };
            let mut n2 = n.clone();
            n2.spec.taints.retain(|t| {
                !(t.effect == "NoExecute"
                    && (t.key == TAINT_UNREACHABLE || t.key == TAINT_NOT_READY))
            });
            if n2.spec.taints != n.spec.taints {
                let what = describe_taint_change(&n.spec.taints, &n2.spec.taints, &name);
                let _ = sim.api_update(
                    &ACTOR,
                    None,
                    Object::Node(Shared::new(n2)),
                    &what,
                    "master disruption mode",
                );
            }
        }
    } else if !all_full && was {
        sim.ctl.node_lifecycle.master_disruption = false;
        sim.record(
            &ACTOR,
            None,
            None,
            Change::Updated,
            "Controller detected that some Nodes are Ready. Exiting master disruption mode.".into(),
            "",
        );
    }
    for (z, s) in &states {
        let old = sim.ctl.node_lifecycle.zone_states.get(z).copied();
        if old.is_some_and(|o| o != *s) || (old.is_none() && *s != ZoneState::Normal) {
            sim.record(
                &ACTOR,
                None,
                None,
                Change::Updated,
                format!("zone {z} is now {s:?}"),
                "",
            );
        }
    }
    sim.ctl.node_lifecycle.zone_states = states;
}

/// The rate-limited NoExecute tainting pass (`doNoExecuteTaintingPass`).
pub(crate) fn eviction_pass(sim: &mut Sim) {
    if sim.ctl.node_lifecycle.pass_at == Some(sim.now) {
        sim.ctl.node_lifecycle.pass_at = None;
    }
    if sim.ctl.node_lifecycle.master_disruption {
        return;
    }
    let now = sim.now;
    let cluster_size = sim.api.list::<Node>().count() as u64;
    let zones: Vec<String> = sim.ctl.node_lifecycle.taint_queue.keys().cloned().collect();
    let mut next_wake: Option<u64> = None;
    for zone in zones {
        let state = sim
            .ctl
            .node_lifecycle
            .zone_states
            .get(&zone)
            .copied()
            .unwrap_or(ZoneState::Normal);
        let interval = match state {
            ZoneState::Normal | ZoneState::FullDisruption => {
                Some(sim.timing.node_eviction_interval)
            }
            ZoneState::PartialDisruption => {
                if cluster_size <= sim.timing.large_cluster_size_threshold {
                    None
                } else {
                    Some(sim.timing.secondary_node_eviction_interval)
                }
            }
        };
        let Some(interval) = interval else { continue };
        loop {
            let next = sim
                .ctl
                .node_lifecycle
                .zone_next
                .get(&zone)
                .copied()
                .unwrap_or(0);
            let q = sim
                .ctl
                .node_lifecycle
                .taint_queue
                .get_mut(&zone)
                .expect("zone");
            if q.is_empty() {
                break;
            }
            if now < next {
                next_wake = Some(next_wake.map_or(next, |w: u64| w.min(next)));
                break;
            }
            let name = q.remove(0);
            if taint_no_execute(sim, &name) {
                sim.ctl
                    .node_lifecycle
                    .zone_next
                    .insert(zone.clone(), now + interval);
            }
        }
    }
    if let Some(at) = next_wake {
        if sim.ctl.node_lifecycle.pass_at.is_none_or(|p| p > at) {
            sim.ctl.node_lifecycle.pass_at = Some(at);
            sim.schedule_at(at, Event::NodeEvictionPass);
        }
    }
}

fn taint_no_execute(sim: &mut Sim, name: &str) -> bool {
    let Some(n) = sim.api.get::<Node>("", name).cloned() else {
        return false;
    };
    let key = match n.ready_status() {
        "True" => return false,
        "False" => TAINT_NOT_READY,
        _ => TAINT_UNREACHABLE,
    };
    if n.has_taint(key, "NoExecute") {
        return false;
    }
    let mut n2 = n.clone();
    let mut t = Taint::new(key, "", "NoExecute");
    t.time_added = Some(sim.now_time());
    n2.spec.taints.push(t);
    let what = format!("tainted node {name} {key}:NoExecute");
    sim.api_update(
        &ACTOR,
        None,
        Object::Node(Shared::new(n2)),
        &what,
        &format!("Ready={}", n.ready_status()),
    )
    .is_ok()
}
