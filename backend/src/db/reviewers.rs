//! The `reviewers` and `sessions` tables.

use crate::domain::reviewer::{Email, Password};
use crate::support::new_id;
use crate::support::password::hash_password;
use chrono::Utc;
use sqlx::AnyPool;

/// Adds a reviewer, or sets the password of an existing (or removed) one;
/// a changed password ends every session signed in with the old one.
pub async fn set_reviewer(db: &AnyPool, email: &Email, password: &Password) -> anyhow::Result<()> {
    let hash = hash_password(password.expose())?;
    let mut tx = db.begin().await?;
    end_sessions(&mut tx, email).await?;
    let updated =
        sqlx::query("UPDATE reviewers SET password_hash = $1, removed_at = NULL WHERE email = $2")
            .bind(&hash)
            .bind(email.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if updated == 0 {
        sqlx::query(
            "INSERT INTO reviewers (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_id())
        .bind(email.as_str())
        .bind(&hash)
        .bind(Utc::now().to_rfc3339())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends every session of the reviewer with `email`.
async fn end_sessions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    email: &Email,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM sessions WHERE reviewer_id IN (SELECT id FROM reviewers WHERE email = $1)",
    )
    .bind(email.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes a reviewer: their sessions end and they can no longer sign in.
/// The record stays, without a password, because their decisions name it.
/// `Ok(false)` when no reviewer has that e-mail.
pub async fn remove_reviewer(db: &AnyPool, email: &Email) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    end_sessions(&mut tx, email).await?;
    let removed = sqlx::query(
        "UPDATE reviewers SET password_hash = '', removed_at = $1 WHERE email = $2 AND removed_at IS NULL",
    )
    .bind(Utc::now().to_rfc3339())
    .bind(email.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(removed == 1)
}

/// Deletes the sessions that ended before `now`; returns how many.
pub async fn delete_expired_sessions(
    db: &AnyPool,
    now: chrono::DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    // RFC 3339 times in UTC compare as text, as `retention` relies on too.
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now.to_rfc3339())
        .execute(db)
        .await?
        .rows_affected())
}

/// The id and password hash of the active reviewer with `email`.
pub async fn password_hash(
    db: &AnyPool,
    email: &Email,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, password_hash FROM reviewers WHERE email = $1 AND removed_at IS NULL",
    )
    .bind(email.as_str())
    .fetch_optional(db)
    .await
}

/// Starts a session (its token is stored hashed) lasting until `expires`.
pub async fn insert_session(
    db: &AnyPool,
    token_hash: &str,
    reviewer: &str,
    csrf: &str,
    expires: chrono::DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, reviewer_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(reviewer)
    .bind(csrf)
    .bind(expires.to_rfc3339())
    .execute(db)
    .await?;
    Ok(())
}

/// Ends one session.
pub async fn delete_session(db: &AnyPool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// The reviewer id, CSRF token and end (RFC 3339) of the session with this token hash.
pub async fn find_session(
    db: &AnyPool,
    token_hash: &str,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT reviewer_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(db)
        .await
}

/// The e-mail of the reviewer with `id`.
pub async fn email_of(db: &AnyPool, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT email FROM reviewers WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await
}
