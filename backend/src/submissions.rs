//! Submissions: a merchant's clean list with its consent evidence. The
//! server trusts nothing the browser says: the list is checked again with
//! core, and only a list whose every row is importable is stored.

use crate::error::{ApiError, ErrorBody};
use crate::import::{ScheduleView, schedule_view};
use crate::reviewers::RejectReason;
use crate::tenants::{Access, Submitter, Tenant, new_id};
use crate::throttle::ClientAddress;
use crate::web::AppState;
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use listgate_core::{CheckOptions, Code, Discard, Mapping, Profile, Report, check_bytes};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Issues returned with a refused list (the report holds them all).
const ISSUES_RETURNED: usize = 100;

/// Routes under `/api/v1`, each documented in the OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(read))
        .routes(routes!(failures))
        .routes(routes!(contacts))
}

/// Rows of a submission that failed at import, as CSV (`row,reason`).
#[utoipa::path(get, path = "/submissions/{id}/failures.csv", tag = "merchants",
    params(("id" = String, Path, description = "The submission id")),
    security(("api_key" = [])),
    responses(
        (status = OK, description = "`row,reason` for each row that failed at import", content_type = "text/csv", body = String),
        (status = UNAUTHORIZED, body = ErrorBody), (status = NOT_FOUND, body = ErrorBody),
    ))]
async fn failures(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<([(axum::http::HeaderName, &'static str); 1], Vec<u8>), ApiError> {
    load_submission(&state, Some(&tenant), &id).await?;
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT row_number, reason FROM import_failures WHERE submission_id = $1 ORDER BY row_number",
    )
    .bind(&id)
    .fetch_all(&state.db)
    .await?;
    let mut csv = Vec::new();
    listgate_core::output::write_csv_row(&mut csv, ["row", "reason"]);
    for (row, reason) in &rows {
        listgate_core::output::write_csv_row(&mut csv, [row.to_string().as_str(), reason]);
    }
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        csv,
    ))
}

/// One contact in the tenant's store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactView {
    /// Its key: E.164 phone, ContactId (Mongoose) or email (email profile).
    pub key: String,
    /// The clean-file row, column → value.
    #[schema(value_type = Object)]
    pub data: Value,
    /// The submission that last wrote it.
    pub submission_id: String,
    /// When (RFC 3339).
    pub updated_at: String,
}

/// The tenant's imported contacts, by key.
#[utoipa::path(get, path = "/contacts", tag = "merchants",
    security(("api_key" = [])),
    responses((status = OK, body = Vec<ContactView>), (status = UNAUTHORIZED, body = ErrorBody)))]
async fn contacts(
    State(state): State<AppState>,
    tenant: Tenant,
) -> Result<Json<Vec<ContactView>>, ApiError> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT contact_key, data, submission_id, updated_at FROM contacts WHERE tenant_id = $1 ORDER BY contact_key",
    )
    .bind(&tenant.id)
    .fetch_all(&state.db)
    .await?;
    rows.into_iter()
        .map(|(key, data, submission_id, updated_at)| {
            Ok(ContactView {
                key,
                data: serde_json::from_str(&data).map_err(anyhow::Error::from)?,
                submission_id,
                updated_at,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()
        .map(Json)
}

/// The profile and options the merchant checked with.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubmittedSettings {
    /// Built-in profile name.
    pub profile: String,
    /// The options (reading options are replaced: the clean file is ours).
    #[serde(default)]
    pub options: CheckOptions,
    /// The business name checked is the tenant's own setting, not the
    /// merchant's; set by the server whatever the form says.
    #[serde(default)]
    pub business_name_is_tenants: bool,
}

/// One evidence file as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceView {
    /// File name as uploaded.
    pub name: String,
    /// Declared content type.
    pub content_type: String,
    /// The opt-in source it proves.
    pub opt_in_source: String,
    /// Size.
    pub bytes: u64,
}

/// A submission as its tenant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubmissionView {
    /// Its id.
    pub id: String,
    /// `pending_review` until a reviewer decides.
    pub status: String,
    /// Profile checked against.
    pub profile: String,
    /// Contacts in the clean list.
    pub contacts: u64,
    /// The server's own check of the list (the report `listgate check --json` prints).
    #[schema(value_type = Object)]
    pub report: Value,
    /// What the merchant declared about consent.
    #[schema(value_type = Object)]
    pub consent: Value,
    /// Evidence files.
    pub evidence: Vec<EvidenceView>,
    /// When it arrived (RFC 3339).
    pub created_at: String,
    /// When its list and evidence were deleted under the retention period
    /// (RFC 3339); the record of the decision stays.
    pub purged_at: Option<String>,
    /// The reviewer's decision, once made.
    pub review: Option<ReviewView>,
    /// The import schedule and its batches, once approved.
    pub schedule: Option<ScheduleView>,
    /// What the merchant declared that the server's check took on trust
    /// (a channel for every contact, numbers filled in…), for the reviewer.
    pub declared: Vec<Declared>,
}

