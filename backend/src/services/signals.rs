//! Delivery signals: the messaging platform reports, with the tenant's
//! secret key, what happened to each imported batch's contacts (sent,
//! delivered, failed, blocked or reported as spam, opted out). Signals over
//! the tenant's thresholds pause the import and halve the next batch; when
//! the tenant's imports wait for signals, healthy ones release the next
//! batch, grown by the plan. Signals of a batch nobody waits for are kept
//! and still pause the import when they are bad.

use crate::db;
use crate::domain::event::{Event, EventKind};
use crate::domain::ramp::Pace;
use crate::services::import::{Finished, queue_next};
use crate::services::{Backend, ServiceError, notify};
use listgate_api::DeliverySignals;

/// Records `signals` for batch `number` of the tenant's submission `id`
/// and paces the import by them.
pub async fn report(
    backend: &Backend,
    tenant: &str,
    id: &str,
    number: i64,
    signals: DeliverySignals,
) -> Result<(), ServiceError> {
    let row = db::submissions::find(&backend.db, Some(tenant), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (_, thresholds) = db::signals::policy(&backend.db, tenant).await?;
    let mut tx = backend.db.begin().await?;
    let Some((start, size, failed, finished_at)) =
        db::schedules::finished_batch(&mut tx, id, number).await?
    else {
        return Err(if db::schedules::has_batch(&mut tx, id, number).await? {
            ServiceError::Conflict(format!(
                "batch {number} is not imported yet: report its signals once its contacts were messaged"
            ))
        } else {
            ServiceError::NotFound
        });
    };
    if let Some(why) = signals.refusal(size as u64) {
        return Err(ServiceError::Invalid(why));
    }
    let breach = thresholds
        .breach(&signals)
        .map(|why| format!("batch {number}: {why}"));
    let now = chrono::Utc::now();
    db::signals::upsert(
        &mut tx,
        id,
        number,
        &signals,
        breach.as_deref(),
        &now.to_rfc3339(),
    )
    .await?;
    let schedule = db::schedules::find(&mut *tx, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a batch without a schedule"))?;
    if schedule.completed_at.is_none() {
        if let Some(why) = &breach {
            db::schedules::set_paused(&mut tx, id, Some(why)).await?;
            db::schedules::resize_queued(
                &mut tx,
                id,
                (size / 2).max(1),
                row.contacts - row.excluded,
            )
            .await?;
            tracing::warn!(submission = %id, number, why, "import paused by delivery signals");
            let message = format!("Your import is paused for a reviewer: {why}.");
            let event = Event::new(EventKind::Paused, id, Some(number as u64), message);
            notify::enqueue(&mut tx, backend, tenant, &event).await?;
        }
        if schedule.awaiting_signals == Some(number) {
            let pace = match breach {
                Some(_) => Pace::ShrinkAndPause,
                None => Pace::of(failed as u64, size as u64),
            };
            let at_ms = finished_at
                .and_then(|at| chrono::DateTime::parse_from_rfc3339(&at).ok())
                .map_or(now.timestamp_millis(), |at| at.timestamp_millis());
            let finished = Finished {
                number,
                start,
                size,
                at_ms,
            };
            let left = row.contacts - row.excluded - (start + size);
            queue_next(&mut tx, id, &finished, pace, &schedule.plan(), left).await?;
            db::schedules::set_awaiting_signals(&mut tx, id, None).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
