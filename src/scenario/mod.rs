//! Scenario files: a seed, a cluster, files for `kubectl apply -f`, and a script of console
//! commands at chosen simulated times. `podlab run` prints their transcript; exercise packs
//! embed the same format. The format is documented in docs/scenarios.md.
//!
//! Loading never panics: every problem is a [`ScenarioError`] with the line:col of the node
//! and its path (`script[3].at`). Running is in [`run`].

pub mod run;

use std::fmt;

use crate::console::args::parse_duration_ms;
use crate::manifest::tree::{self, Node, Resolved, Value};
use crate::manifest::Pos;
use crate::model::{Quantity, Taint};
use crate::sim::{NodeConfig, SimBuilder, Timing};
use crate::sorted::SortedMap;

pub use run::{background_text, header, transcript, Run, Step};

/// Largest scenario file read, in bytes. Each file inside is further limited to what
/// `kubectl apply` reads (1 MiB), and that limit is reported when the file is applied.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
/// Most nodes a scenario may ask for, so every run stays quick.
pub const MAX_NODES: usize = 100;
/// Latest simulated time a script or `until` may name (24 h).
pub const MAX_TIME_MS: u64 = 24 * 3_600_000;

/// A problem in a scenario file, at `pos` (when it has one) and `path` (`script[3].at`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub pos: Option<Pos>,
    pub path: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    /// `12:5: script[3].at: invalid duration "5x": ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.pos {
            write!(f, "{p}: ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// One script entry: at simulated time `at_ms`, run the console line `run`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at_ms: u64,
    pub run: String,
    /// Where the entry is written.
    pub pos: Pos,
}

/// A loaded scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub seed: u64,
    pub description: Option<String>,
    pub nodes: Vec<NodeConfig>,
    pub timing: Timing,
    /// File name -> text, read by `kubectl apply -f NAME`.
    pub files: SortedMap<String, String>,
    /// In time order; entries with the same time keep their written order.
    pub script: Vec<Entry>,
    pub until_ms: Option<u64>,
}

impl Scenario {
    /// Reads a scenario from bytes: invalid UTF-8 is reported at its line:col.
    pub fn parse_bytes(bytes: &[u8]) -> Result<Scenario, Vec<ScenarioError>> {
        if bytes.len() > MAX_BYTES {
            return Err(vec![too_large(bytes.len())]);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Scenario::parse(text),
            Err(e) => {
                let good = &bytes[..e.valid_up_to()];
                let prefix = String::from_utf8_lossy(good);
                let line = prefix.matches('\n').count() as u32 + 1;
                let col = prefix.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
                Err(vec![ScenarioError {
                    pos: Some(Pos { line, col }),
                    path: String::new(),
                    message: format!(
                        "invalid UTF-8: byte 0x{:02x} at offset {} is not part of a character; scenario files must be UTF-8 text",
                        bytes[e.valid_up_to()],
                        e.valid_up_to()
                    ),
                }])
            }
        }
    }

    /// Reads a scenario. Every error found is returned, in file order.
    pub fn parse(text: &str) -> Result<Scenario, Vec<ScenarioError>> {
        if text.len() > MAX_BYTES {
            return Err(vec![too_large(text.len())]);
        }
        let root = one_document(
            text,
            false,
            "the file is empty: a scenario needs at least a script",
            "a scenario is one YAML document; put manifests under `files:`",
        )?;
        Scenario::from_node(&root)
    }

    /// Reads a scenario from a node of a YAML tree (an exercise pack's `setup`). Errors name
    /// paths from that node (`script[3].at`), in file order.
    pub fn from_node(root: &Node) -> Result<Scenario, Vec<ScenarioError>> {
        let mut r = Reader::default();
        let scenario = r.scenario(root);
        // Fields are checked key by key, then values; report in file order.
        crate::sort::sort_by_key(&mut r.errors, |e| e.pos);
        match (scenario, r.errors.is_empty()) {
            (Some(s), true) => Ok(s),
            _ => Err(r.errors),
        }
    }

    /// The engine configuration: seed (or `seed`, overriding the file's), nodes and timing.
    pub fn builder(&self, seed: Option<u64>) -> SimBuilder {
        SimBuilder::new(seed.unwrap_or(self.seed))
            .timing(self.timing.clone())
            .nodes(&self.nodes)
    }

    /// A console that reads this scenario's files.
    pub fn console(&self) -> crate::console::Console {
        crate::console::Console {
            files: self.files.clone(),
            ..Default::default()
        }
    }
}

