//! The StatefulSet controller, behaviour by behaviour (ref §3, kubernetes-behaviour.md). Every
//! run checks the invariants (among them one pod object per identity) after each step.

mod common;

use common::{small_store, stored};
use podlab::manifest::parse;
use podlab::model::{
    ControllerRevision, Kind, Object, PersistentVolumeClaim, Pod, StatefulSet, Taint, Time,
};
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{Command, DeleteOptions, Propagation, Sim, SimBuilder};

/// The "StatefulSet Basics" tutorial's web.yaml, in our words: a headless Service and two
/// nginx pods, each with a 1Gi claim.
fn web(replicas: i32, extra_spec: &str) -> Vec<Object> {
    let text = format!(
        r#"
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels: {{app: nginx}}
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector: {{app: nginx}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: {replicas}
  selector:
    matchLabels: {{app: nginx}}
{extra_spec}
  template:
    metadata:
      labels: {{app: nginx}}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"#
    );
    let r = parse(&text);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    r.objects
        .into_iter()
        .map(|m| m.object.into_object())
        .collect()
}

fn cluster(seed: u64, objects: Vec<Object>) -> Sim {
    let mut sim = SimBuilder::new(seed).workers(3).build().unwrap();
    for o in objects {
        sim.apply(Command::Apply(o)).unwrap();
    }
    sim
}

fn pod<'a>(sim: &'a Sim, name: &str) -> Option<&'a Pod> {
    sim.cluster().get::<Pod>("default", name)
}

fn running_ready(sim: &Sim, name: &str) -> bool {
    pod(sim, name).is_some_and(|p| p.status.phase == "Running" && p.is_ready())
}

fn pod_names(sim: &Sim) -> Vec<String> {
    sim.cluster()
        .list::<Pod>()
        .map(|p| p.metadata.name.to_string())
        .collect()
}

fn sts(sim: &Sim) -> StatefulSet {
    sim.cluster()
        .get::<StatefulSet>("default", "web")
        .unwrap()
        .clone()
}

fn created_at(sim: &Sim, name: &str) -> u64 {
    pod(sim, name)
        .unwrap()
        .metadata
        .creation_timestamp
        .unwrap()
        .millis()
}

fn ready_since(sim: &Sim, name: &str) -> u64 {
    pod(sim, name)
        .unwrap()
        .status
        .condition("Ready")
        .and_then(|c| c.last_transition_time)
        .map(Time::millis)
        .unwrap()
}

fn scale(sim: &mut Sim, replicas: i32) {
    sim.apply(Command::scale(Kind::StatefulSet, "web", replicas))
        .unwrap();
}

fn delete_pod(sim: &mut Sim, name: &str, options: DeleteOptions) {
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: name.into(),
        options,
    })
    .unwrap();
}

fn set_image(sim: &mut Sim, image: &str) {
    let mut s = sts(sim);
    s.spec.template.spec.containers[0].image = image.into();
    s.metadata.resource_version = Default::default();
    sim.apply(Command::Apply(s.into())).unwrap();
}

fn image_of(sim: &Sim, name: &str) -> String {
    pod(sim, name).unwrap().spec.containers[0].image.clone()
}

