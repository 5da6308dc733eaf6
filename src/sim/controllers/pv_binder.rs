//! The PersistentVolume controller: static and dynamic binding, WaitForFirstConsumer, reclaim
//! (Retain -> Released, Delete), and the pvc/pv-protection finalizers (ref §5.2).

use crate::sorted::SortedMap;

use crate::model::{
    Kind, Object, ObjectMeta, ObjectRef, ObjectReference, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeSpec, Pod, Shared, StorageClass,
};
use crate::sim::api::{FINALIZER_PVC_PROTECTION, FINALIZER_PV_PROTECTION};
use crate::sim::trace::Actor;
use crate::sim::{DeleteOptions, Sim};

const ACTOR: Actor = Actor::Controller(&"persistentvolume-controller");

fn request(pvc: &PersistentVolumeClaim) -> i64 {
    pvc.spec
        .resources
        .requests
        .get("storage")
        .map_or(0, |q| q.value())
}

fn capacity(pv: &PersistentVolume) -> i64 {
    pv.spec.capacity.get("storage").map_or(0, |q| q.value())
}

fn class_of(pvc: &PersistentVolumeClaim) -> String {
    pvc.spec.storage_class_name.clone().unwrap_or_default()
}

fn pv_matches(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> bool {
    pv.spec.storage_class_name == class_of(pvc)
        && pvc
            .spec
            .access_modes
            .iter()
            .all(|m| pv.spec.access_modes.contains(m))
        && capacity(pv) >= request(pvc)
        && pvc
            .spec
            .selector
            .as_ref()
            .is_none_or(|s| s.matches(&pv.metadata.labels))
        && pv.metadata.deletion_timestamp.is_none()
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    match key.kind {
        Kind::PersistentVolumeClaim => sync_claim(sim, key),
        Kind::PersistentVolume => sync_volume(sim, key),
        _ => {}
    }
}

fn claim_in_use(sim: &Sim, pvc: &PersistentVolumeClaim) -> bool {
    sim.api
        .list_in::<Pod>(&pvc.metadata.namespace)
        .any(|p| !p.is_terminal() && p.claim_names().any(|c| c == pvc.metadata.name))
}

fn sync_claim(sim: &mut Sim, key: &ObjectRef) {
    let Some(pvc) = sim
        .api
        .get::<PersistentVolumeClaim>(&key.namespace, &key.name)
        .cloned()
    else {
        return;
    };
    // pvc-protection: release the finalizer once no pod uses the claim.
    if pvc.metadata.deletion_timestamp.is_some() {
        if !claim_in_use(sim, &pvc)
            && pvc
                .metadata
                .finalizers
                .iter()
                .any(|f| f == FINALIZER_PVC_PROTECTION)
        {
            let mut c2 = pvc.clone();
            c2.metadata
                .finalizers
                .retain(|f| f != FINALIZER_PVC_PROTECTION);
            let _ = sim.api_update(
                &Actor::Controller(&"pvc-protection-controller"),
                None,
                Object::PersistentVolumeClaim(Shared::new(c2)),
                &format!("removed pvc-protection from {}", key.name),
                "no pod uses the claim",
            );
        }
        return;
    }
    if pvc.status.phase == "Bound" {
        // Lost: the bound volume disappeared.
        if sim
            .api
            .get::<PersistentVolume>("", &pvc.spec.volume_name)
            .is_none()
        {
            let mut c2 = pvc.clone();
            c2.status.phase = "Lost".into();
            let _ = sim.api_update(
                &ACTOR,
                None,
                Object::PersistentVolumeClaim(Shared::new(c2)),
                &format!("claim {} lost", key.name),
                "bound volume is gone",
            );
            sim.api_event(
                &ACTOR,
                key,
                "Warning",
                "ClaimLost",
                "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
            );
        }
        return;
    }
    // Static binding: a named volume, or the smallest matching Available volume.
    let pv = if !pvc.spec.volume_name.is_empty() {
        sim.api
            .get::<PersistentVolume>("", &pvc.spec.volume_name)
            .cloned()
            .filter(|pv| {
                pv.spec.claim_ref.as_ref().is_none_or(|c| {
                    c.name == pvc.metadata.name && c.namespace == pvc.metadata.namespace
                })
            })
    } else {
        sim.api
            .list::<PersistentVolume>()
            .filter(|pv| {
                (pv.spec.claim_ref.is_none() && pv.status.phase == "Available"
                    || pv
                        .spec
                        .claim_ref
                        .as_ref()
                        .is_some_and(|c| c.uid == pvc.metadata.uid))
                    && pv_matches(pv, &pvc)
            })
            .min_by_key(|pv| (capacity(pv), pv.metadata.name.clone()))
            .cloned()
    };
    if let Some(pv) = pv {
        bind(sim, &pvc, pv);
        return;
    }
    if !pvc.spec.volume_name.is_empty() {
        return;
    }
    let class_name = class_of(&pvc);
    let Some(sc) = sim.api.get::<StorageClass>("", &class_name).cloned() else {
        if !class_name.is_empty() {
            sim.api_event(
                &ACTOR,
                key,
                "Warning",
                "ProvisioningFailed",
                &format!("storageclass.storage.k8s.io \"{class_name}\" not found"),
            );
        } else {
            sim.api_event(
                &ACTOR,
                key,
                "Normal",
                "FailedBinding",
                "no persistent volumes available for this claim and no storage class is set",
            );
        }
        return;
    };
    let selected = pvc
        .metadata
        .annotations
        .get("volume.kubernetes.io/selected-node")
        .cloned();
    if sc.volume_binding_mode == "WaitForFirstConsumer" && selected.is_none() {
        sim.api_event(
            &ACTOR,
            key,
            "Normal",
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding",
        );
        return;
    }
    provision(sim, &pvc, &sc, selected.as_deref());
}

fn provision(sim: &mut Sim, pvc: &PersistentVolumeClaim, sc: &StorageClass, node: Option<&str>) {
    let key = ObjectRef::new(
        Kind::PersistentVolumeClaim,
        &pvc.metadata.namespace,
        &pvc.metadata.name,
    );
    sim.api_event(&ACTOR, &key, "Normal", "ExternalProvisioning", &format!("waiting for a volume to be created, either by external provisioner \"{}\" or manually created by system administrator", sc.provisioner));
    let name = format!("pvc-{}", pvc.metadata.uid);
    let mut capacity = SortedMap::new();
    if let Some(q) = pvc.spec.resources.requests.get("storage") {
        capacity.insert("storage".to_string(), q.clone());
    }
    let local = sc.provisioner.starts_with("local");
    let node_affinity = match (local, node) {
        (true, Some(n)) => Some(crate::model::storage::VolumeNodeAffinity {
            required: Some(crate::model::NodeSelector {
                node_selector_terms: vec![crate::model::NodeSelectorTerm {
                    match_expressions: vec![crate::model::NodeSelectorRequirement {
                        key: "kubernetes.io/hostname".into(),
                        operator: "In".into(),
                        values: vec![n.to_string()],
                    }],
                }],
            }),
        }),
        _ => None,
    };
    let mut meta = ObjectMeta::named("", &name);
    meta.annotations.insert(
        "pv.kubernetes.io/provisioned-by".into(),
        sc.provisioner.clone(),
    );
    let pv = PersistentVolume {
        metadata: meta,
        spec: PersistentVolumeSpec {
            capacity,
            access_modes: pvc.spec.access_modes.clone(),
            persistent_volume_reclaim_policy: sc.reclaim_policy.clone(),
            storage_class_name: sc.metadata.name.to_string(),
            claim_ref: Some(claim_ref(pvc)),
            csi: Some(crate::model::storage::CsiPersistentVolumeSource {
                driver: sc.provisioner.clone(),
                volume_handle: name.clone(),
            }),
            node_affinity,
            ..Default::default()
        },
        status: Default::default(),
    };
    if sim
        .api_create(
            &Actor::Controller(&"external-provisioner"),
            Some(&key),
            pv.into(),
            "dynamic provisioning",
        )
        .is_ok()
    {
        sim.api_event(
            &Actor::Controller(&"external-provisioner"),
            &key,
            "Normal",
            "ProvisioningSucceeded",
            &format!("Successfully provisioned volume {name}"),
        );
    }
}

fn claim_ref(pvc: &PersistentVolumeClaim) -> ObjectReference {
    ObjectReference {
        api_version: "v1".into(),
        kind: "PersistentVolumeClaim".into(),
        namespace: pvc.metadata.namespace.clone(),
        name: pvc.metadata.name.to_string(),
        uid: pvc.metadata.uid.clone(),
        resource_version: String::new(),
    }
}

fn bind(sim: &mut Sim, pvc: &PersistentVolumeClaim, pv: PersistentVolume) {
    if !pv_matches(&pv, pvc) && pvc.spec.volume_name.is_empty() {
        return;
    }
    let key = ObjectRef::new(
        Kind::PersistentVolumeClaim,
        &pvc.metadata.namespace,
        &pvc.metadata.name,
    );
    let mut pv2 = pv.clone();
    pv2.spec.claim_ref = Some(claim_ref(pvc));
    pv2.status.phase = "Bound".into();
    if pv2 != pv {
        let _ = sim.api_update(
            &ACTOR,
            Some(&key),
            Object::PersistentVolume(Shared::new(pv2.clone())),
            &format!(
                "bound volume {} to claim {}",
                pv.metadata.name, pvc.metadata.name
            ),
            "",
        );
    }
    let mut c2 = pvc.clone();
    c2.spec.volume_name = pv.metadata.name.to_string();
    c2.status.phase = "Bound".into();
    c2.status.access_modes = pv.spec.access_modes.clone();
    c2.status.capacity = pv.spec.capacity.clone();
    c2.metadata
        .annotations
        .insert("pv.kubernetes.io/bind-completed".into(), "yes".into());
    let _ = sim.api_update(
        &ACTOR,
        Some(&key),
        Object::PersistentVolumeClaim(Shared::new(c2)),
        &format!(
            "bound claim {} to volume {}",
            pvc.metadata.name, pv.metadata.name
        ),
        "",
    );
}

fn sync_volume(sim: &mut Sim, key: &ObjectRef) {
    let Some(pv) = sim.api.get::<PersistentVolume>("", &key.name).cloned() else {
        return;
    };
    if pv.metadata.deletion_timestamp.is_some() {
        let bound = pv.spec.claim_ref.as_ref().is_some_and(|c| {
            sim.api
                .get::<PersistentVolumeClaim>(&c.namespace, &c.name)
                .is_some_and(|x| x.metadata.uid == c.uid)
        });
        if !bound
            && pv
                .metadata
                .finalizers
                .iter()
                .any(|f| f == FINALIZER_PV_PROTECTION)
        {
            let mut v2 = pv.clone();
            v2.metadata
                .finalizers
                .retain(|f| f != FINALIZER_PV_PROTECTION);
            let _ = sim.api_update(
                &Actor::Controller(&"pv-protection-controller"),
                None,
                Object::PersistentVolume(Shared::new(v2)),
                &format!("removed pv-protection from {}", key.name),
                "volume is not bound",
            );
        }
        return;
    }
    match &pv.spec.claim_ref {
        None => {
            if pv.status.phase != "Available" {
                let mut v2 = pv.clone();
                v2.status.phase = "Available".into();
                let _ = sim.api_update(
                    &ACTOR,
                    None,
                    Object::PersistentVolume(Shared::new(v2)),
                    &format!("volume {} available", key.name),
                    "",
                );
                // Pending claims may match now.
                let pending: Vec<ObjectRef> = sim
                    .api
                    .list::<PersistentVolumeClaim>()
                    .filter(|c| c.status.phase == "Pending")
                    .map(|c| {
                        ObjectRef::new(
                            Kind::PersistentVolumeClaim,
                            &c.metadata.namespace,
                            &c.metadata.name,
                        )
                    })
                    .collect();
                for c in pending {
                    sim.enqueue_after(crate::sim::Ctl::PvBinder, c, 0);
                }
            }
        }
        Some(c) => {
            let claim = sim
                .api
                .get::<PersistentVolumeClaim>(&c.namespace, &c.name)
                .cloned();
            let claim_gone = claim
                .as_ref()
                .is_none_or(|x| !c.uid.is_empty() && x.metadata.uid != c.uid);
            if claim_gone && !c.uid.is_empty() {
                // Reclaim.
                if pv.spec.persistent_volume_reclaim_policy == "Delete" {
                    let _ = sim.api_delete(
                        &ACTOR,
                        None,
                        key,
                        &DeleteOptions::default(),
                        "reclaim policy Delete",
                    );
                    sim.world.drop_volume(&format!("pv/{}", key.name));
                } else if pv.status.phase != "Released" {
                    let mut v2 = pv.clone();
                    v2.status.phase = "Released".into();
                    let _ = sim.api_update(
                        &ACTOR,
                        None,
                        Object::PersistentVolume(Shared::new(v2)),
                        &format!("volume {} released", key.name),
                        "claim deleted; reclaim policy Retain",
                    );
                }
            } else if let Some(claim) = claim {
                if claim.status.phase != "Bound" {
                    let ck = ObjectRef::new(
                        Kind::PersistentVolumeClaim,
                        &claim.metadata.namespace,
                        &claim.metadata.name,
                    );
                    sim.enqueue_after(crate::sim::Ctl::PvBinder, ck, 0);
                }
            }
        }
    }
}
