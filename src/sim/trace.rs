//! The trace: who acted, what changed and why, plus a stable digest over it.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

use crate::model::{go_duration, Name, ObjectRef};

/// Who did something.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Actor {
    /// A control-plane component: `replicaset-controller`, `default-scheduler`, ... (a thin
    /// reference, so an actor is 16 bytes in each of the trace's entries).
    Controller(&'static &'static str),
    /// The kubelet on a node (shared, so the trace's copy of an actor allocates nothing).
    Kubelet(Name),
    /// A process inside a container (an app model).
    App(Name),
    /// The API server itself (admission, final removal).
    ApiServer,
    /// An injected fault (`lab crash`, `lab partition`, ...).
    Fault,
    /// The learner (`kubectl ...`).
    User,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Controller(c) => f.write_str(c),
            Actor::Kubelet(n) => write!(f, "kubelet/{n}"),
            Actor::App(p) => write!(f, "process/{p}"),
            Actor::ApiServer => f.write_str("kube-apiserver"),
            Actor::Fault => f.write_str("fault"),
            Actor::User => f.write_str("user"),
        }
    }
}

/// What kind of change an entry records, for filtering in the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Created,
    Updated,
    Deleting,
    Deleted,
    /// A Kubernetes Event was recorded (or its count bumped).
    Event,
    /// Ground truth changed: a process started or stopped, a volume was written.
    World,
    /// A fault or user command was received.
    Command,
    /// A write was attempted and failed (conflict, unreachable API, ...).
    Failed,
    /// A routine heartbeat (Lease renewal, node status post): real, but rarely interesting.
    Heartbeat,
}

impl Change {
    /// Whether the UI's "next visible change" should stop here.
    pub fn is_visible(self) -> bool {
        self != Change::Heartbeat
    }
}

/// One entry: at `time`, `actor` acting for `subject` did `what` on `object`, because `why`.
/// Its position in the trace is its index. Compact (88 bytes, from 216): a run of 10,000 pods writes
/// 100,000 entries, so refs are shared with the trace's other entries about the same object, and
/// a text shares the copy of an earlier entry with the very same text (issue 16: three of a
/// pod's ten entries say what every other pod's say, such as `Normal Started: Started container web`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    /// Simulated milliseconds.
    pub time: u64,
    pub actor: Actor,
    /// The object the actor acts for (the ReplicaSet for `replicaset/web`), if any.
    pub subject: Option<Rc<ObjectRef>>,
    /// The object that changed, if any.
    pub object: Option<Rc<ObjectRef>>,
    pub change: Change,
    /// Where `object`'s name was cut out of `text`, if it was (see `what`).
    name_at: Option<u16>,
    /// "created pod web-x2kzq", kept as "created pod " with the name's place in `name_at`.
    text: Name,
    /// "2 of 3 replicas active". May be empty.
    pub why: Name,
}

impl TraceEntry {
    /// "created pod web-x2kzq": the text with the object's name back in its place.
    pub fn what(&self) -> Cow<'_, str> {
        if self.name_at.is_none() {
            return Cow::Borrowed(&self.text);
        }
        let mut s = String::new();
        let _ = self.write_what(&mut s);
        Cow::Owned(s)
    }

    fn write_what(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        let (Some(o), Some(at)) = (&self.object, self.name_at) else {
            return f.write_str(&self.text);
        };
        let (before, after) = self.text.split_at(usize::from(at));
        f.write_str(before)?;
        f.write_str(&o.name)?;
        f.write_str(after)
    }

    /// `replicaset/web`, `kubelet/node-1`, `fault`.
    pub fn actor_label(&self) -> String {
        let mut s = String::new();
        let _ = self.write_actor(&mut s);
        s
    }

    fn write_actor(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match (&self.actor, &self.subject) {
            (Actor::Controller(c), Some(s)) => {
                write!(f, "{}/{}", c.trim_end_matches("-controller"), s.name)
            }
            (a, _) => write!(f, "{a}"),
        }
    }
}

impl fmt::Display for TraceEntry {
    /// `[5m50s] replicaset/web: created pod web-x2kzq (2 of 3 replicas active)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] ", go_duration(self.time))?;
        self.write_actor(f)?;
        f.write_str(": ")?;
        self.write_what(f)?;
        if !self.why.is_empty() {
            write!(f, " ({})", self.why)?;
        }
        Ok(())
    }
}

