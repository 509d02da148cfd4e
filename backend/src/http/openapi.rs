//! The API's OpenAPI description, served at `/api/v1/openapi.json`, and a
//! reference page that renders it at `/api/v1/docs`. Routes are registered
//! only through `utoipa_axum::routes!`, which documents each as it adds it,
//! so the description cannot fall behind the router.

use axum::Json;
use axum::response::Html;
use axum::routing::get;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The description's fixed parts; paths come from the routers.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "listgate API",
        description = "Receive clean, consent-checked contact lists, review them and import them in paced batches. \
            Merchants and partner servers use their tenant's secret API key; web pages on a tenant's allowed \
            origins use its publishable key, which can only create submissions. Reviewers sign in for a \
            session cookie and send its CSRF token with every change: without a live session a reviewer \
            route answers 401, a change without the session's CSRF token 403. Every error answers \
            `{\"error\": {\"status\", \"message\"}}`. Each imported batch is sent to the tenant's webhook \
            (`X-Listgate-Event: contacts`) as `{submission_id, batch, signals_path, contacts, consent, \
            awaiting_confirmation, consent_path}`: `consent` holds each contact's `contact_key` and `state` \
            (`awaiting_confirmation` under `sms-us`, whose platform sends each imported number a welcome message \
            with an opt-in link; `confirmed` otherwise), and the platform reports each confirmation or opt-out \
            to `POST /api/v1/contacts/{key}/consent`."
    ),
    tags(
        (name = "merchants", description = "Submitting lists and following their import (API keys)"),
        (name = "reviewers", description = "The review console and batch monitor (session cookie + CSRF token)"),
        (name = "service", description = "Health and readiness"),
    ),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

/// The ways a request proves who it is.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let bearer = |description: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(description))
                    .build(),
            )
        };
        components.add_security_scheme(
            "api_key",
            bearer("The tenant's secret API key (`lg_…`), printed once by `listgate tenant add`"),
        );
        components.add_security_scheme(
            "publishable_key",
            bearer(
                "The tenant's publishable key (`lg_pub_…`): creates submissions, only from a page on an allowed origin",
            ),
        );
        components.add_security_scheme(
            "reviewer_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::http::session::SESSION_COOKIE,
                "Set by POST /api/v1/session",
            ))),
        );
        components.add_security_scheme(
            "csrf_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The `csrf_token` POST /api/v1/session returned; required on every change",
            ))),
        );
    }
}

/// The reference page; its inline script is allowed by hash in the page policy.
pub const DOCS_PAGE: &str = include_str!("../../assets/api-docs.html");

/// `/openapi.json` and `/docs`, serving `spec`.
pub fn router(spec: utoipa::openapi::OpenApi) -> axum::Router {
    axum::Router::new()
        .route("/openapi.json", get(move || async move { Json(spec) }))
        .route("/docs", get(|| async { Html(DOCS_PAGE) }))
}
