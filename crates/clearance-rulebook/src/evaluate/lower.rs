//! `lower_tier_if`: the smallest sets of changes to the intake that give a less restrictive tier.
//!
//! A rule's outcome depends only on the fields it reads, so a set of changes that lowers the tier
//! below `t` must change, for every rule still firing above `t`, a field that rule reads. The
//! search is a depth-first walk that, at each step, takes the first rule still blocking and
//! branches only over changes to the fields *it* reads. This finds every inclusion-minimal set of
//! up to three changes (any such set must contain a change to a field of each blocking rule) while
//! evaluating a few hundred candidates instead of every combination of every field.

use std::collections::{BTreeMap, HashMap, HashSet};

use clearance_domain::vocabulary::{
    Answer, AudienceDisclosure, Consent, Element, Environment, Input, Prominence, Set, Stage,
    TalentException, TalentUse, TrainingData, Vocabulary,
};
use clearance_domain::{Intake, Records, Tier};

use super::Suggestion;
use crate::facts;
use crate::rulebook::Rulebook;
use crate::schema::{FIELDS, Field, ItemList, Kind, Scope, SlotId};

/// The most changes in one suggestion.
pub const MAX_CHANGES: usize = 3;
/// The most suggestions listed.
pub const MAX_SUGGESTIONS: usize = 5;
/// The most candidate evaluations before the search stops and reports itself truncated.
pub const MAX_EVALUATIONS: usize = 6_000;

/// One change to an intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Change {
    /// The field's slot.
    pub slot: usize,
    /// The entry, for fields of `tools[]` and `talent.performers[]`.
    pub entry: Option<usize>,
    /// What to do.
    pub op: ChangeOp,
}

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeOp {
    /// Set an answer or a value (by its index in the vocabulary).
    Set(u32),
    /// Remove a value (by index) from a list.
    Remove(u32),
}

impl Change {
    fn field(&self) -> &'static Field {
        &FIELDS[self.slot]
    }

    /// The path of the changed field, as in `unanswered` (`tools[1].environment`).
    pub fn path(&self) -> String {
        let field = self.field();
        match (field.scope, self.entry) {
            (Scope::Entry(list), Some(entry)) => format!("{}[{entry}].{}", list.path(), field.path),
            _ => field.path.to_owned(),
        }
    }

    /// The value's name.
    pub fn value_name(&self) -> &'static str {
        let index = match self.op {
            ChangeOp::Set(index) | ChangeOp::Remove(index) => index,
        };
        self.field()
            .kind
            .names()
            .get(index as usize)
            .copied()
            .unwrap_or("?")
    }

    /// The change in words: "set `output.final` to `no`", "remove `script` from `inputs`".
    pub fn describe(&self) -> String {
        match self.op {
            ChangeOp::Set(_) => format!("set `{}` to `{}`", self.path(), self.value_name()),
            ChangeOp::Remove(_) => format!("remove `{}` from `{}`", self.value_name(), self.path()),
        }
    }
}

/// A raw field value: the vocabulary index for scalars, the bits for lists; `None` if left out.
type Raw = Option<u32>;

fn scalar<T: Vocabulary>(value: Option<T>) -> Raw {
    value.map(Vocabulary::index)
}

fn list<T: Vocabulary>(value: Option<Set<T>>) -> Raw {
    value.map(Set::bits)
}

fn get(intake: &Intake, slot: usize, entry: Option<usize>) -> Raw {
    let tool = entry.and_then(|entry| intake.tools.as_ref().and_then(|tools| tools.get(entry)));
    let performer = entry.and_then(|entry| {
        intake
            .talent
            .performers
            .as_ref()
            .and_then(|performers| performers.get(entry))
    });
    match slot {
        s if s == SlotId::stage as usize => scalar(intake.stage),
        s if s == SlotId::element as usize => scalar(intake.element),
        s if s == SlotId::output_final as usize => scalar(intake.output.final_deliverable),
        s if s == SlotId::output_prominence as usize => scalar(intake.output.prominence),
        s if s == SlotId::output_mistaken_for_real as usize => {
            scalar(intake.output.mistaken_for_real)
        }
        s if s == SlotId::output_human_input as usize => scalar(intake.output.human_input),
        s if s == SlotId::inputs as usize => list(intake.inputs),
        s if s == SlotId::tool_environment as usize => {
            tool.and_then(|tool| scalar(tool.environment))
        }
        s if s == SlotId::tool_trains_on_inputs as usize => {
            tool.and_then(|tool| scalar(tool.trains_on_inputs))
        }
        s if s == SlotId::training_trains_model as usize => scalar(intake.training.trains_model),
        s if s == SlotId::training_data as usize => list(intake.training.data),
        s if s == SlotId::training_reuse_beyond_production as usize => {
            scalar(intake.training.reuse_beyond_production)
        }
        s if s == SlotId::talent_uses as usize => list(intake.talent.uses),
        s if s == SlotId::talent_exception as usize => scalar(intake.talent.exception),
        s if s == SlotId::performer_consent as usize => {
            performer.and_then(|performer| scalar(performer.consent))
        }
        s if s == SlotId::union_work_impact as usize => scalar(intake.union_work_impact),
        s if s == SlotId::audience_disclosure as usize => scalar(intake.audience_disclosure),
        _ => None,
    }
}

