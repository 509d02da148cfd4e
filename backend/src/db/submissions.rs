//! The `submissions`, `evidence`, `decisions` and `amendments` tables.

use crate::domain::{SubmissionStatus, Verdict};
use listgate_api::EvidenceView;
use sqlx::{Any, AnyPool, FromRow, Transaction};

/// A submission row.
#[derive(Debug, Clone, FromRow)]
pub struct SubmissionRow {
    /// Its id.
    pub id: String,
    /// The tenant it belongs to.
    pub tenant_id: String,
    /// Where it stands (`SubmissionStatus`).
    pub status: String,
    /// Built-in profile.
    pub profile: String,
    /// `StoredSettings` as JSON.
    pub settings: String,
    /// The server's report as JSON.
    pub report: String,
    /// The consent declaration as JSON (`null` once deleted).
    pub consent: String,
    /// The clean file in the blob store.
    pub clean_sha256: String,
    /// Contacts in the clean file.
    pub contacts: i64,
    /// When it arrived (RFC 3339).
    pub created_at: String,
    /// When its list files were deleted.
    pub purged_at: Option<String>,
    /// When its evidence and consent answers were deleted.
    pub evidence_purged_at: Option<String>,
    /// What the approval left out, as JSON `Exclusions`.
    pub exclusions: String,
    /// Contacts that leaves out.
    pub excluded: i64,
    /// The merchant's change list in the blob store, when they sent one.
    pub changes_sha256: Option<String>,
    /// What the server read of it, as JSON `ChangeSummary`.
    pub changes: Option<String>,
}

impl SubmissionRow {
    /// Its status as the enum; a value the schema's CHECK let through but
    /// the code does not know is a bug, reported as such.
    pub fn status(&self) -> anyhow::Result<SubmissionStatus> {
        self.status.parse().map_err(anyhow::Error::msg)
    }
}

const COLUMNS: &str = "id, tenant_id, status, profile, settings, report, consent, clean_sha256, contacts, \
    created_at, purged_at, evidence_purged_at, exclusions, excluded, changes_sha256, changes";

/// The submission `id`, of `tenant` when given (another tenant's is `None`).
pub async fn find(
    db: impl sqlx::Executor<'_, Database = Any>,
    tenant: Option<&str>,
    id: &str,
) -> Result<Option<SubmissionRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM submissions WHERE id = $1 AND ($2 = '' OR tenant_id = $2)"
    )))
    .bind(id)
    .bind(tenant.unwrap_or(""))
    .fetch_optional(db)
    .await
}

/// The tenant's submission sent with Idempotency-Key `key`: id and fingerprint.
pub async fn find_by_idempotency_key(
    db: &AnyPool,
    tenant: &str,
    key: &str,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, fingerprint FROM submissions WHERE tenant_id = $1 AND idempotency_key = $2",
    )
    .bind(tenant)
    .bind(key)
    .fetch_optional(db)
    .await
}

/// The tenant's latest submission with this fingerprint: id and status.
pub async fn find_by_fingerprint(
    db: &AnyPool,
    tenant: &str,
    fingerprint: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, status FROM submissions WHERE tenant_id = $1 AND fingerprint = $2
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(tenant)
    .bind(fingerprint)
    .fetch_optional(db)
    .await
}

/// How many of the tenant's submissions wait for a reviewer.
pub async fn count_waiting(db: &AnyPool, tenant: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM submissions WHERE tenant_id = $1 AND status = $2")
        .bind(tenant)
        .bind(SubmissionStatus::PendingReview.as_str())
        .fetch_one(db)
        .await
}

