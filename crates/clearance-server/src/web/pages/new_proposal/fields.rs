//! The form's values, named by intake path, and the intake JSON built from them (and back).
//!
//! Rules of the form (the same for the live triage, drafts and submissions):
//! - an empty value is left out, and a left-out answer counts as `unsure` in the triage;
//! - checkbox lists (`media`, `inputs`, `training.data`, `distribution`) with nothing ticked are
//!   left out (not known);
//! - `talent.uses` with nothing ticked is `[]` (no talent use); its own `unsure` box ("Not sure
//!   yet") leaves `talent.uses` out instead (not known), whatever else is ticked;
//! - a tool row with neither `name` nor `tool_id` is dropped, and a performer row with neither
//!   `name` nor `consent_id`; with no tool row left, `tools` is left out (not known);
//! - `production` is the chosen production's title unless the form carries the intake's own
//!   `production` text (kept when an existing proposal is edited).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// The most rows of tools or performers read from a form.
const MAX_ROWS: usize = 100;

/// The form's name/value pairs in the order sent (checkboxes repeat their name).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

/// The fields of a tool row.
pub const TOOL_FIELDS: &[&str] = &["name", "tool_id", "environment", "trains_on_inputs"];
/// The fields of a performer row.
pub const PERFORMER_FIELDS: &[&str] = &["name", "role", "living", "union", "consent", "consent_id"];

impl Fields {
    /// The first non-empty (trimmed) value of `name`.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .find(|value| !value.is_empty())
    }

    /// Every non-empty value of `name`, once each, in the order sent.
    pub fn many(&self, name: &str) -> Vec<&str> {
        let mut seen = Vec::new();
        for (key, value) in &self.0 {
            let value = value.trim();
            if key == name && !value.is_empty() && !seen.contains(&value) {
                seen.push(value);
            }
        }
        seen
    }

    /// Whether `name` was sent with `value`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0
            .iter()
            .any(|(key, sent)| key == name && sent.trim() == value)
    }

    /// Sets `name` to one value (replacing what was sent).
    pub fn set(&mut self, name: &str, value: String) {
        self.0.retain(|(key, _)| key != name);
        self.0.push((name.to_owned(), value));
    }

    /// The row numbers sent for a list (`tools` → the `N` of `tools[N].…`), at most `MAX_ROWS`.
    pub fn rows(&self, list: &str) -> Vec<usize> {
        let prefix = format!("{list}[");
        let mut rows = BTreeSet::new();
        for (key, _) in &self.0 {
            if let Some(rest) = key.strip_prefix(&prefix)
                && let Some((number, _)) = rest.split_once(']')
                && let Ok(number) = number.parse::<usize>()
                && number < MAX_ROWS
            {
                rows.insert(number);
            }
        }
        rows.into_iter().collect()
    }

    /// The form's production id, if a number was chosen.
    pub fn production_id(&self) -> Option<i64> {
        self.one("production_id")?.parse().ok()
    }
}

/// The intake JSON and, for each tool and performer it lists, the form row it came from (to put
/// a problem about `tools[1]` next to the right row).
#[derive(Debug, Clone)]
pub struct Built {
    /// The intake, in the schema's field order.
    pub intake: Value,
    /// Form row of each `tools[i]`.
    pub tool_rows: Vec<usize>,
    /// Form row of each `talent.performers[i]`.
    pub performer_rows: Vec<usize>,
}

impl Built {
    /// The intake as the text stored as the proposal's source.
    pub fn text(&self) -> String {
        serde_json::to_string_pretty(&self.intake).unwrap_or_else(|_| "{}".to_owned())
    }

    /// A problem's path in form terms (`tools[0]` of the intake may be row 2 of the form).
    pub fn form_path(&self, path: &str) -> String {
        for (list, rows) in [
            ("tools[", &self.tool_rows),
            ("talent.performers[", &self.performer_rows),
        ] {
            if let Some(rest) = path.strip_prefix(list)
                && let Some((number, tail)) = rest.split_once(']')
                && let Ok(number) = number.parse::<usize>()
                && let Some(row) = rows.get(number)
            {
                return format!("{list}{row}]{tail}");
            }
        }
        path.to_owned()
    }
}

