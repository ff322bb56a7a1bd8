//! Loading a rulebook: text → document → file structure → validated, compiled `Rulebook`.
//!
//! Every problem is collected and reported with its line and column: unknown field paths,
//! impossible values, operators that do not fit a field's type, duplicate ids, citations missing
//! from the catalogue, undeclared actions and malformed reason templates.

use std::collections::BTreeMap;

use clearance_domain::document::{Document, Span};
use clearance_domain::problem::{Problem, Problems, closest, did_you_mean};
use clearance_domain::vocabulary::{Answer, Vocabulary};
use clearance_domain::Tier;
use sha2::{Digest, Sha256};

use crate::expr::{self, Contains, Expr, Name, Range};
use crate::program::{Node, static_reads};
use crate::rulebook::{Action, Clause, MAX_PRINCIPLES, MAX_RULES, MAX_TERMS, Principle, Rule, Rulebook, RulebookTest, Term};
use crate::schema::{self, Field, ItemList, Kind, MAX_COUNT, MISSING, Scope as FieldScope};
use crate::syntax::{self, RulebookFile, Text};
use crate::template::{self, Part, Template};

/// A rulebook that could not be loaded, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file's name as given (or `<embedded>` for built-in rulebooks).
    pub file: String,
    /// The problems, in file order.
    pub problems: Problems,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for problem in &self.problems.0 {
            writeln!(f, "{}:{}:{}: {}", self.file, problem.span.line, problem.span.column, problem.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Loads a rulebook from its text. `file` names it in errors.
pub fn load(file: &str, source: &str) -> Result<Rulebook, LoadError> {
    let fail = |problems: Problems| LoadError { file: file.to_owned(), problems: problems.sorted() };
    let document = Document::parse(source).map_err(fail)?;
    let mut problems = Problems::default();
    let parsed = syntax::read(&document.root, &mut problems);
    let mut compiler = Compiler { source, problems: &mut problems, terms: Vec::new(), principles: Vec::new() };
    let rulebook = compiler.rulebook(&parsed);
    if problems.is_empty() { Ok(rulebook) } else { Err(fail(problems)) }
}

/// How names inside a condition resolve.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// A term: fields and earlier terms.
    Term,
    /// A principle: fields and terms.
    Principle,
    /// A rule: fields, terms and principles.
    Rule,
    /// Inside `any list (…)`: the entry's fields, then the intake's.
    Entry(ItemList),
}

struct Compiler<'a> {
    source: &'a str,
    problems: &'a mut Problems,
    /// Terms defined so far: name and static reads.
    terms: Vec<(String, u64)>,
    /// Principles: id and static reads.
    principles: Vec<(String, u64)>,
}

fn bit(index: u32) -> u32 {
    1 << index
}

fn value_bits(kind: Kind) -> u32 {
    let count = kind.names().len() as u32;
    if count >= 32 { u32::MAX } else { (1 << count) - 1 }
}

