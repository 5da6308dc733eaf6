//! kubectl's `-o yaml` and `-o json` printing, from any `Serialize` value.
//!
//! A small serde `Serializer` builds a [`Doc`] tree; two printers write it out:
//! YAML as kubectl prints it (keys sorted, 2-space indent, list items at their key's indent,
//! go-yaml's quoting) and JSON as `json.MarshalIndent` with 4 spaces (struct order, HTML-safe).

use std::fmt::{self, Write};

use serde::ser::{self, Serialize};

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

impl ser::Error for EmitError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        EmitError(msg.to_string())
    }
}

/// Serializes any value into a [`Doc`].
pub fn to_doc<T: Serialize + ?Sized>(value: &T) -> Result<Doc, EmitError> {
    value.serialize(DocSer)
}

/// `kubectl get -o yaml` text of a value.
pub fn to_yaml<T: Serialize + ?Sized>(value: &T) -> Result<String, EmitError> {
    let mut out = String::new();
    write_yaml(&to_doc(value)?, &mut out);
    Ok(out)
}

/// `kubectl get -o json` text of a value (no trailing newline, as MarshalIndent).
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, EmitError> {
    let mut out = String::new();
    write_json(&to_doc(value)?, 0, &mut out);
    Ok(out)
}

struct DocSer;

pub struct SeqSer(Vec<Doc>);
pub struct MapSer(Vec<(String, Doc)>, Option<String>);
pub struct VariantSer(&'static str, Vec<Doc>);
pub struct StructVariantSer(&'static str, Vec<(String, Doc)>);

impl ser::Serializer for DocSer {
    type Ok = Doc;
    type Error = EmitError;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = VariantSer;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = StructVariantSer;

    fn serialize_bool(self, v: bool) -> Result<Doc, EmitError> {
        Ok(Doc::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_u8(self, v: u8) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Doc, EmitError> {
        Ok(Doc::Int(v.into()))
    }
    fn serialize_f32(self, v: f32) -> Result<Doc, EmitError> {
        Ok(Doc::Float(v.into()))
    }
    fn serialize_f64(self, v: f64) -> Result<Doc, EmitError> {
        Ok(Doc::Float(v))
    }
    fn serialize_char(self, v: char) -> Result<Doc, EmitError> {
        Ok(Doc::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Doc, EmitError> {
        Ok(Doc::Str(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Doc, EmitError> {
        Ok(Doc::Seq(v.iter().map(|b| Doc::Int((*b).into())).collect()))
    }
    fn serialize_none(self) -> Result<Doc, EmitError> {
        Ok(Doc::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Doc, EmitError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Doc, EmitError> {
        Ok(Doc::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Doc, EmitError> {
        Ok(Doc::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Doc, EmitError> {
        Ok(Doc::Str(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Doc, EmitError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Doc, EmitError> {
        Ok(Doc::Map(vec![(variant.to_string(), v.serialize(DocSer)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, EmitError> {
        Ok(SeqSer(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, EmitError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer, EmitError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<VariantSer, EmitError> {
        Ok(VariantSer(variant, Vec::new()))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSer, EmitError> {
        Ok(MapSer(Vec::new(), None))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSer, EmitError> {
        Ok(MapSer(Vec::new(), None))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<StructVariantSer, EmitError> {
        Ok(StructVariantSer(variant, Vec::new()))
    }
}

impl ser::SerializeSeq for SeqSer {
    type Ok = Doc;
    type Error = EmitError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EmitError> {
        self.0.push(v.serialize(DocSer)?);
        Ok(())
    }
    fn end(self) -> Result<Doc, EmitError> {
        Ok(Doc::Seq(self.0))
    }
}

impl ser::SerializeTuple for SeqSer {
    type Ok = Doc;
    type Error = EmitError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EmitError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Doc, EmitError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqSer {
    type Ok = Doc;
    type Error = EmitError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EmitError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Doc, EmitError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for VariantSer {
    type Ok = Doc;
    type Error = EmitError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EmitError> {
        self.1.push(v.serialize(DocSer)?);
        Ok(())
    }
    fn end(self) -> Result<Doc, EmitError> {
        Ok(Doc::Map(vec![(self.0.to_string(), Doc::Seq(self.1))]))
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Doc;
    type Error = EmitError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), EmitError> {
        let key = match k.serialize(DocSer)? {
            Doc::Str(s) => s,
            Doc::Int(i) => i.to_string(),
            Doc::Bool(b) => b.to_string(),
            other => {
                return Err(EmitError(format!(
                    "map keys must be strings, not {other:?}"
                )))
            }
        };
        self.1 = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), EmitError> {
        let key = self
            .1
            .take()
            .ok_or_else(|| EmitError("map value without a key".into()))?;
        self.0.push((key, v.serialize(DocSer)?));
        Ok(())
    }
    fn end(self) -> Result<Doc, EmitError> {
        Ok(Doc::Map(self.0))
    }
}

impl ser::SerializeStruct for MapSer {
    type Ok = Doc;
    type Error = EmitError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), EmitError> {
        self.0.push((key.to_string(), v.serialize(DocSer)?));
        Ok(())
    }
    fn end(self) -> Result<Doc, EmitError> {
        Ok(Doc::Map(self.0))
    }
}

impl ser::SerializeStructVariant for StructVariantSer {
    type Ok = Doc;
    type Error = EmitError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), EmitError> {
        self.1.push((key.to_string(), v.serialize(DocSer)?));
        Ok(())
    }
    fn end(self) -> Result<Doc, EmitError> {
        Ok(Doc::Map(vec![(self.0.to_string(), Doc::Map(self.1))]))
    }
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
        format!("{f:.1}")
    } else {
        format!("{f}")
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
        Doc::Float(f) if f.is_finite() => out.push_str(&format!("{f}")),
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
