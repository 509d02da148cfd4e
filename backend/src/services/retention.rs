//! Data retention: the clean list of a finished submission (imported or
//! rejected), and the merchant's change list with it, is deleted once it
//! is older than `--retain-days`; the record of what was submitted and
//! decided stays, without the row-level issues and the changed cells
//! (they quote numbers and addresses). Its evidence and consent answers,
//! the proof needed whenever consent is challenged, stay for the longer
//! `--evidence-retain-days`. The same hourly sweep deletes reviewer
//! sessions that have ended.

use crate::db;
use crate::db::blobs::BlobStore;
use crate::services::{Backend, Retention};
use chrono::{DateTime, Duration, Utc};
use listgate_core::output::ChangeSummary;
use sqlx::AnyPool;

/// How often the server looks for expired submissions.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// What one sweep deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    /// Submissions whose list files went.
    pub lists: u64,
    /// Submissions whose evidence and consent answers went.
    pub evidence: u64,
}

/// Deletes the list of every finished submission made more than
/// `retention.list_days` before `now`, and its evidence and consent answers
/// once it is more than `retention.evidence_days` old (a period of 0 keeps
/// them forever). A file shared with a submission that still holds it is
/// kept. Each submission is marked first: a crash after that leaves files
/// to sweep, never a submission that says it holds files it lost.
pub async fn purge_expired(
    db: &AnyPool,
    store: &BlobStore,
    retention: Retention,
    now: DateTime<Utc>,
) -> anyhow::Result<Purged> {
    let mut purged = Purged::default();
    let cutoff =
        |days: u32| (days > 0).then(|| (now - Duration::days(i64::from(days))).to_rfc3339());
    if let Some(cutoff) = cutoff(retention.list_days) {
        for list in db::submissions::lists_to_purge(db, &cutoff).await? {
            let changes = list.changes.as_deref().map(without_lines).transpose()?;
            if !db::submissions::mark_list_purged(
                db,
                &list.id,
                &now.to_rfc3339(),
                &without_issues(&list.report),
                changes.as_deref(),
            )
            .await?
            {
                continue;
            }
            let files = std::iter::once(list.clean_sha256).chain(list.changes_sha256);
            delete_unheld(db, store, files).await?;
            tracing::info!(submission = %list.id, "retention: list deleted");
            purged.lists += 1;
        }
    }
    if let Some(cutoff) = cutoff(retention.evidence_days) {
        for id in db::submissions::evidence_to_purge(db, &cutoff).await? {
            let files = db::submissions::evidence_hashes(db, &id).await?;
            if !db::submissions::mark_evidence_purged(db, &id, &now.to_rfc3339()).await? {
                continue;
            }
            delete_unheld(db, store, files).await?;
            tracing::info!(submission = %id, "retention: evidence and consent answers deleted");
            purged.evidence += 1;
        }
    }
    Ok(purged)
}

/// Deletes each file no submission still holds.
async fn delete_unheld(
    db: &AnyPool,
    store: &BlobStore,
    files: impl IntoIterator<Item = String>,
) -> anyhow::Result<()> {
    for sha in files {
        if !db::submissions::blob_still_held(db, &sha).await? {
            store.delete(&sha).await?;
        }
    }
    Ok(())
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

/// The stored change list summary with its lines dropped (counts stay).
fn without_lines(changes: &str) -> anyhow::Result<String> {
    let mut summary: ChangeSummary = serde_json::from_str(changes)?;
    summary.shown.clear();
    Ok(serde_json::to_string(&summary)?)
}

/// Sweeps hourly (and at start) until `stop`: deletes ended reviewer
/// sessions, and what the retention periods end.
pub async fn run(backend: Backend, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(error) = db::reviewers::delete_expired_sessions(&backend.db, Utc::now()).await {
            tracing::error!(error = %error, "deleting ended sessions failed");
        }
        if let Err(error) =
            purge_expired(&backend.db, &backend.store, backend.retention, Utc::now()).await
        {
            tracing::error!(error = format!("{error:#}"), "retention sweep failed");
        }
        tokio::select! {
            () = tokio::time::sleep(SWEEP_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}
