//! `staff.unknown`: the StaffId is not one of the known staff ids given for
//! this import.
//!
//! Why: contacts assigned to a staff member who does not exist are invisible
//! to everyone in the target system.
//!
//! Example: `StaffId = ST-99` when the known staff are ST-1 to ST-7.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::StaffUnknown,
    fix: Fix::same("Use a StaffId that exists in your account, or leave the cell empty."),
    needs: Needs::Kind(FieldKind::Staff),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if ctx.known_staff.is_empty() {
        return;
    }
    for i in ctx.fields_of(FieldKind::Staff) {
        let Some(value) = row.text_at(i) else {
            continue;
        };
        if !ctx.known_staff.contains(value) {
            out.error(
                Code::StaffUnknown,
                row.column(i),
                format!("StaffId `{value}` is not a known staff member"),
            );
        }
    }
}
