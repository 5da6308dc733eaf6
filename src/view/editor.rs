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
    highlight_lines(text, diags, 0, usize::MAX)
}

/// The lines `first..first + count` (0-based) of `highlight`: the editor draws only the lines in
/// view, so a long buffer costs what a screenful does.
pub fn highlight_lines(text: &str, diags: &[EditorDiag], first: usize, count: usize) -> Vec<Line> {
    // Each line's diagnostics, found in one pass over them.
    let mut on_line: Vec<(usize, usize)> = diags
        .iter()
        .enumerate()
        .filter_map(|(d_i, d)| {
            let i = d.line? as usize - 1;
            (i >= first && i - first < count).then_some((i, d_i))
        })
        .collect();
    crate::sort::sort(&mut on_line);
    text.split('\n')
        .enumerate()
        .skip(first)
        .take(count)
        .map(|(i, raw)| {
            let chars: Vec<char> = raw.chars().collect();
            let mut classes = classify(&chars);
            let mut marks: Vec<Option<usize>> = vec![None; chars.len()];
            let mut worst: Option<usize> = None;
            let from = on_line.partition_point(|&(l, _)| l < i);
            let to = on_line.partition_point(|&(l, _)| l <= i);
            for &(_, d_i) in &on_line[from..to] {
                let d = &diags[d_i];
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

/// The buffer's size as the editor draws it: lines, and the widest line in character cells
/// (a tab or a wide character counts two), so the overlay scrolls as far as the textarea.
pub fn extent(text: &str) -> (usize, usize) {
    let mut lines = 0;
    let mut widest = 0;
    for line in text.split('\n') {
        lines += 1;
        let cells: usize = line
            .chars()
            .map(|c| if c == '\t' || !c.is_ascii() { 2 } else { 1 })
            .sum();
        widest = widest.max(cells);
    }
    (lines, widest)
}

/// One change to the textarea: replace UTF-16 units `from..to` with `insert`, then select
/// `select`. Offsets count UTF-16 units, as the textarea's selection does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub from: u32,
    pub to: u32,
    pub insert: String,
    pub select: (u32, u32),
}

const INDENT: &str = "  ";

/// Tab (or Shift+Tab with `outdent`) at the selection `start..end`. A caret gets two spaces;
/// a selection indents (or outdents) every line it touches and stays selected, so no text is
/// ever replaced. `None` when there is nothing to change.
pub fn indent(text: &str, start: u32, end: u32, outdent: bool) -> Option<TextEdit> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let len = units.len() as u32;
    let (start, end) = (start.min(end).min(len), end.max(start).min(len));
    if start == end && !outdent {
        return Some(TextEdit {
            from: start,
            to: end,
            insert: INDENT.into(),
            select: (start + 2, start + 2),
        });
    }
    let nl = u16::from(b'\n');
    let line_start = units[..start as usize]
        .iter()
        .rposition(|&u| u == nl)
        .map_or(0, |p| p as u32 + 1);
    // A selection that ends at the start of a line leaves that line alone.
    let last = if end > start && units[end as usize - 1] == nl {
        end - 1
    } else {
        end
    };
    let line_end = units[last as usize..]
        .iter()
        .position(|&u| u == nl)
        .map_or(len, |p| last + p as u32);
    let block = String::from_utf16_lossy(&units[line_start as usize..line_end as usize]);
    let mut out = String::with_capacity(block.len() + 16);
    let (mut first_delta, mut total) = (0i64, 0i64);
    for (n, line) in block.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let delta = if outdent {
            let cut = (line.len() - line.trim_start_matches(' ').len()).min(2);
            out.push_str(&line[cut..]);
            -(cut as i64)
        } else if line.is_empty() {
            0
        } else {
            out.push_str(INDENT);
            out.push_str(line);
            2
        };
        if n == 0 {
            first_delta = delta;
        }
        total += delta;
    }
    if total == 0 {
        return None;
    }
    let shift = |at: u32, d: i64| (i64::from(at) + d).max(i64::from(line_start)) as u32;
    Some(TextEdit {
        from: line_start,
        to: line_end,
        insert: out,
        select: (shift(start, first_delta), shift(end, total)),
    })
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
    } else if is_number(v) {
        "num"
    } else {
        "str"
    };
    out[i..i + v.chars().count()].fill(class);
    out
}

