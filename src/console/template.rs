//! `kubectl get -o go-template=...` and `--template`: the part of Go's `text/template` the
//! Kubernetes docs and the book use: fields, `$` variables, `if`/`else`, `range` (with
//! `$i, $c :=`), `with`, pipelines, and the functions `len`, `index`, `printf`, `print`,
//! `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `and`, `or`, `not`.
//!
//! kubectl marshals the object to JSON and unmarshals it into `map[string]interface{}`, so the
//! template sees JSON values: every number is a float64 (`{{.spec.replicas}}` prints `3`,
//! a seven-digit number `1e+06`), a missing key prints `<no value>`, a JSON null `<nil>`.
//! No crate does this: the Go-template crates keep maps in a `HashMap` (range order would not
//! be deterministic) and bring a whole template language into the bundle.

use crate::codec::Doc;

/// A value while the template runs.
#[derive(Clone, Debug, PartialEq)]
enum Val {
    /// A missing key (`<no value>`).
    Missing,
    /// JSON null (`<nil>`).
    Nil,
    Bool(bool),
    /// A template constant or a `len`: Go's `int`.
    Int(i64),
    /// A JSON number: Go's float64, kept as its text.
    Num(String),
    Str(String),
    Doc(Doc),
}

impl Val {
    fn of(d: &Doc) -> Val {
        match d {
            Doc::Null => Val::Nil,
            Doc::Bool(b) => Val::Bool(*b),
            Doc::Int(i) => Val::Num(i.to_string()),
            Doc::Float(t) => Val::Num(t.clone()),
            Doc::Str(s) => Val::Str(s.clone()),
            other => Val::Doc(other.clone()),
        }
    }

    fn truth(&self) -> bool {
        match self {
            Val::Missing | Val::Nil => false,
            Val::Bool(b) => *b,
            Val::Int(i) => *i != 0,
            Val::Num(n) => n.bytes().any(|b| matches!(b, b'1'..=b'9')),
            Val::Str(s) => !s.is_empty(),
            Val::Doc(Doc::Seq(s)) => !s.is_empty(),
            Val::Doc(Doc::Map(m)) => !m.is_empty(),
            Val::Doc(_) => true,
        }
    }

    /// Go's type name, for error texts.
    fn type_name(&self) -> &'static str {
        match self {
            Val::Missing | Val::Nil => "<nil>",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Num(_) => "float64",
            Val::Str(_) => "string",
            Val::Doc(Doc::Seq(_)) => "[]interface {}",
            Val::Doc(_) => "map[string]interface {}",
        }
    }
}

/// How Go's `fmt` prints a value with `%v` (maps with sorted keys, as Go prints them).
fn show(v: &Val) -> String {
    match v {
        Val::Missing => "<no value>".into(),
        Val::Nil => "<nil>".into(),
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Num(n) => float_text(n),
        Val::Str(s) => s.clone(),
        Val::Doc(Doc::Seq(items)) => {
            let parts: Vec<String> = items.iter().map(|d| show(&Val::of(d))).collect();
            format!("[{}]", parts.join(" "))
        }
        Val::Doc(Doc::Map(m)) => {
            let mut keys: Vec<&(String, Doc)> = m.iter().collect();
            crate::sort::sort_by(&mut keys, |a, b| a.0.cmp(&b.0));
            let parts: Vec<String> = keys
                .iter()
                .map(|(k, d)| format!("{k}:{}", show(&Val::of(d))))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
        Val::Doc(d) => show(&Val::of(d)),
    }
}

/// A float64 as `%v` prints it: the shortest digits, in exponent form from 1e+06 up (Go's
/// `strconv.FormatFloat(f, 'g', -1, 64)`). Integers are exact here; other numbers keep the
/// text they were written as.
fn float_text(n: &str) -> String {
    let (sign, digits) = match n.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", n),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() < 7 {
        return n.to_string();
    }
    let exp = digits.len() - 1;
    let mantissa = digits.trim_end_matches('0');
    let (first, rest) = mantissa.split_at(1);
    let dot = if rest.is_empty() { "" } else { "." };
    format!("{sign}{first}{dot}{rest}e+{exp:02}")
}

