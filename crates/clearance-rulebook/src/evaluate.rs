//! Evaluating rulebooks against an intake: the decision (tier and fired rules) on the fast path,
//! and the full result of `spec/evaluation.md` built on top of it.
//!
//! **Invariant:** evaluation is pure and deterministic, and fails closed: a rule that cannot be
//! evaluated (it needs a record nobody could look up) is listed in `errors` and gives at least
//! `escalate`; it never lowers the tier.

mod lower;

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Arc;

use clearance_domain::vocabulary::Answer;
use clearance_domain::{Intake, Records, Tier};
use serde::Serialize;

pub use lower::{Change, ChangeOp, apply};

use crate::facts::{self, Slots};
use crate::program::{NoTrace, Reads, Scope, TermCache, Trace, Truth};
use crate::rulebook::{MAX_PRINCIPLES, MAX_RULES, MAX_TERMS, Rulebook};
use crate::schema::{FIELDS, ItemList, Kind, MISSING, Scope as FieldScope, SlotId};

/// A fixed-size set of rule indices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RuleSet([u64; MAX_RULES / 64]);

impl RuleSet {
    pub(crate) fn insert(&mut self, index: usize) {
        self.0[index / 64] |= 1 << (index % 64);
    }

    /// The words of the set, 64 rules each.
    pub(crate) fn words_mut(&mut self) -> &mut [u64] {
        &mut self.0
    }

    /// True when the two sets share a rule.
    pub fn intersects(&self, other: &RuleSet) -> bool {
        self.0
            .iter()
            .zip(other.0.iter())
            .any(|(left, right)| left & right != 0)
    }

    /// True when the set holds rule `index`.
    pub fn contains(&self, index: usize) -> bool {
        self.0[index / 64] & (1 << (index % 64)) != 0
    }

    /// The indices, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(word, bits)| {
            let mut rest = *bits;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    word * 64 + bit
                })
            })
        })
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }
}

/// The decision of one rulebook: its tier and the rules behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The most restrictive tier of the fired rules (at least `escalate` when a rule errored).
    pub tier: Tier,
    /// The rules that fired.
    pub fired: RuleSet,
    /// The rules that could not be evaluated.
    pub errored: RuleSet,
    /// The principles that could not be evaluated (bit `i` for principle `i`).
    pub errored_principles: u16,
}

/// Everything one pass over a rulebook computes; the decision plus what the full result needs.
struct Pass {
    decision: Decision,
    principles: [u32; MAX_PRINCIPLES],
    principle_errors: u16,
    reads: u128,
    terms: [Truth; MAX_TERMS],
    term_reads: [u128; MAX_TERMS],
    principle_reads: [u128; MAX_PRINCIPLES],
}

const YES: u32 = 1 << 0;
const NO: u32 = 1 << 1;
const UNSURE: u32 = 1 << 2;

/// Terms and principles: what every pass computes before the rules.
fn prelude<T: Trace + Default + Into<u128>>(
    rulebook: &Rulebook,
    intake: &Intake,
    records: &Records,
    slots: &Slots,
) -> Pass {
    let mut terms = [Truth::False; MAX_TERMS];
    let mut term_reads = [0u128; MAX_TERMS];
    let mut principles = [YES; MAX_PRINCIPLES];
    let mut principle_reads = [0u128; MAX_PRINCIPLES];
    let mut principle_errors = 0u16;
    let mut reads = 0u128;
    for (index, term) in rulebook.terms.iter().enumerate() {
        let scope = Scope {
            intake,
            records,
            terms: &terms,
            term_reads: &term_reads,
            principles: &[],
            principle_reads: &[],
            lazy_terms: None,
        };
        let mut trace = T::default();
        let value = term.node.eval(slots, &scope, &mut trace);
        terms[index] = value;
        term_reads[index] = trace.into();
    }
    for (index, principle) in rulebook.principles.iter().enumerate() {
        let scope = Scope {
            intake,
            records,
            terms: &terms,
            term_reads: &term_reads,
            principles: &[],
            principle_reads: &[],
            lazy_terms: None,
        };
        let mut trace = T::default();
        let answer = match principle.no.eval(slots, &scope, &mut trace) {
            Truth::True => NO,
            Truth::Error => {
                principle_errors |= 1 << index;
                UNSURE
            }
            Truth::False => match principle.unsure.eval(slots, &scope, &mut trace) {
                Truth::True => UNSURE,
                Truth::Error => {
                    principle_errors |= 1 << index;
                    UNSURE
                }
                Truth::False => YES,
            },
        };
        principles[index] = answer;
        let principle_read = trace.into();
        principle_reads[index] = principle_read;
        reads |= principle_read;
    }
    let mut decision = Decision {
        tier: Tier::Notify,
        fired: RuleSet::default(),
        errored: RuleSet::default(),
        errored_principles: principle_errors,
    };
    if principle_errors != 0 {
        decision.tier = Tier::Escalate;
    }
    Pass {
        decision,
        principles,
        principle_errors,
        reads,
        terms,
        term_reads,
        principle_reads,
    }
}

