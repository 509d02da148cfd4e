//! Webhooks: each imported batch is sent to the tenant's URL as JSON, signed
//! with HMAC-SHA256 (`X-Listgate-Signature: sha256=<hex>`) and carrying an
//! `Idempotency-Key` of `<submission>-<batch>`, so a receiver can drop
//! repeats. Deliveries are written in the batch's own transaction (an
//! outbox) and retried with exponential backoff: 12 attempts over about 68
//! minutes, then the delivery is marked failed.

use crate::web::AppState;
use hmac::{Hmac, KeyInit as _, Mac};
use sha2::Sha256;
use sqlx::{Any, Transaction};
use std::time::Duration;

/// Attempts before a delivery is given up: 2 s, 4 s … 2,048 s between
/// them, about 68 minutes in all.
pub const MAX_ATTEMPTS: i64 = 12;
/// How long a receiver may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The signature header's value for `body`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Milliseconds before attempt `attempts + 1`: 2 s, 4 s, 8 s … at most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    (1000_i64 << attempts.clamp(1, 12)).min(3_600_000)
}

/// Queues the delivery of one batch when the tenant has a webhook.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    submission: &str,
    batch: i64,
    contacts: Vec<serde_json::Value>,
) -> Result<(), sqlx::Error> {
    let url: Option<Option<String>> =
        sqlx::query_scalar("SELECT webhook_url FROM tenants WHERE id = $1")
            .bind(tenant)
            .fetch_optional(&mut **tx)
            .await?;
    let Some(url) = url.flatten() else {
        return Ok(());
    };
    let payload = serde_json::json!({
        "submission_id": submission,
        "batch": batch,
        "contacts": contacts,
    });
    sqlx::query(
        "INSERT INTO webhook_deliveries (submission_id, batch, url, payload, status, attempts, next_attempt_ms, last_error)
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, NULL)",
    )
    .bind(submission)
    .bind(batch)
    .bind(url)
    .bind(payload.to_string())
    .bind(chrono::Utc::now().timestamp_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The client deliveries are sent with. It follows no redirect: a receiver
/// could otherwise send the batch on to an address the URL check refuses.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client without custom TLS settings builds")
}

/// Sends one due delivery, if any; `true` when one was attempted.
pub async fn try_deliver(state: &AppState) -> anyhow::Result<bool> {
    let now = chrono::Utc::now().timestamp_millis();
    let due: Option<(String, i64, String, String, i64, String)> = sqlx::query_as(
        "SELECT d.submission_id, d.batch, d.url, d.payload, d.attempts, t.webhook_secret
         FROM webhook_deliveries d
         JOIN submissions s ON s.id = d.submission_id
         JOIN tenants t ON t.id = s.tenant_id
         WHERE d.status = 'pending' AND d.next_attempt_ms <= $1
         ORDER BY d.next_attempt_ms LIMIT 1",
    )
    .bind(now)
    .fetch_optional(&state.db)
    .await?;
    let Some((submission, batch, url, payload, attempts, secret)) = due else {
        return Ok(false);
    };
    // Claim it for the length of one attempt, so no other worker sends it meanwhile.
    let lease = now + TIMEOUT.as_millis() as i64 * 2;
    let claimed = sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_ms = $1
         WHERE submission_id = $2 AND batch = $3 AND status = 'pending' AND next_attempt_ms <= $4",
    )
    .bind(lease)
    .bind(&submission)
    .bind(batch)
    .bind(now)
    .execute(&state.db)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    // Stored before today's rules, a URL is judged again before each attempt;
    // one no longer accepted is given up at once, with nothing sent.
    let (error, given_up) = match crate::tenants::WebhookUrl::parse(&url) {
        Err(why) => (Some(why), true),
        Ok(url) => {
            let key = format!("{submission}-{batch}");
            (send(state, &url, &secret, payload, &key).await, false)
        }
    };
    let attempts = attempts + 1;
    let (status, next) = match &error {
        None => ("delivered", now),
        Some(_) if given_up || attempts >= MAX_ATTEMPTS => ("failed", now),
        Some(_) => ("pending", now + backoff_ms(attempts)),
    };
    if let Some(error) = &error {
        tracing::warn!(
            submission,
            batch,
            attempts,
            error,
            "webhook delivery failed"
        );
    }
    // A success keeps the last failure's reason: the monitor shows why it took retries.
    sqlx::query(
        "UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_ms = $3,
           last_error = COALESCE($4, last_error)
         WHERE submission_id = $5 AND batch = $6",
    )
    .bind(status)
    .bind(attempts)
    .bind(next)
    .bind(error)
    .bind(&submission)
    .bind(batch)
    .execute(&state.db)
    .await?;
    Ok(true)
}

/// Sends a delivery that was given up again, from a first attempt now (a
/// reviewer asks for it once the receiver is fixed). `Ok(false)` when the
/// batch has no failed delivery.
pub async fn retry(db: &sqlx::AnyPool, submission: &str, batch: i64) -> Result<bool, sqlx::Error> {
    let retried = sqlx::query(
        "UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_ms = $1
         WHERE submission_id = $2 AND batch = $3 AND status = 'failed'",
    )
    .bind(chrono::Utc::now().timestamp_millis())
    .bind(submission)
    .bind(batch)
    .execute(db)
    .await?
    .rows_affected();
    Ok(retried == 1)
}

/// Posts one signed batch to `url`; why it failed, or `None` when the
/// receiver answered 2xx.
async fn send(
    state: &AppState,
    url: &crate::tenants::WebhookUrl,
    secret: &str,
    payload: String,
    idempotency_key: &str,
) -> Option<String> {
    let sent = state
        .http
        .post(url.as_str())
        .timeout(TIMEOUT)
        .header("content-type", "application/json")
        .header(
            "x-listgate-signature",
            signature(secret, payload.as_bytes()),
        )
        .header("idempotency-key", idempotency_key)
        .body(payload)
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => None,
        Ok(response) => Some(format!("the receiver answered {}", response.status())),
        Err(e) if e.is_timeout() => Some(format!(
            "the receiver did not answer within {} s",
            TIMEOUT.as_secs()
        )),
        Err(e) => Some(format!("the receiver could not be reached: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_hmac_sha256_hex() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_ms(1), 2000);
        assert_eq!(backoff_ms(2), 4000);
        assert_eq!(backoff_ms(12), 3_600_000);
        assert_eq!(backoff_ms(40), 3_600_000);
        // The waits between the attempts before a delivery is given up.
        let waits: i64 = (1..MAX_ATTEMPTS).map(backoff_ms).sum();
        assert_eq!(waits / 1000, 4_094, "about 68 minutes");
    }
}
