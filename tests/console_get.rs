//! `kubectl get -o custom-columns=...`, as the book's Singleton guide types it.

mod common;

use podlab::console::Console;
use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::{Command, SimBuilder};

#[test]
fn custom_columns_print_one_column_per_path() {
    let mut sim = SimBuilder::new(3).workers(2).build().unwrap();
    sim.apply(Command::Apply(
        replicaset("web", 2, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(20_000);
    let console = Console::new();
    let out = console.run(
        &mut sim,
        "kubectl get pods -o=custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
    );
    assert!(out.ok, "{}", out.text);
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.text);
    assert!(lines[0].starts_with("NAME ") && lines[0].trim_end().ends_with("NODE"));
    for (line, pod) in lines[1..]
        .iter()
        .zip(sim.cluster().list::<podlab::model::Pod>())
    {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cells,
            [pod.metadata.name.as_str(), pod.spec.node_name.as_str()]
        );
    }
    // A path that finds nothing is <none>; without headers only the rows print.
    let out = console.run(
        &mut sim,
        "kubectl get pods -o custom-columns=NAME:.metadata.name,X:.nope --no-headers",
    );
    assert!(out.text.lines().all(|l| l.trim_end().ends_with("<none>")));
    assert_eq!(out.text.lines().count(), 2);
    let out = console.run(&mut sim, "kubectl get pods -o custom-columns=NAME");
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"
    );
}

