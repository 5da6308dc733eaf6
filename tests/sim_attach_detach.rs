//! Network disks and the attach/detach controller (ref §5.3, §2.6, §5.4): one node at a time for
//! RWO, Multi-Attach errors, the 6-minute force detach while the old node is not Ready, the
//! out-of-service shortcut, and RWOP enforced by the scheduler.

use podlab::model::{Container, Kind, ObjectRef, PersistentVolumeClaim, Pod, Taint};
use podlab::sim::examples::{claim, deployment, mount_claim, pod, random_generator_container};
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{Command, DeleteOptions, Sim, SimBuilder};

const MIN: u64 = 60_000;

/// A replicas:1 Deployment whose pod writes to an RWO network disk, running.
fn setup(seed: u64) -> (Sim, String, String, String) {
    let mut sim = SimBuilder::new(seed).workers(3).build().unwrap();
    sim.apply(Command::Apply(claim("data", "ReadWriteOnce", "1Gi").into()))
        .unwrap();
    let mut d = deployment("web", 1, random_generator_container());
    mount_claim(&mut d.spec.template.spec, "data", "/data");
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, |s| ready(s) == 1, 60_000));
    let pv = sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "data")
        .unwrap()
        .spec
        .volume_name
        .clone();
    let p = sim.cluster().list::<Pod>().next().unwrap().clone();
    (
        sim,
        pv,
        p.metadata.name.to_string(),
        p.spec.node_name.clone(),
    )
}

fn ready(sim: &Sim) -> usize {
    sim.cluster().list::<Pod>().filter(|p| p.is_ready()).count()
}

fn attach_events(sim: &Sim, pod: &str) -> Vec<String> {
    sim.cluster()
        .events_for(&ObjectRef::new(Kind::Pod, "default", pod))
        .iter()
        .filter(|e| e.reason == "FailedAttachVolume" || e.reason == "FailedMount")
        .map(|e| format!("{} {}", e.reason, e.message))
        .collect()
}

/// The replacement pod (not `old`), once it exists.
fn replacement(sim: &Sim, old: &str) -> Option<Pod> {
    sim.cluster()
        .list::<Pod>()
        .find(|p| p.metadata.name != old)
        .cloned()
}

/// When the trace first says `what`.
fn when(sim: &Sim, what: &str) -> Option<u64> {
    sim.trace()
        .entries()
        .find(|e| &*e.what() == what)
        .map(|e| e.time)
}

fn force_delete(sim: &mut Sim, name: &str) {
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: name.into(),
        options: DeleteOptions::force(),
    })
    .unwrap();
}

#[test]
fn a_lost_node_keeps_the_disk_until_the_pod_is_gone_and_six_minutes_pass() {
    let (mut sim, pv, old, n1) = setup(21);
    // The disk is attached to the pod's node, in the world and in the Node status.
    assert_eq!(sim.world().attached_nodes(&pv), vec![n1.as_str()]);
    let node = sim.cluster().get::<podlab::model::Node>("", &n1).unwrap();
    let unique = format!("kubernetes.io/csi/disk.csi.podlab.dev^{pv}");
    assert_eq!(node.status.volumes_attached[0].name, unique);
    assert_eq!(node.status.volumes_in_use, vec![unique.clone()]);
    assert!(sim
        .cluster()
        .events_for(&ObjectRef::new(Kind::Pod, "default", &old))
        .iter()
        .any(|e| e.reason == "SuccessfulAttachVolume"
            && e.message == format!("AttachVolume.Attach succeeded for volume \"{pv}\"")));

    let t0 = sim.now();
    sim.apply(Command::CrashNode { node: n1.clone() }).unwrap();

    // ref §1.5/§2.3: the replacement comes at ≈5m50s and lands on another node...
    assert!(run_until_checked(
        &mut sim,
        |s| replacement(s, &old).is_some_and(|p| !p.spec.node_name.is_empty()),
        7 * MIN
    ));
    let new = replacement(&sim, &old).unwrap();
    let created = new.metadata.creation_timestamp.unwrap().millis() - t0;
    assert!(
        (335_000..=375_000).contains(&created),
        "replacement after {created} ms"
    );
    let n2 = new.spec.node_name.clone();
    assert_ne!(n2, n1);

    // ... and waits in ContainerCreating on Multi-Attach while the old pod object exists.
    run_checked(&mut sim, 3 * MIN);
    let p = sim
        .cluster()
        .get::<Pod>("default", &new.metadata.name)
        .unwrap();
    assert_eq!(p.display_status(), "ContainerCreating");
    let evs = attach_events(&sim, &new.metadata.name);
    assert_eq!(
        evs[0],
        format!("FailedAttachVolume Multi-Attach error for volume \"{pv}\" Volume is already used by pod(s) {old}")
    );
    assert!(evs.iter().any(|e| e == "FailedMount Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data], failed to process volumes=[]: timed out waiting for the condition"), "{evs:#?}");
    assert_eq!(sim.world().attached_nodes(&pv), vec![n1.as_str()]);

    // The old pod stays Terminating forever; the learner force-deletes it.
    assert_eq!(
        sim.cluster()
            .get::<Pod>("default", &old)
            .unwrap()
            .display_status(),
        "Terminating"
    );
    force_delete(&mut sim, &old);
    let t_gone = sim.now();
    run_checked(&mut sim, MIN);
    let evs = attach_events(&sim, &new.metadata.name);
    assert!(evs.contains(&format!("FailedAttachVolume Multi-Attach error for volume \"{pv}\" Volume is already exclusively attached to one node and can't be attached to another")), "{evs:#?}");

    // ≈6 more minutes: force detach (node still NotReady), then attach to the new node.
    assert!(run_until_checked(&mut sim, |s| ready(s) == 1, 8 * MIN));
    let detached = when(&sim, &format!("detaching volume {pv} from {n1}")).unwrap();
    assert!(
        detached > t_gone + 6 * MIN && detached <= t_gone + 6 * MIN + 10_000,
        "{}",
        detached - t_gone
    );
    let e = sim
        .trace()
        .entries()
        .find(|e| e.time == detached && e.what().starts_with("detaching"))
        .unwrap();
    assert_eq!(
        &*e.why,
        "this volume is not safe to detach, but maxWaitForUnmountDuration expired, force detaching"
    );
    let attached = when(&sim, &format!("volume {pv} attached to {n2}")).unwrap();
    assert!(attached - detached < 15_000);
    assert_eq!(sim.world().attached_nodes(&pv), vec![n2.as_str()]);
    let node2 = sim.cluster().get::<podlab::model::Node>("", &n2).unwrap();
    assert_eq!(node2.status.volumes_in_use, vec![unique]);
}

