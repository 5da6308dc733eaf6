//! The console: one command language for the UI, scenario scripts, exercise checks and the CLI.
//! A line is `kubectl ...`, `dig ...` or `lab ...`; the result is the text a terminal would show.

// Layers, bottom to top; a module uses only its own layer or those below, and the items of this
// file. Verbs do not use each other: what two of them need is in `cmdutil`.
//
// - `args`, `table`, `print`, `jsonpath`, `template`: words and flags, columns, YAML/JSON,
//   JSONPath, Go templates
// - `cmdutil`: what the verbs share
// - the programs and verbs: `dig`, `lab`, and kubectl's `get`, `describe`, `edit`, `apply`
//   (and create, replace, patch), `delete`, `scale`, `label` (and annotate), `node` (cordon,
//   uncordon, taint, drain), `rollout`, `run`, `set`, `wait`, `exec`, `logs`
// - `watch`: `get -w` and the host's `watch`, which stay open while time runs
// - `kubectl`: reads the verb and dispatches
pub mod args;
pub mod jsonpath;
pub mod print;
pub mod table;
pub mod template;

pub mod book;
pub mod cmdutil;

pub mod apply;
pub mod delete;
pub mod describe;
pub mod dig;
pub mod edit;
pub mod exec;
pub mod get;
pub mod host;
pub mod lab;
pub mod label;
pub mod logs;
pub mod node;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod wait;

pub mod watch;

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
    /// A `kubectl get -w` or `watch CMD` that prints changes while time runs, until stopped.
    pub watch: std::cell::RefCell<Option<watch::Watch>>,
    /// Whether an editor is at hand for `kubectl edit` (the lab's page; not `podlab run`).
    pub editor: bool,
    /// Whether `rollout status` and `wait` stay open as a watch while the page runs time a
    /// frame at a time (issue 16), rather than running simulated time in one go.
    pub waits_open: bool,
    /// The object `kubectl edit` handed to the editor, until the editor takes it.
    pub edit: std::cell::RefCell<Option<edit::Edit>>,
    /// The cluster `kind` or `minikube` asked for, until the console's host rebuilds the lab's
    /// cluster with it.
    pub new_cluster: std::cell::RefCell<Option<host::NewCluster>>,
    /// The host shell's variables (`url=$(cat /tmp/random-url.txt)`, then `curl -s $url`).
    pub vars: std::cell::RefCell<SortedMap<String, String>>,
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
            watch: std::cell::RefCell::new(None),
            editor: false,
            waits_open: false,
            edit: std::cell::RefCell::new(None),
            new_cluster: std::cell::RefCell::new(None),
            vars: std::cell::RefCell::new(SortedMap::new()),
        }
    }
}

impl Console {
    pub fn new() -> Self {
        Console::default()
    }

    /// `$NAME` and `${NAME}` outside single quotes, from the host shell's variables; an unset
    /// one stays as typed (sh would make it empty, but then a go-template's `$i` in double
    /// quotes would break). `$(` is left for command substitution.
    fn expand_vars(&self, line: &str) -> String {
        let vars = self.vars.borrow();
        let mask = outside_single_quotes(line);
        let mut out = String::with_capacity(line.len());
        let mut i = 0;
        while i < line.len() {
            let c = line[i..].chars().next().unwrap_or(' ');
            if c == '$' && mask.as_bytes().get(i) == Some(&b'$') {
                let after = &line[i + 1..];
                let (name, used) = if let Some(braced) = after.strip_prefix('{') {
                    match braced.find('}') {
                        Some(end) => (&braced[..end], end + 2),
                        None => ("", 0),
                    }
                } else {
                    let end = after
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(after.len());
                    (&after[..end], end)
                };
                // Only variables the learner set: a template's `$i` in double quotes stays.
                if let Some(value) = vars.get(name) {
                    out.push_str(value);
                    i += 1 + used;
                    continue;
                }
            }
            out.push(c);
            i += c.len_utf8();
        }
        out
    }

