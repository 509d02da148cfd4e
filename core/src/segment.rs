//! Consent segments: which channel a contact agreed to be messaged on.

use crate::text::squashed;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A contact's consent segment, read from the channel field alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Consented to WhatsApp (possibly among other channels).
    Whatsapp,
    /// Consented to SMS but not WhatsApp.
    SmsOnly,
    /// Consented to email only.
    EmailOnly,
    /// No recognisable channel.
    Unknown,
}

impl Segment {
    /// All segments in report order.
    pub const ALL: [Segment; 4] = [
        Segment::Whatsapp,
        Segment::SmsOnly,
        Segment::EmailOnly,
        Segment::Unknown,
    ];

    /// The name used in reports and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Whatsapp => "whatsapp",
            Segment::SmsOnly => "sms_only",
            Segment::EmailOnly => "email_only",
            Segment::Unknown => "unknown",
        }
    }

    /// What the segment means for the merchant.
    pub fn meaning(self) -> &'static str {
        match self {
            Segment::Whatsapp => "explicitly opted in to WhatsApp messages",
            Segment::SmsOnly => {
                "opted in to SMS, not WhatsApp: message them by SMS or ask for WhatsApp consent"
            }
            Segment::EmailOnly => "opted in to email only: do not message them on WhatsApp or SMS",
            Segment::Unknown => {
                "no channel recorded: collect channel-specific consent before messaging them"
            }
        }
    }

    /// The channel in a sentence: "the contact consented to …".
    pub fn channel_name(self) -> &'static str {
        match self {
            Segment::Whatsapp => "WhatsApp",
            Segment::SmsOnly => "SMS",
            Segment::EmailOnly => "email",
            Segment::Unknown => "no recorded channel",
        }
    }

    /// Reads a channel cell such as `WhatsApp`, `sms;email` or `E-Mail`.
    pub fn from_channels(cell: &str) -> Segment {
        let (mut whatsapp, mut sms, mut email) = (false, false, false);
        for part in cell
            .split([';', ',', '|', '/', '+', '&'])
            .flat_map(split_and)
        {
            // `squash(part) == word`, compared without building the string.
            let is = |words: &[&str]| words.iter().any(|w| squashed(part).eq(w.chars()));
            if is(&["whatsapp", "wa", "whatsappbusiness"]) {
                whatsapp = true;
            } else if is(&["sms", "text", "textmessage", "mms"]) {
                sms = true;
            } else if is(&["email", "mail", "newsletter"]) {
                email = true;
            }
        }
        if whatsapp {
            Segment::Whatsapp
        } else if sms {
            Segment::SmsOnly
        } else if email {
            Segment::EmailOnly
        } else {
            Segment::Unknown
        }
    }
}

/// `part.split(" and ")`, without building a substring searcher for every
/// cell (the channel column is read on every row).
fn split_and(part: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(part);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.as_bytes().windows(5).position(|w| w == b" and ") {
            Some(at) => {
                rest = Some(&text[at + 5..]);
                Some(&text[..at])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Segment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match Segment::from_channels(s) {
            Segment::Unknown if !s.eq_ignore_ascii_case("unknown") => {
                Err(format!("unknown channel `{s}`: use whatsapp, sms or email"))
            }
            segment => Ok(segment),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::squash;
    use proptest::prelude::*;

    /// The reading `from_channels` must keep: split, squash each part, look
    /// the word up.
    fn reference(cell: &str) -> Segment {
        let words: Vec<String> = cell
            .split([';', ',', '|', '/', '+', '&'])
            .flat_map(|p| p.split(" and "))
            .map(squash)
            .collect();
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        if has(&["whatsapp", "wa", "whatsappbusiness"]) {
            Segment::Whatsapp
        } else if has(&["sms", "text", "textmessage", "mms"]) {
            Segment::SmsOnly
        } else if has(&["email", "mail", "newsletter"]) {
            Segment::EmailOnly
        } else {
            Segment::Unknown
        }
    }

    proptest! {
        #[test]
        fn from_channels_agrees_with_the_reference(
            cell in "((WhatsApp|wa|SMS|Text Message|e-mail|News letter|and| and |mail|K|İ)[;,|/+& ]{0,2}){0,4}",
        ) {
            prop_assert_eq!(Segment::from_channels(&cell), reference(&cell));
        }
    }

    #[test]
    fn channel_cells_map_to_segments() {
        assert_eq!(Segment::from_channels("WhatsApp"), Segment::Whatsapp);
        assert_eq!(Segment::from_channels("sms; WhatsApp"), Segment::Whatsapp);
        assert_eq!(Segment::from_channels("SMS and Email"), Segment::SmsOnly);
        assert_eq!(Segment::from_channels("E-Mail"), Segment::EmailOnly);
        assert_eq!(Segment::from_channels(""), Segment::Unknown);
        assert_eq!(Segment::from_channels("fax"), Segment::Unknown);
    }
}
