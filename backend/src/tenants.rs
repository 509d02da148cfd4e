//! Tenants and their API keys. A key is shown once, when the tenant is
//! added; only its SHA-256 is stored (keys are long random strings, so a
//! fast hash is enough — passwords get argon2).

use crate::error::ApiError;
use crate::web::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use sqlx::AnyPool;

/// A random identifier for rows (32 hex digits).
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of `bytes` as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A tenant API key: `lg_` and 48 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys never reach logs, even through Debug.
        f.write_str("ApiKey(***)")
    }
}

impl ApiKey {
    const PREFIX: &'static str = "lg_";

    /// A new random key.
    pub fn generate() -> ApiKey {
        let mut bytes = [0u8; 24];
        rand::rng().fill_bytes(&mut bytes);
        ApiKey(format!("{}{}", Self::PREFIX, hex::encode(bytes)))
    }

    /// A key as sent by a client, if it has the right shape.
    pub fn parse(text: &str) -> Option<ApiKey> {
        let digits = text.strip_prefix(Self::PREFIX)?;
        (digits.len() == 48 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| ApiKey(text.to_owned()))
    }

    /// What is stored.
    pub fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    /// The key itself, to show once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A tenant's display name: 1 to 100 characters, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantName(String);

impl TenantName {
    /// Validates a name.
    pub fn parse(text: &str) -> Result<TenantName, String> {
        let name = text.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err("a tenant name has 1 to 100 characters".into());
        }
        Ok(TenantName(name.to_owned()))
    }
}

/// A web origin allowed to submit for a tenant: `https://host[:port]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// Validates an origin: a scheme, a host, an optional port, no path.
    pub fn parse(text: &str) -> Result<Origin, String> {
        let text = text.trim().trim_end_matches('/');
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("`{text}` is not an origin: write it as https://host[:port]"))?;
        let valid = !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !valid {
            return Err(format!(
                "`{text}` is not an origin: only scheme, host and port, no path"
            ));
        }
        Ok(Origin(text.to_ascii_lowercase()))
    }
}

/// A webhook receiver: an `https://` URL (`http://` for loopback only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// Validates a receiver URL.
    pub fn parse(text: &str) -> Result<WebhookUrl, String> {
        let text = text.trim();
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|p| text.starts_with(p));
        if !(text.starts_with("https://") || loopback) || text.contains(char::is_whitespace) {
            return Err(format!(
                "`{text}` is not a webhook URL: use https:// (http:// only for 127.0.0.1 or localhost)"
            ));
        }
        Ok(WebhookUrl(text.to_owned()))
    }
}

/// A new tenant's secrets, shown only once.
#[derive(Debug)]
pub struct NewTenant {
    /// Its id.
    pub id: String,
    /// Its API key.
    pub key: ApiKey,
    /// The secret webhooks are signed with, when it has one.
    pub webhook_secret: Option<String>,
}

/// Adds a tenant with its allowed origins and optional webhook.
pub async fn add_tenant(
    db: &AnyPool,
    name: &TenantName,
    origins: &[Origin],
    webhook: Option<&WebhookUrl>,
) -> anyhow::Result<NewTenant> {
    let id = new_id();
    let key = ApiKey::generate();
    let webhook_secret = webhook.map(|_| new_id() + &new_id());
    let origins: Vec<&str> = origins.iter().map(|o| o.0.as_str()).collect();
    sqlx::query(
        "INSERT INTO tenants (id, name, origins, key_hash, created_at, webhook_url, webhook_secret)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(&name.0)
    .bind(origins.join(" "))
    .bind(key.hash())
    .bind(chrono::Utc::now().to_rfc3339())
    .bind(webhook.map(|w| w.0.clone()))
    .bind(webhook_secret.clone())
    .execute(db)
    .await?;
    Ok(NewTenant {
        id,
        key,
        webhook_secret,
    })
}

/// The tenant a request acts for, from its `Authorization: Bearer` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// Its id.
    pub id: String,
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let key = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(|v| ApiKey::parse(v.trim()))
            .ok_or(ApiError::Unauthorized)?;
        let id: Option<String> = sqlx::query_scalar("SELECT id FROM tenants WHERE key_hash = $1")
            .bind(key.hash())
            .fetch_optional(&state.db)
            .await?;
        id.map(|id| Tenant { id }).ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_hide_in_debug() {
        let key = ApiKey::generate();
        assert_eq!(ApiKey::parse(key.expose()), Some(key.clone()));
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(ApiKey::parse("lg_short"), None);
        assert_eq!(ApiKey::parse(&key.expose().replace("lg_", "xx_")), None);
        assert_ne!(key.hash(), key.expose());
    }

    #[test]
    fn names_and_origins_are_validated() {
        assert!(TenantName::parse("  ").is_err());
        assert_eq!(TenantName::parse(" Acme ").unwrap().0, "Acme");
        assert_eq!(
            Origin::parse("https://Portal.example:8443/").unwrap().0,
            "https://portal.example:8443"
        );
        assert!(Origin::parse("portal.example").is_err());
        assert!(Origin::parse("https://portal.example/path").is_err());
    }
}
