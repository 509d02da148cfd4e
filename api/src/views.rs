//! Submissions, decisions, schedules and contacts as the API shows them,
//! and the decision a reviewer sends.

use crate::declaration::ConsentDeclaration;
use crate::plan::{Exclusions, Plan};
use crate::review::{Reason, ReviewKind, SelfCheckQuestion};
use crate::status::{BatchStatus, DeliveryStatus, SubmissionStatus, Verdict};
use listgate_core::Report;
use listgate_core::output::ChangeSummary;
use serde::{Deserialize, Serialize};

/// A submission as its tenant and reviewers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionView {
    /// Its id.
    pub id: String,
    /// Where it stands.
    pub status: SubmissionStatus,
    /// Profile checked against.
    pub profile: String,
    /// The review its profile gets: which self-check and reasons apply.
    pub review_kind: ReviewKind,
    /// Contacts in the clean list.
    pub contacts: u64,
    /// The server's own check of the list (the report `listgate check --json` prints).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub report: Report,
    /// What the merchant declared about consent; `None` once deleted under
    /// the evidence retention period.
    pub consent: Option<ConsentDeclaration>,
    /// Self-check questions the merchant did not answer "yes".
    pub unticked: Vec<SelfCheckQuestion>,
    /// Evidence files, in the order they were sent.
    pub evidence: Vec<EvidenceView>,
    /// The merchant's `changes.csv`, when they sent one: the cells they
    /// changed in the app (`cells`), those in consent columns
    /// (`consent_cells`) and up to 200 of its lines (`shown`: `step`,
    /// `kind`, `row`, `column`, `before`, `after`, `consent`), consent
    /// changes first. `shown` is emptied when the list is deleted under the
    /// retention period; the counts stay.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub changes: Option<ChangeSummary>,
    /// When it arrived (RFC 3339).
    pub created_at: String,
    /// When its list files were deleted under the retention period (RFC 3339).
    pub purged_at: Option<String>,
    /// When its evidence and consent answers were deleted (RFC 3339).
    pub evidence_purged_at: Option<String>,
    /// Every decision, oldest first.
    pub decisions: Vec<DecisionView>,
    /// What the merchant added after changes were requested, oldest first.
    pub amendments: Vec<AmendmentView>,
    /// The plan a reviewer is offered: the merchant's, from the report.
    pub proposed_plan: Plan,
    /// The import, once a reviewer confirmed the plan.
    pub schedule: Option<ScheduleView>,
    /// What the merchant declared that the server's check took on trust
    /// (a channel for every contact, numbers filled in…), for the reviewer.
    pub declared: Vec<Declared>,
}

impl SubmissionView {
    /// The latest decision, when a reviewer has decided.
    pub fn latest_decision(&self) -> Option<&DecisionView> {
        self.decisions.last()
    }
}

/// One evidence file as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceView {
    /// File name as uploaded.
    pub name: String,
    /// Declared content type.
    pub content_type: String,
    /// The opt-in source it proves.
    pub opt_in_source: String,
    /// Size.
    pub bytes: u64,
}

/// An option the merchant checked with that loosens a rule: the server's
/// check follows it, and the reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Declared {
    /// The option, as `listgate check` names it.
    pub option: String,
    /// What it let through, in a sentence.
    pub meaning: String,
}

/// A reviewer's decision, as both sides see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    /// What was decided.
    pub verdict: Verdict,
    /// Why changes were requested or the list rejected, each with what is missing.
    pub reasons: Vec<ReasonView>,
    /// The reviewer's note.
    pub note: String,
    /// What an approval left out of the import, and how many contacts.
    pub excluded: Option<ExcludedView>,
    /// When (RFC 3339).
    pub decided_at: String,
}

/// One reason, with what the merchant must provide or fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonView {
    /// The reason.
    pub reason: Reason,
    /// What is missing, in a sentence.
    pub missing: String,
}

impl From<Reason> for ReasonView {
    fn from(reason: Reason) -> ReasonView {
        ReasonView {
            reason,
            missing: reason.what_is_missing().to_owned(),
        }
    }
}

/// What an approval left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExcludedView {
    /// The sources and segments left out.
    pub exclusions: Exclusions,
    /// Contacts of the clean list they hold, not imported.
    pub contacts: u64,
}

/// What the merchant added to a submission after changes were requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AmendmentView {
    /// Evidence files added.
    pub evidence_added: u64,
    /// The consent answers were replaced.
    pub consent_replaced: bool,
    /// A corrected clean file replaced the list.
    pub clean_replaced: bool,
    /// The merchant's note to the reviewer.
    pub note: String,
    /// When (RFC 3339).
    pub amended_at: String,
}

