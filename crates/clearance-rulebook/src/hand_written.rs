//! The reference semantics of `spec/evaluation.md` ("Reference semantics"), written by hand as
//! plain Rust over a typed [`Intake`].
//!
//! This module is not the rule engine. It exists for two reasons:
//!
//! - it is the performance floor: the fastest reasonable way to triage an intake against the
//!   reference guidance (one pass over the tools and performers, bit masks for the lists, no
//!   allocation), so benchmarks can say how far the rule engine is from it;
//! - it is an oracle: differential tests compare the engine's tier, principles and cited clause
//!   keys with [`decide`] on random intakes.
//!
//! It decides only what the spec fixes: the tier, the five principles and the set of clause keys
//! that must be cited. Findings, reasons, actions, `unanswered` and `lower_tier_if` belong to the
//! engine. Registry lookups (`consent_id`, `tool_id`) are ignored: the inline answers are used.
//!
//! Left-out values are read as the spec says: an answer counts as `unsure`; `inputs` and
//! `training.data` are unknown when left out or when they contain `unknown`; `talent.uses` and
//! `tools` are unknown when left out (`tools: []` means no tool); a tool's environment counts as
//! `unknown`, a performer's consent as `none` and `talent.exception` as `none`; a left-out
//! `output.prominence` gives at least `escalate`.

use clearance_domain::{
    Answer, Consent, Element, Environment, Input, Intake, Prominence, Stage, TalentException,
    TalentUse, Tier, TrainingData,
};

/// Clause keys of the reference catalogue, in catalogue order (bit `i` of [`Decision::cited`] is
/// `CLAUSES[i]`).
pub const CLAUSES: [&str; 33] = [
    "netflix:intro/share-intended-use",
    "netflix:intro/final-deliverables",
    "netflix:intro/talent-likeness",
    "netflix:intro/personal-data",
    "netflix:intro/third-party-ip",
    "netflix:principle/1",
    "netflix:principle/2",
    "netflix:principle/3",
    "netflix:principle/4",
    "netflix:principle/5",
    "netflix:data-use/proprietary-or-personal",
    "netflix:data-use/unowned-training",
    "netflix:creative-output/key-elements",
    "netflix:creative-output/protected-references",
    "netflix:talent/digital-replica",
    "netflix:talent/performance-alteration",
    "netflix:ethics/misleading-content",
    "netflix:ethics/union-roles",
    "netflix:confidentiality/enterprise-tools",
    "netflix:confidentiality/tool-terms",
    "netflix:final-output/early-flag",
    "netflix:final-output/rights-clearance",
    "netflix:final-output/prominent-elements",
    "netflix:talent-enhancement/replica-use",
    "netflix:talent-enhancement/alteration-consent",
    "netflix:talent-enhancement/model-scope",
    "netflix:vendors/custom-pipeline",
    "netflix:matrix/1",
    "netflix:matrix/2",
    "netflix:matrix/3",
    "netflix:matrix/4",
    "netflix:matrix/5",
    "netflix:matrix/6",
];

/// The outcome of the reference semantics for one intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// The overall tier.
    pub tier: Tier,
    /// The five guiding principles; index 0 is principle 1.
    pub principles: [Answer; 5],
    /// The clause keys that must be cited, as a bit set: bit `i` is [`CLAUSES`]`[i]`.
    pub cited: u64,
}

impl Decision {
    /// True when the clause `key` must be cited (false for a key outside the catalogue).
    pub fn cites(&self, key: &str) -> bool {
        CLAUSES
            .iter()
            .position(|known| *known == key)
            .is_some_and(|index| self.cited & (1u64 << index) != 0)
    }

    /// The clause keys that must be cited, in catalogue order.
    pub fn cited_keys(&self) -> impl Iterator<Item = &'static str> {
        let cited = self.cited;
        CLAUSES
            .iter()
            .enumerate()
            .filter(move |(index, _)| cited & (1u64 << index) != 0)
            .map(|(_, key)| *key)
    }
}

