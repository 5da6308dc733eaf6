//! `kubectl exec`: a command run inside a container. It goes through the API server to the
//! kubelet of the pod's node, so a node cut off from the control plane cannot be reached. The
//! command runs in the small shell of `apps::shell` with a host that sees the container's
//! files and environment, and the cluster network for `curl`. Its writes change the ground
//! truth, so it is a recorded command (`Command::Exec`).

use crate::model::{Kind, ObjectRef, Pod};

use super::apps::shell::{ExecResult, Shell};
use super::network::http_from_pod;
use super::runtime::ProcessHost;
use super::trace::{Actor, Change};
use super::{ApiError, Sim, SimError};

/// The command line a shell runs for `argv`: the script of `sh -c '...'`, else the words
/// quoted back into one line.
fn script_of(argv: &[String]) -> String {
    let base = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a).to_string())
        .unwrap_or_default();
    if matches!(base.as_str(), "sh" | "bash" | "ash") && argv.get(1).is_some_and(|a| a == "-c") {
        return argv.get(2).cloned().unwrap_or_default();
    }
    argv.iter()
        .map(|w| {
            if !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
            {
                w.clone()
            } else {
                format!("'{}'", w.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `argv` in `container` (default: the first) of pod `namespace/name`, from directory
/// `cwd`. Returns what it printed and its exit code.
pub(crate) fn exec(
    sim: &mut Sim,
    namespace: &str,
    name: &str,
    container: Option<&str>,
    argv: &[String],
    cwd: &str,
) -> Result<ExecResult, SimError> {
    let ns = if namespace.is_empty() {
        "default"
    } else {
        namespace
    };
    let pod = sim
        .api
        .get::<Pod>(ns, name)
        .cloned()
        .ok_or_else(|| ApiError::NotFound {
            kind: Kind::Pod,
            name: name.to_string(),
        })?;
    let cname = container
        .map(str::to_string)
        .or_else(|| pod.spec.containers.first().map(|c| c.name.clone()))
        .unwrap_or_default();
    if let Some(m) = sim.world.machine(&pod.spec.node_name) {
        if !m.powered || !m.reachable {
            return Err(SimError::NotApplicable(format!(
                "Error from server: error dialing backend: dial tcp {}:10250: i/o timeout",
                m.ip
            )));
        }
    }
    let pid = sim
        .world
        .processes_of_pod(ns, name)
        .find(|p| p.pod_uid == pod.metadata.uid && p.container == cname)
        .map(|p| p.pid)
        .ok_or_else(|| {
            SimError::NotApplicable(format!(
                "error: unable to upgrade connection: container not found (\"{cname}\")"
            ))
        })?;
    // Without a shell in between, the runtime itself looks the program up.
    if let Some(first) = argv.first().filter(|a| !super::apps::shell::knows(a)) {
        return Ok(ExecResult {
            stderr: format!("error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{first}\": executable file not found in $PATH: unknown\n"),
            code: 127,
            ..Default::default()
        });
    }
    let line = script_of(argv);
    let mut shell = Shell::default();
    if !cwd.is_empty() {
        shell.cwd = cwd.to_string();
    }
    let mut result = shell.run(&mut ProcessHost::for_exec(sim, pid, http_from_pod), &line);
    result.cwd = shell.cwd.clone();
    let r = ObjectRef::new(Kind::Pod, ns, name);
    sim.record(
        &Actor::User,
        None,
        Some(&r),
        Change::World,
        format!("exec in {name}/{cname}: {line}"),
        if result.code == 0 {
            ""
        } else {
            "exit code not 0"
        },
    );
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argv_becomes_a_shell_line() {
        let v = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            script_of(&v(&["sh", "-c", "echo $(hostname)"])),
            "echo $(hostname)"
        );
        assert_eq!(script_of(&v(&["/bin/bash", "-c", "ls"])), "ls");
        assert_eq!(script_of(&v(&["cat", "/a b"])), "cat '/a b'");
        assert_eq!(script_of(&v(&["echo", "it's"])), "echo 'it'\\''s'");
    }
}
