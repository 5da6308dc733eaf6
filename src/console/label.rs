//! `kubectl label` and `kubectl annotate`: key updates on objects' metadata.

use crate::model::{Kind, Object, Selector};
use crate::sim::Command;

use super::args::flag;
use super::cmdutil::{flags, namespace, qualified_name, resolve_kind};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl label TYPE NAME... k=v [k2-]` (or `TYPE/NAME...`), or every object of TYPE with
/// `--all` or `-l`: one label command per change.
pub fn label(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags(
        "label",
        words,
        &[
            flag("overwrite", None, false),
            flag("all", None, false),
            flag("selector", Some('l'), true),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    if args.on("all") && args.has("selector") {
        return Output::err("error: cannot set --all and --selector at the same time\n");
    }
    // kubectl's GetResourcesAndPairs: the words before the first change name the objects;
    // `=v` and a bare `-` are names too.
    let mut resources: Vec<String> = Vec::new();
    let mut changes: Vec<String> = Vec::new();
    for w in &args.positional {
        if (w.contains('=') && !w.starts_with('=')) || (w.ends_with('-') && w != "-") {
            changes.push(w.clone());
        } else if changes.is_empty() {
            resources.push(w.clone());
        } else {
            return Output::err(format!(
                "error: all resources must be specified before label changes: {w}\n"
            ));
        }
    }
    if resources.is_empty() {
        return Output::err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
    }
    if changes.is_empty() {
        return Output::err("error: at least one label update is required\n");
    }
    // The words are read before any object is asked for, as kubectl's Complete does.
    let cmds = match parse_label_changes(&changes) {
        Ok(c) => c,
        Err(e) => return Output::err(e),
    };
    let groups = match super::cmdutil::resource_args(&resources) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let selector = match args.value("selector").map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Output::err(format!("error: {e}\n")),
    };
    let select = args.on("all") || selector.is_some();
    // The builder goes on past a missing object (ContinueOnError): errors come at the end.
    let mut objects: Vec<(Kind, Object)> = Vec::new();
    let mut errors = String::new();
    for (kind, names) in &groups {
        let kind = *kind;
        if !names.is_empty() {
            for name in names {
                match lookup(target, kind, &ns, name) {
                    Ok(o) => objects.push((kind, o)),
                    Err(o) => errors.push_str(&o.text),
                }
            }
        } else if select {
            objects.extend(
                target
                    .sim()
                    .cluster()
                    .list_kind(kind)
                    .filter(|o| !kind.namespaced() || o.meta().namespace == ns)
                    .filter(|o| {
                        selector
                            .as_ref()
                            .is_none_or(|s| s.matches(&o.meta().labels))
                    })
                    .map(|o| (kind, o.clone())),
            );
        } else {
            return Output::err("error: resource(s) were provided, but no name was specified\n");
        }
    }
    if objects.is_empty() && errors.is_empty() {
        return Output::ok(if groups.iter().all(|(k, _)| k.namespaced()) {
            format!("No resources found in {ns} namespace.\n")
        } else {
            "No resources found\n".to_string()
        });
    }
    let mut text = String::new();
    for (kind, obj) in objects {
        if let Err(e) = label_one(
            target,
            &ns,
            kind,
            &obj,
            &cmds,
            args.on("overwrite"),
            &mut text,
        ) {
            errors.push_str(&e);
        }
    }
    if errors.is_empty() {
        Output::ok(text)
    } else {
        Output::err(text + &errors)
    }
}

/// A label to set (`Some` value) or remove (`None`).
type LabelChange = (String, Option<String>);

/// kubectl's parseLabels over the words after the object.
fn parse_label_changes(changes: &[String]) -> Result<Vec<LabelChange>, String> {
    let mut cmds: Vec<LabelChange> = Vec::new();
    for c in changes {
        match c.split_once('=') {
            Some((k, v)) => {
                if v.contains('=') {
                    return Err(format!("error: invalid label spec: {c}\n"));
                }
                let errs = crate::manifest::validate::label_value_errors(v);
                if !errs.is_empty() {
                    return Err(format!(
                        "error: invalid label value: {c:?}: {}\n",
                        errs.join(";")
                    ));
                }
                // A map upstream: the last value of a key is the one set.
                cmds.retain(|(k2, v2)| k2 != k || v2.is_none());
                cmds.push((k.to_string(), Some(v.to_string())));
            }
            None => cmds.push((c.strip_suffix('-').unwrap_or(c).to_string(), None)),
        }
    }
    // Then, as parseLabels goes on: a key both set and removed.
    for (k, v) in &cmds {
        if v.is_none() && cmds.iter().any(|(k2, v2)| k2 == k && v2.is_some()) {
            return Err(
                "error: can not both modify and remove a label in the same command\n".into(),
            );
        }
    }
    Ok(cmds)
}

fn label_one(
    target: &mut dyn Target,
    ns: &str,
    kind: Kind,
    obj: &Object,
    cmds: &[LabelChange],
    overwrite: bool,
    out: &mut String,
) -> Result<(), String> {
    let name = obj.meta().name.to_string();
    let labels = obj.meta().labels.clone();
    // RunLabel names each label to remove that is not there, then labelFunc refuses a value
    // that would change without --overwrite.
    for (k, v) in cmds {
        if v.is_none() && labels.get(k).is_none() {
            out.push_str(&format!("label {k:?} not found.\n"));
        }
    }
    for (k, v) in cmds {
        if let (Some(old), Some(v)) = (labels.get(k), v) {
            if old != v && !overwrite {
                return Err(format!(
                    "error: '{k}' already has a value ({old}), and --overwrite is false\n"
                ));
            }
        }
    }
    let mut changed = false;
    for (key, value) in cmds.iter().cloned() {
        if labels.get(&key) == value.as_ref() {
            continue;
        }
        changed = true;
        target
            .apply(Command::Label {
                kind,
                namespace: ns.to_string(),
                name: name.clone(),
                key,
                value,
            })
            .map_err(|e| sim_error_text(&e))?;
    }
    // updateDataChangeMsg: "unlabeled" when, without --overwrite, the object's JSON got
    // shorter, which here only its labels can make it.
    let json_len = |labels: &crate::model::Labels| match labels.len() {
        0 => 0,
        // `"labels":{"k":"v",...},` with a comma after it.
        _ => {
            labels
                .iter()
                .map(|(k, v)| k.len() + v.len() + 6)
                .sum::<usize>()
                + 11
        }
    };
    let mut after = labels.clone();
    for (k, v) in cmds {
        match v {
            Some(v) => after.insert(k.clone(), v.clone()),
            None => after.remove(k),
        };
    }
    let what = match (changed, overwrite) {
        (false, _) => "not labeled",
        (true, false) if json_len(&after) < json_len(&labels) => "unlabeled",
        _ => "labeled",
    };
    out.push_str(&format!("{} {what}\n", qualified_name(kind, &name)));
    Ok(())
}

/// `kubectl annotate TYPE NAME k=v [k2-]`: a replace with the object's resourceVersion, so a
/// concurrent change gives the API server's 409 instead of being overwritten.
pub fn annotate(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
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

/// The object and the updates of `label`/`annotate` arguments: `TYPE NAME k=v...` or
/// `TYPE/NAME k=v...`.
fn update_target<'a>(
    target: &dyn Target,
    ns: &str,
    pos: &'a [String],
    what: &str,
) -> Result<(Kind, String, &'a [String], Object), Output> {
    let (kind, name, changes) = split_target(pos, what)?;
    let obj = lookup(target, kind, ns, &name)?;
    Ok((kind, name, changes, obj))
}

/// The kind, the name and the updates of `TYPE NAME k=v...` or `TYPE/NAME k=v...`.
fn split_target<'a>(pos: &'a [String], what: &str) -> Result<(Kind, String, &'a [String]), Output> {
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
    Ok((kind, name, changes))
}

/// The object named, or the API server's NotFound.
fn lookup(target: &dyn Target, kind: Kind, ns: &str, name: &str) -> Result<Object, Output> {
    let r = crate::model::ObjectRef::new(kind, ns, name);
    match target.sim().cluster().get_object(&r) {
        Some(obj) => Ok(obj.clone()),
        None => Err(Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ))),
    }
}
