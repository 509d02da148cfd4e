//! Browser benchmark: listgate's real app against a JavaScript baseline (on
//! the main thread, and the same code in a web worker), in one headless
//! Chromium session.
//!
//! ```text
//! cargo build --release -p listgate        # the server (serves dist/)
//! scripts/build-app                        # dist/, if it is not built
//! cargo run --release -p listgate-e2e --bin bench_browser -- [--rows 100000,1000000] [--repeat 3]
//! ```
//!
//! After one unreported warm-up run of each side (5,000 rows), for each size
//! it writes the generated whatsapp-profile list once, then `--repeat` times
//! (default 1; for each side the run with the median total is reported):
//!
//! 1. **listgate**: a fresh tab on `listgate serve` (`#file-input` → preview
//!    → Map → `#run-check` → `#outcome`), timed in the page with
//!    `performance.now()` from the file input's `change` to `#preview`, and
//!    from the click on `#run-check` to `#outcome`.
//! 2. **JS baseline, main thread** (`bench/js/index.html?variant=main`: Papa
//!    Parse + libphonenumber-js/max on the page's main thread, as a page
//!    that does not bother with a worker would).
//! 3. **JS baseline, worker** (`?variant=worker`): the same checking code
//!    (`bench/js/checks.js`, imported by both bundles) in a dedicated worker
//!    of the page's own (`worker.js`, started when the page loads; not Papa's
//!    `worker: true`): the page posts it the `File`, Papa streams it in
//!    chunks inside the worker, the worker posts back the counts.
//!
//! Both baselines run in a fresh tab on a second server serving
//! `bench/js/dist` (built by `scripts/bench-js-setup` when missing or older
//! than its sources), timed from the file input's `change` to `#result`,
//! after the page has marked the input ready (for the worker variant: once
//! its worker is up). The counts of both must equal listgate's (and each
//! other's); the benchmark says so per size, and exits with status 1 after
//! writing the report when they do not. The ratio reported is against the
//! **faster** of the two baselines at each size (`faster_baseline`,
//! `ratio_baseline_over_listgate`); each variant's own figures, longest
//! main-thread task and ratio are printed and kept in the JSON as well
//! (`baseline` is the main-thread variant, `baseline_worker` the worker one).
//!
//! Memory is read through a DevTools connection of the benchmark's own
//! (chromedriver's `goog/cdp/execute` reaches only the page, not its
//! workers): `Runtime.getHeapUsage` of the page and of every dedicated
//! worker (auto-attached), sampled every 200 ms; the `WebAssembly.Memory`
//! buffers of page and worker at the end (linear memory never shrinks, so
//! that is its peak); and the peak resident set (`VmHWM`, reset through
//! `/proc/<pid>/clear_refs` before each run) of the Chromium renderer process
//! that ran the page (the one that used the most CPU in the run), which holds
//! the page, its worker and their wasm.
//!
//! Prints a table and writes the same figures to `target/bench/browser.json`.

use listgate_e2e::browser::{Browser, Server, Site, dist};
use listgate_e2e::lists::whatsapp_list;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: bench_browser [--rows 100000,1000000] [--repeat 1] \
                     [--out target/bench/browser.json]";

/// Rows of the unreported warm-up run of each side (code caches, JIT).
const WARM_UP_ROWS: usize = 5_000;

/// Installed in each page before the file is chosen: timing marks and the
/// main thread's long tasks, all in the page's own `performance.now()`.
const HOOKS: &str = r#"
window.__bench = { marks: {}, longTasks: [] };
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__bench.longTasks.push([e.startTime, e.duration]);
}).observe({ type: 'longtask' });
const mark = name => { if (window.__bench.marks[name] === undefined) window.__bench.marks[name] = performance.now(); };
document.addEventListener('change', e => { if (e.target.id === 'file-input') mark('chosen'); }, true);
document.addEventListener('click', e => { if (e.target.closest && e.target.closest('#run-check')) mark('check'); }, true);
const watched = [['preview', '#preview'], ['outcome', '#outcome'], ['result', '#result']];
new MutationObserver(() => {
  for (const [name, css] of watched) {
    if (window.__bench.marks[name] === undefined && document.querySelector(css)) mark(name);
  }
}).observe(document, { childList: true, subtree: true });
"#;

