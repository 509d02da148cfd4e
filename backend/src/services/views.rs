//! What merchants and reviewers read: a submission with its history and
//! import, the review queue, the contact store a page at a time, the rows
//! that failed at import, and the merchant's change list.

use crate::db;
use crate::domain::{BatchStatus, DeliveryStatus, Exclusions, Plan, ReviewKind, SubmissionStatus};
use crate::services::intake::{StoredSettings, settings_of};
use crate::services::paging::PageRequest;
use crate::services::{Backend, ServiceError};
use listgate_api::{
    AmendmentView, BatchView, ConfirmationCounts, ConsentDeclaration, ConsentState, ContactView,
    ContactsPage, DecisionView, Declared, DeliveryView, ExcludedView, QueueItem, Reason,
    ReasonView, ScheduleView, SubmissionView,
};

fn rfc3339(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms).map(|at| at.to_rfc3339())
}

fn parse<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T, ServiceError> {
    text.parse()
        .map_err(|e: String| ServiceError::Internal(anyhow::anyhow!(e)))
}

/// The options the list was checked with that loosen a rule.
pub fn declared(stored: &StoredSettings) -> Vec<Declared> {
    let declared = |option: &str, meaning: String| Declared {
        option: option.to_owned(),
        meaning,
    };
    let options = &stored.settings.options;
    let mut all = Vec::new();
    // Without any name, profiles that judge the brand refuse the check.
    if !stored.business_name_is_tenants
        && let Some(name) = &options.judging.business_name
    {
        all.push(declared(
            "business_name",
            format!(
                "the consent wording was checked for the business name the merchant typed, {name}: the tenant has set none (listgate tenant set-business-name)"
            ),
        ));
    }
    if let Some(channel) = options.judging.channel {
        all.push(declared(
            "channel",
            format!(
                "the list has no channel column: the merchant declared that every contact consented to {}",
                channel.names()
            ),
        ));
    }
    if options.judging.infer_mobile_number {
        all.push(declared(
            "infer_mobile_number",
            "a blank MobileNumber was filled from the WhatsApp number".into(),
        ));
    }
    if options.judging.allow_mobile_number_updates {
        all.push(declared(
            "allow_mobile_number_updates",
            "the import may change existing contacts' mobile numbers".into(),
        ));
    }
    all
}

/// The plan reviewers are offered for a submission: the merchant's.
pub fn proposed_plan(backend: &Backend, stored: &StoredSettings) -> Plan {
    Plan::proposed(
        &stored.settings.options.batches,
        backend.batch_interval_seconds,
    )
}

