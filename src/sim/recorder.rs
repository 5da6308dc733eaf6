//! client-go's event recorder (`tools/record`), through which the kubelet and the controller
//! manager's controllers send their Events. Its correlator (`tools/record/events_cache.go`)
//! does three things before an Event reaches the API server:
//! - the logger counts an Event that repeats (same source, object, type, reason and message)
//!   into the one Event, `count` up, even when the spam filter then drops the write;
//! - the aggregator combines similar Events (the same but for the message): from the 10th
//!   distinct message in a window that ends 10 minutes after the last one, they go to one Event
//!   whose message is `(combined from similar events): ` and the latest message;
//! - the spam filter lets a source send 25 Events about an object, then one per 5 minutes.
//!
//! A ReplicaSet of 10,000 pods therefore keeps nine `Created pod: ...` Events and one combined
//! Event, not 10,000. The scheduler records through the newer events API (`tools/events`),
//! which has none of the three (`Recorder::record`'s `correlate`).

use super::rng::HashMap;
use super::trace::{fnv, fnv_more, fnv_parts};

/// The 10th distinct message of similar Events is combined (`defaultAggregateMaxEvents`).
const AGGREGATE_MAX_EVENTS: usize = 10;
/// Similar Events further apart than 600 s start a new window
/// (`defaultAggregateIntervalInSeconds`).
const AGGREGATE_INTERVAL_MS: u64 = 600_000;
/// A source may send 25 Events about one object at once (`defaultSpamBurst`)...
const SPAM_BURST: u64 = 25;
/// ...and gets one more every 300 s (`defaultSpamQPS`, 1/300: as a `float32` it is 9 us
/// shorter, below the engine's millisecond).
const SPAM_PERIOD_MS: u64 = 300_000;
/// What a combined Event's message starts with (`EventAggregatorByReasonMessageFunc`).
pub(crate) const COMBINED: &str = "(combined from similar events): ";

/// One record of the correlator, under a hash of its role and its parts (`Recorder::key`).
/// Plain numbers only, so the map copies and drops without a walk over its entries; 16 bytes,
/// as a run of 10,000 pods keeps 110,000 of them (issue 16).
#[derive(Clone, Copy, Debug)]
enum Entry {
    /// The logger's `eventLog`: the Event's name (its object's name and these nanoseconds) and
    /// how often it happened. The nanoseconds are those of the millisecond it first happened
    /// plus fewer than a million, so they say that millisecond too (`Recorder::first`).
    Logged { nanos: u64, count: i32 },
    /// The aggregator's `aggregateRecord`: its window of similar Events (a number of the
    /// recorder's), when the last came, and how many distinct messages it has seen (at most
    /// nine are kept).
    Similar {
        last: u64,
        window: u32,
        distinct: u8,
    },
    /// A message of a window of similar Events: the window that saw it.
    Seen { window: u32 },
    /// The spam filter's token bucket, as the time it is full again (none is taken after it).
    Bucket { full_at: u64 },
    /// How often a source's process started: each start has caches of its own.
    Started { times: u64 },
}

/// The recorders' state: one map for all sources, as each key names its source. Its entries
/// stay, as the Events do (upstream keeps 4,096 per recorder, which only matters for a source
/// with more objects than that and a repeat after it forgot one).
#[derive(Clone, Debug, Default)]
pub(crate) struct Recorder {
    entries: HashMap<u64, Entry>,
    /// (ms, Events named in that ms): the nanoseconds that keep Event names in creation order.
    clock: (u64, u64),
    /// The windows of similar Events opened so far (`Entry::Similar`).
    windows: u32,
}

/// What the recorder makes of one Event.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Recorded {
    /// The Event's name is its object's name, a dot and these nanoseconds in hex.
    pub nanos: u64,
    /// Its `count` and its first time (ms).
    pub count: i32,
    pub first: u64,
    /// The combined Event: its message gets `COMBINED` before it.
    pub combined: bool,
    /// Whether the write reaches the API server (the spam filter's verdict).
    pub sent: bool,
}

impl Recorder {
    /// The key of a record: its role, then its source and object (hashed once per Event),
    /// then the rest of its parts.
    fn key(role: &str, source: u64, more: &[&str]) -> u64 {
        fnv_more(fnv(fnv_parts(&[role]), &source.to_le_bytes()), more)
    }

