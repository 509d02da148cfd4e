//! A tenant's opt-outs as the browser gets them: keyed hashes, never the
//! numbers and addresses (`GET /api/v1/suppressions/hashed`).

use chrono::{DateTime, Utc};
use listgate_core::suppress::{Suppression, Suppressions};
use serde::{Deserialize, Serialize};

/// The one algorithm the hashes are made with.
pub const HASH_ALGORITHM: &str = "HMAC-SHA-256";

/// The tenant's suppression list, hashed under the tenant's own key: the
/// browser hashes its rows' numbers and addresses with the key
/// ([`listgate_core::suppress::keyed_hash`]) and looks them up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HashedSuppressions {
    /// How each entry is hashed: `HMAC-SHA-256` of `phone:<E.164>` or
    /// `email:<address, trimmed and lower-cased>`.
    pub algorithm: String,
    /// The tenant's hashing key, in hex.
    pub key: String,
    /// One per opted-out number or address.
    pub entries: Vec<HashedSuppression>,
}

/// One opt-out, hashed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HashedSuppression {
    /// The entry's keyed hash, in lowercase hex.
    pub hash: String,
    /// When the contact opted out, if known.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub since: Option<DateTime<Utc>>,
    /// Why, as the tenant recorded it (may be blank).
    pub reason: String,
}

/// Why a hashed list cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusableList(pub String);

impl std::fmt::Display for UnusableList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl HashedSuppressions {
    /// The list a check looks rows up in.
    pub fn suppressions(&self) -> Result<Suppressions, UnusableList> {
        if self.algorithm != HASH_ALGORITHM {
            return Err(UnusableList(format!(
                "the opt-out list is hashed with {}, which this app does not know; reload the page for the current app",
                self.algorithm
            )));
        }
        let key = hex::decode(&self.key)
            .map_err(|_| UnusableList("the opt-out list's key is not hex".into()))?;
        let mut list = Suppressions::hashed(key);
        for entry in &self.entries {
            list.add_hash(
                &entry.hash,
                Suppression {
                    since: entry.since,
                    reason: entry.reason.clone(),
                },
            );
        }
        Ok(list)
    }
}
