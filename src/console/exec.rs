//! `kubectl exec`: a command in a container, run by the engine's small shell (`sim::exec`);
//! `dig` is the console's own.

use crate::model::Kind;
use crate::sim::{Command, Outcome, Sim};

use super::args::flag;
use super::cmdutil::{flags, namespace, outcome_line, pod_for_resource, resolve_kind};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl exec POD -- CMD`: the command runs in the container (docs/apps.md, "kubectl exec");
/// the request travels from the API server to the pod's node, so a cut-off node cannot be
/// reached. `dig` is the console's `dig` program, which `kubectl` passes in.
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
                Ok(p) => p.metadata.name.to_string(),
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
    if command[0] == "dig" {
        return dig(sim, &command[1..]);
    }
    let shell = matches!(
        command[0].rsplit('/').next().unwrap_or(""),
        "sh" | "bash" | "ash"
    );
    if shell && command.len() == 1 {
        // Without stdin the shell reads nothing and exits at once, as in kubectl.
        if !args.on("stdin") {
            return Output::ok("");
        }
        let session = super::ExecSession {
            namespace: ns.clone(),
            pod: pod_name.clone(),
            container: container.clone(),
            cwd: "/".into(),
            remove_on_exit: None,
        };
        let note = format!(
            "(a shell in {pod_name}, container {container}: its commands run there; `exit` leaves)\n"
        );
        *console.shell.borrow_mut() = Some(session);
        return Output::ok(note);
    }
    let result = target.apply(Command::Exec {
        namespace: ns.clone(),
        pod: pod_name.clone(),
        container: Some(container),
        argv: command,
        cwd: String::new(),
    });
    match result {
        Ok(Outcome::Exec(r)) if r.code == 0 => Output::ok(format!("{}{}", r.stdout, r.stderr)),
        Ok(Outcome::Exec(r)) => Output::err(format!(
            "{}{}command terminated with exit code {}\n",
            r.stdout, r.stderr, r.code
        )),
        Ok(o) => Output::ok(outcome_line(&o)),
        Err(e) => Output::err(sim_error_text(&e)),
    }
}
