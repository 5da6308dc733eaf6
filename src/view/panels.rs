//! The state panels' rows: storage, DNS answers per Service, and the trace as events.

use crate::model::{
    access_modes_short, go_duration, PersistentVolume, PersistentVolumeClaim, Pod, Service,
};
use crate::sim::dns::{self, Answer, QueryType};
use crate::sim::Sim;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRow {
    pub name: String,
    pub status: String,
    pub volume: String,
    pub capacity: String,
    pub access: String,
    pub class: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VolumeRow {
    pub name: String,
    pub capacity: String,
    pub access: String,
    pub reclaim: String,
    pub status: String,
    pub claim: String,
    pub class: String,
    /// The processes really running with the volume mounted (ids as the process cards show
    /// them): two here on a ReadWriteOnce volume is the split brain.
    pub writers: Vec<String>,
}

/// A volume in use on a node, with the pods that mount it there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRow {
    pub volume: String,
    pub node: String,
    pub pods: Vec<String>,
}

/// A file on a volume, where it really is, and who wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRow {
    /// `pv/NAME` for a network disk, `node-2:/tmp/example` for a hostPath directory,
    /// `emptyDir NAME of pod UID` for scratch space.
    pub place: String,
    pub file: String,
    pub lines: usize,
    /// Writers (process ids, first 8 characters) with the machine each wrote from.
    pub writers: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StorageModel {
    pub claims: Vec<ClaimRow>,
    pub volumes: Vec<VolumeRow>,
    pub attachments: Vec<AttachmentRow>,
    pub files: Vec<FileRow>,
}

/// Every file the lab's volumes hold, per place: the same claim can mean different data on
/// different machines (hostPath).
fn files(sim: &Sim) -> Vec<FileRow> {
    let mut out = Vec::new();
    for (key, lines) in sim.world().volumes() {
        let place = if let Some(rest) = key.strip_prefix("hostpath/") {
            match rest.split_once('/') {
                Some((node, path)) => format!("{node}:/{path}"),
                None => rest.to_string(),
            }
        } else if let Some(rest) = key.strip_prefix("emptydir/") {
            match rest.split_once('/') {
                Some((uid, vol)) => format!("emptyDir {vol} of pod {}", &uid[..uid.len().min(8)]),
                None => rest.to_string(),
            }
        } else {
            key.to_string()
        };
        let mut names: Vec<&str> = lines.iter().map(|l| l.file.as_str()).collect();
        crate::sort::sort(&mut names);
        names.dedup();
        for f in names {
            let mut writers: Vec<String> = Vec::new();
            let mut count = 0;
            for l in lines.iter().filter(|l| l.file == f) {
                count += 1;
                let w = format!(
                    "{} on {}",
                    l.writer.chars().take(8).collect::<String>(),
                    l.machine
                );
                if !writers.contains(&w) {
                    writers.push(w);
                }
            }
            out.push(FileRow {
                place: place.clone(),
                file: f.to_string(),
                lines: count,
                writers,
            });
        }
    }
    out
}

fn or_dash(s: &str) -> String {
    if s.is_empty() {
        "-".into()
    } else {
        s.to_string()
    }
}

/// Ids of the running processes that mount the volume, by pid: the writers the cluster view
/// shows. A hostPath volume is a different directory on each node, so its writers are those
/// that mount it on their own node.
fn mounted_by(sim: &Sim, pv: &PersistentVolume) -> Vec<String> {
    sim.world()
        .processes()
        .filter(|p| {
            let key = crate::sim::world::pv_volume_key(pv, &p.machine);
            p.mounts.iter().any(|(_, v)| *v == key)
        })
        .map(|p| p.id.chars().take(8).collect())
        .collect()
}

