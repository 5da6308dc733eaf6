//! Setup the tests share: a one-node cluster running a random-generator ReplicaSet, and a
//! cluster whose store fills up early. Each test binary uses some of it.

use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::{Command, Sim, SimBuilder, Timing};

/// A cluster with ReplicaSet `web` of one random-generator pod, after `run_ms` of simulated
/// time, and the name of its first pod.
#[allow(dead_code)]
pub fn web_pod(seed: u64, run_ms: u64) -> (Sim, String) {
    let mut sim = SimBuilder::new(seed).workers(1).build().unwrap();
    sim.apply(Command::Apply(
        replicaset("web", 1, random_generator_container()).into(),
    ))
    .unwrap();
    sim.run_for(run_ms);
    let pod = sim
        .cluster()
        .list::<podlab::model::Pod>()
        .next()
        .expect("the ReplicaSet made its pod")
        .metadata
        .name
        .clone();
    (sim, pod.to_string())
}

/// A cluster of `workers` nodes whose store is full at `max_objects` objects, Events aside:
/// etcd's stand-in quota reached without 150,000 pods.
#[allow(dead_code)]
pub fn small_store(seed: u64, workers: u32, max_objects: usize) -> Sim {
    let timing = Timing {
        max_objects,
        ..Default::default()
    };
    SimBuilder::new(seed)
        .workers(workers)
        .timing(timing)
        .build()
        .unwrap()
}

/// Objects in the store but Events, counted over the store: what the quota limits.
#[allow(dead_code)]
pub fn stored(sim: &Sim) -> usize {
    sim.cluster()
        .objects()
        .filter(|o| o.kind() != podlab::model::Kind::Event)
        .count()
}
