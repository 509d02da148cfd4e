//! Webhooks: each imported batch is sent to the tenant's URL as JSON (its
//! contacts' rows, and where each contact's consent stands, so that the
//! platform knows which to ask for confirmation), signed
//! with HMAC-SHA256 (`X-Listgate-Signature: sha256=<hex>`) and carrying an
//! `Idempotency-Key` of `<submission>-<batch>`, so a receiver can drop
//! repeats. Deliveries are written in the batch's own transaction (an
//! outbox) and retried with exponential backoff: 12 attempts over about 68
//! minutes, then the delivery is marked failed.

use crate::db;
use crate::domain::DeliveryStatus;
use crate::domain::ledger::ConsentState;
use crate::domain::tenant::WebhookUrl;
use crate::services::Backend;
use crate::support::signature;
use listgate_api::ContactState;
use sqlx::{Any, Transaction};
use std::time::Duration;

/// Attempts before a delivery is given up: 2 s, 4 s … 2,048 s between
/// them, about 68 minutes in all.
pub const MAX_ATTEMPTS: i64 = 12;
/// How long a receiver may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Milliseconds before attempt `attempts + 1`: 2 s, 4 s, 8 s … at most an hour.
pub fn backoff_ms(attempts: i64) -> i64 {
    (1000_i64 << attempts.clamp(1, 12)).min(3_600_000)
}

/// Where the platform reports a contact's confirmation or opt-out
/// (`{key}`: the contact's key, percent-encoded).
pub const CONSENT_PATH: &str = "/api/v1/contacts/{key}/consent";

/// Queues the delivery of one batch's contacts (their rows, and `states`:
/// each one's key and consent state, in the same order) when the tenant
/// has a webhook.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    submission: &str,
    batch: i64,
    contacts: Vec<serde_json::Value>,
    states: Vec<ContactState>,
) -> Result<(), sqlx::Error> {
    let awaiting = states
        .iter()
        .filter(|c| c.state == ConsentState::AwaitingConfirmation)
        .count();
    let payload = serde_json::json!({
        "submission_id": submission,
        "batch": batch,
        // Where the platform reports what happened to these contacts.
        "signals_path": format!("/api/v1/submissions/{submission}/batches/{batch}/signals"),
        "contacts": contacts,
        // Community sends its welcome message (with the opt-in link) to those
        // awaiting confirmation, and reports each confirmation or opt-out here.
        "consent": states,
        "awaiting_confirmation": awaiting,
        "consent_path": CONSENT_PATH,
    });
    db::webhooks::enqueue(
        tx,
        tenant,
        submission,
        batch,
        &payload.to_string(),
        now_ms(),
    )
    .await
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
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
pub async fn try_deliver(backend: &Backend) -> anyhow::Result<bool> {
    let now = now_ms();
    // Claimed for the length of one attempt, so no other worker sends it meanwhile.
    let lease = now + TIMEOUT.as_millis() as i64 * 2;
    let Some(due) = db::webhooks::claim_due(&backend.db, now, lease).await? else {
        return Ok(false);
    };
    let (submission, batch) = (due.submission_id.as_str(), due.batch);
    // Stored before today's rules, a URL is judged again before each attempt;
    // one no longer accepted is given up at once, with nothing sent.
    let (error, given_up) = match WebhookUrl::parse(&due.url) {
        Err(why) => (Some(why), true),
        Ok(url) => {
            let key = format!("{submission}-{batch}");
            let sent = send(
                backend,
                &url,
                &due.webhook_secret,
                "contacts",
                due.payload,
                &key,
            )
            .await;
            (sent, false)
        }
    };
    let attempts = due.attempts + 1;
    let (status, next) = match &error {
        None => (DeliveryStatus::Delivered, now),
        Some(_) if given_up || attempts >= MAX_ATTEMPTS => (DeliveryStatus::Failed, now),
        Some(_) => (DeliveryStatus::Pending, now + backoff_ms(attempts)),
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
    db::webhooks::record_attempt(
        &backend.db,
        submission,
        batch,
        status,
        attempts,
        next,
        error.as_deref(),
    )
    .await?;
    Ok(true)
}

/// Sends a delivery that was given up again, from a first attempt now (a
/// reviewer asks for it once the receiver is fixed). `Ok(false)` when the
/// batch has no failed delivery.
pub async fn retry(backend: &Backend, submission: &str, batch: i64) -> Result<bool, sqlx::Error> {
    db::webhooks::retry(&backend.db, submission, batch, now_ms()).await
}

/// Posts one signed delivery of `event` (`contacts` for a batch's
/// contacts, else the notification's event) to `url`; why it failed, or
/// `None` when the receiver answered 2xx.
pub async fn send(
    backend: &Backend,
    url: &WebhookUrl,
    secret: &str,
    event: &str,
    payload: String,
    idempotency_key: &str,
) -> Option<String> {
    let sent = backend
        .http
        .post(url.as_str())
        .timeout(TIMEOUT)
        .header("content-type", "application/json")
        .header("x-listgate-event", event)
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
