use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The share link in a box that floats above the Share button, so the timeline never moves:
/// the link (selected), Copy with a confirmation, and Close. A function, not a component: what
/// it remembers (closed, copied) is the app's (`LabState::share_closed`, `share_copied`), and
/// the app focuses `input` when a new link comes (`App`'s effect on `LabState::share`).
pub fn share_box(
    url: &str,
    input: &NodeRef,
    copied: bool,
    on_copied: &Callback<Option<String>>,
    on_closed: &Callback<String>,
) -> Html {
    let onfocus = Callback::from(|e: FocusEvent| {
        e.target_unchecked_into::<HtmlInputElement>().select();
    });
    let copy = {
        let (input, url, on_copied) = (input.clone(), url.to_string(), on_copied.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(i) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let _ = i.focus();
            i.select();
            let done = gloo::utils::document()
                .dyn_into::<web_sys::HtmlDocument>()
                .ok()
                .and_then(|d| d.exec_command("copy").ok())
                .unwrap_or(false);
            on_copied.emit(done.then(|| url.clone()));
        })
    };
    let close = {
        let url = url.to_string();
        on_closed.reform(move |_: MouseEvent| url.clone())
    };
    let onkeydown = {
        let (on_closed, url) = (on_closed.clone(), url.to_string());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_closed.emit(url.clone());
            }
        })
    };
    let status = if copied {
        "Copied to the clipboard."
    } else {
        "Opening this link replays this exact run. Ctrl+C copies it."
    };
    html! {
        <div class="share-box" role="group" aria-label="Share link" {onkeydown}>
            <input ref={input.clone()} class="share-url" readonly=true value={url.to_string()}
                aria-label="Share link" {onfocus} />
            <button type="button" onclick={copy}>{ "Copy" }</button>
            <button type="button" class="close" onclick={close} aria-label="Close the share link">{ "✕" }</button>
            <p class="hint" role="status">{ status }</p>
        </div>
    }
}

/// Focuses and selects the share link's text when a new link comes, as the box did when it
/// appeared.
#[hook]
pub fn use_share_focus(url: Option<String>, input: NodeRef) {
    use_effect_with(url, move |_| {
        if let Some(i) = input.cast::<HtmlInputElement>() {
            let _ = i.focus();
            i.select();
        }
    });
}
