//! The pack format described as data: every object, its fields, their types and their help
//! text. The reader (`read`) takes its field names, required fields and suggestions from
//! here, and `json_schema` prints the same description as JSON Schema for editors, so the
//! two cannot drift apart (docs/pack.schema.json is checked against it by a test).
//!
//! The help texts are only for the schema: the browser build leaves them out (they are
//! dropped when the tables are built, so their bytes never reach the wasm).

/// A field's type.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    Str,
    /// Markdown text (a string).
    Markdown,
    Int,
    /// `90s`, `5m50s`, `1h`.
    Duration,
    /// One of these words.
    Enum(&'static [&'static str]),
    /// A list of strings.
    Strings,
    /// A map from names to strings (files).
    StrMap,
    Obj(&'static Def),
    List(&'static Ty),
    /// Any of these.
    OneOf(&'static [Ty]),
}

/// One field of an object.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    #[cfg(not(target_arch = "wasm32"))]
    pub doc: &'static str,
}

/// An object: its name in the schema's `$defs`, its help text and its fields.
#[derive(Debug)]
pub struct Def {
    pub name: &'static str,
    #[cfg(not(target_arch = "wasm32"))]
    pub doc: &'static str,
    pub fields: &'static [Field],
}

impl Field {
    /// The help text (empty in the browser build, which leaves them out).
    pub fn help(&self) -> &'static str {
        #[cfg(not(target_arch = "wasm32"))]
        return self.doc;
        #[cfg(target_arch = "wasm32")]
        ""
    }
}

impl Def {
    /// The help text (empty in the browser build, which leaves them out).
    pub fn help(&self) -> &'static str {
        #[cfg(not(target_arch = "wasm32"))]
        return self.doc;
        #[cfg(target_arch = "wasm32")]
        ""
    }

    pub fn field_names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }

    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

#[cfg_attr(target_arch = "wasm32", allow(unused_variables))]
const fn f(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: false,
        #[cfg(not(target_arch = "wasm32"))]
        doc,
    }
}

#[cfg_attr(target_arch = "wasm32", allow(unused_variables))]
const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        name,
        ty,
        required: true,
        #[cfg(not(target_arch = "wasm32"))]
        doc,
    }
}

/// An object's table; the help text stays out of the browser build.
#[cfg_attr(target_arch = "wasm32", allow(unused_variables))]
const fn def(name: &'static str, doc: &'static str, fields: &'static [Field]) -> Def {
    Def {
        name,
        #[cfg(not(target_arch = "wasm32"))]
        doc,
        fields,
    }
}

/// The pack format's version, the value of `format`.
pub const FORMAT: &str = "podlab.dev/pack/v1";

pub static PACK: Def = def(
    "Pack",
    "An exercise pack for podlab: one YAML file with its metadata and its exercises.",
    &[
        req(
            "format",
            Ty::Enum(&[FORMAT]),
            "The pack format version: podlab.dev/pack/v1.",
        ),
        req(
            "id",
            Ty::Str,
            "A short name for the pack, lowercase words joined by dashes (stateless-course).",
        ),
        req("title", Ty::Str, "The pack's title."),
        req(
            "version",
            Ty::Str,
            "The pack's own version (1.0.0); a result names it.",
        ),
        f(
            "description",
            Ty::Markdown,
            "What the pack teaches (Markdown).",
        ),
        f("authors", Ty::Strings, "Who wrote it."),
        f(
            "license",
            Ty::Str,
            "The license of the pack's texts, as an SPDX name (CC-BY-4.0).",
        ),
        req(
            "exercises",
            Ty::List(&Ty::Obj(&EXERCISE)),
            "The exercises, in the order a learner meets them.",
        ),
    ],
);

