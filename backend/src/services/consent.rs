//! Where each contact's consent stands, as the messaging platform reports
//! it back. Community (the `sms-us` profile) sends every imported number a
//! one-time welcome message with an opt-in link, and only the recipients
//! who click it and enter the required information join; so its contacts
//! are imported awaiting confirmation, and the platform reports with the
//! tenant's secret key which confirmed and which opted out. Each change is
//! an event of the contact's consent ledger; an opt-out also goes onto the
//! tenant's suppression list, so later imports respect it.

use crate::db;
use crate::db::ledger::{NewEvent, NewOptOut};
use crate::domain::ledger::{ConsentState, ReportRefusal, reported_event, reported_state};
use crate::domain::suppression::{
    OptOutReason, Suppressed, Suppression, SuppressionKind, SuppressionOrigin, stored_instant,
};
use crate::services::{Backend, ServiceError, ledger, suppressions};
use chrono::{DateTime, Utc};
use listgate_api::{ConsentReport, ContactConsent};
use sqlx::{Any, Transaction};

/// How far in the future a reported time may lie (clocks differ a little).
const CLOCK_SKEW_SECONDS: i64 = 300;

/// Why an opt-out the platform reported is on the list, when it gives none.
const DEFAULT_REASON: &str = "opted out on the messaging platform";

/// Times a report is tried again when another request moved the contact
/// between reading and writing its state.
const ATTEMPTS: usize = 3;

/// A report whose values have been read.
#[derive(Debug, Clone)]
struct Reading {
    state: ConsentState,
    at: DateTime<Utc>,
    reason: Option<OptOutReason>,
}

/// Reads `report` received at `now`: 422 naming the field when `state`
/// is one a platform does not report, `at` is not an RFC 3339 time or
/// lies in the future, or `reason` is over 200 characters.
fn read(report: &ConsentReport, now: DateTime<Utc>) -> Result<Reading, ServiceError> {
    if report.state == ConsentState::AwaitingConfirmation {
        return Err(ServiceError::refused(
            ReportRefusal::NotReportable.to_string(),
        ));
    }
    let at = match report.at.as_deref() {
        None => now,
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map(|at| at.to_utc())
            .map_err(|_| {
                ServiceError::refused(format!(
                    "`at`: `{text}` is not an RFC 3339 time: write it as 2026-03-01T09:30:00Z"
                ))
            })?,
    };
    if at > now + chrono::Duration::seconds(CLOCK_SKEW_SECONDS) {
        return Err(ServiceError::refused(format!(
            "`at`: {} is in the future: report a change once it has happened",
            stored_instant(at)
        )));
    }
    let reason = report
        .reason
        .as_deref()
        .map(OptOutReason::parse)
        .transpose()
        .map_err(|why| ServiceError::refused(format!("`reason`: {why}")))?
        .filter(|r| !r.as_str().is_empty());
    Ok(Reading {
        state: report.state,
        at,
        reason,
    })
}

/// Records the platform's `report` of the tenant's contact `key`: not
/// found when the tenant has no such contact (another tenant's included);
/// refused (422) when the report cannot be read; a conflict (409) when it
/// confirms a contact that opted out. A report of where the contact stands
/// already changes nothing and records nothing.
pub async fn report(
    backend: &Backend,
    tenant: &str,
    key: &str,
    report: &ConsentReport,
) -> Result<ContactConsent, ServiceError> {
    let now = Utc::now();
    let reading = read(report, now)?;
    for _ in 0..ATTEMPTS {
        let mut tx = backend.db.begin().await?;
        let (stored, phone) = db::contacts::consent_of(&mut tx, tenant, key)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let current: ConsentState = stored
            .parse()
            .map_err(|e: String| ServiceError::Internal(anyhow::anyhow!(e)))?;
        let next = match reported_state(current, reading.state) {
            Ok(Some(next)) => next,
            Ok(None) => {
                return Ok(ContactConsent {
                    contact_key: key.to_owned(),
                    state: current,
                    changed: false,
                });
            }
            Err(ReportRefusal::NotReportable) => {
                return Err(ServiceError::refused(
                    ReportRefusal::NotReportable.to_string(),
                ));
            }
            Err(refusal @ ReportRefusal::OptedOut) => {
                return Err(ServiceError::Conflict(refusal.to_string()));
            }
        };
        if !db::contacts::move_state(&mut tx, tenant, key, current, next).await? {
            // Another request moved it meanwhile: read it again.
            continue;
        }
        let change = Change {
            tenant,
            key,
            state: next,
            reading: &reading,
            now: &stored_instant(now),
        };
        change.record(&mut tx, address(key, phone)).await?;
        tx.commit().await?;
        return Ok(ContactConsent {
            contact_key: key.to_owned(),
            state: next,
            changed: true,
        });
    }
    Err(ServiceError::Conflict(
        "the contact's consent changed while this report was recorded: send it again".into(),
    ))
}

