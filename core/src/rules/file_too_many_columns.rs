//! `file.too_many_columns`: a row with more cells than `max_columns` (1,000
//! by default); the refusal names the row.
//!
//! Why: no contact list has that many fields; such a file is damaged or not
//! a list (often the wrong delimiter), and judging it would only waste
//! memory. Raised by the checker on the row that crosses the limit.
//!
//! Example: with `max_columns = 7`, a row of 8 cells.

use super::{Check, Fix, Needs, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::FileTooManyColumns,
    fix: Fix {
        cli: "Check that the file is a contact list and that the delimiter is right (--delimiter); delete empty columns and export again.",
        app: "Check that the file is a contact list and that the delimiter chosen on the Load step is right; delete empty columns and export again.",
    },
    needs: Needs::Nothing,
    check: Check::File,
};
