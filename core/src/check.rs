//! The streaming checker: bytes (or workbook rows) in, verdicts out.
//!
//! ```text
//! feed(bytes)… → decode → sample → sniff → map → per record: normalize → rules → verdict → Sink
//! finish()     → Report
//! ```
//! The first [`SAMPLE_BYTES`] of text are held back to sniff the layout;
//! after that each record is judged as soon as it is complete, so memory
//! grows with the duplicate sets, not with the file.

use crate::code::{Code, Severity};
use crate::decode::{Decoder, Encoding};
use crate::judge::{Judge, Judged, Pool};
use crate::mapping::{
    column_letter, find_column, squash, suggest_from_headers, suggest_from_values,
};
use crate::normalize::date::{DateRules, infer_order, write_instant};
use crate::normalize::phone::{PhoneRules, parse_region};
use crate::normalize::{clean_cell, split_house_number};
use crate::options::{CheckOptions, DEFAULT_MAX_CELL_CHARS, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROWS};
use crate::profile::{FieldKind, Profile, Role};
use crate::records::{Record, RecordReader};
use crate::report::{
    CodeCount, FileInfo, Issue, Outcome, Report, Segments, SourceTally, Summary, plan_batches,
};
use crate::rules::{Check, Context, Findings, RULES, Row, Seen, Value, fix_for};
use crate::segment::Segment;
use crate::sniff::{find_table, sniff_delimiter};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::Arc;

/// Text held back to sniff the layout before the first verdict.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// Issues listed in a report unless the options say otherwise.
pub const DEFAULT_LISTED_ISSUES: usize = 100_000;

/// Why a check could not run or the file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The file is refused as a whole (exit code 2).
    #[error("{message} ({code})")]
    Refused {
        /// A file-level code such as `header.missing_required`.
        code: Code,
        /// What is wrong, naming columns or sizes.
        message: String,
    },
    /// An option is not usable (unknown country, unknown mapping field…).
    #[error("{0}")]
    InvalidOption(String),
}

impl CheckError {
    fn refused(code: Code, message: impl Into<String>) -> CheckError {
        CheckError::Refused {
            code,
            message: message.into(),
        }
    }

    /// How to fix it, for refusals.
    pub fn fix(&self) -> Option<&'static str> {
        match self {
            CheckError::Refused { code, .. } => Some(fix_for(*code)),
            CheckError::InvalidOption(_) => None,
        }
    }
}

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
}

/// A sink that keeps nothing (only the report is wanted).
#[derive(Debug, Default)]
pub struct Discard;

