//! Manifests: multi-document YAML to typed objects, with kubectl-like diagnostics at line:col.
//!
//! - [`parse`] / [`parse_bytes`]: YAML text to [`Manifest`]s plus [`Diagnostic`]s (syntax errors,
//!   wrong types, unknown kinds and fields). Never panics; input size and nesting are bounded.
//! - [`validate()`](validate::validate) and [`validate_update`](validate::validate_update): the
//!   API server's field validation, with its message texts.
//! - [`lint()`](lint::lint): cross-object checks that schema validation cannot do.
//! - [`to_yaml`] / [`to_json`]: kubectl's `-o yaml` and `-o json` printing.

pub(crate) mod de;
pub mod emit;
pub mod kinds;
mod known;
pub mod lint;
mod statefulset;
pub mod tree;
pub mod validate;

use std::fmt;

use crate::codec::{DeError, Decode};
use crate::model::{Kind, Object, ObjectMeta, Shared};
use de::{Ctx, NodeDe};
use kinds::Resolution;
use tree::{Node, Value};

pub use crate::codec::{FieldPath, Pos, Seg};
pub use emit::{to_json, to_yaml};
pub use lint::lint;
pub use statefulset::*;
pub use validate::{invalid_message, validate, validate_update, FieldError};

/// Largest manifest accepted, in bytes; larger input is refused before parsing.
pub const MAX_BYTES: usize = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One message about the input, kubectl's wording where kubectl has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Index of the YAML document (0-based) the message is about.
    pub doc: usize,
    /// None for messages about the whole input (for example its size).
    pub pos: Option<Pos>,
    /// The field path (`spec.template.spec.containers[0].image`); empty when none applies.
    pub path: String,
    /// The full message; it already names the path where kubectl's message does.
    pub message: String,
}

impl Diagnostic {
    fn error(doc: usize, pos: Option<Pos>, path: &str, message: String) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            doc,
            pos,
            path: path.to_string(),
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `7:14: error: spec.replicas: Invalid value: "two": expected an integer`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = self.pos {
            write!(f, "{p}: ")?;
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.message)
    }
}

/// A typed object from a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ManifestObject {
    /// A kind the engine stores.
    Object(Object),
    /// A StatefulSet (the `model` type); [`ManifestObject::into_object`] turns it into an
    /// `Object` the API server stores.
    StatefulSet(Shared<StatefulSet>),
}

impl ManifestObject {
    /// The object to hand to the engine (`Command::Apply`).
    pub fn into_object(self) -> Object {
        match self {
            ManifestObject::Object(o) => o,
            ManifestObject::StatefulSet(s) => Object::StatefulSet(s),
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self {
            ManifestObject::Object(o) => o.kind().name(),
            ManifestObject::StatefulSet(_) => "StatefulSet",
        }
    }

    pub fn api_version(&self) -> &'static str {
        match self {
            ManifestObject::Object(o) => o.kind().api_version(),
            ManifestObject::StatefulSet(_) => "apps/v1",
        }
    }

    pub fn meta(&self) -> &ObjectMeta {
        match self {
            ManifestObject::Object(o) => o.meta(),
            ManifestObject::StatefulSet(s) => &s.metadata,
        }
    }

    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            ManifestObject::Object(o) => o.meta_mut(),
            ManifestObject::StatefulSet(s) => &mut s.metadata,
        }
    }

    /// Whether objects of this kind live in a namespace.
    pub fn namespaced(&self) -> bool {
        match self {
            ManifestObject::Object(o) => o.kind().namespaced(),
            ManifestObject::StatefulSet(_) => true,
        }
    }
}

impl emit::Encode for ManifestObject {
    fn encode(&self) -> emit::Doc {
        match self {
            ManifestObject::Object(o) => o.encode(),
            ManifestObject::StatefulSet(x) => emit::encode_typed("apps/v1", "StatefulSet", &**x),
        }
    }
}

