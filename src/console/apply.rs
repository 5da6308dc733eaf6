//! `kubectl apply -f NAME`: client-side apply, as kubectl does it.
//!
//! - Every file is read, parsed and validated first; any error applies nothing.
//! - The applied manifest is stored in the `kubectl.kubernetes.io/last-applied-configuration`
//!   annotation (compact JSON, keys sorted, as Go's `json.Marshal` writes a map).
//! - An update is a three-way merge of the live object, the last-applied manifest and the new
//!   one: fields removed since the last apply are removed, fields others set (a `kubectl scale`,
//!   defaults) are kept, and lists with a merge key (containers by `name`, ...) merge by key as
//!   in a strategic merge patch.

use crate::manifest::emit::{to_doc, write_yaml, Doc};
use crate::manifest::tree;
use crate::manifest::{self, ManifestObject};
use crate::model::Object;
use crate::sim::{ApiError, Command, Outcome, Sim, SimError};

use super::args::{flag, parse_flags, FlagSpec};
use super::cmdutil::{
    api_error_text, doc_from_node, outcome_line, qualified_name, read_files, resolve_kind,
    warning_line,
};
use super::{Console, Output, Target};

/// The annotation that holds the last applied manifest.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The API server's limit on the total size of an object's annotations.
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

const FLAGS: &[FlagSpec] = &[
    flag("namespace", Some('n'), true),
    flag("filename", Some('f'), true),
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum DryRun {
    None,
    Client,
    Server,
}

pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    if words.first().is_some_and(|w| w == "view-last-applied") {
        return view_last_applied(console, target.sim(), &words[1..]);
    }
    run_verb(console, target, words, "apply")
}

/// `kubectl create -f FILE...`: every object is created; one that exists is an error
/// (AlreadyExists), and nothing records a last-applied configuration.
pub fn create(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    if words
        .first()
        .is_some_and(|w| w == "deployment" || w == "deploy")
    {
        return create_deployment(console, target, &words[1..]);
    }
    run_verb(console, target, words, "create")
}

