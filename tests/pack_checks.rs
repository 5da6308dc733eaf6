//! Check semantics: each temporal form, each query form and each measure, passing and
//! failing, judged over a real run (pack::attempt), with the moment each verdict names.

use podlab::pack::attempt::Attempt;
use podlab::pack::check::{Status, Verdict};
use podlab::pack::Pack;

/// A pack with one exercise whose setup runs a ReplicaSet `web` of 2, a claim `data` with a
/// writer pod, and three leader-election candidates; one task per check.
fn pack(checks: &[&str]) -> Pack {
    let mut tasks = String::new();
    for (i, c) in checks.iter().enumerate() {
        let body: String = c.lines().map(|l| format!("      {l}\n")).collect();
        tasks.push_str(&format!(
            "  - id: t{i}\n    title: T{i}\n    checks:\n    - {}",
            &body[6..]
        ));
    }
    let text = format!(
        r#"format: podlab.dev/pack/v1
id: semantics
title: Semantics
version: "1"
exercises:
- id: ex
  title: Ex
  pattern: stateless
  setup:
    seed: 5
    cluster: {{nodes: [node-1, node-2]}}
    files:
      web.yaml: |
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {{name: web}}
        spec:
          replicas: 2
          selector: {{matchLabels: {{app: web}}}}
          template:
            metadata: {{labels: {{app: web}}}}
            spec:
              containers: [{{name: web, image: "nginx:1.27"}}]
      data.yaml: |
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {{name: data}}
        spec:
          accessModes: [ReadWriteOnce]
          resources: {{requests: {{storage: 1Gi}}}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {{name: writer, labels: {{app: writer}}}}
        spec:
          containers:
          - name: writer
            image: nginx:1.27
            volumeMounts: [{{name: data, mountPath: /data}}]
          volumes: [{{name: data, persistentVolumeClaim: {{claimName: data}}}}]
      elector.yaml: |
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: elector}}
        spec:
          replicas: 3
          selector: {{matchLabels: {{app: elector}}}}
          template:
            metadata: {{labels: {{app: elector}}}}
            spec:
              containers:
              - name: elector
                image: podlab/leader-elector
                args: ["--lease-lock-name=singleton-leader", "--id=$(POD_NAME)"]
                env:
                - name: POD_NAME
                  valueFrom: {{fieldRef: {{fieldPath: metadata.name}}}}
    script:
    - {{at: 0s, run: kubectl apply -f web.yaml}}
    - {{at: 0s, run: kubectl apply -f data.yaml}}
    - {{at: 0s, run: kubectl apply -f elector.yaml}}
    until: 1m
  tasks:
{tasks}  solution:
    run: [kubectl get pods]
"#
    );
    Pack::parse(&text).unwrap_or_else(|e| {
        panic!(
            "{}\n{text}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

/// Runs the exercise: `lines` at 1m (the start), one after another, then on to 3m; returns
/// every verdict after the run ends.
fn judge(checks: &[&str], lines: &[&str]) -> Vec<Verdict> {
    let pack = pack(checks);
    let ex = &pack.exercises[0];
    let mut a = Attempt::start(ex, u64::MAX).expect("cluster starts");
    assert_eq!(a.sim().now(), 60_000);
    for l in lines {
        let out = a.run(l);
        assert!(out.ok, "{l}: {}", out.text);
    }
    a.run_for(180_000 - a.sim().now());
    a.finish_here();
    a.watch().verdicts().into_iter().cloned().collect()
}

fn statuses(v: &[Verdict]) -> Vec<Status> {
    v.iter().map(|v| v.status).collect()
}

const SCALE: &str = "kubectl scale rs web --replicas=3";

#[test]
fn always_holds_until_broken_and_says_when() {
    let checks = [
        "always:\n  processes: {app: web, atMost: 3}",
        "always:\n  processes: {app: web, atMost: 2}",
    ];
    let v = judge(&checks, &[SCALE]);
    assert_eq!(statuses(&v), [Status::Passed, Status::Failed]);
    // Broken when the third process started: after the scale at 1m, within seconds.
    let at = v[1].at.expect("a failure has a moment");
    assert!((60_000..70_000).contains(&at.time), "{at:?}");
    assert!(at.events > 0);
    assert!(v[1].seen.starts_with("3 (web-"), "{}", v[1].seen);
    assert_eq!(v[1].expected, "always: at most 2 processes of app=web run");
    // Without the scale, it holds to the end.
    let v = judge(&checks, &[]);
    assert_eq!(statuses(&v), [Status::Passed, Status::Passed]);
}

#[test]
fn never_fails_at_the_first_moment_the_condition_holds() {
    let checks = [
        "never:\n  processes: {app: web, atLeast: 4}",
        "never:\n  processes: {app: web, equals: 3}",
    ];
    let v = judge(&checks, &[SCALE]);
    assert_eq!(statuses(&v), [Status::Passed, Status::Failed]);
    let broke = v[1].at.unwrap();
    // The same moment `always at most 2` breaks.
    let w = judge(&["always:\n  processes: {app: web, atMost: 2}"], &[SCALE]);
    assert_eq!(w[0].at, Some(broke));
}

#[test]
fn eventually_passes_at_the_first_moment_and_fails_at_the_end() {
    let checks = [
        "eventually:\n  processes: {app: web, equals: 3}",
        "eventually:\n  processes: {app: web, equals: 5}",
    ];
    let v = judge(&checks, &[SCALE]);
    assert_eq!(statuses(&v), [Status::Passed, Status::Failed]);
    let always = judge(&["always:\n  processes: {app: web, atMost: 2}"], &[SCALE]);
    assert_eq!(
        v[0].at, always[0].at,
        "the moment the third process started"
    );
    // Undecided at the end: failed there, with what was seen then.
    assert_eq!(v[1].at.unwrap().time, 180_000);
    assert!(v[1].seen.starts_with("3 ("), "{}", v[1].seen);
}

#[test]
fn eventually_within_fails_at_its_deadline() {
    let checks = [
        "eventually:\n  processes: {app: web, equals: 3}\nwithin: 30s",
        "eventually:\n  processes: {app: web, equals: 3}\nwithin: 1s",
        "eventually:\n  processes: {app: web, equals: 2}\nwithin: 0s",
    ];
    let v = judge(&checks, &[SCALE]);
    assert_eq!(
        statuses(&v),
        [Status::Passed, Status::Failed, Status::Passed]
    );
    // The deadline is the exercise's start (1m) plus `within`.
    assert_eq!(v[1].at.unwrap().time, 61_000);
    assert!(v[1].seen.starts_with("2 ("), "{}", v[1].seen);
    assert_eq!(v[2].at.unwrap().time, 60_000);
}

#[test]
fn at_judges_the_state_at_its_time() {
    let checks = [
        "at: 2m\nholds:\n  query: kubectl get rs web\n  jsonpath: '{.status.readyReplicas}'\n  equals: 3",
        "at: 2m\nholds:\n  query: kubectl get rs web\n  jsonpath: '{.status.readyReplicas}'\n  equals: 2",
        "at: 1h\nholds:\n  processes: {app: web, atLeast: 1}",
    ];
    let v = judge(&checks, &[SCALE]);
    assert_eq!(
        statuses(&v),
        [Status::Passed, Status::Failed, Status::Failed]
    );
    assert_eq!(v[0].at.unwrap().time, 120_000);
    assert_eq!(v[1].at.unwrap().time, 120_000);
    assert_eq!(v[1].seen, "3");
    assert_eq!(v[2].seen, "the run ended at 3m, before 1h");
}

#[test]
fn query_forms_compare_the_output() {
    let checks = [
        "eventually:\n  query: kubectl get pods\n  contains: writer",
        "eventually:\n  query: kubectl get pods\n  contains: nobody",
        "eventually:\n  query: kubectl get pods writer -o jsonpath={.metadata.name}\n  equals: writer",
        "eventually:\n  query: kubectl get pods writer -o jsonpath={.metadata.name}\n  equals: write",
        "eventually:\n  query: kubectl get pods -l app=web\n  matches: '(?m)^web-[a-z0-9]{5} +1/1 +Running'",
        "eventually:\n  query: kubectl get pods -l app=web\n  matches: 'CrashLoopBackOff'",
        "eventually:\n  query: kubectl get rs web\n  jsonpath: '{.spec.replicas}'\n  atLeast: 3\n  atMost: 3",
        "eventually:\n  query: kubectl get rs web\n  jsonpath: '{.spec.replicas}'\n  atLeast: 4",
        "eventually:\n  query: dig +short web.default.svc.cluster.local\n  equals: ''",
    ];
    let v = judge(&checks, &[SCALE]);
    assert_eq!(
        statuses(&v),
        [
            Status::Passed,
            Status::Failed,
            Status::Passed,
            Status::Failed,
            Status::Passed,
            Status::Failed,
            Status::Passed,
            Status::Failed,
            Status::Passed,
        ]
    );
    // Already true at the start: passed at the start's moment.
    assert_eq!(v[0].at.unwrap().time, 60_000);
    assert_eq!(v[3].seen, "writer");
    assert_eq!(v[7].seen, "3");
    // The spec changes with the command, at 1m.
    assert_eq!(v[6].at.unwrap().time, 60_000);
}

#[test]
fn pod_on_node_matches_names_prefixes_and_apps() {
    let pack = pack(&["eventually:\n  podOnNode: {pod: writer, node: node-1}"]);
    let a = Attempt::start(&pack.exercises[0], u64::MAX).unwrap();
    let node = a
        .sim()
        .world()
        .processes()
        .find(|p| p.pod_name == "writer")
        .map(|p| p.machine.clone())
        .expect("the writer runs");
    let other = if node == "node-1" { "node-2" } else { "node-1" };
    let checks = [
        format!("eventually:\n  podOnNode: {{pod: writer, node: {node}}}"),
        format!("never:\n  podOnNode: {{pod: writer, node: {node}}}"),
        format!("never:\n  podOnNode: {{pod: writer, node: {other}}}"),
        format!("eventually:\n  podOnNode: {{pod: writ*, node: {node}}}"),
        "never:\n  podOnNode: {app: nobody, node: node-1}".to_string(),
        "eventually:\n  podOnNode: {app: web, node: node-1}".to_string(),
    ];
    let refs: Vec<&str> = checks.iter().map(String::as_str).collect();
    let v = judge(&refs, &[]);
    assert_eq!(
        statuses(&v),
        [
            Status::Passed,
            Status::Failed,
            Status::Passed,
            Status::Passed,
            Status::Passed,
            Status::Passed,
        ]
    );
    assert_eq!(v[1].seen, format!("writer on {node}"));
}

#[test]
fn volume_writers_count_the_processes_with_the_claim_mounted() {
    let checks = [
        "always:\n  volumeWriters: {claim: data, atMost: 1}",
        "eventually:\n  volumeWriters: {claim: data, equals: 1}",
        "eventually:\n  volumeWriters: {claim: data, atLeast: 2}",
        "eventually:\n  volumeWriters: {claim: nothing, namespace: default, atLeast: 1}",
    ];
    let v = judge(&checks, &[]);
    assert_eq!(
        statuses(&v),
        [
            Status::Passed,
            Status::Passed,
            Status::Failed,
            Status::Failed
        ]
    );
    assert!(v[1].seen.starts_with("1 (writer on node-"), "{}", v[1].seen);
    assert_eq!(v[3].seen, "0");
}

#[test]
fn leaders_count_the_processes_that_believe_they_lead() {
    let checks = [
        "always:\n  leaders: {atMost: 1}",
        "eventually:\n  leaders: {lock: lease/default/singleton-leader, equals: 1}",
        "never:\n  leaders: {lock: lease/default/singleton-leader, atLeast: 2}",
        "eventually:\n  leaders: {lock: lease/default/other, atLeast: 1}",
    ];
    let v = judge(&checks, &[]);
    assert_eq!(
        statuses(&v),
        [
            Status::Passed,
            Status::Passed,
            Status::Passed,
            Status::Failed
        ]
    );
    // A paused leader still believes it leads; another takes the expired lease: two believe.
    let pause =
        "lab pause $(kubectl get lease singleton-leader -o jsonpath='{.spec.holderIdentity}')";
    let v = judge(&checks, &[pause]);
    assert_eq!(
        statuses(&v),
        [
            Status::Failed,
            Status::Passed,
            Status::Failed,
            Status::Failed
        ]
    );
    assert!(v[0].seen.starts_with("2 (elector-"), "{}", v[0].seen);
    assert_eq!(v[0].at, v[2].at);
    assert!(v[0].at.unwrap().time > 60_000);
}

/// A result survives JSON, and replaying its lines gives the same run and verdicts (the
/// moments included), so `podlab grade` finds nothing changed.
#[test]
fn a_result_round_trips_and_replays_to_the_same_verdicts() {
    use podlab::pack::result::{grade, ResultRecord};
    let checks = [
        "always:\n  leaders: {atMost: 1}",
        "eventually:\n  processes: {app: web, equals: 3}\nwithin: 30s",
        "at: 2m\nholds:\n  query: kubectl get pods -l app=web\n  matches: '(?m)^web-'",
    ];
    let pack = pack(&checks);
    let ex = &pack.exercises[0];
    let mut a = Attempt::start(ex, u64::MAX).unwrap();
    a.run_for(4_321);
    a.run(SCALE);
    a.step();
    a.run("lab pause $(kubectl get lease singleton-leader -o jsonpath='{.spec.holderIdentity}')");
    a.run_for(100_000);
    a.run("kubectl get pods");
    a.run_for(3_000);
    a.finish_here();
    let record = ResultRecord::of(&pack, ex, &a);
    assert_eq!(
        record.checks.iter().map(|c| c.status).collect::<Vec<_>>(),
        [Status::Failed, Status::Passed, Status::Passed]
    );
    assert_eq!(record.lines.len(), 3);
    assert_eq!(record.lines[0].time, 64_321);
    let json = record.to_json();
    let back = ResultRecord::parse(&json).expect("reads back");
    assert_eq!(back, record);
    let g = grade(&pack, &back).unwrap();
    assert!(g.tampered.is_empty(), "{:?}", g.tampered);
    assert_eq!(g.replayed, record);
    assert!(!g.passed());
}

/// The same lines at the same positions give the same trace, run after run.
#[test]
fn attempts_are_deterministic() {
    let pack = pack(&["always:\n  processes: {app: web, atMost: 2}"]);
    let run = || {
        let mut a = Attempt::start(&pack.exercises[0], u64::MAX).unwrap();
        a.run(SCALE);
        a.run_for(30_000);
        a.run("lab partition node-1");
        a.run_for(400_000);
        a.finish_here();
        (a.digest_hex(), a.watch().verdicts()[0].clone())
    };
    let (d1, v1) = run();
    let (d2, v2) = run();
    assert_eq!(d1, d2);
    assert_eq!(v1, v2);
    assert_eq!(v1.status, Status::Failed);
}

/// Moments of the setup do not count: a watch told about them ignores them.
#[test]
fn the_setup_is_not_judged() {
    use podlab::pack::attempt::setup;
    use podlab::pack::check::Watch;
    use podlab::sim::Timeline;
    // Two web processes run during the setup; `never: atLeast 1` would fail on them.
    let pack = pack(&[
        "never:\n  processes: {app: nobody-yet, atLeast: 1}",
        "always:\n  processes: {app: web, atMost: 0}",
    ]);
    let ex = &pack.exercises[0];
    let mut watch = Watch::new(ex);
    let mut t = Timeline::new(ex.setup.builder(None), u64::MAX).unwrap();
    let console = ex.setup.console();
    for e in &ex.setup.script {
        t.run_to(e.at_ms);
        console.run(&mut t, &e.run);
    }
    while t.sim().next_event_time().is_some_and(|n| n < 59_000) {
        t.step();
        watch.observe(t.sim());
    }
    assert!(watch.verdicts().iter().all(|v| v.at.is_none()));
    // From the start on they count: the web processes break `always: atMost 0` at once.
    let (t, _) = setup(ex, u64::MAX).unwrap();
    watch.observe(t.sim());
    assert_eq!(watch.verdicts()[1].status, Status::Failed);
    assert_eq!(watch.verdicts()[1].at.unwrap().time, 60_000);
    assert_eq!(watch.verdicts()[0].status, Status::Holding);
}

/// A driver that does not stop at deadlines (one event at a time, past them): `within` and
/// `at` are judged on the last state before their time, at that time.
#[test]
fn deadlines_passed_between_two_looks_use_the_state_before_them() {
    use podlab::pack::attempt::setup;
    use podlab::pack::check::Watch;
    let pack = pack(&[
        "eventually:\n  processes: {app: web, equals: 5}\nwithin: 90s",
        "at: 100s\nholds:\n  processes: {app: web, equals: 2}",
    ]);
    let ex = &pack.exercises[0];
    let (mut t, _) = setup(ex, u64::MAX).unwrap();
    let mut watch = Watch::new(ex);
    watch.observe(t.sim());
    while t.sim().now() < 200_000 && t.step().is_some() {
        watch.observe(t.sim());
    }
    let v = watch.verdicts();
    assert_eq!(v[0].status, Status::Failed);
    assert_eq!(v[0].at.unwrap().time, 150_000);
    assert!(v[0].seen.starts_with("2 ("), "{}", v[0].seen);
    assert_eq!(v[1].status, Status::Passed);
    assert_eq!(v[1].at.unwrap().time, 100_000);
    assert!(v[1].at.unwrap().events < t.sim().events_processed());
}

/// Looks at moments where only the clock moved change nothing: a page that also looks between
/// events reaches the verdicts, moments included, that `podlab grade` does. The AGE column
/// makes a query's output depend on time alone.
#[test]
fn extra_looks_between_events_do_not_change_verdicts() {
    use podlab::pack::attempt::setup;
    use podlab::pack::check::Watch;
    let pack = pack(&[
        "eventually:\n  query: kubectl get pods writer\n  contains: ' 91s'",
        "eventually:\n  query: kubectl get pods writer\n  contains: ' 97s'",
        "at: 150s\nholds:\n  query: kubectl get pods writer\n  contains: ' 2m'",
        "eventually:\n  processes: {app: web, equals: 3}\nwithin: 1s",
    ]);
    let ex = &pack.exercises[0];
    let run = |between: bool| {
        let (mut t, console) = setup(ex, u64::MAX).unwrap();
        let mut watch = Watch::new(ex);
        watch.observe(t.sim());
        console.run(&mut t, SCALE);
        watch.observe(t.sim());
        while let Some(next) = t.sim().next_event_time().filter(|n| *n < 240_000) {
            if between {
                let mut at = t.sim().now() + 250;
                while at < next {
                    t.run_to(at);
                    watch.observe(t.sim());
                    at += 250;
                }
            }
            t.step();
            watch.observe(t.sim());
        }
        t.run_to(240_000);
        watch.observe(t.sim());
        watch.finish(t.sim());
        watch.verdicts().into_iter().cloned().collect::<Vec<_>>()
    };
    let plain = run(false);
    let busy = run(true);
    assert_eq!(plain, busy);
    assert_eq!(
        statuses(&plain),
        [
            Status::Passed,
            Status::Passed,
            Status::Passed,
            Status::Failed
        ]
    );
}
