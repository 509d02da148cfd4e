//! `batch_signals`, and each tenant's choice to wait for them.

use listgate_api::{DeliverySignals, SignalThresholds};
use sqlx::{Any, AnyPool, Transaction};

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Records (or replaces: counts grow as messages are delivered) what the
/// platform reported of a batch, and why it paused the import, if it did.
pub async fn upsert(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    batch: i64,
    signals: &DeliverySignals,
    breach: Option<&str>,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO batch_signals (submission_id, batch, sent, delivered, failed, blocked, reported_spam, opted_out, breach, reported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (submission_id, batch) DO UPDATE SET sent = excluded.sent, delivered = excluded.delivered,
           failed = excluded.failed, blocked = excluded.blocked, reported_spam = excluded.reported_spam,
           opted_out = excluded.opted_out, breach = excluded.breach, reported_at = excluded.reported_at",
    )
    .bind(submission)
    .bind(batch)
    .bind(signed(signals.sent))
    .bind(signed(signals.delivered))
    .bind(signed(signals.failed))
    .bind(signed(signals.blocked))
    .bind(signed(signals.reported_spam))
    .bind(signed(signals.opted_out))
    .bind(breach)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The signals of every batch of the submission that has them: batch
/// number, counts, breach.
pub async fn of_submission(
    db: &AnyPool,
    submission: &str,
) -> Result<Vec<(i64, DeliverySignals, Option<String>)>, sqlx::Error> {
    type Row = (i64, i64, i64, i64, i64, i64, i64, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT batch, sent, delivered, failed, blocked, reported_spam, opted_out, breach
         FROM batch_signals WHERE submission_id = $1 ORDER BY batch",
    )
    .bind(submission)
    .fetch_all(db)
    .await?;
    let count = |n: i64| n.max(0) as u64;
    Ok(rows
        .into_iter()
        .map(
            |(batch, sent, delivered, failed, blocked, reported_spam, opted_out, breach)| {
                let signals = DeliverySignals {
                    sent: count(sent),
                    delivered: count(delivered),
                    failed: count(failed),
                    blocked: count(blocked),
                    reported_spam: count(reported_spam),
                    opted_out: count(opted_out),
                };
                (batch, signals, breach)
            },
        )
        .collect())
}

/// Whether the tenant's imports wait for each batch's signals, and its thresholds.
pub async fn policy(
    db: impl sqlx::Executor<'_, Database = Any>,
    tenant: &str,
) -> Result<(bool, SignalThresholds), sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT signals_expected, signal_thresholds FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_optional(db)
            .await?;
    let (expected, thresholds) = row.unwrap_or((0, "{}".into()));
    // Written by `set_policy` only; an unreadable value keeps the defaults.
    Ok((
        expected != 0,
        serde_json::from_str(&thresholds).unwrap_or_default(),
    ))
}

/// Sets whether the tenant's imports wait for signals, and its thresholds.
/// `Ok(false)` when there is no such tenant.
pub async fn set_policy(
    db: &AnyPool,
    tenant: &str,
    expected: bool,
    thresholds: &SignalThresholds,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE tenants SET signals_expected = $1, signal_thresholds = $2 WHERE id = $3",
    )
    .bind(i64::from(expected))
    .bind(serde_json::to_string(thresholds)?)
    .bind(tenant)
    .execute(db)
    .await?
    .rows_affected();
    Ok(changed == 1)
}
