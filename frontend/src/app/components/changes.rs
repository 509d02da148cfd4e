//! The merchant's changes on the Results step: the list of them with undo
//! and redo, and the bulk fixes, each previewed with the rows it changes
//! before it is applied.

use crate::app::components::form::{checkbox, select, text_input};
use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::{Pending, Running};
use listgate_core::edits::{Fix, History, RowFilter, Step, StepKind};
use std::collections::BTreeSet;
use std::rc::Rc;
use yew::prelude::*;

/// Properties of [`Changes`].
#[derive(Properties, PartialEq, Debug)]
pub struct ChangesProps {
    /// The merchant's changes.
    pub history: Rc<History>,
    /// The rows each step changed, as the results on screen counted them.
    pub changed: Rc<Vec<u64>>,
    /// The list being checked again (with the latest changes, or with a
    /// fix to preview).
    pub refreshing: Option<Running>,
    /// A previewed fix waiting to be applied or discarded.
    pub pending: Option<Rc<Pending>>,
    /// Undo (`false`) or redo (`true`) the last change.
    pub on_undo: Callback<bool>,
    /// Preview a bulk fix.
    pub on_fix: Callback<Fix>,
    /// Apply (`true`) or discard (`false`) the previewed fix.
    pub on_pending: Callback<bool>,
    /// Stop checking the list again.
    pub on_cancel: Callback<()>,
    /// The file's columns.
    pub columns: Rc<Vec<String>>,
    /// The columns that hold consent records.
    pub consent: Rc<BTreeSet<usize>>,
    /// The region of numbers written without a country code, if one was set.
    pub default_region: Option<String>,
}

/// Steps shown in the list at most (all are in `changes.csv`).
const STEPS_SHOWN: usize = 20;

/// The merchant's changes: whether the results include them yet, undo and
/// redo, the latest ones (consent data marked) and the bulk fixes.
#[function_component]
pub fn Changes(props: &ChangesProps) -> Html {
    let t = use_texts();
    let history = &props.history;
    let steps = history.steps();
    let name = |column: usize| {
        props
            .columns
            .get(column)
            .cloned()
            .unwrap_or_else(|| format!("{}", column + 1))
    };
    let status = match &props.refreshing {
        Some(running) => html! {
            <span id="updating">{ t.format("results.changes.updating", &[("percent", &format!("{:.0}", running.percent()))]) }
                <progress max="100" value={format!("{:.1}", running.percent())} />
                <button id="cancel-refresh" onclick={props.on_cancel.reform(|_: MouseEvent| ())}>
                    { t.get("results.changes.cancel") }</button></span>
        },
        None if steps.is_empty() => html! { { t.get("results.changes.none") } },
        None => html! {
            <span id="changes-applied">{ t.plural("results.changes.applied", steps.len() as u64, &[]) }</span>
        },
    };
    let busy = props.refreshing.is_some();
    let rows = |index: usize| match props.changed.get(index) {
        Some(n) => t.plural("results.changes.rows", *n, &[]),
        None => "…".to_owned(),
    };
    let latest = steps.iter().enumerate().rev().take(STEPS_SHOWN);
    html! {
        <section class="changes" id="changes" aria-labelledby="changes-title">
            <h3 id="changes-title">{ t.get("results.changes.title") }</h3>
            <p role="status" id="changes-status">{ status }</p>
            <div class="actions">
                <button id="undo" disabled={!history.can_undo() || props.pending.is_some()}
                    onclick={props.on_undo.reform(|_: MouseEvent| false)}>{ t.get("results.changes.undo") }</button>
                <button id="redo" disabled={!history.can_redo() || props.pending.is_some()}
                    onclick={props.on_undo.reform(|_: MouseEvent| true)}>{ t.get("results.changes.redo") }</button>
            </div>
            if !steps.is_empty() {
                <table id="change-list">
                    <thead><tr><th scope="col">{ t.get("results.row") }</th><th scope="col">{ t.get("results.changes.column") }</th>
                        <th scope="col">{ t.get("results.changes.before") }</th><th scope="col">{ t.get("results.changes.after") }</th></tr></thead>
                    <tbody>
                        { for latest.map(|(index, step)| match step {
                            Step::Edit { changes } => html! { <>{ for changes.iter().map(|change| {
                                let consent = props.consent.contains(&change.column);
                                html! {
                                    <tr data-row={change.row.to_string()} data-step={(index + 1).to_string()}
                                        class={classes!(consent.then_some("consent"))}>
                                        <td>{ change.row }</td>
                                        <td>{ name(change.column) }
                                            if consent { <small>{ " " }{ t.get("results.consent_column") }</small> }</td>
                                        <td class="before">{ &change.before }</td>
                                        <td class="after">{ &change.after }</td>
                                    </tr>
                                }
                            }) }</> },
                            Step::Fix { fix, .. } => {
                                let consent = fix.column().is_some_and(|c| props.consent.contains(&c));
                                html! {
                                    <tr class={classes!("fix", consent.then_some("consent"))} data-step={(index + 1).to_string()}
                                        data-kind={fix.kind().as_str()}>
                                        <td colspan="3">{ describe(&t, fix, &name) }
                                            if consent { <small>{ " " }{ t.get("results.consent_column") }</small> }</td>
                                        <td class="rows">{ rows(index) }</td>
                                    </tr>
                                }
                            }
                        }) }
                    </tbody>
                </table>
            }
            <BulkFix columns={props.columns.clone()} consent={props.consent.clone()} busy={busy || props.pending.is_some()}
                default_region={props.default_region.clone()} on_fix={props.on_fix.clone()} />
            if let Some(pending) = &props.pending {
                <div class="preview" id="fix-preview" role="status">
                    <p>{ describe(&t, &pending.fix, &name) }{ ": " }
                        <strong id="fix-preview-rows">{ t.plural("results.fix.preview_rows", pending.rows, &[]) }</strong></p>
                    <div class="actions">
                        <button class="primary" id="fix-apply" onclick={props.on_pending.reform(|_: MouseEvent| true)}>
                            { t.get("results.fix.apply") }</button>
                        <button id="fix-discard" onclick={props.on_pending.reform(|_: MouseEvent| false)}>
                            { t.get("results.fix.discard") }</button>
                    </div>
                </div>
            }
        </section>
    }
}

