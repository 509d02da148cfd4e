//! `consent.not_sms_channel`: the contact did not consent to SMS (only to
//! WhatsApp or email, or to no channel recorded).
//!
//! Why: texting needs the contact's consent to texts (TCPA in the US); a
//! contact who agreed to e-mails or WhatsApp messages did not agree to SMS.
//! The row is not imported; when it has no other problem it goes to its
//! segment's file (whatsapp, email_only, unknown).
//!
//! Example: `opt_in_channel = "email"` under `sms-us`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, check_channel};
use crate::code::Code;
use crate::segment::Channel;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentNotSmsChannel,
    fix: Fix::same(
        "Text only the contacts who agreed to SMS, or ask the others for SMS consent first; map the channel column if it is missing (or declare the list's channel).",
    ),
    needs: Needs::Channel(Channel::Sms),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    check_channel(row, ctx, out, Channel::Sms);
}
