//! The merchant's page of a submission after Submit: where it stands, every
//! decision and amendment, the form that adds what a reviewer asked for,
//! and the import batch by batch. It asks the server again every few
//! seconds until the submission is final.

use super::evidence::{EVIDENCE_ACCEPT, self_check_id};
use super::form::{checkbox, failure_in, human_size, text_area, text_input};
use crate::app::api;
use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::protocol::Failure;
use listgate_api::{
    AmendmentView, BatchView, ConfirmationCounts, ConsentDeclaration, DecisionView, ExcludedView,
    Plan, ReasonView, ScheduleView, SelfCheckQuestion, SubmissionStatus, SubmissionView, Verdict,
};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, HtmlAnchorElement, HtmlInputElement, Url};
use yew::platform::spawn_local;
use yew::prelude::*;

/// How often the page asks the server again while a submission is not final.
const REFRESH_MS: u32 = 3_000;

/// Properties of [`StatusPage`].
#[derive(Properties, PartialEq, Debug)]
pub struct StatusProps {
    /// The server's view of the submission.
    pub submission: Rc<SubmissionView>,
    /// The API's base URL.
    pub api: String,
    /// The tenant's secret key the merchant typed: it reads the submission
    /// back, amends it and downloads its failures. `None` in a partner's
    /// page, whose publishable key can only submit.
    pub tenant_key: Option<String>,
    /// A newer view arrived (a refresh or an amendment).
    pub on_view: Callback<SubmissionView>,
    /// The list as it stands now, when the merchant changed it since the
    /// submission received it: an amendment can send it.
    pub corrected: Option<Rc<CorrectedList>>,
    /// An amendment delivered this clean file.
    pub on_list_sent: Callback<Blob>,
}

/// A clean file made after the submission's, with its change list.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectedList {
    /// The clean file.
    pub clean: Blob,
    /// The change list that led to it.
    pub changes: Option<Blob>,
    /// Contacts in it.
    pub contacts: u64,
}

/// Status, decisions, amendments and the import.
#[function_component]
pub fn StatusPage(props: &StatusProps) -> Html {
    let t = use_texts();
    let problem = use_state(|| None::<Failure>);
    let s = &*props.submission;
    // Counts the page's own changes (amendments): a refresh asked for before
    // the latest one answers with the submission as it was, and is dropped.
    let changes = use_mut_ref(|| 0u64);
    let on_change = {
        let (changes, on_view) = (changes.clone(), props.on_view.clone());
        Callback::from(move |view: SubmissionView| {
            *changes.borrow_mut() += 1;
            on_view.emit(view);
        })
    };
    let refresh = props.tenant_key.clone().map(|key| {
        let (api, id, on_view, problem) = (
            props.api.clone(),
            s.id.clone(),
            props.on_view.clone(),
            problem.clone(),
        );
        Callback::from(move |_: ()| {
            let (api, key, id, on_view, problem, changes) = (
                api.clone(),
                key.clone(),
                id.clone(),
                on_view.clone(),
                problem.clone(),
                changes.clone(),
            );
            let asked_after = *changes.borrow();
            spawn_local(async move {
                let answer = api::refresh(&api, &key, &id).await;
                if *changes.borrow() != asked_after {
                    return;
                }
                match answer {
                    Ok(view) => {
                        problem.set(None);
                        on_view.emit(view);
                    }
                    Err(failure) => problem.set(Some(failure)),
                }
            });
        })
    });
    {
        // Until no decision or import will change it again.
        let live = refresh.clone().filter(|_| !s.status.is_final());
        use_effect_with((s.status, live.is_some()), move |_| {
            let timer = live.map(|refresh| {
                gloo::timers::callback::Interval::new(REFRESH_MS, move || refresh.emit(()))
            });
            move || drop(timer)
        });
    }
    let latest_refusal = s
        .latest_decision()
        .filter(|d| d.verdict != Verdict::Approved);
    html! {
        <section aria-labelledby="status-title" id="submission">
            <h2 id="status-title">{ t.get("status.title") }</h2>
            <p>{ t.get("status.reference") }{ " " }<code id="submission-id">{ &s.id }</code></p>
            <p id="submission-status" data-status={s.status.as_str()}><strong>{ status_words(&t, s.status) }</strong></p>
            if let Some(f) = &*problem { { failure_in(&t, f) } }
            if let Some(decision) = latest_refusal {
                <div class="alert" id="missing-after-review">
                    <p>{ t.get("status.missing") }</p>
                    { reasons_and_note(&t, decision) }
                </div>
            }
            if let (SubmissionStatus::ChangesRequested, Some(key)) = (s.status, &props.tenant_key) {
                <AmendForm api={props.api.clone()} tenant_key={key.clone()} submission={props.submission.clone()}
                    on_view={on_change} corrected={props.corrected.clone()} on_list_sent={props.on_list_sent.clone()} />
            }
            { decision_history(&t, "decision-history", &s.decisions) }
            { amendment_list(&t, "amendments", &s.amendments) }
            if let Some(schedule) = &s.schedule {
                { import_progress(&t, schedule, failures_download(props, &problem)) }
            }
            if let Some(refresh) = refresh {
                <button onclick={refresh.reform(|_: MouseEvent| ())}>{ t.get("status.refresh") }</button>
            }
        </section>
    }
}

