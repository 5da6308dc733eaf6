//! Random command and fault sequences on small clusters keep every invariant, after every event.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;

use podlab::model::{Kind, Taint};
use podlab::sim::examples::{
    random_generator_container, replicaset, stateless_pv, stateless_pvc,
    stateless_replicaset_with_pv, stateless_service,
};
use podlab::sim::invariants::run_checked;
use podlab::sim::{Command, DeleteOptions, Propagation, SimBuilder};

fn node(i: u8) -> String {
    format!("node-{}", i % 3 + 1)
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        (0u8..3).prop_map(|i| Command::Partition { node: node(i) }),
        (0u8..3).prop_map(|i| Command::Heal { node: node(i) }),
        (0u8..3).prop_map(|i| Command::CrashNode { node: node(i) }),
        (0u8..3).prop_map(|i| Command::RestartNode { node: node(i) }),
        (0u8..3).prop_map(|i| Command::Cordon { node: node(i) }),
        (0u8..3).prop_map(|i| Command::Uncordon { node: node(i) }),
        (0u8..3).prop_map(|i| Command::Delete {
            kind: Kind::Node,
            namespace: String::new(),
            name: node(i),
            options: DeleteOptions::default()
        }),
        (0u8..3).prop_map(|i| Command::Taint {
            node: node(i),
            taint: Taint::new(
                "node.kubernetes.io/out-of-service",
                "nodeshutdown",
                "NoExecute"
            )
        }),
        (0i32..5).prop_map(|r| Command::scale(Kind::ReplicaSet, "web", r)),
        Just(Command::Create(
            replicaset("web", 2, random_generator_container()).into()
        )),
        Just(Command::Apply(stateless_pvc().into())),
        Just(Command::Apply(stateless_replicaset_with_pv().into())),
        Just(Command::Request {
            namespace: "default".into(),
            service: "random-generator".into()
        }),
        prop_oneof![
            Just(Propagation::Background),
            Just(Propagation::Orphan),
            Just(Propagation::Foreground)
        ]
        .prop_map(|p| Command::Delete {
            kind: Kind::ReplicaSet,
            namespace: "default".into(),
            name: "web".into(),
            options: DeleteOptions {
                grace_period_seconds: None,
                propagation: p
            },
        }),
        Just(Command::Delete {
            kind: Kind::PersistentVolumeClaim,
            namespace: "default".into(),
            name: "random-generator-log".into(),
            options: DeleteOptions::default()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn invariants_hold_under_random_faults(seed in 0u64..1000, script in prop::collection::vec((command(), 0u64..90_000), 1..10)) {
        let mut sim = SimBuilder::new(seed).workers(3).build().unwrap();
        sim.apply(Command::Create(stateless_pv().into())).unwrap();
        sim.apply(Command::Create(stateless_service().into())).unwrap();
        for (cmd, wait) in script {
            // Errors are fine (heal a healthy node); they must leave things consistent.
            let _ = sim.apply(cmd);
            run_checked(&mut sim, wait);
        }
        run_checked(&mut sim, 120_000);
    }
}
