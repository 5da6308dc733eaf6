//! The API server: the object store, resourceVersion and optimistic concurrency, admission
//! defaults and validation, generateName, finalizers and graceful deletion, Events.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::model::{
    Event, EventSource, Kind, Name, Object, ObjectMeta, ObjectRef, ObjectReference, Pod, PodSpec,
    Probe, Resource, ResourceVersion, Shared, Time, Toleration,
};
use crate::sorted::{SortedMap, SortedSet};

use super::recorder::{Recorder, COMBINED};
use super::rng::HashMap;
use super::trace::{Actor, Change};
use super::Sim;

/// The API server's errors, printed as kubectl prints them after `Error from server (Reason): `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    NotFound {
        kind: Kind,
        name: String,
    },
    AlreadyExists {
        kind: Kind,
        name: String,
    },
    Conflict {
        kind: Kind,
        name: String,
    },
    Invalid {
        kind: Kind,
        name: String,
        causes: Vec<String>,
    },
    BadRequest(String),
    /// The caller cannot reach the API server (a partitioned kubelet).
    Unreachable(String),
    /// 429, as the eviction API answers when a budget forbids it; `cause` is the detail that
    /// clients do not print (ref §6.2).
    TooManyRequests {
        message: String,
        cause: String,
    },
    /// 500.
    Internal(String),
    /// A 500 whose error the API server passes on as it got it (`StatusReasonUnknown`, so
    /// kubectl prints `Error from server: ...` without a reason): a kubelet it proxies to
    /// that it could not reach, or etcd's refusal.
    Unknown(String),
}

impl ApiError {
    /// The reason kubectl puts in parentheses.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Conflict { .. } => "Conflict",
            ApiError::Invalid { .. } => "Invalid",
            ApiError::BadRequest(_) => "BadRequest",
            ApiError::Unreachable(_) => "ServiceUnavailable",
            ApiError::TooManyRequests { .. } => "TooManyRequests",
            ApiError::Internal(_) => "InternalError",
            ApiError::Unknown(_) => "",
        }
    }

    /// The HTTP status code.
    pub fn code(&self) -> u16 {
        match self {
            ApiError::NotFound { .. } => 404,
            ApiError::AlreadyExists { .. } | ApiError::Conflict { .. } => 409,
            ApiError::Invalid { .. } => 422,
            ApiError::BadRequest(_) => 400,
            ApiError::Unreachable(_) => 503,
            ApiError::TooManyRequests { .. } => 429,
            ApiError::Internal(_) => 500,
            ApiError::Unknown(_) => 500,
        }
    }
}

fn kind_label(kind: Kind) -> String {
    match kind.group() {
        "" => kind.name().to_string(),
        g => format!("{}.{g}", kind.name()),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { kind, name } => {
                write!(f, "{} \"{name}\" not found", kind.qualified_resource())
            }
            ApiError::AlreadyExists { kind, name } => {
                write!(f, "{} \"{name}\" already exists", kind.qualified_resource())
            }
            // ref §7.2: the exact 409 text.
            ApiError::Conflict { kind, name } => write!(
                f,
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                kind.qualified_resource()
            ),
            ApiError::Invalid { kind, name, causes } => {
                let detail = if causes.len() == 1 {
                    causes[0].clone()
                } else {
                    format!("[{}]", causes.join(", "))
                };
                write!(f, "{} \"{name}\" is invalid: {detail}", kind_label(*kind))
            }
            ApiError::BadRequest(m)
            | ApiError::Unreachable(m)
            | ApiError::Internal(m)
            | ApiError::Unknown(m) => f.write_str(m),
            ApiError::TooManyRequests { message, .. } => f.write_str(message),
        }
    }
}

impl std::error::Error for ApiError {}

/// `PodLogOptions`: what `GET pods/NAME/log` asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodLogOptions {
    /// Empty means the pod's only container.
    pub container: String,
    pub previous: bool,
    pub timestamps: bool,
    /// Only the last N lines; None for all.
    pub tail_lines: Option<i64>,
}

impl PodLogOptions {
    /// The query the API server passes on to the kubelet, keys sorted as Go's `url.Values` does.
    fn query(&self) -> String {
        let mut q = Vec::new();
        if self.previous {
            q.push("previous=true".to_string());
        }
        if let Some(n) = self.tail_lines {
            q.push(format!("tailLines={n}"));
        }
        if self.timestamps {
            q.push("timestamps=true".to_string());
        }
        if q.is_empty() {
            String::new()
        } else {
            format!("?{}", q.join("&"))
        }
    }
}

/// How dependents are treated when an owner is deleted (`--cascade`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

impl Propagation {
    pub fn cascade_flag(self) -> &'static str {
        match self {
            Propagation::Background => "background",
            Propagation::Foreground => "foreground",
            Propagation::Orphan => "orphan",
        }
    }
}

/// `DeleteOptions`. A grace period of 0 removes a pod at once (a force delete).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    pub grace_period_seconds: Option<i64>,
    pub propagation: Propagation,
}

impl DeleteOptions {
    pub fn grace(seconds: i64) -> Self {
        DeleteOptions {
            grace_period_seconds: Some(seconds),
            propagation: Propagation::Background,
        }
    }

    /// `--grace-period=0 --force`.
    pub fn force() -> Self {
        DeleteOptions::grace(0)
    }
}

pub const FINALIZER_ORPHAN: &str = "orphan";
pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";
pub const FINALIZER_PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
pub const FINALIZER_PV_PROTECTION: &str = "kubernetes.io/pv-protection";

/// The object store, read-only to everyone but the engine.
/// What one controller's pods add up to, kept up to date as pods change, so that a
/// ReplicaSet's sync reads its status counts without walking every pod after every pod event
/// (issue 16: that walk made a 10,000-pod rollout quadratic).
#[derive(Clone, Debug, Default)]
pub struct PodTally {
    /// Pods neither terminal nor being deleted (`Pod::is_active`).
    pub active: i64,
    /// Active pods whose Ready condition is True.
    pub ready: i64,
    /// Pods being deleted that have not finished.
    pub terminating: i64,
    /// The distinct label sets among the pods: (labels, pods, active pods). Pods from one
    /// template share one set, so this stays short.
    pub label_sets: Vec<(crate::model::Labels, i64, i64)>,
    /// Active Ready pods by when their Ready condition turned True (ms) -> how many.
    pub ready_since: SortedMap<u64, i64>,
    /// The pods in `ready_since`.
    pub ready_timed: i64,
}

impl PodTally {
    fn add(&mut self, p: &Pod, sign: i64) {
        let active = p.is_active();
        if active {
            self.active += sign;
            if let Some(c) = p.status.condition("Ready").filter(|c| c.status == "True") {
                self.ready += sign;
                if let Some(t) = c.last_transition_time {
                    self.ready_timed += sign;
                    let e = self.ready_since.entry(t.millis()).or_default();
                    *e += sign;
                    if *e == 0 {
                        self.ready_since.remove(&t.millis());
                    }
                }
            }
        }
        if p.metadata.deletion_timestamp.is_some() && !p.is_terminal() {
            self.terminating += sign;
        }
        let labels = &p.metadata.labels;
        let act = if active { sign } else { 0 };
        match self.label_sets.iter().position(|(l, ..)| l == labels) {
            Some(i) => {
                let set = &mut self.label_sets[i];
                set.1 += sign;
                set.2 += act;
                if set.1 == 0 {
                    self.label_sets.remove(i);
                }
            }
            None => self.label_sets.push((labels.clone(), sign, act)),
        }
    }
}

/// How often the lab looks for Events whose hour is up (`Sim::expire_events`).
pub(crate) const EVENT_TTL_SWEEP: u64 = 60_000;

#[derive(Clone, Debug, Default)]
pub struct Cluster {
    /// An `Object` boxes its kind's struct, so B-tree nodes stay small and an Event takes the
    /// Event's size, not that of the largest kind (issue 16).
    objects: BTreeMap<ObjectRef, Object>,
    /// uid -> the object's ref: looked up, never walked, so a hash map (no uid compares).
    uids: HashMap<Name, ObjectRef>,
    /// owner uid -> objects naming it in ownerReferences. This map and the next are looked up,
    /// never walked, so hash maps: a B-tree of their type was code in the page for no gain.
    dependents: HashMap<String, BTreeSet<ObjectRef>>,
    /// node name -> pods bound to it.
    pods_by_node: HashMap<String, BTreeSet<ObjectRef>>,
    /// Pods without a controller, the only ones a ReplicaSet may adopt.
    orphan_pods: BTreeSet<ObjectRef>,
    /// Pods not bound to a node: what the page lists as pending without a walk over every pod.
    unbound_pods: BTreeSet<ObjectRef>,
    /// Bound pods with required podAntiAffinity terms, which every later pod must respect
    /// (kept so the scheduler need not scan every pod for them).
    anti_affinity_pods: BTreeSet<ObjectRef>,
    /// node name -> (cpu milli, memory bytes, pods) requested by its non-terminal pods.
    node_requests: SortedMap<String, (i64, i64, i64)>,
    /// node name -> (cpu milli, memory bytes, pods) the node can give (its `allocatable`).
    node_allocatable: SortedMap<String, (i64, i64, i64)>,
    /// controller uid -> node name -> active pods of that controller on the node (nested, so
    /// the scheduler's lookup per node and pod borrows its keys instead of building a pair).
    /// A sorted list, not a B-tree: it has a key per controller, and a B-tree of its own
    /// types was code in the page for no gain.
    owner_on_node: SortedMap<String, SortedMap<String, i64>>,
    /// controller uid -> what its pods add up to (see `PodTally`).
    tallies: SortedMap<String, PodTally>,
    /// The kubelets' and controllers' event recorders (client-go's correlator, with the
    /// names of the Events they wrote).
    pub(crate) recorder: Recorder,
    resource_version: u64,
    /// Specs shared by the pods of one template, as (spec before, spec after) pairs: what
    /// admission made of each template's spec, and what binding made of that for each node.
    /// 10,000 pods of a ReplicaSet then keep a spec per node, not one each (issue 16). A
    /// cache: a miss makes a copy, as without it; `before` is held, so its address is never
    /// reused.
    admitted_spec: SpecCache,
    bound_specs: SpecCache,
    /// Events not named `<object>.<suffix>` in their object's namespace, as recorders name
    /// them: while there are none, `events_for` reads only the object's own names.
    odd_events: usize,
    /// The store's revision at each minute's look for expired Events (`Sim::expire_events`).
    pub(crate) sweep_marks: Vec<u64>,
}

/// See `Cluster::admitted_spec`; printed as its length.
#[derive(Clone, Default)]
struct SpecCache(Vec<(Shared<PodSpec>, Shared<PodSpec>)>);

impl SpecCache {
    /// The spec this cache made from this very `spec`, if any, and that `fits`.
    fn kept(
        &self,
        spec: &Shared<PodSpec>,
        fits: &dyn Fn(&PodSpec) -> bool,
    ) -> Option<Shared<PodSpec>> {
        self.0
            .iter()
            .find(|(before, after)| Shared::ptr_eq(before, spec) && fits(after))
            .map(|(_, after)| after.clone())
    }

    /// Adds a pair; a full cache starts over (a few templates times the nodes fit).
    fn keep(&mut self, pair: (Shared<PodSpec>, Shared<PodSpec>)) {
        if self.0.len() >= 4096 {
            self.0.clear();
        }
        self.0.push(pair);
    }
}

impl fmt::Debug for SpecCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} specs", self.0.len())
    }
}

/// A walk over the per-node resource indexes, nodes asked in name order.
pub struct NodeResources<'a> {
    allocatable: std::iter::Peekable<crate::sorted::Iter<'a, String, (i64, i64, i64)>>,
    requested: std::iter::Peekable<crate::sorted::Iter<'a, String, (i64, i64, i64)>>,
}

impl NodeResources<'_> {
    /// `name`'s (allocatable, requested) resources; names must come in order.
    pub fn of(&mut self, name: &str) -> [(i64, i64, i64); 2] {
        [
            value_for(&mut self.allocatable, name, (0, 0, 110)),
            value_for(&mut self.requested, name, (0, 0, 0)),
        ]
    }
}

