//! The root component: one reducer, and the regions of the lab.

use gloo::events::EventListener;
use yew::prelude::*;

use super::components::{ClusterView, EditorPane, ExercisePanel, Header, StatePanels, TimelineBar};
use super::location;
use super::state::{Action, LabState};
use crate::view::route::Pattern;

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| LabState::new(location::current_pattern()));

    // Back and forward in the browser re-open the page the address names.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "popstate", move |_| {
                state.dispatch(Action::Open(location::current_pattern()));
            });
            move || drop(listener)
        });
    }

    let on_open = {
        let state = state.clone();
        Callback::from(move |pattern: Pattern| {
            location::push(pattern);
            state.dispatch(Action::Open(Some(pattern)));
        })
    };
    let on_panel = {
        let state = state.clone();
        Callback::from(move |panel| state.dispatch(Action::SelectPanel(panel)))
    };

    let main = match state.pattern {
        Some(pattern) => html! {
            <main class="lab" aria-label={pattern.title()}>
                <ExercisePanel {pattern} />
                <EditorPane />
                <ClusterView />
                <StatePanels selected={state.panel} on_select={on_panel} />
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
            <Header current={state.pattern} on_open={on_open} />
            { main }
            <TimelineBar />
        </div>
    }
}
