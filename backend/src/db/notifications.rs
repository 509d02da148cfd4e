//! The `notifications` outbox: events for the tenant's webhook and e-mail.

use crate::domain::DeliveryStatus;
use crate::domain::event::EventKind;
use sqlx::{Any, AnyPool, Transaction};

/// Where a notification goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The tenant's webhook URL, signed like batches.
    Webhook,
    /// The tenant's contact address.
    Email,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Email => "email",
        }
    }
}

/// Queues `payload` about `event` for `target` on `channel`.
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    event: EventKind,
    channel: Channel,
    target: &str,
    payload: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO notifications (id, submission_id, event, channel, target, payload, status, attempts, next_attempt_ms, last_error, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, NULL, $9)",
    )
    .bind(crate::support::new_id())
    .bind(submission)
    .bind(event.as_str())
    .bind(channel.as_str())
    .bind(target)
    .bind(payload)
    .bind(DeliveryStatus::Pending.as_str())
    .bind(now_ms)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A notification due for an attempt.
#[derive(Debug, sqlx::FromRow)]
pub struct DueNotification {
    /// Its id (the webhook's Idempotency-Key).
    pub id: String,
    /// `EventKind` as stored.
    pub event: String,
    /// `webhook` or `email`.
    pub channel: String,
    /// The URL or the address.
    pub target: String,
    /// The event's JSON.
    pub payload: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The tenant's webhook signing secret.
    pub webhook_secret: Option<String>,
}

impl DueNotification {
    /// Whether it goes by e-mail.
    pub fn is_email(&self) -> bool {
        self.channel == Channel::Email.as_str()
    }
}

/// The notification due soonest at `now_ms`, claimed until `lease_ms`.
pub async fn claim_due(
    db: &AnyPool,
    now_ms: i64,
    lease_ms: i64,
) -> Result<Option<DueNotification>, sqlx::Error> {
    let due: Option<DueNotification> = sqlx::query_as(
        "SELECT n.id, n.event, n.channel, n.target, n.payload, n.attempts, t.webhook_secret
         FROM notifications n
         JOIN submissions s ON s.id = n.submission_id
         JOIN tenants t ON t.id = s.tenant_id
         WHERE n.status = $1 AND n.next_attempt_ms <= $2
         ORDER BY n.next_attempt_ms, n.created_at LIMIT 1",
    )
    .bind(DeliveryStatus::Pending.as_str())
    .bind(now_ms)
    .fetch_optional(db)
    .await?;
    let Some(due) = due else {
        return Ok(None);
    };
    let claimed = sqlx::query(
        "UPDATE notifications SET next_attempt_ms = $1 WHERE id = $2 AND status = $3 AND next_attempt_ms <= $4",
    )
    .bind(lease_ms)
    .bind(&due.id)
    .bind(DeliveryStatus::Pending.as_str())
    .bind(now_ms)
    .execute(db)
    .await?
    .rows_affected();
    Ok((claimed == 1).then_some(due))
}

/// Records an attempt's outcome.
pub async fn record_attempt(
    db: &AnyPool,
    id: &str,
    status: DeliveryStatus,
    attempts: i64,
    next_attempt_ms: i64,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notifications SET status = $1, attempts = $2, next_attempt_ms = $3,
           last_error = COALESCE($4, last_error) WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(attempts)
    .bind(next_attempt_ms)
    .bind(error)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}
