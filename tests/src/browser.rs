//! The real server and a real headless Chromium for browser tests.
//!
//! [`Server`] runs `listgate serve` on a free port with the built app
//! (`dist/`, built by `scripts/test`); [`Browser`] starts chromedriver and
//! drives Chromium through fantoccini. Both are stopped when dropped.

use crate::binary;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The built browser app.
pub fn dist() -> PathBuf {
    // A benchmark may compare two builds of the app: `LISTGATE_DIST=DIR`.
    let dist = std::env::var_os("LISTGATE_DIST").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../dist"),
        PathBuf::from,
    );
    assert!(
        dist.join("index.html").exists(),
        "{} is not built: run scripts/test (it runs trunk build first)",
        dist.display()
    );
    dist
}

/// Where a [`Server`] keeps its submissions, reviews and imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// SQLite in the server's data directory (the default).
    Sqlite,
    /// A fresh database on the PostgreSQL at `LISTGATE_TEST_POSTGRES_URL`.
    Postgres,
}

/// `listgate serve` on a free loopback port, with its own data directory.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The server's stored files (and its SQLite database).
    pub data: tempfile::TempDir,
    /// The PostgreSQL database it uses instead of SQLite.
    database_url: Option<String>,
}

impl Server {
    /// Starts the server with the built app and waits until it listens.
    pub fn start() -> Server {
        Server::start_with(&dist())
    }

    /// Starts the server with the app in `dist` (a test may break a copy).
    pub fn start_with(dist: &Path) -> Server {
        Server::start_logging(dist, Stdio::inherit(), &[])
    }

    /// Starts the server with its log (stderr) going to `log`, and `env` set.
    pub fn start_logging(dist: &Path, log: impl Into<Stdio>, env: &[(&str, &str)]) -> Server {
        Server::spawn(dist, log.into(), env, None, &[])
    }

    /// Starts the server with the built app on `database`, `args` added to
    /// `listgate serve`; `None` when PostgreSQL is asked for but the tests
    /// were given none (see [`listgate_testkit::postgres::fresh_database`]).
    pub async fn start_on(database: Database, args: &[&str]) -> Option<Server> {
        let database_url = match database {
            Database::Sqlite => None,
            Database::Postgres => Some(listgate_testkit::postgres::fresh_database().await?),
        };
        Some(Server::spawn(
            &dist(),
            Stdio::inherit(),
            &[],
            database_url,
            args,
        ))
    }

    fn spawn(
        dist: &Path,
        log: Stdio,
        env: &[(&str, &str)],
        database_url: Option<String>,
        args: &[&str],
    ) -> Server {
        let data = tempfile::tempdir().expect("data dir");
        let mut command = Command::new(binary());
        command
            .args(["serve", "--addr", "127.0.0.1:0", "--dist"])
            .arg(dist)
            .args(args);
        let mut child = Server::on_data(&mut command, data.path(), database_url.as_deref())
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start listgate serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("read");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the server: {line:?}"))
            .to_owned();
        Server {
            child,
            url,
            data,
            database_url,
        }
    }

    /// `listgate ARGS` on this server's data (`tenant add`, `reviewer add`…).
    pub fn cli(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary());
        command.args(args);
        Server::on_data(&mut command, self.data.path(), self.database_url.as_deref());
        command
    }

    /// Points `command` at the data directory and the database.
    fn on_data<'c>(
        command: &'c mut Command,
        data: &Path,
        database_url: Option<&str>,
    ) -> &'c mut Command {
        command.arg("--data-dir").arg(data);
        match database_url {
            Some(url) => command.env("LISTGATE_DATABASE_URL", url),
            None => command.env_remove("LISTGATE_DATABASE_URL"),
        }
    }
}

