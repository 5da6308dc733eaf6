//! The StatefulSets panel: each set as a ladder of ordinals (view::stateful).

use yew::prelude::*;

use crate::view::stateful::{OrdinalRow, Revision, StatefulSetView};

/// The ladders of every StatefulSet.
pub fn ladders(sets: &[StatefulSetView]) -> Html {
    html! { <>{ for sets.iter().map(ladder) }</> }
}

fn ladder(s: &StatefulSetView) -> Html {
    html! {
        <section class="sts" aria-label={format!("StatefulSet {}", s.name)}>
            <h3>{ format!("statefulset/{}", s.name) }
                <span class="muted">{ format!("  READY {}  ·  {}  ·  {}", s.ready, s.policy, s.strategy) }</span></h3>
            <p class="muted small">
                { match &s.waiting {
                    Some(w) => format!("The controller is waiting for {w}."),
                    None => "The controller is waiting for nothing.".to_string(),
                } }
                if s.current_revision != s.update_revision && !s.update_revision.is_empty() {
                    { format!(" Rolling from {} to {}.", s.current_revision, s.update_revision) }
                }
            </p>
            <ol class="plain ladder">{ for s.ordinals.iter().map(|r| row(s, r)) }</ol>
        </section>
    }
}

fn row(s: &StatefulSetView, r: &OrdinalRow) -> Html {
    let revision = match &r.revision {
        Revision::Only => "current".to_string(),
        Revision::Current => "current (old)".to_string(),
        Revision::Update => "update (new)".to_string(),
        Revision::Other(n) => n.clone(),
        Revision::None => "-".to_string(),
    };
    let revision = if r.below_partition && s.partition > 0 {
        format!("{revision}, below partition")
    } else {
        revision
    };
    let status = if r.condemned {
        format!("{} (scaled away)", r.status)
    } else {
        r.status.clone()
    };
    let claims: Vec<String> = r
        .claims
        .iter()
        .map(|c| {
            let vol = if c.volume.is_empty() {
                "-"
            } else {
                c.volume.as_str()
            };
            let at = if c.attached.is_empty() {
                String::new()
            } else {
                format!(" @ {}", c.attached.join(", "))
            };
            format!("{} ({}) → {vol}{at}", c.name, c.status)
        })
        .collect();
    let files: Vec<String> = r
        .claims
        .iter()
        .flat_map(|c| c.files.iter())
        .map(|f| {
            format!(
                "{} {}: {} lines by {}",
                f.place,
                f.file,
                f.lines,
                f.writers.join(", ")
            )
        })
        .collect();
    let procs: Vec<String> = r
        .processes
        .iter()
        .map(|p| {
            let cut = if p.cut_off { ", cut off" } else { "" };
            format!("{} on {} ({}{cut})", p.id, p.machine, p.state)
        })
        .collect();
    let two_truths = r.status.starts_with("Terminating") && !r.processes.is_empty();
    let class = super::class_of(&[
        Some("rung"),
        (two_truths || r.processes.len() > 1).then_some("fault"),
    ]);
    let node = if r.node.is_empty() {
        String::new()
    } else {
        format!(" on {}", r.node)
    };
    html! {
        <li {class} aria-label={format!("ordinal {}", r.ordinal)}>
            <strong>{ format!("{}  {}", r.ordinal, r.pod) }</strong>
            { format!("  {status}{node} · revision {revision}") }
            <div class="small">{ format!("claim: {}", if claims.is_empty() { "-".to_string() } else { claims.join("; ") }) }</div>
            if !files.is_empty() {
                <div class="small muted">{ format!("files: {}", files.join("; ")) }</div>
            }
            <div class="small">{ format!("really runs: {}", if procs.is_empty() { "nothing".to_string() } else { procs.join("; ") }) }</div>
        </li>
    }
}
