//! The built app's files as the real server (`serve_on` on loopback) sends
//! them: the brotli or gzip copy `scripts/precompress` writes beside a file
//! when the client accepts it (and the body decompresses to the file), the
//! file itself otherwise; and each file's `Cache-Control` by how it is named.

mod common;

use common::{Server, serve};
use listgate::ConnectionLimits;
use listgate::http::transport::Transport;
use reqwest::StatusCode;
use std::io::{Read as _, Write as _};
use std::path::Path;

/// What Chromium sends.
const BROWSER: &str = "gzip, deflate, br, zstd";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT: &str = "public, max-age=300";
const REVALIDATE: &str = "no-cache";

/// The app as trunk and `scripts/build-app` lay it out, in miniature:
/// trunk's content-hashed names, the worker's and the widget's plain ones.
const FILES: &[&str] = &[
    "index.html",
    "app-e6fdc22f6adbc07b.js",
    "app-e6fdc22f6adbc07b_bg.wasm",
    "style-60a36d1d320f46f.css",
    "worker.js",
    "worker_bg.wasm",
    "worker_loader.js",
    "widget/index.html",
    "widget/listgate.js",
    "widget/widget.js",
    "widget/widget_bg.wasm",
];

/// A file of the miniature app: its name, then lines that compress well.
fn content(path: &str) -> String {
    let line = match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "<p>listgate checks your list inside your browser</p>\n",
        Some("css") => "main { display: grid; gap: 0.5rem; }\n",
        Some("wasm") => "\0asm\u{1}\0\0\0 the module's bytes\n",
        _ => "export function check(list) { return list; }\n",
    };
    format!("{path}\n{}", line.repeat(200))
}

fn brotli(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(raw).expect("brotli");
    }
    out
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(raw).expect("gzip");
    encoder.finish().expect("gzip")
}

/// `body` decoded from its `Content-Encoding`.
fn decoded(encoding: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        None => out.extend_from_slice(body),
        Some("br") => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .expect("valid brotli");
        }
        Some("gzip") => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("valid gzip");
        }
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    out
}

/// The server with [`FILES`] and no compressed copies yet.
async fn server() -> Server {
    let files: Vec<(&str, String)> = FILES.iter().map(|p| (*p, content(p))).collect();
    let files: Vec<(&str, &str)> = files.iter().map(|(p, c)| (*p, c.as_str())).collect();
    serve(ConnectionLimits::default(), Transport::default(), &files).await
}

fn dist(server: &Server) -> std::path::PathBuf {
    server.data.path().join("dist")
}

/// Writes `FILE.br` and `FILE.gz` beside each of `files` in `dist`.
fn precompress(dist: &Path, files: &[&str]) {
    for file in files {
        let raw = std::fs::read(dist.join(file)).expect("app file");
        std::fs::write(dist.join(format!("{file}.br")), brotli(&raw)).expect("br");
        std::fs::write(dist.join(format!("{file}.gz")), gzip(&raw)).expect("gz");
    }
}

/// The server with [`FILES`], each with its compressed copies.
async fn precompressed_server() -> Server {
    let server = server().await;
    precompress(&dist(&server), FILES);
    server
}

/// The URL path of `file` as the app asks for it (a directory's index by
/// the directory).
fn url_path(file: &str) -> String {
    format!("/{}", file.strip_suffix("index.html").unwrap_or(file))
}

/// A response's status and headers, and its body as sent (not decoded).
struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("ascii"))
    }
}

/// What the server answers for `path` with `accept` as `Accept-Encoding`
/// and `extra` headers.
async fn get_with(
    server: &Server,
    path: &str,
    accept: Option<&str>,
    extra: &[(&str, &str)],
) -> Answer {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.origin));
    if let Some(accept) = accept {
        request = request.header("accept-encoding", accept);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("response");
    Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("body").to_vec(),
    }
}

async fn get(server: &Server, path: &str, accept: Option<&str>) -> Answer {
    get_with(server, path, accept, &[]).await
}

