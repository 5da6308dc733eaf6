//! The EndpointSlice controller at scale (ref §4.1): at most 100 endpoints per slice, each ready
//! pod in exactly one slice, slices emptied by a scale-down deleted, one empty slice kept for a
//! Service without endpoints, and a slice deleted by hand rebuilt.

use std::collections::BTreeSet;

use podlab::model::{Container, EndpointSlice, Kind, Pod};
use podlab::sim::examples::replicaset;
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{Command, DeleteOptions, Sim, SimBuilder};

fn service() -> podlab::model::Service {
    let mut svc = podlab::sim::examples::stateless_service();
    svc.metadata.name = "web".into();
    svc.spec.selector = [("app".to_string(), "web".to_string())]
        .into_iter()
        .collect();
    svc
}

/// The Service's slices, by name.
fn slices(sim: &Sim) -> Vec<EndpointSlice> {
    sim.cluster()
        .list::<EndpointSlice>()
        .filter(|s| {
            s.metadata
                .labels
                .get("kubernetes.io/service-name")
                .is_some_and(|n| n == "web")
        })
        .cloned()
        .collect()
}

/// Each slice's size, smallest first.
fn sizes(sim: &Sim) -> Vec<usize> {
    let mut v: Vec<usize> = slices(sim).iter().map(|s| s.endpoints.len()).collect();
    v.sort();
    v
}

/// Every endpoint's pod; fails on a pod in two slices or twice in one.
fn endpoint_pods(sim: &Sim) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for s in slices(sim) {
        for e in &s.endpoints {
            let name = e.target_ref.as_ref().expect("a targetRef").name.clone();
            assert!(seen.insert(name.clone()), "{name} has two endpoints");
        }
    }
    seen
}

fn ready_pods(sim: &Sim) -> BTreeSet<String> {
    sim.cluster()
        .list::<Pod>()
        .filter(|p| p.is_ready() && p.metadata.deletion_timestamp.is_none())
        .map(|p| p.metadata.name.to_string())
        .collect()
}

fn scale(sim: &mut Sim, replicas: i32) {
    sim.apply(Command::Scale {
        kind: Kind::ReplicaSet,
        namespace: "default".into(),
        name: "web".into(),
        replicas,
    })
    .unwrap();
}

fn cluster_of(replicas: i32) -> Sim {
    let mut sim = SimBuilder::new(5).workers(3).build().unwrap();
    let mut c = Container::new("web", "nginx:1.27");
    c.ports = vec![podlab::model::ContainerPort {
        container_port: 8080,
        ..Default::default()
    }];
    sim.apply(Command::Apply(replicaset("web", replicas, c).into()))
        .unwrap();
    sim.apply(Command::Apply(service().into())).unwrap();
    sim
}

/// Runs until every ready pod has a ready endpoint and no other endpoint is left.
fn settle(sim: &mut Sim, ready: usize) {
    assert!(
        run_until_checked(
            sim,
            |s| {
                let r = ready_pods(s);
                r.len() == ready
                    && slices(s)
                        .iter()
                        .flat_map(|sl| sl.endpoints.iter())
                        .filter(|e| e.conditions.ready)
                        .count()
                        == ready
                    && endpoint_pods(s) == r
            },
            600_000
        ),
        "ready {} of {ready}, slices {:?}",
        ready_pods(sim).len(),
        sizes(sim)
    );
}

#[test]
fn two_hundred_fifty_endpoints_fill_three_slices_of_at_most_100() {
    let mut sim = cluster_of(250);
    settle(&mut sim, 250);
    // ref §4.1: at most 100 endpoints per slice; new ones fill the slices being updated, so
    // 250 take three slices, not more.
    let s = sizes(&sim);
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!(s.iter().sum::<usize>(), 250);
    assert!(s.iter().all(|&n| n <= 100), "{s:?}");
    for slice in slices(&sim) {
        assert_eq!(slice.ports.len(), 1);
        assert_eq!(slice.ports[0].port, 8080);
        let names: Vec<&str> = slice
            .endpoints
            .iter()
            .map(|e| e.target_ref.as_ref().unwrap().name.as_str())
            .collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted by pod name");
    }
    // What the Service answers with reads every slice: `kubectl get endpoints` lists 250.
    let out = podlab::console::Console::new().run(&mut sim, "kubectl get endpoints web");
    assert!(out.text.contains("+ 247 more..."), "{}", out.text);
}

#[test]
fn scaling_down_empties_slices_and_zero_keeps_one_empty_slice() {
    let mut sim = cluster_of(250);
    settle(&mut sim, 250);
    scale(&mut sim, 30);
    settle(&mut sim, 30);
    run_checked(&mut sim, 60_000);
    let s = sizes(&sim);
    assert_eq!(s.iter().sum::<usize>(), 30, "{s:?}");
    // A slice left without endpoints is deleted; the others keep theirs (no rebalancing).
    assert!(s.iter().all(|&n| n > 0), "{s:?}");
    assert!(s.len() <= 3, "{s:?}");

    scale(&mut sim, 0);
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().list::<Pod>().next().is_none(),
        120_000
    ));
    run_checked(&mut sim, 10_000);
    // ref §4.1 (the reconciler's placeholder): a Service without endpoints keeps one empty
    // slice, with no ports.
    let left = slices(&sim);
    assert_eq!(left.len(), 1, "{:?}", sizes(&sim));
    assert!(left[0].endpoints.is_empty() && left[0].ports.is_empty());

    // And scaling up again fills it before any new slice is made. (Pods that turn ready in
    // one sync go together to a slice with room for all of them, or to a new one, so the
    // split need not be 100 and 20.)
    scale(&mut sim, 120);
    settle(&mut sim, 120);
    let s = sizes(&sim);
    assert_eq!((s.len(), s.iter().sum::<usize>()), (2, 120), "{s:?}");
    assert!(slices(&sim)
        .iter()
        .any(|s| s.metadata.name == left[0].metadata.name));
}

