//! Output files: clean, errors, one per segment. Written into byte buffers
//! (core does no I/O); callers drain them as they go.
//!
//! Every file is safe to open in a spreadsheet: a cell that starts with
//! `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, unless it
//! is a plain number such as an E.164 phone. listgate strips that prefix
//! again when the file is checked, so error files re-import unchanged.

use crate::code::Code;
use crate::edits::{CellChange, History, Step, StepKind};
use crate::error::{CheckError, Position};
use crate::excel::excel_safe;
use crate::profile::{Profile, Role};
use crate::report::{Batch, Report};
use crate::rules::fix_for;
use crate::segment::Segment;
use crate::sink::{Disposition, Layout, RowVerdict, Sink};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Appends one CSV line (comma-separated, quoted where needed, CRLF).
pub fn write_csv_row<'a>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let cell = excel_safe(cell);
        let needs_quotes =
            cell.contains([',', '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ');
        if needs_quotes {
            out.push(b'"');
            out.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(cell.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// `report.json`: the report as `listgate check --json` prints it, indented.
pub fn report_json(report: &Report) -> Vec<u8> {
    // A report holds only strings, numbers and maps with string keys.
    serde_json::to_vec_pretty(report).unwrap_or_default()
}

/// A refused file as `report.json` and the CLI's `--json` say it: the code,
/// what is wrong, where (when one row or cell is to blame) and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The file-level code, e.g. `file.too_many_columns`.
    pub code: Code,
    /// What is wrong, naming rows, columns or sizes.
    pub message: String,
    /// The row (and column) to look at, when one is to blame.
    pub position: Option<Position>,
    /// How to fix it.
    pub fix: String,
}

impl Refusal {
    /// The refusal in `error`; `None` for an unusable option.
    pub fn of(error: &CheckError) -> Option<Refusal> {
        match error {
            CheckError::Refused {
                code,
                message,
                position,
            } => Some(Refusal {
                code: *code,
                message: message.clone(),
                position: *position,
                fix: fix_for(*code).to_owned(),
            }),
            CheckError::InvalidOption(_)
            | CheckError::NeedsBusinessName { .. }
            | CheckError::Worker(_) => None,
        }
    }

    /// `report.json` of a refused file: `{"refused": {...}}`.
    pub fn json(&self) -> Vec<u8> {
        // Strings, a number and a code: nothing that fails to serialize.
        serde_json::to_vec_pretty(&serde_json::json!({ "refused": self })).unwrap_or_default()
    }
}

/// `batches.csv`: the proposed import schedule, one batch per line with the
/// clean-file rows it covers (first data row = 2, as a spreadsheet shows).
pub fn batch_plan_csv(batches: &[Batch]) -> Vec<u8> {
    let mut out = BOM.to_vec();
    write_csv_row(&mut out, ["batch", "contacts", "first_row", "last_row"]);
    let mut next_row = 2;
    for batch in batches {
        let cells = [
            batch.number.to_string(),
            batch.contacts.to_string(),
            next_row.to_string(),
            (next_row + batch.contacts - 1).to_string(),
        ];
        write_csv_row(&mut out, cells.iter().map(String::as_str));
        next_row += batch.contacts;
    }
    out
}

/// The files a check writes, as UTF-8 (with BOM, so Excel reads accents).
#[derive(Debug, Default)]
pub struct Outputs {
    /// `clean.csv`: importable rows, normalized.
    pub clean: Vec<u8>,
    /// `errors.csv`: rejected rows as written, plus `row` and `errors`.
    pub errors: Vec<u8>,
    /// `<segment>.csv`: rows without errors other than their channel, per segment.
    pub segments: [Vec<u8>; 4],
    /// Rows written to each of clean, errors and the segment files.
    pub counts: OutputCounts,
    error_width: usize,
}

/// Rows written per file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputCounts {
    /// Rows in `clean.csv`.
    pub clean: u64,
    /// Rows in `errors.csv`.
    pub errors: u64,
    /// Rows per segment file.
    pub segments: [u64; 4],
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A file a check writes: the same names in `--out-dir`, the browser's
/// downloads, the Download step and the widget's blobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFile {
    /// `clean.csv`.
    Clean,
    /// `errors.csv`.
    Errors,
    /// `<segment>.csv`, e.g. `sms_only.csv`.
    Segment(Segment),
    /// `report.json`.
    Report,
    /// `batches.csv`.
    Batches,
    /// `changes.csv`: the merchant's edits (made in the app, not by a check).
    Changes,
}

impl OutputFile {
    /// Every file a check writes, in the order they are listed.
    pub const ALL: [OutputFile; 8] = [
        OutputFile::Clean,
        OutputFile::Errors,
        OutputFile::Segment(Segment::Whatsapp),
        OutputFile::Segment(Segment::SmsOnly),
        OutputFile::Segment(Segment::EmailOnly),
        OutputFile::Segment(Segment::Unknown),
        OutputFile::Report,
        OutputFile::Batches,
    ];

    /// Its file name.
    pub const fn name(self) -> &'static str {
        match self {
            OutputFile::Clean => "clean.csv",
            OutputFile::Errors => "errors.csv",
            OutputFile::Segment(Segment::Whatsapp) => "whatsapp.csv",
            OutputFile::Segment(Segment::SmsOnly) => "sms_only.csv",
            OutputFile::Segment(Segment::EmailOnly) => "email_only.csv",
            OutputFile::Segment(Segment::Unknown) => "unknown.csv",
            OutputFile::Report => "report.json",
            OutputFile::Batches => "batches.csv",
            OutputFile::Changes => "changes.csv",
        }
    }

    /// The file named `name`, if a check writes one.
    pub fn from_name(name: &str) -> Option<OutputFile> {
        OutputFile::ALL
            .into_iter()
            .chain([OutputFile::Changes])
            .find(|f| f.name() == name)
    }

    /// What it holds, in English (the app translates it).
    pub fn label(self) -> String {
        match self {
            OutputFile::Clean => "Clean file: the importable rows, normalized".into(),
            OutputFile::Errors => "Error file: rejected rows as you wrote them, with an errors column; fix and re-import".into(),
            OutputFile::Segment(segment) => {
                format!("{} segment: {}", segment.channel_name(), segment.meaning())
            }
            OutputFile::Report => {
                "Report: every issue and count, as `listgate check --json` prints it".into()
            }
            OutputFile::Batches => {
                "Proposed import batches: a small first batch, then larger ones".into()
            }
            OutputFile::Changes => {
                "Your changes: every cell you edited, before and after, consent data marked".into()
            }
        }
    }

    /// Its MIME type.
    pub const fn mime(self) -> &'static str {
        match self {
            OutputFile::Report => "application/json",
            _ => "text/csv",
        }
    }
}