/// A submission to store.
#[derive(Debug)]
pub struct NewSubmission<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its tenant.
    pub tenant: &'a str,
    /// The Idempotency-Key it came with.
    pub idempotency_key: Option<&'a str>,
    /// Built-in profile.
    pub profile: &'a str,
    /// Settings JSON.
    pub settings: &'a str,
    /// Report JSON.
    pub report: &'a str,
    /// Consent declaration JSON.
    pub consent: &'a str,
    /// The clean file's hash.
    pub clean_sha256: &'a str,
    /// Contacts in it.
    pub contacts: i64,
    /// The clean file, evidence and declaration together.
    pub fingerprint: &'a str,
    /// Now (RFC 3339).
    pub created_at: &'a str,
    /// The change list, when sent: its hash and its summary JSON.
    pub changes: Option<(&'a str, &'a str)>,
}

/// Stores a new submission, waiting for review.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    new: &NewSubmission<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO submissions (id, tenant_id, idempotency_key, status, profile, settings, report, consent,
            clean_sha256, contacts, created_at, fingerprint, changes_sha256, changes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(new.id)
    .bind(new.tenant)
    .bind(new.idempotency_key)
    .bind(SubmissionStatus::PendingReview.as_str())
    .bind(new.profile)
    .bind(new.settings)
    .bind(new.report)
    .bind(new.consent)
    .bind(new.clean_sha256)
    .bind(new.contacts)
    .bind(new.created_at)
    .bind(new.fingerprint)
    .bind(new.changes.map(|(sha, _)| sha))
    .bind(new.changes.map(|(_, summary)| summary))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds evidence files after the ones the submission has.
pub async fn append_evidence(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    files: &[(&EvidenceView, String)],
) -> Result<(), sqlx::Error> {
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM evidence WHERE submission_id = $1")
        .bind(submission)
        .fetch_one(&mut **tx)
        .await?;
    for (offset, (view, sha)) in files.iter().enumerate() {
        sqlx::query(
            "INSERT INTO evidence (submission_id, position, name, content_type, opt_in_source, sha256, bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(submission)
        .bind(held + offset as i64)
        .bind(&view.name)
        .bind(&view.content_type)
        .bind(&view.opt_in_source)
        .bind(sha)
        .bind(view.bytes as i64)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The submission's evidence files, in the order they were sent.
pub async fn evidence(db: &AnyPool, submission: &str) -> Result<Vec<EvidenceView>, sqlx::Error> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT name, content_type, opt_in_source, bytes FROM evidence WHERE submission_id = $1 ORDER BY position",
    )
    .bind(submission)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, content_type, opt_in_source, bytes)| EvidenceView {
            name,
            content_type,
            opt_in_source,
            bytes: bytes as u64,
        })
        .collect())
}

/// The hashes of the submission's evidence files.
pub async fn evidence_hashes(db: &AnyPool, submission: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT sha256 FROM evidence WHERE submission_id = $1 ORDER BY position")
        .bind(submission)
        .fetch_all(db)
        .await
}

/// One evidence file: name, declared type, hash, and when the evidence was deleted.
pub async fn evidence_file(
    db: &AnyPool,
    submission: &str,
    position: i64,
) -> Result<Option<(String, String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.name, e.content_type, e.sha256, s.evidence_purged_at
         FROM evidence e JOIN submissions s ON s.id = e.submission_id
         WHERE e.submission_id = $1 AND e.position = $2",
    )
    .bind(submission)
    .bind(position)
    .fetch_optional(db)
    .await
}

