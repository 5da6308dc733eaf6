use yew::prelude::*;

pub use crate::view::timeline::clock;
use crate::view::timeline::is_fault;

pub struct TimelineBarProps {
    pub playing: bool,
    /// "simulating… 4,200 of 100,000 pods created" while the run catches up, a frame at a time.
    pub busy: Option<AttrValue>,
    pub speed: u32,
    /// Simulated ms.
    pub now: u64,
    /// The furthest simulated ms this run has reached.
    pub horizon: u64,
    /// Console lines that changed the run: (ms, line).
    pub marks: Vec<(u64, String)>,
    /// Visible changes per bin over `[0, horizon]`.
    pub density: Vec<u32>,
    pub can_undo: bool,
    pub share: Option<String>,
    /// The share link closed in its box, and the one copied (`LabState`).
    pub share_closed: Option<String>,
    pub share_copied: Option<String>,
    /// The share box's text field, which the app focuses when a new link comes.
    pub share_input: NodeRef,
    pub on_share_copied: Callback<Option<String>>,
    pub on_share_closed: Callback<String>,
    pub on_toggle: Callback<()>,
    pub on_step_change: Callback<()>,
    pub on_step_event: Callback<()>,
    pub on_seek: Callback<u64>,
    pub on_speed: Callback<u32>,
    pub on_undo: Callback<()>,
    pub on_share: Callback<()>,
    pub on_reset: Callback<()>,
}

pub const SPEEDS: [u32; 7] = [1, 2, 5, 10, 20, 50, 100];

/// Play, pause, step, speed and the scrubber over the whole run, with its changes marked. A
/// function, not a component: its props change at every render of the app (the time, new
/// callbacks), so it rendered every time anyway.
pub fn timeline_bar(props: &TimelineBarProps) -> Html {
    let end = props.horizon.max(props.now);
    let max = crate::view::timeline::scrub_max(end);
    let on_input = props.on_seek.reform(move |e: InputEvent| {
        let v = e
            .target_unchecked_into::<web_sys::HtmlInputElement>()
            .value();
        crate::view::timeline::scrub_target(crate::view::timeline::range_value(&v), end)
    });
    let on_speed = props.on_speed.reform(|e: Event| {
        let v = e
            .target_unchecked_into::<web_sys::HtmlSelectElement>()
            .value();
        v.parse().unwrap_or(1)
    });
    let peak = props.density.iter().copied().max().unwrap_or(0).max(1);
    let bars = props.density.iter().map(|c| {
        let h = if *c == 0 { 0 } else { 8 + c * 92 / peak };
        html! { <span style={format!("height:{h}%")}></span> }
    });
    let marks = props.marks.iter().map(|(t, line)| {
        let class = super::class_of(&[Some("mark"), is_fault(line).then_some("fault")]);
        let onclick = {
            let t = *t;
            props.on_seek.reform(move |_: MouseEvent| t)
        };
        html! {
            <button type="button" {class} style={format!("left:{}%", crate::view::timeline::percent(*t, max))}
                title={format!("{} {line}", clock(*t))} aria-label={format!("Go to {}: {line}", clock(*t))}
                {onclick}></button>
        }
    });
    let cb = |c: &Callback<()>| c.reform(|_: MouseEvent| ());
    let share_box = props
        .share
        .as_ref()
        .filter(|url| props.share_closed.as_ref() != Some(*url))
        .map(|url| {
            super::share_box(
                url,
                &props.share_input,
                props.share_copied.as_ref() == Some(url),
                &props.on_share_copied,
                &props.on_share_closed,
            )
        });
    html! {
        <footer class="region timeline" aria-label="Timeline">
            <div class="controls">
                <button type="button" class="play primary" onclick={cb(&props.on_toggle)}
                    aria-keyshortcuts="Space" aria-pressed={props.playing.to_string()}
                    aria-label={if props.playing { "Pause" } else { "Play" }}>
                    { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button type="button" onclick={cb(&props.on_step_change)} aria-keyshortcuts="ArrowRight"
                    aria-label="Step to the next change" title={format!("Step to the next change, at most {} minutes ahead (→)", crate::ui::state::STEP_LIMIT_MS / 60_000)}>{ "Next change ⇥" }</button>
                <button type="button" onclick={cb(&props.on_step_event)} aria-keyshortcuts="Shift+ArrowRight"
                    aria-label="Step one event" title="Step one event (Shift+→)">{ "+1 event" }</button>
                <label class="speed">
                    { "Speed " }
                    <select aria-label="Speed" onchange={on_speed}>
                        { for SPEEDS.iter().map(|s| html! {
                            <option value={s.to_string()} selected={*s == props.speed}>{ format!("{s}x") }</option>
                        }) }
                    </select>
                </label>
            </div>
            <div class="scrub">
                <div class="density" aria-hidden="true">{ for bars }</div>
                <div class="marks">{ for marks }</div>
                if let Some(busy) = &props.busy {
                    <span class="busy" role="status">{ busy.clone() }</span>
                }
                <input class="scrubber" type="range" min="0" max={max.to_string()} step={crate::view::timeline::SCRUB_STEP_MS.to_string()}
                    value={props.now.to_string()} oninput={on_input}
                    aria-label="Simulated time" aria-valuetext={clock(props.now)} />
            </div>
            <span class="clock" role="timer" aria-live="off" aria-label="Simulated time">{ clock(props.now) }</span>
            <div class="run-actions">
                <button type="button" onclick={cb(&props.on_undo)} disabled={!props.can_undo}
                    aria-label="Undo the last change to the run">{ "↶ Undo" }</button>
                <button type="button" onclick={cb(&props.on_share)} aria-label="Make a share link">{ "Share" }</button>
                <button type="button" onclick={cb(&props.on_reset)} aria-label="Start this page over">{ "Reset" }</button>
                { for share_box }
            </div>
        </footer>
    }
}