// --- clause bits, checked against `CLAUSES` at compile time ----------------------------------

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The bit of a clause key, or 0 when the key is not in the catalogue.
const fn clause_bit(key: &str) -> u64 {
    let mut i = 0;
    while i < CLAUSES.len() {
        if same(CLAUSES[i], key) {
            return 1u64 << i;
        }
        i += 1;
    }
    0
}

macro_rules! clause_bits {
    ($($name:ident = $key:literal,)+) => {
        $(
            const $name: u64 = {
                let bit = clause_bit($key);
                assert!(bit != 0, concat!("not a catalogue key: ", $key));
                bit
            };
        )+
    };
}

clause_bits! {
    SHARE_INTENDED_USE = "netflix:intro/share-intended-use",
    FINAL_DELIVERABLES = "netflix:intro/final-deliverables",
    TALENT_LIKENESS = "netflix:intro/talent-likeness",
    PERSONAL_DATA = "netflix:intro/personal-data",
    THIRD_PARTY_IP = "netflix:intro/third-party-ip",
    PRINCIPLE_1 = "netflix:principle/1",
    PROPRIETARY_OR_PERSONAL = "netflix:data-use/proprietary-or-personal",
    UNOWNED_TRAINING = "netflix:data-use/unowned-training",
    KEY_ELEMENTS = "netflix:creative-output/key-elements",
    PROTECTED_REFERENCES = "netflix:creative-output/protected-references",
    DIGITAL_REPLICA = "netflix:talent/digital-replica",
    PERFORMANCE_ALTERATION = "netflix:talent/performance-alteration",
    MISLEADING_CONTENT = "netflix:ethics/misleading-content",
    UNION_ROLES = "netflix:ethics/union-roles",
    ENTERPRISE_TOOLS = "netflix:confidentiality/enterprise-tools",
    TOOL_TERMS = "netflix:confidentiality/tool-terms",
    EARLY_FLAG = "netflix:final-output/early-flag",
    RIGHTS_CLEARANCE = "netflix:final-output/rights-clearance",
    PROMINENT_ELEMENTS = "netflix:final-output/prominent-elements",
    REPLICA_USE = "netflix:talent-enhancement/replica-use",
    ALTERATION_CONSENT = "netflix:talent-enhancement/alteration-consent",
    MODEL_SCOPE = "netflix:talent-enhancement/model-scope",
    CUSTOM_PIPELINE = "netflix:vendors/custom-pipeline",
    MATRIX_1 = "netflix:matrix/1",
    MATRIX_2 = "netflix:matrix/2",
    MATRIX_3 = "netflix:matrix/3",
    MATRIX_4 = "netflix:matrix/4",
    MATRIX_5 = "netflix:matrix/5",
    MATRIX_6 = "netflix:matrix/6",
}

// The five principle keys must be consecutive so that principle `n` is `PRINCIPLE_1 << n`.
const _: () = assert!(clause_bit("netflix:principle/5") == PRINCIPLE_1 << 4);

// --- vocabulary masks (bit `i` of a `Set` is value `i` of its vocabulary) --------------------

const fn input(value: Input) -> u32 {
    1 << value as u32
}

const fn data(value: TrainingData) -> u32 {
    1 << value as u32
}

const fn talent_use(value: TalentUse) -> u32 {
    1 << value as u32
}

/// Sensitive inputs.
const SENSITIVE: u32 = input(Input::Script)
    | input(Input::UnreleasedFootage)
    | input(Input::ProductionImages)
    | input(Input::Contracts)
    | input(Input::TalentLikeness)
    | input(Input::TalentVoice)
    | input(Input::PersonalData);

/// Protected references.
const PROTECTED: u32 = input(Input::ThirdPartyCopyrighted)
    | input(Input::ArtistStyle)
    | input(Input::NamedPerformer)
    | input(Input::PublicFigure)
    | input(Input::DeceasedPerson);

/// Inputs that cite `talent-likeness` on their own.
const TALENT_INPUTS: u32 = input(Input::TalentLikeness) | input(Input::TalentVoice);

/// Inputs that cite `third-party-ip`.
const THIRD_PARTY_INPUTS: u32 = input(Input::ThirdPartyCopyrighted) | input(Input::ArtistStyle);

