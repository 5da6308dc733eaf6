//! The Deployment controller (ref §1.2): owns ReplicaSets named `<deployment>-<pod-template-hash>`,
//! rolls them with RollingUpdate (maxSurge/maxUnavailable) or Recreate, numbers revisions,
//! prunes history, and reports status and conditions as upstream `pkg/controller/deployment` does.
//! Also the read side of `kubectl rollout status|history` and the `rollout undo` command.

use crate::sorted::SortedMap;

use crate::model::{
    Deployment, DeploymentCondition, DeploymentStatus, IntOrString, Kind, Object, ObjectMeta,
    ObjectRef, OwnerReference, Pod, PodTemplateSpec, ReplicaSet, ReplicaSetSpec, Shared, Time,
};
use crate::sim::api::ApiError;
use crate::sim::rng::NAME_ALPHABET;
use crate::sim::trace::Actor;
use crate::sim::{Ctl, DeleteOptions, Outcome, Sim, SimError};

const ACTOR: Actor = Actor::Controller(&"deployment-controller");

pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";
pub const CHANGE_CAUSE_ANNOTATION: &str = "kubernetes.io/change-cause";
const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
const ROLLBACK_TO_ANNOTATION: &str = "deprecated.deployment.rollback.to";
/// `maxRevHistoryLengthInChars`.
const MAX_REV_HISTORY_CHARS: usize = 2000;

/// Annotations that are the controller's, not copied between Deployment and ReplicaSet.
fn skip_copy_annotation(k: &str) -> bool {
    matches!(
        k,
        LAST_APPLIED_ANNOTATION
            | REVISION_ANNOTATION
            | REVISION_HISTORY_ANNOTATION
            | DESIRED_REPLICAS_ANNOTATION
            | MAX_REPLICAS_ANNOTATION
            | ROLLBACK_TO_ANNOTATION
    )
}

// ----- pod-template-hash -----

fn fnv32a(mut h: u32, bytes: &[u8]) -> u32 {
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `rand.SafeEncodeString`: each character maps onto the 27-letter alphabet (ref §1.2).
fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| NAME_ALPHABET[usize::from(b) % NAME_ALPHABET.len()] as char)
        .collect()
}

/// `controller.ComputeHash`: FNV-32a over the template (podlab hashes its JSON, as
/// `kubectl get -o json` prints it: stable because maps are ordered, and already in the page,
/// where `Debug` for the whole template tree was 3.2 KB of wasm), plus the collision count,
/// printed in decimal and safe-encoded, e.g. `7d9c6b8f5c`.
pub fn pod_template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let json = crate::manifest::emit::to_json(template).unwrap_or_default();
    let mut h = fnv32a(0x811c_9dc5, json.as_bytes());
    if let Some(c) = collision_count {
        h = fnv32a(h, &(c as u32).to_le_bytes());
    }
    safe_encode(&h.to_string())
}

/// Templates equal apart from the pod-template-hash label (`EqualIgnoreHash`).
fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    let strip = |t: &PodTemplateSpec| {
        let mut t = t.clone();
        t.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
        t
    };
    strip(a) == strip(b)
}

// ----- fenceposts -----

fn is_rolling(d: &Deployment) -> bool {
    d.spec.strategy.type_ != "Recreate"
}

/// `ResolveFenceposts`: surge rounds up, unavailable rounds down; both zero means unavailable 1.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> (i32, i32) {
    let zero = IntOrString::Int(0);
    let surge = max_surge
        .unwrap_or(&zero)
        .scaled_value(desired, true)
        .unwrap_or(0)
        .max(0);
    let mut unavailable = max_unavailable
        .unwrap_or(&zero)
        .scaled_value(desired, false)
        .unwrap_or(0)
        .max(0);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let ru = d.spec.strategy.rolling_update.as_ref();
    resolve_fenceposts(
        ru.and_then(|r| r.max_surge.as_ref()),
        ru.and_then(|r| r.max_unavailable.as_ref()),
        d.replicas(),
    )
}

/// `deploymentutil.MaxSurge`.
fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling(d) {
        return 0;
    }
    fenceposts(d).0
}

/// `deploymentutil.MaxUnavailable`.
fn max_unavailable(d: &Deployment) -> i32 {
    if !is_rolling(d) || d.replicas() == 0 {
        return 0;
    }
    fenceposts(d).1.min(d.replicas())
}

// ----- replica set helpers -----

fn revision_of(rs: &ReplicaSet) -> Option<i64> {
    rs.metadata
        .annotations
        .get(REVISION_ANNOTATION)
        .and_then(|v| v.parse().ok())
}

fn max_revision(rss: &[ReplicaSet]) -> i64 {
    rss.iter().filter_map(revision_of).max().unwrap_or(0)
}

fn spec_replicas(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.replicas()).sum()
}

fn actual_replicas(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.status.replicas).sum()
}

fn ready_replicas(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.status.ready_replicas).sum()
}

fn available_replicas(rss: &[&ReplicaSet]) -> i32 {
    rss.iter().map(|r| r.status.available_replicas).sum()
}