#[derive(Clone, Debug, PartialEq)]
enum Arg {
    /// `.` or `.a.b`.
    Dot(Vec<String>),
    /// `$`, `$x` or `$x.a.b`.
    Var(String, Vec<String>),
    Lit(Val),
    /// A function name.
    Func(String),
    /// `(pipeline)`, then fields.
    Sub(Box<Pipe>, Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
struct Pipe {
    /// `$x :=` (or `$i, $c :=` in a range).
    decl: Vec<String>,
    /// `$x =`: assigns instead of declaring.
    assign: bool,
    cmds: Vec<Vec<Arg>>,
    /// The action's text, for `executing "output" at <...>`.
    text: String,
    line: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Action(Pipe),
    If(Pipe, Vec<Node>, Vec<Node>),
    With(Pipe, Vec<Node>, Vec<Node>),
    Range(Pipe, Vec<Node>, Vec<Node>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

/// Text and actions, before nesting.
enum Item {
    Text(String),
    Action(String, usize),
}

fn parse_err(line: usize, msg: impl std::fmt::Display) -> String {
    format!("template: output:{line}: {msg}")
}

const FUNCS: &[&str] = &[
    "len", "index", "printf", "print", "println", "eq", "ne", "lt", "le", "gt", "ge", "and", "or",
    "not",
];

fn items(src: &str) -> Result<Vec<Item>, String> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut line = 1;
    let mut trim_next = false;
    while let Some(start) = rest.find("{{") {
        let mut text = &rest[..start];
        if trim_next {
            text = text.trim_start();
        }
        let body = &rest[start + 2..];
        let trim_before = body.starts_with("- ") || body.starts_with("-\t") || body == "-";
        if trim_before {
            text = text.trim_end();
        }
        if !text.is_empty() {
            out.push(Item::Text(text.to_string()));
        }
        line += rest[..start].matches('\n').count();
        // The action ends at the first `}}` outside a quoted string.
        let bytes = body.as_bytes();
        let (mut i, mut quote) = (0, None::<u8>);
        let end = loop {
            if i + 1 >= bytes.len() {
                break None;
            }
            let b = bytes[i];
            match quote {
                Some(q) if b == b'\\' && q == b'"' => i += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'`' => quote = Some(b),
                None if b == b'}' && bytes[i + 1] == b'}' => break Some(i),
                None => {}
            }
            i += 1;
        };
        let Some(end) = end else {
            return Err(parse_err(line, "unclosed action"));
        };
        let mut inner = &body[..end];
        if trim_before {
            inner = &inner[1..];
        }
        trim_next = inner.ends_with(" -") || inner.ends_with("\t-");
        if trim_next {
            inner = &inner[..inner.len() - 1];
        }
        let inner = inner.trim();
        if !(inner.starts_with("/*") && inner.ends_with("*/")) {
            out.push(Item::Action(inner.to_string(), line));
        }
        line += body[..end].matches('\n').count();
        rest = &body[end + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    if !text.is_empty() {
        out.push(Item::Text(text.to_string()));
    }
    Ok(out)
}

/// Words of an action: `(`, `)`, `|`, `,`, `:=`, `=`, quoted strings and the rest.
fn lex(s: &str, line: usize) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == ')' && chars.get(i + 1) == Some(&'.') {
            // `(index .x 0).name`: the fields after the parenthesis, marked `).`.
            out.push(")".into());
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_alphanumeric() || matches!(chars[j], '_' | '.')) {
                j += 1;
            }
            out.push(chars[i..j].iter().collect());
            i = j;
        } else if matches!(c, '(' | ')' | '|' | ',') {
            out.push(c.to_string());
            i += 1;
        } else if c == ':' && chars.get(i + 1) == Some(&'=') {
            out.push(":=".into());
            i += 2;
        } else if c == '=' {
            out.push("=".into());
            i += 1;
        } else if c == '"' || c == '`' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != c {
                if c == '"' && chars[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(parse_err(line, "unterminated quoted string"));
            }
            out.push(chars[i..=j].iter().collect());
            i = j + 1;
        } else {
            let mut j = i;
            let ends = |j: usize| {
                let c = chars[j];
                c.is_whitespace()
                    || matches!(c, '(' | ')' | '|' | ',' | '"' | '`')
                    || (c == ':' && chars.get(j + 1) == Some(&'='))
                    || (c == '=' && chars[i] == '$')
            };
            while j < chars.len() && !ends(j) {
                j += 1;
            }
            out.push(chars[i..j].iter().collect());
            i = j;
        }
    }
    Ok(out)
}

fn unquote(w: &str, line: usize) -> Result<String, String> {
    if let Some(raw) = w.strip_prefix('`') {
        return Ok(raw.trim_end_matches('`').to_string());
    }
    let inner = &w[1..w.len() - 1];
    let mut out = String::new();
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(c @ ('\\' | '"' | '\'')) => out.push(c),
            _ => return Err(parse_err(line, format!("invalid syntax: {w}"))),
        }
    }
    Ok(out)
}

