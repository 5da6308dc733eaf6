//! The simulated programs that run in containers, one module per program.
//!
//! A program sees only its [`Host`]: its environment, its clocks, stdout, the files under its
//! mounts, a random source and timers. It never sees the engine, so each program can be read
//! (and tested) alone; `sim::runtime` is the container runtime that implements `Host` over the
//! ground truth. docs/apps.md lists every image the lab recognises.
//!
//! Hooks, in the order a process meets them: [`App::start`] once, [`App::tick`] when a timer it
//! set fires, [`App::http`] for each request that reaches it, and [`App::sigterm`] when the
//! kubelet asks it to stop. SIGKILL needs no hook: the process is gone. While a process is
//! paused (SIGSTOP) the runtime holds its timers and signals and delivers them on resume.

pub mod dapr_lock;
pub mod generic;
pub mod leader_elector;
pub mod nginx;
pub mod random_generator;
pub mod shell;
pub mod sleeper;
pub mod zk_lock;

use crate::model::{Container, Kind, Object, ObjectRef};

pub use dapr_lock::DaprLockClient;
pub use generic::Generic;
pub use leader_elector::LeaderElector;
pub use nginx::Nginx;
pub use random_generator::RandomGenerator;
pub use sleeper::Sleeper;
pub use zk_lock::ZkLockClient;

/// The timer the runtime fires on a process when a ZooKeeper watch it set triggers (ref §7.5).
/// Programs number their own timers below it.
pub const WATCH_TIMER: u32 = u32::MAX;

/// What a program may do and know. Implemented by the container runtime.
pub trait Host {
    /// True simulated time in ms (what the trace and log timestamps use).
    fn now(&self) -> u64;
    /// The process's own instance id (a random UID given at start).
    fn id(&self) -> &str;
    /// An environment variable as the kubelet resolved it.
    fn env(&self, name: &str) -> Option<&str>;
    /// A number in `0..n` from the engine's seeded RNG.
    fn random_below(&mut self, n: u64) -> u64;
    /// Writes one line to stdout (the container log) now.
    fn stdout(&mut self, line: String);
    /// Appends one line to the file at `path` inside the container. Only files under a volume
    /// mount outlive the container (and are what the lab shows); returns whether it landed on one.
    fn append_file(&mut self, path: &str, line: String) -> bool;
    /// Reads the file at `path` inside the container.
    fn read_file(&self, path: &str) -> FileRead;
    /// The file at an absolute `path`, on a volume or in the container's writable layer.
    fn read_any(&self, path: &str) -> Option<String>;
    /// Writes (or with `append`, appends) `text` to the file at an absolute `path`.
    fn write_file(&mut self, path: &str, text: &str, append: bool);
    /// Removes a file; false if there was none.
    fn remove_file(&mut self, path: &str) -> bool;
    /// The names in a directory, sorted; None if it is not one.
    fn list_dir(&self, path: &str) -> Option<Vec<String>>;
    /// The pod's hostname.
    fn hostname(&self) -> String;
    /// Every environment variable, by name.
    fn env_all(&self) -> Vec<(String, String)>;
    /// `curl URL` from inside the pod: the body, or curl's exit code and message.
    fn http_get(&mut self, url: &str) -> Result<String, (i32, String)>;
    /// Asks for [`App::tick`] with `timer` after `delay_ms` of the process's running time, as
    /// its machine's clock counts it (a clock that runs fast fires early).
    fn set_timer(&mut self, delay_ms: u64, timer: u32);

