//! Liveness probes (ref §8: probe defaults, restart backoff) and the node startup grace period
//! (ref §2.1).

use podlab::model::{EnvVar, Kind, Node, ObjectMeta, ObjectRef, Pod, Probe};
use podlab::sim::examples::{pod, random_generator_container};
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{Command, Sim, SimBuilder};

fn web(delay_startup_s: u32, initial_delay_s: Option<i32>) -> Pod {
    let mut c = random_generator_container();
    c.env
        .push(EnvVar::new("DELAY_STARTUP", &delay_startup_s.to_string()));
    let mut probe = Probe::http_get("/actuator/health", 8080);
    probe.initial_delay_seconds = initial_delay_s;
    c.liveness_probe = Some(probe);
    pod("web", &[("app", "web")], c)
}

fn get(sim: &Sim) -> Pod {
    sim.cluster().get::<Pod>("default", "web").unwrap().clone()
}

fn events(sim: &Sim, reason: &str) -> Vec<String> {
    sim.cluster()
        .events_for(&ObjectRef::new(Kind::Pod, "default", "web"))
        .iter()
        .filter(|e| e.reason == reason)
        .map(|e| format!("{} x{}", e.message, e.count))
        .collect()
}

#[test]
fn a_slow_starting_app_is_killed_by_its_liveness_probe() {
    // Defaults: period 10 s, failureThreshold 3. The app listens only after 60 s, so the third
    // failed probe at ~20 s kills it, again and again.
    let mut sim = SimBuilder::new(31).workers(1).build().unwrap();
    sim.apply(Command::Apply(web(60, None).into())).unwrap();
    run_checked(&mut sim, 40_000);
    let p = get(&sim);
    let cs = &p.status.container_statuses[0];
    assert_eq!(cs.restart_count, 1, "{:?}", cs);
    let last = cs.last_state.terminated.as_ref().unwrap();
    // Spring Boot exits on SIGTERM: 128 + 15.
    assert_eq!(last.exit_code, 143);
    let ip = &p.status.pod_ip;
    // Three failures killed the first start; the restarted one is failing again.
    assert_eq!(
        events(&sim, "Unhealthy")[0],
        format!("Liveness probe failed: Get \"http://{ip}:8080/actuator/health\": dial tcp {ip}:8080: connect: connection refused x4")
    );
    assert_eq!(
        events(&sim, "Killing"),
        vec!["Container random-generator failed liveness probe, will be restarted x1"]
    );
    // It never gets to answer: CrashLoopBackOff with growing waits.
    run_checked(&mut sim, 300_000);
    let cs = &get(&sim).status.container_statuses[0];
    assert!(cs.restart_count >= 4, "{}", cs.restart_count);
    assert!(sim.world().processes().all(|p| p.pod_name == "web"));
}

#[test]
fn an_initial_delay_lets_the_app_start() {
    let mut sim = SimBuilder::new(32).workers(1).build().unwrap();
    sim.apply(Command::Apply(web(60, Some(90)).into())).unwrap();
    run_checked(&mut sim, 300_000);
    let p = get(&sim);
    assert_eq!(p.status.container_statuses[0].restart_count, 0);
    assert!(events(&sim, "Unhealthy").is_empty());
}

#[test]
fn a_paused_process_is_killed_after_the_grace_period_and_restarted() {
    let mut sim = SimBuilder::new(33).workers(1).build().unwrap();
    sim.apply(Command::Apply(web(0, Some(5)).into())).unwrap();
    assert!(run_until_checked(&mut sim, |s| get(s).is_ready(), 30_000));
    let first = sim.world().processes().next().unwrap().id.clone();
    sim.apply(Command::PauseProcess {
        namespace: "default".into(),
        pod: "web".into(),
        duration_ms: None,
    })
    .unwrap();
    // Three failures (≤30 s), then SIGTERM is ignored while paused: SIGKILL 30 s later.
    run_checked(&mut sim, 75_000);
    let p = get(&sim);
    let cs = &p.status.container_statuses[0];
    assert_eq!(cs.restart_count, 1);
    assert_eq!(cs.last_state.terminated.as_ref().unwrap().exit_code, 137);
    let ip = &p.status.pod_ip;
    assert!(events(&sim, "Unhealthy")[0].starts_with(&format!(
        "Liveness probe failed: Get \"http://{ip}:8080/actuator/health\": context deadline exceeded"
    )));
    let now: Vec<String> = sim.world().processes().map(|p| p.id.clone()).collect();
    assert_eq!(now.len(), 1);
    assert_ne!(now[0], first, "a new process");
    assert!(run_until_checked(&mut sim, |s| get(s).is_ready(), 60_000));
}

