//! Properties of the whole pipeline on arbitrary input: it never panics, the
//! counts add up, every row lands in exactly one output, and feeding the
//! same bytes in any chunk sizes gives the same report.

mod common;

use common::options;
use listgate_core::{Checker, Outputs, Profile, check_bytes};
use proptest::prelude::*;

/// Bytes that look a bit like a contact list, mixed with arbitrary noise.
fn list_like() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        Just("+44 7911 123456".to_owned()),
        Just("07911 123457".to_owned()),
        Just("2025-03-05".to_owned()),
        Just("03/04/2025".to_owned()),
        Just("Yes to WhatsApp".to_owned()),
        Just("Yes to Acme offers on WhatsApp".to_owned()),
        Just("whatsapp".to_owned()),
        Just("sms".to_owned()),
        Just("\"quoted, \"\"text\"\"\n\"".to_owned()),
        Just("=cmd".to_owned()),
        "[a-zA-Z0-9 @.+éü-]{0,12}",
    ];
    let row = prop::collection::vec(cell, 0..7).prop_map(|cells| cells.join(","));
    let text = prop::collection::vec(row, 0..12).prop_map(|rows| {
        let mut t = String::from("phone,opt_in_at,opt_in_source,opt_in_text,channel,email\n");
        t.push_str(&rows.join("\r\n"));
        t.into_bytes()
    });
    prop_oneof![text, prop::collection::vec(any::<u8>(), 0..600)]
}

fn check_in_chunks(
    bytes: &[u8],
    chunk: usize,
    outputs: &mut Outputs,
) -> Result<listgate_core::Report, listgate_core::CheckError> {
    let mut checker = Checker::new(Profile::builtin("whatsapp").expect("profile"), options())?;
    for piece in bytes.chunks(chunk.max(1)) {
        checker.feed(piece, outputs)?;
    }
    checker.finish(outputs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_counts_add_up(bytes in list_like(), chunk in 1usize..64) {
        for profile in listgate_core::profile::BUILTIN_PROFILES {
            let mut outputs = Outputs::default();
            if let Ok(report) = check_bytes(&bytes, Profile::builtin(profile).expect("profile"), options(), &mut outputs) {
                let s = report.summary;
                prop_assert_eq!(s.rows, s.importable + s.rejected);
                prop_assert_eq!(outputs.counts.clean, s.importable);
                prop_assert_eq!(outputs.counts.errors + s.set_aside, s.rejected);
                let segments = &report.segments;
                prop_assert_eq!(segments.whatsapp + segments.sms_only + segments.email_only + segments.unknown, s.rows);
                // Every importable contact is under one opt-in source, when the file has them.
                if report.mapping.contains_key("opt_in_source") {
                    let listed: u64 = report.opt_in_sources.iter().map(|c| c.contacts).sum();
                    prop_assert_eq!(listed + report.opt_in_sources_not_listed, s.importable);
                } else {
                    prop_assert!(report.opt_in_sources.is_empty());
                }
            }
        }
        let whole = check_bytes(&bytes, Profile::builtin("whatsapp").expect("profile"), options(), &mut Outputs::default());
        let mut chunked_outputs = Outputs::default();
        let chunked = check_in_chunks(&bytes, chunk, &mut chunked_outputs);
        prop_assert_eq!(whole, chunked);
    }
}

#[test]
fn chunk_size_does_not_change_the_verdict_past_the_sniffing_sample() {
    let mut text = String::from("Mobile;Opt-in Date;Source;Consent Text;Channel\r\n");
    for i in 0..4000u32 {
        let channel = ["whatsapp", "sms", "email", ""][(i % 4) as usize];
        let phone = if i % 7 == 0 {
            format!("07911 {:06}", 100_000 + i % 500)
        } else {
            format!("+44 7911 {:06}", 100_000 + i)
        };
        text.push_str(&format!(
            "{phone};2025-0{}-05;shop;\"Yes; WhatsApp\nfrom Acme\";{channel}\r\n",
            1 + i % 9
        ));
    }
    assert!(text.len() > 3 * listgate_core::check::SAMPLE_BYTES);
    let whole = check_bytes(
        text.as_bytes(),
        Profile::builtin("whatsapp").expect("profile"),
        options(),
        &mut Outputs::default(),
    )
    .expect("report");
    assert_eq!(whole.summary.rows, 4000);
    for chunk in [1, 7, 4096, 65_537] {
        let mut outputs = Outputs::default();
        assert_eq!(
            check_in_chunks(text.as_bytes(), chunk, &mut outputs).expect("report"),
            whole,
            "chunk {chunk}"
        );
        assert_eq!(outputs.counts.clean, whole.summary.importable);
    }
}