struct Args {
    rows: Vec<usize>,
    /// Runs of each side per size; the run with the median total is reported.
    repeat: usize,
    out: PathBuf,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn parse_args() -> Args {
    let mut args = Args {
        rows: vec![100_000, 1_000_000],
        repeat: 1,
        out: workspace().join("target/bench/browser.json"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--rows" => {
                let list = it.next().unwrap_or_else(|| fail(USAGE));
                args.rows = list
                    .split(',')
                    .map(|n| n.trim().replace('_', "").parse())
                    .collect::<Result<_, _>>()
                    .unwrap_or_else(|_| fail(USAGE));
            }
            "--repeat" => {
                args.repeat = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| fail(USAGE));
            }
            "--out" => args.out = it.next().unwrap_or_else(|| fail(USAGE)).into(),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => fail(USAGE),
        }
    }
    args
}

fn fail(message: &str) -> ! {
    eprintln!("bench_browser: {message}");
    std::process::exit(2)
}

/// What must exist before Chromium starts: the server binary next to this
/// one, the app's `dist/`, the baseline's `bench/js/dist/` (built here).
fn prepare() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    let server = exe
        .with_file_name("listgate")
        .with_extension(std::env::consts::EXE_EXTENSION);
    if !server.exists() {
        fail(&format!(
            "{} is missing: run `cargo build --release -p listgate` first",
            server.display()
        ));
    }
    if !workspace().join("dist/index.html").exists() {
        fail("dist/ is not built: run scripts/build-app first");
    }
    let js = workspace().join("bench/js/dist");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    // The oldest of the bundles, if all of them are there.
    let built = ["index.html", "baseline.js", "worker-page.js", "worker.js"]
        .iter()
        .map(|name| modified(&js.join(name)))
        .collect::<Option<Vec<_>>>()
        .and_then(|times| times.into_iter().min());
    let sources = [
        "index.html",
        "baseline.js",
        "worker-page.js",
        "worker.js",
        "page.js",
        "checks.js",
        "package.json",
        "package-lock.json",
    ]
    .map(|name| modified(&workspace().join("bench/js").join(name)));
    if built.is_none_or(|built| sources.iter().any(|s| s.is_none_or(|s| s > built))) {
        eprintln!("bench_browser: building the JS baseline (scripts/bench-js-setup)");
        let ok = std::process::Command::new(workspace().join("scripts/bench-js-setup"))
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            fail("scripts/bench-js-setup failed");
        }
    }
    js
}

// ---------------------------------------------------------------------------
// A DevTools connection of our own, blocking, on a sampler thread.

struct Cdp {
    ws: tungstenite::WebSocket<TcpStream>,
    next: u64,
    /// Attached dedicated workers: session id → URL.
    workers: BTreeMap<String, String>,
    workers_seen: usize,
}

impl Cdp {
    fn connect(url: &str) -> Cdp {
        let address = url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .expect("ws URL");
        let stream = TcpStream::connect(address).expect("DevTools port");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let (ws, _) = tungstenite::client(url, stream).expect("DevTools handshake");
        Cdp {
            ws,
            next: 0,
            workers: BTreeMap::new(),
            workers_seen: 0,
        }
    }

    fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        self.next += 1;
        let id = self.next;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        self.ws
            .send(tungstenite::Message::text(message.to_string()))
            .map_err(|e| format!("{method}: {e}"))?;
        loop {
            let message = self.ws.read().map_err(|e| format!("{method}: {e}"))?;
            let tungstenite::Message::Text(text) = message else {
                continue;
            };
            let Ok(value) = serde_json::from_str::<Value>(text.as_str()) else {
                continue;
            };
            if value["id"].as_u64() == Some(id) {
                return match value.get("error") {
                    Some(error) => Err(format!("{method}: {error}")),
                    None => Ok(value["result"].clone()),
                };
            }
            self.event(&value);
        }
    }

    fn event(&mut self, message: &Value) {
        let params = &message["params"];
        match message["method"].as_str() {
            Some("Target.attachedToTarget") if params["targetInfo"]["type"] == "worker" => {
                let session = params["sessionId"].as_str().unwrap_or_default().to_owned();
                let url = params["targetInfo"]["url"].as_str().unwrap_or_default();
                self.workers.insert(session, url.to_owned());
                self.workers_seen += 1;
            }
            Some("Target.detachedFromTarget") => {
                if let Some(session) = params["sessionId"].as_str() {
                    self.workers.remove(session);
                }
            }
            _ => {}
        }
    }

    /// Attaches to the page whose URL starts with `url` and auto-attaches
    /// to its dedicated workers; returns the page's session id.
    fn attach_page(&mut self, url: &str) -> String {
        let targets = self
            .call(None, "Target.getTargets", json!({}))
            .expect("targets");
        let target = targets["targetInfos"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["type"] == "page" && t["url"].as_str().is_some_and(|u| u.starts_with(url)))
            .unwrap_or_else(|| panic!("no page at {url} in {targets}"));
        let session = self
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .expect("attach to the page")["sessionId"]
            .as_str()
            .expect("session")
            .to_owned();
        self.call(
            Some(&session),
            "Target.setAutoAttach",
            json!({ "autoAttach": true, "waitForDebuggerOnStart": false, "flatten": true }),
        )
        .expect("auto-attach to workers");
        session
    }

    /// `Runtime.getHeapUsage`: (used JS heap, array-buffer backing stores).
    fn heap(&mut self, session: &str) -> Option<(u64, u64)> {
        let usage = self
            .call(Some(session), "Runtime.getHeapUsage", json!({}))
            .ok()?;
        Some((
            usage["usedSize"].as_f64().unwrap_or(0.0) as u64,
            usage["backingStorageSize"].as_f64().unwrap_or(0.0) as u64,
        ))
    }

    /// Bytes of every live `WebAssembly.Memory` in the session's isolate.
    fn wasm_bytes(&mut self, session: &str) -> Result<u64, String> {
        let group = json!("bench");
        let proto = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({ "expression": "WebAssembly.Memory.prototype", "objectGroup": group }),
        )?;
        let found = self.call(
            Some(session),
            "Runtime.queryObjects",
            json!({ "prototypeObjectId": proto["result"]["objectId"], "objectGroup": group }),
        )?;
        let sum = self.call(
            Some(session),
            "Runtime.callFunctionOn",
            json!({
                "objectId": found["objects"]["objectId"],
                "functionDeclaration": "function () { return this.reduce((s, m) => s + m.buffer.byteLength, 0); }",
                "returnByValue": true,
            }),
        )?;
        let _ = self.call(
            Some(session),
            "Runtime.releaseObjectGroup",
            json!({ "objectGroup": group }),
        );
        Ok(sum["result"]["value"].as_f64().unwrap_or(0.0) as u64)
    }
}

