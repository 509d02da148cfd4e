//! A tenant's suppression list, as values that validate on construction:
//! what is suppressed (a phone in E.164 or an e-mail address, read with
//! core's normalisation), why, since when, and where the opt-out came
//! from; and the one policy: an opt-out later than a row's consent wins.

use chrono::{DateTime, SecondsFormat, Utc};
use listgate_core::normalize::email::normalize_email;
use listgate_core::normalize::phone::{PhoneProblem, PhoneRules, normalize_phone};
use listgate_core::profile::PhoneStyle;

/// The kinds of address and the origins of opt-outs, shared with the app
/// (the ledger's opt-out events carry them).
pub use listgate_api::{SuppressionKind, SuppressionOrigin};

/// A suppressed address: a phone in E.164 or an e-mail address in the form
/// the contact store keys it by (core's `email_key`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Suppressed {
    kind: SuppressionKind,
    value: String,
}

impl Suppressed {
    /// A phone as written by the tenant, read with core's normalisation:
    /// it must carry its country code. `Err` says what is wrong and how to
    /// write it.
    pub fn phone(raw: &str) -> Result<Suppressed, String> {
        let rules = PhoneRules {
            region: None,
            region_forced: false,
            nanp_only: false,
            allowed: Vec::new(),
            style: PhoneStyle::E164,
        };
        let text = raw.trim();
        match normalize_phone(text, &rules) {
            Ok(phone) => Ok(Suppressed {
                kind: SuppressionKind::Phone,
                value: phone.e164,
            }),
            Err(problem) => {
                let why = match problem {
                    PhoneProblem::NoCountryCode => "has no country code".to_owned(),
                    PhoneProblem::Unparseable(why)
                    | PhoneProblem::Invalid(why)
                    | PhoneProblem::NotAllowedCountry(why) => why,
                };
                Err(format!(
                    "`{text}` is not a phone number that can be suppressed ({why}): write it in international form with its country code, as +447911123456"
                ))
            }
        }
    }

    /// An e-mail address as written by the tenant: its shape checked by
    /// core, then trimmed and lower-cased.
    pub fn email(raw: &str) -> Result<Suppressed, String> {
        let text = raw.trim();
        normalize_email(text)
            .map(|value| Suppressed {
                kind: SuppressionKind::Email,
                value,
            })
            .map_err(|problem| {
                format!(
                    "`{text}` is not an e-mail address ({problem}): write the whole address, as ann@example.com"
                )
            })
    }

    /// A value already in canonical form (an E.164 phone or an address key
    /// the store derived), as the import and the database hold it.
    pub fn canonical(kind: SuppressionKind, value: String) -> Suppressed {
        Suppressed { kind, value }
    }

    /// Phone or e-mail.
    pub fn kind(&self) -> SuppressionKind {
        self.kind
    }

    /// The E.164 phone or the lower-cased address.
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// Why a contact is suppressed: free text of at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OptOutReason(String);

impl OptOutReason {
    /// The longest reason, in characters.
    pub const MAX_CHARS: usize = 200;

    /// A reason, trimmed; `Err` when it is longer than [`Self::MAX_CHARS`].
    pub fn parse(text: &str) -> Result<OptOutReason, String> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(format!(
                "the reason has {chars} characters; at most {} are kept, so shorten it",
                Self::MAX_CHARS
            ));
        }
        Ok(OptOutReason(text.to_owned()))
    }

    /// The reason.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One entry of the list: what, why, since when, from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The suppressed address.
    pub target: Suppressed,
    /// Why.
    pub reason: OptOutReason,
    /// When the contact opted out.
    pub suppressed_at: DateTime<Utc>,
    /// Who added it.
    pub origin: SuppressionOrigin,
}

/// How instants are stored: RFC 3339 in UTC.
pub fn stored_instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Why a row stopped by an opt-out made at `suppressed_at` fails at import.
pub fn opted_out_reason(suppressed_at: DateTime<Utc>) -> String {
    format!(
        "opted out on {}, after this consent",
        suppressed_at.format("%Y-%m-%d")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_with_cores_normalisation() {
        let phone = Suppressed::phone(" +44 7911 123456 ").unwrap();
        assert_eq!(
            (phone.kind(), phone.value()),
            (SuppressionKind::Phone, "+447911123456")
        );
        assert!(
            Suppressed::phone("07911 123456")
                .unwrap_err()
                .contains("country code")
        );
        assert!(
            Suppressed::phone("call me")
                .unwrap_err()
                .contains("+447911123456")
        );
        let email = Suppressed::email(" Ann@Example.COM ").unwrap();
        assert_eq!(email.value(), "ann@example.com");
        assert!(
            Suppressed::email("ann.example.com")
                .unwrap_err()
                .contains("no @")
        );
        assert!(OptOutReason::parse(&"x".repeat(201)).is_err());
        assert_eq!(OptOutReason::parse(" STOP ").unwrap().as_str(), "STOP");
    }

    #[test]
    fn names_match_what_is_stored() {
        for kind in SuppressionKind::ALL {
            assert_eq!(kind.as_str().parse::<SuppressionKind>(), Ok(*kind));
        }
        for origin in SuppressionOrigin::ALL {
            assert_eq!(origin.as_str().parse::<SuppressionOrigin>(), Ok(*origin));
        }
    }

    #[test]
    fn the_reason_names_the_opt_outs_date() {
        // Which opt-outs win is core's `suppress::opt_out_wins`.
        let opt_out = DateTime::parse_from_rfc3339("2025-03-01T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            opted_out_reason(opt_out),
            "opted out on 2025-03-01, after this consent"
        );
    }
}