#[test]
fn a_node_that_never_posts_status_gets_the_startup_grace_period() {
    // ref §2.1: 1m0s for never-ready nodes (50 s for nodes that stopped posting).
    let mut sim = SimBuilder::new(34).workers(1).build().unwrap();
    sim.run_for(10_000);
    let mut n = Node {
        metadata: ObjectMeta::named("", "ghost"),
        ..Default::default()
    };
    n.metadata
        .labels
        .insert("topology.kubernetes.io/zone".into(), "zone-a".into());
    sim.apply(Command::Create(n.into())).unwrap();
    let created = sim.now();
    run_checked(&mut sim, 55_000);
    let ghost = sim.cluster().get::<Node>("", "ghost").unwrap();
    assert!(
        ghost.status.conditions.is_empty(),
        "still within the startup grace"
    );
    assert!(ghost.spec.taints.is_empty());
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .cluster()
            .get::<Node>("", "ghost")
            .unwrap()
            .condition("Ready")
            .is_some(),
        20_000
    ));
    let at = sim.now() - created;
    assert!((60_000..=66_000).contains(&at), "{at}");
    let ghost = sim.cluster().get::<Node>("", "ghost").unwrap();
    let ready = ghost.condition("Ready").unwrap();
    assert_eq!(
        (
            ready.status.as_str(),
            ready.reason.as_str(),
            ready.message.as_str()
        ),
        (
            "Unknown",
            "NodeStatusNeverUpdated",
            "Kubelet never posted node status."
        )
    );
    assert_eq!(ghost.status.conditions.len(), 4);
    run_checked(&mut sim, 10_000);
    let ghost = sim.cluster().get::<Node>("", "ghost").unwrap();
    assert!(ghost.has_taint("node.kubernetes.io/unreachable", "NoSchedule"));
    assert_eq!(ghost.display_status(), "NotReady");
}

#[test]
fn a_re_registered_node_posts_ready_with_its_first_heartbeat() {
    let mut sim = SimBuilder::new(35).workers(2).build().unwrap();
    sim.apply(Command::CrashNode {
        node: "node-2".into(),
    })
    .unwrap();
    sim.apply(Command::Delete {
        kind: Kind::Node,
        namespace: String::new(),
        name: "node-2".into(),
        options: Default::default(),
    })
    .unwrap();
    run_checked(&mut sim, 5_000);
    sim.apply(Command::RestartNode {
        node: "node-2".into(),
    })
    .unwrap();
    let n = sim.cluster().get::<Node>("", "node-2").unwrap();
    assert!(n.status.conditions.is_empty());
    assert_eq!(n.status.node_info.kernel_version, "6.1.0-podlab");
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .cluster()
            .get::<Node>("", "node-2")
            .is_some_and(|n| n.is_ready()),
        15_000
    ));
}

/// Issue 16: a container's waiting and terminated states are kept boxed; they print and read
/// back as before (`kubectl get -o yaml`, then the manifest reader).
#[test]
fn a_restarted_containers_states_print_and_read_back() {
    let mut sim = SimBuilder::new(31).workers(1).build().unwrap();
    sim.apply(Command::Apply(web(60, None).into())).unwrap();
    run_checked(&mut sim, 40_000);
    let yaml = podlab::console::Console::new()
        .run(&mut sim, "kubectl get pod web -o yaml")
        .text;
    assert!(
        yaml.contains("    lastState:\n      terminated:\n        exitCode: 143\n"),
        "{yaml}"
    );
    // The status names its addresses `hostIP` and `podIP`, as the API does.
    assert!(
        yaml.contains("\n  hostIP: ") && yaml.contains("\n  podIP: "),
        "{yaml}"
    );
    let read = podlab::manifest::parse(&yaml);
    assert_eq!(read.errors().count(), 0, "{:#?}", read.diagnostics);
    let podlab::manifest::ManifestObject::Object(podlab::model::Object::Pod(back)) =
        &read.objects[0].object
    else {
        panic!("a pod");
    };
    assert_eq!(
        back.status.container_statuses,
        get(&sim).status.container_statuses
    );
}
