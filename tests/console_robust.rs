//! Hostile input to the new parsers never panics (a panic kills the page): shell lines inside a
//! pod, patch bodies, custom columns, field selectors, Go templates and watch flags.

use proptest::prelude::*;

mod common;

use podlab::console::Console;
use podlab::sim::Sim;

fn cluster() -> (Sim, Console, String) {
    let (sim, pod) = common::web_pod(8, 20000);
    (sim, Console::new(), pod)
}

/// Single-quoted for the console's word splitter.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn shellish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("echo".to_string()),
            Just("$(".to_string()),
            Just(")".to_string()),
            Just("${".to_string()),
            Just("}".to_string()),
            Just("'".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just(">".to_string()),
            Just(">>".to_string()),
            Just("<".to_string()),
            Just("|".to_string()),
            Just("&&".to_string()),
            Just("||".to_string()),
            Just(";".to_string()),
            Just("2>&1".to_string()),
            Just(format!("cd {}", ".".repeat(2))),
            Just("cat /opt/x".to_string()),
            Just("ls /".to_string()),
            Just("curl localhost:8080/".to_string()),
            Just("head -n".to_string()),
            Just("tail -".to_string()),
            Just("exit".to_string()),
            "[ -~]{0,6}",
            "\\PC{0,3}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn shell_lines_never_panic(line in shellish()) {
        let (mut sim, console, pod) = cluster();
        let _ = console.run(&mut sim, &format!("kubectl exec {pod} -- sh -c {}", quote(&line)));
        // At the console's own prompt: the host-shell forms ($(...), &, >/dev/null, watch).
        let _ = console.run(&mut sim, &format!("kubectl get pods {line}"));
        let _ = console.run(&mut sim, &format!("watch kubectl delete $({line})"));
        let _ = console.run(&mut sim, &format!("kubectl exec -it {pod} -- sh"));
        let _ = console.run(&mut sim, &line);
        let _ = console.run(&mut sim, "exit");
    }

    #[test]
    fn patches_and_selectors_never_panic(body in "[ -~]{0,40}", kind in 0usize..3) {
        let (mut sim, console, _) = cluster();
        let t = ["strategic", "merge", "json"][kind];
        let _ = console.run(&mut sim, &format!("kubectl patch rs web --type={t} -p {}", quote(&body)));
        let _ = console.run(&mut sim, &format!("kubectl get pods -o custom-columns={}", quote(&body)));
        let _ = console.run(&mut sim, &format!("kubectl get pods --field-selector {}", quote(&body)));
        let _ = console.run(&mut sim, &format!("kubectl set image rs/web {}", quote(&body)));
    }
}

/// Pieces of Go templates, so the generated ones get past the first character.
fn templateish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{{".to_string()),
            Just("}}".to_string()),
            Just("{{-".to_string()),
            Just("-}}".to_string()),
            Just(".metadata.name".to_string()),
            Just(".items".to_string()),
            Just(".spec.containers".to_string()),
            Just("range".to_string()),
            Just("$i, $c :=".to_string()),
            Just("$c.image".to_string()),
            Just("$".to_string()),
            Just("if".to_string()),
            Just("else".to_string()),
            Just("else if".to_string()),
            Just("with".to_string()),
            Just("end".to_string()),
            Just("index".to_string()),
            Just("len".to_string()),
            Just("printf \"%s %d %v %\"".to_string()),
            Just("eq".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just("|".to_string()),
            Just("\"\\n\"".to_string()),
            Just("0".to_string()),
            Just("-1".to_string()),
            Just("/*".to_string()),
            Just("*/".to_string()),
            "[ -~]{0,4}",
            "\\PC{0,2}",
        ],
        0..14,
    )
    .prop_map(|parts| parts.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn go_templates_never_panic(t in templateish()) {
        let (mut sim, console, pod) = cluster();
        let _ = console.run(&mut sim, &format!("kubectl get pods -o go-template={}", quote(&t)));
        let _ = console.run(&mut sim, &format!("kubectl get pod {pod} --template {}", quote(&t)));
        let _ = console.run(&mut sim, &format!("kubectl get pods -o jsonpath={}", quote(&t)));
    }

    #[test]
    fn watch_flags_never_panic(
        flags in prop::collection::vec(
            prop_oneof![
                Just("-w"), Just("--watch"), Just("--watch-only"), Just("--watch=false"),
                Just("-o wide"), Just("-o name"), Just("-o yaml"), Just("-l app=x"),
                Just("-A"), Just("--show-kind"), Just("-L app"), Just("--no-headers"),
                Just("--field-selector status.phase=Running"), Just("pods,svc"), Just("nodes"),
                Just("rs"), Just("x"), Just("-n ''"), Just("--sort-by={.x"), Just("\\"),
            ],
            0..6,
        ),
        steps in 0u32..300,
    ) {
        let (mut sim, console, _) = cluster();
        let line = format!("kubectl get pods {}", flags.join(" "));
        let _ = console.run(&mut sim, &line);
        let _ = console.run(&mut sim, "kubectl scale rs web --replicas=3");
        for _ in 0..steps {
            sim.step();
            let _ = console.poll_watch(&sim);
        }
        let _ = console.run(&mut sim, &format!("watch {line}"));
        sim.run_for(5_000);
        let _ = console.poll_watch(&sim);
        console.stop_watch();
    }
}

#[test]
fn json_patches_shaped_like_real_ones_never_panic() {
    let (mut sim, console, _) = cluster();
    for body in [
        r#"[{"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"x","image":"y"}}]"#,
        r#"[{"op":"remove","path":"/spec/template/spec/containers/9"}]"#,
        r#"[{"op":"replace","path":"/spec/replicas","value":"three"}]"#,
        r#"[{"op":"test","path":"/spec/replicas","value":1}]"#,
        r#"[{"op":"move","from":"/a","path":"/b"}]"#,
        r#"[{"path":"/spec"}]"#,
        r#"{"spec":null}"#,
        r#"[]"#,
        r#"null"#,
    ] {
        for t in ["json", "merge", "strategic"] {
            let _ = console.run(
                &mut sim,
                &format!("kubectl patch rs web --type={t} -p {}", quote(body)),
            );
        }
    }
}
