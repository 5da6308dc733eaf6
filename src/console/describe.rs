//! `kubectl describe`: kubectl's describers, written through a Go-style tabwriter (padding 2)
//! so blocks align as kubectl aligns them, with the Events section at the end.

use crate::model::{
    access_modes_short, human_duration, Deployment, Kind, Lease, Node, Object, ObjectRef,
    PersistentVolumeClaim, Pod, PodDisruptionBudget, ReplicaSet, Selector, Time,
};
use crate::sim::Sim;

use super::args::flag;
use super::cmdutil::{
    self, annotations, env_block, flags, labels, mounts_block, namespace, pod_template, probe_text,
    resource_args, selected_names, selector_text, volumes_block, Writer,
};
use super::{Console, Output, Target};

/// `Wed, 01 Jan 2025 00:00:01 +0000` (RFC 1123 with a numeric zone), as describe prints times.
pub fn rfc1123z(t: Time) -> String {
    let rfc = t.to_rfc3339();
    let (date, clock) = rfc
        .trim_end_matches('Z')
        .split_once('T')
        .unwrap_or(("", ""));
    let mut p = date.split('-').map(|x| x.parse::<i64>().unwrap_or(1));
    let (y, m, d) = (
        p.next().unwrap_or(2025),
        p.next().unwrap_or(1),
        p.next().unwrap_or(1),
    );
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = t.millis() as i64 / 86_400_000 + 20_089; // days since 1970 (epoch 2025-01-01)
    format!(
        "{}, {d:02} {} {y} {clock} +0000",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m.clamp(1, 12) - 1) as usize]
    )
}

/// `kubectl describe TYPE [NAME...]`: the descriptions, separated by a blank line.
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("describe", words, &[flag("selector", Some('l'), true)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    if args.positional.is_empty() {
        return Output::err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
    }
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let selector = match args.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Output::err(format!("error: {e}\n")),
    };
    let sim = target.sim();
    let mut text = String::new();
    let mut ok = true;
    for (kind, names) in requests {
        let names: Vec<String> = if names.is_empty() {
            selected_names(sim, kind, &ns, selector.as_ref())
        } else {
            names
        };
        for name in names {
            // kubectl separates several descriptions with a blank line.
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            match describe(sim, kind, &ns, &name) {
                Ok(t) => text.push_str(&t),
                Err(e) => {
                    ok = false;
                    text.push_str(&e);
                }
            }
        }
    }
    if text.is_empty() {
        return Output::ok(format!("No resources found in {ns} namespace.\n"));
    }
    Output { text, ok }
}

/// Describes the named object, or returns kubectl's NotFound text.
pub fn describe(sim: &Sim, kind: Kind, namespace: &str, name: &str) -> Result<String, String> {
    let r = ObjectRef::new(kind, namespace, name);
    let Some(obj) = sim.cluster().get_object(&r) else {
        return Err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    };
    let mut w = Writer::new();
    match obj {
        Object::Pod(p) => pod(&mut w, sim, p),
        Object::Node(n) => node(&mut w, sim, n),
        Object::PersistentVolumeClaim(c) => pvc(&mut w, sim, c),
        Object::Deployment(d) => deployment(&mut w, sim, d),
        Object::ReplicaSet(rs) => replicaset(&mut w, sim, rs),
        Object::StatefulSet(ss) => statefulset(&mut w, sim, ss),
        Object::PodDisruptionBudget(p) => pdb(&mut w, p),
        Object::Lease(l) => lease(&mut w, l),
        other => generic(&mut w, other),
    }
    events(&mut w, sim, &r);
    Ok(w.finish())
}

