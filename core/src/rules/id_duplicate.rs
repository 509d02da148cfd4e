//! `id.duplicate`: the contact id is on an earlier clean row.
//!
//! Why: two rows for one id overwrite each other during the import, and which
//! one wins depends on batch order.
//!
//! Example: `ContactId = C-1001` on rows 2 and 7 of a `mongoose` file.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Seen, Value, check_duplicate};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::IdDuplicate,
    fix: Fix::same("Keep one row per id: delete this row or merge it into the earlier one."),
    needs: Needs::Kind(FieldKind::Id),
    check: Check::Set(check),
};

fn check(row: &Row<'_>, ctx: &Context, seen: &mut Seen, clean: bool, out: &mut Findings) {
    // Each id field is its own key: a repeated ContactId is a duplicate even
    // when the StudentIds differ.
    let ids: Vec<usize> = ctx.fields_of(FieldKind::Id).collect();
    for i in ids
        .into_iter()
        .filter(|&i| matches!(row.value(i), Value::Text))
    {
        let name = &ctx.profile.fields[i].name;
        let key = format!("{name}={}", row.raw[i]);
        check_duplicate(&mut seen.ids, key, row.record.row(), clean, |first| {
            out.error(
                Code::IdDuplicate,
                row.column(i),
                format!("{name} `{}` is already on row {first}", row.raw[i]),
            );
        });
    }
}
