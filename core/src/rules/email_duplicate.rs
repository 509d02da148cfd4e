//! `email.duplicate`: the same address is on an earlier clean row, compared
//! by its [`email_key`](crate::normalize::email::email_key) (the whole
//! address, ignoring case).
//!
//! Why: the contact would be stored twice and receive every mail twice.
//!
//! Example: `Ann@Example.com` on row 2 and `ann@example.COM` on row 9.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Seen, Value, check_duplicate};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::EmailDuplicate,
    fix: Fix::same("Delete this row, or merge what it adds into the row it duplicates."),
    needs: Needs::Role(Role::Email),
    check: Check::Set(check),
};

fn check(row: &Row<'_>, ctx: &Context, seen: &mut Seen, clean: bool, out: &mut Findings) {
    let Some(i) = ctx.field(Role::Email) else {
        return;
    };
    if let Value::Email(Ok(key)) = row.value(i) {
        check_duplicate(
            &mut seen.emails,
            key.clone(),
            row.record.row(),
            clean,
            |first| {
                out.error(
                    Code::EmailDuplicate,
                    row.column(i),
                    format!("{} is already on row {first}", row.raw[i]),
                );
            },
        );
    }
}
