//! The report: what was read, what was found, what can be imported.

use crate::code::{Code, Severity};
use crate::decode::EncodingSource;
use crate::options::BatchOptions;
use crate::segment::Segment;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An issue's message: most are fixed sentences, kept without a copy per
/// row; those naming a value are built for the row.
pub type Message = std::borrow::Cow<'static, str>;

/// One problem on one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    /// Spreadsheet row number (header = 1, first data row = 2).
    pub row: u64,
    /// The column's header (or letter), when the issue is about one cell.
    pub column: Option<String>,
    /// Stable code.
    pub code: Code,
    /// Error (row rejected) or warning.
    pub severity: Severity,
    /// What is wrong, naming the value.
    pub message: Message,
}

/// How the file was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInfo {
    /// Text encoding used (its WHATWG name, such as `UTF-8` or
    /// `windows-1251`), or `xlsx`.
    pub encoding: String,
    /// Whether the encoding was declared, taken from a byte-order mark or
    /// detected; absent for workbooks.
    pub encoding_source: Option<EncodingSource>,
    /// Cell delimiter (`,` `;` `\t` `|`), absent for workbooks.
    pub delimiter: Option<String>,
    /// Spreadsheet row of the header, absent when the file has none.
    pub header_row: Option<u64>,
    /// Title or blank rows skipped above the table.
    pub skipped_rows: u64,
    /// Blank rows inside the table (not contacts, not counted as rows).
    pub blank_rows: u64,
    /// Rows the merchant's bulk fixes deleted (not counted as rows; absent
    /// when none was).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub deleted_rows: u64,
    /// Source columns in order (header text, or `Column A`…).
    pub columns: Vec<String>,
    /// Worksheet read, for workbooks.
    pub sheet: Option<String>,
    /// Some bytes were not valid in the encoding and were replaced by `�`.
    pub replaced_invalid_bytes: bool,
}

/// Row counts. `rows = importable + rejected`; `rejected = set_aside +` rows
/// in the error file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Contact rows read (blank rows excluded).
    pub rows: u64,
    /// Rows in the clean file.
    pub importable: u64,
    /// Rows not importable.
    pub rejected: u64,
    /// Rejected only because of their consent channel: in their segment file.
    pub set_aside: u64,
    /// Rows with at least one warning.
    pub warnings: u64,
    /// Rows flagged as duplicates of an earlier row.
    pub duplicates: u64,
}

/// Rows per consent segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segments {
    /// Consented to WhatsApp.
    pub whatsapp: u64,
    /// SMS but not WhatsApp.
    pub sms_only: u64,
    /// Email only.
    pub email_only: u64,
    /// No channel recorded.
    pub unknown: u64,
}

impl Segments {
    /// Counts one row of `segment`.
    pub fn add(&mut self, segment: Segment) {
        *self.get_mut(segment) += 1;
    }

    /// The count for `segment`.
    pub fn get(&self, segment: Segment) -> u64 {
        match segment {
            Segment::Whatsapp => self.whatsapp,
            Segment::SmsOnly => self.sms_only,
            Segment::EmailOnly => self.email_only,
            Segment::Unknown => self.unknown,
        }
    }

    fn get_mut(&mut self, segment: Segment) -> &mut u64 {
        match segment {
            Segment::Whatsapp => &mut self.whatsapp,
            Segment::SmsOnly => &mut self.sms_only,
            Segment::EmailOnly => &mut self.email_only,
            Segment::Unknown => &mut self.unknown,
        }
    }
}

/// The three outcomes a merchant sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every row can be imported.
    AllImportable,
    /// Some rows can be imported; the rest are in the error file.
    SomeImportable,
    /// No row can be imported.
    NoneImportable,
}

impl Outcome {
    /// The words shown to the merchant.
    pub fn message(self) -> &'static str {
        match self {
            Outcome::AllImportable => "All rows can be imported.",
            Outcome::SomeImportable => "Some rows can be imported; the rest are in the error file.",
            Outcome::NoneImportable => "No row can be imported; see the error file.",
        }
    }
}

/// Occurrences of one code, with its fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeCount {
    /// The code.
    pub code: Code,
    /// Its severity (a code that occurs with both counts under each).
    pub severity: Severity,
    /// How many times it occurred.
    pub count: u64,
    /// How to fix it.
    pub fix: String,
}

/// A note on the whole file that rejects no row: something the platform
/// will do because of what the file leaves out (Mongoose clears the staff
/// assignment of a file without StaffId).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// The code of the rule that gives it.
    pub code: Code,
    /// What will happen and why.
    pub message: String,
    /// What to do about it.
    pub fix: String,
}

/// One proposed import batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// 1-based batch number.
    pub number: u32,
    /// Contacts in the batch.
    pub contacts: u64,
}

/// Importable contacts who gave consent through one opt-in source: the
/// form, page or event a reviewer asks to see evidence of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCount {
    /// The `opt_in_source` value as written, trimmed (blank when the row has none).
    pub source: String,
    /// Importable contacts with that source.
    pub contacts: u64,
}

/// Opt-in sources listed in a report at most; the rest are counted together.
pub const MAX_LISTED_SOURCES: usize = 50;
/// Distinct sources tallied at most, so that a list with a different source
/// on every row cannot grow memory without bound.
const MAX_TALLIED_SOURCES: usize = 1_000;

