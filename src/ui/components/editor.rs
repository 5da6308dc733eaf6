use std::rc::Rc;

use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::view::editor::{highlight, EditorDiag};

#[derive(Properties, PartialEq)]
pub struct EditorPaneProps {
    pub text: Rc<str>,
    pub diags: Rc<Vec<EditorDiag>>,
    /// The name the text is applied as.
    pub file: AttrValue,
    pub on_change: Callback<String>,
    pub on_apply: Callback<()>,
}

/// The YAML editor: a textarea over a highlighted copy of its text. The textarea keeps native
/// editing, selection, IME and accessibility; the copy behind it draws colours and underlines.
#[component]
pub fn EditorPane(props: &EditorPaneProps) -> Html {
    let area = use_node_ref();
    let overlay = use_node_ref();
    let gutter = use_node_ref();
    let measure = use_node_ref();
    // Escape lets the next Tab leave the editor, so keyboard users are never trapped.
    let tab_leaves = use_mut_ref(|| false);

    let lines = {
        let (text, diags) = (props.text.clone(), props.diags.clone());
        use_memo((text, diags), |(t, d)| highlight(t, d))
    };

    let oninput = props
        .on_change
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
    let onkeydown = {
        let (on_change, on_apply) = (props.on_change.clone(), props.on_apply.clone());
        let tab_leaves = tab_leaves.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_apply.emit(());
                return;
            }
            if key == "Escape" {
                *tab_leaves.borrow_mut() = true;
                return;
            }
            let leave = std::mem::replace(&mut *tab_leaves.borrow_mut(), false);
            if key != "Tab" || e.shift_key() || e.ctrl_key() || e.alt_key() || e.meta_key() || leave
            {
                return;
            }
            e.prevent_default();
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            let value = ta.value();
            let start = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
            let end = ta.selection_end().ok().flatten().unwrap_or(0) as usize;
            // Selection offsets count UTF-16 units.
            let units: Vec<u16> = value.encode_utf16().collect();
            let (start, end) = (start.min(units.len()), end.min(units.len()));
            let mut next: Vec<u16> = units[..start].to_vec();
            next.extend("  ".encode_utf16());
            next.extend_from_slice(&units[end..]);
            let next = String::from_utf16_lossy(&next);
            ta.set_value(&next);
            let caret = start as u32 + 2;
            let _ = ta.set_selection_range(caret, caret);
            on_change.emit(next);
        })
    };
    let onscroll = {
        let (overlay, gutter) = (overlay.clone(), gutter.clone());
        Callback::from(move |e: Event| {
            let ta: Element = e.target_unchecked_into();
            if let Some(o) = overlay.cast::<Element>() {
                o.set_scroll_top(ta.scroll_top());
                o.set_scroll_left(ta.scroll_left());
            }
            if let Some(g) = gutter.cast::<Element>() {
                g.set_scroll_top(ta.scroll_top());
            }
        })
    };
    // The message under the pointer becomes the textarea's tooltip.
    let onmousemove = {
        let (diags, measure) = (props.diags.clone(), measure.clone());
        Callback::from(move |e: MouseEvent| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            let Some(m) = measure.cast::<Element>() else {
                return;
            };
            let cell = m.get_bounding_client_rect();
            let (cw, lh) = (cell.width() / 10.0, cell.height());
            if cw <= 0.0 || lh <= 0.0 {
                return;
            }
            let rect = ta.get_bounding_client_rect();
            let style_pad = 8.0;
            let y = f64::from(e.client_y()) - rect.top() + f64::from(ta.scroll_top()) - style_pad;
            let x = f64::from(e.client_x()) - rect.left() + f64::from(ta.scroll_left()) - style_pad;
            let line = (y / lh).floor() as i64 + 1;
            let col = (x / cw).floor() as i64 + 1;
            let text = ta.value();
            let hit = diags.iter().find(|d| {
                let Some(l) = d.line else { return false };
                if i64::from(l) != line {
                    return false;
                }
                let row = text.split('\n').nth(l as usize - 1).unwrap_or("");
                let start = i64::from(d.col);
                let word = row
                    .chars()
                    .skip(d.col as usize - 1)
                    .take_while(|c| !c.is_whitespace())
                    .count()
                    .max(1) as i64;
                col >= start && col < start + word
            });
            match hit {
                Some(d) => {
                    let _ = ta.set_attribute("title", &d.label());
                }
                None => {
                    let _ = ta.remove_attribute("title");
                }
            }
        })
    };

    let gutter_rows = lines.iter().enumerate().map(|(i, l)| {
        let (class, title) = match l.diag.map(|d| &props.diags[d]) {
            Some(d) if d.error => ("ln err", Some(d.label())),
            Some(d) => ("ln warn", Some(d.label())),
            None => ("ln", None),
        };
        html! { <div {class} {title}>{ i + 1 }</div> }
    });
    let code_rows = lines.iter().enumerate().map(|(i, l)| {
        let spans = l.spans.iter().map(|s| match s.diag {
            Some(d) => {
                let diag = &props.diags[d];
                let class = classes!(s.class, if diag.error { "d-err" } else { "d-warn" });
                html! { <span {class} data-line={(i + 1).to_string()} title={diag.label()}>{ &s.text }</span> }
            }
            None if s.class.is_empty() => html! { { &s.text } },
            None => html! { <span class={s.class}>{ &s.text }</span> },
        });
        html! { <>{ for spans }{ "\n" }</> }
    });
    let problems = props.diags.iter().map(|d| {
        let class = if d.error {
            "problem err"
        } else {
            "problem warn"
        };
        let onclick = {
            let (area, line, col) = (area.clone(), d.line, d.col);
            Callback::from(move |_: MouseEvent| {
                let Some(ta) = area.cast::<HtmlTextAreaElement>() else {
                    return;
                };
                let _ = ta.focus();
                if let Some(line) = line {
                    let value = ta.value();
                    let before: usize = value
                        .split('\n')
                        .take(line as usize - 1)
                        .map(|l| l.encode_utf16().count() + 1)
                        .sum();
                    let at = (before + col as usize - 1) as u32;
                    let _ = ta.set_selection_range(at, at);
                }
            })
        };
        html! { <li><button type="button" {class} {onclick}>{ d.label() }</button></li> }
    });
    let errors = props.diags.iter().filter(|d| d.error).count();
    let warnings = props.diags.len() - errors;
    let summary = match (errors, warnings) {
        (0, 0) => "No problems.".to_string(),
        (e, w) => format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    };
    let on_apply = props.on_apply.reform(|_: MouseEvent| ());

    html! {
        <section id="editor" class="region editor" aria-labelledby="editor-title" tabindex="-1">
            <div class="editor-head">
                <h2 id="editor-title">{ "Manifests" }</h2>
                <span class="file">{ &props.file }</span>
                <button type="button" class="apply primary" onclick={on_apply}
                    aria-keyshortcuts="Control+Enter" title="Apply (Ctrl+Enter)">{ "Apply" }</button>
            </div>
            <div class="code">
                <div class="gutter" ref={gutter} aria-hidden="true">{ for gutter_rows }</div>
                <div class="code-area">
                    <pre class="overlay" ref={overlay} aria-hidden="true"><code>{ for code_rows }</code></pre>
                    <textarea ref={area.clone()} class="source" spellcheck="false" wrap="off"
                        autocomplete="off" autocapitalize="off"
                        aria-label="YAML manifests" aria-describedby="editor-help editor-problems"
                        value={props.text.to_string()} {oninput} {onkeydown} {onscroll} {onmousemove} />
                    <span class="measure" ref={measure} aria-hidden="true">{ "0000000000" }</span>
                </div>
            </div>
            <p id="editor-help" class="hint">{ "Tab indents by two spaces (Esc, then Tab, leaves the editor). Ctrl+Enter applies." }</p>
            <div class="problems-head" aria-live="polite">{ summary }</div>
            <ul id="editor-problems" class="problems">{ for problems }</ul>
        </section>
    }
}
