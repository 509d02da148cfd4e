//! The checker as a widget in a partner's page: `mount` renders the
//! merchant's steps into a shadow root on the partner's element (its CSS
//! cannot reach in, ours cannot leak out), with the API and the worker on
//! the listgate server that served the widget. `frontend/widget/listgate.js`
//! wraps it as the `<listgate-import>` element and `listgate.mount()`.

use crate::app::App;
use crate::app::api::WidgetPermission;
use crate::app::embed::{Embedding, WorkerSource};
use crate::app::i18n::Texts;
use crate::app::state::{Choices, HeaderChoice};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{HtmlElement, ShadowRootInit, ShadowRootMode};
use yew::prelude::*;

/// What the partner configures, from the element's attributes or `mount()`'s options.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WidgetOptions {
    /// The tenant's publishable key (`lg_pub_…`); not needed in headless mode.
    pub tenant: String,
    /// Built-in profile: whatsapp, mongoose, sms-us or email-gdpr.
    pub profile: String,
    /// Check options the merchant would otherwise pick on the Start step.
    pub options: ProfileOptions,
    /// Theme: `accent`, `ink`, `background`, `font`, `radius`, `spacing`… →
    /// the `--listgate-*` custom properties.
    pub theme: BTreeMap<String, String>,
    /// `en` or `es`.
    pub locale: String,
    /// Text overrides by message id.
    pub texts: BTreeMap<String, String>,
    /// Hand the results to the page (`listgate:validated`) instead of submitting.
    pub headless: bool,
}

/// The Start step's options, as the partner sets them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProfileOptions {
    /// Country for numbers written without a country code (`GB`, `US`…).
    pub default_region: String,
    /// The business the consent wording must name.
    pub business_name: String,
    /// Declared date format, blank to detect.
    pub date_format: String,
    /// Whether the file has a header row (unset: detect).
    pub header: Option<bool>,
    /// The street column holds the house number too.
    pub house_number_in_street: bool,
    /// Mongoose: fill a blank MobileNumber from WhatsAppMobileNumber.
    pub infer_mobile_number: bool,
    /// Mongoose: existing contacts' numbers may change.
    pub allow_mobile_number_updates: bool,
    /// The channels every contact consented to, for lists without a
    /// channel column (`sms`, `sms;email`); blank: not declared.
    pub channel: String,
}

impl WidgetOptions {
    /// The Start step's choices, or why the options are unusable.
    fn choices(&self) -> Result<Choices, String> {
        let profile = if self.profile.is_empty() {
            "whatsapp"
        } else {
            self.profile.as_str()
        };
        listgate_core::Profile::builtin(profile).map_err(|e| format!("profile: {e}"))?;
        if !self.headless && !self.tenant.starts_with("lg_pub_") {
            return Err(
                "the `tenant` attribute needs the tenant's publishable key (lg_pub_…), \
                 or set `headless` to keep the results in the page"
                    .into(),
            );
        }
        let o = &self.options;
        let choices = Choices {
            profile: profile.to_owned(),
            header: match o.header {
                None => HeaderChoice::Detect,
                Some(true) => HeaderChoice::Yes,
                Some(false) => HeaderChoice::No,
            },
            default_region: o.default_region.trim().to_ascii_uppercase(),
            date_format: o.date_format.clone(),
            house_number_in_street: o.house_number_in_street,
            use_last_mapping: false,
            infer_mobile_number: o.infer_mobile_number,
            allow_mobile_number_updates: o.allow_mobile_number_updates,
            business_name: o.business_name.clone(),
            channel: match o.channel.trim() {
                "" => None,
                declared => Some(
                    declared
                        .parse()
                        .map_err(|e| format!("the `channel` attribute: {e}"))?,
                ),
            },
        };
        // A widget that submits may get the name from its tenant (asked at mount).
        if self.headless
            && let Some(missing) = business_name_missing(&choices)
        {
            return Err(missing);
        }
        Ok(choices)
    }

