//! The random-generator service from the book: each process has an id, answers requests with a
//! random number and that id, and appends each answer to LOG_FILE when it lies on a volume.

use crate::sorted::SortedMap;

use crate::sim::world::VolumeLine;
use crate::sim::Sim;

/// Expands `$(VAR)` references the way the kubelet does for env values.
pub fn expand_env(value: &str, env: &SortedMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("$(") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find(')') {
            Some(end) => {
                let name = &after[..end];
                match env.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push_str("$(");
                        out.push_str(name);
                        out.push(')');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Serves one request on process `pid`; returns the body, or None if it cannot answer.
pub(crate) fn serve(sim: &mut Sim, pid: u64) -> Option<String> {
    let now = sim.now;
    let random = sim.rng.below(1_000_000);
    let p = sim.world.process_mut(pid)?;
    if !p.is_serving(now) {
        return None;
    }
    p.requests_served += 1;
    let id = p.id.clone();
    let body = format!("{{\"random\":{random},\"id\":\"{id}\",\"version\":\"1.0\"}}");
    let log = p.env.get("LOG_FILE").cloned();
    let mounts = p.mounts.clone();
    let pod = p.pod_name.clone();
    let machine = p.machine.clone();
    if let Some(path) = log {
        // Only a file under a mount is visible outside the container.
        let best = mounts
            .iter()
            .filter(|(mp, _)| {
                let mp = mp.trim_end_matches('/');
                path.starts_with(mp) && path[mp.len()..].starts_with('/')
            })
            .max_by_key(|(mp, _)| mp.len());
        if let Some((mp, key)) = best {
            let file = path[mp.trim_end_matches('/').len() + 1..].to_string();
            let key = key.clone();
            sim.world.append(
                &key,
                VolumeLine {
                    time: now,
                    writer: id.clone(),
                    pod,
                    machine,
                    file,
                    text: format!("{} {random}", crate::model::Time(now).to_rfc3339()),
                },
            );
        }
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_downward_api_references() {
        let env: SortedMap<String, String> = [("POD_ID".to_string(), "abc".to_string())].into();
        assert_eq!(
            expand_env("/tmp/logs/random-$(POD_ID).log", &env),
            "/tmp/logs/random-abc.log"
        );
        assert_eq!(expand_env("$(MISSING)-x", &env), "$(MISSING)-x");
        assert_eq!(expand_env("tail $(", &env), "tail $(");
    }
}
