use yew::prelude::*;

use crate::view::exercises::{examples, steps};
use crate::view::route::Pattern;

pub struct ExercisePanelProps {
    pub pattern: Pattern,
    /// A message about the last change to the run.
    pub notice: Option<String>,
    /// A choice about the run on screen (whose it is), below the notice.
    pub choices: Html,
    /// Runs a console line (the example picker applies its file).
    pub on_run: Callback<String>,
    /// The "What to try" list is open.
    pub steps_open: bool,
    pub on_toggle_steps: Callback<()>,
}

/// The pattern's promise and what to try; later, the exercise's steps and live checks.
///
/// "What to try" is a button over a list, not `<details>`: Chromium checks every closed
/// `<details>` on each edit, and a 10,000-line paste into the editor took 2.3 s instead of 0.3 s.
///
/// A function, not a component: the list's open state is the app's (`LabState::steps_open`), so
/// no component machinery is compiled for this panel.
pub fn exercise_panel(props: &ExercisePanelProps) -> Html {
    let open = props.steps_open;
    let toggle = props.on_toggle_steps.reform(|_: MouseEvent| ());
    html! {
        <section class="region exercise" aria-labelledby="exercise-title">
            <h2 id="exercise-title">{ props.pattern.title() }</h2>
            <p class="promise">{ props.pattern.promise() }</p>
            <div class="steps">
                <button type="button" class="disclosure" aria-expanded={open.to_string()}
                    aria-controls="exercise-steps" onclick={toggle}>{ "What to try" }</button>
                <ol id="exercise-steps" hidden={!open}>
                    { for steps(props.pattern).iter().map(|s| html! { <li>{ *s }</li> }) }
                </ol>
            </div>
            if !examples(props.pattern).is_empty() {
                <p class="examples" aria-label="In-app lock examples">{ "In-app lock: " }
                    { for examples(props.pattern).iter().map(|(label, file)| {
                        let line = format!("kubectl apply -f {file}");
                        let run = props.on_run.clone();
                        html! { <button type="button" title={line.clone()} onclick={move |_| run.emit(line.clone())}>{ *label }</button> }
                    }) }
                </p>
            }
            <p class="notice" role="status" title={props.notice.clone()}>{ props.notice.clone().unwrap_or_default() }</p>
            { props.choices.clone() }
        </section>
    }
}
