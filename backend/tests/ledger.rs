//! The consent ledger: each contact's chain (`/contacts/{key}/consent`, and
//! the reviewer console's `/review/contacts/{key}/consent`) and the
//! ledger's export (`/consent-ledger.csv`, `.json`), against the real app
//! on SQLite and PostgreSQL.

#[macro_use]
mod common;

use common::{Session, TestApp, form, form_for};
use listgate::db::ledger::{NewEvent, insert, put_wording};
use listgate::domain::ledger::{ConsentEventKind, ConsentRecord};
use listgate::domain::tenant::ApiKey;
use listgate::services::ledger::CSV_HEADER;
use listgate::support::sha256_hex;
use listgate_core::{Channel, Channels, CheckOptions, JudgeOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_database! {
    a_contact_opted_out_is_refused_with_older_consent_and_its_chain_shows_all_three_events(10 << 20, 0);
    newer_consent_resubscribes_and_the_chain_keeps_every_event(10 << 20, 0);
    tenants_cannot_read_each_others_chains_or_ledgers(10 << 20, 0);
    the_export_of_a_submission_lists_each_contact(10 << 20, 0);
    the_export_streams_every_page_in_order(10 << 20, 0);
    a_wording_is_stored_once(10 << 20, 0);
    the_reviewer_console_reads_the_same_chain(10 << 20, 0);
    opt_outs_a_row_carries_and_opt_outs_removed_join_the_chain(10 << 20, 0);
    concurrent_writers_of_one_chain_all_commit_and_the_chain_stays_whole(10 << 20, 0);
}

const PASSWORD: &str = "correct horse battery staple";
const WORDING: &str = "Yes to WhatsApp offers from Acme Boutique";
const NUMBER: &str = "+447911100000";

/// A WhatsApp clean file of two contacts, [`NUMBER`] consenting on `date`
/// and +447911100001 on 2026-01-05, both to [`WORDING`].
fn list_consented_on(date: &str) -> Vec<u8> {
    list(
        &[("+44 7911 100000", date), ("+44 7911 100001", "2026-01-05")],
        WORDING,
    )
}

/// A WhatsApp clean file of `rows` (phone, opt-in date), all consenting to `wording`.
fn list(rows: &[(&str, &str)], wording: &str) -> Vec<u8> {
    let quoted = format!("\"{}\"", wording.replace('"', "\"\""));
    let mut csv = String::from("phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n");
    for (phone, date) in rows {
        csv.push_str(&format!("{phone},{date},shop,{quoted},whatsapp\n"));
    }
    common::clean(csv.as_bytes())
}

impl TestApp {
    /// Submits `clean` (with distinct `evidence`), approves it, waits for
    /// its import; the submission id.
    async fn imported(
        &self,
        merchant: &ApiKey,
        session: &Session,
        clean: Vec<u8>,
        evidence: &[u8],
    ) -> String {
        let id = self
            .approved_form(merchant, session, form(clean, evidence))
            .await;
        self.wait_for(merchant, &id, "the import", |s| s["status"] == "imported")
            .await;
        id
    }

    /// The chain of the merchant's contact `key`: status and body.
    async fn chain(&self, merchant: &ApiKey, key: &str) -> (StatusCode, Value) {
        self.get(merchant, &format!("/contacts/{key}/consent"))
            .await
    }

    /// The kinds of the events of the merchant's contact `key`, in order.
    async fn kinds(&self, merchant: &ApiKey, key: &str) -> Vec<String> {
        let (status, chain) = self.chain(merchant, key).await;
        assert_eq!(status, StatusCode::OK, "{chain}");
        events(&chain)
            .iter()
            .map(|e| e["kind"].as_str().expect("kind").to_owned())
            .collect()
    }

    /// Adds opt-outs as JSON.
    async fn suppress(&self, key: &ApiKey, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/suppressions", self.url))
            .bearer_auth(key.expose())
            .json(&body)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.expect("json")
    }

    /// The ledger export at `path` (`/consent-ledger.csv?…`) with `key`.
    async fn export(&self, key: &str, path: &str) -> common::Download {
        common::download(
            self.http
                .get(format!("{}{path}", self.url))
                .bearer_auth(key),
        )
        .await
    }
}

fn events(chain: &Value) -> &Vec<Value> {
    chain["events"].as_array().expect("events")
}

/// The records of a CSV export, its header checked and left out.
fn csv_records(body: &[u8]) -> Vec<csv::StringRecord> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body);
    let header = reader.headers().expect("header").clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), CSV_HEADER);
    reader
        .records()
        .map(|r| r.expect("a well-formed record"))
        .collect()
}

