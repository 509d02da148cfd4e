//! `phone.invalid`: the number parses but does not exist in its country's
//! numbering plan (wrong length, unassigned prefix).
//!
//! Why: sending to invalid numbers fails, costs money and hurts the sender's
//! quality rating.
//!
//! Example: `+44 7911 12345` (one digit short).

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::phone::PhoneProblem;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneInvalid,
    fix: Fix::same("Check the number for a missing or extra digit and for the right country code."),
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        if let Value::Phone(Err(PhoneProblem::Invalid(why))) = row.value(i) {
            out.error(
                Code::PhoneInvalid,
                row.column(i),
                format!("`{}` {why}", row.raw[i]),
            );
        }
    }
}
