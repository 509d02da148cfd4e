//! Labelled form controls: every input has a visible label tied to it.

use crate::app::i18n::Texts;
use crate::app::state::HeaderChoice;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// A labelled one-line text input.
pub fn text_input(id: &str, label: &str, value: &str, hint: &str, on: Callback<String>) -> Html {
    input("text", id, label, value, hint, on)
}

/// A labelled input whose value is not shown (keys, passwords).
pub fn secret_input(id: &str, label: &str, value: &str, hint: &str, on: Callback<String>) -> Html {
    input("password", id, label, value, hint, on)
}

fn input(kind: &str, id: &str, label: &str, value: &str, hint: &str, on: Callback<String>) -> Html {
    let oninput = Callback::from(move |e: InputEvent| {
        on.emit(e.target_unchecked_into::<HtmlInputElement>().value())
    });
    html! {
        <div class="field">
            <label for={id.to_owned()}>{ label }</label>
            <input id={id.to_owned()} type={kind.to_owned()} value={value.to_owned()} {oninput}
                autocomplete="off" aria-describedby={format!("{id}-hint")} />
            <small id={format!("{id}-hint")}>{ hint }</small>
        </div>
    }
}

/// A labelled multi-line text input.
pub fn text_area(id: &str, label: &str, value: &str, hint: &str, on: Callback<String>) -> Html {
    let oninput = Callback::from(move |e: InputEvent| {
        on.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
    });
    html! {
        <div class="field">
            <label for={id.to_owned()}>{ label }</label>
            <textarea id={id.to_owned()} value={value.to_owned()} {oninput}
                aria-describedby={format!("{id}-hint")} />
            <small id={format!("{id}-hint")}>{ hint }</small>
        </div>
    }
}

/// A labelled checkbox.
pub fn checkbox(id: &str, label: &str, checked: bool, on: Callback<bool>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        on.emit(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    html! {
        <div class="check">
            <input id={id.to_owned()} type="checkbox" {checked} {onchange} />
            <label for={id.to_owned()}>{ label }</label>
        </div>
    }
}

/// Whether the file has a header row: detect it, yes or no. The Start step
/// asks before a file is chosen; the Load step asks again beside the header
/// it found.
pub fn header_select(
    t: &Texts,
    id: &str,
    choice: HeaderChoice,
    on: Callback<HeaderChoice>,
) -> Html {
    let options = [
        ("detect", "start.header.detect"),
        ("yes", "start.header.yes"),
        ("no", "start.header.no"),
    ]
    .map(|(v, id)| (v.to_owned(), t.get(id).to_owned()));
    let value = match choice {
        HeaderChoice::Detect => "detect",
        HeaderChoice::Yes => "yes",
        HeaderChoice::No => "no",
    };
    let on = on.reform(|v: String| match v.as_str() {
        "yes" => HeaderChoice::Yes,
        "no" => HeaderChoice::No,
        _ => HeaderChoice::Detect,
    });
    select(id, t.get("start.header"), value, &options, on)
}

/// A labelled select of `(value, text)` options.
pub fn select(
    id: &str,
    label: &str,
    value: &str,
    options: &[(String, String)],
    on: Callback<String>,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        on.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
    });
    html! {
        <div class="field">
            <label for={id.to_owned()}>{ label }</label>
            <select id={id.to_owned()} {onchange}>
                { for options.iter().map(|(v, text)| html! {
                    <option value={v.clone()} selected={v == value}>{ text }</option>
                }) }
            </select>
        </div>
    }
}

/// A failure in plain words, with its fix (in English).
pub fn failure(failure: &crate::protocol::Failure) -> Html {
    failure_in(&Texts::default(), failure)
}

/// A failure in plain words, with its fix, introduced in `texts`' language
/// (the message and fix are core's or the server's, in English).
pub fn failure_in(texts: &Texts, failure: &crate::protocol::Failure) -> Html {
    html! {
        <div class="alert" role="alert">
            <strong>{ texts.get("form.attention") }</strong>{ " " }{ &failure.message }
            if let Some(position) = failure.position { { position_in(texts, position) } }
            if let Some(fix) = &failure.fix { <p>{ texts.get("form.how_to_fix") }{ " " }{ fix }</p> }
        </div>
    }
}

/// Where a refused file is to be fixed, marked so the eye finds it (and
/// with its row and column as data for the page and its tests).
fn position_in(texts: &Texts, position: listgate_core::Position) -> Html {
    let row = position.row.to_string();
    let (text, column) = match position.column {
        Some(column) => {
            let letter = listgate_core::text::column_letter(column);
            let text = texts.format("form.position_cell", &[("row", &row), ("column", &letter)]);
            (text, Some(letter))
        }
        None => (texts.format("form.position_row", &[("row", &row)]), None),
    };
    html! {
        <p id="failure-position" data-row={row} data-column={column}><mark>{ text }</mark></p>
    }
}

/// Bytes as the merchant reads them.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// A count with thousands separators: 1,000,000 (core's, as in its messages).
pub use listgate_core::text::thousands as count;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_sizes_read_naturally() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(human_size(512), "512 bytes");
        assert_eq!(human_size(2048), "2.0 KB");
        assert_eq!(human_size(3 << 20), "3.0 MB");
    }
}
