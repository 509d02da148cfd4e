//! `consent.future_timestamp`: an opt-in or confirmation date after the moment
//! of the check.
//!
//! Why: consent cannot come from the future; the date is wrong (often a
//! day/month swap or a wrong year) and so is the evidence.
//!
//! Example: `opt_in_at = 2031-01-05` in a check run in 2025.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::date::format_instant;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentFutureTimestamp,
    fix: Fix::same("Correct the date: check the year and whether day and month are swapped."),
    needs: Needs::AnyRole(&[Role::OptInAt, Role::DoubleOptInAt]),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let Some(now) = ctx.now else { return };
    for role in [Role::OptInAt, Role::DoubleOptInAt] {
        if let Some((i, Value::Instant(Ok(at)))) = row.role(ctx, role)
            && *at > now
        {
            out.error(
                Code::ConsentFutureTimestamp,
                row.column(i),
                format!(
                    "{} is after the time of this check ({})",
                    format_instant(*at),
                    format_instant(now)
                ),
            );
        }
    }
}
