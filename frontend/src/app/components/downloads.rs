//! Step 6: the files the check generated, made in this browser.

use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::Ready;
use listgate_core::{Outputs, Segment};
use yew::prelude::*;

/// Properties of [`DownloadStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct DownloadProps {
    /// The generated files.
    pub files: Vec<Ready>,
    /// Go to the evidence step.
    pub on_next: Callback<()>,
}

/// What a generated file holds, in `t`'s language; the worker's (English)
/// label for a file this page does not know.
fn label(t: &Texts, file: &Ready) -> String {
    let id = match file.name.as_str() {
        "clean.csv" => "downloads.file.clean",
        "errors.csv" => "downloads.file.errors",
        "report.json" => "downloads.file.report",
        "batches.csv" => "downloads.file.batches",
        name => {
            return match Segment::ALL
                .into_iter()
                .find(|s| Outputs::file_name(*s) == name)
            {
                Some(segment) => {
                    let s = segment.as_str();
                    t.format(
                        "downloads.file.segment",
                        &[
                            ("channel", t.get(&format!("segment.{s}.name"))),
                            ("meaning", t.get(&format!("segment.{s}.meaning"))),
                        ],
                    )
                }
                None => file.label.clone(),
            };
        }
    };
    t.localize(id, &file.label).to_owned()
}

/// One link per generated file.
#[function_component]
pub fn DownloadStep(props: &DownloadProps) -> Html {
    let t = use_texts();
    html! {
        <section aria-labelledby="download-title">
            <h2 id="download-title">{ t.get("downloads.title") }</h2>
            <p class="muted">{ t.get("downloads.intro") }</p>
            <ul class="downloads" id="downloads">
                { for props.files.iter().map(|f| html! {
                    <li>
                        <a href={f.url.clone()} download={f.name.clone()} data-file={f.name.clone()}>{ &f.name }</a>
                        { " — " }{ label(&t, f) }
                        if let Some(rows) = f.rows { { " " }{ t.plural("downloads.rows", rows, &[]) } }
                    </li>
                }) }
            </ul>
            <div class="actions"><button class="primary" onclick={props.on_next.reform(|_: MouseEvent| ())}>{ t.get("downloads.next") }</button></div>
        </section>
    }
}
