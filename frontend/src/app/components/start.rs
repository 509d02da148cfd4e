//! Step 1: the profile and the options.

use super::form::{checkbox, header_select, secret_input, select, text_input};
use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::Choices;
use listgate_core::profile::Role;
use listgate_core::template::template;
use listgate_core::{Channel, Profile};
use web_sys::{Blob, BlobPropertyBag, Url};
use yew::prelude::*;

/// The built-in profiles with the names merchants know them by (in English;
/// the page shows message `start.profile.<name>`).
pub const PROFILES: [(&str, &str); 4] = [
    ("whatsapp", "WhatsApp"),
    ("mongoose", "Mongoose WhatsApp import"),
    ("sms-us", "US SMS"),
    ("email-gdpr", "Email (GDPR)"),
];

/// Properties of [`StartStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct StartProps {
    /// The current choices.
    pub choices: Choices,
    /// New choices.
    pub on_change: Callback<Choices>,
    /// Go to the Load step.
    pub on_next: Callback<()>,
    /// The tenant's API key, when this page asks for one (not in a
    /// partner's page): with it the checks use the tenant's opt-outs.
    pub api_key: Option<String>,
    /// A new API key.
    pub on_api_key: Callback<String>,
}

/// Profile, options and templates.
#[function_component]
pub fn StartStep(props: &StartProps) -> Html {
    let t = use_texts();
    let c = &props.choices;
    let edit = |apply: fn(&mut Choices, String)| {
        let (choices, on) = (c.clone(), props.on_change.clone());
        Callback::from(move |v: String| {
            let mut next = choices.clone();
            apply(&mut next, v);
            on.emit(next);
        })
    };
    let toggle = |apply: fn(&mut Choices, bool)| {
        let (choices, on) = (c.clone(), props.on_change.clone());
        Callback::from(move |v: bool| {
            let mut next = choices.clone();
            apply(&mut next, v);
            on.emit(next);
        })
    };
    let profiles: Vec<(String, String)> = PROFILES
        .iter()
        .map(|(v, _)| {
            let name = t.get(&format!("start.profile.{v}")).to_owned();
            ((*v).to_owned(), name)
        })
        .collect();
    let profile = Profile::builtin(&c.profile).ok();
    let on_next = props.on_next.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="start-title">
            <h2 id="start-title">{ t.get("start.title") }</h2>
            { select("profile", t.get("start.profile"), &c.profile, &profiles, edit(|c, v| c.profile = v)) }
            if let Some(p) = &profile {
                <p class="muted">{ t.localize(&format!("profile.{}.description", p.name), &p.description) }</p>
            }
            { header_select(&t, "header", c.header, {
                let (choices, on) = (c.clone(), props.on_change.clone());
                Callback::from(move |header| on.emit(Choices { header, ..choices.clone() }))
            }) }
            { text_input("default-region", t.get("start.region"), &c.default_region,
                t.get("start.region_hint"), edit(|c, v| c.default_region = v)) }
            { text_input("date-format", t.get("start.date_format"), &c.date_format,
                t.get("start.date_format_hint"), edit(|c, v| c.date_format = v)) }
            { text_input("business-name", t.get("start.business"), &c.business_name,
                t.get(if profile.as_ref().is_some_and(Profile::needs_business_name) {
                    "start.business_required_hint"
                } else {
                    "start.business_hint"
                }), edit(|c, v| c.business_name = v)) }
            if let Some(imported) = profile.as_ref().and_then(|p| p.channel) {
                { select("channel", t.get("start.channel"),
                    &c.channel.map(|ch| ch.to_string()).unwrap_or_default(),
                    &channel_options(&t, imported), {
                        let (choices, on) = (c.clone(), props.on_change.clone());
                        Callback::from(move |v: String| on.emit(Choices {
                            channel: v.parse().ok(),
                            ..choices.clone()
                        }))
                    }) }
            }
            { checkbox("house-number", t.get("start.house_number"), c.house_number_in_street,
                toggle(|c, v| c.house_number_in_street = v)) }
            { checkbox("last-mapping", t.get("start.last_mapping"), c.use_last_mapping,
                toggle(|c, v| c.use_last_mapping = v)) }
            if profile.as_ref().is_some_and(|p| p.field_for(Role::WhatsappNumber).is_some()) {
                { checkbox("infer-mobile", t.get("start.infer_mobile"),
                    c.infer_mobile_number, toggle(|c, v| c.infer_mobile_number = v)) }
            }
            if profile.as_ref().is_some_and(|p| p.number_updates_need_permission) {
                { checkbox("allow-updates", t.get("start.allow_updates"),
                    c.allow_mobile_number_updates, toggle(|c, v| c.allow_mobile_number_updates = v)) }
            }
            if let Some(key) = &props.api_key {
                { secret_input("opt-out-key", t.get("start.api_key"), key, t.get("start.api_key_hint"),
                    props.on_api_key.clone()) }
            }
            if let Some(p) = &profile { <Templates profile={p.name.clone()} /> }
            <div class="actions"><button class="primary" onclick={on_next}>{ t.get("start.next") }</button></div>
        </section>
    }
}

/// "Every contact consented to": not declared (the list's channel column
/// says), or one channel, the profile's own first.
fn channel_options(t: &Texts, imported: Channel) -> Vec<(String, String)> {
    let mut channels = Channel::ALL.to_vec();
    channels.sort_by_key(|c| *c != imported);
    std::iter::once((String::new(), t.get("start.channel.column").to_owned()))
        .chain(channels.into_iter().map(|c| {
            (
                c.as_str().to_owned(),
                t.get(&format!("start.channel.{c}")).to_owned(),
            )
        }))
        .collect()
}

/// Properties of [`Templates`].
#[derive(Properties, PartialEq, Debug)]
pub struct TemplatesProps {
    /// Profile name.
    pub profile: String,
}

/// Template downloads for a profile: all fields, or required fields only.
#[function_component]
pub fn Templates(props: &TemplatesProps) -> Html {
    let t = use_texts();
    let urls = use_memo(props.profile.clone(), |name| {
        let profile = Profile::builtin(name).ok()?;
        let url = |required_only| {
            let bytes = template(&profile, required_only);
            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
            let options = BlobPropertyBag::new();
            options.set_type("text/csv");
            let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
            Url::create_object_url_with_blob(&blob).ok()
        };
        Some((url(false)?, url(true)?))
    });
    let Some((all, required)) = (*urls).clone() else {
        return html! {};
    };
    html! {
        <p class="templates">{ t.get("start.templates") }{ " " }
            <a href={all} download={format!("{}-template.csv", props.profile)}>{ t.get("start.templates_all") }</a>
            { " · " }
            <a href={required} download={format!("{}-template-required.csv", props.profile)}>{ t.get("start.templates_required") }</a>
        </p>
    }
}
