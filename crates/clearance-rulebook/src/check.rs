//! Loading a rulebook: text → document → file structure → validated, compiled `Rulebook`.
//!
//! Every problem is collected and reported with its line and column: unknown field paths,
//! impossible values, operators that do not fit a field's type, duplicate ids, citations missing
//! from the catalogue, undeclared actions and malformed reason templates.

use std::collections::BTreeMap;
use std::sync::Arc;

use clearance_domain::Tier;
use clearance_domain::document::{Document, Span};
use clearance_domain::problem::{Problem, Problems, closest, did_you_mean};
use clearance_domain::vocabulary::{Answer, Vocabulary};
use sha2::{Digest, Sha256};

use crate::expr::{self, Contains, Expr, Name, Range};
use crate::program::{Node, static_asks, static_reads};
use crate::rulebook::{
    Action, Clause, MAX_PRINCIPLES, MAX_RULES, MAX_TERMS, Principle, Rule, Rulebook, RulebookTest,
    Term,
};
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
            writeln!(
                f,
                "{}:{}:{}: {}",
                self.file, problem.span.line, problem.span.column, problem.message
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Loads a rulebook from its text. `file` names it in errors.
pub fn load(file: &str, source: &str) -> Result<Rulebook, LoadError> {
    let fail = |problems: Problems| LoadError {
        file: file.to_owned(),
        problems: problems.sorted(),
    };
    let document = Document::parse(source).map_err(fail)?;
    let mut problems = Problems::default();
    let parsed = syntax::read(&document.root, &mut problems);
    let mut compiler = Compiler {
        source,
        problems: &mut problems,
        terms: Vec::new(),
        principles: Vec::new(),
    };
    let rulebook = compiler.rulebook(&parsed);
    if problems.is_empty() {
        Ok(rulebook)
    } else {
        Err(fail(problems))
    }
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
    if count >= 32 {
        u32::MAX
    } else {
        (1 << count) - 1
    }
}

/// A condition's text inside its YAML scalar: the scalar, and the offset (in characters) where
/// the condition starts in it (a reason's `{tools[…].name}` filter starts inside the reason).
#[derive(Clone, Copy)]
struct Scalar<'t> {
    text: &'t Text,
    offset: u32,
}

impl<'t> Scalar<'t> {
    fn whole(text: &'t Text) -> Self {
        Scalar { text, offset: 0 }
    }
}

/// Where each character of a scalar's value is in the file.
struct Alignment {
    /// Line and column of each character of the value.
    positions: Vec<(u32, u32)>,
    /// Line and column just after the value's last character that is not whitespace.
    end: (u32, u32),
}

/// Matches a scalar's value against the file, character by character, from the scalar's start:
/// after the opening quote of a quoted scalar, on the line after the `|` or `>` of a block
/// scalar. A run of whitespace in the value matches any run in the file (folding turns line
/// breaks and indentation into one space). `None` when the value cannot be matched, for example
/// when a double-quoted scalar uses escapes.
fn align(source: &str, value: &str, span: Span) -> Option<Alignment> {
    let mut lines = source.lines().skip(span.line.checked_sub(1)? as usize);
    let mut line = span.line;
    let mut chars: Vec<char> = lines.next()?.chars().collect();
    let mut column = span.column.checked_sub(1)? as usize;
    match chars.get(column) {
        Some('"' | '\'') => column += 1,
        Some('|' | '>') => {
            chars = lines.next()?.chars().collect();
            line += 1;
            column = 0;
        }
        _ => {}
    }
    let at = |line: u32, column: usize| (line, u32::try_from(column + 1).unwrap_or(u32::MAX));
    let mut positions = Vec::with_capacity(value.len());
    let mut end = at(line, column);
    let mut in_space = false;
    for wanted in value.chars() {
        if wanted.is_whitespace() {
            positions.push(end);
            in_space = true;
            continue;
        }
        if in_space {
            loop {
                while chars.get(column).is_some_and(|c| c.is_whitespace()) {
                    column += 1;
                }
                if column < chars.len() {
                    break;
                }
                chars = lines.next()?.chars().collect();
                line += 1;
                column = 0;
            }
            in_space = false;
        }
        if chars.get(column) != Some(&wanted) {
            return None;
        }
        positions.push(at(line, column));
        column += 1;
        end = at(line, column);
    }
    Some(Alignment { positions, end })
}

/// True for a name conditions can use as a term: letters, digits and underscores, not starting
/// with a digit.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `tools.environment` → the list and the entry field, when the path names a field of each entry.
fn entry_path(path: &str) -> Option<(ItemList, &'static Field)> {
    let (list, field) = path.rsplit_once('.')?;
    let list = schema::item_list(list)?;
    Some((list, schema::entry_field(list, field)?))
}

/// The leaf condition `expr` with its field (or list) renamed, in canonical text: how it reads
/// inside `any tools (…)` once `tools.environment` is written `environment`.
fn renamed(expr: &Expr, name: &str) -> String {
    let mut leaf = expr.clone();
    match &mut leaf {
        Expr::Name(field)
        | Expr::Equals { field, .. }
        | Expr::In { field, .. }
        | Expr::Contains { field, .. }
        | Expr::Known(field)
        | Expr::Given(field)
        | Expr::Count { list: field, .. } => name.clone_into(&mut field.text),
        _ => {}
    }
    leaf.canonical()
}

/// The closest of `known` to `name`, never `name` itself.
fn closest_other<'k>(name: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    closest(
        name,
        known.into_iter().filter(|candidate| *candidate != name),
    )
}

