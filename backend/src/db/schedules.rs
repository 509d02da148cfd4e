//! The paced import's tables: `schedules` (one per submission whose plan is
//! confirmed) and `batches`, with the queue the workers claim from.

use crate::domain::{BatchStatus, Plan};
use sqlx::{Any, AnyPool, AssertSqlSafe, FromRow, Transaction};

/// A schedule row.
#[derive(Debug, Clone, FromRow)]
pub struct ScheduleRow {
    /// 1 while paused.
    pub paused: i64,
    /// Why, while paused.
    pub paused_reason: Option<String>,
    /// Milliseconds between batches.
    pub interval_ms: i64,
    /// Largest batch.
    pub cap: i64,
    /// First batch.
    pub first_batch: i64,
    /// Growth factor.
    pub growth: i64,
    /// Contacts per 24 hours at most.
    pub daily_cap: Option<i64>,
    /// When the last batch finished, once all are done.
    pub completed_at: Option<String>,
    /// The batch whose delivery signals the next batch waits for.
    pub awaiting_signals: Option<i64>,
}

impl ScheduleRow {
    /// The plan as confirmed (or last changed).
    pub fn plan(&self) -> Plan {
        Plan {
            first_batch: self.first_batch as u64,
            growth: self.growth as u64,
            cap: self.cap as u64,
            interval_seconds: (self.interval_ms / 1000) as u64,
            daily_cap: self.daily_cap.map(|d| d as u64),
        }
    }
}

fn interval_ms(plan: &Plan) -> i64 {
    i64::try_from(plan.interval_seconds.saturating_mul(1000)).unwrap_or(i64::MAX / 2)
}

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The submission's schedule, once its plan is confirmed.
pub async fn find(
    db: impl sqlx::Executor<'_, Database = Any>,
    submission: &str,
) -> Result<Option<ScheduleRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT paused, paused_reason, interval_ms, cap, first_batch, growth, daily_cap, completed_at, awaiting_signals
         FROM schedules WHERE submission_id = $1",
    )
    .bind(submission)
    .fetch_optional(db)
    .await
}

/// Starts the schedule of `plan`.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    plan: &Plan,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO schedules (submission_id, paused, interval_ms, cap, completed_at, first_batch, growth, daily_cap)
         VALUES ($1, 0, $2, $3, NULL, $4, $5, $6)",
    )
    .bind(submission)
    .bind(interval_ms(plan))
    .bind(signed(plan.cap))
    .bind(signed(plan.first_batch))
    .bind(signed(plan.growth))
    .bind(plan.daily_cap.map(signed))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Replaces the plan of a running schedule.
pub async fn update_plan(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    plan: &Plan,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE schedules SET interval_ms = $1, cap = $2, first_batch = $3, growth = $4, daily_cap = $5
         WHERE submission_id = $6",
    )
    .bind(interval_ms(plan))
    .bind(signed(plan.cap))
    .bind(signed(plan.first_batch))
    .bind(signed(plan.growth))
    .bind(plan.daily_cap.map(signed))
    .bind(submission)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Pauses (with why) or resumes the schedule.
