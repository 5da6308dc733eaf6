use std::rc::Rc;

use yew::prelude::*;

use super::menu::{action_menu, MenuItem};
use crate::view::cluster::{
    node_actions, pod_actions, ClusterModel, Meter, NodeColumn, PodCard, ProcessCard,
};

pub struct ClusterViewProps {
    pub model: Rc<ClusterModel>,
    pub on_run: Callback<String>,
    /// The node or pod whose actions menu is open (`node node-2`).
    pub menu: Option<AttrValue>,
    pub on_menu: Callback<Option<AttrValue>>,
}

/// A node's or pod's actions menu, open if it is the one the app has open.
fn menu_of(target: String, actions: Vec<(&'static str, String)>, props: &ClusterViewProps) -> Html {
    let open = props.menu.as_deref() == Some(target.as_str());
    action_menu(target, menu(actions), open, &props.on_run, &props.on_menu)
}

fn menu(actions: Vec<(&'static str, String)>) -> Vec<MenuItem> {
    actions
        .into_iter()
        .map(|(label, command)| MenuItem::new(label, command))
        .collect()
}

fn status_class(status: &str) -> &'static str {
    match status {
        "Running" => "st-ok",
        "Terminating" | "Unknown" | "NotReady" => "st-warn",
        "Pending" | "ContainerCreating" | "PodInitializing" => "st-pending",
        "Completed" | "Succeeded" => "st-done",
        _ => "st-bad",
    }
}

fn pod_card(p: &PodCard, props: &ClusterViewProps) -> Html {
    let class = super::class_of(&[Some("pod"), p.terminating.then_some("terminating")]);
    let details = format!(
        "ready {} · restarts {}{}",
        p.ready,
        p.restarts,
        p.revision
            .as_ref()
            .map(|r| format!(" · rev {r}"))
            .unwrap_or_default()
    );
    html! {
        <li {class} aria-label={format!("pod {} {}", p.name, p.status)}>
            <div class="card-head">
                <span class="pod-name" title={p.name.clone()}>{ &p.name }</span>
                { menu_of(format!("pod {}", p.name), pod_actions(p), props) }
            </div>
            <div class="pod-line">
                <span class={super::class_of(&[Some("badge"), Some(status_class(&p.status))])}>{ &p.status }</span>
                <span class="ip">{ &p.ip }</span>
            </div>
            <div class="pod-line small">{ details }</div>
        </li>
    }
}

fn process_card(p: &ProcessCard) -> Html {
    let class = super::class_of(&[
        Some("proc"),
        p.unseen.then_some("unseen"),
        p.leader.then_some("leader"),
    ]);
    let api = format!("API: {}", p.api_status);
    html! {
        <li {class} title={format!("process {} of pod {} ({}), id {}", p.pid, p.pod, p.container, p.id)}>
            <div class="card-head">
                <span class="pod-name">{ &p.pod }</span>
                <span class="pid">{ format!("pid {}", p.pid) }</span>
            </div>
            <div class="pod-line">
                <span class={super::class_of(&[Some("belief"), (p.belief == "serving").then_some("serving")])}>{ &p.belief }</span>
                if p.leader { <span class="badge st-ok">{ "believes it leads" }</span> }
            </div>
            <div class="pod-line small">
                <span class={super::class_of(&[p.unseen.then_some("api-gap")])}>{ api }</span>
                if !p.writes.is_empty() {
                    <span class="writes">{ format!(" · writes {}", p.writes.join(", ")) }</span>
                }
            </div>
        </li>
    }
}

fn node_column(n: &NodeColumn, props: &ClusterViewProps) -> Html {
    let class = super::class_of(&[
        Some("node"),
        n.partitioned.then_some("partitioned"),
        (!n.powered).then_some("crashed"),
        n.unschedulable.then_some("cordoned"),
        (!n.ready).then_some("not-ready"),
    ]);
    let link = if !n.powered {
        html! { <div class="link down" aria-hidden="true"></div> }
    } else if n.partitioned {
        html! { <div class="link cut" aria-hidden="true"><span>{ "✂ cut" }</span></div> }
    } else {
        html! { <div class="link" aria-hidden="true"></div> }
    };
    let state_note = if !n.powered {
        Some("Powered off: nothing runs here")
    } else if n.partitioned {
        Some("Cut off from the control plane")
    } else {
        None
    };
    let status_cls = if n.ready { "st-ok" } else { "st-bad" };
    html! {
        <section {class} aria-label={format!("node {}", n.name)}>
            { link }
            <header class="node-head">
                <h3>{ &n.name }</h3>
                { menu_of(format!("node {}", n.name), node_actions(n), props) }
            </header>
            <div class="node-meta">
                <span class={super::class_of(&[Some("badge"), Some(status_cls)])}>{ &n.status }</span>
                <span class="zone">{ &n.zone }</span>
                if n.clock_offset_ms != 0 {
                    <span class="skew">{ format!("clock {:+}s", n.clock_offset_ms / 1000) }</span>
                }
            </div>
            if let Some(note) = state_note {
                <div class="node-note" role="note">{ note }</div>
            }
            if !n.taints.is_empty() {
                <ul class="taints" aria-label="taints">
                    { for n.taints.iter().map(|t| html! {
                        <li title={t.clone()}>{ t.trim_start_matches("node.kubernetes.io/") }</li>
                    }) }
                </ul>
            }
            <div class="truth api">
                <h4>{ "API server believes" }</h4>
                if n.pods.is_empty() {
                    <p class="none">{ "no pods" }</p>
                } else {
                    <ul class="cards">{ for n.pods.iter().map(|p| pod_card(p, props)) }</ul>
                }
                if n.more_pods > 0 {
                    <p class="none">{ format!("and {} more pods", n.more_pods) }</p>
                }
                if !n.volumes.is_empty() {
                    <div class="volumes" aria-label="volumes on this node">
                        { for n.volumes.iter().map(|v| {
                            let how = match (v.attached, v.in_use) {
                                (true, true) => "attached, in use",
                                (true, false) => "attached",
                                _ => "in use",
                            };
                            html! {
                                <span class={super::class_of(&[Some("vol"), v.attached.then_some("attached")])}
                                    title={format!("PersistentVolume {}: {how}", v.name)}>
                                    { format!("⛁ {} · {how}", v.name) }
                                </span>
                            }
                        }) }
                    </div>
                }
            </div>
            <div class="truth world">
                <h4>{ "Really runs" }</h4>
                if n.processes.is_empty() {
                    <p class="none">{ if n.powered { "no processes" } else { "nothing: the machine is off" } }</p>
                } else {
                    <ul class="cards">{ for n.processes.iter().map(process_card) }</ul>
                }
            </div>
        </section>
    }
}

fn meter(m: &Meter) -> Html {
    let class = super::class_of(&[Some("meter"), m.over.then_some("over")]);
    let boxes = crate::view::cluster::meter_cells(m.running, m.desired.max(0) as u32)
        .into_iter()
        .map(|class| html! { <span {class}></span> });
    html! {
        <div {class} title={m.tooltip.clone()} role="status"
            aria-label={m.tooltip.clone()} data-running={m.running.to_string()}>
            <span class="meter-name">{ format!("{} {}", m.kind, m.name) }</span>
            <span class="cells" aria-hidden="true">{ for boxes }</span>
            <span class="meter-count">{ format!("{} running / {} desired · API active {}", m.running, m.desired, m.api_active) }
                if let Some(n) = m.believers { { format!(" · believe they lead {n}") } }
            </span>
            if m.over {
                <span class="lesson">{
                    if m.believers.is_some_and(|n| n > 1) {
                        format!("{} processes believe they hold the lock: a split brain.", m.believers.unwrap_or(0))
                    } else if m.kind == "StatefulSet" {
                        "An identity runs twice: the at-most-one promise is broken.".to_string()
                    } else {
                        format!("{} copies really run: a {} is at-least-once, not at-most-once.", m.running, m.kind)
                    }
                }</span>
            }
        </div>
    }
}

/// The nodes with their pods and volumes: what the API server believes beside what really runs.
/// A function, not a component: the app hands it a new `on_run` at every render, so it
/// rendered every time anyway.
pub fn cluster_view(props: &ClusterViewProps) -> Html {
    let m = &props.model;
    html! {
        <section class="region cluster" aria-labelledby="cluster-title">
            <div class="cluster-head">
                <h2 id="cluster-title">{ "Cluster" }</h2>
                <div class="meters">
                    if let Some(note) = m.no_workloads_note() {
                        <span class="empty">{ note }</span>
                    }
                    { for m.meters.iter().map(meter) }
                </div>
            </div>
            <div class="control-plane" aria-label="control plane">{ "Control plane: API server, scheduler, controllers" }</div>
            <div class="nodes">
                { for m.nodes.iter().map(|n| node_column(n, props)) }
            </div>
            if !m.pending.is_empty() {
                <div class="pending">
                    <h3>{ "Pending: not scheduled to a node" }</h3>
                    <ul class="cards">{ for m.pending.iter().map(|p| pod_card(p, props)) }</ul>
                    if m.more_pending > 0 {
                        <p class="none">{ format!("and {} more pending pods", m.more_pending) }</p>
                    }
                </div>
            }
            if !m.claims.is_empty() {
                <div class="claims" aria-label="claims and their volumes">
                    { for m.claims.iter().map(|c| html! {
                        <span class="claim-line">{ format!("pvc/{} ── {} ──▶ pv/{}", c.claim, c.status, c.volume) }</span>
                    }) }
                </div>
            }
        </section>
    }
}
