//! Events as client-go's event recorder sends them (`tools/record/events_cache.go`): the
//! aggregator combines the 10th distinct message of similar Events, the spam filter lets a
//! source send 25 Events about an object and then one per 5 minutes, and the logger counts
//! every repeat, dropped or not.

use podlab::console::Console;
use podlab::model::{Container, Event, Kind, ObjectRef, Pod};
use podlab::sim::examples::replicaset;
use podlab::sim::{Command, Sim, SimBuilder};

fn created(sim: &Sim) -> Vec<Event> {
    sim.cluster()
        .events_for(&ObjectRef::new(Kind::ReplicaSet, "default", "web"))
        .into_iter()
        .filter(|e| e.reason == "SuccessfulCreate")
        .cloned()
        .collect()
}

fn scale(sim: &mut Sim, replicas: i32) {
    sim.apply(Command::scale(Kind::ReplicaSet, "web", replicas))
        .unwrap();
}

#[test]
fn a_replicaset_of_thirty_keeps_nine_created_events_and_one_combined() {
    let mut sim = SimBuilder::new(5).workers(3).build().unwrap();
    let rs = replicaset("web", 30, Container::new("web", "nginx:1.27"));
    sim.apply(Command::Apply(rs.into())).unwrap();
    sim.run_for(60_000);
    let events = created(&sim);
    assert_eq!(events.len(), 10, "{events:#?}");
    let (single, combined): (Vec<_>, Vec<_>) = events
        .iter()
        .partition(|e| !e.message.starts_with("(combined from similar events): "));
    assert_eq!(single.len(), 9);
    assert!(single
        .iter()
        .all(|e| e.count == 1 && e.message.starts_with("Created pod: web-")));
    // 25 writes get through the spam filter: the nine, then the combined Event 16 times. The
    // other five creates are counted but not sent.
    let combined = combined[0];
    assert_eq!(combined.count, 16);
    assert!(
        combined
            .message
            .starts_with("(combined from similar events): Created pod: web-"),
        "{}",
        combined.message
    );
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl describe rs web");
    assert!(out.ok, "{}", out.text);
    assert_eq!(
        out.text.matches("  Created pod: web-").count(),
        9,
        "{}",
        out.text
    );
    // kubectl's AGE column: the combined Event's last time, its count and its first time.
    assert!(
        out.text.contains(
            "59s (x16 over 59s)  replicaset-controller  (combined from similar events): Created pod: web-"
        ),
        "{}",
        out.text
    );

    // Five minutes later the bucket has a token again: the next create reaches the API
    // server, and its count includes the five that were dropped.
    sim.run_for(300_000);
    scale(&mut sim, 31);
    sim.run_for(10_000);
    let events = created(&sim);
    assert_eq!(events.len(), 10);
    let combined = events
        .iter()
        .find(|e| e.message.starts_with("(combined"))
        .unwrap();
    assert_eq!(combined.count, 22, "16 sent, 5 dropped, and this one");
}

/// One node and a bare pod `solo`, not applied yet.
fn one_node_and_a_pod() -> (Sim, podlab::model::Pod) {
    let sim = SimBuilder::new(3).workers(1).build().unwrap();
    let pod = podlab::sim::examples::pod(
        "solo",
        &[("app", "solo")],
        Container::new("c", "nginx:1.27"),
    );
    (sim, pod)
}

/// The stored `Started` Events about a pod named `solo`, whichever its uid: each one's count
/// and its object's uid.
fn started(sim: &Sim) -> Vec<(i32, String)> {
    sim.cluster()
        .list::<Event>()
        .filter(|e| e.involved_object.name == "solo" && e.reason == "Started")
        .map(|e| (e.count, e.involved_object.uid.to_string()))
        .collect()
}

#[test]
fn a_recreated_pod_of_the_same_name_gets_new_events() {
    // The recorder keys Events by the object's uid too: a StatefulSet's web-0 made again is a
    // new object, so its kubelet Events start at count 1.
    let (mut sim, pod) = one_node_and_a_pod();
    sim.apply(Command::Apply(pod.clone().into())).unwrap();
    sim.run_for(30_000);
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl delete pod solo --grace-period=0 --force");
    assert!(out.ok, "{}", out.text);
    sim.run_for(5_000);
    sim.apply(Command::Apply(pod.into())).unwrap();
    sim.run_for(30_000);
    let started = started(&sim);
    assert_eq!(started.len(), 2, "{started:?}");
    assert!(started.iter().all(|(count, _)| *count == 1));
    assert_ne!(started[0].1, started[1].1);
    // kubectl describe selects Events on involvedObject.uid as well (`searchEvents`): the new
    // pod shows only its own.
    let uid = sim
        .cluster()
        .get::<Pod>("default", "solo")
        .unwrap()
        .metadata
        .uid
        .clone();
    let shown = sim
        .cluster()
        .events_for(&ObjectRef::new(Kind::Pod, "default", "solo"));
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|e| e.involved_object.uid == uid),
        "{shown:?}"
    );
    let described = console.run(&mut sim, "kubectl describe pod solo").text;
    assert_eq!(
        described.matches("  Normal  Started").count(),
        1,
        "{described}"
    );
}