/// An option the merchant checked with that loosens a rule: the server's
/// check follows it, and the reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Declared {
    /// The option, as `listgate check` names it.
    pub option: String,
    /// What it let through, in a sentence.
    pub meaning: String,
}

impl Declared {
    /// The options the list was checked with that loosen a rule.
    pub fn of(settings: &SubmittedSettings) -> Vec<Declared> {
        let declared = |option: &str, meaning: String| Declared {
            option: option.to_owned(),
            meaning,
        };
        let options = &settings.options;
        let mut all = Vec::new();
        // Without any name, profiles that judge the brand refuse the check.
        if !settings.business_name_is_tenants
            && let Some(name) = &options.judging.business_name
        {
            all.push(declared(
                "business_name",
                format!(
                    "the consent wording was checked for the business name the merchant typed, {name}: the tenant has set none (listgate tenant set-business-name)"
                ),
            ));
        }
        if let Some(channel) = options.judging.channel {
            all.push(declared(
                "channel",
                format!(
                    "the list has no channel column: the merchant declared that every contact consented to {}",
                    channel.names()
                ),
            ));
        }
        if options.judging.infer_mobile_number {
            all.push(declared(
                "infer_mobile_number",
                "a blank MobileNumber was filled from the WhatsApp number".into(),
            ));
        }
        if options.judging.allow_mobile_number_updates {
            all.push(declared(
                "allow_mobile_number_updates",
                "the import may change existing contacts' mobile numbers".into(),
            ));
        }
        all
    }
}

/// A review decision as the merchant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewView {
    /// `approved` or `rejected`.
    pub decision: String,
    /// Why it was rejected, each with what is missing.
    pub reasons: Vec<ReasonView>,
    /// The reviewer's note.
    pub note: String,
    /// When (RFC 3339).
    pub decided_at: String,
}

/// One rejection reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReasonView {
    /// The blocker.
    pub reason: RejectReason,
    /// What the merchant must provide or fix.
    pub missing: String,
}

/// The parts of a submission form.
#[derive(Debug, Default)]
pub struct Form {
    settings: Option<SubmittedSettings>,
    clean: Option<Vec<u8>>,
    consent: Option<ConsentDeclaration>,
    evidence: Vec<(EvidenceView, Vec<u8>)>,
}

/// How much consent evidence one submission may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceLimits {
    /// Files at most.
    pub files: usize,
    /// Bytes per file at most.
    pub bytes_per_file: usize,
}

impl Default for EvidenceLimits {
    /// 20 files of up to 20 MiB each (screenshots, a PDF of the form).
    fn default() -> Self {
        EvidenceLimits {
            files: 20,
            bytes_per_file: 20 << 20,
        }
    }
}