    /// The machine's wall clock in ms (true time plus the machine's skew): what the program
    /// writes into timestamps.
    fn wall_clock(&self) -> u64 {
        self.now()
    }
    /// The machine's monotonic clock in ms (true time scaled by its rate skew, without the
    /// offset): what the program measures durations with, as Go's `time.Since` does.
    fn monotonic(&self) -> u64 {
        self.now()
    }
    /// The namespace of the process's pod.
    fn pod_namespace(&self) -> String {
        "default".into()
    }
    /// `GET` of a Lease or ConfigMap through the API server.
    fn api_get(
        &mut self,
        _kind: Kind,
        _namespace: &str,
        _name: &str,
    ) -> Result<Object, ClientError> {
        Err(ClientError::Timeout)
    }
    /// `POST` of a Lease or ConfigMap; returns the stored object.
    fn api_create(&mut self, _obj: Object) -> Result<Object, ClientError> {
        Err(ClientError::Timeout)
    }
    /// `PUT` of a Lease or ConfigMap, with its `resourceVersion` as a precondition (409 when it
    /// is stale); returns the stored object.
    fn api_update(&mut self, _obj: Object) -> Result<Object, ClientError> {
        Err(ClientError::Timeout)
    }
    /// Records a Normal Event on `involved` (lost when the API server cannot be reached).
    fn api_event(&mut self, _involved: &ObjectRef, _reason: &'static str, _message: &str) {}
    /// A leader's work reaches the resource that `lock` protects, carrying `token` when the
    /// program fences. Returns whether the resource accepted it (it refuses a token lower than
    /// one it has seen); the ground truth keeps every write.
    fn protected_write(
        &mut self,
        _lock: &str,
        _identity: &str,
        _token: Option<i64>,
        _text: String,
    ) -> bool {
        true
    }
    /// Dapr's `TryLock` through the sidecar (ref §7.3): `SET resourceId lockOwner NX EX
    /// expiryInSeconds` on the store. Ok(false) while anyone (the caller too) holds it.
    fn dapr_try_lock(
        &mut self,
        _store: &str,
        _resource: &str,
        _owner: &str,
        _expiry_seconds: u64,
    ) -> Result<bool, ClientError> {
        Err(ClientError::Timeout)
    }
    /// Dapr's `Unlock` (ref §7.3).
    fn dapr_unlock(
        &mut self,
        _store: &str,
        _resource: &str,
        _owner: &str,
    ) -> Result<UnlockStatus, ClientError> {
        Err(ClientError::Timeout)
    }
    /// One request to the ZooKeeper ensemble on the process's session (ref §7.5).
    fn zk(&mut self, _op: ZkOp) -> Result<ZkReply, ClientError> {
        Err(ClientError::Timeout)
    }
}

/// Dapr's `UnlockResponse.Status` (ref §7.3), numbered as the HTTP API answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnlockStatus {
    Success = 0,
    LockDoesNotExist = 1,
    LockBelongsToOthers = 2,
    InternalError = 3,
}

impl UnlockStatus {
    /// The proto's name: `SUCCESS`, `LOCK_DOES_NOT_EXIST`, ...
    pub fn name(self) -> &'static str {
        match self {
            UnlockStatus::Success => "SUCCESS",
            UnlockStatus::LockDoesNotExist => "LOCK_DOES_NOT_EXIST",
            UnlockStatus::LockBelongsToOthers => "LOCK_BELONGS_TO_OTHERS",
            UnlockStatus::InternalError => "INTERNAL_ERROR",
        }
    }
}

/// A request to ZooKeeper, on the caller's session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZkOp {
    /// Opens a session, asking for this timeout (the ensemble negotiates it).
    Connect { timeout_ms: u64 },
    /// A heartbeat: the ensemble hears from the session.
    Ping { session: u64 },
    /// `create -e -s PARENT/PREFIX DATA`: an ephemeral sequential node.
    CreateEphemeralSequential {
        session: u64,
        parent: String,
        prefix: String,
        data: String,
    },
    /// `getChildren PARENT`, with each child's data (the recipe reads the first one's).
    Children { session: u64, parent: String },
    /// `exists PATH` with a watch: the watch fires when the node is deleted.
    ExistsWatch { session: u64, path: String },
    /// `delete PATH`.
    Delete { session: u64, path: String },
    /// Closes the session: its ephemeral nodes go at once.
    Close { session: u64 },
}

