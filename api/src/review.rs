//! What a review looks at, per profile: the merchant's self-check before
//! Submit, and the reasons a reviewer can give for changes or a rejection.
//! WhatsApp's follow the Coco pages (four self-check questions, three
//! blockers); SMS's the Community page (TCPA wording, recency, age,
//! SMS-capable numbers); email's the isendu page (GDPR and profiling
//! consent). Formatting and proof apply to every list.

use crate::named_enum;
use listgate_core::{Channel, Profile};
use serde::{Deserialize, Serialize};

/// The kind of review a profile's lists get, by the channel they import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// WhatsApp marketing (whatsapp, and Mongoose's WhatsApp contacts).
    Whatsapp,
    /// SMS (sms-us).
    Sms,
    /// Email under GDPR (email-gdpr).
    Email,
}

impl ReviewKind {
    /// The review `profile`'s lists get: by the channel it imports; a
    /// profile for any channel (Mongoose) is a WhatsApp platform's.
    pub fn of(profile: &Profile) -> ReviewKind {
        match profile.channel {
            Some(Channel::Sms) => ReviewKind::Sms,
            Some(Channel::Email) => ReviewKind::Email,
            Some(Channel::Whatsapp) | None => ReviewKind::Whatsapp,
        }
    }

    /// The review of built-in profile `name`, when there is one.
    pub fn of_builtin(name: &str) -> Option<ReviewKind> {
        Profile::builtin(name).ok().map(|p| ReviewKind::of(&p))
    }

    /// The questions the merchant answers before Submit.
    pub fn self_check(self) -> &'static [SelfCheckQuestion] {
        use SelfCheckQuestion::*;
        match self {
            ReviewKind::Whatsapp => &[
                WordingNamesWhatsapp,
                TimestampAndSource,
                ChannelClarity,
                UnknownsExcluded,
            ],
            ReviewKind::Sms => &[
                WordingNamesSms,
                RecentSubscribers,
                AgeOrBirthDate,
                SmsCapableNumbers,
                TimestampAndSource,
            ],
            ReviewKind::Email => &[WordingNamesEmail, TimestampAndSource],
        }
    }

    /// The reasons a reviewer can give, blockers first.
    pub fn reasons(self) -> &'static [Reason] {
        use Reason::*;
        match self {
            ReviewKind::Whatsapp => &[
                NoExplicitWhatsappOptIn,
                InsufficientProof,
                MixedChannelConsent,
                Formatting,
            ],
            ReviewKind::Sms => &[
                NoSmsConsentWording,
                NotRecent,
                NoAgeOrBirthDate,
                NotSmsCapable,
                InsufficientProof,
                Formatting,
            ],
            ReviewKind::Email => &[NoGdprConsent, InsufficientProof, Formatting],
        }
    }

    /// Whether the merchant must confirm GDPR and profiling consent (the
    /// server refuses a submission without it).
    pub fn needs_gdpr_confirmation(self) -> bool {
        self == ReviewKind::Email
    }
}

/// A question of the merchant's self-check (the app shows message
/// `evidence.self_check.<key>` in the merchant's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SelfCheckQuestion {
    /// The consent wording names WhatsApp (and the business) explicitly.
    WordingNamesWhatsapp,
    /// Every contact has their own opt-in timestamp and source.
    TimestampAndSource,
    /// Contacts who agreed to SMS or email only are kept apart.
    ChannelClarity,
    /// Contacts with no recorded channel are left out.
    UnknownsExcluded,
    /// The consent wording names text messages (and the business), as TCPA requires.
    WordingNamesSms,
    /// Every contact was messaged within the past 6 months.
    RecentSubscribers,
    /// Every contact has an age or a date of birth.
    AgeOrBirthDate,
    /// The numbers are SMS-capable mobile numbers.
    SmsCapableNumbers,
    /// The consent wording names email (and the business).
    WordingNamesEmail,
}

named_enum!(SelfCheckQuestion {
    WordingNamesWhatsapp => "wording_names_whatsapp",
    TimestampAndSource => "timestamp_and_source",
    ChannelClarity => "channel_clarity",
    UnknownsExcluded => "unknowns_excluded",
    WordingNamesSms => "wording_names_sms",
    RecentSubscribers => "recent_subscribers",
    AgeOrBirthDate => "age_or_birth_date",
    SmsCapableNumbers => "sms_capable_numbers",
    WordingNamesEmail => "wording_names_email",
});

