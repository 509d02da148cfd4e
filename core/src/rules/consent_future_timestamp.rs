//! `consent.future_timestamp`: an opt-in or confirmation date after the moment
//! of the check.
//!
//! Why: consent cannot come from the future; the date is wrong (often a
//! day/month swap or a wrong year) and so is the evidence.

use super::{Check, Context, Findings, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::date::format_instant;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentFutureTimestamp,
    fix: "Correct the date: check the year and whether day and month are swapped.",
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let Some(now) = ctx.now else { return };
    for name in ["opt_in_at", "double_opt_in_at"] {
        if let Some((i, Value::Instant(Ok(at)))) = row.named(ctx, name)
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
