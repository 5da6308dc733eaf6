//! API objects named after Kubernetes kinds, object references, selectors, quantities and durations.
//!
//! Field names follow the Kubernetes API in snake_case; serde renames them to camelCase so
//! objects print and parse with Kubernetes' own field paths.

pub(crate) mod decode;
pub mod meta;
pub mod misc;
pub mod node;
pub mod pod;
pub mod quantity;
pub mod selector;
pub mod service;
pub mod storage;
pub mod workload;

use std::fmt;

pub use meta::{
    go_duration, human_duration, parse_duration, ObjectMeta, ObjectReference, OwnerReference,
    ResourceVersion, Str, Time,
};
pub use misc::{
    Condition, ConfigMap, Event, EventSource, Lease, LeaseSpec, PodDisruptionBudget,
    PodDisruptionBudgetSpec, PodDisruptionBudgetStatus,
};
pub use node::{
    AttachedVolume, Node, NodeAddress, NodeCondition, NodeSpec, NodeStatus, NodeSystemInfo, Taint,
};
pub use pod::*;
pub use quantity::{IntOrString, Quantity};
pub use selector::{LabelSelector, LabelSelectorRequirement, Requirement, Selector};
pub use service::{
    Endpoint, EndpointConditions, EndpointPort, EndpointSlice, Service, ServicePort, ServiceSpec,
};
pub use storage::{
    access_modes_short, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimStatus, PersistentVolumeSpec, PersistentVolumeStatus, StorageClass,
    VolumeResourceRequirements,
};
pub use workload::{
    ControllerRevision, Deployment, DeploymentCondition, DeploymentSpec, DeploymentStatus,
    DeploymentStrategy, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus, RevisionData, RevisionSpec,
    RollingUpdateDeployment, RollingUpdateStatefulSetStrategy, StatefulSet, StatefulSetOrdinals,
    StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetSpec, StatefulSetStatus,
    StatefulSetUpdateStrategy,
};

