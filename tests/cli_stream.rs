//! `podlab run` writes each entry as soon as it ran (issue 16 item 3): a run that is stopped
//! still shows what happened up to then.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn a_run_prints_its_first_entry_while_a_later_one_still_runs() {
    let dir = std::env::temp_dir().join(format!("podlab-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("stream.yaml");
    // The second entry makes a hundred thousand pods on three nodes: far more work than the
    // first, so the first entry's lines arrive while the process is still busy.
    std::fs::write(
        &file,
        concat!(
            "seed: 1\ncluster:\n  nodes: [node-1, node-2, node-3]\n",
            "files:\n  rs.yaml: |\n",
            "    apiVersion: apps/v1\n    kind: ReplicaSet\n    metadata: {name: web}\n",
            "    spec:\n      replicas: 100000\n      selector: {matchLabels: {app: web}}\n",
            "      template:\n        metadata: {labels: {app: web}}\n",
            "        spec: {containers: [{name: web, image: nginx}]}\n",
            "script:\n- at: 0s\n  run: kubectl get nodes\n",
            "- at: 1s\n  run: kubectl apply -f rs.yaml\n- at: 10m\n  run: kubectl get rs\n",
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_podlab"))
        .arg("run")
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert_eq!(first, "[0s] $ kubectl get nodes");
    let header = lines.next().unwrap().unwrap();
    assert!(header.starts_with("NAME"), "{header}");
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        still_running,
        "the first entry came only when the whole run ended"
    );
}
