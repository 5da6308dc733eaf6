//! The book's examples (k8spatterns/examples, CC BY 4.0, Roland Huß and Bilgin Ibryam): every
//! file parses without a crash, the three pattern folders decode to typed objects.
//!
//! This third-party parse corpus is not part of the repository. The tests read it from the
//! directory in `PODLAB_CORPUS` (the `k8spatterns-examples` folder); when the variable is unset
//! they use `../shared/corpus/k8spatterns-examples` beside the repository if it is there, and
//! otherwise print one line saying they were skipped. `scripts/test.sh` sets the variable
//! whenever the corpus is present, and a variable naming a missing folder is an error.

use std::path::{Path, PathBuf};

use podlab::manifest::{lint, parse, to_yaml, validate, ManifestObject, ParseResult, Severity};
use podlab::model::{IntOrString, Object, Quantity};

/// The corpus folder, or `None` (after saying once on stderr that the tests skip) when there is
/// none to read.
fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PODLAB_CORPUS").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("behavioral").is_dir(),
            "PODLAB_CORPUS={} is not the k8spatterns-examples folder",
            dir.display()
        );
        return Some(dir);
    }
    // The variable's default: the shared corpus beside the repository, when it is there. The
    // repository is found at run time (cargo sets CARGO_MANIFEST_DIR for the test process): a
    // test binary built in a clone that shares the target folder must not look beside the clone.
    let repo = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    let default = repo.join("../shared/corpus/k8spatterns-examples");
    if default.join("behavioral").is_dir() {
        return Some(default);
    }
    // One line for the whole file, past the test harness's capture (which takes only the print
    // macros), so it is seen.
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr().lock(),
            "manifest_corpus: skipped, no corpus (set PODLAB_CORPUS to the k8spatterns-examples folder): these tests pass without running"
        );
    });
    None
}

/// Returns from the test (skipped) when there is no corpus.
macro_rules! corpus_or_skip {
    () => {
        match corpus_dir() {
            Some(dir) => dir,
            None => return,
        }
    };
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml") {
            out.push(p);
        }
    }
}

fn read(corpus: &Path, rel: &str) -> ParseResult {
    let text = std::fs::read_to_string(corpus.join(rel)).expect(rel);
    parse(&text)
}

#[test]
fn every_corpus_file_parses_with_clear_messages() {
    let corpus = corpus_or_skip!();
    let mut files = Vec::new();
    yaml_files(&corpus, &mut files);
    assert!(files.len() > 100, "corpus incomplete: {}", files.len());
    let mut typed = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("read");
        let r = parse(&text);
        typed += r.objects.len();
        for d in &r.diagnostics {
            // Every message about a document points at a line, and none is a bare parser error.
            assert!(d.pos.is_some(), "{}: {d}", f.display());
            if d.severity == Severity::Error {
                let m = &d.message;
                let clear = m.contains("not simulated by podlab")
                    || m.contains("no matches for kind")
                    || m.contains("not set")
                    || m.contains("not a Kubernetes object")
                    || m.contains("already defined at line");
                assert!(clear, "{}: unclear error {d}", f.display());
            }
        }
        for m in &r.objects {
            let _ = validate(m);
        }
        let _ = lint(&r.objects, &[]);
    }
    assert!(typed > 60, "only {typed} typed objects");
}

#[test]
fn kinds_podlab_does_not_simulate_are_named_with_their_line() {
    let corpus = corpus_or_skip!();
    let r = read(&corpus, "behavioral/DaemonService/daemonset.yml");
    let e: Vec<String> = r.errors().map(|d| d.to_string()).collect();
    assert_eq!(e, vec!["4:7: error: kind \"DaemonSet\" (apps/v1) is not simulated by podlab; this document is skipped"]);
    let r = read(&corpus, "behavioral/SingletonService/kind-multinode.yml");
    assert!(r
        .errors()
        .next()
        .unwrap()
        .message
        .contains("kind cluster configuration"));
    let r = read(&corpus, "behavioral/StatelessService/index.yml");
    assert!(r
        .errors()
        .next()
        .unwrap()
        .message
        .contains("index of the book's examples"));
    let r = read(&corpus, "advanced/Operator/config-watcher-sample.yml");
    assert!(r
        .errors()
        .next()
        .unwrap()
        .message
        .contains("custom resource"));
}

