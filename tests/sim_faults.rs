//! Faults as commands and the controllers' answers: crash loops, force delete, node deletion,
//! the out-of-service taint, and the zone disruption rules.

use podlab::model::{Kind, Node, Pod, Taint};
use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{Command, DeleteOptions, NodeConfig, Sim, SimBuilder};

fn one_pod(seed: u64, workers: u32) -> (Sim, Pod) {
    let mut sim = SimBuilder::new(seed).workers(workers).build().unwrap();
    sim.apply(Command::Create(
        replicaset("web", 1, random_generator_container()).into(),
    ))
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().list::<Pod>().any(|p| p.is_ready()),
        60_000
    ));
    let p = sim.cluster().list::<Pod>().next().unwrap().clone();
    (sim, p)
}

#[test]
fn killed_container_restarts_with_crash_loop_backoff() {
    // ref §8: 10 s, 20 s, 40 s ... with CrashLoopBackOff while waiting.
    let (mut sim, p) = one_pod(1, 1);
    let name = p.metadata.name.to_string();
    let kill = |sim: &mut Sim| {
        sim.apply(Command::KillContainer {
            namespace: "default".into(),
            pod: name.clone(),
            container: None,
        })
        .unwrap()
    };
    kill(&mut sim);
    run_checked(&mut sim, 1_500);
    assert_eq!(
        sim.cluster()
            .get::<Pod>("default", &name)
            .unwrap()
            .display_status(),
        "CrashLoopBackOff"
    );
    let t0 = sim.now();
    assert!(run_until_checked(
        &mut sim,
        |s| s.world().processes_of_pod("default", &name).count() == 1,
        30_000
    ));
    let first_wait = sim.now() - t0;
    assert!((8_000..=10_100).contains(&first_wait), "{first_wait}");
    assert_eq!(
        sim.cluster()
            .get::<Pod>("default", &name)
            .unwrap()
            .restart_count(),
        1
    );
    kill(&mut sim);
    let t1 = sim.now();
    assert!(run_until_checked(
        &mut sim,
        |s| s.world().processes_of_pod("default", &name).count() == 1,
        60_000
    ));
    assert!(
        (20_000..=21_100).contains(&(sim.now() - t1)),
        "second back-off doubles"
    );
}

#[test]
fn force_delete_frees_the_name_while_the_process_runs_on() {
    // ref §2.5 (3): grace 0 + force on a partitioned node.
    let (mut sim, p) = one_pod(2, 3);
    let node = p.spec.node_name.clone();
    sim.apply(Command::Partition { node: node.clone() })
        .unwrap();
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: p.metadata.name.to_string(),
        options: DeleteOptions::force(),
    })
    .unwrap();
    assert!(sim
        .cluster()
        .get::<Pod>("default", &p.metadata.name)
        .is_none());
    run_checked(&mut sim, 30_000);
    assert_eq!(
        sim.world()
            .processes_of_pod("default", &p.metadata.name)
            .count(),
        1,
        "still running on the cut-off node"
    );
    assert_eq!(
        sim.cluster().list::<Pod>().count(),
        1,
        "replacement created"
    );
    sim.apply(Command::Heal { node }).unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .world()
            .processes_of_pod("default", &p.metadata.name)
            .count()
            == 0,
        60_000
    ));
}

#[test]
fn deleting_the_node_object_lets_podgc_collect_its_pods() {
    // ref §2.5 (2): 20 s checks, 40 s quarantine.
    let (mut sim, p) = one_pod(3, 3);
    let node = p.spec.node_name.clone();
    sim.apply(Command::CrashNode { node: node.clone() })
        .unwrap();
    sim.apply(Command::Delete {
        kind: Kind::Node,
        namespace: String::new(),
        name: node,
        options: DeleteOptions::default(),
    })
    .unwrap();
    let t0 = sim.now();
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .cluster()
            .get::<Pod>("default", &p.metadata.name)
            .is_none(),
        120_000
    ));
    let took = sim.now() - t0;
    assert!((40_000..=61_000).contains(&took), "{took}");
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().list::<Pod>().any(|p| p.is_ready()),
        60_000
    ));
}

