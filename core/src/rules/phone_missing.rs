//! `phone.missing`: a required phone column is empty on this row.
//!
//! Why: the phone number is the address the message goes to and the key the
//! contact is stored under.
//!
//! Example: a `whatsapp` row with an empty `phone`.

use super::{Check, Context, Findings, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneMissing,
    fix: "Fill in the contact's mobile number with its country code (+44 7911 123456), or remove the row.",
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        if ctx.profile.fields[i].required && matches!(row.value(i), Value::Blank) {
            out.error(
                Code::PhoneMissing,
                row.column(i),
                format!("no {}", ctx.profile.fields[i].name),
            );
        }
    }
}
