//! Reviewers: accounts with argon2-hashed passwords, cookie sessions with a
//! CSRF token for every change, and the review console's API.

use crate::error::{ApiError, ErrorBody};
use crate::submissions::{SubmissionView, load_submission};
use crate::tenants::{new_id, sha256_hex};
use crate::throttle::ClientAddress;
use crate::web::AppState;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::AnyPool;
use subtle::ConstantTimeEq as _;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The session cookie's name over plain HTTP (`__Host-…` over HTTPS).
pub use crate::session_cookie::PLAIN_NAME as SESSION_COOKIE;
/// The header carrying the CSRF token on every change.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts.
const SESSION_HOURS: i64 = 12;
/// Largest sign-in body: an e-mail and a password fit many times over.
const SIGN_IN_BODY_BYTES: usize = 4 * 1024;

/// Routes under `/api/v1`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    let session = OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .layer(DefaultBodyLimit::max(SIGN_IN_BODY_BYTES));
    OpenApiRouter::new()
        .merge(session)
        .routes(routes!(queue))
        .routes(routes!(detail))
        .routes(routes!(decide))
        .routes(routes!(reschedule))
        .routes(routes!(retry_webhook))
        .routes(routes!(evidence))
}

/// Types shown in the browser; anything else is downloaded, never rendered.
const VIEWABLE: [&str; 4] = ["image/png", "image/jpeg", "image/webp", "application/pdf"];

/// One evidence file, for the reviewer's viewer: images and PDF inline,
/// anything else as a download; never run as a page.
#[utoipa::path(get, path = "/review/submissions/{id}/evidence/{position}", tag = "reviewers",
    params(("id" = String, Path, description = "The submission id"), ("position" = i64, Path, description = "0-based, in the order the files were sent")),
    security(("reviewer_session" = [])),
    responses(
        (status = OK, description = "The file as uploaded", content_type = "application/octet-stream", body = Vec<u8>),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody), (status = NOT_FOUND, body = ErrorBody),
        (status = GONE, description = "Deleted when the retention period ended", body = ErrorBody),
    ))]
async fn evidence(
    State(state): State<AppState>,
    _: Reviewer,
    Path((id, position)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let row: Option<(String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT e.name, e.content_type, e.sha256, s.purged_at
         FROM evidence e JOIN submissions s ON s.id = e.submission_id
         WHERE e.submission_id = $1 AND e.position = $2",
    )
    .bind(&id)
    .bind(position)
    .fetch_optional(&state.db)
    .await?;
    let (name, declared, sha, purged_at) = row.ok_or(ApiError::NotFound)?;
    if let Some(at) = purged_at {
        return Err(ApiError::Gone(format!(
            "the evidence was deleted on {at}, when the retention period ended"
        )));
    }
    let bytes = state.store.get(&sha).await?;
    let viewable = VIEWABLE.contains(&declared.as_str());
    let content_type = if viewable {
        declared.as_str()
    } else {
        "application/octet-stream"
    };
    let safe_name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{}; filename=\"{safe_name}\"",
        if viewable { "inline" } else { "attachment" }
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).map_err(anyhow::Error::from)?,
    );
    headers.insert(
        axum::http::header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(anyhow::Error::from)?,
    );
    // Evidence is the merchant's file: it runs no script, even if it tries.
    headers.insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
        ),
    );
    Ok(response)
}

/// Changes to a running import; leave out what stays.
#[derive(Debug, Default, Deserialize, ToSchema)]
struct Reschedule {
    /// Pause (`true`) or resume (`false`).
    paused: Option<bool>,
    /// Seconds between batches.
    interval_seconds: Option<u64>,
    /// Contacts in the next (queued) batch.
    next_batch_size: Option<u64>,
}

/// Pauses or resumes an import, changes the interval, resizes the next batch.
#[utoipa::path(post, path = "/review/submissions/{id}/schedule", tag = "reviewers",
    params(("id" = String, Path, description = "The submission id")), request_body = Reschedule,
    security(("reviewer_session" = [], "csrf_token" = [])),
    responses((status = OK, body = SubmissionView), (status = BAD_REQUEST, body = ErrorBody),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody), (status = FORBIDDEN, description = "Missing or wrong CSRF token", body = ErrorBody),
        (status = CONFLICT, description = "Not approved yet", body = ErrorBody)))]
