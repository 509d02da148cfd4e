//! The review console's API: the queue, a submission with its evidence and
//! the merchant's change list, decisions, the plan, and the batch monitor.
//! Every route needs a reviewer session; every change also its CSRF token.

use crate::http::AppState;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::session::Reviewer;
use crate::http::submissions::{ChangesDownload, changes_download};
use crate::services::ledger::{self, ReviewScope};
use crate::services::{review, views};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use listgate_api::{ConsentChain, DecisionRequest, Plan, QueueItem, SubmissionView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1/review`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(detail))
        .routes(routes!(decide))
        .routes(routes!(plan))
        .routes(routes!(reschedule))
        .routes(routes!(retry_webhook))
        .routes(routes!(evidence))
        .routes(routes!(changes))
        .routes(routes!(consent))
}

/// Every submission, those waiting for review first.
#[utoipa::path(get, path = "/review/submissions", tag = "reviewers",
    security(("reviewer_session" = [])),
    responses((status = OK, body = Vec<QueueItem>), (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody)))]
async fn queue(
    State(state): State<AppState>,
    _: Reviewer,
) -> Result<Json<Vec<QueueItem>>, ApiError> {
    Ok(Json(views::queue(&state.backend).await?))
}

/// A submission with its report, consent answers, evidence list, history and import.
#[utoipa::path(get, path = "/review/submissions/{id}", tag = "reviewers", params(("id" = String, Path, description = "The submission id")),
    security(("reviewer_session" = [])),
    responses((status = OK, body = SubmissionView), (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody),
        (status = NOT_FOUND, body = ErrorBody)))]
async fn detail(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<String>,
) -> Result<Json<SubmissionView>, ApiError> {
    Ok(Json(views::submission(&state.backend, None, &id).await?))
}

/// Decides a submission waiting for review: approve (perhaps excluding
/// opt-in sources or segments; nothing is imported until the plan is
/// confirmed), request changes (the merchant adds what is missing to this
/// submission) or reject (final). Reasons are the profile's review's.
#[utoipa::path(post, path = "/review/submissions/{id}/decision", tag = "reviewers",
    params(("id" = String, Path, description = "The submission id")), request_body = DecisionRequest,
    security(("reviewer_session" = [], "csrf_token" = [])),
    responses((status = OK, body = SubmissionView),
        (status = BAD_REQUEST, description = "No reason, a reason of another profile's review, an unknown opt-in source, or exclusions that leave nothing", body = ErrorBody),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody), (status = FORBIDDEN, description = "Missing or wrong CSRF token", body = ErrorBody),
        (status = NOT_FOUND, body = ErrorBody), (status = CONFLICT, description = "Not waiting for review (decided, or waiting for the merchant's changes)", body = ErrorBody),
        (status = GONE, description = "The list was deleted under the retention period", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A body that does not follow the schema: a field missing, unknown or of the wrong type, named", body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    Json(decision): Json<DecisionRequest>,
) -> Result<Json<SubmissionView>, ApiError> {
    review::decide(&state.backend, &reviewer.id, &id, &decision).await?;
    Ok(Json(views::submission(&state.backend, None, &id).await?))
}

/// Confirms the import plan of an approved submission (its first batch is
/// due at once), or changes the plan of a running import. The submission's
/// `proposed_plan` is the merchant's.
#[utoipa::path(post, path = "/review/submissions/{id}/plan", tag = "reviewers",
    params(("id" = String, Path, description = "The submission id")), request_body = Plan,
    security(("reviewer_session" = [], "csrf_token" = [])),
    responses((status = OK, body = SubmissionView),
        (status = BAD_REQUEST, description = "A plan that cannot be used, saying what to change", body = ErrorBody),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody), (status = FORBIDDEN, description = "Missing or wrong CSRF token", body = ErrorBody),
        (status = NOT_FOUND, body = ErrorBody), (status = CONFLICT, description = "Not approved, or already imported", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A body that does not follow the schema: a field missing, unknown or of the wrong type, named", body = ErrorBody)))]
async fn plan(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<String>,
    Json(plan): Json<Plan>,
) -> Result<Json<SubmissionView>, ApiError> {
    review::confirm_plan(&state.backend, &id, plan).await?;
    Ok(Json(views::submission(&state.backend, None, &id).await?))
}

/// Changes to a running import; leave out what stays.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
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
        (status = NOT_FOUND, body = ErrorBody), (status = CONFLICT, description = "No import yet: approve it and confirm its plan first", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A body that does not follow the schema: a field missing, unknown or of the wrong type, named", body = ErrorBody)))]
async fn reschedule(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<String>,
    Json(change): Json<Reschedule>,
) -> Result<Json<SubmissionView>, ApiError> {
    let change = review::Reschedule {
        paused: change.paused,
        interval_seconds: change.interval_seconds,
        next_batch_size: change.next_batch_size,
    };
    review::reschedule(&state.backend, &id, change).await?;
    Ok(Json(views::submission(&state.backend, None, &id).await?))
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
    review::retry_webhook(&state.backend, &id, batch).await?;
    Ok(Json(views::submission(&state.backend, None, &id).await?))
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
        (status = GONE, description = "Deleted when the evidence retention period ended", body = ErrorBody),
    ))]
async fn evidence(
    State(state): State<AppState>,
    _: Reviewer,
    Path((id, position)): Path<(String, i64)>,
) -> Result<Response, ApiError> {
    let (name, declared, bytes) = review::evidence_file(&state.backend, &id, position).await?;
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

/// The merchant's change list (`changes.csv`), as they sent it: every cell
/// they edited in the app, before and after, consent columns marked.
#[utoipa::path(get, path = "/review/submissions/{id}/changes.csv", tag = "reviewers",
    params(("id" = String, Path, description = "The submission id")),
    security(("reviewer_session" = [])),
    responses(
        (status = OK, description = "`step,kind,row,column,before,after,consent`, one line per cell changed, as sent", content_type = "text/csv", body = String),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission, or it was sent without a change list", body = ErrorBody),
        (status = GONE, description = "Deleted with the list when its retention period ended", body = ErrorBody),
    ))]
async fn changes(
    State(state): State<AppState>,
    _: Reviewer,
    Path(id): Path<String>,
) -> Result<ChangesDownload, ApiError> {
    let csv = views::changes_csv(&state.backend, None, &id).await?;
    Ok(changes_download(csv))
}

/// Whose contact: name the tenant by its id or by one of its submissions.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
struct ContactScope {
    /// A submission of the contact's tenant (the console's way in).
    submission: Option<String>,
    /// Or the tenant's id, as `listgate tenant add` printed it.
    tenant: Option<String>,
}

/// A contact's whole consent chain, oldest first, as the tenant reads it
/// (`GET /contacts/{key}/consent`): who opted in, when, how, to what, and
/// who approved each import. Contact keys are per tenant: say whose.
#[utoipa::path(get, path = "/review/contacts/{key}/consent", tag = "reviewers",
    params(("key" = String, Path, description = "The contact's key: E.164 phone, ContactId (Mongoose) or e-mail address"), ContactScope),
    security(("reviewer_session" = [])),
    responses((status = OK, body = ConsentChain),
        (status = BAD_REQUEST, description = "Neither or both of `submission` and `tenant`, or another parameter", body = ErrorBody),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission, or the tenant's ledger has no event of this contact", body = ErrorBody)))]
async fn consent(
    State(state): State<AppState>,
    _: Reviewer,
    Path(key): Path<String>,
    Query(scope): Query<ContactScope>,
) -> Result<Json<ConsentChain>, ApiError> {
    let scope = match (&scope.submission, &scope.tenant) {
        (Some(id), None) => ReviewScope::Submission(id),
        (None, Some(id)) => ReviewScope::Tenant(id),
        _ => {
            return Err(ApiError::BadRequest(
                "say whose contact this is: `?submission=ID` (one of the tenant's submissions) or `?tenant=ID`, not both".into(),
            ));
        }
    };
    Ok(Json(
        ledger::chain_for_reviewer(&state.backend, scope, &key).await?,
    ))
}
