//! Browser tests: components mounted in headless Chromium by wasm-bindgen-test.
//! Run alone with `cargo test --target wasm32-unknown-unknown --features web --test web`.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::cell::RefCell;
use std::rc::Rc;

use podlab::ui::components::{
    cluster_view, state_panels, ClusterViewProps, EditorPane, StatePanelsProps,
};
use podlab::ui::state::Panel;
use podlab::ui::App;
use podlab::view::cluster::cluster_model;
use podlab::view::editor::diagnose;
use podlab::view::session::Session;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};
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
    state_panels(&StatePanelsProps {
        selected: *selected,
        on_select,
        body: None,
    })
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

fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .text_content()
        .unwrap_or_default()
}

/// The lab's own page at the site root, with no autosave from an earlier test.
async fn mount_lab() -> Element {
    let window = gloo::utils::window();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("/"))
        .unwrap();
    window.local_storage().unwrap().unwrap().clear().unwrap();
    let root = mount_point();
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

const BAD_REPLICAS: &str = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  replicas: two\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";

#[component]
fn EditorHost() -> Html {
    let diags = Rc::new(diagnose(BAD_REPLICAS, &[]));
    html! {
        <EditorPane text={Rc::<str>::from(BAD_REPLICAS)} {diags} file="web.yaml"
            on_change={Callback::noop()} on_apply={Callback::noop()} />
    }
}

#[wasm_bindgen_test]
async fn the_editor_underlines_an_error_at_its_line_and_column_and_lists_it() {
    let root = mount_point();
    yew::Renderer::<EditorHost>::with_root(root.clone()).render();
    yew::scheduler::flush().await;

    let marked = root
        .query_selector(".overlay .d-err")
        .unwrap()
        .expect("an underlined span");
    assert_eq!(marked.text_content().unwrap(), "two");
    assert_eq!(marked.get_attribute("data-line").as_deref(), Some("6"));
    let title = marked.get_attribute("title").unwrap();
    assert!(title.starts_with("6:13: error:"), "{title}");
    assert!(title.contains("replicas"), "{title}");
    // The gutter marks line 6 and only line 6.
    let gutter = root.query_selector_all(".gutter .ln").unwrap();
    assert_eq!(gutter.length(), BAD_REPLICAS.split('\n').count() as u32);
    let errs = root.query_selector_all(".gutter .err").unwrap();
    assert_eq!(errs.length(), 1);
    assert_eq!(errs.get(0).unwrap().text_content().unwrap(), "6");
    // The list below says the same.
    assert!(text(&root, "#editor-problems").contains("6:13: error:"));
    assert!(text(&root, ".problems-head").starts_with("1 error"));
}

#[wasm_bindgen_test]
async fn the_timeline_seeks_back_to_the_start_and_forward_again() {
    let root = mount_lab().await;
    click(&root, ".editor .apply");
    yew::scheduler::flush().await;
    assert!(text(&root, ".scrollback").contains("replicaset.apps/random-generator created"));
    for _ in 0..40 {
        click(&root, "[aria-label='Step to the next change']");
        yew::scheduler::flush().await;
    }
    let later = text(&root, ".timeline .clock");
    assert_ne!(later, "00:00.0");
    let pods_later = root.query_selector_all(".node .pod").unwrap().length();
    assert!(pods_later > 0, "pods exist at {later}");

    let scrubber: HtmlInputElement = root
        .query_selector(".scrubber")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let max = scrubber.max();
    scrubber.set_value("0");
    scrubber
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_eq!(text(&root, ".timeline .clock"), "00:00.0");
    assert_eq!(root.query_selector_all(".node .pod").unwrap().length(), 0);

    scrubber.set_value(&max);
    scrubber
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    yew::scheduler::flush().await;
    assert_ne!(text(&root, ".timeline .clock"), "00:00.0");
    assert_eq!(
        root.query_selector_all(".node .pod").unwrap().length(),
        pods_later
    );
}

