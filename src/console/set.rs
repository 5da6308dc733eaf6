//! `kubectl set image`: change container images in a workload's template (or a pod), written
//! back with the object's resourceVersion so a concurrent change gives the API server's 409.

use crate::model::{Container, Object, ObjectRef};
use crate::sim::Command;

use super::cmdutil::{flags, namespace, qualified_name, resolve_kind};
use super::{sim_error_text, Console, Output, Target};

/// `kubectl set image TYPE/NAME CONTAINER=IMAGE...` (`*=IMAGE` sets every container).
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let Some((sub, rest)) = words.split_first() else {
        return Output::err(
            "error: a subcommand is required: image\nSee 'kubectl set -h' for help and examples\n",
        );
    };
    if sub != "image" {
        return Output::err(format!(
            "error: unknown command \"{sub}\" for \"kubectl set\" (this console runs `set image`)\n"
        ));
    }
    let args = match flags("set image", rest, &[]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let ns = namespace(console, &args).to_string();
    let (resource, changes): (Vec<&String>, Vec<&String>) =
        args.positional.iter().partition(|w| !w.contains('='));
    let (kind, name) = match resource.as_slice() {
        [r] if r.contains('/') => {
            let (k, n) = r.split_once('/').unwrap_or_default();
            (k.to_string(), n.to_string())
        }
        [k, n] => (k.to_string(), n.to_string()),
        _ => {
            return Output::err(
                "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n",
            )
        }
    };
    if changes.is_empty() {
        return Output::err("error: at least one image update is required\n");
    }
    let kind = match resolve_kind(&kind) {
        Ok(k) => k,
        Err(o) => return o,
    };
    let r = ObjectRef::new(kind, &ns, &name);
    let Some(mut obj) = target.sim().cluster().get_object(&r).cloned() else {
        return Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    };
    let containers: &mut Vec<Container> = match &mut obj {
        Object::Pod(p) => &mut p.spec.containers,
        Object::Deployment(d) => &mut d.spec.template.spec.containers,
        Object::ReplicaSet(rs) => &mut rs.spec.template.spec.containers,
        Object::StatefulSet(s) => &mut s.spec.template.spec.containers,
        _ => {
            return Output::err(format!(
                "error: the object {} does not have a pod template\n",
                qualified_name(kind, &name)
            ))
        }
    };
    let mut changed = false;
    for c in &changes {
        let (container, image) = c.split_once('=').unwrap_or_default();
        let mut found = false;
        for k in containers.iter_mut() {
            if container == "*" || k.name == container {
                found = true;
                changed |= k.image != image;
                k.image = image.to_string();
            }
        }
        if !found {
            return Output::err(format!(
                "error: unable to find container named \"{container}\"\n"
            ));
        }
    }
    if !changed {
        // kubectl prints nothing when no image changed.
        return Output::ok("");
    }
    match target.apply(Command::Replace(obj)) {
        Ok(_) => Output::ok(format!("{} image updated\n", qualified_name(kind, &name))),
        Err(e) => Output::err(sim_error_text(&e)),
    }
}
