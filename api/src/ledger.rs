//! The consent ledger as the API shows it: every event of a contact's
//! consent (imported, opted out, refused at import, opt-out lifted,
//! confirmed or opted out on the platform), oldest first, each with the
//! consent the row gave, the submission with its evidence and approval, or
//! the opt-out; the suppression list's kinds and origins, which the
//! ledger's opt-out events carry; and a contact's consent state, which the
//! messaging platform reports changes of.

use crate::named_enum;
use crate::status::Verdict;
use listgate_core::Channel;
use serde::{Deserialize, Serialize};

/// What happened to a contact's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentEventKind {
    /// An import wrote the contact with the consent its row gave.
    Imported,
    /// The contact opted out: added by the tenant, or carried by an imported row.
    OptedOut,
    /// An import did not write the contact: its row failed (an opt-out
    /// later than its consent, or a number that may not change).
    Refused,
    /// An opt-out came off the list: the tenant removed it, or an imported
    /// row's newer consent replaced it.
    OptOutRemoved,
    /// The messaging platform reported that the contact confirmed: it
    /// completed the opt-in the platform asked it for (Community's welcome
    /// message and its opt-in link).
    Confirmed,
    /// The messaging platform reported that the contact opted out there;
    /// the opt-out is on the tenant's suppression list too.
    OptedOutOnPlatform,
}

named_enum!(ConsentEventKind {
    Imported => "imported",
    OptedOut => "opted_out",
    Refused => "refused",
    OptOutRemoved => "opt_out_removed",
    Confirmed => "confirmed",
    OptedOutOnPlatform => "opted_out_on_platform",
});

/// Where a contact's consent stands.
///
/// Community (the `sms-us` profile) does not message imported numbers
/// straight away: it sends each a one-time welcome message with an opt-in
/// link, and a number joins the merchant's community only once its owner
/// clicks the link and enters the required information; Community warns
/// that not every imported number will complete the opt-in. So contacts
/// imported under `sms-us` await confirmation until the platform reports
/// back; contacts imported under the other profiles are confirmed at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// The contact may be messaged: its import's consent stands, or it
    /// completed the platform's opt-in.
    Confirmed,
    /// Imported, waiting for the contact to complete the platform's
    /// opt-in (Community's welcome message).
    AwaitingConfirmation,
    /// The contact opted out; its address is on the suppression list.
    OptedOut,
}

named_enum!(ConsentState {
    Confirmed => "confirmed",
    AwaitingConfirmation => "awaiting_confirmation",
    OptedOut => "opted_out",
});

/// What the messaging platform reports of a contact
/// (`POST /api/v1/contacts/{key}/consent`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentReport {
    /// `confirmed` (the contact completed the opt-in) or `opted_out`.
    pub state: ConsentState,
    /// When it happened (RFC 3339); now when left out.
    #[serde(default)]
    pub at: Option<String>,
    /// Why, in the platform's words (at most 200 characters); for an
    /// opt-out, the reason the suppression list keeps.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A contact's consent state after a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactConsent {
    /// The contact's key.
    pub contact_key: String,
    /// Where its consent stands now.
    pub state: ConsentState,
    /// The report changed it (and the ledger recorded the change);
    /// `false` when the contact already stood there.
    pub changed: bool,
}

/// One contact of a batch as the batch webhook names it: the platform
/// sends the welcome message to those awaiting confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactState {
    /// The contact's key (the `{key}` to report its confirmation under).
    pub contact_key: String,
    /// Where its consent stands.
    pub state: ConsentState,
}

/// How many of a submission's imported contacts stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmationCounts {
    /// Waiting for the contact to complete the platform's opt-in.
    pub awaiting_confirmation: u64,
    /// Confirmed.
    pub confirmed: u64,
    /// Opted out since.
    pub opted_out: u64,
}

impl ConfirmationCounts {
    /// Counts `contacts` more contacts in `state`.
    pub fn add(&mut self, state: ConsentState, contacts: u64) {
        match state {
            ConsentState::Confirmed => self.confirmed += contacts,
            ConsentState::AwaitingConfirmation => self.awaiting_confirmation += contacts,
            ConsentState::OptedOut => self.opted_out += contacts,
        }
    }

    /// Every contact counted.
    pub fn total(&self) -> u64 {
        self.awaiting_confirmation + self.confirmed + self.opted_out
    }
}

/// What kind of address an opt-out is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuppressionKind {
    /// A phone number, in E.164.
    Phone,
    /// An e-mail address, trimmed and lower-cased.
    Email,
}

named_enum!(SuppressionKind { Phone => "phone", Email => "email" });

/// Where an opt-out (or its removal) came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuppressionOrigin {
    /// The tenant (`POST` or `DELETE /suppressions`).
    Api,
    /// An imported row (Mongoose's opt-out columns, or newer consent).
    Import,
}

named_enum!(SuppressionOrigin { Api => "api", Import => "import" });

