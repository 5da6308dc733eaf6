//! `kubectl get -o go-template=...` and `--template`: the part of Go's `text/template` the
//! Kubernetes docs and the book use: fields (`.a.b`, `$`, `$x.a`), `{{range .x}}` and
//! `{{range $i, $c := .x}}` (maps in key order), `{{if}}`/`{{else}}`, `{{$x := ...}}`,
//! parentheses, string and number constants, and the functions `len`, `index`, `printf`
//! (`%s %v %d %%`), `eq`, `ne`. Other actions and functions are refused by name.
//!
//! kubectl marshals the object to JSON and unmarshals it into `map[string]interface{}`, so the
//! template sees JSON values: every number is a float64 (`{{.spec.replicas}}` prints `3`, a
//! seven-digit number `1e+06`), a missing key prints `<no value>`, a JSON null `<nil>`.
//! Written here rather than taken from a crate: the Go-template crates keep maps in a
//! `HashMap` (range order would not be deterministic) and carry the whole language, where the
//! bundle has room for this subset only (see CONTRIBUTING, "Bundle size").

use crate::codec::Doc;

/// A value while the template runs: a part of the object, or one the template made.
#[derive(Clone)]
enum V<'a> {
    /// A missing key (`<no value>`).
    Missing,
    Doc(&'a Doc),
    /// A template constant or a `len`: Go's `int`.
    Int(i64),
    Str(String),
}

