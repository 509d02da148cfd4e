//! `file.unreadable`: the bytes are not a list — a binary file, a damaged
//! workbook, a PDF renamed to .csv, a NUL byte inside a text export.
//!
//! Why: no row of such a file can be judged reliably, so nothing is imported
//! and the whole file is refused (exit code 2). Raised by the checker while
//! it reads.
//!
//! Example: `contacts.csv` that starts with `%PDF-1.7`.

use super::{Check, Fix, Needs, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::FileUnreadable,
    fix: Fix::same(
        "Export the list again from your tool as CSV (comma or semicolon separated) or as an Excel .xlsx workbook.",
    ),
    needs: Needs::Nothing,
    check: Check::File,
};