/// `ReplicaSetsByCreationTimestamp`: oldest first, then by name.
fn by_creation(a: &ReplicaSet, b: &ReplicaSet) -> std::cmp::Ordering {
    a.metadata
        .creation_timestamp
        .cmp(&b.metadata.creation_timestamp)
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

fn controller_ref(d: &Deployment) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        name: d.metadata.name.to_string(),
        uid: d.metadata.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

fn annotation_i32(rs: &ReplicaSet, key: &str) -> Option<i32> {
    rs.metadata
        .annotations
        .get(key)
        .and_then(|v| v.parse().ok())
}

/// `SetReplicasAnnotations`: the desired and max sizes the RS was last scaled for.
fn set_replicas_annotations(rs: &mut ReplicaSet, desired: i32, max: i32) -> bool {
    let a = &mut rs.metadata.annotations;
    let mut changed = false;
    for (k, v) in [
        (DESIRED_REPLICAS_ANNOTATION, desired),
        (MAX_REPLICAS_ANNOTATION, max),
    ] {
        let v = v.to_string();
        if a.get(k) != Some(&v) {
            a.insert(k.to_string(), v);
            changed = true;
        }
    }
    changed
}

/// `SetNewReplicaSetAnnotations`.
fn set_new_rs_annotations(
    d: &Deployment,
    rs: &mut ReplicaSet,
    new_revision: i64,
    exists: bool,
) -> bool {
    let mut changed = false;
    for (k, v) in &d.metadata.annotations {
        if skip_copy_annotation(k) || rs.metadata.annotations.get(k) == Some(v) {
            continue;
        }
        rs.metadata.annotations.insert(k.clone(), v.clone());
        changed = true;
    }
    let old = rs.metadata.annotations.get(REVISION_ANNOTATION).cloned();
    let old_int = match &old {
        Some(v) => match v.parse::<i64>() {
            Ok(n) => n,
            Err(_) => return false,
        },
        None => 0,
    };
    if old_int < new_revision {
        rs.metadata
            .annotations
            .insert(REVISION_ANNOTATION.into(), new_revision.to_string());
        changed = true;
        // A reused ReplicaSet (a rollback) remembers the revisions it had before.
        if let Some(old) = old {
            let hist = rs
                .metadata
                .annotations
                .get(REVISION_HISTORY_ANNOTATION)
                .cloned()
                .unwrap_or_default();
            let value = if hist.is_empty() {
                old
            } else {
                let mut parts: Vec<&str> = hist.split(',').collect();
                let mut total = hist.len() + old.len() + 1;
                while total > MAX_REV_HISTORY_CHARS && !parts.is_empty() {
                    total -= parts[0].len() + 1;
                    parts.remove(0);
                }
                parts.push(&old);
                parts.join(",")
            };
            rs.metadata
                .annotations
                .insert(REVISION_HISTORY_ANNOTATION.into(), value);
        }
    }
    if !exists {
        let desired = d.replicas();
        if set_replicas_annotations(rs, desired, desired + max_surge(d)) {
            changed = true;
        }
    }
    changed
}

/// `SetDeploymentCondition`: no-op for the same status and reason; keeps the transition time
/// when only the reason changes; the condition moves to the end of the list.
fn set_condition(s: &mut DeploymentStatus, mut c: DeploymentCondition) {
    if let Some(cur) = s.condition(&c.type_) {
        if cur.status == c.status && cur.reason == c.reason {
            return;
        }
        if cur.status == c.status {
            c.last_transition_time = cur.last_transition_time;
        }
    }
    s.conditions.retain(|x| x.type_ != c.type_);
    s.conditions.push(c);
}

fn condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: Time,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        last_update_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.into(),
        message,
    }
}

fn has_progress_deadline(d: &Deployment) -> bool {
    d.spec
        .progress_deadline_seconds
        .is_some_and(|s| s != i32::MAX)
}

/// `DeploymentComplete`.
fn deployment_complete(d: &Deployment, s: &DeploymentStatus) -> bool {
    let want = d.replicas();
    s.updated_replicas == want
        && s.replicas == want
        && s.available_replicas == want
        && s.observed_generation >= d.metadata.generation
}

/// `DeploymentProgressing`: more updated, ready or available pods, or fewer old ones.
fn deployment_progressing(d: &Deployment, s: &DeploymentStatus) -> bool {
    let o = &d.status;
    s.updated_replicas > o.updated_replicas
        || (s.replicas - s.updated_replicas) < (o.replicas - o.updated_replicas)
        || s.ready_replicas > o.ready_replicas
        || s.available_replicas > o.available_replicas
}

fn deadline_ms(d: &Deployment) -> u64 {
    u64::try_from(d.spec.progress_deadline_seconds.unwrap_or(600).max(0)).unwrap_or(0) * 1000
}

/// `DeploymentTimedOut`.
fn deployment_timed_out(d: &Deployment, s: &DeploymentStatus, now: u64) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(c) = s.condition("Progressing") else {
        return false;
    };
    match c.reason.as_str() {
        "NewReplicaSetAvailable" => false,
        "ProgressDeadlineExceeded" => true,
        _ => c
            .last_update_time
            .is_some_and(|t| t.millis() + deadline_ms(d) < now),
    }
}

// ----- the sync -----

/// One reconcile pass's working set: the deployment and its ReplicaSets as last written.
struct Work {
    key: ObjectRef,
    d: Deployment,
    rss: Vec<ReplicaSet>,
}

impl Work {
    fn refresh_rs(&mut self, sim: &Sim, name: &str) {
        let fresh = sim
            .api
            .get::<ReplicaSet>(&self.key.namespace, name)
            .cloned();
        match fresh {
            Some(f) => match self.rss.iter_mut().find(|r| r.metadata.name == name) {
                Some(slot) => *slot = f,
                None => self.rss.push(f),
            },
            None => self.rss.retain(|r| r.metadata.name != name),
        }
    }

    /// The new RS (oldest one matching the template) and the old ones, oldest first.
    fn split(&self) -> (Option<ReplicaSet>, Vec<ReplicaSet>) {
        let mut all = self.rss.clone();
        crate::sort::sort_by(&mut all, by_creation);
        let pos = all
            .iter()
            .position(|r| equal_ignore_hash(&r.spec.template, &self.d.spec.template));
        let new = pos.map(|i| all.remove(i));
        (new, all)
    }

    fn update_status(&mut self, sim: &mut Sim, what: &str, why: &str) -> bool {
        let Some(mut cur) = sim
            .api
            .get::<Deployment>(&self.key.namespace, &self.key.name)
            .cloned()
        else {
            return false;
        };
        cur.status = self.d.status.clone();
        cur.metadata.annotations = self.d.metadata.annotations.clone();
        let ok = sim
            .api_update(
                &ACTOR,
                Some(&self.key),
                Object::Deployment(Shared::new(cur)),
                what,
                why,
            )
            .is_ok();
        if let Some(fresh) = sim
            .api
            .get::<Deployment>(&self.key.namespace, &self.key.name)
        {
            self.d = fresh.clone();
        }
        ok
    }
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let Some(d) = sim
        .api
        .get::<Deployment>(&key.namespace, &key.name)
        .cloned()
    else {
        return;
    };
    let mut w = Work {
        key: key.clone(),
        d,
        rss: Vec::new(),
    };
    if w.d.spec.selector.is_empty() {
        sim.api_event(
            &ACTOR,
            key,
            "Warning",
            "SelectingAll",
            "This deployment is selecting all pods. A non-empty selector is required.",
        );
        if w.d.status.observed_generation < w.d.metadata.generation {
            w.d.status.observed_generation = w.d.metadata.generation;
            w.update_status(sim, &format!("deployment {} status", key.name), "");
        }
        return;
    }
    w.rss = claim_replica_sets(sim, &w.d);
    if w.d.metadata.deletion_timestamp.is_some() {
        let (new, _) = get_all_and_sync_revision(sim, &mut w, false);
        sync_deployment_status(sim, &mut w, new.as_deref());
        return;
    }
    check_paused_conditions(sim, &mut w);
    if w.d.spec.paused || is_scaling_event(sim, &mut w) {
        sync_scale(sim, &mut w);
        return;
    }
    if is_rolling(&w.d) {
        rollout_rolling(sim, &mut w);
    } else {
        rollout_recreate(sim, &mut w);
    }
}

