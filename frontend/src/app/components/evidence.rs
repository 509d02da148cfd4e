//! Step 7: consent evidence, the self-check and the submission package.

use super::form::{checkbox, human_size, secret_input, text_area, text_input};
use crate::app::state::{Evidence, SELF_CHECK};
use crate::protocol::Checked;
use serde_json::json;
use std::rc::Rc;
use web_sys::{Blob, BlobPropertyBag, HtmlInputElement, Url};
use yew::prelude::*;

/// Evidence file types accepted.
pub const EVIDENCE_ACCEPT: &str =
    "image/png,image/jpeg,image/webp,application/pdf,.png,.jpg,.jpeg,.webp,.pdf";

/// Properties of [`EvidenceStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct EvidenceProps {
    /// The check being submitted.
    pub checked: Rc<Checked>,
    /// Evidence so far.
    pub evidence: Evidence,
    /// Evidence changed.
    pub on_change: Callback<Evidence>,
    /// Submit the package to the listgate server.
    pub on_submit: Callback<()>,
    /// A submission is on its way.
    pub submitting: bool,
}

/// What is still missing before the package can be built, in plain words.
pub fn missing(evidence: &Evidence, checked: &Checked) -> Vec<String> {
    let mut missing = Vec::new();
    if checked.report.summary.importable == 0 {
        missing.push("no row can be imported: fix the error file and check it again".into());
    }
    if evidence.wording.trim().is_empty() {
        missing.push("paste the exact consent wording".into());
    }
    if evidence.source.trim().is_empty() {
        missing.push("say where contacts opted in".into());
    }
    if evidence.capture_method.trim().is_empty() {
        missing.push("describe how consent was captured".into());
    }
    if evidence.files.is_empty() {
        missing.push("attach at least one screenshot or PDF of the opt-in".into());
    }
    for (key, question) in SELF_CHECK {
        if !evidence.self_check.get(key).copied().unwrap_or(false) {
            missing.push(format!("confirm: {question}"));
        }
    }
    if checked.report.profile == "email-gdpr" && !evidence.gdpr_confirmed {
        missing.push("confirm the GDPR consent statement".into());
    }
    missing
}

/// The submission manifest: what will be sent, without any row of the list
/// (the clean file travels beside it).
pub fn manifest(evidence: &Evidence, checked: &Checked) -> serde_json::Value {
    let report = &checked.report;
    json!({
        "profile": report.profile,
        "summary": report.summary,
        "segments": report.segments,
        "mapping": report.mapping,
        "batches": report.batches,
        "clean_file": "clean.csv",
        "consent": {
            "wording": evidence.wording,
            "source": evidence.source,
            "capture_method": evidence.capture_method,
            "double_opt_in": evidence.double_opt_in,
        },
        "self_check": evidence.self_check,
        "gdpr_confirmed": evidence.gdpr_confirmed,
        "evidence": evidence.files.iter().map(|(source, f)| json!({
            "opt_in_source": source, "name": f.name(), "type": f.type_(), "bytes": f.size() as u64,
        })).collect::<Vec<_>>(),
    })
}

