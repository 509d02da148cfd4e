//! Stable issue codes and severities.
//!
//! Codes are part of the public contract: tests, reports, the error file and
//! the HTTP API all use the dotted string form (`phone.invalid`).

use crate::segment::Channel;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The row is importable but flagged.
    Warning,
    /// The row is not importable.
    Error,
}

macro_rules! codes {
    ($( #[doc = $doc:literal] $variant:ident = $text:literal ),+ $(,)?) => {
        /// A stable issue code (see the README's rule reference).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( #[doc = $doc] $variant, )+
        }

        impl Code {
            /// Every code, in reference order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The dotted form used in reports, e.g. `phone.invalid`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)+ }
            }

            /// What the code means, in one sentence (its doc line; the
            /// README's rule table shows it).
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $doc.trim_start(),)+ }
            }
        }

        impl FromStr for Code {
            type Err = UnknownCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Code::$variant),)+
                    _ => Err(UnknownCode(s.to_owned())),
                }
            }
        }
    };
}

codes! {
    /// The file could not be read as a list at all.
    FileUnreadable = "file.unreadable",
    /// The file holds no contact rows.
    FileEmpty = "file.empty",
    /// The file is larger than the profile allows.
    FileTooLarge = "file.too_large",
    /// The file has more rows than the profile allows.
    FileTooManyRows = "file.too_many_rows",
    /// A row has more columns than a list can have.
    FileTooManyColumns = "file.too_many_columns",
    /// A cell is longer than any real value.
    FileCellTooLong = "file.cell_too_long",
    /// A required field has no column.
    HeaderMissingRequired = "header.missing_required",
    /// Two columns claim the same field.
    HeaderDuplicate = "header.duplicate",
    /// More custom columns than the profile allows.
    HeaderTooManyCustomFields = "header.too_many_custom_fields",
    /// A row has a different number of cells than the header.
    RowRagged = "row.ragged",
    /// A quoted cell is never closed before the end of the file.
    RowUnclosedQuote = "row.unclosed_quote",
    /// No phone number.
    PhoneMissing = "phone.missing",
    /// The phone cell is not a phone number.
    PhoneUnparseable = "phone.unparseable",
    /// The phone number does not exist in its country's numbering plan.
    PhoneInvalid = "phone.invalid",
    /// The phone number has no country code.
    PhoneNoCountryCode = "phone.no_country_code",
    /// The phone number is not a mobile number.
    PhoneNotMobile = "phone.not_mobile",
    /// The phone number cannot receive text messages.
    PhoneNotSmsCapable = "phone.not_sms_capable",
    /// The phone number's country is not allowed.
    PhoneNotAllowedCountry = "phone.not_allowed_country",
    /// The phone number appeared on an earlier row.
    PhoneDuplicate = "phone.duplicate",
    /// No contact id.
    IdMissing = "id.missing",
    /// The contact id appeared on an earlier row.
    IdDuplicate = "id.duplicate",
    /// No email address.
    EmailMissing = "email.missing",
    /// The email address is malformed.
    EmailInvalid = "email.invalid",
    /// The email address appeared on an earlier row.
    EmailDuplicate = "email.duplicate",
    /// A date could be read day-first or month-first.
    DateAmbiguous = "date.ambiguous",
    /// No opt-in timestamp.
    ConsentMissingTimestamp = "consent.missing_timestamp",
    /// The opt-in timestamp cannot be read.
    ConsentBadTimestamp = "consent.bad_timestamp",
    /// The opt-in timestamp lies in the future.
    ConsentFutureTimestamp = "consent.future_timestamp",
    /// The consent (or last message) is too old.
    ConsentStale = "consent.stale",
    /// No opt-in source.
    ConsentMissingSource = "consent.missing_source",
    /// No consent wording.
    ConsentMissingText = "consent.missing_text",
    /// The consent wording does not name WhatsApp.
    ConsentTextNotWhatsapp = "consent.text_not_whatsapp",
    /// The consent wording does not name the business.
    ConsentTextMissingBusiness = "consent.text_missing_business",
    /// The consent wording describes only service messages, not marketing.
    ConsentTextNotMarketing = "consent.text_not_marketing",
    /// The contact consented on another channel than WhatsApp.
    ConsentNotWhatsappChannel = "consent.not_whatsapp_channel",
    /// The contact did not consent to SMS.
    ConsentNotSmsChannel = "consent.not_sms_channel",
    /// The contact did not consent to email.
    ConsentNotEmailChannel = "consent.not_email_channel",
    /// The contact opted out.
    ConsentOptedOut = "consent.opted_out",
    /// The contact is on the tenant's suppression list, with no newer consent.
    ConsentSuppressed = "consent.suppressed",
    /// The double opt-in confirmation predates the opt-in.
    ConsentDoubleOptInBeforeOptIn = "consent.double_opt_in_before_opt_in",
    /// A +1 mobile number inferred from the WhatsApp number will be opted in for texts.
    ConsentInferredTextOptIn = "consent.inferred_text_opt_in",
    /// No date of birth or age.
    AgeMissing = "age.missing",
    /// The contact is younger than the minimum age.
    AgeUnderMinimum = "age.under_minimum",
    /// A yes/no cell holds something else.
    FlagInvalidBoolean = "flag.invalid_boolean",
    /// No StaffId: the platform clears the contact's staff assignment.
    StaffMissing = "staff.missing",
    /// The StaffId is not one of the known staff.
    StaffUnknown = "staff.unknown",
}

impl Code {
    /// Whether this code refuses the whole file rather than one row.
    pub fn is_file_level(self) -> bool {
        matches!(
            self,
            Code::FileUnreadable
                | Code::FileEmpty
                | Code::FileTooLarge
                | Code::FileTooManyRows
                | Code::FileTooManyColumns
                | Code::FileCellTooLong
                | Code::HeaderMissingRequired
                | Code::HeaderDuplicate
                | Code::HeaderTooManyCustomFields
        )
    }
}

impl Code {
    /// The code for a contact who did not consent to `channel`: its row is
    /// set aside in its segment's file rather than counted as rejected.
    pub fn not_channel(channel: Channel) -> Code {
        match channel {
            Channel::Whatsapp => Code::ConsentNotWhatsappChannel,
            Channel::Sms => Code::ConsentNotSmsChannel,
            Channel::Email => Code::ConsentNotEmailChannel,
        }
    }

    /// Whether a row with no error but this one is set aside (in its
    /// segment's file) instead of rejected.
    pub fn sets_aside(self) -> bool {
        Channel::ALL
            .into_iter()
            .any(|c| Code::not_channel(c) == self)
    }
}

/// A string that is not a known code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule code `{0}`")]
pub struct UnknownCode(pub String);

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_text() {
        for code in Code::ALL {
            assert_eq!(code.as_str().parse::<Code>(), Ok(*code));
        }
        assert!("phone.nope".parse::<Code>().is_err());
    }
}
