//! The file store on a real S3-compatible server: moto in server mode,
//! started on a free loopback port for each test and killed after it
//! (`scripts/setup all` installs it; `scripts/test` requires it).

use listgate::db::blobs::{BlobStore, S3Config, S3Credentials, StoreError};
use listgate::db::tenants::add_tenant;
use listgate::domain::tenant::{Origin, TenantName};
use listgate::support::sha256_hex;
mod common;

use common::{MESSY, form};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BUCKET: &str = "listgate-evidence";

/// A moto server; killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    /// A running moto with an empty [`BUCKET`], or `None` (with a notice)
    /// when moto is not installed and `LISTGATE_REQUIRE_S3` is not set.
    async fn start() -> Option<Moto> {
        let installed = Command::new("python3")
            .args(["-c", "import moto.server"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            assert!(
                std::env::var_os("LISTGATE_REQUIRE_S3").is_none(),
                "moto is not installed: run `scripts/setup all`"
            );
            eprintln!("S3 tests skipped: moto is not installed (`scripts/setup all` installs it)");
            return None;
        }
        // A port taken between our probe and moto's bind makes moto exit: try another.
        for _ in 0..3 {
            let port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let child = Command::new("python3")
                .args([
                    "-m",
                    "moto.server",
                    "-H",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start moto");
            let mut moto = Moto {
                child,
                endpoint: format!("http://127.0.0.1:{port}"),
            };
            if moto.wait_until_up().await {
                moto.create_bucket(BUCKET).await;
                return Some(moto);
            }
        }
        panic!("moto did not start");
    }

    /// Waits for moto to answer; `false` if it exited.
    async fn wait_until_up(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if self.child.try_wait().expect("moto status").is_some() {
                return false;
            }
            if reqwest::get(format!("{}/moto-api/", self.endpoint))
                .await
                .is_ok()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("moto did not answer within 60 s");
    }

    async fn create_bucket(&self, bucket: &str) {
        let response = reqwest::Client::new()
            .put(format!("{}/{bucket}", self.endpoint))
            .send()
            .await
            .expect("create the bucket");
        assert!(response.status().is_success(), "{}", response.status());
    }

    fn store(&self, bucket: &str) -> BlobStore {
        BlobStore::s3(S3Config {
            bucket: bucket.to_owned(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".to_owned(),
            credentials: Some(S3Credentials {
                access_key_id: "testing".to_owned(),
                secret_access_key: "testing".to_owned(),
                session_token: None,
            }),
        })
        .expect("S3 store")
    }

    /// Every key in the bucket, read straight from the server.
    async fn keys(&self) -> Vec<String> {
        let listing = reqwest::get(format!("{}/{BUCKET}?list-type=2", self.endpoint))
            .await
            .expect("list")
            .text()
            .await
            .expect("listing");
        listing
            .split("<Key>")
            .skip(1)
            .map(|rest| rest.split("</Key>").next().expect("</Key>").to_owned())
            .collect()
    }
}

#[tokio::test]
async fn files_round_trip_are_stored_once_deleted_and_a_missing_one_is_a_clear_error() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let store = moto.store(BUCKET);
    store.check().await.expect("the bucket answers");
    assert_eq!(store.kind(), "s3");

    let bytes = b"opt-in screenshot".as_slice();
    let sha = store.put(bytes).await.expect("put");
    assert_eq!(sha, sha256_hex(bytes));
    assert_eq!(store.get(&sha).await.expect("get"), bytes);
    assert_eq!(moto.keys().await, [format!("{}/{sha}", &sha[..2])]);

    // The same content again: the same key, nothing new.
    assert_eq!(store.put(bytes).await.expect("put again"), sha);
    let other = store.put(b"another file").await.expect("put another");
    let mut keys = moto.keys().await;
    keys.sort();
    let mut want = [&sha, &other].map(|s| format!("{}/{s}", &s[..2]));
    want.sort();
    assert_eq!(keys, want);

    let absent = sha256_hex(b"never stored");
    let error = store.get(&absent).await.expect_err("missing");
    assert!(
        matches!(error, StoreError::Missing(ref s) if *s == absent),
        "{error:?}"
    );
    assert!(error.to_string().contains(&absent), "{error}");
    let error = store.get("../etc/passwd").await.expect_err("not a hash");
    assert!(matches!(error, StoreError::NotAHash), "{error:?}");

    // Deleting (retention) removes the object; deleting again is no error.
    store.delete(&other).await.expect("delete");
    assert_eq!(moto.keys().await, [format!("{}/{sha}", &sha[..2])]);
    store.delete(&other).await.expect("delete again");
    assert!(matches!(
        store.delete("../etc/passwd").await,
        Err(StoreError::NotAHash)
    ));
}

#[tokio::test]
async fn a_missing_bucket_or_server_is_a_clear_error_at_start() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let error = moto
        .store("no-such-bucket")
        .check()
        .await
        .expect_err("no bucket");
    assert!(matches!(error, StoreError::Unreachable { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("no-such-bucket") && message.contains(&moto.endpoint),
        "{message}"
    );

    let endpoint = moto.endpoint.clone();
    drop(moto);
    let gone = BlobStore::s3(S3Config {
        bucket: BUCKET.to_owned(),
        endpoint: Some(endpoint),
        region: "us-east-1".to_owned(),
        credentials: None,
    })
    .expect("S3 store");
    let started = Instant::now();
    let error = gone.check().await.expect_err("server gone");
    assert!(matches!(error, StoreError::Unreachable { .. }), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "reported after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn submitted_evidence_is_kept_in_the_bucket_and_served_to_the_reviewer() {
    let Some(moto) = Moto::start().await else {
        return;
    };
    let data = tempfile::tempdir().expect("data dir");
    let db = listgate::db::connect(&listgate::db::default_url(data.path()))
        .await
        .expect("database");
    let config = common::test_config(data.path().join("no-app"));
    let state = listgate::app::state(config, db.clone(), moto.store(BUCKET), false);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/v1", listener.local_addr().expect("addr"));
    tokio::spawn(listgate::serve_on(
        listener,
        state,
        listgate::ConnectionLimits::default(),
        std::future::pending(),
    ));
    let http = reqwest::Client::new();

    let ready: Value = http
        .get(format!("{url}/ready"))
        .send()
        .await
        .expect("ready")
        .json()
        .await
        .expect("json");
    assert_eq!(ready, json!({ "status": "ready", "store": "s3" }));

    let tenant = add_tenant(
        &db,
        &TenantName::parse("Acme").expect("name"),
        &[Origin::parse("https://portal.example").expect("origin")],
        None,
    )
    .await
    .expect("tenant");
    let evidence = b"\x89PNG the opt-in page, kept in S3".to_vec();
    let response = http
        .post(format!("{url}/submissions"))
        .bearer_auth(tenant.key.expose())
        .multipart(form(common::clean(MESSY), &evidence))
        .send()
        .await
        .expect("submit");
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.expect("json");
    let id = created["id"].as_str().expect("id");

    // In the bucket under its SHA-256, next to the clean file: nothing on disk.
    let sha = sha256_hex(&evidence);
    let key = format!("{}/{sha}", &sha[..2]);
    assert!(moto.keys().await.contains(&key), "{:?}", moto.keys().await);
    assert_eq!(
        moto.keys().await.len(),
        2,
        "the clean file and the evidence"
    );
    let store = moto.store(BUCKET);
    assert_eq!(store.get(&sha).await.expect("evidence"), evidence);
    assert!(!data.path().join("blobs").exists());

    // The reviewer's viewer reads it back from the bucket.
    let (email, password) = ("reviewer@acme.example", "correct horse battery");
    listgate::db::reviewers::set_reviewer(
        &db,
        &listgate::domain::reviewer::Email::parse(email).expect("email"),
        &listgate::domain::reviewer::Password::parse(password).expect("password"),
    )
    .await
    .expect("reviewer");
    let response = http
        .post(format!("{url}/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let response = http
        .get(format!("{url}/review/submissions/{id}/evidence/0"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("evidence");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.bytes().await.expect("bytes").to_vec(), evidence);
}
