//! The `suppressions` table: each tenant's opt-outs, one per (kind, value).

use crate::domain::suppression::{Suppressed, Suppression, SuppressionKind, stored_instant};
use sqlx::{Any, AnyPool, FromRow, Transaction};

/// A stored opt-out, as the table holds it.
#[derive(Debug, Clone, FromRow)]
pub struct SuppressionRow {
    /// `phone` or `email`.
    pub kind: String,
    /// The E.164 phone or the lower-cased address.
    pub value: String,
    /// Why.
    pub reason: String,
    /// When the contact opted out (RFC 3339).
    pub suppressed_at: String,
    /// `api` or `import`.
    pub origin: String,
}

/// Up to `limit` of the tenant's opt-outs after (`kind`, `value`), ordered
/// by kind, then value.
pub async fn page(
    db: &AnyPool,
    tenant: &str,
    after: (&str, &str),
    limit: i64,
) -> Result<Vec<SuppressionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, value, reason, suppressed_at, origin FROM suppressions
         WHERE tenant_id = $1 AND (kind > $2 OR (kind = $2 AND value > $3))
         ORDER BY kind, value LIMIT $4",
    )
    .bind(tenant)
    .bind(after.0)
    .bind(after.1)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Every opt-out of the tenant.
pub async fn all(db: &AnyPool, tenant: &str) -> Result<Vec<SuppressionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, value, reason, suppressed_at, origin FROM suppressions
         WHERE tenant_id = $1",
    )
    .bind(tenant)
    .fetch_all(db)
    .await
}

/// The tenant's opt-out of `target`, when there is one.
pub async fn find(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    target: &Suppressed,
) -> Result<Option<SuppressionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, value, reason, suppressed_at, origin FROM suppressions
         WHERE tenant_id = $1 AND kind = $2 AND value = $3",
    )
    .bind(tenant)
    .bind(target.kind().as_str())
    .bind(target.value())
    .fetch_optional(&mut **tx)
    .await
}

/// Writes `suppression` for the tenant: a new opt-out, or one replacing
/// the stored opt-out of the same address whole.
pub async fn put(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    suppression: &Suppression,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO suppressions (tenant_id, kind, value, reason, suppressed_at, origin)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (tenant_id, kind, value) DO UPDATE SET reason = excluded.reason,
           suppressed_at = excluded.suppressed_at, origin = excluded.origin",
    )
    .bind(tenant)
    .bind(suppression.target.kind().as_str())
    .bind(suppression.target.value())
    .bind(suppression.reason.as_str())
    .bind(stored_instant(suppression.suppressed_at))
    .bind(suppression.origin.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes the tenant's opt-out of `target`; whether there was one.
pub async fn remove(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    target: &Suppressed,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("DELETE FROM suppressions WHERE tenant_id = $1 AND kind = $2 AND value = $3")
            .bind(tenant)
            .bind(target.kind().as_str())
            .bind(target.value())
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() > 0)
}

impl SuppressionRow {
    /// The address it suppresses; `Err` for a kind the code does not know
    /// (the schema's CHECK keeps those out).
    pub fn target(&self) -> Result<Suppressed, String> {
        let kind: SuppressionKind = self.kind.parse()?;
        Ok(Suppressed::canonical(kind, self.value.clone()))
    }
}
