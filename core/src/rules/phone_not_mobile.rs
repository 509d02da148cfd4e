//! `phone.not_mobile`: a valid number that is a landline, toll-free or other
//! non-mobile number (warning).
//!
//! Why: most such numbers cannot receive WhatsApp or SMS messages; the row is
//! importable but likely to fail delivery.
//!
//! Example: `+44 20 7946 0958`, a London landline.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneNotMobile,
    fix: Fix::same(
        "Replace it with the contact's mobile number if you have it; otherwise leave it and expect delivery failures.",
    ),
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        if let Value::Phone(Ok(phone)) = row.value(i)
            && !phone.line.may_be_mobile()
        {
            out.warning(
                Code::PhoneNotMobile,
                row.column(i),
                format!(
                    "{} is {}, not a mobile number",
                    phone.e164,
                    phone.line.described()
                ),
            );
        }
    }
}
