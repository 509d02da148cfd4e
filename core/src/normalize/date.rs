//! Dates and times: ISO 8601 / RFC 3339, a declared format, Excel serial
//! numbers, epoch seconds and milliseconds, and day/month/year forms whose
//! order is declared, inferred from the column, or reported as ambiguous.
//!
//! Times without a zone are read as UTC.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Which comes first in `03/04/2025`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayMonthOrder {
    /// 3 April 2025.
    DayFirst,
    /// March 4, 2025.
    MonthFirst,
}

/// Why a date cell was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DateProblem {
    /// Not a date listgate can read.
    Unreadable,
    /// Reads as two different dates.
    Ambiguous {
        /// The day-first reading.
        day_first: NaiveDate,
        /// The month-first reading.
        month_first: NaiveDate,
    },
}

/// How dates are read in one column.
#[derive(Debug, Clone, Default)]
pub struct DateRules {
    /// A declared `strftime` format (`%d/%m/%Y %H:%M`), tried first.
    pub format: Option<String>,
    /// The day/month order for numeric dates.
    pub order: Option<DayMonthOrder>,
}

impl DateRules {
    /// Rules for a declared format; its order also applies to numeric dates.
    pub fn declared(format: Option<&str>) -> DateRules {
        let format = format.map(to_strftime);
        let order =
            format
                .as_deref()
                .and_then(|f| match (f.find("%d").or(f.find("%e")), f.find("%m")) {
                    (Some(d), Some(m)) if d < m => Some(DayMonthOrder::DayFirst),
                    (Some(_), Some(_)) => Some(DayMonthOrder::MonthFirst),
                    _ => None,
                });
        DateRules { format, order }
    }
}

/// Accepts `DD/MM/YYYY HH:mm`-style patterns as well as `strftime`.
fn to_strftime(format: &str) -> String {
    if format.contains('%') {
        return format.to_owned();
    }
    [
        ("YYYY", "%Y"),
        ("YY", "%y"),
        ("MM", "%m"),
        ("DD", "%d"),
        ("HH", "%H"),
        ("mm", "%M"),
        ("ss", "%S"),
    ]
    .iter()
    .fold(format.to_owned(), |acc, (from, to)| acc.replace(from, to))
}

/// Reads an instant, as UTC.
pub fn parse_instant(raw: &str, rules: &DateRules) -> Result<DateTime<Utc>, DateProblem> {
    let text = raw.trim();
    if let Some(format) = &rules.format
        && let Some(instant) = parse_with_format(text, format)
    {
        return Ok(instant);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(dt.with_timezone(&Utc));
    }
    if let Some(instant) = plain_iso(text) {
        return Ok(instant);
    }
    if let Some(instant) = parse_iso_like(text)
        .or_else(|| parse_number(text))
        .or_else(|| parse_named_month(text))
    {
        return Ok(instant);
    }
    parse_numeric_dmy(text, rules.order)
}

/// Reads a calendar date (date of birth).
pub fn parse_date(raw: &str, rules: &DateRules) -> Result<NaiveDate, DateProblem> {
    parse_instant(raw, rules).map(|i| i.date_naive())
}

/// Infers the day/month order of a column from sample values: only values
/// with a part above 12 count as evidence; conflicting evidence gives none.
pub fn infer_order<'a>(samples: impl IntoIterator<Item = &'a str>) -> Option<DayMonthOrder> {
    let (mut day_first, mut month_first) = (false, false);
    for sample in samples {
        if let Some((a, b, _, _)) = split_numeric_date(sample.trim()) {
            day_first |= a > 12 && b <= 12;
            month_first |= b > 12 && a <= 12;
        }
    }
    match (day_first, month_first) {
        (true, false) => Some(DayMonthOrder::DayFirst),
        (false, true) => Some(DayMonthOrder::MonthFirst),
        _ => None,
    }
}

fn parse_with_format(text: &str, format: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_str(text, format) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(text, format) {
        return Some(Utc.from_utc_datetime(&dt));
    }
    NaiveDate::parse_from_str(text, format).ok().map(midnight)
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN))
}