/// The kinds podlab simulates. The order is the store's order, so it is part of determinism.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    ConfigMap,
    ControllerRevision,
    Deployment,
    EndpointSlice,
    Event,
    Lease,
    Node,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    PodDisruptionBudget,
    ReplicaSet,
    Service,
    StatefulSet,
    StorageClass,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::ConfigMap,
        Kind::ControllerRevision,
        Kind::Deployment,
        Kind::EndpointSlice,
        Kind::Event,
        Kind::Lease,
        Kind::Node,
        Kind::PersistentVolume,
        Kind::PersistentVolumeClaim,
        Kind::Pod,
        Kind::PodDisruptionBudget,
        Kind::ReplicaSet,
        Kind::Service,
        Kind::StatefulSet,
        Kind::StorageClass,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::ControllerRevision => "ControllerRevision",
            Kind::Deployment => "Deployment",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::Event => "Event",
            Kind::Lease => "Lease",
            Kind::Node => "Node",
            Kind::PersistentVolume => "PersistentVolume",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::Pod => "Pod",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Service => "Service",
            Kind::StatefulSet => "StatefulSet",
            Kind::StorageClass => "StorageClass",
        }
    }

    /// The lower-case plural resource name (`pods`, `leases`).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::ConfigMap => "configmaps",
            Kind::ControllerRevision => "controllerrevisions",
            Kind::Deployment => "deployments",
            Kind::EndpointSlice => "endpointslices",
            Kind::Event => "events",
            Kind::Lease => "leases",
            Kind::Node => "nodes",
            Kind::PersistentVolume => "persistentvolumes",
            Kind::PersistentVolumeClaim => "persistentvolumeclaims",
            Kind::Pod => "pods",
            Kind::PodDisruptionBudget => "poddisruptionbudgets",
            Kind::ReplicaSet => "replicasets",
            Kind::Service => "services",
            Kind::StatefulSet => "statefulsets",
            Kind::StorageClass => "storageclasses",
        }
    }

    /// The API group; empty for the core group.
    pub fn group(self) -> &'static str {
        match self {
            Kind::ControllerRevision | Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet => {
                "apps"
            }
            Kind::EndpointSlice => "discovery.k8s.io",
            Kind::Lease => "coordination.k8s.io",
            Kind::PodDisruptionBudget => "policy",
            Kind::StorageClass => "storage.k8s.io",
            _ => "",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self.group() {
            "" => "v1",
            "apps" => "apps/v1",
            "discovery.k8s.io" => "discovery.k8s.io/v1",
            "coordination.k8s.io" => "coordination.k8s.io/v1",
            "policy" => "policy/v1",
            _ => "storage.k8s.io/v1",
        }
    }

    /// `pods`, `replicasets.apps`, `leases.coordination.k8s.io`: how API errors name a resource.
    pub fn qualified_resource(self) -> String {
        match self.group() {
            "" => self.plural().to_string(),
            g => format!("{}.{g}", self.plural()),
        }
    }

    /// `pod`, `replicaset.apps`: how kubectl names an object in `kind/name` output lines.
    pub fn singular_qualified(self) -> String {
        let singular = self.name().to_ascii_lowercase();
        match self.group() {
            "" => singular,
            g => format!("{singular}.{g}"),
        }
    }

    pub fn namespaced(self) -> bool {
        !matches!(
            self,
            Kind::Node | Kind::PersistentVolume | Kind::StorageClass
        )
    }

    /// Resolves kubectl's names: singular, plural, short names, and `Kind` itself.
    pub fn from_resource_name(s: &str) -> Option<Kind> {
        let lower = s.to_ascii_lowercase();
        let base = lower.split('.').next().unwrap_or("");
        Kind::ALL.into_iter().find(|k| {
            let singular = k.name().to_ascii_lowercase();
            base == singular || base == k.plural() || k.short_names().contains(&base)
        })
    }

    pub fn short_names(self) -> &'static [&'static str] {
        match self {
            Kind::ConfigMap => &["cm"],
            Kind::Deployment => &["deploy"],
            Kind::Event => &["ev"],
            Kind::Node => &["no"],
            Kind::PersistentVolume => &["pv"],
            Kind::PersistentVolumeClaim => &["pvc"],
            Kind::Pod => &["po"],
            Kind::PodDisruptionBudget => &["pdb"],
            Kind::ReplicaSet => &["rs"],
            Kind::Service => &["svc"],
            Kind::StatefulSet => &["sts"],
            Kind::StorageClass => &["sc"],
            Kind::ControllerRevision | Kind::EndpointSlice | Kind::Lease => &[],
        }
    }

    /// Parses a manifest `kind:` value exactly (case-sensitive, as the API server does).
    pub fn from_kind_name(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A shared text that never changes: an object's name (its metadata's and its key's), the
/// trace's texts, an Event's message and host. A copy is a count, not a string (issue 16: a
/// pod's update made about 30 copies of its key's name and its node's).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(arcstr::ArcStr);

impl Default for Name {
    /// The empty name, which allocates nothing.
    fn default() -> Self {
        Name(arcstr::ArcStr::new())
    }
}

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The one shared copy of a literal the engine writes over and over (an Event's reason and
    /// type, a condition's status): the first use makes it, later ones count up, where a
    /// `Cow<'static, str>` was 24 bytes in each of 40,000 Events (issue 16). Keyed by the
    /// literal's address and length; a few dozen literals, so a sorted list.
    pub fn from_static(s: &'static str) -> Name {
        thread_local! {
            static KNOWN: std::cell::RefCell<crate::sorted::SortedMap<(usize, usize), Name>> =
                Default::default();
        }
        KNOWN.with(|known| {
            known
                .borrow_mut()
                .entry((s.as_ptr() as usize, s.len()))
                .or_insert_with(|| Name::from(s))
                .clone()
        })
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Name {
    /// The empty name is the shared one: a range's start key (`list_in`) is made with it on
    /// every pod update.
    fn from(s: &str) -> Self {
        if s.is_empty() {
            return Name::default();
        }
        Name(s.into())
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name::from(s.as_str())
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name::from(s.as_str())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

/// A shared text in a stored object (an Event's message and host) reads and writes as a string.
impl crate::codec::Encode for Name {
    fn encode(&self) -> crate::codec::Doc {
        (**self).encode()
    }
}

impl<D: crate::codec::Decoder> crate::codec::DecodeField<D> for Name {
    fn decode_field(&mut self, de: D) -> Result<(), crate::codec::DeError> {
        let mut s = String::new();
        s.decode_field(de)?;
        *self = s.into();
        Ok(())
    }
}

impl fmt::Display for Name {
    /// As `str` prints: width, alignment and precision apply (`{:<20}` in a table).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

/// The store key of an object: kind, namespace (empty for cluster-scoped kinds) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: Kind,
    pub namespace: Name,
    pub name: Name,
}

impl ObjectRef {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Self {
        ObjectRef {
            kind,
            namespace: if kind.namespaced() {
                meta::namespace(namespace)
            } else {
                Name::default()
            },
            name: Name::from(name),
        }
    }
}

impl fmt::Display for ObjectRef {
    /// `pod/web-x2kzq`, as kubectl names objects.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.name().to_ascii_lowercase(), self.name)
    }
}

/// A kind's struct inside an `Object`, shared copy-on-write: a clone of an object or of the
/// whole store (a timeline checkpoint) shares every struct until one side writes to it, and
/// a write through `&mut` copies it first if it is shared (issue 16). Metadata's labels,
/// annotations, owner references and finalizers and an Event's `involvedObject` are shared
/// the same way.
#[derive(Clone, PartialEq, Eq)]
pub struct Shared<T>(std::rc::Rc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(std::rc::Rc::new(value))
    }

    /// Whether both share one struct (a cheap "unchanged since" test).
    pub fn ptr_eq(a: &Self, b: &Self) -> bool {
        std::rc::Rc::ptr_eq(&a.0, &b.0)
    }

    /// The struct itself, copied only if something else still shares it.
    pub fn into_inner(self) -> T
    where
        T: Clone,
    {
        std::rc::Rc::unwrap_or_clone(self.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> std::ops::DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        std::rc::Rc::make_mut(&mut self.0)
    }
}

impl Default for Shared<PodSpec> {
    fn default() -> Self {
        Shared::new(PodSpec::default())
    }
}

impl Default for Shared<ObjectReference> {
    fn default() -> Self {
        Shared::new(ObjectReference::default())
    }
}

/// `for x in &object.metadata.labels` reads the shared value.
impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (**self).into_iter()
    }
}

/// An object's labels or annotations, shared copy-on-write (see `Shared`'s `Default`).
pub type Labels = Shared<crate::sorted::SortedMap<String, String>>;

thread_local! {
    static NO_LABELS: Shared<crate::sorted::SortedMap<String, String>> = Shared::new(crate::sorted::SortedMap::new());
    static NO_OWNERS: Shared<Vec<OwnerReference>> = Shared::new(Vec::new());
    static NO_STRINGS: Shared<Vec<String>> = Shared::new(Vec::new());
}

/// An object's labels are shared: a pod's with its template's, and every object without
/// labels (40,000 Events at 10,000 pods) with one empty map (issue 16).
impl Default for Shared<crate::sorted::SortedMap<String, String>> {
    fn default() -> Self {
        NO_LABELS.with(Shared::clone)
    }
}

/// An object's owner references are shared the same way: a ReplicaSet's pods name it alike.
impl Default for Shared<Vec<OwnerReference>> {
    fn default() -> Self {
        NO_OWNERS.with(Shared::clone)
    }
}

/// Finalizers too: most objects have none.
impl Default for Shared<Vec<String>> {
    fn default() -> Self {
        NO_STRINGS.with(Shared::clone)
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

/// A pod's spec is shared the same way inside its `Pod` (and from a template to the pods made
/// from it): a status write copies the pod's metadata and status, not its containers.
impl<T: crate::codec::Encode> crate::codec::Encode for Shared<T> {
    fn encode(&self) -> crate::codec::Doc {
        (**self).encode()
    }
}

impl<D: crate::codec::Decoder, T: Clone + crate::codec::DecodeField<D>> crate::codec::DecodeField<D>
    for Shared<T>
{
    fn decode_field(&mut self, de: D) -> Result<(), crate::codec::DeError> {
        std::rc::Rc::make_mut(&mut self.0).decode_field(de)
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// Any stored object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Object {
    ConfigMap(Shared<ConfigMap>),
    ControllerRevision(Shared<ControllerRevision>),
    Deployment(Shared<Deployment>),
    EndpointSlice(Shared<EndpointSlice>),
    Event(Shared<Event>),
    Lease(Shared<Lease>),
    Node(Shared<Node>),
    PersistentVolume(Shared<PersistentVolume>),
    PersistentVolumeClaim(Shared<PersistentVolumeClaim>),
    Pod(Shared<Pod>),
    PodDisruptionBudget(Shared<PodDisruptionBudget>),
    ReplicaSet(Shared<ReplicaSet>),
    Service(Shared<Service>),
    StatefulSet(Shared<StatefulSet>),
    StorageClass(Shared<StorageClass>),
}

/// A kind that can be stored: uniform access to metadata and conversion from `Object`.
pub trait Resource: Clone + fmt::Debug + Sized {
    const KIND: Kind;
    fn meta(&self) -> &ObjectMeta;
    fn meta_mut(&mut self) -> &mut ObjectMeta;
    fn into_object(self) -> Object;
    fn from_object(o: &Object) -> Option<&Self>;
    fn from_object_mut(o: &mut Object) -> Option<&mut Self>;
}

macro_rules! resources {
    ($($kind:ident),*) => {
        $(
            impl Resource for $kind {
                const KIND: Kind = Kind::$kind;
                fn meta(&self) -> &ObjectMeta { &self.metadata }
                fn meta_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
                fn into_object(self) -> Object { Object::$kind(Shared::new(self)) }
                fn from_object(o: &Object) -> Option<&Self> {
                    match o { Object::$kind(x) => Some(x), _ => None }
                }
                fn from_object_mut(o: &mut Object) -> Option<&mut Self> {
                    match o { Object::$kind(x) => Some(x), _ => None }
                }
            }
            impl From<$kind> for Object {
                fn from(x: $kind) -> Object { Object::$kind(Shared::new(x)) }
            }
        )*

        impl Object {
            pub fn kind(&self) -> Kind {
                match self { $(Object::$kind(_) => Kind::$kind),* }
            }
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$kind(x) => &x.metadata),* }
            }
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$kind(x) => &mut x.metadata),* }
            }
        }

        impl crate::codec::Encode for Object {
            /// Prints `apiVersion` and `kind` first, as `kubectl get -o yaml` does.
            fn encode(&self) -> crate::codec::Doc {
                let kind = self.kind();
                let inner: &dyn crate::codec::Encode = match self {
                    $(Object::$kind(x) => &**x),*
                };
                crate::codec::encode_typed(kind.api_version(), kind.name(), inner)
            }
        }
    };
}

