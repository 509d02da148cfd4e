//! The `tenants` table: adding tenants, their settings, and finding them by key.

use crate::domain::tenant::{
    ApiKey, BusinessName, Origin, PublishableKey, StaffId, TenantName, WebhookUrl,
};
use crate::support::new_id;
use sqlx::AnyPool;

/// Replaces the tenant's staff ids (an empty list accepts any StaffId).
/// `Ok(false)` when there is no such tenant.
pub async fn set_staff_ids(db: &AnyPool, tenant: &str, ids: &[StaffId]) -> anyhow::Result<bool> {
    let ids: Vec<&str> = ids.iter().map(|id| id.as_str()).collect();
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

/// Sets the business the tenant's consent wording must name.
/// `Ok(false)` when there is no such tenant.
pub async fn set_business_name(
    db: &AnyPool,
    tenant: &str,
    name: &BusinessName,
) -> anyhow::Result<bool> {
    let changed = sqlx::query("UPDATE tenants SET business_name = $1 WHERE id = $2")
        .bind(name.as_str())
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

/// The key the tenant's opt-outs are hashed under: `fresh` when it had
/// none (two first asks at once keep the same one).
pub async fn suppression_key(
    db: &AnyPool,
    tenant: &str,
    fresh: &str,
) -> Result<String, sqlx::Error> {
    sqlx::query(
        "UPDATE tenants SET suppression_key = $1 WHERE id = $2 AND suppression_key IS NULL",
    )
    .bind(fresh)
    .bind(tenant)
    .execute(db)
    .await?;
    let key: Option<String> =
        sqlx::query_scalar("SELECT suppression_key FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_one(db)
            .await?;
    key.ok_or(sqlx::Error::RowNotFound)
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
    let origins: Vec<&str> = origins.iter().map(|o| o.as_str()).collect();
    sqlx::query(
        "INSERT INTO tenants (id, name, origins, key_hash, created_at, webhook_url, webhook_secret, publishable_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(name.as_str())
    .bind(origins.join(" "))
    .bind(key.hash())
    .bind(chrono::Utc::now().to_rfc3339())
    .bind(webhook.map(|w| w.as_str().to_owned()))
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

/// The tenant's id and allowed origins for a secret API key.
pub async fn find_secret(
    db: &AnyPool,
    key: &ApiKey,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, origins FROM tenants WHERE key_hash = $1")
        .bind(key.hash())
        .fetch_optional(db)
        .await
}

/// Where the tenant's notifications go: its webhook URL and its contact address.
pub async fn notification_targets(
    db: impl sqlx::Executor<'_, Database = sqlx::Any>,
    tenant: &str,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    let row: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT webhook_url, contact_email FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_optional(db)
            .await?;
    Ok(row.unwrap_or_default())
}

/// Sets the address the tenant's merchant is e-mailed at.
/// `Ok(false)` when there is no such tenant.
pub async fn set_contact_email(db: &AnyPool, tenant: &str, email: &str) -> anyhow::Result<bool> {
    let changed = sqlx::query("UPDATE tenants SET contact_email = $1 WHERE id = $2")
        .bind(email)
        .bind(tenant)
        .execute(db)
        .await?
        .rows_affected();
    Ok(changed == 1)
}
