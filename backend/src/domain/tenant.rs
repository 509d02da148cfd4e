//! A tenant's boundary types: its keys, its name, the origins and webhook
//! it is allowed, its staff ids and business name. Each validates on
//! construction, so a value of the type is always usable. A key is shown
//! once, when the tenant is added; only its SHA-256 is stored (keys are long
//! random strings, so a fast hash is enough — passwords get argon2).

use crate::support::{has_key_shape, random_key, sha256_hex};

/// A tenant's secret API key: `lg_` and 48 hex digits. It does everything
/// the tenant may do; it belongs on servers and in the merchant's hands,
/// never in a web page's source.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Keys never reach logs, even through Debug.
        f.write_str("ApiKey(***)")
    }
}

impl ApiKey {
    const PREFIX: &'static str = "lg_";

    /// A new random key.
    pub fn generate() -> ApiKey {
        ApiKey(random_key(Self::PREFIX, 24))
    }

    /// A key as sent by a client, if it has the right shape.
    pub fn parse(text: &str) -> Option<ApiKey> {
        has_key_shape(text, Self::PREFIX, 48).then(|| ApiKey(text.to_owned()))
    }

    /// What is stored.
    pub fn hash(&self) -> String {
        sha256_hex(self.0.as_bytes())
    }

    /// The key itself, to show once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A tenant's publishable key: `lg_pub_` and 32 hex digits. It is meant to
/// sit in a partner's web page, so it can do one thing only: create a
/// submission from a page on one of the tenant's allowed origins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishableKey(String);

impl PublishableKey {
    /// What every publishable key starts with.
    pub const PREFIX: &'static str = "lg_pub_";

    /// A new random key.
    pub fn generate() -> PublishableKey {
        PublishableKey(random_key(Self::PREFIX, 16))
    }

    /// A key as sent by a client, if it has the right shape.
    pub fn parse(text: &str) -> Option<PublishableKey> {
        has_key_shape(text, Self::PREFIX, 32).then(|| PublishableKey(text.to_owned()))
    }

    /// The key (it is public by design).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A tenant's display name: 1 to 100 characters, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantName(String);

impl TenantName {
    /// Validates a name.
    pub fn parse(text: &str) -> Result<TenantName, String> {
        let name = text.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err("a tenant name has 1 to 100 characters".into());
        }
        Ok(TenantName(name.to_owned()))
    }
}

/// A web origin allowed to submit for a tenant: `https://host[:port]`, as
/// browsers send it in `Origin` (lowercase host, no default port).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin(String);

impl Origin {
    /// Validates an origin: `http` or `https`, a host, an optional port; no
    /// credentials, path, query or fragment. `https://Portal.example:443/`
    /// becomes `https://portal.example`, which is what browsers send.
    pub fn parse(text: &str) -> Result<Origin, String> {
        let text = text.trim();
        let junk = || format!("`{text}` is not an origin: write it as https://host[:port]");
        let url = url::Url::parse(text).map_err(|_| junk())?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(junk());
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
        {
            return Err(format!(
                "`{text}` is not an origin: only scheme, host and port, no path"
            ));
        }
        Ok(Origin(url.origin().ascii_serialization()))
    }

    /// The origin as browsers send it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A staff member's id in the tenant's account (Mongoose `StaffId`):
/// 1 to 64 visible characters, no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffId(String);

impl StaffId {
    /// Validates an id.
    pub fn parse(text: &str) -> Result<StaffId, String> {
        let id = text.trim();
        if id.is_empty() || id.chars().count() > 64 || id.chars().any(char::is_whitespace) {
            return Err(format!(
                "`{id}` is not a staff id: 1 to 64 characters without spaces"
            ));
        }
        Ok(StaffId(id.to_owned()))
    }
}

/// The business a tenant's consent wording must name ("Yes to WhatsApp
/// offers from **Acme Boutique**"): 2 to 100 characters, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessName(String);

impl BusinessName {
    /// Validates a business name.
    pub fn parse(text: &str) -> Result<BusinessName, String> {
        let name = text.trim();
        if !(2..=100).contains(&name.chars().count()) {
            return Err(format!(
                "`{name}` is not a business name: 2 to 100 characters, as the consent wording names the business"
            ));
        }
        Ok(BusinessName(name.to_owned()))
    }
}

/// A webhook receiver: an `https://` URL (`http://` for loopback only), with
/// no credentials in it and not aimed at a link-local, multicast or
/// unspecified address (169.254.169.254 is where clouds serve their secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// Validates a receiver URL. The host is judged as the URL parser reads
    /// it, not by its first characters: `http://127.0.0.1@192.0.2.2/` goes
    /// to 192.0.2.2.
    pub fn parse(text: &str) -> Result<WebhookUrl, String> {
        let text = text.trim();
        let refuse = |why: &str| Err(format!("`{text}` is not a webhook URL: {why}"));
        let Ok(url) = url::Url::parse(text) else {
            return refuse("write it as https://host/path");
        };
        let Some(host) = url.host() else {
            return refuse("it has no host");
        };
        if !url.username().is_empty() || url.password().is_some() {
            return refuse("it carries a user name or password; the deliveries are signed instead");
        }
        let ip = match host {
            url::Host::Ipv4(ip) => Some(std::net::IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(std::net::IpAddr::V6(ip)),
            url::Host::Domain(_) => None,
        };
        let loopback = ip.is_some_and(|ip| ip.is_loopback())
            || matches!(host, url::Host::Domain(d) if d.eq_ignore_ascii_case("localhost"));
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            _ => return refuse("use https:// (http:// only for 127.0.0.1 or localhost)"),
        }
        if ip.is_some_and(|ip| {
            ip.is_unspecified()
                || ip.is_multicast()
                || match ip {
                    std::net::IpAddr::V4(v4) => v4.is_link_local() || v4.is_broadcast(),
                    std::net::IpAddr::V6(v6) => v6.is_unicast_link_local(),
                }
        }) {
            return refuse("a link-local, multicast or unspecified address receives no webhooks");
        }
        Ok(WebhookUrl(url.into()))
    }

