//! `kubectl`: verbs, flags and output as the real kubectl prints them.

use crate::model::{Kind, Object, Selector, Taint};
use crate::sim::{Command, DeleteOptions, Outcome, Propagation};

use super::args::{flag, parse_flags, Args, FlagSpec};
use super::get::{self, qualified_name, Columns};
use super::{sim_error_text, Console, Output, Target};

const VERBS: &[&str] = &[
    "annotate", "apply", "cordon", "delete", "describe", "drain", "exec", "get", "label", "logs",
    "rollout", "scale", "taint", "uncordon",
];

const COMMON: &[FlagSpec] = &[flag("namespace", Some('n'), true)];

pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let Some((verb, rest)) = words.split_first() else {
        return Output::err(
            "kubectl controls the Kubernetes cluster manager.\n\nerror: a command is required, for example: kubectl get pods\n",
        );
    };
    match verb.as_str() {
        "get" => cmd_get(console, target, rest),
        "apply" => super::apply::run(console, target, rest),
        "delete" => cmd_delete(console, target, rest),
        "scale" => cmd_scale(console, target, rest),
        "cordon" | "uncordon" => cmd_cordon(target, verb == "cordon", rest),
        "drain" => cmd_drain(target, rest),
        "taint" => cmd_taint(target, rest),
        "label" => cmd_label(console, target, rest),
        "describe" => cmd_describe(console, target, rest),
        "annotate" => cmd_annotate(console, target, rest),
        "rollout" => cmd_rollout(console, target, rest),
        "exec" => cmd_exec(console, target, rest),
        "logs" => super::logs::run(console, target, rest),
        v if v.starts_with('-') => Output::err(format!(
            "error: unknown flag: {v}\nSee 'kubectl --help' for usage.\n"
        )),
        other => unknown_command(other),
    }
}

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

pub(super) fn flags(verb: &str, words: &[String], specs: &[FlagSpec]) -> Result<Args, Output> {
    let mut all: Vec<FlagSpec> = COMMON.to_vec();
    all.extend_from_slice(specs);
    parse_flags(words, &all).map_err(|e| {
        Output::err(format!(
            "error: {e}\nSee 'kubectl {verb} --help' for usage.\n"
        ))
    })
}

fn namespace<'a>(console: &'a Console, args: &'a Args) -> &'a str {
    args.value("namespace").unwrap_or(&console.namespace)
}

/// Resolves a resource name (`pods`, `po`, `deployment.apps`) or says it does not exist as
/// kubectl does.
pub fn resolve_kind(word: &str) -> Result<Kind, Output> {
    Kind::from_resource_name(word).ok_or_else(|| {
        Output::err(format!(
            "error: the server doesn't have a resource type \"{word}\"\n"
        ))
    })
}

/// The (kind, names) requests of `get`/`delete`-style arguments: `pods a b`, `pod/a svc/b`,
/// `pods,svc`.
fn resource_args(positional: &[String]) -> Result<Vec<(Kind, Vec<String>)>, Output> {
    let Some(first) = positional.first() else {
        return Ok(Vec::new());
    };
    if first.contains('/') {
        let mut out: Vec<(Kind, Vec<String>)> = Vec::new();
        for p in positional {
            let Some((k, n)) = p.split_once('/') else {
                return Err(Output::err(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n"
                ));
            };
            let kind = resolve_kind(k)?;
            match out.iter_mut().find(|(kk, _)| *kk == kind) {
                Some((_, names)) => names.push(n.to_string()),
                None => out.push((kind, vec![n.to_string()])),
            }
        }
        return Ok(out);
    }
    let mut kinds: Vec<Kind> = Vec::new();
    for word in first.split(',') {
        if word == "all" {
            // The "all" category, in kubectl's order, of the kinds podlab simulates.
            kinds.extend([
                Kind::Pod,
                Kind::Service,
                Kind::Deployment,
                Kind::ReplicaSet,
                Kind::StatefulSet,
            ]);
        } else {
            kinds.push(resolve_kind(word)?);
        }
    }
    let names: Vec<String> = positional[1..].to_vec();
    if kinds.len() > 1 && !names.is_empty() {
        return Err(Output::err(
            "error: arguments in resource/name form must have a single resource and name\n",
        ));
    }
    Ok(kinds.into_iter().map(|k| (k, names.clone())).collect())
}