impl Compiler<'_> {
    /// Finds where, inside the scalar `text`, the piece at `range` is in the file. Conditions may
    /// be folded over several lines, so the piece is searched for from the scalar's start.
    fn locate(&self, text: &Text, range: Range) -> Span {
        let piece: String = text.value.chars().skip(range.start as usize).take(range.len as usize).collect();
        let width = u32::try_from(piece.chars().count().max(1)).unwrap_or(1);
        if piece.trim().is_empty() {
            return text.span;
        }
        for (offset, line) in self.source.lines().skip(text.span.line.saturating_sub(1) as usize).take(64).enumerate() {
            let from = if offset == 0 { text.span.column.saturating_sub(1) as usize } else { 0 };
            let skipped: String = line.chars().skip(from).collect();
            if let Some(found) = skipped.find(&piece) {
                let column = from + skipped[..found].chars().count() + 1;
                return Span { line: text.span.line + offset as u32, column: u32::try_from(column).unwrap_or(1), width };
            }
        }
        text.span
    }

    fn problem(&mut self, path: &str, span: Span, message: String) {
        self.problems.push(Problem::new(path, span, message));
    }

    fn problem_at(&mut self, path: &str, text: &Text, range: Range, message: String, help: Option<String>) {
        let span = self.locate(text, range);
        let mut problem = Problem::new(path, span, message);
        problem.help = help;
        self.problems.push(problem);
    }

    fn rulebook(&mut self, file: &RulebookFile) -> Rulebook {
        let text = |value: &Option<Text>| value.as_ref().map(|text| text.value.clone()).unwrap_or_default();
        let clauses: Vec<Clause> = file
            .clauses
            .iter()
            .map(|clause| Clause {
                key: clause.key.value.clone(),
                title: text(&clause.title),
                text: clause.text.as_ref().map(|text| text.value.clone()),
            })
            .collect();
        let actions: Vec<Action> =
            file.actions.iter().map(|(id, text)| Action { id: id.value.clone(), text: text.value.clone() }).collect();

        let mut terms = Vec::new();
        for (name, condition) in &file.terms {
            let path = format!("terms.{}", name.value);
            if schema::top_field(&name.value).is_some() || name.value.contains('.') || name.value == "principles" {
                self.problem(&path, name.span, format!("term `{}` would hide a field of the intake: choose another name", name.value));
            }
            let node = self.condition(&path, condition, Context::Term).unwrap_or(Node::Const(false));
            let reads = static_reads(&node, &self.term_reads(), &[]);
            self.terms.push((name.value.clone(), reads));
            terms.push(Term { name: name.value.clone(), condition: canonical(&condition.value), node, reads });
        }
        if terms.len() > MAX_TERMS {
            self.problem("terms", file.span, format!("a rulebook may define at most {MAX_TERMS} terms"));
        }

        let mut principles = Vec::new();
        for (position, principle) in file.principles.iter().enumerate() {
            let path = format!("principles[{position}]");
            let id = text(&principle.id);
            if self.principles.iter().any(|(known, _)| *known == id) {
                self.problem(&format!("{path}.id"), principle.id.as_ref().map_or(principle.span, |id| id.span), format!("duplicate principle id `{id}`"));
            }
            let no = principle.no.as_ref().and_then(|no| self.condition(&format!("{path}.no"), no, Context::Principle)).unwrap_or(Node::Const(false));
            let unsure = principle
                .unsure
                .as_ref()
                .and_then(|unsure| self.condition(&format!("{path}.unsure"), unsure, Context::Principle))
                .unwrap_or(Node::Const(false));
            let term_reads = self.term_reads();
            let reads = static_reads(&no, &term_reads, &[]) | static_reads(&unsure, &term_reads, &[]);
            self.principles.push((id.clone(), reads));
            principles.push(Principle { id, title: text(&principle.title), no, unsure, reads });
        }
        if principles.len() > MAX_PRINCIPLES {
            self.problem("principles", file.span, format!("a rulebook may define at most {MAX_PRINCIPLES} principles"));
        }

        let mut rules: Vec<Rule> = Vec::new();
        for (position, rule) in file.rules.iter().enumerate() {
            if let Some(compiled) = self.rule(position, rule, &clauses, &actions) {
                if let Some(first) = rules.iter().position(|known| known.id == compiled.id) {
                    let span = rule.id.as_ref().map_or(rule.span, |id| id.span);
                    self.problem(&format!("rules[{position}].id"), span, format!("duplicate rule id `{}` (also rules[{first}])", compiled.id));
                }
                rules.push(compiled);
            }
        }
        if rules.len() > MAX_RULES {
            self.problem("rules", file.span, format!("a rulebook may hold at most {MAX_RULES} rules; split it into several rulebooks"));
        }

        let tests = self.tests(file, &rules);
        let kernel = crate::kernel::Kernel::compile(&terms, &principles, &rules);
        Rulebook {
            kernel,
            id: text(&file.id),
            version: text(&file.version),
            title: text(&file.title),
            source: text(&file.source),
            description: file.description.as_ref().map(|text| text.value.clone()),
            digest: digest(file),
            clauses,
            actions,
            principles,
            terms,
            rules,
            tests,
        }
    }

    fn term_reads(&self) -> Vec<u64> {
        self.terms.iter().map(|(_, reads)| *reads).collect()
    }

    fn principle_reads(&self) -> Vec<u64> {
        self.principles.iter().map(|(_, reads)| *reads).collect()
    }

    fn rule(&mut self, position: usize, rule: &syntax::RuleFile, clauses: &[Clause], actions: &[Action]) -> Option<Rule> {
        let path = format!("rules[{position}]");
        let id = rule.id.as_ref()?.value.clone();
        let tier = match &rule.tier {
            Some(tier) => match Tier::from_name(&tier.value) {
                Some(tier) => Some(tier),
                None => {
                    let hint = did_you_mean(&tier.value, Tier::ALL.iter().map(|tier| tier.as_str()));
                    self.problems.push(
                        Problem::new(format!("{path}.tier"), tier.span, format!("unknown tier `{}`{hint}", tier.value))
                            .with_help("expected one of: notify, escalate, approval, blocked"),
                    );
                    None
                }
            },
            None => None,
        };
        if rule.cite.is_empty() && rule.tier.is_some() {
            self.problem(&format!("{path}.cite"), rule.span, format!("rule `{id}` must cite at least one clause"));
        }
        for (index, citation) in rule.cite.iter().enumerate() {
            if !clauses.iter().any(|clause| clause.key == citation.value) {
                let hint = did_you_mean(&citation.value, clauses.iter().map(|clause| clause.key.as_str()));
                self.problems.push(
                    Problem::new(format!("{path}.cite[{index}]"), citation.span, format!("citation `{}` is not in the rulebook's clause catalogue{hint}", citation.value))
                        .with_help("add the clause under `clauses:` or cite one that is there"),
                );
            }
        }
        for (index, action) in rule.actions.iter().enumerate() {
            if !actions.iter().any(|known| known.id == action.value) {
                let hint = did_you_mean(&action.value, actions.iter().map(|known| known.id.as_str()));
                self.problems.push(
                    Problem::new(format!("{path}.actions[{index}]"), action.span, format!("action `{}` is not in the rulebook's action vocabulary{hint}", action.value))
                        .with_help("declare it under `actions:` with what it asks people to do"),
                );
            }
        }
        let node = rule.when.as_ref().and_then(|when| self.condition(&format!("{path}.when"), when, Context::Rule));
        let reason = rule.reason.as_ref().and_then(|reason| self.template(&format!("{path}.reason"), reason));
        let (tier, node, reason) = (tier?, node?, reason?);
        let reads = static_reads(&node, &self.term_reads(), &self.principle_reads());
        Some(Rule {
            id,
            tier,
            citations: rule.cite.iter().map(|citation| citation.value.clone()).collect(),
            description: rule.description.as_ref().map(|text| text.value.clone()).unwrap_or_default(),
            condition: rule.when.as_ref().map(|when| canonical(&when.value)).unwrap_or_default(),
            node,
            reason,
            actions: rule.actions.iter().map(|action| action.value.clone()).collect(),
            reads,
        })
    }

    fn tests(&mut self, file: &RulebookFile, rules: &[Rule]) -> Vec<RulebookTest> {
        let mut tests = Vec::new();
        for (position, test) in file.tests.iter().enumerate() {
            let path = format!("tests[{position}]");
            let tier = test.tier.as_ref().and_then(|tier| {
                let parsed = Tier::from_name(&tier.value);
                if parsed.is_none() {
                    let hint = did_you_mean(&tier.value, Tier::ALL.iter().map(|tier| tier.as_str()));
                    self.problem(&format!("{path}.expect.tier"), tier.span, format!("unknown tier `{}`{hint}", tier.value));
                }
                parsed
            });
            for (field, ids) in [("fires", &test.fires), ("quiet", &test.quiet)] {
                for id in ids {
                    if !rules.iter().any(|rule| rule.id == id.value) && !file.rules.iter().any(|rule| rule.id.as_ref().is_some_and(|known| known.value == id.value)) {
                        let hint = did_you_mean(&id.value, rules.iter().map(|rule| rule.id.as_str()));
                        self.problem(&format!("{path}.expect.{field}"), id.span, format!("no rule `{}` in this rulebook{hint}", id.value));
                    }
                }
            }
            let Some(intake) = test.intake.clone() else { continue };
            tests.push(RulebookTest {
                name: test.name.as_ref().map_or_else(|| format!("test {}", position + 1), |name| name.value.clone()),
                line: test.span.line,
                intake,
                tier,
                fires: test.fires.iter().map(|id| id.value.clone()).collect(),
                quiet: test.quiet.iter().map(|id| id.value.clone()).collect(),
            });
        }
        tests
    }

    fn condition(&mut self, path: &str, text: &Text, context: Context) -> Option<Node> {
        match expr::parse(&text.value) {
            Ok(parsed) => self.compile(path, text, &parsed, context),
            Err(error) => {
                self.problem_at(path, text, error.range, format!("invalid condition: {}", error.message), None);
                None
            }
        }
    }

    /// Compiles every part, so that all problems are reported, then combines.
    fn compile(&mut self, path: &str, text: &Text, expr: &Expr, context: Context) -> Option<Node> {
        match expr {
            Expr::Literal(value) => Some(Node::Const(*value)),
            Expr::Name(name) => self.name(path, text, name, context),
            Expr::Equals { field, value, negated } => self.compare(path, text, field, std::slice::from_ref(value), *negated, context),
            Expr::In { field, values, negated } => self.compare(path, text, field, values, *negated, context),
            Expr::Contains { field, mode, values } => {
                let resolved = self.field(path, text, field, context)?;
                let Kind::List { .. } = resolved.kind else {
                    let message = format!("`{}` is {}, not a list: `contains` applies to lists such as `inputs`", field.text, resolved.kind.describe());
                    let help = matches!(resolved.kind, Kind::Answer | Kind::Choice { .. }).then(|| format!("compare it instead: `{} == …`", field.text));
                    self.problem_at(path, text, field.range, message, help);
                    return None;
                };
                let bits = self.values(path, text, field, resolved, values)?;
                Some(match mode {
                    Contains::Any => Node::Any { slot: resolved.slot, mask: bits.iter().fold(0, |mask, bit| mask | bit) },
                    Contains::All => Node::And(bits.iter().map(|bit| Node::Any { slot: resolved.slot, mask: *bit }).collect()),
                })
            }
            Expr::Known(name) => {
                let resolved = self.field(path, text, name, context)?;
                match resolved.kind {
                    Kind::List { unknown, .. } => {
                        Some(Node::Not(Box::new(Node::Any { slot: resolved.slot, mask: MISSING | unknown.map_or(0, bit) })))
                    }
                    Kind::Items => Some(Node::Not(Box::new(Node::Any { slot: resolved.slot, mask: MISSING }))),
                    other => {
                        let message = format!("`known` applies to lists, and `{}` is {}", name.text, other.describe());
                        self.problem_at(path, text, name.range, message, Some(format!("to ask whether it was answered, write `given({})`", name.text)));
                        None
                    }
                }
            }
            Expr::Given(name) => {
                let resolved = self.field(path, text, name, context)?;
                Some(Node::Not(Box::new(Node::Any { slot: resolved.slot, mask: MISSING })))
            }
            Expr::Count { list, compare, value } => {
                let resolved = self.field(path, text, list, context)?;
                if resolved.kind != Kind::Items {
                    let message = format!("`count` applies to `tools` and `talent.performers`, and `{}` is {}", list.text, resolved.kind.describe());
                    self.problem_at(path, text, list.range, message, None);
                    return None;
                }
                if *value > MAX_COUNT {
                    let message = format!("`count` compares with numbers up to {MAX_COUNT}, not {value}");
                    self.problem_at(path, text, list.range, message, None);
                    return None;
                }
                // A list of entries holds its count as one bit, so a comparison is a mask.
                let mask = (0..=MAX_COUNT).filter(|count| compare.holds(*count, *value)).fold(0, |mask, count| mask | bit(count));
                Some(Node::Any { slot: resolved.slot, mask })
            }
            Expr::Quantified { all, list, body } => {
                if matches!(context, Context::Entry(_)) {
                    self.problem_at(path, text, list.range, "`any` and `all` cannot be nested".into(), None);
                    return None;
                }
                let Some(items) = schema::item_list(&list.text) else {
                    let hint = did_you_mean(&list.text, ["tools", "talent.performers"]);
                    let message = format!("`any` and `all` range over `tools` or `talent.performers`, not `{}`{hint}", list.text);
                    let help = schema::top_field(&list.text)
                        .filter(|field| matches!(field.kind, Kind::List { .. }))
                        .map(|_| format!("for a list of values write `{} contains any [...]`", list.text));
                    self.problem_at(path, text, list.range, message, help);
                    return None;
                };
                let body = self.compile(path, text, body, Context::Entry(items))?;
                Some(match body {
                    // One test on one entry field: the union over the entries answers it.
                    Node::Any { slot, mask } if is_entry_slot(slot, items) => {
                        if *all { Node::All { slot, mask } } else { Node::Any { slot, mask } }
                    }
                    body => Node::Each { list: items, all: *all, body: Box::new(body) },
                })
            }
            Expr::Not(inner) => Some(Node::Not(Box::new(self.compile(path, text, inner, context)?))),
            Expr::And(items) | Expr::Or(items) => {
                let compiled: Vec<Option<Node>> = items.iter().map(|item| self.compile(path, text, item, context)).collect();
                let compiled: Option<Vec<Node>> = compiled.into_iter().collect();
                let compiled = compiled?.into_boxed_slice();
                Some(if matches!(expr, Expr::And(_)) { Node::And(compiled) } else { Node::Or(compiled) })
            }
        }
    }

    fn name(&mut self, path: &str, text: &Text, name: &Name, context: Context) -> Option<Node> {
        if !matches!(context, Context::Entry(_)) {
            if let Some(index) = self.terms.iter().position(|(known, _)| *known == name.text) {
                return Some(Node::Term(index));
            }
        }
        let field = resolve(&name.text, context);
        let (message, help) = match field {
            Some(field) => (
                format!("`{}` is {}, not a condition", name.text, field.kind.describe()),
                Some(match field.kind {
                    Kind::Answer => format!("compare it, for example `{} == yes`", name.text),
                    Kind::List { .. } => format!("test it, for example `{} contains any [...]` or `known({})`", name.text, name.text),
                    _ => format!("compare it, for example `{} == …`, or test `given({})`", name.text, name.text),
                }),
            ),
            None if name.text.starts_with("principles.") => {
                (format!("`{}` is an answer, not a condition", name.text), Some(format!("compare it, for example `{} != yes`", name.text)))
            }
            None => {
                let known: Vec<String> = self.terms.iter().map(|(known, _)| known.clone()).chain(schema::all_paths()).collect();
                let hint = closest(&name.text, known.iter().map(String::as_str)).map(|close| format!(", did you mean `{close}`?")).unwrap_or_default();
                let later = matches!(context, Context::Term) && !self.terms.iter().any(|(known, _)| *known == name.text);
                let help = later.then(|| "a term can use only the terms defined above it".to_owned());
                (format!("unknown term or field `{}`{hint}", name.text), help)
            }
        };
        self.problem_at(path, text, name.range, message, help);
        None
    }

    fn field(&mut self, path: &str, text: &Text, name: &Name, context: Context) -> Option<&'static Field> {
        if let Some(field) = resolve(&name.text, context) {
            return Some(field);
        }
        let candidates: Vec<String> = match context {
            Context::Entry(list) => schema::FIELDS
                .iter()
                .filter(|field| field.scope == FieldScope::Entry(list))
                .map(|field| field.path.to_owned())
                .chain(schema::all_paths())
                .collect(),
            _ => schema::all_paths().collect(),
        };
        let hint = closest(&name.text, candidates.iter().map(String::as_str)).map(|close| format!(", did you mean `{close}`?")).unwrap_or_default();
        let help = match (context, name.text.split_once('.')) {
            (Context::Entry(list), _) => Some(format!("inside `any {}` / `all {}`, name the entry's fields directly, such as `{}`", list.path(), list.path(), entry_example(list))),
            (_, Some((list, field))) if schema::item_list(list).is_some() => {
                Some(format!("entry fields are read with a quantifier: `any {list} ({field} == …)`"))
            }
            _ => None,
        };
        self.problem_at(path, text, name.range, format!("unknown field `{}`{hint}", name.text), help);
        None
    }

    fn values(&mut self, path: &str, text: &Text, field: &Name, resolved: &Field, values: &[Name]) -> Option<Vec<u32>> {
        let names = resolved.kind.names();
        let mut bits = Vec::new();
        let mut ok = true;
        for value in values {
            match names.iter().position(|known| *known == value.text) {
                Some(index) => bits.push(bit(index as u32)),
                None => {
                    ok = false;
                    let hint = did_you_mean(&value.text, names.iter().copied());
                    let message = format!("`{}` is not a possible value of `{}`{hint}", value.text, field.text);
                    self.problem_at(path, text, value.range, message, Some(format!("expected one of: {}", names.join(", "))));
                }
            }
        }
        ok.then_some(bits)
    }

    fn compare(&mut self, path: &str, text: &Text, field: &Name, values: &[Name], negated: bool, context: Context) -> Option<Node> {
        if let Some(id) = field.text.strip_prefix("principles.") {
            if context != Context::Rule {
                self.problem_at(path, text, field.range, "principles can be read only in rules".into(), None);
                return None;
            }
            let Some(index) = self.principles.iter().position(|(known, _)| known == id) else {
                let hint = did_you_mean(id, self.principles.iter().map(|(known, _)| known.as_str()));
                self.problem_at(path, text, field.range, format!("no principle `{id}` in this rulebook{hint}"), None);
                return None;
            };
            let mut mask = 0;
            for value in values {
                match Answer::from_name(&value.text) {
                    Some(answer) => mask |= bit(answer.index()),
                    None => {
                        let hint = did_you_mean(&value.text, Answer::NAMES.iter().copied());
                        self.problem_at(path, text, value.range, format!("a principle is `yes`, `no` or `unsure`, not `{}`{hint}", value.text), None);
                        return None;
                    }
                }
            }
            let mask = if negated { 0b111 & !mask } else { mask };
            return Some(Node::Principle { index, mask });
        }
        let resolved = self.field(path, text, field, context)?;
        match resolved.kind {
            Kind::Answer | Kind::Choice { .. } => {}
            Kind::List { .. } => {
                let example = values.first().map_or("…", |value| value.text.as_str());
                let message = format!("`{}` is a list: test what it contains", field.text);
                self.problem_at(path, text, field.range, message, Some(format!("write `{} contains {example}`", field.text)));
                return None;
            }
            Kind::Items => {
                self.problem_at(path, text, field.range, format!("`{}` is a list of entries", field.text), Some(format!("use `count({})` or `any {} (…)`", field.text, field.text)));
                return None;
            }
            Kind::Text => {
                self.problem_at(
                    path,
                    text,
                    field.range,
                    format!("`{}` is free text, which rules do not read", field.text),
                    Some(format!("rules may ask only whether it was given: `given({})`", field.text)),
                );
                return None;
            }
        }
        let bits = self.values(path, text, field, resolved, values)?;
        let mask = bits.iter().fold(0, |mask, bit| mask | bit);
        if !negated {
            return Some(Node::Any { slot: resolved.slot, mask });
        }
        // `!=`: every other value, plus "left out" when a left-out value counts as nothing.
        let has_default = match resolved.kind {
            Kind::Answer => true,
            Kind::Choice { default, .. } => default.is_some(),
            _ => false,
        };
        let missing = if has_default { 0 } else { MISSING };
        Some(Node::Any { slot: resolved.slot, mask: (value_bits(resolved.kind) & !mask) | missing })
    }

    fn template(&mut self, path: &str, text: &Text) -> Option<Template> {
        let pieces = match template::split(&text.value) {
            Ok(pieces) => pieces,
            Err((offset, message)) => {
                let range = Range { start: u32::try_from(offset).unwrap_or(0), len: 1 };
                self.problem_at(path, text, range, message, None);
                return None;
            }
        };
        let mut parts = Vec::new();
        let mut ok = true;
        for (offset, piece) in pieces {
            match piece {
                Ok(literal) => parts.push(Part::Text(literal)),
                Err(placeholder) => match self.placeholder(path, text, offset, &placeholder) {
                    Some(part) => parts.push(part),
                    None => ok = false,
                },
            }
        }
        ok.then_some(Template { parts })
    }

    fn placeholder(&mut self, path: &str, text: &Text, offset: usize, placeholder: &str) -> Option<Part> {
        let range = Range { start: u32::try_from(offset).unwrap_or(0), len: u32::try_from(placeholder.chars().count().max(1)).unwrap_or(1) };
        if let Some(id) = placeholder.strip_prefix("principles.") {
            if let Some(index) = self.principles.iter().position(|(known, _)| known == id) {
                return Some(Part::Principle(index));
            }
        }
        if let Some(field) = schema::top_field(placeholder) {
            return Some(Part::Field(field));
        }
        // `list.field` or `list[condition].field`
        let (list_name, filter, field_name) = match placeholder.find('[') {
            Some(open) => {
                let close = placeholder.rfind(']').unwrap_or(placeholder.len());
                let rest = placeholder.get(close + 1..).unwrap_or("");
                (&placeholder[..open], Some(placeholder.get(open + 1..close).unwrap_or("")), rest.strip_prefix('.').unwrap_or(rest))
            }
            None => match placeholder.rsplit_once('.') {
                Some((list, field)) => (list, None, field),
                None => (placeholder, None, ""),
            },
        };
        let Some(list) = schema::item_list(list_name) else {
            let known: Vec<String> = schema::all_paths().collect();
            let hint = closest(placeholder, known.iter().map(String::as_str)).map(|close| format!(", did you mean `{close}`?")).unwrap_or_default();
            self.problem_at(path, text, range, format!("unknown field `{placeholder}` in the reason{hint}"), None);
            return None;
        };
        let Some(field) = schema::entry_field(list, field_name) else {
            let names: Vec<&str> = schema::FIELDS.iter().filter(|field| field.scope == FieldScope::Entry(list)).map(|field| field.path).collect();
            let hint = did_you_mean(field_name, names.iter().copied());
            let message = format!("`{}` entries have no field `{field_name}`{hint}", list.path());
            self.problem_at(path, text, range, message, Some(format!("write `{{{}.name}}` or `{{{}[condition].name}}`", list.path(), list.path())));
            return None;
        };
        let filter = match filter {
            Some(condition) => {
                let inner = Text { value: condition.to_owned(), span: self.locate(text, range) };
                let parsed = match expr::parse(condition) {
                    Ok(parsed) => parsed,
                    Err(error) => {
                        self.problem_at(path, &inner, error.range, format!("invalid condition in the reason: {}", error.message), None);
                        return None;
                    }
                };
                Some(self.compile(path, &inner, &parsed, Context::Entry(list))?)
            }
            None => None,
        };
        Some(Part::Entries { list, filter, field })
    }
}

