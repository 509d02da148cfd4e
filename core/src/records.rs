//! Streaming delimited-text record reader (RFC 4180 with real-world quirks).
//!
//! - quoted fields may hold delimiters, doubled quotes and newlines;
//! - `\n`, `\r\n` and lone `\r` all end a record, mixed freely;
//! - a quote inside an unquoted field is kept as text, and text after a
//!   closing quote is appended to the field, rather than failing the file;
//! - a blank line is a record with one empty field, so row numbers match
//!   what a spreadsheet shows;
//! - a quote left open at the end of input is flagged on the record.
//!
//! Every value stays text: nothing is trimmed or typed here.

/// One record: its cells and its position.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    row: u64,
    text: String,
    ends: Vec<usize>,
    unclosed_quote: bool,
}

impl Record {
    /// A record from cells (used for spreadsheets and tests).
    pub fn from_cells<S: AsRef<str>>(row: u64, cells: &[S]) -> Self {
        let mut record = Record {
            row,
            ..Record::default()
        };
        for cell in cells {
            record.text.push_str(cell.as_ref());
            record.ends.push(record.text.len());
        }
        record
    }

    /// A record with no cells yet at 1-based `row` (workbook rows are built
    /// cell by cell).
    pub(crate) fn at_row(row: u64) -> Self {
        Record {
            row,
            ..Record::default()
        }
    }

    /// A row of `width` empty cells at 1-based `row`.
    pub(crate) fn blank(row: u64, width: usize) -> Self {
        let mut record = Record::at_row(row);
        record.pad_to(width);
        record
    }

    /// Appends a cell.
    pub(crate) fn push_cell(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// Appends empty cells until the record has `width` cells.
    pub(crate) fn pad_to(&mut self, width: usize) {
        if self.ends.len() < width {
            self.ends.resize(width, self.text.len());
        }
    }

    /// The 1-based row number a spreadsheet shows for this record.
    pub fn row(&self) -> u64 {
        self.row
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Its cells one after another, without delimiters.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the record has no cells.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The cell at `index`, if the record has one.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(&self.text[start..end])
    }

    /// The cells in order.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Whether every cell is empty or whitespace (a blank spreadsheet row).
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Whether a quoted cell ran to the end of the input unclosed.
    pub fn has_unclosed_quote(&self) -> bool {
        self.unclosed_quote
    }

    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
        self.unclosed_quote = false;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    StartRecord,
    StartField,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// Splits decoded text into records, across chunk boundaries.
#[derive(Debug)]
pub struct RecordReader {
    delimiter: u8,
    quote: u8,
    state: State,
    skip_lf: bool,
    record: Record,
    rows: u64,
}

impl RecordReader {
    /// A reader for `delimiter` with `"` as the quote character.
    pub fn new(delimiter: u8) -> Self {
        RecordReader {
            delimiter,
            quote: b'"',
            state: State::StartRecord,
            skip_lf: false,
            record: Record::default(),
            rows: 0,
        }
    }

    /// A reader for a range of a file that starts at a record boundary with
    /// `records_before` records before it (the cuts of `split`): its rows
    /// are numbered as one reader of the whole file numbers them.
    pub fn continuing(delimiter: u8, records_before: u64) -> Self {
        RecordReader {
            rows: records_before,
            ..RecordReader::new(delimiter)
        }
    }

    /// The record being read: its finished cells, numbered as it will be.
    pub fn pending(&self) -> Record {
        Record {
            row: self.rows + 1,
            ..self.record.clone()
        }
    }

    /// Reads `text`, calling `emit` for every completed record.
    pub fn feed(&mut self, text: &str, emit: &mut impl FnMut(&Record)) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if self.skip_lf {
                self.skip_lf = false;
                if b == b'\n' {
                    i += 1;
                    continue;
                }
            }
            match self.state {
                State::StartRecord | State::StartField => {
                    if b == self.quote {
                        self.state = State::Quoted;
                        i += 1;
                    } else if b == self.delimiter {
                        self.end_field();
                        self.state = State::StartField;
                        i += 1;
                    } else if b == b'\n' || b == b'\r' {
                        self.end_record(b, emit);
                        i += 1;
                    } else {
                        self.state = State::Unquoted;
                    }
                }
                State::Unquoted => {
                    let run = bytes[i..]
                        .iter()
                        .position(|&c| c == self.delimiter || c == b'\n' || c == b'\r')
                        .unwrap_or(bytes.len() - i);
                    self.record.text.push_str(&text[i..i + run]);
                    i += run;
                    if i < bytes.len() {
                        let b = bytes[i];
                        if b == self.delimiter {
                            self.end_field();
                            self.state = State::StartField;
                        } else {
                            self.end_record(b, emit);
                        }
                        i += 1;
                    }
                }
                State::Quoted => {
                    let run = bytes[i..]
                        .iter()
                        .position(|&c| c == self.quote)
                        .unwrap_or(bytes.len() - i);
                    self.record.text.push_str(&text[i..i + run]);
                    i += run;
                    if i < bytes.len() {
                        self.state = State::QuoteInQuoted;
                        i += 1;
                    }
                }
                State::QuoteInQuoted => {
                    if b == self.quote {
                        self.record.text.push('"');
                        self.state = State::Quoted;
                        i += 1;
                    } else if b == self.delimiter {
                        self.end_field();
                        self.state = State::StartField;
                        i += 1;
                    } else if b == b'\n' || b == b'\r' {
                        self.end_record(b, emit);
                        i += 1;
                    } else {
                        // Text after a closing quote: keep it, leniently.
                        self.state = State::Unquoted;
                    }
                }
            }
        }
    }