/// One pass of the tree walker over a rulebook: terms, principles, then every rule.
fn run<T: Trace + Default + Into<u128>>(
    rulebook: &Rulebook,
    intake: &Intake,
    records: &Records,
    slots: &Slots,
) -> Pass {
    let mut pass = prelude::<T>(rulebook, intake, records, slots);
    let Pass {
        decision,
        reads,
        terms,
        term_reads,
        principles,
        principle_reads,
        ..
    } = &mut pass;
    let scope = Scope {
        intake,
        records,
        terms: &terms[..],
        term_reads: &term_reads[..],
        principles: &principles[..],
        principle_reads: &principle_reads[..],
        lazy_terms: None,
    };
    for (index, rule) in rulebook.rules.iter().enumerate() {
        let mut trace = T::default();
        match rule.node.eval(slots, &scope, &mut trace) {
            Truth::True => {
                decision.fired.insert(index);
                decision.tier = decision.tier.max(rule.tier);
            }
            Truth::Error => {
                decision.errored.insert(index);
                decision.tier = decision.tier.max(Tier::Escalate);
            }
            Truth::False => {}
        }
        *reads |= trace.into();
    }
    pass
}

/// The pass behind a full result. When the kernel can decide, it gives the fired rules and the
/// principles' answers, and the tree walker runs only for `unanswered`: over the conditions that
/// could read a left-out answer or ask about a left-out list. A fully answered intake walks none.
fn run_traced(rulebook: &Rulebook, intake: &Intake, records: &Records, slots: &Slots) -> Pass {
    let Some(kernel) = rulebook
        .kernel
        .as_ref()
        .filter(|_| !facts::has_unresolved(slots))
    else {
        return run::<Reads>(rulebook, intake, records, slots);
    };
    let (tier, fired, answers) = kernel.decide_with_principles(slots, intake, records);
    let mut pass = Pass {
        decision: Decision {
            tier,
            fired,
            errored: RuleSet::default(),
            errored_principles: 0,
        },
        principles: answers,
        principle_errors: 0,
        reads: 0,
        terms: [Truth::False; MAX_TERMS],
        term_reads: [0; MAX_TERMS],
        principle_reads: [0; MAX_PRINCIPLES],
    };
    let (mut values, mut lists) = (0u64, 0u64);
    for field in FIELDS
        .iter()
        .filter(|field| slots[field.slot] & MISSING != 0)
    {
        match field.kind {
            Kind::Answer | Kind::Choice { .. } => values |= 1 << field.slot,
            Kind::List { .. } | Kind::Items => lists |= 1 << field.slot,
            Kind::Text => {}
        }
    }
    let needs = |reads: u64, asks: u64| reads & values != 0 || asks & lists != 0;
    let principles_needed = rulebook
        .principles
        .iter()
        .any(|principle| needs(principle.reads, principle.asks));
    let rules_needed = rulebook
        .rules
        .iter()
        .any(|rule| needs(rule.reads, rule.asks));
    if !principles_needed && !rules_needed {
        return pass;
    }
    // Terms are evaluated only where a walked condition uses them.
    let cache: [TermCache; MAX_TERMS] = [const { Cell::new(None) }; MAX_TERMS];
    let lazy_terms = Some((&rulebook.terms[..], &cache[..]));
    let Pass {
        reads,
        principles,
        principle_reads,
        ..
    } = &mut pass;
    for (index, principle) in rulebook
        .principles
        .iter()
        .enumerate()
        .filter(|(_, principle)| needs(principle.reads, principle.asks))
    {
        let scope = Scope {
            intake,
            records,
            terms: &[],
            term_reads: &[],
            principles: &[],
            principle_reads: &[],
            lazy_terms,
        };
        let mut trace = Reads::default();
        if principle.no.eval(slots, &scope, &mut trace) == Truth::False {
            principle.unsure.eval(slots, &scope, &mut trace);
        }
        principle_reads[index] = trace.0;
        *reads |= trace.0;
    }
    let scope = Scope {
        intake,
        records,
        terms: &[],
        term_reads: &[],
        principles: &principles[..],
        principle_reads: &principle_reads[..],
        lazy_terms,
    };
    for rule in rulebook
        .rules
        .iter()
        .filter(|rule| needs(rule.reads, rule.asks))
    {
        let mut trace = Reads::default();
        rule.node.eval(slots, &scope, &mut trace);
        *reads |= trace.0;
    }
    pass
}

