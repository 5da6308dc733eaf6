//! The timeline's words: its clock and which logged lines count as faults.

/// `07:02.3`: minutes, seconds and tenths at a fixed width, so nothing moves while it counts.
pub fn clock(ms: u64) -> String {
    let tenths = ms / 100;
    let (m, s, t) = (tenths / 600, tenths / 10 % 60, tenths % 10);
    format!("{m:02}:{s:02}.{t}")
}

/// Whether a logged console line is a fault (marked red on the scrubber) rather than a change
/// of the desired state.
pub fn is_fault(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["lab", ..] => true,
        ["kubectl" | "k", verb, ..] => matches!(*verb, "delete" | "drain" | "taint" | "cordon"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_has_a_fixed_width() {
        assert_eq!(clock(0), "00:00.0");
        assert_eq!(clock(422_370), "07:02.3");
        assert_eq!(clock(3_599_900), "59:59.9");
        assert_eq!(clock(0).len(), clock(3_599_999).len());
    }

    #[test]
    fn faults_are_lab_verbs_and_disruptive_kubectl_verbs() {
        assert!(is_fault("lab partition node-2"));
        assert!(is_fault(
            "kubectl delete pod web-1 --grace-period=0 --force"
        ));
        assert!(is_fault(
            "kubectl taint nodes node-2 node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
        ));
        assert!(!is_fault("kubectl apply -f stateless.yaml"));
        assert!(!is_fault("kubectl scale rs web --replicas=2"));
        assert!(!is_fault("kubectl uncordon node-1"));
    }
}
