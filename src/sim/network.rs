//! The data plane: kube-proxy routing a request to a Service's ready endpoints, and `curl`
//! from inside a pod (localhost, pod IPs, Service names and per-pod DNS names).

use crate::model::{Kind, ObjectRef, Service};

use super::apps::{HttpReply, HttpRequest};
use super::controllers::endpointslice::SERVICE_NAME_LABEL;
use super::dns::{resolve, Answer, QueryType, RecordData};
use super::trace::{Actor, Change};
use super::{ApiError, Response, Sim, SimError};

/// The cluster's DNS zone.
const ZONE: &str = "cluster.local";

/// kube-proxy: pick one ready endpoint of the Service at random, then ask that process.
pub(crate) fn request(sim: &mut Sim, ns: &str, service: &str) -> Result<Response, SimError> {
    request_path(sim, ns, service, "/")
}

/// `curl URL` from the host (the machine kind or minikube runs on): a node's InternalIP and a
/// Service's nodePort reach the Service as kube-proxy routes it; names do not resolve there.
pub(crate) fn http_from_host(sim: &mut Sim, url: &str) -> Result<Response, SimError> {
    let failed = |body: String| {
        Ok(Response {
            pod: None,
            endpoint_ip: None,
            process_id: None,
            body,
            ok: false,
        })
    };
    let (host, port, path) = match split_url(url) {
        Ok(parts) => parts,
        Err((_, message)) => return failed(message),
    };
    if !host.chars().all(|c| c.is_ascii_digit() || c == '.') && host != "localhost" {
        return failed(format!("curl: (6) Could not resolve host: {host}"));
    }
    let node = sim
        .api
        .list::<crate::model::Node>()
        .find(|n| n.internal_ip() == Some(host))
        .map(|n| n.metadata.name.to_string());
    let up = node
        .as_deref()
        .and_then(|n| sim.world.machine(n))
        .is_some_and(|m| m.powered);
    if !up {
        return failed(format!(
            "curl: (28) Failed to connect to {host} port {port} after 10000 ms: Timeout was reached"
        ));
    }
    let target = sim
        .api
        .list::<Service>()
        .find(|s| s.spec.ports.iter().any(|p| p.node_port == Some(port)))
        .map(|s| (s.metadata.namespace.clone(), s.metadata.name.to_string()));
    match target {
        Some((ns, name)) => request_path(sim, &ns, &name, path),
        None => failed(format!(
            "curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"
        )),
    }
}

fn request_path(sim: &mut Sim, ns: &str, service: &str, path: &str) -> Result<Response, SimError> {
    let ns = if ns.is_empty() { "default" } else { ns };
    let svc = sim
        .api
        .get::<Service>(ns, service)
        .cloned()
        .ok_or_else(|| ApiError::NotFound {
            kind: Kind::Service,
            name: service.to_string(),
        })?;
    let port = svc.spec.ports.first().map_or(80, |p| p.port);
    let mut eps: Vec<(String, Option<ObjectRef>)> = Vec::new();
    for s in sim.api.list_in::<crate::model::EndpointSlice>(ns) {
        if s.metadata
            .labels
            .get(SERVICE_NAME_LABEL)
            .map(String::as_str)
            != Some(service)
        {
            continue;
        }
        for e in &s.endpoints {
            if e.conditions.ready {
                let target = e
                    .target_ref
                    .as_ref()
                    .map(|t| ObjectRef::new(Kind::Pod, &t.namespace, &t.name));
                for a in &e.addresses {
                    eps.push((a.clone(), target.clone()));
                }
            }
        }
    }
    if eps.is_empty() {
        return Ok(Response {
            pod: None,
            endpoint_ip: None,
            process_id: None,
            body: format!(
                "curl: (7) Failed to connect to {service} port {port}: Connection refused"
            ),
            ok: false,
        });
    }
    let (ip, pod) = eps[sim.rng.below(eps.len() as u64) as usize].clone();
    let now = sim.now;
    let target = sim
        .world
        .processes()
        .find(|p| p.ip == ip && sim.world.machine(&p.machine).is_some_and(|m| m.powered))
        .map(|p| (p.pid, p.is_serving(now), p.paused));
    let (body, ok, pid_id) = match target {
        None => (format!("curl: (28) Failed to connect to {service} port {port} after 10000 ms: Timeout was reached"), false, None),
        Some((_, _, true)) => ("curl: (28) Operation timed out after 10000 milliseconds with 0 bytes received".to_string(), false, None),
        Some((pid, true, _)) => match sim.app_http(pid, &HttpRequest::get(path)) {
            HttpReply::Body { body, .. } => {
                let id = sim.world.process(pid).map(|p| p.id.clone());
                (body, true, id)
            }
            HttpReply::Refused => (format!("curl: (7) Failed to connect to {service} port {port}: Connection refused"), false, None),
        },
        Some((_, false, _)) => (format!("curl: (7) Failed to connect to {service} port {port}: Connection refused"), false, None),
    };
    let r = ObjectRef::new(Kind::Service, ns, service);
    let what = match &pod {
        Some(p) => format!("request to service {service} answered by {} ({ip})", p.name),
        None => format!("request to service {service} sent to {ip}"),
    };
    sim.record(
        &Actor::User,
        None,
        Some(&r),
        Change::World,
        what,
        if ok { "" } else { "no answer" },
    );
    Ok(Response {
        pod,
        endpoint_ip: Some(ip),
        process_id: pid_id,
        body,
        ok,
    })
}

