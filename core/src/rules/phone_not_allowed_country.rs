//! `phone.not_allowed_country`: the number belongs to a country the profile
//! does not allow (US SMS: only +1 numbers; custom profiles: their list).
//!
//! Why: the sender is registered for some countries only; messages elsewhere
//! are blocked or unlawful.
//!
//! Example: `+44 7911 123456` under `sms-us`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::phone::PhoneProblem;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneNotAllowedCountry,
    fix: Fix::same(
        "Remove contacts from other countries, or import them with a profile for their country.",
    ),
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        if let Value::Phone(Err(PhoneProblem::NotAllowedCountry(why))) = row.value(i) {
            out.error(
                Code::PhoneNotAllowedCountry,
                row.column(i),
                format!("`{}` {why}", row.raw[i]),
            );
        }
    }
}
