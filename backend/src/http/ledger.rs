//! The consent ledger, with the tenant's secret API key: a contact's whole
//! chain, the messaging platform's reports of a contact's confirmation or
//! opt-out, and the export of a submission's or of every contact's ledger
//! for an audit (CSV or JSON, streamed).

use crate::http::AppState;
use crate::http::auth::Tenant;
use crate::http::error::{ApiError, ErrorBody};
use crate::services::consent;
use crate::services::ledger::{self, ExportFormat};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use listgate_api::{ConsentChain, ConsentEventView, ConsentReport, ContactConsent};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(chain, report))
        .routes(routes!(export_csv))
        .routes(routes!(export_json))
}

/// A contact's whole consent chain, oldest first: every import that wrote
/// or refused it (with the consent its row gave, the submission, its
/// evidence files and the approval), every opt-out added or removed.
#[utoipa::path(get, path = "/contacts/{key}/consent", tag = "merchants",
    params(("key" = String, Path, description = "The contact's key: its E.164 phone (`+447911123456`), ContactId (Mongoose) or e-mail address (email profile)")),
    security(("api_key" = [])),
    responses((status = OK, body = ConsentChain),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, description = "The tenant's ledger has no event of this contact", body = ErrorBody)))]
async fn chain(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(key): Path<String>,
) -> Result<Json<ConsentChain>, ApiError> {
    Ok(Json(ledger::chain(&state.backend, &tenant.id, &key).await?))
}

/// The messaging platform reports that the contact confirmed (completed
/// the opt-in its welcome message links to) or opted out. Contacts imported
/// under `sms-us` await confirmation: Community sends each imported number
/// a one-time welcome message with an opt-in link, and only those who
/// complete it join. Each change is an event of the contact's chain; an
/// opt-out also goes onto the tenant's suppression list (its phone, or its
/// e-mail address), so later imports with older consent refuse it.
#[utoipa::path(post, path = "/contacts/{key}/consent", tag = "merchants",
    params(("key" = String, Path, description = "The contact's key, as the batch webhook's `consent` names it (percent-encode `+` as `%2B`)")),
    security(("api_key" = [])),
    request_body(content = ConsentReport, description = "`{\"state\": \"confirmed\" | \"opted_out\", \"at\": \"2026-03-01T09:30:00Z\", \"reason\": \"replied STOP\"}`; `at` (when it happened, now when left out) and `reason` (at most 200 characters) are optional"),
    responses(
        (status = OK, description = "Where the contact's consent stands now, and whether the report changed it (a report of where it stands already records nothing)", body = ContactConsent),
        (status = BAD_REQUEST, description = "A body that is not JSON", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, description = "The tenant has no contact with this key", body = ErrorBody),
        (status = CONFLICT, description = "A confirmation of a contact that opted out: an opt-out wins; only an import with newer consent subscribes it again", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "A body that is not `application/json`", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A field that is missing, not one the body takes or wrong, named: a `state` other than `confirmed` or `opted_out`, an `at` that is not RFC 3339 or lies in the future, a `reason` over 200 characters; nothing is recorded", body = ErrorBody),
    ))]
async fn report(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ContactConsent>, ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let is_json = media
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType(format!(
            "the body's Content-Type is `{media}`: send the report as `application/json`"
        )));
    }
    let report: ConsentReport = read_json(&body)?;
    Ok(Json(
        consent::report(&state.backend, &tenant.id, &key, &report).await?,
    ))
}

/// A JSON body: 400 when it is not JSON, 422 naming the field that is
/// wrong (read from the parsed value, so a value of the wrong type is
/// named as such, never taken for broken JSON).
fn read_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("the body is not JSON: {e}")))?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let field = if path == "." {
            String::new()
        } else {
            format!("`{path}` ")
        };
        ApiError::Unprocessable {
            message: format!("the body's {field}is refused: {}", error.into_inner()),
            issues: Vec::new(),
        }
    })
}

/// Which part of the ledger to export.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    /// A submission id: only the events its import wrote. Left out: every contact's.
    submission: Option<String>,
}

/// The tenant's consent ledger as CSV, for an audit: one event a line, by
/// contact key, each contact's chain in order. Streamed a page at a time.
#[utoipa::path(get, path = "/consent-ledger.csv", tag = "merchants",
    params(ExportQuery),
    security(("api_key" = [])),
    responses(
        (status = OK, description = "A header, then one line per event (CRLF, RFC 4180 quoting): `contact_key,seq,kind,recorded_at,submission_id,profile,row,channels,\
            opt_in_at,opt_in_source,wording_sha256,wording,capture_method,double_opt_in_at,evidence,verdict,reviewer,decided_at,\
            opt_out_kind,opt_out_value,suppressed_at,opt_out_origin,reason,state,reported_at`. Channels are joined with `;`, evidence file names with `; `; \
            a cell a spreadsheet would run as a formula starts with `'` (the JSON export has every value exactly)", content_type = "text/csv", body = String),
        (status = BAD_REQUEST, description = "A query parameter other than `submission`", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission for this tenant", body = ErrorBody),
    ))]
async fn export_csv(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    export(&state, &tenant, query, ExportFormat::Csv).await
}

/// The tenant's consent ledger as JSON, for an audit: an array of events
/// as the chain shows them, by contact key, each contact's chain in order.
/// Streamed a page at a time.
#[utoipa::path(get, path = "/consent-ledger.json", tag = "merchants",
    params(ExportQuery),
    security(("api_key" = [])),
    responses(
        (status = OK, description = "Every event, by contact key then the order it was written in (`seq`)", body = Vec<ConsentEventView>),
        (status = BAD_REQUEST, description = "A query parameter other than `submission`", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission for this tenant", body = ErrorBody),
    ))]
async fn export_json(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    export(&state, &tenant, query, ExportFormat::Json).await
}

/// The export as a download whose body is the service's stream: an error
/// after the first chunk ends the body early (the client sees a truncated
/// download, never a partial file passed off as whole: no Content-Length
/// is promised).
async fn export(
    state: &AppState,
    tenant: &Tenant,
    query: ExportQuery,
    format: ExportFormat,
) -> Result<Response, ApiError> {
    let stream = ledger::export(
        &state.backend,
        &tenant.id,
        query.submission.as_deref(),
        format,
    )
    .await?;
    let (content_type, extension) = match format {
        ExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        ExportFormat::Json => ("application/json", "json"),
    };
    // Submission ids are the server's own hex; anything else is refused above.
    let name = match &query.submission {
        Some(id) => format!("consent-ledger-{id}.{extension}"),
        None => format!("consent-ledger.{extension}"),
    };
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .map_err(anyhow::Error::from)?,
    );
    Ok(response)
}