impl From<Object> for ManifestObject {
    fn from(o: Object) -> Self {
        ManifestObject::Object(o)
    }
}

/// The YAML an object came from, to find the line:col of any field path.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceMap {
    root: Node,
}

impl SourceMap {
    /// Where `path` is written, or else its nearest written ancestor (a missing field is
    /// reported at the object that should hold it).
    pub fn pos_of(&self, path: &FieldPath) -> Pos {
        let mut node = &self.root;
        let mut pos = node.pos;
        for seg in &path.0 {
            let next = match (seg, &node.value) {
                (Seg::Field(k) | Seg::Key(k), Value::Map(_)) => {
                    // Keys point at the key itself, as kubectl's messages do.
                    match (node.key_node(k), node.get(k)) {
                        (Some(key), Some(v)) => {
                            pos = key.pos;
                            Some(v)
                        }
                        _ => None,
                    }
                }
                (Seg::Index(i), Value::Seq(items)) => items.get(*i),
                _ => None,
            };
            match next {
                Some(n) => {
                    if !matches!(seg, Seg::Field(_) | Seg::Key(_)) {
                        pos = n.pos;
                    }
                    node = n;
                }
                None => break,
            }
        }
        pos
    }

    /// Where the value (not the key) of `path` is written, if it is.
    pub fn value_pos(&self, path: &FieldPath) -> Option<Pos> {
        self.node_at(path).map(|n| n.pos)
    }

    /// Whether `path` is written in the source (even as an empty value).
    pub fn has(&self, path: &FieldPath) -> bool {
        self.node_at(path).is_some()
    }

