//! Step 6: the files the check generated, made in this browser.

use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::Ready;
use listgate_core::output::OutputFile;
use yew::prelude::*;

/// Properties of [`DownloadStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct DownloadProps {
    /// The generated files.
    pub files: Vec<Ready>,
    /// They are being made again with the latest changes: the ones here
    /// are out of date and are not offered.
    pub updating: bool,
    /// Go to the evidence step.
    pub on_next: Callback<()>,
}

/// What a generated file holds, in `t`'s language; the worker's (English)
/// label for a file this page does not know.
fn label(t: &Texts, file: &Ready) -> String {
    let id = match file.file {
        OutputFile::Clean => "downloads.file.clean",
        OutputFile::Errors => "downloads.file.errors",
        OutputFile::Report => "downloads.file.report",
        OutputFile::Batches => "downloads.file.batches",
        OutputFile::Changes => "downloads.file.changes",
        OutputFile::Segment(segment) => {
            let s = segment.as_str();
            return t.format(
                "downloads.file.segment",
                &[
                    ("channel", t.get(&format!("segment.{s}.name"))),
                    ("meaning", t.get(&format!("segment.{s}.meaning"))),
                ],
            );
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
            if props.updating {
                <p role="status" id="downloads-updating">{ t.get("downloads.updating") }</p>
            } else {
            <ul class="downloads" id="downloads">
                { for props.files.iter().map(|f| html! {
                    <li>
                        <a href={f.url.clone()} download={f.file.name()} data-file={f.file.name()}>{ f.file.name() }</a>
                        { " — " }{ label(&t, f) }
                        if let Some(rows) = f.rows { { " " }{ t.plural("downloads.rows", rows, &[]) } }
                    </li>
                }) }
            </ul>
            }
            <div class="actions"><button class="primary" onclick={props.on_next.reform(|_: MouseEvent| ())}>{ t.get("downloads.next") }</button></div>
        </section>
    }
}
