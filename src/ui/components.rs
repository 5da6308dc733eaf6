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

pub use cluster::ClusterView;
pub use console::ConsolePanel;
pub use editor::EditorPane;
pub use exercise::ExercisePanel;
pub use header::Header;
pub use menu::ActionMenu;
pub use panels::{PanelBody, StatePanels};
pub use share::ShareBox;
pub use timeline::TimelineBar;
