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
        ],
        Pattern::Stateful => &[
            "Apply and Play: rg-0 starts, and rg-1 only once rg-0 is Running and Ready (StatefulSets panel).",
            "Each pod gets its own claim, logs-rg-0 and logs-rg-1, bound to one of the volumes made by hand.",
            "Type `kubectl scale sts rg --replicas=1`, then 3: rg-1 goes and comes back with the same claim.",
            "Partition rg-0's node from its ⋮ menu and play ten minutes: rg-0 stays Terminating and is never replaced.",
            "Force delete rg-0 from its ⋮ menu: a new rg-0 is made at once, and two processes may run for one name.",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::session::Session;

    #[test]
    fn every_starter_applies_without_errors() {
        for p in Pattern::ALL {
            let (name, text) = starter(p);
            let mut s = Session::new(1, 3);
            let (_, out) = s.apply_text(name, text);
            assert!(out.ok, "{name}: {}", out.text);
        }
    }
}
