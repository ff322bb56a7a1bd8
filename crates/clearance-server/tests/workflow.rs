//! The status machine, exhaustively: every status × every event × every context, against a table
//! written out by hand from the process description.

use clearance_domain::Tier;
use clearance_server::workflow::{Context, Event, next};
use clearance_store::model::{Decision, Status};

fn events() -> Vec<Event> {
    let mut events = vec![Event::Submit, Event::Withdraw, Event::Expire];
    for tier in Tier::ALL {
        events.push(Event::Route(tier));
        events.push(Event::Revise {
            submit: true,
            tier: Some(tier),
        });
        events.push(Event::Reevaluated(tier));
    }
    events.push(Event::Revise {
        submit: true,
        tier: None,
    });
    events.push(Event::Revise {
        submit: false,
        tier: None,
    });
    for decision in [
        Decision::Approve,
        Decision::RequestChanges,
        Decision::Refuse,
    ] {
        events.push(Event::Decide(decision));
    }
    events
}

fn contexts() -> Vec<Context> {
    let mut contexts = Vec::new();
    for tier in [
        None,
        Some(Tier::Notify),
        Some(Tier::Escalate),
        Some(Tier::Approval),
        Some(Tier::Blocked),
    ] {
        for needs_reapproval in [false, true] {
            contexts.push(Context {
                tier,
                needs_reapproval,
            });
        }
    }
    contexts
}

fn routed(tier: Tier) -> Status {
    if tier == Tier::Notify {
        Status::Acknowledged
    } else {
        Status::InReview
    }
}

/// The expected outcome, written independently of the implementation.
fn expected(from: Status, event: Event, context: Context) -> Option<Status> {
    use Status::*;
    match event {
        Event::Submit => (from == Draft).then_some(Submitted),
        Event::Route(tier) => (from == Submitted).then(|| routed(tier)),
        Event::Revise { submit: false, .. } => (from == Draft).then_some(Draft),
        Event::Revise { submit: true, tier } => match from {
            ChangesRequested | InReview => Some(InReview),
            Draft | Acknowledged | Approved | Expired => tier.map(routed),
            Submitted | Refused | Withdrawn => None,
        },
        Event::Decide(decision) => {
            let decidable = from == InReview || (from == Approved && context.needs_reapproval);
            if !decidable {
                return None;
            }
            match decision {
                Decision::Approve => (context.tier != Some(Tier::Blocked)).then_some(Approved),
                Decision::RequestChanges => Some(ChangesRequested),
                Decision::Refuse => Some(Refused),
            }
        }
        Event::Withdraw => {
            matches!(from, Draft | Submitted | InReview | ChangesRequested).then_some(Withdrawn)
        }
        Event::Expire => (from == Approved).then_some(Expired),
        Event::Reevaluated(tier) => Some(if from == Acknowledged {
            routed(tier)
        } else {
            from
        }),
    }
}

#[test]
fn every_transition_matches_the_table() {
    let mut legal = 0;
    let mut checked = 0;
    for from in Status::ALL {
        for event in events() {
            for context in contexts() {
                checked += 1;
                let got = next(from, event, context);
                match expected(from, event, context) {
                    Some(to) => {
                        legal += 1;
                        assert_eq!(got, Ok(to), "{from:?} --{event:?}--> with {context:?}");
                    }
                    None => {
                        let error = got.expect_err(&format!(
                            "{from:?} --{event:?}--> with {context:?} must be illegal"
                        ));
                        assert!(!error.message.is_empty());
                    }
                }
            }
        }
    }
    assert_eq!(checked, 9 * 20 * 10);
    assert!(legal > 100, "the table allows {legal} transitions");
}

#[test]
fn a_blocked_version_cannot_be_approved_but_can_be_sent_back() {
    let blocked = Context {
        tier: Some(Tier::Blocked),
        needs_reapproval: false,
    };
    let error =
        next(Status::InReview, Event::Decide(Decision::Approve), blocked).expect_err("blocked");
    assert!(error.message.contains("blocked"), "{}", error.message);
    assert_eq!(
        next(
            Status::InReview,
            Event::Decide(Decision::RequestChanges),
            blocked
        ),
        Ok(Status::ChangesRequested)
    );
    assert_eq!(
        next(Status::InReview, Event::Decide(Decision::Refuse), blocked),
        Ok(Status::Refused)
    );
}

#[test]
fn closed_states_accept_nothing() {
    for from in [Status::Refused, Status::Withdrawn] {
        for event in events()
            .into_iter()
            .filter(|event| !matches!(event, Event::Reevaluated(_)))
        {
            for context in contexts() {
                assert!(
                    next(from, event, context).is_err(),
                    "{from:?} --{event:?}-->"
                );
            }
        }
    }
}

#[test]
fn every_status_is_reachable_from_draft() {
    use std::collections::BTreeSet;
    let mut seen = BTreeSet::from([Status::Draft]);
    let mut frontier = vec![Status::Draft];
    while let Some(from) = frontier.pop() {
        for event in events() {
            for context in contexts() {
                if let Ok(to) = next(from, event, context)
                    && seen.insert(to)
                {
                    frontier.push(to);
                }
            }
        }
    }
    assert_eq!(seen.len(), Status::ALL.len(), "reached {seen:?}");
}
