//! Yew-free view models: everything the UI shows that can be derived purely, tested natively.

pub mod cluster;
pub mod editor;
pub mod exercises;
pub mod locks;
pub mod panels;
pub mod route;
pub mod scrollback;
pub mod session;
pub mod share;
pub mod stateful;
pub mod timeline;
