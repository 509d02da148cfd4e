//! A crash of the page's WebAssembly is explained on the page, in headless
//! Chromium (`scripts/test` runs this with wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use listgate_frontend::app::crash::show_crash;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn a_crash_is_explained_at_the_top_of_the_page() {
    show_crash();
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a page");
    let alert = document.get_element_by_id("crash").expect("the alert");
    assert_eq!(alert.get_attribute("role").as_deref(), Some("alert"));
    let words = alert.text_content().unwrap_or_default();
    assert!(words.contains("Reload the page"), "{words}");
    assert!(words.contains("never left this browser"), "{words}");
    let first = document
        .body()
        .and_then(|b| b.first_element_child())
        .expect("a first element");
    assert_eq!(first.id(), "crash", "the message comes first on the page");
}
