//! The tenant's suppression list: opt-outs the tenant adds (as lists or a
//! CSV) or removes, and what the import makes of them. Opt-outs win: a row
//! whose phone or e-mail opted out after the row's consent is not imported
//! (a row that says not when it consented is older than any opt-out); a
//! row with newer consent is imported and replaces the opt-out; a row that
//! carries an opt-out itself (Mongoose's opt-out columns) adds one.

use crate::db;
use crate::db::suppressions::SuppressionRow;
use crate::domain::contact::{E164, Row, cell};
use crate::domain::suppression::{
    OptOutReason, Suppressed, Suppression, SuppressionKind, SuppressionOrigin, opted_out_reason,
    stored_instant,
};
use crate::services::paging::PageRequest;
use crate::services::{Backend, ServiceError, ledger};
use chrono::{DateTime, Utc};
use listgate_api::suppressions::HASH_ALGORITHM;
use listgate_api::{HashedSuppression, HashedSuppressions};
use listgate_core::Profile;
use listgate_core::normalize::date::{DateRules, parse_instant};
use listgate_core::normalize::email::email_key;
use listgate_core::normalize::parse_bool;
use listgate_core::profile::Role;
use listgate_core::suppress::{
    Opted, Suppression as CoreSuppression, Suppressions, SuppressionsError, Target, keyed_hash,
    opt_out_wins, read_csv,
};
use serde::Serialize;
use sqlx::{Any, Transaction};
use utoipa::ToSchema;

/// The most addresses one request may add or remove.
pub const MAX_PER_REQUEST: usize = 100_000;

/// Reads one address as the tenant wrote it (a phone or an e-mail address).
type Reader = fn(&str) -> Result<Suppressed, String>;

/// How many refused values a 422 names before it counts the rest.
const NAMED_PROBLEMS: usize = 10;

/// One opt-out as the tenant reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SuppressionView {
    /// Phone or e-mail.
    pub kind: SuppressionKind,
    /// The phone in E.164 or the lower-cased address.
    pub value: String,
    /// Why (at most 200 characters).
    pub reason: String,
    /// When the contact opted out (RFC 3339).
    pub suppressed_at: String,
    /// Added through the API, or by an imported row that carried an opt-out.
    pub origin: SuppressionOrigin,
}

/// A page of the tenant's opt-outs, e-mail addresses then phones, by value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SuppressionsPage {
    /// The opt-outs.
    pub suppressions: Vec<SuppressionView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// What adding opt-outs did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Added {
    /// New to the list.
    pub added: u64,
    /// Already listed with an earlier date: now with the new date and reason.
    pub updated: u64,
    /// Already listed with the same or a later date: left as it was.
    pub unchanged: u64,
}

/// What removing opt-outs did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Removed {
    /// Opt-outs taken off the list (addresses that were not on it are not counted).
    pub removed: u64,
}

/// A page of the tenant's opt-outs after `cursor`, as the contacts are paged.
pub async fn list(
    backend: &Backend,
    tenant: &str,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<SuppressionsPage, ServiceError> {
    let page = PageRequest::read(cursor, limit, "suppressions")?;
    let after = if page.after.is_empty() {
        ("", "")
    } else {
        page.after.split_once(':').ok_or_else(|| {
            ServiceError::Invalid("`cursor` is not one a page of suppressions gave".into())
        })?
    };
    let mut rows = db::suppressions::page(&backend.db, tenant, after, page.fetch()).await?;
    let next_cursor = page.finish(&mut rows, |row| format!("{}:{}", row.kind, row.value));
    let suppressions = rows
        .into_iter()
        .map(|row| {
            Ok(SuppressionView {
                kind: stored(row.kind.parse())?,
                origin: stored(row.origin.parse())?,
                value: row.value,
                reason: row.reason,
                suppressed_at: row.suppressed_at,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(SuppressionsPage {
        suppressions,
        next_cursor,
    })
}

/// A value the server wrote that it cannot read back is a bug.
fn stored<T>(parsed: Result<T, String>) -> Result<T, ServiceError> {
    parsed.map_err(|e| ServiceError::Internal(anyhow::anyhow!(e)))
}

/// When a stored opt-out was made.
fn suppressed_at(row: &SuppressionRow) -> Result<DateTime<Utc>, ServiceError> {
    DateTime::parse_from_rfc3339(&row.suppressed_at)
        .map(|at| at.to_utc())
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("stored suppressed_at: {e}")))
}

/// A stored opt-out as core reads it: what it names, and since when.
fn opt_out(row: &SuppressionRow) -> Result<(Suppressed, CoreSuppression), ServiceError> {
    let target = row
        .target()
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!(e)))?;
    let opt_out = CoreSuppression {
        since: Some(suppressed_at(row)?),
        reason: row.reason.clone(),
    };
    Ok((target, opt_out))
}

/// What core calls the number or address `target`.
fn opted(target: &Suppressed) -> Opted<'_> {
    match target.kind() {
        SuppressionKind::Phone => Opted::Phone(target.value()),
        SuppressionKind::Email => Opted::Email(target.value()),
    }
}

