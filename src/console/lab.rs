//! `lab`: faults, and the ground truth that kubectl cannot see.

use crate::sim::{Command, Outcome};

use super::args::{format_duration_ms, parse_duration_ms};
use super::cmdutil::outcome_line;
use super::table::Table;
use super::{sim_error_text, Console, Output, Target};

const USAGE: &str = "Usage: lab VERB ...
  lab partition NODE         cut NODE off from the control plane (its processes keep running)
  lab heal NODE              reconnect NODE
  lab crash NODE             power NODE off: its processes die, heartbeats stop
  lab restart NODE           power NODE on again (or reboot it)
  lab pause POD [DURATION]   freeze the pod's process (for DURATION, e.g. 30s)
  lab resume POD             unfreeze it
  lab skew NODE OFFSET       set NODE's clock OFFSET from true time (e.g. 90s, -2m)
  lab skew-rate NODE PPM     make NODE's clock run fast or slow (e.g. 500000 = 1.5x, -500000 = half)
  lab cut POD                cut POD off from the API server (its node stays Ready)
  lab uncut POD              reconnect it
  lab kill POD [CONTAINER]   kill the container's process; the kubelet restarts it
  lab ready POD on|off       switch the app's readiness endpoint
  lab ps                     list the processes that really run
  lab interrupt              stop running commands (a drain), as Ctrl-C in a terminal
";

pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let Some((verb, rest)) = words.split_first() else {
        return Output::err(USAGE);
    };
    let ns = console.namespace.clone();
    let need = |n: usize| -> Result<(), Output> {
        if rest.len() < n {
            Err(Output::err(format!(
                "error: lab {verb} needs {n} argument{}\n{USAGE}",
                if n == 1 { "" } else { "s" }
            )))
        } else {
            Ok(())
        }
    };
    let command = match verb.as_str() {
        "ps" | "interrupt" if !rest.is_empty() => {
            return Output::err(format!(
                "error: lab {verb} takes no arguments, got \"{}\"\n{USAGE}",
                rest.join(" ")
            ))
        }
        "ps" => return ps(target),
        "interrupt" => Command::Interrupt,
        "help" | "--help" | "-h" => return Output::ok(USAGE),
        "partition" | "heal" | "crash" | "restart" => {
            if let Err(o) = need(1) {
                return o;
            }
            let node = rest[0].clone();
            match verb.as_str() {
                "partition" => Command::Partition { node },
                "heal" => Command::Heal { node },
                "crash" => Command::CrashNode { node },
                _ => Command::RestartNode { node },
            }
        }
        "pause" => {
            if let Err(o) = need(1) {
                return o;
            }
            let duration_ms = match rest.get(1).map(|d| parse_duration_ms(d)).transpose() {
                Ok(d) => d,
                Err(e) => return Output::err(format!("error: {e}\n")),
            };
            Command::PauseProcess {
                namespace: ns,
                pod: rest[0].clone(),
                duration_ms,
            }
        }
        "resume" => {
            if let Err(o) = need(1) {
                return o;
            }
            Command::ResumeProcess {
                namespace: ns,
                pod: rest[0].clone(),
            }
        }
        "skew" => {
            if let Err(o) = need(2) {
                return o;
            }
            let (neg, d) = match rest[1].strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, rest[1].trim_start_matches('+')),
            };
            let ms = match parse_duration_ms(d) {
                Ok(ms) => i64::try_from(ms).unwrap_or(i64::MAX),
                Err(e) => return Output::err(format!("error: {e}\n")),
            };
            Command::SkewClock {
                node: rest[0].clone(),
                offset_ms: if neg { -ms } else { ms },
            }
        }
        "skew-rate" => {
            if let Err(o) = need(2) {
                return o;
            }
            let Ok(rate_ppm) = rest[1].trim_start_matches('+').parse::<i64>() else {
                return Output::err(format!(
                    "error: lab skew-rate takes parts per million, not \"{}\"\n",
                    rest[1]
                ));
            };
            Command::SkewClockRate {
                node: rest[0].clone(),
                rate_ppm,
            }
        }
        "cut" | "uncut" => {
            if let Err(o) = need(1) {
                return o;
            }
            let (namespace, pod) = (ns, rest[0].clone());
            if verb == "cut" {
                Command::CutPod { namespace, pod }
            } else {
                Command::HealPod { namespace, pod }
            }
        }
        "kill" => {
            if let Err(o) = need(1) {
                return o;
            }
            Command::KillContainer {
                namespace: ns,
                pod: rest[0].clone(),
                container: rest.get(1).cloned(),
            }
        }
        "ready" => {
            if let Err(o) = need(2) {
                return o;
            }
            let ready = match rest[1].as_str() {
                "on" | "true" | "yes" => true,
                "off" | "false" | "no" => false,
                other => {
                    return Output::err(format!(
                        "error: lab ready takes on or off, not \"{other}\"\n"
                    ))
                }
            };
            Command::SetReadiness {
                namespace: ns,
                pod: rest[0].clone(),
                ready,
            }
        }
        other => {
            return Output::err(format!("error: unknown lab verb \"{other}\"\n{USAGE}"));
        }
    };
    match target.apply(command) {
        Ok(Outcome::Done(s)) => Output::ok(format!("{s}\n")),
        Ok(o) => Output::ok(outcome_line(&o)),
        Err(e) => Output::err(sim_error_text(&e)),
    }
}

/// One line per process that really runs, with what it believes and where it writes.
fn ps(target: &dyn Target) -> Output {
    let sim = target.sim();
    let now = sim.now();
    let world = sim.world();
    // A LOCKS column appears once a process takes part in a lock: `leader` where it believes
    // it holds the lock, `follower` otherwise (what it believes, not what the lock says).
    let any_locks = world
        .processes()
        .any(|p| !p.program.lock_beliefs().is_empty());
    let mut columns = vec![
        "MACHINE",
        "POD",
        "CONTAINER",
        "ID",
        "UP",
        "STATE",
        "WRITES TO",
    ];
    if any_locks {
        columns.push("LOCKS");
    }
    let mut t = Table::new(&columns);
    for p in world.processes() {
        let machine = world.machine(&p.machine);
        let mut state = p.belief(now);
        if let Some(m) = machine {
            if !m.reachable {
                state.push_str(", cut off from the control plane");
            }
        }
        let writes: Vec<&str> = p.mounts.iter().map(|(_, v)| v.as_str()).collect();
        let mut row = vec![
            p.machine.to_string(),
            p.pod_name.to_string(),
            p.container.to_string(),
            p.id.clone(),
            format_duration_ms(now.saturating_sub(p.started_at) / 1000 * 1000),
            state,
            if writes.is_empty() {
                "-".into()
            } else {
                writes.join(",")
            },
        ];
        if any_locks {
            let beliefs: Vec<String> = p
                .program
                .lock_beliefs()
                .iter()
                .map(|b| {
                    let role = if b.leading { "leader" } else { "follower" };
                    format!("{} {role}", b.lock)
                })
                .collect();
            row.push(if beliefs.is_empty() {
                "-".into()
            } else {
                beliefs.join(",")
            });
        }
        t.push(row);
    }
    if t.rows.is_empty() {
        return Output::ok("No processes are running.\n");
    }
    Output::ok(t.render(true))
}
