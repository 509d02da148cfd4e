//! The streaming checker: bytes (or workbook rows) in, verdicts out.
//!
//! ```text
//! feed(bytes)… → decode → sample → sniff → map → per record: normalize → rules → verdict → Sink
//! finish()     → Report
//! ```
//! The first [`SAMPLE_BYTES`] of text are held back to sniff the layout;
//! after that each record is judged as soon as it is complete, so memory
//! grows with the duplicate sets, not with the file.
//!
//! Read top-down: `intake` refuses what is not a list and samples
//! it, `table` finds the header and maps the columns, `engine` admits each
//! record and settles its verdict, `judge` judges one row on its own,
//! `parallel` spreads judging over threads, `tally` counts into the report.

mod engine;
mod intake;
mod judge;
mod parallel;
mod spread;
mod table;
mod tally;

pub(crate) use intake::{read_sample, text_file_info, workbook_file_info, workbook_sample};
pub use spread::{SPREAD_HEAD_BYTES, SpreadCheck};
pub(crate) use table::Table;

use crate::code::Code;
use crate::decode::Decoder;
use crate::edits::Applied;
use crate::error::CheckError;
use crate::normalize::phone::parse_region;
use crate::options::CheckOptions;
use crate::profile::Profile;
use crate::records::{Record, RecordReader};
use crate::report::Report;
use crate::sink::{Sink, Stage};
use crate::text::human_bytes;
use engine::Engine;

/// Text held back to sniff the layout before the first verdict.
pub const SAMPLE_BYTES: usize = 64 * 1024;

/// Issues listed in a report unless the options say otherwise.
pub const DEFAULT_LISTED_ISSUES: usize = 100_000;

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
        let decoder = Decoder::new(options.reading.encoding);
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
        check_size(&self.profile, &self.options, self.bytes)?;
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
            self.options.clone(),
            &edited(&self.options, &sample),
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

    fn start(&mut self, complete: bool, sink: &mut impl Sink) -> Result<(), CheckError> {
        let Phase::Sampling { text } = std::mem::replace(&mut self.phase, Phase::Done) else {
            return Ok(());
        };
        let (sampled, rest) = text.split_at(sample_len(&text, complete));
        let (delimiter, mut reader, sample) =
            read_sample(&self.head, sampled, complete, &self.options)?;
        let file = text_file_info(&self.decoder, delimiter);
        let mut engine = Box::new(Engine::new(
            self.profile.clone(),
            self.options.clone(),
            &edited(&self.options, &sample),
            file,
        )?);
        sink.layout(&engine.layout);
        for record in &sample {
            engine.take(record, sink)?;
        }
        run(&mut reader, &mut engine, rest, sink)?;
        self.phase = Phase::Running { reader, engine };
        Ok(())
    }
}

/// How much of the text decoded so far is the sample: [`SAMPLE_BYTES`]
/// (to a character boundary) whatever the size of the chunks that brought
/// it, so that every front door, and every worker of a spread check,
/// finds the same layout; all of it when it is the whole file.
pub(crate) fn sample_len(text: &str, complete: bool) -> usize {
    if complete {
        return text.len();
    }
    let mut len = SAMPLE_BYTES.min(text.len());
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    len
}

/// The sample as the merchant edited it: the layout is found, and date
/// orders inferred, from what the edited file would hold.
/// (The records themselves are edited as the engine takes them.)
fn edited(options: &CheckOptions, sample: &[Record]) -> Vec<Record> {
    sample
        .iter()
        .filter_map(|record| match options.edits.apply(record, &mut |_, _| {}) {
            Applied::Unchanged => Some(record.clone()),
            Applied::Changed(edited) => Some(edited),
            Applied::Deleted => None,
        })
        .collect()
}

/// Reads records from `text` and hands each to the engine; stops at the first refusal.
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

/// Refuses a file of `bytes` over the profile's or the options' limit.
fn check_size(profile: &Profile, options: &CheckOptions, bytes: u64) -> Result<(), CheckError> {
    let limit = [profile.max_file_bytes, options.limits.max_file_bytes]
        .into_iter()
        .flatten()
        .min();
    match limit {
        Some(limit) if bytes > limit => Err(CheckError::refused(
            Code::FileTooLarge,
            format!(
                "the file is larger than {} (the limit for {})",
                human_bytes(limit),
                profile.name
            ),
        )),
        _ => Ok(()),
    }
}

fn validate_options(profile: &Profile, options: &CheckOptions) -> Result<(), CheckError> {
    if let Some(region) = &options.judging.default_region
        && parse_region(region).is_none()
    {
        return Err(CheckError::InvalidOption(format!(
            "`{region}` is not a country code; use two letters such as GB or US"
        )));
    }
    if let Some(missing) = profile.missing_business_name(options.judging.business_name.as_deref()) {
        return Err(missing);
    }
    for field in options.reading.mapping.0.keys() {
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
