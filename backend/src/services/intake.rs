//! Taking in submissions. The server trusts nothing the browser says: the
//! list is checked again with core, and only a list whose every row is
//! importable is stored; the declaration must be one the profile's review
//! accepts (the GDPR confirmation for email). The same clean file with the
//! same evidence and answers is taken once: sent again it is refused,
//! naming the earlier submission (and, after a rejection, what was
//! missing). After changes are requested the merchant amends the same
//! submission, which then waits for review again. The merchant's change
//! list (`changes.csv`, the cells they edited in the app) goes with the
//! clean file it led to: read, stored, and shown to the reviewer.

use crate::db;
use crate::db::submissions::{AmendmentRow, NewSubmission, SubmissionRow};
use crate::domain::{ReviewKind, SubmissionStatus};
use crate::services::{Backend, ServiceError, suppressions};
use crate::support::{new_id, sha256_hex};
use listgate_api::{ConsentDeclaration, EvidenceView, Settings};
use listgate_core::output::{ChangeSummary, read_changes};
use listgate_core::{Code, Discard, Mapping, Profile, Report, check_bytes};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::OwnedSemaphorePermit;

/// Issues returned with a refused list (the report holds them all).
const ISSUES_RETURNED: usize = 100;

/// Lines of a change list shown to the reviewer (all are counted).
const CHANGES_SHOWN: usize = 200;

/// The settings as stored with a submission.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSettings {
    /// What the merchant checked with (the server's staff ids and business
    /// name replace theirs when the tenant has set them).
    #[serde(flatten)]
    pub settings: Settings,
    /// The business name checked is the tenant's own setting, not the
    /// merchant's; set by the server whatever the form says.
    #[serde(default)]
    pub business_name_is_tenants: bool,
}

/// What a submission form (or an amendment) carries.
#[derive(Debug, Default)]
pub struct Package {
    /// The settings the list was checked with (a new submission needs them).
    pub settings: Option<Settings>,
    /// The clean file listgate wrote.
    pub clean: Option<Vec<u8>>,
    /// The change list (`changes.csv`) the app wrote of the merchant's
    /// edits that led to the clean file.
    pub changes: Option<Vec<u8>>,
    /// The consent declaration.
    pub consent: Option<ConsentDeclaration>,
    /// Evidence files with their bytes.
    pub evidence: Vec<(EvidenceView, Vec<u8>)>,
    /// An amendment's note to the reviewer.
    pub note: String,
}

/// What [`submit`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// A new submission, waiting for review.
    Created(String),
    /// The one already sent with this Idempotency-Key and the same content.
    Repeated(String),
}

fn missing(part: &str) -> ServiceError {
    ServiceError::Invalid(format!("the form has no `{part}` field"))
}

/// The settings, clean file, evidence and declaration as one hash: what
/// "the same submission again" means. The check's moment is left out: the
/// same list checked again a minute later is the same list.
fn fingerprint(
    settings: &Settings,
    clean_sha: &str,
    consent: &ConsentDeclaration,
    evidence: &[String],
) -> String {
    let mut settings = settings.clone();
    settings.options.judging.now = None;
    let settings = serde_json::to_string(&settings).unwrap_or_default();
    let declaration = serde_json::to_string(consent).unwrap_or_default();
    let mut text = format!("{settings}\n{clean_sha}\n{declaration}\n");
    for sha in evidence {
        text.push_str(sha);
        text.push('\n');
    }
    sha256_hex(text.as_bytes())
}

/// Why `consent` cannot go with a `profile` list (422), if it cannot.
fn check_declaration(profile: &str, consent: &ConsentDeclaration) -> Result<(), ServiceError> {
    let kind = ReviewKind::of_builtin(profile).unwrap_or(ReviewKind::Whatsapp);
    match consent.refusal(kind) {
        Some(why) => Err(ServiceError::refused(format!(
            "the `consent` part is refused: {why}"
        ))),
        None => Ok(()),
    }
}

/// Where a submission's rows are checked against the tenant's opt-outs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptOuts {
    /// Here: a page with only the publishable key never saw the list, so a
    /// list holding an opted-out contact with older consent is refused
    /// (422 naming the rows).
    AtSubmission,
    /// At import, row by row (the merchant's app holds the secret key; an
    /// opt-out made while the list waits for review counts too).
    AtImport,
}

