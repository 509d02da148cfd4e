//! `header.missing_required`: a required field (or every field of a
//! "one of these" group, like Mongoose's StudentId or ContactId) has no
//! column.
//!
//! Why: every row would fail on it, so the file is refused once, naming the
//! missing fields and the headers found, instead of listing the same error
//! on every row.
//!
//! Example: a `whatsapp` list without any opt-in date column.

use super::{Check, Fix, Header, Needs, Rule};
use crate::code::Code;
use crate::error::CheckError;

pub(super) const RULE: Rule = Rule {
    code: Code::HeaderMissingRequired,
    fix: Fix {
        cli: "Add the missing column to the file, rename its header, or map it explicitly (--map field=Header).",
        app: "Add the missing column to the file, rename its header, or choose the column for the field on the Map step.",
    },
    needs: Needs::Nothing,
    check: Check::Header(check),
};

fn check(header: &Header<'_>) -> Result<(), CheckError> {
    let profile = header.profile;
    let unmapped = |name: &str| {
        profile
            .fields
            .iter()
            .position(|f| f.name == name)
            .is_none_or(|i| header.fields[i].is_none())
    };
    let mut names: Vec<String> = profile
        .fields
        .iter()
        .filter(|f| f.required && unmapped(&f.name))
        .map(|f| f.name.clone())
        .collect();
    names.extend(
        profile
            .required_any
            .iter()
            .filter(|g| g.iter().all(|n| unmapped(n)))
            .map(|g| g.join(" or ")),
    );
    if names.is_empty() {
        return Ok(());
    }
    let how = if profile.exact_headers {
        "headers must be written exactly"
    } else {
        "no column looks like it"
    };
    Err(CheckError::refused(
        Code::HeaderMissingRequired,
        format!(
            "required column missing: {} ({how}; found: {})",
            names.join(", "),
            header.cells.join(", ")
        ),
    ))
}
