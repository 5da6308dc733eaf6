//! Yew-free view models: everything the UI shows that can be derived purely, tested natively.

pub mod route;
