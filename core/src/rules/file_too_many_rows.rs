//! `file.too_many_rows`: more contact rows than allowed (a Mongoose paste:
//! 5,000; any file: `max_rows`, 5,000,000 by default).
//!
//! Why: the platform takes no more in one import, and one check must stay
//! within the memory of a browser tab. Raised by the checker at the first
//! row over the limit.
//!
//! Example: 5,001 rows pasted under the `mongoose` profile.

use super::{Check, Fix, Needs, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::FileTooManyRows,
    fix: Fix::same(
        "Split the list into smaller files and check each one; a pasted list can instead be uploaded as a file.",
    ),
    needs: Needs::Nothing,
    check: Check::File,
};
