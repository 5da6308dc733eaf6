//! Reading a pack: the spanned YAML tree of `manifest::tree`, walked with the field tables of
//! `schema`. Every error is collected (unknown fields with a suggestion, missing required
//! fields, wrong types, bad durations, regexes and queries), each at its line:col and path.

use crate::codec::Pos;
use crate::console::args::parse_duration_ms;
use crate::manifest::tree::{Node, Resolved, Value};
use crate::scenario::{describe, join, Scenario};
use crate::sorted::SortedMap;

use super::schema::{self, Def};
use super::{
    Check, Compare, Condition, Exercise, Expect, Pack, PackError, Pattern, PodMatch, Predict,
    Solution, SolutionStep, Task, When, DEFAULT_SETTLE_MS, FORMAT, MAX_BYTES, MAX_CHECKS,
    MAX_EXERCISES, MAX_TASKS,
};

pub fn parse_bytes(bytes: &[u8]) -> Result<Pack, Vec<PackError>> {
    if bytes.len() > MAX_BYTES {
        return Err(vec![too_large(bytes.len())]);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text),
        Err(e) => {
            let prefix = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
            let line = prefix.matches('\n').count() as u32 + 1;
            let col = prefix.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
            Err(vec![PackError {
                pos: Some(Pos { line, col }),
                path: String::new(),
                message: format!(
                    "invalid UTF-8: byte 0x{:02x} at offset {} is not part of a character; packs must be UTF-8 text",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
            }])
        }
    }
}

fn too_large(len: usize) -> PackError {
    PackError {
        pos: None,
        path: String::new(),
        message: format!(
            "the pack is too large: {len} bytes; podlab reads at most {MAX_BYTES} bytes (4 MiB)"
        ),
    }
}

pub fn parse(text: &str) -> Result<Pack, Vec<PackError>> {
    if text.len() > MAX_BYTES {
        return Err(vec![too_large(text.len())]);
    }
    let root = crate::scenario::one_document(
        text,
        true,
        "the file is empty: a pack needs format, id, title, version and exercises",
        "a pack is one YAML document; put each exercise under `exercises:`",
    )?;
    let mut r = Reader::default();
    let pack = r.pack(&root);
    crate::sort::sort_by_key(&mut r.errors, |e| e.pos);
    match (pack, r.errors.is_empty()) {
        (Some(p), true) => Ok(p),
        _ => Err(r.errors),
    }
}

/// The fields of one object, read against its `Def`.
struct Fields<'a> {
    pos: Pos,
    path: String,
    entries: Vec<(&'static str, &'a Node, Pos)>,
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<&'a Node> {
        self.entries.iter().find(|e| e.0 == name).map(|e| e.1)
    }

    fn key_pos(&self, name: &str) -> Pos {
        self.entries
            .iter()
            .find(|e| e.0 == name)
            .map_or(self.pos, |e| e.2)
    }

    fn path(&self, name: &str) -> String {
        join(&self.path, name)
    }
}

#[derive(Default)]
struct Reader {
    errors: Vec<PackError>,
}

impl Reader {
    fn error(&mut self, pos: Option<Pos>, path: &str, message: String) {
        self.errors.push(PackError {
            pos,
            path: path.to_string(),
            message,
        });
    }

