//! In-application locks on services outside Kubernetes (issue 14): Dapr's distributed lock
//! (`podlab/dapr-lock-client`, ref §7.3) and a ZooKeeper election (`podlab/zk-lock-client`,
//! ref §7.5), with fencing tokens (ref §7.6). Each test cites the section of the behaviour
//! reference (section 7) it checks.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use podlab::manifest::parse;
use podlab::model::Object;
use podlab::sim::invariants::run_until_checked;
use podlab::sim::{
    Command, DeleteOptions, LockBeliefOf, PodLogOptions, Sim, SimBuilder, BELIEVES_PREFIX,
};

const DAPR: &str = "dapr/lockstore/report";
const ZK: &str = "zookeeper/election";

fn workers(image: &str, args: &str) -> Vec<Object> {
    let text = format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 3
  selector:
    matchLabels: {{app: worker}}
  template:
    metadata:
      labels: {{app: worker}}
    spec:
      terminationGracePeriodSeconds: 5
      containers:
      - name: worker
        image: {image}
        args: [{args}]
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

fn dapr(seed: u64) -> Sim {
    cluster(
        seed,
        "podlab/dapr-lock-client",
        "--resource-id=report, --lock-owner=$(POD_NAME)",
    )
}

fn zk(seed: u64) -> Sim {
    cluster(
        seed,
        "podlab/zk-lock-client",
        "--id=$(POD_NAME), --fencing, --session-timeout=10s",
    )
}

fn cluster(seed: u64, image: &str, args: &str) -> Sim {
    let mut sim = SimBuilder::new(seed).workers(3).build().unwrap();
    for o in workers(image, args) {
        sim.apply(Command::Apply(o)).unwrap();
    }
    sim
}

fn leaders(sim: &Sim, lock: &str) -> Vec<LockBeliefOf> {
    sim.world().believed_leaders(lock)
}

fn logs(sim: &Sim, pod: &str) -> String {
    sim.pod_logs("default", pod, &PodLogOptions::default())
        .unwrap_or_default()
}

fn elected(sim: &mut Sim, lock: &str) -> LockBeliefOf {
    assert!(
        run_until_checked(sim, |s| leaders(s, lock).len() == 1, 60_000),
        "no leader (seed {})",
        sim.seed()
    );
    leaders(sim, lock)[0].clone()
}

fn pause(sim: &mut Sim, pod: &str) {
    sim.apply(Command::PauseProcess {
        namespace: "default".into(),
        pod: pod.into(),
        duration_ms: None,
    })
    .unwrap();
}

fn resume(sim: &mut Sim, pod: &str) {
    sim.apply(Command::ResumeProcess {
        namespace: "default".into(),
        pod: pod.into(),
    })
    .unwrap();
}

fn delete_pod(sim: &mut Sim, pod: &str) {
    sim.apply(Command::Delete {
        kind: podlab::model::Kind::Pod,
        namespace: "default".into(),
        name: pod.into(),
        options: DeleteOptions::default(),
    })
    .unwrap();
}

/// ref §7.3: one owner holds the lock and the store names it; the others' TryLock answers
/// false. The holder keeps it past its TTL by unlocking and locking again.
#[test]
fn dapr_one_owner_holds_the_lock_and_keeps_it() {
    let mut sim = dapr(1);
    let l = elected(&mut sim, DAPR);
    sim.run_for(60_000);
    assert_eq!(leaders(&sim, DAPR)[0].pod, l.pod, "the holder keeps it");
    let locks: Vec<_> = sim.world().lock_stores().dapr_locks().collect();
    assert_eq!(locks.len(), 1);
    assert_eq!(
        (locks[0].store.as_str(), locks[0].resource.as_str()),
        ("lockstore", "report")
    );
    assert_eq!(locks[0].owner, l.pod);
    assert!(locks[0].expires_at > sim.now() && locks[0].expires_at <= sim.now() + 15_000);
    assert!(logs(&sim, &l.pod).contains(&format!(
        "acquired lock report on store lockstore as {} (expires in 15s)",
        l.pod
    )));
    let others: Vec<_> = sim
        .world()
        .lock_beliefs()
        .into_iter()
        .filter(|b| b.pod != l.pod)
        .collect();
    assert_eq!(others.len(), 2);
    for o in others {
        assert!(logs(&sim, &o.pod).contains("lock report is held by another owner"));
        assert!(!o.belief.leading);
    }
    // No token: the work is never fenced.
    let w = sim.world().protected(DAPR).unwrap();
    assert!(w.accepted >= 10 && w.refused == 0 && w.highest_token.is_none());
}

/// ref §7.3: a paused holder's lock expires by its TTL and another owner gets it; until the
/// paused one resumes and looks at its own clock, both believe they hold it.
#[test]
fn dapr_a_paused_holder_loses_the_lock_by_its_ttl() {
    let mut sim = dapr(2);
    let l = elected(&mut sim, DAPR);
    pause(&mut sim, &l.pod);
    sim.run_for(30_000);
    let now: Vec<String> = leaders(&sim, DAPR).into_iter().map(|b| b.pod).collect();
    assert_eq!(now.len(), 2, "a split brain: {now:?}");
    assert!(now.contains(&l.pod));
    resume(&mut sim, &l.pod);
    sim.run_for(1_000);
    let now = leaders(&sim, DAPR);
    assert_eq!(now.len(), 1);
    assert_ne!(now[0].pod, l.pod);
    assert!(logs(&sim, &l.pod).contains("lost lock report: its lease ran out"));
}

/// ref §7.3: Unlock on shutdown answers SUCCESS and the next owner takes the lock at its next
/// try, long before the TTL.
#[test]
fn dapr_unlock_on_shutdown_hands_over_at_once() {
    let mut sim = dapr(3);
    let l = elected(&mut sim, DAPR);
    let t0 = sim.now();
    delete_pod(&mut sim, &l.pod);
    assert!(run_until_checked(
        &mut sim,
        |s| logs(s, &l.pod).contains("unlock report: SUCCESS"),
        5_000
    ));
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s, DAPR).iter().any(|b| b.pod != l.pod),
        10_000
    ));
    assert!(sim.now() - t0 < 5_000, "took {}ms", sim.now() - t0);
}