/// A fix in the merchant's words.
fn describe(t: &Texts, fix: &Fix, name: &dyn Fn(usize) -> String) -> String {
    let rows = |filter: &RowFilter| {
        let id = if filter.whole_cell {
            "results.fix.where_is"
        } else {
            "results.fix.where_contains"
        };
        t.format(
            id,
            &[("column", &name(filter.column)), ("text", &filter.text)],
        )
    };
    match fix {
        Fix::Replace {
            column,
            find,
            with,
            whole_cell,
        } => {
            let id = if *whole_cell {
                "results.fix.describe.replace_whole"
            } else {
                "results.fix.describe.replace"
            };
            t.format(
                id,
                &[("find", find), ("with", with), ("column", &name(*column))],
            )
        }
        Fix::Set {
            column,
            value,
            rows: filter,
        } => t.format(
            "results.fix.describe.set",
            &[
                ("column", &name(*column)),
                ("value", value),
                ("rows", &rows(filter)),
            ],
        ),
        Fix::AddCountry { column, region } => t.format(
            "results.fix.describe.add_country",
            &[("column", &name(*column)), ("region", region)],
        ),
        Fix::Delete { rows: filter } => {
            t.format("results.fix.describe.delete", &[("rows", &rows(filter))])
        }
    }
}

/// Properties of [`BulkFix`].
#[derive(Properties, PartialEq, Debug)]
pub struct BulkFixProps {
    /// The file's columns.
    pub columns: Rc<Vec<String>>,
    /// The columns that hold consent records.
    pub consent: Rc<BTreeSet<usize>>,
    /// A check is running or a preview waits: no new preview.
    pub busy: bool,
    /// The region of numbers written without a country code.
    pub default_region: Option<String>,
    /// Preview the fix.
    pub on_fix: Callback<Fix>,
}

/// What the bulk-fix form holds.
#[derive(Debug, Clone, PartialEq, Default)]
struct Draft {
    kind: Option<StepKind>,
    column: usize,
    find: String,
    with: String,
    whole_cell: bool,
    value: String,
    filter_column: usize,
    filter_text: String,
    filter_whole: bool,
    region: Option<String>,
}

impl Draft {
    /// The fix the form describes, once it is complete.
    fn fix(&self, default_region: Option<&str>) -> Option<Fix> {
        let rows = RowFilter {
            column: self.filter_column,
            text: self.filter_text.clone(),
            whole_cell: self.filter_whole,
        };
        match self.kind.unwrap_or(StepKind::Replace) {
            StepKind::Replace if !self.find.is_empty() => Some(Fix::Replace {
                column: self.column,
                find: self.find.clone(),
                with: self.with.clone(),
                whole_cell: self.whole_cell,
            }),
            StepKind::Set => Some(Fix::Set {
                column: self.column,
                value: self.value.clone(),
                rows,
            }),
            StepKind::AddCountry => {
                let region = self.region.as_deref().or(default_region)?.trim();
                (!region.is_empty()).then(|| Fix::AddCountry {
                    column: self.column,
                    region: region.to_ascii_uppercase(),
                })
            }
            StepKind::Delete => Some(Fix::Delete { rows }),
            StepKind::Replace | StepKind::Edit => None,
        }
    }
}

