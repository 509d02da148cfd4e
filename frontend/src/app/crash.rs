//! A panic stops the page's WebAssembly for good. Instead of a page that
//! silently stops answering, the merchant reads what happened and what to do.

use super::hooks::use_texts::browser_locale;
use super::i18n::Texts;

/// Shows [`show_crash`]'s message when the page panics (the details go to
/// the browser's console).
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
        show_crash();
    }));
}

/// Puts a plain-language alert (`#crash`) at the top of the page, in the
/// browser's language. Built with the DOM alone: the app cannot render any more.
pub fn show_crash() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(alert) = document.create_element("div") else {
        return;
    };
    alert.set_id("crash");
    alert.set_class_name("alert");
    let _ = alert.set_attribute("role", "alert");
    alert.set_text_content(Some(Texts::new(browser_locale()).get("app.crash")));
    let _ = body.prepend_with_node_1(&alert);
}
