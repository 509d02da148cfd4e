//! What the server's and the browser's tests stand in for, each on a
//! loopback port of its own: an SMTP server ([`smtp`]), the merchant's
//! messaging platform receiving the tenant's webhook ([`webhook`]) and a
//! fresh PostgreSQL database per test ([`postgres`]).

pub mod postgres;
pub mod smtp;
pub mod webhook;

use std::time::Duration;

/// How long a test waits for an e-mail or a webhook event before failing.
pub const WAIT: Duration = Duration::from_secs(20);
