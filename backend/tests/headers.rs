//! What the real server (`serve_on` on loopback, SQLite) tells browsers and
//! clients in its headers: the pages' Content-Security-Policy, HSTS and the
//! session cookie over HTTPS (declared or forwarded by a trusted proxy),
//! `Cache-Control: no-store` on the API, and the JSON error body for
//! unknown API paths and the framework's own refusals.

mod common;

use base64::Engine as _;
use common::{Server, form, serve};
use listgate::ConnectionLimits;
use listgate::http::transport::{PublicUrl, Transport};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const EMAIL: &str = "ana@listgate.example";
const PASSWORD: &str = "correct horse battery staple";

/// The bootstrap trunk 0.21 writes inline into the built index.html.
const TRUNK_BOOTSTRAP: &str = "
import init, * as bindings from '/app-1a2b3c.js';
const wasm = await init({ module_or_path: '/app-1a2b3c_bg.wasm' });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent(\"TrunkApplicationStarted\", {detail: {wasm}}));
";

/// The built app as trunk and `scripts/build-app` lay it out.
fn app_files() -> Vec<(&'static str, String)> {
    vec![
        (
            "index.html",
            format!(
                "<!DOCTYPE html><html><head>\
                 <link rel=\"modulepreload\" href=\"/app-1a2b3c.js\" crossorigin=\"anonymous\" integrity=\"sha384-x\">\
                 </head><body><script type=\"module\">{TRUNK_BOOTSTRAP}</script></body></html>"
            ),
        ),
        ("app-1a2b3c.js", "export default function init() {}".into()),
        ("widget/listgate.js", "export {};".into()),
        ("widget/widget.js", "export {};".into()),
        ("widget/widget_bg.wasm", "\0asm".into()),
        (
            "widget/worker_loader.js",
            "importScripts('worker.js');".into(),
        ),
    ]
}

async fn server(transport: Transport) -> Server {
    let files = app_files();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    serve(ConnectionLimits::default(), transport, &files).await
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("ascii").to_owned())
}

fn sha256(script: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
    )
}

