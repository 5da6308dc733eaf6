//! The book's Stateless Service example (ref §1, §4, §5): a ReplicaSet of 3 writing logs to a
//! PV through a claim, behind a ClusterIP Service.

use podlab::model::{
    EndpointSlice, Kind, ObjectRef, PersistentVolume, PersistentVolumeClaim, Pod, ReplicaSet,
    Service,
};
use podlab::sim::examples::{
    stateless_pv, stateless_pvc, stateless_replicaset_with_pv, stateless_service,
};
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{dns, Command, DeleteOptions, Outcome, Sim, SimBuilder};

fn ready_pods(sim: &Sim) -> usize {
    sim.cluster().list::<Pod>().filter(|p| p.is_ready()).count()
}

fn setup() -> Sim {
    let mut sim = SimBuilder::new(11).workers(3).build().unwrap();
    for o in [
        stateless_pv().into(),
        stateless_pvc().into(),
        stateless_replicaset_with_pv().into(),
        stateless_service().into(),
    ] {
        sim.apply(Command::Apply(o)).unwrap();
    }
    sim
}

#[test]
fn replicaset_of_three_serves_through_the_service_and_logs_to_the_volume() {
    let mut sim = setup();
    assert!(run_until_checked(&mut sim, |s| ready_pods(s) == 3, 60_000));
    run_checked(&mut sim, 5_000);

    // ref §5.2: the pre-bound claim binds to PV `example`.
    let pvc = sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "random-generator-log")
        .unwrap();
    assert_eq!(pvc.status.phase, "Bound");
    assert_eq!(pvc.spec.volume_name, "example");
    assert!(pvc
        .metadata
        .finalizers
        .contains(&"kubernetes.io/pvc-protection".to_string()));
    let pv = sim
        .cluster()
        .get::<PersistentVolume>("", "example")
        .unwrap();
    assert_eq!(pv.status.phase, "Bound");
    assert_eq!(
        pv.spec.claim_ref.as_ref().unwrap().name,
        "random-generator-log"
    );

    // ref §1.2: generateName suffixes from the 27-character alphabet.
    let names: Vec<String> = sim
        .cluster()
        .list::<Pod>()
        .map(|p| p.metadata.name.to_string())
        .collect();
    for n in &names {
        let suffix = n.strip_prefix("random-generator-").unwrap();
        assert_eq!(suffix.len(), 5);
        assert!(
            suffix
                .chars()
                .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)),
            "{n}"
        );
    }
    let rs = sim
        .cluster()
        .get::<ReplicaSet>("default", "random-generator")
        .unwrap();
    assert_eq!(
        (
            rs.status.replicas,
            rs.status.ready_replicas,
            rs.status.available_replicas
        ),
        (3, 3, 3)
    );
    let evs = sim.cluster().events_for(&ObjectRef::new(
        Kind::ReplicaSet,
        "default",
        "random-generator",
    ));
    assert_eq!(
        evs.iter()
            .filter(|e| e.reason == "SuccessfulCreate"
                && e.message.starts_with("Created pod: random-generator-"))
            .count(),
        3
    );

    // ref §4.1/§4.2: a VIP, an EndpointSlice with 3 ready endpoints, the A record.
    let svc = sim
        .cluster()
        .get::<Service>("default", "random-generator")
        .unwrap()
        .clone();
    assert!(svc.spec.cluster_ip.starts_with("10.96."));
    let slice = sim.cluster().list::<EndpointSlice>().next().unwrap();
    assert_eq!(
        slice
            .endpoints
            .iter()
            .filter(|e| e.conditions.ready)
            .count(),
        3
    );
    match dns::resolve(
        sim.cluster(),
        "random-generator.default.svc.cluster.local",
        dns::QueryType::A,
        "cluster.local",
    ) {
        dns::Answer::Records { answer, .. } => assert_eq!(
            answer[0].data,
            dns::RecordData::A(svc.spec.cluster_ip.clone())
        ),
        other => panic!("{other:?}"),
    }

    // The curl loop: requests land on different replicas, chosen by the seeded RNG.
    let mut ids = podlab::sorted::SortedSet::new();
    for _ in 0..30 {
        let out = sim
            .apply(Command::Request {
                namespace: "default".into(),
                service: "random-generator".into(),
            })
            .unwrap();
        let Outcome::Response(r) = out else { panic!() };
        assert!(r.ok, "{}", r.body);
        assert!(r.body.contains("\"random\":"));
        ids.insert(r.process_id.unwrap());
    }
    assert_eq!(ids.len(), 3, "all three replicas answered");

    // Each answer was appended to the volume, one file per pod (LOG_FILE with POD_ID). The PV is
    // a hostPath, so each node has its own directory: three pods on three nodes write three
    // places, which is why the book says the example works only on a one-node cluster.
    let dirs: Vec<(&str, &[podlab::sim::VolumeLine])> = sim
        .world()
        .volumes()
        .filter(|(k, _)| k.starts_with("hostpath/") && k.ends_with("/tmp/example"))
        .collect();
    assert_eq!(dirs.len(), 3, "one directory per node");
    for (k, _) in &dirs {
        assert_eq!(sim.world().volume_writers(k).len(), 1, "{k}");
    }
    let lines: Vec<&podlab::sim::VolumeLine> = dirs.iter().flat_map(|(_, l)| l.iter()).collect();
    assert_eq!(lines.len(), 30);
    let files: podlab::sorted::SortedSet<&str> = lines.iter().map(|l| l.file.as_str()).collect();
    assert_eq!(files.len(), 3);
    assert!(files
        .iter()
        .all(|f| f.starts_with("random-") && f.ends_with(".log")));
}

