//! Confirmation states against the real app, on SQLite and PostgreSQL:
//! contacts imported under `sms-us` await confirmation (Community sends
//! each imported number a one-time welcome message with an opt-in link,
//! and only those who complete it join), the batch webhook names them, and
//! the platform reports confirmations and opt-outs back with the tenant's
//! secret key (`POST /contacts/{key}/consent`); each change joins the
//! contact's consent chain, an opt-out goes onto the suppression list, and
//! the merchant's submission counts where its contacts stand.

#[macro_use]
mod common;

use common::{Session, TestApp, form};
use listgate::db::tenants::add_tenant;
use listgate::domain::tenant::{ApiKey, Origin, TenantName, WebhookUrl};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

on_every_database! {
    an_sms_import_awaits_confirmation_and_the_platform_reports_back(10 << 20, 0);
    a_whatsapp_import_is_confirmed_at_once(10 << 20, 0);
    tenants_cannot_report_on_each_others_contacts(10 << 20, 0);
    bad_reports_are_refused_naming_the_field(10 << 20, 0);
}

const PASSWORD: &str = "correct horse battery staple";

/// Contacts of the Community list.
const CONTACTS: usize = 5;

/// The E.164 numbers of the Community list, in its order.
fn numbers() -> Vec<String> {
    (0..CONTACTS).map(|i| format!("+1201555012{i}")).collect()
}

/// An `sms-us` list of `numbers` (as +1 201 555 012N), all consenting on `date`.
fn sms_list(numbers: &[String], date: &str) -> String {
    let mut csv =
        String::from("phone,first_name,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,age\n");
    for number in numbers {
        let local = &number[2..];
        csv.push_str(&format!(
            "+1 {} {} {},Bo,{date},shop,Yes to texts from Acme Boutique,sms,30\n",
            &local[..3],
            &local[3..6],
            &local[6..]
        ));
    }
    csv
}

