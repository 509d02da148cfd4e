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
    a_tenants_own_threshold_pauses_what_the_default_lets_through(10 << 20, 0);
    a_bad_batch_reported_mid_run_pauses_an_import_that_does_not_wait(10 << 20, 0);
}

/// A tenant whose webhook is the fake platform, waiting for signals or not.
async fn tenant_on_platform(app: &TestApp, platform: &str, wait: bool) -> ApiKey {
    let thresholds = listgate_api::SignalThresholds::default();
    tenant_with_thresholds(app, "Acme", platform, wait, &thresholds).await
}

/// Tenant `name` on the fake platform, with its own signal `thresholds`,
/// as `listgate tenant set-signals` sets them.
async fn tenant_with_thresholds(
    app: &TestApp,
    name: &str,
    platform: &str,
    wait: bool,
    thresholds: &listgate_api::SignalThresholds,
) -> ApiKey {
    let webhook = WebhookUrl::parse(platform).expect("url");
    let tenant = add_tenant(
        &app.db,
        &TenantName::parse(name).expect("name"),
        &[Origin::parse("https://portal.example").expect("origin")],
        Some(&webhook),
    )
    .await
    .expect("tenant");
    assert!(
        listgate::db::signals::set_policy(&app.db, &tenant.id, wait, thresholds)
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

/// Submits `contacts` for `merchant` and approves them with the plan offered.
async fn approved_list(app: &TestApp, merchant: &ApiKey, contacts: usize) -> String {
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (status, created) = app
        .submit(Some(merchant), None, form(clean_list(contacts), b"x"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    app.approve(&session, &id).await;
    id
}

async fn a_tenants_own_threshold_pauses_what_the_default_lets_through(app: TestApp) {
    // Strict: at most 2 % failed deliveries (the default is 5 %).
    let strict = listgate_api::SignalThresholds {
        max_failed_percent: 2.0,
        ..Default::default()
    };
    let (strict_platform, mut strict_deliveries) = listgate_testkit::webhook::start().await;
    let careful = tenant_with_thresholds(&app, "Careful", &strict_platform, true, &strict).await;
    let (platform, mut deliveries) = listgate_testkit::webhook::start().await;
    let relaxed = tenant_with_thresholds(
        &app,
        "Relaxed",
        &platform,
        true,
        &listgate_api::SignalThresholds::default(),
    )
    .await;
    let strict_id = approved_list(&app, &careful, 400).await;
    let relaxed_id = approved_list(&app, &relaxed, 400).await;

    // 1 % failed is under both thresholds: each import grows.
    let one_percent = json!({ "sent": 100, "delivered": 99, "failed": 1 });
    for (key, platform) in [
        (&careful, &mut strict_deliveries),
        (&relaxed, &mut deliveries),
    ] {
        let first = platform.next("contacts").await;
        let (status, seen) = report(&app, key, &first, one_percent.clone()).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen["schedule"]["paused"], false, "{seen}");
        assert_eq!(
            seen["schedule"]["batches"][0]["signals_breach"],
            Value::Null
        );
        let second = platform.next("contacts").await;
        assert_eq!(
            second["contacts"].as_array().expect("contacts").len(),
            200,
            "grown on signals under the threshold"
        );
    }

    // 3 % failed: over the tenant's 2 %, under the default 5 %.
    let three_percent = json!({ "sent": 200, "delivered": 194, "failed": 6 });
    let path =
        |id: &str| json!({ "signals_path": format!("/api/v1/submissions/{id}/batches/2/signals") });
    let (status, paused) = report(&app, &careful, &path(&strict_id), three_percent.clone()).await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    let schedule = &paused["schedule"];
    assert_eq!(schedule["paused"], true, "{paused}");
    let reason = schedule["paused_reason"].as_str().expect("why");
    assert!(
        reason.contains("batch 2") && reason.contains("6 of 200 contacts failed (3.0 %, over 2 %)"),
        "{reason}"
    );
    assert_eq!(sizes(&paused)[2], (100, "queued".to_owned()), "halved");
    tokio::time::sleep(listgate::services::import::POLL * 3).await;
    let (_, held) = app
        .get(&careful, &format!("/submissions/{strict_id}"))
        .await;
    assert_eq!(
        sizes(&held)[2],
        (100, "queued".to_owned()),
        "paused: nothing ran"
    );
    assert_eq!(held["status"], "importing");

    // The same signals under the default thresholds pause nothing: the rest follows.
    let (status, going) = report(&app, &relaxed, &path(&relaxed_id), three_percent).await;
    assert_eq!(status, StatusCode::OK, "{going}");
    assert_eq!(going["schedule"]["paused"], false, "{going}");
    assert_eq!(
        going["schedule"]["batches"][1]["signals_breach"],
        Value::Null
    );
    let third = deliveries.next("contacts").await;
    assert_eq!(third["batch"], 3);
    let done = app
        .wait_for(&relaxed, &relaxed_id, "the import", |s| {
            s["status"] == "imported"
        })
        .await;
    assert_eq!(done["schedule"]["imported"], 400);
}

async fn a_bad_batch_reported_mid_run_pauses_an_import_that_does_not_wait(app: TestApp) {
    let (platform, mut deliveries) = listgate_testkit::webhook::start().await;
    let merchant = tenant_on_platform(&app, &platform, false).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (status, created) = app
        .submit(Some(&merchant), None, form(clean_list(400), b"x"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/decision"),
            Some(json!({ "decision": "approve" })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // An hour between batches: the platform reports batch 1 while batch 2 waits its turn.
    let hourly = json!({ "first_batch": 100, "growth": 2, "cap": 1000, "interval_seconds": 3_600, "daily_cap": null });
    app.confirm_plan(&session, &id, hourly).await;
    let first = deliveries.next("contacts").await;
    let running = app
        .wait_for(&merchant, &id, "batch 2 queued", |s| {
            s["schedule"]["batches"][1]["status"] == "queued"
        })
        .await;
    assert_eq!(
        running["schedule"]["awaiting_signals"],
        Value::Null,
        "not waiting"
    );
    assert_eq!(sizes(&running)[1], (200, "queued".to_owned()));

    let bad = json!({ "sent": 100, "delivered": 100, "opted_out": 5 });
    let (status, paused) = report(&app, &merchant, &first, bad).await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    let schedule = &paused["schedule"];
    assert_eq!(schedule["paused"], true, "{paused}");
    let reason = schedule["paused_reason"].as_str().expect("why");
    assert!(
        reason.contains("batch 1") && reason.contains("5 of 100 contacts opted out"),
        "{reason}"
    );
    assert_eq!(sizes(&paused)[1], (50, "queued".to_owned()), "halved");
    assert_eq!(paused["status"], "importing");
    // The merchant's platform is told.
    let told = deliveries.next("paused").await;
    assert!(
        told["message"].as_str().expect("message").contains(reason),
        "{told}"
    );

    // Paused: even due now, the queued batch waits for a reviewer.
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/schedule"),
            Some(json!({ "interval_seconds": 0 })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(listgate::services::import::POLL * 3).await;
    let (_, held) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(
        sizes(&held)[1],
        (50, "queued".to_owned()),
        "paused: nothing ran"
    );

    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/schedule"),
            Some(json!({ "paused": false })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let second = deliveries.next("contacts").await;
    assert_eq!(second["batch"], 2);
    assert_eq!(second["contacts"].as_array().expect("contacts").len(), 50);
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    assert_eq!(done["schedule"]["imported"], 400);
    assert_eq!(
        sizes(&done)[..2],
        [(100, "done".to_owned()), (50, "done".to_owned())]
    );
}
