//! Hooks that connect the page to the browser.

pub mod use_texts;
pub mod use_worker;