/// `.a.b` -> ["a", "b"]; `.` -> [].
fn fields(s: &str, line: usize) -> Result<Vec<String>, String> {
    let f: Vec<String> = s.split('.').skip(1).map(str::to_string).collect();
    if f.iter().enumerate().any(|(i, x)| {
        (x.is_empty() && !(i == 0 && f.len() == 1))
            || !x.chars().all(|c| c.is_alphanumeric() || c == '_')
    }) {
        return Err(parse_err(line, format!("bad character in field {s:?}")));
    }
    Ok(f.into_iter().filter(|x| !x.is_empty()).collect())
}

struct Parser<'a> {
    words: &'a [String],
    at: usize,
    line: usize,
    vars: &'a [String],
}

impl Parser<'_> {
    fn pipe(&mut self, text: &str) -> Result<Pipe, String> {
        let mut p = Pipe {
            decl: Vec::new(),
            assign: false,
            cmds: Vec::new(),
            text: text.to_string(),
            line: self.line,
        };
        // `$x :=`, `$i, $c :=`, `$x =`.
        let w = self.words;
        let decl_len = match (w.get(self.at), w.get(self.at + 1), w.get(self.at + 3)) {
            (Some(a), Some(op), _) if a.starts_with('$') && (op == ":=" || op == "=") => 1,
            (Some(a), Some(c), Some(op)) if a.starts_with('$') && c == "," && op == ":=" => 2,
            _ => 0,
        };
        if decl_len > 0 {
            p.decl.push(w[self.at].clone());
            if decl_len == 2 {
                p.decl.push(w[self.at + 2].clone());
            }
            p.assign = w[self.at + decl_len * 2 - 1] == "=";
            self.at += decl_len * 2;
        }
        let mut cmd = Vec::new();
        while let Some(word) = self.words.get(self.at) {
            self.at += 1;
            match word.as_str() {
                ")" => {
                    self.at -= 1;
                    break;
                }
                "|" => {
                    if cmd.is_empty() {
                        return Err(parse_err(self.line, "missing value for command"));
                    }
                    p.cmds.push(std::mem::take(&mut cmd));
                }
                "(" => {
                    let inner = self.pipe(text)?;
                    if self.words.get(self.at).map(String::as_str) != Some(")") {
                        return Err(parse_err(self.line, "unclosed left paren"));
                    }
                    self.at += 1;
                    let mut fs = Vec::new();
                    if let Some(f) = self.words.get(self.at).and_then(|w| w.strip_prefix(')')) {
                        fs = fields(f, self.line)?;
                        self.at += 1;
                    }
                    cmd.push(Arg::Sub(Box::new(inner), fs));
                }
                w if w.starts_with(").") => {
                    return Err(parse_err(self.line, format!("unexpected {w:?}")));
                }
                w => cmd.push(self.arg(w)?),
            }
        }
        if cmd.is_empty() {
            return Err(parse_err(self.line, "missing value for command"));
        }
        p.cmds.push(cmd);
        for (i, c) in p.cmds.iter().enumerate() {
            if c.len() > 1 && !matches!(c[0], Arg::Func(_)) {
                return Err(parse_err(
                    self.line,
                    format!("can't give argument to non-function {}", arg_text(&c[0])),
                ));
            }
            if i > 0 && !matches!(c[0], Arg::Func(_)) {
                return Err(parse_err(
                    self.line,
                    format!("non executable command in pipeline stage {}", i + 1),
                ));
            }
        }
        Ok(p)
    }

    fn arg(&self, w: &str) -> Result<Arg, String> {
        let line = self.line;
        Ok(if w.starts_with('.') {
            Arg::Dot(fields(w, line)?)
        } else if let Some(v) = w.strip_prefix('$') {
            let (name, rest) = v.split_at(v.find('.').unwrap_or(v.len()));
            let name = format!("${name}");
            if !self.vars.contains(&name) {
                return Err(parse_err(line, format!("undefined variable {name:?}")));
            }
            Arg::Var(name, fields(rest, line)?)
        } else if w.starts_with('"') || w.starts_with('`') {
            Arg::Lit(Val::Str(unquote(w, line)?))
        } else if let Ok(n) = w.parse::<i64>() {
            Arg::Lit(Val::Int(n))
        } else {
            match w {
                "true" | "false" => Arg::Lit(Val::Bool(w == "true")),
                "nil" => Arg::Lit(Val::Nil),
                f if FUNCS.contains(&f) => Arg::Func(f.to_string()),
                f if f.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                    return Err(parse_err(line, format!("function {f:?} not defined")))
                }
                other => return Err(parse_err(line, format!("unexpected {other:?} in command"))),
            }
        })
    }
}

