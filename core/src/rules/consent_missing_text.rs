//! `consent.missing_text`: no consent wording on this row.
//!
//! Why: consent is only explicit if the contact saw words that say what they
//! agree to; the exact wording is part of the evidence.
//!
//! Example: a `whatsapp` row with an empty `opt_in_text`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentMissingText,
    fix: Fix::same(
        "Fill in the exact text the contact agreed to, e.g. 'Yes, send me offers from Acme on WhatsApp'.",
    ),
    needs: Needs::Role(Role::OptInText),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Blank)) = row.role(ctx, Role::OptInText)
        && ctx.profile.fields[i].required
    {
        out.error(
            Code::ConsentMissingText,
            row.column(i),
            "no consent wording",
        );
    }
}
