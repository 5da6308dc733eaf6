//! Commands: learner actions (kubectl verbs) and faults (crash, partition, kill, pause, skew).
//! A failing command changes nothing: not the cluster, the world, the RNG or the trace.

use crate::model::{Kind, Node, Object, ObjectRef, Pod, Shared, Taint};

use super::trace::{Actor, Change};
use super::{ApiError, Command, DeleteOptions, Event, Outcome, Sim, SimError};

pub(crate) fn apply_command(sim: &mut Sim, cmd: Command) -> Result<Outcome, SimError> {
    let saved_rng = sim.rng.clone();
    // Only where the trace ends: a copy of the whole trace per command made a `kubectl delete
    // pods --all` of N pods cost N times the trace (issue 16).
    let saved_trace = sim.trace.mark();
    let actor = cmd.actor();
    sim.record(&actor, None, None, Change::Command, cmd.describe(), "");
    let result = execute(sim, &actor, cmd);
    if result.is_err() {
        sim.rng = saved_rng;
        sim.trace.rewind(saved_trace);
    }
    result
}

fn machine_exists(sim: &Sim, node: &str) -> Result<(), SimError> {
    if sim.world.machine(node).is_none() {
        return Err(SimError::UnknownNode(node.to_string()));
    }
    Ok(())
}

fn get_node(sim: &Sim, node: &str) -> Result<Node, SimError> {
    sim.api.get::<Node>("", node).cloned().ok_or_else(|| {
        SimError::Api(ApiError::NotFound {
            kind: Kind::Node,
            name: node.to_string(),
        })
    })
}

fn pod_pids(sim: &Sim, ns: &str, pod: &str, container: Option<&str>) -> Result<Vec<u64>, SimError> {
    let pids: Vec<u64> = sim
        .world
        .processes_of_pod(ns, pod)
        .filter(|p| container.is_none_or(|c| p.container == c))
        .map(|p| p.pid)
        .collect();
    if pids.is_empty() {
        if sim.api.get::<Pod>(ns, pod).is_none()
            && sim.world.processes_of_pod(ns, pod).next().is_none()
        {
            return Err(SimError::Api(ApiError::NotFound {
                kind: Kind::Pod,
                name: pod.to_string(),
            }));
        }
        return Err(SimError::NoProcess(pod.to_string()));
    }
    Ok(pids)
}

/// kubectl apply: keep system fields and status, take labels, annotations and the rest.
fn merge_for_apply(stored: &Object, mut new: Object) -> Object {
    {
        let sm = stored.meta();
        let labels = new.meta().labels.clone();
        let annotations = new.meta().annotations.clone();
        let mut m = sm.clone();
        m.labels = labels;
        m.annotations = annotations;
        m.resource_version = Default::default();
        *new.meta_mut() = m;
    }
    match (&mut new, stored) {
        (Object::Pod(n), Object::Pod(s)) => {
            n.status = s.status.clone();
            n.spec.node_name = s.spec.node_name.clone();
            // Admission added these; a re-apply of the same manifest must be a no-op.
            crate::sim::api::default_pod_spec(&mut n.spec);
            for t in &s.spec.tolerations {
                if !n.spec.tolerations.contains(t) {
                    n.spec.tolerations.push(t.clone());
                }
            }
        }
        (Object::ReplicaSet(n), Object::ReplicaSet(s)) => n.status = s.status.clone(),
        (Object::Deployment(n), Object::Deployment(s)) => {
            n.status = s.status.clone();
            // The controller's own annotations survive an apply that does not mention them,
            // as with kubectl's three-way merge.
            for (k, v) in &s.metadata.annotations {
                if k.starts_with("deployment.kubernetes.io/") {
                    n.metadata
                        .annotations
                        .entry(k.clone())
                        .or_insert_with(|| v.clone());
                }
            }
        }
        (Object::Node(n), Object::Node(s)) => n.status = s.status.clone(),
        (Object::StatefulSet(n), Object::StatefulSet(s)) => n.status = s.status.clone(),
        (Object::PersistentVolume(n), Object::PersistentVolume(s)) => {
            n.status = s.status.clone();
            if n.spec.claim_ref.is_none() {
                n.spec.claim_ref = s.spec.claim_ref.clone();
            }
        }
        (Object::PersistentVolumeClaim(n), Object::PersistentVolumeClaim(s)) => {
            n.status = s.status.clone();
            if n.spec.volume_name.is_empty() {
                n.spec.volume_name = s.spec.volume_name.clone();
            }
            if n.spec.storage_class_name.is_none() {
                n.spec.storage_class_name = s.spec.storage_class_name.clone();
            }
        }
        (Object::Service(n), Object::Service(s)) => {
            if n.spec.cluster_ip.is_empty() {
                n.spec.cluster_ip = s.spec.cluster_ip.clone();
            }
            n.spec.cluster_ips = s.spec.cluster_ips.clone();
        }
        (Object::PodDisruptionBudget(n), Object::PodDisruptionBudget(s)) => {
            n.status = s.status.clone()
        }
        _ => {}
    }
    new
}