/// §3.1, §3.2, §3.3: `web-0` then `web-1`, each only after the one before is Running and Ready;
/// identity labels, hostname and subdomain; a claim `www-web-N` created before its pod.
#[test]
fn ordered_ready_creates_identities_in_order_with_their_claims() {
    let mut sim = cluster(1, web(2, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1"),
        120_000
    ));
    assert_eq!(pod_names(&sim), ["web-0", "web-1"]);
    assert!(
        created_at(&sim, "web-1") >= ready_since(&sim, "web-0"),
        "web-1 was created before web-0 was ready"
    );
    let p = pod(&sim, "web-1").unwrap();
    assert_eq!(p.spec.hostname, "web-1");
    assert_eq!(p.spec.subdomain, "nginx");
    assert_eq!(
        p.metadata.labels["statefulset.kubernetes.io/pod-name"],
        "web-1"
    );
    assert_eq!(p.metadata.labels["apps.kubernetes.io/pod-index"], "1");
    let rev = &p.metadata.labels["controller-revision-hash"];
    assert_eq!(&sts(&sim).status.update_revision, rev);
    let claim = p.spec.volumes[0].persistent_volume_claim.as_ref().unwrap();
    assert_eq!(claim.claim_name, "www-web-1");
    // The claim carries the selector's labels, so `get pvc -l app=nginx` finds it.
    let pvc = sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "www-web-1")
        .unwrap();
    assert_eq!(pvc.metadata.labels["app"], "nginx");
    assert!(pvc.metadata.creation_timestamp.unwrap() <= p.metadata.creation_timestamp.unwrap());
    // Status (written on the sync after the last pod turned ready) and the first
    // ControllerRevision (§3.4).
    run_checked(&mut sim, 1_000);
    let s = sts(&sim).status;
    assert_eq!(
        (
            s.replicas,
            s.ready_replicas,
            s.current_replicas,
            s.updated_replicas
        ),
        (2, 2, 2, 2)
    );
    assert_eq!(s.current_revision, s.update_revision);
    let revs: Vec<&ControllerRevision> = sim.cluster().list::<ControllerRevision>().collect();
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0].revision, 1);
    assert_eq!(revs[0].metadata.name, s.update_revision);
    // The events, in upstream's words (§3.2).
    let events: Vec<String> = sim
        .cluster()
        .list::<podlab::model::Event>()
        .filter(|e| e.involved_object.name == "web")
        .map(|e| format!("{} {}", e.reason, e.message))
        .collect();
    assert_eq!(
        events[..2],
        [
            "SuccessfulCreate create Claim www-web-0 Pod web-0 in StatefulSet web success",
            "SuccessfulCreate create Pod web-0 in StatefulSet web successful",
        ]
    );
}

/// §3.3: `.spec.ordinals.start` shifts the names.
#[test]
fn ordinals_start_names_the_first_pod() {
    let mut sim = cluster(2, web(2, "  ordinals: {start: 5}"));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-6"),
        120_000
    ));
    assert_eq!(pod_names(&sim), ["web-5", "web-6"]);
}

/// §3.3: Parallel creates every pod at once.
#[test]
fn parallel_creates_without_waiting() {
    let mut sim = cluster(3, web(3, "  podManagementPolicy: Parallel"));
    run_checked(&mut sim, 500);
    assert_eq!(pod_names(&sim), ["web-0", "web-1", "web-2"]);
    assert!(pod_names(&sim).iter().all(|n| !running_ready(&sim, n)));
}

/// §3.3: scale-down from the highest ordinal, one at a time, each after the one above is gone;
/// the claims stay (whenScaled: Retain) and come back to the same ordinal.
#[test]
fn scale_down_goes_from_the_top_one_at_a_time_and_keeps_claims() {
    let mut sim = cluster(4, web(4, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-3"),
        180_000
    ));
    let claim_of_2 = sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "www-web-2")
        .unwrap()
        .metadata
        .uid
        .clone();
    scale(&mut sim, 2);
    let mut gone: Vec<(String, u64)> = Vec::new();
    let mut deleted_while_above_exists = false;
    assert!(run_until_checked(
        &mut sim,
        |s| {
            for n in ["web-3", "web-2"] {
                let p = pod(s, n);
                if p.is_some_and(|p| p.metadata.deletion_timestamp.is_some())
                    && n == "web-2"
                    && pod(s, "web-3").is_some()
                {
                    deleted_while_above_exists = true;
                }
                if p.is_none() && !gone.iter().any(|(g, _)| g == n) {
                    gone.push((n.to_string(), s.now()));
                }
            }
            gone.len() == 2
        },
        120_000
    ));
    assert_eq!(gone[0].0, "web-3");
    assert!(!deleted_while_above_exists);
    assert_eq!(pod_names(&sim), ["web-0", "web-1"]);
    assert!(sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "www-web-3")
        .is_some());
    scale(&mut sim, 3);
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-2"),
        120_000
    ));
    let p = pod(&sim, "web-2").unwrap();
    assert_eq!(
        p.spec.volumes[0]
            .persistent_volume_claim
            .as_ref()
            .unwrap()
            .claim_name,
        "www-web-2"
    );
    assert_eq!(
        sim.cluster()
            .get::<PersistentVolumeClaim>("default", "www-web-2")
            .unwrap()
            .metadata
            .uid,
        claim_of_2
    );
}

