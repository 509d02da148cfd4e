//! What the server's integration tests share: a fresh PostgreSQL database,
//! the options the browser checks with, clean lists and submission forms.
#![allow(dead_code, reason = "each test binary uses a part of it")]

use listgate_core::{CheckOptions, Outputs, Profile, check_bytes};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// The messy WhatsApp fixture.
pub const MESSY: &[u8] = include_bytes!("../../../tests/fixtures/whatsapp_messy.csv");

/// A fresh PostgreSQL database, or `None` (with a notice) when no server
/// was given; `scripts/test` always gives one and requires it.
pub async fn postgres_url() -> Option<String> {
    let Ok(admin) = std::env::var("LISTGATE_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("LISTGATE_REQUIRE_POSTGRES").is_none(),
            "LISTGATE_TEST_POSTGRES_URL is not set (scripts/test sets it)"
        );
        eprintln!("PostgreSQL tests skipped: set LISTGATE_TEST_POSTGRES_URL (scripts/test does)");
        return None;
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("connect to PostgreSQL");
    let name = format!("listgate_test_{}", listgate::tenants::new_id());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&pool)
        .await
        .expect("create a test database");
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').expect("URL with a database");
    Some(format!("{base}/{name}"))
}

/// Check options as the browser sends them for Acme's UK list, judged as of
/// now (like the server's re-check).
pub fn options() -> CheckOptions {
    CheckOptions {
        default_region: Some("GB".into()),
        business_name: Some("Acme Boutique".into()),
        now: Some(chrono::Utc::now()),
        ..CheckOptions::default()
    }
}

/// The clean file the browser would submit for `csv` (WhatsApp profile).
pub fn clean(csv: &[u8]) -> Vec<u8> {
    let mut outputs = Outputs::default();
    check_bytes(
        csv,
        Profile::builtin("whatsapp").expect("profile"),
        options(),
        &mut outputs,
    )
    .expect("check");
    outputs.clean
}

/// The clean file of `n` WhatsApp-consented contacts with distinct numbers.
pub fn clean_list(n: usize) -> Vec<u8> {
    let mut csv = String::from("phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n");
    for i in 0..n {
        csv.push_str(&format!(
            "+44 7911 {:06},2025-01-05,shop,Yes to WhatsApp offers from Acme Boutique,whatsapp\n",
            100_000 + i
        ));
    }
    let clean = clean(csv.as_bytes());
    let rows = clean.iter().filter(|&&b| b == b'\n').count() - 1;
    assert_eq!(rows, n, "every contact is importable");
    clean
}

/// A submission form as the browser sends it: settings, consent answers,
/// the clean file and one evidence image.
pub fn form_for(profile: &str, options: &CheckOptions, clean: Vec<u8>, evidence: &[u8]) -> Form {
    let settings = json!({ "profile": profile, "options": options });
    let consent = json!({ "wording": "Yes, send me WhatsApp offers from Acme Boutique", "source": "acme.example/join" });
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

/// [`form_for`] the WhatsApp profile with [`options`].
pub fn form(clean: Vec<u8>, evidence: &[u8]) -> Form {
    form_for("whatsapp", &options(), clean, evidence)
}

/// A signed-in reviewer: the session cookie and the CSRF token.
pub struct Session {
    /// `listgate_session=…`, to send as `Cookie`.
    pub cookie: String,
    /// To send as `X-CSRF-Token` with every change.
    pub csrf: String,
}

/// Signs a reviewer in at the API under `api`; the refusal's status otherwise.
/// The cookie must be HttpOnly and SameSite=Strict.
pub async fn sign_in(
    http: &reqwest::Client,
    api: &str,
    email: &str,
    password: &str,
) -> Result<Session, StatusCode> {
    let response = http
        .post(format!("{api}/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("send");
    if response.status() != StatusCode::OK {
        return Err(response.status());
    }
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();
    let body: Value = response.json().await.expect("json");
    Ok(Session {
        cookie,
        csrf: body["csrf_token"].as_str().expect("csrf").to_owned(),
    })
}

/// `listgate serve` in this process: the real app through
/// [`listgate::serve_on`] on a free loopback port, with SQLite in a fresh
/// data directory and the app's files in its `dist/`.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    /// Its address, for raw TCP clients.
    pub addr: std::net::SocketAddr,
    /// Its database.
    pub db: sqlx::AnyPool,
    /// Its data directory; `dist/` holds the app's files.
    pub data: tempfile::TempDir,
    /// Completing it shuts the server down.
    pub stop: Option<tokio::sync::oneshot::Sender<()>>,
    /// Ends when the server has shut down.
    pub stopped: tokio::task::JoinHandle<()>,
}

/// Serves with `limits` and `transport`; `files` (path, content) are written
/// to the app directory first.
pub async fn serve(
    limits: listgate::ConnectionLimits,
    transport: listgate::transport::Transport,
    files: &[(&str, &str)],
) -> Server {
    let data = tempfile::tempdir().expect("data dir");
    let dist = data.path().join("dist");
    for (path, content) in files {
        let path = dist.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dist dir");
        std::fs::write(path, content).expect("app file");
    }
    let db = listgate::db::connect(&listgate::db::default_url(data.path()))
        .await
        .expect("database");
    let state = listgate::AppState {
        dist,
        db: db.clone(),
        store: listgate::store::BlobStore::new(data.path()),
        max_submission_bytes: 64 << 10,
        postgres: false,
        batch_interval_ms: 0,
        retain_days: 0,
        checks: std::sync::Arc::new(tokio::sync::Semaphore::new(2)),
        evidence_limits: listgate::submissions::EvidenceLimits {
            files: 3,
            bytes_per_file: 1 << 20,
        },
        http: reqwest::Client::new(),
        transport,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let stopped = tokio::spawn(listgate::serve_on(listener, state, limits, async {
        let _ = stopping.await;
    }));
    Server {
        origin: format!("http://{addr}"),
        addr,
        db,
        data,
        stop: Some(stop),
        stopped,
    }
}