fn status_words(t: &Texts, status: SubmissionStatus) -> &str {
    t.get(match status {
        SubmissionStatus::PendingReview => "status.pending_review",
        SubmissionStatus::ChangesRequested => "status.changes_requested",
        SubmissionStatus::Approved => "status.approved",
        SubmissionStatus::Importing => "status.importing",
        SubmissionStatus::Imported => "status.imported",
        SubmissionStatus::Rejected => "status.rejected",
    })
}

fn verdict_words(t: &Texts, verdict: Verdict) -> &str {
    t.get(match verdict {
        Verdict::Approved => "status.verdict.approved",
        Verdict::ChangesRequested => "status.verdict.changes_requested",
        Verdict::Rejected => "status.verdict.rejected",
    })
}

/// What a reason says is missing, in `t`'s language (English: the server's words).
fn reason_words<'a>(t: &'a Texts, reason: &'a ReasonView) -> &'a str {
    t.localize(&format!("status.reason.{}", reason.reason), &reason.missing)
}

/// A decision's reasons, each with what is missing, and the reviewer's note.
fn reasons_and_note(t: &Texts, decision: &DecisionView) -> Html {
    html! {
        <>
            if !decision.reasons.is_empty() {
                <ul>{ for decision.reasons.iter().map(|r| html! { <li>{ reason_words(t, r) }</li> }) }</ul>
            }
            if !decision.note.is_empty() {
                <p>{ t.get("status.note") }{ " " }{ &decision.note }</p>
            }
        </>
    }
}

/// What an approval left out, and how many contacts: "Left out of the
/// import: “in-store tablet”, the SMS segment (1 contact)".
pub fn exclusion_words(t: &Texts, excluded: &ExcludedView) -> String {
    let sources = excluded.exclusions.opt_in_sources.iter().map(|s| {
        if s.is_empty() {
            t.get("evidence.source_blank").to_owned()
        } else {
            format!("“{s}”")
        }
    });
    let segments = excluded.exclusions.segments.iter().map(|s| {
        let name = format!("segment.{}.name", s.as_str());
        t.format("status.excluded_segment", &[("segment", t.get(&name))])
    });
    let what: Vec<String> = sources.chain(segments).collect();
    let contacts = t.plural("status.excluded_contacts", excluded.contacts, &[]);
    t.format(
        "status.excluded",
        &[("what", &what.join(", ")), ("contacts", &contacts)],
    )
}

/// Every decision, oldest first, in the element with `id` (nothing before
/// the first). The reviewer console shows the same list in English.
pub fn decision_history(t: &Texts, id: &str, decisions: &[DecisionView]) -> Html {
    if decisions.is_empty() {
        return Html::default();
    }
    html! {
        <div id={id.to_owned()}>
            <h3>{ t.get("status.history") }</h3>
            <ol>{ for decisions.iter().map(|d| html! {
                <li data-verdict={d.verdict.as_str()}>
                    <strong>{ verdict_words(t, d.verdict) }</strong>{ " · " }{ moment(&d.decided_at) }
                    { reasons_and_note(t, d) }
                    if let Some(excluded) = d.excluded.as_ref().filter(|e| !e.exclusions.is_empty()) {
                        <p class="excluded">{ exclusion_words(t, excluded) }</p>
                    }
                </li>
            }) }</ol>
        </div>
    }
}

