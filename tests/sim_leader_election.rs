//! Leader election in the application (issue 14, the Singleton Service's in-application
//! locking): `podlab/leader-elector` runs client-go's algorithm against a Lease (ref §7.2) or
//! Camel's ConfigMap (ref §7.4). Each test cites the reference section it checks
//! (the behaviour reference the project works from, section 7).

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use podlab::manifest::parse;
use podlab::model::{ConfigMap, Event, Kind, Lease, Object, Pod};
use podlab::sim::invariants::run_until_checked;
use podlab::sim::{Command, DeleteOptions, LockBeliefOf, PodLogOptions, Sim, SimBuilder};

const LOCK: &str = "lease/default/my-lock";

/// A Deployment of `replicas` candidates for Lease `my-lock`, each with its pod's name as id.
fn electors(replicas: i32, extra_args: &str) -> Vec<Object> {
    let text = format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: elector
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: elector}}
  template:
    metadata:
      labels: {{app: elector}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: elector
        image: podlab/leader-elector:1.0
        args: [--lease-lock-name=my-lock, --id=$(POD_NAME){extra_args}]
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
"#
    );
    let r = parse(&text);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    r.objects
        .into_iter()
        .map(|m| m.object.into_object())
        .collect()
}

fn cluster(seed: u64, extra_args: &str) -> Sim {
    let mut sim = SimBuilder::new(seed).workers(3).build().unwrap();
    for o in electors(3, extra_args) {
        sim.apply(Command::Apply(o)).unwrap();
    }
    sim
}

fn leaders(sim: &Sim) -> Vec<LockBeliefOf> {
    sim.world().believed_leaders(LOCK)
}

fn lease(sim: &Sim) -> Lease {
    sim.cluster()
        .get::<Lease>("default", "my-lock")
        .cloned()
        .expect("the Lease exists")
}

fn holder(sim: &Sim) -> String {
    lease(sim).spec.holder_identity.unwrap_or_default()
}

fn logs(sim: &Sim, pod: &str) -> String {
    sim.pod_logs("default", pod, &PodLogOptions::default())
        .unwrap_or_default()
}

/// Runs until exactly one candidate believes it leads; returns its pod's name.
fn elected(sim: &mut Sim) -> String {
    assert!(
        run_until_checked(sim, |s| leaders(s).len() == 1, 60_000),
        "no leader (seed {})",
        sim.seed()
    );
    leaders(sim)[0].pod.clone()
}

fn delete_pod(sim: &mut Sim, pod: &str) {
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: pod.into(),
        options: DeleteOptions::default(),
    })
    .unwrap();
}

/// ref §7.1, §7.2: three candidates, one leader; the Lease names it, counts no transition
/// beyond the first, and carries the "became leader" Event; the others report it.
#[test]
fn three_candidates_elect_exactly_one_leader() {
    let mut sim = cluster(1, "");
    let leader = elected(&mut sim);
    sim.run_for(30_000);
    let l = leaders(&sim);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].pod, leader);
    let lease = lease(&sim);
    assert_eq!(lease.spec.holder_identity.as_deref(), Some(leader.as_str()));
    assert_eq!(lease.spec.lease_duration_seconds, Some(15));
    assert_eq!(lease.spec.lease_transitions, Some(0));
    assert!(lease.spec.acquire_time.is_some() && lease.spec.renew_time > lease.spec.acquire_time);
    let events: Vec<&Event> = sim
        .cluster()
        .list::<Event>()
        .filter(|e| e.involved_object.kind == "Lease")
        .collect();
    assert!(events
        .iter()
        .any(|e| e.reason == "LeaderElection" && e.message == format!("{leader} became leader")));
    assert!(logs(&sim, &leader).contains("successfully acquired lease default/my-lock"));
    let pods: Vec<String> = sim
        .cluster()
        .list::<Pod>()
        .map(|p| p.metadata.name.to_string())
        .collect();
    assert_eq!(pods.len(), 3);
    for p in pods.iter().filter(|p| **p != leader) {
        let text = logs(&sim, p);
        assert!(text.contains("attempting to acquire leader lease default/my-lock..."));
        assert!(
            text.contains(&format!("new leader elected: {leader}")),
            "{text}"
        );
        assert!(!text.contains("successfully acquired"));
    }
    // Every follower believes so too; only the leader's work reached the resource.
    let beliefs = sim.world().lock_beliefs();
    assert_eq!(beliefs.len(), 3);
    assert!(beliefs.iter().all(|b| b.belief.observed_holder == leader
        && b.belief.role()
            == if b.pod == leader {
                "leader"
            } else {
                "follower"
            }));
    let writes = sim.world().protected(LOCK).expect("work was done");
    assert!(writes.accepted >= 5);
    assert!(writes.writes.iter().all(|w| w.pod == leader));
}

