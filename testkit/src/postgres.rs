//! A fresh PostgreSQL database for each test.

use sqlx::AssertSqlSafe;
use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh database on the server at `LISTGATE_TEST_POSTGRES_URL`, or
/// `None` (with a notice) when no server was given. `scripts/test` always
/// gives one and sets `LISTGATE_REQUIRE_POSTGRES`, which makes a missing
/// one a failure.
pub async fn fresh_database() -> Option<String> {
    let Ok(admin) = std::env::var("LISTGATE_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var_os("LISTGATE_REQUIRE_POSTGRES").is_none(),
            "LISTGATE_TEST_POSTGRES_URL is not set (scripts/test sets it)"
        );
        eprintln!("PostgreSQL tests skipped: set LISTGATE_TEST_POSTGRES_URL (scripts/test does)");
        return None;
    };
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&admin)
        .await
        .expect("connect to PostgreSQL");
    let name = unique_name();
    // Safe: the name is a fixed prefix and digits.
    sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create a test database");
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').expect("URL with a database");
    Some(format!("{base}/{name}"))
}

/// A database name no other test, in this process or another, has used.
fn unique_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_nanos();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("listgate_test_{nanos}_{}_{n}", std::process::id())
}