/// What one amendment added, in words: "1 evidence file, new consent answers".
fn amendment_words(t: &Texts, amendment: &AmendmentView) -> String {
    let mut added = Vec::new();
    if amendment.evidence_added > 0 {
        added.push(t.plural("status.amendment.files", amendment.evidence_added, &[]));
    }
    if amendment.consent_replaced {
        added.push(t.get("status.amendment.consent").to_owned());
    }
    if amendment.clean_replaced {
        added.push(t.get("status.amendment.clean").to_owned());
    }
    added.join(", ")
}

/// Every amendment, oldest first, in the element with `id` (nothing before
/// the first). The reviewer console shows the same list in English.
pub fn amendment_list(t: &Texts, id: &str, amendments: &[AmendmentView]) -> Html {
    if amendments.is_empty() {
        return Html::default();
    }
    html! {
        <div id={id.to_owned()}>
            <h3>{ t.get("status.amendments") }</h3>
            <ol>{ for amendments.iter().map(|a| html! {
                <li>{ t.format("status.amendment", &[("when", &moment(&a.amended_at)), ("what", &amendment_words(t, a))]) }
                    if !a.note.is_empty() { <p>{ t.get("status.amendment.note") }{ " " }{ &a.note }</p> }
                </li>
            }) }</ol>
        </div>
    }
}

/// An RFC 3339 moment as people read it, in UTC: `2026-11-26 10:00 UTC`
/// (the text itself if it is not one).
pub fn moment(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text).map_or_else(
        |_| text.to_owned(),
        |at| {
            at.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        },
    )
}

/// The first of `units` (each with its length in seconds, largest first)
/// that counts a non-zero `seconds` whole.
pub fn largest_whole_unit<T: Copy>(seconds: u64, units: &[(T, u64)]) -> Option<(T, u64)> {
    units
        .iter()
        .copied()
        .find(|(_, unit)| seconds > 0 && seconds.is_multiple_of(*unit))
}

/// Seconds between batches in the largest unit that counts them whole:
/// "1 day", "90 minutes", "45 seconds".
pub fn interval_words(t: &Texts, seconds: u64) -> String {
    let units = [
        ("status.interval.days", 86_400),
        ("status.interval.hours", 3_600),
        ("status.interval.minutes", 60),
    ];
    let (id, unit) = largest_whole_unit(seconds, &units).unwrap_or(("status.interval.seconds", 1));
    t.plural(id, seconds / unit, &[])
}

/// The confirmed plan in words.
fn plan_list(t: &Texts, plan: &Plan) -> Html {
    let growth = if plan.growth == 1 {
        t.get("status.plan.steady").to_owned()
    } else {
        t.format("status.plan.times", &[("growth", &t.count(plan.growth))])
    };
    let daily = plan.daily_cap.map_or_else(
        || t.get("status.plan.no_daily_cap").to_owned(),
        |n| t.count(n),
    );
    let rows = [
        ("status.plan.first", t.count(plan.first_batch)),
        ("status.plan.growth", growth),
        ("status.plan.cap", t.count(plan.cap)),
        (
            "status.plan.interval",
            interval_words(t, plan.interval_seconds),
        ),
        ("status.plan.daily_cap", daily),
    ];
    html! {
        <dl id="import-plan">{ for rows.into_iter().map(|(id, value)| html! {
            <><dt>{ t.get(id) }</dt><dd>{ value }</dd></>
        }) }</dl>
    }
}