/// Counts importable contacts per opt-in source while rows settle.
#[derive(Debug, Default)]
pub(crate) struct SourceTally {
    /// A lookup per importable row: foldhash, as for duplicate keys.
    counts: std::collections::HashMap<String, u64, foldhash::fast::RandomState>,
    /// Contacts whose source arrived after [`MAX_TALLIED_SOURCES`] others.
    untallied: u64,
}

impl SourceTally {
    /// Counts one importable contact of `source`.
    pub(crate) fn add(&mut self, source: &str) {
        let source = source.trim();
        if let Some(n) = self.counts.get_mut(source) {
            *n += 1;
        } else if self.counts.len() < MAX_TALLIED_SOURCES {
            self.counts.insert(source.to_owned(), 1);
        } else {
            self.untallied += 1;
        }
    }

    /// The sources with most contacts first (ties by name), at most
    /// [`MAX_LISTED_SOURCES`], and the contacts of every other source.
    pub(crate) fn into_listed(self) -> (Vec<SourceCount>, u64) {
        let mut listed: Vec<SourceCount> = self
            .counts
            .into_iter()
            .map(|(source, contacts)| SourceCount { source, contacts })
            .collect();
        listed.sort_by(|a, b| {
            b.contacts
                .cmp(&a.contacts)
                .then_with(|| a.source.cmp(&b.source))
        });
        let rest = listed
            .split_off(listed.len().min(MAX_LISTED_SOURCES))
            .iter()
            .map(|s| s.contacts)
            .sum::<u64>();
        (listed, rest + self.untallied)
    }
}

/// The whole result of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Profile name.
    pub profile: String,
    /// The moment the check judged against (future dates, staleness, age),
    /// when one was given.
    pub checked_at: Option<DateTime<Utc>>,
    /// How the file was read.
    pub file: FileInfo,
    /// Field → source column actually used.
    pub mapping: BTreeMap<String, String>,
    /// Row counts.
    pub summary: Summary,
    /// The outcome in the merchant's words.
    pub outcome: Outcome,
    /// Rows per consent segment.
    pub segments: Segments,
    /// Issues in row order (at most the configured number).
    pub issues: Vec<Issue>,
    /// Issues not listed because of the limit.
    pub issues_not_listed: u64,
    /// Count and fix per code.
    pub issue_counts: Vec<CodeCount>,
    /// Proposed import schedule for the importable rows.
    pub batches: Vec<Batch>,
    /// Importable contacts per opt-in source, most first (at most
    /// [`MAX_LISTED_SOURCES`]); empty when the profile has no `opt_in_source`
    /// field or the file does not map it.
    #[serde(default)]
    pub opt_in_sources: Vec<SourceCount>,
    /// Importable contacts whose source is not listed because of that limit.
    #[serde(default)]
    pub opt_in_sources_not_listed: u64,
    /// Notes on the whole file; most files have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
}

/// Plans batches: `first`, then doubling up to `cap`, covering `contacts`.
pub fn plan_batches(contacts: u64, options: &BatchOptions) -> Vec<Batch> {
    let cap = options.cap.max(1);
    let mut size = options.first.clamp(1, cap);
    let mut left = contacts;
    let mut batches = Vec::new();
    while left > 0 {
        let take = size.min(left);
        batches.push(Batch {
            number: batches.len() as u32 + 1,
            contacts: take,
        });
        left -= take;
        size = size.saturating_mul(2).min(cap);
    }
    batches
}

/// Whether `n` is 0 (a count left out of the JSON then).
fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_listed_most_contacts_first_and_the_rest_counted_together() {
        let mut tally = SourceTally::default();
        for i in 0..MAX_TALLIED_SOURCES + 10 {
            tally.add(&format!(" form-{i:04} "));
        }
        // A source first seen after the cap is counted, not listed, however
        // many contacts it has.
        for _ in 0..4 {
            tally.add("shop till");
        }
        let (listed, rest) = tally.into_listed();
        assert_eq!(listed.len(), MAX_LISTED_SOURCES);
        assert!(listed.iter().all(|s| s.source != "shop till"));
        assert_eq!(listed[0].source, "form-0000");
        assert_eq!(listed[0].contacts, 1);
        // Ties by name; the trimmed value is the key.
        assert_eq!(listed[1].source, "form-0001");
        let total = (MAX_TALLIED_SOURCES + 10 + 4) as u64;
        assert_eq!(listed.iter().map(|s| s.contacts).sum::<u64>() + rest, total);
    }

    #[test]
    fn a_frequent_source_comes_first() {
        let mut tally = SourceTally::default();
        for source in ["b", "a", "b", " b", "c"] {
            tally.add(source);
        }
        let (listed, rest) = tally.into_listed();
        let names: Vec<(&str, u64)> = listed
            .iter()
            .map(|s| (s.source.as_str(), s.contacts))
            .collect();
        assert_eq!(names, [("b", 3), ("a", 1), ("c", 1)]);
        assert_eq!(rest, 0);
    }

    #[test]
    fn batches_start_small_double_and_cap() {
        let sizes: Vec<u64> = plan_batches(
            1000,
            &BatchOptions {
                first: 100,
                cap: 300,
            },
        )
        .iter()
        .map(|b| b.contacts)
        .collect();
        assert_eq!(sizes, vec![100, 200, 300, 300, 100]);
        assert!(plan_batches(0, &BatchOptions::default()).is_empty());
        assert_eq!(plan_batches(5, &BatchOptions { first: 0, cap: 0 }).len(), 5);
    }
}