/// Studio proprietary material (matrix row 6).
const PROPRIETARY: u32 = input(Input::OwnedNonSensitive)
    | input(Input::Script)
    | input(Input::UnreleasedFootage)
    | input(Input::ProductionImages)
    | input(Input::Contracts);

/// Training data that needs clearance (approval, `data-use/unowned-training`).
const UNOWNED_DATA: u32 = data(TrainingData::Licensed)
    | data(TrainingData::PerformerMaterial)
    | data(TrainingData::ThirdPartyUnlicensed);

/// Training data that cites `third-party-ip` and `matrix/5`.
const THIRD_PARTY_DATA: u32 =
    data(TrainingData::Licensed) | data(TrainingData::ThirdPartyUnlicensed);

/// Likeness uses.
const LIKENESS: u32 = talent_use(TalentUse::DigitalReplica)
    | talent_use(TalentUse::VoiceReplica)
    | talent_use(TalentUse::DeAging)
    | talent_use(TalentUse::FaceSwap);

/// Alteration uses.
const ALTERATION: u32 = talent_use(TalentUse::Alteration)
    | talent_use(TalentUse::VisualAdr)
    | talent_use(TalentUse::LipSyncDub);

/// A principle from its two conditions: `no` wins over `unsure`.
const fn principle(no: bool, unsure: bool) -> Answer {
    if no {
        Answer::No
    } else if unsure {
        Answer::Unsure
    } else {
        Answer::Yes
    }
}

