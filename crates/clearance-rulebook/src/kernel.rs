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
use crate::facts::{SLOT_WIDTH, Slots};
use crate::program::{NoTrace, Node, Scope, Truth};
use crate::rulebook::{MAX_PRINCIPLES, Principle, Rule, Term};
use crate::schema::{FLAGS, Kind, MISSING, Scope as FieldScope};

/// The most clauses one rule may have in normal form.
pub const MAX_CLAUSES: usize = 64;
/// The most clauses a kernel holds in all.
const MAX_TOTAL_CLAUSES: usize = 4096;

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

/// The literals of one slot that holds at most one value bit (answers, single values, counts,
/// text): every test on it at once, as a table from the slot's state to the literal bits.
#[derive(Debug, Clone)]
struct Table {
    slot: usize,
    /// For a slot with several value bits: how many (the state is the value bits plus a bit for
    /// "left out"); `None` for a single-valued slot (the state is the value's position).
    width: Option<u32>,
    /// By state: the literal bits, and the rules (of the first 64) that a one-literal clause
    /// fires directly.
    literals: Box<[(u64, u64)]>,
}

impl Table {
    fn new(slot: usize, width: Option<u32>) -> Table {
        let states = width.map_or(64, |width| 1usize << (width + 1));
        Table {
            slot,
            width,
            literals: vec![(0, 0); states].into_boxed_slice(),
        }
    }

    /// The slot value a state stands for.
    fn value(&self, state: usize) -> u32 {
        match self.width {
            None => {
                (if state % 32 < 31 {
                    1u32 << (state % 32)
                } else {
                    0
                }) | if state >= 32 { MISSING } else { 0 }
            }
            Some(width) => {
                (state as u32 & ((1 << width) - 1)) | if state >> width != 0 { MISSING } else { 0 }
            }
        }
    }

    /// The entry for a slot value: single-valued tables are indexed by the value's position,
    /// the others by the value bits themselves, with "left out" as the next bit. Both indices
    /// are computed and one is selected, so the loop over tables does not branch.
    #[inline(always)]
    fn lookup(&self, value: u32) -> (u64, u64) {
        let width = self.width.unwrap_or(0);
        let by_bits =
            (value & ((1 << width) - 1)) as usize | (((value & MISSING) >> 30) as usize) << width;
        let index = if self.width.is_none() {
            state(value)
        } else {
            by_bits
        };
        self.literals.get(index).copied().unwrap_or((0, 0))
    }
}

/// How a slot's tests are computed: `Some(None)` by a single-valued table, `Some(Some(n))` by a
/// table over its `n` value bits, `None` one test at a time (lists of more than 8 values).
fn tabulated(slot: usize) -> Option<Option<u32>> {
    let field = crate::schema::FIELDS.get(slot)?;
    if single_valued(slot) {
        return Some(None);
    }
    let width = field.kind.names().len() as u32;
    (matches!(
        field.kind,
        Kind::List { .. } | Kind::Answer | Kind::Choice { .. }
    ) && (1..=8).contains(&width))
    .then_some(Some(width))
}

/// A test on a slot with several value bits.
#[derive(Debug, Clone, Copy)]
struct Test {
    bit: u32,
    slot: usize,
    mask: u32,
    /// Rules (of the first 64) fired directly when the test holds, and when it does not.
    fires: [u64; 2],
}

/// The state of a single-valued slot: its value's position (31 for none), plus 32 when left out.
#[inline(always)]
fn state(value: u32) -> usize {
    let position = (value & !FLAGS).trailing_zeros().min(31);
    position as usize | if value & MISSING != 0 { 32 } else { 0 }
}

/// A clause and the rule it belongs to (its bit within the rule's word).
#[derive(Debug, Clone, Copy)]
struct Placed {
    want: u64,
    care: u64,
    rule: u32,
}

/// The compiled kernel of one rulebook.
#[derive(Debug, Clone)]
pub struct Kernel {
    tables: Vec<Table>,
    tests: Vec<Test>,
    walked: Vec<(u32, Node, [u64; 2])>,
    /// Clauses grouped by the word of their rule: `words[w]` is the range of clauses of rules
    /// `64 * w ..`.
    clauses: Vec<Placed>,
    words: Vec<std::ops::Range<usize>>,
    tier_rules: [RuleSet; 4],
    /// Each principle's `no` and `unsure` conditions, as clauses firing bits `2i` and `2i + 1`.
    principle_clauses: Vec<Placed>,
    /// The literals only principles read.
    principle_tables: Vec<Table>,
    principle_tests: Vec<Test>,
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

