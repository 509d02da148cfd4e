//! What the server's integration tests share: the real app on a loopback
//! port, a fresh PostgreSQL database, the options the browser checks with,
//! clean lists and submission forms.
#![allow(dead_code, reason = "each test binary uses a part of it")]

use listgate::db::tenants::{NewTenant, add_tenant};
use listgate::domain::tenant::{ApiKey, Origin, TenantName};
use listgate::services::Retention;
use listgate::{AppState, ServerConfig};
use listgate_core::{CheckOptions, JudgeOptions, Outputs, Profile, check_bytes};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sqlx::AssertSqlSafe;

/// Runs each scenario once on SQLite and once on PostgreSQL.
#[allow(unused_macros, reason = "each test binary uses a part of it")]
macro_rules! on_every_database {
    ($($scenario:ident($limit:expr, $interval_seconds:expr);)*) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let app = crate::common::spawn_app(crate::common::Database::Sqlite, $limit, $interval_seconds).await.expect("app");
                    super::$scenario(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    if let Some(app) = crate::common::spawn_app(crate::common::Database::Postgres, $limit, $interval_seconds).await {
                        super::$scenario(app).await;
                    }
                }
            )*
        }
    };
}

/// The messy WhatsApp fixture.
pub const MESSY: &[u8] = include_bytes!("../../../tests/fixtures/whatsapp_messy.csv");

/// The real app on a random loopback port, with its database, data
/// directory and import worker.
pub struct TestApp {
    /// The API's base URL, `http://127.0.0.1:PORT/api/v1`.
    pub url: String,
    /// The app's database.
    pub db: sqlx::AnyPool,
    /// The data directory (removed when the app is dropped).
    pub data: tempfile::TempDir,
    /// A client for the app.
    pub http: reqwest::Client,
    /// The state the app serves with.
    pub state: AppState,
    /// Stops the import worker.
    pub stop_worker: tokio::sync::watch::Sender<bool>,
}

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Database {
    /// A fresh SQLite file in the test's data directory.
    Sqlite,
    /// A fresh database on the PostgreSQL at `LISTGATE_TEST_POSTGRES_URL`.
    Postgres,
    /// PostgreSQL at this URL (through a proxy a test can cut).
    PostgresAt(String),
}

/// The app on `database` taking submissions of up to `max_submission_bytes`,
/// offering plans with batches `batch_interval_seconds` apart.
pub async fn spawn_app(
    database: Database,
    max_submission_bytes: usize,
    batch_interval_seconds: u64,
) -> Option<TestApp> {
    spawn_app_with(database, |config| {
        config.max_submission_bytes = max_submission_bytes;
        config.batch_interval_seconds = batch_interval_seconds;
    })
    .await
}

/// The test defaults: no app files, 10 MiB submissions, two checks at once,
/// 3 evidence files of 1 MiB, batches at once, nothing deleted.
pub fn test_config(dist: std::path::PathBuf) -> ServerConfig {
    ServerConfig {
        dist,
        max_submission_bytes: 10 << 20,
        max_concurrent_checks: 2,
        evidence_limits: listgate::http::submissions::EvidenceLimits {
            files: 3,
            bytes_per_file: 1 << 20,
        },
        batch_interval_seconds: 0,
        retention: Retention {
            list_days: 0,
            evidence_days: 0,
        },
        ..ServerConfig::default()
    }
}

