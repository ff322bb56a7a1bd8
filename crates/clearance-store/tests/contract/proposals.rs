//! Proposals: versions, the batch path, idempotency, transitions, reviews, re-evaluation.

use clearance_domain::tier::Tier;
use clearance_store::Store;
use clearance_store::model::{Decision, Status};
use clearance_store::proposal::{NewReview, Transition};

use super::support::{
    T0, evaluation, new_item, next_item, production, save, submit, version, world,
};
use crate::{assert_err, audited};

/// A transition of `proposal_id` at `revision` to `status`.
fn transition(proposal_id: i64, revision: i64, status: Status, actor: Option<i64>) -> Transition {
    Transition {
        proposal_id,
        expected_revision: revision,
        status,
        approved_version: None,
        approval_expires_at: None,
        needs_reapproval: false,
        actor,
        action: format!("proposal.{}", status.as_str()),
        note: None,
        notifications: Vec::new(),
    }
}

/// An approval of `version` by `reviewer`.
fn approval(proposal_id: i64, version: i64, content_hash: &str, reviewer: i64) -> NewReview {
    NewReview {
        proposal_id,
        version,
        content_hash: content_hash.to_owned(),
        rulebooks: evaluation(Tier::Approval, T0).rulebooks,
        tier: Tier::Approval,
        reviewer_id: reviewer,
        decision: Decision::Approve,
        note: "Fine for background plates only.".to_owned(),
        conditions: vec!["credit the vendor".to_owned()],
        scope: Some("episodes 1-3".to_owned()),
        expires_at: Some(T0 + 1_000_000),
    }
}

pub async fn new_and_next_versions(store: &Store) {
    let w = world(store).await;
    let mut first = version(
        "Crowd extension",
        &["Runway Gen-4", "tool-7"],
        &["CR-1"],
        Some(Tier::Approval),
    );
    first.vendor = Some("Pixel Vendor".to_owned());
    let saved = audited!(
        store,
        1,
        submit(store, w.production.id, w.partner.id, first.clone(), T0 + 10).await
    );
    assert!(!saved.replayed);
    assert_eq!(saved.version, 1);
    let p = &saved.proposal;
    assert_eq!(
        (p.production_id, p.title.as_str(), p.vendor.as_deref()),
        (w.production.id, "Crowd extension", Some("Pixel Vendor"))
    );
    assert_eq!(
        (p.status, p.current_version, p.tier, p.revision),
        (Status::Submitted, 1, Some(Tier::Approval), 1)
    );
    assert_eq!(
        (
            p.approved_version,
            p.approval_expires_at,
            p.needs_reapproval
        ),
        (None, None, false)
    );
    assert_eq!(
        (p.created_by, p.created_at, p.updated_at),
        (w.partner.id, T0 + 10, T0 + 10)
    );
    assert_eq!(store.proposal(p.id).await.unwrap().as_ref(), Some(p));

    let entry = store
        .audit_entry(saved.audit_index)
        .await
        .unwrap()
        .expect("the save's entry");
    assert_eq!(
        (entry.action.as_str(), entry.actor_id),
        ("proposal.submitted", Some(w.partner.id))
    );
    assert_eq!(entry.subject, format!("proposal/{}", p.id));
    let body: serde_json::Value = serde_json::from_str(&entry.body).unwrap();
    assert_eq!(body["proposal"]["id"], p.id);
    assert_eq!(body["version"]["source"], first.source.as_str());

    let v1 = store.version(p.id, 1).await.unwrap().expect("version 1");
    assert_eq!(
        (v1.proposal_id, v1.number, v1.author_id, v1.created_at),
        (p.id, 1, w.partner.id, T0 + 10)
    );
    assert_eq!(
        (v1.source.as_str(), v1.format.as_str()),
        (first.source.as_str(), "yaml")
    );
    assert_eq!(
        (v1.content_hash.as_str(), v1.intake.as_str()),
        (first.content_hash.as_str(), first.intake.as_str())
    );
    assert_eq!(v1.tools, first.tools);
    assert_eq!(v1.consent_ids, first.consent_ids);
    assert_eq!(v1.evaluation, first.evaluation);
    assert_eq!(store.version(p.id, 2).await.unwrap(), None);

    // Approve it, then flag it for re-approval, then submit version 2: the approval stays,
    // the flag clears.
    let mut approve = transition(p.id, 1, Status::Approved, Some(w.reviewer.id));
    approve.approved_version = Some(1);
    approve.approval_expires_at = Some(T0 + 500);
    store.transition(approve, T0 + 20).await.unwrap();
    store
        .update_evaluation(
            p.id,
            1,
            evaluation(Tier::Blocked, T0 + 30),
            true,
            None,
            Vec::new(),
            T0 + 30,
        )
        .await
        .unwrap();
    let draft = version("Crowd extension v2", &["Other Tool"], &[], None);
    let saved2 = audited!(
        store,
        1,
        save(
            store,
            next_item(p.id, 3, w.partner.id, draft.clone()),
            T0 + 40
        )
        .await
        .unwrap()
    );
    assert_eq!(saved2.version, 2);
    let p2 = &saved2.proposal;
    assert_eq!(
        (p2.id, p2.title.as_str(), p2.vendor.as_deref()),
        (p.id, "Crowd extension v2", None)
    );
    assert_eq!(
        (p2.status, p2.current_version, p2.tier, p2.revision),
        (Status::InReview, 2, None, 4)
    );
    assert_eq!(
        (
            p2.approved_version,
            p2.approval_expires_at,
            p2.needs_reapproval
        ),
        (Some(1), Some(T0 + 500), false)
    );
    assert_eq!((p2.created_at, p2.updated_at), (T0 + 10, T0 + 40));
    let versions = store.versions(p.id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.number).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(versions[1].evaluation, None);
    assert_eq!(versions[1].tools, vec!["Other Tool"]);
    assert_eq!(
        versions[0].evaluation.as_ref().map(|e| e.tier),
        Some(Tier::Blocked),
        "version 1's latest evaluation"
    );
    assert!(store.versions(p.id + 99).await.unwrap().is_empty());
}

