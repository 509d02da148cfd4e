//! Native benchmark of the checker: `cargo run --release -p listgate-e2e
//! --bin bench_native -- [--rows 10000,100000,1000000]`.
//!
//! For each size it generates the deterministic whatsapp list, then, each
//! in a fresh child process (so peak memory is that size's alone):
//! - checks it in process with every output kept, as `listgate check
//!   --out-dir` does, fed in 1 MiB chunks: rows/s, MB/s, peak RSS;
//! - checks it again with a sink that clocks each stage (decode, parse,
//!   map, normalize, rules, outputs) — the clock calls add their own cost,
//!   so this run is slower and only its shares matter;
//! - checks it on every core (rows judged side by side, settled in order);
//! - runs the real `listgate check --out-dir` binary on the file.
//!
//! Prints a table and writes `target/bench/native.json`.

use anyhow::Context as _;
use listgate_core::{
    CheckLimits, CheckOptions, Checker, JudgeOptions, Layout, Outputs, Profile, RowVerdict, Sink,
    Stage,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CHUNK: usize = 1 << 20;

fn options(threads: usize) -> CheckOptions {
    CheckOptions {
        limits: CheckLimits {
            threads: Some(threads),
            ..CheckLimits::default()
        },
        judging: JudgeOptions {
            default_region: Some("GB".into()),
            // Judged as of a fixed moment, so every run gives the same verdicts.
            now: Some(
                chrono::DateTime::parse_from_rfc3339("2025-12-01T00:00:00Z")
                    .expect("time")
                    .into(),
            ),
            business_name: Some("Acme".into()),
            ..JudgeOptions::default()
        },
        ..CheckOptions::default()
    }
}

/// The process's peak resident memory so far (Linux `VmHWM`), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Forwards to `inner` and clocks the time spent in each stage.
struct Staged<S> {
    inner: S,
    current: Option<(Stage, Instant)>,
    spent: BTreeMap<Stage, Duration>,
}

impl<S: Sink> Sink for Staged<S> {
    fn layout(&mut self, layout: &Layout) {
        self.inner.layout(layout);
    }

    fn row(&mut self, verdict: &RowVerdict<'_>) {
        self.inner.row(verdict);
    }

    fn stage(&mut self, stage: Stage) {
        let now = Instant::now();
        if let Some((previous, since)) = self.current.replace((stage, now)) {
            *self.spent.entry(previous).or_default() += now - since;
        }
    }
}

/// Checks `bytes` fed in chunks into `sink`; returns the report as JSON.
fn check(bytes: &[u8], threads: usize, sink: &mut impl Sink) -> anyhow::Result<Value> {
    let profile = Profile::builtin("whatsapp").context("profile")?;
    let mut checker = Checker::new(profile, options(threads))?;
    for chunk in bytes.chunks(CHUNK) {
        checker.feed(chunk, sink)?;
    }
    let report = checker.finish(sink)?;
    Ok(serde_json::to_value(&report)?)
}

/// One size on `threads` threads, measured in this process (the child side).
fn measure(file: &Path, threads: usize) -> anyhow::Result<Value> {
    let bytes = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
    let started = Instant::now();
    let mut outputs = Outputs::default();
    let report = check(&bytes, threads, &mut outputs)?;
    let elapsed = started.elapsed().as_secs_f64();
    let peak = peak_rss();
    drop(outputs);
    let rows = report["summary"]["rows"].as_u64().unwrap_or(0);
    let mut result = json!({
        "threads": threads,
        "rows": rows,
        "bytes": bytes.len(),
        "seconds": elapsed,
        "rows_per_second": rows as f64 / elapsed,
        "mb_per_second": bytes.len() as f64 / 1e6 / elapsed,
        "peak_rss_bytes": peak,
    });
    if threads > 1 {
        // Stages are clocked on one thread only.
        return Ok(result);
    }

    let mut staged = Staged {
        inner: Outputs::default(),
        current: None,
        spent: BTreeMap::new(),
    };
    let started = Instant::now();
    check(&bytes, 1, &mut staged)?;
    staged.stage(Stage::Outputs); // closes the last stage
    let staged_total = started.elapsed().as_secs_f64();
    let stages: serde_json::Map<String, Value> = Stage::ALL
        .iter()
        .map(|s| {
            let seconds = staged
                .spent
                .get(s)
                .copied()
                .unwrap_or_default()
                .as_secs_f64();
            (format!("{s:?}").to_lowercase(), json!(seconds))
        })
        .collect();
    result["staged_seconds"] = json!(staged_total);
    result["stages"] = Value::Object(stages);
    result["summary"] = report["summary"].clone();
    result["issue_counts"] = report["issue_counts"].clone();
    Ok(result)
}

/// `listgate check --out-dir` on the file: wall time.
fn cli(file: &Path, out: &Path) -> anyhow::Result<f64> {
    let started = Instant::now();
    let status = Command::new(listgate_e2e::binary())
        .arg("check")
        .arg(file)
        .args([
            "--default-region",
            "GB",
            "--now",
            "2025-12-01T00:00:00Z",
            "--business-name",
            "Acme",
            "--out-dir",
        ])
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("run listgate check")?;
    let elapsed = started.elapsed().as_secs_f64();
    // 0: all importable, 1: some rows rejected (expected here); anything else failed.
    anyhow::ensure!(
        matches!(status.code(), Some(0 | 1)),
        "listgate check failed: {status}"
    );
    Ok(elapsed)
}

/// The allocator `listgate` itself uses (see its main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, file, threads] = args.as_slice()
        && flag == "--measure"
    {
        println!("{}", measure(Path::new(file), threads.parse()?)?);
        return Ok(());
    }
    let sizes: Vec<usize> = match args.as_slice() {
        [flag, sizes] if flag == "--rows" => sizes
            .split(',')
            .map(|s| s.trim().replace('_', "").parse())
            .collect::<Result<_, _>>()
            .context("--rows takes sizes like 10000,100000")?,
        [] => vec![10_000, 100_000, 1_000_000],
        _ => anyhow::bail!("usage: bench_native [--rows 10000,100000,1000000]"),
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir)?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut thread_counts = vec![1, cores];
    thread_counts.dedup();
    println!("listgate native benchmark: whatsapp profile, default region GB, {cores} cores");
    println!(
        "{:>9} {:>8} {:>7} {:>8} {:>10} {:>7} {:>9}   stages (one thread; share of the clocked run)",
        "rows", "MB", "threads", "check s", "rows/s", "MB/s", "peak MB"
    );
    let mut results = Vec::new();
    for rows in sizes {
        let file = dir.join(format!("whatsapp_{rows}.csv"));
        std::fs::write(&file, listgate_e2e::lists::whatsapp_list(rows))?;
        for &threads in &thread_counts {
            let child = Command::new(std::env::current_exe()?)
                .arg("--measure")
                .arg(&file)
                .arg(threads.to_string())
                .output()
                .context("run the measuring child")?;
            anyhow::ensure!(
                child.status.success(),
                "measuring {rows} rows failed: {}",
                String::from_utf8_lossy(&child.stderr)
            );
            let result: Value = serde_json::from_slice(&child.stdout)?;
            let staged = result["staged_seconds"].as_f64().unwrap_or(1.0);
            let shares: Vec<String> = result["stages"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, s)| {
                    format!("{name} {:.0}%", 100.0 * s.as_f64().unwrap_or(0.0) / staged)
                })
                .collect();
            println!(
                "{:>9} {:>8.1} {:>7} {:>8.2} {:>10.0} {:>7.1} {:>9.0}   {}",
                result["rows"],
                result["bytes"].as_f64().unwrap_or(0.0) / 1e6,
                threads,
                result["seconds"].as_f64().unwrap_or(0.0),
                result["rows_per_second"].as_f64().unwrap_or(0.0),
                result["mb_per_second"].as_f64().unwrap_or(0.0),
                result["peak_rss_bytes"].as_f64().unwrap_or(0.0) / 1e6,
                shares.join(", ")
            );
            results.push(result);
        }
        let cli_seconds = cli(&file, &dir.join(format!("out_{rows}")))?;
        println!(
            "{:>9} rows through `listgate check --out-dir` ({cores} threads, files written): {cli_seconds:.2} s",
            rows
        );
        results.push(json!({ "rows": rows, "cli_seconds": cli_seconds, "threads": cores }));
    }
    let report = json!({ "cores": cores, "results": results });
    std::fs::write(
        dir.join("native.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    println!("written: {}", dir.join("native.json").display());
    Ok(())
}
