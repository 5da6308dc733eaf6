//! Browser tests: components mounted in headless Chromium by wasm-bindgen-test.
//! Run alone with `cargo test --target wasm32-unknown-unknown --features web --test web`.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use podlab::ui::components::StatePanels;
use podlab::ui::state::Panel;
use podlab::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh mount point per test, so tests do not see each other's DOM.
fn mount_point() -> Element {
    let document = gloo::utils::document();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .dyn_into::<HtmlElement>()
        .unwrap()
        .click();
}

fn attr(root: &Element, selector: &str, name: &str) -> Option<String> {
    root.query_selector(selector).unwrap()?.get_attribute(name)
}

#[component]
fn PanelsHost() -> Html {
    let selected = use_state(|| Panel::Pods);
    let on_select = {
        let selected = selected.clone();
        Callback::from(move |p| selected.set(p))
    };
    html! { <StatePanels selected={*selected} {on_select} /> }
}

#[wasm_bindgen_test]
async fn clicking_a_panel_tab_selects_it_and_shows_its_panel() {
    let root = mount_point();
    yew::Renderer::<PanelsHost>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    assert_eq!(
        attr(&root, "#tab-pods", "aria-selected").as_deref(),
        Some("true")
    );
    assert!(root.query_selector("#panel-pods").unwrap().is_some());

    click(&root, "#tab-storage");
    yew::scheduler::flush().await;

    assert_eq!(
        attr(&root, "#tab-storage", "aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&root, "#tab-pods", "aria-selected").as_deref(),
        Some("false")
    );
    let panel = root
        .query_selector("#panel-storage")
        .unwrap()
        .expect("storage panel shown");
    assert!(panel.text_content().unwrap().contains("Claims, volumes"));
    assert!(root.query_selector("#panel-pods").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn the_navigation_opens_a_pattern_and_records_it_in_history() {
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    // Every region of the lab is on the page.
    for selector in [
        ".exercise",
        ".editor",
        ".cluster",
        ".panels",
        ".timeline",
        "nav",
    ] {
        assert!(
            root.query_selector(selector).unwrap().is_some(),
            "missing {selector}"
        );
    }

    click(&root, "nav a[href='stateful']");
    yew::scheduler::flush().await;

    assert_eq!(
        attr(&root, "nav a[href='stateful']", "aria-current").as_deref(),
        Some("page")
    );
    assert_eq!(attr(&root, "nav a[href='stateless']", "aria-current"), None);
    let title = root
        .query_selector("#exercise-title")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert_eq!(title, "Stateful Service");
    let path = gloo::utils::window().location().pathname().unwrap();
    assert!(path.ends_with("/stateful"), "history holds {path}");
}
