//! Storage: the database (SQLite, the embedded default, a file under the
//! data directory, or PostgreSQL, through one pool; migrations run on
//! connect), one module per table family with all of the server's SQL, and
//! the blob store for files.

pub mod blobs;
pub mod contacts;
pub mod ledger;
pub mod notifications;
pub mod reviewers;
pub mod schedules;
pub mod signals;
pub mod submissions;
pub mod suppressions;
pub mod tenants;
pub mod webhooks;

use anyhow::Context as _;
use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use std::path::Path;

/// The default database: a SQLite file in the data directory.
pub fn default_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("listgate.db").display()
    )
}

/// Connects to `url` (`sqlite://PATH` or `postgres://…`), creating a SQLite
/// file's directory when needed, and migrates the schema.
pub async fn connect(url: &str) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    let url = sqlite_create_mode(url);
    if let Some(path) = url.strip_prefix("sqlite://") {
        let file = Path::new(path.split('?').next().unwrap_or(path));
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    // SQLite has one writer; a single connection avoids "database is locked".
    let max = if url.starts_with("sqlite:") { 1 } else { 10 };
    let pool = AnyPoolOptions::new()
        .max_connections(max)
        // A database that went away is reported within seconds (503), not
        // after the default half minute of retries.
        .acquire_timeout(std::time::Duration::from_secs(5))
        .connect(&url)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(&url)))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("cannot migrate the database")?;
    contacts::index_phones(&pool)
        .await
        .context("cannot index the contacts' phones")?;
    Ok(pool)
}

/// A SQLite URL without a mode gets `mode=rwc` so the file is created.
fn sqlite_create_mode(url: &str) -> String {
    if url.starts_with("sqlite:") && !url.contains("mode=") {
        let join = if url.contains('?') { '&' } else { '?' };
        format!("{url}{join}mode=rwc")
    } else {
        url.to_owned()
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/listgate"),
            "postgres://app:***@db:5432/listgate"
        );
        assert_eq!(
            redact("sqlite://data/listgate.db"),
            "sqlite://data/listgate.db"
        );
    }

    #[test]
    fn sqlite_files_are_created() {
        assert_eq!(
            sqlite_create_mode("sqlite://x.db"),
            "sqlite://x.db?mode=rwc"
        );
        assert_eq!(
            sqlite_create_mode("sqlite://x.db?mode=ro"),
            "sqlite://x.db?mode=ro"
        );
        assert_eq!(sqlite_create_mode("postgres://h/db"), "postgres://h/db");
    }
}
