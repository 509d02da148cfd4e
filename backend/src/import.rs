//! The paced import. After approval a schedule starts with a small first
//! batch; a worker claims due batches one at a time and upserts their rows
//! into the tenant's contact store (keyed on the E.164 phone, ContactId for
//! Mongoose, email for the email profile): never a duplicate, never a delete.
//! Each batch commits in one transaction with the next batch's creation, so
//! a crash loses or repeats nothing; an interrupted batch is claimed again.
//! Mongoose rows keep an existing contact's MobileNumber unless updates were
//! allowed and no other contact of the tenant has the new number. A row
//! replaces its contact's data whole, so a Mongoose row with a blank or
//! absent StaffId clears the staff assignment, as Mongoose does.
//!
//! Ramp: the next batch doubles (up to the cap) while a batch finishes with
//! under 2 % failures, stays the same up to 5 %, and above 5 % it halves and
//! the schedule pauses for a reviewer.

use crate::web::AppState;
use listgate_core::normalize::email::email_key;
use listgate_core::profile::{FieldKind, FieldSpec, Role};
use listgate_core::records::read_all;
use listgate_core::{BatchOptions, Profile};
use serde::{Deserialize, Serialize};
use sqlx::{Any, AnyPool, AssertSqlSafe, Transaction};
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

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A clean-file row, column → value: what the store keeps of a contact.
type Row = serde_json::Map<String, serde_json::Value>;

/// The key that identifies a row's contact in the tenant's store: the
/// value of the profile's first key field that is filled (the E.164 phone;
/// for Mongoose the ContactId, else the StudentId; for the email profile
/// the email), prefixed with its field name when it is not the first, so
/// that keys of different fields never meet. An address is keyed on core's
/// [`email_key`], the form duplicates are found by, so that `Ann@Example.com`
/// and `ann@example.com` update one contact whichever client wrote the file.
/// `Err` says what is missing.
pub fn contact_key(
    profile: &Profile,
    row: &serde_json::Map<String, serde_json::Value>,
) -> Result<String, String> {
    let fields: Vec<&FieldSpec> = profile
        .key
        .iter()
        .filter_map(|role| profile.field_for(*role))
        .collect();
    fields
        .iter()
        .enumerate()
        .find_map(|(i, field)| {
            let value = cell(row, &field.name)?;
            let value = match field.kind {
                FieldKind::Email => email_key(value),
                _ => value.to_owned(),
            };
            Some(if i == 0 {
                value
            } else {
                format!("{}:{value}", field.name)
            })
        })
        .ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            format!("no {} to identify the contact", names.join(" or "))
        })
}

/// The trimmed, non-empty text of cell `name`.
fn cell<'r>(row: &'r Row, name: &str) -> Option<&'r str> {
    row.get(name)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A contact's phone as the store indexes it: the E.164 form of its
/// profile's phone cell, however the clean file writes it (Mongoose writes
/// `+1 201-555-0123`), so that one number is one value.
#[derive(Debug, Clone, PartialEq, Eq)]
struct E164(String);

impl E164 {
    /// The phone of `row` under `profile`, when it has one. Clean files hold
    /// normalized numbers only, so a cell's digits are its E.164 form.
    fn of(profile: &Profile, row: &Row) -> Option<E164> {
        let field = profile.field_for(Role::Phone)?;
        let digits: String = cell(row, &field.name)?
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then(|| E164(format!("+{digits}")))
    }

    /// The `contacts.phone` value: '' for none, so that NULL keeps meaning
    /// "not derived yet" (see [`index_phones`]).
    fn column(phone: Option<&E164>) -> &str {
        phone.map_or("", |p| p.0.as_str())
    }
}

