//! The browser's address bar: the base path the site is served under, and history entries.

use crate::view::route::{self, Pattern};

/// The base path from `<base href>` (Trunk writes the public URL there), or `/`.
pub fn base_path() -> String {
    let href = gloo::utils::document()
        .query_selector("base")
        .ok()
        .flatten()
        .and_then(|b| b.get_attribute("href"));
    match href {
        Some(h) if h.starts_with('/') => h,
        _ => "/".to_string(),
    }
}

pub fn current_path() -> String {
    gloo::utils::window()
        .location()
        .pathname()
        .unwrap_or_else(|_| "/".to_string())
}

/// The pattern the current address names.
pub fn current_pattern() -> Option<Pattern> {
    route::pattern_from_path(&base_path(), &current_path())
}

/// Adds a history entry for the pattern's page, so reload and back work.
pub fn push(pattern: Pattern) {
    let path = route::path_for(&base_path(), pattern);
    if current_path() != path {
        if let Ok(history) = gloo::utils::window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}

/// A number from the address's query, such as `?seed=7` or `?workers=100`.
pub fn query_number(name: &str) -> Option<u64> {
    let search = gloo::utils::window().location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| v.parse().ok())
}

/// The fragment, without `#`.
pub fn fragment() -> String {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    hash.trim_start_matches('#').to_string()
}

/// Drops the fragment from the address without a reload or a history entry, so a reload after
/// opening a share link continues from the autosave instead of the link's start.
pub fn clear_fragment() {
    let loc = gloo::utils::window().location();
    let url = format!(
        "{}{}",
        loc.pathname().unwrap_or_default(),
        loc.search().unwrap_or_default()
    );
    if let Ok(history) = gloo::utils::window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The address without its fragment, for share links.
pub fn href_without_fragment() -> String {
    let href = gloo::utils::window().location().href().unwrap_or_default();
    match href.split_once('#') {
        Some((a, _)) => a.to_string(),
        None => href,
    }
}
