//! The Locks panel: each lock as stored, each candidate's belief, and the protected writes
//! (view::locks).

use yew::prelude::*;

use crate::view::locks::{summary, CandidateView, LockView, LocksModel, NO_LOCKS};

/// Every lock, or how to start one.
pub fn locks(m: &LocksModel) -> Html {
    if m.locks.is_empty() {
        return html! { <p class="empty">{ NO_LOCKS }</p> };
    }
    html! {
        <>
            if m.split_brain {
                <p class="split-brain" role="status">{ "Split brain: more than one process believes it holds the lock, and each does the singleton's work." }</p>
            }
            { for m.locks.iter().map(lock) }
        </>
    }
}

fn lock(l: &LockView) -> Html {
    let note = if l.stored { "" } else { " (not stored)" };
    html! {
        <section class="lock" aria-label={format!("lock {}", l.key)}>
            <h3>{ &l.key }<span class="muted">{ format!("  {}{note}", l.kind) }</span></h3>
            <table class="grid record" aria-label="As stored">
                <tbody>
                    <tr><th>{"holderIdentity"}</th><td>{ &l.holder }</td></tr>
                    <tr><th>{"renewTime"}</th><td>{ &l.renew_time }</td></tr>
                    <tr><th>{"leaseDurationSeconds"}</th><td>{ &l.lease_duration_seconds }</td></tr>
                    <tr><th>{"acquireTime"}</th><td>{ &l.acquire_time }</td></tr>
                    <tr><th>{"leaseTransitions"}</th><td>{ &l.lease_transitions }</td></tr>
                </tbody>
            </table>
            <p class={classes!("small", l.split_brain.then_some("st-bad"))}>{ summary(l) }</p>
            <ol class="plain ladder candidates" aria-label="Candidates">{ for l.candidates.iter().map(|c| candidate(l, c)) }</ol>
            { writes(l) }
        </section>
    }
}

fn candidate(l: &LockView, c: &CandidateView) -> Html {
    let class = classes!("rung", (l.split_brain && c.leading).then_some("fault"));
    let role = match (c.leading, c.token) {
        (true, Some(t)) => format!("believes it leads (token {t})"),
        (true, None) => "believes it leads".to_string(),
        (false, _) => "follower".to_string(),
    };
    html! {
        <li {class} aria-label={format!("candidate {}", c.pod)}>
            <strong>{ &c.pod }</strong>
            { format!("  on {} · process {} · {}", c.machine, c.process, c.state) }
            <div class={classes!("small", c.leading.then_some(if l.split_brain { "st-bad" } else { "st-ok" }))}>{ role }</div>
            <div class="small">{ format!("saw holder {} · lease {} on its clock", c.observed_holder, c.countdown) }</div>
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
                <span class={classes!((w.refused > 0).then_some("st-bad"))}>{ format!("{} refused (fenced)", w.refused) }</span>
                { tokens }
            </p>
            <ul class="plain writes" aria-label="Newest writes">{ for w.last.iter().map(|r| html! {
                <li class={classes!((!r.accepted).then_some("refused"))}>
                    { format!("{}  {}  {}  {}", r.clock, r.pod, r.token, if r.accepted { "accepted" } else { "refused" }) }
                </li>
            }) }</ul>
        </>
    }
}
