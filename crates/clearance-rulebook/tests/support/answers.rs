//! Every answer field of an intake, for properties that weaken answers one at a time. Use it
//! from a test with `#[path = "support/answers.rs"] mod answers;`.

use clearance_domain::{Answer, Intake};

/// Every answer (`yes | no | unsure`) field of an intake, in a fixed order, including those of
/// its tools and performers.
pub fn answers(intake: &mut Intake) -> Vec<&mut Option<Answer>> {
    let mut fields = vec![
        &mut intake.output.final_deliverable,
        &mut intake.output.mistaken_for_real,
        &mut intake.output.human_input,
        &mut intake.training.trains_model,
        &mut intake.training.reuse_beyond_production,
        &mut intake.union_work_impact,
    ];
    fields.extend(
        intake
            .tools
            .iter_mut()
            .flatten()
            .map(|tool| &mut tool.trains_on_inputs),
    );
    fields.extend(
        intake
            .talent
            .performers
            .iter_mut()
            .flatten()
            .map(|performer| &mut performer.living),
    );
    fields
}
