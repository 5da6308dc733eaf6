use yew::prelude::*;

/// Play, pause, step, speed and the scrubber. Disabled until a cluster runs.
#[component]
pub fn TimelineBar() -> Html {
    let speeds = [1, 2, 5, 10, 20, 50, 100];
    html! {
        <footer class="region timeline" aria-label="Timeline">
            <div class="controls">
                <button disabled=true aria-label="Play">{ "▶ Play" }</button>
                <button disabled=true aria-label="Pause">{ "Pause" }</button>
                <button disabled=true aria-label="Step to the next change">{ "Step" }</button>
                <label class="speed">
                    { "Speed " }
                    <select disabled=true aria-label="Speed">
                        { for speeds.iter().map(|s| html! { <option value={s.to_string()} selected={*s == 1}>{ format!("{s}x") }</option> }) }
                    </select>
                </label>
            </div>
            <input class="scrubber" type="range" min="0" max="0" value="0" disabled=true aria-label="Simulated time" />
            <span class="clock" aria-live="off">{ "0s" }</span>
            <p class="empty">{ "The timeline starts when a cluster runs. You will play it, step it, and drag back to any earlier moment." }</p>
        </footer>
    }
}