async fn reschedule(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<String>,
    Json(change): Json<Reschedule>,
) -> Result<Json<SubmissionView>, ApiError> {
    let mut tx = state.db.begin().await?;
    let total: Option<i64> = sqlx::query_scalar(
        "SELECT s.contacts FROM submissions s JOIN schedules c ON c.submission_id = s.id WHERE s.id = $1",
    )
    .bind(&id)
    .fetch_optional(&mut *tx)
    .await?;
    let total = total.ok_or_else(|| {
        ApiError::Conflict("this submission has no import schedule: approve it first".into())
    })?;
    if let Some(paused) = change.paused {
        sqlx::query("UPDATE schedules SET paused = $1 WHERE submission_id = $2")
            .bind(i64::from(paused))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(seconds) = change.interval_seconds {
        let ms = i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
        sqlx::query("UPDATE schedules SET interval_ms = $1 WHERE submission_id = $2")
            .bind(ms)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        // The queued batch is due `seconds` after the last finished one, or now.
        sqlx::query(
            "UPDATE batches SET due_at_ms = $1 WHERE submission_id = $2 AND status = 'queued'",
        )
        .bind(chrono::Utc::now().timestamp_millis() + ms.min(i64::MAX / 2))
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(size) = change.next_batch_size {
        if size == 0 {
            return Err(ApiError::BadRequest(
                "the next batch needs at least one contact".into(),
            ));
        }
        // Never past the end of the list: the queued batch covers at most what is left.
        sqlx::query(
            "UPDATE batches SET contacts = CASE WHEN $1 < $2 - (first_row - 2) THEN $1 ELSE $2 - (first_row - 2) END
             WHERE submission_id = $3 AND status = 'queued'",
        )
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(total)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Json(load_submission(&state, None, &id).await?))
}

/// Sends a batch's webhook delivery again after it was given up (12 failed
/// attempts, or a URL no longer accepted).
#[utoipa::path(post, path = "/review/submissions/{id}/webhooks/{batch}/retry", tag = "reviewers",
    params(("id" = String, Path, description = "The submission id"), ("batch" = i64, Path, description = "The batch number")),
    security(("reviewer_session" = [], "csrf_token" = [])),
    responses((status = OK, body = SubmissionView),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody), (status = FORBIDDEN, description = "Missing or wrong CSRF token", body = ErrorBody),
        (status = CONFLICT, description = "The batch has no failed delivery", body = ErrorBody)))]
async fn retry_webhook(
    State(state): State<AppState>,
    _: Reviewer,
    Path((id, batch)): Path<(String, i64)>,
) -> Result<Json<SubmissionView>, ApiError> {
    if !crate::webhooks::retry(&state.db, &id, batch).await? {
        return Err(ApiError::Conflict(format!(
            "batch {batch} has no failed webhook delivery to send again"
        )));
    }
    Ok(Json(load_submission(&state, None, &id).await?))
}

/// A reviewer's email: something@somewhere, at most 254 characters, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Validates an email address.
    pub fn parse(text: &str) -> Result<Email, String> {
        let email = text.trim().to_lowercase();
        let valid = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
        if valid {
            Ok(Email(email))
        } else {
            Err(format!("`{text}` is not an email address"))
        }
    }
    /// The address, lowercased.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password of at least 12 characters.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    /// Validates a new password.
    pub fn parse(text: &str) -> Result<Password, String> {
        if text.chars().count() < 12 {
            return Err("a password has at least 12 characters".into());
        }
        Ok(Password(text.to_owned()))
    }
}

