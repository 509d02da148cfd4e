//! Step 2: choose, drop or paste the list; confirm how it is read.

use super::form::{header_select, human_size, select};
use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::{HeaderChoice, Reading, Source};
use listgate_core::{Encoding, Preview};
use std::rc::Rc;
use web_sys::{Blob, BlobPropertyBag, DragEvent, File, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// File types the checker reads.
pub const ACCEPT: &str = ".csv,.txt,.tsv,.xlsx,text/csv,text/plain,text/tab-separated-values";

/// Properties of [`LoadStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct LoadProps {
    /// The chosen list.
    pub source: Option<Source>,
    /// How it reads.
    pub preview: Option<Rc<Preview>>,
    /// A preview is on its way.
    pub previewing: bool,
    /// Reading overrides.
    pub reading: Reading,
    /// A list was chosen.
    pub on_load: Callback<Source>,
    /// Overrides changed.
    pub on_read: Callback<Reading>,
    /// Whether the file has a header row (a Start step choice).
    pub header: HeaderChoice,
    /// The header choice changed.
    pub on_header: Callback<HeaderChoice>,
    /// Go to the Map step.
    pub on_next: Callback<()>,
}

fn from_file(file: File) -> Source {
    Source {
        name: file.name(),
        size: file.size() as u64,
        blob: file.into(),
        pasted: false,
    }
}

/// File input, drop zone, paste box, detected layout and preview.
#[function_component]
pub fn LoadStep(props: &LoadProps) -> Html {
    let t = use_texts();
    let pasted = use_state(String::new);
    let dragging = use_state(|| false);
    let on_file = {
        let on = props.on_load.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on.emit(from_file(file));
            }
        })
    };
    let ondrop = {
        let (on, dragging) = (props.on_load.clone(), dragging.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                on.emit(from_file(file));
            }
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_paste_input = {
        let pasted = pasted.clone();
        Callback::from(move |e: InputEvent| {
            pasted.set(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let use_paste = {
        let (on, pasted, t) = (props.on_load.clone(), pasted.clone(), t.clone());
        Callback::from(move |_: MouseEvent| {
            let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&pasted));
            let options = BlobPropertyBag::new();
            options.set_type("text/plain");
            if let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) {
                on.emit(Source {
                    name: t.get("load.pasted_name").to_owned(),
                    size: blob.size() as u64,
                    blob,
                    pasted: true,
                });
            }
        })
    };
    let on_next = props.on_next.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="load-title">
            <h2 id="load-title">{ t.get("load.title") }</h2>
            <div class={classes!("drop", dragging.then_some("dragging"))} {ondrop} {ondragover} {ondragleave}>
                <p>{ t.get("load.drop_here") }</p>
                <label for="file-input" class="button">{ t.get("load.choose") }</label>
                <input id="file-input" class="visually-hidden" type="file" accept={ACCEPT} onchange={on_file} />
                <p class="muted">{ t.get("load.privacy") }</p>
            </div>
            <details>
                <summary>{ t.get("load.paste_open") }</summary>
                <div class="field">
                    <label for="paste">{ t.get("load.paste_label") }</label>
                    <textarea id="paste" rows="6" value={(*pasted).clone()} oninput={on_paste_input} />
                </div>
                <button onclick={use_paste} disabled={pasted.trim().is_empty()}>{ t.get("load.paste_use") }</button>
            </details>
            if let Some(source) = &props.source {
                <p id="loaded" aria-live="polite">
                    <strong>{ &source.name }</strong>{ format!(" — {}", human_size(source.size)) }
                </p>
            }
            if props.previewing { <p aria-live="polite">{ t.get("load.reading") }</p> }
            if let Some(preview) = &props.preview {
                { layout(&t, preview, &props.reading, &props.on_read) }
                { header_select(&t, "load-header", props.header, props.on_header.clone()) }
                { table(&t, preview) }
                <div class="actions"><button class="primary" onclick={on_next}>{ t.get("load.next") }</button></div>
            }
        </section>
    }
}

