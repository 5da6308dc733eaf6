//! What the verbs share, as kubectl's `pkg/cmd/util` and its helper packages: flags and
//! resource arguments, the names and lines kubectl prints, the pod a workload stands for, and the
//! describe writer with its pod-template block.

use std::cmp::Ordering;

use crate::manifest::{self, Diagnostic, Manifest};
use crate::model::{
    human_duration, Kind, Object, ObjectMeta, ObjectRef, Pod, Probe, Selector, Time,
};
use crate::sim::{ApiError, Outcome, Sim, SimError};
use crate::sorted::SortedMap;

use super::args::{flag, parse_flags, Args, FlagSpec};
use super::table::tabwrite;
use super::{Console, Output, Target};

/// What a verb that can wait in simulated time returns: its output, or the wait the caller
/// runs (`watch::until`: in one go for `podlab run`, a poll per frame in the page).
pub enum Ran<W> {
    Done(Output),
    Waiting(W),
}

/// Flags every verb takes.
const COMMON: &[FlagSpec] = &[flag("namespace", Some('n'), true)];

/// Reads a verb's flags (and `-n`), or prints kubectl's usage error.
pub(super) fn flags(verb: &str, words: &[String], specs: &[FlagSpec]) -> Result<Args, Output> {
    let mut all: Vec<FlagSpec> = COMMON.to_vec();
    all.extend_from_slice(specs);
    parse_flags(words, &all).map_err(|e| {
        Output::err(format!(
            "error: {e}\nSee 'kubectl {verb} --help' for usage.\n"
        ))
    })
}

