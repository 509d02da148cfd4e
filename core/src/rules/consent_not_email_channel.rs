//! `consent.not_email_channel`: the contact did not consent to email (only
//! to WhatsApp or SMS, or to no channel recorded).
//!
//! Why: GDPR consent is specific; a contact who agreed to WhatsApp messages
//! or texts did not agree to e-mails. The row is not imported; when it has
//! no other problem it goes to its segment's file (whatsapp, sms_only,
//! unknown). A list without a channel column counts as e-mail consent,
//! which the merchant confirms before submitting.
//!
//! Example: `opt_in_channel = "sms"` under `email-gdpr`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, check_channel};
use crate::code::Code;
use crate::segment::Channel;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentNotEmailChannel,
    fix: Fix::same(
        "E-mail only the contacts who agreed to email, or ask the others for email consent first; leave out the channel column only when every contact agreed to email.",
    ),
    needs: Needs::Channel(Channel::Email),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    check_channel(row, ctx, out, Channel::Email);
}
