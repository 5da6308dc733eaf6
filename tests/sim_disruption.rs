//! PodDisruptionBudget status, the eviction API and `kubectl drain` (ref §6.1-6.3).

use podlab::console::Console;
use podlab::manifest::{self, Severity};
use podlab::model::{Kind, Pod, PodDisruptionBudget};
use podlab::sim::api::ApiError;
use podlab::sim::{Command, Sim, SimBuilder, SimError};

fn apply_yaml(sim: &mut Sim, yaml: &str) {
    let parsed = manifest::parse(yaml);
    assert!(
        parsed
            .diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{:?}",
        parsed.diagnostics
    );
    for m in parsed.objects {
        let o = m.object.into_object();
        sim.apply(Command::Apply(o)).unwrap();
    }
}

fn deployment(name: &str, replicas: i32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: app\n        image: k8spatterns/random-generator:1.0\n"
    )
}

fn pdb(name: &str, budget: &str) -> String {
    format!(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  {budget}\n  selector:\n    matchLabels:\n      app: {name}\n"
    )
}

fn cluster() -> Sim {
    SimBuilder::new(3).workers(3).build().unwrap()
}

fn status(sim: &Sim, name: &str) -> podlab::model::PodDisruptionBudgetStatus {
    sim.cluster()
        .get::<PodDisruptionBudget>("default", name)
        .unwrap()
        .status
        .clone()
}

fn pods_of(sim: &Sim, app: &str) -> Vec<Pod> {
    sim.cluster()
        .list_in::<Pod>("default")
        .filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some(app))
        .cloned()
        .collect()
}

/// ref §6.1: both percentages round up. Expected 5: minAvailable 50% -> 3 desired;
/// maxUnavailable 50% -> 5 - 3 = 2 desired.
#[test]
fn budget_status_follows_the_rounding_rules() {
    let mut sim = cluster();
    apply_yaml(&mut sim, &deployment("a", 5));
    apply_yaml(&mut sim, &pdb("a", "minAvailable: 50%"));
    apply_yaml(&mut sim, &deployment("b", 5));
    apply_yaml(&mut sim, &pdb("b", "maxUnavailable: 50%"));
    sim.run_for(60_000);
    let a = status(&sim, "a");
    assert_eq!(
        (a.expected_pods, a.desired_healthy, a.current_healthy),
        (5, 3, 5)
    );
    assert_eq!(a.disruptions_allowed, 2);
    let b = status(&sim, "b");
    assert_eq!(
        (b.expected_pods, b.desired_healthy, b.disruptions_allowed),
        (5, 2, 3)
    );
    assert_eq!(b.observed_generation, 1);
    let cond = &b.conditions[0];
    assert_eq!(
        (
            cond.type_.as_str(),
            cond.status.as_str(),
            cond.reason.as_str()
        ),
        ("DisruptionAllowed", "True", "SufficientPods")
    );
    // `kubectl get pdb` prints N/A for the unset field (ref §6.1).
    let out = Console::new().run(&mut sim, "kubectl get pdb");
    assert_eq!(
        out.text
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        [
            "NAME",
            "MIN",
            "AVAILABLE",
            "MAX",
            "UNAVAILABLE",
            "ALLOWED",
            "DISRUPTIONS",
            "AGE"
        ]
    );
    assert!(
        out.text
            .contains("a      50%             N/A               2"),
        "{}",
        out.text
    );
}

/// ref §6.2: a budget with no disruption left answers 429 with kubectl's message, and the
/// detail names desired and current healthy pods. A spent disruption is remembered.
#[test]
fn eviction_spends_the_budget_then_answers_429() {
    let mut sim = cluster();
    apply_yaml(&mut sim, &deployment("web", 3));
    apply_yaml(&mut sim, &pdb("web", "minAvailable: 2"));
    sim.run_for(60_000);
    let pods = pods_of(&sim, "web");
    assert_eq!(status(&sim, "web").disruptions_allowed, 1);
    let first = pods[0].metadata.name.to_string();
    sim.apply(Command::Evict {
        namespace: "default".into(),
        pod: first.clone(),
        grace_period_seconds: None,
    })
    .unwrap();
    let s = status(&sim, "web");
    assert_eq!(s.disruptions_allowed, 0);
    assert!(s.disrupted_pods.contains_key(&first));
    let evicted = sim.cluster().get::<Pod>("default", &first).unwrap();
    let cond = evicted.status.condition("DisruptionTarget").unwrap();
    assert_eq!(
        (cond.reason.as_str(), cond.message.as_str()),
        ("EvictionByEvictionAPI", "Eviction API: evicting")
    );

    let second = pods[1].metadata.name.to_string();
    let err = sim
        .apply(Command::Evict {
            namespace: "default".into(),
            pod: second.clone(),
            grace_period_seconds: None,
        })
        .unwrap_err();
    match err {
        SimError::Api(ApiError::TooManyRequests { message, cause }) => {
            assert_eq!(
                message,
                "Cannot evict pod as it would violate the pod's disruption budget."
            );
            // The eviction only spent the allowance; currentHealthy is the controller's last
            // count until it resyncs, so the detail still says 3, as on a real cluster.
            assert_eq!(
                cause,
                "The disruption budget web needs 2 healthy pods and has 3 currently"
            );
        }
        other => panic!("expected 429, got {other:?}"),
    }
    // The replacement becomes Ready, so the budget allows one disruption again.
    sim.run_for(60_000);
    assert_eq!(status(&sim, "web").disruptions_allowed, 1);
    assert!(sim.cluster().get::<Pod>("default", &first).is_none());
}

