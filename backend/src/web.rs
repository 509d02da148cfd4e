//! The HTTP side: the built browser app as static files, and health.

use crate::connections::{ConnectionLimits, serve_on};
use crate::error::{framework_errors_as_json, no_such_path};
use crate::openapi::ApiDoc;
use crate::security_headers::SecurityHeaders;
use crate::store::BlobStore;
use crate::{reviewers, submissions};
use anyhow::Context as _;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::any;
use axum::{Json, Router, middleware};
use sqlx::AnyPool;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Largest submission accepted by default (clean file and evidence together).
pub const DEFAULT_MAX_SUBMISSION_BYTES: usize = 64 * 1024 * 1024;

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The built browser app (`trunk build` output).
    pub dist: PathBuf,
    /// The database.
    pub db: AnyPool,
    /// Clean files and evidence, content-addressed.
    pub store: BlobStore,
    /// Largest submission body.
    pub max_submission_bytes: usize,
    /// Evidence files per submission and bytes per file.
    pub evidence_limits: crate::submissions::EvidenceLimits,
    /// Permits for lists checked at once (see `--max-concurrent-checks`).
    pub checks: std::sync::Arc<tokio::sync::Semaphore>,
    /// The database is PostgreSQL (several servers may share the queue).
    pub postgres: bool,
    /// Time between import batches for new schedules, in milliseconds.
    pub batch_interval_ms: i64,
    /// The client webhooks are sent with.
    pub http: reqwest::Client,
    /// Days a finished submission's list and evidence are kept (0: forever).
    pub retain_days: u32,
    /// Whether requests come over HTTPS (`--public-url`, `--behind-proxy`).
    pub transport: crate::transport::Transport,
    /// Sign-in and publishable-key limits, with their counters.
    pub throttles: std::sync::Arc<crate::throttle::Throttles>,
}

/// Time between import batches unless a reviewer changes it.
pub const DEFAULT_BATCH_INTERVAL_SECONDS: u64 = 60;

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

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let dist = state.dist.clone();
    // No app built (tests of the API): no inline script to allow.
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let security = SecurityHeaders::new(
        &[&index, crate::openapi::DOCS_PAGE],
        state.transport.clone(),
    );
    Router::new()
        .nest("/api/v1", api_router(&state))
        // Other API versions are not static files either.
        .route("/api", any(no_such_path))
        .route("/api/{*rest}", any(no_such_path))
        // The app's files are public: partner pages load the widget and
        // its worker from here, which browsers allow only with CORS.
        .fallback_service(SetResponseHeader::overriding(
            static_files(&dist),
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(middleware::from_fn_with_state(
            security,
            crate::security_headers::add,
        ))
        .layer(TraceLayer::new_for_http())
}

/// The API under `/api/v1`, with its OpenAPI description. Every answer is
/// JSON (errors included) and none is stored by caches: most carry
/// personal data (contacts, submissions, evidence, the session).
fn api_router(state: &AppState) -> Router {
    let (api, spec) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health))
        .routes(routes!(ready))
        .merge(submissions::router().layer(partner_cors(&state.db)))
        .merge(reviewers::router())
        .merge(crate::widget::router().layer(CorsLayer::new().allow_origin(AllowOrigin::any())))
        .layer(DefaultBodyLimit::max(state.max_submission_bytes))
        .with_state(state.clone())
        .split_for_parts();
    api.merge(crate::openapi::router(spec))
        .fallback(no_such_path)
        .layer(middleware::map_response(framework_errors_as_json))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Cross-origin access for partner pages (the embedded checker): a page on
/// an origin some tenant allows may call the tenant API with a key; each
/// request is then held to its own tenant's origins (see `tenants::Submitter`).
/// Reviewer routes get no CORS: their cookie session is for this origin only.
fn partner_cors(db: &AnyPool) -> CorsLayer {
    let db = db.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::async_predicate(
            move |origin: HeaderValue, _: &axum::http::request::Parts| async move {
                let Ok(origin) = origin.to_str() else {
                    return false;
                };
                crate::tenants::any_tenant_allows(&db, origin)
                    .await
                    .unwrap_or_else(|error| {
                        tracing::error!(error = %error, "cannot read allowed origins");
                        false
                    })
            },
        ))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

/// The server is up.
#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = OK, description = "`{\"status\": \"ok\"}`", body = Object)))]
async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Ready when the database answers and the file store can be reached.
#[utoipa::path(get, path = "/ready", tag = "service",
    responses((status = OK, description = "`{\"status\": \"ready\", \"store\": \"disk\" | \"s3\"}`", body = Object),
        (status = INTERNAL_SERVER_ERROR, description = "The database or the store cannot be reached", body = crate::error::ErrorBody)))]
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Json<serde_json::Value>, crate::error::ApiError> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    state.store.check().await?;
    Ok(Json(
        serde_json::json!({ "status": "ready", "store": state.store.kind() }),
    ))
}

fn static_files(dist: &Path) -> ServeDir {
    ServeDir::new(dist).append_index_html_on_directories(true)
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
    tracing::info!(%local, dist = %state.dist.display(), store = %state.store, ?limits, "serving");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(crate::import::run_worker(state.clone(), stopped.clone()));
    let retention = tokio::spawn(crate::retention::run(state.clone(), stopped));
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
