//! What the embedded checker asks the server before the merchant starts:
//! may this page submit for this tenant? Any origin may ask (the answer
//! must reach a refused page so the widget can say why); submitting is
//! still checked on its own request.

use crate::db::tenants::{business_name, find_publishable};
use crate::domain::tenant::PublishableKey;
use crate::http::AppState;
use crate::http::auth::{Access, origin_refusal, request_origin};
use crate::http::error::{ApiError, ErrorBody};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Routes under `/api/v1`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(config))
}

/// The widget's question.
#[derive(Debug, Deserialize, IntoParams)]
struct ConfigQuery {
    /// The tenant's publishable key, as the partner page gives it.
    key: String,
}

/// The answer: whether this page may submit, and if not, why.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WidgetConfig {
    /// Submitting from this page's origin is allowed.
    pub allowed: bool,
    /// The tenant's name, to show the merchant whom they submit to.
    pub tenant: Option<String>,
    /// The business the tenant's consent wording must name, when it has set
    /// one: the widget checks with it, as the server will.
    pub business_name: Option<String>,
    /// Why not, in words for the merchant and the partner.
    pub message: Option<String>,
}

/// Whether the page asking (its `Origin`) may submit with this publishable key.
#[utoipa::path(get, path = "/widget/config", tag = "merchants",
    params(ConfigQuery),
    responses(
        (status = OK, description = "The verdict for the asking page's origin", body = WidgetConfig),
        (status = BAD_REQUEST, description = "Not a publishable key", body = ErrorBody),
    ))]
async fn config(
    State(state): State<AppState>,
    Query(query): Query<ConfigQuery>,
    parts: Parts,
) -> Result<Json<WidgetConfig>, ApiError> {
    let key = PublishableKey::parse(query.key.trim()).ok_or_else(|| {
        ApiError::BadRequest(
            "`key` is not a publishable key: it starts with lg_pub_ (listgate tenant add prints it)"
                .into(),
        )
    })?;
    let Some((id, name, origins)) = find_publishable(&state.backend.db, &key).await? else {
        return Ok(Json(WidgetConfig {
            allowed: false,
            tenant: None,
            business_name: None,
            message: Some(
                "this checker's tenant key is not known to listgate: the page's `tenant` attribute must be \
                 the publishable key listgate gave the partner"
                    .into(),
            ),
        }));
    };
    // A GET from the page's own origin carries no Origin; only pages elsewhere are checked.
    let refusal =
        request_origin(&parts).and_then(|_| origin_refusal(&parts, &origins, Access::SubmitOnly));
    let business_name = match refusal {
        None => business_name(&state.backend.db, &id).await?,
        Some(_) => None,
    };
    Ok(Json(WidgetConfig {
        allowed: refusal.is_none(),
        tenant: Some(name),
        business_name,
        message: refusal,
    }))
}
