use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use crate::view::editor::{extent, highlight_lines, indent, EditorDiag, TextEdit};

/// Lines drawn beyond the ones in view on each side; the drawn window moves in steps of this.
const OVERSCAN: usize = 40;
/// Lines drawn at least, before the editor has measured itself.
const MIN_ROWS: usize = 80;
/// Problems listed below the editor; the count above says how many there are in all.
const MAX_LISTED: usize = 200;

#[derive(Properties, PartialEq)]
pub struct EditorPaneProps {
    pub text: Rc<str>,
    pub diags: Rc<Vec<EditorDiag>>,
    /// The problems listed are from before the last edit; new ones come when typing pauses.
    #[prop_or_default]
    pub checking: bool,
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
    // Tab indents only once the learner works in the editor (types, or clicks in it); until
    // then, and again after Escape or leaving it, Tab moves on, so a keyboard user tabbing
    // through the page passes the editor without changing it.
    let engaged = use_mut_ref(|| false);

    // Only the lines in view (and a margin) are drawn, so a long buffer types as fast as a short one.
    let window = use_state_eq(|| (0usize, MIN_ROWS + 3 * OVERSCAN));
    let size = use_memo(props.text.clone(), |t| extent(t));
    let lines = {
        let (text, diags) = (props.text.clone(), props.diags.clone());
        use_memo((text, diags, *window), |(t, d, (first, count))| {
            highlight_lines(t, d, *first, *count)
        })
    };
    // After the text changes (a paste can scroll the textarea): keep the copy behind scrolled
    // with it, and the window on it. Not after every render: measuring forces a layout of the
    // whole page, 15 ms a step at 1,000 pods.
    {
        let (area, overlay, gutter, measure) = (
            area.clone(),
            overlay.clone(),
            gutter.clone(),
            measure.clone(),
        );
        let window = window.clone();
        use_effect_with(props.text.clone(), move |_| {
            if let Some(ta) = area.cast::<HtmlTextAreaElement>() {
                follow(&ta, &overlay, &gutter);
                if let Some(w) = view_window(&ta, &measure) {
                    window.set(w);
                }
            }
        });
    }

