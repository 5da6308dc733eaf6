//! `kubectl run`: one pod from an image. Attached (`-i`, `-t`) it waits for the pod to run and
//! shows what its command prints (a shell image opens a prompt in the console); `--rm` deletes
//! the pod afterwards.

use crate::model::{Container, EnvVar, Object, Pod, PodSpec, Shared};
use crate::sim::{Command, Outcome};

use super::args::flag;
use super::cmdutil::{flags, namespace};
use super::{remove_after, sim_error_text, Console, ExecSession, Output, Target};

/// How long an attached `run` waits for the pod to start.
const START_TIMEOUT_MS: u64 = 60_000;

/// `kubectl run NAME --image=IMAGE [--restart=Never] [--rm] [-i] [-t] [-q] [--env=K=V]...
/// [--labels=k=v,...] [--command] [-- ARGS...]`.
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags(
        "run",
        words,
        &[
            flag("image", None, true),
            flag("restart", None, true),
            flag("rm", None, false),
            flag("stdin", Some('i'), false),
            flag("tty", Some('t'), false),
            flag("quiet", Some('q'), false),
            flag("env", None, true),
            flag("labels", None, true),
            flag("command", None, false),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let Some(name) = args.positional.first().cloned() else {
        return Output::err(
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n",
        );
    };
    let Some(image) = args.value("image").map(str::to_string) else {
        return Output::err("error: required flag(s) \"image\" not set\n");
    };
    let restart = args.value("restart").unwrap_or("Always").to_string();
    if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
        return Output::err(format!(
            "error: invalid restart policy: {restart}\nSee 'kubectl run -h' for help and examples\n"
        ));
    }
    let attach = args.on("stdin") || args.on("tty");
    if args.on("rm") && !attach {
        return Output::err("error: --rm should only be used for attached containers\n");
    }
    let mut labels = crate::sorted::SortedMap::new();
    match args.value("labels") {
        Some(l) => {
            for kv in l.split(',') {
                let Some((k, v)) = kv.split_once('=') else {
                    return Output::err(format!("error: invalid label spec: {kv}\n"));
                };
                labels.insert(k.to_string(), v.to_string());
            }
        }
        None => {
            labels.insert("run".to_string(), name.clone());
        }
    }
    let mut env = Vec::new();
    for kv in args.flags.get("env").into_iter().flatten() {
        let Some((k, v)) = kv.split_once('=') else {
            return Output::err(format!("error: invalid env: {kv}\n"));
        };
        env.push(EnvVar::new(k, v));
    }
    let extra: Vec<String> = if args.rest.is_empty() {
        args.positional[1..].to_vec()
    } else {
        args.rest.clone()
    };
    let mut container = Container::new(&name, &image);
    container.env = env;
    if args.on("command") {
        container.command = extra.clone();
    } else {
        container.args = extra.clone();
    }
    let mut pod = Pod::new(
        &ns,
        &name,
        PodSpec {
            containers: vec![container],
            restart_policy: restart,
            ..Default::default()
        },
    );
    pod.metadata.labels = labels.into();
    match target.apply(Command::Create(Object::Pod(Shared::new(pod)))) {
        Ok(_) => {}
        Err(e) => return Output::err(sim_error_text(&e)),
    }
    if !attach {
        return Output::ok(format!("pod/{name} created\n"));
    }
    // Attached: wait until the container runs.
    let mut waited = 0;
    loop {
        let running = target
            .sim()
            .world()
            .processes_of_pod(&ns, &name)
            .any(|p| p.container == name);
        if running {
            break;
        }
        if waited >= START_TIMEOUT_MS {
            return Output::err(format!(
                "error: timed out waiting for the condition\npod/{name} is still not running\n"
            ));
        }
        target.run_for(500);
        waited += 500;
    }
    let session = ExecSession {
        namespace: ns.clone(),
        pod: name.clone(),
        container: name.clone(),
        cwd: "/".into(),
        remove_on_exit: args.on("rm").then_some(args.on("quiet")),
    };
    let shell_image = ["busybox", "alpine", "ubuntu", "debian"]
        .iter()
        .any(|b| image.rsplit('/').next().unwrap_or("").starts_with(b));
    let is_shell = |w: &str| matches!(w.rsplit('/').next().unwrap_or(""), "sh" | "bash" | "ash");
    if (extra.is_empty() && shell_image) || (extra.len() == 1 && is_shell(&extra[0])) {
        // An interactive shell: the console's next lines run in the pod until `exit`.
        let note = if args.on("quiet") {
            String::new()
        } else {
            "If you don't see a command prompt, try pressing enter.\n".to_string()
        };
        *console.shell.borrow_mut() = Some(session);
        return Output::ok(note);
    }
    // The image's own command: k8spatterns/curl-jq fetches its URL and pretty-prints the JSON
    // (`curl -s URL | jq .`); other images run the given words in the pod's shell.
    let curl_jq = image.contains("curl-jq");
    let argv: Vec<String> = if curl_jq {
        let mut v = vec!["curl".to_string(), "-s".to_string()];
        v.extend(extra.iter().cloned());
        v
    } else {
        extra.clone()
    };
    let mut text = String::new();
    let mut ok = true;
    if !argv.is_empty() {
        match target.apply(Command::Exec {
            namespace: ns.clone(),
            pod: name.clone(),
            container: Some(name.clone()),
            argv,
            cwd: String::new(),
        }) {
            Ok(Outcome::Exec(r)) => {
                let out = if curl_jq {
                    super::cmdutil::jq(&r.stdout)
                } else {
                    r.stdout
                };
                text.push_str(&out);
                text.push_str(&r.stderr);
                ok = r.code == 0;
            }
            Ok(_) => {}
            Err(e) => {
                text.push_str(&sim_error_text(&e));
                ok = false;
            }
        }
    }
    text.push_str(&remove_after(target, &session));
    Output { text, ok }
}
