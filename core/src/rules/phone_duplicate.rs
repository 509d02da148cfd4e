//! `phone.duplicate`: the same number (compared in E.164, so `07911 123456`
//! and `+44 7911 123456` match) is on an earlier clean row.
//!
//! Why: duplicates get the same message twice and double-count consent. The
//! first clean occurrence is kept; later ones name it. A profile with a
//! WhatsApp number column besides the phone (Mongoose) judges each column
//! on its own: no two contacts may share either number.
//!
//! Example: `07911 123456` (default region GB) on row 2 and `+44 7911 123456` on row 5.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Seen, Value, check_duplicate};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneDuplicate,
    fix: Fix::same("Delete this row, or merge what it adds into the row it duplicates."),
    needs: Needs::Role(Role::Phone),
    check: Check::Set(check),
};

fn check(row: &Row<'_>, ctx: &Context, seen: &mut Seen, clean: bool, out: &mut Findings) {
    let whatsapp = ctx.field(Role::WhatsappNumber);
    // The column is named only where two columns hold numbers.
    let two_columns = whatsapp.is_some_and(|w| row.column(w).is_some());
    let columns = [
        (ctx.field(Role::Phone), &mut seen.phones),
        (whatsapp, &mut seen.whatsapp_numbers),
    ];
    for (field, seen) in columns {
        let Some(i) = field else {
            continue;
        };
        if let Value::Phone(Ok(phone)) = row.value(i) {
            check_duplicate(seen, phone.key(), row.record.row(), clean, |first| {
                let message = if two_columns {
                    format!(
                        "{} is already on row {first} ({})",
                        phone.e164, ctx.profile.fields[i].name
                    )
                } else {
                    format!("{} is already on row {first}", phone.e164)
                };
                out.error(Code::PhoneDuplicate, row.column(i), message);
            });
        }
    }
}