/// A URL as curl reads it: (host, port, path), or curl's exit code and message.
fn split_url(url: &str) -> Result<(&str, i32, &str), (i32, String)> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let (host_port, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => match p.parse::<i32>() {
            Ok(p) => (h, p),
            Err(_) => return Err((
                3,
                "curl: (3) URL rejected: Port number was not a decimal number between 0 and 65535"
                    .to_string(),
            )),
        },
        None => (
            host_port,
            if url.starts_with("https://") { 443 } else { 80 },
        ),
    };
    if host.is_empty() {
        return Err((3, "curl: (3) URL rejected: No host part in the URL".into()));
    }
    Ok((host, port, path))
}

/// `curl URL` from inside the pod of process `from`: the answer's body, or curl's exit code
/// and message.
pub(crate) fn http_from_pod(sim: &mut Sim, from: u64, url: &str) -> Result<String, (i32, String)> {
    let Some(src) = sim.world.process(from).cloned() else {
        return Err((7, "curl: (7) Couldn't connect to server".into()));
    };
    let (host, port, path) = split_url(url)?;

    let refused = |h: &str| {
        Err((
            7,
            format!(
                "curl: (7) Failed to connect to {h} port {port} after 0 ms: Connection refused"
            ),
        ))
    };
    // The pod itself.
    if host == "localhost" || host == "127.0.0.1" {
        let pids: Vec<u64> = sim
            .world
            .processes()
            .filter(|p| p.pod_uid == src.pod_uid)
            .map(|p| p.pid)
            .collect();
        return match listening(sim, &pids, port) {
            Some(pid) => ask(sim, pid, path, host, port),
            None => refused(host),
        };
    }
    let ns = src.pod_namespace.clone();
    // A Service with a virtual IP: kube-proxy picks an endpoint.
    let parts: Vec<&str> = host.split('.').collect();
    let (svc_name, svc_ns) = match parts.as_slice() {
        [s] => (*s, &*ns),
        [s, n] | [s, n, "svc"] | [s, n, "svc", "cluster", "local"] => (*s, *n),
        _ => ("", ""),
    };
    if let Some(svc) = sim.api.get::<Service>(svc_ns, svc_name).cloned() {
        if !svc.is_headless() {
            if !svc.spec.ports.iter().any(|p| p.port == port) {
                return Err((28, format!("curl: (28) Failed to connect to {host} port {port} after 10000 ms: Timeout was reached")));
            }
            let r = request(sim, svc_ns, svc_name).map_err(|e| (6, e.to_string()))?;
            return if r.ok {
                Ok(format!("{}\n", r.body.trim_end_matches('\n')))
            } else {
                let code = r
                    .body
                    .get(7..9)
                    .and_then(|c| c.trim().parse().ok())
                    .unwrap_or(7);
                Err((code, r.body))
            };
        }
    }
    // Anything else by name goes through cluster DNS, with the pod's search path.
    let ip = if super::api::parse_ipv4(host).is_some() {
        host.to_string()
    } else {
        let fq: Vec<String> = if host.ends_with(ZONE) || host.ends_with(&format!("{ZONE}.")) {
            vec![host.to_string()]
        } else {
            vec![
                format!("{host}.{ns}.svc.{ZONE}"),
                format!("{host}.svc.{ZONE}"),
                format!("{host}.{ZONE}"),
            ]
        };
        let found = fq
            .iter()
            .find_map(|name| match resolve(&sim.api, name, QueryType::A, ZONE) {
                Answer::Records { answer, .. } => answer.into_iter().find_map(|r| match r.data {
                    RecordData::A(ip) => Some(ip),
                    _ => None,
                }),
                Answer::NxDomain => None,
            });
        match found {
            Some(ip) => ip,
            None => return Err((6, format!("curl: (6) Could not resolve host: {host}"))),
        }
    };
    let pids: Vec<u64> = sim
        .world
        .processes()
        .filter(|p| p.ip == ip && sim.world.machine(&p.machine).is_some_and(|m| m.powered))
        .map(|p| p.pid)
        .collect();
    if pids.is_empty() {
        return Err((28, format!("curl: (28) Failed to connect to {host} port {port} after 10000 ms: Timeout was reached")));
    }
    match listening(sim, &pids, port) {
        Some(pid) => ask(sim, pid, path, host, port),
        None => refused(host),
    }
}

/// The process among `pids` whose program listens on `port` and answers now.
fn listening(sim: &Sim, pids: &[u64], port: i32) -> Option<u64> {
    let now = sim.now;
    pids.iter().copied().find(|pid| {
        sim.world
            .process(*pid)
            .is_some_and(|p| (p.paused || p.is_serving(now)) && p.program.port() == Some(port))
    })
}

fn ask(
    sim: &mut Sim,
    pid: u64,
    path: &str,
    host: &str,
    port: i32,
) -> Result<String, (i32, String)> {
    if sim.world.process(pid).is_some_and(|p| p.paused) {
        return Err((
            28,
            "curl: (28) Operation timed out after 10000 milliseconds with 0 bytes received".into(),
        ));
    }
    match sim.app_http(pid, &HttpRequest::get(path)) {
        HttpReply::Body { body, .. } => Ok(body),
        HttpReply::Refused => Err((
            7,
            format!(
                "curl: (7) Failed to connect to {host} port {port} after 0 ms: Connection refused"
            ),
        )),
    }
}
