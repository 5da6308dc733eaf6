//! `k8spatterns/random-generator`, the book's sample service: a Spring Boot app that answers
//! each request with a random number and its own instance id, and appends each answer to
//! LOG_FILE when that path lies on a volume.

use super::{App, Host, HttpReply, HttpRequest};

/// Spring Boot's own start, before the app listens.
const SPRING_START_MS: u64 = 2_000;
/// Spring Boot closes its context in well under a second.
const SHUTDOWN_MS: u64 = 800;
/// The timer that fires when the web server listens.
const LISTENING: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RandomGenerator {
    /// How long it planned to take until it listens: the "process running for" figure, as
    /// measured by its own clock (which a pause does not advance in the lab).
    listening_ms: u64,
    /// Spring's own start time (the DELAY_STARTUP sleep comes before it).
    spring_ms: u64,
    /// SIGTERM arrived: what it had yet to print never appears.
    stopping: bool,
}

impl App for RandomGenerator {
    fn start(&mut self, host: &mut dyn Host) -> u64 {
        // The first thing main() logs, before the DELAY_STARTUP sleep.
        if host.env("WAIT_FOR_POST_START") != Some("true") {
            host.stdout("No WAIT_FOR_POST_START configured".into());
        }
        let delay_s = host
            .env("DELAY_STARTUP")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let startup = SPRING_START_MS + delay_s.min(86_400) * 1000;
        self.listening_ms = startup;
        self.spring_ms = SPRING_START_MS.min(startup);
        host.set_timer(startup, LISTENING);
        startup
    }

    fn tick(&mut self, host: &mut dyn Host, timer: u32) {
        if timer != LISTENING || self.stopping {
            return;
        }
        // Spring Boot's line once the web server listens.
        host.stdout(format!(
            "Started RandomGeneratorApplication in {} seconds (process running for {})",
            java_seconds(self.spring_ms),
            java_seconds(self.listening_ms)
        ));
    }

    fn sigterm(&mut self, host: &mut dyn Host) -> Option<u64> {
        self.stopping = true;
        host.stdout(
            ">>>> SHUTDOWN HOOK called. Possibly because of a SIGTERM from Kubernetes".into(),
        );
        Some(SHUTDOWN_MS)
    }

    fn http(&mut self, host: &mut dyn Host, request: &HttpRequest) -> HttpReply {
        let path = request.path.split('?').next().unwrap_or("/");
        match path {
            "" | "/" => {}
            // The book's README reads each pod's own log through this endpoint.
            "/logs" => {
                let text = host
                    .env("LOG_FILE")
                    .map(str::to_string)
                    .and_then(|f| host.read_any(&f))
                    .unwrap_or_default();
                return HttpReply::Body {
                    status: 200,
                    body: text,
                };
            }
            "/actuator/health" => {
                return HttpReply::Body {
                    status: 200,
                    body: r#"{"status":"UP"}"#.into(),
                }
            }
            other => {
                // Spring Boot's error body.
                let now = host.now();
                let at = crate::model::Time::at(now).to_rfc3339();
                let secs = at.get(..19).unwrap_or("");
                return HttpReply::Body {
                    status: 404,
                    body: format!(
                        r#"{{"timestamp":"{secs}.{:03}+00:00","status":404,"error":"Not Found","path":"{other}"}}"#,
                        now % 1000
                    ),
                };
            }
        }
        let random = host.random_below(1_000_000);
        let id = host.id().to_string();
        if let Some(path) = host.env("LOG_FILE").map(str::to_string) {
            let line = format!(
                "{} {random}",
                crate::model::Time::at(host.now()).to_rfc3339()
            );
            host.append_file(&path, line);
        }
        HttpReply::Body {
            status: 200,
            body: format!("{{\"random\":{random},\"id\":\"{id}\",\"version\":\"1.0\"}}"),
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
    use super::super::test_host::TestHost;
    use super::*;

    #[test]
    fn seconds_print_like_java_doubles() {
        assert_eq!(java_seconds(2_000), "2.0");
        assert_eq!(java_seconds(2_500), "2.5");
        assert_eq!(java_seconds(12_345), "12.345");
        assert_eq!(java_seconds(40), "0.04");
    }

    #[test]
    fn it_listens_after_spring_and_the_startup_delay() {
        let mut host = TestHost {
            now: 1_000,
            env: vec![("DELAY_STARTUP".into(), "5".into())],
            ..Default::default()
        };
        let mut app = RandomGenerator::default();
        assert_eq!(app.start(&mut host), 7_000);
        assert_eq!(host.timers, [(8_000, LISTENING)]);
        host.now = 8_000;
        app.tick(&mut host, LISTENING);
        assert_eq!(
            host.stdout,
            [
                (1_000, "No WAIT_FOR_POST_START configured".to_string()),
                (
                    8_000,
                    "Started RandomGeneratorApplication in 2.0 seconds (process running for 7.0)"
                        .to_string()
                )
            ]
        );
    }

    #[test]
    fn sigterm_before_listening_drops_the_started_line() {
        let mut host = TestHost {
            env: vec![("WAIT_FOR_POST_START".into(), "true".into())],
            ..Default::default()
        };
        let mut app = RandomGenerator::default();
        app.start(&mut host);
        host.now = 500;
        assert_eq!(app.sigterm(&mut host), Some(SHUTDOWN_MS));
        host.now = 2_000;
        app.tick(&mut host, LISTENING);
        let lines: Vec<&str> = host.stdout.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            lines,
            [">>>> SHUTDOWN HOOK called. Possibly because of a SIGTERM from Kubernetes"]
        );
    }

    #[test]
    fn logs_serve_the_log_file_and_unknown_paths_are_404() {
        let mut host = TestHost {
            now: 1_500,
            env: vec![("LOG_FILE".into(), "/opt/logs/random.log".into())],
            mounts: vec!["/opt/logs/".into()],
            next_random: 7,
            ..Default::default()
        };
        let mut app = RandomGenerator::default();
        app.http(&mut host, &HttpRequest::get("/"));
        let logs = app.http(&mut host, &HttpRequest::get("/logs"));
        assert_eq!(
            logs,
            HttpReply::Body {
                status: 200,
                body: "2025-01-01T00:00:01Z 7\n".into()
            }
        );
        let HttpReply::Body { status, body } = app.http(&mut host, &HttpRequest::get("/x")) else {
            panic!("an answer");
        };
        assert_eq!(status, 404);
        assert_eq!(
            body,
            r#"{"timestamp":"2025-01-01T00:00:01.500+00:00","status":404,"error":"Not Found","path":"/x"}"#
        );
    }

    #[test]
    fn answers_carry_the_id_and_land_in_log_file_on_a_volume() {
        let mut host = TestHost {
            now: 3_000,
            env: vec![("LOG_FILE".into(), "/tmp/logs/random.log".into())],
            mounts: vec!["/tmp/logs/".into()],
            next_random: 42,
            ..Default::default()
        };
        let reply = RandomGenerator::default().http(&mut host, &HttpRequest::get("/"));
        assert_eq!(
            reply,
            HttpReply::Body {
                status: 200,
                body: r#"{"random":42,"id":"test-id","version":"1.0"}"#.into()
            }
        );
        assert_eq!(
            host.files,
            [(
                "/tmp/logs/random.log".to_string(),
                "2025-01-01T00:00:03Z 42".to_string()
            )]
        );
    }
}
