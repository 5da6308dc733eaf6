//! `kubectl apply -f`: kubectl's output lines, the last-applied annotation, the three-way merge,
//! and errors that leave the cluster as it was.

use podlab::console::apply::LAST_APPLIED;
use podlab::console::{Console, Output};
use podlab::model::{ConfigMap, Deployment, ObjectMeta, Pod, ReplicaSet, Service};
use podlab::sim::{Command, Sim, SimBuilder};

const RS_V1: &str = "\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
  labels:
    app: web
    tier: frontend
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        env:
        - name: MODE
          value: fast
";

const SVC: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
";

struct Lab {
    sim: Sim,
    console: Console,
}

impl Lab {
    fn new(files: &[(&str, &str)]) -> Lab {
        let mut console = Console::new();
        for (name, text) in files {
            console.files.insert(name.to_string(), text.to_string());
        }
        Lab {
            sim: SimBuilder::new(3).workers(2).build().unwrap(),
            console,
        }
    }

    fn run(&mut self, line: &str) -> Output {
        self.console.run(&mut self.sim, line)
    }

    fn ok(&mut self, line: &str) -> String {
        let out = self.run(line);
        assert!(out.ok, "{line} failed:\n{}", out.text);
        out.text
    }

    fn rs(&self) -> ReplicaSet {
        self.sim
            .cluster()
            .get::<ReplicaSet>("default", "web")
            .expect("rs/web exists")
            .clone()
    }

    fn pods(&self) -> Vec<Pod> {
        self.sim.cluster().list::<Pod>().cloned().collect()
    }
}

fn rs_v2() -> String {
    // The image changes, the env var and the tier label are dropped.
    RS_V1
        .replace("    tier: frontend\n", "")
        .replace("nginx:1.27", "nginx:1.28")
        .replace(
            "        env:\n        - name: MODE\n          value: fast\n",
            "",
        )
}

#[test]
fn apply_creates_then_is_unchanged_then_configures() {
    let v2 = rs_v2();
    let mut lab = Lab::new(&[("web.yaml", RS_V1), ("svc.yaml", SVC), ("v2.yaml", &v2)]);
    assert_eq!(
        lab.ok("kubectl apply -f web.yaml -f svc.yaml"),
        "replicaset.apps/web created\nservice/web created\n"
    );
    lab.sim.run_for(10_000);
    let trace_len = lab.sim.trace().len();
    assert_eq!(
        lab.ok("kubectl apply -f web.yaml -f svc.yaml"),
        "replicaset.apps/web unchanged\nservice/web unchanged\n"
    );
    // An empty patch is not sent: nothing reaches the trace.
    assert_eq!(lab.sim.trace().len(), trace_len);
    assert_eq!(
        lab.ok("kubectl apply -f v2.yaml -f svc.yaml"),
        "replicaset.apps/web configured\nservice/web unchanged\n"
    );
    assert_eq!(lab.rs().metadata.generation, 2);
}

