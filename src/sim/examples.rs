//! Objects from the book's examples, built in Rust (a YAML layer maps manifests onto the same
//! types), plus small constructors so scenarios read as stories.

use crate::sorted::SortedMap;

use crate::model::{
    Container, ContainerPort, Deployment, DeploymentSpec, EnvVar, EnvVarSource, IntOrString,
    LabelSelector, ObjectFieldSelector, ObjectMeta, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, PersistentVolumeSpec, Pod,
    PodSpec, PodTemplateSpec, Quantity, ReplicaSet, ReplicaSetSpec, Service, ServicePort,
    ServiceSpec, Volume, VolumeMount, VolumeResourceRequirements,
};

pub const RANDOM_GENERATOR_IMAGE: &str = "k8spatterns/random-generator:1.0";

fn labels(pairs: &[(&str, &str)]) -> SortedMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A ReplicaSet named `name` with `replicas` copies of one container, selected by `app=<name>`.
pub fn replicaset(name: &str, replicas: i32, container: Container) -> ReplicaSet {
    let l = labels(&[("app", name)]);
    ReplicaSet {
        metadata: ObjectMeta::named("default", name),
        spec: ReplicaSetSpec {
            replicas: Some(replicas),
            min_ready_seconds: 0,
            selector: LabelSelector {
                match_labels: l.clone(),
                match_expressions: vec![],
            },
            template: PodTemplateSpec {
                metadata: ObjectMeta {
                    labels: l.into(),
                    ..Default::default()
                },
                spec: PodSpec::with_containers(vec![container]).into(),
            },
        },
        status: Default::default(),
    }
}

/// A Deployment named `name` with `replicas` copies of one container, selected by `app=<name>`;
/// the strategy is left to the API server's defaults (RollingUpdate, 25%/25%).
pub fn deployment(name: &str, replicas: i32, container: Container) -> Deployment {
    let rs = replicaset(name, replicas, container);
    Deployment {
        metadata: ObjectMeta::named("default", name),
        spec: DeploymentSpec {
            replicas: Some(replicas),
            selector: rs.spec.selector,
            template: rs.spec.template,
            ..Default::default()
        },
        status: Default::default(),
    }
}

/// A bare pod with labels.
pub fn pod(name: &str, labels_: &[(&str, &str)], container: Container) -> Pod {
    let mut p = Pod::new("default", name, PodSpec::with_containers(vec![container]));
    p.metadata.labels = labels(labels_).into();
    p
}

/// The random-generator container of the book.
pub fn random_generator_container() -> Container {
    let mut c = Container::new("random-generator", RANDOM_GENERATOR_IMAGE);
    c.ports.push(ContainerPort {
        name: String::new(),
        container_port: 8080,
        protocol: "TCP".into(),
    });
    c
}

/// `behavioral/StatelessService/replicaset.yml`.
pub fn stateless_replicaset() -> ReplicaSet {
    replicaset("random-generator", 3, random_generator_container())
}

/// `behavioral/StatelessService/replicaset-with-pv.yml`: logs to a file per pod on the claim.
pub fn stateless_replicaset_with_pv() -> ReplicaSet {
    let mut rs = stateless_replicaset();
    let c = &mut rs.spec.template.spec.containers[0];
    c.ports.clear();
    c.env = vec![
        EnvVar {
            name: "POD_ID".into(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    field_path: "metadata.uid".into(),
                }),
            }),
        },
        EnvVar::new("LOG_FILE", "/tmp/logs/random-$(POD_ID).log"),
    ];
    c.volume_mounts = vec![VolumeMount {
        name: "log-volume".into(),
        mount_path: "/tmp/logs".into(),
        read_only: None,
    }];
    rs.spec.template.spec.volumes = vec![Volume {
        name: "log-volume".into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
            claim_name: "random-generator-log".into(),
            read_only: None,
        }),
        ..Default::default()
    }];
    rs
}

/// `behavioral/StatelessService/service.yml`.
pub fn stateless_service() -> Service {
    Service {
        metadata: ObjectMeta::named("default", "random-generator"),
        spec: ServiceSpec {
            type_: "ClusterIP".into(),
            selector: labels(&[("app", "random-generator")]),
            ports: vec![ServicePort {
                name: String::new(),
                protocol: "TCP".into(),
                port: 8080,
                target_port: Some(IntOrString::Int(8080)),
                node_port: None,
            }],
            ..Default::default()
        },
    }
}

