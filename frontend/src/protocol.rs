//! Messages between the page and the checking worker.
//!
//! Each message is a JavaScript object `{ json, file?, blobs? }`: `json` is
//! one of the serde types below as a string, `file` the merchant's `File` (a
//! handle; the worker reads it in slices) and `blobs` the generated downloads.
//! Nothing else crosses the boundary: the checking logic stays in core.

use listgate_api::HashedSuppressions;
use listgate_core::edits::History;
use listgate_core::output::OutputFile;
use listgate_core::{CheckError, Code, Position, Preview, Report, Segment, Severity};
use serde::{Deserialize, Serialize};

/// What the page asks the worker to do with the attached file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Read the start of the file: layout, first rows, suggested mapping.
    Preview(Settings),
    /// Check the whole file, with the merchant's edits, and build the
    /// downloads.
    Check {
        /// The profile and options.
        settings: Settings,
        /// The merchant's changes on the Results step (none at first): the
        /// edits go into every download, the change list into `changes.csv`.
        #[serde(default)]
        history: History,
        /// A bulk fix's preview: the answer is the list with the fix, and
        /// the last check's rows stay until [`Request::Adopt`].
        #[serde(default)]
        preview: bool,
    },
    /// The previewed fix was applied: its rows become the last check's.
    Adopt,
    /// A window of the last check's rows with issues, filtered.
    Rows(RowQuery),
    /// Check one edited row on its own, with the mapping of the last check:
    /// its verdict at once, before the whole list is checked again.
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
    /// The tenant's opt-outs, as keyed hashes, for every check from now on.
    Suppressions {
        /// The list (`None`: check without one).
        list: Option<HashedSuppressions>,
    },
}

/// The profile and options of one check: the server's type, since the
/// same settings go with a submission.
pub use listgate_api::Settings;

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
    /// A window of rows with issues.
    Rows(RowsPage),
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
    /// The report as `listgate check --json` prints it, without its `issues`
    /// list: the page shows issues through [`Request::Rows`], and the full
    /// report is the `report.json` download. (A million-row list can have
    /// hundreds of thousands of issues; the page never parses them all.)
    pub report: Report,
    /// Rows with issues (or edited) the worker keeps for [`Request::Rows`].
    pub rows_kept: u64,
    /// Rows with issues beyond [`MAX_PROBLEM_ROWS`], only in the error file.
    pub rows_not_kept: u64,
    /// The downloads, in the order of the message's `blobs`.
    pub files: Vec<Download>,
    /// The rows each of the merchant's steps changed or deleted, oldest
    /// first (a bulk fix's count is known once the list is checked with it).
    #[serde(default)]
    pub changed: Vec<u64>,
    /// Whether it answers a preview (see [`Request::Check`]).
    #[serde(default)]
    pub preview: bool,
    /// The tenant's opt-out list the rows were looked up in, when the page
    /// sent one ([`Request::Suppressions`]).
    #[serde(default)]
    pub opt_outs: Option<OptOutsUsed>,
}

/// What a check made of the tenant's opt-out list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptOutsUsed {
    /// Numbers and addresses on the list.
    pub entries: u64,
    /// Numbers and addresses of the file the list held back
    /// (`consent.suppressed`).
    pub held_back: u64,
}

/// Rows with issues the worker keeps for the results table.
pub const MAX_PROBLEM_ROWS: usize = 200_000;

/// Which rows with issues the page wants to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowQuery {
    /// Only rows with this code (blank = every row with issues).
    pub code: String,
    /// Only rows with a cell containing this text, case-insensitive, or
    /// with this row number (blank = no text filter).
    pub text: String,
    /// Index of the first matching row wanted.
    pub offset: usize,
    /// Most rows wanted.
    pub limit: usize,
}

impl RowQuery {
    /// Whether `row` passes the filters.
    pub fn matches(&self, row: &impl Listed) -> bool {
        let code =
            self.code.is_empty() || row.issues().iter().any(|i| i.code.as_str() == self.code);
        let text = self.text.trim().to_lowercase();
        code && (text.is_empty()
            || row.number().to_string() == text
            || row.cells().any(|c| c.to_lowercase().contains(&text)))
    }

    /// The query's window of `rows`, with the number of matches.
    pub fn page(&self, rows: &[impl Listed]) -> RowsPage {
        let mut matching = 0;
        let mut page = Vec::new();
        for row in rows.iter().filter(|r| self.matches(*r)) {
            if matching >= self.offset && page.len() < self.limit {
                page.push(row.to_problem_row());
            }
            matching += 1;
        }
        RowsPage {
            query: self.clone(),
            matching,
            rows: page,
        }
    }
}

/// A row as [`RowQuery`] filters it: the worker keeps its rows in a compact
/// form and turns only the page shown into [`ProblemRow`]s.
pub trait Listed {
    /// Spreadsheet row number.
    fn number(&self) -> u64;
    /// Cells as written.
    fn cells(&self) -> impl Iterator<Item = &str>;
    /// The row's issues.
    fn issues(&self) -> &[RowIssue];
    /// The row as the page shows it.
    fn to_problem_row(&self) -> ProblemRow;
}

