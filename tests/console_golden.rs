//! Golden tests: every console output format, printed for the book's Stateless example at fixed
//! seeds and times. Column headers are also asserted on their own against kubectl's printers
//! (ref §8, §5.2, §6.1, §2.1, §3.3). Rewrite the goldens with `PODLAB_BLESS=1 cargo test`.

use std::path::PathBuf;

use podlab::console::Console;
use podlab::sim::examples::{
    stateless_pv, stateless_pvc, stateless_replicaset_with_pv, stateless_service,
};
use podlab::sim::{Command, Sim, SimBuilder};

fn book_example(seed: u64) -> Sim {
    let mut sim = SimBuilder::new(seed).workers(3).build().unwrap();
    for o in [
        stateless_pv().into(),
        stateless_pvc().into(),
        stateless_replicaset_with_pv().into(),
        stateless_service().into(),
    ] {
        sim.apply(Command::Apply(o)).unwrap();
    }
    sim.run_for(90_000);
    sim
}

/// Compares with tests/golden/console/NAME.txt, or writes it when PODLAB_BLESS is set.
fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden/console")
        .join(format!("{name}.txt"));
    if std::env::var_os("PODLAB_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing golden {path:?}; run with PODLAB_BLESS=1"));
    assert_eq!(
        actual, expected,
        "console output for {name} differs from {path:?} (seed 11); PODLAB_BLESS=1 rewrites it"
    );
}

fn run(sim: &mut Sim, line: &str) -> String {
    let out = Console::new().run(sim, line);
    assert!(out.ok, "`{line}` failed:\n{}", out.text);
    out.text
}

