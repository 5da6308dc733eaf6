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
    assert_eq!(checks.len(), 11);
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

/// Each file in tests/fixtures/packs/errors/ is refused, and its errors (every one, in file
/// order, each with its line:col) are the `.errors` file beside it. `PODLAB_BLESS=1` rewrites
/// those after an intended change.
#[test]
fn each_kind_of_error_is_reported_with_its_line_and_column() {
    let dir = format!("{}/tests/fixtures/packs/errors", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 9, "{names:?}");
    let bless = std::env::var_os("PODLAB_BLESS").is_some();
    for name in names {
        let text = std::fs::read(format!("{dir}/{name}")).unwrap();
        let errors = Pack::parse_bytes(&text).expect_err(&name);
        let got: String = errors.iter().map(|e| format!("{e}\n")).collect();
        let golden = format!("{dir}/{}", name.replace(".yaml", ".errors"));
        if bless {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden)
            .unwrap_or_else(|_| panic!("{golden} is missing; run with PODLAB_BLESS=1"));
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn hostile_input_is_refused_without_panicking() {
    // Larger than a pack may be: refused before parsing.
    let huge = vec![b'#'; podlab::pack::MAX_BYTES + 1];
    let e = Pack::parse_bytes(&huge).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(
        e[0].message.starts_with("the pack is too large"),
        "{}",
        e[0]
    );
    // Nested deeper than the YAML reader allows.
    let deep = format!("{}{}", "[".repeat(500), "]".repeat(500));
    let e = Pack::parse(&deep).unwrap_err();
    assert!(e[0].message.contains("nesting is too deep"), "{}", e[0]);
    // Invalid UTF-8, at its line:col.
    let e = Pack::parse_bytes(b"format: podlab.dev/pack/v1\nid: \xff\n").unwrap_err();
    assert_eq!(e[0].to_string().split(": ").next(), Some("2:5"));
    // An alias bomb stays within the alias budget.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        bomb.push_str(&format!(
            "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            p = if i == 0 {
                "a".to_string()
            } else {
                format!("b{}", i - 1)
            }
        ));
    }
    assert!(Pack::parse(&bomb).is_err());
}

/// The field table and the reader agree: every field of every object in the format is used
/// by the full example, which reads without error (so no field is in the table but ignored).
#[test]
fn the_full_example_uses_every_field_of_the_format() {
    use podlab::manifest::tree::{parse_stream, Node, Value};
    use podlab::pack::schema::{Def, Ty, DEFS};
    let (docs, _) = parse_stream(&fixture("full.yaml"));
    let root = docs[0].root.as_ref().unwrap();
    let mut used: Vec<(&'static str, String)> = Vec::new();
    fn walk(node: &Node, def: &'static Def, used: &mut Vec<(&'static str, String)>) {
        let Value::Map(entries) = &node.value else {
            return;
        };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default().to_string();
            let Some(field) = def.field(&key) else {
                continue;
            };
            used.push((def.name, key));
            let mut tys = vec![field.ty];
            while let Some(ty) = tys.pop() {
                match ty {
                    Ty::Obj(d) => walk(v, d, used),
                    Ty::List(item) => {
                        if let Value::Seq(items) = &v.value {
                            for i in items {
                                match *item {
                                    Ty::Obj(d) => walk(i, d, used),
                                    Ty::OneOf(options) => {
                                        for o in options {
                                            if let Ty::Obj(d) = o {
                                                walk(i, d, used);
                                            }
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    walk(root, &podlab::pack::schema::PACK, &mut used);
    // The scenario's own fields are the scenario reader's (tests/scenario_load.rs).
    let scenario = ["Scenario", "Cluster", "Node", "ScriptEntry"];
    for def in DEFS.iter().filter(|d| !scenario.contains(&d.name)) {
        for f in def.fields {
            assert!(
                used.iter().any(|(d, k)| *d == def.name && k == f.name),
                "{}.{} is not in tests/fixtures/packs/full.yaml",
                def.name,
                f.name
            );
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod mutations {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        /// Any byte changed, inserted or cut in a valid pack: an error list or a pack, never a
        /// panic, and every error outside size limits has a line:col.
        #[test]
        fn a_damaged_pack_never_panics(at in 0usize..4000, byte in any::<u8>(), cut in any::<bool>()) {
            let mut text = super::fixture("full.yaml").into_bytes();
            let at = at % text.len();
            if cut {
                text.truncate(at);
            } else {
                text.insert(at, byte);
            }
            if let Err(errors) = podlab::pack::Pack::parse_bytes(&text) {
                prop_assert!(!errors.is_empty());
                for e in errors {
                    prop_assert!(e.pos.is_some() || e.message.starts_with("the file is empty"), "{}", e);
                }
            }
        }
    }
}

/// The complete example in docs/packs.md is a valid pack.
#[test]
fn the_documented_example_reads() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/packs.md")).unwrap();
    let start = doc.find("```yaml\n").expect("a yaml block") + 8;
    let end = start + doc[start..].find("```").unwrap();
    let pack = Pack::parse(&doc[start..end]).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    assert_eq!(pack.exercises[0].tasks[0].checks.len(), 2);
}
