//! `flag.invalid_boolean`: a yes/no column (opted out, WhatsAppOptedOut) holds
//! something other than true/false/yes/no/y/n/1/0 (only true/false/yes/no
//! where the profile reads flags strictly, as Mongoose does).
//!
//! Why: an unreadable opt-out flag could hide a withdrawal of consent, and
//! Mongoose fails a row whose flag is not false, true, no or yes.
//!
//! Example: `WhatsAppOptedOut = maybe`; `WhatsAppOptedOut = 1` under `mongoose`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::FlagInvalidBoolean,
    fix: Fix::same(
        "Write true or false, or yes or no (other profiles than mongoose also read y/n and 1/0).",
    ),
    needs: Needs::Kind(FieldKind::Boolean),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Boolean) {
        if let Value::Flag(None) = row.value(i) {
            out.error(
                Code::FlagInvalidBoolean,
                row.column(i),
                if ctx.profile.strict_flags {
                    format!(
                        "`{}` is not false, true, no or yes ({})",
                        row.raw[i], ctx.profile.fields[i].name
                    )
                } else {
                    format!(
                        "`{}` is not true or false ({})",
                        row.raw[i], ctx.profile.fields[i].name
                    )
                },
            );
        }
    }
}