/// ref §7.2: a candidate that stops (SIGTERM, no release) leaves the Lease held; another takes
/// it once the lease duration has passed since it last saw the record change.
#[test]
fn killing_the_leaders_pod_hands_over_after_the_lease_duration() {
    let mut sim = cluster(2, "");
    let old = elected(&mut sim);
    sim.run_for(10_000);
    let killed_at = sim.now();
    delete_pod(&mut sim, &old);
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s).iter().any(|b| b.pod != old),
        40_000
    ));
    let took = sim.now() - killed_at;
    assert!(
        (12_000..=22_000).contains(&took),
        "handed over after {took} ms"
    );
    let lease = lease(&sim);
    assert_ne!(lease.spec.holder_identity.as_deref(), Some(old.as_str()));
    assert_eq!(lease.spec.lease_transitions, Some(1));
}

/// ref §7.6, §7.2: a leader paused past the lease still believes it leads; another is elected
/// meanwhile, and after resume the old one goes on believing (and working) until its renew
/// deadline passes: the split-brain window is visible in the beliefs.
#[test]
fn a_paused_leader_resumes_into_a_split_brain_window() {
    let mut sim = cluster(3, "");
    let old = elected(&mut sim);
    sim.run_for(7_000);
    sim.apply(Command::PauseProcess {
        namespace: "default".into(),
        pod: old.clone(),
        duration_ms: Some(30_000),
    })
    .unwrap();
    let resume_at = sim.now() + 30_000;
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s).len() == 2,
        25_000
    ));
    let new = leaders(&sim)
        .into_iter()
        .find(|b| b.pod != old)
        .unwrap()
        .pod;
    assert_eq!(holder(&sim), new);
    sim.run_to(resume_at + 1_000);
    // Resumed: it still believes it leads, though the Lease names another.
    let both: Vec<String> = leaders(&sim).into_iter().map(|b| b.pod).collect();
    assert!(both.contains(&old) && both.contains(&new), "{both:?}");
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s).len() == 1,
        12_000
    ));
    assert!(
        sim.now() <= resume_at + 11_000,
        "window lasted past the renew deadline"
    );
    assert_eq!(leaders(&sim)[0].pod, new);
    let text = logs(&sim, &old);
    assert!(
        text.contains(&format!("new leader elected: {new}")),
        "{text}"
    );
    assert!(
        text.contains("failed to renew lease default/my-lock: timed out waiting for the condition")
    );
    assert!(text.contains(&format!("leader lost: {old}")));
    // Both did the work in the window: duplicates in the protected resource.
    let log = sim.world().protected(LOCK).unwrap();
    assert!(log
        .writes
        .iter()
        .any(|w| w.pod == old && w.time >= resume_at));
    assert!(log.overlapping_writes(5_000) >= 1);
    assert_eq!(log.refused, 0);
}

/// ref §7.6: with fencing, the resumed leader's write carries the old token and is refused.
#[test]
fn fencing_refuses_the_stale_leaders_write() {
    let mut sim = cluster(3, ", --fencing");
    let old = elected(&mut sim);
    sim.run_for(7_000);
    sim.apply(Command::PauseProcess {
        namespace: "default".into(),
        pod: old.clone(),
        duration_ms: Some(30_000),
    })
    .unwrap();
    sim.run_for(45_000);
    let log = sim.world().protected(LOCK).unwrap();
    assert!(log.refused >= 1);
    let refused: Vec<_> = log.writes.iter().filter(|w| !w.accepted).collect();
    assert!(refused.iter().all(|w| w.pod == old && w.token == Some(0)));
    assert_eq!(log.highest_token, Some(1));
    assert!(logs(&sim, &old).contains("write refused: fencing token 0 is stale"));
    // Nothing the stale leader wrote after the new one's first write got through.
    let first_new = log
        .writes
        .iter()
        .find(|w| w.token == Some(1))
        .map(|w| w.time)
        .unwrap();
    assert!(!log
        .writes
        .iter()
        .any(|w| w.accepted && w.pod == old && w.time > first_new));
}

