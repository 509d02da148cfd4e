//! `phone.not_sms_capable`: the number is a toll-free, premium-rate,
//! shared-cost, VoIP, pager, UAN or voicemail number, which cannot be relied
//! on to receive text messages.
//!
//! Why: an SMS platform needs real SMS-capable numbers; texts to service
//! lines fail or are filtered, and a list full of them harms the sender's
//! standing. North American mobiles and landlines cannot be told apart, so
//! those stay accepted.
//!
//! Example: `+1 800 555 0199`, a toll-free number, under `sms-us`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneNotSmsCapable,
    fix: Fix::same(
        "Replace it with the contact's mobile number, or remove the row: service and VoIP numbers cannot receive texts.",
    ),
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        if let Value::Phone(Ok(phone)) = row.value(i)
            && !phone.line.takes_texts()
        {
            out.error(
                Code::PhoneNotSmsCapable,
                row.column(i),
                format!(
                    "{} is {}, which cannot receive text messages",
                    phone.e164,
                    phone.line.described()
                ),
            );
        }
    }
}
