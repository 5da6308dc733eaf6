//! The browser app's wasm entry (feature `web`).

fn main() {
    podlab::ui::start();
}
