//! What anyone on the internet can try against a running server: guessing
//! reviewer passwords, enumerating reviewers, keeping sessions alive, and
//! flooding through the publishable key that sits in every partner page.
//! Each test fails when the protection it names is removed.

mod common;

use common::{Database, TestApp, clean_list, form, spawn_app_with};
use listgate::ServerConfig;
use listgate::db::reviewers::{remove_reviewer, set_reviewer};
use listgate::domain::reviewer::{Email, Password};
use listgate::http::throttle::AbuseLimits;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::net::IpAddr;
use std::time::{Duration, Instant};

const PASSWORD: &str = "correct horse battery staple";
const PORTAL: &str = "https://portal.example";

/// The app on each database with `limits` (PostgreSQL when available).
async fn on_each_database<F, Fut>(limits: AbuseLimits, scenario: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for database in [Database::Sqlite, Database::Postgres] {
        let configure = |config: &mut ServerConfig| config.abuse = limits;
        if let Some(app) = spawn_app_with(database, configure).await {
            scenario(app).await;
        }
    }
}

/// Limits high enough not to get in the way, with `change` applied.
fn limits(change: impl FnOnce(&mut AbuseLimits)) -> AbuseLimits {
    let mut limits = AbuseLimits {
        sign_in_attempts_per_minute: 1000,
        publishable_submissions_per_minute: 1000,
        publishable_submissions_per_minute_per_address: 1000,
        max_pending_submissions: 1000,
    };
    change(&mut limits);
    limits
}

/// A client whose requests come from the loopback address 127.0.0.`n`.
fn client_from(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from([127, 0, 0, n]))
        .build()
        .expect("client")
}

/// One sign-in attempt.
async fn attempt(
    http: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> reqwest::Response {
    http.post(format!("{}/session", app.url))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("send")
}

/// Asserts a 429 with a Retry-After of 1 to 60 seconds and the JSON error body.
async fn assert_too_many(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["status"], 429);
}

#[tokio::test]
async fn password_guessing_from_one_address_meets_429() {
    on_each_database(
        limits(|l| l.sign_in_attempts_per_minute = 5),
        |app| async move {
            let http = client_from(3);
            // Five e-mails, one guess each: the address is what is counted.
            for n in 0..5 {
                let answer = attempt(
                    &http,
                    &app,
                    &format!("guess{n}@listgate.example"),
                    "wrong password!",
                )
                .await;
                assert_eq!(answer.status(), StatusCode::FORBIDDEN);
            }
            assert_too_many(
                attempt(&http, &app, "guess5@listgate.example", "wrong password!").await,
            )
            .await;
            // Another address (the app's client, on 127.0.0.1) still has its own attempts.
            app.reviewer("ana@listgate.example", PASSWORD).await;
        },
    )
    .await;
}

#[tokio::test]
async fn password_guessing_for_one_email_from_many_addresses_meets_429() {
    on_each_database(
        limits(|l| l.sign_in_attempts_per_minute = 5),
        |app| async move {
            app.reviewer("ana@listgate.example", PASSWORD).await;
            for n in 0..4 {
                let answer = attempt(
                    &client_from(10 + n),
                    &app,
                    "Ana@listgate.example",
                    "wrong password!",
                )
                .await;
                assert_eq!(answer.status(), StatusCode::FORBIDDEN);
            }
            // A sixth attempt for this e-mail (signing in above was the first), from yet another address.
            assert_too_many(
                attempt(&client_from(20), &app, "ana@listgate.example", PASSWORD).await,
            )
            .await;
        },
    )
    .await;
}