impl Listed for ProblemRow {
    fn number(&self) -> u64 {
        self.row
    }

    fn cells(&self) -> impl Iterator<Item = &str> {
        self.cells.iter().map(String::as_str)
    }

    fn issues(&self) -> &[RowIssue] {
        &self.issues
    }

    fn to_problem_row(&self) -> ProblemRow {
        self.clone()
    }
}

/// A window of rows with issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowsPage {
    /// The query answered.
    pub query: RowQuery,
    /// Rows matching the filters in all.
    pub matching: usize,
    /// The matching rows from `query.offset`, at most `query.limit`.
    pub rows: Vec<ProblemRow>,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Download {
    /// Which file, named as `listgate check --out-dir` writes it.
    pub file: OutputFile,
    /// What it holds, for the download list.
    pub label: String,
    /// Data rows in it (none for the report).
    pub rows: Option<u64>,
}

impl Download {
    /// `file`, with its English label and `rows` data rows.
    pub fn of(file: OutputFile, rows: Option<u64>) -> Download {
        Download {
            file,
            label: file.label(),
            rows,
        }
    }
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
    /// Whether the merchant changed one of its cells.
    #[serde(default)]
    pub edited: bool,
}

/// One issue of a [`ProblemRow`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// Index of the offending column, when the issue is about one cell.
    pub column: Option<usize>,
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong (fixed sentences are not copied per row).
    pub message: listgate_core::report::Message,
}

/// Why a request could not be done, in the merchant's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// What went wrong.
    pub message: String,
    /// How to fix it, when known.
    pub fix: Option<String>,
    /// The row (and column) a refused file was refused for, to point at.
    #[serde(default)]
    pub position: Option<Position>,
}

impl From<CheckError> for Failure {
    fn from(error: CheckError) -> Failure {
        Failure {
            message: error.to_string(),
            // The app's words: its steps and options, not CLI flags.
            fix: error.app_fix().map(str::to_owned),
            position: error.position(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opt_outs_cross_to_the_worker_and_back_as_json() {
        // An internally tagged enum cannot carry a bare Option: the page
        // would post an empty message.
        let list = HashedSuppressions {
            algorithm: "HMAC-SHA-256".into(),
            key: "00ff".into(),
            entries: vec![listgate_api::HashedSuppression {
                hash: "ab".repeat(32),
                since: None,
                reason: "replied STOP".into(),
            }],
        };
        for request in [
            Request::Suppressions { list: Some(list) },
            Request::Suppressions { list: None },
        ] {
            let json = serde_json::to_string(&request).expect("serialises");
            let back: Request = serde_json::from_str(&json).expect("reads back");
            assert_eq!(back, request);
        }
    }

    fn row(n: u64, cells: &[&str], codes: &[&str]) -> ProblemRow {
        ProblemRow {
            row: n,
            cells: cells.iter().map(|c| (*c).to_owned()).collect(),
            issues: codes
                .iter()
                .map(|c| RowIssue {
                    column: None,
                    code: c.parse().expect("a code"),
                    severity: Severity::Error,
                    message: "".into(),
                })
                .collect(),
            segment: Segment::Unknown,
            importable: false,
            edited: false,
        }
    }

    #[test]
    fn pages_filter_by_code_and_text_and_count_every_match() {
        let rows: Vec<ProblemRow> = (2..52)
            .map(|n| {
                let code = if n % 2 == 0 {
                    "phone.invalid"
                } else {
                    "email.invalid"
                };
                row(n, &[&format!("Ann{n}"), "x"], &[code])
            })
            .collect();
        let all = RowQuery {
            offset: 10,
            limit: 5,
            ..RowQuery::default()
        }
        .page(&rows);
        assert_eq!(all.matching, 50);
        assert_eq!(
            all.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            [12, 13, 14, 15, 16]
        );
        let phones = RowQuery {
            code: "phone.invalid".into(),
            offset: 0,
            limit: 100,
            ..RowQuery::default()
        }
        .page(&rows);
        assert_eq!(phones.matching, 25);
        assert!(phones.rows.iter().all(|r| r.row % 2 == 0));
        let text = RowQuery {
            text: " ANN3".into(),
            limit: 100,
            ..RowQuery::default()
        }
        .page(&rows);
        assert_eq!(
            text.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            [3, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39]
        );
        let number = RowQuery {
            text: "7".into(),
            limit: 100,
            ..RowQuery::default()
        }
        .page(&rows);
        assert!(number.rows.iter().any(|r| r.row == 7));
        let past_end = RowQuery {
            offset: 60,
            limit: 5,
            ..RowQuery::default()
        }
        .page(&rows);
        assert_eq!((past_end.matching, past_end.rows.len()), (50, 0));
    }
}
