//! The layer order of CONTRIBUTING.md ("Layers"), checked on the sources: every `crate::` and
//! `super::` path outside `#[cfg(test)]` code must lead to the module's own layer's parent,
//! to a module below it in the documented order, or into the module itself.
//!
//! A child may use items its parent defines (the `Sim` of `sim/mod.rs`), but not what the
//! parent only re-exports from a higher child: that is the higher child in disguise.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// For one parent module (`crate`, `sim`, `console`): its children, bottom to top, in groups.
/// Children in the same group may not use each other.
#[derive(Debug, Default)]
struct Order {
    groups: BTreeMap<String, Vec<Vec<String>>>,
    /// Top-level modules that may use only the listed ones (rows `| `ui` | only `view` |`).
    only: BTreeMap<String, Vec<String>>,
}

impl Order {
    /// Reads the table under "## Layers" in CONTRIBUTING.md: rows `| `parent` | `a`, `b` < `c` |`.
    fn parse(text: &str) -> Order {
        let mut order = Order::default();
        let Some(start) = text.find("## Layers") else {
            return order;
        };
        let section = &text[start..];
        let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
        for line in section[..end].lines() {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            if cells.len() < 2 {
                continue;
            }
            if let Some(list) = cells[1].trim().strip_prefix("only ") {
                let allowed = list
                    .split(',')
                    .map(|m| m.trim().trim_matches('`').to_string())
                    .collect();
                order
                    .only
                    .insert(cells[0].trim().trim_matches('`').to_string(), allowed);
                continue;
            }
            if !cells[1].contains('<') {
                continue;
            }
            let parent = cells[0].trim().trim_matches('`').to_string();
            let groups = cells[1]
                .split('<')
                .map(|g| {
                    g.split(',')
                        .map(|m| m.trim().trim_matches('`').to_string())
                        .filter(|m| !m.is_empty())
                        .collect()
                })
                .collect();
            order.groups.insert(parent, groups);
        }
        order
    }

    /// The group index of `child` under `parent`; None when the parent has no declared order.
    fn rank(&self, parent: &str, child: &str) -> Option<Result<usize, String>> {
        let groups = self.groups.get(parent)?;
        Some(
            groups
                .iter()
                .position(|g| g.iter().any(|m| m == child))
                .ok_or_else(|| {
                    format!("module `{child}` is missing from the order of `{parent}` in CONTRIBUTING.md")
                }),
        )
    }
}

/// One source file: its module path and its text.
struct Source {
    module: Vec<String>,
    text: String,
}

/// What the checker knows of the crate: which module paths exist, and each parent's re-exports.
struct Crate {
    modules: Vec<Vec<String>>,
    /// (parent path, item name) -> the child it re-exports the item from.
    reexports: BTreeMap<(Vec<String>, String), String>,
}

fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|l| l == "mod" || l == "lib") {
        parts.pop();
    }
    parts
}

/// The text before the first `#[cfg(test)]`, without `//` comments.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Expands a use tree (`a::{b, c::{d, e}}`) into paths.
fn expand_use(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.split(" as ").next().unwrap_or("").trim().to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut last) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[last..i]);
                last = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[last..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand_use)
        .map(|p| {
            if p == "self" {
                prefix.trim_end_matches("::").to_string()
            } else {
                format!("{prefix}{p}")
            }
        })
        .collect()
}

/// Every `crate::` or `super::` path in `code`, as written.
fn paths_in(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    // `use` statements, whose trees may group paths.
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let after = &rest[i + 4..];
        let Some(end) = after.find(';') else { break };
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            let tree: String = after[..end]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if tree.starts_with("crate::") || tree.starts_with("super::") {
                out.extend(expand_use(&tree));
            }
        }
        rest = &after[end..];
    }
    // Paths written in place (`crate::sim::api::pod_requests(p)`).
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            let prev = code[..at].chars().last();
            let path: String = code[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            if prev.is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != ':') {
                out.push(path.trim_end_matches(':').to_string());
            }
            from = at + start.len();
        }
    }
    out
}

/// The absolute path a written path means in `module`.
fn resolve(module: &[String], path: &str) -> Vec<String> {
    let segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<String> = Vec::new();
    let mut i = 0;
    if segs.first() == Some(&"crate") {
        i = 1;
    } else {
        base = module.to_vec();
        while segs.get(i) == Some(&"super") {
            base.pop();
            i += 1;
        }
    }
    base.extend(segs[i..].iter().map(|s| s.to_string()));
    base
}

impl Crate {
    fn new(sources: &[Source]) -> Crate {
        let modules: Vec<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
        let mut reexports = BTreeMap::new();
        for s in sources {
            let code = code_of(&s.text);
            for stmt in code.split(';') {
                let stmt = stmt.trim();
                let Some(tree) = stmt
                    .strip_prefix("pub use ")
                    .or_else(|| stmt.strip_prefix("pub(crate) use "))
                else {
                    continue;
                };
                let tree: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
                for p in expand_use(&tree) {
                    let segs: Vec<&str> = p.split("::").collect();
                    if segs.len() >= 2 && !matches!(segs[0], "crate" | "super" | "self") {
                        let item = segs[segs.len() - 1].to_string();
                        reexports.insert((s.module.clone(), item), segs[0].to_string());
                    }
                }
            }
        }
        Crate { modules, reexports }
    }