/// `kubectl create deployment NAME --image=IMAGE... [--replicas=N] [--port=P] [-- COMMAND...]`,
/// the Kubernetes docs' first line: the Deployment kubectl's generator builds (label
/// `app: NAME`, one container per image named after the image), created as `create -f` would.
fn create_deployment(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let specs = [
        flag("image", None, true),
        flag("replicas", Some('r'), true),
        flag("port", None, true),
        flag("namespace", Some('n'), true),
        flag("dry-run", None, true),
    ];
    let usage = "See 'kubectl create deployment -h' for help and examples\n";
    let args = match parse_flags(words, &specs) {
        Ok(a) => a,
        Err(e) => return Output::err(format!("error: {e}\n{usage}")),
    };
    let name = match args.positional.as_slice() {
        [one] => one.clone(),
        other => {
            return Output::err(format!(
                "error: exactly one NAME is required, got {}\n{usage}",
                other.len()
            ))
        }
    };
    let images: Vec<&String> = args.flags.get("image").into_iter().flatten().collect();
    if images.is_empty() {
        return Output::err("error: required flag(s) \"image\" not set\n".to_string());
    }
    if images.len() > 1 && !args.rest.is_empty() {
        return Output::err(
            "error: cannot specify multiple --image options and command\n".to_string(),
        );
    }
    let number = |flag: &str, default: i64| -> Result<i64, Output> {
        match args.value(flag) {
            None => Ok(default),
            // Int32 flags.
            Some(v) => super::cmdutil::int_flag(flag, v, "create deployment", 32),
        }
    };
    let (replicas, port) = match (number("replicas", 1), number("port", -1)) {
        (Ok(r), Ok(p)) => (r, p),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    // JSON is YAML: the object goes through the same reader, defaults and checks as a file.
    let q = |s: &str| {
        let mut out = String::new();
        crate::manifest::emit::json_compact(&Doc::Str(s.to_string()), false, &mut out);
        out
    };
    let command: Vec<String> = args.rest.iter().map(|a| q(a)).collect();
    let containers: Vec<String> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            // The generator keeps the image's last path part, without tag or digest.
            let base = image.rsplit('/').next().unwrap_or(image);
            let base = base
                .split([':', '@'])
                .next()
                .unwrap_or(base)
                .replace('_', "-");
            let mut c = format!("{{\"name\":{},\"image\":{}", q(&base), q(image));
            if !command.is_empty() {
                c.push_str(&format!(",\"command\":[{}]", command.join(",")));
            }
            if i == 0 && port >= 0 {
                c.push_str(&format!(",\"ports\":[{{\"containerPort\":{port}}}]"));
            }
            c.push('}');
            c
        })
        .collect();
    let ns = args.value("namespace").unwrap_or(&console.namespace);
    let json = format!(
        "{{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{{\"name\":{n},\"namespace\":{ns},\"labels\":{{\"app\":{n}}}}},\"spec\":{{\"replicas\":{replicas},\"selector\":{{\"matchLabels\":{{\"app\":{n}}}}},\"template\":{{\"metadata\":{{\"labels\":{{\"app\":{n}}}}},\"spec\":{{\"containers\":[{c}]}}}}}}}}",
        n = q(&name),
        ns = q(ns),
        c = containers.join(","),
    );
    let parsed = manifest::parse(&json);
    let Some(m) = parsed.objects.into_iter().next() else {
        let why = parsed
            .diagnostics
            .first()
            .map_or(String::new(), |d| d.message.clone());
        return Output::err(format!("error: {why}\n"));
    };
    if let Some(d) = manifest::validate(&m).into_iter().next() {
        return Output::err(format!(
            "The Deployment {:?} is invalid: {}\n",
            name, d.message
        ));
    }
    let client_dry_run = matches!(args.value("dry-run"), Some("client" | "true"));
    let obj = m.object.into_object();
    if client_dry_run {
        return Output::ok(format!(
            "{} created (dry run)\n",
            qualified_name(obj.kind(), &name)
        ));
    }
    // create_deployment.go wraps the API server's answer: "failed to create deployment: ...".
    match target.apply(Command::Create(obj)) {
        Ok(outcome) => Output::ok(outcome_line(&outcome)),
        Err(e @ SimError::Api(ApiError::Invalid { .. })) => {
            Output::err(api_error_text(&e, "creating", ""))
        }
        Err(SimError::Api(api)) => {
            Output::err(format!("error: failed to create deployment: {api}\n"))
        }
        Err(other) => Output::err(format!("error: failed to create deployment: {other}\n")),
    }
}

/// `kubectl replace -f FILE...`: a full update of each object, with the resourceVersion
/// written in the file (what `kubectl edit` saves), so a stale copy is the API server's 409.
pub fn replace(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    run_verb(console, target, words, "replace")
}

fn run_verb(console: &Console, target: &mut dyn Target, words: &[String], verb: &str) -> Output {
    let args = match parse_flags(words, FLAGS) {
        Ok(a) => a,
        Err(e) => {
            return Output::err(format!(
                "error: {e}\nSee 'kubectl {verb} --help' for usage.\n"
            ))
        }
    };
    let dry_run = match args.value("dry-run").unwrap_or("none") {
        "none" | "false" => DryRun::None,
        "client" | "true" => DryRun::Client,
        "server" => DryRun::Server,
        other => {
            return Output::err(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n"
            ))
        }
    };
    let name_only = match args.value("output").unwrap_or("") {
        "" => false,
        "name" => true,
        other => {
            return Output::err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: name\n"
            ))
        }
    };
    if let Some(extra) = args.positional.first() {
        return Output::err(format!(
            "error: Unexpected args: [{extra}]\nSee 'kubectl {verb} -h' for help and examples\n"
        ));
    }
    let files: Vec<&String> = args.flags.get("filename").into_iter().flatten().collect();
    let (manifests, sources, mut warnings) =
        match read_files(console, &files, args.value("namespace"), verb) {
            Ok(read) => read,
            Err(o) => return o,
        };
    let cluster: Vec<Object> = target.sim().cluster().objects().cloned().collect();
    for l in manifest::lint(&manifests, &cluster) {
        warnings.push_str(&warning_line(sources[l.manifest], &l.diagnostic));
    }

    let suffix = match dry_run {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    // A server dry run goes through the API server of a copy of the cluster.
    let mut shadow: Option<Sim> = (dry_run == DryRun::Server).then(|| target.sim().clone());
    let target: &mut dyn Target = match shadow.as_mut() {
        Some(s) => s,
        None => target,
    };
    let mut text = warnings;
    let mut ok = true;
    for (m, source) in manifests.into_iter().zip(sources) {
        let obj = m.object.into_object();
        let done = if verb == "create" {
            create_one(target, obj, source, dry_run == DryRun::Client)
        } else if verb == "replace" {
            let (kind, name) = (obj.kind(), obj.meta().name.to_string());
            match target.apply(Command::Replace(obj)) {
                Ok(_) => Ok((
                    format!("{} replaced", qualified_name(kind, &name)),
                    String::new(),
                )),
                Err(e) => Err(api_error_text(&e, "replacing", source)),
            }
        } else {
            apply_one(target, obj, source, dry_run == DryRun::Client)
        };
        match done {
            Ok((line, warning)) => {
                text.push_str(&warning);
                if name_only {
                    // `-o name` prints `kind.group/name` only.
                    let name = line.rsplit_once(' ').map_or(line.as_str(), |x| x.0);
                    text.push_str(name);
                    text.push('\n');
                } else {
                    text.push_str(line.trim_end());
                    text.push_str(suffix);
                    text.push('\n');
                }
            }
            Err(e) => {
                ok = false;
                text.push_str(&e);
            }
        }
    }
    Output { text, ok }
}

