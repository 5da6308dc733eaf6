//! kubectl's table layout: Go's tabwriter with padding 3 and no trailing spaces.

/// A table of rows under a header; `render` aligns the columns as `kubectl get` does.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// The text, one line per row, each ending in a newline.
    pub fn render(&self, with_header: bool) -> String {
        let mut lines: Vec<&Vec<String>> = Vec::new();
        if with_header {
            lines.push(&self.header);
        }
        lines.extend(self.rows.iter());
        let cols = lines.iter().map(|r| r.len()).max().unwrap_or(0);
        let mut widths = vec![0usize; cols];
        for r in &lines {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let mut out = String::new();
        for r in &lines {
            let mut line = String::new();
            for (i, c) in r.iter().enumerate() {
                line.push_str(c);
                if i + 1 < r.len() {
                    let pad = widths[i] - c.chars().count() + 3;
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_with_three_spaces() {
        let mut t = Table::new(&["NAME", "READY", "STATUS"]);
        t.push(vec!["web-x2kzq".into(), "1/1".into(), "Running".into()]);
        t.push(vec!["w".into(), "0/1".into(), "Pending".into()]);
        assert_eq!(
            t.render(true),
            "NAME        READY   STATUS\nweb-x2kzq   1/1     Running\nw           0/1     Pending\n"
        );
        assert_eq!(t.render(false).lines().count(), 2);
    }
}

/// Go's `text/tabwriter` (flags 0, pad char ' '): cells end at tabs, and each column is aligned
/// over the run of consecutive lines that have a cell in it. `kubectl describe` prints through
/// it with padding 2, so its blocks align the way this does.
pub fn tabwrite(text: &str, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::new();
    let mut widths: Vec<usize> = Vec::new();
    format_block(&lines, 0, lines.len(), &mut widths, padding, &mut out);
    // split('\n') yields a last empty line for text ending in a newline; drop its extra newline.
    if text.ends_with('\n') {
        out.pop();
    }
    out
}

fn format_block(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut width = 0;
        while this < line1 && column + 1 < lines[this].len() {
            width = width.max(lines[this][column].chars().count() + padding);
            this += 1;
        }
        widths.push(width);
        format_block(lines, line0, this, widths, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for cells in &lines[from..to] {
        for (j, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < cells.len() {
                let w = widths.get(j).copied().unwrap_or(0);
                let pad = w.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tabwriter_tests {
    use super::tabwrite;

    #[test]
    fn blocks_align_like_go_tabwriter() {
        // A line without a tab ends the block: the lines after it align on their own, which is
        // why `kubectl describe pod` indents `  IP:` under `IPs:` as far as `Controlled By:`.
        let text = "Name:\tweb-0\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tx\n";
        assert_eq!(
            tabwrite(text, 2),
            "Name:       web-0\nNamespace:  default\nIPs:\n  IP:           10.0.0.1\nControlled By:  x\n"
        );
    }

    #[test]
    fn nested_columns() {
        let text = "a\tbb\tc\naaa\tb\tc\n";
        assert_eq!(tabwrite(text, 2), "a    bb  c\naaa  b   c\n");
    }
}