impl Sink for Discard {
    fn row(&mut self, _: &RowVerdict<'_>) {}
}

enum Phase {
    Sampling {
        text: String,
    },
    Running {
        reader: RecordReader,
        engine: Box<Engine>,
    },
    Done,
}

/// A check in progress. See the module docs.
pub struct Checker {
    profile: Profile,
    options: CheckOptions,
    decoder: Decoder,
    bytes: u64,
    head: Vec<u8>,
    phase: Phase,
    scratch: String,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("profile", &self.profile.name)
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Checker {
    /// Starts a check; fails on unusable options.
    pub fn new(profile: Profile, options: CheckOptions) -> Result<Checker, CheckError> {
        validate_options(&profile, &options)?;
        let decoder = Decoder::new(options.encoding);
        Ok(Checker {
            profile,
            options,
            decoder,
            bytes: 0,
            head: Vec::new(),
            phase: Phase::Sampling {
                text: String::new(),
            },
            scratch: String::new(),
        })
    }

    /// Feeds the next chunk of the file.
    pub fn feed(&mut self, bytes: &[u8], sink: &mut impl Sink) -> Result<(), CheckError> {
        self.bytes += bytes.len() as u64;
        self.check_size()?;
        match &mut self.phase {
            Phase::Sampling { text } => {
                if self.head.len() < 8 {
                    self.head.extend(bytes.iter().take(8 - self.head.len()));
                }
                sink.stage(Stage::Decode);
                self.decoder.feed(bytes, text);
                if text.len() >= SAMPLE_BYTES {
                    self.start(false, sink)?;
                }
                Ok(())
            }
            Phase::Running { reader, engine } => {
                self.scratch.clear();
                sink.stage(Stage::Decode);
                self.decoder.feed(bytes, &mut self.scratch);
                run(reader, engine, &self.scratch, sink)
            }
            Phase::Done => Ok(()),
        }
    }

    /// Ends the input and returns the report.
    pub fn finish(mut self, sink: &mut impl Sink) -> Result<Report, CheckError> {
        self.scratch.clear();
        sink.stage(Stage::Decode);
        if let Phase::Sampling { text } = &mut self.phase {
            self.decoder.finish(text);
            self.start(true, sink)?;
        } else {
            self.decoder.finish(&mut self.scratch);
        }
        let Phase::Running {
            mut reader,
            mut engine,
        } = std::mem::replace(&mut self.phase, Phase::Done)
        else {
            return Err(CheckError::refused(Code::FileEmpty, "the file is empty"));
        };
        run(&mut reader, &mut engine, &self.scratch, sink)?;
        let mut failure = None;
        sink.stage(Stage::Parse);
        reader.finish(&mut |record: &Record| {
            if failure.is_none() {
                failure = engine.take(record, sink).err();
            }
        });
        if let Some(error) = failure {
            return Err(error);
        }
        engine.flush(sink)?;
        engine.layout.file.replaced_invalid_bytes = self.decoder.replaced_invalid_bytes();
        engine.into_report()
    }

    /// Checks workbook rows (see [`crate::xlsx`]) instead of text: the rows
    /// that hold values, in sheet order. Blank rows between them count as
    /// blank rows without being built; the first rows are sampled with their
    /// blank rows, as a spreadsheet shows them.
    pub fn check_records(
        self,
        sheet: String,
        records: &[Record],
        sink: &mut impl Sink,
    ) -> Result<Report, CheckError> {
        let (sample, sampled) = workbook_sample(records);
        let mut engine = Engine::new(
            self.profile,
            self.options,
            &sample,
            workbook_file_info(sheet),
        )?;
        sink.layout(&engine.layout);
        let mut last_row = None;
        for record in sample.iter().chain(&records[sampled..]) {
            if let Some(last_row) = last_row {
                engine.count_blank_rows_between(last_row, record.row());
            }
            engine.take(record, sink)?;
            last_row = Some(record.row());
        }
        engine.flush(sink)?;
        engine.into_report()
    }

    fn check_size(&self) -> Result<(), CheckError> {
        let limit = [self.profile.max_file_bytes, self.options.max_file_bytes]
            .into_iter()
            .flatten()
            .min();
        match limit {
            Some(limit) if self.bytes > limit => Err(CheckError::refused(
                Code::FileTooLarge,
                format!(
                    "the file is larger than {} (the limit for {})",
                    human_bytes(limit),
                    self.profile.name
                ),
            )),
            _ => Ok(()),
        }
    }

    fn start(&mut self, complete: bool, sink: &mut impl Sink) -> Result<(), CheckError> {
        let Phase::Sampling { text } = std::mem::replace(&mut self.phase, Phase::Done) else {
            return Ok(());
        };
        let (delimiter, reader, sample) = read_sample(&self.head, &text, complete, &self.options)?;
        let file = text_file_info(&self.decoder, delimiter);
        let mut engine = Box::new(Engine::new(
            self.profile.clone(),
            self.options.clone(),
            &sample,
            file,
        )?);
        sink.layout(&engine.layout);
        for record in &sample {
            engine.take(record, sink)?;
        }
        self.phase = Phase::Running { reader, engine };
        Ok(())
    }
}

/// Splits the sampled text into records after refusing binary files and
/// choosing the delimiter. The returned reader continues after the sample
/// (a fresh one when the sample was the whole file, so nothing is emitted twice).
pub(crate) fn read_sample(
    head: &[u8],
    text: &str,
    complete: bool,
    options: &CheckOptions,
) -> Result<(u8, RecordReader, Vec<Record>), CheckError> {
    let delimiter = options.delimiter;
    refuse_binary(head)?;
    if text.trim().is_empty() {
        return Err(CheckError::refused(Code::FileEmpty, "the file is empty"));
    }
    refuse_binary_text(text)?;
    let delimiter = match delimiter {
        Some(d) => u8::try_from(d).map_err(|_| {
            CheckError::InvalidOption(format!("delimiter `{d}` must be one ASCII character"))
        })?,
        None => sniff_delimiter(text, complete),
    };
    let mut reader = RecordReader::new(delimiter);
    let mut sample = Vec::new();
    reader.feed(text, &mut |r: &Record| sample.push(r.clone()));
    if complete {
        reader.finish(&mut |r: &Record| sample.push(r.clone()));
        reader = RecordReader::new(delimiter);
    } else if sample.is_empty() {
        Limits::of(options).check_unfinished(&reader.pending())?;
    }
    Ok((delimiter, reader, sample))
}

/// How a delimited text file was read.
pub(crate) fn text_file_info(decoder: &Decoder, delimiter: u8) -> FileInfo {
    FileInfo {
        encoding: decoder.encoding().unwrap_or(Encoding::Utf8).name().into(),
        delimiter: Some(if delimiter == b'\t' {
            "\\t".into()
        } else {
            char::from(delimiter).to_string()
        }),
        ..FileInfo::default()
    }
}

/// The first rows of a workbook as a spreadsheet shows them, blank rows
/// between them included (header detection and `skip_rows` count them),
/// and how many of `records` they hold.
pub(crate) fn workbook_sample(records: &[Record]) -> (Vec<Record>, usize) {
    let mut sample: Vec<Record> = Vec::new();
    let mut sampled = 0;
    for record in records {
        let after = sample.last().map_or(record.row(), |last| last.row() + 1);
        for blank in after..record.row() {
            if sample.len() == WORKBOOK_SAMPLE_ROWS {
                return (sample, sampled);
            }
            sample.push(Record::blank(blank, record.len()));
        }
        if sample.len() == WORKBOOK_SAMPLE_ROWS {
            break;
        }
        sample.push(record.clone());
        sampled += 1;
    }
    (sample, sampled)
}

/// Rows of a workbook sampled to find its table.
const WORKBOOK_SAMPLE_ROWS: usize = 1000;

/// How a workbook was read.
pub(crate) fn workbook_file_info(sheet: String) -> FileInfo {
    FileInfo {
        encoding: "xlsx".into(),
        sheet: Some(sheet),
        ..FileInfo::default()
    }
}

fn run(
    reader: &mut RecordReader,
    engine: &mut Engine,
    text: &str,
    sink: &mut impl Sink,
) -> Result<(), CheckError> {
    let mut failure = None;
    sink.stage(Stage::Parse);
    reader.feed(text, &mut |record: &Record| {
        if failure.is_none() {
            failure = engine.take(record, sink).err();
        }
    });
    failure.map_or(Ok(()), Err)
}

fn human_bytes(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.0} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{bytes} bytes")
    }
}