#[test]
fn deleting_a_pod_gets_a_replacement_at_once_and_endpoints_drop_it() {
    // ref §1.1: a Terminating pod stops counting; the replacement comes before the old one is gone.
    let mut sim = setup();
    assert!(run_until_checked(&mut sim, |s| ready_pods(s) == 3, 60_000));
    let victim = sim
        .cluster()
        .list::<Pod>()
        .next()
        .unwrap()
        .metadata
        .name
        .clone();
    let out = sim
        .apply(Command::Delete {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: victim.to_string(),
            options: DeleteOptions::default(),
        })
        .unwrap();
    assert!(matches!(
        out,
        Outcome::Deleted {
            immediately: false,
            ..
        }
    ));
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().list::<Pod>().count() == 4,
        1_000
    ));
    let old = sim.cluster().get::<Pod>("default", &victim).unwrap();
    assert_eq!(old.display_status(), "Terminating");
    // ref §4.1: a terminating endpoint is never ready.
    run_checked(&mut sim, 200);
    let slice = sim.cluster().list::<EndpointSlice>().next().unwrap();
    let ep = slice
        .endpoints
        .iter()
        .find(|e| e.target_ref.as_ref().unwrap().name == victim);
    if let Some(ep) = ep {
        assert!(ep.conditions.terminating && !ep.conditions.ready);
    }
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().get::<Pod>("default", &victim).is_none(),
        35_000
    ));
    assert!(run_until_checked(&mut sim, |s| ready_pods(s) == 3, 30_000));
}

#[test]
fn scaling_down_deletes_unready_pods_first() {
    // ref §1.3 rule 3: not-ready before ready.
    let mut sim = setup();
    assert!(run_until_checked(&mut sim, |s| ready_pods(s) == 3, 60_000));
    // Scale up, then down while the new pod is still ContainerCreating (not ready).
    sim.apply(Command::scale(Kind::ReplicaSet, "random-generator", 4))
        .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().list::<Pod>().count() == 4,
        1_000
    ));
    let newest = sim
        .cluster()
        .list::<Pod>()
        .find(|p| !p.is_ready())
        .unwrap()
        .metadata
        .name
        .clone();
    sim.apply(Command::scale(Kind::ReplicaSet, "random-generator", 3))
        .unwrap();
    run_checked(&mut sim, 500);
    let p = sim.cluster().get::<Pod>("default", &newest);
    assert!(
        p.is_none_or(|p| p.metadata.deletion_timestamp.is_some()),
        "the not-ready pod went first"
    );
    assert_eq!(
        sim.cluster()
            .list::<Pod>()
            .filter(|p| p.is_active())
            .count(),
        3
    );
}
