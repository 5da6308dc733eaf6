//! `kubectl get -o custom-columns=...`, as the book's Singleton guide types it.

use podlab::console::Console;
use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::{Command, SimBuilder};

#[test]
fn custom_columns_print_one_column_per_path() {
    let mut sim = SimBuilder::new(3).workers(2).build().unwrap();
    sim.apply(Command::Apply(
        replicaset("web", 2, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(20_000);
    let console = Console::new();
    let out = console.run(
        &mut sim,
        "kubectl get pods -o=custom-columns=NAME:.metadata.name,NODE:.spec.nodeName",
    );
    assert!(out.ok, "{}", out.text);
    let lines: Vec<&str> = out.text.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.text);
    assert!(lines[0].starts_with("NAME ") && lines[0].trim_end().ends_with("NODE"));
    for (line, pod) in lines[1..]
        .iter()
        .zip(sim.cluster().list::<podlab::model::Pod>())
    {
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            cells,
            [pod.metadata.name.as_str(), pod.spec.node_name.as_str()]
        );
    }
    // A path that finds nothing is <none>; without headers only the rows print.
    let out = console.run(
        &mut sim,
        "kubectl get pods -o custom-columns=NAME:.metadata.name,X:.nope --no-headers",
    );
    assert!(out.text.lines().all(|l| l.trim_end().ends_with("<none>")));
    assert_eq!(out.text.lines().count(), 2);
    let out = console.run(&mut sim, "kubectl get pods -o custom-columns=NAME");
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"
    );
}
