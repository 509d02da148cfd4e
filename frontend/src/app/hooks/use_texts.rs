//! The merchant flow's words, from the nearest `ContextProvider<Rc<Texts>>`.

use crate::app::i18n::{Locale, Texts};
use std::rc::Rc;
use yew::prelude::*;

thread_local! {
    static ENGLISH: Rc<Texts> = Rc::new(Texts::default());
}

/// The words to show: the app's [`Texts`] context, or English without one.
#[hook]
pub fn use_texts() -> Rc<Texts> {
    use_context::<Rc<Texts>>().unwrap_or_else(|| ENGLISH.with(Rc::clone))
}

/// The browser's preferred language (`navigator.language`), English when
/// the browser does not say or speaks a language listgate does not ship.
pub fn browser_locale() -> Locale {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map_or(Locale::En, |tag| Locale::parse(&tag))
}
