//! Benchmark of the consent ledger's export through the real server:
//! `cargo build --release -p listgate --bin listgate --example bench_ledger &&
//! target/release/examples/bench_ledger [--events 100000] [--formats csv,json]
//! [--listgate target/release/listgate]`.
//!
//! Writes `events` ledger events of one imported submission (one tenant,
//! one approving reviewer, one evidence file, one wording, one event per
//! contact) into a fresh SQLite database through the server's own `db`
//! functions, then starts the `listgate serve` binary on it and downloads
//! `GET /api/v1/consent-ledger.csv?submission=ID` and then `.json` (or
//! the `--formats` given, in that order) with the tenant's secret key,
//! reading each body as it streams. Prints, per format, the rows, bytes,
//! time to first byte, total time, rows/s, and the server process's
//! resident set before the download and its peak during it (`VmHWM` of `/proc/PID/status`, reset to the current RSS
//! through `/proc/PID/clear_refs` before each download). Writes
//! `target/bench/ledger.json`. Linux only.

use anyhow::{Context as _, bail};
use listgate::db::ledger::{NewEvent, approval, insert, put_wording};
use listgate::db::submissions::{NewDecision, NewSubmission, append_evidence, insert_decision};
use listgate::db::tenants::add_tenant;
use listgate::domain::Verdict;
use listgate::domain::ledger::{ConsentEventKind, ConsentRecord};
use listgate::domain::reviewer::{Email, Password};
use listgate::domain::tenant::{Origin, TenantName};
use listgate_api::EvidenceView;
use listgate_core::{Channel, Channels};
use serde_json::{Value, json};
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WORDING: &str = "Yes, send me WhatsApp offers from Acme Boutique (\"weekly\", at most)";
const REVIEWER: &str = "bench@listgate.example";

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// A `/proc/<pid>/status` figure in bytes (`VmRSS`, `VmHWM`).
fn status_bytes(pid: u32, key: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|l| l.starts_with(key))
        .with_context(|| format!("no {key} in /proc/{pid}/status"))?;
    let kb: u64 = line
        .split_whitespace()
        .nth(1)
        .context("a figure")?
        .parse()?;
    Ok(kb * 1024)
}

fn mb(bytes: u64) -> f64 {
    (bytes as f64 / 1_048_576.0 * 10.0).round() / 10.0
}

/// Fills a fresh database at `url` with one imported submission of
/// `events` ledger events; its id, the tenant's secret key and the time
/// the events took to write.
async fn fill(url: &str, events: usize) -> anyhow::Result<(String, String, Duration)> {
    let db = listgate::db::connect(url).await?;
    let tenant = add_tenant(
        &db,
        &TenantName::parse("Acme Boutique").map_err(anyhow::Error::msg)?,
        &[Origin::parse("https://portal.example").map_err(anyhow::Error::msg)?],
        None,
    )
    .await?;
    listgate::db::reviewers::set_reviewer(
        &db,
        &Email::parse(REVIEWER).map_err(anyhow::Error::msg)?,
        &Password::parse("a long benchmark password").map_err(anyhow::Error::msg)?,
    )
    .await?;
    let reviewer: String = sqlx::query_scalar("SELECT id FROM reviewers WHERE email = $1")
        .bind(REVIEWER)
        .fetch_one(&db)
        .await?;
    let id = listgate::support::new_id();
    let now = chrono::Utc::now().to_rfc3339();
    let mut tx = db.begin().await?;
    insert_submission(&mut tx, &id, &tenant.id, events, &now).await?;
    insert_decision(
        &mut tx,
        &id,
        &NewDecision {
            reviewer: &reviewer,
            verdict: Verdict::Approved,
            reasons: "[]",
            note: "",
            exclusions: "{}",
            excluded: 0,
            decided_at: &now,
        },
    )
    .await?;
    let evidence = EvidenceView {
        name: "optin-form.png".into(),
        content_type: "image/png".into(),
        opt_in_source: "acme.example/join".into(),
        bytes: 1,
    };
    append_evidence(&mut tx, &id, &[(&evidence, "0".repeat(64))]).await?;
    tx.commit().await?;

    let started = Instant::now();
    let record = |i: usize| ConsentRecord {
        channels: Channels::only(Channel::Whatsapp),
        opt_in_at: Some(format!("2026-01-{:02}T09:30:00Z", 1 + i % 28)),
        source: Some("acme.example/join".into()),
        wording: Some(WORDING.into()),
        capture_method: Some("checkbox at checkout".into()),
        double_opt_in_at: None,
    };
    let sha = listgate::support::sha256_hex(WORDING.as_bytes());
    let mut written = 0;
    while written < events {
        let mut tx = db.begin().await?;
        let approved = approval(&mut tx, &id).await?;
        put_wording(&mut tx, &sha, WORDING).await?;
        let end = (written + 10_000).min(events);
        for i in written..end {
            let key = format!("+4479{:08}", i);
            let consent = record(i);
            let event = NewEvent {
                submission: Some(&id),
                row_number: Some(i as i64 + 2),
                consent: Some(&consent),
                wording_sha256: Some(&sha),
                approval: approved.as_ref(),
                ..NewEvent::new(&tenant.id, &key, ConsentEventKind::Imported, &now)
            };
            insert(&mut tx, &event).await?;
        }
        tx.commit().await?;
        written = end;
    }
    let took = started.elapsed();
    db.close().await;
    Ok((id, tenant.key.expose().to_owned(), took))
}

