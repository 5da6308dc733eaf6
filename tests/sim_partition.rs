//! The replicas:1 partition story (ref §1.5, §2.1–§2.5): NotReady at ~50 s, replacement at
//! ~350 s, the old pod Terminating, and two processes really running until the partition heals.

use podlab::model::{Kind, Lease, Node, Pod};
use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{Command, Sim, SimBuilder};

fn pods(sim: &Sim) -> Vec<Pod> {
    sim.cluster().list::<Pod>().cloned().collect()
}

fn running_processes(sim: &Sim) -> usize {
    sim.world().processes_labelled("app", "web").count()
}

#[test]
fn partitioned_node_goes_not_ready_then_pod_is_replaced_and_both_run_until_heal() {
    // seed, cluster
    let mut sim = SimBuilder::new(7).workers(3).build().unwrap();
    // apply
    sim.apply(Command::Create(
        replicaset("web", 1, random_generator_container()).into(),
    ))
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| pods(s).iter().any(|p| p.is_ready()),
        60_000
    ));
    run_checked(&mut sim, 20_000);
    let old = pods(&sim).pop().unwrap();
    let node = old.spec.node_name.clone();
    assert_eq!(running_processes(&sim), 1);

    // fault at t: partition the pod's node, measuring from its last heartbeat (ref §2.3 table).
    let last_renew = sim
        .cluster()
        .get::<Lease>("kube-node-lease", &node)
        .unwrap()
        .spec
        .renew_time
        .unwrap()
        .millis();
    sim.apply(Command::Partition { node: node.clone() })
        .unwrap();

    // ≈50–55 s: Ready=Unknown (ref §2.1).
    assert!(run_until_checked(
        &mut sim,
        |s| !s.cluster().get::<Node>("", &node).unwrap().is_ready(),
        120_000
    ));
    let not_ready_after = sim.now() - last_renew;
    assert!(
        (50_000..=55_100).contains(&not_ready_after),
        "NotReady after {not_ready_after} ms"
    );
    let n = sim.cluster().get::<Node>("", &node).unwrap();
    let ready = n.condition("Ready").unwrap();
    assert_eq!(ready.reason, "NodeStatusUnknown");
    assert_eq!(ready.message, "Kubelet stopped posting node status.");
    assert_eq!(n.display_status(), "NotReady");
    run_checked(&mut sim, 1_000);
    let n = sim.cluster().get::<Node>("", &node).unwrap();
    assert!(n.has_taint("node.kubernetes.io/unreachable", "NoExecute"));
    assert!(n.has_taint("node.kubernetes.io/unreachable", "NoSchedule"));
    // The pod is not ready but still active: no replacement yet (ref §1.5).
    let p = sim
        .cluster()
        .get::<Pod>("default", &old.metadata.name)
        .unwrap();
    assert!(!p.is_ready());
    assert!(p.is_active());
    assert_eq!(p.display_status(), "Running");
    assert_eq!(pods(&sim).len(), 1);
    let events = sim
        .cluster()
        .events_for(&podlab::model::ObjectRef::new(Kind::Node, "", &node));
    assert!(events.iter().any(|e| e.reason == "NodeNotReady"
        && e.message == format!("Node {node} status is now: NodeNotReady")));

    // ≈350–356 s: taint eviction, the replacement appears on another node (ref §2.2, §2.3).
    assert!(run_until_checked(&mut sim, |s| pods(s).len() == 2, 400_000));
    let replaced_after = sim.now() - last_renew;
    assert!(
        (350_000..=356_000).contains(&replaced_after),
        "replacement after {replaced_after} ms"
    );
    let p = sim
        .cluster()
        .get::<Pod>("default", &old.metadata.name)
        .unwrap();
    assert_eq!(p.display_status(), "Terminating");
    let dt = p.status.condition("DisruptionTarget").unwrap();
    assert_eq!(dt.reason, "DeletionByTaintManager");
    assert_eq!(dt.message, "Taint manager: deleting due to NoExecute taint");
    let new = pods(&sim)
        .into_iter()
        .find(|x| x.metadata.name != old.metadata.name)
        .unwrap();
    assert!(new.metadata.name.starts_with("web-"));

    // The ground truth: two processes run at once while the partition lasts (ref §1.5).
    assert!(run_until_checked(
        &mut sim,
        |s| running_processes(s) == 2,
        10_000
    ));
    let new_node = sim
        .cluster()
        .get::<Pod>("default", &new.metadata.name)
        .unwrap()
        .spec
        .node_name
        .clone();
    assert_ne!(new_node, node);
    run_checked(&mut sim, 600_000);
    assert_eq!(running_processes(&sim), 2, "both copies still run");
    let p = sim
        .cluster()
        .get::<Pod>("default", &old.metadata.name)
        .unwrap();
    assert_eq!(
        p.display_status(),
        "Terminating",
        "stays Terminating forever without a kubelet (ref §2.4)"
    );

    // Heal: the kubelet terminates the old copy and removes the object; taints go (ref §2.5).
    sim.apply(Command::Heal { node: node.clone() }).unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .cluster()
            .get::<Pod>("default", &old.metadata.name)
            .is_none(),
        60_000
    ));
    assert_eq!(running_processes(&sim), 1);
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().get::<Node>("", &node).unwrap().is_ready(),
        30_000
    ));
    run_checked(&mut sim, 10_000);
    let n = sim.cluster().get::<Node>("", &node).unwrap();
    assert!(
        n.spec.taints.is_empty(),
        "taints removed: {:?}",
        n.spec.taints
    );
    assert_eq!(pods(&sim).len(), 1);

    // The trace tells the story with actors and reasons.
    let lines: Vec<String> = sim.trace().entries().map(|e| e.to_string()).collect();
    assert!(
        lines
            .iter()
            .any(|l| l.contains("replicaset/web: created pod web-")
                && l.contains("(1 of 1 replicas active)")),
        "{lines:#?}"
    );
    assert!(lines
        .iter()
        .any(|l| l.contains("taint-eviction/") || l.contains("taint-eviction-controller")));
    assert!(lines.iter().any(|l| l.contains("fault: partition ")));
}
