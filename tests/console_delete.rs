//! `kubectl delete -f FILE`: the objects a file names, deleted in file order, as kubectl's
//! resource builder reads them (kubectl delete reference: "Delete resources by file names,
//! stdin, resources and names, or by resources and label selector ... Only one type of
//! argument may be specified"; outputs as kubernetes-behaviour.md §2.5 [KDEL]).

use podlab::console::Console;
use podlab::sim::SimBuilder;

const FILE: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  a: b
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
  - port: 80
";

fn console() -> Console {
    let mut c = Console::new();
    c.files.insert("both.yaml".into(), FILE.into());
    c.files
        .insert("empty.yaml".into(), "# nothing yet\n".into());
    c
}

#[test]
fn delete_f_deletes_what_the_file_names_in_order() {
    let mut sim = SimBuilder::new(1).workers(1).build().unwrap();
    let c = console();
    let out = c.run(&mut sim, "kubectl apply -f both.yaml");
    assert!(out.ok, "{}", out.text);
    let out = c.run(&mut sim, "kubectl delete -f both.yaml");
    assert_eq!(
        (out.text.as_str(), out.ok),
        ("configmap \"cfg\" deleted\nservice \"web\" deleted\n", true)
    );
    let out = c.run(&mut sim, "kubectl get svc -n shop");
    assert_eq!(out.text, "No resources found in shop namespace.\n");
    // A second time, each object is the API server's NotFound, named with its file.
    let out = c.run(&mut sim, "kubectl delete --filename=both.yaml");
    assert_eq!(
        (out.text.as_str(), out.ok),
        (
            "Error from server (NotFound): error when deleting \"both.yaml\": configmaps \"cfg\" not found\n\
             Error from server (NotFound): error when deleting \"both.yaml\": services \"web\" not found\n",
            false
        )
    );
    // --ignore-not-found: nothing to say, and no failure.
    let out = c.run(&mut sim, "kubectl delete -f both.yaml --ignore-not-found");
    assert_eq!((out.text.as_str(), out.ok), ("", true));
}

#[test]
fn delete_f_refuses_what_kubectl_refuses() {
    let mut sim = SimBuilder::new(1).workers(1).build().unwrap();
    let c = console();
    let out = c.run(&mut sim, "kubectl delete -f both.yaml configmap cfg");
    assert_eq!(
        (out.text.as_str(), out.ok),
        (
            "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n",
            false
        )
    );
    let out = c.run(&mut sim, "kubectl delete -f missing.yaml");
    assert_eq!(
        out.text,
        "error: the path \"missing.yaml\" does not exist\n"
    );
    let out = c.run(&mut sim, "kubectl delete -f empty.yaml");
    assert_eq!(
        (out.text.as_str(), out.ok),
        ("error: no objects passed to delete\n", false)
    );
    // The file's namespace against another -n, as apply checks it.
    let out = c.run(&mut sim, "kubectl delete -f both.yaml -n other");
    assert!(!out.ok);
    assert!(
        out.text.contains("the namespace from the provided object \"shop\" does not match the namespace \"other\""),
        "{}",
        out.text
    );
}

#[test]
fn delete_f_reads_the_books_files_at_their_urls() {
    let mut sim = SimBuilder::new(1).workers(1).build().unwrap();
    let c = console();
    let url = "https://k8spatterns.com/SingletonService/pdb.yml";
    assert!(c.run(&mut sim, &format!("kubectl create -f {url}")).ok);
    let out = c.run(&mut sim, &format!("kubectl delete -f {url}"));
    assert!(out.ok, "{}", out.text);
    assert!(
        out.text.starts_with("poddisruptionbudget.policy \"") && out.text.ends_with("\" deleted\n"),
        "{}",
        out.text
    );
}
