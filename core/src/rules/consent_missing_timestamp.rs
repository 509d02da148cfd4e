//! `consent.missing_timestamp`: no opt-in date on this row.
//!
//! Why: consent must be provable per subscriber; without the moment it was
//! given, it cannot be shown to be current or to predate the first message.
//!
//! Example: a `whatsapp` row with an empty `opt_in_at`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentMissingTimestamp,
    fix: Fix::same(
        "Fill in when the contact opted in (date and time, e.g. 2025-03-05 14:30) from your signup records.",
    ),
    needs: Needs::Role(Role::OptInAt),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Blank)) = row.role(ctx, Role::OptInAt) {
        out.error(
            Code::ConsentMissingTimestamp,
            row.column(i),
            "no opt-in date",
        );
    }
}