#[test]
fn the_out_of_service_taint_detaches_at_once() {
    // ref §2.6: the operator confirms the machine is off; no 6-minute wait.
    let (mut sim, pv, old, n1) = setup(22);
    sim.apply(Command::CrashNode { node: n1.clone() }).unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| replacement(s, &old).is_some(),
        7 * MIN
    ));
    run_checked(&mut sim, MIN);
    let t_taint = sim.now();
    sim.apply(Command::Taint {
        node: n1.clone(),
        taint: Taint::new(
            "node.kubernetes.io/out-of-service",
            "nodeshutdown",
            "NoExecute",
        ),
    })
    .unwrap();
    assert!(run_until_checked(&mut sim, |s| ready(s) == 1, 2 * MIN));
    assert!(
        sim.cluster().get::<Pod>("default", &old).is_none(),
        "PodGC removed it"
    );
    let detached = when(&sim, &format!("detaching volume {pv} from {n1}")).unwrap();
    assert!(detached - t_taint < 30_000, "{}", detached - t_taint);
    let e = sim
        .trace()
        .entries()
        .find(|e| e.what() == format!("detaching volume {pv} from {n1}"))
        .unwrap();
    assert_eq!(&*e.why, "node has the out-of-service taint");
}

#[test]
fn no_force_detach_while_the_old_node_is_ready() {
    // A partitioned node heals before the 6 minutes pass: its kubelet stops the old pod and
    // unmounts, and only then does the disk move.
    let (mut sim, pv, old, n1) = setup(23);
    sim.apply(Command::Partition { node: n1.clone() }).unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| replacement(s, &old).is_some(),
        7 * MIN
    ));
    run_checked(&mut sim, MIN);
    force_delete(&mut sim, &old);
    // The old process still writes to the disk on the partitioned node.
    assert_eq!(sim.world().processes_on(&n1).count(), 1);
    run_checked(&mut sim, 3 * MIN);
    sim.apply(Command::Heal { node: n1.clone() }).unwrap();
    let t_heal = sim.now();
    assert!(run_until_checked(&mut sim, |s| ready(s) == 1, 5 * MIN));
    let detached = when(&sim, &format!("detaching volume {pv} from {n1}")).unwrap();
    let stopped = sim
        .trace()
        .entries()
        .find(|e| {
            e.what().starts_with("process ") && e.what().contains(&format!("of pod {old} stopped"))
        })
        .unwrap()
        .time;
    assert!(
        stopped >= t_heal && detached >= stopped,
        "heal {t_heal} stop {stopped} detach {detached}"
    );
    assert!(detached < t_heal + MIN);
    let e = sim
        .trace()
        .entries()
        .find(|e| e.time == detached && e.what().starts_with("detaching"))
        .unwrap();
    assert_eq!(&*e.why, "no pod uses it and the node unmounted it");
}

