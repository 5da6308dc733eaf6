//! The YAML path: bad input gets kubectl-like messages at exact line:col; nothing panics.

use podlab::manifest::{parse, parse_bytes, Diagnostic, ManifestObject, Pos, Severity, MAX_BYTES};
use podlab::model::Object;

fn only_error(text: &str) -> Diagnostic {
    let r = parse(text);
    let errors: Vec<&Diagnostic> = r.errors().collect();
    assert_eq!(errors.len(), 1, "{:#?}", r.diagnostics);
    assert!(r.objects.is_empty());
    errors[0].clone()
}

fn at(line: u32, col: u32) -> Option<Pos> {
    Some(Pos { line, col })
}

const RS_HEAD: &str = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n";

#[test]
fn tab_indentation_points_at_the_tab() {
    let d = only_error("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n");
    assert_eq!(d.pos, at(4, 1));
    assert!(
        d.message
            .contains("found a tab character where indentation is expected"),
        "{d}"
    );
    // A tab after some spaces, on the line after the one the parser complains about.
    let d = only_error(
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n  \t  image: b\n",
    );
    assert_eq!(d.pos, at(6, 3), "{d}");
}

#[test]
fn duplicate_keys_name_both_lines() {
    let d = only_error(&format!("{RS_HEAD}  replicas: 2\n  replicas: 3\n"));
    assert_eq!(d.pos, at(7, 3));
    assert_eq!(
        d.message,
        "yaml: line 7: mapping key \"replicas\" already defined at line 6"
    );
}

#[test]
fn duplicates_in_nested_and_long_mappings_report_in_text_order() {
    // The outer duplicate (line 7) closes after the inner one (line 9) but is reported first.
    let text = format!("{RS_HEAD}  replicas: 2\n  replicas: 3\n  template:\n    a: 1\n    a: 2\n");
    let r = parse(&text);
    let lines: Vec<u32> = r
        .diagnostics
        .iter()
        .filter_map(|d| d.pos.map(|p| p.line))
        .collect();
    assert_eq!(lines, [7, 10], "{:#?}", r.diagnostics);
    // A 50,000-key mapping: the repeat at the end still names the first line.
    let mut keys: String = (0..50_000).map(|i| format!("  k{i}: v\n")).collect();
    keys.push_str("  k7: again\n");
    let r = parse(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n{keys}"
    ));
    let d = &r.diagnostics[0];
    assert_eq!(d.pos.map(|p| p.line), Some(50_006));
    assert!(
        d.message
            .ends_with("mapping key \"k7\" already defined at line 13"),
        "{d}"
    );
}

#[test]
fn merge_keys_let_the_first_base_win_over_later_ones() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {own: o}\n  annotations:\n    <<: [{a: first, b: first}, {a: second, c: second}]\n    b: own\n";
    let r = parse(text);
    assert!(!r.has_errors(), "{:#?}", r.diagnostics);
    let m = r.objects[0].object.meta();
    assert_eq!(m.annotations["a"], "first");
    assert_eq!(m.annotations["b"], "own");
    assert_eq!(m.annotations["c"], "second");
}

