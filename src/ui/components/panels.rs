use yew::prelude::*;

use crate::ui::state::Panel;

#[derive(Properties, PartialEq)]
pub struct StatePanelsProps {
    pub selected: Panel,
    pub on_select: Callback<Panel>,
}

/// Tabs over the state panels, keyboard-operable as an ARIA tab list.
#[component]
pub fn StatePanels(props: &StatePanelsProps) -> Html {
    let tabs = Panel::ALL.into_iter().map(|panel| {
        let selected = panel == props.selected;
        let onclick = props.on_select.reform(move |_: MouseEvent| panel);
        let on_select = props.on_select.clone();
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            let i = Panel::ALL.iter().position(|p| *p == panel).unwrap_or(0);
            let n = Panel::ALL.len();
            let next = match e.key().as_str() {
                "ArrowRight" => Panel::ALL[(i + 1) % n],
                "ArrowLeft" => Panel::ALL[(i + n - 1) % n],
                "Home" => Panel::ALL[0],
                "End" => Panel::ALL[n - 1],
                _ => return,
            };
            e.prevent_default();
            on_select.emit(next);
            focus_tab(next);
        });
        html! {
            <button role="tab" id={format!("tab-{}", panel.id())}
                aria-selected={selected.to_string()}
                aria-controls={format!("panel-{}", panel.id())}
                tabindex={if selected { "0" } else { "-1" }}
                {onclick} {onkeydown}>
                { panel.label() }
            </button>
        }
    });
    let panel = props.selected;
    html! {
        <section class="region panels" aria-label="State panels">
            <div role="tablist" aria-label="State panels">{ for tabs }</div>
            <div role="tabpanel" id={format!("panel-{}", panel.id())}
                aria-labelledby={format!("tab-{}", panel.id())} tabindex="0">
                <p class="empty">{ panel.empty_text() }</p>
            </div>
        </section>
    }
}

fn focus_tab(panel: Panel) {
    use wasm_bindgen::JsCast;
    if let Some(el) = gloo::utils::document().get_element_by_id(&format!("tab-{}", panel.id())) {
        if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}
