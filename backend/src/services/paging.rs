//! Keyset pagination, as every list the API pages through answers it: a
//! `limit` of 1 to [`MAX_PAGE`] (100 by default) and an opaque `cursor`,
//! the hex of the last key of the previous page.

use crate::services::ServiceError;

/// Entries returned per page unless the caller asks for fewer or more.
pub const DEFAULT_PAGE: u32 = 100;
/// The most entries one page holds.
pub const MAX_PAGE: u32 = 1_000;

/// A page asked for: the entries after key `after`, `limit` of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// The last key of the previous page ('' for the first page).
    pub after: String,
    /// Entries on the page.
    pub limit: u32,
}

impl PageRequest {
    /// Reads `cursor` and `limit` of a list of `what` (`contacts`); a limit
    /// out of range or a cursor no page gave is a 400 saying so.
    pub fn read(
        cursor: Option<&str>,
        limit: Option<u32>,
        what: &str,
    ) -> Result<PageRequest, ServiceError> {
        let limit = limit.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ServiceError::Invalid(format!(
                "`limit` is 1 to {MAX_PAGE} {what} a page, not {limit}"
            )));
        }
        let after = match cursor {
            None => String::new(),
            Some(cursor) => hex::decode(cursor)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| {
                    ServiceError::Invalid(format!("`cursor` is not one a page of {what} gave"))
                })?,
        };
        Ok(PageRequest { after, limit })
    }

    /// Rows to fetch: one more than asked for tells whether another page follows.
    pub fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// Cuts `rows` (fetched with [`Self::fetch`]) to the page; the cursor
    /// of the next page, from the last row's `key`, when there is one.
    pub fn finish<T>(&self, rows: &mut Vec<T>, key: impl Fn(&T) -> String) -> Option<String> {
        let more = rows.len() > self.limit as usize;
        rows.truncate(self.limit as usize);
        more.then(|| rows.last().map(|row| hex::encode(key(row))))
            .flatten()
    }
}
