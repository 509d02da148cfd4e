//! The consent ledger: what the import and the suppression list write to
//! each contact's chain, the chain as tenants and reviewers read it, and
//! the export of a submission's or a tenant's whole ledger for an audit,
//! streamed a page at a time (keyset pagination, so memory stays bounded
//! however long the ledger is).
//!
//! An import writes, for every row it takes with a contact key, an
//! `imported` or a `refused` event with the consent the row gave (its
//! wording stored once, by hash) and the approval it ran under; an opt-out
//! that row carries follows as `opted_out`, an opt-out its newer consent
//! replaces comes before it as `opt_out_removed`. The tenant's own
//! additions to and removals from the suppression list are events too, on
//! the chain of the address itself and of every contact holding that phone;
//! so are the messaging platform's reports (`services::consent`).

use crate::db;
use crate::db::ledger::{Approval, EventRow, NewEvent, NewOptOut};
use crate::domain::Verdict;
use crate::domain::contact::Row;
use crate::domain::ledger::{ConsentEventKind, ConsentRecord, ConsentState};
use crate::domain::suppression::{Suppressed, Suppression, SuppressionKind, SuppressionOrigin};
use crate::services::{Backend, ServiceError};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use listgate_api::{
    ConsentChain, ConsentDeclaration, ConsentDetails, ConsentEventView, ConsentGiven,
    LedgerDecision, LedgerSubmission, OptOutView,
};
use listgate_core::{Channels, Profile};
use sqlx::{Any, AnyPool, Transaction};
use std::collections::{HashMap, HashSet};

/// Events one page of an export holds (one query, one chunk of the body).
pub const EXPORT_PAGE: i64 = 1_000;

/// What one import batch writes to the ledger: the submission's context,
/// read once, and the wordings already stored.
#[derive(Debug)]
pub struct ImportLedger<'a> {
    tenant: &'a str,
    submission: &'a str,
    profile: &'a Profile,
    channels: Option<Channels>,
    declared: Option<ConsentDetails>,
    approval: Option<Approval>,
    recorded_at: &'a str,
    wordings: HashSet<String>,
}