/// Reads a submission form's parts; anything malformed or unknown is a
/// 400 naming the part, evidence over `limits` a 413 (public for the fuzz
/// target in `fuzz/`).
pub async fn read_form(mut multipart: Multipart, limits: EvidenceLimits) -> Result<Form, ApiError> {
    let mut form = Form::default();
    // `evidence_source` names the opt-in source of the evidence file after it.
    let mut source = String::new();
    let bad = |what: &str, e: &dyn std::fmt::Display| ApiError::BadRequest(format!("{what}: {e}"));
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "settings" => {
                let text = field.text().await.map_err(multipart_error)?;
                form.settings = Some(serde_json::from_str(&text).map_err(|e| bad("settings", &e))?);
            }
            "consent" => {
                let text = capped_text(field, MAX_CONSENT_BYTES, "consent").await?;
                form.consent = Some(ConsentDeclaration::parse(&text)?);
            }
            "evidence_source" => source = field.text().await.map_err(multipart_error)?,
            "clean" => form.clean = Some(field.bytes().await.map_err(multipart_error)?.to_vec()),
            "evidence" => {
                let view = EvidenceView {
                    name: field.file_name().unwrap_or("evidence").to_owned(),
                    content_type: field
                        .content_type()
                        .unwrap_or("application/octet-stream")
                        .to_owned(),
                    opt_in_source: std::mem::take(&mut source),
                    bytes: 0,
                };
                if form.evidence.len() == limits.files {
                    return Err(ApiError::TooLarge(format!(
                        "more than {} evidence files; send the {} that show the consent best",
                        limits.files, limits.files
                    )));
                }
                let bytes = field.bytes().await.map_err(multipart_error)?.to_vec();
                if bytes.len() > limits.bytes_per_file {
                    return Err(ApiError::TooLarge(format!(
                        "evidence file `{}` is {} MB; each may be at most {} MB (a screenshot or a PDF of the form is enough)",
                        view.name,
                        bytes.len() >> 20,
                        limits.bytes_per_file >> 20
                    )));
                }
                form.evidence.push((
                    EvidenceView {
                        bytes: bytes.len() as u64,
                        ..view
                    },
                    bytes,
                ));
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unknown form field `{other}`; send settings, clean, consent, evidence_source and evidence"
                )));
            }
        }
    }
    Ok(form)
}

/// Largest `consent` part: the longest answers fit with room to spare.
pub const MAX_CONSENT_BYTES: usize = 16 * 1024;

/// What the merchant declares about consent: the `consent` form part. It is
/// stored and shown to reviewers as sent, so its shape and sizes are fixed;
/// any other field is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentDeclaration {
    /// How the contacts consented.
    pub consent: ConsentDetails,
    /// The merchant's answers to the self-check questions.
    #[serde(default)]
    pub self_check: SelfCheck,
    /// Email profile: the merchant confirmed GDPR consent.
    #[serde(default)]
    pub gdpr_confirmed: bool,
}

/// How the contacts consented, in the merchant's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentDetails {
    /// The exact wording the contacts agreed to.
    pub wording: DeclaredText<1, 2000>,
    /// Where they agreed (a URL, a shop, an event).
    pub source: DeclaredText<1, 500>,
    /// How consent was captured (a form, a checkbox at checkout…).
    #[serde(default)]
    pub capture_method: DeclaredText<0, 500>,
    /// How double opt-in works, if used.
    #[serde(default)]
    pub double_opt_in: DeclaredText<0, 500>,
}

/// The self-check answers, by question (the browser app's `SELF_CHECK`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SelfCheck {
    /// The consent wording names WhatsApp (and the business) explicitly.
    pub wording_names_whatsapp: bool,
    /// Every contact has their own opt-in timestamp and source.
    pub timestamp_and_source: bool,
    /// Contacts who agreed to SMS or email only are kept apart.
    pub channel_clarity: bool,
    /// Contacts with no recorded channel are left out.
    pub unknowns_excluded: bool,
}

/// Declared text of `MIN` to `MAX` characters (`MIN` counts non-blank ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct DeclaredText<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> TryFrom<String> for DeclaredText<MIN, MAX> {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let chars = text.chars().count();
        if chars > MAX {
            return Err(format!("{chars} characters; at most {MAX}"));
        }
        if text.trim().chars().count() < MIN {
            let plural = if MIN == 1 { "" } else { "s" };
            return Err(format!("needs at least {MIN} non-blank character{plural}"));
        }
        Ok(DeclaredText(text))
    }
}

impl ConsentDeclaration {
    /// Reads the `consent` part; a 422 names the field that is wrong.
    pub fn parse(text: &str) -> Result<ConsentDeclaration, ApiError> {
        let mut json = serde_json::Deserializer::from_str(text);
        let refused = |path: &str, error: &dyn std::fmt::Display| ApiError::Unprocessable {
            message: if path == "." {
                format!("the `consent` part is not a consent declaration: {error}")
            } else {
                format!("the `consent` part's `{path}` is refused: {error}")
            },
            issues: Vec::new(),
        };
        let declaration = serde_path_to_error::deserialize(&mut json)
            .map_err(|e| refused(&e.path().to_string(), e.inner()))?;
        json.end().map_err(|e| refused(".", &e))?;
        Ok(declaration)
    }
}

