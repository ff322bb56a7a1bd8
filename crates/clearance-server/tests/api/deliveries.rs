//! Deliverables: which proposals cover generated material in the final deliverables
//! (`/api/productions/{id}/coverage`), and who may see that.

use clearance_store::model::{Capacity, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, User, assert_error, example};

pub(crate) struct World {
    pub(crate) app: TestApp,
    pub(crate) partner: User,
    pub(crate) reviewer: User,
    pub(crate) outsider: User,
    pub(crate) production: i64,
    pub(crate) other_production: i64,
}

pub(crate) async fn world() -> World {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rita Reviewer").await;
    let outsider = app.person(Role::Partner, "Olga Outsider").await;
    let production = app
        .production(
            "Night Shift",
            &[
                (&partner, Capacity::Partner),
                (&reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    let other_production = app
        .production(
            "Day Shift",
            &[
                (&outsider, Capacity::Partner),
                (&reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    World {
        app,
        partner,
        reviewer,
        outsider,
        production,
        other_production,
    }
}

impl World {
    /// A proposal submitted by `by` in `production`; its id and revision.
    pub(crate) async fn propose_in(&self, by: &User, production: i64, intake: &str) -> (i64, i64) {
        let (status, body) = self
            .app
            .post(
                by,
                "/api/proposals",
                &json!({ "production_id": production, "intake": intake }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["proposal"]["id"].as_i64().expect("id"),
            body["proposal"]["revision"].as_i64().expect("revision"),
        )
    }

    /// A proposal submitted by the partner in the production.
    pub(crate) async fn propose(&self, intake: &str) -> (i64, i64) {
        self.propose_in(&self.partner, self.production, intake)
            .await
    }

    /// The reviewer's approval (with these extra fields); the proposal after it.
    pub(crate) async fn approve(&self, id: i64, revision: i64, extra: Value) -> Value {
        let mut decision =
            json!({ "decision": "approve", "note": "fine in the final cut", "revision": revision });
        if let (Some(decision), Value::Object(extra)) = (decision.as_object_mut(), extra) {
            decision.extend(extra);
        }
        let (status, body) = self
            .app
            .post(
                &self.reviewer,
                &format!("/api/proposals/{id}/reviews"),
                &decision,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["proposal"].clone()
    }

    /// The coverage of the production, as `user` reads it.
    pub(crate) async fn coverage(&self, user: &User) -> (StatusCode, Value) {
        self.app
            .get(
                user,
                &format!("/api/productions/{}/coverage", self.production),
            )
            .await
    }
}

/// A proposal's entry in a coverage answer.
fn entry(coverage: &Value, id: i64) -> Value {
    coverage["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("proposal {id} in {coverage}"))
}

#[tokio::test]
async fn coverage_names_each_proposal_and_why_it_does_or_does_not_cover() {
    let w = world().await;
    let poster = example("background-poster");
    let (in_review, _) = w.propose(&poster).await;
    let (covered, revision) = w.propose(&poster).await;
    w.approve(covered, revision, json!({})).await;
    // The vendor's previs: approved, but nothing of it is in the final deliverables.
    let (previs, revision) = w.propose(&example("vendor-pipeline")).await;
    w.approve(previs, revision, json!({})).await;
    // Approved, then edited: the new version goes back to review.
    let (edited, revision) = w.propose(&poster).await;
    let approved = w.approve(edited, revision, json!({})).await;
    let (status, body) = w
        .app
        .put(
            &w.partner,
            &format!("/api/proposals/{edited}"),
            &json!({
                "intake": poster.replace("Band poster in the diner", "Band poster in the diner, larger"),
                "revision": approved["revision"],
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Another production's approved proposal is not a candidate.
    let (theirs, revision) = w.propose_in(&w.outsider, w.other_production, &poster).await;
    w.approve(theirs, revision, json!({})).await;

    let (status, coverage) = w.coverage(&w.partner).await;
    assert_eq!(status, StatusCode::OK, "{coverage}");
    assert_eq!(coverage["production_id"], w.production);
    let ids: Vec<i64> = coverage["proposals"]
        .as_array()
        .expect("proposals")
        .iter()
        .map(|p| p["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![in_review, covered, previs, edited], "by id");
    assert!(!ids.contains(&theirs));

    let c = entry(&coverage, covered);
    assert_eq!(c["covers"], true, "{c}");
    assert_eq!(c["reason"], Value::Null);
    assert_eq!(c["element"], "poster");
    assert_eq!(c["final_output"], "yes");
    assert_eq!(c["status"], "approved");
    assert_eq!(c["title"], "Band poster in the diner, episode 2");

    let c = entry(&coverage, in_review);
    assert_eq!(
        (c["status"].as_str(), c["covers"].as_bool()),
        (Some("in_review"), Some(false))
    );
    assert_eq!(c["reason"], "in review, not approved");

    let c = entry(&coverage, previs);
    assert_eq!(
        (c["element"].as_str(), c["final_output"].as_str()),
        (Some("previs"), Some("no"))
    );
    assert_eq!(c["covers"], false);
    assert_eq!(c["reason"], "approved, but output.final is no");

    let c = entry(&coverage, edited);
    assert_eq!(c["covers"], false);
    assert_eq!(c["status"], "in_review");
    assert_eq!(
        c["reason"],
        "approved version 1; the current version is 2 (in review)"
    );

    // The reviewer and an admin read the same; the answer parses as the store's type.
    let (status, as_reviewer) = w.coverage(&w.reviewer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(as_reviewer, coverage);
    let (status, as_admin) = w.coverage(&w.app.admin).await;
    assert_eq!(status, StatusCode::OK);
    let typed: Vec<clearance_store::model::CoverageCandidate> =
        serde_json::from_value(as_admin["proposals"].clone()).expect("CoverageCandidate");
    assert_eq!(typed.len(), 4);
}

#[tokio::test]
async fn an_expired_approval_does_not_cover() {
    let w = world().await;
    let (id, revision) = w.propose(&example("background-poster")).await;
    let expiry = clearance_server::state::now() + 1_500;
    w.approve(id, revision, json!({ "expires_at": expiry }))
        .await;
    let (_, coverage) = w.coverage(&w.partner).await;
    assert_eq!(entry(&coverage, id)["covers"], true, "{coverage}");
    tokio::time::sleep(std::time::Duration::from_millis(2_000)).await;
    let (_, coverage) = w.coverage(&w.partner).await;
    let c = entry(&coverage, id);
    assert_eq!(c["covers"], false, "{c}");
    assert!(
        c["reason"]
            .as_str()
            .is_some_and(|reason| reason.starts_with("approval expired on ")),
        "{c}"
    );
}

#[tokio::test]
async fn an_outsider_gets_the_same_404_as_for_a_missing_production() {
    let w = world().await;
    w.propose(&example("background-poster")).await;
    let (status, body) = w.coverage(&w.outsider).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (missing_status, missing) = w
        .app
        .get(&w.outsider, "/api/productions/999999/coverage")
        .await;
    assert_eq!(missing_status, StatusCode::NOT_FOUND);
    assert_eq!(
        body["error"]["message"]
            .as_str()
            .map(|m| m.replace(&w.production.to_string(), "N")),
        missing["error"]["message"]
            .as_str()
            .map(|m| m.replace("999999", "N")),
        "the same answer"
    );
    // A representative is never a member; no token at all is 401.
    let rep = w.app.person(Role::Representative, "Remy Rep").await;
    let (status, body) = w.coverage(&rep).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, _) = crate::support::send(w.app.request(
        reqwest::Method::GET,
        "",
        &format!("/api/productions/{}/coverage", w.production),
    ))
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
