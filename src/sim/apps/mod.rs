//! Behaviour models of what runs in containers.

pub mod random_generator;

use crate::model::Container;

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
        let base = match self {
            AppKind::RandomGenerator => 2_000,
            AppKind::Sleeper | AppKind::Generic => 0,
        };
        base + delay_s.min(86_400) * 1000
    }
}
