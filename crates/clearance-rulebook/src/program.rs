//! Compiled conditions and their evaluation.
//!
//! A condition compiles to a small tree whose leaves are bit tests on the facts' slots, so a rule
//! is evaluated without looking up a name, parsing text or touching JSON. Evaluation is three
//! valued (Kleene logic): a leaf that depends on an unresolved record is `Error`, `Error or True`
//! is `True` and `Error and False` is `False`, so an error only surfaces where it could change the
//! outcome — and then the rule fails closed.

use std::cell::Cell;

use clearance_domain::{Intake, Records};

use crate::facts::{Slots, performer_slots, tool_slots};
use crate::schema::{ItemList, UNRESOLVED};

/// A compiled condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `true` or `false`.
    Const(bool),
    /// The slot holds one of the bits of `mask`. On an entry field's slot (the union over the
    /// entries) this is "some entry's field is in the mask".
    Any {
        /// The slot.
        slot: usize,
        /// The accepted bits.
        mask: u32,
    },
    /// Every value bit of an entry field's union is in `mask`: "every entry's field is in it".
    All {
        /// The slot.
        slot: usize,
        /// The accepted bits.
        mask: u32,
    },
    /// A term, by index (terms are evaluated first, in order).
    Term(usize),
    /// A principle's answer is one of the answer bits in `mask`.
    Principle {
        /// The principle's index.
        index: usize,
        /// Accepted answer bits.
        mask: u32,
    },
    /// Negation.
    Not(Box<Node>),
    /// Conjunction.
    And(Box<[Node]>),
    /// Disjunction.
    Or(Box<[Node]>),
    /// A condition on each entry of a list, when it reads more than one field.
    Each {
        /// The list.
        list: ItemList,
        /// `all` rather than `any`.
        all: bool,
        /// The condition, over slots where the entry's fields replace the unions.
        body: Box<Node>,
    },
}

/// A three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// Does not hold.
    False,
    /// Holds.
    True,
    /// Could not be decided: a value it needs is unresolved.
    Error,
}

impl Truth {
    fn from_bool(value: bool) -> Truth {
        if value { Truth::True } else { Truth::False }
    }

    fn not(self) -> Truth {
        match self {
            Truth::False => Truth::True,
            Truth::True => Truth::False,
            Truth::Error => Truth::Error,
        }
    }
}

/// Records which slots an evaluation read. The no-op tracker compiles away for the fast path.
///
/// A read is a `u128`: the low 64 bits are the slots read, the high 64 bits the slots whose
/// being left out was itself tested (`known(…)`, `given(…)`), which is what makes a left-out list
/// an unanswered question rather than an empty one.
pub trait Trace {
    /// True when every alternative of an `or` is evaluated (for reporting), not just the first
    /// that holds. The result is the same either way.
    const FULL: bool;
    /// Marks slots as read.
    fn read(&mut self, slots: u128);
}

/// The read of one slot by a test with `mask`.
#[inline(always)]
fn read_of(slot: usize, mask: u32) -> u128 {
    let asked = if mask & crate::schema::MISSING != 0 {
        1u128 << (64 + slot)
    } else {
        0
    };
    (1u128 << slot) | asked
}

/// A tracker that records nothing.
pub struct NoTrace;

impl Trace for NoTrace {
    const FULL: bool = false;
    #[inline(always)]
    fn read(&mut self, _slots: u128) {}
}

/// A tracker that records the read slots as a bit set.
#[derive(Debug, Default, Clone, Copy)]
pub struct Reads(pub u128);

impl Trace for Reads {
    const FULL: bool = true;
    #[inline(always)]
    fn read(&mut self, slots: u128) {
        self.0 |= slots;
    }
}

/// A term's value and reads, once evaluated.
pub type TermCache = Cell<Option<(Truth, u128)>>;

/// What an evaluation of a condition can see besides the slots.
pub struct Scope<'a> {
    /// The intake (for conditions on each entry).
    pub intake: &'a Intake,
    /// The records (for entries that reference them).
    pub records: &'a Records,
    /// The terms' values.
    pub terms: &'a [Truth],
    /// The slots each term read.
    pub term_reads: &'a [u128],
    /// The principles' answers as answer bits (yes = 1, no = 2, unsure = 4).
    pub principles: &'a [u32],
    /// The slots each principle read.
    pub principle_reads: &'a [u128],
    /// When set, terms are evaluated on first use (with the reads they make) instead of being
    /// read from `terms`: the rulebook's terms and a cache, one cell per term.
    pub lazy_terms: Option<(&'a [crate::rulebook::Term], &'a [TermCache])>,
}