#[test]
fn last_applied_annotation_holds_the_manifest_as_compact_sorted_json() {
    let mut lab = Lab::new(&[("svc.yaml", SVC)]);
    lab.ok("kubectl apply -f svc.yaml");
    let svc = lab.sim.cluster().get::<Service>("default", "web").unwrap();
    assert_eq!(
        svc.metadata.annotations[LAST_APPLIED],
        r#"{"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"web","namespace":"default"},"spec":{"ports":[{"port":80}],"selector":{"app":"web"}}}"#
    );
    assert_eq!(
        lab.ok("kubectl apply view-last-applied svc/web"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  annotations: {}\n  name: web\n  namespace: default\nspec:\n  ports:\n  - port: 80\n  selector:\n    app: web\n"
    );
}

#[test]
fn fields_removed_since_the_last_apply_are_removed_and_others_are_kept() {
    let v2 = rs_v2();
    let mut lab = Lab::new(&[("web.yaml", RS_V1), ("v2.yaml", &v2)]);
    lab.ok("kubectl apply -f web.yaml");
    lab.sim.run_for(5_000);
    // Someone else labels the ReplicaSet; the API server defaulted imagePullPolicy.
    lab.ok("kubectl label rs web owner=ops");
    lab.ok("kubectl apply -f v2.yaml");
    let rs = lab.rs();
    let labels: Vec<(&str, &str)> = rs
        .metadata
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(labels, [("app", "web"), ("owner", "ops")]);
    let c = &rs.spec.template.spec.containers[0];
    assert_eq!(c.image, "nginx:1.28");
    assert!(c.env.is_empty(), "MODE was applied before and dropped now");
    assert_eq!(c.image_pull_policy, "IfNotPresent");
}

#[test]
fn fields_only_others_set_survive_a_reapply() {
    let no_replicas = RS_V1.replace("  replicas: 2\n", "");
    let mut lab = Lab::new(&[("web.yaml", &no_replicas)]);
    lab.ok("kubectl apply -f web.yaml");
    lab.ok("kubectl scale rs web --replicas=3");
    assert_eq!(
        lab.ok("kubectl apply -f web.yaml"),
        "replicaset.apps/web unchanged\n"
    );
    assert_eq!(lab.rs().spec.replicas, Some(3));
}

#[test]
fn a_template_change_does_not_roll_a_replicaset() {
    let v2 = rs_v2();
    let mut lab = Lab::new(&[("web.yaml", RS_V1), ("v2.yaml", &v2)]);
    lab.ok("kubectl apply -f web.yaml");
    lab.sim.run_for(20_000);
    let before: Vec<String> = lab
        .pods()
        .iter()
        .map(|p| p.metadata.name.to_string())
        .collect();
    assert_eq!(before.len(), 2);
    lab.ok("kubectl apply -f v2.yaml");
    lab.sim.run_for(60_000);
    let pods = lab.pods();
    let after: Vec<String> = pods.iter().map(|p| p.metadata.name.to_string()).collect();
    assert_eq!(after, before);
    assert!(pods
        .iter()
        .all(|p| p.spec.containers[0].image == "nginx:1.27"));
}

#[test]
fn a_template_change_rolls_a_deployment() {
    let deploy = RS_V1.replace("kind: ReplicaSet", "kind: Deployment");
    let deploy_v2 = rs_v2().replace("kind: ReplicaSet", "kind: Deployment");
    let mut lab = Lab::new(&[("web.yaml", &deploy), ("v2.yaml", &deploy_v2)]);
    assert_eq!(
        lab.ok("kubectl apply -f web.yaml"),
        "deployment.apps/web created\n"
    );
    lab.sim.run_for(30_000);
    assert_eq!(
        lab.ok("kubectl apply -f v2.yaml"),
        "deployment.apps/web configured\n"
    );
    lab.sim.run_for(120_000);
    let d = lab
        .sim
        .cluster()
        .get::<Deployment>("default", "web")
        .unwrap();
    assert_eq!(d.spec.template.spec.containers[0].image, "nginx:1.28");
    let running: Vec<Pod> = lab
        .pods()
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    assert_eq!(running.len(), 2, "{running:#?}");
    assert!(running
        .iter()
        .all(|p| p.spec.containers[0].image == "nginx:1.28"));
}

#[test]
fn any_error_applies_nothing() {
    // The first document is fine; the second has a wrong type and the third a missing image.
    let bad = format!(
        "{SVC}---\n{}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n",
        RS_V1.replace("replicas: 2", "replicas: two")
    );
    let mut lab = Lab::new(&[("bad.yaml", &bad), ("svc.yaml", SVC)]);
    let objects = lab.sim.cluster().len();
    let out = lab.run("kubectl apply -f svc.yaml -f bad.yaml");
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "error: error validating bad.yaml:19:13: spec.replicas: Invalid value: \"two\": expected an integer\n\
         error: error validating bad.yaml:41:5: The Pod \"p\" is invalid: spec.containers[0].image: Required value\n"
    );
    assert_eq!(lab.sim.cluster().len(), objects);
}

#[test]
fn syntax_errors_name_the_file_line_and_column() {
    let tab = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n";
    let mut lab = Lab::new(&[
        ("tab.yaml", tab),
        (
            "kind.yaml",
            "apiVersion: apps/v1\nkind: Replicaset\nmetadata:\n  name: x\n",
        ),
    ]);
    let out = lab.run("kubectl apply -f tab.yaml");
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "error: error parsing tab.yaml:4:1: error converting YAML to JSON: yaml: line 4: found a tab character where indentation is expected: YAML indents with spaces only\n"
    );
    let out = lab.run("kubectl apply -f kind.yaml");
    assert_eq!(
        out.text,
        "error: error validating kind.yaml:2:7: no matches for kind \"Replicaset\" in version \"apps/v1\": did you mean \"ReplicaSet\"?\n"
    );
}

