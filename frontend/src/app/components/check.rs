//! Step 4: the check runs in the worker; progress and Cancel.

use crate::app::hooks::use_texts::use_texts;
use crate::app::i18n::Texts;
use crate::app::state::Running;
use yew::prelude::*;

/// Properties of [`CheckStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct CheckProps {
    /// The check in progress, if any.
    pub running: Option<Running>,
    /// Start (or restart) the check.
    pub on_start: Callback<()>,
    /// Stop the check.
    pub on_cancel: Callback<()>,
}

fn duration(t: &Texts, seconds: f64) -> String {
    let s = seconds.round() as u64;
    if s >= 60 {
        let (min, s) = ((s / 60).to_string(), (s % 60).to_string());
        t.format("check.minutes", &[("min", &min), ("s", &s)])
    } else {
        t.format("check.seconds", &[("s", &s.to_string())])
    }
}

/// "12,000 rows checked · 3,000 rows/s · about 4 s left".
fn progress_text(t: &Texts, r: &Running) -> String {
    let mut parts = vec![
        t.plural("check.rows_checked", r.progress.rows_done, &[]),
        t.format("check.rate", &[("n", &t.count(r.rows_per_second() as u64))]),
    ];
    if let Some(left) = r.seconds_left() {
        parts.push(t.format("check.left", &[("time", &duration(t, left))]));
    }
    parts.join(" · ")
}

/// Progress bar with rows done, rows per second and time left.
#[function_component]
pub fn CheckStep(props: &CheckProps) -> Html {
    let t = use_texts();
    let on_start = props.on_start.reform(|_: MouseEvent| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="check-title">
            <h2 id="check-title">{ t.get("check.title") }</h2>
            if let Some(r) = &props.running {
                <progress id="progress" max="100" value={format!("{:.1}", r.percent())}
                    aria-label={t.get("check.progress").to_owned()} />
                <p id="progress-text" aria-live="polite">{ progress_text(&t, r) }</p>
                <button id="cancel" onclick={on_cancel}>{ t.get("check.cancel") }</button>
                <p class="muted">{ t.get("load.privacy") }</p>
            } else {
                <p>{ t.get("check.stopped") }</p>
                <button class="primary" id="start-check" onclick={on_start}>{ t.get("check.start") }</button>
            }
        </section>
    }
}