/// A submission: of `tenant` when given (another tenant's is "not found",
/// never "forbidden"), any for reviewers.
pub async fn submission(
    backend: &Backend,
    tenant: Option<&str>,
    id: &str,
) -> Result<SubmissionView, ServiceError> {
    let db = &backend.db;
    let row = db::submissions::find(db, tenant, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let settings = settings_of(&row)?;
    let kind = ReviewKind::of_builtin(&row.profile).unwrap_or(ReviewKind::Whatsapp);
    let consent: Option<ConsentDeclaration> = serde_json::from_str(&row.consent)?;
    let decisions = db::submissions::decisions(db, id)
        .await?
        .into_iter()
        .map(|d| {
            let reasons: Vec<Reason> = serde_json::from_str(&d.reasons)?;
            let exclusions: Exclusions = serde_json::from_str(&d.exclusions)?;
            Ok(DecisionView {
                verdict: parse(&d.verdict)?,
                reasons: reasons.into_iter().map(ReasonView::from).collect(),
                note: d.note,
                excluded: (!exclusions.is_empty()).then_some(ExcludedView {
                    exclusions,
                    contacts: d.excluded as u64,
                }),
                decided_at: d.decided_at,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    let amendments = db::submissions::amendments(db, id)
        .await?
        .into_iter()
        .map(|a| AmendmentView {
            evidence_added: a.evidence_added as u64,
            consent_replaced: a.consent_replaced != 0,
            clean_replaced: a.clean_replaced != 0,
            note: a.note,
            amended_at: a.amended_at,
        })
        .collect();
    let status: SubmissionStatus = row.status()?;
    let to_import = (row.contacts - row.excluded).max(0) as u64;
    Ok(SubmissionView {
        schedule: schedule(backend, &row.tenant_id, id, to_import).await?,
        proposed_plan: proposed_plan(backend, &settings),
        declared: declared(&settings),
        unticked: consent
            .as_ref()
            .map(|c| c.unticked(kind))
            .unwrap_or_default(),
        evidence: db::submissions::evidence(db, id).await?,
        changes: row
            .changes
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?,
        report: serde_json::from_str(&row.report)?,
        id: row.id,
        status,
        profile: row.profile,
        review_kind: kind,
        contacts: row.contacts as u64,
        consent,
        created_at: row.created_at,
        purged_at: row.purged_at,
        evidence_purged_at: row.evidence_purged_at,
        decisions,
        amendments,
    })
}

/// The import of `tenant`'s submission, once its plan is confirmed.
async fn schedule(
    backend: &Backend,
    tenant: &str,
    submission: &str,
    to_import: u64,
) -> Result<Option<ScheduleView>, ServiceError> {
    let Some(schedule) = db::schedules::find(&backend.db, submission).await? else {
        return Ok(None);
    };
    let rows = db::schedules::batches(&backend.db, submission).await?;
    let mut signals = db::signals::of_submission(&backend.db, submission)
        .await?
        .into_iter()
        .peekable();
    let mut batches = Vec::new();
    let mut next_due_at = None;
    for b in rows {
        let status: BatchStatus = parse(&b.status)?;
        if status == BatchStatus::Queued {
            next_due_at = rfc3339(b.due_at_ms);
        }
        let webhook = match b.delivery {
            Some(delivery) => {
                let status: DeliveryStatus = parse(&delivery)?;
                Some(DeliveryView {
                    next_attempt_at: b
                        .next_attempt_ms
                        .filter(|_| status == DeliveryStatus::Pending)
                        .and_then(rfc3339),
                    status,
                    attempts: b.attempts.unwrap_or_default() as u64,
                    last_error: b.last_error,
                })
            }
            None => None,
        };
        let (batch_signals, signals_breach) = match signals.next_if(|(n, ..)| *n == b.number) {
            Some((_, counts, breach)) => (Some(counts), breach),
            None => (None, None),
        };
        batches.push(BatchView {
            signals: batch_signals,
            signals_breach,
            number: b.number as u64,
            start: b.start as u64,
            contacts: b.contacts as u64,
            status,
            imported: b.imported as u64,
            failed: b.failed as u64,
            finished_at: b.finished_at,
            webhook,
        });
    }
    Ok(Some(ScheduleView {
        plan: schedule.plan(),
        paused: schedule.paused != 0,
        paused_reason: schedule.paused_reason.filter(|_| schedule.paused != 0),
        to_import,
        imported: batches.iter().map(|b| b.imported).sum(),
        failed: batches.iter().map(|b| b.failed).sum(),
        next_due_at: next_due_at.filter(|_| schedule.completed_at.is_none()),
        awaiting_signals: schedule.awaiting_signals.map(|n| n as u64),
        completed_at: schedule.completed_at,
        batches,
        confirmations: confirmations(backend, tenant, submission).await?,
    }))
}

/// Where the consent of the contacts `submission` imported stands now.
async fn confirmations(
    backend: &Backend,
    tenant: &str,
    submission: &str,
) -> Result<ConfirmationCounts, ServiceError> {
    let mut counts = ConfirmationCounts::default();
    for (state, contacts) in
        db::contacts::states_of_submission(&backend.db, tenant, submission).await?
    {
        let state: ConsentState = parse(&state)?;
        counts.add(state, u64::try_from(contacts).unwrap_or_default());
    }
    Ok(counts)
}

/// Every submission, those waiting for review first.
pub async fn queue(backend: &Backend) -> Result<Vec<QueueItem>, ServiceError> {
    db::submissions::queue(&backend.db)
        .await?
        .into_iter()
        .map(|(id, tenant, status, profile, contacts, created_at)| {
            Ok(QueueItem {
                id,
                tenant,
                status: parse(&status)?,
                profile,
                contacts: contacts as u64,
                created_at,
            })
        })
        .collect()
}

/// A page of the tenant's contacts after `cursor` (from the previous page).
pub async fn contacts(
    backend: &Backend,
    tenant: &str,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<ContactsPage, ServiceError> {
    let page = PageRequest::read(cursor, limit, "contacts")?;
    let mut rows = db::contacts::page(&backend.db, tenant, &page.after, page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, |(key, ..)| key.clone());
    let contacts = rows
        .into_iter()
        .map(|(key, data, submission_id, updated_at)| {
            Ok(ContactView {
                key,
                data: serde_json::from_str(&data)?,
                submission_id,
                updated_at,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(ContactsPage {
        contacts,
        next_cursor,
    })
}

/// The rows of the tenant's submission that failed at import, as CSV (`row,reason`).
pub async fn failures_csv(
    backend: &Backend,
    tenant: &str,
    id: &str,
) -> Result<Vec<u8>, ServiceError> {
    db::submissions::find(&backend.db, Some(tenant), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut csv = Vec::new();
    listgate_core::output::write_csv_row(&mut csv, ["row", "reason"]);
    for (row, reason) in db::submissions::failures(&backend.db, id).await? {
        listgate_core::output::write_csv_row(&mut csv, [row.to_string().as_str(), &reason]);
    }
    Ok(csv)
}

/// The change list (`changes.csv`) submission `id` was sent with, as sent:
/// of `tenant` when given (another tenant's is "not found"), any for
/// reviewers. Gone with the list under the retention period.
pub async fn changes_csv(
    backend: &Backend,
    tenant: Option<&str>,
    id: &str,
) -> Result<Vec<u8>, ServiceError> {
    let row = db::submissions::find(&backend.db, tenant, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let Some(sha) = row.changes_sha256 else {
        return Err(ServiceError::Absent(format!(
            "submission {id} has no change list: it was sent without a `changes` part (the app sends changes.csv only when the merchant changed the list in it)"
        )));
    };
    if let Some(at) = row.purged_at {
        return Err(ServiceError::Gone(format!(
            "the change list was deleted with the list on {at}, when its retention period ended"
        )));
    }
    Ok(backend.store.get(&sha).await?)
}