/// ref §6.2: two budgets over one pod are a 500; a budget the controller has not yet seen is a
/// 429 "still being processed"; pods no budget selects are simply deleted.
#[test]
fn eviction_edge_cases_use_the_api_servers_texts() {
    let mut sim = cluster();
    apply_yaml(&mut sim, &deployment("web", 2));
    sim.run_for(40_000);
    let pod = pods_of(&sim, "web")[0].metadata.name.to_string();
    apply_yaml(&mut sim, &pdb("web", "maxUnavailable: 1"));
    let evict = |sim: &mut Sim, pod: &str| {
        sim.apply(Command::Evict {
            namespace: "default".into(),
            pod: pod.into(),
            grace_period_seconds: None,
        })
    };
    match evict(&mut sim, &pod).unwrap_err() {
        SimError::Api(ApiError::TooManyRequests { cause, .. }) => {
            assert_eq!(
                cause,
                "The disruption budget web is still being processed by the server."
            )
        }
        other => panic!("{other:?}"),
    }
    let mut second = pdb("web", "minAvailable: 1");
    second = second.replace("name: web\nspec", "name: web-too\nspec");
    apply_yaml(&mut sim, &second);
    sim.run_for(5_000);
    let err = evict(&mut sim, &pod).unwrap_err();
    assert_eq!(err.to_string(), "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
    if let SimError::Api(e) = &err {
        assert_eq!((e.code(), e.reason()), (500, "InternalError"));
    }
    // Without budgets the eviction is a plain graceful delete.
    sim.apply(Command::Delete {
        kind: Kind::PodDisruptionBudget,
        namespace: "default".into(),
        name: "web".into(),
        options: Default::default(),
    })
    .unwrap();
    sim.apply(Command::Delete {
        kind: Kind::PodDisruptionBudget,
        namespace: "default".into(),
        name: "web-too".into(),
        options: Default::default(),
    })
    .unwrap();
    evict(&mut sim, &pod).unwrap();
    assert!(sim
        .cluster()
        .get::<Pod>("default", &pod)
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_some());
}

/// ref §6.3 and §2.4: evicting a pod on a partitioned node succeeds at the API server, but the
/// kubelet never confirms, so drain polls every second and never prints `drained`.
#[test]
fn drain_of_a_partitioned_node_waits_for_pods_that_never_go() {
    let mut sim = cluster();
    apply_yaml(&mut sim, &deployment("web", 3));
    sim.run_for(40_000);
    let node = pods_of(&sim, "web")[0].spec.node_name.clone();
    let c = Console::new();
    assert!(c.run(&mut sim, &format!("lab partition {node}")).ok);
    let out = c.run(&mut sim, &format!("kubectl drain {node}"));
    assert!(out.ok, "{}", out.text);
    assert!(
        out.text
            .starts_with(&format!("node/{node} cordoned\nevicting pod default/web-")),
        "{}",
        out.text
    );
    sim.run_for(120_000);
    let lines: Vec<&str> = sim
        .client_output()
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert!(
        !lines
            .iter()
            .any(|l| l.ends_with("drained") || l.ends_with("evicted")),
        "{lines:?}"
    );
    assert_eq!(sim.drains_running(), 1);
    let stuck = pods_of(&sim, "web")
        .into_iter()
        .find(|p| p.spec.node_name == node)
        .unwrap();
    assert!(stuck.metadata.deletion_timestamp.is_some());
    assert!(
        sim.world()
            .processes_of_pod("default", &stuck.metadata.name)
            .next()
            .is_some(),
        "the process still runs on the cut-off machine"
    );
    // Ctrl-C: the drain stops; the cordon stays and nothing more is printed.
    let out = c.run(&mut sim, "lab interrupt");
    assert_eq!(out.text, format!("^C kubectl drain {node}: stopped\n"));
    assert_eq!(sim.drains_running(), 0);
    let printed = sim.client_output().len();
    sim.run_for(30_000);
    assert_eq!(sim.client_output().len(), printed);
    let again = c.run(&mut sim, "lab interrupt");
    assert!(!again.ok);
    assert_eq!(
        again.text,
        "error: no command is running: only a drain runs on after it is typed\n"
    );
}

/// The same seed and commands print the same drain, line for line and time for time.
#[test]
fn drain_output_is_deterministic() {
    let run = || {
        let mut sim = cluster();
        apply_yaml(&mut sim, &deployment("web", 4));
        apply_yaml(&mut sim, &pdb("web", "maxUnavailable: 1"));
        sim.run_for(40_000);
        let node = pods_of(&sim, "web")[0].spec.node_name.clone();
        Console::new().run(&mut sim, &format!("kubectl drain {node} --grace-period=5"));
        sim.run_for(120_000);
        (sim.client_output().to_vec(), sim.trace().digest_hex())
    };
    let (a, da) = run();
    let (b, db) = run();
    assert_eq!(a, b);
    assert_eq!(da, db);
    assert!(a.last().unwrap().text.ends_with(" drained"), "{a:?}");
}

/// Bad drain input gets kubectl's texts and changes nothing.
#[test]
fn drain_rejects_bad_input_like_kubectl() {
    let mut sim = cluster();
    let c = Console::new();
    let out = c.run(&mut sim, "kubectl drain nope");
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "Error from server (NotFound): nodes \"nope\" not found\n"
    );
    let out = c.run(&mut sim, "kubectl drain");
    assert_eq!(
        out.text,
        "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n"
    );
    let out = c.run(&mut sim, "kubectl drain node-1 --timeout=soon");
    assert!(
        out.text
            .starts_with("error: invalid argument \"soon\" for \"--timeout\" flag"),
        "{}",
        out.text
    );
    let out = c.run(&mut sim, "kubectl drain node-1 --bogus");
    assert!(
        out.text.starts_with("error: unknown flag: --bogus"),
        "{}",
        out.text
    );
    assert!(sim.client_output().is_empty());
    let node = sim
        .cluster()
        .get::<podlab::model::Node>("", "node-1")
        .unwrap();
    assert!(!node.spec.unschedulable);
}