pub async fn batch_items_fail_alone(store: &Store) {
    let w = world(store).await;
    let a = submit(
        store,
        w.production.id,
        w.partner.id,
        version("A", &[], &[], Some(Tier::Notify)),
        T0,
    )
    .await;
    let before = super::support::audit_size(store).await;
    let batch = vec![
        new_item(
            w.production.id,
            w.partner.id,
            version("B", &["x"], &[], Some(Tier::Escalate)),
        ),
        next_item(
            a.proposal.id,
            7,
            w.partner.id,
            version("A stale", &[], &[], None),
        ),
        next_item(9999, 1, w.partner.id, version("Nobody's", &[], &[], None)),
        new_item(8888, w.partner.id, version("No production", &[], &[], None)),
        next_item(
            a.proposal.id,
            1,
            w.partner.id,
            version("A v2", &["y"], &[], None),
        ),
        // The same proposal again in the same batch: its revision is now 2, so 1 is stale.
        next_item(
            a.proposal.id,
            1,
            w.partner.id,
            version("A again", &[], &[], None),
        ),
        next_item(
            a.proposal.id,
            2,
            w.partner.id,
            version("A v3", &[], &[], None),
        ),
    ];
    let results = store.save_versions(batch, T0 + 100).await.unwrap();
    assert_eq!(results.len(), 7);
    let b = results[0].as_ref().expect("B saved");
    assert_eq!((b.proposal.title.as_str(), b.version), ("B", 1));
    assert!(
        matches!(results[1], Err(clearance_store::StoreError::Conflict(_))),
        "{:?}",
        results[1]
    );
    assert!(
        matches!(results[2], Err(clearance_store::StoreError::NotFound(_))),
        "{:?}",
        results[2]
    );
    assert!(
        matches!(results[3], Err(clearance_store::StoreError::NotFound(_))),
        "{:?}",
        results[3]
    );
    let a2 = results[4].as_ref().expect("A v2 saved");
    assert_eq!((a2.version, a2.proposal.revision), (2, 2));
    assert!(
        matches!(results[5], Err(clearance_store::StoreError::Conflict(_))),
        "{:?}",
        results[5]
    );
    let a3 = results[6].as_ref().expect("A v3 saved");
    assert_eq!(
        (a3.version, a3.proposal.revision, a3.proposal.title.as_str()),
        (3, 3, "A v3")
    );

    // Exactly the three successes were logged, in batch order, with consecutive indexes.
    assert_eq!(super::support::audit_size(store).await, before + 3);
    assert_eq!(b.audit_index as u64, before);
    assert_eq!(a2.audit_index as u64, before + 1);
    assert_eq!(a3.audit_index as u64, before + 2);
    let versions = store.versions(a.proposal.id).await.unwrap();
    assert_eq!(
        versions
            .iter()
            .map(|v| v.source.lines().next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>(),
        vec!["title: A", "title: A v2", "title: A v3"]
    );
    assert_eq!(
        store
            .proposal(a.proposal.id)
            .await
            .unwrap()
            .unwrap()
            .revision,
        3
    );
    // The failed items left nothing behind: only A's and B's proposals exist.
    let all = store
        .proposals_with_status(&clearance_store::model::Status::ALL)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    // The current tools follow the current version.
    assert!(store.referencing_tool("y").await.unwrap().is_empty());
    assert_eq!(store.referencing_tool("x").await.unwrap().len(), 1);

    // An empty batch is fine.
    assert!(
        store
            .save_versions(Vec::new(), T0)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn idempotent_replay(store: &Store) {
    let w = world(store).await;
    let mut item = new_item(
        w.production.id,
        w.partner.id,
        version("Keyed", &[], &[], Some(Tier::Notify)),
    );
    item.idempotency_key = Some("key-1".to_owned());
    let first = audited!(store, 1, save(store, item.clone(), T0).await.unwrap());
    assert!(!first.replayed);
    let replay = audited!(store, 0, save(store, item.clone(), T0 + 50).await.unwrap());
    assert!(replay.replayed);
    assert_eq!(replay.proposal, first.proposal);
    assert_eq!(
        (replay.version, replay.audit_index),
        (first.version, first.audit_index)
    );

    // The key is per actor.
    let mut other = item.clone();
    other.actor = w.reviewer.id;
    let theirs = audited!(store, 1, save(store, other, T0).await.unwrap());
    assert!(!theirs.replayed);
    assert_ne!(theirs.proposal.id, first.proposal.id);

    // Within one batch, the second use of a key replays the first.
    let mut a = item.clone();
    a.idempotency_key = Some("key-2".to_owned());
    let results = audited!(
        store,
        1,
        store.save_versions(vec![a.clone(), a], T0).await.unwrap()
    );
    let (x, y) = (results[0].as_ref().unwrap(), results[1].as_ref().unwrap());
    assert!(!x.replayed && y.replayed);
    assert_eq!(x.proposal.id, y.proposal.id);

    // A key on a new version of an existing proposal replays that version.
    let mut next = next_item(
        first.proposal.id,
        1,
        w.partner.id,
        version("Keyed v2", &[], &[], None),
    );
    next.idempotency_key = Some("key-3".to_owned());
    let v2 = save(store, next.clone(), T0 + 60).await.unwrap();
    let again = audited!(store, 0, save(store, next, T0 + 70).await.unwrap());
    assert!(again.replayed);
    assert_eq!(
        (again.version, again.proposal.revision, again.audit_index),
        (2, 2, v2.audit_index)
    );

    // A failed item does not record its key.
    let mut failing = next_item(
        first.proposal.id,
        1,
        w.partner.id,
        version("stale", &[], &[], None),
    );
    failing.idempotency_key = Some("key-4".to_owned());
    assert_err!(save(store, failing.clone(), T0).await, Conflict);
    failing.target = clearance_store::proposal::Target::Existing {
        proposal_id: first.proposal.id,
        expected_revision: 2,
    };
    assert!(!save(store, failing, T0).await.unwrap().replayed);
}

pub async fn transitions(store: &Store) {
    let w = world(store).await;
    let saved = submit(
        store,
        w.production.id,
        w.partner.id,
        version("T", &[], &[], Some(Tier::Approval)),
        T0,
    )
    .await;
    let id = saved.proposal.id;
    let mut t = transition(id, 1, Status::Approved, Some(w.reviewer.id));
    t.approved_version = Some(1);
    t.approval_expires_at = Some(T0 + 1000);
    t.needs_reapproval = true;
    t.note = Some("approved by phone, confirmed in writing".to_owned());
    let p = audited!(store, 1, store.transition(t.clone(), T0 + 5).await.unwrap());
    assert_eq!(
        (p.status, p.approved_version, p.approval_expires_at),
        (Status::Approved, Some(1), Some(T0 + 1000))
    );
    assert_eq!(
        (p.needs_reapproval, p.revision, p.updated_at),
        (true, 2, T0 + 5)
    );
    assert_eq!(p.tier, Some(Tier::Approval));
    let (size, _) = store.tree_head().await.unwrap();
    let entry = store.audit_entry(size as i64 - 1).await.unwrap().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.actor_id),
        ("proposal.approved", Some(w.reviewer.id))
    );
    assert!(entry.body.contains("confirmed in writing"));

    // Stale: nothing written.
    audited!(
        store,
        0,
        assert_err!(store.transition(t.clone(), T0 + 6).await, Conflict)
    );
    assert_eq!(store.proposal(id).await.unwrap().unwrap(), p);
    let mut missing = t.clone();
    missing.proposal_id = 4040;
    audited!(
        store,
        0,
        assert_err!(store.transition(missing, T0).await, NotFound)
    );

    // A transition sets exactly the given fields (clearing the approval here).
    let withdrawn = store
        .transition(transition(id, 2, Status::Withdrawn, None), T0 + 7)
        .await
        .unwrap();
    assert_eq!(
        (
            withdrawn.status,
            withdrawn.approved_version,
            withdrawn.approval_expires_at
        ),
        (Status::Withdrawn, None, None)
    );
    assert_eq!(
        (
            withdrawn.needs_reapproval,
            withdrawn.revision,
            withdrawn.title.as_str()
        ),
        (false, 3, "T")
    );
}

pub async fn reviews_record_the_decision(store: &Store) {
    let w = world(store).await;
    let v = version("Reviewed", &[], &[], Some(Tier::Approval));
    let saved = submit(store, w.production.id, w.partner.id, v.clone(), T0).await;
    let id = saved.proposal.id;
    let mut t = transition(id, 1, Status::Approved, Some(w.reviewer.id));
    t.approved_version = Some(1);
    t.approval_expires_at = Some(T0 + 1_000_000);
    t.note = Some("transition note".to_owned());

    // Errors write nothing.
    let wrong_hash = approval(id, 1, "not-the-hash", w.reviewer.id);
    audited!(
        store,
        0,
        assert_err!(
            store.record_review(wrong_hash, t.clone(), T0).await,
            Conflict
        )
    );
    let no_version = approval(id, 5, &v.content_hash, w.reviewer.id);
    audited!(
        store,
        0,
        assert_err!(
            store.record_review(no_version, t.clone(), T0).await,
            NotFound
        )
    );
    let other_proposal = approval(id + 1, 1, &v.content_hash, w.reviewer.id);
    audited!(
        store,
        0,
        assert_err!(
            store.record_review(other_proposal, t.clone(), T0).await,
            Invalid
        )
    );
    let mut stale = t.clone();
    stale.expected_revision = 9;
    audited!(
        store,
        0,
        assert_err!(
            store
                .record_review(approval(id, 1, &v.content_hash, w.reviewer.id), stale, T0)
                .await,
            Conflict
        )
    );
    assert_eq!(store.proposal(id).await.unwrap().unwrap().revision, 1);
    assert!(store.reviews(id).await.unwrap().is_empty());

    let review = approval(id, 1, &v.content_hash, w.reviewer.id);
    let (recorded, p) = audited!(
        store,
        1,
        store
            .record_review(review.clone(), t.clone(), T0 + 9)
            .await
            .unwrap()
    );
    assert_eq!(
        (p.status, p.approved_version, p.revision),
        (Status::Approved, Some(1), 2)
    );
    assert_eq!(
        (recorded.proposal_id, recorded.version, recorded.reviewer_id),
        (id, 1, w.reviewer.id)
    );
    assert_eq!(
        (recorded.decision, recorded.tier, recorded.created_at),
        (Decision::Approve, Tier::Approval, T0 + 9)
    );
    assert_eq!(
        (recorded.note.as_str(), recorded.scope.as_deref()),
        (review.note.as_str(), Some("episodes 1-3"))
    );
    assert_eq!(
        (recorded.conditions.clone(), recorded.expires_at),
        (review.conditions.clone(), review.expires_at)
    );
    assert_eq!(recorded.rulebooks, review.rulebooks);
    assert_eq!(recorded.content_hash, v.content_hash);
    let entry = store
        .audit_entry(recorded.audit_index)
        .await
        .unwrap()
        .expect("the review's entry");
    assert_eq!(
        (entry.action.as_str(), entry.actor_id),
        ("review.approve", Some(w.reviewer.id))
    );
    let body: serde_json::Value = serde_json::from_str(&entry.body).unwrap();
    assert_eq!(body["review"]["id"], recorded.id);
    assert_eq!(body["proposal"]["status"], "approved");
    assert_eq!(body["note"], "transition note");
    assert_eq!(store.reviews(id).await.unwrap(), vec![recorded.clone()]);

    let mut changes = approval(id, 1, &v.content_hash, w.reviewer.id);
    changes.decision = Decision::RequestChanges;
    let (second, _) = store
        .record_review(
            changes,
            transition(id, 2, Status::ChangesRequested, Some(w.reviewer.id)),
            T0 + 10,
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .audit_entry(second.audit_index)
            .await
            .unwrap()
            .unwrap()
            .action,
        "review.request_changes"
    );
    assert_eq!(
        store
            .reviews(id)
            .await
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect::<Vec<_>>(),
        vec![recorded.id, second.id]
    );
}

pub async fn concurrent_reviews_one_wins(store: &Store) {
    let w = world(store).await;
    let v = version("Contested", &[], &[], Some(Tier::Approval));
    let saved = submit(store, w.production.id, w.partner.id, v.clone(), T0).await;
    let id = saved.proposal.id;
    for round in 0..5 {
        let revision = store.proposal(id).await.unwrap().unwrap().revision;
        let mut handles = Vec::new();
        for decision in [Decision::Approve, Decision::Refuse] {
            let store = store.clone();
            let mut review = approval(id, 1, &v.content_hash, w.reviewer.id);
            review.decision = decision;
            let status = if decision == Decision::Approve {
                Status::Approved
            } else {
                Status::Refused
            };
            let t = transition(id, revision, status, Some(w.reviewer.id));
            handles.push(tokio::spawn(async move {
                store.record_review(review, t, T0 + round).await
            }));
        }
        let mut outcomes = Vec::new();
        for handle in handles {
            outcomes.push(handle.await.expect("task"));
        }
        let wins = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(wins, 1, "round {round}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .any(|o| matches!(o, Err(clearance_store::StoreError::Conflict(_)))),
            "round {round}: {outcomes:?}"
        );
        assert_eq!(
            store.proposal(id).await.unwrap().unwrap().revision,
            revision + 1
        );
    }
    assert_eq!(store.reviews(id).await.unwrap().len(), 5);
}

pub async fn concurrent_batches_serialise(store: &Store) {
    let w = world(store).await;
    let before = super::support::audit_size(store).await;
    let mut handles = Vec::new();
    for task in 0..8 {
        let store = store.clone();
        let (production, partner) = (w.production.id, w.partner.id);
        handles.push(tokio::spawn(async move {
            let batch = (0..10)
                .map(|i| {
                    new_item(
                        production,
                        partner,
                        version(&format!("task {task} item {i}"), &[], &[], None),
                    )
                })
                .collect();
            store.save_versions(batch, T0 + task).await
        }));
    }
    let mut indexes = Vec::new();
    for handle in handles {
        for result in handle.await.expect("task").expect("batch") {
            indexes.push(result.expect("saved").audit_index);
        }
    }
    indexes.sort_unstable();
    let expected: Vec<i64> = (before as i64..before as i64 + 80).collect();
    assert_eq!(
        indexes, expected,
        "every save got its own consecutive audit index"
    );
    let other = production(store, "Other").await;
    assert_eq!(
        store
            .proposals_with_status(&[Status::Submitted])
            .await
            .unwrap()
            .len(),
        80
    );
    assert!(store.proposals_with_status(&[]).await.unwrap().is_empty());
    assert!(
        store
            .search(&clearance_store::ProposalQuery {
                production_id: Some(other.id),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn reevaluation(store: &Store) {
    let w = world(store).await;
    let saved = submit(
        store,
        w.production.id,
        w.partner.id,
        version("R", &[], &[], Some(Tier::Notify)),
        T0,
    )
    .await;
    let id = saved.proposal.id;
    let p = audited!(
        store,
        1,
        store
            .update_evaluation(
                id,
                1,
                evaluation(Tier::Approval, T0 + 1),
                true,
                None,
                Vec::new(),
                T0 + 2
            )
            .await
            .unwrap()
    );
    assert_eq!(
        (p.tier, p.needs_reapproval, p.revision, p.updated_at),
        (Some(Tier::Approval), true, 2, T0 + 2)
    );
    let (size, _) = store.tree_head().await.unwrap();
    let entry = store.audit_entry(size as i64 - 1).await.unwrap().unwrap();
    assert_eq!(
        (entry.action.as_str(), entry.actor_id),
        ("proposal.reevaluated", None)
    );
    let v1 = store.version(id, 1).await.unwrap().unwrap();
    assert_eq!(
        v1.evaluation,
        Some(evaluation(Tier::Approval, T0 + 1)),
        "the latest evaluation wins"
    );

    // A re-evaluation of a version that is no longer current keeps the proposal's tier.
    save(
        store,
        next_item(
            id,
            2,
            w.partner.id,
            version("R2", &[], &[], Some(Tier::Escalate)),
        ),
        T0 + 3,
    )
    .await
    .unwrap();
    let p = store
        .update_evaluation(
            id,
            1,
            evaluation(Tier::Blocked, T0 + 4),
            false,
            Some(w.admin.id),
            Vec::new(),
            T0 + 4,
        )
        .await
        .unwrap();
    assert_eq!(
        (p.tier, p.needs_reapproval, p.revision),
        (Some(Tier::Escalate), false, 4)
    );
    assert_eq!(
        store
            .version(id, 1)
            .await
            .unwrap()
            .unwrap()
            .evaluation
            .map(|e| e.tier),
        Some(Tier::Blocked)
    );
    assert_eq!(
        store
            .version(id, 2)
            .await
            .unwrap()
            .unwrap()
            .evaluation
            .map(|e| e.tier),
        Some(Tier::Escalate)
    );

    // A draft version gets its first evaluation.
    save(
        store,
        next_item(id, 4, w.partner.id, version("R3", &[], &[], None)),
        T0 + 5,
    )
    .await
    .unwrap();
    let p = store
        .update_evaluation(
            id,
            3,
            evaluation(Tier::Notify, T0 + 6),
            false,
            None,
            Vec::new(),
            T0 + 6,
        )
        .await
        .unwrap();
    assert_eq!(p.tier, Some(Tier::Notify));

    audited!(
        store,
        0,
        assert_err!(
            store
                .update_evaluation(
                    id,
                    9,
                    evaluation(Tier::Notify, T0),
                    false,
                    None,
                    Vec::new(),
                    T0
                )
                .await,
            NotFound
        )
    );
    audited!(
        store,
        0,
        assert_err!(
            store
                .update_evaluation(
                    id + 50,
                    1,
                    evaluation(Tier::Notify, T0),
                    false,
                    None,
                    Vec::new(),
                    T0
                )
                .await,
            NotFound
        )
    );
}

pub async fn a_value_the_database_refuses_fails_its_item_alone(store: &Store) {
    // PostgreSQL refuses a NUL character in text (SQLite stores it): the item that has one
    // fails there, alone, and the batch around it is saved as usual.
    let w = world(store).await;
    let before = super::support::audit_size(store).await;
    let batch = vec![
        new_item(
            w.production.id,
            w.partner.id,
            version("First", &["x"], &[], Some(Tier::Notify)),
        ),
        new_item(
            w.production.id,
            w.partner.id,
            version("Nul \0 inside", &[], &[], None),
        ),
        new_item(
            w.production.id,
            w.partner.id,
            version("Last", &[], &[], None),
        ),
    ];
    let results = store.save_versions(batch, T0).await.unwrap();
    assert_eq!(results.len(), 3);
    let first = results[0].as_ref().expect("first saved");
    let last = results[2].as_ref().expect("last saved");
    assert_eq!(first.proposal.title, "First");
    assert_eq!(last.proposal.title, "Last");
    let saved = match (store.backend(), &results[1]) {
        ("postgres", Err(_)) => 2,
        ("sqlite", Ok(nul)) => {
            assert_eq!(nul.proposal.title, "Nul \0 inside");
            3
        }
        (backend, other) => panic!("{backend}: {other:?}"),
    };
    assert_eq!(super::support::audit_size(store).await, before + saved);
    assert_eq!(first.audit_index as u64, before);
    assert_eq!(last.audit_index as u64, before + saved - 1);
    assert_eq!(
        store
            .versions(last.proposal.id)
            .await
            .unwrap()
            .iter()
            .map(|v| v.number)
            .collect::<Vec<_>>(),
        vec![1]
    );
}
