//! The timeline's words: its clock, which logged lines count as faults, and where marks sit on
//! the scrubber.

use crate::model::{ReplicaSet, StatefulSet};
use crate::sim::Sim;

/// What the timeline says while the page catches up with a time a frame at a time (issue 16):
/// the pods created of those the ReplicaSets and StatefulSets want while they are being
/// created (and the store has room for more), else the waiting command it runs for and the
/// time it may still take, else the simulated time still to run.
pub fn progress(sim: &Sim, goal: u64, waiting: Option<&str>) -> String {
    let c = sim.cluster();
    let pods = c.list_kind(crate::model::Kind::Pod).count() as i64;
    let wanted: i64 = c
        .list::<ReplicaSet>()
        .map(|r| i64::from(r.replicas()))
        .chain(c.list::<StatefulSet>().map(|s| i64::from(s.replicas())))
        .sum();
    if wanted > pods && !sim.store_full() {
        format!(
            "simulating… {} of {} pods created",
            grouped(pods),
            grouped(wanted)
        )
    } else if let Some(line) = waiting {
        format!(
            "{line}: waiting, at most {} more",
            clock(goal.saturating_sub(sim.now()))
        )
    } else {
        format!(
            "simulating… {} to go",
            clock(goal.saturating_sub(sim.now()))
        )
    }
}

/// `100,000`: digits in groups of three, as the page writes counts.
/// The timeline's label while a saved run is rebuilt: events replayed of the run's.
pub fn restoring(sim: &Sim, events: u64) -> String {
    format!("restoring the run… {}", restored_of(sim, events))
}

/// "4,200 of 72,503 events": how far a restore has come.
pub fn restored_of(sim: &Sim, events: u64) -> String {
    format!(
        "{} of {} events",
        grouped(sim.events_processed() as i64),
        grouped(events as i64)
    )
}

fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

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

/// Where `t` sits on a scrubber over `[0, max]`, as a CSS percentage with three decimals
/// (`12.345`), past the end at `100.000`. Integer arithmetic, rounded to the nearest.
pub fn percent(t: u64, max: u64) -> String {
    let max = u128::from(max.max(1));
    let t = u128::from(t).min(max);
    let thousandths = (t * 200_000 + max) / (2 * max);
    format!("{}.{:03}", thousandths / 1000, thousandths % 1000)
}

/// The simulated ms a range input's value names (`"12300"`; a browser may write a fraction,
/// which is cut off); 0 for anything else.
pub fn range_value(v: &str) -> u64 {
    let whole = v.split_once('.').map_or(v, |(w, _)| w);
    whole.parse().unwrap_or(0)
}

/// The scrubber moves in steps of this many simulated ms.
pub const SCRUB_STEP_MS: u64 = 100;

/// The scrubber's maximum for a run that has reached `end` ms: at least a second, rounded up
/// to a whole step so that its last step can be dragged to.
pub fn scrub_max(end: u64) -> u64 {
    end.max(1_000).div_ceil(SCRUB_STEP_MS) * SCRUB_STEP_MS
}

/// The simulated ms to seek to for a scrubber value: a value past the run's `end` (the last
/// step, rounded up) is the end itself, so the end is always reachable and a command typed
/// there adds to the run instead of forking it. A run shorter than a second can be dragged
/// ahead to the scrubber's end.
pub fn scrub_target(value: u64, end: u64) -> u64 {
    if end >= 1_000 {
        value.min(end)
    } else {
        value.min(scrub_max(end))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn scrubber_positions_and_values() {
        use super::{percent, range_value};
        assert_eq!(percent(0, 1000), "0.000");
        assert_eq!(percent(1, 3), "33.333");
        assert_eq!(percent(2, 3), "66.667");
        assert_eq!(percent(5000, 1000), "100.000");
        assert_eq!(percent(123_456, 1_000_000), "12.346");
        assert_eq!(range_value("12300"), 12300);
        assert_eq!(range_value("12300.5"), 12300);
        assert_eq!(range_value(""), 0);
        assert_eq!(range_value("x"), 0);
    }

    use super::*;

    #[test]
    fn the_scrubber_reaches_the_end_of_the_run() {
        // "+1 event" ended the run at 520725 ms: steps of 100 reach 520800, which is the end.
        assert_eq!(scrub_max(520_725), 520_800);
        assert_eq!(scrub_target(520_800, 520_725), 520_725);
        assert_eq!(scrub_target(520_700, 520_725), 520_700);
        assert_eq!(scrub_max(520_700), 520_700);
        assert_eq!(scrub_target(520_700, 520_700), 520_700);
        // A short run can be dragged ahead to a second.
        assert_eq!(scrub_max(0), 1_000);
        assert_eq!(scrub_target(1_000, 0), 1_000);
        assert_eq!(scrub_target(400, 250), 400);
    }

    #[test]
    fn a_restore_says_how_many_events_it_has_replayed() {
        let sim = crate::sim::SimBuilder::new(1).workers(1).build().unwrap();
        let done = sim.events_processed();
        assert_eq!(
            super::restoring(&sim, 72_503),
            format!("restoring the run… {done} of 72,503 events")
        );
        assert_eq!(
            super::restored_of(&sim, 1_000_000),
            format!("{done} of 1,000,000 events")
        );
    }

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
        assert_eq!(percent(0, 1_000), "0.000");
        assert_eq!(percent(125, 1_000), "12.500");
        assert_eq!(percent(2_000, 1_000), "100.000");
        assert_eq!(range_value("4200"), 4200);
        assert_eq!(range_value("oops"), 0);
    }

    #[test]
    fn progress_counts_pods_created_of_those_wanted_then_the_time_left() {
        use crate::model::Container;
        use crate::sim::examples::replicaset;
        use crate::sim::{Command, SimBuilder};
        assert_eq!(grouped(100_000), "100,000");
        assert_eq!(grouped(4_200), "4,200");
        assert_eq!(grouped(999), "999");
        let mut sim = SimBuilder::new(1).workers(3).build().unwrap();
        let rs = replicaset("web", 1_200, Container::new("web", "nginx:1.27"));
        sim.apply(Command::Apply(rs.into())).unwrap();
        assert_eq!(
            progress(&sim, 5_000, None),
            "simulating… 0 of 1,200 pods created"
        );
        sim.run_for(60_000);
        let now = sim.now();
        assert_eq!(
            progress(&sim, now + 2_500, None),
            "simulating… 00:02.5 to go"
        );
    }

    #[test]
    fn progress_stops_counting_pods_once_the_store_is_full() {
        // No more pods come once the store is full: the label says the time left instead.
        use crate::model::Container;
        use crate::sim::examples::replicaset;
        use crate::sim::{Command, SimBuilder, Timing};
        let timing = Timing {
            max_objects: 50,
            ..Default::default()
        };
        let mut sim = SimBuilder::new(1)
            .workers(1)
            .timing(timing)
            .build()
            .unwrap();
        let rs = replicaset("web", 99_999_999, Container::new("web", "nginx:1.27"));
        sim.apply(Command::Apply(rs.into())).unwrap();
        sim.run_for(10_000);
        assert!(sim.store_full());
        let now = sim.now();
        assert_eq!(
            progress(&sim, now + 2_500, None),
            "simulating… 00:02.5 to go"
        );
    }
}