impl Compiler<'_> {
    /// Finds where, inside the scalar `text`, the piece at `range` is in the file: by matching
    /// the value to the file character by character, or, when that fails (escapes in a quoted
    /// scalar), by searching for the piece from the scalar's start.
    fn locate(&self, text: &Text, range: Range) -> Span {
        let start = range.start as usize;
        if let Some(aligned) = align(self.source, &text.value, text.span) {
            let (line, column) = aligned.positions.get(start).copied().unwrap_or(aligned.end);
            let width = aligned
                .positions
                .iter()
                .skip(start)
                .take(range.len as usize)
                .filter(|(at, _)| *at == line)
                .count();
            return Span {
                line,
                column,
                width: u32::try_from(width.max(1)).unwrap_or(1),
            };
        }
        let piece: String = text
            .value
            .chars()
            .skip(start)
            .take(range.len as usize)
            .collect();
        if piece.trim().is_empty() {
            // The end of the condition: just after its last word.
            let last = text
                .value
                .chars()
                .take(start)
                .collect::<String>()
                .split_whitespace()
                .last()
                .map(str::to_owned);
            return match last.and_then(|last| self.search(text, &last)) {
                Some(found) => Span {
                    column: found.column + found.width,
                    width: 1,
                    ..found
                },
                None => text.span,
            };
        }
        self.search(text, &piece).unwrap_or(text.span)
    }

    /// The first place `piece` occurs at or after the scalar's start.
    fn search(&self, text: &Text, piece: &str) -> Option<Span> {
        let width = u32::try_from(piece.chars().count().max(1)).unwrap_or(1);
        for (offset, line) in self
            .source
            .lines()
            .skip(text.span.line.saturating_sub(1) as usize)
            .take(64)
            .enumerate()
        {
            let from = if offset == 0 {
                text.span.column.saturating_sub(1) as usize
            } else {
                0
            };
            let skipped: String = line.chars().skip(from).collect();
            if let Some(found) = skipped.find(piece) {
                let column = from + skipped[..found].chars().count() + 1;
                return Some(Span {
                    line: text.span.line + offset as u32,
                    column: u32::try_from(column).unwrap_or(1),
                    width,
                });
            }
        }
        None
    }

    fn problem(&mut self, path: &str, span: Span, message: String) {
        self.problems.push(Problem::new(path, span, message));
    }

    fn problem_at(
        &mut self,
        path: &str,
        text: Scalar<'_>,
        range: Range,
        message: String,
        help: Option<String>,
    ) {
        let span = self.locate(
            text.text,
            Range {
                start: range.start.saturating_add(text.offset),
                len: range.len,
            },
        );
        let mut problem = Problem::new(path, span, message);
        problem.help = help;
        self.problems.push(problem);
    }

    fn rulebook(&mut self, file: &RulebookFile) -> Rulebook {
        let text = |value: &Option<Text>| {
            value
                .as_ref()
                .map(|text| text.value.clone())
                .unwrap_or_default()
        };
        let clauses: Vec<Clause> = file
            .clauses
            .iter()
            .map(|clause| Clause {
                key: clause.key.value.clone(),
                title: text(&clause.title),
                text: clause.text.as_ref().map(|text| text.value.clone()),
            })
            .collect();
        let actions: Vec<Action> = file
            .actions
            .iter()
            .map(|(id, text)| Action {
                id: id.value.as_str().into(),
                text: text.value.clone(),
            })
            .collect();

        let mut terms = Vec::new();
        for (name, condition) in &file.terms {
            let path = format!("terms.{}", name.value);
            self.term_name(&path, name);
            let node = self
                .condition(&path, condition, Context::Term)
                .unwrap_or(Node::Const(false));
            let reads = static_reads(&node, &self.term_reads(), &[]);
            self.terms.push((name.value.clone(), reads));
            terms.push(Term {
                name: name.value.clone(),
                condition: canonical(&condition.value),
                node,
                reads,
                asks: 0,
            });
        }
        if terms.len() > MAX_TERMS {
            self.problem(
                "terms",
                file.span,
                format!("a rulebook may define at most {MAX_TERMS} terms"),
            );
        }

        let mut principles = Vec::new();
        for (position, principle) in file.principles.iter().enumerate() {
            let path = format!("principles[{position}]");
            let id = text(&principle.id);
            let id_span = principle.id.as_ref().map_or(principle.span, |id| id.span);
            if self.principles.iter().any(|(known, _)| *known == id) {
                self.problem(
                    &format!("{path}.id"),
                    id_span,
                    format!("duplicate principle id `{id}`"),
                );
            } else if !id.is_empty() && !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                self.problems.push(
                    Problem::new(
                        format!("{path}.id"),
                        id_span,
                        format!("principle id `{id}` may hold only letters, digits and underscores, so that conditions can read it as `principles.<id>`"),
                    )
                    .with_help(format!("for example `id: {}`", id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>())),
                );
            }
            let no = principle
                .no
                .as_ref()
                .and_then(|no| self.condition(&format!("{path}.no"), no, Context::Principle))
                .unwrap_or(Node::Const(false));
            let unsure = principle
                .unsure
                .as_ref()
                .and_then(|unsure| {
                    self.condition(&format!("{path}.unsure"), unsure, Context::Principle)
                })
                .unwrap_or(Node::Const(false));
            let term_reads = self.term_reads();
            let reads =
                static_reads(&no, &term_reads, &[]) | static_reads(&unsure, &term_reads, &[]);
            self.principles.push((id.clone(), reads));
            principles.push(Principle {
                id,
                title: text(&principle.title),
                no,
                unsure,
                reads,
                asks: 0,
            });
        }
        if principles.len() > MAX_PRINCIPLES {
            self.problem(
                "principles",
                file.span,
                format!("a rulebook may define at most {MAX_PRINCIPLES} principles"),
            );
        }

        // Duplicate ids are found among the rules as written, so that a rule with other
        // problems still counts.
        for (position, rule) in file.rules.iter().enumerate() {
            let Some(id) = &rule.id else { continue };
            if let Some(first) = file.rules[..position].iter().position(|known| {
                known
                    .id
                    .as_ref()
                    .is_some_and(|known| known.value == id.value)
            }) {
                self.problem(
                    &format!("rules[{position}].id"),
                    id.span,
                    format!("duplicate rule id `{}` (also rules[{first}])", id.value),
                );
            }
        }
        let mut rules: Vec<Rule> = Vec::new();
        for (position, rule) in file.rules.iter().enumerate() {
            if let Some(compiled) = self.rule(position, rule, &clauses, &actions) {
                rules.push(compiled);
            }
        }
        if rules.len() > MAX_RULES {
            self.problem(
                "rules",
                file.span,
                format!(
                    "a rulebook may hold at most {MAX_RULES} rules; split it into several rulebooks"
                ),
            );
        }

        let tests = self.tests(file);
        // Which slots each condition asks about being left out (for `unanswered`).
        for index in 0..terms.len() {
            let asks: Vec<u64> = terms.iter().map(|term| term.asks).collect();
            terms[index].asks = static_asks(&terms[index].node, &asks, &[]);
        }
        let term_asks: Vec<u64> = terms.iter().map(|term| term.asks).collect();
        for principle in &mut principles {
            principle.asks = static_asks(&principle.no, &term_asks, &[])
                | static_asks(&principle.unsure, &term_asks, &[]);
        }
        let principle_asks: Vec<u64> = principles.iter().map(|principle| principle.asks).collect();
        for rule in &mut rules {
            rule.asks = static_asks(&rule.node, &term_asks, &principle_asks);
        }
        let kernel = crate::kernel::Kernel::compile(&terms, &principles, &rules);
        Rulebook {
            kernel,
            id: text(&file.id).into(),
            version: text(&file.version).into(),
            title: text(&file.title),
            source: text(&file.source),
            description: file.description.as_ref().map(|text| text.value.clone()),
            digest: digest(file).into(),
            clauses,
            actions,
            principles,
            terms,
            rules,
            tests,
        }
    }

    /// Checks a term's name: a word conditions can use, and not a field or a word of the language.
    fn term_name(&mut self, path: &str, name: &Text) {
        let word = name.value.as_str();
        if schema::top_field(word).is_some()
            || entry_path(word).is_some()
            || word == "principles"
            || word.starts_with("principles.")
        {
            self.problem(
                path,
                name.span,
                format!("term `{word}` would hide a field of the intake: choose another name"),
            );
        } else if !is_identifier(word) {
            self.problems.push(
                Problem::new(
                    path,
                    name.span,
                    format!("term name `{word}` may hold only letters, digits and underscores, and cannot start with a digit"),
                )
                .with_help(format!("for example `{}`", suggested_identifier(word))),
            );
        } else if expr::KEYWORDS.contains(&word) {
            self.problem(
                path,
                name.span,
                format!(
                    "term name `{word}` is a word of the condition language: choose another name"
                ),
            );
        }
    }

    fn term_reads(&self) -> Vec<u64> {
        self.terms.iter().map(|(_, reads)| *reads).collect()
    }

    fn principle_reads(&self) -> Vec<u64> {
        self.principles.iter().map(|(_, reads)| *reads).collect()
    }

    fn rule(
        &mut self,
        position: usize,
        rule: &syntax::RuleFile,
        clauses: &[Clause],
        actions: &[Action],
    ) -> Option<Rule> {
        let path = format!("rules[{position}]");
        let id = rule.id.as_ref()?.value.clone();
        let tier = match &rule.tier {
            Some(tier) => match Tier::from_name(&tier.value) {
                Some(tier) => Some(tier),
                None => {
                    let hint =
                        did_you_mean(&tier.value, Tier::ALL.iter().map(|tier| tier.as_str()));
                    self.problems.push(
                        Problem::new(
                            format!("{path}.tier"),
                            tier.span,
                            format!("unknown tier `{}`{hint}", tier.value),
                        )
                        .with_help("expected one of: notify, escalate, approval, blocked"),
                    );
                    None
                }
            },
            None => None,
        };
        if rule.cite.is_empty() && rule.tier.is_some() {
            self.problem(
                &format!("{path}.cite"),
                rule.span,
                format!("rule `{id}` must cite at least one clause"),
            );
        }
        for (index, citation) in rule.cite.iter().enumerate() {
            if !clauses.iter().any(|clause| clause.key == citation.value) {
                let hint = did_you_mean(
                    &citation.value,
                    clauses.iter().map(|clause| clause.key.as_str()),
                );
                self.problems.push(
                    Problem::new(
                        format!("{path}.cite[{index}]"),
                        citation.span,
                        format!(
                            "citation `{}` is not in the rulebook's clause catalogue{hint}",
                            citation.value
                        ),
                    )
                    .with_help("add the clause under `clauses:` or cite one that is there"),
                );
            }
        }
        for (index, action) in rule.actions.iter().enumerate() {
            if !actions.iter().any(|known| *known.id == action.value) {
                let hint = did_you_mean(&action.value, actions.iter().map(|known| &*known.id));
                self.problems.push(
                    Problem::new(
                        format!("{path}.actions[{index}]"),
                        action.span,
                        format!(
                            "action `{}` is not in the rulebook's action vocabulary{hint}",
                            action.value
                        ),
                    )
                    .with_help("declare it under `actions:` with what it asks people to do"),
                );
            }
        }
        let node = rule
            .when
            .as_ref()
            .and_then(|when| self.condition(&format!("{path}.when"), when, Context::Rule));
        let reason = rule
            .reason
            .as_ref()
            .and_then(|reason| self.template(&format!("{path}.reason"), reason));
        let (tier, node, reason) = (tier?, node?, reason?);
        let reads = static_reads(&node, &self.term_reads(), &self.principle_reads());
        Some(Rule {
            id: id.into(),
            tier,
            citations: rule
                .cite
                .iter()
                .map(|citation| Arc::from(citation.value.as_str()))
                .collect(),
            description: rule
                .description
                .as_ref()
                .map(|text| text.value.clone())
                .unwrap_or_default(),
            condition: rule
                .when
                .as_ref()
                .map(|when| canonical(&when.value))
                .unwrap_or_default(),
            node,
            reason,
            // The vocabulary's own names, shared, so results can merge actions by pointer.
            actions: rule
                .actions
                .iter()
                .map(|action| {
                    actions
                        .iter()
                        .find(|known| *known.id == action.value)
                        .map_or_else(
                            || Arc::from(action.value.as_str()),
                            |known| known.id.clone(),
                        )
                })
                .collect(),
            reads,
            asks: 0,
        })
    }

    fn tests(&mut self, file: &RulebookFile) -> Vec<RulebookTest> {
        // Every rule id as written, including those of rules that did not compile.
        let ids: Vec<&str> = file
            .rules
            .iter()
            .filter_map(|rule| rule.id.as_ref().map(|id| id.value.as_str()))
            .collect();
        let mut tests = Vec::new();
        for (position, test) in file.tests.iter().enumerate() {
            let path = format!("tests[{position}]");
            let tier = test.tier.as_ref().and_then(|tier| {
                let parsed = Tier::from_name(&tier.value);
                if parsed.is_none() {
                    let hint =
                        did_you_mean(&tier.value, Tier::ALL.iter().map(|tier| tier.as_str()));
                    self.problem(
                        &format!("{path}.expect.tier"),
                        tier.span,
                        format!("unknown tier `{}`{hint}", tier.value),
                    );
                }
                parsed
            });
            for (field, expected) in [("fires", &test.fires), ("quiet", &test.quiet)] {
                for id in expected {
                    if !ids.contains(&id.value.as_str()) {
                        let hint = did_you_mean(&id.value, ids.iter().copied());
                        self.problem(
                            &format!("{path}.expect.{field}"),
                            id.span,
                            format!("no rule `{}` in this rulebook{hint}", id.value),
                        );
                    }
                }
            }
            let Some(intake) = test.intake.clone() else {
                continue;
            };
            tests.push(RulebookTest {
                name: test.name.as_ref().map_or_else(
                    || format!("test {}", position + 1),
                    |name| name.value.clone(),
                ),
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
        let scalar = Scalar::whole(text);
        match expr::parse(&text.value) {
            Ok(parsed) => self.compile(path, scalar, &parsed, context),
            Err(error) => {
                self.problem_at(
                    path,
                    scalar,
                    error.range,
                    format!("invalid condition: {}", error.message),
                    None,
                );
                None
            }
        }
    }

    /// Compiles every part, so that all problems are reported, then combines.
    fn compile(
        &mut self,
        path: &str,
        text: Scalar<'_>,
        expr: &Expr,
        context: Context,
    ) -> Option<Node> {
        match expr {
            Expr::Literal(value) => Some(Node::Const(*value)),
            Expr::Name(name) => self.name(path, text, name, context),
            Expr::Equals {
                field,
                value,
                negated,
            } => self.compare(
                path,
                text,
                expr,
                field,
                std::slice::from_ref(value),
                *negated,
                context,
            ),
            Expr::In {
                field,
                values,
                negated,
            } => self.compare(path, text, expr, field, values, *negated, context),
            Expr::Contains {
                field,
                mode,
                values,
            } => {
                let resolved = self.field(path, text, field, expr, context)?;
                let Kind::List { .. } = resolved.kind else {
                    let message = format!(
                        "`{}` is {}, not a list: `contains` applies to lists such as `inputs`",
                        field.text,
                        resolved.kind.describe()
                    );
                    let help = matches!(resolved.kind, Kind::Answer | Kind::Choice { .. })
                        .then(|| format!("compare it instead: `{} == …`", field.text));
                    self.problem_at(path, text, field.range, message, help);
                    return None;
                };
                let bits = self.values(path, text, field, resolved, values)?;
                Some(match mode {
                    Contains::Any => Node::Any {
                        slot: resolved.slot,
                        mask: bits.iter().fold(0, |mask, bit| mask | bit),
                    },
                    Contains::All => Node::And(
                        bits.iter()
                            .map(|bit| Node::Any {
                                slot: resolved.slot,
                                mask: *bit,
                            })
                            .collect(),
                    ),
                })
            }
            Expr::Known(name) => {
                let resolved = self.field(path, text, name, expr, context)?;
                match resolved.kind {
                    Kind::List { unknown, .. } => Some(Node::Not(Box::new(Node::Any {
                        slot: resolved.slot,
                        mask: MISSING | unknown.map_or(0, bit),
                    }))),
                    Kind::Items => Some(Node::Not(Box::new(Node::Any {
                        slot: resolved.slot,
                        mask: MISSING,
                    }))),
                    other => {
                        let message = format!(
                            "`known` applies to lists, and `{}` is {}",
                            name.text,
                            other.describe()
                        );
                        self.problem_at(
                            path,
                            text,
                            name.range,
                            message,
                            Some(format!(
                                "to ask whether it was answered, write `given({})`",
                                name.text
                            )),
                        );
                        None
                    }
                }
            }
            Expr::Given(name) => {
                let resolved = self.field(path, text, name, expr, context)?;
                Some(Node::Not(Box::new(Node::Any {
                    slot: resolved.slot,
                    mask: MISSING,
                })))
            }
            Expr::Count {
                list,
                compare,
                value,
            } => {
                let resolved = self.field(path, text, list, expr, context)?;
                if resolved.kind != Kind::Items {
                    let message = format!(
                        "`count` applies to `tools` and `talent.performers`, and `{}` is {}",
                        list.text,
                        resolved.kind.describe()
                    );
                    self.problem_at(path, text, list.range, message, None);
                    return None;
                }
                if *value > MAX_COUNT {
                    let message =
                        format!("`count` compares with numbers up to {MAX_COUNT}, not {value}");
                    self.problem_at(path, text, list.range, message, None);
                    return None;
                }
                // A list of entries holds its count as one bit, so a comparison is a mask.
                let mask = (0..=MAX_COUNT)
                    .filter(|count| compare.holds(*count, *value))
                    .fold(0, |mask, count| mask | bit(count));
                Some(Node::Any {
                    slot: resolved.slot,
                    mask,
                })
            }
            Expr::Quantified { all, list, body } => {
                if matches!(context, Context::Entry(_)) {
                    self.problem_at(
                        path,
                        text,
                        list.range,
                        "`any` and `all` cannot be nested".into(),
                        None,
                    );
                    return None;
                }
                let Some(items) = schema::item_list(&list.text) else {
                    let hint = did_you_mean(&list.text, ["tools", "talent.performers"]);
                    let message = format!(
                        "`any` and `all` range over `tools` or `talent.performers`, not `{}`{hint}",
                        list.text
                    );
                    let help = schema::top_field(&list.text)
                        .filter(|field| matches!(field.kind, Kind::List { .. }))
                        .map(|_| {
                            format!(
                                "for a list of values write `{} contains any [...]`",
                                list.text
                            )
                        });
                    self.problem_at(path, text, list.range, message, help);
                    return None;
                };
                let body = self.compile(path, text, body, Context::Entry(items))?;
                Some(match body {
                    // One test on one entry field: the union over the entries answers it.
                    Node::Any { slot, mask } if is_entry_slot(slot, items) => {
                        if *all {
                            Node::All { slot, mask }
                        } else {
                            Node::Any { slot, mask }
                        }
                    }
                    body => Node::Each {
                        list: items,
                        all: *all,
                        body: Box::new(body),
                    },
                })
            }
            Expr::Not(inner) => Some(Node::Not(Box::new(
                self.compile(path, text, inner, context)?,
            ))),
            Expr::And(items) | Expr::Or(items) => {
                let compiled: Vec<Option<Node>> = items
                    .iter()
                    .map(|item| self.compile(path, text, item, context))
                    .collect();
                let compiled: Option<Vec<Node>> = compiled.into_iter().collect();
                let compiled = compiled?.into_boxed_slice();
                Some(if matches!(expr, Expr::And(_)) {
                    Node::And(compiled)
                } else {
                    Node::Or(compiled)
                })
            }
        }
    }

    fn name(
        &mut self,
        path: &str,
        text: Scalar<'_>,
        name: &Name,
        context: Context,
    ) -> Option<Node> {
        let term = self.terms.iter().position(|(known, _)| *known == name.text);
        if let (Some(index), false) = (term, matches!(context, Context::Entry(_))) {
            return Some(Node::Term(index));
        }
        let field = resolve(&name.text, context);
        let (message, help) = match (field, context) {
            (_, Context::Entry(list)) if term.is_some() => (
                format!(
                    "terms cannot be used inside `any`/`all`: `{}` is a term",
                    name.text
                ),
                Some(format!(
                    "write the term's condition out here, or use the term outside `any`/`all`, as in `any {} (…) and {}`",
                    list.path(),
                    name.text
                )),
            ),
            (Some(field), _) => (
                format!(
                    "`{}` is {}, not a condition",
                    name.text,
                    field.kind.describe()
                ),
                Some(match field.kind {
                    Kind::Answer => format!("compare it, for example `{} == yes`", name.text),
                    Kind::List { .. } => format!(
                        "test it, for example `{} contains any [...]` or `known({})`",
                        name.text, name.text
                    ),
                    _ => format!(
                        "compare it, for example `{} == …`, or test `given({})`",
                        name.text, name.text
                    ),
                }),
            ),
            (None, Context::Entry(_)) if name.text.starts_with("principles.") => (
                format!(
                    "principles cannot be read inside `any`/`all`: `{}`",
                    name.text
                ),
                Some(format!(
                    "compare it outside the parentheses, for example `{} != yes and any …`",
                    name.text
                )),
            ),
            (None, _) if name.text.starts_with("principles.") => (
                format!("`{}` is an answer, not a condition", name.text),
                Some(format!("compare it, for example `{} != yes`", name.text)),
            ),
            (None, _) => match entry_path(&name.text) {
                Some((list, field)) => (
                    format!(
                        "`{}` is {} of each entry of `{}`, not a condition",
                        name.text,
                        field.kind.describe(),
                        list.path()
                    ),
                    Some(format!(
                        "read it inside a quantifier, for example `any {} ({})`",
                        list.path(),
                        entry_example(list)
                    )),
                ),
                None => {
                    let known: Vec<String> = self
                        .terms
                        .iter()
                        .map(|(known, _)| known.clone())
                        .chain(schema::all_paths())
                        .collect();
                    let hint = closest_other(&name.text, known.iter().map(String::as_str))
                        .map(|close| format!(", did you mean `{close}`?"))
                        .unwrap_or_default();
                    let later = matches!(context, Context::Term) && term.is_none();
                    let help =
                        later.then(|| "a term can use only the terms defined above it".to_owned());
                    (format!("unknown term or field `{}`{hint}", name.text), help)
                }
            },
        };
        self.problem_at(path, text, name.range, message, help);
        None
    }

    /// Resolves the field `name` of the leaf condition `leaf`.
    fn field(
        &mut self,
        path: &str,
        text: Scalar<'_>,
        name: &Name,
        leaf: &Expr,
        context: Context,
    ) -> Option<&'static Field> {
        if let Some(field) = resolve(&name.text, context) {
            return Some(field);
        }
        // `tools.environment == consumer`: a field of each entry, read with a quantifier.
        if let Some((list, entry)) = entry_path(&name.text) {
            let inside = renamed(leaf, entry.path);
            let (message, help) = match context {
                Context::Entry(current) if current == list => (
                    format!(
                        "inside `any {}`/`all {}`, name the entry's fields directly: write `{inside}`",
                        list.path(),
                        list.path()
                    ),
                    None,
                ),
                Context::Entry(current) => (
                    format!(
                        "`{}` is a field of each entry of `{}`, which cannot be read inside `any {} (…)`",
                        name.text,
                        list.path(),
                        current.path()
                    ),
                    Some("`any` and `all` cannot be nested".to_owned()),
                ),
                _ => (
                    format!(
                        "`{}` is a field of each entry of `{}`: write `any {} ({inside})`",
                        name.text,
                        list.path(),
                        list.path()
                    ),
                    Some(format!(
                        "`any {} (…)` holds when some entry meets the condition, `all {} (…)` when every entry does",
                        list.path(),
                        list.path()
                    )),
                ),
            };
            self.problem_at(path, text, name.range, message, help);
            return None;
        }
        let candidates: Vec<String> = match context {
            Context::Entry(list) => schema::FIELDS
                .iter()
                .filter(|field| field.scope == FieldScope::Entry(list))
                .map(|field| field.path.to_owned())
                .chain(
                    schema::FIELDS
                        .iter()
                        .filter(|field| field.scope == FieldScope::Top)
                        .map(|field| field.path.to_owned()),
                )
                .collect(),
            _ => schema::all_paths().collect(),
        };
        let close = closest_other(&name.text, candidates.iter().map(String::as_str));
        // A near miss of an entry field outside a quantifier: suggest the quantifier.
        let quantified = close
            .filter(|_| !matches!(context, Context::Entry(_)))
            .and_then(entry_path);
        let hint = match (quantified, close) {
            (Some((list, entry)), _) => format!(
                ", did you mean `any {} ({})`?",
                list.path(),
                renamed(leaf, entry.path)
            ),
            (None, Some(close)) => format!(", did you mean `{close}`?"),
            (None, None) => String::new(),
        };
        let help = match (context, name.text.split_once('.')) {
            _ if quantified.is_some() => None,
            (Context::Entry(list), _) => Some(format!(
                "inside `any {}` / `all {}`, name the entry's fields directly, such as `{}`",
                list.path(),
                list.path(),
                entry_example(list)
            )),
            (_, Some((list, field))) if schema::item_list(list).is_some() => Some(format!(
                "entry fields are read with a quantifier: `any {list} ({field} == …)`"
            )),
            _ => None,
        };
        self.problem_at(
            path,
            text,
            name.range,
            format!("unknown field `{}`{hint}", name.text),
            help,
        );
        None
    }

    fn values(
        &mut self,
        path: &str,
        text: Scalar<'_>,
        field: &Name,
        resolved: &Field,
        values: &[Name],
    ) -> Option<Vec<u32>> {
        let names = resolved.kind.names();
        let mut bits = Vec::new();
        let mut ok = true;
        for value in values {
            match names.iter().position(|known| *known == value.text) {
                Some(index) => bits.push(bit(index as u32)),
                None => {
                    ok = false;
                    let hint = did_you_mean(&value.text, names.iter().copied());
                    let message = format!(
                        "`{}` is not a possible value of `{}`{hint}",
                        value.text, field.text
                    );
                    let help = if resolved.kind == Kind::Answer && is_boolean(&value.text) {
                        "write `yes` or `no` (an answer is `yes`, `no` or `unsure`)".to_owned()
                    } else {
                        format!("expected one of: {}", names.join(", "))
                    };
                    self.problem_at(path, text, value.range, message, Some(help));
                }
            }
        }
        ok.then_some(bits)
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the parts of one comparison, passed apart to report each precisely"
    )]
    fn compare(
        &mut self,
        path: &str,
        text: Scalar<'_>,
        leaf: &Expr,
        field: &Name,
        values: &[Name],
        negated: bool,
        context: Context,
    ) -> Option<Node> {
        if let Some(id) = field.text.strip_prefix("principles.") {
            match context {
                Context::Rule => {}
                Context::Entry(_) => {
                    let message = format!(
                        "principles cannot be read inside `any`/`all`: `{}`",
                        field.text
                    );
                    self.problem_at(
                        path,
                        text,
                        field.range,
                        message,
                        Some("compare the principle outside the parentheses".to_owned()),
                    );
                    return None;
                }
                Context::Term | Context::Principle => {
                    self.problem_at(
                        path,
                        text,
                        field.range,
                        "principles can be read only in rules".into(),
                        None,
                    );
                    return None;
                }
            }
            let Some(index) = self.principles.iter().position(|(known, _)| known == id) else {
                let hint =
                    did_you_mean(id, self.principles.iter().map(|(known, _)| known.as_str()));
                self.problem_at(
                    path,
                    text,
                    field.range,
                    format!("no principle `{id}` in this rulebook{hint}"),
                    None,
                );
                return None;
            };
            let mut mask = 0;
            for value in values {
                match Answer::from_name(&value.text) {
                    Some(answer) => mask |= bit(answer.index()),
                    None => {
                        let hint = did_you_mean(&value.text, Answer::NAMES.iter().copied());
                        let help =
                            is_boolean(&value.text).then(|| "write `yes` or `no`".to_owned());
                        self.problem_at(
                            path,
                            text,
                            value.range,
                            format!(
                                "a principle is `yes`, `no` or `unsure`, not `{}`{hint}",
                                value.text
                            ),
                            help,
                        );
                        return None;
                    }
                }
            }
            let mask = if negated { 0b111 & !mask } else { mask };
            return Some(Node::Principle { index, mask });
        }
        let resolved = self.field(path, text, field, leaf, context)?;
        match resolved.kind {
            Kind::Answer | Kind::Choice { .. } => {}
            Kind::List { .. } => {
                let example = values.first().map_or("…", |value| value.text.as_str());
                let message = format!("`{}` is a list: test what it contains", field.text);
                self.problem_at(
                    path,
                    text,
                    field.range,
                    message,
                    Some(format!("write `{} contains {example}`", field.text)),
                );
                return None;
            }
            Kind::Items => {
                self.problem_at(
                    path,
                    text,
                    field.range,
                    format!("`{}` is a list of entries", field.text),
                    Some(format!(
                        "use `count({})` or `any {} (…)`",
                        field.text, field.text
                    )),
                );
                return None;
            }
            Kind::Text => {
                self.problem_at(
                    path,
                    text,
                    field.range,
                    format!("`{}` is free text, which rules do not read", field.text),
                    Some(format!(
                        "rules may ask only whether it was given: `given({})`",
                        field.text
                    )),
                );
                return None;
            }
        }
        let bits = self.values(path, text, field, resolved, values)?;
        let mask = bits.iter().fold(0, |mask, bit| mask | bit);
        if !negated {
            return Some(Node::Any {
                slot: resolved.slot,
                mask,
            });
        }
        // `!=`: every other value, plus "left out" when a left-out value counts as nothing.
        let has_default = match resolved.kind {
            Kind::Answer => true,
            Kind::Choice { default, .. } => default.is_some(),
            _ => false,
        };
        let missing = if has_default { 0 } else { MISSING };
        Some(Node::Any {
            slot: resolved.slot,
            mask: (value_bits(resolved.kind) & !mask) | missing,
        })
    }

    fn template(&mut self, path: &str, text: &Text) -> Option<Template> {
        let scalar = Scalar::whole(text);
        let pieces = match template::split(&text.value) {
            Ok(pieces) => pieces,
            Err((offset, message)) => {
                let range = Range {
                    start: u32::try_from(offset).unwrap_or(0),
                    len: 1,
                };
                self.problem_at(path, scalar, range, message, None);
                return None;
            }
        };
        let mut parts = Vec::new();
        let mut ok = true;
        for (offset, piece) in pieces {
            match piece {
                Ok(literal) => parts.push(Part::Text(literal)),
                Err(placeholder) => match self.placeholder(path, scalar, offset, &placeholder) {
                    Some(part) => parts.push(part),
                    None => ok = false,
                },
            }
        }
        ok.then_some(Template { parts })
    }

    fn placeholder(
        &mut self,
        path: &str,
        text: Scalar<'_>,
        offset: usize,
        placeholder: &str,
    ) -> Option<Part> {
        let range = Range {
            start: u32::try_from(offset).unwrap_or(0),
            len: u32::try_from(placeholder.chars().count().max(1)).unwrap_or(1),
        };
        if let Some(id) = placeholder.strip_prefix("principles.") {
            if let Some(index) = self.principles.iter().position(|(known, _)| known == id) {
                return Some(Part::Principle(index));
            }
            let hint = did_you_mean(id, self.principles.iter().map(|(known, _)| known.as_str()));
            self.problem_at(
                path,
                text,
                range,
                format!("no principle `{id}` in this rulebook{hint}"),
                None,
            );
            return None;
        }
        if let Some(field) = schema::top_field(placeholder) {
            return Some(Part::Field(field));
        }
        // `list.field` or `list[condition].field`
        let (list_name, filter, field_name) = match placeholder.find('[') {
            Some(open) => {
                let close = placeholder.rfind(']').unwrap_or(placeholder.len());
                let rest = placeholder.get(close + 1..).unwrap_or("");
                let start = u32::try_from(placeholder[..open].chars().count() + 1).unwrap_or(0);
                (
                    &placeholder[..open],
                    Some((placeholder.get(open + 1..close).unwrap_or(""), start)),
                    rest.strip_prefix('.').unwrap_or(rest),
                )
            }
            None => match placeholder.rsplit_once('.') {
                Some((list, field)) => (list, None, field),
                None => (placeholder, None, ""),
            },
        };
        let Some(list) = schema::item_list(list_name) else {
            let known: Vec<String> = schema::all_paths().collect();
            let hint = closest_other(placeholder, known.iter().map(String::as_str))
                .map(|close| format!(", did you mean `{close}`?"))
                .unwrap_or_default();
            self.problem_at(
                path,
                text,
                range,
                format!("unknown field `{placeholder}` in the reason{hint}"),
                None,
            );
            return None;
        };
        if field_name.is_empty() {
            let shown = if filter.is_some() {
                format!("{}[…]", list.path())
            } else {
                list.path().to_owned()
            };
            let message = format!(
                "`{{{placeholder}}}` names no field of the entries to show: write `{{{shown}.name}}`"
            );
            let help = format!(
                "`{{{}}}` alone shows how many entries there are",
                list.path()
            );
            self.problem_at(path, text, range, message, Some(help));
            return None;
        }
        let Some(field) = schema::entry_field(list, field_name) else {
            let names: Vec<&str> = schema::FIELDS
                .iter()
                .filter(|field| field.scope == FieldScope::Entry(list))
                .map(|field| field.path)
                .collect();
            let hint = did_you_mean(field_name, names.iter().copied());
            let message = format!(
                "`{}` entries have no field `{field_name}`{hint}",
                list.path()
            );
            self.problem_at(
                path,
                text,
                range,
                message,
                Some(format!(
                    "write `{{{}.name}}` or `{{{}[condition].name}}`",
                    list.path(),
                    list.path()
                )),
            );
            return None;
        };
        let filter = match filter {
            Some((condition, start)) => {
                let inner = Scalar {
                    text: text.text,
                    offset: text
                        .offset
                        .saturating_add(range.start)
                        .saturating_add(start),
                };
                let parsed = match expr::parse(condition) {
                    Ok(parsed) => parsed,
                    Err(error) => {
                        self.problem_at(
                            path,
                            inner,
                            error.range,
                            format!("invalid condition in the reason: {}", error.message),
                            None,
                        );
                        return None;
                    }
                };
                Some(self.compile(path, inner, &parsed, Context::Entry(list))?)
            }
            None => None,
        };
        Some(Part::Entries {
            list,
            filter,
            field,
        })
    }
}