    /// In a disjunction, one-literal clauses that test the same slot become one test with the
    /// union of their masks (`a == x or a == y` is `a in [x, y]`).
    fn merge(&mut self, clauses: Vec<Clause>) -> Vec<Clause> {
        let mut merged: Vec<Clause> = Vec::with_capacity(clauses.len());
        let mut by_slot: Vec<(usize, u32)> = Vec::new();
        for clause in clauses {
            let test = (clause.care.count_ones() == 1 && clause.want == clause.care)
                .then(|| self.sources.get(clause.care.trailing_zeros() as usize))
                .flatten()
                .and_then(|source| match source {
                    Source::Test { slot, mask } => Some((*slot, *mask)),
                    Source::Walk(_) => None,
                });
            match test {
                Some((slot, mask)) => match by_slot.iter_mut().find(|(known, _)| *known == slot) {
                    Some(entry) => entry.1 |= mask,
                    None => by_slot.push((slot, mask)),
                },
                None => merged.push(clause),
            }
        }
        for (slot, mask) in by_slot {
            match self.literal(Source::Test { slot, mask }) {
                Some(bit) => merged.extend(Self::one(bit, false)),
                // Out of literals: keep the disjunction unmerged is not possible here, so give up
                // on the kernel for this rule by producing too many clauses.
                None => merged.extend(std::iter::repeat_n(
                    Clause { want: 0, care: 0 },
                    MAX_CLAUSES + 1,
                )),
            }
        }
        merged
    }

    fn one(bit: u32, negated: bool) -> Vec<Clause> {
        let mask = 1u64 << bit;
        vec![Clause {
            want: if negated { 0 } else { mask },
            care: mask,
        }]
    }

    /// The normal form of `node` (negated when `negated`), or `None` when it grows too large.
    fn dnf(&mut self, node: &Node, negated: bool) -> Option<Vec<Clause>> {
        let clauses = match node {
            Node::Const(value) => {
                if *value != negated {
                    vec![Clause { want: 0, care: 0 }]
                } else {
                    Vec::new()
                }
            }
            Node::Any { slot, mask } => Self::one(
                self.literal(Source::Test {
                    slot: *slot,
                    mask: *mask,
                })?,
                negated,
            ),
            // "every value is in `mask`" is "no value outside it".
            Node::All { slot, mask } => Self::one(
                self.literal(Source::Test {
                    slot: *slot,
                    mask: crate::schema::outside(*slot, *mask),
                })?,
                !negated,
            ),
            Node::Term(index) => {
                let terms = self.terms;
                self.dnf(&terms.get(*index)?.node, negated)?
            }
            Node::Principle { index, mask } => {
                // The answer is `no` when `no` holds, else `unsure` when `unsure` holds, else
                // `yes`. Written so that `no or (not no and unsure)` becomes `no or unsure`.
                let principle = self.principles.get(*index)?;
                let mask = if negated { 0b111 & !mask } else { *mask };
                match mask {
                    0 => Vec::new(),
                    NO => self.dnf(&principle.no, false)?,
                    UNSURE => product(vec![
                        self.dnf(&principle.no, true)?,
                        self.dnf(&principle.unsure, false)?,
                    ])?,
                    YES => product(vec![
                        self.dnf(&principle.no, true)?,
                        self.dnf(&principle.unsure, true)?,
                    ])?,
                    m if m == NO | UNSURE => {
                        let clauses = [
                            self.dnf(&principle.no, false)?,
                            self.dnf(&principle.unsure, false)?,
                        ]
                        .concat();
                        self.merge(clauses)
                    }
                    m if m == NO | YES => {
                        let clauses = [
                            self.dnf(&principle.no, false)?,
                            self.dnf(&principle.unsure, true)?,
                        ]
                        .concat();
                        self.merge(clauses)
                    }
                    m if m == UNSURE | YES => self.dnf(&principle.no, true)?,
                    _ => vec![Clause { want: 0, care: 0 }],
                }
            }
            Node::Not(inner) => self.dnf(inner, !negated)?,
            Node::And(items) | Node::Or(items) => {
                let conjunction = matches!(node, Node::And(_)) != negated;
                let parts: Vec<Vec<Clause>> = items
                    .iter()
                    .map(|item| self.dnf(item, negated))
                    .collect::<Option<_>>()?;
                if conjunction {
                    product(parts)?
                } else {
                    self.merge(parts.into_iter().flatten().collect())
                }
            }
            Node::Each { .. } => Self::one(self.literal(Source::Walk(node.clone()))?, negated),
        };
        Some(simplify(clauses)).filter(|clauses| clauses.len() <= MAX_CLAUSES)
    }
}