/// The stored object's status in `new`, for the kinds with a status subresource.
fn keep_status(new: &mut Object, stored: &Object) {
    match (new, stored) {
        (Object::Pod(n), Object::Pod(s)) => n.status = s.status.clone(),
        (Object::ReplicaSet(n), Object::ReplicaSet(s)) => n.status = s.status.clone(),
        (Object::Deployment(n), Object::Deployment(s)) => n.status = s.status.clone(),
        (Object::StatefulSet(n), Object::StatefulSet(s)) => n.status = s.status.clone(),
        (Object::Node(n), Object::Node(s)) => n.status = s.status.clone(),
        (Object::PersistentVolume(n), Object::PersistentVolume(s)) => n.status = s.status.clone(),
        (Object::PersistentVolumeClaim(n), Object::PersistentVolumeClaim(s)) => {
            n.status = s.status.clone()
        }
        (Object::PodDisruptionBudget(n), Object::PodDisruptionBudget(s)) => {
            n.status = s.status.clone()
        }
        _ => {}
    }
}

/// Which of the two pod cut commands runs.
enum CutOrHeal {
    Cut,
    Heal,
}

fn execute(sim: &mut Sim, actor: &Actor, cmd: Command) -> Result<Outcome, SimError> {
    let cmd_kind = if matches!(cmd, Command::CutPod { .. }) {
        CutOrHeal::Cut
    } else {
        CutOrHeal::Heal
    };
    match cmd {
        Command::Create(o) => Ok(Outcome::Created(sim.api_create(
            actor,
            None,
            o,
            "kubectl create",
        )?)),
        Command::Apply(o) => {
            let kind = o.kind();
            let mut r = o.object_ref();
            if kind.namespaced() && r.namespace.is_empty() {
                r.namespace = "default".into();
            }
            match sim.api.get_object(&r).cloned() {
                None => Ok(Outcome::Created(sim.api_create(
                    actor,
                    None,
                    o,
                    "kubectl apply",
                )?)),
                Some(stored) => {
                    let mut merged = merge_for_apply(&stored, o);
                    crate::sim::api::default_for_update(&mut merged);
                    let before = sim.api.resource_version();
                    sim.api_update(
                        actor,
                        None,
                        merged,
                        &format!("configured {r}"),
                        "kubectl apply",
                    )?;
                    if sim.api.resource_version() == before {
                        Ok(Outcome::Unchanged(r))
                    } else {
                        Ok(Outcome::Configured(r))
                    }
                }
            }
        }
        Command::Replace(mut o) => {
            let r = o.object_ref();
            // A PUT of the main resource ignores status where the kind has a status
            // subresource: a stale status in an edited file does not go back in.
            if let Some(stored) = sim.api.get_object(&r) {
                keep_status(&mut o, stored);
            }
            sim.api_update(actor, None, o, &format!("replaced {r}"), "kubectl replace")?;
            Ok(Outcome::Configured(r))
        }
        Command::Delete {
            kind,
            namespace,
            name,
            options,
        } => {
            let r = ObjectRef::new(kind, or_default_namespace(&namespace), &name);
            let gone = sim.api_delete(actor, None, &r, &options, "kubectl delete")?;
            Ok(Outcome::Deleted {
                object: r,
                immediately: gone,
            })
        }
        Command::Scale {
            kind,
            namespace,
            name,
            replicas,
        } => {
            let ns = or_default_namespace(&namespace).to_string();
            if replicas < 0 {
                return Err(SimError::Api(ApiError::Invalid {
                    kind,
                    name,
                    causes: vec![format!("spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0")],
                }));
            }
            let r = ObjectRef::new(kind, &ns, &name);
            let obj = sim
                .api
                .get_object(&r)
                .cloned()
                .ok_or_else(|| ApiError::NotFound {
                    kind,
                    name: name.clone(),
                })?;
            let obj = match obj {
                Object::ReplicaSet(mut rs) => {
                    rs.spec.replicas = Some(replicas);
                    Object::ReplicaSet(rs)
                }
                Object::Deployment(mut d) => {
                    d.spec.replicas = Some(replicas);
                    Object::Deployment(d)
                }
                Object::StatefulSet(mut ss) => {
                    ss.spec.replicas = Some(replicas);
                    Object::StatefulSet(ss)
                }
                _ => {
                    return Err(SimError::Api(ApiError::BadRequest(format!(
                        "the server could not find the requested resource ({} {name} has no scale subresource)",
                        kind.plural()
                    ))))
                }
            };
            sim.api_update(
                actor,
                None,
                obj,
                &format!("scaled {r} to {replicas}"),
                "kubectl scale",
            )?;
            Ok(Outcome::Scaled(r))
        }
        Command::Label {
            kind,
            namespace,
            name,
            key,
            value,
        } => {
            let r = ObjectRef::new(kind, or_default_namespace(&namespace), &name);
            let mut obj = sim
                .api
                .get_object(&r)
                .cloned()
                .ok_or_else(|| ApiError::NotFound {
                    kind,
                    name: name.clone(),
                })?;
            match &value {
                Some(v) => obj.meta_mut().labels.insert(key.clone(), v.clone()),
                None => obj.meta_mut().labels.remove(&key),
            };
            sim.api_update(actor, None, obj, &format!("labelled {r}"), "kubectl label")?;
            Ok(Outcome::Configured(r))
        }
        Command::Cordon { node } => set_unschedulable(sim, actor, &node, true),
        Command::Drain { node, options } => sim.start_drain(actor, &node, options),
        Command::Interrupt => {
            let stopped = sim.interrupt_clients();
            if stopped.is_empty() {
                return Err(SimError::NotApplicable(
                    "no command is running: only a drain runs on after it is typed".into(),
                ));
            }
            Ok(Outcome::Done(
                stopped
                    .iter()
                    .map(|c| format!("^C {c}: stopped"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ))
        }
        Command::Evict {
            namespace,
            pod,
            grace_period_seconds,
        } => {
            let ns = or_default_namespace(&namespace).to_string();
            let opts = DeleteOptions {
                grace_period_seconds,
                ..DeleteOptions::default()
            };
            let gone = sim.api_evict(actor, &ns, &pod, &opts)?;
            Ok(Outcome::Deleted {
                object: ObjectRef::new(Kind::Pod, &ns, &pod),
                immediately: gone,
            })
        }
        Command::Uncordon { node } => set_unschedulable(sim, actor, &node, false),
        Command::Taint { node, mut taint } => {
            let mut n = get_node(sim, &node)?;
            if let Err(e) = Taint::parse(&taint.describe()) {
                return Err(SimError::Invalid(e));
            }
            if n.spec
                .taints
                .iter()
                .any(|t| t.key == taint.key && t.effect == taint.effect)
            {
                return Err(SimError::NotApplicable(format!(
                    "node {node} already has {} taint(s) with same effect(s) and --overwrite is false",
                    taint.key
                )));
            }
            if taint.effect == "NoExecute" {
                taint.time_added = Some(sim.now_time());
            }
            n.spec.taints.push(taint.clone());
            sim.api_update(
                actor,
                None,
                Object::Node(Shared::new(n)),
                &format!("tainted node {node} {}", taint.describe()),
                "kubectl taint",
            )?;
            Ok(Outcome::Done(format!("node/{node} tainted")))
        }
        Command::Untaint { node, key, effect } => {
            let mut n = get_node(sim, &node)?;
            let before = n.spec.taints.len();
            n.spec
                .taints
                .retain(|t| !(t.key == key && effect.as_ref().is_none_or(|e| &t.effect == e)));
            if n.spec.taints.len() == before {
                let shown = match &effect {
                    Some(e) => format!("{key}:{e}"),
                    None => key.clone(),
                };
                return Err(SimError::NotApplicable(format!(
                    "taint \"{shown}\" not found"
                )));
            }
            sim.api_update(
                actor,
                None,
                Object::Node(Shared::new(n)),
                &format!("removed taint {key} from node {node}"),
                "kubectl taint",
            )?;
            Ok(Outcome::Done(format!("node/{node} untainted")))
        }
        Command::CrashNode { node } => {
            machine_exists(sim, &node)?;
            if !sim.world.machine(&node).is_some_and(|m| m.powered) {
                return Err(SimError::NotApplicable(format!(
                    "node {node} is already powered off"
                )));
            }
            power_off(sim, &node, "machine powered off");
            Ok(Outcome::Done(format!("node/{node} crashed")))
        }
        Command::RestartNode { node } => {
            machine_exists(sim, &node)?;
            if sim.world.machine(&node).is_some_and(|m| m.powered) {
                power_off(sim, &node, "machine rebooting");
            }
            power_on(sim, &node);
            Ok(Outcome::Done(format!("node/{node} restarted")))
        }
        Command::Partition { node } => {
            machine_exists(sim, &node)?;
            let m = sim.world.machine_mut(&node).expect("machine");
            if !m.reachable {
                return Err(SimError::NotApplicable(format!(
                    "node {node} is already partitioned"
                )));
            }
            m.reachable = false;
            let r = ObjectRef::new(Kind::Node, "", &node);
            sim.record(
                actor,
                None,
                Some(&r),
                Change::World,
                format!("cut node {node} off from the control plane"),
                "its processes keep running",
            );
            Ok(Outcome::Done(format!("node/{node} partitioned")))
        }
        Command::Heal { node } => {
            machine_exists(sim, &node)?;
            let m = sim.world.machine_mut(&node).expect("machine");
            if m.reachable {
                return Err(SimError::NotApplicable(format!(
                    "node {node} is not partitioned"
                )));
            }
            m.reachable = true;
            let r = ObjectRef::new(Kind::Node, "", &node);
            sim.record(
                actor,
                None,
                Some(&r),
                Change::World,
                format!("reconnected node {node} to the control plane"),
                "",
            );
            // The kubelet's watches reconnect and it relists.
            sim.schedule(0, Event::KubeletRelist { node: node.clone() });
            Ok(Outcome::Done(format!("node/{node} healed")))
        }
        Command::KillContainer {
            namespace,
            pod,
            container,
        } => {
            let pids = pod_pids(sim, &namespace, &pod, container.as_deref())?;
            let pid = pids[0];
            let p = sim.world.process(pid).expect("process").clone();
            let r = ObjectRef::new(Kind::Pod, &p.pod_namespace, &p.pod_name);
            sim.record(
                actor,
                None,
                Some(&r),
                Change::World,
                format!(
                    "killed process {} (container {} of pod {pod})",
                    p.id, p.container
                ),
                "SIGKILL",
            );
            sim.process_crashed(pid);
            Ok(Outcome::Done(format!(
                "container {} of pod {pod} killed",
                p.container
            )))
        }
        Command::PauseProcess {
            namespace,
            pod,
            duration_ms,
        } => {
            let pids = pod_pids(sim, &namespace, &pod, None)?;
            for pid in &pids {
                sim.world.process_mut(*pid).expect("process").paused = true;
                if let Some(d) = duration_ms {
                    sim.schedule(d, Event::ResumeProcess { pid: *pid });
                }
            }
            let r = ObjectRef::new(Kind::Pod, &namespace, &pod);
            sim.record(
                actor,
                None,
                Some(&r),
                Change::World,
                format!("paused the processes of pod {pod}"),
                "",
            );
            Ok(Outcome::Done(format!("pod/{pod} paused")))
        }
        Command::ResumeProcess { namespace, pod } => {
            let pids = pod_pids(sim, &namespace, &pod, None)?;
            if !pids
                .iter()
                .any(|p| sim.world.process(*p).is_some_and(|x| x.paused))
            {
                return Err(SimError::NotApplicable(format!("pod {pod} is not paused")));
            }
            for pid in pids {
                resume_pid(sim, pid);
            }
            Ok(Outcome::Done(format!("pod/{pod} resumed")))
        }
        Command::SkewClock { node, offset_ms } => {
            machine_exists(sim, &node)?;
            sim.world
                .machine_mut(&node)
                .expect("machine")
                .clock_offset_ms = offset_ms;
            let r = ObjectRef::new(Kind::Node, "", &node);
            sim.record(
                actor,
                None,
                Some(&r),
                Change::World,
                format!("set clock of {node} to {offset_ms:+}ms"),
                "",
            );
            Ok(Outcome::Done(format!("node/{node} clock skewed")))
        }
        Command::SkewClockRate { node, rate_ppm } => {
            machine_exists(sim, &node)?;
            if rate_ppm <= -1_000_000 || rate_ppm > 100_000_000 {
                return Err(SimError::Invalid(format!(
                    "clock rate {rate_ppm:+}ppm is out of range (above -1000000, at most 100000000)"
                )));
            }
            let now = sim.now;
            sim.world
                .machine_mut(&node)
                .expect("machine")
                .set_clock_rate(now, rate_ppm);
            let r = ObjectRef::new(Kind::Node, "", &node);
            sim.record(
                actor,
                None,
                Some(&r),
                Change::World,
                format!("set clock rate of {node} to {rate_ppm:+}ppm"),
                "",
            );
            Ok(Outcome::Done(format!("node/{node} clock rate skewed")))
        }
        Command::CutPod { namespace, pod } | Command::HealPod { namespace, pod } => {
            let cut = matches!(cmd_kind, CutOrHeal::Cut);
            let ns = or_default_namespace(&namespace).to_string();
            if cut {
                pod_pids(sim, &ns, &pod, None)?;
            }
            if !sim.world.set_pod_cut(&ns, &pod, cut) {
                return Err(SimError::NotApplicable(if cut {
                    format!("pod {pod} is already cut off from the API server")
                } else {
                    format!("pod {pod} is not cut off from the API server")
                }));
            }
            let r = ObjectRef::new(Kind::Pod, &ns, &pod);
            let what = if cut {
                format!("cut pod {pod} off from the API server")
            } else {
                format!("reconnected pod {pod} to the API server")
            };
            let why = if cut { "its node stays Ready" } else { "" };
            sim.record(actor, None, Some(&r), Change::World, what, why);
            Ok(Outcome::Done(format!(
                "pod/{pod} {}",
                if cut { "cut off" } else { "reconnected" }
            )))
        }
        Command::SetReadiness {
            namespace,
            pod,
            ready,
        } => {
            let pids = pod_pids(sim, &namespace, &pod, None)?;
            for pid in pids {
                sim.world.process_mut(pid).expect("process").ready_toggle = ready;
            }
            let r = ObjectRef::new(Kind::Pod, &namespace, &pod);
            sim.record(
                actor,
                None,
                Some(&r),
                Change::World,
                format!("app readiness of pod {pod} set to {ready}"),
                "",
            );
            Ok(Outcome::Done(format!(
                "pod/{pod} readiness {}",
                if ready { "on" } else { "off" }
            )))
        }
        Command::Exec {
            namespace,
            pod,
            container,
            argv,
            cwd,
        } => super::exec::exec(sim, &namespace, &pod, container.as_deref(), &argv, &cwd)
            .map(Outcome::Exec),
        Command::Request { namespace, service } => {
            super::network::request(sim, &namespace, &service).map(Outcome::Response)
        }
        Command::HostRequest { url } => {
            super::network::http_from_host(sim, &url).map(Outcome::Response)
        }
        Command::RolloutUndo {
            kind: Kind::StatefulSet,
            namespace,
            name,
            to_revision,
        } => super::controllers::statefulset::rollout_undo(
            sim,
            actor,
            &namespace,
            &name,
            to_revision,
        ),
        Command::RolloutUndo {
            namespace,
            name,
            to_revision,
            ..
        } => {
            super::controllers::deployment::rollout_undo(sim, actor, &namespace, &name, to_revision)
        }
    }
}

fn set_unschedulable(
    sim: &mut Sim,
    actor: &Actor,
    node: &str,
    on: bool,
) -> Result<Outcome, SimError> {
    let mut n = get_node(sim, node)?;
    let verb = if on { "cordoned" } else { "uncordoned" };
    if n.spec.unschedulable == on {
        return Ok(Outcome::Done(format!("node/{node} already {verb}")));
    }
    n.spec.unschedulable = on;
    sim.api_update(
        actor,
        None,
        Object::Node(Shared::new(n)),
        &format!("{verb} node {node}"),
        "",
    )?;
    Ok(Outcome::Done(format!("node/{node} {verb}")))
}

fn power_off(sim: &mut Sim, node: &str, why: &str) {
    let pids: Vec<u64> = sim.world.processes_on(node).map(|p| p.pid).collect();
    for pid in pids {
        if let Some(p) = sim.world.remove_process(pid) {
            let r = ObjectRef::new(Kind::Pod, &p.pod_namespace, &p.pod_name);
            sim.record(
                &Actor::Fault,
                None,
                Some(&r),
                Change::World,
                format!("process {} of pod {} died", p.id, p.pod_name),
                why,
            );
        }
    }
    sim.world.machine_mut(node).expect("machine").powered = false;
    sim.kubelet_power_off(node);
    let r = ObjectRef::new(Kind::Node, "", node);
    sim.record(
        &Actor::Fault,
        None,
        Some(&r),
        Change::World,
        format!("machine {node} powered off"),
        why,
    );
}

fn power_on(sim: &mut Sim, node: &str) {
    let m = sim.world.machine_mut(node).expect("machine");
    m.powered = true;
    m.boots += 1;
    let r = ObjectRef::new(Kind::Node, "", node);
    sim.record(
        &Actor::Fault,
        None,
        Some(&r),
        Change::World,
        format!("machine {node} powered on"),
        "",
    );
    // A kubelet registers its Node again if the object was deleted; its conditions come with
    // the first status post.
    if sim.api.get::<Node>("", node).is_none() && sim.world.can_reach_api(node) {
        if let Some(cfg) = sim.builder.nodes.iter().find(|n| n.name == node).cloned() {
            let m = sim.world.machine(node).expect("machine").clone();
            let n = super::node_object(&cfg, &m.ip, &m.pod_cidr, Vec::new());
            let _ = sim.api_create(
                &Actor::Kubelet(node.into()),
                None,
                n.into(),
                "kubelet registered the node",
            );
        }
    }
    sim.kubelet_boot(node);
}

pub(crate) fn resume_pid(sim: &mut Sim, pid: u64) {
    let Some(p) = sim.world.process_mut(pid) else {
        return;
    };
    if !p.paused {
        return;
    }
    p.paused = false;
    let r = ObjectRef::new(Kind::Pod, &p.pod_namespace, &p.pod_name);
    let what = format!("resumed process {} of pod {}", p.id, p.pod_name);
    sim.record(&Actor::Fault, None, Some(&r), Change::World, what, "");
    // What arrived while it was stopped (a SIGTERM, its timers) happens now.
    sim.app_resumed(pid);
}

/// Commands without a namespace act in `default`, as kubectl does.
pub(crate) fn or_default_namespace(ns: &str) -> &str {
    if ns.is_empty() {
        "default"
    } else {
        ns
    }
}