#[test]
fn out_of_service_taint_force_deletes_pods_of_a_dead_node() {
    // ref §2.6
    let (mut sim, p) = one_pod(4, 3);
    let node = p.spec.node_name.clone();
    sim.apply(Command::CrashNode { node: node.clone() })
        .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| !s.cluster().get::<Node>("", &node).unwrap().is_ready(),
        70_000
    ));
    sim.apply(Command::Taint {
        node: node.clone(),
        taint: Taint::new(
            "node.kubernetes.io/out-of-service",
            "nodeshutdown",
            "NoExecute",
        ),
    })
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .cluster()
            .get::<Pod>("default", &p.metadata.name)
            .is_none(),
        25_000
    ));
    let t = sim
        .trace()
        .about(&podlab::model::ObjectRef::new(
            Kind::Pod,
            "default",
            &p.metadata.name,
        ))
        .any(|e| e.why.contains("out of service"));
    assert!(t);
}

#[test]
fn partial_zone_disruption_stops_evictions_in_small_clusters() {
    // ref §2.2: > 2 not ready and ≥ 55 % in a zone of a ≤ 50-node cluster: no NoExecute taints.
    let mut b = SimBuilder::new(5);
    for i in 1..=4 {
        b = b.node(NodeConfig::new(&format!("a-{i}")).zone("zone-a"));
    }
    b = b.node(NodeConfig::new("b-1").zone("zone-b"));
    let mut sim = b.build().unwrap();
    for n in ["a-1", "a-2", "a-3"] {
        sim.apply(Command::Partition { node: n.into() }).unwrap();
    }
    run_checked(&mut sim, 120_000);
    let mut no_execute = 0;
    for n in ["a-1", "a-2", "a-3"] {
        let node = sim.cluster().get::<Node>("", n).unwrap();
        assert!(!node.is_ready());
        assert!(node.has_taint("node.kubernetes.io/unreachable", "NoSchedule"));
        if node.has_taint("node.kubernetes.io/unreachable", "NoExecute") {
            no_execute += 1;
        }
    }
    // Only a node tainted before the zone crossed the threshold keeps its taint; a Normal zone
    // would have tainted all three within 20 s.
    assert!(no_execute <= 1, "{no_execute} nodes got NoExecute");
}

#[test]
fn full_disruption_removes_taints_and_evicts_nothing() {
    // ref §2.2: every zone fully down -> master disruption mode.
    let (mut sim, p) = one_pod(6, 1);
    sim.apply(Command::Partition {
        node: "node-1".into(),
    })
    .unwrap();
    run_checked(&mut sim, 600_000);
    let n = sim.cluster().get::<Node>("", "node-1").unwrap();
    assert!(!n.has_taint("node.kubernetes.io/unreachable", "NoExecute"));
    let pod = sim
        .cluster()
        .get::<Pod>("default", &p.metadata.name)
        .unwrap();
    assert!(
        pod.metadata.deletion_timestamp.is_none(),
        "a single-node cluster never evicts"
    );
    assert!(sim
        .trace()
        .entries()
        .any(|e| e.what().contains("Entering master disruption mode")));
}

#[test]
fn nodes_fail_one_zone_at_a_time_at_the_eviction_rate() {
    // ref §2.2: first node tainted at once, then one per 10 s in a healthy zone.
    let mut b = SimBuilder::new(8);
    for i in 1..=10 {
        b = b.node(NodeConfig::new(&format!("n-{i}")).zone("zone-a"));
    }
    let mut sim = b.build().unwrap();
    sim.apply(Command::Partition { node: "n-1".into() })
        .unwrap();
    sim.apply(Command::Partition { node: "n-2".into() })
        .unwrap();
    let tainted = |s: &Sim, n: &str| {
        s.cluster()
            .get::<Node>("", n)
            .unwrap()
            .has_taint("node.kubernetes.io/unreachable", "NoExecute")
    };
    assert!(run_until_checked(
        &mut sim,
        |s| tainted(s, "n-1") || tainted(s, "n-2"),
        120_000
    ));
    let first = sim.now();
    assert!(run_until_checked(
        &mut sim,
        |s| tainted(s, "n-1") && tainted(s, "n-2"),
        60_000
    ));
    assert!(
        sim.now() - first >= 9_000,
        "second taint waited for the rate limiter"
    );
}
