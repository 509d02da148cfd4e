//! Excel `.xlsx` workbooks, read from bytes with `calamine`.
//!
//! Cells become text the way a merchant sees them: text stays as typed
//! (`007`, `+44…`), whole numbers lose Excel's `.0`, dates become their
//! serial number (which the date reader understands). Row numbers are the
//! sheet's own, even when the used range does not start at A1.
//!
//! The sheet is read cell by cell, never as its bounding box: a workbook of a
//! few bytes can name a cell at `XFD1048576`, and a grid from A1 to there
//! would be half a terabyte. Only rows that hold a value become records
//! (blank rows between them are counted by the checker, see
//! [`Checker::check_records`](crate::Checker::check_records)), and the column, row and cell
//! limits are enforced as each cell arrives, so memory is bounded by the
//! cells present and [`CheckLimits::max_cells`](crate::CheckLimits::max_cells).

use crate::code::Code;
use crate::error::{CheckError, Position};
use crate::limits::Limits;
use crate::options::{CheckOptions, DEFAULT_MAX_CELLS, DEFAULT_MAX_XLSX_BYTES};
use crate::records::Record;
use crate::text::{column_letter, thousands};
use calamine::{DataRef, Xlsx, XlsxError};
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
    CheckError::refused(Code::FileUnreadable, why)
}

/// Reads one worksheet (`options.reading.sheet`, else the first) into records, one
/// per row that holds a value, each as wide as the sheet's rightmost cell.
/// Returns the sheet's name and its rows.
///
/// Refused: a workbook whose zip directory says it unpacks to more than
/// `options.limits.max_xlsx_bytes` (before anything is unpacked); a cell past
/// `max_columns`; more rows than `max_rows` (plus a few above the table);
/// rows times width over `max_cells` — each as soon as the cell that crosses
/// the limit is read.
pub fn read_xlsx(
    bytes: &[u8],
    options: &CheckOptions,
) -> Result<(String, Vec<Record>), CheckError> {
    let limit = options
        .limits
        .max_xlsx_bytes
        .unwrap_or(DEFAULT_MAX_XLSX_BYTES);
    if let Some(unpacked) = unpacked_size(bytes)
        && unpacked > limit
    {
        return Err(CheckError::refused(
            Code::FileTooLarge,
            format!(
                "the workbook unpacks to {} MB, more than the {} MB a workbook may (a contact list is far smaller; this looks like a zip bomb or a damaged file)",
                unpacked / (1 << 20),
                limit / (1 << 20)
            ),
        ));
    }
    // The workbook reader has panicked on damaged cell references (found by
    // fuzzing; an overflow in its column arithmetic): a damaged file, not a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_sheet(bytes, options)))
        .unwrap_or_else(|_| {
            Err(unreadable(
                "the workbook is damaged (its cell references cannot be read); save it again in Excel or export the list as CSV".into(),
            ))
        })
}

/// Rows above a sheet's contacts allowed on top of the row limit (titles,
/// a header).
const SHEET_HEADER_ROWS: u64 = 100;

/// Opens the workbook and reads sheet `options.reading.sheet` (the first when `None`).
fn read_sheet(bytes: &[u8], options: &CheckOptions) -> Result<(String, Vec<Record>), CheckError> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| unreadable(format!("this is not a readable .xlsx workbook ({e}); export the list as CSV or save it again in Excel")))?;
    let names = calamine::Reader::sheet_names(&book);
    let name = match options.reading.sheet.as_deref() {
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
    let cannot_read = |e: XlsxError| unreadable(format!("sheet `{name}` cannot be read ({e})"));
    let mut cells = match book.worksheet_cells_reader(&name) {
        Ok(cells) => cells,
        // A chart sheet or macro sheet holds no rows.
        Err(XlsxError::NotAWorksheet(_)) => return Ok((name, Vec::new())),
        Err(e) => return Err(cannot_read(e)),
    };
    let mut rows = SheetRows::new(&name, options);
    // Spreadsheet programs write cells in order; a cell out of order is set
    // aside and the rows are rebuilt in order at the end.
    let mut strays = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(cannot_read)? {
        let (row, column) = cell.get_position();
        let Some(text) = cell_text(cell.get_value()) else {
            continue;
        };
        if !rows.add(row, column, &text)? {
            strays.push((row, column, text));
            rows.check_cells(strays.len())?;
        }
    }
    let records = if strays.is_empty() {
        rows.finish()
    } else {
        in_order(rows, strays)?
    };
    Ok((name, records))
}