/// Spreadsheet, PDF and archive files handed in as text.
fn refuse_binary(head: &[u8]) -> Result<(), CheckError> {
    let what = if head.starts_with(b"PK\x03\x04") {
        "an Excel workbook or zip archive: open it as .xlsx"
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "an old Excel .xls workbook: save it as .xlsx or CSV in Excel"
    } else if head.starts_with(b"%PDF") {
        "a PDF document, not a list: export the list as CSV"
    } else {
        return Ok(());
    };
    Err(CheckError::refused(
        Code::FileUnreadable,
        format!("this file is {what}"),
    ))
}

fn refuse_binary_text(sample: &str) -> Result<(), CheckError> {
    let controls = sample
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if controls * 20 > sample.chars().count().max(1) {
        return Err(CheckError::refused(
            Code::FileUnreadable,
            "this file holds binary data, not text: export the list as CSV or .xlsx",
        ));
    }
    Ok(())
}

fn validate_options(profile: &Profile, options: &CheckOptions) -> Result<(), CheckError> {
    if let Some(region) = &options.default_region
        && parse_region(region).is_none()
    {
        return Err(CheckError::InvalidOption(format!(
            "`{region}` is not a country code; use two letters such as GB or US"
        )));
    }
    for field in options.mapping.0.keys() {
        if profile.field(field).is_none() {
            let names: Vec<&str> = profile.fields.iter().map(|f| f.name.as_str()).collect();
            return Err(CheckError::InvalidOption(format!(
                "mapping names `{field}`, which is not a field of {}; fields are: {}",
                profile.name,
                names.join(", ")
            )));
        }
    }
    Ok(())
}

/// The table found in the sample: where it starts, its columns, the mapping.
pub(crate) struct Table {
    /// Header cells as written (empty without a header row).
    pub(crate) source_headers: Vec<String>,
    /// Column names: the header text, or `Column A`… when blank.
    pub(crate) columns: Vec<String>,
    /// Whether the table starts with a header row.
    pub(crate) has_header: bool,
    /// Spreadsheet row of the header.
    pub(crate) header_row: Option<u64>,
    /// Sample records skipped above the table.
    pub(crate) skipped: usize,
    /// Index in the sample of the first data record.
    pub(crate) data_start: usize,
    /// Source column per profile field.
    pub(crate) fields: Vec<Option<usize>>,
}

impl Table {
    /// Finds the table and maps its columns (suggestions, then the options' overrides).
    pub(crate) fn find(
        profile: &Profile,
        options: &CheckOptions,
        sample: &[Record],
    ) -> Result<Table, CheckError> {
        let start = find_table(sample, profile, options.header, options.skip_rows);
        let header_record = sample.get(start.skipped).filter(|_| start.header);
        let width = start.width.max(header_record.map_or(0, Record::len));
        let source_headers: Vec<String> = match header_record {
            Some(h) => (0..width)
                .map(|c| h.get(c).unwrap_or("").trim().to_owned())
                .collect(),
            None => vec![String::new(); width],
        };
        let columns: Vec<String> = source_headers
            .iter()
            .enumerate()
            .map(|(c, h)| {
                if h.is_empty() {
                    format!("Column {}", column_letter(c))
                } else {
                    h.clone()
                }
            })
            .collect();
        let data_start = (start.skipped + usize::from(start.header)).min(sample.len());
        let fields = map_fields(
            profile,
            options,
            &columns,
            header_record.is_some(),
            &sample[data_start..],
        )?;
        Ok(Table {
            source_headers,
            columns,
            has_header: header_record.is_some(),
            header_row: header_record.map(Record::row),
            skipped: start.skipped,
            data_start,
            fields,
        })
    }