// ---------------------------------------------------------------------------
// Chromium's renderer processes, from /proc.

/// Renderer processes descending from `root` (chromedriver).
fn renderers(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`; comm may hold spaces.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse().ok());
        if let Some(ppid) = ppid {
            children.entry(ppid).or_default().push(pid);
        }
    }
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(pid) = stack.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            stack.push(child);
            let cmdline = std::fs::read(format!("/proc/{child}/cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmdline).contains("--type=renderer") {
                out.push(child);
            }
        }
    }
    out
}

/// CPU time (user + system, in clock ticks) a process has used so far.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// A `/proc/<pid>/status` figure in bytes (`VmRSS`, `VmHWM`).
fn status_bytes(pid: u32, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

// ---------------------------------------------------------------------------
// The sampler: memory figures while one run goes on.

#[derive(Debug, Default, Clone)]
struct Memory {
    page_heap_peak: u64,
    page_wasm: u64,
    worker_heap_peak: u64,
    worker_buffers_peak: u64,
    /// Largest JS heap + array-buffer backing stores of the workers in one sample.
    worker_js_peak: u64,
    worker_wasm: u64,
    workers: usize,
    /// Peak resident set of the renderer that ran the page: the one that
    /// used the most CPU during the run (Chromium also keeps a spare
    /// renderer and one for its own WebUI).
    renderer_peak: u64,
    /// Whether `renderer_peak` is the kernel's VmHWM since the reset (else
    /// the largest VmRSS sampled).
    renderer_hwm: bool,
    /// CPU seconds that renderer used during the run (page + worker).
    renderer_cpu_s: f64,
    samples: u64,
    longest_gap_ms: f64,
}

impl Memory {
    fn to_json(&self) -> Value {
        json!({
            "page_js_heap_peak_mb": mb(self.page_heap_peak),
            "page_wasm_memory_mb": mb(self.page_wasm),
            "worker_js_heap_peak_mb": mb(self.worker_heap_peak),
            "worker_array_buffers_peak_mb": mb(self.worker_buffers_peak),
            "worker_wasm_memory_mb": mb(self.worker_wasm),
            "worker_peak_mb": mb(self.worker_js_peak + self.worker_wasm),
            "workers_attached": self.workers,
            "renderer_peak_rss_mb": mb(self.renderer_peak),
            "renderer_peak_rss_is": if self.renderer_hwm { "VmHWM since reset" } else { "largest sampled VmRSS" },
            "renderer_cpu_s": (self.renderer_cpu_s * 100.0).round() / 100.0,
            "samples": self.samples,
            "longest_sample_gap_ms": (self.longest_gap_ms * 10.0).round() / 10.0,
        })
    }
}

struct Sampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Memory>,
}

impl Sampler {
    /// Attaches to the page at `url` and samples until [`Sampler::finish`].
    fn start(devtools: &str, url: &str, driver: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (devtools, url, flag) = (devtools.to_owned(), url.to_owned(), stop.clone());
        let thread = std::thread::spawn(move || {
            let mut cdp = Cdp::connect(&devtools);
            let page = cdp.attach_page(&url);
            let mut memory = Memory {
                renderer_hwm: true,
                ..Memory::default()
            };
            // From here on the peak resident set is this run's. Per renderer:
            // CPU ticks when first seen, at the last sample, largest VmRSS.
            let mut procs: HashMap<u32, (u64, u64, u64)> = HashMap::new();
            for pid in renderers(driver) {
                if std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_err() {
                    memory.renderer_hwm = false;
                }
            }
            ready_tx.send(()).expect("ready");
            let mut last = Instant::now();
            loop {
                let done = flag.load(Ordering::SeqCst);
                if let Some((used, _)) = cdp.heap(&page) {
                    memory.page_heap_peak = memory.page_heap_peak.max(used);
                }
                let sessions: Vec<String> = cdp.workers.keys().cloned().collect();
                let (mut used, mut buffers) = (0, 0);
                for session in &sessions {
                    if let Some((u, b)) = cdp.heap(session) {
                        used += u;
                        buffers += b;
                    }
                }
                memory.worker_heap_peak = memory.worker_heap_peak.max(used);
                memory.worker_buffers_peak = memory.worker_buffers_peak.max(buffers);
                memory.worker_js_peak = memory.worker_js_peak.max(used + buffers);
                for pid in renderers(driver) {
                    let (Some(ticks), Some(rss)) = (cpu_ticks(pid), status_bytes(pid, "VmRSS"))
                    else {
                        continue;
                    };
                    let seen = procs.entry(pid).or_insert((ticks, ticks, 0));
                    seen.1 = ticks;
                    seen.2 = seen.2.max(rss);
                }
                memory.samples += 1;
                memory.longest_gap_ms = memory
                    .longest_gap_ms
                    .max(last.elapsed().as_secs_f64() * 1e3);
                last = Instant::now();
                if done {
                    break;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            if let Some((&pid, &(first, last, rss))) = procs
                .iter()
                .max_by_key(|(_, (first, last, _))| last - first)
            {
                let hwm = status_bytes(pid, "VmHWM").filter(|_| memory.renderer_hwm);
                memory.renderer_hwm = hwm.is_some();
                memory.renderer_peak = hwm.unwrap_or(rss).max(rss);
                memory.renderer_cpu_s = (last - first) as f64 / clock_ticks_per_second();
            }
            memory.page_wasm = cdp.wasm_bytes(&page).unwrap_or_else(|e| {
                eprintln!("bench_browser: page wasm memory: {e}");
                0
            });
            let sessions: Vec<String> = cdp.workers.keys().cloned().collect();
            for session in sessions {
                match cdp.wasm_bytes(&session) {
                    Ok(bytes) => memory.worker_wasm += bytes,
                    Err(e) => eprintln!("bench_browser: worker wasm memory: {e}"),
                }
            }
            memory.workers = cdp.workers_seen;
            let _ = cdp.call(
                None,
                "Target.detachFromTarget",
                json!({ "sessionId": page }),
            );
            memory
        });
        ready_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the DevTools sampler started");
        Sampler { stop, thread }
    }

    fn finish(self) -> Memory {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().expect("sampler")
    }
}

// ---------------------------------------------------------------------------
// The runs.

/// `/proc/<pid>/stat` counts CPU time in USER_HZ ticks: 100 a second on
/// Linux (`getconf CLK_TCK`).
fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(100.0)
}

fn mb(bytes: u64) -> f64 {
    (bytes as f64 / 1e5).round() / 10.0
}

fn secs(ms: f64) -> f64 {
    (ms / 10.0).round() / 100.0
}

/// A new tab for the next run; the previous one is closed, so its renderer
/// process goes and the next page starts in a fresh one.
async fn fresh_tab(b: &Browser) {
    let new = b.client.new_window(true).await.expect("new tab");
    b.client.close_window().await.expect("close tab");
    b.client
        .switch_to_window(new.handle)
        .await
        .expect("switch tab");
}

async fn install_hooks(b: &Browser) {
    b.client
        .execute(HOOKS, vec![])
        .await
        .expect("install the timing hooks");
}

/// Waits for the page's mark `name` and returns it (ms, page clock).
async fn mark(b: &Browser, name: &str, secs: u64) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let value = b
            .client
            .execute(
                "return window.__bench.marks[arguments[0]] ?? null;",
                vec![json!(name)],
            )
            .await
            .expect("read a mark");
        if let Some(ms) = value.as_f64() {
            return ms;
        }
        assert!(Instant::now() < deadline, "no {name} after {secs} s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Long tasks between `from` and `to` (page clock): (count, longest ms).
async fn long_tasks(b: &Browser, from: f64, to: f64) -> (usize, f64) {
    let tasks = b
        .client
        .execute("return window.__bench.longTasks;", vec![])
        .await
        .expect("long tasks");
    let durations: Vec<f64> = tasks
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| Some((t[0].as_f64()?, t[1].as_f64()?)))
        .filter(|(start, duration)| start + duration >= from && *start <= to)
        .map(|(_, duration)| duration)
        .collect();
    (
        durations.len(),
        durations.iter().copied().fold(0.0, f64::max),
    )
}

async fn number(b: &Browser, css: &str) -> u64 {
    b.text(css)
        .await
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| panic!("{css} holds no number"))
}

async fn run_listgate(b: &Browser, url: &str, file: &Path, rows: usize) -> Value {
    fresh_tab(b).await;
    b.client.goto(url).await.expect("open the app");
    b.wait("#profile", 30).await;
    b.type_into("#default-region", "GB").await;
    b.type_into("#business-name", "Acme").await;
    b.click("section .actions button.primary").await;
    let input = b.wait("#file-input", 10).await;
    install_hooks(b).await;
    let sampler = Sampler::start(&b.devtools_url(), url, b.driver_pid());
    let wall = Instant::now();
    input
        .send_keys(file.to_str().expect("path"))
        .await
        .expect("choose the file");
    let timeout = 120 + (rows / 5_000) as u64;
    let chosen = mark(b, "chosen", 10).await;
    let preview = mark(b, "preview", timeout).await;
    b.click("section .actions button.primary").await;
    b.wait("#mapping", 10).await;
    b.click("#run-check").await;
    let check = mark(b, "check", 10).await;
    let outcome = mark(b, "outcome", timeout).await;
    let wall = wall.elapsed().as_secs_f64();
    let memory = sampler.finish();
    let (count, longest) = long_tasks(b, chosen, outcome).await;
    let counts = json!({
        "rows": number(b, "#summary-rows").await,
        "importable": number(b, "#summary-importable").await,
        "rejected": number(b, "#summary-rejected").await,
        "warnings": number(b, "#summary-warnings").await,
        "duplicates": number(b, "#summary-duplicates").await,
    });
    let (preview_ms, check_ms) = (preview - chosen, outcome - check);
    let total_ms = preview_ms + check_ms;
    json!({
        "preview_s": secs(preview_ms),
        "check_s": secs(check_ms),
        "total_s": secs(total_ms),
        "rows_per_s": (rows as f64 / (total_ms / 1e3)).round(),
        "wall_s_including_clicks": (wall * 100.0).round() / 100.0,
        "long_tasks": count,
        "longest_task_ms": longest.round(),
        "memory": memory.to_json(),
        "counts": counts,
    })
}

/// The two variants of the JavaScript baseline (`bench/js/index.html?variant=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// Papa Parse and the checks on the page's main thread (`baseline.js`).
    Main,
    /// The same code in a dedicated worker of the page's own (`worker.js`).
    Worker,
}

