//! Any text as a custom profile (`--profile my.toml`): loaded or refused
//! with a message, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = listgate_core::Profile::from_toml(text);
});
