//! The differential check: on random valid intakes, clearance's reference rulebook, the
//! hand-written semantics, Cedar, Rego (interpreted and on the RVM) and CEL must all give the same
//! tier. A disagreement fails the run and is printed as a shrunk (minimal) intake.
//!
//! `CLEARANCE_DIFFERENTIAL_CASES` sets the number of intakes (default 10,000; `bench/peers` runs
//! 100,000).

#![expect(
    clippy::panic,
    reason = "a test that cannot build its engines fails by panicking"
)]

#[path = "../../../crates/clearance-rulebook/tests/support/arbitrary.rs"]
mod arbitrary;

use std::sync::OnceLock;

use clearance_domain::{Intake, Records, Tier};
use clearance_peers::Peer;
use clearance_peers::cedar::Cedar;
use clearance_peers::cel_peer::Cel;
use clearance_peers::rego::{Rego, RegoVm};
use clearance_rulebook::{Rulebook, embedded, hand_written};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

fn cases() -> u32 {
    std::env::var("CLEARANCE_DIFFERENTIAL_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(10_000)
}

fn reference() -> &'static Rulebook {
    static REFERENCE: OnceLock<Rulebook> = OnceLock::new();
    REFERENCE.get_or_init(|| embedded::reference().unwrap_or_else(|error| panic!("{error}")))
}

/// Every engine's tier for one intake, named.
fn tiers(
    intake: &Intake,
    cedar: &Cedar,
    rego: &Rego,
    rego_vm: &RegoVm,
    cel: &Cel,
) -> Vec<(&'static str, Result<Tier, String>)> {
    let peer = |engine: &dyn Fn(&Intake) -> anyhow::Result<clearance_peers::PeerDecision>| {
        engine(intake)
            .map(|decision| decision.tier)
            .map_err(|error| format!("{error:#}"))
    };
    vec![
        (
            "clearance",
            Ok(reference().decide(intake, Records::none()).tier),
        ),
        ("hand-written", Ok(hand_written::decide(intake).tier)),
        ("cedar", peer(&|intake| cedar.decide_intake(intake))),
        ("regorus", peer(&|intake| rego.decide_intake(intake))),
        ("regorus-rvm", peer(&|intake| rego_vm.decide_intake(intake))),
        ("cel", peer(&|intake| cel.decide_intake(intake))),
    ]
}

fn agree(
    intake: &Intake,
    cedar: &Cedar,
    rego: &Rego,
    rego_vm: &RegoVm,
    cel: &Cel,
) -> Result<(), TestCaseError> {
    let all = tiers(intake, cedar, rego, rego_vm, cel);
    let first = &all[0].1;
    if all.iter().any(|(_, tier)| tier != first) {
        let summary: Vec<String> = all
            .iter()
            .map(|(name, tier)| format!("{name}: {tier:?}"))
            .collect();
        let json = serde_json::to_string_pretty(&intake.to_json()).unwrap_or_default();
        return Err(TestCaseError::fail(format!(
            "engines disagree ({})\nintake:\n{json}",
            summary.join(", ")
        )));
    }
    Ok(())
}

fn engines() -> (Cedar, Rego, RegoVm, Cel) {
    let cedar = Cedar::new().unwrap_or_else(|error| panic!("cedar: {error:#}"));
    let rego = Rego::new().unwrap_or_else(|error| panic!("regorus: {error:#}"));
    let rego_vm = RegoVm::new().unwrap_or_else(|error| panic!("regorus rvm: {error:#}"));
    let cel = Cel::new().unwrap_or_else(|error| panic!("cel: {error:#}"));
    (cedar, rego, rego_vm, cel)
}

#[test]
fn every_engine_gives_the_same_tier_on_random_intakes() {
    let (cedar, rego, rego_vm, cel) = engines();
    let count = cases();
    let mut runner = TestRunner::new(Config {
        cases: count,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&arbitrary::intake(), |intake| {
        agree(&intake, &cedar, &rego, &rego_vm, &cel)
    });
    if let Err(error) = result {
        panic!("{error}");
    }
    eprintln!(
        "{count} random intakes: clearance, the hand-written semantics, Cedar, regorus (interpreter and RVM) and CEL agree on every tier"
    );
}

#[test]
fn every_engine_gives_the_same_tier_on_every_scenario() {
    let (cedar, rego, rego_vm, cel) = engines();
    for (name, intake) in clearance_peers::scenarios::load(false) {
        if let Err(error) = agree(&intake, &cedar, &rego, &rego_vm, &cel) {
            panic!("{name}: {error}");
        }
    }
}

#[test]
fn a_deliberately_wrong_peer_rule_is_caught() {
    // Weaken B1 (sensitive input into a tool that trains on it) from blocked to approval in the
    // CEL encoding: the differential check must find an intake on which CEL now disagrees.
    let source = include_str!("../policies/reference-cel.txt");
    let wrong = source.replacen(
        "b1.sensitive-into-training-tool | blocked |",
        "b1.sensitive-into-training-tool | approval |",
        1,
    );
    assert_ne!(wrong, source, "the rule to weaken was not found");
    let cel = Cel::from_source(&wrong).unwrap_or_else(|error| panic!("cel: {error:#}"));
    let mut runner = TestRunner::new(Config {
        cases: 10_000,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&arbitrary::intake(), |intake| {
        let expected = hand_written::decide(&intake).tier;
        let actual = cel
            .decide_intake(&intake)
            .map_err(|error| TestCaseError::fail(format!("{error:#}")))?
            .tier;
        prop_assert_eq!(actual, expected);
        Ok(())
    });
    let Err(failure) = result else {
        panic!("the weakened CEL rule went unnoticed on 10,000 intakes")
    };
    // The shrunk intake names the rule's ingredients: a sensitive input and a tool training on it.
    let message = failure.to_string();
    assert!(
        message.contains("Approval") && message.contains("Blocked"),
        "{message}"
    );
}
