//! Properties of the engine over random intakes, and the differential check against the
//! hand-written reference semantics (`clearance_rulebook::hand_written`).

#![expect(
    clippy::panic,
    reason = "a test that cannot load its rulebook fails by panicking"
)]

#[path = "support/answers.rs"]
mod answers;
#[path = "support/arbitrary.rs"]
mod arbitrary;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use clearance_domain::{Answer, Intake, Records, Tier};
use clearance_rulebook::evaluate::{Change, ChangeOp, apply};
use clearance_rulebook::schema::{FIELDS, ItemList, Kind, Scope};
use clearance_rulebook::{Options, Rulebook, embedded, evaluate, hand_written};
use proptest::prelude::*;

fn reference() -> &'static Rulebook {
    static REFERENCE: OnceLock<Rulebook> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        embedded::reference().unwrap_or_else(|error| panic!("reference rulebook: {error}"))
    })
}

fn tier(intake: &Intake) -> Tier {
    reference().decide(intake, Records::none()).tier
}

/// Every single change the spec allows on this intake, found by brute force over the schema.
fn every_single_change(intake: &Intake) -> Vec<Change> {
    let mut changes = Vec::new();
    for field in FIELDS.iter().filter(|field| field.changeable) {
        let entries: Vec<Option<usize>> = match field.scope {
            Scope::Top => vec![None],
            Scope::Entry(ItemList::Tools) => (0..intake.tools.as_ref().map_or(0, Vec::len))
                .map(Some)
                .collect(),
            Scope::Entry(ItemList::Performers) => {
                (0..intake.talent.performers.as_ref().map_or(0, Vec::len))
                    .map(Some)
                    .collect()
            }
        };
        for entry in entries {
            for index in 0..field.kind.names().len() as u32 {
                let op = match field.kind {
                    Kind::List { .. } => ChangeOp::Remove(index),
                    _ => ChangeOp::Set(index),
                };
                changes.push(Change {
                    slot: field.slot,
                    entry,
                    op,
                });
            }
        }
    }
    changes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    /// The rulebook means what the spec says: the same tier, the same principles, and at least
    /// the citations the spec requires, as the hand-written semantics.
    #[test]
    fn the_reference_rulebook_agrees_with_the_hand_written_semantics(intake in arbitrary::intake()) {
        let expected = hand_written::decide(&intake);
        let evaluation = evaluate(&[reference()], &intake, Records::none(), Options { lower_tier_if: false });
        prop_assert_eq!(evaluation.tier, expected.tier, "intake: {:#?}", intake);
        let principles = evaluation.principles.clone().unwrap_or_default();
        for (index, answer) in expected.principles.iter().enumerate() {
            prop_assert_eq!(principles.get((index + 1).to_string().as_str()), Some(answer), "principle {} of {:#?}", index + 1, intake);
        }
        let cited: BTreeSet<&str> = evaluation.findings.iter().flat_map(|finding| finding.citations.iter().map(|key| &**key)).collect();
        for key in expected.cited_keys() {
            prop_assert!(cited.contains(key), "`{}` not cited for {:#?}; cited {:?}", key, intake, cited);
        }
        prop_assert_eq!(reference().decide(&intake, Records::none()).tier, evaluation.tier);
    }

    /// The branch-free kernel and the tree walker fire exactly the same rules.
    #[test]
    fn the_kernel_and_the_tree_walker_agree(intake in arbitrary::intake()) {
        let slots = clearance_rulebook::facts::slots(&intake, Records::none());
        prop_assert!(reference().kernel.is_some());
        let fast = reference().decide_slots(&intake, Records::none(), &slots);
        let walked = reference().walk(&intake, Records::none(), &slots);
        prop_assert_eq!(fast, walked, "intake: {:#?}", intake);
    }

    /// The full result is the same whether the kernel or the tree walker decides: findings,
    /// principles, unanswered questions and all.
    #[test]
    fn the_full_result_does_not_depend_on_the_kernel(intake in arbitrary::intake()) {
        let mut walker_only = reference().clone();
        walker_only.kernel = None;
        let fast = evaluate(&[reference()], &intake, Records::none(), Options::default());
        let slow = evaluate(&[&walker_only], &intake, Records::none(), Options::default());
        prop_assert_eq!(serde_json::to_value(&fast).ok(), serde_json::to_value(&slow).ok(), "intake: {:#?}", intake);
    }

    /// The same intake always gives the same result, byte for byte.
    #[test]
    fn evaluation_is_deterministic(intake in arbitrary::intake()) {
        let first = evaluate(&[reference()], &intake, Records::none(), Options::default());
        let second = evaluate(&[reference()], &intake.clone(), Records::none(), Options::default());
        prop_assert_eq!(serde_json::to_string(&first).ok(), serde_json::to_string(&second).ok());
    }

    /// Every finding cites at least one clause, and every citation is in the catalogue.
    #[test]
    fn every_finding_cites_a_catalogued_clause(intake in arbitrary::intake()) {
        let evaluation = evaluate(&[reference()], &intake, Records::none(), Options { lower_tier_if: false });
        prop_assert!(!evaluation.findings.is_empty());
        prop_assert!(evaluation.findings.iter().any(|finding| finding.rule == "intro.share-intended-use"));
        for finding in &evaluation.findings {
            prop_assert!(!finding.citations.is_empty(), "{} cites nothing", finding.rule);
            for key in finding.citations.iter() {
                prop_assert!(reference().clause(key).is_some(), "{} cites unknown {}", finding.rule, key);
            }
            prop_assert!(finding.tier <= evaluation.tier);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_500))]

    /// Answering `unsure` (or leaving the answer out) instead of `no` never lowers the tier.
    #[test]
    fn no_to_unsure_never_lowers_the_tier(intake in arbitrary::intake()) {
        let base = tier(&intake);
        let count = answers::answers(&mut intake.clone()).len();
        for position in 0..count {
            let mut changed = intake.clone();
            let mut fields = answers::answers(&mut changed);
            if *fields[position] != Some(Answer::No) {
                continue;
            }
            *fields[position] = Some(Answer::Unsure);
            prop_assert!(tier(&changed) >= base, "answer {} no→unsure lowered {} for {:#?}", position, base, intake);
            let mut left_out = intake.clone();
            *answers::answers(&mut left_out)[position] = None;
            prop_assert!(tier(&left_out) >= base, "answer {} no→left out lowered {}", position, base);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// Every suggestion, applied, gives exactly the tier it promises; it is inclusion-minimal,
    /// small, never touches a fact, and the list is ordered and bounded.
    #[test]
    fn lower_tier_if_suggestions_keep_their_promise(intake in arbitrary::intake()) {
        let evaluation = evaluate(&[reference()], &intake, Records::none(), Options::default());
        prop_assert!(evaluation.lower_tier_if.len() <= 5);
        if evaluation.tier == Tier::Notify {
            prop_assert!(evaluation.lower_tier_if.is_empty());
        }
        let mut previous: Option<(Tier, usize)> = None;
        for suggestion in &evaluation.lower_tier_if {
            let changes = &suggestion.applied;
            prop_assert!(!changes.is_empty() && changes.len() <= 3);
            prop_assert!(suggestion.tier < evaluation.tier);
            let mut changed = intake.clone();
            apply(&mut changed, changes);
            prop_assert_eq!(tier(&changed), suggestion.tier, "suggestion {:?} for {:#?}", suggestion.changes, intake);
            prop_assert_eq!(changed.title.as_str(), intake.title.as_str());
            for change in changes {
                prop_assert!(FIELDS[change.slot].changeable, "{} is a fact", change.path());
            }
            // No proper subset reaches the same tier or a lower one.
            for mask in 1..(1u32 << changes.len()) - 1 {
                let subset: Vec<Change> = changes.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, c)| *c).collect();
                let mut partial = intake.clone();
                apply(&mut partial, &subset);
                prop_assert!(tier(&partial) > suggestion.tier, "{:?} is not minimal: {:?} suffices", suggestion.changes, subset);
            }
            let key = (suggestion.tier, changes.len());
            if let Some(before) = previous {
                prop_assert!(before <= key, "suggestions out of order: {:?} then {:?}", before, key);
            }
            previous = Some(key);
        }
    }

    /// No single change reaches a lower tier than the best suggestion (the search misses nothing
    /// a one-field edit would find).
    #[test]
    fn lower_tier_if_finds_what_single_changes_find(intake in arbitrary::intake()) {
        let evaluation = evaluate(&[reference()], &intake, Records::none(), Options::default());
        prop_assume!(!evaluation.lower_tier_if_truncated);
        let best = evaluation.lower_tier_if.first().map_or(evaluation.tier, |suggestion| suggestion.tier);
        for change in every_single_change(&intake) {
            // Becoming unsure is deliberately never suggested.
            if FIELDS[change.slot].kind == Kind::Answer && change.op == ChangeOp::Set(Answer::Unsure as u32) {
                continue;
            }
            let mut changed = intake.clone();
            apply(&mut changed, &[change]);
            let reached = tier(&changed);
            prop_assert!(reached >= best, "{} reaches {} but the best suggestion is {} for {:#?}", change.describe(), reached, best, intake);
        }
    }
}

#[test]
fn a_deliberately_wrong_rule_is_caught_by_the_differential_check() {
    // Weaken B1 (sensitive input into a training tool) to `approval`: the differential check must
    // find an intake where the engine and the hand-written semantics disagree.
    let source = embedded::SOURCES[0].1.replacen(
        "  - id: confidentiality.sensitive-input-into-training-tool\n    tier: blocked",
        "  - id: confidentiality.sensitive-input-into-training-tool\n    tier: approval",
        1,
    );
    assert_ne!(
        source,
        embedded::SOURCES[0].1,
        "the rule to weaken was not found"
    );
    let wrong =
        clearance_rulebook::load("wrong.yaml", &source).unwrap_or_else(|error| panic!("{error}"));
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let result = runner.run(&arbitrary::intake(), |intake| {
        prop_assert_eq!(
            wrong.decide(&intake, Records::none()).tier,
            hand_written::decide(&intake).tier
        );
        Ok(())
    });
    assert!(result.is_err(), "the weakened rule went unnoticed");
}