/// A syntax error in go-yaml's words (`yaml: line N: ...`); a tab in the indentation of the
/// failing line or the next is named as the cause and pointed at.
/// Reads `text` as exactly one YAML document (a scenario, a pack): its root, or every error
/// (syntax, each document's own, no document, a second one) at its line:col. `yaml_prefix`
/// words a document's own errors (duplicate keys) as syntax errors (`yaml: line N: ...`).
pub fn one_document(
    text: &str,
    yaml_prefix: bool,
    empty: &str,
    several: &str,
) -> Result<Node, Vec<ScenarioError>> {
    let (docs, err) = tree::parse_stream(text);
    let mut r = Reader::default();
    if let Some(e) = err {
        let (pos, message) = syntax_error(text, &e);
        r.error(Some(pos), "", message);
        return Err(r.errors);
    }
    for d in &docs {
        for e in &d.errors {
            let (pos, message) = if yaml_prefix {
                syntax_error(text, e)
            } else {
                (e.pos, e.message.clone())
            };
            r.error(Some(pos), "", message);
        }
    }
    if !r.errors.is_empty() {
        return Err(r.errors);
    }
    let mut roots = docs.into_iter().filter_map(|d| d.root);
    match (roots.next(), roots.next()) {
        (None, _) => {
            r.error(None, "", empty.into());
            Err(r.errors)
        }
        (Some(one), None) => Ok(one),
        (Some(_), Some(second)) => {
            r.error(Some(second.pos), "", several.into());
            Err(r.errors)
        }
    }
}

pub fn syntax_error(text: &str, e: &tree::TreeError) -> (Pos, String) {
    let first = e.pos.line.saturating_sub(1) as usize;
    for (i, line) in text.lines().enumerate().skip(first).take(2) {
        let indent = line.chars().take_while(|c| *c == ' ' || *c == '\t');
        if let Some(col) = indent.into_iter().position(|c| c == '\t') {
            let line_no = i as u32 + 1;
            let pos = Pos {
                line: line_no,
                col: col as u32 + 1,
            };
            return (
                pos,
                format!("yaml: line {line_no}: found a tab character where indentation is expected: YAML indents with spaces only"),
            );
        }
    }
    let message = if e.message.contains("recursion limit") {
        format!(
            "nesting is too deep: more than {} levels of mappings and lists",
            tree::MAX_DEPTH
        )
    } else {
        e.message.clone()
    };
    (e.pos, format!("yaml: line {}: {message}", e.pos.line))
}

fn too_large(len: usize) -> ScenarioError {
    ScenarioError {
        pos: None,
        path: String::new(),
        message: format!(
            "the scenario is too large: {len} bytes; podlab reads at most {MAX_BYTES} bytes (4 MiB)"
        ),
    }
}

/// Reads the tree, collecting every error.
#[derive(Default)]
struct Reader {
    errors: Vec<ScenarioError>,
}

/// What a node is, for "expected ..., found ..." messages (shared with the pack reader).
pub fn describe(node: &Node) -> String {
    match &node.value {
        Value::Map(_) => "a mapping".into(),
        Value::Seq(_) => "a list".into(),
        Value::Scalar(_) if node.is_null() => "nothing (null)".into(),
        Value::Scalar(s) => {
            let shown: String = s.text.chars().take(40).collect();
            if shown.len() < s.text.len() {
                format!("{shown:?}...")
            } else {
                format!("{shown:?}")
            }
        }
    }
}

/// `path.field`, or `field` at the top (shared with the pack reader).
pub fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

impl Reader {
    fn error(&mut self, pos: Option<Pos>, path: &str, message: String) {
        self.errors.push(ScenarioError {
            pos,
            path: path.to_string(),
            message,
        });
    }

