//! Telling the merchant, against the real app on SQLite and PostgreSQL: each
//! decision, imported batch, pause, resume and the end of the import reach
//! the tenant's webhook (signed, `X-Listgate-Event`) and, through a real
//! SMTP conversation with a test server on loopback, the tenant's contact
//! address.

mod common;

use common::{Database, TestApp, clean_list, form, spawn_app_with};
use listgate::db::tenants::{add_tenant, set_contact_email};
use listgate::domain::tenant::{ApiKey, Origin, TenantName, WebhookUrl};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::sync::mpsc;

const PASSWORD: &str = "correct horse battery staple";

/// One e-mail as the SMTP server received it.
#[derive(Debug, Clone)]
struct Mail {
    to: String,
    data: String,
}

/// An SMTP server on loopback that accepts every message (RFC 5321's
/// commands, no extensions); each arrives on the channel.
async fn smtp_server() -> (String, mpsc::UnboundedReceiver<Mail>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("smtp://{}", listener.local_addr().expect("addr"));
    let (mails, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let mails = mails.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 test.example ESMTP\r\n").await;
                let (mut to, mut data, mut in_data) = (String::new(), String::new(), false);
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            let _ = mails.send(Mail {
                                to: to.clone(),
                                data: std::mem::take(&mut data),
                            });
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let command = line.to_ascii_uppercase();
                    let answer: &[u8] =
                        if command.starts_with("EHLO") || command.starts_with("HELO") {
                            b"250 test.example\r\n"
                        } else if command.starts_with("RCPT TO:") {
                            to = line[8..].trim().trim_matches(['<', '>']).to_owned();
                            b"250 ok\r\n"
                        } else if command.starts_with("DATA") {
                            in_data = true;
                            b"354 go ahead\r\n"
                        } else if command.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 ok\r\n"
                        };
                    let _ = write.write_all(answer).await;
                }
            });
        }
    });
    (url, received)
}

/// The next e-mail the server receives (10 s at most).
async fn next_mail(mails: &mut mpsc::UnboundedReceiver<Mail>) -> Mail {
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), mails.recv());
    next.await
        .expect("an e-mail within 10 s")
        .expect("the server runs")
}

/// Events the webhook received: (`X-Listgate-Event`, body).
type Events = Arc<Mutex<Vec<(String, Value)>>>;

