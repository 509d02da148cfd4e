//! `email.missing`: the required email column is empty on this row.
//!
//! Why: for email imports the address is both where messages go and the key.

use super::{Check, Context, Findings, Row, Rule, Value};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::EmailMissing,
    fix: "Fill in the contact's email address, or remove the row.",
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Blank)) = row.named(ctx, "email")
        && ctx.profile.fields[i].required
    {
        out.error(Code::EmailMissing, row.column(i), "no email address");
    }
}