#[derive(Clone)]
enum Arg {
    /// `.a.b` (`None`) or `$x.a.b`.
    Path(Option<String>, Vec<String>),
    Str(String),
    Int(i64),
    Func(&'static str),
    /// `(command).a.b`.
    Sub(Vec<Arg>, Vec<String>),
}

#[derive(Clone)]
enum Node {
    Text(String),
    /// Prints the command's value, or declares `$x` as it.
    Out(Option<String>, Vec<Arg>, String),
    If(Vec<Arg>, String, Vec<Node>, Vec<Node>),
    /// Variables (`$c` or `$i, $c`), the command, its text, the body, the else branch.
    Range(Vec<String>, Vec<Arg>, String, Vec<Node>, Vec<Node>),
}

/// A parsed template.
pub struct Template {
    nodes: Vec<Node>,
}

static TRUE: Doc = Doc::Bool(true);
static FALSE: Doc = Doc::Bool(false);

const FUNCS: &[&str] = &["len", "index", "printf", "eq", "ne"];

fn err(line: usize, msg: &str) -> String {
    format!("template: output:{line}: {msg}")
}

/// Splits an action into words: quoted strings whole, `(` and `)` alone, `).a` kept with
/// its fields.
fn words(s: &str, line: usize) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    let mut escaped = false;
    for c in s.chars() {
        if let Some(q) = quote {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                quote = None;
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        match c {
            '"' | '`' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                quote = Some(c);
                cur.push(c);
            }
            '(' | ')' | ',' => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                cur.push(c);
                if c != ')' {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err(err(line, "unterminated quoted string"));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// `.a.b` -> ["a", "b"].
fn fields(s: &str) -> Vec<String> {
    s.split('.')
        .skip(1)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect()
}

/// A block's nodes and what closed it: `Some((true, line))` an `end`, `Some((false, line))`
/// an `else`, `None` the end of the template.
type Block = (Vec<Node>, Option<(bool, usize)>);

struct Parser {
    /// The actions and texts: (is an action, text, line).
    items: Vec<(bool, String, usize)>,
    at: usize,
    vars: Vec<String>,
}

impl Parser {
    /// A command: operands, the first may be a function.
    fn command(&self, w: &[String], line: usize) -> Result<Vec<Arg>, String> {
        let mut args = Vec::new();
        let mut i = 0;
        while i < w.len() {
            let word = &w[i];
            i += 1;
            let arg = if word == "(" {
                let mut depth = 1;
                let start = i;
                while i < w.len() && depth > 0 {
                    if w[i] == "(" {
                        depth += 1;
                    } else if w[i].starts_with(')') {
                        depth -= 1;
                    }
                    i += 1;
                }
                if depth > 0 {
                    return Err(err(line, "unclosed left paren"));
                }
                Arg::Sub(
                    self.command(&w[start..i - 1], line)?,
                    fields(&w[i - 1][1..]),
                )
            } else if word.starts_with(')') {
                return Err(err(line, "unexpected right paren"));
            } else if word.starts_with('.') {
                Arg::Path(None, fields(word))
            } else if word.starts_with('$') {
                let (name, rest) = word.split_at(word.find('.').unwrap_or(word.len()));
                if !self.vars.iter().any(|v| v == name) {
                    return Err(err(line, &format!("undefined variable \"{name}\"")));
                }
                Arg::Path(Some(name.to_string()), fields(rest))
            } else if let Some(raw) = word.strip_prefix('`') {
                Arg::Str(raw.trim_end_matches('`').to_string())
            } else if let Some(q) = word.strip_prefix('"') {
                Arg::Str(unescape(q.strip_suffix('"').unwrap_or(q)))
            } else if let Ok(n) = word.parse() {
                Arg::Int(n)
            } else if let Some(f) = FUNCS.iter().find(|f| **f == word) {
                Arg::Func(f)
            } else {
                return Err(err(line, &format!("function \"{word}\" not defined")));
            };
            args.push(arg);
        }
        if args.is_empty() {
            return Err(err(line, "missing value for command"));
        }
        if args.len() > 1 && !matches!(args[0], Arg::Func(_)) {
            return Err(err(line, "can't give argument to non-function"));
        }
        Ok(args)
    }

    /// Nodes up to an `end` or `else` (returned with its line) or the end of the template.
    fn block(&mut self) -> Result<Block, String> {
        let mut nodes = Vec::new();
        let scope = self.vars.len();
        while let Some((action, text, line)) = self.items.get(self.at).cloned() {
            self.at += 1;
            if !action {
                nodes.push(Node::Text(text));
                continue;
            }
            let w = words(&text, line)?;
            let head = w.first().map_or("", String::as_str);
            match head {
                "end" | "else" => {
                    self.vars.truncate(scope);
                    return Ok((nodes, Some((head == "end", line))));
                }
                "if" | "range" => {
                    let mut rest = &w[1..];
                    let mut vars = Vec::new();
                    if head == "range" {
                        if let Some(d) = rest.iter().position(|x| x == ":=") {
                            vars = rest[..d].iter().filter(|x| *x != ",").cloned().collect();
                            rest = &rest[d + 1..];
                        }
                    }
                    let cmd = self.command(rest, line)?;
                    let outer = self.vars.len();
                    self.vars.extend(vars.iter().cloned());
                    let (body, close) = self.block()?;
                    let else_ = match close {
                        None => return Err(err(line, "unexpected EOF")),
                        Some((true, _)) => Vec::new(),
                        Some((false, _)) => match self.block()? {
                            (b, Some((true, _))) => b,
                            (_, None) => return Err(err(line, "unexpected EOF")),
                            (_, Some((false, l))) => {
                                return Err(err(l, "expected end; found {{else}}"))
                            }
                        },
                    };
                    self.vars.truncate(outer);
                    let src = text.trim().to_string();
                    nodes.push(if head == "if" {
                        Node::If(cmd, src, body, else_)
                    } else {
                        Node::Range(vars, cmd, src, body, else_)
                    });
                }
                h if h.starts_with('$') && w.get(1).is_some_and(|x| x == ":=") => {
                    let cmd = self.command(&w[2..], line)?;
                    self.vars.push(h.to_string());
                    nodes.push(Node::Out(Some(h.to_string()), cmd, text.trim().to_string()));
                }
                "with" | "define" | "template" | "block" | "break" | "continue" => {
                    return Err(err(
                        line,
                        &format!("{{{{{head}}}}} is not read by this console"),
                    ))
                }
                _ => nodes.push(Node::Out(
                    None,
                    self.command(&w, line)?,
                    text.trim().to_string(),
                )),
            }
        }
        self.vars.truncate(scope);
        Ok((nodes, None))
    }
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\\\"", "\"")
        .replace("\\\\", "\\")
}

impl Template {
    /// Parses a template, with Go's error texts (`template: output:1: unclosed action`).
    pub fn parse(src: &str) -> Result<Template, String> {
        let mut items = Vec::new();
        let mut rest = src;
        let mut line = 1;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                items.push((false, rest[..start].to_string(), line));
            }
            line += rest[..start].matches('\n').count();
            let body = &rest[start + 2..];
            let Some(end) = body.find("}}") else {
                return Err(err(line, "unclosed action"));
            };
            items.push((true, body[..end].to_string(), line));
            line += body[..end].matches('\n').count();
            rest = &body[end + 2..];
        }
        if !rest.is_empty() {
            items.push((false, rest.to_string(), line));
        }
        let mut p = Parser {
            items,
            at: 0,
            vars: vec!["$".into()],
        };
        match p.block()? {
            (nodes, None) => Ok(Template { nodes }),
            (_, Some((end, l))) => Err(err(
                l,
                if end {
                    "unexpected {{end}}"
                } else {
                    "unexpected {{else}}"
                },
            )),
        }
    }

    /// Runs the template over `data`; an error is Go's execution error text.
    pub fn execute(&self, data: &Doc) -> Result<String, String> {
        let mut out = String::new();
        let mut vars = vec![("$".to_string(), V::Doc(data))];
        walk(&self.nodes, &V::Doc(data), &mut vars, &mut out)?;
        Ok(out)
    }
}

type Vars<'a> = Vec<(String, V<'a>)>;

