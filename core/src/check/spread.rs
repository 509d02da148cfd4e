//! One check spread over several workers (the browser's, which share no
//! memory): the file is cut into byte ranges at record boundaries (see
//! [`crate::split`]); each worker reads its ranges and judges their rows on
//! their own ([`SpreadCheck::judge`]), and one worker settles the judged
//! ranges in file order ([`SpreadCheck::settle`]) with the engine's own
//! settling: duplicates, verdicts, cleaned rows, counts and the sink. So
//! the report and every output are those of a check on one worker.
//!
//! Every worker builds the same [`SpreadCheck`] from the file's first
//! [`SPREAD_HEAD_BYTES`]: the sample, and so the layout, the date orders
//! and the rules, do not depend on how the file was sliced.

use super::engine::Engine;
use super::judge::Judged;
use super::{SAMPLE_BYTES, edited, read_sample, sample_len, text_file_info, validate_options};
use crate::decode::{Decoder, Encoding};
use crate::edits::{Applied, CellChange};
use crate::error::CheckError;
use crate::input::InputKind;
use crate::options::CheckOptions;
use crate::profile::Profile;
use crate::records::{Record, RecordReader};
use crate::report::Report;
use crate::sink::{Discard, Layout, Sink};
use crate::split::Cut;
use serde::{Deserialize, Serialize};

/// The bytes of the file's start every worker builds its [`SpreadCheck`]
/// from: enough to decide the encoding and decode the whole sample.
pub const SPREAD_HEAD_BYTES: usize = SAMPLE_BYTES + 64;

/// A check spread over workers. See the module docs.
pub struct SpreadCheck {
    engine: Box<Engine>,
    encoding: Encoding,
    delimiter: u8,
    replaced_invalid_bytes: bool,
}

impl std::fmt::Debug for SpreadCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpreadCheck")
            .field("encoding", &self.encoding)
            .field("delimiter", &char::from(self.delimiter))
            .finish()
    }
}

/// One entry of a judged range, in file order. Sent with references,
/// received owned: the same variants either way.
#[derive(Serialize, Deserialize)]
enum Entry<R, C, J> {
    /// A merchant's edit changed a cell (the sink lists it).
    Fixed { step: usize, change: C },
    /// A merchant's edit deleted the record.
    Deleted,
    /// A record, as edited, and its judged row when it is one to judge.
    Record { record: R, judged: Option<J> },
    /// The range's end: whether any of its bytes were invalid.
    End { replaced_invalid_bytes: bool },
}

type Sent<'a> = Entry<&'a Record, &'a CellChange, &'a Judged>;
type Received = Entry<Record, CellChange, Judged>;

impl SpreadCheck {
    /// Builds the check from the file's first [`SPREAD_HEAD_BYTES`] (`head`,
    /// or the whole file when shorter) and its length. `None` when the file
    /// is better checked on one worker: a workbook, a file no longer than
    /// its sample, an encoding that cannot be cut at bytes (UTF-16), or a
    /// sample without one whole record. Fails as a check of the file would.
    pub fn new(
        profile: Profile,
        options: CheckOptions,
        head: &[u8],
        file_len: u64,
    ) -> Result<Option<SpreadCheck>, CheckError> {
        validate_options(&profile, &options)?;
        super::check_size(&profile, &options, file_len)?;
        let whole = head.len() as u64 >= file_len;
        if whole || InputKind::of(head) == InputKind::Workbook {
            return Ok(None);
        }
        let mut decoder = Decoder::new(options.reading.encoding);
        let mut text = String::new();
        decoder.feed(head, &mut text);
        decoder.decide(&mut text);
        let Some(encoding) = decoder.encoding().filter(|e| e.cuts_at_bytes()) else {
            return Ok(None);
        };
        if text.len() < SAMPLE_BYTES {
            return Ok(None);
        }
        let sampled = &text[..sample_len(&text, false)];
        let (delimiter, _, sample) = read_sample(head, sampled, false, &options)?;
        if sample.is_empty() {
            return Ok(None);
        }
        let file = text_file_info(&decoder, delimiter);
        let engine = Engine::new(profile, options.clone(), &edited(&options, &sample), file)?;
        Ok(Some(SpreadCheck {
            engine: Box::new(engine),
            encoding,
            delimiter,
            replaced_invalid_bytes: false,
        }))
    }