    /// The cluster a `kind` or `minikube` line asked for, once.
    pub fn take_new_cluster(&self) -> Option<host::NewCluster> {
        self.new_cluster.borrow_mut().take()
    }

    /// Runs one command line. Errors are printed as the real tools print them; nothing panics
    /// and a failed command leaves the cluster as it was.
    pub fn run(&self, target: &mut dyn Target, line: &str) -> Output {
        let open = self.shell.borrow().clone();
        if let Some(s) = open {
            return self.in_shell(target, s, line);
        }
        // `A; B` and `for NAME in WORDS; do A; B; done`, as the StatefulSet tutorial types them.
        let parts = top_level(line, ';');
        if parts.len() > 1 {
            return self.sequence(target, &parts);
        }
        // The few host-shell forms the book's guides use: `$(...)`, `| head -N` inside it,
        // a trailing `&`, output sent to /dev/null, and `watch CMD`.
        let line = match self.host_shell(target, line) {
            Ok(HostLine::Run(l)) => l,
            Ok(HostLine::Quiet(l)) => {
                let out = self.run(target, &l);
                return Output {
                    text: String::new(),
                    ok: out.ok,
                };
            }
            Ok(HostLine::Watch(l, every)) => {
                let (out, w) = watch::repeat(self, target, line.trim(), &l, every);
                *self.watch.borrow_mut() = Some(w);
                return out;
            }
            Ok(HostLine::ToFile(l, file)) => {
                let out = self.run(target, &l);
                self.vars
                    .borrow_mut()
                    .insert(format!("file:{file}"), out.text);
                return Output {
                    text: String::new(),
                    ok: out.ok,
                };
            }
            Ok(HostLine::Assign(name, value)) => {
                self.vars.borrow_mut().insert(name, value);
                return Output::ok("");
            }
            Ok(HostLine::Piped(l, stdin)) => {
                return match args::split_words(&l) {
                    Ok(words) if l.starts_with("kind") => {
                        host::run(self, target, line, &words, Some(&stdin))
                    }
                    Ok(words) => host::curl(target, &words, true),
                    Err(e) => Output::err(format!(
                        "error: {e}
"
                    )),
                }
            }
            Err(o) => return o,
        };
        let line = line.as_str();
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
            // The cluster is the lab's own: its nodes come from the page or a scenario's
            // `cluster:`; this console does not rebuild it.
            "kind" | "minikube" => host::run(self, target, line, &words, None),
            "curl" => host::curl(target, &words, false),
            "pwd" => Output::ok(format!("{}\n", host::HOST_DIR)),
            "echo" => Output::ok(format!("{}\n", rest.join(" "))),
            "cat" => match rest.first() {
                Some(f) => match self.vars.borrow().get(&format!("file:{f}")) {
                    Some(text) => Output::ok(text.clone()),
                    None => Output::err(format!("cat: {f}: No such file or directory\n")),
                },
                None => Output::err("cat: reading from the terminal is not supported here\n"),
            },
            other => Output::err(format!(
                "{other}: command not found (this console runs kubectl, dig, lab, kind, minikube and curl)\n"
            )),
        }
    }
}

