//! Any text as a date or timestamp cell, with inferred, declared and
//! strftime formats: a value or a named problem, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use listgate_core::normalize::date::{DateRules, format_instant, parse_date, parse_instant};

fuzz_target!(|text: &str| {
    for format in [
        None,
        Some("DD/MM/YYYY"),
        Some("MM/DD/YYYY hh:mm"),
        Some("%d.%m.%Y %H:%M"),
    ] {
        let rules = DateRules::declared(format);
        if let Ok(instant) = parse_instant(text, &rules) {
            let _ = format_instant(instant);
        }
        let _ = parse_date(text, &rules);
    }
});