pub fn storage(sim: &Sim) -> StorageModel {
    let api = sim.cluster();
    let claims: Vec<ClaimRow> = api
        .list::<PersistentVolumeClaim>()
        .map(|c| ClaimRow {
            name: c.metadata.name.to_string(),
            status: if c.status.phase.is_empty() {
                "Pending".into()
            } else {
                c.status.phase.clone()
            },
            volume: or_dash(&c.spec.volume_name),
            capacity: c
                .status
                .capacity
                .get("storage")
                .map_or_else(|| "-".into(), |q| q.to_string()),
            access: or_dash(&access_modes_short(&c.status.access_modes)),
            class: or_dash(c.spec.storage_class_name.as_deref().unwrap_or("")),
        })
        .collect();
    let volumes = api
        .list::<PersistentVolume>()
        .map(|v| VolumeRow {
            name: v.metadata.name.to_string(),
            capacity: v
                .spec
                .capacity
                .get("storage")
                .map_or_else(|| "-".into(), |q| q.to_string()),
            access: or_dash(&access_modes_short(&v.spec.access_modes)),
            reclaim: or_dash(&v.spec.persistent_volume_reclaim_policy),
            status: or_dash(&v.status.phase),
            claim: v
                .spec
                .claim_ref
                .as_ref()
                .map_or_else(|| "-".into(), |r| format!("{}/{}", r.namespace, r.name)),
            class: or_dash(&v.spec.storage_class_name),
            writers: mounted_by(sim, v),
        })
        .collect();
    let mut attachments: Vec<AttachmentRow> = Vec::new();
    for pod in api.list::<Pod>() {
        if pod.spec.node_name.is_empty() {
            continue;
        }
        for claim in pod.claim_names() {
            let Some(c) = api.get::<PersistentVolumeClaim>(&pod.metadata.namespace, claim) else {
                continue;
            };
            if c.spec.volume_name.is_empty() {
                continue;
            }
            match attachments
                .iter_mut()
                .find(|a| a.volume == c.spec.volume_name && a.node == pod.spec.node_name)
            {
                Some(a) => a.pods.push(pod.metadata.name.to_string()),
                None => attachments.push(AttachmentRow {
                    volume: c.spec.volume_name.clone(),
                    node: pod.spec.node_name.clone(),
                    pods: vec![pod.metadata.name.to_string()],
                }),
            }
        }
    }
    StorageModel {
        claims,
        volumes,
        attachments,
        files: files(sim),
    }
}

/// What cluster DNS answers for one Service name right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsEntry {
    pub qname: String,
    pub cluster_ip: String,
    pub headless: bool,
    /// Answer lines as dig prints them, or `NXDOMAIN`.
    pub answers: Vec<String>,
}

pub const ZONE: &str = "cluster.local";

