//! `flag.invalid_boolean`: a yes/no column (opted out, WhatsAppOptedOut) holds
//! something other than true/false/yes/no/y/n/1/0.
//!
//! Why: an unreadable opt-out flag could hide a withdrawal of consent.
//!
//! Example: `WhatsAppOptedOut = maybe`.

use super::{Check, Context, Findings, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::FlagInvalidBoolean,
    fix: "Write true or false (yes/no, y/n and 1/0 are also read).",
    needs: Needs::Kind(FieldKind::Boolean),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Boolean) {
        if let Value::Flag(None) = row.value(i) {
            out.error(
                Code::FlagInvalidBoolean,
                row.column(i),
                format!(
                    "`{}` is not true or false ({})",
                    row.raw[i], ctx.profile.fields[i].name
                ),
            );
        }
    }
}
