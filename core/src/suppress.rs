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

/// What an opt-out names: a phone number or an e-mail address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opted<'a> {
    /// A number in E.164.
    Phone(&'a str),
    /// An address's key (trimmed and lower-cased).
    Email(&'a str),
}

impl Opted<'_> {
    /// The text an entry is filed under (and hashed from): `phone:+447911123456`,
    /// `email:ana@example.com`. The prefix keeps a number and an address
    /// with the same text apart.
    fn entry(self) -> String {
        match self {
            Opted::Phone(e164) => format!("phone:{e164}"),
            Opted::Email(key) => format!("email:{key}"),
        }
    }
}

/// The keyed hash of an opt-out: HMAC-SHA-256 under the tenant's `key` of
/// the entry's text, in lowercase hex. The server hands a browser these
/// (and the key) instead of the numbers and addresses; the browser hashes
/// its own rows the same way to find them.
pub fn keyed_hash(key: &[u8], opted: Opted<'_>) -> String {
    use hmac::{KeyInit, Mac};
    let mut mac =
        hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(opted.entry().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Phones (E.164) and e-mail addresses (their keys, trimmed and lower-cased)
/// that opted out: as themselves, or as their keyed hashes
/// ([`Suppressions::hashed`]), which are looked up the same way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suppressions {
    /// The HMAC key the entries are hashed under, if they are.
    key: Option<Vec<u8>>,
    entries: HashMap<String, Suppression>,
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
    /// An empty list of keyed hashes under `key` (see [`keyed_hash`]): what
    /// [`Suppressions::add_hash`] adds is found by number or address.
    pub fn hashed(key: Vec<u8>) -> Suppressions {
        Suppressions {
            key: Some(key),
            entries: HashMap::new(),
        }
    }

    /// Whether the list holds nobody.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in all (phones and addresses).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Adds the number `e164` (a later opt-out of the same number wins).
    pub fn add_phone(&mut self, e164: &str, suppression: Suppression) {
        self.add(Opted::Phone(e164), suppression);
    }

    /// Adds the address with key `email` (trimmed and lower-cased).
    pub fn add_email(&mut self, email: &str, suppression: Suppression) {
        self.add(Opted::Email(email), suppression);
    }

    /// Adds an entry of a hashed list by its keyed hash (hex, as
    /// [`keyed_hash`] writes it; any case). Hashes cannot be added to a
    /// list that holds numbers and addresses: the answer is `false` and
    /// nothing is added.
    pub fn add_hash(&mut self, hash: &str, suppression: Suppression) -> bool {
        if self.key.is_none() {
            return false;
        }
        add(&mut self.entries, hash.to_ascii_lowercase(), suppression);
        true
    }

    /// The opt-out of the number `e164`, if it has one.
    pub fn phone(&self, e164: &str) -> Option<&Suppression> {
        self.entries.get(&self.file_key(Opted::Phone(e164)))
    }

    /// The opt-out of the address with key `email`, if it has one.
    pub fn email(&self, email: &str) -> Option<&Suppression> {
        self.entries.get(&self.file_key(Opted::Email(email)))
    }

    /// Adds the number or address `opted` (a later opt-out of it wins).
    pub fn add(&mut self, opted: Opted<'_>, suppression: Suppression) {
        let key = self.file_key(opted);
        add(&mut self.entries, key, suppression);
    }

    /// Where `opted` is filed: its text, or its keyed hash.
    fn file_key(&self, opted: Opted<'_>) -> String {
        match &self.key {
            Some(key) => keyed_hash(key, opted),
            None => opted.entry(),
        }
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
    fn keyed_hashes_are_hmac_sha256_of_the_entry_and_are_found_by_number_and_address() {
        // Python's hmac.new(b"tenant-key", b"phone:+447911123456", sha256).
        let phone = "a13b848db48325f089d266714ae569e72f55f4d00debe661f779ac2c25f1a09a";
        let email = "612409f36797be43aec14053fdb7467582c3c287631e36c8c90f6b87afc547a0";
        assert_eq!(
            keyed_hash(b"tenant-key", Opted::Phone("+447911123456")),
            phone
        );
        assert_eq!(
            keyed_hash(b"tenant-key", Opted::Email("ann@example.com")),
            email
        );
        let mut list = Suppressions::hashed(b"tenant-key".to_vec());
        let stop = Suppression {
            since: read_date("2025-06-01"),
            reason: "replied STOP".into(),
        };
        assert!(list.add_hash(&phone.to_ascii_uppercase(), stop.clone()));
        assert!(list.add_hash(email, Suppression::default()));
        assert_eq!(list.phone("+447911123456"), Some(&stop));
        assert!(list.email("ann@example.com").is_some());
        // A number and an address of the same text are different entries.
        assert!(list.phone("ann@example.com").is_none() && list.phone("+447911123457").is_none());
        // Another tenant's key finds nothing.
        let mut other = Suppressions::hashed(b"another key".to_vec());
        other.add_hash(phone, stop);
        assert!(other.phone("+447911123456").is_none());
        // A plain list takes no hashes.
        assert!(!Suppressions::default().add_hash(phone, Suppression::default()));
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