/// Evidence files, consent details, self-check and the package.
#[function_component]
pub fn EvidenceStep(props: &EvidenceProps) -> Html {
    let e = &props.evidence;
    let evidence_source = use_state(String::new);
    let package = use_state(|| None::<String>);
    let edit = |apply: fn(&mut Evidence, String)| {
        let (ev, on) = (e.clone(), props.on_change.clone());
        Callback::from(move |v: String| {
            let mut next = ev.clone();
            apply(&mut next, v);
            on.emit(next);
        })
    };
    let on_files = {
        let (ev, on, source) = (e.clone(), props.on_change.clone(), evidence_source.clone());
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(list) = input.files() else { return };
            let mut next = ev.clone();
            for i in 0..list.length() {
                if let Some(file) = list.get(i) {
                    next.files.push(((*source).clone(), file));
                }
            }
            input.set_value("");
            on.emit(next);
        })
    };
    let remove = |i: usize| {
        let (ev, on) = (e.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = ev.clone();
            next.files.remove(i);
            on.emit(next);
        })
    };
    let missing = missing(e, &props.checked);
    let build = {
        let (ev, checked, package) = (e.clone(), props.checked.clone(), package.clone());
        Callback::from(move |_: MouseEvent| {
            let text = serde_json::to_string_pretty(&manifest(&ev, &checked)).unwrap_or_default();
            let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
            let options = BlobPropertyBag::new();
            options.set_type("application/json");
            if let Some(url) = Blob::new_with_str_sequence_and_options(&parts, &options)
                .ok()
                .and_then(|b| Url::create_object_url_with_blob(&b).ok())
            {
                if let Some(old) = (*package).clone() {
                    let _ = Url::revoke_object_url(&old);
                }
                package.set(Some(url));
            }
        })
    };
    html! {
        <section aria-labelledby="evidence-title">
            <h2 id="evidence-title">{ "7. Consent evidence and attestation" }</h2>
            { text_area("wording", "Exact consent wording", &e.wording,
                "Paste the sentence contacts agreed to, word for word.", edit(|e, v| e.wording = v)) }
            { text_input("consent-source", "Where contacts opted in", &e.source,
                "A web page address, a shop, an event…", edit(|e, v| e.source = v)) }
            { text_input("capture-method", "How consent was captured", &e.capture_method,
                "E.g. unticked checkbox on the checkout page.", edit(|e, v| e.capture_method = v)) }
            { text_area("double-opt-in", "Double opt-in (if used)", &e.double_opt_in,
                "How contacts confirmed, e.g. a reply to a confirmation message.", edit(|e, v| e.double_opt_in = v)) }
            <fieldset>
                <legend>{ "Evidence files (screenshots or PDF of the opt-in)" }</legend>
                <div class="field">
                    <label for="evidence-source">{ "Opt-in source these files show" }</label>
                    <input id="evidence-source" type="text" value={(*evidence_source).clone()}
                        oninput={let s = evidence_source.clone(); Callback::from(move |ev: InputEvent| s.set(ev.target_unchecked_into::<HtmlInputElement>().value()))} />
                </div>
                <div class="field">
                    <label for="evidence-files">{ "Add files" }</label>
                    <input id="evidence-files" type="file" multiple=true accept={EVIDENCE_ACCEPT} onchange={on_files} />
                </div>
                <ul id="evidence-list">
                    { for e.files.iter().enumerate().map(|(i, (source, f))| html! {
                        <li>{ format!("{} ({}, {})", f.name(), human_size(f.size() as u64),
                                if source.is_empty() { "no source named".to_owned() } else { format!("source: {source}") }) }
                            <button onclick={remove(i)} aria-label={format!("Remove {}", f.name())}>{ "Remove" }</button></li>
                    }) }
                </ul>
            </fieldset>
            <fieldset>
                <legend>{ "Self-check" }</legend>
                { for SELF_CHECK.iter().map(|(key, question)| {
                    let (ev, on, key_owned) = (e.clone(), props.on_change.clone(), (*key).to_owned());
                    checkbox(&format!("self-{key}"), question, e.self_check.get(*key).copied().unwrap_or(false),
                        Callback::from(move |v: bool| {
                            let mut next = ev.clone();
                            next.self_check.insert(key_owned.clone(), v);
                            on.emit(next);
                        }))
                }) }
                if props.checked.report.profile == "email-gdpr" {
                    { checkbox("gdpr", "Every contact gave GDPR-compliant consent to receive email from us, and we can prove it.",
                        e.gdpr_confirmed, { let (ev, on) = (e.clone(), props.on_change.clone());
                            Callback::from(move |v: bool| { let mut next = ev.clone(); next.gdpr_confirmed = v; on.emit(next); }) }) }
                }
            </fieldset>
            if !missing.is_empty() {
                <div class="alert" id="missing"><p>{ "Before you can submit:" }</p>
                    <ul>{ for missing.iter().map(|m| html! { <li>{ m }</li> }) }</ul></div>
            }
            <div class="actions">
                <button class="primary" id="build-package" onclick={build} disabled={!missing.is_empty()}>{ "Build the submission package" }</button>
                if let Some(url) = &*package {
                    <a id="package" href={url.clone()} download="submission.json">{ "submission.json" }</a>
                    <p class="muted">{ "The package holds your answers and the list of evidence files (keep a copy); Submit sends it with clean.csv and the evidence files." }</p>
                }
            </div>
            <fieldset>
                <legend>{ "Submit" }</legend>
                { secret_input("api-key", "Your listgate API key", &e.api_key,
                    "Only the clean file, your answers and the evidence files are sent — never the rows that were rejected.",
                    edit(|e, v| e.api_key = v)) }
                <button class="primary" id="submit" onclick={props.on_submit.reform(|_: MouseEvent| ())}
                    disabled={!missing.is_empty() || e.api_key.trim().is_empty() || props.submitting}>
                    { if props.submitting { "Submitting…" } else { "Submit to listgate" } }</button>
            </fieldset>
        </section>
    }
}
