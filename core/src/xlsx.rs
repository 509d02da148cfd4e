//! Excel `.xlsx` workbooks, read from bytes with `calamine`.
//!
//! Cells become text the way a merchant sees them: text stays as typed
//! (`007`, `+44…`), whole numbers lose Excel's `.0`, dates become their
//! serial number (which the date reader understands). Row numbers are the
//! sheet's own, even when the used range does not start at A1.

use crate::check::{CheckError, Limits};
use crate::code::Code;
use crate::mapping::column_letter;
use crate::options::{CheckOptions, DEFAULT_MAX_XLSX_BYTES};
use crate::records::Record;
use calamine::{Data, Range, Reader, Xlsx};
use std::io::Cursor;

/// What the workbook's zip directory says its files unpack to; `None` when
/// it has no readable directory (the workbook reader then says why).
fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(index).ok()?.size());
    }
    Some(total)
}

/// A workbook that cannot be read, and why.
fn unreadable(why: String) -> CheckError {
    CheckError::Refused {
        code: Code::FileUnreadable,
        message: why,
    }
}

/// Whether `bytes` start like a zip archive (every `.xlsx` does).
pub fn looks_like_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads one worksheet (`options.sheet`, else the first) into records.
/// Returns the sheet's name and its rows. A workbook whose zip directory
/// says it unpacks to more than `options.max_xlsx_bytes` is refused before
/// anything is unpacked.
pub fn read_xlsx(
    bytes: &[u8],
    options: &CheckOptions,
) -> Result<(String, Vec<Record>), CheckError> {
    let sheet = options.sheet.as_deref();
    let limit = options.max_xlsx_bytes.unwrap_or(DEFAULT_MAX_XLSX_BYTES);
    if let Some(unpacked) = unpacked_size(bytes)
        && unpacked > limit
    {
        return Err(CheckError::Refused {
            code: Code::FileTooLarge,
            message: format!(
                "the workbook unpacks to {} MB, more than the {} MB a workbook may (a contact list is far smaller; this looks like a zip bomb or a damaged file)",
                unpacked / (1 << 20),
                limit / (1 << 20)
            ),
        });
    }
    // The workbook reader has panicked on damaged cell references (found by
    // fuzzing; an overflow in its column arithmetic): a damaged file, not a crash.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| open_sheet(bytes, sheet)))
        .unwrap_or_else(|_| {
            Err(unreadable(
                "the workbook is damaged (its cell references cannot be read); save it again in Excel or export the list as CSV".into(),
            ))
        });
    let (name, range) = read?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let limits = Limits::of(options);
    let width = (first_col as usize).saturating_add(range.width());
    if width > limits.columns {
        return Err(CheckError::Refused {
            code: Code::FileTooManyColumns,
            message: format!(
                "sheet `{name}` has cells up to column {}; a list can have at most {} columns",
                column_letter(width - 1),
                limits.columns
            ),
        });
    }
    if range.height() as u64 > limits.rows.saturating_add(SHEET_HEADER_ROWS) {
        return Err(CheckError::Refused {
            code: Code::FileTooManyRows,
            message: format!(
                "sheet `{name}` has {} rows, more than the {} one check takes",
                range.height(),
                limits.rows
            ),
        });
    }
    let mut records = Vec::with_capacity(range.height());
    let mut cells: Vec<String> = Vec::new();
    for (offset, row) in range.rows().enumerate() {
        cells.clear();
        cells.extend(std::iter::repeat_n(String::new(), first_col as usize));
        cells.extend(row.iter().map(cell_text));
        records.push(Record::from_cells(
            u64::from(first_row) + offset as u64 + 1,
            &cells,
        ));
    }
    Ok((name, records))
}

/// Rows above a sheet's contacts allowed on top of the row limit (titles,
/// a header).
const SHEET_HEADER_ROWS: u64 = 100;

/// Opens the workbook and reads sheet `sheet` (the first when `None`).
fn open_sheet(bytes: &[u8], sheet: Option<&str>) -> Result<(String, Range<Data>), CheckError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("this is not a readable .xlsx workbook ({e}); export the list as CSV or save it again in Excel")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted || n.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| {
                CheckError::InvalidOption(format!(
                    "the workbook has no sheet `{wanted}`; its sheets are: {}",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable("the workbook has no sheets".into()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| unreadable(format!("sheet `{name}` cannot be read ({e})")))?;
    Ok((name, range))
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d.as_f64().to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
