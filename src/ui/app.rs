//! The root component: one reducer, and the regions of the lab.

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::components::{
    cluster_view, console_panel, exercise_panel, header, state_panels, timeline_bar, use_menu,
    use_scrollback_follow, use_share_focus, ClusterViewProps, ConsolePanelProps, EditorPane,
    ExercisePanelProps, HeaderProps, PanelBody, StatePanelsProps, TimelineBarProps,
};
use super::hooks::{use_autosave, use_late_diagnose, use_play_clock, use_shortcuts, use_theme};
use super::location;
use super::state::{Action, LabState, Start, DEFAULT_SEED, DEFAULT_SPEED, DEFAULT_WORKERS};
use super::storage;
use crate::view::cluster::cluster_model;
use crate::view::editor::applied_name;
use crate::view::route::Pattern;
use crate::view::share::SavedRun;

fn seed() -> u64 {
    location::query_number("seed").unwrap_or(DEFAULT_SEED)
}

fn workers() -> u32 {
    location::query_number("workers")
        .and_then(|w| u32::try_from(w).ok())
        .unwrap_or(DEFAULT_WORKERS)
}

/// How the page starts: a share link in the fragment wins, then the page's autosave, then the
/// page's example.
fn first_start() -> Start {
    start_here(storage::load_theme())
}

/// The lab for the address as it is now: the share link in its fragment (which is then
/// cleared, so a reload continues from the autosave), else the page's autosave, else its
/// example. A damaged link says so, and what opened instead.
fn start_here(theme: Option<super::state::Theme>) -> Start {
    let pattern = location::current_pattern();
    let mut notice = None;
    let mut saved = None;
    let mut broken = None;
    let mut shared = false;
    let fragment = location::fragment();
    if fragment.starts_with("run=") {
        match SavedRun::from_fragment(&fragment) {
            Ok(run) => {
                saved = Some(run);
                shared = true;
                notice = Some(SHARED_NOTICE.into());
            }
            Err(e) => broken = Some(format!("The share link could not be read: {e}.")),
        }
        location::clear_fragment();
    }
    if saved.is_none() {
        saved = pattern.and_then(storage::load_run);
        notice = match (broken, saved.is_some()) {
            (Some(b), true) => Some(format!("{b} Your autosaved work is open instead.")),
            (Some(b), false) => Some(format!("{b} The page's example is open instead.")),
            (None, true) => Some("Restored your work from this browser's autosave.".into()),
            (None, false) => None,
        };
    }
    Start {
        pattern,
        seed: seed(),
        workers: workers(),
        saved,
        notice,
        theme,
        shared,
        speed: storage::load_speed().unwrap_or(DEFAULT_SPEED),
    }
}

const SHARED_NOTICE: &str = "Opened someone else's run from a share link, beside your work: \
    your own work on this page is kept. Keep this run as yours, or go back to your work.";

/// Keeps the page's work before another run replaces it on screen: a shared run in its own
/// slot, and nothing over another tab's newer work.
fn save_current(state: &LabState) {
    if let Some(p) = state.pattern {
        if state.shared {
            storage::save_shared(p, &state.saved_run().to_text());
        } else if !state.newer_elsewhere {
            storage::save_run(p, &state.saved_run().to_text());
        }
    }
}

