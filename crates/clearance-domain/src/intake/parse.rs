//! Reads an intake from a document tree, collecting every problem with its location and path.

use crate::document::{Entry, Node, Span, Value};
use crate::intake::{Intake, Output, Performer, Talent, Tool, Training};
use crate::problem::{Problem, Problems, did_you_mean};
use crate::vocabulary::{Answer, Set, Vocabulary};

const TOP_FIELDS: &[&str] = &[
    "title",
    "production",
    "description",
    "submitted_by",
    "vendor",
    "stage",
    "media",
    "element",
    "output",
    "inputs",
    "tools",
    "training",
    "talent",
    "union_work_impact",
    "distribution",
    "audience_disclosure",
];
const OUTPUT_FIELDS: &[&str] = &["final", "prominence", "mistaken_for_real", "human_input"];
const TOOL_FIELDS: &[&str] = &["tool_id", "name", "environment", "trains_on_inputs"];
const TRAINING_FIELDS: &[&str] = &["trains_model", "data", "reuse_beyond_production"];
const TALENT_FIELDS: &[&str] = &["uses", "exception", "performers"];
const PERFORMER_FIELDS: &[&str] = &["name", "role", "living", "union", "consent", "consent_id"];

/// Reads an intake from a parsed document. Returns every problem found, in file order.
pub fn parse_intake(root: &Node) -> Result<Intake, Problems> {
    let mut reader = Reader {
        problems: Problems::default(),
    };
    let intake = reader.intake(root);
    if reader.problems.is_empty() {
        Ok(intake)
    } else {
        Err(reader.problems.sorted())
    }
}

struct Reader {
    problems: Problems,
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

impl Reader {
    fn problem(&mut self, path: &str, span: Span, message: String) {
        self.problems.push(Problem::new(path, span, message));
    }

    /// Checks that `node` is a mapping with only `known` keys; reports the others.
    fn fields<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> Option<&'n [Entry]> {
        match &node.value {
            Value::Map(entries) => {
                for entry in entries {
                    if !known.contains(&entry.key.as_str()) {
                        let key = &entry.key;
                        let hint = did_you_mean(key, known.iter().copied());
                        let problem = Problem::new(
                            join(path, key),
                            entry.key_span,
                            format!("unknown field `{key}`{hint}"),
                        )
                        .with_help(format!("the fields here are: {}", known.join(", ")));
                        self.problems.push(problem);
                    }
                }
                Some(entries)
            }
            Value::Null => None,
            other => {
                let what = if path.is_empty() {
                    "the intake".to_owned()
                } else {
                    format!("`{path}`")
                };
                self.problem(
                    path,
                    node.span,
                    format!(
                        "{what} must be a mapping of fields, found {}",
                        other.type_name()
                    ),
                );
                None
            }
        }
    }

    fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::Null => None,
            Value::String(text) if text.trim().is_empty() => {
                self.problem(path, node.span, format!("`{path}` must not be empty"));
                None
            }
            Value::String(text) => Some(text.clone()),
            Value::Number(text) => {
                let problem = Problem::new(
                    path,
                    node.span,
                    format!("`{path}` must be text, found the number `{text}`"),
                )
                .with_help(format!("quote it: '{text}'"));
                self.problems.push(problem);
                None
            }
            other => {
                self.problem(
                    path,
                    node.span,
                    format!("`{path}` must be text, found {}", other.type_name()),
                );
                None
            }
        }
    }

    fn answer(&mut self, node: &Node, path: &str) -> Option<Answer> {
        match &node.value {
            Value::Bool(true) => Some(Answer::Yes),
            Value::Bool(false) => Some(Answer::No),
            _ => self.choice::<Answer>(node, path),
        }
    }

    fn choice<T: Vocabulary>(&mut self, node: &Node, path: &str) -> Option<T> {
        match &node.value {
            Value::Null => None,
            Value::String(text) | Value::Number(text) => match T::from_name(text) {
                Some(value) => Some(value),
                None => {
                    let hint = did_you_mean(text, T::NAMES.iter().copied());
                    let problem = Problem::new(
                        path,
                        node.span,
                        format!("unknown value `{text}` for `{path}`{hint}"),
                    )
                    .with_help(format!("expected one of: {}", T::NAMES.join(", ")));
                    self.problems.push(problem);
                    None
                }
            },
            other => {
                let problem = Problem::new(
                    path,
                    node.span,
                    format!(
                        "`{path}` must be one of the listed values, found {}",
                        other.type_name()
                    ),
                )
                .with_help(format!("expected one of: {}", T::NAMES.join(", ")));
                self.problems.push(problem);
                None
            }
        }
    }

    fn choices<T: Vocabulary>(&mut self, node: &Node, path: &str) -> Option<Set<T>> {
        match &node.value {
            Value::Null => None,
            Value::Seq(items) => {
                let mut set = Set::empty();
                for (position, item) in items.iter().enumerate() {
                    if let Some(value) = self.choice::<T>(item, &format!("{path}[{position}]")) {
                        set.insert(value);
                    }
                }
                Some(set)
            }
            other => {
                let problem = Problem::new(
                    path,
                    node.span,
                    format!("`{path}` must be a list, found {}", other.type_name()),
                )
                .with_help(format!("write a list such as [{}]", T::NAMES[0]));
                self.problems.push(problem);
                None
            }
        }
    }

    fn items<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n [Node]> {
        match &node.value {
            Value::Null => None,
            Value::Seq(items) => Some(items),
            other => {
                self.problem(
                    path,
                    node.span,
                    format!("`{path}` must be a list, found {}", other.type_name()),
                );
                None
            }
        }
    }

    fn intake(&mut self, root: &Node) -> Intake {
        let mut intake = Intake::default();
        let Some(entries) = self.fields(root, "", TOP_FIELDS) else {
            if root.value == Value::Null {
                self.problem(
                    "",
                    root.span,
                    "the intake is empty: it needs at least `title` and `production`".to_owned(),
                );
            }
            return intake;
        };
        let (mut title, mut production) = (None, None);
        for entry in entries {
            let node = &entry.value;
            let key = entry.key.as_str();
            match key {
                "title" => title = self.text(node, key),
                "production" => production = self.text(node, key),
                "description" => intake.description = self.free_text(node, key),
                "submitted_by" => intake.submitted_by = self.free_text(node, key),
                "vendor" => intake.vendor = self.free_text(node, key),
                "stage" => intake.stage = self.choice(node, key),
                "media" => intake.media = self.choices(node, key),
                "element" => intake.element = self.choice(node, key),
                "output" => intake.output = self.output(node),
                "inputs" => intake.inputs = self.choices(node, key),
                "tools" => intake.tools = self.tools(node),
                "training" => intake.training = self.training(node),
                "talent" => intake.talent = self.talent(node),
                "union_work_impact" => intake.union_work_impact = self.answer(node, key),
                "distribution" => intake.distribution = self.choices(node, key),
                "audience_disclosure" => intake.audience_disclosure = self.choice(node, key),
                _ => {}
            }
        }
        for (name, value) in [("title", &title), ("production", &production)] {
            if value.is_none() && !entries.iter().any(|entry| entry.key == name) {
                self.problem(name, root.span, format!("missing required field `{name}`"));
            }
        }
        intake.title = title.unwrap_or_default();
        intake.production = production.unwrap_or_default();
        intake
    }

    /// Free text may be empty (the schema sets no minimum length); it must still be text.
    fn free_text(&mut self, node: &Node, path: &str) -> Option<String> {
        match &node.value {
            Value::String(text) => Some(text.clone()),
            _ => self.text(node, path),
        }
    }

    fn output(&mut self, node: &Node) -> Output {
        let mut output = Output::default();
        for entry in self
            .fields(node, "output", OUTPUT_FIELDS)
            .unwrap_or_default()
        {
            let path = join("output", &entry.key);
            let value = &entry.value;
            match entry.key.as_str() {
                "final" => output.final_deliverable = self.answer(value, &path),
                "prominence" => output.prominence = self.choice(value, &path),
                "mistaken_for_real" => output.mistaken_for_real = self.answer(value, &path),
                "human_input" => output.human_input = self.answer(value, &path),
                _ => {}
            }
        }
        output
    }

    fn tools(&mut self, node: &Node) -> Option<Vec<Tool>> {
        let items = self.items(node, "tools")?;
        let mut tools = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            let base = format!("tools[{position}]");
            let mut tool = Tool::default();
            if let Some(entries) = self.fields(item, &base, TOOL_FIELDS) {
                for entry in entries {
                    let path = join(&base, &entry.key);
                    let value = &entry.value;
                    match entry.key.as_str() {
                        "tool_id" => tool.tool_id = self.text(value, &path),
                        "name" => tool.name = self.text(value, &path),
                        "environment" => tool.environment = self.choice(value, &path),
                        "trains_on_inputs" => tool.trains_on_inputs = self.answer(value, &path),
                        _ => {}
                    }
                }
                let named = entries
                    .iter()
                    .any(|entry| entry.key == "name" || entry.key == "tool_id");
                if !named {
                    self.problem(
                        &base,
                        item.span,
                        format!("`{base}` needs a `name` or a `tool_id`"),
                    );
                }
            } else if item.value == Value::Null {
                self.problem(
                    &base,
                    item.span,
                    format!("`{base}` is empty: it needs a `name` or a `tool_id`"),
                );
            }
            tools.push(tool);
        }
        Some(tools)
    }

    fn training(&mut self, node: &Node) -> Training {
        let mut training = Training::default();
        for entry in self
            .fields(node, "training", TRAINING_FIELDS)
            .unwrap_or_default()
        {
            let path = join("training", &entry.key);
            let value = &entry.value;
            match entry.key.as_str() {
                "trains_model" => training.trains_model = self.answer(value, &path),
                "data" => training.data = self.choices(value, &path),
                "reuse_beyond_production" => {
                    training.reuse_beyond_production = self.answer(value, &path)
                }
                _ => {}
            }
        }
        training
    }

    fn talent(&mut self, node: &Node) -> Talent {
        let mut talent = Talent::default();
        for entry in self
            .fields(node, "talent", TALENT_FIELDS)
            .unwrap_or_default()
        {
            let path = join("talent", &entry.key);
            let value = &entry.value;
            match entry.key.as_str() {
                "uses" => talent.uses = self.choices(value, &path),
                "exception" => talent.exception = self.choice(value, &path),
                "performers" => talent.performers = self.performers(value),
                _ => {}
            }
        }
        talent
    }

    fn performers(&mut self, node: &Node) -> Option<Vec<Performer>> {
        let items = self.items(node, "talent.performers")?;
        let mut performers = Vec::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            let base = format!("talent.performers[{position}]");
            let mut performer = Performer::default();
            let mut named = false;
            if let Some(entries) = self.fields(item, &base, PERFORMER_FIELDS) {
                for entry in entries {
                    let path = join(&base, &entry.key);
                    let value = &entry.value;
                    match entry.key.as_str() {
                        "name" => {
                            named = true;
                            performer.name = self.text(value, &path).unwrap_or_default();
                        }
                        "role" => performer.role = self.choice(value, &path),
                        "living" => performer.living = self.answer(value, &path),
                        "union" => performer.union = self.choice(value, &path),
                        "consent" => performer.consent = self.choice(value, &path),
                        "consent_id" => performer.consent_id = self.text(value, &path),
                        _ => {}
                    }
                }
            }
            if !named {
                self.problem(
                    &join(&base, "name"),
                    item.span,
                    format!("missing required field `{base}.name`"),
                );
            }
            performers.push(performer);
        }
        Some(performers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::vocabulary::{Environment, Input};

    fn read(text: &str) -> Result<Intake, Problems> {
        let document = Document::parse(text)?;
        parse_intake(&document.root)
    }

    fn messages(text: &str) -> Vec<String> {
        match read(text) {
            Ok(intake) => unreachable!("expected problems, got {intake:?}"),
            Err(problems) => problems
                .0
                .iter()
                .map(|p| {
                    format!(
                        "{}:{} {} | {}",
                        p.span.line, p.span.column, p.path, p.message
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn reads_the_minimal_intake() {
        let intake = read("title: A\nproduction: B\n").unwrap_or_default();
        assert_eq!(intake.title, "A");
        assert_eq!(intake.output.final_deliverable, None);
        assert_eq!(intake.inputs, None);
    }

    #[test]
    fn booleans_are_answers() {
        let intake =
            read("title: A\nproduction: B\noutput: {final: true, mistaken_for_real: false}\n")
                .unwrap_or_default();
        assert_eq!(intake.output.final_deliverable, Some(Answer::Yes));
        assert_eq!(intake.output.mistaken_for_real, Some(Answer::No));
    }

    #[test]
    fn null_is_the_same_as_left_out() {
        let intake =
            read("title: A\nproduction: B\ninputs: null\noutput: {final: ~}\n").unwrap_or_default();
        assert_eq!(intake.inputs, None);
        assert_eq!(intake.output.final_deliverable, None);
    }

    #[test]
    fn empty_list_differs_from_left_out() {
        let intake = read("title: A\nproduction: B\ninputs: []\ntools: []\n").unwrap_or_default();
        assert_eq!(intake.inputs, Some(Set::empty()));
        assert_eq!(intake.tools, Some(Vec::new()));
    }

    #[test]
    fn reports_every_problem_with_path_and_suggestion() {
        let found = messages(
            "title: A\nproduction: B\nouput: {final: yes}\ntools:\n  - name: X\n    environment: consumr\n  - {}\ninputs: [script, scirpt]\n",
        );
        assert_eq!(
            found,
            vec![
                "3:1 ouput | unknown field `ouput`, did you mean `output`?",
                "6:18 tools[0].environment | unknown value `consumr` for `tools[0].environment`, did you mean `consumer`?",
                "7:5 tools[1] | `tools[1]` needs a `name` or a `tool_id`",
                "8:18 inputs[1] | unknown value `scirpt` for `inputs[1]`, did you mean `script`?",
            ]
        );
    }

    #[test]
    fn reports_missing_required_fields_and_wrong_types() {
        let found = messages("output: yes\ninputs: script\nunion_work_impact: maybe\n");
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(
            found
                .iter()
                .any(|m| m.contains("`output` must be a mapping of fields, found a string"))
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("`inputs` must be a list, found a string"))
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("unknown value `maybe` for `union_work_impact`"))
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("missing required field `title`"))
        );
        assert!(
            found
                .iter()
                .any(|m| m.contains("missing required field `production`"))
        );
    }

    #[test]
    fn reads_nested_lists_of_objects() {
        let intake = read(
            "title: A\nproduction: B\ninputs: [script, none]\ntools: [{name: X, environment: consumer, trains_on_inputs: yes}]\ntalent:\n  uses: [voice_replica]\n  performers: [{name: P, consent: written}]\n",
        )
        .unwrap_or_default();
        let tools = intake.tools.unwrap_or_default();
        assert_eq!(tools[0].environment, Some(Environment::Consumer));
        assert!(intake.inputs.unwrap_or_default().contains(Input::Script));
        assert_eq!(intake.talent.performers.map(|p| p.len()), Some(1));
    }

    #[test]
    fn a_performer_needs_a_name() {
        let found =
            messages("title: A\nproduction: B\ntalent: {performers: [{consent: written}]}\n");
        assert_eq!(
            found,
            vec![
                "3:23 talent.performers[0].name | missing required field `talent.performers[0].name`"
            ]
        );
    }
}
