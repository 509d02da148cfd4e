//! How clients reach the server: over HTTPS or not. The server speaks plain
//! HTTP itself; HTTPS ends at a reverse proxy or load balancer in front, so
//! the operator tells it (`--public-url https://…`), or lets it trust the
//! proxy's `X-Forwarded-Proto` (`--behind-proxy`). The session cookie's
//! `Secure` and `__Host-` and the HSTS header follow from it.

use axum::http::{HeaderMap, Uri};

/// The address browsers reach the server at: `http(s)://host[:port]`, with
/// no path (the app is served at the root), credentials, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    url: String,
    https: bool,
}

impl PublicUrl {
    /// Validates a public URL.
    pub fn parse(text: &str) -> Result<PublicUrl, String> {
        let refuse = |why: &str| {
            format!("`{text}` is not a public URL: {why}; write it as https://host[:port]")
        };
        let uri: Uri = text
            .trim()
            .parse()
            .map_err(|_| refuse("it cannot be read as a URL"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(refuse("it must start with https:// or http://")),
        };
        let authority = uri.authority().ok_or_else(|| refuse("it names no host"))?;
        if authority.host().is_empty() || authority.as_str().contains('@') {
            return Err(refuse("it needs a host and no user name or password"));
        }
        let bare = uri.path_and_query().is_none_or(|p| p.as_str() == "/");
        if !bare {
            return Err(refuse("the app is served at the root, so no path or query"));
        }
        Ok(PublicUrl {
            url: format!("{}://{}", if https { "https" } else { "http" }, authority)
                .to_ascii_lowercase(),
            https,
        })
    }

    /// The URL, `scheme://host[:port]` in lower case.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Browsers reach the server over HTTPS.
    pub fn is_https(&self) -> bool {
        self.https
    }
}

/// What the server knows about the way requests reach it.
#[derive(Debug, Clone, Default)]
pub struct Transport {
    /// `--public-url`: when given, its scheme decides.
    pub public_url: Option<PublicUrl>,
    /// `--behind-proxy`: every request comes through a proxy that sets
    /// `X-Forwarded-Proto`, so the header can be believed.
    pub behind_proxy: bool,
}

impl Transport {
    /// Whether the request with these headers came over HTTPS. The public URL
    /// wins; otherwise a forwarded proto counts only behind a trusted proxy
    /// (a client can send the header itself). The last value counts: proxies
    /// append theirs, so the last one is the proxy nearest to this server.
    pub fn is_https(&self, headers: &HeaderMap) -> bool {
        if let Some(url) = &self.public_url {
            return url.is_https();
        }
        self.behind_proxy
            && headers
                .get_all("x-forwarded-proto")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .next_back()
                .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_are_scheme_and_host_only() {
        let url = PublicUrl::parse("HTTPS://Lists.Example:8443/").expect("valid");
        assert_eq!(url.as_str(), "https://lists.example:8443");
        assert!(url.is_https());
        assert!(
            !PublicUrl::parse("http://lists.example")
                .expect("valid")
                .is_https()
        );
        for junk in [
            "lists.example",
            "ftp://lists.example",
            "https://",
            "https://user:pw@lists.example",
            "https://lists.example/app",
            "https://lists.example/?a=b",
        ] {
            assert!(PublicUrl::parse(junk).is_err(), "{junk} accepted");
        }
    }

    #[test]
    fn a_forwarded_proto_counts_only_behind_a_proxy() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", "http, https".parse().expect("header"));
        assert!(!Transport::default().is_https(&headers));
        let proxied = Transport {
            public_url: None,
            behind_proxy: true,
        };
        assert!(proxied.is_https(&headers));
        headers.insert("x-forwarded-proto", "https, http".parse().expect("header"));
        assert!(
            !proxied.is_https(&headers),
            "the nearest proxy's value counts"
        );
        let declared = Transport {
            public_url: Some(PublicUrl::parse("http://lists.example").expect("valid")),
            behind_proxy: true,
        };
        headers.insert("x-forwarded-proto", "https".parse().expect("header"));
        assert!(!declared.is_https(&headers), "the public URL wins");
    }
}
