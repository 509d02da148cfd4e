//! Submissions, as merchants (and partner pages) send and follow them: a
//! clean list with its consent evidence, the amendments a reviewer asked
//! for, the submission's status, the rows that failed at import, the
//! merchant's change list, and the tenant's contact store a page at a time.

use crate::http::AppState;
use crate::http::auth::{Access, Submitter, Tenant};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::throttle::ClientAddress;
use crate::services::intake::{self, OptOuts, Package, Submitted};
use crate::services::{signals as delivery, views};
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use listgate_api::{
    ConsentDeclaration, ContactsPage, DeliverySignals, EvidenceView, SubmissionView,
};
use serde::Deserialize;
use tokio::sync::OwnedSemaphorePermit;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(read))
        .routes(routes!(amend))
        .routes(routes!(signals))
        .routes(routes!(failures))
        .routes(routes!(changes))
        .routes(routes!(contacts))
}

/// Rows of a submission that failed at import, as CSV (`row,reason`).
#[utoipa::path(get, path = "/submissions/{id}/failures.csv", tag = "merchants",
    params(("id" = String, Path, description = "The submission id")),
    security(("api_key" = [])),
    responses(
        (status = OK, description = "`row,reason` for each row that failed at import", content_type = "text/csv", body = String),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, body = ErrorBody),
    ))]
async fn failures(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<([(axum::http::HeaderName, &'static str); 1], Vec<u8>), ApiError> {
    let csv = views::failures_csv(&state.backend, &tenant.id, &id).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        csv,
    ))
}

/// The change list the submission was sent with, byte for byte.
#[utoipa::path(get, path = "/submissions/{id}/changes.csv", tag = "merchants",
    params(("id" = String, Path, description = "The submission id")),
    security(("api_key" = [])),
    responses(
        (status = OK, description = "The `changes.csv` sent with the submission (or with the corrected clean file of its latest amendment), as sent: \
            `step,kind,row,column,before,after,consent`, one line per cell changed", content_type = "text/csv", body = String),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission for this tenant, or it was sent without a change list", body = ErrorBody),
        (status = GONE, description = "Deleted with the list when its retention period ended", body = ErrorBody),
    ))]
async fn changes(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<ChangesDownload, ApiError> {
    let csv = views::changes_csv(&state.backend, Some(&tenant.id), &id).await?;
    Ok(changes_download(csv))
}

/// A change list as downloaded: CSV, saved as `changes.csv`.
pub(crate) type ChangesDownload = ([(HeaderName, &'static str); 2], Vec<u8>);

/// `csv`, the change list a submission was sent with, as a download.
pub(crate) fn changes_download(csv: Vec<u8>) -> ChangesDownload {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"changes.csv\"",
            ),
        ],
        csv,
    )
}

/// Which page of a list (the contacts, the suppression list).
#[derive(Debug, Deserialize, IntoParams)]
pub(crate) struct PageQuery {
    /// The `next_cursor` of the previous page; leave out for the first.
    pub(crate) cursor: Option<String>,
    /// Entries per page: 1 to 1,000, 100 when left out.
    pub(crate) limit: Option<u32>,
}

/// The tenant's imported contacts, by key, a page at a time.
#[utoipa::path(get, path = "/contacts", tag = "merchants",
    params(PageQuery),
    security(("api_key" = [])),
    responses((status = OK, body = ContactsPage),
        (status = BAD_REQUEST, description = "A limit over 1,000 or a cursor no page gave", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody)))]
async fn contacts(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(page): Query<PageQuery>,
) -> Result<Json<ContactsPage>, ApiError> {
    let page = views::contacts(
        &state.backend,
        &tenant.id,
        page.cursor.as_deref(),
        page.limit,
    )
    .await?;
    Ok(Json(page))
}

/// How much consent evidence one submission may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceLimits {
    /// Files at most.
    pub files: usize,
    /// Bytes per file at most.
    pub bytes_per_file: usize,
}

impl Default for EvidenceLimits {
    /// 20 files of up to 20 MiB each (screenshots, a PDF of the form).
    fn default() -> Self {
        EvidenceLimits {
            files: 20,
            bytes_per_file: 20 << 20,
        }
    }
}