/// §3.3 at most one, §2.5, §2.6: a pod on a cut-off node stays Terminating and is never
/// replaced; a force delete lets the controller create it again; the out-of-service taint is
/// the safe way.
#[test]
fn a_pod_on_a_lost_node_blocks_its_identity_until_it_is_removed() {
    let mut sim = cluster(5, web(2, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1"),
        120_000
    ));
    let node = pod(&sim, "web-0").unwrap().spec.node_name.clone();
    let old_uid = pod(&sim, "web-0").unwrap().metadata.uid.clone();
    sim.apply(Command::Partition { node: node.clone() })
        .unwrap();
    run_checked(&mut sim, 10 * 60_000);
    let p = pod(&sim, "web-0").unwrap();
    assert_eq!(
        p.metadata.uid, old_uid,
        "web-0 was replaced behind its back"
    );
    assert!(
        p.metadata.deletion_timestamp.is_some(),
        "web-0 is not Terminating"
    );
    assert_eq!(
        sim.world()
            .processes()
            .filter(|p| p.pod_name == "web-0")
            .count(),
        1
    );
    // Force delete: the object goes, a new web-0 follows, and two processes run.
    delete_pod(&mut sim, "web-0", DeleteOptions::force());
    assert!(run_until_checked(
        &mut sim,
        |s| pod(s, "web-0").is_some_and(|p| p.metadata.uid != old_uid),
        60_000
    ));
    run_checked(&mut sim, 30_000);
    assert_eq!(
        sim.world()
            .processes()
            .filter(|p| p.pod_name == "web-0")
            .count(),
        1,
        "the new web-0 cannot start while the RWO disk is attached to the lost node"
    );
    let _ = Taint::new(
        "node.kubernetes.io/out-of-service",
        "nodeshutdown",
        "NoExecute",
    );
}

/// §2.6: the out-of-service taint removes the stuck pod, and its identity comes back on another
/// node.
#[test]
fn out_of_service_taint_frees_the_identity() {
    let mut sim = cluster(6, web(1, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-0"),
        120_000
    ));
    let node = pod(&sim, "web-0").unwrap().spec.node_name.clone();
    sim.apply(Command::CrashNode { node: node.clone() })
        .unwrap();
    run_checked(&mut sim, 7 * 60_000);
    assert!(pod(&sim, "web-0")
        .unwrap()
        .metadata
        .deletion_timestamp
        .is_some());
    sim.apply(Command::Taint {
        node: node.clone(),
        taint: Taint::new(
            "node.kubernetes.io/out-of-service",
            "nodeshutdown",
            "NoExecute",
        ),
    })
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-0"),
        10 * 60_000
    ));
    assert_ne!(pod(&sim, "web-0").unwrap().spec.node_name, node);
}

