//! Tenants and their API keys. A key is shown once, when the tenant is
//! added; only its SHA-256 is stored (keys are long random strings, so a
//! fast hash is enough — passwords get argon2).

use crate::error::ApiError;
use crate::web::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN};
use axum::http::request::Parts;
use rand::Rng as _;
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

/// A random key: `prefix` and `bytes` random bytes as hex.
fn random_key(prefix: &str, bytes: usize) -> String {
    let mut random = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut random);
    format!("{prefix}{}", hex::encode(random))
}

/// Whether `text` is `prefix` followed by exactly `digits` hex digits.
fn has_key_shape(text: &str, prefix: &str, digits: usize) -> bool {
    text.strip_prefix(prefix)
        .is_some_and(|d| d.len() == digits && d.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A tenant's secret API key: `lg_` and 48 hex digits. It does everything
/// the tenant may do; it belongs on servers and in the merchant's hands,
/// never in a web page's source.
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
        ApiKey(random_key(Self::PREFIX, 24))
    }

    /// A key as sent by a client, if it has the right shape.
    pub fn parse(text: &str) -> Option<ApiKey> {
        has_key_shape(text, Self::PREFIX, 48).then(|| ApiKey(text.to_owned()))
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

/// A tenant's publishable key: `lg_pub_` and 32 hex digits. It is meant to
/// sit in a partner's web page, so it can do one thing only: create a
/// submission from a page on one of the tenant's allowed origins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishableKey(String);

impl PublishableKey {
    const PREFIX: &'static str = "lg_pub_";

    /// A new random key.
    pub fn generate() -> PublishableKey {
        PublishableKey(random_key(Self::PREFIX, 16))
    }

    /// A key as sent by a client, if it has the right shape.
    pub fn parse(text: &str) -> Option<PublishableKey> {
        has_key_shape(text, Self::PREFIX, 32).then(|| PublishableKey(text.to_owned()))
    }

    /// The key (it is public by design).
    pub fn as_str(&self) -> &str {
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

/// A web origin allowed to submit for a tenant: `https://host[:port]`, as
/// browsers send it in `Origin` (lowercase host, no default port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// Validates an origin: `http` or `https`, a host, an optional port; no
    /// credentials, path, query or fragment. `https://Portal.example:443/`
    /// becomes `https://portal.example`, which is what browsers send.
    pub fn parse(text: &str) -> Result<Origin, String> {
        let text = text.trim();
        let junk = || format!("`{text}` is not an origin: write it as https://host[:port]");
        let url = url::Url::parse(text).map_err(|_| junk())?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(junk());
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(format!(
                "`{text}` is not an origin: only scheme, host and port, no path"
            ));
        }
        Ok(Origin(url.origin().ascii_serialization()))
    }

    /// The origin as browsers send it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A staff member's id in the tenant's account (Mongoose `StaffId`):
/// 1 to 64 visible characters, no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffId(String);

impl StaffId {
    /// Validates an id.
    pub fn parse(text: &str) -> Result<StaffId, String> {
        let id = text.trim();
        if id.is_empty() || id.chars().count() > 64 || id.chars().any(char::is_whitespace) {
            return Err(format!(
                "`{id}` is not a staff id: 1 to 64 characters without spaces"
            ));
        }
        Ok(StaffId(id.to_owned()))
    }
}

/// Replaces the tenant's staff ids (an empty list accepts any StaffId).
/// `Ok(false)` when there is no such tenant.
pub async fn set_staff_ids(db: &AnyPool, tenant: &str, ids: &[StaffId]) -> anyhow::Result<bool> {
    let ids: Vec<&str> = ids.iter().map(|id| id.0.as_str()).collect();
    let changed = sqlx::query("UPDATE tenants SET staff_ids = $1 WHERE id = $2")
        .bind(ids.join(" "))
        .bind(tenant)
        .execute(db)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// The tenant's staff ids; empty when it has not set any.
pub async fn staff_ids(db: &AnyPool, tenant: &str) -> Result<Vec<String>, sqlx::Error> {
    let ids: Option<String> = sqlx::query_scalar("SELECT staff_ids FROM tenants WHERE id = $1")
        .bind(tenant)
        .fetch_optional(db)
        .await?;
    Ok(ids
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect())
}

/// The business a tenant's consent wording must name ("Yes to WhatsApp
/// offers from **Acme Boutique**"): 2 to 100 characters, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessName(String);

impl BusinessName {
    /// Validates a business name.
    pub fn parse(text: &str) -> Result<BusinessName, String> {
        let name = text.trim();
        if !(2..=100).contains(&name.chars().count()) {
            return Err(format!(
                "`{name}` is not a business name: 2 to 100 characters, as the consent wording names the business"
            ));
        }
        Ok(BusinessName(name.to_owned()))
    }
}

/// Sets the business the tenant's consent wording must name.
/// `Ok(false)` when there is no such tenant.
pub async fn set_business_name(
    db: &AnyPool,
    tenant: &str,
    name: &BusinessName,
) -> anyhow::Result<bool> {
    let changed = sqlx::query("UPDATE tenants SET business_name = $1 WHERE id = $2")
        .bind(&name.0)
        .bind(tenant)
        .execute(db)
        .await?
        .rows_affected();
    Ok(changed == 1)
}

/// The business the tenant's lists are checked against, when it has set
/// one. The server then uses it whatever a submission form says, so a
/// merchant cannot skip the brand check by leaving the name out.
pub async fn business_name(db: &AnyPool, tenant: &str) -> Result<Option<String>, sqlx::Error> {
    let name: Option<Option<String>> =
        sqlx::query_scalar("SELECT business_name FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_optional(db)
            .await?;
    Ok(name.flatten())
}

/// A webhook receiver: an `https://` URL (`http://` for loopback only), with
/// no credentials in it and not aimed at a link-local, multicast or
/// unspecified address (169.254.169.254 is where clouds serve their secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// Validates a receiver URL. The host is judged as the URL parser reads
    /// it, not by its first characters: `http://127.0.0.1@192.0.2.2/` goes
    /// to 192.0.2.2.
    pub fn parse(text: &str) -> Result<WebhookUrl, String> {
        let text = text.trim();
        let refuse = |why: &str| Err(format!("`{text}` is not a webhook URL: {why}"));
        let Ok(url) = url::Url::parse(text) else {
            return refuse("write it as https://host/path");
        };
        let Some(host) = url.host() else {
            return refuse("it has no host");
        };
        if !url.username().is_empty() || url.password().is_some() {
            return refuse("it carries a user name or password; the deliveries are signed instead");
        }
        let ip = match host {
            url::Host::Ipv4(ip) => Some(std::net::IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(std::net::IpAddr::V6(ip)),
            url::Host::Domain(_) => None,
        };
        let loopback = ip.is_some_and(|ip| ip.is_loopback())
            || matches!(host, url::Host::Domain(d) if d.eq_ignore_ascii_case("localhost"));
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return refuse("use https:// (http:// only for 127.0.0.1 or localhost)"),
        }
        if ip.is_some_and(|ip| {
            ip.is_unspecified()
                || ip.is_multicast()
                || match ip {
                    std::net::IpAddr::V4(v4) => v4.is_link_local() || v4.is_broadcast(),
                    std::net::IpAddr::V6(v6) => v6.is_unicast_link_local(),
                }
        }) {
            return refuse("a link-local, multicast or unspecified address receives no webhooks");
        }
        Ok(WebhookUrl(url.into()))
    }

    /// The URL deliveries are sent to.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new tenant's secrets, shown only once.
#[derive(Debug)]
pub struct NewTenant {
    /// Its id.
    pub id: String,
    /// Its secret API key.
    pub key: ApiKey,
    /// Its publishable key, for web pages on its allowed origins.
    pub publishable_key: PublishableKey,
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
    let publishable_key = PublishableKey::generate();
    let webhook_secret = webhook.map(|_| new_id() + &new_id());
    let origins: Vec<&str> = origins.iter().map(|o| o.0.as_str()).collect();
    sqlx::query(
        "INSERT INTO tenants (id, name, origins, key_hash, created_at, webhook_url, webhook_secret, publishable_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(&name.0)
    .bind(origins.join(" "))
    .bind(key.hash())
    .bind(chrono::Utc::now().to_rfc3339())
    .bind(webhook.map(|w| w.0.clone()))
    .bind(webhook_secret.clone())
    .bind(publishable_key.as_str())
    .execute(db)
    .await?;
    Ok(NewTenant {
        id,
        key,
        publishable_key,
        webhook_secret,
    })
}

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
        let found: Option<(String, String)> = if let Some(key) = ApiKey::parse(token) {
            sqlx::query_as("SELECT id, origins FROM tenants WHERE key_hash = $1")
                .bind(key.hash())
                .fetch_optional(&state.db)
                .await?
        } else if let Some(key) = PublishableKey::parse(token) {
            sqlx::query_as("SELECT id, origins FROM tenants WHERE publishable_key = $1")
                .bind(key.as_str())
                .fetch_optional(&state.db)
                .await?
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

/// The tenant's id, name and allowed origins for a publishable key.
pub async fn find_publishable(
    db: &AnyPool,
    key: &PublishableKey,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, origins FROM tenants WHERE publishable_key = $1")
        .bind(key.as_str())
        .fetch_optional(db)
        .await
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

/// Whether any tenant allows `origin`: the CORS preflight cannot know the
/// tenant yet (browsers send no key with it), so it asks this; the request
/// itself is then checked against its own tenant.
pub async fn any_tenant_allows(db: &AnyPool, origin: &str) -> Result<bool, sqlx::Error> {
    let origin = origin.to_ascii_lowercase();
    let lists: Vec<String> =
        sqlx::query_scalar("SELECT origins FROM tenants WHERE origins LIKE $1")
            .bind(format!("%{origin}%"))
            .fetch_all(db)
            .await?;
    Ok(lists
        .iter()
        .any(|list| list.split_whitespace().any(|o| o == origin)))
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
        let public = PublishableKey::generate();
        assert_eq!(PublishableKey::parse(public.as_str()), Some(public.clone()));
        assert_eq!(
            ApiKey::parse(public.as_str()),
            None,
            "the two kinds never mix"
        );
        assert_eq!(PublishableKey::parse(key.expose()), None);
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
        // What browsers send: no default port, lowercase, punycode.
        for (typed, sent) in [
            ("https://portal.example:443", "https://portal.example"),
            ("http://portal.example:80/", "http://portal.example"),
            ("https://PORTAL.example", "https://portal.example"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
        ] {
            assert_eq!(
                Origin::parse(typed).map(|o| o.0),
                Ok(sent.to_owned()),
                "{typed}"
            );
        }
        for junk in [
            "https://",
            "https://user:pw@portal.example",
            "https://portal.example?x=1",
            "https://portal.example/#top",
            "ftp://portal.example",
            "javascript:alert(1)",
            "https://portal example",
        ] {
            assert!(Origin::parse(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn webhook_urls_are_judged_by_the_host_they_reach() {
        for accepted in [
            "https://hooks.example/listgate",
            "http://127.0.0.1:9201/x",
            "http://localhost:9201/x",
            "http://[::1]:9201/x",
            "https://10.0.0.5/internal",
        ] {
            assert!(WebhookUrl::parse(accepted).is_ok(), "{accepted}");
        }
        for (refused, why) in [
            // Reaches 192.0.2.2 over plain HTTP, whatever it starts with.
            ("http://127.0.0.1@192.0.2.2:9201/x", "user name or password"),
            ("http://127.0.0.1.example/x", "use https://"),
            ("http://192.0.2.2/x", "use https://"),
            ("https://169.254.169.254/latest/meta-data/", "link-local"),
            ("https://[fe80::1]/x", "link-local"),
            ("https://0.0.0.0/x", "unspecified"),
            ("https://224.0.0.1/x", "multicast"),
            ("https://", "https://host/path"),
            (
                "https://user:secret@hooks.example/x",
                "user name or password",
            ),
            ("file:///etc/passwd", "no host"),
        ] {
            let message = WebhookUrl::parse(refused).expect_err(refused);
            assert!(message.contains(why), "{refused}: {message}");
        }
    }
}