    /// Why the file is refused with this table and mapping, if it is:
    /// required fields unmapped, duplicate headers, too many custom columns.
    pub(crate) fn refusal(&self, profile: &Profile) -> Option<CheckError> {
        check_headers(profile, &self.source_headers, &self.fields, self.has_header).err()
    }
}

/// Judges records once the layout is known.
struct Engine {
    limits: Limits,
    judge: Arc<Judge>,
    seen: Seen,
    options: CheckOptions,
    layout: Layout,
    first_table_row: u64,
    rows_seen: u64,
    summary: Summary,
    segments: Segments,
    sources: SourceTally,
    /// The opt-in source field, when the file maps it.
    source_field: Option<usize>,
    issues: Vec<Issue>,
    issues_not_listed: u64,
    counts: BTreeMap<(Code, Severity), u64>,
    output: Vec<String>,
    row_issues: Vec<Issue>,
    /// Judging threads (natively, with `threads` above one).
    pool: Option<Pool>,
    /// Records waiting to fill the next batch for the pool.
    pending: Vec<Record>,
    /// Settled batches' emptied vectors, to be filled again.
    spare: Vec<Vec<Record>>,
    /// Batches not yet settled, in file order: judged here, or by the pool.
    batches: VecDeque<Batch>,
    next_batch: u64,
}

/// The check's limits against damaged and hostile files.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) rows: u64,
    pub(crate) columns: usize,
    pub(crate) cell_chars: usize,
}

impl Limits {
    pub(crate) fn of(options: &CheckOptions) -> Limits {
        Limits {
            rows: options.max_rows.unwrap_or(DEFAULT_MAX_ROWS),
            columns: options.max_columns.unwrap_or(DEFAULT_MAX_COLUMNS),
            cell_chars: options.max_cell_chars.unwrap_or(DEFAULT_MAX_CELL_CHARS),
        }
    }