#[test]
fn pattern_folders_decode_to_typed_objects() {
    let corpus = corpus_or_skip!();
    for dir in ["SingletonService", "StatelessService", "StatefulService"] {
        let mut files = Vec::new();
        yaml_files(&corpus.join("behavioral").join(dir), &mut files);
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            let r = parse(&std::fs::read_to_string(&f).unwrap());
            if name == "index.yml" || name == "kind-multinode.yml" {
                // Not manifests: the book's example index and a kind cluster config.
                assert!(r.objects.is_empty() && r.has_errors(), "{name}");
                continue;
            }
            assert!(!r.has_errors(), "{dir}/{name}: {:?}", r.diagnostics);
            assert!(!r.objects.is_empty(), "{dir}/{name}");
            for m in &r.objects {
                assert_eq!(validate(m), vec![], "{dir}/{name}");
            }
        }
    }
}

#[test]
fn stateless_replicaset_maps_to_the_right_values() {
    let corpus = corpus_or_skip!();
    let r = read(&corpus, "behavioral/StatelessService/replicaset.yml");
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let ManifestObject::Object(Object::ReplicaSet(rs)) = &r.objects[0].object else {
        panic!("not a ReplicaSet: {:?}", r.objects[0].object)
    };
    assert_eq!(rs.metadata.name, "random-generator");
    assert_eq!(rs.metadata.namespace, "");
    assert_eq!(rs.spec.replicas, Some(3));
    assert_eq!(rs.spec.selector.match_labels["app"], "random-generator");
    assert_eq!(rs.spec.template.metadata.labels["app"], "random-generator");
    let c = &rs.spec.template.spec.containers[0];
    assert_eq!(
        (c.name.as_str(), c.image.as_str()),
        ("random-generator", "k8spatterns/random-generator:1.0")
    );
    assert_eq!(c.ports[0].container_port, 8080);
    assert_eq!(c.ports[0].protocol, "TCP");
}

#[test]
fn stateless_service_pv_and_claim_map_to_the_right_values() {
    let corpus = corpus_or_skip!();
    let r = read(&corpus, "behavioral/StatelessService/service.yml");
    let ManifestObject::Object(Object::Service(svc)) = &r.objects[0].object else {
        panic!()
    };
    assert_eq!(svc.spec.type_, "ClusterIP");
    assert_eq!(svc.spec.selector["app"], "random-generator");
    assert_eq!(svc.spec.ports[0].port, 8080);
    assert_eq!(svc.spec.ports[0].target_port, Some(IntOrString::Int(8080)));

    let r = read(&corpus, "behavioral/StatelessService/pv-and-pvc.yml");
    assert_eq!(r.objects.len(), 2);
    let ManifestObject::Object(Object::PersistentVolume(pv)) = &r.objects[0].object else {
        panic!()
    };
    assert_eq!(
        pv.spec.capacity["storage"],
        Quantity::parse("10Mi").unwrap()
    );
    assert_eq!(pv.spec.access_modes, vec!["ReadWriteOnce"]);
    assert_eq!(pv.spec.storage_class_name, "standard");
    assert_eq!(pv.spec.host_path.as_ref().unwrap().path, "/tmp/example");
    let ManifestObject::Object(Object::PersistentVolumeClaim(pvc)) = &r.objects[1].object else {
        panic!()
    };
    assert_eq!(pvc.metadata.name, "random-generator-log");
    assert_eq!(pvc.spec.volume_name, "example");
    assert_eq!(pvc.spec.storage_class_name, None);
    assert_eq!(r.objects[1].doc, 1);
    assert_eq!(r.objects[1].pos.line, 18);
}

