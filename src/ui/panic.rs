//! A panic in the app must not leave a dead page. The release build aborts on panic, so the
//! hook draws a recovery view before the abort, with plain DOM calls (Yew is gone by then).

use std::sync::Once;

static INSTALL: Once = Once::new();

pub fn install() {
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            show(&info.to_string());
            default(info);
        }));
    });
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Draws the recovery view over the page.
pub fn show(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(div) = doc.create_element("div") else {
        return;
    };
    div.set_id("crash");
    let _ = div.set_attribute("role", "alertdialog");
    let _ = div.set_attribute("aria-labelledby", "crash-title");
    // Inline handlers: no Rust runs after the abort.
    div.set_inner_html(&format!(
        "<div class=\"crash-box\"><h2 id=\"crash-title\">The lab stopped with an error</h2>\
         <p>Your work up to the last pause is in this browser's autosave.</p>\
         <pre>{}</pre>\
         <p><button type=\"button\" onclick=\"location.reload()\" autofocus>Reload from the autosave</button> \
         <button type=\"button\" onclick=\"Object.keys(localStorage).filter(function(k){{return k.indexOf('podlab.')===0}}).forEach(function(k){{localStorage.removeItem(k)}});location.hash='';location.reload()\">Start fresh</button></p></div>",
        escape(message)
    ));
    if let Some(body) = doc.body() {
        let _ = body.append_child(&div);
    }
}
