//! `row.unclosed_quote`: a quoted cell that is never closed.
//!
//! Why: everything after the opening quote, to the end of the file, was read
//! as one cell, so the rows after it are missing.
//!
//! Example: `+447911123456,"Yes to WhatsApp` and no closing quote before the end of the file.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::RowUnclosedQuote,
    fix: Fix::same(
        "Close the quote on this row (or double quotes inside a quoted value: \"\" ) and check again.",
    ),
    needs: Needs::Nothing,
    check: Check::Row(check),
};

fn check(row: &Row<'_>, _: &Context, out: &mut Findings) {
    if row.record.has_unclosed_quote() {
        out.error(
            Code::RowUnclosedQuote,
            None,
            "a quoted cell starting on this row is never closed, so the rest of the file was read into it",
        );
    }
}