    /// Ends the input, emitting the last record if it has no line end.
    pub fn finish(&mut self, emit: &mut impl FnMut(&Record)) {
        match self.state {
            State::StartRecord => {}
            State::Quoted => {
                self.record.unclosed_quote = true;
                self.end_record(b'\n', emit);
            }
            _ => self.end_record(b'\n', emit),
        }
    }

    /// How many records were emitted so far (blank lines included).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn end_field(&mut self) {
        self.record.ends.push(self.record.text.len());
    }

    fn end_record(&mut self, terminator: u8, emit: &mut impl FnMut(&Record)) {
        self.end_field();
        self.rows += 1;
        self.record.row = self.rows;
        emit(&self.record);
        self.record.clear();
        self.state = State::StartRecord;
        self.skip_lf = terminator == b'\r';
    }
}

/// Reads a whole text at once (for sniffing samples and tests).
pub fn read_all(text: &str, delimiter: u8, complete: bool) -> Vec<Record> {
    let mut reader = RecordReader::new(delimiter);
    let mut out = Vec::new();
    reader.feed(text, &mut |r| out.push(r.clone()));
    if complete {
        reader.finish(&mut |r| out.push(r.clone()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str, chunk: usize) -> Vec<(u64, Vec<String>, bool)> {
        let mut reader = RecordReader::new(b',');
        let mut out = Vec::new();
        let mut emit = |r: &Record| {
            out.push((
                r.row(),
                r.cells().map(String::from).collect(),
                r.has_unclosed_quote(),
            ))
        };
        let mut start = 0;
        while start < text.len() {
            let mut end = (start + chunk).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            reader.feed(&text[start..end], &mut emit);
            start = end;
        }
        reader.finish(&mut emit);
        out
    }

    #[test]
    fn quoted_delimiters_quotes_and_newlines_survive_any_chunking() {
        let text = "a,\"b,\"\"c\"\"\nd\",e\r\n\"\",f";
        for chunk in 1..text.len() + 1 {
            assert_eq!(
                cells(text, chunk),
                vec![
                    (1, vec!["a".into(), "b,\"c\"\nd".into(), "e".into()], false),
                    (2, vec!["".into(), "f".into()], false),
                ],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn mixed_line_endings_and_blank_lines_keep_spreadsheet_rows() {
        let out = cells("a\r\n\rb\n\nc", 2);
        let rows: Vec<_> = out.iter().map(|(row, c, _)| (*row, c.join("|"))).collect();
        assert_eq!(
            rows,
            vec![
                (1, "a".into()),
                (2, "".into()),
                (3, "b".into()),
                (4, "".into()),
                (5, "c".into())
            ]
        );
    }

    #[test]
    fn stray_and_unclosed_quotes_are_kept_not_fatal() {
        let out = cells("5\" screen,x\n\"open,y\nz", 3);
        assert_eq!(out[0].1, vec!["5\" screen", "x"]);
        assert_eq!(out[1].1, vec!["open,y\nz"]);
        assert!(out[1].2, "unclosed quote is flagged");
    }

    #[test]
    fn values_stay_text() {
        let out = cells("007,+44 7911 123456,0044", 100);
        assert_eq!(out[0].1, vec!["007", "+44 7911 123456", "0044"]);
    }
}
