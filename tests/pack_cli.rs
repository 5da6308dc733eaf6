//! `podlab check`, `podlab grade` and `podlab schema` on the built-in packs and on broken ones,
//! and the committed JSON Schema kept in sync with the format's field table.

use std::path::{Path, PathBuf};
use std::process::Command;

fn podlab(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("podlab runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh folder under Cargo's scratch space for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn built_in_packs() -> Vec<String> {
    let mut packs: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/exercises/packs"))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".yaml"))
            .map(|n| format!("exercises/packs/{n}"))
            .collect();
    packs.sort();
    packs
}

#[test]
fn every_built_in_pack_is_proved() {
    let packs = built_in_packs();
    assert!(
        packs.iter().any(|p| p.ends_with("stateless.yaml")),
        "{packs:?}"
    );
    for pack in packs {
        let (ok, out, err) = podlab(&["check", &pack]);
        assert!(ok, "{pack}:\n{out}{err}");
        assert!(out.contains("fails, as it should"), "{out}");
        // Problems are `    FAIL ...` lines; a check failing without the solution is indented further.
        assert!(!out.lines().any(|l| l.starts_with("    FAIL ")), "{out}");
    }
}

#[test]
fn check_shows_each_task_failing_then_passing() {
    let (ok, out, _) = podlab(&["check", "exercises/packs/stateless.yaml"]);
    assert!(ok, "{out}");
    let ex = &out[out.find("exercise desired-state").unwrap()..];
    let without = ex.find("without the solution").unwrap();
    let with = ex.find("with the solution").unwrap();
    assert!(without < with);
    assert!(
        ex[without..with].contains("task four-ready: fails, as it should"),
        "{ex}"
    );
    assert!(
        ex[without..with]
            .contains("FAIL the ReplicaSet reports four ready replicas within 3 minutes at 3m30s"),
        "{ex}"
    );
    assert!(
        ex[with..].contains("[30s] $ kubectl scale rs random-generator --replicas=4"),
        "{ex}"
    );
    assert!(ex[with..].contains("task four-ready: passes"), "{ex}");
    assert!(
        out.contains("stateless: 7 of 7 exercise(s) proved"),
        "{out}"
    );
}

#[test]
fn check_refuses_a_broken_pack_with_every_error() {
    let (ok, out, err) = podlab(&["check", "tests/fixtures/packs/errors/unknown-fields.yaml"]);
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("tests/fixtures/packs/errors/unknown-fields.yaml:7:3: exercises[0]: unknown field \"titel\" in Exercise; did you mean \"title\"?"), "{err}");
    assert!(
        err.contains(":22:5: exercises[0].solution: unknown field \"file\""),
        "{err}"
    );
    assert!(err.contains("error(s); nothing was checked"), "{err}");
}