/// ZooKeeper's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZkReply {
    Session {
        id: u64,
        timeout_ms: u64,
    },
    Done,
    Created(String),
    /// (name, data), sorted by name.
    Children(Vec<(String, String)>),
    Exists(bool),
    /// The session is gone: the client learns it only now, on reconnect (ref §7.5).
    SessionExpired,
}

/// Reads Go-style flags (`--name=value`, `--name value`, `-name value`, booleans alone) into
/// (name, value) pairs, or Go's `flag` error for an unknown flag or a missing value.
pub fn go_flags(
    argv: &[String],
    known: &[&str],
    booleans: &[&str],
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        if !known.contains(&name) {
            return Err(format!("flag provided but not defined: -{name}"));
        }
        let value = match inline {
            Some(v) => v,
            None if booleans.contains(&name) => "true".into(),
            None => it
                .next()
                .cloned()
                .ok_or_else(|| format!("flag needs an argument: -{name}"))?,
        };
        out.push((name.to_string(), value));
    }
    Ok(out)
}

/// A Go boolean flag's value.
pub fn go_bool(name: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("invalid value \"{value}\" for flag -{name}")),
    }
}

/// A Go duration flag's value in ms (more than zero).
pub fn go_duration_flag(name: &str, value: &str) -> Result<u64, String> {
    crate::model::parse_duration(value)
        .filter(|ms| *ms > 0)
        .ok_or_else(|| format!("invalid value \"{value}\" for flag -{name}"))
}

/// Whether `image` (any tag, digest or registry) is the lab's `podlab/NAME`.
pub fn is_podlab_image(image: &str, name: &str) -> bool {
    let repo = image.split(['@', ':']).next().unwrap_or("");
    repo.strip_suffix(name)
        .is_some_and(|r| r == "podlab/" || r.ends_with("/podlab/"))
}

/// A leader's work, shared by the lock programs: one write to the resource `lock` protects,
/// carrying `token` when it fences (ref §7.6), and a line `TIME ID [token=N]` in `file` when
/// the write is accepted and the path lies on a volume.
pub fn leader_work(host: &mut dyn Host, lock: &str, id: &str, token: Option<i64>, file: &str) {
    let at = crate::model::Time::at(host.wall_clock()).to_rfc3339();
    let text = match token {
        Some(t) => format!("{at} {id} token={t}"),
        None => format!("{at} {id}"),
    };
    if host.protected_write(lock, id, token, text.clone()) {
        host.append_file(file, text);
    } else if let Some(t) = token {
        host.stdout(format!("write refused: fencing token {t} is stale"));
    }
}

/// `0x100000000000003`: a session id as ZooKeeper prints it.
pub fn session_hex(id: u64) -> String {
    format!("0x{id:x}")
}

/// Why an API request from a program failed, as its client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// 404.
    NotFound(String),
    /// 409 AlreadyExists, on a create that lost a race.
    AlreadyExists(String),
    /// 409 Conflict: the `resourceVersion` was stale.
    Conflict(String),
    /// No answer within the client's timeout: the node or the pod is cut off from the API
    /// server. The program learns nothing else.
    Timeout,
    /// Any other answer (422, 400, 500), with its message.
    Other(String),
}

impl ClientError {
    /// The message a Go client prints for it.
    pub fn message(&self) -> String {
        match self {
            ClientError::NotFound(m)
            | ClientError::AlreadyExists(m)
            | ClientError::Conflict(m)
            | ClientError::Other(m) => m.clone(),
            ClientError::Timeout => "context deadline exceeded".into(),
        }
    }
}

