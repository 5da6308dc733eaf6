//! `podlab run`: golden transcripts of the example scenarios, run through the CLI binary.
//! `PODLAB_BLESS=1 cargo test --test scenario_run` rewrites the goldens; read the diff.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use podlab::scenario::{Run, Scenario};
use podlab::sim::Timeline;

fn podlab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_podlab"))
        .args(args)
        .output()
        .expect("podlab runs")
}

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 transcript")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn check_golden(name: &str) {
    let file = scenarios_dir().join(format!("{name}.yaml"));
    let golden = scenarios_dir().join(format!("{name}.golden"));
    let out = podlab(&["run", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    if std::env::var_os("PODLAB_BLESS").is_some() {
        std::fs::write(&golden, &text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .unwrap_or_else(|_| panic!("{} is missing: run with PODLAB_BLESS=1", golden.display()));
    if text != want {
        let first = text
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(text.lines().count().min(want.lines().count()));
        panic!(
            "{name}: the transcript differs from {} from line {}:\n got: {:?}\nwant: {:?}\n(PODLAB_BLESS=1 rewrites it)",
            golden.display(),
            first + 1,
            text.lines().nth(first),
            want.lines().nth(first)
        );
    }
}

#[test]
fn stateless_example_matches_its_golden_transcript() {
    check_golden("stateless");
}

#[test]
fn apply_example_matches_its_golden_transcript() {
    check_golden("apply");
}

/// ref §6.3: cordon first, the no-controller error aborts before any eviction, a 429 is retried
/// every 5 s with kubectl's line, evicted pods print once gone, and `--timeout` ends the drain
/// with RunDrain's closing lines. Later lines print at their simulated time.
#[test]
fn drain_example_matches_its_golden_transcript() {
    check_golden("drain");
}

#[test]
fn the_same_file_and_seed_print_the_same_bytes_and_seed_overrides() {
    let file = scenarios_dir().join("stateless.yaml");
    let file = file.to_str().unwrap();
    let a = podlab(&["run", file, "--seed", "5"]);
    let b = podlab(&["run", file, "--seed", "5"]);
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
    let default = podlab(&["run", file]);
    let digest = |o: &Output| stdout(o).lines().last().unwrap_or("").to_string();
    assert!(digest(&a).starts_with("digest "));
    assert_ne!(
        digest(&a),
        digest(&default),
        "--seed 5 must replace the file's seed 42"
    );
}

#[test]
fn a_file_that_fails_to_load_exits_non_zero_with_line_and_column() {
    let dir = std::env::temp_dir().join(format!("podlab-scenario-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "seed: 1\nscript:\n- at: 5x\n  run: kubectl get pods\n",
    )
    .unwrap();
    let out = podlab(&["run", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        format!(
            "{}:3:7: script[0].at: invalid duration \"5x\": use a number with a unit, like 90s, 5m50s or 1h\n",
            bad.display()
        )
    );

    let missing = dir.join("missing.yaml");
    let out = podlab(&["run", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with(&format!("podlab: {}: ", missing.display())));

    // A failing command is part of the transcript, not a failed run.
    let failing = dir.join("failing.yaml");
    std::fs::write(&failing, "script:\n- {at: 0s, run: kubectl get nope}\n").unwrap();
    let out = podlab(&["run", failing.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(
        "[0s] $ kubectl get nope\nerror: the server doesn't have a resource type \"nope\"\ndigest "
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_run_is_replayable_from_its_command_log() {
    let text = std::fs::read_to_string(scenarios_dir().join("stateless.yaml")).unwrap();
    let scenario = Scenario::parse(&text).unwrap();
    let mut run = Run::new(&scenario, None).unwrap();
    run.finish();
    let done = run.timeline();
    let mut replay =
        Timeline::from_log(done.builder().clone(), done.log().to_vec(), 1_000).unwrap();
    replay.run_to(done.sim().now());
    assert_eq!(
        replay.sim().trace().digest_hex(),
        done.sim().trace().digest_hex()
    );
    assert!(!done.log().is_empty());
}

/// The book's Stateful Service README (ref §3, §4.2): claims kept across scale 2 -> 1 -> 3, each
/// pod's own log at /logs, the SRV lookup.
#[test]
fn stateful_example_matches_its_golden_transcript() {
    check_golden("stateful");
}

/// The Kubernetes documentation's "StatefulSet Basics" tutorial, shortened (ref §3): ordered
/// creation, stable names and storage, scaling, orphan and adopt.
#[test]
fn statefulset_basics_matches_its_golden_transcript() {
    check_golden("statefulset-basics");
}

/// The same tutorial, every command line in its order: the files from k8s.io URLs, the for
/// loops in the host shell, the partitioned and parallel sections and the cleanup (ref §3).
#[test]
fn statefulset_basics_2_matches_its_golden_transcript() {
    check_golden("statefulset-basics-2");
}

/// `kubectl rollout history|undo` of a StatefulSet (ref §3.4).
#[test]
fn statefulset_rollout_matches_its_golden_transcript() {
    check_golden("statefulset-rollout");
}

/// Leader election on a Lease (ref §7.2): one leader, a paused leader replaced, and `lab ps`
/// showing what each process believes.
#[test]
fn leader_election_matches_its_golden_transcript() {
    check_golden("leader-election");
}

/// `kubectl patch` with strategic, merge and JSON patches, as the StatefulSet tutorial types it.
#[test]
fn statefulset_patch_matches_its_golden_transcript() {
    check_golden("statefulset-patch");
}

/// `kubectl run` attached with `--rm`: curl-jq through a Service, a busybox shell with
/// nslookup and wget, and kubectl's errors.
#[test]
fn kubectl_run_matches_its_golden_transcript() {
    check_golden("kubectl-run");
}

/// The host-shell forms of the book's guides (`$(... | head -1)`, `&`, `>/dev/null`, `watch`).
#[test]
fn host_shell_forms_match_their_golden_transcript() {
    check_golden("host-shell");
}

/// The book's Stateless Service guide verbatim, its URLs served from the built-in copies.
#[test]
fn stateless_guide_matches_its_golden_transcript() {
    check_golden("stateless-guide");
}

/// The book's Stateful Service guide verbatim: minikube, a NodePort reached from the host
/// through `minikube service --url`, a file and a variable, scaling that keeps the claims.
#[test]
fn stateful_guide_matches_its_golden_transcript() {
    check_golden("stateful-guide");
}

/// The book's Singleton Service guide verbatim: a drain held up by a PDB (ref §6).
#[test]
fn singleton_guide_matches_its_golden_transcript() {
    check_golden("singleton-guide");
}

/// ref §7.3, §7.6: Dapr's lock has a TTL but no renew call and no token; a paused holder loses
/// it to another by the TTL, and a holder cut off from the store stops before its TTL runs out.
#[test]
fn dapr_lock_matches_its_golden_transcript() {
    check_golden("dapr-lock");
}

/// ref §7.5, §7.6: ZooKeeper's ephemeral sequential nodes; a paused leader's session expires
/// and its stale write is refused by its token, a cut-off leader suspends after two thirds of
/// its session timeout and learns of the expiry only when it reconnects.
#[test]
fn zookeeper_lock_matches_its_golden_transcript() {
    check_golden("zookeeper-lock");
}

/// `kubectl get -w`, `--watch-only` and `watch CMD` print each change at its time until the
/// next entry (issue 15 item 3).
#[test]
fn watch_matches_its_golden_transcript() {
    check_golden("watch");
}
