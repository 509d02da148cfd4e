//! `phone.missing`: a required phone column is empty on this row (one that
//! may be blank, like Mongoose's WhatsAppMobileNumber, is not judged).
//!
//! Why: the phone number is the address the message goes to and the key the
//! contact is stored under.
//!
//! Example: a `whatsapp` row with an empty `phone`; a `mongoose` row with
//! both MobileNumber and WhatsAppMobileNumber blank.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::{FieldKind, Role};

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneMissing,
    fix: Fix::same(
        "Fill in the contact's mobile number with its country code (+44 7911 123456), or remove the row.",
    ),
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        let field = &ctx.profile.fields[i];
        if field.required && !field.may_be_blank && matches!(row.value(i), Value::Blank) {
            out.error(Code::PhoneMissing, row.column(i), missing(row, ctx, i));
        }
    }
}

/// "no MobileNumber", with what would have filled it where there is a
/// WhatsApp number to infer it from.
fn missing(row: &Row<'_>, ctx: &Context, i: usize) -> String {
    let name = &ctx.profile.fields[i].name;
    let whatsapp = (ctx.profile.fields[i].role == Some(Role::Phone))
        .then(|| ctx.field(Role::WhatsappNumber))
        .flatten();
    match whatsapp {
        Some(w) if row.text_at(w).is_some() => format!(
            "no {name}: choose \"infer mobile number\" to take it from {}",
            ctx.profile.fields[w].name
        ),
        Some(w) => format!("no {name} and no {}", ctx.profile.fields[w].name),
        None => format!("no {name}"),
    }
}
