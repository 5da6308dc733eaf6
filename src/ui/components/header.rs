use yew::prelude::*;

use crate::view::route::Pattern;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub current: Option<Pattern>,
    pub on_open: Callback<Pattern>,
}

/// The brand and the navigation between the three patterns.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let links = Pattern::ALL.into_iter().map(|pattern| {
        let on_open = props.on_open.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            // Let modified clicks open a new tab as links normally do.
            if e.ctrl_key() || e.meta_key() || e.shift_key() || e.button() != 0 {
                return;
            }
            e.prevent_default();
            on_open.emit(pattern);
        });
        let current = (props.current == Some(pattern)).then_some("page");
        html! {
            <li>
                <a href={pattern.slug()} aria-current={current} {onclick}>{ pattern.title() }</a>
            </li>
        }
    });
    html! {
        <header class="topbar">
            <div class="brand">
                <span class="logo" aria-hidden="true"></span>
                <span class="name">{ "podlab" }</span>
                <span class="tagline">{ "Kubernetes patterns, one step at a time" }</span>
            </div>
            <nav aria-label="Patterns">
                <ul>{ for links }</ul>
            </nav>
        </header>
    }
}
