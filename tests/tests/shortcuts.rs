//! The checker's shortcuts give the library's full verdicts: every phone
//! cell of the generated benchmark corpus, and every country's example
//! numbers with a digit added and removed, are read by `normalize_phone`
//! (one type lookup) and by the phone library's separate validity, type and
//! region calls; both must agree on valid, mobile and region.

use listgate_core::normalize::phone::{PhoneProblem, PhoneRules, normalize_phone, parse_region};
use listgate_core::profile::PhoneStyle;
use rlibphonenumber::{PHONE_NUMBER_UTIL, PhoneNumber, PhoneNumberFormat, PhoneNumberType, Region};

/// The library's verdict the long way: is_valid, then get_type, then
/// get_region_code, each on its own.
fn full_path(cell: &str, region: Region) -> Option<(bool, bool, Option<Region>)> {
    let text = cell.trim();
    let number = match text.strip_prefix("00") {
        Some(rest) => PhoneNumber::parse(format!("+{rest}"), None),
        None if text.starts_with('+') => PhoneNumber::parse(text, None),
        None => PhoneNumber::parse(text, Some(region)),
    }
    .ok()?;
    let mobile = matches!(
        number.get_type(),
        PhoneNumberType::Mobile | PhoneNumberType::FixedLineOrMobile
    );
    Some((number.is_valid(), mobile, number.get_region_code()))
}

/// Compares both paths on `cell`; returns whether the cell was valid.
fn agree(cell: &str, region: Region) -> bool {
    let rules = PhoneRules {
        region: Some(region),
        region_forced: false,
        nanp_only: false,
        allowed: vec![],
        style: PhoneStyle::E164,
    };
    let full = full_path(cell, region);
    match normalize_phone(cell, &rules) {
        Ok(phone) => {
            assert_eq!(
                full,
                Some((true, phone.line.may_be_mobile(), phone.region)),
                "{cell}"
            );
            true
        }
        Err(PhoneProblem::Invalid(_)) => {
            assert!(matches!(full, Some((false, ..))), "{cell}: {full:?}");
            false
        }
        // Refused before the library is asked (letters, spreadsheet damage,
        // nothing it can parse): no validity verdict to compare.
        Err(_) => false,
    }
}

#[test]
fn one_type_lookup_gives_the_librarys_verdicts_on_the_generated_corpus() {
    let corpus = listgate_e2e::lists::whatsapp_list(100_000);
    let text = std::str::from_utf8(&corpus).expect("the generator writes UTF-8");
    let gb = parse_region("GB").expect("GB");
    let (mut valid, mut total) = (0, 0);
    for line in text.lines().skip(1) {
        let cell = line.split(',').nth(1).expect("a Mobile cell");
        valid += usize::from(agree(cell, gb));
        total += 1;
    }
    // The corpus has both kinds, so both branches were compared.
    assert!(
        valid > total * 9 / 10 && valid < total,
        "{valid} of {total}"
    );
}

#[test]
fn one_type_lookup_gives_the_librarys_verdicts_for_every_country() {
    let mut valid = 0;
    for region in PHONE_NUMBER_UTIL.get_supported_regions() {
        let Ok(example) = PHONE_NUMBER_UTIL.get_example_number(region) else {
            continue;
        };
        let e164 = example.format_as(PhoneNumberFormat::E164).into_owned();
        let national = example.format_as(PhoneNumberFormat::National).into_owned();
        for cell in [
            e164.clone(),
            format!("{e164}9"),
            e164[..e164.len() - 1].to_owned(),
            format!("{national}1"),
            national,
        ] {
            valid += usize::from(agree(&cell, region));
        }
    }
    assert!(valid > 200, "only {valid} valid numbers were compared");
}