resources!(
    ConfigMap,
    ControllerRevision,
    Deployment,
    EndpointSlice,
    Event,
    Lease,
    Node,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    PodDisruptionBudget,
    ReplicaSet,
    Service,
    StatefulSet,
    StorageClass
);

impl Object {
    /// The object's key; its name and namespace are the object's own `Name`s, shared, not
    /// copies.
    pub fn object_ref(&self) -> ObjectRef {
        let m = self.meta();
        let kind = self.kind();
        ObjectRef {
            kind,
            namespace: if kind.namespaced() {
                meta::namespace_of(&m.namespace)
            } else {
                Name::default()
            },
            name: m.name.clone(),
        }
    }

    pub fn as_ref_of<T: Resource>(&self) -> Option<&T> {
        T::from_object(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 16: an object's key in the store names it with the object's own `Name`, so the
    /// store's 50,000 keys at 10,000 pods copy no name.
    #[test]
    fn an_objects_key_shares_its_name() {
        let obj: Object = Pod::new("default", "web-1", PodSpec::default()).into();
        let key = obj.object_ref();
        assert_eq!(key, ObjectRef::new(Kind::Pod, "default", "web-1"));
        assert!(std::ptr::eq(key.name.as_ptr(), obj.meta().name.as_ptr()));
    }

    /// A key is the same key whether its namespace was written (a new text) or is the
    /// cluster's own (static), and its shared name compares, orders and prints as its text does.
    #[test]
    fn keys_compare_by_their_text_however_they_are_held() {
        use std::collections::hash_map::DefaultHasher;
        use std::hash::{Hash, Hasher};
        let built = ObjectRef::new(Kind::Pod, "default", "web-1");
        let written = ObjectRef {
            kind: Kind::Pod,
            namespace: Name::from(String::from("default")),
            name: Name::from(String::from("web-1")),
        };
        let is_static = |n: &Name| arcstr::ArcStr::is_static(&n.0);
        assert!(is_static(&built.namespace) && !is_static(&written.namespace));
        assert_eq!(built, written);
        assert_eq!(built.cmp(&written), std::cmp::Ordering::Equal);
        let hash = |r: &ObjectRef| {
            let mut h = DefaultHasher::new();
            r.hash(&mut h);
            h.finish()
        };
        assert_eq!(hash(&built), hash(&written));
        let (a, b) = (Name::from("web-1"), Name::from("web-2"));
        assert!(a < b);
        assert_eq!(Name::from("web-1"), "web-1");
        assert_eq!(
            format!("{:<7}|{:>7}", Name::from("ab"), Name::from("cd")),
            "ab     |     cd"
        );
        assert_eq!(Name::default(), "");
        // A namespace the API server stores: the cluster's own are static, others kept.
        let system = meta::stored_namespace(Name::from(String::from("kube-system")));
        assert!(system == "kube-system" && is_static(&system));
        let empty = meta::stored_namespace(Name::from(String::new()));
        assert!(empty == "default" && is_static(&empty));
        let team = meta::stored_namespace(Name::from("team-a"));
        assert!(team == "team-a" && !is_static(&team));
    }

    /// A literal's `Name` is made once and shared after; a shorter text at the same address
    /// is its own.
    #[test]
    fn a_static_name_is_one_copy() {
        let lit: &'static str = "Scheduled";
        let (c, d) = (Name::from_static(lit), Name::from_static(lit));
        assert!(std::ptr::eq(c.as_ptr(), d.as_ptr()));
        assert_eq!(c, "Scheduled");
        assert_eq!(Name::from_static(&lit[..5]), "Sched");
    }

    #[test]
    fn kinds_resolve_from_kubectl_names() {
        assert_eq!(Kind::from_resource_name("po"), Some(Kind::Pod));
        assert_eq!(
            Kind::from_resource_name("replicasets.apps"),
            Some(Kind::ReplicaSet)
        );
        assert_eq!(
            Kind::from_resource_name("PVC"),
            Some(Kind::PersistentVolumeClaim)
        );
        assert_eq!(Kind::from_resource_name("lease"), Some(Kind::Lease));
        assert_eq!(Kind::from_resource_name("widgets"), None);
        assert_eq!(Kind::from_kind_name("Replicaset"), None);
        assert_eq!(
            Kind::Lease.qualified_resource(),
            "leases.coordination.k8s.io"
        );
        assert_eq!(Kind::Pod.qualified_resource(), "pods");
        assert_eq!(Kind::ReplicaSet.singular_qualified(), "replicaset.apps");
        assert_eq!(Kind::from_resource_name("sts"), Some(Kind::StatefulSet));
        assert_eq!(Kind::StatefulSet.qualified_resource(), "statefulsets.apps");
        assert_eq!(Kind::StatefulSet.api_version(), "apps/v1");
    }

    #[test]
    fn cluster_scoped_refs_drop_namespace() {
        let r = ObjectRef::new(Kind::Node, "default", "node-1");
        assert_eq!(r.namespace, "");
        assert_eq!(r.to_string(), "node/node-1");
    }

    #[test]
    fn object_meta_access_is_uniform() {
        let mut o: Object = Pod::new("default", "p", PodSpec::default()).into();
        o.meta_mut().labels.insert("a".into(), "b".into());
        assert_eq!(o.kind(), Kind::Pod);
        assert_eq!(o.object_ref(), ObjectRef::new(Kind::Pod, "default", "p"));
        assert_eq!(Pod::from_object(&o).unwrap().metadata.labels["a"], "b");
        assert!(Node::from_object(&o).is_none());
    }
}
