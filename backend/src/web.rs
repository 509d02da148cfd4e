//! The HTTP side: the built browser app as static files, and health.

use crate::openapi::ApiDoc;
use crate::store::BlobStore;
use crate::{reviewers, submissions};
use anyhow::Context as _;
use axum::extract::DefaultBodyLimit;
use axum::extract::connect_info::IntoMakeServiceWithConnectInfo;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::{Json, Router};
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
    Router::new()
        .nest("/api/v1", api_router(&state))
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
        .layer(TraceLayer::new_for_http())
}

/// [`app`] as a service that records each connection's peer address, which
/// [`crate::throttle::ClientAddress`] reads.
pub fn make_service(state: AppState) -> IntoMakeServiceWithConnectInfo<Router, SocketAddr> {
    app(state).into_make_service_with_connect_info::<SocketAddr>()
}

/// The API under `/api/v1`, with its OpenAPI description.
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
/// one) and serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(state: AppState, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{local}");
    tracing::info!(%local, dist = %state.dist.display(), store = %state.store, "serving");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(crate::import::run_worker(state.clone(), stopped.clone()));
    let retention = tokio::spawn(crate::retention::run(state.clone(), stopped));
    let served = axum::serve(listener, make_service(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped with an error");
    // The batch in progress commits or rolls back as a whole; wait for it.
    let _ = stop.send(true);
    let _ = worker.await;
    let _ = retention.await;
    served
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