/// Whether `v` is written as a number, in Rust's float grammar (`str::parse::<f64>` accepts it):
/// an optional sign, then `inf`, `infinity`, `nan` (any case) or digits with at most one `.`
/// and an optional exponent. Only the text is checked; nothing is parsed.
fn is_number(v: &str) -> bool {
    let b = v.strip_prefix(['+', '-']).unwrap_or(v).as_bytes();
    if [&b"inf"[..], b"infinity", b"nan"]
        .iter()
        .any(|w| b.eq_ignore_ascii_case(w))
    {
        return true;
    }
    let (mant, exp) = match b.iter().position(|c| matches!(c, b'e' | b'E')) {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let digits = mant.iter().filter(|c| c.is_ascii_digit()).count();
    let dots = mant.iter().filter(|&&c| c == b'.').count();
    let mant_ok = digits > 0 && digits + dots == mant.len() && dots <= 1;
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(b"+").or(e.strip_prefix(b"-")).unwrap_or(e);
        !e.is_empty() && e.iter().all(u8::is_ascii_digit)
    });
    mant_ok && exp_ok
}

fn key_colon(chars: &[char], from: usize) -> Option<usize> {
    if from >= chars.len() || matches!(chars[from], '"' | '\'' | '{' | '[' | '|' | '>') {
        return None;
    }
    (from..chars.len())
        .find(|&j| chars[j] == ':' && (j + 1 == chars.len() || chars[j + 1] == ' ') && j > from)
        .filter(|&j| !chars[from..j].contains(&'#'))
}

