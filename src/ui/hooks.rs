//! Timers, keys and storage: the browser side effects, kept out of the reducer.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::state::{Action, LabState, DIAGNOSE_PAUSE_MS};

/// Wall-clock ms between ticks while playing.
const TICK_MS: u32 = 40;
/// The play clock while the run catches up (a 12 ms engine budget each).
const CATCH_UP_TICK_MS: u32 = 16;

/// Checks a long editor text once typing has paused: each keystroke restarts the wait.
#[hook]
pub fn use_late_diagnose(editor: Rc<str>, stale: bool, dispatch: UseReducerDispatcher<LabState>) {
    use_effect_with((editor, stale), move |(_, stale)| {
        let timer = stale.then(|| {
            Timeout::new(DIAGNOSE_PAUSE_MS, move || {
                dispatch.dispatch(Action::Diagnose)
            })
        });
        move || drop(timer)
    });
}

/// While playing or catching up, dispatches `Tick` with the wall time since the last tick.
#[hook]
pub fn use_play_clock(playing: bool, behind: bool, dispatch: UseReducerDispatcher<LabState>) {
    use_effect_with((playing, behind), move |&(playing, behind)| {
        // Catching up ticks more often, so the engine gets most of the time between frames.
        let every = if behind { CATCH_UP_TICK_MS } else { TICK_MS };
        let interval = (playing || behind).then(|| {
            let last = Rc::new(Cell::new(js_sys::Date::now()));
            Interval::new(every, move || {
                let now = js_sys::Date::now();
                let elapsed = (now - last.get()).max(0.0) as u64;
                last.set(now);
                dispatch.dispatch(Action::Tick(elapsed));
            })
        });
        move || drop(interval)
    });
}

/// Space plays and pauses; Right steps to the next change, Shift+Right one event. Keys typed
/// into a field or pressed on a control keep their usual meaning.
#[hook]
pub fn use_shortcuts(dispatch: UseReducerDispatcher<LabState>) {
    use_effect_with((), move |_| {
        let doc = gloo::utils::document();
        let opts = EventListenerOptions::enable_prevent_default();
        let listener = EventListener::new_with_options(&doc, "keydown", opts, move |e| {
            let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                return;
            }
            let in_control = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(
                        el.tag_name().as_str(),
                        "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "A"
                    ) || el
                        .get_attribute("role")
                        .is_some_and(|r| r.starts_with("menu") || r == "tab")
                });
            if in_control {
                return;
            }
            let action = match e.key().as_str() {
                " " => Action::TogglePlay,
                "ArrowRight" if e.shift_key() => Action::StepEvent,
                "ArrowRight" => Action::StepChange,
                _ => return,
            };
            e.prevent_default();
            dispatch.dispatch(action);
        });
        move || drop(listener)
    });
}

/// Saves the run whenever it rests (not while playing), under the page's pattern: a shared
/// run in its own slot, never over the learner's work; nothing while another tab's newer work
/// waits for the learner's choice. Saves the chosen speed too.
#[hook]
pub fn use_autosave(state: &UseReducerHandle<LabState>) {
    let key = (
        state.rev,
        state.editor.clone(),
        state.playing,
        state.pattern,
        state.shared,
        state.newer_elsewhere,
    );
    let speed = state.speed;
    let state = state.clone();
    use_effect_with(key, move |(_, _, playing, pattern, shared, elsewhere)| {
        if let (false, Some(p)) = (*playing, pattern) {
            let text = state.saved_run().to_text();
            if *shared {
                super::storage::save_shared(*p, &text);
            } else if !elsewhere {
                super::storage::save_run(*p, &text);
            }
        }
    });
    use_effect_with(speed, |speed| super::storage::save_speed(*speed));
}

/// Puts the chosen theme on `<html data-theme>`; without a choice the CSS follows the system.
#[hook]
pub fn use_theme(theme: Option<super::state::Theme>) {
    use_effect_with(theme, |theme| {
        if let Some(root) = gloo::utils::document().document_element() {
            match theme {
                Some(t) => {
                    let v = match t {
                        super::state::Theme::Light => "light",
                        super::state::Theme::Dark => "dark",
                    };
                    let _ = root.set_attribute("data-theme", v);
                    super::storage::save_theme(*t);
                }
                None => {
                    let _ = root.remove_attribute("data-theme");
                }
            }
        }
    });
}
