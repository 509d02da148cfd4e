//! The reviewer console: sign in, the queue, a submission's evidence and
//! answers, approve or reject with reasons, and the batch monitor.

use super::form::{checkbox, count, failure, secret_input, text_area, text_input};
use crate::app::api::{API, review_call};
use crate::protocol::Failure;
use serde_json::{Value, json};
use yew::platform::spawn_local;
use yew::prelude::*;

/// The known blockers a rejection names.
const REASONS: [(&str, &str); 4] = [
    ("no_explicit_whatsapp_opt_in", "No explicit WhatsApp opt-in"),
    ("insufficient_proof", "Insufficient proof"),
    ("mixed_channel_consent", "Mixed-channel consent"),
    ("formatting", "Formatting"),
];

/// The console.
#[function_component]
pub fn ReviewConsole() -> Html {
    let csrf = use_state(|| None::<String>);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let queue = use_state(Vec::<Value>::new);
    let detail = use_state(|| None::<Value>);
    let problem = use_state(|| None::<Failure>);

    let load_queue = {
        let (csrf, queue, problem) = (csrf.clone(), queue.clone(), problem.clone());
        Callback::from(move |_: ()| {
            let (csrf, queue, problem) = (csrf.clone(), queue.clone(), problem.clone());
            spawn_local(async move {
                let token = (*csrf).clone().unwrap_or_default();
                match review_call("/review/submissions", &token, None).await {
                    Ok(Value::Array(items)) => queue.set(items),
                    Ok(_) => {}
                    Err(f) => problem.set(Some(f)),
                }
            });
        })
    };
    let open = {
        let (csrf, detail, problem) = (csrf.clone(), detail.clone(), problem.clone());
        Callback::from(move |id: String| {
            let (csrf, detail, problem) = (csrf.clone(), detail.clone(), problem.clone());
            spawn_local(async move {
                let token = (*csrf).clone().unwrap_or_default();
                match review_call(&format!("/review/submissions/{id}"), &token, None).await {
                    Ok(view) => {
                        problem.set(None);
                        detail.set(Some(view));
                    }
                    Err(f) => problem.set(Some(f)),
                }
            });
        })
    };
    // POSTs to the open submission, then shows its new state.
    let act = {
        let (csrf, detail, problem, load_queue) = (
            csrf.clone(),
            detail.clone(),
            problem.clone(),
            load_queue.clone(),
        );
        Callback::from(move |(path, body): (String, Value)| {
            let (csrf, detail, problem, load_queue) = (
                csrf.clone(),
                detail.clone(),
                problem.clone(),
                load_queue.clone(),
            );
            spawn_local(async move {
                let token = (*csrf).clone().unwrap_or_default();
                match review_call(&path, &token, Some(&body)).await {
                    Ok(view) => {
                        problem.set(None);
                        detail.set(Some(view));
                        load_queue.emit(());
                    }
                    Err(f) => problem.set(Some(f)),
                }
            });
        })
    };
    let sign_in = {
        let (csrf, email, password, problem, load_queue) = (
            csrf.clone(),
            email.clone(),
            password.clone(),
            problem.clone(),
            load_queue.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (csrf, problem, load_queue) = (csrf.clone(), problem.clone(), load_queue.clone());
            let body = json!({ "email": *email, "password": *password });
            spawn_local(async move {
                let answer = gloo::net::http::Request::post(&format!("{API}/session")).json(&body);
                let session = match answer {
                    Ok(request) => request.send().await.ok(),
                    Err(_) => None,
                };
                match session {
                    Some(r) if r.ok() => {
                        let view: Value = r.json().await.unwrap_or(Value::Null);
                        csrf.set(view["csrf_token"].as_str().map(str::to_owned));
                        problem.set(None);
                        load_queue.emit(());
                    }
                    _ => problem.set(Some(Failure {
                        message: "wrong email or password".into(),
                        fix: Some(
                            "ask an administrator to run `listgate reviewer add` for you".into(),
                        ),
                        position: None,
                    })),
                }
            });
        })
    };

    let body = if csrf.is_none() {
        html! {
            <form id="sign-in" onsubmit={sign_in}>
                { text_input("reviewer-email", "Email", &email, "", { let s = email.clone(); Callback::from(move |v| s.set(v)) }) }
                { secret_input("reviewer-password", "Password", &password, "", { let s = password.clone(); Callback::from(move |v| s.set(v)) }) }
                <button class="primary" type="submit">{ "Sign in" }</button>
            </form>
        }
    } else {
        html! {
            <>
                <h3>{ "Queue" }</h3>
                <table class="segments" id="queue">
                    <thead><tr><th scope="col">{ "Merchant" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Contacts" }</th><th scope="col">{ "Received" }</th></tr></thead>
                    <tbody>{ for queue.iter().map(|item| {
                        let id = item["id"].as_str().unwrap_or_default().to_owned();
                        let onclick = open.reform(move |_: MouseEvent| id.clone());
                        html! {
                            <tr data-id={item["id"].as_str().unwrap_or_default().to_owned()}>
                                <th scope="row"><button {onclick}>{ item["tenant"].as_str().unwrap_or_default() }</button></th>
                                <td>{ item["status"].as_str().unwrap_or_default() }</td>
                                <td>{ count(item["contacts"].as_u64().unwrap_or(0)) }</td>
                                <td>{ item["created_at"].as_str().unwrap_or_default().get(..16).unwrap_or_default() }</td>
                            </tr>
                        }
                    }) }</tbody>
                </table>
                <button onclick={load_queue.reform(|_: MouseEvent| ())}>{ "Refresh the queue" }</button>
                if let Some(view) = &*detail { <Detail view={view.clone()} act={act.clone()} refresh={open.clone()} /> }
            </>
        }
    };
    html! {
        <section aria-labelledby="review-title">
            <h2 id="review-title">{ "Reviewer console" }</h2>
            if let Some(f) = &*problem { { failure(f) } }
            { body }
        </section>
    }
}

