//! `podlab/leader-elector`: client-go's leader election (`examples/leader-election`), the
//! in-application locking of the Singleton Service pattern (ref §7.2). Candidates race for a
//! Lease (or, with `--lock=configmap`, Apache Camel's ConfigMap lock, ref §7.4) through the API
//! server; the one that holds it does the singleton's work every `--work-period`.
//!
//! As client-go does, it judges expiry from the time it last saw the record change, on its own
//! monotonic clock, so a clock offset does no harm but a clock that runs at another rate can
//! (ref §7.2 "Clock skew"). It reaches the API server only through its [`Host`]; a request
//! that gets no answer fails after the client's timeout, and the program learns nothing else.

use crate::model::{
    ConfigMap, Kind, Lease, LeaseSpec, Object, ObjectMeta, ObjectRef, Shared, Time,
};

use super::{go_bool, go_duration_flag, go_flags};
use super::{App, ClientError, Host, HttpReply, HttpRequest, LockBelief};

/// How long a request that gets no answer hangs before it fails.
const CLIENT_TIMEOUT_MS: u64 = 10_000;
/// client-go's `JitterFactor` for the acquire loop.
const JITTER_PERCENT: u64 = 120;
/// How long the process takes to exit after SIGTERM (after its release, if any).
const SHUTDOWN_MS: u64 = 100;
/// Timer kinds, in the low bit; the rest of a timer id is a generation, so stale timers of an
/// earlier loop are ignored.
const LOOP: u32 = 0;
const WORK: u32 = 1;

/// Which kind of object holds the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockKind {
    Lease,
    /// Apache Camel's ConfigMap lock: `leader.pod.<group>`, `leader.local.timestamp.<group>`.
    ConfigMap,
}

/// The flags of client-go's example, and the lab's own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub name: String,
    /// Empty: the pod's namespace.
    pub namespace: String,
    /// Empty: the process's own id (the example's default is a random UUID).
    pub id: String,
    pub lease_duration_ms: u64,
    pub renew_deadline_ms: u64,
    pub retry_period_ms: u64,
    pub release_on_cancel: bool,
    pub lock: LockKind,
    /// The Camel lock group (the `master:<group>:...` namespace).
    pub group: String,
    pub work_period_ms: u64,
    pub fencing: bool,
    /// Where the work lands as a line, when the path lies on a volume.
    pub work_file: String,
    /// A flag it could not read: it prints this and does nothing (the real one exits).
    pub error: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: String::new(),
            namespace: String::new(),
            id: String::new(),
            lease_duration_ms: 15_000,
            renew_deadline_ms: 10_000,
            retry_period_ms: 2_000,
            release_on_cancel: false,
            lock: LockKind::Lease,
            group: "leader".into(),
            work_period_ms: 5_000,
            fencing: false,
            work_file: "/data/work.log".into(),
            error: None,
        }
    }
}

impl Config {
    /// Reads Go-style flags: `--name=value`, `--name value`, `-name value`; booleans alone.
    pub fn parse(argv: &[String]) -> Config {
        let mut c = Config::default();
        if let Err(e) = c.read(argv) {
            c.error = Some(e);
            return c;
        }
        if c.error.is_none() && c.name.is_empty() {
            c.error = Some(
                "unable to get lease lock resource name (missing lease-lock-name flag).".into(),
            );
        }
        // client-go's NewLeaderElector validation (RunOrDie panics).
        if c.error.is_none() {
            if c.lease_duration_ms <= c.renew_deadline_ms {
                c.error = Some("leaseDuration must be greater than renewDeadline".into());
            } else if c.renew_deadline_ms * 10 <= c.retry_period_ms * 12 {
                c.error =
                    Some("renewDeadline must be greater than retryPeriod*JitterFactor".into());
            }
        }
        c
    }

    fn read(&mut self, argv: &[String]) -> Result<(), String> {
        const KNOWN: [&str; 13] = [
            "lease-lock-name",
            "lease-lock-namespace",
            "id",
            "lease-duration",
            "renew-deadline",
            "retry-period",
            "release-on-cancel",
            "lock",
            "group",
            "work-period",
            "fencing",
            "work-file",
            "kubeconfig",
        ];
        for (name, v) in go_flags(argv, &KNOWN, &["release-on-cancel", "fencing"])? {
            match name.as_str() {
                "lease-lock-name" => self.name = v,
                "lease-lock-namespace" => self.namespace = v,
                "id" => self.id = v,
                "lock" => {
                    self.lock = match v.as_str() {
                        "lease" | "leases" => LockKind::Lease,
                        "configmap" | "configmaps" => LockKind::ConfigMap,
                        _ => return Err(format!("invalid value \"{v}\" for flag -lock")),
                    }
                }
                "group" => self.group = v,
                "work-file" => self.work_file = v,
                "release-on-cancel" => self.release_on_cancel = go_bool(&name, &v)?,
                "fencing" => self.fencing = go_bool(&name, &v)?,
                "lease-duration" => self.lease_duration_ms = go_duration_flag(&name, &v)?,
                "renew-deadline" => self.renew_deadline_ms = go_duration_flag(&name, &v)?,
                "retry-period" => self.retry_period_ms = go_duration_flag(&name, &v)?,
                "work-period" => self.work_period_ms = go_duration_flag(&name, &v)?,
                // The example's kubeconfig: in a pod it uses the in-cluster config.
                _ => {}
            }
        }
        Ok(())
    }
}