/// What a process believes about one lock it takes part in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockBelief {
    /// The lock: `lease/NAMESPACE/NAME`, `configmap/NAMESPACE/NAME/GROUP` (Camel),
    /// `dapr/STORE/RESOURCE` or `zookeeper/PATH` (the election path without its first `/`).
    pub lock: String,
    /// The candidate identity it uses (`--id`).
    pub identity: String,
    /// True while it believes it leads (and does the singleton's work).
    pub leading: bool,
    /// The holder it last saw in the lock ("" for none).
    pub observed_holder: String,
    /// The fencing token it holds (`leaseTransitions` when it acquired), while leading.
    pub token: Option<i64>,
    /// When, on its own monotonic clock (`Host::monotonic`), it judges the record it last saw
    /// to expire: the time it saw the record change plus the lease duration. `None` before it
    /// has seen one. The countdown as this candidate sees it is this minus its machine's
    /// monotonic clock now (`Machine::monotonic_at`).
    pub expires_at: Option<u64>,
    /// What else the program knows of its lock: its ZooKeeper session and connection state.
    pub detail: String,
}

impl LockBelief {
    /// `leader` or `follower`, as `lab ps` prints it.
    pub fn role(&self) -> &'static str {
        if self.leading {
            "leader"
        } else {
            "follower"
        }
    }
}

/// What reading a file found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileRead {
    /// The file's text, from a volume.
    Contents(String),
    /// The path lies on a volume, which has no such file.
    Missing,
    /// The path is outside every volume: it is the image's own file system, which the lab
    /// does not model beyond what each program knows of its image.
    Image,
}

/// A request that reached the process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
}

impl HttpRequest {
    pub fn get(path: &str) -> Self {
        HttpRequest {
            method: "GET".into(),
            path: path.into(),
        }
    }
}

/// What the process did with a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpReply {
    /// An answer (curl prints the body).
    Body { status: u16, body: String },
    /// Nothing listens (curl: `Connection refused`).
    Refused,
}

/// The hooks of a simulated program. Per-process state lives in the implementing struct.
pub trait App {
    /// The process started. Returns how long until it listens (answers requests and probes).
    fn start(&mut self, host: &mut dyn Host) -> u64;
    /// A timer set with [`Host::set_timer`] fired.
    fn tick(&mut self, _host: &mut dyn Host, _timer: u32) {}
    /// SIGTERM arrived (the first one). Returns how long until the process exits, or `None`
    /// when it ignores SIGTERM and only SIGKILL stops it.
    fn sigterm(&mut self, host: &mut dyn Host) -> Option<u64>;
    /// A request reached the listening process.
    fn http(&mut self, host: &mut dyn Host, request: &HttpRequest) -> HttpReply;
    /// What it believes about each lock it takes part in (none for most programs).
    fn lock_beliefs(&self) -> Vec<LockBelief> {
        Vec::new()
    }
}

/// Every program the lab can run, chosen from a container's image and command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    RandomGenerator(RandomGenerator),
    Nginx(Nginx),
    Sleeper(Sleeper),
    LeaderElector(Box<LeaderElector>),
    DaprLock(Box<DaprLockClient>),
    ZkLock(Box<ZkLockClient>),
    Generic(Generic),
}

impl Program {
    /// The program a container runs (docs/apps.md).
    pub fn for_container(c: &Container) -> Program {
        if LeaderElector::runs(&c.image) {
            let argv: Vec<String> = c.command.iter().chain(&c.args).cloned().collect();
            return Program::LeaderElector(Box::new(LeaderElector::from_args(&argv)));
        }
        if DaprLockClient::runs(&c.image) {
            let argv: Vec<String> = c.command.iter().chain(&c.args).cloned().collect();
            return Program::DaprLock(Box::new(DaprLockClient::from_args(&argv)));
        }
        if ZkLockClient::runs(&c.image) {
            let argv: Vec<String> = c.command.iter().chain(&c.args).cloned().collect();
            return Program::ZkLock(Box::new(ZkLockClient::from_args(&argv)));
        }
        if c.image.contains("random-generator") {
            return Program::RandomGenerator(RandomGenerator::default());
        }
        let first_word = c.command.first().map(String::as_str).unwrap_or("");
        if Nginx::runs(&c.image) && (first_word.is_empty() || first_word.ends_with("nginx")) {
            return Program::Nginx(Nginx::for_image(&c.image));
        }
        let first = c.command.first().map(String::as_str).unwrap_or("");
        let base = first.rsplit('/').next().unwrap_or("");
        if matches!(base, "sleep" | "sh" | "bash") {
            Program::Sleeper(Sleeper)
        } else {
            Program::Generic(Generic::new(c.ports.first().map(|p| p.container_port)))
        }
    }

