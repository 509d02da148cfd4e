//! A look at the start of a file before the check: how it was read, its
//! first rows and the suggested mapping, for the app's Load and Map steps.
//!
//! The preview reads the same sample the check does and maps it the same
//! way, so what the merchant confirms here is what the check will use.

use crate::check::{
    SAMPLE_BYTES, Table, read_sample, text_file_info, workbook_file_info, workbook_sample,
};
use crate::decode::Decoder;
use crate::error::CheckError;
use crate::input::{Input, InputKind};
use crate::limits::Limits;
use crate::options::CheckOptions;
use crate::profile::Profile;
use crate::records::Record;
use crate::report::FileInfo;
use crate::xlsx::read_xlsx;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Data rows shown in the preview table.
pub const PREVIEW_ROWS: usize = 10;
/// Example values shown per column on the Map step.
pub const SAMPLES_PER_COLUMN: usize = 3;

/// The start of a file as the check will read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// Encoding, delimiter, header row, skipped rows and column names.
    pub file: FileInfo,
    /// The first data rows as parsed, one cell per column.
    pub rows: Vec<Vec<String>>,
    /// Up to [`SAMPLES_PER_COLUMN`] distinct non-blank values per column.
    pub samples: Vec<Vec<String>>,
    /// The mapping the check would use: field → column name.
    pub mapping: BTreeMap<String, String>,
    /// Why the check would refuse the file with this mapping (for example a
    /// required field that no column maps to), in the merchant's words.
    pub problem: Option<String>,
}

/// Previews a file from its first bytes.
///
/// `bytes` is the start of the file (the app passes the first
/// [`crate::check::SAMPLE_BYTES`]); `complete` says whether that is the whole
/// file. Workbooks must be passed whole.
pub fn preview(
    bytes: &[u8],
    complete: bool,
    profile: &Profile,
    options: &CheckOptions,
) -> Result<Preview, CheckError> {
    if InputKind::of(bytes) == InputKind::Workbook {
        let (sheet, records) = read_xlsx(bytes, options)?;
        return build(
            profile,
            options,
            &workbook_sample(&records).0,
            workbook_file_info(sheet),
        );
    }
    let mut decoder = Decoder::new(options.reading.encoding);
    let mut text = String::new();
    decoder.feed(bytes, &mut text);
    if complete {
        decoder.finish(&mut text);
    } else {
        decoder.decide(&mut text);
    }
    let head = &bytes[..bytes.len().min(8)];
    let (delimiter, _, sample) = read_sample(head, &text, complete, options)?;
    let mut file = text_file_info(&decoder, delimiter);
    file.replaced_invalid_bytes = decoder.replaced_invalid_bytes();
    build(profile, options, &sample, file)
}

/// Previews `input` as [`check_input`](crate::check_input) would read it: a
/// workbook whole, text by its first [`SAMPLE_BYTES`] (the whole of it when
/// shorter).
pub fn preview_input<I: Input>(
    input: &mut I,
    profile: &Profile,
    options: &CheckOptions,
) -> Result<Preview, I::Error> {
    // One byte more than the sample says whether the sample is everything.
    let head = input.head(SAMPLE_BYTES + 1)?;
    if InputKind::of(&head) == InputKind::Workbook {
        let bytes = input.read_all()?;
        return Ok(preview(&bytes, true, profile, options)?);
    }
    let complete = head.len() <= SAMPLE_BYTES;
    let sample = &head[..head.len().min(SAMPLE_BYTES)];
    Ok(preview(sample, complete, profile, options)?)
}

