//! Object metadata, references and timestamps shared by every kind.

use std::borrow::Cow;

use super::Name;
use std::fmt;

use crate::sorted::SortedMap;
use podlab_derive::{Decode, Encode};
use serde::{Deserialize, Deserializer};

/// A text the engine mostly sets to one of a few constants (`v1`, `Pod`, `True`, `Normal`,
/// `kubelet`): the constant is borrowed, not copied, so an Event or a pod status written
/// thousands of times allocates none of them (issue 16). Text read from a manifest is owned.
pub type Str = Cow<'static, str>;

/// Namespaces every cluster has: a namespace with one of these names is a static `Name`,
/// whether the engine set it or a manifest did, so the keys and references of 10,000 pods in
/// `default` copy no namespace (issue 16).
const WELL_KNOWN_NAMESPACES: [Name; 4] = [
    Name(arcstr::literal!("default")),
    Name(arcstr::literal!("kube-system")),
    Name(arcstr::literal!("kube-node-lease")),
    Name(arcstr::literal!("kube-public")),
];

fn well_known_namespace(s: &str) -> Option<Name> {
    WELL_KNOWN_NAMESPACES.iter().find(|w| **w == *s).cloned()
}

/// `s` as a namespace: static if it is a namespace every cluster has, else a new `Name`.
pub fn namespace(s: &str) -> Name {
    well_known_namespace(s).unwrap_or_else(|| Name::from(s))
}

/// `n` as a namespace, shared: static if it is a namespace every cluster has, else `n` itself
/// (a key made from an object's own namespace copies no text).
pub fn namespace_of(n: &Name) -> Name {
    well_known_namespace(n).unwrap_or_else(|| n.clone())
}

/// The namespace the API server stores for one written as `s`: an empty one is `default`, one
/// every cluster has is static, and any other keeps its own text (no copy).
pub fn stored_namespace(s: Name) -> Name {
    if s.is_empty() {
        return WELL_KNOWN_NAMESPACES[0].clone();
    }
    well_known_namespace(&s).unwrap_or(s)
}

/// A point in simulated time: milliseconds since the simulation epoch (`Time::at`).
///
/// The epoch prints as `2025-01-01T00:00:00Z`, so timestamps read like a real cluster's.
/// Held as the milliseconds' bitwise complement, never zero, so an `Option<Time>` is 8
/// bytes, not 16: a pod and its Events keep 33 of them (issue 16).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time(std::num::NonZeroU64);

impl Default for Time {
    fn default() -> Self {
        Time::at(0)
    }
}

impl Ord for Time {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.millis().cmp(&other.millis())
    }
}

impl PartialOrd for Time {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Time").field(&self.millis()).finish()
    }
}

/// Days from 1970-01-01 to the simulation epoch, 2025-01-01.
const EPOCH_DAYS: i64 = 20089;

impl Time {
    /// `ms` milliseconds after the epoch (`u64::MAX` is kept as `u64::MAX - 1`).
    pub const fn at(ms: u64) -> Time {
        match std::num::NonZeroU64::new(!ms) {
            Some(n) => Time(n),
            None => Time(std::num::NonZeroU64::MIN),
        }
    }

    pub fn millis(self) -> u64 {
        !self.0.get()
    }

    pub fn plus_millis(self, ms: u64) -> Time {
        Time::at(self.millis().saturating_add(ms))
    }

