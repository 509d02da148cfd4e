//! Limits on what anyone on the internet can make the server do: sign-in
//! attempts per client address and per e-mail (password guessing), and
//! submissions with the publishable key (which sits in every partner page)
//! per key and per client address.

use crate::http::error::ApiError;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The limits `listgate serve` enforces, one flag each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbuseLimits {
    /// Sign-in attempts per minute from one client address, and separately
    /// for one e-mail (`--sign-in-attempts-per-minute`).
    pub sign_in_attempts_per_minute: u32,
    /// Submissions per minute with one publishable key
    /// (`--publishable-submissions-per-minute`).
    pub publishable_submissions_per_minute: u32,
    /// Submissions per minute with a publishable key from one client address
    /// (`--publishable-submissions-per-minute-per-address`).
    pub publishable_submissions_per_minute_per_address: u32,
    /// Submissions of one tenant waiting for review at once
    /// (`--max-pending-submissions`).
    pub max_pending_submissions: u32,
}

impl Default for AbuseLimits {
    /// Room for a person who mistypes, a busy partner page and a review
    /// team's day; far below what guessing or flooding needs.
    fn default() -> Self {
        AbuseLimits {
            sign_in_attempts_per_minute: 10,
            publishable_submissions_per_minute: 30,
            publishable_submissions_per_minute_per_address: 5,
            max_pending_submissions: 20,
        }
    }
}

/// The rate limiters the server shares between requests.
#[derive(Debug)]
pub struct Throttles {
    /// The configured limits.
    pub limits: AbuseLimits,
    sign_in_by_address: KeyedLimiter<AddressKey>,
    sign_in_by_email: KeyedLimiter<String>,
    publishable_by_key: KeyedLimiter<String>,
    publishable_by_address: KeyedLimiter<AddressKey>,
}

impl Throttles {
    /// Empty limiters enforcing `limits`.
    pub fn new(limits: AbuseLimits) -> Throttles {
        Throttles {
            limits,
            sign_in_by_address: KeyedLimiter::per_minute(limits.sign_in_attempts_per_minute),
            sign_in_by_email: KeyedLimiter::per_minute(limits.sign_in_attempts_per_minute),
            publishable_by_key: KeyedLimiter::per_minute(limits.publishable_submissions_per_minute),
            publishable_by_address: KeyedLimiter::per_minute(
                limits.publishable_submissions_per_minute_per_address,
            ),
        }
    }

    /// Counts a sign-in attempt from `client` for `email` (normalised); 429
    /// when either has used up its attempts.
    pub fn sign_in(&self, client: ClientAddress, email: &str) -> Result<(), ApiError> {
        take_both(
            (&self.sign_in_by_address, client),
            (&self.sign_in_by_email, email),
            "too many sign-in attempts; wait a minute and try again",
        )
    }

    /// Counts a submission with the publishable key `key` from `client`;
    /// 429 when either has used up its submissions.
    pub fn publishable_submission(&self, client: ClientAddress, key: &str) -> Result<(), ApiError> {
        take_both(
            (&self.publishable_by_address, client),
            (&self.publishable_by_key, key),
            "too many submissions from this page; wait a minute and send it again",
        )
    }
}

/// Counts one request against the client's address and against `key`
/// (address first); 429 saying `message` when either is used up.
fn take_both(
    (by_address, client): (&KeyedLimiter<AddressKey>, ClientAddress),
    (by_key, key): (&KeyedLimiter<String>, &str),
    message: &str,
) -> Result<(), ApiError> {
    let refused = |retry_after| ApiError::TooManyRequests {
        message: message.to_owned(),
        retry_after,
    };
    by_address.take(client.key()).map_err(refused)?;
    by_key.take(key.to_owned()).map_err(refused)
}