/// Triages one intake by the reference semantics. Allocation-free; one pass over the tools and
/// one over the performers.
pub fn decide(intake: &Intake) -> Decision {
    // Answers: a left-out answer counts as `unsure`.
    let final_answer = intake.output.final_deliverable.unwrap_or(Answer::Unsure);
    let mistaken = intake.output.mistaken_for_real.unwrap_or(Answer::Unsure);
    let union_work = intake.union_work_impact.unwrap_or(Answer::Unsure);
    let trains_model = intake.training.trains_model.unwrap_or(Answer::Unsure);
    let reuse = intake
        .training
        .reuse_beyond_production
        .unwrap_or(Answer::Unsure);
    let final_yes = matches!(final_answer, Answer::Yes);
    let final_no = matches!(final_answer, Answer::No);
    let prominence = intake.output.prominence;

    // Lists: left out is unknown; `inputs` and `training.data` are also unknown with `unknown`.
    let inputs = intake.inputs.map_or(0, |set| set.bits());
    let inputs_unknown = intake.inputs.is_none() || inputs & input(Input::Unknown) != 0;
    let training = intake.training.data.map_or(0, |set| set.bits());
    let data_unknown =
        intake.training.data.is_none() || training & data(TrainingData::Unknown) != 0;
    let uses = intake.talent.uses.map_or(0, |set| set.bits());
    let uses_unknown = intake.talent.uses.is_none();

    let sensitive = inputs & SENSITIVE != 0;
    let protected = inputs & PROTECTED != 0;
    let likeness = uses & LIKENESS != 0;
    let alteration = uses & ALTERATION != 0;
    let synthetic = uses & talent_use(TalentUse::SyntheticPerformer) != 0;

    // `talent.exception` left out counts as `none`.
    let exception = intake.talent.exception.unwrap_or(TalentException::None);
    let customary = matches!(
        exception,
        TalentException::AsRecorded
            | TalentException::CustomaryAlteration
            | TalentException::DubbingOrDouble
    );
    let replica_exception = matches!(
        exception,
        TalentException::AsRecorded
            | TalentException::UnsafeForHuman
            | TalentException::Unrecognizable
    );

    // Performers: consented when there is at least one and every consent is `written`
    // (a left-out consent counts as `none`).
    let performers = intake.talent.performers.as_deref().unwrap_or(&[]);
    let has_performers = !performers.is_empty();
    let consented = has_performers
        && performers
            .iter()
            .all(|performer| performer.consent == Some(Consent::Written));

    // Tools, in one pass. A left-out environment counts as `unknown`; a left-out
    // `trains_on_inputs` as `unsure`.
    let tools_known = intake.tools.is_some();
    let tools = intake.tools.as_deref().unwrap_or(&[]);
    let mut trains_yes = false; // some tool trains on inputs
    let mut trains_unsure = false; // some tool's answer is unsure or left out
    let mut consumer = false; // some environment is consumer
    let mut environment_unknown = false; // some environment is unknown or left out
    for tool in tools {
        match tool.trains_on_inputs {
            Some(Answer::Yes) => trains_yes = true,
            Some(Answer::No) => {}
            Some(Answer::Unsure) | Option::None => trains_unsure = true,
        }
        match tool.environment {
            Some(Environment::StudioEnterprise | Environment::EnterpriseNoTraining) => {}
            Some(Environment::Consumer) => consumer = true,
            Some(Environment::Unknown) | Option::None => environment_unknown = true,
        }
    }
    let outside_enterprise = consumer || environment_unknown; // some tool is not enterprise
    let custom_pipeline = intake.vendor.is_some() || tools.len() > 1;

    // The five principles.
    let principles = [
        principle(
            protected || training & data(TrainingData::ThirdPartyUnlicensed) != 0,
            inputs_unknown || (!matches!(trains_model, Answer::No) && data_unknown),
        ),
        principle(trains_yes, !tools_known || trains_unsure),
        principle(consumer, !tools_known || environment_unknown),
        principle(final_yes, matches!(final_answer, Answer::Unsure)),
        principle(
            matches!(union_work, Answer::Yes)
                || synthetic
                || (likeness && !consented)
                || (alteration && !customary && !consented),
            matches!(union_work, Answer::Unsure) || uses_unknown,
        ),
    ];
    let principle_fails = principles.iter().any(|value| !matches!(value, Answer::Yes));

    // Blocked: B1–B6.
    let b5 = matches!(reuse, Answer::Yes) && training & data(TrainingData::PerformerMaterial) != 0;
    let blocked = (sensitive && trains_yes)
        || training & data(TrainingData::ThirdPartyUnlicensed) != 0
        || (likeness && !consented)
        || (alteration && !customary && !consented)
        || b5
        || (matches!(mistaken, Answer::Yes) && (likeness || alteration) && has_performers);

    let approval = final_yes
        || sensitive
        || protected
        || likeness
        || alteration
        || prominence == Some(Prominence::Key)
        || matches!(mistaken, Answer::Yes)
        || matches!(union_work, Answer::Yes)
        || training & UNOWNED_DATA != 0;

    let escalate = principle_fails
        || matches!(mistaken, Answer::Unsure)
        || prominence.is_none()
        || (inputs & input(Input::OwnedNonSensitive) != 0 && outside_enterprise);

    let tier = if blocked {
        Tier::Blocked
    } else if approval {
        Tier::Approval
    } else if escalate {
        Tier::Escalate
    } else {
        Tier::Notify
    };

    // Cited clauses.
    let mut cited = SHARE_INTENDED_USE;
    let mut cite = |condition: bool, bits: u64| {
        if condition {
            cited |= bits;
        }
    };
    for (n, value) in principles.iter().enumerate() {
        cite(!matches!(value, Answer::Yes), PRINCIPLE_1 << n);
    }
    cite(final_yes, FINAL_DELIVERABLES | EARLY_FLAG);
    cite(inputs & TALENT_INPUTS != 0 || likeness, TALENT_LIKENESS);
    cite(inputs & input(Input::PersonalData) != 0, PERSONAL_DATA);
    cite(
        inputs & THIRD_PARTY_INPUTS != 0 || training & THIRD_PARTY_DATA != 0,
        THIRD_PARTY_IP,
    );
    cite(sensitive, PROPRIETARY_OR_PERSONAL);
    cite(training & UNOWNED_DATA != 0, UNOWNED_TRAINING);
    cite(training & THIRD_PARTY_DATA != 0, MATRIX_5);
    cite(prominence == Some(Prominence::Key), KEY_ELEMENTS | MATRIX_3);
    cite(protected, PROTECTED_REFERENCES);
    cite(likeness, DIGITAL_REPLICA | MATRIX_4);
    cite(likeness && replica_exception, REPLICA_USE);
    cite(alteration && !customary, PERFORMANCE_ALTERATION);
    cite(alteration, ALTERATION_CONSENT);
    cite(b5, MODEL_SCOPE);
    cite(!matches!(mistaken, Answer::No), MISLEADING_CONTENT);
    cite(matches!(union_work, Answer::Yes), UNION_ROLES);
    // With `tools: []` every tool is (vacuously) enterprise, so a sensitive input still cites it.
    cite(
        sensitive && tools_known && !outside_enterprise,
        ENTERPRISE_TOOLS,
    );
    cite(
        outside_enterprise || trains_yes || trains_unsure,
        TOOL_TERMS,
    );
    cite(
        final_yes
            && matches!(
                intake.element,
                Some(
                    Element::Poster | Element::Signage | Element::Document | Element::NewsClipping
                )
            ),
        RIGHTS_CLEARANCE,
    );
    cite(
        final_yes && matches!(prominence, Some(Prominence::Prominent | Prominence::Key)),
        PROMINENT_ELEMENTS,
    );
    cite(
        custom_pipeline
            && (!matches!(principles[1], Answer::Yes) || !matches!(principles[2], Answer::Yes)),
        CUSTOM_PIPELINE,
    );
    cite(
        final_no
            && (matches!(
                intake.stage,
                Some(Stage::Ideation | Stage::Development | Stage::PreProduction)
            ) || matches!(
                intake.element,
                Some(
                    Element::Moodboard
                        | Element::ConceptArt
                        | Element::Storyboard
                        | Element::Previs
                )
            )),
        MATRIX_1,
    );
    cite(
        final_yes
            && matches!(
                intake.element,
                Some(
                    Element::Background
                        | Element::Prop
                        | Element::Poster
                        | Element::Signage
                        | Element::Document
                        | Element::NewsClipping
                        | Element::Graphics
                )
            ),
        MATRIX_2,
    );
    cite(inputs & PROPRIETARY != 0 && outside_enterprise, MATRIX_6);

    Decision {
        tier,
        principles,
        cited,
    }
}

