//! Step 5: what the check found.

use crate::app::components::changes::Changes;
use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::{Pending, Running};
use crate::protocol::{Checked, ProblemRow, RowQuery, RowsPage};
use listgate_core::edits::{Fix, History};
use listgate_core::output::consent_columns;
use listgate_core::{Outcome, Profile, Segment, Severity, app_fix_for};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Height of one row of the virtualized table, in pixels.
const ROW_HEIGHT: f64 = 40.0;
/// Rows rendered beyond the visible ones, above and below.
const OVERSCAN: usize = 6;
/// Visible rows in the table's viewport.
const VISIBLE: usize = 12;

/// Properties of [`ResultsStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct ResultsProps {
    /// The finished check.
    pub checked: Rc<Checked>,
    /// The window of rows with issues the worker sent last.
    pub page: Option<Rc<RowsPage>>,
    /// Ask the worker for a window of rows.
    pub on_query: Callback<RowQuery>,
    /// Edited rows' new verdicts, by row number.
    pub edited: Rc<BTreeMap<u64, ProblemRow>>,
    /// A cell was edited.
    pub on_edit: Callback<CellsEdited>,
    /// Undo (`false`) or redo (`true`) the last change.
    pub on_undo: Callback<bool>,
    /// The merchant's changes.
    pub history: Rc<History>,
    /// The list being checked again with the latest changes.
    pub refreshing: Option<Running>,
    /// The profile the list was checked with (it says which columns hold
    /// consent records).
    pub profile: Option<Rc<Profile>>,
    /// A previewed fix waiting to be applied or discarded.
    pub pending: Option<Rc<Pending>>,
    /// Preview a bulk fix.
    pub on_fix: Callback<Fix>,
    /// Apply (`true`) or discard (`false`) the previewed fix.
    pub on_pending: Callback<bool>,
    /// Stop checking the list again.
    pub on_cancel: Callback<()>,
    /// The region of numbers written without a country code, if one was set.
    pub default_region: Option<String>,
    /// Go to the downloads.
    pub on_next: Callback<()>,
}

/// A row as it was and as the merchant typed it.
#[derive(Debug, Clone, PartialEq)]
pub struct CellsEdited {
    /// Its spreadsheet row number.
    pub row: u64,
    /// Its cells before.
    pub before: Vec<String>,
    /// Its cells after.
    pub after: Vec<String>,
}

