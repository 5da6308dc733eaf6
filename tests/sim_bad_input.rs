//! Bad input: unknown objects, invalid values and impossible commands return typed errors,
//! never panic, and change nothing (issue 3, "Bad input").

use podlab::model::{Container, Kind, Object, Pod, PodSpec, Quantity, Taint};
use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::{ApiError, Command, DeleteOptions, SimBuilder, SimError};

fn unchanged_after(cmd: Command) -> SimError {
    let mut sim = SimBuilder::new(3).workers(2).build().unwrap();
    sim.apply(Command::Create(
        replicaset("web", 1, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(10_000);
    let digest = sim.trace().digest();
    let rv = sim.cluster().resource_version();
    let mut probe = sim.clone();
    let err = sim.apply(cmd).unwrap_err();
    assert_eq!(sim.trace().digest(), digest, "trace unchanged by {err}");
    assert_eq!(
        sim.cluster().resource_version(),
        rv,
        "store unchanged by {err}"
    );
    // Nor is the future: the RNG was not consumed.
    sim.run_for(60_000);
    probe.run_for(60_000);
    assert_eq!(sim.trace().digest(), probe.trace().digest());
    err
}

#[test]
fn unknown_objects_are_not_found() {
    let e = unchanged_after(Command::Delete {
        kind: Kind::Pod,
        namespace: "default".into(),
        name: "ghost".into(),
        options: DeleteOptions::default(),
    });
    assert_eq!(e.to_string(), "pods \"ghost\" not found");
    let e = unchanged_after(Command::scale(Kind::ReplicaSet, "nope", 2));
    assert_eq!(e.to_string(), "replicasets.apps \"nope\" not found");
    let e = unchanged_after(Command::Partition {
        node: "node-9".into(),
    });
    assert_eq!(e, SimError::UnknownNode("node-9".into()));
    let e = unchanged_after(Command::KillContainer {
        namespace: "default".into(),
        pod: "ghost".into(),
        container: None,
    });
    assert!(matches!(e, SimError::Api(ApiError::NotFound { .. })));
    let e = unchanged_after(Command::Request {
        namespace: "default".into(),
        service: "none".into(),
    });
    assert_eq!(e.to_string(), "services \"none\" not found");
}

#[test]
fn invalid_values_are_rejected_with_field_paths() {
    let mut rs = replicaset("bad", 1, random_generator_container());
    rs.spec
        .template
        .metadata
        .labels
        .insert("app".into(), "other".into());
    let e = unchanged_after(Command::Create(rs.into()));
    assert!(
        e.to_string().starts_with(
            "ReplicaSet.apps \"bad\" is invalid: spec.template.metadata.labels: Invalid value"
        ),
        "{e}"
    );

    let e = unchanged_after(Command::Create(
        Pod::new(
            "default",
            "Bad_Name",
            PodSpec::with_containers(vec![Container::new("c", "x")]),
        )
        .into(),
    ));
    assert!(
        e.to_string()
            .contains("metadata.name: Invalid value: \"Bad_Name\""),
        "{e}"
    );

    let e = unchanged_after(Command::Create(
        Pod::new("default", "empty", PodSpec::default()).into(),
    ));
    assert_eq!(
        e.to_string(),
        "Pod \"empty\" is invalid: spec.containers: Required value"
    );

    let e = unchanged_after(Command::scale(Kind::ReplicaSet, "web", -1));
    assert!(e.to_string().contains("must be greater than or equal to 0"));

    let e = unchanged_after(Command::Create(
        replicaset("web", 1, random_generator_container()).into(),
    ));
    assert_eq!(e.to_string(), "replicasets.apps \"web\" already exists");

    assert!(Quantity::parse("lots").is_err());
    assert!(Taint::parse("k=v:Never").is_err());
}

#[test]
fn stale_updates_get_the_409_conflict() {
    // ref §7.2
    let mut sim = SimBuilder::new(3).workers(1).build().unwrap();
    sim.apply(Command::Create(
        replicaset("web", 1, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(5_000);
    let mut stale: Object = sim
        .cluster()
        .get::<podlab::model::ReplicaSet>("default", "web")
        .unwrap()
        .clone()
        .into();
    stale.meta_mut().resource_version = podlab::model::ResourceVersion(1);
    let rv = sim.cluster().resource_version();
    let e = sim.apply(Command::Replace(stale)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Operation cannot be fulfilled on replicasets.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
    );
    assert_eq!(sim.cluster().resource_version(), rv);
}

#[test]
fn impossible_commands_say_why() {
    let e = unchanged_after(Command::Heal {
        node: "node-1".into(),
    });
    assert_eq!(e.to_string(), "node node-1 is not partitioned");
    let e = unchanged_after(Command::Untaint {
        node: "node-1".into(),
        key: "nope".into(),
        effect: None,
    });
    assert_eq!(e.to_string(), "taint \"nope\" not found");
    let e = unchanged_after(Command::ResumeProcess {
        namespace: "default".into(),
        pod: sim_pod_name(),
    });
    assert!(matches!(e, SimError::NotApplicable(_)), "{e}");
    assert!(SimBuilder::new(1)
        .node(podlab::sim::NodeConfig::new("Bad Node"))
        .build()
        .is_err());
    assert!(SimBuilder::new(1)
        .workers(1)
        .node(podlab::sim::NodeConfig::new("node-1"))
        .build()
        .is_err());
}

fn sim_pod_name() -> String {
    let mut sim = SimBuilder::new(3).workers(2).build().unwrap();
    sim.apply(Command::Create(
        replicaset("web", 1, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(10_000);
    let name = sim
        .cluster()
        .list::<Pod>()
        .next()
        .unwrap()
        .metadata
        .name
        .clone();
    name.to_string()
}