fn to_scalar<T: Vocabulary>(raw: Raw) -> Option<T> {
    raw.and_then(T::from_index)
}

fn to_list<T: Vocabulary>(raw: Raw) -> Option<Set<T>> {
    raw.map(Set::from_bits)
}

fn put(intake: &mut Intake, slot: usize, entry: Option<usize>, raw: Raw) {
    let tool = entry.and_then(|entry| intake.tools.as_mut().and_then(|tools| tools.get_mut(entry)));
    match slot {
        s if s == SlotId::tool_environment as usize => {
            if let Some(tool) = tool {
                tool.environment = to_scalar::<Environment>(raw);
            }
            return;
        }
        s if s == SlotId::tool_trains_on_inputs as usize => {
            if let Some(tool) = tool {
                tool.trains_on_inputs = to_scalar::<Answer>(raw);
            }
            return;
        }
        s if s == SlotId::performer_consent as usize => {
            let performer = entry.and_then(|entry| {
                intake
                    .talent
                    .performers
                    .as_mut()
                    .and_then(|performers| performers.get_mut(entry))
            });
            if let Some(performer) = performer {
                performer.consent = to_scalar::<Consent>(raw);
            }
            return;
        }
        _ => {}
    }
    match slot {
        s if s == SlotId::stage as usize => intake.stage = to_scalar::<Stage>(raw),
        s if s == SlotId::element as usize => intake.element = to_scalar::<Element>(raw),
        s if s == SlotId::output_final as usize => {
            intake.output.final_deliverable = to_scalar::<Answer>(raw)
        }
        s if s == SlotId::output_prominence as usize => {
            intake.output.prominence = to_scalar::<Prominence>(raw)
        }
        s if s == SlotId::output_mistaken_for_real as usize => {
            intake.output.mistaken_for_real = to_scalar::<Answer>(raw)
        }
        s if s == SlotId::output_human_input as usize => {
            intake.output.human_input = to_scalar::<Answer>(raw)
        }
        s if s == SlotId::inputs as usize => intake.inputs = to_list::<Input>(raw),
        s if s == SlotId::training_trains_model as usize => {
            intake.training.trains_model = to_scalar::<Answer>(raw)
        }
        s if s == SlotId::training_data as usize => {
            intake.training.data = to_list::<TrainingData>(raw)
        }
        s if s == SlotId::training_reuse_beyond_production as usize => {
            intake.training.reuse_beyond_production = to_scalar::<Answer>(raw)
        }
        s if s == SlotId::talent_uses as usize => intake.talent.uses = to_list::<TalentUse>(raw),
        s if s == SlotId::talent_exception as usize => {
            intake.talent.exception = to_scalar::<TalentException>(raw)
        }
        s if s == SlotId::union_work_impact as usize => {
            intake.union_work_impact = to_scalar::<Answer>(raw)
        }
        s if s == SlotId::audience_disclosure as usize => {
            intake.audience_disclosure = to_scalar::<AudienceDisclosure>(raw)
        }
        _ => {}
    }
}

/// Applies a change to an intake; returns the previous raw value, for undoing.
fn apply_raw(intake: &mut Intake, change: &Change) -> Raw {
    let previous = get(intake, change.slot, change.entry);
    let next = match change.op {
        ChangeOp::Set(index) => Some(index),
        ChangeOp::Remove(index) => previous.map(|bits| bits & !(1 << index)),
    };
    put(intake, change.slot, change.entry, next);
    previous
}