#[tokio::test]
async fn pages_allow_their_own_scripts_and_no_framing() {
    let server = server(Transport::default()).await;
    let docs_script = listgate::http::openapi::DOCS_PAGE
        .split_once("<script>")
        .and_then(|(_, rest)| rest.split_once("</script>"))
        .expect("the docs page has its script inline")
        .0;
    for (path, script) in [("/", TRUNK_BOOTSTRAP), ("/api/v1/docs", docs_script)] {
        let page = reqwest::get(format!("{}{path}", server.origin))
            .await
            .expect("page");
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let policy = header(&page, "content-security-policy").expect("a policy");
        let script_src = policy
            .split(';')
            .map(str::trim)
            .find(|directive| directive.starts_with("script-src "))
            .expect("script-src");
        assert!(
            script_src.starts_with("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {script_src}"
        );
        assert!(script_src.contains(&sha256(script)), "{path}: {script_src}");
        assert!(
            !script_src.contains("unsafe-inline"),
            "{path}: {script_src}"
        );
        for directive in [
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'none'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
    }
}

#[tokio::test]
async fn the_widget_files_stay_loadable_from_partner_pages() {
    let server = server(Transport::default()).await;
    for path in [
        "/widget/listgate.js",
        "/widget/widget.js",
        "/widget/widget_bg.wasm",
        "/widget/worker_loader.js",
    ] {
        let file = reqwest::Client::new()
            .get(format!("{}{path}", server.origin))
            .header("Origin", "https://partner.example")
            .send()
            .await
            .expect("file");
        assert_eq!(file.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&file, "access-control-allow-origin").as_deref(),
            Some("*"),
            "{path}"
        );
        for blocking in [
            "content-security-policy",
            "cross-origin-resource-policy",
            "x-frame-options",
        ] {
            assert_eq!(header(&file, blocking), None, "{path}: {blocking}");
        }
    }
}

/// A signed-in reviewer over `server`, with `forwarded` as the proxy's
/// X-Forwarded-Proto: the `Set-Cookie` and HSTS answered.
async fn sign_in(server: &Server, forwarded: Option<&str>) -> (String, Option<String>) {
    listgate::db::reviewers::set_reviewer(
        &server.db,
        &listgate::domain::reviewer::Email::parse(EMAIL).expect("email"),
        &listgate::domain::reviewer::Password::parse(PASSWORD).expect("password"),
    )
    .await
    .expect("reviewer");
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/v1/session", server.origin))
        .json(&json!({ "email": EMAIL, "password": PASSWORD }));
    if let Some(proto) = forwarded {
        request = request.header("X-Forwarded-Proto", proto);
    }
    let response = request.send().await.expect("sign in");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    (
        header(&response, "set-cookie").expect("a cookie"),
        header(&response, "strict-transport-security"),
    )
}

/// The review queue's status with `cookie` sent as `Cookie`.
async fn queue_with(server: &Server, cookie: &str, forwarded: Option<&str>) -> StatusCode {
    let mut request = reqwest::Client::new()
        .get(format!("{}/api/v1/review/submissions", server.origin))
        .header("Cookie", cookie);
    if let Some(proto) = forwarded {
        request = request.header("X-Forwarded-Proto", proto);
    }
    request.send().await.expect("queue").status()
}

#[tokio::test]
async fn over_https_the_session_cookie_is_secure_and_host_prefixed_with_hsts() {
    let https_url = || Some(PublicUrl::parse("https://lists.example").expect("URL"));
    let scenarios = [
        ("plain HTTP", Transport::default(), None, false),
        (
            "--public-url https://",
            Transport {
                public_url: https_url(),
                behind_proxy: false,
            },
            None,
            true,
        ),
        (
            "--behind-proxy with X-Forwarded-Proto: https",
            Transport {
                public_url: None,
                behind_proxy: true,
            },
            Some("https"),
            true,
        ),
        (
            "X-Forwarded-Proto: https without --behind-proxy",
            Transport::default(),
            Some("https"),
            false,
        ),
    ];
    for (name, transport, forwarded, https) in scenarios {
        let server = server(transport).await;
        let (cookie, hsts) = sign_in(&server, forwarded).await;
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        let (cookie_name, token) = attributes[0].split_once('=').expect("name=value");
        for wanted in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(attributes.contains(&wanted), "{name}: {cookie}");
        }
        assert!(
            !attributes
                .iter()
                .any(|a| a.to_ascii_lowercase().starts_with("domain")),
            "{name}: {cookie}"
        );
        if https {
            assert_eq!(cookie_name, "__Host-listgate_session", "{name}");
            assert!(attributes.contains(&"Secure"), "{name}: {cookie}");
            assert_eq!(hsts.as_deref(), Some("max-age=31536000"), "{name}");
            // A plain-named cookie (another host may have planted it) is not read.
            let planted = format!("listgate_session={token}");
            assert_ne!(
                queue_with(&server, &planted, forwarded).await,
                StatusCode::OK,
                "{name}"
            );
        } else {
            assert_eq!(cookie_name, "listgate_session", "{name}");
            assert!(!attributes.contains(&"Secure"), "{name}: {cookie}");
            assert_eq!(hsts, None, "{name}");
        }
        let sent = format!("{cookie_name}={token}");
        assert_eq!(
            queue_with(&server, &sent, forwarded).await,
            StatusCode::OK,
            "{name}: the cookie signs the reviewer in"
        );
    }
}