    /// A mapping's fields as `def` names them: unknown keys (with a suggestion) and missing
    /// required fields are errors; the others are returned.
    fn fields<'a>(&mut self, node: &'a Node, path: &str, def: &'static Def) -> Option<Fields<'a>> {
        let Value::Map(entries) = &node.value else {
            self.error(
                Some(node.pos),
                path,
                format!(
                    "expected a mapping ({}), found {}",
                    def.name,
                    describe(node)
                ),
            );
            return None;
        };
        let names = def.field_names();
        let mut out = Fields {
            pos: node.pos,
            path: path.to_string(),
            entries: Vec::new(),
        };
        for (k, v) in entries {
            let Value::Scalar(s) = &k.value else {
                self.error(Some(k.pos), path, "keys must be plain words".into());
                continue;
            };
            match def.field(&s.text) {
                Some(field) => out.entries.push((field.name, v, k.pos)),
                None => {
                    let hint = schema::suggest(&s.text, &names)
                        .map(|n| format!("did you mean {n:?}? "))
                        .unwrap_or_default();
                    self.error(
                        Some(k.pos),
                        path,
                        format!(
                            "unknown field {:?} in {}; {hint}expected one of: {}",
                            s.text,
                            def.name,
                            names.join(", ")
                        ),
                    );
                }
            }
        }
        for field in def.fields.iter().filter(|f| f.required) {
            if out.get(field.name).is_none() {
                self.error(
                    Some(node.pos),
                    &join(path, field.name),
                    format!("Required value: {} needs `{}`", def.name, field.name),
                );
            }
        }
        Some(out)
    }

    fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Scalar(s) if !node.is_null() => Some(s.text.clone()),
            _ => {
                self.error(
                    Some(node.pos),
                    path,
                    format!("expected a string, found {}", describe(node)),
                );
                None
            }
        }
    }

    fn opt_string(&mut self, f: &Fields, name: &str) -> Option<String> {
        let node = f.get(name)?;
        self.string(node, &f.path(name))
    }

    /// A required string that is not empty.
    fn word(&mut self, f: &Fields, name: &str) -> String {
        let Some(node) = f.get(name) else {
            return String::new();
        };
        let Some(s) = self.string(node, &f.path(name)) else {
            return String::new();
        };
        if s.trim().is_empty() {
            self.error(Some(node.pos), &f.path(name), "must not be empty".into());
        }
        s
    }

    fn strings(&mut self, f: &Fields, name: &str) -> Vec<String> {
        let Some(node) = f.get(name) else {
            return Vec::new();
        };
        let path = f.path(name);
        let Value::Seq(items) = &node.value else {
            if !node.is_null() {
                self.error(
                    Some(node.pos),
                    &path,
                    format!("expected a list of strings, found {}", describe(node)),
                );
            }
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.string(item, &format!("{path}[{i}]")))
            .collect()
    }

    fn int(&mut self, node: &Node, path: &str) -> Option<i64> {
        if let Value::Scalar(s) = &node.value {
            if let Resolved::Int(i) = s.resolve() {
                if let Ok(i) = i64::try_from(i) {
                    return Some(i);
                }
            }
        }
        self.error(
            Some(node.pos),
            path,
            format!("expected an integer, found {}", describe(node)),
        );
        None
    }

    fn duration(&mut self, f: &Fields, name: &str) -> Option<u64> {
        let node = f.get(name)?;
        let path = f.path(name);
        let text = self.string(node, &path)?;
        match parse_duration_ms(&text) {
            Ok(ms) if ms <= crate::scenario::MAX_TIME_MS => Some(ms),
            Ok(_) => {
                self.error(
                    Some(node.pos),
                    &path,
                    format!("{text} is too long: runs last at most 24h"),
                );
                None
            }
            Err(e) => {
                self.error(Some(node.pos), &path, e);
                None
            }
        }
    }

    /// A list of objects, at most `max` of them.
    fn list<'a>(&mut self, f: &Fields<'a>, name: &str, max: usize) -> Vec<(String, &'a Node)> {
        let Some(node) = f.get(name) else {
            return Vec::new();
        };
        let path = f.path(name);
        let Value::Seq(items) = &node.value else {
            self.error(
                Some(node.pos),
                &path,
                format!("expected a list, found {}", describe(node)),
            );
            return Vec::new();
        };
        if items.is_empty() {
            self.error(Some(node.pos), &path, "must not be empty".into());
        }
        if items.len() > max {
            self.error(
                Some(node.pos),
                &path,
                format!("{} items is too many: at most {max}", items.len()),
            );
            return Vec::new();
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{path}[{i}]"), item))
            .collect()
    }

    fn str_map(&mut self, f: &Fields, name: &str) -> SortedMap<String, String> {
        let mut out = SortedMap::new();
        let Some(node) = f.get(name) else {
            return out;
        };
        let path = f.path(name);
        let Value::Map(entries) = &node.value else {
            if !node.is_null() {
                self.error(
                    Some(node.pos),
                    &path,
                    format!(
                        "expected a mapping of names to texts, found {}",
                        describe(node)
                    ),
                );
            }
            return out;
        };
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default().to_string();
            if let Some(text) = self.string(v, &format!("{path}[{key}]")) {
                out.insert(key, text);
            }
        }
        out
    }

    /// Ids are lowercase words joined by dashes, as Kubernetes names are.
    fn id(&mut self, f: &Fields, name: &str) -> String {
        let id = self.word(f, name);
        let ok = !id.is_empty()
            && id.len() <= 63
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !id.starts_with('-')
            && !id.ends_with('-');
        if !id.is_empty() && !ok {
            let pos = f.get(name).map(|n| n.pos);
            self.error(
                pos,
                &f.path(name),
                format!("{id:?} is not a valid id: use lowercase letters, digits and dashes (at most 63), starting and ending with a letter or digit"),
            );
        }
        id
    }

    fn pack(&mut self, root: &Node) -> Option<Pack> {
        let f = self.fields(root, "", &schema::PACK)?;
        if let Some(node) = f.get("format") {
            if let Some(v) = self.string(node, "format") {
                if v != FORMAT {
                    self.error(
                        Some(node.pos),
                        "format",
                        format!("unsupported pack format {v:?}: this podlab reads {FORMAT:?}"),
                    );
                }
            }
        }
        let mut pack = Pack {
            id: self.id(&f, "id"),
            title: self.word(&f, "title"),
            version: self.word(&f, "version"),
            description: self.opt_string(&f, "description").unwrap_or_default(),
            authors: self.strings(&f, "authors"),
            license: self.opt_string(&f, "license").unwrap_or_default(),
            exercises: Vec::new(),
        };
        let mut seen: SortedMap<String, ()> = SortedMap::new();
        for (path, node) in self.list(&f, "exercises", MAX_EXERCISES) {
            if let Some(e) = self.exercise(node, &path) {
                if seen.insert(e.id.clone(), ()).is_some() {
                    self.error(
                        Some(e.pos),
                        &join(&path, "id"),
                        format!("Duplicate value: {:?}: exercise ids must be unique", e.id),
                    );
                }
                pack.exercises.push(e);
            }
        }
        Some(pack)
    }

    fn exercise(&mut self, node: &Node, path: &str) -> Option<Exercise> {
        let f = self.fields(node, path, &schema::EXERCISE)?;
        let pattern = match f
            .get("pattern")
            .and_then(|n| self.string(n, &f.path("pattern")))
        {
            Some(p) => match p.as_str() {
                "singleton" => Pattern::Singleton,
                "stateless" => Pattern::Stateless,
                "stateful" => Pattern::Stateful,
                other => {
                    self.error(
                        f.get("pattern").map(|n| n.pos),
                        &f.path("pattern"),
                        format!("Unsupported value: {other:?}: supported values: \"singleton\", \"stateless\", \"stateful\""),
                    );
                    Pattern::Stateless
                }
            },
            None => Pattern::Stateless,
        };
        let predict = f
            .get("predict")
            .and_then(|n| self.predict(n, &f.path("predict")));
        let setup = self.setup(f.get("setup"), &f.path("setup"));
        let mut tasks: Vec<Task> = Vec::new();
        for (tpath, tnode) in self.list(&f, "tasks", MAX_TASKS) {
            if let Some(t) = self.task(tnode, &tpath) {
                if tasks.iter().any(|o| o.id == t.id) {
                    self.error(
                        Some(tnode.pos),
                        &join(&tpath, "id"),
                        format!(
                            "Duplicate value: {:?}: task ids must be unique in an exercise",
                            t.id
                        ),
                    );
                }
                tasks.push(t);
            }
        }
        let solution = f
            .get("solution")
            .and_then(|n| self.solution(n, &f.path("solution")))
            .unwrap_or_default();
        let setup = setup.unwrap_or_else(empty_setup);
        let start = super::start_of(&setup);
        for t in &tasks {
            for c in &t.checks {
                if let When::At { ms } = c.when {
                    if ms < start {
                        self.error(
                            Some(c.pos),
                            path,
                            format!(
                                "task {}: `at: {}` is before the exercise starts, at {} (the end of its setup)",
                                t.id,
                                crate::console::args::format_duration_ms(ms),
                                crate::console::args::format_duration_ms(start)
                            ),
                        );
                    }
                }
            }
        }
        Some(Exercise {
            id: self.id(&f, "id"),
            title: self.word(&f, "title"),
            pattern,
            concepts: self.strings(&f, "concepts"),
            predict,
            intro: self.opt_string(&f, "intro").unwrap_or_default(),
            setup,
            tasks,
            hints: self.strings(&f, "hints"),
            solution,
            debrief: self.opt_string(&f, "debrief").unwrap_or_default(),
            settle_ms: self.duration(&f, "settle").unwrap_or(DEFAULT_SETTLE_MS),
            pos: node.pos,
        })
    }

    /// The setup is a scenario, read by the scenario reader; its errors get this path.
    fn setup(&mut self, node: Option<&Node>, path: &str) -> Option<Scenario> {
        let node = node?;
        match Scenario::from_node(node) {
            Ok(s) => Some(s),
            Err(errors) => {
                for e in errors {
                    let p = if e.path.is_empty() {
                        path.to_string()
                    } else {
                        join(path, &e.path)
                    };
                    self.error(e.pos.or(Some(node.pos)), &p, e.message);
                }
                None
            }
        }
    }

    fn predict(&mut self, node: &Node, path: &str) -> Option<Predict> {
        let f = self.fields(node, path, &schema::PREDICT)?;
        let choices = self.strings(&f, "choices");
        if f.get("choices").is_some() && choices.len() < 2 {
            self.error(
                f.get("choices").map(|n| n.pos),
                &f.path("choices"),
                "a question needs at least two choices".into(),
            );
        }
        let answer_text = self.opt_string(&f, "answer");
        let answer = match answer_text {
            Some(a) => match choices.iter().position(|c| c.trim() == a.trim()) {
                Some(i) => i,
                None => {
                    if !choices.is_empty() {
                        self.error(
                            f.get("answer").map(|n| n.pos),
                            &f.path("answer"),
                            format!("{a:?} is not one of the choices; write the right choice exactly as in `choices`"),
                        );
                    }
                    0
                }
            },
            None => 0,
        };
        Some(Predict {
            prompt: self.word(&f, "prompt"),
            choices,
            answer,
            reveal: self.word(&f, "reveal"),
        })
    }

    fn task(&mut self, node: &Node, path: &str) -> Option<Task> {
        let f = self.fields(node, path, &schema::TASK)?;
        let checks = self
            .list(&f, "checks", MAX_CHECKS)
            .into_iter()
            .filter_map(|(p, n)| self.check(n, &p))
            .collect();
        Some(Task {
            id: self.id(&f, "id"),
            title: self.word(&f, "title"),
            checks,
        })
    }

    fn check(&mut self, node: &Node, path: &str) -> Option<Check> {
        let f = self.fields(node, path, &schema::CHECK)?;
        let forms: Vec<&str> = ["always", "never", "eventually", "at"]
            .into_iter()
            .filter(|k| f.get(k).is_some())
            .collect();
        let form = match forms.as_slice() {
            [one] => *one,
            [] => {
                self.error(
                    Some(node.pos),
                    path,
                    "a check needs one of: always, never, eventually, at (with holds)".into(),
                );
                return None;
            }
            [_, second, ..] => {
                self.error(
                    Some(f.key_pos(second)),
                    path,
                    format!(
                        "a check has one form; found both {:?} and {second:?}",
                        forms[0]
                    ),
                );
                return None;
            }
        };
        if f.get("within").is_some() && form != "eventually" {
            self.error(
                Some(f.key_pos("within")),
                &f.path("within"),
                "`within` goes with `eventually`".into(),
            );
        }
        if f.get("holds").is_some() && form != "at" {
            self.error(
                Some(f.key_pos("holds")),
                &f.path("holds"),
                "`holds` goes with `at`".into(),
            );
        }
        let (when, cond_key) = match form {
            "always" => (When::Always, "always"),
            "never" => (When::Never, "never"),
            "eventually" => (
                When::Eventually {
                    within_ms: self.duration(&f, "within"),
                },
                "eventually",
            ),
            _ => {
                if f.get("holds").is_none() {
                    self.error(
                        Some(f.key_pos("at")),
                        &f.path("holds"),
                        "Required value: `at` needs `holds`, the condition".into(),
                    );
                }
                (
                    When::At {
                        ms: self.duration(&f, "at").unwrap_or(0),
                    },
                    "holds",
                )
            }
        };
        let cond_node = f.get(cond_key)?;
        let condition = self.condition(cond_node, &f.path(cond_key))?;
        let title = self
            .opt_string(&f, "title")
            .unwrap_or_else(|| describe_check(&when, &condition));
        Some(Check {
            title,
            when,
            condition,
            pos: node.pos,
        })
    }

    fn compare(&mut self, f: &Fields) -> Compare {
        let mut c = Compare::default();
        for (name, slot) in [
            ("atMost", &mut c.at_most),
            ("atLeast", &mut c.at_least),
            ("equals", &mut c.equals),
        ] {
            if let Some(n) = f.get(name) {
                *slot = self.int(n, &f.path(name));
            }
        }
        c
    }

    /// A measure's count needs at least one bound.
    fn bounded(&mut self, f: &Fields, what: &str) -> Compare {
        let c = self.compare(f);
        if f.get("atMost").is_none() && f.get("atLeast").is_none() && f.get("equals").is_none() {
            self.error(
                Some(f.pos),
                &f.path,
                format!("{what} needs atMost, atLeast or equals"),
            );
        }
        c
    }

    fn condition(&mut self, node: &Node, path: &str) -> Option<Condition> {
        let f = self.fields(node, path, &schema::CONDITION)?;
        let kinds: Vec<&str> = [
            "query",
            "processes",
            "podOnNode",
            "volumeWriters",
            "leaders",
        ]
        .into_iter()
        .filter(|k| f.get(k).is_some())
        .collect();
        let kind = match kinds.as_slice() {
            [one] => *one,
            [] => {
                self.error(
                    Some(node.pos),
                    path,
                    "a condition needs one of: query, processes, podOnNode, volumeWriters, leaders"
                        .into(),
                );
                return None;
            }
            [_, second, ..] => {
                self.error(
                    Some(f.key_pos(second)),
                    path,
                    format!(
                        "a condition has one subject; found both {:?} and {second:?}",
                        kinds[0]
                    ),
                );
                return None;
            }
        };
        let expects: Vec<&str> = ["equals", "contains", "matches", "atLeast", "atMost"]
            .into_iter()
            .filter(|k| f.get(k).is_some())
            .collect();
        if kind != "query" {
            for k in expects
                .iter()
                .chain(["jsonpath"].iter().filter(|k| f.get(k).is_some()))
            {
                self.error(
                    Some(f.key_pos(k)),
                    &f.path(k),
                    format!("`{k}` goes with `query`; a measure's bounds go inside it"),
                );
            }
        }
        match kind {
            "query" => self.query(&f, &expects),
            "processes" => {
                let p = f.path("processes");
                let m = self.fields(f.get("processes")?, &p, &schema::PROCESSES)?;
                Some(Condition::Processes {
                    app: self.word(&m, "app"),
                    count: self.bounded(&m, "processes"),
                })
            }
            "podOnNode" => {
                let p = f.path("podOnNode");
                let m = self.fields(f.get("podOnNode")?, &p, &schema::POD_ON_NODE)?;
                let pod = match (m.get("pod"), m.get("app")) {
                    (Some(_), None) => PodMatch::Name(self.word(&m, "pod")),
                    (None, Some(_)) => PodMatch::App(self.word(&m, "app")),
                    _ => {
                        self.error(
                            Some(m.pos),
                            &p,
                            "podOnNode needs exactly one of pod and app".into(),
                        );
                        return None;
                    }
                };
                Some(Condition::PodOnNode {
                    pod,
                    node: self.word(&m, "node"),
                })
            }
            "volumeWriters" => {
                let p = f.path("volumeWriters");
                let m = self.fields(f.get("volumeWriters")?, &p, &schema::VOLUME_WRITERS)?;
                Some(Condition::VolumeWriters {
                    namespace: self
                        .opt_string(&m, "namespace")
                        .unwrap_or_else(|| "default".into()),
                    claim: self.word(&m, "claim"),
                    count: self.bounded(&m, "volumeWriters"),
                })
            }
            _ => {
                let p = f.path("leaders");
                let m = self.fields(f.get("leaders")?, &p, &schema::LEADERS)?;
                Some(Condition::Leaders {
                    lock: self.opt_string(&m, "lock"),
                    count: self.bounded(&m, "leaders"),
                })
            }
        }
    }

    fn query(&mut self, f: &Fields, expects: &[&str]) -> Option<Condition> {
        let qnode = f.get("query")?;
        let qpath = f.path("query");
        let mut command = self.string(qnode, &qpath)?;
        if let Err(e) = read_only(&command) {
            self.error(Some(qnode.pos), &qpath, e);
        }
        if let Some(jp) = self.opt_string(f, "jsonpath") {
            let words: Vec<&str> = command.split_whitespace().collect();
            if words
                .iter()
                .any(|w| *w == "-o" || w.starts_with("-o") || w.starts_with("--output"))
            {
                self.error(
                    Some(f.key_pos("jsonpath")),
                    &f.path("jsonpath"),
                    "`jsonpath` prints the query's output itself; leave -o out of the query".into(),
                );
            }
            if !command.trim_start().starts_with("kubectl get") {
                self.error(
                    Some(f.key_pos("jsonpath")),
                    &f.path("jsonpath"),
                    "`jsonpath` goes with a `kubectl get` query".into(),
                );
            }
            command = format!("{command} -o jsonpath='{jp}'");
        }
        let numeric = expects.iter().any(|k| *k == "atLeast" || *k == "atMost");
        let text_forms: Vec<&&str> = expects
            .iter()
            .filter(|k| matches!(**k, "equals" | "contains" | "matches"))
            .collect();
        if text_forms.len() > 1 || (numeric && !text_forms.is_empty() && f.get("equals").is_none())
        {
            self.error(
                Some(f.pos),
                &f.path,
                "a query has one expectation: equals, contains, matches, or atLeast/atMost".into(),
            );
            return None;
        }
        let expect = if numeric {
            let mut c = self.compare(f);
            if let Some(n) = f.get("equals") {
                if c.equals.is_none() {
                    self.error(
                        Some(n.pos),
                        &f.path("equals"),
                        "with atLeast or atMost, equals must be a number".into(),
                    );
                }
            } else {
                c.equals = None;
            }
            Expect::Number(c)
        } else if let Some(n) = f.get("equals") {
            Expect::Equals(self.string(n, &f.path("equals"))?)
        } else if let Some(n) = f.get("contains") {
            Expect::Contains(self.string(n, &f.path("contains"))?)
        } else if let Some(n) = f.get("matches") {
            let re = self.string(n, &f.path("matches"))?;
            if let Err(e) = super::pattern::Pattern::new(&re) {
                self.error(
                    Some(n.pos),
                    &f.path("matches"),
                    format!("invalid regular expression: {e}"),
                );
            }
            Expect::Matches(re)
        } else {
            self.error(Some(f.pos), &f.path, "a query needs what its output must be: equals, contains, matches, atLeast or atMost".into());
            return None;
        };
        Some(Condition::Query { command, expect })
    }

    fn solution(&mut self, node: &Node, path: &str) -> Option<Solution> {
        let f = self.fields(node, path, &schema::SOLUTION)?;
        let mut steps = Vec::new();
        for (p, item) in self.list(&f, "run", 1000) {
            if let Value::Map(_) = item.value {
                let Some(s) = self.fields(item, &p, &schema::SOLUTION_STEP) else {
                    continue;
                };
                let after_ms = self.duration(&s, "after").unwrap_or(0);
                if s.get("run").is_some() {
                    steps.push(SolutionStep {
                        after_ms,
                        run: self.word(&s, "run"),
                    });
                }
            } else if let Some(run) = self.string(item, &p) {
                steps.push(SolutionStep { after_ms: 0, run });
            }
        }
        Some(Solution {
            files: self.str_map(&f, "files"),
            steps,
        })
    }
}