fn arg_text(a: &Arg) -> String {
    match a {
        Arg::Dot(f) if f.is_empty() => ".".into(),
        Arg::Dot(f) => format!(".{}", f.join(".")),
        Arg::Var(v, f) => f.iter().fold(v.clone(), |s, x| format!("{s}.{x}")),
        Arg::Lit(Val::Str(s)) => format!("{s:?}"),
        Arg::Lit(v) => show(v),
        Arg::Func(f) => f.clone(),
        Arg::Sub(p, _) => format!("({})", p.text),
    }
}

/// What a block ended with.
enum Close {
    End,
    Else(Option<String>),
    Eof,
}

struct Builder {
    items: Vec<Item>,
    at: usize,
    /// Variables in scope, innermost last.
    vars: Vec<String>,
}

impl Builder {
    fn block(&mut self) -> Result<(Vec<Node>, Close, usize), String> {
        let mut nodes = Vec::new();
        let scope = self.vars.len();
        while self.at < self.items.len() {
            let i = self.at;
            self.at += 1;
            let (text, line) = match &self.items[i] {
                Item::Text(t) => {
                    nodes.push(Node::Text(t.clone()));
                    continue;
                }
                Item::Action(a, l) => (a.clone(), *l),
            };
            let words = lex(&text, line)?;
            let head = words.first().map(String::as_str).unwrap_or("");
            match head {
                "" => return Err(parse_err(line, "missing value for command")),
                "end" => {
                    self.vars.truncate(scope);
                    return Ok((nodes, Close::End, line));
                }
                "else" => {
                    self.vars.truncate(scope);
                    let rest = text["else".len()..].trim();
                    return Ok((nodes, Close::Else(Some(rest.to_string())), line));
                }
                "if" | "with" | "range" => {
                    let node = self.control(head, &text[head.len()..], &words[1..], line)?;
                    nodes.push(node);
                }
                _ => {
                    let pipe = self.parse_pipe(&text, &words, line)?;
                    if !pipe.assign {
                        self.vars.extend(pipe.decl.iter().cloned());
                    }
                    nodes.push(Node::Action(pipe));
                }
            }
        }
        self.vars.truncate(scope);
        Ok((nodes, Close::Eof, 0))
    }

    fn parse_pipe(&self, text: &str, words: &[String], line: usize) -> Result<Pipe, String> {
        let mut p = Parser {
            words,
            at: 0,
            line,
            vars: &self.vars,
        };
        let pipe = p.pipe(text)?;
        if p.at < words.len() {
            return Err(parse_err(
                line,
                format!("unexpected {:?} in operand", words[p.at]),
            ));
        }
        if pipe.assign && !self.vars.contains(&pipe.decl[0]) {
            return Err(parse_err(
                line,
                format!("undefined variable {:?}", pipe.decl[0]),
            ));
        }
        Ok(pipe)
    }