fn build(
    profile: &Profile,
    options: &CheckOptions,
    sample: &[Record],
    mut file: FileInfo,
) -> Result<Preview, CheckError> {
    // The check would refuse these records; the preview says so first.
    let limits = Limits::of(options);
    for record in sample {
        limits.check(record)?;
    }
    let table = Table::find(profile, options, sample)?;
    let width = table.columns.len();
    let data: Vec<&Record> = sample[table.data_start..]
        .iter()
        .filter(|r| !r.is_blank())
        .collect();
    let rows = data
        .iter()
        .take(PREVIEW_ROWS)
        .map(|r| {
            (0..width)
                .map(|c| r.get(c).unwrap_or("").to_owned())
                .collect()
        })
        .collect();
    let samples = (0..width)
        .map(|c| {
            let mut values: Vec<String> = Vec::new();
            for value in data.iter().filter_map(|r| r.get(c)).map(str::trim) {
                if values.len() == SAMPLES_PER_COLUMN {
                    break;
                }
                if !value.is_empty() && !values.iter().any(|v| v == value) {
                    values.push(value.to_owned());
                }
            }
            values
        })
        .collect();
    let mapping = profile
        .fields
        .iter()
        .zip(&table.fields)
        .filter_map(|(f, c)| c.map(|c| (f.name.clone(), table.columns[c].clone())))
        .collect();
    let problem = table.refusal(profile).map(|e| e.to_string());
    file.header_row = table.header_row;
    file.skipped_rows = table.skipped as u64;
    file.columns = table.columns;
    Ok(Preview {
        file,
        rows,
        samples,
        mapping,
        problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whatsapp() -> Profile {
        Profile::builtin("whatsapp").unwrap()
    }

    #[test]
    fn an_input_is_previewed_by_its_sample_or_whole() {
        let options = CheckOptions::default();
        let mut csv = String::from("phone,opt_in_at,opt_in_source,opt_in_text\n");
        let short = preview_input(&mut csv.as_bytes(), &whatsapp(), &options).expect("preview");
        assert_eq!(
            short,
            preview(csv.as_bytes(), true, &whatsapp(), &options).expect("preview")
        );
        while csv.len() <= SAMPLE_BYTES {
            csv.push_str("+447911123456,2025-01-05,shop,Yes to WhatsApp\n");
        }
        // A longer file is previewed by its sample, not as if it ended there.
        let long = preview_input(&mut csv.as_bytes(), &whatsapp(), &options).expect("preview");
        let sample = &csv.as_bytes()[..SAMPLE_BYTES];
        assert_eq!(
            long,
            preview(sample, false, &whatsapp(), &options).expect("preview")
        );
    }

    #[test]
    fn reads_layout_rows_samples_and_mapping() {
        let csv = "Customer list\n\nMobile;Opt-in date;Opt-in source;Consent text;Channel\n\
                   +447911123456;2025-01-05;shop;Yes to WhatsApp;whatsapp\n\
                   +447911123457;2025-01-06;shop;Yes to WhatsApp;sms\n";
        let p = preview(csv.as_bytes(), true, &whatsapp(), &CheckOptions::default()).unwrap();
        assert_eq!(p.file.delimiter.as_deref(), Some(";"));
        assert_eq!(p.file.header_row, Some(3));
        assert_eq!(p.file.skipped_rows, 2);
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[1][4], "sms");
        assert_eq!(p.samples[4], vec!["whatsapp", "sms"]);
        assert_eq!(p.samples[2], vec!["shop"]);
        assert_eq!(p.mapping["phone"], "Mobile");
        assert_eq!(p.mapping["opt_in_channel"], "Channel");
        assert_eq!(p.problem, None);
    }

    #[test]
    fn names_unmapped_required_fields_instead_of_failing() {
        let csv = b"Mobile,Name\n+447911123456,Ann\n";
        let p = preview(csv, true, &whatsapp(), &CheckOptions::default()).unwrap();
        let problem = p.problem.unwrap();
        assert!(problem.contains("opt_in_at"), "{problem}");
        assert!(problem.contains("header.missing_required"), "{problem}");
    }

    #[test]
    fn an_incomplete_sample_drops_the_cut_row() {
        let csv = b"phone,opt_in_at\n+447911123456,2025-01-05\n+4479111";
        let p = preview(csv, false, &whatsapp(), &CheckOptions::default()).unwrap();
        assert_eq!(p.rows.len(), 1);
    }

    #[test]
    fn refuses_what_the_check_refuses() {
        let err = preview(b"   \n", true, &whatsapp(), &CheckOptions::default()).unwrap_err();
        assert!(matches!(err, CheckError::Refused { .. }), "{err}");
    }
}