#[component]
fn ClusterHost(props: &ClusterHostProps) -> Html {
    let mut s = Session::new(42, 3);
    s.apply_text(
        "stateless.yaml",
        include_str!("../exercises/stateless.yaml"),
    );
    s.run_for(60_000);
    let model = Rc::new(cluster_model(s.sim()));
    let ran = props.ran.clone();
    let on_run = Callback::from(move |line: String| ran.borrow_mut().push(line));
    // The app keeps which menu is open; this host keeps it the same way.
    let menu = use_state(|| None::<AttrValue>);
    let on_menu = {
        let menu = menu.clone();
        Callback::from(move |target| menu.set(target))
    };
    cluster_view(&ClusterViewProps {
        model,
        on_run,
        menu: (*menu).clone(),
        on_menu,
    })
}

#[derive(Properties)]
struct ClusterHostProps {
    ran: Rc<RefCell<Vec<String>>>,
}

impl PartialEq for ClusterHostProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.ran, &o.ran)
    }
}

#[wasm_bindgen_test]
async fn a_node_menu_runs_its_console_command() {
    let ran = Rc::new(RefCell::new(Vec::new()));
    let root = mount_point();
    yew::Renderer::<ClusterHost>::with_root_and_props(
        root.clone(),
        ClusterHostProps { ran: ran.clone() },
    )
    .render();
    yew::scheduler::flush().await;

    assert!(root.query_selector("[role=menu]").unwrap().is_none());
    click(&root, "[aria-label='Actions on node node-2']");
    yew::scheduler::flush().await;
    let menu = root
        .query_selector("[role=menu]")
        .unwrap()
        .expect("the menu opened");
    assert_eq!(
        menu.get_attribute("aria-label").as_deref(),
        Some("Actions on node node-2")
    );
    let labels = text(&menu, "li:nth-child(2) .mi-cmd");
    assert_eq!(labels, "lab partition node-2");
    click(&menu, "li:nth-child(2) [role=menuitem]");
    yew::scheduler::flush().await;
    assert_eq!(*ran.borrow(), ["lab partition node-2"]);
    assert!(root.query_selector("[role=menu]").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn a_fault_from_a_menu_runs_in_the_console_and_cuts_the_node_off() {
    let root = mount_lab().await;
    click(&root, ".editor .apply");
    yew::scheduler::flush().await;
    click(&root, "[aria-label='Actions on node node-1']");
    yew::scheduler::flush().await;
    let item = root.query_selector_all("[role=menuitem]").unwrap();
    let partition = (0..item.length())
        .map(|i| item.get(i).unwrap().dyn_into::<HtmlElement>().unwrap())
        .find(|b| b.text_content().unwrap().contains("lab partition node-1"))
        .expect("a partition entry");
    partition.click();
    yew::scheduler::flush().await;
    assert!(text(&root, ".scrollback").contains("$ lab partition node-1"));
    let node = root
        .query_selector("[aria-label='node node-1']")
        .unwrap()
        .unwrap();
    assert!(node.get_attribute("class").unwrap().contains("partitioned"));
    assert!(node
        .text_content()
        .unwrap()
        .contains("Cut off from the control plane"));
    // One undo restores the run before the fault.
    click(&root, "[aria-label='Undo the last change to the run']");
    yew::scheduler::flush().await;
    let node = root
        .query_selector("[aria-label='node node-1']")
        .unwrap()
        .unwrap();
    assert!(!node.get_attribute("class").unwrap().contains("partitioned"));
}

#[wasm_bindgen_test]
fn a_panic_leaves_a_recovery_view() {
    podlab::ui::panic::show("boom <at> the reducer");
    let doc = gloo::utils::document();
    let crash = doc.get_element_by_id("crash").expect("the recovery view");
    assert_eq!(crash.get_attribute("role").as_deref(), Some("alertdialog"));
    let text = crash.text_content().unwrap();
    assert!(text.contains("boom <at> the reducer"), "{text}");
    assert!(text.contains("Reload from the autosave"));
    crash.remove();
}

/// Determinism rule 4: the fixture run gives the same trace digest in wasm as natively
/// (tests/sim_determinism.rs pins the same constant).
#[wasm_bindgen_test]
fn the_engine_gives_the_native_digest_in_wasm() {
    let sim = podlab::sim::examples::run_determinism_fixture();
    assert_eq!(sim.trace().digest_hex(), "a64ac902a7ce164b");
}