    fn is_module(&self, path: &[String]) -> bool {
        self.modules.iter().any(|m| m == path)
    }

    /// Problems in one source file.
    fn check(&self, order: &Order, source: &Source) -> Vec<String> {
        let mut problems = Vec::new();
        for written in paths_in(&code_of(&source.text)) {
            let target = resolve(&source.module, &written);
            let from = &source.module;
            let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if common == from.len() || common >= target.len() {
                continue; // into the module itself, or its own ancestors' names
            }
            if common == 0 {
                if let Some(allowed) = order.only.get(&from[0]) {
                    if !allowed.contains(&target[0]) && self.is_module(&target[..1]) {
                        problems.push(format!(
                            "`{}` uses `{written}`: `{}` may use only {}",
                            from.join("::"),
                            from[0],
                            allowed.join(", ")
                        ));
                        continue;
                    }
                }
            }
            let parent = &from[..common];
            let s1 = &from[common];
            let mut t1 = target[common].clone();
            let mut child = parent.to_vec();
            child.push(t1.clone());
            if !self.is_module(&child) {
                match self.reexports.get(&(parent.to_vec(), t1.clone())) {
                    Some(c) => t1 = c.clone(),
                    None => continue, // an item the parent itself defines
                }
                if &t1 == s1 {
                    continue; // re-exported from the module's own subtree
                }
            }
            let name = if parent.is_empty() {
                "crate".to_string()
            } else {
                parent.join("::")
            };
            let (Some(rs), Some(rt)) = (order.rank(&name, s1), order.rank(&name, &t1)) else {
                continue;
            };
            match (rs, rt) {
                (Err(e), _) | (_, Err(e)) => problems.push(e),
                (Ok(rs), Ok(rt)) if rt >= rs => problems.push(format!(
                    "`{}` uses `{written}`: `{t1}` is {} `{s1}` in the order of `{name}`",
                    from.join("::"),
                    if rt == rs { "beside" } else { "above" }
                )),
                _ => {}
            }
        }
        problems.sort();
        problems.dedup();
        problems
    }
}

fn sources_under(root: &Path) -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| {
            let rel = f.strip_prefix(root).unwrap();
            // The binaries use the library by its name, never `crate::`.
            !rel.starts_with("bin") && rel != Path::new("main.rs")
        })
        .map(|f| Source {
            module: module_of(f.strip_prefix(root).unwrap()),
            text: std::fs::read_to_string(&f).expect("read source"),
        })
        .collect()
}

#[test]
fn no_module_imports_a_layer_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("CONTRIBUTING.md")).expect("CONTRIBUTING.md");
    let order = Order::parse(&doc);
    assert!(
        order.groups.contains_key("crate"),
        "CONTRIBUTING.md has no layer table under '## Layers'"
    );
    let sources = sources_under(&root.join("src"));
    let krate = Crate::new(&sources);
    let mut problems: Vec<String> = Vec::new();
    for s in &sources {
        problems.extend(krate.check(&order, s));
    }
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "imports against the layer order:\n  {}",
        problems.join("\n  ")
    );
}

fn source(module: &str, text: &str) -> Source {
    Source {
        module: module
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        text: text.to_string(),
    }
}

#[test]
fn the_checker_finds_upward_sideways_and_disguised_imports() {
    let order = Order::parse(
        "## Layers\n\n| inside | bottom to top |\n|---|---|\n| `crate` | `model` < `sim` < `view` |\n| `sim` | `world` < `api`, `dns` < `controllers` |\n| `view` | only `sim` |\n",
    );
    let files = [
        source("", ""),
        source("model", "use crate::sim::Sim;\n"),
        source(
            "sim",
            "pub use controllers::Ctl;\npub struct Sim;\nmod api;\n",
        ),
        source("sim::world", "use super::{Sim, api::Store};\n"),
        source("sim::api", "use super::Ctl;\nfn f() { super::dns::x(); }\n"),
        source("sim::dns", "use crate::sim::world::World;\n"),
        source(
            "sim::controllers",
            "use crate::{model::Pod, sim::api};\n#[cfg(test)]\nuse crate::view::X;\n",
        ),
        source(
            "view",
            "// crate::sim::nothing in a comment\nuse crate::sim::Sim;\nuse crate::model::Pod;\n",
        ),
    ];
    let krate = Crate::new(&files);
    let found: Vec<String> = files.iter().flat_map(|f| krate.check(&order, f)).collect();
    assert_eq!(
        found,
        [
            "`model` uses `crate::sim::Sim`: `sim` is above `model` in the order of `crate`",
            "`sim::world` uses `super::api::Store`: `api` is above `world` in the order of `sim`",
            "`sim::api` uses `super::Ctl`: `controllers` is above `api` in the order of `sim`",
            "`sim::api` uses `super::dns::x`: `dns` is beside `api` in the order of `sim`",
            "`view` uses `crate::model::Pod`: `view` may use only sim",
        ]
    );
}

#[test]
fn use_trees_expand() {
    assert_eq!(
        expand_use("crate::{model::{Pod, Node}, sim::Sim as S}"),
        ["crate::model::Pod", "crate::model::Node", "crate::sim::Sim"]
    );
    assert_eq!(
        resolve(&["sim".into(), "api".into()], "super::Sim"),
        ["sim", "Sim"]
    );
}