/// `kubectl apply view-last-applied TYPE/NAME`: the stored manifest, as YAML (or as the
/// stored JSON with `-o json`).
fn view_last_applied(console: &Console, sim: &Sim, words: &[String]) -> Output {
    let specs = [
        flag("namespace", Some('n'), true),
        flag("output", Some('o'), true),
    ];
    let args = match parse_flags(words, &specs) {
        Ok(a) => a,
        Err(e) => {
            return Output::err(format!(
                "error: {e}\nSee 'kubectl apply view-last-applied --help' for usage.\n"
            ))
        }
    };
    let (kind, name) = match args.positional.as_slice() {
        [one] if one.contains('/') => one.split_once('/').unwrap_or_default(),
        [kind, name] => (kind.as_str(), name.as_str()),
        _ => {
            return Output::err(
                "error: Required resource not specified.\nSee 'kubectl apply view-last-applied -h' for help and examples\n",
            )
        }
    };
    let kind = match resolve_kind(kind) {
        Ok(k) => k,
        Err(o) => return o,
    };
    let ns = args.value("namespace").unwrap_or(&console.namespace);
    let r = crate::model::ObjectRef::new(kind, if kind.namespaced() { ns } else { "" }, name);
    let Some(obj) = sim.cluster().get_object(&r) else {
        return Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    };
    let Some(json) = obj.meta().annotations.get(LAST_APPLIED) else {
        return Output::err(format!(
            "error: no last-applied-configuration annotation found on resource: {name}\n"
        ));
    };
    match args.value("output").unwrap_or("yaml") {
        "yaml" => match doc_from_json(json) {
            Some(doc) => {
                let mut out = String::new();
                write_yaml(&doc, &mut out);
                Output::ok(out)
            }
            None => Output::err(format!(
                "error: the last-applied-configuration annotation of {name} is not valid JSON\n"
            )),
        },
        "json" => Output::ok(format!("{json}\n")),
        other => Output::err(format!(
            "error: Unexpected -o output mode: {other}, the flag 'output' must be one of yaml|json\n"
        )),
    }
}

