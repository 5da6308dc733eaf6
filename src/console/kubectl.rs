//! `kubectl`: reads the verb and hands the rest of the line to the verb's module. Verbs live
//! one module each (or one per small family); what they share is in `cmdutil`.

use super::cmdutil::Ran;
use super::{
    apply, delete, describe, dig, edit, exec, get, label, logs, node, rollout, run, scale, set,
    wait, watch,
};
use super::{Console, Output, Target};

const VERBS: &[&str] = &[
    "annotate", "apply", "cordon", "create", "delete", "describe", "drain", "edit", "exec", "get",
    "label", "help", "logs", "patch", "replace", "rollout", "run", "scale", "set", "taint",
    "uncordon", "wait",
];

pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let Some((verb, rest)) = words.split_first() else {
        return Output::err(
            "kubectl controls the Kubernetes cluster manager.\n\nerror: a command is required, for example: kubectl get pods\n",
        );
    };
    match verb.as_str() {
        "help" | "--help" | "-h" => Output::ok(HELP),
        "get" if watches(rest) => {
            let (out, w) = watch::get(console, target, &line_of(words), rest);
            if w.is_some() {
                *console.watch.borrow_mut() = w;
            }
            out
        }
        "get" => get::run(console, target, rest),
        "apply" => apply::run(console, target, rest),
        "create" => apply::create(console, target, rest),
        "patch" => apply::patch(console, target, rest),
        "replace" => apply::replace(console, target, rest),
        "edit" => edit::run(console, target, rest),
        "delete" => delete::run(console, target, rest),
        "scale" => scale::run(console, target, rest),
        "set" => set::run(console, target, rest),
        "run" => run::run(console, target, rest),
        "wait" => match wait::run(console, target, rest) {
            Ran::Done(o) => o,
            Ran::Waiting(w) => {
                watch::until(console, target, &line_of(words), watch::Until::Wait(w))
            }
        },
        "cordon" | "uncordon" => node::cordon(target, verb == "cordon", rest),
        "drain" => node::drain(target, rest),
        "taint" => node::taint(target, rest),
        "label" => label::label(console, target, rest),
        "describe" => describe::run(console, target, rest),
        "annotate" => label::annotate(console, target, rest),
        "rollout" => match rollout::run(console, target, rest) {
            Ran::Done(o) => o,
            Ran::Waiting(w) => {
                watch::until(console, target, &line_of(words), watch::Until::Rollout(w))
            }
        },
        // A container's `dig` is the console's own; exec gets it from here, as verbs do not
        // import each other.
        "exec" => exec::run(console, target, rest, dig::run),
        "logs" => logs::run(console, target, rest),
        v if v.starts_with('-') => Output::err(format!(
            "error: unknown flag: {v}\nSee 'kubectl --help' for usage.\n"
        )),
        other => unknown_command(other),
    }
}

/// The command line an open watch or wait is labelled with.
fn line_of(words: &[String]) -> String {
    format!("kubectl {}", words.join(" "))
}

/// Whether `get` words ask for a watch (`-w`, `--watch`, `--watch-only`).
fn watches(words: &[String]) -> bool {
    super::cmdutil::flags("get", words, get::FLAGS)
        .is_ok_and(|a| a.on("watch") || a.on("watch-only"))
}

/// kubectl's top-level help, in its groups and words, listing only the commands this console
/// runs.
const HELP: &str = "\
kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  get             Display one or many resources
  edit            Edit a resource on the server
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller

Cluster Management Commands:
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance
  taint           Update the taints on one or more nodes

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin
  wait            Experimental: Wait for a specific condition on one or many resources
  replace         Replace a resource by file name or stdin
  patch           Update fields of a resource

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Usage:
  kubectl [flags] [options]

This console runs the commands above (see `lab help` for the lab's own). Files are the
editor's: `kubectl apply -f` names the file shown above the editor.
";

/// cobra's text for an unknown sub-command, with its suggestion.
fn unknown_command(name: &str) -> Output {
    let mut text = format!("error: unknown command \"{name}\" for \"kubectl\"\n");
    let mut near: Vec<&str> = VERBS
        .iter()
        .copied()
        .filter(|v| levenshtein(v, name) <= 2 || (name.len() > 1 && v.starts_with(name)))
        .collect();
    crate::sort::sort(&mut near);
    if !near.is_empty() {
        text.push_str("\nDid you mean this?\n");
        for v in near {
            text.push_str(&format!("\t{v}\n"));
        }
    }
    Output::err(text)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}