async fn webhook() -> (String, Events) {
    let events: Events = Default::default();
    let log = events.clone();
    let handler = move |headers: axum::http::HeaderMap, body: axum::Json<Value>| {
        let log = log.clone();
        async move {
            let event = headers
                .get("x-listgate-event")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            log.lock().expect("log").push((event, body.0));
            axum::http::StatusCode::OK
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/events", listener.local_addr().expect("addr"));
    let router = axum::Router::new().route("/events", axum::routing::post(handler));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, events)
}

#[tokio::test]
async fn the_merchant_is_told_each_step_by_webhook_and_email_on_sqlite() {
    each_step_is_told(Database::Sqlite).await;
}

#[tokio::test]
async fn the_merchant_is_told_each_step_by_webhook_and_email_on_postgres() {
    each_step_is_told(Database::Postgres).await;
}

async fn each_step_is_told(database: Database) {
    let (smtp, mut mails) = smtp_server().await;
    let mailer =
        listgate::services::notify::Mailer::new(&smtp, "listgate <noreply@listgate.example>")
            .expect("mailer");
    let Some(app) = spawn_app_with(database, |config| config.mail = Some(mailer)).await else {
        return;
    };
    let (hook, events) = webhook().await;
    let merchant = tenant(&app, &hook).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (status, created) = app
        .submit(Some(&merchant), None, form(clean_list(250), b"x"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let ask = json!({ "decision": "request_changes", "missing": ["insufficient_proof"], "note": "add the pop-up" });
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/decision"),
            Some(ask),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mail = next_mail(&mut mails).await;
    assert_eq!(mail.to, "owner@acme.example");
    assert!(
        mail.data.contains("Subject: listgate: submission")
            && mail.data.contains("changes requested"),
        "{}",
        mail.data
    );
    assert!(
        mail.data.contains("proof of opt-in: screenshots"),
        "says what is missing: {}",
        mail.data
    );
    assert!(mail.data.contains("add the pop-up"), "{}", mail.data);
    assert!(
        mail.data
            .contains("From: listgate <noreply@listgate.example>"),
        "{}",
        mail.data
    );

    let amendment = reqwest::multipart::Form::new()
        .text("evidence_source", "shop")
        .part(
            "evidence",
            reqwest::multipart::Part::bytes(b"pop-up".to_vec()).file_name("popup.png"),
        );
    let response = app
        .http
        .post(format!("{}/submissions/{id}/amendments", app.url))
        .bearer_auth(merchant.expose())
        .multipart(amendment)
        .send()
        .await
        .expect("amend");
    assert_eq!(response.status(), StatusCode::OK);
    let (status, approved) = app
        .review(
            &session,
            &format!("/submissions/{id}/decision"),
            Some(json!({ "decision": "approve" })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert!(next_mail(&mut mails).await.data.contains("approved"));

    let plan = json!({ "first_batch": 100, "growth": 2, "cap": 1000, "interval_seconds": 60, "daily_cap": null });
    app.confirm_plan(&session, &id, plan).await;
    let mail = next_mail(&mut mails).await;
    assert!(
        mail.data.contains("batch 1 imported") && mail.data.contains("150 contacts to go"),
        "{}",
        mail.data
    );
    let schedule = format!("/submissions/{id}/schedule");
    app.review(&session, &schedule, Some(json!({ "paused": true })), true)
        .await;
    assert!(next_mail(&mut mails).await.data.contains("import paused"));
    app.review(
        &session,
        &schedule,
        Some(json!({ "paused": false, "interval_seconds": 0 })),
        true,
    )
    .await;
    assert!(next_mail(&mut mails).await.data.contains("import resumed"));
    let mail = next_mail(&mut mails).await;
    assert!(
        mail.data.contains("import complete") && mail.data.contains("250 contacts imported"),
        "{}",
        mail.data
    );

    // The webhook got the same steps, signed, besides each batch's contacts.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let told = loop {
        let told: Vec<String> = events
            .lock()
            .expect("log")
            .iter()
            .map(|(e, _)| e.clone())
            .collect();
        if told.len() >= 8 || std::time::Instant::now() > deadline {
            break told;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let steps: Vec<&str> = told
        .iter()
        .map(String::as_str)
        .filter(|e| *e != "contacts")
        .collect();
    assert_eq!(
        steps,
        [
            "changes_requested",
            "approved",
            "batch_imported",
            "paused",
            "resumed",
            "completed"
        ]
    );
    assert_eq!(
        told.iter().filter(|e| *e == "contacts").count(),
        2,
        "each batch's contacts too"
    );
    let first = events.lock().expect("log")[0].1.clone();
    assert_eq!(first["submission_id"], json!(id));
    assert_eq!(
        first["decision"]["reasons"][0]["reason"],
        "insufficient_proof"
    );
    assert_eq!(
        app.count("notifications").await,
        12,
        "six steps, each by webhook and e-mail"
    );
}

/// A tenant with the test webhook and a contact address.
async fn tenant(app: &TestApp, hook: &str) -> ApiKey {
    let tenant = add_tenant(
        &app.db,
        &TenantName::parse("Acme").expect("name"),
        &[Origin::parse("https://portal.example").expect("origin")],
        Some(&WebhookUrl::parse(hook).expect("url")),
    )
    .await
    .expect("tenant");
    assert!(
        set_contact_email(&app.db, &tenant.id, "owner@acme.example")
            .await
            .expect("contact")
    );
    tenant.key
}
