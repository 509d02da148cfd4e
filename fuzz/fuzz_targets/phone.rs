//! Any text as a phone cell, with and without a default country and under
//! the US-only rules: a number or a named problem, never a panic; a number
//! read is E.164 and reads back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use listgate_core::normalize::phone::{PhoneRules, normalize_phone, parse_region};
use listgate_core::profile::PhoneStyle;

fuzz_target!(|text: &str| {
    for (region, nanp_only) in [(None, false), (Some("GB"), false), (Some("US"), true)] {
        let rules = PhoneRules {
            region: region.and_then(parse_region),
            region_forced: false,
            nanp_only,
            allowed: vec![],
            style: PhoneStyle::International,
        };
        if let Ok(phone) = normalize_phone(text, &rules) {
            assert!(phone.e164.starts_with('+'), "{phone:?}");
            let again = normalize_phone(&phone.e164, &rules).expect("E.164 reads back");
            assert_eq!(again.e164, phone.e164);
        }
    }
});
