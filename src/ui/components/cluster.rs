use yew::prelude::*;

/// The nodes with their pods and volumes: what the API server believes beside what really runs.
#[component]
pub fn ClusterView() -> Html {
    html! {
        <section class="region cluster" aria-labelledby="cluster-title">
            <h2 id="cluster-title">{ "Cluster" }</h2>
            <div class="truths">
                <div class="truth">
                    <h3>{ "What the API server believes" }</h3>
                    <p class="empty">{ "Each node will be a column with its status, taints and zone, holding its pods and attached volumes." }</p>
                </div>
                <div class="truth">
                    <h3>{ "What really runs" }</h3>
                    <p class="empty">{ "The processes on each machine will be shown here: which ones run, which one thinks it leads, and which volume each writes to." }</p>
                </div>
            </div>
        </section>
    }
}
