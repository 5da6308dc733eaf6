//! Deployments (ref §1.2 and upstream `pkg/controller/deployment`, v1.34): hashed ReplicaSets,
//! RollingUpdate within maxSurge/maxUnavailable, Recreate, revisions, history and undo.

use podlab::model::{
    Container, Deployment, EnvVar, IntOrString, Kind, ObjectRef, Pod, Probe, ReplicaSet,
    RollingUpdateDeployment,
};
use podlab::sim::examples::{deployment, random_generator_container, replicaset};
use podlab::sim::invariants::{run_checked, run_until_checked};
use podlab::sim::{
    pod_template_hash, rollout_history, rollout_status, Command, Outcome, Sim, SimBuilder, SimError,
};

fn sim(seed: u64) -> Sim {
    SimBuilder::new(seed).workers(3).build().unwrap()
}

fn get_deploy(sim: &Sim) -> Deployment {
    sim.cluster()
        .get::<Deployment>("default", "web")
        .unwrap()
        .clone()
}

fn owned_rs(sim: &Sim) -> Vec<ReplicaSet> {
    let uid = get_deploy(sim).metadata.uid;
    let mut v: Vec<ReplicaSet> = sim
        .cluster()
        .list::<ReplicaSet>()
        .filter(|r| r.metadata.controller_ref().is_some_and(|c| c.uid == uid))
        .cloned()
        .collect();
    v.sort_by_key(|r| r.metadata.creation_timestamp);
    v
}

fn events(sim: &Sim, reason: &str) -> Vec<String> {
    sim.cluster()
        .events_for(&ObjectRef::new(Kind::Deployment, "default", "web"))
        .iter()
        .filter(|e| e.reason == reason)
        .map(|e| e.message.to_string())
        .collect()
}

fn complete(sim: &Sim) -> bool {
    rollout_status(sim.cluster(), "default", "web").is_ok_and(|s| s.done)
}

fn with_image(mut d: Deployment, image: &str) -> Deployment {
    d.spec.template.spec.containers[0].image = image.into();
    d
}

fn web(replicas: i32) -> Deployment {
    deployment("web", replicas, Container::new("web", "nginx:1.27"))
}

