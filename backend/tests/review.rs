//! The review workflow against the real app on a random port, on SQLite and
//! PostgreSQL: decisions with a history (changes requested, amended,
//! approved with an opt-in source excluded), the plan confirmed before
//! anything is imported, a daily cap, each profile's own questions and
//! reasons, and the typed statuses the schema enforces.

#[macro_use]
mod common;

use common::{MESSY, TestApp, clean, form};
use listgate::domain::tenant::ApiKey;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery staple";

on_every_database! {
    a_merchant_adds_the_missing_screenshot_to_the_same_submission_and_is_approved(10 << 20, 0);
    a_rejected_list_sent_again_with_the_same_evidence_is_refused_naming_what_was_missing(10 << 20, 0);
    an_approval_leaves_out_a_source_and_the_plan_imports_200_a_day(10 << 20, 0);
    each_profile_is_reviewed_with_its_own_questions_and_reasons(10 << 20, 0);
    plans_that_cannot_work_are_refused_and_a_running_plan_changes(10 << 20, 60);
    contacts_come_a_page_at_a_time(10 << 20, 0);
    status_columns_take_only_the_statuses_the_code_knows(10 << 20, 0);
    each_answer_is_one_the_description_declares_for_its_route(10 << 20, 0);
    changes_are_answered_with_new_consent_answers_and_approved(10 << 20, 0);
    changes_are_answered_with_a_corrected_clean_file_and_approved(10 << 20, 0);
    an_approval_leaves_out_a_segment_and_both_sides_see_how_many(10 << 20, 0);
    the_proposed_plan_is_the_merchants_batch_settings(10 << 20, 7_200);
    downloads_sessions_the_widget_and_readiness_answer_as_declared(10 << 20, 0);
}

impl TestApp {
    /// Submits `form` with the merchant's key; the new submission's id.
    async fn submitted(&self, merchant: &ApiKey, form: Form) -> String {
        let (status, created) = self.submit(Some(merchant), None, form).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_str().expect("id").to_owned()
    }

    /// Posts a decision; the status and the submission (or error) answered.
    async fn decide(
        &self,
        session: &common::Session,
        id: &str,
        decision: Value,
    ) -> (StatusCode, Value) {
        self.review(
            session,
            &format!("/submissions/{id}/decision"),
            Some(decision),
            true,
        )
        .await
    }