/// The value of `name` among sorted entries, moving past smaller keys (names come in order).
pub(crate) fn value_for<'a, V: Copy>(
    entries: &mut std::iter::Peekable<crate::sorted::Iter<'a, String, V>>,
    name: &str,
    missing: V,
) -> V {
    // One comparison per step (a `<` then an `==` was two calls of memcmp).
    while let Some((k, v)) = entries.peek() {
        match k.as_str().cmp(name) {
            std::cmp::Ordering::Less => {
                entries.next();
            }
            std::cmp::Ordering::Equal => return **v,
            std::cmp::Ordering::Greater => break,
        }
    }
    missing
}

/// Whether two versions of an object belong to the same index sets: the same uid and owners,
/// and for a pod the same node, controller and required anti-affinity (`Cluster::put`).
fn same_sets(old: &Object, new: &Object) -> bool {
    let (a, b) = (old.meta(), new.meta());
    if a.uid != b.uid
        || a.owner_references.len() != b.owner_references.len()
        || a.owner_references
            .iter()
            .zip(&b.owner_references)
            .any(|(x, y)| x.uid != y.uid)
    {
        return false;
    }
    match (old, new) {
        (Object::Pod(p), Object::Pod(q)) => {
            p.spec.node_name == q.spec.node_name
                && p.metadata.controller_ref().map(|c| &c.uid)
                    == q.metadata.controller_ref().map(|c| &c.uid)
                && p.required_anti_affinity().is_empty() == q.required_anti_affinity().is_empty()
        }
        (Object::Node(a), Object::Node(b)) => a.status.allocatable == b.status.allocatable,
        (Object::Event(a), Object::Event(b)) => odd_event(a) == odd_event(b),
        _ => true,
    }
}

/// What a node can give: (cpu milli, memory bytes, pods; 110 pods when not said).
fn allocatable(n: &crate::model::Node) -> (i64, i64, i64) {
    let a = &n.status.allocatable;
    (
        a.get("cpu").map_or(0, |q| q.milli()),
        a.get("memory").map_or(0, |q| q.value()),
        a.get("pods").map_or(110, |q| q.value()),
    )
}

/// A store key as borrowed parts (kind, namespace, name), ordered as `ObjectRef` is.
struct StoreKey<'a>(Kind, &'a str, &'a str);

/// What the store's B-tree compares: an `ObjectRef` or borrowed parts alike.
trait AsStoreKey {
    fn parts(&self) -> (Kind, &str, &str);
}

impl AsStoreKey for ObjectRef {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
}

impl AsStoreKey for StoreKey<'_> {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.0, self.1, self.2)
    }
}

impl<'a> std::borrow::Borrow<dyn AsStoreKey + 'a> for ObjectRef {
    fn borrow(&self) -> &(dyn AsStoreKey + 'a) {
        self
    }
}

impl PartialEq for dyn AsStoreKey + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn AsStoreKey + '_ {}

impl PartialOrd for dyn AsStoreKey + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn AsStoreKey + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

impl Cluster {
    /// The reference an Event about `involved` (whose uid is `uid`) keeps: the copy of an
    /// earlier Event about the same object when there is one, found among the Events named
    /// after it (a pod's Scheduled, Pulled, Created and Started Events share one; issue 16).
    fn event_ref(&self, involved: &ObjectRef, uid: Name) -> Shared<ObjectReference> {
        let (api_version, kind) = (involved.kind.api_version(), involved.kind.name());
        let earlier = self.events_named_after(involved).find(|e| {
            let o = &e.involved_object;
            o.api_version == api_version
                && o.kind == kind
                && o.namespace == involved.namespace
                && o.name == *involved.name
                && o.uid == uid
                && o.resource_version.is_empty()
        });
        match earlier {
            Some(e) => e.involved_object.clone(),
            None => Shared::new(ObjectReference {
                api_version: api_version.into(),
                kind: kind.into(),
                namespace: involved.namespace.clone(),
                name: involved.name.to_string(),
                uid,
                resource_version: String::new(),
            }),
        }
    }

    /// `get`, with an empty namespace meaning `default` and a missing object the API server's
    /// NotFound (what a client such as kubectl's rollout gets).
    pub fn get_named<T: Resource>(&self, namespace: &str, name: &str) -> Result<&T, ApiError> {
        let ns = if namespace.is_empty() {
            "default"
        } else {
            namespace
        };
        self.get::<T>(ns, name).ok_or_else(|| ApiError::NotFound {
            kind: T::KIND,
            name: name.to_string(),
        })
    }

    pub fn get<T: Resource>(&self, namespace: &str, name: &str) -> Option<&T> {
        self.get_of_kind(T::KIND, namespace, name)
            .and_then(T::from_object)
    }

    /// The stored pod itself, shared (the kubelet keeps it instead of a copy).
    pub(crate) fn shared_pod(&self, namespace: &str, name: &str) -> Option<Shared<Pod>> {
        match self.get_of_kind(Kind::Pod, namespace, name) {
            Some(Object::Pod(p)) => Some(p.clone()),
            _ => None,
        }
    }

    /// `get`'s lookup, one copy for all kinds, through borrowed parts: building an
    /// `ObjectRef` allocated two strings per lookup (issue 16).
    fn get_of_kind(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Object> {
        let namespace = if kind.namespaced() { namespace } else { "" };
        self.objects
            .get(&StoreKey(kind, namespace, name) as &dyn AsStoreKey)
    }

    pub fn get_object(&self, r: &ObjectRef) -> Option<&Object> {
        self.objects.get(r)
    }

    pub fn contains(&self, r: &ObjectRef) -> bool {
        self.objects.contains_key(r)
    }

    /// Every object of a kind, ordered by namespace then name.
    pub fn list<'a, T: Resource + 'a>(&'a self) -> impl Iterator<Item = &'a T> + 'a {
        self.list_kind(T::KIND).filter_map(T::from_object)
    }

    pub fn list_in<'a, T: Resource + 'a>(
        &'a self,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a T> + 'a {
        // A range over the namespace's own keys, not a walk over every object of the kind
        // (kube-dns's EndpointSlice sync walked 10,000 pods of the default namespace).
        let start = ObjectRef::new(T::KIND, namespace, "");
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == T::KIND && k.namespace == namespace)
            .filter_map(|(_, v)| T::from_object(v))
    }

    pub fn list_kind(&self, kind: Kind) -> impl Iterator<Item = &Object> {
        let start = ObjectRef::new(kind, "", "");
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind)
            .map(|(_, v)| v)
    }

    pub fn objects(&self) -> impl Iterator<Item = &Object> {
        self.objects.values()
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    /// The object with this uid, for owner lookups: any kind but Event (see `index_add`).
    pub fn by_uid(&self, uid: &str) -> Option<&Object> {
        self.uids.get(uid).and_then(|r| self.get_object(r))
    }

    /// Pods whose `spec.nodeName` is `node`.
    pub fn pods_on_node<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a Pod> + 'a {
        self.pods_by_node
            .get(node)
            .into_iter()
            .flatten()
            .filter_map(|r| self.get_object(r).and_then(Pod::from_object))
    }

    /// Pods not bound to a node, ordered by namespace and name.
    pub fn unbound_pods(&self) -> impl Iterator<Item = &Pod> {
        self.unbound_pods
            .iter()
            .filter_map(|r| self.get_object(r).and_then(Pod::from_object))
    }

    pub fn unbound_pod_count(&self) -> usize {
        self.unbound_pods.len()
    }

    /// How many objects of `kind` are in `namespace`: a walk over that range of the store,
    /// without reading the objects.
    pub fn count_in(&self, kind: Kind, namespace: &str) -> usize {
        let start = ObjectRef::new(kind, namespace, "");
        self.objects
            .range(start..)
            .take_while(|(k, _)| k.kind == kind && k.namespace == namespace)
            .count()
    }

    /// What the pods whose controller is `owner_uid` add up to, if it has any.
    pub fn pod_tally(&self, owner_uid: &str) -> Option<&PodTally> {
        self.tallies.get(owner_uid)
    }

