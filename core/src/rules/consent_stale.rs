//! `consent.stale`: the latest sign of consent (opt-in or last message) is
//! older than the profile's window (US SMS: about 6 months).
//!
//! Why: contacts who have not heard from the sender for a long time no longer
//! expect messages; they report them as spam.
//!
//! Example: `opt_in_at = 2024-01-05` with no later message, checked under `sms-us` in December 2025.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentStale,
    fix: Fix::same(
        "Re-confirm consent with these contacts through another channel before importing them, or leave them out.",
    ),
    needs: Needs::AnyRole(&[Role::OptInAt, Role::LastMessageAt]),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let (Some(now), Some(days)) = (ctx.now, ctx.profile.stale_after_days) else {
        return;
    };
    let mut latest = None;
    let mut column = None;
    for role in [Role::OptInAt, Role::LastMessageAt] {
        if let Some((i, Value::Instant(Ok(at)))) = row.role(ctx, role)
            && latest.is_none_or(|l| *at > l)
        {
            latest = Some(*at);
            column = row.column(i);
        }
    }
    if let Some(at) = latest
        && now - at > chrono::Duration::days(i64::from(days))
    {
        out.error(
            Code::ConsentStale,
            column,
            format!(
                "last opt-in or message on {}, more than {days} days ago",
                at.format("%Y-%m-%d")
            ),
        );
    }
}