/// Derives `contacts.phone` for contacts stored before the store indexed
/// phones, a page at a time, when the server connects; once every contact
/// has one this is a single indexed look-up that finds nothing.
pub async fn index_phones(db: &AnyPool) -> anyhow::Result<()> {
    loop {
        let page: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.tenant_id, c.contact_key, c.data, s.profile FROM contacts c
             LEFT JOIN submissions s ON s.id = c.submission_id
             WHERE c.phone IS NULL LIMIT 500",
        )
        .fetch_all(db)
        .await?;
        if page.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin().await?;
        for (tenant, key, data, profile) in page {
            let profile = profile.and_then(|name| Profile::builtin(&name).ok());
            let data = serde_json::from_str::<Row>(&data).ok();
            let phone = profile.zip(data).and_then(|(p, d)| E164::of(&p, &d));
            sqlx::query("UPDATE contacts SET phone = $1 WHERE tenant_id = $2 AND contact_key = $3")
                .bind(E164::column(phone.as_ref()))
                .bind(tenant)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
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
    let stored: Option<String> =
        sqlx::query_scalar("SELECT data FROM contacts WHERE tenant_id = $1 AND contact_key = $2")
            .bind(tenant)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(stored) = stored.and_then(|data| serde_json::from_str::<Row>(&data).ok()) else {
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
    let holder: Option<String> = sqlx::query_scalar(
        "SELECT contact_key FROM contacts WHERE phone = $1 AND tenant_id = $2 AND contact_key <> $3 LIMIT 1",
    )
    .bind(&number.0)
    .bind(tenant)
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match holder {
        Some(other) => Err(format!(
            "{name} {new} belongs to another contact ({other}); a number moves to an existing contact only while no other contact has it"
        )),
        None => Ok(()),
    })
}

/// Starts the schedule of an approved submission: the first batch is due now.
pub async fn start_schedule(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    contacts: i64,
    interval_ms: i64,
) -> Result<(), sqlx::Error> {
    let plan = BatchOptions::default();
    sqlx::query(
        "INSERT INTO schedules (submission_id, paused, interval_ms, cap, completed_at) VALUES ($1, 0, $2, $3, NULL)",
    )
    .bind(submission)
    .bind(interval_ms)
    .bind(plan.cap as i64)
    .execute(&mut **tx)
    .await?;
    insert_batch(
        tx,
        submission,
        1,
        2,
        (plan.first as i64).min(contacts),
        now_ms(),
    )
    .await
}

async fn insert_batch(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    number: i64,
    first_row: i64,
    contacts: i64,
    due_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO batches (submission_id, number, first_row, contacts, status, due_at_ms, claimed_at_ms, imported, failed, finished_at)
         VALUES ($1, $2, $3, $4, 'queued', $5, NULL, 0, 0, NULL)",
    )
    .bind(submission)
    .bind(number)
    .bind(first_row)
    .bind(contacts)
    .bind(due_at_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Runs the worker until `stop` says so.
pub async fn run_worker(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    if !state.postgres {
        // SQLite has one server: a batch still marked running was cut off by
        // a crash (its transaction rolled back), so it is due again now.
        // PostgreSQL servers share the queue and take such batches back
        // once they are stale.
        if let Err(error) =
            sqlx::query("UPDATE batches SET status = 'queued' WHERE status = 'running'")
                .execute(&state.db)
                .await
        {
            tracing::error!(error = %error, "cannot requeue interrupted batches");
        }
    }
    loop {
        let imported = match try_execute_task(&state).await {
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
        let delivered = crate::webhooks::try_deliver(&state)
            .await
            .unwrap_or_else(|error| {
                tracing::error!(
                    error = format!("{error:#}"),
                    "webhook delivery could not run"
                );
                false
            });
        let idle = !imported && !delivered;
        if *stop.borrow() {
            return;
        }
        if idle {
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => return,
            }
        }
    }
}

/// Claims one due batch and imports it.
pub async fn try_execute_task(state: &AppState) -> anyhow::Result<Outcome> {
    let Some((submission, number, claimed_at_ms)) = claim(state).await? else {
        return Ok(Outcome::Idle);
    };
    if !execute(state, &submission, number, claimed_at_ms).await? {
        return Ok(Outcome::Idle);
    }
    Ok(Outcome::Imported { submission, number })
}

/// Marks the next due batch running. On PostgreSQL the candidate row is
/// locked with `FOR UPDATE SKIP LOCKED`, so several servers share the queue;
/// SQLite has one writer. The conditional update makes the claim exclusive
/// either way. Returns the batch and the claim's time.
async fn claim(state: &AppState) -> anyhow::Result<Option<(String, i64, i64)>> {
    let now = now_ms();
    let stale_before = now
        - if state.postgres {
            ORPHANED_AFTER_MS
        } else {
            STALE_MS
        };
    let lock = if state.postgres {
        " FOR UPDATE OF b SKIP LOCKED"
    } else {
        ""
    };
    let mut tx = state.db.begin().await?;
    // Safe: the only text added is the constant lock clause above.
    let candidate: Option<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT b.submission_id, b.number FROM batches b
         JOIN schedules s ON s.submission_id = b.submission_id
         WHERE s.paused = 0 AND b.due_at_ms <= $1
           AND (b.status = 'queued' OR (b.status = 'running' AND b.claimed_at_ms < $2))
         ORDER BY b.due_at_ms, b.submission_id LIMIT 1{lock}"
    )))
    .bind(now)
    .bind(stale_before)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((submission, number)) = candidate else {
        return Ok(None);
    };
    let claimed = sqlx::query(
        "UPDATE batches SET status = 'running', claimed_at_ms = $1
         WHERE submission_id = $2 AND number = $3
           AND (status = 'queued' OR (status = 'running' AND claimed_at_ms < $4))",
    )
    .bind(now)
    .bind(&submission)
    .bind(number)
    .bind(stale_before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok((claimed == 1).then_some((submission, number, now)))
}

