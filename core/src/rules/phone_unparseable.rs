//! `phone.unparseable`: the phone cell is not a phone number at all (letters,
//! no digits, a number a spreadsheet turned into `4.47E+11`).
//!
//! Why: nothing can be sent to it, and guessing digits would message a stranger.
//!
//! Example: `4.47911E+11` or `call me`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::phone::PhoneProblem;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneUnparseable,
    fix: Fix::same(
        "Write the number with digits only, optionally with + and spaces, e.g. +44 7911 123456; format phone columns as text in spreadsheets.",
    ),
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        if let Value::Phone(Err(PhoneProblem::Unparseable(why))) = row.value(i) {
            out.error(
                Code::PhoneUnparseable,
                row.column(i),
                format!("`{}` {why}", row.raw[i]),
            );
        }
    }
}