    /// Refuses a record wider or with a longer cell than the limits, or
    /// holding a NUL character, naming its row (and the cell's column).
    pub(crate) fn check(&self, record: &Record) -> Result<(), CheckError> {
        self.check_width(record, "")?;
        if record.text().contains('\0') {
            let column = record.cells().position(|c| c.contains('\0')).unwrap_or(0);
            return Err(CheckError::refused(
                Code::FileUnreadable,
                format!(
                    "row {}, column {} holds a NUL character (byte 0), which text exports never contain: the file is damaged or is not text",
                    record.row(),
                    column_letter(column)
                ),
            ));
        }
        // Characters never outnumber bytes: most records need no counting.
        if record.text().len() <= self.cell_chars {
            return Ok(());
        }
        for (column, cell) in record.cells().enumerate() {
            let chars = cell.chars().count();
            if chars > self.cell_chars {
                return Err(CheckError::refused(
                    Code::FileCellTooLong,
                    format!(
                        "row {}, column {}: a cell of {} characters; a cell can have at most {} (a quote that is never closed makes the rows after it one cell)",
                        record.row(),
                        column_letter(column),
                        thousands(chars as u64),
                        thousands(self.cell_chars as u64)
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Limits {
    fn check_width(&self, record: &Record, counted_in: &str) -> Result<(), CheckError> {
        if record.len() <= self.columns {
            return Ok(());
        }
        Err(CheckError::refused(
            Code::FileTooManyColumns,
            format!(
                "row {} has {}{counted_in} cells; a list can have at most {}",
                record.row(),
                thousands(record.len() as u64),
                thousands(self.columns as u64)
            ),
        ))
    }

    /// A first record longer than the sample: refused now if what was read
    /// of it is already too wide (else the layout would be guessed from
    /// nothing).
    pub(crate) fn check_unfinished(&self, record: &Record) -> Result<(), CheckError> {
        self.check_width(record, " or more")?;
        self.check(record)
    }
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// Rows per batch for the judging threads: enough to outweigh sending it,
/// few enough to hold a handful.
const BATCH_ROWS: usize = 4096;
/// More judging threads than this only cost memory.
const MAX_THREADS: usize = 64;

/// A batch of records and, once judged, their rows.
struct Batch {
    id: u64,
    records: Arc<Vec<Record>>,
    judged: Option<Vec<Option<Judged>>>,
}

impl Engine {
    fn new(
        profile: Profile,
        options: CheckOptions,
        sample: &[Record],
        mut file: FileInfo,
    ) -> Result<Engine, CheckError> {
        let table = Table::find(&profile, &options, sample)?;
        if let Some(refusal) = table.refusal(&profile) {
            return Err(refusal);
        }
        let Table {
            source_headers,
            columns,
            has_header,
            header_row,
            skipped,
            data_start,
            fields,
        } = table;

        file.header_row = header_row;
        file.skipped_rows = skipped as u64;
        file.columns = columns.clone();
        let (output_headers, output_columns) = output_layout(
            &profile,
            &options,
            &columns,
            &source_headers,
            has_header,
            &fields,
        );
        let first_table_row = sample
            .get(data_start)
            .map_or((data_start + 1) as u64, Record::row);

        let region_forced = profile.assumed_region.is_some();
        let phone_rules = PhoneRules {
            region: profile
                .assumed_region
                .as_deref()
                .or(options.default_region.as_deref())
                .and_then(parse_region),
            region_forced,
            nanp_only: profile.nanp_only,
            allowed: profile
                .allowed_countries
                .iter()
                .filter_map(|c| parse_region(c))
                .collect(),
            style: profile.phone_style,
        };
        let declared = DateRules::declared(options.date_format.as_deref());
        let date_rules = profile
            .fields
            .iter()
            .zip(&fields)
            .map(
                |(field, column)| match (field.kind, column, declared.order) {
                    (FieldKind::Timestamp | FieldKind::Date, Some(c), None) => DateRules {
                        order: infer_order(
                            sample[data_start.min(sample.len())..]
                                .iter()
                                .filter_map(|r| r.get(*c)),
                        ),
                        ..declared.clone()
                    },
                    _ => declared.clone(),
                },
            )
            .collect();
        let channel_mapped = profile
            .fields
            .iter()
            .zip(&fields)
            .any(|(f, c)| f.kind == FieldKind::Channel && c.is_some());
        let ctx = Context {
            now: options.now,
            business_name: options
                .business_name
                .clone()
                .filter(|b| !b.trim().is_empty()),
            known_staff: options
                .known_staff_ids
                .iter()
                .map(|s| s.trim().to_owned())
                .collect::<HashSet<_>>(),
            width: columns.len(),
            channel_mapped,
            roles: profile.roles(),
            region_forced,
            profile,
        };
        let judge = Arc::new(Judge {
            ctx,
            fields: fields.clone(),
            phone_rules,
            date_rules,
            infer_mobile_number: options.infer_mobile_number,
            channel: options.channel,
        });
        // WebAssembly in the browser has no threads to start.
        let threads = if cfg!(target_family = "wasm") {
            1
        } else {
            options.threads.unwrap_or(1).clamp(1, MAX_THREADS)
        };
        // This thread reads, settles and judges when the others are busy.
        let pool = (threads > 1).then(|| Pool::start(&judge, threads - 1));
        let source_field = judge
            .ctx
            .field(Role::OptInSource)
            .filter(|&f| fields[f].is_some());
        Ok(Engine {
            limits: Limits::of(&options),
            judge,
            seen: Seen::default(),
            options,
            layout: Layout {
                file,
                fields,
                output_headers,
                output_columns,
                source_headers,
            },
            first_table_row,
            rows_seen: 0,
            summary: Summary::default(),
            segments: Segments::default(),
            sources: SourceTally::default(),
            source_field,
            issues: Vec::new(),
            issues_not_listed: 0,
            counts: BTreeMap::new(),
            output: Vec::new(),
            row_issues: Vec::new(),
            pool,
            pending: Vec::new(),
            spare: Vec::new(),
            batches: VecDeque::new(),
            next_batch: 0,
        })
    }

    /// Takes the next record: judged now with one thread; with several,
    /// kept for the next batch.
    fn take(&mut self, record: &Record, sink: &mut impl Sink) -> Result<(), CheckError> {
        self.limits.check(record)?;
        if self.pool.is_none() {
            return self.process(record, sink);
        }
        self.pending.push(record.clone());
        if self.pending.len() >= BATCH_ROWS {
            self.dispatch(sink)?;
        }
        Ok(())
    }

    /// Sends the pending records to a judging thread (or judges them here
    /// when every thread has work), then settles what is ready.
    fn dispatch(&mut self, sink: &mut impl Sink) -> Result<(), CheckError> {
        let next = self.spare.pop().unwrap_or_default();
        let records = std::mem::replace(&mut self.pending, next);
        let admitted = records
            .iter()
            .map(|record| self.admit(record))
            .collect::<Result<Vec<bool>, CheckError>>()?;
        let records = Arc::new(records);
        let id = self.next_batch;
        self.next_batch += 1;
        let judged = match &mut self.pool {
            Some(pool) if pool.has_room() => {
                pool.send(id, Arc::clone(&records), admitted);
                None
            }
            _ => Some(self.judge.judge_all(&records, &admitted)),
        };
        self.batches.push_back(Batch {
            id,
            records,
            judged,
        });
        self.settle_ready(false, sink);
        Ok(())
    }

    /// Settles the batches at the front that are judged; with `wait`, every
    /// batch, waiting for the threads.
    fn settle_ready(&mut self, wait: bool, sink: &mut impl Sink) {
        while let Some(front) = self.batches.front_mut() {
            if front.judged.is_none() {
                let pool = self
                    .pool
                    .as_mut()
                    .expect("only the pool leaves batches unjudged");
                match pool.take(front.id, wait) {
                    Some(judged) => front.judged = Some(judged),
                    None => return,
                }
            }
            let Some(Batch {
                records, judged, ..
            }) = self.batches.pop_front()
            else {
                return;
            };
            let judge = Arc::clone(&self.judge);
            for (record, judged) in records.iter().zip(judged.unwrap_or_default()) {
                if let Some(judged) = judged {
                    let (row, findings) = judge.row(record, judged);
                    self.settle(row, findings, sink);
                }
            }
            // The judging thread let go of the batch before sending it back.
            if let Ok(mut records) = Arc::try_unwrap(records) {
                records.clear();
                self.spare.push(records);
            }
        }
    }

    /// Judges and settles everything still pending (the end of the input).
    fn flush(&mut self, sink: &mut impl Sink) -> Result<(), CheckError> {
        if self.pool.is_some() {
            if !self.pending.is_empty() {
                self.dispatch(sink)?;
            }
            self.settle_ready(true, sink);
        }
        Ok(())
    }

    /// Judges one record and records its verdict.
    fn process(&mut self, record: &Record, sink: &mut impl Sink) -> Result<(), CheckError> {
        if self.admit(record)? {
            let judge = Arc::clone(&self.judge);
            let (row, findings) = judge.judge(record, sink);
            self.settle(row, findings, sink);
        }
        Ok(())
    }

    /// Counts the blank rows strictly between workbook rows `after` and
    /// `before` that lie in the table (a workbook has no record for them).
    fn count_blank_rows_between(&mut self, after: u64, before: u64) {
        let first = after.saturating_add(1).max(self.first_table_row);
        self.layout.file.blank_rows += before.saturating_sub(first);
    }

    /// Whether `record` is a row to judge (not before the table, not blank);
    /// counts it, and refuses a paste over the profile's row limit.
    fn admit(&mut self, record: &Record) -> Result<bool, CheckError> {
        if record.row() < self.first_table_row {
            return Ok(false);
        }
        if record.is_blank() && !record.has_unclosed_quote() {
            self.layout.file.blank_rows += 1;
            return Ok(false);
        }
        self.rows_seen += 1;
        if self.rows_seen > self.limits.rows {
            return Err(CheckError::refused(
                Code::FileTooManyRows,
                format!(
                    "the list has more than {} rows, the most one check takes",
                    thousands(self.limits.rows)
                ),
            ));
        }
        let profile = &self.judge.ctx.profile;
        if let Some(limit) = profile.max_pasted_rows.filter(|_| self.options.pasted)
            && self.rows_seen > limit
        {
            return Err(CheckError::refused(
                Code::FileTooManyRows,
                format!(
                    "more than {limit} rows were pasted (the limit for {})",
                    profile.name
                ),
            ));
        }
        Ok(true)
    }

    /// In file order: the rules over earlier rows (duplicates), the verdict,
    /// the cleaned row, the report's counts and the sink.
    fn settle(&mut self, row: Row<'_>, mut findings: Findings, sink: &mut impl Sink) {
        sink.stage(Stage::Rules);
        // Channel-only rejections still count as clean for duplicate purposes.
        let clean = !findings
            .0
            .iter()
            .any(|f| f.severity == Severity::Error && f.code != Code::ConsentNotWhatsappChannel);
        let ctx = &self.judge.ctx;
        for rule in RULES {
            if let Check::Set(check) = rule.check
                && ctx.profile.runs(rule.code)
            {
                check(&row, ctx, &mut self.seen, clean, &mut findings);
            }
        }
        let disposition =
            if !findings.has_error() {
                Disposition::Clean
            } else if findings.0.iter().all(|f| {
                f.severity == Severity::Warning || f.code == Code::ConsentNotWhatsappChannel
            }) {
                Disposition::SetAside
            } else {
                Disposition::Rejected
            };
        if disposition == Disposition::Clean
            && let Some(source) = self.source_field
        {
            self.sources.add(row.raw[source]);
        }
        sink.stage(Stage::Outputs);
        self.fill_output(&row);
        self.record_findings(row.record.row(), findings, row.segment, disposition);
        sink.row(&RowVerdict {
            record: row.record,
            output: &self.output,
            issues: &self.row_issues,
            segment: row.segment,
            disposition,
        });
        // Back to reading records.
        sink.stage(Stage::Parse);
    }

    /// The cleaned row, written into the cells of the previous one (their
    /// buffers are reused: no allocation per cell once the first rows ran).
    fn fill_output(&mut self, row: &Row<'_>) {
        use std::fmt::Write as _;
        let street = self.judge.ctx.field(Role::Street);
        let split = street
            .filter(|_| self.options.house_number_in_street)
            .and_then(|s| split_house_number(row.raw[s]));
        let columns = self.layout.output_columns.len();
        self.output.resize_with(columns, String::new);
        for (cell, column) in self.output.iter_mut().zip(&self.layout.output_columns) {
            cell.clear();
            match *column {
                OutputColumn::Field(i) => match row.value(i) {
                    Value::Phone(Ok(p)) => cell.push_str(p.written()),
                    Value::Email(Ok(e)) => cell.push_str(e),
                    Value::Instant(Ok(t)) => write_instant(cell, *t),
                    Value::Date(Ok(d)) => {
                        let _ = write!(cell, "{}", d.format("%Y-%m-%d"));
                    }
                    Value::Flag(Some(b)) => cell.push_str(if *b { "true" } else { "false" }),
                    _ if Some(i) == street => {
                        cell.push_str(split.map_or(row.raw[i], |(name, _)| name));
                    }
                    _ => cell.push_str(row.raw[i]),
                },
                OutputColumn::Source(c) => cell.push_str(row.record.get(c).map_or("", clean_cell)),
                OutputColumn::HouseNumber => cell.push_str(split.map_or("", |(_, n)| n)),
            }
        }
    }

    fn record_findings(
        &mut self,
        row: u64,
        findings: Findings,
        segment: Segment,
        disposition: Disposition,
    ) {
        self.summary.rows += 1;
        self.segments.add(segment);
        match disposition {
            Disposition::Clean => self.summary.importable += 1,
            Disposition::Rejected => self.summary.rejected += 1,
            Disposition::SetAside => {
                self.summary.rejected += 1;
                self.summary.set_aside += 1;
            }
        }
        let has = |pred: &dyn Fn(&crate::rules::Finding) -> bool| findings.0.iter().any(pred);
        self.summary.warnings += u64::from(has(&|f| f.severity == Severity::Warning));
        self.summary.duplicates += u64::from(has(&|f| {
            matches!(
                f.code,
                Code::PhoneDuplicate | Code::EmailDuplicate | Code::IdDuplicate
            )
        }));
        self.row_issues.clear();
        let limit = self
            .options
            .max_listed_issues
            .unwrap_or(DEFAULT_LISTED_ISSUES);
        for f in findings.0 {
            *self.counts.entry((f.code, f.severity)).or_default() += 1;
            let issue = Issue {
                row,
                column: f.column.map(|c| {
                    self.layout
                        .file
                        .columns
                        .get(c)
                        .cloned()
                        .unwrap_or_else(|| format!("Column {}", column_letter(c)))
                }),
                code: f.code,
                severity: f.severity,
                message: f.message,
            };
            if self.issues.len() < limit {
                self.issues.push(issue.clone());
            } else {
                self.issues_not_listed += 1;
            }
            self.row_issues.push(issue);
        }
    }

    fn into_report(self) -> Result<Report, CheckError> {
        if self.summary.rows == 0 {
            let message = if self.layout.file.header_row.is_some() {
                "the file has a header row but no contact rows below it"
            } else {
                "the file has no contact rows"
            };
            return Err(CheckError::refused(Code::FileEmpty, message));
        }
        let (opt_in_sources, opt_in_sources_not_listed) = self.sources.into_listed();
        let outcome = match (self.summary.importable, self.summary.rejected) {
            (_, 0) => Outcome::AllImportable,
            (0, _) => Outcome::NoneImportable,
            _ => Outcome::SomeImportable,
        };
        let mapping = self
            .judge
            .ctx
            .profile
            .fields
            .iter()
            .zip(&self.layout.fields)
            .filter_map(|(f, c)| c.map(|c| (f.name.clone(), self.layout.file.columns[c].clone())))
            .collect();
        Ok(Report {
            profile: self.judge.ctx.profile.name.clone(),
            checked_at: self.options.now,
            file: self.layout.file,
            mapping,
            summary: self.summary,
            outcome,
            segments: self.segments,
            issues: self.issues,
            issues_not_listed: self.issues_not_listed,
            issue_counts: self
                .counts
                .into_iter()
                .map(|((code, severity), count)| CodeCount {
                    code,
                    severity,
                    count,
                    fix: fix_for(code).to_owned(),
                })
                .collect(),
            batches: plan_batches(self.summary.importable, &self.options.batches),
            opt_in_sources,
            opt_in_sources_not_listed,
        })
    }
}

/// Suggested mapping plus the merchant's overrides.
fn map_fields(
    profile: &Profile,
    options: &CheckOptions,
    columns: &[String],
    has_header: bool,
    data: &[Record],
) -> Result<Vec<Option<usize>>, CheckError> {
    let mut fields = if has_header {
        suggest_from_headers(profile, columns)
    } else {
        let values: Vec<Vec<&str>> = (0..columns.len())
            .map(|c| data.iter().take(200).filter_map(|r| r.get(c)).collect())
            .collect();
        suggest_from_values(profile, &values)
    };
    for (name, header) in &options.mapping.0 {
        let Some(f) = profile.fields.iter().position(|f| &f.name == name) else {
            continue;
        };
        if header.trim().is_empty() {
            fields[f] = None;
            continue;
        }
        let column = find_column(columns, header).ok_or_else(|| {
            CheckError::InvalidOption(format!(
                "mapping {name}={header}: the file has no column `{header}`; its columns are: {}",
                columns.join(", ")
            ))
        })?;
        for other in fields.iter_mut() {
            if *other == Some(column) {
                *other = None;
            }
        }
        fields[f] = Some(column);
    }
    Ok(fields)
}

/// File-level header checks: required fields, duplicate headers, custom columns.
fn check_headers(
    profile: &Profile,
    headers: &[String],
    fields: &[Option<usize>],
    has_header: bool,
) -> Result<(), CheckError> {
    if has_header {
        for (f, column) in fields.iter().enumerate() {
            let Some(column) = column else { continue };
            let key = squash(&headers[*column]);
            let twin = headers
                .iter()
                .enumerate()
                .find(|(c, h)| c != column && !key.is_empty() && squash(h) == key);
            if let Some((other, _)) = twin {
                return Err(CheckError::refused(
                    Code::HeaderDuplicate,
                    format!(
                        "columns {} (`{}`) and {} (`{}`) have the same name, so it is unclear which holds {}",
                        column_letter((*column).min(other)),
                        headers[(*column).min(other)],
                        column_letter((*column).max(other)),
                        headers[(*column).max(other)],
                        profile.fields[f].name
                    ),
                ));
            }
        }
    }
    let unmapped = |name: &str| {
        profile
            .fields
            .iter()
            .position(|f| f.name == name)
            .is_none_or(|i| fields[i].is_none())
    };
    let mut names: Vec<String> = profile
        .fields
        .iter()
        .filter(|f| f.required && unmapped(&f.name))
        .map(|f| f.name.clone())
        .collect();
    names.extend(
        profile
            .required_any
            .iter()
            .filter(|g| g.iter().all(|n| unmapped(n)))
            .map(|g| g.join(" or ")),
    );
    if !names.is_empty() {
        let how = if profile.exact_headers {
            "headers must be written exactly"
        } else {
            "no column looks like it"
        };
        return Err(CheckError::refused(
            Code::HeaderMissingRequired,
            format!(
                "required column missing: {} ({how}; found: {})",
                names.join(", "),
                headers.join(", ")
            ),
        ));
    }
    if let Some(max) = profile.max_custom_fields {
        let custom = headers
            .iter()
            .enumerate()
            .filter(|(c, h)| !h.is_empty() && !fields.contains(&Some(*c)))
            .count();
        if custom > max {
            return Err(CheckError::refused(
                Code::HeaderTooManyCustomFields,
                format!(
                    "{custom} custom columns; {} accepts at most {max}",
                    profile.name
                ),
            ));
        }
    }
    Ok(())
}

/// Clean-file columns: mapped fields in profile order, then unmapped source
/// columns (custom fields), leaving out blank-headed padding columns.
fn output_layout(
    profile: &Profile,
    options: &CheckOptions,
    columns: &[String],
    source_headers: &[String],
    has_header: bool,
    fields: &[Option<usize>],
) -> (Vec<String>, Vec<OutputColumn>) {
    let mut headers = Vec::new();
    let mut layout = Vec::new();
    for (i, field) in profile.fields.iter().enumerate() {
        if fields[i].is_some() {
            headers.push(field.name.clone());
            layout.push(OutputColumn::Field(i));
        } else if field.role == Some(Role::HouseNumber) && options.house_number_in_street {
            let street_mapped = profile
                .roles()
                .get(Role::Street)
                .is_some_and(|s| fields[s].is_some());
            if street_mapped {
                headers.push(field.name.clone());
                layout.push(OutputColumn::HouseNumber);
            }
        }
    }
    for (c, name) in columns.iter().enumerate() {
        // A blank header in a file that has headers marks padding, not data.
        let padding = has_header && source_headers[c].is_empty();
        if !fields.contains(&Some(c)) && !padding {
            headers.push(name.clone());
            layout.push(OutputColumn::Source(c));
        }
    }
    (headers, layout)
}
