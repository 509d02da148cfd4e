//! `id.missing`: no contact id (Mongoose: neither StudentId nor ContactId).
//!
//! Why: the import updates contacts by id; a row without one cannot be matched
//! and would create an orphan contact.
//!
//! Example: a `mongoose` row with both StudentId and ContactId empty.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::IdMissing,
    fix: Fix::same("Fill in the contact's StudentId or ContactId from your system."),
    needs: Needs::Kind(FieldKind::Id),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let mut mapped = ctx
        .fields_of(FieldKind::Id)
        .filter(|&i| !matches!(row.value(i), Value::Unmapped))
        .peekable();
    let Some(&first) = mapped.peek() else { return };
    if mapped.all(|i| matches!(row.value(i), Value::Blank)) {
        let names: Vec<&str> = ctx
            .fields_of(FieldKind::Id)
            .map(|i| ctx.profile.fields[i].name.as_str())
            .collect();
        out.error(
            Code::IdMissing,
            row.column(first),
            format!("no {}", names.join(" or ")),
        );
    }
}
