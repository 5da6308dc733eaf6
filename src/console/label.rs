//! `kubectl label` and `kubectl annotate`: key updates on one object's metadata.

use crate::model::{Kind, Object};
use crate::sim::Command;

use super::args::flag;
use super::cmdutil::{flags, namespace, qualified_name, resolve_kind};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl label TYPE NAME k=v [k2-]`: one label command per change.
pub fn label(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
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
