//! The YAML editor's view model: diagnostics for a buffer, and the buffer as coloured,
//! underlined spans that the overlay draws behind the textarea, line for line.

use crate::manifest::{self, Severity};
use crate::model::Object;

/// One message about the buffer, with a 1-based place when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditorDiag {
    pub line: Option<u32>,
    pub col: u32,
    pub error: bool,
    pub message: String,
}

impl EditorDiag {
    pub fn label(&self) -> String {
        let sev = if self.error { "error" } else { "warning" };
        match self.line {
            Some(l) => format!("{l}:{}: {sev}: {}", self.col, self.message),
            None => format!("{sev}: {}", self.message),
        }
    }
}

/// Parse errors, the API server's validation, and cross-object lints (against `cluster`).
pub fn diagnose(text: &str, cluster: &[Object]) -> Vec<EditorDiag> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let parsed = manifest::parse(text);
    let mut all: Vec<manifest::Diagnostic> = parsed.diagnostics.clone();
    for m in &parsed.objects {
        all.extend(manifest::validate(m));
    }
    all.extend(
        manifest::lint(&parsed.objects, cluster)
            .into_iter()
            .map(|l| l.diagnostic),
    );
    let mut out: Vec<EditorDiag> = all
        .into_iter()
        .map(|d| EditorDiag {
            line: d.pos.map(|p| p.line),
            col: d.pos.map_or(1, |p| p.col.max(1)),
            error: d.severity == Severity::Error,
            message: d.message,
        })
        .collect();
    crate::sort::sort_by_key(&mut out, |a| (a.line, a.col));
    out.dedup();
    out
}

/// A run of characters with one colour and at most one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    /// CSS class: `key`, `str`, `num`, `lit`, `com`, `doc`, `punct`, `anchor` or empty.
    pub class: &'static str,
    /// Index into the diagnostics underlining this span.
    pub diag: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub spans: Vec<Span>,
    /// The worst diagnostic on this line, for the gutter.
    pub diag: Option<usize>,
}

/// Splits the buffer into lines (as the textarea does: on `\n`) of coloured spans.
pub fn highlight(text: &str, diags: &[EditorDiag]) -> Vec<Line> {
    text.split('\n')
        .enumerate()
        .map(|(i, raw)| {
            let number = i as u32 + 1;
            let chars: Vec<char> = raw.chars().collect();
            let mut classes = classify(&chars);
            let mut marks: Vec<Option<usize>> = vec![None; chars.len()];
            let mut worst: Option<usize> = None;
            for (d_i, d) in diags.iter().enumerate() {
                if d.line != Some(number) {
                    continue;
                }
                if worst.is_none_or(|w| d.error && !diags[w].error) {
                    worst = Some(d_i);
                }
                let start = (d.col as usize - 1).min(chars.len());
                // Underline the word at the column (at least one cell, even past the end).
                let mut end = start;
                while end < chars.len() && !chars[end].is_whitespace() {
                    end += 1;
                }
                if end == start {
                    end = start + 1;
                }
                if marks.len() < end {
                    marks.resize(end, None);
                    classes.resize(end, "");
                }
                for m in &mut marks[start..end] {
                    if m.is_none_or(|o| d.error && !diags[o].error) {
                        *m = Some(d_i);
                    }
                }
            }
            let mut spans: Vec<Span> = Vec::new();
            for (c_i, class) in classes.iter().enumerate() {
                let ch = chars.get(c_i).copied().unwrap_or(' ');
                match spans.last_mut() {
                    Some(s) if s.class == *class && s.diag == marks[c_i] => s.text.push(ch),
                    _ => spans.push(Span {
                        text: ch.to_string(),
                        class,
                        diag: marks[c_i],
                    }),
                }
            }
            Line { spans, diag: worst }
        })
        .collect()
}

