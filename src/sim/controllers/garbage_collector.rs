//! The garbage collector: deletes dependents whose owners are gone (background cascading),
//! orphans dependents (`--cascade=orphan`), and runs foreground deletion.

use crate::model::{Object, ObjectRef};
use crate::sim::api::{FINALIZER_FOREGROUND, FINALIZER_ORPHAN};
use crate::sim::trace::Actor;
use crate::sim::{DeleteOptions, Propagation, Sim};

const ACTOR: Actor = Actor::Controller(&"garbage-collector-controller");

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let Some(obj) = sim.api.get_object(key).cloned() else {
        return;
    };
    let m = obj.meta().clone();
    if m.deletion_timestamp.is_some() && m.finalizers.iter().any(|f| f == FINALIZER_ORPHAN) {
        for d in sim.api.dependents_of(&m.uid) {
            let Some(mut dep) = sim.api.get_object(&d).cloned() else {
                continue;
            };
            dep.meta_mut().owner_references.retain(|o| o.uid != m.uid);
            let what = format!("removed owner {} from {}", key, d);
            let _ = sim.api_update(&ACTOR, Some(key), dep, &what, "orphan propagation");
        }
        remove_finalizer(sim, key, FINALIZER_ORPHAN);
        return;
    }
    if m.deletion_timestamp.is_some() && m.finalizers.iter().any(|f| f == FINALIZER_FOREGROUND) {
        let deps = sim.api.dependents_of(&m.uid);
        let mut blocking = 0;
        for d in &deps {
            let Some(dep) = sim.api.get_object(d) else {
                continue;
            };
            let blocks = dep
                .meta()
                .owner_references
                .iter()
                .any(|o| o.uid == m.uid && o.block_owner_deletion == Some(true));
            if blocks {
                blocking += 1;
            }
            if dep.meta().deletion_timestamp.is_none() {
                let opts = DeleteOptions {
                    grace_period_seconds: None,
                    propagation: Propagation::Foreground,
                };
                let _ = sim.api_delete(
                    &ACTOR,
                    Some(key),
                    d,
                    &opts,
                    "owner is being deleted in the foreground",
                );
            }
        }
        if blocking == 0 {
            remove_finalizer(sim, key, FINALIZER_FOREGROUND);
        }
        return;
    }
    // A dependent: are its owners still there?
    if m.owner_references.is_empty() {
        return;
    }
    let mut alive = Vec::new();
    let mut dead = Vec::new();
    for o in &m.owner_references {
        let exists = sim
            .api
            .by_uid(&o.uid)
            .is_some_and(|x| x.kind().name() == o.kind && x.meta().name == o.name);
        if exists {
            alive.push(o.clone());
        } else {
            dead.push(o.clone());
        }
    }
    if dead.is_empty() {
        return;
    }
    if alive.is_empty() {
        if m.deletion_timestamp.is_none() {
            let owner = &dead[0];
            let why = format!(
                "owner {}/{} is gone",
                owner.kind.to_ascii_lowercase(),
                owner.name
            );
            let _ = sim.api_delete(&ACTOR, None, key, &DeleteOptions::default(), &why);
        }
    } else {
        let mut o2 = obj.clone();
        o2.meta_mut().owner_references = alive.into();
        let _ = sim.api_update(
            &ACTOR,
            None,
            o2,
            &format!("removed dangling owner references from {key}"),
            "owner is gone",
        );
    }
}

fn remove_finalizer(sim: &mut Sim, key: &ObjectRef, f: &str) {
    let Some(mut o) = sim.api.get_object(key).cloned() else {
        return;
    };
    o.meta_mut().finalizers.retain(|x| x != f);
    let _ = sim.api_update(
        &ACTOR,
        None,
        o,
        &format!("removed finalizer {f} from {key}"),
        "dependents handled",
    );
    let _: Option<Object> = None;
}
