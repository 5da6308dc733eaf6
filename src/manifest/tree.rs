//! A spanned YAML tree built from saphyr-parser's events.
//!
//! The builder is iterative and refuses nesting deeper than [`MAX_DEPTH`] while it reads events,
//! so neither building, walking nor dropping a tree can overflow the stack. Aliases are expanded
//! with a node budget (no "billion laughs"), duplicate keys are reported where they occur, and
//! `<<` merge keys work as in go-yaml, which kubectl uses.

use crate::sorted::SortedMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::Pos;

/// Deepest nesting of mappings and lists accepted; real manifests stay under 20.
pub const MAX_DEPTH: usize = 100;
/// Most nodes that aliases may add to one stream.
pub const MAX_ALIAS_NODES: usize = 100_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Quoted, block or `!!str`-tagged: always a string, never an int, bool or null.
    pub quoted: bool,
}

/// What a scalar means under go-yaml's (YAML 1.1) resolution rules, which kubectl applies.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved<'a> {
    Null,
    Bool(bool),
    Int(i128),
    Float,
    Str(&'a str),
}

impl Scalar {
    pub fn resolve(&self) -> Resolved<'_> {
        if self.quoted {
            return Resolved::Str(&self.text);
        }
        resolve_plain(&self.text)
    }
}

pub fn resolve_plain(t: &str) -> Resolved<'_> {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Resolved::Float,
        _ => {}
    }
    if let Some(i) = parse_int(t) {
        return Resolved::Int(i);
    }
    if is_float(t) {
        return Resolved::Float;
    }
    Resolved::Str(t)
}

