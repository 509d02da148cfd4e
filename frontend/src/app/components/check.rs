//! Step 4: the check runs in the worker; progress and Cancel.

use super::form::count;
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

fn duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

/// Progress bar with rows done, rows per second and time left.
#[function_component]
pub fn CheckStep(props: &CheckProps) -> Html {
    let on_start = props.on_start.reform(|_: MouseEvent| ());
    let on_cancel = props.on_cancel.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="check-title">
            <h2 id="check-title">{ "4. Check" }</h2>
            if let Some(r) = &props.running {
                <progress id="progress" max="100" value={format!("{:.1}", r.percent())}
                    aria-label="Share of the file checked" />
                <p id="progress-text" aria-live="polite">
                    { format!("{} rows checked · {} rows/s", count(r.progress.rows_done), count(r.rows_per_second() as u64)) }
                    if let Some(left) = r.seconds_left() { { format!(" · about {} left", duration(left)) } }
                </p>
                <button id="cancel" onclick={on_cancel}>{ "Cancel" }</button>
            } else {
                <p>{ "The check was stopped or has not started." }</p>
                <button class="primary" id="start-check" onclick={on_start}>{ "Check the list" }</button>
            }
        </section>
    }
}
