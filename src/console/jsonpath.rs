//! kubectl's JSONPath subset: `{.a.b}`, `[n]`, `[*]`, `..name`, `[?(@.k=="v")]`,
//! `{range ...}{end}`, and quoted literals such as `{"\n"}`. Also `--sort-by`.

use crate::manifest::emit::{to_doc, Doc};
use crate::model::Object;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    All,
    Recursive(String),
    Filter(Vec<Step>, Option<String>),
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

/// Renders a template over one object, or over `{"kind":"List","items":[...]}` for several.
pub fn render(template: &str, objects: &[&Object], single: bool) -> Result<String, String> {
    let root = root(objects, single)?;
    let nodes = parse_template(template)?;
    let mut out = String::new();
    eval_nodes(&nodes, &root, &mut out)?;
    Ok(out)
}

/// What kubectl's template printers see: the object, or a `List` of several.
pub fn root(objects: &[&Object], single: bool) -> Result<Doc, String> {
    Ok(if single {
        to_doc(objects[0]).map_err(|e| e.to_string())?
    } else {
        let items = objects
            .iter()
            .map(|o| to_doc(*o).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Doc::Map(vec![
            ("apiVersion".into(), Doc::Str("v1".into())),
            ("items".into(), Doc::Seq(items)),
            ("kind".into(), Doc::Str("List".into())),
        ])
    })
}

/// Sorts objects by a JSONPath expression, as `--sort-by` does (numbers numerically).
pub fn sort_by(objects: &mut [&Object], path: &str) -> Result<(), String> {
    let expr = relaxed(path.trim())?;
    let steps = parse_path(expr)?;
    let mut keyed: Vec<(Vec<Doc>, usize)> = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let doc = to_doc(*o).map_err(|e| e.to_string())?;
        keyed.push((select(&steps, &doc)?, i));
    }
    let order: Vec<usize> = {
        let mut k = keyed;
        crate::sort::sort_by(&mut k, |a, b| compare(a.0.first(), b.0.first()));
        k.into_iter().map(|(_, i)| i).collect()
    };
    let copy: Vec<&Object> = objects.to_vec();
    for (slot, i) in order.into_iter().enumerate() {
        objects[slot] = copy[i];
    }
    Ok(())
}

/// kubectl's RelaxedJSONPathExpression: `name1.name2`, `.name1.name2`, `{name1.name2}` or
/// `{.name1.name2}`, without other braces.
fn relaxed(expr: &str) -> Result<&str, String> {
    let inner = match expr.strip_prefix('{').and_then(|e| e.strip_suffix('}')) {
        Some(i) => i,
        None => expr,
    };
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(inner)
}

fn compare(a: Option<&Doc>, b: Option<&Doc>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Doc::Int(x)), Some(Doc::Int(y))) => x.cmp(y),
        (Some(x), Some(y)) => scalar(x).cmp(&scalar(y)),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn parse_template(t: &str) -> Result<Vec<Node>, String> {
    let mut stack: Vec<(Vec<Step>, Vec<Node>)> = vec![(Vec::new(), Vec::new())];
    let mut rest = t;
    while !rest.is_empty() {
        if let Some(start) = rest.find('{') {
            if start > 0 {
                push(&mut stack, Node::Text(unescape(&rest[..start])));
            }
            let end = find_close(&rest[start..])
                .ok_or_else(|| format!("unclosed action in template \"{t}\""))?
                + start;
            let inner = rest[start + 1..end].trim();
            rest = &rest[end + 1..];
            if let Some(r) = inner.strip_prefix("range ") {
                stack.push((parse_path(r.trim())?, Vec::new()));
            } else if inner == "end" {
                if stack.len() < 2 {
                    return Err("not in range, nothing to end".into());
                }
                let (steps, body) = stack.pop().unwrap_or_default();
                push(&mut stack, Node::Range(steps, body));
            } else if let Some(lit) = quoted(inner) {
                push(&mut stack, Node::Text(lit));
            } else {
                push(&mut stack, Node::Path(parse_path(inner)?));
            }
        } else {
            push(&mut stack, Node::Text(unescape(rest)));
            rest = "";
        }
    }
    if stack.len() != 1 {
        return Err("range without end".into());
    }
    Ok(stack.pop().map(|s| s.1).unwrap_or_default())
}

