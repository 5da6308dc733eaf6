//! `podlab/zk-lock-client`: leader election on ZooKeeper as Apache Curator's `LeaderLatch`
//! does it (ref §7.5). The client opens a session, creates an ephemeral sequential znode under
//! the election path (`/election/lock-0000000003`, its id as data), and leads while its node
//! is the lowest; otherwise it watches its predecessor and looks again when that goes.
//!
//! Connection state is Curator's: a client that has heard nothing from the ensemble for two
//! thirds of its session timeout (its own clock) is SUSPENDED and must assume it lost the lock;
//! the ensemble expires the session only after the whole timeout, and the client learns of that
//! (LOST) only when it reaches the ensemble again. On RECONNECTED the latch starts over with a
//! new node. Curator hands state changes to listeners on its own thread, so work already due
//! runs before the client hears it is no longer leader: with `--fencing` each write carries the
//! node's sequence number, and the resource refuses a stale one (ref §7.6).

use super::{go_bool, go_duration_flag, go_flags, session_hex, App, Host, HttpReply, HttpRequest};
use super::{LockBelief, ZkOp, ZkReply, WATCH_TIMER};

/// Timer kinds in the low two bits, a generation above them.
const LOOP: u32 = 0;
const WORK: u32 = 1;
/// A connection state change waiting for Curator's listener thread.
const STATE: u32 = 2;
const SHUTDOWN_MS: u64 = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub connect: String,
    pub path: String,
    pub id: String,
    pub session_timeout_ms: u64,
    pub work_period_ms: u64,
    pub work_file: String,
    pub fencing: bool,
    pub error: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect: "zookeeper:2181".into(),
            path: "/election".into(),
            id: String::new(),
            session_timeout_ms: 10_000,
            work_period_ms: 5_000,
            work_file: "/data/work.log".into(),
            fencing: false,
            error: None,
        }
    }
}

impl Config {
    pub fn parse(argv: &[String]) -> Config {
        let mut c = Config::default();
        if let Err(e) = c.read(argv) {
            c.error = Some(e);
        }
        c
    }

    fn read(&mut self, argv: &[String]) -> Result<(), String> {
        const KNOWN: [&str; 7] = [
            "connect",
            "election-path",
            "id",
            "session-timeout",
            "work-period",
            "work-file",
            "fencing",
        ];
        for (name, v) in go_flags(argv, &KNOWN, &["fencing"])? {
            match name.as_str() {
                "connect" => self.connect = v,
                "election-path" => {
                    if !v.starts_with('/') || v.len() < 2 || v.ends_with('/') {
                        return Err(format!("Invalid path string \"{v}\""));
                    }
                    self.path = v;
                }
                "id" => self.id = v,
                "session-timeout" => self.session_timeout_ms = go_duration_flag(&name, &v)?,
                "work-period" => self.work_period_ms = go_duration_flag(&name, &v)?,
                "work-file" => self.work_file = v,
                _ => self.fencing = go_bool(&name, &v)?,
            }
        }
        Ok(())
    }
}

/// Curator's connection states, as the client sees them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Conn {
    /// No session yet (or a new one is being opened after LOST).
    #[default]
    Connecting,
    Connected,
    Suspended,
    Lost,
}