/// Moves the submission from `from` to `to`; `false` when it was not in `from`.
pub async fn set_status(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    from: SubmissionStatus,
    to: SubmissionStatus,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query("UPDATE submissions SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// Records what an approval leaves out and how many contacts that is.
pub async fn set_exclusions(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    exclusions: &str,
    excluded: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE submissions SET exclusions = $1, excluded = $2 WHERE id = $3")
        .bind(exclusions)
        .bind(excluded)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Replaces the list with a corrected clean file and its report.
pub async fn replace_clean(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    clean_sha256: &str,
    report: &str,
    contacts: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE submissions SET clean_sha256 = $1, report = $2, contacts = $3 WHERE id = $4",
    )
    .bind(clean_sha256)
    .bind(report)
    .bind(contacts)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces the change list with the one sent with a corrected clean file.
pub async fn replace_changes(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    changes_sha256: &str,
    changes: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE submissions SET changes_sha256 = $1, changes = $2 WHERE id = $3")
        .bind(changes_sha256)
        .bind(changes)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Replaces the consent declaration.
pub async fn replace_consent(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    consent: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE submissions SET consent = $1 WHERE id = $2")
        .bind(consent)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets the fingerprint (after an amendment changed what it covers).
pub async fn set_fingerprint(
    tx: &mut Transaction<'_, Any>,
    id: &str,
    fingerprint: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE submissions SET fingerprint = $1 WHERE id = $2")
        .bind(fingerprint)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A decision row.
#[derive(Debug, Clone, FromRow)]
pub struct DecisionRow {
    /// `Verdict`.
    pub verdict: String,
    /// JSON array of `Reason`.
    pub reasons: String,
    /// The note.
    pub note: String,
    /// JSON `Exclusions`.
    pub exclusions: String,
    /// Contacts excluded.
    pub excluded: i64,
    /// When (RFC 3339).
    pub decided_at: String,
}

/// A decision to record.
#[derive(Debug)]
pub struct NewDecision<'a> {
    /// The reviewer.
    pub reviewer: &'a str,
    /// What was decided.
    pub verdict: Verdict,
    /// JSON array of reasons.
    pub reasons: &'a str,
    /// The note.
    pub note: &'a str,
    /// JSON exclusions.
    pub exclusions: &'a str,
    /// Contacts they hold.
    pub excluded: i64,
    /// Now (RFC 3339).
    pub decided_at: &'a str,
}

/// Appends a decision to the submission's history.
pub async fn insert_decision(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    decision: &NewDecision<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO decisions (submission_id, number, reviewer_id, verdict, reasons, note, exclusions, excluded, decided_at)
         VALUES ($1, (SELECT COUNT(*) + 1 FROM decisions WHERE submission_id = $1), $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(submission)
    .bind(decision.reviewer)
    .bind(decision.verdict.as_str())
    .bind(decision.reasons)
    .bind(decision.note)
    .bind(decision.exclusions)
    .bind(decision.excluded)
    .bind(decision.decided_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The submission's decisions, oldest first.
pub async fn decisions(db: &AnyPool, submission: &str) -> Result<Vec<DecisionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT verdict, reasons, note, exclusions, excluded, decided_at FROM decisions
         WHERE submission_id = $1 ORDER BY number",
    )
    .bind(submission)
    .fetch_all(db)
    .await
}

/// An amendment row.
#[derive(Debug, Clone, FromRow)]
pub struct AmendmentRow {
    /// Evidence files added.
    pub evidence_added: i64,
    /// 1 when the declaration was replaced.
    pub consent_replaced: i64,
    /// 1 when the clean file was replaced.
    pub clean_replaced: i64,
    /// The merchant's note.
    pub note: String,
    /// When (RFC 3339).
    pub amended_at: String,
}

/// Appends an amendment to the submission's history.
pub async fn insert_amendment(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    amendment: &AmendmentRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO amendments (submission_id, number, evidence_added, consent_replaced, clean_replaced, note, amended_at)
         VALUES ($1, (SELECT COUNT(*) + 1 FROM amendments WHERE submission_id = $1), $2, $3, $4, $5, $6)",
    )
    .bind(submission)
    .bind(amendment.evidence_added)
    .bind(amendment.consent_replaced)
    .bind(amendment.clean_replaced)
    .bind(&amendment.note)
    .bind(&amendment.amended_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The submission's amendments, oldest first.
pub async fn amendments(db: &AnyPool, submission: &str) -> Result<Vec<AmendmentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT evidence_added, consent_replaced, clean_replaced, note, amended_at FROM amendments
         WHERE submission_id = $1 ORDER BY number",
    )
    .bind(submission)
    .fetch_all(db)
    .await
}

/// One line of the review queue: id, tenant name, status, profile, contacts, arrival.
pub type QueueRow = (String, String, String, String, i64, String);

/// Every submission, those waiting for review first, then oldest first.
pub async fn queue(db: &AnyPool) -> Result<Vec<QueueRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, t.name, s.status, s.profile, s.contacts, s.created_at
         FROM submissions s JOIN tenants t ON t.id = s.tenant_id
         ORDER BY CASE WHEN s.status = $1 THEN 0 ELSE 1 END, s.created_at",
    )
    .bind(SubmissionStatus::PendingReview.as_str())
    .fetch_all(db)
    .await
}

/// Rows of the submission that failed at import: row number and reason.
pub async fn failures(db: &AnyPool, submission: &str) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT row_number, reason FROM import_failures WHERE submission_id = $1 ORDER BY row_number",
    )
    .bind(submission)
    .fetch_all(db)
    .await
}

/// A finished submission whose list the retention period ends.
#[derive(Debug, Clone, FromRow)]
pub struct ListToPurge {
    /// Its id.
    pub id: String,
    /// The clean file.
    pub clean_sha256: String,
    /// The report as JSON.
    pub report: String,
    /// The change list, when it has one.
    pub changes_sha256: Option<String>,
    /// What the server read of it, as JSON `ChangeSummary`.
    pub changes: Option<String>,
}

/// Finished submissions made before `cutoff` that still hold their list.
pub async fn lists_to_purge(db: &AnyPool, cutoff: &str) -> Result<Vec<ListToPurge>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, clean_sha256, report, changes_sha256, changes FROM submissions
         WHERE purged_at IS NULL AND status IN ($1, $2) AND created_at < $3",
    )
    .bind(SubmissionStatus::Imported.as_str())
    .bind(SubmissionStatus::Rejected.as_str())
    .bind(cutoff)
    .fetch_all(db)
    .await
}

