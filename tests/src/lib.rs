//! Helpers for the end-to-end tests under `tests/tests/`.

pub mod browser;
pub mod choices;
pub mod lists;

use browser::Server;
use std::path::{Path, PathBuf};

/// The `listgate` binary built next to the running test or benchmark
/// (`target/<profile>/deps/<test>` or `target/<profile>/<bin>` →
/// `target/<profile>/listgate`).
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test path");
    let mut dir = exe.parent().expect("target dir");
    if dir.ends_with("deps") {
        dir = dir.parent().expect("target dir");
    }
    let bin = dir.join(format!("listgate{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run scripts/test (it builds the binary first)",
        bin.display()
    );
    bin
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A tenant's keys, as `listgate tenant add` printed them.
#[derive(Debug, Clone)]
pub struct TenantKeys {
    /// The secret API key (standard output).
    pub secret: String,
    /// The publishable key for web pages (on standard error).
    pub publishable: String,
    /// The tenant's id (on standard error).
    pub id: String,
}

/// Adds a tenant to `server` with `listgate tenant add`.
pub fn add_tenant(server: &Server, name: &str, origins: &[&str]) -> TenantKeys {
    add_tenant_with(server, name, origins, &[])
}

/// Adds a tenant to `server` with `listgate tenant add`, `args` added
/// (`--webhook`, `--contact-email`…).
pub fn add_tenant_with(server: &Server, name: &str, origins: &[&str], args: &[&str]) -> TenantKeys {
    let mut command = server.cli(&["tenant", "add", name]);
    command.args(args);
    for origin in origins {
        command.args(["--origin", origin]);
    }
    let output = command.output().expect("add a tenant");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let publishable = stderr
        .lines()
        .find(|l| l.starts_with("publishable key"))
        .and_then(|l| l.split_whitespace().last())
        .unwrap_or_else(|| panic!("no publishable key in {stderr}"))
        .to_owned();
    let id = stderr
        .lines()
        .find_map(|l| l.strip_prefix("tenant ")?.split_whitespace().next())
        .unwrap_or_else(|| panic!("no tenant id in {stderr}"))
        .to_owned();
    TenantKeys {
        id,
        secret: String::from_utf8(output.stdout)
            .expect("key")
            .trim()
            .to_owned(),
        publishable,
    }
}

/// Adds a reviewer to `server` with `listgate reviewer add` (the password
/// on standard input).
pub fn add_reviewer(server: &Server, email: &str, password: &str) {
    use std::io::Write as _;
    let mut reviewer = server
        .cli(&["reviewer", "add", email])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("add a reviewer");
    reviewer
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("password");
    assert!(reviewer.wait().expect("reviewer").success());
}

/// Signs a reviewer in at the server `url` over HTTP; returns the session
/// cookie (`listgate_session=…`) to send as `Cookie`.
pub async fn reviewer_cookie(
    http: &reqwest::Client,
    url: &str,
    email: &str,
    password: &str,
) -> anyhow::Result<String> {
    use anyhow::Context as _;
    let signed_in = http
        .post(format!("{url}/api/v1/session"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await?
        .error_for_status()?;
    Ok(signed_in
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .context("no session cookie")?
        .to_owned())
}
