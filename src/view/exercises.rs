//! The built-in example each pattern's page opens with (from `exercises/`).

use super::route::Pattern;

/// The file name the editor's text is applied as, and its built-in text.
pub fn starter(pattern: Pattern) -> (&'static str, &'static str) {
    match pattern {
        Pattern::Stateless => (
            "stateless.yaml",
            include_str!("../../exercises/stateless.yaml"),
        ),
        Pattern::Singleton => (
            "singleton.yaml",
            include_str!("../../exercises/singleton.yaml"),
        ),
        Pattern::Stateful => (
            "stateful.yaml",
            include_str!("../../exercises/stateful.yaml"),
        ),
    }
}

/// Files the page's console offers besides the editor's (`kubectl apply -f NAME`).
pub fn console_files(pattern: Pattern) -> &'static [(&'static str, &'static str)] {
    match pattern {
        Pattern::Singleton => &[
            (
                "singleton-leader.yaml",
                include_str!("../../exercises/singleton-leader.yaml"),
            ),
            (
                "singleton-configmap.yaml",
                include_str!("../../exercises/singleton-configmap.yaml"),
            ),
            (
                "singleton-dapr.yaml",
                include_str!("../../exercises/singleton-dapr.yaml"),
            ),
            (
                "singleton-zookeeper.yaml",
                include_str!("../../exercises/singleton-zookeeper.yaml"),
            ),
        ],
        Pattern::Stateless | Pattern::Stateful => &[],
    }
}

/// The page's example picker: (label, console file), each loaded with `kubectl apply -f`.
pub fn examples(pattern: Pattern) -> &'static [(&'static str, &'static str)] {
    match pattern {
        Pattern::Singleton => &[
            ("Lease", "singleton-leader.yaml"),
            ("ConfigMap (Camel)", "singleton-configmap.yaml"),
            ("Dapr lock", "singleton-dapr.yaml"),
            ("ZooKeeper", "singleton-zookeeper.yaml"),
        ],
        Pattern::Stateless | Pattern::Stateful => &[],
    }
}

