//! Headers that tell browsers how to treat what the server sends: a
//! Content-Security-Policy on every page (the app and the API docs), and
//! HSTS when the request came over HTTPS. The widget's script, worker and
//! WebAssembly under `/widget/` are not pages: they get neither CSP nor a
//! cross-origin resource policy, so partner pages keep loading them.

use crate::http::transport::Transport;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

/// HSTS for a year; subdomains are left to their own servers.
const HSTS: &str = "max-age=31536000";

/// What every response gets.
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    page_policy: HeaderValue,
    transport: Transport,
}

impl SecurityHeaders {
    /// The headers for pages built from `pages` (their HTML, whose inline
    /// scripts the policy allows by hash), over `transport`.
    pub fn new(pages: &[&str], transport: Transport) -> SecurityHeaders {
        SecurityHeaders {
            page_policy: HeaderValue::from_str(&page_policy(pages))
                .expect("the policy is ASCII: keywords and base64 hashes"),
            transport,
        }
    }
}

/// The policy for the app's pages and the API docs. Scripts come from this
/// origin, or are the pages' own inline scripts (trunk's bootstrap, the
/// docs' renderer) by hash; WebAssembly may be compiled; styles may be
/// inline (Yew sets `style` attributes); images may be data or blob URLs
/// (the app's previews); workers and fetches stay on this origin; no page
/// may put these in a frame.
fn page_policy(pages: &[&str]) -> String {
    let hashes: String = pages
        .iter()
        .flat_map(|page| inline_scripts(page))
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; \
         worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The text of each `<script>` without a `src` in `html`, as browsers hash it.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let Some(close) = after[open_end..].find("</script") else {
            break;
        };
        let opening = after[..open_end].to_ascii_lowercase();
        let has_src = opening
            .split(|c: char| c.is_ascii_whitespace())
            .any(|attribute| attribute.starts_with("src="));
        if !has_src {
            scripts.push(&after[open_end + 1..open_end + close]);
        }
        rest = &after[open_end + close..];
    }
    scripts
}

/// Adds the page policy to HTML answers that have no policy of their own
/// (evidence files keep their sandbox), and HSTS over HTTPS.
pub async fn add(State(headers): State<SecurityHeaders>, request: Request, next: Next) -> Response {
    let https = headers.transport.is_https(request.headers());
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let answer = response.headers_mut();
    if is_page && !answer.contains_key(header::CONTENT_SECURITY_POLICY) {
        answer.insert(header::CONTENT_SECURITY_POLICY, headers.page_policy.clone());
    }
    if https {
        answer.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<head><script type="module" src="/app.js"></script>
            <script type="module">import init from '/app.js';</script></head>
            <body><script>two()</script>"#;
        assert_eq!(
            inline_scripts(html),
            ["import init from '/app.js';", "two()"]
        );
        let policy = page_policy(&["<script>two()</script>"]);
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"two()"));
        assert!(policy.contains(&format!("'sha256-{digest}'")), "{policy}");
        assert!(policy.ends_with("frame-ancestors 'none'"));
    }
}
