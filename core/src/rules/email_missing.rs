//! `email.missing`: the required email column is empty on this row.
//!
//! Why: for email imports the address is both where messages go and the key.
//!
//! Example: an `email-gdpr` row with an empty `email`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::EmailMissing,
    fix: Fix::same("Fill in the contact's email address, or remove the row."),
    needs: Needs::Role(Role::Email),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Blank)) = row.role(ctx, Role::Email)
        && ctx.profile.fields[i].required
    {
        out.error(Code::EmailMissing, row.column(i), "no email address");
    }
}