/// Marks the list deleted and keeps `report` (without its issues) and
/// `changes` (without its lines); `false` when another sweep did it first.
pub async fn mark_list_purged(
    db: &AnyPool,
    id: &str,
    now: &str,
    report: &str,
    changes: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let marked = sqlx::query(
        "UPDATE submissions SET purged_at = $1, report = $2, changes = $3 WHERE id = $4 AND purged_at IS NULL",
    )
    .bind(now)
    .bind(report)
    .bind(changes)
    .bind(id)
    .execute(db)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// Finished submissions made before `cutoff` that still hold their evidence.
pub async fn evidence_to_purge(db: &AnyPool, cutoff: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM submissions
         WHERE evidence_purged_at IS NULL AND status IN ($1, $2) AND created_at < $3",
    )
    .bind(SubmissionStatus::Imported.as_str())
    .bind(SubmissionStatus::Rejected.as_str())
    .bind(cutoff)
    .fetch_all(db)
    .await
}

/// Marks the evidence deleted and drops the consent answers; `false` when
/// another sweep did it first.
pub async fn mark_evidence_purged(db: &AnyPool, id: &str, now: &str) -> Result<bool, sqlx::Error> {
    let marked = sqlx::query(
        "UPDATE submissions SET evidence_purged_at = $1, consent = 'null' WHERE id = $2 AND evidence_purged_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(marked.rows_affected() == 1)
}

/// Whether a submission still holds the file `sha` (as its list, its
/// change list or as evidence).
pub async fn blob_still_held(db: &AnyPool, sha: &str) -> Result<bool, sqlx::Error> {
    let uses: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM submissions
                 WHERE purged_at IS NULL AND (clean_sha256 = $1 OR changes_sha256 = $1))
              + (SELECT COUNT(*) FROM evidence e JOIN submissions s ON s.id = e.submission_id
                 WHERE s.evidence_purged_at IS NULL AND e.sha256 = $1)",
    )
    .bind(sha)
    .fetch_one(db)
    .await?;
    Ok(uses > 0)
}
