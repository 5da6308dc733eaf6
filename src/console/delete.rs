//! `kubectl delete`: grace period, force and cascade as kubectl reads them.

use crate::model::{Kind, Selector};
use crate::sim::{ApiError, Command, DeleteOptions, Propagation, SimError};

use super::args::flag;
use super::cmdutil::{flags, namespace, resource_args, selected_names};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl delete TYPE NAME...` (or `-l`, `--all`).
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags(
        "delete",
        words,
        &[
            flag("grace-period", None, true),
            flag("force", None, false),
            flag("cascade", None, true),
            flag("selector", Some('l'), true),
            flag("all", None, false),
            flag("wait", None, false),
            flag("now", None, false),
            flag("filename", Some('f'), true),
            flag("ignore-not-found", None, false),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let force = args.on("force");
    let mut grace: Option<i64> = match args.value("grace-period") {
        Some(g) => match super::cmdutil::int_flag("grace-period", g, "delete", 64) {
            Ok(v) => Some(v),
            Err(o) => return o,
        },
        None => None,
    };
    if args.on("now") {
        grace = Some(1);
    }
    let mut text = String::new();
    // ref §2.5 (3): kubectl's grace-period and force rules [KDEL].
    if force && grace.is_some_and(|g| g != 0) {
        text.push_str("warning: --force is ignored because --grace-period is not 0.\n");
    }
    let immediate = force && grace.is_none_or(|g| g == 0);
    if grace == Some(0) && !force {
        // Without --force, grace 0 means "as soon as possible": 1 s.
        grace = Some(1);
    }
    if immediate {
        text.push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let propagation = match args.value("cascade").unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "orphan" | "false" => Propagation::Orphan,
        "foreground" => Propagation::Foreground,
        other => {
            return Output::err(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"\n"
            ))
        }
    };
    let files: Vec<&String> = args.flags.get("filename").into_iter().flatten().collect();
    let ignore_missing = args.on("ignore-not-found") || args.on("all");
    if !files.is_empty() {
        if !args.positional.is_empty() {
            return Output::err("error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n");
        }
        let read = super::cmdutil::read_files(console, &files, args.value("namespace"), "delete");
        let (manifests, sources, warnings) = match read {
            Ok(r) => r,
            Err(o) => return o,
        };
        text.push_str(&warnings);
        let mut ok = true;
        for (m, source) in manifests.into_iter().zip(sources) {
            let obj = m.object.into_object();
            let kind = obj.kind();
            let (namespace, name) = (
                obj.meta().namespace.to_string(),
                obj.meta().name.to_string(),
            );
            let options = DeleteOptions {
                grace_period_seconds: if immediate { Some(0) } else { grace },
                propagation,
            };
            let r = target.apply(Command::Delete {
                kind,
                namespace,
                name: name.clone(),
                options,
            });
            match r {
                Ok(_) => text.push_str(&deleted_line(kind, &name, immediate)),
                Err(SimError::Api(ApiError::NotFound { .. })) if ignore_missing => {}
                Err(e) => {
                    ok = false;
                    text.push_str(&super::cmdutil::api_error_text(&e, "deleting", source));
                }
            }
        }
        return Output { text, ok };
    }
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    if requests.is_empty() {
        return Output::err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
    }
    let selector = match args.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Output::err(format!("error: {e}\n")),
    };
    let mut ok = true;
    for (kind, names) in requests {
        let names: Vec<String> = if names.is_empty() {
            if selector.is_none() && !args.on("all") {
                return Output::err(
                    "error: resource(s) were provided, but no name was specified\n",
                );
            }
            selected_names(target.sim(), kind, &ns, selector.as_ref())
        } else {
            names
        };
        if names.is_empty() {
            text.push_str(&format!("No resources found in {ns} namespace.\n"));
            continue;
        }
        for name in names {
            let options = DeleteOptions {
                grace_period_seconds: if immediate { Some(0) } else { grace },
                propagation,
            };
            match target.apply(Command::Delete {
                kind,
                namespace: ns.clone(),
                name: name.clone(),
                options,
            }) {
                Ok(_) => text.push_str(&deleted_line(kind, &name, immediate)),
                Err(SimError::Api(ApiError::NotFound { .. })) if ignore_missing => {}
                Err(e) => {
                    ok = false;
                    text.push_str(&sim_error_text(&e));
                }
            }
        }
    }
    Output { text, ok }
}

/// `configmap "cfg" deleted` (`force deleted` without waiting), the resource in its group.
fn deleted_line(kind: Kind, name: &str, immediate: bool) -> String {
    let res = kind.name().to_ascii_lowercase();
    let res = match kind.group() {
        "" => res,
        g => format!("{res}.{g}"),
    };
    let how = if immediate {
        "force deleted"
    } else {
        "deleted"
    };
    format!("{res} \"{name}\" {how}\n")
}
