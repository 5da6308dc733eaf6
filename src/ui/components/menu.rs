use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// One menu entry: what it says, and the console line it runs.
#[derive(Clone, Debug, PartialEq)]
pub struct MenuItem {
    pub label: String,
    pub command: String,
}

impl MenuItem {
    pub fn new(label: &str, command: String) -> Self {
        MenuItem {
            label: label.to_string(),
            command,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ActionMenuProps {
    /// `node-2`: names the menu for screen readers.
    pub target: AttrValue,
    pub items: Vec<MenuItem>,
    pub on_run: Callback<String>,
}

fn focus_item(menu: &NodeRef, index: i32) {
    let Some(menu) = menu.cast::<web_sys::Element>() else {
        return;
    };
    let Ok(items) = menu.query_selector_all("[role=menuitem]") else {
        return;
    };
    let n = items.length() as i32;
    if n == 0 {
        return;
    }
    let i = index.rem_euclid(n) as u32;
    if let Some(el) = items.get(i).and_then(|x| x.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// Keeps an open menu inside what shows of its scrolling column: it scrolls itself when it is
/// longer than the room below its button (a node's menu at 1280x720).
fn fit(menu: &NodeRef) {
    let Some(m) = menu.cast::<HtmlElement>() else {
        return;
    };
    let top = m.get_bounding_client_rect().top();
    let window = gloo::utils::window();
    let mut bottom = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(720.0);
    if let Ok(Some(column)) = m.closest(".nodes, .region") {
        bottom = bottom.min(column.get_bounding_client_rect().bottom());
    }
    let room = (bottom - top - 6.0).max(160.0);
    let _ = m.set_attribute("style", &format!("max-height:{}px", room as i64));
}

/// A button that opens a menu of console commands (the faults by direct action). Arrow keys
/// move through the entries, Escape closes it and returns to the button.
#[component]
pub fn ActionMenu(props: &ActionMenuProps) -> Html {
    let open = use_state_eq(|| false);
    let menu = use_node_ref();
    let button = use_node_ref();
    let root = use_node_ref();
    {
        let (menu, root, handle) = (menu.clone(), root.clone(), open.clone());
        use_effect_with(*open, move |open| {
            let mut outside = None;
            if *open {
                fit(&menu);
                focus_item(&menu, 0);
                // A press anywhere else closes the menu, so only one is ever open.
                outside = Some(EventListener::new(
                    &gloo::utils::document(),
                    "pointerdown",
                    move |e| {
                        let target = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
                        let inside = root
                            .cast::<web_sys::Node>()
                            .is_some_and(|r| r.contains(target.as_ref()));
                        if !inside {
                            handle.set(false);
                        }
                    },
                ));
            }
            move || drop(outside)
        });
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close_and_focus = {
        let (open, button) = (open.clone(), button.clone());
        move || {
            open.set(false);
            if let Some(b) = button.cast::<HtmlElement>() {
                let _ = b.focus();
            }
        }
    };
    let onkeydown = {
        let menu = menu.clone();
        let close = close_and_focus.clone();
        Callback::from(move |e: KeyboardEvent| {
            let current = menu
                .cast::<web_sys::Element>()
                .and_then(|m| m.query_selector_all("[role=menuitem]").ok())
                .and_then(|items| {
                    let active = gloo::utils::document().active_element()?;
                    (0..items.length()).find(|i| {
                        items
                            .get(*i)
                            .is_some_and(|n| n.is_same_node(Some(active.as_ref())))
                    })
                })
                .map_or(-1, |i| i as i32);
            match e.key().as_str() {
                "Escape" => close(),
                "ArrowDown" => focus_item(&menu, current + 1),
                "ArrowUp" => focus_item(&menu, current - 1),
                "Home" => focus_item(&menu, 0),
                "End" => focus_item(&menu, -1),
                "Tab" => {
                    close();
                    return;
                }
                _ => return,
            }
            e.prevent_default();
        })
    };
    let items = props.items.iter().map(|item| {
        let onclick = {
            let (on_run, command, close) = (
                props.on_run.clone(),
                item.command.clone(),
                close_and_focus.clone(),
            );
            Callback::from(move |_: MouseEvent| {
                close();
                on_run.emit(command.clone());
            })
        };
        html! {
            <li role="none">
                <button type="button" role="menuitem" tabindex="-1" title={item.command.clone()} {onclick}>
                    <span class="mi-label">{ &item.label }</span>
                    <code class="mi-cmd">{ &item.command }</code>
                </button>
            </li>
        }
    });
    let label = format!("Actions on {}", props.target);
    html! {
        <div class="action-menu" ref={root}>
            <button type="button" ref={button} class="menu-button" aria-haspopup="menu"
                aria-expanded={open.to_string()} aria-label={label.clone()} title={label.clone()}
                onclick={toggle}>{ "⋮" }</button>
            if *open {
                <ul class="menu" role="menu" aria-label={label} ref={menu} {onkeydown}>
                    { for items }
                </ul>
            }
        </div>
    }
}
