//! The HTTP API against the real app on a random port with a real SQLite
//! database and a real data directory.

#[macro_use]
mod common;

use common::{
    CHANGES, Database, MESSY, Session, TestApp, clean_list, download, form, form_for, spawn_app,
    with_changes,
};
use listgate::db::tenants::add_tenant;
use listgate::domain::tenant::{ApiKey, TenantName};
use listgate_core::{CheckLimits, CheckOptions, JudgeOptions, Outputs, Profile, check_bytes};
use listgate_testkit::postgres::fresh_database;
use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::{Value, json};

on_every_database! {
    a_clean_list_is_stored_once_and_read_back(10 << 20, 0);
    a_tampered_list_is_refused_with_its_issues(10 << 20, 0);
    tenants_see_only_their_own_submissions(10 << 20, 0);
    requests_without_a_valid_key_are_refused(10 << 20, 0);
    partner_pages_submit_only_from_allowed_origins(10 << 20, 0);
    every_route_in_the_openapi_description_is_served(10 << 20, 0);
    an_oversized_submission_is_refused(64 * 1024, 0);
    a_reviewer_approves_or_rejects_and_the_merchant_sees_why(10 << 20, 0);
    reviewer_actions_need_a_session_and_its_csrf_token(10 << 20, 0);
    an_approved_list_is_imported_in_growing_batches_without_duplicates(10 << 20, 0);
    a_reviewer_pauses_resizes_and_resumes_an_import(10 << 20, 60);
    a_batch_cut_off_by_a_crash_is_imported_once_after_restart(10 << 20, 0);
    each_batch_reaches_the_webhook_signed_and_retried(10 << 20, 0);
    a_slow_webhook_is_cut_off_and_retried(10 << 20, 0);
    a_redirecting_webhook_is_not_followed(10 << 20, 0);
    a_given_up_webhook_delivery_is_sent_again_on_request(10 << 20, 0);
    mongoose_numbers_change_only_when_updates_are_allowed(10 << 20, 0);
    addresses_differing_only_in_case_update_one_contact(10 << 20, 0);
    staff_ids_are_checked_against_the_tenants_own_list(10 << 20, 0);
    a_mongoose_import_sets_and_clears_staff_assignments(10 << 20, 0);
    a_mobile_number_another_contact_has_is_not_taken(10 << 20, 0);
    hostile_evidence_and_injected_ids_change_nothing(10 << 20, 0);
    finished_submissions_lose_their_files_after_the_retention_period(10 << 20, 0);
    evidence_over_the_limits_is_refused_and_nothing_is_stored(10 << 20, 0);
    overload_answers_503_and_no_submission_is_lost(64 << 20, 0);
    the_form_cannot_raise_the_servers_limits(10 << 20, 0);
    the_tenants_business_name_is_checked_whatever_the_form_says(10 << 20, 0);
    a_full_disk_keeps_nothing_and_recovers(10 << 20, 0);
    a_change_list_goes_with_the_submission_for_the_reviewer(10 << 20, 0);
    a_malformed_change_list_is_refused_naming_its_line(10 << 20, 0);
    an_oversized_change_list_is_refused(80 << 20, 0);
    an_amendment_replaces_the_change_list_with_its_clean_file(10 << 20, 0);
    a_change_list_is_deleted_with_its_list(10 << 20, 0);
}

