//! Step 3: map each target field to a source column.

use crate::app::hooks::use_texts::use_texts;
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
    let t = use_texts();
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
            t.format("map.column_empty", &[("name", name)])
        } else {
            t.format(
                "map.column_samples",
                &[("name", name), ("samples", &samples)],
            )
        }
    };
    let group_of = |field: &str| {
        profile
            .required_any
            .iter()
            .find(|g| g.iter().any(|n| n == field))
    };
    let in_group = |field: &str| group_of(field).map(|g| g.join(&format!(" {} ", t.get("map.or"))));
    let is_mapped = |field: &str| preview.mapping.get(field).is_some_and(|c| !c.is_empty());
    let rows = profile.fields.iter().map(|field| {
        let mapped = preview.mapping.get(&field.name).cloned().unwrap_or_default();
        let id = format!("map-{}", field.name);
        let need = if field.required {
            Some(t.get("map.required").to_owned())
        } else {
            in_group(&field.name).map(|g| t.format("map.one_of", &[("fields", &g)]))
        };
        let description = t.localize(
            &format!("field.{}.{}", props.profile, field.name),
            &field.description,
        );
        // A required field unmapped, or a group of which one is required
        // with none of its fields mapped.
        let missing = !is_mapped(&field.name)
            && (field.required
                || group_of(&field.name).is_some_and(|g| !g.iter().any(|n| is_mapped(n))));
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
                    <small>{ description }</small>
                </th>
                <td>
                    <select id={id} {onchange} aria-invalid={missing.to_string()}>
                        <option value="" selected={mapped.is_empty()}>{ t.get("map.not_mapped") }</option>
                        { for preview.file.columns.iter().enumerate().map(|(c, name)| html! {
                            <option value={name.clone()} selected={*name == mapped}>{ column_label(c, name) }</option>
                        }) }
                    </select>
                    if missing { <small class="error-text">{ t.get("map.required_missing") }</small> }
                </td>
            </tr>
        }
    });
    let on_save = props.on_save.reform(|_: MouseEvent| ());
    let on_check = props.on_check.reform(|_: MouseEvent| ());
    html! {
        <section aria-labelledby="map-title">
            <h2 id="map-title">{ t.get("map.title") }</h2>
            <p class="muted">{ t.get("map.intro") }</p>
            if let Some(problem) = &preview.problem {
                <div class="alert" role="alert" id="map-problem">{ problem }</div>
            }
            <table class="mapping" id="mapping">
                <thead><tr><th scope="col">{ t.get("map.field") }</th><th scope="col">{ t.get("map.column") }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            <div class="actions">
                <button onclick={on_save}>{ t.get("map.save") }</button>
                if props.saved { <span role="status">{ " " }{ t.get("map.saved") }</span> }
                <button class="primary" id="run-check" onclick={on_check} disabled={preview.problem.is_some()}>{ t.get("map.check") }</button>
            </div>
        </section>
    }
}
