//! The console: one command language for the UI, scenario scripts, exercise checks and the CLI.
//! A line is `kubectl ...`, `dig ...` or `lab ...`; the result is the text a terminal would show.

// Layers, bottom to top; a module uses only its own layer or those below, and the items of this
// file. Verbs do not use each other: what two of them need is in `cmdutil`.
//
// - `args`, `table`, `print`, `jsonpath`: words and flags, columns, YAML/JSON, JSONPath
// - `cmdutil`: what the verbs share
// - the programs and verbs: `dig`, `lab`, and kubectl's `get`, `describe`, `apply`, `delete`,
//   `scale`, `label` (and annotate), `node` (cordon, uncordon, taint, drain), `rollout`,
//   `exec`, `logs`
// - `kubectl`: reads the verb and dispatches
pub mod args;
pub mod jsonpath;
pub mod print;
pub mod table;

pub mod cmdutil;

pub mod apply;
pub mod delete;
pub mod describe;
pub mod dig;
pub mod exec;
pub mod get;
pub mod lab;
pub mod label;
pub mod logs;
pub mod node;
pub mod rollout;
pub mod scale;

pub mod kubectl;

use crate::sorted::SortedMap;

use crate::sim::{Command, Outcome, Sim, SimError, Timeline};

/// What a console command runs against: a bare `Sim`, or a `Timeline` that records commands
/// so a run can be replayed and scrubbed.
pub trait Target {
    fn sim(&self) -> &Sim;
    fn apply(&mut self, command: Command) -> Result<Outcome, SimError>;
    /// Runs simulated time forward (a drain or `lab wait`).
    fn run_for(&mut self, ms: u64);
}

impl Target for Sim {
    fn sim(&self) -> &Sim {
        self
    }
    fn apply(&mut self, command: Command) -> Result<Outcome, SimError> {
        Sim::apply(self, command)
    }
    fn run_for(&mut self, ms: u64) {
        Sim::run_for(self, ms)
    }
}

impl Target for Timeline {
    fn sim(&self) -> &Sim {
        Timeline::sim(self)
    }
    fn apply(&mut self, command: Command) -> Result<Outcome, SimError> {
        Timeline::apply(self, command)
    }
    fn run_for(&mut self, ms: u64) {
        Timeline::run_for(self, ms)
    }
}

/// The text a command printed, and whether it succeeded (a shell's exit status 0).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
    pub text: String,
    pub ok: bool,
}

impl Output {
    pub fn ok(text: impl Into<String>) -> Self {
        Output {
            text: text.into(),
            ok: true,
        }
    }

    pub fn err(text: impl Into<String>) -> Self {
        Output {
            text: text.into(),
            ok: false,
        }
    }
}

/// Console settings: the files `kubectl apply -f NAME` can read, and the default namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Console {
    pub files: SortedMap<String, String>,
    pub namespace: String,
}

impl Default for Console {
    fn default() -> Self {
        Console {
            files: SortedMap::new(),
            namespace: "default".into(),
        }
    }
}

impl Console {
    pub fn new() -> Self {
        Console::default()
    }

    /// Runs one command line. Errors are printed as the real tools print them; nothing panics
    /// and a failed command leaves the cluster as it was.
    pub fn run(&self, target: &mut dyn Target, line: &str) -> Output {
        let words = match args::split_words(line) {
            Ok(w) => w,
            Err(e) => return Output::err(format!("error: {e}\n")),
        };
        let Some((program, rest)) = words.split_first() else {
            return Output::ok("");
        };
        match program.as_str() {
            "kubectl" | "k" => kubectl::run(self, target, rest),
            "dig" => dig::run(target.sim(), rest),
            "lab" => lab::run(self, target, rest),
            other => Output::err(format!(
                "{other}: command not found (this console runs kubectl, dig and lab)\n"
            )),
        }
    }
}

/// Prints a simulation error as kubectl does (`Error from server (NotFound): ...`).
pub fn sim_error_text(e: &SimError) -> String {
    match e {
        SimError::Api(api) if api.reason().is_empty() => format!("Error from server: {api}\n"),
        SimError::Api(api) => format!("Error from server ({}): {api}\n", api.reason()),
        other => format!("error: {other}\n"),
    }
}
