use yew::prelude::*;

use crate::ui::state::Panel;
use crate::view::locks::{locks, timelines, LocksModel, TimelineView};
use crate::view::panels::{dns_entries, events, storage, DnsEntry, EventRow, StorageModel};
use crate::view::session::Session;
use crate::view::stateful::{statefulsets, StatefulSetView};

pub struct StatePanelsProps {
    pub selected: Panel,
    pub on_select: Callback<Panel>,
    /// The selected panel's content; `None` shows its empty text.
    pub body: Option<Html>,
}

/// Tabs over the state panels, keyboard-operable as an ARIA tab list. A function, not a
/// component: the app hands it a new `on_select` at every render, so it rendered every time
/// anyway.
pub fn state_panels(props: &StatePanelsProps) -> Html {
    let tabs = Panel::ALL.into_iter().map(|panel| {
        let selected = panel == props.selected;
        let onclick = props.on_select.reform(move |_: MouseEvent| panel);
        let on_select = props.on_select.clone();
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            let i = Panel::ALL.iter().position(|p| *p == panel).unwrap_or(0);
            let n = Panel::ALL.len();
            let next = match e.key().as_str() {
                "ArrowRight" => Panel::ALL[(i + 1) % n],
                "ArrowLeft" => Panel::ALL[(i + n - 1) % n],
                "Home" => Panel::ALL[0],
                "End" => Panel::ALL[n - 1],
                _ => return,
            };
            e.prevent_default();
            on_select.emit(next);
            focus_tab(next);
        });
        html! {
            <button role="tab" id={format!("tab-{}", panel.id())}
                aria-selected={selected.to_string()}
                aria-controls={format!("panel-{}", panel.id())}
                tabindex={if selected { "0" } else { "-1" }}
                {onclick} {onkeydown}>
                { panel.label() }
            </button>
        }
    });
    let panel = props.selected;
    let body = match &props.body {
        Some(b) => b.clone(),
        None => html! { <p class="empty">{ panel.empty_text() }</p> },
    };
    html! {
        <section class="region panels" aria-label="State panels">
            <div role="tablist" aria-label="State panels">{ for tabs }</div>
            <div role="tabpanel" class="panel-body" id={format!("panel-{}", panel.id())}
                aria-labelledby={format!("tab-{}", panel.id())} tabindex="0">
                { body }
            </div>
        </section>
    }
}