/// Creates or patches one object. Returns the result line and any warning to print before it.
fn apply_one(
    target: &mut dyn Target,
    obj: Object,
    source: &str,
    client_dry_run: bool,
) -> Result<(String, String), String> {
    let kind = obj.kind();
    let name = obj.meta().name.to_string();
    let modified = with_last_applied(obj)
        .map_err(|e| format!("The {} {name:?} is invalid: {e}\n", kind.name()))?;
    let r = modified.object_ref();
    let Some(live) = target.sim().cluster().get_object(&r).cloned() else {
        if client_dry_run {
            return Ok((
                format!("{} created", qualified_name(kind, &name)),
                String::new(),
            ));
        }
        return match target.apply(Command::Apply(modified)) {
            Ok(outcome) => Ok((outcome_line(&outcome), String::new())),
            Err(e) => Err(api_error_text(&e, "creating", source)),
        };
    };
    let mut warning = String::new();
    let original = match live.meta().annotations.get(LAST_APPLIED) {
        Some(json) => doc_from_json(json),
        None => {
            warning = format!(
                "Warning: resource {}/{name} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
                kind.plural()
            );
            None
        }
    };
    let live_doc = doc_of(&live)?;
    let merged = three_way(
        &mut Vec::new(),
        Some(&live_doc),
        original.as_ref(),
        Some(&manifest_doc(&modified)?),
    )
    .unwrap_or(Doc::Map(Vec::new()));
    let merged = object_from_doc(&merged)?;
    if merged == live {
        return Ok((
            format!("{} unchanged", qualified_name(kind, &name)),
            warning,
        ));
    }
    let errs = manifest::validate_update(
        &ManifestObject::Object(live.clone()),
        &ManifestObject::Object(merged.clone()),
    );
    if !errs.is_empty() {
        let msg = manifest::invalid_message(kind.name(), &name, &errs);
        return Err(format!("{warning}{msg}\n"));
    }
    if client_dry_run {
        return Ok((
            format!("{} configured", qualified_name(kind, &name)),
            warning,
        ));
    }
    match target.apply(Command::Apply(merged)) {
        Ok(Outcome::Unchanged(r)) => Ok((
            format!("{} unchanged", qualified_name(r.kind, &r.name)),
            warning,
        )),
        Ok(outcome) => Ok((outcome_line(&outcome), warning)),
        Err(e) => Err(format!(
            "{warning}{}",
            api_error_text(&e, "patching", source)
        )),
    }
}

fn create_one(
    target: &mut dyn Target,
    obj: Object,
    source: &str,
    client_dry_run: bool,
) -> Result<(String, String), String> {
    if client_dry_run {
        let (kind, name) = (obj.kind(), obj.meta().name.to_string());
        return Ok((
            format!("{} created", qualified_name(kind, &name)),
            String::new(),
        ));
    }
    match target.apply(Command::Create(obj)) {
        Ok(outcome) => Ok((outcome_line(&outcome), String::new())),
        Err(e) => Err(api_error_text(&e, "creating", source)),
    }
}

/// The object to send: the manifest plus the last-applied annotation holding the manifest
/// itself (without that annotation, so `annotations` is `{}` when there are no others).
fn with_last_applied(mut obj: Object) -> Result<Object, String> {
    obj.meta_mut().annotations.remove(LAST_APPLIED);
    let mut doc = manifest_doc(&obj)?;
    ensure_annotations_map(&mut doc);
    let json = compact_json(&doc);
    let total: usize = obj
        .meta()
        .annotations
        .iter()
        .map(|(k, v)| k.len() + v.len())
        .sum::<usize>()
        + LAST_APPLIED.len()
        + json.len();
    if total > MAX_ANNOTATIONS_BYTES {
        return Err(format!(
            "metadata.annotations: Too long: must have at most {MAX_ANNOTATIONS_BYTES} bytes"
        ));
    }
    obj.meta_mut()
        .annotations
        .insert(LAST_APPLIED.to_string(), json);
    Ok(obj)
}

fn ensure_annotations_map(doc: &mut Doc) {
    let Doc::Map(top) = doc else { return };
    let meta = match top.iter_mut().find(|(k, _)| k == "metadata") {
        Some((_, m)) => m,
        None => {
            top.push(("metadata".into(), Doc::Map(Vec::new())));
            &mut top.last_mut().expect("just pushed").1
        }
    };
    if let Doc::Map(m) = meta {
        if !m.iter().any(|(k, _)| k == "annotations") {
            m.push(("annotations".into(), Doc::Map(Vec::new())));
        }
    }
}

/// What a manifest sets: the object without `status`, which apply never writes (the typed
/// form always has one, with zero counts).
fn manifest_doc(obj: &Object) -> Result<Doc, String> {
    let mut doc = doc_of(obj)?;
    if let Doc::Map(top) = &mut doc {
        top.retain(|(k, _)| k != "status");
    }
    Ok(doc)
}

fn doc_of(obj: &Object) -> Result<Doc, String> {
    to_doc(obj).map_err(|e| format!("error: cannot encode {}: {e}\n", obj.kind().name()))
}