/// The common shapes `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` and
/// `YYYY-MM-DDTHH:MM[:SS]` (optionally ending in `Z` or ` UTC`), read
/// without format strings: the same instant [`parse_iso_like`] gives them,
/// at a fraction of the cost. Anything else is left to it (`None`).
fn plain_iso(text: &str) -> Option<DateTime<Utc>> {
    let text = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix('Z'))
        .unwrap_or(text)
        .as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = text.get(range)?;
        digits.iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let at = |i: usize, expected: &[u8]| text.get(i).is_some_and(|b| expected.contains(b));
    if !(at(4, b"-") && at(7, b"-")) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )?;
    let time = match text.len() {
        10 => NaiveTime::MIN,
        16 if at(10, b" T") && at(13, b":") => {
            NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, 0)?
        }
        19 if at(10, b" T") && at(13, b":") && at(16, b":") => {
            NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?
        }
        _ => return None,
    };
    Some(Utc.from_utc_datetime(&date.and_time(time)))
}

fn parse_iso_like(text: &str) -> Option<DateTime<Utc>> {
    let trimmed = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix('Z'))
        .unwrap_or(text);
    const WITH_ZONE: &[&str] = &[
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ];
    for format in WITH_ZONE {
        if let Ok(dt) = DateTime::parse_from_str(text, format) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    const NAIVE: &[&str] = &[
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y%m%dT%H%M%S",
    ];
    for format in NAIVE {
        if let Ok(dt) = NaiveDateTime::parse_from_str(trimmed, format) {
            return Some(Utc.from_utc_datetime(&dt));
        }
    }
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(trimmed, f).ok())
        .map(midnight)
}

/// Epoch milliseconds (12–13 digits), epoch seconds (9–11 digits) or an Excel
/// serial day number (1900 date system), possibly with a time fraction.
fn parse_number(text: &str) -> Option<DateTime<Utc>> {
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let (whole, _) = text.split_once('.').unwrap_or((text, ""));
    match whole.len() {
        12 | 13 if !text.contains('.') => Utc.timestamp_millis_opt(text.parse().ok()?).single(),
        9..=11 if !text.contains('.') => Utc.timestamp_opt(text.parse().ok()?, 0).single(),
        1..=7 => {
            let serial: f64 = text.parse().ok()?;
            if !(1.0..2_958_466.0).contains(&serial) {
                return None;
            }
            // Day 0 is 1899-12-30: Excel counts the non-existent 1900-02-29.
            let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
            let millis = (serial * 86_400_000.0).round() as i64;
            Some(Utc.from_utc_datetime(&(epoch + chrono::Duration::milliseconds(millis))))
        }
        _ => None,
    }
}

fn parse_named_month(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return Some(dt.with_timezone(&Utc));
    }
    let cleaned = text.replace(',', "");
    const DATES: &[&str] = &[
        "%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y",
    ];
    for format in DATES {
        for suffix in ["", " %H:%M", " %H:%M:%S"] {
            let full = format!("{format}{suffix}");
            if let Ok(dt) = NaiveDateTime::parse_from_str(&cleaned, &full) {
                return Some(Utc.from_utc_datetime(&dt));
            }
            if suffix.is_empty()
                && let Ok(d) = NaiveDate::parse_from_str(&cleaned, format)
            {
                return Some(midnight(d));
            }
        }
    }
    None
}

/// Splits `03/04/2025 [time]` into (first, second, year, time part).
fn split_numeric_date(text: &str) -> Option<(u32, u32, i32, &str)> {
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((d, t)) => (d, t.trim()),
        None => (text, ""),
    };
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let mut parts = date.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || a.len() > 2 || b.len() > 2 || !(c.len() == 2 || c.len() == 4) {
        return None;
    }
    let year: i32 = c.parse().ok()?;
    // Two-digit years: 00–69 are 2000s, 70–99 are 1900s.
    let year = match c.len() {
        2 if year < 70 => 2000 + year,
        2 => 1900 + year,
        _ => year,
    };
    Some((a.parse().ok()?, b.parse().ok()?, year, time))
}