fn push(stack: &mut [(Vec<Step>, Vec<Node>)], n: Node) {
    if let Some(top) = stack.last_mut() {
        top.1.push(n);
    }
}

fn find_close(s: &str) -> Option<usize> {
    let mut in_quote = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            '}' if !in_quote => return Some(i),
            _ => {}
        }
    }
    None
}

fn quoted(s: &str) -> Option<String> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    Some(unescape(inner))
}

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

fn parse_path(p: &str) -> Result<Vec<Step>, String> {
    let bad = || format!("invalid JSONPath expression \"{p}\"");
    let mut steps = Vec::new();
    let mut s = p.trim();
    if let Some(r) = s.strip_prefix('$') {
        s = r;
    }
    while !s.is_empty() {
        if let Some(r) = s.strip_prefix("..") {
            let n = r.find(['.', '[']).unwrap_or(r.len());
            steps.push(Step::Recursive(r[..n].to_string()));
            s = &r[n..];
        } else if let Some(r) = s.strip_prefix('.') {
            let (name, n) = field_name(r);
            if n > 0 {
                steps.push(Step::Field(name));
            }
            s = &r[n..];
        } else if let Some(r) = s.strip_prefix('[') {
            let close = r.find(']').ok_or_else(bad)?;
            let inner = r[..close].trim();
            s = &r[close + 1..];
            if inner == "*" {
                steps.push(Step::All);
            } else if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
                let f = f.trim();
                let (lhs, rhs) = match f.split_once("==") {
                    Some((l, r)) => (l.trim(), Some(r.trim())),
                    None => (f, None),
                };
                let lhs = lhs.strip_prefix('@').ok_or_else(bad)?;
                let value = rhs.map(|r| r.trim_matches(|c| c == '"' || c == '\'').to_string());
                steps.push(Step::Filter(parse_path(lhs)?, value));
            } else if let Some(q) = quoted(inner).or_else(|| {
                inner
                    .strip_prefix('\'')
                    .and_then(|x| x.strip_suffix('\''))
                    .map(String::from)
            }) {
                steps.push(Step::Field(q));
            } else {
                steps.push(Step::Index(inner.parse().map_err(|_| bad())?));
            }
        } else {
            // A bare first field, as in --sort-by=metadata.name.
            let n = s.find(['.', '[']).unwrap_or(s.len());
            steps.push(Step::Field(s[..n].to_string()));
            s = &s[n..];
        }
    }
    Ok(steps)
}

/// A field name up to the next unescaped `.` or `[`; `\.` is a dot inside the name, as in
/// `{.metadata.annotations.kubernetes\.io/psp}` (client-go's jsonpath parser).
fn field_name(r: &str) -> (String, usize) {
    let mut name = String::new();
    let mut chars = r.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '.'))) => {
                name.push('.');
                chars.next();
            }
            '.' | '[' => return (name, i),
            _ => name.push(c),
        }
    }
    (name, r.len())
}

fn select(steps: &[Step], root: &Doc) -> Result<Vec<Doc>, String> {
    let mut cur = vec![root.clone()];
    for step in steps {
        let mut next = Vec::new();
        for d in &cur {
            match (step, d) {
                (Step::Field(f), Doc::Map(m)) => {
                    if let Some((_, v)) = m.iter().find(|(k, _)| k == f) {
                        next.push(v.clone());
                    }
                }
                (Step::Index(i), Doc::Seq(s)) => {
                    let idx = if *i < 0 { s.len() as i64 + i } else { *i };
                    match usize::try_from(idx).ok().and_then(|i| s.get(i)) {
                        Some(v) => next.push(v.clone()),
                        // client-go's jsonpath evalArray.
                        None => {
                            return Err(format!(
                                "array index out of bounds: index {i}, length {}",
                                s.len()
                            ))
                        }
                    }
                }
                (Step::All, Doc::Seq(s)) => next.extend(s.iter().cloned()),
                (Step::All, Doc::Map(m)) => next.extend(m.iter().map(|(_, v)| v.clone())),
                (Step::Recursive(f), _) => collect_recursive(d, f, &mut next),
                (Step::Filter(path, want), Doc::Seq(s)) => {
                    for item in s {
                        let got = select(path, item)?;
                        let keep = match want {
                            Some(w) => got.iter().any(|g| scalar(g) == *w),
                            None => !got.is_empty(),
                        };
                        if keep {
                            next.push(item.clone());
                        }
                    }
                }
                _ => {}
            }
        }
        cur = next;
    }
    Ok(cur)
}

