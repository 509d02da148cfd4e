//! Delivery signals against the real app, on SQLite and PostgreSQL: a fake
//! messaging platform receives each imported batch on the tenant's webhook
//! and reports back, with the tenant's secret key, what its contacts did.
//! The import waits for the signals, grows on healthy ones and pauses,
//! halving the next batch, on a bad batch.

#[macro_use]
mod common;

use common::{TestApp, clean_list, form};
use listgate::db::tenants::add_tenant;
use listgate::domain::tenant::{ApiKey, Origin, TenantName, WebhookUrl};
use reqwest::StatusCode;
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery staple";

on_every_database! {
    the_import_grows_on_healthy_signals_and_pauses_on_a_bad_batch(10 << 20, 0);
    signals_are_checked_and_bad_ones_pause_an_import_that_does_not_wait(10 << 20, 0);
}

/// A tenant whose webhook is the fake platform, waiting for signals or not.
async fn tenant_on_platform(app: &TestApp, platform: &str, wait: bool) -> ApiKey {
    let webhook = WebhookUrl::parse(platform).expect("url");
    let tenant = add_tenant(
        &app.db,
        &TenantName::parse("Acme").expect("name"),
        &[Origin::parse("https://portal.example").expect("origin")],
        Some(&webhook),
    )
    .await
    .expect("tenant");
    let thresholds = listgate_api::SignalThresholds::default();
    assert!(
        listgate::db::signals::set_policy(&app.db, &tenant.id, wait, &thresholds)
            .await
            .expect("policy")
    );
    tenant.key
}