fn walk<'a>(
    nodes: &[Node],
    dot: &V<'a>,
    vars: &mut Vars<'a>,
    out: &mut String,
) -> Result<(), String> {
    let scope = vars.len();
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Out(decl, cmd, src) => {
                let v = eval(cmd, dot, vars, src)?;
                match decl {
                    Some(name) => vars.push((name.clone(), v)),
                    None => show(&v, out),
                }
            }
            Node::If(cmd, src, body, else_) => {
                let branch = if truth(&eval(cmd, dot, vars, src)?) {
                    body
                } else {
                    else_
                };
                walk(branch, dot, vars, out)?;
            }
            Node::Range(names, cmd, src, body, else_) => {
                let v = eval(cmd, dot, vars, src)?;
                let items: Vec<(V<'a>, &'a Doc)> = match v {
                    V::Doc(Doc::Seq(s)) => s
                        .iter()
                        .enumerate()
                        .map(|(i, d)| (V::Int(i as i64), d))
                        .collect(),
                    V::Doc(Doc::Map(m)) => {
                        let mut m: Vec<&'a (String, Doc)> = m.iter().collect();
                        crate::sort::sort_by(&mut m, |a, b| a.0.cmp(&b.0));
                        m.into_iter().map(|(k, d)| (V::Str(k.clone()), d)).collect()
                    }
                    V::Missing | V::Doc(Doc::Null) => Vec::new(),
                    other => {
                        let mut s = String::new();
                        show(&other, &mut s);
                        return Err(exec_err(src, &format!("range can't iterate over {s}")));
                    }
                };
                if items.is_empty() {
                    walk(else_, dot, vars, out)?;
                }
                for (key, item) in items {
                    let inner = vars.len();
                    let mut names = names.iter().rev();
                    if let Some(n) = names.next() {
                        vars.push((n.clone(), V::Doc(item)));
                    }
                    if let Some(n) = names.next() {
                        vars.push((n.clone(), key));
                    }
                    walk(body, &V::Doc(item), vars, out)?;
                    vars.truncate(inner);
                }
            }
        }
    }
    vars.truncate(scope);
    Ok(())
}

fn exec_err(src: &str, msg: &str) -> String {
    format!("template: output:1: executing \"output\" at <{src}>: {msg}")
}

fn truth(v: &V) -> bool {
    match v {
        V::Missing | V::Doc(Doc::Null) | V::Doc(Doc::Bool(false)) | V::Int(0) => false,
        V::Doc(Doc::Int(i)) => *i != 0,
        V::Str(s) | V::Doc(Doc::Str(s)) => !s.is_empty(),
        V::Doc(Doc::Seq(s)) => !s.is_empty(),
        V::Doc(Doc::Map(m)) => !m.is_empty(),
        _ => true,
    }
}

/// How Go's `fmt` prints a value with `%v`: maps with sorted keys, numbers as float64.
fn show(v: &V, out: &mut String) {
    match v {
        V::Missing => out.push_str("<no value>"),
        V::Int(i) => out.push_str(&i.to_string()),
        V::Str(s) => out.push_str(s),
        V::Doc(d) => show_doc(d, out),
    }
}