/// `behavioral/StatelessService/pv-and-pvc.yml`: the PV `example`.
pub fn stateless_pv() -> PersistentVolume {
    PersistentVolume {
        metadata: ObjectMeta::named("", "example"),
        spec: PersistentVolumeSpec {
            access_modes: vec!["ReadWriteOnce".into()],
            capacity: [(
                "storage".to_string(),
                Quantity::parse("10Mi").expect("valid"),
            )]
            .into(),
            storage_class_name: "standard".into(),
            host_path: Some(crate::model::HostPathVolumeSource {
                path: "/tmp/example".into(),
                type_: String::new(),
            }),
            ..Default::default()
        },
        status: Default::default(),
    }
}

/// `behavioral/StatelessService/pv-and-pvc.yml`: the claim `random-generator-log`.
pub fn stateless_pvc() -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta::named("default", "random-generator-log"),
        spec: PersistentVolumeClaimSpec {
            access_modes: vec!["ReadWriteOnce".into()],
            resources: VolumeResourceRequirements {
                requests: [(
                    "storage".to_string(),
                    Quantity::parse("10Mi").expect("valid"),
                )]
                .into(),
            },
            volume_name: "example".into(),
            ..Default::default()
        },
        status: Default::default(),
    }
}

/// A claim on the default StorageClass (`standard`, a network disk), e.g. `claim("data",
/// "ReadWriteOnce", "1Gi")`.
pub fn claim(name: &str, access_mode: &str, size: &str) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta::named("default", name),
        spec: PersistentVolumeClaimSpec {
            access_modes: vec![access_mode.to_string()],
            resources: VolumeResourceRequirements {
                requests: [("storage".to_string(), Quantity::parse(size).expect("size"))].into(),
            },
            ..Default::default()
        },
        status: Default::default(),
    }
}

/// Mounts claim `claim` as volume `data` at `path` in every container of `spec`.
pub fn mount_claim(spec: &mut PodSpec, claim: &str, path: &str) {
    spec.volumes.push(Volume {
        name: "data".into(),
        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
            claim_name: claim.into(),
            read_only: None,
        }),
        ..Default::default()
    });
    for c in &mut spec.containers {
        c.volume_mounts.push(VolumeMount {
            name: "data".into(),
            mount_path: path.into(),
            read_only: None,
        });
    }
}

/// A short, busy run for the cross-platform determinism check: a Deployment writing to an RWX
/// network disk behind a Service, requests, a rollout, a partition long enough for evictions,
/// a heal, and an undo.
/// Returns the builder and `(time ms, command)` pairs; [`run_determinism_fixture`] plays it.
pub fn determinism_fixture() -> (crate::sim::SimBuilder, Vec<(u64, crate::sim::Command)>) {
    use crate::sim::{Command, SimBuilder};
    let mut d = deployment("random-generator", 3, random_generator_container());
    mount_claim(&mut d.spec.template.spec, "data", "/tmp/logs");
    d.spec.template.spec.containers[0]
        .env
        .push(EnvVar::new("LOG_FILE", "/tmp/logs/random.log"));
    let mut d2 = d.clone();
    d2.spec.template.spec.containers[0].image = "k8spatterns/random-generator:2.0".into();
    let request = || Command::Request {
        namespace: "default".into(),
        service: "random-generator".into(),
    };
    let mut cmds = vec![
        (
            0,
            Command::Apply(claim("data", "ReadWriteMany", "1Gi").into()),
        ),
        (0, Command::Apply(d.into())),
        (0, Command::Apply(stateless_service().into())),
    ];
    for t in [30_000, 31_000, 32_000, 33_000] {
        cmds.push((t, request()));
    }
    cmds.push((40_000, Command::Apply(d2.into())));
    cmds.push((
        90_000,
        Command::Partition {
            node: "node-2".into(),
        },
    ));
    cmds.push((
        450_000,
        Command::Heal {
            node: "node-2".into(),
        },
    ));
    cmds.push((
        480_000,
        Command::RolloutUndo {
            kind: crate::model::Kind::Deployment,
            namespace: "default".into(),
            name: "random-generator".into(),
            to_revision: None,
        },
    ));
    for t in [560_000, 561_000] {
        cmds.push((t, request()));
    }
    (SimBuilder::new(2024).workers(3), cmds)
}

/// Plays [`determinism_fixture`] to 600 s. Commands that fail are part of the run too.
pub fn run_determinism_fixture() -> crate::sim::Sim {
    let (builder, cmds) = determinism_fixture();
    let mut sim = builder.build().expect("fixture builder is valid");
    for (t, cmd) in cmds {
        sim.run_to(t);
        let _ = sim.apply(cmd);
    }
    sim.run_to(600_000);
    sim
}