fn pod(w: &mut Writer, sim: &Sim, p: &Pod) {
    let m = &p.metadata;
    w.kv(0, "Name", &m.name);
    w.kv(0, "Namespace", &m.namespace);
    w.kv(0, "Priority", &p.spec.priority.unwrap_or(0).to_string());
    let sa = if p.spec.service_account_name.is_empty() {
        "default"
    } else {
        &p.spec.service_account_name
    };
    w.kv(0, "Service Account", sa);
    let node_ip = sim
        .cluster()
        .get::<Node>("", &p.spec.node_name)
        .and_then(|n| n.internal_ip())
        .unwrap_or("");
    let node = if p.spec.node_name.is_empty() {
        "<none>".to_string()
    } else {
        format!("{}/{node_ip}", p.spec.node_name)
    };
    w.kv(0, "Node", &node);
    if let Some(t) = p.status.start_time {
        w.kv(0, "Start Time", &rfc1123z(t));
    }
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    if let Some(dt) = m.deletion_timestamp {
        // kubectl prints the age of the deletion timestamp, which lies a grace period ahead
        // of the delete: HumanDuration shows "<invalid>" until it has passed, then how long
        // the pod has been past it.
        let lasts = since(dt.millis(), sim.now());
        w.kv(0, "Status", &format!("Terminating (lasts {lasts})"));
        w.kv(
            0,
            "Termination Grace Period",
            &format!("{}s", m.deletion_grace_period_seconds.unwrap_or(30)),
        );
    } else {
        w.kv(0, "Status", &p.status.phase);
    }
    if !p.status.reason.is_empty() {
        w.kv(0, "Reason", &p.status.reason);
    }
    if !p.status.message.is_empty() {
        w.kv(0, "Message", &p.status.message);
    }
    w.kv(0, "IP", &p.status.pod_ip);
    if p.status.pod_ip.is_empty() {
        w.kv(0, "IPs", "<none>");
    } else {
        w.line(0, "IPs:");
        w.kv(1, "IP", &p.status.pod_ip);
    }
    if let Some(owner) = m
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))
    {
        w.kv(
            0,
            "Controlled By",
            &format!("{}/{}", owner.kind, owner.name),
        );
    }
    w.line(0, "Containers:");
    for c in &p.spec.containers {
        w.line(1, &format!("{}:", c.name));
        let status = p
            .status
            .container_statuses
            .iter()
            .find(|s| s.name == c.name);
        w.kv(
            2,
            "Container ID",
            status.map(|s| s.container_id.as_str()).unwrap_or(""),
        );
        w.kv(2, "Image", &c.image);
        w.kv(2, "Image ID", "");
        match c.ports.as_slice() {
            [] => {
                w.kv(2, "Port", "<none>");
                w.kv(2, "Host Port", "<none>");
            }
            ports => {
                let fmt = |p: &crate::model::ContainerPort| {
                    let proto = if p.protocol.is_empty() {
                        "TCP"
                    } else {
                        &p.protocol
                    };
                    format!("{}/{proto}", p.container_port)
                };
                let list = ports.iter().map(fmt).collect::<Vec<_>>().join(", ");
                let host = ports
                    .iter()
                    .map(|p| {
                        let proto = if p.protocol.is_empty() {
                            "TCP"
                        } else {
                            &p.protocol
                        };
                        format!("0/{proto}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                w.kv(2, if ports.len() > 1 { "Ports" } else { "Port" }, &list);
                w.kv(
                    2,
                    if ports.len() > 1 {
                        "Host Ports"
                    } else {
                        "Host Port"
                    },
                    &host,
                );
            }
        }
        if !c.command.is_empty() {
            w.line(2, "Command:");
            for a in &c.command {
                w.line(3, a);
            }
        }
        if !c.args.is_empty() {
            w.line(2, "Args:");
            for a in &c.args {
                w.line(3, a);
            }
        }
        match status {
            Some(s) => {
                container_state(w, "State", &s.state);
                if !s.last_state.is_empty() {
                    container_state(w, "Last State", &s.last_state);
                }
                w.kv(2, "Ready", if s.ready { "True" } else { "False" });
                w.kv(2, "Restart Count", &s.restart_count.to_string());
            }
            None => {
                w.kv(2, "State", "Waiting");
                w.kv(3, "Reason", "ContainerCreating");
                w.kv(2, "Ready", "False");
                w.kv(2, "Restart Count", "0");
            }
        }
        for (k, v) in [
            ("Limits", &c.resources.limits),
            ("Requests", &c.resources.requests),
        ] {
            if !v.is_empty() {
                w.line(2, &format!("{k}:"));
                for (rk, rv) in v {
                    w.kv(3, rk, &rv.to_string());
                }
            }
        }
        if let Some(pr) = &c.liveness_probe {
            w.kv(2, "Liveness", &probe_text(pr));
        }
        if let Some(pr) = &c.readiness_probe {
            w.kv(2, "Readiness", &probe_text(pr));
        }
        env_block(w, 2, &c.env);
        mounts_block(w, 2, &c.volume_mounts);
    }
    w.line(0, "Conditions:");
    w.line(1, "Type\tStatus");
    for c in &p.status.conditions {
        w.line(1, &format!("{}\t{}", c.type_, c.status));
    }
    volumes_block(w, 0, &p.spec.volumes);
    let qos = if p.status.qos_class.is_empty() {
        "BestEffort"
    } else {
        &p.status.qos_class
    };
    w.kv(0, "QoS Class", qos);
    w.kv(0, "Node-Selectors", &selector_text(&p.spec.node_selector));
    let tolerations: Vec<String> = p.spec.tolerations.iter().map(|t| t.describe()).collect();
    w.map(0, "Tolerations", &tolerations);
}

fn container_state(w: &mut Writer, key: &str, s: &crate::model::ContainerState) {
    if let Some(r) = &s.running {
        w.kv(2, key, "Running");
        if let Some(t) = r.started_at {
            w.kv(3, "Started", &rfc1123z(t));
        }
    } else if let Some(wt) = &s.waiting {
        w.kv(2, key, "Waiting");
        w.kv(3, "Reason", &wt.reason);
    } else if let Some(t) = &s.terminated {
        w.kv(2, key, "Terminated");
        w.kv(3, "Reason", &t.reason);
        w.kv(3, "Exit Code", &t.exit_code.to_string());
        if let Some(st) = t.started_at {
            w.kv(3, "Started", &rfc1123z(st));
        }
        if let Some(ft) = t.finished_at {
            w.kv(3, "Finished", &rfc1123z(ft));
        }
    } else {
        w.kv(2, key, "Waiting");
    }
}

fn node(w: &mut Writer, sim: &Sim, n: &Node) {
    let m = &n.metadata;
    w.kv(0, "Name", &m.name);
    let roles = n.roles();
    w.kv(0, "Roles", &roles.join(","));
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    if let Some(t) = m.creation_timestamp {
        w.kv(0, "CreationTimestamp", &rfc1123z(t));
    }
    let taints: Vec<String> = n.spec.taints.iter().map(|t| t.describe()).collect();
    w.map(0, "Taints", &taints);
    w.kv(0, "Unschedulable", &n.spec.unschedulable.to_string());
    w.line(0, "Lease:");
    match sim.cluster().get::<Lease>("kube-node-lease", &m.name) {
        Some(l) => {
            w.kv(
                1,
                "HolderIdentity",
                l.spec.holder_identity.as_deref().unwrap_or("<unset>"),
            );
            w.kv(
                1,
                "AcquireTime",
                &l.spec
                    .acquire_time
                    .map(rfc1123z)
                    .unwrap_or_else(|| "<unset>".into()),
            );
            w.kv(
                1,
                "RenewTime",
                &l.spec
                    .renew_time
                    .map(rfc1123z)
                    .unwrap_or_else(|| "<unset>".into()),
            );
        }
        None => w.kv(1, "HolderIdentity", "<unset>"),
    }
    w.line(0, "Conditions:");
    w.line(
        1,
        "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage",
    );
    w.line(
        1,
        "----\t------\t-----------------\t------------------\t------\t-------",
    );
    for c in &n.status.conditions {
        let t = |t: Option<Time>| t.map(rfc1123z).unwrap_or_default();
        w.line(
            1,
            &format!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                c.type_,
                c.status,
                t(c.last_heartbeat_time),
                t(c.last_transition_time),
                c.reason,
                c.message
            ),
        );
    }
    w.line(0, "Addresses:");
    for a in &n.status.addresses {
        w.kv(1, &a.type_, &a.address);
    }
    for (key, res) in [
        ("Capacity", &n.status.capacity),
        ("Allocatable", &n.status.allocatable),
    ] {
        w.line(0, &format!("{key}:"));
        for (k, v) in res {
            w.kv(1, k, &v.to_string());
        }
    }
    let info = &n.status.node_info;
    w.line(0, "System Info:");
    w.kv(1, "Kernel Version", &info.kernel_version);
    w.kv(1, "OS Image", &info.os_image);
    w.kv(1, "Operating System", "linux");
    w.kv(1, "Architecture", &info.architecture);
    w.kv(
        1,
        "Container Runtime Version",
        &info.container_runtime_version,
    );
    w.kv(1, "Kubelet Version", &info.kubelet_version);
    w.kv(0, "PodCIDR", &n.spec.pod_cidr);
    w.kv(0, "PodCIDRs", &n.spec.pod_cidr);
    let pods: Vec<&Pod> = sim
        .cluster()
        .pods_on_node(&m.name)
        .filter(|p| !p.is_terminal())
        .collect();
    w.kv(
        0,
        "Non-terminated Pods",
        &format!("({} in total)", pods.len()),
    );
    if !pods.is_empty() {
        w.line(
            1,
            "Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge",
        );
        w.line(
            1,
            "---------\t----\t------------\t----------\t---------------\t-------------\t---",
        );
        for p in pods {
            let req = |k: &str| {
                p.spec
                    .containers
                    .iter()
                    .filter_map(|c| c.resources.requests.get(k))
                    .map(|q| q.to_string())
                    .next()
                    .unwrap_or_else(|| "0".into())
            };
            let lim = |k: &str| {
                p.spec
                    .containers
                    .iter()
                    .filter_map(|c| c.resources.limits.get(k))
                    .map(|q| q.to_string())
                    .next()
                    .unwrap_or_else(|| "0".into())
            };
            w.line(
                1,
                &format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    p.metadata.namespace,
                    p.metadata.name,
                    req("cpu"),
                    lim("cpu"),
                    req("memory"),
                    lim("memory"),
                    cmdutil::age(p.metadata.creation_timestamp, sim.now())
                ),
            );
        }
    }
}