#[test]
fn a_duplicate_key_spoils_only_its_document() {
    let text = format!("{RS_HEAD}  replicas: 2\n  replicas: 3\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
    let r = parse(&text);
    assert_eq!(r.objects.len(), 1);
    assert_eq!(r.objects[0].doc, 1);
    assert_eq!(r.errors().count(), 1);
}

#[test]
fn wrong_types_give_path_value_and_place() {
    let d = only_error(&format!("{RS_HEAD}  replicas: two\n"));
    assert_eq!(d.pos, at(6, 13));
    assert_eq!(d.path, "spec.replicas");
    assert_eq!(
        d.message,
        "spec.replicas: Invalid value: \"two\": expected an integer"
    );
    // A quoted number is a string, as for the API server.
    let d = only_error(&format!("{RS_HEAD}  replicas: \"3\"\n"));
    assert_eq!(
        d.message,
        "spec.replicas: Invalid value: \"3\": expected an integer"
    );
    // An unquoted number where a string belongs.
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: b\n    env:\n    - name: X\n      value: 5\n";
    let d = only_error(pod);
    assert_eq!(d.pos, at(11, 14));
    assert_eq!(
        d.message,
        "spec.containers[0].env[0].value: Invalid value: 5: expected a string"
    );
    // A list where a map belongs.
    let d = only_error(&format!("{RS_HEAD}  selector: [a]\n"));
    assert_eq!((d.pos, d.path.as_str()), (at(6, 13), "spec.selector"));
    assert!(d.message.ends_with("expected an object"), "{d}");
    // A bad quantity, with the path of a map key.
    let pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  resources:\n    requests:\n      storage: 10Q\n";
    let d = only_error(pvc);
    assert_eq!(
        (d.pos, d.path.as_str()),
        (at(8, 16), "spec.resources.requests[storage]")
    );
    assert!(
        d.message.starts_with(
            "spec.resources.requests[storage]: Invalid value: \"10Q\": quantities must match"
        ),
        "{d}"
    );
    // A required field inside the model's types.
    let probe = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: b\n    readinessProbe:\n      httpGet:\n        path: /\n";
    let d = only_error(probe);
    assert_eq!(
        d.message,
        "spec.containers[0].readinessProbe.httpGet.port: Required value"
    );
    assert_eq!(d.pos, at(11, 9));
}

#[test]
fn unknown_kinds_suggest_the_right_one() {
    let d = only_error("apiVersion: apps/v1\nkind: Replicaset\nmetadata:\n  name: web\n");
    assert_eq!(d.pos, at(2, 7));
    assert_eq!(
        d.message,
        "no matches for kind \"Replicaset\" in version \"apps/v1\": did you mean \"ReplicaSet\"?"
    );
    let d = only_error("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web\n");
    assert_eq!(
        d.message,
        "no matches for kind \"Deployment\" in version \"v1\": Deployment is served as apiVersion apps/v1"
    );
    let d = only_error("kind: DaemonSet\napiVersion: apps/v1\nmetadata:\n  name: d\n");
    assert_eq!(d.pos, at(1, 7));
    assert_eq!(
        d.message,
        "kind \"DaemonSet\" (apps/v1) is not simulated by podlab; this document is skipped"
    );
}

#[test]
fn missing_api_version_or_kind() {
    let d = only_error("metadata:\n  name: web\n");
    assert_eq!(d.pos, at(1, 1));
    assert_eq!(
        d.message,
        "error validating data: [apiVersion not set, kind not set]"
    );
    let d = only_error("apiVersion: v1\nmetadata:\n  name: web\n");
    assert_eq!(d.message, "error validating data: [kind not set]");
    let d = only_error("name: ci\non: [push]\njobs:\n  test: {}\n");
    assert!(d.message.contains("GitHub Actions workflow"), "{d}");
}

#[test]
fn empty_input_and_empty_documents() {
    for text in ["", "\n", "# only a comment\n", "---\n---\n", "---\n...\n"] {
        let d = only_error(text);
        assert_eq!(d.message, "no objects passed to apply", "{text:?}");
        assert_eq!(d.pos, None);
    }
    // Empty documents between objects are skipped silently, as kubectl does.
    let r = parse("---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n");
    assert_eq!(r.objects.len(), 1);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn invalid_utf8_is_located() {
    let r = parse_bytes(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf\xe9\n");
    let d = &r.diagnostics[0];
    assert_eq!(d.pos, at(4, 12));
    assert!(
        d.message
            .starts_with("invalid UTF-8: byte 0xe9 at offset 46"),
        "{d}"
    );
    // Multi-byte characters before the bad byte count as one column each.
    let r = parse_bytes(
        "a: é€"
            .as_bytes()
            .iter()
            .chain(b"\xff")
            .copied()
            .collect::<Vec<u8>>()
            .as_slice(),
    );
    assert_eq!(r.diagnostics[0].pos, at(1, 6));
    // Valid bytes parse as text does.
    let r = parse_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
    assert_eq!(r.objects.len(), 1);
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let big = format!("a: {}\n", "x".repeat(2 * 1024 * 1024));
    let d = only_error(&big);
    assert_eq!(d.pos, None);
    assert_eq!(
        d.message,
        format!("the manifest is too large: {} bytes; podlab reads at most {MAX_BYTES} bytes (1 MiB) per file", big.len())
    );
    assert_eq!(
        parse_bytes(big.as_bytes()).diagnostics,
        parse(&big).diagnostics
    );
}

// These run on the default test thread stack: deep input must be refused, not recursed into.
#[test]
fn ten_thousand_levels_of_nesting_are_refused() {
    let flow = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let d = only_error(&flow);
    assert!(d.message.contains("nesting is too deep"), "{d}");
    let flow_maps = format!("a: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
    assert!(only_error(&flow_maps)
        .message
        .contains("nesting is too deep"));
    let compact = format!("a:\n{}x\n", "- ".repeat(10_000));
    let d = only_error(&compact);
    assert_eq!(d.pos, at(2, 199), "{d}");
    assert!(d.message.contains("more than 100 levels"), "{d}");
    // Block mappings, as deep as fits in the size limit.
    let mut block = String::new();
    for i in 0..1400 {
        block.push_str(&" ".repeat(i));
        block.push_str("k:\n");
    }
    assert!(only_error(&block).message.contains("nesting is too deep"));
}

#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..8 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    assert!(only_error(&text)
        .message
        .contains("aliases expand to more than"));
}

#[test]
fn syntax_errors_keep_earlier_documents() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\nkey: [unclosed\n";
    let r = parse(text);
    assert_eq!(r.objects.len(), 1);
    let e: Vec<_> = r.errors().collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].doc, 1);
    assert!(e[0].message.starts_with("yaml: line 7:"), "{}", e[0]);
}