/// The cell of `record` under `column`.
fn at<'r>(record: &'r csv::StringRecord, column: &str) -> &'r str {
    let i = CSV_HEADER
        .iter()
        .position(|c| *c == column)
        .expect("a column");
    record.get(i).expect("cell")
}

async fn a_contact_opted_out_is_refused_with_older_consent_and_its_chain_shows_all_three_events(
    app: TestApp,
) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let first = app
        .imported(
            &merchant,
            &session,
            list_consented_on("2026-01-05"),
            b"first",
        )
        .await;
    app.suppress(
        &merchant,
        json!({ "phones": [NUMBER], "reason": "replied STOP", "suppressed_at": "2026-03-01T12:00:00Z" }),
    )
    .await;
    let older = app
        .imported(
            &merchant,
            &session,
            list_consented_on("2026-02-01"),
            b"older",
        )
        .await;
    assert_eq!(
        app.failures_csv(&merchant, &older).await,
        "row,reason\r\n2,\"opted out on 2026-03-01, after this consent\"\r\n",
        "not re-subscribed, and failures.csv says why"
    );
    let contacts = app.all_contacts(&merchant).await;
    let contact = contacts
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["key"] == NUMBER)
        .expect("the contact");
    assert_eq!(contact["submission_id"], first.as_str(), "not rewritten");

    let (status, chain) = app.chain(&merchant, NUMBER).await;
    assert_eq!(status, StatusCode::OK, "{chain}");
    assert_eq!(chain["contact_key"], NUMBER);
    let events = events(&chain);
    assert_eq!(events.len(), 3, "{chain}");
    let sha = sha256_hex(WORDING.as_bytes());
    // Imported: who opted in, when, how, to what, and who approved it.
    let imported = &events[0];
    assert_eq!(imported["seq"], 1);
    assert_eq!(imported["kind"], "imported");
    assert_eq!(
        imported["consent"],
        json!({
            "channels": ["whatsapp"],
            "opt_in_at": "2026-01-05T00:00:00Z",
            "source": "shop",
            "wording": WORDING,
            "wording_sha256": sha,
            // The list has no method column: the merchant's declaration says.
            "capture_method": "checkbox at checkout",
            "double_opt_in_at": null,
        })
    );
    let submission = &imported["submission"];
    assert_eq!(submission["id"], first.as_str());
    assert_eq!(submission["profile"], "whatsapp");
    assert_eq!(submission["row"], 2);
    assert_eq!(submission["evidence"], json!(["optin.png"]));
    assert_eq!(submission["decision"]["verdict"], "approved");
    assert_eq!(submission["decision"]["reviewer"], "ana@listgate.example");
    assert!(
        submission["decision"]["decided_at"].is_string(),
        "{submission}"
    );
    assert_eq!(imported["opt_out"], Value::Null);
    // Opted out through the API.
    let opted_out = &events[1];
    assert_eq!(opted_out["seq"], 2);
    assert_eq!(opted_out["kind"], "opted_out");
    assert_eq!(
        opted_out["opt_out"],
        json!({ "kind": "phone", "value": NUMBER, "suppressed_at": "2026-03-01T12:00:00Z", "origin": "api" })
    );
    assert_eq!(opted_out["reason"], "replied STOP");
    assert_eq!(opted_out["submission"], Value::Null);
    assert_eq!(opted_out["consent"], Value::Null);
    // Refused with older consent.
    let refused = &events[2];
    assert_eq!(refused["seq"], 3);
    assert_eq!(refused["kind"], "refused");
    assert_eq!(refused["submission"]["id"], older.as_str());
    assert_eq!(refused["submission"]["evidence"], json!(["optin.png"]));
    assert_eq!(refused["consent"]["opt_in_at"], "2026-02-01T00:00:00Z");
    assert_eq!(
        refused["reason"],
        "opted out on 2026-03-01, after this consent"
    );
    // The other contact's chain holds its two imports only.
    assert_eq!(
        app.kinds(&merchant, "+447911100001").await,
        ["imported", "imported"]
    );
}

