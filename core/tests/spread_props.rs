//! A check spread over workers ([`SpreadCheck`]) gives the report, the
//! outputs and the listed changes of a check on one worker, wherever the
//! file is cut: random lists (quoted newlines, CRLF, blank lines,
//! duplicates, invalid bytes, merchant's edits) and random chunk sizes.

mod common;

use common::options;
use listgate_core::edits::{CellChange, Fix, History, RowFilter, Step};
use listgate_core::split::{Stretch, cuts};
use listgate_core::{
    CheckError, CheckOptions, Layout, Outputs, Profile, Report, RowVerdict, SPREAD_HEAD_BYTES,
    Sink, SpreadCheck, check_bytes,
};
use proptest::prelude::*;
use std::sync::Arc;

/// Everything a check hands its sink, kept for comparison.
#[derive(Default)]
struct Seen {
    outputs: Outputs,
    fixed: Vec<(usize, CellChange)>,
    layouts: usize,
}

impl Sink for Seen {
    fn layout(&mut self, layout: &Layout) {
        self.layouts += 1;
        self.outputs.layout(layout);
    }

    fn row(&mut self, verdict: &RowVerdict<'_>) {
        self.outputs.row(verdict);
    }

    fn fixed(&mut self, step: usize, change: CellChange) {
        self.fixed.push((step, change));
    }
}

impl Seen {
    fn files(&mut self) -> Vec<(String, Vec<u8>, u64)> {
        self.outputs
            .files_mut()
            .map(|(file, bytes, rows)| (file.to_string(), bytes.clone(), rows))
            .collect()
    }
}

/// A list well past the sample, so that it is spread.
fn list(seed: &[u8], rows: usize) -> Vec<u8> {
    let mut text =
        String::from("phone,opt_in_at,opt_in_source,opt_in_text,channel,email,note,age\r\n");
    for i in 0..rows {
        let pick = |n: usize| usize::from(seed[(i * 7 + n) % seed.len()]);
        let number = 123_000 + pick(0) * 3 + i % 500;
        let phone = match pick(1) % 5 {
            0 => format!("+44 7911 {number}"),
            1 => format!("07911 {number}"),
            2 => format!("+447911{number}"),
            3 => "bad".to_owned(),
            _ => String::new(),
        };
        let note = match pick(2) % 6 {
            0 => "\"line one\r\nline two, \"\"quoted\"\"\"".to_owned(),
            1 => "tablet".to_owned(),
            2 => "café".to_owned(),
            _ => format!("n{i}"),
        };
        let channel = ["whatsapp", "sms", "email", "", "whatsapp,sms"][pick(3) % 5];
        let date = ["2025-01-05", "03/04/2025", "2019-01-01", "soon"][pick(4) % 4];
        text.push_str(&format!(
            "{phone},{date},shop.example,Yes to Acme offers on WhatsApp,{channel},a{}@example.com,{note},{}\r\n",
            i % 900,
            pick(6) % 60
        ));
        if pick(5) % 40 == 0 {
            text.push_str("\r\n");
        }
    }
    let mut bytes = text.into_bytes();
    if seed[0].is_multiple_of(4) {
        // An invalid byte, far from the start.
        let at = bytes.len() * 3 / 4;
        bytes.insert(at, 0xFF);
    }
    bytes
}

fn edits(seed: u8) -> CheckOptions {
    let mut history = History::default();
    if seed.is_multiple_of(2) {
        history.push(Step::Fix {
            fix: Fix::Delete {
                rows: RowFilter {
                    column: 6,
                    text: "tablet".into(),
                    whole_cell: true,
                },
            },
            from_row: 2,
        });
        history.push(Step::Fix {
            fix: Fix::Replace {
                column: 1,
                find: "soon".into(),
                with: "2025-02-02".into(),
                whole_cell: true,
            },
            from_row: 2,
        });
    }
    CheckOptions {
        edits: Arc::new(history.edits()),
        ..options()
    }
}

