//! `dig`, answered by the cluster DNS as a pod's resolver would see it (ref §4.2).

use crate::sim::dns::{self, Answer, QueryType, Record, RecordData};
use crate::sim::Sim;

use super::Output;

/// The cluster DNS Service's address, as in kubeadm clusters.
pub const DNS_SERVER: &str = "10.96.0.10";
pub const ZONE: &str = "cluster.local";

pub fn run(sim: &Sim, words: &[String]) -> Output {
    let mut short = false;
    let mut qtype = QueryType::A;
    let mut name: Option<&str> = None;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        i += 1;
        match w {
            "+short" => short = true,
            "+noall" | "+answer" | "+search" | "+nosearch" | "+nocmd" | "+noquestion"
            | "+nostats" => {}
            "-t" => match words.get(i).map(|s| s.as_str()) {
                Some(t) => {
                    i += 1;
                    match parse_type(t) {
                        Some(q) => qtype = q,
                        None => return unsupported_type(t),
                    }
                }
                None => return Output::err("dig: option requires an argument -- 't'\n"),
            },
            w if w.starts_with('+') => {
                return Output::err(format!("Invalid option: {w}\n"));
            }
            w if w.starts_with('@') => {}
            w => match parse_type(w) {
                Some(q) if name.is_some() || w.eq_ignore_ascii_case("srv") => qtype = q,
                _ => {
                    if name.is_some() {
                        return Output::err(format!(
                            "dig: '{w}' is not a record type this cluster DNS answers (A, SRV)\n"
                        ));
                    }
                    name = Some(w);
                }
            },
        }
    }
    let Some(name) = name else {
        return Output::err(
            "dig: a name to look up is required, e.g. dig web.default.svc.cluster.local\n",
        );
    };
    let answer = dns::resolve(sim.cluster(), name, qtype, ZONE);
    Output::ok(if short {
        short_text(&answer)
    } else {
        full_text(sim, name, qtype, &answer)
    })
}

fn parse_type(t: &str) -> Option<QueryType> {
    match t.to_ascii_uppercase().as_str() {
        "A" => Some(QueryType::A),
        "SRV" => Some(QueryType::Srv),
        _ => None,
    }
}

fn unsupported_type(t: &str) -> Output {
    Output::err(format!(
        "dig: '{t}' is not a record type this cluster DNS answers (A, SRV)\n"
    ))
}

fn rdata(r: &Record) -> String {
    match &r.data {
        RecordData::A(ip) => ip.clone(),
        RecordData::Srv {
            priority,
            weight,
            port,
            target,
        } => format!("{priority} {weight} {port} {target}"),
    }
}

fn short_text(answer: &Answer) -> String {
    match answer {
        Answer::Records { answer, .. } => {
            answer.iter().map(|r| format!("{}\n", rdata(r))).collect()
        }
        Answer::NxDomain => String::new(),
    }
}