pub fn dns_entries(sim: &Sim) -> Vec<DnsEntry> {
    sim.cluster()
        .list::<Service>()
        .map(|s| {
            let qname = format!("{}.{}.svc.{ZONE}", s.metadata.name, s.metadata.namespace);
            let answers = match dns::resolve(sim.cluster(), &qname, QueryType::A, ZONE) {
                Answer::Records { answer, .. } if answer.is_empty() => {
                    vec!["(no records: no ready endpoints)".to_string()]
                }
                Answer::Records { answer, .. } => answer.iter().map(|r| r.to_dig_line()).collect(),
                Answer::NxDomain => vec!["NXDOMAIN".to_string()],
            };
            DnsEntry {
                qname,
                cluster_ip: or_dash(&s.spec.cluster_ip),
                headless: s.is_headless(),
                answers,
            }
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    pub index: u64,
    pub time: u64,
    /// `5m50s`.
    pub clock: String,
    pub actor: String,
    pub what: String,
    pub why: String,
    /// `pod/web-x2kzq`, or empty.
    pub object: String,
    pub fault: bool,
}

/// The line above the event list: how many it shows, or why it is empty.
pub fn events_summary(shown: usize, total: usize, filter: &str) -> String {
    let plural = |n: usize| if n == 1 { "change" } else { "changes" };
    match (total, filter.trim()) {
        (0, "") => "No changes yet: apply a manifest or press Play.".to_string(),
        (0, f) => format!("No changes match \u{201c}{f}\u{201d}."),
        (t, _) if shown == t => {
            format!(
                "{t} {}, newest first. Select one to go back to it.",
                plural(t)
            )
        }
        (t, _) => format!(
            "The newest {shown} of {t} {}. Select one to go back to it.",
            plural(t)
        ),
    }
}

/// The newest `limit` visible trace entries about objects whose name contains `filter`
/// (matching the changed object or the acting one), newest first; plus how many matched.
pub fn events(sim: &Sim, filter: &str, limit: usize) -> (Vec<EventRow>, usize) {
    let filter = filter.trim().to_ascii_lowercase();
    let matches = |e: &&crate::sim::TraceEntry| {
        if !e.change.is_visible() {
            return false;
        }
        if filter.is_empty() {
            return true;
        }
        [&e.object, &e.subject]
            .into_iter()
            .flatten()
            .any(|o| o.to_string().contains(&filter))
            || e.what().to_ascii_lowercase().contains(&filter)
    };
    let trace = sim.trace();
    let total = trace.entries().filter(matches).count();
    let rows = (0..trace.len())
        .rev()
        .filter_map(|index| Some((index, trace.get(index)?)))
        .filter(|(_, e)| matches(e))
        .take(limit)
        .map(|(index, e)| EventRow {
            index: index as u64,
            time: e.time,
            clock: go_duration(e.time / 100 * 100),
            actor: e.actor_label(),
            what: e.what().into_owned(),
            why: e.why.to_string(),
            object: e.object.as_ref().map(|o| o.to_string()).unwrap_or_default(),
            fault: e.actor == crate::sim::Actor::Fault,
        })
        .collect();
    (rows, total)
}

/// The columns of `kubectl get pods -o wide` in the order the Pods panel shows them: where a
/// pod runs first, so a narrow panel still shows NODE and IP; the rest follow.
const POD_COLUMNS: &[&str] = &["NAME", "STATUS", "NODE", "IP", "READY", "RESTARTS", "AGE"];

/// A kubectl table (columns padded by tabwriter) as header and rows, its columns reordered
/// with `POD_COLUMNS` first. Cells are cut at the header's column starts, so a cell with a
/// space in it (`1 (30s ago)`) stays whole.
pub fn reflow_pods(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = text.lines();
    let Some(head) = lines.next() else {
        return (Vec::new(), Vec::new());
    };
    let chars: Vec<char> = head.chars().collect();
    // A column starts at 0 and after each run of two or more spaces.
    let mut starts = vec![0];
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            let run = chars[i..].iter().take_while(|c| **c == ' ').count();
            if run >= 2 && i + run < chars.len() {
                starts.push(i + run);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    let cut = |line: &str| -> Vec<String> {
        let cs: Vec<char> = line.chars().collect();
        starts
            .iter()
            .enumerate()
            .map(|(k, &from)| {
                let to = starts.get(k + 1).copied().unwrap_or(cs.len()).min(cs.len());
                cs[from.min(cs.len())..to]
                    .iter()
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .collect()
    };
    let header = cut(head);
    let mut order: Vec<usize> = POD_COLUMNS
        .iter()
        .filter_map(|c| header.iter().position(|h| h == c))
        .collect();
    let rest: Vec<usize> = (0..header.len()).filter(|k| !order.contains(k)).collect();
    order.extend(rest);
    let pick = |row: Vec<String>| order.iter().map(|&k| row[k].clone()).collect::<Vec<_>>();
    let rows = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| pick(cut(l)))
        .collect();
    (pick(header), rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_pods_panel_shows_node_and_ip_right_after_the_status() {
        let text = "\
NAME        READY   STATUS    RESTARTS      AGE   IP           NODE     NOMINATED NODE   READINESS GATES
web-abcde   1/1     Running   1 (30s ago)   5m    10.244.1.2   node-1   <none>           <none>
";
        let (header, rows) = super::reflow_pods(text);
        assert_eq!(
            header,
            [
                "NAME",
                "STATUS",
                "NODE",
                "IP",
                "READY",
                "RESTARTS",
                "AGE",
                "NOMINATED NODE",
                "READINESS GATES"
            ]
        );
        assert_eq!(
            rows,
            [[
                "web-abcde",
                "Running",
                "node-1",
                "10.244.1.2",
                "1/1",
                "1 (30s ago)",
                "5m",
                "<none>",
                "<none>"
            ]]
        );
    }

    use super::*;
    use crate::view::session::Session;

    const RS: &str = include_str!("../../exercises/stateless.yaml");

    #[test]
    fn dns_answers_change_when_endpoints_do() {
        let mut s = Session::new(42, 3);
        s.apply_text("stateless.yaml", RS);
        let d = dns_entries(s.sim());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].qname, "random-generator.default.svc.cluster.local");
        s.run_for(60_000);
        let d = dns_entries(s.sim());
        assert!(!d[0].headless);
        assert_eq!(d[0].answers.len(), 1, "{:?}", d[0].answers);
        assert!(d[0].answers[0].contains("IN\tA\t"));
        assert!(d[0].answers[0].ends_with(&d[0].cluster_ip));
    }

    #[test]
    fn events_filter_by_object_newest_first() {
        let mut s = Session::new(42, 3);
        s.apply_text("stateless.yaml", RS);
        s.run_for(30_000);
        s.run("lab partition node-1");
        let (all, total) = events(s.sim(), "", 1000);
        assert_eq!(all.len(), total);
        assert!(all.windows(2).all(|w| w[0].index > w[1].index));
        assert!(all[0].fault);
        assert!(all[0].what.contains("node-1"), "{}", all[0].what);
        let (rs, n) = events(s.sim(), "replicaset/random", 5);
        assert!(n >= 3 && rs.len() <= 5);
        assert!(rs.iter().all(|r| r.object.contains("random")
            || r.actor.contains("random")
            || r.what.contains("random")));
        let (none, n) = events(s.sim(), "no-such-thing", 5);
        assert!(none.is_empty() && n == 0);
    }

    #[test]
    fn the_event_summary_never_says_0_of_0() {
        assert_eq!(
            events_summary(0, 0, ""),
            "No changes yet: apply a manifest or press Play."
        );
        assert_eq!(
            events_summary(0, 0, " pod/x "),
            "No changes match \u{201c}pod/x\u{201d}."
        );
        assert_eq!(
            events_summary(1, 1, ""),
            "1 change, newest first. Select one to go back to it."
        );
        assert_eq!(
            events_summary(200, 950, ""),
            "The newest 200 of 950 changes. Select one to go back to it."
        );
    }

    #[test]
    fn storage_lists_claims_volumes_and_attachments() {
        let mut s = Session::new(2, 3);
        let yaml = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: logs\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 10Mi\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: c\n    image: k8spatterns/random-generator:1.0\n    volumeMounts:\n    - name: d\n      mountPath: /tmp/logs\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: logs\n";
        assert!(s.apply_text("p.yaml", yaml).1.ok);
        s.run_for(60_000);
        let m = storage(s.sim());
        assert_eq!(m.claims.len(), 1);
        assert_eq!(m.claims[0].status, "Bound");
        assert_eq!(m.claims[0].access, "RWO");
        assert_eq!(m.volumes.len(), 1);
        assert_eq!(m.volumes[0].claim, "default/logs");
        assert_eq!(m.volumes[0].status, "Bound");
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].pods, ["w"]);
        assert_eq!(m.attachments[0].volume, m.claims[0].volume);
        // The panel names the same writer as the process card in the cluster view.
        let cards = crate::view::cluster::cluster_model(s.sim());
        let writer: Vec<String> = cards
            .nodes
            .iter()
            .flat_map(|n| &n.processes)
            .filter(|p| p.writes.iter().any(|w| w.ends_with(&m.volumes[0].name)))
            .map(|p| p.id.clone())
            .collect();
        assert_eq!(writer.len(), 1);
        assert_eq!(m.volumes[0].writers, writer);
    }

    #[test]
    fn storage_lists_files_where_they_really_are() {
        let mut s = Session::new(2, 3);
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n  - name: c\n    image: k8spatterns/random-generator:1.0\n    volumeMounts:\n    - name: d\n      mountPath: /data\n  volumes:\n  - name: d\n    hostPath:\n      path: /tmp/example\n";
        assert!(s.apply_text("p.yaml", yaml).1.ok);
        s.run_for(30_000);
        assert!(storage(s.sim()).files.is_empty());
        assert!(
            s.run("kubectl exec w -- sh -c 'echo one > /data/a.txt; echo two >> /data/a.txt'")
                .ok
        );
        let m = storage(s.sim());
        let node = s
            .sim()
            .cluster()
            .get::<Pod>("default", "w")
            .unwrap()
            .spec
            .node_name
            .clone();
        assert_eq!(m.files.len(), 1, "{:?}", m.files);
        assert_eq!(m.files[0].place, format!("{node}:/tmp/example"));
        assert_eq!(m.files[0].file, "a.txt");
        assert_eq!(m.files[0].lines, 2);
        assert!(m.files[0].writers[0].ends_with(&format!(" on {node}")));
    }
}

/// What the regions on screen show, apart from the clock and ages: the cluster view and the
/// selected state panel. "Next change" steps until this changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Screen {
    cluster: crate::view::cluster::ClusterModel,
    panel: PanelShown,
}