    /// The theme as `--listgate-*` declarations; names and values that
    /// could end the declaration are dropped.
    fn theme_style(&self) -> String {
        let name_ok =
            |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let value_ok = |v: &str| {
            !v.chars()
                .any(|c| matches!(c, ';' | '{' | '}' | '<' | '>' | '"' | '\\'))
        };
        self.theme
            .iter()
            .filter(|(n, v)| name_ok(n) && value_ok(v))
            .map(|(n, v)| format!("--listgate-{n}: {v};"))
            .collect()
    }
}

/// The app's stylesheet made to work inside the widget: its root rules
/// apply to the widget's container, sizes follow the widget's own font
/// size rather than the partner page's root, and the narrow layout follows
/// the panel's width rather than the window's.
fn stylesheet() -> String {
    let app = rem_to_em(include_str!("../style.css"))
        .replace(":root", ".listgate")
        .replace("@media", "@container")
        .replace("body {", ".listgate-body {")
        .replace("main {", ".listgate-main {");
    format!("{app}\n{}", include_str!("../widget/widget.css"))
}

/// `1.5rem` → `1.5em`: the unit after a number only, never the letters
/// inside another word.
fn rem_to_em(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("rem") {
        out.push_str(&rest[..at]);
        let unit = out.ends_with(|c: char| c.is_ascii_digit());
        out.push_str(if unit { "em" } else { "rem" });
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

/// A mounted widget; `destroy()` removes it.
pub struct WidgetHandle {
    app: Option<yew::AppHandle<WidgetRoot>>,
    host: HtmlElement,
}

impl std::fmt::Debug for WidgetHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WidgetHandle")
            .field("mounted", &self.app.is_some())
            .finish_non_exhaustive()
    }
}

impl WidgetHandle {
    /// Unmounts the widget and empties its shadow root.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        if let Some(root) = self.host.shadow_root() {
            root.set_inner_html("");
        }
    }
}

/// Mounts the checker on `host`. `options` is [`WidgetOptions`] as JSON;
/// `server` is the listgate server's root URL (where the widget came from).
pub fn mount(host: HtmlElement, options: &str, server: &str) -> Result<WidgetHandle, JsValue> {
    let options: WidgetOptions = serde_json::from_str(options)
        .map_err(|e| JsValue::from_str(&format!("listgate: the options are not valid: {e}")))?;
    let choices = options
        .choices()
        .map_err(|e| JsValue::from_str(&format!("listgate: {e}")))?;
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let document = host
        .owner_document()
        .ok_or_else(|| JsValue::from_str("listgate: the element is not in a document"))?;
    root.set_inner_html("");
    let style = document.create_element("style")?;
    style.set_text_content(Some(&stylesheet()));
    root.append_child(&style)?;
    let container = document.create_element("div")?;
    container.set_class_name("listgate");
    container.set_attribute("style", &options.theme_style())?;
    root.append_child(&container)?;
    let server = server.trim_end_matches('/').to_owned();
    let texts = Rc::new(Texts::for_language(&options.locale).with_overrides(options.texts.clone()));
    let embedding = Embedding {
        api: format!("{server}/api/v1"),
        worker: WorkerSource::CrossOrigin(format!("{server}/")),
        choices: Some(choices),
        publishable_key: (!options.headless).then(|| options.tenant.trim().to_owned()),
        headless: options.headless,
        events: Some(host.clone().into()),
    };
    let app = yew::Renderer::<WidgetRoot>::with_root_and_props(
        container,
        WidgetProps {
            embedding: Rc::new(embedding),
            texts,
        },
    )
    .render();
    Ok(WidgetHandle {
        app: Some(app),
        host,
    })
}

/// The widget's props.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct WidgetProps {
    /// Where it runs and who hears about it.
    pub embedding: Rc<Embedding>,
    /// Its words: the partner's locale and text overrides.
    pub texts: Rc<Texts>,
}