/// A trace's entries in order, chunk after chunk: one iterator type for every reader.
pub struct Entries<'a> {
    chunks: std::slice::Iter<'a, Vec<TraceEntry>>,
    current: std::slice::Iter<'a, TraceEntry>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = &'a TraceEntry;

    fn next(&mut self) -> Option<&'a TraceEntry> {
        loop {
            if let Some(e) = self.current.next() {
                return Some(e);
            }
            self.current = self.chunks.next()?.iter();
        }
    }
}

/// Entries per chunk of the trace (196 KB on wasm32).
const CHUNK: usize = 4096;

/// The whole trace with a running digest.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Chunks of `CHUNK` entries, the last one filling up. A run of 10,000 pods writes 100,000
    /// entries: one vector would double into a new block of up to 10 MB at a time, leaving the
    /// old one as a hole and a third of the new one unused in the page's memory (issue 16).
    chunks: Vec<Vec<TraceEntry>>,
    len: usize,
    digest: u64,
    /// The refs of recent entries, by hash, so a new entry about the same object shares their
    /// copy. A cache only: a miss costs a copy, never a result.
    ref_cache: RefCache,
}

pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub(crate) fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// FNV-1a as a `fmt::Write` sink.
struct Fnv(u64);

impl fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = fnv(self.0, s.as_bytes());
        Ok(())
    }
}

/// FNV-1a over `parts`, each with its length first so no two part lists run together: the
/// keys of the work queue and of the event recorder.
pub(crate) fn fnv_parts(parts: &[&str]) -> u64 {
    fnv_more(FNV_OFFSET, parts)
}

/// `fnv_parts` going on from the hash `h`.
pub(crate) fn fnv_more(h: u64, parts: &[&str]) -> u64 {
    parts.iter().fold(h, |h, part| {
        fnv(fnv(h, &(part.len() as u64).to_le_bytes()), part.as_bytes())
    })
}

/// Slots in the trace's cache of shared refs: more than the objects a busy run
/// touches at once (a pod's entries span a few seconds).
const SHARED_SLOTS: usize = 1 << 14;

/// Slots in the cache of shared texts: a pod's entries repeat texts of pods seconds before.
const TEXT_SLOTS: usize = 1 << 12;

#[derive(Clone, Debug, Default)]
struct RefCache {
    refs: Vec<Option<Rc<ObjectRef>>>,
    texts: Vec<Option<Name>>,
}

impl RefCache {
    /// The cached copy of `r` if its slot holds one, else a new copy, which takes the slot.
    fn object(&mut self, r: &ObjectRef) -> Rc<ObjectRef> {
        if self.refs.is_empty() {
            self.refs.resize(SHARED_SLOTS, None);
        }
        let hash = fnv_parts(&[r.kind.name(), &r.namespace, &r.name]);
        let slot = &mut self.refs[hash as usize % SHARED_SLOTS];
        match slot {
            Some(rc) if **rc == *r => rc.clone(),
            _ => slot.insert(Rc::new(r.clone())).clone(),
        }
    }

    /// The cached copy of `text` if its slot holds the same text, else `text`, which takes it.
    fn text(&mut self, text: &str) -> Name {
        if text.is_empty() {
            return Name::default();
        }
        if self.texts.is_empty() {
            self.texts.resize(TEXT_SLOTS, None);
        }
        let slot = &mut self.texts[fnv(FNV_OFFSET, text.as_bytes()) as usize % TEXT_SLOTS];
        match slot {
            Some(t) if **t == *text => t.clone(),
            _ => slot.insert(Name::from(text)).clone(),
        }
    }
}

impl Trace {
    pub fn new() -> Self {
        Trace {
            digest: FNV_OFFSET,
            ..Trace::default()
        }
    }

    /// The trace's shared copy of `r`, for a new entry (see `TraceEntry`).
    pub(crate) fn share(&mut self, r: &ObjectRef) -> Rc<ObjectRef> {
        self.ref_cache.object(r)
    }

