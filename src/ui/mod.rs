//! The browser app (feature `web`). The only module that may use yew, web-sys, gloo and
//! wasm-bindgen; it renders view models from the core.

pub mod app;
pub mod components;
pub mod hooks;
pub mod location;
pub mod panic;
pub mod state;
pub mod storage;

pub use app::App;

/// Mounts the app on the page's body. Called by the wasm entry in `src/main.rs`.
pub fn start() {
    panic::install();
    yew::Renderer::<App>::new().render();
}
