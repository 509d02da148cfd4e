//! The real `listgate` binary as separate OS processes, on a real database.
//!
//! These tests prove what only whole processes can show:
//! - a server killed with SIGKILL in the middle of an import (no shutdown,
//!   no rollback of its own) leaves nothing half-done: a new server on the
//!   same data finishes the import, and every contact is imported exactly
//!   once (SQLite, and PostgreSQL when `LISTGATE_TEST_POSTGRES_URL` is set);
//! - two servers on one PostgreSQL database share the import queue: both
//!   import batches, and no batch is imported twice.
//!
//! Tenants and reviewers are added with the CLI (`listgate tenant add`,
//! `listgate reviewer add`); everything else goes over HTTP. Each server's
//! stdout and stderr go to files in the test's data directory, so its logs
//! can be read at any time (the `batch imported` lines say which process
//! imported which batch). Every child process is killed when its guard drops,
//! so a failed test leaves nothing running.

mod common;

use common::{Session, clean_list, form};
use listgate_testkit::postgres::fresh_database;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LISTGATE: &str = env!("CARGO_BIN_EXE_listgate");
const REVIEWER: &str = "ana@listgate.example";
const PASSWORD: &str = "correct horse battery staple";
/// How often the tests look again.
const STEP: Duration = Duration::from_millis(50);

/// One deployment: a data directory (SQLite file or shared blob store), the
/// database its servers use, and the built app they serve.
struct Site {
    data: tempfile::TempDir,
    /// `None`: the SQLite file in the data directory.
    database_url: Option<String>,
}

impl Site {
    fn new(database_url: Option<String>) -> Site {
        let data = tempfile::tempdir().expect("data dir");
        let dist = data.path().join("dist");
        std::fs::create_dir(&dist).expect("dist dir");
        std::fs::write(
            dist.join("index.html"),
            "<!doctype html><title>listgate</title>",
        )
        .expect("index.html");
        Site { data, database_url }
    }

    fn name(&self) -> &'static str {
        if self.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }

    /// `listgate ARGS --data-dir D [--database-url U]`, as the operator runs it.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(LISTGATE);
        command
            .args(args)
            .arg("--data-dir")
            .arg(self.data.path())
            .env_remove("LISTGATE_DATABASE_URL")
            .env("RUST_LOG", "listgate=info,tower_http=warn")
            .env("NO_COLOR", "1");
        if let Some(url) = &self.database_url {
            command.arg("--database-url").arg(url);
        }
        command
    }

    /// Runs a CLI command to the end, with `stdin` as its input; its stdout.
    fn run(&self, args: &[&str], stdin: &str) -> String {
        use std::io::Write as _;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start listgate");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        let output = child.wait_with_output().expect("listgate runs");
        assert!(
            output.status.success(),
            "listgate {args:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8")
    }

    /// Adds a tenant; its API key.
    fn tenant(&self, name: &str) -> String {
        let key = self.run(&["tenant", "add", name], "");
        let key = key.trim();
        assert!(!key.is_empty(), "`tenant add` printed no key");
        key.to_owned()
    }

    /// Adds the reviewer, the password on stdin.
    fn reviewer(&self) {
        self.run(&["reviewer", "add", REVIEWER], &format!("{PASSWORD}\n"));
    }

    /// Starts `listgate serve` on a free port and waits until it listens.
    async fn serve(&self, name: &str) -> Server {
        self.serve_with(name, &[]).await
    }

    /// [`Site::serve`] with more `flags`.
    async fn serve_with(&self, name: &str, flags: &[&str]) -> Server {
        let file = |stream: &str| self.data.path().join(format!("{name}.{stream}"));
        let (stdout, stderr) = (file("stdout"), file("stderr"));
        let child = self
            .command(&[
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--batch-interval-seconds",
                "0",
            ])
            .args(flags)
            .arg("--dist")
            .arg(self.data.path().join("dist"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout).expect("stdout file"))
            .stderr(std::fs::File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("start listgate serve");
        let mut server = Server {
            child,
            name: name.to_owned(),
            api: String::new(),
            stderr,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let printed = std::fs::read_to_string(&stdout).unwrap_or_default();
            if let Some(address) = printed
                .lines()
                .find_map(|line| line.strip_prefix("listening on "))
            {
                server.api = format!("{address}/api/v1");
                return server;
            }
            if let Some(status) = server.child.try_wait().expect("server status") {
                panic!("server {name} exited ({status}): {}", server.log());
            }
            assert!(
                Instant::now() < deadline,
                "server {name} did not print `listening on` within 20 s: {}",
                server.log()
            );
            tokio::time::sleep(STEP).await;
        }
    }

    /// The database, opened by the test itself to see the state a killed
    /// server left behind.
    async fn database(&self) -> sqlx::AnyPool {
        let url = match &self.database_url {
            Some(url) => url.clone(),
            None => listgate::db::default_url(self.data.path()),
        };
        listgate::db::connect(&url).await.expect("database")
    }
}

