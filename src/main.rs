//! The browser app's wasm entry (feature `web`).

// talc instead of the standard library's dlmalloc: the same allocation API, less code.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    podlab::ui::start();
}
