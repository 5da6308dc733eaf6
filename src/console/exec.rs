//! `kubectl exec`: the programs the lab's containers answer (`dig`, `curl`, `cat`).

use crate::model::Kind;
use crate::sim::{Command, Outcome, Sim};

use super::args::flag;
use super::cmdutil::{flags, namespace, outcome_line, pod_for_resource, resolve_kind};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl exec POD -- CMD`: the lab's containers answer `dig`, `curl` and `cat` of a mounted
/// volume's files; the request travels from the pod's node, so a cut-off node cannot be reached.
/// `dig` is the console's `dig` program, which `kubectl` passes in.
pub fn run(
    console: &Console,
    target: &mut dyn Target,
    words: &[String],
    dig: fn(&Sim, &[String]) -> Output,
) -> Output {
    let args = match flags(
        "exec",
        words,
        &[
            flag("container", Some('c'), true),
            flag("stdin", Some('i'), false),
            flag("tty", Some('t'), false),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let Some(pod_name) = args.positional.first() else {
        return Output::err("error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command\nSee 'kubectl exec -h' for help and examples\n");
    };
    let pod_name = pod_name
        .strip_prefix("pod/")
        .unwrap_or(pod_name)
        .to_string();
    let command: Vec<String> = if !args.rest.is_empty() {
        args.rest.clone()
    } else {
        args.positional[1..].to_vec()
    };
    if command.is_empty() {
        return Output::err("error: you must specify at least one command for the container\n");
    }
    // `TYPE/NAME`: kubectl execs in one of the workload's pods, preferring running, ready ones.
    let pod_name = match pod_name.split_once('/') {
        None => pod_name,
        Some((k, n)) => {
            let kind = match resolve_kind(k) {
                Ok(k) => k,
                Err(o) => return o,
            };
            let r = crate::model::ObjectRef::new(kind, &ns, n);
            if target.sim().cluster().get_object(&r).is_none() {
                return Output::err(format!(
                    "Error from server (NotFound): {} \"{n}\" not found\n",
                    kind.qualified_resource()
                ));
            }
            if !matches!(
                kind,
                Kind::Pod | Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::Service
            ) {
                return Output::err(format!(
                    "error: cannot attach to *v1.{0}: selector for *v1.{0} not implemented\n",
                    kind.name()
                ));
            }
            let mut note = String::new();
            match pod_for_resource(target, &ns, &pod_name, 0, &mut note) {
                Ok(p) => p.metadata.name,
                Err(e) => return Output::err(e),
            }
        }
    };
    let sim = target.sim();
    let Some(pod) = sim.cluster().get::<crate::model::Pod>(&ns, &pod_name) else {
        return Output::err(format!(
            "Error from server (NotFound): pods \"{pod_name}\" not found\n"
        ));
    };
    let container = args
        .value("container")
        .map(String::from)
        .or_else(|| pod.spec.containers.first().map(|c| c.name.clone()))
        .unwrap_or_default();
    if let Some(machine) = sim.world().machine(&pod.spec.node_name) {
        if !machine.powered || !machine.reachable {
            return Output::err(format!(
                "Error from server: error dialing backend: dial tcp {}:10250: i/o timeout\n",
                machine.ip
            ));
        }
    }
    let running = sim
        .world()
        .processes_of_pod(&pod.metadata.namespace, &pod.metadata.name)
        .filter(|p| p.pod_uid == pod.metadata.uid)
        .any(|p| p.container == container);
    if !running {
        return Output::err(format!(
            "error: unable to upgrade connection: container not found (\"{container}\")\n"
        ));
    }
    let program = command[0].as_str();
    match program {
        "dig" => dig(sim, &command[1..]),
        "curl" => exec_curl(target, &ns, &command[1..]),
        "cat" => exec_cat(sim, pod, &container, &command[1..]),
        other => Output::err(format!(
            "error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{other}\": executable file not found in $PATH: unknown\ncommand terminated with exit code 127\n"
        )),
    }
}

fn exec_curl(target: &mut dyn Target, ns: &str, words: &[String]) -> Output {
    let Some(url) = words.iter().find(|w| !w.starts_with('-')) else {
        return Output::err("curl: try 'curl --help' or 'curl --manual' for more information\ncommand terminated with exit code 2\n");
    };
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let host_port = rest.split('/').next().unwrap_or("");
    let host = host_port.split(':').next().unwrap_or("");
    // `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`.
    let parts: Vec<&str> = host.split('.').collect();
    let (service, namespace) = match parts.as_slice() {
        [s] => (*s, ns),
        [s, n, ..] => (*s, *n),
        [] => ("", ns),
    };
    let exists = target
        .sim()
        .cluster()
        .get::<crate::model::Service>(namespace, service)
        .is_some();
    if !exists {
        return Output::err(format!(
            "curl: (6) Could not resolve host: {host}\ncommand terminated with exit code 6\n"
        ));
    }
    match target.apply(Command::Request {
        namespace: namespace.to_string(),
        service: service.to_string(),
    }) {
        Ok(Outcome::Response(r)) if r.ok => Output::ok(format!("{}\n", r.body)),
        Ok(Outcome::Response(r)) => Output::err(format!("{}\n", r.body)),
        Ok(o) => Output::ok(outcome_line(&o)),
        Err(e) => Output::err(sim_error_text(&e)),
    }
}

fn exec_cat(sim: &Sim, pod: &crate::model::Pod, container: &str, words: &[String]) -> Output {
    let Some(path) = words.first() else {
        return Output::ok("");
    };
    let Some(proc_) = sim
        .world()
        .processes_of_pod(&pod.metadata.namespace, &pod.metadata.name)
        .filter(|p| p.pod_uid == pod.metadata.uid)
        .find(|p| p.container == container)
    else {
        return Output::err("command terminated with exit code 1\n");
    };
    for (mount, volume) in &proc_.mounts {
        let prefix = format!("{}/", mount.trim_end_matches('/'));
        if let Some(file) = path.strip_prefix(&prefix) {
            let lines: Vec<String> = sim
                .world()
                .volume(volume)
                .iter()
                .filter(|l| l.file == file)
                .map(|l| format!("{}\n", l.text))
                .collect();
            if lines.is_empty() {
                break;
            }
            return Output::ok(lines.concat());
        }
    }
    Output::err(format!(
        "cat: can't open '{path}': No such file or directory\ncommand terminated with exit code 1\n"
    ))
}
