//! Step 3: map each target field to a source column.

use listgate_core::{Preview, Profile};
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Properties of [`MapStep`].
#[derive(Properties, PartialEq, Debug)]
pub struct MapProps {
    /// Profile name.
    pub profile: String,
    /// The file's columns, samples and the mapping in effect.
    pub preview: Rc<Preview>,
    /// `(field, column)`; a blank column leaves the field unmapped.
    pub on_map: Callback<(String, String)>,
    /// Save the mapping in this browser.
    pub on_save: Callback<()>,
    /// A mapping was saved.
    pub saved: bool,
    /// Run the check.
    pub on_check: Callback<()>,
}

/// One row per target field: required or not, a column picker with samples.
#[function_component]
pub fn MapStep(props: &MapProps) -> Html {
    let Ok(profile) = Profile::builtin(&props.profile) else {
        return html! {};
    };
    let preview = &props.preview;
    let column_label = |c: usize, name: &str| {
        let samples = preview
            .samples
            .get(c)
            .map(|s| s.join(", "))
            .unwrap_or_default();
        if samples.is_empty() {
            format!("{name} (empty in the first rows)")
        } else {
            format!("{name} — e.g. {samples}")
        }
    };
    let in_group = |field: &str| {
        profile
            .required_any
            .iter()
            .find(|g| g.iter().any(|n| n == field))
            .map(|g| g.join(" or "))
    };
    let rows = profile.fields.iter().map(|field| {
        let mapped = preview.mapping.get(&field.name).cloned().unwrap_or_default();
        let id = format!("map-{}", field.name);
        let need = if field.required {
            Some("required".to_owned())
        } else {
            in_group(&field.name).map(|g| format!("one of {g} required"))
        };
        let missing = field.required && mapped.is_empty();
        let onchange = {
            let (on, name) = (props.on_map.clone(), field.name.clone());
            Callback::from(move |e: Event| {
                on.emit((name.clone(), e.target_unchecked_into::<HtmlSelectElement>().value()))
            })
        };
        html! {
            <tr class={classes!(missing.then_some("missing"))}>
                <th scope="row">
                    <label for={id.clone()}>{ &field.name }</label>
                    if let Some(need) = need { <span class="badge">{ need }</span> }
                    <small>{ &field.description }</small>
                </th>
                <td>
                    <select id={id} {onchange} aria-invalid={missing.to_string()}>
                        <option value="" selected={mapped.is_empty()}>{ "— not mapped —" }</option>
                        { for preview.file.columns.iter().enumerate().map(|(c, name)| html! {
                            <option value={name.clone()} selected={*name == mapped}>{ column_label(c, name) }</option>
                        }) }
                    </select>
                    if missing { <small class="error-text">{ "Required: choose the column that holds it." }</small> }
                </td>
            </tr>
        }
    });
    let on_save = props.on_save.reform(|_: MouseEvent| ());
    let on_check = props.on_check.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="map-title">
            <h2 id="map-title">{ "3. Map the columns" }</h2>
            <p class="muted">{ "Each field of the import is matched to a column of your file. Columns left unmapped are kept as custom fields." }</p>
            if let Some(problem) = &preview.problem {
                <div class="alert" role="alert" id="map-problem">{ problem }</div>
            }
            <table class="mapping" id="mapping">
                <thead><tr><th scope="col">{ "Field" }</th><th scope="col">{ "Column in your file" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <div class="actions">
                <button onclick={on_save}>{ "Save this mapping in this browser" }</button>
                if props.saved { <span role="status">{ " Saved." }</span> }
                <button class="primary" id="run-check" onclick={on_check} disabled={preview.problem.is_some()}>{ "Check the list" }</button>
            </div>
        </section>
    }
}