/// The median of `samples`.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_known_emails_take_the_same_time() {
    let app = spawn_app_with(Database::Sqlite, |config| {
        config.abuse = limits(|_| ());
    })
    .await
    .expect("app");
    app.reviewer("ana@listgate.example", PASSWORD).await;
    let timed = |email: &'static str| {
        let app = &app;
        async move {
            let started = Instant::now();
            let answer = attempt(&app.http, app, email, "wrong password!").await;
            assert_eq!(answer.status(), StatusCode::FORBIDDEN);
            started.elapsed()
        }
    };
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        known.push(timed("ana@listgate.example").await);
        unknown.push(timed("nobody@listgate.example").await);
    }
    let (known, unknown) = (median(known), median(unknown));
    eprintln!("median answer: known e-mail {known:?}, unknown e-mail {unknown:?}");
    // Without the dummy hash the unknown e-mail answers >10x faster.
    assert!(
        unknown * 3 > known && known * 3 > unknown,
        "known {known:?} vs unknown {unknown:?}"
    );
}

#[tokio::test]
async fn password_hashing_leaves_the_server_responsive() {
    // One runtime thread for server and client: argon2 on it would stall
    // every other request until the hash is done.
    let app = spawn_app_with(Database::Sqlite, |config| {
        config.abuse = limits(|_| ());
    })
    .await
    .expect("app");
    let mut alone = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        attempt(
            &app.http,
            &app,
            "nobody@listgate.example",
            "wrong password!",
        )
        .await;
        alone.push(started.elapsed());
    }
    let one_hash = median(alone);
    let guesses: Vec<_> = (0..6)
        .map(|_| {
            attempt(
                &app.http,
                &app,
                "nobody@listgate.example",
                "wrong password!",
            )
        })
        .collect();
    let health = async {
        // Asked once the guesses are being hashed; timed from then, so a
        // runtime thread stuck hashing counts against it.
        let asked = Instant::now() + one_hash / 4;
        tokio::time::sleep_until(asked.into()).await;
        let answer = app
            .http
            .get(format!("{}/health", app.url))
            .send()
            .await
            .expect("health");
        assert_eq!(answer.status(), StatusCode::OK);
        asked.elapsed()
    };
    let (_, health) = tokio::join!(futures::future::join_all(guesses), health);
    eprintln!("one sign-in alone {one_hash:?}; health during six: {health:?}");
    assert!(
        health < one_hash,
        "health took {health:?}, one sign-in {one_hash:?}"
    );
}

