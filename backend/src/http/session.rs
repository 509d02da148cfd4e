//! Reviewer sessions: signing in (an argon2-checked password gives a cookie
//! and a CSRF token), finding the session again (a console opened anew),
//! signing out, and the [`Reviewer`] extractor that every review route takes.

use crate::db::reviewers;
use crate::domain::reviewer::Email;
use crate::http::AppState;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::throttle::ClientAddress;
use crate::support::password::verify_password;
use crate::support::{new_id, sha256_hex};
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq as _;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The session cookie's name over plain HTTP (`__Host-…` over HTTPS).
pub use crate::http::session_cookie::PLAIN_NAME as SESSION_COOKIE;
/// The header carrying the CSRF token on every change.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts.
const SESSION_HOURS: i64 = 12;
/// Largest sign-in body: an e-mail and a password fit many times over.
const SIGN_IN_BODY_BYTES: usize = 4 * 1024;

/// `POST`, `GET` and `DELETE /session`.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, current, sign_out))
        .layer(DefaultBodyLimit::max(SIGN_IN_BODY_BYTES))
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
        (status = BAD_REQUEST, description = "A body that is not JSON", body = ErrorBody),
        (status = FORBIDDEN, description = "Wrong email or password", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, description = "A body over 4 KB"),
        (status = UNPROCESSABLE_ENTITY, description = "A body without `email` or `password`", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many attempts from this address or for this email; retry after the `Retry-After` seconds", body = ErrorBody)))]
async fn sign_in(
    State(state): State<AppState>,
    client: ClientAddress,
    headers: HeaderMap,
    Json(body): Json<SignIn>,
) -> Result<Response, ApiError> {
    let wrong = || ApiError::Forbidden("wrong email or password".into());
    let email = Email::parse(&body.email).map_err(|_| wrong())?;
    state.throttles.sign_in(client, email.as_str())?;
    let now = Utc::now();
    let db = &state.backend.db;
    reviewers::delete_expired_sessions(db, now).await?;
    let row = reviewers::password_hash(db, &email).await?;
    let (id, stored) = row.unzip();
    if !verify_password(body.password, stored)
        .await
        .map_err(ApiError::Internal)?
    {
        return Err(wrong());
    }
    let id = id.ok_or_else(wrong)?;
    let token = new_id() + &new_id();
    let csrf = new_id();
    let expires = now + Duration::hours(SESSION_HOURS);
    reviewers::insert_session(db, &sha256_hex(token.as_bytes()), &id, &csrf, expires).await?;
    let mut response = Json(SessionView {
        email: email.as_str().to_owned(),
        csrf_token: csrf,
    })
    .into_response();
    let https = state.transport.is_https(&headers);
    let hours = std::time::Duration::from_secs(SESSION_HOURS as u64 * 3600);
    set_session_cookie(&mut response, &token, hours, https)?;
    Ok(response)
}

/// The session the cookie carries, so that a console opened again (another
/// tab, a reload) goes on without a new sign-in. Its CSRF token is safe to
/// return: review routes allow no other origin, so no other site can read it.
#[utoipa::path(get, path = "/session", tag = "reviewers",
    security(("reviewer_session" = [])),
    responses((status = OK, description = "The signed-in reviewer and the session's CSRF token", body = SessionView),
        (status = UNAUTHORIZED, description = "No reviewer session, or it ended", body = ErrorBody)))]
async fn current(
    State(state): State<AppState>,
    reviewer: Reviewer,
) -> Result<Json<SessionView>, ApiError> {
    let email = reviewers::email_of(&state.backend.db, &reviewer.id).await?;
    // A reviewer removed meanwhile has no sessions left; the extractor saw one.
    let email = email.ok_or(ApiError::SignedOut)?;
    Ok(Json(SessionView {
        email,
        csrf_token: reviewer.csrf,
    }))
}

/// Sets (or, with an empty token and no time, clears) the session cookie.
fn set_session_cookie(
    response: &mut Response,
    token: &str,
    max_age: std::time::Duration,
    https: bool,
) -> Result<(), ApiError> {
    let cookie = crate::http::session_cookie::session_cookie(token, max_age, https)
        .map_err(anyhow::Error::from)?;
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(())
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
    reviewers::delete_session(&state.backend.db, &reviewer.session).await?;
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
    csrf: String,
}

impl FromRequestParts<AppState> for Reviewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed_out = || ApiError::SignedOut;
        let https = state.transport.is_https(&parts.headers);
        let token =
            crate::http::session_cookie::token(&parts.headers, https).ok_or_else(signed_out)?;
        let session = sha256_hex(token.as_bytes());
        let row = reviewers::find_session(&state.backend.db, &session).await?;
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
        Ok(Reviewer { id, session, csrf })
    }
}
