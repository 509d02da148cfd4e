//! The merchant's choices for one check.

use crate::decode::Encoding;
use crate::edits::Edits;
use crate::mapping::Mapping;
use crate::segment::Channels;
use crate::suppress::Suppressions;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// How the proposed import schedule grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BatchOptions {
    /// Contacts in the first batch. Default 100.
    pub first: u64,
    /// Largest batch. Default 10,000.
    pub cap: u64,
}

impl BatchOptions {
    /// Contacts in the first batch unless the merchant says otherwise.
    pub const DEFAULT_FIRST: u64 = 100;
    /// The largest batch unless the merchant says otherwise.
    pub const DEFAULT_CAP: u64 = 10_000;
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            first: BatchOptions::DEFAULT_FIRST,
            cap: BatchOptions::DEFAULT_CAP,
        }
    }
}

/// Contact rows checked at most unless [`CheckLimits::max_rows`] says otherwise.
pub const DEFAULT_MAX_ROWS: u64 = 5_000_000;
/// Cells in a row at most unless [`CheckLimits::max_columns`] says otherwise.
pub const DEFAULT_MAX_COLUMNS: usize = 1_000;
/// Characters in a cell at most unless [`CheckLimits::max_cell_chars`] says otherwise.
pub const DEFAULT_MAX_CELL_CHARS: usize = 65_536;
/// Unpacked workbook bytes at most unless [`CheckLimits::max_xlsx_bytes`] says otherwise.
pub const DEFAULT_MAX_XLSX_BYTES: u64 = 1 << 30;
/// Cells a worksheet may span unless [`CheckLimits::max_cells`] says otherwise:
/// its rows that hold cells times its width (20,000,000 is a million rows of
/// twenty columns).
pub const DEFAULT_MAX_CELLS: u64 = 20_000_000;

/// What one check may take, against damaged and hostile files, and the
/// threads it judges with. Each unset limit takes its default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CheckLimits {
    /// Largest input in bytes, on top of the profile's own limit.
    pub max_file_bytes: Option<u64>,
    /// Most contact rows (default [`DEFAULT_MAX_ROWS`]).
    pub max_rows: Option<u64>,
    /// Most cells in a row (default [`DEFAULT_MAX_COLUMNS`]).
    pub max_columns: Option<usize>,
    /// Longest cell in characters (default [`DEFAULT_MAX_CELL_CHARS`]).
    pub max_cell_chars: Option<usize>,
    /// Largest `.xlsx` workbook once unpacked, in bytes, as its zip directory
    /// declares it (default [`DEFAULT_MAX_XLSX_BYTES`]): a zip bomb is
    /// refused before anything is unpacked.
    pub max_xlsx_bytes: Option<u64>,
    /// Most cells a worksheet may span: the rows that hold cells times the
    /// column of its rightmost cell (default [`DEFAULT_MAX_CELLS`]). A few
    /// far-apart cells in a tiny workbook would otherwise make every row as
    /// wide as the widest; a CSV is read row by row and has no such limit.
    pub max_cells: Option<u64>,
    /// Most issues listed in the report (counts stay exact). Default 100,000.
    pub max_listed_issues: Option<usize>,
    /// Threads that check rows (native only; the browser build has one).
    /// Default 1; verdicts, report and files are the same for any number.
    pub threads: Option<usize>,
}

/// How the file is read. Every field's default detects or suggests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    /// Whether the file has a header row; detected when `None`.
    pub header: Option<bool>,
    /// Rows above the table to skip; detected when `None`.
    pub skip_rows: Option<usize>,
    /// Cell delimiter; sniffed when `None`.
    pub delimiter: Option<char>,
    /// Text encoding; detected when `None`.
    pub encoding: Option<Encoding>,
    /// Field → header overrides on top of the suggested mapping.
    pub mapping: Mapping,
    /// The input was pasted (paste limits apply).
    pub pasted: bool,
    /// Worksheet to read from a workbook; the first when `None`.
    pub sheet: Option<String>,
}

/// What the rules judge by. The defaults: no default region, no declared
/// date format, no clock (rules that need "now" are skipped), no business
/// name, no declared channel, every switch off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct JudgeOptions {
    /// ISO country for numbers without a country code (`GB`). Default none.
    pub default_region: Option<String>,
    /// Declared date format, `strftime` (`%d/%m/%Y`) or `DD/MM/YYYY` style.
    pub date_format: Option<String>,
    /// The moment of the check. Core has no clock; callers pass it.
    pub now: Option<DateTime<Utc>>,
    /// The business that must be named in the consent wording.
    pub business_name: Option<String>,
    /// The channels every contact consented to, for lists without a
    /// channel column (`sms`, `sms;email`).
    pub channel: Option<Channels>,
    /// The street column holds the house number too; split it out.
    pub house_number_in_street: bool,
    /// Mongoose: fill a blank MobileNumber from WhatsAppMobileNumber instead of failing.
    pub infer_mobile_number: bool,
    /// Mongoose: existing contacts' numbers may be changed by this import.
    pub allow_mobile_number_updates: bool,
    /// Mongoose: StaffIds that exist; empty means any.
    pub known_staff_ids: Vec<String>,
    /// The tenant's opt-outs: rows they hold are refused
    /// (`consent.suppressed`) unless their consent is newer. Read from a
    /// file by the program that runs the check, never from settings JSON.
    #[serde(skip)]
    pub suppressions: Arc<Suppressions>,
}