impl Console {
    /// Commands separated by `;`, one after the other; a `for` loop sets its variable to each
    /// word in turn (it keeps the last, as sh does) and runs the body. The status is the last
    /// command's. As in sh, a line that does not parse runs nothing.
    fn sequence(&self, target: &mut dyn Target, parts: &[String]) -> Output {
        // Each command to run, after setting a loop's variable to a word.
        let mut steps: Vec<(Option<(&str, String)>, &str)> = Vec::new();
        let mut i = 0;
        while i < parts.len() {
            let part = parts[i].trim();
            i += 1;
            let Some(head) = part.strip_prefix("for ") else {
                steps.push((None, part));
                continue;
            };
            let done = parts[i..].iter().position(|p| p.trim() == "done");
            let first = parts
                .get(i)
                .and_then(|p| p.trim_start().strip_prefix("do "));
            let (Some((name, words)), Some(done), Some(first)) =
                (head.split_once(" in "), done, first)
            else {
                return Output::err(
                    "bash: syntax error: a loop is `for NAME in WORDS; do ...; done`\n",
                );
            };
            // The words as typed, split at spaces (cheaper in the bundle than sh's full rules).
            for w in words.split_whitespace().map(str::to_string) {
                steps.push((Some((name.trim(), w)), first));
                for cmd in &parts[i + 1..i + done] {
                    steps.push((None, cmd));
                }
            }
            i += done + 1;
        }
        let mut out = Output::ok("");
        for (var, cmd) in steps {
            if let Some((name, word)) = var {
                self.vars.borrow_mut().insert(name.to_string(), word);
            }
            if !cmd.trim().is_empty() {
                let o = self.run(target, cmd.trim());
                out.text.push_str(&o.text);
                out.ok = o.ok;
            }
        }
        out
    }
}

/// A console line after the host shell's part of it.
enum HostLine {
    Run(String),
    /// Its output went to /dev/null.
    Quiet(String),
    /// `watch [-n SECONDS] CMD`: the command and its interval in ms.
    Watch(String, u64),
    /// `curl -s URL | kind create cluster --config -` (the command and the text piped in), or
    /// `curl URL | jq .` (the curl command).
    Piped(String, String),
    /// `CMD > FILE`: the output goes to a file of the host (`cat FILE` reads it).
    ToFile(String, String),
    /// `NAME=VALUE`: a variable of the host shell.
    Assign(String, String),
}