/// The tenant's whole list as a check reads it: the rows it holds are
/// refused (`consent.suppressed`) unless their consent is newer.
pub async fn for_check(backend: &Backend, tenant: &str) -> Result<Suppressions, ServiceError> {
    let mut list = Suppressions::default();
    for row in db::suppressions::all(&backend.db, tenant).await? {
        let (target, opt_out) = opt_out(&row)?;
        list.add(opted(&target), opt_out);
    }
    Ok(list)
}

/// The tenant's whole list as keyed hashes under its own key (made at the
/// first ask): what the browser app looks its rows up in, without a number
/// or an address reaching the browser.
pub async fn hashed(backend: &Backend, tenant: &str) -> Result<HashedSuppressions, ServiceError> {
    let fresh = crate::support::random_key("", 32);
    let key = db::tenants::suppression_key(&backend.db, tenant, &fresh).await?;
    let secret = hex::decode(&key)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("stored suppression key: {e}")))?;
    let entries = db::suppressions::all(&backend.db, tenant)
        .await?
        .iter()
        .map(|row| {
            let (target, opt_out) = opt_out(row)?;
            Ok(HashedSuppression {
                hash: keyed_hash(&secret, opted(&target)),
                since: opt_out.since,
                reason: opt_out.reason,
            })
        })
        .collect::<Result<_, ServiceError>>()?;
    Ok(HashedSuppressions {
        algorithm: HASH_ALGORITHM.into(),
        key,
        entries,
    })
}

