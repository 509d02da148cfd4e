//! Hooks that connect the page to the browser.

pub mod use_worker;