/// Drops clauses implied by others (a clause whose literals include another's is redundant).
fn simplify(mut clauses: Vec<Clause>) -> Vec<Clause> {
    clauses.sort_by_key(|clause| clause.care.count_ones());
    let mut kept: Vec<Clause> = Vec::with_capacity(clauses.len());
    for clause in clauses {
        let subsumed = kept.iter().any(|other| {
            other.care & clause.care == other.care && clause.want & other.care == other.want
        });
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
                next.push(Clause {
                    want: left.want | right.want,
                    care: left.care | right.care,
                });
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

/// Computes the literals of tables and tests, and the rules they fire directly.
#[inline(always)]
fn test_all(tables: &[Table], tests: &[Test], slots: &Slots) -> (u64, u64) {
    let mut literals = 0u64;
    let mut direct = 0u64;
    for table in tables {
        let (bits, fires) = table.lookup(slots[table.slot & (SLOT_WIDTH - 1)]);
        literals |= bits;
        direct |= fires;
    }
    for test in tests {
        let holds = slots[test.slot & (SLOT_WIDTH - 1)] & test.mask != 0;
        literals |= u64::from(holds) << test.bit;
        direct |= test.fires[usize::from(holds)];
    }
    (literals, direct)
}

/// True when the slot never holds more than one value bit: a top-level answer, single value,
/// count or text (lists and the unions over entries hold several).
fn single_valued(slot: usize) -> bool {
    crate::schema::FIELDS.get(slot).is_some_and(|field| {
        field.scope == FieldScope::Top
            && matches!(
                field.kind,
                Kind::Answer | Kind::Choice { .. } | Kind::Items | Kind::Text
            )
    })
}

impl Kernel {
    /// Compiles a rulebook's rules; `None` when it does not fit the kernel (the tree walker then
    /// decides every intake).
    pub fn compile(terms: &[Term], principles: &[Principle], rules: &[Rule]) -> Option<Kernel> {
        let mut builder = Builder {
            sources: Vec::new(),
            terms,
            principles,
        };
        let mut clauses = Vec::new();
        let mut words = Vec::new();
        // One-literal clauses of the first 64 rules need no clause check: the literal fires the
        // rule directly. `direct[literal] = (rules when true, rules when false)`.
        let mut direct: Vec<[u64; 2]> = Vec::new();
        for (word, chunk) in rules.chunks(64).enumerate() {
            let start = clauses.len();
            for (position, rule) in chunk.iter().enumerate() {
                for clause in builder.dnf(&rule.node, false)? {
                    if word == 0 && clause.care.count_ones() == 1 {
                        let literal = clause.care.trailing_zeros() as usize;
                        if direct.len() <= literal {
                            direct.resize(literal + 1, [0, 0]);
                        }
                        let holds_when = usize::from(clause.want != 0);
                        direct[literal][holds_when] |= 1 << position;
                        continue;
                    }
                    clauses.push(Placed {
                        want: clause.want,
                        care: clause.care,
                        rule: position as u32,
                    });
                }
            }
            words.push(start..clauses.len());
        }

        let mut principle_clauses = Vec::new();
        for (index, principle) in principles.iter().enumerate().take(32) {
            for (offset, node) in [&principle.no, &principle.unsure].into_iter().enumerate() {
                for clause in builder.dnf(node, false)? {
                    principle_clauses.push(Placed {
                        want: clause.want,
                        care: clause.care,
                        rule: (2 * index + offset) as u32,
                    });
                }
            }
        }
        if clauses.len() + principle_clauses.len() > MAX_TOTAL_CLAUSES || principles.len() > 32 {
            return None;
        }
        let mut tables: Vec<Table> = Vec::new();
        let mut tests = Vec::new();
        let mut walked = Vec::new();
        // Literals that merging left unused are not computed.
        // Literals only principles read are computed only when the principles are asked for.
        let mut used = clauses.iter().fold(0u64, |used, clause| used | clause.care);
        for (literal, fires) in direct.iter().enumerate() {
            if fires[0] | fires[1] != 0 {
                used |= 1 << literal;
            }
        }
        let principles_only = principle_clauses
            .iter()
            .fold(0u64, |used, clause| used | clause.care)
            & !used;
        let mut principle_tables: Vec<Table> = Vec::new();
        let mut principle_tests = Vec::new();
        for (index, source) in builder.sources.into_iter().enumerate() {
            let bit = index as u32;
            let (tables, tests) = if used & (1 << bit) != 0 {
                (&mut tables, &mut tests)
            } else if principles_only & (1 << bit) != 0 {
                (&mut principle_tables, &mut principle_tests)
            } else {
                continue;
            };
            // `fires[0]`: rules fired when the literal is false; `fires[1]`: when true.
            let fires = direct.get(index).copied().unwrap_or([0, 0]);
            match source {
                Source::Test { slot, mask } if tabulated(slot).is_some() => {
                    let position = match tables.iter().position(|table| table.slot == slot) {
                        Some(position) => position,
                        None => {
                            tables.push(Table::new(slot, tabulated(slot).flatten()));
                            tables.len() - 1
                        }
                    };
                    let table = &mut tables[position];
                    for state in 0..table.literals.len() {
                        let holds = table.value(state) & mask != 0;
                        let (literals, fired) = &mut table.literals[state];
                        *literals |= u64::from(holds) << bit;
                        *fired |= fires[usize::from(holds)];
                    }
                }
                Source::Test { slot, mask } => tests.push(Test {
                    bit,
                    slot,
                    mask,
                    fires,
                }),
                Source::Walk(node) => walked.push((bit, node, fires)),
            }
        }
        let mut tier_rules = [RuleSet::default(); 4];
        for (index, rule) in rules.iter().enumerate() {
            tier_rules[rule.tier as usize].insert(index);
        }
        Some(Kernel {
            tables,
            tests,
            walked,
            clauses,
            words,
            tier_rules,
            principle_clauses,
            principle_tables,
            principle_tests,
        })
    }

    /// The literals of an intake, and the rules that one-literal clauses fire directly.
    fn literals(&self, slots: &Slots, intake: &Intake, records: &Records) -> (u64, u64) {
        let (mut literals, mut direct) = test_all(&self.tables, &self.tests, slots);
        for (bit, node, fires) in &self.walked {
            let scope = Scope {
                intake,
                records,
                terms: &[],
                term_reads: &[],
                principles: &[],
                principle_reads: &[],
                lazy_terms: None,
            };
            let holds = node.eval(slots, &scope, &mut NoTrace) == Truth::True;
            literals |= u64::from(holds) << bit;
            direct |= fires[usize::from(holds)];
        }
        (literals, direct)
    }

    /// The decision for facts that depend on no unresolved record: the rules that fire, and the
    /// most restrictive tier among them.
    pub fn decide(&self, slots: &Slots, intake: &Intake, records: &Records) -> (Tier, RuleSet) {
        let (literals, direct) = self.literals(slots, intake, records);
        self.fire(literals, direct)
    }

    /// The decision, and each principle's answer as answer bits (yes 1, no 2, unsure 4).
    pub fn decide_with_principles(
        &self,
        slots: &Slots,
        intake: &Intake,
        records: &Records,
    ) -> (Tier, RuleSet, [u32; MAX_PRINCIPLES]) {
        let (literals, direct) = self.literals(slots, intake, records);
        let (tier, fired) = self.fire(literals, direct);
        let literals = literals | test_all(&self.principle_tables, &self.principle_tests, slots).0;
        let mut bits = 0u64;
        for clause in &self.principle_clauses {
            bits |= u64::from((literals ^ clause.want) & clause.care == 0) << clause.rule;
        }
        let mut answers = [YES; MAX_PRINCIPLES];
        for (index, answer) in answers.iter_mut().enumerate().take(32) {
            *answer = if bits & (1 << (2 * index)) != 0 {
                NO
            } else if bits & (1 << (2 * index + 1)) != 0 {
                UNSURE
            } else {
                YES
            };
        }
        (tier, fired, answers)
    }

    fn fire(&self, literals: u64, mut direct: u64) -> (Tier, RuleSet) {
        // A rule fires when one of its clauses holds: each clause ORs its outcome into its rule's
        // bit, accumulated in a register (a read-modify-write of memory per clause would chain
        // every iteration through store forwarding).
        let mut fired = RuleSet::default();
        for (word, range) in fired.words_mut().iter_mut().zip(&self.words) {
            let mut bits = std::mem::take(&mut direct);
            for clause in &self.clauses[range.clone()] {
                bits |= u64::from((literals ^ clause.want) & clause.care == 0) << clause.rule;
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
}