fn parse_time(text: &str) -> Option<NaiveTime> {
    if text.is_empty() {
        return Some(NaiveTime::MIN);
    }
    let upper = text.to_ascii_uppercase();
    [
        "%H:%M:%S",
        "%H:%M",
        "%I:%M:%S %p",
        "%I:%M %p",
        "%I:%M:%S%p",
        "%I:%M%p",
        "%H:%M:%S%.f",
    ]
    .iter()
    .find_map(|f| NaiveTime::parse_from_str(&upper, f).ok())
}

fn parse_numeric_dmy(
    text: &str,
    order: Option<DayMonthOrder>,
) -> Result<DateTime<Utc>, DateProblem> {
    let (a, b, year, time) = split_numeric_date(text).ok_or(DateProblem::Unreadable)?;
    let time = parse_time(time).ok_or(DateProblem::Unreadable)?;
    let day_first = NaiveDate::from_ymd_opt(year, b, a);
    let month_first = NaiveDate::from_ymd_opt(year, a, b);
    let date = match order {
        _ if day_first == month_first => day_first,
        Some(DayMonthOrder::DayFirst) => day_first,
        Some(DayMonthOrder::MonthFirst) => month_first,
        None => match (day_first, month_first) {
            (Some(day_first), Some(month_first)) => {
                return Err(DateProblem::Ambiguous {
                    day_first,
                    month_first,
                });
            }
            (d, m) => d.or(m),
        },
    }
    .ok_or(DateProblem::Unreadable)?;
    Ok(Utc.from_utc_datetime(&date.and_time(time)))
}

/// Whole years between `birth` and `on`.
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Formats an instant as RFC 3339 UTC with second precision.
pub fn format_instant(instant: DateTime<Utc>) -> String {
    let mut text = String::with_capacity(20);
    write_instant(&mut text, instant);
    text
}

