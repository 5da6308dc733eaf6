//! The book's example files, built in so its command lines run verbatim:
//! `kubectl apply -f https://k8spatterns.com/StatelessService/replicaset.yml` reads the copy in
//! `exercises/book/` (the book's objects, credited, without its comments), and the Kubernetes
//! documentation's StatefulSet Basics tutorial reads its two files from
//! `exercises/kubernetes-docs/`. The lab runs offline, so any other URL is an error that says so.

/// (URL after `https://`, file text).
const FILES: &[(&str, &str)] = &[
    (
        "k8spatterns.com/SingletonService/deployment.yml",
        include_str!("../../exercises/book/SingletonService/deployment.yml"),
    ),
    (
        "k8spatterns.com/SingletonService/kind-multinode.yml",
        include_str!("../../exercises/book/SingletonService/kind-multinode.yml"),
    ),
    (
        "k8spatterns.com/SingletonService/pdb.yml",
        include_str!("../../exercises/book/SingletonService/pdb.yml"),
    ),
    (
        "k8spatterns.com/StatelessService/pv-and-pvc.yml",
        include_str!("../../exercises/book/StatelessService/pv-and-pvc.yml"),
    ),
    (
        "k8spatterns.com/StatelessService/replicaset-with-pv.yml",
        include_str!("../../exercises/book/StatelessService/replicaset-with-pv.yml"),
    ),
    (
        "k8spatterns.com/StatelessService/replicaset.yml",
        include_str!("../../exercises/book/StatelessService/replicaset.yml"),
    ),
    (
        "k8spatterns.com/StatelessService/service.yml",
        include_str!("../../exercises/book/StatelessService/service.yml"),
    ),
    (
        "k8spatterns.com/StatefulService/pvs.yml",
        include_str!("../../exercises/book/StatefulService/pvs.yml"),
    ),
    (
        "k8spatterns.com/StatefulService/service-nodeport.yml",
        include_str!("../../exercises/book/StatefulService/service-nodeport.yml"),
    ),
    (
        "k8spatterns.com/StatefulService/service.yml",
        include_str!("../../exercises/book/StatefulService/service.yml"),
    ),
    (
        "k8spatterns.com/StatefulService/statefulset.yml",
        include_str!("../../exercises/book/StatefulService/statefulset.yml"),
    ),
    (
        "k8s.io/examples/application/web/web.yaml",
        include_str!("../../exercises/kubernetes-docs/application/web/web.yaml"),
    ),
    (
        "k8s.io/examples/application/web/web-parallel.yaml",
        include_str!("../../exercises/kubernetes-docs/application/web/web-parallel.yaml"),
    ),
];

/// What `-f URL` reads: the built-in copy of a book URL, or the error kubectl would print
/// offline, with what the lab can read instead.
pub fn fetch(url: &str) -> Result<&'static str, String> {
    let path = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    if let Some((_, text)) = FILES.iter().find(|(p, _)| Some(*p) == path) {
        return Ok(text);
    }
    let known: Vec<String> = FILES.iter().map(|(p, _)| format!("https://{p}")).collect();
    Err(format!(
        "error: unable to read URL \"{url}\": the lab runs offline; it has these files built in:\n  {}\n",
        known.join("\n  ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_file_parses_without_errors() {
        for (path, text) in FILES {
            if path.contains("kind-") {
                // A kind config, read by `kind create cluster` (console::host's tests).
                continue;
            }
            let r = crate::manifest::parse(text);
            assert!(!r.has_errors(), "{path}: {:?}", r.diagnostics);
            assert!(!r.objects.is_empty(), "{path}");
        }
        assert!(fetch("https://k8spatterns.com/StatefulService/pvs.yml").is_ok());
        // The StatefulSet Basics tutorial's two files: the same objects but for the policy.
        let web = fetch("https://k8s.io/examples/application/web/web.yaml").unwrap_or("");
        let parallel = fetch("https://k8s.io/examples/application/web/web-parallel.yaml");
        assert!(web.contains("nginx-slim:0.21") && !web.contains("Parallel"));
        assert!(parallel.is_ok_and(|p| p.contains("podManagementPolicy: \"Parallel\"")));
        assert!(fetch("https://example.com/x.yml")
            .unwrap_err()
            .contains("the lab runs offline"));
    }
}
