//! The EndpointSlice controller: one slice per Service with ready/serving/terminating per pod,
//! honouring publishNotReadyAddresses and per-pod hostnames (ref §4.1).

use crate::model::{
    Container, Endpoint, EndpointConditions, EndpointPort, EndpointSlice, IntOrString, Kind, Node,
    Object, ObjectMeta, ObjectRef, ObjectReference, OwnerReference, Pod, Service, Shared,
};
use crate::sim::trace::{Actor, Change};
use crate::sim::{DeleteOptions, Sim};

const ACTOR: Actor = Actor::Controller("endpointslice-controller");
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// What cluster DNS publishes for a headless Service: (hostname, address) per ready endpoint
/// (ref §4.2).
fn published(endpoints: &[Endpoint]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = endpoints
        .iter()
        .filter(|e| e.conditions.ready)
        .flat_map(|e| {
            e.addresses.iter().map(move |a| {
                let host = if e.hostname.is_empty() {
                    a.replace('.', "-")
                } else {
                    e.hostname.clone()
                };
                (host, a.clone())
            })
        })
        .collect();
    crate::sort::sort(&mut out);
    out
}

/// A trace entry for a change in what a headless Service's name resolves to, as CoreDNS will
/// answer once it sees the slice.
fn record_dns(sim: &mut Sim, key: &ObjectRef, now: &[(String, String)]) {
    let name = format!("{}.{}.svc.cluster.local", key.name, key.namespace);
    let what = if now.is_empty() {
        format!("DNS: {name} now answers NXDOMAIN")
    } else {
        let list: Vec<String> = now.iter().map(|(h, a)| format!("{h} {a}")).collect();
        format!("DNS: {name} now answers {}", list.join(", "))
    };
    sim.record(
        &Actor::Controller("coredns"),
        None,
        Some(key),
        Change::World,
        what,
        "the ready endpoints changed",
    );
}

fn resolve_port(target: &IntOrString, containers: &[Container]) -> Option<i32> {
    match target {
        IntOrString::Int(p) => Some(*p),
        IntOrString::String(name) => containers
            .iter()
            .flat_map(|c| c.ports.iter())
            .find(|p| &p.name == name)
            .map(|p| p.container_port),
    }
}

pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let slices: Vec<EndpointSlice> = sim
        .api
        .list_in::<EndpointSlice>(&key.namespace)
        .filter(|s| {
            s.metadata
                .labels
                .get(SERVICE_NAME_LABEL)
                .is_some_and(|n| *n == key.name)
        })
        .cloned()
        .collect();
    let svc = sim.api.get::<Service>(&key.namespace, &key.name).cloned();
    let Some(svc) =
        svc.filter(|s| !s.spec.selector.is_empty() && s.metadata.deletion_timestamp.is_none())
    else {
        // No Service (or no selector): its managed slices go.
        for s in slices {
            let r = ObjectRef::new(Kind::EndpointSlice, &key.namespace, &s.metadata.name);
            let _ = sim.api_delete(
                &ACTOR,
                Some(key),
                &r,
                &DeleteOptions::default(),
                "service gone",
            );
        }
        return;
    };
    let mut endpoints = Vec::new();
    let mut ports: Vec<EndpointPort> = Vec::new();
    for p in sim.api.list_in::<Pod>(&key.namespace) {
        if p.spec.node_name.is_empty()
            || p.status.pod_ip.is_empty()
            || p.is_terminal()
            || !svc
                .spec
                .selector
                .iter()
                .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
        {
            continue;
        }
        let terminating = p.metadata.deletion_timestamp.is_some();
        let pod_ready = p.is_ready();
        let publish = svc.spec.publish_not_ready_addresses;
        let hostname = if !p.spec.hostname.is_empty() && p.spec.subdomain == svc.metadata.name {
            p.spec.hostname.clone()
        } else {
            String::new()
        };
        let zone = sim
            .api
            .get::<Node>("", &p.spec.node_name)
            .and_then(|n| {
                n.metadata
                    .labels
                    .get("topology.kubernetes.io/zone")
                    .cloned()
            })
            .unwrap_or_default();
        endpoints.push(Endpoint {
            addresses: vec![p.status.pod_ip.clone()],
            conditions: EndpointConditions {
                ready: publish || (pod_ready && !terminating),
                serving: publish || pod_ready,
                terminating,
            },
            hostname,
            node_name: p.spec.node_name.clone(),
            zone,
            target_ref: Some(ObjectReference {
                kind: "Pod".into(),
                namespace: p.metadata.namespace.clone(),
                name: p.metadata.name.to_string(),
                uid: p.metadata.uid.clone(),
                ..Default::default()
            }),
        });
        if ports.is_empty() {
            for sp in &svc.spec.ports {
                let target = sp.target_port.clone().unwrap_or(IntOrString::Int(sp.port));
                if let Some(port) = resolve_port(&target, &p.spec.containers) {
                    ports.push(EndpointPort {
                        name: sp.name.clone(),
                        port,
                        protocol: sp.protocol.clone(),
                    });
                }
            }
        }
    }
    if svc.is_headless() {
        let before = slices
            .first()
            .map(|s| published(&s.endpoints))
            .unwrap_or_default();
        let after = published(&endpoints);
        if before != after {
            record_dns(sim, key, &after);
        }
    }
    match slices.first() {
        Some(existing) => {
            if existing.endpoints != endpoints || existing.ports != ports {
                let mut s2 = existing.clone();
                let ready = endpoints.iter().filter(|e| e.conditions.ready).count();
                let what = format!(
                    "endpointslice {}: {ready} of {} endpoints ready",
                    s2.metadata.name,
                    endpoints.len()
                );
                s2.endpoints = endpoints;
                s2.ports = ports;
                let _ = sim.api_update(
                    &ACTOR,
                    Some(key),
                    Object::EndpointSlice(Shared::new(s2)),
                    &what,
                    "",
                );
            }
            for extra in slices.iter().skip(1) {
                let r = ObjectRef::new(Kind::EndpointSlice, &key.namespace, &extra.metadata.name);
                let _ = sim.api_delete(
                    &ACTOR,
                    Some(key),
                    &r,
                    &DeleteOptions::default(),
                    "duplicate slice",
                );
            }
        }
        None => {
            let mut meta = ObjectMeta {
                generate_name: format!("{}-", key.name),
                namespace: key.namespace.clone(),
                owner_references: vec![OwnerReference {
                    api_version: "v1".into(),
                    kind: "Service".into(),
                    name: svc.metadata.name.to_string(),
                    uid: svc.metadata.uid.clone(),
                    controller: Some(true),
                    block_owner_deletion: Some(true),
                }]
                .into(),
                ..Default::default()
            };
            meta.labels
                .insert(SERVICE_NAME_LABEL.into(), key.name.to_string());
            meta.labels.insert(
                "endpointslice.kubernetes.io/managed-by".into(),
                "endpointslice-controller.k8s.io".into(),
            );
            let slice = EndpointSlice {
                metadata: meta,
                address_type: "IPv4".into(),
                endpoints,
                ports,
            };
            let _ = sim.api_create(&ACTOR, Some(key), slice.into(), "service has a selector");
        }
    }
}