/// A reviewer's decision on a submission waiting for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
pub enum DecisionRequest {
    /// Import the list, perhaps without some sources or segments; nothing
    /// is imported until a reviewer confirms the plan.
    Approve {
        /// Note to the merchant.
        #[serde(default)]
        note: String,
        /// What to leave out of the import.
        #[serde(default)]
        exclude: Exclusions,
    },
    /// Ask the merchant for what is missing; they add it to this submission.
    RequestChanges {
        /// At least one reason of the profile's review.
        missing: Vec<Reason>,
        /// Note to the merchant.
        #[serde(default)]
        note: String,
    },
    /// Refuse it for good.
    Reject {
        /// At least one reason of the profile's review.
        reasons: Vec<Reason>,
        /// Note to the merchant.
        #[serde(default)]
        note: String,
    },
}

impl DecisionRequest {
    /// The verdict this request gives.
    pub fn verdict(&self) -> Verdict {
        match self {
            DecisionRequest::Approve { .. } => Verdict::Approved,
            DecisionRequest::RequestChanges { .. } => Verdict::ChangesRequested,
            DecisionRequest::Reject { .. } => Verdict::Rejected,
        }
    }

    /// The reasons it gives (none for an approval).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            DecisionRequest::Approve { .. } => &[],
            DecisionRequest::RequestChanges { missing, .. } => missing,
            DecisionRequest::Reject { reasons, .. } => reasons,
        }
    }

    /// The note to the merchant.
    pub fn note(&self) -> &str {
        match self {
            DecisionRequest::Approve { note, .. }
            | DecisionRequest::RequestChanges { note, .. }
            | DecisionRequest::Reject { note, .. } => note,
        }
    }
}

/// The import of a submission whose plan is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduleView {
    /// The confirmed plan (as last changed).
    pub plan: Plan,
    /// Paused by a reviewer or by a bad batch.
    pub paused: bool,
    /// Why it was paused, when it is.
    pub paused_reason: Option<String>,
    /// Contacts to import (the clean list less what the approval left out).
    pub to_import: u64,
    /// Contacts imported so far.
    pub imported: u64,
    /// Rows that failed so far (`failures.csv` lists them).
    pub failed: u64,
    /// When the queued batch is due (RFC 3339), while one is.
    pub next_due_at: Option<String>,
    /// The batch whose delivery signals the next batch waits for, while it waits.
    pub awaiting_signals: Option<u64>,
    /// When the last batch finished, once all are done.
    pub completed_at: Option<String>,
    /// The batches so far (the last may be queued).
    pub batches: Vec<BatchView>,
    /// Where the consent of the contacts this submission imported stands
    /// now: under `sms-us` they await confirmation until Community reports
    /// that they completed its opt-in (or opted out).
    #[serde(default)]
    pub confirmations: crate::ledger::ConfirmationCounts,
}

/// A batch as shown to merchants and reviewers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchView {
    /// 1-based number.
    pub number: u64,
    /// Its first contact's position in the import (0-based, excluded rows not counted).
    pub start: u64,
    /// Contacts in it.
    pub contacts: u64,
    /// Where it stands.
    pub status: BatchStatus,
    /// Rows upserted.
    pub imported: u64,
    /// Rows that failed.
    pub failed: u64,
    /// When it finished (RFC 3339).
    pub finished_at: Option<String>,
    /// What the messaging platform reported of it, once it has.
    pub signals: Option<crate::signals::DeliverySignals>,
    /// Why its signals paused the import, when they did.
    pub signals_breach: Option<String>,
    /// Its delivery to the tenant's webhook, when the tenant has one.
    pub webhook: Option<DeliveryView>,
}

/// A batch's webhook delivery, for the batch monitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts so far.
    pub attempts: u64,
    /// Why the latest failed attempt failed (kept after a later success).
    pub last_error: Option<String>,
    /// When it is tried again, while pending (RFC 3339).
    pub next_attempt_at: Option<String>,
}

/// One line of the review queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    /// Submission id.
    pub id: String,
    /// The tenant's name.
    pub tenant: String,
    /// Where it stands.
    pub status: SubmissionStatus,
    /// Profile.
    pub profile: String,
    /// Contacts.
    pub contacts: u64,
    /// When it arrived.
    pub created_at: String,
}

/// One contact in the tenant's store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactView {
    /// Its key: E.164 phone, ContactId (Mongoose) or email (email profile).
    pub key: String,
    /// The clean-file row, column → value.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Map<String, serde_json::Value>,
    /// The submission that last wrote it.
    pub submission_id: String,
    /// When (RFC 3339).
    pub updated_at: String,
}

/// A page of the tenant's contacts, by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactsPage {
    /// Up to `limit` contacts.
    pub contacts: Vec<ContactView>,
    /// Pass as `cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}