/// A running `listgate serve`; killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    name: String,
    /// `http://ADDR/api/v1`.
    api: String,
    stderr: PathBuf,
}

impl Server {
    /// SIGKILL: no graceful shutdown, no chance to finish the batch.
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL the server");
        let status = self.child.wait().expect("reap the server");
        assert!(!status.success(), "{} was killed: {status}", self.name);
    }

    /// What it logged so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// The batches it logged as imported: (submission, batch number).
    fn imported_batches(&self) -> Vec<(String, i64)> {
        self.log()
            .lines()
            .filter(|line| line.contains("batch imported"))
            .map(|line| {
                let line = without_ansi(line);
                let field = |name: &str| {
                    line.split_whitespace()
                        .find_map(|word| word.strip_prefix(name)?.strip_prefix('='))
                        .map(|value| value.trim_matches('"').to_owned())
                        .unwrap_or_else(|| panic!("no {name} in the log line {line:?}"))
                };
                let number = field("number").parse().expect("batch number");
                (field("submission"), number)
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Already reaped when the test killed it; errors mean it is gone.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Log text without terminal colour codes, should any be there.
fn without_ansi(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(char::is_ascii_alphabetic);
        } else {
            plain.push(c);
        }
    }
    plain
}

/// The HTTP side, as a merchant and as a reviewer.
#[derive(Debug, Default)]
struct Client {
    http: reqwest::Client,
}

impl Client {
    async fn submit(&self, server: &Server, key: &str, clean: Vec<u8>) -> String {
        let form = form(clean, b"png bytes");
        let response = self
            .http
            .post(format!("{}/submissions", server.api))
            .bearer_auth(key)
            .multipart(form)
            .send()
            .await
            .expect("submit");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().expect("id").to_owned()
    }

    async fn sign_in(&self, server: &Server) -> Session {
        common::sign_in(&self.http, &server.api, REVIEWER, PASSWORD)
            .await
            .expect("signed in")
    }

    async fn approve(&self, server: &Server, session: &Session, id: &str) {
        let response = self
            .http
            .post(format!("{}/review/submissions/{id}/decision", server.api))
            .header("cookie", &session.cookie)
            .header(listgate::http::session::CSRF_HEADER, &session.csrf)
            .json(&json!({ "decision": "approve" }))
            .send()
            .await
            .expect("approve");
        let status = response.status();
        let approved: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "approve {id}: {approved}");
        let response = self
            .http
            .post(format!("{}/review/submissions/{id}/plan", server.api))
            .header("cookie", &session.cookie)
            .header(listgate::http::session::CSRF_HEADER, &session.csrf)
            .json(&approved["proposed_plan"])
            .send()
            .await
            .expect("plan");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "plan {id}: {body}");
    }

    /// A merchant GET of `path` under `/api/v1`, as text.
    async fn get_text(&self, server: &Server, key: &str, path: &str) -> String {
        let response = self
            .http
            .get(format!("{}{path}", server.api))
            .bearer_auth(key)
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path} from {}: {error}", server.name));
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    async fn get(&self, server: &Server, key: &str, path: &str) -> Value {
        serde_json::from_str(&self.get_text(server, key, path).await).expect("json")
    }

    /// Polls the submission every 50 ms until `done` holds.
    async fn wait_for(
        &self,
        server: &Server,
        key: &str,
        id: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.get(server, key, &format!("/submissions/{id}")).await;
            if done(&seen) {
                return seen;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not happen within {timeout:?}; last seen: {}\n{} logged:\n{}",
                seen["schedule"],
                server.name,
                server.log()
            );
            tokio::time::sleep(STEP).await;
        }
    }

    /// Asserts the tenant's store holds exactly the `n` contacts of the
    /// finished submission `id`, each once, and that none of its rows failed.
    async fn assert_imported_once(
        &self,
        server: &Server,
        key: &str,
        id: &str,
        n: usize,
    ) -> Vec<Value> {
        let seen = self.get(server, key, &format!("/submissions/{id}")).await;
        assert_eq!(seen["status"], "imported", "{seen}");
        let batches = seen["schedule"]["batches"]
            .as_array()
            .expect("batches")
            .clone();
        let mut next_row = 0;
        for batch in &batches {
            assert_eq!(batch["status"], "done", "{batch}");
            assert_eq!(batch["failed"], 0, "{batch}");
            assert_eq!(batch["imported"], batch["contacts"], "{batch}");
            assert_eq!(
                batch["start"], next_row,
                "batches follow each other: {batch}"
            );
            next_row += batch["contacts"].as_i64().expect("contacts");
        }
        let imported: i64 = batches
            .iter()
            .map(|b| b["imported"].as_i64().expect("imported"))
            .sum();
        assert_eq!(imported, n as i64, "batch counts add up to the list");

        let mut contacts = Vec::new();
        let mut path = "/contacts?limit=1000".to_owned();
        loop {
            let page = self.get(server, key, &path).await;
            contacts.extend(
                page["contacts"]
                    .as_array()
                    .expect("contacts")
                    .iter()
                    .cloned(),
            );
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/contacts?limit=1000&cursor={cursor}"),
                None => break,
            }
        }
        assert_eq!(contacts.len(), n, "every contact is in the store");
        let keys: BTreeSet<&str> = contacts
            .iter()
            .map(|c| c["key"].as_str().expect("key"))
            .collect();
        assert_eq!(keys.len(), n, "no contact twice");
        assert!(contacts.iter().all(|c| c["submission_id"] == id));

        let failures = self
            .get_text(server, key, &format!("/submissions/{id}/failures.csv"))
            .await;
        assert_eq!(failures, "row,reason\r\n", "no row failed");
        batches
    }
}