/// `ClaimReplicaSets`: adopt orphans matching the selector, release owned ones that stopped
/// matching. Returns the owned ReplicaSets.
fn claim_replica_sets(sim: &mut Sim, d: &Deployment) -> Vec<ReplicaSet> {
    let ns = d.metadata.namespace.clone();
    let uid = d.metadata.uid.clone();
    let key = ObjectRef::new(Kind::Deployment, &ns, &d.metadata.name);
    let Ok(selector) = d.spec.selector.to_selector() else {
        return Vec::new();
    };
    let deleting = d.metadata.deletion_timestamp.is_some();
    let all: Vec<ReplicaSet> = sim.api.list_in::<ReplicaSet>(&ns).cloned().collect();
    let mut owned = Vec::new();
    for rs in all {
        let matches = selector.matches(&rs.metadata.labels);
        let cref = rs.metadata.controller_ref().cloned();
        match cref {
            Some(c) if c.uid == uid => {
                if matches || deleting {
                    owned.push(rs);
                } else {
                    let mut rs2 = rs.clone();
                    rs2.metadata.owner_references.retain(|o| o.uid != uid);
                    let what = format!("released replicaset {}", rs.metadata.name);
                    let _ = sim.api_update(
                        &ACTOR,
                        Some(&key),
                        Object::ReplicaSet(Shared::new(rs2)),
                        &what,
                        "labels no longer match the selector",
                    );
                }
            }
            None if matches && !deleting && rs.metadata.deletion_timestamp.is_none() => {
                let mut rs2 = rs.clone();
                rs2.metadata.owner_references.push(controller_ref(d));
                let what = format!("adopted replicaset {}", rs.metadata.name);
                if sim
                    .api_update(
                        &ACTOR,
                        Some(&key),
                        Object::ReplicaSet(Shared::new(rs2)),
                        &what,
                        "orphan replicaset matches the selector",
                    )
                    .is_ok()
                {
                    if let Some(f) = sim.api.get::<ReplicaSet>(&ns, &rs.metadata.name) {
                        owned.push(f.clone());
                    }
                }
            }
            _ => {}
        }
    }
    owned
}

/// `getAllReplicaSetsAndSyncRevision`: the new RS (created if asked) with its revision synced,
/// and the old ones.
fn get_all_and_sync_revision(
    sim: &mut Sim,
    w: &mut Work,
    create: bool,
) -> (Option<Box<ReplicaSet>>, Vec<ReplicaSet>) {
    let (existing, old) = w.split();
    let new_revision = max_revision(&old) + 1;
    let now = sim.now_time();
    if let Some(existing) = existing {
        let mut rs = existing.clone();
        let ann = set_new_rs_annotations(&w.d, &mut rs, new_revision, true);
        let min_ready = rs.spec.min_ready_seconds != w.d.spec.min_ready_seconds;
        if ann || min_ready {
            rs.spec.min_ready_seconds = w.d.spec.min_ready_seconds;
            let what = format!("updated replicaset {} annotations", rs.metadata.name);
            let _ = sim.api_update(
                &ACTOR,
                Some(&w.key),
                Object::ReplicaSet(Shared::new(rs.clone())),
                &what,
                &format!("revision {}", revision_of(&rs).unwrap_or(0)),
            );
            w.refresh_rs(sim, &rs.metadata.name);
            let (new, old) = w.split();
            return (new.map(Box::new), old);
        }
        let rev = rs
            .metadata
            .annotations
            .get(REVISION_ANNOTATION)
            .cloned()
            .unwrap_or_default();
        let mut needs_update = set_deployment_revision(&mut w.d, &rev);
        if has_progress_deadline(&w.d) && w.d.status.condition("Progressing").is_none() {
            set_condition(
                &mut w.d.status,
                condition(
                    "Progressing",
                    "True",
                    "FoundNewReplicaSet",
                    format!("Found new replica set {:?}", rs.metadata.name),
                    now,
                ),
            );
            needs_update = true;
        }
        if needs_update {
            w.update_status(
                sim,
                &format!("deployment {} at revision {rev}", w.key.name),
                "",
            );
        }
        return (Some(Box::new(rs)), old);
    }
    if !create {
        return (None, old);
    }
    // A new ReplicaSet for the current template.
    let hash = pod_template_hash(&w.d.spec.template, w.d.status.collision_count);
    let mut template = w.d.spec.template.clone();
    template
        .metadata
        .labels
        .insert(POD_TEMPLATE_HASH_LABEL.into(), hash.clone());
    let mut selector = w.d.spec.selector.clone();
    selector
        .match_labels
        .insert(POD_TEMPLATE_HASH_LABEL.into(), hash.clone());
    let name = format!("{}-{hash}", w.d.metadata.name);
    let mut rs = ReplicaSet {
        metadata: ObjectMeta {
            name: name.clone().into(),
            namespace: w.key.namespace.clone(),
            labels: template.metadata.labels.clone(),
            owner_references: vec![controller_ref(&w.d)].into(),
            ..Default::default()
        },
        spec: ReplicaSetSpec {
            replicas: Some(0),
            min_ready_seconds: w.d.spec.min_ready_seconds,
            selector,
            template,
        },
        status: Default::default(),
    };
    let mut all: Vec<&ReplicaSet> = old.iter().collect();
    all.push(&rs);
    let count = new_rs_new_replicas(&w.d, &all, &rs);
    rs.spec.replicas = Some(count);
    set_new_rs_annotations(&w.d, &mut rs, new_revision, false);
    let why = format!("revision {new_revision}: the pod template changed");
    match sim.api_create(
        &ACTOR,
        Some(&w.key),
        Object::ReplicaSet(Shared::new(rs)),
        &why,
    ) {
        Ok(_) => {}
        Err(ApiError::AlreadyExists { .. }) => {
            if let Some(found) = sim.api.get::<ReplicaSet>(&w.key.namespace, &name).cloned() {
                let ours = found
                    .metadata
                    .controller_ref()
                    .is_some_and(|c| c.uid == w.d.metadata.uid);
                if ours && equal_ignore_hash(&w.d.spec.template, &found.spec.template) {
                    w.refresh_rs(sim, &name);
                    let (new, old) = w.split();
                    return (new.map(Box::new), old);
                }
            }
            // A hash collision: bump collisionCount; the status write requeues us.
            let c = w.d.status.collision_count.unwrap_or(0);
            w.d.status.collision_count = Some(c.saturating_add(1));
            w.update_status(
                sim,
                &format!("deployment {} collision count {}", w.key.name, c + 1),
                &format!("replicaset {name} exists with another template"),
            );
            return (None, old);
        }
        Err(e) => {
            let msg = format!("Failed to create new replica set {name:?}: {e}");
            if has_progress_deadline(&w.d) {
                set_condition(
                    &mut w.d.status,
                    condition(
                        "Progressing",
                        "False",
                        "ReplicaSetCreateError",
                        msg.clone(),
                        now,
                    ),
                );
                w.update_status(sim, &format!("deployment {} status", w.key.name), &msg);
            }
            sim.api_event(&ACTOR, &w.key, "Warning", "ReplicaSetCreateError", &msg);
            return (None, old);
        }
    }
    if count > 0 {
        sim.api_event(
            &ACTOR,
            &w.key,
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled up replica set {name} from 0 to {count}"),
        );
    }
    set_deployment_revision(&mut w.d, &new_revision.to_string());
    if has_progress_deadline(&w.d) {
        set_condition(
            &mut w.d.status,
            condition(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                format!("Created new replica set {name:?}"),
                now,
            ),
        );
    }
    w.update_status(
        sim,
        &format!("deployment {} at revision {new_revision}", w.key.name),
        &format!("created replicaset {name}"),
    );
    w.refresh_rs(sim, &name);
    let (new, old) = w.split();
    (new.map(Box::new), old)
}

