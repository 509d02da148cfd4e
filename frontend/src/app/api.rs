//! The listgate server's API as the app uses it. Submit is the one request
//! that carries list data: sent only when the merchant presses the button,
//! and only the clean file with the evidence. The reviewer console's calls
//! ride on the reviewer's session cookie plus its CSRF token.

use crate::protocol::{Failure, Settings};
use gloo::net::http::Request;
use listgate_core::output::OutputFile;
use serde_json::Value;
use web_sys::{Blob, File, FormData};

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
pub async fn submit(package: Package<'_>) -> Result<Value, Failure> {
    let form = FormData::new().map_err(|_| failure("the browser cannot build a form", None))?;
    let add = |name: &str, value: &str| {
        form.append_with_str(name, value)
            .map_err(|_| failure("the browser cannot build a form", None))
    };
    add(
        "settings",
        &serde_json::to_string(package.settings).unwrap_or_default(),
    )?;
    add("consent", &package.consent.to_string())?;
    form.append_with_blob_and_filename("clean", package.clean, OutputFile::Clean.name())
        .map_err(|_| failure("the clean file could not be attached", None))?;
    for (source, file) in package.evidence {
        add("evidence_source", source)?;
        form.append_with_blob_and_filename("evidence", file, &file.name())
            .map_err(|_| failure("an evidence file could not be attached", None))?;
    }
    let request = Request::post(&format!("{}/submissions", package.api))
        .header("Authorization", &format!("Bearer {}", package.key.trim()))
        .header("Idempotency-Key", package.idempotency_key)
        .body(form)
        .map_err(|e| failure(format!("the request could not be built: {e}"), None))?;
    answer(request.send().await).await
}

/// The submission as the server sees it now.
pub async fn refresh(api: &str, key: &str, id: &str) -> Result<Value, Failure> {
    let request = Request::get(&format!("{api}/submissions/{id}"))
        .header("Authorization", &format!("Bearer {}", key.trim()));
    answer(request.send().await).await
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

/// Whether this page may submit with the publishable `key`, or why the
/// server could not be asked.
pub async fn widget_permission(api: &str, key: &str) -> Result<WidgetPermission, String> {
    let url = format!(
        "{api}/widget/config?key={}",
        js_sys::encode_uri_component(key)
    );
    let body = answer(Request::get(&url).send().await)
        .await
        .map_err(|f| f.message)?;
    Ok(WidgetPermission {
        allowed: body["allowed"].as_bool() == Some(true),
        tenant: body["tenant"].as_str().unwrap_or_default().to_owned(),
        business_name: body["business_name"].as_str().map(str::to_owned),
        message: body["message"].as_str().unwrap_or_default().to_owned(),
    })
}

/// A reviewer's call: GET when `body` is `None`, else POST with JSON and
/// the session's CSRF token.
pub async fn review_call(path: &str, csrf: &str, body: Option<&Value>) -> Result<Value, Failure> {
    let url = format!("{API}{path}");
    let request = match body {
        None => Request::get(&url).send().await,
        Some(body) => match Request::post(&url).header("x-csrf-token", csrf).json(body) {
            Ok(request) => request.send().await,
            Err(e) => {
                return Err(failure(
                    format!("the request could not be built: {e}"),
                    None,
                ));
            }
        },
    };
    answer(request).await
}

async fn answer(
    response: Result<gloo::net::http::Response, gloo::net::Error>,
) -> Result<Value, Failure> {
    let response = response.map_err(|e| {
        failure(
            format!("the listgate server could not be reached: {e}"),
            Some("check your connection and press Submit again; nothing is sent twice"),
        )
    })?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let message = body["error"]["message"]
        .as_str()
        .unwrap_or("the server refused the submission")
        .to_owned();
    let fix = match status {
        401 => Some("check the API key listgate gave your account"),
        403 => None,
        409 => Some(
            "wait until reviewers have decided your earlier submissions, then press Submit again",
        ),
        413 => Some("attach fewer or smaller evidence files"),
        429 => Some("wait a minute and press Submit again; nothing is sent twice"),
        422 => Some("download the error file, fix the rows and check the list again"),
        _ => None,
    };
    Err(failure(message, fix))
}