/// A text part of at most `max` bytes, read chunk by chunk so a larger one
/// is refused (422, naming `part`) without being buffered.
async fn capped_text(
    mut field: axum::extract::multipart::Field<'_>,
    max: usize,
    part: &str,
) -> Result<String, ApiError> {
    let refused = |message: String| ApiError::Unprocessable {
        message,
        issues: Vec::new(),
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > max {
            return Err(refused(format!(
                "the `{part}` part is larger than {} KB",
                max >> 10
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| refused(format!("the `{part}` part is not UTF-8 text")))
}

fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge("the submission is larger than this server accepts".into())
    } else {
        ApiError::BadRequest(format!("the form could not be read: {}", error.body_text()))
    }
}

/// Checks the clean file again with core: the file listgate wrote has the
/// profile's field names as headers, UTF-8 with BOM, commas. A workbook is
/// refused before it is read: the server reads only the CSV listgate
/// wrote, never a spreadsheet sent by anyone holding the public key.
fn revalidate(settings: &SubmittedSettings, clean: &[u8]) -> Result<Report, ApiError> {
    if listgate_core::InputKind::of(clean) == listgate_core::InputKind::Workbook {
        return Err(ApiError::Unprocessable {
            message: "the clean part must be the CSV file listgate wrote, not a workbook: check the .xlsx in the app or with `listgate check` and submit the clean file it writes".into(),
            issues: Vec::new(),
        });
    }
    let profile = Profile::builtin(&settings.profile)
        .map_err(|e| ApiError::BadRequest(format!("settings.profile: {e}")))?;
    // The clean file's headers are the profile's field names: no mapping.
    let mut options = settings.options.clone().listgate_csv();
    options.reading.mapping = Mapping::default();
    options.judging.now = Some(chrono::Utc::now());
    let report = check_bytes(clean, profile, options, &mut Discard).map_err(|e| {
        ApiError::Unprocessable {
            message: format!("the list was refused: {e}"),
            issues: Vec::new(),
        }
    })?;
    if report.summary.rejected > 0 || report.summary.rows == 0 {
        return Err(ApiError::Unprocessable {
            message: format!(
                "{} of {} rows cannot be imported; only a clean list can be submitted",
                report.summary.rejected, report.summary.rows
            ),
            issues: report.issues.into_iter().take(ISSUES_RETURNED).collect(),
        });
    }
    Ok(report)
}

/// Submits a clean list with its consent evidence. The server checks the
/// list again; only a list whose every row is importable is stored.
#[utoipa::path(post, path = "/submissions", tag = "merchants",
    security(("api_key" = []), ("publishable_key" = [])),
    params(("Idempotency-Key" = Option<String>, Header,
        description = "Sending the same key again returns the first submission (200) instead of creating another")),
    request_body(content_type = "multipart/form-data", description = "Fields, in any order: \
        `settings` (JSON: `{\"profile\": \"whatsapp\", \"options\": {…}}`, the options the list was checked with), \
        `clean` (the clean CSV listgate wrote), `consent` (JSON, at most 16 KB, no other fields: \
        `{\"consent\": {\"wording\", \"source\", \"capture_method\", \"double_opt_in\"}, \"self_check\": {…}, \"gdpr_confirmed\"}`, \
        the consent details, self-check answers and GDPR confirmation), and per evidence file an `evidence_source` (the opt-in source it proves) \
        followed by the `evidence` file."),
    responses(
        (status = CREATED, description = "Stored, pending review", body = SubmissionView),
        (status = OK, description = "Already received with this Idempotency-Key", body = SubmissionView),
        (status = BAD_REQUEST, description = "A form field is missing or malformed", body = ErrorBody),
        (status = UNAUTHORIZED, body = ErrorBody),
        (status = FORBIDDEN, description = "The page's origin is not allowed for this tenant", body = ErrorBody),
        (status = PAYLOAD_TOO_LARGE, body = ErrorBody),
        (status = CONFLICT, description = "The tenant has as many submissions waiting for review as the server allows", body = ErrorBody),
        (status = UNPROCESSABLE_ENTITY, description = "Rows that cannot be imported, with their issues; or a `consent` that does not follow its schema, naming the field", body = ErrorBody),
        (status = TOO_MANY_REQUESTS, description = "Too many submissions with this publishable key or from this address; retry after the `Retry-After` seconds", body = ErrorBody),
        (status = SERVICE_UNAVAILABLE, description = "As many lists as the server checks at once are being checked; retry after the `Retry-After` seconds", body = ErrorBody),
    ))]