    /// Posts an amendment to submission `id`.
    async fn amend(&self, merchant: &ApiKey, id: &str, form: Form) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/submissions/{id}/amendments", self.url))
            .bearer_auth(merchant.expose())
            .multipart(form)
            .send()
            .await
            .expect("send");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// One evidence file proving `source`, as an amendment sends it.
fn evidence(source: &str, name: &str, bytes: &[u8]) -> Form {
    Form::new().text("evidence_source", source.to_owned()).part(
        "evidence",
        Part::bytes(bytes.to_vec())
            .file_name(name.to_owned())
            .mime_str("image/png")
            .expect("mime"),
    )
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

async fn a_merchant_adds_the_missing_screenshot_to_the_same_submission_and_is_approved(
    app: TestApp,
) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .submitted(&merchant, form(clean(MESSY), b"checkout page"))
        .await;

    // The reviewer asks for the missing screenshot instead of rejecting.
    let request = json!({ "decision": "request_changes", "missing": ["insufficient_proof"], "note": "add the pop-up form" });
    let (status, asked) = app.decide(&session, &id, request).await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    assert_eq!(asked["status"], "changes_requested");
    // Not decided again until the merchant answers.
    let (status, body) = app
        .decide(&session, &id, json!({ "decision": "approve" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        message(&body).contains("when the merchant adds them"),
        "{body}"
    );

    // The merchant sees what is missing.
    let (_, seen) = app.get(&merchant, &format!("/submissions/{id}")).await;
    let decision = &seen["decisions"][0];
    assert_eq!(decision["verdict"], "changes_requested");
    assert_eq!(decision["reasons"][0]["reason"], "insufficient_proof");
    assert!(
        decision["reasons"][0]["missing"]
            .as_str()
            .expect("missing")
            .contains("screenshots")
    );
    assert_eq!(decision["note"], "add the pop-up form");

    // Submitting the same list and evidence again points at the amendment.
    let (status, again) = app
        .submit(Some(&merchant), None, form(clean(MESSY), b"checkout page"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        message(&again).contains(&format!("/submissions/{id}/amendments")),
        "{again}"
    );

    // An empty amendment adds nothing and is refused; another tenant cannot amend.
    let (status, _) = app
        .amend(&merchant, &id, Form::new().text("note", "here"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let stranger = app.tenant("Globex").await;
    let (status, _) = app
        .amend(&stranger, &id, evidence("x", "x.png", b"x"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let screenshot = evidence("acme.example/join", "popup.png", b"the pop-up form")
        .text("note", "the pop-up, as asked");
    let (status, amended) = app.amend(&merchant, &id, screenshot).await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!(amended["status"], "pending_review", "back in the queue");
    assert_eq!(amended["evidence"].as_array().expect("evidence").len(), 2);
    assert_eq!(amended["evidence"][1]["name"], "popup.png");
    assert_eq!(amended["amendments"][0]["evidence_added"], 1);
    assert_eq!(amended["amendments"][0]["note"], "the pop-up, as asked");
    // Only once per request for changes.
    let (status, body) = app
        .amend(&merchant, &id, evidence("x", "y.png", b"y"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (_, reviewed) = app
        .review(
            &session,
            &format!("/submissions/{id}/evidence/1"),
            None,
            false,
        )
        .await;
    assert_eq!(
        reviewed,
        Value::Null,
        "the new file is served as a file, not JSON"
    );
    let imported = app.approve(&session, &id).await;
    assert_eq!(imported["status"], "importing");
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    let verdicts: Vec<&str> = done["decisions"]
        .as_array()
        .expect("history")
        .iter()
        .map(|d| d["verdict"].as_str().expect("verdict"))
        .collect();
    assert_eq!(
        verdicts,
        ["changes_requested", "approved"],
        "every decision stays"
    );
    assert_eq!(
        app.all_contacts(&merchant)
            .await
            .as_array()
            .expect("contacts")
            .len(),
        2
    );
}

async fn a_rejected_list_sent_again_with_the_same_evidence_is_refused_naming_what_was_missing(
    app: TestApp,
) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .submitted(&merchant, form(clean(MESSY), b"a screenshot"))
        .await;
    let reject = json!({ "decision": "reject", "reasons": ["no_explicit_whatsapp_opt_in"], "note": "SMS wording" });
    let (status, rejected) = app.decide(&session, &id, reject).await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["status"], "rejected");
    // Final: no amendment, no second decision.
    let (status, body) = app
        .amend(&merchant, &id, evidence("x", "x.png", b"x"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(message(&body).contains("new submission"), "{body}");

    // The same list with the same evidence: 409, naming the rejection and what was missing.
    let (status, again) = app
        .submit(
            Some(&merchant),
            Some("retry"),
            form(clean(MESSY), b"a screenshot"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let text = message(&again);
    assert!(text.contains("rejected on") && text.contains(&id), "{text}");
    assert!(
        text.contains("consent that names WhatsApp explicitly"),
        "{text}"
    );
    assert_eq!(app.count("submissions").await, 1, "nothing new stored");
    // New evidence makes a new submission.
    let (status, fresh) = app
        .submit(
            Some(&merchant),
            Some("retry"),
            form(clean(MESSY), b"the WhatsApp form"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{fresh}");
    assert_ne!(fresh["id"], json!(id));
}

/// A clean WhatsApp list: `shop` contacts from the shop's form, then
/// `popup` from a pop-up.
fn clean_from_two_sources(shop: usize, popup: usize) -> Vec<u8> {
    let mut csv = String::from("phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n");
    for i in 0..shop + popup {
        let source = if i < shop { "shop" } else { "popup" };
        csv.push_str(&format!(
            "+44 7911 {:06},2025-01-05,{source},Yes to WhatsApp offers from Acme Boutique,whatsapp\n",
            100_000 + i
        ));
    }
    clean(csv.as_bytes())
}

async fn an_approval_leaves_out_a_source_and_the_plan_imports_200_a_day(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .submitted(&merchant, form(clean_from_two_sources(450, 30), b"x"))
        .await;

    // A source the list does not have is refused; so is leaving out everything.
    let (status, body) = app
        .decide(
            &session,
            &id,
            json!({ "decision": "approve", "exclude": { "opt_in_sources": ["fair"] } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        message(&body).contains("popup"),
        "names the sources it has: {body}"
    );
    let (status, _) = app
        .decide(
            &session,
            &id,
            json!({ "decision": "approve", "exclude": { "segments": ["whatsapp"] } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "nothing would be left");

    let approve = json!({ "decision": "approve", "note": "without the pop-up", "exclude": { "opt_in_sources": ["popup"] } });
    let (status, approved) = app.decide(&session, &id, approve).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(
        approved["decisions"][0]["excluded"]["exclusions"]["opt_in_sources"],
        json!(["popup"])
    );
    assert_eq!(approved["decisions"][0]["excluded"]["contacts"], 30);
    // The merchant sees which and how many too.
    let (_, seen) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(seen["decisions"][0]["excluded"]["contacts"], 30);
    // The proposal is the merchant's plan; nothing is imported before it is confirmed.
    assert_eq!(approved["proposed_plan"]["first_batch"], 100);
    assert_eq!(approved["proposed_plan"]["growth"], 2);
    assert!(approved["schedule"].is_null());
    tokio::time::sleep(listgate::services::import::POLL * 3).await;
    assert_eq!(
        app.count("contacts").await,
        0,
        "nothing imported before the plan"
    );

    let day = json!({ "first_batch": 200, "growth": 1, "cap": 200, "interval_seconds": 3_600, "daily_cap": 200 });
    let confirmed = app.confirm_plan(&session, &id, day).await;
    assert_eq!(confirmed["status"], "importing");
    assert_eq!(confirmed["schedule"]["to_import"], 450);
    let after_one = app
        .wait_for(&merchant, &id, "the first batch", |s| {
            s["schedule"]["batches"][0]["status"] == "done"
        })
        .await;
    let schedule = &after_one["schedule"];
    assert_eq!(schedule["imported"], 200);
    assert_eq!(schedule["batches"][1]["contacts"], 200);
    assert_eq!(schedule["batches"][1]["status"], "queued");
    // The second 200 wait a day after the first, not the hour between batches.
    let finished = chrono::DateTime::parse_from_rfc3339(
        schedule["batches"][0]["finished_at"]
            .as_str()
            .expect("finished"),
    )
    .expect("time");
    let due = chrono::DateTime::parse_from_rfc3339(schedule["next_due_at"].as_str().expect("due"))
        .expect("time");
    let wait = due - finished;
    assert!(
        (wait - chrono::Duration::days(1)).num_seconds().abs() < 5,
        "the next batch is due a day later, not after {wait}"
    );
    let keys: Vec<String> = app
        .all_contacts(&merchant)
        .await
        .as_array()
        .expect("contacts")
        .iter()
        .map(|c| {
            c["data"]["opt_in_source"]
                .as_str()
                .expect("source")
                .to_owned()
        })
        .collect();
    assert_eq!(keys.len(), 200);
    assert!(
        keys.iter().all(|s| s == "shop"),
        "no pop-up contact imported"
    );

    // The reviewer speeds up the daily cap while it runs: the rest goes at once.
    let faster = json!({ "first_batch": 200, "growth": 1, "cap": 200, "interval_seconds": 0, "daily_cap": null });
    app.confirm_plan(&session, &id, faster).await;
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    let sizes: Vec<u64> = done["schedule"]["batches"]
        .as_array()
        .expect("batches")
        .iter()
        .map(|b| b["contacts"].as_u64().expect("size"))
        .collect();
    assert_eq!(
        sizes,
        [200, 200, 50],
        "the excluded 30 are not in any batch"
    );
    assert_eq!(
        app.all_contacts(&merchant)
            .await
            .as_array()
            .expect("contacts")
            .len(),
        450
    );
}

/// The submission form of `profile` with `consent` as its declaration.
fn form_with(profile: &str, csv: &str, consent: &Value) -> Form {
    let options = common::options();
    let clean = common::clean_with(profile, csv, &options);
    let settings = json!({ "profile": profile, "options": options });
    Form::new()
        .text("settings", settings.to_string())
        .text("consent", consent.to_string())
        .part("clean", Part::bytes(clean).file_name("clean.csv"))
}

async fn each_profile_is_reviewed_with_its_own_questions_and_reasons(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let email = "email,first_name,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n\
                 ann@example.com,Ann,2025-01-05,shop,Yes to e-mail news from Acme Boutique,email\n";
    // An email merchant is not asked about WhatsApp, and must confirm GDPR consent.
    let whatsapp_answers = common::consent();
    let (status, body) = app
        .submit(
            Some(&merchant),
            None,
            form_with("email-gdpr", email, &whatsapp_answers),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        message(&body).contains("`self_check.wording_names_whatsapp` is not asked"),
        "{body}"
    );
    let mut unconfirmed = common::consent_for("email-gdpr");
    unconfirmed["gdpr_confirmed"] = json!(false);
    let (status, body) = app
        .submit(
            Some(&merchant),
            None,
            form_with("email-gdpr", email, &unconfirmed),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(message(&body).contains("gdpr_confirmed"), "{body}");
    let (status, created) = app
        .submit(
            Some(&merchant),
            None,
            form_with("email-gdpr", email, &common::consent_for("email-gdpr")),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["review_kind"], "email");
    assert_eq!(created["unticked"], json!([]));
    let id = created["id"].as_str().expect("id");
    // A WhatsApp blocker is no reason for an email list; GDPR consent is.
    let (status, body) = app
        .decide(
            &session,
            id,
            json!({ "decision": "reject", "reasons": ["no_explicit_whatsapp_opt_in"] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        message(&body).contains("no_gdpr_consent"),
        "lists the email reasons: {body}"
    );
    let (status, body) = app
        .decide(
            &session,
            id,
            json!({ "decision": "request_changes", "missing": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, asked) = app
        .decide(
            &session,
            id,
            json!({ "decision": "request_changes", "missing": ["no_gdpr_consent"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    assert!(
        asked["decisions"][0]["reasons"][0]["missing"]
            .as_str()
            .expect("missing")
            .contains("GDPR")
    );

    // An SMS merchant answers SMS questions; those not answered are shown to the reviewer.
    let sms = "phone,first_name,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,age\n\
               +1 201 555 0123,Bo,2026-10-05,shop,Yes to texts from Acme Boutique,sms,30\n";
    let mut answers = common::consent_for("sms-us");
    answers["self_check"]["recent_subscribers"] = json!(false);
    let (status, created) = app
        .submit(Some(&merchant), None, form_with("sms-us", sms, &answers))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["review_kind"], "sms");
    assert_eq!(created["unticked"], json!(["recent_subscribers"]));
    let (status, rejected) = app
        .decide(
            &session,
            created["id"].as_str().expect("id"),
            json!({ "decision": "reject", "reasons": ["not_recent", "not_sms_capable"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
}

async fn plans_that_cannot_work_are_refused_and_a_running_plan_changes(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .submitted(&merchant, form(common::clean_list(300), b"x"))
        .await;
    let plan_path = format!("/submissions/{id}/plan");
    let plan = json!({ "first_batch": 100, "growth": 2, "cap": 1000, "interval_seconds": 60, "daily_cap": null });
    // No plan before approval.
    let (status, _) = app
        .review(&session, &plan_path, Some(plan.clone()), true)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .decide(&session, &id, json!({ "decision": "approve" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    for (bad, says) in [
        (
            json!({ "first_batch": 0, "growth": 2, "cap": 10, "interval_seconds": 60 }),
            "at least one",
        ),
        (
            json!({ "first_batch": 500, "growth": 2, "cap": 100, "interval_seconds": 60 }),
            "larger than the cap",
        ),
        (
            json!({ "first_batch": 100, "growth": 2, "cap": 1000, "interval_seconds": 60, "daily_cap": 50 }),
            "over the daily cap",
        ),
    ] {
        let (status, body) = app.review(&session, &plan_path, Some(bad), true).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(message(&body).contains(says), "{body}");
    }
    let (status, body) = app
        .review(
            &session,
            &plan_path,
            Some(json!({ "first_batch": 1 })),
            true,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a plan names every part: {body}"
    );
    let started = app.confirm_plan(&session, &id, plan).await;
    assert_eq!(started["schedule"]["plan"]["interval_seconds"], 60);
    app.wait_for(&merchant, &id, "the first batch", |s| {
        s["schedule"]["batches"][0]["status"] == "done"
    })
    .await;
    // Slower while it runs: the queued batch shrinks to the new cap and waits the new interval.
    let slower = json!({ "first_batch": 50, "growth": 1, "cap": 50, "interval_seconds": 86_400, "daily_cap": null });
    let changed = app.confirm_plan(&session, &id, slower).await;
    let schedule = &changed["schedule"];
    assert_eq!(schedule["plan"]["cap"], 50);
    assert_eq!(schedule["batches"][1]["contacts"], 50);
    let due = chrono::DateTime::parse_from_rfc3339(schedule["next_due_at"].as_str().expect("due"))
        .expect("time");
    assert!(
        due > chrono::Utc::now() + chrono::Duration::hours(23),
        "{due}"
    );
}

async fn contacts_come_a_page_at_a_time(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .submitted(&merchant, form(common::clean_list(250), b"x"))
        .await;
    app.approve(&session, &id).await;
    app.wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    let (status, first) = app.get(&merchant, "/contacts?limit=100").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["contacts"].as_array().expect("page").len(), 100);
    assert_eq!(first["contacts"][0]["key"], "+447911100000");
    let cursor = first["next_cursor"].as_str().expect("more");
    let (_, second) = app
        .get(&merchant, &format!("/contacts?limit=100&cursor={cursor}"))
        .await;
    assert_eq!(
        second["contacts"][0]["key"], "+447911100100",
        "continues after the first page"
    );
    let (_, default) = app.get(&merchant, "/contacts").await;
    assert_eq!(
        default["contacts"].as_array().expect("page").len(),
        100,
        "100 by default"
    );
    let all = app.all_contacts(&merchant).await;
    assert_eq!(all.as_array().expect("all").len(), 250);
    for refused in [
        "/contacts?limit=1001",
        "/contacts?limit=0",
        "/contacts?cursor=zz",
    ] {
        let (status, body) = app.get(&merchant, refused).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}: {body}");
    }
}

async fn status_columns_take_only_the_statuses_the_code_knows(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let id = app.submitted(&merchant, form(clean(MESSY), b"x")).await;
    let set = |status: String| {
        let (db, id) = (app.db.clone(), id.clone());
        async move {
            sqlx::query("UPDATE submissions SET status = $1 WHERE id = $2")
                .bind(status)
                .bind(id)
                .execute(&db)
                .await
        }
    };
    for status in listgate::domain::SubmissionStatus::ALL {
        set(status.as_str().to_owned())
            .await
            .expect("a status the code knows");
    }
    assert!(
        set("approved-ish".into()).await.is_err(),
        "the schema refuses the rest"
    );
    for (table, column, known) in [
        (
            "batches",
            "status",
            listgate::domain::BatchStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>(),
        ),
        (
            "webhook_deliveries",
            "status",
            listgate::domain::DeliveryStatus::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "decisions",
            "verdict",
            listgate::domain::Verdict::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "suppressions",
            "kind",
            listgate::domain::suppression::SuppressionKind::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "suppressions",
            "origin",
            listgate::domain::suppression::SuppressionOrigin::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "consent_events",
            "kind",
            listgate::domain::ledger::ConsentEventKind::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "consent_events",
            "address_kind",
            listgate::domain::suppression::SuppressionKind::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "consent_events",
            "origin",
            listgate::domain::suppression::SuppressionOrigin::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "consent_events",
            "state",
            listgate::domain::ledger::ConsentState::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
        (
            "contacts",
            "consent_state",
            listgate::domain::ledger::ConsentState::ALL
                .iter()
                .map(|s| s.as_str())
                .collect(),
        ),
    ] {
        let schema = table_sql(&app, table).await;
        for status in known {
            assert!(
                schema.contains(&format!("'{status}'")),
                "{table}.{column} accepts {status}: {schema}"
            );
        }
    }
}

/// The CHECK constraints of `table`, as the database describes them.
async fn table_sql(app: &TestApp, table: &str) -> String {
    let sqlite: Result<String, _> =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = $1")
            .bind(table)
            .fetch_one(&app.db)
            .await;
    match sqlite {
        Ok(sql) => sql,
        Err(_) => {
            let checks: Vec<String> = sqlx::query_scalar(
                "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                 WHERE t.relname = $1 AND c.contype = 'c'",
            )
            .bind(table)
            .fetch_all(&app.db)
            .await
            .expect("constraints");
            checks.join("\n")
        }
    }
}

async fn each_answer_is_one_the_description_declares_for_its_route(app: TestApp) {
    let spec = app.openapi().await;
    let declared = |method: &str, route: &str, status: StatusCode| {
        let responses = &spec["paths"][route][method]["responses"];
        assert!(responses.is_object(), "{method} {route} is described");
        assert!(
            responses.get(status.as_str()).is_some(),
            "{method} {route} answered {status}, which its description does not declare: {responses}"
        );
    };
    let portal = app.tenant_on("Acme", "https://portal.example").await;
    let merchant = &portal.key;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app.submitted(merchant, form(clean(MESSY), b"x")).await;
    let sub = "/submissions/{id}";

    let (status, _) = app
        .submit(Some(merchant), None, form(clean(MESSY), b"x"))
        .await;
    declared("post", "/submissions", status);
    let mut email = common::consent_for("email-gdpr");
    email["gdpr_confirmed"] = json!(false);
    let csv = "email,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\nann@example.com,2025-01-05,shop,E-mail news from Acme Boutique,email\n";
    let (status, _) = app
        .submit(Some(merchant), None, form_with("email-gdpr", csv, &email))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    declared("post", "/submissions", status);
    let (status, _) = app.submit(None, None, form(clean(MESSY), b"y")).await;
    declared("post", "/submissions", status);

    let (status, _, _) = app
        .send_as_page(
            app.http.get(format!("{}/submissions/{id}", app.url)),
            portal.publishable_key.as_str(),
            Some("https://portal.example"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    declared("get", sub, status);
    let stranger = app.tenant("Globex").await;
    let (status, _) = app.get(&stranger, &format!("/submissions/{id}")).await;
    declared("get", sub, status);
    let (status, _) = app.amend(merchant, &id, evidence("x", "x.png", b"x")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    declared("post", "/submissions/{id}/amendments", status);
    let (status, _) = app
        .amend(merchant, "nope", evidence("x", "x.png", b"x"))
        .await;
    declared("post", "/submissions/{id}/amendments", status);
    let signals = app
        .http
        .post(format!("{}/submissions/{id}/batches/1/signals", app.url))
        .bearer_auth(merchant.expose())
        .json(&json!({ "sent": 1, "delivered": 1 }))
        .send()
        .await
        .expect("send");
    declared(
        "post",
        "/submissions/{id}/batches/{number}/signals",
        signals.status(),
    );
    let (status, _) = app.get(merchant, "/contacts?limit=5000").await;
    declared("get", "/contacts", status);
    let (status, _) = app.get(merchant, "/contacts").await;
    declared("get", "/contacts", status);
    // The suppression list: read, added to (JSON, CSV, refused) and removed from.
    for path in ["/suppressions?limit=5000", "/suppressions"] {
        let (status, _) = app.get(merchant, path).await;
        declared("get", "/suppressions", status);
    }
    let suppressions = format!("{}/suppressions", app.url);
    let phones = json!({ "phones": ["+447911123456"] });
    for (method, request) in [
        ("post", app.http.post(&suppressions).json(&phones)),
        (
            "post",
            app.http
                .post(&suppressions)
                .json(&json!({ "phones": ["call me"] })),
        ),
        (
            "post",
            app.http
                .post(&suppressions)
                .header("content-type", "text/csv")
                .body("phone\n+447911123457\n"),
        ),
        (
            "post",
            app.http
                .post(&suppressions)
                .header("content-type", "text/plain")
                .body("+447911123457"),
        ),
        ("delete", app.http.delete(&suppressions).json(&phones)),
        (
            "delete",
            app.http
                .delete(&suppressions)
                .json(&json!({ "emails": ["x"] })),
        ),
    ] {
        let response = request
            .bearer_auth(merchant.expose())
            .send()
            .await
            .expect("send");
        declared(method, "/suppressions", response.status());
    }
    let (status, _, _) = app
        .send_as_page(
            app.http.post(&suppressions).json(&phones),
            portal.publishable_key.as_str(),
            Some("https://portal.example"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    declared("post", "/suppressions", status);
    // The consent ledger: a contact's chain (none yet, another tenant's,
    // the publishable key's) and the exports, for the tenant and a reviewer.
    for (key, path) in [
        (merchant.expose(), "/contacts/+447911123456/consent"),
        (stranger.expose(), "/contacts/+447911123456/consent"),
    ] {
        let response = app
            .http
            .get(format!("{}{path}", app.url))
            .bearer_auth(key)
            .send()
            .await
            .expect("send");
        declared("get", "/contacts/{key}/consent", response.status());
    }
    let (status, _, _) = app
        .send_as_page(
            app.http
                .get(format!("{}/contacts/+447911123456/consent", app.url)),
            portal.publishable_key.as_str(),
            Some("https://portal.example"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    declared("get", "/contacts/{key}/consent", status);
    // The platform's reports of a contact's confirmation or opt-out: no such
    // contact, another tenant's key, a bad body, not JSON, another format,
    // no key, the publishable key.
    let report = format!("{}/contacts/+447911123456/consent", app.url);
    for (key, request) in [
        (
            Some(merchant.expose()),
            app.http
                .post(&report)
                .json(&json!({ "state": "confirmed" })),
        ),
        (
            Some(stranger.expose()),
            app.http
                .post(&report)
                .json(&json!({ "state": "confirmed" })),
        ),
        (
            Some(merchant.expose()),
            app.http.post(&report).json(&json!({ "state": "maybe" })),
        ),
        (
            Some(merchant.expose()),
            app.http
                .post(&report)
                .header("content-type", "application/json")
                .body("{"),
        ),
        (
            Some(merchant.expose()),
            app.http
                .post(&report)
                .header("content-type", "text/plain")
                .body("confirmed"),
        ),
        (
            None,
            app.http
                .post(&report)
                .json(&json!({ "state": "confirmed" })),
        ),
    ] {
        let request = match key {
            Some(key) => request.bearer_auth(key),
            None => request,
        };
        let response = request.send().await.expect("send");
        declared("post", "/contacts/{key}/consent", response.status());
    }
    let (status, _, _) = app
        .send_as_page(
            app.http
                .post(&report)
                .json(&json!({ "state": "opted_out" })),
            portal.publishable_key.as_str(),
            Some("https://portal.example"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    declared("post", "/contacts/{key}/consent", status);
    for format in ["csv", "json"] {
        let route = format!("/consent-ledger.{format}");
        for (key, query) in [
            (merchant.expose(), String::new()),
            (merchant.expose(), format!("?submission={id}")),
            (merchant.expose(), "?submission=nope".to_owned()),
            (merchant.expose(), "?other=1".to_owned()),
            (stranger.expose(), format!("?submission={id}")),
            (portal.publishable_key.as_str(), String::new()),
        ] {
            let response = app
                .http
                .get(format!("{}{route}{query}", app.url))
                .bearer_auth(key)
                .send()
                .await
                .expect("send");
            declared("get", &route, response.status());
        }
        let unsigned = app
            .http
            .get(format!("{}{route}", app.url))
            .send()
            .await
            .expect("send");
        declared("get", &route, unsigned.status());
    }
    for query in [
        format!("?submission={id}"),
        "?submission=nope".to_owned(),
        String::new(),
    ] {
        let (status, _) = app
            .review(
                &session,
                &format!("/contacts/+447911123456/consent{query}"),
                None,
                false,
            )
            .await;
        declared("get", "/review/contacts/{key}/consent", status);
    }
    let signed_out = app
        .http
        .get(format!(
            "{}/review/contacts/+447911123456/consent?submission={id}",
            app.url
        ))
        .send()
        .await
        .expect("send");
    declared("get", "/review/contacts/{key}/consent", signed_out.status());
    // The change list downloads, of a submission sent without one and of
    // one sent with one.
    let with_changes = app
        .submitted(
            merchant,
            common::with_changes(form(clean(MESSY), b"z"), common::CHANGES),
        )
        .await;
    for (key, submission) in [
        (merchant.expose(), &id),
        (merchant.expose(), &with_changes),
        (stranger.expose(), &with_changes),
        (portal.publishable_key.as_str(), &with_changes),
    ] {
        let file = common::download(app.merchant_changes(key, submission)).await;
        declared("get", "/submissions/{id}/changes.csv", file.status);
    }
    for (session, submission) in [
        (Some(&session), &id),
        (Some(&session), &with_changes),
        (None, &with_changes),
    ] {
        let file = common::download(app.reviewer_changes(session, submission)).await;
        declared("get", "/review/submissions/{id}/changes.csv", file.status);
    }

    let review = "/review/submissions/{id}";
    let plan = json!({ "first_batch": 1, "growth": 1, "cap": 1, "interval_seconds": 0 });
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/plan"),
            Some(plan.clone()),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    declared("post", &format!("{review}/plan"), status);
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/plan"),
            Some(plan),
            false,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    declared("post", &format!("{review}/plan"), status);
    let (status, _) = app
        .decide(
            &session,
            &id,
            json!({ "decision": "reject", "reasons": [] }),
        )
        .await;
    declared("post", &format!("{review}/decision"), status);
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/schedule"),
            Some(json!({ "paused": true })),
            true,
        )
        .await;
    declared("post", &format!("{review}/schedule"), status);
    let (status, _) = app
        .decide(&session, &id, json!({ "decision": "approve" }))
        .await;
    declared("post", &format!("{review}/decision"), status);
    let (status, _) = app
        .decide(&session, &id, json!({ "decision": "approve" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    declared("post", &format!("{review}/decision"), status);
    let (status, _) = app
        .review(&session, &format!("/submissions/{id}"), None, false)
        .await;
    declared("get", review, status);
    let signed_out = app
        .http
        .get(format!("{}/review/submissions", app.url))
        .send()
        .await
        .expect("send");
    declared("get", "/review/submissions", signed_out.status());
    let ready = app
        .http
        .get(format!("{}/ready", app.url))
        .send()
        .await
        .expect("send");
    declared("get", "/ready", ready.status());
}

async fn changes_are_answered_with_new_consent_answers_and_approved(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // The merchant did not tick that contacts of unknown consent were left out.
    let id = app
        .submitted(&merchant, form(clean(MESSY), b"checkout page"))
        .await;
    let detail = format!("/submissions/{id}");
    let (_, seen) = app.review(&session, &detail, None, false).await;
    assert_eq!(seen["unticked"], json!(["unknowns_excluded"]), "{seen}");
    let ask = json!({ "decision": "request_changes", "missing": ["mixed_channel_consent"], "note": "are contacts of unknown consent left out?" });
    let (status, asked) = app.decide(&session, &id, ask).await;
    assert_eq!(status, StatusCode::OK, "{asked}");

    // Answers to a question the WhatsApp review does not ask are refused; nothing changes.
    let mut foreign = common::consent();
    foreign["self_check"]["recent_subscribers"] = json!(true);
    let (status, body) = app
        .amend(
            &merchant,
            &id,
            Form::new().text("consent", foreign.to_string()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(message(&body).contains("recent_subscribers"), "{body}");
    let (_, still) = app.get(&merchant, &detail).await;
    assert_eq!(still["status"], "changes_requested");
    assert_eq!(still["consent"], common::consent(), "the answers stay");

    let mut answers = common::consent();
    answers["self_check"]["unknowns_excluded"] = json!(true);
    let amendment = Form::new()
        .text("consent", answers.to_string())
        .text("note", "they are: the list has WhatsApp consent only");
    let (status, amended) = app.amend(&merchant, &id, amendment).await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!(amended["status"], "pending_review", "back in the queue");
    assert_eq!(amended["consent"], answers);
    assert_eq!(amended["unticked"], json!([]));
    let amendment = &amended["amendments"][0];
    assert_eq!(amendment["consent_replaced"], true);
    assert_eq!(amendment["clean_replaced"], false);
    assert_eq!(amendment["evidence_added"], 0);
    assert_eq!(
        amended["evidence"].as_array().expect("evidence").len(),
        1,
        "the evidence stays"
    );

    // The reviewer finds it in the queue with the new answers.
    let (_, queue) = app.review(&session, "/submissions", None, false).await;
    let item = queue
        .as_array()
        .expect("queue")
        .iter()
        .find(|s| s["id"] == json!(id))
        .expect("queued");
    assert_eq!(item["status"], "pending_review");
    let (_, reviewed) = app.review(&session, &detail, None, false).await;
    assert_eq!(reviewed["consent"]["self_check"]["unknowns_excluded"], true);
    assert_eq!(reviewed["unticked"], json!([]));
    assert_eq!(
        reviewed["amendments"][0]["note"],
        "they are: the list has WhatsApp consent only"
    );
    // The amended content is this submission's now: sent anew, it is refused.
    let (status, again) = app
        .submit(
            Some(&merchant),
            None,
            form_answering(clean(MESSY), b"checkout page", &answers),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert!(message(&again).contains(&id), "{again}");

    app.approve(&session, &id).await;
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    assert_eq!(done["decisions"][1]["verdict"], "approved");
    assert_eq!(
        app.all_contacts(&merchant)
            .await
            .as_array()
            .expect("contacts")
            .len(),
        2
    );
}

/// [`form`] with `consent` as the declaration.
fn form_answering(clean: Vec<u8>, evidence: &[u8], consent: &Value) -> Form {
    let settings = json!({ "profile": "whatsapp", "options": common::options() });
    Form::new()
        .text("settings", settings.to_string())
        .text("consent", consent.to_string())
        .part("clean", Part::bytes(clean).file_name("clean.csv"))
        .text("evidence_source", "acme.example/join")
        .part(
            "evidence",
            Part::bytes(evidence.to_vec())
                .file_name("optin.png")
                .mime_str("image/png")
                .expect("mime"),
        )
}

async fn changes_are_answered_with_a_corrected_clean_file_and_approved(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .submitted(&merchant, form(clean(MESSY), b"checkout page"))
        .await;
    let detail = format!("/submissions/{id}");
    let ask = json!({ "decision": "request_changes", "missing": ["formatting"], "note": "send the whole list" });
    let (status, asked) = app.decide(&session, &id, ask).await;
    assert_eq!(status, StatusCode::OK, "{asked}");
    assert_eq!(asked["contacts"], 2);

    // A corrected file that is not clean is refused; the submission waits as it was.
    let mut unclean = common::clean_list(3);
    unclean.extend_from_slice(b"+44 7911 999999,,shop,,whatsapp\n");
    let (status, body) = app
        .amend(
            &merchant,
            &id,
            Form::new().part("clean", Part::bytes(unclean).file_name("clean.csv")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(message(&body).contains("cannot be imported"), "{body}");
    let (_, still) = app.get(&merchant, &detail).await;
    assert_eq!(still["status"], "changes_requested");
    assert_eq!(still["contacts"], 2);
    assert_eq!(still["amendments"], json!([]));

    let corrected = Form::new()
        .part(
            "clean",
            Part::bytes(common::clean_list(5)).file_name("clean.csv"),
        )
        .text("note", "the whole list");
    let (status, amended) = app.amend(&merchant, &id, corrected).await;
    assert_eq!(status, StatusCode::OK, "{amended}");
    assert_eq!(amended["status"], "pending_review", "back in the queue");
    assert_eq!(amended["amendments"][0]["clean_replaced"], true);
    assert_eq!(amended["amendments"][0]["consent_replaced"], false);
    assert_eq!(amended["consent"], common::consent(), "the answers stay");

    // The reviewer sees the new file's counts.
    let (_, reviewed) = app.review(&session, &detail, None, false).await;
    assert_eq!(reviewed["contacts"], 5);
    assert_eq!(reviewed["report"]["summary"]["rows"], 5);
    assert_eq!(reviewed["report"]["summary"]["importable"], 5);
    assert_eq!(
        reviewed["report"]["opt_in_sources"],
        json!([{ "source": "shop", "contacts": 5 }])
    );
    let (_, queue) = app.review(&session, "/submissions", None, false).await;
    let item = queue
        .as_array()
        .expect("queue")
        .iter()
        .find(|s| s["id"] == json!(id))
        .expect("queued")
        .clone();
    assert_eq!(item["contacts"], 5, "{item}");

    let imported = app.approve(&session, &id).await;
    assert_eq!(imported["schedule"]["to_import"], 5);
    app.wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    let keys: Vec<Value> = app
        .all_contacts(&merchant)
        .await
        .as_array()
        .expect("contacts")
        .iter()
        .map(|c| c["key"].clone())
        .collect();
    let expected: Vec<Value> = (0..5)
        .map(|i| json!(format!("+447911{:06}", 100_000 + i)))
        .collect();
    assert_eq!(
        keys, expected,
        "the corrected file's contacts, not the first file's"
    );
}

/// An SMS list: `sms` contacts who agreed to texts only, then `both` who
/// agreed to texts and WhatsApp.
fn sms_and_whatsapp(sms: usize, both: usize) -> String {
    let mut csv =
        String::from("phone,first_name,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,age\n");
    for i in 0..sms + both {
        let channel = if i < sms { "sms" } else { "sms;whatsapp" };
        csv.push_str(&format!(
            "+1 201 555 {:04},Bo,2026-10-05,shop,Yes to texts from Acme Boutique,{channel},30\n",
            100 + i
        ));
    }
    csv
}

async fn an_approval_leaves_out_a_segment_and_both_sides_see_how_many(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let form = form_with(
        "sms-us",
        &sms_and_whatsapp(6, 4),
        &common::consent_for("sms-us"),
    );
    let id = app.submitted(&merchant, form).await;
    let detail = format!("/submissions/{id}");
    let (_, seen) = app.review(&session, &detail, None, false).await;
    assert_eq!(seen["report"]["segments"]["sms_only"], 6, "{seen}");
    assert_eq!(seen["report"]["segments"]["whatsapp"], 4, "{seen}");

    let approve = json!({ "decision": "approve", "note": "texts only", "exclude": { "segments": ["whatsapp"] } });
    let (status, approved) = app.decide(&session, &id, approve).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["status"], "approved");
    let excluded =
        json!({ "exclusions": { "opt_in_sources": [], "segments": ["whatsapp"] }, "contacts": 4 });
    assert_eq!(approved["decisions"][0]["excluded"], excluded);
    let (_, told) = app.get(&merchant, &detail).await;
    assert_eq!(
        told["decisions"][0]["excluded"], excluded,
        "the merchant sees which and how many"
    );

    let planned = app
        .confirm_plan(&session, &id, approved["proposed_plan"].clone())
        .await;
    assert_eq!(planned["schedule"]["to_import"], 6);
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    assert_eq!(done["schedule"]["imported"], 6);
    assert_eq!(done["schedule"]["failed"], 0);
    let contacts = app.all_contacts(&merchant).await;
    let channels: Vec<&str> = contacts
        .as_array()
        .expect("contacts")
        .iter()
        .map(|c| c["data"]["opt_in_channel"].as_str().expect("channel"))
        .collect();
    assert_eq!(channels.len(), 6, "{contacts}");
    assert!(
        channels.iter().all(|c| !c.contains("whatsapp")),
        "no contact of the excluded segment imported: {channels:?}"
    );
    let keys: Vec<&str> = contacts
        .as_array()
        .expect("contacts")
        .iter()
        .map(|c| c["key"].as_str().expect("key"))
        .collect();
    let texts_only: Vec<String> = (0..6).map(|i| format!("+1201555{:04}", 100 + i)).collect();
    assert_eq!(keys, texts_only, "the six who agreed to texts only");
}

async fn the_proposed_plan_is_the_merchants_batch_settings(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // As `listgate check --batch-first 40 --batch-cap 150` puts them in the settings.
    let mut options = common::options();
    options.batches = listgate_core::BatchOptions {
        first: 40,
        cap: 150,
    };
    let submission = common::form_for("whatsapp", &options, common::clean_list(400), b"x");
    let id = app.submitted(&merchant, submission).await;
    let detail = format!("/submissions/{id}");
    // Doubling from the merchant's first batch up to their cap, at the server's interval.
    let proposed = json!({ "first_batch": 40, "growth": 2, "cap": 150, "interval_seconds": 7_200, "daily_cap": null });
    let (_, seen) = app.review(&session, &detail, None, false).await;
    assert_eq!(seen["proposed_plan"], proposed, "{seen}");
    let report_batches: Vec<&Value> = seen["report"]["batches"]
        .as_array()
        .expect("batches")
        .iter()
        .map(|b| &b["contacts"])
        .collect();
    assert_eq!(
        report_batches,
        [&json!(40), &json!(80), &json!(150), &json!(130)]
    );

    let (status, approved) = app
        .decide(&session, &id, json!({ "decision": "approve" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["proposed_plan"], proposed);
    // One click confirms it.
    let confirmed = app.confirm_plan(&session, &id, proposed.clone()).await;
    assert_eq!(confirmed["schedule"]["plan"], proposed);
    let after_one = app
        .wait_for(&merchant, &id, "the first batch", |s| {
            s["schedule"]["batches"][0]["status"] == "done"
        })
        .await;
    let schedule = &after_one["schedule"];
    assert_eq!(schedule["batches"][0]["contacts"], 40);
    assert_eq!(schedule["batches"][1]["contacts"], 80, "doubled");
    assert_eq!(schedule["batches"][1]["status"], "queued");
    let finished = chrono::DateTime::parse_from_rfc3339(
        schedule["batches"][0]["finished_at"]
            .as_str()
            .expect("finished"),
    )
    .expect("time");
    let due = chrono::DateTime::parse_from_rfc3339(schedule["next_due_at"].as_str().expect("due"))
        .expect("time");
    assert!(
        ((due - finished) - chrono::Duration::hours(2))
            .num_seconds()
            .abs()
            < 5,
        "the next batch is due two hours later: {due} after {finished}"
    );

    // Without the wait, the rest follows the plan: doubling, held at the cap.
    let (status, _) = app
        .review(
            &session,
            &format!("/submissions/{id}/schedule"),
            Some(json!({ "interval_seconds": 0 })),
            true,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let done = app
        .wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    let sizes: Vec<u64> = done["schedule"]["batches"]
        .as_array()
        .expect("batches")
        .iter()
        .map(|b| b["contacts"].as_u64().expect("size"))
        .collect();
    assert_eq!(sizes, [40, 80, 150, 130]);
}

/// Fails unless the description declares `status` for `method route`.
fn declared_in(spec: &Value, method: &str, route: &str, status: StatusCode) {
    let responses = &spec["paths"][route][method]["responses"];
    assert!(responses.is_object(), "{method} {route} is described");
    assert!(
        responses.get(status.as_str()).is_some(),
        "{method} {route} answered {status}, which its description does not declare: {responses}"
    );
}

async fn downloads_sessions_the_widget_and_readiness_answer_as_declared(app: TestApp) {
    use listgate::domain::tenant::{Origin, TenantName, WebhookUrl};
    let spec = app.openapi().await;
    let declared = |method: &str, route: &str, status: StatusCode| {
        declared_in(&spec, method, route, status);
        status
    };
    let send = |request: reqwest::RequestBuilder| async move {
        request.send().await.expect("send").status()
    };
    // A tenant whose webhook URL went stale (credentials in it, stored
    // before today's rules): each delivery is given up at once.
    let (hook, _events) = listgate_testkit::webhook::start().await;
    let acme = listgate::db::tenants::add_tenant(
        &app.db,
        &TenantName::parse("Acme").expect("name"),
        &[Origin::parse("https://portal.example").expect("origin")],
        Some(&WebhookUrl::parse(&hook).expect("url")),
    )
    .await
    .expect("tenant");
    sqlx::query("UPDATE tenants SET webhook_url = $1 WHERE id = $2")
        .bind(hook.replace("http://", "http://user@"))
        .bind(&acme.id)
        .execute(&app.db)
        .await
        .expect("stale url");
    let merchant = &acme.key;
    let stranger = app.tenant("Globex").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .approved(merchant, &session, common::clean_list(3))
        .await;
    app.wait_for(merchant, &id, "the import", |s| s["status"] == "imported")
        .await;

    // failures.csv: the merchant's, another tenant's, with the page key, with no key.
    let failures = format!("{}/submissions/{id}/failures.csv", app.url);
    let route = "/submissions/{id}/failures.csv";
    let status = send(app.http.get(&failures).bearer_auth(merchant.expose())).await;
    assert_eq!(declared("get", route, status), StatusCode::OK);
    let status = send(app.http.get(&failures).bearer_auth(stranger.expose())).await;
    assert_eq!(declared("get", route, status), StatusCode::NOT_FOUND);
    let status = send(
        app.http
            .get(&failures)
            .bearer_auth(acme.publishable_key.as_str())
            .header("Origin", "https://portal.example"),
    )
    .await;
    assert_eq!(declared("get", route, status), StatusCode::FORBIDDEN);
    let status = send(app.http.get(&failures)).await;
    assert_eq!(declared("get", route, status), StatusCode::UNAUTHORIZED);

    // The evidence viewer: a file, one that is not there, signed out.
    let evidence =
        |position: u32| format!("{}/review/submissions/{id}/evidence/{position}", app.url);
    let route = "/review/submissions/{id}/evidence/{position}";
    let signed_in = |url: String| app.http.get(url).header("cookie", &session.cookie);
    let status = send(signed_in(evidence(0))).await;
    assert_eq!(declared("get", route, status), StatusCode::OK);
    let status = send(signed_in(evidence(9))).await;
    assert_eq!(declared("get", route, status), StatusCode::NOT_FOUND);
    let status = send(app.http.get(evidence(0))).await;
    assert_eq!(declared("get", route, status), StatusCode::UNAUTHORIZED);

    // A given-up webhook delivery sent again; without the token, signed
    // out, and a batch with no failed delivery.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (_, view) = app
            .review(&session, &format!("/submissions/{id}"), None, false)
            .await;
        if view["schedule"]["batches"][0]["webhook"]["status"] == "failed" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the delivery is given up: {view}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let route = "/review/submissions/{id}/webhooks/{batch}/retry";
    let retry = |batch: u32| format!("/submissions/{id}/webhooks/{batch}/retry");
    let (status, _) = app
        .review(&session, &retry(1), Some(json!({})), false)
        .await;
    assert_eq!(declared("post", route, status), StatusCode::FORBIDDEN);
    let status = send(app.http.post(format!("{}/review{}", app.url, retry(1)))).await;
    assert_eq!(declared("post", route, status), StatusCode::UNAUTHORIZED);
    let (status, _) = app.review(&session, &retry(7), Some(json!({})), true).await;
    assert_eq!(declared("post", route, status), StatusCode::CONFLICT);
    let (status, view) = app.review(&session, &retry(1), Some(json!({})), true).await;
    assert_eq!(declared("post", route, status), StatusCode::OK, "{view}");

    // Bodies that do not follow their schema: 422, naming the field.
    let review = "/review/submissions/{id}";
    for (route, path, body) in [
        ("decision", "decision", json!({ "decision": "maybe" })),
        ("plan", "plan", json!({ "first_batch": 1 })),
        ("schedule", "schedule", json!({ "pause": true })),
    ] {
        let (status, answer) = app
            .review(
                &session,
                &format!("/submissions/{id}/{path}"),
                Some(body),
                true,
            )
            .await;
        assert_eq!(
            declared("post", &format!("{review}/{route}"), status),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{answer}"
        );
    }
    let signals = app
        .http
        .post(format!("{}/submissions/{id}/batches/1/signals", app.url))
        .bearer_auth(merchant.expose())
        .json(&json!({ "sent": 1, "delivered": 1, "clicks": 1 }));
    assert_eq!(
        declared(
            "post",
            "/submissions/{id}/batches/{number}/signals",
            send(signals).await
        ),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Evidence whose retention period ended is gone.
    let retention = listgate::services::Retention {
        list_days: 90,
        evidence_days: 1_095,
    };
    let later = chrono::Utc::now() + chrono::Duration::days(1_100);
    listgate::services::retention::purge_expired(
        &app.db,
        &app.state.backend.store,
        retention,
        later,
    )
    .await
    .expect("purge");
    let status = send(signed_in(evidence(0))).await;
    assert_eq!(
        declared(
            "get",
            "/review/submissions/{id}/evidence/{position}",
            status
        ),
        StatusCode::GONE
    );

    // The widget's question, from the tenant's page, another page, with an
    // unknown key, with what is no publishable key, and with none.
    let widget = |key: Option<&str>, origin: &str| {
        let url = match key {
            Some(key) => format!("{}/widget/config?key={key}", app.url),
            None => format!("{}/widget/config", app.url),
        };
        let request = app.http.get(url).header("Origin", origin.to_owned());
        async move {
            let response = request.send().await.expect("send");
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let page = acme.publishable_key.as_str();
    for (key, origin, allowed) in [
        (Some(page), "https://portal.example", Some(true)),
        (Some(page), "https://elsewhere.example", Some(false)),
        (
            Some("lg_pub_00000000000000000000000000000000"),
            "https://portal.example",
            Some(false),
        ),
        (Some("lg_secret"), "https://portal.example", None),
        (None, "https://portal.example", None),
    ] {
        let (status, body) = widget(key, origin).await;
        declared("get", "/widget/config", status);
        match allowed {
            Some(allowed) => {
                assert_eq!(status, StatusCode::OK, "{key:?} {origin}: {body}");
                assert_eq!(body["allowed"], allowed, "{key:?} {origin}: {body}");
            }
            None => assert_eq!(status, StatusCode::BAD_REQUEST, "{key:?}: {body}"),
        }
    }

    // The session: found again, signed out (without the token first), then gone.
    let session_url = format!("{}/session", app.url);
    let other = app
        .sign_in("ana@listgate.example", PASSWORD)
        .await
        .expect("signed in");
    let status = send(app.http.get(&session_url).header("cookie", &other.cookie)).await;
    assert_eq!(declared("get", "/session", status), StatusCode::OK);
    let status = send(app.http.get(&session_url)).await;
    assert_eq!(
        declared("get", "/session", status),
        StatusCode::UNAUTHORIZED
    );
    let sign_out = || {
        app.http
            .delete(&session_url)
            .header("cookie", &other.cookie)
    };
    let status = send(sign_out()).await;
    assert_eq!(
        declared("delete", "/session", status),
        StatusCode::FORBIDDEN
    );
    let status = send(sign_out().header("x-csrf-token", &other.csrf)).await;
    assert_eq!(
        declared("delete", "/session", status),
        StatusCode::NO_CONTENT
    );
    let status = send(sign_out().header("x-csrf-token", &other.csrf)).await;
    assert_eq!(
        declared("delete", "/session", status),
        StatusCode::UNAUTHORIZED
    );
    // Signing in: a body over 4 KB, one without a password, a wrong
    // password, then too many attempts.
    let sign_in = |body: Value| app.http.post(&session_url).json(&body);
    let status = send(sign_in(
        json!({ "email": "ana@listgate.example", "password": "x".repeat(5_000) }),
    ))
    .await;
    assert_eq!(
        declared("post", "/session", status),
        StatusCode::PAYLOAD_TOO_LARGE
    );
    let status = send(sign_in(json!({ "email": "ana@listgate.example" }))).await;
    assert_eq!(
        declared("post", "/session", status),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let not_json = app
        .http
        .post(&session_url)
        .header("content-type", "application/json")
        .body("{email");
    assert_eq!(
        declared("post", "/session", send(not_json).await),
        StatusCode::BAD_REQUEST
    );
    let wrong = json!({ "email": "mallory@listgate.example", "password": "guess" });
    let status = send(sign_in(wrong.clone())).await;
    assert_eq!(declared("post", "/session", status), StatusCode::FORBIDDEN);
    let mut limited = false;
    for _ in 0..20 {
        let status = send(sign_in(wrong.clone())).await;
        declared("post", "/session", status);
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
    }
    assert!(limited, "guessing is limited");

    // Readiness: ready; the file store not there; every database
    // connection busy (the pool waits 5 s for one); the pool closed.
    let ready = || async {
        let response = app
            .http
            .get(format!("{}/ready", app.url))
            .send()
            .await
            .expect("send");
        let status = declared("get", "/ready", response.status());
        let retry_after = response.headers().contains_key("retry-after");
        (status, retry_after)
    };
    assert_eq!(ready().await, (StatusCode::OK, false));
    let blobs = app.data.path().join("blobs");
    let aside = app.data.path().join("blobs-aside");
    std::fs::rename(&blobs, &aside).expect("move the store aside");
    std::fs::write(&blobs, b"a file where the store's directory was").expect("file");
    assert_eq!(ready().await, (StatusCode::SERVICE_UNAVAILABLE, true));
    std::fs::remove_file(&blobs).expect("remove");
    std::fs::rename(&aside, &blobs).expect("store back");
    assert_eq!(ready().await, (StatusCode::OK, false));

    let mut held = Vec::new();
    for _ in 0..app.db.options().get_max_connections() {
        held.push(app.db.acquire().await.expect("a connection"));
    }
    assert_eq!(ready().await, (StatusCode::SERVICE_UNAVAILABLE, true));
    drop(held);
    assert_eq!(ready().await, (StatusCode::OK, false), "ready again");
    app.db.close().await;
    assert_eq!(ready().await, (StatusCode::SERVICE_UNAVAILABLE, true));
}