impl fmt::Display for OutputFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for OutputFile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for OutputFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        OutputFile::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("no output file is named `{name}`")))
    }
}

impl Outputs {
    /// The files written row by row, each with its buffered bytes and the
    /// rows written to it so far.
    pub fn files_mut(&mut self) -> impl Iterator<Item = (OutputFile, &mut Vec<u8>, u64)> {
        let counts = self.counts;
        [
            (OutputFile::Clean, &mut self.clean, counts.clean),
            (OutputFile::Errors, &mut self.errors, counts.errors),
        ]
        .into_iter()
        .chain(
            Segment::ALL
                .iter()
                .zip(self.segments.iter_mut())
                .zip(counts.segments)
                .map(|((s, bytes), rows)| (OutputFile::Segment(*s), bytes, rows)),
        )
    }
}

fn segment_index(segment: Segment) -> usize {
    Segment::ALL.iter().position(|s| *s == segment).unwrap_or(3)
}

impl Sink for Outputs {
    fn layout(&mut self, layout: &Layout) {
        let clean_header = layout.output_headers.iter().map(String::as_str);
        self.clean.extend_from_slice(BOM);
        write_csv_row(&mut self.clean, clean_header.clone());
        for file in &mut self.segments {
            file.extend_from_slice(BOM);
            write_csv_row(file, clean_header.clone());
        }
        self.error_width = layout.source_headers.len();
        let error_header = layout
            .source_headers
            .iter()
            .zip(&layout.file.columns)
            .map(|(source, named)| {
                if layout.file.header_row.is_some() {
                    source.as_str()
                } else {
                    named.as_str()
                }
            })
            .chain(["row", "errors"]);
        self.errors.extend_from_slice(BOM);
        write_csv_row(&mut self.errors, error_header);
    }