/// ref §7.5: the lowest ephemeral sequential node leads; the others watch their predecessor;
/// closing the leader's session deletes its node and the next one leads.
#[test]
fn zookeeper_lowest_node_leads_and_the_next_takes_over() {
    let mut sim = zk(4);
    let l = elected(&mut sim, ZK);
    sim.run_for(20_000);
    let e = &sim.world().lock_stores().zk;
    assert_eq!(e.sessions.len(), 3);
    let nodes: Vec<_> = e.znodes.iter().collect();
    assert_eq!(nodes.len(), 3);
    assert_eq!(nodes[0].path, "/election/lock-0000000000");
    assert_eq!(nodes[0].data, l.pod);
    assert_eq!(l.belief.token, Some(0));
    assert!(l.belief.detail.contains("CONNECTED"), "{}", l.belief.detail);
    let second = nodes[1].data.clone();
    assert!(logs(&sim, &second).contains("watching /election/lock-0000000000"));
    let third = nodes[2].data.clone();
    assert!(logs(&sim, &third).contains("watching /election/lock-0000000001"));
    delete_pod(&mut sim, &l.pod);
    assert!(run_until_checked(
        &mut sim,
        |s| leaders(s, ZK).iter().any(|b| b.pod == second),
        2_000
    ));
    assert!(logs(&sim, &second)
        .contains("/election/lock-0000000001 is the lowest node: leading (token 1)"));
    assert!(sim
        .trace()
        .entries()
        .any(|e| e.what().starts_with("closed session 0x1000000000000")));
}