    /// Adds the entry: at `time`, `actor` acting for `subject` did `what` on `object`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add(
        &mut self,
        time: u64,
        actor: &Actor,
        subject: Option<&ObjectRef>,
        object: Option<&ObjectRef>,
        change: Change,
        what: &str,
        why: &str,
    ) {
        let subject = subject.map(|r| self.share(r));
        let object = object.map(|r| self.share(r));
        // The object's name cut out of the text: "pod  is Running (1/1 ready)" is then one
        // copy for 10,000 pods, where each had its own (issue 16).
        let name = object.as_ref().map_or("", |o| &o.name);
        let name_at = what
            .find(name)
            .filter(|at| !name.is_empty() && *at <= usize::from(u16::MAX));
        let text = match name_at {
            Some(at) => self.share_text(&[&what[..at], &what[at + name.len()..]].concat()),
            None => self.share_text(what),
        };
        let name_at = name_at.map(|at| at as u16);
        let e = TraceEntry {
            time,
            actor: actor.clone(),
            subject,
            object,
            change,
            name_at,
            text,
            why: self.share_text(why),
        };
        self.push(e);
    }

    /// The trace's shared copy of a text, for a new entry (see `TraceEntry`).
    pub(crate) fn share_text(&mut self, text: &str) -> Name {
        self.ref_cache.text(text)
    }

    pub(crate) fn push(&mut self, e: TraceEntry) {
        // The digest covers the time, the actor as written, what and why, and the object ref,
        // all explicit bytes (no usize). The time goes in as its number: formatting it as the
        // line shows it was half of the digest's cost (issue 16).
        let mut h = Fnv(fnv(self.digest, &e.time.to_le_bytes()));
        let _ = e.write_actor(&mut h);
        h.0 = fnv(h.0, &[0]);
        // The text as shown: the digest does not depend on how it is kept.
        let _ = e.write_what(&mut h);
        let mut h = fnv(fnv(h.0, &[0]), e.why.as_bytes());
        if let Some(o) = &e.object {
            h = fnv(h, o.kind.name().as_bytes());
            h = fnv(h, o.namespace.as_bytes());
            h = fnv(h, o.name.as_bytes());
        }
        h = fnv(h, &[e.change as u8, 0xff]);
        self.digest = h;
        self.append(e);
    }

    /// Adds an entry at the end, in a new chunk when the last is full. A chunk gets its whole
    /// room at once (a copied chunk has only its length).
    fn append(&mut self, e: TraceEntry) {
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        if let Some(c) = self.chunks.last_mut() {
            c.reserve_exact(CHUNK - c.len());
            c.push(e);
            self.len += 1;
        }
    }

    /// The entry at `index` (its position from the first).
    pub fn get(&self, index: usize) -> Option<&TraceEntry> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    pub fn last(&self) -> Option<&TraceEntry> {
        self.chunks.last()?.last()
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Entries<'_> {
        self.entries_from(0)
    }

    /// The entries from `index` on (none if the trace is shorter).
    pub fn entries_from(&self, index: usize) -> Entries<'_> {
        let mut chunks = self.chunks.get(index / CHUNK..).unwrap_or_default().iter();
        let current = chunks
            .next()
            .and_then(|c| c.get(index % CHUNK..))
            .unwrap_or_default()
            .iter();
        Entries { chunks, current }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Keeps the first `len` entries.
    fn truncate(&mut self, len: usize) {
        if len >= self.len {
            return;
        }
        let chunks = len.div_ceil(CHUNK);
        self.chunks.truncate(chunks);
        if let Some(c) = self.chunks.last_mut() {
            c.truncate(len - (chunks - 1) * CHUNK);
        }
        self.len = len;
    }

    /// FNV-1a over every entry so far; identical natively and on wasm32.
    pub fn digest(&self) -> u64 {
        self.digest
    }

    pub fn digest_hex(&self) -> String {
        format!("{:016x}", self.digest)
    }

    /// The first `len` entries, with the digest they had (kept by the caller), for restoring a
    /// checkpoint from a longer trace of the same history.
    pub(crate) fn prefix(&self, len: usize, digest: u64) -> Trace {
        let mut t = Trace {
            digest,
            ..Trace::default()
        };
        for e in self.entries().take(len) {
            t.append(e.clone());
        }
        t
    }

    /// Where the trace ends now (its length and digest), for `rewind`.
    pub(crate) fn mark(&self) -> (usize, u64) {
        (self.len, self.digest)
    }

    /// Drops the entries after `mark` and takes its digest back: what a failed command wrote.
    pub(crate) fn rewind(&mut self, (len, digest): (usize, u64)) {
        self.truncate(len);
        self.digest = digest;
    }

    /// Makes this trace follow `current`: drops entries past it (a fork) and appends the ones
    /// it has beyond this trace.
    pub(crate) fn follow(&mut self, current: &Trace) {
        self.truncate(current.len);
        for e in current.entries_from(self.len) {
            self.append(e.clone());
        }
        self.digest = current.digest;
    }

    /// Entries touching `object` (as the changed object or the acting subject).
    pub fn about<'a>(&'a self, object: &'a ObjectRef) -> impl Iterator<Item = &'a TraceEntry> + 'a {
        self.entries().filter(move |e| {
            e.object.as_deref() == Some(object) || e.subject.as_deref() == Some(object)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    fn entry(what: &str) -> TraceEntry {
        TraceEntry {
            time: 350_000,
            actor: Actor::Controller(&"replicaset-controller"),
            subject: Some(ObjectRef::new(Kind::ReplicaSet, "default", "web").into()),
            object: Some(ObjectRef::new(Kind::Pod, "default", "web-x2kzq").into()),
            change: Change::Created,
            name_at: None,
            text: what.into(),
            why: "2 of 3 replicas active".into(),
        }
    }

    #[test]
    fn entries_render_with_actor_and_reason() {
        assert_eq!(
            entry("created pod web-x2kzq").to_string(),
            "[5m50s] replicaset/web: created pod web-x2kzq (2 of 3 replicas active)"
        );
    }

    /// Issue 16: a text is kept with its object's name cut out, so the same text about two pods is
    /// one copy; it reads, prints and digests as written.
    #[test]
    fn a_text_naming_its_object_is_shared_between_objects_and_reads_as_written() {
        let rs = ObjectRef::new(Kind::ReplicaSet, "default", "web");
        let pod = |n: &str| ObjectRef::new(Kind::Pod, "default", n);
        let mut t = Trace::new();
        let mut add = |object: &ObjectRef, what: &str| {
            t.add(
                5,
                &Actor::User,
                Some(&rs),
                Some(object),
                Change::Updated,
                what,
                "",
            )
        };
        for name in ["web-x2kzq", "web-aaaaa"] {
            add(&pod(name), &format!("pod {name} is Running (1/1 ready)"));
        }
        // A name twice, and a text without its object's name.
        add(&pod("p"), "p is p");
        add(&pod("p"), "node-1 restarted");
        let e: Vec<&TraceEntry> = t.entries().collect();
        assert_eq!(e[0].what(), "pod web-x2kzq is Running (1/1 ready)");
        assert_eq!(e[1].what(), "pod web-aaaaa is Running (1/1 ready)");
        assert!(std::ptr::eq(e[0].text.as_str(), e[1].text.as_str()));
        assert_eq!(
            (e[2].what(), e[3].what()),
            ("p is p".into(), "node-1 restarted".into())
        );
        assert_eq!(e[3].name_at, None);
        assert!(e[1]
            .to_string()
            .ends_with("] user: pod web-aaaaa is Running (1/1 ready)"));
        // The digest is that of the texts as shown.
        let mut u = Trace::new();
        for x in &e {
            let mut copy = (*x).clone();
            copy.text = copy.what().into_owned().as_str().into();
            copy.name_at = None;
            u.push(copy);
        }
        assert_eq!(t.digest(), u.digest());
    }

    #[test]
    fn digest_depends_on_every_entry() {
        let mut a = Trace::new();
        let mut b = Trace::new();
        a.push(entry("created pod web-x2kzq"));
        b.push(entry("created pod web-x2kzq"));
        assert_eq!(a.digest(), b.digest());
        a.push(entry("created pod web-aaaaa"));
        b.push(entry("created pod web-bbbbb"));
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn rewind_takes_back_what_came_after_the_mark() {
        let mut t = Trace::new();
        t.push(entry("created pod web-x2kzq"));
        let (len, digest) = (t.len(), t.digest());
        let mark = t.mark();
        t.push(entry("created pod web-aaaaa"));
        t.push(entry("created pod web-bbbbb"));
        t.rewind(mark);
        assert_eq!((t.len(), t.digest()), (len, digest));
        // And it goes on exactly as a trace that never had them.
        let mut u = Trace::new();
        u.push(entry("created pod web-x2kzq"));
        t.push(entry("created pod web-ccccc"));
        u.push(entry("created pod web-ccccc"));
        assert_eq!(t.digest(), u.digest());
    }

    /// Issue 16: the trace is kept in chunks. Reads, rewinds, copies of a prefix and
    /// following another trace each give what one list would, on either side of a chunk's end.
    #[test]
    fn a_trace_of_many_chunks_reads_rewinds_and_follows_as_one_list() {
        let n = 2 * CHUNK + 5;
        let mut t = Trace::new();
        let mut marks = Vec::new();
        for i in 0..n {
            marks.push(t.mark());
            t.push(entry(&format!("entry {i}")));
        }
        assert_eq!(t.len(), n);
        assert_eq!(t.chunks.len(), 3);
        assert!(t.chunks.iter().all(|c| c.capacity() == CHUNK));
        let text = |e: Option<&TraceEntry>| e.map(|e| e.what().into_owned());
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK, n - 1] {
            assert_eq!(text(t.get(i)), Some(format!("entry {i}")));
            assert_eq!(text(t.entries_from(i).next()), Some(format!("entry {i}")));
            assert_eq!(t.entries_from(i).count(), n - i);
        }
        assert_eq!(t.get(n), None);
        assert_eq!(t.entries_from(n + 3).count(), 0);
        assert_eq!(text(t.last()), Some(format!("entry {}", n - 1)));
        assert_eq!(text(t.entries().last()), Some(format!("entry {}", n - 1)));
        // A rewind to the end of a chunk, and into the middle of the first.
        let full = t.clone();
        for cut in [CHUNK, CHUNK + 1, 7] {
            let mut r = full.clone();
            r.rewind(marks[cut]);
            assert_eq!(r.len(), cut);
            assert_eq!(r.entries().count(), cut);
            assert_eq!(text(r.last()), Some(format!("entry {}", cut - 1)));
            // A copy of the same prefix is the same trace, and pushes alike.
            let mut p = full.prefix(cut, marks[cut].1);
            assert_eq!((p.len(), p.digest()), (r.len(), r.digest()));
            let mut q = r.clone();
            q.push(entry("next"));
            p.push(entry("next"));
            assert_eq!(q.digest(), p.digest());
            assert!(q.entries().eq(p.entries()));
            // The full trace following its prefix (a fork) becomes the prefix...
            let mut f = full.clone();
            f.follow(&r);
            assert_eq!((f.len(), f.digest()), (r.len(), r.digest()));
            assert!(f.entries().eq(r.entries()));
            // ...and the prefix following the full trace gets it back entry for entry.
            r.follow(&full);
            assert_eq!((r.len(), r.digest()), (full.len(), full.digest()));
            assert!(r.entries().eq(full.entries()));
        }
    }

    /// A run of 10,000 pods keeps 100,000 entries (issue 16): the entry stays compact (64
    /// bytes: its texts and the name in its actor are thin `Name`s, a controller a thin `&&str`).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn an_entry_is_compact() {
        assert_eq!(std::mem::size_of::<TraceEntry>(), 64);
        let mut t = Trace::new();
        t.push(entry("created pod web-x2kzq"));
        let r = ObjectRef::new(Kind::Pod, "default", "web-x2kzq");
        // A new entry about the same object shares the trace's copy of its ref.
        let shared = t.share(&r);
        assert!(Rc::ptr_eq(&shared, &t.share(&r)));
        assert_eq!(*shared, r);
    }

    #[test]
    fn digest_is_pinned() {
        // FNV-1a is fixed; a change here means the digest format changed on purpose.
        let mut t = Trace::new();
        assert_eq!(t.digest(), FNV_OFFSET);
        t.push(entry("created pod web-x2kzq"));
        let d = t.digest();
        let mut t2 = Trace::new();
        t2.push(entry("created pod web-x2kzq"));
        assert_eq!(d, t2.digest());
        assert_eq!(fnv(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