#[cfg(test)]
mod tests {
    use clearance_domain::{Output, Performer, Set, Talent, Tool, Training};

    use super::*;

    fn tool(environment: Option<Environment>, trains: Option<Answer>) -> Tool {
        Tool {
            name: Some("tool".into()),
            tool_id: None,
            environment,
            trains_on_inputs: trains,
        }
    }

    fn performer(consent: Option<Consent>) -> Performer {
        Performer {
            name: "A. Actor".into(),
            consent,
            ..Performer::default()
        }
    }

    fn cited(keys: &[&str]) -> u64 {
        keys.iter().fold(0, |bits, key| bits | clause_bit(key))
    }

    /// The first example of `intake.md`: ideation only, in a consumer tool.
    fn moodboard() -> Intake {
        Intake {
            title: "Moodboard for the hospital set".into(),
            production: "Night Shift".into(),
            stage: Some(Stage::Ideation),
            element: Some(Element::Moodboard),
            output: Output {
                final_deliverable: Some(Answer::No),
                prominence: Some(Prominence::None),
                mistaken_for_real: Some(Answer::No),
                human_input: None,
            },
            inputs: Some([Input::None].into_iter().collect()),
            tools: Some(vec![tool(
                Some(Environment::Consumer),
                Some(Answer::Unsure),
            )]),
            training: Training {
                trains_model: Some(Answer::No),
                ..Training::default()
            },
            talent: Talent {
                uses: Some(Set::empty()),
                ..Talent::default()
            },
            union_work_impact: Some(Answer::No),
            ..Intake::default()
        }
    }

    /// The second example of `intake.md`: final VFX from the studio's enterprise pipeline.
    fn building_collapse() -> Intake {
        Intake {
            title: "Building collapse, episode 6".into(),
            production: "The Eternaut".into(),
            stage: Some(Stage::PostProduction),
            element: Some(Element::VfxShot),
            output: Output {
                final_deliverable: Some(Answer::Yes),
                prominence: Some(Prominence::Prominent),
                mistaken_for_real: Some(Answer::No),
                human_input: Some(Answer::Yes),
            },
            inputs: Some(
                [Input::OwnedNonSensitive, Input::UnreleasedFootage]
                    .into_iter()
                    .collect(),
            ),
            tools: Some(vec![tool(
                Some(Environment::StudioEnterprise),
                Some(Answer::No),
            )]),
            training: Training {
                trains_model: Some(Answer::No),
                ..Training::default()
            },
            talent: Talent {
                uses: Some(Set::empty()),
                ..Talent::default()
            },
            union_work_impact: Some(Answer::No),
            ..Intake::default()
        }
    }