async fn create(
    State(state): State<AppState>,
    submitter: Submitter,
    client: ClientAddress,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<(StatusCode, Json<SubmissionView>), ApiError> {
    let tenant = submitter.tenant;
    // The publishable key is public (each tenant has one): it is limited per
    // key and per address; the secret key's holder is the merchant.
    if submitter.access == Access::SubmitOnly {
        state.throttles.publishable_submission(client, &tenant.id)?;
    }
    let key = headers
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .ok()
                .filter(|k| !k.is_empty() && k.len() <= 200)
                .map(str::to_owned)
                .ok_or_else(|| {
                    ApiError::BadRequest(
                        "Idempotency-Key must be 1 to 200 visible characters".into(),
                    )
                })
        })
        .transpose()?;
    if let Some(key) = &key
        && let Some(id) = sqlx::query_scalar::<_, String>(
            "SELECT id FROM submissions WHERE tenant_id = $1 AND idempotency_key = $2",
        )
        .bind(&tenant.id)
        .bind(key)
        .fetch_optional(&state.db)
        .await?
    {
        return Ok((
            StatusCode::OK,
            Json(load_submission(&state, Some(&tenant), &id).await?),
        ));
    }

    refuse_past_pending_limit(&state, &tenant).await?;
    // Reading and checking run a bounded number at a time, and the permit
    // is taken before the body is read: past that the server answers 503
    // at once rather than buffer bodies and queue without end.
    let permit = std::sync::Arc::clone(&state.checks)
        .try_acquire_owned()
        .map_err(|_| {
            ApiError::Unavailable(
                "the server is checking as many lists as it can; send it again shortly".into(),
            )
        })?;
    let form = read_form(multipart, state.evidence_limits).await?;
    let missing = |what: &str| ApiError::BadRequest(format!("the form has no `{what}` field"));
    let mut settings = form.settings.ok_or_else(|| missing("settings"))?;
    // The tenant's own staff list, when it has one, is the truth, not the merchant's.
    let staff = crate::tenants::staff_ids(&state.db, &tenant.id).await?;
    if !staff.is_empty() {
        settings.options.judging.known_staff_ids = staff;
    }
    // So is its business name: leaving it out of the form skips no brand check.
    let business_name = crate::tenants::business_name(&state.db, &tenant.id).await?;
    settings.business_name_is_tenants = business_name.is_some();
    // When the merchant checked with another name, the refusal says which.
    let other_name = business_name
        .clone()
        .filter(|name| settings.options.judging.business_name.as_ref() != Some(name));
    if business_name.is_some() {
        settings.options.judging.business_name = business_name;
    }
    let clean = form.clean.ok_or_else(|| missing("clean"))?;
    let consent = form.consent.ok_or_else(|| missing("consent"))?;
    let (report, clean, settings) = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        revalidate(&settings, &clean).map(|report| (report, clean, settings))
    })
    .await
    .map_err(anyhow::Error::from)?
    .map_err(|error| match (error, other_name) {
        (ApiError::Unprocessable { message, issues }, Some(name))
            if issues.iter().any(|i| i.code == Code::ConsentTextMissingBusiness) =>
        {
            ApiError::Unprocessable {
                message: format!(
                    "{message}: this tenant's consent wording must name {name}; check the list again with that business name"
                ),
                issues,
            }
        }
        (error, _) => error,
    })?;

    let id = new_id();
    let clean_sha = state.store.put(&clean).await?;
    let mut evidence = Vec::new();
    for (view, bytes) in &form.evidence {
        evidence.push((view, state.store.put(bytes).await?));
    }
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "INSERT INTO submissions (id, tenant_id, idempotency_key, status, profile, settings, report, consent, clean_sha256, contacts, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(&tenant.id)
    .bind(key)
    .bind("pending_review")
    .bind(&settings.profile)
    .bind(serde_json::to_string(&settings).map_err(anyhow::Error::from)?)
    .bind(serde_json::to_string(&report).map_err(anyhow::Error::from)?)
    .bind(serde_json::to_string(&consent).map_err(anyhow::Error::from)?)
    .bind(clean_sha)
    .bind(report.summary.importable as i64)
    .bind(chrono::Utc::now().to_rfc3339())
    .execute(&mut *tx)
    .await?;
    for (position, (view, sha)) in evidence.iter().enumerate() {
        sqlx::query(
            "INSERT INTO evidence (submission_id, position, name, content_type, opt_in_source, sha256, bytes)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&id)
        .bind(position as i64)
        .bind(&view.name)
        .bind(&view.content_type)
        .bind(&view.opt_in_source)
        .bind(sha)
        .bind(view.bytes as i64)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(submission = %id, tenant = %tenant.id, contacts = report.summary.importable, "submission received");
    Ok((
        StatusCode::CREATED,
        Json(load_submission(&state, Some(&tenant), &id).await?),
    ))
}

/// 409 when `tenant` already has as many submissions waiting for review as
/// the server allows: reviewers are not flooded through the public key.
/// Concurrent requests can pass together, at most one per check permit.
async fn refuse_past_pending_limit(state: &AppState, tenant: &Tenant) -> Result<(), ApiError> {
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM submissions WHERE tenant_id = $1 AND status = 'pending_review'",
    )
    .bind(&tenant.id)
    .fetch_one(&state.db)
    .await?;
    let limit = state.throttles.limits.max_pending_submissions;
    if pending >= i64::from(limit) {
        return Err(ApiError::Conflict(format!(
            "{pending} submissions are already waiting for review (at most {limit}); \
             send this one once reviewers have decided some"
        )));
    }
    Ok(())
}