/// Properties of [`Detail`].
#[derive(Properties, PartialEq, Debug)]
pub struct DetailProps {
    /// The submission as the server shows it to reviewers.
    pub view: Value,
    /// `(path, body)` to POST.
    pub act: Callback<(String, Value)>,
    /// Load the submission again.
    pub refresh: Callback<String>,
}

/// One submission: answers, evidence, decision, batches.
#[function_component]
pub fn Detail(props: &DetailProps) -> Html {
    let reasons = use_state(Vec::<String>::new);
    let note = use_state(String::new);
    let next_size = use_state(String::new);
    let interval = use_state(String::new);
    let v = &props.view;
    let id = v["id"].as_str().unwrap_or_default().to_owned();
    let consent = &v["consent"]["consent"];
    let post = |suffix: &'static str, body: Value| {
        let (act, id) = (props.act.clone(), id.clone());
        move || act.emit((format!("/review/submissions/{id}/{suffix}"), body.clone()))
    };
    let approve = {
        let go = post("decision", json!({ "decision": "approve" }));
        Callback::from(move |_: MouseEvent| go())
    };
    let reject = {
        let (act, id, reasons, note) =
            (props.act.clone(), id.clone(), reasons.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            act.emit((
                format!("/review/submissions/{id}/decision"),
                json!({ "decision": "reject", "reasons": *reasons, "note": *note }),
            ))
        })
    };
    let schedule = &v["schedule"];
    let paused = schedule["paused"].as_bool().unwrap_or(false);
    let toggle = {
        let go = post("schedule", json!({ "paused": !paused }));
        Callback::from(move |_: MouseEvent| go())
    };
    let apply = {
        let (act, id, next_size, interval) = (
            props.act.clone(),
            id.clone(),
            next_size.clone(),
            interval.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let mut body = serde_json::Map::new();
            if let Ok(n) = next_size.trim().parse::<u64>() {
                body.insert("next_batch_size".into(), n.into());
            }
            if let Ok(s) = interval.trim().parse::<u64>() {
                body.insert("interval_seconds".into(), s.into());
            }
            act.emit((
                format!("/review/submissions/{id}/schedule"),
                Value::Object(body),
            ));
        })
    };
    let status = v["status"].as_str().unwrap_or_default();
    // The list's opt-in sources by the server's own check, each with the
    // evidence files the merchant attached for it.
    let evidence = v["evidence"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    let sources: Vec<(String, u64, usize)> = v["report"]["opt_in_sources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            let source = s["source"].as_str().unwrap_or_default();
            let files = evidence
                .iter()
                .filter(|e| e["opt_in_source"] == source)
                .count();
            (
                source.to_owned(),
                s["contacts"].as_u64().unwrap_or(0),
                files,
            )
        })
        .collect();
    html! {
        <div id="review-detail" data-status={status.to_owned()}>
            <h3>{ format!("Submission {} — {status}", id.get(..8).unwrap_or_default()) }</h3>
            <p>{ format!("{} contacts, profile {}", count(v["contacts"].as_u64().unwrap_or(0)), v["profile"].as_str().unwrap_or_default()) }</p>
            <dl>
                <dt>{ "Consent wording" }</dt><dd id="review-wording">{ consent["wording"].as_str().unwrap_or("—") }</dd>
                <dt>{ "Source" }</dt><dd>{ consent["source"].as_str().unwrap_or("—") }</dd>
                <dt>{ "Capture method" }</dt><dd>{ consent["capture_method"].as_str().unwrap_or("—") }</dd>
                <dt>{ "Double opt-in" }</dt><dd>{ consent["double_opt_in"].as_str().filter(|s| !s.is_empty()).unwrap_or("—") }</dd>
            </dl>
            if let Some(declared) = v["declared"].as_array().filter(|d| !d.is_empty()) {
                // Options the server's check took on the merchant's word.
                <h4>{ "Declared by the merchant" }</h4>
                <ul id="review-declared" class="needs-evidence">{ for declared.iter().map(|d| html! {
                    <li><code>{ d["option"].as_str().unwrap_or_default() }</code>{ ": " }{ d["meaning"].as_str().unwrap_or_default() }</li>
                }) }</ul>
            }
            <h4>{ "Self-check" }</h4>
            <ul>{ for crate::app::state::SELF_CHECK.iter().map(|(key, question)| html! {
                <li>{ if v["consent"]["self_check"][*key].as_bool() == Some(true) { "✔ " } else { "✘ " } }{ *question }</li>
            }) }</ul>
            <h4>{ "Evidence" }</h4>
            <ul id="review-evidence">{ for v["evidence"].as_array().into_iter().flatten().enumerate().map(|(i, e)| html! {
                <li><a href={format!("{API}/review/submissions/{id}/evidence/{i}")} target="_blank" rel="noopener">
                    { e["name"].as_str().unwrap_or_default() }</a>
                    { format!(" ({}, source: {})", e["content_type"].as_str().unwrap_or_default(), e["opt_in_source"].as_str().unwrap_or_default()) }</li>
            }) }</ul>
            if !sources.is_empty() {
                <h4>{ "Opt-in sources (server's check)" }</h4>
                <table id="review-sources" class="sources">
                    <thead><tr><th scope="col">{ "Source" }</th><th scope="col">{ "Contacts" }</th><th scope="col">{ "Evidence files" }</th></tr></thead>
                    <tbody>{ for sources.iter().map(|(source, contacts, files)| html! {
                        <tr class={classes!((*files == 0).then_some("needs-evidence"))}>
                            <td>{ if source.is_empty() { "(no source given)" } else { source.as_str() } }</td>
                            <td>{ count(*contacts) }</td>
                            <td>{ if *files == 0 { "none".to_owned() } else { files.to_string() } }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
            if status == "pending_review" {
                <div class="actions"><button class="primary" id="approve" onclick={approve}>{ "Approve" }</button></div>
                <fieldset>
                    <legend>{ "Reject" }</legend>
                    { for REASONS.iter().map(|(code, label)| {
                        let (reasons, code_owned) = (reasons.clone(), (*code).to_owned());
                        checkbox(&format!("reason-{code}"), label, reasons.contains(&code_owned), Callback::from(move |on: bool| {
                            let mut next: Vec<String> = (*reasons).clone();
                            next.retain(|c| c != &code_owned);
                            if on { next.push(code_owned.clone()); }
                            reasons.set(next);
                        }))
                    }) }
                    { text_area("review-note", "Note to the merchant", &note, "", { let s = note.clone(); Callback::from(move |v| s.set(v)) }) }
                    <button id="reject" onclick={reject} disabled={reasons.is_empty()}>{ "Reject" }</button>
                </fieldset>
            }
            if schedule.is_object() {
                <h4>{ "Import batches" }</h4>
                if schedule["completed_at"].is_string() { <p id="import-complete">{ "Import complete: every contact was processed." }</p> }
                <table class="segments" id="batches">
                    <thead><tr><th scope="col">{ "Batch" }</th><th scope="col">{ "Contacts" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Imported" }</th><th scope="col">{ "Failed" }</th><th scope="col">{ "Webhook" }</th></tr></thead>
                    <tbody>{ for schedule["batches"].as_array().into_iter().flatten().map(|b| {
                        let number = b["number"].as_i64().unwrap_or_default();
                        // A delivery given up can be sent again once the receiver is fixed.
                        let resend = (b["webhook"]["status"] == "failed").then(|| {
                            let (act, path) = (props.act.clone(), format!("/review/submissions/{id}/webhooks/{number}/retry"));
                            Callback::from(move |_: MouseEvent| act.emit((path.clone(), json!({}))))
                        });
                        html! {
                            <tr><td>{ number }</td><td>{ b["contacts"].as_i64().unwrap_or_default() }</td>
                                <td>{ b["status"].as_str().unwrap_or_default() }</td><td>{ b["imported"].as_i64().unwrap_or_default() }</td>
                                <td>{ b["failed"].as_i64().unwrap_or_default() }</td>
                                <td>{ webhook_delivery(&b["webhook"]) }
                                    if let Some(resend) = resend {
                                        { " " }<button id={format!("retry-webhook-{number}")} onclick={resend}>{ "Send again" }</button>
                                    }
                                </td></tr>
                        }
                    }) }</tbody>
                </table>
                <div class="actions">
                    <button id="pause" onclick={toggle}>{ if paused { "Resume" } else { "Pause" } }</button>
                </div>
                { text_input("next-size", "Next batch size", &next_size, "Contacts in the next batch.", { let s = next_size.clone(); Callback::from(move |v| s.set(v)) }) }
                { text_input("interval", "Seconds between batches", &interval, &format!("Now {} s.", schedule["interval_seconds"]), { let s = interval.clone(); Callback::from(move |v| s.set(v)) }) }
                <button id="apply-schedule" onclick={apply}>{ "Apply" }</button>
            }
            <button id="refresh-detail" onclick={{ let (refresh, id) = (props.refresh.clone(), id.clone()); Callback::from(move |_: MouseEvent| refresh.emit(id.clone())) }}>{ "Refresh" }</button>
        </div>
    }
}

/// A batch's webhook delivery in words: sent, retrying (and why), or given up.
fn webhook_delivery(delivery: &Value) -> String {
    let attempts = delivery["attempts"].as_i64().unwrap_or_default();
    let error = delivery["last_error"].as_str().unwrap_or("no answer yet");
    match delivery["status"].as_str() {
        None => "no webhook".to_owned(),
        Some("delivered") if attempts > 1 => {
            format!("delivered on attempt {attempts} (before: {error})")
        }
        Some("delivered") => "delivered".to_owned(),
        Some("failed") => format!("gave up after {attempts} attempts: {error}"),
        Some(_) if attempts == 0 => "sending".to_owned(),
        Some(_) => format!(
            "retrying at {} ({attempts} failed: {error})",
            delivery["next_attempt_at"].as_str().unwrap_or("soon")
        ),
    }
}
