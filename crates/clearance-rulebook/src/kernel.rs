//! The decision kernel: every rule compiled to clauses over one 64-bit word, evaluated without a
//! branch.
//!
//! Walking a tree of conditions costs a mispredicted branch at almost every rule, which on this
//! workload is most of the time. Instead, at load time each rule's condition — with the terms and
//! principles it names expanded in place — is put in disjunctive normal form over *literals*: the
//! rulebook's distinct bit tests on the facts. Evaluating an intake is then three straight loops:
//! compute every literal into a `u64`; check every clause with `(literals ^ want) & care == 0`;
//! and a rule fires when one of its clauses holds. Nothing is skipped, so there is nothing to
//! mispredict, and the loops are short enough to stay in the first-level caches.
//!
//! The kernel is two-valued: it is used only when no fact depends on an unresolved record (the
//! tree walker in `program` handles that case with three-valued logic and fails closed). A
//! rulebook with more than 64 distinct tests, or a rule whose normal form would exceed
//! `MAX_CLAUSES`, is decided by the tree walker instead; the result is the same either way, and
//! `tests/properties.rs` checks that on random intakes.

use clearance_domain::{Intake, Records, Tier};

use crate::evaluate::RuleSet;
use crate::facts::Slots;
use crate::program::{NoTrace, Node, Scope, Truth};
use crate::rulebook::{Principle, Rule, Term};
use crate::schema::FLAGS;

/// The most clauses one rule may have in normal form.
pub const MAX_CLAUSES: usize = 64;
/// The most clauses a kernel holds in all.
const MAX_TOTAL_CLAUSES: usize = 64 * WORDS;
const WORDS: usize = 16;

/// A conjunction of literals: the literals in `care` must equal those in `want`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Clause {
    want: u64,
    care: u64,
}

/// How one literal gets its value.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// A bit test on the facts.
    Test { slot: usize, mask: u32 },
    /// A condition on each entry of a list that reads several fields: the tree walker decides it.
    Walk(Node),
}

/// Where a rule's clauses are in the clause bit set: at most two words.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    word: usize,
    first: u64,
    second: u64,
}

/// The compiled kernel of one rulebook.
#[derive(Debug, Clone)]
pub struct Kernel {
    tests: Vec<(usize, u32)>,
    walked: Vec<(u32, Node)>,
    clauses: Vec<Clause>,
    rules: Vec<Span>,
    tier_rules: [RuleSet; 4],
}

const YES: u32 = 1;
const NO: u32 = 2;
const UNSURE: u32 = 4;

struct Builder<'a> {
    sources: Vec<Source>,
    terms: &'a [Term],
    principles: &'a [Principle],
}

impl Builder<'_> {
    fn literal(&mut self, source: Source) -> Option<u32> {
        let index = match self.sources.iter().position(|known| *known == source) {
            Some(index) => index,
            None => {
                self.sources.push(source);
                self.sources.len() - 1
            }
        };
        (index < 64).then_some(index as u32)
    }

    fn one(bit: u32, negated: bool) -> Vec<Clause> {
        let mask = 1u64 << bit;
        vec![Clause { want: if negated { 0 } else { mask }, care: mask }]
    }

    /// The normal form of `node` (negated when `negated`), or `None` when it grows too large.
    fn dnf(&mut self, node: &Node, negated: bool) -> Option<Vec<Clause>> {
        Some(match node {
            Node::Const(value) => {
                if *value != negated { vec![Clause { want: 0, care: 0 }] } else { Vec::new() }
            }
            Node::Any { slot, mask } => Self::one(self.literal(Source::Test { slot: *slot, mask: *mask })?, negated),
            // "every value is in `mask`" is "no value outside it".
            Node::All { slot, mask } => Self::one(self.literal(Source::Test { slot: *slot, mask: !FLAGS & !mask })?, !negated),
            Node::Term(index) => {
                let terms = self.terms;
                self.dnf(&terms.get(*index)?.node, negated)?
            }
            Node::Principle { index, mask } => {
                let principle = self.principles.get(*index)?;
                let mask = if negated { 0b111 & !mask } else { *mask };
                let mut clauses = Vec::new();
                if mask & NO != 0 {
                    clauses.extend(self.dnf(&principle.no, false)?);
                }
                if mask & UNSURE != 0 {
                    clauses.extend(product(vec![self.dnf(&principle.no, true)?, self.dnf(&principle.unsure, false)?])?);
                }
                if mask & YES != 0 {
                    clauses.extend(product(vec![self.dnf(&principle.no, true)?, self.dnf(&principle.unsure, true)?])?);
                }
                clauses
            }
            Node::Not(inner) => self.dnf(inner, !negated)?,
            Node::And(items) | Node::Or(items) => {
                let conjunction = matches!(node, Node::And(_)) != negated;
                let parts: Vec<Vec<Clause>> = items.iter().map(|item| self.dnf(item, negated)).collect::<Option<_>>()?;
                if conjunction { product(parts)? } else { parts.into_iter().flatten().collect() }
            }
            Node::Each { .. } => Self::one(self.literal(Source::Walk(node.clone()))?, negated),
        })
        .map(simplify)
        .filter(|clauses| clauses.len() <= MAX_CLAUSES)
    }
}

