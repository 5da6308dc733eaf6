//! Pack parsing: the fixtures in tests/fixtures/packs/ (valid packs, and each kind of error
//! with its line:col).

use podlab::pack::{Condition, Expect, Pack, Pattern, PodMatch, When};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/packs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_full_example_reads_every_field() {
    let pack = Pack::parse(&fixture("full.yaml")).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert_eq!(pack.id, "full-example");
    assert_eq!(pack.authors, ["A. Author", "B. Author"]);
    let ex = &pack.exercises[0];
    assert_eq!(ex.pattern, Pattern::Stateless);
    assert_eq!(ex.predict.as_ref().map(|p| p.answer), Some(1));
    assert_eq!(ex.setup.seed, 7);
    assert_eq!(ex.setup.nodes.len(), 2);
    assert_eq!(ex.start_ms(), 10_000);
    assert_eq!(ex.settle_ms, 120_000);
    let checks = &ex.tasks[0].checks;
    assert_eq!(checks.len(), 9);
    assert_eq!(
        checks[0].when,
        When::Eventually {
            within_ms: Some(300_000)
        }
    );
    assert_eq!(
        checks[0].condition,
        Condition::Query {
            command: "kubectl get rs web -o jsonpath='{.status.readyReplicas}'".into(),
            expect: Expect::Equals("3".into()),
        }
    );
    assert_eq!(
        checks[1].title,
        "always: at most 3 processes of app=web run"
    );
    assert!(
        matches!(&checks[2].condition, Condition::PodOnNode { pod: PodMatch::Name(p), .. } if p == "web-*")
    );
    assert_eq!(checks[3].when, When::At { ms: 240_000 });
    assert_eq!(ex.solution.steps.len(), 2);
    assert_eq!(ex.solution.steps[1].after_ms, 30_000);
    assert_eq!(ex.hints.len(), 2);
}
