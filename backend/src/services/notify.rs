//! Telling the merchant: each event of a submission (a decision, an
//! imported batch, a pause, a resume, the end) goes to the tenant's webhook
//! (JSON, signed like batches, `X-Listgate-Event` naming it) and, when the
//! server has SMTP (`--smtp-url`), by e-mail to the tenant's contact
//! address. Events are written in the transaction of the change they tell
//! and sent by the worker, retried like batch deliveries.

use crate::db;
use crate::db::notifications::Channel;
use crate::domain::DeliveryStatus;
use crate::domain::event::Event;
use crate::domain::tenant::WebhookUrl;
use crate::services::webhooks::{MAX_ATTEMPTS, TIMEOUT, backoff_ms, send};
use crate::services::{Backend, now_ms};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use sqlx::{Any, Transaction};

/// The SMTP server merchants are e-mailed through, and the sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may hold the SMTP password: only the sender is shown.
        write!(f, "Mailer(from {})", self.from)
    }
}

impl Mailer {
    /// A mailer for `url` (`smtp://host:port` for a relay on the same
    /// network, `smtp://user:password@host:587?tls=required` for STARTTLS,
    /// `smtps://…` for TLS) sending as `from` (`listgate <noreply@example.com>`).
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| {
                anyhow::anyhow!("--smtp-url is not an SMTP URL (smtp://host:port, smtps://…): {e}")
            })?
            .timeout(Some(TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("--smtp-from `{from}` is not an address: {e}"))?;
        Ok(Mailer { transport, from })
    }

    /// Sends `text` to `to`; why it failed, or `None`.
    async fn send(&self, to: &str, subject: &str, text: &str) -> Option<String> {
        let to: Mailbox = match to.parse() {
            Ok(to) => to,
            Err(e) => return Some(format!("`{to}` is not an address: {e}")),
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(text.to_owned());
        match message {
            Ok(message) => self
                .transport
                .send(message)
                .await
                .err()
                .map(|e| format!("the SMTP server refused it: {e}")),
            Err(e) => Some(format!("the message could not be built: {e}")),
        }
    }
}

/// An e-mail as stored in the outbox.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Mail {
    subject: String,
    text: String,
}

/// Queues `event` of the tenant's submission for its webhook and, when
/// the backend can send e-mail, its contact address.
pub async fn enqueue(
    tx: &mut Transaction<'_, Any>,
    backend: &Backend,
    tenant: &str,
    event: &Event,
) -> Result<(), sqlx::Error> {
    let (webhook, email) = db::tenants::notification_targets(&mut **tx, tenant).await?;
    let now = now_ms();
    let submission = event.submission_id.as_str();
    if let Some(url) = webhook {
        let payload = serde_json::to_string(event).unwrap_or_default();
        db::notifications::insert(
            tx,
            submission,
            event.event,
            Channel::Webhook,
            &url,
            &payload,
            now,
        )
        .await?;
    }
    if let (Some(address), Some(_)) = (email, &backend.mail) {
        let mail = Mail {
            subject: event.subject(),
            text: event.text(),
        };
        let payload = serde_json::to_string(&mail).unwrap_or_default();
        db::notifications::insert(
            tx,
            submission,
            event.event,
            Channel::Email,
            &address,
            &payload,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Sends one due notification, if any; `true` when one was attempted.
pub async fn try_send(backend: &Backend) -> anyhow::Result<bool> {
    let now = now_ms();
    let lease = now + TIMEOUT.as_millis() as i64 * 2;
    let Some(due) = db::notifications::claim_due(&backend.db, now, lease).await? else {
        return Ok(false);
    };
    let (error, given_up) = if due.is_email() {
        match (&backend.mail, serde_json::from_str::<Mail>(&due.payload)) {
            (Some(mailer), Ok(mail)) => (
                mailer.send(&due.target, &mail.subject, &mail.text).await,
                false,
            ),
            (None, _) => (
                Some("the server has no SMTP server now (--smtp-url)".to_owned()),
                true,
            ),
            (_, Err(e)) => (Some(format!("unreadable e-mail in the outbox: {e}")), true),
        }
    } else {
        match WebhookUrl::parse(&due.target) {
            Err(why) => (Some(why), true),
            Ok(url) => {
                let secret = due.webhook_secret.clone().unwrap_or_default();
                (
                    send(
                        backend,
                        &url,
                        &secret,
                        &due.event,
                        due.payload.clone(),
                        &due.id,
                    )
                    .await,
                    false,
                )
            }
        }
    };
    let attempts = due.attempts + 1;
    let (status, next) = match &error {
        None => (DeliveryStatus::Delivered, now),
        Some(_) if given_up || attempts >= MAX_ATTEMPTS => (DeliveryStatus::Failed, now),
        Some(_) => (DeliveryStatus::Pending, now + backoff_ms(attempts)),
    };
    if let Some(error) = &error {
        tracing::warn!(notification = %due.id, channel = %due.channel, attempts, error, "notification failed");
    }
    db::notifications::record_attempt(
        &backend.db,
        &due.id,
        status,
        attempts,
        next,
        error.as_deref(),
    )
    .await?;
    Ok(true)
}