/// Imports a claimed batch in one transaction; `false` when another server
/// claimed it again first (see [`ORPHANED_AFTER_MS`]).
async fn execute(
    state: &AppState,
    submission: &str,
    number: i64,
    claimed_at_ms: i64,
) -> anyhow::Result<bool> {
    let mut tx = state.db.begin().await?;
    // Still our claim? On PostgreSQL this also locks the row until commit.
    let lock = if state.postgres { " FOR UPDATE" } else { "" };
    // Safe: the only text added is the constant lock clause above.
    let ours: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT number FROM batches WHERE submission_id = $1 AND number = $2
           AND status = 'running' AND claimed_at_ms = $3{lock}"
    )))
    .bind(submission)
    .bind(number)
    .bind(claimed_at_ms)
    .fetch_optional(&mut *tx)
    .await?;
    if ours.is_none() {
        tracing::warn!(submission, number, "batch claimed again by another server");
        return Ok(false);
    }
    let (tenant, profile, clean_sha, total, settings): (String, String, String, i64, String) = sqlx::query_as(
        "SELECT tenant_id, profile, clean_sha256, contacts, settings FROM submissions WHERE id = $1",
    )
    .bind(submission)
    .fetch_one(&mut *tx)
    .await?;
    // Submissions are accepted under built-in profiles only.
    let profile = Profile::builtin(&profile)?;
    let (first_row, size, interval_ms, cap): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT b.first_row, b.contacts, s.interval_ms, s.cap FROM batches b
         JOIN schedules s ON s.submission_id = b.submission_id
         WHERE b.submission_id = $1 AND b.number = $2",
    )
    .bind(submission)
    .bind(number)
    .fetch_one(&mut *tx)
    .await?;
    let bytes = state.store.get(&clean_sha).await?;
    let text = String::from_utf8_lossy(&bytes);
    let records = read_all(text.trim_start_matches('\u{feff}'), b',', true);
    let header: Vec<String> = records
        .first()
        .map(|r| r.cells().map(str::to_owned).collect())
        .unwrap_or_default();
    let allow_updates = serde_json::from_str::<serde_json::Value>(&settings)
        .ok()
        .and_then(|s| s["options"]["allow_mobile_number_updates"].as_bool())
        .unwrap_or(false);

    let (mut imported, mut failed) = (0_i64, 0_i64);
    let mut upserted = Vec::new();
    let now = chrono::Utc::now().to_rfc3339();
    for record in records
        .iter()
        .filter(|r| r.row() >= first_row as u64 && r.row() < (first_row + size) as u64)
    {
        let row: Row = header
            .iter()
            .zip(record.cells())
            .map(|(h, v)| (h.clone(), serde_json::Value::from(v)))
            .collect();
        let phone = E164::of(&profile, &row);
        let verdict = match contact_key(&profile, &row) {
            Ok(key) => mobile_number_change(
                &mut tx,
                &tenant,
                &key,
                &profile,
                allow_updates,
                &row,
                phone.as_ref(),
            )
            .await?
            .map(|()| key),
            Err(reason) => Err(reason),
        };
        let contact_key = match verdict {
            Ok(key) => key,
            Err(reason) => {
                failed += 1;
                sqlx::query(
                    "INSERT INTO import_failures (submission_id, row_number, reason) VALUES ($1, $2, $3)
                     ON CONFLICT (submission_id, row_number) DO NOTHING",
                )
                .bind(submission)
                .bind(record.row() as i64)
                .bind(reason)
                .execute(&mut *tx)
                .await?;
                continue;
            }
        };
        let data = serde_json::Value::Object(row);
        sqlx::query(
            "INSERT INTO contacts (tenant_id, contact_key, data, phone, submission_id, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (tenant_id, contact_key) DO UPDATE SET data = excluded.data, phone = excluded.phone,
               submission_id = excluded.submission_id, updated_at = excluded.updated_at",
        )
        .bind(&tenant)
        .bind(contact_key)
        .bind(data.to_string())
        .bind(E164::column(phone.as_ref()))
        .bind(submission)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        upserted.push(data);
        imported += 1;
    }
    crate::webhooks::enqueue(&mut tx, &tenant, submission, number, upserted).await?;
    let status = if failed > 0 && imported == 0 {
        "failed"
    } else {
        "done"
    };
    sqlx::query(
        "UPDATE batches SET status = $1, imported = $2, failed = $3, finished_at = $4
         WHERE submission_id = $5 AND number = $6",
    )
    .bind(status)
    .bind(imported)
    .bind(failed)
    .bind(&now)
    .bind(submission)
    .bind(number)
    .execute(&mut *tx)
    .await?;

    let done_rows = first_row - 2 + size;
    let left = total - done_rows;
    let failure_rate = failed as f64 / size.max(1) as f64;
    let (next, pause) = if failure_rate < 0.02 {
        ((size * 2).min(cap), false)
    } else if failure_rate <= 0.05 {
        (size, false)
    } else {
        ((size / 2).max(1), true)
    };
    if pause {
        sqlx::query("UPDATE schedules SET paused = 1 WHERE submission_id = $1")
            .bind(submission)
            .execute(&mut *tx)
            .await?;
        tracing::warn!(
            submission,
            number,
            failed,
            "import paused: too many failures"
        );
    }
    if left > 0 {
        insert_batch(
            &mut tx,
            submission,
            number + 1,
            first_row + size,
            next.min(left),
            now_ms() + interval_ms,
        )
        .await?;
    } else {
        sqlx::query("UPDATE schedules SET completed_at = $1 WHERE submission_id = $2")
            .bind(&now)
            .bind(submission)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE submissions SET status = 'imported' WHERE id = $1")
            .bind(submission)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    tracing::info!(submission, number, imported, failed, "batch imported");
    Ok(true)
}