    /// `if`, `with` or `range` up to its `end`, with `else` and `else if`.
    fn control(
        &mut self,
        head: &str,
        text: &str,
        words: &[String],
        line: usize,
    ) -> Result<Node, String> {
        let scope = self.vars.len();
        let pipe = self.parse_pipe(text.trim(), words, line)?;
        if pipe.decl.len() > 1 && head != "range" {
            return Err(parse_err(line, "too many declarations"));
        }
        self.vars.extend(pipe.decl.iter().cloned());
        let (body, close, _) = self.block()?;
        self.vars.truncate(scope);
        let else_ = match close {
            Close::End => Vec::new(),
            Close::Eof => return Err(parse_err(line, "unexpected EOF")),
            Close::Else(Some(rest)) if rest.starts_with("if ") && head == "if" => {
                // `else if` is an `if` inside the else branch that shares the `end`.
                let words = lex(&rest, line)?;
                vec![self.control("if", &rest[2..], &words[1..], line)?]
            }
            Close::Else(_) => {
                let (b, close, l) = self.block()?;
                match close {
                    Close::End => b,
                    Close::Eof => return Err(parse_err(line, "unexpected EOF")),
                    Close::Else(_) => return Err(parse_err(l, "expected end; found {{else}}")),
                }
            }
        };
        Ok(match head {
            "if" => Node::If(pipe, body, else_),
            "with" => Node::With(pipe, body, else_),
            _ => Node::Range(pipe, body, else_),
        })
    }
}

impl Template {
    /// Parses a template, with Go's error texts (`template: output:1: unclosed action`).
    pub fn parse(src: &str) -> Result<Template, String> {
        let mut b = Builder {
            items: items(src)?,
            at: 0,
            vars: vec!["$".into()],
        };
        let (nodes, close, line) = b.block()?;
        match close {
            Close::Eof => Ok(Template { nodes }),
            Close::End => Err(parse_err(line, "unexpected {{end}}")),
            Close::Else(_) => Err(parse_err(line, "unexpected {{else}}")),
        }
    }

    /// Runs the template over `data`; an error is Go's execution error text.
    pub fn execute(&self, data: &Doc) -> Result<String, String> {
        let mut out = String::new();
        let root = Val::of(data);
        let mut vars = vec![("$".to_string(), root.clone())];
        walk(&self.nodes, &root, &mut vars, &mut out)?;
        Ok(out)
    }
}

type Vars = Vec<(String, Val)>;

fn walk(nodes: &[Node], dot: &Val, vars: &mut Vars, out: &mut String) -> Result<(), String> {
    let scope = vars.len();
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Action(p) => {
                let v = pipe(p, dot, vars)?;
                if p.decl.is_empty() {
                    out.push_str(&show(&v));
                } else if p.assign {
                    if let Some(slot) = vars.iter_mut().rev().find(|(n, _)| *n == p.decl[0]) {
                        slot.1 = v;
                    }
                } else {
                    vars.push((p.decl[0].clone(), v));
                }
            }
            Node::If(p, body, else_) | Node::With(p, body, else_) => {
                let v = pipe(p, dot, vars)?;
                let inner = vars.len();
                if let Some(name) = p.decl.first() {
                    vars.push((name.clone(), v.clone()));
                }
                let with = matches!(n, Node::With(..));
                if v.truth() {
                    walk(body, if with { &v } else { dot }, vars, out)?;
                } else {
                    walk(else_, dot, vars, out)?;
                }
                vars.truncate(inner);
            }
            Node::Range(p, body, else_) => {
                let v = pipe(p, dot, vars)?;
                let pairs: Vec<(Val, Val)> = match &v {
                    Val::Doc(Doc::Seq(items)) => items
                        .iter()
                        .enumerate()
                        .map(|(i, d)| (Val::Int(i as i64), Val::of(d)))
                        .collect(),
                    Val::Doc(Doc::Map(m)) => {
                        let mut keys: Vec<&(String, Doc)> = m.iter().collect();
                        crate::sort::sort_by(&mut keys, |a, b| a.0.cmp(&b.0));
                        keys.iter()
                            .map(|(k, d)| (Val::Str(k.clone()), Val::of(d)))
                            .collect()
                    }
                    Val::Missing | Val::Nil => Vec::new(),
                    other => {
                        return Err(exec_err(
                            p,
                            format!("range can't iterate over {}", show(other)),
                        ))
                    }
                };
                if pairs.is_empty() {
                    walk(else_, dot, vars, out)?;
                }
                for (key, item) in pairs {
                    let inner = vars.len();
                    match p.decl.as_slice() {
                        [one] => vars.push((one.clone(), item.clone())),
                        [k, e] => {
                            vars.push((k.clone(), key));
                            vars.push((e.clone(), item.clone()));
                        }
                        _ => {}
                    }
                    walk(body, &item, vars, out)?;
                    vars.truncate(inner);
                }
            }
        }
    }
    vars.truncate(scope);
    Ok(())
}