fn collect_recursive(d: &Doc, field: &str, out: &mut Vec<Doc>) {
    match d {
        Doc::Map(m) => {
            for (k, v) in m {
                if k == field {
                    out.push(v.clone());
                }
                collect_recursive(v, field, out);
            }
        }
        Doc::Seq(s) => s.iter().for_each(|v| collect_recursive(v, field, out)),
        _ => {}
    }
}

fn scalar(d: &Doc) -> String {
    match d {
        Doc::Null => String::new(),
        Doc::Bool(b) => b.to_string(),
        Doc::Int(i) => i.to_string(),
        Doc::Float(text) => text.clone(),
        Doc::Str(s) => s.clone(),
        other => {
            let mut out = String::new();
            crate::manifest::emit::json_compact(other, false, &mut out);
            out
        }
    }
}

fn eval_nodes(nodes: &[Node], root: &Doc, out: &mut String) -> Result<(), String> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Path(steps) => {
                let vals = select(steps, root)?;
                let parts: Vec<String> = vals.iter().map(scalar).collect();
                out.push_str(&parts.join(" "));
            }
            Node::Range(steps, body) => {
                for item in select(steps, root)? {
                    eval_nodes(body, &item, out)?;
                }
            }
        }
    }
    Ok(())
}

/// What serde's `Serialize` for a `Doc` gave: the same tree, integers as i64.
impl crate::codec::Encode for Doc {
    fn encode(&self) -> Doc {
        match self {
            Doc::Int(i) => Doc::Int((*i as i64).into()),
            Doc::Seq(v) => Doc::Seq(v.iter().map(|e| e.encode()).collect()),
            Doc::Map(m) => Doc::Map(m.iter().map(|(k, v)| (k.clone(), v.encode())).collect()),
            other => other.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse() {
        let n = parse_template("{range .items[*]}{.metadata.name}{\"\\n\"}{end}").unwrap();
        assert!(matches!(&n[0], Node::Range(_, body) if body.len() == 2));
        assert!(parse_template("{.a").is_err());
        assert!(parse_template("{end}").is_err());
        assert!(parse_template("{range .x}").is_err());
        assert_eq!(
            parse_path(".status.conditions[?(@.type==\"Ready\")].status")
                .unwrap()
                .len(),
            4
        );
    }

    /// client-go's jsonpath: `\.` keeps a dot inside a key, and a map or list prints as
    /// json.Marshal writes it (one line, keys sorted).
    #[test]
    fn escaped_dots_and_maps_print_as_kubectl_does() {
        let doc = Doc::Map(vec![(
            "data".into(),
            Doc::Map(vec![
                (
                    "z".into(),
                    Doc::Seq(vec![Doc::Int(1), Doc::Str("a".into())]),
                ),
                ("leader.pod.leader".into(), Doc::Str("rg-1".into())),
            ]),
        )]);
        let one = |t: &str| {
            let mut out = String::new();
            eval_nodes(&parse_template(t).unwrap(), &doc, &mut out).unwrap();
            out
        };
        assert_eq!(one(r"{.data.leader\.pod\.leader}"), "rg-1");
        assert_eq!(
            one("{.data}"),
            r#"{"leader.pod.leader":"rg-1","z":[1,"a"]}"#
        );
    }
}