/// Summary, segments, issues by code and the rows with issues.
#[function_component]
pub fn ResultsStep(props: &ResultsProps) -> Html {
    let t = use_texts();
    let report = &props.checked.report;
    let s = &report.summary;
    let code_filter = use_state(String::new);
    // A node reference, not a lookup by id: inside a partner's widget the
    // table lives in a shadow root the document cannot search.
    let rows_heading = use_node_ref();
    let on_show = |code: String| {
        let (filter, heading) = (code_filter.clone(), rows_heading.clone());
        Callback::from(move |_: MouseEvent| {
            filter.set(code.clone());
            if let Some(heading) = heading.cast::<web_sys::Element>() {
                heading.scroll_into_view();
            }
        })
    };
    let stat = |id: &str, label: &str, n: u64| {
        html! {
            <div class="stat"><span class="n" id={id.to_owned()}>{ t.count(n) }</span>
                <span>{ t.plural(label, n, &[]) }</span></div>
        }
    };
    // Made once per check, not per render: the components below compare
    // their props to skip redrawing while the worker reports progress.
    let consent = use_memo(
        (props.checked.clone(), props.profile.clone()),
        |(checked, profile)| {
            profile
                .as_deref()
                .map(|p| consent_columns(p, &checked.report))
                .unwrap_or_default()
        },
    );
    let columns = use_memo(props.checked.clone(), |c| c.report.file.columns.clone());
    let changed = use_memo(props.checked.clone(), |c| c.changed.clone());
    let outcome_id = match report.outcome {
        Outcome::AllImportable => "outcome.all_importable",
        Outcome::SomeImportable => "outcome.some_importable",
        Outcome::NoneImportable => "outcome.none_importable",
    };
    let dates_judged = t.get("results.dates_judged");
    let (judged_before, judged_after) = dates_judged
        .split_once("{time}")
        .unwrap_or((dates_judged, ""));
    html! {
        <section aria-labelledby="results-title">
            <h2 id="results-title">{ t.get("results.title") }</h2>
            <p id="outcome" class="outcome">{ t.localize(outcome_id, report.outcome.message()) }</p>
            if let Some(at) = report.checked_at {
                <p class="muted">{ judged_before }
                    <time id="checked-at" datetime={at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}>
                        { at.format("%Y-%m-%d %H:%M:%S UTC").to_string() }</time>{ judged_after }</p>
            }
            if let Some(used) = props.checked.opt_outs {
                <p class="muted" id="opt-outs">{ t.format("results.opt_outs", &[("n", &t.count(used.entries))]) }</p>
            }
            <div class="stats">
                { stat("summary-rows", "results.stat.rows", s.rows) }
                { stat("summary-importable", "results.stat.importable", s.importable) }
                { stat("summary-rejected", "results.stat.rejected", s.rejected) }
                { stat("summary-warnings", "results.stat.warnings", s.warnings) }
                { stat("summary-duplicates", "results.stat.duplicates", s.duplicates) }
                if report.file.deleted_rows > 0 {
                    { stat("summary-deleted", "results.stat.deleted", report.file.deleted_rows) }
                }
            </div>
            if !report.notices.is_empty() {
                <ul id="notices" class="notices">
                    { for report.notices.iter().map(|n| html! {
                        <li data-code={n.code.as_str()}><strong>{ t.get("results.notice") }</strong>{ " " }
                            { &n.message }{ ". " }{ t.localize(&format!("fix.{}", n.code.as_str()), app_fix_for(n.code)) }</li>
                    }) }
                </ul>
            }
            <h3>{ t.get("results.segments") }</h3>
            <table class="segments">
                <thead><tr><th scope="col">{ t.get("results.segment") }</th><th scope="col">{ t.get("results.rows") }</th>
                    <th scope="col">{ t.get("results.meaning") }</th></tr></thead>
                <tbody>
                    { for Segment::ALL.iter().map(|seg| html! {
                        <tr>
                            <th scope="row">{ t.localize(&format!("segment.{}.name", seg.as_str()), seg.channel_name()) }</th>
                            <td id={format!("segment-{}", seg.as_str())}>{ t.count(report.segments.get(*seg)) }</td>
                            <td>{ t.localize(&format!("segment.{}.meaning", seg.as_str()), seg.meaning()) }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <h3>{ t.get("results.issues_by_code") }</h3>
            if report.issue_counts.is_empty() {
                <p>{ t.get("results.no_issues") }</p>
            } else {
                <table class="codes" id="codes">
                    <thead><tr><th scope="col">{ t.get("results.code") }</th><th scope="col">{ t.get("results.rows") }</th>
                        <th scope="col">{ t.get("results.how_to_fix") }</th></tr></thead>
                    <tbody>
                        { for report.issue_counts.iter().map(|c| html! {
                            <tr class={severity_class(c.severity)}>
                                <th scope="row"><code>{ c.code.as_str() }</code>
                                    <small>{ " " }{ severity_words(&t, c.severity) }</small>
                                    <button class="show" onclick={on_show(c.code.as_str().to_owned())}
                                        aria-label={t.format("results.show_rows_with", &[("code", c.code.as_str())])}>
                                        { t.get("results.show_rows") }</button></th>
                                <td class="count" data-code={c.code.as_str()} data-severity={severity_class(c.severity)}>{ t.count(c.count) }</td>
                                <td>{ t.localize(&format!("fix.{}", c.code.as_str()), app_fix_for(c.code)) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <Changes history={props.history.clone()} {changed}
                refreshing={props.refreshing} pending={props.pending.clone()}
                on_undo={props.on_undo.clone()} on_fix={props.on_fix.clone()} on_pending={props.on_pending.clone()}
                on_cancel={props.on_cancel.clone()} columns={columns.clone()} consent={consent.clone()}
                default_region={props.default_region.clone()} />
            <div ref={rows_heading}>
                <RowTable checked={props.checked.clone()} page={props.page.clone()} on_query={props.on_query.clone()}
                    edited={props.edited.clone()} consent={consent}
                    code={(*code_filter).clone()} on_code={Callback::from(move |c| code_filter.set(c))}
                    on_edit={props.on_edit.clone()} />
            </div>
            <div class="actions"><button class="primary" onclick={props.on_next.reform(|_: MouseEvent| ())}>{ t.get("results.next") }</button></div>
        </section>
    }
}

fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn severity_words(t: &Texts, severity: Severity) -> &str {
    t.get(match severity {
        Severity::Error => "results.severity.error",
        Severity::Warning => "results.severity.warning",
    })
}

/// Properties of [`RowTable`].
#[derive(Properties, PartialEq, Debug)]
pub struct RowTableProps {
    /// The finished check.
    pub checked: Rc<Checked>,
    /// The window of rows the worker sent last.
    pub page: Option<Rc<RowsPage>>,
    /// Ask the worker for another window.
    pub on_query: Callback<RowQuery>,
    /// Edited rows.
    pub edited: Rc<BTreeMap<u64, ProblemRow>>,
    /// The columns that hold consent records.
    pub consent: Rc<BTreeSet<usize>>,
    /// Only rows with this code (blank = all).
    pub code: String,
    /// Change the code filter.
    pub on_code: Callback<String>,
    /// A cell was edited.
    pub on_edit: Callback<CellsEdited>,
}

/// Rows asked of the worker at a time.
const PAGE_ROWS: usize = 100;

/// The rows with issues: filterable, virtualized (the worker holds them; the
/// page holds a window around what is visible), offending cells highlighted,
/// every cell editable.
#[function_component]
pub fn RowTable(props: &RowTableProps) -> Html {
    let t = use_texts();
    let text = use_state(String::new);
    let scroll_top = use_state(|| 0.0_f64);
    // The last window asked for, and of which check: a check with new
    // changes has new rows, so the same window is asked for again.
    let asked = use_mut_ref(|| None::<(*const Checked, RowQuery)>);
    let first = ((*scroll_top / ROW_HEIGHT) as usize).saturating_sub(OVERSCAN);
    let want_end = first + VISIBLE + 2 * OVERSCAN;
    let page = props
        .page
        .as_ref()
        .filter(|p| p.query.code == props.code && p.query.text == *text);
    // While a new check's first page is on its way, the table keeps the
    // last page's height: collapsing it would reset the merchant's scroll
    // position and redraw everything twice.
    let last_matching = use_mut_ref(|| 0usize);
    let same_filter = props.page.is_none()
        && asked
            .borrow()
            .as_ref()
            .is_some_and(|(_, q)| q.code == props.code && q.text == *text);
    let matching = match page {
        Some(p) => {
            *last_matching.borrow_mut() = p.matching;
            p.matching
        }
        None if same_filter => *last_matching.borrow(),
        None => 0,
    };
    let covered = page.is_some_and(|p| {
        p.query.offset <= first && p.query.offset + p.rows.len() >= want_end.min(p.matching)
    });
    if !covered {
        let query = RowQuery {
            code: props.code.clone(),
            text: (*text).clone(),
            offset: first.saturating_sub(PAGE_ROWS / 4),
            limit: PAGE_ROWS,
        };
        let wanted = (Rc::as_ptr(&props.checked), query);
        if asked.borrow().as_ref() != Some(&wanted) {
            props.on_query.emit(wanted.1.clone());
            *asked.borrow_mut() = Some(wanted);
        }
    }
    let last = want_end.min(matching);
    let columns = &props.checked.report.file.columns;
    let onscroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |e: Event| {
            scroll_top.set(f64::from(
                e.target_unchecked_into::<HtmlElement>().scroll_top(),
            ))
        })
    };
    let on_text = {
        let (text, scroll_top) = (text.clone(), scroll_top.clone());
        Callback::from(move |e: InputEvent| {
            text.set(e.target_unchecked_into::<HtmlInputElement>().value());
            scroll_top.set(0.0);
        })
    };
    let on_code = {
        let (on, scroll_top) = (props.on_code.clone(), scroll_top.clone());
        Callback::from(move |e: Event| {
            scroll_top.set(0.0);
            on.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let visible: Vec<&ProblemRow> = page.map_or_else(Vec::new, |p| {
        (first..last)
            .filter_map(|k| k.checked_sub(p.query.offset).and_then(|i| p.rows.get(i)))
            .collect()
    });
    let drawn_from = page.map_or(first, |p| first.max(p.query.offset));
    let rows = visible.into_iter().map(|original| {
        let row = props.edited.get(&original.row).unwrap_or(original);
        row_html(
            &t,
            row,
            columns,
            &props.consent,
            row.edited || props.edited.contains_key(&row.row),
            &props.on_edit,
        )
    });
    let codes = props
        .checked
        .report
        .issue_counts
        .iter()
        .map(|c| c.code.as_str())
        .collect::<std::collections::BTreeSet<_>>();
    let drawn = last.saturating_sub(drawn_from);
    // As tall as the rows that match, up to VISIBLE of them, plus the header
    // and a sideways scroll bar.
    let viewport = ROW_HEIGHT * VISIBLE.min(matching.max(1)) as f64 + 56.0;
    html! {
        <div class="rows">
            <h3 id="rows">{ t.get("results.rows_title") }</h3>
            <div class="filters">
                <div class="field">
                    <label for="code-filter">{ t.get("results.issue_filter") }</label>
                    <select id="code-filter" onchange={on_code}>
                        <option value="" selected={props.code.is_empty()}>{ t.get("results.all_issues") }</option>
                        { for codes.iter().map(|c| html! { <option value={*c} selected={props.code == *c}>{ *c }</option> }) }
                    </select>
                </div>
                <div class="field">
                    <label for="text-filter">{ t.get("results.find") }</label>
                    <input id="text-filter" type="search" value={(*text).clone()} oninput={on_text}
                        placeholder={t.get("results.find_placeholder").to_owned()} />
                </div>
                <p role="status" id="rows-shown">
                    { t.plural("results.shown", props.checked.rows_kept, &[("shown", &t.count(matching as u64))]) }
                    if props.checked.rows_not_kept > 0 {
                        { " " }{ t.format("results.not_kept", &[("n", &t.count(props.checked.rows_not_kept))]) }
                    }</p>
            </div>
            <p class="muted">{ t.get("results.edit_hint") }</p>
            if !props.consent.is_empty() {
                <p class="warning" id="consent-warning" role="note">{ t.get("results.consent_warning") }</p>
            }
            <div class="scroll virtual" style={format!("height:{}px", viewport)} {onscroll} tabindex="0"
                aria-label={t.get("results.rows_title").to_owned()}>
                <table id="row-table">
                    <thead><tr><th scope="col">{ t.get("results.row") }</th><th scope="col">{ t.get("results.issues") }</th>
                        { for columns.iter().enumerate().map(|(i, c)| html! {
                            if props.consent.contains(&i) {
                                <th scope="col" class="consent">{ c }<small>{ " " }{ t.get("results.consent_column") }</small></th>
                            } else {
                                <th scope="col">{ c }</th>
                            }
                        }) }</tr></thead>
                    <tbody>
                        <tr style={format!("height:{}px", drawn_from as f64 * ROW_HEIGHT)} aria-hidden="true" />
                        { for rows }
                        <tr style={format!("height:{}px", matching.saturating_sub(drawn_from + drawn) as f64 * ROW_HEIGHT)} aria-hidden="true" />
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// One row: number and status, its issues, then every cell as an input,
/// the offending ones highlighted with their messages.
fn row_html(
    t: &Texts,
    row: &ProblemRow,
    columns: &[String],
    consent: &BTreeSet<usize>,
    edited: bool,
    on_edit: &Callback<CellsEdited>,
) -> Html {
    let mut bad: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for issue in &row.issues {
        if let Some(c) = issue.column {
            bad.entry(c).or_default().push(&issue.message);
        }
    }
    let summary: Vec<String> = row
        .issues
        .iter()
        .map(|i| format!("{}: {}", i.code, i.message))
        .collect();
    // The class stays English (styles and tests select on it).
    let (class, status) = match (edited, row.importable) {
        (true, true) => ("fixed", "results.status.fixed"),
        (true, false) => ("still-rejected", "results.status.still_rejected"),
        (false, true) => ("importable", "results.status.importable"),
        (false, false) => ("rejected", "results.status.rejected"),
    };
    html! {
        <tr key={row.row} style={format!("height:{ROW_HEIGHT}px")} data-row={row.row.to_string()}>
            <th scope="row">{ row.row }<small class={class}>{ t.get(status) }</small></th>
            <td class="issues" title={summary.join("\n")}>{ summary.first().cloned().unwrap_or_else(|| t.get("results.no_issues_row").to_owned()) }
                if summary.len() > 1 {
                    <small>{ " " }{ t.format("results.more_issues", &[("n", &t.count(summary.len() as u64 - 1))]) }</small>
                }</td>
            { for columns.iter().enumerate().map(|(c, name)| {
                let problem = bad.get(&c).map(|m| m.join("; "));
                let onchange = {
                    let (on, cells, number) = (on_edit.clone(), row.cells.clone(), row.row);
                    Callback::from(move |e: Event| {
                        let mut after = cells.clone();
                        after.resize(after.len().max(c + 1), String::new());
                        after[c] = e.target_unchecked_into::<HtmlInputElement>().value();
                        on.emit(CellsEdited {
                            row: number,
                            before: cells.clone(),
                            after,
                        });
                    })
                };
                let consent = consent.contains(&c).then_some("consent");
                html! {
                    <td class={classes!(problem.is_some().then_some("bad"), consent)} title={problem.clone().unwrap_or_default()}>
                        <input value={row.cells.get(c).cloned().unwrap_or_default()} {onchange}
                            aria-label={t.format("results.cell_label", &[("row", &row.row.to_string()), ("column", name)])}
                            aria-invalid={problem.is_some().to_string()} />
                    </td>
                }
            }) }
        </tr>
    }
}