pub static EXERCISE: Def = def(
    "Exercise",
    "One exercise: a cluster to start from, tasks with checks, hints and a reference solution.",
    &[
        req("id", Ty::Str, "Unique in the pack, lowercase words joined by dashes."),
        req("title", Ty::Str, "The exercise's title."),
        req("pattern", Ty::Enum(&["singleton", "stateless", "stateful"]), "The pattern the exercise is about."),
        f("concepts", Ty::Strings, "The Kubernetes concepts it practises (ReplicaSet, PodDisruptionBudget)."),
        f("predict", Ty::Obj(&PREDICT), "A question answered before the exercise starts; the answer is revealed after."),
        f("intro", Ty::Markdown, "What the learner reads first (Markdown)."),
        f("setup", Ty::Obj(&SCENARIO), "The cluster and what happens in it before the learner starts: a scenario (docs/scenarios.md)."),
        req("tasks", Ty::List(&Ty::Obj(&TASK)), "What the learner must achieve, each with checks."),
        f("hints", Ty::Strings, "Hints, revealed one at a time (Markdown)."),
        req("solution", Ty::Obj(&SOLUTION), "The reference solution: `podlab check` proves the tasks fail without it and pass with it."),
        f("debrief", Ty::Markdown, "What the learner reads after passing (Markdown)."),
        f("settle", Ty::Duration, "How long `podlab check` and `podlab grade` run the cluster on after the last command (default 5m)."),
    ],
);

pub static PREDICT: Def = def(
    "Predict",
    "A predict-then-reveal question.",
    &[
        req("prompt", Ty::Markdown, "The question (Markdown)."),
        req(
            "choices",
            Ty::Strings,
            "The possible answers, at least two.",
        ),
        req(
            "answer",
            Ty::Str,
            "The right answer: one of the choices, as written there.",
        ),
        req(
            "reveal",
            Ty::Markdown,
            "Why, shown after the learner answered (Markdown).",
        ),
    ],
);

pub static TASK: Def = def(
    "Task",
    "One thing to achieve; it passes when all its checks pass.",
    &[
        req("id", Ty::Str, "Unique in the exercise."),
        req("title", Ty::Markdown, "What to do (Markdown)."),
        req(
            "checks",
            Ty::List(&Ty::Obj(&CHECK)),
            "The checks, over the whole run.",
        ),
    ],
);

pub static CHECK: Def = def(
    "Check",
    "A condition and when it must hold: exactly one of always, never, eventually or at (with holds).",
    &[
        f("title", Ty::Str, "What the check means, for the learner."),
        f("always", Ty::Obj(&CONDITION), "Holds at every moment from the exercise's start on."),
        f("never", Ty::Obj(&CONDITION), "Holds at no moment from the exercise's start on."),
        f("eventually", Ty::Obj(&CONDITION), "Holds at some moment (within `within`, when given)."),
        f("within", Ty::Duration, "With eventually: at most this long after the exercise's start."),
        f("at", Ty::Duration, "The moment (simulated time, as in the setup's script) at which `holds` must hold."),
        f("holds", Ty::Obj(&CONDITION), "With at: the condition."),
    ],
);

const COMPARE_DOC: &str = "Compare a number: give any of atMost, atLeast and equals.";

pub static CONDITION: Def = def(
    "Condition",
    "A console query with what its output must be, or one named ground-truth measure.",
    &[
        f("query", Ty::Str, "A read-only console command: kubectl get, describe or logs, or dig."),
        f("jsonpath", Ty::Str, "With query (kubectl get): print this JSONPath ({.status.readyReplicas}) and compare its value."),
        f("equals", Ty::OneOf(&[Ty::Str, Ty::Int]), "With query: the output, without its trailing newline, is exactly this (a number compares as a number)."),
        f("contains", Ty::Str, "With query: the output contains this text."),
        f("matches", Ty::Str, "With query: the output matches this regular expression (the syntax that regex-lite and JavaScript read alike; see docs/packs.md)."),
        f("atLeast", Ty::Int, "With query: the output is a number at least this."),
        f("atMost", Ty::Int, "With query: the output is a number at most this."),
        f("processes", Ty::Obj(&PROCESSES), "The processes really running for pods labelled app=APP."),
        f("podOnNode", Ty::Obj(&POD_ON_NODE), "A process of the pod (or of a pod labelled app=APP) runs on the node."),
        f("volumeWriters", Ty::Obj(&VOLUME_WRITERS), "The processes that have a claim's volume mounted at once."),
        f("leaders", Ty::Obj(&LEADERS), "The processes that believe they hold a lock (leader election)."),
    ],
);

pub static PROCESSES: Def = def(
    "Processes",
    COMPARE_DOC,
    &[
        req("app", Ty::Str, "The pods' `app` label."),
        f("atMost", Ty::Int, "At most this many."),
        f("atLeast", Ty::Int, "At least this many."),
        f("equals", Ty::Int, "Exactly this many."),
    ],
);

