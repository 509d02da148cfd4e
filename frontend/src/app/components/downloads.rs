//! Step 6: the files the check generated, made in this browser.

use super::form::count;
use crate::app::state::Ready;
use yew::prelude::*;

/// Properties of [`DownloadStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct DownloadProps {
    /// The generated files.
    pub files: Vec<Ready>,
    /// Go to the evidence step.
    pub on_next: Callback<()>,
}

/// One link per generated file.
#[function_component]
pub fn DownloadStep(props: &DownloadProps) -> Html {
    html! {
        <section aria-labelledby="download-title">
            <h2 id="download-title">{ "6. Download" }</h2>
            <p class="muted">{ "These files were made in your browser; nothing has been uploaded." }</p>
            <ul class="downloads" id="downloads">
                { for props.files.iter().map(|f| html! {
                    <li>
                        <a href={f.url.clone()} download={f.name.clone()} data-file={f.name.clone()}>{ &f.name }</a>
                        { " — " }{ &f.label }
                        if let Some(rows) = f.rows { { format!(" ({} rows)", count(rows)) } }
                    </li>
                }) }
            </ul>
            <div class="actions"><button class="primary" onclick={props.on_next.reform(|_: MouseEvent| ())}>{ "Next: consent evidence" }</button></div>
        </section>
    }
}