#[derive(Clone, Debug, PartialEq)]
enum PanelShown {
    Pods(String),
    Storage(StorageModel),
    Dns(Vec<DnsEntry>),
    Locks(crate::view::locks::LocksModel),
    StatefulSets(Vec<crate::view::stateful::StatefulSetView>),
    Events(Vec<EventRow>, usize),
    Nothing,
}

/// How many event rows the Events panel lists.
pub const EVENT_ROWS: usize = 300;

/// Rows the Pods panel lists: a cluster of 100,000 pods would otherwise be laid out in full
/// on every frame (issue 16). The console's `kubectl get pods` still lists every pod.
pub const POD_ROWS: usize = 100;

/// The pods table as the Pods panel shows it: `kubectl get pods -o wide`, cut after
/// `POD_ROWS` rows with a last line `… N more pods`.
pub fn pods_table(sim: &Sim) -> String {
    let in_default = |o: &&crate::model::Object| o.meta().namespace == "default";
    let api = sim.cluster();
    let first: Vec<&crate::model::Object> = api
        .list_kind(crate::model::Kind::Pod)
        .filter(in_default)
        .take(POD_ROWS + 1)
        .collect();
    if first.len() <= POD_ROWS {
        return crate::view::session::query(sim, "kubectl get pods -o wide").text;
    }
    let total = api.count_in(crate::model::Kind::Pod, "default");
    let cols = crate::console::get::Columns {
        wide: true,
        show_kind: false,
        all_namespaces: false,
        show_labels: false,
    };
    let table =
        crate::console::get::table(crate::model::Kind::Pod, &first[..POD_ROWS], cols, sim.now());
    format!(
        "{}\n… {} more pods",
        table.render(true).trim_end(),
        total - POD_ROWS
    )
}