fn exec_err(p: &Pipe, msg: impl std::fmt::Display) -> String {
    format!(
        "template: output:{}: executing \"output\" at <{}>: {msg}",
        p.line, p.text
    )
}

fn field(v: Val, f: &str) -> Val {
    match v {
        Val::Doc(Doc::Map(m)) => m
            .iter()
            .find(|(k, _)| k == f)
            .map_or(Val::Missing, |(_, d)| Val::of(d)),
        _ => Val::Missing,
    }
}

fn fields_of(mut v: Val, fs: &[String], p: &Pipe) -> Result<Val, String> {
    for f in fs {
        v = match v {
            Val::Doc(Doc::Map(_)) | Val::Missing => field(v, f),
            // Go: a field of nil is an error only for a typed nil; JSON nulls give <no value>.
            Val::Nil => Val::Missing,
            other => {
                return Err(exec_err(
                    p,
                    format!("can't evaluate field {f} in type {}", other.type_name()),
                ))
            }
        };
    }
    Ok(v)
}

fn pipe(p: &Pipe, dot: &Val, vars: &Vars) -> Result<Val, String> {
    let mut last: Option<Val> = None;
    for cmd in &p.cmds {
        let mut args = Vec::new();
        for a in &cmd[1..] {
            args.push(operand(a, dot, vars, p)?);
        }
        if let Some(prev) = last.take() {
            args.push(prev);
        }
        last = Some(match &cmd[0] {
            Arg::Func(f) => call(f, args, p)?,
            a => operand(a, dot, vars, p)?,
        });
    }
    Ok(last.unwrap_or(Val::Missing))
}

fn operand(a: &Arg, dot: &Val, vars: &Vars, p: &Pipe) -> Result<Val, String> {
    match a {
        Arg::Dot(fs) => fields_of(dot.clone(), fs, p),
        Arg::Var(name, fs) => {
            let v = vars
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map_or(Val::Missing, |(_, v)| v.clone());
            fields_of(v, fs, p)
        }
        Arg::Lit(v) => Ok(v.clone()),
        Arg::Func(f) => call(f, Vec::new(), p),
        Arg::Sub(inner, fs) => fields_of(pipe(inner, dot, vars)?, fs, p),
    }
}

fn number(v: &Val) -> Option<i128> {
    match v {
        Val::Int(i) => Some(i128::from(*i)),
        Val::Num(n) => n.parse().ok(),
        _ => None,
    }
}

