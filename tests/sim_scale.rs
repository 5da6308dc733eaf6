//! Issue 16: the engine at scale keeps its behaviour. The ReplicaSet's status counts come from
//! a tally the API server keeps as pods change; they must always equal a count over the pods.
//! A burst of creates runs a few per engine event, at the same simulated instant.

mod common;

use common::{small_store, stored};
use podlab::model::{Container, Pod, ReplicaSet};
use podlab::sim::examples::replicaset;
use podlab::sim::{Command, Sim, SimBuilder};

/// (active, ready, terminating) counted over the ReplicaSet's pods, as the controller once did.
fn counted(sim: &Sim, rs: &ReplicaSet) -> (i64, i64, i64) {
    let pods: Vec<&Pod> = sim.cluster().pods_controlled_by(&rs.metadata.uid).collect();
    let active = pods.iter().filter(|p| p.is_active()).count() as i64;
    let ready = pods
        .iter()
        .filter(|p| p.is_active() && p.is_ready())
        .count() as i64;
    let terminating = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some() && !p.is_terminal())
        .count() as i64;
    (active, ready, terminating)
}

fn tallied(sim: &Sim, rs: &ReplicaSet) -> (i64, i64, i64) {
    sim.cluster()
        .pod_tally(&rs.metadata.uid)
        .map_or((0, 0, 0), |t| (t.active, t.ready, t.terminating))
}

#[test]
fn the_tally_equals_a_count_over_the_pods_through_scaling_deletes_and_a_partition() {
    let mut sim = SimBuilder::new(11).workers(3).build().unwrap();
    let mut rs = replicaset("web", 12, Container::new("web", "nginx:1.27"));
    rs.spec.min_ready_seconds = 5;
    sim.apply(Command::Apply(rs.into())).unwrap();
    let mut checked = 0;
    let mut check = |sim: &Sim| {
        let rs = sim
            .cluster()
            .get::<ReplicaSet>("default", "web")
            .unwrap()
            .clone();
        assert_eq!(tallied(sim, &rs), counted(sim, &rs), "at {} ms", sim.now());
        checked += 1;
    };
    let steps = |sim: &mut Sim, until: u64, check: &mut dyn FnMut(&Sim)| {
        while sim.next_event_time().is_some_and(|t| t <= until) {
            sim.step();
            check(sim);
        }
    };
    steps(&mut sim, 30_000, &mut check);
    let mut rs = sim
        .cluster()
        .get::<ReplicaSet>("default", "web")
        .unwrap()
        .clone();
    assert_eq!(rs.status.available_replicas, 12, "minReadySeconds passed");
    rs.spec.replicas = Some(4);
    sim.apply(Command::Apply(rs.into())).unwrap();
    steps(&mut sim, 60_000, &mut check);
    sim.apply(Command::Partition {
        node: "node-1".into(),
    })
    .unwrap();
    steps(&mut sim, 500_000, &mut check);
    assert!(checked > 200, "checked after every event ({checked})");
}

#[test]
fn a_burst_of_creates_runs_fifty_per_event_at_one_instant() {
    let mut sim = SimBuilder::new(5).workers(3).build().unwrap();
    let rs = replicaset("web", 120, Container::new("web", "nginx:1.27"));
    sim.apply(Command::Apply(rs.into())).unwrap();
    let pods = |sim: &Sim| sim.cluster().list::<Pod>().count();
    let mut first_at = None;
    let mut most = 0;
    while pods(&sim) < 120 {
        let before = pods(&sim);
        sim.step().expect("events until all are created");
        let made = pods(&sim) - before;
        if made > 0 {
            first_at.get_or_insert(sim.now());
        }
        most = most.max(made);
    }
    assert_eq!(most, 50, "at most 50 creates in one event");
    assert_eq!(
        Some(sim.now()),
        first_at,
        "the burst of 120 (under 500) is created at one simulated instant, as one sync would"
    );
}

/// Pods of one template on one node share one spec (the API server's spec caches): 10,000 pods
/// kept 10,000 copies. Sharing must not change a spec: each names its own node and carries
/// the default tolerations, and another template's pods have their own.
#[test]
fn pods_of_one_template_on_one_node_share_their_spec() {
    use podlab::model::Shared;
    let mut sim = SimBuilder::new(5).workers(3).build().unwrap();
    for name in ["web", "api"] {
        let rs = replicaset(name, 9, Container::new(name, "nginx:1.27"));
        sim.apply(Command::Apply(rs.into())).unwrap();
    }
    sim.run_for(30_000);
    let pods: Vec<&Pod> = sim.cluster().list::<Pod>().collect();
    assert_eq!(pods.len(), 18);
    for a in &pods {
        assert!(!a.spec.node_name.is_empty(), "{} is bound", a.metadata.name);
        assert_eq!(a.spec.tolerations.len(), 2, "{:?}", a.spec.tolerations);
        assert_eq!(a.spec.containers[0].name, a.metadata.name[..3]);
        for b in &pods {
            let same_template = a.metadata.name[..3] == b.metadata.name[..3];
            let same_node = a.spec.node_name == b.spec.node_name;
            assert_eq!(
                Shared::ptr_eq(&a.spec, &b.spec),
                same_template && same_node,
                "{} and {}",
                a.metadata.name,
                b.metadata.name
            );
        }
    }
}

