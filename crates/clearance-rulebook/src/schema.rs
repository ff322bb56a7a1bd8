//! The intake fields that rules may read, and the slot each one occupies in the facts the engine
//! evaluates against.
//!
//! This table is the one place that ties the rulebook language to the intake schema: the checker
//! resolves every path through it, and `facts` fills the slots from a typed intake.

use clearance_domain::vocabulary::{
    Answer, AudienceDisclosure, Consent, Element, Environment, Input, Media, Prominence, Region,
    Role, Stage, TalentException, TalentUse, TrainingData, Union, Vocabulary,
};

/// A slot index in the facts array.
pub type Slot = usize;

/// The bit set when a value was left out (or `null`).
pub const MISSING: u32 = 1 << 30;
/// The bit set when a value comes from a record that could not be resolved.
pub const UNRESOLVED: u32 = 1 << 31;
/// The flag bits; the others are values.
pub const FLAGS: u32 = MISSING | UNRESOLVED;
/// The largest number `count(…)` compares with exactly; larger counts share the next bit.
pub const MAX_COUNT: u32 = 28;

/// What kind of value a field holds, which decides the operators it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `yes | no | unsure`; left out counts as `unsure`.
    Answer,
    /// One value of a vocabulary; `default` is what a left-out value counts as.
    Choice {
        /// The vocabulary's names.
        names: &'static [&'static str],
        /// The index of the value a left-out field counts as, if any.
        default: Option<u32>,
    },
    /// A list of vocabulary values; `unknown` is the index of the `unknown` value, if any.
    List {
        /// The vocabulary's names.
        names: &'static [&'static str],
        /// The index of `unknown`, if the vocabulary has it.
        unknown: Option<u32>,
    },
    /// A list of objects (`tools`, `talent.performers`); the slot holds the count `n` as the
    /// bit `1 << min(n, MAX_COUNT + 1)`, so `count(…) > 1` is a mask test like every other.
    Items,
    /// Free text: rules can only ask whether it was given.
    Text,
}

impl Kind {
    /// How the kind is named in error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Answer => "an answer (yes, no or unsure)",
            Kind::Choice { .. } => "a single value",
            Kind::List { .. } => "a list of values",
            Kind::Items => "a list of entries",
            Kind::Text => "text",
        }
    }

    /// The vocabulary names of an answer, choice or list field.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Kind::Answer => Answer::NAMES,
            Kind::Choice { names, .. } | Kind::List { names, .. } => names,
            Kind::Items | Kind::Text => &[],
        }
    }
}

/// Where a field lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A field of the intake itself.
    Top,
    /// A field of each entry of a list of objects (its slot holds the union over entries).
    Entry(ItemList),
}

/// The intake's lists of objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemList {
    /// `tools`
    Tools,
    /// `talent.performers`
    Performers,
}

impl ItemList {
    /// The list's path.
    pub fn path(self) -> &'static str {
        match self {
            ItemList::Tools => "tools",
            ItemList::Performers => "talent.performers",
        }
    }
}

/// One readable field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The dotted path (entry fields are named relative to their entry, e.g. `environment`).
    pub path: &'static str,
    /// The slot in the facts.
    pub slot: Slot,
    /// What it holds.
    pub kind: Kind,
    /// Where it lives.
    pub scope: Scope,
    /// May a `lower_tier_if` suggestion change it? (never: names, `living`, `union`, `role`, …)
    pub changeable: bool,
}

const fn choice<T: Vocabulary>(default: Option<u32>) -> Kind {
    Kind::Choice {
        names: T::NAMES,
        default,
    }
}

const fn list<T: Vocabulary>(unknown: Option<u32>) -> Kind {
    Kind::List {
        names: T::NAMES,
        unknown,
    }
}

