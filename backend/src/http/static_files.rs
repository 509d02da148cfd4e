//! The built browser app (`dist/`) as static files: compressed once at build
//! time (`scripts/precompress` writes `FILE.br` and `FILE.gz` beside each
//! file), so a browser that accepts brotli or gzip gets the smaller copy
//! without the server compressing anything per request; and cached by how
//! the file is named.
//!
//! Routing is `ServeDir`'s: a path names a file under `dist/`, a directory
//! answers with its `index.html` (`/` the app, `/widget/` the widget's
//! bundle page), anything else is a 404. The app routes with the URL's
//! fragment (`#review`), so there is no page fallback to serve.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::path::Path;
use tower_http::services::ServeDir;

/// Files named by their content: a new build writes new names, so a copy
/// once fetched is right forever (a year is the most HTTP caches honour).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The widget's files keep their names across releases (partner pages load
/// `/widget/listgate.js` by name): five minutes, so a release reaches
/// partner pages soon while a page's own reloads stay cached.
const SHORT: &str = "public, max-age=300";

/// Pages and unhashed app files (the worker's, which the loader imports by
/// name): the browser keeps them but asks each time whether they changed,
/// so a release is seen at once.
const REVALIDATE: &str = "no-cache";

/// The app's files, precompressed variants preferred, with their
/// `Cache-Control` and `Vary`.
pub fn service(dist: &Path) -> Router {
    let files = ServeDir::new(dist)
        .append_index_html_on_directories(true)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(cache_headers))
}

/// Adds the path's `Cache-Control`, and `Vary: Accept-Encoding` on every
/// answer: the same URL answers in brotli, gzip or neither, and a cache
/// that ignored the header could hand brotli to a browser that cannot read it.
async fn cache_headers(request: Request, next: Next) -> Response {
    let policy = cache_control(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    // Only a file that was found may be kept long: a 404 for a hashed name
    // (a page from an older release, mid-deploy) must not stick.
    let policy = if status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED {
        policy
    } else {
        REVALIDATE
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// The `Cache-Control` of the file at the request path `path`.
fn cache_control(path: &str) -> &'static str {
    let file_name = path.rsplit('/').next().unwrap_or_default();
    if is_content_hashed(file_name) {
        IMMUTABLE
    } else if path.starts_with("/widget/") {
        SHORT
    } else {
        REVALIDATE
    }
}

/// Whether `file_name` carries trunk's content hash: `NAME-HASH.EXT`, or
/// wasm-bindgen's `NAME-HASH_bg.wasm` beside it, where HASH is the 64-bit
/// hash of the content in lowercase hex. trunk writes it without leading
/// zeros (`style-60a36d1d320f46f.css` has 15 digits), so 8 to 16 digits are
/// taken as a hash: fewer happen once in 68 billion builds, and a word of
/// eight hex letters is unlikely in a name. Names built without hashes (the
/// worker's, the widget's) have no such part.
fn is_content_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty()
            && (8..=16).contains(&hash.len())
            && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_names_are_hashed() {
        for name in [
            "app-e6fdc22f6adbc07b.js",
            "app-e6fdc22f6adbc07b_bg.wasm",
            "style-60a36d1d320f46f.css",
            "app-e6fdc22f6adbc07b.js.br",
            "my-app-0123abcd.js",
        ] {
            assert!(is_content_hashed(name), "{name}");
        }
    }

    #[test]
    fn plain_names_are_not() {
        for name in [
            "",
            "index.html",
            "worker.js",
            "worker_bg.wasm",
            "worker_loader.js",
            "listgate.js",
            "widget_bg.wasm",
            "-e6fdc22f6adbc07b.js",
            "app-e6fdc22.js",
            "app-E6FDC22F6ADBC07B.js",
            "app-e6fdc22f6adbc07b00.js",
            "font-awesome.css",
        ] {
            assert!(!is_content_hashed(name), "{name}");
        }
    }

    #[test]
    fn each_file_gets_its_class() {
        assert_eq!(cache_control("/app-e6fdc22f6adbc07b_bg.wasm"), IMMUTABLE);
        assert_eq!(cache_control("/style-60a36d1d320f46f.css"), IMMUTABLE);
        assert_eq!(cache_control("/widget/listgate.js"), SHORT);
        assert_eq!(cache_control("/widget/widget_bg.wasm"), SHORT);
        assert_eq!(cache_control("/widget/"), SHORT);
        for path in [
            "/",
            "/index.html",
            "/worker.js",
            "/worker_bg.wasm",
            "/worker_loader.js",
            "/widget",
        ] {
            assert_eq!(cache_control(path), REVALIDATE, "{path}");
        }
    }
}