fn pvc(w: &mut Writer, sim: &Sim, c: &PersistentVolumeClaim) {
    let m = &c.metadata;
    w.kv(0, "Name", &m.name);
    w.kv(0, "Namespace", &m.namespace);
    // kubectl prints the class as is, blank when unset.
    let class = c.spec.storage_class_name.as_deref().unwrap_or("");
    w.line(0, &format!("StorageClass:\t{class}"));
    let phase = if c.status.phase.is_empty() {
        "Pending"
    } else {
        &c.status.phase
    };
    if m.deletion_timestamp.is_some() {
        w.kv(
            0,
            "Status",
            &format!(
                "Terminating (lasts {})",
                since(m.deletion_timestamp.map_or(0, |t| t.millis()), sim.now())
            ),
        );
    } else {
        w.kv(0, "Status", phase);
    }
    w.kv(0, "Volume", &c.spec.volume_name);
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    w.kv(0, "Finalizers", &format!("[{}]", m.finalizers.join(" ")));
    let cap = c
        .status
        .capacity
        .get("storage")
        .map(|q| q.to_string())
        .unwrap_or_default();
    w.line(0, &format!("Capacity:\t{cap}"));
    w.line(
        0,
        &format!(
            "Access Modes:\t{}",
            access_modes_short(&c.status.access_modes)
        ),
    );
    let mode = if c.spec.volume_mode.is_empty() {
        "Filesystem"
    } else {
        &c.spec.volume_mode
    };
    w.kv(0, "VolumeMode", mode);
    let used: Vec<String> = sim
        .cluster()
        .list_in::<Pod>(&m.namespace)
        .filter(|p| p.claim_names().any(|n| n == m.name))
        .map(|p| p.metadata.name.to_string())
        .collect();
    w.map(0, "Used By", &used);
}

