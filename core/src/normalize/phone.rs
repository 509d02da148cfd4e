//! Phone numbers → E.164 (or international format) with `rlibphonenumber`.

use crate::profile::PhoneStyle;
use rlibphonenumber::{PhoneNumberFormat, PhoneNumberType, PhoneNumberUtil, Region};

/// How phone cells are read; built once per check.
#[derive(Debug, Clone)]
pub struct PhoneRules {
    /// Region for numbers written without a country code.
    pub region: Option<Region>,
    /// Whether `region` was forced by the profile (no warning is due then).
    pub region_forced: bool,
    /// Only NANP numbers of 10 or 11 digits.
    pub nanp_only: bool,
    /// Allowed regions; empty means any.
    pub allowed: Vec<Region>,
    /// Output style.
    pub style: PhoneStyle,
}

/// A number that was read successfully.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Phone {
    /// `+447911123456`: the dedupe key.
    pub e164: String,
    /// `+44 7911 123456`, when the profile writes numbers that way.
    pub international: Option<String>,
    /// The number's region (`GB`), when it has one.
    #[serde(with = "region_code")]
    pub region: Option<Region>,
    /// The cell had no country code; the default region was applied.
    pub region_applied: bool,
    /// What kind of line the number is.
    pub line: Line,
}

/// The kind of line a valid number belongs to, from its country's
/// numbering plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Line {
    /// A mobile number.
    Mobile,
    /// Either: North American plans do not tell mobiles from landlines.
    FixedLineOrMobile,
    /// A landline.
    FixedLine,
    /// Free to call (`+1 800 …`).
    TollFree,
    /// Charged above the normal rate.
    PremiumRate,
    /// Cost shared between caller and called.
    SharedCost,
    /// Voice over IP.
    Voip,
    /// A personal number that forwards elsewhere.
    PersonalNumber,
    /// A pager.
    Pager,
    /// A company's universal access number.
    Uan,
    /// A voicemail access number.
    Voicemail,
}

impl Line {
    fn of(kind: PhoneNumberType) -> Option<Line> {
        Some(match kind {
            PhoneNumberType::Mobile => Line::Mobile,
            PhoneNumberType::FixedLineOrMobile => Line::FixedLineOrMobile,
            PhoneNumberType::FixedLine => Line::FixedLine,
            PhoneNumberType::TollFree => Line::TollFree,
            PhoneNumberType::PremiumRate => Line::PremiumRate,
            PhoneNumberType::SharedCost => Line::SharedCost,
            PhoneNumberType::VoIP => Line::Voip,
            PhoneNumberType::PersonalNumber => Line::PersonalNumber,
            PhoneNumberType::Pager => Line::Pager,
            PhoneNumberType::UAN => Line::Uan,
            PhoneNumberType::VoiceMail => Line::Voicemail,
            PhoneNumberType::Unknown => return None,
        })
    }

    /// A mobile number, or one that may be.
    pub fn may_be_mobile(self) -> bool {
        matches!(self, Line::Mobile | Line::FixedLineOrMobile)
    }

    /// Whether the line can receive text messages: service lines
    /// (toll-free, premium-rate, shared-cost, UAN, voicemail), VoIP and
    /// pagers cannot be relied on to.
    pub fn takes_texts(self) -> bool {
        matches!(
            self,
            Line::Mobile | Line::FixedLineOrMobile | Line::FixedLine | Line::PersonalNumber
        )
    }

    /// The line in a sentence: `a toll-free number`.
    pub fn described(self) -> &'static str {
        match self {
            Line::Mobile => "a mobile number",
            Line::FixedLineOrMobile => "a mobile or landline number",
            Line::FixedLine => "a landline number",
            Line::TollFree => "a toll-free number",
            Line::PremiumRate => "a premium-rate number",
            Line::SharedCost => "a shared-cost number",
            Line::Voip => "a VoIP number",
            Line::PersonalNumber => "a personal forwarding number",
            Line::Pager => "a pager number",
            Line::Uan => "a company access (UAN) number",
            Line::Voicemail => "a voicemail access number",
        }
    }
}

