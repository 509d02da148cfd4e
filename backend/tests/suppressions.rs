//! The tenant's suppression list (`/suppressions`) and opt-outs winning at
//! import, against the real app on SQLite and PostgreSQL.

#[macro_use]
mod common;

use common::{TestApp, form, form_for};
use listgate::domain::tenant::ApiKey;
use listgate_core::{CheckOptions, JudgeOptions};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_every_database! {
    opt_outs_are_added_listed_updated_by_a_later_date_and_removed(10 << 20, 0);
    a_value_that_cannot_be_read_is_refused_by_its_place_and_nothing_is_stored(10 << 20, 0);
    a_csv_of_opt_outs_is_uploaded(10 << 20, 0);
    the_publishable_key_cannot_read_or_change_the_list(10 << 20, 0);
    tenants_do_not_share_suppression_lists(10 << 20, 0);
    the_list_reaches_the_browser_as_keyed_hashes_under_each_tenants_key(10 << 20, 0);
    an_opt_out_outlives_older_consent_and_yields_to_newer(10 << 20, 0);
    imported_opt_outs_join_the_list(10 << 20, 0);
    a_partner_pages_list_is_checked_against_the_opt_outs_when_it_is_submitted(10 << 20, 0);
}

const PASSWORD: &str = "correct horse battery staple";

impl TestApp {
    /// Sends `body` (JSON) to `/suppressions` with `method` and `key`.
    async fn suppressions(
        &self,
        method: reqwest::Method,
        key: &ApiKey,
        body: Value,
    ) -> (StatusCode, Value) {
        let response = self
            .http
            .request(method, format!("{}/suppressions", self.url))
            .bearer_auth(key.expose())
            .json(&body)
            .send()
            .await
            .expect("send");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Adds opt-outs as JSON.
    async fn suppress(&self, key: &ApiKey, body: Value) -> (StatusCode, Value) {
        self.suppressions(reqwest::Method::POST, key, body).await
    }

    /// Uploads `csv` of opt-outs.
    async fn suppress_csv(&self, key: &ApiKey, csv: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}/suppressions", self.url))
            .bearer_auth(key.expose())
            .header("content-type", "text/csv")
            .body(csv.to_owned())
            .send()
            .await
            .expect("send");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The whole list, page by page with `limit`, and the pages it took.
    async fn suppression_list(&self, key: &ApiKey, limit: u32) -> (Vec<Value>, usize) {
        let (mut all, mut pages) = (Vec::new(), 0);
        let mut path = format!("/suppressions?limit={limit}");
        loop {
            let (status, page) = self.get(key, &path).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            pages += 1;
            all.extend(
                page["suppressions"]
                    .as_array()
                    .expect("list")
                    .iter()
                    .cloned(),
            );
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/suppressions?limit={limit}&cursor={cursor}"),
                None => return (all, pages),
            }
        }
    }
}

fn values(list: &[Value]) -> Vec<&str> {
    list.iter()
        .map(|s| s["value"].as_str().expect("value"))
        .collect()
}