/// ref §7.5, §7.6: a paused leader's session expires after its timeout and the next leads;
/// on resume its due work runs before it hears it lost, and the token refuses it.
#[test]
fn zookeeper_a_paused_leader_is_fenced() {
    let mut sim = zk(5);
    let l = elected(&mut sim, ZK);
    pause(&mut sim, &l.pod);
    sim.run_for(30_000);
    assert_eq!(leaders(&sim, ZK).len(), 2);
    let expired = sim
        .trace()
        .entries()
        .find(|e| e.what().starts_with("expired session"))
        .cloned()
        .expect("the ensemble expired the session");
    assert!(
        expired.why.contains("deleted /election/lock-0000000000"),
        "{}",
        expired.why
    );
    resume(&mut sim, &l.pod);
    sim.run_for(1_000);
    assert_eq!(leaders(&sim, ZK).len(), 1);
    let w = sim.world().protected(ZK).unwrap();
    assert!(w.refused >= 1, "{w:?}");
    assert!(w.writes.iter().any(|x| !x.accepted && x.token == Some(0)));
    let text = logs(&sim, &l.pod);
    assert!(
        text.contains("write refused: fencing token 0 is stale"),
        "{text}"
    );
    assert!(text.contains("has expired"));
}

/// ref §7.5: a leader cut off from the ensemble learns it only from its own timer: after two
/// thirds of the session timeout it is SUSPENDED and stops; the ensemble expires the session
/// later, so the two never overlap.
#[test]
fn zookeeper_a_cut_off_leader_suspends_before_its_session_expires() {
    let mut sim = zk(6);
    let l = elected(&mut sim, ZK);
    sim.apply(Command::CutPod {
        namespace: "default".into(),
        pod: l.pod.clone(),
    })
    .unwrap();
    let mut stopped = None;
    let mut next = None;
    run_until_checked(
        &mut sim,
        |s| {
            let now = leaders(s, ZK);
            assert!(now.len() <= 1, "{now:?}");
            if stopped.is_none() && !now.iter().any(|b| b.pod == l.pod) {
                stopped = Some(s.now());
            }
            if next.is_none() && now.iter().any(|b| b.pod != l.pod) {
                next = Some(s.now());
            }
            false
        },
        30_000,
    );
    let (stopped, next) = (stopped.unwrap(), next.unwrap());
    assert!(stopped < next, "stopped at {stopped}, next at {next}");
    assert!(next - stopped >= 3_000, "{stopped} {next}");
    assert!(logs(&sim, &l.pod).contains("connection state changed: SUSPENDED"));
}

/// ref §7.2 "Clock skew", §7.5: the client's read timeout runs on its own clock. One that runs
/// at half speed, cut off, calls itself disconnected only after the ensemble has expired its
/// session and the next leads: two leaders at once, for a while.
#[test]
fn zookeeper_a_slow_clock_overlaps_the_next_leader() {
    let mut sim = zk(8);
    let l = elected(&mut sim, ZK);
    sim.apply(Command::SkewClockRate {
        node: l.machine.clone(),
        rate_ppm: -500_000,
    })
    .unwrap();
    sim.apply(Command::CutPod {
        namespace: "default".into(),
        pod: l.pod.clone(),
    })
    .unwrap();
    let mut most = 0;
    run_until_checked(
        &mut sim,
        |s| {
            most = most.max(leaders(s, ZK).len());
            false
        },
        30_000,
    );
    assert_eq!(most, 2, "a split brain");
    assert_eq!(leaders(&sim, ZK).len(), 1);
    assert!(leaders(&sim, ZK)[0].pod != l.pod);
}

/// The runtime traces each belief change (what the Locks panel's timeline reads back).
#[test]
fn belief_changes_are_in_the_trace() {
    let mut sim = zk(7);
    let l = elected(&mut sim, ZK);
    let e = sim
        .trace()
        .entries()
        .find(|e| e.what().starts_with(BELIEVES_PREFIX))
        .cloned()
        .unwrap();
    assert_eq!(&*e.what(), "believes it leads zookeeper/election (token 0)");
    assert_eq!(e.object.unwrap().name, l.pod);
}

