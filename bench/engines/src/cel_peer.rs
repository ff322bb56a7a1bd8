//! The reference semantics as CEL expressions (`policies/reference-cel.txt`), evaluated by the
//! `cel` crate.
//!
//! Every expression is compiled once, by [`Cel::new`], against one standard environment. The
//! input is a prepared [`cel::Context`] sharing that environment, with one variable, `intake`:
//! the intake serialized straight into a CEL map in the schema's shape (left-out fields stay
//! left out; the expressions apply the spec's defaults with `has()`). Deciding runs every
//! program against the context: a rule fires when its expression is `true`, and the tier is the
//! most restrictive tier among the rules that fired.
//!
//! An expression that fails to evaluate (or gives something other than a bool) does not fire,
//! and is reported: [`Cel::evaluate`] lists it in [`Evaluation::errors`], and [`Peer::decide`]
//! returns an error naming it, so that no test can pass over it.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use anyhow::{anyhow, bail};
use cel::common::value::Val;
use cel::{Context, Env, Program, Value};
use clearance_domain::{Intake, Tier};

use crate::{Peer, PeerDecision};

/// The rules, `id | tier | expression` (the file's header describes the format).
pub const POLICIES: &str = include_str!("../policies/reference-cel.txt");

/// One rule of [`POLICIES`], compiled.
#[derive(Debug)]
pub struct Rule {
    /// The rule's id.
    pub id: String,
    /// The tier it gives when it fires.
    pub tier: Tier,
    /// The CEL source of its expression.
    pub source: String,
    program: Program,
}

/// A rule whose expression could not be evaluated to a bool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The rule's id.
    pub rule: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.message)
    }
}

/// The outcome of evaluating every rule against one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The tier and the number of rules that fired (a rule that failed did not fire).
    pub decision: PeerDecision,
    /// The rules that failed to evaluate.
    pub errors: Vec<RuleError>,
}

/// The CEL peer: the rules of [`POLICIES`], compiled once.
pub struct Cel {
    env: Arc<Env>,
    rules: Vec<Rule>,
}

impl fmt::Debug for Cel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cel")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl Cel {
    /// Parses [`POLICIES`] and compiles every expression.
    pub fn new() -> anyhow::Result<Cel> {
        Cel::from_source(POLICIES)
    }

    /// Parses rules in the format of [`POLICIES`] and compiles every expression.
    pub fn from_source(text: &str) -> anyhow::Result<Cel> {
        let env = Arc::new(Env::stdlib());
        let mut rules = Vec::new();
        let mut seen = HashSet::new();
        for (line, id, tier, source) in parse(text)? {
            if !seen.insert(id.clone()) {
                bail!("line {line}: rule `{id}` is defined twice");
            }
            let program = env
                .compile(&source)
                .map_err(|error| anyhow!("line {line}: rule `{id}` does not compile: {error}"))?;
            rules.push(Rule {
                id,
                tier,
                source,
                program,
            });
        }
        if rules.is_empty() {
            bail!("no rules");
        }
        Ok(Cel { env, rules })
    }

    /// The compiled rules, in file order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Runs every rule against an input built by [`Peer::input`]; a rule that fails does not
    /// fire and is listed in [`Evaluation::errors`].
    pub fn evaluate(&self, context: &Context<'static, 'static>) -> Evaluation {
        let mut tier = Tier::Notify;
        let mut fired = 0;
        let mut errors = Vec::new();
        for rule in &self.rules {
            match rule.program.execute(context) {
                Ok(Value::Bool(true)) => {
                    fired += 1;
                    tier = tier.max(rule.tier);
                }
                Ok(Value::Bool(false)) => {}
                Ok(other) => errors.push(RuleError {
                    rule: rule.id.clone(),
                    message: format!("gave {other:?}, not a bool"),
                }),
                Err(error) => errors.push(RuleError {
                    rule: rule.id.clone(),
                    message: error.to_string(),
                }),
            }
        }
        Evaluation {
            decision: PeerDecision { tier, fired },
            errors,
        }
    }
}

impl Peer for Cel {
    type Input = Context<'static, 'static>;

    fn name(&self) -> &'static str {
        "cel"
    }

    fn input(&self, intake: &Intake) -> anyhow::Result<Self::Input> {
        let value =
            cel::to_value(intake).map_err(|error| anyhow!("intake as a CEL value: {error}"))?;
        let value: Box<dyn Val> = value
            .try_into()
            .map_err(|error| anyhow!("intake as a CEL value: {error}"))?;
        let mut context = Context::with_env(Arc::clone(&self.env));
        context.add_variable_as_val("intake", value);
        Ok(context)
    }

    fn decide(&self, input: &Self::Input) -> anyhow::Result<PeerDecision> {
        let evaluation = self.evaluate(input);
        if evaluation.errors.is_empty() {
            Ok(evaluation.decision)
        } else {
            let errors: Vec<String> = evaluation.errors.iter().map(RuleError::to_string).collect();
            bail!("CEL rules failed to evaluate: {}", errors.join("; "))
        }
    }
}

/// The rules of a policy file: line of the header, id, tier and expression source.
fn parse(text: &str) -> anyhow::Result<Vec<(usize, String, Tier, String)>> {
    let mut rules: Vec<(usize, String, Tier, String)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            let Some((_, _, _, source)) = rules.last_mut() else {
                bail!("line {number}: an indented line before the first rule");
            };
            if !source.is_empty() {
                source.push('\n');
            }
            source.push_str(trimmed);
            continue;
        }
        let mut fields = line.splitn(3, '|');
        let (Some(id), Some(tier), Some(source)) = (fields.next(), fields.next(), fields.next())
        else {
            bail!("line {number}: expected `id | tier | expression`");
        };
        let id = id.trim();
        if id.is_empty() {
            bail!("line {number}: a rule without an id");
        }
        let tier = Tier::from_name(tier.trim())
            .ok_or_else(|| anyhow!("line {number}: unknown tier `{}`", tier.trim()))?;
        rules.push((number, id.to_owned(), tier, source.trim().to_owned()));
    }
    if let Some((line, id, _, _)) = rules.iter().find(|(_, _, _, source)| source.is_empty()) {
        bail!("line {line}: rule `{id}` has no expression");
    }
    Ok(rules)
}