/// The import: plan, pause, progress, when the next batch is due, and each
/// batch. `download` fetches `failures.csv`, when the page can.
fn import_progress(t: &Texts, schedule: &ScheduleView, download: Option<Callback<()>>) -> Html {
    let done = t.count(schedule.imported);
    let next_due = schedule
        .next_due_at
        .as_deref()
        .filter(|_| !schedule.paused && schedule.awaiting_signals.is_none());
    html! {
        <div id="import">
            <h3>{ t.get("status.import") }</h3>
            { plan_list(t, &schedule.plan) }
            if schedule.paused {
                <p class="alert" id="import-paused">{ match &schedule.paused_reason {
                    Some(reason) => t.format("status.paused_because", &[("reason", reason)]),
                    None => t.get("status.paused").to_owned(),
                } }</p>
            }
            <p id="import-progress">{ t.plural("status.import_progress", schedule.to_import, &[("imported", &done)]) }</p>
            <progress max={schedule.to_import.to_string()} value={schedule.imported.to_string()}
                aria-label={t.get("status.imported_label").to_owned()} />
            if schedule.failed > 0 {
                <p id="import-failed">{ t.plural("status.failed_rows", schedule.failed, &[]) }
                    if let Some(download) = download {
                        { " " }<button id="failures-download" onclick={download.reform(|_: MouseEvent| ())}>
                            { t.get("status.failures_download") }</button>
                    }
                </p>
            }
            if let Some(batch) = schedule.awaiting_signals {
                <p id="awaiting-signals">{ t.format("status.awaiting_signals", &[("batch", &batch.to_string())]) }</p>
            }
            if let Some(due) = next_due {
                <p id="next-batch-due">{ t.format("status.next_batch_due", &[("when", &moment(due))]) }</p>
            }
            if let Some(done) = &schedule.completed_at {
                <p id="import-completed">{ t.format("status.completed", &[("when", &moment(done))]) }</p>
            }
            { confirmations(t, &schedule.confirmations) }
            <table class="segments" id="import-batches">
                <thead><tr><th scope="col">{ t.get("status.batch") }</th><th scope="col">{ t.get("status.contacts") }</th>
                    <th scope="col">{ t.get("status.status") }</th><th scope="col">{ t.get("status.batch_imported") }</th>
                    <th scope="col">{ t.get("status.batch_failed") }</th></tr></thead>
                <tbody>{ for schedule.batches.iter().map(|b| batch_row(t, b)) }</tbody>
            </table>
        </div>
    }
}

/// Where the consent of the contacts the submission imported stands, once
/// any are imported: under `sms-us` they await confirmation until the
/// platform reports that they completed its opt-in (or opted out).
fn confirmations(t: &Texts, counts: &ConfirmationCounts) -> Html {
    if counts.total() == 0 {
        return Html::default();
    }
    let rows = [
        (
            "confirmations-awaiting",
            "status.confirmations.awaiting",
            counts.awaiting_confirmation,
        ),
        (
            "confirmations-confirmed",
            "status.confirmations.confirmed",
            counts.confirmed,
        ),
        (
            "confirmations-opted-out",
            "status.confirmations.opted_out",
            counts.opted_out,
        ),
    ];
    html! {
        <div id="confirmations">
            <h4>{ t.get("status.confirmations") }</h4>
            if counts.awaiting_confirmation > 0 {
                <p>{ t.get("status.confirmations.hint") }</p>
            }
            <dl>{ for rows.into_iter().map(|(id, label, n)| html! {
                <><dt>{ t.get(label) }</dt><dd id={id}>{ t.count(n) }</dd></>
            }) }</dl>
        </div>
    }
}

fn batch_row(t: &Texts, batch: &BatchView) -> Html {
    let state = format!("status.batch.{}", batch.status.as_str());
    html! {
        <tr><td>{ batch.number }</td><td>{ t.count(batch.contacts) }</td>
            <td>{ t.get(&state) }</td>
            <td>{ t.count(batch.imported) }</td><td>{ t.count(batch.failed) }</td></tr>
    }
}

/// Fetches `failures.csv` with the tenant's key and saves it, when the page
/// has the key (the server answers only with it, so a plain link cannot);
/// a failure shows in `problem`.
fn failures_download(
    props: &StatusProps,
    problem: &UseStateHandle<Option<Failure>>,
) -> Option<Callback<()>> {
    let key = props.tenant_key.clone()?;
    let (api, id, problem) = (
        props.api.clone(),
        props.submission.id.clone(),
        problem.clone(),
    );
    Some(Callback::from(move |_: ()| {
        let (api, key, id, problem) = (api.clone(), key.clone(), id.clone(), problem.clone());
        spawn_local(async move {
            match api::failures_csv(&api, &key, &id).await {
                Ok(csv) => save_as(&csv, "failures.csv"),
                Err(failure) => problem.set(Some(failure)),
            }
        });
    }))
}

