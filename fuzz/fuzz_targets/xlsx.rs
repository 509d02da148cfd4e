//! Any bytes as an `.xlsx` workbook: refused with a message or read, never
//! a panic, a hang or unbounded memory (zip bombs).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = listgate_core::xlsx::read_xlsx(data, &listgate_core::CheckOptions::default());
});
