//! The paced import. Nothing is imported until a reviewer confirms the
//! plan; then a worker claims due batches one at a time and upserts their
//! rows into the tenant's contact store (keyed on the E.164 phone, ContactId
//! for Mongoose, email for the email profile): never a duplicate, never a
//! delete. Rows of the opt-in sources or segments the approval excluded are
//! not part of the import sequence. Each batch commits in one transaction
//! with the next batch's creation, so a crash loses or repeats nothing; an
//! interrupted batch is claimed again. Mongoose rows keep an existing
//! contact's MobileNumber unless updates were allowed and no other contact
//! of the tenant has the new number. A row replaces its contact's data
//! whole, so a Mongoose row with a blank or absent StaffId clears the staff
//! assignment, as Mongoose does. Opt-outs win: a row whose phone or e-mail
//! opted out after the row's consent fails (`services::suppressions`).
//! Every row with a contact key, imported or refused, joins that contact's
//! consent ledger (`services::ledger`) in the batch's transaction. The
//! next batch's size and time follow the ramp (`domain::ramp`).

use crate::db;
use crate::domain::contact::{E164, Row, cell, contact_key};
use crate::domain::event::{Event, EventKind};
use crate::domain::ledger::{ConsentState, imported_state};
use crate::domain::ramp::{DAY_MS, Pace, next_batch};
use crate::domain::{BatchStatus, Exclusions, Plan, SubmissionStatus};
use crate::services::ledger::ImportLedger;
use crate::services::suppressions::Admission;
use crate::services::{Backend, notify, now_ms, suppressions};
use listgate_api::ContactState;
use listgate_core::profile::Role;
use listgate_core::records::read_all;
use listgate_core::{Channels, Profile, Segment};
use sqlx::{Any, Transaction};
use std::time::Duration;

/// How often an idle worker looks for due batches.
pub const POLL: Duration = Duration::from_millis(250);
/// SQLite: a running batch not finished after this long is claimed again
/// (a restarted server requeues its cut-off batch at once).
const STALE_MS: i64 = 5 * 60 * 1000;
/// PostgreSQL: the server importing a batch holds its row lock until the
/// batch commits, so `SKIP LOCKED` passes over it however long it takes. A
/// running batch that is not locked lost its server (the lock died with the
/// connection) and is claimed again once this long has passed since its
/// claim: the time a live server has to get from its claim to the lock.
const ORPHANED_AFTER_MS: i64 = 2_000;

/// What one attempt of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// No batch was due.
    Idle,
    /// A batch was imported.
    Imported {
        /// Submission.
        submission: String,
        /// Batch number.
        number: i64,
    },
}

/// The rows of a clean file that the import takes, in file order, with
/// their spreadsheet row numbers: every row but those `exclusions` leave
/// out. A row's segment is read from its channel cell, or is the channel
/// the merchant declared for a list without one.
pub fn import_rows(
    clean: &[u8],
    profile: &Profile,
    declared: Option<Channels>,
    exclusions: &Exclusions,
) -> Vec<(u64, Row)> {
    let text = String::from_utf8_lossy(clean);
    let records = read_all(text.trim_start_matches('\u{feff}'), b',', true);
    let Some((header, rows)) = records.split_first() else {
        return Vec::new();
    };
    let header: Vec<String> = header.cells().map(str::to_owned).collect();
    let source = profile
        .field_for(Role::OptInSource)
        .map(|f| f.name.as_str());
    let channel = profile
        .field_for(Role::OptInChannel)
        .map(|f| f.name.as_str());
    rows.iter()
        .map(|record| {
            let row: Row = header
                .iter()
                .zip(record.cells())
                .map(|(h, v)| (h.clone(), serde_json::Value::from(v)))
                .collect();
            (record.row(), row)
        })
        .filter(|(_, row)| {
            if exclusions.is_empty() {
                return true;
            }
            let segment = match (channel.and_then(|c| cell(row, c)), declared) {
                (Some(cell), _) => Channels::from_cell(cell).segment(),
                (None, Some(channels)) => channels.segment(),
                (None, None) => Segment::Unknown,
            };
            let source = source.and_then(|s| cell(row, s)).unwrap_or_default();
            !exclusions.excludes(source, segment)
        })
        .collect()
}