    /// Runs an Event through the recorder at `now` (ms; `now_nanos` is the same instant since
    /// the Unix epoch). `source` is the component, host, and the object's kind, namespace,
    /// name and uid. Without `correlate` (the scheduler) only the logger counts repeats.
    pub(crate) fn record(
        &mut self,
        source: &[&str],
        type_: &str,
        reason: &str,
        message: &str,
        (now, now_nanos): (u64, u64),
        correlate: bool,
    ) -> Recorded {
        let source = self.source(source);
        let combined = correlate && self.similar(source, [type_, reason, message], now);
        let key = if combined {
            Self::key("combined", source, &[type_, reason])
        } else {
            Self::key("event", source, &[type_, reason, message])
        };
        let (nanos, count) = match self.entries.get(&key) {
            Some(&Entry::Logged { nanos, count }) => (nanos, count.saturating_add(1)),
            _ => {
                let (ms, n) = self.clock;
                let n = if ms == now { n + 1 } else { 0 };
                self.clock = (now, n);
                (now_nanos + n, 1)
            }
        };
        self.entries.insert(key, Entry::Logged { nanos, count });
        // The millisecond of `nanos`: `now_nanos` is `now` in nanoseconds from a fixed epoch.
        let first = (nanos - (now_nanos - now * 1_000_000)) / 1_000_000;
        let sent = !correlate || self.take_token(Self::key("bucket", source, &[]), now);
        Recorded {
            nanos,
            count,
            first,
            combined,
            sent,
        }
    }

    /// The aggregator (`EventAggregate`): whether this Event is to be combined with the
    /// similar ones before it.
    fn similar(&mut self, source: u64, [type_, reason, message]: [&str; 3], now: u64) -> bool {
        let key = Self::key("similar", source, &[type_, reason]);
        let (window, mut distinct) = match self.entries.get(&key) {
            Some(&Entry::Similar {
                last,
                window,
                distinct,
            }) if now - last <= AGGREGATE_INTERVAL_MS => (window, distinct),
            _ => {
                self.windows += 1;
                (self.windows, 0)
            }
        };
        let seen = Self::key("seen", source, &[type_, reason, message]);
        let new =
            !matches!(self.entries.get(&seen), Some(Entry::Seen { window: w }) if *w == window);
        // Upstream adds the 10th message and pops any one of the set; the first nine stay
        // here, so the engine stays deterministic.
        let combined = new && distinct as usize + 1 >= AGGREGATE_MAX_EVENTS;
        if new && !combined {
            distinct += 1;
            self.entries.insert(seen, Entry::Seen { window });
        }
        self.entries.insert(
            key,
            Entry::Similar {
                last: now,
                window,
                distinct,
            },
        );
        combined
    }

    /// The logged Event of this repeat's key, if any: the name's nanoseconds.
    pub(crate) fn logged(
        &self,
        source: &[&str],
        type_: &str,
        reason: &str,
        message: &str,
    ) -> Option<u64> {
        let key = Self::key("event", self.source(source), &[type_, reason, message]);
        match self.entries.get(&key) {
            Some(Entry::Logged { nanos, .. }) => Some(*nanos),
            _ => None,
        }
    }

    /// A source's process started again (a kubelet after its node's reboot): its caches start
    /// empty, so what it sends next opens new Events, windows and buckets.
    pub(crate) fn restart(&mut self, component: &str, host: &str) {
        let key = Self::key("started", fnv_parts(&[component, host]), &[]);
        let times = self.started(key) + 1;
        self.entries.insert(key, Entry::Started { times });
    }

    fn started(&self, key: u64) -> u64 {
        match self.entries.get(&key) {
            Some(&Entry::Started { times }) => times,
            _ => 0,
        }
    }

    /// The hash of a source (component and host first) and object, in its process's current
    /// start. The component and host are hashed once: the hash of all the parts goes on from
    /// theirs (`fnv_parts` is a fold).
    fn source(&self, source: &[&str]) -> u64 {
        let (process, object) = source.split_at(2);
        let process = fnv_parts(process);
        let started = self.started(Self::key("started", process, &[]));
        fnv(fnv_more(process, object), &started.to_le_bytes())
    }

    /// The spam filter's token bucket (`TryAccept`), kept as the time it is full again.
    fn take_token(&mut self, key: u64, now: u64) -> bool {
        let full_at = match self.entries.get(&key) {
            Some(&Entry::Bucket { full_at }) => full_at.max(now),
            _ => now,
        };
        if full_at - now > (SPAM_BURST - 1) * SPAM_PERIOD_MS {
            return false;
        }
        self.entries.insert(
            key,
            Entry::Bucket {
                full_at: full_at + SPAM_PERIOD_MS,
            },
        );
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_takes_16_bytes() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
    }

    const RS: [&str; 6] = [
        "replicaset-controller",
        "",
        "ReplicaSet",
        "default",
        "web",
        "u1",
    ];

    fn at(now: u64) -> (u64, u64) {
        (now, now * 1_000_000)
    }