    fn row(&mut self, verdict: &RowVerdict<'_>) {
        match verdict.disposition {
            Disposition::Clean => {
                write_csv_row(&mut self.clean, verdict.output.iter().map(String::as_str));
                self.counts.clean += 1;
            }
            Disposition::Rejected => {
                let row = verdict.record.row().to_string();
                let errors = verdict
                    .issues
                    .iter()
                    .map(|i| match &i.column {
                        Some(c) => format!("{} ({c}): {}", i.code, i.message),
                        None => format!("{}: {}", i.code, i.message),
                    })
                    .collect::<Vec<_>>()
                    .join(" | ");
                // Pad short rows so `row` and `errors` stay in their columns.
                let width = self.error_width.max(verdict.record.len());
                let cells = (0..width).map(|c| verdict.record.get(c).unwrap_or(""));
                write_csv_row(
                    &mut self.errors,
                    cells.chain([row.as_str(), errors.as_str()]),
                );
                self.counts.errors += 1;
                return;
            }
            Disposition::SetAside => {}
        }
        let index = segment_index(verdict.segment);
        write_csv_row(
            &mut self.segments[index],
            verdict.output.iter().map(String::as_str),
        );
        self.counts.segments[index] += 1;
    }
}

/// Whether `field` is one of `profile`'s consent records.
fn records_consent(field: &crate::profile::FieldSpec) -> bool {
    field
        .role
        .or_else(|| Role::default_for(field.kind))
        .is_some_and(Role::records_consent)
}

/// The file's columns (by index in `report.file.columns`) mapped to a
/// consent field of `profile` in the check that made `report`.
pub fn consent_columns(profile: &Profile, report: &Report) -> BTreeSet<usize> {
    profile
        .fields
        .iter()
        .filter(|f| records_consent(f))
        .filter_map(|f| report.mapping.get(&f.name))
        .filter_map(|column| report.file.columns.iter().position(|c| c == column))
        .collect()
}

/// The change list of one check with the merchant's changes, for
/// `changes.csv`: the cells typed over come from the history, the cells
/// the bulk fixes changed are heard as the check reads the file (a sink
/// passes on [`Sink::fixed`]), kept as written lines so a fix of a million
/// rows costs its bytes and no more.
#[derive(Debug, Clone, Default)]
pub struct ChangeLog {
    history: History,
    columns: Vec<String>,
    consent: BTreeSet<usize>,
    /// Per step index: what its fix changed.
    fixed: std::collections::BTreeMap<usize, Fixed>,
}

/// What one fix changed, as a check heard it.
#[derive(Debug, Clone, Default)]
struct Fixed {
    cells: u64,
    rows: u64,
    last_row: Option<u64>,
    lines: Vec<u8>,
}

impl ChangeLog {
    /// The log of a check of `profile` with `history`, once the check has
    /// found its `layout`.
    pub fn new(history: History, profile: &Profile, layout: &Layout) -> ChangeLog {
        let consent = profile
            .fields
            .iter()
            .zip(&layout.fields)
            .filter(|(f, _)| records_consent(f))
            .filter_map(|(_, column)| *column)
            .collect();
        ChangeLog {
            history,
            columns: layout.file.columns.clone(),
            consent,
            fixed: Default::default(),
        }
    }

    /// A cell step `step`'s fix changed.
    pub fn fixed(&mut self, step: usize, change: &CellChange) {
        let kind = self
            .history
            .steps()
            .get(step)
            .map_or(StepKind::Edit, Step::kind);
        let line = self.line(step, kind, change);
        let fixed = self.fixed.entry(step).or_default();
        fixed.cells += 1;
        // A fix's changes come row by row.
        if fixed.last_row != Some(change.row) {
            fixed.rows += 1;
            fixed.last_row = Some(change.row);
        }
        fixed.lines.extend_from_slice(&line);
    }

    /// The rows each step done changed (or deleted), oldest first.
    pub fn rows_changed(&self) -> Vec<u64> {
        (0..self.history.steps().len())
            .map(|step| match &self.history.steps()[step] {
                Step::Edit { .. } => 1,
                Step::Fix { .. } => self.fixed.get(&step).map_or(0, |f| f.rows),
            })
            .collect()
    }

    /// The cells changed in all, as `changes.csv` lists them.
    pub fn cells_changed(&self) -> u64 {
        let typed: usize = self.history.steps().iter().map(|s| s.typed().len()).sum();
        typed as u64 + self.fixed.values().map(|f| f.cells).sum::<u64>()
    }