/// The name the editor's text is applied as: `name` the first time, and a new name for each
/// changed text (`stateless-2.yaml`), so the log can replay every version. The editor shows it,
/// so it names the file the console's `kubectl apply -f` line names.
pub fn applied_name(session: &super::session::Session, name: &str, text: &str) -> String {
    let files = &session.console.files;
    let mut file = name.to_string();
    let mut n = 1;
    while files.get(&file).is_some_and(|old| old.as_str() != text) {
        n += 1;
        file = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}-{n}.{ext}"),
            None => format!("{name}-{n}"),
        };
    }
    file
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_editor_names_the_file_the_console_applies() {
        use crate::view::session::Session;
        let mut s = Session::new(1, 3);
        let v1 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
        let v2 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n";
        for text in [v1, v1, v2, v2, v1] {
            let shown = applied_name(&s, "stateless.yaml", text);
            let (line, out) = s.apply_text("stateless.yaml", text);
            assert!(out.ok, "{}", out.text);
            assert_eq!(line, format!("kubectl apply -f {shown}"));
        }
        assert_eq!(applied_name(&s, "stateless.yaml", v2), "stateless-2.yaml");
    }

    use super::*;

    #[test]
    fn numbers_are_told_by_their_text() {
        for yes in [
            "3",
            "0644",
            "-1.5",
            "+.5",
            "5.",
            "1e3",
            "1E-3",
            "2.5e+10",
            "inf",
            "-Infinity",
            "NaN",
        ] {
            assert!(is_number(yes), "{yes}");
            assert!(yes.parse::<f64>().is_ok(), "{yes}");
        }
        for no in [
            "", ".", "-", "e3", "1e", "1e+", "1.2.3", "0x1F", "1_000", "1e3.5", "abc", "+-1",
            "infx",
        ] {
            assert!(!is_number(no), "{no}");
            assert!(no.parse::<f64>().is_err(), "{no}");
        }
    }

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

    fn apply(text: &str, e: &TextEdit) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut out = units[..e.from as usize].to_vec();
        out.extend(e.insert.encode_utf16());
        out.extend_from_slice(&units[e.to as usize..]);
        String::from_utf16(&out).unwrap()
    }

    #[test]
    fn tab_at_a_caret_inserts_two_spaces() {
        let e = indent("a: b", 3, 3, false).unwrap();
        assert_eq!(apply("a: b", &e), "a:   b");
        assert_eq!(e.select, (5, 5));
    }

    #[test]
    fn tab_over_a_selection_indents_its_lines_and_keeps_the_text() {
        // The reviewer's case: Tab with lines selected replaced them with two spaces.
        let text = "spec:\nreplicas: 3\nselector: {}\n\nend: 1";
        let (start, end) = (8, 26); // from inside "replicas" to inside the blank line's end
        let e = indent(text, start, end, false).unwrap();
        assert_eq!(
            apply(text, &e),
            "spec:\n  replicas: 3\n  selector: {}\n\nend: 1"
        );
        assert_eq!(e.select, (10, 30));
        // Shift+Tab takes it back, selection and all.
        let back = indent(&apply(text, &e), e.select.0, e.select.1, true).unwrap();
        assert_eq!(apply(&apply(text, &e), &back), text);
        assert_eq!(back.select, (start, end));
    }

    #[test]
    fn a_selection_ending_at_a_line_start_leaves_that_line() {
        let text = "a: 1\nb: 2\nc: 3";
        let e = indent(text, 0, 10, false).unwrap();
        assert_eq!(apply(text, &e), "  a: 1\n  b: 2\nc: 3");
    }

    #[test]
    fn shift_tab_outdents_at_most_two_spaces_and_stops_at_the_margin() {
        let text = "   a: 1\n b: 2\nc: 3";
        let e = indent(text, 2, 17, true).unwrap();
        assert_eq!(apply(text, &e), " a: 1\nb: 2\nc: 3");
        assert_eq!(e.select.0, 0);
        assert_eq!(indent("c: 3", 1, 1, true), None);
    }

    #[test]
    fn offsets_count_utf16_units() {
        // "é" is one unit, "😀" two: the caret after the emoji is at 4, not 3.
        let text = "é😀\nx";
        let e = indent(text, 0, 5, false).unwrap();
        assert_eq!(apply(text, &e), "  é😀\n  x");
        assert_eq!(e.select, (2, 9));
    }

    #[test]
    fn the_lines_in_view_match_the_whole_highlight() {
        let text = include_str!("../../exercises/stateless.yaml");
        let diags = vec![
            EditorDiag {
                line: Some(3),
                col: 3,
                error: true,
                message: "e".into(),
            },
            EditorDiag {
                line: Some(12),
                col: 1,
                error: false,
                message: "w".into(),
            },
        ];
        let all = highlight(text, &diags);
        assert_eq!(highlight_lines(text, &diags, 2, 15), all[2..17].to_vec());
        assert_eq!(highlight_lines(text, &diags, all.len() - 1, 50).len(), 1);
        assert!(highlight_lines(text, &diags, all.len() + 5, 50).is_empty());
        assert_eq!(all[2].diag, Some(0));
        assert_eq!(all[11].diag, Some(1));
        assert_eq!(extent(text).0, all.len());
        assert_eq!(extent("ab\n\tx\né"), (3, 3));
    }

    #[test]
    fn a_long_buffer_with_many_problems_reads_in_one_pass() {
        // 40,000 unknown fields: the per-line diagnostics are bucketed, not scanned per line.
        let fields: String = (0..40_000).map(|i| format!("  f{i}: v\n")).collect();
        let text = format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n{fields}  containers:\n  - name: c\n    image: nginx\n");
        let diags = diagnose(&text, &[]);
        assert_eq!(diags.len(), 40_000);
        let lines = highlight_lines(&text, &diags, 20_000, 60);
        assert_eq!(lines.len(), 60);
        assert!(lines.iter().all(|l| l.diag.is_some()));
    }
}