fn set_deployment_revision(d: &mut Deployment, rev: &str) -> bool {
    if d.metadata
        .annotations
        .get(REVISION_ANNOTATION)
        .map(String::as_str)
        == Some(rev)
    {
        return false;
    }
    d.metadata
        .annotations
        .insert(REVISION_ANNOTATION.into(), rev.to_string());
    true
}

/// `NewRSNewReplicas`: how big the new RS may be now.
fn new_rs_new_replicas(d: &Deployment, all: &[&ReplicaSet], new: &ReplicaSet) -> i32 {
    if !is_rolling(d) {
        return d.replicas();
    }
    let total = spec_replicas(all);
    let max_total = d.replicas() + max_surge(d);
    if total >= max_total {
        return new.replicas();
    }
    let up = (max_total - total).min(d.replicas() - new.replicas());
    new.replicas() + up
}

/// `scaleReplicaSet` (+ `AndRecordEvent`): resizes and refreshes the replica annotations.
fn scale_replica_set(
    sim: &mut Sim,
    w: &mut Work,
    name: &str,
    new_scale: i32,
    op: &str,
    why: &str,
) -> bool {
    let Some(mut rs) = sim.api.get::<ReplicaSet>(&w.key.namespace, name).cloned() else {
        return false;
    };
    let old_scale = rs.replicas();
    let size_changes = old_scale != new_scale;
    let desired = w.d.replicas();
    let max = desired + max_surge(&w.d);
    let mut probe = rs.clone();
    let ann_changes = set_replicas_annotations(&mut probe, desired, max);
    if !size_changes && !ann_changes {
        return false;
    }
    rs.spec.replicas = Some(new_scale);
    set_replicas_annotations(&mut rs, desired, max);
    let what = if size_changes {
        format!("scaled {op} replicaset {name} from {old_scale} to {new_scale}")
    } else {
        format!("updated replicaset {name} replica annotations")
    };
    let ok = sim
        .api_update(
            &ACTOR,
            Some(&w.key),
            Object::ReplicaSet(Shared::new(rs)),
            &what,
            why,
        )
        .is_ok();
    w.refresh_rs(sim, name);
    if ok && size_changes {
        sim.api_event(
            &ACTOR,
            &w.key,
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled {op} replica set {name} from {old_scale} to {new_scale}"),
        );
    }
    ok && size_changes
}

fn scale_and_record(sim: &mut Sim, w: &mut Work, name: &str, new_scale: i32, why: &str) -> bool {
    let Some(cur) = w
        .rss
        .iter()
        .find(|r| r.metadata.name == name)
        .map(|r| r.replicas())
    else {
        return false;
    };
    if cur == new_scale {
        return false;
    }
    let op = if cur < new_scale { "up" } else { "down" };
    scale_replica_set(sim, w, name, new_scale, op, why)
}

fn rollout_rolling(sim: &mut Sim, w: &mut Work) {
    let (new, old) = get_all_and_sync_revision(sim, w, true);
    let Some(new) = new else {
        // Creating the new ReplicaSet failed; the status write or a later event requeues us.
        return;
    };
    let new_name = new.metadata.name.to_string();
    let (surge, unavail) = (max_surge(&w.d), max_unavailable(&w.d));
    let why = format!(
        "rolling update: {} replicas, maxSurge {surge}, maxUnavailable {unavail}",
        w.d.replicas()
    );
    // Scale up, if we can.
    if reconcile_new_replica_set(sim, w, &new_name, &why) {
        sync_rollout_status(sim, w);
        return;
    }
    // Scale down, if we can.
    let old_names: Vec<String> = old.iter().map(|r| r.metadata.name.to_string()).collect();
    if reconcile_old_replica_sets(sim, w, &new_name, &old_names, &why) {
        sync_rollout_status(sim, w);
        return;
    }
    if deployment_complete(&w.d, &w.d.status.clone()) {
        cleanup_deployment(sim, w, &old_names);
    }
    sync_rollout_status(sim, w);
}

fn find<'a>(w: &'a Work, name: &str) -> Option<&'a ReplicaSet> {
    w.rss.iter().find(|r| r.metadata.name == name)
}

/// `reconcileNewReplicaSet`.
fn reconcile_new_replica_set(sim: &mut Sim, w: &mut Work, new: &str, why: &str) -> bool {
    let Some(rs) = find(w, new).cloned() else {
        return false;
    };
    let want = w.d.replicas();
    if rs.replicas() == want {
        return false;
    }
    if rs.replicas() > want {
        return scale_and_record(sim, w, new, want, why);
    }
    let all: Vec<&ReplicaSet> = w.rss.iter().collect();
    let count = new_rs_new_replicas(&w.d, &all, &rs);
    scale_and_record(sim, w, new, count, why)
}

