//! The API server stores StatefulSets (ref §3.2): defaults, validation and the immutable-field
//! message. The StatefulSet controller comes with the Stateful Service issue.

use podlab::manifest::{parse, ManifestObject};
use podlab::model::{Kind, StatefulSet};
use podlab::sim::{Command, SimBuilder, SimError};

const STS: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"#;

fn parsed() -> StatefulSet {
    let r = parse(STS);
    assert!(!r.has_errors(), "{:?}", r.diagnostics);
    let m = r.objects.into_iter().next().unwrap();
    assert!(matches!(m.object, ManifestObject::StatefulSet(_)));
    match m.object.into_object() {
        podlab::model::Object::StatefulSet(s) => s.into_inner(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_statefulset_manifest_is_stored_with_defaults() {
    let mut sim = SimBuilder::new(41).workers(1).build().unwrap();
    sim.apply(Command::Apply(parsed().into())).unwrap();
    let s = sim.cluster().get::<StatefulSet>("default", "web").unwrap();
    assert_eq!(s.spec.pod_management_policy, "OrderedReady");
    let us = s.spec.update_strategy.as_ref().unwrap();
    assert_eq!(us.type_, "RollingUpdate");
    assert_eq!(us.rolling_update.as_ref().unwrap().partition, Some(0));
    assert_eq!(s.spec.revision_history_limit, Some(10));
    let rp = s
        .spec
        .persistent_volume_claim_retention_policy
        .as_ref()
        .unwrap();
    assert_eq!(
        (rp.when_deleted.as_str(), rp.when_scaled.as_str()),
        ("Retain", "Retain")
    );
    assert_eq!(s.spec.template.spec.restart_policy, "Always");
    assert_eq!(Kind::from_resource_name("sts"), Some(Kind::StatefulSet));
    // A re-apply of the same manifest changes nothing.
    let out = sim.apply(Command::Apply(parsed().into())).unwrap();
    assert!(matches!(out, podlab::sim::Outcome::Unchanged(_)), "{out:?}");
}

#[test]
fn only_the_mutable_spec_fields_may_change() {
    let mut sim = SimBuilder::new(42).workers(1).build().unwrap();
    sim.apply(Command::Apply(parsed().into())).unwrap();
    sim.apply(Command::scale(Kind::StatefulSet, "web", 3))
        .unwrap();
    let mut s = parsed();
    s.spec.replicas = Some(3);
    s.spec.template.spec.containers[0].image = "nginx:1.28".into();
    sim.apply(Command::Apply(s.into())).unwrap();
    let mut s = parsed();
    s.spec.service_name = "other".into();
    let e = sim.apply(Command::Apply(s.into())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );
    let stored = sim.cluster().get::<StatefulSet>("default", "web").unwrap();
    assert_eq!(stored.spec.service_name, "nginx");
    assert_eq!(stored.spec.template.spec.containers[0].image, "nginx:1.28");
}

#[test]
fn invalid_statefulsets_are_refused() {
    let mut sim = SimBuilder::new(43).workers(1).build().unwrap();
    let mut s = parsed();
    s.spec.pod_management_policy = "Random".into();
    s.spec.service_name = "Not_A_Label".into();
    match sim.apply(Command::Create(s.into())) {
        Err(SimError::Api(e)) => {
            let t = e.to_string();
            assert!(
                t.contains("spec.podManagementPolicy: Unsupported value: \"Random\""),
                "{t}"
            );
            assert!(
                t.contains("spec.serviceName: Invalid value: \"Not_A_Label\""),
                "{t}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sim.cluster().list::<StatefulSet>().count(), 0);
}
