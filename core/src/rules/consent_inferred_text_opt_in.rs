//! `consent.inferred_text_opt_in`: a +1 MobileNumber inferred from the
//! WhatsApp number, on a row that does not say whether the contact opted out
//! of texts (warning).
//!
//! Why: Mongoose opts every contact with an inferred +1 MobileNumber in for
//! text messages unless the file says otherwise; a WhatsApp-only number that
//! cannot receive texts, or a contact who never agreed to them, would then be
//! texted.
//!
//! Example: `MobileNumber` blank, `WhatsAppMobileNumber = +1 201 555 0123`,
//! "infer mobile number" chosen, `OptedOut` blank or absent.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentInferredTextOptIn,
    fix: Fix::same(
        "Set OptedOut to yes for contacts who cannot receive text messages or did not agree to them; no for those who did.",
    ),
    needs: Needs::Roles(&[Role::Phone, Role::WhatsappNumber, Role::TextOptedOut]),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let (Some(phone), Some(opted_out)) = (ctx.field(Role::Phone), ctx.field(Role::TextOptedOut))
    else {
        return;
    };
    // Inferred: the cell is blank but the value is the WhatsApp number's.
    let inferred = ctx.infer_mobile_number && row.raw[phone].is_empty();
    if let Value::Phone(Ok(number)) = row.value(phone)
        && inferred
        && number.e164.starts_with("+1")
        && row.text_at(opted_out).is_none()
    {
        out.warning(
            Code::ConsentInferredTextOptIn,
            row.column(phone),
            format!(
                "MobileNumber {} is inferred from the WhatsApp number: Mongoose opts it in for text messages unless OptedOut says yes",
                number.e164
            ),
        );
    }
}