/// `reconcileOldReplicaSets`: scale old RSes down without dropping below minAvailable.
fn reconcile_old_replica_sets(
    sim: &mut Sim,
    w: &mut Work,
    new: &str,
    old: &[String],
    why: &str,
) -> bool {
    let olds: Vec<&ReplicaSet> = old.iter().filter_map(|n| find(w, n)).collect();
    let old_count = spec_replicas(&olds);
    if old_count == 0 {
        return false;
    }
    let all: Vec<&ReplicaSet> = w.rss.iter().collect();
    let all_count = spec_replicas(&all);
    let min_available = w.d.replicas() - max_unavailable(&w.d);
    let new_unavailable = find(w, new).map_or(0, |r| r.replicas() - r.status.available_replicas);
    let max_scaled_down = all_count - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    // Unhealthy old replicas first, or they would block the rollout.
    let mut sorted: Vec<ReplicaSet> = olds.into_iter().cloned().collect();
    crate::sort::sort_by(&mut sorted, by_creation);
    let mut cleaned = 0;
    for rs in &sorted {
        if cleaned >= max_scaled_down {
            break;
        }
        let cur = find(w, &rs.metadata.name)
            .cloned()
            .unwrap_or_else(|| rs.clone());
        if cur.replicas() == 0 || cur.replicas() == cur.status.available_replicas {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(cur.replicas() - cur.status.available_replicas);
        scale_and_record(sim, w, &cur.metadata.name, cur.replicas() - down, why);
        cleaned += down;
    }
    // Then healthy ones, down to minAvailable.
    let all: Vec<&ReplicaSet> = w.rss.iter().collect();
    let available = available_replicas(&all);
    let mut scaled = 0;
    if available > min_available {
        let budget = available - min_available;
        for rs in &sorted {
            if scaled >= budget {
                break;
            }
            let Some(cur) = find(w, &rs.metadata.name).cloned() else {
                continue;
            };
            if cur.replicas() == 0 {
                continue;
            }
            let down = cur.replicas().min(budget - scaled);
            scale_and_record(sim, w, &cur.metadata.name, cur.replicas() - down, why);
            scaled += down;
        }
    }
    cleaned + scaled > 0
}

fn rollout_recreate(sim: &mut Sim, w: &mut Work) {
    let (new, old) = get_all_and_sync_revision(sim, w, false);
    let why = "recreate: old pods stop before new ones start";
    // Scale every old ReplicaSet to zero first.
    let mut scaled_down = false;
    for rs in &old {
        if rs.replicas() > 0 && scale_and_record(sim, w, &rs.metadata.name, 0, why) {
            scaled_down = true;
        }
    }
    if scaled_down {
        sync_rollout_status(sim, w);
        return;
    }
    // Wait until no old pod object remains (terminating ones included).
    if old_pods_running(sim, w, new.as_ref().map(|r| r.metadata.uid.as_str())) {
        sync_rollout_status(sim, w);
        return;
    }
    let new = match new {
        Some(n) => n,
        None => match get_all_and_sync_revision(sim, w, true).0 {
            Some(n) => n,
            None => return,
        },
    };
    let want = w.d.replicas();
    scale_and_record(sim, w, &new.metadata.name, want, why);
    if deployment_complete(&w.d, &w.d.status.clone()) {
        let old_names: Vec<String> = old.iter().map(|r| r.metadata.name.to_string()).collect();
        cleanup_deployment(sim, w, &old_names);
    }
    sync_rollout_status(sim, w);
}

/// `oldPodsRunning`: old RSes still report pods, or a non-terminal pod of an old RS exists.
fn old_pods_running(sim: &Sim, w: &Work, new_uid: Option<&str>) -> bool {
    let olds: Vec<&ReplicaSet> = w
        .rss
        .iter()
        .filter(|r| Some(r.metadata.uid.as_str()) != new_uid)
        .collect();
    if actual_replicas(&olds) > 0 {
        return true;
    }
    let uids: Vec<&str> = olds.iter().map(|r| r.metadata.uid.as_str()).collect();
    sim.api.list_in::<Pod>(&w.key.namespace).any(|p| {
        p.metadata
            .controller_ref()
            .is_some_and(|c| uids.contains(&c.uid.as_str()))
            && !p.is_terminal()
    })
}

/// `isScalingEvent`: an active RS was sized for a different replica count.
fn is_scaling_event(sim: &mut Sim, w: &mut Work) -> bool {
    let (new, old) = get_all_and_sync_revision(sim, w, false);
    let want = w.d.replicas();
    new.iter()
        .map(|b| b.as_ref())
        .chain(old.iter())
        .filter(|r| r.replicas() > 0)
        .filter_map(|r| annotation_i32(r, DESIRED_REPLICAS_ANNOTATION))
        .any(|desired| desired != want)
}

/// `sync`: scaling only (paused or resized), then status.
fn sync_scale(sim: &mut Sim, w: &mut Work) {
    let (new, mut old) = get_all_and_sync_revision(sim, w, false);
    scale(sim, w, new.as_deref(), &mut old);
    if w.d.spec.paused {
        let names: Vec<String> = old.iter().map(|r| r.metadata.name.to_string()).collect();
        cleanup_deployment(sim, w, &names);
    }
    let (new, _) = w.split();
    sync_deployment_status(sim, w, new.as_ref());
}

/// `scale`: resize the one active RS, or spread the change proportionally during a rollout.
fn scale(sim: &mut Sim, w: &mut Work, new: Option<&ReplicaSet>, old: &mut [ReplicaSet]) {
    let want = w.d.replicas();
    let why = format!("scaled to {want} replicas");
    // FindActiveOrLatest.
    crate::sort::sort_by(old, |a, b| by_creation(b, a));
    let active: Vec<&ReplicaSet> = old.iter().chain(new).filter(|r| r.replicas() > 0).collect();
    let target = match active.len() {
        0 => new.or(old.first()).map(|r| r.metadata.name.to_string()),
        1 => Some(active[0].metadata.name.to_string()),
        _ => None,
    };
    if new.is_some() || !old.is_empty() {
        if let Some(t) = target {
            if find(w, &t).is_some_and(|r| r.replicas() != want) {
                scale_and_record(sim, w, &t, want, &why);
            }
            return;
        }
    }
    // IsSaturated: the new RS holds everything; old ones go to zero.
    if let Some(n) = new {
        let saturated = n.replicas() == want
            && annotation_i32(n, DESIRED_REPLICAS_ANNOTATION) == Some(want)
            && n.status.available_replicas == want;
        if saturated {
            for r in old.iter().filter(|r| r.replicas() > 0) {
                scale_and_record(sim, w, &r.metadata.name, 0, &why);
            }
            return;
        }
    }
    if !is_rolling(&w.d) {
        return;
    }
    let mut all: Vec<ReplicaSet> = old
        .iter()
        .chain(new)
        .filter(|r| r.replicas() > 0)
        .cloned()
        .collect();
    let all_refs: Vec<&ReplicaSet> = all.iter().collect();
    let current = spec_replicas(&all_refs);
    let allowed = if want > 0 { want + max_surge(&w.d) } else { 0 };
    let to_add = allowed - current;
    let op = match to_add.cmp(&0) {
        std::cmp::Ordering::Greater => {
            // Bigger first; newer first among equals.
            crate::sort::sort_by(&mut all, |a, b| {
                b.replicas()
                    .cmp(&a.replicas())
                    .then_with(|| by_creation(b, a))
            });
            "up"
        }
        std::cmp::Ordering::Less => {
            // Bigger first; older first among equals.
            crate::sort::sort_by(&mut all, |a, b| {
                b.replicas()
                    .cmp(&a.replicas())
                    .then_with(|| by_creation(a, b))
            });
            "down"
        }
        std::cmp::Ordering::Equal => "",
    };
    let mut added = 0;
    let mut sizes: SortedMap<String, i32> = SortedMap::new();
    for rs in &all {
        let size = if to_add != 0 {
            let p = proportion(rs, &w.d, to_add, added);
            added += p;
            rs.replicas() + p
        } else {
            rs.replicas()
        };
        sizes.insert(rs.metadata.name.to_string(), size);
    }
    for (i, rs) in all.iter().enumerate() {
        let name = &rs.metadata.name;
        if i == 0 && to_add != 0 {
            let s = sizes.get_mut(name.as_str()).expect("sized");
            *s = (*s + to_add - added).max(0);
        }
        let size = sizes[name.as_str()];
        scale_replica_set(sim, w, name, size, op, &why);
    }
}

/// `GetProportion` with `getReplicaSetFraction` (math.Round in integers).
fn proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if rs.replicas() == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = if d.replicas() == 0 {
        -rs.replicas()
    } else {
        let max_now = i64::from(d.replicas() + max_surge(d));
        let before = annotation_i32(rs, MAX_REPLICAS_ANNOTATION)
            .filter(|v| *v != 0)
            .map_or(max_now, i64::from);
        let num = i64::from(rs.replicas()) * max_now;
        // Round half away from zero; both operands are non-negative.
        let rounded = (2 * num + before) / (2 * before);
        i32::try_from(rounded).unwrap_or(i32::MAX) - rs.replicas()
    };
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `cleanupDeployment`: keep at most revisionHistoryLimit old, empty ReplicaSets.
fn cleanup_deployment(sim: &mut Sim, w: &mut Work, old: &[String]) {
    let Some(limit) = w.d.spec.revision_history_limit else {
        return;
    };
    let mut cleanable: Vec<ReplicaSet> = old
        .iter()
        .filter_map(|n| find(w, n))
        .filter(|r| r.metadata.deletion_timestamp.is_none())
        .cloned()
        .collect();
    let diff = cleanable.len() as i64 - i64::from(limit);
    if diff <= 0 {
        return;
    }
    crate::sort::sort_by(&mut cleanable, |a, b| {
        revision_of(a)
            .unwrap_or(0)
            .cmp(&revision_of(b).unwrap_or(0))
            .then_with(|| by_creation(a, b))
    });
    for rs in cleanable.iter().take(diff as usize) {
        if rs.status.replicas != 0
            || rs.replicas() != 0
            || rs.metadata.generation > rs.status.observed_generation
        {
            continue;
        }
        let r = ObjectRef::new(Kind::ReplicaSet, &w.key.namespace, &rs.metadata.name);
        let why = format!("revisionHistoryLimit is {limit}");
        let _ = sim.api_delete(&ACTOR, Some(&w.key), &r, &DeleteOptions::default(), &why);
        w.refresh_rs(sim, &rs.metadata.name);
    }
}

/// `calculateStatus`.
fn calculate_status(w: &Work, new: Option<&ReplicaSet>, now: Time) -> DeploymentStatus {
    let all: Vec<&ReplicaSet> = w.rss.iter().collect();
    let available = available_replicas(&all);
    let unavailable = (spec_replicas(&all) - available).max(0);
    let mut s = DeploymentStatus {
        observed_generation: w.d.metadata.generation,
        replicas: actual_replicas(&all),
        updated_replicas: new.map_or(0, |n| n.status.replicas),
        ready_replicas: ready_replicas(&all),
        available_replicas: available,
        unavailable_replicas: unavailable,
        conditions: w.d.status.conditions.clone(),
        collision_count: w.d.status.collision_count,
    };
    let c = if available >= w.d.replicas() - max_unavailable(&w.d) {
        condition(
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
            now,
        )
    } else {
        condition(
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
            now,
        )
    };
    set_condition(&mut s, c);
    s
}

fn status_line(s: &DeploymentStatus) -> String {
    format!(
        "{} replicas, {} updated, {} ready, {} available",
        s.replicas, s.updated_replicas, s.ready_replicas, s.available_replicas
    )
}

/// `syncDeploymentStatus`.
fn sync_deployment_status(sim: &mut Sim, w: &mut Work, new: Option<&ReplicaSet>) {
    let new = new.and_then(|n| find(w, &n.metadata.name)).cloned();
    let s = calculate_status(w, new.as_ref(), sim.now_time());
    if s == w.d.status {
        return;
    }
    let what = format!("deployment {} status: {}", w.key.name, status_line(&s));
    w.d.status = s;
    w.update_status(sim, &what, "");
}

/// `syncRolloutStatus`: status plus the Progressing condition and the deadline requeue.
fn sync_rollout_status(sim: &mut Sim, w: &mut Work) {
    let (new, _) = w.split();
    let now = sim.now;
    let mut s = calculate_status(w, new.as_ref(), Time::at(now));
    if !has_progress_deadline(&w.d) {
        s.conditions.retain(|c| c.type_ != "Progressing");
    }
    let current = w.d.status.condition("Progressing").cloned();
    let complete_already = s.replicas == s.updated_replicas
        && current
            .as_ref()
            .is_some_and(|c| c.reason == "NewReplicaSetAvailable");
    let rs_name = new.as_ref().map(|n| n.metadata.name.to_string());
    let subject = |fallback: &str| match &rs_name {
        Some(n) => format!("ReplicaSet {n:?}"),
        None => format!("Deployment {fallback:?}"),
    };
    if has_progress_deadline(&w.d) && !complete_already {
        if deployment_complete(&w.d, &s) {
            let msg = format!("{} has successfully progressed.", subject(&w.key.name));
            set_condition(
                &mut s,
                condition(
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    msg,
                    Time::at(now),
                ),
            );
        } else if deployment_progressing(&w.d, &s) {
            let msg = format!("{} is progressing.", subject(&w.key.name));
            let mut c = condition(
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                msg,
                Time::at(now),
            );
            if let Some(cur) = &current {
                if cur.status == "True" {
                    c.last_transition_time = cur.last_transition_time;
                }
                s.conditions.retain(|x| x.type_ != "Progressing");
            }
            set_condition(&mut s, c);
        } else if deployment_timed_out(&w.d, &s, now) {
            let msg = format!("{} has timed out progressing.", subject(&w.key.name));
            set_condition(
                &mut s,
                condition(
                    "Progressing",
                    "False",
                    "ProgressDeadlineExceeded",
                    msg,
                    Time::at(now),
                ),
            );
        }
    }
    if s == w.d.status {
        requeue_stuck(sim, w, &s);
        return;
    }
    let what = format!("deployment {} status: {}", w.key.name, status_line(&s));
    let why = s
        .condition("Progressing")
        .map(|c| c.reason.clone())
        .unwrap_or_default();
    w.d.status = s;
    w.update_status(sim, &what, &why);
}

/// `requeueStuckDeployment`: come back when the progress deadline would pass.
fn requeue_stuck(sim: &mut Sim, w: &Work, s: &DeploymentStatus) {
    let Some(c) = w.d.status.condition("Progressing") else {
        return;
    };
    // A finished rollout (NewReplicaSetAvailable) never times out, whatever happens to its pods
    // later, so there is nothing to come back for.
    if !has_progress_deadline(&w.d)
        || deployment_complete(&w.d, s)
        || c.reason == "ProgressDeadlineExceeded"
        || c.reason == "NewReplicaSetAvailable"
    {
        return;
    }
    let from = c.last_update_time.map_or(0, |t| t.millis());
    let at = from + deadline_ms(&w.d) + 1000;
    if at > sim.now {
        sim.enqueue_at(Ctl::Deployment, w.key.clone(), at);
    }
}

/// `checkPausedConditions`: mark pause and resume in the Progressing condition.
fn check_paused_conditions(sim: &mut Sim, w: &mut Work) {
    if !has_progress_deadline(&w.d) {
        return;
    }
    let cur =
        w.d.status
            .condition("Progressing")
            .map(|c| c.reason.clone());
    let paused_cond = cur.as_deref() == Some("DeploymentPaused");
    let now = sim.now_time();
    let c = if w.d.spec.paused && !paused_cond {
        condition(
            "Progressing",
            "Unknown",
            "DeploymentPaused",
            "Deployment is paused".into(),
            now,
        )
    } else if !w.d.spec.paused && paused_cond {
        condition(
            "Progressing",
            "Unknown",
            "DeploymentResumed",
            "Deployment is resumed".into(),
            now,
        )
    } else {
        return;
    };
    set_condition(&mut w.d.status, c);
    w.update_status(
        sim,
        &format!("deployment {} paused={}", w.key.name, w.d.spec.paused),
        "",
    );
}

// ----- kubectl rollout: read side and undo -----

/// One row of `kubectl rollout history`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RolloutRevision {
    pub revision: i64,
    /// The `kubernetes.io/change-cause` annotation; kubectl prints `<none>` when absent.
    pub change_cause: Option<String>,
    pub replica_set: String,
    pub template: PodTemplateSpec,
}