/// What to try on the page, step by step, with the lab's own controls.
pub fn steps(pattern: Pattern) -> &'static [&'static str] {
    match pattern {
        Pattern::Stateless => &[
            "Apply the manifests (Ctrl+Enter), then Play: three pods start, one process each.",
            "Open a node's ⋮ menu and partition it from the control plane.",
            "Play to about 7 minutes: the node goes NotReady, its pod Terminating, and a replacement starts elsewhere.",
            "Compare the two truths: the cut-off process still serves, so four run where three were asked for.",
            "Drag the timeline back, heal the node instead, and see the future change. Undo brings the old one back.",
        ],
        Pattern::Singleton => &[
            "Apply the one-replica ReplicaSet and Play until its pod runs.",
            "Partition the pod's node from its ⋮ menu and play past six minutes.",
            "Two copies now run at once: a ReplicaSet of one is not a singleton.",
            "In-application locking instead: type `kubectl apply -f singleton-leader.yaml` in the console (three podlab/leader-elector replicas racing for one Lease, with fencing; flags in docs/apps.md), Play, and open the Locks tab: one of them leads.",
            "Pause the leader from its pod's ⋮ menu and play 30 seconds: another is elected while the paused one still believes it leads, a split brain. Resume it: its stale writes are refused (fenced) and it stops leading.",
            "Compare the four lock kinds on the same failure: load one example with the In-app lock buttons (Lease, ConfigMap, Dapr lock, ZooKeeper), pause its leader, play 30 seconds, resume, and read the Locks tab's belief timeline: the shaded windows are split brains, \u{2715} marks a write refused by its fencing token.",
        ],
        Pattern::Stateful => &[
            "Apply and Play: rg-0 starts, and rg-1 only once rg-0 is Running and Ready (StatefulSets panel).",
            "Each pod gets its own claim, logs-rg-0 and logs-rg-1, bound to one of the volumes made by hand.",
            "Ask DNS for each pod by name: `dig +short rg-0.random-generator.default.svc.cluster.local` in the console (DNS panel).",
            "Scale down with `kubectl scale sts rg --replicas 1`: rg-1 goes, its claim stays; scale back to 3 and rg-1 gets it again.",
            "Partition rg-0's node from its ⋮ menu and play ten minutes: rg-0 stays Terminating and is never replaced.",
            "Force delete rg-0 from its ⋮ menu: a new rg-0 is made at once, and two processes may run for one name.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::session::Session;

    /// The StatefulSet controller has landed: the Stateful page starts a StatefulSet, and
    /// neither its example nor its steps say StatefulSets are still to come.
    #[test]
    fn the_stateful_page_runs_a_statefulset() {
        let (name, text) = starter(Pattern::Stateful);
        assert!(text.contains("kind: StatefulSet"), "{text}");
        let mut s = Session::new(1, 3);
        let (_, out) = s.apply_text(name, text);
        assert!(out.ok, "{}", out.text);
        s.run_for(60_000);
        let pods = s.run("kubectl get pods").text;
        assert!(pods.contains("rg-0") && pods.contains("rg-1"), "{pods}");
        assert!(pods.matches("Running").count() == 2, "{pods}");
        let dig = s
            .run("dig +short rg-0.random-generator.default.svc.cluster.local")
            .text;
        assert!(dig.starts_with("10.244."), "{dig}");
        assert!(s.run("kubectl scale sts rg --replicas 1").ok);
        s.run_for(60_000);
        let pvc = s.run("kubectl get pvc").text;
        assert!(pvc.contains("logs-rg-1"), "the claim stays: {pvc}");
        assert!(s.run("kubectl scale sts rg --replicas 2").ok);
        s.run_for(60_000);
        // The last step's promise: a partition does not start a second rg-0.
        let node = s
            .run("kubectl get pod rg-0 -o jsonpath={.spec.nodeName}")
            .text;
        assert!(s.run(&format!("lab partition {node}")).ok);
        s.run_for(420_000);
        let m = crate::view::cluster::cluster_model(s.sim());
        assert!(m.meters.iter().all(|x| !x.over), "{:?}", m.meters);
        for said in [text, &steps(Pattern::Stateful).join("\n")] {
            let lower = said.to_lowercase();
            for stale in [
                "does not run statefulsets",
                "arrive with",
                "not run statefulsets yet",
            ] {
                assert!(!lower.contains(stale), "still says {stale:?}: {said}");
            }
        }
    }

    /// The Singleton page's in-application variant: the console's extra file applies, and
    /// the steps name it.
    #[test]
    fn the_singleton_page_offers_the_leader_elector() {
        let mut s = Session::new(1, 3);
        for (name, text) in console_files(Pattern::Singleton) {
            s.add_file(name, text);
        }
        let out = s.run("kubectl apply -f singleton-leader.yaml");
        assert!(out.ok, "{}", out.text);
        assert!(
            out.text.contains("deployment.apps/elector created"),
            "{}",
            out.text
        );
        s.run_for(30_000);
        let m = crate::view::locks::locks(s.sim());
        assert_eq!(m.locks.len(), 1);
        assert_eq!(m.locks[0].leaders, 1);
        let steps = steps(Pattern::Singleton).join("\n");
        assert!(
            steps.contains("kubectl apply -f singleton-leader.yaml"),
            "{steps}"
        );
        // The ReplicaSet example stays what the page opens with.
        assert!(starter(Pattern::Singleton).1.contains("kind: ReplicaSet"));
    }

    #[test]
    fn every_starter_applies_without_errors() {
        for p in Pattern::ALL {
            let (name, text) = starter(p);
            let mut s = Session::new(1, 3);
            let (_, out) = s.apply_text(name, text);
            assert!(out.ok, "{name}: {}", out.text);
        }
    }

    /// The example picker loads console files the page has, one per lock kind, each a
    /// Deployment of three candidates that elects one leader.
    #[test]
    fn the_picker_offers_one_example_per_lock_kind() {
        let files = console_files(Pattern::Singleton);
        let picked = examples(Pattern::Singleton);
        assert_eq!(picked.len(), 4);
        for (label, file) in picked {
            let (_, text) = files.iter().find(|(n, _)| n == file).expect(file);
            assert!(text.contains("replicas: 3"), "{label}");
            let mut s = Session::new(2, 3);
            for (name, text) in files {
                s.add_file(name, text);
            }
            assert!(s.run(&format!("kubectl apply -f {file}")).ok, "{label}");
            s.run_for(30_000);
            let m = crate::view::locks::locks(s.sim());
            assert_eq!(m.locks.len(), 1, "{label}: {:?}", m.locks);
            let leading = m.locks[0].candidates.iter().filter(|c| c.leading).count();
            assert_eq!(leading, 1, "{label}");
        }
        assert!(examples(Pattern::Stateless).is_empty());
    }
}
