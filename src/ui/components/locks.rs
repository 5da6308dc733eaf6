//! The Locks panel: each lock as stored, each candidate's belief, and the protected writes
//! (view::locks).

use yew::prelude::*;

use crate::view::locks::{
    summary, timeline_html, CandidateView, LockView, LocksModel, TimelineView, NO_LOCKS,
};

/// Every lock, or how to start one; then the belief timelines.
pub fn locks(m: &LocksModel, timelines: &[TimelineView]) -> Html {
    if m.locks.is_empty() && timelines.is_empty() {
        return html! { <p class="empty">{ NO_LOCKS }</p> };
    }
    html! {
        <>
            if m.split_brain {
                <p class="split-brain" role="status">{ "Split brain: more than one process believes it holds the lock, and each does the singleton's work." }</p>
            }
            { for m.locks.iter().map(lock) }
            { for timelines.iter().map(timeline) }
        </>
    }
}

/// One lock's belief timeline, drawn as the view writes it (escaped there): a few hundred
/// spans cost less as one string than as Yew nodes built by code.
fn timeline(t: &TimelineView) -> Html {
    Html::from_html_unchecked(timeline_html(t).into())
}

fn lock(l: &LockView) -> Html {
    let note = if l.stored { "" } else { " (not stored)" };
    html! {
        <section class="lock" aria-label={format!("lock {}", l.key)}>
            <h3>{ &l.key }<span class="muted">{ format!("  {}{note}", l.kind) }</span></h3>
            <table class="grid record" aria-label="As stored">
                <tbody>{ for l.record.iter().map(|(k, v)| html! { <tr><th>{ *k }</th><td>{ v }</td></tr> }) }</tbody>
            </table>
            if !l.sessions.is_empty() {
                <h4>{ "Sessions (as the ensemble keeps them)" }</h4>
                <table class="grid record" aria-label="Sessions">
                    <tbody>{ for l.sessions.iter().map(|x| html! {
                        <tr><th>{ &x.id }</th><td>{ format!("{} · timeout {} · {}", x.pod, x.timeout, x.state) }</td></tr>
                    }) }</tbody>
                </table>
                <h4>{ "Ephemeral sequential nodes (the lowest leads)" }</h4>
                <ul class="plain writes" aria-label="Znodes">{ for l.znodes.iter().map(|z| html! {
                    <li>{ format!("{}  data {}  ephemeralOwner {}  czxid {}", z.path, z.data, z.owner, z.czxid) }</li>
                }) }</ul>
            }
            <p class={super::class_of(&[Some("small"), l.split_brain.then_some("st-bad")])}>{ summary(l) }</p>
            <ol class="plain ladder candidates" aria-label="Candidates">{ for l.candidates.iter().map(|c| candidate(l, c)) }</ol>
            { writes(l) }
        </section>
    }
}

fn candidate(l: &LockView, c: &CandidateView) -> Html {
    let class = super::class_of(&[
        Some("rung"),
        (l.split_brain && c.leading).then_some("fault"),
    ]);
    let role = match (c.leading, c.token) {
        (true, Some(t)) => format!("believes it leads (token {t})"),
        (true, None) => "believes it leads".to_string(),
        (false, _) => "follower".to_string(),
    };
    html! {
        <li {class} aria-label={format!("candidate {}", c.pod)}>
            <strong>{ &c.pod }</strong>
            { format!("  on {} · process {} · {}", c.machine, c.process, c.state) }
            <div class={super::class_of(&[Some("small"), c.leading.then_some(if l.split_brain { "st-bad" } else { "st-ok" })])}>{ role }</div>
            <div class="small">{ &c.seen }</div>
        </li>
    }
}

fn writes(l: &LockView) -> Html {
    let Some(w) = &l.writes else {
        return html! { <p class="small muted">{ "Nothing has written to the protected resource yet." }</p> };
    };
    let tokens = match w.highest_token {
        Some(t) => format!(", highest token {t}"),
        None => String::new(),
    };
    html! {
        <>
            <h4>{ "Protected resource" }</h4>
            <p class="small">
                { format!("{} accepted, ", w.accepted) }
                <span class={super::class_of(&[(w.refused > 0).then_some("st-bad")])}>{ format!("{} refused (fenced)", w.refused) }</span>
                { tokens }
            </p>
            <ul class="plain writes" aria-label="Newest writes">{ for w.last.iter().map(|r| html! {
                <li class={super::class_of(&[(!r.accepted).then_some("refused")])}>
                    { format!("{}  {}  {}  {}", r.clock, r.pod, r.token, if r.accepted { "accepted" } else { "refused" }) }
                </li>
            }) }</ul>
        </>
    }
}
