//! What a check hands out as it goes: the file's layout once, then every
//! row's verdict, to a [`Sink`] (the output files, the browser's worker, a
//! profiler). Nothing here judges.

use crate::edits::CellChange;
use crate::records::Record;
use crate::report::{FileInfo, Issue};
use crate::segment::Segment;

/// Where a column of the clean file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputColumn {
    /// A profile field (normalized).
    Field(usize),
    /// An unmapped source column, kept as a custom field.
    Source(usize),
    /// The house number split out of the street column.
    HouseNumber,
}

/// The file's layout, known once the sample is sniffed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// How the file was read, as reported.
    pub file: FileInfo,
    /// Source column per profile field.
    pub fields: Vec<Option<usize>>,
    /// Column names of the clean and segment files.
    pub output_headers: Vec<String>,
    /// Where each clean-file column comes from.
    pub output_columns: Vec<OutputColumn>,
    /// The header cells as written (the error file's header).
    pub source_headers: Vec<String>,
}

/// Where a row went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Importable: in the clean file.
    Clean,
    /// Rejected: in the error file.
    Rejected,
    /// Rejected only for its consent channel: in its segment's file.
    SetAside,
}

/// The verdict on one row.
#[derive(Debug)]
pub struct RowVerdict<'a> {
    /// The row as written.
    pub record: &'a Record,
    /// Normalized cells in [`Layout::output_columns`] order.
    pub output: &'a [String],
    /// Its issues.
    pub issues: &'a [Issue],
    /// Its consent segment.
    pub segment: Segment,
    /// Where it goes.
    pub disposition: Disposition,
}

/// The stages of a check, in the order a row meets them (for profiling:
/// see [`Sink::stage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Bytes to text.
    Decode,
    /// Text to records (quotes, delimiters, line ends).
    Parse,
    /// Cells to the profile's fields.
    Map,
    /// Phones, emails, dates, flags and channels read into values.
    Normalize,
    /// Every rule over the row (duplicates included).
    Rules,
    /// The cleaned row, the report's counts and the sink's files.
    Outputs,
}

impl Stage {
    /// Every stage in order.
    pub const ALL: [Stage; 6] = [
        Stage::Decode,
        Stage::Parse,
        Stage::Map,
        Stage::Normalize,
        Stage::Rules,
        Stage::Outputs,
    ];
}

/// Receives the layout and every verdict as they are made.
pub trait Sink {
    /// The layout, once, before the first row.
    fn layout(&mut self, _layout: &Layout) {}
    /// One row's verdict.
    fn row(&mut self, verdict: &RowVerdict<'_>);
    /// The check moves on to `stage`: the time until the next call is that
    /// stage's. Core has no clock, so a profiling sink measures; the
    /// default does nothing and costs nothing.
    fn stage(&mut self, _stage: Stage) {}
    /// A bulk fix of the merchant's (step `step` of their history) changed
    /// a cell, or deleted a row (a change per cell with a value), as the
    /// record was read: before that row's verdict, if it has one.
    fn fixed(&mut self, _step: usize, _change: CellChange) {}
}

/// A sink that keeps nothing (only the report is wanted).
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn row(&mut self, _: &RowVerdict<'_>) {}
}
