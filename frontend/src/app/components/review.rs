//! The reviewer console: sign in (or find the session a console opened
//! earlier started), sign out, the queue, a submission's evidence,
//! answers, history and amendments; approve (leaving sources or segments
//! out), request changes or reject with the profile's reasons; confirm or
//! change the import plan; and the batch monitor.

use super::form::{checkbox, count, failure, secret_input, select, text_area, text_input};
use super::ledger::ConsentLookup;
use super::status::{amendment_list, decision_history, interval_words, largest_whole_unit, moment};
use crate::app::api::{API, review_get, review_post, review_sign_out};
use crate::app::i18n::Texts;
use crate::protocol::Failure;
use listgate_api::{
    DecisionRequest, DeliveryStatus, DeliveryView, Exclusions, Plan, QueueItem, Reason,
    SubmissionStatus, SubmissionView,
};
use listgate_core::Segment;
use listgate_core::output::ChangeSummary;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::rc::Rc;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The session the server opens for a reviewer.
#[derive(Debug, Deserialize)]
struct Session {
    /// Sent with every change.
    csrf_token: String,
}

/// The console.
#[function_component]
pub fn ReviewConsole() -> Html {
    let csrf = use_state(|| None::<String>);
    // Until the server answers whether the browser still has a session, the
    // console shows neither the sign-in form nor the queue.
    let session_known = use_state(|| false);
    let email = use_state(String::new);
    let password = use_state(String::new);
    let queue = use_state(Vec::<QueueItem>::new);
    let detail = use_state(|| None::<Rc<SubmissionView>>);
    let problem = use_state(|| None::<Failure>);

    let load_queue = {
        let (queue, problem) = (queue.clone(), problem.clone());
        Callback::from(move |_: ()| {
            let (queue, problem) = (queue.clone(), problem.clone());
            spawn_local(async move {
                match review_get("/review/submissions").await {
                    Ok(items) => queue.set(items),
                    Err(f) => problem.set(Some(f)),
                }
            });
        })
    };
    let open = {
        let (detail, problem) = (detail.clone(), problem.clone());
        Callback::from(move |id: String| {
            let (detail, problem) = (detail.clone(), problem.clone());
            spawn_local(async move {
                match review_get(&format!("/review/submissions/{id}")).await {
                    Ok(view) => {
                        problem.set(None);
                        detail.set(Some(Rc::new(view)));
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
                match review_post(&path, &token, &body).await {
                    Ok(view) => {
                        problem.set(None);
                        detail.set(Some(Rc::new(view)));
                        load_queue.emit(());
                    }
                    Err(f) => problem.set(Some(f)),
                }
            });
        })
    };
    {
        let (csrf, session_known, load_queue) =
            (csrf.clone(), session_known.clone(), load_queue.clone());
        use_effect_with((), move |_| {
            spawn_local(async move {
                // No session (401) is the usual answer: the form then shows.
                if let Ok(session) = review_get::<Session>("/session").await {
                    csrf.set(Some(session.csrf_token));
                    load_queue.emit(());
                }
                session_known.set(true);
            });
        });
    }
    let sign_out = {
        let (csrf, detail, problem) = (csrf.clone(), detail.clone(), problem.clone());
        Callback::from(move |_: MouseEvent| {
            let (csrf, detail, problem) = (csrf.clone(), detail.clone(), problem.clone());
            spawn_local(async move {
                let token = (*csrf).clone().unwrap_or_default();
                match review_sign_out(&token).await {
                    Ok(()) => {
                        detail.set(None);
                        problem.set(None);
                        csrf.set(None);
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
                let session = match session {
                    Some(r) if r.ok() => r.json::<Session>().await.ok(),
                    _ => None,
                };
                match session {
                    Some(session) => {
                        csrf.set(Some(session.csrf_token));
                        problem.set(None);
                        load_queue.emit(());
                    }
                    None => problem.set(Some(Failure {
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

    let body = if !*session_known {
        html! { <p id="session-checking">{ "Looking for your session…" }</p> }
    } else if csrf.is_none() {
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
                <button id="sign-out" onclick={sign_out}>{ "Sign out" }</button>
                <h3>{ "Queue" }</h3>
                <table class="segments" id="queue">
                    <thead><tr><th scope="col">{ "Merchant" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Contacts" }</th><th scope="col">{ "Received" }</th></tr></thead>
                    <tbody>{ for queue.iter().map(|item| {
                        let id = item.id.clone();
                        let onclick = open.reform(move |_: MouseEvent| id.clone());
                        html! {
                            <tr data-id={item.id.clone()}>
                                <th scope="row"><button {onclick}>{ &item.tenant }</button></th>
                                <td>{ item.status.as_str() }</td>
                                <td>{ count(item.contacts) }</td>
                                <td>{ moment(&item.created_at) }</td>
                            </tr>
                        }
                    }) }</tbody>
                </table>
                <button onclick={load_queue.reform(|_: MouseEvent| ())}>{ "Refresh the queue" }</button>
                if let Some(view) = &*detail {
                    // Keyed: another submission opens with a fresh form.
                    <Detail key={view.id.clone()} view={view.clone()} act={act.clone()} refresh={open.clone()} />
                }
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
    pub view: Rc<SubmissionView>,
    /// `(path, body)` to POST.
    pub act: Callback<(String, Value)>,
    /// Load the submission again.
    pub refresh: Callback<String>,
}

/// `body` as the JSON a POST sends (the API's types always serialize).
/// The cells the merchant changed in the app before submitting, consent
/// changes first and highlighted (changed consent records need the
/// merchant's own proof), with the whole `changes.csv` to download.
fn changes_made(id: &str, changes: &ChangeSummary) -> Html {
    let more = changes.cells.saturating_sub(changes.shown.len() as u64);
    html! {
        <section id="review-changes" aria-labelledby="review-changes-title">
            <h4 id="review-changes-title">{ "Changed in the app by the merchant" }</h4>
            <p id="review-changes-summary" class={classes!((changes.consent_cells > 0).then_some("needs-evidence"))}>
                { format!("{} {} changed, {} in consent columns", count(changes.cells),
                    if changes.cells == 1 { "cell" } else { "cells" }, count(changes.consent_cells)) }
                if changes.consent_cells > 0 {
                    { ": ask for the merchant's proof of each changed consent record." }
                }</p>
            if !changes.shown.is_empty() {
                <div class="scroll">
                    <table class="changes">
                        <thead><tr><th scope="col">{ "Step" }</th><th scope="col">{ "Row" }</th><th scope="col">{ "Column" }</th>
                            <th scope="col">{ "Before" }</th><th scope="col">{ "After" }</th></tr></thead>
                        <tbody>{ for changes.shown.iter().map(|line| html! {
                            <tr class={classes!(line.consent.then_some("consent"))}>
                                <td>{ format!("{} ({})", line.step, line.kind.as_str()) }</td>
                                <td>{ line.row }</td>
                                <td>{ &line.column }{ if line.consent { " (consent)" } else { "" } }</td>
                                <td>{ &line.before }</td>
                                <td>{ &line.after }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                </div>
            }
            <p><a href={format!("{API}/review/submissions/{id}/changes.csv")} download="changes.csv">
                { if more > 0 { format!("Download changes.csv ({} more lines)", count(more)) } else { "Download changes.csv".to_owned() } }</a></p>
        </section>
    }
}

fn json_of(body: &impl Serialize) -> Value {
    serde_json::to_value(body).unwrap_or_default()
}

/// `list` with `item` in it when `on`, without it otherwise.
fn toggled<T: PartialEq + Clone>(list: &[T], item: &T, on: bool) -> Vec<T> {
    let mut next: Vec<T> = list.iter().filter(|x| *x != item).cloned().collect();
    if on {
        next.push(item.clone());
    }
    next
}

/// One submission: answers, evidence, history, decision, plan, batches.
#[function_component]
pub fn Detail(props: &DetailProps) -> Html {
    let reasons = use_state(Vec::<Reason>::new);
    let exclude = use_state(Exclusions::default);
    let note = use_state(String::new);
    let next_size = use_state(String::new);
    let interval = use_state(String::new);
    let v = &*props.view;
    let id = v.id.clone();
    let english = Texts::default();
    let post = |suffix: &str| {
        let path = format!("/review/submissions/{id}/{suffix}");
        props.act.reform(move |body: Value| (path.clone(), body))
    };
    let decide = post("decision").reform(|decision: DecisionRequest| json_of(&decision));
    let approve = {
        let (decide, note, exclude) = (decide.clone(), note.clone(), exclude.clone());
        Callback::from(move |_: MouseEvent| {
            decide.emit(DecisionRequest::Approve {
                note: (*note).clone(),
                exclude: (*exclude).clone(),
            })
        })
    };
    let request_changes = {
        let (decide, note, reasons) = (decide.clone(), note.clone(), reasons.clone());
        Callback::from(move |_: MouseEvent| {
            decide.emit(DecisionRequest::RequestChanges {
                missing: (*reasons).clone(),
                note: (*note).clone(),
            })
        })
    };
    let reject = {
        let (decide, note, reasons) = (decide.clone(), note.clone(), reasons.clone());
        Callback::from(move |_: MouseEvent| {
            decide.emit(DecisionRequest::Reject {
                reasons: (*reasons).clone(),
                note: (*note).clone(),
            })
        })
    };
    let confirm_plan = post("plan").reform(|plan: Plan| json_of(&plan));
    let reschedule = post("schedule");
    let paused = v.schedule.as_ref().is_some_and(|s| s.paused);
    let toggle = reschedule.reform(move |_: MouseEvent| json!({ "paused": !paused }));
    let apply = {
        let (reschedule, next_size, interval) =
            (reschedule.clone(), next_size.clone(), interval.clone());
        Callback::from(move |_: MouseEvent| {
            let mut body = serde_json::Map::new();
            if let Ok(n) = next_size.trim().parse::<u64>() {
                body.insert("next_batch_size".into(), n.into());
            }
            if let Ok(s) = interval.trim().parse::<u64>() {
                body.insert("interval_seconds".into(), s.into());
            }
            reschedule.emit(Value::Object(body));
        })
    };
    let status = v.status;
    let consent = v.consent.as_ref().map(|c| &c.consent);
    let said = |text: Option<&str>| {
        text.filter(|t| !t.is_empty())
            .map_or_else(|| "—".to_owned(), str::to_owned)
    };
    // The list's opt-in sources by the server's own check, each with the
    // evidence files the merchant attached for it.
    let sources: Vec<(&str, u64, usize)> = v
        .report
        .opt_in_sources
        .iter()
        .map(|s| {
            let files = v
                .evidence
                .iter()
                .filter(|e| e.opt_in_source == s.source)
                .count();
            (s.source.as_str(), s.contacts, files)
        })
        .collect();
    let source_name = |source: &str| {
        if source.is_empty() {
            "(no source given)".to_owned()
        } else {
            source.to_owned()
        }
    };
    let kind = v.review_kind;
    html! {
        <div id="review-detail" data-status={status.as_str()}>
            <h3>{ format!("Submission {} — {status}", id.get(..8).unwrap_or_default()) }</h3>
            <p>{ format!("{} contacts, profile {}", count(v.contacts), v.profile) }</p>
            if let Some(purged) = &v.evidence_purged_at {
                <p class="muted">{ format!("Evidence and consent answers deleted {} (retention period).", moment(purged)) }</p>
            }
            <dl>
                <dt>{ "Consent wording" }</dt><dd id="review-wording">{ said(consent.map(|c| c.wording.as_str())) }</dd>
                <dt>{ "Source" }</dt><dd>{ said(consent.map(|c| c.source.as_str())) }</dd>
                <dt>{ "Capture method" }</dt><dd>{ said(consent.map(|c| c.capture_method.as_str())) }</dd>
                <dt>{ "Double opt-in" }</dt><dd>{ said(consent.map(|c| c.double_opt_in.as_str())) }</dd>
            </dl>
            if let Some(n) = v.consent.as_ref().and_then(|c| c.held_back_by_opt_outs) {
                <p id="review-held-back">{ format!("The merchant's check held back {} numbers and addresses on the tenant's opt-out list (consent.suppressed); they are not in this list.", count(n)) }</p>
            }
            if !v.declared.is_empty() {
                // Options the server's check took on the merchant's word.
                <h4>{ "Declared by the merchant" }</h4>
                <ul id="review-declared" class="needs-evidence">{ for v.declared.iter().map(|d| html! {
                    <li><code>{ &d.option }</code>{ ": " }{ &d.meaning }</li>
                }) }</ul>
            }
            <h4>{ "Self-check" }</h4>
            <ul id="review-self-check">
                { for kind.self_check().iter().map(|q| html! {
                    <li>{ if v.unticked.contains(q) { "✘ " } else { "✔ " } }{ q.question() }</li>
                }) }
                if kind.needs_gdpr_confirmation() {
                    <li>{ if v.consent.as_ref().is_some_and(|c| c.gdpr_confirmed) { "✔ " } else { "✘ " } }
                        { "Every contact gave GDPR and profiling consent to marketing e-mail." }</li>
                }
            </ul>
            <h4>{ "Evidence" }</h4>
            <ul id="review-evidence">{ for v.evidence.iter().enumerate().map(|(i, e)| html! {
                <li><a href={format!("{API}/review/submissions/{id}/evidence/{i}")} target="_blank" rel="noopener">
                    { &e.name }</a>
                    { format!(" ({}, source: {})", e.content_type, e.opt_in_source) }</li>
            }) }</ul>
            if let Some(changes) = &v.changes {
                { changes_made(&id, changes) }
            }
            if !sources.is_empty() {
                <h4>{ "Opt-in sources (server's check)" }</h4>
                <table id="review-sources" class="sources">
                    <thead><tr><th scope="col">{ "Source" }</th><th scope="col">{ "Contacts" }</th><th scope="col">{ "Evidence files" }</th></tr></thead>
                    <tbody>{ for sources.iter().map(|(source, contacts, files)| html! {
                        <tr class={classes!((*files == 0).then_some("needs-evidence"))}>
                            <td>{ source_name(source) }</td>
                            <td>{ count(*contacts) }</td>
                            <td>{ if *files == 0 { "none".to_owned() } else { files.to_string() } }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
            { decision_history(&english, "review-history", &v.decisions) }
            { amendment_list(&english, "review-amendments", &v.amendments) }
            if status == SubmissionStatus::PendingReview {
                <fieldset id="decide">
                    <legend>{ "Decision" }</legend>
                    <p class="muted">{ "Requesting changes or rejecting needs at least one reason; the merchant reads what each one says is missing." }</p>
                    { for kind.reasons().iter().map(|reason| {
                        let (reasons, reason) = (reasons.clone(), *reason);
                        checkbox(&format!("reason-{reason}"), reason.label(), reasons.contains(&reason), Callback::from(move |on: bool| {
                            reasons.set(toggled(&reasons, &reason, on));
                        }))
                    }) }
                    { text_area("review-note", "Note to the merchant", &note, "", { let s = note.clone(); Callback::from(move |v| s.set(v)) }) }
                    <fieldset id="exclusions">
                        <legend>{ "Leave out of the import (approval only)" }</legend>
                        { for v.report.opt_in_sources.iter().enumerate().map(|(i, s)| {
                            let (exclude, source) = (exclude.clone(), s.source.clone());
                            let label = format!("Source {} ({} contacts)", source_name(&source), count(s.contacts));
                            checkbox(&format!("exclude-source-{i}"), &label, exclude.opt_in_sources.contains(&source),
                                Callback::from(move |on: bool| exclude.set(Exclusions {
                                    opt_in_sources: toggled(&exclude.opt_in_sources, &source, on),
                                    ..(*exclude).clone()
                                })))
                        }) }
                        { for Segment::ALL.iter().map(|segment| {
                            let (exclude, segment) = (exclude.clone(), *segment);
                            let label = format!("The {} segment ({} rows in the check)", segment.channel_name(), count(v.report.segments.get(segment)));
                            checkbox(&format!("exclude-segment-{}", segment.as_str()), &label, exclude.segments.contains(&segment),
                                Callback::from(move |on: bool| exclude.set(Exclusions {
                                    segments: toggled(&exclude.segments, &segment, on),
                                    ..(*exclude).clone()
                                })))
                        }) }
                    </fieldset>
                    <div class="actions">
                        <button class="primary" id="approve" onclick={approve}>{ "Approve" }</button>
                        <button id="request-changes" onclick={request_changes} disabled={reasons.is_empty()}>{ "Request changes" }</button>
                        <button id="reject" onclick={reject} disabled={reasons.is_empty()}>{ "Reject" }</button>
                    </div>
                </fieldset>
            }
            if status == SubmissionStatus::Approved {
                <PlanForm key="confirm" plan={v.proposed_plan} action="Confirm plan and start the import" on_confirm={confirm_plan.clone()} />
            }
            if let Some(schedule) = &v.schedule {
                if status == SubmissionStatus::Importing {
                    <PlanForm key="change" plan={schedule.plan} action="Change plan" on_confirm={confirm_plan} />
                }
                <h4>{ "Import batches" }</h4>
                <p>{ format!("{} of {} contacts imported, {} failed.", count(schedule.imported), count(schedule.to_import), count(schedule.failed)) }</p>
                if schedule.paused {
                    <p class="alert" id="review-paused">{ match &schedule.paused_reason {
                        Some(reason) => format!("Paused: {reason}"),
                        None => "Paused.".to_owned(),
                    } }</p>
                }
                if schedule.completed_at.is_some() { <p id="import-complete">{ "Import complete: every contact was processed." }</p> }
                <table class="segments" id="batches">
                    <thead><tr><th scope="col">{ "Batch" }</th><th scope="col">{ "Contacts" }</th><th scope="col">{ "Status" }</th><th scope="col">{ "Imported" }</th><th scope="col">{ "Failed" }</th><th scope="col">{ "Webhook" }</th></tr></thead>
                    <tbody>{ for schedule.batches.iter().map(|b| {
                        let number = b.number;
                        // A delivery given up can be sent again once the receiver is fixed.
                        let resend = b.webhook.as_ref().filter(|w| w.status == DeliveryStatus::Failed).map(|_| {
                            post(&format!("webhooks/{number}/retry")).reform(|_: MouseEvent| json!({}))
                        });
                        html! {
                            <tr><td>{ number }</td><td>{ count(b.contacts) }</td>
                                <td>{ b.status.as_str() }</td><td>{ count(b.imported) }</td>
                                <td>{ count(b.failed) }</td>
                                <td>{ webhook_delivery(b.webhook.as_ref()) }
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
                { text_input("interval", "Seconds between batches", &interval,
                    &format!("Now {} s ({}).", schedule.plan.interval_seconds, interval_words(&english, schedule.plan.interval_seconds)),
                    { let s = interval.clone(); Callback::from(move |v| s.set(v)) }) }
                <button id="apply-schedule" onclick={apply}>{ "Apply" }</button>
            }
            if v.schedule.as_ref().is_some_and(|s| s.imported > 0) {
                <ConsentLookup submission={id.clone()} />
            }
            <button id="refresh-detail" onclick={{ let (refresh, id) = (props.refresh.clone(), id.clone()); Callback::from(move |_: MouseEvent| refresh.emit(id.clone())) }}>{ "Refresh" }</button>
        </div>
    }
}

/// A batch's webhook delivery in words: sent, retrying (and why), or given up.
fn webhook_delivery(delivery: Option<&DeliveryView>) -> String {
    let Some(delivery) = delivery else {
        return "no webhook".to_owned();
    };
    let attempts = delivery.attempts;
    let error = delivery.last_error.as_deref().unwrap_or("no answer yet");
    match delivery.status {
        DeliveryStatus::Delivered if attempts > 1 => {
            format!("delivered on attempt {attempts} (before: {error})")
        }
        DeliveryStatus::Delivered => "delivered".to_owned(),
        DeliveryStatus::Failed => format!("gave up after {attempts} attempts: {error}"),
        DeliveryStatus::Pending if attempts == 0 => "sending".to_owned(),
        DeliveryStatus::Pending => format!(
            "retrying at {} ({attempts} failed: {error})",
            delivery
                .next_attempt_at
                .as_deref()
                .map_or_else(|| "soon".to_owned(), moment)
        ),
    }
}

/// The unit the plan form counts the interval between batches in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IntervalUnit {
    Minutes,
    Hours,
    Days,
}

impl IntervalUnit {
    /// Largest first, as the select lists them.
    const ALL: [IntervalUnit; 3] = [
        IntervalUnit::Days,
        IntervalUnit::Hours,
        IntervalUnit::Minutes,
    ];

    fn seconds(self) -> u64 {
        match self {
            IntervalUnit::Minutes => 60,
            IntervalUnit::Hours => 3_600,
            IntervalUnit::Days => 86_400,
        }
    }

    /// The select's value and the unit's name.
    fn name(self) -> &'static str {
        match self {
            IntervalUnit::Minutes => "minutes",
            IntervalUnit::Hours => "hours",
            IntervalUnit::Days => "days",
        }
    }

    /// The largest unit that counts `seconds` whole (minutes when none does).
    fn fitting(seconds: u64) -> IntervalUnit {
        let units = IntervalUnit::ALL.map(|u| (u, u.seconds()));
        largest_whole_unit(seconds, &units).map_or(IntervalUnit::Minutes, |(u, _)| u)
    }
}

/// The plan form's fields as typed.
#[derive(Debug, Clone, PartialEq)]
struct PlanFields {
    first: String,
    growth: String,
    cap: String,
    interval: String,
    unit: IntervalUnit,
    /// Blank: no daily cap.
    daily_cap: String,
}

impl PlanFields {
    /// The fields showing `plan`.
    fn of(plan: &Plan) -> PlanFields {
        let unit = IntervalUnit::fitting(plan.interval_seconds);
        PlanFields {
            first: plan.first_batch.to_string(),
            growth: plan.growth.to_string(),
            cap: plan.cap.to_string(),
            interval: (plan.interval_seconds as f64 / unit.seconds() as f64).to_string(),
            unit,
            daily_cap: plan.daily_cap.map(|n| n.to_string()).unwrap_or_default(),
        }
    }

    /// The plan the fields describe, or what to correct (the server's own
    /// rules, `Plan::validated`, judge it before it is sent).
    fn plan(&self) -> Result<Plan, String> {
        let whole = |what: &str, text: &str| {
            text.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what} is a whole number, not {:?}", text.trim()))
        };
        let interval = self
            .interval
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or_else(|| {
                format!(
                    "the interval is a number of {}, not {:?}",
                    self.unit.name(),
                    self.interval.trim()
                )
            })?;
        let daily_cap = match self.daily_cap.trim() {
            "" => None,
            text => Some(whole("the daily cap", text)?),
        };
        Plan {
            first_batch: whole("the first batch", &self.first)?,
            growth: whole("growth", &self.growth)?,
            cap: whole("the cap", &self.cap)?,
            interval_seconds: (interval * self.unit.seconds() as f64).round() as u64,
            daily_cap,
        }
        .validated()
        .map_err(|e| e.0)
    }
}

/// Properties of [`PlanForm`].
#[derive(Properties, PartialEq, Debug)]
pub struct PlanProps {
    /// The plan the fields start with.
    pub plan: Plan,
    /// The button's words.
    pub action: AttrValue,
    /// A usable plan to send.
    pub on_confirm: Callback<Plan>,
}

/// The import plan: first batch, growth, cap, interval and daily cap.
#[function_component]
pub fn PlanForm(props: &PlanProps) -> Html {
    let fields = use_state(|| PlanFields::of(&props.plan));
    let problem = use_state(|| None::<String>);
    let edit = |apply: fn(&mut PlanFields, String)| {
        let fields = fields.clone();
        Callback::from(move |text: String| {
            let mut next = (*fields).clone();
            apply(&mut next, text);
            fields.set(next);
        })
    };
    let confirm = {
        let (fields, problem, on_confirm) =
            (fields.clone(), problem.clone(), props.on_confirm.clone());
        Callback::from(move |_: MouseEvent| match fields.plan() {
            Ok(plan) => {
                problem.set(None);
                on_confirm.emit(plan);
            }
            Err(why) => problem.set(Some(why)),
        })
    };
    let units: Vec<(String, String)> = IntervalUnit::ALL
        .iter()
        .map(|u| (u.name().to_owned(), u.name().to_owned()))
        .collect();
    let f = &*fields;
    html! {
        <fieldset id="plan">
            <legend>{ "Import plan" }</legend>
            { text_input("plan-first", "First batch", &f.first, "Contacts in the first batch.", edit(|f, v| f.first = v)) }
            { text_input("plan-growth", "Growth", &f.growth, "Each healthy batch is this many times the last (1: steady).", edit(|f, v| f.growth = v)) }
            { text_input("plan-cap", "Largest batch", &f.cap, "No batch is larger.", edit(|f, v| f.cap = v)) }
            { text_input("plan-interval", "Between batches", &f.interval, "How long to wait between batches.", edit(|f, v| f.interval = v)) }
            { select("plan-interval-unit", "Unit", f.unit.name(), &units, edit(|f, v| {
                f.unit = IntervalUnit::ALL.into_iter().find(|u| u.name() == v).unwrap_or(f.unit);
            })) }
            { text_input("plan-daily-cap", "Daily cap", &f.daily_cap, "Most contacts in any 24 hours; blank for no limit.", edit(|f, v| f.daily_cap = v)) }
            if let Some(why) = &*problem { <p class="error-text" id="plan-problem" role="alert">{ why }</p> }
            <button class="primary" id="confirm-plan" onclick={confirm}>{ &props.action }</button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(interval_seconds: u64, daily_cap: Option<u64>) -> Plan {
        Plan {
            first_batch: 200,
            growth: 1,
            cap: 200,
            interval_seconds,
            daily_cap,
        }
    }

    #[test]
    fn the_plan_form_shows_a_plan_in_its_largest_whole_unit() {
        let daily = PlanFields::of(&plan(86_400, Some(200)));
        assert_eq!(
            (daily.interval.as_str(), daily.unit),
            ("1", IntervalUnit::Days)
        );
        assert_eq!(daily.daily_cap, "200");
        assert_eq!(daily.plan(), Ok(plan(86_400, Some(200))));
        let odd = PlanFields::of(&plan(90, None));
        assert_eq!(
            (odd.interval.as_str(), odd.unit),
            ("1.5", IntervalUnit::Minutes)
        );
        assert_eq!(odd.daily_cap, "");
        assert_eq!(odd.plan(), Ok(plan(90, None)));
        assert_eq!(IntervalUnit::fitting(7_200), IntervalUnit::Hours);
        assert_eq!(IntervalUnit::fitting(0), IntervalUnit::Minutes);
    }

    #[test]
    fn the_plan_form_says_what_to_correct() {
        let fields = PlanFields::of(&plan(3_600, None));
        let with = |change: fn(&mut PlanFields)| {
            let mut f = fields.clone();
            change(&mut f);
            f.plan()
        };
        // Typed in hours, sent in seconds; a blank daily cap is none.
        assert_eq!(
            with(|f| {
                f.interval = " 2 ".into();
                f.daily_cap = " ".into();
            }),
            Ok(plan(7_200, None))
        );
        let refused = |change: fn(&mut PlanFields), says: &str| {
            let why = with(change).unwrap_err();
            assert!(why.contains(says), "{why}");
        };
        refused(
            |f| f.first = "lots".into(),
            "the first batch is a whole number",
        );
        refused(|f| f.interval = "-1".into(), "a number of hours");
        refused(
            |f| f.daily_cap = "1.5".into(),
            "the daily cap is a whole number",
        );
        // The server's rules, before anything is sent.
        refused(|f| f.daily_cap = "100".into(), "over the daily cap");
        refused(|f| f.first = "300".into(), "larger than the cap");
    }

    #[test]
    fn toggling_adds_once_and_removes() {
        let on = toggled(&[Reason::Formatting], &Reason::InsufficientProof, true);
        assert_eq!(on, [Reason::Formatting, Reason::InsufficientProof]);
        assert_eq!(toggled(&on, &Reason::InsufficientProof, true), on);
        assert_eq!(
            toggled(&on, &Reason::Formatting, false),
            [Reason::InsufficientProof]
        );
    }
}