fn deployment(w: &mut Writer, sim: &Sim, d: &Deployment) {
    let m = &d.metadata;
    w.kv(0, "Name", &m.name);
    w.kv(0, "Namespace", &m.namespace);
    if let Some(t) = m.creation_timestamp {
        w.kv(0, "CreationTimestamp", &rfc1123z(t));
    }
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    w.kv(0, "Selector", &selector_text(&d.spec.selector.match_labels));
    let s = &d.status;
    w.kv(
        0,
        "Replicas",
        &format!(
            "{} desired | {} updated | {} total | {} available | {} unavailable",
            d.replicas(),
            s.updated_replicas,
            s.replicas,
            s.available_replicas,
            s.unavailable_replicas
        ),
    );
    let strategy = if d.spec.strategy.type_.is_empty() {
        "RollingUpdate"
    } else {
        &d.spec.strategy.type_
    };
    w.kv(0, "StrategyType", strategy);
    w.kv(0, "MinReadySeconds", &d.spec.min_ready_seconds.to_string());
    if strategy == "RollingUpdate" {
        let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
        let f = |v: Option<crate::model::IntOrString>, def: &str| {
            v.map(|x| x.to_string()).unwrap_or_else(|| def.to_string())
        };
        w.kv(
            0,
            "RollingUpdateStrategy",
            &format!(
                "{} max unavailable, {} max surge",
                f(ru.max_unavailable, "25%"),
                f(ru.max_surge, "25%")
            ),
        );
    }
    pod_template(w, &d.spec.template);
    let owned: Vec<&ReplicaSet> = sim
        .cluster()
        .list_in::<ReplicaSet>(&m.namespace)
        .filter(|rs| rs.metadata.owner_references.iter().any(|o| o.uid == m.uid))
        .collect();
    let rev = |rs: &ReplicaSet| {
        rs.metadata
            .annotations
            .get("deployment.kubernetes.io/revision")
            .and_then(|r| r.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let newest = owned.iter().copied().max_by_key(|rs| rev(rs));
    let fmt = |rs: &ReplicaSet| {
        format!(
            "{} ({}/{} replicas created)",
            rs.metadata.name,
            rs.status.replicas,
            rs.replicas()
        )
    };
    let old: Vec<String> = owned
        .iter()
        .filter(|rs| Some(rs.metadata.uid.as_str()) != newest.map(|n| n.metadata.uid.as_str()))
        .filter(|rs| rs.status.replicas > 0)
        .map(|rs| fmt(rs))
        .collect();
    w.kv(0, "OldReplicaSets", &old.join(", "));
    w.kv(
        0,
        "NewReplicaSet",
        &newest.map(fmt).unwrap_or_else(|| "<none>".into()),
    );
}

fn replicaset(w: &mut Writer, sim: &Sim, rs: &ReplicaSet) {
    let m = &rs.metadata;
    w.kv(0, "Name", &m.name);
    w.kv(0, "Namespace", &m.namespace);
    w.kv(
        0,
        "Selector",
        &selector_text(&rs.spec.selector.match_labels),
    );
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    if let Some(owner) = m
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))
    {
        w.kv(
            0,
            "Controlled By",
            &format!("{}/{}", owner.kind, owner.name),
        );
    }
    w.kv(
        0,
        "Replicas",
        &format!("{} current / {} desired", rs.status.replicas, rs.replicas()),
    );
    pods_status(w, sim, m);
    pod_template(w, &rs.spec.template);
}