    /// The port the program listens on, if any.
    pub fn port(&self) -> Option<i32> {
        match self {
            Program::RandomGenerator(_) => Some(8080),
            Program::Nginx(_) => Some(80),
            Program::Sleeper(_) => None,
            Program::LeaderElector(_) | Program::DaprLock(_) | Program::ZkLock(_) => None,
            Program::Generic(g) => g.port(),
        }
    }

    /// The program's name, as docs/apps.md and `lab ps` call it.
    pub fn name(&self) -> &'static str {
        match self {
            Program::RandomGenerator(_) => "random-generator",
            Program::Nginx(_) => "nginx",
            Program::Sleeper(_) => "sleeper",
            Program::LeaderElector(_) => "leader-elector",
            Program::DaprLock(_) => "dapr-lock-client",
            Program::ZkLock(_) => "zk-lock-client",
            Program::Generic(_) => "generic",
        }
    }

    fn app(&mut self) -> &mut dyn App {
        match self {
            Program::RandomGenerator(a) => a,
            Program::Nginx(a) => a,
            Program::Sleeper(a) => a,
            Program::LeaderElector(a) => a.as_mut(),
            Program::DaprLock(a) => a.as_mut(),
            Program::ZkLock(a) => a.as_mut(),
            Program::Generic(a) => a,
        }
    }

    /// Whether the program takes part in locks (the runtime then traces its belief changes).
    pub fn takes_locks(&self) -> bool {
        matches!(
            self,
            Program::LeaderElector(_) | Program::DaprLock(_) | Program::ZkLock(_)
        )
    }

    /// What the process believes about each lock it takes part in (`lab ps`, the views).
    pub fn lock_beliefs(&self) -> Vec<LockBelief> {
        match self {
            Program::LeaderElector(a) => a.lock_beliefs(),
            Program::DaprLock(a) => a.lock_beliefs(),
            Program::ZkLock(a) => a.lock_beliefs(),
            _ => Vec::new(),
        }
    }
}

impl App for Program {
    fn start(&mut self, host: &mut dyn Host) -> u64 {
        self.app().start(host)
    }

    fn tick(&mut self, host: &mut dyn Host, timer: u32) {
        self.app().tick(host, timer)
    }

    fn sigterm(&mut self, host: &mut dyn Host) -> Option<u64> {
        self.app().sigterm(host)
    }

    fn http(&mut self, host: &mut dyn Host, request: &HttpRequest) -> HttpReply {
        self.app().http(host, request)
    }

    fn lock_beliefs(&self) -> Vec<LockBelief> {
        Program::lock_beliefs(self)
    }
}

/// A host for the programs' unit tests: records what a program did.
#[cfg(test)]
pub(crate) mod test_host {
    use super::{FileRead, Host};

    #[derive(Default)]
    pub struct TestHost {
        pub now: u64,
        pub env: Vec<(String, String)>,
        pub stdout: Vec<(u64, String)>,
        pub files: Vec<(String, String)>,
        pub timers: Vec<(u64, u32)>,
        pub mounts: Vec<String>,
        pub next_random: u64,
    }

