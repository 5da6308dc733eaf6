use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShareBoxProps {
    /// The share link; a new one opens the box again.
    pub url: AttrValue,
}

/// The share link in a box that floats above the Share button, so the timeline never moves:
/// the link (selected), Copy with a confirmation, and Close.
#[component]
pub fn ShareBox(props: &ShareBoxProps) -> Html {
    let input = use_node_ref();
    // The link the learner closed or copied; another link shows the box afresh.
    let closed = use_state_eq(|| None::<AttrValue>);
    let copied = use_state_eq(|| None::<AttrValue>);
    {
        let input = input.clone();
        use_effect_with(props.url.clone(), move |_| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
                i.select();
            }
        });
    }
    if closed.as_ref() == Some(&props.url) {
        return html! {};
    }
    let onfocus = Callback::from(|e: FocusEvent| {
        e.target_unchecked_into::<HtmlInputElement>().select();
    });
    let copy = {
        let (input, copied, url) = (input.clone(), copied.clone(), props.url.clone());
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
            copied.set(done.then(|| url.clone()));
        })
    };
    let close = {
        let (closed, url) = (closed.clone(), props.url.clone());
        Callback::from(move |_: MouseEvent| closed.set(Some(url.clone())))
    };
    let onkeydown = {
        let (closed, url) = (closed.clone(), props.url.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                closed.set(Some(url.clone()));
            }
        })
    };
    let status = if copied.as_ref() == Some(&props.url) {
        "Copied to the clipboard."
    } else {
        "Opening this link replays this exact run. Ctrl+C copies it."
    };
    html! {
        <div class="share-box" role="group" aria-label="Share link" {onkeydown}>
            <input ref={input} class="share-url" readonly=true value={props.url.clone()}
                aria-label="Share link" {onfocus} />
            <button type="button" onclick={copy}>{ "Copy" }</button>
            <button type="button" class="close" onclick={close} aria-label="Close the share link">{ "✕" }</button>
            <p class="hint" role="status">{ status }</p>
        </div>
    }
}