fn start_for(pattern: Option<Pattern>, theme: Option<super::state::Theme>) -> Start {
    Start {
        pattern,
        seed: seed(),
        workers: workers(),
        saved: pattern.and_then(storage::load_run),
        notice: None,
        theme,
        shared: false,
        speed: DEFAULT_SPEED,
    }
}

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| LabState::new(first_start()));
    let dispatch = state.dispatcher();

    use_play_clock(
        state.playing,
        state.behind.is_some() || state.searching.is_some() || state.restoring.is_some(),
        dispatch.clone(),
    );
    use_shortcuts(dispatch.clone());
    use_autosave(&state);
    use_late_diagnose(state.editor.clone(), state.diags_stale, dispatch.clone());
    use_theme(state.theme);
    use_scrollback_follow(state.console.len());
    {
        let d = dispatch.clone();
        use_menu(
            state.menu.clone(),
            Callback::from(move |_| d.dispatch(Action::Menu(None))),
        );
    }

    {
        // The handle reads the reducer's current state, so listeners made once stay current.
        let latest = state.clone();
        use_effect_with((), move |_| {
            let window = gloo::utils::window();
            // Back and forward in the browser re-open the page the address names.
            let popstate = {
                let state = latest.clone();
                EventListener::new(&window, "popstate", move |_| {
                    if location::fragment().starts_with("run=") {
                        return; // a share link pasted into this tab: hashchange opens it
                    }
                    save_current(&state);
                    let start = start_for(location::current_pattern(), state.theme);
                    state.dispatch(Action::Open(Box::new(start)));
                })
            };
            // Another tab saved this page's work: keep both until the learner chooses.
            let storage_event = {
                let state = latest.clone();
                EventListener::new(&window, "storage", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::StorageEvent>() else {
                        return;
                    };
                    let (Some(p), Some(key), Some(text)) = (state.pattern, e.key(), e.new_value())
                    else {
                        return;
                    };
                    if key == storage::own_key(p) {
                        state.dispatch(Action::SavedElsewhere(text));
                    }
                })
            };
            // A share link opened in this tab changes only the fragment: open its run.
            let hashchange = EventListener::new(&window, "hashchange", move |_| {
                if !location::fragment().starts_with("run=") {
                    return;
                }
                save_current(&latest);
                latest.dispatch(Action::Open(Box::new(start_here(latest.theme))));
            });
            move || drop((popstate, hashchange, storage_event))
        });
    }

    let on_open = {
        let state = state.clone();
        Callback::from(move |pattern: Pattern| {
            if state.pattern == Some(pattern) {
                return;
            }
            save_current(&state);
            location::push(pattern);
            state.dispatch(Action::Open(Box::new(start_for(
                Some(pattern),
                state.theme,
            ))));
        })
    };
    let cb = |f: fn(()) -> Action| {
        let d = dispatch.clone();
        Callback::from(move |_: ()| d.dispatch(f(())))
    };
    let on_panel = {
        let d = dispatch.clone();
        Callback::from(move |panel| d.dispatch(Action::SelectPanel(panel)))
    };
    let on_run = {
        let d = dispatch.clone();
        Callback::from(move |line: String| d.dispatch(Action::Run(line)))
    };
    let on_menu = {
        let d = dispatch.clone();
        Callback::from(move |target| d.dispatch(Action::Menu(target)))
    };
    let on_edit = {
        let d = dispatch.clone();
        Callback::from(move |text: String| d.dispatch(Action::Edit(text)))
    };
    let on_seek = {
        let d = dispatch.clone();
        Callback::from(move |ms: u64| d.dispatch(Action::Seek(ms)))
    };
    let on_speed = {
        let d = dispatch.clone();
        Callback::from(move |s: u32| d.dispatch(Action::SetSpeed(s)))
    };
    let on_filter = {
        let d = dispatch.clone();
        Callback::from(move |f: String| d.dispatch(Action::FilterEvents(f)))
    };
    let on_theme = {
        let d = dispatch.clone();
        Callback::from(move |t| d.dispatch(Action::SetTheme(t)))
    };
    let on_share = {
        let d = dispatch.clone();
        Callback::from(move |_: ()| d.dispatch(Action::Share(location::href_without_fragment())))
    };
    let share_input = use_node_ref();
    use_share_focus(state.share.clone(), share_input.clone());
    let on_share_copied = {
        let d = dispatch.clone();
        Callback::from(move |url: Option<String>| d.dispatch(Action::ShareCopied(url)))
    };
    let on_share_closed = {
        let d = dispatch.clone();
        Callback::from(move |url: String| d.dispatch(Action::ShareClosed(url)))
    };
    let on_reset = {
        let d = dispatch.clone();
        Callback::from(move |_: ()| {
            d.dispatch(Action::Reset {
                seed: seed(),
                workers: workers(),
            })
        })
    };

    // View models change only when the run does.
    let cluster = {
        let session = state.session.clone();
        use_memo(
            (state.rev, Rc::as_ptr(&state.session) as usize),
            move |_| cluster_model(session.borrow().sim()),
        )
    };

    let body = {
        let session = state.session.clone();
        let key = (
            state.rev,
            Rc::as_ptr(&state.session) as usize,
            state.panel,
            state.event_filter.clone(),
        );
        use_memo(key, move |(_, _, panel, filter)| {
            PanelBody::build(*panel, &session.borrow(), filter)
        })
    };

    let session = state.session.borrow();
    let now = session.sim().now();
    let horizon = session.horizon_time();
    let busy = match (state.behind, &state.searching, &state.restoring) {
        (_, _, Some(r)) => Some(crate::view::timeline::restoring(
            session.sim(),
            r.borrow().0.events(),
        )),
        (Some(goal), _, _) => {
            let waiting = session.wait_deadline().and(session.watching());
            Some(crate::view::timeline::progress(
                session.sim(),
                goal,
                waiting.as_deref(),
            ))
        }
        (None, Some(_), _) => Some("looking for the next change…".to_string()),
        (None, None, None) => None,
    }
    .map(AttrValue::from);
    let marks: Vec<(u64, String)> = session
        .lines
        .iter()
        .map(|l| (l.time, l.line.clone()))
        .collect();
    let density = session.density.bins(120, horizon.max(1_000));
    drop(session);

    let choices = run_choices(&state);
    let main = match state.pattern {
        Some(pattern) => html! {
            <main class="lab" aria-label={pattern.title()}>
                { exercise_panel(&ExercisePanelProps {
                    pattern,
                    notice: state.notice.clone(),
                    choices,
                    on_run: on_run.clone(),
                    steps_open: state.steps_open,
                    on_toggle_steps: cb(|_| Action::ToggleSteps),
                }) }
                <EditorPane text={state.editor.clone()} diags={state.diags.clone()} checking={state.diags_stale}
                    file={applied_name(&state.session.borrow(), state.editing.as_ref().map_or(state.file_name(), |e| e.0.as_str()), &state.editor)} on_change={on_edit} on_apply={cb(|_| Action::ApplyEditor)} />
                { cluster_view(&ClusterViewProps { model: cluster, on_run: on_run.clone(), menu: state.menu.clone(), on_menu: on_menu.clone() }) }
                { state_panels(&StatePanelsProps {
                    selected: state.panel,
                    on_select: on_panel,
                    body: body.render(on_seek.clone(), on_filter, &state.event_filter),
                }) }
                { console_panel(&ConsolePanelProps {
                    entries: state.console.clone(),
                    now,
                    on_run,
                    prompt: state.session.borrow().console.prompt(),
                    watching: state.session.borrow().watching(),
                    on_interrupt: cb(|_| Action::Interrupt),
                }) }
            </main>
        },
        None => html! {
            <main class="lab lab-missing">
                <section class="region notice" role="alert">
                    <h2>{ "No such page" }</h2>
                    <p>{ "This address names no page of the lab. Choose a pattern above." }</p>
                </section>
            </main>
        },
    };

    html! {
        <div class="app-shell">
            <a class="skip-link" href="#editor">{ "Skip to the editor" }</a>
            { header(&HeaderProps { current: state.pattern, on_open, theme: state.theme, on_theme }) }
            { main }
            if state.pattern.is_some() {
                { timeline_bar(&TimelineBarProps {
                    playing: state.playing || state.behind.is_some() || state.searching.is_some() || state.restoring.is_some(), busy, speed: state.speed, now, horizon, marks, density,
                    can_undo: !state.undo.is_empty(), share: state.share.clone(),
                    share_closed: state.share_closed.clone(),
                    share_copied: state.share_copied.clone(),
                    share_input,
                    on_share_copied,
                    on_share_closed,
                    on_toggle: cb(|_| Action::TogglePlay), on_step_change: cb(|_| Action::StepChange),
                    on_step_event: cb(|_| Action::StepEvent), on_seek, on_speed,
                    on_undo: cb(|_| Action::Undo), on_share, on_reset,
                }) }
            }
        </div>
    }
}

