//! `consent.text_missing_business`: the consent wording does not name the
//! business. A profile that runs this rule refuses a check without a
//! business name ([`crate::CheckError::NeedsBusinessName`]).
//!
//! Why: consent is given to a business; wording that names another business
//! (or none) does not cover messages from this one, and Coco rejects it.
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
    // Contacts of other channels are set aside, not judged on this wording.
    if !ctx.imports(row) {
        return;
    }
    // Checker::new refused the check when the profile runs this without one.
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