/// Adds a reviewer, or sets the password of an existing (or removed) one;
/// a changed password ends every session signed in with the old one.
pub async fn set_reviewer(db: &AnyPool, email: &Email, password: &Password) -> anyhow::Result<()> {
    let hash = hash_password(&password.0)?;
    let mut tx = db.begin().await?;
    end_sessions(&mut tx, email).await?;
    let updated =
        sqlx::query("UPDATE reviewers SET password_hash = $1, removed_at = NULL WHERE email = $2")
            .bind(&hash)
            .bind(&email.0)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if updated == 0 {
        sqlx::query(
            "INSERT INTO reviewers (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_id())
        .bind(&email.0)
        .bind(&hash)
        .bind(Utc::now().to_rfc3339())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends every session of the reviewer with `email`.
async fn end_sessions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &Email,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM sessions WHERE reviewer_id IN (SELECT id FROM reviewers WHERE email = $1)",
    )
    .bind(&email.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes a reviewer: their sessions end and they can no longer sign in.
/// The record stays, without a password, because their decisions name it.
/// `Ok(false)` when no reviewer has that e-mail.
pub async fn remove_reviewer(db: &AnyPool, email: &Email) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    end_sessions(&mut tx, email).await?;
    let removed = sqlx::query(
        "UPDATE reviewers SET password_hash = '', removed_at = $1 WHERE email = $2 AND removed_at IS NULL",
    )
    .bind(Utc::now().to_rfc3339())
    .bind(&email.0)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(removed == 1)
}

/// A reviewer's credentials.
#[derive(Debug, Deserialize, ToSchema)]
struct SignIn {
    /// The email the reviewer was added with.
    email: String,
    /// Their password.
    password: String,
}

/// What a signed-in reviewer needs: the token to send with every change.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct SessionView {
    /// The reviewer's email.
    pub email: String,
    /// Send it as `X-CSRF-Token` on every POST.
    pub csrf_token: String,
}

/// Signs a reviewer in: sets the session cookie and returns the CSRF token.
#[utoipa::path(post, path = "/session", tag = "reviewers", request_body = SignIn,
    responses((status = OK, description = "Signed in; the `listgate_session` cookie is set (`__Host-listgate_session`, Secure, over HTTPS)", body = SessionView),
        (status = FORBIDDEN, description = "Wrong email or password", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, description = "A body over 4 KB"),
        (status = TOO_MANY_REQUESTS, description = "Too many attempts from this address or for this email; retry after the `Retry-After` seconds", body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Json(body): Json<SignIn>,
) -> Result<Response, ApiError> {
    let wrong = || ApiError::Forbidden("wrong email or password".into());
    let email = Email::parse(&body.email).map_err(|_| wrong())?;
    state.throttles.sign_in(client, &email.0)?;
    let now = Utc::now();
    delete_expired_sessions(&state.db, now).await?;
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT id, password_hash FROM reviewers WHERE email = $1 AND removed_at IS NULL",
    )
    .bind(&email.0)
    .fetch_optional(&state.db)
    .await?;
    let (id, stored) = row.unzip();
    if !verify_password(body.password, stored).await? {
        return Err(wrong());
    }
    let id = id.ok_or_else(wrong)?;
    let token = new_id() + &new_id();
    let csrf = new_id();
    sqlx::query(
        "INSERT INTO sessions (token_hash, reviewer_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(sha256_hex(token.as_bytes()))
    .bind(&id)
    .bind(&csrf)
    .bind((now + Duration::hours(SESSION_HOURS)).to_rfc3339())
    .execute(&state.db)
    .await?;
    let mut response = Json(SessionView {
        email: email.0,
        csrf_token: csrf,
    })
    .into_response();
    let https = state.transport.is_https(&headers);
    let hours = std::time::Duration::from_secs(SESSION_HOURS as u64 * 3600);
    set_session_cookie(&mut response, &token, hours, https)?;
    Ok(response)
}

/// Sets (or, with an empty token and no time, clears) the session cookie.
fn set_session_cookie(
    response: &mut Response,
    token: &str,
    max_age: std::time::Duration,
    https: bool,
) -> Result<(), ApiError> {
    let cookie = crate::session_cookie::session_cookie(token, max_age, https)
        .map_err(anyhow::Error::from)?;
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(())
}

/// A hash of a password nobody knows, verified when the e-mail is not a
/// reviewer's, so that an unknown e-mail costs as much time as a known
/// one and answers do not tell which e-mails are reviewers.
static UNKNOWN_REVIEWER_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password(&new_id()).expect("argon2 hashes a random password with default parameters")
});

/// Whether `password` matches `stored` (a reviewer's argon2 hash); with no
/// reviewer it runs the same work against [`UNKNOWN_REVIEWER_HASH`] and
/// answers no. Argon2 runs on the blocking pool, away from the async workers.
async fn verify_password(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| UNKNOWN_REVIEWER_HASH.clone());
        let hash = PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .map_err(anyhow::Error::from)?
}

/// An argon2 hash of `password` with a fresh salt from the OS.
fn hash_password(password: &str) -> anyhow::Result<String> {
    Ok(Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?
        .to_string())
}