fn show_doc(d: &Doc, out: &mut String) {
    match d {
        Doc::Null => out.push_str("<nil>"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Int(i) => out.push_str(&float_text(&i.to_string())),
        Doc::Float(t) => out.push_str(t),
        Doc::Str(s) => out.push_str(s),
        Doc::Seq(items) => {
            out.push('[');
            for (i, d) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                show_doc(d, out);
            }
            out.push(']');
        }
        Doc::Map(m) => {
            let mut m: Vec<&(String, Doc)> = m.iter().collect();
            crate::sort::sort_by(&mut m, |a, b| a.0.cmp(&b.0));
            out.push_str("map[");
            for (i, (k, d)) in m.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                show_doc(d, out);
            }
            out.push(']');
        }
    }
}

/// An integer as Go's `%v` prints a float64: exponent form from 1e+06 up
/// (`strconv.FormatFloat(f, 'g', -1, 64)`).
fn float_text(n: &str) -> String {
    let (sign, digits) = n.split_at(usize::from(n.starts_with('-')));
    if digits.len() < 7 {
        return n.to_string();
    }
    let mantissa = digits.trim_end_matches('0');
    let dot = if mantissa.len() > 1 { "." } else { "" };
    format!(
        "{sign}{}{dot}{}e+{:02}",
        &mantissa[..1],
        &mantissa[1..],
        digits.len() - 1
    )
}

fn type_name(v: &V) -> &'static str {
    match v {
        V::Missing | V::Doc(Doc::Null) => "<nil>",
        V::Int(_) => "int",
        V::Str(_) | V::Doc(Doc::Str(_)) => "string",
        V::Doc(Doc::Bool(_)) => "bool",
        V::Doc(Doc::Seq(_)) => "[]interface {}",
        V::Doc(Doc::Map(_)) => "map[string]interface {}",
        V::Doc(_) => "float64",
    }
}

fn field<'a>(mut v: V<'a>, fs: &[String]) -> V<'a> {
    for f in fs {
        v = match v {
            V::Doc(Doc::Map(m)) => m
                .iter()
                .find(|(k, _)| k == f)
                .map_or(V::Missing, |(_, d)| V::Doc(d)),
            _ => V::Missing,
        };
    }
    v
}

fn eval<'a>(cmd: &[Arg], dot: &V<'a>, vars: &Vars<'a>, src: &str) -> Result<V<'a>, String> {
    let mut args = Vec::with_capacity(cmd.len());
    for a in cmd.iter().skip(usize::from(matches!(cmd[0], Arg::Func(_)))) {
        args.push(match a {
            Arg::Path(None, fs) => field(dot.clone(), fs),
            Arg::Path(Some(name), fs) => {
                let v = vars.iter().rev().find(|(n, _)| n == name);
                field(v.map_or(V::Missing, |(_, v)| v.clone()), fs)
            }
            Arg::Str(s) => V::Str(s.clone()),
            Arg::Int(i) => V::Int(*i),
            Arg::Func(f) => return Err(exec_err(src, &format!("{f} is not a value"))),
            Arg::Sub(inner, fs) => field(eval(inner, dot, vars, src)?, fs),
        });
    }
    let Arg::Func(f) = cmd[0] else {
        return Ok(args.pop().unwrap_or(V::Missing));
    };
    let wrong = || {
        exec_err(
            src,
            &format!("wrong number of args for {f}: got {}", args.len()),
        )
    };
    Ok(match f {
        "len" => match args.as_slice() {
            [V::Str(s) | V::Doc(Doc::Str(s))] => V::Int(s.len() as i64),
            [V::Doc(Doc::Seq(s))] => V::Int(s.len() as i64),
            [V::Doc(Doc::Map(m))] => V::Int(m.len() as i64),
            [other] => {
                return Err(exec_err(
                    src,
                    &format!("error calling len: len of type {}", type_name(other)),
                ))
            }
            _ => return Err(wrong()),
        },
        "index" => {
            let Some((first, keys)) = args.split_first() else {
                return Err(wrong());
            };
            let mut v = first.clone();
            for k in keys {
                let i = match k {
                    V::Int(i) => Some(*i as i128),
                    V::Doc(Doc::Int(i)) => Some(*i),
                    _ => None,
                };
                v = match (&v, k, i) {
                    (V::Doc(Doc::Seq(s)), _, Some(i)) => {
                        match usize::try_from(i).ok().and_then(|i| s.get(i)) {
                            Some(d) => V::Doc(d),
                            None => {
                                return Err(exec_err(
                                    src,
                                    &format!("error calling index: index out of range: {i}"),
                                ))
                            }
                        }
                    }
                    (V::Doc(Doc::Map(_)), V::Str(key) | V::Doc(Doc::Str(key)), _) => {
                        field(v.clone(), std::slice::from_ref(key))
                    }
                    (V::Missing | V::Doc(Doc::Null), _, _) => {
                        return Err(exec_err(src, "error calling index: index of untyped nil"))
                    }
                    (v, k, _) => {
                        return Err(exec_err(
                            src,
                            &format!(
                                "error calling index: cannot index {} with {}",
                                type_name(v),
                                type_name(k)
                            ),
                        ))
                    }
                };
            }
            v
        }
        "printf" => {
            let Some((V::Str(format), rest)) = args.split_first() else {
                return Err(wrong());
            };
            V::Str(sprintf(format, rest))
        }
        // eq, ne: strings with strings, numbers with numbers, as Go's basic kinds compare.
        _ => {
            let [a, b] = args.as_slice() else {
                return Err(wrong());
            };
            let (x, y) = (comparable(a), comparable(b));
            if x.0 != y.0 {
                return Err(exec_err(
                    src,
                    &format!(
                        "error calling {f}: incompatible types for comparison: {} and {}",
                        type_name(a),
                        type_name(b)
                    ),
                ));
            }
            V::Doc(if (x.1 == y.1) == (f == "eq") {
                &TRUE
            } else {
                &FALSE
            })
        }
    })
}