impl From<NoTrace> for u128 {
    fn from(_: NoTrace) -> u128 {
        0
    }
}

impl Default for NoTrace {
    fn default() -> Self {
        NoTrace
    }
}

impl From<Reads> for u128 {
    fn from(reads: Reads) -> u128 {
        reads.0
    }
}

impl Rulebook {
    /// The decision for an intake: the tier and the ids of the rules that fired. The fast path.
    pub fn decide(&self, intake: &Intake, records: &Records) -> Decision {
        let slots = facts::slots(intake, records);
        self.decide_slots(intake, records, &slots)
    }

    /// The decision for already flattened facts: the branch-free kernel when every fact is
    /// resolved, the three-valued tree walker otherwise.
    pub fn decide_slots(&self, intake: &Intake, records: &Records, slots: &Slots) -> Decision {
        match &self.kernel {
            Some(kernel) if !facts::has_unresolved(slots) => {
                let (tier, fired) = kernel.decide(slots, intake, records);
                Decision {
                    tier,
                    fired,
                    errored: RuleSet::default(),
                    errored_principles: 0,
                }
            }
            _ => self.walk(intake, records, slots),
        }
    }

    /// The decision by the tree walker alone (the reference the kernel is tested against).
    pub fn walk(&self, intake: &Intake, records: &Records, slots: &Slots) -> Decision {
        run::<NoTrace>(self, intake, records, slots).decision
    }
}

/// Options for a full evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Compute `lower_tier_if` (the one part that searches).
    pub lower_tier_if: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lower_tier_if: true,
        }
    }
}

/// The result object of `spec/evaluation.md`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation<'r> {
    /// The overall tier.
    pub tier: Tier,
    /// The rulebooks evaluated.
    pub rulebooks: Vec<RulebookRef<'r>>,
    /// What fired, with reasons.
    pub findings: Vec<Finding<'r>>,
    /// The guiding principles' answers, when a rulebook defines principles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principles: Option<BTreeMap<Cow<'r, str>, Answer>>,
    /// Paths of questions that a rule read and the intake left out.
    pub unanswered: Vec<Cow<'static, str>>,
    /// Every finding's actions, merged: those of the most restrictive findings first.
    pub actions: Vec<&'r str>,
    /// Changes that would give a less restrictive tier.
    pub lower_tier_if: Vec<Suggestion>,
    /// True when the search stopped at its bound before it was exhaustive.
    pub lower_tier_if_truncated: bool,
    /// Rules that could not be evaluated.
    pub errors: Vec<EvaluationError<'r>>,
}