#[tokio::test]
async fn api_answers_are_never_cached_and_evidence_keeps_its_sandbox() {
    let server = server(Transport::default()).await;
    let tenant = tenant(&server).await;
    let http = reqwest::Client::new();
    let api = format!("{}/api/v1", server.origin);
    let created = http
        .post(format!("{api}/submissions"))
        .bearer_auth(tenant.key.expose())
        .multipart(form(common::clean_list(2), b"png bytes"))
        .send()
        .await
        .expect("submit");
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        header(&created, "cache-control").as_deref(),
        Some("no-store")
    );
    let id = created.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    for path in [
        "/health".to_owned(),
        "/contacts".to_owned(),
        format!("/submissions/{id}"),
    ] {
        let response = http
            .get(format!("{api}{path}"))
            .bearer_auth(tenant.key.expose())
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    let (cookie, _) = sign_in(&server, None).await;
    let session = cookie.split(';').next().expect("name=value");
    let evidence = http
        .get(format!("{api}/review/submissions/{id}/evidence/0"))
        .header("Cookie", session)
        .send()
        .await
        .expect("evidence");
    assert_eq!(evidence.status(), StatusCode::OK);
    assert_eq!(
        header(&evidence, "cache-control").as_deref(),
        Some("no-store")
    );
    let policy = header(&evidence, "content-security-policy").expect("policy");
    assert!(policy.ends_with("sandbox"), "{policy}");
}

async fn tenant(server: &Server) -> listgate::db::tenants::NewTenant {
    listgate::db::tenants::add_tenant(
        &server.db,
        &listgate::domain::tenant::TenantName::parse("Acme").expect("name"),
        &[listgate::domain::tenant::Origin::parse("https://portal.example").expect("origin")],
        None,
    )
    .await
    .expect("tenant")
}

/// Asserts `response` is the JSON error body with `status`; its message.
async fn json_error(response: reqwest::Response, status: StatusCode, what: &str) -> String {
    assert_eq!(response.status(), status, "{what}");
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("application/json"),
        "{what}"
    );
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["error"]["status"], status.as_u16(), "{what}: {body}");
    let message = body["error"]["message"].as_str().expect("a message");
    assert!(!message.trim().is_empty(), "{what}");
    message.to_owned()
}

#[tokio::test]
async fn unknown_api_paths_answer_a_json_404_without_cors() {
    let server = server(Transport::default()).await;
    for path in [
        "/api/v1/nope",
        "/api/v1/submissions/x/nope",
        "/api/v1/",
        "/api/v2/submissions",
        "/api",
    ] {
        let response = reqwest::Client::new()
            .get(format!("{}{path}", server.origin))
            .header("Origin", "https://elsewhere.example")
            .send()
            .await
            .expect("get");
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            None,
            "{path}"
        );
        let message = json_error(response, StatusCode::NOT_FOUND, path).await;
        assert!(message.contains("/api/v1/docs"), "{path}: {message}");
    }
    let file = reqwest::get(format!("{}/missing.js", server.origin))
        .await
        .expect("get");
    assert_eq!(
        file.status(),
        StatusCode::NOT_FOUND,
        "the app's files are still files"
    );
}

#[tokio::test]
async fn the_frameworks_refusals_answer_the_json_error_body() {
    let server = server(Transport::default()).await;
    let tenant = tenant(&server).await;
    let http = reqwest::Client::new();
    let session = format!("{}/api/v1/session", server.origin);
    let json = |body: &str| {
        http.post(&session)
            .header("Content-Type", "application/json")
            .body(body.to_owned())
    };
    let cases = [
        (
            "not JSON",
            json("{not json").send().await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "no content type",
            http.post(&session).body("{}").send().await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            "a missing field",
            json(r#"{"email": "ana@listgate.example"}"#).send().await,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "a body over the limit",
            json(&format!(r#"{{"email": "{}"}}"#, "a".repeat(100 << 10)))
                .send()
                .await,
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "a multipart body without a boundary",
            http.post(format!("{}/api/v1/submissions", server.origin))
                .bearer_auth(tenant.key.expose())
                .header("Content-Type", "multipart/form-data")
                .body("x")
                .send()
                .await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "a query without the key",
            http.get(format!("{}/api/v1/widget/config", server.origin))
                .send()
                .await,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (what, response, status) in cases {
        json_error(response.expect("send"), status, what).await;
    }
    let wrong_method = http
        .delete(format!("{}/api/v1/health", server.origin))
        .send()
        .await
        .expect("send");
    assert_eq!(header(&wrong_method, "allow").as_deref(), Some("GET,HEAD"));
    json_error(
        wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
        "a wrong method",
    )
    .await;
}