/// Saves `blob` as a download named `name`, through a link clicked once.
fn save_as(blob: &Blob, name: &str) {
    let Ok(url) = Url::create_object_url_with_blob(blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // The browser reads the blob after the click returns: let it go later.
    gloo::timers::callback::Timeout::new(60_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
}

/// Properties of [`AmendForm`].
#[derive(Properties, PartialEq, Debug)]
pub struct AmendProps {
    /// The API's base URL.
    pub api: String,
    /// The tenant's secret key.
    pub tenant_key: String,
    /// The submission whose changes were requested.
    pub submission: Rc<SubmissionView>,
    /// The submission as the server shows it once amended.
    pub on_view: Callback<SubmissionView>,
    /// The list as it stands now, if changed since it was sent.
    pub corrected: Option<Rc<CorrectedList>>,
    /// An amendment delivered this clean file.
    pub on_list_sent: Callback<Blob>,
}

/// Evidence files (each with its opt-in source) and a note for the
/// reviewer, added to the submission; it then waits for review again.
#[function_component]
pub fn AmendForm(props: &AmendProps) -> Html {
    let t = use_texts();
    let files = use_state(Vec::<(String, File)>::new);
    let source = use_state(String::new);
    let note = use_state(String::new);
    // Self-check questions first answered "no" that the merchant now answers
    // "yes", and the consent details as the merchant corrects them.
    let now_yes = use_state(Vec::<SelfCheckQuestion>::new);
    let details = use_state(|| Details::of(&props.submission));
    let send_list = use_state(|| false);
    let list = props.corrected.clone().filter(|_| *send_list);
    let consent = amended_declaration(&props.submission, &now_yes, &details);
    let sending = use_state(|| false);
    let problem = use_state(|| None::<Failure>);
    let attach = {
        let (files, source) = (files.clone(), source.clone());
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(list) = input.files() else { return };
            let mut next = (*files).clone();
            next.extend(
                (0..list.length())
                    .filter_map(|i| list.get(i))
                    .map(|f| ((*source).clone(), f)),
            );
            input.set_value("");
            files.set(next);
        })
    };
    let remove = |i: usize| {
        let files = files.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*files).clone();
            next.remove(i);
            files.set(next);
        })
    };
    let send = {
        let (files, note, sending, problem) = (
            files.clone(),
            note.clone(),
            sending.clone(),
            problem.clone(),
        );
        let consent = consent.clone().ok().flatten();
        let (list, on_list_sent) = (list.clone(), props.on_list_sent.clone());
        let (api, key, id, on_view) = (
            props.api.clone(),
            props.tenant_key.clone(),
            props.submission.id.clone(),
            props.on_view.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            sending.set(true);
            let (files, note, sending, problem) = (
                (*files).clone(),
                (*note).clone(),
                sending.clone(),
                problem.clone(),
            );
            let (api, key, id, on_view) = (api.clone(), key.clone(), id.clone(), on_view.clone());
            let (consent, list, on_list_sent) =
                (consent.clone(), list.clone(), on_list_sent.clone());
            spawn_local(async move {
                let amendment = api::Amendment {
                    api: &api,
                    key: &key,
                    id: &id,
                    evidence: &files,
                    consent: consent.as_ref(),
                    clean: list.as_ref().map(|l| (&l.clean, l.changes.as_ref())),
                    note: &note,
                };
                let answer = api::amend(amendment).await;
                sending.set(false);
                match answer {
                    Ok(view) => {
                        problem.set(None);
                        if let Some(list) = list {
                            on_list_sent.emit(list.clean.clone());
                        }
                        on_view.emit(view);
                    }
                    Err(failure) => problem.set(Some(failure)),
                }
            });
        })
    };
    let known: Vec<String> = props
        .submission
        .report
        .opt_in_sources
        .iter()
        .filter(|s| !s.source.is_empty())
        .map(|s| format!("“{}”", s.source))
        .collect();
    let source_hint = if known.is_empty() {
        t.get("evidence.source_hint").to_owned()
    } else {
        t.format("status.amend.sources", &[("sources", &known.join(", "))])
    };
    html! {
        <fieldset id="amend">
            <legend>{ t.get("status.amend.title") }</legend>
            if let Some(f) = &*problem { { failure_in(&t, f) } }
            { text_input("amend-source", t.get("evidence.files_source"), &source, &source_hint,
                { let s = source.clone(); Callback::from(move |v| s.set(v)) }) }
            <div class="field">
                <label for="amend-evidence">{ t.get("evidence.add_files") }</label>
                <input id="amend-evidence" type="file" multiple=true accept={EVIDENCE_ACCEPT} onchange={attach} />
            </div>
            <ul id="amend-files">{ for files.iter().enumerate().map(|(i, (source, f))| {
                let source = if source.is_empty() {
                    t.get("evidence.file_no_source").to_owned()
                } else {
                    t.format("evidence.file_source", &[("source", source)])
                };
                let (name, size) = (f.name(), human_size(f.size() as u64));
                html! {
                    <li>{ t.format("evidence.file", &[("name", &name), ("size", &size), ("source", &source)]) }
                        <button onclick={remove(i)} aria-label={t.format("evidence.remove_file", &[("name", &name)])}>
                            { t.get("evidence.remove") }</button></li>
                }
            }) }</ul>
            if let Some(corrected) = &props.corrected {
                { checkbox("amend-clean", &t.plural("status.amend.clean", corrected.contacts, &[]), *send_list,
                    { let s = send_list.clone(); Callback::from(move |on: bool| s.set(on)) }) }
            }
            if props.submission.consent.is_some() {
                <fieldset id="amend-consent">
                    <legend>{ t.get("status.amend.consent") }</legend>
                    { for Details::FIELDS.iter().map(|(id, label, field)| {
                        let (value, details, field) = (details.get(*field).to_owned(), details.clone(), *field);
                        text_input(id, t.get(label), &value, "", Callback::from(move |v: String| {
                            let mut next = (*details).clone();
                            *next.get_mut(field) = v;
                            details.set(next);
                        }))
                    }) }
                    if let Err(why) = &consent { <p class="alert" id="amend-consent-problem">{ why }</p> }
                </fieldset>
            }
            if !props.submission.unticked.is_empty() {
                <fieldset id="amend-answers">
                    <legend>{ t.get("status.amend.answers") }</legend>
                    { for props.submission.unticked.iter().map(|question| {
                        let (now_yes, question) = (now_yes.clone(), *question);
                        checkbox(&format!("amend-self-{question}"), t.get(&self_check_id(question)),
                            now_yes.contains(&question), Callback::from(move |yes: bool| {
                                let mut next: Vec<_> = now_yes.iter().copied().filter(|q| *q != question).collect();
                                if yes {
                                    next.push(question);
                                }
                                now_yes.set(next);
                            }))
                    }) }
                </fieldset>
            }
            { text_area("amend-note", t.get("status.amend.note"), &note, t.get("status.amend.note_hint"),
                { let s = note.clone(); Callback::from(move |v| s.set(v)) }) }
            <button class="primary" id="amend-submit" onclick={send} disabled={(files.is_empty() && list.is_none() && !matches!(consent, Ok(Some(_)))) || consent.is_err() || *sending}>
                { t.get(if *sending { "evidence.submitting" } else { "status.amend.submit" }) }</button>
        </fieldset>
    }
}

