//! Where the merchant's steps run: on listgate's own page, or embedded in a
//! partner's page as the `<listgate-import>` widget. The steps are the same;
//! what differs is where the API and the worker live, which key submits,
//! and who hears about the results (DOM events on the widget's element).

use crate::app::state::{AppState, Choices};
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{Blob, CustomEvent, CustomEventInit, EventTarget};

/// How the app is hosted.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// The API's base URL, without a trailing slash.
    pub api: String,
    /// Where the checking worker's scripts are.
    pub worker: WorkerSource,
    /// The partner's profile and options: the Start step is theirs.
    pub choices: Option<Choices>,
    /// The tenant's publishable key: Submit needs no key from the merchant.
    pub publishable_key: Option<String>,
    /// Hand the clean rows and the report to the page instead of submitting.
    pub headless: bool,
    /// The widget's element, which receives the `listgate:*` events.
    pub events: Option<EventTarget>,
}

impl Default for Embedding {
    /// listgate's own page: the API and the worker on the same origin.
    fn default() -> Self {
        Embedding {
            api: "/api/v1".into(),
            worker: WorkerSource::SameOrigin("./worker_loader.js".into()),
            choices: None,
            publishable_key: None,
            headless: false,
            events: None,
        }
    }
}

/// Where the worker's loader script is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerSource {
    /// A script on the page's own origin.
    SameOrigin(String),
    /// The listgate server's root URL on another origin. Browsers start
    /// workers only from same-origin scripts, so a tiny same-origin (blob)
    /// script imports the loader from there.
    CrossOrigin(String),
}

impl Embedding {
    /// Whether the step bar shows `step` here.
    pub fn shows(&self, step: crate::app::state::Step) -> bool {
        use crate::app::state::Step;
        match step {
            Step::Start => self.choices.is_none(),
            Step::Evidence => !self.headless,
            _ => true,
        }
    }

    /// Sends `listgate:<name>` with `detail` (JSON) plus `blobs` (named
    /// Blobs added to the detail) to the widget's element, if embedded.
    pub fn emit(&self, name: &str, detail: &Value, blobs: &[(&str, &Blob)]) {
        let Some(target) = &self.events else { return };
        let detail = js_sys::JSON::parse(&detail.to_string()).unwrap_or(JsValue::NULL);
        for (key, blob) in blobs {
            let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(key), blob);
        }
        let init = CustomEventInit::new();
        init.set_detail(&detail);
        // Composed and bubbling: partner code listens on the element or above it.
        init.set_bubbles(true);
        init.set_composed(true);
        if let Ok(event) = CustomEvent::new_with_event_init_dict(&format!("listgate:{name}"), &init)
        {
            let _ = target.dispatch_event(&event);
        }
    }
}

/// Tells the partner's page what happened, as `listgate:*` events on the
/// widget's element: `validated` when a check finishes (in headless mode
/// with the clean file, every download and the report), `submitted` with
/// the submission's id, `error` with any failure shown to the merchant.
#[yew::hook]
pub fn use_events(state: &yew::UseReducerHandle<AppState>, embedding: &Rc<Embedding>) {
    {
        let embedding = embedding.clone();
        let downloads = state.downloads.clone();
        yew::use_effect_with(state.checked.clone(), move |checked| {
            if let Some(checked) = checked {
                let report = &checked.report;
                let mut detail = serde_json::json!({
                    "summary": report.summary,
                    "segments": report.segments,
                    "profile": report.profile,
                });
                let blobs: Vec<(&str, &Blob)> = if embedding.headless {
                    detail["report"] = serde_json::to_value(report).unwrap_or_default();
                    downloads.iter().map(|d| (d.file.name(), &d.blob)).collect()
                } else {
                    Vec::new()
                };
                embedding.emit("validated", &detail, &blobs);
            }
        });
    }
    {
        let embedding = embedding.clone();
        let id = state.submission.as_ref().map(|s| s.id.clone());
        let status = state.submission.as_ref().map(|s| s.status);
        yew::use_effect_with(id, move |id| {
            if let Some(id) = id {
                let detail = serde_json::json!({ "id": id, "status": status });
                embedding.emit("submitted", &detail, &[]);
            }
        });
    }
    {
        let embedding = embedding.clone();
        yew::use_effect_with(state.failure.clone(), move |failure| {
            if let Some(failure) = failure {
                let detail = serde_json::json!({ "message": failure.message, "fix": failure.fix });
                embedding.emit("error", &detail, &[]);
            }
        });
    }
}