fn focus_tab(panel: Panel) {
    use wasm_bindgen::JsCast;
    if let Some(el) = gloo::utils::document().get_element_by_id(&format!("tab-{}", panel.id())) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// How many events the Events panel lists.
const EVENT_ROWS: usize = 300;

/// The selected panel's content, derived from the sim.
pub enum PanelBody {
    Pods(String),
    Storage(StorageModel),
    StatefulSets(Vec<StatefulSetView>),
    Dns(Vec<DnsEntry>),
    Locks(LocksModel, Vec<TimelineView>),
    Events(Vec<EventRow>, usize),
}

impl PanelBody {
    pub fn build(panel: Panel, session: &Session, filter: &str) -> PanelBody {
        let sim = session.sim();
        match panel {
            Panel::Pods => PanelBody::Pods(crate::view::panels::pods_table(sim)),
            Panel::Storage => PanelBody::Storage(storage(sim)),
            Panel::StatefulSets => PanelBody::StatefulSets(statefulsets(sim)),
            Panel::Dns => PanelBody::Dns(dns_entries(sim)),
            Panel::Locks => {
                PanelBody::Locks(locks(sim), timelines(&session.density.beliefs, sim.now()))
            }
            Panel::Events => {
                let (rows, total) = events(sim, filter, EVENT_ROWS);
                PanelBody::Events(rows, total)
            }
        }
    }

    pub fn render(
        &self,
        on_seek: Callback<u64>,
        on_filter: Callback<String>,
        filter: &str,
    ) -> Option<Html> {
        Some(match self {
            PanelBody::Pods(text) if text.starts_with("No resources") => return None,
            PanelBody::Pods(text) => {
                let (text, more) = match text.rsplit_once("\n… ") {
                    Some((table, more)) => (
                        table,
                        Some(format!("… {more}: kubectl get pods lists them all")),
                    ),
                    None => (text.as_str(), None),
                };
                let (header, rows) = crate::view::panels::reflow_pods(text);
                html! {
                    <>
                        <p class="cmd"><code>{ "$ kubectl get pods -o wide" }</code>
                            <span class="muted">{ " (where each pod runs first)" }</span></p>
                        { grid("grid pods", &header.iter().map(String::as_str).collect::<Vec<_>>(), &rows) }
                        if let Some(more) = more {
                            <p class="muted">{ more }</p>
                        }
                    </>
                }
            }
            PanelBody::Storage(m) if m.claims.is_empty() && m.volumes.is_empty() => return None,
            PanelBody::Storage(m) => html! {
                <>
                    <h3>{ "PersistentVolumeClaims" }</h3>
                    { grid(
                        "grid",
                        &["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "CLASS"],
                        &m.claims.iter().map(|c| vec![
                            c.name.clone(), c.status.clone(), c.volume.clone(),
                            c.capacity.clone(), c.access.clone(), c.class.clone(),
                        ]).collect::<Vec<_>>(),
                    ) }
                    <h3>{ "PersistentVolumes" }</h3>
                    { grid(
                        "grid",
                        &["NAME", "CAPACITY", "ACCESS", "RECLAIM", "STATUS", "CLAIM", "WRITERS"],
                        &m.volumes.iter().map(|v| vec![
                            v.name.clone(), v.capacity.clone(), v.access.clone(), v.reclaim.clone(),
                            v.status.clone(), v.claim.clone(),
                            if v.writers.is_empty() { "-".to_string() } else { v.writers.join(", ") },
                        ]).collect::<Vec<_>>(),
                    ) }
                    <h3>{ "Files, where they really are" }</h3>
                    if m.files.is_empty() {
                        <p class="empty">{ "Nothing has written to a volume yet." }</p>
                    } else {
                        { grid(
                            "grid",
                            &["PLACE", "FILE", "LINES", "WRITTEN BY"],
                            &m.files.iter().map(|f| vec![
                                f.place.clone(), f.file.clone(), f.lines.to_string(), f.writers.join(", "),
                            ]).collect::<Vec<_>>(),
                        ) }
                    }
                    <h3>{ "In use on nodes" }</h3>
                    if m.attachments.is_empty() {
                        <p class="empty">{ "No pod on a node uses a volume." }</p>
                    } else {
                        <ul class="plain">{ for m.attachments.iter().map(|a| html! {
                            <li>{ format!("{} on {} (pods: {})", a.volume, a.node, a.pods.join(", ")) }</li>
                        }) }</ul>
                    }
                </>
            },
            PanelBody::StatefulSets(sets) if sets.is_empty() => return None,
            PanelBody::StatefulSets(sets) => super::stateful::ladders(sets),
            PanelBody::Dns(entries) if entries.is_empty() => return None,
            PanelBody::Dns(entries) => html! {
                <ul class="plain dns">{ for entries.iter().map(|e| html! {
                    <li>
                        <p class="cmd"><code>{ format!("$ dig +noall +answer {}", e.qname) }</code>
                            <span class="muted">{ if e.headless { " (headless)".to_string() } else { format!(" ClusterIP {}", e.cluster_ip) } }</span></p>
                        <pre class="kubectl">{ e.answers.join("\n") }</pre>
                    </li>
                }) }</ul>
            },
            PanelBody::Locks(m, t) => super::locks::locks(m, t),
            PanelBody::Events(rows, total) => {
                let oninput = on_filter.reform(|e: InputEvent| {
                    e.target_unchecked_into::<web_sys::HtmlInputElement>()
                        .value()
                });
                html! {
                    <>
                        <label class="filter">{ "Filter by object " }
                            <input type="search" value={filter.to_string()} {oninput}
                                placeholder="pod/random-generator" aria-label="Filter events by object" />
                        </label>
                        <p class="muted small">{ crate::view::panels::events_summary(rows.len(), *total, filter) }</p>
                        <ol class="events">{ for rows.iter().map(|r| {
                            let onclick = { let t = r.time; on_seek.reform(move |_: MouseEvent| t) };
                            let class = super::class_of(&[Some("event"), r.fault.then_some("fault")]);
                            html! {
                                <li><button type="button" {class} {onclick} title={format!("Go to {}", r.clock)}>
                                    <span class="ev-time">{ &r.clock }</span>
                                    <span class="ev-actor">{ &r.actor }</span>
                                    <span class="ev-what">{ &r.what }</span>
                                    if !r.why.is_empty() { <span class="ev-why">{ format!("({})", r.why) }</span> }
                                </button></li>
                            }
                        }) }</ol>
                    </>
                }
            }
        })
    }
}

/// A table of text cells (the Pods and Storage panels): one builder for every such table, so
/// each column costs a string, not its own element code.
fn grid(class: &'static str, header: &[&str], rows: &[Vec<String>]) -> Html {
    html! {
        <table class={class}>
            <thead><tr>{ for header.iter().map(|h| html! { <th>{ *h }</th> }) }</tr></thead>
            <tbody>{ for rows.iter().map(|r| html! {
                <tr>{ for r.iter().map(|c| html! { <td>{ c }</td> }) }</tr>
            }) }</tbody>
        </table>
    }
}
