//! Reports on a production: counts by status and tier, uses per week, time to decision, and
//! the proposals with their latest decision and consents.

use clearance_domain::tier::Tier;
use clearance_store::Store;
use clearance_store::model::{Decision, Grantor, NewConsent, Status};
use clearance_store::proposal::{NewReview, Transition};
use clearance_store::reports::{FIRST_MONDAY, WEEK_MILLIS};

use super::support::{T0, evaluation, new_item, person, production, save, submit, version, world};

fn decide(proposal_id: i64, content_hash: &str, reviewer: i64, decision: Decision) -> NewReview {
    NewReview {
        proposal_id,
        version: 1,
        content_hash: content_hash.to_owned(),
        rulebooks: evaluation(Tier::Approval, T0).rulebooks,
        tier: Tier::Approval,
        reviewer_id: reviewer,
        decision,
        note: "checked".to_owned(),
        conditions: if decision == Decision::Approve {
            vec!["credit the vendor".to_owned(), "no close-ups".to_owned()]
        } else {
            Vec::new()
        },
        scope: None,
        expires_at: None,
    }
}

fn to(proposal_id: i64, revision: i64, status: Status, actor: i64) -> Transition {
    Transition {
        proposal_id,
        expected_revision: revision,
        status,
        approved_version: (status == Status::Approved).then_some(1),
        approval_expires_at: None,
        needs_reapproval: false,
        actor: Some(actor),
        action: format!("review.{}", status.as_str()),
        note: None,
        notifications: Vec::new(),
    }
}

