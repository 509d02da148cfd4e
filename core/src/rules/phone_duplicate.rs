//! `phone.duplicate`: the same number (compared in E.164, so `07911 123456`
//! and `+44 7911 123456` match) is on an earlier clean row.
//!
//! Why: duplicates get the same message twice and double-count consent. The
//! first clean occurrence is kept; later ones name it.
//!
//! Example: `07911 123456` (default region GB) on row 2 and `+44 7911 123456` on row 5.

use super::{Check, Context, Findings, Needs, Row, Rule, Seen, Value, check_duplicate};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneDuplicate,
    fix: "Delete this row, or merge what it adds into the row it duplicates.",
    needs: Needs::Role(Role::Phone),
    check: Check::Set(check),
};

fn check(row: &Row<'_>, ctx: &Context, seen: &mut Seen, clean: bool, out: &mut Findings) {
    let Some(i) = ctx.field(Role::Phone) else {
        return;
    };
    if let Value::Phone(Ok(phone)) = row.value(i) {
        check_duplicate(
            &mut seen.phones,
            phone.key(),
            row.record.row(),
            clean,
            |first| {
                out.error(
                    Code::PhoneDuplicate,
                    row.column(i),
                    format!("{} is already on row {first}", phone.e164),
                );
            },
        );
    }
}