/// The typed object a merged document describes. Every document here comes from typed objects,
/// so it reads back without errors; a failure is a podlab bug, reported rather than hidden.
fn object_from_doc(doc: &Doc) -> Result<Object, String> {
    let mut yaml = String::new();
    write_yaml(doc, &mut yaml);
    let parsed = manifest::parse(&yaml);
    let first_error = parsed.errors().next().cloned();
    match (parsed.objects.as_slice(), first_error) {
        ([m], None) => Ok(m.object.clone().into_object()),
        (_, Some(d)) => Err(format!("error: podlab could not merge the patch: {d}\n")),
        _ => Err("error: podlab could not merge the patch\n".into()),
    }
}

/// Reads the last-applied JSON back. A hand-edited, unreadable annotation counts as absent, as
/// kubectl then has no original to diff against.
fn doc_from_json(json: &str) -> Option<Doc> {
    let (docs, err) = tree::parse_stream(json);
    if err.is_some() {
        return None;
    }
    let root = docs.into_iter().next()?.root?;
    Some(doc_from_node(&root))
}

/// The key that identifies items of a list in a strategic merge patch, by the list's field
/// name and where it sits; lists without one are replaced whole.
fn merge_key(path: &[String]) -> Option<&'static str> {
    let in_container = || {
        path.iter().any(|p| {
            matches!(
                p.as_str(),
                "containers" | "initContainers" | "ephemeralContainers"
            )
        })
    };
    Some(match path.last()?.as_str() {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ports" if in_container() => "containerPort",
        "ports" => "port",
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        "ownerReferences" => "uid",
        "conditions" => "type",
        _ => return None,
    })
}

fn map_get<'a>(entries: &'a [(String, Doc)], key: &str) -> Option<&'a Doc> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The three-way merge of `live` with the change from `original` (last applied) to `new`:
/// what `new` sets wins, what `original` had and `new` dropped goes, the rest of `live` stays.
fn three_way(
    path: &mut Vec<String>,
    live: Option<&Doc>,
    original: Option<&Doc>,
    new: Option<&Doc>,
) -> Option<Doc> {
    match new {
        None if original.is_some() => None,
        None => live.cloned(),
        Some(Doc::Null) => None,
        Some(Doc::Map(n)) => {
            let Some(Doc::Map(l)) = live else {
                return strip_nulls(new?);
            };
            let o = match original {
                Some(Doc::Map(o)) => o.as_slice(),
                _ => &[],
            };
            let mut out = Vec::new();
            let keys = l
                .iter()
                .map(|(k, _)| k)
                .chain(n.iter().map(|(k, _)| k).filter(|k| map_get(l, k).is_none()));
            for k in keys {
                path.push(k.clone());
                let v = three_way(path, map_get(l, k), map_get(o, k), map_get(n, k));
                path.pop();
                if let Some(v) = v {
                    out.push((k.clone(), v));
                }
            }
            Some(Doc::Map(out))
        }
        Some(Doc::Seq(n)) => {
            let (Some(key), Some(Doc::Seq(l))) = (merge_key(path), live) else {
                return strip_nulls(new?);
            };
            let o = match original {
                Some(Doc::Seq(o)) => o.as_slice(),
                _ => &[],
            };
            let id = |d: &Doc| match d {
                Doc::Map(m) => map_get(m, key).cloned(),
                _ => None,
            };
            if n.iter().chain(l).any(|d| id(d).is_none()) {
                return strip_nulls(new?);
            }
            let find = |list: &[Doc], k: &Option<Doc>| list.iter().find(|d| id(d) == *k).cloned();
            let mut out = Vec::new();
            for item in n {
                let k = id(item);
                let (li, oi) = (find(l, &k), find(o, &k));
                if let Some(v) = three_way(path, li.as_ref(), oi.as_ref(), Some(item)) {
                    out.push(v);
                }
            }
            for item in l {
                let k = id(item);
                let in_new = n.iter().any(|d| id(d) == k);
                let in_original = o.iter().any(|d| id(d) == k);
                if !in_new && !in_original {
                    out.push(item.clone());
                }
            }
            Some(Doc::Seq(out))
        }
        Some(scalar) => Some(scalar.clone()),
    }
}