    #[test]
    fn the_tenth_distinct_message_is_combined_and_counted_into_one_event() {
        // events_cache.go: similar Events are combined from the 10th distinct message on.
        let mut r = Recorder::default();
        for i in 0..9 {
            let got = r.record(
                &RS,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: web-{i}"),
                at(i),
                true,
            );
            assert!(!got.combined && got.sent && got.count == 1, "{i}: {got:?}");
        }
        let tenth = r.record(
            &RS,
            "Normal",
            "SuccessfulCreate",
            "Created pod: web-9",
            at(9),
            true,
        );
        assert!(tenth.combined && tenth.count == 1, "{tenth:?}");
        let eleventh = r.record(
            &RS,
            "Normal",
            "SuccessfulCreate",
            "Created pod: web-10",
            at(10),
            true,
        );
        assert_eq!(
            (eleventh.combined, eleventh.count, eleventh.nanos),
            (true, 2, tenth.nanos)
        );
        // One of the first nine again is its own Event's repeat.
        let again = r.record(
            &RS,
            "Normal",
            "SuccessfulCreate",
            "Created pod: web-3",
            at(11),
            true,
        );
        assert_eq!((again.combined, again.count, again.first), (false, 2, 3));
    }

    #[test]
    fn the_spam_filter_lets_25_through_then_one_per_five_minutes_and_the_logger_counts_on() {
        let pod: [&str; 6] = ["kubelet", "node-1", "Pod", "default", "web-0", "u2"];
        let mut r = Recorder::default();
        let mut sent = 0;
        for i in 0..40 {
            let got = r.record(
                &pod,
                "Warning",
                "BackOff",
                "Back-off restarting failed container",
                at(i * 1000),
                true,
            );
            assert_eq!(
                got.count,
                i as i32 + 1,
                "the logger counts dropped writes too"
            );
            sent += i32::from(got.sent);
        }
        assert_eq!(sent, 25);
        let early = r.record(
            &pod,
            "Warning",
            "BackOff",
            "Back-off restarting failed container",
            at(299_999),
            true,
        );
        assert!(!early.sent);
        let refilled = r.record(
            &pod,
            "Warning",
            "BackOff",
            "Back-off restarting failed container",
            at(300_000),
            true,
        );
        assert_eq!((refilled.sent, refilled.count), (true, 42));
        // The scheduler's recorder has no filter.
        let sched: [&str; 6] = ["default-scheduler", "", "Pod", "default", "web-0", "u2"];
        assert!((0..40).all(|i| r
            .record(
                &sched,
                "Warning",
                "FailedScheduling",
                "0/3 nodes",
                at(i),
                false
            )
            .sent));
    }

    #[test]
    fn a_restarted_source_starts_new_events() {
        // A kubelet process that starts again has empty caches: no count on the old Event.
        let pod: [&str; 6] = ["kubelet", "node-1", "Pod", "default", "web-0", "u3"];
        let mut r = Recorder::default();
        let first = r.record(
            &pod,
            "Normal",
            "Started",
            "Started container web",
            at(1),
            true,
        );
        assert_eq!(
            r.record(
                &pod,
                "Normal",
                "Started",
                "Started container web",
                at(2),
                true
            )
            .count,
            2
        );
        r.restart("kubelet", "node-1");
        let after = r.record(
            &pod,
            "Normal",
            "Started",
            "Started container web",
            at(3),
            true,
        );
        assert_eq!(after.count, 1);
        assert_ne!(after.nanos, first.nanos);
        // Another node's kubelet keeps its own.
        let other: [&str; 6] = ["kubelet", "node-2", "Pod", "default", "web-1", "u4"];
        r.record(
            &other,
            "Normal",
            "Started",
            "Started container web",
            at(4),
            true,
        );
        r.restart("kubelet", "node-1");
        assert_eq!(
            r.record(
                &other,
                "Normal",
                "Started",
                "Started container web",
                at(5),
                true
            )
            .count,
            2
        );
    }

    #[test]
    fn a_window_ends_600_s_after_the_last_similar_event() {
        let mut r = Recorder::default();
        for i in 0..9 {
            r.record(
                &RS,
                "Normal",
                "SuccessfulDelete",
                &format!("Deleted pod: a{i}"),
                at(0),
                true,
            );
        }
        let late = r.record(
            &RS,
            "Normal",
            "SuccessfulDelete",
            "Deleted pod: b",
            at(600_001),
            true,
        );
        assert!(!late.combined, "a new window");
        for i in 0..8 {
            r.record(
                &RS,
                "Normal",
                "SuccessfulDelete",
                &format!("Deleted pod: c{i}"),
                at(600_500),
                true,
            );
        }
        let tenth = r.record(
            &RS,
            "Normal",
            "SuccessfulDelete",
            "Deleted pod: d",
            at(601_000),
            true,
        );
        assert!(tenth.combined);
    }
}
