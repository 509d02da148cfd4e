//! The HTTP layer: routes per area, the extractors that say who a request
//! acts for, the one error type, the OpenAPI description, and the built
//! browser app as static files. Handlers call services; nothing below
//! imports this layer.

pub mod auth;
pub mod connections;
pub mod error;
pub mod ledger;
pub mod openapi;
pub mod review;
pub mod security_headers;
pub mod session;
pub mod session_cookie;
pub mod static_files;
pub mod submissions;
pub mod suppressions;
pub mod throttle;
pub mod transport;
pub mod widget;

use crate::http::error::{framework_errors_as_json, no_such_path};
use crate::http::openapi::ApiDoc;
use crate::http::security_headers::SecurityHeaders;
use crate::services::Backend;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::routing::any;
use axum::{Json, Router, middleware};
use sqlx::AnyPool;
use std::path::PathBuf;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What the handlers share: the services' backend and the HTTP layer's own
/// limits. Built by `app::state` from one `ServerConfig`.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Storage, clock settings and the outbound client the services use.
    pub backend: Backend,
    /// The built browser app (`trunk build` output).
    pub dist: PathBuf,
    /// Largest submission body.
    pub max_submission_bytes: usize,
    /// Evidence files per submission and bytes per file.
    pub evidence_limits: submissions::EvidenceLimits,
    /// Permits for lists checked at once (see `--max-concurrent-checks`).
    pub checks: std::sync::Arc<tokio::sync::Semaphore>,
    /// Whether requests come over HTTPS (`--public-url`, `--behind-proxy`).
    pub transport: transport::Transport,
    /// Sign-in and publishable-key limits, with their counters.
    pub throttles: std::sync::Arc<throttle::Throttles>,
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let dist = state.dist.clone();
    // No app built (tests of the API): no inline script to allow.
    let index = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
    let security = SecurityHeaders::new(&[&index, openapi::DOCS_PAGE], state.transport.clone());
    Router::new()
        .nest("/api/v1", api_router(&state))
        // Other API versions are not static files either.
        .route("/api", any(no_such_path))
        .route("/api/{*rest}", any(no_such_path))
        // The app's files are public: partner pages load the widget and
        // its worker from here, which browsers allow only with CORS.
        .fallback_service(SetResponseHeader::overriding(
            static_files::service(&dist),
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
            security_headers::add,
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
        .merge(
            submissions::router()
                .merge(suppressions::router())
                .merge(ledger::router())
                .layer(partner_cors(&state.backend.db)),
        )
        .merge(session::router())
        .merge(review::router())
        .merge(widget::router().layer(CorsLayer::new().allow_origin(AllowOrigin::any())))
        .layer(DefaultBodyLimit::max(state.max_submission_bytes))
        .with_state(state.clone())
        .split_for_parts();
    api.merge(openapi::router(spec))
        .fallback(no_such_path)
        .layer(middleware::map_response(framework_errors_as_json))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Cross-origin access for partner pages (the embedded checker): a page on
/// an origin some tenant allows may call the tenant API with a key; each
/// request is then held to its own tenant's origins (see `auth::Submitter`).
/// Reviewer routes get no CORS: their cookie session is for this origin only.
fn partner_cors(db: &AnyPool) -> CorsLayer {
    let db = db.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::async_predicate(
            move |origin: HeaderValue, _: &axum::http::request::Parts| async move {
                let Ok(origin) = origin.to_str() else {
                    return false;
                };
                crate::db::tenants::any_tenant_allows(&db, origin)
                    .await
                    .unwrap_or_else(|error| {
                        tracing::error!(error = %error, "cannot read allowed origins");
                        false
                    })
            },
        ))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
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
        (status = SERVICE_UNAVAILABLE, description = "The database or the store cannot be reached; retry after the `Retry-After` seconds", body = error::ErrorBody)))]
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Json<serde_json::Value>, error::ApiError> {
    let backend = &state.backend;
    sqlx::query("SELECT 1").execute(&backend.db).await?;
    backend.store.check().await?;
    Ok(Json(
        serde_json::json!({ "status": "ready", "store": backend.store.kind() }),
    ))
}