/// The batches of `id` straight from the database: (number, contacts, status).
async fn batches_in_database(db: &sqlx::AnyPool, id: &str) -> (String, Vec<(i64, i64, String)>) {
    let status: String = sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
        .bind(id)
        .fetch_one(db)
        .await
        .expect("submission");
    let batches = sqlx::query_as(
        "SELECT number, contacts, status FROM batches WHERE submission_id = $1 ORDER BY number",
    )
    .bind(id)
    .fetch_all(db)
    .await
    .expect("batches");
    (status, batches)
}

/// Contacts in the list the killed server imports: enough batches (100,
/// 200, 400, ... up to the 10,000 cap) that the kill lands with batches left.
const KILLED_LIST: usize = 6_000;

async fn killed_mid_import(site: Site) {
    let started = Instant::now();
    let key = site.tenant("Acme");
    site.reviewer();
    let client = Client::default();
    let mut first = site.serve("first").await;
    let id = client.submit(&first, &key, clean_list(KILLED_LIST)).await;
    let session = client.sign_in(&first).await;
    client.approve(&first, &session, &id).await;

    // Kill while a batch is in flight: the worker starts the next batch as
    // soon as one commits, and the log says when one has.
    let deadline = Instant::now() + Duration::from_secs(20);
    while first.imported_batches().len() < 2 {
        assert!(
            Instant::now() < deadline,
            "two batches were not imported within 20 s; the server logged:\n{}",
            first.log()
        );
        tokio::time::sleep(STEP).await;
    }
    first.kill();

    // What the killed server left, read by the test itself.
    let db = site.database().await;
    let (status, batches) = batches_in_database(&db, &id).await;
    db.close().await;
    let cut_off = batches.iter().any(|(_, _, status)| status == "running");
    eprintln!(
        "{}: at the kill the submission was {status}, a batch was {} its batches (number, contacts, status): {batches:?}",
        site.name(),
        if cut_off {
            "cut off mid-import;"
        } else {
            "not in flight;"
        }
    );
    assert_eq!(
        status, "importing",
        "the kill must land before the import ends (make KILLED_LIST bigger)"
    );
    let done: i64 = batches
        .iter()
        .filter(|(_, _, s)| s == "done")
        .map(|(_, n, _)| n)
        .sum();
    assert!(
        done >= 1 && done < KILLED_LIST as i64,
        "some but not all contacts were imported at the kill: {batches:?}"
    );

    let second = site.serve("second").await;
    client
        .wait_for(
            &second,
            &key,
            &id,
            "the import after the restart",
            Duration::from_secs(20),
            |s| s["status"] == "imported",
        )
        .await;
    let batches = client
        .assert_imported_once(&second, &key, &id, KILLED_LIST)
        .await;
    eprintln!(
        "{}: {} batches; kill, restart and import took {:?}",
        site.name(),
        batches.len(),
        started.elapsed()
    );
}

