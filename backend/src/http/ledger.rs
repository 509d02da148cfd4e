//! The consent ledger, with the tenant's secret API key: a contact's whole
//! chain, and the export of a submission's or of every contact's ledger
//! for an audit (CSV or JSON, streamed).

use crate::http::AppState;
use crate::http::auth::Tenant;
use crate::http::error::{ApiError, ErrorBody};
use crate::services::ledger::{self, ExportFormat};
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use listgate_api::{ConsentChain, ConsentEventView};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(chain))
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
            opt_out_kind,opt_out_value,suppressed_at,opt_out_origin,reason`. Channels are joined with `;`, evidence file names with `; `; \
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
        (status = OK, description = "Every event, by contact key then seq", body = Vec<ConsentEventView>),
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