#[test]
fn check_fails_a_task_that_passes_without_the_solution_or_fails_with_it() {
    let dir = scratch("weak-pack");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/exercises/packs/stateless.yaml"
    ))
    .unwrap();
    // A check that already holds at the start tests nothing; a solution that does nothing
    // passes nothing.
    let weak = text
        .replace(
            "equals: 4\n      within: 3m",
            "atLeast: 2\n      within: 3m",
        )
        .replace(
            "processes: {app: random-generator, equals: 4}",
            "processes: {app: random-generator, atLeast: 2}",
        )
        .replace(
            "- kubectl scale rs random-generator --replicas=4",
            "- kubectl get rs",
        );
    assert_ne!(weak, text);
    let path = dir.join("weak.yaml");
    std::fs::write(&path, weak).unwrap();
    let (ok, out, _) = podlab(&["check", path.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("task four-ready: PASSES: it tests nothing"),
        "{out}"
    );
    assert!(
        out.contains("FAIL task four-ready passes without the solution"),
        "{out}"
    );
    assert!(
        out.contains("stateless: 6 of 7 exercise(s) proved"),
        "{out}"
    );

    let broken = text.replace(
        "- kubectl scale rs random-generator --replicas=4",
        "- kubectl get rs",
    );
    std::fs::write(&path, broken).unwrap();
    let (ok, out, _) = podlab(&["check", path.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(out.contains("task four-ready: FAILS"), "{out}");
    // A solution line that fails says so.
    let typo = text.replace(
        "- kubectl scale rs random-generator --replicas=4",
        "- kubectl scale rs random-generater --replicas=4",
    );
    std::fs::write(&path, typo).unwrap();
    let (ok, out, _) = podlab(&["check", path.to_str().unwrap()]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("[30s] $ kubectl scale rs random-generater --replicas=4   (failed: Error from server (NotFound): replicasets.apps \"random-generater\" not found)"),
        "{out}"
    );
    assert!(
        out.contains("fails with the solution: expected within 3m:"),
        "{out}"
    );
}

#[test]
fn grade_confirms_a_result_and_rejects_a_changed_one() {
    let dir = scratch("results");
    let (ok, out, err) = podlab(&[
        "check",
        "exercises/packs/stateless.yaml",
        "--results",
        dir.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    let result = dir.join("desired-state.result.json");
    let text = std::fs::read_to_string(&result).unwrap();
    assert!(
        text.contains("\"format\": \"podlab.dev/result/v1\""),
        "{text}"
    );
    assert!(
        text.contains("\"line\": \"kubectl scale rs random-generator --replicas=4\""),
        "{text}"
    );
    assert!(text.contains("\"passed\": true"), "{text}");

    let (ok, out, err) = podlab(&[
        "grade",
        "exercises/packs/stateless.yaml",
        result.to_str().unwrap(),
    ]);
    assert!(ok, "{out}{err}");
    assert!(
        out.contains("exercise desired-state: 2 line(s) replayed"),
        "{out}"
    );
    assert!(out.contains("grade: 4/4 checks passed: PASSED"), "{out}");

    // A changed verdict or digest no longer matches the replay.
    let forged = text.replacen("\"status\": \"pass\"", "\"status\": \"fail\"", 1);
    let path = dir.join("forged.json");
    std::fs::write(&path, &forged).unwrap();
    let (ok, out, _) = podlab(&[
        "grade",
        "exercises/packs/stateless.yaml",
        path.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(out.contains("TAMPERED task four-ready check"), "{out}");
    assert!(out.contains("REJECTED"), "{out}");

    let digest = text.find("\"digest\": \"").unwrap() + 11;
    let mut forged = text.clone();
    let c = if &text[digest..digest + 1] == "0" {
        "1"
    } else {
        "0"
    };
    forged.replace_range(digest..digest + 1, c);
    std::fs::write(&path, &forged).unwrap();
    let (ok, out, _) = podlab(&[
        "grade",
        "exercises/packs/stateless.yaml",
        path.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(out.contains("TAMPERED the trace digest is"), "{out}");

    // A learner who did not do the work: an honest result that does not pass.
    let pack_text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/exercises/packs/stateless.yaml"
    ))
    .unwrap();
    let pack = podlab::pack::Pack::parse(&pack_text).unwrap();
    let ex = pack.exercise("desired-state").unwrap();
    let mut attempt = podlab::pack::attempt::Attempt::start(ex, u64::MAX).unwrap();
    attempt.run("kubectl scale rs random-generator --replicas=3");
    attempt.run_for(60_000);
    attempt.finish_here();
    let lazy = podlab::pack::result::ResultRecord::of(&pack, ex, &attempt);
    assert!(!lazy.passed());
    std::fs::write(&path, lazy.to_json()).unwrap();
    let (ok, out, _) = podlab(&[
        "grade",
        "exercises/packs/stateless.yaml",
        path.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(!out.contains("TAMPERED"), "{out}");
    assert!(
        out.contains("FAIL four processes run at the end at 1m30s"),
        "{out}"
    );
    assert!(out.contains("seen: 3 (random-generator-"), "{out}");
    assert!(
        out.contains("grade: 1/4 checks passed: NOT PASSED"),
        "{out}"
    );
}

#[test]
fn grade_refuses_a_result_for_another_pack_version() {
    let dir = scratch("other-version");
    let (ok, _, _) = podlab(&[
        "check",
        "exercises/packs/stateless.yaml",
        "--results",
        dir.to_str().unwrap(),
    ]);
    assert!(ok);
    let result = dir.join("desired-state.result.json");
    let text = std::fs::read_to_string(&result).unwrap();
    std::fs::write(
        &result,
        text.replace("\"version\": \"0.1.0\"", "\"version\": \"9.9.9\""),
    )
    .unwrap();
    let (ok, _, err) = podlab(&[
        "grade",
        "exercises/packs/stateless.yaml",
        result.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(
        err.contains("the result is for version 9.9.9 of pack stateless, not 0.1.0"),
        "{err}"
    );
}

/// docs/pack.schema.json is what `podlab schema` prints from the format's field table
/// (src/pack/schema.rs). After changing the format: `podlab schema > docs/pack.schema.json`.
#[test]
fn the_committed_schema_matches_the_format() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/pack.schema.json"
    ))
    .unwrap();
    assert_eq!(
        committed,
        podlab::pack::schema::json_schema(),
        "run: podlab schema > docs/pack.schema.json"
    );
    let (ok, out, _) = podlab(&["schema"]);
    assert!(ok);
    assert_eq!(out, committed);
    // The site ships it beside the app.
    let index =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/index.html")).unwrap();
    let copy = index
        .lines()
        .find(|l| l.contains("rel=\"copy-file\""))
        .expect("index.html copies a file into the site");
    assert!(copy.contains("docs/pack.schema.json\""), "{copy}");
}