impl SelfCheckQuestion {
    /// The question in English, as reviewers read it.
    pub fn question(self) -> &'static str {
        match self {
            SelfCheckQuestion::WordingNamesWhatsapp => {
                "The consent wording names WhatsApp (and our business) explicitly."
            }
            SelfCheckQuestion::TimestampAndSource => {
                "Every contact has their own opt-in timestamp and source."
            }
            SelfCheckQuestion::ChannelClarity => {
                "Contacts who agreed to SMS or email only are kept apart from WhatsApp contacts."
            }
            SelfCheckQuestion::UnknownsExcluded => {
                "Contacts with no recorded channel are left out of the WhatsApp import."
            }
            SelfCheckQuestion::WordingNamesSms => {
                "The consent wording names text messages (SMS) and our business, as the TCPA requires."
            }
            SelfCheckQuestion::RecentSubscribers => {
                "Every contact was messaged within the past 6 months."
            }
            SelfCheckQuestion::AgeOrBirthDate => "Every contact has an age or a date of birth.",
            SelfCheckQuestion::SmsCapableNumbers => {
                "The numbers are SMS-capable mobile numbers, not landlines."
            }
            SelfCheckQuestion::WordingNamesEmail => {
                "The consent wording names email (and our business) explicitly."
            }
        }
    }
}

/// Why a list cannot be imported as it is: what a reviewer asks for when
/// requesting changes, or names when rejecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The consent wording or form does not name WhatsApp.
    NoExplicitWhatsappOptIn,
    /// The evidence does not show how and when contacts opted in.
    InsufficientProof,
    /// Contacts who agreed to SMS or email only are mixed in.
    MixedChannelConsent,
    /// The file does not follow the required format.
    Formatting,
    /// The wording is not a TCPA-compliant SMS opt-in.
    NoSmsConsentWording,
    /// Contacts were not messaged within the past 6 months.
    NotRecent,
    /// Ages or dates of birth are missing.
    NoAgeOrBirthDate,
    /// Numbers that cannot receive SMS are in the list.
    NotSmsCapable,
    /// GDPR and profiling consent is not shown.
    NoGdprConsent,
}

named_enum!(Reason {
    NoExplicitWhatsappOptIn => "no_explicit_whatsapp_opt_in",
    InsufficientProof => "insufficient_proof",
    MixedChannelConsent => "mixed_channel_consent",
    Formatting => "formatting",
    NoSmsConsentWording => "no_sms_consent_wording",
    NotRecent => "not_recent",
    NoAgeOrBirthDate => "no_age_or_birth_date",
    NotSmsCapable => "not_sms_capable",
    NoGdprConsent => "no_gdpr_consent",
});

impl Reason {
    /// The reason's name for reviewers.
    pub fn label(self) -> &'static str {
        match self {
            Reason::NoExplicitWhatsappOptIn => "No explicit WhatsApp opt-in",
            Reason::InsufficientProof => "Insufficient proof",
            Reason::MixedChannelConsent => "Mixed-channel consent",
            Reason::Formatting => "Formatting",
            Reason::NoSmsConsentWording => "No TCPA-compliant SMS opt-in",
            Reason::NotRecent => "Contacts not recent",
            Reason::NoAgeOrBirthDate => "No age or date of birth",
            Reason::NotSmsCapable => "Numbers not SMS-capable",
            Reason::NoGdprConsent => "No GDPR and profiling consent",
        }
    }

    /// What the merchant must provide or fix.
    pub fn what_is_missing(self) -> &'static str {
        match self {
            Reason::NoExplicitWhatsappOptIn => {
                "consent that names WhatsApp explicitly: show the opt-in wording contacts agreed to"
            }
            Reason::InsufficientProof => {
                "proof of opt-in: screenshots or a PDF of the form, with each contact's timestamp and source"
            }
            Reason::MixedChannelConsent => {
                "a list of WhatsApp-consented contacts only: leave SMS-only, email-only and unknown contacts out"
            }
            Reason::Formatting => {
                "a file in the required format: check it again with listgate and submit the clean file"
            }
            Reason::NoSmsConsentWording => {
                "SMS consent collected in a TCPA-compliant way: show the wording that names text messages and your business"
            }
            Reason::NotRecent => {
                "recent subscribers only: leave out contacts you have not messaged in the past 6 months"
            }
            Reason::NoAgeOrBirthDate => {
                "an age or date of birth for every contact, to confirm they are old enough"
            }
            Reason::NotSmsCapable => {
                "SMS-capable mobile numbers only: leave out landlines and numbers that cannot receive texts"
            }
            Reason::NoGdprConsent => {
                "proof of GDPR and profiling consent: the wording and form where contacts agreed to marketing e-mail"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_builtin_profile_has_its_channels_review() {
        let kinds: Vec<Option<ReviewKind>> = listgate_core::profile::BUILTIN_PROFILES
            .iter()
            .map(|name| ReviewKind::of_builtin(name))
            .collect();
        assert_eq!(
            kinds,
            [
                Some(ReviewKind::Whatsapp),
                Some(ReviewKind::Whatsapp),
                Some(ReviewKind::Sms),
                Some(ReviewKind::Email)
            ]
        );
        // An SMS merchant is never asked about WhatsApp.
        for kind in [ReviewKind::Sms, ReviewKind::Email] {
            assert!(
                !kind
                    .self_check()
                    .contains(&SelfCheckQuestion::WordingNamesWhatsapp)
            );
            assert!(!kind.reasons().contains(&Reason::NoExplicitWhatsappOptIn));
        }
        assert!(ReviewKind::Email.needs_gdpr_confirmation());
        assert!(!ReviewKind::Sms.needs_gdpr_confirmation());
    }
}
