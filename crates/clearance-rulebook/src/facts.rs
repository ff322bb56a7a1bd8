//! Facts: an intake flattened into one `u32` per field, the only form the engine reads.
//!
//! Scalars hold one bit for their value, lists one bit per entry, and each field of the intake's
//! lists of objects holds the union over its entries (so "some tool is consumer" is one `and`).
//! `MISSING` marks a left-out value (with the bit of the value it counts as, if any) and
//! `UNRESOLVED` a value that depends on a record nobody could look up.

use clearance_domain::vocabulary::{Answer, Consent, Environment, Set, Vocabulary};
use clearance_domain::{Intake, Performer, Records, Tool};

use crate::schema::{MAX_COUNT, MISSING, SLOT_COUNT, SlotId, UNRESOLVED};

/// The slots of one intake (or of one entry of a list, for quantified conditions). The array has
/// `SLOT_WIDTH` entries (a power of two at least `SLOT_COUNT`), so the kernel indexes it with a
/// mask instead of a bounds check.
pub type Slots = [u32; SLOT_WIDTH];

/// The length of `Slots`.
pub const SLOT_WIDTH: usize = 64;

const _: () = assert!(SLOT_COUNT <= SLOT_WIDTH && SLOT_WIDTH.is_power_of_two());

fn bit(index: u32) -> u32 {
    1 << index
}

fn answer(value: Option<Answer>) -> u32 {
    match value {
        Some(value) => bit(value.index()),
        None => bit(Answer::Unsure.index()) | MISSING,
    }
}

fn choice<T: Vocabulary>(value: Option<T>, default: Option<T>) -> u32 {
    match (value, default) {
        (Some(value), _) => bit(value.index()),
        (None, Some(default)) => bit(default.index()) | MISSING,
        (None, None) => MISSING,
    }
}

fn list<T: Vocabulary>(value: Option<Set<T>>) -> u32 {
    value.map_or(MISSING, Set::bits)
}

fn text(value: Option<&String>) -> u32 {
    if value.is_some() { 1 } else { MISSING }
}

fn count<T>(items: Option<&Vec<T>>) -> u32 {
    items.map_or(MISSING | 1, |items| {
        1 << u32::try_from(items.len())
            .unwrap_or(u32::MAX)
            .min(MAX_COUNT + 1)
    })
}

/// The values of a tool entry's fields: name, id, environment, trains on inputs.
#[inline]
fn tool_values(tool: &Tool, records: &Records) -> [u32; 4] {
    let (environment, trains) = match tool.tool_id.as_ref().map(|id| records.tools.get(id)) {
        Some(Some(terms)) => (
            bit(terms.environment.index()),
            bit(terms.trains_on_inputs.index()),
        ),
        // A registered tool whose terms nobody could look up: answers given inline stand,
        // the rest cannot be evaluated.
        Some(None) => (
            tool.environment
                .map_or(UNRESOLVED, |value| bit(value.index())),
            tool.trains_on_inputs
                .map_or(UNRESOLVED, |value| bit(value.index())),
        ),
        None => (
            choice(tool.environment, Some(Environment::Unknown)),
            answer(tool.trains_on_inputs),
        ),
    };
    [
        text(tool.name.as_ref()),
        text(tool.tool_id.as_ref()),
        environment,
        trains,
    ]
}

/// The values of a performer entry's fields, in `PERFORMER_SLOTS` order.
#[inline]
fn performer_values(performer: &Performer, records: &Records) -> [u32; 6] {
    let consent = match performer.consent_id.as_ref() {
        // The record decides; a performer is never matched to a record by name.
        Some(id) => records
            .consents
            .get(id)
            .map_or(UNRESOLVED, |status| bit(status.consent().index())),
        None => choice(performer.consent, Some(Consent::None)),
    };
    [
        1,
        choice(performer.role, None),
        answer(performer.living),
        choice(performer.union, None),
        consent,
        text(performer.consent_id.as_ref()),
    ]
}

/// Fills the slots of a tool entry into `slots` (overwriting that entry's fields).
pub fn tool_slots(tool: &Tool, records: &Records, slots: &mut Slots) {
    for (slot, value) in TOOL_SLOTS.into_iter().zip(tool_values(tool, records)) {
        slots[slot as usize] = value;
    }
}

/// Fills the slots of a performer entry into `slots`.
pub fn performer_slots(performer: &Performer, records: &Records, slots: &mut Slots) {
    for (slot, value) in PERFORMER_SLOTS
        .into_iter()
        .zip(performer_values(performer, records))
    {
        slots[slot as usize] = value;
    }
}

const TOOL_SLOTS: [SlotId; 4] = [
    SlotId::tool_name,
    SlotId::tool_id,
    SlotId::tool_environment,
    SlotId::tool_trains_on_inputs,
];
const PERFORMER_SLOTS: [SlotId; 6] = [
    SlotId::performer_name,
    SlotId::performer_role,
    SlotId::performer_living,
    SlotId::performer_union,
    SlotId::performer_consent,
    SlotId::performer_consent_id,
];

