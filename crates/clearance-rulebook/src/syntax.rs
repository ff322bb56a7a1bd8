//! The rulebook file as written: a mirror of the YAML with every value's location, read from the
//! located document tree. Checking names and compiling conditions happen in `check`.

use clearance_domain::document::{Entry, Node, Span, Value};
use clearance_domain::problem::{Problem, Problems, did_you_mean};

/// A value with its location in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it is.
    pub span: Span,
}

/// Text from a scalar, with its location.
pub type Text = Located<String>;

/// A rulebook file as written.
#[derive(Debug, Clone, Default)]
pub struct RulebookFile {
    /// Stable identifier, such as `netflix-genai-2025`.
    pub id: Option<Text>,
    /// Version of the rulebook (semantic versioning recommended).
    pub version: Option<Text>,
    /// Human title.
    pub title: Option<Text>,
    /// Where the rules come from (document, URL).
    pub source: Option<Text>,
    /// Optional longer description.
    pub description: Option<Text>,
    /// The clause catalogue: key, title, text, optional URL.
    pub clauses: Vec<ClauseFile>,
    /// The action vocabulary: id and what to do.
    pub actions: Vec<(Text, Text)>,
    /// Guiding principles answered yes, no or unsure.
    pub principles: Vec<PrincipleFile>,
    /// Named conditions.
    pub terms: Vec<(Text, Text)>,
    /// The rules.
    pub rules: Vec<RuleFile>,
    /// Example intakes with their expected outcome.
    pub tests: Vec<TestFile>,
    /// Where the document starts.
    pub span: Span,
}

/// One clause of the catalogue.
#[derive(Debug, Clone)]
pub struct ClauseFile {
    /// Citation key, such as `netflix:principle/1`.
    pub key: Text,
    /// Short title.
    pub title: Option<Text>,
    /// The clause, paraphrased.
    pub text: Option<Text>,
}

/// One principle.
#[derive(Debug, Clone)]
pub struct PrincipleFile {
    /// Identifier, such as `1`.
    pub id: Option<Text>,
    /// The principle as a statement.
    pub title: Option<Text>,
    /// When the answer is `no`.
    pub no: Option<Text>,
    /// When the answer is `unsure` (if not `no`).
    pub unsure: Option<Text>,
    /// Where it starts.
    pub span: Span,
}

/// One rule.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Stable identifier.
    pub id: Option<Text>,
    /// The tier it gives when it fires.
    pub tier: Option<Text>,
    /// Clause keys it cites.
    pub cite: Vec<Text>,
    /// What the rule is about, for people.
    pub description: Option<Text>,
    /// The condition.
    pub when: Option<Text>,
    /// The reason template.
    pub reason: Option<Text>,
    /// Action ids.
    pub actions: Vec<Text>,
    /// Where it starts.
    pub span: Span,
}

/// One example with its expected outcome.
#[derive(Debug, Clone)]
pub struct TestFile {
    /// What it checks.
    pub name: Option<Text>,
    /// The intake, as a document node.
    pub intake: Option<Node>,
    /// Expected tier.
    pub tier: Option<Text>,
    /// Rule ids that must fire.
    pub fires: Vec<Text>,
    /// Rule ids that must not fire.
    pub quiet: Vec<Text>,
    /// Where it starts.
    pub span: Span,
}

const TOP: &[&str] = &[
    "id",
    "version",
    "title",
    "source",
    "description",
    "clauses",
    "actions",
    "principles",
    "terms",
    "rules",
    "tests",
];
const CLAUSE: &[&str] = &["title", "text"];
const PRINCIPLE: &[&str] = &["id", "title", "no", "unsure"];
const RULE: &[&str] = &[
    "id",
    "tier",
    "cite",
    "description",
    "when",
    "reason",
    "actions",
];
const TEST: &[&str] = &["name", "intake", "expect"];
const EXPECT: &[&str] = &["tier", "fires", "quiet"];

/// Reads the rulebook's structure, collecting every structural problem.
pub fn read(root: &Node, problems: &mut Problems) -> RulebookFile {
    let mut reader = Reader { problems };
    reader.rulebook(root)
}

struct Reader<'p> {
    problems: &'p mut Problems,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

