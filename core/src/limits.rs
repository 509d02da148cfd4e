//! The check's limits against damaged and hostile files: rows, cells per
//! row, characters per cell. A record past one is refused, naming its row
//! (and the cell's column).

use crate::code::Code;
use crate::error::{CheckError, Position};
use crate::options::{CheckOptions, DEFAULT_MAX_CELL_CHARS, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_ROWS};
use crate::records::Record;
use crate::text::{column_letter, thousands};

/// The limits one check applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) rows: u64,
    pub(crate) columns: usize,
    pub(crate) cell_chars: usize,
}

impl Limits {
    /// The options' limits, each defaulted.
    pub(crate) fn of(options: &CheckOptions) -> Limits {
        Limits {
            rows: options.limits.max_rows.unwrap_or(DEFAULT_MAX_ROWS),
            columns: options.limits.max_columns.unwrap_or(DEFAULT_MAX_COLUMNS),
            cell_chars: options
                .limits
                .max_cell_chars
                .unwrap_or(DEFAULT_MAX_CELL_CHARS),
        }
    }

    /// Refuses a record wider or with a longer cell than the limits, or
    /// holding a NUL character, naming its row (and the cell's column).
    pub(crate) fn check(&self, record: &Record) -> Result<(), CheckError> {
        self.check_width(record, "")?;
        if record.text().contains('\0') {
            let column = record.cells().position(|c| c.contains('\0')).unwrap_or(0);
            return Err(CheckError::refused_at(
                Code::FileUnreadable,
                Position::cell(record.row(), column),
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
                return Err(CheckError::refused_at(
                    Code::FileCellTooLong,
                    Position::cell(record.row(), column),
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

    /// A first record longer than the sample: refused now if what was read
    /// of it is already too wide (else the layout would be guessed from
    /// nothing).
    pub(crate) fn check_unfinished(&self, record: &Record) -> Result<(), CheckError> {
        self.check_width(record, " or more")?;
        self.check(record)
    }

    fn check_width(&self, record: &Record, counted_in: &str) -> Result<(), CheckError> {
        if record.len() <= self.columns {
            return Ok(());
        }
        Err(CheckError::refused_at(
            Code::FileTooManyColumns,
            Position::row(record.row()),
            format!(
                "row {} has {}{counted_in} cells; a list can have at most {}",
                record.row(),
                thousands(record.len() as u64),
                thousands(self.columns as u64)
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limits = Limits {
        rows: 10,
        columns: 3,
        cell_chars: 5,
    };

    fn position(result: Result<(), CheckError>) -> (Code, Option<Position>) {
        let error = result.expect_err("refused");
        (error.code().expect("a refusal"), error.position())
    }

    #[test]
    fn a_record_within_the_limits_passes() {
        assert!(
            SMALL
                .check(&Record::from_cells(4, &["ab", "héllo", ""]))
                .is_ok()
        );
    }

    #[test]
    fn refusals_name_the_row_and_the_cell() {
        assert_eq!(
            position(SMALL.check(&Record::from_cells(4, &["a", "b", "c", "d"]))),
            (Code::FileTooManyColumns, Some(Position::row(4)))
        );
        assert_eq!(
            position(SMALL.check(&Record::from_cells(9, &["a", "b\0", "c"]))),
            (Code::FileUnreadable, Some(Position::cell(9, 1)))
        );
        assert_eq!(
            position(SMALL.check(&Record::from_cells(2, &["a", "b", "abcdef"]))),
            (Code::FileCellTooLong, Some(Position::cell(2, 2)))
        );
    }

    #[test]
    fn characters_not_bytes_are_counted() {
        // Five characters, ten bytes: within a five-character limit.
        assert!(SMALL.check(&Record::from_cells(2, &["ééééé"])).is_ok());
    }

    #[test]
    fn an_unfinished_record_says_it_may_be_wider() {
        let error = SMALL
            .check_unfinished(&Record::from_cells(1, &["a", "b", "c", "d"]))
            .expect_err("refused");
        assert!(error.to_string().contains("4 or more cells"), "{error}");
    }

    #[test]
    fn unset_options_take_the_defaults() {
        let limits = Limits::of(&CheckOptions::default());
        assert_eq!(limits.rows, DEFAULT_MAX_ROWS);
        assert_eq!(limits.columns, DEFAULT_MAX_COLUMNS);
        assert_eq!(limits.cell_chars, DEFAULT_MAX_CELL_CHARS);
    }
}
