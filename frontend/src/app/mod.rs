//! The page: a step bar and one screen per step. All list work happens in
//! the worker; the page renders and keeps the merchant's choices.

pub mod api;
pub mod components;
pub mod crash;
pub mod embed;
pub mod hooks;
pub mod i18n;
pub mod state;

use chrono::{TimeZone, Utc};
use components::check::CheckStep;
use components::downloads::DownloadStep;
use components::evidence::EvidenceStep;
use components::form::failure_in;
use components::load::LoadStep;
use components::map::MapStep;
use components::results::{CellsEdited, ResultsStep};
use components::start::StartStep;
use components::status::{CorrectedList, StatusPage};
use embed::{Embedding, use_events};
use hooks::use_texts::{browser_locale, use_texts};
use hooks::use_worker::{WorkerHandle, now_ms, use_worker};
use i18n::Texts;
use listgate_core::edits::{self, History};
use listgate_core::output::OutputFile;
use state::{Action, AppState, Choices, Step};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

use crate::protocol::Request;

/// Mounts the app on the page's `<main id="app">` (or the body).
pub fn start() {
    crash::install();
    let host = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match host {
        Some(host) => yew::Renderer::<Root>::with_root(host).render(),
        None => yew::Renderer::<Root>::new().render(),
    };
}

/// The browser's clock as core's `now`, in whole seconds (as reports print it).
fn now() -> chrono::DateTime<Utc> {
    let seconds = (js_sys::Date::now() / 1000.0) as i64;
    Utc.timestamp_opt(seconds, 0).single().unwrap_or_default()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn mapping_key(profile: &str) -> String {
    format!("listgate.mapping.{profile}")
}

/// The mapping saved in this browser for `profile`.
fn saved_mapping(profile: &str) -> Option<BTreeMap<String, String>> {
    let text = storage()?.get_item(&mapping_key(profile)).ok()??;
    serde_json::from_str(&text).ok()
}

/// A callback that dispatches the action `f` makes of its argument.
fn dispatch<T: 'static>(
    state: &UseReducerHandle<AppState>,
    f: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
    let dispatcher = state.dispatcher();
    Callback::from(move |v| dispatcher.dispatch(f(v)))
}

/// Whether the address asks for the reviewer console (`#review`).
fn review_hash() -> bool {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h == "#review")
}

/// The app: the merchant's steps, or the reviewer console at `#review`.
#[function_component]
pub fn Root() -> Html {
    let reviewing = use_state(review_hash);
    {
        let reviewing = reviewing.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo::events::EventListener::new(&w, "hashchange", move |_| {
                    reviewing.set(review_hash())
                })
            });
            move || drop(listener)
        });
    }
    // The merchant's words in the browser's language (the reviewer console
    // is for listgate's staff and stays English).
    let texts: Rc<Texts> = use_memo((), |_| Texts::new(browser_locale()));
    let t = &texts;
    html! {
        <ContextProvider<Rc<Texts>> context={texts.clone()}>
            <header lang={t.lang()}>
                <h1>{ "listgate" }</h1>
                <p>{ t.get("app.tagline") }</p>
                <nav aria-label={t.get("app.areas").to_owned()} class="areas">
                    <a href="#" aria-current={(!*reviewing).then_some("page")}>{ t.get("app.area_check") }</a>
                    <a href="#review" aria-current={reviewing.then_some("page")}>{ t.get("app.area_review") }</a>
                </nav>
            </header>
            // The merchant's work stays in memory while a reviewer looks.
            <div hidden={*reviewing}><App /></div>
            if *reviewing { <components::review::ReviewConsole /> }
        </ContextProvider<Rc<Texts>>>
    }
}

/// How the merchant's steps are hosted.
#[derive(Debug, Clone, PartialEq, Properties, Default)]
pub struct AppProps {
    /// listgate's own page by default; a partner's page for the widget.
    #[prop_or_default]
    pub embedding: Rc<Embedding>,
}