/// The consent details an amendment may correct, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
struct Details {
    wording: String,
    source: String,
    capture_method: String,
    double_opt_in: String,
}

/// Which of [`Details`].
#[derive(Debug, Clone, Copy, PartialEq)]
enum Detail {
    Wording,
    Source,
    CaptureMethod,
    DoubleOptIn,
}

impl Details {
    /// Each field: input id, label message, which.
    const FIELDS: [(&'static str, &'static str, Detail); 4] = [
        ("amend-wording", "evidence.wording", Detail::Wording),
        ("amend-consent-source", "evidence.source", Detail::Source),
        ("amend-capture", "evidence.capture", Detail::CaptureMethod),
        (
            "amend-double-opt-in",
            "evidence.double_opt_in",
            Detail::DoubleOptIn,
        ),
    ];

    /// The details the submission declared.
    fn of(submission: &SubmissionView) -> Details {
        submission
            .consent
            .as_ref()
            .map(|c| Details {
                wording: c.consent.wording.as_str().to_owned(),
                source: c.consent.source.as_str().to_owned(),
                capture_method: c.consent.capture_method.as_str().to_owned(),
                double_opt_in: c.consent.double_opt_in.as_str().to_owned(),
            })
            .unwrap_or_default()
    }

    fn get(&self, field: Detail) -> &str {
        match field {
            Detail::Wording => &self.wording,
            Detail::Source => &self.source,
            Detail::CaptureMethod => &self.capture_method,
            Detail::DoubleOptIn => &self.double_opt_in,
        }
    }

