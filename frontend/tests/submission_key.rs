//! The Idempotency-Key of a submission comes from the browser's
//! cryptographic generator, in headless Chromium (`scripts/test` runs this
//! with wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use listgate_frontend::app::state::new_submission_key;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn submission_keys_are_128_random_bits_in_hex() {
    let keys: Vec<String> = (0..1_000).map(|_| new_submission_key()).collect();
    for key in &keys {
        assert_eq!(key.len(), 32, "{key}");
        assert!(
            key.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "{key}"
        );
    }
    let mut distinct = keys.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), keys.len(), "no key repeats");
    // Every hex digit position takes many values: not a counter or a clock.
    for position in 0..32 {
        let mut seen: Vec<u8> = keys.iter().map(|k| k.as_bytes()[position]).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(
            seen.len(),
            16,
            "digit {position} takes every value over 1,000 keys"
        );
    }
}