/// The choice the learner owes when the run on screen is not simply their own: a shared run
/// (keep it, or go back to their work), or another tab's newer work (open it, or keep this
/// tab's).
fn run_choices(state: &UseReducerHandle<LabState>) -> Html {
    let Some(pattern) = state.pattern else {
        return Html::default();
    };
    let open_own = |notice: &'static str| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let mut start = start_for(Some(pattern), state.theme);
            start.notice = Some(notice.into());
            state.dispatch(Action::Open(Box::new(start)));
        })
    };
    let send = |a: fn() -> Action| {
        let d = state.dispatcher();
        Callback::from(move |_: MouseEvent| d.dispatch(a()))
    };
    if state.shared {
        html! {
            <div class="run-choice" role="group" aria-label="Someone else's run">
                <strong class="run-origin">{ "Someone else's run, from a share link" }</strong>
                <button type="button" onclick={send(|| Action::KeepShared)}
                    title="Replaces your saved work on this page with this run">{ "Keep as my work" }</button>
                <button type="button" onclick={open_own("Back to your work. The shared run is not kept; its link still opens it.")}>
                    { "Back to my work" }</button>
            </div>
        }
    } else if state.newer_elsewhere {
        html! {
            <div class="run-choice" role="group" aria-label="Work saved in another tab">
                <strong class="run-origin">{ "Another tab saved different work for this page" }</strong>
                <button type="button" onclick={open_own("Opened the work another tab saved.")}>{ "Open that work" }</button>
                <button type="button" onclick={send(|| Action::KeepThisTab)}
                    title="Saves this tab's work over the other tab's">{ "Keep this tab's" }</button>
            </div>
        }
    } else {
        Html::default()
    }
}