fn parse_int(t: &str) -> Option<i128> {
    let (neg, body) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() || clean.len() > 38 {
        return None;
    }
    let v = if let Some(h) = clean.strip_prefix("0x") {
        i128::from_str_radix(h, 16).ok()?
    } else if let Some(b) = clean.strip_prefix("0b") {
        i128::from_str_radix(b, 2).ok()?
    } else if let Some(o) = clean.strip_prefix("0o") {
        i128::from_str_radix(o, 8).ok()?
    } else if clean.len() > 1 && clean.starts_with('0') {
        // YAML 1.1 octal (`0644`), as go-yaml reads it.
        i128::from_str_radix(&clean[1..], 8).ok()?
    } else if clean.bytes().all(|c| c.is_ascii_digit()) {
        clean.parse().ok()?
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

fn is_float(t: &str) -> bool {
    let b = t.trim_start_matches(['+', '-']);
    let (mant, exp) = match b.find(['e', 'E']) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let digits = mant.bytes().filter(|c| c.is_ascii_digit()).count();
    let mant_ok = digits > 0
        && mant
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b'_')
        && mant.bytes().filter(|c| *c == b'.').count() <= 1;
    let exp_ok = exp.is_none_or(|e| {
        let e = e.trim_start_matches(['+', '-']);
        !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
    });
    mant_ok && exp_ok && (mant.contains('.') || exp.is_some())
}

impl Node {
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar(s) if s.resolve() == Resolved::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(&s.text),
            _ => None,
        }
    }

    /// The value of `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node of `key` in a mapping (where unknown-field and duplicate messages point).
    pub fn key_node(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    fn count(&self) -> usize {
        let mut n = 0;
        let mut stack = vec![self];
        while let Some(x) = stack.pop() {
            n += 1;
            match &x.value {
                Value::Scalar(_) => {}
                Value::Seq(items) => stack.extend(items),
                Value::Map(entries) => {
                    for (k, v) in entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
            }
        }
        n
    }

    fn height(&self) -> usize {
        let mut best = 0;
        let mut stack = vec![(self, 0usize)];
        while let Some((x, d)) = stack.pop() {
            match &x.value {
                Value::Scalar(_) => best = best.max(d),
                Value::Seq(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
                Value::Map(entries) => {
                    best = best.max(d + 1);
                    stack.extend(entries.iter().map(|(_, v)| (v, d + 1)));
                }
            }
        }
        best
    }
}

/// One YAML document: its root (None when empty) and where it starts.
#[derive(Clone, Debug)]
pub struct Document {
    pub index: usize,
    pub start: Pos,
    pub root: Option<Node>,
    /// Errors confined to this document (duplicate keys); it is not decoded when present.
    pub errors: Vec<TreeError>,
}

/// A stream-level failure: the parser stopped here, so later documents are unknown.
#[derive(Clone, Debug, PartialEq)]
pub struct TreeError {
    pub pos: Pos,
    pub message: String,
    /// Index of the document being read when it failed.
    pub doc: usize,
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line() as u32,
        col: span.start.col() as u32 + 1,
    }
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Parses every document; documents before a syntax error are kept.
pub fn parse_stream(text: &str) -> (Vec<Document>, Option<TreeError>) {
    // The YAML scanner reads a NUL as the end of the input ("unexpected end of stream"); YAML
    // allows only printable characters, so name the character at its place instead.
    if let Some(at) = text.find('\0') {
        let before = &text[..at];
        let pos = Pos {
            line: before.matches('\n').count() as u32 + 1,
            col: before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1,
        };
        let message =
            "found a NUL character (U+0000): YAML text may not contain one, not even inside quotes"
                .to_string();
        return (
            Vec::new(),
            Some(TreeError {
                pos,
                message,
                doc: 0,
            }),
        );
    }
    let mut docs = Vec::new();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: SortedMap<usize, Node> = SortedMap::new();
    let mut alias_budget = MAX_ALIAS_NODES;
    let mut current: Option<Document> = None;
    let fail = |pos: Pos, message: String, docs: &Vec<Document>| TreeError {
        pos,
        message,
        doc: docs.len(),
    };
    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let pos = Pos {
                    line: e.marker().line() as u32,
                    col: e.marker().col() as u32 + 1,
                };
                {
                    let e = fail(pos, e.info().to_string(), &docs);
                    return (docs, Some(e));
                };
            }
        };
        let pos = pos_of(&span);
        let done: Node = match event {
            Event::StreamStart | Event::Nothing => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                anchors.clear();
                current = Some(Document {
                    index: docs.len(),
                    start: pos,
                    root: None,
                    errors: Vec::new(),
                });
                continue;
            }
            Event::DocumentEnd => {
                if let Some(d) = current.take() {
                    push_document(&mut docs, d);
                }
                continue;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    let msg = format!(
                        "nesting is too deep: more than {MAX_DEPTH} levels of mappings and lists"
                    );
                    {
                        let e = fail(pos, msg, &docs);
                        return (docs, Some(e));
                    };
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        pos,
                        anchor,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        pos,
                        anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { pos, anchor, items }) => {
                    let n = Node {
                        pos,
                        value: Value::Seq(items),
                    };
                    remember(&mut anchors, anchor, &n);
                    n
                }
                _ => {
                    let e = fail(pos, "unbalanced sequence end".into(), &docs);
                    return (docs, Some(e));
                }
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    pos,
                    anchor,
                    entries,
                    ..
                }) => {
                    if let Some(d) = current.as_mut() {
                        d.errors.extend(duplicate_keys(&entries, docs.len()));
                    }
                    let n = Node {
                        pos,
                        value: Value::Map(merge_keys(entries)),
                    };
                    remember(&mut anchors, anchor, &n);
                    n
                }
                _ => {
                    let e = fail(pos, "unbalanced mapping end".into(), &docs);
                    return (docs, Some(e));
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                let str_tag = tag
                    .as_ref()
                    .is_some_and(|t| t.is_yaml_core_schema() && t.suffix == "str");
                let n = Node {
                    pos,
                    value: Value::Scalar(Scalar {
                        text: text.into_owned(),
                        quoted: str_tag || style != ScalarStyle::Plain,
                    }),
                };
                remember(&mut anchors, anchor, &n);
                n
            }
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    {
                        let e = fail(pos, "unknown anchor".into(), &docs);
                        return (docs, Some(e));
                    };
                };
                let size = target.count();
                if size > alias_budget {
                    let msg = format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} nodes; refusing to expand them"
                    );
                    {
                        let e = fail(pos, msg, &docs);
                        return (docs, Some(e));
                    };
                }
                if stack.len() + target.height() > MAX_DEPTH {
                    let msg = format!(
                        "nesting is too deep: more than {MAX_DEPTH} levels of mappings and lists"
                    );
                    {
                        let e = fail(pos, msg, &docs);
                        return (docs, Some(e));
                    };
                }
                alias_budget -= size;
                let mut n = target.clone();
                n.pos = pos;
                n
            }
        };
        match stack.last_mut() {
            None => {
                if let Some(d) = current.as_mut() {
                    d.root = Some(done);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(done),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(done),
                Some(k) => entries.push((k, done)),
            },
        }
    }
    if let Some(d) = current.take() {
        push_document(&mut docs, d);
    }
    (docs, None)
}

