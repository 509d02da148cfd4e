//! `consent.not_whatsapp_channel`: the contact consented on another channel
//! (SMS, email) or on none recorded.
//!
//! Why: consent is channel-specific. The row is not imported; when it has no
//! other problem it goes to its segment's file (sms_only, email_only,
//! unknown) so it can be used on the channel it consented to.
//!
//! Example: `opt_in_channel = "sms"` under `whatsapp`.

use super::{Check, Context, Findings, Needs, Row, Rule};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentNotWhatsappChannel,
    fix: "Message these contacts only on the channel they chose, or ask them for WhatsApp consent first; map the channel column if it is missing (or declare the list's channel).",
    needs: Needs::Nothing,
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if ctx.profile.importable_segments.contains(&row.segment) {
        return;
    }
    let column = ctx.field(Role::OptInChannel).and_then(|i| row.column(i));
    let message = if ctx.channel_mapped {
        format!(
            "the contact consented to {}, not WhatsApp: set aside in {}.csv",
            row.segment.channel_name(),
            row.segment
        )
    } else {
        "no channel column, so consent for WhatsApp is not shown: set aside in unknown.csv"
            .to_owned()
    };
    out.error(Code::ConsentNotWhatsappChannel, column, message);
}