/// The address an opt-out of the contact `key` puts on the list: its
/// phone, else its key when that is an e-mail address (the email profile).
fn address(key: &str, phone: Option<String>) -> Option<Suppressed> {
    match phone {
        Some(phone) => Some(Suppressed::canonical(SuppressionKind::Phone, phone)),
        None => Suppressed::email(key).ok(),
    }
}

/// One reported change of one contact.
struct Change<'a> {
    tenant: &'a str,
    key: &'a str,
    state: ConsentState,
    reading: &'a Reading,
    now: &'a str,
}

impl Change<'_> {
    /// Writes the change's event and, for an opt-out of `target`, its entry
    /// of the suppression list and the `opted_out` events of the other
    /// contacts holding that address.
    async fn record(
        &self,
        tx: &mut Transaction<'_, Any>,
        target: Option<Suppressed>,
    ) -> Result<(), ServiceError> {
        let reported_at = stored_instant(self.reading.at);
        let entry = match (self.state, target) {
            (ConsentState::OptedOut, Some(target)) => Some(Suppression {
                target,
                reason: self
                    .reading
                    .reason
                    .clone()
                    .unwrap_or_else(|| OptOutReason::parse(DEFAULT_REASON).unwrap_or_default()),
                suppressed_at: self.reading.at,
                origin: SuppressionOrigin::Api,
            }),
            _ => None,
        };
        let event = NewEvent {
            state: Some(self.state),
            reported_at: Some(&reported_at),
            reason: self.reading.reason.as_ref().map(OptOutReason::as_str),
            opt_out: entry.as_ref().map(|entry| NewOptOut {
                target: &entry.target,
                suppressed_at: entry.suppressed_at,
                origin: entry.origin,
            }),
            ..NewEvent::new(self.tenant, self.key, reported_event(self.state), self.now)
        };
        db::ledger::insert(tx, &event).await?;
        if let Some(entry) = &entry
            && suppressions::record_in(tx, self.tenant, entry).await?
        {
            ledger::opted_out(tx, self.tenant, entry, self.now, Some(self.key)).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(json: serde_json::Value) -> ConsentReport {
        serde_json::from_value(json).expect("report")
    }

    #[test]
    fn reports_are_read_naming_the_field_that_is_wrong() {
        let now = Utc::now();
        let message = |r: ConsentReport| match read(&r, now) {
            Err(ServiceError::Refused { message, .. }) => message,
            other => panic!("refused, not {other:?}"),
        };
        let read_at = read(
            &report(serde_json::json!({"state": "confirmed", "at": "2026-01-02T03:04:05+01:00"})),
            now,
        )
        .expect("read");
        assert_eq!(stored_instant(read_at.at), "2026-01-02T02:04:05Z");
        assert!(
            message(report(
                serde_json::json!({"state": "awaiting_confirmation"})
            ))
            .starts_with("`state`")
        );
        assert!(
            message(report(
                serde_json::json!({"state": "confirmed", "at": "yesterday"})
            ))
            .starts_with("`at`")
        );
        assert!(
            message(report(
                serde_json::json!({"state": "confirmed", "at": "2999-01-01T00:00:00Z"})
            ))
            .starts_with("`at`")
        );
        assert!(
            message(report(
                serde_json::json!({"state": "opted_out", "reason": "x".repeat(201)})
            ))
            .starts_with("`reason`")
        );
        let blank = read(
            &report(serde_json::json!({"state": "opted_out", "reason": " "})),
            now,
        )
        .expect("read");
        assert_eq!(blank.reason, None);
    }

    #[test]
    fn an_opt_out_is_of_the_contacts_phone_else_its_address() {
        assert_eq!(
            address("C-1", Some("+12015550123".into())),
            Some(Suppressed::canonical(
                SuppressionKind::Phone,
                "+12015550123".into()
            ))
        );
        assert_eq!(
            address("ann@example.com", None).map(|s| s.kind()),
            Some(SuppressionKind::Email)
        );
        assert_eq!(address("C-1", None), None);
    }
}