/// `true` or `false`, as someone used to programming languages writes an answer.
fn is_boolean(word: &str) -> bool {
    word.eq_ignore_ascii_case("true") || word.eq_ignore_ascii_case("false")
}

/// A name made of letters, digits and underscores, from one that is not.
fn suggested_identifier(word: &str) -> String {
    let cleaned: String = word
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{cleaned}")
    } else {
        cleaned
    }
}

fn entry_example(list: ItemList) -> &'static str {
    match list {
        ItemList::Tools => "environment == consumer",
        ItemList::Performers => "consent == written",
    }
}

fn is_entry_slot(slot: usize, list: ItemList) -> bool {
    schema::FIELDS
        .get(slot)
        .is_some_and(|field| field.scope == FieldScope::Entry(list))
}

fn resolve(path: &str, context: Context) -> Option<&'static Field> {
    match context {
        Context::Entry(list) => schema::entry_field(list, path).or_else(|| schema::top_field(path)),
        _ => schema::top_field(path),
    }
}

fn canonical(condition: &str) -> String {
    expr::parse(condition)
        .map(|parsed| parsed.canonical())
        .unwrap_or_else(|_| condition.to_owned())
}

/// The SHA-256 of the rulebook's canonical form: its meaning as sorted, compact JSON, with
/// conditions in canonical text, so comments, key order and spacing do not change it.
fn digest(file: &RulebookFile) -> String {
    use serde_json::{Value, json};
    fn text(value: &Option<Text>) -> Value {
        value
            .as_ref()
            .map_or(Value::Null, |text| Value::String(text.value.clone()))
    }
    fn texts(values: &[Text]) -> Value {
        Value::Array(
            values
                .iter()
                .map(|text| Value::String(text.value.clone()))
                .collect(),
        )
    }
    fn condition(value: &Option<Text>) -> Value {
        value
            .as_ref()
            .map_or(Value::Null, |text| Value::String(canonical(&text.value)))
    }
    let clauses: BTreeMap<String, Value> = file
        .clauses
        .iter()
        .map(|clause| {
            (
                clause.key.value.clone(),
                json!({"text": text(&clause.text), "title": text(&clause.title)}),
            )
        })
        .collect();
    let actions: BTreeMap<String, Value> = file
        .actions
        .iter()
        .map(|(id, text)| (id.value.clone(), Value::String(text.value.clone())))
        .collect();
    let terms: Vec<Value> = file
        .terms
        .iter()
        .map(|(name, when)| json!([name.value, canonical(&when.value)]))
        .collect();
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
            let ordered: BTreeMap<String, Value> = map
                .into_iter()
                .map(|(key, value)| (key, sorted(value)))
                .collect();
            Value::Object(ordered.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str =
        "id: t\nversion: 0.1.0\ntitle: T\nsource: S\nclauses:\n  c:1: { title: A clause }\n";

    /// The problems of a rulebook as `LINE:COLUMN: MESSAGE`, and the help of each.
    fn problems(source: &str) -> Vec<(String, Option<String>)> {
        match load("t.yaml", source) {
            Ok(_) => Vec::new(),
            Err(error) => error
                .problems
                .0
                .iter()
                .map(|p| {
                    (
                        format!("{}:{}: {}", p.span.line, p.span.column, p.message),
                        p.help.clone(),
                    )
                })
                .collect(),
        }
    }

    fn messages(source: &str) -> Vec<String> {
        problems(source)
            .into_iter()
            .map(|(message, _)| message)
            .collect()
    }

    /// A rulebook with one rule whose `when:` and `reason:` lines are given as written (line 12
    /// and 13 of the file).
    fn rule(when: &str, reason: &str) -> String {
        format!(
            "{HEAD}terms:\n  sensitive_input: inputs contains script\nprinciples:\n  - {{ id: \"1\", title: One, no: output.final == yes }}\nrules:\n  - id: r\n    tier: escalate\n    cite: [c:1]\n    description: D\n    when: {when}\n    reason: {reason}\n"
        )
    }

    #[test]
    fn errors_point_at_the_offending_text_not_its_first_occurrence() {
        // `yes` occurs twice; the second is wrong.
        assert_eq!(
            messages(&rule(
                "output.final == yes and output.prominence == yes",
                "r"
            )),
            ["16:56: `yes` is not a possible value of `output.prominence`"]
        );
        // In a quoted scalar, after the quote.
        assert_eq!(
            messages(&rule(
                "\"output.final == yes and output.prominence == yes\"",
                "r"
            )),
            ["16:57: `yes` is not a possible value of `output.prominence`"]
        );
        assert_eq!(
            messages(&rule(
                "'output.final == yes and output.prominence == yes'",
                "r"
            )),
            ["16:57: `yes` is not a possible value of `output.prominence`"]
        );
    }

    #[test]
    fn the_end_of_a_condition_is_pointed_at_the_end() {
        assert_eq!(
            messages(&rule("(output.final == yes", "r")),
            ["16:31: invalid condition: expected `)`, found the end of the condition"]
        );
        assert_eq!(
            messages(&rule("\"output.final == yes and\"", "r")),
            ["16:35: invalid condition: expected a condition, found the end of the condition"]
        );
    }

    #[test]
    fn folded_and_escaped_conditions_are_located_too() {
        let folded = rule(
            ">-\n      output.final == yes\n      and output.final == yess",
            "r",
        );
        assert_eq!(
            messages(&folded),
            ["18:27: `yess` is not a possible value of `output.final`, did you mean `yes`?"]
        );
        // A plain scalar continued on the next line.
        let plain = rule("output.final == yes\n      and output.final == yess", "r");
        assert_eq!(
            messages(&plain),
            ["17:27: `yess` is not a possible value of `output.final`, did you mean `yes`?"]
        );
        // An escape in a double-quoted scalar: found by searching instead.
        let escaped = rule("\"output.final == yes\\tand element == postr\"", "r");
        assert_eq!(
            messages(&escaped),
            ["16:48: `postr` is not a possible value of `element`, did you mean `poster`?"]
        );
    }

    #[test]
    fn errors_in_a_reason_filter_point_into_the_reason() {
        // The same filter twice: each error points at its own.
        assert_eq!(
            messages(&rule(
                "\"true\"",
                "\"{tools[environment == consumr].name} and {tools[environment == consumr].name}\""
            )),
            [
                "17:36: `consumr` is not a possible value of `environment`, did you mean `consumer`?",
                "17:77: `consumr` is not a possible value of `environment`, did you mean `consumer`?",
            ]
        );
    }

    #[test]
    fn term_names_and_principle_ids_are_checked_when_defined() {
        let source = format!(
            "{HEAD}terms:\n  my-term: output.final == yes\n  and: output.final == yes\n  ok_term: output.final == yes\nprinciples:\n  - {{ id: consent-first, title: One, no: output.final == yes }}\n  - {{ id: consent_first, title: Two, no: output.final == yes }}\n"
        );
        assert_eq!(
            messages(&source),
            [
                "8:3: term name `my-term` may hold only letters, digits and underscores, and cannot start with a digit",
                "9:3: term name `and` is a word of the condition language: choose another name",
                "12:11: principle id `consent-first` may hold only letters, digits and underscores, so that conditions can read it as `principles.<id>`",
            ]
        );
    }

    #[test]
    fn quantifiers_explain_what_they_cannot_read() {
        assert_eq!(
            messages(&rule(
                "any tools (sensitive_input and environment == consumer)",
                "r"
            )),
            ["16:22: terms cannot be used inside `any`/`all`: `sensitive_input` is a term"]
        );
        assert_eq!(
            messages(&rule("any tools (principles.1 == no)", "r")),
            ["16:22: principles cannot be read inside `any`/`all`: `principles.1`"]
        );
        let found = messages(&rule("tools.environment == consumer", "r"));
        assert_eq!(
            found,
            [
                "16:11: `tools.environment` is a field of each entry of `tools`: write `any tools (environment == consumer)`"
            ]
        );
        assert!(!found[0].contains("did you mean `tools.environment`"));
        assert_eq!(
            messages(&rule("tools.enviroment in [consumer, unknown]", "r")),
            [
                "16:11: unknown field `tools.enviroment`, did you mean `any tools (environment in [consumer, unknown])`?"
            ]
        );
    }

    #[test]
    fn booleans_are_explained_as_answers() {
        let found = problems(&rule("output.final == true or principles.1 == false", "r"));
        assert_eq!(found.len(), 2);
        assert!(
            found.iter().all(|(_, help)| help
                .as_deref()
                .is_some_and(|help| help.starts_with("write `yes` or `no`"))),
            "{found:?}"
        );
    }

    #[test]
    fn reason_placeholders_say_what_is_missing() {
        assert_eq!(
            messages(&rule(
                "\"true\"",
                "\"{tools[environment == consumer]} and {principles.7}\""
            )),
            [
                "17:15: `{tools[environment == consumer]}` names no field of the entries to show: write `{tools[…].name}`",
                "17:52: no principle `7` in this rulebook",
            ]
        );
    }

    #[test]
    fn duplicates_and_test_expectations_count_rules_that_did_not_compile() {
        let source = format!(
            "{HEAD}rules:\n  - {{ id: final-cut, tier: approve, cite: [c:1], description: D, when: output.final == yes, reason: r }}\n  - {{ id: final-cut, tier: approval, cite: [c:1], description: D, when: output.final == yes, reason: r }}\ntests:\n  - {{ name: n, intake: {{ title: T, production: P }}, expect: {{ fires: [final_cut] }} }}\n"
        );
        let found = messages(&source);
        assert!(
            found.iter().any(|message| message
                .starts_with("9:11: duplicate rule id `final-cut` (also rules[0])")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|message| message
                .ends_with("no rule `final_cut` in this rulebook, did you mean `final-cut`?")),
            "{found:?}"
        );
    }
}