async fn a_clean_list_is_stored_once_and_read_back(app: TestApp) {
    let key = app.tenant("Acme").await;
    let (status, created) = app
        .submit(
            Some(&key),
            Some("upload-1"),
            form(common::clean(MESSY), b"png bytes"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "pending_review");
    assert_eq!(created["contacts"], 2);
    assert_eq!(created["evidence"][0]["name"], "optin.png");
    assert_eq!(created["evidence"][0]["opt_in_source"], "acme.example/join");
    assert_eq!(created["consent"], common::consent(), "stored as declared");

    let id = created["id"].as_str().expect("id");
    let (status, read) = app.get(&key, &format!("/submissions/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, created);

    // The same Idempotency-Key returns the first submission and stores nothing new.
    let (status, again) = app
        .submit(
            Some(&key),
            Some("upload-1"),
            form(common::clean(MESSY), b"png bytes"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["id"], created["id"]);
    assert_eq!(app.count("submissions").await, 1);
    assert_eq!(app.count("evidence").await, 1);

    // The same list with the same evidence and answers under a new key is
    // the same submission again: refused, naming the first.
    let (status, repeated) = app
        .submit(
            Some(&key),
            Some("upload-2"),
            form(common::clean(MESSY), b"png bytes"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{repeated}");
    let message = repeated["error"]["message"].as_str().expect("message");
    assert!(
        message.contains(id) && message.contains("pending_review"),
        "{message}"
    );
    // The first key with other content is refused too: nothing is silently dropped.
    let (status, other) = app
        .submit(
            Some(&key),
            Some("upload-1"),
            form(common::clean(MESSY), b"another screenshot"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{other}");
    assert!(
        other["error"]["message"]
            .as_str()
            .expect("message")
            .contains("new key")
    );

    // Files are content-addressed: new evidence with the same list adds the evidence only.
    let blobs = || files_in(&app.data.path().join("blobs")).len();
    let before = blobs();
    let (status, _) = app
        .submit(
            Some(&key),
            Some("upload-3"),
            form(common::clean(MESSY), b"another screenshot"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.count("submissions").await, 2);
    assert_eq!(blobs(), before + 1);
    assert_eq!(before, 2, "the clean file and the evidence");
}

async fn a_tampered_list_is_refused_with_its_issues(app: TestApp) {
    let key = app.tenant("Acme").await;
    let mut clean = String::from_utf8(common::clean(MESSY)).expect("utf-8");
    clean = clean.replacen("+447911123456", "+4479111234", 1);
    let (status, body) = app
        .submit(Some(&key), None, form(clean.into_bytes(), b"x"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["issues"][0]["code"], "phone.invalid");
    assert_eq!(body["error"]["issues"][0]["row"], 2);
    assert_eq!(app.count("submissions").await, 0);

    let (status, body) = app
        .submit(Some(&key), None, Form::new().text("settings", "{nope"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("settings")
    );
}

async fn tenants_see_only_their_own_submissions(app: TestApp) {
    let (a, b) = (app.tenant("A").await, app.tenant("B").await);
    let (_, created) = app
        .submit(Some(&a), None, form(common::clean(MESSY), b"x"))
        .await;
    let id = created["id"].as_str().expect("id");
    let (status, body) = app.get(&b, &format!("/submissions/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["message"], "not found");
    // B's idempotency keys are B's own.
    let (status, other) = app
        .submit(Some(&b), Some("same"), form(common::clean(MESSY), b"x"))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, mine) = app
        .submit(
            Some(&a),
            Some("same"),
            form(common::clean(MESSY), b"a's own"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(other["id"], mine["id"]);
}

async fn requests_without_a_valid_key_are_refused(app: TestApp) {
    for path in ["health", "ready"] {
        let response = app
            .http
            .get(format!("{}/{path}", app.url))
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::OK, "{path} needs no key");
    }
    let (status, body) = app
        .submit(None, None, form(common::clean(MESSY), b"x"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("Bearer")
    );
    let forged = ApiKey::generate();
    let (status, _) = app
        .submit(Some(&forged), None, form(common::clean(MESSY), b"x"))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.get(&forged, "/submissions/abc").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("submissions").await, 0);
}

async fn partner_pages_submit_only_from_allowed_origins(app: TestApp) {
    let acme = app.tenant_on("Acme", "https://portal.example").await;
    let other = app.tenant_on("Other", "https://other.example").await;
    let submissions = format!("{}/submissions", app.url);
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, &submissions)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization,idempotency-key",
            )
            .send()
    };
    let allowed = preflight("https://portal.example").await.expect("send");
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://portal.example"
    );
    let refused = preflight("https://evil.example").await.expect("send");
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no CORS grant for an origin no tenant allows"
    );

    let public = acme.publishable_key.as_str();
    // Each accepted submission carries its own evidence: the same one twice is refused.
    let post = |evidence: &'static [u8]| {
        app.http
            .post(&submissions)
            .multipart(form(common::clean(MESSY), evidence))
    };
    // The partner page on its allowed origin submits with the publishable key.
    let (status, cors, created) = app
        .send_as_page(post(b"page"), public, Some("https://portal.example"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(cors.as_deref(), Some("https://portal.example"));
    let id = created["id"].as_str().expect("id");
    let (_, mine) = app.get(&acme.key, &format!("/submissions/{id}")).await;
    assert_eq!(mine["status"], "pending_review", "stored for its tenant");

    // Everything else is refused, and nothing is stored.
    let refusals = [
        (public, Some("https://evil.example"), "https://evil.example"),
        (
            public,
            Some("https://other.example"),
            "https://other.example",
        ),
        (public, None, "publishable key works only from a web page"),
        (
            acme.key.expose(),
            Some("https://evil.example"),
            "https://evil.example",
        ),
    ];
    for (key, origin, message) in refusals {
        let (status, _, body) = app.send_as_page(post(b"refused"), key, origin).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?}: {body}");
        let text = body["error"]["message"].as_str().expect("message");
        assert!(text.contains(message), "{text}");
    }
    assert_eq!(app.count("submissions").await, 1);
    // The publishable key creates submissions and does nothing else.
    for path in [format!("/submissions/{id}"), "/contacts".to_owned()] {
        let (status, _, body) = app
            .send_as_page(
                app.http.get(format!("{}{path}", app.url)),
                public,
                Some("https://portal.example"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
    }
    // The app on the server's own page, and servers (no Origin), use the secret key.
    let own = app.url.trim_end_matches("/api/v1").to_owned();
    let (status, _, body) = app
        .send_as_page(post(b"own page"), acme.key.expose(), Some(&own))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _, body) = app
        .send_as_page(post(b"server"), other.key.expose(), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn every_route_in_the_openapi_description_is_served(app: TestApp) {
    let spec = app.openapi().await;
    assert!(spec["openapi"].as_str().expect("version").starts_with("3."));
    let schemes = spec["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            operations += 1;
            let what = format!("{method} {path}");
            assert!(op["summary"].is_string(), "{what} says what it does");
            assert!(!op["responses"].as_object().expect("responses").is_empty());
            for requirement in op["security"].as_array().into_iter().flatten() {
                for scheme in requirement.as_object().expect("requirement").keys() {
                    assert!(schemes.contains_key(scheme), "{what}: {scheme} is declared");
                }
            }
            // The route exists: an unknown route answers the API's "no such
            // path" 404, a known one answers JSON or its own refusal (no
            // key, no body, nothing with that id).
            let url = format!(
                "{}{}",
                app.url,
                path.replace("{id}", "x").replace("{position}", "0")
            );
            let method: reqwest::Method = method.to_uppercase().parse().expect("method");
            let response = app.http.request(method, &url).send().await.expect("send");
            let status = response.status();
            let body = response.text().await.expect("body");
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{what} is routed");
            if status == StatusCode::NOT_FOUND {
                let error: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
                let message = error["error"]["message"].as_str();
                assert!(
                    message.is_some_and(|m| !m.starts_with("no API route")),
                    "{what} is routed: {body:?}"
                );
            }
        }
    }
    assert!(operations >= 13, "{operations} operations documented");
    let page = app
        .http
        .get(format!("{}/docs", app.url))
        .send()
        .await
        .expect("send");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("html").contains("openapi.json"));
}

async fn an_oversized_submission_is_refused(app: TestApp) {
    let key = app.tenant("Acme").await;
    let (status, body) = app
        .submit(
            Some(&key),
            None,
            form(common::clean(MESSY), &vec![7u8; 200 * 1024]),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(app.count("submissions").await, 0);
}

const PASSWORD: &str = "correct horse battery staple";

async fn a_reviewer_approves_or_rejects_and_the_merchant_sees_why(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (_, first) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), b"x"))
        .await;
    let (_, second) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), b"y"))
        .await;
    let (first, second) = (
        first["id"].as_str().expect("id"),
        second["id"].as_str().expect("id"),
    );

    let (status, queue) = app.review(&session, "/submissions", None, false).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queue.as_array().expect("queue").len(), 2);
    assert_eq!(queue[0]["tenant"], "Acme");
    assert_eq!(queue[0]["status"], "pending_review");
    let (status, detail) = app
        .review(&session, &format!("/submissions/{first}"), None, false)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["evidence"][0]["name"], "optin.png");

    let approve = json!({ "decision": "approve", "note": "thanks" });
    let (status, approved) = app
        .review(
            &session,
            &format!("/submissions/{first}/decision"),
            Some(approve.clone()),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{first}/decision"),
            Some(approve),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "decided once");

    let reject = json!({ "decision": "reject", "reasons": ["insufficient_proof", "mixed_channel_consent"], "note": "add the form" });
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{second}/decision"),
            Some(reject),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, seen) = app.get(&merchant, &format!("/submissions/{second}")).await;
    assert_eq!(seen["status"], "rejected");
    assert_eq!(seen["decisions"][0]["verdict"], "rejected");
    assert_eq!(
        seen["decisions"][0]["reasons"][0]["reason"],
        "insufficient_proof"
    );
    assert!(
        seen["decisions"][0]["reasons"][0]["missing"]
            .as_str()
            .expect("text")
            .contains("proof of opt-in")
    );
    assert_eq!(seen["decisions"][0]["note"], "add the form");

    let empty = json!({ "decision": "reject", "reasons": [] });
    let (_, third) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), b"z"))
        .await;
    let third = third["id"].as_str().expect("id");
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{third}/decision"),
            Some(empty),
            true,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a rejection names a reason"
    );
}

async fn reviewer_actions_need_a_session_and_its_csrf_token(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (_, created) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), b"x"))
        .await;
    let id = created["id"].as_str().expect("id");
    let approve = json!({ "decision": "approve" });

    // Without the CSRF token the cookie alone changes nothing.
    let (status, body) = app
        .review(
            &session,
            &format!("/submissions/{id}/decision"),
            Some(approve.clone()),
            false,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("X-CSRF-Token")
    );
    // A merchant's key is not a reviewer session: 401, as without any session.
    let (status, _) = app.get(&merchant, "/review/submissions").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A wrong password gets no session.
    assert_eq!(
        app.sign_in("ana@listgate.example", "not the password at all")
            .await
            .err(),
        Some(StatusCode::FORBIDDEN)
    );
    let (_, still) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(still["status"], "pending_review");
}

fn batch_sizes(submission: &Value) -> Vec<(i64, String)> {
    submission["schedule"]["batches"]
        .as_array()
        .expect("batches")
        .iter()
        .map(|b| {
            (
                b["contacts"].as_i64().expect("n"),
                b["status"].as_str().expect("s").to_owned(),
            )
        })
        .collect()
}

async fn an_approved_list_is_imported_in_growing_batches_without_duplicates(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let first = app.approved(&merchant, &session, clean_list(250)).await;
    let seen = app
        .wait_for(&merchant, &first, "the import", |s| {
            s["status"] == "imported"
        })
        .await;
    assert_eq!(
        batch_sizes(&seen),
        [(100, "done".into()), (150, "done".into())]
    );
    assert!(seen["schedule"]["completed_at"].is_string());
    let contacts = app.all_contacts(&merchant).await;
    assert_eq!(contacts.as_array().expect("contacts").len(), 250);
    assert_eq!(contacts[0]["key"], "+447911100000");

    // The same contacts again: updated in place, never duplicated.
    let second = app.approved(&merchant, &session, clean_list(260)).await;
    app.wait_for(&merchant, &second, "the second import", |s| {
        s["status"] == "imported"
    })
    .await;
    let contacts = app.all_contacts(&merchant).await;
    let contacts = contacts.as_array().expect("contacts");
    assert_eq!(contacts.len(), 260);
    assert!(
        contacts
            .iter()
            .all(|c| c["submission_id"] == second.as_str())
    );
    // Another tenant's store is separate and empty.
    let other = app.tenant("Other").await;
    let theirs = app.all_contacts(&other).await;
    assert_eq!(theirs, json!([]));
    assert_eq!(
        app.failures_csv(&merchant, &first).await,
        "row,reason\r\n",
        "no row failed"
    );
}

