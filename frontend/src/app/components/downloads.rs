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
    // Object URLs for the files on offer, made while this step is shown and
    // freed when it goes or the files change.
    let urls = use_memo(props.files.clone(), |files| ObjectUrls::of(files));
    let files = props.files.iter().zip(urls.0.iter());
    html! {
        <section aria-labelledby="download-title">
            <h2 id="download-title">{ t.get("downloads.title") }</h2>
            <p class="muted">{ t.get("downloads.intro") }</p>
            if props.updating {
                <p role="status" id="downloads-updating">{ t.get("downloads.updating") }</p>
            } else {
            <ul class="downloads" id="downloads">
                { for files.map(|(f, url)| html! {
                    <li>
                        <a href={url.clone()} download={f.file.name()} data-file={f.file.name()}>{ f.file.name() }</a>
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

/// One object URL per file, revoked when dropped.
struct ObjectUrls(Vec<String>);

impl ObjectUrls {
    fn of(files: &[Ready]) -> ObjectUrls {
        let url =
            |f: &Ready| web_sys::Url::create_object_url_with_blob(&f.blob).unwrap_or_default();
        ObjectUrls(files.iter().map(url).collect())
    }
}

impl Drop for ObjectUrls {
    fn drop(&mut self) {
        for url in &self.0 {
            let _ = web_sys::Url::revoke_object_url(url);
        }
    }
}
