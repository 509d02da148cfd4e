//! The consent ledger's tables: `consent_events` (each tenant's contacts'
//! consent events, only ever added, in the order of the ids the database
//! hands out) and `consent_wordings` (each wording once, by its SHA-256).

use crate::domain::Verdict;
use crate::domain::ledger::{ConsentEventKind, ConsentRecord, ConsentState};
use crate::domain::suppression::{Suppressed, SuppressionOrigin, stored_instant};
use chrono::{DateTime, Utc};
use sqlx::{Any, AnyPool, FromRow, Transaction};

/// The approval an import runs under: who decided, and when.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Approval {
    /// The reviewer's id.
    pub reviewer_id: String,
    /// When they approved (RFC 3339).
    pub decided_at: String,
}

/// An opt-out as an event records it.
#[derive(Debug, Clone, Copy)]
pub struct NewOptOut<'a> {
    /// The address.
    pub target: &'a Suppressed,
    /// When it opted out (for a removal: the date of the opt-out removed).
    pub suppressed_at: DateTime<Utc>,
    /// Who added or removed it.
    pub origin: SuppressionOrigin,
}

/// An event to append to a contact's chain.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    /// The tenant.
    pub tenant: &'a str,
    /// The contact's key in the tenant's store.
    pub contact_key: &'a str,
    /// What happened.
    pub kind: ConsentEventKind,
    /// Now (RFC 3339).
    pub recorded_at: &'a str,
    /// The submission an import event came from.
    pub submission: Option<&'a str>,
    /// Its clean-file row.
    pub row_number: Option<i64>,
    /// The consent the row gave.
    pub consent: Option<&'a ConsentRecord>,
    /// SHA-256 of the consent's wording, stored with [`put_wording`] first.
    pub wording_sha256: Option<&'a str>,
    /// The approval the import ran under.
    pub approval: Option<&'a Approval>,
    /// The opt-out added or removed.
    pub opt_out: Option<NewOptOut<'a>>,
    /// Why (an opt-out's reason, a refusal, a removal, a platform's report).
    pub reason: Option<&'a str>,
    /// Where the contact's consent stands after it, for events that set it.
    pub state: Option<ConsentState>,
    /// A platform's report: when it says the change happened (RFC 3339).
    pub reported_at: Option<&'a str>,
}

impl<'a> NewEvent<'a> {
    /// An event of `kind` for the tenant's contact `contact_key` recorded
    /// at `recorded_at`, with nothing else said yet.
    pub fn new(
        tenant: &'a str,
        contact_key: &'a str,
        kind: ConsentEventKind,
        recorded_at: &'a str,
    ) -> NewEvent<'a> {
        NewEvent {
            tenant,
            contact_key,
            kind,
            recorded_at,
            submission: None,
            row_number: None,
            consent: None,
            wording_sha256: None,
            approval: None,
            opt_out: None,
            reason: None,
            state: None,
            reported_at: None,
        }
    }
}

