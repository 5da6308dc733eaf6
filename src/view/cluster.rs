//! The cluster as the lab draws it: a column per node holding what the API server believes
//! (pods, volumes) beside what really runs there (processes), and a meter per workload.

use crate::sorted::SortedMap;

use crate::model::{
    Deployment, LabelSelector, Node, PersistentVolume, PersistentVolumeClaim, Pod, ReplicaSet,
    StatefulSet,
};
use crate::sim::controllers::attach_detach::unique_volume_name;
use crate::sim::{Process, Sim};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodCard {
    pub namespace: String,
    pub name: String,
    /// STATUS as kubectl prints it.
    pub status: String,
    /// READY as kubectl prints it: `1/1`.
    pub ready: String,
    pub is_ready: bool,
    pub restarts: i32,
    /// `pod-template-hash` or `controller-revision-hash`.
    pub revision: Option<String>,
    pub ip: String,
    pub terminating: bool,
    /// `replicaset/web`.
    pub owner: Option<String>,
    /// The pod's process state, when one runs: for the pod menu's toggles.
    pub process: Option<ProcessState>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcessState {
    pub paused: bool,
    pub readiness_on: bool,
}

/// A process as it really is, beside the API's opinion of its pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessCard {
    pub pid: u64,
    pub id: String,
    pub pod: String,
    pub container: String,
    /// What it believes about itself: `serving`, `paused`, `shutting down`, ...
    pub belief: String,
    pub leader: bool,
    /// Volume keys it writes to.
    pub writes: Vec<String>,
    /// The pod's status in the API, or `gone` when the API has no such pod.
    pub api_status: String,
    /// The API no longer counts this process's pod (terminating or gone) but it runs.
    pub unseen: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeColumn {
    pub name: String,
    /// `Ready`, `NotReady`, `Ready,SchedulingDisabled`; `(no Node object)` once deleted.
    pub status: String,
    pub ready: bool,
    pub unschedulable: bool,
    pub zone: String,
    pub taints: Vec<String>,
    /// Powered but cut off from the control plane.
    pub partitioned: bool,
    pub powered: bool,
    pub clock_offset_ms: i64,
    pub in_api: bool,
    /// The first `MAX_CARDS` pods the API places here.
    pub pods: Vec<PodCard>,
    /// Pods placed here beyond `pods`.
    pub more_pods: usize,
    /// PersistentVolumes attached to the node (its status) or in use by its pods.
    pub volumes: Vec<VolumeChip>,
    pub processes: Vec<ProcessCard>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeChip {
    /// The PersistentVolume's name.
    pub name: String,
    /// Listed in the Node's `status.volumesAttached`.
    pub attached: bool,
    /// Mounted through a claim by a pod the API places here.
    pub in_use: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimLine {
    pub claim: String,
    pub volume: String,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meter {
    /// `ReplicaSet`, `Deployment`.
    pub kind: &'static str,
    pub name: String,
    pub desired: i32,
    /// Pods the API counts as active.
    pub api_active: u32,
    /// Processes that really run for it, anywhere.
    pub running: u32,
    /// Of the processes that take part in an in-application lock (`lab ps` LOCKS), how many
    /// believe they hold one: the instances really active. None when none takes part.
    pub believers: Option<u32>,
    /// More run (or are active) than the pattern promises.
    pub over: bool,
    pub tooltip: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterModel {
    pub nodes: Vec<NodeColumn>,
    /// Pods with no node yet (the first `MAX_CARDS`).
    pub pending: Vec<PodCard>,
    /// Pods with no node yet beyond `pending`.
    pub more_pending: usize,
    pub meters: Vec<Meter>,
    pub claims: Vec<ClaimLine>,
}

fn revision(pod: &Pod) -> Option<String> {
    let l = &pod.metadata.labels;
    l.get("pod-template-hash")
        .or_else(|| l.get("controller-revision-hash"))
        .cloned()
}

/// A pod's card. `process` is the process running for this pod (matched by uid), if any.
pub fn pod_card(pod: &Pod, process: Option<&Process>) -> PodCard {
    let (r, t) = pod.ready_containers();
    let process = process.map(|p| ProcessState {
        paused: p.paused,
        readiness_on: p.ready_toggle,
    });
    PodCard {
        namespace: pod.metadata.namespace.to_string(),
        name: pod.metadata.name.to_string(),
        status: pod.display_status(),
        ready: format!("{r}/{t}"),
        is_ready: pod.is_ready(),
        restarts: pod.restart_count(),
        revision: revision(pod),
        ip: if pod.status.pod_ip.is_empty() {
            "<none>".into()
        } else {
            pod.status.pod_ip.to_string()
        },
        terminating: pod.metadata.deletion_timestamp.is_some(),
        owner: pod
            .metadata
            .owner_references
            .first()
            .map(|o| format!("{}/{}", o.kind.to_ascii_lowercase(), o.name)),
        process,
    }
}

fn process_card(sim: &Sim, p: &Process) -> ProcessCard {
    let pod = sim.cluster().get::<Pod>(&p.pod_namespace, &p.pod_name);
    let pod = pod.filter(|x| x.metadata.uid == p.pod_uid);
    let api_status = pod.map_or_else(|| "gone".to_string(), Pod::display_status);
    let belief = p.belief(sim.now());
    ProcessCard {
        pid: p.pid,
        id: p.id.chars().take(8).collect(),
        pod: p.pod_name.to_string(),
        container: p.container.to_string(),
        leader: belief.contains("leader"),
        belief,
        writes: p.mounts.iter().map(|(_, v)| v.clone()).collect(),
        unseen: pod.is_none_or(|x| !x.is_active()),
        api_status,
    }
}

/// Pod cards drawn per node and for the pending pods: a ReplicaSet of 100,000 would otherwise
/// put 100,000 cards on the page on every frame (issue 16).
pub const MAX_CARDS: usize = 60;

pub fn cluster_model(sim: &Sim) -> ClusterModel {
    let api = sim.cluster();
    let world = sim.world();
    let claims: SortedMap<(String, String), &PersistentVolumeClaim> = api
        .list::<PersistentVolumeClaim>()
        .map(|c| {
            (
                (
                    c.metadata.namespace.to_string(),
                    c.metadata.name.to_string(),
                ),
                c,
            )
        })
        .collect();
    let pv_by_unique: SortedMap<String, String> = api
        .list::<PersistentVolume>()
        .map(|pv| (unique_volume_name(pv), pv.metadata.name.to_string()))
        .collect();
    // One pass over the processes: a lookup per pod would be quadratic at 1,000 pods.
    let proc_by_uid: SortedMap<&str, &Process> =
        world.processes().map(|p| (p.pod_uid.as_str(), p)).collect();
    let card = |pod: &Pod| pod_card(pod, proc_by_uid.get(pod.metadata.uid.as_str()).copied());
    // From the API server's indexes: the cost follows what is drawn, not the cluster's size.
    let pending: Vec<PodCard> = api.unbound_pods().take(MAX_CARDS).map(card).collect();
    let more_pending = api.unbound_pod_count().saturating_sub(pending.len());
    let mut procs_by_machine: SortedMap<&str, Vec<&Process>> = SortedMap::new();
    for p in world.processes() {
        procs_by_machine
            .entry(p.machine.as_str())
            .or_default()
            .push(p);
    }
    let nodes = world
        .machines()
        .map(|m| {
            let node = api.get::<Node>("", &m.name);
            let pods: Vec<&Pod> = api.pods_on_node(&m.name).collect();
            let mut volumes: Vec<VolumeChip> = Vec::new();
            for a in node
                .map(|n| n.status.volumes_attached.as_slice())
                .unwrap_or(&[])
            {
                let name = pv_by_unique
                    .get(&a.name)
                    .cloned()
                    .unwrap_or_else(|| a.name.clone());
                volumes.push(VolumeChip {
                    name,
                    attached: true,
                    in_use: false,
                });
            }
            for pod in &pods {
                for claim in pod.claim_names() {
                    let key = (pod.metadata.namespace.to_string(), claim.to_string());
                    let Some(c) = claims.get(&key).filter(|c| !c.spec.volume_name.is_empty())
                    else {
                        continue;
                    };
                    match volumes.iter_mut().find(|v| v.name == c.spec.volume_name) {
                        Some(v) => v.in_use = true,
                        None => volumes.push(VolumeChip {
                            name: c.spec.volume_name.clone(),
                            attached: false,
                            in_use: true,
                        }),
                    }
                }
            }
            NodeColumn {
                name: m.name.to_string(),
                status: node.map_or_else(|| "(no Node object)".into(), Node::display_status),
                ready: node.is_some_and(Node::is_ready),
                unschedulable: node.is_some_and(|n| n.spec.unschedulable),
                zone: m.zone.clone(),
                taints: node
                    .map(|n| n.spec.taints.iter().map(|t| t.describe()).collect())
                    .unwrap_or_default(),
                partitioned: m.powered && !m.reachable,
                powered: m.powered,
                clock_offset_ms: m.clock_offset_ms,
                in_api: node.is_some(),
                pods: pods.iter().take(MAX_CARDS).map(|p| card(p)).collect(),
                more_pods: pods.len().saturating_sub(MAX_CARDS),
                volumes,
                processes: procs_by_machine
                    .remove(m.name.as_str())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| process_card(sim, p))
                    .collect(),
            }
        })
        .collect();
    let claim_lines = claims
        .values()
        .map(|c| ClaimLine {
            claim: c.metadata.name.to_string(),
            volume: if c.spec.volume_name.is_empty() {
                "(unbound)".into()
            } else {
                c.spec.volume_name.clone()
            },
            status: if c.status.phase.is_empty() {
                "Pending".into()
            } else {
                c.status.phase.clone()
            },
        })
        .collect();
    ClusterModel {
        nodes,
        pending,
        more_pending,
        meters: meters(sim),
        claims: claim_lines,
    }
}

/// (pods the API counts active for the workload, processes really running for it). The API's
/// count is its controllers' own (the cluster's tally of the pods each controls, `owners`),
/// so a meter costs the same with 100,000 pods as with 3 (issue 16); the processes are few.
fn count(sim: &Sim, ns: &str, sel: &LabelSelector, owners: &[&str]) -> (u32, u32) {
    if sel.is_empty() {
        return (0, 0);
    }
    let api_active = owners
        .iter()
        .filter_map(|uid| sim.cluster().pod_tally(uid))
        .map(|t| t.active)
        .sum::<i64>() as u32;
    let running = sim
        .world()
        .processes()
        .filter(|p| p.pod_namespace == ns && sel.matches(&p.pod_labels))
        .map(|p| p.pod_uid.as_str())
        .collect::<crate::sorted::SortedSet<_>>()
        .len() as u32;
    (api_active, running)
}

/// How many processes of the workload believe they hold an in-application lock, and the locks
/// (None when no process of it takes part in one).
fn believers(sim: &Sim, ns: &str, sel: &LabelSelector) -> Option<(u32, Vec<String>)> {
    let mut any = false;
    let mut n = 0;
    let mut locks: Vec<String> = Vec::new();
    for p in sim.world().processes() {
        if p.pod_namespace != ns || sel.is_empty() || !sel.matches(&p.pod_labels) {
            continue;
        }
        for b in p.program.lock_beliefs() {
            any = true;
            if b.leading {
                n += 1;
                if !locks.contains(&b.lock) {
                    locks.push(b.lock);
                }
            }
        }
    }
    any.then_some((n, locks))
}

/// Adds what the lock takers believe to a meter: more than one believer is a split brain.
fn add_believers(m: &mut Meter, sim: &Sim, ns: &str, sel: &LabelSelector) {
    let Some((n, locks)) = believers(sim, ns, sel) else {
        return;
    };
    m.believers = Some(n);
    m.tooltip.push_str(&format!(
        " {} believe they hold the in-application lock{}.",
        n,
        if locks.is_empty() {
            String::new()
        } else {
            format!(" ({})", locks.join(", "))
        }
    ));
    if n > 1 {
        m.over = true;
        m.tooltip
            .push_str(" More than one is active: a split brain, each does the singleton's work.");
    }
}

/// Identities (pod names) with more than one process really running.
fn doubled_identities(sim: &Sim, ns: &str, sel: &LabelSelector) -> Vec<String> {
    let mut seen: SortedMap<&str, crate::sorted::SortedSet<&str>> = SortedMap::new();
    for p in sim.world().processes() {
        if p.pod_namespace == ns && !sel.is_empty() && sel.matches(&p.pod_labels) {
            seen.entry(p.pod_name.as_str())
                .or_default()
                .insert(p.pod_uid.as_str());
        }
    }
    seen.into_iter()
        .filter(|(_, uids)| uids.len() > 1)
        .map(|(name, _)| name.to_string())
        .collect()
}

impl ClusterModel {
    /// What the meters' place says when there is no workload to meter: nothing at all, or
    /// what the cluster does hold (a claim, a bare pod), so it never reads as empty when not.
    pub fn no_workloads_note(&self) -> Option<String> {
        if !self.meters.is_empty() {
            return None;
        }
        let pods = self.pending.len() + self.nodes.iter().map(|n| n.pods.len()).sum::<usize>();
        let mut held = Vec::new();
        if !self.claims.is_empty() {
            held.push(plural(self.claims.len() as i64, "claim", "claims"));
        }
        if pods > 0 {
            held.push(plural(pods as i64, "pod", "pods"));
        }
        Some(if held.is_empty() {
            "No workloads yet: apply the manifests to start them.".to_string()
        } else {
            format!(
                "No ReplicaSet, Deployment or StatefulSet yet; the cluster holds {}.",
                held.join(" and ")
            )
        })
    }
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One meter per workload: active pods in the API beside pods whose process really runs.
/// Cells a replica meter draws at most: beyond it each cell stands for several replicas, so a
/// ReplicaSet of 100,000 draws 40 cells, not 100,000 (issue 16).
pub const METER_CELLS: u32 = 40;

/// A meter's cells, left to right: `on` (running, within desired), `off` (desired, not
/// running) and `extra` (running beyond desired). Above `METER_CELLS` replicas a cell stands
/// for `ceil(max / METER_CELLS)` of them, rounded up so one replica still shows.
pub fn meter_cells(running: u32, desired: u32) -> Vec<&'static str> {
    let max = running.max(desired);
    let per = max.div_ceil(METER_CELLS).max(1);
    let cells = |n: u32| n.div_ceil(per);
    let (on, all, want) = (cells(running.min(desired)), cells(max), cells(desired));
    (0..all)
        .map(|i| {
            if i >= want {
                "cell extra"
            } else if i < on {
                "cell on"
            } else {
                "cell off"
            }
        })
        .collect()
}

/// ReplicaSets and Deployments promise *at least* `replicas`: more is allowed, and that is the
/// lesson. A StatefulSet promises *at most one* pod per identity.
pub fn meters(sim: &Sim) -> Vec<Meter> {
    let mut out = Vec::new();
    let mut at_least = |kind: &'static str,
                        name: &str,
                        ns: &str,
                        desired: i32,
                        sel: &LabelSelector,
                        owners: &[&str]| {
        let (api_active, running) = count(sim, ns, sel, owners);
        let over = i64::from(running) > i64::from(desired);
        let mut tooltip = format!(
            "{kind} {name} promises at least {}: the API counts {} and {} really run.",
            plural(desired.into(), "running copy", "running copies"),
            plural(api_active.into(), "active pod", "active pods"),
            running,
        );
        if over {
            tooltip.push_str(&format!(
                " More than {desired} run: a {kind} is at-least-once, not at-most-once. A replacement starts while the copy on an unreachable node keeps running."
            ));
        }
        let mut m = Meter {
            kind,
            name: name.to_string(),
            desired,
            api_active,
            running,
            believers: None,
            over,
            tooltip,
        };
        add_believers(&mut m, sim, ns, sel);
        out.push(m);
    };
    for rs in sim.cluster().list::<ReplicaSet>() {
        // A Deployment's ReplicaSets are counted by the Deployment's meter.
        if rs
            .metadata
            .owner_references
            .iter()
            .any(|o| o.kind == "Deployment")
        {
            continue;
        }
        at_least(
            "ReplicaSet",
            &rs.metadata.name,
            &rs.metadata.namespace,
            rs.replicas(),
            &rs.spec.selector,
            &[rs.metadata.uid.as_str()],
        );
    }
    for d in sim.cluster().list::<Deployment>() {
        let owned: Vec<&str> = sim
            .cluster()
            .list_in::<ReplicaSet>(&d.metadata.namespace)
            .filter(|rs| {
                rs.metadata
                    .controller_ref()
                    .is_some_and(|c| c.uid == d.metadata.uid)
            })
            .map(|rs| rs.metadata.uid.as_str())
            .collect();
        at_least(
            "Deployment",
            &d.metadata.name,
            &d.metadata.namespace,
            d.replicas(),
            &d.spec.selector,
            &owned,
        );
    }
    for ss in sim.cluster().list::<StatefulSet>() {
        let (ns, name) = (&ss.metadata.namespace, &ss.metadata.name);
        let desired = ss.replicas();
        let (api_active, running) = count(sim, ns, &ss.spec.selector, &[ss.metadata.uid.as_str()]);
        let doubled = doubled_identities(sim, ns, &ss.spec.selector);
        let over = !doubled.is_empty() || i64::from(running) > i64::from(desired);
        let mut tooltip = format!(
            "StatefulSet {name} promises at most one pod per identity, {desired} identities: the API counts {} and {running} really run.",
            plural(api_active.into(), "active pod", "active pods"),
        );
        if !doubled.is_empty() {
            tooltip.push_str(&format!(
                " Two copies of {} run at once: the at-most-one promise is broken.",
                doubled.join(", ")
            ));
        }
        let mut m = Meter {
            kind: "StatefulSet",
            name: name.to_string(),
            desired,
            api_active,
            running,
            believers: None,
            over,
            tooltip,
        };
        add_believers(&mut m, sim, ns, &ss.spec.selector);
        out.push(m);
    }
    out
}

/// The node menu: each entry is (label, the console line it runs), so a click and a typed
/// command do the same thing and both are recorded.
pub fn node_actions(n: &NodeColumn) -> Vec<(&'static str, String)> {
    let name = &n.name;
    let mut items = Vec::new();
    if n.powered {
        items.push(("Crash (power off)", format!("lab crash {name}")));
    }
    if n.partitioned {
        items.push(("Heal the partition", format!("lab heal {name}")));
    } else if n.powered {
        items.push((
            "Partition from the control plane",
            format!("lab partition {name}"),
        ));
    }
    items.push((
        if n.powered {
            "Restart (reboot)"
        } else {
            "Restart (power on)"
        },
        format!("lab restart {name}"),
    ));
    if n.unschedulable {
        items.push(("Uncordon", format!("kubectl uncordon {name}")));
    } else {
        items.push(("Cordon", format!("kubectl cordon {name}")));
    }
    items.push((
        "Drain",
        format!("kubectl drain {name} --ignore-daemonsets --delete-emptydir-data"),
    ));
    const OOS: &str = "node.kubernetes.io/out-of-service";
    if n.taints.iter().any(|t| t.starts_with(OOS)) {
        items.push((
            "Remove the out-of-service taint",
            format!("kubectl taint nodes {name} {OOS}=nodeshutdown:NoExecute-"),
        ));
    } else {
        items.push((
            "Taint out-of-service",
            format!("kubectl taint nodes {name} {OOS}=nodeshutdown:NoExecute"),
        ));
    }
    items.push(("Skew the clock by +90s", format!("lab skew {name} 90s")));
    if n.in_api {
        items.push((
            "Delete the Node object",
            format!("kubectl delete node {name}"),
        ));
    }
    items
}

/// The pod menu, as console lines.
pub fn pod_actions(p: &PodCard) -> Vec<(&'static str, String)> {
    let name = &p.name;
    let ns = if p.namespace == "default" {
        String::new()
    } else {
        format!(" -n {}", p.namespace)
    };
    let mut items = vec![
        ("Delete", format!("kubectl delete pod {name}{ns}")),
        (
            "Force delete",
            format!("kubectl delete pod {name}{ns} --grace-period=0 --force"),
        ),
    ];
    if let Some(proc_) = p.process {
        items.push(("Kill the container", format!("lab kill {name}")));
        if proc_.paused {
            items.push(("Resume the process", format!("lab resume {name}")));
        } else {
            items.push(("Pause the process", format!("lab pause {name}")));
        }
        let (label, arg) = if proc_.readiness_on {
            ("Make it report not ready", "off")
        } else {
            ("Make it report ready", "on")
        };
        items.push((label, format!("lab ready {name} {arg}")));
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::session::Session;

    const RS: &str = include_str!("../../exercises/stateless.yaml");

    #[test]
    fn a_claim_alone_is_not_called_no_workloads() {
        let mut s = Session::new(42, 3);
        assert_eq!(
            cluster_model(s.sim()).no_workloads_note().as_deref(),
            Some("No workloads yet: apply the manifests to start them.")
        );
        let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 10Mi\n";
        let (_, out) = s.apply_text("pvc.yaml", pvc);
        assert!(out.ok, "{}", out.text);
        s.run_for(5_000);
        let note = cluster_model(s.sim()).no_workloads_note().unwrap();
        assert!(!note.starts_with("No workloads yet"), "{note}");
        assert!(note.contains("1 claim"), "{note}");
        assert_eq!(cluster_model(started().sim()).no_workloads_note(), None);
    }

    fn started() -> Session {
        let mut s = Session::new(42, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(60_000);
        s
    }

    #[test]
    fn each_node_is_a_column_with_its_pods_and_processes() {
        let s = started();
        let m = cluster_model(s.sim());
        let names: Vec<&str> = m.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["node-1", "node-2", "node-3"]);
        let zones: Vec<&str> = m.nodes.iter().map(|n| n.zone.as_str()).collect();
        assert_eq!(zones, ["zone-a", "zone-b", "zone-c"]);
        let pods: usize = m.nodes.iter().map(|n| n.pods.len()).sum();
        assert_eq!(pods, 3);
        assert!(m.pending.is_empty());
        for n in &m.nodes {
            assert_eq!(n.status, "Ready");
            assert!(n.taints.is_empty());
            assert_eq!(n.pods.len(), n.processes.len());
            for p in &n.pods {
                assert_eq!(p.status, "Running");
                assert_eq!(p.ready, "1/1");
                assert!(p.ip.starts_with("10.244."), "{}", p.ip);
                assert_eq!(p.owner.as_deref(), Some("replicaset/random-generator"));
                assert!(p.process.is_some_and(|x| x.readiness_on && !x.paused));
            }
            for p in &n.processes {
                assert_eq!(p.api_status, "Running");
                assert!(!p.unseen);
                assert_eq!(p.belief, "serving");
            }
        }
        assert_eq!(m.meters.len(), 1);
        let meter = &m.meters[0];
        assert_eq!((meter.desired, meter.api_active, meter.running), (3, 3, 3));
        assert!(!meter.over);
    }

    #[test]
    fn a_partition_shows_cut_off_then_two_truths_and_a_red_meter() {
        let mut s = started();
        let node = cluster_model(s.sim())
            .nodes
            .iter()
            .find(|n| !n.pods.is_empty())
            .unwrap()
            .name
            .clone();
        assert!(s.run(&format!("lab partition {node}")).ok);
        let m = cluster_model(s.sim());
        let col = m.nodes.iter().find(|n| n.name == node).unwrap();
        assert!(col.partitioned && col.powered);
        s.run_for(420_000);
        let m = cluster_model(s.sim());
        let col = m.nodes.iter().find(|n| n.name == node).unwrap();
        assert_eq!(col.status, "NotReady");
        assert!(col
            .taints
            .iter()
            .any(|t| t == "node.kubernetes.io/unreachable:NoExecute"));
        assert!(col.pods.iter().any(|p| p.status == "Terminating"));
        // The world: the cut-off copy still serves though the API counts it out.
        assert!(col
            .processes
            .iter()
            .any(|p| p.unseen && p.belief == "serving"));
        let meter = &m.meters[0];
        assert_eq!(meter.api_active, 3);
        assert_eq!(meter.running, 4);
        assert!(meter.over);
        assert!(meter.tooltip.contains("at-least-once"), "{}", meter.tooltip);
    }

    #[test]
    fn a_crashed_node_is_powered_off_with_no_processes() {
        let mut s = started();
        assert!(s.run("lab crash node-2").ok);
        let m = cluster_model(s.sim());
        let col = m.nodes.iter().find(|n| n.name == "node-2").unwrap();
        assert!(!col.powered && !col.partitioned);
        assert!(col.processes.is_empty());
        assert!(s.run("kubectl cordon node-3").ok);
        let m = cluster_model(s.sim());
        assert_eq!(m.nodes[2].status, "Ready,SchedulingDisabled");
        assert!(m.nodes[2].unschedulable);
    }

    #[test]
    fn every_menu_action_is_a_console_line_that_works() {
        let s = started();
        let m = cluster_model(s.sim());
        let node = m.nodes.iter().find(|n| !n.pods.is_empty()).unwrap();
        let mut lines: Vec<String> = node_actions(node).into_iter().map(|(_, l)| l).collect();
        lines.extend(pod_actions(&node.pods[0]).into_iter().map(|(_, l)| l));
        assert!(lines.contains(&format!("lab partition {}", node.name)));
        assert!(lines.contains(&format!(
            "kubectl taint nodes {} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute",
            node.name
        )));
        assert!(lines.contains(&format!(
            "kubectl delete pod {} --grace-period=0 --force",
            node.pods[0].name
        )));
        for line in lines {
            let mut fresh = s.clone();
            let out = fresh.run(&line);
            assert!(out.ok, "{line}: {}", out.text);
            assert_eq!(fresh.lines.last().unwrap().line, line);
        }
    }

    #[test]
    fn menus_offer_the_opposite_once_a_fault_is_in_place() {
        let mut s = started();
        let pod = cluster_model(s.sim()).nodes[0].pods.first().cloned();
        s.run("lab partition node-1");
        s.run("kubectl cordon node-1");
        let m = cluster_model(s.sim());
        let lines: Vec<String> = node_actions(&m.nodes[0])
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert!(lines.contains(&"lab heal node-1".to_string()));
        assert!(lines.contains(&"kubectl uncordon node-1".to_string()));
        assert!(!lines.contains(&"lab partition node-1".to_string()));
        if let Some(pod) = pod {
            s.run(&format!("lab pause {}", pod.name));
            let m = cluster_model(s.sim());
            let card = m.nodes[0].pods.iter().find(|p| p.name == pod.name).unwrap();
            let lines: Vec<String> = pod_actions(card).into_iter().map(|(_, l)| l).collect();
            assert!(lines.contains(&format!("lab resume {}", pod.name)));
        }
    }

    #[test]
    fn a_deployment_has_one_meter_and_its_pods_show_their_revision() {
        let mut s = Session::new(8, 3);
        let yaml = RS
            .replace("kind: ReplicaSet", "kind: Deployment")
            .replace("replicas: 3", "replicas: 2");
        let (_, out) = s.apply_text("d.yaml", &yaml);
        assert!(out.ok, "{}", out.text);
        s.run_for(60_000);
        let m = cluster_model(s.sim());
        let kinds: Vec<&str> = m.meters.iter().map(|x| x.kind).collect();
        assert_eq!(kinds, ["Deployment"]);
        assert_eq!((m.meters[0].desired, m.meters[0].running), (2, 2));
        let pods: Vec<&PodCard> = m.nodes.iter().flat_map(|n| &n.pods).collect();
        assert_eq!(pods.len(), 2);
        assert!(pods.iter().all(|p| p.revision.is_some()), "{pods:?}");
    }

    #[test]
    fn claims_and_volumes_follow_the_pods_that_use_them() {
        let mut s = Session::new(4, 3);
        let yaml = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: writer\nspec:\n  containers:\n  - name: c\n    image: k8spatterns/random-generator:1.0\n    volumeMounts:\n    - name: d\n      mountPath: /data\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: data\n";
        let (_, out) = s.apply_text("pvc.yaml", yaml);
        assert!(out.ok, "{}", out.text);
        s.run_for(60_000);
        let m = cluster_model(s.sim());
        assert_eq!(m.claims.len(), 1);
        assert_eq!(m.claims[0].status, "Bound");
        let pv = m.claims[0].volume.clone();
        assert!(pv.starts_with("pvc-"), "{pv}");
        let with: Vec<&NodeColumn> = m.nodes.iter().filter(|n| !n.volumes.is_empty()).collect();
        assert_eq!(with.len(), 1);
        assert_eq!(with[0].volumes.len(), 1);
        let chip = &with[0].volumes[0];
        assert_eq!(chip.name, pv);
        assert!(chip.in_use);
        // The default class is a network disk: the attach/detach controller attaches it.
        assert!(chip.attached, "{chip:?}");
        assert!(with[0].pods.iter().any(|p| p.name == "writer"));
    }

    #[test]
    fn a_meter_draws_a_cell_per_replica_up_to_forty_then_shares() {
        use super::meter_cells;
        assert_eq!(
            meter_cells(2, 3),
            vec!["cell on", "cell on", "cell off"],
            "one cell each, as before"
        );
        assert_eq!(meter_cells(4, 3).last(), Some(&"cell extra"));
        let big = meter_cells(4_200, 100_000);
        assert_eq!(big.len(), 40, "100,000 desired draws 40 cells of 2,500");
        assert_eq!(big.iter().filter(|c| **c == "cell on").count(), 2);
        assert_eq!(
            meter_cells(1, 100_000)[0],
            "cell on",
            "one replica still shows"
        );
    }
}