/// A rulebook named in a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulebookRef<'r> {
    /// Identifier.
    pub id: &'r str,
    /// Version.
    pub version: &'r str,
    /// `sha256:…` of its canonical form.
    pub digest: &'r str,
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding<'r> {
    /// The rule's id in its rulebook.
    pub rule: &'r str,
    /// The rulebook's id (an addition to the spec's object: rule ids are unique per rulebook).
    pub rulebook: &'r str,
    /// The rule's tier.
    pub tier: Tier,
    /// Clause keys.
    pub citations: &'r [Arc<str>],
    /// One sentence built from the intake's answers.
    pub reason: Cow<'r, str>,
    /// Action ids.
    pub actions: &'r [Arc<str>],
}

/// A set of changes and the tier it gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    /// The tier the changes give.
    pub tier: Tier,
    /// Path → new value (for a list, the list with the entries removed).
    pub changes: serde_json::Map<String, serde_json::Value>,
    /// The changes, in a form that can be applied to an intake (not serialized).
    #[serde(skip)]
    pub applied: Vec<Change>,
}

/// A rule that could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationError<'r> {
    /// The rulebook's id.
    pub rulebook: &'r str,
    /// The rule (or `principles.N`).
    pub rule: Cow<'r, str>,
    /// Why.
    pub message: String,
}

/// Evaluates an intake against several rulebooks (the overall tier is the most restrictive).
pub fn evaluate<'r>(
    rulebooks: &[&'r Rulebook],
    intake: &Intake,
    records: &Records,
    options: Options,
) -> Evaluation<'r> {
    let slots = facts::slots(intake, records);
    let mut evaluation = Evaluation {
        tier: Tier::Notify,
        rulebooks: Vec::with_capacity(rulebooks.len()),
        findings: Vec::with_capacity(16),
        principles: None,
        unanswered: Vec::new(),
        actions: Vec::with_capacity(16),
        lower_tier_if: Vec::new(),
        lower_tier_if_truncated: false,
        errors: Vec::new(),
    };
    let mut reads = 0u128;
    for rulebook in rulebooks {
        let pass = run_traced(rulebook, intake, records, &slots);
        reads |= pass.reads;
        evaluation.tier = evaluation.tier.max(pass.decision.tier);
        evaluation.rulebooks.push(RulebookRef {
            id: &rulebook.id,
            version: &rulebook.version,
            digest: &rulebook.digest,
        });
        let scope = Scope {
            intake,
            records,
            terms: &pass.terms,
            term_reads: &pass.term_reads,
            principles: &pass.principles,
            principle_reads: &pass.principle_reads,
            lazy_terms: None,
        };
        if !rulebook.principles.is_empty() {
            // The first rulebook with principles names them plainly (`"1"`); later ones are
            // prefixed with their rulebook's id, so combined rulebooks never overwrite each other.
            let prefixed = evaluation.principles.is_some();
            let principles = evaluation.principles.get_or_insert_with(BTreeMap::new);
            for (index, principle) in rulebook.principles.iter().enumerate() {
                let answer = match pass.principles[index] {
                    YES => Answer::Yes,
                    NO => Answer::No,
                    _ => Answer::Unsure,
                };
                let key: Cow<'r, str> = if prefixed {
                    format!("{}:{}", rulebook.id, principle.id).into()
                } else {
                    Cow::Borrowed(&principle.id)
                };
                principles.entry(key).or_insert(answer);
                if pass.principle_errors & (1 << index) != 0 {
                    evaluation.errors.push(EvaluationError {
                        rulebook: &rulebook.id,
                        rule: format!("principles.{}", principle.id).into(),
                        message: unresolved_message(),
                    });
                }
            }
        }
        for index in pass.decision.fired.iter() {
            let rule = &rulebook.rules[index];
            evaluation.findings.push(Finding {
                rule: &rule.id,
                rulebook: &rulebook.id,
                tier: rule.tier,
                citations: &rule.citations,
                reason: rule.reason.render(&slots, &scope),
                actions: &rule.actions,
            });
        }
        for index in pass.decision.errored.iter() {
            evaluation.errors.push(EvaluationError {
                rulebook: &rulebook.id,
                rule: Cow::Borrowed(&rulebook.rules[index].id),
                message: unresolved_message(),
            });
        }
    }
    // The most restrictive findings' actions first: what stands in the way comes first.
    let mut by_tier: Vec<&Finding<'r>> = evaluation.findings.iter().collect();
    by_tier.sort_by_key(|finding| std::cmp::Reverse(finding.tier));
    for finding in by_tier {
        for action in finding.actions.iter() {
            // Declared actions are shared names, so a pointer comparison finds most repeats.
            let known = evaluation
                .actions
                .iter()
                .any(|seen| std::ptr::eq(*seen, &**action) || *seen == &**action);
            if !known {
                evaluation.actions.push(action);
            }
        }
    }
    evaluation.unanswered = unanswered(intake, &slots, reads);
    if options.lower_tier_if && evaluation.tier > Tier::Notify {
        let search = lower::search(rulebooks, intake, records, evaluation.tier);
        evaluation.lower_tier_if = search.suggestions;
        evaluation.lower_tier_if_truncated = search.truncated;
    }
    evaluation
}

