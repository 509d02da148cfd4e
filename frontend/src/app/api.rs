//! The listgate server's API as the app uses it, its answers read as the
//! `listgate-api` types the server writes. Submit is the one request that
//! carries list data: sent only when the merchant presses the button, and
//! only the clean file and the merchant's change list with the evidence
//! (an amendment adds evidence files, answers or the corrected clean file). The one other request made
//! before Submit fetches the tenant's opt-outs as keyed hashes: it sends
//! nothing of the list. The reviewer console's calls
//! ride on the reviewer's session cookie plus its CSRF token.

use crate::protocol::{Failure, Settings};
use gloo::net::http::Request;
use listgate_api::{ConsentDeclaration, HashedSuppressions, SubmissionView};
use listgate_core::output::OutputFile;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use web_sys::{Blob, BlobPropertyBag, File, FormData};

/// The API the reviewer console talks to: the server that served it.
pub const API: &str = "/api/v1";

/// What one submission sends.
#[derive(Debug)]
pub struct Package<'a> {
    /// The API's base URL.
    pub api: &'a str,
    /// The tenant's API key (or publishable key, in a partner's page).
    pub key: &'a str,
    /// Sent once per package, so a retry never creates a second submission.
    pub idempotency_key: &'a str,
    /// The settings the list was checked with.
    pub settings: &'a Settings,
    /// The clean file.
    pub clean: &'a Blob,
    /// `changes.csv`, when the merchant changed the list in the app: the
    /// reviewer sees every change (consent data marked).
    pub changes: Option<&'a Blob>,
    /// Consent details, self-check answers and attestation (`evidence::declaration`).
    pub consent: &'a Value,
    /// Evidence files with the opt-in source each proves.
    pub evidence: &'a [(String, File)],
}

fn failure(message: impl Into<String>, fix: Option<&str>) -> Failure {
    Failure {
        message: message.into(),
        fix: fix.map(str::to_owned),
        position: None,
    }
}

/// Posts the package; the server answers with the submission.
pub async fn submit(package: Package<'_>) -> Result<SubmissionView, Failure> {
    let form = FormData::new().map_err(|_| failure("the browser cannot build a form", None))?;
    add_text(
        &form,
        "settings",
        &serde_json::to_string(package.settings).unwrap_or_default(),
    )?;
    add_text(&form, "consent", &package.consent.to_string())?;
    attach_list(&form, package.clean, package.changes)?;
    add_evidence(&form, package.evidence)?;
    let request = Request::post(&format!("{}/submissions", package.api))
        .header("Authorization", &bearer(package.key))
        .header("Idempotency-Key", package.idempotency_key)
        .body(form)
        .map_err(|e| failure(format!("the request could not be built: {e}"), None))?;
    answer(request.send().await).await
}

/// What the merchant adds to a submission whose changes were requested.
#[derive(Debug)]
pub struct Amendment<'a> {
    /// The API's base URL.
    pub api: &'a str,
    /// The tenant's secret API key (a publishable key cannot amend).
    pub key: &'a str,
    /// The submission.
    pub id: &'a str,
    /// Evidence files with the opt-in source each proves.
    pub evidence: &'a [(String, File)],
    /// New consent answers: the whole declaration, replacing the stored one.
    pub consent: Option<&'a ConsentDeclaration>,
    /// A corrected clean file, with the change list that led to it.
    pub clean: Option<(&'a Blob, Option<&'a Blob>)>,
    /// The merchant's note to the reviewer (blank: none).
    pub note: &'a str,
}

/// Posts the amendment; the server answers with the submission, waiting
/// for review again.
pub async fn amend(amendment: Amendment<'_>) -> Result<SubmissionView, Failure> {
    let form = FormData::new().map_err(|_| failure("the browser cannot build a form", None))?;
    if let Some((clean, changes)) = amendment.clean {
        attach_list(&form, clean, changes)?;
    }
    if let Some(consent) = amendment.consent {
        let json = serde_json::to_string(consent)
            .map_err(|e| failure(format!("the answers could not be written: {e}"), None))?;
        add_text(&form, "consent", &json)?;
    }
    add_evidence(&form, amendment.evidence)?;
    if !amendment.note.trim().is_empty() {
        add_text(&form, "note", amendment.note.trim())?;
    }
    let url = format!("{}/submissions/{}/amendments", amendment.api, amendment.id);
    let request = Request::post(&url)
        .header("Authorization", &bearer(amendment.key))
        .body(form)
        .map_err(|e| failure(format!("the request could not be built: {e}"), None))?;
    answer(request.send().await).await
}

/// The clean file and the change list, as the server reads them.
fn attach_list(form: &FormData, clean: &Blob, changes: Option<&Blob>) -> Result<(), Failure> {
    form.append_with_blob_and_filename("clean", clean, OutputFile::Clean.name())
        .map_err(|_| failure("the clean file could not be attached", None))?;
    if let Some(changes) = changes {
        form.append_with_blob_and_filename("changes", changes, OutputFile::Changes.name())
            .map_err(|_| failure("the change list could not be attached", None))?;
    }
    Ok(())
}

fn add_text(form: &FormData, name: &str, value: &str) -> Result<(), Failure> {
    form.append_with_str(name, value)
        .map_err(|_| failure("the browser cannot build a form", None))
}

