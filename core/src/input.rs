//! One way into a check for every front door: the CLI, the browser's
//! worker, the server and [`check_bytes`](crate::check_bytes) all hand their
//! bytes to [`check_input`], which tells a workbook from text by its first
//! bytes, then reads the workbook whole or streams the text chunk by chunk.
//! A front door only says how it reads ([`Input`]) and what it does after
//! each chunk (progress, draining files).

use crate::check::Checker;
use crate::error::CheckError;
use crate::options::CheckOptions;
use crate::profile::Profile;
use crate::report::Report;
use crate::sink::Sink;
use crate::xlsx::read_xlsx;

/// Bytes needed to tell a workbook from text.
pub const HEAD_BYTES: usize = 8;

/// What kind of file the bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Delimited text (CSV, TSV, a paste), streamed.
    Text,
    /// An `.xlsx` workbook (a zip archive), read whole.
    Workbook,
}

impl InputKind {
    /// The kind of a file that starts with `head` (its first
    /// [`HEAD_BYTES`], or all of it when shorter).
    pub fn of(head: &[u8]) -> InputKind {
        if head.starts_with(b"PK\x03\x04") {
            InputKind::Workbook
        } else {
            InputKind::Text
        }
    }
}

/// How a front door reads its file.
pub trait Input {
    /// What reading can fail with; a refusal of the check becomes one too.
    type Error: From<CheckError>;

    /// The first `len` bytes (fewer only when the input is shorter). Reading
    /// them does not consume them: [`Input::each_chunk`] and
    /// [`Input::read_all`] still start at the first byte.
    fn head(&mut self, len: usize) -> Result<Vec<u8>, Self::Error>;

    /// Every byte, in one buffer (workbooks).
    fn read_all(&mut self) -> Result<Vec<u8>, Self::Error>;

    /// Hands every byte to `each`, chunk by chunk in order, stopping at its
    /// first error.
    fn each_chunk(
        &mut self,
        each: impl FnMut(&[u8]) -> Result<(), Self::Error>,
    ) -> Result<(), Self::Error>;
}

/// Checks `input`: a workbook read whole, text streamed. After each chunk
/// judged (once for a workbook) `after_chunk` gets the sink and the bytes
/// read so far, to report progress or drain finished output.
pub fn check_input<I: Input, S: Sink>(
    input: &mut I,
    profile: Profile,
    options: CheckOptions,
    sink: &mut S,
    mut after_chunk: impl FnMut(&mut S, u64) -> Result<(), I::Error>,
) -> Result<Report, I::Error> {
    let mut checker = Checker::new(profile, options.clone())?;
    if InputKind::of(&input.head(HEAD_BYTES)?) == InputKind::Workbook {
        let bytes = input.read_all()?;
        let (sheet, records) = read_xlsx(&bytes, &options)?;
        let report = checker.check_records(sheet, &records, sink)?;
        after_chunk(sink, bytes.len() as u64)?;
        return Ok(report);
    }
    let mut done = 0u64;
    input.each_chunk(|chunk| {
        checker.feed(chunk, sink)?;
        done += chunk.len() as u64;
        after_chunk(sink, done)
    })?;
    Ok(checker.finish(sink)?)
}

/// Bytes already in memory.
impl Input for &[u8] {
    type Error = CheckError;

    fn head(&mut self, len: usize) -> Result<Vec<u8>, CheckError> {
        Ok(self[..len.min(self.len())].to_vec())
    }

    fn read_all(&mut self) -> Result<Vec<u8>, CheckError> {
        Ok(self.to_vec())
    }

    fn each_chunk(
        &mut self,
        mut each: impl FnMut(&[u8]) -> Result<(), CheckError>,
    ) -> Result<(), CheckError> {
        each(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Outputs;

    /// An input that gives its bytes `size` at a time, as a file read in
    /// slices does.
    struct Sliced<'a> {
        bytes: &'a [u8],
        size: usize,
    }

    impl Input for Sliced<'_> {
        type Error = CheckError;

        fn head(&mut self, len: usize) -> Result<Vec<u8>, CheckError> {
            self.bytes.head(len)
        }

        fn read_all(&mut self) -> Result<Vec<u8>, CheckError> {
            self.bytes.read_all()
        }

        fn each_chunk(
            &mut self,
            each: impl FnMut(&[u8]) -> Result<(), CheckError>,
        ) -> Result<(), CheckError> {
            self.bytes.chunks(self.size).try_for_each(each)
        }
    }

    #[test]
    fn kinds_are_told_by_the_first_bytes() {
        assert_eq!(InputKind::of(b"PK\x03\x04rest"), InputKind::Workbook);
        assert_eq!(InputKind::of(b"phone,opt_in_at"), InputKind::Text);
        assert_eq!(InputKind::of(b""), InputKind::Text);
    }

    #[test]
    fn any_chunking_gives_the_same_report_and_progress_adds_up() {
        let mut csv = String::from("phone,opt_in_at,opt_in_source,opt_in_text\n");
        for i in 0..3000 {
            csv.push_str(&format!(
                "+4479111{:05},2025-01-05,shop.example,Yes to Acme offers on WhatsApp\n",
                i % 2500
            ));
        }
        let profile = Profile::builtin("whatsapp").expect("profile");
        let whole = check_input(
            &mut csv.as_bytes(),
            profile.clone(),
            CheckOptions::default().with_business_name("Acme"),
            &mut Outputs::default(),
            |_, _| Ok(()),
        )
        .expect("report");
        for size in [1, 7, 4096, 100_000] {
            let mut seen = Vec::new();
            let report = check_input(
                &mut Sliced {
                    bytes: csv.as_bytes(),
                    size,
                },
                profile.clone(),
                CheckOptions::default().with_business_name("Acme"),
                &mut Outputs::default(),
                |_, done| {
                    seen.push(done);
                    Ok(())
                },
            )
            .expect("report");
            assert_eq!(report, whole, "chunks of {size}");
            assert_eq!(seen.last(), Some(&(csv.len() as u64)), "chunks of {size}");
            assert!(seen.windows(2).all(|w| w[0] < w[1]), "chunks of {size}");
        }
        assert_eq!(whole.summary.duplicates, 500);
    }
}