#[test]
fn unknown_fields_warn_in_kubectls_words() {
    let text = format!("{RS_HEAD}  replicas: 1\n  strategy:\n    type: Recreate\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        imagePolicy: Always\n        startupProbe: {{}}\n");
    let r = parse(&text);
    assert_eq!(r.objects.len(), 1);
    let w: Vec<(Option<Pos>, &str)> = r.warnings().map(|d| (d.pos, d.message.as_str())).collect();
    assert_eq!(
        w,
        vec![
            (at(7, 3), "unknown field \"spec.strategy\""),
            (at(18, 9), "unknown field \"spec.template.spec.containers[0].imagePolicy\""),
            (
                at(19, 9),
                "field \"spec.template.spec.containers[0].startupProbe\" is not simulated by podlab and is ignored"
            ),
        ]
    );
    assert!(r.warnings().all(|d| d.severity == Severity::Warning));
}

#[test]
fn multi_document_streams_and_lists() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  k: v\n";
    let r = parse(text);
    let names: Vec<(&str, usize)> = r
        .objects
        .iter()
        .map(|m| (m.object.meta().name.as_str(), m.doc))
        .collect();
    assert_eq!(names, vec![("a", 0), ("b", 1)]);
    let e: Vec<_> = r.errors().collect();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].pos, at(9, 9));
    assert!(
        e[0].message
            .starts_with("items[1]: kind \"Secret\" (v1) is not simulated"),
        "{}",
        e[0]
    );
    assert_eq!(Some(r.objects[0].pos), at(4, 3));
}

#[test]
fn yaml_1_1_scalars_read_as_kubectl_reads_them() {
    // `on`, `yes` and `0644`-style values are not strings to kubectl's YAML reader.
    let cm = |v: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: {v}\n")
    };
    for v in ["yes", "on", "true", "12", "1.5", "~"] {
        let r = parse(&cm(v));
        if v == "~" {
            // Null is the empty value.
            let ManifestObject::Object(Object::ConfigMap(c)) = &r.objects[0].object else {
                panic!()
            };
            assert_eq!(c.data["k"], "");
        } else {
            assert!(r.has_errors(), "{v} should not be a string");
        }
    }
    for v in ["\"yes\"", "'12'", "hello world", "|\n    a block\n"] {
        assert!(!parse(&cm(v)).has_errors(), "{v}");
    }
}

#[test]
fn merge_keys_and_anchors_work_as_in_kubectl() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: &l {app: a, tier: t}\n  annotations:\n    <<: *l\n    tier: override\n";
    let r = parse(text);
    let m = r.objects[0].object.meta();
    assert_eq!(m.labels.len(), 2);
    assert_eq!(m.annotations["app"], "a");
    assert_eq!(m.annotations["tier"], "override");
}

#[test]
fn garbage_never_panics() {
    let samples = [
        "- - -",
        ": :",
        "{",
        "}",
        "[",
        "&a *a",
        "*a",
        "!!binary x",
        "? a\n: b",
        "--- |\n  x",
        "\u{feff}apiVersion: v1",
        "apiVersion: [v1]\nkind: {a: b}",
        "kind: Pod\napiVersion: v1\nmetadata: 5",
        "kind: Pod\napiVersion: v1\nspec: {containers: [{name: [x]}]}",
        "%YAML 1.2\n---\na: b",
        "kind: List\napiVersion: v1\nitems: [{kind: List, apiVersion: v1, items: []}]",
    ];
    for s in samples {
        let _ = parse(s);
        let _ = parse_bytes(s.as_bytes());
    }
}

/// Issue 16: `metadata.resourceVersion` is kept as a number. A text that is not one is refused
/// at its place with apiserver's `ParseResourceVersion` reason; "0" and "" mean none, and an
/// object prints its version as the quoted text Kubernetes shows.
#[test]
fn a_resource_version_is_a_number_written_as_text() {
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    let d = only_error(&format!("{head}  resourceVersion: abc\n"));
    assert_eq!(
        (d.pos, d.path.as_str()),
        (at(5, 20), "metadata.resourceVersion")
    );
    assert_eq!(
        d.message,
        "metadata.resourceVersion: Invalid value: \"abc\": strconv.ParseUint: parsing \"abc\": invalid syntax"
    );
    let d = only_error(&format!(
        "{head}  resourceVersion: \"99999999999999999999\"\n"
    ));
    assert!(d.message.ends_with("value out of range"), "{d}");
    for (text, want) in [("\"0\"", 0), ("\"\"", 0), ("\"42\"", 42)] {
        let r = parse(&format!("{head}  resourceVersion: {text}\n"));
        assert_eq!(r.errors().count(), 0, "{:#?}", r.diagnostics);
        assert_eq!(r.objects[0].object.meta().resource_version.0, want);
    }
}