/// Appends [`format_instant`]'s text to `out` (no allocation of its own).
pub fn write_instant(out: &mut String, instant: DateTime<Utc>) {
    use chrono::Timelike as _;
    use std::fmt::Write as _;
    if !(0..=9999).contains(&instant.year()) {
        // Signed or five-digit years: chrono's own rendering.
        let _ = write!(out, "{}", instant.format("%Y-%m-%dT%H:%M:%SZ"));
        return;
    }
    // Digits pushed directly: the formatter's padding machinery was a
    // measurable share of writing the clean file.
    let fields = [
        (instant.year().unsigned_abs(), 4, '-'),
        (instant.month(), 2, '-'),
        (instant.day(), 2, 'T'),
        (instant.hour(), 2, ':'),
        (instant.minute(), 2, ':'),
        // A leap second (second 59 with extra nanoseconds) prints as 60, as chrono does.
        (
            instant.second() + u32::from(instant.nanosecond() >= 1_000_000_000),
            2,
            'Z',
        ),
    ];
    for (value, width, then) in fields {
        for place in (0..width).rev() {
            let digit = value / 10u32.pow(place) % 10;
            out.push(char::from(b'0' + digit as u8));
        }
        out.push(then);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut reads every shape it accepts exactly as the format
        /// strings do, and leaves the rest to them.
        #[test]
        fn plain_iso_agrees_with_the_format_strings(
            year in 0u32..10_000, month in 0u32..14, day in 0u32..33,
            hour in 0u32..26, minute in 0u32..62, second in 0u32..62,
            shape in 0usize..6, suffix in 0usize..3,
        ) {
            let date = format!("{year:04}-{month:02}-{day:02}");
            let text = match shape {
                0 => date,
                1 => format!("{date} {hour:02}:{minute:02}"),
                2 => format!("{date}T{hour:02}:{minute:02}"),
                3 => format!("{date} {hour:02}:{minute:02}:{second:02}"),
                4 => format!("{date}T{hour:02}:{minute:02}:{second:02}"),
                _ => format!("{date} {hour}:{minute}"),
            } + ["", "Z", " UTC"][suffix];
            if let Some(fast) = plain_iso(&text) {
                prop_assert_eq!(Some(fast), parse_iso_like(&text), "{}", text);
            }
        }

        #[test]
        fn format_instant_is_chronos_rendering(seconds in -80_000_000_000i64..300_000_000_000) {
            let instant = DateTime::from_timestamp(seconds, 0).expect("in range");
            prop_assert_eq!(
                format_instant(instant),
                instant.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            );
        }
    }

    #[test]
    fn plain_iso_takes_the_common_shapes() {
        let at = |s: &str| plain_iso(s).map(|i| i.to_rfc3339());
        assert_eq!(
            at("2025-03-05 10:15"),
            Some("2025-03-05T10:15:00+00:00".into())
        );
        assert_eq!(
            at("2025-03-05T10:15:09Z"),
            Some("2025-03-05T10:15:09+00:00".into())
        );
        assert_eq!(at("2025-03-05"), Some("2025-03-05T00:00:00+00:00".into()));
        assert_eq!(at("2025-02-30"), None);
        assert_eq!(
            at("2025-03-05 10:15:09.5"),
            None,
            "fractions go the long way"
        );
        assert_eq!(at("05/03/2025"), None);
    }

    fn iso(raw: &str, rules: &DateRules) -> String {
        format_instant(parse_instant(raw, rules).unwrap_or_else(|e| panic!("{raw}: {e:?}")))
    }

    #[test]
    fn reads_the_common_forms() {
        let r = DateRules::default();
        assert_eq!(iso("2024-03-05T10:00:00+01:00", &r), "2024-03-05T09:00:00Z");
        assert_eq!(iso("2024-03-05 10:00", &r), "2024-03-05T10:00:00Z");
        assert_eq!(iso("2024-03-05", &r), "2024-03-05T00:00:00Z");
        assert_eq!(iso("45356", &r), "2024-03-05T00:00:00Z");
        assert_eq!(iso("45356.5", &r), "2024-03-05T12:00:00Z");
        assert_eq!(iso("1709632800", &r), "2024-03-05T10:00:00Z");
        assert_eq!(iso("1709632800000", &r), "2024-03-05T10:00:00Z");
        assert_eq!(iso("5 Mar 2024", &r), "2024-03-05T00:00:00Z");
        assert_eq!(iso("March 5, 2024 10:00", &r), "2024-03-05T10:00:00Z");
        assert_eq!(iso("25/03/2024 9:30 PM", &r), "2024-03-25T21:30:00Z");
    }

    #[test]
    fn ambiguous_day_month_is_reported_not_guessed() {
        let r = DateRules::default();
        assert!(matches!(
            parse_instant("03/04/2024", &r),
            Err(DateProblem::Ambiguous { .. })
        ));
        assert_eq!(iso("04/04/2024", &r), "2024-04-04T00:00:00Z");
        let day_first = DateRules {
            order: Some(DayMonthOrder::DayFirst),
            ..DateRules::default()
        };
        assert_eq!(iso("03/04/2024", &day_first), "2024-04-03T00:00:00Z");
        assert_eq!(
            parse_instant("03/13/2024", &day_first),
            Err(DateProblem::Unreadable)
        );
    }

    #[test]
    fn declared_formats_and_order_inference() {
        let declared = DateRules::declared(Some("DD.MM.YYYY HH:mm"));
        assert_eq!(declared.order, Some(DayMonthOrder::DayFirst));
        assert_eq!(iso("03.04.2024 10:15", &declared), "2024-04-03T10:15:00Z");
        assert_eq!(
            infer_order(["01/02/2024", "25/02/2024"]),
            Some(DayMonthOrder::DayFirst)
        );
        assert_eq!(
            infer_order(["01/02/2024", "02/25/2024"]),
            Some(DayMonthOrder::MonthFirst)
        );
        assert_eq!(infer_order(["01/02/2024"]), None);
        assert_eq!(
            parse_instant("not a date", &DateRules::default()),
            Err(DateProblem::Unreadable)
        );
    }

    #[test]
    fn ages_count_birthdays() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
        assert_eq!(age_on(d(2008, 6, 1), d(2026, 5, 31)), 17);
        assert_eq!(age_on(d(2008, 6, 1), d(2026, 6, 1)), 18);
    }
}
