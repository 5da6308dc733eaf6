//! The node verbs: `kubectl cordon`, `uncordon`, `taint` and `drain`.

use crate::model::{Kind, Taint};
use crate::sim::{Command, Outcome};

use super::args::flag;
use super::cmdutil::{flags, outcome_line};
use super::{sim_error_text, Output, Target};

/// `kubectl cordon NODE` and `kubectl uncordon NODE`.
pub fn cordon(target: &mut dyn Target, cordon: bool, words: &[String]) -> Output {
    let verb = if cordon { "cordon" } else { "uncordon" };
    let args = match flags(verb, words, &[flag("selector", Some('l'), true)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let mut nodes: Vec<String> = args.positional.clone();
    if let Some(sel) = args.value("selector") {
        let sel = match crate::model::Selector::parse(sel) {
            Ok(s) => s,
            Err(e) => return Output::err(format!("error: {e}\n")),
        };
        nodes.extend(
            target
                .sim()
                .cluster()
                .list::<crate::model::Node>()
                .filter(|n| sel.matches(&n.metadata.labels))
                .map(|n| n.metadata.name.to_string()),
        );
    } else if nodes.is_empty() {
        return Output::err(format!(
            "error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples\n"
        ));
    }
    // kubectl reads every node first (the resource builder stops at the first error), so a
    // missing node leaves the others as they were.
    let mut before = Vec::new();
    for node in &nodes {
        match target.sim().cluster().get::<crate::model::Node>("", node) {
            Some(n) => before.push(n.spec.unschedulable),
            None => {
                return Output::err(format!(
                    "Error from server (NotFound): nodes \"{node}\" not found\n"
                ))
            }
        }
    }
    let mut text = String::new();
    for (node, was) in nodes.iter().zip(before) {
        if was == cordon {
            text.push_str(&format!("node/{node} already {verb}ed\n"));
            continue;
        }
        let cmd = if cordon {
            Command::Cordon { node: node.clone() }
        } else {
            Command::Uncordon { node: node.clone() }
        };
        match target.apply(cmd) {
            Ok(_) => text.push_str(&format!("node/{node} {verb}ed\n")),
            Err(e) => {
                text.push_str(&sim_error_text(&e));
                return Output::err(text);
            }
        }
    }
    Output::ok(text)
}

/// `kubectl taint nodes NODE KEY[=VALUE]:EFFECT...`; `KEY[:EFFECT]-` removes.
pub fn taint(target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("taint", words, &[flag("overwrite", None, false)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let pos = &args.positional;
    let node = match pos.as_slice() {
        [kind, node, _, ..] if Kind::from_resource_name(kind) == Some(Kind::Node) => node,
        [kind, ..] if kind.contains('/') => kind.split_once('/').map(|x| x.1).unwrap_or(""),
        _ => {
            return Output::err(
                "error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples\n",
            )
        }
    };
    let specs: &[String] = if pos[0].contains('/') {
        &pos[1..]
    } else {
        &pos[2..]
    };
    if specs.is_empty() {
        return Output::err("error: at least one taint update is required\n");
    }
    if target
        .sim()
        .cluster()
        .get::<crate::model::Node>("", node)
        .is_none()
    {
        return Output::err(format!(
            "Error from server (NotFound): nodes \"{node}\" not found\n"
        ));
    }
    let mut cmds = Vec::new();
    for spec in specs {
        if let Some(removal) = spec.strip_suffix('-') {
            let (key, effect) = match removal.split_once(':') {
                Some((k, e)) => (k, Some(e.to_string())),
                None => (removal, None),
            };
            let key = key.split('=').next().unwrap_or(key).to_string();
            cmds.push(Command::Untaint {
                node: node.to_string(),
                key,
                effect,
            });
        } else {
            match Taint::parse(spec) {
                Ok(t) => cmds.push(Command::Taint {
                    node: node.to_string(),
                    taint: t,
                }),
                Err(e) => return Output::err(format!("error: {e}\n")),
            }
        }
    }
    for c in cmds {
        if let Err(e) = target.apply(c) {
            return Output::err(sim_error_text(&e));
        }
    }
    Output::ok(format!("node/{node} tainted\n"))
}

/// `kubectl drain NODE`: the lines it prints at once. The rest print as simulated time runs on
/// (ref §6.3); consoles read them from `Sim::client_output`.
pub fn drain(target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags(
        "drain",
        words,
        &[
            flag("ignore-daemonsets", None, false),
            flag("delete-emptydir-data", None, false),
            flag("force", None, false),
            flag("grace-period", None, true),
            flag("timeout", None, true),
            flag("disable-eviction", None, false),
            flag("pod-selector", None, true),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let [node] = args.positional.as_slice() else {
        return Output::err(
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n",
        );
    };
    let grace = match args.value("grace-period") {
        None => None,
        Some(g) => match super::cmdutil::int_flag("grace-period", g, "drain", 64) {
            Ok(v) if v < 0 => None,
            Ok(v) => Some(v),
            Err(o) => return o,
        },
    };
    let timeout_ms = match args.value("timeout") {
        None => 0,
        Some(t) => match crate::model::parse_duration(t) {
            Some(ms) => ms,
            None => {
                return Output::err(format!(
                    "error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl drain --help' for usage.\n"
                ))
            }
        },
    };
    let options = crate::sim::drain::DrainOptions {
        ignore_daemonsets: args.on("ignore-daemonsets"),
        delete_emptydir_data: args.on("delete-emptydir-data"),
        force: args.on("force"),
        grace_period_seconds: grace,
        timeout_ms,
        disable_eviction: args.on("disable-eviction"),
        pod_selector: args.value("pod-selector").map(str::to_string),
    };
    let before = target.sim().client_output().len();
    let result = target.apply(Command::Drain {
        node: node.clone(),
        options,
    });
    let printed: String = target.sim().client_output()[before..]
        .iter()
        .map(|l| format!("{}\n", l.text))
        .collect();
    match result {
        Ok(Outcome::Client { ok }) => Output { text: printed, ok },
        Ok(other) => Output::ok(format!("{printed}{}", outcome_line(&other))),
        Err(e) => Output::err(format!("{printed}{}", sim_error_text(&e))),
    }
}