/// A static web site on a port of its own — a partner's page, the
/// JavaScript baseline — served the way any web server would, without
/// listgate's own headers (its page policy allows only listgate's scripts).
#[derive(Debug)]
pub struct Site {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Site {
    /// Serves the files in `dir` until dropped.
    pub fn start(dir: &Path) -> Site {
        let dir = dir.to_owned();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (bound, url) = std::sync::mpsc::channel();
        // A thread with its own runtime, so that sync and async tests alike
        // can start and drop it.
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind");
                let address = listener.local_addr().expect("address");
                bound
                    .send(format!("http://{address}"))
                    .expect("send the URL");
                let site =
                    axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dir));
                let _ = axum::serve(listener, site)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        Site {
            url: url.recv().expect("the site's URL"),
            stop: Some(stop),
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Chromium, headless, driven through chromedriver.
#[derive(Debug)]
pub struct Browser {
    driver: Child,
    /// The WebDriver session.
    pub client: Client,
    /// Where downloads land.
    pub downloads: tempfile::TempDir,
    _profile: tempfile::TempDir,
    /// The element whose shadow root the helpers look in (an embedded
    /// widget), or `None` for the page itself.
    scope: std::sync::Mutex<Option<String>>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Browser {
    /// Starts chromedriver and a fresh Chromium profile that records every
    /// network event (for the privacy test) and saves downloads without asking.
    pub async fn start() -> Browser {
        let port = free_port();
        let mut driver = Command::new("chromedriver");
        driver
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so that Chromium goes with it even when a
        // test fails before the session is closed.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut driver, 0);
        let driver = driver
            .spawn()
            .expect("start chromedriver (scripts/setup installs it)");
        let profile = tempfile::tempdir().expect("profile dir");
        let downloads = tempfile::tempdir().expect("download dir");
        let capabilities = json!({
            "goog:chromeOptions": {
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    // The tests read English words; the app follows the browser's language.
                    "--lang=en-US",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--log-net-log={}", profile.path().join("netlog.json").display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                    "intl.accept_languages": "en-US",
                },
            },
            "goog:loggingPrefs": { "performance": "ALL", "browser": "ALL" },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            match ClientBuilder::new(connector.clone())
                .capabilities(capabilities.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => panic!("chromedriver did not start: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        let browser = Browser {
            driver,
            client,
            downloads,
            _profile: profile,
            scope: std::sync::Mutex::new(None),
        };
        browser
            .cdp(
                "Browser.setDownloadBehavior",
                json!({ "behavior": "allow", "downloadPath": browser.downloads.path() }),
            )
            .await;
        browser
    }

    /// Runs a Chrome DevTools Protocol command.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client
            .issue_cmd(Raw {
                path: "goog/cdp/execute",
                body: json!({ "cmd": cmd, "params": params }),
            })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// The browser-level DevTools WebSocket URL, for a connection of one's
    /// own (chromedriver's `goog/cdp/execute` reaches only the current page,
    /// not its workers). Chromium writes it to `DevToolsActivePort` in the
    /// profile when chromedriver starts it on a free debugging port.
    pub fn devtools_url(&self) -> String {
        let file = self._profile.path().join("DevToolsActivePort");
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut lines = text.lines();
        let (port, path) = (lines.next(), lines.next());
        format!(
            "ws://127.0.0.1:{}{}",
            port.expect("port").trim(),
            path.expect("path").trim()
        )
    }

    /// chromedriver's process id: every Chromium process descends from it.
    pub fn driver_pid(&self) -> u32 {
        self.driver.id()
    }

    /// Performance log entries since the last call: every DevTools network
    /// event of the page and its workers, as JSON messages.
    pub async fn network_events(&self) -> Vec<Value> {
        let entries = self
            .client
            .issue_cmd(Raw {
                path: "se/log",
                body: json!({ "type": "performance" }),
            })
            .await
            .expect("performance log");
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str())
            .filter_map(|m| serde_json::from_str::<Value>(m).ok())
            .map(|m| m["message"].clone())
            .filter(|m| {
                m["method"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("Network."))
            })
            .collect()
    }

    /// From now on `wait`, `click`, `type_into` and `text` look inside the
    /// shadow root of the element matching `host` (`None`: the page).
    pub fn look_inside(&self, host: Option<&str>) {
        *self.scope.lock().expect("scope") = host.map(str::to_owned);
    }

    /// Waits for an element (up to `secs`), inside the scope's shadow root if set.
    pub async fn wait(&self, css: &str, secs: u64) -> fantoccini::elements::Element {
        let scope = self.scope.lock().expect("scope").clone();
        if let Some(host) = scope {
            return self.wait_in_shadow_root(&host, css, secs).await;
        }
        self.client
            .wait()
            .at_most(Duration::from_secs(secs))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("waiting for {css}: {e}"))
    }

    /// Every element matching `css` now (none is not a failure), inside the
    /// scope's shadow root if set.
    pub async fn find_all(&self, css: &str) -> Vec<fantoccini::elements::Element> {
        let scope = self.scope.lock().expect("scope").clone();
        let found = match scope {
            Some(host) => match self.client.find(Locator::Css(&host)).await {
                Ok(element) => {
                    let root = element.shadow_root().await.expect("shadow root");
                    root.find_all(Locator::Css(css)).await
                }
                Err(_) => Ok(Vec::new()),
            },
            None => self.client.find_all(Locator::Css(css)).await,
        };
        found.unwrap_or_else(|e| panic!("find {css}: {e}"))
    }

    async fn wait_in_shadow_root(
        &self,
        host: &str,
        css: &str,
        secs: u64,
    ) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Ok(element) = self.client.find(Locator::Css(host)).await
                && let Ok(root) = element.shadow_root().await
                && let Ok(found) = root.find(Locator::Css(css)).await
            {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "waiting for {css} inside {host}'s shadow root"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fails if any of [`crate::lists::markup_list`]'s payloads ran (they
    /// set `window.__xss`) by the time of `step`.
    pub async fn assert_no_script_ran(&self, step: &str) {
        let ran = self
            .client
            .execute("return window.__xss !== undefined;", vec![])
            .await
            .expect("ask the page");
        assert_eq!(ran, Value::Bool(false), "a payload ran at {step}");
    }

    /// Chooses `file` in the Load step's file input (waiting `secs` for it).
    pub async fn choose_file(&self, file: &Path, secs: u64) {
        self.wait("#file-input", secs)
            .await
            .send_keys(file.to_str().expect("UTF-8 path"))
            .await
            .expect("choose the file");
    }

    /// Signs in to the reviewer console (from any page of the app).
    pub async fn sign_in_to_review(&self, email: &str, password: &str) {
        self.open_review_console().await;
        self.type_into("#reviewer-email", email).await;
        self.type_into("#reviewer-password", password).await;
        self.click("#sign-in button").await;
    }

    /// Opens the reviewer console and waits until it knows whether the
    /// browser still has a session: the sign-in form or the queue shows.
    pub async fn open_review_console(&self) {
        self.click("nav.areas a[href='#review']").await;
        self.wait("#sign-in, #queue", 10).await;
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        self.wait(css, 20)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Chooses the option with `value` in the select matching `css`.
    pub async fn select(&self, css: &str, value: &str) {
        self.wait(css, 30)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value:?} in {css}: {e}"));
    }

    /// Waits (up to `secs`) until the text of the element matching `css`
    /// contains `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let now = self.text(css).await;
            if now.contains(text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{css} never said {text:?}: {now:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Opens the app at `url` and names the business Acme on the Start step,
    /// as the default `whatsapp` profile needs (the fixtures' wording names Acme).
    pub async fn open_app(&self, url: &str) {
        self.client.goto(url).await.expect("open the app");
        self.type_into("#business-name", "Acme").await;
    }

    /// Types `text` into the input matching `css`.
    pub async fn type_into(&self, css: &str, text: &str) {
        self.wait(css, 20)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The text of the element matching `css`. A page that refreshes itself
    /// may replace the element between finding and reading it: then it is
    /// found again.
    pub async fn text(&self, css: &str) -> String {
        for _ in 0..10 {
            match self.wait(css, 20).await.text().await {
                Ok(text) => return text,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference => {}
                Err(e) => panic!("the text of {css}: {e}"),
            }
        }
        panic!("{css} was replaced each time it was read")
    }

    /// From the Load step's preview: on to Map, then Check with the suggested
    /// mapping, until the Results step shows the outcome.
    pub async fn check_with_suggested_mapping(&self) {
        self.wait("#preview", 30).await;
        self.click("section .actions button.primary").await;
        self.wait("#mapping", 10).await;
        self.click("#run-check").await;
        self.wait("#outcome", 120).await;
    }

    /// Fills the Evidence step as a merchant does: wording, source, method, an
    /// evidence file (written to `dir`), and yes to every self-check question.
    pub async fn answer_the_evidence_step(&self, dir: &Path) {
        self.answer_evidence(
            dir,
            [
                "Yes, send me WhatsApp offers from Acme Boutique",
                "acme.example/join",
                "unticked checkbox at checkout",
            ],
            "optin.png",
        )
        .await;
    }

    /// [`Browser::answer_the_evidence_step`] with these `[wording, source,
    /// capture method]` and an evidence file named `file_name`.
    pub async fn answer_evidence(
        &self,
        dir: &Path,
        [wording, source, method]: [&str; 3],
        file_name: &str,
    ) {
        self.type_into("#wording", wording).await;
        self.type_into("#consent-source", source).await;
        self.type_into("#capture-method", method).await;
        let evidence = dir.join(file_name);
        std::fs::write(&evidence, b"\x89PNG\r\n\x1a\n the opt-in form").expect("write");
        let path = evidence.to_str().expect("path");
        // The step asks for evidence of each opt-in source the list names;
        // a list without sources has one input for every file.
        self.wait("#evidence-title", 10).await;
        let per_source = self.find_all("input.evidence-for-source").await;
        if per_source.is_empty() {
            self.type_into("#evidence-files", path).await;
        }
        for input in per_source {
            input.send_keys(path).await.expect("attach evidence");
        }
        self.wait("#evidence-list li", 10).await;
        assert!(
            self.text("#missing").await.contains("confirm"),
            "self-check still open"
        );
        // Yes to every question the profile asks (and to no other).
        let questions = self.find_all("input[id^='self-']").await;
        assert!(!questions.is_empty(), "the profile asks its self-check");
        for question in questions {
            question.click().await.expect("answer the self-check");
        }
    }

    /// Saves a picture of the whole page, not only the window, as
    /// `target/screenshots/NAME.png` for people to look at, and returns the
    /// path. The window grows to the page's height for the picture (at most
    /// 8,000 px) and then returns to its size.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let (_, _, width, height) = self.client.get_window_rect().await.expect("window size");
        // The page's height plus the window's own bars.
        let page = self
            .client
            .execute(
                "return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight;",
                vec![],
            )
            .await
            .ok()
            .and_then(|h| h.as_u64())
            .unwrap_or(height)
            .clamp(height, 8_000);
        self.client
            .set_window_size(width as u32, page as u32)
            .await
            .expect("tall window");
        let png = self.client.screenshot().await.expect("screenshot");
        self.client
            .set_window_size(width as u32, height as u32)
            .await
            .expect("window back to its size");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("save the screenshot");
        println!("screenshot: {}", path.display());
        path
    }

    /// Forgets earlier downloads, so that a file downloaded again keeps its
    /// name instead of becoming `name (1)`.
    pub fn clear_downloads(&self) {
        for entry in std::fs::read_dir(self.downloads.path())
            .expect("downloads")
            .flatten()
        {
            std::fs::remove_file(entry.path()).expect("remove a download");
        }
    }

    /// Waits until `name` is fully downloaded and returns its bytes.
    ///
    /// Chromium reserves the final name before it writes, so a download is
    /// complete when it has bytes, no `.crdownload` beside it and the same
    /// size on two looks in a row. (Every file the app makes has bytes.)
    pub async fn downloaded(&self, name: &str) -> Vec<u8> {
        let path = self.downloads.path().join(name);
        let partial = self.downloads.path().join(format!("{name}.crdownload"));
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut last_size = None;
        loop {
            let size = std::fs::metadata(&path).map(|m| m.len()).ok();
            if size.is_some_and(|s| s > 0) && !partial.exists() && size == last_size {
                return std::fs::read(&path).expect("read download");
            }
            last_size = size;
            assert!(Instant::now() < deadline, "{name} was not downloaded");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session and stops chromedriver.
    pub async fn close(self) {
        self.close_with_net_log().await;
    }

    /// Ends the session and returns Chromium's NetLog: every request the
    /// browser made, from the page, its workers or anything else.
    pub async fn close_with_net_log(mut self) -> NetLog {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        NetLog::read(&self._profile.path().join("netlog.json"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: chromedriver and every Chromium process it started.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A chromedriver command fantoccini has no method for.
#[derive(Debug)]
struct Raw {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for Raw {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// Chromium's network log (`--log-net-log`), read after the browser quit.
#[derive(Debug)]
pub struct NetLog {
    /// Every event: type name, source id, parameters.
    pub events: Vec<(String, u64, Value)>,
}

/// One request in the [`NetLog`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetRequest {
    /// HTTP method.
    pub method: String,
    /// Full URL.
    pub url: String,
    /// Origin of the page or worker that asked for it (`not an origin` for
    /// navigations and the browser's own requests).
    pub initiator: String,
    /// Bytes of request body uploaded.
    pub uploaded: u64,
}

impl NetLog {
    fn read(path: &Path) -> NetLog {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // A browser that was stopped hard leaves the list unterminated.
        let json: Value = serde_json::from_str(&text)
            .or_else(|_| {
                let cut = text.trim_end().trim_end_matches(',');
                serde_json::from_str(&format!("{cut}]}}"))
            })
            .expect("NetLog is JSON");
        let names: std::collections::HashMap<u64, String> = json["constants"]["logEventTypes"]
            .as_object()
            .expect("event types")
            .iter()
            .filter_map(|(name, id)| Some((id.as_u64()?, name.clone())))
            .collect();
        let events = json["events"]
            .as_array()
            .expect("events")
            .iter()
            .filter_map(|e| {
                let name = names.get(&e["type"].as_u64()?)?.clone();
                Some((name, e["source"]["id"].as_u64()?, e["params"].clone()))
            })
            .collect();
        NetLog { events }
    }

    /// Every URL request the browser started, with the bytes it uploaded:
    /// one per NetLog source (a request that restarts, e.g. after a CORS
    /// preflight, logs a second job under the same source, without a URL).
    pub fn requests(&self) -> Vec<NetRequest> {
        let uploaded = |source: u64| {
            self.events
                .iter()
                .filter(|(name, s, _)| name == "UPLOAD_DATA_STREAM_INIT" && *s == source)
                .map(|(_, _, p)| p["total_size"].as_u64().unwrap_or(0))
                .sum()
        };
        let mut seen = std::collections::HashSet::new();
        self.events
            .iter()
            .filter(|(name, _, p)| name == "URL_REQUEST_START_JOB" && p["url"].is_string())
            .filter(|(_, source, _)| seen.insert(*source))
            .map(|(_, source, p)| {
                let text = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
                NetRequest {
                    method: text("method"),
                    url: text("url"),
                    initiator: text("initiator"),
                    uploaded: uploaded(*source),
                }
            })
            .collect()
    }
}