impl Phone {
    /// The value written to the clean file: E.164 or the international form.
    pub fn written(&self) -> &str {
        self.international.as_deref().unwrap_or(&self.e164)
    }

    /// The number as one integer, for duplicate lookups without a string
    /// per row: the E.164 digits' value with their count in the top bits
    /// (so `+10` and `+010` differ). E.164 has at most 15 digits; the 38
    /// a `u128` holds leave room for anything the library formats.
    pub fn key(&self) -> u128 {
        let (value, digits) = self
            .e164
            .bytes()
            .filter(u8::is_ascii_digit)
            .fold((0u128, 0u128), |(value, digits), d| {
                (value.wrapping_mul(10) + u128::from(d - b'0'), digits + 1)
            });
        value | (digits << 120)
    }
}

/// Why a phone cell was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PhoneProblem {
    /// Letters, spreadsheet damage or no digits.
    Unparseable(String),
    /// Not a number in its country's numbering plan.
    Invalid(String),
    /// No country code and no default region.
    NoCountryCode,
    /// Outside the allowed countries.
    NotAllowedCountry(String),
}

/// A region as its code (`GB`), for a judged row sent to another worker.
mod region_code {
    use rlibphonenumber::Region;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(region: &Option<Region>, s: S) -> Result<S::Ok, S::Error> {
        region.map(|r| r.to_string()).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Region>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|code| Region::from_code(&code).map_err(|_| serde::de::Error::custom(code)))
            .transpose()
    }
}

/// Parses a region code (`GB`, `us`), refusing codes with no numbering plan.
pub fn parse_region(code: &str) -> Option<Region> {
    let region = Region::from_code(&code.trim().to_ascii_uppercase()).ok()?;
    PHONE_UTIL.with(|util| util.get_country_code_for_region(region))?;
    Some(region)
}

thread_local! {
    /// A phone library per thread: its compiled patterns keep their match
    /// caches on the thread that first used them, so threads judging rows
    /// side by side must not share one.
    static PHONE_UTIL: PhoneNumberUtil =
        PhoneNumberUtil::new().expect("the phone library's built-in metadata loads");
}

/// Reads one non-empty phone cell.
pub fn normalize_phone(raw: &str, rules: &PhoneRules) -> Result<Phone, PhoneProblem> {
    PHONE_UTIL.with(|util| normalize_with(util, raw, rules))
}

