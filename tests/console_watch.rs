//! Issue 15's last console verbs and issue 16's console inputs: `get -w`, `watch`,
//! `-o go-template`/`--template`, `--show-kind`, `edit`/`replace`, and the bad inputs
//! (`--sort-by` unclosed, a JSONPath index out of range, a trailing backslash, `-n ''`,
//! replicas above int32, cordon of several nodes, `label --all`, `lab ps` with arguments).

use podlab::console::Console;
use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::{Command, Sim, SimBuilder};

fn cluster() -> Sim {
    let mut sim = SimBuilder::new(3).workers(2).build().unwrap();
    sim.apply(Command::Apply(
        replicaset("web", 2, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(20_000);
    sim
}

fn pods(sim: &Sim) -> Vec<String> {
    sim.cluster()
        .list::<podlab::model::Pod>()
        .map(|p| p.metadata.name.to_string())
        .collect()
}

/// kubectl's get.go watch: the list, then a row per event of a listed object, without a
/// second header, columns as wide as the widest cell so far (tabwriter RememberWidths).
#[test]
fn get_watch_prints_the_list_then_a_row_per_change() {
    let mut sim = cluster();
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl get pods -w");
    assert!(out.ok, "{}", out.text);
    assert_eq!(out.text, console.run(&mut sim, "kubectl get pods").text);
    assert_eq!(console.watching().as_deref(), Some("kubectl get pods -w"));
    // Nothing changed yet: nothing to print.
    assert_eq!(console.poll_watch(&sim), None);
    let victim = pods(&sim)[0].clone();
    sim.apply(Command::Delete {
        kind: podlab::model::Kind::Pod,
        namespace: "default".into(),
        name: victim.clone(),
        options: Default::default(),
    })
    .unwrap();
    let (line, text) = console.poll_watch(&sim).expect("the deletion prints");
    assert_eq!(line, "kubectl get pods -w");
    assert!(!text.contains("NAME"), "no second header: {text}");
    assert!(
        text.starts_with(&victim) && text.contains("Terminating"),
        "{text}"
    );
    // The replacement's rows follow as time runs; every row lines up under the header.
    let header = out.text.lines().next().unwrap().to_string();
    let status_at = header.find("STATUS").unwrap();
    let mut printed = String::new();
    for _ in 0..200 {
        sim.step();
        if let Some((_, t)) = console.poll_watch(&sim) {
            printed.push_str(&t);
        }
    }
    assert!(printed.contains("Pending"), "{printed}");
    assert!(printed.contains("Running"), "{printed}");
    for row in printed.lines() {
        let status = row.find(['P', 'R', 'C', 'T']).unwrap();
        let at = row[status_at..].starts_with(|c: char| c.is_ascii_uppercase());
        assert!(at || status >= status_at, "{row}");
    }
    assert_eq!(console.stop_watch().as_deref(), Some("kubectl get pods -w"));
    assert_eq!(console.poll_watch(&sim), None);
}

#[test]
fn watch_only_prints_the_header_with_the_first_change() {
    let mut sim = cluster();
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl get pods --watch-only");
    assert_eq!(out.text, "");
    console.run(&mut sim, "kubectl scale rs web --replicas=3");
    let text = loop {
        sim.step();
        if let Some((_, t)) = console.poll_watch(&sim) {
            break t;
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("NAME "), "{text}");
    assert!(lines[1].contains("Pending"), "{text}");
    // The header and the first row are one flush: their columns line up.
    assert_eq!(lines[0].find("READY"), lines[1].find("0/1"));
}

#[test]
fn watch_refuses_what_kubectl_refuses() {
    let mut sim = cluster();
    let console = Console::new();
    let p = pods(&sim);
    let out = console.run(&mut sim, &format!("kubectl get pods {} {} -w", p[0], p[1]));
    assert_eq!(out.text, "error: watch is only supported on individual resources and resource collections, but 2 resources were found\n");
    let out = console.run(&mut sim, "kubectl get pods,svc -w");
    assert_eq!(out.text, "error: watch is only supported on individual resources and resource collections, but multiple resource types were requested\n");
    assert!(!out.ok);
    assert_eq!(console.watching(), None);
}

#[test]
fn the_host_watch_reruns_every_two_seconds_and_prints_what_changed() {
    let mut sim = cluster();
    let console = Console::new();
    let out = console.run(&mut sim, "watch kubectl get rs");
    assert!(
        out.text.starts_with("Every 2.0s: kubectl get rs\n\nNAME "),
        "{}",
        out.text
    );
    let start = sim.now();
    assert_eq!(console.watch_tick(), Some(start + 2_000));
    // Only ages changed: nothing new to show.
    sim.run_for(2_000);
    assert_eq!(console.poll_watch(&sim), None);
    console.run(&mut sim, "kubectl scale rs web --replicas=3");
    sim.run_for(1_000);
    assert_eq!(console.poll_watch(&sim), None, "not before its 2 s");
    sim.run_for(1_000);
    let (line, text) = console.poll_watch(&sim).expect("DESIRED changed");
    assert_eq!(line, "watch kubectl get rs");
    let row: Vec<&str> = text.lines().last().unwrap().split_whitespace().collect();
    assert_eq!(row[..2], ["web", "3"], "{text}");
}

#[test]
fn go_templates_print_as_kubectl_does() {
    let mut sim = cluster();
    let console = Console::new();
    let p = pods(&sim);
    // kubernetes.io's "List All Container Images" page.
    let out = console.run(
        &mut sim,
        r#"kubectl get pods -o go-template --template="{{range .items}}{{.metadata.name}}{{range $i, $c := .spec.containers}} {{$i}}:{{$c.image}}{{end}}{{\"\n\"}}{{end}}""#,
    );
    assert!(out.ok, "{}", out.text);
    assert_eq!(
        out.text,
        format!(
            "{} 0:k8spatterns/random-generator:1.0\n{} 0:k8spatterns/random-generator:1.0\n",
            p[0], p[1]
        )
    );
    // --template alone implies go-template; a single object is the template's dot.
    let out = console.run(
        &mut sim,
        &format!(
            "kubectl get pod {} --template='{{{{.metadata.name}}}}/{{{{len .spec.containers}}}}'",
            p[0]
        ),
    );
    assert_eq!(out.text, format!("{}/1", p[0]));
    let out = console.run(&mut sim, "kubectl get rs web -o go-template='{{.spec.replicas}} {{.spec.nope}} {{if eq (len .spec.selector.matchLabels) 1}}labels{{else}}none{{end}} {{printf \"%s!\" .kind}}'");
    assert_eq!(out.text, "2 <no value> labels ReplicaSet!");
    // Errors as kubectl prints them.
    let out = console.run(
        &mut sim,
        "kubectl get pods -o go-template='{{.metadata.name'",
    );
    assert_eq!(out.text, "error: template: output:1: unclosed action\n");
    let out = console.run(&mut sim, "kubectl get pods -o go-template='{{nope .}}'");
    assert_eq!(
        out.text,
        "error: template: output:1: function \"nope\" not defined\n"
    );
    let out = console.run(&mut sim, "kubectl get pods -o go-template");
    assert_eq!(
        out.text,
        "error: template format specified but no template given\n"
    );
    let out = console.run(
        &mut sim,
        "kubectl get rs web -o go-template='{{index .spec.template.spec.containers 3}}'",
    );
    assert!(!out.ok);
    assert!(out.text.ends_with("error: error executing template \"{{index .spec.template.spec.containers 3}}\": template: output:1: executing \"output\" at <index .spec.template.spec.containers 3>: error calling index: index out of range: 3\n"), "{}", out.text);
    // -o jsonpath takes its expression from --template too.
    let out = console.run(
        &mut sim,
        "kubectl get rs web -o jsonpath --template='{.spec.replicas}'",
    );
    assert_eq!(out.text, "2");
}

#[test]
fn show_kind_and_wide_columns() {
    let mut sim = cluster();
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl get rs --show-kind");
    assert!(
        out.text
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("replicaset.apps/web "),
        "{}",
        out.text
    );
    let out = console.run(&mut sim, "kubectl get pods --show-kind -o wide");
    assert!(
        out.text.lines().nth(1).unwrap().starts_with("pod/web-"),
        "{}",
        out.text
    );
    assert!(
        out.text.starts_with("NAME ")
            && out.text.lines().next().unwrap().contains("NOMINATED NODE")
    );
    for (kind, col) in [("nodes", "CONTAINER-RUNTIME"), ("rs", "SELECTOR")] {
        let out = console.run(&mut sim, &format!("kubectl get {kind} -A -o wide"));
        assert!(out.text.contains(col), "{kind}: {}", out.text);
    }
}

#[test]
fn edit_opens_the_editor_and_a_stale_save_is_a_conflict() {
    let mut sim = cluster();
    // podlab run has no editor: it says what to use.
    let plain = Console::new();
    let out = plain.run(&mut sim, "kubectl edit rs web");
    assert_eq!(out.text, "error: kubectl edit opens replicaset.apps/web in an editor, and `podlab run` has none: change it with `kubectl patch replicasets web -p '...'` (or set image, scale, label, annotate, apply -f)\n");
    let mut console = Console {
        editor: true,
        ..Console::new()
    };
    let out = console.run(&mut sim, "kubectl edit rs/web");
    assert!(out.ok, "{}", out.text);
    let edit = console
        .edit
        .borrow_mut()
        .take()
        .expect("the editor gets the object");
    assert_eq!(edit.file, "kubectl-edit-replicaset-web.yaml");
    assert!(edit.text.starts_with("# Please edit the object below."));
    assert!(edit.text.contains("\nkind: ReplicaSet\n"));
    // Saved as it was read: replaced.
    let saved = edit
        .text
        .replace("replicas: 2\n  selector", "replicas: 3\n  selector")
        .replace(
            "  fullyLabeledReplicas: 2\n",
            "  fullyLabeledReplicas: 99\n",
        );
    assert!(saved.contains("fullyLabeledReplicas: 99"));
    assert_ne!(saved, edit.text);
    console.files.insert(edit.file.clone(), saved.clone());
    let out = console.run(
        &mut sim,
        "kubectl replace -f kubectl-edit-replicaset-web.yaml",
    );
    assert_eq!(out.text, "replicaset.apps/web replaced\n");
    assert_eq!(
        console
            .run(&mut sim, "kubectl get rs web -o jsonpath={.spec.replicas}")
            .text,
        "3"
    );
    // The stale status in the file did not go back in: the controller's own count stays.
    let live = console.run(
        &mut sim,
        "kubectl get rs web -o jsonpath={.status.fullyLabeledReplicas}",
    );
    assert_eq!(live.text, "2");
    // The same copy again is stale: the API server's conflict.
    let out = console.run(
        &mut sim,
        "kubectl replace -f kubectl-edit-replicaset-web.yaml",
    );
    assert!(!out.ok);
    assert_eq!(out.text, "Error from server (Conflict): error when replacing \"kubectl-edit-replicaset-web.yaml\": Operation cannot be fulfilled on replicasets.apps \"web\": the object has been modified; please apply your changes to the latest version and try again\n");
}

#[test]
fn issue_16_console_inputs_match_kubectl_or_say_what_is_wrong() {
    let mut sim = cluster();
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl get pods --sort-by='{.metadata.name'");
    assert_eq!(out.text, "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'\n");
    let out = console.run(&mut sim, "kubectl get pods -o jsonpath='{.items[999].x}'");
    assert!(!out.ok);
    assert_eq!(out.text, "error: error executing jsonpath \"{.items[999].x}\": Error executing template: array index out of bounds: index 999, length 2. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.items[999].x}\n");
    // A trailing backslash continues the line in a shell; here it ends it.
    assert_eq!(
        console.run(&mut sim, "kubectl get pods \\").text,
        console.run(&mut sim, "kubectl get pods").text
    );
    // `-n ''` is no namespace: the context's.
    assert_eq!(
        console.run(&mut sim, "kubectl get pods -n ''").text,
        console.run(&mut sim, "kubectl get pods").text
    );
    let out = console.run(&mut sim, "kubectl scale rs web --replicas=99999999999");
    assert_eq!(out.text, "Error from server (BadRequest): json: cannot unmarshal number 99999999999 into Go struct field ScaleSpec.spec.replicas of type int32\n");
    let out = console.run(
        &mut sim,
        "kubectl scale rs web --replicas=99999999999999999999",
    );
    assert_eq!(out.text, "error: invalid argument \"99999999999999999999\" for \"--replicas\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range\nSee 'kubectl scale --help' for usage.\n");
    // Every flag error of cobra's ends with kubectl's usage line.
    let out = console.run(&mut sim, "kubectl delete pod x --grace-period=soon");
    assert_eq!(out.text, "error: invalid argument \"soon\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"soon\": invalid syntax\nSee 'kubectl delete --help' for usage.\n");
    let out = console.run(
        &mut sim,
        "kubectl rollout history deploy/web --revision=two",
    );
    assert_eq!(out.text, "error: invalid argument \"two\" for \"--revision\" flag: strconv.ParseInt: parsing \"two\": invalid syntax\nSee 'kubectl rollout history --help' for usage.\n");
    let out = console.run(
        &mut sim,
        "kubectl rollout undo deploy/web --to-revision=99999999999999999999",
    );
    assert_eq!(out.text, "error: invalid argument \"99999999999999999999\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range\nSee 'kubectl rollout undo --help' for usage.\n");
    // `create deployment`'s --replicas and --port are int32 flags.
    let out = console.run(
        &mut sim,
        "kubectl create deployment w2 --image=nginx --replicas=9999999999",
    );
    assert_eq!(out.text, "error: invalid argument \"9999999999\" for \"--replicas\" flag: strconv.ParseInt: parsing \"9999999999\": value out of range\nSee 'kubectl create deployment --help' for usage.\n");
    let out = console.run(&mut sim, "kubectl logs nope --tail=1e3");
    assert_eq!(out.text, "error: invalid argument \"1e3\" for \"--tail\" flag: strconv.ParseInt: parsing \"1e3\": invalid syntax\nSee 'kubectl logs --help' for usage.\n");
    let out = console.run(&mut sim, "kubectl cordon node-1 node-2");
    assert_eq!(out.text, "node/node-1 cordoned\nnode/node-2 cordoned\n");
    let out = console.run(&mut sim, "kubectl uncordon node-1 nope");
    assert_eq!(
        out.text,
        "Error from server (NotFound): nodes \"nope\" not found\n"
    );
    assert_eq!(
        console.run(&mut sim, "kubectl uncordon node-1").text,
        "node/node-1 uncordoned\n"
    );
    let out = console.run(&mut sim, "kubectl label pods --all tier=web");
    let p = pods(&sim);
    assert_eq!(
        out.text,
        format!("pod/{} labeled\npod/{} labeled\n", p[0], p[1])
    );
    assert_eq!(
        console
            .run(&mut sim, "kubectl get pods -l tier=web -o name")
            .text
            .lines()
            .count(),
        2
    );
    let out = console.run(&mut sim, "lab ps extra args");
    assert!(!out.ok);
    assert!(
        out.text
            .starts_with("error: lab ps takes no arguments, got \"extra args\"\n"),
        "{}",
        out.text
    );
}

/// Issue 15: kind and minikube make the lab's cluster (the console's host rebuilds it with the
/// nodes they name, as kind and minikube name them), and say what they say when it exists.
#[test]
fn kind_and_minikube_make_the_cluster_with_their_node_names() {
    let mut sim = cluster();
    let mut console = Console::new();
    console.files.insert(
        "kind.yaml".into(),
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n- role: worker\n".into(),
    );
    let out = console.run(&mut sim, "kind create cluster --config kind.yaml");
    assert!(out.ok, "{}", out.text);
    assert!(out.text.starts_with("Creating cluster \"kind\" ...\n"));
    assert!(out.text.contains("Set kubectl context to \"kind-kind\""));
    let made = console.take_new_cluster().expect("a new cluster");
    let names: Vec<&str> = made.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["kind-control-plane", "kind-worker", "kind-worker2"]);
    assert_eq!(
        made.nodes[0].taints.len(),
        1,
        "the control plane keeps its taint"
    );
    assert_eq!(console.take_new_cluster(), None, "taken once");

    let out = console.run(&mut sim, "kind create cluster --config missing.yaml");
    assert!(!out.ok);
    assert!(out
        .text
        .contains("open missing.yaml: no such file or directory"));

    let out = console.run(&mut sim, "minikube start --nodes 3 --memory 2G");
    assert!(out.ok, "{}", out.text);
    let made = console.take_new_cluster().expect("a new cluster");
    let names: Vec<&str> = made.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["minikube", "minikube-m02", "minikube-m03"]);
    assert!(
        made.nodes[0].taints.is_empty(),
        "minikube's node takes workloads"
    );

    let out = console.run(&mut sim, "minikube service nothing --url");
    assert!(!out.ok);
    assert!(out.text.starts_with(
        "❌  Exiting due to SVC_NOT_FOUND: Service 'nothing' was not found in 'default' namespace."
    ));
    let out = console.run(&mut sim, "kind delete cluster");
    assert!(out.ok);
    assert_eq!(
        out.text, "Deleting cluster \"kind\" ...\n",
        "no kind nodes here"
    );
    let out = console.run(&mut sim, "kind version");
    assert!(!out.ok);
}

/// Issue 15: the host shell's `> FILE`, `cat FILE`, `NAME=$(...)` and `$NAME`, as the Stateful
/// guide uses them around `minikube service --url`.
#[test]
fn a_file_and_a_variable_of_the_host_shell() {
    let mut sim = cluster();
    let console = Console::new();
    let out = console.run(&mut sim, "kubectl get nodes -o name > /tmp/nodes.txt");
    assert!(out.ok);
    assert_eq!(out.text, "", "the output went to the file");
    let out = console.run(&mut sim, "cat /tmp/nodes.txt");
    assert!(out.text.starts_with("node/"), "{}", out.text);
    let out = console.run(&mut sim, "first=$(cat /tmp/nodes.txt | head -1)");
    assert!(out.ok, "{}", out.text);
    let out = console.run(&mut sim, "kubectl get $first -o name");
    assert!(out.ok, "{}", out.text);
    assert!(out.text.starts_with("node/"));
    let out = console.run(&mut sim, "cat /tmp/none");
    assert_eq!(out.text, "cat: /tmp/none: No such file or directory\n");
}

/// procps' `watch -n SECONDS`: the interval in its header and between runs.
#[test]
fn watch_n_sets_the_interval() {
    let mut sim = cluster();
    let console = Console::new();
    let out = console.run(&mut sim, "watch -n 5 kubectl get rs");
    assert!(
        out.text.starts_with("Every 5.0s: kubectl get rs\n\nNAME "),
        "{}",
        out.text
    );
    assert_eq!(console.watch_tick(), Some(sim.now() + 5_000));
    let out = console.run(&mut sim, "watch -n 0.5 kubectl get rs");
    assert!(out.text.starts_with("Every 0.5s: "), "{}", out.text);
    assert_eq!(console.watch_tick(), Some(sim.now() + 500));
    let out = console.run(&mut sim, "watch -n x kubectl get rs");
    assert_eq!(out.text, "watch: failed to parse argument: 'x'\n");
}

/// Issue 15: a NodePort Service gets a port in 30000-32767 (ref: the API server's node port
/// allocator; one given twice is "already allocated"), and `curl` from the host reaches a pod
/// through a node's InternalIP and that port, as `minikube service --url` prints it.
#[test]
fn a_node_port_is_allocated_and_reached_from_the_host() {
    let mut sim = replicaset_with_labels();
    let mut c = Console::new();
    c.files.insert(
        "np.yaml".into(),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-np\nspec:\n  type: NodePort\n  selector:\n    app: web\n  ports:\n  - port: 8080\n".into(),
    );
    assert!(c.run(&mut sim, "kubectl apply -f np.yaml").ok);
    let svc = sim
        .cluster()
        .get::<podlab::model::Service>("default", "web-np")
        .unwrap()
        .clone();
    let port = svc.spec.ports[0].node_port.expect("allocated");
    assert!((30000..=32767).contains(&port));
    let get = c.run(&mut sim, "kubectl get svc web-np");
    assert!(
        get.text.contains(&format!("8080:{port}/TCP")),
        "{}",
        get.text
    );
    let url = c.run(&mut sim, "minikube service web-np --url");
    assert!(url.ok, "{}", url.text);
    assert!(
        url.text.starts_with("http://172.18.")
            && url.text.trim_end().ends_with(&format!(":{port}"))
    );
    sim.run_for(30_000);
    let body = c.run(&mut sim, &format!("curl -s {} | jq .", url.text.trim()));
    assert!(body.ok, "{}", body.text);
    assert!(body.text.contains("\"random\""), "{}", body.text);
    let wrong = c.run(&mut sim, "curl -s http://web-np:8080");
    assert_eq!(wrong.text, "curl: (6) Could not resolve host: web-np\n");
    // The same port asked for by another Service.
    c.files.insert(
        "np2.yaml".into(),
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: {port}\n"),
    );
    let out = c.run(&mut sim, "kubectl apply -f np2.yaml");
    assert!(!out.ok);
    assert!(
        out.text.contains("provided port is already allocated"),
        "{}",
        out.text
    );
}

fn replicaset_with_labels() -> Sim {
    let mut sim = SimBuilder::new(3).workers(2).build().unwrap();
    let mut rs = replicaset("web", 2, random_generator_container());
    rs.spec.template.spec.containers[0].ports = vec![podlab::model::ContainerPort {
        container_port: 8080,
        ..Default::default()
    }];
    sim.apply(Command::Apply(rs.into())).unwrap();
    sim.run_for(20_000);
    sim
}