    /// The entries of a mapping, or an error. Unknown keys are errors: a typo (`scirpt`)
    /// should not silently do nothing.
    fn map<'a>(
        &mut self,
        node: &'a Node,
        path: &str,
        known: &[&str],
    ) -> Option<Vec<(&'a str, &'a Node)>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                Some(node.pos),
                path,
                format!("expected a mapping, found {}", describe(node)),
            );
            return None;
        };
        let mut out = Vec::new();
        for (k, v) in entries {
            let key = match &k.value {
                Value::Scalar(s) => s.text.as_str(),
                _ => {
                    self.error(Some(k.pos), path, "keys must be plain words".into());
                    continue;
                }
            };
            if !known.is_empty() && !known.contains(&key) {
                let hint = suggest(key, known)
                    .map(|n| format!("did you mean {n:?}? "))
                    .unwrap_or_default();
                self.error(
                    Some(k.pos),
                    path,
                    format!(
                        "unknown field {key:?}; {hint}expected one of: {}",
                        known.join(", ")
                    ),
                );
                continue;
            }
            out.push((key, v));
        }
        Some(out)
    }

    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Scalar(s) if !node.is_null() => Some(s.text.clone()),
            _ => {
                self.error(
                    Some(node.pos),
                    path,
                    format!("expected a string, found {}", describe(node)),
                );
                None
            }
        }
    }

    fn int(&mut self, node: &Node, path: &str, what: &str, max: i128) -> Option<i128> {
        if let Value::Scalar(s) = &node.value {
            if let Resolved::Int(i) = s.resolve() {
                if (0..=max).contains(&i) {
                    return Some(i);
                }
                self.error(
                    Some(node.pos),
                    path,
                    format!("{i} is out of range: expected {what} from 0 to {max}"),
                );
                return None;
            }
        }
        self.error(
            Some(node.pos),
            path,
            format!("expected {what}, found {}", describe(node)),
        );
        None
    }

    fn duration(&mut self, node: &Node, path: &str) -> Option<u64> {
        let text = self.string(node, path)?;
        match parse_duration_ms(&text) {
            Ok(ms) if ms <= MAX_TIME_MS => Some(ms),
            Ok(_) => {
                self.error(
                    Some(node.pos),
                    path,
                    format!("{text} is too long: scenarios run for at most 24h"),
                );
                None
            }
            Err(e) => {
                self.error(Some(node.pos), path, e);
                None
            }
        }
    }

    fn scenario(&mut self, root: &Node) -> Option<Scenario> {
        let fields = self.map(
            root,
            "",
            &["seed", "description", "cluster", "files", "script", "until"],
        )?;
        let mut s = Scenario {
            seed: 0,
            description: None,
            nodes: Vec::new(),
            timing: Timing::default(),
            files: SortedMap::new(),
            script: Vec::new(),
            until_ms: None,
        };
        let mut nodes_given = false;
        let mut until_node = None;
        for (key, v) in fields {
            match key {
                "seed" => {
                    if let Some(i) = self.int(v, "seed", "an unsigned integer", u64::MAX.into()) {
                        s.seed = i as u64;
                    }
                }
                "description" => s.description = self.string(v, "description"),
                "cluster" => {
                    nodes_given = self.cluster(v, &mut s);
                }
                "files" => self.files(v, &mut s.files),
                "script" => self.script(v, &mut s.script),
                "until" => {
                    s.until_ms = self.duration(v, "until");
                    until_node = Some(v.pos);
                }
                _ => {}
            }
        }
        if !nodes_given {
            s.nodes = default_nodes(&["node-1", "node-2", "node-3"]);
        }
        if let (Some(until), Some(last)) = (s.until_ms, s.script.last()) {
            if until < last.at_ms {
                self.error(
                    until_node,
                    "until",
                    format!(
                        "{} is before the last script entry ({}); `until` runs on after the script",
                        crate::console::args::format_duration_ms(until),
                        crate::console::args::format_duration_ms(last.at_ms)
                    ),
                );
            }
        }
        if self.errors.is_empty() {
            if let Err(e) = s.builder(None).build() {
                self.error(Some(root.pos), "cluster", e.to_string());
            }
        }
        Some(s)
    }

    /// Returns whether `nodes` was given.
    fn cluster(&mut self, node: &Node, s: &mut Scenario) -> bool {
        let Some(fields) = self.map(node, "cluster", &["nodes", "timing"]) else {
            return false;
        };
        let mut given = false;
        for (key, v) in fields {
            match key {
                "nodes" => {
                    given = true;
                    s.nodes = self.nodes(v).unwrap_or_default();
                }
                "timing" => self.timing(v, &mut s.timing),
                _ => {}
            }
        }
        given
    }

    fn nodes(&mut self, node: &Node) -> Option<Vec<NodeConfig>> {
        let path = "cluster.nodes";
        // `nodes: 3` is short for node-1 .. node-3.
        if let Value::Scalar(sc) = &node.value {
            if let Resolved::Int(_) = sc.resolve() {
                let n = self.int(node, path, "a number of nodes", MAX_NODES as i128)?;
                let names: Vec<String> = (1..=n).map(|i| format!("node-{i}")).collect();
                let names: Vec<&str> = names.iter().map(|x| x.as_str()).collect();
                return Some(default_nodes(&names));
            }
        }
        let Value::Seq(items) = &node.value else {
            self.error(
                Some(node.pos),
                path,
                format!(
                    "expected a list of node names or node objects, found {}",
                    describe(node)
                ),
            );
            return None;
        };
        if items.len() > MAX_NODES {
            self.error(
                Some(node.pos),
                path,
                format!(
                    "{} nodes is too many: podlab runs at most {MAX_NODES}",
                    items.len()
                ),
            );
            return None;
        }
        let mut out: Vec<NodeConfig> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let n = if let Value::Map(_) = item.value {
                self.node_object(item, &p, i)
            } else {
                self.string(item, &p)
                    .map(|name| NodeConfig::new(&name).zone(default_zone(i)))
            };
            let Some(n) = n else { continue };
            self.node_problems(item.pos, &p, &n);
            if out.iter().any(|o| o.name == n.name) {
                self.error(
                    Some(item.pos),
                    &p,
                    // What the API server answers a second Node of the same name.
                    format!("nodes \"{}\" already exists", n.name),
                );
                continue;
            }
            out.push(n);
        }
        Some(out)
    }

    /// What the API server would refuse in this Node (its name is a DNS-1123 subdomain, its
    /// labels qualified names with label values, and the kubelet adds the name as the
    /// kubernetes.io/hostname label), each as `Node "x" is invalid: FIELD: ...`.
    fn node_problems(&mut self, pos: Pos, path: &str, n: &NodeConfig) {
        use crate::manifest::validate::{
            dns1123_subdomain_errors, label_value_errors, qualified_name_errors,
        };
        let mut problems = Vec::new();
        for e in dns1123_subdomain_errors(&n.name) {
            problems.push(format!("metadata.name: Invalid value: \"{}\": {e}", n.name));
        }
        if n.name.len() > 63 && problems.is_empty() {
            problems.push(format!(
                "metadata.labels: Invalid value: \"{}\": must be no more than 63 characters (the kubernetes.io/hostname label the kubelet sets to the node's name)",
                n.name
            ));
        }
        for (k, v) in &n.labels {
            for e in qualified_name_errors(k) {
                problems.push(format!("metadata.labels: Invalid value: \"{k}\": {e}"));
            }
            for e in label_value_errors(v) {
                problems.push(format!("metadata.labels: Invalid value: \"{v}\": {e}"));
            }
        }
        for problem in problems {
            self.error(
                Some(pos),
                path,
                format!("Node \"{}\" is invalid: {problem}", n.name),
            );
        }
    }

    fn node_object(&mut self, node: &Node, path: &str, index: usize) -> Option<NodeConfig> {
        let fields = self.map(
            node,
            path,
            &["name", "zone", "labels", "capacity", "taints"],
        )?;
        let Some(name_node) = fields.iter().find(|(k, _)| *k == "name").map(|x| x.1) else {
            self.error(Some(node.pos), &join(path, "name"), "Required value".into());
            return None;
        };
        let name = self.string(name_node, &join(path, "name"))?;
        let mut n = NodeConfig::new(&name).zone(default_zone(index));
        for (key, v) in fields {
            let p = join(path, key);
            match key {
                "zone" => {
                    if let Some(z) = self.string(v, &p) {
                        n.zone = z;
                    }
                }
                "labels" => {
                    for (k, val) in self.map(v, &p, &[]).unwrap_or_default() {
                        if let Some(val) = self.string(val, &format!("{p}[{k}]")) {
                            n.labels.insert(k.to_string(), val);
                        }
                    }
                }
                "capacity" => {
                    for (k, val) in self
                        .map(v, &p, &["cpu", "memory", "pods"])
                        .unwrap_or_default()
                    {
                        let pk = join(&p, k);
                        if k == "pods" {
                            if let Some(pods) = self.int(val, &pk, "a number of pods", 10_000) {
                                n.max_pods = pods as i64;
                            }
                            continue;
                        }
                        let Some(text) = self.string(val, &pk) else {
                            continue;
                        };
                        match Quantity::parse(&text) {
                            Ok(q) if k == "cpu" => n.cpu_milli = q.milli(),
                            Ok(q) => n.memory_bytes = q.value(),
                            Err(e) => self.error(Some(val.pos), &pk, e),
                        }
                    }
                }
                "taints" => {
                    let Value::Seq(items) = &v.value else {
                        self.error(
                            Some(v.pos),
                            &p,
                            format!(
                                "expected a list of taints (key=value:Effect), found {}",
                                describe(v)
                            ),
                        );
                        continue;
                    };
                    for (i, t) in items.iter().enumerate() {
                        let pt = format!("{p}[{i}]");
                        if let Some(t) = self.taint(t, &pt) {
                            n.taints.push(t);
                        }
                    }
                }
                _ => {}
            }
        }
        Some(n)
    }

    /// A taint as kubectl writes it (`key=value:NoSchedule`) or as a node spec does.
    fn taint(&mut self, node: &Node, path: &str) -> Option<Taint> {
        let spec = if let Value::Map(_) = node.value {
            let fields = self.map(node, path, &["key", "value", "effect"])?;
            let mut parts: SortedMap<&str, String> = SortedMap::new();
            for (k, v) in fields {
                parts.insert(k, self.string(v, &join(path, k))?);
            }
            let key = parts.get("key").cloned().unwrap_or_default();
            let value = parts.get("value").cloned().unwrap_or_default();
            let effect = parts.get("effect").cloned().unwrap_or_default();
            if value.is_empty() {
                format!("{key}:{effect}")
            } else {
                format!("{key}={value}:{effect}")
            }
        } else {
            self.string(node, path)?
        };
        match Taint::parse(&spec) {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(Some(node.pos), path, e);
                None
            }
        }
    }

    fn timing(&mut self, node: &Node, t: &mut Timing) {
        let path = "cluster.timing";
        let Some(fields) = self.map(node, path, TIMING_KEYS) else {
            return;
        };
        for (key, v) in fields {
            let p = join(path, key);
            match key {
                "unhealthyZoneThreshold" => {
                    if let Some(x) = self.int(v, &p, "a percentage", 100) {
                        t.unhealthy_zone_threshold_percent = x as u64;
                    }
                    continue;
                }
                "largeClusterSizeThreshold" => {
                    if let Some(x) = self.int(v, &p, "a number of nodes", 100_000) {
                        t.large_cluster_size_threshold = x as u64;
                    }
                    continue;
                }
                _ => {}
            }
            let Some(ms) = self.duration(v, &p) else {
                continue;
            };
            let seconds = |r: &mut Reader| {
                if ms % 1000 != 0 {
                    r.error(Some(v.pos), &p, "must be whole seconds".into());
                    None
                } else {
                    Some(ms / 1000)
                }
            };
            match key {
                "nodeMonitorPeriod" => t.node_monitor_period = ms,
                "nodeMonitorGracePeriod" => t.node_monitor_grace_period = ms,
                "nodeLeaseDuration" => {
                    if let Some(s) = seconds(self) {
                        t.node_lease_duration_seconds = s as i32;
                    }
                }
                "leaseRenewInterval" => t.lease_renew_interval = ms,
                "leaseRetryInitial" => t.lease_retry_initial = ms,
                "leaseRetryMax" => t.lease_retry_max = ms,
                "nodeStatusReportFrequency" => t.node_status_report_frequency = ms,
                "defaultToleration" => {
                    if let Some(s) = seconds(self) {
                        t.default_toleration_seconds = s as i64;
                    }
                }
                "nodeEvictionInterval" => t.node_eviction_interval = ms,
                "secondaryNodeEvictionInterval" => t.secondary_node_eviction_interval = ms,
                "podGCPeriod" => t.podgc_period = ms,
                "podGCQuarantine" => t.podgc_quarantine = ms,
                "watchLatencyMin" => t.watch_latency_min = ms,
                "watchLatencyMax" => t.watch_latency_max = ms,
                "containerStartMin" => t.container_start_min = ms,
                "containerStartMax" => t.container_start_max = ms,
                "plegRelistPeriod" => t.pleg_relist_period = ms,
                "crashBackoffInitial" => t.crash_backoff_initial = ms,
                "crashBackoffMax" => t.crash_backoff_max = ms,
                "crashBackoffReset" => t.crash_backoff_reset = ms,
                "schedulerRetryPeriod" => t.scheduler_retry_period = ms,
                "maxWaitForUnmount" => t.max_wait_for_unmount = ms,
                _ => {}
            }
        }
    }

    fn files(&mut self, node: &Node, files: &mut SortedMap<String, String>) {
        let Some(fields) = self.map(node, "files", &[]) else {
            return;
        };
        for (name, v) in fields {
            if let Some(text) = self.string(v, &format!("files[{name}]")) {
                files.insert(name.to_string(), text);
            }
        }
    }

    fn script(&mut self, node: &Node, script: &mut Vec<Entry>) {
        let Value::Seq(items) = &node.value else {
            if !node.is_null() {
                self.error(
                    Some(node.pos),
                    "script",
                    format!(
                        "expected a list of {{at: DURATION, run: COMMAND}}, found {}",
                        describe(node)
                    ),
                );
            }
            return;
        };
        let mut last: Option<u64> = None;
        for (i, item) in items.iter().enumerate() {
            let path = format!("script[{i}]");
            let Some(fields) = self.map(item, &path, &["at", "run"]) else {
                continue;
            };
            let mut at = None;
            let mut run = None;
            let mut ok = true;
            for (key, v) in &fields {
                let p = join(&path, key);
                match *key {
                    "at" => {
                        at = self.duration(v, &p);
                        ok &= at.is_some();
                    }
                    _ => {
                        run = self.string(v, &p);
                        // An escape such as "\0" or "\e" would reach the console and the
                        // transcript raw: a console line is text a learner could type.
                        if let Some(c) = run
                            .as_deref()
                            .and_then(|r| r.chars().find(|c| c.is_control() && *c != '\t'))
                        {
                            self.error(
                                Some(v.pos),
                                &p,
                                format!(
                                    "a control character (U+{:04X}) is not allowed in a console line; write the command as it is typed",
                                    c as u32
                                ),
                            );
                            run = None;
                        }
                        ok &= run.is_some();
                    }
                }
            }
            if !ok {
                continue;
            }
            let (Some(at), Some(run)) = (at, run) else {
                let missing = if at.is_none() { "at" } else { "run" };
                self.error(
                    Some(item.pos),
                    &join(&path, missing),
                    "Required value".into(),
                );
                continue;
            };
            if let Some(prev) = last.filter(|p| at < *p) {
                let at_pos = fields
                    .iter()
                    .find(|(k, _)| *k == "at")
                    .map_or(item.pos, |x| x.1.pos);
                self.error(
                    Some(at_pos),
                    &join(&path, "at"),
                    format!(
                        "{} comes before the previous entry's {}: entries must be in time order",
                        crate::console::args::format_duration_ms(at),
                        crate::console::args::format_duration_ms(prev)
                    ),
                );
                continue;
            }
            last = Some(at);
            script.push(Entry {
                at_ms: at,
                run,
                pos: item.pos,
            });
        }
    }
}

