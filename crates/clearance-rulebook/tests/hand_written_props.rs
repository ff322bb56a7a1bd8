//! Properties of the hand-written reference semantics (`clearance_rulebook::hand_written`) over
//! random intakes, and a check that the random intakes reach every tier.

#[path = "support/answers.rs"]
mod answers;
#[path = "support/arbitrary.rs"]
mod arbitrary;

use clearance_domain::{Answer, Tier};
use clearance_rulebook::hand_written::decide;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

#[test]
fn the_generator_reaches_every_tier_often() -> Result<(), String> {
    const DRAWS: usize = 2_000;
    let strategy = arbitrary::intake();
    let mut runner = TestRunner::deterministic();
    let mut counts = [0usize; 4];
    for _ in 0..DRAWS {
        let intake = strategy
            .new_tree(&mut runner)
            .map_err(|reason| reason.to_string())?
            .current();
        counts[decide(&intake).tier as usize] += 1;
    }
    eprintln!("tiers over {DRAWS} intakes (notify, escalate, approval, blocked): {counts:?}");
    for tier in Tier::ALL {
        let count = counts[tier as usize];
        assert!(
            count * 20 >= DRAWS,
            "{tier} in only {count} of {DRAWS} intakes (counts notify/escalate/approval/blocked: {counts:?})"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]

    /// Answering `unsure`, or leaving an answer out, is never safer than answering `no`.
    #[test]
    fn no_to_unsure_or_left_out_never_lowers_the_tier(intake in arbitrary::intake()) {
        let tier = decide(&intake).tier;
        let slots = answers::answers(&mut intake.clone()).len();
        for slot in 0..slots {
            for weaker in [Some(Answer::Unsure), None] {
                let mut changed = intake.clone();
                let mut answers = answers::answers(&mut changed);
                if *answers[slot] != Some(Answer::No) {
                    continue;
                }
                *answers[slot] = weaker;
                let changed_tier = decide(&changed).tier;
                prop_assert!(
                    changed_tier >= tier,
                    "answer {} from no to {:?}: {} became {}",
                    slot, weaker, tier, changed_tier
                );
            }
        }
    }

    /// The use is always shared with the contact, and a principle that is not `yes` escalates.
    #[test]
    fn sharing_is_always_cited_and_failed_principles_escalate(intake in arbitrary::intake()) {
        let decision = decide(&intake);
        prop_assert!(decision.cites("netflix:intro/share-intended-use"));
        for (index, principle) in decision.principles.iter().enumerate() {
            let key = format!("netflix:principle/{}", index + 1);
            prop_assert_eq!(decision.cites(&key), *principle != Answer::Yes, "{}", key);
        }
        if decision.principles.iter().any(|principle| *principle != Answer::Yes) {
            prop_assert!(decision.tier >= Tier::Escalate, "{:?}", decision);
        }
    }
}