macro_rules! fields {
    ($($slot:ident = $path:literal, $kind:expr, $scope:expr, $changeable:literal;)+) => {
        /// Slot numbers, by field.
        #[expect(non_camel_case_types, reason = "slot constants mirror the schema's field names")]
        #[derive(Debug, Clone, Copy)]
        #[repr(usize)]
        pub enum SlotId { $(#[doc = $path] $slot),+ }

        /// Every field rules may read, in slot order.
        pub const FIELDS: &[Field] = &[
            $(Field { path: $path, slot: SlotId::$slot as usize, kind: $kind, scope: $scope, changeable: $changeable }),+
        ];
    };
}

const TOOL: Scope = Scope::Entry(ItemList::Tools);
const PERFORMER: Scope = Scope::Entry(ItemList::Performers);

fields! {
    title = "title", Kind::Text, Scope::Top, false;
    production = "production", Kind::Text, Scope::Top, false;
    description = "description", Kind::Text, Scope::Top, false;
    submitted_by = "submitted_by", Kind::Text, Scope::Top, false;
    vendor = "vendor", Kind::Text, Scope::Top, false;
    stage = "stage", choice::<Stage>(None), Scope::Top, true;
    media = "media", list::<Media>(None), Scope::Top, false;
    element = "element", choice::<Element>(None), Scope::Top, true;
    output_final = "output.final", Kind::Answer, Scope::Top, true;
    output_prominence = "output.prominence", choice::<Prominence>(None), Scope::Top, true;
    output_mistaken_for_real = "output.mistaken_for_real", Kind::Answer, Scope::Top, true;
    output_human_input = "output.human_input", Kind::Answer, Scope::Top, true;
    inputs = "inputs", list::<Input>(Some(Input::Unknown as u32)), Scope::Top, true;
    tools = "tools", Kind::Items, Scope::Top, false;
    tool_name = "name", Kind::Text, TOOL, false;
    tool_id = "tool_id", Kind::Text, TOOL, false;
    tool_environment = "environment", choice::<Environment>(Some(Environment::Unknown as u32)), TOOL, true;
    tool_trains_on_inputs = "trains_on_inputs", Kind::Answer, TOOL, true;
    training_trains_model = "training.trains_model", Kind::Answer, Scope::Top, true;
    training_data = "training.data", list::<TrainingData>(Some(TrainingData::Unknown as u32)), Scope::Top, true;
    training_reuse_beyond_production = "training.reuse_beyond_production", Kind::Answer, Scope::Top, true;
    talent_uses = "talent.uses", list::<TalentUse>(None), Scope::Top, true;
    talent_exception = "talent.exception", choice::<TalentException>(Some(TalentException::None as u32)), Scope::Top, true;
    performers = "talent.performers", Kind::Items, Scope::Top, false;
    performer_name = "name", Kind::Text, PERFORMER, false;
    performer_role = "role", choice::<Role>(None), PERFORMER, false;
    performer_living = "living", Kind::Answer, PERFORMER, false;
    performer_union = "union", choice::<Union>(None), PERFORMER, false;
    performer_consent = "consent", choice::<Consent>(Some(Consent::None as u32)), PERFORMER, true;
    performer_consent_id = "consent_id", Kind::Text, PERFORMER, false;
    union_work_impact = "union_work_impact", Kind::Answer, Scope::Top, true;
    distribution = "distribution", list::<Region>(None), Scope::Top, false;
    audience_disclosure = "audience_disclosure", choice::<AudienceDisclosure>(None), Scope::Top, true;
}

/// True when a left-out value of the field at `slot` counts as one of its values (answers count
/// as `unsure`, `environment` as `unknown`, …), so its `MISSING` bit never stands alone.
pub fn has_default(slot: usize) -> bool {
    match FIELDS.get(slot).map(|field| field.kind) {
        Some(Kind::Answer) => true,
        Some(Kind::Choice { default, .. }) => default.is_some(),
        _ => false,
    }
}

/// The bits that make an entry fail "every entry's field is in `mask`": every bit outside the
/// mask, including a lone `MISSING` (an entry without the field is not in any set of values).
pub fn outside(slot: usize, mask: u32) -> u32 {
    let ignored = if has_default(slot) { MISSING } else { 0 };
    !UNRESOLVED & !(mask | ignored)
}

/// The number of slots.
pub const SLOT_COUNT: usize = FIELDS.len();

/// The field at a top-level path, such as `output.final` or `tools`.
pub fn top_field(path: &str) -> Option<&'static Field> {
    FIELDS
        .iter()
        .find(|field| field.scope == Scope::Top && field.path == path)
}

/// The field of an entry of `list`, such as `environment` of `tools`.
pub fn entry_field(list: ItemList, name: &str) -> Option<&'static Field> {
    FIELDS
        .iter()
        .find(|field| field.scope == Scope::Entry(list) && field.path == name)
}

/// The list of objects at `path`, if it is one.
pub fn item_list(path: &str) -> Option<ItemList> {
    [ItemList::Tools, ItemList::Performers]
        .into_iter()
        .find(|list| list.path() == path)
}

/// The full path of a field for messages: `tools[].environment` for entry fields.
pub fn display_path(field: &Field) -> String {
    match field.scope {
        Scope::Top => field.path.to_owned(),
        Scope::Entry(list) => format!("{}[].{}", list.path(), field.path),
    }
}

/// Every path a rule may name, for "did you mean" suggestions.
pub fn all_paths() -> impl Iterator<Item = String> {
    FIELDS.iter().map(|field| match field.scope {
        Scope::Top => field.path.to_owned(),
        Scope::Entry(list) => format!("{}.{}", list.path(), field.path),
    })
}

// Keep the vocabularies' sizes within the 30 value bits the flags leave free.
const _: () = {
    assert!(Element::ALL.len() <= 30);
    assert!(Input::ALL.len() <= 30);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_numbered_in_table_order() {
        for (position, field) in FIELDS.iter().enumerate() {
            assert_eq!(field.slot, position, "{}", field.path);
        }
        const { assert!(SLOT_COUNT <= 64, "read sets are kept in a u64") };
    }

    #[test]
    fn entry_fields_resolve_within_their_list() {
        assert_eq!(
            entry_field(ItemList::Tools, "environment").map(|f| f.slot),
            Some(SlotId::tool_environment as usize)
        );
        assert_eq!(entry_field(ItemList::Performers, "environment"), None);
        assert_eq!(top_field("environment"), None);
    }
}