fn fqdn(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

/// The wire size of a name (labels with length bytes, and the root).
fn name_len(name: &str) -> usize {
    fqdn(name)
        .trim_end_matches('.')
        .split('.')
        .map(|l| l.len() + 1)
        .sum::<usize>()
        + 1
}

fn full_text(sim: &Sim, name: &str, qtype: QueryType, answer: &Answer) -> String {
    let qname = fqdn(name).to_ascii_lowercase();
    let tname = match qtype {
        QueryType::A => "A",
        QueryType::Srv => "SRV",
    };
    let (status, records, additional): (&str, &[Record], &[Record]) = match answer {
        Answer::Records { answer, additional } => ("NOERROR", answer, additional),
        Answer::NxDomain => ("NXDOMAIN", &[], &[]),
    };
    // A stable id per query and moment, so transcripts are reproducible.
    let id = (sim.now() / 1000 + name_len(&qname) as u64 * 7919) % 65_536;
    let soa = format!(
        "{ZONE}.\t\t30\tIN\tSOA\tns.dns.{ZONE}. hostmaster.{ZONE}. 1735689600 7200 1800 86400 30"
    );
    let authority = usize::from(status == "NXDOMAIN");
    let mut size = 12 + name_len(&qname) + 4 + 11;
    for r in records.iter().chain(additional) {
        size += 2
            + 10
            + match &r.data {
                RecordData::A(_) => 4,
                RecordData::Srv { target, .. } => 6 + name_len(target),
            };
        if !std::ptr::eq(r, &records[0]) && r.name != qname {
            size += name_len(&r.name) - 2;
        }
    }
    if authority == 1 {
        size += 2
            + 10
            + name_len(&format!("ns.dns.{ZONE}"))
            + name_len(&format!("hostmaster.{ZONE}"))
            + 20;
    }
    let mut out = format!(
        "\n; <<>> DiG 9.18.33 <<>> {}{name}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: {status}, id: {id}\n;; flags: qr aa rd; QUERY: 1, ANSWER: {}, AUTHORITY: {authority}, ADDITIONAL: {}\n;; WARNING: recursion requested but not available\n\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n;; QUESTION SECTION:\n;{qname}\t\tIN\t{tname}\n",
        if qtype == QueryType::Srv { "SRV " } else { "" },
        records.len(),
        additional.len() + 1,
    );
    if !records.is_empty() {
        out.push_str("\n;; ANSWER SECTION:\n");
        for r in records {
            out.push_str(&r.to_dig_line());
            out.push('\n');
        }
    }
    if authority == 1 {
        out.push_str("\n;; AUTHORITY SECTION:\n");
        out.push_str(&soa);
        out.push('\n');
    }
    if !additional.is_empty() {
        out.push_str("\n;; ADDITIONAL SECTION:\n");
        for r in additional {
            out.push_str(&r.to_dig_line());
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "\n;; Query time: 0 msec\n;; SERVER: {DNS_SERVER}#53({DNS_SERVER}) (UDP)\n;; WHEN: {}\n;; MSG SIZE  rcvd: {size}\n\n",
        when(sim.now_time().millis())
    ));
    out
}

/// dig's `WHEN:` line in simulated time, e.g. `Wed Jan 01 00:05:50 UTC 2025`.
fn when(ms: u64) -> String {
    let rfc = crate::model::Time::at(ms).to_rfc3339(); // 2025-01-01T00:05:50Z
    let (date, time) = rfc
        .trim_end_matches('Z')
        .split_once('T')
        .unwrap_or(("", ""));
    let mut parts = date.split('-').map(|p| p.parse::<i64>().unwrap_or(0));
    let (y, m, d) = (
        parts.next().unwrap_or(1970),
        parts.next().unwrap_or(1),
        parts.next().unwrap_or(1),
    );
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days_since_epoch = days_from_civil(y, m, d);
    let wd = DAYS[days_since_epoch.rem_euclid(7) as usize];
    let mon = MONTHS[(m.clamp(1, 12) - 1) as usize];
    format!("{wd} {mon} {d:02} {time} UTC {y}")
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// busybox's `nslookup NAME` in a pod of namespace `ns` (its search path: `ns.svc.ZONE`,
/// `svc.ZONE`, `ZONE`), in busybox 1.28's layout, as the StatefulSet tutorial shows it.
pub fn nslookup(sim: &Sim, ns: &str, words: &[String]) -> Output {
    let Some(name) = words.iter().find(|w| !w.starts_with('-')) else {
        return Output::err(
            "BusyBox v1.28.4 multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n",
        );
    };
    let server = format!(
        "Server:    {DNS_SERVER}\nAddress 1: {DNS_SERVER} kube-dns.kube-system.svc.{ZONE}\n\n"
    );
    let bare = name.trim_end_matches('.');
    let candidates: Vec<String> = if name.ends_with('.') || bare.ends_with(ZONE) {
        vec![bare.to_string()]
    } else {
        vec![
            format!("{bare}.{ns}.svc.{ZONE}"),
            format!("{bare}.svc.{ZONE}"),
            format!("{bare}.{ZONE}"),
            bare.to_string(),
        ]
    };
    for fqdn in candidates {
        if let Answer::Records { answer, .. } =
            dns::resolve(sim.cluster(), &fqdn, QueryType::A, ZONE)
        {
            let ips: Vec<String> = answer
                .iter()
                .filter_map(|r| match &r.data {
                    RecordData::A(ip) => Some(ip.clone()),
                    _ => None,
                })
                .collect();
            if ips.is_empty() {
                continue;
            }
            let mut text = format!("{server}Name:      {bare}\n");
            for (i, ip) in ips.iter().enumerate() {
                text.push_str(&format!("Address {}: {ip} {fqdn}\n", i + 1));
            }
            return Output::ok(text);
        }
    }
    Output::err(format!("{server}nslookup: can't resolve '{bare}'\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn when_prints_the_weekday() {
        // 2025-01-01 was a Wednesday.
        assert_eq!(when(0).split(' ').next(), Some("Wed"));
        assert!(when(crate::model::Time::at(0).millis()).contains("Jan 01"));
    }
}