const TIMING_KEYS: &[&str] = &[
    "nodeMonitorPeriod",
    "nodeMonitorGracePeriod",
    "nodeLeaseDuration",
    "leaseRenewInterval",
    "leaseRetryInitial",
    "leaseRetryMax",
    "nodeStatusReportFrequency",
    "defaultToleration",
    "nodeEvictionInterval",
    "secondaryNodeEvictionInterval",
    "unhealthyZoneThreshold",
    "largeClusterSizeThreshold",
    "podGCPeriod",
    "podGCQuarantine",
    "watchLatencyMin",
    "watchLatencyMax",
    "containerStartMin",
    "containerStartMax",
    "plegRelistPeriod",
    "crashBackoffInitial",
    "crashBackoffMax",
    "crashBackoffReset",
    "schedulerRetryPeriod",
    "maxWaitForUnmount",
];

/// The closest field name to a mistyped `key` (a few edits away, or the same letters in another
/// case), for "did you mean".
pub fn suggest<'a>(key: &str, names: &[&'a str]) -> Option<&'a str> {
    let lower = key.to_ascii_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for &n in names {
        let d = if n.to_ascii_lowercase() == lower {
            0
        } else {
            distance(&lower, &n.to_ascii_lowercase())
        };
        // Two edits for names of five letters or more, one for shorter ones (`wait` is not
        // a typo of `at`).
        let limit = if n.chars().count() >= 5 { 2 } else { 1 };
        if d <= limit && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, n));
        }
    }
    best.map(|(_, n)| n)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Zones a, b, c in turn, as `SimBuilder::workers` spreads them.
fn default_zone(index: usize) -> &'static str {
    ["zone-a", "zone-b", "zone-c"][index % 3]
}

fn default_nodes(names: &[&str]) -> Vec<NodeConfig> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| NodeConfig::new(n).zone(default_zone(i)))
        .collect()
}
