//! The lab's regions, one component per file. Each gets data and callbacks only.

pub mod cluster;
pub mod editor;
pub mod exercise;
pub mod header;
pub mod panels;
pub mod timeline;

pub use cluster::ClusterView;
pub use editor::EditorPane;
pub use exercise::ExercisePanel;
pub use header::Header;
pub use panels::StatePanels;
pub use timeline::TimelineBar;
