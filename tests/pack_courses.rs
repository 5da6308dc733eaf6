//! The three built-in courses (exercises/packs/): each has at least six exercises on the topics
//! of its pattern, each exercise is proved (every task fails without the reference solution
//! and passes with it), and a learner who takes a wrong path fails the check that teaches it.

use podlab::pack::attempt::Attempt;
use podlab::pack::check::Status;
use podlab::pack::result::prove;
use podlab::pack::{Exercise, Pack};

fn course(id: &str) -> Pack {
    let path = format!("{}/exercises/packs/{id}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    Pack::parse(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"))
}

const COURSES: [(&str, &[&str]); 3] = [
    (
        "stateless",
        &[
            "desired-state",
            "names-and-adoption",
            "which-replica",
            "template-no-roll",
            "rwo-one-node",
            "access-modes",
            "partition-two-processes",
        ],
    ),
    (
        "stateful",
        &[
            "book-example",
            "ordered-or-parallel",
            "canary",
            "on-delete",
            "retention",
            "force-delete",
            "out-of-service",
        ],
    ),
    (
        "singleton",
        &[
            "pdb-drain",
            "at-least-or-at-most",
            "lease-paused-leader",
            "fencing",
            "configmap-lock",
            "dapr-lock",
            "zookeeper-lock",
            "pdb-blocks-drain",
            "scaled-service",
        ],
    ),
];

#[test]
fn each_course_has_six_or_more_complete_exercises_on_its_pattern() {
    for (id, topics) in COURSES {
        let pack = course(id);
        assert_eq!(pack.id, id);
        assert!(pack.exercises.len() >= 6, "{id}: {}", pack.exercises.len());
        let ids: Vec<&str> = pack.exercises.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, topics, "{id}: the exercises, in course order");
        for ex in &pack.exercises {
            let at = format!("{id}/{}", ex.id);
            assert_eq!(ex.pattern.name(), id, "{at}");
            // Predict-then-reveal: the answer is one of the choices, and the reveal says why.
            let p = ex
                .predict
                .as_ref()
                .unwrap_or_else(|| panic!("{at}: no predict"));
            assert!(p.choices.len() >= 2 && p.answer < p.choices.len(), "{at}");
            assert!(!p.reveal.trim().is_empty(), "{at}");
            assert!(!ex.intro.trim().is_empty(), "{at}: intro");
            assert!(!ex.debrief.trim().is_empty(), "{at}: debrief");
            assert!(!ex.hints.is_empty(), "{at}: hints");
            assert!(!ex.concepts.is_empty(), "{at}: concepts");
            assert!(!ex.solution.steps.is_empty(), "{at}: solution");
        }
    }
}

#[test]
fn every_course_exercise_is_proved() {
    for (id, _) in COURSES {
        let pack = course(id);
        for ex in &pack.exercises {
            let proof = prove(&pack, ex).unwrap();
            assert!(
                proof.problems.is_empty(),
                "{id}/{}: {:?}",
                ex.id,
                proof.problems
            );
            assert!(proof
                .without
                .tasks
                .iter()
                .all(|(_, s, _)| *s == Status::Failed));
            assert!(proof
                .with
                .tasks
                .iter()
                .all(|(_, s, _)| *s == Status::Passed));
        }
    }
}

/// Runs `lines` (each after its delay, ms) from the exercise's start, then settles the run as
/// a grade does, and returns each check's (title, status).
fn attempt(ex: &Exercise, lines: &[(u64, &str)]) -> Vec<(String, Status)> {
    let mut a = Attempt::start(ex, u64::MAX).unwrap();
    for (name, text) in &ex.solution.files {
        a.add_file(name, text);
    }
    for (after, line) in lines {
        a.run_for(*after);
        a.run(line);
    }
    a.finish(ex);
    ex.checks()
        .map(|(_, c)| c.title.clone())
        .zip(a.watch().verdicts().iter().map(|v| v.status))
        .collect()
}