    impl TestHost {
        /// The text of `path` as written through `append_file`.
        fn text_of(&self, path: &str) -> String {
            self.files
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, l)| format!("{l}\n"))
                .collect()
        }
    }

    impl Host for TestHost {
        fn now(&self) -> u64 {
            self.now
        }
        fn id(&self) -> &str {
            "test-id"
        }
        fn env(&self, name: &str) -> Option<&str> {
            self.env
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }
        fn random_below(&mut self, n: u64) -> u64 {
            self.next_random % n
        }
        fn stdout(&mut self, line: String) {
            self.stdout.push((self.now, line));
        }
        fn append_file(&mut self, path: &str, line: String) -> bool {
            let on_mount = self.mounts.iter().any(|m| path.starts_with(m.as_str()));
            if on_mount {
                self.files.push((path.to_string(), line));
            }
            on_mount
        }
        fn read_file(&self, path: &str) -> FileRead {
            if !self.mounts.iter().any(|m| path.starts_with(m.as_str())) {
                return FileRead::Image;
            }
            let text = self.text_of(path);
            if text.is_empty() {
                FileRead::Missing
            } else {
                FileRead::Contents(text)
            }
        }
        fn read_any(&self, path: &str) -> Option<String> {
            let text = self.text_of(path);
            (!text.is_empty()).then_some(text)
        }
        fn write_file(&mut self, path: &str, text: &str, append: bool) {
            if !append {
                self.files.retain(|(p, _)| p != path);
            }
            for l in text.lines() {
                self.files.push((path.to_string(), l.to_string()));
            }
        }
        fn remove_file(&mut self, path: &str) -> bool {
            let before = self.files.len();
            self.files.retain(|(p, _)| p != path);
            before != self.files.len()
        }
        fn list_dir(&self, path: &str) -> Option<Vec<String>> {
            let prefix = format!("{}/", path.trim_end_matches('/'));
            let mut names: Vec<String> = self
                .files
                .iter()
                .filter_map(|(p, _)| p.strip_prefix(&prefix))
                .map(|rest| rest.split('/').next().unwrap_or("").to_string())
                .collect();
            names.sort();
            names.dedup();
            let is_mount = self.mounts.iter().any(|m| m.trim_end_matches('/') == path);
            (is_mount || !names.is_empty()).then_some(names)
        }
        fn hostname(&self) -> String {
            "web-0".into()
        }
        fn env_all(&self) -> Vec<(String, String)> {
            self.env.clone()
        }
        fn http_get(&mut self, url: &str) -> Result<String, (i32, String)> {
            Err((6, format!("curl: (6) Could not resolve host: {url}")))
        }
        fn set_timer(&mut self, delay_ms: u64, timer: u32) {
            self.timers.push((self.now + delay_ms, timer));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(image: &str, command: &[&str]) -> Container {
        Container {
            name: "c".into(),
            image: image.into(),
            command: command.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn programs_are_chosen_by_image_then_command() {
        let p = |image, cmd: &[&str]| Program::for_container(&container(image, cmd)).name();
        assert_eq!(
            p("k8spatterns/random-generator:1.0", &[]),
            "random-generator"
        );
        assert_eq!(p("busybox:1.36", &["sleep", "3600"]), "sleeper");
        assert_eq!(p("busybox:1.36", &["/bin/sh", "-c", "x"]), "sleeper");
        assert_eq!(p("nginx:1.27", &[]), "nginx");
        assert_eq!(p("registry.k8s.io/nginx-slim:0.24", &[]), "nginx");
        assert_eq!(p("nginx:1.27", &["sleep", "1d"]), "sleeper");
        assert_eq!(p("zookeeper:3.9", &[]), "generic");
        assert_eq!(p("podlab/leader-elector:1.0", &[]), "leader-elector");
        assert_eq!(p("podlab/dapr-lock-client:1.0", &[]), "dapr-lock-client");
        assert_eq!(p("podlab/zk-lock-client", &[]), "zk-lock-client");
        assert!(is_podlab_image(
            "docker.io/podlab/zk-lock-client@sha256:0",
            "zk-lock-client"
        ));
        assert!(!is_podlab_image("other/zk-lock-client", "zk-lock-client"));
        assert!(!is_podlab_image(
            "podlab/x-zk-lock-client",
            "zk-lock-client"
        ));
    }
}