/// §3.4: RollingUpdate from the highest ordinal down to the partition; a pod below the
/// partition comes back at the old revision when deleted; lowering the partition finishes it.
#[test]
fn rolling_update_respects_the_partition() {
    let mut sim = cluster(
        7,
        web(
            3,
            "  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {partition: 2}",
        ),
    );
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-2"),
        180_000
    ));
    let first = sts(&sim).status.current_revision;
    set_image(&mut sim, "registry.k8s.io/nginx-slim:0.27");
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-2") && image_of(s, "web-2").ends_with("0.27"),
        120_000
    ));
    run_checked(&mut sim, 60_000);
    assert!(image_of(&sim, "web-1").ends_with("0.24"));
    assert!(image_of(&sim, "web-0").ends_with("0.24"));
    let s = sts(&sim).status;
    assert_eq!(s.current_revision, first);
    assert_ne!(s.update_revision, first);
    assert_eq!((s.current_replicas, s.updated_replicas), (2, 1));
    // Deleted below the partition: back at the old revision.
    delete_pod(&mut sim, "web-1", DeleteOptions::default());
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1") && created_at(s, "web-1") > 0,
        120_000
    ));
    run_checked(&mut sim, 5_000);
    assert!(image_of(&sim, "web-1").ends_with("0.24"));
    // Partition 0: the rest follow, highest first, and the revision becomes current.
    let mut s2 = sts(&sim);
    s2.spec
        .update_strategy
        .as_mut()
        .unwrap()
        .rolling_update
        .as_mut()
        .unwrap()
        .partition = Some(0);
    s2.metadata.resource_version = Default::default();
    sim.apply(Command::Apply(s2.into())).unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s
            .cluster()
            .get::<StatefulSet>("default", "web")
            .unwrap()
            .status
            .current_revision
            != first,
        240_000
    ));
    for n in ["web-0", "web-1", "web-2"] {
        assert!(image_of(&sim, n).ends_with("0.27"), "{n}");
    }
    assert!(created_at(&sim, "web-0") > created_at(&sim, "web-1"));
}

/// §3.4: OnDelete never rolls; a deleted pod comes back at the new revision.
#[test]
fn on_delete_updates_only_deleted_pods() {
    let mut sim = cluster(8, web(2, "  updateStrategy:\n    type: OnDelete"));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1"),
        120_000
    ));
    set_image(&mut sim, "registry.k8s.io/nginx-slim:0.27");
    run_checked(&mut sim, 120_000);
    assert!(image_of(&sim, "web-0").ends_with("0.24"));
    assert!(image_of(&sim, "web-1").ends_with("0.24"));
    delete_pod(&mut sim, "web-0", DeleteOptions::default());
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-0") && image_of(s, "web-0").ends_with("0.27"),
        120_000
    ));
    assert!(image_of(&sim, "web-1").ends_with("0.24"));
}

/// §3.4 "Forced rollback": a template that never becomes Ready halts the rollout; reverting it
/// is not enough until the stuck pod is deleted.
#[test]
fn a_broken_rollout_needs_the_stuck_pod_deleted() {
    let mut sim = cluster(9, web(2, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1"),
        120_000
    ));
    // A template whose app takes a day to listen: its readiness probe never passes.
    let mut s = sts(&sim);
    let c = &mut s.spec.template.spec.containers[0];
    c.image = "k8spatterns/random-generator:broken".into();
    c.env
        .push(podlab::model::EnvVar::new("DELAY_STARTUP", "86400"));
    c.readiness_probe = Some(podlab::model::Probe {
        tcp_socket: Some(podlab::model::TcpSocketAction {
            port: podlab::model::IntOrString::Int(8080),
        }),
        ..Default::default()
    });
    s.metadata.resource_version = Default::default();
    sim.apply(Command::Apply(s.into())).unwrap();
    run_checked(&mut sim, 180_000);
    assert!(image_of(&sim, "web-1").ends_with("broken"));
    assert!(!running_ready(&sim, "web-1"));
    assert!(
        image_of(&sim, "web-0").ends_with("0.24"),
        "the rollout must halt"
    );
    // Revert: the broken web-1 stays as it is.
    let mut s = sts(&sim);
    let c = &mut s.spec.template.spec.containers[0];
    c.image = "registry.k8s.io/nginx-slim:0.24".into();
    c.env.clear();
    c.readiness_probe = None;
    s.metadata.resource_version = Default::default();
    sim.apply(Command::Apply(s.into())).unwrap();
    run_checked(&mut sim, 180_000);
    assert!(image_of(&sim, "web-1").ends_with("broken"));
    delete_pod(&mut sim, "web-1", DeleteOptions::default());
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1") && image_of(s, "web-1").ends_with("0.24"),
        180_000
    ));
}