/// `line` with the characters inside single quotes replaced by `_`: where `$(...)` and `$NAME`
/// still count (the shell expands them inside double quotes).
fn outside_single_quotes(line: &str) -> String {
    let mut single = false;
    line.chars()
        .map(|c| {
            let masked = single && c != '\'';
            if c == '\'' {
                single = !single;
            }
            if masked {
                "_".repeat(c.len_utf8())
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `line` with every quoted character replaced by `_`, so the host shell's syntax is found
/// only outside quotes (byte positions stay the same).
fn unquoted(line: &str) -> String {
    let (mut single, mut double) = (false, false);
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        let quote_char = (c == '\'' && !double) || (c == '"' && !single);
        if c == '\'' && !double {
            single = !single;
        } else if c == '"' && !single {
            double = !double;
        }
        if (single || double) && !quote_char {
            for _ in 0..c.len_utf8() {
                out.push('_');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits `line` at its top-level `sep` (`|` or `;`), outside quotes and `$(...)`.
fn top_level(line: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let (mut single, mut double, mut depth) = (false, false, 0u32);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '$' if !single && chars.get(i + 1) == Some(&'(') => {
                depth += 1;
                parts.last_mut().expect("one part").push_str("$(");
                i += 2;
                continue;
            }
            ')' if !single && depth > 0 => depth -= 1,
            c if c == sep && !single && !double && depth == 0 => {
                parts.push(String::new());
                i += 1;
                continue;
            }
            _ => {}
        }
        parts.last_mut().expect("one part").push(c);
        i += 1;
    }
    parts
}

impl Console {
    /// Reads the host-shell forms of a line (`$(kubectl ... | head -1)`, `&`, `>/dev/null`,
    /// `watch`); anything else with a pipe gets a message that says what to type instead.
    fn host_shell(&self, target: &mut dyn Target, line: &str) -> Result<HostLine, Output> {
        let mut line = line.trim().to_string();
        if let Some(rest) = line.strip_prefix("watch ") {
            let rest = rest.trim_start();
            // `watch -n SECONDS CMD` (tenths allowed, at least 0.1 s, as procps' watch).
            let (interval, rest) = match rest.strip_prefix("-n ") {
                Some(r) => {
                    let (n, cmd) = r.trim_start().split_once(' ').unwrap_or((r, ""));
                    let (whole, tenth) = n.split_once('.').unwrap_or((n, "0"));
                    let ms = whole
                        .parse::<u64>()
                        .ok()
                        .zip(tenth.get(..1).and_then(|t| t.parse::<u64>().ok()));
                    match ms {
                        Some((w, t)) => ((w.saturating_mul(1000) + t * 100).max(100), cmd),
                        None => {
                            return Err(Output::err(format!(
                                "watch: failed to parse argument: '{n}'\n"
                            )))
                        }
                    }
                }
                None => (watch::WATCH_INTERVAL_MS, rest),
            };
            return Ok(HostLine::Watch(rest.trim().to_string(), interval));
        }
        if unquoted(&line).ends_with('&') && !line.ends_with("&&") {
            line.pop();
            line = line.trim_end().to_string();
        }
        let mut quiet = false;
        for redirect in [
            "2>&1",
            ">/dev/null",
            "> /dev/null",
            "2>/dev/null",
            "&>/dev/null",
        ] {
            while let Some(at) = unquoted(&line).find(redirect) {
                quiet |= redirect.contains("/dev/null");
                line.replace_range(at..at + redirect.len(), " ");
            }
        }
        // `CMD > FILE` (not /dev/null, handled above).
        if let Some(at) = unquoted(&line).rfind('>') {
            let file = line[at + 1..].trim().to_string();
            if !file.is_empty() && !file.contains(' ') && !line[..at].ends_with('2') {
                let cmd = line[..at].trim().to_string();
                return Ok(HostLine::ToFile(cmd, file));
            }
        }
        // `$NAME` and `${NAME}` outside single quotes.
        let line = self.expand_vars(line.trim());
        let stages = top_level(&line, '|');
        if let [from, to] = stages.as_slice() {
            let (from, to) = (from.trim(), to.trim());
            if from.starts_with("curl ") && to.starts_with("kind ") {
                let url = from
                    .split_whitespace()
                    .find(|w| w.starts_with("http"))
                    .unwrap_or("");
                return match book::fetch(url) {
                    Ok(text) => Ok(HostLine::Piped(to.to_string(), text.to_string())),
                    Err(e) => Err(Output::err(e)),
                };
            }
            if from.starts_with("curl ") && (to == "jq ." || to == "jq") {
                return Ok(HostLine::Piped(from.to_string(), String::new()));
            }
        }
        if stages.len() > 1 {
            return Err(Output::err(
                "error: this console runs one command at a time, without pipes: select with `-l`, `--field-selector`, `-o name` or `-o jsonpath=...` instead\n",
            ));
        }
        // `$(CMD)` and `$(CMD | head -N)` / `| tail -N`: replaced by CMD's output words.
        let mut out = String::new();
        let mut rest = line.as_str();
        while let Some(start) = outside_single_quotes(rest).find("$(") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let mut depth = 1;
            let mut end = None;
            for (i, c) in after.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let Some(end) = end else {
                return Err(Output::err("error: unterminated $(...)\n"));
            };
            let inner = &after[..end];
            let stages = top_level(inner, '|');
            let result = self.run(target, stages[0].trim());
            if !result.ok {
                return Err(result);
            }
            let mut lines: Vec<&str> = result.text.lines().collect();
            for stage in &stages[1..] {
                let words: Vec<&str> = stage.split_whitespace().collect();
                let n = |w: &[&str]| -> usize {
                    w.iter()
                        .find_map(|x| {
                            x.trim_start_matches('-')
                                .trim_start_matches('n')
                                .parse()
                                .ok()
                        })
                        .unwrap_or(10)
                };
                match words.first() {
                    Some(&"head") => lines.truncate(n(&words[1..])),
                    Some(&"tail") => {
                        let k = n(&words[1..]);
                        lines = lines[lines.len().saturating_sub(k)..].to_vec();
                    }
                    _ => {
                        return Err(Output::err(format!(
                            "error: inside $(...) this console pipes only to head and tail, not \"{}\"\n",
                            stage.trim()
                        )))
                    }
                }
            }
            out.push_str(&lines.join(" "));
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        if let Some((name, value)) = out.split_once('=') {
            let is_name = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if is_name {
                let value = value.trim().trim_matches('"').trim_matches('\'');
                return Ok(HostLine::Assign(name.to_string(), value.to_string()));
            }
        }
        Ok(if quiet {
            HostLine::Quiet(out)
        } else {
            HostLine::Run(out)
        })
    }

    /// What the open watch prints for the changes since it last looked, and the command it
    /// belongs to; `None` when no watch is open or nothing it shows changed.
    pub fn poll_watch(&self, sim: &Sim) -> Option<(String, String)> {
        self.poll_watch_status(sim)
            .map(|(line, text, _)| (line, text))
    }

    /// `poll_watch`, with the exit status: a waiting command (`rollout status`, `wait`) that
    /// ended closes here, failed if it timed out.
    pub fn poll_watch_status(&self, sim: &Sim) -> Option<(String, String, bool)> {
        // Taken out while it runs: `watch CMD` runs CMD through this console.
        let mut open = self.watch.borrow_mut().take()?;
        let text = open.poll(self, sim);
        let line = open.line.clone();
        let ended = open.ended;
        if ended.is_none() {
            *self.watch.borrow_mut() = Some(open);
        }
        (!text.is_empty()).then_some((line, text, ended.unwrap_or(true)))
    }

    /// When the open waiting command (`rollout status`, `wait`) looks for the last time: the
    /// page runs time toward it, a frame at a time.
    pub fn wait_deadline(&self) -> Option<u64> {
        self.watch
            .borrow()
            .as_ref()
            .and_then(watch::Watch::deadline)
    }

    /// Ends the open watch (Ctrl+C); returns its command.
    pub fn stop_watch(&self) -> Option<String> {
        self.watch.borrow_mut().take().map(|w| w.line)
    }

    /// The open watch skips what happened up to now (the run was scrubbed, not played).
    pub fn skip_watch(&self, sim: &Sim) {
        if let Some(w) = self.watch.borrow_mut().as_mut() {
            w.skip(sim);
        }
    }

    /// The command of the open watch.
    pub fn watching(&self) -> Option<String> {
        self.watch.borrow().as_ref().map(|w| w.line.clone())
    }

    /// When the open `watch CMD` runs next (simulated ms).
    pub fn watch_tick(&self) -> Option<u64> {
        self.watch.borrow().as_ref().and_then(|w| w.next_tick())
    }

    /// With a watch open, moves `timeline` to the next moment the watch must see (the next
    /// event, or `watch`'s next run) if that is not after `t`, so it sees each state as kubectl
    /// sees each watch event. Returns whether it moved.
    pub fn watch_step(&self, timeline: &mut Timeline, t: u64) -> bool {
        if self.watching().is_none() {
            return false;
        }
        let next = timeline.sim().next_event_time();
        let stop = match (next, self.watch_tick()) {
            (Some(n), Some(k)) => n.min(k),
            (n, k) => n.or(k).unwrap_or(u64::MAX),
        };
        if stop > t {
            return false;
        }
        if next == Some(stop) {
            timeline.step();
        } else {
            timeline.run_to(stop);
        }
        true
    }

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
        // kubectl's checkErr words a validation error itself (cmd/util/helpers.go).
        SimError::Api(crate::sim::ApiError::Invalid { kind, name, causes }) => {
            let detail = match causes.as_slice() {
                [one] => one.clone(),
                many => many.iter().map(|c| format!("\n* {c}")).collect::<String>(),
            };
            format!("The {} {name:?} is invalid: {detail}\n", kind.name())
        }
        SimError::Api(api) if api.reason().is_empty() => format!("Error from server: {api}\n"),
        SimError::Api(api) => format!("Error from server ({}): {api}\n", api.reason()),
        other => format!("error: {other}\n"),
    }
}