/// The submission form of `profile` for `csv`, with every self-check answered yes.
fn form_with(profile: &str, csv: &str, evidence: &[u8]) -> Form {
    let options = common::options();
    let clean = common::clean_with(profile, csv, &options);
    let settings = json!({ "profile": profile, "options": options });
    Form::new()
        .text("settings", settings.to_string())
        .text("consent", common::consent_for(profile).to_string())
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

/// Tenant `name` whose webhook is the fake platform at `platform`.
async fn tenant_on_platform(app: &TestApp, name: &str, platform: &str) -> ApiKey {
    let webhook = WebhookUrl::parse(platform).expect("url");
    add_tenant(
        &app.db,
        &TenantName::parse(name).expect("name"),
        &[Origin::parse("https://portal.example").expect("origin")],
        Some(&webhook),
    )
    .await
    .expect("tenant")
    .key
}

impl TestApp {
    /// Submits `form`, approves it and waits for its import; its id.
    async fn imported_form(&self, merchant: &ApiKey, session: &Session, form: Form) -> String {
        let id = self.approved_form(merchant, session, form).await;
        self.wait_for(merchant, &id, "the import", |s| s["status"] == "imported")
            .await;
        id
    }

    /// The platform reports `body` of contact `key` with `key_used`.
    async fn report(&self, key_used: &str, key: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/contacts/{key}/consent", self.url))
            .bearer_auth(key_used)
            .json(&body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The events of the merchant's contact `key`, oldest first.
    async fn events(&self, merchant: &ApiKey, key: &str) -> Vec<Value> {
        let (status, chain) = self
            .get(merchant, &format!("/contacts/{key}/consent"))
            .await;
        assert_eq!(status, StatusCode::OK, "{chain}");
        chain["events"].as_array().expect("events").clone()
    }
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect()
}

fn message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

async fn an_sms_import_awaits_confirmation_and_the_platform_reports_back(app: TestApp) {
    let (platform, mut deliveries) = listgate_testkit::webhook::start().await;
    let merchant = tenant_on_platform(&app, "Acme", &platform).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let numbers = numbers();
    let id = app
        .imported_form(
            &merchant,
            &session,
            form_with("sms-us", &sms_list(&numbers, "2026-11-01"), b"sms"),
        )
        .await;

    // The batch webhook names every contact awaiting confirmation.
    let delivery = deliveries.next("contacts").await;
    let consent = delivery["consent"].as_array().expect("consent");
    assert_eq!(consent.len(), CONTACTS, "{delivery}");
    let keys: Vec<&str> = consent
        .iter()
        .map(|c| c["contact_key"].as_str().expect("key"))
        .collect();
    assert_eq!(keys, numbers, "in the order of `contacts`");
    assert!(
        consent
            .iter()
            .all(|c| c["state"] == "awaiting_confirmation"),
        "{delivery}"
    );
    assert_eq!(delivery["awaiting_confirmation"], CONTACTS);
    assert_eq!(delivery["consent_path"], "/api/v1/contacts/{key}/consent");
    let (_, seen) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(
        seen["schedule"]["confirmations"],
        json!({ "awaiting_confirmation": CONTACTS, "confirmed": 0, "opted_out": 0 })
    );

    // The platform reports one confirmation and one opt-out.
    let (confirmed, opted) = (&numbers[0], &numbers[1]);
    let (status, body) = app
        .report(
            merchant.expose(),
            confirmed,
            json!({ "state": "confirmed", "at": "2026-12-01T10:00:00Z" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "contact_key": confirmed, "state": "confirmed", "changed": true })
    );
    let (status, body) = app
        .report(
            merchant.expose(),
            opted,
            json!({ "state": "opted_out", "at": "2026-12-02T10:00:00Z", "reason": "replied STOP" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "opted_out");
    // A report of where a contact stands already records nothing.
    let (status, body) = app
        .report(
            merchant.expose(),
            confirmed,
            json!({ "state": "confirmed" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changed"], false);
    // Opt-outs win: a confirmation does not undo one.
    let (status, body) = app
        .report(merchant.expose(), opted, json!({ "state": "confirmed" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(message(&body).contains("opted out"), "{body}");
    // Both answers are ones the description declares.
    let spec = app.openapi().await;
    let responses = &spec["paths"]["/contacts/{key}/consent"]["post"]["responses"];
    for status in ["200", "409"] {
        assert!(responses.get(status).is_some(), "{status}: {responses}");
    }

    // Each change is on the chain, in order.
    let chain = app.events(&merchant, confirmed).await;
    assert_eq!(kinds(&chain), ["imported", "confirmed"]);
    assert_eq!(chain[0]["seq"], 1);
    assert_eq!(chain[0]["state"], "awaiting_confirmation");
    assert_eq!(chain[0]["submission"]["profile"], "sms-us");
    assert_eq!(chain[1]["seq"], 2);
    assert_eq!(chain[1]["state"], "confirmed");
    assert_eq!(chain[1]["reported_at"], "2026-12-01T10:00:00Z");
    let chain = app.events(&merchant, opted).await;
    assert_eq!(kinds(&chain), ["imported", "opted_out_on_platform"]);
    assert_eq!(chain[1]["seq"], 2);
    assert_eq!(chain[1]["state"], "opted_out");
    assert_eq!(chain[1]["reason"], "replied STOP");
    assert_eq!(
        chain[1]["opt_out"],
        json!({ "kind": "phone", "value": opted, "suppressed_at": "2026-12-02T10:00:00Z", "origin": "api" })
    );
    // The opt-out is on the suppression list.
    let (_, list) = app.get(&merchant, "/suppressions").await;
    let listed = &list["suppressions"][0];
    assert_eq!(listed["value"], opted.as_str(), "{list}");
    assert_eq!(listed["reason"], "replied STOP");
    assert_eq!(listed["suppressed_at"], "2026-12-02T10:00:00Z");

    // The merchant's submission counts where its contacts stand.
    let (_, seen) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(
        seen["schedule"]["confirmations"],
        json!({ "awaiting_confirmation": CONTACTS - 2, "confirmed": 1, "opted_out": 1 })
    );

    // A later list with older consent does not re-subscribe the opted-out
    // contact; the confirmed one stays confirmed.
    let later = app
        .imported_form(
            &merchant,
            &session,
            form_with("sms-us", &sms_list(&numbers[..2], "2026-11-15"), b"later"),
        )
        .await;
    assert_eq!(
        app.failures_csv(&merchant, &later).await,
        "row,reason\r\n3,\"opted out on 2026-12-02, after this consent\"\r\n"
    );
    let chain = app.events(&merchant, opted).await;
    assert_eq!(
        kinds(&chain),
        ["imported", "opted_out_on_platform", "refused"]
    );
    let chain = app.events(&merchant, confirmed).await;
    assert_eq!(kinds(&chain), ["imported", "confirmed", "imported"]);
    assert_eq!(
        chain[2]["state"], "confirmed",
        "Community members need not opt in again"
    );
    let delivery = deliveries.next("contacts").await;
    assert_eq!(
        delivery["consent"],
        json!([{ "contact_key": confirmed, "state": "confirmed" }])
    );
    assert_eq!(delivery["awaiting_confirmation"], 0);
}

async fn a_whatsapp_import_is_confirmed_at_once(app: TestApp) {
    let (platform, mut deliveries) = listgate_testkit::webhook::start().await;
    let merchant = tenant_on_platform(&app, "Acme", &platform).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .imported_form(&merchant, &session, form(common::clean_list(3), b"wa"))
        .await;
    let delivery = deliveries.next("contacts").await;
    let consent = delivery["consent"].as_array().expect("consent");
    assert_eq!(consent.len(), 3, "{delivery}");
    assert!(
        consent.iter().all(|c| c["state"] == "confirmed"),
        "{delivery}"
    );
    assert_eq!(delivery["awaiting_confirmation"], 0);
    let (_, seen) = app.get(&merchant, &format!("/submissions/{id}")).await;
    assert_eq!(
        seen["schedule"]["confirmations"],
        json!({ "awaiting_confirmation": 0, "confirmed": 3, "opted_out": 0 })
    );
    let key = consent[0]["contact_key"].as_str().expect("key");
    let chain = app.events(&merchant, key).await;
    assert_eq!(kinds(&chain), ["imported"]);
    assert_eq!(chain[0]["state"], "confirmed");
    // The platform may still report an opt-out.
    let (status, body) = app
        .report(merchant.expose(), key, json!({ "state": "opted_out" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let chain = app.events(&merchant, key).await;
    assert_eq!(kinds(&chain), ["imported", "opted_out_on_platform"]);
    assert_eq!(chain[1]["reason"], Value::Null);
    let (_, list) = app.get(&merchant, "/suppressions").await;
    assert_eq!(list["suppressions"][0]["value"], key, "{list}");
    assert_eq!(
        list["suppressions"][0]["reason"],
        "opted out on the messaging platform"
    );
}

async fn tenants_cannot_report_on_each_others_contacts(app: TestApp) {
    let (platform, _deliveries) = listgate_testkit::webhook::start().await;
    let merchant = tenant_on_platform(&app, "Acme", &platform).await;
    let portal = app.tenant_on("Globex", "https://portal.example").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let numbers = numbers();
    app.imported_form(
        &merchant,
        &session,
        form_with("sms-us", &sms_list(&numbers[..1], "2026-11-01"), b"sms"),
    )
    .await;
    let key = &numbers[0];
    let confirm = json!({ "state": "confirmed" });
    // Another tenant's contact is not found, as a contact that does not exist.
    for unknown in [key.as_str(), "+12015550199"] {
        let (status, body) = app
            .report(portal.key.expose(), unknown, confirm.clone())
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    }
    let (status, body) = app
        .report(merchant.expose(), "+12015550199", confirm.clone())
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    // The publishable key cannot report.
    let (status, _, body) = app
        .send_as_page(
            app.http
                .post(format!("{}/contacts/{key}/consent", app.url))
                .json(&confirm),
            portal.publishable_key.as_str(),
            Some("https://portal.example"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // No key at all.
    let response = app
        .http
        .post(format!("{}/contacts/{key}/consent", app.url))
        .json(&confirm)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // Nothing changed.
    assert_eq!(kinds(&app.events(&merchant, key).await), ["imported"]);
    let (status, _) = app
        .get(&portal.key, &format!("/contacts/{key}/consent"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_reports_are_refused_naming_the_field(app: TestApp) {
    let (platform, _deliveries) = listgate_testkit::webhook::start().await;
    let merchant = tenant_on_platform(&app, "Acme", &platform).await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let numbers = numbers();
    app.imported_form(
        &merchant,
        &session,
        form_with("sms-us", &sms_list(&numbers[..1], "2026-11-01"), b"sms"),
    )
    .await;
    let key = &numbers[0];
    for (body, field) in [
        (json!({ "state": "maybe" }), "state"),
        (json!({ "state": "awaiting_confirmation" }), "state"),
        (json!({}), "state"),
        (json!({ "state": 1 }), "state"),
        (json!({ "state": "confirmed", "when": "now" }), "when"),
        (json!({ "state": "confirmed", "at": "yesterday" }), "at"),
        (
            json!({ "state": "confirmed", "at": "2999-01-01T00:00:00Z" }),
            "at",
        ),
        (json!({ "state": "confirmed", "at": 5 }), "at"),
        (
            json!({ "state": "opted_out", "reason": "x".repeat(201) }),
            "reason",
        ),
    ] {
        let (status, answer) = app.report(merchant.expose(), key, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
        assert!(
            message(&answer).contains(&format!("`{field}`")),
            "{body}: {answer}"
        );
    }
    let url = format!("{}/contacts/{key}/consent", app.url);
    let not_json = app
        .http
        .post(&url)
        .bearer_auth(merchant.expose())
        .header("content-type", "application/json")
        .body("{\"state\":")
        .send()
        .await
        .expect("send");
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    let text = app
        .http
        .post(&url)
        .bearer_auth(merchant.expose())
        .header("content-type", "text/plain")
        .body("confirmed")
        .send()
        .await
        .expect("send");
    assert_eq!(text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Nothing was recorded.
    let chain = app.events(&merchant, key).await;
    assert_eq!(kinds(&chain), ["imported"]);
    assert_eq!(chain[0]["state"], "awaiting_confirmation");
    assert_eq!(app.count("suppressions").await, 0);
}
