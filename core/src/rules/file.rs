//! File-level rules: the whole file is refused (exit code 2) and nothing is
//! imported, because no row could be judged reliably. The checker raises
//! these itself; this file holds their fix texts.

use super::{Check, Needs, Rule};
use crate::code::Code;

/// `file.unreadable`: the bytes are not a list (a binary file, a damaged
/// spreadsheet, a PDF renamed to .csv).
pub(super) const UNREADABLE: Rule = Rule {
    code: Code::FileUnreadable,
    fix: "Export the list again from your tool as CSV (comma or semicolon separated) or as an Excel .xlsx workbook.",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `file.empty`: no contact rows, only blank lines or a header.
pub(super) const EMPTY: Rule = Rule {
    code: Code::FileEmpty,
    fix: "Check that you exported the right list and that the export contains contacts below the header row.",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `file.too_large`: over the profile's size limit (Mongoose: 5 MB) or the
/// check's (`max_file_bytes`; for workbooks, `max_xlsx_bytes` unpacked).
pub(super) const TOO_LARGE: Rule = Rule {
    code: Code::FileTooLarge,
    fix: "Split the list into several smaller files and check each one.",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `file.too_many_rows`: more rows than allowed (Mongoose paste: 5,000;
/// any file: `max_rows`, 5,000,000 by default).
pub(super) const TOO_MANY_ROWS: Rule = Rule {
    code: Code::FileTooManyRows,
    fix: "Split the list into smaller files and check each one; a pasted list can instead be uploaded as a file.",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `file.too_many_columns`: a row with more cells than `max_columns`
/// (1,000 by default). Why: no contact list has that many fields; such a
/// file is damaged or not a list, and judging it would only waste memory.
pub(super) const TOO_MANY_COLUMNS: Rule = Rule {
    code: Code::FileTooManyColumns,
    fix: "Check that the file is a contact list and that the delimiter is right (--delimiter); delete empty columns and export again.",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `file.cell_too_long`: a cell longer than `max_cell_chars` (65,536 by
/// default). Why: almost always a quote that is never closed, which swallows
/// the rows after it into one cell.
pub(super) const CELL_TOO_LONG: Rule = Rule {
    code: Code::FileCellTooLong,
    fix: "Look for a quote (\") that is opened and never closed at the row named, fix it and export again.",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `header.missing_required`: a required field has no column, so every row
/// would fail; the file is refused once instead.
pub(super) const MISSING_REQUIRED: Rule = Rule {
    code: Code::HeaderMissingRequired,
    fix: "Add the missing column to the file, rename its header, or map it explicitly (--map field=Header).",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `header.duplicate`: two columns claim one field, so which one holds the
/// data is unknown.
pub(super) const DUPLICATE_HEADER: Rule = Rule {
    code: Code::HeaderDuplicate,
    fix: "Rename or delete one of the two columns, or map the right one explicitly (--map field=Header).",
    needs: Needs::Nothing,
    check: Check::File,
};

/// `header.too_many_custom_fields`: more unmapped columns than the target
/// platform stores (Mongoose: 25).
pub(super) const TOO_MANY_CUSTOM_FIELDS: Rule = Rule {
    code: Code::HeaderTooManyCustomFields,
    fix: "Delete the columns you do not need to import so that at most the allowed number of custom columns remain.",
    needs: Needs::Nothing,
    check: Check::File,
};
