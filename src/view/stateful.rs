//! The Stateful view: each StatefulSet as a ladder of ordinals, with what each waits for, its
//! revision against the partition, its claims, volumes and files, and beside the API server's
//! pod the processes that really run for that identity (ref §3).

use crate::model::{PersistentVolume, PersistentVolumeClaim, Pod, StatefulSet};
use crate::sim::controllers::statefulset::{waiting_for, REVISION_LABEL};
use crate::sim::world::pv_volume_key;
use crate::sim::Sim;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatefulSetView {
    pub name: String,
    /// `2/3`, as `kubectl get sts` prints READY.
    pub ready: String,
    /// `OrderedReady` or `Parallel`.
    pub policy: String,
    /// `RollingUpdate, partition 2`, `RollingUpdate` or `OnDelete`.
    pub strategy: String,
    pub partition: i32,
    pub current_revision: String,
    pub update_revision: String,
    /// What the controller waits for, in words (`web-0 to be Running and Ready`).
    pub waiting: Option<String>,
    pub ordinals: Vec<OrdinalRow>,
}

/// Which revision a pod was made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revision {
    Current,
    Update,
    /// Both: no rollout is in progress.
    Only,
    Other(String),
    None,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrdinalRow {
    pub ordinal: i32,
    pub pod: String,
    /// The API server's view: `Running`, `Terminating`, `Pending`, or `not created`.
    pub status: String,
    pub ready: bool,
    pub node: String,
    pub revision: Revision,
    /// Below the partition: a rolling update leaves it at the current revision.
    pub below_partition: bool,
    /// Out of range (scaled away) but not gone yet.
    pub condemned: bool,
    pub claims: Vec<ClaimView>,
    /// The ground truth: processes running for this identity, wherever they are.
    pub processes: Vec<ProcessView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimView {
    pub name: String,
    pub status: String,
    pub volume: String,
    /// Nodes the volume is attached to (network disks).
    pub attached: Vec<String>,
    pub files: Vec<FileView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileView {
    /// Where the data is: `pv/NAME`, or `node-2:/tmp/example/1` for a hostPath directory.
    pub place: String,
    pub file: String,
    pub lines: usize,
    /// Process ids (first 8 characters) that wrote to it.
    pub writers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessView {
    pub machine: String,
    pub id: String,
    /// What the process believes (`serving`, `paused`, ...).
    pub state: String,
    /// Its machine is cut off from the control plane or powered off.
    pub cut_off: bool,
}

fn short(id: &str) -> String {
    id.chars().take(8).collect()
}

/// Every StatefulSet, by namespace and name.
pub fn statefulsets(sim: &Sim) -> Vec<StatefulSetView> {
    sim.cluster()
        .list::<StatefulSet>()
        .map(|s| one(sim, s))
        .collect()
}

fn one(sim: &Sim, set: &StatefulSet) -> StatefulSetView {
    let api = sim.cluster();
    let ns = &set.metadata.namespace;
    let start = set.spec.ordinals.as_ref().map_or(0, |o| o.start);
    let replicas = set.replicas().max(0);
    let (strategy, partition) = match &set.spec.update_strategy {
        Some(u) if u.type_ == "OnDelete" => ("OnDelete".to_string(), 0),
        Some(u) => {
            let p = u
                .rolling_update
                .as_ref()
                .and_then(|r| r.partition)
                .unwrap_or(0);
            if p > 0 {
                (format!("RollingUpdate, partition {p}"), p)
            } else {
                ("RollingUpdate".to_string(), 0)
            }
        }
        None => ("RollingUpdate".to_string(), 0),
    };
    let cur = set.status.current_revision.clone();
    let upd = set.status.update_revision.clone();
    // In-range ordinals, then any higher ones still present (scaling down).
    let mut ordinals: Vec<i32> = (start..start + replicas).collect();
    for p in api.list_in::<Pod>(ns) {
        if let Some((parent, ord)) =
            crate::sim::controllers::statefulset::parent_and_ordinal(&p.metadata.name)
        {
            if parent == set.metadata.name && !ordinals.contains(&ord) && ord >= 0 {
                ordinals.push(ord);
            }
        }
    }
    crate::sort::sort(&mut ordinals);
    let rows = ordinals
        .into_iter()
        .map(|ord| {
            let pod_name = format!("{}-{ord}", set.metadata.name);
            let pod = api.get::<Pod>(ns, &pod_name);
            let revision = match pod.and_then(|p| p.metadata.labels.get(REVISION_LABEL)) {
                None => Revision::None,
                Some(r) if *r == cur && *r == upd => Revision::Only,
                Some(r) if *r == upd => Revision::Update,
                Some(r) if *r == cur => Revision::Current,
                Some(r) => Revision::Other(r.clone()),
            };
            let claims = set
                .spec
                .volume_claim_templates
                .iter()
                .map(|t| {
                    let cname = crate::sim::controllers::statefulset::claim_name(
                        &t.metadata.name,
                        &set.metadata.name,
                        ord,
                    );
                    claim_view(sim, ns, &cname)
                })
                .collect();
            let processes = sim
                .world()
                .processes()
                .filter(|p| p.pod_namespace == *ns && p.pod_name == pod_name)
                .map(|p| ProcessView {
                    machine: p.machine.to_string(),
                    id: short(&p.id),
                    state: p.belief(sim.now()),
                    cut_off: !sim.world().can_reach_api(&p.machine),
                })
                .collect();
            OrdinalRow {
                ordinal: ord,
                status: pod.map_or_else(|| "not created".into(), |p| p.display_status()),
                ready: pod.is_some_and(|p| p.is_ready()),
                node: pod.map_or_else(String::new, |p| p.spec.node_name.clone()),
                revision,
                below_partition: ord - start < partition,
                condemned: ord >= start + replicas,
                claims,
                processes,
                pod: pod_name,
            }
        })
        .collect();
    let ready = set.status.ready_replicas;
    StatefulSetView {
        name: set.metadata.name.to_string(),
        ready: format!("{ready}/{replicas}"),
        policy: if set.spec.pod_management_policy.is_empty() {
            "OrderedReady".into()
        } else {
            set.spec.pod_management_policy.clone()
        },
        strategy,
        partition,
        current_revision: cur,
        update_revision: upd,
        waiting: waiting_for(sim, set),
        ordinals: rows,
    }
}

fn claim_view(sim: &Sim, ns: &str, name: &str) -> ClaimView {
    let api = sim.cluster();
    let Some(c) = api.get::<PersistentVolumeClaim>(ns, name) else {
        return ClaimView {
            name: name.to_string(),
            status: "not created".into(),
            volume: String::new(),
            attached: Vec::new(),
            files: Vec::new(),
        };
    };
    let volume = c.spec.volume_name.clone();
    let pv = api.get::<PersistentVolume>("", &volume);
    let mut files: Vec<FileView> = Vec::new();
    if let Some(pv) = pv {
        // A network disk is one place; a hostPath is a directory on every node.
        let places: Vec<(String, String)> = match &pv.spec.host_path {
            None => vec![(pv_volume_key(pv, ""), format!("pv/{volume}"))],
            Some(h) => sim
                .world()
                .machines()
                .map(|m| (pv_volume_key(pv, &m.name), format!("{}:{}", m.name, h.path)))
                .collect(),
        };
        for (key, place) in places {
            let lines = sim.world().volume(&key);
            let mut names: Vec<&str> = lines.iter().map(|l| l.file.as_str()).collect();
            names.dedup();
            crate::sort::sort(&mut names);
            names.dedup();
            for f in names {
                let of_file: Vec<_> = lines.iter().filter(|l| l.file == f).collect();
                let mut writers: Vec<String> = Vec::new();
                for l in &of_file {
                    let w = short(&l.writer);
                    if !writers.contains(&w) {
                        writers.push(w);
                    }
                }
                files.push(FileView {
                    place: place.clone(),
                    file: f.to_string(),
                    lines: of_file.len(),
                    writers,
                });
            }
        }
    }
    ClaimView {
        name: name.to_string(),
        status: if c.status.phase.is_empty() {
            "Pending".into()
        } else {
            c.status.phase.clone()
        },
        attached: sim
            .world()
            .attached_nodes(&volume)
            .into_iter()
            .map(String::from)
            .collect(),
        volume,
        files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Container, PersistentVolumeClaimSpec, PodTemplateSpec, VolumeMount};
    use crate::sim::{Command, SimBuilder};

    fn set() -> StatefulSet {
        let mut c = Container::new("rg", "k8spatterns/random-generator:1.0");
        c.volume_mounts.push(VolumeMount {
            name: "logs".into(),
            mount_path: "/opt/logs".into(),
            ..Default::default()
        });
        let mut s = StatefulSet::default();
        s.metadata.name = "rg".into();
        s.metadata.namespace = "default".into();
        s.spec.replicas = Some(2);
        s.spec.service_name = "random-generator".into();
        s.spec
            .selector
            .match_labels
            .insert("app".into(), "rg".into());
        s.spec.template = PodTemplateSpec::default();
        s.spec
            .template
            .metadata
            .labels
            .insert("app".into(), "rg".into());
        s.spec.template.spec.containers.push(c);
        let mut claim = PersistentVolumeClaim::default();
        claim.metadata.name = "logs".into();
        claim.spec = PersistentVolumeClaimSpec {
            access_modes: vec!["ReadWriteOnce".into()],
            ..Default::default()
        };
        claim.spec.resources.requests.insert(
            "storage".into(),
            crate::model::Quantity::parse("10Mi").unwrap(),
        );
        s.spec.volume_claim_templates.push(claim);
        s
    }

    #[test]
    fn the_ladder_shows_order_claims_and_the_ground_truth() {
        let mut sim = SimBuilder::new(3).workers(2).build().unwrap();
        sim.apply(Command::Apply(set().into())).unwrap();
        sim.run_for(2_500);
        let v = &statefulsets(&sim)[0];
        assert_eq!(v.policy, "OrderedReady");
        assert_eq!(v.ordinals.len(), 2);
        assert_eq!(v.ordinals[1].status, "not created");
        assert_eq!(
            v.waiting.as_deref(),
            Some("rg-0 to be Running and Ready"),
            "{v:?}"
        );
        sim.run_for(60_000);
        let v = &statefulsets(&sim)[0];
        assert_eq!(v.ready, "2/2");
        assert_eq!(v.waiting, None);
        let row = &v.ordinals[0];
        assert_eq!(row.revision, Revision::Only);
        assert_eq!(row.claims[0].name, "logs-rg-0");
        assert_eq!(row.claims[0].status, "Bound");
        assert_eq!(row.processes.len(), 1);
        assert!(!row.processes[0].cut_off);
    }
}
