//! The intake's answers as a readable definition list (from the version's canonical JSON), and
//! the words for intake paths used elsewhere on the page.

use maud::{Markup, html};
use serde_json::{Map, Value};

/// Fields whose text is the production's own (shown as written, never reworded).
const FREE_TEXT: &[&str] = &[
    "title",
    "production",
    "description",
    "submitted_by",
    "vendor",
    "tools.name",
    "tools.tool_id",
    "talent.performers.name",
    "talent.performers.consent_id",
];

/// The question or label for an intake path with the list positions taken out (`tools.name`).
fn label_of(shape: &str) -> Option<&'static str> {
    Some(match shape {
        "title" => "Title",
        "production" => "Production",
        "description" => "Description",
        "submitted_by" => "Submitted by",
        "vendor" => "Vendor",
        "stage" => "Stage",
        "media" => "Media",
        "element" => "What is made",
        "output" => "The output",
        "output.final" => "Part of the final deliverables?",
        "output.prominence" => "Prominence on screen",
        "output.mistaken_for_real" => "Could it be mistaken for real events, people or statements?",
        "output.human_input" => "Meaningful human creative input in the final version?",
        "inputs" => "What is fed to the tools",
        "tools" => "Tools",
        "tools.name" => "Tool",
        "tools.tool_id" => "Registered tool",
        "tools.environment" => "Environment",
        "tools.trains_on_inputs" => "Stores, reuses or trains on inputs or outputs?",
        "training" => "Training",
        "training.trains_model" => "Is a model trained or fine-tuned?",
        "training.data" => "Training data",
        "training.reuse_beyond_production" => "Model used beyond this production?",
        "talent" => "Talent",
        "talent.uses" => "Talent uses",
        "talent.exception" => "Why no further consent may be needed",
        "talent.performers" => "Performers",
        "talent.performers.name" => "Name",
        "talent.performers.role" => "Role",
        "talent.performers.living" => "Living?",
        "talent.performers.union" => "Union",
        "talent.performers.consent" => "Consent",
        "talent.performers.consent_id" => "Consent record",
        "union_work_impact" => "Replaces or materially affects union-represented work?",
        "distribution" => "Where it will be shown",
        "audience_disclosure" => "Disclosure to the audience",
        _ => return None,
    })
}

/// `tools[1].environment` → `tools.environment`.
fn shape_of(path: &str) -> String {
    let mut shape = String::with_capacity(path.len());
    let mut skipping = false;
    for c in path.chars() {
        match c {
            '[' => skipping = true,
            ']' => skipping = false,
            _ if !skipping => shape.push(c),
            _ => {}
        }
    }
    shape
}

/// A path's label for people (the last part of an unknown path, reworded).
pub(crate) fn label(path: &str) -> String {
    let shape = shape_of(path);
    match label_of(&shape) {
        Some(label) => label.to_owned(),
        None => words(shape.rsplit('.').next().unwrap_or(&shape)),
    }
}

/// An identifier in words: `studio_enterprise` → `studio enterprise`, answers capitalised.
pub(crate) fn words(value: &str) -> String {
    match value {
        "yes" => "Yes".to_owned(),
        "no" => "No".to_owned(),
        "unsure" => "Unsure".to_owned(),
        _ => value.replace('_', " "),
    }
}

/// A value from an intake path (a suggestion's change, for instance) in words.
pub(crate) fn value_words(path: &str, value: &Value) -> String {
    let free = FREE_TEXT.contains(&shape_of(path).as_str());
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::String(text) if free => text.clone(),
        Value::String(text) => words(text),
        Value::Array(items) if items.is_empty() => "none".to_owned(),
        Value::Array(items) => items
            .iter()
            .map(|item| value_words(path, item))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The intake (canonical JSON text) as a definition list; unreadable text shows a notice.
pub(crate) fn answers(intake_json: &str) -> Markup {
    match serde_json::from_str::<Value>(intake_json) {
        Ok(Value::Object(map)) => object("", &map),
        _ => html! { p.muted { "The answers could not be read; the source text is below." } },
    }
}

fn object(prefix: &str, map: &Map<String, Value>) -> Markup {
    html! {
        dl.intake {
            @for (key, value) in map {
                @if !value.is_null() {
                    @let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                    dt { (label(&path)) }
                    dd { (entry(&path, value)) }
                }
            }
        }
    }
}

fn entry(path: &str, value: &Value) -> Markup {
    match value {
        Value::Object(map) => object(path, map),
        Value::Array(items) if items.iter().any(Value::is_object) => html! {
            ol.intake-items {
                @for (position, item) in items.iter().enumerate() {
                    @let item_path = format!("{path}[{position}]");
                    li {
                        @if let Value::Object(map) = item { (object(&item_path, map)) }
                        @else { (value_words(&item_path, item)) }
                    }
                }
            }
        },
        Value::Array(items) if items.is_empty() => html! { span.muted { "none" } },
        other => html! { (value_words(path, other)) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_values_read_as_words() {
        assert_eq!(
            label("tools[1].environment"),
            "Environment".to_owned(),
            "list positions do not matter"
        );
        assert_eq!(label("something_new"), "something new");
        assert_eq!(
            value_words("tools[0].environment", &Value::from("studio_enterprise")),
            "studio enterprise"
        );
        assert_eq!(
            value_words("tools[0].name", &Value::from("my_tool")),
            "my_tool",
            "free text is shown as written"
        );
        assert_eq!(value_words("inputs", &serde_json::json!([])), "none");
    }

    #[test]
    fn the_answers_are_a_definition_list_not_raw_text() {
        let html =
            answers(r#"{"title":"Poster","output":{"final":"yes"},"vendor":null}"#).into_string();
        assert!(
            html.contains("<dt>Part of the final deliverables?</dt><dd>Yes</dd>"),
            "{html}"
        );
        assert!(
            !html.contains("Vendor"),
            "left-out fields are not listed: {html}"
        );
    }
}
