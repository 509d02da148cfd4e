//! The one HTTP error type: every handler returns it, it maps to a status
//! code and a JSON body, and it never shows internals (those are logged).

use crate::services::ServiceError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use listgate_core::Issue;
use serde::Serialize;
use utoipa::ToSchema;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No API key, or one that is not known.
    #[error("a valid API key is required: send `Authorization: Bearer <key>`")]
    Unauthorized,
    /// No reviewer session, or one that ended: sign in again.
    #[error("sign in as a reviewer first: there is no session, or it ended")]
    SignedOut,
    /// Signed in, but this action needs what the caller lacks (a CSRF token).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing with that id belongs to the caller.
    #[error("not found")]
    NotFound,
    /// It exists without what was asked of it; the message says what (404).
    #[error("{0}")]
    Absent(String),
    /// No route serves this path.
    #[error("no API route has this path: /api/v1/docs lists them")]
    NoSuchPath,
    /// The server cannot take the request now (at capacity, store failing);
    /// nothing was kept and the client should send it again (503, Retry-After).
    #[error("{0}")]
    Unavailable(String),
    /// It existed and was deleted (the retention period ran out).
    #[error("{0}")]
    Gone(String),
    /// The action conflicts with the current state (already decided…).
    #[error("{0}")]
    Conflict(String),
    /// The request is malformed; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// Too many requests from this client or with this key: wait
    /// `retry_after` (429, Retry-After in whole seconds).
    #[error("{message}")]
    TooManyRequests {
        /// What was limited and what to do.
        message: String,
        /// How long until the next request is allowed.
        retry_after: std::time::Duration,
    },
    /// The body is in a format the route does not read; the message names those it does (415).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The body is over the configured limit.
    #[error("{0}")]
    TooLarge(String),
    /// The request took longer than the server allows (`--request-timeout-secs`).
    #[error("{0}")]
    RequestTimeout(String),
    /// The list is not clean: rows that cannot be imported.
    #[error("{message}")]
    Unprocessable {
        /// What is wrong, in a sentence.
        message: String,
        /// The first issues found.
        issues: Vec<Issue>,
    },
    /// Anything else: logged, answered with a generic 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApiError {
    /// A database that cannot be reached is a 503 (the transaction rolled
    /// back; nothing was kept); any other database error is a bug, a 500.
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                tracing::error!(error = %error, "database unreachable");
                ApiError::Unavailable(
                    "the database is not reachable right now; nothing was kept, send it again later"
                        .into(),
                )
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<std::io::Error> for ApiError {
    fn from(error: std::io::Error) -> Self {
        ApiError::Internal(error.into())
    }
}

impl From<crate::db::blobs::StoreError> for ApiError {
    /// A store that cannot write (disk full, bucket unreachable) is a 503:
    /// nothing was kept and the same request can be sent again.
    fn from(error: crate::db::blobs::StoreError) -> Self {
        use crate::db::blobs::StoreError;
        match error {
            StoreError::Disk { .. } | StoreError::S3 { .. } => {
                tracing::error!(
                    error = format!("{:#}", anyhow::Error::from(error)),
                    "file store failed"
                );
                ApiError::Unavailable(
                    "the server cannot store files right now; nothing was kept, send it again later".into(),
                )
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<ServiceError> for ApiError {
    /// Each refusal keeps its words; storage failures are mapped as above.
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Absent(message) => ApiError::Absent(message),
            ServiceError::Invalid(message) => ApiError::BadRequest(message),
            ServiceError::Conflict(message) => ApiError::Conflict(message),
            ServiceError::Gone(message) => ApiError::Gone(message),
            ServiceError::Refused { message, issues } => {
                ApiError::Unprocessable { message, issues }
            }
            ServiceError::Database(error) => error.into(),
            ServiceError::Store(error) => error.into(),
            ServiceError::Internal(error) => ApiError::Internal(error),
        }
    }
}

impl ApiError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized | ApiError::SignedOut => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound | ApiError::Absent(_) | ApiError::NoSuchPath => {
                StatusCode::NOT_FOUND
            }
            ApiError::Gone(_) => StatusCode::GONE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, in words a person can act on.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The HTTP status code again.
    pub status: u16,
    /// What is wrong and how to fix it.
    pub message: String,
    /// For a refused list: the first issues, each with row, column, code and fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub issues: Option<Vec<Issue>>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let retry_after = match &self {
            ApiError::Unavailable(_) => Some(1),
            // Rounded up: a client that waits exactly this long gets through.
            ApiError::TooManyRequests { retry_after, .. } => {
                Some(retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0))
            }
            _ => None,
        };
        let (message, issues) = match self {
            ApiError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                ("internal error; it has been logged".to_owned(), None)
            }
            ApiError::Unprocessable { message, issues } => (message, Some(issues)),
            other => (other.to_string(), None),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                message,
                issues,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// The answer for a path under `/api` that no route serves.
pub async fn no_such_path() -> ApiError {
    ApiError::NoSuchPath
}

/// Gives the framework's own refusals the JSON error body every other error
/// has. axum answers a body that is not JSON, a missing field, a body over
/// the limit or a wrong method in plain text (or with no body); its text
/// (at most a few hundred bytes, about the request) becomes the message.
pub async fn framework_errors_as_json(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, FRAMEWORK_MESSAGE_BYTES)
        .await
        .ok()
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .filter(|text| !text.trim().is_empty());
    let message = text.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_lowercase()
    });
    let body = ErrorBody {
        error: ErrorDetail {
            status: status.as_u16(),
            message,
            issues: None,
        },
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let json = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, axum::body::Body::from(json))
}

/// The longest framework message kept (axum's are far shorter).
const FRAMEWORK_MESSAGE_BYTES: usize = 4096;