/// §3.2 retention: whenScaled Delete removes the claims of scaled-away ordinals; whenDeleted
/// Delete removes every claim with the set.
#[test]
fn retention_policy_deletes_claims_when_told() {
    let mut sim = cluster(
        10,
        web(
            3,
            "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete, whenScaled: Delete}",
        ),
    );
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-2"),
        180_000
    ));
    scale(&mut sim, 1);
    assert!(run_until_checked(
        &mut sim,
        |s| {
            s.cluster()
                .get::<PersistentVolumeClaim>("default", "www-web-1")
                .is_none()
        },
        180_000
    ));
    assert!(sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "www-web-2")
        .is_none());
    assert!(sim
        .cluster()
        .get::<PersistentVolumeClaim>("default", "www-web-0")
        .is_some());
    sim.apply(Command::Delete {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        options: DeleteOptions::default(),
    })
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| s.cluster().list::<PersistentVolumeClaim>().next().is_none(),
        180_000
    ));
}

/// The default policy keeps every claim after the set is deleted.
#[test]
fn retain_keeps_claims_after_the_set_is_deleted() {
    let mut sim = cluster(11, web(2, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1"),
        120_000
    ));
    sim.apply(Command::Delete {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        options: DeleteOptions::default(),
    })
    .unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| pod_names(s).is_empty(),
        120_000
    ));
    assert_eq!(sim.cluster().list::<PersistentVolumeClaim>().count(), 2);
}