/// A value without its null fields (nulls in a patch mean "delete").
fn strip_nulls(d: &Doc) -> Option<Doc> {
    match d {
        Doc::Null => None,
        Doc::Map(m) => Some(Doc::Map(
            m.iter()
                .filter_map(|(k, v)| strip_nulls(v).map(|v| (k.clone(), v)))
                .collect(),
        )),
        Doc::Seq(s) => Some(Doc::Seq(s.iter().filter_map(strip_nulls).collect())),
        other => Some(other.clone()),
    }
}

/// JSON as Go's `json.Marshal` writes a generic map: compact, keys sorted, HTML-safe.
pub fn compact_json(d: &Doc) -> String {
    let mut out = String::new();
    crate::manifest::emit::json_compact(d, true, &mut out);
    out
}

/// `kubectl patch TYPE NAME -p PATCH [--type=strategic|merge|json]`: a strategic merge patch
/// merges lists by their merge keys (containers by name, ...), a merge patch (RFC 7386)
/// replaces lists, a JSON patch (RFC 6902) applies `add`, `replace`, `remove` and `test`
/// operations. The result is written with the object's resourceVersion.
pub fn patch(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    const PATCH_FLAGS: &[FlagSpec] = &[
        flag("namespace", Some('n'), true),
        flag("patch", Some('p'), true),
        flag("type", None, true),
    ];
    let args = match parse_flags(words, PATCH_FLAGS) {
        Ok(a) => a,
        Err(e) => {
            return Output::err(format!(
                "error: {e}\nSee 'kubectl patch --help' for usage.\n"
            ))
        }
    };
    let ns = args
        .value("namespace")
        .unwrap_or(&console.namespace)
        .to_string();
    let (kind, name) = match args.positional.as_slice() {
        [r] if r.contains('/') => {
            let (k, n) = r.split_once('/').unwrap_or_default();
            (k.to_string(), n.to_string())
        }
        [k, n] => (k.clone(), n.clone()),
        _ => return Output::err("error: resource(s) were provided, but no name was specified\n"),
    };
    let kind = match resolve_kind(&kind) {
        Ok(k) => k,
        Err(o) => return o,
    };
    let Some(text) = args.value("patch") else {
        return Output::err("error: must specify -p to patch\n");
    };
    let kind_of_patch = args.value("type").unwrap_or("strategic");
    if !matches!(kind_of_patch, "strategic" | "merge" | "json") {
        return Output::err(format!(
            "error: --type must be one of [json merge strategic], not \"{kind_of_patch}\"\n"
        ));
    }
    let r = crate::model::ObjectRef::new(kind, &ns, &name);
    let Some(live) = target.sim().cluster().get_object(&r).cloned() else {
        return Output::err(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.qualified_resource()
        ));
    };
    let Some(patch) = doc_from_json(text) else {
        return Output::err(format!(
            "error: unable to parse \"{text}\": yaml: did not find expected node content\n"
        ));
    };
    let live_doc = match doc_of(&live) {
        Ok(d) => d,
        Err(e) => return Output::err(e),
    };
    let patched = match kind_of_patch {
        "json" => match json_patch(&live_doc, &patch) {
            Ok(d) => d,
            Err(e) => return Output::err(format!("Error from server: {e}\n")),
        },
        "merge" => merge_patch(&live_doc, &patch),
        _ => {
            if !matches!(patch, Doc::Map(_)) {
                return Output::err("Error from server (BadRequest): unable to find api field in struct for the json field \"\"\n");
            }
            three_way(&mut Vec::new(), Some(&live_doc), None, Some(&patch))
                .unwrap_or(Doc::Map(Vec::new()))
        }
    };
    let obj = match object_from_doc(&patched) {
        Ok(o) => o,
        Err(e) => return Output::err(e),
    };
    let qualified = qualified_name(kind, &name);
    if obj == live {
        return Output::ok(format!("{qualified} patched (no change)\n"));
    }
    let errs = manifest::validate_update(
        &ManifestObject::Object(live.clone()),
        &ManifestObject::Object(obj.clone()),
    );
    if !errs.is_empty() {
        return Output::err(format!(
            "{}\n",
            manifest::invalid_message(kind.name(), &name, &errs)
        ));
    }
    match target.apply(Command::Replace(obj)) {
        Ok(_) => Output::ok(format!("{qualified} patched\n")),
        Err(e) => Output::err(super::sim_error_text(&e)),
    }
}