/// A colour class per character of one line.
fn classify(chars: &[char]) -> Vec<&'static str> {
    let n = chars.len();
    let mut out = vec![""; n];
    let line: String = chars.iter().collect();
    let trimmed = line.trim_start();
    let indent = n - trimmed.chars().count();
    if trimmed.starts_with("---") || trimmed.starts_with("...") {
        out[indent..].fill("doc");
        return out;
    }
    let mut i = indent;
    // List dashes.
    while i < n && chars[i] == '-' && (i + 1 == n || chars[i + 1] == ' ') {
        out[i] = "punct";
        i += 1;
        while i < n && chars[i] == ' ' {
            i += 1;
        }
    }
    if i < n && chars[i] == '#' {
        out[i..].fill("com");
        return out;
    }
    // A key: text up to `: ` or a final `:`, outside quotes.
    if let Some(colon) = key_colon(chars, i) {
        out[i..colon].fill("key");
        out[colon] = "punct";
        i = colon + 1;
        while i < n && chars[i] == ' ' {
            i += 1;
        }
    }
    // The value, then a trailing comment.
    let mut end = n;
    let mut quote: Option<char> = None;
    for j in i..n {
        match (quote, chars[j]) {
            (None, '"' | '\'') if j == i => quote = Some(chars[j]),
            (Some(q), c) if c == q && j > i => quote = None,
            (None, '#') if j == i || chars[j - 1] == ' ' => {
                end = j;
                break;
            }
            _ => {}
        }
    }
    if end < n {
        out[end..].fill("com");
    }
    let value: String = chars[i..end].iter().collect();
    let v = value.trim_end();
    let class = if v.is_empty() {
        ""
    } else if v.starts_with(['"', '\'']) {
        "str"
    } else if matches!(v, "|" | ">" | "|-" | ">-" | "|+" | ">+" | "[]" | "{}") {
        "punct"
    } else if v.starts_with(['&', '*']) {
        "anchor"
    } else if matches!(
        v,
        "true" | "false" | "True" | "False" | "null" | "Null" | "~" | "yes" | "no"
    ) {
        "lit"
    } else if crate::float::parse_f64(v).is_some() {
        "num"
    } else {
        "str"
    };
    out[i..i + v.chars().count()].fill(class);
    out
}

fn key_colon(chars: &[char], from: usize) -> Option<usize> {
    if from >= chars.len() || matches!(chars[from], '"' | '\'' | '{' | '[' | '|' | '>') {
        return None;
    }
    (from..chars.len())
        .find(|&j| chars[j] == ':' && (j + 1 == chars.len() || chars[j + 1] == ' ') && j > from)
        .filter(|&j| !chars[from..j].contains(&'#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(line: &Line) -> Vec<(&str, &str)> {
        line.spans
            .iter()
            .map(|s| (s.text.as_str(), s.class))
            .collect()
    }

    #[test]
    fn keys_values_comments_and_dashes_get_colours() {
        let lines = highlight(
            "# top\nkind: Pod\n  - name: web # here\n  replicas: 3\n---\n  ok: true\n  s: \"a # b\"",
            &[],
        );
        assert_eq!(lines.len(), 7);
        assert_eq!(classes(&lines[0]), [("# top", "com")]);
        assert_eq!(
            classes(&lines[1]),
            [("kind", "key"), (":", "punct"), (" ", ""), ("Pod", "str")]
        );
        assert_eq!(
            classes(&lines[2]),
            [
                ("  ", ""),
                ("-", "punct"),
                (" ", ""),
                ("name", "key"),
                (":", "punct"),
                (" ", ""),
                ("web", "str"),
                (" ", ""),
                ("# here", "com")
            ]
        );
        assert_eq!(classes(&lines[3])[4], ("3", "num"));
        assert_eq!(classes(&lines[4]), [("---", "doc")]);
        assert_eq!(classes(&lines[5])[4], ("true", "lit"));
        assert_eq!(classes(&lines[6])[4], ("\"a # b\"", "str"));
    }

    #[test]
    fn the_text_of_the_spans_is_the_text_of_the_buffer() {
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n\n";
        let lines = highlight(text, &[]);
        let back: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.text.as_str()).collect())
            .collect();
        assert_eq!(back.join("\n"), text);
    }

    #[test]
    fn a_wrong_type_is_underlined_at_its_line_and_column() {
        let text = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  replicas: two\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";
        let diags = diagnose(text, &[]);
        let d = diags
            .iter()
            .position(|d| d.error && d.line == Some(6))
            .unwrap_or_else(|| panic!("{diags:#?}"));
        assert_eq!(diags[d].col, 13);
        assert!(
            diags[d].message.contains("replicas"),
            "{}",
            diags[d].message
        );
        let lines = highlight(text, &diags);
        assert_eq!(lines[5].diag, Some(d));
        let marked: Vec<&Span> = lines[5].spans.iter().filter(|s| s.diag.is_some()).collect();
        assert_eq!(marked.len(), 1);
        assert_eq!(marked[0].text, "two");
        assert!(lines[4].spans.iter().all(|s| s.diag.is_none()));
    }

    #[test]
    fn a_syntax_error_past_the_end_of_a_line_still_shows() {
        let diags = vec![EditorDiag {
            line: Some(1),
            col: 9,
            error: true,
            message: "m".into(),
        }];
        let lines = highlight("a: b", &diags);
        let last = lines[0].spans.last().unwrap();
        assert_eq!(last.diag, Some(0));
        assert_eq!(last.text, " ");
    }

    #[test]
    fn the_example_has_no_errors() {
        let diags = diagnose(include_str!("../../exercises/stateless.yaml"), &[]);
        assert!(diags.iter().all(|d| !d.error), "{diags:#?}");
        assert!(diagnose("", &[]).is_empty());
    }
}
