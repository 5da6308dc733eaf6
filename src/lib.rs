//! podlab's core: a deterministic model of a Kubernetes cluster.
//!
//! Everything outside `ui` is pure: no wall clock, no OS randomness, no IO.
//! The `web` feature adds the Yew app in `ui`.

pub mod codec;
pub mod console;
pub mod manifest;
pub mod model;
pub mod pack;
pub mod scenario;
pub mod sim;
pub mod sort;
pub mod sorted;
pub mod view;

#[cfg(feature = "web")]
pub mod ui;

/// The version printed by `podlab --version` and shown in the app's footer.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