#[test]
fn a_slice_deleted_by_hand_is_made_again() {
    let mut sim = cluster_of(150);
    settle(&mut sim, 150);
    let gone = slices(&sim)
        .into_iter()
        .max_by_key(|s| s.endpoints.len())
        .unwrap();
    sim.apply(Command::Delete {
        kind: Kind::EndpointSlice,
        namespace: "default".into(),
        name: gone.metadata.name.to_string(),
        options: DeleteOptions::default(),
    })
    .unwrap();
    run_checked(&mut sim, 5_000);
    // The controller saw a slice it did not delete go, and looked at every endpoint again.
    assert_eq!(endpoint_pods(&sim), ready_pods(&sim));
    assert_eq!(sizes(&sim).iter().sum::<usize>(), 150);
    assert!(slices(&sim)
        .iter()
        .all(|s| s.metadata.name != gone.metadata.name));
}

#[test]
fn a_relabelled_pod_leaves_its_slice_and_a_deleted_pod_too() {
    let mut sim = cluster_of(120);
    settle(&mut sim, 120);
    let pods: Vec<String> = ready_pods(&sim).into_iter().take(2).collect();
    sim.apply(Command::Label {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: pods[0].clone(),
        key: "app".into(),
        value: Some("other".into()),
    })
    .unwrap();
    run_checked(&mut sim, 2_000);
    assert!(!endpoint_pods(&sim).contains(&pods[0]));
    // The ReplicaSet replaces the pod it lost, and the Service gets the new one.
    let selected = |s: &Sim| {
        let mut r = ready_pods(s);
        r.remove(&pods[0]);
        r
    };
    assert!(run_until_checked(
        &mut sim,
        |s| selected(s).len() == 120 && endpoint_pods(s) == selected(s),
        60_000
    ));
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: pods[1].clone(),
        options: DeleteOptions::default(),
    })
    .unwrap();
    run_checked(&mut sim, 2_000);
    // ref §4.1: terminating, it is no longer ready; gone, it has no endpoint.
    let ep = slices(&sim)
        .into_iter()
        .flat_map(|s| s.endpoints)
        .find(|e| e.target_ref.as_ref().unwrap().name == pods[1]);
    assert!(ep.is_none_or(|e| !e.conditions.ready && e.conditions.terminating));
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().get::<Pod>("default", &pods[1]).is_none()
            && selected(s).len() == 120
            && endpoint_pods(s) == selected(s),
        120_000
    ));
    assert_eq!(sizes(&sim).iter().sum::<usize>(), 120);
}

#[test]
fn a_headless_service_of_many_pods_names_ten_records_in_the_trace() {
    let mut sim = SimBuilder::new(5).workers(3).build().unwrap();
    sim.apply(Command::Apply(
        replicaset("web", 12, Container::new("web", "nginx:1.27")).into(),
    ))
    .unwrap();
    let mut svc = service();
    svc.spec.cluster_ip = "None".into();
    sim.apply(Command::Apply(svc.into())).unwrap();
    settle(&mut sim, 12);
    run_checked(&mut sim, 5_000);
    // ref §4.2: a headless Service answers with every ready endpoint; the trace's line names
    // the first ten records and counts the others.
    let last = sim
        .trace()
        .entries()
        .filter(|e| {
            e.what()
                .starts_with("DNS: web.default.svc.cluster.local now answers")
        })
        .last()
        .expect("a DNS line")
        .what()
        .into_owned();
    assert!(last.ends_with(" and 2 more"), "{last}");
    assert_eq!(last.matches(", ").count(), 9, "{last}");
}

#[test]
fn a_new_target_port_moves_every_endpoint_to_slices_of_that_port() {
    let mut sim = cluster_of(150);
    settle(&mut sim, 150);
    let mut svc = service();
    svc.spec.ports[0].target_port = Some(podlab::model::IntOrString::Int(9090));
    sim.apply(Command::Apply(svc.into())).unwrap();
    run_checked(&mut sim, 5_000);
    // ref §4.1: the slices list the pods' ports for the Service's port; none is lost.
    assert_eq!(endpoint_pods(&sim), ready_pods(&sim));
    let s = slices(&sim);
    assert!(s
        .iter()
        .all(|s| s.ports.len() == 1 && s.ports[0].port == 9090));
    assert_eq!(sizes(&sim).iter().sum::<usize>(), 150);
    assert!(sizes(&sim).iter().all(|&n| (1..=100).contains(&n)));
}

#[test]
fn a_slice_relabelled_by_hand_is_made_again_for_its_service() {
    let mut sim = cluster_of(150);
    settle(&mut sim, 150);
    let moved = slices(&sim)[0].metadata.name.to_string();
    sim.apply(Command::Label {
        kind: Kind::EndpointSlice,
        namespace: "default".into(),
        name: moved,
        key: "kubernetes.io/service-name".into(),
        value: Some("other".into()),
    })
    .unwrap();
    run_checked(&mut sim, 5_000);
    // The Service it left looks at every endpoint again and places the ones it lost.
    assert_eq!(endpoint_pods(&sim), ready_pods(&sim));
    assert_eq!(sizes(&sim).iter().sum::<usize>(), 150);
}
