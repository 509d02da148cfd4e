//! The reviewer's answer to "who opted in, when, how, to what, and who
//! approved it": one contact's consent chain from the ledger, looked up by
//! its key within the submission's tenant.

use super::form::text_input;
use crate::app::api::review_get;
use listgate_api::{ConsentChain, ConsentEventView};
use yew::prelude::*;

/// Properties of [`ConsentLookup`].
#[derive(Properties, PartialEq, Debug)]
pub struct ConsentLookupProps {
    /// The submission whose tenant's ledger is searched.
    pub submission: String,
}

/// A contact key field and the chain it finds, oldest event first.
#[function_component]
pub fn ConsentLookup(props: &ConsentLookupProps) -> Html {
    let key = use_state(String::new);
    let found = use_state(|| None::<Result<ConsentChain, String>>);
    let look_up = {
        let (key, found, submission) = (key.clone(), found.clone(), props.submission.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let contact = key.trim().to_owned();
            if contact.is_empty() {
                return;
            }
            let (found, submission) = (found.clone(), submission.clone());
            yew::platform::spawn_local(async move {
                let path = format!(
                    "/review/contacts/{}/consent?submission={}",
                    js_sys::encode_uri_component(&contact),
                    js_sys::encode_uri_component(&submission)
                );
                found.set(Some(
                    review_get::<ConsentChain>(&path)
                        .await
                        .map_err(|f| f.message),
                ));
            });
        })
    };
    html! {
        <form id="consent-lookup" onsubmit={look_up}>
            <h4>{ "A contact's consent chain" }</h4>
            { text_input("contact-key", "Contact", &key,
                "Its key: the number in E.164 (+447911123456), the e-mail address, or the ContactId.",
                { let key = key.clone(); Callback::from(move |v| key.set(v)) }) }
            <button type="submit" id="show-chain">{ "Show its consent chain" }</button>
            { match &*found {
                None => html! {},
                Some(Err(why)) => html! { <p class="alert" id="consent-chain-error">{ why }</p> },
                Some(Ok(chain)) => chain_table(chain),
            } }
        </form>
    }
}

fn chain_table(chain: &ConsentChain) -> Html {
    html! {
        <table id="consent-chain" class="segments">
            <caption>{ format!("{}: {} events, oldest first", chain.contact_key, chain.events.len()) }</caption>
            <thead><tr>
                <th scope="col">{ "#" }</th><th scope="col">{ "What" }</th><th scope="col">{ "Recorded" }</th>
                <th scope="col">{ "Consent" }</th><th scope="col">{ "Submission and approval" }</th>
                <th scope="col">{ "Opt-out, reason" }</th>
            </tr></thead>
            <tbody>{ for chain.events.iter().map(event_row) }</tbody>
        </table>
    }
}

fn event_row(e: &ConsentEventView) -> Html {
    let consent = e.consent.as_ref().map(|c| {
        let channels: Vec<&str> = c.channels.iter().map(|ch| ch.as_str()).collect();
        let part = |label: &str, v: &Option<String>| v.as_ref().map(|v| format!("{label} {v}"));
        [
            (!channels.is_empty()).then(|| format!("to {}", channels.join(", "))),
            part("on", &c.opt_in_at),
            part("via", &c.source),
            part("by", &c.capture_method),
            part("double opt-in", &c.double_opt_in_at),
            c.wording.as_ref().map(|w| format!("wording “{w}”")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ")
    });
    let submission = e.submission.as_ref().map(|s| {
        let mut said = format!("{} ({})", s.id.get(..8).unwrap_or(&s.id), s.profile);
        if let Some(row) = s.row {
            said.push_str(&format!(", row {row}"));
        }
        if !s.evidence.is_empty() {
            said.push_str(&format!(", evidence {}", s.evidence.join(", ")));
        }
        if let Some(d) = &s.decision {
            let by = d.reviewer.as_deref().unwrap_or("a reviewer since removed");
            said.push_str(&format!(
                ", {} by {by} on {}",
                d.verdict.as_str(),
                d.decided_at
            ));
        }
        said
    });
    let opt_out = [
        e.opt_out.as_ref().map(|o| {
            format!(
                "{} since {} ({})",
                o.value,
                o.suppressed_at,
                o.origin.as_str()
            )
        }),
        e.reason.clone(),
        e.reported_at
            .as_ref()
            .map(|at| format!("reported for {at}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("; ");
    let state = e
        .state
        .map(|s| format!(" → {}", s.as_str()))
        .unwrap_or_default();
    html! {
        <tr data-kind={e.kind.as_str()}>
            <td>{ e.seq }</td><td>{ format!("{}{state}", e.kind.as_str()) }</td><td>{ &e.recorded_at }</td>
            <td>{ consent.unwrap_or_default() }</td><td>{ submission.unwrap_or_default() }</td><td>{ opt_out }</td>
        </tr>
    }
}
