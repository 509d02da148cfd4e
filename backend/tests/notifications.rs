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
use serde_json::json;

const PASSWORD: &str = "correct horse battery staple";

#[tokio::test]
async fn the_merchant_is_told_each_step_by_webhook_and_email_on_sqlite() {
    each_step_is_told(Database::Sqlite).await;
}

#[tokio::test]
async fn the_merchant_is_told_each_step_by_webhook_and_email_on_postgres() {
    each_step_is_told(Database::Postgres).await;
}

#[tokio::test]
async fn a_final_rejection_is_told_by_webhook_and_email_on_sqlite() {
    the_rejection_is_told(Database::Sqlite).await;
}

#[tokio::test]
async fn a_final_rejection_is_told_by_webhook_and_email_on_postgres() {
    the_rejection_is_told(Database::Postgres).await;
}

async fn the_rejection_is_told(database: Database) {
    let (smtp, mut mails) = listgate_testkit::smtp::start().await;
    let mailer =
        listgate::services::notify::Mailer::new(&smtp, "listgate <noreply@listgate.example>")
            .expect("mailer");
    let Some(app) = spawn_app_with(database, |config| config.mail = Some(mailer)).await else {
        return;
    };
    let (hook, mut events) = listgate_testkit::webhook::start().await;
    let merchant = tenant(&app, &hook).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (status, created) = app
        .submit(Some(&merchant), None, form(clean_list(20), b"x"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let reject = json!({
        "decision": "reject",
        "reasons": ["no_explicit_whatsapp_opt_in", "insufficient_proof"],
        "note": "the form asks for SMS",
    });
    let (status, rejected) = app
        .review(
            &session,
            &format!("/submissions/{id}/decision"),
            Some(reject),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "rejected");

    let mail = mails.next().await;
    assert_eq!(mail.to, "owner@acme.example");
    assert!(
        mail.data.contains(&format!(
            "Subject: listgate: submission {} rejected",
            &id[..8]
        )),
        "{}",
        mail.data
    );
    // Quoted-printable: long lines are wrapped with a soft break (`=` at the end).
    let text = mail.data.replace("=\n", "");
    for says in [
        "a new check of a corrected list makes a new submission",
        "consent that names WhatsApp explicitly",
        "proof of opt-in: screenshots",
        "the form asks for SMS",
    ] {
        assert!(text.contains(says), "says {says:?}: {text}");
    }

    let told = events.next("rejected").await;
    assert_eq!(told["event"], "rejected");
    assert_eq!(told["submission_id"], json!(id));
    let decision = &told["decision"];
    assert_eq!(decision["verdict"], "rejected");
    let reasons: Vec<&str> = decision["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["reason"].as_str().expect("reason"))
        .collect();
    assert_eq!(
        reasons,
        ["no_explicit_whatsapp_opt_in", "insufficient_proof"]
    );
    assert_eq!(decision["note"], "the form asks for SMS");
    // Final: nothing else is told, and nothing is imported.
    tokio::time::sleep(listgate::services::import::POLL * 4).await;
    let all = events.all(1).await;
    let kinds: Vec<&str> = all.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["rejected"]);
    assert_eq!(app.count("notifications").await, 2, "by webhook and e-mail");
    assert_eq!(app.count("contacts").await, 0);
}

async fn each_step_is_told(database: Database) {
    let (smtp, mut mails) = listgate_testkit::smtp::start().await;
    let mailer =
        listgate::services::notify::Mailer::new(&smtp, "listgate <noreply@listgate.example>")
            .expect("mailer");
    let Some(app) = spawn_app_with(database, |config| config.mail = Some(mailer)).await else {
        return;
    };
    let (hook, mut events) = listgate_testkit::webhook::start().await;
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
    let mail = mails.next().await;
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
    assert!(mails.next().await.data.contains("approved"));

    let plan = json!({ "first_batch": 100, "growth": 2, "cap": 1000, "interval_seconds": 60, "daily_cap": null });
    app.confirm_plan(&session, &id, plan).await;
    let mail = mails.next().await;
    assert!(
        mail.data.contains("batch 1 imported") && mail.data.contains("150 contacts to go"),
        "{}",
        mail.data
    );
    let schedule = format!("/submissions/{id}/schedule");
    app.review(&session, &schedule, Some(json!({ "paused": true })), true)
        .await;
    assert!(mails.next().await.data.contains("import paused"));
    app.review(
        &session,
        &schedule,
        Some(json!({ "paused": false, "interval_seconds": 0 })),
        true,
    )
    .await;
    assert!(mails.next().await.data.contains("import resumed"));
    let mail = mails.next().await;
    assert!(
        mail.data.contains("import complete") && mail.data.contains("250 contacts imported"),
        "{}",
        mail.data
    );

    // The webhook got the same steps, signed, besides each batch's contacts.
    let told = events.all(8).await;
    let steps: Vec<&str> = told
        .iter()
        .map(|e| e.kind.as_str())
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
        told.iter().filter(|e| e.kind == "contacts").count(),
        2,
        "each batch's contacts too"
    );
    let first = &told[0].body;
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