#[test]
fn a_rebooted_nodes_kubelet_opens_new_events() {
    // The kubelet that starts after a reboot has an empty event cache: the pod's containers
    // start again and their Events are new ones, not a count on those before the reboot.
    let (mut sim, pod) = one_node_and_a_pod();
    sim.apply(Command::Apply(pod.into())).unwrap();
    sim.run_for(30_000);
    let console = Console::new();
    let out = console.run(&mut sim, "lab restart node-1");
    assert!(out.ok, "{}", out.text);
    sim.run_for(60_000);
    let started = started(&sim);
    assert_eq!(started.len(), 2, "{started:?}");
    assert!(started.iter().all(|(count, _)| *count == 1), "{started:?}");
}

/// Issue 16: a pod's Events are stored once per part they share. The scheduler's Event and the
/// kubelet's three Events of a started container name one object (one `involvedObject`), the
/// kubelet's say the same message as every other pod's (one copy of the text) and the node
/// (the kubelet's own name), and the reference's uid is the pod's own copy; each reads as a
/// whole Event.
#[test]
fn a_pods_kubelet_events_share_their_object_and_repeated_messages() {
    use podlab::model::Shared;
    let mut sim = SimBuilder::new(5).workers(1).build().unwrap();
    let rs = replicaset("web", 2, Container::new("web", "nginx:1.27"));
    sim.apply(Command::Apply(rs.into())).unwrap();
    sim.run_for(30_000);
    let pods: Vec<_> = sim
        .cluster()
        .list::<podlab::model::Pod>()
        .map(|p| p.metadata.name.to_string())
        .collect();
    assert_eq!(pods.len(), 2);
    let kubelet_events = |pod: &str| -> Vec<Event> {
        sim.cluster()
            .events_for(&ObjectRef::new(Kind::Pod, "default", pod))
            .into_iter()
            .filter(|e| e.source.component == "kubelet")
            .cloned()
            .collect()
    };
    let (a, b) = (kubelet_events(&pods[0]), kubelet_events(&pods[1]));
    let reasons = |es: &[Event]| es.iter().map(|e| e.reason.to_string()).collect::<Vec<_>>();
    assert_eq!(reasons(&a), ["Pulled", "Created", "Started"]);
    assert_eq!(reasons(&b), reasons(&a));
    for es in [&a, &b] {
        assert!(es
            .iter()
            .all(|e| Shared::ptr_eq(&e.involved_object, &es[0].involved_object)));
        assert!(es.iter().all(|e| e.source.host == "node-1"));
    }
    // The scheduler's Event, recorded before the kubelet's, shares its copy with them too.
    let scheduled = sim
        .cluster()
        .events_for(&ObjectRef::new(Kind::Pod, "default", &pods[0]))
        .into_iter()
        .find(|e| e.reason == "Scheduled")
        .cloned()
        .unwrap();
    assert!(Shared::ptr_eq(
        &scheduled.involved_object,
        &a[0].involved_object
    ));
    // The reference's uid is the pod's own copy, as is its process's.
    let pod = sim
        .cluster()
        .get::<podlab::model::Pod>("default", &pods[0])
        .unwrap();
    assert!(std::ptr::eq(
        a[0].involved_object.uid.as_ptr(),
        pod.metadata.uid.as_ptr()
    ));
    let process = sim
        .world()
        .processes()
        .find(|p| p.pod_name == pods[0])
        .unwrap();
    assert!(std::ptr::eq(
        process.pod_uid.as_ptr(),
        pod.metadata.uid.as_ptr()
    ));
    assert_eq!(a[0].involved_object.name, pods[0]);
    assert_eq!(a[0].involved_object.kind, "Pod");
    assert!(!Shared::ptr_eq(
        &a[0].involved_object,
        &b[0].involved_object
    ));
    // Reasons, types and sources are one copy for every Event, as are the pods' conditions'.
    for (x, y) in a.iter().zip(&b) {
        assert!(std::ptr::eq(x.reason.as_ptr(), y.reason.as_ptr()));
        assert!(std::ptr::eq(x.type_.as_ptr(), y.type_.as_ptr()));
        assert!(std::ptr::eq(
            x.source.component.as_ptr(),
            y.source.component.as_ptr()
        ));
    }
    let conditions = |name: &str| {
        sim.cluster()
            .get::<podlab::model::Pod>("default", name)
            .unwrap()
            .status
            .conditions
            .clone()
    };
    let (ca, cb) = (conditions(&pods[0]), conditions(&pods[1]));
    assert!(!ca.is_empty());
    for (x, y) in ca.iter().zip(&cb) {
        assert_eq!(x.type_, y.type_);
        assert!(std::ptr::eq(x.type_.as_ptr(), y.type_.as_ptr()));
        assert!(std::ptr::eq(x.status.as_ptr(), y.status.as_ptr()));
    }
    assert_eq!(&*a[2].message, "Started container web");
    // One copy of a text both pods' Events say.
    assert!(std::ptr::eq(a[2].message.as_ptr(), b[2].message.as_ptr()));
}