fn kinds() -> impl Strategy<Value = bool> {
    any::<bool>()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 16,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..ProptestConfig::default()
    })]

    /// ref §7.3, §7.5: without pauses and clock rate skew, after every event at most one
    /// process believes it holds the Dapr lock or leads the ZooKeeper election, whatever else
    /// happens (kills, partitions, crashes, cuts, offsets).
    #[test]
    fn at_most_one_holder_without_pauses_or_rate_skew(
        seed in 0u64..1_000,
        zookeeper in kinds(),
        faults in proptest::collection::vec(0u8..7, 1..6),
    ) {
        let (mut sim, lock) = if zookeeper { (zk(seed), ZK) } else { (dapr(seed), DAPR) };
        let check = |sim: &mut Sim, ms: u64| {
            run_until_checked(sim, |s| {
                let n = leaders(s, lock).len();
                assert!(n <= 1, "{n} holders at t={}ms (seed {})", s.now(), s.seed());
                false
            }, ms);
        };
        check(&mut sim, 20_000);
        for (i, what) in faults.into_iter().enumerate() {
            let leader = leaders(&sim, lock).first().map(|b| (b.pod.clone(), b.machine.clone()));
            let node = leader.as_ref().map_or("node-1".to_string(), |l| l.1.clone());
            let pod = leader.map_or(String::new(), |l| l.0);
            let cmd = match what {
                0 => Command::Partition { node },
                1 => Command::Heal { node: format!("node-{}", i % 3 + 1) },
                2 => Command::CrashNode { node },
                3 => Command::CutPod { namespace: "default".into(), pod },
                4 => Command::HealPod { namespace: "default".into(), pod },
                5 => Command::SkewClock { node, offset_ms: 1_800_000 * (i as i64 - 2) },
                _ => Command::Delete {
                    kind: podlab::model::Kind::Pod,
                    namespace: "default".into(),
                    name: pod,
                    options: DeleteOptions::default(),
                },
            };
            let _ = sim.apply(cmd);
            check(&mut sim, 25_000);
        }
    }

    /// ref §7.6: with pauses and clock rate skew two may believe they lead, but the fenced
    /// resource of the ZooKeeper election never accepts a token lower than one it accepted.
    #[test]
    fn a_fenced_resource_never_accepts_a_stale_token(
        seed in 0u64..1_000,
        faults in proptest::collection::vec((0u8..4, 1u64..40), 1..6),
    ) {
        let mut sim = zk(seed);
        sim.run_for(20_000);
        for (what, secs) in faults {
            let cut = sim.world().cut_pods().next().and_then(|p| p.split('/').nth(1)).unwrap_or("").to_string();
            let leader = leaders(&sim, ZK).first().map(|b| (b.pod.clone(), b.machine.clone()));
            let node = leader.as_ref().map_or("node-1".to_string(), |l| l.1.clone());
            let pod = leader.map_or(String::new(), |l| l.0);
            let cmd = match what {
                0 => Command::PauseProcess {
                    namespace: "default".into(),
                    pod,
                    duration_ms: Some(secs * 1_000),
                },
                1 => Command::SkewClockRate { node, rate_ppm: -500_000 },
                2 => Command::CutPod { namespace: "default".into(), pod },
                _ => Command::HealPod { namespace: "default".into(), pod: cut },
            };
            let _ = sim.apply(cmd);
            run_until_checked(&mut sim, |_| false, 30_000);
        }
        let Some(w) = sim.world().protected(ZK) else { return Ok(()); };
        let mut highest = None;
        for x in w.writes.iter().filter(|x| x.accepted) {
            let t = x.token.expect("fenced writes carry a token");
            prop_assert!(highest.is_none_or(|h| t >= h), "token {t} accepted after {highest:?} (seed {seed})");
            highest = Some(highest.map_or(t, |h: i64| h.max(t)));
        }
    }
}
