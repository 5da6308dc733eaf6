//! Behaviour models of what runs in containers.

pub mod random_generator;

use crate::model::Container;

use super::world::World;

/// Which behaviour a container's process follows, chosen from its image and command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AppKind {
    /// `k8spatterns/random-generator`: answers with a random number and its id, logs to LOG_FILE.
    RandomGenerator,
    /// A shell or `sleep` as PID 1: ignores SIGTERM, so only SIGKILL stops it.
    Sleeper,
    /// Anything else: exits promptly on SIGTERM.
    Generic,
}

impl AppKind {
    pub fn for_container(c: &Container) -> AppKind {
        if c.image.contains("random-generator") {
            return AppKind::RandomGenerator;
        }
        let first = c.command.first().map(String::as_str).unwrap_or("");
        let base = first.rsplit('/').next().unwrap_or("");
        if matches!(base, "sleep" | "sh" | "bash") {
            AppKind::Sleeper
        } else {
            AppKind::Generic
        }
    }

    /// How long after SIGTERM the process exits; None means it ignores SIGTERM.
    pub fn shutdown_ms(self) -> Option<u64> {
        match self {
            // Spring Boot closes its context in well under a second.
            AppKind::RandomGenerator => Some(800),
            AppKind::Sleeper => None,
            AppKind::Generic => Some(100),
        }
    }

    /// How long after start the app answers, from its environment.
    pub fn startup_ms(self, c: &Container) -> u64 {
        let delay_s = c
            .env_value("DELAY_STARTUP")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        self.startup_ms_base() + delay_s.min(86_400) * 1000
    }
}

/// What the apps print to stdout, at the moments the sim models. The runtime adds nothing of its
/// own; a line is the message the real app logs, without its logging framework's prefix
/// (docs/console.md lists them).
impl AppKind {
    /// The process started at `now`; it will listen at `listening_at`.
    pub(crate) fn log_start(self, world: &mut World, pid: u64, now: u64, listening_at: u64) {
        if self != AppKind::RandomGenerator {
            return;
        }
        // The first thing the app's main() logs, before the DELAY_STARTUP sleep.
        let wait = world.process(pid).is_some_and(|p| {
            p.env
                .get("WAIT_FOR_POST_START")
                .is_some_and(|v| v == "true")
        });
        if !wait {
            world.write_log(pid, now, "No WAIT_FOR_POST_START configured");
        }
        // Spring Boot's line once the web server listens; the sleep comes before Spring starts.
        let spring = self.startup_ms_base().min(listening_at.saturating_sub(now));
        world.write_log(
            pid,
            listening_at,
            format!(
                "Started RandomGeneratorApplication in {} seconds (process running for {})",
                java_seconds(spring),
                java_seconds(listening_at.saturating_sub(now))
            ),
        );
    }

    /// SIGTERM reached the process at `now` (its first one).
    pub(crate) fn log_sigterm(self, world: &mut World, pid: u64, now: u64) {
        // Whatever it had yet to print (a startup it will not finish) never appears.
        world.drop_pending_log(pid, now);
        if self == AppKind::RandomGenerator {
            world.write_log(
                pid,
                now,
                ">>>> SHUTDOWN HOOK called. Possibly because of a SIGTERM from Kubernetes",
            );
        }
    }

    fn startup_ms_base(self) -> u64 {
        match self {
            AppKind::RandomGenerator => 2_000,
            AppKind::Sleeper | AppKind::Generic => 0,
        }
    }
}

/// Milliseconds as Java prints `ms / 1000.0`: `2.0`, `2.5`, `12.345`.
fn java_seconds(ms: u64) -> String {
    let (s, frac) = (ms / 1000, ms % 1000);
    if frac == 0 {
        return format!("{s}.0");
    }
    let f = format!("{frac:03}");
    format!("{s}.{}", f.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_print_like_java_doubles() {
        assert_eq!(java_seconds(2_000), "2.0");
        assert_eq!(java_seconds(2_500), "2.5");
        assert_eq!(java_seconds(12_345), "12.345");
        assert_eq!(java_seconds(40), "0.04");
    }
}
