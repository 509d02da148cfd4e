//! The tenant's suppression list: the phones and e-mail addresses of
//! contacts who opted out, each with the date and reason. A check given one
//! flags every row it holds (`consent.suppressed`), unless the row's own
//! consent is newer than the opt-out.
//!
//! A list is read from CSV ([`read_csv`], every entry and every bad line;
//! [`Suppressions::from_csv`], the list or its first bad line): a header
//! (its first non-blank line) naming a `phone` and/or an `email` (or
//! `e-mail`) column, any case, and optionally `reason` and `date` (read as
//! a check reads an opt-in time); phones are read with the default region
//! as a check reads them and kept in E.164, addresses by their key. Cells
//! are read as a check reads them ([`clean_cell`]: trimmed, a spreadsheet's
//! formula guard `'` dropped); blank lines are skipped.

use crate::normalize::clean_cell;
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
    /// The header names neither a phone nor an email column (or there is
    /// no header: the list is empty, and `found` too).
    #[error(
        "line {line} of the suppression list names no `phone` or `email` column (found: {found}); name the column of numbers `phone` and the column of addresses `email`"
    )]
    NoColumns {
        /// The header's line (1 when there is none).
        line: u64,
        /// The header as found, its cells joined by commas.
        found: String,
    },
    /// A quoted cell runs to the end of the file: the lines after its
    /// quote were read into it.
    #[error(
        "line {line} of the suppression list: a quoted cell is not closed; close its quote (\")"
    )]
    UnclosedQuote {
        /// The line the cell starts on.
        line: u64,
    },
    /// A line with cells but neither a phone nor an address.
    #[error(
        "line {line} of the suppression list has no phone or email; fill one in or delete the line"
    )]
    NoAddress {
        /// The line.
        line: u64,
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
        /// What is wrong with it (a phrase that follows the address).
        why: String,
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

impl SuppressionsError {
    /// The line the problem is on (the header is line 1); `None` when the
    /// file is not text.
    pub fn line(&self) -> Option<u64> {
        match self {
            SuppressionsError::NotUtf8 => None,
            SuppressionsError::NoColumns { line, .. }
            | SuppressionsError::UnclosedQuote { line }
            | SuppressionsError::NoAddress { line }
            | SuppressionsError::BadPhone { line, .. }
            | SuppressionsError::BadEmail { line, .. }
            | SuppressionsError::BadDate { line, .. } => Some(*line),
        }
    }
}

/// What an entry of a list names: an owned [`Opted`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A number in E.164.
    Phone(String),
    /// An address's key (trimmed and lower-cased).
    Email(String),
}

impl Target {
    /// The number or address, as the list looks it up.
    pub fn opted(&self) -> Opted<'_> {
        match self {
            Target::Phone(e164) => Opted::Phone(e164),
            Target::Email(key) => Opted::Email(key),
        }
    }
}

/// One opt-out as a list file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its line (the header is line 1).
    pub line: u64,
    /// The number or address.
    pub target: Target,
    /// Since when, and why (as the line says; blank when it does not).
    pub suppression: Suppression,
}

/// A suppression list file as read by [`read_csv`]: every entry it could
/// read and every problem, both in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuppressionCsv {
    /// The entries read (a line naming a phone and an address gives two,
    /// the phone first).
    pub entries: Vec<Entry>,
    /// Why lines could not be read, by line: a line with a date that cannot
    /// be read or an unclosed quote has one, else one for each of its
    /// phone and address that cannot be read. When the file is not text or
    /// names no columns, that is the only problem and there are no entries.
    pub errors: Vec<SuppressionsError>,
}