/// `-n NAMESPACE`, else the console's namespace. An empty `-n ''` is no namespace flag, as
/// kubectl's config loader reads it: the context's namespace.
pub(super) fn namespace<'a>(console: &'a Console, args: &'a Args) -> &'a str {
    args.value("namespace")
        .filter(|n| !n.is_empty())
        .unwrap_or(&console.namespace)
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

/// kubectl's answer to `pods pod/a` or `pod/a b` (cli-runtime's resource builder).
const TYPE_TWICE: &str = "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n";

/// The (kind, names) requests of `get`/`delete`-style arguments: `pods a b`, `pod/a svc/b`,
/// `pods,svc`.
pub(super) fn resource_args(positional: &[String]) -> Result<Vec<(Kind, Vec<String>)>, Output> {
    let Some(first) = positional.first() else {
        return Ok(Vec::new());
    };
    if first.contains('/') {
        let mut out: Vec<(Kind, Vec<String>)> = Vec::new();
        for p in positional {
            let Some((k, n)) = p.split_once('/') else {
                return Err(Output::err(TYPE_TWICE));
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
    if names.iter().any(|n| n.contains('/')) {
        return Err(Output::err(TYPE_TWICE));
    }
    if kinds.len() > 1 && !names.is_empty() {
        return Err(Output::err(
            "error: arguments in resource/name form must have a single resource and name\n",
        ));
    }
    Ok(kinds.into_iter().map(|k| (k, names.clone())).collect())
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

/// Names of the `kind` objects in `ns` (any namespace for cluster-scoped kinds) that match the
/// selector, for verbs given a type without names.
pub(super) fn selected_names(
    sim: &Sim,
    kind: Kind,
    ns: &str,
    selector: Option<&Selector>,
) -> Vec<String> {
    sim.cluster()
        .list_kind(kind)
        .filter(|o| !kind.namespaced() || o.meta().namespace == ns)
        .filter(|o| selector.is_none_or(|s| s.matches(&o.meta().labels)))
        .map(|o| o.meta().name.to_string())
        .collect()
}

/// `<kind>.<group>/<name>` as `-o name` and apply print it (`deployment.apps/web`).
/// An integer flag's value as pflag reads it (`strconv.ParseInt` to `bits`, 32 or 64), or
/// cobra's error for it with the usage line of `cmd` (`scale`, `rollout history`).
pub fn int_flag(flag: &str, v: &str, cmd: &str, bits: u32) -> Result<i64, Output> {
    let why = match v.parse::<i64>() {
        Ok(n) if bits == 64 || i32::try_from(n).is_ok() => return Ok(n),
        Ok(_) => "value out of range",
        Err(e)
            if matches!(
                e.kind(),
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
            ) =>
        {
            "value out of range"
        }
        Err(_) => "invalid syntax",
    };
    Err(Output::err(format!(
        "error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": {why}\nSee 'kubectl {cmd} --help' for usage.\n"
    )))
}

pub fn qualified_name(kind: Kind, name: &str) -> String {
    match kind.group() {
        "" => format!("{}/{name}", kind.name().to_ascii_lowercase()),
        g => format!("{}.{g}/{name}", kind.name().to_ascii_lowercase()),
    }
}

/// The AGE of an object at `now`.
pub fn age(created: Option<Time>, now: u64) -> String {
    match created {
        Some(t) => human_duration(now.saturating_sub(t.millis())),
        None => "<unknown>".into(),
    }
}

/// The pod behind `POD`, `pod/NAME` or a workload (`deploy/NAME`, `rs/NAME`, `sts/NAME`,
/// `svc/NAME`): kubectl lists the workload's pods and takes the best one to read.
pub(super) fn pod_for_resource(
    target: &mut dyn Target,
    ns: &str,
    resource: &str,
    timeout: u64,
    text: &mut String,
) -> Result<Pod, String> {
    let (kind, name) = match resource.split_once('/') {
        Some((k, n)) => (resolve_kind(k).map_err(|o| o.text)?, n),
        None => (Kind::Pod, resource),
    };
    let r = ObjectRef::new(kind, ns, name);
    let Some(obj) = target.sim().cluster().get_object(&r).cloned() else {
        return Err(format!(
            "error: error from server (NotFound): {} \"{name}\" not found in namespace \"{ns}\"\n",
            kind.qualified_resource()
        ));
    };
    let selector: Box<dyn Fn(&Pod) -> bool> = match obj {
        Object::Pod(p) => return Ok(p.into_inner()),
        Object::Deployment(d) => Box::new(move |p: &Pod| d.spec.selector.matches(&p.metadata.labels)),
        Object::ReplicaSet(rs) => {
            Box::new(move |p: &Pod| rs.spec.selector.matches(&p.metadata.labels))
        }
        Object::StatefulSet(s) => {
            Box::new(move |p: &Pod| s.spec.selector.matches(&p.metadata.labels))
        }
        Object::Service(s) if s.spec.selector.is_empty() => {
            return Err(format!("error: cannot attach to *v1.Service: invalid service '{name}': Service is defined without a selector\n"))
        }
        Object::Service(s) => Box::new(move |p: &Pod| s.selects(p)),
        other => {
            let t = other.kind().name();
            return Err(format!(
                "error: cannot get the logs from *v1.{t}: selector for *v1.{t} not implemented\n"
            ));
        }
    };
    let list = |target: &dyn Target| -> Vec<Pod> {
        target
            .sim()
            .cluster()
            .list_in::<Pod>(ns)
            .filter(|p| selector(p))
            .cloned()
            .collect()
    };
    let mut pods = list(target);
    if pods.is_empty() {
        // kubectl watches for the first pod until --pod-running-timeout.
        const POLL_MS: u64 = 1_000;
        let mut waited = 0;
        while pods.is_empty() {
            if waited >= timeout {
                return Err("error: timed out waiting for the condition\n".into());
            }
            let step = POLL_MS.min(timeout - waited);
            target.run_for(step);
            waited += step;
            pods = list(target);
        }
        crate::sort::sort_by(&mut pods, by_logging);
        return Ok(pods.swap_remove(0));
    }
    crate::sort::sort_by(&mut pods, by_logging);
    if pods.len() > 1 {
        text.push_str(&format!(
            "Found {} pods, using pod/{}\n",
            pods.len(),
            pods[0].metadata.name
        ));
    }
    Ok(pods.swap_remove(0))
}

/// kubectl's `podutils.ByLogging`: the pod most worth reading first. Ties keep list order.
fn by_logging(a: &Pod, b: &Pod) -> Ordering {
    let assigned = |p: &Pod| !p.spec.node_name.is_empty();
    if a.spec.node_name != b.spec.node_name && (!assigned(a) || !assigned(b)) {
        return assigned(b).cmp(&assigned(a));
    }
    // Phases missing from kubectl's map (Succeeded, Failed) rank with Running.
    let phase = |p: &Pod| match &*p.status.phase {
        "Unknown" => 1,
        "Pending" => 2,
        _ => 0,
    };
    if phase(a) != phase(b) {
        return phase(a).cmp(&phase(b));
    }
    if a.is_ready() != b.is_ready() {
        return b.is_ready().cmp(&a.is_ready());
    }
    let ready_since = |p: &Pod| {
        p.status
            .condition("Ready")
            .and_then(|c| c.last_transition_time)
    };
    if a.is_ready() && ready_since(a) != ready_since(b) {
        return older_first(ready_since(a), ready_since(b));
    }
    let restarts = |p: &Pod| {
        p.status
            .container_statuses
            .iter()
            .map(|c| c.restart_count)
            .max()
            .unwrap_or(0)
    };
    if restarts(a) != restarts(b) {
        return restarts(b).cmp(&restarts(a));
    }
    older_first(a.metadata.creation_timestamp, b.metadata.creation_timestamp)
}

/// Earlier times first, missing times last.
fn older_first(a: Option<crate::model::Time>, b: Option<crate::model::Time>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

// kubectl describe's output, shared with `rollout history --revision`.

/// kubectl's PrefixWriter: each level indents two spaces; cells are tab-separated.
pub(super) struct Writer {
    text: String,
}

impl Writer {
    pub(super) fn new() -> Self {
        Writer {
            text: String::new(),
        }
    }

    pub(super) fn line(&mut self, level: usize, s: &str) {
        for _ in 0..level {
            self.text.push_str("  ");
        }
        self.text.push_str(s);
        self.text.push('\n');
    }

    /// `Key:\tvalue`, with `<none>` for an empty value.
    pub(super) fn kv(&mut self, level: usize, key: &str, value: &str) {
        let v = if value.is_empty() { "<none>" } else { value };
        self.line(level, &format!("{key}:\t{v}"));
    }

    /// A map printed one entry per line, the later lines under the first value.
    pub(super) fn map(&mut self, level: usize, key: &str, entries: &[String]) {
        if entries.is_empty() {
            self.kv(level, key, "<none>");
            return;
        }
        for (i, e) in entries.iter().enumerate() {
            if i == 0 {
                self.line(level, &format!("{key}:\t{e}"));
            } else {
                self.line(level, &format!("\t{e}"));
            }
        }
    }

    pub(super) fn finish(self) -> String {
        tabwrite(&self.text, 2)
    }
}

pub(super) fn labels(meta: &ObjectMeta) -> Vec<String> {
    meta.labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

pub(super) fn annotations(meta: &ObjectMeta) -> Vec<String> {
    meta.annotations
        .iter()
        .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
        .map(|(k, v)| format!("{k}: {v}"))
        .collect()
}

pub(super) fn selector_text(sel: &SortedMap<String, String>) -> String {
    sel.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// A container's environment; values from a field show its path, as `(v1:metadata.uid)`.
pub(super) fn env_block(w: &mut Writer, level: usize, env: &[crate::model::EnvVar]) {
    if env.is_empty() {
        w.kv(level, "Environment", "<none>");
        return;
    }
    w.line(level, "Environment:");
    for e in env {
        let v = match (&e.value, &e.value_from) {
            (Some(v), _) => v.clone(),
            (None, Some(f)) => match &f.field_ref {
                Some(r) => format!(" (v1:{})", r.field_path),
                None => String::new(),
            },
            _ => String::new(),
        };
        w.line(level + 1, &format!("{}:\t{v}", e.name));
    }
}

pub(super) fn mounts_block(w: &mut Writer, level: usize, mounts: &[crate::model::VolumeMount]) {
    if mounts.is_empty() {
        w.kv(level, "Mounts", "<none>");
        return;
    }
    w.line(level, "Mounts:");
    for vm in mounts {
        let rw = if vm.read_only == Some(true) {
            "ro"
        } else {
            "rw"
        };
        w.line(
            level + 1,
            &format!("{} from {} ({rw})", vm.mount_path, vm.name),
        );
    }
}

pub(super) fn volumes_block(w: &mut Writer, level: usize, volumes: &[crate::model::Volume]) {
    if volumes.is_empty() {
        w.kv(level, "Volumes", "<none>");
        return;
    }
    w.line(level, "Volumes:");
    let l = level + 2;
    for v in volumes {
        w.line(level + 1, &format!("{}:", v.name));
        if let Some(c) = &v.persistent_volume_claim {
            w.kv(l, "Type", "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)");
            w.kv(l, "ClaimName", &c.claim_name);
            w.kv(l, "ReadOnly", &c.read_only.unwrap_or(false).to_string());
        } else if let Some(e) = &v.empty_dir {
            w.kv(
                l,
                "Type",
                "EmptyDir (a temporary directory that shares a pod's lifetime)",
            );
            w.kv(l, "Medium", &e.medium);
            w.kv(l, "SizeLimit", "<unset>");
        } else if let Some(h) = &v.host_path {
            w.kv(l, "Type", "HostPath (bare host directory volume)");
            w.kv(l, "Path", &h.path);
            w.kv(l, "HostPathType", &h.type_);
        } else if let Some(c) = &v.config_map {
            w.kv(l, "Type", "ConfigMap (a volume populated by a ConfigMap)");
            w.kv(l, "Name", &c.name);
            w.kv(l, "Optional", "false");
        }
    }
}

/// `http-get http://:8080/actuator/health delay=0s timeout=1s period=10s #success=1 #failure=3`.
pub(super) fn probe_text(p: &Probe) -> String {
    let action = if let Some(h) = &p.http_get {
        let scheme = if h.scheme.is_empty() {
            "http"
        } else {
            &h.scheme.to_ascii_lowercase()
        };
        format!("http-get {scheme}://:{}{}", h.port, h.path)
    } else if let Some(t) = &p.tcp_socket {
        format!("tcp-socket :{}", t.port)
    } else if let Some(e) = &p.exec {
        format!("exec [{}]", e.command.join(" "))
    } else {
        "unknown".into()
    };
    format!(
        "{action} delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    )
}

pub(super) fn pod_template(w: &mut Writer, t: &crate::model::PodTemplateSpec) {
    w.line(0, "Pod Template:");
    w.map(1, "Labels", &labels(&t.metadata));
    // Shown only when set, as after `kubectl rollout restart`.
    if !t.metadata.annotations.is_empty() {
        w.map(1, "Annotations", &annotations(&t.metadata));
    }
    w.line(1, "Containers:");
    for c in &t.spec.containers {
        w.line(2, &format!("{}:", c.name));
        w.kv(3, "Image", &c.image);
        let port = c
            .ports
            .iter()
            .map(|p| {
                format!(
                    "{}/{}",
                    p.container_port,
                    if p.protocol.is_empty() {
                        "TCP"
                    } else {
                        &p.protocol
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        w.kv(3, "Port", &port);
        if let Some(pr) = &c.readiness_probe {
            w.kv(3, "Readiness", &probe_text(pr));
        }
        env_block(w, 3, &c.env);
        mounts_block(w, 3, &c.volume_mounts);
    }
    volumes_block(w, 1, &t.spec.volumes);
    w.kv(1, "Node-Selectors", &selector_text(&t.spec.node_selector));
    let tolerations: Vec<String> = t.spec.tolerations.iter().map(|t| t.describe()).collect();
    w.map(1, "Tolerations", &tolerations);
}

/// A YAML or JSON tree as a `Doc`, numbers kept as written (patch bodies, `jq`).
pub fn doc_from_node(node: &crate::manifest::tree::Node) -> crate::manifest::emit::Doc {
    match &node.value {
        crate::manifest::tree::Value::Scalar(s) => match s.resolve() {
            crate::manifest::tree::Resolved::Null => crate::manifest::emit::Doc::Null,
            crate::manifest::tree::Resolved::Bool(b) => crate::manifest::emit::Doc::Bool(b),
            crate::manifest::tree::Resolved::Int(i) => crate::manifest::emit::Doc::Int(i),
            // Kept as written: the annotation's numbers only have to print back.
            crate::manifest::tree::Resolved::Float => {
                crate::manifest::emit::Doc::Float(s.text.clone())
            }
            crate::manifest::tree::Resolved::Str(t) => {
                crate::manifest::emit::Doc::Str(t.to_string())
            }
        },
        crate::manifest::tree::Value::Seq(items) => {
            crate::manifest::emit::Doc::Seq(items.iter().map(doc_from_node).collect())
        }
        crate::manifest::tree::Value::Map(entries) => crate::manifest::emit::Doc::Map(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), doc_from_node(v)))
                .collect(),
        ),
    }
}

/// `jq .`: the JSON pretty-printed with two spaces; anything else as it came.
pub fn jq(body: &str) -> String {
    let trimmed = body.trim();
    if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
        return body.to_string();
    }
    let (docs, err) = crate::manifest::tree::parse_stream(trimmed);
    match (err, docs.into_iter().next().and_then(|d| d.root)) {
        (None, Some(root)) => {
            let doc = doc_from_node(&root);
            format!("{}\n", crate::manifest::emit::json_pretty(&doc, 2))
        }
        _ => body.to_string(),
    }
}

/// `error: error parsing web.yaml:7:3: error converting YAML to JSON: yaml: line 7: ...` for
/// syntax errors, `error: error validating web.yaml:6:13: ...` for everything else.
pub(super) fn error_line(file: &str, d: &Diagnostic) -> String {
    let at = match d.pos {
        Some(p) => format!("{file}:{p}"),
        None => file.to_string(),
    };
    if d.message.starts_with("yaml: ") {
        format!(
            "error: error parsing {at}: error converting YAML to JSON: {}\n",
            d.message
        )
    } else {
        format!("error: error validating {at}: {}\n", d.message)
    }
}

/// kubectl's `Warning: unknown field "spec.strategy"`, then where it is written.
pub(super) fn warning_line(file: &str, d: &Diagnostic) -> String {
    match d.pos {
        Some(p) => format!("Warning: {} ({file}:{p})\n", d.message),
        None => format!("Warning: {} ({file})\n", d.message),
    }
}

/// kubectl's text for an API error during apply: `The Deployment "web" is invalid: ...` for
/// validation, `Error from server (Reason): error when creating "web.yaml": ...` otherwise.
/// Reads `-f FILE...` (console files, `-`, and the book's and the docs' URLs) into manifests
/// with their namespaces filled in, and the file each came from, as `apply`, `create`,
/// `replace` and `delete` read them; every problem at its line:col, or kubectl's
/// "no objects passed to VERB".
pub(super) fn read_files<'a>(
    console: &Console,
    files: &[&'a String],
    flag_ns: Option<&str>,
    verb: &str,
) -> Result<(Vec<Manifest>, Vec<&'a str>, String), Output> {
    if files.is_empty() {
        return Err(Output::err(format!(
            "error: must specify one of -f and -k\n\nSee 'kubectl {verb} -h' for help and examples\n"
        )));
    }
    let default_ns = flag_ns.unwrap_or(&console.namespace).to_string();
    let mut warnings = String::new();
    let mut errors = String::new();
    // Manifests in file order, and the file each came from.
    let mut manifests: Vec<Manifest> = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    for name in files {
        // The console has no standard input, so `-f -` reads nothing, as a piped empty file.
        let content = if *name == "-" {
            Some("")
        } else if name.starts_with("https://") || name.starts_with("http://") {
            match super::book::fetch(name) {
                Ok(text) => Some(text),
                Err(e) => return Err(Output::err(e)),
            }
        } else {
            console.files.get(name.as_str()).map(String::as_str)
        };
        let Some(content) = content else {
            return Err(Output::err(format!(
                "error: the path \"{name}\" does not exist\n"
            )));
        };
        let parsed = manifest::parse(content);
        for d in &parsed.diagnostics {
            match d.severity {
                manifest::Severity::Warning => warnings.push_str(&warning_line(name, d)),
                // An empty file is only an error when no file has objects (checked below).
                manifest::Severity::Error if d.pos.is_none() && parsed.objects.is_empty() => {
                    if d.message != "no objects passed to apply" {
                        errors.push_str(&format!("error: error parsing {name}: {}\n", d.message));
                    }
                }
                manifest::Severity::Error => errors.push_str(&error_line(name, d)),
            }
        }
        for mut m in parsed.objects {
            if m.object.namespaced() {
                let written = m.object.meta().namespace.clone();
                if written.is_empty() {
                    m.object.meta_mut().namespace = crate::model::meta::namespace(&default_ns);
                } else if flag_ns.is_some_and(|f| f != written) {
                    errors.push_str(&format!(
                        "error: the namespace from the provided object \"{written}\" does not match the namespace \"{}\". You must pass '--namespace={written}' to perform this operation.\n",
                        flag_ns.unwrap_or_default()
                    ));
                }
            } else {
                m.object.meta_mut().namespace = "".into();
            }
            for d in manifest::validate(&m) {
                let what = format!(
                    "The {} {:?} is invalid: {}",
                    m.object.kind_name(),
                    m.object.meta().name,
                    d.message
                );
                errors.push_str(&error_line(name, &Diagnostic { message: what, ..d }));
            }
            manifests.push(m);
            sources.push(name.as_str());
        }
    }
    if !errors.is_empty() {
        return Err(Output::err(format!("{warnings}{errors}")));
    }
    if manifests.is_empty() {
        return Err(Output::err(format!(
            "{warnings}error: no objects passed to {verb}\n"
        )));
    }
    Ok((manifests, sources, warnings))
}

pub(super) fn api_error_text(e: &SimError, verb: &str, source: &str) -> String {
    match e {
        SimError::Api(ApiError::Invalid { .. }) => super::sim_error_text(e),
        // kubectl's StandardErrorMessage: no brackets for an error without a reason (etcd's).
        SimError::Api(api) if api.reason().is_empty() => {
            format!("Error from server: error when {verb} {source:?}: {api}\n")
        }
        SimError::Api(api) => format!(
            "Error from server ({}): error when {verb} {source:?}: {api}\n",
            api.reason()
        ),
        other => format!("error: error when {verb} {source:?}: {other}\n"),
    }
}
