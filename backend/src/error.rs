//! The one HTTP error type: every handler returns it, it maps to a status
//! code and a JSON body, and it never shows internals (those are logged).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use listgate_core::Issue;
use serde_json::json;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No API key, or one that is not known.
    #[error("a valid API key is required: send `Authorization: Bearer <key>`")]
    Unauthorized,
    /// Signed in, but this action needs what the caller lacks (a CSRF token).
    #[error("{0}")]
    Forbidden(String),
    /// Nothing with that id belongs to the caller.
    #[error("not found")]
    NotFound,
    /// The action conflicts with the current state (already decided…).
    #[error("{0}")]
    Conflict(String),
    /// The request is malformed; the message says how.
    #[error("{0}")]
    BadRequest(String),
    /// The body is over the configured limit.
    #[error("{0}")]
    TooLarge(String),
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
    fn from(error: sqlx::Error) -> Self {
        ApiError::Internal(error.into())
    }
}

impl From<std::io::Error> for ApiError {
    fn from(error: std::io::Error) -> Self {
        ApiError::Internal(error.into())
    }
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            ApiError::Internal(error) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                json!({ "error": { "status": status.as_u16(), "message": "internal error; it has been logged" } })
            }
            ApiError::Unprocessable { message, issues } => {
                json!({ "error": { "status": status.as_u16(), "message": message, "issues": issues } })
            }
            other => {
                json!({ "error": { "status": status.as_u16(), "message": other.to_string() } })
            }
        };
        (status, Json(body)).into_response()
    }
}
