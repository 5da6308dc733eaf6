//! The autosave in localStorage: the learner's own run per pattern, beside it the last shared
//! run opened on that page (someone else's, never saved over the learner's), the theme and the
//! speed.

use crate::ui::state::Theme;
use crate::view::route::Pattern;
use crate::view::share::SavedRun;

fn local() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

fn run_key(pattern: Pattern) -> String {
    format!("podlab.run.{}", pattern.slug())
}

/// The key a pattern's own run is saved under (a `storage` event names it).
pub fn own_key(pattern: Pattern) -> String {
    run_key(pattern)
}

fn shared_key(pattern: Pattern) -> String {
    format!("podlab.shared.{}", pattern.slug())
}

pub fn save_run(pattern: Pattern, text: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(&run_key(pattern), text);
    }
}

/// Saves a shared run in its own slot, beside the learner's work.
pub fn save_shared(pattern: Pattern, text: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(&shared_key(pattern), text);
    }
}

pub fn save_speed(speed: u32) {
    if let Some(s) = local() {
        let _ = s.set_item("podlab.speed", &speed.to_string());
    }
}

pub fn load_speed() -> Option<u32> {
    local()?.get_item("podlab.speed").ok()??.parse().ok()
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