/// `kubectl set image`: the template changes and the Deployment rolls (ref §1 for its pods).
#[test]
fn set_image_updates_the_template() {
    let mut sim = SimBuilder::new(4).workers(2).build().unwrap();
    sim.apply(Command::Apply(
        podlab::sim::examples::deployment("web", 2, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(30_000);
    let console = Console::new();
    let out = console.run(
        &mut sim,
        "kubectl set image deployment/web random-generator=k8spatterns/random-generator:2.0",
    );
    assert_eq!(
        (out.text.as_str(), out.ok),
        ("deployment.apps/web image updated\n", true)
    );
    let d = sim
        .cluster()
        .get::<podlab::model::Deployment>("default", "web")
        .unwrap();
    assert_eq!(
        d.spec.template.spec.containers[0].image,
        "k8spatterns/random-generator:2.0"
    );
    // The same image again changes nothing and prints nothing.
    let out = console.run(
        &mut sim,
        "kubectl set image deploy web random-generator=k8spatterns/random-generator:2.0",
    );
    assert_eq!((out.text.as_str(), out.ok), ("", true));
    let out = console.run(&mut sim, "kubectl set image deployment/web nope=x");
    assert_eq!(out.text, "error: unable to find container named \"nope\"\n");
    sim.run_for(120_000);
    assert!(sim
        .cluster()
        .list::<podlab::model::Pod>()
        .all(|p| p.spec.containers[0].image.ends_with(":2.0")));
}

/// `-L` adds a column per label; `--field-selector` filters on the fields the API server indexes.
#[test]
fn label_columns_and_field_selectors() {
    let mut sim = SimBuilder::new(5).workers(2).build().unwrap();
    sim.apply(Command::Apply(
        replicaset("web", 2, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(20_000);
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl get pods -L app,example.com/tier");
    let header: Vec<&str> = out
        .text
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "APP", "TIER"]
    );
    assert!(
        out.text
            .lines()
            .skip(1)
            .all(|l| l.trim_end().ends_with(" web")),
        "{}",
        out.text
    );
    let pod = sim
        .cluster()
        .list::<podlab::model::Pod>()
        .next()
        .unwrap()
        .clone();
    let out = console.run(
        &mut sim,
        &format!(
            "kubectl get pods --field-selector spec.nodeName={} -o name",
            pod.spec.node_name
        ),
    );
    assert!(
        out.text.contains(&format!("pod/{}", pod.metadata.name)),
        "{}",
        out.text
    );
    let out = console.run(
        &mut sim,
        &format!(
            "kubectl get pods --field-selector metadata.name!={} -o name",
            pod.metadata.name
        ),
    );
    assert_eq!(out.text.lines().count(), 1);
    assert!(!out.text.contains(&*pod.metadata.name));
    let out = console.run(
        &mut sim,
        "kubectl get pods --field-selector status.phase==Pending",
    );
    assert_eq!(out.text, "No resources found in default namespace.\n");
    let out = console.run(&mut sim, "kubectl get pods --field-selector spec.nope=x");
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"spec.nope=x\": field label not supported: spec.nope\n"
    );
}

/// `kubectl wait` runs simulated time until the condition holds, or says it timed out.
#[test]
fn wait_for_ready_and_for_delete() {
    let (mut sim, pod) = common::web_pod(6, 500);
    let console = Console::new();
    let before = sim.now();
    let out = console.run(
        &mut sim,
        &format!("kubectl wait --for=condition=Ready pod/{pod}"),
    );
    assert_eq!(
        (out.text.clone(), out.ok),
        (format!("pod/{pod} condition met\n"), true)
    );
    assert!(sim.now() > before, "time ran until the pod was ready");
    assert!(sim
        .cluster()
        .get::<podlab::model::Pod>("default", &pod)
        .unwrap()
        .is_ready());
    let out = console.run(
        &mut sim,
        "kubectl wait --for=condition=Ready pods -l app=web --timeout=5s",
    );
    assert!(out.ok, "{}", out.text);
    let out = console.run(
        &mut sim,
        &format!("kubectl wait --for=jsonpath={{.status.phase}}=Failed pod/{pod} --timeout=2s"),
    );
    assert_eq!(
        (out.text.clone(), out.ok),
        (
            format!("error: timed out waiting for the condition on pods/{pod}\n"),
            false
        )
    );
    assert!(
        console
            .run(&mut sim, &format!("kubectl delete pod {pod}"))
            .ok
    );
    let out = console.run(
        &mut sim,
        &format!("kubectl wait --for=delete pod/{pod} --timeout=60s"),
    );
    assert!(out.ok, "{}", out.text);
}

/// What the course writers tripped over, as kubectl answers it: a type named twice
/// (cli-runtime's resource builder), `\.` inside a jsonpath key, and a map printed by jsonpath
/// as json.Marshal writes it (client-go util/jsonpath).
#[test]
fn type_named_twice_escaped_keys_and_jsonpath_maps() {
    let (mut sim, pod) = common::web_pod(7, 20_000);
    let console = Console::new();
    let out = console.run(&mut sim, &format!("kubectl delete pod pod/{pod}"));
    assert!(!out.ok);
    assert!(
        out.text.starts_with(
            "error: there is no need to specify a resource type as a separate argument"
        ),
        "{}",
        out.text
    );
    let out = console.run(&mut sim, "kubectl label rs web team.example.com/owner=lab");
    assert!(out.ok, "{}", out.text);
    let out = console.run(
        &mut sim,
        r"kubectl get rs web -o jsonpath='{.metadata.labels.team\.example\.com/owner}'",
    );
    assert_eq!(out.text, "lab");
    let out = console.run(&mut sim, "kubectl get rs web -o jsonpath={.spec.selector}");
    assert_eq!(out.text, r#"{"matchLabels":{"app":"web"}}"#);
}

/// `kubectl create deployment`, as the Kubernetes docs' tutorials open (kubectl's
/// create_deployment.go): label `app: NAME`, a container named after the image without its
/// path, tag or digest, the command after `--`, `--port` on the first container; an existing
/// name is the API server's AlreadyExists, wrapped as kubectl wraps it.
#[test]
fn create_deployment_builds_what_kubectl_builds() {
    let mut sim = SimBuilder::new(4).workers(1).build().unwrap();
    let console = Console::new();
    let out = console.run(
        &mut sim,
        "kubectl create deployment hello-node --image=registry.k8s.io/e2e-test-images/agnhost:2.39 --port=8080 -- /agnhost netexec --http-port=8080",
    );
    assert_eq!(out.text, "deployment.apps/hello-node created\n");
    let d = sim
        .cluster()
        .get::<podlab::model::Deployment>("default", "hello-node")
        .unwrap()
        .clone();
    assert_eq!(
        d.metadata.labels.get("app").map(String::as_str),
        Some("hello-node")
    );
    let c = &d.spec.template.spec.containers[0];
    assert_eq!(c.name, "agnhost");
    assert_eq!(c.command, ["/agnhost", "netexec", "--http-port=8080"]);
    assert_eq!(c.ports[0].container_port, 8080);
    sim.run_for(30_000);
    let out = console.run(&mut sim, "kubectl get deploy hello-node");
    assert!(out.text.contains("hello-node   1/1"), "{}", out.text);
    let out = console.run(
        &mut sim,
        "kubectl create deployment hello-node --image=nginx",
    );
    assert_eq!(
        out.text,
        "error: failed to create deployment: deployments.apps \"hello-node\" already exists\n"
    );
    let out = console.run(&mut sim, "kubectl create deployment web");
    assert_eq!(out.text, "error: required flag(s) \"image\" not set\n");
}