    /// `changes.csv`: one line per cell changed, oldest step first — the
    /// step, its kind, the row, the column's name, the cell before and
    /// after, and whether the column holds consent data.
    pub fn csv(&self) -> Vec<u8> {
        let mut out = Vec::new();
        write_csv_row(&mut out, CHANGES_HEADER);
        for (index, step) in self.history.steps().iter().enumerate() {
            for change in step.typed() {
                out.extend_from_slice(&self.line(index, StepKind::Edit, change));
            }
            if let Some(fixed) = self.fixed.get(&index) {
                out.extend_from_slice(&fixed.lines);
            }
        }
        out
    }

    fn line(&self, step: usize, kind: StepKind, change: &CellChange) -> Vec<u8> {
        let column = self
            .columns
            .get(change.column)
            .cloned()
            .unwrap_or_else(|| format!("column {}", change.column + 1));
        let consent = if self.consent.contains(&change.column) {
            "yes"
        } else {
            "no"
        };
        let mut line = Vec::new();
        write_csv_row(
            &mut line,
            [
                (step + 1).to_string().as_str(),
                kind.as_str(),
                change.row.to_string().as_str(),
                &column,
                &change.before,
                &change.after,
                consent,
            ],
        );
        line
    }
}

// Reading `changes.csv` back: the server reads the change list a merchant
// attaches to a submission, for the reviewer.

use crate::records::{Record, RecordReader};

/// The columns of `changes.csv`, as its first line names them.
pub const CHANGES_HEADER: [&str; 7] = [
    "step", "kind", "row", "column", "before", "after", "consent",
];

/// How to fix a `changes.csv` that cannot be read.
const CHANGES_FIX: &str =
    "download changes.csv from the app again and attach it as the app wrote it";

/// One line of `changes.csv`: a cell the merchant changed, as the file
/// says it (a cell that starts with `'` in the file keeps it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLine {
    /// The step that changed it (1 for the merchant's first).
    pub step: u32,
    /// What the step did.
    pub kind: StepKind,
    /// The spreadsheet row number of the record.
    pub row: u64,
    /// The column's name.
    pub column: String,
    /// The cell before the change.
    pub before: String,
    /// The cell after it (blank for a deleted row).
    pub after: String,
    /// Whether the column holds consent data.
    pub consent: bool,
}

/// What a `changes.csv` holds, as [`read_changes`] reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSummary {
    /// Cells changed: one per line after the header.
    pub cells: u64,
    /// Those of them in columns that hold consent data.
    pub consent_cells: u64,
    /// Some of the lines: those that change consent data first, then the
    /// others, each in the file's order.
    pub shown: Vec<ChangeLine>,
}

/// Why a `changes.csv` cannot be read, with the line to look at: the
/// lines as a spreadsheet numbers its rows (the header is line 1; a cell
/// with a line break inside its quotes stays on its line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangesError {
    /// The bytes are not UTF-8 text from this line on.
    #[error(
        "line {line} of changes.csv is not UTF-8 text, as the app writes it: was the file saved again in another program? {CHANGES_FIX}"
    )]
    NotUtf8 {
        /// The line.
        line: u64,
    },
    /// A quoted cell opens on this line and is never closed.
    #[error(
        "line {line} of changes.csv opens a quoted cell (\") that is never closed, so the lines after it cannot be read; {CHANGES_FIX}"
    )]
    UnclosedQuote {
        /// The line.
        line: u64,
    },
    /// The first line is not the header the app writes.
    #[error(
        "line {line} of changes.csv should be the header `step,kind,row,column,before,after,consent`, but it is {}: is this the change list the app wrote? {CHANGES_FIX}",
        shown_or_blank(.found)
    )]
    WrongHeader {
        /// The line (always 1).
        line: u64,
        /// What it holds instead (its start, when long).
        found: String,
    },
    /// A line without the seven cells of a change.
    #[error(
        "line {line} of changes.csv has {found} cells, but every change has 7 (step, kind, row, column, before, after, consent): a cell with a comma or a line break may have lost its quotes; {CHANGES_FIX}"
    )]
    FieldCount {
        /// The line.
        line: u64,
        /// The cells it has.
        found: usize,
    },
    /// The step cell is not a step number.
    #[error(
        "line {line} of changes.csv has {} as its step, where a step number (1, 2, 3…) belongs; {CHANGES_FIX}",
        shown_or_blank(.found)
    )]
    BadStep {
        /// The line.
        line: u64,
        /// The step cell (its start, when long).
        found: String,
    },
    /// The row cell is not a row number.
    #[error(
        "line {line} of changes.csv has {} as its row, where a spreadsheet row number (2, 3, 4…) belongs; {CHANGES_FIX}",
        shown_or_blank(.found)
    )]
    BadRow {
        /// The line.
        line: u64,
        /// The row cell (its start, when long).
        found: String,
    },
    /// The kind cell names no kind of step.
    #[error(
        "line {line} of changes.csv has {} as its kind of change, which is none of edit, replace, set, add_country and delete; {CHANGES_FIX}",
        shown_or_blank(.found)
    )]
    UnknownKind {
        /// The line.
        line: u64,
        /// The kind cell (its start, when long).
        found: String,
    },
    /// The consent cell is neither `yes` nor `no`.
    #[error(
        "line {line} of changes.csv has {} in its consent column, where yes or no belongs; {CHANGES_FIX}",
        shown_or_blank(.found)
    )]
    BadConsent {
        /// The line.
        line: u64,
        /// The consent cell (its start, when long).
        found: String,
    },
}