async fn a_reviewer_pauses_resizes_and_resumes_an_import(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app.approved(&merchant, &session, clean_list(250)).await;
    // The first batch runs at once; the next waits a minute.
    let seen = app
        .wait_for(&merchant, &id, "the first batch", |s| {
            s["schedule"]["batches"][0]["status"] == "done"
        })
        .await;
    assert_eq!(
        batch_sizes(&seen)[1],
        (150, "queued".into()),
        "doubled, capped by what is left"
    );
    let path = format!("/submissions/{id}/schedule");
    let change = |body: Value| app.review(&session, &path, Some(body), true);
    let (status, paused) =
        change(json!({ "paused": true, "interval_seconds": 0, "next_batch_size": 10 })).await;
    assert_eq!(status, StatusCode::OK, "{paused}");
    assert_eq!(paused["schedule"]["paused"], true);
    assert_eq!(batch_sizes(&paused)[1], (10, "queued".into()));
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let (_, still) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(
        batch_sizes(&still)[1],
        (10, "queued".into()),
        "paused: nothing ran"
    );
    let (status, _) = change(json!({ "paused": false })).await;
    assert_eq!(status, StatusCode::OK);
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    let sizes: Vec<i64> = batch_sizes(&done).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        sizes,
        [100, 10, 20, 40, 80],
        "doubling from the resized batch, ending at the list's end"
    );
    let (status, _) = change(json!({ "next_batch_size": 0 })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn a_batch_cut_off_by_a_crash_is_imported_once_after_restart(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // The worker is down; a batch is claimed and its server dies before it commits.
    app.stop_worker.send(true).expect("stop the worker");
    tokio::time::sleep(listgate::services::import::POLL * 2).await;
    let id = app.approved(&merchant, &session, clean_list(250)).await;
    let long_ago = chrono::Utc::now().timestamp_millis() - 10 * 60 * 1000;
    sqlx::query(
        "UPDATE batches SET status = 'running', claimed_at_ms = $1 WHERE submission_id = $2",
    )
    .bind(long_ago)
    .bind(&id)
    .execute(&app.db)
    .await
    .expect("simulate the crash");
    let (_, stuck) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(batch_sizes(&stuck), [(100, "running".into())]);

    // A server starts again: the batch is imported, once.
    let (_restarted, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(listgate::services::import::run_worker(
        app.state.backend.clone(),
        stopped,
    ));
    let done = app
        .wait_for(&merchant, &id, "the import after the restart", |s| {
            s["status"] == "imported"
        })
        .await;
    assert_eq!(
        batch_sizes(&done),
        [(100, "done".into()), (150, "done".into())]
    );
    let contacts = app.all_contacts(&merchant).await;
    assert_eq!(contacts.as_array().expect("contacts").len(), 250);
}

/// What a webhook receiver got: (idempotency key, signature, body).
type Received = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Vec<u8>)>>>;

/// How the webhook receiver answers its first delivery (later ones: 200).
#[derive(Debug, Clone)]
enum FirstAnswer {
    /// 500 at once.
    Fails,
    /// 200 only after this long (past the sender's timeout).
    Hangs(std::time::Duration),
    /// 307 to this URL.
    Redirects(String),
}

async fn webhook_receiver(first: FirstAnswer) -> (String, Received) {
    let received: Received = Default::default();
    let log = received.clone();
    use axum::response::IntoResponse as _;
    let handler = move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let (log, first) = (log.clone(), first.clone());
        async move {
            // Review and import events come on the same webhook; these tests follow batches.
            if headers
                .get("x-listgate-event")
                .is_some_and(|e| e != "contacts")
            {
                return axum::http::StatusCode::OK.into_response();
            }
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let count = {
                let mut log = log.lock().expect("log");
                log.push((
                    header("idempotency-key"),
                    header("x-listgate-signature"),
                    body.to_vec(),
                ));
                log.len()
            };
            match first {
                FirstAnswer::Fails if count == 1 => {
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
                FirstAnswer::Hangs(delay) if count == 1 => {
                    tokio::time::sleep(delay).await;
                    axum::http::StatusCode::OK.into_response()
                }
                FirstAnswer::Redirects(to) if count == 1 => {
                    axum::response::Redirect::temporary(&to).into_response()
                }
                _ => axum::http::StatusCode::OK.into_response(),
            }
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    let router = axum::Router::new().route("/hook", axum::routing::post(handler));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, received)
}

async fn a_given_up_webhook_delivery_is_sent_again_on_request(app: TestApp) {
    let (url, received) = webhook_receiver(FirstAnswer::Fails).await;
    let tenant = add_tenant(
        &app.db,
        &TenantName::parse("Hooked").expect("name"),
        &[],
        Some(&listgate::domain::tenant::WebhookUrl::parse(&url).expect("url")),
    )
    .await
    .expect("tenant");
    // A URL stored before today's rules: credentials in it. Each attempt
    // judges it again and gives up at once, sending nothing.
    let stale = url.replace("http://", "http://user@");
    sqlx::query("UPDATE tenants SET webhook_url = $1")
        .bind(&stale)
        .execute(&app.db)
        .await
        .expect("stale url");
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app.approved(&tenant.key, &session, clean_list(10)).await;
    /// Batch 1's webhook delivery as the reviewer sees it.
    async fn delivery(app: &TestApp, session: &Session, id: &str) -> Value {
        let (_, view) = app
            .review(session, &format!("/submissions/{id}"), None, false)
            .await;
        view["schedule"]["batches"][0]["webhook"].clone()
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let failed = loop {
        let webhook = delivery(&app, &session, &id).await;
        if webhook["status"] == "failed" || std::time::Instant::now() > deadline {
            break webhook;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["attempts"], 1, "{failed}");
    assert!(
        failed["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("carries a user name or password")),
        "{failed}"
    );
    let retry = "/submissions/".to_owned() + &id + "/webhooks/1/retry";
    let (status, _) = app.review(&session, &retry, Some(json!({})), false).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a change needs the CSRF token"
    );
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/webhooks/7/retry"),
            Some(json!({})),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "no such failed delivery");

    // Fixed by the operator: the delivery is sent again from a first attempt.
    sqlx::query("UPDATE webhook_deliveries SET url = $1")
        .bind(&url)
        .execute(&app.db)
        .await
        .expect("fixed url");
    let (status, view) = app.review(&session, &retry, Some(json!({})), true).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let sent = loop {
        let webhook = delivery(&app, &session, &id).await;
        if webhook["status"] == "delivered" || std::time::Instant::now() > deadline {
            break webhook;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    // The receiver fails its first request, then takes the retry after it.
    assert_eq!(sent["status"], "delivered", "{sent}");
    assert_eq!(sent["attempts"], 2, "{sent}");
    assert_eq!(received.lock().expect("log").len(), 2);
    let (status, _) = app.review(&session, &retry, Some(json!({})), true).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a delivered batch is not sent again"
    );
}

async fn a_redirecting_webhook_is_not_followed(app: TestApp) {
    let (elsewhere, reached) = webhook_receiver(FirstAnswer::Fails).await;
    webhooks_retried(
        app,
        FirstAnswer::Redirects(elsewhere),
        "the receiver answered 307 Temporary Redirect",
    )
    .await;
    assert!(
        reached.lock().expect("log").is_empty(),
        "the batch never went where the receiver pointed"
    );
}

async fn each_batch_reaches_the_webhook_signed_and_retried(app: TestApp) {
    webhooks_retried(
        app,
        FirstAnswer::Fails,
        "the receiver answered 500 Internal Server Error",
    )
    .await;
}

async fn a_slow_webhook_is_cut_off_and_retried(app: TestApp) {
    webhooks_retried(
        app,
        FirstAnswer::Hangs(std::time::Duration::from_secs(12)),
        "the receiver did not answer within 10 s",
    )
    .await;
}

/// The first delivery fails as `first` says, then is sent again: both
/// batches arrive signed, the import never waits, the monitor says why.
async fn webhooks_retried(app: TestApp, first: FirstAnswer, first_error: &str) {
    let (url, received) = webhook_receiver(first).await;
    let tenant = add_tenant(
        &app.db,
        &TenantName::parse("Hooked").expect("name"),
        &[],
        Some(&listgate::domain::tenant::WebhookUrl::parse(&url).expect("url")),
    )
    .await
    .expect("tenant");
    let secret = tenant.webhook_secret.clone().expect("a secret");
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app.approved(&tenant.key, &session, clean_list(250)).await;
    app.wait_for(&tenant.key, &id, "the import", |s| {
        s["status"] == "imported"
    })
    .await;

    // Batch 1 failed once and was sent again after a backoff of 2 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let log = loop {
        let log = received.lock().expect("log").clone();
        if log.len() >= 3 || std::time::Instant::now() > deadline {
            break log;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let keys: Vec<&str> = log.iter().map(|(k, _, _)| k.as_str()).collect();
    let mut distinct = keys.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let outbox: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT batch, status, attempts, last_error FROM webhook_deliveries ORDER BY batch",
    )
    .fetch_all(&app.db)
    .await
    .expect("outbox");
    assert_eq!(
        log.len(),
        3,
        "two batches, one sent twice: {keys:?}; outbox {outbox:?}"
    );
    assert_eq!(distinct, [format!("{id}-1"), format!("{id}-2")]);
    let mut contacts = std::collections::BTreeMap::new();
    for (key, signature, body) in &log {
        assert_eq!(
            signature,
            &listgate::support::signature(&secret, body),
            "{key} is signed"
        );
        let payload: Value = serde_json::from_slice(body).expect("json");
        assert_eq!(payload["submission_id"], id.as_str());
        contacts.insert(
            key.clone(),
            payload["contacts"].as_array().expect("contacts").len(),
        );
    }
    // A retry resends the same batch: every contact arrives under one key or another.
    assert_eq!(contacts.values().sum::<usize>(), 250);
    // The reviewer's batch monitor shows each delivery and why one took a retry.
    let (status, seen) = app
        .review(&session, &format!("/submissions/{id}"), None, false)
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    let deliveries: Vec<(String, i64, Option<String>)> = seen["schedule"]["batches"]
        .as_array()
        .expect("batches")
        .iter()
        .map(|b| {
            let d = &b["webhook"];
            (
                d["status"].as_str().expect("status").to_owned(),
                d["attempts"].as_i64().expect("attempts"),
                d["last_error"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        deliveries,
        [
            ("delivered".to_owned(), 2, Some(first_error.to_owned())),
            ("delivered".to_owned(), 1, None),
        ]
    );
}

const MONGOOSE: &[u8] = include_bytes!("../../tests/fixtures/mongoose_export.csv");

/// How the merchant's browser checks the Mongoose fixture.
fn mongoose_options(allow_mobile_number_updates: bool) -> CheckOptions {
    CheckOptions {
        judging: JudgeOptions {
            infer_mobile_number: true,
            allow_mobile_number_updates,
            now: Some(chrono::Utc::now()),
            ..JudgeOptions::default()
        },
        ..CheckOptions::default()
    }
}

/// A clean file as cells, edited the way a merchant's next export differs.
struct CleanFile(Vec<Vec<String>>);

impl CleanFile {
    /// The Mongoose fixture as the merchant's browser cleans it.
    fn mongoose(options: &CheckOptions) -> CleanFile {
        let mut outputs = Outputs::default();
        check_bytes(
            MONGOOSE,
            Profile::builtin("mongoose").expect("profile"),
            options.clone(),
            &mut outputs,
        )
        .expect("check");
        let text = String::from_utf8(outputs.clean).expect("utf-8");
        // The fixture's cells hold no commas or quotes: a split is the parse.
        CleanFile(
            text.lines()
                .map(|line| line.split(',').map(str::to_owned).collect())
                .collect(),
        )
    }

    fn column(&self, name: &str) -> usize {
        self.0[0]
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap_or_else(|| panic!("a {name} column"))
    }

    /// Sets `column` of the row whose cells include `id`.
    fn set(mut self, id: &str, column: &str, value: &str) -> CleanFile {
        let at = self.column(column);
        for row in self.0.iter_mut().filter(|r| r.iter().any(|c| c == id)) {
            row[at] = value.to_owned();
        }
        self
    }

    /// Sets both of the row's numbers, as a contact's new number reads.
    fn set_number(self, id: &str, number: &str) -> CleanFile {
        self.set(id, "MobileNumber", number)
            .set(id, "WhatsAppMobileNumber", number)
    }

    /// Leaves out the row whose cells include `id`.
    fn without_row(mut self, id: &str) -> CleanFile {
        self.0.retain(|r| !r.iter().any(|c| c == id));
        self
    }

    /// Leaves out `column`.
    fn without_column(mut self, column: &str) -> CleanFile {
        let at = self.column(column);
        for row in &mut self.0 {
            row.remove(at);
        }
        self
    }

    fn bytes(&self) -> Vec<u8> {
        self.0
            .iter()
            .map(|row| row.join(",") + "\r\n")
            .collect::<String>()
            .into_bytes()
    }
}

impl TestApp {
    /// Submits a Mongoose list checked with `options`, approves it, waits
    /// until it is imported and returns the submission as the merchant sees it.
    async fn imported_mongoose(
        &self,
        merchant: &ApiKey,
        session: &Session,
        options: &CheckOptions,
        clean: &CleanFile,
    ) -> Value {
        // Each import its own evidence: the same submission twice is refused.
        let evidence = listgate::support::new_id();
        let form = form_for("mongoose", options, clean.bytes(), evidence.as_bytes());
        let id = self.approved_form(merchant, session, form).await;
        self.wait_for(merchant, &id, "the import", |s| s["status"] == "imported")
            .await
    }

    /// The stored data of the merchant's contact `key`.
    async fn contact(&self, merchant: &ApiKey, key: &str) -> Value {
        let contacts = self.all_contacts(merchant).await;
        contacts
            .as_array()
            .expect("contacts")
            .iter()
            .find(|c| c["key"] == key)
            .map(|c| c["data"].clone())
            .unwrap_or_else(|| panic!("no contact {key}"))
    }
}

async fn mongoose_numbers_change_only_when_updates_are_allowed(app: TestApp) {
    let merchant = app.tenant("College").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (kept, allowed) = (mongoose_options(false), mongoose_options(true));
    app.imported_mongoose(&merchant, &session, &kept, &CleanFile::mongoose(&kept))
        .await;
    let contacts = app.all_contacts(&merchant).await;
    let keys: Vec<&str> = contacts
        .as_array()
        .expect("contacts")
        .iter()
        .filter_map(|c| c["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "C-1001",
            "C-1002",
            "C-1003",
            "C-1008",
            "C-1011",
            "StudentId:S-504"
        ],
        "ContactId, else StudentId"
    );
    let mobile = |contact: Value| contact["MobileNumber"].clone();

    // A changed number without permission fails that row and pauses the import (1 of 4 > 5 %).
    let changed = |options| CleanFile::mongoose(options).set_number("C-1001", "+1 201-555-0199");
    let refused = app
        .imported_mongoose(&merchant, &session, &kept, &changed(&kept))
        .await;
    assert_eq!(refused["schedule"]["batches"][0]["failed"], 1);
    assert_eq!(refused["schedule"]["paused"], true);
    let csv = app
        .failures_csv(&merchant, refused["id"].as_str().expect("id"))
        .await;
    assert!(
        csv.starts_with(
            "row,reason\r\n2,\"MobileNumber would change from +1 201-555-0123 to +1 201-555-0199"
        ),
        "{csv}"
    );
    let maria = app.contact(&merchant, "C-1001").await;
    assert_eq!(mobile(maria), "+1 201-555-0123");

    // With "allow mobile number updates" the number changes.
    app.imported_mongoose(&merchant, &session, &allowed, &changed(&allowed))
        .await;
    let maria = app.contact(&merchant, "C-1001").await;
    assert_eq!(mobile(maria), "+1 201-555-0199");
    let contacts = app.all_contacts(&merchant).await;
    assert_eq!(
        contacts.as_array().expect("contacts").len(),
        6,
        "never a duplicate"
    );
}

async fn addresses_differing_only_in_case_update_one_contact(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let options = CheckOptions {
        judging: JudgeOptions {
            now: Some(chrono::Utc::now()),
            ..JudgeOptions::default()
        },
        ..CheckOptions::default()
    };
    // Written by hand, not by core (which writes the lowercase key): the
    // server keys the contact itself, whatever the client wrote.
    for (email, name) in [("Ann@Example.com", "Ann"), ("ann@example.COM", "Annie")] {
        let clean = format!("\u{feff}email,first_name\r\n{email},{name}\r\n").into_bytes();
        let id = app
            .approved_form(
                &merchant,
                &session,
                form_for("email-gdpr", &options, clean, b"x"),
            )
            .await;
        app.wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
            .await;
    }
    let contacts = app.all_contacts(&merchant).await;
    let contacts = contacts.as_array().expect("contacts");
    assert_eq!(contacts.len(), 1, "one contact: {contacts:?}");
    assert_eq!(contacts[0]["key"], "ann@example.com");
    assert_eq!(
        contacts[0]["data"]["first_name"], "Annie",
        "updated in place"
    );
}

async fn a_mobile_number_another_contact_has_is_not_taken(app: TestApp) {
    let merchant = app.tenant("College").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let allowed = mongoose_options(true);
    app.imported_mongoose(
        &merchant,
        &session,
        &allowed,
        &CleanFile::mongoose(&allowed),
    )
    .await;
    let (maria, priya) = (
        app.contact(&merchant, "C-1001").await,
        app.contact(&merchant, "C-1003").await,
    );
    // Contacts stored before the store indexed phones are found all the same.
    sqlx::query("UPDATE contacts SET phone = NULL")
        .execute(&app.db)
        .await
        .expect("unindex");
    listgate::db::contacts::index_phones(&app.db)
        .await
        .expect("index");

    // Maria's export gives her Priya's number (Priya's row left out, as
    // the check refuses a number twice in one list): Maria's row fails.
    let taken = CleanFile::mongoose(&allowed)
        .without_row("C-1003")
        .set_number("C-1001", "+1 201-555-0124");
    let seen = app
        .imported_mongoose(&merchant, &session, &allowed, &taken)
        .await;
    let batch = &seen["schedule"]["batches"][0];
    assert_eq!(
        [&batch["contacts"], &batch["imported"], &batch["failed"]],
        [5, 4, 1],
        "every contact of the batch imported or failed"
    );
    let csv = app
        .failures_csv(&merchant, seen["id"].as_str().expect("id"))
        .await;
    assert_eq!(
        csv,
        "row,reason\r\n2,MobileNumber +1 201-555-0124 belongs to another contact (C-1003); \
         a number moves to an existing contact only while no other contact has it\r\n"
    );
    assert_eq!(app.contact(&merchant, "C-1001").await, maria);
    assert_eq!(app.contact(&merchant, "C-1003").await, priya);
}

async fn staff_ids_are_checked_against_the_tenants_own_list(app: TestApp) {
    let tenant = app.tenant_on("College", "https://portal.example").await;
    let staff: Vec<_> = ["ST-7", "ST-9"]
        .iter()
        .map(|id| listgate::domain::tenant::StaffId::parse(id).expect("staff id"))
        .collect();
    assert!(
        listgate::db::tenants::set_staff_ids(&app.db, &tenant.id, &staff)
            .await
            .expect("set")
    );
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // The merchant checked without a staff list; the server holds the tenant's.
    let options = mongoose_options(false);
    let with_unknown = CleanFile::mongoose(&options);
    let (status, refused) = app
        .submit(
            Some(&tenant.key),
            None,
            form_for("mongoose", &options, with_unknown.bytes(), b"x"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let issues = refused["error"]["issues"].as_array().expect("issues");
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0]["code"], "staff.unknown");
    assert!(
        issues[0]["message"]
            .as_str()
            .expect("message")
            .contains("ST-2")
    );

    // Without the unknown StaffId the list goes in.
    let known = with_unknown.set("S-504", "StaffId", "");
    app.imported_mongoose(&tenant.key, &session, &options, &known)
        .await;
    assert_eq!(app.contact(&tenant.key, "C-1001").await["StaffId"], "ST-7");
}

async fn a_mongoose_import_sets_and_clears_staff_assignments(app: TestApp) {
    let merchant = app.tenant("College").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let options = mongoose_options(false);
    let import = |clean: CleanFile| {
        let (app, merchant, session, options) = (&app, &merchant, &session, &options);
        async move {
            app.imported_mongoose(merchant, session, options, &clean)
                .await;
        }
    };
    let staff = |contact: Value| contact.get("StaffId").cloned();

    import(CleanFile::mongoose(&options)).await;
    assert_eq!(
        staff(app.contact(&merchant, "C-1001").await),
        Some(json!("ST-7"))
    );

    // A blank StaffId clears the assignment, as Mongoose does.
    import(CleanFile::mongoose(&options).set("C-1001", "StaffId", "")).await;
    assert_eq!(
        staff(app.contact(&merchant, "C-1001").await),
        Some(json!(""))
    );

    // A StaffId sets it again, on an existing contact too.
    import(CleanFile::mongoose(&options).set("C-1001", "StaffId", "ST-9")).await;
    assert_eq!(
        staff(app.contact(&merchant, "C-1001").await),
        Some(json!("ST-9"))
    );

    // A file without the StaffId column clears every contact's assignment.
    import(CleanFile::mongoose(&options).without_column("StaffId")).await;
    for key in ["C-1001", "C-1002", "C-1003", "StudentId:S-504"] {
        assert_eq!(staff(app.contact(&merchant, key).await), None, "{key}");
    }
}

async fn hostile_evidence_and_injected_ids_change_nothing(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // A page posing as a PNG, named to climb out of the store.
    let page = b"<html><script>alert(document.cookie)</script></html>";
    let settings = json!({ "profile": "whatsapp", "options": common::options() });
    let consent = common::consent();
    let hostile = |name: &str| {
        Form::new()
            .text("settings", settings.to_string())
            .text("consent", consent.to_string())
            .part(
                "clean",
                reqwest::multipart::Part::bytes(common::clean(MESSY)).file_name("clean.csv"),
            )
            .text("evidence_source", "acme.example/join")
            .part(
                "evidence",
                reqwest::multipart::Part::bytes(page.to_vec())
                    .file_name(name.to_owned())
                    .mime_str("text/html")
                    .expect("mime"),
            )
    };
    // A name that smuggles a header line is a malformed form: a plain 400.
    let (status, refused) = app
        .submit(Some(&merchant), None, hostile("x\r\nSet-Cookie: a=b.html"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let hostile = hostile("../../../etc/cron.d/x.html");
    let (status, created) = app.submit(Some(&merchant), None, hostile).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id");

    let response = app
        .http
        .get(format!("{}/review/submissions/{id}/evidence/0", app.url))
        .header("cookie", &session.cookie)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    // Not served as the page it claims to be, never rendered, never run.
    assert_eq!(header("content-type"), "application/octet-stream");
    let disposition = header("content-disposition");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        !disposition.contains('/') && !disposition.contains('\r') && !disposition.contains('\n'),
        "{disposition}"
    );
    assert!(header("content-security-policy").contains("sandbox"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(response.headers().get("set-cookie").is_none());
    assert_eq!(response.bytes().await.expect("body").as_ref(), page);
    // Stored by content hash inside the data directory, nowhere else.
    let escaped = app.data.path().join("../../../etc/cron.d");
    assert!(!escaped.join("x.html").exists());

    // Ids that try to end the SQL string find nothing and break nothing.
    let submissions = app.count("submissions").await;
    for injected in ["' OR '1'='1", "x'; DROP TABLE submissions; --", "1 OR 1=1"] {
        let path = format!("/submissions/{}", urlencode(injected));
        let (status, _) = app.get(&merchant, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{injected}");
        let (status, _) = app.review(&session, &path, None, false).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{injected}");
    }
    assert_eq!(app.count("submissions").await, submissions);
}

/// Percent-encodes everything but letters and digits.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn finished_submissions_lose_their_files_after_the_retention_period(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // Both send the same list; each its own evidence.
    let mut ids = Vec::new();
    for evidence in [b"first opt-in form".as_slice(), b"second opt-in form"] {
        let (_, created) = app
            .submit(Some(&merchant), None, form(common::clean(MESSY), evidence))
            .await;
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    let reject = json!({ "decision": "reject", "reasons": ["insufficient_proof"] });
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{}/decision", ids[0]),
            Some(reject.clone()),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let store = &app.state.backend.store;
    let shas = |id: &str| {
        let db = app.db.clone();
        let id = id.to_owned();
        async move {
            let clean: String =
                sqlx::query_scalar("SELECT clean_sha256 FROM submissions WHERE id = $1")
                    .bind(&id)
                    .fetch_one(&db)
                    .await
                    .expect("clean");
            let evidence: String =
                sqlx::query_scalar("SELECT sha256 FROM evidence WHERE submission_id = $1")
                    .bind(&id)
                    .fetch_one(&db)
                    .await
                    .expect("evidence");
            (clean, evidence)
        }
    };
    let (clean, first_evidence) = shas(&ids[0]).await;
    let (_, second_evidence) = shas(&ids[1]).await;
    let retention = listgate::services::Retention::default();
    let purge = |days_later: i64| {
        listgate::services::retention::purge_expired(
            &app.db,
            store,
            retention,
            chrono::Utc::now() + chrono::Duration::days(days_later),
        )
    };
    let purged = |lists, evidence| listgate::services::retention::Purged { lists, evidence };
    let evidence_of = |id: &str| {
        let url = format!("{}/review/submissions/{id}/evidence/0", app.url);
        let request = app.http.get(url).header("cookie", &session.cookie);
        async move { request.send().await.expect("send").status() }
    };

    // Within the period nothing goes.
    assert_eq!(purge(89).await.expect("purge"), purged(0, 0));
    // After it the rejected one's list goes; the pending one stays whole,
    // and so does the list they share. Evidence stays far longer.
    assert_eq!(purge(91).await.expect("purge"), purged(1, 0));
    assert!(store.get(&clean).await.is_ok(), "shared list kept");
    assert!(
        store.get(&first_evidence).await.is_ok(),
        "evidence kept with the list gone"
    );
    let (_, seen) = app
        .get(&merchant, &format!("/submissions/{}", ids[0]))
        .await;
    assert!(seen["purged_at"].is_string(), "{seen}");
    assert!(seen["evidence_purged_at"].is_null(), "{seen}");
    assert_eq!(seen["status"], "rejected", "the decision stays");
    assert_eq!(seen["report"]["issues"], json!([]), "no row data left");
    assert_eq!(
        seen["consent"],
        common::consent(),
        "the answers stay with the evidence"
    );
    assert_eq!(evidence_of(&ids[0]).await, StatusCode::OK);

    // Once the second is finished and old, the shared list goes too; a
    // second sweep finds nothing more.
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{}/decision", ids[1]),
            Some(reject),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(purge(91).await.expect("purge"), purged(1, 0));
    assert!(store.get(&clean).await.is_err(), "list deleted");
    assert_eq!(purge(91).await.expect("purge"), purged(0, 0));

    // After the evidence period the proof goes too: files and answers.
    assert_eq!(purge(1_096).await.expect("purge"), purged(0, 2));
    assert!(
        store.get(&first_evidence).await.is_err(),
        "evidence deleted"
    );
    assert!(store.get(&second_evidence).await.is_err());
    let (_, seen) = app
        .get(&merchant, &format!("/submissions/{}", ids[0]))
        .await;
    assert!(seen["evidence_purged_at"].is_string(), "{seen}");
    assert_eq!(seen["consent"], Value::Null);
    assert_eq!(
        seen["decisions"][0]["verdict"], "rejected",
        "the decision stays"
    );
    assert_eq!(evidence_of(&ids[0]).await, StatusCode::GONE);
}

async fn evidence_over_the_limits_is_refused_and_nothing_is_stored(app: TestApp) {
    // This app takes 3 evidence files of up to 1 MiB each.
    let merchant = app.tenant("Acme").await;
    let with_evidence = |files: &[(&str, usize)]| {
        let settings = json!({ "profile": "whatsapp", "options": common::options() });
        let consent = common::consent();
        let mut form = Form::new()
            .text("settings", settings.to_string())
            .text("consent", consent.to_string())
            .part(
                "clean",
                reqwest::multipart::Part::bytes(common::clean(MESSY)).file_name("clean.csv"),
            );
        for (name, size) in files {
            form = form.text("evidence_source", "acme.example/join").part(
                "evidence",
                reqwest::multipart::Part::bytes(vec![b'x'; *size])
                    .file_name((*name).to_owned())
                    .mime_str("image/png")
                    .expect("mime"),
            );
        }
        form
    };
    let (status, body) = app
        .submit(
            Some(&merchant),
            None,
            with_evidence(&[("a.png", 10), ("b.png", 10), ("c.png", 10), ("d.png", 10)]),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        body.to_string().contains("more than 3 evidence files"),
        "{body}"
    );
    let (status, body) = app
        .submit(
            Some(&merchant),
            None,
            with_evidence(&[("form.png", (1 << 20) + 1)]),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(body.to_string().contains("`form.png`"), "{body}");
    assert_eq!(app.count("submissions").await, 0);
    let (status, _) = app
        .submit(
            Some(&merchant),
            None,
            with_evidence(&[("a.png", 10), ("b.png", 1 << 20)]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "within the limits");
}

async fn overload_answers_503_and_no_submission_is_lost(app: TestApp) {
    // This app checks 2 lists at once; 12 arrive together.
    let merchant = app.tenant("Acme").await;
    let list = clean_list(20_000);
    let send = |n: usize| {
        let app = &app;
        let merchant = &merchant;
        let list = list.clone();
        async move {
            let response = app
                .http
                .post(format!("{}/submissions", app.url))
                .bearer_auth(merchant.expose())
                .header("Idempotency-Key", format!("upload-{n}"))
                .multipart(form(list, n.to_string().as_bytes()))
                .send()
                .await
                .expect("send");
            let retry_after = response.headers().get("retry-after").cloned();
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (n, status, retry_after, body)
        }
    };
    let first = futures::future::join_all((0..12).map(send)).await;
    let mut created = Vec::new();
    let mut busy = Vec::new();
    for (n, status, retry_after, body) in first {
        match status {
            StatusCode::CREATED => created.push(body["id"].as_str().expect("id").to_owned()),
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(
                    retry_after.as_ref().map(|v| v.as_bytes()),
                    Some(b"1".as_slice())
                );
                assert!(
                    body["error"]["message"]
                        .as_str()
                        .expect("message")
                        .contains("send it again")
                );
                busy.push(n);
            }
            other => panic!("upload {n}: {other} {body}"),
        }
    }
    assert!(!busy.is_empty(), "12 lists at once overload 2 permits");
    assert_eq!(
        app.count("submissions").await,
        created.len() as i64,
        "a 503 stores nothing"
    );
    // Clients that retry (same Idempotency-Key) all get through, once each.
    while let Some(n) = busy.pop() {
        let (_, status, _, body) = send(n).await;
        match status {
            StatusCode::CREATED => created.push(body["id"].as_str().expect("id").to_owned()),
            StatusCode::SERVICE_UNAVAILABLE => busy.insert(0, n),
            other => panic!("retry {n}: {other} {body}"),
        }
    }
    assert_eq!(created.len(), 12);
    assert_eq!(app.count("submissions").await, 12);
    for id in &created {
        let (status, seen) = app.get(&merchant, &format!("/submissions/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["contacts"], 20_000);
    }
}

async fn the_form_cannot_raise_the_servers_limits(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    // 1,500 columns: over the default 1,000, within what the form asks for.
    let mut csv = String::from("phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel");
    for n in 0..1_495 {
        csv.push_str(&format!(",c{n}"));
    }
    csv.push_str(
        "\n+447911123456,2025-01-05,shop,Yes to WhatsApp offers from Acme Boutique,whatsapp",
    );
    csv.push_str(&",".repeat(1_495));
    csv.push('\n');
    let options = CheckOptions {
        limits: CheckLimits {
            max_columns: Some(5_000),
            threads: Some(64),
            ..CheckLimits::default()
        },
        ..common::options()
    };
    let clean = {
        let mut outputs = Outputs::default();
        check_bytes(
            csv.as_bytes(),
            Profile::builtin("whatsapp").expect("profile"),
            options.clone(),
            &mut outputs,
        )
        .expect("the merchant's own check passes");
        outputs.clean
    };
    let (status, body) = app
        .submit(
            Some(&merchant),
            None,
            form_for("whatsapp", &options, clean, b"x"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("file.too_many_columns"), "{body}");
}

async fn the_tenants_business_name_is_checked_whatever_the_form_says(app: TestApp) {
    let merchant = app.tenant_on("Acme Portal", "https://portal.example").await;
    let business =
        listgate::domain::tenant::BusinessName::parse("Globex Outfitters").expect("name");
    assert!(
        listgate::db::tenants::set_business_name(&app.db, &merchant.id, &business)
            .await
            .expect("set")
    );
    let csv = "phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n\
               +447911123456,2025-01-05,shop,Yes to WhatsApp offers from Acme Boutique,whatsapp\n";
    // Left out, or naming the business the wording names: the server checks
    // against the tenant's business all the same.
    let acme = CheckOptions {
        judging: JudgeOptions {
            business_name: Some("Acme Boutique".to_owned()),
            ..(common::options()).judging
        },
        ..common::options()
    };
    for business_name in [None, Some("Acme Boutique".to_owned())] {
        let options = CheckOptions {
            judging: JudgeOptions {
                business_name,
                ..acme.judging.clone()
            },
            ..acme.clone()
        };
        let clean = common::clean_with("whatsapp", csv, &acme);
        let (status, body) = app
            .submit(
                Some(&merchant.key),
                None,
                form_for("whatsapp", &options, clean, b"x"),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body.to_string().contains("consent.text_missing_business")
                && body.to_string().contains("does not name Globex Outfitters"),
            "{body}"
        );
        assert!(
            body["error"]["message"].as_str().is_some_and(
                |m| m.contains("this tenant's consent wording must name Globex Outfitters")
            ),
            "the refusal says which name to check with: {body}"
        );
    }
    // A channel declared for a list without a channel column is taken, and
    // shown to the reviewer as the merchant's word.
    let csv = "phone,opt_in_at,opt_in_source,opt_in_text\n\
               +447911123456,2025-01-05,shop,Yes to WhatsApp offers from Globex Outfitters\n";
    let options = CheckOptions {
        judging: JudgeOptions {
            channel: Some(listgate_core::Channels::only(
                listgate_core::Channel::Whatsapp,
            )),
            business_name: Some("Globex Outfitters".into()),
            ..(common::options()).judging
        },
        ..common::options()
    };
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let declared = declared_on_submit(&app, &session, &merchant.key, csv, &options).await;
    assert_eq!(declared[0]["option"], "channel", "{declared}");
    assert!(
        declared[0]["meaning"]
            .as_str()
            .is_some_and(|m| m.contains("every contact consented to WhatsApp")),
        "{declared}"
    );
    assert_eq!(declared.as_array().map(Vec::len), Some(1), "{declared}");

    // A tenant without a business name: a whatsapp list sent without one is
    // refused (its wording cannot be checked for the brand); with the
    // merchant's, it is taken and the reviewer reads whose name it was.
    let other = app.tenant("Initech").await;
    let named = CheckOptions {
        judging: JudgeOptions {
            channel: Some(listgate_core::Channels::only(
                listgate_core::Channel::Whatsapp,
            )),
            ..options.judging.clone()
        },
        ..options.clone()
    };
    let unnamed = CheckOptions {
        judging: JudgeOptions {
            business_name: None,
            ..named.judging.clone()
        },
        ..named.clone()
    };
    let (status, body) = app
        .submit(
            Some(&other),
            None,
            form_for(
                "whatsapp",
                &unnamed,
                common::clean_with("whatsapp", csv, &named),
                b"x",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("needs your business name")),
        "{body}"
    );
    let declared = declared_on_submit(&app, &session, &other, csv, &named).await;
    assert_eq!(declared[0]["option"], "business_name", "{declared}");
    assert!(
        declared[0]["meaning"]
            .as_str()
            .is_some_and(|m| m.contains("the business name the merchant typed, Globex Outfitters")),
        "{declared}"
    );
}

/// Submits `csv` as checked with `options` (it must be taken) and returns
/// what the reviewer reads the merchant declared.
async fn declared_on_submit(
    app: &TestApp,
    session: &Session,
    key: &ApiKey,
    csv: &str,
    options: &CheckOptions,
) -> Value {
    let (status, body) = app
        .submit(
            Some(key),
            None,
            form_for(
                "whatsapp",
                options,
                common::clean_with("whatsapp", csv, options),
                b"x",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, detail) = app
        .review(
            session,
            &format!("/submissions/{}", body["id"].as_str().expect("id")),
            None,
            false,
        )
        .await;
    detail["declared"].clone()
}

/// A tmpfs of `size` mounted on `dir` while it lives (root only).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &std::path::Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).expect("mount point");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        // CI runs as root; elsewhere a developer may not.
        assert!(
            mounted || std::env::var_os("CI").is_none(),
            "mounting a tmpfs needs root"
        );
        mounted.then(|| Tmpfs(dir.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

async fn a_full_disk_keeps_nothing_and_recovers(app: TestApp) {
    let blobs = app.data.path().join("blobs");
    let Some(_disk) = Tmpfs::mount(&blobs, "1m") else {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    // Leave less room than the evidence needs.
    let filler = blobs.join("filler");
    std::fs::write(&filler, vec![0u8; 900 << 10]).expect("fill the disk");
    let merchant = app.tenant("Acme").await;
    let evidence = vec![b'x'; 400 << 10];
    let (status, body) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), &evidence))
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.to_string().contains("nothing was kept"), "{body}");
    assert_eq!(app.count("submissions").await, 0);
    assert_eq!(app.count("evidence").await, 0);
    let leftovers: Vec<_> = files_in(&blobs)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "half-written files: {leftovers:?}");

    // Room again: the same submission goes through.
    std::fs::remove_file(&filler).expect("free the disk");
    let (status, body) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), &evidence))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(app.count("submissions").await, 1);
}

async fn a_change_list_goes_with_the_submission_for_the_reviewer(app: TestApp) {
    let portal = app.tenant_on("Acme", "https://portal.example").await;
    let merchant = portal.key.expose();
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (status, created) = app
        .submit(
            Some(&portal.key),
            None,
            with_changes(form(common::clean(MESSY), b"png"), CHANGES),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().expect("id");
    // Every cell counted; the consent changes shown first, as the file says them.
    assert_eq!(
        created["changes"],
        json!({
            "cells": 3,
            "consent_cells": 2,
            "shown": [
                { "step": 1, "kind": "edit", "row": 2, "column": "opt_in_source",
                  "before": "shop", "after": "shop, till", "consent": true },
                { "step": 2, "kind": "set", "row": 3, "column": "opt_in_source",
                  "before": "till", "after": "'=web", "consent": true },
                { "step": 1, "kind": "edit", "row": 2, "column": "phone",
                  "before": "07911 123456", "after": "+447911123456", "consent": false },
            ],
        })
    );
    let (status, detail) = app
        .review(&session, &format!("/submissions/{id}"), None, false)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["changes"], created["changes"]);

    // The merchant and the reviewer download the file as it was sent.
    for request in [
        app.merchant_changes(merchant, id),
        app.reviewer_changes(Some(&session), id),
    ] {
        let file = download(request).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.message());
        assert_eq!(file.content_type, "text/csv; charset=utf-8");
        assert_eq!(file.disposition, "attachment; filename=\"changes.csv\"");
        assert_eq!(file.body, CHANGES);
    }
    // Not for another tenant, the publishable key or without a session.
    let stranger = app.tenant("Globex").await;
    let file = download(app.merchant_changes(stranger.expose(), id)).await;
    assert_eq!(
        (file.status, file.message().as_str()),
        (StatusCode::NOT_FOUND, "not found")
    );
    let file = download(app.merchant_changes(portal.publishable_key.as_str(), id)).await;
    assert_eq!(file.status, StatusCode::FORBIDDEN);
    let file = download(app.reviewer_changes(None, id)).await;
    assert_eq!(file.status, StatusCode::UNAUTHORIZED);

    // Sent without one: none shown, none to download.
    let (status, plain) = app
        .submit(
            Some(&portal.key),
            None,
            form(common::clean(MESSY), b"another png"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{plain}");
    assert_eq!(plain["changes"], Value::Null);
    let plain = plain["id"].as_str().expect("id");
    for request in [
        app.merchant_changes(merchant, plain),
        app.reviewer_changes(Some(&session), plain),
    ] {
        let file = download(request).await;
        assert_eq!(file.status, StatusCode::NOT_FOUND);
        assert!(
            file.message().contains("no change list"),
            "{}",
            file.message()
        );
    }
    let file = download(app.reviewer_changes(Some(&session), "nope")).await;
    assert_eq!(
        (file.status, file.message().as_str()),
        (StatusCode::NOT_FOUND, "not found")
    );
}

async fn a_malformed_change_list_is_refused_naming_its_line(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let edited = b"step,kind,row,column,before,after,consent\r\n\
        1,edit,2,phone,a,b,no\r\n\
        2,edit,3,opt_in_source,a,b,maybe\r\n";
    let clean = common::clean(MESSY);
    for (changes, line) in [(edited.as_slice(), 3), (clean.as_slice(), 1)] {
        let (status, body) = app
            .submit(
                Some(&merchant),
                None,
                with_changes(form(common::clean(MESSY), b"png"), changes),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = body["error"]["message"].as_str().expect("message");
        assert!(
            message.starts_with(&format!(
                "the `changes` part is refused: line {line} of changes.csv "
            )),
            "{message}"
        );
        assert!(
            message.contains("download changes.csv from the app again"),
            "{message}"
        );
    }
    assert_eq!(app.count("submissions").await, 0);
    assert_eq!(
        files_in(&app.data.path().join("blobs")),
        Vec::<std::path::PathBuf>::new()
    );
}

async fn an_oversized_change_list_is_refused(app: TestApp) {
    // This app takes bodies of 80 MiB; a change list may have 64.
    let merchant = app.tenant("Acme").await;
    let huge = vec![b'x'; (64 << 20) + 1];
    let (status, body) = app
        .submit(
            Some(&merchant),
            None,
            with_changes(form(common::clean(MESSY), b"png"), &huge),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let message = body["error"]["message"].as_str().expect("message");
    assert!(
        message.contains("`changes` part is larger than 64 MB"),
        "{message}"
    );
    assert_eq!(app.count("submissions").await, 0);
}

async fn an_amendment_replaces_the_change_list_with_its_clean_file(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let (_, created) = app
        .submit(
            Some(&merchant),
            None,
            with_changes(form(common::clean(MESSY), b"png"), CHANGES),
        )
        .await;
    let id = created["id"].as_str().expect("id");
    let (status, body) = app
        .review(
            &session,
            &format!("/submissions/{id}/decision"),
            Some(json!({ "decision": "request_changes", "missing": ["insufficient_proof"] })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let amend = |form: Form| {
        app.http
            .post(format!("{}/submissions/{id}/amendments", app.url))
            .bearer_auth(merchant.expose())
            .multipart(form)
            .send()
    };
    let clean_part =
        || reqwest::multipart::Part::bytes(common::clean(MESSY)).file_name("clean.csv");
    let corrected = b"step,kind,row,column,before,after,consent\r\n\
        1,edit,3,opt_in_at,2025-13-01,2025-01-13,yes\r\n";

    // A change list alone describes no file.
    let response = amend(with_changes(Form::new(), corrected))
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("`clean`"),
        "{body}"
    );
    // With the corrected clean file it replaces the one stored.
    let response = amend(with_changes(
        Form::new().part("clean", clean_part()),
        corrected,
    ))
    .await
    .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    let amended: Value = response.json().await.expect("json");
    assert_eq!(amended["status"], "pending_review");
    assert_eq!(
        (
            &amended["changes"]["cells"],
            &amended["changes"]["consent_cells"]
        ),
        (&json!(1), &json!(1))
    );
    assert_eq!(amended["changes"]["shown"][0]["after"], "2025-01-13");
    let file = download(app.reviewer_changes(Some(&session), id)).await;
    assert_eq!(
        (file.status, file.body.as_slice()),
        (StatusCode::OK, corrected.as_slice())
    );
}

async fn a_change_list_is_deleted_with_its_list(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // Two submissions of the same list and change list, each its own evidence.
    let mut ids = Vec::new();
    for evidence in [b"first opt-in form".as_slice(), b"second opt-in form"] {
        let (status, created) = app
            .submit(
                Some(&merchant),
                None,
                with_changes(form(common::clean(MESSY), evidence), CHANGES),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    let sha: Option<String> =
        sqlx::query_scalar("SELECT changes_sha256 FROM submissions WHERE id = $1")
            .bind(&ids[0])
            .fetch_one(&app.db)
            .await
            .expect("sha");
    let sha = sha.expect("a change list is stored");
    let store = &app.state.backend.store;
    assert_eq!(store.get(&sha).await.expect("stored"), CHANGES);
    let reject = |id: String| {
        let session = &session;
        let app = &app;
        async move {
            let (status, body) = app
                .review(
                    session,
                    &format!("/submissions/{id}/decision"),
                    Some(json!({ "decision": "reject", "reasons": ["insufficient_proof"] })),
                    true,
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
    };
    let purge = || {
        listgate::services::retention::purge_expired(
            &app.db,
            store,
            listgate::services::Retention::default(),
            chrono::Utc::now() + chrono::Duration::days(91),
        )
    };
    let lists = |lists| listgate::services::retention::Purged { lists, evidence: 0 };

    reject(ids[0].clone()).await;
    assert_eq!(purge().await.expect("purge"), lists(1));
    // The other submission still holds the same change list.
    assert!(store.get(&sha).await.is_ok(), "shared change list kept");
    let (_, seen) = app
        .get(&merchant, &format!("/submissions/{}", ids[0]))
        .await;
    assert_eq!(
        seen["changes"],
        json!({ "cells": 3, "consent_cells": 2, "shown": [] }),
        "the counts stay, no cell of the list"
    );
    for request in [
        app.merchant_changes(merchant.expose(), &ids[0]),
        app.reviewer_changes(Some(&session), &ids[0]),
    ] {
        let file = download(request).await;
        assert_eq!(file.status, StatusCode::GONE);
        assert!(
            file.message().contains("retention period"),
            "{}",
            file.message()
        );
    }
    let spec = app.openapi().await;
    for route in [
        "/submissions/{id}/changes.csv",
        "/review/submissions/{id}/changes.csv",
    ] {
        let responses = &spec["paths"][route]["get"]["responses"];
        assert!(
            responses.get("410").is_some(),
            "{route} declares 410: {responses}"
        );
    }
    let file = download(app.reviewer_changes(Some(&session), &ids[1])).await;
    assert_eq!(
        (file.status, file.body.as_slice()),
        (StatusCode::OK, CHANGES)
    );

    reject(ids[1].clone()).await;
    assert_eq!(purge().await.expect("purge"), lists(1));
    assert!(store.get(&sha).await.is_err(), "change list deleted");
}

/// Every file under `dir`, however deep.
fn files_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_in(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// A TCP proxy to the database that a test can cut (every connection
/// dropped, new ones refused) and restore.
struct Proxy {
    addr: std::net::SocketAddr,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let proxy = Proxy {
            addr: listener.local_addr().expect("addr"),
            cut: Default::default(),
            connections: Default::default(),
        };
        let (cut, connections) = (proxy.cut.clone(), proxy.connections.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if cut.load(Ordering::SeqCst) {
                    continue; // dropped: the database "is down"
                }
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                connections.lock().expect("lock").push(task.abort_handle());
            }
        });
        proxy
    }

    fn cut(&self) {
        self.cut.store(true, std::sync::atomic::Ordering::SeqCst);
        for connection in self.connections.lock().expect("lock").drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

#[tokio::test]
async fn postgres_going_away_answers_503_keeps_nothing_and_recovers() {
    let Some(url) = fresh_database().await else {
        return;
    };
    let (head, database) = url.rsplit_once('/').expect("database");
    let (credentials, host) = head.rsplit_once('@').expect("host");
    let proxy = Proxy::start(host.to_owned()).await;
    let through_proxy = format!("{credentials}@{}/{database}", proxy.addr);
    let app = spawn_app(Database::PostgresAt(through_proxy), 10 << 20, 0)
        .await
        .expect("app");
    let merchant = app.tenant("Acme").await;
    let (status, _) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), b"x"))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    proxy.cut();
    let started = std::time::Instant::now();
    for _ in 0..2 {
        let (status, body) = app
            .submit(Some(&merchant), None, form(common::clean(MESSY), b"y"))
            .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(
            body.to_string().contains("database is not reachable"),
            "{body}"
        );
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "answered in seconds"
    );

    proxy.restore();
    let (status, body) = app
        .submit(Some(&merchant), None, form(common::clean(MESSY), b"y"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Exactly the two that were answered 201, each with its evidence.
    assert_eq!(app.count("submissions").await, 2);
    assert_eq!(app.count("evidence").await, 2);
}