/// Stores a new submission from `tenant`, or says why not. `permit` is the
/// check slot the caller took; it is held while the list is checked.
pub async fn submit(
    backend: &Backend,
    tenant: &str,
    idempotency_key: Option<&str>,
    package: Package,
    max_waiting: u32,
    opt_outs: OptOuts,
    permit: OwnedSemaphorePermit,
) -> Result<Submitted, ServiceError> {
    let settings = package.settings.ok_or_else(|| missing("settings"))?;
    let clean = package.clean.ok_or_else(|| missing("clean"))?;
    let consent = package.consent.ok_or_else(|| missing("consent"))?;
    let settings = tenant_settings(backend, tenant, settings).await?;
    let evidence_shas: Vec<String> = package
        .evidence
        .iter()
        .map(|(_, b)| sha256_hex(b))
        .collect();
    let print = fingerprint(
        &settings.settings,
        &sha256_hex(&clean),
        &consent,
        &evidence_shas,
    );
    if let Some(key) = idempotency_key
        && let Some((id, earlier)) =
            db::submissions::find_by_idempotency_key(&backend.db, tenant, key).await?
    {
        if earlier.is_none_or(|earlier| earlier == print) {
            return Ok(Submitted::Repeated(id));
        }
        return Err(ServiceError::Conflict(format!(
            "this Idempotency-Key was sent with other content for submission {id}; send new content with a new key"
        )));
    }
    refuse_repeat(backend, tenant, &print).await?;
    let waiting = db::submissions::count_waiting(&backend.db, tenant).await?;
    if waiting >= i64::from(max_waiting) {
        return Err(ServiceError::Conflict(format!(
            "{waiting} submissions are already waiting for review (at most {max_waiting}); \
             send this one once reviewers have decided some"
        )));
    }
    check_declaration(&settings.settings.profile, &consent)?;
    let mut settings = settings;
    if opt_outs == OptOuts::AtSubmission {
        settings.settings.options.judging.suppressions =
            Arc::new(suppressions::for_check(backend, tenant).await?);
    }
    let Rechecked {
        report,
        clean,
        settings,
        changes,
    } = recheck(settings, clean, package.changes, permit).await?;

    let id = new_id();
    let clean_sha = backend.store.put(&clean).await?;
    let changes = stored_changes(backend, changes).await?;
    let mut files = Vec::new();
    for (view, bytes) in &package.evidence {
        files.push((view, backend.store.put(bytes).await?));
    }
    let mut tx = backend.db.begin().await?;
    let created_at = chrono::Utc::now().to_rfc3339();
    db::submissions::insert(
        &mut tx,
        &NewSubmission {
            id: &id,
            tenant,
            idempotency_key,
            profile: &settings.settings.profile,
            settings: &serde_json::to_string(&settings)?,
            report: &serde_json::to_string(&report)?,
            consent: &serde_json::to_string(&consent)?,
            clean_sha256: &clean_sha,
            contacts: report.summary.importable as i64,
            fingerprint: &print,
            created_at: &created_at,
            changes: changes
                .as_ref()
                .map(|(sha, summary)| (sha.as_str(), summary.as_str())),
        },
    )
    .await?;
    db::submissions::append_evidence(&mut tx, &id, &files).await?;
    tx.commit().await?;
    tracing::info!(submission = %id, tenant, contacts = report.summary.importable, "submission received");
    Ok(Submitted::Created(id))
}

/// 409 when the tenant already sent this very content: after a rejection
/// it names the decision and what was missing (sending it again does not
/// change it); while changes are requested it points at the amendment.
async fn refuse_repeat(backend: &Backend, tenant: &str, print: &str) -> Result<(), ServiceError> {
    let Some((id, status)) =
        db::submissions::find_by_fingerprint(&backend.db, tenant, print).await?
    else {
        return Ok(());
    };
    let status: SubmissionStatus = status.parse().map_err(anyhow::Error::msg)?;
    let message = match status {
        SubmissionStatus::Rejected => {
            let decisions = db::submissions::decisions(&backend.db, &id).await?;
            let last = decisions.last();
            let missing: Vec<String> = last
                .map(|d| serde_json::from_str::<Vec<listgate_api::Reason>>(&d.reasons))
                .transpose()?
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.what_is_missing().to_owned())
                .collect();
            format!(
                "this list was rejected on {} with the same evidence (submission {id}); sending it again will not change that. What was missing: {}. Collect it, check the list again and submit with the new evidence",
                last.map_or("", |d| d.decided_at.get(..10).unwrap_or_default()),
                missing.join("; ")
            )
        }
        SubmissionStatus::ChangesRequested => format!(
            "submission {id} has this list and evidence and is waiting for the changes a reviewer asked for: add them to it (POST /api/v1/submissions/{id}/amendments) instead of submitting again"
        ),
        other => format!(
            "this list with the same evidence was already submitted as {id} ({other}); it is not submitted twice"
        ),
    };
    Err(ServiceError::Conflict(message))
}