    /// Pods whose controller is `owner_uid`, ordered by namespace and name.
    pub fn pods_controlled_by<'a, 'b>(
        &'a self,
        owner_uid: &'b str,
    ) -> impl Iterator<Item = &'a Pod> + use<'a, 'b> {
        self.dependents
            .get(owner_uid)
            .into_iter()
            .flatten()
            .filter(|r| r.kind == Kind::Pod)
            .filter_map(|r| self.get_object(r).and_then(Pod::from_object))
            .filter(move |p| {
                p.metadata
                    .controller_ref()
                    .is_some_and(|c| c.uid == owner_uid)
            })
    }

    /// Pods in `namespace` without a controller, ordered by name.
    pub fn orphan_pods_in<'a>(&'a self, namespace: &'a str) -> impl Iterator<Item = &'a Pod> + 'a {
        let start = ObjectRef::new(Kind::Pod, namespace, "");
        self.orphan_pods
            .range(start..)
            .take_while(move |r| r.kind == Kind::Pod && r.namespace == namespace)
            .filter_map(|r| self.get_object(r).and_then(Pod::from_object))
    }

    /// Each node's (allocatable, requested) resources, read in name order from `first` on
    /// (`NodeResources::of`): one walk beside both indexes instead of two lookups by name per
    /// node.
    pub fn node_resources_from(&self, first: &str) -> NodeResources<'_> {
        NodeResources {
            allocatable: self
                .node_allocatable
                .range::<str, _>((std::ops::Bound::Included(first), std::ops::Bound::Unbounded))
                .peekable(),
            requested: self
                .node_requests
                .range::<str, _>((std::ops::Bound::Included(first), std::ops::Bound::Unbounded))
                .peekable(),
        }
    }

    /// The stored object's resourceVersion, none if there is no object.
    pub(crate) fn resource_version_of(&self, r: &ObjectRef) -> ResourceVersion {
        self.get_object(r)
            .map(|o| o.meta().resource_version)
            .unwrap_or_default()
    }

    /// Node name -> active pods controlled by `owner_uid` there (the scheduler reads it once per
    /// cycle, then each node in it).
    pub fn active_pods_of_by_node(&self, owner_uid: &str) -> Option<&SortedMap<String, i64>> {
        self.owner_on_node.get(owner_uid)
    }

    /// Bound pods that carry required podAntiAffinity terms.
    pub fn pods_with_anti_affinity(&self) -> impl Iterator<Item = &Pod> + '_ {
        self.anti_affinity_pods
            .iter()
            .filter_map(|r| self.get::<Pod>(&r.namespace, &r.name))
    }

    /// Objects that name `owner_uid` in their ownerReferences.
    pub fn dependents_of(&self, owner_uid: &str) -> Vec<ObjectRef> {
        self.dependents
            .get(owner_uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Events about an object as `kubectl describe` lists them: those naming the stored
    /// object's uid too (kubectl's `searchEvents` selects on `involvedObject.uid`, so a pod made
    /// again under the same name shows only its own), ordered by `lastTimestamp` as the API
    /// sends it (whole seconds), then by name, the server's order.
    pub fn events_for(&self, r: &ObjectRef) -> Vec<&Event> {
        let uid = self.get_object(r).map_or("", |o| o.meta().uid.as_str());
        let about = |e: &&Event| {
            let o = &e.involved_object;
            o.kind == r.kind.name()
                && o.name == r.name
                && o.namespace == r.namespace
                && (uid.is_empty() || o.uid == uid)
        };
        // Only the object's own names while every Event is named as a recorder names it:
        // `describe pods` of 10,000 pods read 40,000 Events for each (issue 16).
        let mut evs: Vec<&Event> = if self.odd_events == 0 {
            self.events_named_after(r).filter(about).collect()
        } else {
            self.list::<Event>().filter(about).collect()
        };
        crate::sort::sort_by_key(&mut evs, |e| {
            let t = e.last_timestamp.or(e.first_timestamp);
            (t.map_or(0, |t| t.millis() / 1000), e.metadata.name.clone())
        });
        evs
    }

    /// The Events named `<object>.<suffix>` in the object's Event namespace, as recorders name
    /// them: a range of the store, not a walk over every Event.
    fn events_named_after<'a>(&'a self, r: &ObjectRef) -> impl Iterator<Item = &'a Event> {
        let ns = crate::model::meta::stored_namespace(r.namespace.clone());
        let prefix = format!("{}.", r.name);
        let start = ObjectRef {
            kind: Kind::Event,
            namespace: ns.clone(),
            name: Name::from(prefix.as_str()),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| {
                k.kind == Kind::Event && k.namespace == ns && k.name.starts_with(&prefix)
            })
            .filter_map(|(_, o)| Event::from_object(o))
    }

    /// The store's current resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    fn index_add(&mut self, o: &Object) {
        let r = o.object_ref();
        let m = o.meta();
        // An Event owns nothing, and a run keeps five for each pod: the index of owners by uid
        // leaves them out (issue 16).
        if !m.uid.is_empty() && r.kind != Kind::Event {
            self.uids.insert(m.uid.clone(), r.clone());
        }
        if let Object::Event(e) = o {
            self.odd_events += usize::from(odd_event(e));
        }
        for owner in &m.owner_references {
            // The owner's uid is copied only for its first dependent.
            match self.dependents.get_mut(owner.uid.as_str()) {
                Some(set) => set,
                None => self.dependents.entry(owner.uid.to_string()).or_default(),
            }
            .insert(r.clone());
        }
        if let Object::Node(n) = o {
            self.node_allocatable
                .insert(n.metadata.name.to_string(), allocatable(n));
        }
        if let Object::Pod(p) = o {
            self.index_pod(p, Some(&r), 1);
            if !p.spec.node_name.is_empty() {
                self.pods_by_node
                    .entry(p.spec.node_name.clone())
                    .or_default()
                    .insert(r);
            }
        }
    }

    /// Adds (`sign` 1) or removes (-1) a pod's share of the orphan, request and owner indexes;
    /// without its ref, only its counts (an update that keeps the pod in the same sets).
    fn index_pod(&mut self, p: &Pod, sets: Option<&ObjectRef>, sign: i64) {
        let controller = p.metadata.controller_ref();
        match controller {
            None => match sets {
                Some(r) if sign > 0 => {
                    self.orphan_pods.insert(r.clone());
                }
                Some(r) => {
                    self.orphan_pods.remove(r);
                }
                None => {}
            },
            Some(c) => {
                let t = self.tallies.get_or_insert_default(c.uid.as_str());
                t.add(p, sign);
                if t.label_sets.is_empty() {
                    self.tallies.remove(c.uid.as_str());
                }
            }
        }
        let node = &p.spec.node_name;
        if node.is_empty() {
            match sets {
                Some(r) if sign > 0 => {
                    self.unbound_pods.insert(r.clone());
                }
                Some(r) => {
                    self.unbound_pods.remove(r);
                }
                None => {}
            }
            return;
        }
        if let Some(r) = sets.filter(|_| !p.required_anti_affinity().is_empty()) {
            if sign > 0 {
                self.anti_affinity_pods.insert(r.clone());
            } else {
                self.anti_affinity_pods.remove(r);
            }
        }
        if !p.is_terminal() {
            let (cpu, mem) = pod_requests(p);
            // The keys are copied only for a new entry: most updates find theirs.
            let e = self.node_requests.get_or_insert_default(node.as_str());
            e.0 += sign * cpu;
            e.1 += sign * mem;
            e.2 += sign;
            if *e == (0, 0, 0) {
                self.node_requests.remove(node);
            }
        }
        if let Some(c) = controller.filter(|_| p.is_active()) {
            let m = self.owner_on_node.get_or_insert_default(c.uid.as_str());
            let e = m.get_or_insert_default(node.as_str());
            *e += sign;
            if *e == 0 {
                m.remove(node);
                if m.is_empty() {
                    self.owner_on_node.remove(c.uid.as_str());
                }
            }
        }
    }

    fn index_remove(&mut self, o: &Object) {
        let r = o.object_ref();
        let m = o.meta();
        self.uids.remove(&m.uid);
        if let Object::Event(e) = o {
            self.odd_events -= usize::from(odd_event(e));
        }
        if let Object::Node(n) = o {
            self.node_allocatable.remove(n.metadata.name.as_str());
        }
        for owner in &m.owner_references {
            if let Some(s) = self.dependents.get_mut(owner.uid.as_str()) {
                s.remove(&r);
                if s.is_empty() {
                    self.dependents.remove(owner.uid.as_str());
                }
            }
        }
        if let Object::Pod(p) = o {
            self.index_pod(p, Some(&r), -1);
            if let Some(s) = self.pods_by_node.get_mut(&p.spec.node_name) {
                s.remove(&r);
                if s.is_empty() {
                    self.pods_by_node.remove(&p.spec.node_name);
                }
            }
        }
    }

    fn put(&mut self, o: Object) -> Option<Object> {
        // One search for a new object too (60,000 of the 80,000 writes of `rs100x10000`).
        let slot = match self.objects.entry(o.object_ref()) {
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(o.clone());
                self.index_add(&o);
                return None;
            }
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
        };
        // An update in place: most keep the object in every set it was in (a status write),
        // so only a pod's counts move, not its entries in sets of 100,000 (issue 16).
        let old = std::mem::replace(slot, o);
        let new = slot.clone();
        if same_sets(&old, &new) {
            if let (Object::Pod(a), Object::Pod(b)) = (&old, &new) {
                self.index_pod(a, None, -1);
                self.index_pod(b, None, 1);
            }
        } else {
            self.index_remove(&old);
            self.index_add(&new);
        }
        Some(old)
    }

    fn take(&mut self, r: &ObjectRef) -> Option<Object> {
        let old = self.objects.remove(r)?;
        self.index_remove(&old);
        Some(old)
    }

    fn next_rv(&mut self) -> ResourceVersion {
        self.resource_version += 1;
        ResourceVersion(self.resource_version)
    }
}

/// DNS-1123 subdomain: lower-case alphanumerics, '-' and '.', at most 253 characters.
pub fn validate_dns_subdomain(name: &str) -> Result<(), String> {
    let re = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    if name.is_empty() || name.len() > 253 {
        return Err(if name.is_empty() {
            re.to_string()
        } else {
            "must be no more than 253 characters".to_string()
        });
    }
    for label in name.split('.') {
        let b = label.as_bytes();
        if b.is_empty()
            || !b
                .iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            || !b[0].is_ascii_alphanumeric()
            || !b[b.len() - 1].is_ascii_alphanumeric()
        {
            return Err(re.to_string());
        }
    }
    Ok(())
}

/// DNS-1123 label: like a subdomain without dots, at most 63 characters.
pub fn validate_dns_label(name: &str) -> Result<(), String> {
    if name.len() > 63 {
        return Err("must be no more than 63 characters".to_string());
    }
    if name.contains('.') || validate_dns_subdomain(name).is_err() {
        return Err("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')".to_string());
    }
    Ok(())
}

/// Admission defaults for a pod spec (also applied to templates).
pub(crate) fn default_pod_spec(spec: &mut Shared<PodSpec>) {
    // A spec already stored is shared with the pod's other copies: writing through it would
    // copy the containers on every status write, so it is written only when a default is missing.
    if !is_defaulted(spec) {
        fill_pod_defaults(spec);
    }
}

/// Whether `fill_pod_defaults` would leave `spec` as it is.
fn is_defaulted(spec: &PodSpec) -> bool {
    let probe_done = |p: &Option<Probe>| {
        p.as_ref().is_none_or(|p| {
            p.period_seconds.is_some()
                && p.timeout_seconds.is_some()
                && p.success_threshold.is_some()
                && p.failure_threshold.is_some()
                && p.initial_delay_seconds.is_some()
        })
    };
    !spec.restart_policy.is_empty()
        && spec.termination_grace_period_seconds.is_some()
        && !spec.dns_policy.is_empty()
        && !spec.scheduler_name.is_empty()
        && !spec.service_account_name.is_empty()
        && spec.enable_service_links.is_some()
        && spec.priority.is_some()
        && spec.containers.iter().all(|c| {
            !c.image_pull_policy.is_empty()
                && !c.termination_message_path.is_empty()
                && !c.termination_message_policy.is_empty()
                && c.ports.iter().all(|p| !p.protocol.is_empty())
                && probe_done(&c.readiness_probe)
                && probe_done(&c.liveness_probe)
        })
}

fn fill_pod_defaults(spec: &mut PodSpec) {
    if spec.restart_policy.is_empty() {
        spec.restart_policy = "Always".into();
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(30);
    }
    if spec.dns_policy.is_empty() {
        spec.dns_policy = "ClusterFirst".into();
    }
    if spec.scheduler_name.is_empty() {
        spec.scheduler_name = "default-scheduler".into();
    }
    if spec.service_account_name.is_empty() {
        spec.service_account_name = "default".into();
    }
    if spec.enable_service_links.is_none() {
        spec.enable_service_links = Some(true);
    }
    if spec.priority.is_none() {
        spec.priority = Some(0);
    }
    for c in &mut spec.containers {
        if c.image_pull_policy.is_empty() {
            let tag = c.image.rsplit('/').next().unwrap_or("");
            c.image_pull_policy = if !tag.contains(':') || tag.ends_with(":latest") {
                "Always".into()
            } else {
                "IfNotPresent".into()
            };
        }
        if c.termination_message_path.is_empty() {
            c.termination_message_path = "/dev/termination-log".into();
        }
        if c.termination_message_policy.is_empty() {
            c.termination_message_policy = "File".into();
        }
        for p in &mut c.ports {
            if p.protocol.is_empty() {
                p.protocol = "TCP".into();
            }
        }
        for probe in [&mut c.readiness_probe, &mut c.liveness_probe]
            .into_iter()
            .flatten()
        {
            probe.period_seconds.get_or_insert(10);
            probe.timeout_seconds.get_or_insert(1);
            probe.success_threshold.get_or_insert(1);
            probe.failure_threshold.get_or_insert(3);
            probe.initial_delay_seconds.get_or_insert(0);
        }
    }
}

/// Spec defaults applied on every write, so a re-applied manifest compares equal.
pub(crate) fn default_for_update(o: &mut Object) {
    match o {
        Object::Pod(p) => default_pod_spec(&mut p.spec),
        Object::ReplicaSet(rs) => {
            rs.spec.replicas.get_or_insert(1);
            default_pod_spec(&mut rs.spec.template.spec);
        }
        Object::Deployment(d) => {
            d.spec.replicas.get_or_insert(1);
            default_pod_spec(&mut d.spec.template.spec);
            if d.spec.strategy.type_.is_empty() {
                d.spec.strategy.type_ = "RollingUpdate".into();
            }
            if d.spec.strategy.type_ == "RollingUpdate" {
                let ru = d
                    .spec
                    .strategy
                    .rolling_update
                    .get_or_insert_with(Default::default);
                ru.max_surge
                    .get_or_insert(crate::model::IntOrString::String("25%".into()));
                ru.max_unavailable
                    .get_or_insert(crate::model::IntOrString::String("25%".into()));
            }
            d.spec.revision_history_limit.get_or_insert(10);
            d.spec.progress_deadline_seconds.get_or_insert(600);
        }
        Object::StatefulSet(ss) => {
            let sp = &mut ss.spec;
            sp.replicas.get_or_insert(1);
            default_pod_spec(&mut sp.template.spec);
            if sp.pod_management_policy.is_empty() {
                sp.pod_management_policy = "OrderedReady".into();
            }
            let us = sp.update_strategy.get_or_insert_with(Default::default);
            if us.type_.is_empty() {
                us.type_ = "RollingUpdate".into();
            }
            if us.type_ == "RollingUpdate" {
                us.rolling_update
                    .get_or_insert_with(Default::default)
                    .partition
                    .get_or_insert(0);
            }
            sp.revision_history_limit.get_or_insert(10);
            let rp = sp
                .persistent_volume_claim_retention_policy
                .get_or_insert_with(Default::default);
            for p in [&mut rp.when_deleted, &mut rp.when_scaled] {
                if p.is_empty() {
                    *p = "Retain".into();
                }
            }
            for t in &mut sp.volume_claim_templates {
                if t.spec.volume_mode.is_empty() {
                    t.spec.volume_mode = "Filesystem".into();
                }
            }
        }
        Object::Service(s) => {
            if s.spec.type_.is_empty() {
                s.spec.type_ = "ClusterIP".into();
            }
            if s.spec.session_affinity.is_empty() {
                s.spec.session_affinity = "None".into();
            }
            for p in &mut s.spec.ports {
                if p.protocol.is_empty() {
                    p.protocol = "TCP".into();
                }
                if p.target_port.is_none() {
                    p.target_port = Some(crate::model::IntOrString::Int(p.port));
                }
            }
        }
        Object::PersistentVolumeClaim(c) if c.spec.volume_mode.is_empty() => {
            c.spec.volume_mode = "Filesystem".into();
        }
        Object::PersistentVolume(v) => {
            if v.spec.persistent_volume_reclaim_policy.is_empty() {
                v.spec.persistent_volume_reclaim_policy = "Retain".into();
            }
            if v.spec.volume_mode.is_empty() {
                v.spec.volume_mode = "Filesystem".into();
            }
        }
        Object::StorageClass(sc) => {
            if sc.reclaim_policy.is_empty() {
                sc.reclaim_policy = "Delete".into();
            }
            if sc.volume_binding_mode.is_empty() {
                sc.volume_binding_mode = "Immediate".into();
            }
        }
        _ => {}
    }
}

