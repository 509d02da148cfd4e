//! The page's side of the checking worker.

use crate::app::embed::WorkerSource;
use crate::app::state::{Action, AppState, Ready};
use crate::protocol::{Failure, Request, Response};
use crate::worker::set;
use js_sys::Array;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, ErrorEvent, MessageEvent, Url, Worker};
use yew::prelude::*;

/// Milliseconds since the page loaded.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Sends requests to the worker; replaces it after a cancel or a crash.
#[derive(Clone)]
pub struct WorkerHandle {
    worker: Rc<RefCell<Option<Worker>>>,
    spawn: Rc<dyn Fn() -> Option<Worker>>,
    dispatch: UseReducerDispatcher<AppState>,
    /// Sent first to every worker this handle starts (the opt-outs), so a
    /// worker started again after a cancel judges as the one before it.
    setup: Rc<RefCell<Option<Request>>>,
}

impl std::fmt::Debug for WorkerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerHandle").finish_non_exhaustive()
    }
}

impl PartialEq for WorkerHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.worker, &other.worker)
    }
}

impl WorkerHandle {
    /// Posts `request` with `file` attached, starting a worker if none runs
    /// (the first request, or the first after a crash).
    pub fn send(&self, request: &Request, file: Option<&Blob>) {
        if self.worker.borrow().is_none() {
            *self.worker.borrow_mut() = (self.spawn)();
            if let Some(setup) = &*self.setup.borrow() {
                self.post(setup, None);
            }
        }
        self.post(request, file);
    }

    /// Sends `request` now and to every worker started after this one.
    pub fn set_up(&self, request: Request) {
        let running = self.worker.borrow().is_some();
        if running {
            self.post(&request, None);
        }
        *self.setup.borrow_mut() = Some(request);
    }

    fn post(&self, request: &Request, file: Option<&Blob>) {
        let message = js_sys::Object::new();
        let json = serde_json::to_string(request).unwrap_or_default();
        set(&message, "json", &JsValue::from_str(&json));
        if let Some(file) = file {
            set(&message, "file", file);
        }
        let sent = self
            .worker
            .borrow()
            .as_ref()
            .map(|w| w.post_message(&message));
        if !matches!(sent, Some(Ok(()))) {
            self.dispatch.dispatch(Action::Failed(Failure {
                message: "the checker could not be started in this browser".into(),
                fix: Some("reload the page; listgate needs a browser with web workers".into()),
                position: None,
            }));
        }
    }

    /// Stops whatever the worker is doing; the next request starts a fresh one.
    pub fn restart(&self) {
        if let Some(old) = self.worker.borrow_mut().take() {
            old.terminate();
        }
    }
}

/// Starts the worker once and routes its answers into the reducer.
#[hook]
pub fn use_worker(dispatch: UseReducerDispatcher<AppState>, source: WorkerSource) -> WorkerHandle {
    let handle = use_memo(source, {
        let dispatch = dispatch.clone();
        move |source| {
            let worker: Rc<RefCell<Option<Worker>>> = Rc::default();
            let spawn: Rc<dyn Fn() -> Option<Worker>> = {
                let (dispatch, source) = (dispatch.clone(), source.clone());
                let worker_cell = Rc::downgrade(&worker);
                Rc::new(move || spawn(&source, dispatch.clone(), worker_cell.clone()))
            };
            WorkerHandle {
                worker,
                spawn,
                dispatch,
                setup: Rc::default(),
            }
        }
    });
    (*handle).clone()
}

/// A worker running the loader from `source`.
fn start_worker(source: &WorkerSource) -> Option<Worker> {
    match source {
        WorkerSource::SameOrigin(script) => Worker::new(script).ok(),
        WorkerSource::CrossOrigin(base) => {
            // The loader reads its base from LISTGATE_BASE. Quoted as JSON,
            // the URL cannot break out of the string.
            let base = serde_json::to_string(base).ok()?;
            let code = format!(
                "self.LISTGATE_BASE = {base}; importScripts(self.LISTGATE_BASE + \"worker_loader.js\");"
            );
            let options = web_sys::BlobPropertyBag::new();
            options.set_type("text/javascript");
            let parts = Array::of1(&JsValue::from_str(&code));
            let blob = Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
            let url = Url::create_object_url_with_blob(&blob).ok()?;
            // Not revoked: the worker fetches it after this returns.
            Worker::new(&url).ok()
        }
    }
}

fn spawn(
    source: &WorkerSource,
    dispatch: UseReducerDispatcher<AppState>,
    cell: std::rc::Weak<RefCell<Option<Worker>>>,
) -> Option<Worker> {
    let worker = start_worker(source)?;
    let on_message = {
        let dispatch = dispatch.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(action) = decode(&event.data()) {
                dispatch.dispatch(action);
            }
        })
    };
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
        event.prevent_default();
        dispatch.dispatch(Action::Failed(Failure {
            message: format!("the checker stopped unexpectedly ({})", event.message()),
            fix: Some(
                "your list is still here: try again, and if it happens again send us the report"
                    .into(),
            ),
            position: None,
        }));
        // Keep the page usable: the next request starts a fresh worker
        // (not now, so a worker that cannot load does not loop).
        if let Some(old) = cell.upgrade().and_then(|cell| cell.take()) {
            old.terminate();
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    // The worker lives as long as the page; its handlers with it.
    on_message.forget();
    on_error.forget();
    Some(worker)
}

fn decode(data: &JsValue) -> Option<Action> {
    let json = js_sys::Reflect::get(data, &"json".into())
        .ok()?
        .as_string()?;
    let response: Response = match serde_json::from_str(&json) {
        Ok(r) => r,
        Err(e) => {
            return Some(Action::Failed(Failure {
                message: format!("the checker sent an unreadable answer: {e}"),
                fix: None,
                position: None,
            }));
        }
    };
    Some(match response {
        Response::Preview(preview) => Action::Previewed(preview),
        Response::Progress(progress) => Action::Progressed {
            progress,
            at_ms: now_ms(),
        },
        Response::Checked(checked) => {
            let blobs: Array = js_sys::Reflect::get(data, &"blobs".into())
                .ok()?
                .dyn_into()
                .ok()?;
            let downloads = checked
                .files
                .iter()
                .zip(blobs.iter())
                .filter_map(|(file, blob)| {
                    // No object URL yet: making one per file is a round trip
                    // to the browser each, so the Download step makes them.
                    let blob: Blob = blob.dyn_into().ok()?;
                    Some(Ready {
                        file: file.file,
                        label: file.label.clone(),
                        rows: file.rows,
                        blob,
                    })
                })
                .collect();
            Action::Checked { checked, downloads }
        }
        Response::Rows(page) => Action::Rows(page),
        Response::Rechecked(row) => Action::Rechecked(row),
        Response::Failed(failure) => Action::Failed(failure),
    })
}
