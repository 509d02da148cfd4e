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
}

/// A channel a contact can consent to be messaged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// WhatsApp messages.
    Whatsapp,
    /// Text messages (SMS, MMS).
    Sms,
    /// Email.
    Email,
}

impl Channel {
    /// Every channel, in the order segments are chosen.
    pub const ALL: [Channel; 3] = [Channel::Whatsapp, Channel::Sms, Channel::Email];

    /// The lowercase name used in options and profiles (`sms`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Whatsapp => "whatsapp",
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }

    /// The name in a sentence (`SMS`).
    pub fn name(self) -> &'static str {
        match self {
            Channel::Whatsapp => "WhatsApp",
            Channel::Sms => "SMS",
            Channel::Email => "email",
        }
    }

    /// The channel a word of a channel cell names (`Text Message` → SMS).
    fn named_by(word: &str) -> Option<Channel> {
        // `squash(word) == name`, compared without building the string.
        let is = |names: &[&str]| names.iter().any(|n| squashed(word).eq(n.chars()));
        if is(&["whatsapp", "wa", "whatsappbusiness"]) {
            Some(Channel::Whatsapp)
        } else if is(&["sms", "text", "textmessage", "textmessages", "mms"]) {
            Some(Channel::Sms)
        } else if is(&["email", "mail", "newsletter"]) {
            Some(Channel::Email)
        } else {
            None
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channel::named_by(s.trim())
            .ok_or_else(|| format!("unknown channel `{s}`: use whatsapp, sms or email"))
    }
}

/// The channels one contact consented to: read from the row's channel cell,
/// or declared for the whole list. Empty when none is recorded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Channels(u8);

impl Channels {
    /// No channel recorded.
    pub const NONE: Channels = Channels(0);

    /// Just `channel`.
    pub fn only(channel: Channel) -> Channels {
        Channels(channel.bit())
    }

    /// Reads a channel cell such as `WhatsApp`, `sms;email` or `SMS and E-Mail`;
    /// words naming no channel are ignored.
    pub fn from_cell(cell: &str) -> Channels {
        cell.split([';', ',', '|', '/', '+', '&'])
            .flat_map(split_and)
            .filter_map(Channel::named_by)
            .fold(Channels::NONE, Channels::with)
    }

    /// These channels and `channel`.
    pub fn with(self, channel: Channel) -> Channels {
        Channels(self.0 | channel.bit())
    }

    /// Whether the contact consented to `channel`.
    pub fn contains(self, channel: Channel) -> bool {
        self.0 & channel.bit() != 0
    }

    /// Whether no channel is recorded.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The channels, in [`Channel::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Channel> {
        Channel::ALL.into_iter().filter(move |c| self.contains(*c))
    }

    /// The channels in a sentence: `SMS and email`, or `no recorded channel`.
    pub fn names(self) -> String {
        let names: Vec<&str> = self.iter().map(Channel::name).collect();
        match names.as_slice() {
            [] => Segment::Unknown.channel_name().to_owned(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// The segment file the contact belongs in: WhatsApp first, then SMS,
    /// then email.
    pub fn segment(self) -> Segment {
        if self.contains(Channel::Whatsapp) {
            Segment::Whatsapp
        } else if self.contains(Channel::Sms) {
            Segment::SmsOnly
        } else if self.contains(Channel::Email) {
            Segment::EmailOnly
        } else {
            Segment::Unknown
        }
    }
}

impl fmt::Display for Channels {
    /// `sms;email`: what [`FromStr`](std::str::FromStr) reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Channel::as_str).collect();
        f.write_str(&names.join(";"))
    }
}

impl std::str::FromStr for Channels {
    type Err = String;
    /// A declared list such as `sms` or `sms;email`: every part must name a channel.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split([';', ','])
            .filter(|part| !part.trim().is_empty())
            .try_fold(Channels::NONE, |all, part| Ok(all.with(part.parse()?)))
            .and_then(|all: Channels| {
                if all.is_empty() {
                    Err("no channel given: use whatsapp, sms or email".to_owned())
                } else {
                    Ok(all)
                }
            })
    }
}

impl Serialize for Channels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Channels {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Channels as their bits, none included (the text form refuses none):
/// how a judged row carries them between workers.
pub(crate) mod channel_bits {
    use super::Channels;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(channels: &Channels, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(channels.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Channels, D::Error> {
        u8::deserialize(d).map(Channels)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::squash;
    use proptest::prelude::*;

    /// The reading `from_cell` must keep: split, squash each part, look the
    /// word up.
    fn reference(cell: &str) -> Channels {
        let mut all = Channels::NONE;
        for word in cell
            .split([';', ',', '|', '/', '+', '&'])
            .flat_map(|p| p.split(" and "))
            .map(squash)
        {
            let channel = match word.as_str() {
                "whatsapp" | "wa" | "whatsappbusiness" => Channel::Whatsapp,
                "sms" | "text" | "textmessage" | "textmessages" | "mms" => Channel::Sms,
                "email" | "mail" | "newsletter" => Channel::Email,
                _ => continue,
            };
            all = all.with(channel);
        }
        all
    }

    proptest! {
        #[test]
        fn from_cell_agrees_with_the_reference(
            cell in "((WhatsApp|wa|SMS|Text Message|e-mail|News letter|and| and |mail|K|İ)[;,|/+& ]{0,2}){0,4}",
        ) {
            prop_assert_eq!(Channels::from_cell(&cell), reference(&cell));
        }
    }

    #[test]
    fn channel_cells_are_sets_of_channels() {
        let cell = |text| Channels::from_cell(text);
        assert_eq!(cell("WhatsApp").segment(), Segment::Whatsapp);
        assert_eq!(cell("sms; WhatsApp").segment(), Segment::Whatsapp);
        assert!(cell("sms; WhatsApp").contains(Channel::Sms));
        assert_eq!(cell("SMS and Email").segment(), Segment::SmsOnly);
        assert!(cell("SMS and Email").contains(Channel::Email));
        assert!(!cell("SMS and Email").contains(Channel::Whatsapp));
        assert_eq!(cell("E-Mail").segment(), Segment::EmailOnly);
        assert_eq!(cell(""), Channels::NONE);
        assert_eq!(cell("fax").segment(), Segment::Unknown);
        assert_eq!(cell("SMS and Email").names(), "SMS and email");
        assert_eq!(cell("fax").names(), "no recorded channel");
    }

    #[test]
    fn declared_channels_round_trip_and_refuse_unknown_words() {
        let both: Channels = "sms; Email".parse().expect("two channels");
        assert_eq!(both.to_string(), "sms;email");
        assert_eq!(both.to_string().parse(), Ok(both));
        assert_eq!(
            "fax".parse::<Channels>(),
            Err("unknown channel `fax`: use whatsapp, sms or email".to_owned())
        );
        assert!("".parse::<Channels>().is_err());
        assert_eq!(serde_json::to_string(&both).expect("json"), "\"sms;email\"");
    }
}