#[tokio::test]
async fn a_sign_in_body_over_4_kb_is_refused() {
    let app = spawn_app_with(Database::Sqlite, |_| ()).await.expect("app");
    app.reviewer("ana@listgate.example", PASSWORD).await;
    let answer = attempt(
        &app.http,
        &app,
        "ana@listgate.example",
        &"x".repeat(64 * 1024),
    )
    .await;
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_new_password_or_removal_ends_the_reviewers_sessions() {
    on_each_database(limits(|_| ()), |app| async move {
        let email = Email::parse("ana@listgate.example").expect("email");
        let queue = |session: &common::Session| {
            app.http
                .get(format!("{}/review/submissions", app.url))
                .header("cookie", &session.cookie)
                .send()
        };
        let before = app.reviewer(email.as_str(), PASSWORD).await;
        assert_eq!(queue(&before).await.expect("send").status(), StatusCode::OK);
        let new_password = "another long passphrase";
        set_reviewer(
            &app.db,
            &email,
            &Password::parse(new_password).expect("password"),
        )
        .await
        .expect("new password");
        assert_eq!(
            queue(&before).await.expect("send").status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.sign_in(email.as_str(), PASSWORD).await.err(),
            Some(StatusCode::FORBIDDEN)
        );

        let after = app
            .sign_in(email.as_str(), new_password)
            .await
            .expect("signed in");
        assert!(remove_reviewer(&app.db, &email).await.expect("remove"));
        assert_eq!(
            queue(&after).await.expect("send").status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.sign_in(email.as_str(), new_password).await.err(),
            Some(StatusCode::FORBIDDEN)
        );
        assert!(
            !remove_reviewer(&app.db, &email)
                .await
                .expect("remove again"),
            "already removed"
        );
        assert_eq!(app.count("sessions").await, 0);
    })
    .await;
}

#[test]
fn removing_an_unknown_reviewer_says_so() {
    let data = tempfile::tempdir().expect("data dir");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_listgate"))
        .args([
            "reviewer",
            "remove",
            "nobody@listgate.example",
            "--data-dir",
        ])
        .arg(data.path())
        .env_remove("LISTGATE_DATABASE_URL")
        .output()
        .expect("run listgate");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no reviewer has the email `nobody@listgate.example`"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_console_opened_again_finds_its_session_until_signing_out_ends_it() {
    on_each_database(limits(|_| ()), |app| async move {
        let session = app.reviewer("ana@listgate.example", PASSWORD).await;
        let current = || {
            app.http
                .get(format!("{}/session", app.url))
                .header("cookie", &session.cookie)
                .send()
        };
        let found = current().await.expect("send");
        assert_eq!(found.status(), StatusCode::OK);
        let found: serde_json::Value = found.json().await.expect("json");
        assert_eq!(found["email"], "ana@listgate.example");
        assert_eq!(found["csrf_token"], session.csrf.as_str());
        let anonymous = app
            .http
            .get(format!("{}/session", app.url))
            .send()
            .await
            .expect("send");
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

        let answer = app
            .http
            .delete(format!("{}/session", app.url))
            .header("cookie", &session.cookie)
            .header("x-csrf-token", &session.csrf)
            .send()
            .await
            .expect("send");
        assert_eq!(answer.status(), StatusCode::NO_CONTENT);
        let cleared = answer.headers()["set-cookie"].to_str().expect("ascii");
        assert!(
            cleared.starts_with("listgate_session=;") && cleared.contains("Max-Age=0"),
            "{cleared}"
        );
        assert_eq!(app.count("sessions").await, 0);
        assert_eq!(
            current().await.expect("send").status(),
            StatusCode::UNAUTHORIZED,
            "the session ended"
        );
    })
    .await;
}

#[tokio::test]
async fn reviewer_routes_answer_401_without_a_session_and_403_without_its_csrf_token() {
    on_each_database(limits(|_| ()), |app| async move {
        let session = app.reviewer("ana@listgate.example", PASSWORD).await;
        let queue = format!("{}/review/submissions", app.url);
        let status = |request: reqwest::RequestBuilder| async move {
            request.send().await.expect("send").status()
        };
        assert_eq!(status(app.http.get(&queue)).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            status(
                app.http
                    .get(&queue)
                    .header("cookie", "listgate_session=forged")
            )
            .await,
            StatusCode::UNAUTHORIZED
        );
        // An ended session is no session.
        sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
            .execute(&app.db)
            .await
            .expect("expire");
        assert_eq!(
            status(app.http.get(&queue).header("cookie", &session.cookie)).await,
            StatusCode::UNAUTHORIZED
        );
        let session = app
            .sign_in("ana@listgate.example", PASSWORD)
            .await
            .expect("signed in");
        let sign_out = || {
            app.http
                .delete(format!("{}/session", app.url))
                .header("cookie", &session.cookie)
        };
        assert_eq!(
            status(sign_out()).await,
            StatusCode::FORBIDDEN,
            "no CSRF token"
        );
        // A wrong token of the right length, and the right one cut short.
        let wrong = format!("{}x", &session.csrf[..session.csrf.len() - 1]);
        assert_eq!(
            status(sign_out().header("x-csrf-token", wrong)).await,
            StatusCode::FORBIDDEN
        );
        let short = &session.csrf[..session.csrf.len() - 1];
        assert_eq!(
            status(sign_out().header("x-csrf-token", short)).await,
            StatusCode::FORBIDDEN
        );

        // The OpenAPI description says the same of every reviewer route.
        let spec = app.openapi().await;
        for (path, operations) in spec["paths"].as_object().expect("paths") {
            for (method, operation) in operations.as_object().expect("operations") {
                let security = operation["security"].to_string();
                if !security.contains("reviewer_session") {
                    continue;
                }
                let responses = &operation["responses"];
                assert!(
                    responses.get("401").is_some(),
                    "{method} {path} documents 401"
                );
                if security.contains("csrf_token") {
                    assert!(
                        responses.get("403").is_some(),
                        "{method} {path} documents 403"
                    );
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn ended_sessions_are_deleted() {
    on_each_database(limits(|_| ()), |app| async move {
        app.reviewer("ana@listgate.example", PASSWORD).await;
        sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
            .execute(&app.db)
            .await
            .expect("expire");
        // Signing in sweeps them…
        app.sign_in("ana@listgate.example", PASSWORD)
            .await
            .expect("signed in");
        assert_eq!(
            app.count("sessions").await,
            1,
            "only the new session is left"
        );
        // …and so does the hourly sweep, run here as the server runs it.
        sqlx::query("UPDATE sessions SET expires_at = '2000-01-01T00:00:00+00:00'")
            .execute(&app.db)
            .await
            .expect("expire");
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let sweep = tokio::spawn(listgate::services::retention::run(
            app.state.backend.clone(),
            stopped,
        ));
        let deadline = Instant::now() + Duration::from_secs(10);
        while app.count("sessions").await > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        stop.send(true).expect("stop");
        sweep.await.expect("sweep");
        assert_eq!(
            app.count("sessions").await,
            0,
            "retain_days is 0 here, sessions still go"
        );
    })
    .await;
}

/// Posts `form` with the publishable `key` as a page on the portal would, from `http`.
async fn submit_as_page(
    http: &reqwest::Client,
    app: &TestApp,
    key: &str,
    form: Form,
) -> reqwest::Response {
    http.post(format!("{}/submissions", app.url))
        .bearer_auth(key)
        .header("Origin", PORTAL)
        .multipart(form)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn the_publishable_key_is_rate_limited_per_address() {
    on_each_database(
        limits(|l| l.publishable_submissions_per_minute_per_address = 2),
        |app| async move {
            let key = app.tenant_on("Acme", PORTAL).await.publishable_key;
            let from_one = client_from(1);
            // Each with its own evidence: the same submission twice would be refused anyway.
            for evidence in [b"x1", b"x2"] {
                let answer =
                    submit_as_page(&from_one, &app, key.as_str(), form(clean_list(2), evidence))
                        .await;
                assert_eq!(answer.status(), StatusCode::CREATED);
            }
            assert_too_many(
                submit_as_page(&from_one, &app, key.as_str(), form(clean_list(2), b"x3")).await,
            )
            .await;
            let answer = submit_as_page(
                &client_from(2),
                &app,
                key.as_str(),
                form(clean_list(2), b"x4"),
            )
            .await;
            assert_eq!(
                answer.status(),
                StatusCode::CREATED,
                "another address has its own allowance"
            );
            assert_eq!(app.count("submissions").await, 3);
        },
    )
    .await;
}

#[tokio::test]
async fn the_publishable_key_is_rate_limited_across_addresses() {
    on_each_database(
        limits(|l| l.publishable_submissions_per_minute = 2),
        |app| async move {
            let key = app.tenant_on("Acme", PORTAL).await.publishable_key;
            for n in 1..=2 {
                let answer = submit_as_page(
                    &client_from(n),
                    &app,
                    key.as_str(),
                    form(clean_list(2), &[n]),
                )
                .await;
                assert_eq!(answer.status(), StatusCode::CREATED);
            }
            assert_too_many(
                submit_as_page(
                    &client_from(3),
                    &app,
                    key.as_str(),
                    form(clean_list(2), b"x"),
                )
                .await,
            )
            .await;
            // The merchant's secret key is not the public one's allowance.
            let secret = app.tenant("Other").await;
            let (status, _) = app
                .submit(Some(&secret), None, form(clean_list(2), b"x"))
                .await;
            assert_eq!(status, StatusCode::CREATED);
        },
    )
    .await;
}

#[tokio::test]
async fn a_tenant_has_at_most_so_many_submissions_waiting_for_review() {
    on_each_database(
        limits(|l| l.max_pending_submissions = 2),
        |app| async move {
            let merchant = app.tenant("Acme").await;
            for evidence in [b"x1", b"x2"] {
                let (status, _) = app
                    .submit(Some(&merchant), None, form(clean_list(2), evidence))
                    .await;
                assert_eq!(status, StatusCode::CREATED);
            }
            let (status, body) = app
                .submit(Some(&merchant), None, form(clean_list(2), b"x3"))
                .await;
            assert_eq!(status, StatusCode::CONFLICT);
            let message = body["error"]["message"].as_str().expect("message");
            assert!(
                message.contains("waiting for review (at most 2)"),
                "{message}"
            );
            // Another tenant is not held back, and a decision makes room.
            let other = app.tenant("Other").await;
            assert_eq!(
                app.submit(Some(&other), None, form(clean_list(2), b"x"))
                    .await
                    .0,
                StatusCode::CREATED
            );
            let session = app.reviewer("ana@listgate.example", PASSWORD).await;
            let (_, queue) = app.review(&session, "/submissions", None, false).await;
            // The queue lists the oldest waiting first: one of this merchant's.
            let first = queue[0]["id"].as_str().expect("id");
            let reject = json!({ "decision": "reject", "reasons": ["formatting"] });
            let (status, _) = app
                .review(
                    &session,
                    &format!("/submissions/{first}/decision"),
                    Some(reject),
                    true,
                )
                .await;
            assert_eq!(status, StatusCode::OK);
            let (status, _) = app
                .submit(Some(&merchant), None, form(clean_list(2), b"x"))
                .await;
            assert_eq!(status, StatusCode::CREATED, "a decision made room");
        },
    )
    .await;
}

#[tokio::test]
async fn the_check_permit_is_taken_before_the_body_is_read() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = spawn_app_with(Database::Sqlite, |config| {
        config.max_concurrent_checks = 1;
    })
    .await
    .expect("app");
    let merchant = app.tenant("Acme").await;
    // Every permit is busy (a list is being checked).
    let _busy = app
        .state
        .checks
        .clone()
        .try_acquire_owned()
        .expect("the one permit");
    // A 5 MB body that never arrives: the answer must not wait for it.
    let address = app
        .url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .expect("host");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/submissions HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000000\r\n\r\n--b\r\n",
        merchant.expose()
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = vec![0; 1024];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("an answer before the body is sent")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
}

/// A form as the browser sends it, with `consent` as the consent part.
fn form_with_consent(consent: impl Into<std::borrow::Cow<'static, str>>) -> Form {
    let settings = json!({ "profile": "whatsapp", "options": common::options() });
    Form::new()
        .text("settings", settings.to_string())
        .text("consent", consent)
        .part("clean", Part::bytes(clean_list(2)).file_name("clean.csv"))
}

#[tokio::test]
async fn consent_that_is_not_a_declaration_is_refused_naming_the_field() {
    on_each_database(limits(|_| ()), |app| async move {
        let merchant = app.tenant("Acme").await;
        let mut long_wording = common::consent();
        long_wording["consent"]["wording"] = json!("Yes to WhatsApp from Acme ".repeat(100));
        let mut unknown_field = common::consent();
        unknown_field["consent"]["extra"] = json!("tracking pixel");
        let mut blank_source = common::consent();
        blank_source["consent"]["source"] = json!("  ");
        let cases: [(String, &str); 7] = [
            ("{}".into(), "missing field `consent`"),
            ("42".into(), "invalid type: integer `42`"),
            (unknown_field.to_string(), "unknown field `extra`"),
            (long_wording.to_string(), "`consent.wording` is refused: 2600 characters; at most 2000"),
            (blank_source.to_string(), "`consent.source` is refused: needs at least 1 non-blank character"),
            (json!({ "consent": common::consent()["consent"], "self_check": { "skipped": true } }).to_string(),
                "unknown variant `skipped`"),
            (format!("{{\"consent\": \"{}\"}}", "x".repeat(1 << 20)), "larger than 16 KB"),
        ];
        for (consent, expected) in cases {
            let (status, body) = app.submit(Some(&merchant), None, form_with_consent(consent)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            let message = body["error"]["message"].as_str().expect("message");
            assert!(message.contains(expected), "{message} should say {expected}");
        }
        assert_eq!(app.count("submissions").await, 0, "nothing was stored");
        let (status, created) = app
            .submit(Some(&merchant), None, form_with_consent(common::consent().to_string()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["consent"], common::consent());
    })
    .await;
}
