//! `file.empty`: no contact rows — only blank lines, or a header and nothing
//! below it.
//!
//! Why: an empty export is almost always the wrong export (a filtered view,
//! an empty segment); reporting "0 importable" would hide that. Raised by the
//! checker at the end of the file.
//!
//! Example: a file holding only `phone,opt_in_at`.

use super::{Check, Fix, Needs, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::FileEmpty,
    fix: Fix::same(
        "Check that you exported the right list and that the export contains contacts below the header row.",
    ),
    needs: Needs::Nothing,
    check: Check::File,
};