/// Applies changes to an intake, as a producer would by editing it.
pub fn apply(intake: &mut Intake, changes: &[Change]) {
    for change in changes {
        apply_raw(intake, change);
    }
}

/// The candidate changes to one field of one entry (or of the intake).
fn candidates(
    intake: &Intake,
    records: &Records,
    field: &Field,
    entry: Option<usize>,
    into: &mut Vec<Change>,
) {
    if !field.changeable {
        return;
    }
    // A value that a record decides cannot be changed by editing the intake.
    if let Some(entry) = entry {
        let decided = match field.scope {
            Scope::Entry(ItemList::Tools) => intake
                .tools
                .as_ref()
                .and_then(|tools| tools.get(entry))
                .and_then(|tool| tool.tool_id.as_ref())
                .is_some_and(|id| records.tools.contains_key(id)),
            Scope::Entry(ItemList::Performers) => intake
                .talent
                .performers
                .as_ref()
                .and_then(|performers| performers.get(entry))
                .is_some_and(|performer| performer.consent_id.is_some()),
            Scope::Top => false,
        };
        if decided {
            return;
        }
    }
    let current = get(intake, field.slot, entry);
    match field.kind {
        Kind::Answer | Kind::Choice { .. } => {
            let default = match field.kind {
                Kind::Answer => Some(Answer::Unsure.index()),
                Kind::Choice { default, .. } => default,
                _ => None,
            };
            let effective = current.or(default);
            // Suggestions are decisions a producer can make: becoming unsure is not one.
            let unsure = (field.kind == Kind::Answer).then_some(Answer::Unsure.index());
            for index in 0..field.kind.names().len() as u32 {
                if Some(index) != effective && Some(index) != unsure {
                    into.push(Change {
                        slot: field.slot,
                        entry,
                        op: ChangeOp::Set(index),
                    });
                }
            }
        }
        Kind::List { .. } => {
            if let Some(bits) = current {
                for index in 0..field.kind.names().len() as u32 {
                    if bits & (1 << index) != 0 {
                        into.push(Change {
                            slot: field.slot,
                            entry,
                            op: ChangeOp::Remove(index),
                        });
                    }
                }
            }
        }
        Kind::Items | Kind::Text => {}
    }
}

fn candidates_for(intake: &Intake, records: &Records, reads: u64) -> Vec<Change> {
    let mut changes = Vec::new();
    for field in FIELDS {
        if reads & (1 << field.slot) == 0 {
            continue;
        }
        match field.scope {
            Scope::Top => candidates(intake, records, field, None, &mut changes),
            Scope::Entry(ItemList::Tools) => {
                for entry in 0..intake.tools.as_ref().map_or(0, Vec::len) {
                    candidates(intake, records, field, Some(entry), &mut changes);
                }
            }
            Scope::Entry(ItemList::Performers) => {
                for entry in 0..intake.talent.performers.as_ref().map_or(0, Vec::len) {
                    candidates(intake, records, field, Some(entry), &mut changes);
                }
            }
        }
    }
    changes
}

/// What the search found.
pub struct Search {
    /// Suggestions, ordered.
    pub suggestions: Vec<Suggestion>,
    /// True when the search hit its bound.
    pub truncated: bool,
}

struct Walk<'a> {
    rulebooks: &'a [&'a Rulebook],
    records: &'a Records,
    evaluations: usize,
    truncated: bool,
    seen: HashSet<Vec<Change>>,
    found: BTreeMap<Vec<Change>, Tier>,
}

/// The tier of an intake, and the read set of the first thing keeping it above `target`.
fn assess(
    rulebooks: &[&Rulebook],
    intake: &Intake,
    records: &Records,
    target: Tier,
) -> (Tier, Option<u64>) {
    let slots = facts::slots(intake, records);
    let mut tier = Tier::Notify;
    let mut blocker = None;
    for rulebook in rulebooks {
        let decision = rulebook.decide_slots(intake, records, &slots);
        tier = tier.max(decision.tier);
        if blocker.is_some() || decision.tier <= target {
            continue;
        }
        blocker = decision
            .fired
            .iter()
            .find(|index| rulebook.rules[*index].tier > target)
            .map(|index| rulebook.rules[index].reads);
        if blocker.is_none() && target < Tier::Escalate {
            if let Some(index) = decision.errored.iter().next() {
                blocker = Some(rulebook.rules[index].reads);
            } else if decision.errored_principles != 0 {
                let index = decision.errored_principles.trailing_zeros() as usize;
                blocker = Some(rulebook.principles[index].reads);
            }
        }
    }
    (tier, blocker)
}

