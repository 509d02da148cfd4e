//! The consent ledger's domain: the kinds of event (shared with the app
//! through `listgate-api`) and what an import row's consent is, read by
//! role from its clean-file cells, with the merchant's declaration for the
//! list filling what the list has no column for; and where a contact's
//! consent stands after an import or a platform's report. Pure functions
//! of the profile, the row, the declaration and the states.

use crate::domain::contact::{Row, cell};
use crate::support::sha256_hex;
use listgate_api::ConsentDetails;
use listgate_core::profile::Role;
use listgate_core::{Channels, Profile};

pub use listgate_api::{ConsentEventKind, ConsentState};

/// The profile whose imported contacts await confirmation: Community's
/// SMS number import. Community sends every imported number a one-time
/// welcome message with an opt-in link; only the recipients who click it
/// and enter the required information join the merchant's community.
pub const AWAITS_CONFIRMATION: &str = "sms-us";

/// Where a contact's consent stands once an import under `profile` wrote
/// it: opted out when its row carried an opt-out (`row_opts_out`); under
/// [`AWAITS_CONFIRMATION`] awaiting confirmation, unless the contact had
/// confirmed already (`before`: its state before this import, `None` for a
/// new contact), as Community's members need not opt in again; confirmed
/// under every other profile, whose platforms take the list's consent.
pub fn imported_state(
    profile: &Profile,
    before: Option<ConsentState>,
    row_opts_out: bool,
) -> ConsentState {
    if row_opts_out {
        ConsentState::OptedOut
    } else if profile.name == AWAITS_CONFIRMATION && before != Some(ConsentState::Confirmed) {
        ConsentState::AwaitingConfirmation
    } else {
        ConsentState::Confirmed
    }
}

/// Why a platform's report cannot change a contact's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReportRefusal {
    /// Platforms report confirmations and opt-outs; awaiting is the import's to set.
    #[error(
        "`state`: a platform reports `confirmed` or `opted_out`; `awaiting_confirmation` is set by an import under sms-us"
    )]
    NotReportable,
    /// Opt-outs win: a confirmation does not undo one.
    #[error(
        "the contact opted out, and an opt-out wins over a confirmation: only a later import with newer consent subscribes it again"
    )]
    OptedOut,
}

/// The state a contact standing at `current` moves to when its platform
/// reports `reported`: `None` when it stands there already (nothing to
/// record).
pub fn reported_state(
    current: ConsentState,
    reported: ConsentState,
) -> Result<Option<ConsentState>, ReportRefusal> {
    match (current, reported) {
        (_, ConsentState::AwaitingConfirmation) => Err(ReportRefusal::NotReportable),
        (now, reported) if now == reported => Ok(None),
        (ConsentState::OptedOut, ConsentState::Confirmed) => Err(ReportRefusal::OptedOut),
        (_, reported) => Ok(Some(reported)),
    }
}

/// The ledger's event for a reported change to `state`.
pub fn reported_event(state: ConsentState) -> ConsentEventKind {
    match state {
        ConsentState::OptedOut => ConsentEventKind::OptedOutOnPlatform,
        ConsentState::Confirmed | ConsentState::AwaitingConfirmation => ConsentEventKind::Confirmed,
    }
}

/// The consent one import row gave: what the ledger records of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsentRecord {
    /// The channels consented to: the row's channel cell, else the channel
    /// the merchant declared for the list, else the one its profile imports.
    pub channels: Channels,
    /// When the contact opted in, as the clean file writes it.
    pub opt_in_at: Option<String>,
    /// Where: the row's source, else the declared source.
    pub source: Option<String>,
    /// The exact wording: the row's, else the declared wording.
    pub wording: Option<String>,
    /// How consent was captured: the row's method, else the declared one.
    pub capture_method: Option<String>,
    /// When the contact confirmed a double opt-in.
    pub double_opt_in_at: Option<String>,
}