#[test]
fn a_deployment_owns_a_hashed_replicaset_and_reports_status() {
    // ref §1.2: `<deployment>-<pod-template-hash>`, hash also a label on the RS and its pods.
    let mut sim = sim(1);
    sim.apply(Command::Apply(web(3).into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));

    let d = get_deploy(&sim);
    let rss = owned_rs(&sim);
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = pod_template_hash(&d.spec.template, None);
    assert_eq!(rs.metadata.name, format!("web-{hash}"));
    assert!(hash
        .chars()
        .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    assert_eq!(rs.metadata.labels["pod-template-hash"], hash);
    assert_eq!(rs.spec.selector.match_labels["pod-template-hash"], hash);
    assert_eq!(
        rs.metadata.annotations["deployment.kubernetes.io/revision"],
        "1"
    );
    assert_eq!(
        rs.metadata.annotations["deployment.kubernetes.io/desired-replicas"],
        "3"
    );
    // maxSurge 25% of 3 rounds up to 1.
    assert_eq!(
        rs.metadata.annotations["deployment.kubernetes.io/max-replicas"],
        "4"
    );
    assert_eq!(
        d.metadata.annotations["deployment.kubernetes.io/revision"],
        "1"
    );
    for p in sim.cluster().list::<Pod>() {
        assert!(p.metadata.name.starts_with(&format!("web-{hash}-")));
        assert_eq!(p.metadata.labels["pod-template-hash"], hash);
    }

    assert_eq!(
        events(&sim, "ScalingReplicaSet"),
        vec![format!("Scaled up replica set web-{hash} from 0 to 3")]
    );
    let s = &d.status;
    assert_eq!(
        (
            s.replicas,
            s.updated_replicas,
            s.ready_replicas,
            s.available_replicas,
            s.unavailable_replicas
        ),
        (3, 3, 3, 3, 0)
    );
    assert_eq!(s.observed_generation, d.metadata.generation);
    let avail = s.condition("Available").unwrap();
    assert_eq!(
        (avail.status.as_str(), avail.reason.as_str()),
        ("True", "MinimumReplicasAvailable")
    );
    assert_eq!(avail.message, "Deployment has minimum availability.");
    let prog = s.condition("Progressing").unwrap();
    assert_eq!(
        (prog.status.as_str(), prog.reason.as_str()),
        ("True", "NewReplicaSetAvailable")
    );
    assert_eq!(
        prog.message,
        format!("ReplicaSet \"web-{hash}\" has successfully progressed.")
    );
    assert_eq!(
        rollout_status(sim.cluster(), "", "web").unwrap().message,
        "deployment \"web\" successfully rolled out"
    );

    // Deleting the Deployment cascades to its ReplicaSet and pods.
    sim.apply(Command::Delete {
        kind: Kind::Deployment,
        namespace: "default".into(),
        name: "web".into(),
        options: Default::default(),
    })
    .unwrap();
    run_checked(&mut sim, 60_000);
    assert_eq!(sim.cluster().list::<ReplicaSet>().count(), 0);
    assert_eq!(sim.cluster().list::<Pod>().count(), 0);
}

/// Sums over the Deployment's ReplicaSets: (spec replicas, available replicas).
fn totals(sim: &Sim) -> (i32, i32) {
    let rss = owned_rs(sim);
    (
        rss.iter().map(|r| r.spec.replicas.unwrap_or(1)).sum(),
        rss.iter().map(|r| r.status.available_replicas).sum(),
    )
}

/// Rolls `d` to a new image, checking the fenceposts after every event; returns the largest
/// total and the smallest availability seen.
fn roll_and_watch(sim: &mut Sim, d: Deployment, surge: i32, unavailable: i32) -> (i32, i32) {
    let want = d.spec.replicas.unwrap();
    sim.apply(Command::Apply(with_image(d, "nginx:1.28").into()))
        .unwrap();
    let (mut max_total, mut min_avail) = (0, i32::MAX);
    let done = run_until_checked(
        sim,
        |s| {
            let (total, avail) = totals(s);
            max_total = max_total.max(total);
            min_avail = min_avail.min(avail);
            complete(s)
        },
        300_000,
    );
    assert!(done, "rollout finished");
    assert!(max_total <= want + surge, "surge bound: {max_total}");
    assert!(
        min_avail >= want - unavailable,
        "availability bound: {min_avail}"
    );
    (max_total, min_avail)
}

#[test]
fn rolling_update_stays_within_max_surge_and_max_unavailable() {
    let mut sim = sim(2);
    let mut d = web(4);
    d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
        max_surge: Some(IntOrString::Int(1)),
        max_unavailable: Some(IntOrString::Int(1)),
    });
    sim.apply(Command::Apply(d.clone().into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    let old = owned_rs(&sim)[0].metadata.name.to_string();

    // Both fenceposts are used: 5 pods at the peak, 3 available at the low point.
    let (peak, low) = roll_and_watch(&mut sim, d, 1, 1);
    assert_eq!((peak, low), (5, 3));

    let rss = owned_rs(&sim);
    assert_eq!(rss.len(), 2, "the old ReplicaSet stays as history");
    let new = rss[1].metadata.name.to_string();
    assert_eq!(rss[0].metadata.name, old);
    assert_eq!(rss[0].spec.replicas, Some(0));
    assert_eq!(
        rss[1].metadata.annotations["deployment.kubernetes.io/revision"],
        "2"
    );
    assert_eq!(
        get_deploy(&sim).metadata.annotations["deployment.kubernetes.io/revision"],
        "2"
    );
    let scaling = events(&sim, "ScalingReplicaSet");
    // Both happen in the same millisecond; describe then orders ties by event name.
    let first_steps = &scaling[1..3];
    assert!(
        first_steps.contains(&format!("Scaled up replica set {new} from 0 to 1"))
            && first_steps.contains(&format!("Scaled down replica set {old} from 4 to 3")),
        "{scaling:?}"
    );
    assert_eq!(
        scaling.last().unwrap(),
        &format!("Scaled down replica set {old} from 1 to 0")
    );
    for p in sim.cluster().list::<Pod>() {
        assert!(p.metadata.name.starts_with(&format!("{new}-")));
        assert_eq!(p.spec.containers[0].image, "nginx:1.28");
    }
}

#[test]
fn default_percentages_round_surge_up_and_unavailable_down() {
    // 25% of 3: maxSurge ceil(0.75) = 1, maxUnavailable floor(0.75) = 0, so the rollout never
    // drops below 3 available pods.
    let mut sim = sim(3);
    sim.apply(Command::Apply(web(3).into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    let d = get_deploy(&sim);
    let ru = d.spec.strategy.rolling_update.as_ref().unwrap();
    assert_eq!(ru.max_surge, Some(IntOrString::String("25%".into())));
    assert_eq!(ru.max_unavailable, Some(IntOrString::String("25%".into())));
    assert_eq!(d.spec.revision_history_limit, Some(10));
    let (peak, low) = roll_and_watch(&mut sim, d, 1, 0);
    assert_eq!((peak, low), (4, 3));
}

#[test]
fn rollout_status_reports_progress_like_kubectl() {
    let mut sim = sim(4);
    sim.apply(Command::Apply(web(3).into())).unwrap();
    let lines = sim.watch_rollout_status("default", "web", 60_000).unwrap();
    assert_eq!(
        lines.first().unwrap(),
        "Waiting for deployment spec update to be observed..."
    );
    assert!(lines.contains(
        &"Waiting for deployment \"web\" rollout to finish: 0 of 3 updated replicas are available..."
            .to_string()
    ));
    assert_eq!(
        lines.last().unwrap(),
        "deployment \"web\" successfully rolled out"
    );

    let d = get_deploy(&sim);
    sim.apply(Command::Apply(with_image(d, "nginx:1.28").into()))
        .unwrap();
    let lines = sim.watch_rollout_status("default", "web", 120_000).unwrap();
    for expected in [
        "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...",
        "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...",
    ] {
        assert!(lines.contains(&expected.to_string()), "{expected}\n{lines:#?}");
    }
    assert_eq!(
        lines.last().unwrap(),
        "deployment \"web\" successfully rolled out"
    );
    assert!(matches!(
        rollout_status(sim.cluster(), "default", "nope"),
        Err(SimError::Api(_))
    ));
}

#[test]
fn a_stuck_rollout_times_out_after_the_progress_deadline() {
    let mut sim = sim(5);
    let mut d = web(2);
    d.spec.progress_deadline_seconds = Some(60);
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    // A template whose pods never become ready.
    let mut d = get_deploy(&sim);
    let c = &mut d.spec.template.spec.containers[0];
    c.env.push(EnvVar::new("DELAY_STARTUP", "86400"));
    c.image = "k8spatterns/random-generator:1.0".into();
    c.readiness_probe = Some(Probe::http_get("/actuator/health", 8080));
    sim.apply(Command::Apply(d.into())).unwrap();
    run_checked(&mut sim, 50_000);
    let prog = get_deploy(&sim)
        .status
        .condition("Progressing")
        .cloned()
        .unwrap();
    assert_eq!(prog.reason, "ReplicaSetUpdated");
    run_checked(&mut sim, 30_000);
    let d = get_deploy(&sim);
    let prog = d.status.condition("Progressing").unwrap();
    assert_eq!(
        (prog.status.as_str(), prog.reason.as_str()),
        ("False", "ProgressDeadlineExceeded")
    );
    let new = &owned_rs(&sim)[1].metadata.name;
    assert_eq!(
        prog.message,
        format!("ReplicaSet \"{new}\" has timed out progressing.")
    );
    match rollout_status(sim.cluster(), "default", "web") {
        Err(e) => assert_eq!(
            e.to_string(),
            "deployment \"web\" exceeded its progress deadline"
        ),
        Ok(s) => panic!("expected an error, got {s:?}"),
    }
    // The old pods keep serving: maxUnavailable 25% of 2 is 0.
    assert_eq!(d.status.available_replicas, 2);
}

#[test]
fn recreate_stops_every_old_pod_before_starting_new_ones() {
    let mut sim = sim(6);
    let mut d = web(3);
    d.spec.strategy.type_ = "Recreate".into();
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    let old_hash = owned_rs(&sim)[0].metadata.labels["pod-template-hash"].clone();
    let d = get_deploy(&sim);
    assert!(d.spec.strategy.rolling_update.is_none());
    sim.apply(Command::Apply(with_image(d, "nginx:1.28").into()))
        .unwrap();
    let mut saw_gap = false;
    let done = run_until_checked(
        &mut sim,
        |s| {
            let hashes: Vec<String> = s
                .cluster()
                .list::<Pod>()
                .map(|p| p.metadata.labels["pod-template-hash"].clone())
                .collect();
            let old = hashes.iter().filter(|h| **h == old_hash).count();
            let new = hashes.len() - old;
            assert!(old == 0 || new == 0, "old and new pods at once: {hashes:?}");
            // No old process may still run once a new container starts.
            let procs: Vec<&str> = s.world().processes().map(|p| p.pod_name.as_str()).collect();
            let old_procs = procs.iter().filter(|n| n.contains(&old_hash)).count();
            assert!(old_procs == 0 || procs.len() == old_procs, "{procs:?}");
            saw_gap |= hashes.is_empty();
            complete(s) && old == 0
        },
        120_000,
    );
    assert!(done && saw_gap);
    let rss = owned_rs(&sim);
    let scaling = events(&sim, "ScalingReplicaSet");
    assert_eq!(
        scaling[1..],
        [
            format!(
                "Scaled down replica set {} from 3 to 0",
                rss[0].metadata.name
            ),
            format!("Scaled up replica set {} from 0 to 3", rss[1].metadata.name),
        ]
    );
}

/// Applies `image` with a change-cause and waits for the rollout.
fn roll_to(sim: &mut Sim, image: &str, cause: &str) {
    let mut d = with_image(get_deploy(sim), image);
    d.metadata
        .annotations
        .insert("kubernetes.io/change-cause".into(), cause.into());
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(
        sim,
        |s| complete(s) && s.cluster().list::<Pod>().count() == 2,
        180_000
    ));
}

fn undo(sim: &mut Sim, to: Option<i64>) -> Result<Outcome, SimError> {
    sim.apply(Command::RolloutUndo {
        kind: Kind::Deployment,
        namespace: "default".into(),
        name: "web".into(),
        to_revision: to,
    })
}

fn images(sim: &Sim) -> Vec<String> {
    sim.cluster()
        .list::<Pod>()
        .map(|p| p.spec.containers[0].image.clone())
        .collect()
}

#[test]
fn history_and_undo_reuse_the_old_replicaset() {
    let mut sim = sim(7);
    let mut d = web(2);
    d.metadata
        .annotations
        .insert("kubernetes.io/change-cause".into(), "first".into());
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    assert!(
        matches!(undo(&mut sim, None), Err(SimError::NotApplicable(m)) if m == "no rollout history found for deployment \"web\"")
    );
    roll_to(&mut sim, "nginx:1.28", "second");
    let rows = rollout_history(sim.cluster(), "default", "web").unwrap();
    let view: Vec<(i64, Option<&str>)> = rows
        .iter()
        .map(|r| (r.revision, r.change_cause.as_deref()))
        .collect();
    assert_eq!(view, vec![(1, Some("first")), (2, Some("second"))]);
    let first_rs = rows[0].replica_set.clone();

    // Undo: revision 1's template returns and its ReplicaSet becomes revision 3.
    let before = sim.trace().len();
    assert_eq!(
        undo(&mut sim, Some(9)).unwrap_err().to_string(),
        "unable to find specified revision 9 in history"
    );
    assert_eq!(
        sim.trace().len(),
        before,
        "a failed command leaves no trace"
    );
    assert_eq!(
        undo(&mut sim, None).unwrap(),
        Outcome::Done("deployment.apps/web rolled back".into())
    );
    assert!(run_until_checked(
        &mut sim,
        |s| complete(s) && s.cluster().list::<Pod>().count() == 2,
        180_000
    ));
    assert_eq!(images(&sim), vec!["nginx:1.27", "nginx:1.27"]);
    let rows = rollout_history(sim.cluster(), "default", "web").unwrap();
    let view: Vec<(i64, Option<&str>, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.revision,
                r.change_cause.as_deref(),
                r.replica_set.as_str(),
            )
        })
        .collect();
    assert_eq!(view[0].0, 2);
    assert_eq!(view[1], (3, Some("first"), first_rs.as_str()));
    let rs = sim
        .cluster()
        .get::<ReplicaSet>("default", &first_rs)
        .unwrap();
    assert_eq!(
        rs.metadata.annotations["deployment.kubernetes.io/revision-history"],
        "1"
    );
    assert_eq!(owned_rs(&sim).len(), 2, "no third ReplicaSet");
    let d = get_deploy(&sim);
    assert_eq!(
        d.metadata.annotations["deployment.kubernetes.io/revision"],
        "3"
    );
    assert_eq!(
        d.metadata.annotations["kubernetes.io/change-cause"],
        "first"
    );

    assert_eq!(
        undo(&mut sim, Some(3)).unwrap(),
        Outcome::Done(
            "deployment.apps/web skipped rollback (current template already matches revision 3)"
                .into()
        )
    );
    undo(&mut sim, Some(2)).unwrap();
    assert!(run_until_checked(
        &mut sim,
        |s| complete(s) && s.cluster().list::<Pod>().count() == 2,
        180_000
    ));
    assert_eq!(images(&sim), vec!["nginx:1.28", "nginx:1.28"]);
}