/// The merchant's settings with the tenant's own staff list and business
/// name, when it has them: those are the truth, not the form's.
async fn tenant_settings(
    backend: &Backend,
    tenant: &str,
    mut settings: Settings,
) -> Result<StoredSettings, ServiceError> {
    let staff = db::tenants::staff_ids(&backend.db, tenant).await?;
    if !staff.is_empty() {
        settings.options.judging.known_staff_ids = staff;
    }
    // Leaving the name out of the form skips no brand check.
    let business_name = db::tenants::business_name(&backend.db, tenant).await?;
    let business_name_is_tenants = business_name.is_some();
    if business_name.is_some() {
        settings.options.judging.business_name = business_name;
    }
    Ok(StoredSettings {
        settings,
        business_name_is_tenants,
    })
}

/// A clean file checked again, with the change list that came with it.
struct Rechecked {
    report: Report,
    clean: Vec<u8>,
    settings: StoredSettings,
    changes: Option<ChangeList>,
}

/// A change list as sent, and what was read of it.
struct ChangeList {
    bytes: Vec<u8>,
    summary: ChangeSummary,
}

/// Reads `changes` and checks `clean` again on the blocking pool while
/// holding `permit`.
async fn recheck(
    settings: StoredSettings,
    clean: Vec<u8>,
    changes: Option<Vec<u8>>,
    permit: OwnedSemaphorePermit,
) -> Result<Rechecked, ServiceError> {
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let changes = changes.map(read_change_list).transpose()?;
        let report = revalidate(&settings, &clean)?;
        Ok(Rechecked {
            report,
            clean,
            settings,
            changes,
        })
    })
    .await
    .map_err(anyhow::Error::from)?
}

/// Reads the `changes` part; a file the app did not write as it is is
/// refused (422), naming the line and the fix.
fn read_change_list(bytes: Vec<u8>) -> Result<ChangeList, ServiceError> {
    let summary = read_changes(&bytes, CHANGES_SHOWN)
        .map_err(|e| ServiceError::refused(format!("the `changes` part is refused: {e}")))?;
    Ok(ChangeList { bytes, summary })
}

/// Stores a change list: its hash and its summary as JSON.
async fn stored_changes(
    backend: &Backend,
    changes: Option<ChangeList>,
) -> Result<Option<(String, String)>, ServiceError> {
    let Some(changes) = changes else {
        return Ok(None);
    };
    let sha = backend.store.put(&changes.bytes).await?;
    Ok(Some((sha, serde_json::to_string(&changes.summary)?)))
}

/// Checks the clean file again with core: the file listgate wrote has the
/// profile's field names as headers, UTF-8 with BOM, commas. A workbook is
/// refused before it is read: the server reads only the CSV listgate
/// wrote, never a spreadsheet sent by anyone holding the public key.
fn revalidate(stored: &StoredSettings, clean: &[u8]) -> Result<Report, ServiceError> {
    if listgate_core::InputKind::of(clean) == listgate_core::InputKind::Workbook {
        return Err(ServiceError::refused(
            "the clean part must be the CSV file listgate wrote, not a workbook: check the .xlsx in the app or with `listgate check` and submit the clean file it writes",
        ));
    }
    let settings = &stored.settings;
    let profile = Profile::builtin(&settings.profile)
        .map_err(|e| ServiceError::Invalid(format!("settings.profile: {e}")))?;
    // The clean file's headers are the profile's field names: no mapping.
    let mut options = settings.options.clone().listgate_csv();
    options.reading.mapping = Mapping::default();
    options.judging.now = Some(chrono::Utc::now());
    let report = check_bytes(clean, profile, options, &mut Discard)
        .map_err(|e| ServiceError::refused(format!("the list was refused: {e}")))?;
    if report.summary.rejected > 0 || report.summary.rows == 0 {
        let mut message = format!(
            "{} of {} rows cannot be imported; only a clean list can be submitted",
            report.summary.rejected, report.summary.rows
        );
        let brand = report
            .issues
            .iter()
            .any(|i| i.code == Code::ConsentTextMissingBusiness);
        if let (true, true, Some(name)) = (
            brand,
            stored.business_name_is_tenants,
            &settings.options.judging.business_name,
        ) {
            message.push_str(&format!(
                ": this tenant's consent wording must name {name}; check the list again with that business name"
            ));
        }
        return Err(ServiceError::Refused {
            message,
            issues: report.issues.into_iter().take(ISSUES_RETURNED).collect(),
        });
    }
    Ok(report)
}