impl Node {
    /// Evaluates the condition.
    pub fn eval<T: Trace>(&self, slots: &Slots, scope: &Scope<'_>, trace: &mut T) -> Truth {
        match self {
            Node::Const(value) => Truth::from_bool(*value),
            Node::Any { slot, mask } => {
                trace.read(read_of(*slot, *mask));
                let value = slots[*slot];
                if value & mask != 0 {
                    Truth::True
                } else if value & UNRESOLVED != 0 {
                    Truth::Error
                } else {
                    Truth::False
                }
            }
            Node::All { slot, mask } => {
                trace.read(read_of(*slot, *mask));
                let value = slots[*slot];
                if value & crate::schema::outside(*slot, *mask) != 0 {
                    Truth::False
                } else if value & UNRESOLVED != 0 {
                    Truth::Error
                } else {
                    Truth::True
                }
            }
            Node::Term(index) => {
                if let Some((terms, cache)) = scope.lazy_terms {
                    let cell = &cache[*index];
                    let (value, reads) = match cell.get() {
                        Some(known) => known,
                        None => {
                            let mut term_reads = Reads::default();
                            let value = terms[*index].node.eval(slots, scope, &mut term_reads);
                            cell.set(Some((value, term_reads.0)));
                            (value, term_reads.0)
                        }
                    };
                    trace.read(reads);
                    return value;
                }
                trace.read(scope.term_reads[*index]);
                scope.terms[*index]
            }
            Node::Principle { index, mask } => {
                trace.read(scope.principle_reads[*index]);
                Truth::from_bool(scope.principles[*index] & mask != 0)
            }
            Node::Not(inner) => inner.eval(slots, scope, trace).not(),
            Node::And(items) => {
                let mut result = Truth::True;
                for item in items {
                    match item.eval(slots, scope, trace) {
                        Truth::False => return Truth::False,
                        Truth::Error => result = Truth::Error,
                        Truth::True => {}
                    }
                }
                result
            }
            Node::Or(items) => {
                let mut result = Truth::False;
                for item in items {
                    match item.eval(slots, scope, trace) {
                        // When tracing, read every way the condition holds (so each left-out
                        // answer that alone would decide it is reported), not just the first.
                        Truth::True if T::FULL => result = Truth::True,
                        Truth::True => return Truth::True,
                        Truth::Error if result != Truth::True => result = Truth::Error,
                        Truth::Error | Truth::False => {}
                    }
                }
                result
            }
            Node::Each { list, all, body } => each(*list, *all, body, slots, scope, trace),
        }
    }
}

fn each<T: Trace>(
    list: ItemList,
    all: bool,
    body: &Node,
    slots: &Slots,
    scope: &Scope<'_>,
    trace: &mut T,
) -> Truth {
    let mut entry = *slots;
    let mut result = if all { Truth::True } else { Truth::False };
    let mut visit = |entry: &Slots, trace: &mut T| -> Option<Truth> {
        match (body.eval(entry, scope, trace), all) {
            (Truth::True, false) => Some(Truth::True),
            (Truth::False, true) => Some(Truth::False),
            (Truth::Error, _) => {
                result = Truth::Error;
                None
            }
            _ => None,
        }
    };
    match list {
        ItemList::Tools => {
            trace.read(1u128 << crate::schema::SlotId::tools as usize);
            for tool in scope.intake.tools.iter().flatten() {
                tool_slots(tool, scope.records, &mut entry);
                if let Some(decided) = visit(&entry, trace) {
                    return decided;
                }
            }
        }
        ItemList::Performers => {
            trace.read(1u128 << crate::schema::SlotId::performers as usize);
            for performer in scope.intake.talent.performers.iter().flatten() {
                performer_slots(performer, scope.records, &mut entry);
                if let Some(decided) = visit(&entry, trace) {
                    return decided;
                }
            }
        }
    }
    result
}

/// The slots a node can read, including through terms and principles (its static read set).
pub fn static_reads(node: &Node, term_reads: &[u64], principle_reads: &[u64]) -> u64 {
    match node {
        Node::Const(_) => 0,
        Node::Any { slot, .. } | Node::All { slot, .. } => 1 << slot,
        Node::Term(index) => term_reads.get(*index).copied().unwrap_or(0),
        Node::Principle { index, .. } => principle_reads.get(*index).copied().unwrap_or(0),
        Node::Not(inner) => static_reads(inner, term_reads, principle_reads),
        Node::And(items) | Node::Or(items) => items.iter().fold(0, |reads, item| {
            reads | static_reads(item, term_reads, principle_reads)
        }),
        Node::Each { list, body, .. } => {
            let list_slot = match list {
                ItemList::Tools => crate::schema::SlotId::tools,
                ItemList::Performers => crate::schema::SlotId::performers,
            };
            (1 << list_slot as usize) | static_reads(body, term_reads, principle_reads)
        }
    }
}

/// The slots a node can read with a test that asks whether the value was left out (`known(…)`,
/// `given(…)`), including through terms and principles: where a left-out list is a question.
pub fn static_asks(node: &Node, term_asks: &[u64], principle_asks: &[u64]) -> u64 {
    match node {
        Node::Const(_) => 0,
        Node::Any { slot, mask } | Node::All { slot, mask } => {
            if mask & crate::schema::MISSING != 0 {
                1 << slot
            } else {
                0
            }
        }
        Node::Term(index) => term_asks.get(*index).copied().unwrap_or(0),
        Node::Principle { index, .. } => principle_asks.get(*index).copied().unwrap_or(0),
        Node::Not(inner) => static_asks(inner, term_asks, principle_asks),
        Node::And(items) | Node::Or(items) => items.iter().fold(0, |asks, item| {
            asks | static_asks(item, term_asks, principle_asks)
        }),
        Node::Each { body, .. } => static_asks(body, term_asks, principle_asks),
    }
}