fn put(object: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

fn put_list(object: &mut Map<String, Value>, key: &str, values: Vec<&str>) {
    if !values.is_empty() {
        object.insert(
            key.to_owned(),
            Value::Array(
                values
                    .into_iter()
                    .map(|v| Value::String(v.to_owned()))
                    .collect(),
            ),
        );
    }
}

/// Builds the intake from the form. `title` and `production` stand in when the form has none
/// (for the live triage: `None` leaves them out, and the parser names them as missing).
pub fn build(fields: &Fields, title: Option<&str>, production: Option<&str>) -> Built {
    let mut intake = Map::new();
    put(&mut intake, "title", fields.one("title").or(title));
    put(
        &mut intake,
        "production",
        fields.one("production").or(production),
    );
    for key in ["description", "submitted_by", "vendor", "stage", "element"] {
        put(&mut intake, key, fields.one(key));
    }
    put_list(&mut intake, "media", fields.many("media"));

    let mut output = Map::new();
    for key in ["final", "prominence", "mistaken_for_real", "human_input"] {
        put(&mut output, key, fields.one(&format!("output.{key}")));
    }
    if !output.is_empty() {
        intake.insert("output".to_owned(), Value::Object(output));
    }

    put_list(&mut intake, "inputs", fields.many("inputs"));

    let mut tools = Vec::new();
    let mut tool_rows = Vec::new();
    for row in fields.rows("tools") {
        let mut tool = Map::new();
        for key in TOOL_FIELDS {
            put(&mut tool, key, fields.one(&format!("tools[{row}].{key}")));
        }
        if tool.contains_key("name") || tool.contains_key("tool_id") {
            tools.push(Value::Object(tool));
            tool_rows.push(row);
        }
    }
    if !tools.is_empty() {
        intake.insert("tools".to_owned(), Value::Array(tools));
    }

    let mut training = Map::new();
    put(
        &mut training,
        "trains_model",
        fields.one("training.trains_model"),
    );
    put_list(&mut training, "data", fields.many("training.data"));
    put(
        &mut training,
        "reuse_beyond_production",
        fields.one("training.reuse_beyond_production"),
    );
    if !training.is_empty() {
        intake.insert("training".to_owned(), Value::Object(training));
    }

    let mut talent = Map::new();
    if !fields.has("talent.uses", "unsure") {
        let uses: Vec<Value> = fields
            .many("talent.uses")
            .into_iter()
            .map(|v| Value::String(v.to_owned()))
            .collect();
        talent.insert("uses".to_owned(), Value::Array(uses));
    }
    put(&mut talent, "exception", fields.one("talent.exception"));
    let mut performers = Vec::new();
    let mut performer_rows = Vec::new();
    for row in fields.rows("talent.performers") {
        let mut performer = Map::new();
        for key in PERFORMER_FIELDS {
            put(
                &mut performer,
                key,
                fields.one(&format!("talent.performers[{row}].{key}")),
            );
        }
        if performer.contains_key("name") || performer.contains_key("consent_id") {
            performers.push(Value::Object(performer));
            performer_rows.push(row);
        }
    }
    if !performers.is_empty() {
        talent.insert("performers".to_owned(), Value::Array(performers));
    }
    if !talent.is_empty() {
        intake.insert("talent".to_owned(), Value::Object(talent));
    }

    put(
        &mut intake,
        "union_work_impact",
        fields.one("union_work_impact"),
    );
    put_list(&mut intake, "distribution", fields.many("distribution"));
    put(
        &mut intake,
        "audience_disclosure",
        fields.one("audience_disclosure"),
    );
    Built {
        intake: Value::Object(intake),
        tool_rows,
        performer_rows,
    }
}

/// The form's values for a stored intake (its canonical JSON): the inverse of [`build`].
pub fn from_intake(intake: &Value) -> Fields {
    let mut fields = Fields::default();
    flatten("", intake, &mut fields.0);
    let talent_uses_known = intake
        .get("talent")
        .and_then(|talent| talent.get("uses"))
        .is_some_and(|uses| !uses.is_null());
    if !talent_uses_known {
        fields
            .0
            .push(("talent.uses".to_owned(), "unsure".to_owned()));
    }
    fields
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(true) => Some("yes".to_owned()),
        Value::Bool(false) => Some("no".to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&path, value, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                if item.is_object() {
                    flatten(&format!("{prefix}[{index}]"), item, out);
                } else if let Some(text) = scalar(item) {
                    out.push((prefix.to_owned(), text));
                }
            }
        }
        other => {
            if let Some(text) = scalar(other) {
                out.push((prefix.to_owned(), text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Fields, build, from_intake};

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn builds_the_intake_in_schema_order_and_drops_empty_values_and_rows() {
        let form = fields(&[
            ("title", "Moodboard"),
            ("production_id", "3"),
            ("description", ""),
            ("media", "image"),
            ("media", "video"),
            ("output.final", "no"),
            ("output.prominence", ""),
            ("tools[0].name", ""),
            ("tools[0].environment", "consumer"),
            ("tools[1].name", "Image tool"),
            ("tools[1].trains_on_inputs", "no"),
            ("union_work_impact", "no"),
        ]);
        let built = build(&form, None, Some("Night Shift"));
        assert_eq!(
            built.intake,
            json!({
                "title": "Moodboard", "production": "Night Shift", "media": ["image", "video"],
                "output": { "final": "no" },
                "tools": [{ "name": "Image tool", "trains_on_inputs": "no" }],
                "talent": { "uses": [] },
                "union_work_impact": "no",
            })
        );
        assert_eq!(built.form_path("tools[0].name"), "tools[1].name");
        assert!(built.text().starts_with("{\n  \"title\": \"Moodboard\""));
    }

    #[test]
    fn not_sure_about_talent_leaves_the_uses_out_and_round_trips() {
        let form = fields(&[
            ("title", "T"),
            ("talent.uses", "voice_replica"),
            ("talent.uses", "unsure"),
            ("talent.performers[0].name", "Ana"),
            ("talent.performers[0].living", "yes"),
            ("talent.performers[1].role", "principal"),
        ]);
        let built = build(&form, None, Some("P"));
        assert_eq!(
            built.intake["talent"],
            json!({ "performers": [{ "name": "Ana", "living": "yes" }] })
        );
        let back = from_intake(&built.intake);
        assert!(back.has("talent.uses", "unsure"));
        assert_eq!(back.one("talent.performers[0].name"), Some("Ana"));
        assert_eq!(build(&back, None, None).intake, built.intake);
    }
}