impl Walk<'_> {
    fn walk(&mut self, intake: &mut Intake, chosen: &mut Vec<Change>, target: Tier) {
        if self.evaluations >= MAX_EVALUATIONS {
            self.truncated = true;
            return;
        }
        self.evaluations += 1;
        let (tier, blocker) = assess(self.rulebooks, intake, self.records, target);
        if tier <= target {
            let mut key = chosen.clone();
            key.sort();
            self.found.insert(key, tier);
            return;
        }
        let Some(reads) = blocker else { return };
        if chosen.len() == MAX_CHANGES {
            return;
        }
        for change in candidates_for(intake, self.records, reads) {
            let conflicts = chosen.iter().any(|other| {
                other.slot == change.slot
                    && other.entry == change.entry
                    && (matches!(other.op, ChangeOp::Set(_)) || *other == change)
            });
            if conflicts {
                continue;
            }
            let mut key = chosen.clone();
            key.push(change);
            key.sort();
            if !self.seen.insert(key) {
                continue;
            }
            let previous = apply_raw(intake, &change);
            chosen.push(change);
            self.walk(intake, chosen, target);
            chosen.pop();
            put(intake, change.slot, change.entry, previous);
            if self.truncated {
                return;
            }
        }
    }
}

/// Searches for suggestions for an intake whose tier is `current`.
pub fn search(
    rulebooks: &[&Rulebook],
    intake: &Intake,
    records: &Records,
    current: Tier,
) -> Search {
    let mut walk = Walk {
        rulebooks,
        records,
        evaluations: 0,
        truncated: false,
        seen: HashSet::new(),
        found: BTreeMap::new(),
    };
    let mut work = intake.clone();
    for target in Tier::ALL.into_iter().filter(|tier| *tier < current) {
        walk.seen.clear();
        walk.walk(&mut work, &mut Vec::new(), target);
        if walk.truncated {
            break;
        }
    }

    // Keep the inclusion-minimal sets: no proper subset reaches the same tier or a lower one.
    let mut tiers: HashMap<Vec<Change>, Tier> = walk
        .found
        .iter()
        .map(|(set, tier)| (set.clone(), *tier))
        .collect();
    let mut minimal: Vec<(Vec<Change>, Tier)> = Vec::new();
    for (set, tier) in &walk.found {
        let mut is_minimal = true;
        for mask in 1..(1u32 << set.len()) - 1 {
            let subset: Vec<Change> = set
                .iter()
                .enumerate()
                .filter(|(position, _)| mask & (1 << position) != 0)
                .map(|(_, change)| *change)
                .collect();
            let subset_tier = *tiers.entry(subset.clone()).or_insert_with(|| {
                let mut trial = intake.clone();
                apply(&mut trial, &subset);
                assess(rulebooks, &trial, records, Tier::Notify).0
            });
            if subset_tier <= *tier {
                is_minimal = false;
                break;
            }
        }
        if is_minimal {
            minimal.push((set.clone(), *tier));
        }
    }
    minimal.sort_by(|(left, left_tier), (right, right_tier)| {
        left_tier
            .cmp(right_tier)
            .then(left.len().cmp(&right.len()))
            .then(left.cmp(right))
    });
    let suggestions = minimal
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(set, tier)| suggestion(intake, set, tier))
        .collect();
    Search {
        suggestions,
        truncated: walk.truncated,
    }
}

fn suggestion(intake: &Intake, changes: Vec<Change>, tier: Tier) -> Suggestion {
    let mut applied = intake.clone();
    apply(&mut applied, &changes);
    let mut map = serde_json::Map::new();
    for change in &changes {
        let value = match change.op {
            ChangeOp::Set(_) => serde_json::Value::String(change.value_name().to_owned()),
            ChangeOp::Remove(_) => {
                let bits = get(&applied, change.slot, change.entry).unwrap_or(0);
                let names = FIELDS[change.slot].kind.names();
                serde_json::Value::Array(
                    (0..names.len())
                        .filter(|index| bits & (1 << index) != 0)
                        .map(|index| serde_json::Value::String(names[index].to_owned()))
                        .collect(),
                )
            }
        };
        map.insert(change.path(), value);
    }
    Suggestion {
        tier,
        changes: map,
        applied: changes,
    }
}