    fn get_mut(&mut self, field: Detail) -> &mut String {
        match field {
            Detail::Wording => &mut self.wording,
            Detail::Source => &mut self.source,
            Detail::CaptureMethod => &mut self.capture_method,
            Detail::DoubleOptIn => &mut self.double_opt_in,
        }
    }
}

/// The submission's consent declaration with `details` and `now_yes`
/// answered "yes": the amendment's new consent answers, `None` when they
/// are the stored ones, or why the server would refuse them.
fn amended_declaration(
    submission: &SubmissionView,
    now_yes: &[SelfCheckQuestion],
    details: &Details,
) -> Result<Option<ConsentDeclaration>, String> {
    let Some(stored) = &submission.consent else {
        return Ok(None);
    };
    if now_yes.is_empty() && *details == Details::of(submission) {
        return Ok(None);
    }
    let mut json = serde_json::to_value(stored).map_err(|e| e.to_string())?;
    json["consent"] = serde_json::json!({
        "wording": details.wording.trim(),
        "source": details.source.trim(),
        "capture_method": details.capture_method.trim(),
        "double_opt_in": details.double_opt_in.trim(),
    });
    let mut declaration: ConsentDeclaration =
        serde_json::from_value(json).map_err(|e| e.to_string())?;
    for question in now_yes {
        declaration.self_check.insert(*question, true);
    }
    Ok(Some(declaration))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::i18n::Locale;
    use listgate_api::{Exclusions, Reason};
    use listgate_core::Segment;

    #[test]
    fn intervals_read_in_their_largest_whole_unit() {
        let en = Texts::default();
        assert_eq!(interval_words(&en, 86_400), "1 day");
        assert_eq!(interval_words(&en, 2 * 86_400), "2 days");
        assert_eq!(interval_words(&en, 3_600), "1 hour");
        assert_eq!(interval_words(&en, 5_400), "90 minutes");
        assert_eq!(interval_words(&en, 45), "45 seconds");
        assert_eq!(interval_words(&en, 0), "0 seconds");
        assert_eq!(interval_words(&Texts::new(Locale::Es), 7_200), "2 horas");
    }

    #[test]
    fn moments_read_in_utc() {
        assert_eq!(moment("2026-11-26T10:00:05+01:00"), "2026-11-26 09:00 UTC");
        assert_eq!(moment("soon"), "soon");
    }

    #[test]
    fn an_approval_says_what_it_left_out() {
        let excluded = ExcludedView {
            exclusions: Exclusions {
                opt_in_sources: vec!["in-store tablet".into(), String::new()],
                segments: vec![Segment::SmsOnly],
            },
            contacts: 1,
        };
        assert_eq!(
            exclusion_words(&Texts::default(), &excluded),
            "Left out of the import: “in-store tablet”, (no source given), the SMS segment (1 contact)"
        );
    }

    #[test]
    fn amendments_and_reasons_read_in_the_merchants_language() {
        let amendment = AmendmentView {
            evidence_added: 2,
            consent_replaced: true,
            clean_replaced: false,
            note: String::new(),
            amended_at: "2026-11-26T10:00:00Z".into(),
        };
        assert_eq!(
            amendment_words(&Texts::default(), &amendment),
            "2 evidence files, new consent answers"
        );
        let reason = ReasonView::from(Reason::NotRecent);
        assert_eq!(
            reason_words(&Texts::default(), &reason),
            Reason::NotRecent.what_is_missing()
        );
        assert!(reason_words(&Texts::new(Locale::Es), &reason).contains("6 meses"));
    }
}
