//! The lock services outside Kubernetes that in-application locks use, as they really are:
//! Dapr's lock store (a `lock.redis` component, ref §7.3) and a ZooKeeper ensemble (ref §7.5).
//! They sit in the ground truth on the control plane's side of the network, so a client reaches
//! them exactly when it reaches the API server (`lab partition`, `lab cut` cut it off).
//!
//! Both judge time on true time (the store's own clock): a Dapr lock expires `expiryInSeconds`
//! after it was set; the ensemble expires a session it has not heard from within its timeout,
//! at its next tick (sessions expire in buckets of `tickTime`, as ZooKeeper's `ExpiryQueue`).

use super::apps::UnlockStatus;

/// The ensemble's `tickTime` (the sample `zoo.cfg`'s 2000 ms).
pub const ZK_TICK_MS: u64 = 2_000;

/// One lock in Dapr's store: the Redis key `resourceId` holding `lockOwner` with a TTL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaprLock {
    pub store: String,
    pub resource: String,
    pub owner: String,
    /// True time it was set and when its TTL runs out.
    pub acquired_at: u64,
    pub expires_at: u64,
}

/// A session as the ensemble keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZkSession {
    pub id: u64,
    pub timeout_ms: u64,
    /// True time the ensemble last heard from it.
    pub last_heard: u64,
    /// The client process and its pod.
    pub pid: u64,
    pub pod: String,
}

impl ZkSession {
    /// When the ensemble expires it: its deadline rounded up to the next tick.
    pub fn expires_at(&self) -> u64 {
        (self.last_heard + self.timeout_ms).div_ceil(ZK_TICK_MS) * ZK_TICK_MS
    }
}

/// An ephemeral znode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Znode {
    pub path: String,
    /// The owning session (`ephemeralOwner`).
    pub owner: u64,
    /// The transaction that created it, and its sequence number (the parent's `cversion`).
    pub czxid: i64,
    pub sequence: i64,
    pub data: String,
}

/// The ZooKeeper ensemble: sessions, ephemeral nodes and exists-watches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
/// Small, so plain vectors kept in order (ids and paths ascending) rather than more map code.
pub struct Ensemble {
    pub sessions: Vec<ZkSession>,
    pub znodes: Vec<Znode>,
    /// Each parent's `cversion`: bumped by every child created or deleted.
    cversions: Vec<(String, i64)>,
    pub zxid: i64,
    next_session: u64,
    /// Whether the session tracker's tick is scheduled.
    pub(crate) ticking: bool,
    /// (session, path) exists-watches, each fired once.
    watches: Vec<(u64, String)>,
}

/// Every lock service in the cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockStores {
    /// By store and resource (expired locks stay until they are taken again).
    dapr: Vec<DaprLock>,
    pub zk: Ensemble,
}

impl LockStores {
    /// `SET resource owner NX EX expiry`: true when the key was free (or its TTL ran out).
    pub(crate) fn try_lock(
        &mut self,
        now: u64,
        store: &str,
        resource: &str,
        owner: &str,
        expiry_s: u64,
    ) -> bool {
        let lock = DaprLock {
            store: store.to_string(),
            resource: resource.to_string(),
            owner: owner.to_string(),
            acquired_at: now,
            expires_at: now + expiry_s.saturating_mul(1000),
        };
        match self.find(store, resource) {
            Ok(i) if self.dapr[i].expires_at > now => return false,
            Ok(i) => self.dapr[i] = lock,
            Err(i) => self.dapr.insert(i, lock),
        }
        true
    }

    /// Deletes the key if `owner` holds it (the Redis script of `lock.redis`).
    pub(crate) fn unlock(
        &mut self,
        now: u64,
        store: &str,
        resource: &str,
        owner: &str,
    ) -> UnlockStatus {
        match self.find(store, resource) {
            Ok(i) if self.dapr[i].expires_at > now && self.dapr[i].owner == owner => {
                self.dapr.remove(i);
                UnlockStatus::Success
            }
            Ok(i) if self.dapr[i].expires_at > now => UnlockStatus::LockBelongsToOthers,
            _ => UnlockStatus::LockDoesNotExist,
        }
    }

