//! Any bytes through the whole check (decoding, sniffing, the record
//! reader, mapping, normalizing, rules, outputs) under each built-in
//! profile: it may refuse the file, never panic; the counts add up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use listgate_core::{CheckOptions, JudgeOptions, Outputs, Profile, ReadOptions, check_bytes};

const PROFILES: [&str; 4] = ["whatsapp", "mongoose", "sms-us", "email-gdpr"];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let profile =
        Profile::builtin(PROFILES[usize::from(choice) % PROFILES.len()]).expect("built in");
    let options = CheckOptions {
        reading: ReadOptions {
            header: match choice & 24 {
                8 => Some(true),
                16 => Some(false),
                _ => None,
            },
            ..ReadOptions::default()
        },
        judging: JudgeOptions {
            default_region: (choice & 4 != 0).then(|| "GB".to_owned()),
            // whatsapp refuses a check without one before reading a byte.
            business_name: Some("Acme".to_owned()),
            ..JudgeOptions::default()
        },
        ..CheckOptions::default()
    };
    let mut outputs = Outputs::default();
    if let Ok(report) = check_bytes(bytes, profile, options, &mut outputs) {
        let s = &report.summary;
        assert_eq!(s.importable + s.rejected, s.rows, "{s:?}");
    }
});
