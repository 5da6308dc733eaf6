//! kubectl's `-o yaml` and `-o json` printing, from any [`Encode`] value.
//!
//! [`Encode`] builds a [`Doc`] tree; two printers write it out:
//! YAML as kubectl prints it (keys sorted, 2-space indent, list items at their key's indent,
//! go-yaml's quoting) and JSON as `json.MarshalIndent` with 4 spaces (struct order, HTML-safe).

use std::fmt::{self, Write};

use super::tree::{resolve_plain, Resolved};

use crate::codec::json_number;
pub use crate::codec::{encode_field, encode_typed, Doc, Encode};

#[derive(Debug)]
pub struct EmitError(String);

impl fmt::Display for EmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EmitError {}

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
        // A block scalar cannot be a key: multi-line keys are double-quoted.
        if k.contains('\n') {
            out.push_str(&double_quoted(k));
        } else {
            out.push_str(&scalar(k, ind));
        }
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
        // Kept as written, which reads back as the same number.
        Doc::Float(text) => text.clone(),
        Doc::Str(s) => scalar(s, ind),
        Doc::Seq(_) => "[]".to_string(),
        Doc::Map(_) => "{}".to_string(),
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
    write_json_step(doc, ind, 4, out);
}

/// JSON with `step` spaces per level: 4 as kubectl's MarshalIndent, 2 as jq prints.
pub fn json_pretty(doc: &Doc, step: usize) -> String {
    let mut out = String::new();
    write_json_step(doc, 0, step, &mut out);
    out
}

/// JSON on one line with keys sorted, as Go's json.Marshal writes an unstructured object:
/// kubectl's jsonpath prints a map or a list this way (client-go util/jsonpath evalToText), and
/// kubectl's last-applied annotation is this text. `drop_nulls` leaves out map entries whose
/// value is null (the annotation does).
pub fn json_compact(doc: &Doc, drop_nulls: bool, out: &mut String) {
    match doc {
        Doc::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_compact(item, drop_nulls, out);
            }
            out.push(']');
        }
        Doc::Map(entries) => {
            let mut sorted: Vec<&(String, Doc)> = entries
                .iter()
                .filter(|(_, v)| !drop_nulls || *v != Doc::Null)
                .collect();
            crate::sort::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                json_compact(v, drop_nulls, out);
            }
            out.push('}');
        }
        scalar => write_json_step(scalar, 0, 0, out),
    }
}

fn write_json_step(doc: &Doc, ind: usize, step: usize, out: &mut String) {
    match doc {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Int(i) => out.push_str(&i.to_string()),
        Doc::Float(text) => match json_number(text) {
            Some(n) => out.push_str(&n),
            None => out.push_str("null"),
        },
        Doc::Str(s) => json_string(s, out),
        Doc::Seq(items) if items.is_empty() => out.push_str("[]"),
        Doc::Map(entries) if entries.is_empty() => out.push_str("{}"),
        Doc::Seq(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                indent(ind + step, out);
                write_json_step(item, ind + step, step, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            indent(ind, out);
            out.push(']');
        }
        Doc::Map(entries) => {
            out.push_str("{\n");
            for (i, (k, v)) in entries.iter().enumerate() {
                indent(ind + step, out);
                json_string(k, out);
                out.push_str(": ");
                write_json_step(v, ind + step, step, out);
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