fn owned_replica_sets<'a>(
    cluster: &'a crate::sim::Cluster,
    d: &'a Deployment,
) -> impl Iterator<Item = &'a ReplicaSet> + 'a {
    cluster
        .list_in::<ReplicaSet>(&d.metadata.namespace)
        .filter(move |r| {
            r.metadata
                .controller_ref()
                .is_some_and(|c| c.uid == d.metadata.uid)
        })
}

fn get_deployment<'a>(
    cluster: &'a crate::sim::Cluster,
    namespace: &str,
    name: &str,
) -> Result<&'a Deployment, ApiError> {
    cluster.get_named::<Deployment>(namespace, name)
}

/// `kubectl rollout history deployment/<name>`: one row per revision, oldest first.
pub fn rollout_history(
    cluster: &crate::sim::Cluster,
    namespace: &str,
    name: &str,
) -> Result<Vec<RolloutRevision>, ApiError> {
    let d = get_deployment(cluster, namespace, name)?;
    let mut rows: SortedMap<i64, RolloutRevision> = SortedMap::new();
    for rs in owned_replica_sets(cluster, d) {
        let Some(revision) = revision_of(rs) else {
            continue;
        };
        rows.insert(
            revision,
            RolloutRevision {
                revision,
                change_cause: rs
                    .metadata
                    .annotations
                    .get(CHANGE_CAUSE_ANNOTATION)
                    .filter(|c| !c.is_empty())
                    .cloned(),
                replica_set: rs.metadata.name.to_string(),
                template: rs.spec.template.clone(),
            },
        );
    }
    Ok(rows.into_values().collect())
}