    let oninput = {
        let engaged = engaged.clone();
        props.on_change.reform(move |e: InputEvent| {
            *engaged.borrow_mut() = true;
            e.target_unchecked_into::<HtmlTextAreaElement>().value()
        })
    };
    let onmousedown = {
        let engaged = engaged.clone();
        Callback::from(move |_: MouseEvent| *engaged.borrow_mut() = true)
    };
    let onblur = {
        let engaged = engaged.clone();
        Callback::from(move |_: FocusEvent| *engaged.borrow_mut() = false)
    };
    let onkeydown = {
        let (on_change, on_apply) = (props.on_change.clone(), props.on_apply.clone());
        let engaged = engaged.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_apply.emit(());
                return;
            }
            match key.as_str() {
                "Escape" => {
                    *engaged.borrow_mut() = false;
                    return;
                }
                "Tab" => {}
                // A modifier alone is not working in the editor; any other key is.
                "Shift" | "Control" | "Alt" | "Meta" => return,
                _ => {
                    *engaged.borrow_mut() = true;
                    return;
                }
            }
            if !*engaged.borrow() || e.ctrl_key() || e.alt_key() || e.meta_key() {
                return;
            }
            e.prevent_default();
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            let start = ta.selection_start().ok().flatten().unwrap_or(0);
            let end = ta.selection_end().ok().flatten().unwrap_or(0);
            if let Some(edit) = indent(&ta.value(), start, end, e.shift_key()) {
                edit_text(&ta, &edit, &on_change);
            }
        })
    };
    let onscroll = {
        let (overlay, gutter, measure) = (overlay.clone(), gutter.clone(), measure.clone());
        let window = window.clone();
        Callback::from(move |e: Event| {
            let ta: HtmlTextAreaElement = e.target_unchecked_into();
            follow(&ta, &overlay, &gutter);
            if let Some(w) = view_window(&ta, &measure) {
                window.set(w);
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

    let (total, widest) = *size;
    let first = window.0.min(total);
    let below = total.saturating_sub(first + lines.len());
    let rows_high = |rows: usize| format!("height:calc({rows} * var(--lh))");
    let gutter_rows = lines.iter().enumerate().map(|(i, l)| {
        let (class, title) = match l.diag.map(|d| &props.diags[d]) {
            Some(d) if d.error => ("ln err", Some(d.label())),
            Some(d) => ("ln warn", Some(d.label())),
            None => ("ln", None),
        };
        html! { <div {class} {title}>{ first + i + 1 }</div> }
    });
    let code_rows = lines.iter().enumerate().map(|(i, l)| {
        let spans = l.spans.iter().map(|s| match s.diag {
            Some(d) => {
                let diag = &props.diags[d];
                let class = super::class_of(&[Some(s.class), Some(if diag.error { "d-err" } else { "d-warn" })]);
                html! { <span {class} data-line={(first + i + 1).to_string()} title={diag.label()}>{ &s.text }</span> }
            }
            None if s.class.is_empty() => html! { { &s.text } },
            None => html! { <span class={s.class}>{ &s.text }</span> },
        });
        html! { <>{ for spans }{ "\n" }</> }
    });
    let (measure_at, engaged_at) = (measure.clone(), engaged.clone());
    let problems = props.diags.iter().take(MAX_LISTED).map(|d| {
        let class = if d.error {
            "problem err"
        } else {
            "problem warn"
        };
        let onclick = {
            let (area, line, col) = (area.clone(), d.line, d.col);
            let (measure, engaged) = (measure_at.clone(), engaged_at.clone());
            Callback::from(move |_: MouseEvent| {
                let Some(ta) = area.cast::<HtmlTextAreaElement>() else {
                    return;
                };
                let _ = ta.focus();
                *engaged.borrow_mut() = true;
                if let Some(line) = line {
                    let value = ta.value();
                    let before: usize = value
                        .split('\n')
                        .take(line as usize - 1)
                        .map(|l| l.encode_utf16().count() + 1)
                        .sum();
                    let at = (before + col as usize - 1) as u32;
                    let _ = ta.set_selection_range(at, at);
                    show_position(&ta, &measure, line, col);
                }
            })
        };
        html! { <li><button type="button" {class} {onclick}>{ d.label() }</button></li> }
    });
    let errors = props.diags.iter().filter(|d| d.error).count();
    let warnings = props.diags.len() - errors;
    let summary = match (errors, warnings) {
        _ if props.checking => "Checking…".to_string(),
        (0, 0) => "No problems.".to_string(),
        (e, w) => format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    };
    let more = props.diags.len().saturating_sub(MAX_LISTED);
    let on_apply = props.on_apply.reform(|_: MouseEvent| ());
    let gutter_style = format!("min-width:{}ch", total.to_string().len().max(4));

    html! {
        <section id="editor" class="region editor" aria-labelledby="editor-title" tabindex="-1">
            <div class="editor-head">
                <h2 id="editor-title">{ "Manifests" }</h2>
                <span class="file" title="Apply runs `kubectl apply -f` with this name; a changed text gets a new one, so the log keeps every version">{ &props.file }</span>
                <button type="button" class="apply primary" onclick={on_apply}
                    aria-keyshortcuts="Control+Enter" title="Apply (Ctrl+Enter)">{ "Apply" }</button>
            </div>
            <div class="code">
                <div class="gutter" ref={gutter} aria-hidden="true" style={gutter_style}>
                    <div class="spacer" style={rows_high(first)}></div>
                    { for gutter_rows }
                    <div class="spacer" style={rows_high(below)}></div>
                </div>
                <div class="code-area">
                    <pre class="overlay" ref={overlay} aria-hidden="true"><code>
                        <span class="spacer" style={rows_high(first)}></span>
                        { for code_rows }
                        <span class="spacer" style={format!("{};width:{widest}ch", rows_high(below))}></span>
                    </code></pre>
                    <textarea ref={area.clone()} class="source" spellcheck="false" wrap="off"
                        autocomplete="off" autocapitalize="off"
                        aria-label="YAML manifests" aria-describedby="editor-help editor-problems"
                        value={props.text.to_string()} {oninput} {onkeydown} {onscroll} {onmousemove}
                        {onmousedown} {onblur} />
                    <span class="measure" ref={measure} aria-hidden="true">{ "0000000000" }</span>
                </div>
            </div>
            <p id="editor-help" class="hint">{ "After you type or click here, Tab indents (Shift+Tab outdents); Esc, then Tab, leaves. Ctrl+Enter applies." }</p>
            <div class="problems-head" aria-live="polite">{ summary }</div>
            <ul id="editor-problems" class="problems">
                { for problems }
                if more > 0 {
                    <li class="more">{ format!("…and {more} more. Fix these first.") }</li>
                }
            </ul>
        </section>
    }
}

/// Scrolls the textarea so that `line`:`col` (1-based) is in view, a third of the way down
/// when it has to move; the scroll event then brings the copy, the numbers and the window.
fn show_position(ta: &HtmlTextAreaElement, measure: &NodeRef, line: u32, col: u32) {
    let Some(m) = measure.cast::<Element>() else {
        return;
    };
    let cell = m.get_bounding_client_rect();
    let (cw, lh) = (cell.width() / 10.0, cell.height());
    if cw <= 0.0 || lh <= 0.0 {
        return;
    }
    let pad = 8.0;
    let top = f64::from(line - 1) * lh + pad;
    let (view_top, view_h) = (f64::from(ta.scroll_top()), f64::from(ta.client_height()));
    if top < view_top || top + lh > view_top + view_h {
        ta.set_scroll_top((top - view_h / 3.0).max(0.0) as i32);
    }
    let left = f64::from(col.saturating_sub(1)) * cw + pad;
    let (view_left, view_w) = (f64::from(ta.scroll_left()), f64::from(ta.client_width()));
    if left < view_left || left + cw > view_left + view_w {
        ta.set_scroll_left((left - view_w / 2.0).max(0.0) as i32);
    }
}

/// Scrolls the highlighted copy and the line numbers with the textarea.
fn follow(ta: &HtmlTextAreaElement, overlay: &NodeRef, gutter: &NodeRef) {
    if let Some(o) = overlay.cast::<Element>() {
        o.set_scroll_top(ta.scroll_top());
        o.set_scroll_left(ta.scroll_left());
    }
    if let Some(g) = gutter.cast::<Element>() {
        g.set_scroll_top(ta.scroll_top());
    }
}

/// The lines to draw for the textarea's scroll position: `(first, count)`, moving in steps of
/// `OVERSCAN` so that scrolling re-renders once per `OVERSCAN` lines.
fn view_window(ta: &HtmlTextAreaElement, measure: &NodeRef) -> Option<(usize, usize)> {
    let lh = measure
        .cast::<Element>()?
        .get_bounding_client_rect()
        .height();
    if lh <= 0.0 {
        return None;
    }
    let top = (f64::from(ta.scroll_top()) - 8.0).max(0.0);
    let in_view = (f64::from(ta.client_height()) / lh).ceil() as usize + 1;
    let first = (((top / lh) as usize).saturating_sub(OVERSCAN) / OVERSCAN) * OVERSCAN;
    Some((first, in_view.max(MIN_ROWS) + 3 * OVERSCAN))
}

/// Lines an undoable edit may insert: Chromium's `insertText` takes time quadratic in them
/// (1,000 lines: about a second).
const MAX_UNDOABLE_LINES: usize = 200;

/// Makes an edit the way typing does, so Ctrl+Z undoes it: `insertText` goes through the
/// browser's undo stack and fires `input`. Where that is missing, or the edit is too long for
/// it, the text is set directly.
fn edit_text(ta: &HtmlTextAreaElement, edit: &TextEdit, on_change: &Callback<String>) {
    let _ = ta.set_selection_range(edit.from, edit.to);
    let short = edit.insert.matches('\n').count() < MAX_UNDOABLE_LINES;
    let typed = short
        && gloo::utils::document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| {
                d.exec_command_with_show_ui_and_value("insertText", false, &edit.insert)
                    .ok()
            })
            .unwrap_or(false);
    if !typed {
        let _ = ta.set_range_text_with_start_and_end(&edit.insert, edit.from, edit.to);
        on_change.emit(ta.value());
    }
    let _ = ta.set_selection_range(edit.select.0, edit.select.1);
}
