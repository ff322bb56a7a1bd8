//! The CEL encoding of the reference semantics (`policies/reference-cel.txt`) gives the tier of
//! the hand-written oracle, on every scenario intake and on random intakes, and no expression
//! ever fails to evaluate.

#![expect(
    clippy::panic,
    reason = "a test that cannot build its engine or input fails by panicking"
)]

#[path = "../../../crates/clearance-rulebook/tests/support/arbitrary.rs"]
mod arbitrary;

use std::sync::OnceLock;

use clearance_domain::{Intake, Tier};
use clearance_peers::cel_peer::{Cel, Evaluation};
use clearance_peers::{Peer, scenarios};
use clearance_rulebook::hand_written;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn cel() -> &'static Cel {
    static CEL: OnceLock<Cel> = OnceLock::new();
    CEL.get_or_init(|| Cel::new().unwrap_or_else(|error| panic!("the CEL rules: {error:#}")))
}

fn evaluate(intake: &Intake) -> Evaluation {
    let cel = cel();
    let input = cel
        .input(intake)
        .unwrap_or_else(|error| panic!("input: {error:#}"));
    cel.evaluate(&input)
}

/// The CEL tier and the oracle's agree, and no rule failed; otherwise a message with the intake.
fn check(intake: &Intake) -> Result<(), String> {
    let evaluation = evaluate(intake);
    let expected = hand_written::decide(intake).tier;
    if evaluation.decision.tier == expected && evaluation.errors.is_empty() {
        return Ok(());
    }
    let json = serde_json::to_string_pretty(&intake.to_json()).unwrap_or_default();
    Err(format!(
        "cel: {:?}, hand-written: {expected:?}, errors: {:?}\nintake:\n{json}",
        evaluation.decision.tier, evaluation.errors
    ))
}

#[test]
fn the_rules_compile_with_ids_and_every_tier() {
    let rules = cel().rules();
    assert!(rules.len() >= 25, "{} rules", rules.len());
    for tier in Tier::ALL {
        assert!(
            rules.iter().any(|rule| rule.tier == tier),
            "no {tier:?} rule"
        );
    }
    for id in [
        "share",
        "b1.sensitive-into-training-tool",
        "b6.real-person-in-misleading-content",
    ] {
        assert!(rules.iter().any(|rule| rule.id == id), "{id}");
    }
}

#[test]
fn malformed_policy_files_are_rejected() {
    assert!(Cel::from_source("").is_err());
    assert!(Cel::from_source("a | notify").is_err());
    assert!(Cel::from_source("a | sometimes | true").is_err());
    assert!(Cel::from_source("a | notify |").is_err());
    assert!(Cel::from_source("a | notify | true\na | notify | false").is_err());
    assert!(Cel::from_source("a | notify | true &&").is_err());
    assert!(Cel::from_source("  true").is_err());
    let cel =
        Cel::from_source("# comment\na | escalate |\n    true\n    || false\nb | blocked | 1 == 2")
            .unwrap_or_else(|error| panic!("{error:#}"));
    assert_eq!(cel.rules().len(), 2);
    assert_eq!(cel.rules()[0].source, "true\n|| false");
    let decision = cel
        .decide_intake(&Intake::default())
        .unwrap_or_else(|error| panic!("{error:#}"));
    assert_eq!((decision.tier, decision.fired), (Tier::Escalate, 1));
}

#[test]
fn an_expression_that_fails_does_not_fire_and_is_reported() {
    let cel = Cel::from_source(
        "share | notify | true\nbroken | blocked | intake.output.final == 'yes'\nodd | blocked | 1",
    )
    .unwrap_or_else(|error| panic!("{error:#}"));
    let input = cel
        .input(&Intake::default())
        .unwrap_or_else(|error| panic!("{error:#}"));
    let evaluation = cel.evaluate(&input);
    assert_eq!(
        (evaluation.decision.tier, evaluation.decision.fired),
        (Tier::Notify, 1)
    );
    let failed: Vec<&str> = evaluation
        .errors
        .iter()
        .map(|error| error.rule.as_str())
        .collect();
    assert_eq!(failed, ["broken", "odd"]);
    let error = cel
        .decide(&input)
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(error.contains("broken") && error.contains("odd"), "{error}");
}

#[test]
fn every_scenario_gives_the_hand_written_tier() {
    let intakes = scenarios::load(false);
    assert!(
        intakes.len() >= 24,
        "only {} scenario intakes",
        intakes.len()
    );
    println!("{} scenario intakes", intakes.len());
    let failures: Vec<String> = intakes
        .iter()
        .filter_map(|(name, intake)| {
            check(intake)
                .err()
                .map(|message| format!("{name}: {message}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        intakes.len(),
        failures.join("\n\n")
    );
    // The trait's path (input, then decide) agrees with `evaluate`.
    for (name, intake) in &intakes {
        let decision = cel()
            .decide_intake(intake)
            .unwrap_or_else(|error| panic!("{name}: {error:#}"));
        assert_eq!(decision, evaluate(intake).decision, "{name}");
        assert!(decision.fired >= 1, "{name}: `share` always fires");
    }
}

#[test]
fn random_intakes_give_the_hand_written_tier() {
    // `CLEARANCE_CEL_CASES` sets the number of intakes (default 4,000).
    let cases = std::env::var("CLEARANCE_CEL_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(4_000);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let seen = std::cell::RefCell::new([0usize; 4]);
    let result = runner.run(&arbitrary::intake(), |intake| {
        seen.borrow_mut()[hand_written::decide(&intake).tier as usize] += 1;
        check(&intake).map_err(TestCaseError::fail)
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    // The draw reaches every tier, so the comparison means something for each.
    let seen = seen.into_inner();
    println!("tiers drawn (notify, escalate, approval, blocked): {seen:?}");
    assert!(
        seen.iter().all(|count| *count > 0),
        "tiers seen (notify, escalate, approval, blocked): {seen:?}"
    );
}
