//! The cluster DNS, answering like CoreDNS's kubernetes plugin over the API view (ref §4.2).

use crate::model::{EndpointSlice, Service};

use super::controllers::endpointslice::SERVICE_NAME_LABEL;
use super::Cluster;

/// The record types `dig` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryType {
    A,
    Srv,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordData {
    A(String),
    Srv {
        priority: u16,
        weight: u16,
        port: i32,
        target: String,
    },
}

/// One resource record; `name` is fully qualified with a trailing dot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub ttl: u32,
    pub data: RecordData,
}

impl Record {
    /// `web-0.nginx.default.svc.cluster.local. 30 IN A 10.244.1.7`, as dig prints an answer.
    pub fn to_dig_line(&self) -> String {
        match &self.data {
            RecordData::A(ip) => format!("{}\t{}\tIN\tA\t{ip}", self.name, self.ttl),
            RecordData::Srv {
                priority,
                weight,
                port,
                target,
            } => {
                format!(
                    "{}\t{}\tIN\tSRV\t{priority} {weight} {port} {target}",
                    self.name, self.ttl
                )
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Records {
        answer: Vec<Record>,
        additional: Vec<Record>,
    },
    NxDomain,
}

/// kubeadm's Corefile sets `ttl 30`.
pub const DEFAULT_TTL: u32 = 30;

fn ready_endpoints<'a>(cluster: &'a Cluster, ns: &'a str, svc: &'a str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in cluster.list_in::<EndpointSlice>(ns) {
        if s.metadata
            .labels
            .get(SERVICE_NAME_LABEL)
            .map(String::as_str)
            != Some(svc)
        {
            continue;
        }
        for e in &s.endpoints {
            if !e.conditions.ready {
                continue;
            }
            for a in &e.addresses {
                let host = if e.hostname.is_empty() {
                    a.replace('.', "-")
                } else {
                    e.hostname.clone()
                };
                out.push((host, a.clone()));
            }
        }
    }
    crate::sort::sort(&mut out);
    out
}

/// Resolves `qname` (with or without a trailing dot) in cluster zone `zone`.
pub fn resolve(cluster: &Cluster, qname: &str, qtype: QueryType, zone: &str) -> Answer {
    let name = qname.trim_end_matches('.').to_ascii_lowercase();
    let Some(prefix) = name.strip_suffix(&format!(".{zone}")) else {
        return Answer::NxDomain;
    };
    let labels: Vec<&str> = prefix.split('.').collect();
    let fq = |s: &str| format!("{s}.");
    let ttl = DEFAULT_TTL;
    // <a-b-c-d>.<ns>.pod.<zone>
    if labels.len() == 3 && labels[2] == "pod" && qtype == QueryType::A {
        let ip = labels[0].replace('-', ".");
        if crate::sim::api::parse_ipv4(&ip).is_some() {
            return Answer::Records {
                answer: vec![Record {
                    name: fq(&name),
                    ttl,
                    data: RecordData::A(ip),
                }],
                additional: vec![],
            };
        }
        return Answer::NxDomain;
    }
    let svc_at = labels.iter().position(|l| *l == "svc");
    let Some(svc_at) = svc_at.filter(|i| *i >= 2 && *i == labels.len() - 1) else {
        return Answer::NxDomain;
    };
    let ns = labels[svc_at - 1];
    let svc_name = labels[svc_at - 2];
    let head = &labels[..svc_at - 2];
    let Some(svc) = cluster.get::<Service>(ns, svc_name) else {
        return Answer::NxDomain;
    };
    let svc_fqdn = format!("{svc_name}.{ns}.svc.{zone}");
    match (head, qtype) {
        ([], QueryType::A) => {
            if svc.is_headless() {
                let eps = ready_endpoints(cluster, ns, svc_name);
                if eps.is_empty() {
                    return Answer::NxDomain;
                }
                let answer = eps
                    .into_iter()
                    .map(|(_, ip)| Record {
                        name: fq(&svc_fqdn),
                        ttl,
                        data: RecordData::A(ip),
                    })
                    .collect();
                Answer::Records {
                    answer,
                    additional: vec![],
                }
            } else {
                Answer::Records {
                    answer: vec![Record {
                        name: fq(&svc_fqdn),
                        ttl,
                        data: RecordData::A(svc.spec.cluster_ip.clone()),
                    }],
                    additional: vec![],
                }
            }
        }
        ([host], QueryType::A) => {
            if !svc.is_headless() {
                return Answer::NxDomain;
            }
            let answer: Vec<Record> = ready_endpoints(cluster, ns, svc_name)
                .into_iter()
                .filter(|(h, _)| h == host)
                .map(|(_, ip)| Record {
                    name: fq(&name),
                    ttl,
                    data: RecordData::A(ip),
                })
                .collect();
            if answer.is_empty() {
                Answer::NxDomain
            } else {
                Answer::Records {
                    answer,
                    additional: vec![],
                }
            }
        }
        // CoreDNS also answers SRV for the bare Service name: every port, named or not (the
        // book's `dig SRV random-generator.default.svc.cluster.local`).
        ([], QueryType::Srv) => {
            let ports: Vec<i32> = svc.spec.ports.iter().map(|p| p.port).collect();
            let targets: Vec<(String, Option<String>)> = if svc.is_headless() {
                ready_endpoints(cluster, ns, svc_name)
                    .into_iter()
                    .map(|(host, ip)| (format!("{host}.{svc_fqdn}"), Some(ip)))
                    .collect()
            } else {
                vec![(svc_fqdn.clone(), Some(svc.spec.cluster_ip.clone()))]
            };
            let count = targets.len() * ports.len();
            if count == 0 {
                return Answer::NxDomain;
            }
            let weight = (100 / count) as u16;
            let mut answer = Vec::new();
            let mut additional = Vec::new();
            for (target, ip) in targets {
                for port in &ports {
                    answer.push(Record {
                        name: fq(&name),
                        ttl,
                        data: RecordData::Srv {
                            priority: 0,
                            weight,
                            port: *port,
                            target: fq(&target),
                        },
                    });
                }
                if let Some(ip) = ip {
                    additional.push(Record {
                        name: fq(&target),
                        ttl,
                        data: RecordData::A(ip),
                    });
                }
            }
            Answer::Records { answer, additional }
        }
        ([port, proto], QueryType::Srv) => {
            let (Some(port_name), Some(proto)) = (port.strip_prefix('_'), proto.strip_prefix('_'))
            else {
                return Answer::NxDomain;
            };
            let Some(sp) = svc.spec.ports.iter().find(|p| {
                !p.name.is_empty() && p.name == port_name && p.protocol.eq_ignore_ascii_case(proto)
            }) else {
                return Answer::NxDomain;
            };
            if svc.is_headless() {
                let eps = ready_endpoints(cluster, ns, svc_name);
                if eps.is_empty() {
                    return Answer::NxDomain;
                }
                let weight = (100 / eps.len()) as u16;
                let mut answer = Vec::new();
                let mut additional = Vec::new();
                for (host, ip) in eps {
                    let target = fq(&format!("{host}.{svc_fqdn}"));
                    answer.push(Record {
                        name: fq(&name),
                        ttl,
                        data: RecordData::Srv {
                            priority: 0,
                            weight,
                            port: sp.port,
                            target: target.clone(),
                        },
                    });
                    additional.push(Record {
                        name: target,
                        ttl,
                        data: RecordData::A(ip),
                    });
                }
                Answer::Records { answer, additional }
            } else {
                Answer::Records {
                    answer: vec![Record {
                        name: fq(&name),
                        ttl,
                        data: RecordData::Srv {
                            priority: 0,
                            weight: 100,
                            port: sp.port,
                            target: fq(&svc_fqdn),
                        },
                    }],
                    additional: vec![Record {
                        name: fq(&svc_fqdn),
                        ttl,
                        data: RecordData::A(svc.spec.cluster_ip.clone()),
                    }],
                }
            }
        }
        _ => Answer::NxDomain,
    }
}