    /// The URL deliveries are sent to.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The text of a validated value, as stored.
macro_rules! as_str {
    ($($name:ident),+) => {$(
        impl $name {
            /// The validated text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    )+};
}
as_str!(TenantName, StaffId, BusinessName);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_hide_in_debug() {
        let key = ApiKey::generate();
        assert_eq!(ApiKey::parse(key.expose()), Some(key.clone()));
        assert_eq!(format!("{key:?}"), "ApiKey(***)");
        assert_eq!(ApiKey::parse("lg_short"), None);
        assert_eq!(ApiKey::parse(&key.expose().replace("lg_", "xx_")), None);
        assert_ne!(key.hash(), key.expose());
        let public = PublishableKey::generate();
        assert_eq!(PublishableKey::parse(public.as_str()), Some(public.clone()));
        assert_eq!(
            ApiKey::parse(public.as_str()),
            None,
            "the two kinds never mix"
        );
        assert_eq!(PublishableKey::parse(key.expose()), None);
    }

    #[test]
    fn names_and_origins_are_validated() {
        assert!(TenantName::parse("  ").is_err());
        assert_eq!(TenantName::parse(" Acme ").unwrap().0, "Acme");
        assert_eq!(
            Origin::parse("https://Portal.example:8443/").unwrap().0,
            "https://portal.example:8443"
        );
        assert!(Origin::parse("portal.example").is_err());
        assert!(Origin::parse("https://portal.example/path").is_err());
        // What browsers send: no default port, lowercase, punycode.
        for (typed, sent) in [
            ("https://portal.example:443", "https://portal.example"),
            ("http://portal.example:80/", "http://portal.example"),
            ("https://PORTAL.example", "https://portal.example"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
        ] {
            assert_eq!(
                Origin::parse(typed).map(|o| o.0),
                Ok(sent.to_owned()),
                "{typed}"
            );
        }
        for junk in [
            "https://",
            "https://user:pw@portal.example",
            "https://portal.example?x=1",
            "https://portal.example/#top",
            "ftp://portal.example",
            "javascript:alert(1)",
            "https://portal example",
        ] {
            assert!(Origin::parse(junk).is_err(), "{junk}");
        }
    }

    #[test]
    fn webhook_urls_are_judged_by_the_host_they_reach() {
        for accepted in [
            "https://hooks.example/listgate",
            "http://127.0.0.1:9201/x",
            "http://localhost:9201/x",
            "http://[::1]:9201/x",
            "https://10.0.0.5/internal",
        ] {
            assert!(WebhookUrl::parse(accepted).is_ok(), "{accepted}");
        }
        for (refused, why) in [
            // Reaches 192.0.2.2 over plain HTTP, whatever it starts with.
            ("http://127.0.0.1@192.0.2.2:9201/x", "user name or password"),
            ("http://127.0.0.1.example/x", "use https://"),
            ("http://192.0.2.2/x", "use https://"),
            ("https://169.254.169.254/latest/meta-data/", "link-local"),
            ("https://[fe80::1]/x", "link-local"),
            ("https://0.0.0.0/x", "unspecified"),
            ("https://224.0.0.1/x", "multicast"),
            ("https://", "https://host/path"),
            (
                "https://user:secret@hooks.example/x",
                "user name or password",
            ),
            ("file:///etc/passwd", "no host"),
        ] {
            let message = WebhookUrl::parse(refused).expect_err(refused);
            assert!(message.contains(why), "{refused}: {message}");
        }
    }
}