impl Variant {
    const ALL: [Variant; 2] = [Variant::Main, Variant::Worker];

    /// The page's `?variant=` value, also what it writes into its result.
    fn name(self) -> &'static str {
        match self {
            Variant::Main => "main",
            Variant::Worker => "worker",
        }
    }

    /// Its figures' key in each result of the JSON.
    fn key(self) -> &'static str {
        match self {
            Variant::Main => "baseline",
            Variant::Worker => "baseline_worker",
        }
    }
}

/// Count fields both sides report (the baseline also counts `set_aside`).
const COUNTS: [&str; 5] = ["rows", "importable", "rejected", "warnings", "duplicates"];

async fn run_baseline(
    b: &Browser,
    site: &str,
    variant: Variant,
    file: &Path,
    rows: usize,
) -> Value {
    let url = format!("{site}/?variant={}", variant.name());
    fresh_tab(b).await;
    b.client.goto(&url).await.expect("open the baseline");
    // Set once the variant can take a file (the worker one: its worker is up).
    let ready = format!("#file-input[data-ready=\"{}\"]", variant.name());
    let input = b.wait(&ready, 30).await;
    install_hooks(b).await;
    let sampler = Sampler::start(&b.devtools_url(), &url, b.driver_pid());
    input
        .send_keys(file.to_str().expect("path"))
        .await
        .expect("choose the file");
    let timeout = 120 + (rows / 2_000) as u64;
    let chosen = mark(b, "chosen", 10).await;
    let done = mark(b, "result", timeout).await;
    let memory = sampler.finish();
    let (count, longest) = long_tasks(b, chosen, done).await;
    let result: Value =
        serde_json::from_str(&b.text("#result").await).expect("the baseline's result");
    if let Some(error) = result.get("error") {
        panic!("the {} baseline failed: {error}", variant.name());
    }
    assert_eq!(
        result["variant"].as_str(),
        Some(variant.name()),
        "the baseline ran another variant: {result}"
    );
    let total_ms = done - chosen;
    json!({
        "variant": variant.name(),
        "total_s": secs(total_ms),
        "rows_per_s": (rows as f64 / (total_ms / 1e3)).round(),
        "page_own_ms": result["ms"].as_f64().map(f64::round),
        "long_tasks": count,
        "longest_task_ms": longest.round(),
        "memory": memory.to_json(),
        "counts": {
            "rows": result["rows"],
            "importable": result["importable"],
            "rejected": result["rejected"],
            "warnings": result["warnings"],
            "duplicates": result["duplicates"],
            "set_aside": result["set_aside"],
        },
    })
}