/// Whether this page may submit, as the server answered.
#[derive(Debug, Clone, PartialEq)]
enum Permission {
    Asking,
    /// Checks run with the tenant's business name when it set one, so the
    /// page's verdicts are the server's.
    Allowed {
        tenant: String,
        embedding: Rc<Embedding>,
    },
    Refused(String),
}

/// The merchant's steps, once the server said this page may submit for the
/// tenant (headless widgets submit nothing, so they ask nothing).
#[function_component]
pub fn WidgetRoot(props: &WidgetProps) -> Html {
    let embedding = props.embedding.clone();
    let permission = use_state(|| Permission::Asking);
    {
        let (permission, embedding) = (permission.clone(), embedding.clone());
        use_effect_with((), move |_| {
            if let Some(key) = embedding.publishable_key.clone() {
                yew::platform::spawn_local(async move {
                    let verdict = crate::app::api::widget_permission(&embedding.api, &key).await;
                    let allowed = match verdict {
                        Ok(permission) if permission.allowed => {
                            let named = with_business_name(&embedding, permission.business_name);
                            match named.choices.as_ref().and_then(business_name_missing) {
                                Some(missing) => Err(missing),
                                None => Ok(Permission::Allowed {
                                    tenant: permission.tenant,
                                    embedding: named,
                                }),
                            }
                        }
                        Ok(WidgetPermission { message, .. }) | Err(message) => Err(message),
                    };
                    let next = allowed.unwrap_or_else(|message| {
                        let detail = serde_json::json!({ "message": message });
                        embedding.emit("error", &detail, &[]);
                        Permission::Refused(message)
                    });
                    permission.set(next);
                });
            }
        });
    }
    let t = &props.texts;
    let body = match (&*permission, embedding.headless) {
        (_, true) => html! { <App {embedding} /> },
        (Permission::Refused(message), false) => html! {
            <div class="refused" role="alert" id="widget-refused">
                <strong>{ t.get("widget.refused") }</strong>
                <p>{ message }</p>
            </div>
        },
        (Permission::Allowed { tenant, embedding }, false) => html! {
            <>
                <p class="tenant">{ t.format("widget.tenant", &[("tenant", tenant)]) }</p>
                <App embedding={embedding.clone()} />
            </>
        },
        // The steps wait for the answer: it may set the business name.
        (Permission::Asking, false) => html! {
            <p class="tenant" id="widget-asking">{ t.get("widget.asking") }</p>
        },
    };
    html! {
        <ContextProvider<Rc<Texts>> context={props.texts.clone()}>
            <div lang={t.lang()}>{ body }</div>
        </ContextProvider<Rc<Texts>>>
    }
}

/// Why the widget cannot check with `choices`: its profile judges that the
/// consent wording names the business, and neither the partner's
/// `business-name` attribute nor the tenant's setting gave one.
fn business_name_missing(choices: &Choices) -> Option<String> {
    choices.missing_business_name().map(|missing| {
        format!(
            "{missing}; set the `business-name` attribute (or the tenant's business name: listgate tenant set-business-name)"
        )
    })
}

/// `embedding` with the tenant's business name, when it has one, in place
/// of the partner's.
fn with_business_name(embedding: &Rc<Embedding>, business_name: Option<String>) -> Rc<Embedding> {
    match (business_name, &embedding.choices) {
        (Some(name), Some(choices)) => Rc::new(Embedding {
            choices: Some(Choices {
                business_name: name,
                ..choices.clone()
            }),
            ..(**embedding).clone()
        }),
        _ => Rc::clone(embedding),
    }
}

#[cfg(test)]
mod tests {
    use super::rem_to_em;

    #[test]
    fn only_rem_units_become_em() {
        assert_eq!(
            rem_to_em("a { margin: .5rem 1rem; } .remove { gap: 2.25rem }"),
            "a { margin: .5em 1em; } .remove { gap: 2.25em }"
        );
    }
}
