use yew::prelude::*;

/// Where the learner edits manifests. The editor itself arrives with the manifests issue.
#[component]
pub fn EditorPane() -> Html {
    html! {
        <section id="editor" class="region editor" aria-labelledby="editor-title" tabindex="-1">
            <h2 id="editor-title">{ "Manifests" }</h2>
            <p class="empty">
                { "The exercise's YAML will open here. You will edit it, see each error at its line and column, and apply it to the cluster." }
            </p>
        </section>
    }
}