/// The app on `database` with the test defaults changed by `configure`
/// (`None` when PostgreSQL is asked for and not available).
pub async fn spawn_app_with(
    database: Database,
    configure: impl FnOnce(&mut ServerConfig),
) -> Option<TestApp> {
    let data = tempfile::tempdir().expect("data dir");
    let url = match &database {
        Database::Sqlite => listgate::db::default_url(data.path()),
        Database::Postgres => listgate_testkit::postgres::fresh_database().await?,
        Database::PostgresAt(url) => url.clone(),
    };
    let db = listgate::db::connect(&url).await.expect("database");
    let mut config = test_config(data.path().join("no-app"));
    configure(&mut config);
    let store = listgate::db::blobs::BlobStore::new(data.path());
    let postgres = !matches!(database, Database::Sqlite);
    let state = listgate::app::state(config, db.clone(), store, postgres);
    // The import worker, as `listgate serve` runs it.
    let (stop_worker, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(listgate::services::import::run_worker(
        state.backend.clone(),
        stopped,
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/v1", listener.local_addr().expect("addr"));
    let served = state.clone();
    tokio::spawn(listgate::serve_on(
        listener,
        served,
        listgate::ConnectionLimits::default(),
        std::future::pending(),
    ));
    Some(TestApp {
        url,
        db,
        data,
        http: reqwest::Client::new(),
        state,
        stop_worker,
    })
}

impl TestApp {
    /// Adds (or resets) a reviewer and signs them in.
    pub async fn reviewer(&self, email: &str, password: &str) -> Session {
        listgate::db::reviewers::set_reviewer(
            &self.db,
            &listgate::domain::reviewer::Email::parse(email).expect("email"),
            &listgate::domain::reviewer::Password::parse(password).expect("password"),
        )
        .await
        .expect("reviewer");
        self.sign_in(email, password).await.expect("signed in")
    }

    /// Signs in at this app; the refusal's status otherwise.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<Session, StatusCode> {
        sign_in(&self.http, &self.url, email, password).await
    }

    /// A reviewer request: GET, or POST with `body` and (when given) the CSRF token.
    pub async fn review(
        &self,
        session: &Session,
        path: &str,
        body: Option<Value>,
        csrf: bool,
    ) -> (StatusCode, Value) {
        let url = format!("{}/review{path}", self.url);
        let mut request = match &body {
            Some(body) => self.http.post(url).json(body),
            None => self.http.get(url),
        };
        request = request.header("cookie", &session.cookie);
        if csrf {
            request = request.header("x-csrf-token", &session.csrf);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Approves submission `id` and confirms the plan the reviewer is
    /// offered (the merchant's); the submission as the reviewer then sees it.
    pub async fn approve(&self, session: &Session, id: &str) -> Value {
        let (status, approved) = self
            .review(
                session,
                &format!("/submissions/{id}/decision"),
                Some(json!({ "decision": "approve" })),
                true,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!(
            approved["status"], "approved",
            "nothing is imported before the plan"
        );
        self.confirm_plan(session, id, approved["proposed_plan"].clone())
            .await
    }

    /// Submits `clean`, approves it, and returns the submission id.
    pub async fn approved(&self, merchant: &ApiKey, session: &Session, clean: Vec<u8>) -> String {
        self.approved_form(merchant, session, form(clean, b"x"))
            .await
    }

    /// Submits `form`, approves it, and returns the submission id.
    pub async fn approved_form(&self, merchant: &ApiKey, session: &Session, form: Form) -> String {
        let (status, created) = self.submit(Some(merchant), None, form).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().expect("id").to_owned();
        self.approve(session, &id).await;
        id
    }

    /// Confirms (or changes) the import plan of submission `id`.
    pub async fn confirm_plan(&self, session: &Session, id: &str, plan: Value) -> Value {
        let (status, planned) = self
            .review(
                session,
                &format!("/submissions/{id}/plan"),
                Some(plan),
                true,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{planned}");
        planned
    }

    /// A tenant on `https://portal.example`; its secret key.
    pub async fn tenant(&self, name: &str) -> ApiKey {
        self.tenant_on(name, "https://portal.example").await.key
    }

    /// A tenant whose pages live on `origin`, with both its keys.
    pub async fn tenant_on(&self, name: &str, origin: &str) -> NewTenant {
        let origin = Origin::parse(origin).expect("origin");
        let name = TenantName::parse(name).expect("name");
        add_tenant(&self.db, &name, &[origin], None)
            .await
            .expect("tenant")
    }

    /// Sends `request` as a browser page on `origin` would (no `Origin`
    /// header for `None`) with `key`; returns the status, the
    /// `Access-Control-Allow-Origin` answered and the body.
    pub async fn send_as_page(
        &self,
        request: reqwest::RequestBuilder,
        key: &str,
        origin: Option<&str>,
    ) -> (StatusCode, Option<String>, Value) {
        let mut request = request.bearer_auth(key);
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        let allowed = response
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().expect("ascii").to_owned());
        (
            status,
            allowed,
            response.json().await.unwrap_or(Value::Null),
        )
    }

    /// Posts `form` to `/submissions` with `key` and an optional Idempotency-Key.
    pub async fn submit(
        &self,
        key: Option<&ApiKey>,
        idempotency: Option<&str>,
        form: Form,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .post(format!("{}/submissions", self.url))
            .multipart(form);
        if let Some(key) = key {
            request = request.bearer_auth(key.expose());
        }
        if let Some(idempotency) = idempotency {
            request = request.header("Idempotency-Key", idempotency);
        }
        let response = request.send().await.expect("send");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The server's OpenAPI description.
    pub async fn openapi(&self) -> Value {
        self.http
            .get(format!("{}/openapi.json", self.url))
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("the description is JSON")
    }

    /// A GET under the API with the secret `key`.
    pub async fn get(&self, key: &ApiKey, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(key.expose())
            .send()
            .await
            .expect("send");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The merchant's download of the rows of `id` that failed at import.
    pub async fn failures_csv(&self, merchant: &ApiKey, id: &str) -> String {
        let response = self
            .http
            .get(format!("{}/submissions/{id}/failures.csv", self.url))
            .bearer_auth(merchant.expose())
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.expect("text")
    }

    /// Polls the submission until `done` holds (10 s at most).
    pub async fn wait_for(
        &self,
        merchant: &ApiKey,
        id: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        for _ in 0..200 {
            let (_, seen) = self.get(merchant, &format!("/submissions/{id}")).await;
            if done(&seen) {
                return seen;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("{what} did not happen");
    }

    /// Every contact in the tenant's store, page by page.
    pub async fn all_contacts(&self, key: &ApiKey) -> Value {
        let mut all = Vec::new();
        let mut path = "/contacts?limit=1000".to_owned();
        loop {
            let (status, page) = self.get(key, &path).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            all.extend(
                page["contacts"]
                    .as_array()
                    .expect("contacts")
                    .iter()
                    .cloned(),
            );
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/contacts?limit=1000&cursor={cursor}"),
                None => return Value::Array(all),
            }
        }
    }

    /// Rows in `table`.
    pub async fn count(&self, table: &str) -> i64 {
        // Safe: table names come from the tests themselves.
        sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&self.db)
            .await
            .expect("count")
    }
}

/// Check options as the browser sends them for Acme's UK list, judged as of
/// now (like the server's re-check).
pub fn options() -> CheckOptions {
    CheckOptions {
        judging: JudgeOptions {
            default_region: Some("GB".into()),
            business_name: Some("Acme Boutique".into()),
            now: Some(chrono::Utc::now()),
            ..JudgeOptions::default()
        },
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

/// The merchant's own check, with `options`, of `csv` under built-in
/// `profile`: its clean file (every row must pass).
pub fn clean_with(profile: &str, csv: &str, options: &CheckOptions) -> Vec<u8> {
    let mut outputs = Outputs::default();
    let report = check_bytes(
        csv.as_bytes(),
        Profile::builtin(profile).expect("profile"),
        options.clone(),
        &mut outputs,
    )
    .expect("check");
    assert_eq!(
        report.summary.rejected, 0,
        "the merchant's own check passes: {:?}",
        report.issues
    );
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
    Form::new()
        .text("settings", settings.to_string())
        .text("consent", consent_for(profile).to_string())
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

/// The `consent` part as the browser sends it.
pub fn consent() -> Value {
    json!({
        "consent": {
            "wording": "Yes, send me WhatsApp offers from Acme Boutique",
            "source": "acme.example/join",
            "capture_method": "checkbox at checkout",
            "double_opt_in": "",
        },
        "self_check": {
            "wording_names_whatsapp": true,
            "timestamp_and_source": true,
            "channel_clarity": true,
            "unknowns_excluded": false,
        },
        "gdpr_confirmed": false,
    })
}

/// The `consent` part for a list of built-in `profile`: every self-check
/// question of its review answered yes, GDPR confirmed where it is asked.
pub fn consent_for(profile: &str) -> Value {
    if profile == "whatsapp" {
        return consent();
    }
    let kind = listgate_api::ReviewKind::of_builtin(profile).expect("built-in profile");
    let mut consent = consent();
    consent["self_check"] = kind
        .self_check()
        .iter()
        .map(|q| (q.as_str().to_owned(), Value::Bool(true)))
        .collect();
    consent["gdpr_confirmed"] = Value::Bool(kind.needs_gdpr_confirmation());
    consent
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
    transport: listgate::http::transport::Transport,
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
    let config = ServerConfig {
        max_submission_bytes: 64 << 10,
        transport,
        ..test_config(dist)
    };
    let store = listgate::db::blobs::BlobStore::new(data.path());
    let state = listgate::app::state(config, db.clone(), store, false);
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

/// A `changes.csv` as the app writes it, after the BOM a spreadsheet may
/// add: a typed edit of a phone (no consent data) and of a consent cell
/// (quoted: it holds a comma), then a fix of a consent column (its `'`
/// neutralises a formula).
pub const CHANGES: &[u8] = b"\xEF\xBB\xBFstep,kind,row,column,before,after,consent\r\n\
    1,edit,2,phone,07911 123456,+447911123456,no\r\n\
    1,edit,2,opt_in_source,shop,\"shop, till\",yes\r\n\
    2,set,3,opt_in_source,till,'=web,yes\r\n";

/// `form` with `changes` as its `changes` part, attached as the app does.
pub fn with_changes(form: Form, changes: &[u8]) -> Form {
    form.part(
        "changes",
        Part::bytes(changes.to_vec())
            .file_name("changes.csv")
            .mime_str("text/csv")
            .expect("mime"),
    )
}

/// A file download as answered: status, `Content-Type`,
/// `Content-Disposition` and the bytes.
pub struct Download {
    /// The status.
    pub status: StatusCode,
    /// `Content-Type`.
    pub content_type: String,
    /// `Content-Disposition` (blank when there is none).
    pub disposition: String,
    /// The body.
    pub body: Vec<u8>,
}

impl Download {
    /// The message of the API's error body.
    pub fn message(&self) -> String {
        let error: Value = serde_json::from_slice(&self.body).unwrap_or(Value::Null);
        error["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// Sends `request` and reads its answer whole.
pub async fn download(request: reqwest::RequestBuilder) -> Download {
    let response = request.send().await.expect("send");
    let header = |name: reqwest::header::HeaderName| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("ascii").to_owned())
            .unwrap_or_default()
    };
    let (content_type, disposition) = (
        header(reqwest::header::CONTENT_TYPE),
        header(reqwest::header::CONTENT_DISPOSITION),
    );
    Download {
        status: response.status(),
        content_type,
        disposition,
        body: response.bytes().await.expect("body").to_vec(),
    }
}

impl TestApp {
    /// The merchant's download of the change list of `id`, with `key`
    /// (secret or publishable).
    pub fn merchant_changes(&self, key: &str, id: &str) -> reqwest::RequestBuilder {
        self.http
            .get(format!("{}/submissions/{id}/changes.csv", self.url))
            .bearer_auth(key)
    }

    /// The reviewer's download of the change list of `id`, in `session`
    /// (`None`: signed out).
    pub fn reviewer_changes(&self, session: Option<&Session>, id: &str) -> reqwest::RequestBuilder {
        let request = self
            .http
            .get(format!("{}/review/submissions/{id}/changes.csv", self.url));
        match session {
            Some(session) => request.header("cookie", &session.cookie),
            None => request,
        }
    }
}