/// Sends `FILES` with `accept` and checks each answer is the file in
/// `encoding` (`None`: as it is), typed by the file's name, with `Vary`.
async fn each_file_comes(server: &Server, accept: Option<&str>, encoding: Option<&str>) {
    for file in FILES {
        let path = url_path(file);
        let answer = get(server, &path, accept).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(
            answer.header("content-encoding"),
            encoding,
            "{path} with {accept:?}"
        );
        assert_eq!(
            decoded(encoding, &answer.body),
            content(file).as_bytes(),
            "{path} with {accept:?}"
        );
        let copy = match encoding {
            Some("br") => format!("{file}.br"),
            Some("gzip") => format!("{file}.gz"),
            _ => file.to_string(),
        };
        let on_disk = std::fs::read(dist(server).join(&copy)).expect("the copy");
        assert_eq!(answer.body, on_disk, "{path}: the bytes of {copy}");
        assert!(
            answer
                .header("vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
            "{path}: Vary"
        );
        let expected_type = match file.rsplit_once('.').map(|(_, ext)| ext) {
            Some("html") => "text/html",
            Some("css") => "text/css",
            // WebAssembly.instantiateStreaming needs this type.
            Some("wasm") => "application/wasm",
            _ => "text/javascript",
        };
        let content_type = answer.header("content-type");
        assert!(
            content_type.is_some_and(|t| t.starts_with(expected_type)),
            "{path}: {content_type:?}"
        );
    }
}

#[tokio::test]
async fn browsers_that_accept_brotli_get_the_brotli_copy() {
    let server = precompressed_server().await;
    each_file_comes(&server, Some(BROWSER), Some("br")).await;
    each_file_comes(&server, Some("br"), Some("br")).await;
}

#[tokio::test]
async fn clients_that_accept_only_gzip_get_the_gzip_copy() {
    let server = precompressed_server().await;
    each_file_comes(&server, Some("gzip"), Some("gzip")).await;
    each_file_comes(&server, Some("gzip, deflate"), Some("gzip")).await;
    each_file_comes(&server, Some("br;q=0, gzip"), Some("gzip")).await;
    // The client's weights decide.
    each_file_comes(&server, Some("gzip;q=1.0, br;q=0.5"), Some("gzip")).await;
}

#[tokio::test]
async fn other_clients_get_the_file_itself() {
    let server = precompressed_server().await;
    for accept in [
        None,
        Some("identity"),
        Some("deflate"),
        Some("br;q=0, gzip;q=0"),
    ] {
        each_file_comes(&server, accept, None).await;
    }
}

#[tokio::test]
async fn files_without_copies_are_sent_as_they_are() {
    // An app built without `scripts/precompress`, and one file missing its
    // copies: the file itself, to every client.
    let server = server().await;
    each_file_comes(&server, Some(BROWSER), None).await;
    let (with, without) = FILES.split_at(3);
    precompress(&dist(&server), with);
    for file in without {
        let answer = get(&server, &url_path(file), Some(BROWSER)).await;
        assert_eq!(answer.status, StatusCode::OK, "{file}");
        assert_eq!(answer.header("content-encoding"), None, "{file}");
    }
    let answer = get(&server, &url_path(with[1]), Some(BROWSER)).await;
    assert_eq!(answer.header("content-encoding"), Some("br"));
}

#[tokio::test]
async fn each_kind_of_file_has_its_cache_policy() {
    let server = precompressed_server().await;
    let expected = [
        // Named by their content (trunk's hash).
        ("/app-e6fdc22f6adbc07b.js", IMMUTABLE),
        ("/app-e6fdc22f6adbc07b_bg.wasm", IMMUTABLE),
        ("/style-60a36d1d320f46f.css", IMMUTABLE),
        // The widget's, loaded by name from partner pages.
        ("/widget/listgate.js", SHORT),
        ("/widget/widget.js", SHORT),
        ("/widget/widget_bg.wasm", SHORT),
        ("/widget/", SHORT),
        // The app's page and its worker, by name: asked again each time.
        ("/", REVALIDATE),
        ("/index.html", REVALIDATE),
        ("/worker.js", REVALIDATE),
        ("/worker_bg.wasm", REVALIDATE),
        ("/worker_loader.js", REVALIDATE),
        // Not found, even under a hashed name (an older release's page).
        ("/app-0123456789abcdef.js", REVALIDATE),
        ("/nothing-here", REVALIDATE),
        // The API keeps its own.
        ("/api/v1/health", "no-store"),
    ];
    for (path, policy) in expected {
        for accept in [None, Some(BROWSER), Some("gzip")] {
            let answer = get(&server, path, accept).await;
            assert_eq!(
                answer.header("cache-control"),
                Some(policy),
                "{path} with {accept:?} ({})",
                answer.status
            );
        }
    }
}

#[tokio::test]
async fn a_revalidated_file_keeps_its_policy() {
    let server = precompressed_server().await;
    for (path, policy) in [("/", REVALIDATE), ("/widget/listgate.js", SHORT)] {
        let first = get(&server, path, Some(BROWSER)).await;
        let modified = first.header("last-modified").expect("Last-Modified");
        let again = get_with(
            &server,
            path,
            Some(BROWSER),
            &[("if-modified-since", modified)],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.header("cache-control"), Some(policy), "{path}");
    }
}

/// `scripts/precompress` on the built app: every copy it writes is what the
/// server then sends. Skipped without Node.js (scripts/setup installs it).
#[tokio::test]
async fn the_precompress_script_writes_what_is_served() {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: node is not installed");
        return;
    }
    let server = server().await;
    let dist = dist(&server);
    std::fs::write(dist.join("stale.js.br"), b"from an older build").expect("stale copy");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/precompress");
    let output = std::process::Command::new(script)
        .arg(&dist)
        .output()
        .expect("run scripts/precompress");
    let summary = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{summary}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !dist.join("stale.js.br").exists(),
        "the orphaned copy stays"
    );
    for file in FILES {
        assert!(summary.contains(file), "{file} missing from\n{summary}");
        let source = std::fs::metadata(dist.join(file)).expect("file");
        for ext in ["br", "gz"] {
            let copy = std::fs::metadata(dist.join(format!("{file}.{ext}"))).expect("copy");
            assert!(copy.len() < source.len(), "{file}.{ext} is not smaller");
            let (copied, original) = (
                copy.modified().expect("mtime"),
                source.modified().expect("mtime"),
            );
            let apart = copied
                .duration_since(original)
                .unwrap_or_else(|e| e.duration());
            assert!(
                apart.as_millis() < 1,
                "{file}.{ext}: mtime {apart:?} from its file's"
            );
        }
    }
    each_file_comes(&server, Some(BROWSER), Some("br")).await;
    each_file_comes(&server, Some("gzip"), Some("gzip")).await;
}
