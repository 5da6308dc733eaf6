use std::rc::Rc;

use yew::prelude::*;

use crate::ui::state::ConsoleEntry;
use crate::view::scrollback::is_ahead;

pub struct ConsolePanelProps {
    pub entries: Rc<Vec<ConsoleEntry>>,
    /// Simulated ms shown: entries after it are from later in the run.
    pub now: u64,
    pub on_run: Callback<String>,
    /// The prompt of a shell opened with `kubectl exec -it`, while it is open.
    pub prompt: Option<String>,
    /// The open `kubectl get -w` or `watch`, printing as the timeline plays.
    pub watching: Option<String>,
    /// Ctrl+C: stops the watch.
    pub on_interrupt: Callback<()>,
}

/// The app's side of the console: the scrollback follows new entries.
#[hook]
pub fn use_scrollback_follow(entries: usize) {
    use_effect_with(entries, move |_| {
        if let Ok(Some(el)) = gloo::utils::document().query_selector(".console .scrollback") {
            el.set_scroll_top(el.scroll_height());
        }
    });
}

/// Where Up and Down are in the history, kept on the input (`data-at`); none when editing a
/// new line.
fn history_at(input: &web_sys::HtmlInputElement) -> Option<usize> {
    input.get_attribute("data-at").and_then(|a| a.parse().ok())
}

fn show_history(input: &web_sys::HtmlInputElement, line: &str, at: Option<usize>) {
    input.set_value(line);
    match at {
        Some(i) => {
            let _ = input.set_attribute("data-at", &i.to_string());
        }
        None => {
            let _ = input.remove_attribute("data-at");
        }
    }
}

/// The console: kubectl, dig and lab, as in the CLI. Up and Down walk the history. A function,
/// not a component: the line being typed lives in the input element itself (read on Enter),
/// and the app keeps the scrollback following (`use_scrollback_follow`).
pub fn console_panel(props: &ConsolePanelProps) -> Html {
    let history: Vec<String> = props
        .entries
        .iter()
        .filter(|e| !e.background)
        .map(|e| e.line.clone())
        .collect();
    let oninput = Callback::from(|e: InputEvent| {
        let _ = e
            .target_unchecked_into::<web_sys::Element>()
            .remove_attribute("data-at");
    });
    let onkeydown = {
        let on_run = props.on_run.clone();
        let (watching, on_interrupt) = (props.watching.is_some(), props.on_interrupt.clone());
        Callback::from(move |e: KeyboardEvent| {
            let input = e.target_unchecked_into::<web_sys::HtmlInputElement>();
            match e.key().as_str() {
                // Ctrl+C stops a watch, as in a terminal (with no text selected, nothing to copy).
                "c" if watching && e.ctrl_key() && input.value().is_empty() => {
                    e.prevent_default();
                    on_interrupt.emit(());
                }
                "Enter" => {
                    e.prevent_default();
                    let line = input.value();
                    show_history(&input, "", None);
                    on_run.emit(line);
                }
                "ArrowUp" if !history.is_empty() => {
                    e.prevent_default();
                    let i = match history_at(&input) {
                        None => history.len() - 1,
                        Some(i) => i.saturating_sub(1),
                    };
                    show_history(&input, &history[i.min(history.len() - 1)], Some(i));
                }
                "ArrowDown" => {
                    e.prevent_default();
                    match history_at(&input) {
                        Some(i) if i + 1 < history.len() => {
                            show_history(&input, &history[i + 1], Some(i + 1));
                        }
                        _ => show_history(&input, "", None),
                    }
                }
                _ => {}
            }
        })
    };
    let clock = super::timeline::clock;
    html! {
        <section class="region console" aria-labelledby="console-title">
            <h2 id="console-title">{ "Console" }</h2>
            <div class="scrollback" role="log" aria-live="polite" tabindex="0">
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
            <input class="console-input" type="text" {oninput} {onkeydown}
                aria-label={if props.prompt.is_some() { "Shell command in the container" } else { "Console command" }}
                placeholder={props.prompt.clone().unwrap_or_else(|| "kubectl get pods".to_string())} spellcheck="false"
                autocomplete="off" autocapitalize="off" />
        </section>
    }
}