    /// RFC 3339 with seconds precision, as Kubernetes prints `metav1.Time`.
    pub fn to_rfc3339(self) -> String {
        let secs = (self.millis() / 1000) as i64;
        let days = EPOCH_DAYS + secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            (rem / 60) % 60,
            rem % 60
        )
    }

    /// RFC 3339 with microseconds, as Kubernetes prints `metav1.MicroTime` (Lease times).
    /// Nanoseconds since the Unix epoch, as Go's `t.UnixNano()`.
    pub fn unix_nanos(self) -> u64 {
        (EPOCH_DAYS as u64 * 86_400_000 + self.millis()) * 1_000_000
    }

    pub fn to_rfc3339_micro(self) -> String {
        let base = self.to_rfc3339();
        format!(
            "{}.{:06}Z",
            &base[..base.len() - 1],
            (self.millis() % 1000) * 1000
        )
    }

    /// Go's `time.RFC3339Nano`, trailing zeros of the fraction dropped, as the kubelet stamps
    /// log lines (`kubectl logs --timestamps`).
    pub fn to_rfc3339_nano(self) -> String {
        let base = self.to_rfc3339();
        match self.millis() % 1000 {
            0 => base,
            ms => {
                let frac = format!("{ms:03}");
                format!(
                    "{}.{}Z",
                    &base[..base.len() - 1],
                    frac.trim_end_matches('0')
                )
            }
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac]Z`; times before the epoch are rejected.
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || *b.last()? != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let mut ms = 0i64;
        if b.len() > 20 {
            if b[19] != b'.' {
                return None;
            }
            let frac = &s[20..s.len() - 1];
            if frac.is_empty() || !frac.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let digits: String = frac.chars().chain("000".chars()).take(3).collect();
            ms = digits.parse().ok()?;
        }
        let days = days_from_civil(y, mo, d) - EPOCH_DAYS;
        let total = ((days * 86_400 + h * 3600 + mi * 60 + se) * 1000) + ms;
        u64::try_from(total).ok().map(Time::at)
    }
}

// Howard Hinnant's civil calendar algorithms, integer only.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl crate::codec::Encode for Time {
    fn encode(&self) -> crate::codec::Doc {
        crate::codec::Doc::Str(if self.millis().is_multiple_of(1000) {
            self.to_rfc3339()
        } else {
            self.to_rfc3339_micro()
        })
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse_rfc3339(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid RFC 3339 time {s:?}")))
    }
}

/// `metadata.resourceVersion`: the store's revision at the object's last write. Kept as its
/// number and written as the text Kubernetes shows; 0 is none, as "" and "0" are upstream
/// (apiserver's `APIObjectVersioner.ParseResourceVersion`). 8 bytes, where a text was 24 and a
/// block of its own on each of 50,000 objects (issue 16).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResourceVersion(pub u64);

impl ResourceVersion {
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for ResourceVersion {
    /// Empty for none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return Ok(());
        }
        write!(f, "{}", self.0)
    }
}

impl crate::codec::Encode for ResourceVersion {
    fn encode(&self) -> crate::codec::Doc {
        crate::codec::Doc::Str(self.to_string())
    }
}

/// Read as a text, then as `ParseResourceVersion` reads it, with `strconv.ParseUint`'s
/// reasons (the reader puts the field's path and value before them). Through the text's own
/// reader, not a leaf of its own: a leaf is code per reader.
impl<D: crate::codec::Decoder> crate::codec::DecodeField<D> for ResourceVersion {
    fn decode_field(&mut self, de: D) -> Result<(), crate::codec::DeError> {
        let mut s = String::new();
        s.decode_field(de)?;
        let why = if s.is_empty() {
            *self = ResourceVersion(0);
            return Ok(());
        } else if !s.bytes().all(|b| b.is_ascii_digit()) {
            "invalid syntax"
        } else if let Ok(n) = s.parse() {
            *self = ResourceVersion(n);
            return Ok(());
        } else {
            "value out of range"
        };
        Err(serde::de::Error::custom(format!(
            "strconv.ParseUint: parsing {s:?}: {why}"
        )))
    }
}

/// Formats a duration the way kubectl's AGE column does (`45s`, `5m50s`, `3h12m`, `4d`).
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    if s < 120 {
        return format!("{s}s");
    }
    let m = s / 60;
    if m < 10 {
        let rs = s % 60;
        return if rs == 0 {
            format!("{m}m")
        } else {
            format!("{m}m{rs}s")
        };
    }
    if m < 180 {
        return format!("{m}m");
    }
    let h = m / 60;
    if h < 8 {
        let rm = m % 60;
        return if rm == 0 {
            format!("{h}h")
        } else {
            format!("{h}h{rm}m")
        };
    }
    if h < 48 {
        return format!("{h}h");
    }
    let d = h / 24;
    if d < 8 {
        let rh = h % 24;
        return if rh == 0 {
            format!("{d}d")
        } else {
            format!("{d}d{rh}h")
        };
    }
    if d < 365 * 2 {
        return format!("{d}d");
    }
    format!("{}y", d / 365)
}

/// Formats a duration exactly, like Go's `time.Duration` without sub-seconds (`5m50s`, `1h0m0s`).
pub fn go_duration(ms: u64) -> String {
    let total = ms / 1000;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    let frac = ms % 1000;
    let sec = if frac == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{frac:03}").trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{sec}")
    } else if m > 0 {
        format!("{m}m{sec}")
    } else {
        sec
    }
}

/// Parses `90s`, `5m50s`, `1h`, `250ms`, `1h2m3s` into milliseconds.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s == "0" {
        return Some(0);
    }
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (mult, len) = if rest.starts_with("ms") {
            (1, 2)
        } else if rest.starts_with('h') {
            (3_600_000, 1)
        } else if rest.starts_with('m') {
            (60_000, 1)
        } else if rest.starts_with('s') {
            (1000, 1)
        } else {
            return None;
        };
        total = total.checked_add(n.checked_mul(mult)?)?;
        rest = &rest[len..];
    }
    Some(total)
}

/// A reference to an owner, as in `metadata.ownerReferences`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    pub api_version: Str,
    pub kind: Str,
    pub name: String,
    /// Shared with the owner's own uid (see `ObjectMeta::uid`).
    pub uid: super::Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `metadata` of every object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectMeta {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub name: super::Name,
    /// A `Name`: a ReplicaSet's pods share their prefix, and an Event is 296 bytes, not 304,
    /// so its block is one size smaller (issue 16).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub generate_name: super::Name,
    /// A `Name`, static for the namespaces every cluster has (`namespace`).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub namespace: Name,
    /// A `Name`: the uid indexes, an Event's object and a pod's workers and processes share
    /// the object's one copy (issue 16).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub uid: super::Name,
    #[serde(skip_serializing_if = "ResourceVersion::is_empty")]
    pub resource_version: ResourceVersion,
    #[serde(skip_serializing_if = "is_zero_i64")]
    pub generation: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub labels: super::Labels,
    #[serde(skip_serializing_if = "SortedMap::is_empty")]
    pub annotations: super::Labels,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner_references: super::Shared<Vec<OwnerReference>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub finalizers: super::Shared<Vec<String>>,
}

fn is_zero_i64(v: &i64) -> bool {
    *v == 0
}

impl ObjectMeta {
    pub fn named(namespace: &str, name: &str) -> Self {
        ObjectMeta {
            name: name.into(),
            namespace: self::namespace(namespace),
            ..Default::default()
        }
    }

    /// The ownerReference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|r| r.controller == Some(true))
    }

    pub fn is_terminating(&self) -> bool {
        self.deletion_timestamp.is_some()
    }
}

/// `involvedObject` / `claimRef` / `targetRef`: a full reference to another object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Encode, Decode)]
#[serde(rename_all = "camelCase", default)]
pub struct ObjectReference {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub api_version: Str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub kind: Str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub namespace: Name,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub uid: super::Name,
    /// Any text: upstream keeps a reference's version as it was written.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nano_times_drop_trailing_zeros_as_go_does() {
        assert_eq!(Time::at(5_000).to_rfc3339_nano(), "2025-01-01T00:00:05Z");
        assert_eq!(Time::at(5_120).to_rfc3339_nano(), "2025-01-01T00:00:05.12Z");
        assert_eq!(
            Time::at(5_007).to_rfc3339_nano(),
            "2025-01-01T00:00:05.007Z"
        );
    }

    #[test]
    fn epoch_prints_as_2025() {
        assert_eq!(Time::at(0).to_rfc3339(), "2025-01-01T00:00:00Z");
        assert_eq!(Time::at(350_000).to_rfc3339(), "2025-01-01T00:05:50Z");
        assert_eq!(
            Time::at(1_500).to_rfc3339_micro(),
            "2025-01-01T00:00:01.500000Z"
        );
        assert_eq!(
            Time::at(86_400_000 * 59).to_rfc3339(),
            "2025-03-01T00:00:00Z"
        );
    }

    /// Issue 16: an optional time takes no room of its own, and the complement it is held as
    /// orders, compares, defaults and prints as the milliseconds do.
    #[test]
    fn a_time_is_its_milliseconds_in_eight_bytes_even_when_optional() {
        assert_eq!(std::mem::size_of::<Option<Time>>(), 8);
        assert_eq!(Time::default(), Time::at(0));
        assert_eq!(Time::at(0).millis(), 0);
        assert_eq!(Time::at(42).plus_millis(8).millis(), 50);
        assert!(Time::at(0) < Time::at(1) && Time::at(999) < Time::at(1_000));
        assert_eq!(Time::at(7).max(Time::at(3)), Time::at(7));
        assert_eq!(format!("{:?}", Some(Time::at(5))), "Some(Time(5))");
        // The one value the complement cannot hold is the last millisecond before it.
        assert_eq!(Time::at(u64::MAX).millis(), u64::MAX - 1);
        assert_eq!(
            Time::at(u64::MAX - 2).plus_millis(10).millis(),
            u64::MAX - 1
        );
    }

    #[test]
    fn rfc3339_round_trips() {
        for ms in [0, 1_000, 350_000, 86_400_000 * 400 + 5_000, 1_234] {
            let t = Time::at(ms);
            let text = if ms % 1000 == 0 {
                t.to_rfc3339()
            } else {
                t.to_rfc3339_micro()
            };
            assert_eq!(Time::parse_rfc3339(&text), Some(t), "{text}");
        }
        assert_eq!(Time::parse_rfc3339("2024-12-31T23:59:59Z"), None);
        assert_eq!(Time::parse_rfc3339("garbage"), None);
    }

    #[test]
    fn ages_print_like_kubectl() {
        assert_eq!(human_duration(45_000), "45s");
        assert_eq!(human_duration(350_000), "5m50s");
        assert_eq!(human_duration(600_000), "10m");
        assert_eq!(human_duration(3 * 3_600_000 + 12 * 60_000), "3h12m");
        assert_eq!(human_duration(50 * 3_600_000), "2d2h");
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("5m50s"), Some(350_000));
        assert_eq!(parse_duration("1h"), Some(3_600_000));
        assert_eq!(parse_duration("250ms"), Some(250));
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(go_duration(350_000), "5m50s");
        assert_eq!(go_duration(3_600_000), "1h0m0s");
        assert_eq!(go_duration(1_500), "1.5s");
    }
}