pub static POD_ON_NODE: Def = def(
    "PodOnNode",
    "Give pod or app, and node.",
    &[
        f(
            "pod",
            Ty::Str,
            "The pod's name; a trailing * matches any suffix (web-*).",
        ),
        f("app", Ty::Str, "Any pod labelled app=APP."),
        req("node", Ty::Str, "The node."),
    ],
);

pub static VOLUME_WRITERS: Def = def(
    "VolumeWriters",
    COMPARE_DOC,
    &[
        req("claim", Ty::Str, "The PersistentVolumeClaim."),
        f("namespace", Ty::Str, "The claim's namespace (default)."),
        f("atMost", Ty::Int, "At most this many."),
        f("atLeast", Ty::Int, "At least this many."),
        f("equals", Ty::Int, "Exactly this many."),
    ],
);

pub static LEADERS: Def = def(
    "Leaders",
    COMPARE_DOC,
    &[
        f("lock", Ty::Str, "The lock as `lab ps` names it (lease/default/NAME); without it, the lock with the most believers."),
        f("atMost", Ty::Int, "At most this many."),
        f("atLeast", Ty::Int, "At least this many."),
        f("equals", Ty::Int, "Exactly this many."),
    ],
);

pub static SOLUTION: Def = def(
    "Solution",
    "The reference solution: files to offer the console, and console lines to run.",
    &[
        f(
            "files",
            Ty::StrMap,
            "File name to text, for `kubectl apply -f NAME`.",
        ),
        req(
            "run",
            Ty::List(&Ty::OneOf(&[Ty::Str, Ty::Obj(&SOLUTION_STEP)])),
            "Console lines, each run right after the one before, or after a wait.",
        ),
    ],
);

pub static SOLUTION_STEP: Def = def(
    "SolutionStep",
    "A console line run after a wait.",
    &[
        f(
            "after",
            Ty::Duration,
            "Simulated time to let pass before the line runs.",
        ),
        req("run", Ty::Str, "The console line."),
    ],
);

// The scenario format (src/scenario), described for editors; its own reader checks it.

pub static SCENARIO: Def = def(
    "Scenario",
    "A scenario: the cluster, files for the console and a script (docs/scenarios.md).",
    &[
        f(
            "seed",
            Ty::Int,
            "The seed of all randomness in the run (default 0).",
        ),
        f("description", Ty::Str, "Free text."),
        f("cluster", Ty::Obj(&CLUSTER), "The nodes and timing."),
        f(
            "files",
            Ty::StrMap,
            "File name to text, for `kubectl apply -f NAME`.",
        ),
        f(
            "script",
            Ty::List(&Ty::Obj(&SCRIPT_ENTRY)),
            "Console lines at simulated times, in time order.",
        ),
        f(
            "until",
            Ty::Duration,
            "Run on to this time after the script.",
        ),
    ],
);

pub static CLUSTER: Def = def(
    "Cluster",
    "The worker nodes and the control plane's timing.",
    &[
        f(
            "nodes",
            Ty::OneOf(&[Ty::Int, Ty::List(&Ty::OneOf(&[Ty::Str, Ty::Obj(&NODE)]))]),
            "A number of nodes, or a list of names or node objects (default 3).",
        ),
        f(
            "timing",
            Ty::StrMap,
            "Timing overrides (docs/scenarios.md, Timing).",
        ),
    ],
);

pub static NODE: Def = def(
    "Node",
    "A worker node.",
    &[
        req("name", Ty::Str, "The node's name."),
        f("zone", Ty::Str, "topology.kubernetes.io/zone."),
        f("labels", Ty::StrMap, "The node's labels."),
        f("capacity", Ty::StrMap, "cpu, memory (quantities) and pods."),
        f(
            "taints",
            Ty::List(&Ty::OneOf(&[Ty::Str, Ty::StrMap])),
            "key=value:Effect, or {key, value, effect}.",
        ),
    ],
);

pub static SCRIPT_ENTRY: Def = def(
    "ScriptEntry",
    "One console line at a simulated time.",
    &[
        req(
            "at",
            Ty::Duration,
            "Simulated time since the cluster started.",
        ),
        req("run", Ty::Str, "The console line."),
    ],
);