/// ref §7.2: an update carrying a stale resourceVersion gets 409 with the API server's text;
/// the leader falls back to a GET and renews.
#[test]
fn a_concurrent_update_gets_409_and_the_leader_retries() {
    let mut sim = cluster(4, "");
    let leader = elected(&mut sim);
    sim.run_for(3_000);
    // Someone else writes the Lease (a label): the leader's cached resourceVersion is stale.
    sim.apply(Command::Label {
        kind: Kind::Lease,
        namespace: "default".into(),
        name: "my-lock".into(),
        key: "touched".into(),
        value: Some("yes".into()),
    })
    .unwrap();
    sim.run_for(5_000);
    let text = logs(&sim, &leader);
    assert!(text.contains("Failed to update lock optimistically: Operation cannot be fulfilled on leases.coordination.k8s.io \"my-lock\": the object has been modified; please apply your changes to the latest version and try again, falling back to slow path"), "{text}");
    assert!(sim
        .trace()
        .entries()
        .any(|e| e.what().contains("update of lease my-lock failed (409)")));
    assert_eq!(leaders(&sim).len(), 1);
    assert_eq!(holder(&sim), leader);
    assert_eq!(
        lease(&sim)
            .metadata
            .labels
            .get("touched")
            .map(String::as_str),
        Some("yes")
    );
}

/// ref §7.2 ReleaseOnCancel: on SIGTERM the leader clears the holder (duration 1 s), so the
/// next candidate takes over at its next retry instead of after the lease duration.
#[test]
fn release_on_cancel_hands_over_at_once() {
    let mut sim = cluster(5, ", --release-on-cancel");
    let old = elected(&mut sim);
    sim.run_for(10_000);
    let killed_at = sim.now();
    delete_pod(&mut sim, &old);
    // The kubelet sends SIGTERM once it sees the deletion; the leader releases at once.
    assert!(run_until_checked(&mut sim, |s| holder(s).is_empty(), 2_000));
    let released = lease(&sim);
    assert_eq!(released.spec.lease_duration_seconds, Some(1));
    assert_eq!(released.spec.lease_transitions, Some(0));
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s).iter().any(|b| b.pod != old),
        20_000
    ));
    let took = sim.now() - killed_at;
    assert!(took <= 4_400, "handed over after {took} ms");
}

/// The node of the leader and the pod of a follower on another node.
fn leader_node(sim: &Sim, leader: &str) -> String {
    sim.world()
        .processes_of_pod("default", leader)
        .next()
        .unwrap()
        .machine
        .to_string()
}

/// ref §7.2 "Clock skew": offsets are harmless (durations use the monotonic clock, the written
/// times show the offset), but a leader whose clock runs slow overstays its lease.
#[test]
fn clock_offset_is_harmless_but_a_slow_clock_splits_the_brain() {
    // Offsets of an hour either way, then the leader is cut off from the API server.
    let mut sim = cluster(6, "");
    let leader = elected(&mut sim);
    for (node, off) in [
        ("node-1", 3_600_000),
        ("node-2", -3_600_000),
        ("node-3", 90_000),
    ] {
        sim.apply(Command::SkewClock {
            node: node.into(),
            offset_ms: off,
        })
        .unwrap();
    }
    sim.run_for(5_000);
    sim.apply(Command::CutPod {
        namespace: "default".into(),
        pod: leader.clone(),
    })
    .unwrap();
    let mut most = 0;
    run_until_checked(
        &mut sim,
        |s| {
            most = most.max(leaders(s).len());
            false
        },
        60_000,
    );
    assert_eq!(most, 1, "an offset never gives two leaders");
    assert_ne!(leaders(&sim)[0].pod, leader);
    // renewTime is written on the writer's wall clock.
    let node = leader_node(&sim, &leaders(&sim)[0].pod);
    let skew = sim.world().machine(&node).unwrap().clock_skew_at(sim.now());
    assert_ne!(skew, 0);

    // The same, with the leader's clock at half speed: it renews by a deadline twice as long.
    let mut sim = cluster(6, "");
    let leader = elected(&mut sim);
    let node = leader_node(&sim, &leader);
    sim.apply(Command::SkewClockRate {
        node: node.clone(),
        rate_ppm: -500_000,
    })
    .unwrap();
    sim.run_for(10_000);
    sim.apply(Command::CutPod {
        namespace: "default".into(),
        pod: leader.clone(),
    })
    .unwrap();
    assert!(
        run_until_checked(&mut sim, |s| leaders(s).len() == 2, 40_000),
        "a slow clock gives two leaders"
    );
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s).len() == 1,
        20_000
    ));
    assert_ne!(leaders(&sim)[0].pod, leader);
    assert!(logs(&sim, &leader).contains("failed to renew lease"));
}