#[test]
fn revision_history_limit_prunes_the_oldest_empty_replicasets() {
    let mut sim = sim(8);
    let mut d = web(2);
    d.spec.revision_history_limit = Some(2);
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    for (i, tag) in ["1.28", "1.29", "1.30", "1.31"].iter().enumerate() {
        roll_to(&mut sim, &format!("nginx:{tag}"), &format!("step {i}"));
    }
    run_checked(&mut sim, 5_000);
    let revs: Vec<i64> = rollout_history(sim.cluster(), "default", "web")
        .unwrap()
        .iter()
        .map(|r| r.revision)
        .collect();
    assert_eq!(revs, vec![3, 4, 5]);
    assert_eq!(owned_rs(&sim).len(), 3);
}

#[test]
fn scaling_mid_rollout_is_proportional() {
    // The upstream docs' example: 10 replicas, maxSurge 3, maxUnavailable 2, a rollout stuck on
    // pods that never become ready (old 8, new 5); scaling to 15 adds 3 old and 2 new.
    let mut sim = sim(9);
    let mut d = web(10);
    d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
        max_surge: Some(IntOrString::Int(3)),
        max_unavailable: Some(IntOrString::Int(2)),
    });
    sim.apply(Command::Apply(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    let mut d = get_deploy(&sim);
    let c = &mut d.spec.template.spec.containers[0];
    c.image = "k8spatterns/random-generator:2.0".into();
    c.env.push(EnvVar::new("DELAY_STARTUP", "86400"));
    c.readiness_probe = Some(Probe::http_get("/actuator/health", 8080));
    sim.apply(Command::Apply(d.into())).unwrap();
    run_checked(&mut sim, 60_000);
    let sizes = |s: &Sim| -> Vec<i32> {
        owned_rs(s)
            .iter()
            .map(|r| r.spec.replicas.unwrap())
            .collect()
    };
    assert_eq!(sizes(&sim), vec![8, 5]);
    sim.apply(Command::scale(Kind::Deployment, "web", 15))
        .unwrap();
    run_checked(&mut sim, 30_000);
    assert_eq!(sizes(&sim), vec![11, 7]);
    for rs in owned_rs(&sim) {
        assert_eq!(
            rs.metadata.annotations["deployment.kubernetes.io/desired-replicas"],
            "15"
        );
        assert_eq!(
            rs.metadata.annotations["deployment.kubernetes.io/max-replicas"],
            "18"
        );
    }
}

#[test]
fn a_replicaset_template_change_does_not_touch_existing_pods() {
    let mut sim = sim(10);
    let rs = replicaset("web", 2, random_generator_container());
    sim.apply(Command::Apply(rs.clone().into())).unwrap();
    run_checked(&mut sim, 30_000);
    let before: Vec<(podlab::model::Name, String)> = sim
        .cluster()
        .list::<Pod>()
        .map(|p| (p.metadata.uid.clone(), p.spec.containers[0].image.clone()))
        .collect();
    let mut rs2 = rs.clone();
    rs2.spec.template.spec.containers[0].image = "k8spatterns/random-generator:2.0".into();
    sim.apply(Command::Apply(rs2.into())).unwrap();
    run_checked(&mut sim, 30_000);
    let after: Vec<(podlab::model::Name, String)> = sim
        .cluster()
        .list::<Pod>()
        .map(|p| (p.metadata.uid.clone(), p.spec.containers[0].image.clone()))
        .collect();
    assert_eq!(before, after, "a ReplicaSet never updates its pods");
    // Only a replacement picks up the new template.
    let victim = sim
        .cluster()
        .list::<Pod>()
        .next()
        .unwrap()
        .metadata
        .name
        .clone();
    sim.apply(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: victim.to_string(),
        options: Default::default(),
    })
    .unwrap();
    run_checked(&mut sim, 60_000);
    let mut imgs = images(&sim);
    imgs.sort();
    assert_eq!(
        imgs,
        vec![
            "k8spatterns/random-generator:1.0",
            "k8spatterns/random-generator:2.0"
        ]
    );
}