/// Adds what a reviewer asked for to a submission whose changes were
/// requested: evidence files, new consent answers, a corrected clean file
/// (checked again like a new one) with the change list that led to it,
/// which replaces the stored one (without one, the earlier change list
/// stays). It then waits for review again.
pub async fn amend(
    backend: &Backend,
    tenant: &str,
    id: &str,
    package: Package,
    permit: OwnedSemaphorePermit,
) -> Result<(), ServiceError> {
    let stored = db::submissions::find(&backend.db, Some(tenant), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = stored.status()?;
    if status != SubmissionStatus::ChangesRequested {
        return Err(ServiceError::Conflict(format!(
            "submission {id} is {status}: only a submission whose changes were requested can be amended{}",
            if status == SubmissionStatus::Rejected {
                "; a rejected list is checked again and submitted as a new submission"
            } else {
                ""
            }
        )));
    }
    if package.settings.is_some() {
        return Err(ServiceError::Invalid(
            "an amendment keeps the submission's settings: send clean (with its changes), consent, evidence and note only".into(),
        ));
    }
    if package.changes.is_some() && package.clean.is_none() {
        return Err(ServiceError::Invalid(
            "a `changes` part goes with the corrected clean file it led to: send it with `clean`"
                .into(),
        ));
    }
    if package.clean.is_none() && package.consent.is_none() && package.evidence.is_empty() {
        return Err(ServiceError::Invalid(
            "an amendment adds what the reviewer asked for: evidence files, new consent answers or a corrected clean file".into(),
        ));
    }
    if let Some(consent) = &package.consent {
        check_declaration(&stored.profile, consent)?;
    }
    let (checked, changes) = match package.clean {
        Some(clean) => {
            let settings = settings_of(&stored)?;
            let settings = tenant_settings(backend, tenant, settings.settings).await?;
            let checked = recheck(settings, clean, package.changes, permit).await?;
            let sha = backend.store.put(&checked.clean).await?;
            let changes = stored_changes(backend, checked.changes).await?;
            (Some((checked.report, sha)), changes)
        }
        None => (None, None),
    };
    let mut files = Vec::new();
    for (view, bytes) in &package.evidence {
        files.push((view, backend.store.put(bytes).await?));
    }
    let consent: ConsentDeclaration = match &package.consent {
        Some(consent) => consent.clone(),
        None => serde_json::from_str(&stored.consent)?,
    };
    let clean_sha = checked
        .as_ref()
        .map_or(stored.clean_sha256.as_str(), |(_, sha)| sha.as_str());
    let mut evidence = db::submissions::evidence_hashes(&backend.db, id).await?;
    evidence.extend(files.iter().map(|(_, sha)| sha.clone()));
    let settings: StoredSettings = serde_json::from_str(&stored.settings)?;
    let print = fingerprint(&settings.settings, clean_sha, &consent, &evidence);

    let mut tx = backend.db.begin().await?;
    if !db::submissions::set_status(
        &mut tx,
        id,
        SubmissionStatus::ChangesRequested,
        SubmissionStatus::PendingReview,
    )
    .await?
    {
        return Err(ServiceError::Conflict(format!(
            "submission {id} was amended or decided meanwhile"
        )));
    }
    if let Some((report, sha)) = &checked {
        db::submissions::replace_clean(
            &mut tx,
            id,
            sha,
            &serde_json::to_string(report)?,
            report.summary.importable as i64,
        )
        .await?;
    }
    if let Some((sha, summary)) = &changes {
        db::submissions::replace_changes(&mut tx, id, sha, summary).await?;
    }
    if package.consent.is_some() {
        db::submissions::replace_consent(&mut tx, id, &serde_json::to_string(&consent)?).await?;
    }
    db::submissions::append_evidence(&mut tx, id, &files).await?;
    db::submissions::set_fingerprint(&mut tx, id, &print).await?;
    db::submissions::insert_amendment(
        &mut tx,
        id,
        &AmendmentRow {
            evidence_added: files.len() as i64,
            consent_replaced: i64::from(package.consent.is_some()),
            clean_replaced: i64::from(checked.is_some()),
            note: package.note,
            amended_at: chrono::Utc::now().to_rfc3339(),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(submission = %id, tenant, "submission amended; back in the queue");
    Ok(())
}

/// A stored submission's settings.
pub fn settings_of(row: &SubmissionRow) -> Result<StoredSettings, ServiceError> {
    Ok(serde_json::from_str(&row.settings)?)
}