fn status(verdicts: &[(String, Status)], title: &str) -> Status {
    verdicts
        .iter()
        .find(|(t, _)| t == title)
        .unwrap_or_else(|| panic!("no check {title:?} in {verdicts:?}"))
        .1
}

fn exercise<'a>(pack: &'a Pack, id: &str) -> &'a Exercise {
    pack.exercise(id).unwrap()
}

/// A ReplicaSet of one is not a singleton: partitioning its node runs a second copy, which
/// the whole-run check sees; so does starting the StatefulSet while the ReplicaSet still runs.
#[test]
fn a_replicaset_of_one_or_a_hasty_switch_runs_two_copies() {
    let pack = course("singleton");
    let ex = exercise(&pack, "at-least-or-at-most");
    let never_two = "never more than one process of random-generator runs";
    let v = attempt(
        ex,
        &[
            (
                0,
                "lab partition $(kubectl get pods -l app=random-generator -o jsonpath='{.items[0].spec.nodeName}')",
            ),
            (8 * 60_000, "kubectl get pods -o wide"),
        ],
    );
    assert_eq!(status(&v, never_two), Status::Failed, "{v:?}");
    let v = attempt(
        ex,
        &[
            (0, "kubectl apply -f statefulset.yaml"),
            (10_000, "kubectl delete rs random-generator"),
        ],
    );
    assert_eq!(status(&v, never_two), Status::Failed, "{v:?}");
    assert_eq!(
        status(&v, "the StatefulSet has one ready replica"),
        Status::Passed
    );
}

/// Force-deleting the pod of a crashed node does not bring it back within five minutes: the
/// disk stays attached to the dead node (Multi-Attach) until the six-minute force detach.
#[test]
fn force_delete_instead_of_the_out_of_service_taint_is_too_slow() {
    let pack = course("stateful");
    let ex = exercise(&pack, "out-of-service");
    let v = attempt(
        ex,
        &[(0, "kubectl delete pod db-0 --grace-period=0 --force")],
    );
    assert_eq!(
        status(&v, "a db-0 process runs again within 5 minutes"),
        Status::Failed,
        "{v:?}"
    );
    assert_eq!(
        status(&v, "the volume never has two writers"),
        Status::Passed
    );
}

/// Changing the image before setting the partition rolls every pod.
#[test]
fn a_canary_without_a_partition_first_rolls_everything() {
    let pack = course("stateful");
    let ex = exercise(&pack, "canary");
    let v = attempt(ex, &[(0, "kubectl set image sts/web nginx=nginx:1.28")]);
    assert_eq!(status(&v, "web-0 never runs 1.28"), Status::Failed, "{v:?}");
}

/// Deleting the budget empties the node, but the check that the budget stays catches it.
#[test]
fn deleting_the_zero_budget_is_not_the_answer() {
    let pack = course("singleton");
    let ex = exercise(&pack, "pdb-blocks-drain");
    let v = attempt(
        ex,
        &[
            (0, "kubectl delete pdb singleton-pdb"),
            (0, "kubectl drain node-1"),
        ],
    );
    assert_eq!(
        status(&v, "singleton runs on node-2 within 10 minutes"),
        Status::Passed,
        "{v:?}"
    );
    assert_eq!(
        status(&v, "the budget is never deleted"),
        Status::Failed,
        "{v:?}"
    );
}

/// Scaling down to one replica also leaves one endpoint, but stops processes.
#[test]
fn scaling_down_is_not_taking_replicas_out_of_the_service() {
    let pack = course("stateless");
    let ex = exercise(&pack, "which-replica");
    let v = attempt(ex, &[(0, "kubectl scale rs random-generator --replicas=1")]);
    assert_eq!(
        status(&v, "the Service lists a single address"),
        Status::Passed,
        "{v:?}"
    );
    assert_eq!(
        status(&v, "three processes run at every moment"),
        Status::Failed,
        "{v:?}"
    );
}
