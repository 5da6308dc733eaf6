//! `kubectl edit TYPE NAME`: the live object's YAML, under kubectl's header, goes to an
//! editor; saving it is `kubectl replace -f FILE` with the resourceVersion it was read at,
//! so a copy made stale by a change in between fails with the API server's conflict
//! ("the object has been modified; please apply your changes to the latest version and try
//! again"), as kubectl edit's save does. The lab's page has an editor (`Console::editor`);
//! `podlab run` has none and says what to use instead.

use super::cmdutil::{flags, namespace, qualified_name, resolve_kind};
use super::{Console, Output, Target};

/// What kubectl writes above the object in the editor.
pub const HEADER: &str = "\
# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// An edit waiting for the editor: the file it saves as, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: String,
    pub text: String,
}

pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("edit", words, &[]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let (kind, name) = match args.positional.as_slice() {
        [one] if one.contains('/') => one.split_once('/').unwrap_or_default(),
        [kind, name] => (kind.as_str(), name.as_str()),
        _ => {
            return Output::err(
                "error: you must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
            )
        }
    };
    let kind = match resolve_kind(kind) {
        Ok(k) => k,
        Err(o) => return o,
    };
    let ns = namespace(console, &args);
    let r = crate::model::ObjectRef::new(kind, if kind.namespaced() { ns } else { "" }, name);
    let Some(obj) = target.sim().cluster().get_object(&r) else {
        return Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    };
    let what = qualified_name(kind, name);
    if !console.editor {
        return Output::err(format!(
            "error: kubectl edit opens {what} in an editor, and `podlab run` has none: change it with `kubectl patch {} {name} -p '...'` (or set image, scale, label, annotate, apply -f)\n",
            kind.plural()
        ));
    }
    let file = format!(
        "kubectl-edit-{}-{name}.yaml",
        kind.name().to_ascii_lowercase()
    );
    let text = format!("{HEADER}{}", super::print::object(obj, false));
    let version = obj.meta().resource_version;
    *console.edit.borrow_mut() = Some(Edit {
        file: file.clone(),
        text,
    });
    Output::ok(format!(
        "Editing {what} (resourceVersion {version}) in the editor: Apply saves it with `kubectl replace -f {file}`.\n"
    ))
}
