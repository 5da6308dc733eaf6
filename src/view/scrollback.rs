//! The console's scrollback: the commands of this run and what they printed. It follows the run:
//! a fork drops what the replaced future printed, and an undo brings back the scrollback of the
//! run it restores.

use crate::sim::drain::{blocks, ClientLine};

/// One command in the console's scrollback, with what it printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleEntry {
    pub line: String,
    pub text: String,
    pub ok: bool,
    /// Simulated ms when it ran.
    pub at: u64,
    /// Printed later by a running command (a drain), not typed: `line` names that command.
    pub background: bool,
}

/// What running commands printed (a drain's later lines), as scrollback entries: one per command
/// and time, failed if it printed an error.
pub fn background_entries(lines: &[ClientLine]) -> Vec<ConsoleEntry> {
    blocks(lines)
        .into_iter()
        .map(|b| {
            let ok = !b.text.contains("\nerror: ") && !b.text.starts_with("error: ");
            ConsoleEntry {
                line: b.client,
                text: b.text,
                ok,
                at: b.time,
                background: true,
            }
        })
        .collect()
}

/// Drops the entries of the future a fork at `at` (simulated ms) replaced: whatever ran or
/// printed after that point belongs to a run that no longer exists.
pub fn drop_future(entries: &mut Vec<ConsoleEntry>, at: u64) {
    entries.retain(|e| e.at <= at);
}

/// Whether an entry lies ahead of the point shown (the learner scrubbed back past it).
pub fn is_ahead(entry: &ConsoleEntry, now: u64) -> bool {
    entry.at > now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::session::Session;

    fn entry(line: &str, at: u64) -> ConsoleEntry {
        ConsoleEntry {
            line: line.into(),
            text: String::new(),
            ok: true,
            at,
            background: false,
        }
    }

    #[test]
    fn a_fork_drops_what_the_replaced_future_printed() {
        // Partition at 36 s, play to 7 min, look, scrub back to 1 min and heal: the partition
        // (before 1 min) stays; the look at 7 min came from the replaced future.
        let mut s = Session::new(42, 3);
        s.run_for(36_000);
        assert!(s.run("lab partition node-1").ok);
        let mut log = vec![entry("lab partition node-1", s.sim().now())];
        s.run_for(7 * 60_000 - 36_000);
        assert!(s.run("kubectl get pods").ok);
        log.push(entry("kubectl get pods", s.sim().now()));
        s.seek_time(60_000);
        drop_future(&mut log, s.position().1);
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].line, "lab partition node-1");
        assert!(!is_ahead(&log[0], s.position().1));
        assert!(is_ahead(&entry("x", 61_000), 60_000));
    }
}
