//! `consent.suppressed`: the contact's number or address is on the
//! tenant's suppression list, and the row's consent is not newer than the
//! opt-out (error).
//!
//! Why: an opt-out stays an opt-out. Importing the contact again from an
//! old export re-subscribes someone who asked to hear nothing more, which
//! is unlawful and what platforms suspend accounts for.
//!
//! Example: `+44 7911 123456` replied STOP on 2025-06-01; the list says it
//! opted in on 2025-03-05.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::{FieldKind, Role};
use crate::suppress::Suppression;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentSuppressed,
    fix: Fix::same(
        "Do not import this contact: they opted out after this consent. Delete the row; import it only with consent given after the opt-out.",
    ),
    needs: Needs::Nothing,
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if ctx.suppressions.is_empty() {
        return;
    }
    let consented = match row.role(ctx, Role::OptInAt) {
        Some((_, Value::Instant(Ok(at)))) => Some(*at),
        _ => None,
    };
    let mut held = |i: usize, what: &str, suppression: &Suppression| {
        if suppression.holds_back(consented) {
            let since = suppression
                .since
                .map(|d| format!(" on {}", d.format("%Y-%m-%d")))
                .unwrap_or_default();
            let reason = match suppression.reason.trim() {
                "" => String::new(),
                reason => format!(" ({reason})"),
            };
            out.error(
                Code::ConsentSuppressed,
                row.column(i),
                format!("{what} opted out{since}{reason}, after this consent"),
            );
        }
    };
    for i in ctx.fields_of(FieldKind::Phone) {
        if let Value::Phone(Ok(phone)) = row.value(i)
            && let Some(suppression) = ctx.suppressions.phone(&phone.e164)
        {
            held(i, &phone.e164, suppression);
        }
    }
    for i in ctx.fields_of(FieldKind::Email) {
        if let Value::Email(Ok(email)) = row.value(i)
            && let Some(suppression) = ctx.suppressions.email(email)
        {
            held(i, email, suppression);
        }
    }
}
