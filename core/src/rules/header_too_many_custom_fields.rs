//! `header.too_many_custom_fields`: more named columns that feed no profile
//! field (custom fields) than the target platform stores (Mongoose: 25).
//!
//! Why: the platform refuses the upload, or drops the extra columns without
//! saying which.
//!
//! Example: a `mongoose` file with the required columns and 26 more.

use super::{Check, Fix, Header, Needs, Rule};
use crate::code::Code;
use crate::error::CheckError;

pub(super) const RULE: Rule = Rule {
    code: Code::HeaderTooManyCustomFields,
    fix: Fix::same(
        "Delete the columns you do not need to import so that at most the allowed number of custom columns remain.",
    ),
    needs: Needs::Nothing,
    check: Check::Header(check),
};

fn check(header: &Header<'_>) -> Result<(), CheckError> {
    let Some(max) = header.profile.max_custom_fields else {
        return Ok(());
    };
    let custom = header
        .cells
        .iter()
        .enumerate()
        .filter(|(c, h)| !h.is_empty() && !header.fields.contains(&Some(*c)))
        .count();
    if custom <= max {
        return Ok(());
    }
    Err(CheckError::refused(
        Code::HeaderTooManyCustomFields,
        format!(
            "{custom} custom columns; {} accepts at most {max}",
            header.profile.name
        ),
    ))
}