fn push_document(docs: &mut Vec<Document>, mut d: Document) {
    // Mappings report their duplicates when they close, inner ones first: back to text order.
    crate::sort::sort_by_key(&mut d.errors, |e| (e.pos.line, e.pos.col));
    docs.push(d);
}

/// For each key, the first key before it with the same text. Sorting keeps this O(n log n):
/// a scan per key made a 50,000-key mapping take seconds to read.
fn earlier_same_key(keys: &[Option<&str>]) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    // Stable, so each run of equal keys is in text order.
    crate::sort::sort_by_key(&mut order, |&i| keys[i]);
    let mut out = vec![None; keys.len()];
    let mut first = None;
    for i in order {
        match first {
            Some(f) if keys[f] == keys[i] => out[i] = Some(f),
            _ => first = Some(i),
        }
    }
    out
}

/// `mapping key "k" already defined at line N` for each repeated key, in text order.
fn duplicate_keys(entries: &[(Node, Node)], doc: usize) -> Vec<TreeError> {
    let keys: Vec<Option<&str>> = entries.iter().map(|(k, _)| k.as_str()).collect();
    earlier_same_key(&keys)
        .into_iter()
        .enumerate()
        .filter_map(|(i, prev)| {
            let (k, prev) = (&entries[i].0, &entries[prev?].0);
            Some(TreeError {
                pos: k.pos,
                message: format!(
                    "mapping key {:?} already defined at line {}",
                    k.as_str()?,
                    prev.pos.line
                ),
                doc,
            })
        })
        .collect()
}

fn remember(anchors: &mut SortedMap<usize, Node>, anchor: usize, n: &Node) {
    if anchor != 0 {
        anchors.insert(anchor, n.clone());
    }
}

/// Applies `<<: *base` (or a list of bases): keys already present win, as in go-yaml.
fn merge_keys(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge = |k: &Node| matches!(&k.value, Value::Scalar(s) if !s.quoted && s.text == "<<");
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return entries;
    }
    let mut own = Vec::new();
    let mut bases = Vec::new();
    for (k, v) in entries {
        if is_merge(&k) {
            match v.value {
                Value::Seq(items) => bases.extend(items),
                _ => bases.push(v),
            }
        } else {
            own.push((k, v));
        }
    }
    let own_len = own.len();
    for base in bases {
        if let Value::Map(base_entries) = base.value {
            own.extend(base_entries);
        }
    }
    // A base's key is dropped when the mapping or an earlier base already has it.
    let keys: Vec<Option<&str>> = own.iter().map(|(k, _)| k.as_str()).collect();
    let earlier = earlier_same_key(&keys);
    own.into_iter()
        .zip(earlier)
        .enumerate()
        .filter(|(i, (_, prev))| *i < own_len || prev.is_none())
        .map(|(_, (entry, _))| entry)
        .collect()
}