#[test]
fn a_missing_file_is_reported_as_kubectl_does_and_nothing_is_applied() {
    let mut lab = Lab::new(&[("svc.yaml", SVC)]);
    let out = lab.run("kubectl apply -f svc.yaml -f nope.yaml");
    assert_eq!(
        out,
        Output::err("error: the path \"nope.yaml\" does not exist\n")
    );
    assert!(lab.sim.cluster().get::<Service>("default", "web").is_none());
    let out = lab.run("kubectl apply");
    assert!(!out.ok);
    assert!(out
        .text
        .starts_with("error: must specify one of -f and -k\n"));
    let empty = Lab::new(&[("empty.yaml", "# nothing\n")]).run("kubectl apply -f empty.yaml");
    assert_eq!(empty, Output::err("error: no objects passed to apply\n"));
    // The console has no standard input: `-f -` reads nothing, as kubectl does from an empty pipe.
    let stdin = Lab::new(&[]).run("kubectl apply -f -");
    assert_eq!(stdin, Output::err("error: no objects passed to apply\n"));
}

#[test]
fn unknown_fields_and_lints_are_warnings_with_their_place() {
    let with_strategy = RS_V1.replace("spec:\n  replicas", "spec:\n  strategy: {}\n  replicas");
    let mut lab = Lab::new(&[("web.yaml", &with_strategy), ("svc.yaml", SVC)]);
    let out = lab.run("kubectl apply -f svc.yaml");
    assert!(out.ok);
    assert_eq!(
        out.text,
        "Warning: Service \"web\" selects app=web but no pod template in namespace \"default\" has those labels: it will have no endpoints (svc.yaml:6:3)\nservice/web created\n"
    );
    let out = lab.run("kubectl apply -f web.yaml");
    assert_eq!(
        out.text,
        "Warning: unknown field \"spec.strategy\" (web.yaml:9:3)\nreplicaset.apps/web created\n"
    );
}

#[test]
fn an_immutable_field_is_refused_with_the_api_servers_message() {
    let moved = RS_V1.replace("app: web", "app: web2");
    let mut lab = Lab::new(&[("web.yaml", RS_V1), ("moved.yaml", &moved)]);
    lab.ok("kubectl apply -f web.yaml");
    let before = lab.rs();
    let out = lab.run("kubectl apply -f moved.yaml");
    assert_eq!(
        out,
        Output::err(
            "The ReplicaSet \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable\n"
        )
    );
    assert_eq!(lab.rs(), before);
}

#[test]
fn namespaces_come_from_the_object_the_flag_or_the_console() {
    let in_prod = SVC.replace("  name: web\n", "  name: web\n  namespace: prod\n");
    let mut lab = Lab::new(&[("svc.yaml", SVC), ("prod.yaml", &in_prod)]);
    lab.ok("kubectl apply -f svc.yaml -n staging");
    assert!(lab.sim.cluster().get::<Service>("staging", "web").is_some());
    lab.ok("kubectl apply -f prod.yaml");
    assert!(lab.sim.cluster().get::<Service>("prod", "web").is_some());
    let out = lab.run("kubectl apply -f prod.yaml -n dev");
    assert_eq!(
        out,
        Output::err("error: the namespace from the provided object \"prod\" does not match the namespace \"dev\". You must pass '--namespace=prod' to perform this operation.\n")
    );
    lab.console.namespace = "team".into();
    lab.ok("kubectl apply -f svc.yaml");
    assert!(lab.sim.cluster().get::<Service>("team", "web").is_some());
}

