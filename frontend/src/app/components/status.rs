//! The merchant's view of a submission: review outcome, what is missing
//! after a rejection, and import progress after approval.

use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use serde_json::Value;
use yew::prelude::*;

/// Properties of [`SubmissionStatus`].
#[derive(Properties, PartialEq, Debug)]
pub struct StatusProps {
    /// The server's view of the submission.
    pub submission: std::rc::Rc<Value>,
    /// Ask the server again.
    pub on_refresh: Callback<()>,
}

fn status_words<'t>(t: &'t Texts, status: &str) -> &'t str {
    t.get(match status {
        "pending_review" => "status.pending_review",
        "approved" => "status.approved",
        "rejected" => "status.rejected",
        "imported" => "status.imported",
        _ => "status.unknown",
    })
}

/// A rejection reason in `t`'s language: the server's words (English) for
/// a reason this page does not know.
fn reason_words<'a>(t: &'a Texts, reason: &'a Value) -> &'a str {
    let missing = reason["missing"].as_str().unwrap_or_default();
    match reason["reason"].as_str() {
        Some(code) => t.localize(&format!("status.reason.{code}"), missing),
        None => missing,
    }
}

/// Status, review and batches.
#[function_component]
pub fn SubmissionStatus(props: &StatusProps) -> Html {
    let t = use_texts();
    let s = &*props.submission;
    let status = s["status"].as_str().unwrap_or_default();
    let review = &s["review"];
    let batches = s["schedule"]["batches"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let imported: i64 = batches.iter().filter_map(|b| b["imported"].as_i64()).sum();
    let contacts = s["contacts"].as_u64().unwrap_or(0);
    html! {
        <section aria-labelledby="status-title" id="submission">
            <h2 id="status-title">{ t.get("status.title") }</h2>
            <p>{ t.get("status.reference") }{ " " }<code id="submission-id">{ s["id"].as_str().unwrap_or_default() }</code></p>
            <p id="submission-status" data-status={status.to_owned()}><strong>{ status_words(&t, status) }</strong></p>
            if review["decision"] == "rejected" {
                <div class="alert" id="missing-after-review">
                    <p>{ t.get("status.missing") }</p>
                    <ul>{ for review["reasons"].as_array().into_iter().flatten().map(|r| html! {
                        <li>{ reason_words(&t, r) }</li>
                    }) }</ul>
                    if let Some(note) = review["note"].as_str().filter(|n| !n.is_empty()) {
                        <p>{ t.get("status.note") }{ " " }{ note }</p>
                    }
                </div>
            }
            if !batches.is_empty() {
                <p id="import-progress">
                    { t.plural("status.import_progress", contacts, &[("imported", &t.count(imported as u64))]) }</p>
                <progress max={contacts.to_string()} value={imported.to_string()} aria-label={t.get("status.imported_label").to_owned()} />
                <table class="segments">
                    <thead><tr><th scope="col">{ t.get("status.batch") }</th><th scope="col">{ t.get("status.contacts") }</th>
                        <th scope="col">{ t.get("status.status") }</th></tr></thead>
                    <tbody>{ for batches.iter().map(|b| {
                        let state = b["status"].as_str().unwrap_or_default();
                        html! {
                            <tr><td>{ b["number"].as_i64().unwrap_or_default() }</td><td>{ b["contacts"].as_i64().unwrap_or_default() }</td>
                                <td>{ t.localize(&format!("status.batch.{state}"), state) }</td></tr>
                        }
                    }) }</tbody>
                </table>
            }
            <button onclick={props.on_refresh.reform(|_: MouseEvent| ())}>{ t.get("status.refresh") }</button>
        </section>
    }
}