fn cmd_get(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags(
        "get",
        words,
        &[
            flag("all-namespaces", Some('A'), false),
            flag("output", Some('o'), true),
            flag("selector", Some('l'), true),
            flag("show-labels", None, false),
            flag("sort-by", None, true),
            flag("no-headers", None, false),
            flag("watch", Some('w'), false),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    if args.on("watch") {
        return Output::err(
            "error: --watch streams changes as they happen, which this console does not do: play the timeline (Space) or step to the next change (Right arrow), then run the command again\n",
        );
    }
    if args.positional.is_empty() {
        return Output::err(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n",
        );
    }
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let all_ns = args.on("all-namespaces");
    let ns = namespace(console, &args).to_string();
    let selector = match args.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Output::err(format!("error: {e}\n")),
    };
    let output = args.value("output").unwrap_or("");
    let cols = Columns {
        wide: output == "wide",
        all_namespaces: all_ns,
        show_labels: args.on("show-labels"),
    };
    let sim = target.sim();
    let now = sim.now();
    let mut text = String::new();
    let mut errors = String::new();
    let mut found_any = false;
    let multi = requests.len() > 1;
    let mut listed: Vec<&Object> = Vec::new();
    for (kind, names) in &requests {
        let mut objects: Vec<&Object> = Vec::new();
        if names.is_empty() {
            objects.extend(sim.cluster().list_kind(*kind).filter(|o| {
                let m = o.meta();
                (all_ns || !kind.namespaced() || m.namespace == ns)
                    && selector.as_ref().is_none_or(|s| s.matches(&m.labels))
            }));
        } else {
            for n in names {
                let r = crate::model::ObjectRef::new(*kind, &ns, n);
                match sim.cluster().get_object(&r) {
                    Some(o) => objects.push(o),
                    None => errors.push_str(&format!(
                        "Error from server (NotFound): {} \"{n}\" not found\n",
                        kind.qualified_resource()
                    )),
                }
            }
        }
        if let Some(path) = args.value("sort-by") {
            if let Err(e) = super::jsonpath::sort_by(&mut objects, path) {
                return Output::err(format!("error: {e}\n"));
            }
        }
        if objects.is_empty() {
            continue;
        }
        found_any = true;
        match output {
            "" | "wide" => {
                if multi && !text.is_empty() {
                    text.push('\n');
                }
                let mut t = get::table(*kind, &objects, cols, now);
                if multi {
                    // Several kinds: names carry their type, as in `kubectl get pods,svc`.
                    let name_col = usize::from(cols.all_namespaces && kind.namespaced());
                    for (row, o) in t.rows.iter_mut().zip(&objects) {
                        row[name_col] = qualified_name(*kind, &o.meta().name);
                    }
                }
                text.push_str(&t.render(!args.on("no-headers")));
            }
            "name" => {
                for o in &objects {
                    text.push_str(&qualified_name(*kind, &o.meta().name));
                    text.push('\n');
                }
            }
            _ => listed.extend(objects),
        }
    }
    match output {
        "" | "wide" | "name" => {}
        "yaml" | "json" => {
            let single = requests.len() == 1 && requests[0].1.len() == 1 && listed.len() == 1;
            let printed = if single {
                super::print::object(listed[0], output == "json")
            } else {
                super::print::list(&listed, output == "json")
            };
            text.push_str(&printed);
            found_any = true;
        }
        o if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {
            let expr = o.split_once('=').map(|x| x.1).unwrap_or("");
            let single = requests.len() == 1 && requests[0].1.len() == 1 && listed.len() == 1;
            match super::jsonpath::render(expr, &listed, single) {
                Ok(s) => text.push_str(&s),
                Err(e) => return Output::err(format!("error: {e}\n")),
            }
            found_any = true;
        }
        other => {
            return Output::err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,jsonpath,jsonpath-as-json,jsonpath-file,name,wide,yaml\n"
            ))
        }
    }
    if !found_any && errors.is_empty() {
        let scoped = requests.iter().all(|(k, _)| k.namespaced());
        return Output::ok(if all_ns || !scoped {
            "No resources found\n".to_string()
        } else {
            format!("No resources found in {ns} namespace.\n")
        });
    }
    text.push_str(&errors);
    Output {
        text,
        ok: errors.is_empty(),
    }
}

