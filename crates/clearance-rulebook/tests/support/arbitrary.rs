//! Random valid intakes for property and differential tests.
//!
//! Use it from an integration test in `tests/` with
//!
//! ```ignore
//! #[path = "support/arbitrary.rs"]
//! mod arbitrary;
//!
//! proptest::proptest! {
//!     #[test]
//!     fn my_property(intake in arbitrary::intake()) { /* … */ }
//! }
//! ```
//!
//! [`intake`] covers every value of every vocabulary, left-out (`None`) answers, enums and lists,
//! empty lists, lists containing `unknown`, 0–4 tools (and `tools` left out), 0–3 performers (and
//! `performers` left out), a vendor or none, and `talent.uses` left out or any subset. Registry
//! references (`tool_id`, `consent_id`) stay `None`.
//!
//! The draw is biased toward realistic, mostly answered intakes: a share of them lean hard toward
//! harmless answers, so that every tier (`notify` included) comes up often.

use clearance_domain::{
    Answer, AudienceDisclosure, Consent, Element, Environment, Input, Intake, Media, Output,
    Performer, Prominence, Region, Role, Set, Stage, Talent, TalentException, TalentUse, Tool,
    Training, TrainingData, Union, Vocabulary,
};
use proptest::prelude::*;
use proptest::sample::select;

/// A random valid intake (see the module documentation).
pub fn intake() -> impl Strategy<Value = Intake> {
    // `lean` is how strongly each field leans toward its harmless value, in percent.
    prop_oneof![
        2 => intake_leaning(90),
        3 => intake_leaning(45),
    ]
}

/// An intake whose fields each take their harmless value with about `lean` percent chance, and
/// otherwise any value (left out included).
fn intake_leaning(lean: u32) -> impl Strategy<Value = Intake> {
    let output = (
        leaning(lean, Some(Answer::No), answer()),
        leaning(
            lean,
            Some(Prominence::None),
            optional(select(Prominence::ALL)),
        ),
        leaning(lean, Some(Answer::No), answer()),
        answer(),
    )
        .prop_map(
            |(final_deliverable, prominence, mistaken_for_real, human_input)| Output {
                final_deliverable,
                prominence,
                mistaken_for_real,
                human_input,
            },
        );
    let harmless_inputs: Vec<Option<Set<Input>>> = vec![
        Some(Set::empty()),
        Some(set([Input::None])),
        Some(set([Input::OwnedNonSensitive])),
        Some(set([Input::None, Input::OwnedNonSensitive])),
    ];
    let inputs = prop_oneof![
        lean => select(harmless_inputs),
        100 - lean => optional(list::<Input>()),
    ];
    let tools = prop_oneof![
        1 => Just(None),
        12 => proptest::collection::vec(tool(lean), 0..=4).prop_map(Some),
    ];
    let training = (
        leaning(lean, Some(Answer::No), answer()),
        leaning(lean, Some(Set::empty()), optional(list::<TrainingData>())),
        leaning(lean, Some(Answer::No), answer()),
    )
        .prop_map(|(trains_model, data, reuse_beyond_production)| Training {
            trains_model,
            data,
            reuse_beyond_production,
        });
    let talent = (
        leaning(lean, Some(Set::empty()), optional(list::<TalentUse>())),
        optional(select(TalentException::ALL)),
        optional(proptest::collection::vec(performer(lean), 0..=3)),
    )
        .prop_map(|(uses, exception, performers)| Talent {
            uses,
            exception,
            performers,
        });
    let about = (
        optional(Just("Vendor Co".to_owned())),
        optional(select(Stage::ALL)),
        optional(list::<Media>()),
        optional(select(Element::ALL)),
        optional(Just("What will be done.".to_owned())),
    );
    let rest = (
        leaning(lean, Some(Answer::No), answer()),
        optional(list::<Region>()),
        optional(select(AudienceDisclosure::ALL)),
    );
    (about, output, inputs, tools, training, talent, rest).prop_map(
        |(
            (vendor, stage, media, element, description),
            output,
            inputs,
            tools,
            training,
            talent,
            (union_work_impact, distribution, audience_disclosure),
        )| Intake {
            title: "Proposed use".to_owned(),
            production: "Production".to_owned(),
            description,
            submitted_by: None,
            vendor,
            stage,
            media,
            element,
            output,
            inputs,
            tools,
            training,
            talent,
            union_work_impact,
            distribution,
            audience_disclosure,
        },
    )
}

/// One tool; a harmless one runs in an enterprise environment and does not train on inputs.
fn tool(lean: u32) -> impl Strategy<Value = Tool> {
    let enterprise = select(vec![
        Some(Environment::StudioEnterprise),
        Some(Environment::EnterpriseNoTraining),
    ]);
    (
        prop_oneof![
            lean => enterprise,
            100 - lean => optional(select(Environment::ALL)),
        ],
        leaning(lean, Some(Answer::No), answer()),
    )
        .prop_map(|(environment, trains_on_inputs)| Tool {
            name: Some("Tool".to_owned()),
            tool_id: None,
            environment,
            trains_on_inputs,
        })
}

/// One performer; a harmless one has given written consent.
fn performer(lean: u32) -> impl Strategy<Value = Performer> {
    (
        optional(select(Role::ALL)),
        answer(),
        optional(select(Union::ALL)),
        leaning(lean, Some(Consent::Written), optional(select(Consent::ALL))),
    )
        .prop_map(|(role, living, union, consent)| Performer {
            name: "A. Performer".to_owned(),
            role,
            living,
            union,
            consent,
            consent_id: None,
        })
}

/// An answer: `yes` or `no` more often than `unsure` or left out.
fn answer() -> impl Strategy<Value = Option<Answer>> {
    prop_oneof![
        4 => Just(Some(Answer::Yes)),
        4 => Just(Some(Answer::No)),
        1 => Just(Some(Answer::Unsure)),
        1 => Just(None),
    ]
}

/// A value, left out one time in eight.
fn optional<S: Strategy>(inner: S) -> impl Strategy<Value = Option<S::Value>> {
    proptest::option::weighted(0.875, inner)
}

/// A short list of any values of a vocabulary (empty included; repeats collapse).
fn list<T: Vocabulary>() -> impl Strategy<Value = Set<T>> {
    proptest::collection::vec(select(T::ALL), 0..=3).prop_map(|values| values.into_iter().collect())
}

/// `harmless` with about `lean` percent chance, else a draw from `any`.
fn leaning<T, S>(lean: u32, harmless: T, any: S) -> impl Strategy<Value = T>
where
    T: Clone + std::fmt::Debug + 'static,
    S: Strategy<Value = T> + 'static,
{
    prop_oneof![
        lean => Just(harmless),
        100 - lean => any,
    ]
}

fn set<T: Vocabulary, const N: usize>(values: [T; N]) -> Set<T> {
    values.into_iter().collect()
}
