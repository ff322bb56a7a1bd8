//! Which proposals of a production cover generated material in its final deliverables.

use clearance_domain::tier::Tier;
use clearance_store::Store;
use clearance_store::model::{CoverageCandidate, Decision, Millis, NewVersion, Proposal, Status};
use clearance_store::proposal::{NewReview, Transition};

use super::support::{T0, evaluation, new_item, next_item, production, save, submit, world};

const HOUR: Millis = 3_600_000;

/// A submitted version whose intake names an element and answers `output.final`.
fn use_version(title: &str, element: &str, final_output: Option<&str>) -> NewVersion {
    let output = final_output.map_or(String::new(), |answer| {
        format!(r#","output":{{"final":"{answer}","prominence":"incidental"}}"#)
    });
    let intake = format!(r#"{{"title":"{title}","element":"{element}"{output}}}"#);
    NewVersion {
        title: title.to_owned(),
        vendor: None,
        source: intake.clone(),
        format: "json".to_owned(),
        content_hash: format!("{:0>64x}", fxhash(&intake)),
        intake,
        tools: Vec::new(),
        consent_ids: Vec::new(),
        evaluation: Some(evaluation(Tier::Approval, T0)),
    }
}

/// A stand-in content hash (distinct texts, distinct hashes, for these tests).
fn fxhash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Approves the current version of a proposal (moving it to `approved`).
async fn approve(
    store: &Store,
    proposal: &Proposal,
    content_hash: &str,
    reviewer: i64,
    expires_at: Option<Millis>,
    now: Millis,
) -> Proposal {
    let review = NewReview {
        proposal_id: proposal.id,
        version: proposal.current_version,
        content_hash: content_hash.to_owned(),
        rulebooks: evaluation(Tier::Approval, T0).rulebooks,
        tier: Tier::Approval,
        reviewer_id: reviewer,
        decision: Decision::Approve,
        note: "approved for the final cut".to_owned(),
        conditions: Vec::new(),
        scope: None,
        expires_at,
    };
    let transition = Transition {
        proposal_id: proposal.id,
        expected_revision: proposal.revision,
        status: Status::Approved,
        approved_version: Some(proposal.current_version),
        approval_expires_at: expires_at,
        needs_reapproval: false,
        actor: Some(reviewer),
        action: "review.approve".to_owned(),
        note: None,
        notifications: Vec::new(),
    };
    store
        .record_review(review, transition, now)
        .await
        .expect("approved")
        .1
}

fn find(candidates: &[CoverageCandidate], id: i64) -> &CoverageCandidate {
    candidates
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("proposal {id} is a candidate: {candidates:?}"))
}

pub async fn coverage_candidates(store: &Store) {
    let w = world(store).await;
    let (p, partner, reviewer) = (w.production.id, w.partner.id, w.reviewer.id);

    let in_review = use_version("Sky replacement", "vfx_shot", Some("yes"));
    let in_review = submit(store, p, partner, in_review, T0).await.proposal;

    let covered = use_version("Band poster", "poster", Some("yes"));
    let hash = covered.content_hash.clone();
    let covered = submit(store, p, partner, covered, T0).await.proposal;
    approve(store, &covered, &hash, reviewer, None, T0 + HOUR).await;

    let not_final = use_version("Moodboard", "moodboard", Some("no"));
    let hash = not_final.content_hash.clone();
    let not_final = submit(store, p, partner, not_final, T0).await.proposal;
    approve(store, &not_final, &hash, reviewer, None, T0 + HOUR).await;

    let unanswered = use_version("Signage", "signage", None);
    let hash = unanswered.content_hash.clone();
    let unanswered = submit(store, p, partner, unanswered, T0).await.proposal;
    approve(store, &unanswered, &hash, reviewer, None, T0 + HOUR).await;

    // Approved, then edited: version 2 goes back to review; the approval is of version 1.
    let edited = use_version("Crowd", "crowd", Some("yes"));
    let hash = edited.content_hash.clone();
    let edited = submit(store, p, partner, edited, T0).await.proposal;
    let edited = approve(store, &edited, &hash, reviewer, None, T0 + HOUR).await;
    let second = use_version("Crowd, wider", "crowd", Some("yes"));
    save(
        store,
        next_item(edited.id, edited.revision, partner, second),
        T0 + 2 * HOUR,
    )
    .await
    .expect("version 2");

    // Approved until a time that has passed (the expiry task has not run yet)…
    let lapsed = use_version("Title card", "title_sequence", Some("yes"));
    let hash = lapsed.content_hash.clone();
    let lapsed = submit(store, p, partner, lapsed, T0).await.proposal;
    approve(
        store,
        &lapsed,
        &hash,
        reviewer,
        Some(T0 + 2 * HOUR),
        T0 + HOUR,
    )
    .await;
    // …and one the expiry task has moved to `expired`.
    let expired = use_version("Newspaper", "news_clipping", Some("yes"));
    let hash = expired.content_hash.clone();
    let expired = submit(store, p, partner, expired, T0).await.proposal;
    let expired = approve(
        store,
        &expired,
        &hash,
        reviewer,
        Some(T0 + 2 * HOUR),
        T0 + HOUR,
    )
    .await;
    store
        .transition(
            Transition {
                proposal_id: expired.id,
                expected_revision: expired.revision,
                status: Status::Expired,
                approved_version: expired.approved_version,
                approval_expires_at: expired.approval_expires_at,
                needs_reapproval: false,
                actor: None,
                action: "proposal.expired".to_owned(),
                note: None,
                notifications: Vec::new(),
            },
            T0 + 3 * HOUR,
        )
        .await
        .expect("expired");

    let mut draft = new_item(p, partner, use_version("Draft", "prop", Some("yes")));
    draft.status = Status::Draft;
    let draft = save(store, draft, T0).await.expect("draft").proposal;

    let elsewhere = production(store, "Another Show").await;
    let theirs = use_version("Their poster", "poster", Some("yes"));
    let hash = theirs.content_hash.clone();
    let theirs = submit(store, elsewhere.id, partner, theirs, T0)
        .await
        .proposal;
    approve(store, &theirs, &hash, reviewer, None, T0 + HOUR).await;

    let now = T0 + 3 * HOUR;
    let candidates = store.coverage_candidates(p, now).await.expect("candidates");
    let ids: Vec<i64> = candidates.iter().map(|c| c.id).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "ordered by id");
    assert_eq!(
        ids.len(),
        8,
        "every proposal of the production: {candidates:?}"
    );
    assert!(!ids.contains(&theirs.id), "another production's proposal");

    let c = find(&candidates, covered.id);
    assert_eq!(
        (
            c.title.as_str(),
            c.element.as_str(),
            c.status.as_str(),
            c.final_output.as_str()
        ),
        ("Band poster", "poster", "approved", "yes")
    );
    assert!(c.covers && c.reason.is_none(), "{c:?}");

    let c = find(&candidates, in_review.id);
    assert_eq!(c.status, "submitted");
    assert!(!c.covers);
    assert_eq!(c.reason.as_deref(), Some("submitted, not approved"));

    let c = find(&candidates, not_final.id);
    assert!(!c.covers);
    assert_eq!(c.final_output, "no");
    assert_eq!(
        c.reason.as_deref(),
        Some("approved, but output.final is no")
    );

    let c = find(&candidates, unanswered.id);
    assert_eq!(c.final_output, "");
    assert_eq!(
        c.reason.as_deref(),
        Some("approved, but output.final is not answered")
    );

    let c = find(&candidates, edited.id);
    assert_eq!((c.status.as_str(), c.covers), ("in_review", false));
    assert_eq!(c.title, "Crowd, wider", "the current version's title");
    assert_eq!(
        c.reason.as_deref(),
        Some("approved version 1; the current version is 2 (in review)")
    );

    let c = find(&candidates, lapsed.id);
    assert_eq!((c.status.as_str(), c.covers), ("approved", false));
    assert_eq!(c.reason.as_deref(), Some("approval expired on 2025-06-15"));
    // Before its expiry, it covered.
    let before = store
        .coverage_candidates(p, T0 + HOUR + 1)
        .await
        .expect("candidates");
    assert!(find(&before, lapsed.id).covers);

    let c = find(&candidates, expired.id);
    assert_eq!((c.status.as_str(), c.covers), ("expired", false));
    assert_eq!(c.reason.as_deref(), Some("approval expired on 2025-06-15"));

    let c = find(&candidates, draft.id);
    assert_eq!(c.reason.as_deref(), Some("a draft, not approved"));

    // A production without proposals (or that does not exist) has no candidates.
    let empty = production(store, "Empty").await;
    assert!(
        store
            .coverage_candidates(empty.id, now)
            .await
            .expect("none")
            .is_empty()
    );
    assert!(
        store
            .coverage_candidates(999_999, now)
            .await
            .expect("none")
            .is_empty()
    );
}
