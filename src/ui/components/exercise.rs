use yew::prelude::*;

use crate::view::exercises::steps;
use crate::view::route::Pattern;

#[derive(Properties, PartialEq)]
pub struct ExercisePanelProps {
    pub pattern: Pattern,
    /// A message about the last change to the run.
    #[prop_or_default]
    pub notice: Option<String>,
}

/// The pattern's promise and what to try; later, the exercise's steps and live checks.
#[component]
pub fn ExercisePanel(props: &ExercisePanelProps) -> Html {
    html! {
        <section class="region exercise" aria-labelledby="exercise-title">
            <h2 id="exercise-title">{ props.pattern.title() }</h2>
            <p class="promise">{ props.pattern.promise() }</p>
            <details class="steps">
                <summary>{ "What to try" }</summary>
                <ol>{ for steps(props.pattern).iter().map(|s| html! { <li>{ *s }</li> }) }</ol>
            </details>
            <p class="notice" role="status">{ props.notice.clone().unwrap_or_default() }</p>
        </section>
    }
}