/// The check on one worker: the report, the files and the changes listed.
fn whole(
    bytes: &[u8],
    profile: &Profile,
    options: &CheckOptions,
) -> Result<(Report, Seen), CheckError> {
    let mut seen = Seen::default();
    let report = check_bytes(bytes, profile.clone(), options.clone(), &mut seen)?;
    Ok((report, seen))
}

/// The check spread: cut where `chunk` says, each range judged by a
/// fresh worker's `SpreadCheck`, settled in order by another.
fn spread(
    bytes: &[u8],
    chunk: usize,
    profile: &Profile,
    options: &CheckOptions,
) -> Result<(Report, Seen), CheckError> {
    let head = &bytes[..bytes.len().min(SPREAD_HEAD_BYTES)];
    let build = || {
        SpreadCheck::new(profile.clone(), options.clone(), head, bytes.len() as u64)
            .map(|check| check.expect("a list past its sample is spread"))
    };
    let mut settler = build()?;
    let stretches: Vec<Stretch> = bytes
        .chunks(chunk)
        .map(|c| Stretch::scan(c, settler.delimiter()))
        .collect();
    let cuts = cuts(&stretches);
    assert!(cuts.len() > 1, "the list is cut");
    let mut seen = Seen::default();
    seen.layout(settler.layout());
    for (i, cut) in cuts.iter().enumerate() {
        let end = cuts
            .get(i + 1)
            .map_or(bytes.len() as u64, |next| next.offset);
        let range = &bytes[cut.offset as usize..end as usize];
        let judged = build()?.judge(range, *cut, i + 1 == cuts.len())?;
        settler.settle(&judged, &mut seen)?;
    }
    Ok((settler.finish()?, seen))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn a_spread_check_is_the_check_on_one_worker(
        seed in prop::collection::vec(any::<u8>(), 1..64),
        rows in 900usize..2500,
        chunk in 500usize..60_000,
        profile in prop::sample::select(listgate_core::profile::BUILTIN_PROFILES),
    ) {
        let bytes = list(&seed, rows);
        let profile = Profile::builtin(profile).expect("profile");
        let options = edits(seed[0]);
        match (whole(&bytes, &profile, &options), spread(&bytes, chunk, &profile, &options)) {
            (Ok((report, mut one)), Ok((spread_report, mut spread))) => {
                prop_assert!(report.summary.rows > 800);
                prop_assert_eq!(&spread_report, &report);
                prop_assert_eq!(spread.files(), one.files());
                prop_assert_eq!(&spread.fixed, &one.fixed);
                prop_assert_eq!(spread.layouts, 1);
            }
            (Err(one), Err(spread)) => prop_assert_eq!(spread.to_string(), one.to_string()),
            (one, spread) => prop_assert!(
                false,
                "one worker: {:?}; spread: {:?}",
                one.map(|(r, _)| r.summary),
                spread.map(|(r, _)| r.summary)
            ),
        }
    }
}

#[test]
fn small_files_workbooks_and_utf16_stay_on_one_worker() {
    let profile = Profile::builtin("whatsapp").expect("profile");
    let small = list(&[1, 2, 3], 20);
    let build = |bytes: &[u8]| {
        SpreadCheck::new(
            profile.clone(),
            options(),
            &bytes[..bytes.len().min(SPREAD_HEAD_BYTES)],
            bytes.len() as u64,
        )
        .expect("builds")
    };
    assert!(build(&small).is_none());
    let big = list(&[1, 2, 3], 3000);
    assert!(build(&big).is_some());
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in String::from_utf8_lossy(&big).encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    assert!(build(&utf16).is_none());
    let mut workbook = b"PK\x03\x04".to_vec();
    workbook.extend(&big);
    assert!(build(&workbook).is_none());
}

#[test]
fn a_file_over_the_limit_is_refused_before_any_range() {
    let big = list(&[9], 3000);
    let mut options = options();
    options.limits.max_file_bytes = Some(1000);
    let error = SpreadCheck::new(
        Profile::builtin("whatsapp").expect("profile"),
        options,
        &big[..SPREAD_HEAD_BYTES],
        big.len() as u64,
    )
    .expect_err("too large");
    assert_eq!(error.code(), Some(listgate_core::Code::FileTooLarge));
}
