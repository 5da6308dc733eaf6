//! The EndpointSlice controller: a Service's slices of at most 100 endpoints, each with
//! ready/serving/terminating per pod, honouring publishNotReadyAddresses and per-pod hostnames
//! (ref §4.1). A sync looks only at the pods that changed since the last (see `sync`).

use super::ControllerState;
use crate::model::{
    Container, Endpoint, EndpointConditions, EndpointPort, EndpointSlice, IntOrString, Kind, Node,
    Object, ObjectMeta, ObjectRef, ObjectReference, OwnerReference, Pod, Service, Shared,
};
use crate::sim::trace::{Actor, Change};
use crate::sim::{DeleteOptions, Sim};

const ACTOR: Actor = Actor::Controller(&"endpointslice-controller");
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// What cluster DNS publishes for a headless Service: (hostname, address) per ready endpoint
/// (ref §4.2).
fn published(endpoints: &[&Endpoint]) -> Vec<(String, String)> {
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
        // The first ten: a line of thousands would say no more and take a copy per change.
        let list: Vec<String> = now
            .iter()
            .take(10)
            .map(|(h, a)| format!("{h} {a}"))
            .collect();
        let more = match now.len() {
            n if n > 10 => format!(" and {} more", n - 10),
            _ => String::new(),
        };
        format!("DNS: {name} now answers {}{more}", list.join(", "))
    };
    sim.record(
        &Actor::Controller(&"coredns"),
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

/// The most endpoints one slice holds (`--max-endpoints-per-slice`, 100 by default) (ref §4.1).
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// A change to `svc` or to one of its slices not written by this controller (its
/// `endpointSliceTracker` skips its own writes): the next sync looks at every endpoint.
pub(crate) fn mark_all(ctl: &mut ControllerState, svc: ObjectRef) {
    if !ctl.endpointslice_writing {
        ctl.endpoint_dirty.insert(svc, "\n".into());
    }
}

/// A change to `pod`, which `svc` selects (or did).
pub(crate) fn mark_pod(ctl: &mut ControllerState, svc: ObjectRef, pod: &str) {
    let pods = ctl.endpoint_dirty.entry(svc).or_default();
    pods.push_str(pod);
    pods.push('\n');
}

/// The endpoint `p` gives `svc`, with the ports it serves there, if it is one
/// (`ShouldPodBeInEndpoints`: bound, with an IP, not terminal).
fn endpoint_of(sim: &Sim, svc: &Service, p: &Pod) -> Option<(Endpoint, Vec<EndpointPort>)> {
    if p.spec.node_name.is_empty()
        || p.status.pod_ip.is_empty()
        || p.is_terminal()
        || !svc.selects(p)
    {
        return None;
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
    // Each pod's own ports: a named target port resolves in its containers, or is left out.
    let mut ports = Vec::new();
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
    let endpoint = Endpoint {
        addresses: vec![p.status.pod_ip.to_string()],
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
    };
    Some((endpoint, ports))
}

/// The pod an endpoint stands for ("" for one without a `targetRef`).
fn pod_name(e: &Endpoint) -> &str {
    e.target_ref.as_ref().map_or("", |t| t.name.as_str())
}

/// Where `pod`'s endpoint is, or would go, among endpoints sorted by pod name.
fn position(endpoints: &[Endpoint], pod: &str) -> Result<usize, usize> {
    crate::sorted::search(endpoints.len(), &|i| pod_name(&endpoints[i]).cmp(pod))
}

/// Puts `e` in its place among endpoints sorted by pod name.
fn insert_sorted(endpoints: &mut Vec<Endpoint>, e: Endpoint) {
    let at = position(endpoints, pod_name(&e)).unwrap_or_else(|i| i);
    endpoints.insert(at, e);
}

/// Writes the controller's own slices: its informer's events for them mark nothing.
fn write(sim: &mut Sim, f: impl FnOnce(&mut Sim)) {
    sim.ctl.endpointslice_writing = true;
    f(sim);
    sim.ctl.endpointslice_writing = false;
}

/// The reconciler, for the pods that changed: their endpoints are updated in the slice that
/// holds them or removed; a new one goes to the first slice with room and its ports, or to a
/// new slice; slices left empty are deleted, but a Service without endpoints keeps one.
/// (Upstream's `reconcileByAddressType` prefers the slices it is updating anyway, then the
/// fullest one with room for all the new endpoints; the lab's first fit keeps the same bound
/// of 100 and the same slices for a Service of up to 100 endpoints.) Slices keep their
/// endpoints sorted by pod name, so a pod's endpoint is found by a binary search in each.
pub(crate) fn sync(sim: &mut Sim, key: &ObjectRef) {
    let dirty = sim.ctl.endpoint_dirty.remove(key);
    let mut slices: Vec<Shared<EndpointSlice>> = Vec::new();
    for o in sim.api.list_kind(Kind::EndpointSlice) {
        if let Object::EndpointSlice(s) = o {
            // A slice being deleted (a finalizer holds it) is not used again
            // (`dropEndpointSlicesPendingDeletion`).
            if s.metadata.namespace == key.namespace
                && s.metadata
                    .labels
                    .get(SERVICE_NAME_LABEL)
                    .is_some_and(|n| *n == key.name)
                && s.metadata.deletion_timestamp.is_none()
            {
                slices.push(s.clone());
            }
        }
    }
    let svc = sim.api.get::<Service>(&key.namespace, &key.name).cloned();
    let Some(svc) =
        svc.filter(|s| !s.spec.selector.is_empty() && s.metadata.deletion_timestamp.is_none())
    else {
        // No Service (or no selector): its managed slices go.
        write(sim, |sim| {
            for s in slices {
                delete(sim, key, &s, "service gone");
            }
        });
        return;
    };
    // The pods to look at; a Service never synced has no slice and gets one.
    let mut names: Vec<String> = match dirty {
        Some(n) => n.split_terminator('\n').map(String::from).collect(),
        None if slices.is_empty() => Vec::new(),
        None => return,
    };
    // The copies of the slices this sync changes.
    let mut copies: Vec<Option<EndpointSlice>> = slices.iter().map(|_| None).collect();
    // Every endpoint: each slice's and each selected pod's.
    if names.first().is_some_and(String::is_empty) {
        for (s, c) in slices.iter().zip(copies.iter_mut()) {
            for e in &s.endpoints {
                names.push(pod_name(e).to_string());
            }
            // A slice someone reordered is emptied, and its endpoints placed again in order.
            if !s
                .endpoints
                .windows(2)
                .all(|w| pod_name(&w[0]) < pod_name(&w[1]))
            {
                c.insert((**s).clone()).endpoints.clear();
            }
        }
        for p in sim.api.list_in::<Pod>(&key.namespace) {
            if svc.selects(p) {
                names.push(p.metadata.name.to_string());
            }
        }
    }
    crate::sort::sort(&mut names);
    names.dedup();

    // 1. Each pod's endpoint where a slice holds it: kept, updated, or removed.
    let mut rest: Vec<(Endpoint, Vec<EndpointPort>)> = Vec::new();
    for n in &names {
        let mut want = sim
            .api
            .get::<Pod>(&key.namespace, n)
            .and_then(|p| endpoint_of(sim, &svc, p));
        for (s, c) in slices.iter().zip(copies.iter_mut()) {
            let now = c.as_ref().unwrap_or(s);
            let Ok(at) = position(&now.endpoints, n) else {
                continue;
            };
            let same_ports = want.as_ref().is_some_and(|(_, p)| *p == now.ports);
            if same_ports && want.as_ref().is_some_and(|(e, _)| *e == now.endpoints[at]) {
                want = None;
                continue;
            }
            let c = c.get_or_insert_with(|| (**s).clone());
            match want.take() {
                Some((e, _)) if same_ports => c.endpoints[at] = e,
                // Other ports (the Service's changed): it moves to a slice of its ports.
                other => {
                    want = other;
                    c.endpoints.remove(at);
                }
            }
        }
        rest.extend(want);
    }

    // 2. A new endpoint goes to the first slice with room and its ports (an empty slice takes
    // any ports), or to a new slice.
    let mut created: Vec<EndpointSlice> = Vec::new();
    'next: for (e, ports) in rest {
        for (i, s) in slices.iter().enumerate() {
            let now = copies[i].as_ref().unwrap_or(s);
            let n = now.endpoints.len();
            if n < MAX_ENDPOINTS_PER_SLICE && (n == 0 || now.ports == ports) {
                let c = copies[i].get_or_insert_with(|| (**s).clone());
                insert_sorted(&mut c.endpoints, e);
                c.ports = ports;
                continue 'next;
            }
        }
        for c in &mut created {
            if c.endpoints.len() < MAX_ENDPOINTS_PER_SLICE && c.ports == ports {
                insert_sorted(&mut c.endpoints, e);
                continue 'next;
            }
        }
        created.push(new_slice(key, &svc, vec![e], ports));
    }
    // 3. Slices left empty go, but a Service without endpoints keeps one, without ports.
    let mut emptied: Vec<usize> = Vec::new();
    for (i, s) in slices.iter().enumerate() {
        if copies[i].as_ref().unwrap_or(s).endpoints.is_empty() {
            emptied.push(i);
        }
    }
    if slices.len() == emptied.len() && created.is_empty() {
        match emptied.pop() {
            Some(i) => {
                if copies[i].is_some() || !slices[i].ports.is_empty() {
                    copies[i]
                        .get_or_insert_with(|| (*slices[i]).clone())
                        .ports
                        .clear();
                }
            }
            None => created.push(new_slice(key, &svc, Vec::new(), Vec::new())),
        }
    }

    if svc.is_headless() && (copies.iter().any(Option::is_some) || !created.is_empty()) {
        let mut before = Vec::new();
        let mut after = Vec::new();
        for (i, (s, c)) in slices.iter().zip(&copies).enumerate() {
            before.extend(s.endpoints.iter());
            if !emptied.contains(&i) {
                after.extend(c.as_ref().unwrap_or(s).endpoints.iter());
            }
        }
        for s in &created {
            after.extend(s.endpoints.iter());
        }
        let (before, after) = (published(&before), published(&after));
        if before != after {
            record_dns(sim, key, &after);
        }
    }
    // Creates, then updates, then deletes (`finalize`).
    write(sim, |sim| {
        for slice in created {
            let _ = sim.api_create(&ACTOR, Some(key), slice.into(), "service has a selector");
        }
        for (i, c) in copies.into_iter().enumerate() {
            let Some(s2) = c.filter(|_| !emptied.contains(&i)) else {
                continue;
            };
            let ready = s2.endpoints.iter().filter(|e| e.conditions.ready).count();
            let what = format!(
                "endpointslice {}: {ready} of {} endpoints ready",
                s2.metadata.name,
                s2.endpoints.len()
            );
            let _ = sim.api_update(
                &ACTOR,
                Some(key),
                Object::EndpointSlice(Shared::new(s2)),
                &what,
                "",
            );
        }
        for i in emptied {
            delete(sim, key, &slices[i], "no endpoints left in it");
        }
    });
}

fn delete(sim: &mut Sim, key: &ObjectRef, slice: &EndpointSlice, why: &str) {
    let r = ObjectRef::new(Kind::EndpointSlice, &key.namespace, &slice.metadata.name);
    let _ = sim.api_delete(&ACTOR, Some(key), &r, &DeleteOptions::default(), why);
}

/// A new slice of `svc`, named from its Service's name.
fn new_slice(
    key: &ObjectRef,
    svc: &Service,
    endpoints: Vec<Endpoint>,
    ports: Vec<EndpointPort>,
) -> EndpointSlice {
    let mut meta = ObjectMeta {
        generate_name: format!("{}-", key.name).into(),
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
    EndpointSlice {
        metadata: meta,
        address_type: "IPv4".into(),
        endpoints,
        ports,
    }
}