/// Reads a submission form's parts; anything malformed or unknown is a
/// 400 naming the part, evidence over `limits` a 413 (public for the fuzz
/// target in `fuzz/`).
pub async fn read_form(
    mut multipart: Multipart,
    limits: EvidenceLimits,
) -> Result<Package, ApiError> {
    let mut form = Package::default();
    // `evidence_source` names the opt-in source of the evidence file after it.
    let mut source = String::new();
    let bad = |what: &str, e: &dyn std::fmt::Display| ApiError::BadRequest(format!("{what}: {e}"));
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "settings" => {
                let text = field.text().await.map_err(multipart_error)?;
                form.settings = Some(serde_json::from_str(&text).map_err(|e| bad("settings", &e))?);
            }
            "consent" => {
                let text = capped_text(field, MAX_CONSENT_BYTES, "consent").await?;
                form.consent = Some(parse_consent(&text)?);
            }
            "evidence_source" => source = field.text().await.map_err(multipart_error)?,
            "note" => form.note = capped_text(field, MAX_NOTE_BYTES, "note").await?,
            "clean" => form.clean = Some(field.bytes().await.map_err(multipart_error)?.to_vec()),
            "changes" => {
                let bytes = capped_bytes(field, MAX_CHANGES_BYTES).await?.ok_or_else(|| {
                    ApiError::TooLarge(format!(
                        "the `changes` part is larger than {} MB: send the changes.csv the app wrote for this list",
                        MAX_CHANGES_BYTES >> 20
                    ))
                })?;
                form.changes = Some(bytes);
            }
            "evidence" => {
                let view = EvidenceView {
                    name: field.file_name().unwrap_or("evidence").to_owned(),
                    content_type: field
                        .content_type()
                        .unwrap_or("application/octet-stream")
                        .to_owned(),
                    opt_in_source: std::mem::take(&mut source),
                    bytes: 0,
                };
                if form.evidence.len() == limits.files {
                    return Err(ApiError::TooLarge(format!(
                        "more than {} evidence files; send the {} that show the consent best",
                        limits.files, limits.files
                    )));
                }
                let bytes = field.bytes().await.map_err(multipart_error)?.to_vec();
                if bytes.len() > limits.bytes_per_file {
                    return Err(ApiError::TooLarge(format!(
                        "evidence file `{}` is {} MB; each may be at most {} MB (a screenshot or a PDF of the form is enough)",
                        view.name,
                        bytes.len() >> 20,
                        limits.bytes_per_file >> 20
                    )));
                }
                form.evidence.push((
                    EvidenceView {
                        bytes: bytes.len() as u64,
                        ..view
                    },
                    bytes,
                ));
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown form field `{other}`; send settings, clean, changes, consent, evidence_source, evidence and (amending) note"
                )));
            }
        }
    }
    Ok(form)
}

/// Largest `changes` part: the app's change list of any list it checks.
pub const MAX_CHANGES_BYTES: usize = 64 << 20;

/// Largest `consent` part: the longest answers fit with room to spare.
pub const MAX_CONSENT_BYTES: usize = 16 * 1024;

/// Reads the `consent` part; a 422 names the field that is wrong.
pub fn parse_consent(text: &str) -> Result<ConsentDeclaration, ApiError> {
    let mut json = serde_json::Deserializer::from_str(text);
    let refused = |path: &str, error: &dyn std::fmt::Display| ApiError::Unprocessable {
        message: if path == "." {
            format!("the `consent` part is not a consent declaration: {error}")
        } else {
            format!("the `consent` part's `{path}` is refused: {error}")
        },
        issues: Vec::new(),
    };
    let declaration = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| refused(&e.path().to_string(), e.inner()))?;
    json.end().map_err(|e| refused(".", &e))?;
    Ok(declaration)
}

/// A part's bytes, read chunk by chunk: `None` as soon as they pass `max`,
/// so a larger part is never buffered whole.
async fn capped_bytes(
    mut field: axum::extract::multipart::Field<'_>,
    max: usize,
) -> Result<Option<Vec<u8>>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > max {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Some(bytes))
}