impl ConsentRecord {
    /// The consent of `row` under `profile`, for a list whose merchant
    /// declared `channels` (lists without a channel column) and `declared`
    /// (the consent details sent with the submission; gone once deleted
    /// under the evidence retention period).
    pub fn of(
        profile: &Profile,
        row: &Row,
        channels: Option<Channels>,
        declared: Option<&ConsentDetails>,
    ) -> ConsentRecord {
        let field = |role: Role| {
            profile
                .field_for(role)
                .and_then(|field| cell(row, &field.name))
                .map(str::to_owned)
        };
        let or_declared = |found: Option<String>, text: Option<&str>| {
            found.or_else(|| {
                text.map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
            })
        };
        let channels = match (field(Role::OptInChannel), channels, profile.channel) {
            (Some(cell), _, _) => Channels::from_cell(&cell),
            (None, Some(declared), _) => declared,
            (None, None, Some(imported)) => Channels::only(imported),
            (None, None, None) => Channels::NONE,
        };
        ConsentRecord {
            channels,
            opt_in_at: field(Role::OptInAt),
            source: or_declared(
                field(Role::OptInSource),
                declared.map(|d| d.source.as_str()),
            ),
            wording: or_declared(field(Role::OptInText), declared.map(|d| d.wording.as_str())),
            capture_method: or_declared(
                field(Role::OptInMethod),
                declared.map(|d| d.capture_method.as_str()),
            ),
            double_opt_in_at: field(Role::DoubleOptInAt),
        }
    }

    /// The SHA-256 (hex) of the wording's UTF-8 bytes: its key in the ledger.
    pub fn wording_sha256(&self) -> Option<String> {
        self.wording.as_deref().map(|w| sha256_hex(w.as_bytes()))
    }