/// The DefaultTolerationSeconds admission plugin (ref §2.2).
fn default_tolerations(spec: &mut PodSpec, seconds: i64) {
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let has = spec.tolerations.iter().any(|t| {
            (t.key == key || (t.key.is_empty() && t.operator == "Exists"))
                && (t.effect.is_empty() || t.effect == "NoExecute")
        });
        if !has {
            spec.tolerations.push(Toleration {
                key: key.into(),
                operator: "Exists".into(),
                value: String::new(),
                effect: "NoExecute".into(),
                toleration_seconds: Some(seconds),
            });
        }
    }
}

pub(crate) fn validate_pod_spec(spec: &PodSpec, path: &str, causes: &mut Vec<String>) {
    if spec.containers.is_empty() {
        causes.push(format!("{path}.containers: Required value"));
    }
    let mut names = SortedSet::new();
    let vol_names: SortedSet<&str> = spec.volumes.iter().map(|v| v.name.as_str()).collect();
    for (i, c) in spec.containers.iter().enumerate() {
        let p = format!("{path}.containers[{i}]");
        if c.name.is_empty() {
            causes.push(format!("{p}.name: Required value"));
        } else if let Err(e) = validate_dns_label(&c.name) {
            causes.push(format!("{p}.name: Invalid value: \"{}\": {e}", c.name));
        } else if !names.insert(c.name.as_str()) {
            causes.push(format!("{p}.name: Duplicate value: \"{}\"", c.name));
        }
        if c.image.trim().is_empty() {
            causes.push(format!("{p}.image: Required value"));
        }
        for (j, m) in c.volume_mounts.iter().enumerate() {
            if !vol_names.contains(m.name.as_str()) {
                causes.push(format!(
                    "{p}.volumeMounts[{j}].name: Not found: \"{}\"",
                    m.name
                ));
            }
            if m.mount_path.is_empty() {
                causes.push(format!("{p}.volumeMounts[{j}].mountPath: Required value"));
            }
        }
        for (j, port) in c.ports.iter().enumerate() {
            if !(1..=65535).contains(&port.container_port) {
                causes.push(format!(
                    "{p}.ports[{j}].containerPort: Invalid value: {}: must be between 1 and 65535, inclusive",
                    port.container_port
                ));
            }
        }
        for (name, probe) in [
            ("readinessProbe", &c.readiness_probe),
            ("livenessProbe", &c.liveness_probe),
        ] {
            if let Some(pr) = probe {
                for (field, v) in [
                    ("periodSeconds", pr.period_seconds),
                    ("successThreshold", pr.success_threshold),
                    ("failureThreshold", pr.failure_threshold),
                    ("timeoutSeconds", pr.timeout_seconds),
                ] {
                    if let Some(v) = v.filter(|v| *v < 1) {
                        causes.push(format!(
                            "{p}.{name}.{field}: Invalid value: {v}: must be greater than or equal to 1"
                        ));
                    }
                }
                if let Some(v) = pr.initial_delay_seconds.filter(|v| *v < 0) {
                    causes.push(format!(
                        "{p}.{name}.initialDelaySeconds: Invalid value: {v}: must be greater than or equal to 0"
                    ));
                }
            }
        }
    }
    let mut vols = SortedSet::new();
    for (i, v) in spec.volumes.iter().enumerate() {
        if !vols.insert(v.name.as_str()) {
            causes.push(format!(
                "{path}.volumes[{i}].name: Duplicate value: \"{}\"",
                v.name
            ));
        }
        if let Some(c) = &v.persistent_volume_claim {
            if c.claim_name.is_empty() {
                causes.push(format!(
                    "{path}.volumes[{i}].persistentVolumeClaim.claimName: Required value"
                ));
            }
        }
    }
    if !spec.restart_policy.is_empty()
        && !matches!(
            spec.restart_policy.as_str(),
            "Always" | "OnFailure" | "Never"
        )
    {
        causes.push(format!(
            "{path}.restartPolicy: Unsupported value: \"{}\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            spec.restart_policy
        ));
    }
    if let Some(g) = spec.termination_grace_period_seconds.filter(|g| *g < 0) {
        causes.push(format!(
            "{path}.terminationGracePeriodSeconds: Invalid value: {g}: must be greater than or equal to 0"
        ));
    }
    for (i, t) in spec.tolerations.iter().enumerate() {
        if !matches!(t.operator.as_str(), "" | "Equal" | "Exists") {
            causes.push(format!(
                "{path}.tolerations[{i}].operator: Unsupported value: \"{}\": supported values: \"Equal\", \"Exists\"",
                t.operator
            ));
        }
        if t.operator == "Exists" && !t.value.is_empty() {
            causes.push(format!(
                "{path}.tolerations[{i}].operator: Invalid value: \"{}\": value must be empty when `operator` is 'Exists'",
                t.value
            ));
        }
        if !matches!(
            t.effect.as_str(),
            "" | "NoSchedule" | "PreferNoSchedule" | "NoExecute"
        ) {
            causes.push(format!(
                "{path}.tolerations[{i}].effect: Unsupported value: \"{}\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
                t.effect
            ));
        }
    }
}

fn validate_template(
    replicas: Option<i32>,
    sel: &crate::model::LabelSelector,
    tmpl: &crate::model::PodTemplateSpec,
    causes: &mut Vec<String>,
) {
    if let Some(r) = replicas.filter(|r| *r < 0) {
        causes.push(format!(
            "spec.replicas: Invalid value: {r}: must be greater than or equal to 0"
        ));
    }
    if sel.is_empty() {
        causes.push("spec.selector: Required value".to_string());
    } else if let Err(e) = sel.to_selector() {
        causes.push(format!("spec.selector: Invalid value: {e}"));
    } else if !sel.matches(&tmpl.metadata.labels) {
        let labels: Vec<String> = tmpl
            .metadata
            .labels
            .iter()
            .map(|(k, v)| format!("\"{k}\":\"{v}\""))
            .collect();
        causes.push(format!(
            "spec.template.metadata.labels: Invalid value: map[string]string{{{}}}: `selector` does not match template `labels`",
            labels.join(", ")
        ));
    }
    validate_pod_spec(&tmpl.spec, "spec.template.spec", causes);
    if !tmpl.spec.restart_policy.is_empty() && tmpl.spec.restart_policy != "Always" {
        causes.push(format!(
            "spec.template.spec.restartPolicy: Unsupported value: \"{}\": supported values: \"Always\"",
            tmpl.spec.restart_policy
        ));
    }
}

/// Validation the API server runs on create and update.
pub(crate) fn validate(o: &Object) -> Vec<String> {
    let mut causes = Vec::new();
    let m = o.meta();
    if let Err(e) = validate_dns_subdomain(&m.name) {
        causes.push(format!("metadata.name: Invalid value: \"{}\": {e}", m.name));
    }
    // ValidateLabels, with apimachinery's texts (those `kubectl apply` checks a file with).
    for (k, v) in &m.labels {
        let keys = crate::manifest::validate::qualified_name_errors(k);
        let values = crate::manifest::validate::label_value_errors(v);
        for (text, e) in keys
            .iter()
            .map(|e| (k, e))
            .chain(values.iter().map(|e| (v, e)))
        {
            causes.push(format!("metadata.labels: Invalid value: \"{text}\": {e}"));
        }
    }
    match o {
        Object::Pod(p) => validate_pod_spec(&p.spec, "spec", &mut causes),
        Object::ReplicaSet(rs) => validate_template(
            rs.spec.replicas,
            &rs.spec.selector,
            &rs.spec.template,
            &mut causes,
        ),
        Object::Deployment(d) => {
            validate_template(
                d.spec.replicas,
                &d.spec.selector,
                &d.spec.template,
                &mut causes,
            );
            if !matches!(
                d.spec.strategy.type_.as_str(),
                "" | "RollingUpdate" | "Recreate"
            ) {
                causes.push(format!(
                    "spec.strategy.type: Unsupported value: \"{}\": supported values: \"Recreate\", \"RollingUpdate\"",
                    d.spec.strategy.type_
                ));
            }
            validate_strategy(d, &mut causes);
        }
        Object::Service(s) => {
            if !matches!(
                s.spec.type_.as_str(),
                "" | "ClusterIP" | "NodePort" | "LoadBalancer"
            ) {
                causes.push(format!(
                    "spec.type: Unsupported value: \"{}\": supported values: \"ClusterIP\", \"LoadBalancer\", \"NodePort\"",
                    s.spec.type_
                ));
            }
            if s.spec.ports.is_empty() && !s.is_headless() {
                causes.push("spec.ports: Required value".into());
            }
            for (i, p) in s.spec.ports.iter().enumerate() {
                if !(1..=65535).contains(&p.port) {
                    causes.push(format!(
                        "spec.ports[{i}].port: Invalid value: {}: must be between 1 and 65535, inclusive",
                        p.port
                    ));
                }
                if !matches!(p.protocol.as_str(), "" | "TCP" | "UDP" | "SCTP") {
                    causes.push(format!(
                        "spec.ports[{i}].protocol: Unsupported value: \"{}\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                        p.protocol
                    ));
                }
            }
            if s.spec.ports.len() > 1 && s.spec.ports.iter().any(|p| p.name.is_empty()) {
                causes.push("spec.ports[1].name: Required value".into());
            }
            let ip = &s.spec.cluster_ip;
            if !ip.is_empty() && ip != "None" && parse_ipv4(ip).is_none() {
                causes.push(format!(
                    "spec.clusterIPs[0]: Invalid value: \"{ip}\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
                ));
            }
        }
        Object::PersistentVolumeClaim(c) => {
            if c.spec.access_modes.is_empty() {
                causes.push(
                    "spec.accessModes: Required value: at least 1 access mode is required".into(),
                );
            }
            validate_access_modes(&c.spec.access_modes, &mut causes);
            if !c.spec.resources.requests.contains_key("storage") {
                causes.push("spec.resources[storage]: Required value".into());
            }
        }
        Object::PersistentVolume(v) => {
            if v.spec.access_modes.is_empty() {
                causes.push("spec.accessModes: Required value".into());
            }
            validate_access_modes(&v.spec.access_modes, &mut causes);
            if !v.spec.capacity.contains_key("storage") {
                causes.push("spec.capacity: Required value".into());
            }
            if !matches!(
                v.spec.persistent_volume_reclaim_policy.as_str(),
                "" | "Retain" | "Delete" | "Recycle"
            ) {
                causes.push(format!(
                    "spec.persistentVolumeReclaimPolicy: Unsupported value: \"{}\": supported values: \"Delete\", \"Recycle\", \"Retain\"",
                    v.spec.persistent_volume_reclaim_policy
                ));
            }
        }
        Object::StorageClass(sc) => {
            if sc.provisioner.is_empty() {
                causes.push("provisioner: Required value".into());
            }
            if !matches!(
                sc.volume_binding_mode.as_str(),
                "" | "Immediate" | "WaitForFirstConsumer"
            ) {
                causes.push(format!(
                    "volumeBindingMode: Unsupported value: \"{}\": supported values: \"Immediate\", \"WaitForFirstConsumer\"",
                    sc.volume_binding_mode
                ));
            }
        }
        Object::Node(n) => {
            for (i, t) in n.spec.taints.iter().enumerate() {
                if !matches!(
                    t.effect.as_str(),
                    "NoSchedule" | "PreferNoSchedule" | "NoExecute"
                ) {
                    causes.push(format!(
                        "spec.taints[{i}].effect: Unsupported value: \"{}\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"",
                        t.effect
                    ));
                }
            }
        }
        Object::PodDisruptionBudget(p) => {
            if p.spec.min_available.is_some() && p.spec.max_unavailable.is_some() {
                causes.push("spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set".into());
            }
        }
        Object::Lease(l) => {
            if let Some(d) = l.spec.lease_duration_seconds.filter(|d| *d <= 0) {
                causes.push(format!(
                    "spec.leaseDurationSeconds: Invalid value: {d}: must be greater than 0"
                ));
            }
        }
        Object::StatefulSet(ss) => validate_statefulset(ss, &mut causes),
        Object::ConfigMap(_)
        | Object::ControllerRevision(_)
        | Object::EndpointSlice(_)
        | Object::Event(_) => {}
    }
    causes
}

