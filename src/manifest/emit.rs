//! kubectl's `-o yaml` and `-o json` printing, from any [`Encode`] value.
//!
//! [`Encode`] builds a [`Doc`] tree; two printers write it out:
//! YAML as kubectl prints it (keys sorted, 2-space indent, list items at their key's indent,
//! go-yaml's quoting) and JSON as `json.MarshalIndent` with 4 spaces (struct order, HTML-safe).

use std::fmt::{self, Write};

use super::tree::{resolve_plain, Resolved};

/// A serialized value, keeping the order fields were written in.
#[derive(Clone, Debug, PartialEq)]
pub enum Doc {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Doc>),
    Map(Vec<(String, Doc)>),
}

#[derive(Debug)]
pub struct EmitError(String);

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EmitError {}

/// A value as a [`Doc`]: what serde's `Serialize` gave through the emitter's serializer, without
/// a copy of serde's machinery per type. Structs derive it (`podlab_derive::Encode`) from the
/// same `#[serde(...)]` attributes they decode with.
pub trait Encode {
    fn encode(&self) -> Doc;
}

/// One struct field: what the derived `Encode` calls per field that is not skipped.
#[inline(never)]
pub fn encode_field(fields: &mut Vec<(String, Doc)>, key: &'static str, value: &dyn Encode) {
    fields.push((key.to_string(), value.encode()));
}

/// An object with `apiVersion` and `kind` first, then its own fields (serde's `flatten`), as
/// `kubectl get -o yaml` prints it.
pub fn encode_typed(api_version: &str, kind: &str, inner: &dyn Encode) -> Doc {
    let mut fields = vec![
        ("apiVersion".to_string(), Doc::Str(api_version.to_string())),
        ("kind".to_string(), Doc::Str(kind.to_string())),
    ];
    // Only structs are flattened, and a struct encodes as a map.
    if let Doc::Map(own) = inner.encode() {
        fields.extend(own);
    }
    Doc::Map(fields)
}

impl<T: Encode + ?Sized> Encode for &T {
    fn encode(&self) -> Doc {
        (**self).encode()
    }
}

impl Encode for str {
    fn encode(&self) -> Doc {
        Doc::Str(self.to_string())
    }
}

impl Encode for String {
    fn encode(&self) -> Doc {
        Doc::Str(self.clone())
    }
}

impl Encode for bool {
    fn encode(&self) -> Doc {
        Doc::Bool(*self)
    }
}

impl Encode for f64 {
    fn encode(&self) -> Doc {
        Doc::Float(*self)
    }
}

macro_rules! encode_ints {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            fn encode(&self) -> Doc {
                Doc::Int((*self).into())
            }
        }
    )*};
}

encode_ints!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Encode for usize {
    fn encode(&self) -> Doc {
        // serde serializes usize as u64.
        Doc::Int(*self as u64 as i128)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> Doc {
        match self {
            Some(v) => v.encode(),
            None => Doc::Null,
        }
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self) -> Doc {
        encode_items(&mut self.iter().map(|v| v as &dyn Encode))
    }
}

/// A list's items (one copy for all item types).
#[inline(never)]
fn encode_items(items: &mut dyn Iterator<Item = &dyn Encode>) -> Doc {
    Doc::Seq(items.map(|v| v.encode()).collect())
}

impl<V: Encode> Encode for crate::sorted::SortedMap<String, V> {
    fn encode(&self) -> Doc {
        Doc::Map(self.iter().map(|(k, v)| (k.clone(), v.encode())).collect())
    }
}

/// Serializes any value into a [`Doc`].
pub fn to_doc<T: Encode + ?Sized>(value: &T) -> Result<Doc, EmitError> {
    Ok(value.encode())
}

/// `kubectl get -o yaml` text of a value.
pub fn to_yaml<T: Encode + ?Sized>(value: &T) -> Result<String, EmitError> {
    let mut out = String::new();
    write_yaml(&to_doc(value)?, &mut out);
    Ok(out)
}

/// `kubectl get -o json` text of a value (no trailing newline, as MarshalIndent).
pub fn to_json<T: Encode + ?Sized>(value: &T) -> Result<String, EmitError> {
    let mut out = String::new();
    write_json(&to_doc(value)?, 0, &mut out);
    Ok(out)
}

// ---- YAML ----

/// Writes a document as kubectl does: maps sorted by key, sequences at their key's indent.
pub fn write_yaml(doc: &Doc, out: &mut String) {
    match doc {
        Doc::Map(entries) if !entries.is_empty() => write_map(entries, 0, out),
        Doc::Seq(items) if !items.is_empty() => write_seq(items, 0, out),
        other => {
            out.push_str(&inline(other, 0));
            out.push('\n');
        }
    }
}

fn indent(n: usize, out: &mut String) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn sorted(entries: &[(String, Doc)]) -> Vec<&(String, Doc)> {
    let mut v: Vec<&(String, Doc)> = entries.iter().collect();
    crate::sort::sort_by(&mut v, |a, b| a.0.cmp(&b.0));
    v
}

/// Writes map entries, the first at the current cursor, the rest at `ind`.
fn write_map(entries: &[(String, Doc)], ind: usize, out: &mut String) {
    for (i, (k, v)) in sorted(entries).into_iter().enumerate() {
        if i > 0 {
            indent(ind, out);
        }
        out.push_str(&scalar(k, ind));
        out.push(':');
        match v {
            Doc::Map(m) if !m.is_empty() => {
                out.push('\n');
                indent(ind + 2, out);
                write_map(m, ind + 2, out);
            }
            Doc::Seq(s) if !s.is_empty() => {
                out.push('\n');
                indent(ind, out);
                write_seq(s, ind, out);
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other, ind + 2));
                out.push('\n');
            }
        }
    }
}