/// The merchant's steps.
#[function_component]
pub fn App(props: &AppProps) -> Html {
    let embedding = props.embedding.clone();
    let state = use_reducer({
        let choices = embedding.choices.clone();
        move || AppState::starting_with(choices)
    });
    let worker = use_worker(state.dispatcher(), embedding.worker.clone());
    use_events(&state, &embedding);
    let saved = use_state(|| false);

    // Whatever changes how the file reads, read its start again.
    {
        let (worker, dispatch) = (worker.clone(), state.dispatcher());
        let settings = state.settings(now());
        let source = state.source.clone();
        let deps = (
            source
                .as_ref()
                .map(|s| (s.name.clone(), s.size, s.blob.clone())),
            state.choices.clone(),
            state.reading.clone(),
            state.mapping.clone(),
        );
        use_effect_with(deps, move |_| {
            if let Some(source) = source {
                dispatch.dispatch(Action::Previewing);
                worker.send(&Request::Preview(settings), Some(&source.blob));
            }
        });
    }

    let go = |step: Step| dispatch(&state, move |_: ()| Action::Go(step));
    let on_choose = dispatch(&state, Action::Choose);
    // A saved mapping waits for the new file's first preview, so that only
    // columns the file has are applied.
    let saved_pending = use_mut_ref(|| None::<BTreeMap<String, String>>);
    {
        let (pending, dispatch) = (saved_pending.clone(), state.dispatcher());
        use_effect_with(state.preview.clone(), move |preview| {
            if let Some(preview) = preview
                && let Some(saved) = pending.borrow_mut().take()
            {
                let usable = saved
                    .into_iter()
                    .filter(|(_, c)| c.is_empty() || preview.file.columns.contains(c))
                    .collect();
                dispatch.dispatch(Action::UseMapping(usable));
            }
        });
    }
    let on_load = {
        let (state, pending) = (state.clone(), saved_pending.clone());
        Callback::from(move |source| {
            *pending.borrow_mut() = state
                .choices
                .use_last_mapping
                .then(|| saved_mapping(&state.choices.profile))
                .flatten();
            state.dispatch(Action::Load(source));
        })
    };
    let on_read = dispatch(&state, Action::Read);
    let on_header = {
        let choices = state.choices.clone();
        dispatch(&state, move |header| {
            Action::Choose(Choices {
                header,
                ..choices.clone()
            })
        })
    };
    let on_map = {
        let saved = saved.clone();
        dispatch(&state, move |(field, column)| {
            saved.set(false);
            Action::Map { field, column }
        })
    };
    let on_save = {
        let (state, saved) = (state.clone(), saved.clone());
        Callback::from(move |_| {
            let Some(preview) = &state.preview else {
                return;
            };
            let Ok(profile) = listgate_core::Profile::builtin(&state.choices.profile) else {
                return;
            };
            // Every field, unmapped ones as "", so reuse keeps them unmapped.
            let mapping: BTreeMap<&str, &str> = profile
                .fields
                .iter()
                .map(|f| {
                    let column = preview.mapping.get(&f.name).map_or("", String::as_str);
                    (f.name.as_str(), column)
                })
                .collect();
            let text = serde_json::to_string(&mapping).unwrap_or_default();
            let stored = storage()
                .map(|s| {
                    s.set_item(&mapping_key(&state.choices.profile), &text)
                        .is_ok()
                })
                .unwrap_or(false);
            saved.set(stored);
        })
    };
    let on_start = {
        let (state, worker, embedding) = (state.clone(), worker.clone(), embedding.clone());
        Callback::from(move |_| {
            let Some(source) = &state.source else { return };
            let settings = state.settings(now());
            state.dispatch(Action::CheckStarted {
                at_ms: now_ms(),
                settings: settings.clone(),
            });
            // Changes made to this file before stay made.
            let history = (*state.history).clone();
            let request = Request::Check {
                settings,
                history,
                preview: false,
            };
            let (worker, blob) = (worker.clone(), source.blob.clone());
            let key = match &embedding.publishable_key {
                // A partner's page gets no opt-outs: the server checks its submission.
                Some(_) => String::new(),
                None => state.evidence.api_key.trim().to_owned(),
            };
            let held = state.opt_outs.as_ref().map(|o| o.key.as_str());
            if held == Some(key.as_str()) || (held.is_none() && key.is_empty()) {
                worker.send(&request, Some(&blob));
                return;
            }
            // The opt-outs go to the worker before the check that uses them.
            let (dispatcher, api) = (state.dispatcher(), embedding.api.clone());
            yew::platform::spawn_local(async move {
                let opt_outs = if key.is_empty() {
                    None
                } else {
                    match api::opt_outs(&api, &key).await {
                        Ok(list) => Some(list),
                        Err(failure) => return dispatcher.dispatch(Action::Failed(failure)),
                    }
                };
                let held = opt_outs.as_ref().map(|_| state::OptOuts { key });
                worker.set_up(Request::Suppressions { list: opt_outs });
                dispatcher.dispatch(Action::OptOuts(held));
                worker.send(&request, Some(&blob));
            });
        })
    };
    let on_cancel = {
        let (state, worker) = (state.clone(), worker.clone());
        Callback::from(move |_| {
            worker.restart();
            state.dispatch(Action::Cancelled);
        })
    };
    let on_edit = {
        let (state, worker) = (state.clone(), worker.clone());
        Callback::from(move |edit: CellsEdited| {
            let (Some(settings), Some(checked)) = (&state.checked_with, &state.checked) else {
                return;
            };
            let Some(step) = edits::Step::edit(edit.row, &edit.before, &edit.after) else {
                return;
            };
            // Re-check with the mapping the check used, so the row reads the same way.
            let mut settings = settings.clone();
            settings.options.reading.mapping =
                listgate_core::Mapping(checked.report.mapping.clone());
            let row = Request::Recheck {
                settings,
                columns: checked.report.file.columns.clone(),
                cells: edit.after,
                row: edit.row,
            };
            let mut history = (*state.history).clone();
            history.push(step);
            check_again(&state, &worker, history, Some(row));
        })
    };
    let on_undo = {
        let (state, worker) = (state.clone(), worker.clone());
        Callback::from(move |redo: bool| {
            let mut history = (*state.history).clone();
            let moved = if redo { history.redo() } else { history.undo() };
            if moved {
                check_again(&state, &worker, history, None);
            }
        })
    };
    let on_fix = {
        let (state, worker) = (state.clone(), worker.clone());
        Callback::from(move |fix: edits::Fix| {
            let (Some(settings), Some(checked), Some(source)) =
                (&state.checked_with, &state.checked, &state.source)
            else {
                return;
            };
            let file = &checked.report.file;
            let from_row = file
                .header_row
                .map_or(file.skipped_rows + 1, |header| header + 1);
            let mut history = (*state.history).clone();
            history.push(edits::Step::Fix {
                fix: fix.clone(),
                from_row,
            });
            let request = Request::Check {
                settings: settings.clone(),
                history: history.clone(),
                preview: true,
            };
            worker.send(&request, Some(&source.blob));
            state.dispatch(Action::FixPreviewing {
                fix,
                history: Rc::new(history),
                at_ms: now_ms(),
            });
        })
    };
    let on_pending = {
        let (state, worker) = (state.clone(), worker.clone());
        Callback::from(move |apply: bool| {
            if apply {
                worker.send(&Request::Adopt, None);
            }
            state.dispatch(Action::Pending(apply));
        })
    };
    // Stopping a check with changes stops the worker, and with it the rows
    // of the check on screen: they are checked again without the changes
    // not yet applied.
    let on_refresh_cancel = {
        let (state, worker) = (state.clone(), worker.clone());
        Callback::from(move |()| check_again(&state, &worker, (*state.applied).clone(), None))
    };
    let on_evidence = dispatch(&state, Action::Evidence);
    let on_api_key = {
        let state = state.clone();
        Callback::from(move |api_key: String| {
            state.dispatch(Action::Evidence(state::Evidence {
                api_key,
                ..state.evidence.clone()
            }))
        })
    };
    let on_submit = {
        let (state, embedding) = (state.clone(), embedding.clone());
        Callback::from(move |_| {
            let (Some(settings), Some(checked)) = (state.checked_with.clone(), &state.checked)
            else {
                return;
            };
            let download = |file: OutputFile| state.download(file).map(|d| d.blob.clone());
            let Some(clean) = download(OutputFile::Clean) else {
                return;
            };
            let changes = download(OutputFile::Changes);
            let key = state
                .submission_key
                .clone()
                .unwrap_or_else(state::new_submission_key);
            state.dispatch(Action::Submitting {
                idempotency_key: key.clone(),
            });
            let review = components::evidence::review_kind(checked);
            let held_back = checked.opt_outs.map(|o| o.held_back);
            let (evidence, dispatcher, embedding) = (
                state.evidence.clone(),
                state.dispatcher(),
                embedding.clone(),
            );
            yew::platform::spawn_local(async move {
                let consent = components::evidence::declaration(&evidence, review, held_back);
                let package = api::Package {
                    api: &embedding.api,
                    key: embedding
                        .publishable_key
                        .as_deref()
                        .unwrap_or(&evidence.api_key),
                    idempotency_key: &key,
                    settings: &settings,
                    clean: &clean,
                    changes: changes.as_ref(),
                    consent: &consent,
                    evidence: &evidence.files,
                };
                match api::submit(package).await {
                    Ok(view) => {
                        dispatcher.dispatch(Action::ListSent(clean.clone()));
                        dispatcher.dispatch(Action::Submitted(Box::new(view)));
                    }
                    Err(failure) => dispatcher.dispatch(Action::SubmitFailed(failure)),
                }
            });
        })
    };
    let on_view = dispatch(&state, |view| Action::Submitted(Box::new(view)));
    let on_query = {
        let worker = worker.clone();
        Callback::from(move |query| worker.send(&Request::Rows(query), None))
    };

    let t = use_texts();
    let step = state.step.0;
    let nav = Step::ALL.iter().filter(|s| embedding.shows(**s)).map(|s| {
        let s = *s;
        let onclick = go(s).reform(|_: MouseEvent| ());
        html! {
            <li>
                <button {onclick} disabled={!state.can_open(s)}
                    aria-current={(s == step).then_some("step")}
                    class={classes!((s == step).then_some("current"))}>{ s.title(&t) }</button>
            </li>
        }
    });
    let body = match step {
        Step::Start => html! {
            <StartStep choices={state.choices.clone()} on_change={on_choose} on_next={go(Step::Load)}
                api_key={embedding.publishable_key.is_none().then(|| state.evidence.api_key.clone())}
                {on_api_key} />
        },
        Step::Load => html! {
            <LoadStep source={state.source.clone()} preview={state.preview.clone()} previewing={state.previewing}
                reading={state.reading.clone()} {on_load} {on_read} on_next={go(Step::Map)}
                    header={state.choices.header} on_header={on_header} />
        },
        Step::Map => match &state.preview {
            Some(preview) => html! {
                <MapStep profile={state.choices.profile.clone()} preview={preview.clone()} {on_map}
                    {on_save} saved={*saved} on_check={on_start} />
            },
            None => html! {},
        },
        Step::Check => html! { <CheckStep running={state.running} {on_start} {on_cancel} /> },
        Step::Results => match &state.checked {
            Some(checked) => html! {
                <ResultsStep checked={checked.clone()} page={state.rows.clone()} {on_query}
                    edited={state.edited.clone()} {on_edit} {on_undo} history={state.history.clone()}
                    refreshing={state.refreshing} profile={state.checked_profile.clone()}
                    pending={state.pending.clone()} {on_fix} {on_pending} on_cancel={on_refresh_cancel}
                    default_region={state.checked_with.as_ref().and_then(|s| s.options.judging.default_region.clone())}
                    on_next={go(Step::Download)} />
            },
            None => html! {},
        },
        Step::Download => {
            html! { <DownloadStep files={state.downloads.clone()} updating={state.refreshing.is_some()}
            on_next={go(Step::Evidence)} /> }
        }
        Step::Evidence => match &state.checked {
            Some(checked) => html! {
                <>
                    <EvidenceStep checked={checked.clone()} evidence={state.evidence.clone()} on_change={on_evidence}
                        {on_submit} submitting={state.submitting} updating={state.refreshing.is_some()}
                        asks_for_key={embedding.publishable_key.is_none()} />
                    if let Some(submission) = &state.submission {
                        // A publishable key cannot read a submission back:
                        // in a partner's page the answer to Submit is the status.
                        <StatusPage submission={submission.clone()} api={embedding.api.clone()}
                            tenant_key={embedding.publishable_key.is_none().then(|| state.evidence.api_key.clone())}
                            corrected={corrected_list(&state)} {on_view}
                            on_list_sent={dispatch(&state, Action::ListSent)} />
                    }
                </>
            },
            None => html! {},
        },
    };
    html! {
        <div lang={t.lang()}>
            <nav aria-label={t.get("app.steps").to_owned()}><ol class="steps">{ for nav }</ol></nav>
            if let Some(f) = &state.failure { { failure_in(&t, f) } }
            { body }
        </div>
    }
}