/// `ValidateStatefulSetSpec`, the parts podlab checks.
fn validate_statefulset(ss: &crate::model::StatefulSet, causes: &mut Vec<String>) {
    let sp = &ss.spec;
    // Mounts may name a volumeClaimTemplate: each pod gets that claim as a volume.
    let mut template = sp.template.clone();
    for c in &sp.volume_claim_templates {
        template.spec.volumes.push(crate::model::Volume {
            name: c.metadata.name.to_string(),
            persistent_volume_claim: Some(crate::model::PersistentVolumeClaimVolumeSource {
                claim_name: format!("{}-{}", c.metadata.name, ss.metadata.name),
                ..Default::default()
            }),
            ..Default::default()
        });
    }
    validate_template(sp.replicas, &sp.selector, &template, causes);
    if !sp.service_name.is_empty() {
        if let Err(e) = validate_dns_label(&sp.service_name) {
            causes.push(format!(
                "spec.serviceName: Invalid value: \"{}\": {e}",
                sp.service_name
            ));
        }
    }
    if !matches!(
        sp.pod_management_policy.as_str(),
        "" | "OrderedReady" | "Parallel"
    ) {
        causes.push(format!(
            "spec.podManagementPolicy: Unsupported value: \"{}\": supported values: \"OrderedReady\", \"Parallel\"",
            sp.pod_management_policy
        ));
    }
    if let Some(us) = &sp.update_strategy {
        // apps/validation ValidateStatefulSetSpec: a patch to OnDelete that keeps the
        // rollingUpdate block is refused.
        if let (Some(ru), "OnDelete") = (&us.rolling_update, us.type_.as_str()) {
            causes.push(format!(
                "spec.updateStrategy.rollingUpdate: Invalid value: {}: only allowed for updateStrategy 'RollingUpdate'",
                ru.go_value()
            ));
        }
        if !matches!(us.type_.as_str(), "" | "RollingUpdate" | "OnDelete") {
            causes.push(format!(
                "spec.updateStrategy: Unsupported value: \"{}\": supported values: \"OnDelete\", \"RollingUpdate\"",
                us.type_
            ));
        }
        if let Some(p) = us
            .rolling_update
            .as_ref()
            .and_then(|r| r.partition)
            .filter(|p| *p < 0)
        {
            causes.push(format!(
                "spec.updateStrategy.rollingUpdate.partition: Invalid value: {p}: must be greater than or equal to 0"
            ));
        }
    }
    if let Some(o) = sp.ordinals.as_ref().filter(|o| o.start < 0) {
        causes.push(format!(
            "spec.ordinals.start: Invalid value: {}: must be greater than or equal to 0",
            o.start
        ));
    }
    if sp.min_ready_seconds < 0 {
        causes.push(format!(
            "spec.minReadySeconds: Invalid value: {}: must be greater than or equal to 0",
            sp.min_ready_seconds
        ));
    }
    for (i, t) in sp.volume_claim_templates.iter().enumerate() {
        if let Err(e) = validate_dns_label(&t.metadata.name) {
            causes.push(format!(
                "spec.volumeClaimTemplates[{i}].metadata.name: Invalid value: \"{}\": {e}",
                t.metadata.name
            ));
        }
        if t.spec.access_modes.is_empty() {
            causes.push(format!(
                "spec.volumeClaimTemplates[{i}].spec.accessModes: Required value: at least 1 access mode is required"
            ));
        }
        if !t.spec.resources.requests.contains_key("storage") {
            causes.push(format!(
                "spec.volumeClaimTemplates[{i}].spec.resources[storage]: Required value"
            ));
        }
    }
}

/// `ValidateDeploymentStrategy` and `ValidateRollingUpdateDeployment`.
fn validate_strategy(d: &crate::model::Deployment, causes: &mut Vec<String>) {
    use crate::model::IntOrString;
    let Some(ru) = &d.spec.strategy.rolling_update else {
        return;
    };
    if d.spec.strategy.type_ == "Recreate" {
        causes.push("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'".into());
        return;
    }
    let show = |v: &IntOrString| match v {
        IntOrString::Int(i) => format!("{i}"),
        IntOrString::String(s) => format!("\"{s}\""),
    };
    let mut zero = [false, false];
    for (i, (field, v)) in [
        ("maxSurge", &ru.max_surge),
        ("maxUnavailable", &ru.max_unavailable),
    ]
    .into_iter()
    .enumerate()
    {
        let Some(v) = v else { continue };
        let path = format!("spec.strategy.rollingUpdate.{field}");
        match v {
            IntOrString::Int(n) if *n < 0 => causes.push(format!(
                "{path}: Invalid value: {n}: must be greater than or equal to 0"
            )),
            IntOrString::Int(n) => zero[i] = *n == 0,
            IntOrString::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
                None => causes.push(format!(
                    "{path}: Invalid value: {}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                    show(v)
                )),
                Some(p) if field == "maxUnavailable" && p > 100 => causes.push(format!(
                    "{path}: Invalid value: {}: must not be greater than 100%",
                    show(v)
                )),
                Some(p) => zero[i] = p == 0,
            },
        }
    }
    let surge_zero = ru.max_surge.is_none() || zero[0];
    if surge_zero && zero[1] {
        let v = ru.max_unavailable.as_ref().map(show).unwrap_or_default();
        causes.push(format!(
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: {v}: may not be 0 when `maxSurge` is 0"
        ));
    }
}

fn validate_access_modes(modes: &[String], causes: &mut Vec<String>) {
    for m in modes {
        if !matches!(
            m.as_str(),
            "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod"
        ) {
            causes.push(format!(
                "spec.accessModes: Unsupported value: \"{m}\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""
            ));
        }
    }
    if modes.iter().any(|m| m == "ReadWriteOncePod") && modes.len() > 1 {
        causes.push(
            "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"
                .into(),
        );
    }
}

pub(crate) fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        out[i] = p.parse().ok()?;
    }
    Some(out)
}