async fn opt_outs_are_added_listed_updated_by_a_later_date_and_removed(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let (status, added) = app
        .suppress(
            &merchant,
            json!({
                "phones": ["+44 7911 123456", "+447911123457", "+1 (201) 555-0123"],
                "emails": [" Ann@Example.com ", "bob@example.com"],
                "reason": "replied STOP",
                "suppressed_at": "2026-03-01T09:30:00Z",
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(added, json!({ "added": 5, "updated": 0, "unchanged": 0 }));

    // Paged like the contacts: addresses, then phones, by value.
    let (list, pages) = app.suppression_list(&merchant, 2).await;
    assert_eq!(pages, 3);
    assert_eq!(
        values(&list),
        [
            "ann@example.com",
            "bob@example.com",
            "+12015550123",
            "+447911123456",
            "+447911123457"
        ]
    );
    assert_eq!(
        list[3],
        json!({
            "kind": "phone",
            "value": "+447911123456",
            "reason": "replied STOP",
            "suppressed_at": "2026-03-01T09:30:00Z",
            "origin": "api",
        })
    );
    assert_eq!(list[1]["kind"], "email");
    let (status, _) = app.get(&merchant, "/suppressions?limit=1001").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, refused) = app.get(&merchant, "/suppressions?cursor=zz").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        refused["error"]["message"]
            .as_str()
            .expect("message")
            .contains("suppressions"),
        "{refused}"
    );

    // An earlier date changes nothing; a later one replaces date and reason.
    let (_, earlier) = app
        .suppress(
            &merchant,
            json!({ "phones": ["+447911123456"], "reason": "old", "suppressed_at": "2026-02-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(earlier, json!({ "added": 0, "updated": 0, "unchanged": 1 }));
    let (_, later) = app
        .suppress(
            &merchant,
            json!({ "phones": ["+447911123456"], "emails": ["carol@example.com"], "reason": "unsubscribed", "suppressed_at": "2026-04-01T00:00:00+02:00" }),
        )
        .await;
    assert_eq!(later, json!({ "added": 1, "updated": 1, "unchanged": 0 }));
    let (list, _) = app.suppression_list(&merchant, 1000).await;
    assert_eq!(list[4]["reason"], "unsubscribed");
    assert_eq!(list[4]["suppressed_at"], "2026-03-31T22:00:00Z");
    // Without a date the opt-out is made now.
    let (_, now) = app
        .suppress(&merchant, json!({ "emails": ["dan@example.com"] }))
        .await;
    assert_eq!(now["added"], 1);

    let (status, removed) = app
        .suppressions(
            reqwest::Method::DELETE,
            &merchant,
            json!({ "phones": ["+44 7911 123456", "+447900000000"], "emails": ["ANN@example.com"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{removed}");
    assert_eq!(removed, json!({ "removed": 2 }), "one was never listed");
    let (list, _) = app.suppression_list(&merchant, 1000).await;
    assert_eq!(
        values(&list),
        [
            "bob@example.com",
            "carol@example.com",
            "dan@example.com",
            "+12015550123",
            "+447911123457"
        ]
    );
}

async fn a_value_that_cannot_be_read_is_refused_by_its_place_and_nothing_is_stored(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let message = |body: &Value| {
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let (status, refused) = app
        .suppress(
            &merchant,
            json!({ "phones": ["+447911123456", "call me", "07911 123456"], "emails": ["ann.example.com"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let said = message(&refused);
    for place in [
        "phones[1]",
        "phones[2]",
        "emails[0]",
        "country code",
        "nothing was stored",
    ] {
        assert!(said.contains(place), "names {place}: {said}");
    }
    assert!(!said.contains("phones[0]"), "{said}");
    for body in [
        json!({ "phones": ["+447911123456"], "reason": "x".repeat(201) }),
        json!({ "phones": ["+447911123456"], "suppressed_at": "yesterday" }),
        json!({ "phone": ["+447911123456"] }),
    ] {
        let (status, refused) = app.suppress(&merchant, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    }
    let (status, _) = app
        .suppressions(
            reqwest::Method::DELETE,
            &merchant,
            json!({ "emails": ["not an address"] }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let (status, refused) = app
        .suppress_csv(
            &merchant,
            "phone,email,reason\n+447911123456,,STOP\n+44 7911 12345x,,STOP\n,,\n,ann@example,\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let said = message(&refused);
    assert!(said.contains("row 3: `+44 7911 12345x`"), "{said}");
    assert!(said.contains("row 5: `ann@example`"), "{said}");
    assert!(!said.contains("row 4"), "a blank row is skipped: {said}");
    let (status, refused) = app.suppress_csv(&merchant, "number\n+447911123456\n").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message(&refused).contains("`phone` or `email`"),
        "{refused}"
    );
    let response = app
        .http
        .post(format!("{}/suppressions", app.url))
        .bearer_auth(merchant.expose())
        .header("content-type", "text/plain")
        .body("+447911123456")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(app.count("suppressions").await, 0, "nothing was stored");
}

async fn a_csv_of_opt_outs_is_uploaded(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let csv = "\u{feff}Email,Phone,Reason,Date\r\n\
        Ann@Example.com,+44 7911 123456,\"replied STOP, twice\",2026-03-01\r\n\
        ,+1 201 555 0123,,2026-03-02T10:00:00Z\r\n\
        bob@example.com,,complaint,\r\n";
    let (status, added) = app.suppress_csv(&merchant, csv).await;
    assert_eq!(status, StatusCode::OK, "{added}");
    assert_eq!(added, json!({ "added": 4, "updated": 0, "unchanged": 0 }));
    let (list, _) = app.suppression_list(&merchant, 1000).await;
    assert_eq!(
        values(&list),
        [
            "ann@example.com",
            "bob@example.com",
            "+12015550123",
            "+447911123456"
        ]
    );
    assert_eq!(list[3]["reason"], "replied STOP, twice");
    assert_eq!(list[3]["suppressed_at"], "2026-03-01T00:00:00Z");
    assert_eq!(list[0]["suppressed_at"], "2026-03-01T00:00:00Z");
    assert_eq!(list[2]["suppressed_at"], "2026-03-02T10:00:00Z");
    // The same file again: nothing is later, nothing changes.
    let (_, again) = app
        .suppress_csv(&merchant, &csv.replace("bob@", "carol@"))
        .await;
    assert_eq!(again, json!({ "added": 1, "updated": 0, "unchanged": 3 }));
}

async fn the_publishable_key_cannot_read_or_change_the_list(app: TestApp) {
    let portal = app.tenant_on("Acme", "https://portal.example").await;
    let url = format!("{}/suppressions", app.url);
    let body = json!({ "phones": ["+447911123456"] });
    for origin in [Some("https://portal.example"), None] {
        for request in [
            app.http.get(&url),
            app.http.post(&url).json(&body),
            app.http.delete(&url).json(&body),
            app.http.get(format!("{url}/hashed")),
        ] {
            let (status, _, refused) = app
                .send_as_page(request, portal.publishable_key.as_str(), origin)
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        }
    }
    let unsigned = app.http.get(&url).send().await.expect("send");
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("suppressions").await, 0);
}

async fn tenants_do_not_share_suppression_lists(app: TestApp) {
    let acme = app.tenant("Acme").await;
    let globex = app.tenant("Globex").await;
    let (_, added) = app
        .suppress(
            &acme,
            json!({ "phones": ["+447911100000"], "suppressed_at": "2026-03-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(added["added"], 1);
    let (theirs, _) = app.suppression_list(&globex, 100).await;
    assert!(theirs.is_empty(), "{theirs:?}");
    let (_, removed) = app
        .suppressions(
            reqwest::Method::DELETE,
            &globex,
            json!({ "phones": ["+447911100000"] }),
        )
        .await;
    assert_eq!(removed, json!({ "removed": 0 }));
    // Globex adding the same number is its own entry.
    let (_, added) = app
        .suppress(
            &globex,
            json!({ "phones": ["+447911100000"], "suppressed_at": "2026-01-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(added["added"], 1);
    let (ours, _) = app.suppression_list(&acme, 100).await;
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0]["suppressed_at"], "2026-03-01T00:00:00Z");

    // Acme's opt-out does not stop Globex's import of the number.
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    app.suppressions(
        reqwest::Method::DELETE,
        &globex,
        json!({ "phones": ["+447911100000"] }),
    )
    .await;
    let id = app
        .approved(&globex, &session, list_consented_on("2026-02-01"))
        .await;
    app.wait_for(&globex, &id, "the import", |s| s["status"] == "imported")
        .await;
    assert_eq!(app.failures_csv(&globex, &id).await, "row,reason\r\n");
    let (ours, _) = app.suppression_list(&acme, 100).await;
    assert_eq!(ours.len(), 1, "Acme's list is untouched");
}

async fn the_list_reaches_the_browser_as_keyed_hashes_under_each_tenants_key(app: TestApp) {
    use listgate_core::suppress::{Opted, keyed_hash};
    let acme = app.tenant("Acme").await;
    let globex = app.tenant("Globex").await;
    let (status, _) = app
        .suppress(
            &acme,
            json!({ "phones": ["+44 7911 100000"], "emails": ["Ann@Example.com"],
                    "reason": "replied STOP", "suppressed_at": "2026-03-01T00:00:00Z" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, hashed) = app.get(&acme, "/suppressions/hashed").await;
    assert_eq!(status, StatusCode::OK, "{hashed}");
    assert_eq!(hashed["algorithm"], "HMAC-SHA-256");
    let key = hashed["key"].as_str().expect("a key").to_owned();
    assert_eq!(key.len(), 64, "32 random bytes in hex: {key}");
    let secret = hex::decode(&key).expect("hex");
    let text = hashed.to_string();
    for plain in ["7911100000", "ann@example.com", "Ann@Example.com"] {
        assert!(!text.contains(plain), "{plain} is in {text}");
    }
    let mut hashes: Vec<&str> = hashed["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            assert_eq!(e["since"], "2026-03-01T00:00:00Z");
            assert_eq!(e["reason"], "replied STOP");
            e["hash"].as_str().expect("hash")
        })
        .collect();
    hashes.sort_unstable();
    let mut want = vec![
        keyed_hash(&secret, Opted::Phone("+447911100000")),
        keyed_hash(&secret, Opted::Email("ann@example.com")),
    ];
    want.sort_unstable();
    assert_eq!(hashes, want);
    // The key stays the tenant's: the same on the next fetch.
    let (_, again) = app.get(&acme, "/suppressions/hashed").await;
    assert_eq!(again["key"], key);
    // Another tenant has its own key and an empty list.
    let (status, theirs) = app.get(&globex, "/suppressions/hashed").await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(theirs["key"], key);
    assert_eq!(theirs["entries"], json!([]));
}

/// A WhatsApp clean file of two contacts, +447911100000 consenting on
/// `date` and +447911100001 on 2026-01-05.
fn list_consented_on(date: &str) -> Vec<u8> {
    let row = |phone: &str, date: &str| {
        format!("{phone},{date},shop,Yes to WhatsApp offers from Acme Boutique,whatsapp\n")
    };
    let csv = format!(
        "phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n{}{}",
        row("+44 7911 100000", date),
        row("+44 7911 100001", "2026-01-05")
    );
    common::clean(csv.as_bytes())
}

/// The data of the merchant's contact `key`.
async fn contact(app: &TestApp, merchant: &ApiKey, key: &str) -> Value {
    let contacts = app.all_contacts(merchant).await;
    contacts
        .as_array()
        .expect("contacts")
        .iter()
        .find(|c| c["key"] == key)
        .cloned()
        .unwrap_or_else(|| panic!("no contact {key}"))
}

async fn an_opt_out_outlives_older_consent_and_yields_to_newer(app: TestApp) {
    let merchant = app.tenant("Acme").await;
    let session = app.reviewer("ana@listgate.example", PASSWORD).await;
    let import = |clean: Vec<u8>, evidence: &'static [u8]| {
        let (app, merchant, session) = (&app, &merchant, &session);
        async move {
            let id = app
                .approved_form(merchant, session, form(clean, evidence))
                .await;
            app.wait_for(merchant, &id, "the import", |s| s["status"] == "imported")
                .await;
            id
        }
    };
    let first = import(list_consented_on("2026-01-05"), b"first").await;
    assert_eq!(
        contact(&app, &merchant, "+447911100000").await["submission_id"],
        first.as_str()
    );

    // The contact opts out on 1 March.
    let (_, added) = app
        .suppress(
            &merchant,
            json!({ "phones": ["+447911100000"], "reason": "replied STOP", "suppressed_at": "2026-03-01T12:00:00Z" }),
        )
        .await;
    assert_eq!(added["added"], 1);

    // A later list with consent from February does not re-subscribe them.
    let older = import(list_consented_on("2026-02-01"), b"older").await;
    assert_eq!(
        app.failures_csv(&merchant, &older).await,
        "row,reason\r\n2,\"opted out on 2026-03-01, after this consent\"\r\n"
    );
    assert_eq!(
        contact(&app, &merchant, "+447911100000").await["submission_id"],
        first.as_str(),
        "the opted-out contact is not written"
    );
    assert_eq!(
        contact(&app, &merchant, "+447911100001").await["submission_id"],
        older.as_str(),
        "the other row is imported"
    );
    let (list, _) = app.suppression_list(&merchant, 100).await;
    assert_eq!(values(&list), ["+447911100000"], "the opt-out stays");

    // Consent given in April, after the opt-out, replaces it.
    let newer = import(list_consented_on("2026-04-01"), b"newer").await;
    assert_eq!(app.failures_csv(&merchant, &newer).await, "row,reason\r\n");
    let resubscribed = contact(&app, &merchant, "+447911100000").await;
    assert_eq!(resubscribed["submission_id"], newer.as_str());
    assert_eq!(resubscribed["data"]["opt_in_at"], "2026-04-01T00:00:00Z");
    let (list, _) = app.suppression_list(&merchant, 100).await;
    assert!(
        list.is_empty(),
        "newer consent replaced the opt-out: {list:?}"
    );
}

async fn imported_opt_outs_join_the_list(app: TestApp) {
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
    assert_eq!(
        app.failures_csv(&merchant, &id).await,
        "row,reason\r\n",
        "a row carrying an opt-out is imported with its flags"
    );
    let (list, _) = app.suppression_list(&merchant, 100).await;
    assert_eq!(values(&list), ["+12015550123"]);
    assert_eq!(list[0]["origin"], "import");
    let reason = list[0]["reason"].as_str().expect("reason");
    assert!(
        reason.contains(&id) && reason.contains("WhatsAppOptedOut"),
        "{reason}"
    );
}

async fn a_partner_pages_list_is_checked_against_the_opt_outs_when_it_is_submitted(app: TestApp) {
    let portal = app.tenant_on("Acme", "https://portal.example").await;
    let (_, added) = app
        .suppress(
            &portal.key,
            json!({ "phones": ["+447911100000"], "reason": "replied STOP", "suppressed_at": "2026-03-01T12:00:00Z" }),
        )
        .await;
    assert_eq!(added["added"], 1);
    let submit = |clean: Vec<u8>, evidence: &'static [u8]| {
        let request = app
            .http
            .post(format!("{}/submissions", app.url))
            .multipart(form(clean, evidence));
        app.send_as_page(
            request,
            portal.publishable_key.as_str(),
            Some("https://portal.example"),
        )
    };
    // The page never saw the list: its consent from February is older than
    // the opt-out, and the server says which row.
    let (status, _, refused) = submit(list_consented_on("2026-02-01"), b"older").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let issues = refused["error"]["issues"].as_array().expect("issues");
    assert!(
        issues.iter().any(|i| i["code"] == "consent.suppressed"
            && i["row"] == 2
            && i["message"]
                .as_str()
                .is_some_and(|m| m.contains("opted out on 2026-03-01 (replied STOP)"))),
        "{refused}"
    );
    assert_eq!(app.count("submissions").await, 0);
    // Consent given after the opt-out stands.
    let (status, _, created) = submit(list_consented_on("2026-04-01"), b"newer").await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}