/// Whether both baselines' counts equal listgate's (and each other's,
/// `set_aside` included).
fn counts_equal(result: &Value) -> bool {
    let (main, worker) = (
        &result[Variant::Main.key()]["counts"],
        &result[Variant::Worker.key()]["counts"],
    );
    main == worker
        && COUNTS
            .iter()
            .all(|&key| result["listgate"]["counts"][key] == main[key])
}

fn print_table(results: &[Value]) {
    println!();
    println!("listgate, real app (page + checking worker; times from the page's own clock)");
    println!(
        "{:>9} {:>7} {:>9} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "rows",
        "MB",
        "preview",
        "check",
        "total",
        "rows/s",
        "page MB",
        "worker MB",
        "renderer",
        "longest",
        "tasks"
    );
    println!(
        "{:>9} {:>7} {:>9} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "", "", "s", "s", "s", "", "JS heap", "JS+wasm", "peak RSS", "task ms", ">50ms"
    );
    for r in results {
        let l = &r["listgate"];
        let m = &l["memory"];
        println!(
            "{:>9} {:>7.1} {:>9.2} {:>8.2} {:>8.2} {:>9.0} {:>9.1} {:>9.1} {:>9.1} {:>10.0} {:>8}",
            r["rows"].as_u64().unwrap_or(0),
            r["mb"].as_f64().unwrap_or(0.0),
            l["preview_s"].as_f64().unwrap_or(0.0),
            l["check_s"].as_f64().unwrap_or(0.0),
            l["total_s"].as_f64().unwrap_or(0.0),
            l["rows_per_s"].as_f64().unwrap_or(0.0),
            m["page_js_heap_peak_mb"].as_f64().unwrap_or(0.0),
            m["worker_peak_mb"].as_f64().unwrap_or(0.0),
            m["renderer_peak_rss_mb"].as_f64().unwrap_or(0.0),
            l["longest_task_ms"].as_f64().unwrap_or(0.0),
            l["long_tasks"].as_u64().unwrap_or(0),
        );
    }
    println!();
    println!(
        "JS baseline: Papa Parse 5 + libphonenumber-js/max, the same checks (bench/js/checks.js); \
         main = on the page's main thread, worker = in a dedicated worker of the page's own"
    );
    println!(
        "{:>9} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8} {:>12}",
        "rows",
        "MB",
        "variant",
        "total",
        "rows/s",
        "page MB",
        "worker MB",
        "renderer",
        "longest",
        "tasks",
        "ratio"
    );
    println!(
        "{:>9} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8} {:>12}",
        "", "", "", "s", "", "JS heap", "JS+bufs", "peak RSS", "task ms", ">50ms", "JS/listgate"
    );
    for r in results {
        for variant in Variant::ALL {
            let j = &r[variant.key()];
            let m = &j["memory"];
            println!(
                "{:>9} {:>7.1} {:>7} {:>8.2} {:>9.0} {:>9.1} {:>9.1} {:>9.1} {:>10.0} {:>8} {:>11.2}x",
                r["rows"].as_u64().unwrap_or(0),
                r["mb"].as_f64().unwrap_or(0.0),
                variant.name(),
                j["total_s"].as_f64().unwrap_or(0.0),
                j["rows_per_s"].as_f64().unwrap_or(0.0),
                m["page_js_heap_peak_mb"].as_f64().unwrap_or(0.0),
                m["worker_peak_mb"].as_f64().unwrap_or(0.0),
                m["renderer_peak_rss_mb"].as_f64().unwrap_or(0.0),
                j["longest_task_ms"].as_f64().unwrap_or(0.0),
                j["long_tasks"].as_u64().unwrap_or(0),
                r["ratios_over_listgate"][variant.name()]
                    .as_f64()
                    .unwrap_or(0.0),
            );
        }
    }
    println!();
    println!("ratio against the faster baseline (JS total / listgate total):");
    for r in results {
        let faster = Variant::ALL
            .into_iter()
            .find(|v| r["faster_baseline"] == v.name())
            .unwrap_or(Variant::Main);
        println!(
            "  {:>9}  {:.2}x  (faster baseline: {}, {} s; listgate {} s)",
            r["rows"],
            r["ratio_baseline_over_listgate"].as_f64().unwrap_or(0.0),
            faster.name(),
            r[faster.key()]["total_s"],
            r["listgate"]["total_s"],
        );
    }
    println!();
    println!("counts (rows / importable / rejected / warnings / duplicates):");
    for r in results {
        let c = |side: &str| {
            let c = &r[side]["counts"];
            format!(
                "{} / {} / {} / {} / {}",
                c["rows"], c["importable"], c["rejected"], c["warnings"], c["duplicates"]
            )
        };
        println!(
            "  {:>9}  listgate {}   main {}   worker {}   {}",
            r["rows"],
            c("listgate"),
            c(Variant::Main.key()),
            c(Variant::Worker.key()),
            if r["counts_equal"] == true {
                "equal"
            } else {
                "NOT EQUAL"
            }
        );
    }
    println!();
    println!(
        "memory: page JS heap = peak Runtime.getHeapUsage usedSize of the page's main thread \
         (sampled every 200 ms; a busy main thread answers between tasks only);\n        \
         worker = the checking worker's largest sampled JS heap + array buffers \
         (Runtime.getHeapUsage usedSize + backingStorageSize), plus its WebAssembly.Memory \
         at the end (linear memory only grows);\n        \
         renderer peak RSS = VmHWM of the Chromium renderer process that ran the page \
         (page, worker, wasm, DOM, Blink), reset before each run. Details in the JSON."
    );
}