    /// The channels as stored (`whatsapp;sms`); `None` when none is recorded.
    pub fn channels_column(&self) -> Option<String> {
        (!self.channels.is_empty()).then(|| self.channels.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listgate_core::Channel;

    fn row(cells: &[(&str, &str)]) -> Row {
        cells
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
            .collect()
    }

    fn declared() -> ConsentDetails {
        serde_json::from_value(serde_json::json!({
            "wording": "Yes to offers from Acme",
            "source": "acme.example/join",
            "capture_method": "checkbox",
            "double_opt_in": "",
        }))
        .expect("details")
    }

    /// A profile, a row, the declared channels and details, and the record.
    type Case<'a> = (
        &'a Profile,
        Row,
        Option<Channels>,
        Option<&'a ConsentDetails>,
        ConsentRecord,
    );

    #[test]
    fn the_row_says_first_and_the_declaration_fills_the_rest() {
        let whatsapp = Profile::builtin("whatsapp").unwrap();
        let email = Profile::builtin("email-gdpr").unwrap();
        let mongoose = Profile::builtin("mongoose").unwrap();
        let full = row(&[
            ("opt_in_at", "2026-01-05T00:00:00Z"),
            ("opt_in_source", "shop"),
            ("opt_in_text", "Yes to WhatsApp offers from Acme"),
            ("opt_in_channel", "whatsapp;sms"),
            ("opt_in_method", "paper form"),
            ("double_opt_in_at", "2026-01-06T00:00:00Z"),
        ]);
        let details = declared();
        let sms = Some(Channels::only(Channel::Sms));
        let cases: [Case<'_>; 4] = [
            (
                &whatsapp,
                full.clone(),
                sms,
                Some(&details),
                ConsentRecord {
                    channels: Channels::only(Channel::Whatsapp).with(Channel::Sms),
                    opt_in_at: Some("2026-01-05T00:00:00Z".into()),
                    source: Some("shop".into()),
                    wording: Some("Yes to WhatsApp offers from Acme".into()),
                    capture_method: Some("paper form".into()),
                    double_opt_in_at: Some("2026-01-06T00:00:00Z".into()),
                },
            ),
            (
                &whatsapp,
                row(&[("opt_in_at", "2026-01-05T00:00:00Z"), ("opt_in_text", " ")]),
                sms,
                Some(&details),
                ConsentRecord {
                    channels: Channels::only(Channel::Sms),
                    opt_in_at: Some("2026-01-05T00:00:00Z".into()),
                    source: Some("acme.example/join".into()),
                    wording: Some("Yes to offers from Acme".into()),
                    capture_method: Some("checkbox".into()),
                    double_opt_in_at: None,
                },
            ),
            (
                &email,
                row(&[("email", "ann@example.com")]),
                None,
                None,
                ConsentRecord {
                    channels: Channels::only(Channel::Email),
                    ..ConsentRecord::default()
                },
            ),
            (
                &mongoose,
                row(&[("ContactId", "C-1")]),
                None,
                Some(&details),
                ConsentRecord {
                    channels: Channels::NONE,
                    source: Some("acme.example/join".into()),
                    wording: Some("Yes to offers from Acme".into()),
                    capture_method: Some("checkbox".into()),
                    ..ConsentRecord::default()
                },
            ),
        ];
        for (profile, row, channels, declared, expected) in cases {
            assert_eq!(
                ConsentRecord::of(profile, &row, channels, declared),
                expected,
                "{}: {row:?}",
                profile.name
            );
        }
    }

    #[test]
    fn the_wording_is_keyed_by_the_sha256_of_its_bytes() {
        let record = ConsentRecord {
            wording: Some("abc".into()),
            channels: Channels::only(Channel::Whatsapp).with(Channel::Email),
            ..ConsentRecord::default()
        };
        assert_eq!(
            record.wording_sha256().as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(record.channels_column().as_deref(), Some("whatsapp;email"));
        assert_eq!(ConsentRecord::default().channels_column(), None);
        assert_eq!(ConsentRecord::default().wording_sha256(), None);
    }

    #[test]
    fn stored_names_match_the_schema() {
        let schema = include_str!("../../migrations/0015_consent_ledger.sql");
        for kind in ConsentEventKind::ALL {
            assert!(schema.contains(&format!("'{kind}'")), "{kind}");
        }
        for state in ConsentState::ALL {
            assert!(schema.contains(&format!("'{state}'")), "{state}");
        }
    }

    #[test]
    fn community_imports_await_confirmation_and_opt_outs_win() {
        use ConsentState::*;
        let sms = Profile::builtin(AWAITS_CONFIRMATION).unwrap();
        let whatsapp = Profile::builtin("whatsapp").unwrap();
        assert_eq!(imported_state(&sms, None, false), AwaitingConfirmation);
        assert_eq!(
            imported_state(&sms, Some(OptedOut), false),
            AwaitingConfirmation
        );
        assert_eq!(imported_state(&sms, Some(Confirmed), false), Confirmed);
        assert_eq!(imported_state(&sms, Some(Confirmed), true), OptedOut);
        assert_eq!(imported_state(&whatsapp, None, false), Confirmed);
        assert_eq!(
            imported_state(&whatsapp, Some(AwaitingConfirmation), false),
            Confirmed
        );

        assert_eq!(
            reported_state(AwaitingConfirmation, Confirmed),
            Ok(Some(Confirmed))
        );
        assert_eq!(reported_state(Confirmed, OptedOut), Ok(Some(OptedOut)));
        assert_eq!(reported_state(Confirmed, Confirmed), Ok(None));
        assert_eq!(reported_state(OptedOut, OptedOut), Ok(None));
        assert_eq!(
            reported_state(OptedOut, Confirmed),
            Err(ReportRefusal::OptedOut)
        );
        assert_eq!(
            reported_state(Confirmed, AwaitingConfirmation),
            Err(ReportRefusal::NotReportable)
        );
        assert_eq!(
            reported_event(OptedOut),
            ConsentEventKind::OptedOutOnPlatform
        );
        assert_eq!(reported_event(Confirmed), ConsentEventKind::Confirmed);
    }
}
