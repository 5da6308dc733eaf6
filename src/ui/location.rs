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
