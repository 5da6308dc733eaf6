//! The autosave in localStorage: one run per pattern, and the theme.

use crate::ui::state::Theme;
use crate::view::route::Pattern;
use crate::view::share::SavedRun;

fn local() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

fn run_key(pattern: Pattern) -> String {
    format!("podlab.run.{}", pattern.slug())
}

pub fn save_run(pattern: Pattern, text: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(&run_key(pattern), text);
    }
}

/// The autosaved run of a pattern's page, if one reads back.
pub fn load_run(pattern: Pattern) -> Option<SavedRun> {
    let text = local()?.get_item(&run_key(pattern)).ok()??;
    SavedRun::from_text(&text).ok()
}

pub fn save_theme(theme: Theme) {
    if let Some(s) = local() {
        let v = match theme {
            Theme::Light => "light",
            Theme::Dark => "dark",
        };
        let _ = s.set_item("podlab.theme", v);
    }
}

pub fn load_theme() -> Option<Theme> {
    match local()?.get_item("podlab.theme").ok()??.as_str() {
        "light" => Some(Theme::Light),
        "dark" => Some(Theme::Dark),
        _ => None,
    }
}
