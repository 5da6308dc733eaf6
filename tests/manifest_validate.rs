//! Validation and lints with the API server's texts, on the Kubernetes docs' examples.

use podlab::manifest::validate::validate_object;
use podlab::manifest::{
    invalid_message, lint, parse, validate, validate_update, Manifest, ManifestObject, Pos,
};

// kubernetes.io/docs/concepts/workloads/controllers/statefulset/ (the web/nginx example).
const DOCS_STATEFULSET: &str = include_str!("fixtures/docs-statefulset.yaml");

// kubernetes.io/docs/concepts/services-networking/service/
const DOCS_SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - protocol: TCP
      port: 80
      targetPort: 9376
";

// kubernetes.io/docs/tasks/run-application/configure-pdb/
const DOCS_PDBS: &str = "\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app: zookeeper
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: zk-pdb-max
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: zookeeper
";

fn one(text: &str) -> Manifest {
    let r = parse(text);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    assert_eq!(r.objects.len(), 1);
    r.objects.into_iter().next().unwrap()
}

fn messages(m: &Manifest) -> Vec<String> {
    validate(m).iter().map(|d| d.to_string()).collect()
}

#[test]
fn the_docs_examples_decode_validate_and_lint_clean() {
    let r = parse(DOCS_STATEFULSET);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let ManifestObject::StatefulSet(sts) = &r.objects[1].object else {
        panic!()
    };
    assert_eq!((sts.replicas(), sts.spec.min_ready_seconds), (3, 10));
    assert_eq!(sts.spec.service_name, "nginx");
    let claim = &sts.spec.volume_claim_templates[0];
    assert_eq!(
        claim.spec.storage_class_name.as_deref(),
        Some("my-storage-class")
    );
    assert_eq!(claim.spec.resources.requests["storage"].value(), 1 << 30);
    assert_eq!(
        sts.spec.template.spec.termination_grace_period_seconds,
        Some(10)
    );
    for m in &r.objects {
        assert_eq!(messages(m), Vec::<String>::new());
    }
    assert_eq!(lint(&r.objects, &[]), vec![]);

    let svc = one(DOCS_SERVICE);
    assert_eq!(messages(&svc), Vec::<String>::new());
    let pdbs = parse(DOCS_PDBS);
    assert_eq!(pdbs.objects.len(), 2);
    for m in &pdbs.objects {
        assert_eq!(messages(m), Vec::<String>::new());
    }
}

#[test]
fn statefulset_service_lints() {
    let r = parse(DOCS_STATEFULSET);
    // Without its Service, and with a Service that is not headless.
    let sts_only = vec![r.objects[1].clone()];
    let l = lint(&sts_only, &[]);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].diagnostic.pos, Some(Pos { line: 23, col: 3 }));
    assert!(l[0]
        .diagnostic
        .message
        .starts_with("spec.serviceName: no Service \"nginx\""));
    let not_headless = parse(&DOCS_STATEFULSET.replace("  clusterIP: None\n", ""));
    let l = lint(&not_headless.objects, &[]);
    assert_eq!(l.len(), 1, "{l:?}");
    assert!(l[0].diagnostic.message.contains("is not headless"));
    let unnamed = parse(&DOCS_STATEFULSET.replace("  serviceName: \"nginx\"\n", ""));
    let l = lint(&unnamed.objects, &[]);
    assert!(
        l[0].diagnostic
            .message
            .starts_with("spec.serviceName is not set"),
        "{l:?}"
    );
}

#[test]
fn pdb_that_never_allows_a_disruption() {
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: zk\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: zookeeper}\n  template:\n    metadata:\n      labels: {app: zookeeper}\n    spec:\n      containers:\n      - {name: zk, image: zookeeper}\n---\n";
    // minAvailable 2 of 2 replicas: never; maxUnavailable 1: fine.
    let r = parse(&format!("{deploy}{DOCS_PDBS}"));
    let l = lint(&r.objects, &[]);
    assert_eq!(l.len(), 1, "{l:?}");
    assert_eq!(l[0].manifest, 1);
    assert_eq!(l[0].diagnostic.pos, Some(Pos { line: 21, col: 3 }));
    assert_eq!(
        l[0].diagnostic.message,
        "PodDisruptionBudget \"zk-pdb\" can never allow a disruption: minAvailable 2 is not below the 2 replica(s) it selects, so every eviction is refused and kubectl drain retries forever"
    );
    let zero = parse(&DOCS_PDBS.replace("maxUnavailable: 1", "maxUnavailable: 0"));
    let l = lint(&zero.objects, &[]);
    assert_eq!(l.len(), 1);
    assert!(l[0].diagnostic.message.contains("maxUnavailable is 0"));
}

#[test]
fn service_selecting_no_template_is_linted() {
    let svc = one(DOCS_SERVICE);
    let l = lint(std::slice::from_ref(&svc), &[]);
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].diagnostic.pos, Some(Pos { line: 6, col: 3 }));
    assert_eq!(
        l[0].diagnostic.message,
        "Service \"my-service\" selects app.kubernetes.io/name=MyApp but no pod template in namespace \"default\" has those labels: it will have no endpoints"
    );
    // A pod already in the cluster counts as a template.
    let pod = one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app.kubernetes.io/name: MyApp\nspec:\n  containers:\n  - {name: a, image: b}\n");
    let ManifestObject::Object(o) = pod.object else {
        panic!()
    };
    assert_eq!(lint(&[svc], &[o]), vec![]);
}

