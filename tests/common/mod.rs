//! Setup the console tests share: a one-node cluster running a random-generator ReplicaSet.

use podlab::sim::examples::{random_generator_container, replicaset};
use podlab::sim::{Command, Sim, SimBuilder};

/// A cluster with ReplicaSet `web` of one random-generator pod, after `run_ms` of simulated
/// time, and the name of its first pod.
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