    /// The delimiter the file is cut with ([`crate::split::Stretch::scan`]).
    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// The layout found from the sample (for [`Sink::layout`]).
    pub fn layout(&self) -> &Layout {
        &self.engine.layout
    }

    /// Judges the range of the file that starts at `cut`: `bytes` runs to
    /// the next cut, or to the end of the file when `last`. The rows come
    /// back in a compact form for [`SpreadCheck::settle`], with the
    /// merchant's edits applied and their changes listed.
    pub fn judge(&self, bytes: &[u8], cut: Cut, last: bool) -> Result<Vec<u8>, CheckError> {
        let mut decoder = if cut.offset == 0 {
            Decoder::new(Some(self.encoding))
        } else {
            Decoder::resuming(self.encoding)
        };
        let mut text = String::new();
        decoder.feed(bytes, &mut text);
        if last {
            decoder.finish(&mut text);
        } else {
            decoder.decide(&mut text);
        }
        let mut out = Vec::with_capacity(bytes.len() * 2);
        let mut failure = None;
        let mut judge = |record: &Record| {
            if failure.is_none() {
                failure = self.judge_record(record, &mut out).err();
            }
        };
        let mut reader = RecordReader::continuing(self.delimiter, cut.records_before);
        reader.feed(&text, &mut judge);
        if last {
            reader.finish(&mut judge);
        }
        if let Some(failure) = failure {
            return Err(failure);
        }
        let end: Sent<'_> = Entry::End {
            replaced_invalid_bytes: decoder.replaced_invalid_bytes(),
        };
        append(&end, &mut out)?;
        Ok(out)
    }

    fn judge_record(&self, record: &Record, out: &mut Vec<u8>) -> Result<(), CheckError> {
        let mut failure = Ok(());
        let applied = self
            .engine
            .options
            .edits
            .apply(record, &mut |step, change| {
                let fixed: Sent<'_> = Entry::Fixed {
                    step,
                    change: &change,
                };
                if failure.is_ok() {
                    failure = append(&fixed, out);
                }
            });
        failure?;
        let record = match &applied {
            Applied::Unchanged => record,
            Applied::Changed(edited) => edited,
            Applied::Deleted => return append(&Sent::Deleted, out),
        };
        let judged = self
            .engine
            .is_judged(record)
            .then(|| self.engine.judge.judged(record, &mut Discard));
        let entry: Sent<'_> = Entry::Record {
            record,
            judged: judged.as_ref(),
        };
        append(&entry, out)
    }

    /// Settles one range judged by [`SpreadCheck::judge`]: ranges must come
    /// in file order, every one of them.
    pub fn settle(&mut self, mut judged: &[u8], sink: &mut impl Sink) -> Result<(), CheckError> {
        loop {
            let (entry, rest) = postcard::take_from_bytes::<Received>(judged)
                .map_err(|e| CheckError::Worker(format!("a judged range is unreadable: {e}")))?;
            judged = rest;
            match entry {
                Entry::Fixed { step, change } => sink.fixed(step, change),
                Entry::Deleted => self.engine.layout.file.deleted_rows += 1,
                Entry::Record { record, judged } => {
                    self.engine.limits.check(&record)?;
                    match (self.engine.admit(&record)?, judged) {
                        (false, _) => {}
                        (true, Some(judged)) => {
                            let judge = std::sync::Arc::clone(&self.engine.judge);
                            let (row, findings) = judge.row(&record, judged);
                            self.engine.settle(row, findings, sink);
                        }
                        (true, None) => {
                            return Err(CheckError::Worker(format!(
                                "row {} came back from a worker unjudged",
                                record.row()
                            )));
                        }
                    }
                }
                Entry::End {
                    replaced_invalid_bytes,
                } => {
                    self.replaced_invalid_bytes |= replaced_invalid_bytes;
                    return Ok(());
                }
            }
        }
    }

    /// The report, once every range is settled.
    pub fn finish(mut self) -> Result<Report, CheckError> {
        self.engine.layout.file.replaced_invalid_bytes = self.replaced_invalid_bytes;
        self.engine.into_report()
    }
}

fn append(entry: &Sent<'_>, out: &mut Vec<u8>) -> Result<(), CheckError> {
    let bytes = postcard::to_extend(entry, std::mem::take(out))
        .map_err(|e| CheckError::Worker(format!("a judged row could not be written: {e}")))?;
    *out = bytes;
    Ok(())
}