/// The lock's record as the candidate last saw it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Record {
    holder: String,
    duration_ms: u64,
    acquire: Option<Time>,
    renew: Option<Time>,
    transitions: i32,
    /// The record as stored, to tell whether it changed (client-go compares the raw record).
    raw: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaderElector {
    cfg: Config,
    namespace: String,
    id: String,
    /// The last record seen, and the monotonic time it was seen to change.
    observed: Option<Record>,
    observed_time: u64,
    /// The object last read or written, whose `resourceVersion` the next update carries.
    cached: Option<Object>,
    /// The holder last reported through OnNewLeader.
    reported: Option<String>,
    leading: bool,
    /// When the running renew round gives up (monotonic), if one runs.
    round_deadline: Option<u64>,
    /// The fencing token it got when it acquired.
    token: i64,
    generation: u32,
    /// The generation of the work timer: one per term as leader.
    work_generation: u32,
    stopping: bool,
}

impl LeaderElector {
    /// Whether an image runs this program.
    pub fn runs(image: &str) -> bool {
        super::is_podlab_image(image, "leader-elector")
    }

    pub fn from_args(argv: &[String]) -> LeaderElector {
        LeaderElector {
            cfg: Config::parse(argv),
            ..Default::default()
        }
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Whether it believes it leads.
    pub fn is_leading(&self) -> bool {
        self.leading
    }

    /// `namespace/name`, as client-go's `desc`.
    fn desc(&self) -> String {
        format!("{}/{}", self.namespace, self.cfg.name)
    }

    /// The lock's key in beliefs and in the ground truth's protected resources.
    pub fn lock_key(&self) -> String {
        match self.cfg.lock {
            LockKind::Lease => format!("lease/{}/{}", self.namespace, self.cfg.name),
            LockKind::ConfigMap => format!(
                "configmap/{}/{}/{}",
                self.namespace, self.cfg.name, self.cfg.group
            ),
        }
    }

    fn kind(&self) -> Kind {
        match self.cfg.lock {
            LockKind::Lease => Kind::Lease,
            LockKind::ConfigMap => Kind::ConfigMap,
        }
    }

    fn lock_ref(&self) -> ObjectRef {
        ObjectRef::new(self.kind(), &self.namespace, &self.cfg.name)
    }

    fn pod_key(&self) -> String {
        format!("leader.pod.{}", self.cfg.group)
    }

    fn stamp_key(&self) -> String {
        format!("leader.local.timestamp.{}", self.cfg.group)
    }

    /// The record an object holds (an empty one for a ConfigMap without our keys).
    fn record_of(&self, obj: &Object) -> Record {
        match obj {
            Object::Lease(l) => {
                let s = &l.spec;
                // client-go compares the record's bytes. The lab's times stop at its epoch (a
                // clock set back before it writes the same time twice), so the stored
                // resourceVersion also tells a change.
                Record {
                    holder: s.holder_identity.clone().unwrap_or_default(),
                    duration_ms: s.lease_duration_seconds.unwrap_or(0).max(0) as u64 * 1000,
                    acquire: s.acquire_time,
                    renew: s.renew_time,
                    transitions: s.lease_transitions.unwrap_or(0),
                    raw: format!(
                        "{}|{}|{}|{}|{}|{}",
                        l.metadata.resource_version,
                        s.holder_identity.as_deref().unwrap_or("-"),
                        s.lease_duration_seconds.unwrap_or(-1),
                        s.acquire_time.map_or(-1, |t| t.millis() as i64),
                        s.renew_time.map_or(-1, |t| t.millis() as i64),
                        s.lease_transitions.unwrap_or(-1)
                    ),
                }
            }
            Object::ConfigMap(c) => {
                let holder = c.data.get(&self.pod_key()).cloned().unwrap_or_default();
                let stamp = c.data.get(&self.stamp_key()).cloned().unwrap_or_default();
                Record {
                    raw: format!("{}|{holder}|{stamp}", c.metadata.resource_version),
                    holder,
                    duration_ms: self.cfg.lease_duration_ms,
                    ..Default::default()
                }
            }
            _ => Record::default(),
        }
    }

    /// `obj` (or a new object) holding `rec`.
    fn with_record(&self, obj: Option<&Object>, rec: &Record) -> Object {
        match self.cfg.lock {
            LockKind::Lease => {
                let mut l = match obj {
                    Some(Object::Lease(l)) => (**l).clone(),
                    _ => Lease {
                        metadata: ObjectMeta::named(&self.namespace, &self.cfg.name),
                        ..Default::default()
                    },
                };
                l.spec = LeaseSpec {
                    holder_identity: Some(rec.holder.clone()),
                    lease_duration_seconds: Some((rec.duration_ms / 1000).max(1) as i32),
                    acquire_time: rec.acquire,
                    renew_time: rec.renew,
                    lease_transitions: Some(rec.transitions),
                };
                Object::Lease(Shared::new(l))
            }
            LockKind::ConfigMap => {
                let mut c = match obj {
                    Some(Object::ConfigMap(c)) => (**c).clone(),
                    _ => {
                        let mut c = ConfigMap {
                            metadata: ObjectMeta::named(&self.namespace, &self.cfg.name),
                            ..Default::default()
                        };
                        c.metadata.labels.insert("provider".into(), "camel".into());
                        c.metadata.labels.insert("kind".into(), "locks".into());
                        c
                    }
                };
                c.data.insert(self.pod_key(), rec.holder.clone());
                // Camel's `yyyy-MM-dd'T'HH:mm:ssX`.
                let stamp = rec.renew.map(Time::to_rfc3339).unwrap_or_default();
                c.data.insert(self.stamp_key(), stamp);
                Object::ConfigMap(Shared::new(c))
            }
        }
    }

    fn set_loop(&mut self, host: &mut dyn Host, delay: u64) {
        self.generation = self.generation.wrapping_add(1);
        host.set_timer(delay, (self.generation << 1) | LOOP);
    }

    /// The acquire loop's wait: RetryPeriod plus up to JitterFactor times it.
    fn jittered(&self, host: &mut dyn Host) -> u64 {
        let rp = self.cfg.retry_period_ms;
        rp + host.random_below(rp * JITTER_PERCENT / 100 + 1)
    }

    fn observe(&mut self, rec: Record, now: u64) {
        if self.observed.as_ref().map(|o| &o.raw) != Some(&rec.raw) {
            self.observed = Some(rec);
            self.observed_time = now;
        }
    }

    /// client-go's `tryAcquireOrRenew`. Ok(true) when it holds the lock afterwards.
    fn try_acquire_or_renew(&mut self, host: &mut dyn Host) -> Result<bool, ClientError> {
        let now = host.monotonic();
        // The lab's times stop at its epoch, so a clock set back before it would write the
        // same renewTime twice, which the API server takes as no change at all: step past it.
        let mut wall = Some(Time::at(host.wall_clock()));
        if wall.is_some() && wall == self.observed.as_ref().and_then(|o| o.renew) {
            wall = wall.map(|t| t.plus_millis(1));
        }
        let mut rec = Record {
            holder: self.id.clone(),
            duration_ms: self.cfg.lease_duration_ms,
            acquire: wall,
            renew: wall,
            ..Default::default()
        };
        // 1. Fast path: the leader renews its cached object while its lease is valid.
        if self.leading && self.lease_valid(now) {
            if let (Some(cached), Some(old)) = (self.cached.clone(), self.observed.clone()) {
                rec.acquire = old.acquire;
                rec.transitions = old.transitions;
                let obj = self.with_record(Some(&cached), &rec);
                match host.api_update(obj) {
                    Ok(stored) => {
                        let r = self.record_of(&stored);
                        self.observe(r, now);
                        self.cached = Some(stored);
                        return Ok(true);
                    }
                    Err(ClientError::Timeout) => return Err(ClientError::Timeout),
                    Err(e) => host.stdout(format!(
                        "Failed to update lock optimistically: {}, falling back to slow path",
                        e.message()
                    )),
                }
            }
        }
        // 2. Read the record; create it when there is none.
        let kind = self.kind();
        let current = match host.api_get(kind, &self.namespace, &self.cfg.name) {
            Ok(o) => o,
            Err(ClientError::NotFound(_)) => {
                let obj = self.with_record(None, &rec);
                return match host.api_create(obj) {
                    Ok(stored) => {
                        let r = self.record_of(&stored);
                        self.observe(r, now);
                        self.cached = Some(stored);
                        Ok(true)
                    }
                    Err(ClientError::Timeout) => Err(ClientError::Timeout),
                    Err(e) => {
                        host.stdout(format!(
                            "error initially creating leader election record: {}",
                            e.message()
                        ));
                        Ok(false)
                    }
                };
            }
            Err(ClientError::Timeout) => return Err(ClientError::Timeout),
            Err(e) => {
                host.stdout(format!(
                    "error retrieving resource lock {}: {}",
                    self.desc(),
                    e.message()
                ));
                return Ok(false);
            }
        };
        let old = self.record_of(&current);
        self.observe(old.clone(), now);
        self.cached = Some(current.clone());
        // 3. Someone else holds a lease that has not expired on our clock.
        if !old.holder.is_empty() && self.lease_valid(now) && old.holder != self.id {
            return Ok(false);
        }
        // 4. Take it (or renew it), carrying the resourceVersion we read.
        if old.holder == self.id {
            rec.acquire = old.acquire;
            rec.transitions = old.transitions;
        } else {
            rec.transitions = old.transitions + 1;
        }
        let obj = self.with_record(Some(&current), &rec);
        match host.api_update(obj) {
            Ok(stored) => {
                let r = self.record_of(&stored);
                self.observe(r, now);
                self.cached = Some(stored);
                Ok(true)
            }
            Err(ClientError::Timeout) => Err(ClientError::Timeout),
            Err(e) => {
                host.stdout(format!("Failed to update lock: {}", e.message()));
                Ok(false)
            }
        }
    }

    /// `observedTime + leaseDuration > now`, on our own monotonic clock.
    fn lease_valid(&self, now: u64) -> bool {
        let dur = self
            .observed
            .as_ref()
            .map_or(self.cfg.lease_duration_ms, |o| o.duration_ms);
        self.observed_time.saturating_add(dur) > now
    }

    /// OnNewLeader, when the holder it sees changed.
    fn report_transition(&mut self, host: &mut dyn Host) {
        let Some(holder) = self.observed.as_ref().map(|o| o.holder.clone()) else {
            return;
        };
        if self.reported.as_ref() == Some(&holder) {
            return;
        }
        self.reported = Some(holder.clone());
        // The example's callback prints other leaders only.
        if holder != self.id {
            host.stdout(format!("new leader elected: {holder}"));
        }
    }

    fn start_leading(&mut self, host: &mut dyn Host) {
        self.leading = true;
        self.round_deadline = None;
        self.token = self.observed.as_ref().map_or(0, |o| o.transitions) as i64;
        host.stdout(format!("successfully acquired lease {}", self.desc()));
        let r = self.lock_ref();
        host.api_event(&r, "LeaderElection", &format!("{} became leader", self.id));
        host.stdout("Controller loop...".into());
        self.work_generation = self.work_generation.wrapping_add(1);
        host.set_timer(self.cfg.work_period_ms, (self.work_generation << 1) | WORK);
    }

    fn stop_leading(&mut self, host: &mut dyn Host, why: &str) {
        self.leading = false;
        self.round_deadline = None;
        host.stdout(format!("failed to renew lease {}: {why}", self.desc()));
        let r = self.lock_ref();
        host.api_event(
            &r,
            "LeaderElection",
            &format!("{} stopped leading", self.id),
        );
        host.stdout(format!("leader lost: {}", self.id));
    }

    /// One turn of the acquire loop or of the renew loop.
    fn run_loop(&mut self, host: &mut dyn Host) {
        if self.stopping {
            return;
        }
        let now = host.monotonic();
        let rp = self.cfg.retry_period_ms;
        if self.leading {
            let deadline = *self
                .round_deadline
                .get_or_insert(now + self.cfg.renew_deadline_ms);
            if now >= deadline {
                self.stop_leading(host, "timed out waiting for the condition");
                // The lab's candidate runs again (the example exits and is restarted).
                let d = self.jittered(host);
                self.set_loop(host, d);
                return;
            }
            let result = self.try_acquire_or_renew(host);
            self.report_transition(host);
            let left = deadline - now;
            match result {
                Ok(true) => {
                    self.round_deadline = None;
                    self.set_loop(host, rp);
                }
                Ok(false) => self.set_loop(host, rp.min(left)),
                Err(_) => self.set_loop(host, CLIENT_TIMEOUT_MS.min(left)),
            }
        } else {
            let result = self.try_acquire_or_renew(host);
            self.report_transition(host);
            match result {
                Ok(true) => {
                    self.start_leading(host);
                    self.set_loop(host, rp);
                }
                Ok(false) => {
                    let d = self.jittered(host);
                    self.set_loop(host, d);
                }
                Err(_) => {
                    let d = self.jittered(host);
                    self.set_loop(host, CLIENT_TIMEOUT_MS + d);
                }
            }
        }
    }

    /// The singleton's work: one write to the protected resource.
    fn work(&mut self, host: &mut dyn Host) {
        let token = (self.cfg.fencing && self.cfg.lock == LockKind::Lease).then_some(self.token);
        super::leader_work(host, &self.lock_key(), &self.id, token, &self.cfg.work_file);
    }
}

impl App for LeaderElector {
    fn start(&mut self, host: &mut dyn Host) -> u64 {
        if let Some(e) = &self.cfg.error {
            host.stdout(e.clone());
            return 0;
        }
        self.namespace = if self.cfg.namespace.is_empty() {
            host.pod_namespace()
        } else {
            self.cfg.namespace.clone()
        };
        self.id = if self.cfg.id.is_empty() {
            host.id().to_string()
        } else {
            self.cfg.id.clone()
        };
        host.stdout(format!(
            "attempting to acquire leader lease {}...",
            self.desc()
        ));
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
            // One work timer per leadership; a stale one (from an earlier term) is dropped.
            self.work(host);
            host.set_timer(self.cfg.work_period_ms, timer);
        }
    }

