//! Messages between the page and the checking worker.
//!
//! Each message is a JavaScript object `{ json, file?, blobs? }`: `json` is
//! one of the serde types below as a string, `file` the merchant's `File` (a
//! handle; the worker reads it in slices) and `blobs` the generated downloads.
//! Nothing else crosses the boundary: the checking logic stays in core.

use listgate_core::{CheckOptions, Preview, Report, Segment, Severity};
use serde::{Deserialize, Serialize};

/// What the page asks the worker to do with the attached file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Read the start of the file: layout, first rows, suggested mapping.
    Preview(Settings),
    /// Check the whole file and build the downloads.
    Check(Settings),
    /// Check one edited row on its own, with the mapping of the last check.
    Recheck {
        /// The settings of the check the row came from.
        settings: Settings,
        /// The file's column names, in order.
        columns: Vec<String>,
        /// The row as edited, one cell per column.
        cells: Vec<String>,
        /// The row's spreadsheet number, reported back.
        row: u64,
    },
}

/// The profile and options of one check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// A built-in profile name.
    pub profile: String,
    /// The merchant's options, `now` included (core has no clock).
    pub options: CheckOptions,
}

/// What the worker sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    /// The file's start as the check will read it.
    Preview(Preview),
    /// Work done so far.
    Progress(Progress),
    /// The check finished; `blobs` holds one download per entry of `files`.
    Checked(Box<Checked>),
    /// An edited row's verdict.
    Rechecked(ProblemRow),
    /// The file was refused or the options are unusable.
    Failed(Failure),
}

/// Progress of a running check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Bytes of the file read.
    pub bytes_done: u64,
    /// The file's size.
    pub bytes_total: u64,
    /// Contact rows judged.
    pub rows_done: u64,
}

/// A finished check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    /// The report, exactly as `listgate check --json` prints it.
    pub report: Report,
    /// Rows with at least one issue, in file order (at most [`MAX_PROBLEM_ROWS`]).
    pub rows: Vec<ProblemRow>,
    /// Rows with issues that are not in `rows` because of the limit.
    pub rows_not_listed: u64,
    /// The downloads, in the order of the message's `blobs`.
    pub files: Vec<Download>,
}

/// Problem rows kept for the results table.
pub const MAX_PROBLEM_ROWS: usize = 100_000;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// File name, as `listgate check --out-dir` writes it.
    pub name: String,
    /// What it holds, for the download list.
    pub label: String,
    /// Data rows in it (none for the report).
    pub rows: Option<u64>,
}

/// A row with issues, as written, for the results table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemRow {
    /// Spreadsheet row number.
    pub row: u64,
    /// Cells as written, one per column.
    pub cells: Vec<String>,
    /// The row's issues.
    pub issues: Vec<RowIssue>,
    /// Its consent segment.
    pub segment: Segment,
    /// Whether it is in the clean file.
    pub importable: bool,
}

/// One issue of a [`ProblemRow`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// Index of the offending column, when the issue is about one cell.
    pub column: Option<usize>,
    /// Stable code.
    pub code: String,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
}

/// Why a request could not be done, in the merchant's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// What went wrong.
    pub message: String,
    /// How to fix it, when known.
    pub fix: Option<String>,
}