/// The platform reports `signals` for the batch a delivery carried, at the
/// path the delivery names.
async fn report(
    app: &TestApp,
    key: &ApiKey,
    delivery: &Value,
    signals: Value,
) -> (StatusCode, Value) {
    let path = delivery["signals_path"].as_str().expect("signals path");
    let origin = app.url.trim_end_matches("/api/v1");
    let response = app
        .http
        .post(format!("{origin}{path}"))
        .bearer_auth(key.expose())
        .json(&signals)
        .send()
        .await
        .expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn delivered_all(delivery: &Value) -> Value {
    let n = delivery["contacts"].as_array().expect("contacts").len();
    json!({ "sent": n, "delivered": n })
}

fn sizes(view: &Value) -> Vec<(u64, String)> {
    view["schedule"]["batches"]
        .as_array()
        .expect("batches")
        .iter()
        .map(|b| {
            (
                b["contacts"].as_u64().expect("size"),
                b["status"].as_str().expect("status").to_owned(),
            )
        })
        .collect()
}

async fn the_import_grows_on_healthy_signals_and_pauses_on_a_bad_batch(app: TestApp) {
    let (platform, mut deliveries) = listgate_testkit::webhook::start().await;
    let merchant = tenant_on_platform(&app, &platform, true).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (status, created) = app
        .submit(Some(&merchant), None, form(clean_list(700), b"x"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    app.approve(&session, &id).await;

    // Batch 1 reaches the platform; the import waits for its signals.
    let first = deliveries.next("contacts").await;
    assert_eq!(first["batch"], 1);
    let waiting = app
        .wait_for(&merchant, &id, "waiting for signals", |s| {
            s["schedule"]["awaiting_signals"] == 1
        })
        .await;
    tokio::time::sleep(listgate::services::import::POLL * 3).await;
    let (_, still) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(
        sizes(&still),
        sizes(&waiting),
        "no batch before the signals"
    );
    assert_eq!(sizes(&still), [(100, "done".to_owned())]);

    // Healthy: the next batch doubles.
    let (status, reported) = report(&app, &merchant, &first, delivered_all(&first)).await;
    assert_eq!(status, StatusCode::OK, "{reported}");
    assert_eq!(
        reported["schedule"]["batches"][0]["signals"]["delivered"],
        100
    );
    let second = deliveries.next("contacts").await;
    assert_eq!(
        second["contacts"].as_array().expect("contacts").len(),
        200,
        "grown on healthy signals"
    );

    // A bad batch: 5 % blocked. The import pauses and the next batch halves.
    let bad =
        json!({ "sent": 200, "delivered": 196, "failed": 4, "blocked": 8, "reported_spam": 2 });
    let (status, paused) = report(&app, &merchant, &second, bad).await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    let schedule = &paused["schedule"];
    assert_eq!(schedule["paused"], true);
    let reason = schedule["paused_reason"].as_str().expect("why");
    assert!(
        reason.contains("batch 2")
            && reason.contains("10 of 200 contacts blocked or reported as spam"),
        "{reason}"
    );
    assert_eq!(schedule["batches"][1]["signals_breach"], json!(reason));
    assert_eq!(sizes(&paused)[2], (100, "queued".to_owned()), "halved");
    assert_eq!(schedule["awaiting_signals"], Value::Null);
    tokio::time::sleep(listgate::services::import::POLL * 3).await;
    let (_, held) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(
        sizes(&held)[2],
        (100, "queued".to_owned()),
        "paused: nothing ran"
    );

    // A reviewer resumes; the halved batch goes and waits for its signals again.
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/schedule"),
            Some(json!({ "paused": false })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let third = deliveries.next("contacts").await;
    assert_eq!(third["contacts"].as_array().expect("contacts").len(), 100);
    app.wait_for(&merchant, &id, "waiting again", |s| {
        s["schedule"]["awaiting_signals"] == 3
    })
    .await;
    // The reviewer may send the next batch without waiting.
    let (status, sent) = app
        .review(
            &session,
            &format!("/submissions/{id}/schedule"),
            Some(json!({ "next_batch_size": 300 })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    let fourth = deliveries.next("contacts").await;
    assert_eq!(fourth["contacts"].as_array().expect("contacts").len(), 300);
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    assert_eq!(done["schedule"]["imported"], 700);
}

async fn signals_are_checked_and_bad_ones_pause_an_import_that_does_not_wait(app: TestApp) {
    let (platform, mut deliveries) = listgate_testkit::webhook::start().await;
    let merchant = tenant_on_platform(&app, &platform, false).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (_, created) = app
        .submit(Some(&merchant), None, form(clean_list(250), b"x"))
        .await;
    let id = created["id"].as_str().expect("id").to_owned();
    app.approve(&session, &id).await;
    let first = deliveries.next("contacts").await;
    // Batch 2 follows without waiting for batch 1's signals.
    let second = deliveries.next("contacts").await;
    assert_eq!(second["batch"], 2);
    app.wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;

    for (signals, says) in [
        (
            json!({ "sent": 101, "delivered": 100 }),
            "the batch has 100 contacts",
        ),
        (json!({ "sent": 10, "delivered": 11 }), "`delivered` is 11"),
    ] {
        let (status, body) = report(&app, &merchant, &first, signals).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .expect("message")
                .contains(says),
            "{body}"
        );
    }
    let (status, body) = report(
        &app,
        &merchant,
        &first,
        json!({ "sent": 1, "delivered": 1, "clicks": 1 }),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown counts are refused: {body}"
    );
    // Another tenant's key reaches nothing.
    let stranger = app.tenant("Globex").await;
    let (status, _) = report(&app, &stranger, &first, delivered_all(&first)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // After the import, signals are recorded; they pause nothing that is done.
    let (status, seen) = report(
        &app,
        &merchant,
        &first,
        json!({ "sent": 100, "delivered": 90, "opted_out": 10 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert!(
        seen["schedule"]["batches"][0]["signals_breach"]
            .as_str()
            .expect("breach")
            .contains("opted out")
    );
    assert_eq!(seen["schedule"]["paused"], false);
    let missing = json!({ "signals_path": format!("/api/v1/submissions/{id}/batches/9/signals") });
    let (status, _) = report(&app, &merchant, &missing, delivered_all(&first)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no batch 9");
}
