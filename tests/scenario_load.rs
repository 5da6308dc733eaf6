//! Scenario files: what loads, and bad input with a clear message at line:col.

use podlab::scenario::{transcript, Scenario, ScenarioError, MAX_BYTES};

fn errors(text: &str) -> Vec<String> {
    Scenario::parse(text)
        .expect_err("should not load")
        .iter()
        .map(ScenarioError::to_string)
        .collect()
}

#[test]
fn a_full_scenario_loads() {
    let s = Scenario::parse(
        "\
seed: 18446744073709551615
description: two nodes
cluster:
  nodes:
  - node-a
  - name: node-b
    zone: east
    labels: {disktype: ssd}
    capacity: {cpu: 500m, memory: 1Gi, pods: 8}
    taints: [\"dedicated=db:NoSchedule\", {key: gpu, effect: NoExecute}]
  timing:
    nodeMonitorGracePeriod: 40s
    defaultToleration: 1m
    unhealthyZoneThreshold: 60
files:
  a.yaml: |
    kind: x
script:
- {at: 0s, run: kubectl get nodes}
- {at: 1m30s, run: lab partition node-b}
- {at: 1m30s, run: kubectl get pods}
until: 1h
",
    )
    .unwrap();
    assert_eq!(s.seed, u64::MAX);
    assert_eq!(s.nodes.len(), 2);
    assert_eq!(
        (s.nodes[0].name.as_str(), s.nodes[0].zone.as_str()),
        ("node-a", "zone-a")
    );
    let b = &s.nodes[1];
    assert_eq!(
        (b.zone.as_str(), b.cpu_milli, b.memory_bytes, b.max_pods),
        ("east", 500, 1 << 30, 8)
    );
    assert_eq!(b.labels["disktype"], "ssd");
    let taints: Vec<String> = b.taints.iter().map(|t| t.describe()).collect();
    assert_eq!(taints, ["dedicated=db:NoSchedule", "gpu:NoExecute"]);
    assert_eq!(s.timing.node_monitor_grace_period, 40_000);
    assert_eq!(s.timing.default_toleration_seconds, 60);
    assert_eq!(s.timing.unhealthy_zone_threshold_percent, 60);
    assert_eq!(s.files["a.yaml"], "kind: x\n");
    let times: Vec<u64> = s.script.iter().map(|e| e.at_ms).collect();
    assert_eq!(times, [0, 90_000, 90_000]);
    assert_eq!(s.script[2].run, "kubectl get pods");
    assert_eq!(s.until_ms, Some(3_600_000));
}

#[test]
fn defaults_are_three_nodes_and_seed_zero() {
    let s = Scenario::parse("script:\n- {at: 0s, run: kubectl get nodes}\n").unwrap();
    assert_eq!(s.seed, 0);
    let names: Vec<&str> = s.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["node-1", "node-2", "node-3"]);
    let s = Scenario::parse("cluster: {nodes: 2}\n").unwrap();
    assert_eq!(s.nodes.len(), 2);
}

#[test]
fn errors_carry_line_col_and_path() {
    let text = "\
seed: 1
script:
- at: 0s
  run: kubectl get pods
- at: 5x
  run: kubectl get nodes
- at: 10s
- run: lab ps
  at: 1m
  wait: 3
";
    assert_eq!(
        errors(text),
        [
            "5:7: script[1].at: invalid duration \"5x\": use a number with a unit, like 90s, 5m50s or 1h",
            "7:3: script[2].run: Required value",
            "10:3: script[3]: unknown field \"wait\"; expected one of: at, run",
        ]
    );
}

#[test]
fn wrong_types_and_unknown_keys_are_named() {
    assert_eq!(
        errors("seed: two\nscirpt: []\n"),
        [
            "1:7: seed: expected an unsigned integer, found \"two\"",
            "2:1: unknown field \"scirpt\"; did you mean \"script\"? expected one of: seed, description, cluster, files, script, until",
        ]
    );
    assert_eq!(
        errors("seed: -1\n"),
        ["1:7: seed: -1 is out of range: expected an unsigned integer from 0 to 18446744073709551615"]
    );
    assert_eq!(
        errors("files:\n  a.yaml: {kind: Pod}\n"),
        ["2:11: files[a.yaml]: expected a string, found a mapping"]
    );
    assert_eq!(
        errors("cluster:\n  nodes:\n  - name: a\n    capacity: {cpu: lots}\n"),
        ["4:21: cluster.nodes[0].capacity.cpu: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got \"lots\")"]
    );
    assert!(errors("cluster:\n  timing: {nodeMonitorGrace: 40s}\n")[0]
        .starts_with("2:12: cluster.timing: unknown field \"nodeMonitorGrace\"; expected one of: nodeMonitorPeriod, nodeMonitorGracePeriod,"));
}