fn entry_example(list: ItemList) -> &'static str {
    match list {
        ItemList::Tools => "environment == consumer",
        ItemList::Performers => "consent == written",
    }
}

fn is_entry_slot(slot: usize, list: ItemList) -> bool {
    schema::FIELDS.get(slot).is_some_and(|field| field.scope == FieldScope::Entry(list))
}

fn resolve(path: &str, context: Context) -> Option<&'static Field> {
    match context {
        Context::Entry(list) => schema::entry_field(list, path).or_else(|| schema::top_field(path)),
        _ => schema::top_field(path),
    }
}

fn canonical(condition: &str) -> String {
    expr::parse(condition).map(|parsed| parsed.canonical()).unwrap_or_else(|_| condition.to_owned())
}

/// The SHA-256 of the rulebook's canonical form: its meaning as sorted, compact JSON, with
/// conditions in canonical text, so comments, key order and spacing do not change it.
fn digest(file: &RulebookFile) -> String {
    use serde_json::{Value, json};
    fn text(value: &Option<Text>) -> Value {
        value.as_ref().map_or(Value::Null, |text| Value::String(text.value.clone()))
    }
    fn texts(values: &[Text]) -> Value {
        Value::Array(values.iter().map(|text| Value::String(text.value.clone())).collect())
    }
    fn condition(value: &Option<Text>) -> Value {
        value.as_ref().map_or(Value::Null, |text| Value::String(canonical(&text.value)))
    }
    let clauses: BTreeMap<String, Value> = file
        .clauses
        .iter()
        .map(|clause| (clause.key.value.clone(), json!({"text": text(&clause.text), "title": text(&clause.title)})))
        .collect();
    let actions: BTreeMap<String, Value> = file.actions.iter().map(|(id, text)| (id.value.clone(), Value::String(text.value.clone()))).collect();
    let terms: Vec<Value> = file.terms.iter().map(|(name, when)| json!([name.value, canonical(&when.value)])).collect();
    let principles: Vec<Value> = file
        .principles
        .iter()
        .map(|principle| json!({"id": text(&principle.id), "no": condition(&principle.no), "title": text(&principle.title), "unsure": condition(&principle.unsure)}))
        .collect();
    let rules: Vec<Value> = file
        .rules
        .iter()
        .map(|rule| {
            json!({
                "actions": texts(&rule.actions), "cite": texts(&rule.cite), "description": text(&rule.description),
                "id": text(&rule.id), "reason": text(&rule.reason), "tier": text(&rule.tier), "when": condition(&rule.when),
            })
        })
        .collect();
    let canonical = json!({
        "actions": actions, "clauses": clauses, "description": text(&file.description), "id": text(&file.id),
        "principles": principles, "rules": rules, "source": text(&file.source), "terms": terms,
        "title": text(&file.title), "version": text(&file.version),
    });
    let bytes = serde_json::to_vec(&sorted(canonical)).unwrap_or_default();
    let hash = Sha256::digest(&bytes);
    let hex: String = hash.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256:{hex}")
}

/// Sorts object keys recursively (the JSON map keeps insertion order).
fn sorted(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let ordered: BTreeMap<String, Value> = map.into_iter().map(|(key, value)| (key, sorted(value))).collect();
            Value::Object(ordered.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