/// Deletes the sessions that ended before `now`; returns how many.
pub async fn delete_expired_sessions(
    db: &AnyPool,
    now: chrono::DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    // RFC 3339 times in UTC compare as text, as `retention` relies on too.
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now.to_rfc3339())
        .execute(db)
        .await?
        .rows_affected())
}

/// Signs the reviewer out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/session", tag = "reviewers",
    security(("reviewer_session" = [], "csrf_token" = [])),
    responses((status = NO_CONTENT, description = "Signed out"), (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody),
        (status = FORBIDDEN, description = "Missing or wrong CSRF token", body = ErrorBody)))]
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    reviewer: Reviewer,
) -> Result<Response, ApiError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(&reviewer.session)
        .execute(&state.db)
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    let https = state.transport.is_https(&headers);
    set_session_cookie(&mut response, "", std::time::Duration::ZERO, https)?;
    Ok(response)
}

/// A signed-in reviewer. Changes (anything but GET) also need the session's
/// CSRF token in `X-CSRF-Token`, so another site cannot act with the cookie.
#[derive(Debug, Clone)]
pub struct Reviewer {
    /// The reviewer's id.
    pub id: String,
    session: String,
}

impl FromRequestParts<AppState> for Reviewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed_out = || ApiError::SignedOut;
        let https = state.transport.is_https(&parts.headers);
        let token = crate::session_cookie::token(&parts.headers, https).ok_or_else(signed_out)?;
        let session = sha256_hex(token.as_bytes());
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT reviewer_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1",
        )
        .bind(&session)
        .fetch_optional(&state.db)
        .await?;
        let (id, csrf, expires) = row.ok_or_else(signed_out)?;
        let live = chrono::DateTime::parse_from_rfc3339(&expires).is_ok_and(|e| e > Utc::now());
        if !live {
            return Err(signed_out());
        }
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let sent = parts.headers.get(CSRF_HEADER).map(HeaderValue::as_bytes);
            // Compared in constant time: timing reveals nothing about the token.
            if !sent.is_some_and(|sent| bool::from(sent.ct_eq(csrf.as_bytes()))) {
                return Err(ApiError::Forbidden(
                    "missing or wrong X-CSRF-Token: send the token you got when signing in".into(),
                ));
            }
        }
        Ok(Reviewer { id, session })
    }
}

/// One line of the review queue.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct QueueItem {
    /// Submission id.
    pub id: String,
    /// The tenant's name.
    pub tenant: String,
    /// Status.
    pub status: String,
    /// Profile.
    pub profile: String,
    /// Contacts.
    pub contacts: u64,
    /// When it arrived.
    pub created_at: String,
}

/// Every submission, those waiting for review first.
#[utoipa::path(get, path = "/review/submissions", tag = "reviewers",
    security(("reviewer_session" = [])),
    responses((status = OK, body = Vec<QueueItem>), (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody)))]
async fn queue(
    State(state): State<AppState>,
    _: Reviewer,
) -> Result<Json<Vec<QueueItem>>, ApiError> {
    let rows: Vec<(String, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT s.id, t.name, s.status, s.profile, s.contacts, s.created_at
         FROM submissions s JOIN tenants t ON t.id = s.tenant_id
         ORDER BY CASE s.status WHEN 'pending_review' THEN 0 ELSE 1 END, s.created_at",
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(
                |(id, tenant, status, profile, contacts, created_at)| QueueItem {
                    id,
                    tenant,
                    status,
                    profile,
                    contacts: contacts as u64,
                    created_at,
                },
            )
            .collect(),
    ))
}

/// A submission with its report, consent answers, evidence list and schedule.
#[utoipa::path(get, path = "/review/submissions/{id}", tag = "reviewers", params(("id" = String, Path, description = "The submission id")),
    security(("reviewer_session" = [])),
    responses((status = OK, body = SubmissionView), (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody),
        (status = NOT_FOUND, body = ErrorBody)))]
async fn detail(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<String>,
) -> Result<Json<SubmissionView>, ApiError> {
    Ok(Json(load_submission(&state, None, &id).await?))
}

/// Why a list is rejected: the known blockers, each with what the merchant must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The consent wording or form does not name WhatsApp.
    NoExplicitWhatsappOptIn,
    /// The evidence does not show how and when contacts opted in.
    InsufficientProof,
    /// Contacts who agreed to SMS or email only are mixed in.
    MixedChannelConsent,
    /// The file does not follow the required format.
    Formatting,
}