    /// A digital replica of one performer, otherwise harmless.
    fn replica(consent: Option<Consent>, exception: Option<TalentException>) -> Intake {
        Intake {
            talent: Talent {
                uses: Some([TalentUse::DigitalReplica].into_iter().collect()),
                exception,
                performers: Some(vec![performer(consent)]),
            },
            ..harmless()
        }
    }

    /// Every answer given and harmless: the only intake shape that is `notify`.
    fn harmless() -> Intake {
        Intake {
            tools: Some(vec![tool(
                Some(Environment::EnterpriseNoTraining),
                Some(Answer::No),
            )]),
            ..moodboard()
        }
    }

    #[test]
    fn the_clause_table_is_the_catalogue() {
        for (index, key) in CLAUSES.iter().enumerate() {
            assert!(key.starts_with("netflix:"));
            assert_eq!(
                CLAUSES.iter().position(|other| other == key),
                Some(index),
                "duplicate {key}"
            );
        }
        let all = Decision {
            tier: Tier::Notify,
            principles: [Answer::Yes; 5],
            cited: (1 << 33) - 1,
        };
        assert_eq!(all.cited_keys().collect::<Vec<_>>(), CLAUSES.to_vec());
        assert!(all.cites("netflix:matrix/6"));
        assert!(!all.cites("netflix:matrix/7"));
        let none = Decision { cited: 0, ..all };
        assert!(!none.cites("netflix:intro/share-intended-use"));
        assert_eq!(none.cited_keys().count(), 0);
    }

