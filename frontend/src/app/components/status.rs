//! The merchant's view of a submission: review outcome, what is missing
//! after a rejection, and import progress after approval.

use super::form::count;
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

fn status_words(status: &str) -> &'static str {
    match status {
        "pending_review" => "Waiting for review",
        "approved" => "Approved: importing in batches",
        "rejected" => "Rejected: see what is missing below",
        "imported" => "Imported",
        _ => "Unknown status",
    }
}

/// Status, review and batches.
#[function_component]
pub fn SubmissionStatus(props: &StatusProps) -> Html {
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
            <h2 id="status-title">{ "Your submission" }</h2>
            <p>{ "Reference " }<code id="submission-id">{ s["id"].as_str().unwrap_or_default() }</code></p>
            <p id="submission-status" data-status={status.to_owned()}><strong>{ status_words(status) }</strong></p>
            if review["decision"] == "rejected" {
                <div class="alert" id="missing-after-review">
                    <p>{ "What is missing:" }</p>
                    <ul>{ for review["reasons"].as_array().into_iter().flatten().map(|r| html! {
                        <li>{ r["missing"].as_str().unwrap_or_default() }</li>
                    }) }</ul>
                    if let Some(note) = review["note"].as_str().filter(|n| !n.is_empty()) { <p>{ "Reviewer's note: " }{ note }</p> }
                </div>
            }
            if !batches.is_empty() {
                <p id="import-progress">{ format!("{} of {} contacts imported", count(imported as u64), count(contacts)) }</p>
                <progress max={contacts.to_string()} value={imported.to_string()} aria-label="Contacts imported" />
                <table class="segments">
                    <thead><tr><th scope="col">{ "Batch" }</th><th scope="col">{ "Contacts" }</th><th scope="col">{ "Status" }</th></tr></thead>
                    <tbody>{ for batches.iter().map(|b| html! {
                        <tr><td>{ b["number"].as_i64().unwrap_or_default() }</td><td>{ b["contacts"].as_i64().unwrap_or_default() }</td>
                            <td>{ b["status"].as_str().unwrap_or_default() }</td></tr>
                    }) }</tbody>
                </table>
            }
            <button onclick={props.on_refresh.reform(|_: MouseEvent| ())}>{ "Refresh" }</button>
        </section>
    }
}
