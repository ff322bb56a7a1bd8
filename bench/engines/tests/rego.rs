//! The Rego encoding (`policies/reference.rego`), run by regorus's interpreter and on its compiled
//! RVM, gives the tier of the hand-written reference semantics: on every scenario intake and on
//! random intakes.

#[path = "../../../crates/clearance-rulebook/tests/support/arbitrary.rs"]
mod arbitrary;

use clearance_domain::{Intake, Tier};
use clearance_peers::rego::{Rego, RegoVm};
use clearance_peers::{Peer, PeerDecision, scenarios};
use clearance_rulebook::hand_written;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Both modes' decisions for one intake, each from the same input built once per mode.
fn both(rego: &Rego, vm: &RegoVm, intake: &Intake) -> anyhow::Result<(PeerDecision, PeerDecision)> {
    Ok((rego.decide_intake(intake)?, vm.decide_intake(intake)?))
}

fn intake_json(intake: &Intake) -> String {
    serde_json::to_string_pretty(&intake.to_json()).unwrap_or_default()
}

#[test]
fn the_rvm_compiles_the_policy() -> anyhow::Result<()> {
    let vm = RegoVm::new()?;
    assert!(!vm.program().instructions.is_empty());
    eprintln!(
        "RVM program: {} instructions",
        vm.program().instructions.len()
    );
    Ok(())
}

#[test]
fn every_scenario_gives_the_hand_written_tier_in_both_modes() -> anyhow::Result<()> {
    let rego = Rego::new()?;
    let vm = RegoVm::new()?;
    let intakes = scenarios::load(false);
    assert!(
        intakes.len() >= 24,
        "only {} scenario intakes",
        intakes.len()
    );
    let mut mismatches = Vec::new();
    for (name, intake) in &intakes {
        let expected = hand_written::decide(intake).tier;
        let (interpreted, compiled) = both(&rego, &vm, intake)?;
        if interpreted.tier != expected || compiled.tier != expected {
            mismatches.push(format!(
                "{name}: hand-written {expected}, interpreter {}, RVM {}\n{}",
                interpreted.tier,
                compiled.tier,
                intake_json(intake)
            ));
        }
        assert_eq!(
            interpreted.fired, compiled.fired,
            "{name}: fired counts differ"
        );
        assert!(
            interpreted.fired >= 1,
            "{name}: sharing with the contact always fires"
        );
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n\n"));
    Ok(())
}

#[test]
fn the_spec_examples_decide_as_documented() -> anyhow::Result<()> {
    let rego = Rego::new()?;
    let vm = RegoVm::new()?;
    // Everything left out: every principle unsure, mistaken-for-real and prominence left out.
    let (interpreted, compiled) = both(&rego, &vm, &Intake::default())?;
    assert_eq!(interpreted, compiled);
    assert_eq!(interpreted.tier, Tier::Escalate);
    // share + 5 principles + mistaken-for-real unsure + prominence left out.
    assert_eq!(interpreted.fired, 8);
    Ok(())
}

#[test]
fn random_intakes_give_the_hand_written_tier_in_both_modes() -> anyhow::Result<()> {
    let rego = Rego::new()?;
    let vm = RegoVm::new()?;
    let mut runner = TestRunner::new(Config {
        cases: 4_000,
        failure_persistence: None,
        ..Config::default()
    });
    let tiers = std::cell::RefCell::new([0usize; 4]);
    let result = runner.run(&arbitrary::intake(), |intake| {
        let expected = hand_written::decide(&intake).tier;
        let (interpreted, compiled) = both(&rego, &vm, &intake)
            .map_err(|error| TestCaseError::fail(format!("{error:#}\n{}", intake_json(&intake))))?;
        if interpreted.tier != expected
            || compiled.tier != expected
            || interpreted.fired != compiled.fired
        {
            return Err(TestCaseError::fail(format!(
                "hand-written {expected}, interpreter {interpreted:?}, RVM {compiled:?}\n{}",
                intake_json(&intake)
            )));
        }
        tiers.borrow_mut()[expected as usize] += 1;
        Ok(())
    });
    eprintln!(
        "tiers compared (notify, escalate, approval, blocked, shrinking included): {:?}",
        tiers.borrow()
    );
    result.map_err(|error| anyhow::anyhow!("{error}"))
}

#[test]
fn long_lists_of_tools_and_performers_decide_in_both_modes() -> anyhow::Result<()> {
    use clearance_domain::{Answer, Consent, Environment, Performer, Talent, TalentUse, Tool};
    let rego = Rego::new()?;
    let vm = RegoVm::new()?;
    for count in [10usize, 100, 1_000] {
        let tools = (0..count)
            .map(|_| Tool {
                name: Some("Step".to_owned()),
                environment: Some(Environment::StudioEnterprise),
                trains_on_inputs: Some(Answer::No),
                ..Tool::default()
            })
            .collect();
        let performers = (0..count)
            .map(|_| Performer {
                name: "A. Performer".to_owned(),
                consent: Some(Consent::Written),
                ..Performer::default()
            })
            .collect();
        let intake = Intake {
            tools: Some(tools),
            talent: Talent {
                uses: Some([TalentUse::DigitalReplica].into_iter().collect()),
                performers: Some(performers),
                ..Talent::default()
            },
            ..Intake::default()
        };
        let expected = hand_written::decide(&intake).tier;
        let (interpreted, compiled) = both(&rego, &vm, &intake)?;
        assert_eq!(
            (interpreted.tier, compiled.tier),
            (expected, expected),
            "{count} tools and performers"
        );
    }
    Ok(())
}