/// Reads a suppression list (see the module docs) as far as it can:
/// every readable entry and every bad line. Numbers without a country code
/// are read in `region` (a region code such as `GB`); without one they
/// must carry it.
pub fn read_csv(bytes: &[u8], region: Option<&str>) -> SuppressionCsv {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return SuppressionCsv {
            entries: Vec::new(),
            errors: vec![SuppressionsError::NotUtf8],
        };
    };
    let rules = PhoneRules {
        region: region.and_then(parse_region),
        region_forced: false,
        nanp_only: false,
        allowed: Vec::new(),
        style: PhoneStyle::E164,
    };
    let mut reading = Reading {
        rules,
        columns: Header::Awaited,
        read: SuppressionCsv::default(),
    };
    let mut reader = RecordReader::new(b',');
    reader.feed(text.trim_start_matches('\u{feff}'), &mut |record| {
        reading.take(record)
    });
    reader.finish(&mut |record| reading.take(record));
    if matches!(reading.columns, Header::Awaited) {
        reading.read.errors.push(SuppressionsError::NoColumns {
            line: 1,
            found: String::new(),
        });
    }
    reading.read
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

    /// Reads a suppression list (see the module docs) as [`read_csv`]
    /// does, refusing it at its first problem; numbers without a country
    /// code are read in `region` (a region code such as `GB`).
    pub fn from_csv(bytes: &[u8], region: Option<&str>) -> Result<Suppressions, SuppressionsError> {
        let read = read_csv(bytes, region);
        if let Some(error) = read.errors.into_iter().next() {
            return Err(error);
        }
        let mut list = Suppressions::default();
        for entry in read.entries {
            list.add(entry.target.opted(), entry.suppression);
        }
        Ok(list)
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

/// Where a list being read is in its header.
#[derive(Debug, Clone, Copy)]
enum Header {
    /// Not found yet (only blank lines so far).
    Awaited,
    /// Read: the columns.
    Read(Columns),
    /// Names no columns: the rest of the file is not read.
    Refused,
}

/// A suppression list as it is read.
#[derive(Debug)]
struct Reading {
    rules: PhoneRules,
    columns: Header,
    read: SuppressionCsv,
}

impl Reading {
    fn take(&mut self, record: &Record) {
        if record.is_blank() && !record.has_unclosed_quote() {
            return;
        }
        match self.columns {
            Header::Awaited => self.header(record),
            Header::Read(columns) => self.line(columns, record),
            Header::Refused => {}
        }
    }

    fn header(&mut self, record: &Record) {
        let find = |name: &str| {
            record
                .cells()
                .position(|c| clean_cell(c).eq_ignore_ascii_case(name))
        };
        let columns = Columns {
            phone: find("phone"),
            email: find("email").or_else(|| find("e-mail")),
            reason: find("reason"),
            date: find("date"),
        };
        if columns.phone.is_none() && columns.email.is_none() {
            self.columns = Header::Refused;
            self.read.errors.push(SuppressionsError::NoColumns {
                line: record.row(),
                found: record.cells().collect::<Vec<_>>().join(","),
            });
        } else {
            self.columns = Header::Read(columns);
        }
    }

    /// Reads one line after the header: its entries, or its problems.
    fn line(&mut self, columns: Columns, record: &Record) {
        let line = record.row();
        let errors = &mut self.read.errors;
        if record.has_unclosed_quote() {
            errors.push(SuppressionsError::UnclosedQuote { line });
            return;
        }
        let cell =
            |column: Option<usize>| column.and_then(|c| record.get(c)).map_or("", clean_cell);
        let since = match cell(columns.date) {
            "" => None,
            date => match read_date(date) {
                Some(since) => Some(since),
                None => {
                    errors.push(SuppressionsError::BadDate {
                        line,
                        value: date.to_owned(),
                    });
                    return;
                }
            },
        };
        let suppression = Suppression {
            since,
            reason: cell(columns.reason).to_owned(),
        };
        let (phone, email) = (cell(columns.phone), cell(columns.email));
        if phone.is_empty() && email.is_empty() {
            errors.push(SuppressionsError::NoAddress { line });
            return;
        }
        let mut entry = |target| {
            self.read.entries.push(Entry {
                line,
                target,
                suppression: suppression.clone(),
            })
        };
        let mut problems = Vec::new();
        if !phone.is_empty() {
            match normalize_phone(phone, &self.rules) {
                Ok(read) => entry(Target::Phone(read.e164)),
                Err(problem) => problems.push(SuppressionsError::BadPhone {
                    line,
                    value: phone.to_owned(),
                    why: match problem {
                        PhoneProblem::Unparseable(why) | PhoneProblem::Invalid(why) => why,
                        PhoneProblem::NoCountryCode => "no country code".into(),
                        PhoneProblem::NotAllowedCountry(why) => why,
                    },
                }),
            }
        }
        if !email.is_empty() {
            match normalize_email(email) {
                Ok(key) => entry(Target::Email(key)),
                Err(problem) => problems.push(SuppressionsError::BadEmail {
                    line,
                    value: email.to_owned(),
                    why: problem.to_string(),
                }),
            }
        }
        self.read.errors.extend(problems);
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
                line: 1,
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

    fn phone(line: u64, e164: &str, since: Option<&str>, reason: &str) -> Entry {
        Entry {
            line,
            target: Target::Phone(e164.into()),
            suppression: Suppression {
                since: since.and_then(read_date),
                reason: reason.into(),
            },
        }
    }

    #[test]
    fn every_entry_and_every_bad_line_are_read_in_file_order() {
        let csv = "\n\u{feff}Reason, E-Mail ,PHONE,Date\n\
                   STOP,Ann@Example.com,+44 7911 123456,2025-06-01\n\
                   ,ann@,07911 123457,\n\
                   ,,,\n\
                   late,bo@example.com,,someday\n\
                   left,,,2025-06-02\n\
                   ,,'+1 201 555 0123,\n\
                   why,cy@example.com,call me,\n";
        let read = read_csv(csv.as_bytes(), None);
        let email = |line, key: &str, reason: &str| Entry {
            line,
            target: Target::Email(key.into()),
            suppression: Suppression {
                since: None,
                reason: reason.into(),
            },
        };
        let mut stop = email(3, "ann@example.com", "STOP");
        stop.suppression.since = read_date("2025-06-01");
        assert_eq!(
            read.entries,
            [
                phone(3, "+447911123456", Some("2025-06-01"), "STOP"),
                stop,
                // A spreadsheet's formula guard is not part of the number.
                phone(8, "+12015550123", None, ""),
                email(9, "cy@example.com", "why"),
            ]
        );
        let lines: Vec<_> = read.errors.iter().map(SuppressionsError::line).collect();
        assert_eq!(lines, [4, 4, 6, 7, 9].map(Some), "{:?}", read.errors);
        assert_eq!(
            read.errors[0],
            SuppressionsError::BadPhone {
                line: 4,
                value: "07911 123457".into(),
                why: "no country code".into(),
            },
            "without a region a number needs its country code"
        );
        assert_eq!(
            read.errors[1],
            SuppressionsError::BadEmail {
                line: 4,
                value: "ann@".into(),
                why: normalize_email("ann@").unwrap_err().to_string(),
            }
        );
        assert_eq!(
            read.errors[2],
            SuppressionsError::BadDate {
                line: 6,
                value: "someday".into()
            },
            "a bad date stops its line: its address is not read"
        );
        assert_eq!(read.errors[3], SuppressionsError::NoAddress { line: 7 });
        assert!(
            matches!(&read.errors[4], SuppressionsError::BadPhone { line: 9, value, .. } if value == "call me")
        );
        // The list refuses the file at its first problem.
        assert_eq!(
            Suppressions::from_csv(csv.as_bytes(), None),
            Err(read.errors[0].clone())
        );
        // With a region, the local number is read.
        let gb = read_csv(csv.as_bytes(), Some("GB"));
        assert!(gb.entries.contains(&phone(4, "+447911123457", None, "")));
        assert_eq!(gb.errors.len(), 4);
    }

    #[test]
    fn a_file_that_cannot_be_read_is_its_only_problem() {
        let only = |csv: &[u8]| {
            let read = read_csv(csv, None);
            assert!(read.entries.is_empty(), "{read:?}");
            read.errors
        };
        assert_eq!(only(b"phone\n\xff\n"), [SuppressionsError::NotUtf8]);
        assert_eq!(
            only(b"\n\nname,notes\nAnn,x\n+447911123456,\n"),
            [SuppressionsError::NoColumns {
                line: 3,
                found: "name,notes".into()
            }]
        );
        for empty in [&b""[..], b"\xEF\xBB\xBF", b"\n , \n\n"] {
            assert_eq!(
                only(empty),
                [SuppressionsError::NoColumns {
                    line: 1,
                    found: String::new()
                }]
            );
        }
        assert_eq!(
            read_csv(
                b"phone,reason\n+447911123456,\"STOP\n+447911123457,x\n",
                None
            ),
            SuppressionCsv {
                entries: Vec::new(),
                errors: vec![SuppressionsError::UnclosedQuote { line: 2 }],
            },
            "the lines after an open quote are in its cell, not read"
        );
        // A header alone is an empty list.
        assert_eq!(read_csv(b"email\r\n", None), SuppressionCsv::default());
    }
}
