//! `email.invalid`: the email address is malformed (no @, spaces, no domain).
//!
//! Why: mail to it bounces, and many bounces get the sender blocked.
//!
//! Example: `ana.example.com`.

use super::{Check, Context, Findings, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::EmailInvalid,
    fix: "Correct the address (name@example.com) or clear the cell if you do not have one.",
    needs: Needs::Role(Role::Email),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Email(Err(why)))) = row.role(ctx, Role::Email) {
        out.error(
            Code::EmailInvalid,
            row.column(i),
            format!("`{}` {why}", row.raw[i]),
        );
    }
}
