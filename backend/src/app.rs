//! The server assembled: one [`ServerConfig`] (every `serve` flag, with
//! today's defaults) builds the [`AppState`]; [`serve`] runs the HTTP
//! application with the import worker and the retention sweep beside it,
//! and stops them all gracefully.

use crate::db::blobs::BlobStore;
use crate::http::AppState;
use crate::http::connections::{ConnectionLimits, serve_on};
use crate::http::submissions::EvidenceLimits;
use crate::http::throttle::{AbuseLimits, Throttles};
use crate::http::transport::Transport;
use crate::services::notify::Mailer;
use crate::services::{Backend, Retention, import, retention};
use anyhow::Context as _;
use sqlx::AnyPool;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::net::TcpListener;

/// Largest submission accepted by default (clean file and evidence together).
pub const DEFAULT_MAX_SUBMISSION_BYTES: usize = 64 * 1024 * 1024;
/// Time between import batches in the plan reviewers are offered, unless
/// the merchant's own plan or a reviewer says otherwise.
pub const DEFAULT_BATCH_INTERVAL_SECONDS: u64 = 3_600;

/// Everything `listgate serve` can be told, but the database and the store.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The built browser app (`trunk build` output).
    pub dist: PathBuf,
    /// Largest submission body.
    pub max_submission_bytes: usize,
    /// Lists checked at once.
    pub max_concurrent_checks: usize,
    /// Evidence files per submission and bytes per file.
    pub evidence_limits: EvidenceLimits,
    /// Seconds between batches in the plan reviewers are offered.
    pub batch_interval_seconds: u64,
    /// How long lists and evidence are kept.
    pub retention: Retention,
    /// Whether requests come over HTTPS.
    pub transport: Transport,
    /// Sign-in and publishable-key limits.
    pub abuse: AbuseLimits,
    /// The SMTP server merchants are e-mailed through (`--smtp-url`).
    pub mail: Option<Mailer>,
}

impl Default for ServerConfig {
    /// `listgate serve`'s defaults: the app in `dist`, 64 MiB submissions,
    /// one check per core, hourly batches, lists kept 90 days and evidence
    /// three years, plain HTTP, no e-mail.
    fn default() -> Self {
        ServerConfig {
            dist: PathBuf::from("dist"),
            max_submission_bytes: DEFAULT_MAX_SUBMISSION_BYTES,
            max_concurrent_checks: std::thread::available_parallelism().map_or(1, usize::from),
            evidence_limits: EvidenceLimits::default(),
            batch_interval_seconds: DEFAULT_BATCH_INTERVAL_SECONDS,
            retention: Retention::default(),
            transport: Transport::default(),
            abuse: AbuseLimits::default(),
            mail: None,
        }
    }
}

/// The state the handlers share, from `config`, the database and the store.
pub fn state(config: ServerConfig, db: AnyPool, store: BlobStore, postgres: bool) -> AppState {
    AppState {
        backend: Backend {
            db,
            store,
            postgres,
            http: crate::services::webhooks::client(),
            batch_interval_seconds: config.batch_interval_seconds,
            retention: config.retention,
            mail: config.mail,
        },
        dist: config.dist,
        max_submission_bytes: config.max_submission_bytes,
        evidence_limits: config.evidence_limits,
        checks: std::sync::Arc::new(tokio::sync::Semaphore::new(
            config.max_concurrent_checks.max(1),
        )),
        transport: config.transport,
        throttles: std::sync::Arc::new(Throttles::new(config.abuse)),
    }
}

/// Refuses an app directory without an `index.html`, naming the command that builds it.
pub fn check_dist(dist: &Path) -> anyhow::Result<()> {
    if !dist.join("index.html").is_file() {
        anyhow::bail!(
            "the browser app is not built in {}: run `scripts/run` (or `trunk build --release`) first",
            dist.display()
        );
    }
    Ok(())
}

/// Binds `addr`, prints the address it listens on (port 0 picks a free
/// one) and serves within `limits` until Ctrl-C or SIGTERM, finishing
/// requests in flight.
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    limits: ConnectionLimits,
) -> anyhow::Result<()> {
    let listener = listen(addr).with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{local}");
    tracing::info!(%local, dist = %state.dist.display(), store = %state.backend.store, ?limits, "serving");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(import::run_worker(state.backend.clone(), stopped.clone()));
    let retention = tokio::spawn(retention::run(state.backend.clone(), stopped));
    serve_on(listener, state, limits, shutdown_signal()).await;
    // The batch in progress commits or rolls back as a whole; wait for it.
    let _ = stop.send(true);
    let _ = worker.await;
    let _ = retention.await;
    Ok(())
}

/// Connections the kernel holds for the server while every slot is taken
/// (`--max-connections`); the system's `somaxconn` may lower it. The usual
/// default of 128 would drop clients' first attempts under a flood.
const LISTEN_BACKLOG: u32 = 1024;

fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // A restarted server can bind while the old one's connections linger.
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