/// A submission: status, review outcome, import schedule and batches.
#[utoipa::path(get, path = "/submissions/{id}", tag = "merchants",
    params(("id" = String, Path, description = "The submission id")),
    security(("api_key" = [])),
    responses((status = OK, body = SubmissionView), (status = UNAUTHORIZED, body = ErrorBody),
        (status = NOT_FOUND, description = "No such submission for this tenant", body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Json<SubmissionView>, ApiError> {
    Ok(Json(load_submission(&state, Some(&tenant), &id).await?))
}

/// A submission: of `tenant` when given (another tenant's is "not found",
/// never "forbidden"), any for reviewers.
pub async fn load_submission(
    state: &AppState,
    tenant: Option<&Tenant>,
    id: &str,
) -> Result<SubmissionView, ApiError> {
    type Row = (
        String,
        String,
        String,
        i64,
        String,
        String,
        String,
        Option<String>,
        String,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, status, profile, contacts, report, consent, created_at, purged_at, settings
         FROM submissions WHERE id = $1 AND ($2 = '' OR tenant_id = $2)",
    )
    .bind(id)
    .bind(tenant.map_or("", |t| t.id.as_str()))
    .fetch_optional(&state.db)
    .await?;
    let (id, status, profile, contacts, report, consent, created_at, purged_at, settings) =
        row.ok_or(ApiError::NotFound)?;
    let evidence: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT name, content_type, opt_in_source, bytes FROM evidence
         WHERE submission_id = $1 ORDER BY position",
    )
    .bind(&id)
    .fetch_all(&state.db)
    .await?;
    let review: Option<(String, String, String, String)> = sqlx::query_as(
        "SELECT decision, reasons, note, decided_at FROM reviews WHERE submission_id = $1",
    )
    .bind(&id)
    .fetch_optional(&state.db)
    .await?;
    let review = match review {
        Some((decision, reasons, note, decided_at)) => {
            let reasons: Vec<RejectReason> =
                serde_json::from_str(&reasons).map_err(anyhow::Error::from)?;
            Some(ReviewView {
                decision,
                reasons: reasons
                    .into_iter()
                    .map(|reason| ReasonView {
                        reason,
                        missing: reason.what_is_missing().to_owned(),
                    })
                    .collect(),
                note,
                decided_at,
            })
        }
        None => None,
    };
    fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, anyhow::Error> {
        serde_json::from_str(text).map_err(anyhow::Error::from)
    }
    let schedule = schedule_view(state, &id).await?;
    Ok(SubmissionView {
        id,
        status,
        profile,
        contacts: contacts as u64,
        report: json(&report)?,
        consent: json(&consent)?,
        evidence: evidence
            .into_iter()
            .map(|(name, content_type, opt_in_source, bytes)| EvidenceView {
                name,
                content_type,
                opt_in_source,
                bytes: bytes as u64,
            })
            .collect(),
        schedule,
        created_at,
        purged_at,
        review,
        declared: Declared::of(&json::<SubmittedSettings>(&settings)?),
    })
}