/// Whether two objects differ in what bumps `metadata.generation` (the spec).
fn spec_changed(old: &Object, new: &Object) -> bool {
    match (old, new) {
        (Object::Pod(a), Object::Pod(b)) => a.spec != b.spec,
        (Object::ReplicaSet(a), Object::ReplicaSet(b)) => a.spec != b.spec,
        (Object::Deployment(a), Object::Deployment(b)) => a.spec != b.spec,
        (Object::StatefulSet(a), Object::StatefulSet(b)) => a.spec != b.spec,
        (Object::Service(a), Object::Service(b)) => a.spec != b.spec,
        (Object::PersistentVolume(a), Object::PersistentVolume(b)) => a.spec != b.spec,
        (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => a.spec != b.spec,
        (Object::PodDisruptionBudget(a), Object::PodDisruptionBudget(b)) => a.spec != b.spec,
        (Object::Node(a), Object::Node(b)) => a.spec != b.spec,
        _ => false,
    }
}

/// Spec changes the API server refuses on update.
fn immutable_violations(old: &Object, new: &Object) -> Vec<String> {
    let mut causes = Vec::new();
    match (old, new) {
        // A status write keeps the very spec it read (shared): nothing to compare or copy.
        (Object::Pod(a), Object::Pod(b)) if a.spec != b.spec => {
            let mut a2 = a.spec.clone();
            let b2 = &b.spec;
            // Mutable: container images, added tolerations, and nodeName only via binding.
            for (ca, cb) in a2.containers.iter_mut().zip(&b2.containers) {
                ca.image = cb.image.clone();
            }
            if b2.tolerations.len() >= a2.tolerations.len()
                && b2.tolerations[..a2.tolerations.len()] == a2.tolerations[..]
            {
                a2.tolerations = b2.tolerations.clone();
            }
            if a2 != *b2 {
                causes.push("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".to_string());
            }
        }
        (Object::ReplicaSet(a), Object::ReplicaSet(b)) if a.spec.selector != b.spec.selector => {
            causes.push("spec.selector: Invalid value: field is immutable".to_string());
        }
        (Object::Deployment(a), Object::Deployment(b)) if a.spec.selector != b.spec.selector => {
            causes.push("spec.selector: Invalid value: field is immutable".to_string());
        }
        (Object::StatefulSet(a), Object::StatefulSet(b)) => {
            // ref §3.2: only these spec fields may change.
            let strip = |s: &crate::model::StatefulSetSpec| {
                let mut s = s.clone();
                s.replicas = None;
                s.ordinals = None;
                s.template = Default::default();
                s.update_strategy = None;
                s.revision_history_limit = None;
                s.persistent_volume_claim_retention_policy = None;
                s.min_ready_seconds = 0;
                s
            };
            if strip(&a.spec) != strip(&b.spec) {
                causes.push("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".to_string());
            }
        }
        (Object::Service(a), Object::Service(b))
            if !b.spec.cluster_ip.is_empty() && a.spec.cluster_ip != b.spec.cluster_ip =>
        {
            causes.push("spec.clusterIPs[0]: Invalid value: field is immutable".to_string());
        }
        (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => {
            let mut a2 = a.spec.clone();
            // The binder fills volumeName; requests may grow (expansion is not modelled).
            a2.volume_name = b.spec.volume_name.clone();
            a2.resources = b.spec.resources.clone();
            if a2 != b.spec {
                causes.push("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims".to_string());
            }
        }
        _ => {}
    }
    causes
}

impl Sim {
    /// `GET pods/NAME/log`: the API server picks the container (`validateContainer`), then asks
    /// the kubelet on the pod's node for it over the node's InternalIP. A node the control plane
    /// cannot reach fails the way the dial does on a real cluster.
    pub fn pod_logs(
        &self,
        namespace: &str,
        name: &str,
        opts: &PodLogOptions,
    ) -> Result<String, ApiError> {
        let pod = self
            .api
            .get::<Pod>(namespace, name)
            .ok_or_else(|| ApiError::NotFound {
                kind: Kind::Pod,
                name: name.to_string(),
            })?;
        let names: Vec<&str> = pod
            .spec
            .containers
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let container = if opts.container.is_empty() {
            match names.as_slice() {
                [only] => only.to_string(),
                [] => {
                    return Err(ApiError::BadRequest(format!(
                        "a container name must be specified for pod {name}"
                    )))
                }
                many => {
                    return Err(ApiError::BadRequest(format!(
                        "a container name must be specified for pod {name}, choose one of: [{}]",
                        many.join(" ")
                    )))
                }
            }
        } else if names.contains(&opts.container.as_str()) {
            opts.container.clone()
        } else {
            return Err(ApiError::BadRequest(format!(
                "container {} is not valid for pod {name}",
                opts.container
            )));
        };
        let node = pod.spec.node_name.as_str();
        if node.is_empty() {
            // No node yet: an empty location, so an empty log.
            return Ok(String::new());
        }
        let node_obj = self
            .api
            .get::<crate::model::Node>("", node)
            .ok_or_else(|| ApiError::NotFound {
                kind: Kind::Node,
                name: node.to_string(),
            })?;
        let ip = node_obj
            .status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.clone())
            .or_else(|| self.world.machine(node).map(|m| m.ip.to_string()))
            .unwrap_or_default();
        if !self.world.can_reach_api(node) {
            return Err(ApiError::Unknown(format!(
                "Get \"https://{ip}:10250/containerLogs/{namespace}/{name}/{container}{}\": dial tcp {ip}:10250: i/o timeout",
                opts.query()
            )));
        }
        self.kubelet_container_logs(pod, &container, opts)
    }

    fn check_namespace(&self, kind: Kind, ns: &str, name: &str) -> Result<(), ApiError> {
        if kind.namespaced() {
            if let Err(e) = validate_dns_label(ns) {
                return Err(ApiError::Invalid {
                    kind,
                    name: name.to_string(),
                    causes: vec![format!("metadata.namespace: Invalid value: \"{ns}\": {e}")],
                });
            }
        }
        Ok(())
    }

    /// Creates an object: admission defaults, validation, uid, resourceVersion, watch fan-out.
    /// Whether the store holds `Timing::max_objects` objects (Events aside), etcd's stand-in
    /// for a used-up space quota: every create is refused.
    pub fn store_full(&self) -> bool {
        self.api.uids.len() >= self.timing.max_objects
    }

    pub(crate) fn api_create(
        &mut self,
        actor: &Actor,
        subject: Option<&ObjectRef>,
        mut obj: Object,
        why: &str,
    ) -> Result<ObjectRef, ApiError> {
        let kind = obj.kind();
        {
            let m = obj.meta_mut();
            // A namespace every cluster has is stored as its static `Name`, not copied per object.
            m.namespace = if kind.namespaced() {
                crate::model::meta::stored_namespace(std::mem::take(&mut m.namespace))
            } else {
                Name::default()
            };
        }
        let (ns, name, gen_name) = {
            let m = obj.meta();
            (m.namespace.clone(), m.name.clone(), m.generate_name.clone())
        };
        self.check_namespace(kind, &ns, &name)?;
        if name.is_empty() && gen_name.is_empty() {
            return Err(ApiError::Invalid {
                kind,
                name: String::new(),
                causes: vec![
                    "metadata.name: Required value: name or generateName is required".into(),
                ],
            });
        }
        let name = if name.is_empty() {
            // names.SimpleNameGenerator: base truncated to 58 so the result fits 63 (ref §1.2).
            let base: String = gen_name.chars().take(58).collect();
            let mut candidate;
            let mut tries = 0;
            loop {
                candidate = format!("{base}{}", self.rng.name_suffix());
                tries += 1;
                if !self.api.contains(&ObjectRef::new(kind, &ns, &candidate)) || tries > 8 {
                    break;
                }
            }
            candidate.into()
        } else {
            name
        };
        obj.meta_mut().name = name.clone();
        let r = ObjectRef::new(kind, &ns, &name);
        if self.api.contains(&r) {
            return Err(ApiError::AlreadyExists {
                kind,
                name: name.to_string(),
            });
        }
        self.admit_defaults(&mut obj);
        let causes = validate(&obj);
        if !causes.is_empty() {
            return Err(ApiError::Invalid {
                kind,
                name: name.to_string(),
                causes,
            });
        }
        if let Object::Service(s) = &obj {
            let ip = &s.spec.cluster_ip;
            if !ip.is_empty()
                && ip != "None"
                && self
                    .api
                    .list::<crate::model::Service>()
                    .any(|o| &o.spec.cluster_ip == ip)
            {
                return Err(ApiError::Invalid {
                    kind,
                    name: name.to_string(),
                    causes: vec![format!("spec.clusterIPs: Invalid value: []string{{\"{ip}\"}}: failed to allocate IP {ip}: provided IP is already allocated")],
                });
            }
        }
        if let Some(cause) = self.allocate_node_ports(&mut obj, None) {
            return Err(ApiError::Invalid {
                kind,
                name: name.to_string(),
                causes: vec![cause],
            });
        }
        // etcd refuses writes once its space quota is used up; here the store is full at
        // `max_objects` objects (Events aside), so no typo (`--replicas=99999999`) grows it
        // without end.
        if self.store_full() {
            return Err(ApiError::Unknown(
                "etcdserver: mvcc: database space exceeded".into(),
            ));
        }
        self.allocate_on_create(&mut obj);
        let now = self.now_time();
        let uid = self.rng.uid();
        let rv = self.api.next_rv();
        {
            let m = obj.meta_mut();
            m.uid = uid.into();
            m.resource_version = rv;
            m.creation_timestamp = Some(now);
            m.deletion_timestamp = None;
            m.deletion_grace_period_seconds = None;
            m.generation = 1;
        }
        self.api.put(obj.clone());
        self.record(
            actor,
            subject,
            Some(&r),
            Change::Created,
            format!("created {} {}", kind.name().to_ascii_lowercase(), name),
            why,
        );
        self.publish(None, Some(&obj));
        Ok(r)
    }

    fn admit_defaults(&mut self, obj: &mut Object) {
        default_for_update(obj);
        match obj {
            Object::Pod(p) => {
                // The seconds are the run's timing, fixed when it is built.
                if let Some(spec) = self.api.admitted_spec.kept(&p.spec, &|_| true) {
                    p.spec = spec;
                } else {
                    let before = p.spec.clone();
                    default_tolerations(&mut p.spec, self.timing.default_toleration_seconds);
                    self.api.admitted_spec.keep((before, p.spec.clone()));
                }
                p.status = Default::default();
                p.status.phase = "Pending".into();
                p.status.qos_class = qos_class(&p.spec).into();
            }
            Object::ReplicaSet(rs) => rs.status = Default::default(),
            Object::Deployment(d) => d.status = Default::default(),
            Object::StatefulSet(ss) => ss.status = Default::default(),
            Object::PersistentVolumeClaim(c) => {
                if c.spec.storage_class_name.is_none() {
                    // DefaultStorageClass admission.
                    if let Some(sc) = self
                        .api
                        .list::<crate::model::StorageClass>()
                        .find(|sc| sc.is_default())
                    {
                        c.spec.storage_class_name = Some(sc.metadata.name.to_string());
                    }
                }
                add_finalizer(&mut c.metadata, FINALIZER_PVC_PROTECTION);
                c.status = Default::default();
                c.status.phase = "Pending".into();
            }
            Object::PersistentVolume(v) => {
                add_finalizer(&mut v.metadata, FINALIZER_PV_PROTECTION);
                v.status = Default::default();
                v.status.phase = "Pending".into();
            }
            _ => {}
        }
    }

    /// The node port allocator (type NodePort and LoadBalancer): a port given must be free; a
    /// port not given keeps the one the old version had (an update), else gets a free one in
    /// 30000-32767. The pick is the service's name hashed into the range, then the next free
    /// port: deterministic, and it leaves the run's random numbers as they were.
    fn allocate_node_ports(&self, obj: &mut Object, old: Option<&Object>) -> Option<String> {
        let Object::Service(s) = obj else {
            return None;
        };
        let s = &mut **s;
        if !matches!(s.spec.type_.as_str(), "NodePort" | "LoadBalancer") {
            return None;
        }
        let me = (&s.metadata.namespace, &s.metadata.name);
        let mut used: SortedSet<i32> = self
            .api
            .list::<crate::model::Service>()
            .filter(|o| (&o.metadata.namespace, &o.metadata.name) != me)
            .flat_map(|o| o.spec.ports.iter().filter_map(|p| p.node_port))
            .collect();
        let kept = |p: &crate::model::ServicePort| {
            let Some(Object::Service(o)) = old else {
                return None;
            };
            o.spec
                .ports
                .iter()
                .find(|q| q.port == p.port && q.name == p.name)
                .and_then(|q| q.node_port)
        };
        let (lo, span) = (30_000u64, 2_768u64);
        for (i, p) in s.spec.ports.iter_mut().enumerate() {
            if let Some(np) = p.node_port.filter(|n| *n != 0) {
                if !used.insert(np) {
                    return Some(format!("spec.ports[{i}].nodePort: Invalid value: {np}: provided port is already allocated"));
                }
                continue;
            }
            if let Some(np) = kept(p) {
                used.insert(np);
                p.node_port = Some(np);
                continue;
            }
            let key = format!("{}/{}/{}", me.0, me.1, p.port);
            let mut n = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            }) % span;
            for _ in 0..span {
                let port = (lo + n) as i32;
                if used.insert(port) {
                    p.node_port = Some(port);
                    break;
                }
                n = (n + 1) % span;
            }
            if p.node_port.is_none() {
                return Some(format!(
                    "spec.ports[{i}].nodePort: Internal error: range is full"
                ));
            }
        }
        None
    }

    fn allocate_on_create(&mut self, obj: &mut Object) {
        if let Object::Service(s) = obj {
            if s.spec.cluster_ip.is_empty() {
                // The ClusterIP allocator picks at random inside the service CIDR 10.96.0.0/16.
                let used: SortedSet<String> = self
                    .api
                    .list::<crate::model::Service>()
                    .map(|s| s.spec.cluster_ip.clone())
                    .collect();
                loop {
                    let n = self.rng.between(11, 65_534);
                    let ip = format!("10.96.{}.{}", n / 256, n % 256);
                    if !used.contains(&ip) && !n.is_multiple_of(256) && n % 256 != 255 {
                        s.spec.cluster_ip = ip;
                        break;
                    }
                }
            }
            s.spec.cluster_ips = vec![s.spec.cluster_ip.clone()];
        }
    }

    /// Updates an object. A non-empty `resourceVersion` must match the stored one (409 otherwise).
    pub(crate) fn api_update(
        &mut self,
        actor: &Actor,
        subject: Option<&ObjectRef>,
        obj: Object,
        what: &str,
        why: &str,
    ) -> Result<(), ApiError> {
        self.api_update_as(actor, subject, obj, what, why, Change::Updated)
    }

    /// `api_update` with the trace classification chosen by the caller (heartbeats).
    pub(crate) fn api_update_as(
        &mut self,
        actor: &Actor,
        subject: Option<&ObjectRef>,
        mut obj: Object,
        what: &str,
        why: &str,
        change: Change,
    ) -> Result<(), ApiError> {
        let kind = obj.kind();
        if kind.namespaced() {
            let m = obj.meta_mut();
            m.namespace = crate::model::meta::stored_namespace(std::mem::take(&mut m.namespace));
        }
        default_for_update(&mut obj);
        let r = obj.object_ref();
        let old = self
            .api
            .get_object(&r)
            .cloned()
            .ok_or_else(|| ApiError::NotFound {
                kind,
                name: r.name.to_string(),
            })?;
        let om = old.meta();
        let rv = obj.meta().resource_version;
        if !rv.is_empty() && rv != om.resource_version {
            return Err(ApiError::Conflict {
                kind,
                name: r.name.to_string(),
            });
        }
        if !obj.meta().uid.is_empty() && obj.meta().uid != om.uid {
            return Err(ApiError::Conflict {
                kind,
                name: r.name.to_string(),
            });
        }
        let mut causes = validate(&obj);
        causes.extend(immutable_violations(&old, &obj));
        causes.extend(self.allocate_node_ports(&mut obj, Some(&old)));
        if om.deletion_timestamp.is_some() {
            // New finalizers cannot be added to an object being deleted.
            for f in &obj.meta().finalizers {
                if !om.finalizers.contains(f) {
                    causes.push(format!("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{\"{f}\"}}"));
                }
            }
        }
        if !causes.is_empty() {
            return Err(ApiError::Invalid {
                kind,
                name: r.name.to_string(),
                causes,
            });
        }
        let generation = if spec_changed(&old, &obj) {
            om.generation + 1
        } else {
            om.generation
        };
        {
            let (uid, ct, dt, dg) = (
                om.uid.clone(),
                om.creation_timestamp,
                om.deletion_timestamp,
                om.deletion_grace_period_seconds,
            );
            let m = obj.meta_mut();
            m.uid = uid;
            m.creation_timestamp = ct;
            m.deletion_timestamp = dt;
            m.deletion_grace_period_seconds = dg;
            m.generation = generation;
        }
        if let (Object::Pod(a), Object::Pod(b)) = (&old, &obj) {
            if a.spec.node_name != b.spec.node_name {
                return Err(ApiError::Invalid {
                    kind,
                    name: r.name.to_string(),
                    causes: vec!["spec.nodeName: Forbidden: use the binding subresource".into()],
                });
            }
        }
        if same_ignoring_rv(&old, &mut obj) {
            return Ok(());
        }
        obj.meta_mut().resource_version = self.api.next_rv();
        self.api.put(obj.clone());
        self.record(actor, subject, Some(&r), change, what.to_string(), why);
        self.publish(Some(&old), Some(&obj));
        self.maybe_finalize(actor, &r);
        Ok(())
    }

    /// `pods/binding`: sets `spec.nodeName` once.
    pub(crate) fn api_bind(
        &mut self,
        actor: &Actor,
        pod_ref: &ObjectRef,
        node: &str,
        why: &str,
    ) -> Result<(), ApiError> {
        let old = self
            .api
            .get_object(pod_ref)
            .cloned()
            .ok_or_else(|| ApiError::NotFound {
                kind: Kind::Pod,
                name: pod_ref.name.to_string(),
            })?;
        let mut obj = old.clone();
        let Object::Pod(p) = &mut obj else {
            return Err(ApiError::BadRequest("binding is only for pods".into()));
        };
        if !p.spec.node_name.is_empty() {
            return Err(ApiError::Conflict {
                kind: Kind::Pod,
                name: pod_ref.name.to_string(),
            });
        }
        if p.metadata.deletion_timestamp.is_some() {
            return Err(ApiError::BadRequest(format!(
                "pod {} is being deleted, cannot be assigned to a host",
                pod_ref.name
            )));
        }
        let fits = |after: &PodSpec| after.node_name == node;
        if let Some(spec) = self.api.bound_specs.kept(&p.spec, &fits) {
            p.spec = spec;
        } else {
            let before = p.spec.clone();
            p.spec.node_name = node.to_string();
            self.api.bound_specs.keep((before, p.spec.clone()));
        }
        let now = self.now_time();
        p.status.set_condition("PodScheduled", "True", "", "", now);
        p.metadata.resource_version = self.api.next_rv();
        self.api.put(obj.clone());
        self.record(
            actor,
            None,
            Some(pod_ref),
            Change::Updated,
            format!("bound pod {} to {node}", pod_ref.name),
            why,
        );
        self.publish(Some(&old), Some(&obj));
        Ok(())
    }

    /// Deletes an object. Pods on a node get a grace period; finalizers hold others.
    pub(crate) fn api_delete(
        &mut self,
        actor: &Actor,
        subject: Option<&ObjectRef>,
        r: &ObjectRef,
        opts: &DeleteOptions,
        why: &str,
    ) -> Result<bool, ApiError> {
        let old = self
            .api
            .get_object(r)
            .cloned()
            .ok_or_else(|| ApiError::NotFound {
                kind: r.kind,
                name: r.name.to_string(),
            })?;
        if let Some(g) = opts.grace_period_seconds.filter(|g| *g < 0) {
            return Err(ApiError::Invalid {
                kind: r.kind,
                name: r.name.to_string(),
                causes: vec![format!(
                    "gracePeriodSeconds: Invalid value: {g}: must be greater than or equal to 0"
                )],
            });
        }
        let mut obj = old.clone();
        let now = self.now;
        let mut grace: i64 = 0;
        if let Object::Pod(p) = &obj {
            grace = opts
                .grace_period_seconds
                .unwrap_or(p.spec.termination_grace_period_seconds.unwrap_or(30));
            // Unscheduled or finished pods have nothing to stop: delete at once.
            if p.spec.node_name.is_empty() || p.is_terminal() {
                grace = 0;
            }
        }
        {
            let m = obj.meta_mut();
            match opts.propagation {
                Propagation::Orphan => add_finalizer(m, FINALIZER_ORPHAN),
                Propagation::Foreground => add_finalizer(m, FINALIZER_FOREGROUND),
                Propagation::Background => {}
            }
        }
        let unchanged_finalizers = old.meta().finalizers == obj.meta().finalizers;
        let m = obj.meta_mut();
        let what;
        if let Some(existing) = m.deletion_timestamp {
            // Already terminating: a delete may only shorten the grace period.
            let remaining = m.deletion_grace_period_seconds.unwrap_or(0);
            if r.kind == Kind::Pod && grace < remaining {
                m.deletion_grace_period_seconds = Some(grace);
                m.deletion_timestamp = Some(Time::at(now + grace as u64 * 1000).min(existing));
                what = format!("shortened grace of pod {} to {grace}s", r.name);
            } else if unchanged_finalizers {
                return Ok(false);
            } else {
                what = format!(
                    "updated deletion of {} {}",
                    r.kind.name().to_ascii_lowercase(),
                    r.name
                );
            }
        } else {
            m.deletion_timestamp = Some(Time::at(now + grace as u64 * 1000));
            m.deletion_grace_period_seconds = Some(grace);
            what = if r.kind == Kind::Pod && grace > 0 {
                format!("marked pod {} for deletion (grace {grace}s)", r.name)
            } else {
                format!(
                    "marked {} {} for deletion",
                    r.kind.name().to_ascii_lowercase(),
                    r.name
                )
            };
        }
        let removable = m.finalizers.is_empty() && (r.kind != Kind::Pod || grace == 0);
        if removable {
            self.api.take(r);
            self.api.resource_version += 1;
            self.record(
                actor,
                subject,
                Some(r),
                Change::Deleted,
                format!("deleted {} {}", r.kind.name().to_ascii_lowercase(), r.name),
                why,
            );
            self.publish(Some(&old), None);
            return Ok(true);
        }
        obj.meta_mut().resource_version = self.api.next_rv();
        self.api.put(obj.clone());
        self.record(actor, subject, Some(r), Change::Deleting, what, why);
        self.publish(Some(&old), Some(&obj));
        Ok(false)
    }

    /// Removes an object whose deletion is complete (no finalizers, and for pods grace 0).
    fn maybe_finalize(&mut self, actor: &Actor, r: &ObjectRef) {
        let Some(o) = self.api.get_object(r) else {
            return;
        };
        let m = o.meta();
        if m.deletion_timestamp.is_none() || !m.finalizers.is_empty() {
            return;
        }
        if r.kind == Kind::Pod && m.deletion_grace_period_seconds.unwrap_or(0) != 0 {
            return;
        }
        let old = self.api.take(r).expect("present");
        self.api.resource_version += 1;
        self.record(
            actor,
            None,
            Some(r),
            Change::Deleted,
            format!(
                "deleted {} {} (finalizers done)",
                r.kind.name().to_ascii_lowercase(),
                r.name
            ),
            "",
        );
        self.publish(Some(&old), None);
    }

    /// kube-apiserver `--event-ttl`: each Event is stored with an etcd lease of an hour from
    /// its last write (any write: the recorder's, a learner's label or replace), and etcd
    /// deletes it when the lease runs out. The lab looks once a minute, so an Event goes up
    /// to a minute after its hour.
    pub(crate) fn expire_events(&mut self) {
        self.schedule(EVENT_TTL_SWEEP, crate::sim::Event::ExpireEvents);
        // The store's revision at each look (the k-th at k minutes): an object last written
        // by then has a version no higher, so an Event's last write is known to the minute
        // from its version alone, 8 bytes a simulated minute.
        self.api.sweep_marks.push(self.api.resource_version);
        let Some(cutoff) = self.now.checked_sub(self.timing.event_ttl) else {
            return;
        };
        let Some(&written_by) = (cutoff / EVENT_TTL_SWEEP)
            .checked_sub(1)
            .and_then(|k| self.api.sweep_marks.get(k as usize))
        else {
            return;
        };
        let expired: Vec<ObjectRef> = self
            .api
            .list::<Event>()
            .filter(|e| e.metadata.resource_version.0 <= written_by)
            .map(|e| ObjectRef::new(Kind::Event, &e.metadata.namespace, &e.metadata.name))
            .collect();
        for r in expired {
            let Some(old) = self.api.take(&r) else {
                continue;
            };
            self.api.resource_version += 1;
            self.record(
                &Actor::ApiServer,
                None,
                Some(&r),
                Change::Deleted,
                format!("deleted event {}", r.name),
                "an hour after its last write (--event-ttl)",
            );
            self.publish(Some(&old), None);
        }
    }

    /// Records a core/v1 Event through the actor's event recorder (`sim::recorder`): a repeat
    /// counts up, similar Events combine, and spam stops short of the API server.
    pub(crate) fn api_event(
        &mut self,
        actor: &Actor,
        involved: &ObjectRef,
        type_: &'static str,
        reason: &'static str,
        message: &str,
    ) {
        self.api_event_once(actor, involved, type_, reason, message, false);
    }

    /// `api_event`, but with `once` nothing is recorded while the Event it would count into is
    /// stored: the scheduler's retries of a pod it could not place (a lookup by the recorder's
    /// key, not a scan of every Event).
    pub(crate) fn api_event_once(
        &mut self,
        actor: &Actor,
        involved: &ObjectRef,
        type_: &'static str,
        reason: &'static str,
        message: &str,
        once: bool,
    ) {
        // The object's own key and uid, so the Event shares their texts.
        let (own, uid) = match self.api.get_object(involved) {
            Some(o) => (o.object_ref(), o.meta().uid.clone()),
            None => (involved.clone(), Name::default()),
        };
        let involved = &own;
        let (component, host) = event_source(actor);
        // The Event's namespace, once: the object's, or `default` for a cluster-scoped one.
        let ns = crate::model::meta::stored_namespace(involved.namespace.clone());
        let parts = event_parts(&component, &host, involved, &uid);
        let name_of = |nanos| format!("{}.{:x}", involved.name, nanos);
        if once
            && self
                .api
                .recorder
                .logged(&parts, type_, reason, message)
                .is_some_and(|nanos| self.api.get::<Event>(&ns, &name_of(nanos)).is_some())
        {
            return;
        }
        let now = self.now_time();
        let r = self.api.recorder.record(
            &parts,
            type_,
            reason,
            message,
            (self.now, now.unix_nanos()),
            component != "default-scheduler",
        );
        if !r.sent {
            return;
        }
        let message = if r.combined {
            format!("{COMBINED}{message}")
        } else {
            message.to_string()
        };
        let name = name_of(r.nanos);
        let mut e = match self.api.get::<Event>(&ns, &name) {
            // Upstream patches count, last time and message; a deleted Event is made again.
            Some(e) => {
                let mut e = e.clone();
                e.metadata.resource_version = self.api.next_rv();
                e
            }
            None => Event {
                metadata: ObjectMeta {
                    name: name.into(),
                    namespace: ns,
                    uid: self.rng.uid().into(),
                    resource_version: self.api.next_rv(),
                    creation_timestamp: Some(now),
                    ..Default::default()
                },
                involved_object: self.api.event_ref(involved, uid),
                reason: Name::from_static(reason),
                message: Default::default(),
                type_: Name::from_static(type_),
                count: 0,
                first_timestamp: Some(Time::at(r.first)),
                last_timestamp: None,
                source: EventSource { component, host },
            },
        };
        let what = format!("{type_} {reason}: {message}");
        e.count = r.count;
        e.last_timestamp = Some(now);
        e.message = self.trace.share_text(&message);
        self.api.put(e.into());
        self.record(actor, None, Some(involved), Change::Event, what, "");
    }
}