impl<'a> ImportLedger<'a> {
    /// The ledger of a batch of `submission` (of `tenant`, under
    /// `profile`, with the channels the merchant declared for a list
    /// without a channel column and the `consent` declaration as stored),
    /// recorded at `recorded_at`.
    pub async fn open(
        tx: &mut Transaction<'_, Any>,
        tenant: &'a str,
        submission: &'a str,
        profile: &'a Profile,
        channels: Option<Channels>,
        consent: &str,
        recorded_at: &'a str,
    ) -> Result<ImportLedger<'a>, sqlx::Error> {
        // `null` once the evidence retention period deleted it.
        let declared = serde_json::from_str::<Option<ConsentDeclaration>>(consent)
            .ok()
            .flatten()
            .map(|d| d.consent);
        Ok(ImportLedger {
            approval: db::ledger::approval(tx, submission).await?,
            tenant,
            submission,
            profile,
            channels,
            declared,
            recorded_at,
            wordings: HashSet::new(),
        })
    }

    /// Row `row_number` (`row`) was imported as contact `key`, whose
    /// consent now stands at `state`.
    pub async fn imported(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        key: &str,
        row_number: u64,
        row: &Row,
        state: ConsentState,
    ) -> Result<(), sqlx::Error> {
        let row = RowEvent {
            kind: ConsentEventKind::Imported,
            row_number,
            row,
            reason: None,
            state: Some(state),
        };
        self.row_event(tx, key, row).await
    }

    /// Row `row_number` (`row`) of contact `key` failed for `reason`.
    pub async fn refused(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        key: &str,
        row_number: u64,
        row: &Row,
        reason: &str,
    ) -> Result<(), sqlx::Error> {
        let row = RowEvent {
            kind: ConsentEventKind::Refused,
            row_number,
            row,
            reason: Some(reason),
            state: None,
        };
        self.row_event(tx, key, row).await
    }

    async fn row_event(
        &mut self,
        tx: &mut Transaction<'_, Any>,
        key: &str,
        RowEvent {
            kind,
            row_number,
            row,
            reason,
            state,
        }: RowEvent<'_>,
    ) -> Result<(), sqlx::Error> {
        let consent = ConsentRecord::of(self.profile, row, self.channels, self.declared.as_ref());
        let sha = consent.wording_sha256();
        if let (Some(sha), Some(wording)) = (&sha, &consent.wording)
            && !self.wordings.contains(sha)
        {
            db::ledger::put_wording(tx, sha, wording).await?;
            self.wordings.insert(sha.clone());
        }
        let event = NewEvent {
            submission: Some(self.submission),
            row_number: i64::try_from(row_number).ok(),
            consent: Some(&consent),
            wording_sha256: sha.as_deref(),
            approval: self.approval.as_ref(),
            reason,
            state,
            ..NewEvent::new(self.tenant, key, kind, self.recorded_at)
        };
        db::ledger::insert(tx, &event).await
    }

    /// The imported row of contact `key` carried `opt_out` (now on the list).
    pub async fn opted_out(
        &self,
        tx: &mut Transaction<'_, Any>,
        key: &str,
        opt_out: &Suppression,
    ) -> Result<(), sqlx::Error> {
        let event = NewEvent {
            submission: Some(self.submission),
            opt_out: Some(NewOptOut {
                target: &opt_out.target,
                suppressed_at: opt_out.suppressed_at,
                origin: SuppressionOrigin::Import,
            }),
            reason: Some(opt_out.reason.as_str()),
            state: Some(ConsentState::OptedOut),
            ..NewEvent::new(
                self.tenant,
                key,
                ConsentEventKind::OptedOut,
                self.recorded_at,
            )
        };
        db::ledger::insert(tx, &event).await
    }

    /// The row of contact `key` consented after the opt-out of `target`
    /// made at `suppressed_at`, which its import took off the list.
    pub async fn opt_out_replaced(
        &self,
        tx: &mut Transaction<'_, Any>,
        key: &str,
        target: &Suppressed,
        suppressed_at: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let reason = format!(
            "replaced by newer consent in submission {}",
            self.submission
        );
        let event = NewEvent {
            submission: Some(self.submission),
            opt_out: Some(NewOptOut {
                target,
                suppressed_at,
                origin: SuppressionOrigin::Import,
            }),
            reason: Some(&reason),
            ..NewEvent::new(
                self.tenant,
                key,
                ConsentEventKind::OptOutRemoved,
                self.recorded_at,
            )
        };
        db::ledger::insert(tx, &event).await
    }
}

/// What an import row's event says.
struct RowEvent<'r> {
    kind: ConsentEventKind,
    row_number: u64,
    row: &'r Row,
    reason: Option<&'r str>,
    state: Option<ConsentState>,
}

