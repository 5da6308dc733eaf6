//! Printing: kubectl's -o yaml / -o json layout, and parse(print(x)) == x for generated objects.

use podlab::sorted::SortedMap;

use podlab::manifest::{parse, to_json, to_yaml, ManifestObject};
use podlab::model::{
    ConfigMap, Container, ContainerPort, EnvVar, IntOrString, LabelSelector, ObjectMeta, PodSpec,
    PodTemplateSpec, ReplicaSet, ReplicaSetSpec, Service, ServicePort, ServiceSpec,
};
use proptest::prelude::*;

fn rs(
    name: &str,
    replicas: i32,
    labels: SortedMap<String, String>,
    env: Vec<(String, String)>,
) -> ManifestObject {
    let mut c = Container::new("web", "nginx:1.27");
    c.ports.push(ContainerPort {
        name: "http".into(),
        container_port: 80,
        protocol: "TCP".into(),
    });
    c.env = env.iter().map(|(k, v)| EnvVar::new(k, v)).collect();
    ManifestObject::Object(
        ReplicaSet {
            metadata: ObjectMeta {
                name: name.into(),
                labels: labels.clone().into(),
                ..Default::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(replicas),
                selector: LabelSelector {
                    match_labels: labels.clone(),
                    ..Default::default()
                },
                template: PodTemplateSpec {
                    metadata: ObjectMeta {
                        labels: labels.into(),
                        ..Default::default()
                    },
                    spec: PodSpec::with_containers(vec![c]).into(),
                },
                ..Default::default()
            },
            ..Default::default()
        }
        .into(),
    )
}

#[test]
fn yaml_prints_like_kubectl() {
    let labels = SortedMap::from([("app".to_string(), "web".to_string())]);
    let env = vec![
        ("MODE".to_string(), "yes".to_string()),
        ("PORT".to_string(), "8080".to_string()),
    ];
    let yaml = to_yaml(&rs("web", 3, labels, env)).unwrap();
    let expected = "\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  labels:
    app: web
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - env:
        - name: MODE
          value: \"yes\"
        - name: PORT
          value: \"8080\"
        image: nginx:1.27
        name: web
        ports:
        - containerPort: 80
          name: http
          protocol: TCP
status:
  replicas: 0
";
    assert_eq!(yaml, expected);
}

#[test]
fn json_prints_like_kubectl() {
    let svc = ManifestObject::Object(
        Service {
            metadata: ObjectMeta::named("default", "web"),
            spec: ServiceSpec {
                selector: SortedMap::from([("app".to_string(), "<web>".to_string())]),
                ports: vec![ServicePort {
                    port: 80,
                    target_port: Some(IntOrString::Int(8080)),
                    ..Default::default()
                }],
                cluster_ip: "None".into(),
                ..Default::default()
            },
        }
        .into(),
    );
    let expected = r#"{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "name": "web",
        "namespace": "default"
    },
    "spec": {
        "selector": {
            "app": "\u003cweb\u003e"
        },
        "ports": [
            {
                "port": 80,
                "targetPort": 8080
            }
        ],
        "clusterIP": "None"
    }
}"#;
    assert_eq!(to_json(&svc).unwrap(), expected);
}

#[test]
fn multi_line_and_special_strings_round_trip() {
    let data = [
        ("script", "#!/bin/sh\necho hi\n"),
        ("nonl", "a\nb"),
        ("trailing", "x\n\n\n"),
        ("lead", "\n  indented first\nthen"),
        ("colon", "a: b"),
        ("hash", "a #b"),
        ("star", "*x"),
        ("dash", "- x"),
        ("empty", ""),
        ("null", "null"),
        ("tilde", "~"),
        ("num", "0644"),
        ("float", "1e3"),
        ("quote", "it's \"q\""),
        ("space", " padded "),
        ("tab", "a\tb"),
        ("unicode", "héllo ✓"),
        ("ctrl", "bell\u{7}"),
        ("doc", "--- x"),
    ];
    let yaml = config_map_round_trip(&data);
    assert!(
        yaml.contains("  script: |\n    #!/bin/sh\n    echo hi\n"),
        "{yaml}"
    );
}

/// Prints a ConfigMap holding `data`, checks it reads back the same, and returns the YAML.
fn config_map_round_trip(data: &[(&str, &str)]) -> String {
    let data: SortedMap<String, String> = data
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let cm = ManifestObject::Object(
        ConfigMap {
            metadata: ObjectMeta::named("", "c"),
            data,
        }
        .into(),
    );
    let yaml = to_yaml(&cm).unwrap();
    let back = parse(&yaml);
    assert!(!back.has_errors(), "{yaml}\n{:?}", back.diagnostics);
    assert_eq!(back.objects[0].object, cm, "{yaml}");
    yaml
}

/// Keys print as keys: a block scalar cannot be one, so a key with a newline is double-quoted
/// (found by the `manifest_parse` fuzzer: a label key `|-` block read back as a different map).
#[test]
fn multi_line_keys_round_trip() {
    let yaml = config_map_round_trip(&[("appe\n\n>\n2\n\ntion", "v"), ("|-", "w")]);
    assert!(
        yaml.contains("  \"appe\\n\\n>\\n2\\n\\ntion\": v\n"),
        "{yaml}"
    );
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z][a-z0-9-]{0,10}",
        "[ -~]{0,16}",
        "[ -~\n\t]{0,24}",
        Just("yes".to_string()),
        Just("0x1F".to_string()),
        Just("".to_string()),
        "\\PC{0,8}",
    ]
}

fn label_map() -> impl Strategy<Value = SortedMap<String, String>> {
    prop::collection::btree_map("[a-z]{1,6}(/[a-z]{1,4})?", text(), 0..4)
        .prop_map(|m| m.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn parse_print_parse_gives_the_same_objects(
        name in "[a-z][a-z0-9-]{0,12}",
        replicas in -2i32..1000,
        labels in label_map(),
        env in prop::collection::vec(("[A-Z_]{1,8}", text()), 0..4),
        data in prop::collection::btree_map("[A-Za-z0-9._-]{1,10}", text(), 0..5).prop_map(|m| m.into_iter().collect::<SortedMap<_, _>>()),
        target in prop_oneof![(1i32..65535).prop_map(IntOrString::Int), "[a-z]{1,8}".prop_map(IntOrString::String)],
    ) {
        let objects = vec![
            rs(&name, replicas, labels.clone(), env),
            ManifestObject::Object(ConfigMap { metadata: ObjectMeta { name: name.clone().into(), annotations: labels.clone().into(), ..Default::default() }, data }.into()),
            ManifestObject::Object(Service {
                metadata: ObjectMeta::named("ns", &name),
                spec: ServiceSpec { selector: labels, ports: vec![ServicePort { port: 80, target_port: Some(target), ..Default::default() }], ..Default::default() },
            }.into()),
        ];
        let text: Vec<String> = objects.iter().map(|o| to_yaml(o).unwrap()).collect();
        let stream = text.join("---\n");
        let first = parse(&stream);
        prop_assert!(!first.has_errors(), "{}\n{:?}", stream, first.diagnostics);
        let parsed: Vec<ManifestObject> = first.objects.iter().map(|m| m.object.clone()).collect();
        prop_assert_eq!(&parsed, &objects);
        // And once more from the printed parse result.
        let again: Vec<String> = parsed.iter().map(|o| to_yaml(o).unwrap()).collect();
        let second = parse(&again.join("---\n"));
        let reparsed: Vec<ManifestObject> = second.objects.iter().map(|m| m.object.clone()).collect();
        prop_assert_eq!(reparsed, parsed);
    }
}