/// Drops clauses implied by others (a clause whose literals include another's is redundant).
fn simplify(mut clauses: Vec<Clause>) -> Vec<Clause> {
    clauses.sort_by_key(|clause| clause.care.count_ones());
    let mut kept: Vec<Clause> = Vec::with_capacity(clauses.len());
    for clause in clauses {
        let subsumed = kept.iter().any(|other| other.care & clause.care == other.care && clause.want & other.care == other.want);
        if !subsumed {
            kept.push(clause);
        }
    }
    kept
}

fn product(parts: Vec<Vec<Clause>>) -> Option<Vec<Clause>> {
    let mut result = vec![Clause { want: 0, care: 0 }];
    for part in parts {
        let mut next = Vec::with_capacity(result.len() * part.len());
        for left in &result {
            for right in &part {
                // Contradictory when both care about a literal and want it differently.
                if (left.want ^ right.want) & left.care & right.care != 0 {
                    continue;
                }
                next.push(Clause { want: left.want | right.want, care: left.care | right.care });
            }
        }
        let next = simplify(next);
        if next.len() > MAX_CLAUSES {
            return None;
        }
        result = next;
    }
    Some(result)
}

impl Kernel {
    /// Compiles a rulebook's rules; `None` when it does not fit the kernel (the tree walker then
    /// decides every intake).
    pub fn compile(terms: &[Term], principles: &[Principle], rules: &[Rule]) -> Option<Kernel> {
        let mut builder = Builder { sources: Vec::new(), terms, principles };
        let mut clauses = Vec::new();
        let mut spans = Vec::with_capacity(rules.len());
        for rule in rules {
            let rule_clauses = builder.dnf(&rule.node, false)?;
            // Keep each rule's clauses within two adjacent words.
            let start = clauses.len();
            let room = 64 - start % 64;
            if rule_clauses.len() > room && room < 64 {
                clauses.resize(start + room, Clause { want: 1, care: 0 });
            }
            let start = clauses.len();
            let word = start / 64;
            let mut span = Span { word, first: 0, second: 0 };
            for offset in 0..rule_clauses.len() {
                let position = start + offset;
                if position / 64 == word {
                    span.first |= 1 << (position % 64);
                } else {
                    span.second |= 1 << (position % 64);
                }
            }
            clauses.extend(rule_clauses);
            spans.push(span);
        }
        if clauses.len() > MAX_TOTAL_CLAUSES - 64 {
            return None;
        }
        let mut tests = Vec::new();
        let mut walked = Vec::new();
        for (index, source) in builder.sources.into_iter().enumerate() {
            match source {
                Source::Test { slot, mask } => tests.push((slot, mask)),
                Source::Walk(node) => {
                    tests.push((0, 0));
                    walked.push((index as u32, node));
                }
            }
        }
        let mut tier_rules = [RuleSet::default(); 4];
        for (index, rule) in rules.iter().enumerate() {
            tier_rules[rule.tier as usize].insert(index);
        }
        Some(Kernel { tests, walked, clauses, rules: spans, tier_rules })
    }

    /// The decision for facts that depend on no unresolved record: the rules that fire, and the
    /// most restrictive tier among them.
    pub fn decide(&self, slots: &Slots, intake: &Intake, records: &Records) -> (Tier, RuleSet) {
        let mut literals = 0u64;
        for (bit, (slot, mask)) in self.tests.iter().enumerate() {
            literals |= u64::from(slots[*slot] & mask != 0) << bit;
        }
        for (bit, node) in &self.walked {
            let scope = Scope { intake, records, terms: &[], term_reads: &[], principles: &[], principle_reads: &[] };
            literals |= u64::from(node.eval(slots, &scope, &mut NoTrace) == Truth::True) << bit;
        }
        // Accumulate in registers, 64 at a time: a read-modify-write of memory per clause would
        // chain every iteration through store forwarding.
        let mut holds = [0u64; WORDS + 1];
        for (word, chunk) in holds.iter_mut().zip(self.clauses.chunks(64)) {
            let mut bits = 0u64;
            for (position, clause) in chunk.iter().enumerate() {
                bits |= u64::from((literals ^ clause.want) & clause.care == 0) << position;
            }
            *word = bits;
        }
        let mut fired = RuleSet::default();
        for (word, chunk) in fired.words_mut().iter_mut().zip(self.rules.chunks(64)) {
            let mut bits = 0u64;
            for (position, span) in chunk.iter().enumerate() {
                let first = holds.get(span.word).copied().unwrap_or(0);
                let second = holds.get(span.word + 1).copied().unwrap_or(0);
                bits |= u64::from((first & span.first) | (second & span.second) != 0) << position;
            }
            *word = bits;
        }
        let mut tier = Tier::Notify;
        for candidate in [Tier::Escalate, Tier::Approval, Tier::Blocked] {
            if fired.intersects(&self.tier_rules[candidate as usize]) {
                tier = candidate;
            }
        }
        (tier, fired)
    }

    /// Sizes, for the benchmark notes: (tests, clauses).
    pub fn sizes(&self) -> (usize, usize) {
        (self.tests.len(), self.clauses.len())
    }
}