/// `Pods Status:` for the pods a controller owns, counted by phase.
fn pods_status(w: &mut Writer, sim: &Sim, owner: &crate::model::ObjectMeta) {
    let pods: Vec<&Pod> = sim
        .cluster()
        .list_in::<Pod>(&owner.namespace)
        .filter(|p| {
            p.metadata
                .owner_references
                .iter()
                .any(|o| o.uid == owner.uid)
        })
        .collect();
    let count = |phase: &str| pods.iter().filter(|p| p.status.phase == phase).count();
    w.kv(
        0,
        "Pods Status",
        &format!(
            "{} Running / {} Waiting / {} Succeeded / {} Failed",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
}

/// kubectl's StatefulSetDescriber.
fn statefulset(w: &mut Writer, sim: &Sim, ss: &crate::model::StatefulSet) {
    let m = &ss.metadata;
    let sp = &ss.spec;
    w.kv(0, "Name", &m.name);
    w.kv(0, "Namespace", &m.namespace);
    if let Some(t) = m.creation_timestamp {
        w.kv(0, "CreationTimestamp", &rfc1123z(t));
    }
    w.kv(0, "Selector", &selector_text(&sp.selector.match_labels));
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    w.kv(
        0,
        "Replicas",
        &format!(
            "{} desired | {} total",
            sp.replicas.unwrap_or(1),
            ss.status.replicas
        ),
    );
    let strategy = sp.update_strategy.clone().unwrap_or_default();
    w.kv(0, "Update Strategy", &strategy.type_);
    // kubectl prints maxUnavailable only under a partition.
    if let Some(ru) = strategy.rolling_update {
        if let Some(p) = ru.partition {
            w.kv(1, "Partition", &p.to_string());
            if let Some(mu) = ru.max_unavailable {
                w.kv(1, "MaxUnavailable", &mu.to_string());
            }
        }
    }
    pods_status(w, sim, m);
    pod_template(w, &sp.template);
    if sp.volume_claim_templates.is_empty() {
        w.kv(0, "Volume Claims", "<none>");
        return;
    }
    w.line(0, "Volume Claims:");
    for c in &sp.volume_claim_templates {
        w.kv(1, "Name", &c.metadata.name);
        // kubectl prints the class as is, blank when unset.
        let class = c.spec.storage_class_name.as_deref().unwrap_or("");
        w.line(1, &format!("StorageClass:\t{class}"));
        w.map(1, "Labels", &labels(&c.metadata));
        w.map(1, "Annotations", &annotations(&c.metadata));
        let capacity = c
            .spec
            .resources
            .requests
            .get("storage")
            .map_or_else(|| "<default>".to_string(), |q| q.to_string());
        w.kv(1, "Capacity", &capacity);
        // Go prints the slice: [ReadWriteOnce].
        w.kv(
            1,
            "Access Modes",
            &format!("[{}]", c.spec.access_modes.join(" ")),
        );
    }
}

fn pdb(w: &mut Writer, p: &PodDisruptionBudget) {
    let m = &p.metadata;
    w.kv(0, "Name", &m.name);
    w.kv(0, "Namespace", &m.namespace);
    if let Some(v) = &p.spec.min_available {
        w.kv(0, "Min available", &v.to_string());
    }
    if let Some(v) = &p.spec.max_unavailable {
        w.kv(0, "Max unavailable", &v.to_string());
    }
    let sel = p
        .spec
        .selector
        .as_ref()
        .map(|s| selector_text(&s.match_labels))
        .unwrap_or_default();
    w.kv(0, "Selector", &sel);
    w.line(0, "Status:");
    w.kv(
        2,
        "Allowed disruptions",
        &p.status.disruptions_allowed.to_string(),
    );
    w.kv(2, "Current", &p.status.current_healthy.to_string());
    w.kv(2, "Desired", &p.status.desired_healthy.to_string());
    w.kv(2, "Total", &p.status.expected_pods.to_string());
}

fn lease(w: &mut Writer, l: &Lease) {
    let m = &l.metadata;
    w.kv(0, "Name", &m.name);
    w.kv(0, "Namespace", &m.namespace);
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    w.kv(0, "API Version", "coordination.k8s.io/v1");
    w.kv(0, "Kind", "Lease");
    w.line(0, "Metadata:");
    if let Some(t) = m.creation_timestamp {
        w.kv(1, "Creation Timestamp", &t.to_rfc3339());
    }
    w.kv(1, "Resource Version", &m.resource_version.to_string());
    w.kv(1, "UID", &m.uid);
    w.line(0, "Spec:");
    if let Some(t) = l.spec.acquire_time {
        w.kv(1, "Acquire Time", &t.to_rfc3339());
    }
    if let Some(h) = &l.spec.holder_identity {
        w.kv(1, "Holder Identity", h);
    }
    if let Some(d) = l.spec.lease_duration_seconds {
        w.kv(1, "Lease Duration Seconds", &d.to_string());
    }
    if let Some(t) = l.spec.lease_transitions {
        w.kv(1, "Lease Transitions", &t.to_string());
    }
    if let Some(t) = l.spec.renew_time {
        w.kv(1, "Renew Time", &t.to_rfc3339());
    }
}

fn generic(w: &mut Writer, o: &Object) {
    let m = o.meta();
    w.kv(0, "Name", &m.name);
    if o.kind().namespaced() {
        w.kv(0, "Namespace", &m.namespace);
    }
    w.map(0, "Labels", &labels(m));
    w.map(0, "Annotations", &annotations(m));
    w.kv(0, "API Version", o.kind().api_version());
    w.kv(0, "Kind", o.kind().name());
}

fn events(w: &mut Writer, sim: &Sim, r: &ObjectRef) {
    let evs = sim.cluster().events_for(r);
    if evs.is_empty() {
        w.kv(0, "Events", "<none>");
        return;
    }
    w.line(0, "Events:");
    w.line(1, "Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    let now = sim.now();
    for e in evs {
        let last = e.last_timestamp.or(e.first_timestamp);
        let mut age = cmdutil::age(last, now);
        if e.count > 1 {
            age = format!(
                "{age} (x{} over {})",
                e.count,
                cmdutil::age(e.first_timestamp, now)
            );
        }
        // kubectl's DescribeEvents names the source's component only (`e.Source.Component`);
        // older releases added the host ("kubelet, node-1").
        w.line(
            1,
            &format!(
                "{}\t{}\t{age}\t{}\t{}",
                e.type_, e.reason, e.source.component, e.message
            ),
        );
    }
}

/// kubectl's `translateTimestampSince`: `HumanDuration(now - t)`, which allows a timestamp up
/// to a second ahead ("0s") and calls one further ahead "<invalid>".
fn since(t_ms: u64, now_ms: u64) -> String {
    if t_ms > now_ms {
        // Go's int(d.Seconds()) truncates toward zero: -1.9 s is -1.
        return if (t_ms - now_ms) / 1000 >= 2 {
            "<invalid>".into()
        } else {
            "0s".into()
        };
    }
    human_duration(now_ms - t_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_times_are_rfc1123z() {
        assert_eq!(rfc1123z(Time::at(0)), "Wed, 01 Jan 2025 00:00:00 +0000");
        assert_eq!(
            rfc1123z(Time::at(86_400_000 + 61_000)),
            "Thu, 02 Jan 2025 00:01:01 +0000"
        );
    }
}