async fn newer_consent_resubscribes_and_the_chain_keeps_every_event(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let first = app
        .imported(
            &merchant,
            &session,
            list_consented_on("2026-01-05"),
            b"first",
        )
        .await;
    app.suppress(
        &merchant,
        json!({ "phones": [NUMBER], "reason": "replied STOP", "suppressed_at": "2026-03-01T12:00:00Z" }),
    )
    .await;
    let older = app
        .imported(
            &merchant,
            &session,
            list_consented_on("2026-02-01"),
            b"older",
        )
        .await;
    let newer = app
        .imported(
            &merchant,
            &session,
            list_consented_on("2026-04-01"),
            b"newer",
        )
        .await;
    assert_eq!(app.failures_csv(&merchant, &newer).await, "row,reason\r\n");
    let contacts = app.all_contacts(&merchant).await;
    let contact = contacts
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["key"] == NUMBER)
        .expect("the contact");
    assert_eq!(contact["submission_id"], newer.as_str(), "re-subscribed");

    let (_, chain) = app.chain(&merchant, NUMBER).await;
    let events = events(&chain);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "imported",
            "opted_out",
            "refused",
            "opt_out_removed",
            "imported"
        ],
        "{chain}"
    );
    let seqs: Vec<u64> = events
        .iter()
        .map(|e| e["seq"].as_u64().expect("seq"))
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5]);
    let submissions: Vec<&Value> = events.iter().map(|e| &e["submission"]["id"]).collect();
    assert_eq!(
        submissions,
        [
            &json!(first),
            &Value::Null,
            &json!(older),
            &json!(newer),
            &json!(newer)
        ]
    );
    // The newer consent replaced the opt-out, and says so.
    let replaced = &events[3];
    assert_eq!(replaced["opt_out"]["value"], NUMBER);
    assert_eq!(replaced["opt_out"]["suppressed_at"], "2026-03-01T12:00:00Z");
    assert_eq!(replaced["opt_out"]["origin"], "import");
    assert!(
        replaced["reason"]
            .as_str()
            .is_some_and(|r| r.contains("newer consent") && r.contains(&newer)),
        "{replaced}"
    );
    assert_eq!(events[4]["consent"]["opt_in_at"], "2026-04-01T00:00:00Z");
    // Both consents stay in the chain.
    assert_eq!(events[0]["consent"]["opt_in_at"], "2026-01-05T00:00:00Z");
}

async fn tenants_cannot_read_each_others_chains_or_ledgers(app: TestApp) {
    let acme = app.tenant_on("Acme", "https://portal.example").await;
    let globex = app.tenant("Globex").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .imported(
            &acme.key,
            &session,
            list_consented_on("2026-01-05"),
            b"acme",
        )
        .await;
    assert_eq!(app.kinds(&acme.key, NUMBER).await, ["imported"]);

    let (status, _) = app.chain(&globex, NUMBER).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another tenant's contact");
    for format in ["csv", "json"] {
        let theirs = app
            .export(
                globex.expose(),
                &format!("/consent-ledger.{format}?submission={id}"),
            )
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{format}");
    }
    let empty = app.export(globex.expose(), "/consent-ledger.csv").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        csv_records(&empty.body).is_empty(),
        "Globex's ledger is empty"
    );
    let empty = app.export(globex.expose(), "/consent-ledger.json").await;
    assert_eq!(
        serde_json::from_slice::<Value>(&empty.body).expect("json"),
        json!([])
    );

    // The publishable key reads neither; no key is unauthorized.
    let publishable = acme.publishable_key.as_str();
    for path in [
        format!("/contacts/{NUMBER}/consent"),
        "/consent-ledger.csv".to_owned(),
        format!("/consent-ledger.json?submission={id}"),
    ] {
        let (status, _, refused) = app
            .send_as_page(
                app.http.get(format!("{}{path}", app.url)),
                publishable,
                Some("https://portal.example"),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {refused}");
        let unsigned = app
            .http
            .get(format!("{}{path}", app.url))
            .send()
            .await
            .expect("send");
        assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED, "{path}");
    }

    // Globex importing the same number starts a chain of its own.
    let theirs = app
        .imported(
            &globex,
            &session,
            list_consented_on("2026-02-01"),
            b"globex",
        )
        .await;
    let (_, chain) = app.chain(&globex, NUMBER).await;
    assert_eq!(events(&chain).len(), 1);
    assert_eq!(events(&chain)[0]["submission"]["id"], theirs.as_str());
    assert_eq!(app.kinds(&acme.key, NUMBER).await, ["imported"]);
    let ours = app.export(acme.key.expose(), "/consent-ledger.csv").await;
    let records = csv_records(&ours.body);
    assert_eq!(records.len(), 2);
    assert!(
        records.iter().all(|r| at(r, "submission_id") == id),
        "only Acme's"
    );
}