#[test]
fn invalid_strategies_are_rejected() {
    let mut sim = sim(11);
    let mut d = web(2);
    d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
        max_surge: Some(IntOrString::Int(0)),
        max_unavailable: Some(IntOrString::String("0%".into())),
    });
    let e = sim.apply(Command::Apply(d.into())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"
    );
    let mut d = web(2);
    d.spec.strategy.type_ = "Recreate".into();
    d.spec.strategy.rolling_update = Some(Default::default());
    let e = sim.apply(Command::Apply(d.into())).unwrap_err();
    assert!(e
        .to_string()
        .contains("may not be specified when strategy `type` is 'Recreate'"));
    assert_eq!(sim.cluster().list::<Deployment>().count(), 0);
}

/// `kubectl rollout pause|resume|restart` (kubectl's texts): a paused Deployment keeps its
/// ReplicaSet through a template change and rolls on resume; restart stamps the template with
/// `kubectl.kubernetes.io/restartedAt` at the simulated time, which rolls like any change.
#[test]
fn rollout_pause_resume_and_restart() {
    let mut sim = sim(8);
    let d = deployment("web", 2, random_generator_container());
    sim.apply(Command::Apply(d.clone().into())).unwrap();
    sim.run_for(60_000);
    let c = podlab::console::Console::new();
    let run = |sim: &mut Sim, line: &str| {
        let out = c.run(sim, line);
        (out.text, out.ok)
    };
    assert_eq!(
        run(&mut sim, "kubectl rollout pause deployment/web"),
        ("deployment.apps/web paused\n".into(), true)
    );
    assert_eq!(
        run(&mut sim, "kubectl rollout pause deployment/web"),
        (
            "error: deployments.apps \"web\" is already paused\n".into(),
            false
        )
    );
    assert_eq!(
        run(&mut sim, "kubectl rollout restart deployment/web"),
        ("error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)\n".into(), false)
    );
    let mut changed = get_deploy(&sim);
    changed.spec.template.spec.containers[0].image = "k8spatterns/random-generator:2.0".into();
    sim.apply(Command::Replace(changed.into())).unwrap();
    sim.run_for(60_000);
    assert_eq!(owned_rs(&sim).len(), 1, "a paused Deployment does not roll");

    assert_eq!(
        run(&mut sim, "kubectl rollout resume deployment/web"),
        ("deployment.apps/web resumed\n".into(), true)
    );
    assert_eq!(
        run(&mut sim, "kubectl rollout resume deployment/web"),
        (
            "error: deployments.apps \"web\" is not paused\n".into(),
            false
        )
    );
    sim.run_for(120_000);
    let rss = owned_rs(&sim);
    assert_eq!(rss.len(), 2, "resume rolls the change");
    assert_eq!(
        rss[1].spec.template.spec.containers[0].image,
        "k8spatterns/random-generator:2.0"
    );

    let at = sim.now_time().to_rfc3339();
    assert_eq!(
        run(&mut sim, "kubectl rollout restart deployment/web"),
        ("deployment.apps/web restarted\n".into(), true)
    );
    assert_eq!(
        get_deploy(&sim).spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"],
        at
    );
    sim.run_for(120_000);
    assert_eq!(owned_rs(&sim).len(), 3, "restart rolls a new ReplicaSet");
    assert!(
        rollout_status(sim.cluster(), "default", "web")
            .unwrap()
            .done
    );
    assert_eq!(
        run(&mut sim, "kubectl rollout restart deployment/nope"),
        (
            "Error from server (NotFound): deployments.apps \"nope\" not found\n".into(),
            false
        )
    );
}