/// `table` without its AGE column, which changes as time passes without anything happening.
pub fn without_age(table: &str) -> String {
    let head = table.lines().next().unwrap_or("");
    let Some(start) = head.find(" AGE").map(|i| i + 1) else {
        return table.to_string();
    };
    let next = head[start + 3..]
        .find(|c: char| c != ' ')
        .map(|i| start + 3 + i);
    table
        .lines()
        .map(|l| {
            let at = |i: usize| {
                if l.is_char_boundary(i.min(l.len())) {
                    i.min(l.len())
                } else {
                    l.len()
                }
            };
            match next {
                Some(n) => format!("{}{}", &l[..at(start)], &l[at(n)..]),
                None => l[..at(start)].to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What is on screen with the panel of this id (`pods`, `storage`, `dns`, `locks`, `events`)
/// selected and the events filtered by `filter`.
pub fn screen(sim: &Sim, panel: &str, filter: &str) -> Screen {
    let panel = match panel {
        "pods" => PanelShown::Pods(without_age(&pods_table(sim))),
        "storage" => PanelShown::Storage(storage(sim)),
        "dns" => PanelShown::Dns(dns_entries(sim)),
        "locks" => PanelShown::Locks(crate::view::locks::locks(sim).without_clocks()),
        "statefulsets" => PanelShown::StatefulSets(crate::view::stateful::statefulsets(sim)),
        "events" => {
            let (rows, total) = events(sim, filter, EVENT_ROWS);
            PanelShown::Events(rows, total)
        }
        _ => PanelShown::Nothing,
    };
    Screen {
        cluster: crate::view::cluster::cluster_model(sim),
        panel,
    }
}