/// ref §7.2 (the node's view): a pod cut off from the API server keeps its Ready node; its
/// requests time out, and the leader steps down after its renew deadline (before the lease
/// expires for the others). Healing it makes it a follower.
#[test]
fn a_pod_cut_off_from_the_api_server_steps_down_before_the_lease_expires() {
    let mut sim = cluster(7, "");
    let leader = elected(&mut sim);
    sim.run_for(4_000);
    let cut_at = sim.now();
    sim.apply(Command::CutPod {
        namespace: "default".into(),
        pod: leader.clone(),
    })
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s).is_empty(),
        20_000
    ));
    assert!(sim.now() - cut_at <= 12_000);
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s).len() == 1,
        20_000
    ));
    let node = leader_node(&sim, &leader);
    let n = sim.cluster().get::<podlab::model::Node>("", &node).unwrap();
    assert_eq!(
        n.condition("Ready").map(|c| c.status.as_str()),
        Some("True")
    );
    sim.apply(Command::HealPod {
        namespace: "default".into(),
        pod: leader.clone(),
    })
    .unwrap();
    sim.run_for(20_000);
    assert_eq!(leaders(&sim).len(), 1);
    assert_ne!(leaders(&sim)[0].pod, leader);
    assert!(sim
        .apply(Command::HealPod {
            namespace: "default".into(),
            pod: leader,
        })
        .is_err());
}

/// ref §7.4: Camel's ConfigMap lock, taken with optimistic locking.
#[test]
fn the_camel_configmap_lock_names_the_leader_pod() {
    let mut sim = SimBuilder::new(8).workers(3).build().unwrap();
    for o in electors(3, ", --lock=configmap, --group=orders") {
        sim.apply(Command::Apply(o)).unwrap();
    }
    let key = "configmap/default/my-lock/orders";
    assert!(run_until_checked(
        &mut sim,
        |s| s.world().believed_leaders(key).len() == 1,
        60_000
    ));
    sim.run_for(20_000);
    let l = sim.world().believed_leaders(key);
    assert_eq!(l.len(), 1);
    let cm = sim
        .cluster()
        .get::<ConfigMap>("default", "my-lock")
        .unwrap();
    assert_eq!(cm.data.get("leader.pod.orders"), Some(&l[0].pod));
    assert!(cm.data.contains_key("leader.local.timestamp.orders"));
    assert_eq!(
        cm.metadata.labels.get("provider").map(String::as_str),
        Some("camel")
    );
    assert!(sim.cluster().get::<Lease>("default", "my-lock").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    })]

    /// ref §7.2: without pauses and clock rate skew, after every event at most one process
    /// believes it leads, whatever else happens (kills, partitions, crashes, cuts, offsets).
    #[test]
    fn at_most_one_leader_without_pauses_or_rate_skew(
        seed in 0u64..1_000,
        faults in proptest::collection::vec(0u8..6, 1..6),
        release in any::<bool>(),
    ) {
        let extra = if release { ", --release-on-cancel" } else { "" };
        let mut sim = cluster(seed, extra);
        let check = |sim: &mut Sim, ms: u64| {
            run_until_checked(sim, |s| {
                let n = leaders(s).len();
                assert!(n <= 1, "{n} leaders at t={}ms (seed {})", s.now(), s.seed());
                false
            }, ms);
        };
        check(&mut sim, 20_000);
        for (i, what) in faults.into_iter().enumerate() {
            let leader = leaders(&sim).first().map(|b| (b.pod.clone(), b.machine.clone()));
            let node = leader.as_ref().map_or("node-1".to_string(), |l| l.1.clone());
            let pod = leader.map_or(String::new(), |l| l.0);
            let cmd = match what {
                0 => Command::Partition { node },
                1 => Command::Heal { node: format!("node-{}", i % 3 + 1) },
                2 => Command::CrashNode { node },
                3 => Command::CutPod { namespace: "default".into(), pod },
                4 => Command::SkewClock { node, offset_ms: 1_800_000 * (i as i64 - 2) },
                _ => Command::Delete {
                    kind: Kind::Pod,
                    namespace: "default".into(),
                    name: pod,
                    options: DeleteOptions::default(),
                },
            };
            let _ = sim.apply(cmd);
            check(&mut sim, 25_000);
        }
    }
}
