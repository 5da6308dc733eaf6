//! Field validation with the API server's message texts (k8s.io/apimachinery field errors and
//! the validation of pkg/apis/{core,apps,policy,storage}).

use std::fmt;

use crate::model::{
    Container, Deployment, IntOrString, LabelSelector, Object, ObjectMeta, PersistentVolume,
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PodDisruptionBudget, PodSpec,
    PodTemplateSpec, Probe, ReplicaSet, Service, StorageClass,
};
use crate::sorted::{SortedMap, SortedSet};

use super::{Diagnostic, FieldPath, Manifest, ManifestObject, Severity, StatefulSet};

/// One field error, printed as the API server prints it: `spec.replicas: Invalid value: -1: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: FieldPath,
    /// Everything after `path: `.
    pub detail: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.0.is_empty() {
            f.write_str(&self.detail)
        } else {
            write!(f, "{}: {}", self.path, self.detail)
        }
    }
}

fn required(path: FieldPath, detail: &str) -> FieldError {
    FieldError {
        path,
        detail: if detail.is_empty() {
            "Required value".into()
        } else {
            format!("Required value: {detail}")
        },
    }
}

fn invalid(path: FieldPath, value: impl fmt::Display, detail: &str) -> FieldError {
    FieldError {
        path,
        detail: format!("Invalid value: {value}: {detail}"),
    }
}

fn not_supported(path: FieldPath, value: &str, supported: &[&str]) -> FieldError {
    let list: Vec<String> = supported.iter().map(|s| q(s)).collect();
    FieldError {
        path,
        detail: format!(
            "Unsupported value: {}: supported values: {}",
            q(value),
            list.join(", ")
        ),
    }
}

fn forbidden(path: FieldPath, detail: &str) -> FieldError {
    FieldError {
        path,
        detail: format!("Forbidden: {detail}"),
    }
}

fn duplicate(path: FieldPath, value: &str) -> FieldError {
    FieldError {
        path,
        detail: format!("Duplicate value: {}", q(value)),
    }
}

fn not_found(path: FieldPath, value: &str) -> FieldError {
    FieldError {
        path,
        detail: format!("Not found: {}", q(value)),
    }
}

/// Go's `%q` for the strings that occur here.
fn q(s: &str) -> String {
    format!("{s:?}")
}

/// Go's `%#v` of a `map[string]string`.
fn go_map(m: &SortedMap<String, String>) -> String {
    let items: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", q(k), q(v)))
        .collect();
    format!("map[string]string{{{}}}", items.join(", "))
}

fn go_selector(s: &LabelSelector) -> String {
    let labels = if s.match_labels.is_empty() {
        "map[string]string(nil)".to_string()
    } else {
        go_map(&s.match_labels)
    };
    let exprs = if s.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = s
            .match_expressions
            .iter()
            .map(|e| {
                let vals: Vec<String> = e.values.iter().map(|v| q(v)).collect();
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:[]string{{{}}}}}",
                    q(&e.key),
                    q(&e.operator),
                    vals.join(", ")
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}")
}

fn go_int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => i.to_string(),
        IntOrString::String(s) => q(s),
    }
}

// ---- names and labels (k8s.io/apimachinery/pkg/util/validation) ----

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const QUALIFIED_NAME_SLASHES_MSG: &str = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const PERCENT_MSG: &str = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

fn max_len(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn is_dns1123_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(is_dns1123_label)
}

/// `IsDNS1123Label`: the messages for a value that fails.
pub fn dns1123_label_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !is_dns1123_label(s) {
        if is_dns1123_subdomain(s) {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(DNS1123_LABEL_MSG.to_string());
        }
    }
    errs
}

/// `IsDNS1123Subdomain`.
pub fn dns1123_subdomain_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len(253));
    }
    if !is_dns1123_subdomain(s) {
        errs.push(DNS1123_SUBDOMAIN_MSG.to_string());
    }
    errs
}

/// `IsDNS1035Label` (Service names).
pub fn dns1035_label_errors(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !is_dns1123_label(s) || !s.as_bytes()[0].is_ascii_lowercase() {
        errs.push(DNS1035_LABEL_MSG.to_string());
    }
    errs
}

fn is_label_value_chars(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
}

/// `IsQualifiedName` (label keys): a key with two `/` or more is one error of its own.
pub fn qualified_name_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let (prefix, name) = match key.split_once('/') {
        Some((_, n)) if n.contains('/') => return vec![QUALIFIED_NAME_SLASHES_MSG.to_string()],
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            errs.push("prefix part must be non-empty".to_string());
        } else {
            for e in dns1123_subdomain_errors(p) {
                errs.push(format!("prefix part {e}"));
            }
        }
    }
    // As upstream, an empty name part fails the pattern too.
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len(63)));
    }
    if !is_label_value_chars(name) {
        errs.push(QUALIFIED_NAME_MSG.to_string());
    }
    errs
}

/// `IsValidLabelValue`.
pub fn label_value_errors(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push(max_len(63));
    }
    if !v.is_empty() && !is_label_value_chars(v) {
        errs.push(LABEL_VALUE_MSG.to_string());
    }
    errs
}

fn validate_labels(
    labels: &SortedMap<String, String>,
    path: &FieldPath,
    errs: &mut Vec<FieldError>,
) {
    for (k, v) in labels {
        for e in qualified_name_errors(k) {
            errs.push(invalid(path.clone(), q(k), &e));
        }
        for e in label_value_errors(v) {
            errs.push(invalid(path.clone(), q(v), &e));
        }
    }
}