/// Stores `wording` under `sha256` unless it is stored already.
pub async fn put_wording(
    tx: &mut Transaction<'_, Any>,
    sha256: &str,
    wording: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO consent_wordings (sha256, wording) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(sha256)
    .bind(wording)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Appends `event` to its contact's chain. Its place comes from the
/// database, never from the chain as this transaction reads it, so any
/// number of transactions may write one chain at once: on PostgreSQL the
/// column's sequence numbers it; SQLite, which runs one write at a time,
/// takes the table's highest id plus one within the INSERT itself.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    event: &NewEvent<'_>,
) -> Result<(), sqlx::Error> {
    let consent = event.consent;
    let opt_out = event.opt_out;
    let (id_column, id_value) = if tx.backend_name() == POSTGRES {
        ("", "")
    } else {
        (
            "id, ",
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM consent_events), ",
        )
    };
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO consent_events ({id_column}tenant_id, contact_key, kind, recorded_at, submission_id, row_number,
            channels, opt_in_at, opt_in_source, wording_sha256, capture_method, double_opt_in_at,
            approved_by, approved_at, address_kind, address, suppressed_at, origin, reason, state, reported_at)
         VALUES ({id_value}$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
    )))
    .bind(event.tenant)
    .bind(event.contact_key)
    .bind(event.kind.as_str())
    .bind(event.recorded_at)
    .bind(event.submission)
    .bind(event.row_number)
    .bind(consent.and_then(ConsentRecord::channels_column))
    .bind(consent.and_then(|c| c.opt_in_at.as_deref()))
    .bind(consent.and_then(|c| c.source.as_deref()))
    .bind(event.wording_sha256)
    .bind(consent.and_then(|c| c.capture_method.as_deref()))
    .bind(consent.and_then(|c| c.double_opt_in_at.as_deref()))
    .bind(event.approval.map(|a| a.reviewer_id.as_str()))
    .bind(event.approval.map(|a| a.decided_at.as_str()))
    .bind(opt_out.map(|o| o.target.kind().as_str()))
    .bind(opt_out.map(|o| o.target.value()))
    .bind(opt_out.map(|o| stored_instant(o.suppressed_at)))
    .bind(opt_out.map(|o| o.origin.as_str()))
    .bind(event.reason)
    .bind(event.state.map(ConsentState::as_str))
    .bind(event.reported_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What sqlx's Any driver calls a PostgreSQL connection.
const POSTGRES: &str = "PostgreSQL";

/// The latest approval of `submission`, when it has one.
pub async fn approval(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
) -> Result<Option<Approval>, sqlx::Error> {
    sqlx::query_as(
        "SELECT reviewer_id, decided_at FROM decisions WHERE submission_id = $1 AND verdict = $2
         ORDER BY number DESC LIMIT 1",
    )
    .bind(submission)
    .bind(Verdict::Approved.as_str())
    .fetch_optional(&mut **tx)
    .await
}

/// A stored event, with its submission's profile, its wording and the
/// approving reviewer's e-mail joined in.
#[derive(Debug, Clone, FromRow)]
pub struct EventRow {
    /// The contact's key.
    pub contact_key: String,
    /// Its id: the order of every event.
    pub id: i64,
    /// Its place in the contact's chain (1 is the oldest).
    pub seq: i64,
    /// `ConsentEventKind`.
    pub kind: String,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// The submission of an import event.
    pub submission_id: Option<String>,
    /// That submission's profile.
    pub profile: Option<String>,
    /// Its clean-file row.
    pub row_number: Option<i64>,
    /// `whatsapp;sms`.
    pub channels: Option<String>,
    /// When the contact opted in.
    pub opt_in_at: Option<String>,
    /// Where.
    pub opt_in_source: Option<String>,
    /// The wording's SHA-256.
    pub wording_sha256: Option<String>,
    /// The wording.
    pub wording: Option<String>,
    /// How consent was captured.
    pub capture_method: Option<String>,
    /// When a double opt-in was confirmed.
    pub double_opt_in_at: Option<String>,
    /// The approving reviewer's e-mail.
    pub approved_by: Option<String>,
    /// When they approved.
    pub approved_at: Option<String>,
    /// `phone` or `email`.
    pub address_kind: Option<String>,
    /// The opted-out address.
    pub address: Option<String>,
    /// When it opted out.
    pub suppressed_at: Option<String>,
    /// `api` or `import`.
    pub origin: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// `ConsentState` after the event, for events that set it.
    pub state: Option<String>,
    /// When a platform says its reported change happened.
    pub reported_at: Option<String>,
}

// The CAST reads the id as a plain integer on SQLite too, whose column
// type (`BIGSERIAL`) it does not know.
const SELECT: &str = "SELECT e.contact_key, CAST(e.id AS BIGINT) AS id,
        (SELECT COUNT(*) FROM consent_events p
         WHERE p.tenant_id = e.tenant_id AND p.contact_key = e.contact_key AND p.id <= e.id) AS seq,
        e.kind, e.recorded_at, e.submission_id, s.profile,
        e.row_number, e.channels, e.opt_in_at, e.opt_in_source, e.wording_sha256, w.wording,
        e.capture_method, e.double_opt_in_at, r.email AS approved_by, e.approved_at,
        e.address_kind, e.address, e.suppressed_at, e.origin, e.reason, e.state, e.reported_at
    FROM consent_events e
    LEFT JOIN submissions s ON s.id = e.submission_id
    LEFT JOIN consent_wordings w ON w.sha256 = e.wording_sha256
    LEFT JOIN reviewers r ON r.id = e.approved_by";

/// The chain of the tenant's contact `key`, oldest first.
pub async fn chain(db: &AnyPool, tenant: &str, key: &str) -> Result<Vec<EventRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE e.tenant_id = $1 AND e.contact_key = $2 ORDER BY e.id"
    )))
    .bind(tenant)
    .bind(key)
    .fetch_all(db)
    .await
}

/// Up to `limit` of the tenant's events after (`contact key`, `id`)
/// `after`, by contact key and id: of every contact, or only those
/// `submission` wrote.
pub async fn page(
    db: &AnyPool,
    tenant: &str,
    submission: Option<&str>,
    after: (&str, i64),
    limit: i64,
) -> Result<Vec<EventRow>, sqlx::Error> {
    // Row values compare as the indexes order, so each page is one index range.
    let rows = match submission {
        Some(id) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE e.submission_id = $1 AND e.tenant_id = $2
                 AND (e.contact_key, e.id) > ($3, $4) ORDER BY e.contact_key, e.id LIMIT $5"
            )))
            .bind(id)
            .bind(tenant)
            .bind(after.0)
            .bind(after.1)
            .bind(limit)
            .fetch_all(db)
            .await?
        }
        None => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT} WHERE e.tenant_id = $1
                 AND (e.contact_key, e.id) > ($2, $3) ORDER BY e.contact_key, e.id LIMIT $4"
            )))
            .bind(tenant)
            .bind(after.0)
            .bind(after.1)
            .bind(limit)
            .fetch_all(db)
            .await?
        }
    };
    Ok(rows)
}
