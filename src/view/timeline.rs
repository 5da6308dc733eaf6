//! The timeline's words: its clock, which logged lines count as faults, and where marks sit on
//! the scrubber.

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

/// The simulated ms a scrubber (`<input type="range">`) value stands for; 0 if it is not a number.
pub fn seek_ms(value: &str) -> u64 {
    crate::float::parse_f64(value).map_or(0, |f| f as u64)
}

/// A mark's CSS `left`: `t` as a percentage of `max`, at most 100, to three decimals (`12.500%`).
pub fn mark_left(t: u64, max: u64) -> String {
    let pct = (t as f64 / max as f64 * 100.0).min(100.0);
    format!("{}%", crate::float::fixed(pct, 3))
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

    #[test]
    fn marks_sit_at_their_share_of_the_run() {
        assert_eq!(mark_left(0, 1_000), "0.000%");
        assert_eq!(mark_left(125, 1_000), "12.500%");
        assert_eq!(mark_left(2_000, 1_000), "100.000%");
        assert_eq!(seek_ms("4200"), 4200);
        assert_eq!(seek_ms("oops"), 0);
    }
}
