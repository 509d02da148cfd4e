//! Differential test of phone normalization against Google's libphonenumber.
//!
//! `tests/phone_oracle.py` uses the Python `phonenumbers` package (Google's metadata) to
//! generate a fixed corpus of phone cells from many countries, written with and without `+`, with
//! spaces, dots, dashes and parentheses, some valid and some broken on purpose, together with
//! libphonenumber's verdict for each: `parse(input, region)`, `is_valid_number` and the E.164 form.
//! Every cell is then read by [`normalize_phone`] with the same default region and the two verdicts
//! must agree on validity and on E.164. Disagreements that are understood are listed in
//! [`KNOWN_DISAGREEMENTS`] with their explanation; anything else fails the test.
//!
//! The test needs `python3` with `phonenumbers`; `scripts/test` installs it. It fails (it does not
//! skip) when either is missing.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Instant;

use listgate_core::normalize::phone::{PhoneProblem, PhoneRules, normalize_phone, parse_region};
use listgate_core::profile::PhoneStyle;

const MIN_ROWS: usize = 10_000;
const MIN_REGIONS: usize = 30;

/// Disagreements with libphonenumber that are understood and accepted, one per corpus row:
/// `(input, default region, why)`. Each must still disagree; a listed row that now agrees (or is
/// no longer generated) fails the test, so the list cannot go stale.
const KNOWN_DISAGREEMENTS: &[(&str, &str, &str)] = &[];

struct Row {
    input: String,
    region: String,
    valid: bool,
    e164: String,
}

fn oracle_csv() -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/phone_oracle.py");
    let fix = "run `scripts/test` (it pip-installs the Python `phonenumbers` package), \
               or `python3 -m pip install phonenumbers`";
    let output = match Command::new("python3").arg(script).output() {
        Ok(output) => output,
        Err(e) => panic!("cannot run `python3 {script}` ({e}); python3 is required: {fix}"),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "`python3 {script}` failed ({}); is `phonenumbers` installed? {fix}\n{stderr}",
        output.status
    );
    eprintln!("oracle: {}", stderr.trim());
    String::from_utf8(output.stdout).expect("oracle output is UTF-8")
}

fn parse_rows(csv: &str) -> Vec<Row> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("input,region,valid,e164"),
        "unexpected oracle header"
    );
    lines
        .enumerate()
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split(',').collect();
            let [input, region, valid, e164] = fields[..] else {
                panic!("oracle line {}: expected 4 fields: {line:?}", i + 2);
            };
            let valid = match valid {
                "true" => true,
                "false" => false,
                other => panic!("oracle line {}: bad `valid` {other:?}", i + 2),
            };
            assert_eq!(
                valid,
                !e164.is_empty(),
                "oracle line {}: e164 must be set exactly when valid: {line:?}",
                i + 2
            );
            Row {
                input: input.to_owned(),
                region: region.to_owned(),
                valid,
                e164: e164.to_owned(),
            }
        })
        .collect()
}

fn describe(result: &Result<String, PhoneProblem>) -> String {
    match result {
        Ok(e164) => format!("valid {e164}"),
        Err(problem) => format!("invalid ({problem:?})"),
    }
}

#[test]
fn phone_normalization_agrees_with_libphonenumber() {
    let started = Instant::now();
    let rows = parse_rows(&oracle_csv());
    let generated = started.elapsed();

    let regions: BTreeSet<&str> = rows.iter().map(|r| r.region.as_str()).collect();
    assert!(
        rows.len() >= MIN_ROWS,
        "only {} oracle rows; at least {MIN_ROWS} expected",
        rows.len()
    );
    assert!(
        regions.len() >= MIN_REGIONS,
        "only {} regions in the oracle corpus; at least {MIN_REGIONS} expected",
        regions.len()
    );

    let mut known_seen = BTreeSet::new();
    let mut disagreements = Vec::new();
    let mut valid_rows = 0usize;
    let checking = Instant::now();
    for row in &rows {
        let rules = PhoneRules {
            region: Some(
                parse_region(&row.region)
                    .unwrap_or_else(|| panic!("region {} is not known here", row.region)),
            ),
            region_forced: false,
            nanp_only: false,
            allowed: vec![],
            style: PhoneStyle::E164,
        };
        let ours = normalize_phone(&row.input, &rules).map(|p| p.e164);
        valid_rows += usize::from(row.valid);
        let agrees = match &ours {
            Ok(e164) => row.valid && *e164 == row.e164,
            Err(_) => !row.valid,
        };
        if agrees {
            continue;
        }
        if let Some(i) = KNOWN_DISAGREEMENTS
            .iter()
            .position(|&(input, region, _)| input == row.input && region == row.region)
        {
            known_seen.insert(i);
            continue;
        }
        let expected = if row.valid {
            format!("valid {}", row.e164)
        } else {
            "invalid".to_owned()
        };
        disagreements.push(format!(
            "{:?} (region {}): libphonenumber says {expected}, listgate says {}",
            row.input,
            row.region,
            describe(&ours)
        ));
    }
    let checked = checking.elapsed();
    eprintln!(
        "{} rows ({valid_rows} valid) from {} regions; oracle {generated:.2?}, check {checked:.2?}",
        rows.len(),
        regions.len()
    );

    let stale: Vec<_> = KNOWN_DISAGREEMENTS
        .iter()
        .enumerate()
        .filter(|(i, _)| !known_seen.contains(i))
        .map(|(_, (input, region, _))| format!("{input:?} (region {region})"))
        .collect();
    assert!(
        stale.is_empty(),
        "KNOWN_DISAGREEMENTS entries that no longer disagree (or are no longer generated); \
         remove them:\n{}",
        stale.join("\n")
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} rows disagree with libphonenumber (Python `phonenumbers`):\n{}",
        disagreements.len(),
        rows.len(),
        disagreements.join("\n")
    );
}
