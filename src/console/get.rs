//! `kubectl get`: the columns of kubectl's printers (ref §8, §3.3, §5.2, §6.1, §2.1) for each kind.

use crate::model::{
    access_modes_short, human_duration, Kind, Object, ObjectMeta, Pod, Quantity, Selector,
};

use super::args::{flag, Args, FlagSpec};
use super::cmdutil::{age, flags, namespace, qualified_name, resource_args};
use super::table::Table;
use super::{Console, Output, Target};

/// How `kubectl get` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Columns {
    pub wide: bool,
    /// `--show-kind`, or several kinds: names as `pod/web-0`.
    pub show_kind: bool,
    pub all_namespaces: bool,
    pub show_labels: bool,
}

/// The flags of `kubectl get` (`-w` is read by `watch`, which prints through `run`).
pub const FLAGS: &[FlagSpec] = &[
    flag("all-namespaces", Some('A'), false),
    flag("output", Some('o'), true),
    flag("selector", Some('l'), true),
    flag("show-labels", None, false),
    flag("show-kind", None, false),
    flag("sort-by", None, true),
    flag("no-headers", None, false),
    flag("watch", Some('w'), false),
    flag("watch-only", None, false),
    flag("label-columns", Some('L'), true),
    flag("field-selector", None, true),
    flag("template", None, true),
];