/// The clean file as the list stands now, when it is not the one the
/// submission received (the merchant changed the list since).
fn corrected_list(state: &AppState) -> Option<Rc<CorrectedList>> {
    if state.refreshing.is_some() {
        return None;
    }
    let clean = state.download(OutputFile::Clean)?;
    (state.sent_clean.as_ref() != Some(&clean.blob)).then(|| {
        Rc::new(CorrectedList {
            clean: clean.blob.clone(),
            changes: state.download(OutputFile::Changes).map(|c| c.blob.clone()),
            contacts: clean.rows.unwrap_or(0),
        })
    })
}

/// Checks the whole list again with `history` (after `recheck`, the edited
/// row's own verdict, which comes back first), in place of a check with
/// older changes still running.
fn check_again(
    state: &UseReducerHandle<AppState>,
    worker: &WorkerHandle,
    history: History,
    recheck: Option<Request>,
) {
    let (Some(settings), Some(source)) = (&state.checked_with, &state.source) else {
        return;
    };
    if state.refreshing.is_some() {
        worker.restart();
    }
    if let Some(recheck) = recheck {
        worker.send(&recheck, None);
    }
    let request = Request::Check {
        settings: settings.clone(),
        history: history.clone(),
        preview: false,
    };
    worker.send(&request, Some(&source.blob));
    state.dispatch(Action::Changed {
        history: Rc::new(history),
        at_ms: now_ms(),
    });
}
