//! The reviewer's session cookie. Over HTTPS it is `Secure` and named with
//! the `__Host-` prefix, which browsers accept only from a secure origin,
//! for `Path=/` and without `Domain`: a sibling subdomain or a plain-HTTP
//! page cannot plant or overwrite it. Over plain HTTP (a local run) the
//! browser would drop a `Secure` cookie, so it goes without.

use axum::http::header::{COOKIE, InvalidHeaderValue};
use axum::http::{HeaderMap, HeaderValue};
use std::time::Duration;

/// Its name over plain HTTP.
pub const PLAIN_NAME: &str = "listgate_session";
/// Its name over HTTPS.
pub const HTTPS_NAME: &str = "__Host-listgate_session";

/// The cookie's name for a request over HTTPS or not.
pub fn name(https: bool) -> &'static str {
    if https { HTTPS_NAME } else { PLAIN_NAME }
}

/// The `Set-Cookie` value that stores `token` for `max_age` (zero: removes
/// the cookie), for a request over HTTPS or not.
pub fn session_cookie(
    token: &str,
    max_age: Duration,
    https: bool,
) -> Result<HeaderValue, InvalidHeaderValue> {
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{secure}",
        name(https),
        max_age.as_secs()
    ))
}

/// The session token the browser sent under the name in use for this
/// request. Over HTTPS only the `__Host-` cookie counts: a plain-named one
/// may have been planted by another host.
pub fn token(headers: &HeaderMap, https: bool) -> Option<&str> {
    let wanted = name(https);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value)
}
