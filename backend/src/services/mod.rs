//! What the server does, below HTTP: take in submissions (re-check and
//! store), review them, run the paced import, send webhooks, and delete
//! what the retention periods end. Services use storage (`db`) and the
//! domain; they return [`ServiceError`], which the HTTP layer maps to
//! status codes.

pub mod consent;
pub mod import;
pub mod intake;
pub mod ledger;
pub mod notify;
pub mod paging;
pub mod retention;
pub mod review;
pub mod signals;
pub mod suppressions;
pub mod views;
pub mod webhooks;

use crate::db::blobs::{BlobStore, StoreError};
use listgate_core::Issue;
use sqlx::AnyPool;

/// What every service needs: storage, the clock's settings and the outbound client.
#[derive(Debug, Clone)]
pub struct Backend {
    /// The database.
    pub db: AnyPool,
    /// Clean files and evidence, content-addressed.
    pub store: BlobStore,
    /// The database is PostgreSQL (several servers may share the queue).
    pub postgres: bool,
    /// The client webhooks are sent with.
    pub http: reqwest::Client,
    /// Seconds between batches in the plan reviewers are offered.
    pub batch_interval_seconds: u64,
    /// How long files are kept.
    pub retention: Retention,
    /// The SMTP server merchants are e-mailed through, when there is one.
    pub mail: Option<notify::Mailer>,
}

/// How long a finished submission's files are kept (0: forever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days the clean file is kept (`--retain-days`).
    pub list_days: u32,
    /// Days the evidence and consent answers are kept (`--evidence-retain-days`).
    pub evidence_days: u32,
}

/// Days a finished submission's list is kept unless `--retain-days` says otherwise.
pub const DEFAULT_LIST_RETAIN_DAYS: u32 = 90;

/// Days evidence is kept unless the operator says otherwise: about three
/// years, for when consent is challenged long after the import.
pub const DEFAULT_EVIDENCE_RETAIN_DAYS: u32 = 1095;

impl Default for Retention {
    /// Lists for 90 days, evidence for three years.
    fn default() -> Self {
        Retention {
            list_days: DEFAULT_LIST_RETAIN_DAYS,
            evidence_days: DEFAULT_EVIDENCE_RETAIN_DAYS,
        }
    }
}

/// Why a service refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Nothing with that id belongs to the caller.
    #[error("not found")]
    NotFound,
    /// It exists without what was asked of it (a change list it was sent
    /// without); the message says so.
    #[error("{0}")]
    Absent(String),
    /// The request is malformed; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// The action conflicts with where the submission stands.
    #[error("{0}")]
    Conflict(String),
    /// It existed and was deleted under a retention period.
    #[error("{0}")]
    Gone(String),
    /// The content is refused: rows that cannot be imported, a declaration
    /// the profile does not accept.
    #[error("{message}")]
    Refused {
        /// What is wrong, in a sentence.
        message: String,
        /// The first issues found.
        issues: Vec<Issue>,
    },
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// The file store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else: a bug.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    /// A refusal with no row issues.
    pub fn refused(message: impl Into<String>) -> ServiceError {
        ServiceError::Refused {
            message: message.into(),
            issues: Vec::new(),
        }
    }
}

impl From<serde_json::Error> for ServiceError {
    /// JSON the server wrote that it cannot read back is a bug.
    fn from(error: serde_json::Error) -> Self {
        ServiceError::Internal(error.into())
    }
}

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