#[test]
fn script_times_must_not_go_back_and_until_must_follow_them() {
    assert_eq!(
        errors("script:\n- {at: 2m, run: a}\n- {at: 1m, run: b}\n"),
        ["3:8: script[1].at: 1m comes before the previous entry's 2m: entries must be in time order"]
    );
    assert_eq!(
        errors("script:\n- {at: 2m, run: a}\nuntil: 1m\n"),
        ["3:8: until: 1m is before the last script entry (2m); `until` runs on after the script"]
    );
    assert_eq!(
        errors("until: 25h\n"),
        ["1:8: until: 25h is too long: scenarios run for at most 24h"]
    );
}

#[test]
fn the_cluster_is_checked_when_loading() {
    assert_eq!(
        errors("cluster: {nodes: [a, a]}\n"),
        ["1:22: cluster.nodes[1]: nodes \"a\" already exists"]
    );
    assert_eq!(
        errors("cluster: {nodes: 101}\n"),
        ["1:18: cluster.nodes: 101 is out of range: expected a number of nodes from 0 to 100"]
    );
}

#[test]
fn yaml_problems_are_reported_not_panicked_on() {
    // Tabs, duplicate keys, two documents, an empty file.
    assert_eq!(
        errors("seed: 1\nscript:\n\t- {at: 0s, run: x}\n"),
        ["3:1: yaml: line 3: found a tab character where indentation is expected: YAML indents with spaces only"]
    );
    let dup = errors("seed: 1\nseed: 2\n");
    assert_eq!(dup.len(), 1);
    assert!(
        dup[0].starts_with("2:1: ") && dup[0].contains("seed"),
        "{dup:?}"
    );
    assert_eq!(
        errors("seed: 1\n---\nseed: 2\n"),
        ["3:1: a scenario is one YAML document; put manifests under `files:`"]
    );
    assert_eq!(
        errors("# nothing\n"),
        ["the file is empty: a scenario needs at least a script"]
    );
    assert_eq!(errors("- 1\n"), ["1:1: expected a mapping, found a list"]);
}

#[test]
fn invalid_utf8_deep_nesting_and_huge_files_get_clear_messages() {
    let mut bytes = b"seed: 1\nscript:\n- {at: 0s, run: \"caf".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28]);
    bytes.extend_from_slice(b"\"}\n");
    let e = Scenario::parse_bytes(&bytes).unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "3:21: invalid UTF-8: byte 0xc3 at offset 36 is not part of a character; scenario files must be UTF-8 text"
    );

    let deep = format!("seed: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let e = errors(&deep);
    assert_eq!(e.len(), 1);
    assert!(e[0].contains("nesting is too deep"), "{e:?}");

    let huge = format!("seed: 1\ndescription: \"{}\"\n", "x".repeat(MAX_BYTES));
    assert_eq!(
        errors(&huge),
        [format!(
            "the scenario is too large: {} bytes; podlab reads at most {MAX_BYTES} bytes (4 MiB)",
            huge.len()
        )]
    );
}