/// (kind, text) of a value for eq/ne: 0 string, 1 number, 2 bool, 3 other.
fn comparable(v: &V) -> (u8, String) {
    let mut s = String::new();
    show(v, &mut s);
    let kind = match v {
        V::Str(_) | V::Doc(Doc::Str(_)) => 0,
        V::Int(_) | V::Doc(Doc::Int(_)) | V::Doc(Doc::Float(_)) => 1,
        V::Doc(Doc::Bool(_)) => 2,
        _ => 3,
    };
    (kind, s)
}

/// Go's `fmt.Sprintf` for `%s`, `%v`, `%d` and `%%`, with Go's `%!d(string=x)` and
/// `%!s(MISSING)` for a mismatch.
fn sprintf(format: &str, args: &[V]) -> String {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let verb = chars.next().unwrap_or('%');
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = next.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let fits = match verb {
            'v' => true,
            's' => !matches!(type_name(arg), "int" | "float64"),
            'd' => matches!(arg, V::Int(_)),
            _ => false,
        };
        if fits {
            show(arg, &mut out);
        } else {
            out.push_str(&format!("%!{verb}({}=", type_name(arg)));
            show(arg, &mut out);
            out.push(')');
        }
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
        assert_eq!(float_text("-1000000"), "-1e+06");
    }

    #[test]
    fn range_with_variables_index_len_printf_and_if() {
        assert_eq!(
            run(r#"{{range $i, $c := .spec.containers}}{{$i}}={{$c.name}}{{"\n"}}{{end}}"#)
                .unwrap(),
            "0=a\n1=b\n"
        );
        assert_eq!(
            run("{{range $k, $v := .metadata.labels}}{{$k}}{{$v}}{{end}}").unwrap(),
            "a1b2"
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
            run(r#"{{if eq .metadata.name "x"}}x{{else}}{{if .spec.replicas}}r{{end}}{{end}}"#)
                .unwrap(),
            "r"
        );
        assert_eq!(
            run("{{range .spec.nope}}x{{else}}none{{end}}").unwrap(),
            "none"
        );
        assert_eq!(
            run(r#"{{eq .metadata.name "web"}} {{ne 1 1}}"#).unwrap(),
            "true false"
        );
        assert_eq!(run("{{$n := .metadata.name}}{{$n}}").unwrap(), "web");
        assert_eq!(
            run("{{printf \"%d\" .spec.replicas}}").unwrap(),
            "%!d(float64=3)"
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
        assert_eq!(
            run("{{with .spec}}{{end}}").unwrap_err(),
            "template: output:1: {{with}} is not read by this console"
        );
    }
}