fn header(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

fn columns(text: &str) -> Vec<&str> {
    header(text)
        .split("   ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn get_tables_have_kubectls_columns() {
    let mut sim = book_example(11);
    // ref §8: pod, rs, svc, node columns; §5.2: pvc, pv; §2.1: lease.
    let cases: &[(&str, &[&str])] = &[
        (
            "kubectl get pods",
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        ),
        (
            "kubectl get pods -o wide",
            &[
                "NAME",
                "READY",
                "STATUS",
                "RESTARTS",
                "AGE",
                "IP",
                "NODE",
                "NOMINATED NODE",
                "READINESS GATES",
            ],
        ),
        (
            "kubectl get rs",
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        ),
        (
            "kubectl get svc",
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
        ),
        (
            "kubectl get nodes",
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        ),
        (
            "kubectl get pvc",
            &[
                "NAME",
                "STATUS",
                "VOLUME",
                "CAPACITY",
                "ACCESS MODES",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "AGE",
            ],
        ),
        (
            "kubectl get pv",
            &[
                "NAME",
                "CAPACITY",
                "ACCESS MODES",
                "RECLAIM POLICY",
                "STATUS",
                "CLAIM",
                "STORAGECLASS",
                "VOLUMEATTRIBUTESCLASS",
                "REASON",
                "AGE",
            ],
        ),
        (
            "kubectl get lease -n kube-node-lease",
            &["NAME", "HOLDER", "AGE"],
        ),
        (
            "kubectl get lease -A",
            &["NAMESPACE", "NAME", "HOLDER", "AGE"],
        ),
    ];
    for (line, want) in cases {
        let text = run(&mut sim, line);
        assert_eq!(&columns(&text), want, "{line}");
    }
}

#[test]
fn get_output_formats() {
    let mut sim = book_example(11);
    let cases = [
        ("get-pods", "kubectl get pods"),
        ("get-pods-wide", "kubectl get pods -o wide"),
        ("get-pods-name", "kubectl get pods -o name"),
        // exec TYPE/NAME runs in one of the workload's pods.
        ("exec-rs-dig-short", "kubectl exec rs/random-generator -- dig +short random-generator.default.svc.cluster.local"),
        // The "all" category: each kind with objects, names prefixed with their type.
        ("get-all", "kubectl get all"),
        (
            "get-pods-labels-sorted",
            "kubectl get pods --show-labels --sort-by=.spec.nodeName",
        ),
        (
            "get-pods-jsonpath",
            r#"kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.podIP}{"\n"}{end}'"#,
        ),
        ("get-svc-yaml", "kubectl get svc random-generator -o yaml"),
        (
            "get-pvc-json",
            "kubectl get pvc random-generator-log -o json",
        ),
        ("get-rs-svc", "kubectl get rs,svc"),
        ("get-nodes-wide", "kubectl get nodes -o wide"),
        ("get-pv-pvc-sc", "kubectl get pv,pvc,sc"),
        ("get-endpointslices", "kubectl get endpointslices"),
        ("get-events", "kubectl get events --sort-by=.lastTimestamp"),
        ("get-lease-all", "kubectl get lease -A"),
        (
            "describe-pod",
            "kubectl describe pod -l app=random-generator",
        ),
        ("describe-node", "kubectl describe node node-1"),
        ("describe-pvc", "kubectl describe pvc random-generator-log"),
        ("describe-rs", "kubectl describe rs random-generator"),
        (
            "describe-lease",
            "kubectl describe lease node-1 -n kube-node-lease",
        ),
        ("dig-a", "dig random-generator.default.svc.cluster.local"),
        (
            "dig-short",
            "dig +short random-generator.default.svc.cluster.local",
        ),
        ("lab-ps", "lab ps"),
    ];
    for (name, line) in cases {
        let text = run(&mut sim, line);
        golden(name, &text);
    }
}

#[test]
fn a_partitioned_node_as_the_console_shows_it() {
    // ref §2.3: NotReady at ~50 s, eviction at ~350 s, the old pod stays Terminating.
    let mut sim = book_example(11);
    let node = run(
        &mut sim,
        "kubectl get pods -o jsonpath={.items[0].spec.nodeName}",
    );
    run(&mut sim, &format!("lab partition {node}"));
    sim.run_for(60_000);
    let nodes = run(&mut sim, "kubectl get nodes");
    assert!(nodes.contains(&format!("{node}   NotReady")), "{nodes}");
    golden("partition-nodes-60s", &nodes);
    sim.run_for(300_000);
    let pods = run(&mut sim, "kubectl get pods -o wide");
    assert!(pods.contains("Terminating"), "{pods}");
    golden("partition-pods-6m", &pods);
    let described = run(&mut sim, &format!("kubectl describe node {node}"));
    assert!(
        described.contains("node.kubernetes.io/unreachable:NoExecute"),
        "{described}"
    );
    assert!(
        described.contains("Kubelet stopped posting node status."),
        "{described}"
    );
    golden("partition-ps-6m", &run(&mut sim, "lab ps"));
}

#[test]
fn errors_read_like_kubectl() {
    let mut sim = book_example(11);
    let console = Console::new();
    let cases = [
        ("kubectl gett pods", "error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\tset\n"),
        ("kubectl get podz", "error: the server doesn't have a resource type \"podz\"\n"),
        ("kubectl get pods nope", "Error from server (NotFound): pods \"nope\" not found\n"),
        ("kubectl get pods --bogus", "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"),
        ("kubectl get pods -x", "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n"),
        ("kubectl get pods -o table", "error: unable to match a printer suitable for the output format \"table\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"),
        ("kubectl describe pod nope", "Error from server (NotFound): pods \"nope\" not found\n"),
        ("kubectl scale rs random-generator", "error: required flag(s) \"replicas\" not set\n"),
        ("kubectl cordon nope", "Error from server (NotFound): nodes \"nope\" not found\n"),
        ("helm install x", "helm: command not found (this console runs kubectl, dig, lab, kind, minikube and curl)\n"),
        ("kubectl get 'pods", "error: unexpected end of line: a single quote is not closed\n"),
        ("kubectl exec deploy/nope -- ls", "Error from server (NotFound): deployments.apps \"nope\" not found\n"),
    ];
    let digest = sim.trace().digest();
    for (line, want) in cases {
        let out = console.run(&mut sim, line);
        assert!(!out.ok, "`{line}` should fail");
        assert_eq!(out.text, want, "`{line}`");
    }
    // Failed commands change nothing.
    assert_eq!(sim.trace().digest(), digest);
}

#[test]
fn delete_follows_kubectls_grace_and_force_rules() {
    // ref §2.5 (3) [KDEL].
    let mut sim = book_example(11);
    let pods = run(&mut sim, "kubectl get pods -o name");
    let names: Vec<&str> = pods.lines().map(|l| l.trim_start_matches("pod/")).collect();
    let out = run(
        &mut sim,
        &format!("kubectl delete pod {} --grace-period=0 --force", names[0]),
    );
    assert_eq!(
        out,
        format!("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\npod \"{}\" force deleted\n", names[0])
    );
    let out = run(
        &mut sim,
        &format!("kubectl delete pod {} --force --grace-period=5", names[1]),
    );
    assert_eq!(
        out,
        format!(
            "warning: --force is ignored because --grace-period is not 0.\npod \"{}\" deleted\n",
            names[1]
        )
    );
    // A graceful delete leaves the pod Terminating for its grace period.
    let out = run(&mut sim, &format!("kubectl delete pod {}", names[2]));
    assert_eq!(out, format!("pod \"{}\" deleted\n", names[2]));
    let listed = run(&mut sim, "kubectl get pods");
    assert!(
        listed.contains(&format!("{}   1/1     Terminating", names[2])),
        "{listed}"
    );
}

#[test]
fn label_and_annotate_follow_kubectl() {
    let mut sim = book_example(11);
    assert_eq!(
        run(&mut sim, "kubectl label rs random-generator tier=web"),
        "replicaset.apps/random-generator labeled\n"
    );
    let out = Console::new().run(&mut sim, "kubectl label rs/random-generator tier=db");
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "error: 'tier' already has a value (web), and --overwrite is false\n"
    );
    // parseLabels refuses a key both set and removed before anything else is checked, the
    // object's lookup too (kubectl's Complete runs it before any request).
    for line in [
        "kubectl label rs/random-generator tier=db tier-",
        "kubectl label rs/random-generator tier- tier=db --overwrite",
        "kubectl label rs/nope tier=db tier-",
    ] {
        let out = Console::new().run(&mut sim, line);
        assert_eq!(
            (out.ok, out.text.as_str()),
            (
                false,
                "error: can not both modify and remove a label in the same command\n"
            ),
            "{line}"
        );
    }
    assert_eq!(
        run(
            &mut sim,
            "kubectl label rs/random-generator tier=db --overwrite"
        ),
        "replicaset.apps/random-generator labeled\n"
    );
    // Removing a label is "unlabeled" (kubectl's updateDataChangeMsg: the object got
    // shorter); one that is not there is named first.
    assert_eq!(
        run(&mut sim, "kubectl label rs random-generator gone=soon"),
        "replicaset.apps/random-generator labeled\n"
    );
    assert_eq!(
        run(&mut sim, "kubectl label rs random-generator gone- nosuch-"),
        "label \"nosuch\" not found.\nreplicaset.apps/random-generator unlabeled\n"
    );
    assert_eq!(
        run(&mut sim, "kubectl label rs random-generator nosuch-"),
        "label \"nosuch\" not found.\nreplicaset.apps/random-generator not labeled\n"
    );
    let out = Console::new().run(&mut sim, "kubectl label rs --all -l app=x a=b");
    assert_eq!(
        (out.ok, out.text.as_str()),
        (
            false,
            "error: cannot set --all and --selector at the same time\n"
        )
    );
    // A key given twice keeps its last value, as in parseLabels' map.
    assert_eq!(
        run(&mut sim, "kubectl label rs random-generator tier=x tier=db"),
        "replicaset.apps/random-generator not labeled\n"
    );
    assert_eq!(
        run(&mut sim, "kubectl annotate svc random-generator owner=ops"),
        "service/random-generator annotated\n"
    );
    let described = run(&mut sim, "kubectl describe rs random-generator");
    assert!(described.contains("tier=db"), "{described}");
    let out = Console::new().run(&mut sim, "kubectl annotate svc nope a=b");
    assert_eq!(
        out.text,
        "Error from server (NotFound): services \"nope\" not found\n"
    );
    // GetResourcesAndPairs and Validate, as kubectl's own TestLabelErrors has them: `pods` is
    // a resource without changes, `pods-` a change without resources; `-` and `=bar` are
    // resource names.
    for (line, want) in [
        ("kubectl label", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
        ("kubectl label pods", "error: at least one label update is required\n"),
        ("kubectl label pods -", "error: at least one label update is required\n"),
        ("kubectl label pods =bar", "error: at least one label update is required\n"),
        ("kubectl label pods-", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
        ("kubectl label pods=bar", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n"),
        ("kubectl label pods a=b", "error: resource(s) were provided, but no name was specified\n"),
    ] {
        let out = Console::new().run(&mut sim, line);
        assert_eq!((out.ok, out.text.as_str()), (false, want), "{line}");
    }
    // Several objects in one command, one missing: the others are labelled, the error last.
    let mut sim = book_example(11);
    let pod = run(
        &mut sim,
        "kubectl get pods -o jsonpath={.items[0].metadata.name}",
    );
    let out = Console::new().run(&mut sim, &format!("kubectl label pod {pod} nope team=a"));
    assert_eq!(
        (out.ok, out.text),
        (
            false,
            format!("pod/{pod} labeled\nError from server (NotFound): pods \"nope\" not found\n")
        )
    );
    assert_eq!(
        run(
            &mut sim,
            &format!("kubectl label pod/{pod} svc/random-generator team=b --overwrite")
        ),
        format!("pod/{pod} labeled\nservice/random-generator labeled\n")
    );
}

#[test]
fn label_checks_values_itself_and_the_api_server_checks_keys() {
    // kubectl's parseLabels checks a value (IsValidLabelValue, messages joined by ";") and
    // calls a spec without '=' or a trailing '-' unknown; the key reaches the API server, whose
    // ValidateLabels answers with IsQualifiedName's text.
    let mut sim = book_example(11);
    let cases = [
        (
            "kubectl label node node-1 'foo=bad value'",
            "error: invalid label value: \"foo=bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
        ),
        (
            "kubectl label node node-1 a=b=c",
            "error: invalid label spec: a=b=c\n",
        ),
        // GetResourcesAndPairs: a word that is no change is a resource, before the changes.
        (
            "kubectl label node node-1 foo",
            "error: at least one label update is required\n",
        ),
        (
            "kubectl label node node-1 a=b foo",
            "error: all resources must be specified before label changes: foo\n",
        ),

        (
            "kubectl label node node-1 a/b/c=x",
            "The Node \"node-1\" is invalid: metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n",
        ),
        (
            "kubectl label node node-1 x/-y=1",
            "The Node \"node-1\" is invalid: metadata.labels: Invalid value: \"x/-y\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n",
        ),
    ];
    for (line, want) in cases {
        let out = Console::new().run(&mut sim, line);
        assert!(!out.ok, "{line}");
        assert_eq!(out.text, want, "{line}");
    }
    let labels = run(&mut sim, "kubectl get node node-1 --show-labels");
    assert!(!labels.contains("a/b/c"), "{labels}");
}

/// Runs `line` and returns what it printed, failing or not.
fn run_any(sim: &mut Sim, line: &str) -> (String, bool) {
    let out = Console::new().run(sim, line);
    (out.text, out.ok)
}

fn first_pod(sim: &mut Sim, selector: &str) -> String {
    run(
        sim,
        &format!("kubectl get pods -l {selector} -o jsonpath={{.items[0].metadata.name}}"),
    )
}

#[test]
fn logs_forms() {
    let mut sim = book_example(11);
    let pod = first_pod(&mut sim, "app=random-generator");
    let forms = [
        ("logs-pod", format!("kubectl logs {pod}")),
        (
            "logs-pod-prefixed",
            format!("kubectl logs pod/{pod} -n default"),
        ),
        (
            "logs-timestamps",
            format!("kubectl logs {pod} --timestamps"),
        ),
        ("logs-tail", format!("kubectl logs {pod} --tail 1")),
        ("logs-rs", "kubectl logs rs/random-generator".to_string()),
        (
            "logs-selector",
            "kubectl logs -l app=random-generator".to_string(),
        ),
    ];
    for (name, line) in &forms {
        golden(name, &run(&mut sim, line));
    }

    // A Deployment: kubectl picks one of its pods and says which.
    sim.apply(Command::Apply(
        podlab::sim::examples::deployment(
            "web",
            2,
            podlab::sim::examples::random_generator_container(),
        )
        .into(),
    ))
    .unwrap();
    sim.run_for(30_000);
    golden("logs-deploy", &run(&mut sim, "kubectl logs deploy/web"));

    // Two containers: the first is the default, and kubectl says so.
    let mut two = podlab::sim::examples::pod(
        "two",
        &[("app", "two")],
        podlab::sim::examples::random_generator_container(),
    );
    two.spec
        .containers
        .push(podlab::model::Container::new("sidecar", "busybox:1.36"));
    sim.apply(Command::Apply(two.into())).unwrap();
    sim.run_for(10_000);
    golden("logs-multi-default", &run(&mut sim, "kubectl logs two"));
    golden(
        "logs-multi-c",
        &run(&mut sim, "kubectl logs two -c sidecar"),
    );
    golden(
        "logs-multi-inline",
        &run(&mut sim, "kubectl logs two random-generator --tail=1"),
    );

    // A killed container restarts: --previous shows the old instance, the new log starts empty
    // but for its own lines.
    run(&mut sim, &format!("lab kill {pod}"));
    sim.run_for(15_000);
    golden(
        "logs-previous",
        &run(&mut sim, &format!("kubectl logs {pod} -p --timestamps")),
    );
    golden(
        "logs-after-restart",
        &run(&mut sim, &format!("kubectl logs {pod} --timestamps")),
    );

    // SIGTERM: the app's shutdown hook logs while the pod is Terminating.
    run(&mut sim, &format!("kubectl delete pod {pod}"));
    sim.run_for(200);
    golden(
        "logs-terminating",
        &run(&mut sim, &format!("kubectl logs {pod}")),
    );
}

#[test]
fn logs_errors() {
    let mut sim = book_example(11);
    let pod = first_pod(&mut sim, "app=random-generator");
    let digest = sim.trace().digest();
    let cases = [
        ("logs-err-not-found", "kubectl logs nope".to_string()),
        (
            "logs-err-deploy-not-found",
            "kubectl logs deploy/nope".to_string(),
        ),
        ("logs-err-usage", "kubectl logs".to_string()),
        ("logs-err-container", format!("kubectl logs {pod} -c nope")),
        (
            "logs-err-no-previous",
            format!("kubectl logs {pod} --previous"),
        ),
        ("logs-err-tail", format!("kubectl logs {pod} --tail=-2")),
        (
            "logs-err-tail-syntax",
            format!("kubectl logs {pod} --tail=x"),
        ),
        (
            "logs-err-name-and-selector",
            format!("kubectl logs {pod} random-generator -l app=x"),
        ),
        (
            "logs-err-inline-and-c",
            format!("kubectl logs {pod} random-generator -c random-generator"),
        ),
        (
            "logs-err-selector-and-name",
            format!("kubectl logs {pod} -l app=x"),
        ),
        (
            "logs-err-svc-container",
            "kubectl logs svc/random-generator -c nope".to_string(),
        ),
        ("logs-err-node", "kubectl logs node/node-1".to_string()),
    ];
    for (name, line) in &cases {
        let (text, ok) = run_any(&mut sim, line);
        assert!(!ok, "`{line}` should fail:\n{text}");
        golden(name, &text);
    }
    assert_eq!(
        sim.trace().digest(),
        digest,
        "failed logs commands change nothing"
    );

    // A pod whose container is still being created.
    let fresh = podlab::sim::examples::pod(
        "fresh",
        &[("app", "fresh")],
        podlab::sim::examples::random_generator_container(),
    );
    sim.apply(Command::Apply(fresh.into())).unwrap();
    sim.run_for(200);
    let (text, ok) = run_any(&mut sim, "kubectl logs fresh");
    assert!(!ok, "{text}");
    golden("logs-err-creating", &text);

    // A Deployment without pods yet: kubectl waits for the first one (in simulated time), which
    // is still being created.
    sim.apply(Command::Apply(
        podlab::sim::examples::deployment(
            "web",
            1,
            podlab::sim::examples::random_generator_container(),
        )
        .into(),
    ))
    .unwrap();
    let before = sim.now();
    let (text, ok) = run_any(&mut sim, "kubectl logs deploy/web");
    assert!(!ok, "{text}");
    assert!(sim.now() > before, "kubectl waited for a pod");
    golden("logs-err-deploy-just-created", &text);
    // None at all: it gives up after --pod-running-timeout.
    run(&mut sim, "kubectl scale deploy web --replicas=0");
    sim.run_for(40_000);
    let before = sim.now();
    let (text, ok) = run_any(&mut sim, "kubectl logs deploy/web --pod-running-timeout=5s");
    assert!(!ok, "{text}");
    assert_eq!(sim.now(), before + 5_000);
    golden("logs-err-deploy-no-pods", &text);

    // The API server reads logs from the kubelet; a node cut off from the control plane, or
    // powered off, cannot be dialled, although its process may still run and write.
    let node = run(
        &mut sim,
        &format!("kubectl get pod {pod} -o jsonpath={{.spec.nodeName}}"),
    );
    run(&mut sim, &format!("lab partition {node}"));
    sim.run_for(5_000);
    let (text, ok) = run_any(&mut sim, &format!("kubectl logs {pod}"));
    assert!(!ok, "{text}");
    golden("logs-err-partitioned", &text);
    let (text, _) = run_any(
        &mut sim,
        &format!("kubectl logs {pod} -p --tail 5 --timestamps"),
    );
    golden("logs-err-partitioned-query", &text);
    run(&mut sim, &format!("lab heal {node}"));
    sim.run_for(5_000);
    assert!(run_any(&mut sim, &format!("kubectl logs {pod}")).1);
    run(&mut sim, &format!("lab crash {node}"));
    sim.run_for(1_000);
    let (text, ok) = run_any(&mut sim, &format!("kubectl logs {pod}"));
    assert!(!ok, "{text}");
    golden("logs-err-powered-off", &text);
}

/// `describe sts` in kubectl's StatefulSetDescriber layout and `get sts -o wide`, for the book's
/// StatefulService example (k8spatterns/examples, CC BY 4.0). No StatefulSet controller runs
/// yet, so it has no pods.
#[test]
fn statefulset_describe_and_wide() {
    let mut console = Console::new();
    for (f, text) in [
        (
            "service.yml",
            include_str!("fixtures/stateful-service/service.yml"),
        ),
        (
            "statefulset.yml",
            include_str!("fixtures/stateful-service/statefulset.yml"),
        ),
    ] {
        console.files.insert(f.into(), text.into());
    }
    let mut sim = SimBuilder::new(11).workers(3).build().unwrap();
    let out = console.run(&mut sim, "kubectl apply -f service.yml -f statefulset.yml");
    assert!(out.ok, "{}", out.text);
    sim.run_for(30_000);
    golden("describe-sts", &run(&mut sim, "kubectl describe sts rg"));
    golden("get-sts-wide", &run(&mut sim, "kubectl get sts -o wide"));
}

/// `kubectl rollout restart|pause|resume` and the rollout verbs' refusals, as kubectl prints
/// them (its rollout_pause.go, rollout_resume.go, rollout_restart.go and the polymorphic
/// helpers). A Deployment `web` and the docs' StatefulSet `web`; no StatefulSet controller runs,
/// so its rollout is never observed.
#[test]
fn rollout_verbs_and_refusals() {
    let mut console = Console::new();
    let sts = include_str!("fixtures/docs-statefulset.yaml");
    let partitioned = sts.replace(
        "  minReadySeconds: 10 # by default is 0\n",
        "  minReadySeconds: 10\n  updateStrategy:\n    rollingUpdate:\n      partition: 1\n      maxUnavailable: 2\n",
    );
    assert_ne!(partitioned, sts);
    console.files.insert("sts.yaml".into(), sts.into());
    console.files.insert("partitioned.yaml".into(), partitioned);
    let mut sim = SimBuilder::new(11).workers(3).build().unwrap();
    sim.apply(Command::Apply(
        podlab::sim::examples::deployment(
            "web",
            2,
            podlab::sim::examples::random_generator_container(),
        )
        .into(),
    ))
    .unwrap();
    assert!(console.run(&mut sim, "kubectl apply -f sts.yaml").ok);
    sim.run_for(60_000);
    let say = |sim: &mut Sim, name: &str, line: &str, ok: bool| {
        let out = console.run(sim, line);
        assert_eq!(out.ok, ok, "`{line}`:\n{}", out.text);
        golden(name, &out.text);
    };
    say(
        &mut sim,
        "rollout-pause",
        "kubectl rollout pause deployment/web",
        true,
    );
    say(
        &mut sim,
        "rollout-err-already-paused",
        "kubectl rollout pause deployment/web",
        false,
    );
    say(
        &mut sim,
        "rollout-err-restart-paused",
        "kubectl rollout restart deploy web",
        false,
    );
    say(
        &mut sim,
        "rollout-resume",
        "kubectl rollout resume deployment/web",
        true,
    );
    say(
        &mut sim,
        "rollout-err-not-paused",
        "kubectl rollout resume deployment/web",
        false,
    );
    say(
        &mut sim,
        "rollout-restart",
        "kubectl rollout restart deployment/web",
        true,
    );
    // The same simulated second: kubectl's patch would be empty.
    say(
        &mut sim,
        "rollout-err-restart-same-second",
        "kubectl rollout restart deployment/web",
        false,
    );
    say(
        &mut sim,
        "rollout-restart-sts",
        "kubectl rollout restart sts/web",
        true,
    );
    say(
        &mut sim,
        "rollout-err-pause-sts",
        "kubectl rollout pause statefulset web",
        false,
    );
    say(
        &mut sim,
        "rollout-err-resume-sts",
        "kubectl rollout resume sts/web",
        false,
    );
    say(
        &mut sim,
        "rollout-err-not-found",
        "kubectl rollout pause deployment/nope",
        false,
    );
    say(
        &mut sim,
        "rollout-history-sts",
        "kubectl rollout history sts/web",
        true,
    );
    let rs = run(&mut sim, "kubectl get rs -o name");
    let rs = rs.lines().next().unwrap_or_default().to_string();
    say(
        &mut sim,
        "rollout-err-restart-rs",
        &format!("kubectl rollout restart {rs}"),
        false,
    );
    say(
        &mut sim,
        "rollout-err-status-rs",
        &format!("kubectl rollout status {rs}"),
        false,
    );
    say(
        &mut sim,
        "rollout-err-history-rs",
        &format!("kubectl rollout history {rs}"),
        false,
    );
    say(
        &mut sim,
        "rollout-err-undo-rs",
        &format!("kubectl rollout undo {rs}"),
        false,
    );
    // Without a StatefulSet controller, the set is never observed: the watch times out.
    let before = sim.now();
    say(
        &mut sim,
        "rollout-status-sts",
        "kubectl rollout status sts/web --timeout=5s",
        false,
    );
    assert_eq!(sim.now(), before + 5_000);

    // The restart stamped both templates with the simulated time.
    let d = sim
        .cluster()
        .get::<podlab::model::Deployment>("default", "web")
        .unwrap();
    let s = sim
        .cluster()
        .get::<podlab::model::StatefulSet>("default", "web")
        .unwrap();
    let key = "kubectl.kubernetes.io/restartedAt";
    assert_eq!(
        d.spec.template.metadata.annotations[key],
        "2025-01-01T00:01:00Z"
    );
    assert_eq!(
        s.spec.template.metadata.annotations[key],
        "2025-01-01T00:01:00Z"
    );

    // The template's annotation shows in describe, as kubectl's DescribePodTemplate prints it.
    golden(
        "describe-deploy-restarted",
        &run(&mut sim, "kubectl describe deploy web"),
    );

    // maxUnavailable prints under the partition.
    assert!(
        console
            .run(&mut sim, "kubectl apply -f partitioned.yaml")
            .ok
    );
    golden(
        "describe-sts-partition",
        &run(&mut sim, "kubectl describe sts web"),
    );
    // A bare TYPE means every object of it; several objects report as they go, errors last.
    let out = console.run(&mut sim, "kubectl rollout pause deployment");
    assert_eq!(
        (out.text.as_str(), out.ok),
        ("deployment.apps/web paused\n", true)
    );
    let out = console.run(&mut sim, "kubectl rollout resume deploy web nope");
    assert_eq!(
        (out.text.as_str(), out.ok),
        (
            "deployment.apps/web resumed\nError from server (NotFound): deployments.apps \"nope\" not found\n",
            false
        )
    );
    // None of the type: restart says so, pause prints nothing (both succeed, as in kubectl).
    let out = console.run(&mut sim, "kubectl rollout restart cm");
    assert_eq!(
        (out.text.as_str(), out.ok),
        ("No resources found in default namespace.\n", true)
    );
    let out = console.run(&mut sim, "kubectl rollout pause cm");
    assert_eq!((out.text.as_str(), out.ok), ("", true));
    let out = console.run(&mut sim, "kubectl rollout status node/node-1");
    assert_eq!(
        out.text,
        "error: no status viewer has been implemented for Node\n"
    );
    for line in [
        "kubectl rollout",
        "kubectl rollout restart",
        "kubectl rollout pause sts",
        "kubectl rollout undo sts/nope",
        "kubectl rollout bogus deploy/web",
    ] {
        assert!(!console.run(&mut sim, line).ok, "{line}");
    }
}

/// kubectl's `Status: Terminating (lasts AGE)` is the age of the deletion timestamp, which is a
/// grace period after the delete: "<invalid>" during the grace period, then time since it.
#[test]
fn describe_an_evicted_pod_says_how_long_it_has_been_terminating() {
    let mut sim = book_example(11);
    let node = run(
        &mut sim,
        "kubectl get pods -o jsonpath={.items[0].spec.nodeName}",
    );
    run(&mut sim, &format!("lab partition {node}"));
    // Wait for the eviction: the first pod on the node with a deletion timestamp.
    let terminating = |sim: &mut Sim| {
        let out = run(sim, "kubectl get pods --no-headers");
        out.lines()
            .find(|l| l.contains("Terminating"))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
    };
    let mut waited = 0;
    let pod = loop {
        if let Some(p) = terminating(&mut sim) {
            break p;
        }
        sim.run_for(1_000);
        waited += 1_000;
        assert!(waited < 900_000, "no eviction");
    };
    let deleted_at = run(
        &mut sim,
        &format!("kubectl get pod {pod} -o jsonpath={{.metadata.deletionTimestamp}}"),
    );
    let grace = run(
        &mut sim,
        &format!("kubectl get pod {pod} -o jsonpath={{.metadata.deletionGracePeriodSeconds}}"),
    );
    assert!(!deleted_at.is_empty(), "{pod} has a deletion timestamp");
    let described = run(&mut sim, &format!("kubectl describe pod {pod}"));
    assert!(
        described.contains("Terminating (lasts <invalid>)"),
        "during the grace period kubectl prints <invalid>:\n{described}"
    );
    // 90 s after the eviction: 90 s minus the grace period past the deletion timestamp.
    sim.run_for(90_000);
    let grace_s: u64 = grace.trim().parse().unwrap();
    let described = run(&mut sim, &format!("kubectl describe pod {pod}"));
    assert!(
        described.contains(&format!("Terminating (lasts {}s)", 90 - grace_s)),
        "{described}"
    );
    assert!(
        described
            .lines()
            .any(|l| l.starts_with("Termination Grace Period:")
                && l.ends_with(&format!(" {grace_s}s"))),
        "{described}"
    );
}

#[test]
fn get_ep_prints_endpoints_from_the_slices_with_kubectls_warning() {
    let mut sim = book_example(11);
    let out = run(&mut sim, "kubectl get ep");
    golden("get-ep", &out);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
        )
    );
    assert_eq!(
        columns(lines.next().map_or("", |l| l)),
        ["NAME", "ENDPOINTS", "AGE"]
    );
    assert_eq!(run(&mut sim, "kubectl get endpoints random-generator"), out);
    let (missing, ok) = run_any(&mut sim, "kubectl get ep nope");
    assert!(!ok);
    assert!(missing.ends_with("Error from server (NotFound): endpoints \"nope\" not found\n"));
}

#[test]
fn kubectl_help_lists_the_commands_the_console_runs() {
    let mut sim = book_example(11);
    let help = run(&mut sim, "kubectl help");
    assert!(help.starts_with("kubectl controls the Kubernetes cluster manager."));
    for verb in [
        "annotate", "apply", "cordon", "create", "delete", "describe", "drain", "exec", "get",
        "label", "logs", "rollout", "scale", "taint", "uncordon",
    ] {
        assert!(
            help.lines()
                .any(|l| l.trim_start().starts_with(&format!("{verb} "))),
            "help lists {verb}:\n{help}"
        );
    }
    assert_eq!(run(&mut sim, "kubectl --help"), help);
}

/// The book's example and its first pod: (the sim, the pod's name, its uid).
fn book_example_pod() -> (Sim, String, String) {
    let mut sim = book_example(11);
    let pod = run(
        &mut sim,
        "kubectl get pods -o jsonpath={.items[0].metadata.name}",
    );
    let uid = run(
        &mut sim,
        &format!("kubectl get pod {pod} -o jsonpath={{.metadata.uid}}"),
    );
    (sim, pod, uid)
}

/// An Event about `pod` (with `uid`, if any) as a file a learner would write.
fn event_yaml(name: &str, pod: &str, uid: &str, reason: &str, more: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Event\nmetadata:\n  name: {name}\ninvolvedObject:\n  kind: Pod\n  namespace: default\n  name: {pod}\n  uid: \"{uid}\"\nreason: {reason}\nmessage: written by a test\ntype: Normal\n{more}"
    )
}

#[test]
fn describe_lists_an_event_made_by_hand_that_names_the_pods_uid() {
    // kubectl describe asks the API server for the Events whose involvedObject is the pod,
    // selecting on its name, namespace and uid (`searchEvents`), whatever the Events' names:
    // one made by hand with the pod's uid is listed with those the kubelet wrote; one without
    // the uid is not.
    let (mut sim, pod, uid) = book_example_pod();
    let before = run(&mut sim, &format!("kubectl describe pod {pod}"));
    assert!(before.contains("  Normal  Started"), "{before}");
    let mut console = Console::new();
    console.files.insert(
        "event.yaml".into(),
        event_yaml("by-hand", &pod, &uid, "HandMade", ""),
    );
    console.files.insert(
        "other.yaml".into(),
        event_yaml("no-uid", &pod, "", "NoUid", ""),
    );
    for f in ["event.yaml", "other.yaml"] {
        let out = console.run(&mut sim, &format!("kubectl apply -f {f}"));
        assert!(out.ok, "{}", out.text);
    }
    let after = run(&mut sim, &format!("kubectl describe pod {pod}"));
    assert!(after.contains("HandMade"), "{after}");
    assert!(!after.contains("NoUid"), "{after}");
    assert!(after.contains("  Normal  Started"), "{after}");
    // Issue 16: while every Event is named `<object>.<suffix>`, describe reads only the
    // object's own names; one named so by hand is found that way, before and after the
    // others go.
    console.files.insert(
        "named.yaml".into(),
        event_yaml(&format!("{pod}.handmade"), &pod, &uid, "NamedLikeIt", ""),
    );
    let out = console.run(&mut sim, "kubectl apply -f named.yaml");
    assert!(out.ok, "{}", out.text);
    let out = console.run(&mut sim, "kubectl delete event by-hand no-uid");
    assert!(out.ok, "{}", out.text);
    let last = run(&mut sim, &format!("kubectl describe pod {pod}"));
    assert!(last.contains("NamedLikeIt"), "{last}");
    assert!(!last.contains("HandMade"), "{last}");
    assert!(last.contains("  Normal  Started"), "{last}");
}

#[test]
fn describe_orders_events_by_their_last_timestamp() {
    // kubectl's DescribeEvents sorts by lastTimestamp (`SortableEvents`), in the whole seconds
    // the API sends: an Event repeated until later comes after one first seen after it.
    let (mut sim, pod, uid) = book_example_pod();
    let mut console = Console::new();
    let event = |name: &str, reason: &str, first: &str, last: &str, count: u32| {
        event_yaml(
            name,
            &pod,
            &uid,
            reason,
            &format!("count: {count}\nfirstTimestamp: \"{first}\"\nlastTimestamp: \"{last}\"\n"),
        )
    };
    console.files.insert(
        "a.yaml".into(),
        event(
            "a-repeated",
            "Repeated",
            "2025-01-01T00:00:10Z",
            "2025-01-01T00:01:40Z",
            4,
        ),
    );
    console.files.insert(
        "b.yaml".into(),
        event(
            "b-once",
            "Once",
            "2025-01-01T00:00:50Z",
            "2025-01-01T00:00:50Z",
            1,
        ),
    );
    for f in ["a.yaml", "b.yaml"] {
        let out = console.run(&mut sim, &format!("kubectl apply -f {f}"));
        assert!(out.ok, "{}", out.text);
    }
    let out = run(&mut sim, &format!("kubectl describe pod {pod}"));
    let (once, repeated) = (out.find("Once").unwrap(), out.find("Repeated").unwrap());
    assert!(once < repeated, "{out}");
}
