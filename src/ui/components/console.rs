use std::rc::Rc;

use yew::prelude::*;

use crate::ui::state::ConsoleEntry;
use crate::view::scrollback::is_ahead;

#[derive(Properties, PartialEq)]
pub struct ConsolePanelProps {
    pub entries: Rc<Vec<ConsoleEntry>>,
    /// Simulated ms shown: entries after it are from later in the run.
    pub now: u64,
    pub on_run: Callback<String>,
    /// The prompt of a shell opened with `kubectl exec -it`, while it is open.
    #[prop_or_default]
    pub prompt: Option<String>,
    /// The open `kubectl get -w` or `watch`, printing as the timeline plays.
    #[prop_or_default]
    pub watching: Option<String>,
    /// Ctrl+C: stops the watch.
    #[prop_or_default]
    pub on_interrupt: Callback<()>,
}

/// The console: kubectl, dig and lab, as in the CLI. Up and Down walk the history.
#[component]
pub fn ConsolePanel(props: &ConsolePanelProps) -> Html {
    let input = use_state(String::new);
    // Position in the history while walking it with Up/Down; None when editing a new line.
    let cursor = use_state(|| None::<usize>);
    let scroll = use_node_ref();
    {
        let scroll = scroll.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(el) = scroll.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let history: Vec<String> = props
        .entries
        .iter()
        .filter(|e| !e.background)
        .map(|e| e.line.clone())
        .collect();
    let oninput = {
        let (input, cursor) = (input.clone(), cursor.clone());
        Callback::from(move |e: InputEvent| {
            input.set(
                e.target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            );
            cursor.set(None);
        })
    };
    let onkeydown = {
        let (input, cursor, on_run) = (input.clone(), cursor.clone(), props.on_run.clone());
        let (watching, on_interrupt) = (props.watching.is_some(), props.on_interrupt.clone());
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            // Ctrl+C stops a watch, as in a terminal (with no text selected, nothing to copy).
            "c" if watching && e.ctrl_key() && input.is_empty() => {
                e.prevent_default();
                on_interrupt.emit(());
            }
            "Enter" => {
                e.prevent_default();
                on_run.emit((*input).clone());
                input.set(String::new());
                cursor.set(None);
            }
            "ArrowUp" if !history.is_empty() => {
                e.prevent_default();
                let i = match *cursor {
                    None => history.len() - 1,
                    Some(i) => i.saturating_sub(1),
                };
                input.set(history[i].clone());
                cursor.set(Some(i));
            }
            "ArrowDown" => {
                e.prevent_default();
                match *cursor {
                    Some(i) if i + 1 < history.len() => {
                        input.set(history[i + 1].clone());
                        cursor.set(Some(i + 1));
                    }
                    _ => {
                        input.set(String::new());
                        cursor.set(None);
                    }
                }
            }
            _ => {}
        })
    };
    let clock = super::timeline::clock;
    html! {
        <section class="region console" aria-labelledby="console-title">
            <h2 id="console-title">{ "Console" }</h2>
            <div class="scrollback" ref={scroll} role="log" aria-live="polite" tabindex="0">
                if props.entries.is_empty() {
                    <p class="empty">{ "Type kubectl, dig or lab commands, as in the CLI: try `kubectl get nodes` or `lab help`. Menu actions on nodes and pods run here too." }</p>
                }
                { for props.entries.iter().map(|e| html! {
                    <div class={super::class_of(&[Some("entry"), (!e.ok).then_some("failed"), e.background.then_some("background"), is_ahead(e, props.now).then_some("ahead")])}
                        title={is_ahead(e, props.now).then_some("Later in the run than the point shown: a change here replaces it")}>
                        <div class="prompt" title={e.background.then_some("printed later by a command that runs on; lab interrupt stops it")}><span class="at">{ clock(e.at) }</span>{
                            if e.background { format!(" ({})", e.line) } else { format!(" $ {}", e.line) }
                        }</div>
                        <pre>{ &e.text }</pre>
                    </div>
                }) }
            </div>
            if let Some(w) = &props.watching {
                <p class="shell-prompt small" aria-live="polite">{ format!("watching `{w}`: it prints each change as the timeline plays; Ctrl+C stops it") }</p>
            }
            if let Some(p) = &props.prompt {
                <p class="shell-prompt small" aria-live="polite">{ format!("{p}  (inside the container; `exit` leaves)") }</p>
            }
            <input class="console-input" type="text" value={(*input).clone()} {oninput} {onkeydown}
                aria-label={if props.prompt.is_some() { "Shell command in the container" } else { "Console command" }}
                placeholder={props.prompt.clone().unwrap_or_else(|| "kubectl get pods".to_string())} spellcheck="false"
                autocomplete="off" autocapitalize="off" />
        </section>
    }
}