/// A text part of at most `max` bytes, read chunk by chunk so a larger one
/// is refused (422, naming `part`) without being buffered.
async fn capped_text(
    field: axum::extract::multipart::Field<'_>,
    max: usize,
    part: &str,
) -> Result<String, ApiError> {
    let refused = |message: String| ApiError::Unprocessable {
        message,
        issues: Vec::new(),
    };
    let bytes = capped_bytes(field, max)
        .await?
        .ok_or_else(|| refused(format!("the `{part}` part is larger than {} KB", max >> 10)))?;
    String::from_utf8(bytes).map_err(|_| refused(format!("the `{part}` part is not UTF-8 text")))
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("the submission is larger than this server accepts".into())
    } else {
        ApiError::BadRequest(format!("the form could not be read: {}", error.body_text()))
    }
}

/// Largest `note` part of an amendment.
pub const MAX_NOTE_BYTES: usize = 4 * 1024;

/// A check slot: taken before the body is read, so that past the limit the
/// server answers 503 at once rather than buffer bodies and queue without end.
fn check_permit(state: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    std::sync::Arc::clone(&state.checks)
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::Unavailable(
                "the server is checking as many lists as it can; send it again shortly".into(),
            )
        })
}

/// The Idempotency-Key header, when sent: 1 to 200 visible characters.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .ok()
                .filter(|k| !k.is_empty() && k.len() <= 200)
                .map(str::to_owned)
                .ok_or_else(|| {
                    ApiError::BadRequest(
                        "Idempotency-Key must be 1 to 200 visible characters".into(),
                    )
                })
        })
        .transpose()
}

