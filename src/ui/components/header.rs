use yew::prelude::*;

use crate::ui::state::Theme;
use crate::view::route::Pattern;

pub struct HeaderProps {
    pub current: Option<Pattern>,
    pub on_open: Callback<Pattern>,
    /// `None` follows the system.
    pub theme: Option<Theme>,
    pub on_theme: Callback<Theme>,
}

/// The brand and the navigation between the three patterns. A function, not a component: its
/// callbacks are new at every render of the app, so it rendered every time anyway, and a
/// component costs its own copy of Yew's component machinery.
pub fn header(props: &HeaderProps) -> Html {
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
    // Without a choice the page follows the system; the toggle picks the other one.
    let system_dark = gloo::utils::window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let dark = props.theme.map_or(system_dark, |t| t == Theme::Dark);
    let on_theme = props.on_theme.reform(
        move |_: MouseEvent| {
            if dark {
                Theme::Light
            } else {
                Theme::Dark
            }
        },
    );
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
            // Named by the theme it switches to, as its click does.
            <button type="button" class="theme" onclick={on_theme}
                title={if dark { "Switch to the light theme" } else { "Switch to the dark theme" }}>
                { if dark { "☀ Light theme" } else { "☾ Dark theme" } }</button>
        </header>
    }
}
