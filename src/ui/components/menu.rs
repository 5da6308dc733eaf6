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

fn focus_item(menu: &web_sys::Element, index: i32) {
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
fn fit(m: &web_sys::Element) {
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

/// The open menu of the page, if any (one at a time).
fn open_menu() -> Option<web_sys::Element> {
    gloo::utils::document()
        .query_selector(".action-menu .menu")
        .ok()
        .flatten()
}

/// The app's side of the menus: when one opens it fits its column and takes the focus, and a
/// press anywhere outside it closes it (`close`), so only one is ever open.
#[hook]
pub fn use_menu(open: Option<AttrValue>, close: Callback<()>) {
    use_effect_with(open, move |open| {
        let mut outside = None;
        if let (Some(_), Some(menu)) = (open, open_menu()) {
            fit(&menu);
            focus_item(&menu, 0);
            let root = menu.parent_element();
            outside = Some(EventListener::new(
                &gloo::utils::document(),
                "pointerdown",
                move |e| {
                    let target = e.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
                    let inside = root.as_ref().is_some_and(|r| r.contains(target.as_ref()));
                    if !inside {
                        close.emit(());
                    }
                },
            ));
        }
        move || drop(outside)
    });
}

/// Closes the menu an event came from and gives the focus back to its button.
fn close_to_button(e: &Event, on_menu: &Callback<Option<AttrValue>>) {
    let root = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest(".action-menu").ok().flatten());
    on_menu.emit(None);
    if let Some(b) = root
        .and_then(|r| r.query_selector(".menu-button").ok().flatten())
        .and_then(|b| b.dyn_into::<HtmlElement>().ok())
    {
        let _ = b.focus();
    }
}

/// A button that opens a menu of console commands (the faults by direct action). Arrow keys
/// move through the entries, Escape closes it and returns to the button. A function, not a
/// component: whether it is open is the app's (`LabState::menu`, `use_menu`).
pub fn action_menu(
    target: String,
    items: Vec<MenuItem>,
    open: bool,
    on_run: &Callback<String>,
    on_menu: &Callback<Option<AttrValue>>,
) -> Html {
    let label = format!("Actions on {target}");
    let toggle = {
        let on_menu = on_menu.clone();
        let target = AttrValue::from(target);
        Callback::from(move |_: MouseEvent| on_menu.emit((!open).then(|| target.clone())))
    };
    let onkeydown = {
        let on_menu = on_menu.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(menu) = e
                .current_target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            else {
                return;
            };
            let current = menu
                .query_selector_all("[role=menuitem]")
                .ok()
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
                "Escape" => close_to_button(&e, &on_menu),
                "ArrowDown" => focus_item(&menu, current + 1),
                "ArrowUp" => focus_item(&menu, current - 1),
                "Home" => focus_item(&menu, 0),
                "End" => focus_item(&menu, -1),
                "Tab" => {
                    on_menu.emit(None);
                    return;
                }
                _ => return,
            }
            e.prevent_default();
        })
    };
    let items = items.into_iter().map(|item| {
        let onclick = {
            let (on_run, on_menu, command) = (on_run.clone(), on_menu.clone(), item.command.clone());
            Callback::from(move |e: MouseEvent| {
                close_to_button(&e, &on_menu);
                on_run.emit(command.clone());
            })
        };
        html! {
            <li role="none">
                <button type="button" role="menuitem" tabindex="-1" title={item.command.clone()} {onclick}>
                    <span class="mi-label">{ item.label }</span>
                    <code class="mi-cmd">{ item.command }</code>
                </button>
            </li>
        }
    });
    html! {
        <div class="action-menu">
            <button type="button" class="menu-button" aria-haspopup="menu"
                aria-expanded={open.to_string()} aria-label={label.clone()} title={label.clone()}
                onclick={toggle}>{ "⋮" }</button>
            if open {
                <ul class="menu" role="menu" aria-label={label} {onkeydown}>
                    { for items }
                </ul>
            }
        </div>
    }
}