/// §1.4 for StatefulSets: `--cascade=orphan` leaves the pods running; applying the set again
/// adopts them and removes the ordinals above `replicas`.
#[test]
fn orphaned_pods_are_adopted_and_trimmed() {
    let objects = web(3, "");
    let mut sim = cluster(12, objects.clone());
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-2"),
        180_000
    ));
    sim.apply(Command::Delete {
        kind: Kind::StatefulSet,
        namespace: "default".into(),
        name: "web".into(),
        options: DeleteOptions {
            grace_period_seconds: None,
            propagation: Propagation::Orphan,
        },
    })
    .unwrap();
    run_checked(&mut sim, 30_000);
    assert!(sim.cluster().get::<StatefulSet>("default", "web").is_none());
    assert_eq!(pod_names(&sim), ["web-0", "web-1", "web-2"]);
    assert!(pod(&sim, "web-0")
        .unwrap()
        .metadata
        .owner_references
        .is_empty());
    let uid0 = pod(&sim, "web-0").unwrap().metadata.uid.clone();
    let mut again = web(2, "").pop().unwrap();
    again.meta_mut().resource_version = Default::default();
    sim.apply(Command::Apply(again)).unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| pod_names(s) == ["web-0", "web-1"],
        120_000
    ));
    let p = pod(&sim, "web-0").unwrap();
    assert_eq!(p.metadata.uid, uid0, "web-0 was adopted, not replaced");
    assert_eq!(p.metadata.controller_ref().unwrap().kind, "StatefulSet");
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;

    #[derive(Clone, Debug)]
    enum Step {
        Scale(i32),
        Image(u8),
        Partition(u8),
        Heal(u8),
        Crash(u8),
        Restart(u8),
        DeletePod(u8),
        ForceDeletePod(u8),
        OutOfService(u8),
        Recreate,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0i32..5).prop_map(Step::Scale),
            (0u8..3).prop_map(Step::Image),
            (0u8..3).prop_map(Step::Partition),
            (0u8..3).prop_map(Step::Heal),
            (0u8..3).prop_map(Step::Crash),
            (0u8..3).prop_map(Step::Restart),
            (0u8..4).prop_map(Step::DeletePod),
            (0u8..4).prop_map(Step::ForceDeletePod),
            (0u8..3).prop_map(Step::OutOfService),
            Just(Step::Recreate),
        ]
    }

    fn node(i: u8) -> String {
        format!("node-{}", i % 3 + 1)
    }

    /// Processes per identity `web-N`: more than one only after the lab removed a pod object
    /// without its kubelet (a force delete or the out-of-service taint, ref §2.5, §2.6).
    fn processes_per_identity(sim: &Sim) -> usize {
        let mut counts = std::collections::BTreeMap::new();
        for p in sim.world().processes() {
            *counts.entry(p.pod_name.clone()).or_insert(0) += 1;
        }
        counts.into_values().max().unwrap_or(0)
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 10,
            failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
            ..ProptestConfig::default()
        })]

        /// Random scale, update, delete and fault sequences keep every invariant after every
        /// event, and without a force delete or out-of-service taint no identity ever runs twice.
        #[test]
        fn at_most_one_per_identity_under_random_sequences(
            seed in 0u64..1000,
            policy in prop_oneof![Just(""), Just("  podManagementPolicy: Parallel")],
            script in prop::collection::vec((step(), 0u64..60_000), 1..8),
        ) {
            let mut sim = cluster(seed, web(2, policy));
            let mut unsafe_removal = false;
            for (s, wait) in script {
                let cmd = match s {
                    Step::Scale(r) => Command::scale(Kind::StatefulSet, "web", r),
                    Step::Image(i) => {
                        let Some(mut set) = sim.cluster().get::<StatefulSet>("default", "web").cloned() else {
                            continue;
                        };
                        set.spec.template.spec.containers[0].image =
                            format!("registry.k8s.io/nginx-slim:0.2{i}");
                        set.metadata.resource_version = Default::default();
                        Command::Apply(set.into())
                    }
                    Step::Partition(i) => Command::Partition { node: node(i) },
                    Step::Heal(i) => Command::Heal { node: node(i) },
                    Step::Crash(i) => Command::CrashNode { node: node(i) },
                    Step::Restart(i) => Command::RestartNode { node: node(i) },
                    Step::DeletePod(i) | Step::ForceDeletePod(i) => {
                        let force = matches!(s, Step::ForceDeletePod(_));
                        unsafe_removal |= force;
                        Command::Delete {
                            kind: Kind::Pod,
                            namespace: "default".into(),
                            name: format!("web-{i}"),
                            options: if force { DeleteOptions::force() } else { DeleteOptions::default() },
                        }
                    }
                    Step::OutOfService(i) => {
                        unsafe_removal = true;
                        Command::Taint {
                            node: node(i),
                            taint: Taint::new("node.kubernetes.io/out-of-service", "nodeshutdown", "NoExecute"),
                        }
                    }
                    Step::Recreate => Command::Apply(web(2, policy).pop().unwrap()),
                };
                let _ = sim.apply(cmd);
                let mut twice = false;
                run_until_checked(&mut sim, |s| {
                    twice |= processes_per_identity(s) > 1;
                    false
                }, wait);
                prop_assert!(unsafe_removal || !twice, "an identity ran twice (seed {seed})");
            }
            run_checked(&mut sim, 120_000);
        }
    }
}