/// Rebuilds the rows with the cells that came out of order in their place;
/// of two values for one cell, the later wins.
fn in_order(
    rows: SheetRows<'_>,
    strays: Vec<(u32, u32, String)>,
) -> Result<Vec<Record>, CheckError> {
    let mut all: Vec<(u32, u32, String)> = Vec::new();
    for row in &rows.rows {
        let number = u32::try_from(row.row - 1).unwrap_or(u32::MAX);
        all.extend(
            row.cells()
                .map(|(column, text)| (number, column as u32, text.to_owned())),
        );
    }
    all.extend(strays);
    // Stable: cells at one position keep their order, the last is kept.
    all.sort_by_key(|&(row, column, _)| (row, column));
    let mut rebuilt = SheetRows::new(rows.sheet, rows.options);
    let mut cells = all.into_iter().peekable();
    while let Some((row, column, text)) = cells.next() {
        if cells
            .peek()
            .is_some_and(|next| (next.0, next.1) == (row, column))
        {
            continue;
        }
        rebuilt.add(row, column, &text)?;
    }
    Ok(rebuilt.finish())
}

/// A worksheet's rows, kept as the cells that hold values while the sheet is
/// read in order, within the check's limits; padded into records at the end.
struct SheetRows<'a> {
    sheet: &'a str,
    options: &'a CheckOptions,
    limits: Limits,
    max_cells: u64,
    rows: Vec<SheetRow>,
    /// Columns up to the rightmost cell so far.
    width: usize,
}

/// One row's cells that hold values: their text one after another, and
/// each cell's column and where its text ends.
struct SheetRow {
    row: u64,
    text: String,
    cells: Vec<(usize, usize)>,
}

impl SheetRow {
    /// Each cell's column and text.
    fn cells(&self) -> impl Iterator<Item = (usize, &str)> {
        let starts = std::iter::once(0).chain(self.cells.iter().map(|&(_, end)| end));
        self.cells
            .iter()
            .zip(starts)
            .map(|(&(column, end), start)| (column, &self.text[start..end]))
    }

    /// The record, `width` cells wide.
    fn into_record(self, width: usize) -> Record {
        let mut record = Record::at_row(self.row);
        for (column, text) in self.cells() {
            record.pad_to(column);
            record.push_cell(text);
        }
        record.pad_to(width);
        record
    }
}

impl<'a> SheetRows<'a> {
    fn new(sheet: &'a str, options: &'a CheckOptions) -> Self {
        SheetRows {
            sheet,
            options,
            limits: Limits::of(options),
            max_cells: options.limits.max_cells.unwrap_or(DEFAULT_MAX_CELLS),
            rows: Vec::new(),
            width: 0,
        }
    }

    /// Adds the value at 0-based `row` and `column`; `false` (nothing
    /// added) when it comes before a cell already added.
    fn add(&mut self, row: u32, column: u32, text: &str) -> Result<bool, CheckError> {
        let (row, column) = (u64::from(row) + 1, column as usize);
        if column >= self.limits.columns {
            return Err(CheckError::refused_at(
                Code::FileTooManyColumns,
                Position::cell(row, column),
                format!(
                    "sheet `{}` has cells up to column {} (cell {}{row}); a list can have at most {} columns",
                    self.sheet,
                    column_letter(column),
                    column_letter(column),
                    thousands(self.limits.columns as u64)
                ),
            ));
        }
        match self.rows.last() {
            Some(last)
                if last.row > row
                    || (last.row == row
                        && last.cells.last().is_some_and(|&(c, _)| column <= c)) =>
            {
                return Ok(false);
            }
            Some(last) if last.row == row => {}
            _ => self.start_row(row)?,
        }
        self.width = self.width.max(column + 1);
        self.check_cells(0)?;
        let last = self.rows.last_mut().expect("a row was started");
        last.text.push_str(text);
        last.cells.push((column, last.text.len()));
        Ok(true)
    }

    fn start_row(&mut self, row: u64) -> Result<(), CheckError> {
        let most = self.limits.rows.saturating_add(SHEET_HEADER_ROWS);
        if self.rows.len() as u64 >= most {
            return Err(CheckError::refused_at(
                Code::FileTooManyRows,
                Position::row(row),
                format!(
                    "sheet `{}` has more than {} rows with values (row {row} is one too many), more than one check takes",
                    self.sheet,
                    thousands(most)
                ),
            ));
        }
        self.rows.push(SheetRow {
            row,
            text: String::new(),
            cells: Vec::new(),
        });
        Ok(())
    }

