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
pub mod run;
pub mod scale;
pub mod set;
pub mod wait;

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

/// Console settings: the files `kubectl apply -f NAME` can read, the default namespace, and the
/// shell a `kubectl exec -it POD -- sh` left open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Console {
    pub files: SortedMap<String, String>,
    pub namespace: String,
    /// While set, lines go to a shell in a container until `exit`.
    pub shell: std::cell::RefCell<Option<ExecSession>>,
}

/// An open `kubectl exec -it` shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecSession {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub cwd: String,
    /// `kubectl run --rm`: delete the pod when the shell exits (and say so unless `-q`).
    pub remove_on_exit: Option<bool>,
}

impl ExecSession {
    /// The prompt a shell in the container shows: `root@rg-0:/opt/logs#`.
    pub fn prompt(&self) -> String {
        format!("root@{}:{}#", self.pod, self.cwd)
    }
}

impl Default for Console {
    fn default() -> Self {
        Console {
            files: SortedMap::new(),
            namespace: "default".into(),
            shell: std::cell::RefCell::new(None),
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
        let open = self.shell.borrow().clone();
        if let Some(s) = open {
            return self.in_shell(target, s, line);
        }
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

impl Console {
    /// The prompt of the open shell, if any.
    pub fn prompt(&self) -> Option<String> {
        self.shell.borrow().as_ref().map(ExecSession::prompt)
    }

    /// A line typed at an open `kubectl exec -it` shell: the container runs it (`dig` is the
    /// console's own); `exit` closes the shell.
    fn in_shell(&self, target: &mut dyn Target, s: ExecSession, line: &str) -> Output {
        let t = line.trim();
        if t == "exit" || t.starts_with("exit ") {
            *self.shell.borrow_mut() = None;
            return Output::ok(remove_after(target, &s));
        }
        if t.is_empty() {
            return Output::ok("");
        }
        if let Some(rest) = t.strip_prefix("dig ") {
            let words = args::split_words(rest).unwrap_or_default();
            return dig::run(target.sim(), &words);
        }
        if let Some(rest) = t.strip_prefix("nslookup ") {
            let words = args::split_words(rest).unwrap_or_default();
            return dig::nslookup(target.sim(), &s.namespace, &words);
        }
        let result = target.apply(Command::Exec {
            namespace: s.namespace.clone(),
            pod: s.pod.clone(),
            container: Some(s.container.clone()),
            argv: vec!["sh".into(), "-c".into(), line.to_string()],
            cwd: s.cwd.clone(),
        });
        match result {
            Ok(Outcome::Exec(r)) => {
                if r.exited {
                    *self.shell.borrow_mut() = None;
                } else if let Some(open) = self.shell.borrow_mut().as_mut() {
                    open.cwd = r.cwd.clone();
                }
                let text = format!("{}{}", r.stdout, r.stderr);
                if r.code == 0 {
                    Output::ok(text)
                } else {
                    Output::err(text)
                }
            }
            Ok(o) => Output::ok(cmdutil::outcome_line(&o)),
            Err(e) => {
                // The pod or its node went away under the shell.
                *self.shell.borrow_mut() = None;
                Output::err(format!(
                    "{}command terminated with exit code 137\n",
                    sim_error_text(&e)
                ))
            }
        }
    }
}

/// `kubectl run --rm`: the pod goes once the attached session ends; kubectl says so unless
/// `-q`.
pub fn remove_after(target: &mut dyn Target, s: &ExecSession) -> String {
    let Some(quiet) = s.remove_on_exit else {
        return String::new();
    };
    let done = target.apply(Command::Delete {
        kind: crate::model::Kind::Pod,
        namespace: s.namespace.clone(),
        name: s.pod.clone(),
        options: Default::default(),
    });
    match (done, quiet) {
        (Ok(_), false) => format!("pod \"{}\" deleted\n", s.pod),
        (Ok(_), true) => String::new(),
        (Err(e), _) => sim_error_text(&e),
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