#[test]
fn a_healthy_node_detaches_as_soon_as_it_unmounts() {
    // Recreate moves a single RWO writer to a new pod without Multi-Attach errors when the
    // new pod lands elsewhere: the old kubelet unmounts, the disk follows.
    let (mut sim, pv, old, n1) = setup(24);
    sim.apply(Command::Cordon { node: n1.clone() }).unwrap();
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: old.clone(),
        options: DeleteOptions::default(),
    })
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| ready(s) == 1 && s.cluster().get::<Pod>("default", &old).is_none(),
        3 * MIN
    ));
    let gone = sim
        .trace()
        .entries()
        .find(|e| e.what() == format!("deleted pod {old}"))
        .unwrap()
        .time;
    let detached = when(&sim, &format!("detaching volume {pv} from {n1}")).unwrap();
    assert!(detached >= gone && detached - gone < 5_000);
    let new = sim.cluster().list::<Pod>().next().unwrap().clone();
    assert_ne!(new.spec.node_name, n1);
    assert_eq!(
        sim.world().attached_nodes(&pv),
        vec![new.spec.node_name.as_str()]
    );
}

#[test]
fn rwx_disks_attach_to_several_nodes() {
    let mut sim = SimBuilder::new(25).workers(3).build().unwrap();
    sim.apply(Command::Apply(
        claim("shared", "ReadWriteMany", "1Gi").into(),
    ))
    .unwrap();
    let mut d = deployment("web", 3, random_generator_container());
    mount_claim(&mut d.spec.template.spec, "shared", "/data");
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, |s| ready(s) == 3, 2 * MIN));
    let pv = sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "shared")
        .unwrap()
        .spec
        .volume_name
        .clone();
    let nodes: podlab::sorted::SortedSet<String> = sim
        .cluster()
        .list::<Pod>()
        .map(|p| p.spec.node_name.clone())
        .collect();
    assert_eq!(nodes.len(), 3, "spread over three nodes");
    assert_eq!(sim.world().attached_nodes(&pv).len(), 3);
}

#[test]
fn two_pods_on_two_nodes_share_an_rwo_disk_only_through_multi_attach_errors() {
    // A ReplicaSet of 2 with one RWO claim: typically user error (ref §5.3).
    let mut sim = SimBuilder::new(26).workers(2).build().unwrap();
    sim.apply(Command::Apply(claim("data", "ReadWriteOnce", "1Gi").into()))
        .unwrap();
    let mut d = deployment("web", 2, Container::new("web", "nginx:1.27"));
    mount_claim(&mut d.spec.template.spec, "data", "/data");
    sim.apply(Command::Apply(d.into())).unwrap();
    run_checked(&mut sim, 3 * MIN);
    let pods: Vec<Pod> = sim.cluster().list::<Pod>().cloned().collect();
    assert_ne!(pods[0].spec.node_name, pods[1].spec.node_name);
    let running: Vec<&Pod> = pods.iter().filter(|p| p.is_ready()).collect();
    let waiting: Vec<&Pod> = pods.iter().filter(|p| !p.is_ready()).collect();
    assert_eq!((running.len(), waiting.len()), (1, 1));
    let evs = attach_events(&sim, &waiting[0].metadata.name);
    assert!(evs[0].ends_with(&format!(
        "Volume is already used by pod(s) {}",
        running[0].metadata.name
    )));
}

#[test]
fn rwop_claims_are_enforced_by_the_scheduler() {
    // ref §5.4 (newer-release message).
    let mut sim = SimBuilder::new(27).workers(3).build().unwrap();
    sim.apply(Command::Apply(
        claim("solo", "ReadWriteOncePod", "1Gi").into(),
    ))
    .unwrap();
    for name in ["a", "b"] {
        let mut p = pod(name, &[("app", name)], Container::new("c", "nginx:1.27"));
        mount_claim(&mut p.spec, "solo", "/data");
        sim.apply(Command::Apply(p.into())).unwrap();
        run_checked(&mut sim, 20_000);
    }
    let b = sim.cluster().get::<Pod>("default", "b").unwrap();
    assert_eq!(b.spec.node_name, "");
    let msg = sim
        .cluster()
        .events_for(&ObjectRef::new(Kind::Pod, "default", "b"))
        .iter()
        .find(|e| e.reason == "FailedScheduling")
        .unwrap()
        .message
        .clone();
    assert!(msg.starts_with("0/3 nodes are available: 3 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. preemption:"), "{msg}");
    // When `a` goes, `b` schedules.
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: "a".into(),
        options: DeleteOptions::default(),
    })
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .cluster()
            .get::<Pod>("default", "b")
            .is_some_and(|p| p.is_ready()),
        2 * MIN
    ));
}
