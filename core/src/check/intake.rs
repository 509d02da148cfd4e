//! Intake: refuses what is not a list (binary files, control characters),
//! splits the sampled text into records and describes how the file was
//! read. Workbooks arrive as records and are sampled as a spreadsheet shows
//! them.

use crate::code::Code;
use crate::decode::{Decoder, Encoding};
use crate::error::CheckError;
use crate::limits::Limits;
use crate::options::CheckOptions;
use crate::records::{Record, RecordReader};
use crate::report::FileInfo;
use crate::sniff::sniff_delimiter;

/// Splits the sampled text into records after refusing binary files and
/// choosing the delimiter. The returned reader continues after the sample
/// (a fresh one when the sample was the whole file, so nothing is emitted twice).
pub(crate) fn read_sample(
    head: &[u8],
    text: &str,
    complete: bool,
    options: &CheckOptions,
) -> Result<(u8, RecordReader, Vec<Record>), CheckError> {
    let delimiter = options.reading.delimiter;
    refuse_binary(head)?;
    if text.trim().is_empty() {
        return Err(CheckError::refused(Code::FileEmpty, "the file is empty"));
    }
    refuse_binary_text(text)?;
    let delimiter = match delimiter {
        // Latin-1 characters such as `§` fit a byte too, but not as UTF-8
        // text is split: only ASCII delimiters are safe to cut at.
        Some(d) if d.is_ascii() => d as u8,
        Some(d) => {
            return Err(CheckError::InvalidOption(format!(
                "delimiter `{d}` must be one ASCII character, such as , ; | or a tab"
            )));
        }
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
        encoding: decoder.encoding().unwrap_or(Encoding::UTF_8).name().into(),
        encoding_source: decoder.encoding_source(),
        // The character itself: a tab is a tab (JSON writes it `"\t"`).
        delimiter: Some(char::from(delimiter).to_string()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::options::ReadOptions;

    fn refused_code(result: Result<(u8, RecordReader, Vec<Record>), CheckError>) -> Code {
        match result {
            Err(error) => error.code().expect("a refusal"),
            Ok(_) => panic!("expected a refusal"),
        }
    }

    #[test]
    fn binary_files_are_refused_by_their_first_bytes() {
        let options = CheckOptions::default();
        for (head, says) in [
            (&b"PK\x03\x04"[..], "xlsx"),
            (&[0xD0, 0xCF, 0x11, 0xE0][..], ".xls"),
            (&b"%PDF-1.7"[..], "PDF"),
        ] {
            let error = read_sample(head, "a,b\n", true, &options).expect_err("refused");
            assert_eq!(error.code(), Some(Code::FileUnreadable));
            assert!(error.to_string().contains(says), "{error}");
        }
        let controls = "a\u{1}b\u{2}c\u{3}\n".repeat(10);
        assert_eq!(
            refused_code(read_sample(b"a", &controls, true, &options)),
            Code::FileUnreadable
        );
        assert_eq!(
            refused_code(read_sample(b"", " \n\n", true, &options)),
            Code::FileEmpty
        );
    }

    #[test]
    fn the_reader_continues_after_an_unfinished_sample() {
        let options = CheckOptions::default();
        let (delimiter, mut reader, sample) =
            read_sample(b"p", "phone;name\n1;Ana\n2;B", false, &options).expect("sample");
        assert_eq!(delimiter, b';');
        assert_eq!(sample.len(), 2, "the last record is not finished yet");
        let mut rest = Vec::new();
        reader.feed("en\n", &mut |r: &Record| rest.push(r.clone()));
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].get(1), Some("Ben"));
        assert_eq!(rest[0].row(), 3);
        // A complete sample hands back a fresh reader: nothing twice.
        let (_, mut reader, sample) =
            read_sample(b"p", "phone\n1\n2", true, &options).expect("sample");
        assert_eq!(sample.len(), 3);
        let mut again = Vec::new();
        reader.finish(&mut |r: &Record| again.push(r.clone()));
        assert!(again.is_empty());
    }

    #[test]
    fn a_declared_delimiter_must_be_one_ascii_character() {
        let options = CheckOptions {
            reading: ReadOptions {
                delimiter: Some('§'),
                ..ReadOptions::default()
            },
            ..CheckOptions::default()
        };
        let error = read_sample(b"a", "a§b\n", true, &options).expect_err("refused");
        assert!(matches!(error, CheckError::InvalidOption(_)), "{error}");
    }

    #[test]
    fn a_workbook_sample_shows_its_blank_rows() {
        let records = [
            Record::from_cells(1, &["title"]),
            Record::from_cells(3, &["phone"]),
            Record::from_cells(4, &["1"]),
        ];
        let (sample, sampled) = workbook_sample(&records);
        let rows: Vec<u64> = sample.iter().map(Record::row).collect();
        assert_eq!(rows, [1, 2, 3, 4]);
        assert!(sample[1].is_blank());
        assert_eq!(sampled, 3);
    }

    #[test]
    fn a_tab_is_reported_as_the_character() {
        let info = text_file_info(&Decoder::new(Some(Encoding::UTF_8)), b'\t');
        assert_eq!(info.delimiter.as_deref(), Some("\t"));
        let json = serde_json::to_string(&info).expect("json");
        assert!(json.contains(r#""delimiter":"\t""#), "{json}");
        assert_eq!(info.encoding, "UTF-8");
    }
}