fn normalize_with(
    util: &PhoneNumberUtil,
    raw: &str,
    rules: &PhoneRules,
) -> Result<Phone, PhoneProblem> {
    let text = raw.trim();
    if looks_like_scientific_notation(text) {
        return Err(PhoneProblem::Unparseable(
            "the number was turned into scientific notation by a spreadsheet; format the column as text and export again".into(),
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_alphabetic()) {
        return Err(PhoneProblem::Unparseable(format!(
            "contains the letter `{c}`"
        )));
    }
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if digits == 0 {
        return Err(PhoneProblem::Unparseable("contains no digits".into()));
    }
    let international = text.starts_with('+') || text.starts_with("00");
    let parsed = if international {
        let plus_form = match text.strip_prefix("00") {
            Some(rest) => format!("+{rest}"),
            None => text.to_owned(),
        };
        // `+44 (0) 7911 123456`: after the country code the library drops
        // the national prefix where the country has one, so a bracketed
        // trunk `(0)` goes; Italy's 0 is part of the number and stays.
        util.parse(&plus_form, None)
    } else {
        let Some(region) = rules.region else {
            return Err(PhoneProblem::NoCountryCode);
        };
        util.parse(text, Some(region))
    };
    let number =
        parsed.map_err(|e| PhoneProblem::Unparseable(format!("not a phone number ({e})")))?;
    // E.164 leaves an extension out: refused rather than dropped unseen.
    if !number.extension().is_empty() {
        return Err(PhoneProblem::Invalid(format!(
            "has an extension ({}); messages can only go to a number without one",
            number.extension()
        )));
    }
    let e164 = util.format(&number, PhoneNumberFormat::E164).into_owned();
    if rules.nanp_only {
        if !e164.starts_with("+1") {
            return Err(PhoneProblem::NotAllowedCountry(
                "only US and Canadian numbers (country code +1) can be imported".into(),
            ));
        }
        // The number as read (a leading 1 is the country code; anything
        // after the number is not counted).
        let national = e164.len() - 2;
        if national != 10 {
            return Err(PhoneProblem::Invalid(format!(
                "has {national} digits; US numbers have 10, after an optional leading 1"
            )));
        }
    }
    // One type lookup answers both "valid?" and "mobile?": the library's
    // `is_valid` is exactly "the number's region has a type for it", and
    // asking both separately would match the number against its country's
    // patterns twice more (`one_type_lookup_gives_the_librarys_verdicts`).
    let Some(line) = Line::of(util.get_number_type(&number)) else {
        return Err(PhoneProblem::Invalid(format!(
            "{e164} is not a valid number in its country"
        )));
    };
    let region = util.get_region_for_number(&number);
    if !rules.allowed.is_empty() && !region.is_some_and(|r| rules.allowed.contains(&r)) {
        let name = region.map_or_else(|| "an international service".to_owned(), |r| r.to_string());
        return Err(PhoneProblem::NotAllowedCountry(format!(
            "belongs to {name}, which is not an allowed country"
        )));
    }
    let written = match rules.style {
        PhoneStyle::E164 => None,
        PhoneStyle::International => Some(
            util.format(&number, PhoneNumberFormat::International)
                .into_owned(),
        ),
    };
    Ok(Phone {
        e164,
        international: written,
        region,
        region_applied: !international,
        line,
    })
}

fn looks_like_scientific_notation(text: &str) -> bool {
    if !text.contains(['e', 'E']) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let Some((mantissa, exponent)) = lower.split_once("e+").or_else(|| lower.split_once('e'))
    else {
        return false;
    };
    !mantissa.is_empty()
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(region: Option<&str>) -> PhoneRules {
        PhoneRules {
            region: region.and_then(parse_region),
            region_forced: false,
            nanp_only: false,
            allowed: vec![],
            style: PhoneStyle::E164,
        }
    }

    #[test]
    fn one_number_one_key() {
        let gb = rules(Some("GB"));
        let key = |raw: &str| normalize_phone(raw, &gb).expect(raw).key();
        assert_eq!(key("+44 7911 123456"), key("07911 123456"));
        assert_ne!(key("+44 7911 123456"), key("+44 7911 123457"));
        assert_ne!(key("+1 415 555 2671"), key("+44 7911 123456"));
    }

    #[test]
    fn formats_become_e164() {
        let gb = rules(Some("GB"));
        for raw in [
            "+44 7911 123456",
            "07911 123456",
            "(07911) 123-456",
            "0044 7911.123.456",
        ] {
            assert_eq!(
                normalize_phone(raw, &gb).expect(raw).e164,
                "+447911123456",
                "{raw}"
            );
        }
    }

    #[test]
    fn a_trunk_zero_in_parentheses_after_the_country_code_is_dropped() {
        let us = rules(Some("US"));
        let e164 = |raw: &str| normalize_phone(raw, &us).expect(raw).e164;
        for raw in [
            "+44 (0) 7911 123456",
            "0044 (0)7911 123456",
            "+44(0)7911123456",
            "+44 7911 123456",
        ] {
            assert_eq!(e164(raw), "+447911123456", "{raw}");
        }
        assert_eq!(e164("+49 (0)151 23456789"), "+4915123456789");
        // Italian numbers keep their 0: it is dialled from abroad too.
        assert_eq!(e164("+39 (0)6 1234 5678"), "+390612345678");
        assert_eq!(e164("+39 06 1234 5678"), "+390612345678");
    }

    #[test]
    fn a_zero_in_parentheses_elsewhere_is_a_digit_of_the_number() {
        assert!(matches!(
            normalize_phone("+44 7911 (0) 123456", &rules(Some("GB"))),
            Err(PhoneProblem::Invalid(_))
        ));
    }

    #[test]
    fn numbers_with_their_own_code_keep_it_whatever_the_default() {
        let us = rules(Some("US"));
        assert_eq!(
            normalize_phone("+49 151 23456789", &us).expect("de").e164,
            "+4915123456789"
        );
        assert_eq!(
            normalize_phone("+55 11 91234-5678", &us).expect("br").e164,
            "+5511912345678"
        );
    }

    #[test]
    fn us_only_counts_the_digits_of_the_number_not_of_what_follows_it() {
        // Found by fuzzing: ";050" after a 7-digit number made 10 digits.
        let us = PhoneRules {
            nanp_only: true,
            ..rules(Some("US"))
        };
        let verdict = normalize_phone("~~3108105;050", &us);
        assert!(
            matches!(verdict, Err(PhoneProblem::Invalid(_))),
            "{verdict:?}"
        );
        let ok = normalize_phone("(310) 810-5050", &us).expect("a US number");
        assert_eq!(
            normalize_phone(&ok.e164, &us).expect("reads back").e164,
            ok.e164
        );
    }

    #[test]
    fn problems_are_named() {
        let us = rules(Some("US"));
        assert!(matches!(
            normalize_phone("415-555-267O", &us),
            Err(PhoneProblem::Unparseable(_))
        ));
        assert!(
            matches!(normalize_phone("4.47700900123E+11", &us), Err(PhoneProblem::Unparseable(m)) if m.contains("scientific"))
        );
        assert!(matches!(
            normalize_phone("07911 123456", &rules(None)),
            Err(PhoneProblem::NoCountryCode)
        ));
        assert!(matches!(
            normalize_phone("+1 555 0100", &us),
            Err(PhoneProblem::Invalid(_))
        ));
    }

    #[test]
    fn nanp_only_accepts_ten_or_eleven_digits() {
        let sms = PhoneRules {
            nanp_only: true,
            ..rules(Some("US"))
        };
        assert_eq!(
            normalize_phone("(201) 555-0123", &sms).expect("10").e164,
            "+12015550123"
        );
        assert_eq!(
            normalize_phone("1 201 555 0123", &sms).expect("11").e164,
            "+12015550123"
        );
        assert!(matches!(
            normalize_phone("+44 7911 123456", &sms),
            Err(PhoneProblem::NotAllowedCountry(_))
        ));
    }

    #[test]
    fn international_style_and_line_kind() {
        let intl = PhoneRules {
            style: PhoneStyle::International,
            ..rules(Some("US"))
        };
        let p = normalize_phone("+447911123456", &intl).expect("gb");
        assert_eq!(p.written(), "+44 7911 123456");
        assert_eq!(p.line, Line::Mobile);
        let landline = normalize_phone("+44 20 7946 0958", &intl).expect("london");
        assert_eq!(landline.line, Line::FixedLine);
        assert!(!landline.line.may_be_mobile());
    }

    #[test]
    fn service_lines_cannot_take_texts() {
        let us = rules(Some("US"));
        let line = |raw: &str| normalize_phone(raw, &us).expect(raw).line;
        assert_eq!(line("+1 800 555 0199"), Line::TollFree);
        assert!(!line("+1 800 555 0199").takes_texts());
        assert_eq!(line("+1 900 555 0199"), Line::PremiumRate);
        assert_eq!(line("+1 201 555 0123"), Line::FixedLineOrMobile);
        assert!(line("+1 201 555 0123").takes_texts());
        assert_eq!(line("+44 7911 123456"), Line::Mobile);
    }
}