/// `spec.paused` (upstream `sync` instead of `rolloutRolling`): a template change waits, and
/// a resize scales the one ReplicaSet; the Progressing condition says `DeploymentPaused`.
/// Unpausing rolls the waiting change.
#[test]
fn a_paused_deployment_scales_but_does_not_roll() {
    let mut sim = sim(12);
    sim.apply(Command::Apply(web(2).into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 60_000));
    let before = owned_rs(&sim);
    assert_eq!(before.len(), 1);

    let mut d = get_deploy(&sim);
    d.spec.paused = true;
    sim.apply(Command::Replace(d.into())).unwrap();
    let mut d = with_image(get_deploy(&sim), "nginx:1.28");
    d.spec.replicas = Some(3);
    sim.apply(Command::Replace(d.into())).unwrap();
    run_checked(&mut sim, 120_000);

    let rss = owned_rs(&sim);
    assert_eq!(rss.len(), 1, "no new ReplicaSet while paused (seed 12)");
    assert_eq!(rss[0].metadata.name, before[0].metadata.name);
    assert_eq!(rss[0].replicas(), 3, "a paused Deployment still scales");
    assert_eq!(rss[0].spec.template.spec.containers[0].image, "nginx:1.27");
    let pods: Vec<&Pod> = sim.cluster().list::<Pod>().collect();
    assert_eq!(pods.len(), 3);
    assert!(pods
        .iter()
        .all(|p| p.spec.containers[0].image == "nginx:1.27"));
    let progressing = get_deploy(&sim).status.condition("Progressing").cloned();
    assert_eq!(
        progressing.map(|c| (c.status, c.reason)),
        Some(("Unknown".into(), "DeploymentPaused".into()))
    );

    let mut d = get_deploy(&sim);
    d.spec.paused = false;
    sim.apply(Command::Replace(d.into())).unwrap();
    assert!(run_until_checked(&mut sim, complete, 300_000));
    let rss = owned_rs(&sim);
    assert_eq!(rss.len(), 2, "resuming rolls the waiting change");
    assert_eq!(rss[1].spec.template.spec.containers[0].image, "nginx:1.28");
    assert_eq!((rss[0].replicas(), rss[1].replicas()), (0, 3));
}