/// One look at `kubectl rollout status deployment/<name>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RolloutStatus {
    /// The line kubectl prints, without the trailing newline.
    pub message: String,
    /// The rollout finished (`successfully rolled out`).
    pub done: bool,
}

/// `DeploymentStatusViewer.Status`. An exceeded progress deadline is an error, as in kubectl
/// (`error: deployment "web" exceeded its progress deadline`).
pub fn rollout_status(
    cluster: &crate::sim::Cluster,
    namespace: &str,
    name: &str,
) -> Result<RolloutStatus, SimError> {
    let d = get_deployment(cluster, namespace, name)?;
    let s = &d.status;
    let line = |m: String, done| Ok(RolloutStatus { message: m, done });
    if d.metadata.generation > s.observed_generation {
        return line(
            "Waiting for deployment spec update to be observed...".into(),
            false,
        );
    }
    if s.condition("Progressing")
        .is_some_and(|c| c.reason == "ProgressDeadlineExceeded")
    {
        return Err(SimError::NotApplicable(format!(
            "deployment {name:?} exceeded its progress deadline"
        )));
    }
    let want = d.replicas();
    if s.updated_replicas < want {
        return line(
            format!(
                "Waiting for deployment {name:?} rollout to finish: {} out of {want} new replicas have been updated...",
                s.updated_replicas
            ),
            false,
        );
    }
    if s.replicas > s.updated_replicas {
        return line(
            format!(
                "Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...",
                s.replicas - s.updated_replicas
            ),
            false,
        );
    }
    if s.available_replicas < s.updated_replicas {
        return line(
            format!(
                "Waiting for deployment {name:?} rollout to finish: {} of {} updated replicas are available...",
                s.available_replicas, s.updated_replicas
            ),
            false,
        );
    }
    line(format!("deployment {name:?} successfully rolled out"), true)
}

