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