/// Whether an update changes nothing but the resource version. `b`'s version is swapped for
/// `a`'s while they compare, and put back: a copy of `b` to compare was a whole pod per status
/// write (issue 16).
fn same_ignoring_rv(a: &Object, b: &mut Object) -> bool {
    let theirs = a.meta().resource_version;
    if b.meta().resource_version == theirs {
        return a == b;
    }
    let ours = std::mem::replace(&mut b.meta_mut().resource_version, theirs);
    let same = a == b;
    b.meta_mut().resource_version = ours;
    same
}

pub(crate) fn add_finalizer(m: &mut ObjectMeta, f: &str) {
    if !m.finalizers.iter().any(|x| x == f) {
        m.finalizers.push(f.to_string());
    }
}

/// QoS class from requests and limits.
fn qos_class(spec: &PodSpec) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in &spec.containers {
        let r = &c.resources;
        if !r.requests.is_empty() || !r.limits.is_empty() {
            any = true;
        }
        for res in ["cpu", "memory"] {
            match (r.limits.get(res), r.requests.get(res)) {
                (Some(l), Some(q)) if l.milli() == q.milli() => {}
                (Some(_), None) => {}
                _ => guaranteed = false,
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// The component and host an actor's Events name as their source.
fn event_source(actor: &Actor) -> (Name, Name) {
    match actor {
        Actor::Controller(c) => (Name::from_static(c), Name::default()),
        Actor::Kubelet(n) => (Name::from_static("kubelet"), n.clone()),
        other => (other.to_string().into(), Name::default()),
    }
}

/// Whether an Event is named otherwise than a recorder names it (`<object>.<suffix>`, in the
/// object's namespace or `default`): a learner's own, for one.
fn odd_event(e: &Event) -> bool {
    let o = &e.involved_object;
    let named = e
        .metadata
        .name
        .strip_prefix(o.name.as_str())
        .is_some_and(|rest| rest.starts_with('.'));
    !named || e.metadata.namespace != event_namespace(&o.namespace)
}

/// The namespace an Event about an object in `namespace` is stored in (`default` for a
/// cluster-scoped object's).
fn event_namespace(namespace: &str) -> &str {
    if namespace.is_empty() {
        "default"
    } else {
        namespace
    }
}

/// What an Event's recorder keys it by: its source (`event_source`) and its object.
fn event_parts<'a>(
    component: &'a str,
    host: &'a str,
    involved: &'a ObjectRef,
    uid: &'a str,
) -> [&'a str; 6] {
    [
        component,
        host,
        involved.kind.name(),
        event_namespace(&involved.namespace),
        &involved.name,
        uid,
    ]
}

/// cpu millis and memory bytes a pod requests: what the scheduler and the node index count.
pub(crate) fn pod_requests(p: &Pod) -> (i64, i64) {
    let mut cpu = 0;
    let mut mem = 0;
    for c in &p.spec.containers {
        if let Some(q) = c.resources.requests.get("cpu") {
            cpu += q.milli();
        }
        if let Some(q) = c.resources.requests.get("memory") {
            mem += q.value();
        }
    }
    (cpu, mem)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: a namespace other than the cluster's four is one copy, shared by the object's
    /// key and by the Events about it, whose references share it too.
    #[test]
    fn a_custom_namespace_is_one_copy_in_keys_and_events() {
        use crate::model::Container;
        use crate::sim::examples::replicaset;
        use crate::sim::{Command, SimBuilder};
        let mut sim = SimBuilder::new(3).workers(1).build().unwrap();
        let mut rs = replicaset("web", 1, Container::new("web", "nginx:1.27"));
        rs.metadata.namespace = "team-a".into();
        sim.apply(Command::Apply(rs.into())).unwrap();
        sim.run_for(30_000);
        let c = sim.cluster();
        let (key, pod) = c
            .objects
            .iter()
            .find_map(|(k, o)| Some((k, Pod::from_object(o)?)))
            .unwrap();
        let ns = pod.metadata.namespace.as_ptr();
        assert_eq!(pod.metadata.namespace, "team-a");
        assert!(std::ptr::eq(key.namespace.as_ptr(), ns));
        let events = c.events_for(key);
        assert_eq!(events.len(), 4, "{events:?}");
        for e in events {
            assert!(std::ptr::eq(e.metadata.namespace.as_ptr(), ns));
            assert!(std::ptr::eq(e.involved_object.namespace.as_ptr(), ns));
        }
    }

    /// Every index the store keeps, as text, to compare with a store rebuilt from its objects.
    fn indexes(c: &Cluster) -> String {
        format!(
            "{:?}",
            (
                c.uids.iter().collect::<BTreeMap<_, _>>(),
                c.dependents.iter().collect::<BTreeMap<_, _>>(),
                c.pods_by_node.iter().collect::<BTreeMap<_, _>>(),
                &c.orphan_pods,
                &c.unbound_pods,
                &c.anti_affinity_pods,
                &c.node_requests,
                &c.node_allocatable,
                &c.owner_on_node,
                &c.tallies,
                c.odd_events,
            )
        )
    }

    /// Issue 16: after a run where only recorders wrote Events, none is named otherwise, so
    /// `events_for` takes the range over names, and it lists what a walk over every Event does,
    /// for pods, their ReplicaSet and nodes (whose Events live in `default`).
    #[test]
    fn the_range_over_an_objects_event_names_lists_what_a_full_walk_does() {
        use crate::model::Container;
        use crate::sim::examples::replicaset;
        use crate::sim::{Command, SimBuilder};
        let mut sim = SimBuilder::new(3).workers(3).build().unwrap();
        let web = Container::new("web", "nginx:1.27");
        sim.apply(Command::Apply(replicaset("web", 12, web).into()))
            .unwrap();
        sim.run_for(60_000);
        sim.apply(Command::Partition {
            node: "node-2".into(),
        })
        .unwrap();
        sim.run_for(400_000);
        let c = &sim.api;
        assert_eq!(c.odd_events, 0);
        let mut refs: Vec<ObjectRef> = c.list_kind(Kind::Pod).map(|o| o.object_ref()).collect();
        refs.push(ObjectRef::new(Kind::ReplicaSet, "default", "web"));
        refs.extend((1..=3).map(|i| ObjectRef::new(Kind::Node, "", &format!("node-{i}"))));
        let mut listed = 0;
        for r in &refs {
            let by_range: Vec<&str> = c.events_for(r).iter().map(|e| &*e.metadata.name).collect();
            let uid = c.get_object(r).map_or("", |o| o.meta().uid.as_str());
            let mut walked: Vec<&Event> = c
                .list::<Event>()
                .filter(|e| {
                    let o = &e.involved_object;
                    o.kind == r.kind.name()
                        && o.name == r.name
                        && o.namespace == r.namespace
                        && (uid.is_empty() || o.uid == uid)
                })
                .collect();
            crate::sort::sort_by_key(&mut walked, |e| {
                let t = e.last_timestamp.or(e.first_timestamp);
                (t.map_or(0, |t| t.millis() / 1000), e.metadata.name.clone())
            });
            let walked: Vec<&str> = walked.iter().map(|e| &*e.metadata.name).collect();
            assert_eq!(by_range, walked, "{r}");
            listed += by_range.len();
        }
        assert!(listed > 50, "Events listed: {listed}");
        assert!(
            refs.iter()
                .any(|r| r.kind == Kind::Node && !c.events_for(r).is_empty()),
            "a node's Events are listed"
        );
    }

    /// Issue 16: the count of Events named otherwise than `<object>.<suffix>` follows every
    /// write, so `events_for` knows when the object's own names are enough.
    #[test]
    fn events_named_otherwise_are_counted_through_writes() {
        let mut c = Cluster::default();
        let mut e = Event {
            metadata: ObjectMeta::named("default", "web-1.by-hand"),
            ..Default::default()
        };
        let about = |e: &mut Event, name: &str| {
            e.involved_object = Shared::new(ObjectReference {
                kind: "Pod".into(),
                namespace: "default".into(),
                name: name.into(),
                ..Default::default()
            });
        };
        about(&mut e, "web-2");
        c.put(e.clone().into());
        assert_eq!(c.odd_events, 1);
        about(&mut e, "web-1");
        c.put(e.clone().into());
        assert_eq!(c.odd_events, 0);
        about(&mut e, "web");
        c.put(e.clone().into());
        assert_eq!(c.odd_events, 1);
        c.take(&ObjectRef::new(Kind::Event, "default", "web-1.by-hand"));
        assert_eq!(c.odd_events, 0);
    }

    #[test]
    fn indexes_kept_through_updates_equal_indexes_rebuilt_from_the_objects() {
        // Issue 16: an update in place moves only a pod's counts when its sets stay the same.
        use crate::model::{Container, Pod};
        use crate::sim::examples::{pod, replicaset};
        use crate::sim::{Command, Sim, SimBuilder};
        let mut sim = SimBuilder::new(11).workers(3).build().unwrap();
        let web = Container::new("web", "nginx:1.27");
        sim.apply(Command::Apply(replicaset("web", 9, web.clone()).into()))
            .unwrap();
        let mut bare = pod("bare", &[("app", "other")], web);
        bare.spec.node_selector.insert("disk".into(), "ssd".into());
        sim.apply(Command::Apply(bare.into())).unwrap();
        let mut checked = 0;
        let mut steps = |sim: &mut Sim, until: u64| {
            while sim.next_event_time().is_some_and(|t| t <= until) {
                sim.step();
                let mut fresh = Cluster::default();
                for o in sim.api.objects() {
                    fresh.put(o.clone());
                }
                assert_eq!(indexes(&fresh), indexes(&sim.api), "at {} ms", sim.now());
                checked += 1;
            }
        };
        steps(&mut sim, 30_000);
        assert!(
            !sim.api.unbound_pods.is_empty(),
            "the bare pod stays Pending"
        );
        sim.apply(Command::Partition {
            node: "node-1".into(),
        })
        .unwrap();
        steps(&mut sim, 400_000);
        let victim = sim
            .api
            .list::<Pod>()
            .next()
            .unwrap()
            .metadata
            .name
            .to_string();
        sim.apply(Command::Delete {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: victim,
            options: DeleteOptions::force(),
        })
        .unwrap();
        steps(&mut sim, 460_000);
        assert!(checked > 300, "checked after every event ({checked})");
    }

    #[test]
    fn conflict_message_matches_reference() {
        // ref §7.2
        let e = ApiError::Conflict {
            kind: Kind::Lease,
            name: "leader".into(),
        };
        assert_eq!(
            e.to_string(),
            "Operation cannot be fulfilled on leases.coordination.k8s.io \"leader\": the object has been modified; please apply your changes to the latest version and try again"
        );
        assert_eq!(e.code(), 409);
    }

    #[test]
    fn not_found_reads_like_kubectl() {
        let e = ApiError::NotFound {
            kind: Kind::Pod,
            name: "x".into(),
        };
        assert_eq!(e.to_string(), "pods \"x\" not found");
    }

    #[test]
    fn dns_names_are_checked() {
        assert!(validate_dns_subdomain("web-0.nginx").is_ok());
        assert!(validate_dns_subdomain("Web").is_err());
        assert!(validate_dns_subdomain("-a").is_err());
        assert!(validate_dns_subdomain("").is_err());
        assert!(validate_dns_label("a.b").is_err());
        assert!(validate_dns_label(&"a".repeat(64)).is_err());
    }

    #[test]
    fn pod_defaults_follow_admission() {
        let mut spec: Shared<PodSpec> =
            PodSpec::with_containers(vec![crate::model::Container::new("c", "nginx")]).into();
        default_pod_spec(&mut spec);
        // Defaulting twice is a no-op that leaves a shared spec shared (no copy per write).
        let kept = spec.clone();
        default_pod_spec(&mut spec);
        assert!(std::ptr::eq(&*kept, &*spec));
        default_tolerations(&mut spec, 300);
        assert_eq!(spec.restart_policy, "Always");
        assert_eq!(spec.termination_grace_period_seconds, Some(30));
        assert_eq!(spec.dns_policy, "ClusterFirst");
        assert_eq!(spec.containers[0].image_pull_policy, "Always");
        assert_eq!(spec.tolerations.len(), 2);
        assert_eq!(
            spec.tolerations[1].describe(),
            "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s"
        );
        // A pod that tolerates everything gets no extra tolerations.
        let mut spec2 = PodSpec::with_containers(vec![crate::model::Container::new("c", "x:1")]);
        spec2.tolerations.push(Toleration {
            operator: "Exists".into(),
            ..Default::default()
        });
        default_tolerations(&mut spec2, 300);
        assert_eq!(spec2.tolerations.len(), 1);
    }
}