/// The kinds of bulk fix the form offers.
const KINDS: [StepKind; 4] = [
    StepKind::Replace,
    StepKind::Set,
    StepKind::AddCountry,
    StepKind::Delete,
];

/// One bulk fix at a time: its kind, its column, what it writes and the
/// rows it is for; Preview counts the rows it changes.
#[function_component]
pub fn BulkFix(props: &BulkFixProps) -> Html {
    let t = use_texts();
    let draft = use_state(Draft::default);
    let kind = draft.kind.unwrap_or(StepKind::Replace);
    let edit = |change: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut next = (*draft).clone();
            change(&mut next, value);
            draft.set(next);
        })
    };
    let tick = |change: fn(&mut Draft, bool)| {
        let draft = draft.clone();
        Callback::from(move |on: bool| {
            let mut next = (*draft).clone();
            change(&mut next, on);
            draft.set(next);
        })
    };
    let kinds: Vec<(String, String)> = KINDS
        .iter()
        .map(|k| {
            let id = format!("results.fix.kind.{}", k.as_str());
            (k.as_str().to_owned(), t.get(&id).to_owned())
        })
        .collect();
    let columns: Vec<(String, String)> = props
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let marked = if props.consent.contains(&i) {
                format!("{c} ({})", t.get("results.consent_column"))
            } else {
                c.clone()
            };
            (i.to_string(), marked)
        })
        .collect();
    let fix = draft.fix(props.default_region.as_deref());
    let onclick = {
        let (on_fix, fix) = (props.on_fix.clone(), fix.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(fix) = &fix {
                on_fix.emit(fix.clone());
            }
        })
    };
    let writes_consent = kind != StepKind::Delete && props.consent.contains(&draft.column);
    let filter = html! {
        <fieldset>
            <legend>{ t.get("results.fix.rows") }</legend>
            { select("fix-filter-column", t.get("results.fix.filter_column"), &draft.filter_column.to_string(), &columns,
                edit(|d, v| d.filter_column = v.parse().unwrap_or(0))) }
            { text_input("fix-filter-text", t.get("results.fix.filter_text"), &draft.filter_text,
                t.get("results.fix.filter_text_hint"), edit(|d, v| d.filter_text = v)) }
            { checkbox("fix-filter-whole", t.get("results.fix.whole_cell"), draft.filter_whole, tick(|d, on| d.filter_whole = on)) }
        </fieldset>
    };
    html! {
        <details class="bulk" id="bulk-fix">
            <summary>{ t.get("results.fix.title") }</summary>
            { select("fix-kind", t.get("results.fix.kind"), kind.as_str(), &kinds,
                edit(|d, v| d.kind = KINDS.into_iter().find(|k| k.as_str() == v))) }
            if kind != StepKind::Delete {
                { select("fix-column", t.get("results.changes.column"), &draft.column.to_string(), &columns,
                    edit(|d, v| d.column = v.parse().unwrap_or(0))) }
            }
            if writes_consent {
                <p class="warning" id="fix-consent-warning" role="note">{ t.get("results.consent_warning") }</p>
            }
            { match kind {
                StepKind::Set => html! {
                    <>
                        { text_input("fix-value", t.get("results.fix.value"), &draft.value, "", edit(|d, v| d.value = v)) }
                        { filter }
                    </>
                },
                StepKind::AddCountry => {
                    let region = draft.region.clone().or(props.default_region.clone()).unwrap_or_default();
                    text_input("fix-region", t.get("results.fix.region"), &region, t.get("results.fix.region_hint"),
                        edit(|d, v| d.region = Some(v)))
                }
                StepKind::Delete => filter,
                StepKind::Replace | StepKind::Edit => html! {
                    <>
                        { text_input("fix-find", t.get("results.fix.find"), &draft.find, "", edit(|d, v| d.find = v)) }
                        { text_input("fix-with", t.get("results.fix.with"), &draft.with, "", edit(|d, v| d.with = v)) }
                        { checkbox("fix-whole", t.get("results.fix.whole_cell"), draft.whole_cell, tick(|d, on| d.whole_cell = on)) }
                    </>
                },
            } }
            <div class="actions">
                <button id="fix-preview-button" disabled={props.busy || fix.is_none()} {onclick}>
                    { t.get("results.fix.preview") }</button>
            </div>
        </details>
    }
}
