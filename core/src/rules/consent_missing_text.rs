//! `consent.missing_text`: no consent wording on this row.
//!
//! Why: consent is only explicit if the contact saw words that say what they
//! agree to; the exact wording is part of the evidence.

use super::{Check, Context, Findings, Row, Rule, Value};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentMissingText,
    fix: "Fill in the exact text the contact agreed to, e.g. 'Yes, send me offers from Acme on WhatsApp'.",
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Blank)) = row.named(ctx, "opt_in_text")
        && ctx.profile.fields[i].required
    {
        out.error(
            Code::ConsentMissingText,
            row.column(i),
            "no consent wording",
        );
    }
}
