//! `file.too_large`: the input is over the profile's size limit (Mongoose:
//! 5 MB) or the check's (`max_file_bytes`; for workbooks `max_xlsx_bytes`
//! unpacked, and `max_cells` rows times columns).
//!
//! Why: the platform refuses such an upload outright, and a workbook that
//! unpacks to gigabytes is a zip bomb or a damaged file. Raised by the
//! checker as soon as the limit is passed.
//!
//! Example: a 6 MB CSV under the `mongoose` profile.

use super::{Check, Fix, Needs, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::FileTooLarge,
    fix: Fix::same("Split the list into several smaller files and check each one."),
    needs: Needs::Nothing,
    check: Check::File,
};