fn unresolved_message() -> String {
    "it reads a consent record or a registered tool's terms that could not be looked up (no records are available here); treated as not met and escalated".to_owned()
}

/// The left-out questions among the slots read, as paths, in schema order.
///
/// An answer or a single value left out is a question whenever a rule read it (it counts as
/// `unsure` or as its default). A list left out is one only where a rule asked whether it is
/// known: a left-out `training.data` is no question when no model is trained. Free text is never
/// a question (no `vendor` means no vendor).
fn unanswered(intake: &Intake, slots: &Slots, reads: u128) -> Vec<Cow<'static, str>> {
    let mut paths = Vec::new();
    for field in FIELDS {
        let read = match field.kind {
            Kind::Answer | Kind::Choice { .. } => reads & (1u128 << field.slot) != 0,
            Kind::List { .. } | Kind::Items => reads & (1u128 << (64 + field.slot)) != 0,
            Kind::Text => false,
        };
        if !read || slots[field.slot] & MISSING == 0 {
            continue;
        }
        match field.scope {
            FieldScope::Top => paths.push(Cow::Borrowed(field.path)),
            FieldScope::Entry(ItemList::Tools) => {
                for (position, tool) in intake.tools.iter().flatten().enumerate() {
                    let missing = match field.slot {
                        slot if slot == SlotId::tool_environment as usize => {
                            tool.environment.is_none() && tool.tool_id.is_none()
                        }
                        slot if slot == SlotId::tool_trains_on_inputs as usize => {
                            tool.trains_on_inputs.is_none() && tool.tool_id.is_none()
                        }
                        slot if slot == SlotId::tool_name as usize => tool.name.is_none(),
                        _ => tool.tool_id.is_none(),
                    };
                    if missing {
                        paths.push(Cow::Owned(format!("tools[{position}].{}", field.path)));
                    }
                }
            }
            FieldScope::Entry(ItemList::Performers) => {
                for (position, performer) in intake.talent.performers.iter().flatten().enumerate() {
                    let missing = match field.slot {
                        slot if slot == SlotId::performer_role as usize => performer.role.is_none(),
                        slot if slot == SlotId::performer_living as usize => {
                            performer.living.is_none()
                        }
                        slot if slot == SlotId::performer_union as usize => {
                            performer.union.is_none()
                        }
                        slot if slot == SlotId::performer_consent as usize => {
                            performer.consent.is_none() && performer.consent_id.is_none()
                        }
                        slot if slot == SlotId::performer_consent_id as usize => {
                            performer.consent_id.is_none()
                        }
                        _ => false,
                    };
                    if missing {
                        paths.push(Cow::Owned(format!(
                            "talent.performers[{position}].{}",
                            field.path
                        )));
                    }
                }
            }
        }
    }
    paths
}
