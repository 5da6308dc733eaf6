//! The book's example files, built in so its command lines run verbatim:
//! `kubectl apply -f https://k8spatterns.com/StatelessService/replicaset.yml` reads the copy in
//! `exercises/book/` (the book's objects, credited, without its comments). The lab runs
//! offline, so any other URL is an error that says so.

/// (URL path after the host, file text).
const FILES: &[(&str, &str)] = &[
    (
        "SingletonService/deployment.yml",
        include_str!("../../exercises/book/SingletonService/deployment.yml"),
    ),
    (
        "SingletonService/kind-multinode.yml",
        include_str!("../../exercises/book/SingletonService/kind-multinode.yml"),
    ),
    (
        "SingletonService/pdb.yml",
        include_str!("../../exercises/book/SingletonService/pdb.yml"),
    ),
    (
        "StatelessService/pv-and-pvc.yml",
        include_str!("../../exercises/book/StatelessService/pv-and-pvc.yml"),
    ),
    (
        "StatelessService/replicaset-with-pv.yml",
        include_str!("../../exercises/book/StatelessService/replicaset-with-pv.yml"),
    ),
    (
        "StatelessService/replicaset.yml",
        include_str!("../../exercises/book/StatelessService/replicaset.yml"),
    ),
    (
        "StatelessService/service.yml",
        include_str!("../../exercises/book/StatelessService/service.yml"),
    ),
    (
        "StatefulService/pvs.yml",
        include_str!("../../exercises/book/StatefulService/pvs.yml"),
    ),
    (
        "StatefulService/service-nodeport.yml",
        include_str!("../../exercises/book/StatefulService/service-nodeport.yml"),
    ),
    (
        "StatefulService/service.yml",
        include_str!("../../exercises/book/StatefulService/service.yml"),
    ),
    (
        "StatefulService/statefulset.yml",
        include_str!("../../exercises/book/StatefulService/statefulset.yml"),
    ),
];

/// What `-f URL` reads: the built-in copy of a book URL, or the error kubectl would print
/// offline, with what the lab can read instead.
pub fn fetch(url: &str) -> Result<&'static str, String> {
    let path = url
        .strip_prefix("https://k8spatterns.com/")
        .or_else(|| url.strip_prefix("http://k8spatterns.com/"));
    if let Some(path) = path {
        if let Some((_, text)) = FILES.iter().find(|(p, _)| *p == path) {
            return Ok(text);
        }
    }
    let known: Vec<String> = FILES
        .iter()
        .map(|(p, _)| format!("https://k8spatterns.com/{p}"))
        .collect();
    Err(format!(
        "error: unable to read URL \"{url}\": the lab runs offline; it has the book's files built in:\n  {}\n",
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
        assert!(fetch("https://example.com/x.yml")
            .unwrap_err()
            .contains("the lab runs offline"));
    }
}