/// A contact's whole consent chain, oldest event first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentChain {
    /// The contact's key in the tenant's store (E.164 phone, ContactId, e-mail).
    pub contact_key: String,
    /// Every event, oldest first.
    pub events: Vec<ConsentEventView>,
}

/// One event of the ledger; also one entry of the ledger export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentEventView {
    /// The contact's key.
    pub contact_key: String,
    /// Its place in the contact's chain (1 is the oldest).
    pub seq: u64,
    /// What happened.
    pub kind: ConsentEventKind,
    /// When the server recorded it (RFC 3339).
    pub recorded_at: String,
    /// Where the contact's consent stood after it, for the events that
    /// set it (imported, opted out, confirmed, opted out on the platform).
    #[serde(default)]
    pub state: Option<ConsentState>,
    /// Confirmed and opted out on the platform: when the platform says it
    /// happened (RFC 3339).
    #[serde(default)]
    pub reported_at: Option<String>,
    /// Imported and refused events: the consent the row gave.
    pub consent: Option<ConsentGiven>,
    /// Events an import wrote: the submission, its evidence and approval.
    pub submission: Option<LedgerSubmission>,
    /// Opt-out events (added or removed): the address and its opt-out.
    pub opt_out: Option<OptOutView>,
    /// Opted out: why (as the suppression list holds it). Refused: why the
    /// row failed. Removed: why the opt-out came off.
    pub reason: Option<String>,
}

/// The consent one row gave, as its clean-file cells say or, where the list
/// has no such column, as the merchant declared it for the list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentGiven {
    /// The channels consented to (`whatsapp`, `sms`, `email`).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub channels: Vec<Channel>,
    /// When the contact opted in (RFC 3339, as the clean file wrote it).
    pub opt_in_at: Option<String>,
    /// Where they opted in.
    pub source: Option<String>,
    /// The exact wording they agreed to.
    pub wording: Option<String>,
    /// SHA-256 (hex) of the wording's UTF-8 bytes: the wording is stored once.
    pub wording_sha256: Option<String>,
    /// How consent was captured.
    pub capture_method: Option<String>,
    /// When they confirmed a double opt-in.
    pub double_opt_in_at: Option<String>,
}

/// The submission an import event came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerSubmission {
    /// Its id.
    pub id: String,
    /// The profile it was checked against.
    pub profile: String,
    /// The row of its clean file, as a spreadsheet numbers it (header = 1).
    pub row: Option<u64>,
    /// The names of its evidence files, in the order they were sent.
    pub evidence: Vec<String>,
    /// The reviewer's approval the import ran under.
    pub decision: Option<LedgerDecision>,
}

/// Who approved the import, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerDecision {
    /// What the reviewer decided (an import runs under an approval).
    pub verdict: Verdict,
    /// The reviewer's e-mail.
    pub reviewer: Option<String>,
    /// When (RFC 3339).
    pub decided_at: String,
}

/// An opt-out as a ledger event records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptOutView {
    /// Phone or e-mail.
    pub kind: SuppressionKind,
    /// The E.164 phone or the lower-cased address.
    pub value: String,
    /// When the contact opted out (RFC 3339); for a removal, the date of
    /// the opt-out that came off.
    pub suppressed_at: String,
    /// Who added or removed it.
    pub origin: SuppressionOrigin,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_read_back() {
        for kind in ConsentEventKind::ALL {
            assert_eq!(kind.as_str().parse::<ConsentEventKind>(), Ok(*kind));
            let json = serde_json::to_value(kind).expect("json");
            assert_eq!(json, kind.as_str());
        }
        for kind in SuppressionKind::ALL {
            assert_eq!(kind.as_str().parse::<SuppressionKind>(), Ok(*kind));
        }
        for origin in SuppressionOrigin::ALL {
            assert_eq!(origin.as_str().parse::<SuppressionOrigin>(), Ok(*origin));
        }
        for state in ConsentState::ALL {
            assert_eq!(state.as_str().parse::<ConsentState>(), Ok(*state));
            assert_eq!(serde_json::to_value(state).expect("json"), state.as_str());
        }
    }

    #[test]
    fn a_report_names_its_state_and_takes_nothing_else() {
        let report: ConsentReport =
            serde_json::from_str(r#"{"state": "opted_out", "reason": "STOP"}"#).expect("report");
        assert_eq!(report.state, ConsentState::OptedOut);
        assert_eq!(report.at, None);
        assert!(serde_json::from_str::<ConsentReport>(r#"{"state": "maybe"}"#).is_err());
        assert!(
            serde_json::from_str::<ConsentReport>(r#"{"state": "confirmed", "x": 1}"#).is_err()
        );
        let mut counts = ConfirmationCounts::default();
        counts.add(ConsentState::AwaitingConfirmation, 3);
        counts.add(ConsentState::OptedOut, 1);
        assert_eq!(
            (
                counts.awaiting_confirmation,
                counts.opted_out,
                counts.total()
            ),
            (3, 1, 4)
        );
    }
}