/// Mongoose: an existing contact's MobileNumber changes only when the
/// merchant allowed mobile number updates and no other contact of the
/// tenant already has the new number, as on the platform (the contact's
/// `phone` index finds that other contact). The inner `Err` is the reason
/// the row fails.
async fn mobile_number_change(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    key: &str,
    profile: &Profile,
    allow_updates: bool,
    row: &Row,
    phone: Option<&E164>,
) -> Result<Result<(), String>, sqlx::Error> {
    let Some(field) = profile
        .field_for(Role::Phone)
        .filter(|_| profile.number_updates_need_permission)
    else {
        return Ok(Ok(()));
    };
    let Some(stored) = db::contacts::stored(tx, tenant, key).await? else {
        return Ok(Ok(()));
    };
    let name = field.name.as_str();
    let (Some(old), new) = (cell(&stored, name), cell(row, name).unwrap_or_default()) else {
        return Ok(Ok(()));
    };
    if E164::of(profile, &stored).as_ref() == phone {
        return Ok(Ok(()));
    }
    if !allow_updates {
        return Ok(Err(format!(
            "{name} would change from {old} to {new}; check again with \"allow mobile number updates\" to change it"
        )));
    }
    let Some(number) = phone else {
        return Ok(Ok(()));
    };
    Ok(
        match db::contacts::phone_holder(tx, tenant, key, number).await? {
            Some(other) => Err(format!(
                "{name} {new} belongs to another contact ({other}); a number moves to an existing contact only while no other contact has it"
            )),
            None => Ok(()),
        },
    )
}

/// Starts the import of an approved submission with `plan`: the first
/// batch is due now.
pub async fn start(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    to_import: i64,
    plan: &Plan,
) -> Result<(), sqlx::Error> {
    db::schedules::insert(tx, submission, plan).await?;
    let first = i64::try_from(plan.first_batch)
        .unwrap_or(i64::MAX)
        .min(to_import);
    db::schedules::insert_batch(tx, submission, 1, 0, first, now_ms()).await
}

