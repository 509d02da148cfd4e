//! Any bytes as an `.xlsx` workbook: refused with a message or read, never
//! a panic, a hang or unbounded memory (zip bombs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static QUIET: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    // The workbook reader's own panics (overflow checks, which release
    // builds do not have) are caught inside `read_xlsx` and refused; the
    // fuzzer's hook would abort on them before they are caught. A panic
    // that escapes `read_xlsx` still fails the run.
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let _ = listgate_core::xlsx::read_xlsx(data, &listgate_core::CheckOptions::default());
});