/// Opt-outs given as lists (`phones`, `emails`), all with `reason` and made
/// at `at` (RFC 3339; `now` when absent). A value that cannot be read is
/// refused (422) with its place (`phones[2]`) and the fix.
pub fn from_lists(
    phones: &[String],
    emails: &[String],
    reason: Option<&str>,
    at: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Suppression>, ServiceError> {
    let mut problems = Problems::default();
    let reason = OptOutReason::parse(reason.unwrap_or_default())
        .map_err(|why| ServiceError::refused(format!("`reason`: {why}; nothing was stored")))?;
    let suppressed_at = match at {
        None => now,
        Some(at) => DateTime::parse_from_rfc3339(at.trim())
            .map(|at| at.to_utc())
            .map_err(|_| {
                ServiceError::refused(format!(
                    "`suppressed_at` `{at}` is not an RFC 3339 time: write it as 2025-03-01T09:30:00Z; nothing was stored"
                ))
            })?,
    };
    let targets = targets(phones, emails, &mut problems)?;
    problems.refuse_any()?;
    Ok(targets
        .into_iter()
        .map(|target| Suppression {
            target,
            reason: reason.clone(),
            suppressed_at,
            origin: SuppressionOrigin::Api,
        })
        .collect())
}

/// The addresses of `phones` and `emails`, each read with core's
/// normalisation; those that cannot be are noted in `problems`.
fn targets(
    phones: &[String],
    emails: &[String],
    problems: &mut Problems,
) -> Result<Vec<Suppressed>, ServiceError> {
    if phones.len() + emails.len() > MAX_PER_REQUEST {
        return Err(too_many());
    }
    let mut targets = Vec::with_capacity(phones.len() + emails.len());
    let lists: [(&str, &[String], Reader); 2] = [
        ("phones", phones, Suppressed::phone),
        ("emails", emails, Suppressed::email),
    ];
    for (name, values, read) in lists {
        for (i, value) in values.iter().enumerate() {
            match read(value) {
                Ok(target) => targets.push(target),
                Err(why) => problems.note(format!("{name}[{i}]: {why}")),
            }
        }
    }
    Ok(targets)
}

fn too_many() -> ServiceError {
    ServiceError::Invalid(format!(
        "at most {MAX_PER_REQUEST} addresses a request; split the list"
    ))
}

/// The addresses of `phones` and `emails` to take off the list; a value
/// that cannot be read is refused (422) with its place and the fix.
pub fn to_remove(phones: &[String], emails: &[String]) -> Result<Vec<Suppressed>, ServiceError> {
    let mut problems = Problems::default();
    let targets = targets(phones, emails, &mut problems)?;
    problems.refuse_any()?;
    Ok(targets)
}

/// Opt-outs given as a CSV, read by core's [`read_csv`]: a header naming
/// `phone` and/or `email` (any case), optionally `reason` and `date` (when
/// the contact opted out, read as core reads dates; blank: `now`). Phones
/// must carry their country code. A row that cannot be read is refused
/// (422) with its row number as a spreadsheet shows it (header = 1).
pub fn from_csv(bytes: &[u8], now: DateTime<Utc>) -> Result<Vec<Suppression>, ServiceError> {
    let read = read_csv(bytes, None);
    let mut problems: Vec<(u64, String)> = Vec::new();
    let mut entries = Vec::new();
    for entry in read.entries {
        let reason = match OptOutReason::parse(&entry.suppression.reason) {
            Ok(reason) => reason,
            Err(why) => {
                // Once for the row, not for each of its addresses.
                if problems.last().is_none_or(|(row, _)| *row != entry.line) {
                    problems.push((entry.line, format!("row {}, `reason`: {why}", entry.line)));
                }
                continue;
            }
        };
        let target = match entry.target {
            Target::Phone(e164) => Suppressed::canonical(SuppressionKind::Phone, e164),
            Target::Email(key) => Suppressed::canonical(SuppressionKind::Email, key),
        };
        entries.push(Suppression {
            target,
            reason,
            suppressed_at: entry.suppression.since.unwrap_or(now),
            origin: SuppressionOrigin::Api,
        });
    }
    if entries.len() > MAX_PER_REQUEST {
        return Err(too_many());
    }
    for error in read.errors {
        let row = error.line().unwrap_or_default();
        let problem = match error {
            SuppressionsError::NotUtf8 => {
                return Err(ServiceError::refused(
                    "the CSV is not UTF-8 text: save it as \"CSV UTF-8\" and send it again; nothing was stored",
                ));
            }
            SuppressionsError::NoColumns { found, .. } if found.is_empty() => {
                return Err(ServiceError::refused(
                    "the CSV is empty: send a header naming `phone` and/or `email`, then one opt-out a row",
                ));
            }
            SuppressionsError::NoColumns { .. } => {
                return Err(ServiceError::refused(
                    "the CSV's header (its first line, comma-separated) names no `phone` or `email` column: name the column of numbers `phone` and the column of addresses `email`; nothing was stored",
                ));
            }
            SuppressionsError::UnclosedQuote { line } => {
                format!("row {line}: a quoted cell is not closed; close its quote (\")")
            }
            SuppressionsError::NoAddress { line } => {
                format!("row {line} has no phone or email: fill one in or delete the row")
            }
            SuppressionsError::BadDate { line, value } => format!(
                "row {line}, `date`: `{value}` is not a date listgate can read unambiguously; write it as 2025-03-01 or 2025-03-01T09:30:00Z"
            ),
            SuppressionsError::BadPhone { line, value, why } => format!(
                "row {line}: `{value}` is not a phone number that can be suppressed ({why}): write it in international form with its country code, as +447911123456"
            ),
            SuppressionsError::BadEmail { line, value, why } => format!(
                "row {line}: `{value}` is not an e-mail address ({why}): write the whole address, as ann@example.com"
            ),
        };
        problems.push((row, problem));
    }
    // By row; within a row, its reason first.
    problems.sort_by_key(|(row, _)| *row);
    let mut named = Problems::default();
    for (_, problem) in problems {
        named.note(problem);
    }
    named.refuse_any()?;
    Ok(entries)
}

/// Values a request could not be read for, in order.
#[derive(Debug, Default)]
struct Problems(Vec<String>);

impl Problems {
    fn note(&mut self, problem: String) {
        self.0.push(problem);
    }

    /// A 422 naming the first problems, when there are any: nothing is stored then.
    fn refuse_any(self) -> Result<(), ServiceError> {
        let count = self.0.len();
        if count == 0 {
            return Ok(());
        }
        let mut named: Vec<String> = self.0.into_iter().take(NAMED_PROBLEMS).collect();
        if count > NAMED_PROBLEMS {
            named.push(format!("and {} more", count - NAMED_PROBLEMS));
        }
        let values = if count == 1 { "value" } else { "values" };
        Err(ServiceError::refused(format!(
            "{count} {values} cannot be suppressed, so nothing was stored: {}",
            named.join("; ")
        )))
    }
}

/// Adds `entries` to the tenant's list in one transaction: an address not
/// listed is added; a listed one takes the new date and reason only when
/// the new date is later. Each opt-out added or updated joins the consent
/// ledger of the contacts it is about.
pub async fn add(
    backend: &Backend,
    tenant: &str,
    entries: &[Suppression],
) -> Result<Added, ServiceError> {
    let mut tx = backend.db.begin().await?;
    let mut added = Added::default();
    let now = stored_instant(Utc::now());
    for entry in entries {
        match record(&mut tx, tenant, entry).await? {
            Change::Added => added.added += 1,
            Change::Updated => added.updated += 1,
            Change::Unchanged => {
                added.unchanged += 1;
                continue;
            }
        }
        ledger::opted_out(&mut tx, tenant, entry, &now, None).await?;
    }
    tx.commit().await?;
    Ok(added)
}

/// Records `entry` in the caller's transaction, as [`add`] records each
/// (the ledger's events are the caller's to write); `false` when the list
/// held the address with the same or a later date already.
pub async fn record_in(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    entry: &Suppression,
) -> Result<bool, ServiceError> {
    Ok(!matches!(
        record(tx, tenant, entry).await?,
        Change::Unchanged
    ))
}

/// What recording one opt-out did.
enum Change {
    Added,
    Updated,
    Unchanged,
}

/// Records `entry` unless the list holds the same address with the same
/// or a later date.
async fn record(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    entry: &Suppression,
) -> Result<Change, ServiceError> {
    let change = match db::suppressions::find(tx, tenant, &entry.target).await? {
        None => Change::Added,
        Some(row) if suppressed_at(&row)? < entry.suppressed_at => Change::Updated,
        Some(_) => return Ok(Change::Unchanged),
    };
    db::suppressions::put(tx, tenant, entry).await?;
    Ok(change)
}

/// Takes `targets` off the tenant's list; each removal joins the consent
/// ledger of the contacts it is about.
pub async fn remove(
    backend: &Backend,
    tenant: &str,
    targets: &[Suppressed],
) -> Result<Removed, ServiceError> {
    let mut tx = backend.db.begin().await?;
    let mut removed = Removed::default();
    let now = stored_instant(Utc::now());
    for target in targets {
        let Some(row) = db::suppressions::find(&mut tx, tenant, target).await? else {
            continue;
        };
        if db::suppressions::remove(&mut tx, tenant, target).await? {
            removed.removed += 1;
            ledger::opt_out_removed(&mut tx, tenant, target, suppressed_at(&row)?, &now).await?;
        }
    }
    tx.commit().await?;
    Ok(removed)
}

/// The opt-out columns of `profile` (the `opted_out` field, Mongoose's
/// WhatsAppOptedOut, WhatsAppMarketingOptedOut and OptedOut).
const OPT_OUT_ROLES: [Role; 4] = [
    Role::OptedOut,
    Role::WhatsappOptedOut,
    Role::WhatsappMarketingOptedOut,
    Role::TextOptedOut,
];

/// The addresses of an import row the list may hold: its phone and
/// WhatsApp number in E.164, its e-mail address as the store keys it.
fn row_targets(profile: &Profile, row: &Row) -> Vec<Suppressed> {
    let mut targets: Vec<Suppressed> = [Role::Phone, Role::WhatsappNumber]
        .into_iter()
        .filter_map(|role| E164::in_field(profile, row, role))
        .map(|phone| Suppressed::canonical(SuppressionKind::Phone, phone.0))
        .collect();
    if let Some(email) = profile
        .field_for(Role::Email)
        .and_then(|field| cell(row, &field.name))
    {
        targets.push(Suppressed::canonical(
            SuppressionKind::Email,
            email_key(email),
        ));
    }
    targets.sort();
    targets.dedup();
    targets
}

/// What the tenant's opt-outs make of an import row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// The row is imported.
    Import {
        /// The opt-outs the row carried itself, now on the list.
        opted_out: Vec<Suppression>,
        /// The opt-outs older than its consent, taken off the list: each
        /// address with the date it had opted out.
        replaced: Vec<(Suppressed, DateTime<Utc>)>,
    },
    /// An opt-out later than the row's consent wins: the row fails, for this reason.
    Refuse(String),
}

