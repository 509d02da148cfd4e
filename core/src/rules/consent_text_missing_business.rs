//! `consent.text_missing_business`: a business name was given but the consent
//! wording does not name it.
//!
//! Why: consent is given to a business; wording that names another business
//! (or none) does not cover messages from this one.
//!
//! Example: `--business-name "Acme"` and `opt_in_text = "Yes to WhatsApp offers from Globex"`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule};
use crate::code::Code;
use crate::profile::Role;
use crate::text::{squash, squashed_contains};

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentTextMissingBusiness,
    fix: Fix::same(
        "Only import contacts whose opt-in wording named your business; check the business name you entered.",
    ),
    needs: Needs::Role(Role::OptInText),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let Some(business) = ctx.business_name.as_deref() else {
        return;
    };
    let Some(text) = row.role_text(ctx, Role::OptInText) else {
        return;
    };
    if !squashed_contains(text, &squash(business)) {
        let i = ctx.field(Role::OptInText);
        out.error(
            Code::ConsentTextMissingBusiness,
            i.and_then(|i| row.column(i)),
            format!("the consent wording does not name {business}"),
        );
    }
}
