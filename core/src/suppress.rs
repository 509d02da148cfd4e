//! The tenant's suppression list: the phones and e-mail addresses of
//! contacts who opted out, each with the date and reason. A check given one
//! flags every row it holds (`consent.suppressed`), unless the row's own
//! consent is newer than the opt-out.
//!
//! A list is read from CSV ([`Suppressions::from_csv`]): a header naming a
//! `phone` and/or an `email` column, and optionally `reason` and `date`
//! (read as a check reads an opt-in time); phones are read with the default
//! region as a check reads them and kept in E.164.

use crate::normalize::date::{DateRules, parse_instant};
use crate::normalize::email::normalize_email;
use crate::normalize::phone::{PhoneProblem, PhoneRules, normalize_phone, parse_region};
use crate::profile::PhoneStyle;
use crate::records::{Record, RecordReader};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// One opt-out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppression {
    /// When the contact opted out, if known.
    pub since: Option<DateTime<Utc>>,
    /// Why (as the list says; may be blank).
    pub reason: String,
}

impl Suppression {
    /// Whether a row whose consent was given at `consented` is held back:
    /// always when the opt-out is not dated, else as [`opt_out_wins`] says.
    pub fn holds_back(&self, consented: Option<DateTime<Utc>>) -> bool {
        self.since
            .is_none_or(|since| opt_out_wins(since, consented))
    }
}

/// Whether an opt-out made at `since` stops a row whose consent was given
/// at `consented`: when the opt-out is newer, or the row does not say when
/// (it is then taken as older than any opt-out). Consent given at the same
/// moment or later stands: it is the newer word.
pub fn opt_out_wins(since: DateTime<Utc>, consented: Option<DateTime<Utc>>) -> bool {
    consented.is_none_or(|consented| since > consented)
}

/// Phones (E.164) and e-mail addresses (their keys, trimmed and lower-cased)
/// that opted out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    phones: HashMap<String, Suppression>,
    emails: HashMap<String, Suppression>,
}

/// Why a suppression list cannot be read, with its line (the header is
/// line 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuppressionsError {
    /// The file is not UTF-8 text.
    #[error("the suppression list is not UTF-8 text; save it as CSV UTF-8")]
    NotUtf8,
    /// The header names neither a phone nor an email column.
    #[error(
        "line 1 of the suppression list names no `phone` or `email` column (found: {found}); name the column of numbers `phone` and the column of addresses `email`"
    )]
    NoColumns {
        /// The header as found.
        found: String,
    },
    /// A phone that is not a number.
    #[error(
        "line {line} of the suppression list: `{value}` is not a phone number ({why}); write it with + and the country code"
    )]
    BadPhone {
        /// The line.
        line: u64,
        /// The cell.
        value: String,
        /// What is wrong with it.
        why: String,
    },
    /// An address that is not one.
    #[error(
        "line {line} of the suppression list: `{value}` is not an e-mail address; correct it or clear the cell"
    )]
    BadEmail {
        /// The line.
        line: u64,
        /// The cell.
        value: String,
    },
    /// A date that cannot be read.
    #[error(
        "line {line} of the suppression list: the date `{value}` cannot be read; write it as YYYY-MM-DD"
    )]
    BadDate {
        /// The line.
        line: u64,
        /// The cell.
        value: String,
    },
}

impl Suppressions {
    /// Whether the list holds nobody.
    pub fn is_empty(&self) -> bool {
        self.phones.is_empty() && self.emails.is_empty()
    }

    /// Entries in all (phones and addresses).
    pub fn len(&self) -> usize {
        self.phones.len() + self.emails.len()
    }

    /// Adds the number `e164` (a later opt-out of the same number wins).
    pub fn add_phone(&mut self, e164: &str, suppression: Suppression) {
        add(&mut self.phones, e164.to_owned(), suppression);
    }

    /// Adds the address with key `email` (trimmed and lower-cased).
    pub fn add_email(&mut self, email: &str, suppression: Suppression) {
        add(&mut self.emails, email.to_owned(), suppression);
    }

    /// The opt-out of the number `e164`, if it has one.
    pub fn phone(&self, e164: &str) -> Option<&Suppression> {
        self.phones.get(e164)
    }

    /// The opt-out of the address with key `email`, if it has one.
    pub fn email(&self, email: &str) -> Option<&Suppression> {
        self.emails.get(email)
    }

    /// Reads a suppression list (see the module docs); numbers without a
    /// country code are read in `region` (a region code such as `GB`).
    pub fn from_csv(bytes: &[u8], region: Option<&str>) -> Result<Suppressions, SuppressionsError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| SuppressionsError::NotUtf8)?;
        let rules = PhoneRules {
            region: region.and_then(parse_region),
            region_forced: false,
            nanp_only: false,
            allowed: Vec::new(),
            style: PhoneStyle::E164,
        };
        let mut reading = Reading {
            rules,
            columns: None,
            list: Suppressions::default(),
            error: None,
        };
        let mut reader = RecordReader::new(b',');
        reader.feed(text, &mut |record| reading.take(record));
        reader.finish(&mut |record| reading.take(record));
        match reading.error {
            Some(error) => Err(error),
            None if reading.columns.is_none() => Err(SuppressionsError::NoColumns {
                found: String::new(),
            }),
            None => Ok(reading.list),
        }
    }
}

fn add(map: &mut HashMap<String, Suppression>, key: String, suppression: Suppression) {
    let entry = map.entry(key).or_default();
    if entry.since.is_none() || suppression.since > entry.since {
        *entry = suppression;
    }
}