    fn find(&self, store: &str, resource: &str) -> Result<usize, usize> {
        self.dapr
            .binary_search_by(|l| (l.store.as_str(), l.resource.as_str()).cmp(&(store, resource)))
    }

    /// Every Dapr lock set so far (expired ones too: their `expires_at` says so).
    pub fn dapr_locks(&self) -> impl Iterator<Item = &DaprLock> {
        self.dapr.iter()
    }
}

impl Ensemble {
    /// Opens a session, its timeout clamped to [2, 20] ticks as the server negotiates it.
    pub(crate) fn connect(&mut self, now: u64, timeout_ms: u64, pid: u64, pod: &str) -> ZkSession {
        self.next_session += 1;
        self.zxid += 1;
        // Server id 1 in the top byte, as a one-server ensemble numbers them.
        let id = (1u64 << 56) | self.next_session;
        let s = ZkSession {
            id,
            timeout_ms: timeout_ms.clamp(2 * ZK_TICK_MS, 20 * ZK_TICK_MS),
            last_heard: now,
            pid,
            pod: pod.to_string(),
        };
        self.sessions.push(s.clone());
        s
    }

    /// The ensemble hears from `session`; false when it is gone.
    pub(crate) fn touch(&mut self, now: u64, session: u64) -> bool {
        match self.sessions.iter_mut().find(|s| s.id == session) {
            Some(s) => {
                s.last_heard = now;
                true
            }
            None => false,
        }
    }

    pub(crate) fn create_sequential(
        &mut self,
        session: u64,
        parent: &str,
        prefix: &str,
        data: &str,
    ) -> String {
        let parent = parent.trim_end_matches('/');
        let sequence = self.bump(parent);
        self.zxid += 1;
        let path = format!("{parent}/{prefix}{sequence:010}");
        let at = self.znodes.partition_point(|z| z.path < path);
        self.znodes.insert(
            at,
            Znode {
                path: path.clone(),
                owner: session,
                czxid: self.zxid,
                sequence,
                data: data.to_string(),
            },
        );
        path
    }

    /// Bumps `parent`'s cversion; returns the value before.
    fn bump(&mut self, parent: &str) -> i64 {
        match self.cversions.iter_mut().find(|(p, _)| p == parent) {
            Some((_, v)) => {
                *v += 1;
                *v - 1
            }
            None => {
                self.cversions.push((parent.to_string(), 1));
                0
            }
        }
    }

    /// The children of `parent` (name, data), sorted by name.
    pub fn children(&self, parent: &str) -> Vec<(String, String)> {
        let prefix = format!("{}/", parent.trim_end_matches('/'));
        self.znodes
            .iter()
            .filter_map(|z| {
                let name = z.path.strip_prefix(&prefix)?;
                (!name.contains('/')).then(|| (name.to_string(), z.data.clone()))
            })
            .collect()
    }

    /// `exists` with a watch; a watch is set only on a node that exists (what the recipe asks).
    pub(crate) fn exists_watch(&mut self, session: u64, path: &str) -> bool {
        let exists = self.znodes.iter().any(|z| z.path == path);
        if exists && !self.watches.iter().any(|(s, p)| *s == session && p == path) {
            self.watches.push((session, path.to_string()));
        }
        exists
    }