/// What was detected, each choice overridable.
fn layout(t: &Texts, preview: &Preview, reading: &Reading, on_read: &Callback<Reading>) -> Html {
    let file = &preview.file;
    let detected = |what: &str| t.format("load.detected", &[("value", what)]);
    let delimiter_name = |d: &str| match d {
        "," => t.get("load.delimiter.comma").to_owned(),
        ";" => t.get("load.delimiter.semicolon").to_owned(),
        "\t" => t.get("load.delimiter.tab").to_owned(),
        "|" => t.get("load.delimiter.pipe").to_owned(),
        other => other.to_owned(),
    };
    let delimiters: Vec<(String, String)> = std::iter::once((
        String::new(),
        detected(
            &file
                .delimiter
                .as_deref()
                .map(delimiter_name)
                .unwrap_or_default(),
        ),
    ))
    .chain(
        [",", ";", "\t", "|"]
            .iter()
            .map(|d| ((*d).to_owned(), delimiter_name(d))),
    )
    .collect();
    let on_encoding = {
        let (reading, on) = (reading.clone(), on_read.clone());
        Callback::from(move |encoding: Option<Encoding>| {
            on.emit(Reading {
                encoding,
                ..reading.clone()
            })
        })
    };
    let on_delimiter = {
        let (reading, on) = (reading.clone(), on_read.clone());
        Callback::from(move |v: String| {
            on.emit(Reading {
                delimiter: v.chars().next(),
                ..reading.clone()
            })
        })
    };
    let on_skip = {
        let (reading, on) = (reading.clone(), on_read.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            on.emit(Reading {
                skip_rows: value.trim().parse().ok(),
                ..reading.clone()
            })
        })
    };
    let delimiter_value = reading.delimiter.map(String::from).unwrap_or_default();
    let header = match file.header_row {
        Some(row) => t.format("load.header_row", &[("row", &row.to_string())]),
        None => t.get("load.header_none").to_owned(),
    };
    let xlsx = file.encoding == "xlsx";
    html! {
        <div class="layout" id="layout">
            if xlsx {
                <p>{ t.format("load.excel_sheet", &[("sheet", file.sheet.as_deref().unwrap_or_default())]) }</p>
            } else {
                <EncodingChoice detected={detected(&file.encoding)} value={reading.encoding} on={on_encoding} />
                { select("delimiter", t.get("load.delimiter"), &delimiter_value, &delimiters, on_delimiter) }
            }
            <div class="field">
                <label for="skip-rows">{ t.get("load.skip_rows") }</label>
                <input id="skip-rows" type="number" min="0"
                    value={reading.skip_rows.unwrap_or(file.skipped_rows as usize).to_string()}
                    onchange={on_skip} />
                <small>{ t.format("load.header_is", &[("header", &header)]) }</small>
            </div>
            if file.replaced_invalid_bytes {
                <p class="warning">{ t.get("load.invalid_bytes") }</p>
            }
        </div>
    }
}

/// The encodings offered by name; any other is typed as a WHATWG label.
const ENCODINGS: [Encoding; 4] = [
    Encoding::UTF_8,
    Encoding::UTF_16LE,
    Encoding::UTF_16BE,
    Encoding::WINDOWS_1252,
];

/// The encoding select's value for "Other…".
const OTHER: &str = "other";

/// Properties of [`EncodingChoice`].
#[derive(Properties, PartialEq, Debug)]
struct EncodingProps {
    /// The "Detected: …" choice's text.
    detected: String,
    /// The merchant's encoding; detected when `None`.
    value: Option<Encoding>,
    /// The merchant chose another encoding (or detection).
    on: Callback<Option<Encoding>>,
}

/// The encoding select: detected, the usual encodings, or "Other…" with a
/// box for any WHATWG label, which says so when the label names none.
#[function_component]
fn EncodingChoice(props: &EncodingProps) -> Html {
    let t = use_texts();
    let typed = props.value.filter(|e| !ENCODINGS.contains(e));
    let other = use_state(|| typed.is_some());
    let label = use_state(|| typed.map(|e| e.name().to_owned()).unwrap_or_default());
    // The label that names no encoding, while the merchant has not fixed it.
    let unknown = use_state(|| None::<String>);
    let options: Vec<(String, String)> = std::iter::once((String::new(), props.detected.clone()))
        .chain(ENCODINGS.map(|e| (e.name().to_owned(), e.name().to_owned())))
        .chain(std::iter::once((
            OTHER.to_owned(),
            t.get("load.encoding.other_choice").to_owned(),
        )))
        .collect();
    let value = match (*other, props.value) {
        (true, _) => OTHER.to_owned(),
        (false, Some(e)) => e.name().to_owned(),
        (false, None) => String::new(),
    };
    let on_select = {
        let (other, unknown, on) = (other.clone(), unknown.clone(), props.on.clone());
        Callback::from(move |v: String| {
            unknown.set(None);
            other.set(v == OTHER);
            if v != OTHER {
                on.emit(v.parse().ok());
            }
        })
    };
    let on_label = {
        let (label, unknown, on) = (label.clone(), unknown.clone(), props.on.clone());
        Callback::from(move |e: Event| {
            let typed = e.target_unchecked_into::<HtmlInputElement>().value();
            match typed.parse::<Encoding>() {
                Ok(encoding) => {
                    unknown.set(None);
                    on.emit(Some(encoding));
                }
                Err(_) => unknown.set(Some(typed.trim().to_owned())),
            }
            label.set(typed);
        })
    };
    html! {
        <>
            { select("encoding", t.get("load.encoding"), &value, &options, on_select) }
            if *other {
                <div class="field">
                    <label for="encoding-other">{ t.get("load.encoding.other_label") }</label>
                    <input id="encoding-other" type="text" spellcheck="false" autocomplete="off"
                        value={(*label).clone()} onchange={on_label}
                        aria-invalid={unknown.is_some().to_string()}
                        aria-describedby="encoding-other-problem" />
                    if let Some(typed) = &*unknown {
                        <p id="encoding-other-problem" class="alert" role="alert">
                            { t.format("load.encoding.unknown", &[("label", typed)]) }
                        </p>
                    }
                </div>
            }
        </>
    }
}

/// The first rows as parsed.
fn table(t: &Texts, preview: &Preview) -> Html {
    html! {
        <div class="scroll" tabindex="0" aria-label={t.get("load.preview").to_owned()}>
            <table id="preview">
                <thead><tr>{ for preview.file.columns.iter().map(|c| html! { <th scope="col">{ c }</th> }) }</tr></thead>
                <tbody>
                    { for preview.rows.iter().map(|row| html! {
                        <tr>{ for row.iter().map(|cell| html! { <td>{ cell }</td> }) }</tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
