//! The host's tools in the book's guides: `kind` and `minikube` make (and delete) the cluster,
//! `curl` reaches a NodePort from outside it, `pwd` names the directory the guides run in.
//! A new cluster is the lab's cluster rebuilt with the nodes the tool describes; the console's
//! host (the page's session, `podlab run`) does the rebuilding (`Console::take_new_cluster`).

use crate::model::{Node, Service};
use crate::sim::{Command, NodeConfig, Outcome};

use super::{Console, Output, Target};

/// The directory the host shell runs in: what `$(pwd)` gives in the guides' minikube line.
pub const HOST_DIR: &str = "/home/learner";

/// A cluster kind or minikube asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCluster {
    /// The command line that made it, so a saved run can make it again.
    pub line: String,
    /// Empty once `kind delete cluster` or `minikube delete` ran.
    pub nodes: Vec<NodeConfig>,
}

/// `kind ...` and `minikube ...`, with the text piped in (`curl -s URL | kind create cluster
/// --config -`).
pub fn run(
    console: &Console,
    target: &mut dyn Target,
    line: &str,
    words: &[String],
    stdin: Option<&str>,
) -> Output {
    let (program, args) = match words.split_first() {
        Some((p, a)) => (p.as_str(), a),
        None => return Output::ok(""),
    };
    let result = match program {
        "kind" => kind(console, target, args, stdin),
        "minikube" => minikube(target, args),
        _ => Err(format!("{program}: command not found\n")),
    };
    match result {
        Ok((text, nodes)) => {
            if let Some(nodes) = nodes {
                *console.new_cluster.borrow_mut() = Some(NewCluster {
                    line: line.trim().to_string(),
                    nodes,
                });
            }
            Output::ok(text)
        }
        Err(e) => Output::err(e),
    }
}

type Made = (String, Option<Vec<NodeConfig>>);

fn flag<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        for n in names {
            if a == n {
                return it.next().map(String::as_str);
            }
            if let Some(v) = a.strip_prefix(&format!("{n}=")) {
                return Some(v);
            }
        }
    }
    None
}

fn node_names(target: &dyn Target) -> Vec<String> {
    target
        .sim()
        .cluster()
        .list::<Node>()
        .map(|n| n.metadata.name.to_string())
        .collect()
}