    #[test]
    fn moodboard_in_a_consumer_tool_escalates() {
        let decision = decide(&moodboard());
        assert_eq!(decision.tier, Tier::Escalate);
        assert_eq!(
            decision.principles,
            [
                Answer::Yes,
                Answer::Unsure,
                Answer::No,
                Answer::Yes,
                Answer::Yes
            ]
        );
        assert_eq!(
            decision.cited,
            cited(&[
                "netflix:intro/share-intended-use",
                "netflix:principle/2",
                "netflix:principle/3",
                "netflix:confidentiality/tool-terms",
                "netflix:matrix/1",
            ]),
            "{:?}",
            decision.cited_keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn final_vfx_in_the_studio_pipeline_needs_approval() {
        let decision = decide(&building_collapse());
        assert_eq!(decision.tier, Tier::Approval);
        assert_eq!(
            decision.principles,
            [
                Answer::Yes,
                Answer::Yes,
                Answer::Yes,
                Answer::No,
                Answer::Yes
            ]
        );
        assert_eq!(
            decision.cited,
            cited(&[
                "netflix:intro/share-intended-use",
                "netflix:intro/final-deliverables",
                "netflix:final-output/early-flag",
                "netflix:principle/4",
                "netflix:data-use/proprietary-or-personal",
                "netflix:confidentiality/enterprise-tools",
                "netflix:final-output/prominent-elements",
            ]),
            "{:?}",
            decision.cited_keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_harmless_answered_intake_is_notify() {
        let decision = decide(&harmless());
        assert_eq!(decision.tier, Tier::Notify);
        assert_eq!(decision.principles, [Answer::Yes; 5]);
        assert_eq!(
            decision.cited,
            cited(&["netflix:intro/share-intended-use", "netflix:matrix/1"])
        );
    }

    #[test]
    fn everything_left_out_escalates_with_every_principle_unsure() {
        let decision = decide(&Intake::default());
        assert_eq!(decision.tier, Tier::Escalate);
        assert_eq!(decision.principles, [Answer::Unsure; 5]);
        assert_eq!(decision.principles[3], Answer::Unsure);
        assert_eq!(
            decision.cited,
            cited(&[
                "netflix:intro/share-intended-use",
                "netflix:principle/1",
                "netflix:principle/2",
                "netflix:principle/3",
                "netflix:principle/4",
                "netflix:principle/5",
                "netflix:ethics/misleading-content",
            ])
        );
    }

    #[test]
    fn a_left_out_prominence_or_mistaken_for_real_escalates() {
        let mut intake = harmless();
        intake.output.prominence = None;
        assert_eq!(decide(&intake).tier, Tier::Escalate);
        let mut intake = harmless();
        intake.output.mistaken_for_real = None;
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Escalate);
        assert!(decision.cites("netflix:ethics/misleading-content"));
        assert_eq!(decision.principles, [Answer::Yes; 5]);
    }

    #[test]
    fn b3_a_replica_without_written_consent_is_blocked() {
        for consent in [None, Some(Consent::None), Some(Consent::Requested)] {
            let decision = decide(&replica(consent, None));
            assert_eq!(decision.tier, Tier::Blocked, "{consent:?}");
            assert_eq!(decision.principles[4], Answer::No);
            for key in [
                "netflix:intro/talent-likeness",
                "netflix:talent/digital-replica",
                "netflix:matrix/4",
                "netflix:principle/5",
            ] {
                assert!(decision.cites(key), "{key}");
            }
            assert!(!decision.cites("netflix:talent-enhancement/replica-use"));
        }
        // An exception covers using a consented replica, never creating one without consent.
        let decision = decide(&replica(
            Some(Consent::Requested),
            Some(TalentException::AsRecorded),
        ));
        assert_eq!(decision.tier, Tier::Blocked);
        assert!(decision.cites("netflix:talent-enhancement/replica-use"));
        // No performers listed: not consented either.
        let mut intake = replica(Some(Consent::Written), None);
        intake.talent.performers = Some(Vec::new());
        assert_eq!(decide(&intake).tier, Tier::Blocked);
        // One performer without written consent spoils the rest.
        let mut intake = replica(Some(Consent::Written), None);
        intake.talent.performers = Some(vec![performer(Some(Consent::Written)), performer(None)]);
        assert_eq!(decide(&intake).tier, Tier::Blocked);
    }

    #[test]
    fn a_consented_replica_needs_approval() {
        let decision = decide(&replica(Some(Consent::Written), None));
        assert_eq!(decision.tier, Tier::Approval);
        assert_eq!(decision.principles, [Answer::Yes; 5]);
    }

    #[test]
    fn b4_only_a_non_customary_alteration_needs_consent() {
        let alteration = |exception| Intake {
            talent: Talent {
                uses: Some([TalentUse::VisualAdr].into_iter().collect()),
                exception,
                performers: Some(vec![performer(Some(Consent::Requested))]),
            },
            ..harmless()
        };
        let decision = decide(&alteration(Some(TalentException::CustomaryAlteration)));
        assert_eq!(decision.tier, Tier::Approval);
        assert_eq!(decision.principles[4], Answer::Yes);
        assert!(decision.cites("netflix:talent-enhancement/alteration-consent"));
        assert!(!decision.cites("netflix:talent/performance-alteration"));
        // `unsafe_for_human` is a replica exception, not a customary alteration.
        let decision = decide(&alteration(Some(TalentException::UnsafeForHuman)));
        assert_eq!(decision.tier, Tier::Blocked);
        assert!(decision.cites("netflix:talent/performance-alteration"));
        assert_eq!(decide(&alteration(None)).tier, Tier::Blocked);
    }

    #[test]
    fn b6_a_real_person_in_misleading_content_is_blocked_even_with_consent() {
        let mut intake = replica(Some(Consent::Written), None);
        intake.output.mistaken_for_real = Some(Answer::Yes);
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Blocked);
        assert!(decision.cites("netflix:ethics/misleading-content"));
        // A customary alteration needs no consent, but not in misleading content.
        intake.talent = Talent {
            uses: Some([TalentUse::LipSyncDub].into_iter().collect()),
            exception: Some(TalentException::DubbingOrDouble),
            performers: Some(vec![performer(None)]),
        };
        assert_eq!(decide(&intake).tier, Tier::Blocked);
        intake.output.mistaken_for_real = Some(Answer::No);
        assert_eq!(decide(&intake).tier, Tier::Approval);
        // Without a listed real person B6 does not apply.
        intake.output.mistaken_for_real = Some(Answer::Yes);
        intake.talent.performers = Some(Vec::new());
        assert_eq!(decide(&intake).tier, Tier::Approval);
    }

    #[test]
    fn b1_sensitive_input_into_a_training_tool_is_blocked() {
        let mut intake = building_collapse();
        intake.tools = Some(vec![tool(
            Some(Environment::StudioEnterprise),
            Some(Answer::Yes),
        )]);
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Blocked);
        assert_eq!(decision.principles[1], Answer::No);
        assert!(decision.cites("netflix:confidentiality/tool-terms"));
        assert!(decision.cites("netflix:confidentiality/enterprise-tools"));
        // Owned, non-sensitive input into the same tool is not B1.
        intake.inputs = Some([Input::OwnedNonSensitive].into_iter().collect());
        assert_eq!(decide(&intake).tier, Tier::Approval);
    }

    #[test]
    fn b2_and_b5_block_on_training_data() {
        let mut intake = harmless();
        intake.training = Training {
            trains_model: Some(Answer::Yes),
            data: Some([TrainingData::ThirdPartyUnlicensed].into_iter().collect()),
            reuse_beyond_production: Some(Answer::No),
        };
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Blocked);
        assert_eq!(decision.principles[0], Answer::No);
        assert!(
            decision.cites("netflix:matrix/5") && decision.cites("netflix:intro/third-party-ip")
        );

        intake.training.data = Some([TrainingData::PerformerMaterial].into_iter().collect());
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Approval);
        assert!(!decision.cites("netflix:matrix/5"));
        assert!(decision.cites("netflix:data-use/unowned-training"));
        intake.training.reuse_beyond_production = Some(Answer::Yes);
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Blocked);
        assert!(decision.cites("netflix:talent-enhancement/model-scope"));
        // A model trained on data that is not known leaves principle 1 unsure.
        intake.training.data = Some(
            [TrainingData::Owned, TrainingData::Unknown]
                .into_iter()
                .collect(),
        );
        assert_eq!(decide(&intake).principles[0], Answer::Unsure);
    }

    #[test]
    fn matrix_6_needs_a_tool_outside_enterprise() {
        let mut intake = harmless();
        intake.inputs = Some([Input::OwnedNonSensitive].into_iter().collect());
        assert_eq!(decide(&intake).tier, Tier::Notify);
        // A left-out environment counts as unknown: matrix row 6 escalates.
        intake.tools = Some(vec![tool(None, Some(Answer::No))]);
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Escalate);
        assert!(decision.cites("netflix:matrix/6"));
        assert_eq!(decision.principles[2], Answer::Unsure);
        // Tools not known: no tool to be outside enterprise.
        intake.tools = None;
        let decision = decide(&intake);
        assert!(!decision.cites("netflix:matrix/6"));
        assert!(!decision.cites("netflix:confidentiality/tool-terms"));
        assert_eq!(decision.tier, Tier::Escalate);
        // No tools at all: principles 2 and 3 hold.
        intake.tools = Some(Vec::new());
        let decision = decide(&intake);
        assert_eq!(decision.tier, Tier::Notify);
        assert_eq!(decision.principles, [Answer::Yes; 5]);
    }

    #[test]
    fn a_custom_pipeline_is_cited_only_when_a_tool_principle_fails() {
        let mut intake = harmless();
        intake.vendor = Some("Vendor".into());
        assert!(!decide(&intake).cites("netflix:vendors/custom-pipeline"));
        intake.tools = Some(vec![
            tool(Some(Environment::StudioEnterprise), Some(Answer::No)),
            tool(Some(Environment::StudioEnterprise), None),
        ]);
        intake.vendor = None;
        let decision = decide(&intake);
        assert!(decision.cites("netflix:vendors/custom-pipeline"));
        assert!(decision.cites("netflix:confidentiality/tool-terms"));
        assert_eq!(decision.principles[1], Answer::Unsure);
        assert_eq!(decision.tier, Tier::Escalate);
    }
}