async fn the_export_of_a_submission_lists_each_contact(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    // Commas and quotes in the wording: the CSV must quote them right.
    let wording = "Yes, send me WhatsApp offers from Acme Boutique (\"weekly\", at most)";
    let rows = [
        ("+44 7911 100002", "2026-01-05"),
        ("+44 7911 100000", "2026-01-06"),
        ("+44 7911 100001", "2026-01-07"),
    ];
    let id = app
        .imported(&merchant, &session, list(&rows, wording), b"three")
        .await;
    let other = app
        .imported(
            &merchant,
            &session,
            list(&[("+44 7911 100003", "2026-01-08")], WORDING),
            b"one",
        )
        .await;

    let download = app
        .export(
            merchant.expose(),
            &format!("/consent-ledger.csv?submission={id}"),
        )
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.content_type, "text/csv; charset=utf-8");
    assert_eq!(
        download.disposition,
        format!("attachment; filename=\"consent-ledger-{id}.csv\"")
    );
    let records = csv_records(&download.body);
    let keys: Vec<&str> = records.iter().map(|r| at(r, "contact_key")).collect();
    assert_eq!(
        keys,
        ["+447911100000", "+447911100001", "+447911100002"],
        "by key"
    );
    for record in &records {
        assert_eq!(at(record, "kind"), "imported");
        assert_eq!(at(record, "seq"), "1");
        assert_eq!(at(record, "submission_id"), id);
        assert_eq!(at(record, "profile"), "whatsapp");
        assert_eq!(at(record, "channels"), "whatsapp");
        assert_eq!(at(record, "wording"), wording, "quoted and read back whole");
        assert_eq!(at(record, "wording_sha256"), sha256_hex(wording.as_bytes()));
        assert_eq!(at(record, "opt_in_source"), "shop");
        assert_eq!(at(record, "capture_method"), "checkbox at checkout");
        assert_eq!(at(record, "evidence"), "optin.png");
        assert_eq!(at(record, "verdict"), "approved");
        assert_eq!(at(record, "reviewer"), "ana@listgate.example");
    }
    assert_eq!(at(&records[0], "opt_in_at"), "2026-01-06T00:00:00Z");
    assert_eq!(at(&records[2], "row"), "2");
    let text = String::from_utf8(download.body.clone()).expect("utf-8");
    assert!(text.ends_with("\r\n"), "CRLF lines");
    assert!(
        text.contains(
            "\"Yes, send me WhatsApp offers from Acme Boutique (\"\"weekly\"\", at most)\""
        )
    );

    // The same in JSON, as the chain shows each event.
    let json = app
        .export(
            merchant.expose(),
            &format!("/consent-ledger.json?submission={id}"),
        )
        .await;
    assert_eq!(json.status, StatusCode::OK);
    assert_eq!(json.content_type, "application/json");
    let entries: Value = serde_json::from_slice(&json.body).expect("a JSON array");
    let entries = entries.as_array().expect("array");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[1]["contact_key"], "+447911100001");
    assert_eq!(entries[1]["consent"]["wording"], wording);
    let (_, chain) = app.chain(&merchant, "+447911100001").await;
    assert_eq!(entries[1], events(&chain)[0], "the chain's own event");

    // Every contact: both submissions.
    let all = app.export(merchant.expose(), "/consent-ledger.csv").await;
    let records = csv_records(&all.body);
    assert_eq!(records.len(), 4);
    assert_eq!(at(&records[3], "submission_id"), other);
    // Asked for anything else, the export says what it takes.
    let refused = app
        .export(merchant.expose(), "/consent-ledger.csv?submision=x")
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let missing = app
        .export(merchant.expose(), "/consent-ledger.csv?submission=nope")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