/// `kubectl get TYPE[,TYPE] [NAME...]`: tables, or `-o name|yaml|json|jsonpath=...`.
pub fn run(console: &Console, target: &mut dyn Target, words: &[String]) -> Output {
    let args = match flags("get", words, FLAGS) {
        Ok(a) => a,
        Err(o) => return o,
    };
    if args.positional.is_empty() {
        return Output::err(
            "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n",
        );
    }
    if let Some(first) = args.positional.first() {
        if ENDPOINTS.contains(&first.as_str())
            && !args.positional[1..].iter().any(|w| w.contains('/'))
        {
            let all_ns = args.on("all-namespaces");
            let ns = namespace(console, &args).to_string();
            return endpoints(target, &ns, all_ns, &args.positional[1..]);
        }
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
    let output = match output_format(&args) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let output = output.as_str();
    let multi = requests.len() > 1;
    let cols = Columns {
        wide: output == "wide",
        show_kind: multi || args.on("show-kind"),
        all_namespaces: all_ns,
        show_labels: args.on("show-labels"),
    };
    let sim = target.sim();
    let now = sim.now();
    let mut text = String::new();
    let mut errors = String::new();
    let mut found_any = false;
    let mut listed: Vec<&Object> = Vec::new();
    for (kind, names) in &requests {
        let mut objects: Vec<&Object> = Vec::new();
        let fields = match args
            .value("field-selector")
            .map(|f| FieldSelector::parse(f, *kind))
        {
            Some(Err(e)) => return Output::err(e),
            Some(Ok(f)) => Some(f),
            None => None,
        };
        if names.is_empty() {
            objects.extend(sim.cluster().list_kind(*kind).filter(|o| {
                let m = o.meta();
                (all_ns || !kind.namespaced() || m.namespace == ns)
                    && selector.as_ref().is_none_or(|s| s.matches(&m.labels))
                    && fields.as_ref().is_none_or(|f| f.matches(o))
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
        if let Some(path) = args.value("sort-by").filter(|p| !p.is_empty()) {
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
                let t = kind_table(&args, *kind, &objects, cols, now);
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
        o if o.starts_with("custom-columns=") => {
            let spec = &o["custom-columns=".len()..];
            match custom_columns(spec, &listed, !args.on("no-headers")) {
                Ok(s) => text.push_str(&s),
                Err(e) => return Output::err(format!("error: {e}\n")),
            }
            found_any = true;
        }
        o if o.starts_with("jsonpath=") || o.starts_with("jsonpath-as-json=") => {
            let expr = o.split_once('=').map(|x| x.1).unwrap_or("");
            let single = requests.len() == 1 && requests[0].1.len() == 1 && listed.len() == 1;
            match super::jsonpath::render(expr, &listed, single) {
                Ok(s) => text.push_str(&s),
                // cli-runtime's JSONPathPrinter wraps an execution error in its debugging text.
                Err(e) if e.starts_with("array index") => {
                    text.push_str(&format!(
                        "error: error executing jsonpath {expr:?}: Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{expr}\n"
                    ));
                    return Output::err(text);
                }
                Err(e) => return Output::err(format!("error: {e}\n")),
            }
            found_any = true;
        }
        o if o.starts_with("go-template=") => {
            let src = &o["go-template=".len()..];
            let template = match super::template::Template::parse(src) {
                Ok(t) => t,
                Err(e) => return Output::err(format!("error: {e}\n")),
            };
            let single = requests.len() == 1 && requests[0].1.len() == 1 && listed.len() == 1;
            let result = super::jsonpath::root(&listed, single)
                .and_then(|root| template.execute(&root));
            match result {
                Ok(s) => text.push_str(&s),
                // cli-runtime's GoTemplatePrinter prints what it ran on, then the error.
                Err(e) => {
                    text.push_str(&format!(
                        "Error executing template: {e}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{src}\n\nerror: error executing template {src:?}: {e}\n"
                    ));
                    return Output::err(text);
                }
            }
            found_any = true;
        }
        other => {
            return Output::err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"
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

/// `-o` with kubectl's `--template` rules: `--template` alone means `go-template`; `-o
/// go-template`, `template`, `jsonpath` and `jsonpath-as-json` take their text from it.
pub fn output_format(args: &Args) -> Result<String, Output> {
    let o = args.value("output").unwrap_or("");
    let template = args.value("template");
    let o = if o.is_empty() && template.is_some() {
        "go-template"
    } else {
        o
    };
    let o = match o.strip_prefix("template=") {
        Some(t) => return Ok(format!("go-template={t}")),
        None if o == "template" => "go-template",
        None => o,
    };
    if matches!(o, "go-template" | "jsonpath" | "jsonpath-as-json") {
        return match template {
            Some(t) if !t.is_empty() => Ok(format!("{o}={t}")),
            _ => Err(Output::err(
                "error: template format specified but no template given\n",
            )),
        };
    }
    Ok(o.to_string())
}

/// The table of one kind as `get` prints it: `-L` columns, and names with their kind for
/// `--show-kind` or several kinds.
pub fn kind_table(args: &Args, kind: Kind, objects: &[&Object], cols: Columns, now: u64) -> Table {
    let mut t = table(kind, objects, cols, now);
    // `-L key,...`: a column per label, headed by its key's last segment.
    let label_cols: Vec<&str> = args
        .flags
        .get("label-columns")
        .into_iter()
        .flatten()
        .flat_map(|v| v.split(','))
        .filter(|k| !k.is_empty())
        .collect();
    for key in &label_cols {
        t.header
            .push(key.rsplit('/').next().unwrap_or(key).to_ascii_uppercase());
    }
    let name_col = usize::from(cols.all_namespaces && kind.namespaced());
    for (row, o) in t.rows.iter_mut().zip(objects) {
        for key in &label_cols {
            row.push(o.meta().labels.get(*key).cloned().unwrap_or_default());
        }
        if cols.show_kind && kind != Kind::Event {
            row[name_col] = qualified_name(kind, &o.meta().name);
        }
    }
    t
}

/// `-o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName`: one column per
/// `HEADER:JSONPATH`, `<none>` where the path finds nothing (kubectl's CustomColumnsPrinter).
fn custom_columns(spec: &str, objects: &[&Object], headers: bool) -> Result<String, String> {
    let mut columns: Vec<(String, String)> = Vec::new();
    for part in spec.split(',') {
        let Some((header, path)) = part.split_once(':') else {
            return Err(format!(
                "unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            ));
        };
        let path = path.trim();
        let inner = path
            .strip_prefix('{')
            .and_then(|p| p.strip_suffix('}'))
            .unwrap_or(path);
        let inner = if inner.starts_with('.') || inner.starts_with('[') {
            inner.to_string()
        } else {
            format!(".{inner}")
        };
        columns.push((header.to_string(), format!("{{{inner}}}")));
    }
    let mut t =
        super::table::Table::new(&columns.iter().map(|(h, _)| h.as_str()).collect::<Vec<_>>());
    for o in objects {
        let mut row = Vec::new();
        for (_, template) in &columns {
            let v = super::jsonpath::render(template, &[*o], true)?;
            row.push(if v.is_empty() { "<none>".into() } else { v });
        }
        t.push(row);
    }
    Ok(t.render(headers))
}

/// `--field-selector a=b,c!=d`: the fields the API server indexes for each kind.
pub struct FieldSelector {
    terms: Vec<(String, bool, String)>,
}

impl FieldSelector {
    pub fn parse(text: &str, kind: Kind) -> Result<FieldSelector, String> {
        let mut terms = Vec::new();
        for part in text.split(',').filter(|p| !p.is_empty()) {
            let (field, equal, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = part.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!(
                    "error: invalid selector: '{text}'; can't understand '{part}'\n"
                ));
            };
            let known = matches!(field, "metadata.name" | "metadata.namespace")
                || (kind == Kind::Pod
                    && matches!(
                        field,
                        "spec.nodeName"
                            | "status.phase"
                            | "spec.restartPolicy"
                            | "spec.schedulerName"
                            | "spec.serviceAccountName"
                            | "status.podIP"
                    ));
            if !known {
                return Err(format!(
                    "Error from server (BadRequest): Unable to find \"{}, Resource={}\" that match label selector \"\", field selector \"{text}\": field label not supported: {field}\n",
                    if kind.group().is_empty() { "/v1".to_string() } else { format!("{}/v1", kind.group()) },
                    kind.plural()
                ));
            }
            terms.push((field.to_string(), equal, value.to_string()));
        }
        Ok(FieldSelector { terms })
    }

    pub fn matches(&self, o: &Object) -> bool {
        self.terms.iter().all(|(field, equal, value)| {
            let m = o.meta();
            let actual = match (field.as_str(), o) {
                ("metadata.name", _) => m.name.to_string(),
                ("metadata.namespace", _) => m.namespace.to_string(),
                ("spec.nodeName", Object::Pod(p)) => p.spec.node_name.clone(),
                ("status.phase", Object::Pod(p)) => p.status.phase.to_string(),
                ("spec.restartPolicy", Object::Pod(p)) => p.spec.restart_policy.clone(),
                ("spec.schedulerName", Object::Pod(p)) => p.spec.scheduler_name.clone(),
                ("spec.serviceAccountName", Object::Pod(p)) => p.spec.service_account_name.clone(),
                ("status.podIP", Object::Pod(p)) => p.status.pod_ip.to_string(),
                _ => String::new(),
            };
            (actual == *value) == *equal
        })
    }
}

fn none_if_empty(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

fn labels_text(meta: &ObjectMeta) -> String {
    if meta.labels.is_empty() {
        return "<none>".into();
    }
    meta.labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn selector_text(sel: &crate::sorted::SortedMap<String, String>) -> String {
    if sel.is_empty() {
        return "<none>".into();
    }
    sel.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The header of a kind's table.
pub fn header(kind: Kind, cols: Columns) -> Vec<&'static str> {
    let mut h: Vec<&'static str> = match kind {
        Kind::Pod => vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
        Kind::Node => vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
        Kind::ReplicaSet => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
        Kind::Deployment => vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
        // ref §3.3.
        Kind::StatefulSet => vec!["NAME", "READY", "AGE"],
        // kubectl's ControllerRevision columns (ref §3.4).
        Kind::ControllerRevision => vec!["NAME", "CONTROLLER", "REVISION", "AGE"],
        Kind::Service => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        Kind::EndpointSlice => vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
        Kind::PersistentVolumeClaim => vec![
            "NAME",
            "STATUS",
            "VOLUME",
            "CAPACITY",
            "ACCESS MODES",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "AGE",
        ],
        Kind::PersistentVolume => vec![
            "NAME",
            "CAPACITY",
            "ACCESS MODES",
            "RECLAIM POLICY",
            "STATUS",
            "CLAIM",
            "STORAGECLASS",
            "VOLUMEATTRIBUTESCLASS",
            "REASON",
            "AGE",
        ],
        Kind::StorageClass => vec![
            "NAME",
            "PROVISIONER",
            "RECLAIMPOLICY",
            "VOLUMEBINDINGMODE",
            "ALLOWVOLUMEEXPANSION",
            "AGE",
        ],
        Kind::PodDisruptionBudget => vec![
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE",
        ],
        Kind::Lease => vec!["NAME", "HOLDER", "AGE"],
        Kind::ConfigMap => vec!["NAME", "DATA", "AGE"],
        Kind::Event => vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
    };
    if cols.wide {
        h.extend_from_slice(match kind {
            Kind::Pod => &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"][..],
            Kind::Node => &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
            Kind::ReplicaSet | Kind::Deployment => &["CONTAINERS", "IMAGES", "SELECTOR"],
            // The printer's StatefulSet wide columns have no SELECTOR.
            Kind::StatefulSet => &["CONTAINERS", "IMAGES"],
            Kind::Service => &["SELECTOR"],
            Kind::PersistentVolumeClaim | Kind::PersistentVolume => &["VOLUMEMODE"],
            Kind::Event => &[
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ],
            _ => &[],
        });
        if kind == Kind::Event {
            // Wide events repeat MESSAGE in a different place; kubectl prints this order.
            h = vec![
                "LAST SEEN",
                "TYPE",
                "REASON",
                "OBJECT",
                "SUBOBJECT",
                "SOURCE",
                "MESSAGE",
                "FIRST SEEN",
                "COUNT",
                "NAME",
            ];
        }
    }
    if cols.all_namespaces && kind.namespaced() {
        h.insert(0, "NAMESPACE");
    }
    if cols.show_labels {
        h.push("LABELS");
    }
    h
}

/// The row of one object.
pub fn row(obj: &Object, cols: Columns, now: u64) -> Vec<String> {
    let meta = obj.meta();
    let age = age(meta.creation_timestamp, now);
    let mut r: Vec<String> = match obj {
        Object::Pod(p) => {
            let (ready, total) = p.ready_containers();
            let mut r = vec![
                meta.name.to_string(),
                format!("{ready}/{total}"),
                p.display_status(),
                restarts(p, now),
                age,
            ];
            if cols.wide {
                r.push(none_if_empty(&p.status.pod_ip));
                r.push(none_if_empty(&p.spec.node_name));
                r.push("<none>".into());
                r.push("<none>".into());
            }
            r
        }
        Object::Node(n) => {
            let roles = n.roles();
            let mut r = vec![
                meta.name.to_string(),
                n.display_status(),
                if roles.is_empty() {
                    "<none>".into()
                } else {
                    roles.join(",")
                },
                age,
                n.status.node_info.kubelet_version.clone(),
            ];
            if cols.wide {
                let info = &n.status.node_info;
                r.push(n.internal_ip().unwrap_or("<none>").to_string());
                r.push("<none>".into());
                r.push(none_if_empty(&info.os_image));
                r.push(none_if_empty(&info.kernel_version));
                r.push(none_if_empty(&info.container_runtime_version));
            }
            r
        }
        Object::ReplicaSet(rs) => {
            let mut r = vec![
                meta.name.to_string(),
                rs.replicas().to_string(),
                rs.status.replicas.to_string(),
                rs.status.ready_replicas.to_string(),
                age,
            ];
            if cols.wide {
                r.extend(template_columns(
                    &rs.spec.template.spec,
                    &rs.spec.selector.match_labels,
                ));
            }
            r
        }
        Object::Deployment(d) => {
            let mut r = vec![
                meta.name.to_string(),
                format!("{}/{}", d.status.ready_replicas, d.replicas()),
                d.status.updated_replicas.to_string(),
                d.status.available_replicas.to_string(),
                age,
            ];
            if cols.wide {
                r.extend(template_columns(
                    &d.spec.template.spec,
                    &d.spec.selector.match_labels,
                ));
            }
            r
        }
        Object::StatefulSet(ss) => {
            let mut r = vec![
                meta.name.to_string(),
                format!("{}/{}", ss.status.ready_replicas, ss.replicas()),
                age,
            ];
            if cols.wide {
                let mut t =
                    template_columns(&ss.spec.template.spec, &ss.spec.selector.match_labels);
                t.pop();
                r.extend(t);
            }
            r
        }
        Object::Service(s) => {
            let type_ = if s.spec.type_.is_empty() {
                "ClusterIP".to_string()
            } else {
                s.spec.type_.clone()
            };
            let external = match type_.as_str() {
                "LoadBalancer" => "<pending>".to_string(),
                _ => "<none>".to_string(),
            };
            let ports = if s.spec.ports.is_empty() {
                "<none>".to_string()
            } else {
                s.spec
                    .ports
                    .iter()
                    .map(|p| {
                        let proto = if p.protocol.is_empty() {
                            "TCP"
                        } else {
                            &p.protocol
                        };
                        match p.node_port {
                            Some(np) => format!("{}:{np}/{proto}", p.port),
                            None => format!("{}/{proto}", p.port),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let mut r = vec![
                meta.name.to_string(),
                type_,
                none_if_empty(&s.spec.cluster_ip),
                external,
                ports,
                age,
            ];
            if cols.wide {
                r.push(selector_text(&s.spec.selector));
            }
            r
        }
        Object::EndpointSlice(e) => {
            let ports = if e.ports.is_empty() {
                "<unset>".to_string()
            } else {
                e.ports
                    .iter()
                    .map(|p| p.port.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let addrs: Vec<&str> = e
                .endpoints
                .iter()
                .flat_map(|ep| ep.addresses.iter().map(|a| a.as_str()))
                .collect();
            let endpoints = if addrs.is_empty() {
                "<unset>".to_string()
            } else if addrs.len() > 3 {
                format!("{} + {} more...", addrs[..3].join(","), addrs.len() - 3)
            } else {
                addrs.join(",")
            };
            vec![
                meta.name.to_string(),
                if e.address_type.is_empty() {
                    "IPv4".into()
                } else {
                    e.address_type.clone()
                },
                ports,
                endpoints,
                age,
            ]
        }
        Object::PersistentVolumeClaim(c) => {
            let bound = c.status.phase == "Bound";
            let mut r = vec![
                meta.name.to_string(),
                if c.status.phase.is_empty() {
                    "Pending".into()
                } else {
                    c.status.phase.clone()
                },
                c.spec.volume_name.clone(),
                if bound {
                    quantity(c.status.capacity.get("storage"))
                } else {
                    String::new()
                },
                if bound {
                    access_modes_short(&c.status.access_modes)
                } else {
                    String::new()
                },
                c.spec
                    .storage_class_name
                    .clone()
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "<unset>".into()),
                "<unset>".into(),
                age,
            ];
            if cols.wide {
                r.push(if c.spec.volume_mode.is_empty() {
                    "Filesystem".into()
                } else {
                    c.spec.volume_mode.clone()
                });
            }
            r
        }
        Object::PersistentVolume(pv) => {
            let claim = pv
                .spec
                .claim_ref
                .as_ref()
                .map(|c| format!("{}/{}", c.namespace, c.name))
                .unwrap_or_default();
            let mut r = vec![
                meta.name.to_string(),
                quantity(pv.spec.capacity.get("storage")),
                access_modes_short(&pv.spec.access_modes),
                pv.spec.persistent_volume_reclaim_policy.clone(),
                pv.status.phase.clone(),
                claim,
                pv.spec.storage_class_name.clone(),
                "<unset>".into(),
                pv.status.reason.clone(),
                age,
            ];
            if cols.wide {
                r.push(if pv.spec.volume_mode.is_empty() {
                    "Filesystem".into()
                } else {
                    pv.spec.volume_mode.clone()
                });
            }
            r
        }
        Object::ControllerRevision(cr) => vec![
            meta.name.to_string(),
            meta.controller_ref().map_or("<none>".into(), |c| {
                let kind = Kind::from_kind_name(&c.kind)
                    .map_or(c.kind.to_ascii_lowercase(), |k| k.singular_qualified());
                format!("{kind}/{}", c.name)
            }),
            cr.revision.to_string(),
            age,
        ],
        Object::StorageClass(sc) => vec![
            if sc.is_default() {
                format!("{} (default)", meta.name)
            } else {
                meta.name.to_string()
            },
            sc.provisioner.clone(),
            if sc.reclaim_policy.is_empty() {
                "Delete".into()
            } else {
                sc.reclaim_policy.clone()
            },
            if sc.volume_binding_mode.is_empty() {
                "Immediate".into()
            } else {
                sc.volume_binding_mode.clone()
            },
            sc.allow_volume_expansion.unwrap_or(false).to_string(),
            age,
        ],
        Object::PodDisruptionBudget(pdb) => {
            let fmt = |v: &Option<crate::model::IntOrString>| {
                v.as_ref()
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "N/A".into())
            };
            vec![
                meta.name.to_string(),
                fmt(&pdb.spec.min_available),
                fmt(&pdb.spec.max_unavailable),
                pdb.status.disruptions_allowed.to_string(),
                age,
            ]
        }
        Object::Lease(l) => vec![
            meta.name.to_string(),
            l.spec.holder_identity.clone().unwrap_or_default(),
            age,
        ],
        Object::ConfigMap(cm) => vec![meta.name.to_string(), cm.data.len().to_string(), age],
        Object::Event(e) => {
            let last = e
                .last_timestamp
                .or(e.first_timestamp)
                .or(meta.creation_timestamp);
            let object = format!(
                "{}/{}",
                e.involved_object.kind.to_ascii_lowercase(),
                e.involved_object.name
            );
            if cols.wide {
                let source = if e.source.host.is_empty() {
                    e.source.component.to_string()
                } else {
                    format!("{}, {}", e.source.component, e.source.host)
                };
                vec![
                    self::age(last, now),
                    e.type_.to_string(),
                    e.reason.to_string(),
                    object,
                    String::new(),
                    source,
                    e.message.to_string(),
                    self::age(e.first_timestamp, now),
                    e.count.to_string(),
                    meta.name.to_string(),
                ]
            } else {
                vec![
                    self::age(last, now),
                    e.type_.to_string(),
                    e.reason.to_string(),
                    object,
                    e.message.to_string(),
                ]
            }
        }
    };
    if cols.all_namespaces && obj.kind().namespaced() {
        r.insert(0, meta.namespace.to_string());
    }
    if cols.show_labels {
        r.push(labels_text(meta));
    }
    r
}

fn quantity(q: Option<&Quantity>) -> String {
    q.map(|q| q.to_string()).unwrap_or_default()
}

fn template_columns(
    spec: &crate::model::PodSpec,
    selector: &crate::sorted::SortedMap<String, String>,
) -> Vec<String> {
    vec![
        spec.containers
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        spec.containers
            .iter()
            .map(|c| c.image.as_str())
            .collect::<Vec<_>>()
            .join(","),
        selector_text(selector),
    ]
}

/// RESTARTS: the count, and `(5m ago)` after the last restart, as kubectl 1.25+ prints it.
fn restarts(p: &Pod, now: u64) -> String {
    let n = p.restart_count();
    let last = p
        .status
        .container_statuses
        .iter()
        .filter_map(|c| c.last_state.terminated.as_ref())
        .filter_map(|t| t.finished_at)
        .map(|t| t.millis())
        .max();
    match last {
        Some(t) if n > 0 => format!("{n} ({} ago)", human_duration(now.saturating_sub(t))),
        _ => n.to_string(),
    }
}

/// A table for objects of one kind.
pub fn table(kind: Kind, objects: &[&Object], cols: Columns, now: u64) -> Table {
    let mut t = Table::new(&header(kind, cols));
    for o in objects {
        t.push(row(o, cols, now));
    }
    t
}

/// The names `kubectl get` takes for v1 Endpoints.
const ENDPOINTS: &[&str] = &["ep", "endpoints", "endpoint"];

/// `kubectl get ep`: the v1 Endpoints the API server (1.33+) still serves, derived here from
/// each Service's EndpointSlices as the endpoints mirroring does, with kubectl's deprecation
/// warning and its NAME ENDPOINTS AGE table (ready addresses only, three at most).
fn endpoints(target: &mut dyn Target, ns: &str, all_ns: bool, names: &[String]) -> Output {
    let sim = target.sim();
    let now = sim.now();
    // Service -> (its oldest slice's creation, ready addresses, ports).
    type Found = (Option<crate::model::Time>, Vec<String>, Vec<i32>);
    let mut by_service: crate::sorted::SortedMap<(String, String), Found> =
        crate::sorted::SortedMap::new();
    for o in sim.cluster().list_kind(Kind::EndpointSlice) {
        let Object::EndpointSlice(e) = o else {
            continue;
        };
        let m = &e.metadata;
        if !all_ns && m.namespace != ns {
            continue;
        }
        let Some(svc) = m.labels.get("kubernetes.io/service-name") else {
            continue;
        };
        let entry = by_service
            .entry((m.namespace.to_string(), svc.clone()))
            .or_insert((m.creation_timestamp, Vec::new(), Vec::new()));
        if let (Some(a), Some(b)) = (entry.0, m.creation_timestamp) {
            if b.millis() < a.millis() {
                entry.0 = Some(b);
            }
        }
        entry.1.extend(
            e.endpoints
                .iter()
                .filter(|ep| ep.conditions.ready)
                .flat_map(|ep| ep.addresses.iter().cloned()),
        );
        for p in &e.ports {
            if !entry.2.contains(&p.port) {
                entry.2.push(p.port);
            }
        }
    }
    let mut text = String::from(
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n",
    );
    let mut errors = String::new();
    let mut header = vec!["NAME", "ENDPOINTS", "AGE"];
    if all_ns {
        header.insert(0, "NAMESPACE");
    }
    let mut t = Table::new(&header);
    let wanted = |name: &str| names.is_empty() || names.iter().any(|n| n == name);
    for ((namespace, name), (created, mut addrs, ports)) in by_service.into_iter() {
        if !wanted(&name) {
            continue;
        }
        crate::sort::sort(&mut addrs);
        // Port by port, each with every ready address, as kubectl's formatEndpoints lists them.
        let list: Vec<String> = if ports.is_empty() {
            addrs
        } else {
            ports
                .iter()
                .flat_map(|p| addrs.iter().map(move |a| format!("{a}:{p}")))
                .collect()
        };
        let shown = if list.is_empty() {
            "<none>".to_string()
        } else if list.len() > 3 {
            format!("{} + {} more...", list[..3].join(","), list.len() - 3)
        } else {
            list.join(",")
        };
        let mut row = vec![name, shown, age(created, now)];
        if all_ns {
            row.insert(0, namespace);
        }
        t.push(row);
    }
    for n in names {
        if !t.rows.iter().any(|r| r[usize::from(all_ns)] == *n) {
            errors.push_str(&format!(
                "Error from server (NotFound): endpoints \"{n}\" not found\n"
            ));
        }
    }
    if t.rows.is_empty() {
        if errors.is_empty() {
            text.push_str(&if all_ns {
                "No resources found\n".to_string()
            } else {
                format!("No resources found in {ns} namespace.\n")
            });
            return Output::ok(text);
        }
    } else {
        text.push_str(&t.render(true));
    }
    text.push_str(&errors);
    Output {
        text,
        ok: errors.is_empty(),
    }
}