/// Submits a clean list with its consent evidence. The server checks the
/// list again; only a list whose every row is importable is stored.
#[utoipa::path(post, path = "/submissions", tag = "merchants",
    security(("api_key" = []), ("publishable_key" = [])),
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Sending the same key again returns the first submission (200) instead of creating another")),
    request_body(content_type = "multipart/form-data", description = "Fields, in any order: \
        `settings` (JSON: `{\"profile\": \"whatsapp\", \"options\": {…}}`, the options the list was checked with), \
        `clean` (the clean CSV listgate wrote), optionally `changes` (the `changes.csv` the app wrote of the cells the merchant edited, \
        at most 64 MB; the reviewer sees it, consent changes first), `consent` (JSON, at most 16 KB, no other fields: \
        `{\"consent\": {\"wording\", \"source\", \"capture_method\", \"double_opt_in\"}, \"self_check\": {…}, \"gdpr_confirmed\"}`, \
        the consent details, answers to the profile's self-check questions and, for email-gdpr, the required GDPR and profiling confirmation), and per evidence file an `evidence_source` (the opt-in source it proves) \
        followed by the `evidence` file."),
    responses(
        (status = CREATED, description = "Stored, pending review", body = SubmissionView),
        (status = OK, description = "Already received with this Idempotency-Key and the same content", body = SubmissionView),
        (status = BAD_REQUEST, description = "A form field is missing or malformed", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody),
        (status = FORBIDDEN, description = "The page's origin is not allowed for this tenant", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, body = ErrorBody),
        (status = CONFLICT, description = "The same clean file, evidence and answers were submitted before (after a rejection: naming it and what was missing); \
            the Idempotency-Key was sent with other content; or the tenant has as many submissions waiting for review as the server allows", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "Rows that cannot be imported, with their issues; a `consent` that does not follow its schema, naming the field; \
            self-check answers the profile does not ask, or an email-gdpr list without `gdpr_confirmed`; a `changes` part that is not a change list the app wrote, naming the line", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many submissions with this publishable key or from this address; retry after the `Retry-After` seconds", body = ErrorBody),
        (status = SERVICE_UNAVAILABLE, description = "As many lists as the server checks at once are being checked; retry after the `Retry-After` seconds", body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    submitter: Submitter,
    client: ClientAddress,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<(StatusCode, Json<SubmissionView>), ApiError> {
    let tenant = submitter.tenant;
    // The publishable key is public (each tenant has one): it is limited per
    // key and per address; the secret key's holder is the merchant.
    if submitter.access == Access::SubmitOnly {
        state.throttles.publishable_submission(client, &tenant.id)?;
    }
    let key = idempotency_key(&headers)?;
    let permit = check_permit(&state)?;
    let package = read_form(multipart, state.evidence_limits).await?;
    let limit = state.throttles.limits.max_pending_submissions;
    let opt_outs = if submitter.access == Access::SubmitOnly {
        OptOuts::AtSubmission
    } else {
        OptOuts::AtImport
    };
    let submitted = intake::submit(
        &state.backend,
        &tenant.id,
        key.as_deref(),
        package,
        limit,
        opt_outs,
        permit,
    )
    .await?;
    let (status, id) = match submitted {
        Submitted::Created(id) => (StatusCode::CREATED, id),
        Submitted::Repeated(id) => (StatusCode::OK, id),
    };
    Ok((
        status,
        Json(views::submission(&state.backend, Some(&tenant.id), &id).await?),
    ))
}

/// Adds what a reviewer asked for to a submission whose changes were
/// requested; it then waits for review again.
#[utoipa::path(post, path = "/submissions/{id}/amendments", tag = "merchants",
    params(("id" = String, Path, description = "The submission id")),
    security(("api_key" = [])),
    request_body(content_type = "multipart/form-data", description = "Any of: `clean` (a corrected clean CSV, checked again) \
        with, optionally, `changes` (its `changes.csv`, which replaces the stored change list; without one the earlier change list stays), \
        `consent` (new consent answers, as for a submission), per evidence file an `evidence_source` followed by the `evidence` file, \
        and a `note` to the reviewer (at most 4 KB)."),
    responses(
        (status = OK, description = "Amended, waiting for review again", body = SubmissionView),
        (status = BAD_REQUEST, description = "Nothing to add, settings (an amendment keeps them), or `changes` without `clean`", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, body = ErrorBody),
        (status = CONFLICT, description = "No changes were requested for this submission", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A corrected file with rows that cannot be imported, answers the profile refuses, or a `changes` part that is not a change list the app wrote", body = ErrorBody),
        (status = SERVICE_UNAVAILABLE, description = "As many lists as the server checks at once are being checked; retry after the `Retry-After` seconds", body = ErrorBody),
    ))]
async fn amend(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<Json<SubmissionView>, ApiError> {
    let permit = check_permit(&state)?;
    let package = read_form(multipart, state.evidence_limits).await?;
    intake::amend(&state.backend, &tenant.id, &id, package, permit).await?;
    Ok(Json(
        views::submission(&state.backend, Some(&tenant.id), &id).await?,
    ))
}

/// What the messaging platform saw of an imported batch. Signals over the
/// tenant's thresholds pause the import and halve the next batch; when the
/// tenant's imports wait for signals, healthy ones release the next batch.
#[utoipa::path(post, path = "/submissions/{id}/batches/{number}/signals", tag = "merchants",
    params(("id" = String, Path, description = "The submission id"), ("number" = i64, Path, description = "The batch number")),
    request_body = DeliverySignals,
    security(("api_key" = [])),
    responses(
        (status = OK, description = "Recorded; the import paced by them", body = SubmissionView),
        (status = BAD_REQUEST, description = "Counts that cannot describe the batch", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission or batch for this tenant", body = ErrorBody),
        (status = CONFLICT, description = "The batch is not imported yet", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A body that does not follow the schema: a count missing, unknown (`clicks`) or not a whole number, named", body = ErrorBody),
    ))]
async fn signals(
    State(state): State<AppState>,
    tenant: Tenant,
    Path((id, number)): Path<(String, i64)>,
    Json(signals): Json<DeliverySignals>,
) -> Result<Json<SubmissionView>, ApiError> {
    delivery::report(&state.backend, &tenant.id, &id, number, signals).await?;
    Ok(Json(
        views::submission(&state.backend, Some(&tenant.id), &id).await?,
    ))
}

/// A submission: status, decisions, what is missing, the import and its batches.
#[utoipa::path(get, path = "/submissions/{id}", tag = "merchants",
    params(("id" = String, Path, description = "The submission id")),
    security(("api_key" = [])),
    responses((status = OK, body = SubmissionView), (status = UNAUTHORIZED, body = ErrorBody),
        (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission for this tenant", body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Json<SubmissionView>, ApiError> {
    Ok(Json(
        views::submission(&state.backend, Some(&tenant.id), &id).await?,
    ))
}