/// A batch as shown to merchants and reviewers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchView {
    /// 1-based number.
    pub number: i64,
    /// First clean-file row (header = 1).
    pub first_row: i64,
    /// Contacts in it.
    pub contacts: i64,
    /// queued, running, done or failed.
    pub status: String,
    /// Rows upserted.
    pub imported: i64,
    /// Rows that failed.
    pub failed: i64,
    /// Its delivery to the tenant's webhook, when the tenant has one.
    pub webhook: Option<DeliveryView>,
}

/// A batch's webhook delivery, for the batch monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryView {
    /// pending (being sent or retried), delivered, or failed (given up).
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Why the latest failed attempt failed (kept after a later success).
    pub last_error: Option<String>,
    /// When it is tried again, while pending (RFC 3339).
    pub next_attempt_at: Option<String>,
}

/// The schedule as shown to merchants and reviewers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScheduleView {
    /// Paused by a reviewer or by failures.
    pub paused: bool,
    /// Seconds between batches.
    pub interval_seconds: i64,
    /// When the last batch finished, once all are done.
    pub completed_at: Option<String>,
    /// The batches so far (the last may be queued).
    pub batches: Vec<BatchView>,
}

/// The schedule of a submission, once approved.
pub async fn schedule_view(
    state: &AppState,
    submission: &str,
) -> Result<Option<ScheduleView>, sqlx::Error> {
    let schedule: Option<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT paused, interval_ms, completed_at FROM schedules WHERE submission_id = $1",
    )
    .bind(submission)
    .fetch_optional(&state.db)
    .await?;
    let Some((paused, interval_ms, completed_at)) = schedule else {
        return Ok(None);
    };
    type Row = (
        i64,
        i64,
        i64,
        String,
        i64,
        i64,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<i64>,
    );
    let batches: Vec<Row> = sqlx::query_as(
        "SELECT b.number, b.first_row, b.contacts, b.status, b.imported, b.failed,
                d.status, d.attempts, d.last_error, d.next_attempt_ms
         FROM batches b
         LEFT JOIN webhook_deliveries d ON d.submission_id = b.submission_id AND d.batch = b.number
         WHERE b.submission_id = $1 ORDER BY b.number",
    )
    .bind(submission)
    .fetch_all(&state.db)
    .await?;
    Ok(Some(ScheduleView {
        paused: paused != 0,
        interval_seconds: interval_ms / 1000,
        completed_at,
        batches: batches
            .into_iter()
            .map(
                |(
                    number,
                    first_row,
                    contacts,
                    status,
                    imported,
                    failed,
                    delivery,
                    attempts,
                    last_error,
                    next_ms,
                )| {
                    let webhook = delivery.map(|delivery| DeliveryView {
                        next_attempt_at: next_ms
                            .filter(|_| delivery == "pending")
                            .and_then(chrono::DateTime::from_timestamp_millis)
                            .map(|at| at.to_rfc3339()),
                        status: delivery,
                        attempts: attempts.unwrap_or_default(),
                        last_error,
                    });
                    BatchView {
                        number,
                        first_row,
                        contacts,
                        status,
                        imported,
                        failed,
                        webhook,
                    }
                },
            )
            .collect(),
    }))
}
