//! Load benchmark of `listgate serve` on loopback: `cargo run --release -p
//! listgate-e2e --bin bench_load -- [--clients 32] [--seconds 20] [--rows 1000]`.
//!
//! Starts the real server (SQLite, disk store, default limits: one list
//! checked per core at once), then `clients` merchants each loop for
//! `seconds`: submit a clean list of `rows` contacts (with an
//! Idempotency-Key, retrying after `Retry-After` on 503), then poll its
//! status three times. Prints throughput and latency percentiles per
//! request kind, how many submissions were shed with 503, and checks that
//! every submission the server accepted is stored exactly once. Writes
//! `target/bench/load.json`.

use anyhow::Context as _;
use listgate_core::{CheckOptions, JudgeOptions, Outputs, Profile, check_bytes};
use listgate_e2e::add_tenant;
use listgate_e2e::browser::{Server, dist};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

const PASSWORD: &str = "load test reviewer password";

#[derive(Default)]
struct Tally {
    submit_ms: Vec<f64>,
    poll_ms: Vec<f64>,
    shed: u64,
    accepted: Vec<String>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

fn arg(args: &[String], name: &str, default: u64) -> anyhow::Result<u64> {
    match args.iter().position(|a| a == name) {
        Some(i) => args
            .get(i + 1)
            .with_context(|| format!("{name} needs a number"))?
            .parse()
            .with_context(|| format!("{name} needs a number")),
        None => Ok(default),
    }
}

/// A clean list of `rows` contacts, as the app would submit it.
fn clean_list(rows: usize) -> anyhow::Result<Vec<u8>> {
    let mut outputs = Outputs::default();
    check_bytes(
        &listgate_e2e::lists::whatsapp_list(rows * 3),
        Profile::builtin("whatsapp")?,
        CheckOptions {
            judging: JudgeOptions {
                default_region: Some("GB".into()),
                business_name: Some("Acme".into()),
                ..JudgeOptions::default()
            },
            ..CheckOptions::default()
        },
        &mut outputs,
    )?;
    let text = String::from_utf8(outputs.clean)?;
    // The first `rows` contacts (the header plus rows lines).
    Ok(text
        .split_inclusive('\n')
        .take(rows + 1)
        .collect::<String>()
        .into_bytes())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clients = arg(&args, "--clients", 32)? as usize;
    let seconds = arg(&args, "--seconds", 20)?;
    let rows = arg(&args, "--rows", 1000)? as usize;
    let list = clean_list(rows)?;
    let server = Server::start_logging(
        &dist(),
        std::process::Stdio::null(),
        &[("RUST_LOG", "warn")],
    );
    let key = add_tenant(&server, "Load", &[]).secret;
    let http = reqwest::Client::new();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    println!(
        "listgate load benchmark: {clients} clients for {seconds} s, lists of {rows} contacts ({} KB), loopback, SQLite",
        list.len() / 1024
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (http, key, url, list, tally) = (
            http.clone(),
            key.clone(),
            server.url.clone(),
            list.clone(),
            Arc::clone(&tally),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let settings =
                    json!({ "profile": "whatsapp", "options": { "default_region": "GB" } });
                let consent = json!({
                    "consent": { "wording": "Yes to WhatsApp offers", "source": "shop.example" }
                });
                let id = loop {
                    let form = reqwest::multipart::Form::new()
                        .text("settings", settings.to_string())
                        .text("consent", consent.to_string())
                        .part(
                            "clean",
                            reqwest::multipart::Part::bytes(list.clone()).file_name("clean.csv"),
                        );
                    let sent = Instant::now();
                    let response = http
                        .post(format!("{url}/api/v1/submissions"))
                        .bearer_auth(&key)
                        .header("Idempotency-Key", format!("client-{client}-{n}"))
                        .multipart(form)
                        .send()
                        .await
                        .expect("submit");
                    let status = response.status();
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    let mut tally = tally.lock().await;
                    tally.submit_ms.push(sent.elapsed().as_secs_f64() * 1e3);
                    match status.as_u16() {
                        201 | 200 => {
                            let id = body["id"].as_str().expect("id").to_owned();
                            tally.accepted.push(id.clone());
                            break id;
                        }
                        503 => tally.shed += 1,
                        other => panic!("submission answered {other}: {body}"),
                    }
                    drop(tally);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                };
                for _ in 0..3 {
                    let sent = Instant::now();
                    let response = http
                        .get(format!("{url}/api/v1/submissions/{id}"))
                        .bearer_auth(&key)
                        .send()
                        .await
                        .expect("poll");
                    assert!(response.status().is_success(), "poll {}", response.status());
                    let _ = response.bytes().await;
                    tally
                        .lock()
                        .await
                        .poll_ms
                        .push(sent.elapsed().as_secs_f64() * 1e3);
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut tally = Arc::try_unwrap(tally)
        .map_err(|_| anyhow::anyhow!("clients still running"))?
        .into_inner();

    // Every accepted submission is stored, once.
    let mut unique = tally.accepted.clone();
    unique.sort();
    unique.dedup();
    anyhow::ensure!(
        unique.len() == tally.accepted.len(),
        "a submission id was given twice"
    );
    for id in &unique {
        let status = http
            .get(format!("{}/api/v1/submissions/{id}", server.url))
            .bearer_auth(&key)
            .send()
            .await?
            .status();
        anyhow::ensure!(status.is_success(), "submission {id} is lost: {status}");
    }
    // The reviewer's queue lists every stored submission.
    listgate_e2e::add_reviewer(&server, "load@listgate.example", PASSWORD);
    let cookie =
        listgate_e2e::reviewer_cookie(&http, &server.url, "load@listgate.example", PASSWORD)
            .await?;
    let queue: Value = http
        .get(format!("{}/api/v1/review/submissions", server.url))
        .header("cookie", cookie)
        .send()
        .await?
        .json()
        .await?;
    let stored = queue.as_array().map_or(0, Vec::len);

    tally.submit_ms.sort_by(f64::total_cmp);
    tally.poll_ms.sort_by(f64::total_cmp);
    let kinds = [("submit", &tally.submit_ms), ("poll", &tally.poll_ms)];
    println!(
        "{:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "request", "count", "per s", "p50 ms", "p99 ms", "max ms"
    );
    let mut figures = serde_json::Map::new();
    for (name, times) in kinds {
        println!(
            "{:>8} {:>9} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
            name,
            times.len(),
            times.len() as f64 / elapsed,
            percentile(times, 0.5),
            percentile(times, 0.99),
            times.last().copied().unwrap_or(0.0)
        );
        figures.insert(
            name.into(),
            json!({
                "count": times.len(),
                "per_second": times.len() as f64 / elapsed,
                "p50_ms": percentile(times, 0.5),
                "p99_ms": percentile(times, 0.99),
                "max_ms": times.last().copied().unwrap_or(0.0),
            }),
        );
    }
    println!(
        "accepted {} submissions ({:.1} per s, {:.0} contacts per s), shed {} with 503 and retried; {} stored, none lost",
        unique.len(),
        unique.len() as f64 / elapsed,
        (unique.len() * rows) as f64 / elapsed,
        tally.shed,
        stored
    );
    anyhow::ensure!(
        stored == unique.len(),
        "{stored} stored for {} accepted",
        unique.len()
    );
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&out)?;
    let report = json!({
        "clients": clients,
        "seconds": elapsed,
        "rows_per_list": rows,
        "list_bytes": list.len(),
        "requests": figures,
        "accepted": unique.len(),
        "shed_503": tally.shed,
        "stored": stored,
    });
    std::fs::write(
        out.join("load.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    println!("wrote {}", out.join("load.json").display());
    Ok(())
}
