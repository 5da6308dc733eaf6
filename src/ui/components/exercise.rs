use yew::prelude::*;

use crate::view::route::Pattern;

#[derive(Properties, PartialEq)]
pub struct ExercisePanelProps {
    pub pattern: Pattern,
}

/// The pattern's promise and, later, the exercise's steps and live checks.
#[component]
pub fn ExercisePanel(props: &ExercisePanelProps) -> Html {
    html! {
        <section class="region exercise" aria-labelledby="exercise-title">
            <h2 id="exercise-title">{ props.pattern.title() }</h2>
            <p class="promise">{ props.pattern.promise() }</p>
            <p class="empty">{ "Exercises for this pattern will load here, from a built-in pack, a file or a URL, with their tasks, hints and live checks." }</p>
        </section>
    }
}