/// The run with the median total time, with every run's total beside it.
fn median_run(mut runs: Vec<Value>) -> Value {
    let total = |r: &Value| r["total_s"].as_f64().unwrap_or(f64::MAX);
    runs.sort_by(|a, b| total(a).total_cmp(&total(b)));
    let totals: Vec<f64> = runs.iter().map(total).collect();
    let mut median = runs.swap_remove(runs.len() / 2);
    median["runs_total_s"] = json!(totals);
    median
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args = parse_args();
    let js_dist = prepare();
    let app = Server::start_with(&dist());
    let js = Site::start(&js_dist);
    // Another site than the app's, so Chromium gives it its own renderer.
    let js_url = js.url.replace("127.0.0.1", "localhost");
    let b = Browser::start().await;
    let chromium = b.cdp("Browser.getVersion", json!({})).await["product"].clone();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut results = Vec::new();
    // One small unreported run of each side first: every measured run then
    // finds the browser's caches as a returning user would.
    let file = dir.path().join("warm-up.csv");
    std::fs::write(&file, whatsapp_list(WARM_UP_ROWS)).expect("write the list");
    eprintln!("bench_browser: warm-up ({WARM_UP_ROWS} rows, not reported)");
    run_listgate(&b, &app.url, &file, WARM_UP_ROWS).await;
    for variant in Variant::ALL {
        run_baseline(&b, &js_url, variant, &file, WARM_UP_ROWS).await;
    }
    for &rows in &args.rows {
        let file = dir.path().join(format!("whatsapp-{rows}.csv"));
        let list = whatsapp_list(rows);
        let bytes = list.len();
        std::fs::write(&file, list).expect("write the list");
        let mut listgate = Vec::new();
        // Runs of each baseline variant, in the order of Variant::ALL.
        let mut baselines = Variant::ALL.map(|_| Vec::new());
        for run in 1..=args.repeat {
            eprintln!(
                "bench_browser: {rows} rows ({:.1} MB), run {run}/{}: listgate…",
                bytes as f64 / 1e6,
                args.repeat
            );
            let l = run_listgate(&b, &app.url, &file, rows).await;
            eprintln!("bench_browser: listgate {} s", l["total_s"]);
            listgate.push(l);
            for (variant, runs) in Variant::ALL.into_iter().zip(&mut baselines) {
                eprintln!("bench_browser: JS baseline ({})…", variant.name());
                let j = run_baseline(&b, &js_url, variant, &file, rows).await;
                eprintln!(
                    "bench_browser: JS baseline ({}) {} s",
                    variant.name(),
                    j["total_s"]
                );
                runs.push(j);
            }
        }
        let listgate = median_run(listgate);
        let listgate_s = listgate["total_s"].as_f64().unwrap_or(f64::NAN);
        let baselines = baselines.map(median_run);
        let ratio = |j: &Value| {
            let ratio = j["total_s"].as_f64().unwrap_or(f64::NAN) / listgate_s;
            (ratio * 100.0).round() / 100.0
        };
        // The fair comparison is with the faster way to run the same code.
        let (faster, faster_run) = Variant::ALL
            .into_iter()
            .zip(&baselines)
            .min_by(|(_, a), (_, b)| {
                let total = |r: &Value| r["total_s"].as_f64().unwrap_or(f64::MAX);
                total(a).total_cmp(&total(b))
            })
            .expect("two variants");
        let mut result = json!({
            "rows": rows,
            "bytes": bytes,
            "mb": mb(bytes as u64),
            "listgate": listgate,
            "faster_baseline": faster.name(),
            "ratio_baseline_over_listgate": ratio(faster_run),
            "ratios_over_listgate": {},
        });
        for (variant, j) in Variant::ALL.into_iter().zip(baselines) {
            result["ratios_over_listgate"][variant.name()] = json!(ratio(&j));
            result[variant.key()] = j;
        }
        result["counts_equal"] = json!(counts_equal(&result));
        if result["counts_equal"] != true {
            eprintln!(
                "bench_browser: {rows} rows: the counts differ (listgate {}, main {}, worker {})",
                result["listgate"]["counts"],
                result[Variant::Main.key()]["counts"],
                result[Variant::Worker.key()]["counts"],
            );
        }
        results.push(result);
        std::fs::remove_file(&file).expect("remove the list");
    }
    b.close().await;
    print_table(&results);
    let counts_equal_everywhere = results.iter().all(|r| r["counts_equal"] == true);
    let report = json!({
        "benchmark": "bench_browser",
        "browser": "headless Chromium via chromedriver",
        "chromium": chromium,
        "cpus": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "load_average_at_start": load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
        "runs_per_size": args.repeat,
        "reported_run": "per size and side (listgate, each baseline variant), the run with the median total time (after one unreported warm-up run of each)",
        "listgate": "real app from dist/ served by listgate serve; whatsapp profile, default region GB, business Acme; preview = file input change → #preview, check = click #run-check → #outcome",
        "baseline": "bench/js/index.html?variant=main: Papa Parse (worker: false, chunk) + libphonenumber-js/max, same checks (checks.js) on the page's main thread; file input change → #result",
        "baseline_worker": "bench/js/index.html?variant=worker: the same code (checks.js) in a dedicated worker of the page's own (worker.js, started at page load; not Papa's worker: true), the File passed by postMessage, Papa streaming 10 MB chunks in the worker, the counts posted back; file input change → #result on the page",
        "faster_baseline": "the baseline variant (main or worker) with the smaller median total at that size",
        "ratio_baseline_over_listgate": "the faster baseline's total / listgate's total (ratios_over_listgate: each variant's)",
        "counts_equal": "both baselines' counts equal listgate's (rows, importable, rejected, warnings, duplicates) and each other's (set_aside too); the benchmark exits with status 1 after writing the report when they do not",
        "memory": {
            "page_js_heap_peak_mb": "peak Runtime.getHeapUsage usedSize of the page's main thread, sampled every 200 ms (a main thread busy in one task, as the main-thread baseline's is for each Papa chunk, answers between tasks only: see longest_sample_gap_ms)",
            "worker_js_heap_peak_mb": "peak Runtime.getHeapUsage usedSize of the page's dedicated workers, sampled",
            "worker_array_buffers_peak_mb": "peak Runtime.getHeapUsage backingStorageSize of the workers, sampled",
            "worker_wasm_memory_mb": "WebAssembly.Memory buffers of the workers at the end of the check (linear memory never shrinks)",
            "worker_peak_mb": "the workers' largest sampled JS heap + array buffers, plus their wasm memory",
            "renderer_peak_rss_mb": "VmHWM, since a reset before the run, of the Chromium renderer process that used the most CPU during it (the page's): page + worker + wasm + DOM + Blink",
        },
        "results": results,
    });
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent).expect("output dir");
    }
    std::fs::write(
        &args.out,
        serde_json::to_string_pretty(&report).expect("json"),
    )
    .expect("write the report");
    println!("wrote {}", args.out.display());
    drop((app, js));
    if !counts_equal_everywhere {
        eprintln!("bench_browser: the baselines' counts differ from listgate's (see above)");
        std::process::exit(1);
    }
}