impl RejectReason {
    /// What the merchant must provide or fix.
    pub fn what_is_missing(self) -> &'static str {
        match self {
            RejectReason::NoExplicitWhatsappOptIn => {
                "consent that names WhatsApp explicitly: show the opt-in wording contacts agreed to"
            }
            RejectReason::InsufficientProof => {
                "proof of opt-in: screenshots or a PDF of the form, with each contact's timestamp and source"
            }
            RejectReason::MixedChannelConsent => {
                "a list of WhatsApp-consented contacts only: leave SMS-only, email-only and unknown contacts out"
            }
            RejectReason::Formatting => {
                "a file in the required format: check it again with listgate and submit the clean file"
            }
        }
    }
}

/// A reviewer's decision.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Import the list.
    Approve {
        /// Optional note to the merchant.
        #[serde(default)]
        note: String,
    },
    /// Send it back.
    Reject {
        /// At least one known blocker.
        reasons: Vec<RejectReason>,
        /// Free text for the merchant.
        #[serde(default)]
        note: String,
    },
}

/// Approves a submission (its import starts) or rejects it with reasons.
#[utoipa::path(post, path = "/review/submissions/{id}/decision", tag = "reviewers",
    params(("id" = String, Path, description = "The submission id")), request_body = Decision,
    security(("reviewer_session" = [], "csrf_token" = [])),
    responses((status = OK, body = SubmissionView),
        (status = BAD_REQUEST, description = "A rejection without a reason", body = ErrorBody),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody), (status = FORBIDDEN, description = "Missing or wrong CSRF token", body = ErrorBody),
        (status = NOT_FOUND, body = ErrorBody), (status = CONFLICT, description = "Already decided", body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    Json(decision): Json<Decision>,
) -> Result<Json<SubmissionView>, ApiError> {
    let (status, reasons, note) = match &decision {
        Decision::Approve { note } => ("approved", Vec::new(), note),
        Decision::Reject { reasons, .. } if reasons.is_empty() => {
            return Err(ApiError::BadRequest(
                "a rejection names at least one reason".into(),
            ));
        }
        Decision::Reject { reasons, note } => ("rejected", reasons.clone(), note),
    };
    let mut tx = state.db.begin().await?;
    let changed = sqlx::query(
        "UPDATE submissions SET status = $1 WHERE id = $2 AND status = 'pending_review'",
    )
    .bind(status)
    .bind(&id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await?;
        return Err(match exists {
            Some(status) => {
                ApiError::Conflict(format!("this submission was already decided: {status}"))
            }
            None => ApiError::NotFound,
        });
    }
    if status == "approved" {
        let contacts: i64 = sqlx::query_scalar("SELECT contacts FROM submissions WHERE id = $1")
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        crate::import::start_schedule(&mut tx, &id, contacts, state.batch_interval_ms).await?;
    }
    sqlx::query(
        "INSERT INTO reviews (submission_id, reviewer_id, decision, reasons, note, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&reviewer.id)
    .bind(status)
    .bind(serde_json::to_string(&reasons).map_err(anyhow::Error::from)?)
    .bind(note)
    .bind(Utc::now().to_rfc3339())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(submission = %id, reviewer = %reviewer.id, status, "review decided");
    Ok(Json(load_submission(&state, None, &id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "correct horse battery staple" hashed by argon2 0.5, which listgate
    /// used before 0.6: hashes already stored must keep verifying.
    const ARGON2_0_5_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$qpvoa8SLaZnlX5A2MYRR+Q$f3yRJ5LZEhzWmeMT8A93Qh/8QYOLNcY9w+jW+7ixpO4";

    #[tokio::test]
    async fn hashes_stored_by_argon2_0_5_still_verify() {
        let stored = Some(ARGON2_0_5_HASH.to_owned());
        let right = verify_password("correct horse battery staple".into(), stored.clone());
        assert!(right.await.unwrap());
        assert!(
            !verify_password("correct horse battery".into(), stored)
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn new_hashes_have_the_stored_format_and_verify() {
        let hash = hash_password("s3cret").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            verify_password("s3cret".into(), Some(hash.clone()))
                .await
                .unwrap()
        );
        assert!(!verify_password("s3cret!".into(), Some(hash)).await.unwrap());
    }
}