impl Reader<'_> {
    fn fields<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> &'n [Entry] {
        match &node.value {
            Value::Map(entries) => {
                for entry in entries {
                    if !known.contains(&entry.key.as_str()) {
                        let hint = did_you_mean(&entry.key, known.iter().copied());
                        self.problems.push(
                            Problem::new(
                                join(path, &entry.key),
                                entry.key_span,
                                format!("unknown field `{}`{hint}", entry.key),
                            )
                            .with_help(format!("the fields here are: {}", known.join(", "))),
                        );
                    }
                }
                entries
            }
            other => {
                let what = if path.is_empty() {
                    "the rulebook".to_owned()
                } else {
                    format!("`{path}`")
                };
                self.problems.push(Problem::new(
                    path,
                    node.span,
                    format!("{what} must be a mapping, found {}", other.type_name()),
                ));
                &[]
            }
        }
    }

    fn text(&mut self, node: &Node, path: &str) -> Option<Text> {
        match &node.value {
            Value::String(text) | Value::Number(text) if !text.trim().is_empty() => Some(Located {
                value: text.clone(),
                span: node.span,
            }),
            Value::Bool(flag) => Some(Located {
                value: flag.to_string(),
                span: node.span,
            }),
            other => {
                let found = if matches!(other, Value::String(_) | Value::Number(_)) {
                    "empty text"
                } else {
                    other.type_name()
                };
                self.problems.push(Problem::new(
                    path,
                    node.span,
                    format!("`{path}` must be text, found {found}"),
                ));
                None
            }
        }
    }

    fn texts(&mut self, node: &Node, path: &str) -> Vec<Text> {
        match &node.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .filter_map(|(position, item)| self.text(item, &format!("{path}[{position}]")))
                .collect(),
            Value::String(_) => self.text(node, path).into_iter().collect(),
            other => {
                self.problems.push(Problem::new(
                    path,
                    node.span,
                    format!("`{path}` must be a list, found {}", other.type_name()),
                ));
                Vec::new()
            }
        }
    }

    fn items<'n>(&mut self, node: &'n Node, path: &str) -> &'n [Node] {
        match &node.value {
            Value::Seq(items) => items,
            other => {
                self.problems.push(Problem::new(
                    path,
                    node.span,
                    format!("`{path}` must be a list, found {}", other.type_name()),
                ));
                &[]
            }
        }
    }

    fn pairs(&mut self, node: &Node, path: &str) -> Vec<(Text, Text)> {
        let mut pairs = Vec::new();
        if let Value::Map(entries) = &node.value {
            for entry in entries {
                let key = Located {
                    value: entry.key.clone(),
                    span: entry.key_span,
                };
                if let Some(value) = self.text(&entry.value, &join(path, &entry.key)) {
                    pairs.push((key, value));
                }
            }
        }
        pairs
    }

    fn rulebook(&mut self, root: &Node) -> RulebookFile {
        let mut file = RulebookFile {
            span: root.span,
            ..RulebookFile::default()
        };
        if root.value == Value::Null {
            self.problems
                .push(Problem::new("", root.span, "the rulebook is empty"));
            return file;
        }
        for entry in self.fields(root, "", TOP) {
            let node = &entry.value;
            let key = entry.key.as_str();
            match key {
                "id" => file.id = self.text(node, key),
                "version" => file.version = self.text(node, key),
                "title" => file.title = self.text(node, key),
                "source" => file.source = self.text(node, key),
                "description" => file.description = self.text(node, key),
                "clauses" => file.clauses = self.clauses(node),
                "actions" => file.actions = self.mapping_of_texts(node, key),
                "terms" => file.terms = self.mapping_of_texts(node, key),
                "principles" => file.principles = self.principles(node),
                "rules" => file.rules = self.rules(node),
                "tests" => file.tests = self.tests(node),
                _ => {}
            }
        }
        for (name, value) in [
            ("id", &file.id),
            ("version", &file.version),
            ("title", &file.title),
            ("source", &file.source),
        ] {
            if value.is_none() && !self.problems.0.iter().any(|problem| problem.path == name) {
                self.problems.push(Problem::new(
                    name,
                    root.span,
                    format!("missing required field `{name}`"),
                ));
            }
        }
        file
    }

    fn mapping_of_texts(&mut self, node: &Node, path: &str) -> Vec<(Text, Text)> {
        if !matches!(node.value, Value::Map(_)) {
            self.problems.push(Problem::new(
                path,
                node.span,
                format!(
                    "`{path}` must be a mapping of names to text, found {}",
                    node.value.type_name()
                ),
            ));
            return Vec::new();
        }
        self.pairs(node, path)
    }

    fn clauses(&mut self, node: &Node) -> Vec<ClauseFile> {
        let Value::Map(entries) = &node.value else {
            self.problems.push(Problem::new(
                "clauses",
                node.span,
                format!(
                    "`clauses` must be a mapping of clause keys, found {}",
                    node.value.type_name()
                ),
            ));
            return Vec::new();
        };
        let mut clauses = Vec::new();
        for entry in entries {
            let path = format!("clauses.{}", entry.key);
            let key = Located {
                value: entry.key.clone(),
                span: entry.key_span,
            };
            let mut clause = ClauseFile {
                key,
                title: None,
                text: None,
            };
            for field in self.fields(&entry.value, &path, CLAUSE) {
                let field_path = join(&path, &field.key);
                match field.key.as_str() {
                    "title" => clause.title = self.text(&field.value, &field_path),
                    "text" => clause.text = self.text(&field.value, &field_path),
                    _ => {}
                }
            }
            if clause.title.is_none() {
                self.problems.push(Problem::new(
                    &path,
                    entry.key_span,
                    format!("clause `{}` needs a `title`", entry.key),
                ));
            }
            clauses.push(clause);
        }
        clauses
    }

    fn principles(&mut self, node: &Node) -> Vec<PrincipleFile> {
        let mut principles = Vec::new();
        for (position, item) in self.items(node, "principles").iter().enumerate() {
            let path = format!("principles[{position}]");
            let mut principle = PrincipleFile {
                id: None,
                title: None,
                no: None,
                unsure: None,
                span: item.span,
            };
            for field in self.fields(item, &path, PRINCIPLE) {
                let field_path = join(&path, &field.key);
                let value = self.text(&field.value, &field_path);
                match field.key.as_str() {
                    "id" => principle.id = value,
                    "title" => principle.title = value,
                    "no" => principle.no = value,
                    "unsure" => principle.unsure = value,
                    _ => {}
                }
            }
            for (name, value) in [
                ("id", &principle.id),
                ("title", &principle.title),
                ("no", &principle.no),
            ] {
                if value.is_none() {
                    self.problems.push(Problem::new(
                        join(&path, name),
                        item.span,
                        format!("principle needs `{name}`"),
                    ));
                }
            }
            principles.push(principle);
        }
        principles
    }

    fn rules(&mut self, node: &Node) -> Vec<RuleFile> {
        let mut rules = Vec::new();
        for (position, item) in self.items(node, "rules").iter().enumerate() {
            let path = format!("rules[{position}]");
            let mut rule = RuleFile {
                id: None,
                tier: None,
                cite: Vec::new(),
                description: None,
                when: None,
                reason: None,
                actions: Vec::new(),
                span: item.span,
            };
            for field in self.fields(item, &path, RULE) {
                let field_path = join(&path, &field.key);
                let value = &field.value;
                match field.key.as_str() {
                    "id" => rule.id = self.text(value, &field_path),
                    "tier" => rule.tier = self.text(value, &field_path),
                    "cite" => rule.cite = self.texts(value, &field_path),
                    "description" => rule.description = self.text(value, &field_path),
                    "when" => rule.when = self.text(value, &field_path),
                    "reason" => rule.reason = self.text(value, &field_path),
                    "actions" => rule.actions = self.texts(value, &field_path),
                    _ => {}
                }
            }
            let present = |name: &str| {
                item.value_map()
                    .is_some_and(|entries| entries.iter().any(|entry| entry.key == name))
            };
            for name in ["id", "tier", "cite", "description", "when", "reason"] {
                if !present(name) {
                    self.problems.push(Problem::new(
                        join(&path, name),
                        item.span,
                        format!("rule needs `{name}`"),
                    ));
                }
            }
            rules.push(rule);
        }
        rules
    }

    fn tests(&mut self, node: &Node) -> Vec<TestFile> {
        let mut tests = Vec::new();
        for (position, item) in self.items(node, "tests").iter().enumerate() {
            let path = format!("tests[{position}]");
            let mut test = TestFile {
                name: None,
                intake: None,
                tier: None,
                fires: Vec::new(),
                quiet: Vec::new(),
                span: item.span,
            };
            for field in self.fields(item, &path, TEST) {
                let field_path = join(&path, &field.key);
                match field.key.as_str() {
                    "name" => test.name = self.text(&field.value, &field_path),
                    "intake" => test.intake = Some(field.value.clone()),
                    "expect" => {
                        for expect in self.fields(&field.value, &field_path, EXPECT) {
                            let expect_path = join(&field_path, &expect.key);
                            match expect.key.as_str() {
                                "tier" => test.tier = self.text(&expect.value, &expect_path),
                                "fires" => test.fires = self.texts(&expect.value, &expect_path),
                                "quiet" => test.quiet = self.texts(&expect.value, &expect_path),
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            if test.intake.is_none() {
                self.problems.push(Problem::new(
                    join(&path, "intake"),
                    item.span,
                    "test needs an `intake`",
                ));
            }
            tests.push(test);
        }
        tests
    }
}

/// Access to a node's mapping entries.
trait MapAccess {
    fn value_map(&self) -> Option<&[Entry]>;
}

impl MapAccess for Node {
    fn value_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }
}
