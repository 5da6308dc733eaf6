//! The container runtime's side of a process: it runs the programs of `sim::apps` on the ground
//! truth. It implements their `Host` (stdout into the container log, files onto the volumes
//! behind the mounts, the engine's RNG, timers as engine events) and applies SIGSTOP: while a
//! process is paused, its SIGTERM and its timers are held, and on resume the signal is
//! delivered first, then the timers in the order they fired.

use super::apps::{App, FileRead, Host, HttpReply, HttpRequest, Program, Sleeper};
use super::rng::SimRng;
use super::world::{VolumeLine, World};
use super::{Event, Sim};

/// What one hook of one process may touch.
struct ProcessHost<'a> {
    world: &'a mut World,
    rng: &'a mut SimRng,
    pid: u64,
    now: u64,
    /// (delay, timer) pairs the hook asked for; the engine schedules them after it returns.
    timers: Vec<(u64, u32)>,
}

impl Host for ProcessHost<'_> {
    fn now(&self) -> u64 {
        self.now
    }

    fn id(&self) -> &str {
        self.world.process(self.pid).map_or("", |p| p.id.as_str())
    }

    fn env(&self, name: &str) -> Option<&str> {
        self.world
            .process(self.pid)?
            .env
            .get(name)
            .map(String::as_str)
    }

    fn random_below(&mut self, n: u64) -> u64 {
        self.rng.below(n)
    }

    fn stdout(&mut self, line: String) {
        self.world.write_log(self.pid, self.now, line);
    }

    fn append_file(&mut self, path: &str, line: String) -> bool {
        let Some(p) = self.world.process(self.pid) else {
            return false;
        };
        let Some((key, file)) = p.volume_path(path) else {
            return false;
        };
        let entry = VolumeLine {
            time: self.now,
            writer: p.id.clone(),
            pod: p.pod_name.clone(),
            machine: p.machine.clone(),
            file,
            text: line,
        };
        self.world.append(&key, entry);
        true
    }

    fn read_file(&self, path: &str) -> FileRead {
        let Some((key, file)) = self
            .world
            .process(self.pid)
            .and_then(|p| p.volume_path(path))
        else {
            return FileRead::Image;
        };
        match self.world.file_text(&key, &file) {
            Some(text) => FileRead::Contents(text),
            None => FileRead::Missing,
        }
    }

    fn read_any(&self, path: &str) -> Option<String> {
        self.world.read_path(self.pid, path)
    }

    fn write_file(&mut self, path: &str, text: &str, append: bool) {
        self.world
            .write_path(self.pid, path, text, append, self.now);
    }

    fn remove_file(&mut self, path: &str) -> bool {
        self.world.remove_path(self.pid, path)
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        self.world.list_path(self.pid, path)
    }

    fn hostname(&self) -> String {
        self.world
            .process(self.pid)
            .map_or_else(String::new, |p| p.hostname.clone())
    }

    fn env_all(&self) -> Vec<(String, String)> {
        self.world.process(self.pid).map_or_else(Vec::new, |p| {
            p.env.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        })
    }

    /// A program's own outbound requests are not modelled yet; `kubectl exec` has its own
    /// host with the network (`sim::exec`).
    fn http_get(&mut self, url: &str) -> Result<String, (i32, String)> {
        Err((7, format!("curl: (7) Failed to connect to {url}: the lab does not route requests made by a program")))
    }

    fn set_timer(&mut self, delay_ms: u64, timer: u32) {
        self.timers.push((delay_ms, timer));
    }
}

impl Sim {
    /// Runs one hook of the program of `pid`, then schedules the timers it set. None when the
    /// process is gone.
    fn with_program<R>(
        &mut self,
        pid: u64,
        hook: impl FnOnce(&mut Program, &mut dyn Host) -> R,
    ) -> Option<R> {
        let p = self.world.process_mut(pid)?;
        let mut program = std::mem::replace(&mut p.program, Program::Sleeper(Sleeper));
        let mut host = ProcessHost {
            world: &mut self.world,
            rng: &mut self.rng,
            pid,
            now: self.now,
            timers: Vec::new(),
        };
        let out = hook(&mut program, &mut host);
        let timers = host.timers;
        if let Some(p) = self.world.process_mut(pid) {
            p.program = program;
        }
        for (delay, timer) in timers {
            self.schedule(delay, Event::ProcessTimer { pid, timer });
        }
        Some(out)
    }

    /// The process just spawned: its program starts. Returns how long until it listens.
    pub(crate) fn app_start(&mut self, pid: u64) -> u64 {
        self.with_program(pid, |prog, host| prog.start(host))
            .unwrap_or(0)
    }

    /// `Event::ProcessTimer`: a timer the program set fires, unless the process is paused (then
    /// it fires on resume) or gone.
    pub(crate) fn app_timer(&mut self, pid: u64, timer: u32) {
        let Some(p) = self.world.process_mut(pid) else {
            return;
        };
        if p.paused {
            p.held_timers.push(timer);
            return;
        }
        self.with_program(pid, |prog, host| prog.tick(host, timer));
    }

    /// The first SIGTERM reaches the process. Returns how long until it exits; None when it
    /// ignores SIGTERM, or is paused (the signal waits for resume).
    pub(crate) fn app_sigterm(&mut self, pid: u64) -> Option<u64> {
        let p = self.world.process_mut(pid)?;
        if p.paused {
            p.held_sigterm = true;
            return None;
        }
        self.with_program(pid, |prog, host| prog.sigterm(host))
            .flatten()
    }

    /// The process resumed (SIGCONT): a held SIGTERM first, then the timers that fired meanwhile.
    pub(crate) fn app_resumed(&mut self, pid: u64) {
        let Some(p) = self.world.process_mut(pid) else {
            return;
        };
        let sigterm = std::mem::take(&mut p.held_sigterm);
        let timers = std::mem::take(&mut p.held_timers);
        if sigterm {
            if let Some(ms) = self
                .with_program(pid, |prog, host| prog.sigterm(host))
                .flatten()
            {
                let at = self.now + ms;
                self.schedule_at(at, Event::ProcessStopped { pid, killed: false });
            }
        }
        for timer in timers {
            self.with_program(pid, |prog, host| prog.tick(host, timer));
        }
    }

    /// A request reached the listening process `pid`.
    pub(crate) fn app_http(&mut self, pid: u64, request: &HttpRequest) -> HttpReply {
        let reply = self
            .with_program(pid, |prog, host| prog.http(host, request))
            .unwrap_or(HttpReply::Refused);
        if let (HttpReply::Body { .. }, Some(p)) = (&reply, self.world.process_mut(pid)) {
            p.requests_served += 1;
        }
        reply
    }
}
