//! Step 7: consent evidence, the self-check and the submission package.

use super::form::{checkbox, human_size, secret_input, text_area, text_input};
use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::Evidence;
use crate::protocol::Checked;
use listgate_api::{ReviewKind, SelfCheck, SelfCheckQuestion};
use listgate_core::output::OutputFile;
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
    /// The list is being checked again with the latest changes: its clean
    /// file is not the one to send yet.
    #[prop_or_default]
    pub updating: bool,
    /// The merchant types the tenant's API key (not when a partner's
    /// widget submits with its publishable key).
    #[prop_or(true)]
    pub asks_for_key: bool,
}

/// What is still missing before the package can be built, in plain words.
pub fn missing(texts: &Texts, evidence: &Evidence, checked: &Checked) -> Vec<String> {
    let mut missing = Vec::new();
    let mut need = |id: &str| missing.push(texts.get(id).to_owned());
    if checked.report.summary.importable == 0 {
        need("evidence.missing.importable");
    }
    if evidence.wording.trim().is_empty() {
        need("evidence.missing.wording");
    }
    if evidence.source.trim().is_empty() {
        need("evidence.missing.source");
    }
    if evidence.capture_method.trim().is_empty() {
        need("evidence.missing.capture");
    }
    let sources = &checked.report.opt_in_sources;
    if sources.is_empty() && evidence.files.is_empty() {
        need("evidence.missing.files");
    }
    for s in sources {
        if evidence.files_for(&s.source) == 0 {
            let contacts = texts.plural("evidence.source_contacts", s.contacts, &[]);
            missing.push(texts.format(
                "evidence.missing.source_files",
                &[
                    ("source", &source_name(texts, &s.source)),
                    ("contacts", &contacts),
                ],
            ));
        }
    }
    let review = review_kind(checked);
    for question in review.self_check() {
        if evidence.self_check.get(question) != Some(&true) {
            let question = texts.get(&self_check_id(*question)).to_owned();
            missing.push(texts.format("evidence.missing.confirm", &[("question", &question)]));
        }
    }
    if review.needs_gdpr_confirmation() && !evidence.gdpr_confirmed {
        missing.push(texts.get("evidence.missing.gdpr").to_owned());
    }
    missing
}

/// The review the checked list will get: its profile's, which sets the
/// self-check questions and whether GDPR consent is confirmed. (The worker
/// checks only with built-in profiles; like the server, any other profile
/// would get a WhatsApp platform's review.)
pub fn review_kind(checked: &Checked) -> ReviewKind {
    ReviewKind::of_builtin(&checked.report.profile).unwrap_or(ReviewKind::Whatsapp)
}

/// An opt-in source as the merchant reads it: quoted, or words for a blank one.
fn source_name(texts: &Texts, source: &str) -> String {
    if source.is_empty() {
        texts.get("evidence.source_blank").to_owned()
    } else {
        format!("“{source}”")
    }
}

/// The message id of a self-check question.
pub fn self_check_id(question: SelfCheckQuestion) -> String {
    format!("evidence.self_check.{}", question.as_str())
}

/// What the merchant declares about consent: the `consent` part Submit
/// sends, in the shape the server accepts (no other fields). Only the
/// answers to `review`'s questions go: answers given before the profile
/// changed are the server's to refuse (422), not the merchant's to send.
/// `held_back`: what the tenant's opt-out list held back in the check, if
/// it had one (the reviewer sees it).
pub fn declaration(
    evidence: &Evidence,
    review: ReviewKind,
    held_back: Option<u64>,
) -> serde_json::Value {
    let self_check: SelfCheck = review
        .self_check()
        .iter()
        .filter_map(|q| evidence.self_check.get(q).map(|answer| (*q, *answer)))
        .collect();
    json!({
        "consent": {
            "wording": evidence.wording,
            "source": evidence.source,
            "capture_method": evidence.capture_method,
            "double_opt_in": evidence.double_opt_in,
        },
        "self_check": self_check,
        "gdpr_confirmed": evidence.gdpr_confirmed,
        "held_back_by_opt_outs": held_back,
    })
}