/// True when a fact depends on a record nobody could look up (only entry fields can).
#[inline]
pub fn has_unresolved(slots: &Slots) -> bool {
    (slots[SlotId::tool_environment as usize]
        | slots[SlotId::tool_trains_on_inputs as usize]
        | slots[SlotId::performer_consent as usize])
        & UNRESOLVED
        != 0
}

/// Flattens an intake into slots.
pub fn slots(intake: &Intake, records: &Records) -> Slots {
    let mut slots = [0u32; SLOT_WIDTH];
    slots[SlotId::title as usize] = 1;
    slots[SlotId::production as usize] = 1;
    slots[SlotId::description as usize] = text(intake.description.as_ref());
    slots[SlotId::submitted_by as usize] = text(intake.submitted_by.as_ref());
    slots[SlotId::vendor as usize] = text(intake.vendor.as_ref());
    slots[SlotId::stage as usize] = choice(intake.stage, None);
    slots[SlotId::media as usize] = list(intake.media);
    slots[SlotId::element as usize] = choice(intake.element, None);
    slots[SlotId::output_final as usize] = answer(intake.output.final_deliverable);
    slots[SlotId::output_prominence as usize] = choice(intake.output.prominence, None);
    slots[SlotId::output_mistaken_for_real as usize] = answer(intake.output.mistaken_for_real);
    slots[SlotId::output_human_input as usize] = answer(intake.output.human_input);
    slots[SlotId::inputs as usize] = list(intake.inputs);
    slots[SlotId::tools as usize] = count(intake.tools.as_ref());
    slots[SlotId::training_trains_model as usize] = answer(intake.training.trains_model);
    slots[SlotId::training_data as usize] = list(intake.training.data);
    slots[SlotId::training_reuse_beyond_production as usize] =
        answer(intake.training.reuse_beyond_production);
    slots[SlotId::talent_uses as usize] = list(intake.talent.uses);
    slots[SlotId::talent_exception as usize] = choice(
        intake.talent.exception,
        Some(clearance_domain::TalentException::None),
    );
    slots[SlotId::performers as usize] = count(intake.talent.performers.as_ref());
    slots[SlotId::union_work_impact as usize] = answer(intake.union_work_impact);
    slots[SlotId::distribution as usize] = list(intake.distribution);
    slots[SlotId::audience_disclosure as usize] = choice(intake.audience_disclosure, None);

    // Entry fields hold the union over the entries, so single-field quantifiers are one test.
    let mut tools = [0u32; 4];
    for tool in intake.tools.iter().flatten() {
        for (union, value) in tools.iter_mut().zip(tool_values(tool, records)) {
            *union |= value;
        }
    }
    for (slot, value) in TOOL_SLOTS.into_iter().zip(tools) {
        slots[slot as usize] = value;
    }
    let mut performers = [0u32; 6];
    for performer in intake.talent.performers.iter().flatten() {
        for (union, value) in performers
            .iter_mut()
            .zip(performer_values(performer, records))
        {
            *union |= value;
        }
    }
    for (slot, value) in PERFORMER_SLOTS.into_iter().zip(performers) {
        slots[slot as usize] = value;
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use clearance_domain::ConsentStatus;

    #[test]
    fn left_out_values_count_as_their_defaults_and_are_marked() {
        let intake = Intake {
            tools: Some(vec![Tool {
                name: Some("x".into()),
                ..Tool::default()
            }]),
            ..Intake::default()
        };
        let slots = slots(&intake, Records::none());
        assert_eq!(
            slots[SlotId::output_final as usize],
            bit(Answer::Unsure.index()) | MISSING
        );
        assert_eq!(
            slots[SlotId::tool_environment as usize],
            bit(Environment::Unknown.index()) | MISSING
        );
        assert_eq!(slots[SlotId::inputs as usize], MISSING);
        assert_eq!(slots[SlotId::tools as usize], 1 << 1);
        assert_eq!(slots[SlotId::performers as usize], MISSING | 1);
    }

    #[test]
    fn a_consent_record_decides_and_an_unknown_one_is_unresolved() {
        let performer = Performer {
            name: "P".into(),
            consent: Some(Consent::Written),
            consent_id: Some("c1".into()),
            ..Performer::default()
        };
        let mut entry = [0u32; SLOT_WIDTH];
        performer_slots(&performer, Records::none(), &mut entry);
        assert_eq!(entry[SlotId::performer_consent as usize], UNRESOLVED);

        let mut records = Records::default();
        records.consents.insert("c1".into(), ConsentStatus::Void);
        performer_slots(&performer, &records, &mut entry);
        assert_eq!(
            entry[SlotId::performer_consent as usize],
            bit(Consent::None.index())
        );
    }
}