/// kind (kind.sigs.k8s.io): `create cluster [--name N] [--config FILE|-]`, `delete cluster`.
fn kind(
    console: &Console,
    target: &mut dyn Target,
    args: &[String],
    stdin: Option<&str>,
) -> Result<Made, String> {
    let verb: Vec<&str> = args
        .iter()
        .take_while(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let name = flag(args, &["--name", "-n"]).unwrap_or("kind");
    match verb.as_slice() {
        ["create", "cluster"] => {
            let (planes, workers) = match flag(args, &["--config"]) {
                None => (1, 0),
                Some("-") => match stdin {
                    Some(text) => kind_config(text)?,
                    None => return Err("ERROR: failed to create cluster: --config -: nothing was piped in (the lab reads `curl -s https://k8spatterns.com/... | kind create cluster --config -` or a file the console has)\n".into()),
                },
                Some(file) => match console.files.get(file) {
                    Some(text) => kind_config(text)?,
                    None => return Err(format!("ERROR: failed to create cluster: error reading file: open {file}: no such file or directory\n")),
                },
            };
            let control_plane = format!("{name}-control-plane");
            if node_names(target).contains(&control_plane) {
                return Err(format!("ERROR: failed to create cluster: node(s) already exist for a cluster with the name \"{name}\"\n"));
            }
            let numbered = |base: String, i: u32| {
                if i == 0 {
                    base
                } else {
                    format!("{base}{}", i + 1)
                }
            };
            let mut nodes = Vec::new();
            for i in 0..planes {
                let mut n = NodeConfig::control_plane(&numbered(control_plane.clone(), i));
                // kind lets workloads onto the control plane when there is no worker.
                if workers == 0 {
                    n.taints.clear();
                }
                nodes.push(n);
            }
            for i in 0..workers {
                nodes.push(NodeConfig::new(&numbered(format!("{name}-worker"), i)));
            }
            let boxes = vec!["📦"; nodes.len()].join(" ");
            let mut text = format!(
                "Creating cluster \"{name}\" ...\n ✓ Ensuring node image (kindest/node:v1.33.1) 🖼\n ✓ Preparing nodes {boxes}\n ✓ Writing configuration 📜\n ✓ Starting control-plane 🕹️\n ✓ Installing CNI 🔌\n ✓ Installing StorageClass 💾\n"
            );
            if workers > 0 {
                text.push_str(" ✓ Joining worker nodes 🚜\n");
            }
            text.push_str(&format!("Set kubectl context to \"kind-{name}\"\nYou can now use your cluster with:\n\nkubectl cluster-info --context kind-{name}\n\nHave a nice day! 👋\n"));
            Ok((text, Some(nodes)))
        }
        ["delete", "cluster"] => {
            let prefix = format!("{name}-");
            let gone: Vec<String> = node_names(target)
                .into_iter()
                .filter(|n| n.starts_with(&prefix))
                .collect();
            let mut text = format!("Deleting cluster \"{name}\" ...\n");
            if gone.is_empty() {
                return Ok((text, None));
            }
            let quoted: Vec<String> = gone.iter().map(|n| format!("\"{n}\"")).collect();
            text.push_str(&format!("Deleted nodes: [{}]\n", quoted.join(" ")));
            Ok((text, Some(Vec::new())))
        }
        ["get", "clusters"] => {
            let here = node_names(target)
                .iter()
                .filter_map(|n| n.strip_suffix("-control-plane").map(str::to_string))
                .collect::<Vec<_>>();
            Ok((
                if here.is_empty() {
                    "No kind clusters found.\n".into()
                } else {
                    here.join("\n") + "\n"
                },
                None,
            ))
        }
        _ => Err(format!(
            "ERROR: unknown command \"{}\" for \"kind\" (the lab runs `kind create cluster [--name N] [--config FILE|-]`, `kind delete cluster` and `kind get clusters`)\n",
            verb.join(" ")
        )),
    }
}

/// A kind `Cluster` config: how many control-plane and worker nodes it lists.
fn kind_config(text: &str) -> Result<(u32, u32), String> {
    let bad = |why: String| Err(format!("ERROR: failed to create cluster: {why}\n"));
    let (docs, err) = crate::manifest::tree::parse_stream(text);
    if let Some(e) = err {
        return bad(format!(
            "unable to decode config: {}:{}: {}",
            e.pos.line, e.pos.col, e.message
        ));
    }
    let Some(root) = docs.into_iter().next().and_then(|d| d.root) else {
        return Ok((1, 0));
    };
    let field = |k: &str| root.get(k).and_then(|n| n.as_str());
    if field("kind") != Some("Cluster")
        || !field("apiVersion").is_some_and(|v| v.starts_with("kind.x-k8s.io/"))
    {
        return bad("unknown kind or apiVersion: a kind config is `kind: Cluster` of `apiVersion: kind.x-k8s.io/v1alpha4`".into());
    }
    let roles: Vec<Option<&str>> = match root.get("nodes").map(|n| &n.value) {
        Some(crate::manifest::tree::Value::Seq(items)) => items
            .iter()
            .map(|n| n.get("role").and_then(|r| r.as_str()))
            .collect(),
        _ => return Ok((1, 0)),
    };
    if roles.is_empty() {
        return Ok((1, 0));
    }
    let (mut planes, mut workers) = (0, 0);
    for (i, role) in roles.iter().enumerate() {
        match role {
            Some("control-plane") => planes += 1,
            Some("worker") => workers += 1,
            other => {
                return bad(format!(
                    "invalid configuration: nodes[{i}].role: {:?} is not control-plane or worker",
                    other.unwrap_or("")
                ))
            }
        }
    }
    if planes == 0 {
        return bad("invalid configuration: must have at least one control-plane node".into());
    }
    if planes + workers > 10 {
        return bad(format!(
            "{} nodes is more than the lab runs for kind (10)",
            planes + workers
        ));
    }
    Ok((planes, workers))
}

/// minikube: `start [--nodes N] [-p NAME] ...`, `delete`, `ip`, `service NAME --url`.
fn minikube(target: &mut dyn Target, args: &[String]) -> Result<Made, String> {
    let verb = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    let profile = flag(args, &["-p", "--profile"]).unwrap_or("minikube");
    let here = node_names(target).contains(&profile.to_string());
    match verb {
        Some("start") => {
            let nodes: u32 = match flag(args, &["--nodes", "-n"]) {
                None => 1,
                Some(n) => match n.parse() {
                    Ok(n) if (1..=10).contains(&n) => n,
                    _ => return Err(format!("❌  Exiting due to MK_USAGE: --nodes {n}: the lab runs 1 to 10 nodes\n")),
                },
            };
            let mut text = "😄  minikube v1.36.0 on Linux\n".to_string();
            if here {
                text.push_str(&format!("✨  Using the docker driver based on existing profile\n👍  Starting \"{profile}\" primary control-plane node in \"{profile}\" cluster\n🏃  Updating the running docker \"{profile}\" container ...\n🏄  Done! kubectl is now configured to use \"{profile}\" cluster and \"default\" namespace by default\n"));
                return Ok((text, None));
            }
            text.push_str(&format!("✨  Automatically selected the docker driver\n👍  Starting \"{profile}\" primary control-plane node in \"{profile}\" cluster\n🔥  Creating docker container (CPUs=2, Memory=4096MB) ...\n🐳  Preparing Kubernetes v1.33.1 on Docker 28.1.1 ...\n"));
            if let Some(mount) = flag(args, &["--mount-string"]) {
                text.push_str(&format!("📁  Creating mount {mount} ...\n"));
            }
            let mut list = Vec::new();
            for i in 0..nodes {
                if i == 0 {
                    let mut n = NodeConfig::control_plane(profile);
                    n.taints.clear();
                    list.push(n);
                } else {
                    let name = format!("{profile}-m{:02}", i + 1);
                    text.push_str(&format!(
                        "👍  Starting \"{name}\" worker node in \"{profile}\" cluster\n"
                    ));
                    list.push(NodeConfig::new(&name));
                }
            }
            text.push_str(&format!("🔎  Verifying Kubernetes components...\n🌟  Enabled addons: storage-provisioner, default-storageclass\n🏄  Done! kubectl is now configured to use \"{profile}\" cluster and \"default\" namespace by default\n"));
            Ok((text, Some(list)))
        }
        Some("delete") => {
            let mut text = format!("🔥  Deleting \"{profile}\" in docker ...\n");
            if !here {
                text = format!("🙄  \"{profile}\" profile does not exist, trying anyways.\n");
            }
            text.push_str(&format!("💀  Removed all traces of the \"{profile}\" cluster.\n"));
            Ok((text, here.then(Vec::new)))
        }
        Some("ip") => Ok((format!("{}\n", first_node_ip(target)?), None)),
        Some("service") => {
            let name = args
                .iter()
                .filter(|a| !a.starts_with('-'))
                .nth(1)
                .ok_or("❌  Exiting due to MK_USAGE: You must specify a service name\n")?;
            let ns = flag(args, &["-n", "--namespace"]).unwrap_or("default");
            if !args.iter().any(|a| a == "--url") {
                return Err(format!("❌  Exiting due to HOST_BROWSER: the lab has no browser to open: run `minikube service {name} --url` and `curl` the URL\n"));
            }
            let Some(svc) = target.sim().cluster().get::<Service>(ns, name) else {
                return Err(format!("❌  Exiting due to SVC_NOT_FOUND: Service '{name}' was not found in '{ns}' namespace.\nYou may select another namespace by using 'minikube service {name} -n <namespace>'. Or list out all the services using 'minikube service list'\n"));
            };
            let ports: Vec<i32> = svc.spec.ports.iter().filter_map(|p| p.node_port).collect();
            if ports.is_empty() {
                return Err(format!(
                    "😿  service {ns}/{name} has no node port\n"
                ));
            }
            let ip = first_node_ip(target)?;
            let urls: Vec<String> = ports.iter().map(|p| format!("http://{ip}:{p}\n")).collect();
            Ok((urls.concat(), None))
        }
        other => Err(format!(
            "Error: unknown command \"{}\" for \"minikube\" (the lab runs `minikube start [--nodes N]`, `minikube delete`, `minikube ip` and `minikube service NAME --url`)\n",
            other.unwrap_or("")
        )),
    }
}

fn first_node_ip(target: &dyn Target) -> Result<String, String> {
    target
        .sim()
        .cluster()
        .list::<Node>()
        .find_map(|n| n.internal_ip().map(str::to_string))
        .ok_or_else(|| "🤷  The control-plane node minikube host is not running: state=Stopped\n👉  To start a cluster, run: \"minikube start\"\n".to_string())
}

/// `curl [-s] URL` on the host, and `| jq .` after it.
pub fn curl(target: &mut dyn Target, words: &[String], jq: bool) -> Output {
    let url = words
        .iter()
        .skip(1)
        .find(|w| !w.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    if url.is_empty() {
        return Output::err("curl: try 'curl --help' or 'curl --manual' for more information\n");
    }
    match target.apply(Command::HostRequest { url }) {
        Ok(Outcome::Response(r)) if r.ok => {
            let body = if jq {
                super::cmdutil::jq(&r.body)
            } else {
                r.body
            };
            Output::ok(if body.ends_with('\n') {
                body
            } else {
                format!("{body}\n")
            })
        }
        Ok(Outcome::Response(r)) => Output::err(format!("{}\n", r.body)),
        Ok(_) => Output::ok(""),
        Err(e) => Output::err(format!("curl: {e}\n")),
    }
}