/// Options for one check. Every field has a default (`CheckOptions::default()`):
/// detect encoding, delimiter, title rows and header; suggest the mapping;
/// no default region; no clock (rules that need "now" — future dates,
/// staleness, age from date of birth — are skipped unless `now` is given).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckOptions {
    /// How the file is read: its layout and the mapping of its columns.
    #[serde(flatten)]
    pub reading: ReadOptions,
    /// What the rules judge by: region, dates, the clock, the business, the
    /// declared channel, the profile's switches.
    #[serde(flatten)]
    pub judging: JudgeOptions,
    /// Import schedule settings.
    pub batches: BatchOptions,
    /// The check's limits and threads: chosen by the program that runs the
    /// check (the CLI's flags, the server), never by a merchant's settings,
    /// so they are not read from (or written to) JSON.
    #[serde(skip)]
    pub limits: CheckLimits,
    /// The merchant's changes to the file's cells, applied to its records
    /// as they are read (see [`crate::edits`]). They belong to this file's
    /// row numbers, so they never travel with settings as JSON.
    #[serde(skip)]
    pub edits: Arc<Edits>,
}

impl CheckOptions {
    /// These options with the business the consent wording must name
    /// (the `whatsapp` profile refuses a check without one).
    pub fn with_business_name(mut self, name: impl Into<String>) -> CheckOptions {
        self.judging.business_name = Some(name.into());
        self
    }

    /// These options for reading a CSV that listgate wrote (a clean file, an
    /// edited row): comma-separated, the header on row 1, UTF-8 with or
    /// without a BOM, not pasted, no sheet. The limits, the issue listing and
    /// the threads go back to the reader's defaults: a merchant's settings
    /// never choose them; edits of another file's rows are dropped. The
    /// judging options and the mapping are kept.
    pub fn listgate_csv(self) -> CheckOptions {
        CheckOptions {
            reading: ReadOptions {
                header: Some(true),
                skip_rows: Some(0),
                delimiter: Some(','),
                encoding: Some(Encoding::UTF_8),
                pasted: false,
                sheet: None,
                mapping: self.reading.mapping,
            },
            limits: CheckLimits::default(),
            edits: Arc::default(),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_never_read_from_a_merchants_settings() {
        let options: CheckOptions = serde_json::from_str(
            r#"{"default_region": "GB", "max_rows": 1, "max_columns": 2, "threads": 64, "limits": {"max_rows": 1}}"#,
        )
        .expect("options");
        assert_eq!(options.judging.default_region.as_deref(), Some("GB"));
        assert_eq!(options.limits, CheckLimits::default());
        let written = serde_json::to_value(CheckOptions {
            limits: CheckLimits {
                max_rows: Some(1),
                ..CheckLimits::default()
            },
            ..CheckOptions::default()
        })
        .expect("json");
        assert!(
            written.get("limits").is_none() && written.get("max_rows").is_none(),
            "{written}"
        );
    }

    #[test]
    fn the_json_shape_stays_flat() {
        let json = r#"{"default_region": "GB", "delimiter": ";", "mapping": {"phone": "Mobile"}, "batches": {"first": 50}}"#;
        let options: CheckOptions = serde_json::from_str(json).expect("options");
        assert_eq!(options.judging.default_region.as_deref(), Some("GB"));
        assert_eq!(options.reading.delimiter, Some(';'));
        assert_eq!(options.reading.mapping.0["phone"], "Mobile");
        assert_eq!(options.batches.first, 50);
        let back = serde_json::to_value(&options).expect("json");
        assert_eq!(back["delimiter"], ";");
        assert_eq!(back["default_region"], "GB");
        assert!(
            back.get("reading").is_none() && back.get("judging").is_none(),
            "{back}"
        );
    }

    #[test]
    fn a_listgate_csv_is_read_one_way_whatever_the_settings_say() {
        let merchant = CheckOptions {
            reading: ReadOptions {
                delimiter: Some(';'),
                header: Some(false),
                skip_rows: Some(3),
                encoding: Some(Encoding::WINDOWS_1252),
                pasted: true,
                sheet: Some("Sheet2".into()),
                mapping: Mapping::from_pairs(&["phone=Mobile"]).expect("pairs"),
            },
            judging: JudgeOptions {
                default_region: Some("US".into()),
                ..JudgeOptions::default()
            },
            limits: CheckLimits {
                max_rows: Some(1),
                threads: Some(8),
                ..CheckLimits::default()
            },
            ..CheckOptions::default()
        };
        let read = merchant.clone().listgate_csv();
        assert_eq!(read.reading.delimiter, Some(','));
        assert_eq!(read.reading.header, Some(true));
        assert_eq!(read.reading.skip_rows, Some(0));
        assert_eq!(read.reading.encoding, Some(Encoding::UTF_8));
        assert!(!read.reading.pasted && read.reading.sheet.is_none());
        assert_eq!(
            read.reading.mapping, merchant.reading.mapping,
            "the mapping stays"
        );
        assert_eq!(read.limits, CheckLimits::default());
        assert_eq!(read.judging, merchant.judging, "judging options stay");
    }
}