impl Sim {
    /// `kubectl rollout status` as a watch: runs the simulation until the rollout is done or
    /// `timeout_ms` passes, returning each distinct line in order.
    pub fn watch_rollout_status(
        &mut self,
        namespace: &str,
        name: &str,
        timeout_ms: u64,
    ) -> Result<Vec<String>, SimError> {
        let mut lines: Vec<String> = Vec::new();
        let mut result: Result<(), SimError> = Ok(());
        self.run_until(
            |s| match rollout_status(s.cluster(), namespace, name) {
                Ok(st) => {
                    if lines.last() != Some(&st.message) {
                        lines.push(st.message.clone());
                    }
                    st.done
                }
                Err(e) => {
                    result = Err(e);
                    true
                }
            },
            timeout_ms,
        );
        result.map(|()| lines)
    }
}

/// `kubectl rollout undo deployment/<name> [--to-revision=N]` (kubectl's `DeploymentRollbacker`):
/// copies the chosen revision's template and annotations back into the Deployment.
pub(crate) fn rollout_undo(
    sim: &mut Sim,
    actor: &Actor,
    namespace: &str,
    name: &str,
    to_revision: Option<i64>,
) -> Result<Outcome, SimError> {
    let d = get_deployment(&sim.api, namespace, name)?.clone();
    if d.spec.paused {
        return Err(SimError::NotApplicable(
            "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into(),
        ));
    }
    let to = to_revision.unwrap_or(0);
    if to < 0 {
        return Err(SimError::Invalid(format!(
            "revision must be a positive integer: {to}"
        )));
    }
    let rss: Vec<ReplicaSet> = owned_replica_sets(&sim.api, &d).cloned().collect();
    let target = if to > 0 {
        rss.iter()
            .find(|r| revision_of(r) == Some(to))
            .ok_or_else(|| {
                SimError::NotApplicable(format!(
                    "unable to find specified revision {to} in history"
                ))
            })?
    } else {
        // The second-newest revision.
        let mut revs: Vec<(i64, &ReplicaSet)> = rss
            .iter()
            .filter_map(|r| revision_of(r).map(|v| (v, r)))
            .collect();
        crate::sort::sort_by_key(&mut revs, |r| std::cmp::Reverse(r.0));
        revs.get(1).map(|(_, r)| *r).ok_or_else(|| {
            SimError::NotApplicable(format!("no rollout history found for deployment {name:?}"))
        })?
    };
    let qualified = format!("deployment.apps/{name}");
    if equal_ignore_hash(&target.spec.template, &d.spec.template) {
        return Ok(Outcome::Done(format!(
            "{qualified} skipped rollback (current template already matches revision {to})"
        )));
    }
    let mut d2 = d.clone();
    let mut template = target.spec.template.clone();
    template.metadata.labels.remove(POD_TEMPLATE_HASH_LABEL);
    d2.spec.template = template;
    let mut annotations: SortedMap<String, String> = d
        .metadata
        .annotations
        .iter()
        .filter(|(k, _)| skip_copy_annotation(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in &target.metadata.annotations {
        if !skip_copy_annotation(k) {
            annotations.insert(k.clone(), v.clone());
        }
    }
    d2.metadata.annotations = annotations.into();
    d2.metadata.resource_version = Default::default();
    let r = ObjectRef::new(Kind::Deployment, &d.metadata.namespace, name);
    let rev = revision_of(target).unwrap_or(0);
    sim.api_update(
        actor,
        None,
        Object::Deployment(Shared::new(d2)),
        &format!("rolled back {r} to revision {rev}"),
        "kubectl rollout undo",
    )?;
    Ok(Outcome::Done(format!("{qualified} rolled back")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Container, PodSpec};

    #[test]
    fn hash_uses_the_safe_alphabet_and_the_collision_count() {
        let t = PodTemplateSpec {
            metadata: Default::default(),
            spec: PodSpec::with_containers(vec![Container::new("web", "nginx:1.27")]).into(),
        };
        let h = pod_template_hash(&t, None);
        // Decimal digits map onto `4 5 6 7 8 9 b c d f` (ref §1.2, `SafeEncodeString`).
        assert!(!h.is_empty() && h.len() <= 10, "{h}");
        assert!(h.chars().all(|c| "456789bcdf".contains(c)), "{h}");
        assert_eq!(h, pod_template_hash(&t.clone(), None));
        assert_ne!(h, pod_template_hash(&t, Some(1)));
        let mut t2 = t.clone();
        t2.spec.containers[0].image = "nginx:1.28".into();
        assert_ne!(h, pod_template_hash(&t2, None));
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
    }

    #[test]
    fn fenceposts_round_surge_up_and_unavailable_down() {
        let p = |s: &str| IntOrString::String(s.into());
        // 25% of 3: surge ceil(0.75)=1, unavailable floor(0.75)=0.
        assert_eq!(
            resolve_fenceposts(Some(&p("25%")), Some(&p("25%")), 3),
            (1, 0)
        );
        assert_eq!(
            resolve_fenceposts(Some(&p("25%")), Some(&p("25%")), 10),
            (3, 2)
        );
        // Both zero after rounding: unavailable becomes 1.
        assert_eq!(
            resolve_fenceposts(Some(&IntOrString::Int(0)), Some(&p("10%")), 3),
            (0, 1)
        );
        assert_eq!(resolve_fenceposts(None, None, 4), (0, 1));
    }

    #[test]
    fn conditions_keep_transition_time_and_move_to_the_end() {
        let mut s = DeploymentStatus::default();
        set_condition(
            &mut s,
            condition(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                "a".into(),
                Time::at(1),
            ),
        );
        set_condition(
            &mut s,
            condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "b".into(),
                Time::at(2),
            ),
        );
        set_condition(
            &mut s,
            condition(
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                "c".into(),
                Time::at(3),
            ),
        );
        assert_eq!(s.conditions[0].type_, "Available");
        assert_eq!(s.conditions[1].reason, "ReplicaSetUpdated");
        assert_eq!(s.conditions[1].last_transition_time, Some(Time::at(1)));
        assert_eq!(s.conditions[1].last_update_time, Some(Time::at(3)));
        // Same status and reason: nothing changes, not even the message.
        set_condition(
            &mut s,
            condition(
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                "d".into(),
                Time::at(4),
            ),
        );
        assert_eq!(s.conditions[1].message, "c");
    }
}