/// The submission manifest the merchant downloads: the declaration with
/// the check's summary and the evidence list, without any row of the list
/// (the clean file travels beside it).
pub fn manifest(evidence: &Evidence, checked: &Checked) -> serde_json::Value {
    let report = &checked.report;
    let mut manifest = json!({
        "profile": report.profile,
        "summary": report.summary,
        "segments": report.segments,
        "mapping": report.mapping,
        "batches": report.batches,
        "clean_file": OutputFile::Clean.name(),
        "evidence": evidence.files.iter().map(|(source, f)| json!({
            "opt_in_source": source, "name": f.name(), "type": f.type_(), "bytes": f.size() as u64,
        })).collect::<Vec<_>>(),
    });
    if let (Some(manifest), serde_json::Value::Object(declared)) = (
        manifest.as_object_mut(),
        declaration(
            evidence,
            review_kind(checked),
            checked.opt_outs.map(|o| o.held_back),
        ),
    ) {
        manifest.extend(declared);
    }
    manifest
}

/// Evidence files, consent details, self-check and the package.
#[function_component]
pub fn EvidenceStep(props: &EvidenceProps) -> Html {
    let t = use_texts();
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
    // Files chosen in an input join the evidence for the source it names
    // (`None`: the source typed in the field beside the general input).
    let attach = |named: Option<String>| {
        let (ev, on, typed) = (e.clone(), props.on_change.clone(), evidence_source.clone());
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(list) = input.files() else { return };
            let source = named.clone().unwrap_or_else(|| (*typed).clone());
            let mut next = ev.clone();
            for i in 0..list.length() {
                if let Some(file) = list.get(i) {
                    next.files.push((source.clone(), file));
                }
            }
            input.set_value("");
            on.emit(next);
        })
    };
    let report = &props.checked.report;
    let review = review_kind(&props.checked);
    let sources = report.opt_in_sources.iter().enumerate().map(|(i, s)| {
        let id = format!("evidence-for-{i}");
        let name = source_name(&t, &s.source);
        let files = e.files_for(&s.source) as u64;
        html! {
            <li data-source={s.source.clone()} class={classes!((files == 0).then_some("needs-evidence"))}>
                <p><strong>{ name.clone() }</strong>{ " — " }{ t.plural("evidence.source_contacts", s.contacts, &[]) }
                    { " · " }
                    if files == 0 { <span class="error-text">{ t.get("evidence.source_no_files") }</span> }
                    else { <span class="ok-text">{ t.plural("evidence.source_files", files, &[]) }</span> }</p>
                <div class="field">
                    <label for={id.clone()}>{ t.format("evidence.add_for_source", &[("source", &name)]) }</label>
                    <input id={id} class="evidence-for-source" type="file" multiple=true accept={EVIDENCE_ACCEPT}
                        onchange={attach(Some(s.source.clone()))} />
                </div>
            </li>
        }
    });
    // Where the list names no sources (or more than are listed), the
    // merchant names the source of each file.
    let general_input = report.opt_in_sources.is_empty() || report.opt_in_sources_not_listed > 0;
    let remove = |i: usize| {
        let (ev, on) = (e.clone(), props.on_change.clone());
        Callback::from(move |_: MouseEvent| {
            let mut next = ev.clone();
            next.files.remove(i);
            on.emit(next);
        })
    };
    let mut missing = missing(&t, e, &props.checked);
    if props.updating {
        missing.push(t.get("evidence.missing.updating").to_owned());
    }
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
            <h2 id="evidence-title">{ t.get("evidence.title") }</h2>
            { text_area("wording", t.get("evidence.wording"), &e.wording,
                t.get("evidence.wording_hint"), edit(|e, v| e.wording = v)) }
            { text_input("consent-source", t.get("evidence.source"), &e.source,
                t.get("evidence.source_hint"), edit(|e, v| e.source = v)) }
            { text_input("capture-method", t.get("evidence.capture"), &e.capture_method,
                t.get("evidence.capture_hint"), edit(|e, v| e.capture_method = v)) }
            { text_area("double-opt-in", t.get("evidence.double_opt_in"), &e.double_opt_in,
                t.get("evidence.double_opt_in_hint"), edit(|e, v| e.double_opt_in = v)) }
            <fieldset>
                <legend>{ t.get("evidence.files") }</legend>
                if !report.opt_in_sources.is_empty() {
                    <p class="muted">{ t.get("evidence.sources_intro") }</p>
                    <ul class="sources" id="evidence-sources">{ for sources }</ul>
                }
                if report.opt_in_sources_not_listed > 0 {
                    <p>{ t.plural("evidence.other_sources", report.opt_in_sources_not_listed, &[]) }</p>
                }
                if general_input {
                    <div class="field">
                        <label for="evidence-source">{ t.get("evidence.files_source") }</label>
                        <input id="evidence-source" type="text" value={(*evidence_source).clone()}
                            oninput={let s = evidence_source.clone(); Callback::from(move |ev: InputEvent| s.set(ev.target_unchecked_into::<HtmlInputElement>().value()))} />
                    </div>
                    <div class="field">
                        <label for="evidence-files">{ t.get("evidence.add_files") }</label>
                        <input id="evidence-files" type="file" multiple=true accept={EVIDENCE_ACCEPT} onchange={attach(None)} />
                    </div>
                }
                <ul id="evidence-list">
                    { for e.files.iter().enumerate().map(|(i, (source, f))| {
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
                    }) }
                </ul>
            </fieldset>
            <fieldset>
                <legend>{ t.get("evidence.self_check") }</legend>
                { for review.self_check().iter().map(|question| {
                    let (ev, on, question) = (e.clone(), props.on_change.clone(), *question);
                    checkbox(&format!("self-{question}"), t.get(&self_check_id(question)),
                        e.self_check.get(&question) == Some(&true),
                        Callback::from(move |v: bool| {
                            let mut next = ev.clone();
                            next.self_check.insert(question, v);
                            on.emit(next);
                        }))
                }) }
                if review.needs_gdpr_confirmation() {
                    { checkbox("gdpr", t.get("evidence.gdpr"),
                        e.gdpr_confirmed, { let (ev, on) = (e.clone(), props.on_change.clone());
                            Callback::from(move |v: bool| { let mut next = ev.clone(); next.gdpr_confirmed = v; on.emit(next); }) }) }
                }
            </fieldset>
            if !missing.is_empty() {
                <div class="alert" id="missing"><p>{ t.get("evidence.missing") }</p>
                    <ul>{ for missing.iter().map(|m| html! { <li>{ m }</li> }) }</ul></div>
            }
            <div class="actions">
                <button class="primary" id="build-package" onclick={build} disabled={!missing.is_empty()}>{ t.get("evidence.build") }</button>
                if let Some(url) = &*package {
                    <a id="package" href={url.clone()} download="submission.json">{ "submission.json" }</a>
                    <p class="muted">{ t.get("evidence.package_note") }</p>
                }
            </div>
            <fieldset>
                <legend>{ t.get("evidence.submit_legend") }</legend>
                if props.asks_for_key {
                    { secret_input("api-key", t.get("evidence.api_key"), &e.api_key,
                        t.get("evidence.api_key_hint"), edit(|e, v| e.api_key = v)) }
                }
                <button class="primary" id="submit" onclick={props.on_submit.reform(|_: MouseEvent| ())}
                    disabled={!missing.is_empty() || (props.asks_for_key && e.api_key.trim().is_empty()) || props.submitting}>
                    { t.get(if props.submitting { "evidence.submitting" } else { "evidence.submit" }) }</button>
            </fieldset>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SelfCheckQuestion::*;
    use listgate_api::ConsentDeclaration;

    #[test]
    fn the_declaration_answers_only_the_profiles_questions() {
        // Answers given before the merchant switched from whatsapp to sms-us.
        let evidence = Evidence {
            wording: "Texts from Acme".into(),
            source: "shop".into(),
            capture_method: "signed form".into(),
            self_check: SelfCheck::from([
                (WordingNamesWhatsapp, true),
                (TimestampAndSource, true),
                (WordingNamesSms, false),
            ]),
            ..Evidence::default()
        };
        let read = |review| -> ConsentDeclaration {
            serde_json::from_value(declaration(&evidence, review, Some(1)))
                .expect("the server's shape")
        };
        let sms = read(ReviewKind::Sms);
        assert_eq!(
            sms.self_check,
            SelfCheck::from([(TimestampAndSource, true), (WordingNamesSms, false)])
        );
        assert_eq!(sms.refusal(ReviewKind::Sms), None);
        assert_eq!(sms.consent.capture_method.as_str(), "signed form");
        assert_eq!(sms.held_back_by_opt_outs, Some(1));
        let whatsapp = read(ReviewKind::Whatsapp);
        assert_eq!(
            whatsapp.self_check,
            SelfCheck::from([(WordingNamesWhatsapp, true), (TimestampAndSource, true)])
        );
    }
}
