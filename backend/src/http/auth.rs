//! Who a request acts for: the tenant of its `Authorization: Bearer` key
//! (secret or publishable), held to the tenant's allowed origins.

use crate::domain::tenant::{ApiKey, PublishableKey};
use crate::http::AppState;
use crate::http::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN};
use axum::http::request::Parts;

/// What a request's key lets it do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// The secret API key: everything the tenant may do.
    Full,
    /// The publishable key: create submissions, from an allowed origin.
    SubmitOnly,
}

/// The tenant a request acts for, from its `Authorization: Bearer` key,
/// with whatever that key allows. A request from a web page (it carries
/// `Origin`) must come from the server's own origin or one of the tenant's
/// allowed origins; a publishable key is only good from such a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitter {
    /// The tenant.
    pub tenant: Tenant,
    /// What the key allows.
    pub access: Access,
}

/// The tenant a request acts for, with its secret API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Its id.
    pub id: String,
}

impl FromRequestParts<AppState> for Submitter {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthorized)?;
        let db = &state.backend.db;
        let found = if let Some(key) = ApiKey::parse(token) {
            crate::db::tenants::find_secret(db, &key).await?
        } else if let Some(key) = PublishableKey::parse(token) {
            crate::db::tenants::find_publishable(db, &key)
                .await?
                .map(|(id, _, origins)| (id, origins))
        } else {
            None
        };
        let (id, origins) = found.ok_or(ApiError::Unauthorized)?;
        let access = if token.starts_with(PublishableKey::PREFIX) {
            Access::SubmitOnly
        } else {
            Access::Full
        };
        if let Some(refusal) = origin_refusal(parts, &origins, access) {
            return Err(ApiError::Forbidden(refusal));
        }
        Ok(Submitter {
            tenant: Tenant { id },
            access,
        })
    }
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let submitter = Submitter::from_request_parts(parts, state).await?;
        match submitter.access {
            Access::Full => Ok(submitter.tenant),
            Access::SubmitOnly => Err(ApiError::Forbidden(
                "a publishable key can only create submissions; use the secret API key".into(),
            )),
        }
    }
}

/// Why a request may not act for a tenant whose allowed origins are
/// `origins` (space-separated) with a key giving `access`; `None` when it may.
pub fn origin_refusal(parts: &Parts, origins: &str, access: Access) -> Option<String> {
    match request_origin(parts) {
        Some(origin) => {
            let allowed =
                is_own_origin(parts, &origin) || origins.split_whitespace().any(|o| o == origin);
            (!allowed).then(|| {
                format!(
                    "this page's origin ({origin}) is not allowed to submit lists for this tenant; \
                     ask the listgate operator to add it to the tenant's allowed origins"
                )
            })
        }
        None if access == Access::SubmitOnly => Some(
            "a publishable key works only from a web page on one of the tenant's allowed origins; \
             servers use the secret API key"
                .into(),
        ),
        None => None,
    }
}

/// The `Origin` a browser sent, lowercased (`None` when absent or unusable).
pub fn request_origin(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
}

/// Whether `origin` is this server itself (the browser app on its own page):
/// its host and port equal the request's `Host`.
fn is_own_origin(parts: &Parts, origin: &str) -> bool {
    let host = parts.headers.get(HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    matches!((host, origin_host), (Some(h), Some(o)) if h.eq_ignore_ascii_case(o))
}