/// A cordon shows as the `node.kubernetes.io/unschedulable:NoSchedule` taint, added and removed
/// by the node lifecycle controller (kubernetes.io/docs/concepts/scheduling-eviction/
/// taint-and-toleration/#taint-nodes-by-condition), so drained nodes describe as on a real cluster.
#[test]
fn a_cordon_shows_as_the_unschedulable_taint() {
    let mut sim = cluster();
    let c = Console::new();
    let taints = |sim: &Sim| {
        sim.cluster()
            .get::<podlab::model::Node>("", "node-1")
            .unwrap()
            .spec
            .taints
            .iter()
            .map(|t| t.describe())
            .collect::<Vec<_>>()
    };
    assert!(c.run(&mut sim, "kubectl cordon node-1").ok);
    sim.run_for(2_000);
    assert_eq!(
        taints(&sim),
        ["node.kubernetes.io/unschedulable:NoSchedule"]
    );
    assert!(c.run(&mut sim, "kubectl uncordon node-1").ok);
    sim.run_for(2_000);
    assert!(taints(&sim).is_empty());
}

/// ref §6.1: a percentage or maxUnavailable needs the owners' scale; a selected pod without an
/// owner leaves the budget at zero disruptions, with an `UnmanagedPods` warning.
#[test]
fn a_budget_over_bare_pods_warns_and_allows_nothing() {
    let mut sim = cluster();
    apply_yaml(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\n  labels:\n    app: bare\nspec:\n  containers:\n  - name: app\n    image: k8spatterns/random-generator:1.0\n",
    );
    apply_yaml(&mut sim, &pdb("bare", "maxUnavailable: 1"));
    sim.run_for(30_000);
    let s = status(&sim, "bare");
    assert_eq!(
        (s.expected_pods, s.desired_healthy, s.disruptions_allowed),
        (0, 0, 0)
    );
    assert_eq!(s.conditions[0].reason, "SyncFailed");
    let warned = sim
        .cluster()
        .events_for(&podlab::model::ObjectRef::new(
            Kind::PodDisruptionBudget,
            "default",
            "bare",
        ))
        .iter()
        .any(|e| e.reason == "UnmanagedPods" && e.type_ == "Warning");
    assert!(warned);
    // An integer minAvailable counts the pods themselves, owner or not.
    apply_yaml(&mut sim, &pdb("bare", "minAvailable: 1"));
    sim.run_for(5_000);
    let s = status(&sim, "bare");
    assert_eq!(
        (s.expected_pods, s.desired_healthy, s.current_healthy),
        (1, 1, 1)
    );
}
