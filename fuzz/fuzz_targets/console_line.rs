//! The console: arbitrary lines against a small cluster with a few files, without a panic.
//! Each input is several lines, run in order, so sequences (apply, then delete ...) are reached.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use podlab::console::Console;
use podlab::sim::{Sim, SimBuilder};

const RS: &str = "\
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
";

const SVC: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
";

const PDB: &str = "\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels: {app: web}
";

/// A cluster with pods running, built once, and the console's files; each input gets a clone
/// of the cluster and a fresh console (a console keeps per-session state in `RefCell`s).
fn base() -> &'static (Console, Sim) {
    struct Shared((Console, Sim));
    // SAFETY: libFuzzer runs the inputs on one thread, which alone touches the value: a
    // console's RefCells only on the per-input clone, and the objects' `Rc` counts (shared
    // copy-on-write by each clone) never from two threads.
    unsafe impl Sync for Shared {}
    unsafe impl Send for Shared {}
    static BASE: OnceLock<Shared> = OnceLock::new();
    &BASE
        .get_or_init(|| {
            let mut console = Console::new();
            console.files.insert("web.yaml".into(), RS.into());
            console.files.insert("svc.yaml".into(), SVC.into());
            console
                .files
                .insert("both.yaml".into(), format!("{RS}---\n{SVC}---\n{PDB}"));
            let mut sim = SimBuilder::new(1).workers(2).build().expect("cluster");
            let out = console.run(&mut sim, "kubectl apply -f both.yaml");
            assert!(out.ok, "{}", out.text);
            sim.run_for(20_000);
            Shared((console, sim))
        })
        .0
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (console, sim) = base();
    let console = console.clone();
    let mut sim = sim.clone();
    // 5,000 engine events for the whole input: a line such as `--replicas=100000` asks for
    // minutes of work, which the page spreads over frames; one fuzz input must stay quick.
    let mut events = 0;
    for line in text.lines().take(8) {
        let _ = console.run(&mut sim, line);
        // `kind create cluster`, `minikube start`: go on against the new nodes, as `podlab run`.
        if let Some(new) = console.take_new_cluster() {
            if let Ok(s) = SimBuilder::new(1).nodes(&new.nodes).build() {
                sim = s;
            }
        }
        // Let commands that run on (a drain's retries and polls) and the apps' logs move.
        let deadline = sim.now() + 6_000;
        while events < 5_000 && sim.next_event_time().is_some_and(|t| t <= deadline) {
            sim.step();
            events += 1;
        }
        // Bound the simulated time a fuzzed line can ask for (drain, lab wait).
        if sim.now() > 3_600_000 {
            break;
        }
    }
});