    fn sigterm(&mut self, host: &mut dyn Host) -> Option<u64> {
        if self.stopping {
            return Some(SHUTDOWN_MS);
        }
        self.stopping = true;
        if self.leading {
            self.leading = false;
            if self.cfg.release_on_cancel {
                // Release: holder "", leaseDurationSeconds 1, times now, transitions kept.
                let wall = Some(Time::at(host.wall_clock()));
                if let (Some(cached), Some(old)) = (self.cached.clone(), self.observed.clone()) {
                    let rec = Record {
                        holder: String::new(),
                        duration_ms: 1000,
                        acquire: wall,
                        renew: wall,
                        transitions: old.transitions,
                        raw: String::new(),
                    };
                    let obj = self.with_record(Some(&cached), &rec);
                    if let Err(e) = host.api_update(obj) {
                        host.stdout(format!("Failed to release lock: {}", e.message()));
                    }
                }
            }
            host.stdout(format!("leader lost: {}", self.id));
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
        vec![LockBelief {
            lock: self.lock_key(),
            identity: self.id.clone(),
            leading: self.leading,
            observed_holder: self
                .observed
                .as_ref()
                .map(|o| o.holder.clone())
                .unwrap_or_default(),
            token: self.leading.then_some(self.token),
            // The same sum `lease_valid` compares with its clock.
            expires_at: self
                .observed
                .as_ref()
                .map(|o| self.observed_time.saturating_add(o.duration_ms)),
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
    fn flags_read_like_go_flags() {
        let c = Config::parse(&args(&[
            "--lease-lock-name=lock",
            "-id",
            "web-0",
            "--lease-duration",
            "20s",
            "--release-on-cancel",
            "--lock=configmap",
            "--fencing=false",
        ]));
        assert_eq!(c.error, None);
        assert_eq!(c.name, "lock");
        assert_eq!(c.id, "web-0");
        assert_eq!(c.lease_duration_ms, 20_000);
        assert_eq!(c.renew_deadline_ms, 10_000);
        assert!(c.release_on_cancel);
        assert!(!c.fencing);
        assert_eq!(c.lock, LockKind::ConfigMap);
    }

    #[test]
    fn bad_flags_and_durations_are_refused() {
        let e = |a: &[&str]| Config::parse(&args(a)).error.unwrap_or_default();
        assert_eq!(
            e(&[]),
            "unable to get lease lock resource name (missing lease-lock-name flag)."
        );
        assert_eq!(
            e(&["--lease-lock-name=x", "--frobnicate"]),
            "flag provided but not defined: -frobnicate"
        );
        assert_eq!(
            e(&["--lease-lock-name=x", "--renew-deadline=20s"]),
            "leaseDuration must be greater than renewDeadline"
        );
        assert_eq!(
            e(&["--lease-lock-name=x", "--retry-period=9s"]),
            "renewDeadline must be greater than retryPeriod*JitterFactor"
        );
    }

    #[test]
    fn the_image_is_recognised() {
        assert!(LeaderElector::runs("podlab/leader-elector"));
        assert!(LeaderElector::runs("podlab/leader-elector:1.0"));
        assert!(LeaderElector::runs("docker.io/podlab/leader-elector:1.0"));
        assert!(!LeaderElector::runs("podlab/leader-elector-x"));
    }
}