/// Every object, in the order the schema lists them.
pub static DEFS: &[&Def] = &[
    &PACK,
    &EXERCISE,
    &PREDICT,
    &TASK,
    &CHECK,
    &CONDITION,
    &PROCESSES,
    &POD_ON_NODE,
    &VOLUME_WRITERS,
    &LEADERS,
    &SOLUTION,
    &SOLUTION_STEP,
    &SCENARIO,
    &CLUSTER,
    &NODE,
    &SCRIPT_ENTRY,
];

/// The closest field name to a mistyped `key` (the scenario reader's, shared).
pub use crate::scenario::suggest;

/// The format as JSON Schema (draft 2020-12), pretty-printed with two spaces.
pub fn json_schema() -> String {
    let mut out = String::new();
    out.push_str("{\n");
    out.push_str("  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n");
    out.push_str("  \"$id\": \"https://podlab.dev/pack.schema.json\",\n");
    out.push_str(&format!(
        "  \"title\": {},\n",
        quote("podlab exercise pack")
    ));
    out.push_str(&format!("  \"description\": {},\n", quote(PACK.help())));
    out.push_str("  \"$ref\": \"#/$defs/Pack\",\n");
    out.push_str("  \"$defs\": {\n");
    for (i, def) in DEFS.iter().enumerate() {
        out.push_str(&format!("    {}: ", quote(def.name)));
        object(&mut out, def, 4);
        out.push_str(if i + 1 < DEFS.len() { ",\n" } else { "\n" });
    }
    out.push_str("  }\n}\n");
    out
}

fn object(out: &mut String, def: &Def, indent: usize) {
    let pad = " ".repeat(indent + 2);
    out.push_str("{\n");
    out.push_str(&format!("{pad}\"type\": \"object\",\n"));
    out.push_str(&format!("{pad}\"description\": {},\n", quote(def.help())));
    out.push_str(&format!("{pad}\"additionalProperties\": false,\n"));
    let required: Vec<String> = def
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| quote(f.name))
        .collect();
    if !required.is_empty() {
        out.push_str(&format!("{pad}\"required\": [{}],\n", required.join(", ")));
    }
    out.push_str(&format!("{pad}\"properties\": {{\n"));
    for (i, field) in def.fields.iter().enumerate() {
        out.push_str(&format!("{pad}  {}: ", quote(field.name)));
        let mut ty = ty_schema(&field.ty);
        ty.insert(0, ("description".into(), quote(field.help())));
        write_map(out, &ty);
        out.push_str(if i + 1 < def.fields.len() {
            ",\n"
        } else {
            "\n"
        });
    }
    out.push_str(&format!("{pad}}}\n"));
    out.push_str(&" ".repeat(indent));
    out.push('}');
}

/// A type's schema as (key, JSON value) pairs, printed on one line.
fn ty_schema(ty: &Ty) -> Vec<(String, String)> {
    let s = |k: &str, v: &str| (k.to_string(), v.to_string());
    match ty {
        Ty::Str => vec![s("type", "\"string\"")],
        Ty::Markdown => vec![
            s("type", "\"string\""),
            s("contentMediaType", "\"text/markdown\""),
        ],
        Ty::Int => vec![s("type", "\"integer\"")],
        Ty::Duration => vec![
            s("type", "\"string\""),
            s("pattern", &quote("^(0|([0-9]+(ms|s|m|h|d))+)$")),
        ],
        Ty::Enum(words) => {
            let list: Vec<String> = words.iter().map(|w| quote(w)).collect();
            vec![s("enum", &format!("[{}]", list.join(", ")))]
        }
        Ty::Strings => vec![s("type", "\"array\""), s("items", "{\"type\": \"string\"}")],
        Ty::StrMap => vec![s("type", "\"object\"")],
        Ty::Obj(def) => vec![s("$ref", &quote(&format!("#/$defs/{}", def.name)))],
        Ty::List(item) => vec![s("type", "\"array\""), s("items", &inline(item))],
        Ty::OneOf(tys) => {
            let list: Vec<String> = tys.iter().map(inline).collect();
            vec![s("anyOf", &format!("[{}]", list.join(", ")))]
        }
    }
}

fn inline(ty: &Ty) -> String {
    let mut out = String::new();
    write_map(&mut out, &ty_schema(ty));
    out
}

fn write_map(out: &mut String, pairs: &[(String, String)]) {
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&format!("{}: {v}", quote(k)));
    }
    out.push('}');
}

/// A JSON string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