/// Each evidence file after the `evidence_source` part that names its
/// opt-in source, as the server reads them.
fn add_evidence(form: &FormData, evidence: &[(String, File)]) -> Result<(), Failure> {
    for (source, file) in evidence {
        add_text(form, "evidence_source", source)?;
        form.append_with_blob_and_filename("evidence", file, &file.name())
            .map_err(|_| failure("an evidence file could not be attached", None))?;
    }
    Ok(())
}

fn bearer(key: &str) -> String {
    format!("Bearer {}", key.trim())
}

/// The submission as the server sees it now.
pub async fn refresh(api: &str, key: &str, id: &str) -> Result<SubmissionView, Failure> {
    let request =
        Request::get(&format!("{api}/submissions/{id}")).header("Authorization", &bearer(key));
    answer(request.send().await).await
}

/// The tenant's opt-outs as keyed hashes (never the numbers): the worker
/// looks the list's rows up in them before anything is sent.
pub async fn opt_outs(api: &str, key: &str) -> Result<HashedSuppressions, Failure> {
    let request =
        Request::get(&format!("{api}/suppressions/hashed")).header("Authorization", &bearer(key));
    let response = accepted(request.send().await).await.map_err(|f| {
        failure(
            format!("your opt-out list could not be fetched: {}", f.message),
            Some("check the API key on the Start step, or clear it to check without your opt-out list"),
        )
    })?;
    response
        .json()
        .await
        .map_err(|e| failure(format!("your opt-out list could not be read: {e}"), None))
}

/// The rows of a submission that failed at import, as `failures.csv`.
pub async fn failures_csv(api: &str, key: &str, id: &str) -> Result<Blob, Failure> {
    let request = Request::get(&format!("{api}/submissions/{id}/failures.csv"))
        .header("Authorization", &bearer(key));
    let response = accepted(request.send().await).await?;
    let bytes = response
        .binary()
        .await
        .map_err(|e| failure(format!("failures.csv could not be read: {e}"), None))?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = BlobPropertyBag::new();
    options.set_type("text/csv");
    Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| failure("the browser cannot hold failures.csv", None))
}

/// What the server says of a partner page with a publishable key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetPermission {
    /// The page may submit for the tenant.
    pub allowed: bool,
    /// The tenant's name.
    pub tenant: String,
    /// The business its consent wording must name, when the tenant set one.
    pub business_name: Option<String>,
    /// Why not, when not allowed.
    pub message: String,
}

/// The server's answer to the widget's question, as it writes it.
#[derive(Debug, Deserialize)]
struct WidgetConfig {
    allowed: bool,
    tenant: Option<String>,
    business_name: Option<String>,
    message: Option<String>,
}

/// Whether this page may submit with the publishable `key`, or why the
/// server could not be asked.
pub async fn widget_permission(api: &str, key: &str) -> Result<WidgetPermission, String> {
    let url = format!(
        "{api}/widget/config?key={}",
        js_sys::encode_uri_component(key)
    );
    let config: WidgetConfig = answer(Request::get(&url).send().await)
        .await
        .map_err(|f| f.message)?;
    Ok(WidgetPermission {
        allowed: config.allowed,
        tenant: config.tenant.unwrap_or_default(),
        business_name: config.business_name,
        message: config.message.unwrap_or_default(),
    })
}

/// A reviewer's GET: the session cookie is the credential.
pub async fn review_get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    answer(Request::get(&format!("{API}{path}")).send().await).await
}

/// A reviewer's POST of `body` as JSON, with the session's CSRF token.
pub async fn review_post<T: DeserializeOwned>(
    path: &str,
    csrf: &str,
    body: &impl Serialize,
) -> Result<T, Failure> {
    let request = Request::post(&format!("{API}{path}"))
        .header("x-csrf-token", csrf)
        .json(body)
        .map_err(|e| failure(format!("the request could not be built: {e}"), None))?;
    answer(request.send().await).await
}

/// Ends the reviewer's session (the server clears its cookie).
pub async fn review_sign_out(csrf: &str) -> Result<(), Failure> {
    let request = Request::delete(&format!("{API}/session")).header("x-csrf-token", csrf);
    accepted(request.send().await).await.map(|_| ())
}

/// The server's answer read as `T`, or what went wrong.
async fn answer<T: DeserializeOwned>(
    response: Result<gloo::net::http::Response, gloo::net::Error>,
) -> Result<T, Failure> {
    accepted(response)
        .await?
        .json()
        .await
        .map_err(|e| failure(format!("the server's answer could not be read: {e}"), None))
}

/// The response when the server accepted the request (2xx), else its
/// refusal in words with a fix.
async fn accepted(
    response: Result<gloo::net::http::Response, gloo::net::Error>,
) -> Result<gloo::net::http::Response, Failure> {
    let response = response.map_err(|e| {
        failure(
            format!("the listgate server could not be reached: {e}"),
            Some("check your connection and press Submit again; nothing is sent twice"),
        )
    })?;
    let status = response.status();
    if (200..300).contains(&status) {
        return Ok(response);
    }
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or("the server refused the request")
        .to_owned();
    // A 409's message says itself what to do (amend the submission named,
    // wait for reviewers, send new content with a new key).
    let fix = match status {
        401 => Some("check the API key listgate gave your account"),
        413 => Some("attach fewer or smaller evidence files"),
        429 => Some("wait a minute and press Submit again; nothing is sent twice"),
        422 => Some("download the error file, fix the rows and check the list again"),
        _ => None,
    };
    Err(failure(message, fix))
}