fn empty_setup() -> Scenario {
    let root = Node {
        pos: Pos { line: 1, col: 1 },
        value: Value::Map(Vec::new()),
    };
    // An empty mapping is a valid scenario: three nodes, no script.
    Scenario::from_node(&root).unwrap_or_else(|_| unreachable_setup())
}

/// Never reached: an empty scenario always loads; kept total so nothing panics.
fn unreachable_setup() -> Scenario {
    Scenario {
        seed: 0,
        description: None,
        nodes: Vec::new(),
        timing: Default::default(),
        files: SortedMap::new(),
        script: Vec::new(),
        until_ms: None,
    }
}

/// Queries only read: `kubectl get|describe|logs`, or `dig`.
pub fn read_only(command: &str) -> Result<(), String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    match words.as_slice() {
        ["kubectl" | "k", "get" | "describe" | "logs", ..] | ["dig", ..] => Ok(()),
        _ => Err(format!(
            "{command:?} is not a query: a check runs only kubectl get, describe or logs, or dig"
        )),
    }
}

/// A check's default title: `always: at most 1 processes of app=web`.
pub fn describe_check(when: &When, c: &Condition) -> String {
    let what = describe_condition(c);
    match when {
        When::Always => format!("always: {what}"),
        When::Never => format!("never: {what}"),
        When::Eventually { within_ms: None } => format!("eventually: {what}"),
        When::Eventually {
            within_ms: Some(ms),
        } => format!(
            "within {}: {what}",
            crate::console::args::format_duration_ms(*ms)
        ),
        When::At { ms } => format!(
            "at {}: {what}",
            crate::console::args::format_duration_ms(*ms)
        ),
    }
}

/// What a condition expects, in words.
pub fn describe_condition(c: &Condition) -> String {
    match c {
        Condition::Query { command, expect } => match expect {
            Expect::Equals(s) => format!("`{command}` prints {s:?}"),
            Expect::Contains(s) => format!("`{command}` prints something containing {s:?}"),
            Expect::Matches(s) => format!("`{command}` prints a match of /{s}/"),
            Expect::Number(cmp) => format!("`{command}` prints a number {}", cmp.describe()),
        },
        Condition::Processes { app, count } => {
            format!("{} processes of app={app} run", count.describe())
        }
        Condition::PodOnNode { pod, node } => match pod {
            PodMatch::Name(p) => format!("pod {p} runs on {node}"),
            PodMatch::App(a) => format!("a pod of app={a} runs on {node}"),
        },
        Condition::VolumeWriters {
            namespace,
            claim,
            count,
        } => format!(
            "{} processes have claim {namespace}/{claim} mounted",
            count.describe()
        ),
        Condition::Leaders { lock, count } => match lock {
            Some(l) => format!("{} processes believe they hold {l}", count.describe()),
            None => format!("{} processes believe they hold a lock", count.describe()),
        },
    }
}