    fn node_at(&self, path: &FieldPath) -> Option<&Node> {
        let mut node = &self.root;
        for seg in &path.0 {
            node = match (seg, &node.value) {
                (Seg::Field(k) | Seg::Key(k), Value::Map(_)) => node.get(k)?,
                (Seg::Index(i), Value::Seq(items)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// An object read from a manifest, with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Index of its YAML document in the input (0-based).
    pub doc: usize,
    /// Where the object starts.
    pub pos: Pos,
    pub object: ManifestObject,
    pub source: SourceMap,
}

/// Everything [`parse`] found: the objects that decoded, and every message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParseResult {
    pub objects: Vec<Manifest>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParseResult {
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

/// Parses bytes: invalid UTF-8 is reported at its line:col, and nothing else is read.
pub fn parse_bytes(bytes: &[u8]) -> ParseResult {
    if let Some(d) = size_check(bytes.len()) {
        return ParseResult {
            objects: Vec::new(),
            diagnostics: vec![d],
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            // Valid by construction: it is the prefix `from_utf8` accepted.
            let prefix = std::str::from_utf8(good).unwrap_or_default();
            let line = prefix.matches('\n').count() as u32 + 1;
            let col = prefix.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
            let byte = bytes[e.valid_up_to()];
            ParseResult {
                objects: Vec::new(),
                diagnostics: vec![Diagnostic::error(
                    0,
                    Some(Pos { line, col }),
                    "",
                    format!(
                        "invalid UTF-8: byte 0x{byte:02x} at offset {} cannot start or continue a character; manifests must be UTF-8 text",
                        e.valid_up_to()
                    ),
                )],
            }
        }
    }
}

fn size_check(len: usize) -> Option<Diagnostic> {
    (len > MAX_BYTES).then(|| {
        Diagnostic::error(
            0,
            None,
            "",
            format!(
                "the manifest is too large: {len} bytes; podlab reads at most {MAX_BYTES} bytes (1 MiB) per file"
            ),
        )
    })
}

/// Parses a multi-document manifest. Documents that fail are reported and left out; the others
/// are returned, as kubectl applies the documents it can decode.
pub fn parse(text: &str) -> ParseResult {
    let mut out = ParseResult::default();
    if let Some(d) = size_check(text.len()) {
        out.diagnostics.push(d);
        return out;
    }
    let (docs, err) = tree::parse_stream(text);
    for doc in &docs {
        if !doc.errors.is_empty() {
            for e in &doc.errors {
                let (pos, message) = syntax_error(text, e);
                out.diagnostics
                    .push(Diagnostic::error(e.doc, Some(pos), "", message));
            }
        } else if let Some(root) = &doc.root {
            read_document(doc.index, root, &mut out);
        }
    }
    if let Some(e) = err {
        let (pos, message) = syntax_error(text, &e);
        out.diagnostics
            .push(Diagnostic::error(e.doc, Some(pos), "", message));
    } else if out.objects.is_empty() && out.diagnostics.is_empty() {
        out.diagnostics.push(Diagnostic::error(
            0,
            None,
            "",
            "no objects passed to apply".to_string(),
        ));
    }
    out
}

/// kubectl's `yaml: line N: ...` wording, with the cause spelled out for tabs and depth.
/// Returns where to point: a tab in the indentation of the failing line or the next one.
fn syntax_error(text: &str, e: &tree::TreeError) -> (Pos, String) {
    let first = e.pos.line.saturating_sub(1) as usize;
    for (i, line) in text.lines().enumerate().skip(first).take(2) {
        let indent: Vec<char> = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if let Some(col) = indent.iter().position(|c| *c == '\t') {
            let line_no = i as u32 + 1;
            return (
                Pos {
                    line: line_no,
                    col: col as u32 + 1,
                },
                format!(
                    "yaml: line {line_no}: found a tab character where indentation is expected: YAML indents with spaces only"
                ),
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

fn scalar_str(n: Option<&Node>) -> Option<&str> {
    n.and_then(|n| match &n.value {
        Value::Scalar(s) if !n.is_null() => Some(s.text.as_str()),
        _ => None,
    })
}

fn read_document(doc: usize, root: &Node, out: &mut ParseResult) {
    read_object(doc, root, &FieldPath::root(), out, 0);
}

/// Reads one object (a document, or an item of a `List`).
fn read_object(doc: usize, root: &Node, at: &FieldPath, out: &mut ParseResult, depth: usize) {
    let prefix = if at.0.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    };
    let Value::Map(entries) = &root.value else {
        if !root.is_null() {
            out.diagnostics.push(Diagnostic::error(
                doc,
                Some(root.pos),
                &at.to_string(),
                format!("{prefix}not a Kubernetes object: expected a mapping with apiVersion and kind, found {}", de::repr(root)),
            ));
        }
        return;
    };
    let api_version = scalar_str(root.get("apiVersion"));
    let kind = scalar_str(root.get("kind"));
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
        let mut missing = Vec::new();
        if api_version.is_none() {
            missing.push("apiVersion not set");
        }
        if kind.is_none() {
            missing.push("kind not set");
        }
        let what = kinds::describe_non_manifest(&keys, api_version)
            .map(|w| format!(" (this looks like {w}, not a Kubernetes manifest)"))
            .unwrap_or_default();
        out.diagnostics.push(Diagnostic::error(
            doc,
            Some(root.pos),
            &at.to_string(),
            format!(
                "{prefix}error validating data: [{}]{what}",
                missing.join(", ")
            ),
        ));
        return;
    };
    let kind_pos = root.get("kind").map_or(root.pos, |n| n.pos);
    if let Some(what) = kinds::describe_tool_config(api_version, kind) {
        out.diagnostics.push(Diagnostic::error(
            doc,
            Some(kind_pos),
            &at.field("kind").to_string(),
            format!("{prefix}kind {kind:?} ({api_version}) is {what}, not a Kubernetes object"),
        ));
        return;
    }
    let ctx = Ctx {
        doc,
        warnings: Default::default(),
    };
    let de = NodeDe {
        node: root,
        path: at.clone(),
        ctx: &ctx,
        field_of: None,
        skip: &["apiVersion", "kind"],
    };
    let decoded: Result<ManifestObject, DeError> = match kinds::resolve(api_version, kind) {
        Resolution::Simulated(k) => decode_object(k, de).map(ManifestObject::Object),
        Resolution::StatefulSet => {
            Decode::decode(de).map(|s| ManifestObject::StatefulSet(Shared::new(s)))
        }
        Resolution::List => {
            // Nested Lists are legal but pointless; one level keeps recursion bounded.
            match root.get("items").map(|n| &n.value) {
                Some(Value::Seq(items)) if depth == 0 => {
                    let items_path = at.field("items");
                    for (i, item) in items.iter().enumerate() {
                        read_object(doc, item, &items_path.index(i), out, depth + 1);
                    }
                }
                Some(Value::Seq(_)) => out.diagnostics.push(Diagnostic::error(
                    doc,
                    Some(kind_pos),
                    &at.to_string(),
                    format!("{prefix}a List inside a List is not supported"),
                )),
                _ => out.diagnostics.push(Diagnostic::error(
                    doc,
                    Some(root.pos),
                    &at.field("items").to_string(),
                    format!("{prefix}items: Required value: a List needs a list of items"),
                )),
            }
            return;
        }
        Resolution::Unsupported(msg) | Resolution::NoMatch(msg) => {
            out.diagnostics.push(Diagnostic::error(
                doc,
                Some(kind_pos),
                &at.field("kind").to_string(),
                format!("{prefix}{msg}"),
            ));
            return;
        }
    };
    out.diagnostics.extend(ctx.warnings.into_inner());
    match decoded {
        Ok(object) => out.objects.push(Manifest {
            doc,
            pos: root.pos,
            object,
            source: SourceMap { root: root.clone() },
        }),
        Err(e) => {
            let path = e.path.map(|p| p.to_string()).unwrap_or_default();
            let message = if path.is_empty() {
                e.message
            } else {
                format!("{path}: {}", e.message)
            };
            out.diagnostics.push(Diagnostic::error(
                doc,
                e.pos.or(Some(root.pos)),
                &path,
                message,
            ));
        }
    }
}

fn decode_object(kind: Kind, de: NodeDe<'_>) -> Result<Object, DeError> {
    Ok(match kind {
        Kind::ConfigMap => Object::ConfigMap(Shared::new(Decode::decode(de)?)),
        Kind::Deployment => Object::Deployment(Shared::new(Decode::decode(de)?)),
        Kind::EndpointSlice => Object::EndpointSlice(Shared::new(Decode::decode(de)?)),
        Kind::Event => Object::Event(Shared::new(Decode::decode(de)?)),
        Kind::Lease => Object::Lease(Shared::new(Decode::decode(de)?)),
        Kind::Node => Object::Node(Shared::new(Decode::decode(de)?)),
        Kind::PersistentVolume => Object::PersistentVolume(Shared::new(Decode::decode(de)?)),
        Kind::PersistentVolumeClaim => {
            Object::PersistentVolumeClaim(Shared::new(Decode::decode(de)?))
        }
        Kind::Pod => Object::Pod(Shared::new(Decode::decode(de)?)),
        Kind::PodDisruptionBudget => Object::PodDisruptionBudget(Shared::new(Decode::decode(de)?)),
        Kind::ReplicaSet => Object::ReplicaSet(Shared::new(Decode::decode(de)?)),
        Kind::Service => Object::Service(Shared::new(Decode::decode(de)?)),
        Kind::StorageClass => Object::StorageClass(Shared::new(Decode::decode(de)?)),
        Kind::StatefulSet => Object::StatefulSet(Shared::new(Decode::decode(de)?)),
        // Kinds the engine adds later stay readable as errors until they are wired here.
        #[allow(unreachable_patterns)]
        other => {
            return Err(DeError {
                message: format!(
                    "kind {:?} is not yet read by podlab's manifest reader",
                    other.name()
                ),
                path: None,
                pos: None,
            })
        }
    })
}