async fn insert_submission(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    tenant: &str,
    contacts: usize,
    now: &str,
) -> anyhow::Result<()> {
    listgate::db::submissions::insert(
        tx,
        &NewSubmission {
            id,
            tenant,
            idempotency_key: None,
            profile: "whatsapp",
            settings: r#"{"profile":"whatsapp","options":{}}"#,
            report: "{}",
            consent: "null",
            clean_sha256: &"0".repeat(64),
            contacts: contacts as i64,
            fingerprint: id,
            created_at: now,
            changes: None,
        },
    )
    .await?;
    sqlx::query("UPDATE submissions SET status = 'imported' WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// `listgate serve` on a free loopback port over `data`; the child and its URL.
fn serve(listgate: &Path, data: &Path) -> anyhow::Result<(Child, String)> {
    let dist = data.join("dist");
    std::fs::create_dir_all(&dist)?;
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>bench</title>",
    )?;
    let mut child = Command::new(listgate)
        .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
        .arg(&dist)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {}", listgate.display()))?;
    let stdout = child.stdout.take().context("stdout")?;
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Whatever else it prints is drained, so that it never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .with_context(|| format!("unexpected first line from the server: {line:?}"))?
        .to_owned();
    Ok((child, url))
}

/// One download of the export in `format`, read as it streams.
async fn download(
    http: &reqwest::Client,
    url: &str,
    key: &str,
    submission: &str,
    format: &str,
    pid: u32,
    events: usize,
) -> anyhow::Result<Value> {
    // The peak so far is reset to the current resident set.
    let reset = std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok();
    let rss_before = status_bytes(pid, "VmRSS")?;
    let hwm_before = status_bytes(pid, "VmHWM")?;
    let started = Instant::now();
    let mut response = http
        .get(format!(
            "{url}/api/v1/consent-ledger.{format}?submission={submission}"
        ))
        .bearer_auth(key)
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("{format}: {}", response.status());
    }
    let (mut bytes, mut chunks, mut newlines, mut first_byte) = (0_u64, 0_u64, 0_u64, None);
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        first_byte.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len() as u64;
        chunks += 1;
        newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        if format == "json" {
            body.extend_from_slice(&chunk);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let hwm_after = status_bytes(pid, "VmHWM")?;
    let rows = match format {
        // The header line, then one line an event (the wording has no newline).
        "csv" => newlines.saturating_sub(1),
        _ => serde_json::from_slice::<Value>(&body)?
            .as_array()
            .map_or(0, |a| a.len() as u64),
    };
    if rows != events as u64 {
        bail!("{format}: {rows} rows downloaded, {events} written");
    }
    let peak_growth = hwm_after.saturating_sub(if reset { rss_before } else { hwm_before });
    let result = json!({
        "format": format,
        "rows": rows,
        "bytes": bytes,
        "chunks": chunks,
        "first_byte_ms": first_byte.map(|d| (d.as_secs_f64() * 1000.0).round()),
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "rows_per_second": (rows as f64 / seconds).round(),
        "mb_per_second": (bytes as f64 / 1_048_576.0 / seconds * 10.0).round() / 10.0,
        "server_rss_before_mb": mb(rss_before),
        "server_peak_rss_mb": mb(hwm_after),
        "server_peak_rss_growth_mb": mb(peak_growth),
        "peak_is": if reset { "VmHWM since reset to VmRSS before the download" } else { "VmHWM since the server started" },
    });
    println!(
        "{format:>4}: {rows} rows, {:.1} MB in {seconds:.2} s ({} rows/s, first byte after {} ms); \
         server RSS {} MB before, peak {} MB: growth {} MB",
        bytes as f64 / 1_048_576.0,
        result["rows_per_second"],
        result["first_byte_ms"],
        result["server_rss_before_mb"],
        result["server_peak_rss_mb"],
        result["server_peak_rss_growth_mb"],
    );
    Ok(result)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let events: usize = arg(&args, "--events")
        .map(|n| n.parse())
        .transpose()
        .context("--events needs a number")?
        .unwrap_or(100_000);
    let formats = arg(&args, "--formats").unwrap_or_else(|| "csv,json".to_owned());
    if formats.split(',').any(|f| f != "csv" && f != "json") {
        bail!("--formats takes csv, json or both, comma-separated, in the order to download them");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let listgate = arg(&args, "--listgate")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/listgate"));
    let data = tempfile::tempdir()?;
    let url = listgate::db::default_url(data.path());
    let (submission, key, filled) = fill(&url, events).await?;
    println!(
        "wrote {events} ledger events of one submission in {:.2} s ({:.0} events/s)",
        filled.as_secs_f64(),
        events as f64 / filled.as_secs_f64()
    );
    let (mut server, base) = serve(&listgate, data.path())?;
    let pid = server.id();
    let http = reqwest::Client::new();
    let outcome = async {
        http.get(format!("{base}/api/v1/health"))
            .send()
            .await?
            .error_for_status()?;
        let mut results = Vec::new();
        for format in formats.split(',') {
            results.push(download(&http, &base, &key, &submission, format, pid, events).await?);
        }
        anyhow::Ok(results)
    }
    .await;
    let _ = server.kill();
    let _ = server.wait();
    let results = outcome?;
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out)?;
    let report = json!({
        "events": events,
        "database": "sqlite",
        "write_seconds": (filled.as_secs_f64() * 100.0).round() / 100.0,
        "exports": results,
    });
    std::fs::write(out.join("ledger.json"), serde_json::to_vec_pretty(&report)?)?;
    Ok(())
}