/// The address of the client that sent a request. The one place that
/// decides it: today the TCP peer (a trusted proxy's forwarded address
/// belongs here once the server knows which proxies to trust).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// What limits count by: the address, IPv6 by its /64 (one subscriber
    /// gets a whole /64, so single addresses would be free to rotate).
    fn key(self) -> AddressKey {
        match self.0 {
            IpAddr::V4(v4) => AddressKey::V4(v4.to_bits()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressKey::V4(v4.to_bits()),
                None => AddressKey::V6Prefix((v6.to_bits() >> 64) as u64),
            },
        }
    }
}

impl<S: Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| ClientAddress(peer.ip()))
            // Serving without connection info would put every client under one limit.
            .ok_or_else(|| anyhow::anyhow!("the server was started without ConnectInfo").into())
    }
}

/// A client address as limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum AddressKey {
    V4(u32),
    V6Prefix(u64),
}

/// Keys a limiter remembers at most; past that, with every key busy, new
/// keys are refused until some go quiet (memory stays bounded under a
/// flood from many addresses).
const MAX_KEYS: usize = 100_000;

/// A rate limit per key (generic cell rate algorithm): up to `burst`
/// requests at once, then one every `interval`. A key whose allowance is
/// full again is forgotten, so memory holds only keys active lately.
#[derive(Debug)]
struct KeyedLimiter<K> {
    interval: Duration,
    /// How far ahead of now a key's next allowed time may run.
    tolerance: Duration,
    /// Per key: when its allowance is full again.
    full_at: Mutex<HashMap<K, Instant>>,
}

impl<K: Eq + Hash> KeyedLimiter<K> {
    /// `rate` a minute, all of them at once if need be; 0 is taken as 1.
    fn per_minute(rate: u32) -> KeyedLimiter<K> {
        let rate = rate.max(1);
        let interval = Duration::from_secs(60) / rate;
        KeyedLimiter {
            interval,
            tolerance: interval * (rate - 1),
            full_at: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request's allowance for `key`, or says how long to wait.
    fn take(&self, key: K) -> Result<(), Duration> {
        let now = Instant::now();
        let mut full_at = self.full_at.lock().unwrap_or_else(|e| e.into_inner());
        if full_at.len() >= MAX_KEYS && !full_at.contains_key(&key) {
            full_at.retain(|_, at| *at > now);
            if full_at.len() >= MAX_KEYS {
                return Err(self.interval);
            }
        }
        let at = full_at.get(&key).copied().unwrap_or(now).max(now);
        if at - now > self.tolerance {
            return Err(at - now - self.tolerance);
        }
        full_at.insert(key, at + self.interval);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_key_waits_and_others_do_not() {
        let limiter = KeyedLimiter::per_minute(3);
        for _ in 0..3 {
            assert_eq!(limiter.take("a"), Ok(()));
        }
        let wait = limiter.take("a").expect_err("fourth in a minute");
        assert!(wait > Duration::from_secs(19) && wait <= Duration::from_secs(20));
        assert_eq!(
            limiter.take("b"),
            Ok(()),
            "another key has its own allowance"
        );
    }

    #[test]
    fn quiet_keys_are_forgotten_when_the_limiter_is_full() {
        let limiter = KeyedLimiter::per_minute(60);
        *limiter.full_at.lock().unwrap() = (0..MAX_KEYS)
            .map(|k| (k, Instant::now() - Duration::from_secs(1)))
            .collect();
        assert_eq!(limiter.take(MAX_KEYS), Ok(()));
        assert_eq!(limiter.full_at.lock().unwrap().len(), 1);
    }

    #[test]
    fn ipv6_clients_count_by_their_64_prefix() {
        let client = |text: &str| ClientAddress(text.parse().unwrap()).key();
        assert_eq!(client("2001:db8::1"), client("2001:db8::ffff:1"));
        assert_ne!(client("2001:db8::1"), client("2001:db8:0:1::1"));
        assert_eq!(client("::ffff:192.0.2.1"), client("192.0.2.1"));
    }
}