/// What the tenant's opt-outs make of import row `row` of `submission`,
/// imported at `now`: refused, with the reason the row fails, when an
/// opt-out is later than its consent (`opt_in_at`; a row without one is
/// older than any opt-out). Otherwise the row is imported: opt-outs older
/// than its consent are removed, and when the row carries an opt-out
/// itself (an opt-out column says yes) its addresses are added with origin
/// `import`.
pub async fn at_import(
    tx: &mut Transaction<'_, Any>,
    tenant: &str,
    submission: &str,
    profile: &Profile,
    row: &Row,
    now: DateTime<Utc>,
) -> Result<Admission, ServiceError> {
    let targets = row_targets(profile, row);
    let mut admitted = Admission::Import {
        opted_out: Vec::new(),
        replaced: Vec::new(),
    };
    if targets.is_empty() {
        return Ok(admitted);
    }
    let opted_out: Vec<&str> = OPT_OUT_ROLES
        .iter()
        .filter_map(|role| profile.field_for(*role))
        .filter(|field| cell(row, &field.name).and_then(|v| parse_bool(v, false)) == Some(true))
        .map(|field| field.name.as_str())
        .collect();
    if !opted_out.is_empty() {
        let reason = OptOutReason::parse(&format!(
            "opted out in submission {submission} ({})",
            opted_out.join(", ")
        ))
        .unwrap_or_default();
        let mut added = Vec::new();
        for target in targets {
            let entry = Suppression {
                target,
                reason: reason.clone(),
                suppressed_at: now,
                origin: SuppressionOrigin::Import,
            };
            if !matches!(record(tx, tenant, &entry).await?, Change::Unchanged) {
                added.push(entry);
            }
        }
        return Ok(Admission::Import {
            opted_out: added,
            replaced: Vec::new(),
        });
    }
    let consent = profile
        .field_for(Role::OptInAt)
        .and_then(|field| cell(row, &field.name))
        .and_then(|at| parse_instant(at, &DateRules::default()).ok());
    let mut found = Vec::new();
    for target in targets {
        if let Some(row) = db::suppressions::find(tx, tenant, &target).await? {
            found.push((target, suppressed_at(&row)?));
        }
    }
    let latest_winner = found
        .iter()
        .map(|(_, at)| *at)
        .filter(|at| opt_out_wins(*at, consent))
        .max();
    if let Some(at) = latest_winner {
        return Ok(Admission::Refuse(opted_out_reason(at)));
    }
    // Newer consent replaces the opt-outs it is newer than.
    for (target, _) in &found {
        db::suppressions::remove(tx, tenant, target).await?;
    }
    if let Admission::Import { replaced, .. } = &mut admitted {
        *replaced = found;
    }
    Ok(admitted)
}
