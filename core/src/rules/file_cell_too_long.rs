//! `file.cell_too_long`: a cell longer than `max_cell_chars` (65,536 by
//! default); the refusal names its row and column.
//!
//! Why: almost always a quote that is never closed, which swallows the rows
//! after it into one cell: judging on would silently lose those contacts.
//! Raised by the checker on the record that holds the cell.
//!
//! Example: `"Ana,+447911123456,...` with no closing quote before the end of
//! the file.

use super::{Check, Fix, Needs, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::FileCellTooLong,
    fix: Fix::same(
        "Look for a quote (\") that is opened and never closed at the row named, fix it and export again.",
    ),
    needs: Needs::Nothing,
    check: Check::File,
};