pub async fn set_paused(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE schedules SET paused = $1, paused_reason = $2 WHERE submission_id = $3")
        .bind(i64::from(reason.is_some()))
        .bind(reason)
        .bind(submission)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Makes the next batch wait for batch `batch`'s delivery signals (`None`: wait for none).
pub async fn set_awaiting_signals(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    batch: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE schedules SET awaiting_signals = $1 WHERE submission_id = $2")
        .bind(batch)
        .bind(submission)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A finished batch: start, size, rows failed at import, finish (RFC 3339);
/// `None` when the batch does not exist or has not finished.
pub async fn finished_batch(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    number: i64,
) -> Result<Option<(i64, i64, i64, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT start, contacts, failed, finished_at FROM batches
         WHERE submission_id = $1 AND number = $2 AND status IN ($3, $4)",
    )
    .bind(submission)
    .bind(number)
    .bind(BatchStatus::Done.as_str())
    .bind(BatchStatus::Failed.as_str())
    .fetch_optional(&mut **tx)
    .await
}

/// Whether the submission has batch `number` at all.
pub async fn has_batch(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    number: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT number FROM batches WHERE submission_id = $1 AND number = $2")
            .bind(submission)
            .bind(number)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

/// Marks the schedule complete.
pub async fn complete(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE schedules SET completed_at = $1 WHERE submission_id = $2")
        .bind(now)
        .bind(submission)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Queues batch `number`: `contacts` from position `start`, due at `due_at_ms`.
pub async fn insert_batch(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    number: i64,
    start: i64,
    contacts: i64,
    due_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO batches (submission_id, number, start, contacts, status, due_at_ms, claimed_at_ms, imported, failed, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, 0, 0, NULL)",
    )
    .bind(submission)
    .bind(number)
    .bind(start)
    .bind(contacts)
    .bind(BatchStatus::Queued.as_str())
    .bind(due_at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Sets the queued batch's size to `size`, never past the `total` contacts
/// to import.
pub async fn resize_queued(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    size: i64,
    total: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE batches SET contacts = CASE WHEN $1 < $2 - start THEN $1 ELSE $2 - start END
         WHERE submission_id = $3 AND status = $4",
    )
    .bind(size)
    .bind(total)
    .bind(submission)
    .bind(BatchStatus::Queued.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Makes the queued batch due at `due_at_ms`.
pub async fn set_queued_due(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    due_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE batches SET due_at_ms = $1 WHERE submission_id = $2 AND status = $3")
        .bind(due_at_ms)
        .bind(submission)
        .bind(BatchStatus::Queued.as_str())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// SQLite has one server: batches still marked running were cut off by a
/// crash (their transactions rolled back), so they are due again now.
pub async fn requeue_running(db: &AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE batches SET status = $1 WHERE status = $2")
        .bind(BatchStatus::Queued.as_str())
        .bind(BatchStatus::Running.as_str())
        .execute(db)
        .await?;
    Ok(())
}

/// Marks the next due batch of an unpaused schedule running at `now`: a
/// queued one, or a running one claimed before `stale_before`. With
/// `skip_locked` (PostgreSQL) the candidate row is locked `FOR UPDATE SKIP
/// LOCKED`, so several servers share the queue; the conditional update makes
/// the claim exclusive either way. Returns the batch.
pub async fn claim(
    db: &AnyPool,
    now: i64,
    stale_before: i64,
    skip_locked: bool,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    let lock = if skip_locked {
        " FOR UPDATE OF b SKIP LOCKED"
    } else {
        ""
    };
    let mut tx = db.begin().await?;
    // Safe: the only text added is the constant lock clause above.
    let candidate: Option<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT b.submission_id, b.number FROM batches b
         JOIN schedules s ON s.submission_id = b.submission_id
         WHERE s.paused = 0 AND b.due_at_ms <= $1
           AND (b.status = $2 OR (b.status = $3 AND b.claimed_at_ms < $4))
         ORDER BY b.due_at_ms, b.submission_id LIMIT 1{lock}"
    )))
    .bind(now)
    .bind(BatchStatus::Queued.as_str())
    .bind(BatchStatus::Running.as_str())
    .bind(stale_before)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((submission, number)) = candidate else {
        return Ok(None);
    };
    let claimed = sqlx::query(
        "UPDATE batches SET status = $1, claimed_at_ms = $2
         WHERE submission_id = $3 AND number = $4
           AND (status = $5 OR (status = $1 AND claimed_at_ms < $6))",
    )
    .bind(BatchStatus::Running.as_str())
    .bind(now)
    .bind(&submission)
    .bind(number)
    .bind(BatchStatus::Queued.as_str())
    .bind(stale_before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok((claimed == 1).then_some((submission, number)))
}

/// Whether the batch is still running under the claim made at
/// `claimed_at_ms`; with `lock` (PostgreSQL) its row stays locked until the
/// transaction ends.
pub async fn still_claimed(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    number: i64,
    claimed_at_ms: i64,
    lock: bool,
) -> Result<bool, sqlx::Error> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    // Safe: the only text added is the constant lock clause above.
    let ours: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT number FROM batches WHERE submission_id = $1 AND number = $2
           AND status = $3 AND claimed_at_ms = $4{lock}"
    )))
    .bind(submission)
    .bind(number)
    .bind(BatchStatus::Running.as_str())
    .bind(claimed_at_ms)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(ours.is_some())
}

/// The batch's start and size.
pub async fn batch(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    number: i64,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as("SELECT start, contacts FROM batches WHERE submission_id = $1 AND number = $2")
        .bind(submission)
        .bind(number)
        .fetch_one(&mut **tx)
        .await
}

/// Records a batch's outcome.
pub async fn finish_batch(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    number: i64,
    status: BatchStatus,
    imported: i64,
    failed: i64,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE batches SET status = $1, imported = $2, failed = $3, finished_at = $4
         WHERE submission_id = $5 AND number = $6",
    )
    .bind(status.as_str())
    .bind(imported)
    .bind(failed)
    .bind(now)
    .bind(submission)
    .bind(number)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The finish times (RFC 3339) and sizes of the submission's batches that
/// finished after `since` (RFC 3339).
pub async fn finished_since(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    since: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT finished_at, contacts FROM batches WHERE submission_id = $1 AND finished_at > $2",
    )
    .bind(submission)
    .bind(since)
    .fetch_all(&mut **tx)
    .await
}

/// A batch with its webhook delivery, for the monitor.
#[derive(Debug, Clone, FromRow)]
pub struct BatchRow {
    /// Number.
    pub number: i64,
    /// First position.
    pub start: i64,
    /// Contacts.
    pub contacts: i64,
    /// `BatchStatus`.
    pub status: String,
    /// Rows upserted.
    pub imported: i64,
    /// Rows failed.
    pub failed: i64,
    /// When it may start (ms).
    pub due_at_ms: i64,
    /// When it finished.
    pub finished_at: Option<String>,
    /// `DeliveryStatus`, when the tenant has a webhook.
    pub delivery: Option<String>,
    /// Delivery attempts.
    pub attempts: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it is tried again (ms).
    pub next_attempt_ms: Option<i64>,
}

/// The submission's batches, in order.
pub async fn batches(db: &AnyPool, submission: &str) -> Result<Vec<BatchRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.number, b.start, b.contacts, b.status, b.imported, b.failed, b.due_at_ms, b.finished_at,
                d.status AS delivery, d.attempts, d.last_error, d.next_attempt_ms
         FROM batches b
         LEFT JOIN webhook_deliveries d ON d.submission_id = b.submission_id AND d.batch = b.number
         WHERE b.submission_id = $1 ORDER BY b.number",
    )
    .bind(submission)
    .fetch_all(db)
    .await
}

/// Contacts imported and rows failed over all of the submission's batches.
pub async fn totals(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(imported), 0) AS BIGINT), CAST(COALESCE(SUM(failed), 0) AS BIGINT)
         FROM batches WHERE submission_id = $1",
    )
    .bind(submission)
    .fetch_one(&mut **tx)
    .await
}
