//! Objects from the book's examples, built in Rust (a YAML layer maps manifests onto the same
//! types), plus small constructors so scenarios read as stories.

use std::collections::BTreeMap;

use crate::model::{
    Container, ContainerPort, EnvVar, EnvVarSource, IntOrString, LabelSelector,
    ObjectFieldSelector, ObjectMeta, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource, PersistentVolumeSpec, Pod,
    PodSpec, PodTemplateSpec, Quantity, ReplicaSet, ReplicaSetSpec, Service, ServicePort,
    ServiceSpec, Volume, VolumeMount, VolumeResourceRequirements,
};

pub const RANDOM_GENERATOR_IMAGE: &str = "k8spatterns/random-generator:1.0";

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
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
                    labels: l,
                    ..Default::default()
                },
                spec: PodSpec::with_containers(vec![container]),
            },
        },
        status: Default::default(),
    }
}

/// A bare pod with labels.
pub fn pod(name: &str, labels_: &[(&str, &str)], container: Container) -> Pod {
    let mut p = Pod::new("default", name, PodSpec::with_containers(vec![container]));
    p.metadata.labels = labels(labels_);
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