/// The reasons of the Events `kubectl describe pod solo` lists, in its order.
fn solo_reasons(sim: &Sim) -> Vec<String> {
    sim.cluster()
        .events_for(&ObjectRef::new(Kind::Pod, "default", "solo"))
        .iter()
        .map(|e| e.reason.to_string())
        .collect()
}

/// kube-apiserver's `--event-ttl` (1 h): etcd deletes an Event an hour after its last write.
/// The lab looks once a minute, so an Event goes between 60 and 61 minutes after; one written
/// again later (its count bumped) stays an hour from then.
#[test]
fn events_are_deleted_an_hour_after_their_last_write() {
    let (mut sim, pod) = one_node_and_a_pod();
    sim.apply(Command::Apply(pod.into())).unwrap();
    sim.run_for(30_000);
    assert_eq!(
        solo_reasons(&sim),
        ["Scheduled", "Pulled", "Created", "Started"]
    );
    // At 50 minutes the container is killed and started again: its Pulled, Created and
    // Started Events count up, so their hour starts again.
    sim.run_for(50 * 60_000 - 30_000);
    let console = Console::new();
    let out = console.run(&mut sim, "lab kill solo");
    assert!(out.ok, "{}", out.text);
    sim.run_for(60_000);
    let before = console.run(&mut sim, "kubectl get events").text;
    assert!(before.contains("Started"), "{before}");
    sim.run_for(9 * 60_000 - 1_000);
    // The restart added a BackOff Event; Scheduled was written once, at the start.
    let written_once = |sim: &Sim| solo_reasons(sim).contains(&"Scheduled".to_string());
    assert!(written_once(&sim), "still there just before the hour");
    sim.run_for(62_000);
    assert!(!written_once(&sim), "{:?}", solo_reasons(&sim));
    assert!(
        solo_reasons(&sim).contains(&"Started".to_string()),
        "{:?}",
        solo_reasons(&sim)
    );
    sim.run_for(50 * 60_000);
    assert!(solo_reasons(&sim).is_empty(), "{:?}", solo_reasons(&sim));
    let deleted: Vec<String> = sim
        .trace()
        .entries()
        .filter(|e| e.what().starts_with("deleted event solo."))
        .map(|e| e.to_string())
        .collect();
    assert_eq!(deleted.len(), 5, "{deleted:?}");
    assert!(
        deleted[0].contains("kube-apiserver: deleted event solo.")
            && deleted[0].ends_with("(an hour after its last write (--event-ttl))"),
        "{}",
        deleted[0]
    );
    let after = console.run(&mut sim, "kubectl get events").text;
    assert!(!after.contains("solo"), "{after}");
}

/// Any write restarts an Event's hour, a learner's too: etcd's lease is attached again at each
/// write (`--event-ttl`), so a labelled Event outlives those written with it.
#[test]
fn a_learners_write_to_an_event_starts_its_hour_again() {
    let (mut sim, pod) = one_node_and_a_pod();
    sim.apply(Command::Apply(pod.into())).unwrap();
    sim.run_for(50 * 60_000);
    let scheduled = sim
        .cluster()
        .list::<Event>()
        .find(|e| e.reason == "Scheduled")
        .unwrap()
        .metadata
        .name
        .to_string();
    let console = Console::new();
    let out = console.run(
        &mut sim,
        &format!("kubectl label event {scheduled} seen=yes"),
    );
    assert!(out.ok, "{}", out.text);
    sim.run_for(11 * 60_000);
    assert_eq!(solo_reasons(&sim), ["Scheduled"]);
    sim.run_for(50 * 60_000);
    assert!(solo_reasons(&sim).is_empty(), "{:?}", solo_reasons(&sim));
}
