//! `podlab/dapr-lock-client`: a singleton on Dapr's distributed lock (ref §7.3). The image has
//! the Dapr sidecar built in (daprd on localhost, a `lock.redis` component named by
//! `--store-name`); the program calls `TryLock(storeName, resourceId, lockOwner,
//! expiryInSeconds)` until it gets the lock, then does the singleton's work.
//!
//! The API has no renew call: the holder keeps the lock by unlocking and locking again before
//! its lease runs out on its own clock, and stops working when it cannot (an Unlock that says
//! `LOCK_DOES_NOT_EXIST` or `LOCK_BELONGS_TO_OTHERS`, or a store it cannot reach). Nor does
//! the API return a token, so its writes cannot be fenced: a holder paused past its lease
//! writes on after it resumes, beside the new holder.

use super::{go_bool, go_duration_flag, go_flags, App, Host, HttpReply, HttpRequest, LockBelief};
use super::{ClientError, UnlockStatus};

/// Timer kinds in the low bit, a generation above it (as the leader elector's).
const LOOP: u32 = 0;
const WORK: u32 = 1;
const SHUTDOWN_MS: u64 = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub store: String,
    pub resource: String,
    /// Empty: the process's own id.
    pub owner: String,
    pub expiry_seconds: u64,
    pub retry_period_ms: u64,
    pub work_period_ms: u64,
    pub work_file: String,
    /// Asked for `--fencing`: there is no token to fence with, which it says.
    pub fencing: bool,
    pub error: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            store: "lockstore".into(),
            resource: String::new(),
            owner: String::new(),
            expiry_seconds: 15,
            retry_period_ms: 2_000,
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
        const KNOWN: [&str; 8] = [
            "store-name",
            "resource-id",
            "lock-owner",
            "expiry-in-seconds",
            "retry-period",
            "work-period",
            "work-file",
            "fencing",
        ];
        for (name, v) in go_flags(argv, &KNOWN, &["fencing"])? {
            match name.as_str() {
                "store-name" => self.store = v,
                "resource-id" => self.resource = v,
                "lock-owner" => self.owner = v,
                "expiry-in-seconds" => {
                    self.expiry_seconds = v
                        .parse::<u64>()
                        .ok()
                        .filter(|s| *s > 0)
                        .ok_or_else(|| format!("invalid value \"{v}\" for flag -{name}"))?
                }
                "retry-period" => self.retry_period_ms = go_duration_flag(&name, &v)?,
                "work-period" => self.work_period_ms = go_duration_flag(&name, &v)?,
                "work-file" => self.work_file = v,
                _ => self.fencing = go_bool(&name, &v)?,
            }
        }
        if self.resource.is_empty() {
            return Err("missing --resource-id: the lock's resource".into());
        }
        if self.retry_period_ms >= self.expiry_seconds * 1000 {
            return Err("--retry-period must be shorter than --expiry-in-seconds".into());
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DaprLockClient {
    cfg: Config,
    owner: String,
    leading: bool,
    /// When it took the lock, on its own monotonic clock.
    acquired: u64,
    /// The last outcome it logged while waiting, so it logs each change once.
    waiting: String,
    generation: u32,
    work_generation: u32,
    stopping: bool,
}

impl DaprLockClient {
    pub fn runs(image: &str) -> bool {
        super::is_podlab_image(image, "dapr-lock-client")
    }

    pub fn from_args(argv: &[String]) -> Self {
        DaprLockClient {
            cfg: Config::parse(argv),
            ..Default::default()
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// `dapr/STORE/RESOURCE`.
    pub fn lock_key(&self) -> String {
        format!("dapr/{}/{}", self.cfg.store, self.cfg.resource)
    }

    fn expiry_ms(&self) -> u64 {
        self.cfg.expiry_seconds * 1000
    }

    fn set_loop(&mut self, host: &mut dyn Host) {
        self.generation = self.generation.wrapping_add(1);
        host.set_timer(self.cfg.retry_period_ms, (self.generation << 1) | LOOP);
    }

    fn wait_note(&mut self, host: &mut dyn Host, note: String) {
        if self.waiting != note {
            host.stdout(note.clone());
            self.waiting = note;
        }
    }

    fn try_lock(&mut self, host: &mut dyn Host) -> Result<bool, ClientError> {
        let (store, res, owner) = (&self.cfg.store, &self.cfg.resource, &self.owner);
        host.dapr_try_lock(store, res, owner, self.cfg.expiry_seconds)
    }

    fn start_leading(&mut self, host: &mut dyn Host) {
        self.leading = true;
        self.acquired = host.monotonic();
        self.waiting.clear();
        host.stdout(format!(
            "acquired lock {} on store {} as {} (expires in {}s)",
            self.cfg.resource, self.cfg.store, self.owner, self.cfg.expiry_seconds
        ));
        self.work_generation = self.work_generation.wrapping_add(1);
        host.set_timer(self.cfg.work_period_ms, (self.work_generation << 1) | WORK);
    }

    fn stop_leading(&mut self, host: &mut dyn Host, why: &str) {
        self.leading = false;
        host.stdout(format!(
            "lost lock {}: {why}; stopping work",
            self.cfg.resource
        ));
    }

    fn run_loop(&mut self, host: &mut dyn Host) {
        if self.stopping {
            return;
        }
        let now = host.monotonic();
        if self.leading {
            let deadline = self.acquired + self.expiry_ms();
            if now >= deadline {
                self.stop_leading(host, "its lease ran out before it could take it again");
            } else if now + self.cfg.retry_period_ms >= deadline {
                // No renew call: unlock and lock again before the lease runs out.
                let (store, res, owner) = (&self.cfg.store, &self.cfg.resource, &self.owner);
                match host.dapr_unlock(store, res, owner) {
                    Ok(UnlockStatus::Success) => match self.try_lock(host) {
                        Ok(true) => self.acquired = now,
                        Ok(false) => self.stop_leading(host, "another owner took it"),
                        Err(e) => self.stop_leading(host, &e.message()),
                    },
                    Ok(status) => self.stop_leading(host, &format!("unlock: {}", status.name())),
                    Err(_) => self.stop_leading(
                        host,
                        "cannot reach the lock store before the lease runs out",
                    ),
                }
            }
        } else {
            match self.try_lock(host) {
                Ok(true) => self.start_leading(host),
                Ok(false) => {
                    let note = format!("lock {} is held by another owner", self.cfg.resource);
                    self.wait_note(host, note);
                }
                Err(e) => {
                    let note = format!("error trying lock: {}", e.message());
                    self.wait_note(host, note);
                }
            }
        }
        self.set_loop(host);
    }

    fn work(&mut self, host: &mut dyn Host) {
        super::leader_work(
            host,
            &self.lock_key(),
            &self.owner,
            None,
            &self.cfg.work_file,
        );
    }
}

impl App for DaprLockClient {
    fn start(&mut self, host: &mut dyn Host) -> u64 {
        if let Some(e) = &self.cfg.error {
            host.stdout(e.clone());
            return 0;
        }
        self.owner = if self.cfg.owner.is_empty() {
            host.id().to_string()
        } else {
            self.cfg.owner.clone()
        };
        // The Go SDK's first line.
        host.stdout("dapr client initializing for: 127.0.0.1:50001".into());
        if self.cfg.fencing {
            host.stdout("--fencing: Dapr's lock API returns no token (only success), so the work is written unfenced".into());
        }
        self.run_loop(host);
        0
    }

    fn tick(&mut self, host: &mut dyn Host, timer: u32) {
        if self.cfg.error.is_some() || self.stopping {
            return;
        }
        let (generation, kind) = (timer >> 1, timer & 1);
        if kind == LOOP {
            if generation == self.generation {
                self.run_loop(host);
            }
        } else if self.leading && generation == self.work_generation {
            self.work(host);
            host.set_timer(self.cfg.work_period_ms, timer);
        }
    }

    fn sigterm(&mut self, host: &mut dyn Host) -> Option<u64> {
        if !self.stopping {
            self.stopping = true;
            if self.leading {
                self.leading = false;
                let (store, res, owner) = (&self.cfg.store, &self.cfg.resource, &self.owner);
                let status = match host.dapr_unlock(store, res, owner) {
                    Ok(s) => s.name().to_string(),
                    Err(e) => e.message(),
                };
                host.stdout(format!("unlock {}: {status}", self.cfg.resource));
            }
        }
        Some(SHUTDOWN_MS)
    }

    fn http(&mut self, _host: &mut dyn Host, _request: &HttpRequest) -> HttpReply {
        HttpReply::Refused
    }

    fn lock_beliefs(&self) -> Vec<LockBelief> {
        if self.cfg.error.is_some() || self.owner.is_empty() {
            return Vec::new();
        }
        vec![LockBelief {
            lock: self.lock_key(),
            identity: self.owner.clone(),
            leading: self.leading,
            // The API never says who holds a lock.
            observed_holder: if self.leading {
                self.owner.clone()
            } else {
                String::new()
            },
            token: None,
            expires_at: self.leading.then(|| self.acquired + self.expiry_ms()),
            detail: String::new(),
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
            "--resource-id=orders",
            "--lock-owner",
            "web-0",
            "--expiry-in-seconds=20",
            "--store-name=redis-lock",
        ]));
        assert_eq!(c.error, None);
        assert_eq!(
            (
                c.resource.as_str(),
                c.owner.as_str(),
                c.expiry_seconds,
                c.store.as_str()
            ),
            ("orders", "web-0", 20, "redis-lock")
        );
        let e = |a: &[&str]| Config::parse(&args(a)).error.unwrap_or_default();
        assert_eq!(e(&[]), "missing --resource-id: the lock's resource");
        assert_eq!(
            e(&["--resource-id=x", "--expiry-in-seconds=0"]),
            "invalid value \"0\" for flag -expiry-in-seconds"
        );
        assert_eq!(
            e(&["--resource-id=x", "--ttl=3"]),
            "flag provided but not defined: -ttl"
        );
        assert_eq!(
            e(&["--resource-id=x", "--expiry-in-seconds=2"]),
            "--retry-period must be shorter than --expiry-in-seconds"
        );
        assert!(DaprLockClient::runs("podlab/dapr-lock-client:1.0"));
        assert!(!DaprLockClient::runs("daprio/daprd:1.14"));
    }
}