async fn the_export_streams_every_page_in_order(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .imported(
            &merchant,
            &session,
            list_consented_on("2026-01-05"),
            b"pages",
        )
        .await;
    let tenant: String = sqlx::query_scalar("SELECT tenant_id FROM submissions WHERE id = $1")
        .bind(&id)
        .fetch_one(&app.db)
        .await
        .expect("tenant");
    // More events than two pages hold, some contacts with two, one wording
    // a spreadsheet would run.
    let extra = 2_345;
    let formula = "=HYPERLINK(\"https://evil.example\")";
    let record = ConsentRecord {
        channels: Channels::only(Channel::Whatsapp),
        wording: Some(formula.to_owned()),
        ..ConsentRecord::default()
    };
    let sha = record.wording_sha256().expect("sha");
    let mut tx = app.db.begin().await.expect("tx");
    put_wording(&mut tx, &sha, formula).await.expect("wording");
    let keys: Vec<String> = (0..extra)
        .map(|i| format!("+4479000{:05}", i / 2))
        .collect();
    for key in &keys {
        let event = NewEvent {
            submission: Some(&id),
            consent: Some(&record),
            wording_sha256: Some(&sha),
            ..NewEvent::new(
                &tenant,
                key,
                ConsentEventKind::Imported,
                "2026-05-01T00:00:00Z",
            )
        };
        insert(&mut tx, &event).await.expect("event");
    }
    tx.commit().await.expect("commit");

    let download = app
        .export(
            merchant.expose(),
            &format!("/consent-ledger.csv?submission={id}"),
        )
        .await;
    let records = csv_records(&download.body);
    assert_eq!(records.len(), extra + 2, "every event once");
    let order: Vec<(String, u64)> = records
        .iter()
        .map(|r| {
            (
                at(r, "contact_key").to_owned(),
                at(r, "seq").parse().expect("seq"),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(order, sorted, "by contact key, then seq, no repeats");
    assert_eq!(
        at(&records[1], "seq"),
        "2",
        "a contact's second event follows its first"
    );
    assert_eq!(
        at(&records[0], "wording"),
        format!("'{formula}"),
        "no formula runs in the CSV"
    );
    let json = app
        .export(
            merchant.expose(),
            &format!("/consent-ledger.json?submission={id}"),
        )
        .await;
    let entries: Value = serde_json::from_slice(&json.body).expect("json");
    let entries = entries.as_array().expect("array");
    assert_eq!(entries.len(), extra + 2);
    assert_eq!(entries[0]["consent"]["wording"], formula, "exact in JSON");
}

async fn a_wording_is_stored_once(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    app.imported(
        &merchant,
        &session,
        list_consented_on("2026-01-05"),
        b"first",
    )
    .await;
    assert_eq!(
        app.count("consent_wordings").await,
        1,
        "two contacts, one wording"
    );
    assert_eq!(app.count("consent_events").await, 2);
    let (_, ann) = app.chain(&merchant, NUMBER).await;
    let (_, bob) = app.chain(&merchant, "+447911100001").await;
    let sha = sha256_hex(WORDING.as_bytes());
    assert_eq!(events(&ann)[0]["consent"]["wording_sha256"], sha.as_str());
    assert_eq!(events(&bob)[0]["consent"]["wording_sha256"], sha.as_str());
    // Another list with the same wording adds none; a new wording one.
    app.imported(
        &merchant,
        &session,
        list_consented_on("2026-01-06"),
        b"again",
    )
    .await;
    assert_eq!(app.count("consent_wordings").await, 1);
    let other = "Yes to WhatsApp news from Acme Boutique";
    app.imported(
        &merchant,
        &session,
        list(&[("+44 7911 100002", "2026-01-07")], other),
        b"new",
    )
    .await;
    assert_eq!(app.count("consent_wordings").await, 2);
    let stored: String =
        sqlx::query_scalar("SELECT wording FROM consent_wordings WHERE sha256 = $1")
            .bind(sha256_hex(other.as_bytes()))
            .fetch_one(&app.db)
            .await
            .expect("stored by its hash");
    assert_eq!(stored, other);
}

async fn the_reviewer_console_reads_the_same_chain(app: TestApp) {
    let acme = app.tenant_on("Acme", "https://portal.example").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let id = app
        .imported(
            &acme.key,
            &session,
            list_consented_on("2026-01-05"),
            b"first",
        )
        .await;
    let (_, merchants) = app.chain(&acme.key, NUMBER).await;
    let path = format!("/contacts/{NUMBER}/consent");
    for scope in [format!("submission={id}"), format!("tenant={}", acme.id)] {
        let (status, seen) = app
            .review(&session, &format!("{path}?{scope}"), None, false)
            .await;
        assert_eq!(status, StatusCode::OK, "{scope}: {seen}");
        assert_eq!(seen, merchants, "the same JSON ({scope})");
    }
    for (query, expected) in [
        (String::new(), StatusCode::BAD_REQUEST),
        (
            format!("?submission={id}&tenant={}", acme.id),
            StatusCode::BAD_REQUEST,
        ),
        ("?submission=nope".to_owned(), StatusCode::NOT_FOUND),
        ("?tenant=nope".to_owned(), StatusCode::NOT_FOUND),
    ] {
        let (status, body) = app
            .review(&session, &format!("{path}{query}"), None, false)
            .await;
        assert_eq!(status, expected, "{query}: {body}");
    }
    let (status, _) = app
        .review(
            &session,
            &format!("/contacts/+447999999999/consent?submission={id}"),
            None,
            false,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no chain");
    let signed_out = app
        .http
        .get(format!("{}/review{path}?submission={id}", app.url))
        .send()
        .await
        .expect("send");
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
    // A tenant's key is no reviewer session.
    let keyed = app
        .http
        .get(format!("{}/review{path}?submission={id}", app.url))
        .bearer_auth(acme.key.expose())
        .send()
        .await
        .expect("send");
    assert_eq!(keyed.status(), StatusCode::UNAUTHORIZED);
}

async fn opt_outs_a_row_carries_and_opt_outs_removed_join_the_chain(app: TestApp) {
    let merchant = app.tenant("College").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let options = CheckOptions {
        judging: JudgeOptions {
            infer_mobile_number: true,
            now: Some(chrono::Utc::now()),
            ..JudgeOptions::default()
        },
        ..CheckOptions::default()
    };
    let csv = "ContactId,StudentId,FirstName,LastName,MobileNumber,WhatsAppMobileNumber,WhatsAppOptedOut,WhatsAppMarketingOptedOut,OptedOut,StaffId\n\
        C-1,S-1,Maria,Lopez,+1 201-555-0123,+1 201-555-0123,yes,no,,\n\
        C-2,S-2,James,Okoro,+1 201-555-0124,+1 201-555-0124,no,no,,\n";
    let clean = common::clean_with("mongoose", csv, &options);
    let id = app
        .approved_form(
            &merchant,
            &session,
            form_for("mongoose", &options, clean, b"m"),
        )
        .await;
    app.wait_for(&merchant, &id, "the import", |s| s["status"] == "imported")
        .await;
    let (_, chain) = app.chain(&merchant, "C-1").await;
    let kinds: Vec<&str> = events(&chain)
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["imported", "opted_out"], "{chain}");
    let opted_out = &events(&chain)[1];
    assert_eq!(opted_out["opt_out"]["value"], "+12015550123");
    assert_eq!(opted_out["opt_out"]["origin"], "import");
    assert_eq!(opted_out["submission"]["id"], id.as_str());
    // Mongoose has no consent columns: the declaration says how.
    let consent = &events(&chain)[0]["consent"];
    assert_eq!(
        consent["wording"],
        "Yes, send me WhatsApp offers from Acme Boutique"
    );
    assert_eq!(consent["source"], "acme.example/join");
    assert_eq!(app.kinds(&merchant, "C-2").await, ["imported"]);

    // The tenant removes the opt-out: the contact holding the number and
    // the number itself record it.
    let response = app
        .http
        .delete(format!("{}/suppressions", app.url))
        .bearer_auth(merchant.expose())
        .json(&json!({ "phones": ["+12015550123"] }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.kinds(&merchant, "C-1").await,
        ["imported", "opted_out", "opt_out_removed"]
    );
    let (_, number) = app.chain(&merchant, "+12015550123").await;
    assert_eq!(events(&number).len(), 1);
    assert_eq!(events(&number)[0]["kind"], "opt_out_removed");
    assert_eq!(events(&number)[0]["opt_out"]["origin"], "api");
    // Opting C-2's number out through the API reaches C-2's chain.
    app.suppress(
        &merchant,
        json!({ "phones": ["+1 201 555 0124"], "reason": "STOP" }),
    )
    .await;
    assert_eq!(app.kinds(&merchant, "C-2").await, ["imported", "opted_out"]);
    // An opt-out already listed with a later date changes nothing, records nothing.
    app.suppress(
        &merchant,
        json!({ "phones": ["+12015550124"], "suppressed_at": "2020-01-01T00:00:00Z" }),
    )
    .await;
    assert_eq!(app.kinds(&merchant, "C-2").await, ["imported", "opted_out"]);
}

/// Opt-outs the test posts at once for one number.
const CONCURRENT_POSTS: usize = 24;

async fn concurrent_writers_of_one_chain_all_commit_and_the_chain_stays_whole(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let first = app
        .imported(&merchant, &session, list_consented_on("2026-01-05"), b"one")
        .await;
    let tenant: String = sqlx::query_scalar("SELECT tenant_id FROM submissions WHERE id = $1")
        .bind(&first)
        .fetch_one(&app.db)
        .await
        .expect("tenant");
    let postgres = app.state.backend.postgres;
    // On PostgreSQL another transaction holds an uncommitted event of the
    // chain while everything below writes to it: a chain numbered by its
    // highest seq plus one would make them collide.
    let mut held = if postgres {
        let mut tx = app.db.begin().await.expect("tx");
        let event = NewEvent {
            submission: Some(&first),
            ..NewEvent::new(
                &tenant,
                NUMBER,
                ConsentEventKind::Imported,
                "2026-05-01T00:00:00Z",
            )
        };
        insert(&mut tx, &event).await.expect("held event");
        Some(tx)
    } else {
        None
    };
    // An import touches the number while many opt-outs of it arrive at once.
    let mut rows: Vec<(String, &str)> = vec![("+44 7911 100000".into(), "2026-01-06")];
    rows.extend((0..300).map(|i| (format!("+44 7911 2{i:05}"), "2026-01-06")));
    let rows: Vec<(&str, &str)> = rows.iter().map(|(p, d)| (p.as_str(), *d)).collect();
    let second = app
        .approved_form(&merchant, &session, form(list(&rows, WORDING), b"two"))
        .await;
    let posts: Vec<_> = (0..CONCURRENT_POSTS)
        .map(|i| {
            let request = app
                .http
                .post(format!("{}/suppressions", app.url))
                .bearer_auth(merchant.expose())
                .json(&json!({
                    "phones": [NUMBER],
                    "reason": format!("STOP #{i}"),
                    "suppressed_at": format!("2026-03-01T12:00:{i:02}Z"),
                }));
            tokio::spawn(async move {
                let response = request.send().await.expect("send");
                let status = response.status();
                (
                    status,
                    response.json::<Value>().await.unwrap_or(Value::Null),
                )
            })
        })
        .collect();
    if let Some(tx) = held.take() {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        tx.commit().await.expect("commit the held event");
    }
    let mut written = 0;
    for post in posts {
        let (status, added) = post.await.expect("task");
        assert_eq!(status, StatusCode::OK, "no opt-out fails: {added}");
        written +=
            added["added"].as_u64().expect("added") + added["updated"].as_u64().expect("updated");
    }
    app.wait_for(&merchant, &second, "the import", |s| {
        s["status"] == "imported"
    })
    .await;

    let (status, chain) = app.chain(&merchant, NUMBER).await;
    assert_eq!(status, StatusCode::OK, "{chain}");
    let events = events(&chain);
    let seqs: Vec<u64> = events
        .iter()
        .map(|e| e["seq"].as_u64().expect("seq"))
        .collect();
    let whole: Vec<u64> = (1..=events.len() as u64).collect();
    assert_eq!(seqs, whole, "one event a place, none missing: {chain}");
    let of = |kind: &str, submission: Option<&str>| {
        events
            .iter()
            .filter(|e| {
                e["kind"] == kind && submission.is_none_or(|id| e["submission"]["id"] == id)
            })
            .count() as u64
    };
    assert_eq!(
        of("opted_out", None),
        written,
        "every opt-out written is on the chain"
    );
    assert!(written >= 1, "the first opt-out is added");
    assert_eq!(
        of("imported", Some(&second)) + of("refused", Some(&second)),
        1,
        "the second import's row is on the chain once: {chain}"
    );
    assert_eq!(
        of("imported", Some(&first)),
        1 + u64::from(postgres),
        "the first import's event and the held one: {chain}"
    );
    assert_eq!(
        events.len() as u64,
        written + 2 + u64::from(postgres),
        "nothing else: {chain}"
    );
}