impl ChangesError {
    /// The line to look at (1-based; the header is line 1).
    pub const fn line(&self) -> u64 {
        match self {
            ChangesError::NotUtf8 { line }
            | ChangesError::UnclosedQuote { line }
            | ChangesError::WrongHeader { line, .. }
            | ChangesError::FieldCount { line, .. }
            | ChangesError::BadStep { line, .. }
            | ChangesError::BadRow { line, .. }
            | ChangesError::UnknownKind { line, .. }
            | ChangesError::BadConsent { line, .. } => *line,
        }
    }
}

/// A cell as an error quotes it: in backticks, or "blank".
fn shown_or_blank(found: &str) -> String {
    if found.is_empty() {
        "blank".into()
    } else {
        format!("`{found}`")
    }
}

/// The start of `text`, short enough for a message.
fn excerpt(text: &str) -> String {
    const CHARS: usize = 60;
    match text.char_indices().nth(CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A step or row number: digits only, 1 or more.
fn line_number(cell: &str) -> Option<u64> {
    if cell.is_empty() || !cell.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    cell.parse().ok().filter(|&n| n > 0)
}

/// Reads a `changes.csv` ([`ChangeLog::csv`]; a leading BOM is fine):
/// counts its cells, and those that change consent data, and keeps up to
/// `shown` lines, those that change consent data first. Cells stay as the
/// file writes them. A blank line changes nothing and is passed over.
pub fn read_changes(bytes: &[u8], shown: usize) -> Result<ChangeSummary, ChangesError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let mut reader = RecordReader::new(b',');
    let text = std::str::from_utf8(bytes).map_err(|error| {
        // The line is the one being read where the text stops being UTF-8.
        let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
        reader.feed(valid, &mut |_| {});
        ChangesError::NotUtf8 {
            line: reader.rows() + 1,
        }
    })?;
    let mut lines = ChangeLines {
        limit: shown,
        ..ChangeLines::default()
    };
    reader.feed(text, &mut |record| lines.take(record));
    reader.finish(&mut |record| lines.take(record));
    lines.summary()
}

/// A `changes.csv` as it is read: what it counts and keeps so far, or why
/// it stopped.
#[derive(Debug, Default)]
struct ChangeLines {
    limit: usize,
    header: bool,
    cells: u64,
    consent_cells: u64,
    /// Up to `limit` lines that change consent data.
    consent: Vec<ChangeLine>,
    /// Up to `limit` other lines.
    others: Vec<ChangeLine>,
    error: Option<ChangesError>,
}

impl ChangeLines {
    /// Reads `record` unless an earlier line was wrong.
    fn take(&mut self, record: &Record) {
        if self.error.is_none()
            && let Err(error) = self.read(record)
        {
            self.error = Some(error);
        }
    }

    fn read(&mut self, record: &Record) -> Result<(), ChangesError> {
        let line = record.row();
        if record.has_unclosed_quote() {
            return Err(ChangesError::UnclosedQuote { line });
        }
        if !self.header {
            self.header = true;
            if record.cells().eq(CHANGES_HEADER) {
                return Ok(());
            }
            let found = record.cells().collect::<Vec<_>>().join(",");
            return Err(ChangesError::WrongHeader {
                line,
                found: excerpt(&found),
            });
        }
        if record.len() == 1 && record.text().is_empty() {
            return Ok(());
        }
        if record.len() != CHANGES_HEADER.len() {
            return Err(ChangesError::FieldCount {
                line,
                found: record.len(),
            });
        }
        let cell = |index: usize| record.get(index).unwrap_or_default();
        let step = line_number(cell(0))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| ChangesError::BadStep {
                line,
                found: excerpt(cell(0)),
            })?;
        let kind = StepKind::from_name(cell(1)).ok_or_else(|| ChangesError::UnknownKind {
            line,
            found: excerpt(cell(1)),
        })?;
        let row = line_number(cell(2)).ok_or_else(|| ChangesError::BadRow {
            line,
            found: excerpt(cell(2)),
        })?;
        let consent = match cell(6) {
            "yes" => true,
            "no" => false,
            other => {
                return Err(ChangesError::BadConsent {
                    line,
                    found: excerpt(other),
                });
            }
        };
        self.cells += 1;
        let kept = if consent {
            self.consent_cells += 1;
            &mut self.consent
        } else {
            &mut self.others
        };
        if kept.len() < self.limit {
            kept.push(ChangeLine {
                step,
                kind,
                row,
                column: cell(3).to_owned(),
                before: cell(4).to_owned(),
                after: cell(5).to_owned(),
                consent,
            });
        }
        Ok(())
    }

    /// The summary of the whole file, or why it cannot be read.
    fn summary(self) -> Result<ChangeSummary, ChangesError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if !self.header {
            return Err(ChangesError::WrongHeader {
                line: 1,
                found: String::new(),
            });
        }
        let mut shown = self.consent;
        let room = self.limit - shown.len();
        shown.extend(self.others.into_iter().take(room));
        Ok(ChangeSummary {
            cells: self.cells,
            consent_cells: self.consent_cells,
            shown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_plan_lists_each_batch_with_its_clean_file_rows() {
        let batches = [
            Batch {
                number: 1,
                contacts: 100,
            },
            Batch {
                number: 2,
                contacts: 150,
            },
        ];
        let csv = String::from_utf8(batch_plan_csv(&batches)).unwrap();
        assert_eq!(
            csv,
            "\u{feff}batch,contacts,first_row,last_row\r\n1,100,2,101\r\n2,150,102,251\r\n"
        );
    }

    #[test]
    fn output_files_are_named_once() {
        for file in OutputFile::ALL.into_iter().chain([OutputFile::Changes]) {
            assert_eq!(OutputFile::from_name(file.name()), Some(file));
            if let OutputFile::Segment(segment) = file {
                assert_eq!(file.name(), format!("{segment}.csv"));
            }
            let json = serde_json::to_string(&file).expect("json");
            assert_eq!(
                serde_json::from_str::<OutputFile>(&json).expect("back"),
                file
            );
        }
        assert_eq!(OutputFile::from_name("notes.txt"), None);
    }

    #[test]
    fn csv_rows_quote_what_needs_it() {
        let mut out = Vec::new();
        write_csv_row(
            &mut out,
            ["a", "b,c", "say \"hi\"", "line\nbreak", " padded"],
        );
        assert_eq!(
            String::from_utf8(out).expect("utf8"),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\",\" padded\"\r\n"
        );
    }

    /// A sink that keeps only the change log.
    struct Changes {
        history: History,
        log: Option<ChangeLog>,
    }

    impl Sink for Changes {
        fn layout(&mut self, layout: &Layout) {
            let profile = Profile::builtin("whatsapp").unwrap();
            self.log = Some(ChangeLog::new(self.history.clone(), &profile, layout));
        }
        fn row(&mut self, _: &RowVerdict<'_>) {}
        fn fixed(&mut self, step: usize, change: CellChange) {
            self.log.as_mut().unwrap().fixed(step, &change);
        }
    }

    /// The change log of a check with a typed edit (a consent cell and
    /// another) and a fix of a consent column.
    fn sample_change_log() -> ChangeLog {
        use crate::edits::{Fix, RowFilter};
        let cells = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>();
        let mut history = History::default();
        history.push(
            Step::edit(
                2,
                &cells(&["07911 123456", "shop"]),
                &cells(&["+447911123456", "shop, till"]),
            )
            .unwrap(),
        );
        history.push(Step::Fix {
            fix: Fix::Set {
                column: 1,
                value: "=web".into(),
                rows: RowFilter {
                    column: 0,
                    text: "07911".into(),
                    whole_cell: false,
                },
            },
            from_row: 2,
        });
        let csv = b"Mobile,Source,Opt-in Date,Consent Text\n\
            07911 123456,shop,2025-01-05,Yes to Acme on WhatsApp\n\
            07911 123457,till,2025-01-05,Yes to Acme on WhatsApp\n\
            +44 7911 123458,till,2025-01-05,Yes to Acme on WhatsApp\n";
        let mut sink = Changes {
            history: history.clone(),
            log: None,
        };
        let options = crate::CheckOptions {
            edits: std::sync::Arc::new(history.edits()),
            ..crate::CheckOptions::default().with_business_name("Acme")
        };
        crate::check_bytes(
            csv,
            Profile::builtin("whatsapp").unwrap(),
            options,
            &mut sink,
        )
        .unwrap();
        sink.log.unwrap()
    }

    #[test]
    fn the_change_list_names_columns_marks_consent_and_lists_what_fixes_changed() {
        let log = sample_change_log();
        assert_eq!(log.rows_changed(), [1, 1]);
        assert_eq!(log.cells_changed(), 3);
        assert_eq!(
            String::from_utf8(log.csv()).unwrap(),
            "step,kind,row,column,before,after,consent\r\n\
             1,edit,2,Mobile,07911 123456,+447911123456,no\r\n\
             1,edit,2,Source,shop,\"shop, till\",yes\r\n\
             2,set,3,Source,till,'=web,yes\r\n"
        );
    }

    #[test]
    fn every_step_kind_is_read_back_by_its_name() {
        for kind in StepKind::ALL {
            assert_eq!(StepKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(StepKind::from_name("Edit"), None);
    }

    fn line(step: u32, kind: StepKind, row: u64, cells: [&str; 3], consent: bool) -> ChangeLine {
        let [column, before, after] = cells.map(str::to_owned);
        ChangeLine {
            step,
            kind,
            row,
            column,
            before,
            after,
            consent,
        }
    }

    #[test]
    fn a_change_list_reads_back_consent_lines_first_as_the_file_says_them() {
        let csv = sample_change_log().csv();
        assert!(csv.starts_with(CHANGES_HEADER.join(",").as_bytes()));
        let summary = read_changes(&csv, 10).expect("the app's own file");
        assert_eq!((summary.cells, summary.consent_cells), (3, 2));
        assert_eq!(
            summary.shown,
            [
                line(1, StepKind::Edit, 2, ["Source", "shop", "shop, till"], true),
                // The `'` the file wrote stays: the reviewer sees the file.
                line(2, StepKind::Set, 3, ["Source", "till", "'=web"], true),
                line(
                    1,
                    StepKind::Edit,
                    2,
                    ["Mobile", "07911 123456", "+447911123456"],
                    false
                ),
            ]
        );
        // With a BOM, the same; fewer lines shown, the same counts.
        let with_bom = [BOM, &csv].concat();
        assert_eq!(read_changes(&with_bom, 10), Ok(summary.clone()));
        let short = read_changes(&csv, 1).expect("read");
        assert_eq!((short.cells, short.consent_cells), (3, 2));
        assert_eq!(short.shown, summary.shown[..1]);
        assert_eq!(read_changes(&csv, 0).expect("read").shown, []);
        // JSON both ways, kinds by their changes.csv names.
        let json = serde_json::to_string(&summary).expect("json");
        assert!(json.contains(r#""kind":"set""#), "{json}");
        assert_eq!(
            serde_json::from_str::<ChangeSummary>(&json).expect("back"),
            summary
        );
    }

    const HEADER: &str = "step,kind,row,column,before,after,consent\r\n";

    #[test]
    fn quoted_cells_keep_their_commas_quotes_and_line_breaks() {
        let csv = format!(
            "{HEADER}1,edit,4,\"Notes, misc\",\"say \"\"hi\"\"\",\"two\r\nlines\",yes\r\n\
             \r\n\
             2,replace,5,Source, web ,,no\r\n"
        );
        let summary = read_changes(csv.as_bytes(), 200).expect("read");
        assert_eq!((summary.cells, summary.consent_cells), (2, 1));
        assert_eq!(
            summary.shown,
            [
                line(
                    1,
                    StepKind::Edit,
                    4,
                    ["Notes, misc", "say \"hi\"", "two\r\nlines"],
                    true
                ),
                line(2, StepKind::Replace, 5, ["Source", " web ", ""], false),
            ]
        );
        // A header alone lists no change.
        assert_eq!(
            read_changes(HEADER.as_bytes(), 5),
            Ok(ChangeSummary::default())
        );
    }

    #[test]
    fn each_unreadable_line_is_named_with_the_fix() {
        let good = "1,edit,2,phone,a,b,no\r\n";
        let with = |lines: &str| format!("{HEADER}{good}{lines}").into_bytes();
        let cases: Vec<(Vec<u8>, ChangesError)> = vec![
            (
                [with("").as_slice(), b"2,edit,3,phone,\xff,b,no\r\n"].concat(),
                ChangesError::NotUtf8 { line: 3 },
            ),
            (
                with("2,edit,3,phone,\"open,b,no\r\n3,edit,4,phone,a,b,no\r\n"),
                ChangesError::UnclosedQuote { line: 3 },
            ),
            (
                b"phone,opt_in_at\r\n+447911123456,2025-01-05\r\n".to_vec(),
                ChangesError::WrongHeader {
                    line: 1,
                    found: "phone,opt_in_at".into(),
                },
            ),
            (
                Vec::new(),
                ChangesError::WrongHeader {
                    line: 1,
                    found: String::new(),
                },
            ),
            (
                with("2,edit,3,phone,a,b\r\n"),
                ChangesError::FieldCount { line: 3, found: 6 },
            ),
            (
                // A cell whose comma lost its quotes.
                with("2,edit,3,Notes,a, b,c,no\r\n"),
                ChangesError::FieldCount { line: 3, found: 8 },
            ),
            (
                with("0,edit,3,phone,a,b,no\r\n"),
                ChangesError::BadStep {
                    line: 3,
                    found: "0".into(),
                },
            ),
            (
                with("+1,edit,3,phone,a,b,no\r\n"),
                ChangesError::BadStep {
                    line: 3,
                    found: "+1".into(),
                },
            ),
            (
                with("99999999999,edit,3,phone,a,b,no\r\n"),
                ChangesError::BadStep {
                    line: 3,
                    found: "99999999999".into(),
                },
            ),
            (
                with("2,edit,three,phone,a,b,no\r\n"),
                ChangesError::BadRow {
                    line: 3,
                    found: "three".into(),
                },
            ),
            (
                with("2,rename,3,phone,a,b,no\r\n"),
                ChangesError::UnknownKind {
                    line: 3,
                    found: "rename".into(),
                },
            ),
            (
                with("2,edit,3,phone,a,b,Yes\r\n"),
                ChangesError::BadConsent {
                    line: 3,
                    found: "Yes".into(),
                },
            ),
            (
                // A cell with a line break counts as one line.
                with("2,edit,3,phone,\"a\r\nb\",c,no\r\n3,edit,4,phone,a,b,\r\n"),
                ChangesError::BadConsent {
                    line: 4,
                    found: String::new(),
                },
            ),
        ];
        for (csv, expected) in cases {
            let error = read_changes(&csv, 10).expect_err("refused");
            assert_eq!(error, expected);
            let message = error.to_string();
            assert!(
                message.starts_with(&format!("line {} of changes.csv ", error.line())),
                "{message}"
            );
            assert!(
                message.contains("download changes.csv from the app again"),
                "{message}"
            );
        }
        // The first wrong line is named, and a long cell is cut short.
        let long = "x".repeat(500);
        let error = read_changes(
            &with(&format!("2,{long},3,a,b,c,no\r\n4,x,5,a,b,c,no\r\n")),
            10,
        )
        .expect_err("refused");
        assert_eq!(error.line(), 3);
        assert!(error.to_string().len() < 400, "{error}");
        assert_eq!(
            ChangesError::BadConsent {
                line: 7,
                found: String::new()
            }
            .to_string(),
            "line 7 of changes.csv has blank in its consent column, where yes or no belongs; \
             download changes.csv from the app again and attach it as the app wrote it"
        );
    }

    #[test]
    fn consent_columns_are_the_ones_mapped_to_consent_fields() {
        let profile = Profile::builtin("whatsapp").unwrap();
        let csv = b"first_name,phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n\
                    Ann,+447911123456,2025-01-05,shop,Yes to Acme on WhatsApp,whatsapp\n";
        let report = crate::check_bytes(
            csv,
            profile.clone(),
            crate::CheckOptions::default().with_business_name("Acme"),
            &mut crate::Discard,
        )
        .unwrap();
        assert_eq!(
            consent_columns(&profile, &report),
            BTreeSet::from([2, 3, 4, 5])
        );
    }
}
