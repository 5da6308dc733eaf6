//! The lab's regions, one component per file. Each gets data and callbacks only.

pub mod cluster;
pub mod console;
pub mod editor;
pub mod exercise;
pub mod header;
pub mod locks;
pub mod menu;
pub mod panels;
pub mod share;
pub mod stateful;
pub mod timeline;

pub use cluster::{cluster_view, ClusterViewProps};
pub use console::{console_panel, use_scrollback_follow, ConsolePanelProps};
pub use editor::EditorPane;
pub use exercise::{exercise_panel, ExercisePanelProps};
pub use header::{header, HeaderProps};
pub use menu::use_menu;
pub use panels::{state_panels, PanelBody, StatePanelsProps};
pub use share::{share_box, use_share_focus};
pub use timeline::{timeline_bar, TimelineBarProps};

/// An element's `class` from the names that apply, in order, each once (what `classes!` gives),
/// or no attribute when none does. A plain string: `classes!` built a shared, hashed set per
/// element, which compiled to set code at every use.
pub(crate) fn class_of(names: &[Option<&str>]) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for name in names.iter().flatten() {
        for token in name.split_whitespace() {
            if !out.contains(&token) {
                out.push(token);
            }
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}
