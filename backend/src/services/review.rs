//! Reviewing: a decision (approve, perhaps excluding opt-in sources or
//! segments; request changes; reject) on a submission waiting for review,
//! every one kept in its history; the plan a reviewer confirms before
//! anything is imported (and may change while it runs); pausing, resizing
//! and resending webhooks during the import.

use crate::db;
use crate::db::submissions::NewDecision;
use crate::domain::event::{Event, EventKind};
use crate::domain::{DecisionRequest, Exclusions, Plan, ReviewKind, SubmissionStatus};
use crate::services::import::{import_rows, start};
use crate::services::intake::settings_of;
use crate::services::{Backend, ServiceError, notify, now_ms};
use listgate_api::{DecisionView, ExcludedView, ReasonView};
use listgate_core::{Profile, Report};

/// Records `request` by `reviewer` on the submission `id`, which must be
/// waiting for review. An approval imports nothing yet: a reviewer
/// confirms the plan first.
pub async fn decide(
    backend: &Backend,
    reviewer: &str,
    id: &str,
    request: &DecisionRequest,
) -> Result<(), ServiceError> {
    let row = db::submissions::find(&backend.db, None, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = row.status()?;
    if status != SubmissionStatus::PendingReview {
        return Err(ServiceError::Conflict(match status {
            SubmissionStatus::ChangesRequested => {
                "changes were requested: the submission returns to the queue when the merchant adds them".to_owned()
            }
            other => format!("this submission was already decided: {other}"),
        }));
    }
    let kind = ReviewKind::of_builtin(&row.profile).unwrap_or(ReviewKind::Whatsapp);
    let verdict = request.verdict();
    let reasons = request.reasons();
    if verdict != crate::domain::Verdict::Approved && reasons.is_empty() {
        return Err(ServiceError::Invalid(format!(
            "a decision to {} names at least one reason: {}",
            if verdict == crate::domain::Verdict::Rejected {
                "reject"
            } else {
                "request changes"
            },
            names(kind)
        )));
    }
    if let Some(reason) = reasons.iter().find(|r| !kind.reasons().contains(r)) {
        return Err(ServiceError::Invalid(format!(
            "`{reason}` is not a reason for a {} list; its reasons are {}",
            row.profile,
            names(kind)
        )));
    }
    let (exclusions, excluded) = match request {
        DecisionRequest::Approve { exclude, .. } if !exclude.is_empty() => {
            let excluded = count_excluded(backend, &row, exclude).await?;
            (exclude.clone(), excluded)
        }
        _ => (Exclusions::default(), 0),
    };
    let mut tx = backend.db.begin().await?;
    if !db::submissions::set_status(&mut tx, id, status, verdict.status()).await? {
        return Err(ServiceError::Conflict(
            "another reviewer decided it meanwhile".into(),
        ));
    }
    let exclusions_json = serde_json::to_string(&exclusions)?;
    let decided_at = chrono::Utc::now().to_rfc3339();
    let told = DecisionView {
        verdict,
        reasons: reasons.iter().copied().map(ReasonView::from).collect(),
        note: request.note().to_owned(),
        excluded: (!exclusions.is_empty()).then_some(ExcludedView {
            exclusions: exclusions.clone(),
            contacts: excluded as u64,
        }),
        decided_at: decided_at.clone(),
    };
    notify::enqueue(&mut tx, backend, &row.tenant_id, &Event::decided(id, told)).await?;
    db::submissions::set_exclusions(&mut tx, id, &exclusions_json, excluded).await?;
    db::submissions::insert_decision(
        &mut tx,
        id,
        &NewDecision {
            reviewer,
            verdict,
            reasons: &serde_json::to_string(reasons)?,
            note: request.note(),
            exclusions: &exclusions_json,
            excluded,
            decided_at: &decided_at,
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(submission = %id, reviewer, %verdict, excluded, "review decided");
    Ok(())
}

fn names(kind: ReviewKind) -> String {
    kind.reasons()
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The contacts of the submission's clean list that `exclude` leaves out;
/// a source the report does not list, or leaving out every contact, is refused.
async fn count_excluded(
    backend: &Backend,
    row: &db::submissions::SubmissionRow,
    exclude: &Exclusions,
) -> Result<i64, ServiceError> {
    let report: Report = serde_json::from_str(&row.report)?;
    if let Some(unknown) = exclude.opt_in_sources.iter().find(|s| {
        !report
            .opt_in_sources
            .iter()
            .any(|listed| &listed.source == *s)
    }) {
        let listed: Vec<&str> = report
            .opt_in_sources
            .iter()
            .map(|s| s.source.as_str())
            .collect();
        return Err(ServiceError::Invalid(format!(
            "`{unknown}` is not an opt-in source of this list; its sources are {}",
            listed.join(", ")
        )));
    }
    if row.purged_at.is_some() {
        return Err(ServiceError::Gone(
            "the list was deleted under the retention period".into(),
        ));
    }
    let profile = Profile::builtin(&row.profile).map_err(anyhow::Error::from)?;
    let settings = settings_of(row)?;
    let clean = backend.store.get(&row.clean_sha256).await?;
    let kept = import_rows(
        &clean,
        &profile,
        settings.settings.options.judging.channel,
        exclude,
    )
    .len() as i64;
    if kept == 0 {
        return Err(ServiceError::Invalid(
            "these exclusions leave no contact to import: reject the list or request changes instead".into(),
        ));
    }
    Ok(row.contacts - kept)
}

/// Confirms `plan` for an approved submission (its import starts now), or
/// changes the plan of a running import: the queued batch keeps within the
/// new cap and daily cap, and a new interval counts from now.
pub async fn confirm_plan(backend: &Backend, id: &str, plan: Plan) -> Result<(), ServiceError> {
    let plan = plan.validated().map_err(|e| ServiceError::Invalid(e.0))?;
    let row = db::submissions::find(&backend.db, None, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let to_import = row.contacts - row.excluded;
    let mut tx = backend.db.begin().await?;
    match row.status()? {
        SubmissionStatus::Approved => {
            if !db::submissions::set_status(
                &mut tx,
                id,
                SubmissionStatus::Approved,
                SubmissionStatus::Importing,
            )
            .await?
            {
                return Err(ServiceError::Conflict(
                    "the plan was confirmed meanwhile".into(),
                ));
            }
            start(&mut tx, id, to_import, &plan).await?;
            tracing::info!(submission = %id, ?plan, "plan confirmed; import started");
        }
        SubmissionStatus::Importing => {
            let before = db::schedules::find(&mut *tx, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("importing without a schedule"))?
                .plan();
            db::schedules::update_plan(&mut tx, id, &plan).await?;
            let largest = plan.daily_cap.map_or(plan.cap, |daily| daily.min(plan.cap));
            db::schedules::resize_queued(&mut tx, id, largest as i64, to_import).await?;
            if before.interval_seconds != plan.interval_seconds {
                let due = now_ms() + (plan.interval_seconds as i64).saturating_mul(1000);
                db::schedules::set_queued_due(&mut tx, id, due).await?;
            }
            tracing::info!(submission = %id, ?plan, "plan changed");
        }
        other => {
            return Err(ServiceError::Conflict(format!(
                "a plan is confirmed for an approved submission; this one is {other}"
            )));
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Changes to a running import; `None` leaves a setting as it is.
#[derive(Debug, Default, Clone, Copy)]
pub struct Reschedule {
    /// Pause (`true`) or resume (`false`).
    pub paused: Option<bool>,
    /// Seconds between batches.
    pub interval_seconds: Option<u64>,
    /// Contacts in the next (queued) batch.
    pub next_batch_size: Option<u64>,
}

/// Pauses or resumes an import, changes the interval, resizes the next batch.
pub async fn reschedule(
    backend: &Backend,
    id: &str,
    change: Reschedule,
) -> Result<(), ServiceError> {
    let row = db::submissions::find(&backend.db, None, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut tx = backend.db.begin().await?;
    let schedule = db::schedules::find(&mut *tx, id).await?.ok_or_else(|| {
        ServiceError::Conflict(
            "this submission has no import yet: approve it and confirm its plan first".into(),
        )
    })?;
    if let Some(paused) = change.paused {
        let reason = paused.then_some("paused by a reviewer");
        db::schedules::set_paused(&mut tx, id, reason).await?;
        let event = match paused {
            true => Event::new(
                EventKind::Paused,
                id,
                None,
                "Your import is paused by a reviewer.".into(),
            ),
            false => Event::new(
                EventKind::Resumed,
                id,
                None,
                "Your import is resumed.".into(),
            ),
        };
        notify::enqueue(&mut tx, backend, &row.tenant_id, &event).await?;
    }
    if let Some(seconds) = change.interval_seconds {
        let plan = Plan {
            interval_seconds: seconds,
            ..schedule.plan()
        }
        .validated()
        .map_err(|e| ServiceError::Invalid(e.0))?;
        db::schedules::update_plan(&mut tx, id, &plan).await?;
        // The queued batch is due `seconds` from now.
        let due = now_ms() + (seconds as i64).saturating_mul(1000);
        db::schedules::set_queued_due(&mut tx, id, due).await?;
    }
    if let Some(size) = change.next_batch_size {
        if size == 0 {
            return Err(ServiceError::Invalid(
                "the next batch needs at least one contact".into(),
            ));
        }
        let size = i64::try_from(size).unwrap_or(i64::MAX);
        let total = row.contacts - row.excluded;
        match schedule.awaiting_signals {
            // A reviewer sends the next batch without waiting for the signals.
            Some(awaited) => {
                let (start, last) = db::schedules::batch(&mut tx, id, awaited).await?;
                let next_start = start + last;
                db::schedules::insert_batch(
                    &mut tx,
                    id,
                    awaited + 1,
                    next_start,
                    size.min(total - next_start),
                    now_ms(),
                )
                .await?;
                db::schedules::set_awaiting_signals(&mut tx, id, None).await?;
            }
            None => db::schedules::resize_queued(&mut tx, id, size, total).await?,
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Sends a batch's given-up webhook delivery again.
pub async fn retry_webhook(backend: &Backend, id: &str, batch: i64) -> Result<(), ServiceError> {
    if !crate::services::webhooks::retry(backend, id, batch).await? {
        return Err(ServiceError::Conflict(format!(
            "batch {batch} has no failed webhook delivery to send again"
        )));
    }
    Ok(())
}

/// One evidence file: its name, declared content type and bytes.
pub async fn evidence_file(
    backend: &Backend,
    id: &str,
    position: i64,
) -> Result<(String, String, Vec<u8>), ServiceError> {
    let (name, declared, sha, purged_at) =
        db::submissions::evidence_file(&backend.db, id, position)
            .await?
            .ok_or(ServiceError::NotFound)?;
    if let Some(at) = purged_at {
        return Err(ServiceError::Gone(format!(
            "the evidence was deleted on {at}, when its retention period ended"
        )));
    }
    let bytes = backend.store.get(&sha).await?;
    Ok((name, declared, bytes))
}
