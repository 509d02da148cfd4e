//! `consent.not_whatsapp_channel`: the contact did not consent to WhatsApp
//! (only to SMS or email, or to no channel recorded).
//!
//! Why: consent is channel-specific. The row is not imported; when it has no
//! other problem it goes to its segment's file (sms_only, email_only,
//! unknown) so it can be used on the channel it consented to.
//!
//! Example: `opt_in_channel = "sms"` under `whatsapp`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, check_channel};
use crate::code::Code;
use crate::segment::Channel;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentNotWhatsappChannel,
    fix: Fix::same(
        "Message these contacts only on the channel they chose, or ask them for WhatsApp consent first; map the channel column if it is missing (or declare the list's channel).",
    ),
    needs: Needs::Channel(Channel::Whatsapp),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    check_channel(row, ctx, out, Channel::Whatsapp);
}