    /// Refuses a sheet whose rows times width, plus `more` cells set aside,
    /// pass the cell limit: the records would hold that many cells.
    fn check_cells(&self, more: usize) -> Result<(), CheckError> {
        let cells = (self.rows.len() as u64)
            .saturating_mul(self.width as u64)
            .saturating_add(more as u64);
        if cells <= self.max_cells {
            return Ok(());
        }
        Err(CheckError::refused(
            Code::FileTooLarge,
            format!(
                "sheet `{}` spans more than {} cells ({} rows with values, cells up to column {}); delete the stray cells far below or to the right of the list, or export the list as CSV",
                self.sheet,
                thousands(self.max_cells),
                thousands(self.rows.len() as u64),
                column_letter(self.width.saturating_sub(1))
            ),
        ))
    }

    /// The records, each as wide as the sheet.
    fn finish(self) -> Vec<Record> {
        let width = self.width;
        self.rows
            .into_iter()
            .map(|row| row.into_record(width))
            .collect()
    }
}

/// A cell's text; `None` for a cell without a value (a formatted empty cell).
fn cell_text(cell: &DataRef<'_>) -> Option<String> {
    Some(match cell {
        DataRef::Empty => return None,
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.as_f64().to_string(),
        DataRef::Error(e) => format!("#{e:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Outputs;
    use crate::{CheckLimits, Profile, check_bytes};
    use std::io::Write as _;

    /// A workbook of one sheet, `Contacts`, whose `<sheetData>` is `rows`.
    fn workbook(rows: &str) -> Vec<u8> {
        let parts = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
                ),
            ),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, text) in parts {
            zip.start_file(name, stored).expect("zip entry");
            zip.write_all(text.as_bytes()).expect("zip write");
        }
        zip.finish().expect("zip").into_inner()
    }

    /// A `<c>` holding `text` at `reference` (e.g. `B2`).
    fn cell(reference: &str, text: &str) -> String {
        format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    /// A `<row>` numbered from its first cell's reference.
    fn row(cells: &[(&str, &str)]) -> String {
        let number: String = cells[0].0.chars().filter(char::is_ascii_digit).collect();
        let inner: String = cells.iter().map(|(r, t)| cell(r, t)).collect();
        format!(r#"<row r="{number}">{inner}</row>"#)
    }

    const HEADER: [&str; 5] = [
        "phone",
        "opt_in_at",
        "opt_in_source",
        "opt_in_text",
        "opt_in_channel",
    ];

    /// Row `n` of a contact list in columns A to E, as a `<row>`.
    fn contact(n: u32) -> String {
        let phone = format!("+44 7911 {:06}", 100_000 + n);
        let refs: Vec<String> = ["A", "B", "C", "D", "E"]
            .iter()
            .map(|c| format!("{c}{n}"))
            .collect();
        let values = [
            phone.as_str(),
            "2025-03-05",
            "shop",
            "Yes to WhatsApp offers from Acme",
            "whatsapp",
        ];
        row(&refs
            .iter()
            .map(String::as_str)
            .zip(values)
            .collect::<Vec<_>>())
    }

    fn header() -> String {
        let refs: Vec<String> = ["A", "B", "C", "D", "E"]
            .iter()
            .map(|c| format!("{c}1"))
            .collect();
        row(&refs
            .iter()
            .map(String::as_str)
            .zip(HEADER)
            .collect::<Vec<_>>())
    }

    fn refusal(result: Result<(String, Vec<Record>), CheckError>) -> (Code, String) {
        match result {
            Err(CheckError::Refused { code, message, .. }) => (code, message),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_cell_at_the_sheets_last_column_is_refused_at_that_cell() {
        // The probe's workbook: a header and one cell at XFD1048576. Read as
        // a bounding box it would be 2^34 cells.
        let bytes = workbook(&format!("{}{}", header(), row(&[("XFD1048576", "x")])));
        let (code, message) = refusal(read_xlsx(&bytes, &CheckOptions::default()));
        assert_eq!(code, Code::FileTooManyColumns);
        assert!(message.contains("cell XFD1048576"), "{message}");
        assert!(message.contains("at most 1,000 columns"), "{message}");
    }

    #[test]
    fn a_cell_far_below_is_one_more_row_and_the_rows_between_count_as_blank() {
        let bytes = workbook(&format!(
            "{}{}{}",
            header(),
            contact(2),
            row(&[("A1048576", "+44 7911 999999")])
        ));
        let (sheet, records) = read_xlsx(&bytes, &CheckOptions::default()).expect("read");
        assert_eq!(sheet, "Contacts");
        let rows: Vec<u64> = records.iter().map(Record::row).collect();
        assert_eq!(rows, [1, 2, 1_048_576]);
        assert!(
            records.iter().all(|r| r.len() == 5),
            "every row as wide as the sheet"
        );

        let report = check_bytes(
            &bytes,
            Profile::builtin("whatsapp").expect("profile"),
            CheckOptions::default().with_business_name("Acme"),
            &mut Outputs::default(),
        )
        .expect("check");
        assert_eq!(report.summary.rows, 2);
        assert_eq!(report.file.blank_rows, 1_048_576 - 3);
    }

    #[test]
    fn many_far_apart_cells_are_refused_by_the_cell_limit_as_they_are_read() {
        // Column ALL is within the column limit; 25,000 rows as wide as it
        // would be 25 million cells.
        let far: String = (2..25_002)
            .map(|n| row(&[(&format!("ALL{n}"), "x")]))
            .collect();
        let bytes = workbook(&format!("{}{far}", header()));
        let (code, message) = refusal(read_xlsx(&bytes, &CheckOptions::default()));
        assert_eq!(code, Code::FileTooLarge);
        assert!(
            message.contains("spans more than 20,000,000 cells")
                && message.contains("20,001 rows with values")
                && message.contains("column ALL"),
            "{message}"
        );
        let raised = CheckOptions {
            limits: CheckLimits {
                max_cells: Some(30_000_000),
                ..CheckLimits::default()
            },
            ..CheckOptions::default()
        };
        let (_, records) = read_xlsx(&bytes, &raised).expect("within a raised limit");
        assert_eq!(records.len(), 25_001);
    }

    #[test]
    fn more_rows_than_the_limit_are_refused_as_they_are_read() {
        let rows: String = (2..40).map(contact).collect();
        let bytes = workbook(&format!("{}{rows}", header()));
        let options = CheckOptions {
            limits: CheckLimits {
                max_rows: Some(10),
                ..CheckLimits::default()
            },
            ..CheckOptions::default()
        };
        // Ten contacts and up to a hundred rows above the table fit.
        assert!(read_xlsx(&bytes, &options).is_ok());
        let options = CheckOptions {
            limits: CheckLimits {
                max_rows: Some(0),
                ..CheckLimits::default()
            },
            ..CheckOptions::default()
        };
        let rows: String = (2..120).map(contact).collect();
        let bytes = workbook(&format!("{}{rows}", header()));
        let (code, message) = refusal(read_xlsx(&bytes, &options));
        assert_eq!(code, Code::FileTooManyRows);
        assert!(message.contains("row 101 is one too many"), "{message}");
    }

    #[test]
    fn cells_out_of_order_are_put_in_place_and_the_later_of_two_wins() {
        let in_order = workbook(&format!("{}{}{}", header(), contact(2), contact(3)));
        let shuffled = workbook(&format!(
            "{}{}{}{}",
            header(),
            contact(3),
            // Row 2's cells right to left, and a first value for A2 that
            // the later one replaces.
            row(&[("A2", "wrong")]),
            row(&[
                ("E2", "whatsapp"),
                ("D2", "Yes to WhatsApp offers from Acme"),
                ("C2", "shop"),
                ("B2", "2025-03-05"),
                ("A2", "+44 7911 100002"),
            ])
        ));
        let options = CheckOptions::default();
        assert_eq!(
            read_xlsx(&shuffled, &options).expect("read"),
            read_xlsx(&in_order, &options).expect("read")
        );
    }

    #[test]
    fn formatted_empty_cells_far_away_add_nothing() {
        let styled = r#"<row r="1048576"><c r="XFD1048576" s="1"/></row>"#;
        let bytes = workbook(&format!("{}{}{styled}", header(), contact(2)));
        let (_, records) = read_xlsx(&bytes, &CheckOptions::default()).expect("read");
        assert_eq!(records.len(), 2);
        assert!(records.iter().all(|r| r.len() == 5));
    }

    #[test]
    fn blank_rows_count_as_they_do_in_the_same_list_as_csv() {
        // Blank rows inside the sampled first thousand rows and beyond them.
        let blank = |n: u32| n.is_multiple_of(7) || (1_200..1_260).contains(&n);
        let mut csv = HEADER.join(",");
        let mut sheet = header();
        for n in 2..2_000 {
            csv.push('\n');
            if !blank(n) {
                csv.push_str(&format!(
                    "+44 7911 {:06},2025-03-05,shop,Yes to WhatsApp offers from Acme,whatsapp",
                    100_000 + n
                ));
                sheet.push_str(&contact(n));
            }
        }
        csv.push('\n');
        let check = |bytes: &[u8]| {
            check_bytes(
                bytes,
                Profile::builtin("whatsapp").expect("profile"),
                CheckOptions::default().with_business_name("Acme"),
                &mut Outputs::default(),
            )
            .expect("check")
        };
        let from_csv = check(csv.as_bytes());
        let from_sheet = check(&workbook(&sheet));
        assert!(from_csv.file.blank_rows > 300);
        assert_eq!(from_sheet.file.blank_rows, from_csv.file.blank_rows);
        assert_eq!(from_sheet.summary, from_csv.summary);
    }
}
