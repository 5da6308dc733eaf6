//! `kubectl exec` from the console: the container's own port through localhost, a closed port,
//! a program the image lacks, and the `-it` shell (issue 12 item 3; docs/apps.md).

mod common;

use podlab::console::Console;
use podlab::sim::Sim;

fn cluster() -> (Sim, Console, String) {
    let (sim, pod) = common::web_pod(21, 30000);
    (sim, Console::new(), pod)
}

#[test]
fn curl_inside_a_pod_reaches_the_pod_itself() {
    let (mut sim, console, pod) = cluster();
    for host in ["localhost", "127.0.0.1", "http://localhost"] {
        let out = console.run(
            &mut sim,
            &format!("kubectl exec {pod} -- curl -s {host}:8080"),
        );
        assert!(out.ok, "{host}: {}", out.text);
        assert!(out.text.starts_with("{\"random\":"), "{host}: {}", out.text);
    }
    // Nothing listens on 9999: curl's refusal, and kubectl's exit line.
    let out = console.run(
        &mut sim,
        &format!("kubectl exec {pod} -- curl localhost:9999"),
    );
    assert!(!out.ok);
    assert_eq!(
        out.text,
        "curl: (7) Failed to connect to localhost port 9999 after 0 ms: Connection refused\ncommand terminated with exit code 7\n"
    );
}

#[test]
fn a_program_the_image_lacks_is_the_runtimes_error() {
    let (mut sim, console, pod) = cluster();
    let out = console.run(&mut sim, &format!("kubectl exec {pod} -- vim"));
    assert!(!out.ok);
    assert!(
        out.text
            .contains("exec: \"vim\": executable file not found in $PATH")
            && out
                .text
                .ends_with("command terminated with exit code 127\n"),
        "{}",
        out.text
    );
}

#[test]
fn an_interactive_shell_stays_open_until_exit() {
    let (mut sim, console, pod) = cluster();
    let out = console.run(&mut sim, &format!("kubectl exec -it {pod} -- sh"));
    assert!(out.ok, "{}", out.text);
    assert_eq!(
        console.prompt().as_deref(),
        Some(format!("root@{pod}:/#").as_str())
    );
    assert_eq!(console.run(&mut sim, "hostname").text, format!("{pod}\n"));
    assert!(console.run(&mut sim, "cd /tmp").ok);
    assert_eq!(console.run(&mut sim, "pwd").text, "/tmp\n");
    assert_eq!(
        console.prompt().as_deref(),
        Some(format!("root@{pod}:/tmp#").as_str())
    );
    // `kubectl` inside the pod is not there, as in a real container.
    assert!(!console.run(&mut sim, "kubectl get pods").ok);
    assert!(console.run(&mut sim, "exit").ok);
    assert_eq!(console.prompt(), None);
    assert!(console.run(&mut sim, "kubectl get pods").ok);
    // Without -i the shell reads nothing and ends at once.
    assert_eq!(
        console
            .run(&mut sim, &format!("kubectl exec {pod} -- sh"))
            .text,
        ""
    );
    assert_eq!(console.prompt(), None);
}

/// The StatefulSet tutorial's host-shell forms: `;` between commands, and `for NAME in WORDS;
/// do ...; done` with `$NAME` in double quotes (a loop keeps its variable's last value, as sh).
#[test]
fn a_for_loop_runs_its_body_for_each_word() {
    let (mut sim, console, pod) = cluster();
    let out = console.run(
        &mut sim,
        r#"for i in 0 1; do echo "web-$i"; done; echo end"#,
    );
    assert!(out.ok, "{}", out.text);
    assert_eq!(out.text, "web-0\nweb-1\nend\n");
    assert_eq!(console.run(&mut sim, "echo $i").text, "1\n");
    // A `;` inside quotes belongs to the command: the pod's shell runs both, and `$x` in
    // single quotes is the pod shell's (unset there), not the loop's.
    let out = console.run(
        &mut sim,
        &format!("for x in a; do kubectl exec {pod} -- sh -c 'echo $x; hostname'; done"),
    );
    assert_eq!(out.text, format!("\n{pod}\n"));
    // The status is the last command's; a loop without `done` is a syntax error.
    let out = console.run(
        &mut sim,
        &format!("for d in /nope /; do kubectl exec {pod} -- chmod 755 $d; done"),
    );
    assert!(out.ok, "{}", out.text);
    assert_eq!(
        out.text,
        "chmod: /nope: No such file or directory\ncommand terminated with exit code 1\n"
    );
    let out = console.run(&mut sim, "for i in 0 1; do echo $i");
    assert!(
        !out.ok && out.text.starts_with("bash: syntax error"),
        "{}",
        out.text
    );
}
