//! `consent.missing_source`: no opt-in source (where consent was collected).
//!
//! Why: reviewers and platforms ask where each subscriber signed up (a form
//! URL, a shop, an event); without it consent cannot be verified.
//!
//! Example: a `whatsapp` row with an empty `opt_in_source`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentMissingSource,
    fix: Fix::same(
        "Fill in where the contact opted in, e.g. https://shop.example/signup or 'in-store tablet'.",
    ),
    needs: Needs::Role(Role::OptInSource),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Blank)) = row.role(ctx, Role::OptInSource)
        && ctx.profile.fields[i].required
    {
        out.error(
            Code::ConsentMissingSource,
            row.column(i),
            "no opt-in source",
        );
    }
}