    /// Deletes `path`; returns the pids whose watches fire.
    pub(crate) fn delete(&mut self, path: &str) -> Vec<u64> {
        let Some(i) = self.znodes.iter().position(|z| z.path == path) else {
            return Vec::new();
        };
        self.znodes.remove(i);
        self.zxid += 1;
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.bump(parent);
        }
        let mut fired = Vec::new();
        let sessions = &self.sessions;
        self.watches.retain(|(s, p)| {
            if p != path {
                return true;
            }
            if let Some(x) = sessions.iter().find(|x| x.id == *s) {
                fired.push(x.pid);
            }
            false
        });
        fired
    }

    /// Ends `session` (closed or expired): its ephemeral nodes go. Returns the deleted paths
    /// and the pids whose watches fire.
    pub(crate) fn end_session(&mut self, session: u64) -> (Vec<String>, Vec<u64>) {
        let owned: Vec<String> = self
            .znodes
            .iter()
            .filter(|z| z.owner == session)
            .map(|z| z.path.clone())
            .collect();
        let mut fired = Vec::new();
        for p in &owned {
            fired.extend(self.delete(p));
        }
        self.sessions.retain(|s| s.id != session);
        self.watches.retain(|(s, _)| *s != session);
        self.zxid += 1;
        (owned, fired)
    }

    /// The sessions whose deadline has passed at `now`, oldest id first.
    pub(crate) fn due(&self, now: u64) -> Vec<u64> {
        self.sessions
            .iter()
            .filter(|s| s.expires_at() <= now)
            .map(|s| s.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dapr_lock_is_set_if_absent_and_expires_by_its_ttl() {
        let mut s = LockStores::default();
        assert!(s.try_lock(0, "lockstore", "r", "a", 15));
        // ref §7.3: even its owner cannot take it again while it is set.
        assert!(!s.try_lock(1_000, "lockstore", "r", "a", 15));
        assert!(!s.try_lock(14_999, "lockstore", "r", "b", 15));
        assert_eq!(
            s.unlock(2_000, "lockstore", "r", "b"),
            UnlockStatus::LockBelongsToOthers
        );
        assert!(s.try_lock(15_000, "lockstore", "r", "b", 15));
        assert_eq!(
            s.unlock(16_000, "lockstore", "r", "a"),
            UnlockStatus::LockBelongsToOthers
        );
        assert_eq!(
            s.unlock(16_000, "lockstore", "r", "b"),
            UnlockStatus::Success
        );
        assert_eq!(
            s.unlock(16_000, "lockstore", "r", "b"),
            UnlockStatus::LockDoesNotExist
        );
        assert!(s.try_lock(16_000, "other", "r", "c", 1));
        assert_eq!(
            s.unlock(17_000, "other", "r", "c"),
            UnlockStatus::LockDoesNotExist
        );
    }

    #[test]
    fn zookeeper_sequences_watches_and_expiry() {
        let mut e = Ensemble::default();
        // ref §7.5: the timeout is clamped to [2, 20] ticks.
        let short = e.connect(0, 1_000, 1, "a");
        assert_eq!(short.timeout_ms, 4_000);
        assert_eq!(e.due(4_000), vec![short.id]);
        e.end_session(short.id);
        let a = e.connect(0, 10_000, 1, "a");
        let b = e.connect(0, 10_000, 2, "b");
        assert_eq!(a.timeout_ms, 10_000);
        assert_eq!(format!("0x{:x}", b.id), "0x100000000000003");
        let pa = e.create_sequential(a.id, "/election", "lock-", "a");
        let pb = e.create_sequential(b.id, "/election", "lock-", "b");
        assert_eq!(pa, "/election/lock-0000000000");
        assert_eq!(pb, "/election/lock-0000000001");
        assert_eq!(
            e.children("/election"),
            [
                ("lock-0000000000".to_string(), "a".to_string()),
                ("lock-0000000001".to_string(), "b".to_string())
            ]
        );
        assert!(e.exists_watch(b.id, &pa));
        assert!(!e.exists_watch(b.id, "/election/lock-0000000009"));
        // Heard at 3 s: due at 13 s, expired at the 14 s tick.
        assert!(e.touch(3_000, a.id));
        assert!(e.touch(13_000, b.id));
        assert_eq!(e.due(12_000), Vec::<u64>::new());
        assert_eq!(e.due(14_000), vec![a.id]);
        let (gone, fired) = e.end_session(a.id);
        assert_eq!(gone, [pa]);
        assert_eq!(fired, [2]);
        assert!(!e.touch(14_000, a.id));
        // The parent's cversion counted the delete too.
        let pc = e.create_sequential(b.id, "/election", "lock-", "b");
        assert_eq!(pc, "/election/lock-0000000003");
    }
}
