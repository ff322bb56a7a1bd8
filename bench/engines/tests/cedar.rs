//! The Cedar encoding of the reference semantics agrees with `hand_written::decide` on the tier:
//! on every scenario intake and on random intakes.

#[path = "../../../crates/clearance-rulebook/tests/support/arbitrary.rs"]
mod arbitrary;

use std::sync::OnceLock;

use clearance_domain::Tier;
use clearance_peers::Peer;
use clearance_peers::cedar::{Cedar, context_json};
use clearance_rulebook::hand_written;
use proptest::prelude::*;

/// The policies, loaded once for all tests.
fn load() -> Result<&'static Cedar, String> {
    static CEDAR: OnceLock<Result<Cedar, String>> = OnceLock::new();
    CEDAR
        .get_or_init(|| Cedar::new().map_err(|error| format!("{error:#}")))
        .as_ref()
        .map_err(Clone::clone)
}

#[test]
fn the_policies_load_with_one_tier_each() {
    assert_eq!(load().expect("reference.cedar loads").policy_count(), 24);
}

#[test]
fn every_scenario_gets_the_hand_written_tier() {
    let scenarios = clearance_peers::scenarios::load(false);
    assert_eq!(scenarios.len(), 86, "scenario count");
    let mut seen = [0usize; 4];
    for (name, intake) in &scenarios {
        let expected = hand_written::decide(intake).tier;
        let decision = load()
            .expect("reference.cedar loads")
            .decide_intake(intake)
            .expect("Cedar decides");
        assert_eq!(
            decision.tier,
            expected,
            "{name}: Cedar {} vs hand-written {}\ncontext: {}",
            decision.tier,
            expected,
            context_json(intake)
        );
        assert!(
            decision.fired >= 1,
            "{name}: share-intended-use always fires"
        );
        seen[expected as usize] += 1;
    }
    eprintln!("scenarios by tier (notify, escalate, approval, blocked): {seen:?}");
}

#[test]
fn an_empty_intake_escalates() {
    let intake = clearance_domain::Intake::default();
    let decision = load()
        .expect("reference.cedar loads")
        .decide_intake(&intake)
        .expect("Cedar decides");
    assert_eq!(decision.tier, Tier::Escalate);
    // share-intended-use, the five principles, mistaken-for-real unsure, prominence left out.
    assert_eq!(decision.fired, 8);
}

/// A fixed, seeded draw of random intakes (the same every run), with the tiers it reached, so the
/// agreement can be reported as a count.
#[test]
fn ten_thousand_seeded_random_intakes_get_the_hand_written_tier() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    const DRAWS: usize = 10_000;
    let strategy = arbitrary::intake();
    let mut runner = TestRunner::deterministic();
    let mut by_tier = [0usize; 4];
    for _ in 0..DRAWS {
        let intake = strategy.new_tree(&mut runner).expect("a draw").current();
        let expected = hand_written::decide(&intake).tier;
        let decision = load()
            .expect("reference.cedar loads")
            .decide_intake(&intake)
            .expect("Cedar decides");
        assert_eq!(
            decision.tier,
            expected,
            "intake: {intake:#?}\ncontext: {}",
            context_json(&intake)
        );
        by_tier[expected as usize] += 1;
    }
    eprintln!(
        "{DRAWS} seeded random intakes agreed; by tier (notify, escalate, approval, blocked): {by_tier:?}"
    );
    assert!(
        by_tier.iter().all(|count| *count > 0),
        "every tier reached: {by_tier:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

    #[test]
    fn random_intakes_get_the_hand_written_tier(intake in arbitrary::intake()) {
        let expected = hand_written::decide(&intake).tier;
        let decision = load().map_err(TestCaseError::fail)?.decide_intake(&intake).map_err(|error| TestCaseError::fail(error.to_string()))?;
        prop_assert_eq!(
            decision.tier,
            expected,
            "intake: {:#?}\ncontext: {}",
            intake,
            context_json(&intake)
        );
    }
}
