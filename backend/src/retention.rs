//! Data retention: the clean list and the consent evidence of a finished
//! submission (imported or rejected) are deleted once it is older than the
//! retention period; the record of what was submitted and decided stays,
//! without the row-level issues (they quote numbers and addresses). The
//! same hourly sweep deletes reviewer sessions that have ended.

use crate::AppState;
use crate::store::BlobStore;
use chrono::{DateTime, Duration, Utc};
use sqlx::AnyPool;

/// Days a finished submission's files are kept unless `--retain-days` says otherwise.
pub const DEFAULT_RETAIN_DAYS: u32 = 90;

/// How often the server looks for expired submissions.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Deletes the files of every finished submission made before `now - retain`
/// and marks it purged. A file shared with a submission still held is kept.
/// Returns the number of submissions purged.
pub async fn purge_expired(
    db: &AnyPool,
    store: &BlobStore,
    retain: Duration,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let cutoff = (now - retain).to_rfc3339();
    let due: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT id, clean_sha256, report FROM submissions
         WHERE purged_at IS NULL AND status IN ('imported', 'rejected') AND created_at < $1",
    )
    .bind(&cutoff)
    .fetch_all(db)
    .await?;
    let mut purged = 0;
    for (id, clean, report) in due {
        let mut files: Vec<String> =
            sqlx::query_scalar("SELECT sha256 FROM evidence WHERE submission_id = $1")
                .bind(&id)
                .fetch_all(db)
                .await?;
        files.push(clean);
        // Marked first: a crash after this leaves files to sweep, never a
        // submission that says it holds files it lost.
        let marked = sqlx::query(
            "UPDATE submissions SET purged_at = $1, report = $2 WHERE id = $3 AND purged_at IS NULL",
        )
        .bind(now.to_rfc3339())
        .bind(without_issues(&report))
        .bind(&id)
        .execute(db)
        .await?;
        if marked.rows_affected() == 0 {
            continue;
        }
        for sha in files {
            if !still_held(db, &sha).await? {
                store.delete(&sha).await?;
            }
        }
        tracing::info!(submission = %id, "retention: list and evidence deleted");
        purged += 1;
    }
    Ok(purged)
}

/// Whether a submission not yet purged still uses the file `sha`.
async fn still_held(db: &AnyPool, sha: &str) -> anyhow::Result<bool> {
    let uses: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM submissions WHERE purged_at IS NULL AND clean_sha256 = $1)
              + (SELECT COUNT(*) FROM evidence e JOIN submissions s ON s.id = e.submission_id
                 WHERE s.purged_at IS NULL AND e.sha256 = $1)",
    )
    .bind(sha)
    .fetch_one(db)
    .await?;
    Ok(uses > 0)
}

/// The stored report with its listed issues dropped (counts stay).
fn without_issues(report: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(report) else {
        return report.to_owned();
    };
    if let Some(issues) = value.get_mut("issues").and_then(|i| i.as_array_mut()) {
        let dropped = issues.len() as u64;
        issues.clear();
        if let Some(not_listed) = value.get_mut("issues_not_listed") {
            *not_listed = (not_listed.as_u64().unwrap_or(0) + dropped).into();
        }
    }
    value.to_string()
}

/// Sweeps hourly (and at start) until `stop`: deletes ended reviewer
/// sessions, and purges finished submissions unless `retain_days` is 0.
pub async fn run(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let retain = (state.retain_days > 0).then(|| Duration::days(i64::from(state.retain_days)));
    loop {
        if let Err(error) = crate::reviewers::delete_expired_sessions(&state.db, Utc::now()).await {
            tracing::error!(error = %error, "deleting ended sessions failed");
        }
        if let Some(retain) = retain
            && let Err(error) = purge_expired(&state.db, &state.store, retain, Utc::now()).await
        {
            tracing::error!(error = format!("{error:#}"), "retention sweep failed");
        }
        tokio::select! {
            () = tokio::time::sleep(SWEEP_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}