fn cmd_delete(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
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
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let force = args.on("force");
    let mut grace: Option<i64> = match args.value("grace-period") {
        Some(g) => match g.parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                return Output::err(format!(
                    "error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax\n"
                ))
            }
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
                Ok(_) => {
                    let res = kind.name().to_ascii_lowercase();
                    let res = match kind.group() {
                        "" => res,
                        g => format!("{res}.{g}"),
                    };
                    text.push_str(&format!(
                        "{res} \"{name}\" {}\n",
                        if immediate {
                            "force deleted"
                        } else {
                            "deleted"
                        }
                    ));
                }
                Err(e) => {
                    ok = false;
                    text.push_str(&sim_error_text(&e));
                }
            }
        }
    }
    Output { text, ok }
}

fn cmd_scale(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("scale", words, &[flag("replicas", None, true)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let Some(replicas) = args.value("replicas") else {
        return Output::err("error: required flag(s) \"replicas\" not set\n");
    };
    let Ok(replicas) = replicas.parse::<i32>() else {
        return Output::err(format!(
            "error: invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax\n"
        ));
    };
    if replicas < 0 {
        return Output::err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n");
    }
    let ns = namespace(console, &args).to_string();
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let mut text = String::new();
    let mut ok = true;
    for (kind, names) in requests {
        if !matches!(
            kind,
            Kind::ReplicaSet | Kind::Deployment | Kind::StatefulSet
        ) {
            return Output::err(format!(
                "error: no objects passed to scale {} is not scalable\n",
                kind.qualified_resource()
            ));
        }
        for name in names {
            match target.apply(Command::Scale {
                kind,
                namespace: ns.clone(),
                name: name.clone(),
                replicas,
            }) {
                Ok(_) => text.push_str(&format!("{} scaled\n", qualified_name(kind, &name))),
                Err(e) => {
                    ok = false;
                    text.push_str(&sim_error_text(&e));
                }
            }
        }
    }
    if text.is_empty() {
        return Output::err("error: resource(s) were provided, but no name was specified\n");
    }
    Output { text, ok }
}

fn cmd_cordon(target: &mut dyn Target, cordon: bool, words: &[String]) -> Output {
    let verb = if cordon { "cordon" } else { "uncordon" };
    let args = match flags(verb, words, &[]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let [node] = args.positional.as_slice() else {
        return Output::err(format!(
            "error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples\n"
        ));
    };
    let before = target
        .sim()
        .cluster()
        .get::<crate::model::Node>("", node)
        .map(|n| n.spec.unschedulable);
    let Some(before) = before else {
        return Output::err(format!(
            "Error from server (NotFound): nodes \"{node}\" not found\n"
        ));
    };
    if before == cordon {
        return Output::ok(format!("node/{node} already {verb}ed\n"));
    }
    let cmd = if cordon {
        Command::Cordon { node: node.clone() }
    } else {
        Command::Uncordon { node: node.clone() }
    };
    match target.apply(cmd) {
        Ok(_) => Output::ok(format!("node/{node} {verb}ed\n")),
        Err(e) => Output::err(sim_error_text(&e)),
    }
}

fn cmd_taint(target: &mut dyn Target, words: &[String]) -> Output {
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

fn cmd_label(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("label", words, &[flag("overwrite", None, false)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let (kind, name, changes, obj) = match update_target(target, &ns, &args.positional, "label") {
        Ok(t) => t,
        Err(o) => return o,
    };
    let labels = obj.meta().labels.clone();
    let mut cmds = Vec::new();
    for c in changes {
        if let Some(key) = c.strip_suffix('-') {
            cmds.push((key.to_string(), None));
        } else if let Some((k, v)) = c.split_once('=') {
            if labels.get(k).is_some_and(|old| old != v) && !args.on("overwrite") {
                return Output::err(format!(
                    "error: '{k}' already has a value ({}), and --overwrite is false\n",
                    labels[k]
                ));
            }
            cmds.push((k.to_string(), Some(v.to_string())));
        } else {
            return Output::err(format!("error: invalid label spec: {c}\n"));
        }
    }
    let mut changed = false;
    for (key, value) in cmds {
        if labels.get(&key) == value.as_ref() {
            continue;
        }
        changed = true;
        if let Err(e) = target.apply(Command::Label {
            kind,
            namespace: ns.clone(),
            name: name.clone(),
            key,
            value,
        }) {
            return Output::err(sim_error_text(&e));
        }
    }
    let what = if changed { "labeled" } else { "not labeled" };
    Output::ok(format!("{} {what}\n", qualified_name(kind, &name)))
}

/// Reports an outcome the way apply-like commands do (`deployment.apps/web created`).
pub fn outcome_line(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Created(r) => format!("{} created\n", qualified_name(r.kind, &r.name)),
        Outcome::Configured(r) => format!("{} configured\n", qualified_name(r.kind, &r.name)),
        Outcome::Unchanged(r) => format!("{} unchanged\n", qualified_name(r.kind, &r.name)),
        Outcome::Deleted { object, .. } => {
            format!("{} deleted\n", qualified_name(object.kind, &object.name))
        }
        Outcome::Scaled(r) => format!("{} scaled\n", qualified_name(r.kind, &r.name)),
        Outcome::Done(s) => format!("{s}\n"),
        Outcome::Response(r) => format!("{}\n", r.body),
        Outcome::Exec(r) => format!("{}{}", r.stdout, r.stderr),
        Outcome::Client { .. } => String::new(),
    }
}

/// `kubectl drain NODE`: the lines it prints at once. The rest print as simulated time runs on
/// (ref §6.3); consoles read them from `Sim::client_output`.
fn cmd_drain(target: &mut dyn Target, words: &[String]) -> Output {
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
        Some(g) => match g.parse::<i64>() {
            Ok(v) if v < 0 => None,
            Ok(v) => Some(v),
            Err(_) => {
                return Output::err(format!(
                    "error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax\nSee 'kubectl drain --help' for usage.\n"
                ))
            }
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

fn cmd_describe(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("describe", words, &[flag("selector", Some('l'), true)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    if args.positional.is_empty() {
        return Output::err("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
    }
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    let selector = match args.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Output::err(format!("error: {e}\n")),
    };
    let sim = target.sim();
    let mut text = String::new();
    let mut ok = true;
    for (kind, names) in requests {
        let names: Vec<String> = if names.is_empty() {
            selected_names(sim, kind, &ns, selector.as_ref())
        } else {
            names
        };
        for name in names {
            // kubectl separates several descriptions with a blank line.
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            match super::describe::describe(sim, kind, &ns, &name) {
                Ok(t) => text.push_str(&t),
                Err(e) => {
                    ok = false;
                    text.push_str(&e);
                }
            }
        }
    }
    if text.is_empty() {
        return Output::ok(format!("No resources found in {ns} namespace.\n"));
    }
    Output { text, ok }
}

/// `kubectl exec POD -- CMD`: the lab's containers answer `dig`, `curl` and `cat` of a mounted
/// volume's files; the request travels from the pod's node, so a cut-off node cannot be reached.
fn cmd_exec(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
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
            match super::logs::pod_for_resource(target, &ns, &pod_name, 0, &mut note) {
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
        "dig" => super::dig::run(sim, &command[1..]),
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

fn exec_cat(
    sim: &crate::sim::Sim,
    pod: &crate::model::Pod,
    container: &str,
    words: &[String],
) -> Output {
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

/// `kubectl annotate TYPE NAME k=v [k2-]`: a replace with the object's resourceVersion, so a
/// concurrent change gives the API server's 409 instead of being overwritten.
fn cmd_annotate(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("annotate", words, &[flag("overwrite", None, false)]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let (kind, name, changes, obj) =
        match update_target(target, &ns, &args.positional, "annotation") {
            Ok(t) => t,
            Err(o) => return o,
        };
    let mut updated = obj.clone();
    let before = obj.meta().annotations.clone();
    for c in changes {
        let annotations = &mut updated.meta_mut().annotations;
        if let Some(key) = c.strip_suffix('-') {
            annotations.remove(key);
        } else if let Some((k, v)) = c.split_once('=') {
            if before.get(k).is_some_and(|old| old != v) && !args.on("overwrite") {
                return Output::err(format!(
                    "error: --overwrite is false but found the following declared annotation(s): '{k}' already has a value ({})\n",
                    before[k]
                ));
            }
            annotations.insert(k.to_string(), v.to_string());
        } else {
            return Output::err(format!("error: invalid annotation spec: {c}\n"));
        }
    }
    if updated.meta().annotations == before {
        return Output::ok(format!("{} not annotated\n", qualified_name(kind, &name)));
    }
    match target.apply(Command::Replace(updated)) {
        Ok(_) => Output::ok(format!("{} annotated\n", qualified_name(kind, &name))),
        Err(e) => Output::err(sim_error_text(&e)),
    }
}

/// `kubectl rollout status|history|undo deployment/NAME`.
fn cmd_rollout(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let Some((sub, rest)) = words.split_first() else {
        return Output::err("error: a subcommand is required: history, pause, restart, resume, status or undo\nSee 'kubectl rollout -h' for help and examples\n");
    };
    let args = match flags(
        &format!("rollout {sub}"),
        rest,
        &[
            flag("revision", None, true),
            flag("to-revision", None, true),
            flag("timeout", None, true),
            flag("watch", Some('w'), false),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let requests = match resource_args(&args.positional) {
        Ok(r) => r,
        Err(o) => return o,
    };
    if matches!(sub.as_str(), "restart" | "pause" | "resume") {
        return rollout_patch_all(target, &ns, &requests, sub);
    }
    let Some((kind, names)) = requests.first() else {
        return Output::err("error: required resource not specified\n");
    };
    let Some(name) = names.first() else {
        return Output::err("error: required resource not specified\n");
    };
    let kind = *kind;
    // kubectl reads the object first: a missing one is NotFound whatever the kind.
    let r = crate::model::ObjectRef::new(kind, if kind.namespaced() { &ns } else { "" }, name);
    if target.sim().cluster().get_object(&r).is_none() {
        return Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    }
    // kubectl names the kind as a GroupKind: `ReplicaSet.apps`, `Pod`.
    let group_kind = match kind.group() {
        "" => kind.name().to_string(),
        g => format!("{}.{g}", kind.name()),
    };
    let no_revisions = || {
        // kubectl reads StatefulSet revisions from ControllerRevisions, which the StatefulSet
        // controller writes; podlab has neither yet.
        Output::err(format!(
            "error: podlab keeps no revisions of {} yet (no StatefulSet controller)\n",
            qualified_name(kind, name)
        ))
    };
    match (sub.as_str(), kind) {
        ("status", Kind::Deployment | Kind::StatefulSet) => {}
        ("status", _) => {
            return Output::err(format!(
                "error: no status viewer has been implemented for {group_kind}\n"
            ))
        }
        ("history" | "undo", Kind::Deployment) => {}
        ("history" | "undo", Kind::StatefulSet) => return no_revisions(),
        ("history", _) => {
            return Output::err(format!(
                "error: no history viewer has been implemented for \"{group_kind}\"\n"
            ))
        }
        ("undo", _) => {
            return Output::err(format!(
                "error: no rollbacker has been implemented for \"{group_kind}\"\n"
            ))
        }
        _ => {}
    }
    let int_flag = |f: &str| -> Result<Option<i64>, Output> {
        args.value(f)
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    Output::err(format!(
                        "error: invalid argument \"{v}\" for \"--{f}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\n"
                    ))
                })
            })
            .transpose()
    };
    match sub.as_str() {
        "status" => {
            let timeout = match args.value("timeout").map(super::args::parse_duration_ms) {
                Some(Ok(0)) | None => None,
                Some(Ok(ms)) => Some(ms),
                Some(Err(e)) => return Output::err(format!("error: {e}\n")),
            };
            let watch = args.value("watch") != Some("false");
            rollout_status(target, kind, &ns, name, watch, timeout)
        }
        "history" => {
            let history = match crate::sim::rollout_history(target.sim().cluster(), &ns, name) {
                Ok(h) => h,
                Err(e) => return Output::err(format!("Error from server ({}): {e}\n", e.reason())),
            };
            let revision = match int_flag("revision") {
                Ok(r) => r,
                Err(o) => return o,
            };
            if let Some(r) = revision.filter(|r| *r > 0) {
                return match history.iter().find(|h| h.revision == r) {
                    Some(h) => Output::ok(super::describe::revision_template(name, r, &h.template)),
                    None => Output::err("error: unable to find the specified revision\n"),
                };
            }
            let mut text = format!("deployment.apps/{name} \nREVISION\tCHANGE-CAUSE\n");
            for h in &history {
                text.push_str(&format!(
                    "{}\t{}\n",
                    h.revision,
                    h.change_cause.as_deref().unwrap_or("<none>")
                ));
            }
            text.push('\n');
            Output::ok(super::table::tabwrite(&text, 2))
        }
        "undo" => {
            let to_revision = match int_flag("to-revision") {
                Ok(r) => r.filter(|r| *r != 0),
                Err(o) => return o,
            };
            match target.apply(Command::RolloutUndo {
                namespace: ns.clone(),
                name: name.clone(),
                to_revision,
            }) {
                Ok(Outcome::Unchanged(_)) => {
                    let current = crate::sim::rollout_history(target.sim().cluster(), &ns, name)
                        .ok()
                        .and_then(|h| h.last().map(|r| r.revision))
                        .unwrap_or(0);
                    Output::ok(format!(
                        "deployment.apps/{name} skipped rollback (current template already matches revision {current})\n"
                    ))
                }
                Ok(_) => Output::ok(format!("deployment.apps/{name} rolled back\n")),
                Err(e) => Output::err(sim_error_text(&e)),
            }
        }
        other => Output::err(format!(
            "error: unknown command \"{other}\" for \"kubectl rollout\"\n"
        )),
    }
}

/// `rollout restart|pause|resume` over every named object (a bare TYPE means all of that
/// type in the namespace): successes as they go, then the errors, as kubectl aggregates them.
fn rollout_patch_all(
    target: &mut dyn Target,
    ns: &str,
    requests: &[(Kind, Vec<String>)],
    sub: &str,
) -> Output {
    if requests.is_empty() {
        return Output::err("error: required resource not specified\n");
    }
    let mut out = Output::ok("");
    let mut errors: Vec<String> = Vec::new();
    let mut seen = 0;
    for (kind, names) in requests {
        let names = if names.is_empty() {
            selected_names(target.sim(), *kind, ns, None)
        } else {
            names.clone()
        };
        for name in &names {
            seen += 1;
            match rollout_patch(target, *kind, ns, name, sub) {
                Ok(line) => out.text.push_str(&line),
                Err(e) => errors.push(e),
            }
        }
    }
    if seen == 0 && sub == "restart" {
        return Output::ok(format!("No resources found in {ns} namespace.\n"));
    }
    // One error prints as is (prefixed `error: `); several print one per line.
    match errors.as_slice() {
        [] => {}
        [one] if one.starts_with("error: ") || one.starts_with("Error from") => {
            out.text.push_str(one)
        }
        [one] => out.text.push_str(&format!("error: {one}")),
        many => many.iter().for_each(|e| out.text.push_str(e)),
    }
    out.ok = errors.is_empty();
    out
}

/// `rollout restart|pause|resume TYPE/NAME`: the patch kubectl sends, with its messages.
/// Restart stamps the pod template with the simulated time (whole seconds, as kubectl's
/// RFC 3339), so it rolls like any template change; a second restart within the same second
/// would be an empty patch, which kubectl refuses.
fn rollout_patch(
    target: &mut dyn Target,
    kind: Kind,
    ns: &str,
    name: &str,
    sub: &str,
) -> Result<String, String> {
    let ns = if kind.namespaced() { ns } else { "" };
    let r = crate::model::ObjectRef::new(kind, ns, name);
    let Some(mut obj) = target.sim().cluster().get_object(&r).cloned() else {
        return Err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    };
    let refuse = |why: &str| format!("error: {} \"{name}\" {why}\n", kind.qualified_resource());
    const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";
    let now = target.sim().now_time().to_rfc3339();
    let stamp = |t: &mut crate::model::PodTemplateSpec| -> Result<(), String> {
        let old = t
            .metadata
            .annotations
            .insert(RESTARTED_AT.into(), now.clone());
        if old.as_deref() == Some(now.as_str()) {
            return Err(format!("failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another\n"));
        }
        Ok(())
    };
    match (&mut obj, sub) {
        (Object::Deployment(d), "pause") if d.spec.paused => {
            return Err(refuse("is already paused"))
        }
        (Object::Deployment(d), "resume") if !d.spec.paused => return Err(refuse("is not paused")),
        (Object::Deployment(d), "restart") if d.spec.paused => {
            return Err(refuse(
                "can't restart paused deployment (run rollout resume first)",
            ))
        }
        (Object::Deployment(d), "pause") => d.spec.paused = true,
        (Object::Deployment(d), "resume") => d.spec.paused = false,
        (Object::Deployment(d), _) => stamp(&mut d.spec.template)?,
        (Object::StatefulSet(s), "restart") => stamp(&mut s.spec.template)?,
        (_, "pause") => return Err(refuse("pausing is not supported")),
        (_, "resume") => return Err(refuse("resuming is not supported")),
        _ => return Err(refuse("restarting is not supported")),
    }
    let verb = match sub {
        "pause" => "paused",
        "resume" => "resumed",
        _ => "restarted",
    };
    match target.apply(Command::Replace(obj)) {
        Ok(_) => Ok(format!("{} {verb}\n", qualified_name(kind, name))),
        Err(e) => Err(sim_error_text(&e)),
    }
}

/// One look at the rollout, as kubectl's status viewer for the kind reports it.
fn rollout_status_once(
    sim: &crate::sim::Sim,
    kind: Kind,
    ns: &str,
    name: &str,
) -> Result<(String, bool), String> {
    if kind != Kind::StatefulSet {
        return crate::sim::rollout_status(sim.cluster(), ns, name)
            .map(|s| (s.message, s.done))
            .map_err(|e| sim_error_text(&e));
    }
    let Some(ss) = sim.cluster().get::<crate::model::StatefulSet>(ns, name) else {
        return Err(format!(
            "Error from server (NotFound): statefulsets.apps \"{name}\" not found\n"
        ));
    };
    statefulset_status(ss)
}

/// kubectl's StatefulSetStatusViewer, read from the status the StatefulSet controller writes
/// (without that controller, a set is never observed and the watch waits).
fn statefulset_status(ss: &crate::model::StatefulSet) -> Result<(String, bool), String> {
    let us = ss.spec.update_strategy.clone().unwrap_or_default();
    if us.type_ != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type\n".into(),
        );
    }
    let st = &ss.status;
    if st.observed_generation == 0 || ss.metadata.generation > st.observed_generation {
        return Ok((
            "Waiting for statefulset spec update to be observed...".into(),
            false,
        ));
    }
    let want = ss.replicas();
    if st.ready_replicas < want {
        let n = want - st.ready_replicas;
        return Ok((format!("Waiting for {n} pods to be ready..."), false));
    }
    if let Some(ru) = us.rolling_update {
        if let Some(p) = ru.partition {
            if st.updated_replicas < want - p {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...",
                        st.updated_replicas,
                        want - p
                    ),
                    false,
                ));
            }
        }
        return Ok((
            format!(
                "partitioned roll out complete: {} new pods have been updated...",
                st.updated_replicas
            ),
            true,
        ));
    }
    if st.update_revision != st.current_revision {
        return Ok((
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...",
                st.updated_replicas, st.update_revision
            ),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {}...",
            st.current_replicas, st.current_revision
        ),
        true,
    ))
}

/// Watches a rollout in simulated time, printing each new status line, as `kubectl rollout
/// status` does until the rollout finishes. Without `--timeout` it stops watching after an
/// hour of simulated time, which a real terminal would only reach by Ctrl-C.
fn rollout_status(
    target: &mut dyn Target,
    kind: Kind,
    ns: &str,
    name: &str,
    watch: bool,
    timeout: Option<u64>,
) -> Output {
    const POLL_MS: u64 = 1_000;
    let limit = timeout.unwrap_or(3_600_000);
    let mut text = String::new();
    let mut last = String::new();
    let mut waited = 0;
    loop {
        let (message, done) = match rollout_status_once(target.sim(), kind, ns, name) {
            Ok(s) => s,
            Err(e) => {
                text.push_str(&e);
                return Output::err(text);
            }
        };
        if message != last {
            text.push_str(&message);
            text.push('\n');
            last = message;
        }
        if done || !watch {
            return Output::ok(text);
        }
        if waited >= limit {
            if timeout.is_some() {
                text.push_str("error: timed out waiting for the condition\n");
            } else {
                text.push_str("(still waiting after 1h of simulated time; kubectl would wait until interrupted)\n");
            }
            return Output::err(text);
        }
        target.run_for(POLL_MS);
        waited += POLL_MS;
    }
}

/// The object and the updates of `label`/`annotate` arguments: `TYPE NAME k=v...` or
/// `TYPE/NAME k=v...`.
fn update_target<'a>(
    target: &dyn Target,
    ns: &str,
    pos: &'a [String],
    what: &str,
) -> Result<(Kind, String, &'a [String], Object), Output> {
    let (kind, name, changes) = match pos {
        [r, rest @ ..] if r.contains('/') => {
            let (k, n) = r.split_once('/').unwrap_or_default();
            (k.to_string(), n.to_string(), rest)
        }
        [k, n, rest @ ..] => (k.clone(), n.clone(), rest),
        _ => return Err(Output::err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n")),
    };
    let kind = resolve_kind(&kind)?;
    if changes.is_empty() {
        return Err(Output::err(format!(
            "error: at least one {what} update is required\n"
        )));
    }
    let r = crate::model::ObjectRef::new(kind, ns, &name);
    let Some(obj) = target.sim().cluster().get_object(&r) else {
        return Err(Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        )));
    };
    Ok((kind, name, changes, obj.clone()))
}

/// Names of the `kind` objects in `ns` (any namespace for cluster-scoped kinds) that match the
/// selector, for verbs given a type without names.
fn selected_names(
    sim: &crate::sim::Sim,
    kind: Kind,
    ns: &str,
    selector: Option<&Selector>,
) -> Vec<String> {
    sim.cluster()
        .list_kind(kind)
        .filter(|o| !kind.namespaced() || o.meta().namespace == ns)
        .filter(|o| selector.is_none_or(|s| s.matches(&o.meta().labels)))
        .map(|o| o.meta().name.clone())
        .collect()
}
