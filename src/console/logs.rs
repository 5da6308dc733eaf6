//! `kubectl logs`: kubectl's side (which pod and container, its stderr notes, its errors); the
//! API server and the kubelet answer through `Sim::pod_logs`.

use crate::model::{Pod, Selector};
use crate::sim::{PodLogOptions, SimError};

use super::args::flag;
use super::cmdutil::{flags, pod_for_resource};
use super::{sim_error_text, Console, Output, Target};

const USAGE: &str = "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n";

/// kubectl's `--pod-running-timeout` default: how long `logs deploy/NAME` waits for a pod.
const POD_RUNNING_TIMEOUT_MS: u64 = 20_000;

/// `--tail` when a selector is given and `--tail` is not.
const SELECTOR_TAIL: i64 = 10;

/// The pod annotation naming the container kubectl picks when `-c` is not given.
const DEFAULT_CONTAINER_ANNOTATION: &str = "kubectl.kubernetes.io/default-container";

pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags(
        "logs",
        words,
        &[
            flag("container", Some('c'), true),
            flag("previous", Some('p'), false),
            flag("tail", None, true),
            flag("timestamps", None, false),
            flag("selector", Some('l'), true),
            flag("pod-running-timeout", None, true),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = args
        .value("namespace")
        .unwrap_or(&console.namespace)
        .to_string();
    let selector = args.value("selector").filter(|s| !s.is_empty());
    let (resource, inline_container) = match (args.positional.as_slice(), selector) {
        ([], None) => return Output::err(USAGE),
        ([], Some(_)) => (None, None),
        ([_], Some(_)) => {
            return Output::err(
                "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n",
            )
        }
        ([_, _], Some(_)) => {
            return Output::err("error: name cannot be provided when a selector is specified\n")
        }
        ([r], None) => (Some(r.as_str()), None),
        ([r, c], _) => (Some(r.as_str()), Some(c.as_str())),
        _ => return Output::err(USAGE),
    };
    let tail = match args
        .value("tail")
        .map(|v| super::cmdutil::int_flag("tail", v, "logs", 64))
    {
        None => None,
        Some(Ok(n)) if n < -1 => {
            return Output::err("error: --tail must be greater than or equal to -1\n")
        }
        Some(Ok(n)) => Some(n),
        Some(Err(o)) => return o,
    };
    if args.has("container") && inline_container.is_some() {
        return Output::err("error: only one of -c or an inline [CONTAINER] arg is allowed\n");
    }
    let timeout = match args
        .value("pod-running-timeout")
        .map(super::args::parse_duration_ms)
    {
        None => POD_RUNNING_TIMEOUT_MS,
        Some(Ok(ms)) if ms > 0 => ms,
        Some(Ok(_)) => {
            return Output::err("error: --pod-running-timeout must be higher than zero\n")
        }
        Some(Err(e)) => return Output::err(format!("error: {e}\n")),
    };
    let opts = PodLogOptions {
        container: args
            .value("container")
            .or(inline_container)
            .unwrap_or_default()
            .to_string(),
        previous: args.on("previous"),
        timestamps: args.on("timestamps"),
        // -1 means all lines; a selector shows the last 10 unless told otherwise.
        tail_lines: match tail {
            Some(-1) => None,
            Some(n) => Some(n),
            None if selector.is_some() => Some(SELECTOR_TAIL),
            None => None,
        },
    };
    let mut text = String::new();
    let pods: Vec<Pod> = match (resource, selector) {
        (_, Some(sel)) => {
            let sel = match Selector::parse(sel) {
                Ok(s) => s,
                Err(e) => return Output::err(format!("error: {e}\n")),
            };
            let pods: Vec<Pod> = target
                .sim()
                .cluster()
                .list_in::<Pod>(&ns)
                .filter(|p| sel.matches(&p.metadata.labels))
                .cloned()
                .collect();
            if pods.is_empty() {
                return Output::ok(format!("No resources found in {ns} namespace.\n"));
            }
            pods
        }
        (Some(r), None) => match pod_for_resource(target, &ns, r, timeout, &mut text) {
            Ok(p) => vec![p],
            Err(e) => {
                text.push_str(&e);
                return Output::err(text);
            }
        },
        (None, None) => return Output::err(USAGE),
    };
    // kubectl builds every request (saying which containers it defaulted to) before reading any.
    let mut requests = Vec::new();
    for pod in &pods {
        match pick_container(pod, &opts.container, &mut text) {
            Ok(container) => requests.push((
                pod,
                PodLogOptions {
                    container,
                    ..opts.clone()
                },
            )),
            Err(e) => {
                text.push_str(&e);
                return Output::err(text);
            }
        }
    }
    for (pod, o) in requests {
        match target
            .sim()
            .pod_logs(&pod.metadata.namespace, &pod.metadata.name, &o)
        {
            Ok(lines) => text.push_str(&lines),
            Err(e) => {
                // The first failed request ends the command, as kubectl's sequential reader does.
                text.push_str(&sim_error_text(&SimError::Api(e)));
                return Output::err(text);
            }
        }
    }
    Output::ok(text)
}

/// The container kubectl asks for: `-c`, else the default-container annotation, else the first
/// one (saying so when there was a choice).
fn pick_container(pod: &Pod, asked: &str, text: &mut String) -> Result<String, String> {
    let name = &pod.metadata.name;
    let has = |c: &str| pod.spec.containers.iter().any(|x| x.name == c);
    if !asked.is_empty() {
        if has(asked) {
            return Ok(asked.to_string());
        }
        return Err(format!(
            "error: container {asked} is not valid for pod {name}\n"
        ));
    }
    if let Some(d) = pod
        .metadata
        .annotations
        .get(DEFAULT_CONTAINER_ANNOTATION)
        .filter(|d| !d.is_empty())
    {
        if has(d) {
            return Ok(d.clone());
        }
        text.push_str(&format!(
            "Default container name \"{d}\" not found in pod {name}\n"
        ));
    }
    let Some(first) = pod.spec.containers.first() else {
        return Err(format!("error: container  is not valid for pod {name}\n"));
    };
    if pod.spec.containers.len() > 1 {
        let all: Vec<&str> = pod
            .spec
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        text.push_str(&format!(
            "Defaulted container \"{}\" out of: {}\n",
            first.name,
            all.join(", ")
        ));
    }
    Ok(first.name.clone())
}