/// RFC 7386: maps merge, `null` removes, anything else (lists too) replaces.
fn merge_patch(target: &Doc, patch: &Doc) -> Doc {
    match (target, patch) {
        (Doc::Map(t), Doc::Map(p)) => {
            let mut out: Vec<(String, Doc)> = Vec::new();
            for (k, v) in t {
                match map_get(p, k) {
                    None => out.push((k.clone(), v.clone())),
                    Some(Doc::Null) => {}
                    Some(pv) => out.push((k.clone(), merge_patch(v, pv))),
                }
            }
            for (k, v) in p {
                if map_get(t, k).is_none() && *v != Doc::Null {
                    out.push((k.clone(), merge_patch(&Doc::Map(Vec::new()), v)));
                }
            }
            Doc::Map(out)
        }
        (_, Doc::Map(p)) => merge_patch(&Doc::Map(Vec::new()), &Doc::Map(p.clone())),
        (_, other) => strip_nulls(other).unwrap_or(Doc::Null),
    }
}

/// RFC 6902 operations on `/a/b/0` paths (`~1` is `/`, `~0` is `~`; `-` appends).
fn json_patch(target: &Doc, ops: &Doc) -> Result<Doc, String> {
    let Doc::Seq(ops) = ops else {
        return Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".into());
    };
    let mut doc = target.clone();
    for op in ops {
        let Doc::Map(m) = op else {
            return Err("json: cannot unmarshal a patch operation".into());
        };
        let text = |k: &str| match map_get(m, k) {
            Some(Doc::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let (Some(kind), Some(path)) = (text("op"), text("path")) else {
            return Err("unexpected kind of operation: every operation needs op and path".into());
        };
        let segs: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        let value = map_get(m, "value").cloned();
        match kind.as_str() {
            "add" | "replace" => {
                let v = value.ok_or_else(|| format!("missing value for {kind} operation"))?;
                set_at(&mut doc, &segs, v, kind == "add")
                    .map_err(|e| format!("{kind} operation does not apply: {e}: {path}"))?;
            }
            "remove" => {
                remove_at(&mut doc, &segs)
                    .map_err(|e| format!("remove operation does not apply: {e}: {path}"))?;
            }
            "test" => {
                let found = get_at(&doc, &segs);
                if found != value.as_ref() {
                    return Err(format!("testing value {path} failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

fn get_at<'a>(doc: &'a Doc, segs: &[String]) -> Option<&'a Doc> {
    let Some((first, rest)) = segs.split_first() else {
        return Some(doc);
    };
    match doc {
        Doc::Map(m) => get_at(map_get(m, first)?, rest),
        Doc::Seq(s) => get_at(s.get(first.parse::<usize>().ok()?)?, rest),
        _ => None,
    }
}

fn set_at(doc: &mut Doc, segs: &[String], value: Doc, add: bool) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        *doc = value;
        return Ok(());
    };
    match doc {
        Doc::Map(m) => match m.iter_mut().find(|(k, _)| k == first) {
            Some((_, v)) => set_at(v, rest, value, add),
            None if rest.is_empty() && add => {
                m.push((first.clone(), value));
                Ok(())
            }
            None => Err("doc is missing path".into()),
        },
        Doc::Seq(s) => {
            if rest.is_empty() && add {
                let at = if first == "-" {
                    s.len()
                } else {
                    first
                        .parse::<usize>()
                        .map_err(|_| "bad index".to_string())?
                };
                if at > s.len() {
                    return Err("index out of bounds".into());
                }
                s.insert(at, value);
                return Ok(());
            }
            let i = first
                .parse::<usize>()
                .map_err(|_| "bad index".to_string())?;
            let item = s.get_mut(i).ok_or("index out of bounds")?;
            set_at(item, rest, value, add)
        }
        _ => Err("doc is missing path".into()),
    }
}

fn remove_at(doc: &mut Doc, segs: &[String]) -> Result<(), String> {
    let Some((first, rest)) = segs.split_first() else {
        return Err("cannot remove the whole document".into());
    };
    match doc {
        Doc::Map(m) => {
            if rest.is_empty() {
                let before = m.len();
                m.retain(|(k, _)| k != first);
                return if m.len() < before {
                    Ok(())
                } else {
                    Err("doc is missing path".into())
                };
            }
            let (_, v) = m
                .iter_mut()
                .find(|(k, _)| k == first)
                .ok_or("doc is missing path")?;
            remove_at(v, rest)
        }
        Doc::Seq(s) => {
            let i = first
                .parse::<usize>()
                .map_err(|_| "bad index".to_string())?;
            if rest.is_empty() {
                if i >= s.len() {
                    return Err("index out of bounds".into());
                }
                s.remove(i);
                return Ok(());
            }
            remove_at(s.get_mut(i).ok_or("index out of bounds")?, rest)
        }
        _ => Err("doc is missing path".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Doc)]) -> Doc {
        Doc::Map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn s(v: &str) -> Doc {
        Doc::Str(v.into())
    }

    #[test]
    fn three_way_removes_dropped_fields_and_keeps_others() {
        let live = map(&[("a", s("1")), ("b", s("2")), ("c", s("server"))]);
        let original = map(&[("a", s("1")), ("b", s("2"))]);
        let new = map(&[("a", s("9"))]);
        let merged = three_way(&mut vec![], Some(&live), Some(&original), Some(&new)).unwrap();
        assert_eq!(merged, map(&[("a", s("9")), ("c", s("server"))]));
    }

    #[test]
    fn lists_with_a_merge_key_merge_by_it() {
        let c = |name: &str, image: &str, extra: Option<&str>| {
            let mut e = vec![("name", s(name)), ("image", s(image))];
            if let Some(x) = extra {
                e.push(("imagePullPolicy", s(x)));
            }
            map(&e)
        };
        let live = Doc::Seq(vec![
            c("a", "v1", Some("IfNotPresent")),
            c("b", "v1", None),
            c("sidecar", "v1", None),
        ]);
        let original = Doc::Seq(vec![c("a", "v1", None), c("b", "v1", None)]);
        let new = Doc::Seq(vec![c("a", "v2", None)]);
        let mut path = vec!["containers".to_string()];
        let merged = three_way(&mut path, Some(&live), Some(&original), Some(&new)).unwrap();
        // `b` was applied and dropped: gone. `sidecar` was never applied: kept. Defaults stay.
        assert_eq!(
            merged,
            Doc::Seq(vec![
                c("a", "v2", Some("IfNotPresent")),
                c("sidecar", "v1", None)
            ])
        );
        // Without a merge key a list is replaced whole.
        let mut path = vec!["args".to_string()];
        let l = Doc::Seq(vec![s("x"), s("y")]);
        let n = Doc::Seq(vec![s("z")]);
        assert_eq!(three_way(&mut path, Some(&l), Some(&l), Some(&n)), Some(n));
    }

    #[test]
    fn json_is_compact_sorted_and_html_safe() {
        let d = map(&[
            ("b", Doc::Int(1)),
            ("a", map(&[])),
            ("c", s("<x & \"y\">\n")),
            ("n", Doc::Null),
        ]);
        assert_eq!(
            compact_json(&d),
            r#"{"a":{},"b":1,"c":"\u003cx \u0026 \"y\"\u003e\n"}"#
        );
        assert_eq!(
            doc_from_json(&compact_json(&d)).map(|x| compact_json(&x)),
            Some(compact_json(&d))
        );
    }

    #[test]
    fn annotation_numbers_print_back_as_written() {
        let json = r#"{"a":1.50,"b":-2.5e-3,"c":1E+21,"d":0.1,"i":7}"#;
        let doc = doc_from_json(json).unwrap();
        assert_eq!(compact_json(&doc), json.replace("1E+21", "1e+21"));
        let mut yaml = String::new();
        write_yaml(&doc, &mut yaml);
        assert_eq!(yaml, "a: 1.50\nb: -2.5e-3\nc: 1E+21\nd: 0.1\ni: 7\n");
        // What YAML allows and JSON does not is rewritten to the same number.
        let doc = doc_from_json("{a: .5, b: +1_000.5, c: .inf}").unwrap();
        assert_eq!(compact_json(&doc), r#"{"a":0.5,"b":1000.5,"c":null}"#);
    }
}