/// The contacts an opt-out of `target` is about: the address itself (the
/// key of phone- and e-mail-keyed contacts) and every contact of the
/// tenant whose phone it is.
async fn contacts_of(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    target: &Suppressed,
) -> Result<Vec<String>, sqlx::Error> {
    let mut keys = vec![target.value().to_owned()];
    if target.kind() == SuppressionKind::Phone {
        for key in db::contacts::keys_with_phone(tx, tenant, target.value()).await? {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
    }
    Ok(keys)
}

/// The tenant added `entry` to its list (through the API), at `now`: an
/// `opted_out` event on the chain of every contact it is about but `skip`
/// (whose own event the caller writes), each such contact now opted out.
pub async fn opted_out(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    entry: &Suppression,
    now: &str,
    skip: Option<&str>,
) -> Result<(), sqlx::Error> {
    for key in contacts_of(tx, tenant, &entry.target).await? {
        if skip == Some(key.as_str()) {
            continue;
        }
        db::contacts::opt_out(tx, tenant, &key).await?;
        let event = NewEvent {
            opt_out: Some(NewOptOut {
                target: &entry.target,
                suppressed_at: entry.suppressed_at,
                origin: entry.origin,
            }),
            reason: Some(entry.reason.as_str()),
            state: Some(ConsentState::OptedOut),
            ..NewEvent::new(tenant, &key, ConsentEventKind::OptedOut, now)
        };
        db::ledger::insert(tx, &event).await?;
    }
    Ok(())
}

/// The tenant took the opt-out of `target` (made at `suppressed_at`) off
/// its list, at `now`.
pub async fn opt_out_removed(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    target: &Suppressed,
    suppressed_at: DateTime<Utc>,
    now: &str,
) -> Result<(), sqlx::Error> {
    for key in contacts_of(tx, tenant, target).await? {
        let event = NewEvent {
            opt_out: Some(NewOptOut {
                target,
                suppressed_at,
                origin: SuppressionOrigin::Api,
            }),
            reason: Some("removed from the suppression list by the tenant"),
            ..NewEvent::new(tenant, &key, ConsentEventKind::OptOutRemoved, now)
        };
        db::ledger::insert(tx, &event).await?;
    }
    Ok(())
}

/// The whole chain of the tenant's contact `key`, oldest first; not found
/// when the tenant's ledger has no event of it (another tenant's contact
/// is not found either).
pub async fn chain(
    backend: &Backend,
    tenant: &str,
    key: &str,
) -> Result<ConsentChain, ServiceError> {
    let rows = db::ledger::chain(&backend.db, tenant, key).await?;
    if rows.is_empty() {
        return Err(ServiceError::NotFound);
    }
    let mut evidence = Evidence::default();
    evidence.load(&backend.db, &rows).await?;
    let events = rows
        .into_iter()
        .map(|row| view(row, &evidence))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ConsentChain {
        contact_key: key.to_owned(),
        events,
    })
}

/// Whose contact a reviewer asks for: a tenant's, named by its id or by
/// one of its submissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewScope<'a> {
    /// The tenant with this id.
    Tenant(&'a str),
    /// The tenant of this submission.
    Submission(&'a str),
}

/// The chain of contact `key` of the tenant `scope` names, for a reviewer.
pub async fn chain_for_reviewer(
    backend: &Backend,
    scope: ReviewScope<'_>,
    key: &str,
) -> Result<ConsentChain, ServiceError> {
    let tenant = match scope {
        ReviewScope::Tenant(id) => id.to_owned(),
        ReviewScope::Submission(id) => {
            db::submissions::find(&backend.db, None, id)
                .await?
                .ok_or(ServiceError::NotFound)?
                .tenant_id
        }
    };
    chain(backend, &tenant, key).await
}

/// The names of submissions' evidence files, fetched once per submission.
#[derive(Debug, Default)]
struct Evidence(HashMap<String, Vec<String>>);

impl Evidence {
    /// Fetches the evidence of the submissions of `rows` not fetched yet.
    async fn load(&mut self, db: &AnyPool, rows: &[EventRow]) -> Result<(), sqlx::Error> {
        for id in rows.iter().filter_map(|r| r.submission_id.as_deref()) {
            if !self.0.contains_key(id) {
                let names = db::submissions::evidence(db, id)
                    .await?
                    .into_iter()
                    .map(|e| e.name)
                    .collect();
                self.0.insert(id.to_owned(), names);
            }
        }
        Ok(())
    }
}

/// A value the server stored that it cannot read back is a bug.
fn stored<T>(parsed: Result<T, String>) -> Result<T, ServiceError> {
    parsed.map_err(|e| ServiceError::Internal(anyhow::anyhow!("stored ledger event: {e}")))
}

/// A stored event as the API shows it.
fn view(row: EventRow, evidence: &Evidence) -> Result<ConsentEventView, ServiceError> {
    let kind: ConsentEventKind = stored(row.kind.parse())?;
    let consent = match kind {
        ConsentEventKind::Imported | ConsentEventKind::Refused => {
            let channels: Channels = match row.channels.as_deref() {
                Some(text) => stored(text.parse())?,
                None => Channels::NONE,
            };
            Some(ConsentGiven {
                channels: channels.iter().collect(),
                opt_in_at: row.opt_in_at,
                source: row.opt_in_source,
                wording: row.wording,
                wording_sha256: row.wording_sha256,
                capture_method: row.capture_method,
                double_opt_in_at: row.double_opt_in_at,
            })
        }
        ConsentEventKind::OptedOut
        | ConsentEventKind::OptOutRemoved
        | ConsentEventKind::Confirmed
        | ConsentEventKind::OptedOutOnPlatform => None,
    };
    let state = row.state.as_deref().map(str::parse).transpose();
    let opt_out = match (row.address_kind, row.address, row.suppressed_at, row.origin) {
        (Some(kind), Some(value), Some(suppressed_at), Some(origin)) => Some(OptOutView {
            kind: stored(kind.parse())?,
            value,
            suppressed_at,
            origin: stored(origin.parse())?,
        }),
        _ => None,
    };
    let submission = row.submission_id.map(|id| LedgerSubmission {
        evidence: evidence.0.get(&id).cloned().unwrap_or_default(),
        id,
        profile: row.profile.unwrap_or_default(),
        row: row.row_number.and_then(|n| u64::try_from(n).ok()),
        decision: row.approved_at.map(|decided_at| LedgerDecision {
            verdict: Verdict::Approved,
            reviewer: row.approved_by,
            decided_at,
        }),
    });
    Ok(ConsentEventView {
        contact_key: row.contact_key,
        seq: u64::try_from(row.seq).unwrap_or_default(),
        kind,
        recorded_at: row.recorded_at,
        state: stored(state)?,
        reported_at: row.reported_at,
        consent,
        submission,
        opt_out,
        reason: row.reason,
    })
}

/// How a ledger export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV with a header row ([`CSV_HEADER`]), one event a line.
    Csv,
    /// A JSON array of events, as the chain shows them.
    Json,
}