fn call(f: &str, args: Vec<Val>, p: &Pipe) -> Result<Val, String> {
    let wrong = |want: &str| {
        exec_err(
            p,
            format!(
                "wrong number of args for {f}: want {want} got {}",
                args.len()
            ),
        )
    };
    Ok(match f {
        "len" => {
            let [v] = args.as_slice() else {
                return Err(wrong("1"));
            };
            Val::Int(match v {
                Val::Str(s) => s.len() as i64,
                Val::Doc(Doc::Seq(s)) => s.len() as i64,
                Val::Doc(Doc::Map(m)) => m.len() as i64,
                other => {
                    return Err(exec_err(
                        p,
                        format!("error calling len: len of type {}", other.type_name()),
                    ))
                }
            })
        }
        "index" => {
            let Some((first, keys)) = args.split_first() else {
                return Err(wrong("at least 1"));
            };
            let mut v = first.clone();
            for k in keys {
                v = match (&v, k) {
                    (Val::Doc(Doc::Seq(s)), k) if number(k).is_some() => {
                        let i = number(k).unwrap_or(-1);
                        match usize::try_from(i).ok().and_then(|i| s.get(i)) {
                            Some(d) => Val::of(d),
                            None => {
                                return Err(exec_err(
                                    p,
                                    format!("error calling index: index out of range: {i}"),
                                ))
                            }
                        }
                    }
                    (Val::Doc(Doc::Map(_)), Val::Str(key)) => field(v.clone(), key),
                    (Val::Missing | Val::Nil, _) => {
                        return Err(exec_err(
                            p,
                            "error calling index: index of untyped nil".to_string(),
                        ))
                    }
                    (other, k) => {
                        return Err(exec_err(
                            p,
                            format!(
                                "error calling index: cannot index slice/array with type {}",
                                if matches!(other, Val::Doc(_)) {
                                    k.type_name()
                                } else {
                                    other.type_name()
                                }
                            ),
                        ))
                    }
                };
            }
            v
        }
        "printf" => {
            let Some((Val::Str(format), rest)) = args.split_first() else {
                return Err(wrong("at least 1"));
            };
            Val::Str(sprintf(format, rest))
        }
        "print" | "println" => {
            let mut s = String::new();
            for (i, a) in args.iter().enumerate() {
                // Sprint adds spaces between operands when neither is a string.
                let strings = matches!(a, Val::Str(_))
                    || matches!(args.get(i.wrapping_sub(1)), Some(Val::Str(_)));
                if i > 0 && (f == "println" || !strings) {
                    s.push(' ');
                }
                s.push_str(&show(a));
            }
            if f == "println" {
                s.push('\n');
            }
            Val::Str(s)
        }
        "not" => match args.as_slice() {
            [v] => Val::Bool(!v.truth()),
            _ => return Err(wrong("1")),
        },
        "and" | "or" => {
            if args.is_empty() {
                return Err(wrong("at least 1"));
            }
            let pick = if f == "and" {
                args.iter().find(|v| !v.truth())
            } else {
                args.iter().find(|v| v.truth())
            };
            pick.or(args.last()).cloned().unwrap_or(Val::Missing)
        }
        "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
            let Some((a, rest)) = args.split_first() else {
                return Err(wrong("at least 1"));
            };
            if rest.is_empty() || (f != "eq" && rest.len() != 1) {
                return Err(wrong("2"));
            }
            let mut result = false;
            for b in rest {
                let ord = match (number(a), number(b), a, b) {
                    (Some(x), Some(y), _, _) => x.cmp(&y),
                    (_, _, Val::Str(x), Val::Str(y)) => x.cmp(y),
                    (_, _, Val::Bool(x), Val::Bool(y)) if matches!(f, "eq" | "ne") => x.cmp(y),
                    (_, _, x, y) => {
                        return Err(exec_err(
                            p,
                            format!(
                                "error calling {f}: incompatible types for comparison: {} and {}",
                                x.type_name(),
                                y.type_name()
                            ),
                        ))
                    }
                };
                use std::cmp::Ordering::*;
                result |= match f {
                    "eq" => ord == Equal,
                    "ne" => ord != Equal,
                    "lt" => ord == Less,
                    "le" => ord != Greater,
                    "gt" => ord == Greater,
                    _ => ord != Less,
                };
            }
            Val::Bool(result)
        }
        _ => return Err(exec_err(p, format!("function {f:?} not defined"))),
    })
}

