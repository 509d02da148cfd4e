//! `consent.text_not_whatsapp`: the consent wording does not mention WhatsApp.
//!
//! Why: WhatsApp requires opt-in that names WhatsApp; consent to "news and
//! offers" or to SMS is not consent to WhatsApp messages.
//!
//! Example: `opt_in_text = "Yes, send me news and offers"`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule};
use crate::code::Code;
use crate::profile::Role;
use crate::text::squashed_contains;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentTextNotWhatsapp,
    fix: Fix::same(
        "Only import contacts whose opt-in wording named WhatsApp; collect new WhatsApp consent from the others.",
    ),
    needs: Needs::Role(Role::OptInText),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    // Contacts of other channels are set aside, not judged on WhatsApp wording.
    if !ctx.imports(row) {
        return;
    }
    let Some(text) = row.role_text(ctx, Role::OptInText) else {
        return;
    };
    if !squashed_contains(text, "whatsapp") {
        let i = ctx.field(Role::OptInText);
        out.error(
            Code::ConsentTextNotWhatsapp,
            i.and_then(|i| row.column(i)),
            "the consent wording does not mention WhatsApp",
        );
    }
}