/// Issue 16: a ReplicaSet's pods share one copy of their labels (the template's) and of
/// their owner reference, every object without labels shares one empty map, and a label
/// written to one pod copies that pod's labels only.
#[test]
fn pods_of_one_replicaset_share_labels_and_owner_references_until_one_is_relabelled() {
    use podlab::console::Console;
    use podlab::model::{Event, Shared};
    let mut sim = SimBuilder::new(5).workers(2).build().unwrap();
    let rs = replicaset("web", 4, Container::new("web", "nginx:1.27"));
    sim.apply(Command::Apply(rs.into())).unwrap();
    sim.run_for(30_000);
    let rs = sim
        .cluster()
        .get::<ReplicaSet>("default", "web")
        .unwrap()
        .clone();
    let pods: Vec<Pod> = sim.cluster().list::<Pod>().cloned().collect();
    assert_eq!(pods.len(), 4);
    for p in &pods {
        assert!(Shared::ptr_eq(
            &p.metadata.labels,
            &rs.spec.template.metadata.labels
        ));
        assert!(Shared::ptr_eq(
            &p.metadata.owner_references,
            &pods[0].metadata.owner_references
        ));
        assert_eq!(
            p.metadata.labels.get("app").map(String::as_str),
            Some("web")
        );
        assert_eq!(p.metadata.controller_ref().unwrap().uid, rs.metadata.uid);
    }
    let events: Vec<&Event> = sim.cluster().list::<Event>().collect();
    assert!(events.len() > 10);
    assert!(events.iter().all(|e| e.metadata.labels.is_empty()
        && Shared::ptr_eq(&e.metadata.labels, &events[0].metadata.labels)));
    let first = pods[0].metadata.name.to_string();
    let out = Console::new().run(&mut sim, &format!("kubectl label pod {first} tier=front"));
    assert!(out.ok, "{}", out.text);
    let relabelled = sim.cluster().get::<Pod>("default", &first).unwrap();
    assert_eq!(
        relabelled.metadata.labels.get("tier").map(String::as_str),
        Some("front")
    );
    let rs = sim.cluster().get::<ReplicaSet>("default", "web").unwrap();
    assert_eq!(rs.spec.template.metadata.labels.len(), 1);
    let other = sim
        .cluster()
        .get::<Pod>("default", &pods[1].metadata.name)
        .unwrap();
    assert!(Shared::ptr_eq(
        &other.metadata.labels,
        &rs.spec.template.metadata.labels
    ));
}

#[test]
fn a_full_store_refuses_creates_with_etcds_error_and_the_replicaset_says_so() {
    // etcd refuses writes past its space quota ("etcdserver: mvcc: database space exceeded",
    // a 500 kubectl prints without a reason); the store stands in for it with a count of its
    // objects, Events aside (150,000 by default; 60 here). A typo such as --replicas=99999999
    // then stops there.
    let mut sim = small_store(5, 2, 60);
    let console = podlab::console::Console::new();
    sim.apply(Command::Apply(
        replicaset("web", 3, Container::new("web", "nginx:1.27")).into(),
    ))
    .unwrap();
    sim.run_for(20_000);
    let others = stored(&sim) - 3;
    let out = console.run(&mut sim, "kubectl scale rs web --replicas=99999999");
    assert!(out.ok, "{}", out.text);
    // The controller retries with the work queue's backoff, which every failed sync doubles
    // (each pod change made one) up to 1,000 s; its first 25 Events went by at once (the
    // recorder's spam filter), so its FailedCreate shows at the retry after that.
    sim.run_for(400_000);
    assert_eq!(stored(&sim), 60);
    let pods = 60 - others;
    let out = console.run(&mut sim, "kubectl get rs web --no-headers");
    assert!(
        out.text.starts_with(&format!("web   99999999   {pods} ")),
        "{}",
        out.text
    );
    let out = console.run(&mut sim, "kubectl describe rs web");
    assert!(!out.text.contains("FailedCreate"), "{}", out.text);
    sim.run_for(700_000);
    let out = console.run(&mut sim, "kubectl describe rs web");
    assert!(
        out.text.contains("  Warning  FailedCreate  ",)
            && out
                .text
                .contains("Error creating: etcdserver: mvcc: database space exceeded"),
        "{}",
        out.text
    );
    // Any create is refused, as etcd refuses every write when full.
    let mut console = console;
    console.files.insert(
        "cm.yaml".into(),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n".into(),
    );
    // kubectl's StandardErrorMessage: no reason in brackets for an error without one.
    for (cmd, text) in [
        (
            "kubectl run extra --image=nginx:1.27",
            "Error from server: etcdserver: mvcc: database space exceeded\n",
        ),
        (
            "kubectl create -f cm.yaml",
            "Error from server: error when creating \"cm.yaml\": etcdserver: mvcc: database space exceeded\n",
        ),
    ] {
        let out = console.run(&mut sim, cmd);
        assert!(!out.ok);
        assert_eq!(out.text, text, "{cmd}");
    }
    // Updates and deletes still go through (the lab refuses creates only): scaling back
    // down frees room, and a pod can be made again.
    let out = console.run(&mut sim, "kubectl scale rs web --replicas=3");
    assert!(out.ok, "{}", out.text);
    sim.run_for(60_000);
    let out = console.run(&mut sim, "kubectl run extra --image=nginx:1.27");
    assert!(out.ok, "{}", out.text);
}