/// Go's `fmt.Sprintf` for the verbs templates use: `%s`, `%v`, `%d`, `%q`, `%%`, with Go's
/// `%!d(string=x)`, `%!s(MISSING)` and `%!(EXTRA ...)` for mismatches.
fn sprintf(format: &str, args: &[Val]) -> String {
    let mut out = String::new();
    let mut next = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        // Width and flags are read and applied to %s/%v/%d as padding.
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '-' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let text = match (verb, arg) {
            ('v', a) => show(a),
            ('s', Val::Str(_) | Val::Doc(_) | Val::Bool(_)) => show(arg),
            ('d', Val::Int(i)) => i.to_string(),
            ('q', Val::Str(s)) => format!("{s:?}"),
            (v, a) => format!("%!{v}({}={})", a.type_name(), show(a)),
        };
        let width: usize = spec.trim_start_matches('-').parse().unwrap_or(0);
        let pad = width.saturating_sub(text.chars().count());
        if spec.starts_with('-') {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
    }
    if next < args.len() {
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), show(a)))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Doc {
        let c = |n: &str, img: &str| {
            Doc::Map(vec![
                ("image".into(), Doc::Str(img.into())),
                ("name".into(), Doc::Str(n.into())),
            ])
        };
        Doc::Map(vec![
            (
                "metadata".into(),
                Doc::Map(vec![
                    ("name".into(), Doc::Str("web".into())),
                    (
                        "labels".into(),
                        Doc::Map(vec![
                            ("b".into(), Doc::Str("2".into())),
                            ("a".into(), Doc::Str("1".into())),
                        ]),
                    ),
                ]),
            ),
            (
                "spec".into(),
                Doc::Map(vec![
                    ("replicas".into(), Doc::Int(3)),
                    ("big".into(), Doc::Int(1_000_000)),
                    (
                        "containers".into(),
                        Doc::Seq(vec![c("a", "x:1"), c("b", "y:2")]),
                    ),
                    ("gone".into(), Doc::Null),
                ]),
            ),
        ])
    }

    fn run(t: &str) -> Result<String, String> {
        Template::parse(t)?.execute(&doc())
    }

    #[test]
    fn fields_numbers_and_missing_keys_print_as_kubectl_does() {
        assert_eq!(run("{{.metadata.name}}").unwrap(), "web");
        assert_eq!(run("{{.spec.replicas}} {{.spec.big}}").unwrap(), "3 1e+06");
        assert_eq!(
            run("{{.spec.nope}}|{{.spec.gone}}").unwrap(),
            "<no value>|<nil>"
        );
        assert_eq!(run("{{.metadata.labels}}").unwrap(), "map[a:1 b:2]");
        assert_eq!(float_text("123456789"), "1.23456789e+08");
        assert_eq!(float_text("123456"), "123456");
    }

    #[test]
    fn range_with_variables_index_len_printf_and_if() {
        assert_eq!(
            run(r#"{{range $i, $c := .spec.containers}}{{$i}}={{$c.name}}{{"\n"}}{{end}}"#)
                .unwrap(),
            "0=a\n1=b\n"
        );
        assert_eq!(
            run("{{(index .spec.containers 1).image}} {{len .spec.containers}}").unwrap(),
            "y:2 2"
        );
        assert_eq!(
            run(r#"{{index .metadata.labels "a"}}{{printf "%s-%d" .metadata.name 7}}"#).unwrap(),
            "1web-7"
        );
        assert_eq!(
            run(r#"{{if eq .metadata.name "x"}}x{{else if .spec.replicas}}r{{else}}n{{end}}"#)
                .unwrap(),
            "r"
        );
        assert_eq!(
            run("{{range .spec.containers}}{{.name}} {{- \" \" -}} {{end}}").unwrap(),
            "a b "
        );
        assert_eq!(run("{{with .spec}}{{.replicas}}{{end}}").unwrap(), "3");
        assert_eq!(run("{{$n := .metadata.name}}{{$n}}").unwrap(), "web");
        assert_eq!(
            run("{{printf \"%d\" .spec.replicas}}").unwrap(),
            "%!d(float64=3)"
        );
        assert_eq!(
            run("{{.metadata.name | printf \"<%s>\"}}").unwrap(),
            "<web>"
        );
    }

    #[test]
    fn errors_are_gos() {
        assert_eq!(
            run("{{.a").unwrap_err(),
            "template: output:1: unclosed action"
        );
        assert_eq!(
            run("{{end}}").unwrap_err(),
            "template: output:1: unexpected {{end}}"
        );
        assert_eq!(
            run("{{if .a}}").unwrap_err(),
            "template: output:1: unexpected EOF"
        );
        assert_eq!(
            run("{{foo .a}}").unwrap_err(),
            "template: output:1: function \"foo\" not defined"
        );
        assert_eq!(
            run("{{$x}}").unwrap_err(),
            "template: output:1: undefined variable \"$x\""
        );
        assert_eq!(
            run("{{index .spec.containers 5}}").unwrap_err(),
            "template: output:1: executing \"output\" at <index .spec.containers 5>: error calling index: index out of range: 5"
        );
    }
}
