//! The webhook outbox: `webhook_deliveries`, written in a batch's own
//! transaction and sent by the worker.

use crate::domain::DeliveryStatus;
use sqlx::{Any, AnyPool, Transaction};

/// Queues a delivery of `payload` to the tenant's webhook, when it has one.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    submission: &str,
    batch: i64,
    payload: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let url: Option<Option<String>> =
        sqlx::query_scalar("SELECT webhook_url FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(url) = url.flatten() else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO webhook_deliveries (submission_id, batch, url, payload, status, attempts, next_attempt_ms, last_error)
         VALUES ($1, $2, $3, $4, $5, 0, $6, NULL)",
    )
    .bind(submission)
    .bind(batch)
    .bind(url)
    .bind(payload)
    .bind(DeliveryStatus::Pending.as_str())
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A delivery due for an attempt.
#[derive(Debug, sqlx::FromRow)]
pub struct DueDelivery {
    /// Its submission.
    pub submission_id: String,
    /// Its batch.
    pub batch: i64,
    /// Where it goes.
    pub url: String,
    /// The JSON body.
    pub payload: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The tenant's signing secret.
    pub webhook_secret: String,
}

/// The delivery due soonest at `now_ms`, claimed until `lease_ms` so that no
/// other worker sends it meanwhile; `None` when none is due (or another
/// worker claimed it first).
pub async fn claim_due(
    db: &AnyPool,
    now_ms: i64,
    lease_ms: i64,
) -> Result<Option<DueDelivery>, sqlx::Error> {
    let due: Option<DueDelivery> = sqlx::query_as(
        "SELECT d.submission_id, d.batch, d.url, d.payload, d.attempts, t.webhook_secret
         FROM webhook_deliveries d
         JOIN submissions s ON s.id = d.submission_id
         JOIN tenants t ON t.id = s.tenant_id
         WHERE d.status = $1 AND d.next_attempt_ms <= $2
         ORDER BY d.next_attempt_ms LIMIT 1",
    )
    .bind(DeliveryStatus::Pending.as_str())
    .bind(now_ms)
    .fetch_optional(db)
    .await?;
    let Some(due) = due else {
        return Ok(None);
    };
    let claimed = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_ms = $1
         WHERE submission_id = $2 AND batch = $3 AND status = $4 AND next_attempt_ms <= $5",
    )
    .bind(lease_ms)
    .bind(&due.submission_id)
    .bind(due.batch)
    .bind(DeliveryStatus::Pending.as_str())
    .bind(now_ms)
    .execute(db)
    .await?
    .rows_affected();
    Ok((claimed == 1).then_some(due))
}

/// Records an attempt's outcome. A success keeps the last failure's reason:
/// the monitor shows why it took retries.
pub async fn record_attempt(
    db: &AnyPool,
    submission: &str,
    batch: i64,
    status: DeliveryStatus,
    attempts: i64,
    next_attempt_ms: i64,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_ms = $3,
           last_error = COALESCE($4, last_error)
         WHERE submission_id = $5 AND batch = $6",
    )
    .bind(status.as_str())
    .bind(attempts)
    .bind(next_attempt_ms)
    .bind(error)
    .bind(submission)
    .bind(batch)
    .execute(db)
    .await?;
    Ok(())
}

/// Makes a delivery that was given up pending again, from a first attempt
/// at `now_ms`; `false` when the batch has no failed delivery.
pub async fn retry(
    db: &AnyPool,
    submission: &str,
    batch: i64,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let retried = sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempts = 0, next_attempt_ms = $2
         WHERE submission_id = $3 AND batch = $4 AND status = $5",
    )
    .bind(DeliveryStatus::Pending.as_str())
    .bind(now_ms)
    .bind(submission)
    .bind(batch)
    .bind(DeliveryStatus::Failed.as_str())
    .execute(db)
    .await?
    .rows_affected();
    Ok(retried == 1)
}