/// The columns of a suppression list.
#[derive(Debug, Clone, Copy)]
struct Columns {
    phone: Option<usize>,
    email: Option<usize>,
    reason: Option<usize>,
    date: Option<usize>,
}

/// A suppression list as it is read.
#[derive(Debug)]
struct Reading {
    rules: PhoneRules,
    columns: Option<Columns>,
    list: Suppressions,
    error: Option<SuppressionsError>,
}

impl Reading {
    fn take(&mut self, record: &Record) {
        if self.error.is_none()
            && let Err(error) = self.read(record)
        {
            self.error = Some(error);
        }
    }

    fn read(&mut self, record: &Record) -> Result<(), SuppressionsError> {
        let Some(columns) = self.columns else {
            let find = |name: &str| {
                record
                    .cells()
                    .position(|c| c.trim().eq_ignore_ascii_case(name))
            };
            let columns = Columns {
                phone: find("phone"),
                email: find("email").or_else(|| find("e-mail")),
                reason: find("reason"),
                date: find("date"),
            };
            if columns.phone.is_none() && columns.email.is_none() {
                return Err(SuppressionsError::NoColumns {
                    found: record.cells().collect::<Vec<_>>().join(","),
                });
            }
            self.columns = Some(columns);
            return Ok(());
        };
        if record.is_blank() {
            return Ok(());
        }
        let line = record.row();
        let cell = |column: Option<usize>| {
            column
                .and_then(|c| record.get(c))
                .map(str::trim)
                .unwrap_or("")
        };
        let since = match cell(columns.date) {
            "" => None,
            date => Some(read_date(date).ok_or_else(|| SuppressionsError::BadDate {
                line,
                value: date.to_owned(),
            })?),
        };
        let suppression = Suppression {
            since,
            reason: cell(columns.reason).to_owned(),
        };
        let phone = cell(columns.phone);
        if !phone.is_empty() {
            let read = normalize_phone(phone, &self.rules).map_err(|problem| {
                SuppressionsError::BadPhone {
                    line,
                    value: phone.to_owned(),
                    why: match problem {
                        PhoneProblem::Unparseable(why) | PhoneProblem::Invalid(why) => why,
                        PhoneProblem::NoCountryCode => "no country code".into(),
                        PhoneProblem::NotAllowedCountry(why) => why,
                    },
                }
            })?;
            self.list.add_phone(&read.e164, suppression.clone());
        }
        let email = cell(columns.email);
        if !email.is_empty() {
            let key = normalize_email(email).map_err(|_| SuppressionsError::BadEmail {
                line,
                value: email.to_owned(),
            })?;
            self.list.add_email(&key, suppression);
        }
        Ok(())
    }
}

/// A date as a check reads an opt-in time (`YYYY-MM-DD` is midnight UTC).
fn read_date(text: &str) -> Option<DateTime<Utc>> {
    parse_instant(text, &DateRules::default()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_phones_in_e164_and_addresses_by_key_with_dates() {
        let csv = "\u{feff}Phone,Email,Reason,Date\n\
                   07911 123456,,replied STOP,2025-06-01\n\
                   ,Ann@Example.com,unsubscribed,\n\
                   \n\
                   +44 7911 123457,bo@example.com,,2025-06-02T10:00:00Z\n";
        let list = Suppressions::from_csv(csv.as_bytes(), Some("GB")).unwrap();
        assert_eq!(list.len(), 4);
        let stop = list.phone("+447911123456").expect("in E.164");
        assert_eq!(stop.reason, "replied STOP");
        assert_eq!(stop.since, read_date("2025-06-01"));
        let ann = list.email("ann@example.com").unwrap();
        assert_eq!((ann.since, ann.reason.as_str()), (None, "unsubscribed"));
        assert!(list.phone("+447911123457").is_some() && list.phone("+447911123458").is_none());
    }

    #[test]
    fn newer_consent_passes_and_unknown_dates_hold_back() {
        let since = read_date("2025-06-01");
        let opt_out = Suppression {
            since,
            reason: String::new(),
        };
        assert!(opt_out.holds_back(read_date("2025-05-31")));
        assert!(
            !opt_out.holds_back(since),
            "consent at the same moment stands"
        );
        assert!(!opt_out.holds_back(read_date("2025-06-02")));
        assert!(opt_out.holds_back(None));
        assert!(Suppression::default().holds_back(read_date("2030-01-01")));
    }

    #[test]
    fn each_bad_line_is_named_with_the_fix() {
        let read = |csv: &str| Suppressions::from_csv(csv.as_bytes(), Some("GB")).unwrap_err();
        assert!(matches!(
            read("name,notes\nAnn,x\n"),
            SuppressionsError::NoColumns { .. }
        ));
        assert_eq!(
            read(""),
            SuppressionsError::NoColumns {
                found: String::new()
            }
        );
        let bad_phone = read("phone\n+447911123456\nnot a number\n");
        assert!(
            matches!(&bad_phone, SuppressionsError::BadPhone { line: 3, .. }),
            "{bad_phone:?}"
        );
        assert!(bad_phone.to_string().contains("line 3"));
        assert!(matches!(
            read("email\nann@\n"),
            SuppressionsError::BadEmail { line: 2, .. }
        ));
        assert!(matches!(
            read("phone,date\n+447911123456,someday\n"),
            SuppressionsError::BadDate { line: 2, .. }
        ));
        assert_eq!(
            Suppressions::from_csv(b"phone\n\xff\n", None),
            Err(SuppressionsError::NotUtf8)
        );
    }
}
