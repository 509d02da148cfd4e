//! `staff.missing`: no StaffId on a row of a file that has the column
//! (warning), or no StaffId column at all (a notice for the whole file).
//!
//! Why: Mongoose clears the staff assignment of a contact imported without
//! a StaffId, so "send as assigned user" stops working for them; a merchant
//! who assigns contacts must keep supplying it on every import.
//!
//! Example: `StaffId` blank on a `mongoose` row, or a `mongoose` file without
//! the StaffId column.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::StaffMissing,
    fix: Fix::same(
        "Fill in each contact's StaffId (and keep supplying it on every import) if contacts are assigned to staff; leave it out only to clear the assignments.",
    ),
    needs: Needs::Role(Role::StaffId),
    check: Check::RowAndFile(check, notice),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let Some(i) = ctx.field(Role::StaffId) else {
        return;
    };
    if row.column(i).is_some() && row.text_at(i).is_none() {
        out.warning(
            Code::StaffMissing,
            row.column(i),
            "no StaffId: Mongoose will clear this contact's staff assignment",
        );
    }
}

fn notice(ctx: &Context, fields: &[Option<usize>]) -> Option<String> {
    let i = ctx.field(Role::StaffId)?;
    fields[i].is_none().then(|| {
        "the file has no StaffId column: Mongoose will clear the staff assignment of every contact it imports".to_owned()
    })
}