/// Issue 13 item 2: required podAntiAffinity on the hostname spreads a set one pod per node, as
/// the ZooKeeper tutorial's StatefulSet does; a fourth pod on three nodes stays Pending with the
/// scheduler's reason, and blocks the ones after it (OrderedReady).
#[test]
fn required_anti_affinity_spreads_one_pod_per_node() {
    let mut objects = web(4, "");
    let Object::StatefulSet(s) = &mut objects[1] else {
        panic!("the second object is the StatefulSet");
    };
    let extra = parse(
        "apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector:
          matchExpressions:
          - {key: app, operator: In, values: [nginx]}
        topologyKey: kubernetes.io/hostname
  containers: [{name: c, image: nginx}]
",
    );
    assert!(!extra.has_errors(), "{:?}", extra.diagnostics);
    let Object::Pod(p) = extra
        .objects
        .into_iter()
        .next()
        .unwrap()
        .object
        .into_object()
    else {
        panic!("a pod");
    };
    assert_eq!(p.required_anti_affinity().len(), 1);
    s.spec.template.spec.affinity = p.spec.affinity.clone();
    let mut sim = cluster(13, objects);
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-2"),
        180_000
    ));
    run_checked(&mut sim, 60_000);
    let mut nodes: Vec<String> = ["web-0", "web-1", "web-2"]
        .iter()
        .map(|n| pod(&sim, n).unwrap().spec.node_name.clone())
        .collect();
    nodes.sort();
    nodes.dedup();
    assert_eq!(nodes.len(), 3, "one pod per node");
    let p3 = pod(&sim, "web-3").unwrap();
    assert_eq!(p3.status.phase, "Pending");
    let cond = p3.status.condition("PodScheduled").unwrap();
    assert!(
        cond.message.starts_with(
            "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."
        ),
        "{}",
        cond.message
    );
    assert!(pod(&sim, "web-4").is_none());
}

/// Preferred pod (anti-)affinity is read but not simulated, and the learner is told so.
#[test]
fn preferred_pod_affinity_is_reported_as_not_simulated() {
    let r = parse(
        "apiVersion: v1
kind: Pod
metadata: {name: x}
spec:
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector: {matchLabels: {app: zk}}
          topologyKey: kubernetes.io/hostname
  containers: [{name: c, image: nginx}]
",
    );
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let texts: Vec<String> = r.diagnostics.iter().map(|d| d.to_string()).collect();
    assert!(
        texts.iter().any(|t| t.contains(
            "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution\" is not simulated"
        )),
        "{texts:?}"
    );
}

fn exec(sim: &mut Sim, pod: &str, script: &str) -> (String, i32) {
    match sim
        .apply(Command::Exec {
            namespace: "default".into(),
            pod: pod.into(),
            container: None,
            argv: vec!["sh".into(), "-c".into(), script.into()],
            cwd: String::new(),
        })
        .unwrap()
    {
        podlab::sim::Outcome::Exec(r) => (format!("{}{}", r.stdout, r.stderr), r.code),
        other => panic!("{other:?}"),
    }
}

/// Issue 13 item 3, the tutorial's "Writing to stable storage": each pod writes its hostname
/// into index.html on its claim; nginx serves it; the data outlives the pod.
#[test]
fn stable_storage_keeps_what_each_pod_wrote() {
    let mut sim = cluster(14, web(2, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1"),
        120_000
    ));
    // The EndpointSlice (and so DNS) follows readiness a moment later.
    run_checked(&mut sim, 2_000);
    // A fresh claim at nginx's document root: no index.html yet.
    let (out, code) = exec(&mut sim, "web-0", "curl -s localhost");
    assert_eq!(code, 0);
    assert!(out.contains("403 Forbidden"), "{out}");
    for p in ["web-0", "web-1"] {
        let (out, code) = exec(
            &mut sim,
            p,
            "echo \"$(hostname)\" > /usr/share/nginx/html/index.html",
        );
        assert_eq!((out.as_str(), code), ("", 0));
    }
    assert_eq!(exec(&mut sim, "web-0", "curl localhost").0, "web-0\n");
    assert_eq!(
        exec(&mut sim, "web-0", "curl web-1.nginx").0,
        "web-1\n",
        "per-pod DNS name through the headless Service"
    );
    let (out, code) = exec(&mut sim, "web-0", "curl localhost:8080");
    assert_eq!(code, 7);
    assert_eq!(
        out,
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused\n"
    );
    // The pod goes, the claim stays, the new web-0 serves the same file.
    delete_pod(&mut sim, "web-0", DeleteOptions::default());
    run_checked(&mut sim, 2_000);
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-0"),
        120_000
    ));
    assert_eq!(exec(&mut sim, "web-0", "curl localhost").0, "web-0\n");
    assert_eq!(
        exec(&mut sim, "web-0", "cat /usr/share/nginx/html/index.html").0,
        "web-0\n"
    );
    // The container's writable layer does not outlive the container.
    exec(&mut sim, "web-1", "echo scratch > /tmp/note");
    assert_eq!(exec(&mut sim, "web-1", "cat /tmp/note").0, "scratch\n");
}

