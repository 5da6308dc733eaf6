//! `kubectl exec`: a command run inside a container. It goes through the API server to the
//! kubelet of the pod's node, so a node cut off from the control plane cannot be reached. The
//! command runs in the small shell of `apps::shell` with a host that sees the container's
//! files and environment, and the cluster network for `curl`. Its writes change the ground
//! truth, so it is a recorded command (`Command::Exec`).

use crate::model::{Kind, ObjectRef, Pod};

use super::apps::shell::{ExecResult, Shell};
use super::apps::{FileRead, Host};
use super::network::http_from_pod;
use super::trace::{Actor, Change};
use super::{ApiError, Sim, SimError};

/// The host of an exec'd command: the container of process `pid`.
struct ExecHost<'a> {
    sim: &'a mut Sim,
    pid: u64,
}

impl Host for ExecHost<'_> {
    fn now(&self) -> u64 {
        self.sim.now
    }

    fn id(&self) -> &str {
        self.sim
            .world
            .process(self.pid)
            .map_or("", |p| p.id.as_str())
    }

    fn env(&self, name: &str) -> Option<&str> {
        self.sim
            .world
            .process(self.pid)?
            .env
            .get(name)
            .map(String::as_str)
    }

    fn random_below(&mut self, n: u64) -> u64 {
        self.sim.rng.below(n)
    }

    fn stdout(&mut self, _line: String) {
        // An exec'd command's output goes to the kubectl client, not the container log.
    }

    fn append_file(&mut self, path: &str, line: String) -> bool {
        self.write_file(path, &format!("{line}\n"), true);
        true
    }

    fn read_file(&self, path: &str) -> FileRead {
        match self.sim.world.read_path(self.pid, path) {
            Some(t) => FileRead::Contents(t),
            None => FileRead::Missing,
        }
    }

    fn read_any(&self, path: &str) -> Option<String> {
        self.sim.world.read_path(self.pid, path)
    }

    fn write_file(&mut self, path: &str, text: &str, append: bool) {
        let now = self.sim.now;
        self.sim.world.write_path(self.pid, path, text, append, now);
    }

    fn remove_file(&mut self, path: &str) -> bool {
        self.sim.world.remove_path(self.pid, path)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        // The directories every image has; what is in them beyond the lab's files is not
        // modelled.
        const ROOT: [&str; 10] = [
            "bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "usr", "var",
        ];
        let dir = path.trim_end_matches('/');
        if dir.is_empty() {
            let mut names: Vec<String> = ROOT.map(String::from).to_vec();
            names.extend(self.sim.world.list_path(self.pid, "/").unwrap_or_default());
            crate::sort::sort(&mut names);
            names.dedup();
            return Some(names);
        }
        let listed = self.sim.world.list_path(self.pid, dir);
        if listed.is_none() && ROOT.iter().any(|r| dir == format!("/{r}")) {
            return Some(Vec::new());
        }
        listed
    }

    fn hostname(&self) -> String {
        self.sim
            .world
            .process(self.pid)
            .map_or_else(String::new, |p| p.hostname.clone())
    }

    fn env_all(&self) -> Vec<(String, String)> {
        self.sim.world.process(self.pid).map_or_else(Vec::new, |p| {
            p.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        })
    }

    fn http_get(&mut self, url: &str) -> Result<String, (i32, String)> {
        http_from_pod(self.sim, self.pid, url)
    }

    fn set_timer(&mut self, _delay_ms: u64, _timer: u32) {}
}

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
    let mut result = shell.run(&mut ExecHost { sim, pid }, &line);
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