pub async fn production_reports(store: &Store) {
    let w = world(store).await;
    let other = production(store, "Other Show").await;
    let rep = person(
        store,
        "Remy Rep",
        clearance_store::model::Role::Representative,
    )
    .await;
    store
        .create_consent(
            &NewConsent {
                id: "CR-1".to_owned(),
                performer: "Pat Performer".to_owned(),
                grantor: Grantor::Performer,
                granted_by: "Pat Performer".to_owned(),
                representative_id: Some(rep.id),
                production_id: None,
                uses: vec![],
                media: None,
                purpose: "ADR".to_owned(),
                state: "signed".to_owned(),
                granted_on: None,
                expires_on: Some("2030-01-01".to_owned()),
                evidence_sha256: None,
            },
            None,
            T0,
        )
        .await
        .unwrap();

    // Two approval-tier proposals a week apart, one blocked, one draft; one elsewhere.
    let a = version(
        "Approved one",
        &["tool-a"],
        &["CR-1", "CR-9"],
        Some(Tier::Approval),
    );
    let a = submit(store, w.production.id, w.partner.id, a.clone(), T0).await;
    let b = version("Refused one", &[], &[], Some(Tier::Approval));
    let b_hash = b.content_hash.clone();
    let b = submit(store, w.production.id, w.partner.id, b, T0 + WEEK_MILLIS).await;
    let blocked = version("Blocked one", &[], &[], Some(Tier::Blocked));
    submit(
        store,
        w.production.id,
        w.partner.id,
        blocked,
        T0 + WEEK_MILLIS + 1,
    )
    .await;
    let mut draft = new_item(
        w.production.id,
        w.partner.id,
        version("Draft", &[], &[], None),
    );
    draft.status = Status::Draft;
    save(store, draft, T0 + 2).await.unwrap();
    submit(
        store,
        other.id,
        w.partner.id,
        version("Elsewhere", &[], &[], Some(Tier::Notify)),
        T0,
    )
    .await;

    let a_hash = store
        .version(a.proposal.id, 1)
        .await
        .unwrap()
        .unwrap()
        .content_hash;
    store
        .record_review(
            decide(a.proposal.id, &a_hash, w.reviewer.id, Decision::Approve),
            to(
                a.proposal.id,
                a.proposal.revision,
                Status::Approved,
                w.reviewer.id,
            ),
            T0 + 3_600_000,
        )
        .await
        .unwrap();
    store
        .record_review(
            decide(b.proposal.id, &b_hash, w.reviewer.id, Decision::Refuse),
            to(
                b.proposal.id,
                b.proposal.revision,
                Status::Refused,
                w.reviewer.id,
            ),
            T0 + WEEK_MILLIS + 7_200_000,
        )
        .await
        .unwrap();

    // Counts: everything, by production; a member sees only their productions.
    let all = store.status_counts(None).await.unwrap();
    let total: i64 = all.iter().map(|c| c.count).sum();
    assert_eq!(total, 5);
    let mine = store.status_counts(Some(w.partner.id)).await.unwrap();
    assert!(mine.iter().all(|c| c.production_id == w.production.id));
    assert_eq!(mine.iter().map(|c| c.count).sum::<i64>(), 4);

    let stats = store.production_stats(w.production.id).await.unwrap();
    let count = |status: Status, tier: Option<Tier>| {
        stats
            .counts
            .iter()
            .find(|c| c.status == status && c.tier == tier)
            .map_or(0, |c| c.count)
    };
    assert_eq!(count(Status::Approved, Some(Tier::Approval)), 1);
    assert_eq!(count(Status::Refused, Some(Tier::Approval)), 1);
    assert_eq!(count(Status::Submitted, Some(Tier::Blocked)), 1);
    assert_eq!(count(Status::Draft, None), 1);
    // Weeks start on Mondays; the draft is not a declared use.
    let week = |at: i64| FIRST_MONDAY + (at - FIRST_MONDAY) / WEEK_MILLIS * WEEK_MILLIS;
    let weeks: Vec<(i64, i64)> = stats
        .weeks
        .iter()
        .map(|w| (w.week_start, w.count))
        .collect();
    assert_eq!(weeks, vec![(week(T0), 1), (week(T0 + WEEK_MILLIS), 2)]);
    let mut waits: Vec<(Decision, i64)> = stats
        .decisions
        .iter()
        .map(|d| (d.decision, d.waited))
        .collect();
    waits.sort_by_key(|(_, waited)| *waited);
    assert_eq!(
        waits,
        vec![
            (Decision::Approve, 3_600_000),
            (Decision::Refuse, 7_200_000)
        ]
    );

    // The proposals, with their latest decision and consents (known and unknown).
    let uses = store.production_uses(w.production.id).await.unwrap();
    let titles: Vec<&str> = uses.iter().map(|u| u.title.as_str()).collect();
    assert_eq!(
        titles,
        vec!["Approved one", "Refused one", "Blocked one", "Draft"]
    );
    let approved = &uses[0];
    let decision = approved.decision.as_ref().expect("a decision");
    assert_eq!(decision.decision, Decision::Approve);
    assert_eq!(decision.reviewer_name, "Rita Reviewer");
    assert_eq!(
        decision.conditions,
        vec!["credit the vendor", "no close-ups"]
    );
    assert_eq!(decision.decided_at, T0 + 3_600_000);
    let consents: Vec<(&str, Option<&str>)> = approved
        .consents
        .iter()
        .map(|c| (c.id.as_str(), c.state.as_deref()))
        .collect();
    assert_eq!(consents, vec![("CR-1", Some("signed")), ("CR-9", None)]);
    assert_eq!(
        uses[1].decision.as_ref().map(|d| d.decision),
        Some(Decision::Refuse)
    );
    assert!(uses[2].decision.is_none() && uses[2].consents.is_empty());
    assert_eq!(uses[2].tier, Some(Tier::Blocked));
    assert!(uses[0].intake.contains("Approved one"));

    // A production without proposals.
    let empty = production(store, "Empty").await;
    assert_eq!(
        store.production_stats(empty.id).await.unwrap(),
        Default::default()
    );
    assert!(store.production_uses(empty.id).await.unwrap().is_empty());
}