#[test]
fn dry_runs_change_nothing() {
    let v2 = rs_v2();
    let mut lab = Lab::new(&[("web.yaml", RS_V1), ("v2.yaml", &v2)]);
    assert_eq!(
        lab.ok("kubectl apply -f web.yaml --dry-run=client"),
        "replicaset.apps/web created (dry run)\n"
    );
    assert_eq!(
        lab.ok("kubectl apply -f web.yaml --dry-run=server"),
        "replicaset.apps/web created (server dry run)\n"
    );
    assert!(lab
        .sim
        .cluster()
        .get::<ReplicaSet>("default", "web")
        .is_none());
    lab.ok("kubectl apply -f web.yaml");
    let rs = lab.rs();
    assert_eq!(
        lab.ok("kubectl apply -f v2.yaml --dry-run=server -o name"),
        "replicaset.apps/web\n"
    );
    assert_eq!(lab.rs(), rs);
}

#[test]
fn an_object_created_without_apply_gets_the_annotation_with_a_warning() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";
    let mut lab = Lab::new(&[("cm.yaml", cm)]);
    let mut created = ConfigMap {
        metadata: ObjectMeta::named("default", "settings"),
        ..Default::default()
    };
    created.data.insert("mode".into(), "slow".into());
    lab.sim.apply(Command::Create(created.into())).unwrap();
    let out = lab.ok("kubectl apply -f cm.yaml");
    assert_eq!(
        out,
        "Warning: resource configmaps/settings is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\nconfigmap/settings configured\n"
    );
    let cm = lab
        .sim
        .cluster()
        .get::<ConfigMap>("default", "settings")
        .unwrap();
    assert_eq!(cm.data["mode"], "fast");
    assert!(cm.metadata.annotations.contains_key(LAST_APPLIED));
}

// kubernetes.io/docs/concepts/workloads/controllers/statefulset/ (the web/nginx example).
const DOCS_STATEFULSET: &str = include_str!("fixtures/docs-statefulset.yaml");

// The book's StatefulService folder (k8spatterns/examples, CC BY 4.0).
const BOOK_STATEFULSET: &str = include_str!("fixtures/stateful-service/statefulset.yml");
const BOOK_SERVICE: &str = include_str!("fixtures/stateful-service/service.yml");
const BOOK_PVS: &str = include_str!("fixtures/stateful-service/pvs.yml");

/// StatefulSets apply like every kind: created, unchanged, configured; mounts may name a
/// volumeClaimTemplate (upstream skips volume checks on the template for that reason); spec
/// fields outside the updatable ones are refused with the API server's text (ref §3.4). The
/// book's StatefulService folder (k8spatterns/examples, CC BY 4.0) and the docs' example.
#[test]
fn statefulsets_apply_from_the_book_and_the_docs() {
    let sts = BOOK_STATEFULSET;
    let moved = sts.replace("serviceName: random-generator", "serviceName: elsewhere");
    let scaled = sts.replace("replicas: 2", "replicas: 3");
    let mut lab = Lab::new(&[
        ("pvs.yml", BOOK_PVS),
        ("service.yml", BOOK_SERVICE),
        ("statefulset.yml", sts),
        ("moved.yml", &moved),
        ("scaled.yml", &scaled),
        ("docs.yaml", DOCS_STATEFULSET),
    ]);
    let out = lab.run("kubectl apply -f pvs.yml -f service.yml -f statefulset.yml");
    assert!(out.ok, "{}", out.text);
    assert!(
        out.text.ends_with("statefulset.apps/rg created\n"),
        "{}",
        out.text
    );
    assert_eq!(
        lab.run("kubectl apply -f statefulset.yml"),
        Output::ok("statefulset.apps/rg unchanged\n")
    );
    let out = lab.run("kubectl apply -f moved.yml");
    assert!(!out.ok);
    assert!(
        out.text.ends_with("The StatefulSet \"rg\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden\n"),
        "{}",
        out.text
    );
    assert_eq!(
        lab.run("kubectl apply -f scaled.yml"),
        Output::ok("statefulset.apps/rg configured\n")
    );
    let out = lab.run("kubectl apply -f docs.yaml");
    assert_eq!(
        out,
        Output::ok("service/nginx created\nstatefulset.apps/web created\n")
    );
    // No StatefulSet controller yet: the objects are stored, and nothing runs.
    let out = lab.run("kubectl get sts");
    assert_eq!(
        out.text,
        "NAME   READY   AGE\nrg     0/3     0s\nweb    0/3     0s\n"
    );
}