impl Conn {
    pub fn name(self) -> &'static str {
        match self {
            Conn::Connecting => "CONNECTING",
            Conn::Connected => "CONNECTED",
            Conn::Suspended => "SUSPENDED",
            Conn::Lost => "LOST",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZkLockClient {
    cfg: Config,
    id: String,
    session: Option<u64>,
    timeout_ms: u64,
    conn: Conn,
    /// When it last heard from the ensemble, on its own monotonic clock.
    last_heard: u64,
    /// Its node's full path and sequence number.
    node: Option<(String, i64)>,
    /// The lowest node's data (the leader's id) when it last looked.
    observed_leader: String,
    leading: bool,
    /// The sequence number of the node it leads with: its fencing token.
    token: i64,
    /// State changes waiting for the listener thread.
    pending: Vec<Conn>,
    generation: u32,
    work_generation: u32,
    stopping: bool,
}

impl ZkLockClient {
    pub fn runs(image: &str) -> bool {
        super::is_podlab_image(image, "zk-lock-client")
    }

    pub fn from_args(argv: &[String]) -> Self {
        ZkLockClient {
            cfg: Config::parse(argv),
            ..Default::default()
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// `zookeeper/election`.
    pub fn lock_key(&self) -> String {
        format!("zookeeper/{}", self.cfg.path.trim_start_matches('/'))
    }

    /// How long without a word from the ensemble before the client declares itself
    /// disconnected: ZooKeeper's read timeout, two thirds of the session timeout.
    fn read_timeout(&self) -> u64 {
        self.timeout_ms * 2 / 3
    }

    fn set_loop(&mut self, host: &mut dyn Host) {
        self.generation = self.generation.wrapping_add(1);
        // A heartbeat every third of the session timeout, and a wake-up when the read timeout
        // runs out (ZooKeeper's send thread sleeps until the sooner of the two).
        let mut every = if self.timeout_ms > 0 {
            self.timeout_ms / 3
        } else {
            2_000
        };
        if self.session.is_some() && self.conn == Conn::Connected {
            let left = (self.last_heard + self.read_timeout()).saturating_sub(host.monotonic());
            every = every.min(left.max(1));
        }
        host.set_timer(every, (self.generation << 2) | LOOP);
    }

    /// Queues a state change for the listener thread.
    fn state_changed(&mut self, host: &mut dyn Host, c: Conn) {
        self.conn = c;
        self.pending.push(c);
        host.set_timer(0, STATE);
    }

    fn connect(&mut self, host: &mut dyn Host) {
        let asked = self.cfg.session_timeout_ms;
        match host.zk(ZkOp::Connect { timeout_ms: asked }) {
            Ok(ZkReply::Session { id, timeout_ms }) => {
                self.session = Some(id);
                self.timeout_ms = timeout_ms;
                self.conn = Conn::Connected;
                self.last_heard = host.monotonic();
                host.stdout(format!(
                    "Session establishment complete on server {}, session id = {}, negotiated timeout = {timeout_ms}",
                    self.cfg.connect,
                    session_hex(id)
                ));
                self.join(host);
            }
            _ => {
                if self.timeout_ms == 0 {
                    self.timeout_ms = asked;
                }
                host.stdout(format!(
                    "Opening socket connection to server {}: no answer",
                    self.cfg.connect
                ));
            }
        }
    }

    /// The latch's start: a new node, then a look at who is first.
    fn join(&mut self, host: &mut dyn Host) {
        let Some(session) = self.session else { return };
        let op = ZkOp::CreateEphemeralSequential {
            session,
            parent: self.cfg.path.clone(),
            prefix: "lock-".into(),
            data: self.id.clone(),
        };
        if let Ok(ZkReply::Created(path)) = host.zk(op) {
            let seq = path
                .rsplit('-')
                .next()
                .and_then(|n| n.parse::<i64>().ok())
                .unwrap_or(0);
            host.stdout(format!("created {path}"));
            self.node = Some((path, seq));
            self.check(host);
        }
    }

    /// The recipe: lead when our node is the lowest, else watch the one just before it.
    fn check(&mut self, host: &mut dyn Host) {
        let (Some(session), Some((path, seq))) = (self.session, self.node.clone()) else {
            return;
        };
        for _ in 0..3 {
            let op = ZkOp::Children {
                session,
                parent: self.cfg.path.clone(),
            };
            let Ok(ZkReply::Children(children)) = host.zk(op) else {
                return;
            };
            self.heard(host);
            self.observed_leader = children.first().map(|c| c.1.clone()).unwrap_or_default();
            let ours = path.rsplit('/').next().unwrap_or("");
            let Some(i) = children.iter().position(|c| c.0 == ours) else {
                // Our node is gone (the session ended): the loop starts over.
                self.node = None;
                return;
            };
            if i == 0 {
                if !self.leading {
                    self.leading = true;
                    self.token = seq;
                    host.stdout(format!("{path} is the lowest node: leading (token {seq})"));
                    self.work_generation = self.work_generation.wrapping_add(1);
                    host.set_timer(self.cfg.work_period_ms, (self.work_generation << 2) | WORK);
                }
                return;
            }
            let before = format!("{}/{}", self.cfg.path, children[i - 1].0);
            let op = ZkOp::ExistsWatch {
                session,
                path: before.clone(),
            };
            if let Ok(ZkReply::Exists(true)) = host.zk(op) {
                host.stdout(format!("watching {before}"));
                return;
            }
        }
    }

    fn heard(&mut self, host: &mut dyn Host) {
        self.last_heard = host.monotonic();
    }

    fn run_loop(&mut self, host: &mut dyn Host) {
        if self.stopping {
            return;
        }
        let now = host.monotonic();
        match self.session {
            None => self.connect(host),
            Some(session) => {
                if self.conn == Conn::Connected
                    && now.saturating_sub(self.last_heard) >= self.read_timeout()
                {
                    host.stdout(format!(
                        "Client session timed out, have not heard from server in {}ms for session id {}, closing socket connection and attempting reconnect",
                        now - self.last_heard,
                        session_hex(session)
                    ));
                    self.state_changed(host, Conn::Suspended);
                }
                match host.zk(ZkOp::Ping { session }) {
                    Ok(ZkReply::SessionExpired) => {
                        host.stdout(format!(
                            "Unable to reconnect to ZooKeeper service, session {} has expired",
                            session_hex(session)
                        ));
                        self.session = None;
                        self.node = None;
                        self.state_changed(host, Conn::Lost);
                    }
                    Ok(_) => {
                        self.heard(host);
                        if self.conn == Conn::Suspended {
                            host.stdout(format!("Session {} reconnected", session_hex(session)));
                            self.state_changed(host, Conn::Connected);
                        } else if self.node.is_none() {
                            self.join(host);
                        }
                    }
                    Err(_) => {}
                }
            }
        }
        self.set_loop(host);
    }

    /// Curator's listener: the latch gives up leadership on SUSPENDED and LOST, and on
    /// RECONNECTED starts over with a new node (`LeaderLatch.reset`).
    fn deliver_states(&mut self, host: &mut dyn Host) {
        for c in std::mem::take(&mut self.pending) {
            host.stdout(format!("connection state changed: {}", c.name()));
            match c {
                Conn::Suspended | Conn::Lost => {
                    if self.leading {
                        self.leading = false;
                        host.stdout("leadership lost: must assume another leads".into());
                    }
                    if c == Conn::Lost {
                        self.conn = Conn::Connecting;
                    }
                }
                Conn::Connected if self.conn == Conn::Connected => {
                    if let (Some(session), Some((path, _))) = (self.session, self.node.take()) {
                        let _ = host.zk(ZkOp::Delete { session, path });
                    }
                    self.join(host);
                }
                _ => {}
            }
        }
    }

    fn work(&mut self, host: &mut dyn Host) {
        // Its node may be gone already; the work does not know yet.
        let token = self.cfg.fencing.then_some(self.token);
        super::leader_work(host, &self.lock_key(), &self.id, token, &self.cfg.work_file);
    }
}

impl App for ZkLockClient {
    fn start(&mut self, host: &mut dyn Host) -> u64 {
        if let Some(e) = &self.cfg.error {
            host.stdout(e.clone());
            return 0;
        }
        self.id = if self.cfg.id.is_empty() {
            host.id().to_string()
        } else {
            self.cfg.id.clone()
        };
        self.run_loop(host);
        0
    }

    fn tick(&mut self, host: &mut dyn Host, timer: u32) {
        if self.cfg.error.is_some() || self.stopping {
            return;
        }
        if timer == WATCH_TIMER {
            host.stdout("watched node deleted: looking again".into());
            self.check(host);
            return;
        }
        let (generation, kind) = (timer >> 2, timer & 3);
        match kind {
            LOOP if generation == self.generation => self.run_loop(host),
            WORK if self.leading && generation == self.work_generation => {
                self.work(host);
                host.set_timer(self.cfg.work_period_ms, timer);
            }
            STATE => self.deliver_states(host),
            _ => {}
        }
    }

    fn sigterm(&mut self, host: &mut dyn Host) -> Option<u64> {
        if !self.stopping {
            self.stopping = true;
            self.leading = false;
            // Curator's close(): the session ends and its node goes at once.
            if let Some(session) = self.session.take() {
                let _ = host.zk(ZkOp::Close { session });
                host.stdout(format!("Session: {} closed", session_hex(session)));
            }
        }
        Some(SHUTDOWN_MS)
    }

    fn http(&mut self, _host: &mut dyn Host, _request: &HttpRequest) -> HttpReply {
        HttpReply::Refused
    }

    fn lock_beliefs(&self) -> Vec<LockBelief> {
        if self.cfg.error.is_some() || self.id.is_empty() {
            return Vec::new();
        }
        let node = self.node.as_ref();
        let mut detail = match self.session {
            Some(s) => format!("session {} {}", session_hex(s), self.conn.name()),
            None => format!("no session, {}", self.conn.name()),
        };
        if let Some((p, _)) = node {
            detail = format!("{detail}, node {p}");
        }
        vec![LockBelief {
            lock: self.lock_key(),
            identity: self.id.clone(),
            leading: self.leading,
            observed_holder: self.observed_leader.clone(),
            token: self.leading.then_some(self.token),
            // Its own countdown: when it will call itself disconnected.
            expires_at: (self.session.is_some() && self.conn == Conn::Connected)
                .then(|| self.last_heard + self.read_timeout()),
            detail,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_are_read_and_checked() {
        let c = Config::parse(&args(&[
            "--election-path=/jobs/leader",
            "--id",
            "web-0",
            "--session-timeout=6s",
            "--fencing",
        ]));
        assert_eq!(c.error, None);
        assert_eq!(c.path, "/jobs/leader");
        assert_eq!(c.session_timeout_ms, 6_000);
        assert!(c.fencing);
        let e = |a: &[&str]| Config::parse(&args(a)).error.unwrap_or_default();
        assert_eq!(
            e(&["--election-path=election"]),
            "Invalid path string \"election\""
        );
        assert_eq!(
            e(&["--session-timeout=soon"]),
            "invalid value \"soon\" for flag -session-timeout"
        );
        assert_eq!(e(&["--id"]), "flag needs an argument: -id");
        assert!(ZkLockClient::runs("podlab/zk-lock-client:3.9"));
        assert!(!ZkLockClient::runs("zookeeper:3.9"));
    }
}