/// The CSV export's columns.
pub const CSV_HEADER: [&str; 25] = [
    "contact_key",
    "seq",
    "kind",
    "recorded_at",
    "submission_id",
    "profile",
    "row",
    "channels",
    "opt_in_at",
    "opt_in_source",
    "wording_sha256",
    "wording",
    "capture_method",
    "double_opt_in_at",
    "evidence",
    "verdict",
    "reviewer",
    "decided_at",
    "opt_out_kind",
    "opt_out_value",
    "suppressed_at",
    "opt_out_origin",
    "reason",
    "state",
    "reported_at",
];

/// The cells of `event` under [`CSV_HEADER`]; evidence file names are
/// joined with `; `, channels with `;`.
fn csv_cells(event: &ConsentEventView) -> [String; 25] {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let consent = event.consent.clone().unwrap_or_default();
    let submission = event.submission.as_ref();
    let decision = submission.and_then(|s| s.decision.as_ref());
    let opt_out = event.opt_out.as_ref();
    let channels: Vec<&str> = consent.channels.iter().map(|c| c.as_str()).collect();
    [
        event.contact_key.clone(),
        event.seq.to_string(),
        event.kind.as_str().to_owned(),
        event.recorded_at.clone(),
        submission.map(|s| s.id.clone()).unwrap_or_default(),
        submission.map(|s| s.profile.clone()).unwrap_or_default(),
        submission
            .and_then(|s| s.row)
            .map(|r| r.to_string())
            .unwrap_or_default(),
        channels.join(";"),
        text(&consent.opt_in_at),
        text(&consent.source),
        text(&consent.wording_sha256),
        text(&consent.wording),
        text(&consent.capture_method),
        text(&consent.double_opt_in_at),
        submission
            .map(|s| s.evidence.join("; "))
            .unwrap_or_default(),
        decision
            .map(|d| d.verdict.as_str().to_owned())
            .unwrap_or_default(),
        decision
            .and_then(|d| d.reviewer.clone())
            .unwrap_or_default(),
        decision.map(|d| d.decided_at.clone()).unwrap_or_default(),
        opt_out
            .map(|o| o.kind.as_str().to_owned())
            .unwrap_or_default(),
        opt_out.map(|o| o.value.clone()).unwrap_or_default(),
        opt_out.map(|o| o.suppressed_at.clone()).unwrap_or_default(),
        opt_out
            .map(|o| o.origin.as_str().to_owned())
            .unwrap_or_default(),
        text(&event.reason),
        event
            .state
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        text(&event.reported_at),
    ]
}