#[test]
fn stateless_replicaset_with_pv_warns_about_strategy_and_the_shared_claim() {
    let corpus = corpus_or_skip!();
    let r = read(
        &corpus,
        "behavioral/StatelessService/replicaset-with-pv.yml",
    );
    let w: Vec<String> = r.warnings().map(|d| d.to_string()).collect();
    assert_eq!(w, vec!["9:3: warning: unknown field \"spec.strategy\""]);
    let ManifestObject::Object(Object::ReplicaSet(rs)) = &r.objects[0].object else {
        panic!()
    };
    let env = &rs.spec.template.spec.containers[0].env;
    assert_eq!(
        env[0]
            .value_from
            .as_ref()
            .unwrap()
            .field_ref
            .as_ref()
            .unwrap()
            .field_path,
        "metadata.uid"
    );
    assert_eq!(
        env[1].value.as_deref(),
        Some("/tmp/logs/random-$(POD_ID).log")
    );

    // With its claim in the same set, the lint sees three replicas sharing one RWO volume.
    let mut all = r.objects.clone();
    all.extend(read(&corpus, "behavioral/StatelessService/pv-and-pvc.yml").objects);
    all.extend(read(&corpus, "behavioral/StatelessService/service.yml").objects);
    let lints: Vec<String> = lint(&all, &[]).iter().map(|l| l.to_string()).collect();
    assert_eq!(
        lints,
        vec!["38:11: warning: claim \"random-generator-log\" is ReadWriteOnce but 3 replicas mount it: pods scheduled to another node stay ContainerCreating with a Multi-Attach error"]
    );
}

#[test]
fn singleton_and_stateful_folders_lint_as_expected() {
    let corpus = corpus_or_skip!();
    let r = read(&corpus, "behavioral/SingletonService/deployment.yml");
    let ManifestObject::Object(Object::Deployment(d)) = &r.objects[0].object else {
        panic!()
    };
    assert_eq!(d.spec.strategy.type_, "Recreate");
    assert_eq!(
        d.spec.template.spec.containers[0].env_value("DELAY_STARTUP"),
        Some("5")
    );
    let mut all = r.objects.clone();
    all.extend(read(&corpus, "behavioral/SingletonService/pdb.yml").objects);
    let lints: Vec<String> = lint(&all, &[])
        .iter()
        .map(|l| l.diagnostic.to_string())
        .collect();
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert!(lints[0].starts_with(
        "40:9: warning: toleration for the legacy node-role.kubernetes.io/master taint"
    ));

    let mut all = Vec::new();
    for f in [
        "statefulset.yml",
        "service.yml",
        "service-nodeport.yml",
        "pvs.yml",
    ] {
        all.extend(read(&corpus, &format!("behavioral/StatefulService/{f}")).objects);
    }
    let ManifestObject::StatefulSet(sts) = &all[0].object else {
        panic!()
    };
    assert_eq!(sts.spec.service_name, "random-generator");
    assert_eq!(sts.spec.volume_claim_templates[0].metadata.name, "logs");
    assert_eq!(
        sts.spec.volume_claim_templates[0].spec.resources.requests["storage"].to_string(),
        "10Mi"
    );
    assert_eq!(
        lint(&all, &[]),
        vec![],
        "the headless Service is in the set"
    );
}

#[test]
fn corpus_objects_print_back_to_the_same_objects() {
    let corpus = corpus_or_skip!();
    let mut files = Vec::new();
    yaml_files(&corpus, &mut files);
    for f in files {
        let r = parse(&std::fs::read_to_string(&f).unwrap());
        for m in &r.objects {
            let yaml = to_yaml(&m.object).expect("serializes");
            let again = parse(&yaml);
            assert!(
                !again.has_errors(),
                "{}:\n{yaml}\n{:?}",
                f.display(),
                again.diagnostics
            );
            assert_eq!(again.objects.len(), 1);
            assert_eq!(
                again.objects[0].object,
                m.object,
                "{}:\n{yaml}",
                f.display()
            );
        }
    }
}