/// Issue 13 item 4: what a headless Service's name resolves to changes in the trace, as pods
/// become ready and go (ref §4.2).
#[test]
fn dns_changes_of_a_headless_service_are_in_the_trace() {
    let mut sim = cluster(15, web(2, ""));
    assert!(run_until_checked(
        &mut sim,
        |s| running_ready(s, "web-1"),
        120_000
    ));
    run_checked(&mut sim, 2_000);
    delete_pod(&mut sim, "web-1", DeleteOptions::default());
    run_checked(&mut sim, 1_000);
    let dns: Vec<String> = sim
        .trace()
        .entries()
        .filter(|e| e.what().starts_with("DNS: "))
        .map(|e| e.what().to_string())
        .collect();
    assert!(dns.len() >= 3, "{dns:?}");
    let ip0 = pod(&sim, "web-0").unwrap().status.pod_ip.clone();
    assert_eq!(
        dns[0],
        format!("DNS: nginx.default.svc.cluster.local now answers web-0 {ip0}")
    );
    assert!(
        dns[1].contains("web-0") && dns[1].contains("web-1"),
        "{dns:?}"
    );
    assert_eq!(
        dns.last().unwrap(),
        &format!("DNS: nginx.default.svc.cluster.local now answers web-0 {ip0}"),
        "a terminating pod drops out of the answers"
    );
}

/// apps/validation ValidateStatefulSetSpec: OnDelete with a rollingUpdate block is invalid, so a
/// strategic patch of the type alone (the defaulted partition stays) is refused; a merge patch
/// that also clears rollingUpdate is accepted.
#[test]
fn on_delete_with_a_rolling_update_block_is_refused() {
    let mut sim = cluster(3, web(2, ""));
    sim.run_for(5_000);
    let console = podlab::console::Console::new();
    let out = console.run(
        &mut sim,
        r#"kubectl patch sts web -p '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'"#,
    );
    assert!(!out.ok, "{}", out.text);
    assert!(
        out.text.contains(
            "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"
        ),
        "{}",
        out.text
    );
    let out = console.run(
        &mut sim,
        r#"kubectl patch sts web --type=merge -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'"#,
    );
    assert!(out.ok, "{}", out.text);
    assert_eq!(sts(&sim).spec.update_strategy.unwrap().type_, "OnDelete");
}

/// Issue 16: a typo such as `--replicas=99999999` does not make a slot per replica (upstream
/// does, which here would be 10^8 pods in memory); Parallel creates until the store is full,
/// then the claims and pods it has stay.
#[test]
fn a_huge_parallel_scale_stops_when_the_store_is_full() {
    let mut sim = small_store(4, 3, 80);
    for o in web(2, "  podManagementPolicy: Parallel") {
        sim.apply(Command::Apply(o)).unwrap();
    }
    run_checked(&mut sim, 30_000);
    scale(&mut sim, 99_999_999);
    run_checked(&mut sim, 60_000);
    assert_eq!(stored(&sim), 80);
    let pods = pod_names(&sim).len();
    assert!(pods > 20, "{pods}");
    assert_eq!(sts(&sim).status.replicas, pods as i32);
}