/// Where an export stands between pages.
#[derive(Debug)]
struct Export {
    db: AnyPool,
    tenant: String,
    submission: Option<String>,
    format: ExportFormat,
    /// The last event written: (contact key, id); `None` before the first page.
    after: Option<(String, i64)>,
    /// Events written so far.
    written: u64,
    /// The body is complete.
    finished: bool,
    evidence: Evidence,
}

impl Export {
    /// The next chunk of the body: one page of events (the header before
    /// the first, the closing bracket after the last); `None` at the end.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ServiceError> {
        if self.finished {
            return Ok(None);
        }
        let mut chunk = Vec::new();
        if self.after.is_none() {
            match self.format {
                ExportFormat::Csv => write_csv(&mut chunk, CSV_HEADER.iter().copied())?,
                ExportFormat::Json => chunk.push(b'['),
            }
        }
        let (key, id) = self
            .after
            .as_ref()
            .map_or(("", 0), |(key, id)| (key.as_str(), *id));
        let rows = db::ledger::page(
            &self.db,
            &self.tenant,
            self.submission.as_deref(),
            (key, id),
            EXPORT_PAGE,
        )
        .await?;
        self.evidence.load(&self.db, &rows).await?;
        if let Some(last) = rows.last() {
            self.after = Some((last.contact_key.clone(), last.id));
        }
        let last_page = (rows.len() as i64) < EXPORT_PAGE;
        for row in rows {
            let event = view(row, &self.evidence)?;
            match self.format {
                ExportFormat::Csv => {
                    let cells = csv_cells(&event);
                    write_csv(&mut chunk, cells.iter().map(String::as_str))?;
                }
                ExportFormat::Json => {
                    if self.written > 0 {
                        chunk.push(b',');
                    }
                    serde_json::to_writer(&mut chunk, &event)?;
                }
            }
            self.written += 1;
        }
        if last_page {
            if self.format == ExportFormat::Json {
                chunk.push(b']');
            }
            self.finished = true;
        }
        Ok(Some(chunk))
    }
}

/// Appends one CSV record of `cells` to `out`: quoted where it must be (the
/// csv crate's rules), CRLF-terminated, and with a leading `'` on a cell a
/// spreadsheet would run as a formula, as every download the server writes.
fn write_csv<'c>(
    out: &mut Vec<u8>,
    cells: impl IntoIterator<Item = &'c str>,
) -> Result<(), ServiceError> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let failed = |e: csv::Error| ServiceError::Internal(e.into());
    for cell in cells {
        writer
            .write_field(listgate_core::excel::excel_safe(cell).as_bytes())
            .map_err(failed)?;
    }
    writer
        .write_record(std::iter::empty::<&[u8]>())
        .map_err(failed)?;
    writer
        .flush()
        .map_err(|e| ServiceError::Internal(e.into()))?;
    Ok(())
}

/// The tenant's ledger, of `submission` (the events its import wrote) or
/// of every contact, as a stream of body chunks in `format`: by contact
/// key, then each contact's chain in order, one page of [`EXPORT_PAGE`]
/// events a chunk. Not found when the submission is not the tenant's.
pub async fn export(
    backend: &Backend,
    tenant: &str,
    submission: Option<&str>,
    format: ExportFormat,
) -> Result<impl Stream<Item = Result<Vec<u8>, ServiceError>> + Send + 'static, ServiceError> {
    if let Some(id) = submission {
        db::submissions::find(&backend.db, Some(tenant), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
    }
    let export = Export {
        db: backend.db.clone(),
        tenant: tenant.to_owned(),
        submission: submission.map(str::to_owned),
        format,
        after: None,
        written: 0,
        finished: false,
        evidence: Evidence::default(),
    };
    Ok(futures_util::stream::try_unfold(
        export,
        |mut export| async move { Ok(export.next_chunk().await?.map(|chunk| (chunk, export))) },
    ))
}
