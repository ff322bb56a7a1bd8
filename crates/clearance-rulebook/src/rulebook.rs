//! The validated, compiled rulebook.

use std::sync::Arc;

use clearance_domain::document::Node as DocumentNode;
use clearance_domain::intake::parse_intake;
use clearance_domain::{Records, Tier};

use crate::program::Node;
use crate::template::Template;

/// The most rules one rulebook may hold (fired rules are kept in a fixed-size bit set).
pub const MAX_RULES: usize = 256;
/// The most terms one rulebook may define.
pub const MAX_TERMS: usize = 64;
/// The most principles one rulebook may define.
pub const MAX_PRINCIPLES: usize = 16;

/// A loaded rulebook: every name resolved, every condition compiled.
///
/// The names that every result repeats (ids, citations, actions) are shared (`Arc`), so building
/// a result clones pointers, not strings.
#[derive(Debug, Clone)]
pub struct Rulebook {
    /// Stable identifier.
    pub id: Arc<str>,
    /// Version.
    pub version: Arc<str>,
    /// Title.
    pub title: String,
    /// Where the rules come from.
    pub source: String,
    /// Longer description, if any.
    pub description: Option<String>,
    /// `sha256:` of the canonical form.
    pub digest: Arc<str>,
    /// The clause catalogue, in file order.
    pub clauses: Vec<Clause>,
    /// The action vocabulary, in file order.
    pub actions: Vec<Action>,
    /// The guiding principles.
    pub principles: Vec<Principle>,
    /// Named conditions, evaluated in order.
    pub terms: Vec<Term>,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// Examples with expected outcomes.
    pub tests: Vec<RulebookTest>,
    /// The branch-free decision kernel (`None` when the rulebook is too large for it).
    pub kernel: Option<crate::kernel::Kernel>,
}

/// A clause of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Citation key.
    pub key: String,
    /// Short title.
    pub title: String,
    /// The clause text (a paraphrase).
    pub text: Option<String>,
}

/// An action of the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// Identifier, such as `obtain_written_approval`.
    pub id: Arc<str>,
    /// What to do, for people.
    pub text: String,
}

/// A guiding principle, answered `no`, `unsure` or `yes` for each intake.
#[derive(Debug, Clone)]
pub struct Principle {
    /// Identifier (`1` … `5` for the reference rulebook).
    pub id: String,
    /// The principle.
    pub title: String,
    /// When the answer is `no`.
    pub no: Node,
    /// When the answer is `unsure` (checked only when not `no`).
    pub unsure: Node,
    /// The slots its conditions may read.
    pub reads: u64,
    /// The slots its conditions may ask about being left out.
    pub asks: u64,
}

/// A named condition.
#[derive(Debug, Clone)]
pub struct Term {
    /// The name.
    pub name: String,
    /// The condition as written (canonical form).
    pub condition: String,
    /// The compiled condition.
    pub node: Node,
    /// The slots it may read.
    pub reads: u64,
    /// The slots it may ask about being left out.
    pub asks: u64,
}

/// A rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable identifier.
    pub id: Arc<str>,
    /// The tier it gives when it fires.
    pub tier: Tier,
    /// Clause keys it cites.
    pub citations: Arc<[Arc<str>]>,
    /// What it is about, for people.
    pub description: String,
    /// The condition as written (canonical form).
    pub condition: String,
    /// The compiled condition.
    pub node: Node,
    /// The reason template.
    pub reason: Template,
    /// Action ids.
    pub actions: Arc<[Arc<str>]>,
    /// The slots it may read (including through terms and principles).
    pub reads: u64,
    /// The slots it may ask about being left out (including through terms and principles).
    pub asks: u64,
}

/// An example intake and what the rulebook must make of it.
#[derive(Debug, Clone)]
pub struct RulebookTest {
    /// What it checks.
    pub name: String,
    /// Line of the test in the file.
    pub line: u32,
    /// The intake's document node (parsed when the test runs).
    pub intake: DocumentNode,
    /// Expected tier.
    pub tier: Option<Tier>,
    /// Rules that must fire.
    pub fires: Vec<String>,
    /// Rules that must not fire.
    pub quiet: Vec<String>,
}

impl Rulebook {
    /// The clause with a key.
    pub fn clause(&self, key: &str) -> Option<&Clause> {
        self.clauses.iter().find(|clause| clause.key == key)
    }

    /// The action with an id.
    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|action| &*action.id == id)
    }

    /// The rule with an id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| &*rule.id == id)
    }
}

impl Rulebook {
    /// Runs the rulebook's own examples (its `tests:`); returns one line per failure, each
    /// starting with the test's line in the file.
    pub fn run_tests(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for test in &self.tests {
            let at = format!("{}: test `{}`", test.line, test.name);
            let intake = match parse_intake(&test.intake) {
                Ok(intake) => intake,
                Err(problems) => {
                    for problem in problems.0 {
                        failures.push(format!(
                            "{at}: invalid intake at line {}: {}",
                            problem.span.line, problem.message
                        ));
                    }
                    continue;
                }
            };
            let decision = self.decide(&intake, Records::none());
            if let Some(tier) = test.tier
                && decision.tier != tier
            {
                failures.push(format!("{at}: tier is {}, expected {tier}", decision.tier));
            }
            let fired: Vec<&str> = decision
                .fired
                .iter()
                .map(|index| &*self.rules[index].id)
                .collect();
            for id in &test.fires {
                if !fired.contains(&id.as_str()) {
                    failures.push(format!(
                        "{at}: rule `{id}` did not fire (fired: {})",
                        fired.join(", ")
                    ));
                }
            }
            for id in &test.quiet {
                if fired.contains(&id.as_str()) {
                    failures.push(format!("{at}: rule `{id}` fired but should not"));
                }
            }
        }
        failures
    }
}
