//! The `contacts` store (upserted, never deleted; each with where its
//! consent stands) and `import_failures`.

use crate::domain::contact::{E164, Row};
use crate::domain::ledger::{ConsentEventKind, ConsentState};
use listgate_core::Profile;
use sqlx::{Any, AnyPool, Transaction};

/// Derives `contacts.phone` for contacts stored before the store indexed
/// phones, a page at a time, when the server connects; once every contact
/// has one this is a single indexed look-up that finds nothing.
pub async fn index_phones(db: &AnyPool) -> anyhow::Result<()> {
    loop {
        let page: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.tenant_id, c.contact_key, c.data, s.profile FROM contacts c
             LEFT JOIN submissions s ON s.id = c.submission_id
             WHERE c.phone IS NULL LIMIT 500",
        )
        .fetch_all(db)
        .await?;
        if page.is_empty() {
            return Ok(());
        }
        let mut tx = db.begin().await?;
        for (tenant, key, data, profile) in page {
            let profile = profile.and_then(|name| Profile::builtin(&name).ok());
            let data = serde_json::from_str::<Row>(&data).ok();
            let phone = profile.zip(data).and_then(|(p, d)| E164::of(&p, &d));
            sqlx::query("UPDATE contacts SET phone = $1 WHERE tenant_id = $2 AND contact_key = $3")
                .bind(E164::column(phone.as_ref()))
                .bind(tenant)
                .bind(key)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    }
}

/// The stored row of the tenant's contact `key`, when it has one.
pub async fn stored(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    key: &str,
) -> Result<Option<Row>, sqlx::Error> {
    let data: Option<String> =
        sqlx::query_scalar("SELECT data FROM contacts WHERE tenant_id = $1 AND contact_key = $2")
            .bind(tenant)
            .bind(key)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(data.and_then(|data| serde_json::from_str(&data).ok()))
}

/// Another contact of the tenant than `key` that has `phone`.
pub async fn phone_holder(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    key: &str,
    phone: &E164,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT contact_key FROM contacts WHERE phone = $1 AND tenant_id = $2 AND contact_key <> $3 LIMIT 1",
    )
    .bind(&phone.0)
    .bind(tenant)
    .bind(key)
    .fetch_optional(&mut **tx)
    .await
}

/// What an import writes of one contact.
#[derive(Debug, Clone, Copy)]
pub struct ImportedContact<'a> {
    /// The contact's key.
    pub key: &'a str,
    /// Its clean-file row as JSON (replaces what was stored).
    pub data: &'a str,
    /// Its phone in E.164, when it has one.
    pub phone: Option<&'a E164>,
    /// Where its consent stands now.
    pub state: ConsentState,
}

/// Writes the contact `contact.key` of `submission` at `now`.
pub async fn upsert(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    contact: &ImportedContact<'_>,
    submission: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO contacts (tenant_id, contact_key, data, phone, submission_id, updated_at, consent_state)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (tenant_id, contact_key) DO UPDATE SET data = excluded.data, phone = excluded.phone,
           submission_id = excluded.submission_id, updated_at = excluded.updated_at,
           consent_state = excluded.consent_state",
    )
    .bind(tenant)
    .bind(contact.key)
    .bind(contact.data)
    .bind(E164::column(contact.phone))
    .bind(submission)
    .bind(now)
    .bind(contact.state.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The tenant's contact `key` as its consent state needs it: the state
/// (as stored) and the phone (E.164), when the contact exists.
pub async fn consent_of(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    key: &str,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT consent_state, phone FROM contacts WHERE tenant_id = $1 AND contact_key = $2",
    )
    .bind(tenant)
    .bind(key)
    .fetch_optional(&mut **tx)
    .await
}

/// Moves the tenant's contact `key` from consent state `from` to `to`;
/// `false` when it no longer stands at `from` (another request moved it
/// first) or does not exist.
pub async fn move_state(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    key: &str,
    from: ConsentState,
    to: ConsentState,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE contacts SET consent_state = $1 WHERE tenant_id = $2 AND contact_key = $3 AND consent_state = $4",
    )
    .bind(to.as_str())
    .bind(tenant)
    .bind(key)
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Marks the tenant's contact `key` opted out (nothing when it does not exist).
pub async fn opt_out(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE contacts SET consent_state = $1 WHERE tenant_id = $2 AND contact_key = $3")
        .bind(ConsentState::OptedOut.as_str())
        .bind(tenant)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many of the tenant's contacts that `submission` imported stand in
/// each consent state (as stored), now.
pub async fn states_of_submission(
    db: &AnyPool,
    tenant: &str,
    submission: &str,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.consent_state, COUNT(*) FROM contacts c
         WHERE c.tenant_id = $1 AND c.contact_key IN (
             SELECT e.contact_key FROM consent_events e
             WHERE e.submission_id = $2 AND e.tenant_id = $1 AND e.kind = $3)
         GROUP BY c.consent_state",
    )
    .bind(tenant)
    .bind(submission)
    .bind(ConsentEventKind::Imported.as_str())
    .fetch_all(db)
    .await
}

/// Records why a row of the submission failed at import.
pub async fn record_failure(
    tx: &mut Transaction<'_, Any>,
    submission: &str,
    row: i64,
    reason: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO import_failures (submission_id, row_number, reason) VALUES ($1, $2, $3)
         ON CONFLICT (submission_id, row_number) DO NOTHING",
    )
    .bind(submission)
    .bind(row)
    .bind(reason)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored contact: key, data (JSON), submission, time.
pub type ContactRow = (String, String, String, String);

/// Up to `limit` of the tenant's contacts with keys after `after`, by key.
pub async fn page(
    db: &AnyPool,
    tenant: &str,
    after: &str,
    limit: i64,
) -> Result<Vec<ContactRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT contact_key, data, submission_id, updated_at FROM contacts
         WHERE tenant_id = $1 AND contact_key > $2 ORDER BY contact_key LIMIT $3",
    )
    .bind(tenant)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The keys of the tenant's contacts whose phone is `phone`, by key.
pub async fn keys_with_phone(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    phone: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT contact_key FROM contacts WHERE phone = $1 AND tenant_id = $2 ORDER BY contact_key",
    )
    .bind(phone)
    .bind(tenant)
    .fetch_all(&mut **tx)
    .await
}