/// Runs the worker until `stop` says so.
pub async fn run_worker(backend: Backend, mut stop: tokio::sync::watch::Receiver<bool>) {
    // PostgreSQL servers share the queue and take cut-off batches back
    // once they are stale; SQLite's single server takes its own back now.
    if !backend.postgres
        && let Err(error) = db::schedules::requeue_running(&backend.db).await
    {
        tracing::error!(error = %error, "cannot requeue interrupted batches");
    }
    loop {
        let imported = match try_execute_task(&backend).await {
            Ok(Outcome::Imported { .. }) => true,
            Ok(Outcome::Idle) => false,
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    "import batch failed; will retry"
                );
                false
            }
        };
        let delivered = crate::services::webhooks::try_deliver(&backend)
            .await
            .unwrap_or_else(|error| {
                tracing::error!(
                    error = format!("{error:#}"),
                    "webhook delivery could not run"
                );
                false
            });
        let notified = crate::services::notify::try_send(&backend)
            .await
            .unwrap_or_else(|error| {
                tracing::error!(
                    error = format!("{error:#}"),
                    "notifications could not be sent"
                );
                false
            });
        if *stop.borrow() {
            return;
        }
        if !imported && !delivered && !notified {
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

/// Claims one due batch and imports it.
pub async fn try_execute_task(backend: &Backend) -> anyhow::Result<Outcome> {
    let now = now_ms();
    let stale_before = now
        - if backend.postgres {
            ORPHANED_AFTER_MS
        } else {
            STALE_MS
        };
    let Some((submission, number)) =
        db::schedules::claim(&backend.db, now, stale_before, backend.postgres).await?
    else {
        return Ok(Outcome::Idle);
    };
    if !execute(backend, &submission, number, now).await? {
        return Ok(Outcome::Idle);
    }
    Ok(Outcome::Imported { submission, number })
}

/// The merchant's settings that matter to the import.
#[derive(Debug, Default, serde::Deserialize)]
struct ImportSettings {
    #[serde(default)]
    options: ImportOptions,
}

#[derive(Debug, Default, serde::Deserialize)]
struct ImportOptions {
    #[serde(default)]
    allow_mobile_number_updates: bool,
    #[serde(default)]
    channel: Option<Channels>,
}

/// A batch that finished.
#[derive(Debug, Clone, Copy)]
pub struct Finished {
    /// Its number.
    pub number: i64,
    /// Its first position in the import.
    pub start: i64,
    /// Its contacts.
    pub size: i64,
    /// When it finished (ms since the epoch).
    pub at_ms: i64,
}

/// Queues the batch after `finished` at `pace` under `plan`, with `left`
/// contacts still to import: due an interval after `finished` (never in the
/// past), later when the daily cap has no room.
pub async fn queue_next(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    finished: &Finished,
    pace: Pace,
    plan: &Plan,
    left: i64,
) -> Result<(), sqlx::Error> {
    let since = chrono::DateTime::from_timestamp_millis(finished.at_ms - DAY_MS)
        .unwrap_or_default()
        .to_rfc3339();
    let recent: Vec<(i64, u64)> = db::schedules::finished_since(tx, submission, &since)
        .await?
        .into_iter()
        .filter_map(|(at, contacts)| {
            let at = chrono::DateTime::parse_from_rfc3339(&at).ok()?;
            Some((at.timestamp_millis(), contacts as u64))
        })
        .collect();
    let next = next_batch(
        plan,
        finished.size as u64,
        pace,
        left as u64,
        finished.at_ms,
        &recent,
    );
    db::schedules::insert_batch(
        tx,
        submission,
        finished.number + 1,
        finished.start + finished.size,
        next.size as i64,
        next.due_at_ms.max(now_ms()),
    )
    .await
}

/// Imports a claimed batch in one transaction; `false` when another server
/// claimed it again first (see [`ORPHANED_AFTER_MS`]).
async fn execute(
    backend: &Backend,
    submission: &str,
    number: i64,
    claimed_at_ms: i64,
) -> anyhow::Result<bool> {
    let mut tx = backend.db.begin().await?;
    if !db::schedules::still_claimed(&mut tx, submission, number, claimed_at_ms, backend.postgres)
        .await?
    {
        tracing::warn!(submission, number, "batch claimed again by another server");
        return Ok(false);
    }
    let stored = db::submissions::find(&mut *tx, None, submission)
        .await?
        .ok_or_else(|| anyhow::anyhow!("batch of a missing submission {submission}"))?;
    // Submissions are accepted under built-in profiles only.
    let profile = Profile::builtin(&stored.profile)?;
    let settings: ImportSettings = serde_json::from_str(&stored.settings).unwrap_or_default();
    let exclusions: Exclusions = serde_json::from_str(&stored.exclusions)?;
    let schedule = db::schedules::find(&mut *tx, submission)
        .await?
        .ok_or_else(|| anyhow::anyhow!("batch without a schedule"))?;
    let (start, size) = db::schedules::batch(&mut tx, submission, number).await?;
    let clean = backend.store.get(&stored.clean_sha256).await?;
    let rows = import_rows(&clean, &profile, settings.options.channel, &exclusions);
    let to_import = rows.len() as i64;

    let (mut imported, mut failed) = (0_i64, 0_i64);
    let mut upserted = Vec::new();
    let mut states = Vec::new();
    let started = chrono::Utc::now();
    let now = started.to_rfc3339();
    let tenant = stored.tenant_id.as_str();
    let mut ledger = ImportLedger::open(
        &mut tx,
        tenant,
        submission,
        &profile,
        settings.options.channel,
        &stored.consent,
        &now,
    )
    .await?;
    for (row_number, row) in rows.into_iter().skip(start as usize).take(size as usize) {
        let phone = E164::of(&profile, &row);
        let key = match contact_key(&profile, &row) {
            Ok(key) => key,
            Err(reason) => {
                // No key: no contact, and no chain to record it in.
                failed += 1;
                db::contacts::record_failure(&mut tx, submission, row_number as i64, &reason)
                    .await?;
                continue;
            }
        };
        let number = mobile_number_change(
            &mut tx,
            tenant,
            &key,
            &profile,
            settings.options.allow_mobile_number_updates,
            &row,
            phone.as_ref(),
        )
        .await?;
        // Opt-outs win over older consent (`services::suppressions`).
        let admission = match number {
            Ok(()) => {
                suppressions::at_import(&mut tx, tenant, submission, &profile, &row, started)
                    .await?
            }
            Err(reason) => Admission::Refuse(reason),
        };
        match admission {
            Admission::Import {
                opted_out,
                replaced,
            } => {
                let before = db::contacts::consent_of(&mut tx, tenant, &key)
                    .await?
                    .map(|(state, _)| state.parse::<ConsentState>())
                    .transpose()
                    .map_err(|e| anyhow::anyhow!("stored consent state: {e}"))?;
                let row_opts_out = !opted_out.is_empty();
                let state = imported_state(&profile, before, row_opts_out);
                for (target, at) in &replaced {
                    ledger.opt_out_replaced(&mut tx, &key, target, *at).await?;
                }
                ledger
                    .imported(&mut tx, &key, row_number, &row, state)
                    .await?;
                for opt_out in &opted_out {
                    ledger.opted_out(&mut tx, &key, opt_out).await?;
                }
                let data = serde_json::Value::Object(row);
                let contact = db::contacts::ImportedContact {
                    key: &key,
                    data: &data.to_string(),
                    phone: phone.as_ref(),
                    state,
                };
                db::contacts::upsert(&mut tx, tenant, &contact, submission, &now).await?;
                upserted.push(data);
                states.push(ContactState {
                    contact_key: key,
                    state,
                });
                imported += 1;
            }
            Admission::Refuse(reason) => {
                failed += 1;
                ledger
                    .refused(&mut tx, &key, row_number, &row, &reason)
                    .await?;
                db::contacts::record_failure(&mut tx, submission, row_number as i64, &reason)
                    .await?;
            }
        }
    }
    crate::services::webhooks::enqueue(&mut tx, tenant, submission, number, upserted, states)
        .await?;
    let status = if failed > 0 && imported == 0 {
        BatchStatus::Failed
    } else {
        BatchStatus::Done
    };
    db::schedules::finish_batch(&mut tx, submission, number, status, imported, failed, &now)
        .await?;

    let pace = Pace::of(failed as u64, size as u64);
    let mut events = Vec::new();
    let told = |kind, message: String| Event::new(kind, submission, Some(number as u64), message);
    if pace == Pace::ShrinkAndPause {
        let reason = format!("batch {number}: {failed} of {size} rows failed (over 5 %)");
        db::schedules::set_paused(&mut tx, submission, Some(&reason)).await?;
        tracing::warn!(
            submission,
            number,
            failed,
            "import paused: too many failures"
        );
        events.push(told(
            EventKind::Paused,
            format!("Your import is paused for a reviewer: {reason}."),
        ));
    }
    let left = to_import - (start + size);
    let failures = if failed > 0 {
        format!(", {failed} rows failed (failures.csv lists them)")
    } else {
        String::new()
    };
    if left > 0 {
        let (awaits_signals, _) = db::signals::policy(&mut *tx, tenant).await?;
        let next = if awaits_signals && pace != Pace::ShrinkAndPause {
            // The next batch's size and time follow this one's delivery signals.
            db::schedules::set_awaiting_signals(&mut tx, submission, Some(number)).await?;
            "the next waits for this one's delivery signals"
        } else {
            let finished = Finished {
                number,
                start,
                size,
                at_ms: now_ms(),
            };
            queue_next(&mut tx, submission, &finished, pace, &schedule.plan(), left).await?;
            "the next is queued"
        };
        events.insert(
            0,
            told(
                EventKind::BatchImported,
                format!("Batch {number} is imported: {imported} contacts{failures}; {left} contacts to go, {next}."),
            ),
        );
    } else {
        db::schedules::complete(&mut tx, submission, &now).await?;
        db::submissions::set_status(
            &mut tx,
            submission,
            SubmissionStatus::Importing,
            SubmissionStatus::Imported,
        )
        .await?;
        let (all_imported, all_failed) = db::schedules::totals(&mut tx, submission).await?;
        let failures = if all_failed > 0 {
            format!("; {all_failed} rows failed (failures.csv lists them)")
        } else {
            String::new()
        };
        events.push(told(
            EventKind::Completed,
            format!("Your import is complete: {all_imported} contacts imported in {number} batches{failures}."),
        ));
    }
    for event in &events {
        notify::enqueue(&mut tx, backend, tenant, event).await?;
    }
    tx.commit().await?;
    tracing::info!(submission, number, imported, failed, "batch imported");
    Ok(true)
}