#[test]
fn bad_commands_and_files_are_reported_in_the_transcript_and_the_run_goes_on() {
    let big = format!("data: \"{}\"\n", "x".repeat(2 * 1024 * 1024));
    let mut s = Scenario::parse(
        "\
script:
- {at: 0s, run: kubectl apply -f missing.yaml}
- {at: 0s, run: kubectl frobnicate}
- {at: 0s, run: helm install x}
- {at: 0s, run: kubectl apply -f big.yaml}
- {at: 0s, run: \"kubectl get pods -l 'app\"}
- {at: 10s, run: kubectl get nodes}
",
    )
    .unwrap();
    let big_len = big.len();
    s.files.insert("big.yaml".into(), big);
    let t = transcript(&s, None).unwrap();
    let expected_start = format!("\
[0s] $ kubectl apply -f missing.yaml
error: the path \"missing.yaml\" does not exist
[0s] $ kubectl frobnicate
error: unknown command \"frobnicate\" for \"kubectl\"
[0s] $ helm install x
helm: command not found (this console runs kubectl, dig, lab, kind, minikube and curl)
[0s] $ kubectl apply -f big.yaml
error: error parsing big.yaml: the manifest is too large: {big_len} bytes; podlab reads at most 1048576 bytes (1 MiB) per file
[0s] $ kubectl get pods -l 'app
error: unexpected end of line: a single quote is not closed
[10s] $ kubectl get nodes
NAME     STATUS   ROLES    AGE   VERSION
node-1   Ready    <none>   10s   v1.34.0
"
    );
    assert!(t.starts_with(&expected_start), "{t}");
    assert!(t.ends_with('\n') && t.lines().last().unwrap().starts_with("digest "));
}

#[test]
fn unknown_fields_suggest_the_closest_known_one() {
    use podlab::scenario::suggest;
    let names = ["seed", "description", "cluster", "files", "script", "until"];
    assert_eq!(suggest("scirpt", &names), Some("script"));
    assert_eq!(suggest("Files", &names), Some("files"));
    assert_eq!(suggest("sed", &names), Some("seed"));
    // Short names allow one edit only: `wait` is not a typo of `at`.
    assert_eq!(suggest("wait", &["at", "run"]), None);
    assert_eq!(suggest("nodes", &names), None);
}

/// Issue 16 item 4: a NUL in the text is named at its line:col (the YAML scanner alone calls it
/// "unexpected end of stream"), and an escaped control character in `run:` is refused rather
/// than passed to the console and the transcript raw.
#[test]
fn nul_characters_and_control_escapes_are_named() {
    assert_eq!(
        errors("seed: 1\ndescription: \"a\0b\"\nscript: []\n"),
        ["2:16: yaml: line 2: found a NUL character (U+0000): YAML text may not contain one, not even inside quotes"]
    );
    assert_eq!(
        errors("script:\n- at: 0s\n  run: \"kubectl get pods\\0\"\n"),
        ["3:8: script[0].run: a control character (U+0000) is not allowed in a console line; write the command as it is typed"]
    );
    // A tab is what a learner may type; it stays allowed.
    assert!(Scenario::parse("script:\n- at: 0s\n  run: \"kubectl\\tget pods\"\n").is_ok());
}

/// A device such as /dev/zero has no length: the CLI says it read past the limit, not "0 bytes".
#[cfg(unix)]
#[test]
fn an_endless_device_is_refused_by_size() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_podlab"))
        .args(["run", "/dev/zero"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("podlab: /dev/zero: the scenario is too large: more than {MAX_BYTES} bytes and still going (not a regular file); podlab reads at most {MAX_BYTES} bytes (4 MiB)\n")
    );
}

/// Issue 16 item 4: a node the API server would refuse is reported at its own line:col with
/// Kubernetes' message (a Node's name is a DNS-1123 subdomain, ValidateNodeName; labels are
/// qualified names and label values; the kubelet sets kubernetes.io/hostname to the name), and
/// every such problem is reported, duplicates included.
#[test]
fn invalid_node_names_and_labels_are_each_reported() {
    let long = "a".repeat(64);
    let text = format!(
        "cluster:\n  nodes:\n  - node-1\n  - Node_1\n  - {long}\n  - name: node-2\n    labels: {{\"bad key\": x, team: -bad-}}\n  - node-1\nscript: []\n"
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 5, "{errs:#?}");
    assert!(errs[0].starts_with("4:5: cluster.nodes[1]: Node \"Node_1\" is invalid: metadata.name: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of"), "{}", errs[0]);
    assert!(errs[1].starts_with(&format!("5:5: cluster.nodes[2]: Node \"{long}\" is invalid: metadata.labels: Invalid value: \"{long}\": must be no more than 63 characters")), "{}", errs[1]);
    assert!(errs[2].contains("cluster.nodes[3]: Node \"node-2\" is invalid: metadata.labels: Invalid value: \"bad key\": name part must consist of"), "{}", errs[2]);
    assert!(
        errs[3].contains(
            "Invalid value: \"-bad-\": a valid label must be an empty string or consist of"
        ),
        "{}",
        errs[3]
    );
    assert_eq!(
        errs[4],
        "8:5: cluster.nodes[4]: nodes \"node-1\" already exists"
    );
}
