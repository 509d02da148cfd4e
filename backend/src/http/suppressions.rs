//! The tenant's suppression list, with its secret API key: read it a page
//! at a time, add opt-outs (JSON lists or a CSV upload), take them off.

use crate::http::AppState;
use crate::http::auth::Tenant;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::submissions::PageQuery;
use crate::services::suppressions::{self, Added, Removed, SuppressionsPage};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use listgate_api::HashedSuppressions;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add, remove))
        .routes(routes!(hashed))
}

/// Opt-outs to add: phones and e-mail addresses with one reason and date.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct AddRequest {
    /// Phone numbers with their country code (`+44 7911 123456`), stored in E.164.
    #[serde(default)]
    phones: Vec<String>,
    /// E-mail addresses, stored trimmed and lower-cased.
    #[serde(default)]
    emails: Vec<String>,
    /// Why they opted out (at most 200 characters).
    #[serde(default)]
    reason: Option<String>,
    /// When they opted out (RFC 3339); now when left out.
    #[serde(default)]
    suppressed_at: Option<String>,
}

/// Opt-outs to take off the list.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RemoveRequest {
    /// Phone numbers with their country code.
    #[serde(default)]
    phones: Vec<String>,
    /// E-mail addresses.
    #[serde(default)]
    emails: Vec<String>,
}

/// The tenant's opt-outs, e-mail addresses then phones, a page at a time.
#[utoipa::path(get, path = "/suppressions", tag = "merchants",
    params(PageQuery),
    security(("api_key" = [])),
    responses((status = OK, body = SuppressionsPage),
        (status = BAD_REQUEST, description = "A limit over 1,000 or a cursor no page gave", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    tenant: Tenant,
    Query(page): Query<PageQuery>,
) -> Result<Json<SuppressionsPage>, ApiError> {
    let page = suppressions::list(
        &state.backend,
        &tenant.id,
        page.cursor.as_deref(),
        page.limit,
    )
    .await?;
    Ok(Json(page))
}

/// The tenant's whole suppression list as keyed hashes (HMAC-SHA-256 of
/// `phone:<E.164>` or `email:<address>` under the tenant's own key, sent
/// with them): the browser app hashes its rows the same way and flags the
/// ones on the list, so no number or address of either side travels.
#[utoipa::path(get, path = "/suppressions/hashed", tag = "merchants",
    security(("api_key" = [])),
    responses((status = OK, body = HashedSuppressions),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key (a partner's page gets no opt-outs: its submission is checked by the server), or a page on an origin the tenant does not allow", body = ErrorBody)))]
async fn hashed(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Result<Json<HashedSuppressions>, ApiError> {
    Ok(Json(
        suppressions::hashed(&state.backend, &tenant.id).await?,
    ))
}

/// Adds opt-outs to the tenant's suppression list. An address already on
/// it takes the new date and reason only when the new date is later. An
/// import never re-subscribes a listed contact whose consent is older.
#[utoipa::path(post, path = "/suppressions", tag = "merchants",
    security(("api_key" = [])),
    request_body(description = "`application/json`: `{\"phones\": [\"+447911123456\"], \"emails\": [\"ann@example.com\"], \
        \"reason\": \"replied STOP\", \"suppressed_at\": \"2025-03-01T09:30:00Z\"}` (each optional; `suppressed_at` defaults to now). \
        Or `text/csv`: a header naming `phone` and/or `email` (any case), optionally `reason` and `date` (blank: now), one opt-out a row. \
        Phones need their country code; at most 100,000 addresses a request.",
        content(
            (AddRequest = "application/json"),
            (String = "text/csv"),
        )),
    responses(
        (status = OK, description = "Added, updated (a later date) and unchanged addresses", body = Added),
        (status = BAD_REQUEST, description = "JSON that cannot be read, or more than 100,000 addresses", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "A body that is neither `application/json` nor `text/csv`", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A value that is not a phone number or an e-mail address (naming its index, as `phones[2]`, or its CSV row, with the fix), \
            a reason over 200 characters, a date that cannot be read, a field the body does not take, or a CSV without a `phone` or `email` column; nothing is stored", body = ErrorBody),
    ))]
async fn add(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Added>, ApiError> {
    let now = chrono::Utc::now();
    let entries = match body_format(&headers)? {
        Format::Csv => suppressions::from_csv(&body, now)?,
        Format::Json => {
            let request: AddRequest = read_json(&body)?;
            suppressions::from_lists(
                &request.phones,
                &request.emails,
                request.reason.as_deref(),
                request.suppressed_at.as_deref(),
                now,
            )?
        }
    };
    Ok(Json(
        suppressions::add(&state.backend, &tenant.id, &entries).await?,
    ))
}

/// Takes opt-outs off the tenant's suppression list.
#[utoipa::path(delete, path = "/suppressions", tag = "merchants",
    security(("api_key" = [])),
    request_body(content = RemoveRequest, description = "`{\"phones\": [...], \"emails\": [...]}`, each optional"),
    responses(
        (status = OK, description = "How many were on the list and are now off it", body = Removed),
        (status = BAD_REQUEST, description = "JSON that cannot be read, or more than 100,000 addresses", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody), (status = FORBIDDEN, description = "A publishable key, or a page on an origin the tenant does not allow", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, body = ErrorBody),
        (status = UNSUPPORTED_MEDIA_TYPE, description = "A body that is not `application/json`", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "A value that is not a phone number or an e-mail address (naming its index) or a field the body does not take; nothing is removed", body = ErrorBody),
    ))]
async fn remove(
    State(state): State<AppState>,
    tenant: Tenant,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Removed>, ApiError> {
    if body_format(&headers)? != Format::Json {
        return Err(ApiError::UnsupportedMediaType(
            "send the addresses to remove as JSON (`Content-Type: application/json`)".into(),
        ));
    }
    let request: RemoveRequest = read_json(&body)?;
    let targets = suppressions::to_remove(&request.phones, &request.emails)?;
    Ok(Json(
        suppressions::remove(&state.backend, &tenant.id, &targets).await?,
    ))
}

/// How a body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Csv,
}

/// The body's format, from its `Content-Type` (415 for any other).
fn body_format(headers: &HeaderMap) -> Result<Format, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "application/json" => Ok(Format::Json),
        "text/csv" => Ok(Format::Csv),
        _ => Err(ApiError::UnsupportedMediaType(format!(
            "the body's Content-Type is `{content_type}`: send `application/json` or, to upload a CSV, `text/csv`"
        ))),
    }
}

/// A JSON body: 400 when it is not JSON, 422 naming the field that is wrong.
fn read_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let not_json =
        |e: &serde_json::Error| ApiError::BadRequest(format!("the body is not JSON: {e}"));
    let mut json = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return not_json(&inner);
        }
        let field = if path == "." {
            String::new()
        } else {
            format!("`{path}` ")
        };
        ApiError::Unprocessable {
            message: format!("the body's {field}is refused: {inner}"),
            issues: Vec::new(),
        }
    })?;
    json.end().map_err(|e| not_json(&e))?;
    Ok(value)
}