#[test]
fn selector_must_match_template_labels() {
    let m = one("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: x\n    spec:\n      containers:\n      - name: a\n        image: b\n");
    assert_eq!(
        messages(&m),
        vec!["11:7: error: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`"]
    );
    let errs = validate_object(&m.object, true);
    assert_eq!(
        invalid_message("ReplicaSet", "web", &errs),
        "The ReplicaSet \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn required_fields_enums_and_names_use_upstream_texts() {
    let m = one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web_1\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - name: a\n    image: \"\"\n    imagePullPolicy: Sometimes\n");
    assert_eq!(
        messages(&m),
        vec![
            "4:3: error: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "9:5: error: spec.containers[0].image: Required value",
            "10:5: error: spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
            "6:3: error: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
        ]
    );
    let svc =
        one("apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  type: Internal\n");
    assert_eq!(
        messages(&svc),
        vec![
            "4:3: error: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            "6:3: error: spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
            "5:1: error: spec.ports: Required value",
        ]
    );
    let pvc = one("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  accessModes: [ReadWriteSome]\n");
    assert_eq!(
        messages(&pvc),
        vec![
            "6:3: error: spec.accessModes: Unsupported value: \"ReadWriteSome\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
            "5:1: error: spec.resources[storage]: Required value",
        ]
    );
    let nosel = one("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - {name: a, image: b}\n");
    assert_eq!(
        messages(&nosel),
        vec![
            "5:1: error: spec.selector: Required value",
            "8:7: error: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
        ]
    );
    let m = one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: b\n    volumeMounts:\n    - {name: data, mountPath: /d}\n  tolerations:\n  - key: k\n    operator: Exists\n    value: v\n");
    assert_eq!(
        messages(&m),
        vec![
            "10:8: error: spec.containers[0].volumeMounts[0].name: Not found: \"data\"",
            "13:5: error: spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
        ]
    );
}

#[test]
fn immutable_fields_on_update() {
    let r = parse(DOCS_STATEFULSET);
    let old = r.objects[1].object.clone();
    let mut scaled = old.clone();
    let ManifestObject::StatefulSet(s) = &mut scaled else {
        panic!()
    };
    s.spec.replicas = Some(5);
    s.spec.template.spec.containers[0].image = "nginx:1.27".into();
    assert_eq!(validate_update(&old, &scaled), vec![]);
    let mut renamed = old.clone();
    let ManifestObject::StatefulSet(s) = &mut renamed else {
        panic!()
    };
    s.spec.service_name = "other".into();
    let errs = validate_update(&old, &renamed);
    assert_eq!(
        invalid_message("StatefulSet", "web", &errs),
        "The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );

    let rs = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: APP}\n  template:\n    metadata:\n      labels: {app: APP}\n    spec:\n      containers:\n      - {name: a, image: b}\n";
    let a = one(&rs.replace("APP", "web")).object;
    let b = one(&rs.replace("APP", "api")).object;
    let errs = validate_update(&a, &b);
    assert_eq!(errs.len(), 1);
    assert_eq!(
        errs[0].to_string(),
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"api\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    );

    let svc = parse(DOCS_STATEFULSET).objects[0].object.clone();
    let mut svc2 = svc.clone();
    let ManifestObject::Object(podlab::model::Object::Service(s)) = &mut svc2 else {
        panic!()
    };
    s.spec.cluster_ip = "10.96.0.10".into();
    assert_eq!(
        validate_update(&svc, &svc2)[0].to_string(),
        "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.10\"}: may not change once set"
    );
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  accessModes: [MODE]\n  resources:\n    requests:\n      storage: SIZE\n";
    let p1 = one(&pvc.replace("MODE", "ReadWriteOnce").replace("SIZE", "1Gi")).object;
    let p2 = one(&pvc.replace("MODE", "ReadWriteOnce").replace("SIZE", "2Gi")).object;
    let p3 = one(&pvc.replace("MODE", "ReadWriteMany").replace("SIZE", "1Gi")).object;
    assert_eq!(validate_update(&p1, &p2), vec![]);
    assert_eq!(
        validate_update(&p1, &p3)[0].to_string(),
        "spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
}

#[test]
fn label_keys_follow_is_qualified_name() {
    // apimachinery's IsQualifiedName splits a key at every '/': two of them is one error of
    // its own, not a prefix part; an empty name part also fails the pattern.
    use podlab::manifest::validate::qualified_name_errors;
    assert_eq!(
        qualified_name_errors("a/b/c"),
        vec!["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string()]
    );
    let empty = qualified_name_errors("example.com/");
    assert_eq!(empty.len(), 2, "{empty:?}");
    assert_eq!(empty[0], "name part must be non-empty");
    assert!(
        empty[1].starts_with("name part must consist of"),
        "{empty:?}"
    );
    assert!(qualified_name_errors("example.com/My_Name-1").is_empty());
    let pod = one(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    a/b/c: x\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
    );
    let msgs = messages(&pod);
    assert!(
        msgs.iter().any(|m| m
            .contains("metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist")),
        "{msgs:?}"
    );
}
