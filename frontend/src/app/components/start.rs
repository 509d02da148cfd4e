//! Step 1: the profile and the options.

use super::form::{checkbox, select, text_input};
use crate::app::state::{Choices, HeaderChoice};
use listgate_core::Profile;
use listgate_core::template::template;
use web_sys::{Blob, BlobPropertyBag, Url};
use yew::prelude::*;

/// The built-in profiles with the names merchants know them by.
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
}

/// Profile, options and templates.
#[function_component]
pub fn StartStep(props: &StartProps) -> Html {
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
        .map(|(v, t)| ((*v).to_owned(), (*t).to_owned()))
        .collect();
    let headers = [("detect", "Detect it"), ("yes", "Yes"), ("no", "No")]
        .map(|(v, t)| (v.to_owned(), t.to_owned()));
    let header_value = match c.header {
        HeaderChoice::Detect => "detect",
        HeaderChoice::Yes => "yes",
        HeaderChoice::No => "no",
    };
    let profile = Profile::builtin(&c.profile).ok();
    let on_next = props.on_next.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="start-title">
            <h2 id="start-title">{ "1. Choose where the list is going" }</h2>
            { select("profile", "Import profile", &c.profile, &profiles, edit(|c, v| c.profile = v)) }
            if let Some(p) = &profile { <p class="muted">{ &p.description }</p> }
            { select("header", "The file has a header row", header_value, &headers, edit(|c, v| {
                c.header = match v.as_str() { "yes" => HeaderChoice::Yes, "no" => HeaderChoice::No, _ => HeaderChoice::Detect };
            })) }
            { text_input("default-region", "Default country", &c.default_region,
                "Two letters, e.g. GB: used for numbers written without a country code.",
                edit(|c, v| c.default_region = v)) }
            { text_input("date-format", "Date format", &c.date_format,
                "Leave blank to detect; or e.g. DD/MM/YYYY or %m/%d/%Y.",
                edit(|c, v| c.date_format = v)) }
            { text_input("business-name", "Business name", &c.business_name,
                "The consent wording must name it.", edit(|c, v| c.business_name = v)) }
            { checkbox("house-number", "The house number is part of the street address", c.house_number_in_street,
                toggle(|c, v| c.house_number_in_street = v)) }
            { checkbox("last-mapping", "Use the last mapping saved in this browser", c.use_last_mapping,
                toggle(|c, v| c.use_last_mapping = v)) }
            if c.profile == "mongoose" {
                { checkbox("infer-mobile", "Fill a blank MobileNumber from WhatsAppMobileNumber (instead of failing the row)",
                    c.infer_mobile_number, toggle(|c, v| c.infer_mobile_number = v)) }
                { checkbox("allow-updates", "Allow mobile number updates for existing contacts",
                    c.allow_mobile_number_updates, toggle(|c, v| c.allow_mobile_number_updates = v)) }
            }
            if let Some(p) = &profile { <Templates profile={p.name.clone()} /> }
            <div class="actions"><button class="primary" onclick={on_next}>{ "Next: load the list" }</button></div>
        </section>
    }
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
        <p class="templates">{ "Start from a template: " }
            <a href={all} download={format!("{}-template.csv", props.profile)}>{ "all fields" }</a>
            { " · " }
            <a href={required} download={format!("{}-template-required.csv", props.profile)}>{ "required fields only" }</a>
        </p>
    }
}
