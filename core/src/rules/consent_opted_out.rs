//! `consent.opted_out`: the contact opted out (unsubscribed, replied STOP).
//!
//! Why: messaging someone who withdrew consent is unlawful, whatever consent
//! they gave before.
//!
//! Example: `opted_out = yes`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentOptedOut,
    fix: Fix::same("Do not import this contact. Keep them on your suppression list."),
    needs: Needs::Role(Role::OptedOut),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Flag(Some(true)))) = row.role(ctx, Role::OptedOut) {
        out.error(
            Code::ConsentOptedOut,
            row.column(i),
            "the contact opted out",
        );
    }
}