/// `IsValidPortName`.
fn port_name_errors(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name.len() > 15 {
        errs.push(max_len(15));
    }
    if !name
        .bytes()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
    {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if name.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if !name.bytes().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if name.starts_with('-') || name.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

#[derive(Clone, Copy, PartialEq)]
enum NameRule {
    Subdomain,
    Dns1035,
}

fn validate_meta(meta: &ObjectMeta, namespaced: bool, rule: NameRule, errs: &mut Vec<FieldError>) {
    let path = FieldPath::root().field("metadata");
    if meta.name.is_empty() && meta.generate_name.is_empty() {
        errs.push(required(
            path.field("name"),
            "name or generateName is required",
        ));
    } else if !meta.name.is_empty() {
        let name_errs = match rule {
            NameRule::Subdomain => dns1123_subdomain_errors(&meta.name),
            NameRule::Dns1035 => dns1035_label_errors(&meta.name),
        };
        for e in name_errs {
            errs.push(invalid(path.field("name"), q(&meta.name), &e));
        }
    }
    if namespaced && !meta.namespace.is_empty() {
        for e in dns1123_label_errors(&meta.namespace) {
            errs.push(invalid(path.field("namespace"), q(&meta.namespace), &e));
        }
    }
    if !namespaced && !meta.namespace.is_empty() {
        // The API server ignores it for cluster-scoped kinds; kubectl would too.
    }
    validate_labels(&meta.labels, &path.field("labels"), errs);
}

// ---- pods ----

const RESTART_POLICIES: &[&str] = &["Always", "OnFailure", "Never"];
const PULL_POLICIES: &[&str] = &["Always", "IfNotPresent", "Never"];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const DNS_POLICIES: &[&str] = &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const TAINT_EFFECTS: &[&str] = &["NoExecute", "NoSchedule", "PreferNoSchedule"];
const NODE_SELECTOR_OPS: &[&str] = &["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"];
const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

fn validate_port_number(port: i32, path: FieldPath, errs: &mut Vec<FieldError>) {
    if !(1..=65535).contains(&port) {
        errs.push(invalid(
            path,
            port,
            "must be between 1 and 65535, inclusive",
        ));
    }
}

fn validate_int_or_string_port(p: &IntOrString, path: FieldPath, errs: &mut Vec<FieldError>) {
    match p {
        IntOrString::Int(i) => validate_port_number(*i, path, errs),
        IntOrString::String(s) => {
            for e in port_name_errors(s) {
                errs.push(invalid(path.clone(), q(s), &e));
            }
        }
    }
}

fn validate_probe(p: &Probe, path: FieldPath, errs: &mut Vec<FieldError>) {
    let handlers = usize::from(p.http_get.is_some())
        + usize::from(p.tcp_socket.is_some())
        + usize::from(p.exec.is_some());
    if handlers == 0 {
        errs.push(required(path.clone(), "must specify a handler type"));
    } else if handlers > 1 {
        errs.push(forbidden(
            path.clone(),
            "may not specify more than 1 handler type",
        ));
    }
    if let Some(h) = &p.http_get {
        validate_int_or_string_port(&h.port, path.field("httpGet").field("port"), errs);
        if !h.scheme.is_empty() && h.scheme != "HTTP" && h.scheme != "HTTPS" {
            errs.push(not_supported(
                path.field("httpGet").field("scheme"),
                &h.scheme,
                &["HTTP", "HTTPS"],
            ));
        }
    }
    if let Some(t) = &p.tcp_socket {
        validate_int_or_string_port(&t.port, path.field("tcpSocket").field("port"), errs);
    }
    if let Some(e) = &p.exec {
        if e.command.is_empty() {
            errs.push(required(path.field("exec").field("command"), ""));
        }
    }
    for (name, v, min) in [
        ("initialDelaySeconds", p.initial_delay_seconds, 0),
        ("timeoutSeconds", p.timeout_seconds, 0),
        ("periodSeconds", p.period_seconds, 0),
        ("successThreshold", p.success_threshold, 0),
        ("failureThreshold", p.failure_threshold, 0),
    ] {
        if let Some(v) = v.filter(|v| *v < min) {
            errs.push(invalid(
                path.field(name),
                v,
                "must be greater than or equal to 0",
            ));
        }
    }
}

fn validate_container(
    c: &Container,
    path: FieldPath,
    volumes: &SortedSet<&str>,
    errs: &mut Vec<FieldError>,
) {
    if c.name.is_empty() {
        errs.push(required(path.field("name"), ""));
    } else {
        for e in dns1123_label_errors(&c.name) {
            errs.push(invalid(path.field("name"), q(&c.name), &e));
        }
    }
    if c.image.trim().is_empty() {
        errs.push(required(path.field("image"), ""));
    }
    if !c.image_pull_policy.is_empty() && !PULL_POLICIES.contains(&c.image_pull_policy.as_str()) {
        errs.push(not_supported(
            path.field("imagePullPolicy"),
            &c.image_pull_policy,
            PULL_POLICIES,
        ));
    }
    let mut port_names = SortedSet::new();
    for (i, p) in c.ports.iter().enumerate() {
        let pp = path.field("ports").index(i);
        validate_port_number(p.container_port, pp.field("containerPort"), errs);
        if !p.protocol.is_empty() && !PROTOCOLS.contains(&p.protocol.as_str()) {
            errs.push(not_supported(pp.field("protocol"), &p.protocol, PROTOCOLS));
        }
        if !p.name.is_empty() {
            for e in port_name_errors(&p.name) {
                errs.push(invalid(pp.field("name"), q(&p.name), &e));
            }
            if !port_names.insert(p.name.as_str()) {
                errs.push(duplicate(pp.field("name"), &p.name));
            }
        }
    }
    for (i, e) in c.env.iter().enumerate() {
        if e.name.is_empty() {
            errs.push(required(path.field("env").index(i).field("name"), ""));
        }
        if e.value.as_deref().is_some_and(|v| !v.is_empty()) && e.value_from.is_some() {
            errs.push(invalid(
                path.field("env").index(i).field("valueFrom"),
                "\"\"",
                "may not be specified when `value` is not empty",
            ));
        }
    }
    for (i, m) in c.volume_mounts.iter().enumerate() {
        let mp = path.field("volumeMounts").index(i);
        if m.name.is_empty() {
            errs.push(required(mp.field("name"), ""));
        } else if !volumes.contains(m.name.as_str()) {
            errs.push(not_found(mp.field("name"), &m.name));
        }
        if m.mount_path.is_empty() {
            errs.push(required(mp.field("mountPath"), ""));
        }
    }
    for (name, probe) in [
        ("readinessProbe", &c.readiness_probe),
        ("livenessProbe", &c.liveness_probe),
    ] {
        if let Some(p) = probe {
            validate_probe(p, path.field(name), errs);
        }
    }
    for (res, req) in &c.resources.requests {
        if let Some(lim) = c.resources.limits.get(res) {
            if req.milli() > lim.milli() {
                errs.push(invalid(
                    path.field("resources").field("requests"),
                    q(req.as_str()),
                    &format!(
                        "must be less than or equal to {res} limit of {}",
                        lim.as_str()
                    ),
                ));
            }
        }
    }
}

/// `ValidatePodSpec`; `extra_volumes` are names a StatefulSet's claim templates provide.
fn validate_pod_spec(
    spec: &PodSpec,
    path: &FieldPath,
    extra_volumes: &[&str],
    errs: &mut Vec<FieldError>,
) {
    let mut volumes: SortedSet<&str> = extra_volumes.iter().copied().collect();
    for (i, v) in spec.volumes.iter().enumerate() {
        let vp = path.field("volumes").index(i);
        if v.name.is_empty() {
            errs.push(required(vp.field("name"), ""));
        } else {
            for e in dns1123_label_errors(&v.name) {
                errs.push(invalid(vp.field("name"), q(&v.name), &e));
            }
            if !volumes.insert(v.name.as_str()) {
                errs.push(duplicate(vp.field("name"), &v.name));
            }
        }
        let sources = usize::from(v.persistent_volume_claim.is_some())
            + usize::from(v.empty_dir.is_some())
            + usize::from(v.host_path.is_some())
            + usize::from(v.config_map.is_some());
        if sources > 1 {
            errs.push(forbidden(
                vp.clone(),
                "may not specify more than 1 volume type",
            ));
        }
        if let Some(c) = &v.persistent_volume_claim {
            if c.claim_name.is_empty() {
                errs.push(required(
                    vp.field("persistentVolumeClaim").field("claimName"),
                    "",
                ));
            }
        }
        if let Some(h) = &v.host_path {
            if h.path.is_empty() {
                errs.push(required(vp.field("hostPath").field("path"), ""));
            }
        }
        if let Some(c) = &v.config_map {
            if c.name.is_empty() {
                errs.push(required(vp.field("configMap").field("name"), ""));
            }
        }
    }
    if spec.containers.is_empty() {
        errs.push(required(path.field("containers"), ""));
    }
    let mut names = SortedSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let cp = path.field("containers").index(i);
        validate_container(c, cp.clone(), &volumes, errs);
        if !c.name.is_empty() && !names.insert(c.name.as_str()) {
            errs.push(duplicate(cp.field("name"), &c.name));
        }
    }
    if !spec.restart_policy.is_empty() && !RESTART_POLICIES.contains(&spec.restart_policy.as_str())
    {
        errs.push(not_supported(
            path.field("restartPolicy"),
            &spec.restart_policy,
            RESTART_POLICIES,
        ));
    }
    if !spec.dns_policy.is_empty() && !DNS_POLICIES.contains(&spec.dns_policy.as_str()) {
        errs.push(not_supported(
            path.field("dnsPolicy"),
            &spec.dns_policy,
            DNS_POLICIES,
        ));
    }
    if let Some(g) = spec.termination_grace_period_seconds.filter(|g| *g < 0) {
        errs.push(invalid(
            path.field("terminationGracePeriodSeconds"),
            g,
            "must be greater than or equal to 0",
        ));
    }
    for (i, t) in spec.tolerations.iter().enumerate() {
        let tp = path.field("tolerations").index(i);
        if !t.key.is_empty() {
            for e in qualified_name_errors(&t.key) {
                errs.push(invalid(tp.field("key"), q(&t.key), &e));
            }
        }
        match t.operator.as_str() {
            "" | "Equal" => {
                if t.key.is_empty() {
                    errs.push(invalid(
                        tp.field("operator"),
                        q(&t.operator),
                        "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                    ));
                }
            }
            "Exists" => {
                if !t.value.is_empty() {
                    errs.push(invalid(
                        tp.field("operator"),
                        q(&t.value),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(not_supported(
                tp.field("operator"),
                other,
                &["Equal", "Exists"],
            )),
        }
        if !t.effect.is_empty() && !TAINT_EFFECTS.contains(&t.effect.as_str()) {
            errs.push(not_supported(tp.field("effect"), &t.effect, TAINT_EFFECTS));
        }
        if t.toleration_seconds.is_some() && t.effect != "NoExecute" {
            errs.push(invalid(
                tp.field("effect"),
                q(&t.effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
    }
    if let Some(na) = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
    {
        let ap = path.field("affinity").field("nodeAffinity");
        if let Some(req) = &na.required_during_scheduling_ignored_during_execution {
            let rp = ap.field("requiredDuringSchedulingIgnoredDuringExecution");
            if req.node_selector_terms.is_empty() {
                errs.push(required(
                    rp.field("nodeSelectorTerms"),
                    "must have at least one node selector term",
                ));
            }
            for (i, term) in req.node_selector_terms.iter().enumerate() {
                for (j, r) in term.match_expressions.iter().enumerate() {
                    let ep = rp
                        .field("nodeSelectorTerms")
                        .index(i)
                        .field("matchExpressions")
                        .index(j);
                    if !NODE_SELECTOR_OPS.contains(&r.operator.as_str()) {
                        errs.push(not_supported(
                            ep.field("operator"),
                            &r.operator,
                            NODE_SELECTOR_OPS,
                        ));
                    }
                }
            }
        }
    }
}

fn validate_template(
    t: &PodTemplateSpec,
    selector: &LabelSelector,
    path: &FieldPath,
    extra_volumes: &[&str],
    errs: &mut Vec<FieldError>,
) {
    validate_labels(
        &t.metadata.labels,
        &path.field("metadata").field("labels"),
        errs,
    );
    if !selector.is_empty()
        && selector.to_selector().is_ok()
        && !selector.matches(&t.metadata.labels)
    {
        errs.push(invalid(
            path.field("metadata").field("labels"),
            go_map(&t.metadata.labels),
            "`selector` does not match template `labels`",
        ));
    }
    validate_pod_spec(&t.spec, &path.field("spec"), extra_volumes, errs);
    // Controllers' pods restart in place; the API server allows nothing else (ref §1.1).
    if !t.spec.restart_policy.is_empty()
        && t.spec.restart_policy != "Always"
        && RESTART_POLICIES.contains(&t.spec.restart_policy.as_str())
    {
        errs.push(not_supported(
            path.field("spec").field("restartPolicy"),
            &t.spec.restart_policy,
            &["Always"],
        ));
    }
}

/// The selector checks of apps/v1 workloads. `written` says whether `spec.selector` is in the
/// source (the model's selector cannot tell absent from empty).
fn validate_workload_selector(sel: &LabelSelector, written: bool, errs: &mut Vec<FieldError>) {
    let path = FieldPath::root().field("spec").field("selector");
    if !written && sel.is_empty() {
        errs.push(required(path, ""));
        return;
    }
    if sel.is_empty() {
        errs.push(invalid(
            path,
            go_selector(sel),
            "empty selector is invalid for deployment",
        ));
        return;
    }
    validate_label_selector(sel, &path, errs);
}

fn validate_label_selector(sel: &LabelSelector, path: &FieldPath, errs: &mut Vec<FieldError>) {
    validate_labels(&sel.match_labels, &path.field("matchLabels"), errs);
    for (i, e) in sel.match_expressions.iter().enumerate() {
        let ep = path.field("matchExpressions").index(i);
        match e.operator.as_str() {
            "In" | "NotIn" if e.values.is_empty() => errs.push(required(
                ep.field("values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !e.values.is_empty() => errs.push(forbidden(
                ep.field("values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(invalid(
                ep.field("operator"),
                q(other),
                "not a valid selector operator",
            )),
        }
        for m in qualified_name_errors(&e.key) {
            errs.push(invalid(ep.field("key"), q(&e.key), &m));
        }
    }
}

fn non_negative(v: Option<i32>, path: FieldPath, errs: &mut Vec<FieldError>) {
    if let Some(v) = v.filter(|v| *v < 0) {
        errs.push(invalid(path, v, "must be greater than or equal to 0"));
    }
}

/// `ValidatePositiveIntOrPercent` plus `IsNotMoreThan100Percent`.
fn validate_int_or_percent(v: &IntOrString, path: FieldPath, errs: &mut Vec<FieldError>) {
    match v {
        IntOrString::Int(i) if *i < 0 => {
            errs.push(invalid(path, i, "must be greater than or equal to 0"))
        }
        IntOrString::Int(_) => {}
        IntOrString::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<u64>().ok()) {
            None => errs.push(invalid(path, q(s), PERCENT_MSG)),
            Some(p) if p > 100 => errs.push(invalid(path, q(s), "must not be greater than 100%")),
            Some(_) => {}
        },
    }
}

fn is_zero_int_or_percent(v: &Option<IntOrString>) -> bool {
    match v {
        Some(IntOrString::Int(0)) => true,
        Some(IntOrString::String(s)) => s == "0%",
        _ => false,
    }
}

fn validate_replica_set(rs: &ReplicaSet, sel_written: bool, errs: &mut Vec<FieldError>) {
    let spec = FieldPath::root().field("spec");
    non_negative(rs.spec.replicas, spec.field("replicas"), errs);
    non_negative(
        Some(rs.spec.min_ready_seconds),
        spec.field("minReadySeconds"),
        errs,
    );
    validate_workload_selector(&rs.spec.selector, sel_written, errs);
    validate_template(
        &rs.spec.template,
        &rs.spec.selector,
        &spec.field("template"),
        &[],
        errs,
    );
}

fn validate_deployment(d: &Deployment, sel_written: bool, errs: &mut Vec<FieldError>) {
    let spec = FieldPath::root().field("spec");
    non_negative(d.spec.replicas, spec.field("replicas"), errs);
    non_negative(
        Some(d.spec.min_ready_seconds),
        spec.field("minReadySeconds"),
        errs,
    );
    non_negative(
        d.spec.revision_history_limit,
        spec.field("revisionHistoryLimit"),
        errs,
    );
    validate_workload_selector(&d.spec.selector, sel_written, errs);
    validate_template(
        &d.spec.template,
        &d.spec.selector,
        &spec.field("template"),
        &[],
        errs,
    );
    let sp = spec.field("strategy");
    let st = &d.spec.strategy;
    match st.type_.as_str() {
        "" | "RollingUpdate" => {
            if let Some(ru) = &st.rolling_update {
                let rp = sp.field("rollingUpdate");
                if let Some(v) = &ru.max_surge {
                    validate_int_or_percent(v, rp.field("maxSurge"), errs);
                }
                if let Some(v) = &ru.max_unavailable {
                    validate_int_or_percent(v, rp.field("maxUnavailable"), errs);
                    if is_zero_int_or_percent(&ru.max_surge)
                        && is_zero_int_or_percent(&ru.max_unavailable)
                    {
                        errs.push(invalid(
                            rp.field("maxUnavailable"),
                            go_int_or_string(v),
                            "may not be 0 when `maxSurge` is 0",
                        ));
                    }
                }
            }
        }
        "Recreate" => {
            if st.rolling_update.is_some() {
                errs.push(forbidden(
                    sp.field("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        other => errs.push(not_supported(
            sp.field("type"),
            other,
            &["Recreate", "RollingUpdate"],
        )),
    }
    if let Some(p) = d.spec.progress_deadline_seconds {
        if p <= d.spec.min_ready_seconds {
            errs.push(invalid(
                spec.field("progressDeadlineSeconds"),
                p,
                "must be greater than minReadySeconds",
            ));
        }
    }
}

fn validate_statefulset(s: &StatefulSet, sel_written: bool, errs: &mut Vec<FieldError>) {
    let spec = FieldPath::root().field("spec");
    non_negative(s.spec.replicas, spec.field("replicas"), errs);
    non_negative(
        Some(s.spec.min_ready_seconds),
        spec.field("minReadySeconds"),
        errs,
    );
    non_negative(
        s.spec.revision_history_limit,
        spec.field("revisionHistoryLimit"),
        errs,
    );
    if !s.spec.service_name.is_empty() {
        for e in dns1123_label_errors(&s.spec.service_name) {
            errs.push(invalid(
                spec.field("serviceName"),
                q(&s.spec.service_name),
                &e,
            ));
        }
    }
    match s.spec.pod_management_policy.as_str() {
        "" | "OrderedReady" | "Parallel" => {}
        other => errs.push(not_supported(
            spec.field("podManagementPolicy"),
            other,
            &["OrderedReady", "Parallel"],
        )),
    }
    if let Some(us) = &s.spec.update_strategy {
        let up = spec.field("updateStrategy");
        match us.type_.as_str() {
            "" | "RollingUpdate" => {
                if let Some(ru) = &us.rolling_update {
                    non_negative(
                        ru.partition,
                        up.field("rollingUpdate").field("partition"),
                        errs,
                    );
                    if let Some(mu) = &ru.max_unavailable {
                        validate_int_or_percent(
                            mu,
                            up.field("rollingUpdate").field("maxUnavailable"),
                            errs,
                        );
                    }
                }
            }
            "OnDelete" => {
                if let Some(ru) = &us.rolling_update {
                    errs.push(invalid(
                        up.field("rollingUpdate"),
                        ru.go_value(),
                        "only allowed for updateStrategy 'RollingUpdate'",
                    ));
                }
            }
            other => errs.push(not_supported(
                up.field("type"),
                other,
                &["OnDelete", "RollingUpdate"],
            )),
        }
    }
    if let Some(p) = &s.spec.persistent_volume_claim_retention_policy {
        let pp = spec.field("persistentVolumeClaimRetentionPolicy");
        for (name, v) in [
            ("whenDeleted", &p.when_deleted),
            ("whenScaled", &p.when_scaled),
        ] {
            if !v.is_empty() && v != "Retain" && v != "Delete" {
                errs.push(not_supported(pp.field(name), v, &["Retain", "Delete"]));
            }
        }
    }
    validate_workload_selector(&s.spec.selector, sel_written, errs);
    let claim_names: Vec<&str> = s
        .spec
        .volume_claim_templates
        .iter()
        .map(|c| c.metadata.name.as_str())
        .collect();
    validate_template(
        &s.spec.template,
        &s.spec.selector,
        &spec.field("template"),
        &claim_names,
        errs,
    );
    for (i, c) in s.spec.volume_claim_templates.iter().enumerate() {
        let cp = spec.field("volumeClaimTemplates").index(i);
        if c.metadata.name.is_empty() {
            errs.push(required(
                cp.field("metadata").field("name"),
                "name or generateName is required",
            ));
        }
        validate_pvc_spec(&c.spec, &cp.field("spec"), errs);
    }
}

fn validate_pvc_spec(
    spec: &PersistentVolumeClaimSpec,
    path: &FieldPath,
    errs: &mut Vec<FieldError>,
) {
    if spec.access_modes.is_empty() {
        errs.push(required(
            path.field("accessModes"),
            "at least 1 access mode is required",
        ));
    }
    for m in &spec.access_modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            errs.push(not_supported(path.field("accessModes"), m, ACCESS_MODES));
        }
    }
    if spec.access_modes.len() > 1 && spec.access_modes.iter().any(|m| m == "ReadWriteOncePod") {
        errs.push(forbidden(
            path.field("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    match spec.resources.requests.get("storage") {
        None => errs.push(required(path.field("resources").key("storage"), "")),
        Some(q_) if q_.milli() <= 0 => errs.push(invalid(
            path.field("resources").key("storage"),
            q(q_.as_str()),
            "must be greater than zero",
        )),
        Some(_) => {}
    }
    if !spec.volume_mode.is_empty()
        && spec.volume_mode != "Block"
        && spec.volume_mode != "Filesystem"
    {
        errs.push(not_supported(
            path.field("volumeMode"),
            &spec.volume_mode,
            &["Block", "Filesystem"],
        ));
    }
    if let Some(sel) = &spec.selector {
        validate_label_selector(sel, &path.field("selector"), errs);
    }
}

fn validate_pvc(pvc: &PersistentVolumeClaim, errs: &mut Vec<FieldError>) {
    validate_pvc_spec(&pvc.spec, &FieldPath::root().field("spec"), errs);
}

fn validate_pv(pv: &PersistentVolume, errs: &mut Vec<FieldError>) {
    let spec = FieldPath::root().field("spec");
    if pv.spec.capacity.is_empty() {
        errs.push(required(spec.field("capacity"), ""));
    } else if !pv.spec.capacity.contains_key("storage") {
        errs.push(not_supported(
            spec.field("capacity"),
            pv.spec.capacity.keys().next().map_or("", |k| k.as_str()),
            &["storage"],
        ));
    }
    if pv.spec.access_modes.is_empty() {
        errs.push(required(spec.field("accessModes"), ""));
    }
    for m in &pv.spec.access_modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            errs.push(not_supported(spec.field("accessModes"), m, ACCESS_MODES));
        }
    }
    let policy = pv.spec.persistent_volume_reclaim_policy.as_str();
    if !policy.is_empty() && !["Delete", "Recycle", "Retain"].contains(&policy) {
        errs.push(not_supported(
            spec.field("persistentVolumeReclaimPolicy"),
            policy,
            &["Delete", "Recycle", "Retain"],
        ));
    }
    let sources = usize::from(pv.spec.host_path.is_some())
        + usize::from(pv.spec.csi.is_some())
        + usize::from(pv.spec.local.is_some());
    if sources == 0 {
        errs.push(required(spec.clone(), "must specify a volume type"));
    } else if sources > 1 {
        errs.push(forbidden(
            spec.clone(),
            "may not specify more than 1 volume type",
        ));
    }
    if let Some(h) = &pv.spec.host_path {
        if h.path.is_empty() {
            errs.push(required(spec.field("hostPath").field("path"), ""));
        }
    }
    if pv.spec.local.is_some() && pv.spec.node_affinity.is_none() {
        errs.push(required(
            spec.field("nodeAffinity"),
            "Local volume requires node affinity",
        ));
    }
}

const SERVICE_TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

fn validate_service(svc: &Service, errs: &mut Vec<FieldError>) {
    let spec = FieldPath::root().field("spec");
    let ty = if svc.spec.type_.is_empty() {
        "ClusterIP"
    } else {
        svc.spec.type_.as_str()
    };
    if !SERVICE_TYPES.contains(&ty) {
        errs.push(not_supported(spec.field("type"), ty, SERVICE_TYPES));
    }
    let headless = svc.is_headless();
    if svc.spec.ports.is_empty() && !headless && ty != "ExternalName" {
        errs.push(required(spec.field("ports"), ""));
    }
    if headless && (ty == "NodePort" || ty == "LoadBalancer") {
        errs.push(invalid(
            spec.field("clusterIPs").index(0),
            q("None"),
            &format!("may not be set to 'None' for {ty} services"),
        ));
    }
    let mut names = SortedSet::new();
    let mut ports = SortedSet::new();
    for (i, p) in svc.spec.ports.iter().enumerate() {
        let pp = spec.field("ports").index(i);
        if svc.spec.ports.len() > 1 && p.name.is_empty() {
            errs.push(required(pp.field("name"), ""));
        }
        if !p.name.is_empty() {
            for e in dns1123_label_errors(&p.name) {
                errs.push(invalid(pp.field("name"), q(&p.name), &e));
            }
            if !names.insert(p.name.as_str()) {
                errs.push(duplicate(pp.field("name"), &p.name));
            }
        }
        validate_port_number(p.port, pp.field("port"), errs);
        let proto = if p.protocol.is_empty() {
            "TCP"
        } else {
            p.protocol.as_str()
        };
        if !PROTOCOLS.contains(&proto) {
            errs.push(not_supported(pp.field("protocol"), proto, PROTOCOLS));
        }
        if !ports.insert((p.port, proto)) {
            errs.push(duplicate(pp.clone(), &format!("{}/{proto}", p.port)));
        }
        if let Some(tp) = &p.target_port {
            validate_int_or_string_port(tp, pp.field("targetPort"), errs);
        }
        if let Some(np) = p.node_port {
            if ty == "ClusterIP" || ty == "ExternalName" {
                errs.push(forbidden(
                    pp.field("nodePort"),
                    &format!("may not be used when `type` is '{ty}'"),
                ));
            } else if np != 0 && !(30000..=32767).contains(&np) {
                errs.push(invalid(
                    pp.field("nodePort"),
                    np,
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                ));
            }
        }
    }
    let aff = svc.spec.session_affinity.as_str();
    if !aff.is_empty() && aff != "ClientIP" && aff != "None" {
        errs.push(not_supported(
            spec.field("sessionAffinity"),
            aff,
            &["ClientIP", "None"],
        ));
    }
    validate_labels(&svc.spec.selector, &spec.field("selector"), errs);
}

fn validate_pdb(pdb: &PodDisruptionBudget, errs: &mut Vec<FieldError>) {
    let spec = FieldPath::root().field("spec");
    let s = &pdb.spec;
    if s.min_available.is_some() && s.max_unavailable.is_some() {
        errs.push(invalid(
            spec.clone(),
            "policy.PodDisruptionBudgetSpec{...}",
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    if let Some(v) = &s.min_available {
        validate_int_or_percent(v, spec.field("minAvailable"), errs);
    }
    if let Some(v) = &s.max_unavailable {
        validate_int_or_percent(v, spec.field("maxUnavailable"), errs);
    }
    let policy = s.unhealthy_pod_eviction_policy.as_str();
    if !policy.is_empty() && policy != "IfHealthyBudget" && policy != "AlwaysAllow" {
        errs.push(not_supported(
            spec.field("unhealthyPodEvictionPolicy"),
            policy,
            &["AlwaysAllow", "IfHealthyBudget"],
        ));
    }
    if let Some(sel) = &s.selector {
        validate_label_selector(sel, &spec.field("selector"), errs);
    }
}

fn validate_storage_class(sc: &StorageClass, errs: &mut Vec<FieldError>) {
    if sc.provisioner.is_empty() {
        errs.push(required(FieldPath::root().field("provisioner"), ""));
    }
    let rp = sc.reclaim_policy.as_str();
    if !rp.is_empty() && rp != "Delete" && rp != "Retain" {
        errs.push(not_supported(
            FieldPath::root().field("reclaimPolicy"),
            rp,
            &["Delete", "Retain"],
        ));
    }
    let bm = sc.volume_binding_mode.as_str();
    if !bm.is_empty() && bm != "Immediate" && bm != "WaitForFirstConsumer" {
        errs.push(not_supported(
            FieldPath::root().field("volumeBindingMode"),
            bm,
            &["Immediate", "WaitForFirstConsumer"],
        ));
    }
}

/// Validates an object as the API server does on create. `selector_written` tells whether the
/// manifest wrote `spec.selector` (absent is `Required value`, empty is invalid).
pub fn validate_object(obj: &ManifestObject, selector_written: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let rule = match obj {
        ManifestObject::Object(Object::Service(_)) => NameRule::Dns1035,
        _ => NameRule::Subdomain,
    };
    validate_meta(obj.meta(), obj.namespaced(), rule, &mut errs);
    match obj {
        ManifestObject::StatefulSet(s) => validate_statefulset(s, selector_written, &mut errs),
        ManifestObject::Object(o) => match o {
            Object::ReplicaSet(rs) => validate_replica_set(rs, selector_written, &mut errs),
            Object::Deployment(d) => validate_deployment(d, selector_written, &mut errs),
            Object::Pod(p) => {
                validate_pod_spec(&p.spec, &FieldPath::root().field("spec"), &[], &mut errs)
            }
            Object::Service(s) => validate_service(s, &mut errs),
            Object::PersistentVolumeClaim(c) => validate_pvc(c, &mut errs),
            Object::PersistentVolume(v) => validate_pv(v, &mut errs),
            Object::PodDisruptionBudget(p) => validate_pdb(p, &mut errs),
            Object::StorageClass(s) => validate_storage_class(s, &mut errs),
            Object::ConfigMap(c) => {
                for k in c.data.keys() {
                    let bad = k.is_empty()
                        || !k
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
                    if bad {
                        errs.push(invalid(
                            FieldPath::root().field("data").key(k),
                            q(k),
                            CONFIG_KEY_MSG,
                        ));
                    }
                }
            }
            _ => {}
        },
    }
    errs
}

/// Validates a parsed manifest: each error becomes a diagnostic at the offending node.
pub fn validate(m: &Manifest) -> Vec<Diagnostic> {
    let sel = FieldPath::root().field("spec").field("selector");
    validate_object(&m.object, m.source.has(&sel))
        .into_iter()
        .map(|e| Diagnostic {
            severity: Severity::Error,
            doc: m.doc,
            pos: Some(m.source.pos_of(&e.path)),
            path: e.path.to_string(),
            message: e.to_string(),
        })
        .collect()
}

/// The API server's whole answer: `The ReplicaSet "web" is invalid: ...`, with kubectl's
/// one-error-per-line layout when there are several.
pub fn invalid_message(kind: &str, name: &str, errs: &[FieldError]) -> String {
    match errs {
        [] => String::new(),
        [one] => format!("The {kind} {} is invalid: {one}", q(name)),
        many => {
            let mut s = format!("The {kind} {} is invalid: ", q(name));
            for e in many {
                s.push_str(&format!("\n* {e}"));
            }
            s
        }
    }
}

// ---- updates ----

const STS_FORBIDDEN: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
const POD_FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";
const PVC_FORBIDDEN: &str = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

/// Checks an update of `old` to `new` (same kind and name) for immutable fields, with the API
/// server's messages. Create-time validation of `new` is separate ([`validate_object`]).
pub fn validate_update(old: &ManifestObject, new: &ManifestObject) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let meta = FieldPath::root().field("metadata");
    if old.kind_name() != new.kind_name() {
        errs.push(invalid(
            FieldPath::root().field("kind"),
            q(new.kind_name()),
            "field is immutable",
        ));
        return errs;
    }
    if old.meta().name != new.meta().name {
        errs.push(invalid(
            meta.field("name"),
            q(&new.meta().name),
            "field is immutable",
        ));
    }
    if old.namespaced() && old.meta().namespace != new.meta().namespace {
        errs.push(invalid(
            meta.field("namespace"),
            q(&new.meta().namespace),
            "field is immutable",
        ));
    }
    let spec = FieldPath::root().field("spec");
    let selector_immutable = |a: &LabelSelector, b: &LabelSelector, errs: &mut Vec<FieldError>| {
        if a != b {
            errs.push(invalid(
                spec.field("selector"),
                go_selector(b),
                "field is immutable",
            ));
        }
    };
    match (old, new) {
        (ManifestObject::StatefulSet(a), ManifestObject::StatefulSet(b)) => {
            // Everything but the mutable fields must match.
            let strip = |s: &StatefulSet| {
                let mut x = s.spec.clone();
                x.replicas = None;
                x.ordinals = None;
                x.template = PodTemplateSpec::default();
                x.update_strategy = None;
                x.revision_history_limit = None;
                x.persistent_volume_claim_retention_policy = None;
                x.min_ready_seconds = 0;
                x
            };
            if strip(a) != strip(b) {
                errs.push(forbidden(spec.clone(), STS_FORBIDDEN));
            }
        }
        (ManifestObject::Object(a), ManifestObject::Object(b)) => match (a, b) {
            (Object::ReplicaSet(a), Object::ReplicaSet(b)) => {
                selector_immutable(&a.spec.selector, &b.spec.selector, &mut errs)
            }
            (Object::Deployment(a), Object::Deployment(b)) => {
                selector_immutable(&a.spec.selector, &b.spec.selector, &mut errs)
            }
            (Object::Service(a), Object::Service(b))
                if !a.spec.cluster_ip.is_empty() && a.spec.cluster_ip != b.spec.cluster_ip =>
            {
                errs.push(invalid(
                    spec.field("clusterIPs").index(0),
                    format!("[]string{{{}}}", q(&b.spec.cluster_ip)),
                    "may not change once set",
                ));
            }
            (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
                let mut x = a.spec.clone();
                let mut y = b.spec.clone();
                x.resources = Default::default();
                y.resources = Default::default();
                // An unset volumeName or class may be filled in by binding, as upstream allows.
                if x.volume_name.is_empty() {
                    y.volume_name.clear();
                }
                if x.storage_class_name.is_none() {
                    y.storage_class_name = None;
                }
                if x != y {
                    errs.push(forbidden(spec.clone(), PVC_FORBIDDEN));
                }
            }
            (Object::PersistentVolume(a), Object::PersistentVolume(b)) => {
                let src = |v: &PersistentVolume| {
                    (
                        v.spec.host_path.clone(),
                        v.spec.csi.clone(),
                        v.spec.local.clone(),
                    )
                };
                if src(a) != src(b) {
                    errs.push(forbidden(
                        spec.field("persistentvolumesource"),
                        "spec.persistentvolumesource is immutable after creation",
                    ));
                }
            }
            (Object::Pod(a), Object::Pod(b)) => {
                let mut x = a.spec.clone();
                let mut y = b.spec.clone();
                for (cx, cy) in x.containers.iter_mut().zip(y.containers.iter_mut()) {
                    cx.image.clear();
                    cy.image.clear();
                }
                // Tolerations may only be added to.
                let added = y.tolerations.len() >= x.tolerations.len()
                    && x.tolerations.iter().all(|t| y.tolerations.contains(t));
                if added {
                    x.tolerations.clear();
                    y.tolerations.clear();
                }
                x.termination_grace_period_seconds = None;
                y.termination_grace_period_seconds = None;
                if x != y {
                    errs.push(forbidden(spec.clone(), POD_FORBIDDEN));
                }
            }
            (Object::StorageClass(a), Object::StorageClass(b)) => {
                let root = FieldPath::root();
                if a.parameters != b.parameters {
                    errs.push(forbidden(
                        root.field("parameters"),
                        "updates to parameters are forbidden.",
                    ));
                }
                if a.provisioner != b.provisioner {
                    errs.push(forbidden(
                        root.field("provisioner"),
                        "updates to provisioner are forbidden.",
                    ));
                }
                if a.reclaim_policy != b.reclaim_policy {
                    errs.push(forbidden(
                        root.field("reclaimPolicy"),
                        "updates to reclaimPolicy are forbidden.",
                    ));
                }
                if a.volume_binding_mode != b.volume_binding_mode {
                    errs.push(invalid(
                        root.field("volumeBindingMode"),
                        q(&b.volume_binding_mode),
                        "field is immutable",
                    ));
                }
            }
            _ => {}
        },
        _ => {}
    }
    errs
}
