//! `consent.double_opt_in_before_opt_in`: the double opt-in confirmation is
//! dated before the opt-in it confirms.
//!
//! Why: a confirmation cannot precede the request; the dates are wrong, so the
//! double opt-in evidence is not credible.
//!
//! Example: `opt_in_at = 2025-03-05`, `double_opt_in_at = 2025-03-01`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::date::format_instant;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentDoubleOptInBeforeOptIn,
    fix: Fix::same(
        "Correct the opt-in or the confirmation date from your records (check for swapped day and month).",
    ),
    needs: Needs::Roles(&[Role::OptInAt, Role::DoubleOptInAt]),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let (Some((_, Value::Instant(Ok(opt_in)))), Some((i, Value::Instant(Ok(confirmed))))) = (
        row.role(ctx, Role::OptInAt),
        row.role(ctx, Role::DoubleOptInAt),
    ) else {
        return;
    };
    if confirmed < opt_in {
        out.error(
            Code::ConsentDoubleOptInBeforeOptIn,
            row.column(i),
            format!(
                "confirmed {} but opted in {}",
                format_instant(*confirmed),
                format_instant(*opt_in)
            ),
        );
    }
}
