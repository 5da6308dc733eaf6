//! Container logs (`kubectl logs`): written by the apps into the world at simulated times, kept
//! per container instance (current and previous), bounded, and read through the API server and
//! the kubelet. None of it is in the trace.

use podlab::model::{EnvVar, Kind, Pod};
use podlab::sim::examples::{pod, random_generator_container, replicaset};
use podlab::sim::{Command, PodLogOptions, Sim, SimBuilder, LOG_LINES_KEPT};

const STARTED: &str = "Started RandomGeneratorApplication";
const SHUTDOWN: &str = ">>>> SHUTDOWN HOOK called. Possibly because of a SIGTERM from Kubernetes";

fn logs(sim: &Sim, pod: &str, previous: bool) -> Result<String, String> {
    let opts = PodLogOptions {
        previous,
        timestamps: true,
        ..Default::default()
    };
    sim.pod_logs("default", pod, &opts)
        .map_err(|e| e.to_string())
}

fn pod_names(sim: &Sim) -> Vec<String> {
    sim.cluster()
        .list::<Pod>()
        .map(|p| p.metadata.name.to_string())
        .collect()
}

fn kill(sim: &mut Sim, pod: &str) {
    sim.apply(Command::KillContainer {
        namespace: "default".into(),
        pod: pod.into(),
        container: None,
    })
    .unwrap();
}

/// Three pods, killed over and over, one paused and resumed, one deleted.
fn story(seed: u64) -> Sim {
    let mut sim = SimBuilder::new(seed).workers(3).build().unwrap();
    sim.apply(Command::Create(
        replicaset("web", 3, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(20_000);
    for round in 0..4 {
        let names = pod_names(&sim);
        kill(&mut sim, &names[round % names.len()]);
        sim.run_for(40_000);
    }
    let names = pod_names(&sim);
    sim.apply(Command::PauseProcess {
        namespace: "default".into(),
        pod: names[1].clone(),
        duration_ms: Some(5_000),
    })
    .unwrap();
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: names[2].clone(),
        options: Default::default(),
    })
    .unwrap();
    sim.run_for(30_000);
    sim
}

/// What one read of a log returned: its text, or the API server's error.
type Read = Result<String, String>;

/// Every pod's current and previous log, as `kubectl logs [-p] --timestamps` prints them.
fn all_logs(sim: &Sim) -> Vec<(String, Read, Read)> {
    pod_names(sim)
        .into_iter()
        .map(|p| (p.clone(), logs(sim, &p, false), logs(sim, &p, true)))
        .collect()
}

#[test]
fn logs_are_deterministic() {
    let a = story(7);
    let b = story(7);
    assert_eq!(all_logs(&a), all_logs(&b), "seed 7");
    assert_eq!(a.trace().digest(), b.trace().digest(), "seed 7");
    // Something was written, and restarted pods have a previous log.
    let all = all_logs(&a);
    assert!(all
        .iter()
        .all(|(_, cur, _)| cur.as_ref().is_ok_and(|t| t.contains(STARTED))));
    assert!(all.iter().any(|(_, _, prev)| prev.is_ok()), "{all:?}");
}

#[test]
fn logs_are_bounded_and_go_with_their_pods() {
    let mut sim = story(8);
    // One current and at most one previous instance per container, for pods that still exist.
    assert!(sim.world().logged_containers() <= 3 + 1, "seed 8");
    let held = sim.world().log_lines_held();
    assert!(held <= 2 * LOG_LINES_KEPT as u64 * 4, "seed 8: {held}");
    // Many more restarts do not grow what is kept.
    for _ in 0..20 {
        let names = pod_names(&sim);
        kill(&mut sim, &names[0]);
        sim.run_for(400_000);
    }
    assert!(sim.world().log_lines_held() <= held + 6, "seed 8");
    // Scaled to zero: the kubelet removes the containers and their logs.
    sim.apply(Command::scale(Kind::ReplicaSet, "web", 0))
        .unwrap();
    sim.run_for(60_000);
    assert_eq!(sim.world().logged_containers(), 0, "seed 8");
    assert_eq!(sim.world().log_lines_held(), 0, "seed 8");
}

#[test]
fn a_restart_starts_a_new_log_and_keeps_the_previous_one() {
    let mut sim = SimBuilder::new(3).workers(1).build().unwrap();
    sim.apply(Command::Apply(
        pod("web", &[("app", "web")], random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(10_000);
    let first = logs(&sim, "web", false).unwrap();
    assert_eq!(first.lines().count(), 2, "{first}");
    assert_eq!(
        logs(&sim, "web", true).unwrap_err(),
        "previous terminated container \"random-generator\" in pod \"web\" not found"
    );
    kill(&mut sim, "web");
    sim.run_for(30_000);
    // SIGKILL: no shutdown line; the old log is now the previous one.
    assert_eq!(logs(&sim, "web", true).unwrap(), first);
    let second = logs(&sim, "web", false).unwrap();
    assert_eq!(second.lines().count(), 2, "{second}");
    assert_ne!(second, first);
    // A graceful delete: the shutdown hook runs.
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: "web".into(),
        options: Default::default(),
    })
    .unwrap();
    sim.run_for(300);
    let last = logs(&sim, "web", false).unwrap();
    assert!(last.ends_with(&format!("{SHUTDOWN}\n")), "{last}");
}

#[test]
fn the_startup_line_waits_for_the_app_and_a_frozen_app_prints_nothing() {
    let mut c = random_generator_container();
    c.env.push(EnvVar::new("DELAY_STARTUP", "10"));
    let mut sim = SimBuilder::new(4).workers(1).build().unwrap();
    sim.apply(Command::Apply(pod("slow", &[], c).into()))
        .unwrap();
    sim.run_for(5_000);
    let early = logs(&sim, "slow", false).unwrap();
    assert!(!early.contains(STARTED), "{early}");
    // Frozen from now until well past the time it would have listened.
    sim.apply(Command::PauseProcess {
        namespace: "default".into(),
        pod: "slow".into(),
        duration_ms: Some(20_000),
    })
    .unwrap();
    sim.run_for(15_000);
    assert_eq!(logs(&sim, "slow", false).unwrap(), early);
    sim.run_for(10_000);
    // Thawed at 25 s, it finishes starting then; the durations are the ones it planned.
    let late = logs(&sim, "slow", false).unwrap();
    assert_eq!(
        late,
        format!(
            "{early}2025-01-01T00:00:25Z {STARTED} in 2.0 seconds (process running for 12.0)\n"
        )
    );

    // SIGTERM while still starting: it never prints that it started.
    let mut c = random_generator_container();
    c.env.push(EnvVar::new("DELAY_STARTUP", "30"));
    sim.apply(Command::Apply(pod("doomed", &[], c).into()))
        .unwrap();
    sim.run_for(5_000);
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: "doomed".into(),
        options: Default::default(),
    })
    .unwrap();
    sim.run_for(100);
    let text = logs(&sim, "doomed", false).unwrap();
    assert!(!text.contains(STARTED), "{text}");
    assert!(text.ends_with(&format!("{SHUTDOWN}\n")), "{text}");
}

#[test]
fn an_unscheduled_pod_has_an_empty_log() {
    let mut sim = SimBuilder::new(5).workers(1).build().unwrap();
    let mut p = pod("nowhere", &[], random_generator_container());
    p.spec
        .node_selector
        .insert("disk".into(), "none-such".into());
    sim.apply(Command::Apply(p.into())).unwrap();
    sim.run_for(5_000);
    assert_eq!(logs(&sim, "nowhere", false).unwrap(), "");
}