/// Writes `- item` lines, the first at the current cursor, the rest at `ind`.
fn write_seq(items: &[Doc], ind: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            indent(ind, out);
        }
        out.push_str("- ");
        match item {
            Doc::Map(m) if !m.is_empty() => write_map(m, ind + 2, out),
            Doc::Seq(s) if !s.is_empty() => write_seq(s, ind + 2, out),
            other => {
                out.push_str(&inline(other, ind + 2));
                out.push('\n');
            }
        }
    }
}

/// A scalar or empty collection on one line (block scalars continue on the next lines).
fn inline(doc: &Doc, ind: usize) -> String {
    match doc {
        Doc::Null => "null".to_string(),
        Doc::Bool(b) => b.to_string(),
        Doc::Int(i) => i.to_string(),
        Doc::Float(f) => float_text(*f),
        Doc::Str(s) => scalar(s, ind),
        Doc::Seq(_) => "[]".to_string(),
        Doc::Map(_) => "{}".to_string(),
    }
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.into()
    } else if f.fract() == 0.0 && f.abs() < 1e15 {
        crate::float::fixed(f, 1)
    } else {
        crate::float::display(f)
    }
}

/// Quotes a string as go-yaml does: double quotes if it would read as another type, a literal
/// block for multi-line text, single quotes if YAML syntax needs them, else plain.
fn scalar(s: &str, ind: usize) -> String {
    if !matches!(resolve_plain(s), Resolved::Str(_)) {
        return double_quoted(s);
    }
    if s.contains('\n') {
        if let Some(block) = literal_block(s, ind) {
            return block;
        }
        return double_quoted(s);
    }
    let printable = s.chars().all(|c| !c.is_control() && c != '\u{feff}');
    if !printable || s.starts_with([' ', '\t']) || s.ends_with([' ', '\t']) {
        return double_quoted(s);
    }
    if plain_ok(s) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn plain_ok(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let second = s.chars().nth(1);
    if ",[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if "-?:".contains(first) && second.is_none_or(|c| c == ' ') {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    !(s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t'))
}

/// `|` / `|-` / `|+` block, or None when the text cannot be written as one exactly.
fn literal_block(s: &str, ind: usize) -> Option<String> {
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let bad_line =
        |l: &str| l.contains('\r') || l.contains('\t') || l.chars().any(char::is_control);
    let first = body.split('\n').find(|l| !l.is_empty()).unwrap_or("");
    if first.is_empty() || first.starts_with(' ') || body.split('\n').any(bad_line) {
        return None;
    }
    if body
        .split('\n')
        .any(|l| !l.is_empty() && l.trim().is_empty())
    {
        return None;
    }
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let mut lines: Vec<&str> = body.split('\n').collect();
    lines.extend(std::iter::repeat_n("", trailing.saturating_sub(1)));
    let mut out = format!("|{chomp}");
    for line in lines {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&" ".repeat(ind.max(2)));
            out.push_str(line);
        }
    }
    Some(out)
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{feff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---- JSON ----

fn write_json(doc: &Doc, ind: usize, out: &mut String) {
    match doc {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Int(i) => out.push_str(&i.to_string()),
        Doc::Float(f) if f.is_finite() => out.push_str(&crate::float::display(*f)),
        Doc::Float(_) => out.push_str("null"),
        Doc::Str(s) => json_string(s, out),
        Doc::Seq(items) if items.is_empty() => out.push_str("[]"),
        Doc::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Doc::Seq(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(ind + 4, out);
                write_json(item, ind + 4, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(ind, out);
            out.push(']');
        }
        Doc::Map(entries) => {
            out.push_str("{\n");
            for (i, (k, v)) in entries.iter().enumerate() {
                indent(ind + 4, out);
                json_string(k, out);
                out.push_str(": ");
                write_json(v, ind + 4, out);
                out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
            }
            indent(ind, out);
            out.push('}');
        }
    }
}

/// Go's encoding/json escaping, including its HTML-safe `<`, `>`, `&`.
fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