#[tokio::test]
async fn a_server_killed_mid_import_finishes_it_after_restart_exactly_once() {
    killed_mid_import(Site::new(None)).await;
    if let Some(url) = fresh_database().await {
        killed_mid_import(Site::new(Some(url))).await;
    }
}

/// The `serve` flags reach the running server: a public HTTPS address makes
/// the session cookie `__Host-` and `Secure` and adds HSTS; the header
/// timeout cuts a client that never finishes its headers.
#[tokio::test]
async fn the_serve_flags_reach_the_running_server() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let site = Site::new(None);
    site.reviewer();
    let flags = [
        "--public-url",
        "https://lists.example",
        "--header-timeout-secs",
        "1",
    ];
    let server = site.serve_with("flags", &flags).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/health", server.api))
        .send()
        .await
        .expect("health");
    assert_eq!(
        health
            .headers()
            .get("strict-transport-security")
            .map(|v| v.as_bytes()),
        Some(&b"max-age=31536000"[..])
    );
    let signed_in = http
        .post(format!("{}/session", server.api))
        .json(&json!({ "email": REVIEWER, "password": PASSWORD }))
        .send()
        .await
        .expect("sign in");
    let cookie = signed_in.headers()["set-cookie"].to_str().expect("ascii");
    assert!(
        cookie.starts_with("__Host-listgate_session=") && cookie.contains("; Secure"),
        "{cookie}"
    );

    let address = server
        .api
        .trim_start_matches("http://")
        .trim_end_matches("/api/v1")
        .to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address)
        .await
        .expect("connect");
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: lists.example\r\n")
        .await
        .expect("half the headers");
    let started = Instant::now();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the connection is closed");
    let waited = started.elapsed();
    assert!(
        (Duration::from_millis(500)..Duration::from_secs(5)).contains(&waited),
        "cut after {waited:?}, with a header timeout of 1 s"
    );
    assert!(
        rest.is_empty() || rest.starts_with(b"HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&rest)
    );
}

/// Tenants, each with its own list, imported at the same time.
const SHARED_TENANTS: usize = 4;
/// Contacts per list: batches of 100, 200, 400, 800, 1000.
const SHARED_LIST: usize = 2_500;

#[tokio::test]
async fn two_servers_on_one_postgres_share_the_import_queue() {
    let Some(url) = fresh_database().await else {
        return;
    };
    // Both servers use one data directory: it holds the clean files both read.
    let site = Site::new(Some(url));
    let keys: Vec<String> = (0..SHARED_TENANTS)
        .map(|i| site.tenant(&format!("Tenant {i}")))
        .collect();
    site.reviewer();
    let servers = [site.serve("a").await, site.serve("b").await];
    let client = Client::default();
    let clean = clean_list(SHARED_LIST);
    let mut ids = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        // Each server takes submissions and decisions.
        let server = &servers[i % 2];
        let session = client.sign_in(server).await;
        let id = client.submit(server, key, clean.clone()).await;
        client.approve(server, &session, &id).await;
        ids.push(id);
    }

    let mut expected = BTreeSet::new();
    for (i, (key, id)) in keys.iter().zip(&ids).enumerate() {
        let server = &servers[i % 2];
        client
            .wait_for(
                server,
                key,
                id,
                "the import",
                Duration::from_secs(25),
                |s| s["status"] == "imported",
            )
            .await;
        let batches = client
            .assert_imported_once(server, key, id, SHARED_LIST)
            .await;
        for batch in batches {
            expected.insert((id.clone(), batch["number"].as_i64().expect("number")));
        }
    }

    let by_server: Vec<Vec<(String, i64)>> = servers.iter().map(Server::imported_batches).collect();
    let mut logged = BTreeSet::new();
    for (server, batches) in servers.iter().zip(&by_server) {
        eprintln!("server {} imported {} batches", server.name, batches.len());
        for batch in batches {
            assert!(
                logged.insert(batch.clone()),
                "batch {batch:?} was imported twice"
            );
        }
        assert!(
            !batches.is_empty(),
            "server {} imported no batch; it logged:\n{}",
            server.name,
            server.log()
        );
    }
    assert_eq!(logged, expected, "each batch was imported by one server");
}
