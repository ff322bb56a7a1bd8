//! Proposals: declaring, revising, the workflow's transitions, written reviews and what an
//! approval covers, versions and diffs, cloning, import, comments and attachments, and who may
//! do each of these.

use clearance_store::model::{Capacity, Role};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{TestApp, User, assert_error, example, send};

/// A production with one person of every kind, and a second production with its own members.
struct World {
    app: TestApp,
    partner: User,
    reviewer: User,
    second_reviewer: User,
    representative: User,
    /// A partner of the other production only.
    outsider: User,
    /// A reviewer of the other production only.
    outside_reviewer: User,
    production: i64,
    other_production: i64,
}

async fn world() -> World {
    world_with(TestApp::start().await).await
}

async fn world_with(app: TestApp) -> World {
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rita Reviewer").await;
    let second_reviewer = app.person(Role::Reviewer, "Rob Reviewer").await;
    let representative = app.person(Role::Representative, "Remy Rep").await;
    let outsider = app.person(Role::Partner, "Olga Outsider").await;
    let outside_reviewer = app.person(Role::Reviewer, "Otto Outside").await;
    let production = app
        .production(
            "Night Shift",
            &[
                (&partner, Capacity::Partner),
                (&reviewer, Capacity::Reviewer),
                (&second_reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    let other_production = app
        .production(
            "Day Shift",
            &[
                (&outsider, Capacity::Partner),
                (&outside_reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    World {
        app,
        partner,
        reviewer,
        second_reviewer,
        representative,
        outsider,
        outside_reviewer,
        production,
        other_production,
    }
}

impl World {
    async fn create(&self, user: &User, source: &str, submit: bool) -> (StatusCode, Value) {
        self.app
            .post(
                user,
                "/api/proposals",
                &json!({ "production_id": self.production, "intake": source, "submit": submit }),
            )
            .await
    }

    /// A proposal made by the partner; returns its id and revision.
    async fn proposal(&self, source: &str, submit: bool) -> (i64, i64) {
        let (status, body) = self.create(&self.partner, source, submit).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            id_of(&body),
            body["proposal"]["revision"].as_i64().unwrap_or_default(),
        )
    }

    async fn revision(&self, id: i64) -> i64 {
        let (status, body) = self
            .app
            .get(&self.app.admin, &format!("/api/proposals/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["proposal"]["revision"].as_i64().unwrap_or_default()
    }

    async fn decide(
        &self,
        reviewer: &User,
        id: i64,
        decision: &str,
        revision: i64,
    ) -> (StatusCode, Value) {
        self.app.post(reviewer, &format!("/api/proposals/{id}/reviews"), &json!({ "decision": decision, "note": "checked with legal", "revision": revision })).await
    }

    async fn revise(
        &self,
        user: &User,
        id: i64,
        source: &str,
        revision: i64,
    ) -> (StatusCode, Value) {
        self.app
            .put(
                user,
                &format!("/api/proposals/{id}"),
                &json!({ "intake": source, "revision": revision }),
            )
            .await
    }

    async fn search_count(&self, query: &str) -> usize {
        let (status, body) = self
            .app
            .get(&self.app.admin, &format!("/api/proposals?{query}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["proposals"].as_array().map_or(0, Vec::len)
    }
}

fn id_of(body: &Value) -> i64 {
    body["proposal"]["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no proposal id in {body}"))
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// An intake that triage blocks: a voice replica of a performer without consent.
fn blocked_intake() -> String {
    example("voice-replica").replace("consent: written", "consent: none")
}

/// The approval-tier example with one answer changed (a new version with different bytes).
fn edited_poster() -> String {
    example("background-poster").replace(
        "title: Band poster in the diner, episode 2",
        "title: Band poster in the diner, episodes 2 and 3",
    )
}

/// A denial: the status, an error body, and nothing about any proposal.
fn assert_denied(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
    assert!(body.get("error").is_some(), "{body}");
    for key in [
        "proposal",
        "proposals",
        "version",
        "source",
        "evaluation",
        "reviews",
        "created",
        "review",
        "diff",
        "title",
        "body",
        "sha256",
    ] {
        assert!(body.get(key).is_none(), "`{key}` disclosed: {body}");
    }
    assert!(!body.to_string().contains("Band poster"), "{body}");
}

#[tokio::test]
async fn a_submission_is_evaluated_stored_as_sent_and_routed_by_its_tier() {
    let w = world().await;
    let source = example("background-poster");
    let (status, body) = w.create(&w.partner, &source, true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["status"], "in_review");
    assert_eq!(body["proposal"]["tier"], "approval");
    assert_eq!(body["proposal"]["production_id"], w.production);
    assert_eq!(
        body["proposal"]["title"],
        "Band poster in the diner, episode 2"
    );
    assert_eq!(body["proposal"]["current_version"], 1);
    assert_eq!(body["proposal"]["created_by"], w.partner.id);
    assert_eq!(body["version"]["number"], 1);
    assert_eq!(body["version"]["source"], source.as_str());
    assert_eq!(body["version"]["format"], "yaml");
    assert_eq!(body["version"]["content_hash"], sha256(source.as_bytes()));
    assert_eq!(body["version"]["tier"], "approval");
    assert_eq!(body["version"]["rulebooks"][0]["id"], "netflix-genai-2025");
    assert_eq!(body["evaluation"]["tier"], "approval");
    assert!(
        body["evaluation"]["findings"]
            .as_array()
            .is_some_and(|findings| !findings.is_empty()),
        "{body}"
    );
    // The answer is built from what was saved, not read back: it must be exactly what a read
    // of the same version gives.
    let id = body["proposal"]["id"].as_i64().expect("an id");
    let (status, read) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{id}/versions/1"))
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read, body);

    // A notify-tier use is acknowledged at once; nothing to approve.
    let (status, body) = w.create(&w.partner, &example("moodboard"), true).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["status"], "acknowledged");
    assert_eq!(body["proposal"]["tier"], "notify");

    // A draft is evaluated too, so the producer sees the tier, but it is not routed.
    let (status, body) = w
        .create(&w.partner, &example("script-into-chatbot"), false)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["status"], "draft");
    assert_eq!(body["proposal"]["tier"], "blocked");
    assert_eq!(body["evaluation"]["tier"], "blocked");

    // An admin may declare for the production too.
    let (status, body) = w
        .create(&w.app.admin, &example("vendor-pipeline"), true)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["tier"], "escalate");
    assert_eq!(body["proposal"]["status"], "in_review");

    // The reviewers and the author are told about a submission; drafts tell nobody.
    let reviewer_events = w
        .app
        .state
        .store
        .notifications_for(w.reviewer.id, 50)
        .await
        .unwrap_or_default();
    let submitted: Vec<_> = reviewer_events
        .iter()
        .filter(|n| n.event == "proposal.submitted")
        .collect();
    assert_eq!(submitted.len(), 3, "{reviewer_events:?}");
    assert!(
        submitted
            .iter()
            .all(|n| n.production_id == Some(w.production))
    );
    let author_events = w
        .app
        .state
        .store
        .notifications_for(w.partner.id, 50)
        .await
        .unwrap_or_default();
    assert_eq!(
        author_events
            .iter()
            .filter(|n| n.event == "proposal.submitted")
            .count(),
        2
    );
    assert!(
        w.app
            .state
            .store
            .notifications_for(w.outside_reviewer.id, 50)
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn an_intake_sent_as_a_json_object_is_stored_byte_for_byte() {
    let w = world().await;
    let intake = r#"{ "title":"Moodboard",   "production": "Night Shift", "stage": "ideation", "element": "moodboard", "media": ["image"],
 "output": {"final": "no", "prominence": "none", "mistaken_for_real": "no"}, "inputs": ["none"],
 "tools": [{"name": "Image generator", "environment": "consumer", "trains_on_inputs": "unsure"}],
 "training": {"trains_model": "no"}, "talent": {"uses": []}, "union_work_impact": "no" }"#;
    let text = format!(
        r#"{{"production_id": {}, "intake": {intake}}}"#,
        w.production
    );
    let request = w
        .app
        .request(Method::POST, &w.partner.token, "/api/proposals")
        .header("content-type", "application/json")
        .body(text);
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["version"]["source"], intake);
    assert_eq!(body["version"]["format"], "json");
    assert_eq!(body["version"]["content_hash"], sha256(intake.as_bytes()));
    assert_eq!(body["version"]["intake"]["title"], "Moodboard");
    assert!(body["evaluation"]["tier"].is_string(), "{body}");

    // Neither a string nor an object: a malformed request.
    let (status, body) = w
        .app
        .post(
            &w.partner,
            "/api/proposals",
            &json!({ "production_id": w.production, "intake": 42 }),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, body) = w
        .app
        .post(
            &w.partner,
            "/api/proposals",
            &json!({ "intake": "title: x" }),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn a_bad_intake_gets_422_with_located_problems() {
    let w = world().await;
    let source = "title: Poster\nproduction: Night Shift\noutput:\n  final: maybe\n";
    let (status, body) = w.create(&w.partner, source, true).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let problem = &body["error"]["problems"][0];
    assert_eq!(problem["path"], "output.final", "{body}");
    assert_eq!(problem["line"], 4);
    assert_eq!(problem["column"], 10);
    assert!(
        problem["help"]
            .as_str()
            .is_some_and(|help| help.contains("yes")),
        "{body}"
    );
    assert!(body.get("proposal").is_none());

    // An unknown field is named with its closest known field.
    let (status, body) = w
        .create(
            &w.partner,
            "title: Poster\nproduction: Night Shift\nouput: {}\n",
            true,
        )
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["error"]["problems"][0]["line"], 3);
    assert!(
        body["error"]["problems"][0]["message"]
            .as_str()
            .is_some_and(|message| message.contains("output")),
        "{body}"
    );

    // Nothing was stored.
    assert_eq!(w.search_count("").await, 0);
}

#[tokio::test]
async fn a_retried_submission_with_the_same_idempotency_key_returns_the_same_proposal() {
    let w = world().await;
    let body = json!({ "production_id": w.production, "intake": example("background-poster") });
    let post = |key: &str, body: &Value| {
        w.app
            .request(Method::POST, &w.partner.token, "/api/proposals")
            .header("Idempotency-Key", key)
            .json(body)
    };
    let (first_status, first) = send(post("retry-1", &body)).await;
    assert_eq!(first_status, StatusCode::CREATED, "{first}");
    let (second_status, second) = send(post("retry-1", &body)).await;
    assert_eq!(second_status, StatusCode::OK, "{second}");
    assert_eq!(id_of(&second), id_of(&first));
    assert_eq!(second, first, "the retry answers with the same body");
    assert_eq!(w.search_count("").await, 1, "no second proposal");

    // The same key for another intake is refused; another key makes another proposal.
    let other = json!({ "production_id": w.production, "intake": example("moodboard") });
    let (status, body) = send(post("retry-1", &other)).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("Idempotency-Key")),
        "{body}"
    );
    let (status, body) = send(post("retry-2", &other)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_ne!(id_of(&body), id_of(&first));
    assert_eq!(w.search_count("").await, 2);

    // Keys are per person: another partner's identical key is a new request.
    let colleague = w.app.person(Role::Partner, "Colleague").await;
    w.app
        .state
        .store
        .add_member(
            w.production,
            colleague.id,
            Capacity::Partner,
            None,
            w.app.state.now(),
        )
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let request = w
        .app
        .request(Method::POST, &colleague.token, "/api/proposals")
        .header("Idempotency-Key", "retry-1")
        .json(&other);
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(w.search_count("").await, 3);
}

#[tokio::test]
async fn search_filters_orders_pages_and_shows_only_the_callers_productions() {
    let w = world().await;
    let (poster, _) = w.proposal(&example("background-poster"), true).await;
    let (moodboard, _) = w.proposal(&example("moodboard"), true).await;
    let (chatbot, _) = w.proposal(&example("script-into-chatbot"), false).await;
    let (status, body) = w
        .app
        .post(
            &w.outsider,
            "/api/proposals",
            &json!({ "production_id": w.other_production, "intake": example("vendor-pipeline") }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let elsewhere = id_of(&body);

    let ids = |body: &Value| {
        body["proposals"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|p| p["id"].as_i64())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let (status, body) = w.app.get(&w.app.admin, "/api/proposals").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        ids(&body),
        vec![elsewhere, chatbot, moodboard, poster],
        "newest first"
    );
    assert_eq!(body["limit"], 50);
    let (_, body) = w
        .app
        .get(&w.app.admin, "/api/proposals?order=oldest&limit=2&offset=1")
        .await;
    assert_eq!(ids(&body), vec![moodboard, chatbot]);
    let (_, body) = w.app.get(&w.app.admin, "/api/proposals?limit=100000").await;
    assert_eq!(body["limit"], 500);

    let (_, body) = w.app.get(&w.partner, "/api/proposals").await;
    assert_eq!(ids(&body), vec![chatbot, moodboard, poster]);
    let (_, body) = w.app.get(&w.reviewer, "/api/proposals").await;
    assert_eq!(ids(&body), vec![chatbot, moodboard, poster]);
    let (_, body) = w.app.get(&w.outsider, "/api/proposals").await;
    assert_eq!(ids(&body), vec![elsewhere]);
    let (_, body) = w.app.get(&w.outside_reviewer, "/api/proposals").await;
    assert_eq!(ids(&body), vec![elsewhere]);

    let (_, body) = w.app.get(&w.partner, "/api/proposals?tier=notify").await;
    assert_eq!(ids(&body), vec![moodboard]);
    let (_, body) = w.app.get(&w.partner, "/api/proposals?status=draft").await;
    assert_eq!(ids(&body), vec![chatbot]);
    let (_, body) = w.app.get(&w.partner, "/api/proposals?text=poster").await;
    assert_eq!(ids(&body), vec![poster]);
    let (_, body) = w
        .app
        .get(
            &w.app.admin,
            &format!("/api/proposals?production_id={}", w.other_production),
        )
        .await;
    assert_eq!(ids(&body), vec![elsewhere]);
    let (_, body) = w
        .app
        .get(
            &w.partner,
            "/api/proposals?tool=Studio%20enterprise%20image%20tool",
        )
        .await;
    assert_eq!(ids(&body), vec![moodboard, poster]);
    let (_, body) = w
        .app
        .get(&w.app.admin, "/api/proposals?vendor=nobody")
        .await;
    assert_eq!(ids(&body), Vec::<i64>::new());

    // Another production's proposals are not found by naming it; a representative sees none.
    let (status, body) = w
        .app
        .get(
            &w.outsider,
            &format!("/api/proposals?production_id={}", w.production),
        )
        .await;
    assert_denied(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = w.app.get(&w.representative, "/api/proposals").await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    assert_denied(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = w.app.get(&w.partner, "/api/proposals?tier=urgent").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, body) = w.app.get(&w.partner, "/api/proposals?status=pending").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, body) = w.app.get(&w.partner, "/api/proposals?order=random").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, _) = send(w.app.request(Method::GET, "", "/api/proposals")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_proposal_is_read_with_its_version_evaluation_reviews_and_approval() {
    let w = world().await;
    let source = example("background-poster");
    let (id, _) = w.proposal(&source, true).await;
    for user in [&w.partner, &w.reviewer, &w.app.admin] {
        let (status, body) = w.app.get(user, &format!("/api/proposals/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["proposal"]["id"], id);
        assert_eq!(body["version"]["source"], source.as_str());
        assert_eq!(body["evaluation"]["tier"], "approval");
        assert_eq!(body["reviews"], json!([]));
        assert_eq!(body["approval"]["covered"], false);
        assert_eq!(body["approval"]["approved_version"], Value::Null);
        assert_eq!(body["approval"]["current_version"], 1);
        assert!(
            body["approval"]["reason"]
                .as_str()
                .is_some_and(|reason| !reason.is_empty())
        );
    }
    for user in [&w.representative, &w.outsider, &w.outside_reviewer] {
        let (status, body) = w.app.get(user, &format!("/api/proposals/{id}")).await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
    }
    // Unknown and known-but-hidden proposals look alike.
    let (status, hidden) = w
        .app
        .get(&w.outsider, &format!("/api/proposals/{id}"))
        .await;
    let (_, missing) = w.app.get(&w.outsider, "/api/proposals/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(hidden["error"]["code"], missing["error"]["code"]);
}

#[tokio::test]
async fn an_approval_does_not_cover_an_edited_proposal() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), true).await;

    let (status, decided) = w.app
        .post(
            &w.reviewer,
            &format!("/api/proposals/{id}/reviews"),
            &json!({ "decision": "approve", "note": "fine for background use", "conditions": ["credit the artist"], "scope": "episode 2", "revision": revision }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{decided}");
    assert_eq!(decided["proposal"]["status"], "approved");
    assert_eq!(decided["proposal"]["approved_version"], 1);
    assert_eq!(decided["review"]["decision"], "approve");
    assert_eq!(decided["review"]["version"], 1);
    assert_eq!(
        decided["review"]["content_hash"],
        sha256(example("background-poster").as_bytes())
    );
    assert_eq!(
        decided["review"]["conditions"],
        json!(["credit the artist"])
    );
    assert_eq!(decided["review"]["tier"], "approval");
    assert_eq!(decided["review"]["reviewer_id"], w.reviewer.id);

    // The approval's inclusion proof verifies offline against the checkpoint signed at once.
    let proof: clearance_server::audit::InclusionProof =
        serde_json::from_value(decided["proof"].clone())
            .unwrap_or_else(|error| panic!("{error}: {decided}"));
    let index = decided["review"]["audit_index"].as_i64().unwrap_or(-1);
    assert_eq!(proof.entry.index, index);
    assert!(proof.checkpoint.checkpoint.size > u64::try_from(index).unwrap_or(u64::MAX));
    let key = clearance_audit::VerifyingKey::from_hex(&proof.public_key)
        .unwrap_or_else(|error| panic!("{error}"));
    assert!(key.verify(&proof.checkpoint).is_ok());
    let path: Vec<clearance_audit::Hash> = proof
        .proof
        .iter()
        .map(|hash| clearance_audit::from_hex(hash).unwrap_or_else(|error| panic!("{error}")))
        .collect();
    let leaf = clearance_audit::leaf_hash(&proof.entry.leaf_bytes());
    assert!(
        clearance_audit::verify_inclusion(
            &leaf,
            proof.entry.index as u64,
            proof.checkpoint.checkpoint.size,
            &path,
            &proof.checkpoint.checkpoint.root
        )
        .is_ok()
    );

    let (_, body) = w.app.get(&w.partner, &format!("/api/proposals/{id}")).await;
    assert_eq!(body["approval"]["covered"], true, "{body}");
    assert_eq!(body["approval"]["approved_version"], 1);
    assert_eq!(body["reviews"][0]["note"], "fine for background use");

    // The author is told (and the partner members).
    let events = w
        .app
        .state
        .store
        .notifications_for(w.partner.id, 50)
        .await
        .unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|n| n.event == "review.decided" && n.proposal_id == Some(id)),
        "{events:?}"
    );

    // Edit the approved proposal: back to review, and the approval no longer covers it.
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, revised) = w.revise(&w.partner, id, &edited_poster(), revision).await;
    assert_eq!(status, StatusCode::OK, "{revised}");
    assert_eq!(revised["proposal"]["status"], "in_review");
    assert_eq!(revised["proposal"]["current_version"], 2);
    assert_eq!(revised["version"]["number"], 2);
    let (_, body) = w
        .app
        .get(&w.reviewer, &format!("/api/proposals/{id}"))
        .await;
    assert_eq!(body["proposal"]["status"], "in_review");
    assert_eq!(body["approval"]["covered"], false, "{body}");
    assert_eq!(body["approval"]["approved_version"], 1);
    assert_eq!(body["approval"]["current_version"], 2);
    assert!(
        body["approval"]["reason"].as_str().is_some_and(
            |reason| reason.contains("version 1") && reason.contains("different content")
        ),
        "{body}"
    );
    assert_eq!(body["version"]["source"], edited_poster().as_str());

    // Approving the new version covers it again.
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, decided) = w.decide(&w.reviewer, id, "approve", revision).await;
    assert_eq!(status, StatusCode::CREATED, "{decided}");
    let (_, body) = w
        .app
        .get(&w.reviewer, &format!("/api/proposals/{id}"))
        .await;
    assert_eq!(body["approval"]["covered"], true, "{body}");
    assert_eq!(body["approval"]["approved_version"], 2);
    assert_eq!(body["reviews"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn an_edited_approval_with_a_notify_tier_is_acknowledged_and_uncovered() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), true).await;
    let (status, body) = w.decide(&w.reviewer, id, "approve", revision).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, body) = w
        .revise(&w.partner, id, &example("moodboard"), revision)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["proposal"]["status"], "acknowledged");
    let (_, body) = w.app.get(&w.partner, &format!("/api/proposals/{id}")).await;
    assert_eq!(body["approval"]["covered"], false, "{body}");
}

#[tokio::test]
async fn a_stale_revision_is_409() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), false).await;
    let (status, body) = w.revise(&w.partner, id, &edited_poster(), revision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["proposal"]["status"], "in_review",
        "a draft revised with submit (default) is routed"
    );
    let (status, body) = w
        .revise(&w.partner, id, &example("background-poster"), revision)
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|message| message.contains("revision")),
        "{body}"
    );
    let (status, body) = w.decide(&w.reviewer, id, "approve", revision).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{id}/withdraw"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    // Nothing changed.
    let (_, body) = w.app.get(&w.partner, &format!("/api/proposals/{id}")).await;
    assert_eq!(body["proposal"]["current_version"], 2);
    assert_eq!(body["proposal"]["status"], "in_review");
    assert_eq!(body["reviews"], json!([]));
}

fn message(body: &Value) -> String {
    body["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn illegal_transitions_are_409_with_the_workflows_message() {
    let w = world().await;

    // Submit twice.
    let (draft, revision) = w.proposal(&example("background-poster"), false).await;
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{draft}/submit"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["proposal"]["status"], "in_review");
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{draft}/submit"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        message(&body).contains("only a draft can be submitted"),
        "{body}"
    );

    // Withdraw an approved one.
    let (status, body) = w.decide(&w.reviewer, draft, "approve", revision).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{draft}/withdraw"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        message(&body).contains("approved cannot be withdrawn"),
        "{body}"
    );
    // Approve it again while it is approved and its tier has not risen.
    let (status, body) = w
        .decide(&w.second_reviewer, draft, "approve", revision)
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(message(&body).contains("already approved"), "{body}");
    // Keep an approved proposal as a draft.
    let (status, body) = w
        .app
        .put(
            &w.partner,
            &format!("/api/proposals/{draft}"),
            &json!({ "intake": edited_poster(), "submit": false, "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(message(&body).contains("not kept as a draft"), "{body}");

    // Approve a blocked one: refused by the workflow; requesting changes is allowed.
    let (blocked, revision) = w.proposal(&blocked_intake(), true).await;
    let (status, body) = w.decide(&w.reviewer, blocked, "approve", revision).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(message(&body).contains("blocked"), "{body}");
    let (_, body) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{blocked}"))
        .await;
    assert_eq!(body["proposal"]["status"], "in_review");
    assert_eq!(body["reviews"], json!([]));

    // Decide on a draft.
    let (chatbot, revision) = w.proposal(&example("moodboard"), false).await;
    let (status, body) = w
        .decide(&w.reviewer, chatbot, "request_changes", revision)
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        message(&body).contains("only a proposal in review can be decided"),
        "{body}"
    );

    // Revise a refused one: closed, clone it instead.
    let (refused, revision) = w.proposal(&example("vendor-pipeline"), true).await;
    let (status, body) = w.decide(&w.reviewer, refused, "refuse", revision).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["status"], "refused");
    assert_eq!(
        body["proof"],
        Value::Null,
        "only an approval carries its proof"
    );
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, body) = w
        .revise(&w.partner, refused, &example("vendor-pipeline"), revision)
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(message(&body).contains("closed; clone it"), "{body}");
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{refused}/withdraw"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        message(&body).contains("refused cannot be withdrawn"),
        "{body}"
    );

    // Withdraw twice.
    let (open, revision) = w.proposal(&example("vendor-pipeline"), true).await;
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{open}/withdraw"),
            &json!({ "revision": revision, "note": "dropped from the cut" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["proposal"]["status"], "withdrawn");
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{open}/withdraw"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        message(&body).contains("withdrawn cannot be withdrawn"),
        "{body}"
    );
}

#[tokio::test]
async fn changes_requested_then_revised_goes_back_to_review() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), true).await;
    let (status, body) = w.decide(&w.reviewer, id, "request_changes", revision).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["status"], "changes_requested");
    assert_eq!(body["proposal"]["approved_version"], Value::Null);
    let revision = body["proposal"]["revision"].as_i64().unwrap_or_default();
    let (status, body) = w.revise(&w.partner, id, &edited_poster(), revision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["proposal"]["status"], "in_review");
    let events = w
        .app
        .state
        .store
        .notifications_for(w.reviewer.id, 50)
        .await
        .unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|n| n.event == "proposal.revised" && n.proposal_id == Some(id)),
        "{events:?}"
    );
}

#[tokio::test]
async fn a_decision_needs_a_note_and_a_future_expiry() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), true).await;
    let path = format!("/api/proposals/{id}/reviews");
    let (status, body) = w
        .app
        .post(
            &w.reviewer,
            &path,
            &json!({ "decision": "approve", "note": "  ", "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["error"]["problems"][0]["path"], "note");
    let (status, body) = w.app.post(&w.reviewer, &path, &json!({ "decision": "approve", "note": "ok", "expires_at": 1000, "revision": revision })).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["error"]["problems"][0]["path"], "expires_at");
    let (status, body) = w
        .app
        .post(
            &w.reviewer,
            &path,
            &json!({ "decision": "maybe", "note": "ok", "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["error"]["problems"][0]["path"], "decision");
    let (status, body) = w.app.post(&w.reviewer, &path, &json!({ "decision": "refuse", "note": "no", "conditions": ["x"], "revision": revision })).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let (status, body) = w
        .app
        .post(
            &w.reviewer,
            &path,
            &json!({ "decision": "approve", "revision": revision }),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");

    let expiry = clearance_server::state::now() + 86_400_000;
    let (status, body) = w.app.post(&w.reviewer, &path, &json!({ "decision": "approve", "note": "for one day", "expires_at": expiry, "revision": revision })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["approval_expires_at"], expiry);
    assert_eq!(body["review"]["expires_at"], expiry);
    let (status, reviews) = w.app.get(&w.partner, &path).await;
    assert_eq!(status, StatusCode::OK, "{reviews}");
    assert_eq!(reviews.as_array().map(Vec::len), Some(1));
    assert_eq!(reviews[0]["note"], "for one day");
}

#[tokio::test]
async fn two_reviewers_deciding_at_once_one_wins_the_other_gets_409() {
    let w = world().await;
    for round in 0..3 {
        let (id, revision) = w.proposal(&example("background-poster"), true).await;
        let (first, second) = tokio::join!(
            w.decide(&w.reviewer, id, "approve", revision),
            w.decide(&w.second_reviewer, id, "refuse", revision)
        );
        let mut statuses = [first.0, second.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::CONFLICT],
            "round {round}: {} / {}",
            first.1,
            second.1
        );
        let loser = if first.0 == StatusCode::CONFLICT {
            &first.1
        } else {
            &second.1
        };
        assert_error(
            StatusCode::CONFLICT,
            loser,
            StatusCode::CONFLICT,
            "conflict",
        );
        let (_, body) = w.app.get(&w.partner, &format!("/api/proposals/{id}")).await;
        assert_eq!(body["reviews"].as_array().map(Vec::len), Some(1), "{body}");
    }
}

#[tokio::test]
async fn versions_are_listed_read_and_diffed() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), true).await;
    let (status, body) = w.revise(&w.partner, id, &edited_poster(), revision).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, versions) = w
        .app
        .get(&w.reviewer, &format!("/api/proposals/{id}/versions"))
        .await;
    assert_eq!(status, StatusCode::OK, "{versions}");
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
    assert_eq!(versions[0]["number"], 1);
    assert_eq!(
        versions[1]["content_hash"],
        sha256(edited_poster().as_bytes())
    );
    assert_eq!(versions[0]["author_id"], w.partner.id);

    let (status, first) = w
        .app
        .get(&w.reviewer, &format!("/api/proposals/{id}/versions/1"))
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(
        first["version"]["source"],
        example("background-poster").as_str()
    );
    assert_eq!(first["evaluation"]["tier"], "approval");
    assert_eq!(first["proposal"]["current_version"], 2);
    let (status, body) = w
        .app
        .get(&w.reviewer, &format!("/api/proposals/{id}/versions/3"))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    let (status, diff) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    let text = diff["diff"].as_str().unwrap_or_default();
    assert!(
        text.starts_with(&format!(
            "--- proposal {id} version 1\n+++ proposal {id} version 2\n@@ -1,5 +1,5 @@\n"
        )),
        "{text}"
    );
    assert!(text.contains("\n-title: Band poster in the diner, episode 2\n+title: Band poster in the diner, episodes 2 and 3\n"), "{text}");
    assert_eq!(diff["identical"], false);
    assert_eq!(
        diff["from_hash"],
        sha256(example("background-poster").as_bytes())
    );
    // Defaults: the current version against the one before.
    let (_, default) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{id}/diff"))
        .await;
    assert_eq!(default["diff"], diff["diff"]);
    let (_, same) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{id}/diff?from=2&to=2"))
        .await;
    assert_eq!(same["identical"], true);
    assert_eq!(same["diff"], "");
    let (status, body) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{id}/diff?from=1&to=9"))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_clone_is_a_new_draft_with_the_same_text() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("vendor-pipeline"), true).await;
    let (status, body) = w.decide(&w.reviewer, id, "refuse", revision).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, clone) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{id}/clone"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{clone}");
    assert_ne!(id_of(&clone), id);
    assert_eq!(clone["proposal"]["status"], "draft");
    assert_eq!(clone["proposal"]["production_id"], w.production);
    assert_eq!(clone["proposal"]["created_by"], w.partner.id);
    assert_eq!(
        clone["version"]["source"],
        example("vendor-pipeline").as_str()
    );
    assert_eq!(clone["evaluation"]["tier"], "escalate");

    // Into another production where the caller is a partner too.
    w.app
        .state
        .store
        .add_member(
            w.other_production,
            w.partner.id,
            Capacity::Partner,
            None,
            w.app.state.now(),
        )
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{id}/clone"),
            &json!({ "production_id": w.other_production }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["proposal"]["production_id"], w.other_production);

    // Not into a production the caller is not a partner of; not by a reviewer.
    let third = w.app.production("Third", &[]).await;
    let (status, body) = w
        .app
        .post(
            &w.partner,
            &format!("/api/proposals/{id}/clone"),
            &json!({ "production_id": third }),
        )
        .await;
    assert_denied(status, &body, StatusCode::NOT_FOUND);
    let (status, body) = w
        .app
        .post(
            &w.reviewer,
            &format!("/api/proposals/{id}/clone"),
            &json!({}),
        )
        .await;
    assert_denied(status, &body, StatusCode::FORBIDDEN);
    // Someone who cannot see the source cannot clone it into their own production.
    let (status, body) = w
        .app
        .post(
            &w.outsider,
            &format!("/api/proposals/{id}/clone"),
            &json!({ "production_id": w.other_production }),
        )
        .await;
    assert_denied(status, &body, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_csv_import_saves_the_good_rows_and_reports_the_bad_one() {
    let w = world().await;
    let csv = "title,stage,element,media,output.final,output.prominence,output.mistaken_for_real,output.human_input,inputs,tools,union_work_impact,vendor\n\
               Poster in the diner,production,poster,image,yes,incidental,no,yes,none,Studio image tool,no,Acme VFX\n\
               Sign on the wall,production,signage,image,maybe,incidental,no,yes,none,Studio image tool,no,\n\
               Moodboard for the set,ideation,moodboard,image;video,no,none,no,,none,Image generator;Upscaler,no,\n";
    let request = w
        .app
        .request(
            Method::POST,
            &w.partner.token,
            &format!("/api/proposals/import?production_id={}", w.production),
        )
        .header("content-type", "text/csv")
        .body(csv);
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created = body["created"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        created
            .iter()
            .map(|item| item["row"].as_i64().unwrap_or_default())
            .collect::<Vec<_>>(),
        vec![1, 3],
        "{body}"
    );
    let failed = body["failed"].as_array().cloned().unwrap_or_default();
    assert_eq!(failed.len(), 1, "{body}");
    assert_eq!(failed[0]["row"], 2);
    assert_eq!(failed[0]["problems"][0]["path"], "output.final");
    assert_eq!(
        failed[0]["problems"][0]["line"], 3,
        "the row's line in the CSV"
    );
    assert_eq!(
        failed[0]["problems"][0]["column"], 5,
        "the output.final column"
    );
    assert_eq!(w.search_count("").await, 2);
    assert_eq!(w.search_count("vendor=Acme%20VFX").await, 1);

    // Each row is stored as a YAML document the producer can read and edit.
    let id = created[0]["proposal"]["id"].as_i64().unwrap_or_default();
    assert_eq!(created[0]["proposal"]["vendor"], "Acme VFX");
    assert_eq!(created[0]["proposal"]["status"], "in_review");
    let (_, detail) = w.app.get(&w.partner, &format!("/api/proposals/{id}")).await;
    assert_eq!(detail["version"]["format"], "yaml");
    assert_eq!(
        detail["version"]["source"],
        "title: Poster in the diner\nproduction: Night Shift\nstage: production\nelement: poster\nmedia:\n- image\noutput:\n  final: yes\n  prominence: incidental\n  mistaken_for_real: no\n  human_input: yes\ninputs:\n- none\ntools:\n- name: Studio image tool\nunion_work_impact: no\nvendor: Acme VFX\n"
    );
    let second = created[1]["proposal"]["id"].as_i64().unwrap_or_default();
    let (_, detail) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{second}"))
        .await;
    assert_eq!(
        detail["version"]["intake"]["media"],
        json!(["image", "video"])
    );
    assert_eq!(detail["version"]["intake"]["tools"][1]["name"], "Upscaler");

    // A bad header is refused whole; a CSV needs its production.
    let request = w
        .app
        .request(
            Method::POST,
            &w.partner.token,
            &format!("/api/proposals/import?production_id={}", w.production),
        )
        .header("content-type", "text/csv")
        .body("title,title\nA,B\n");
    let (status, body) = send(request).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["error"]["problems"][0]["column"], 2);
    let request = w
        .app
        .request(Method::POST, &w.partner.token, "/api/proposals/import")
        .header("content-type", "text/csv")
        .body(csv);
    let (status, body) = send(request).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(w.search_count("").await, 2);
}

#[tokio::test]
async fn a_folder_of_intake_files_is_imported_file_by_file() {
    let w = world().await;
    let files = json!({
        "production_id": w.production,
        "files": [
            { "name": "poster.yaml", "source": example("background-poster") },
            { "name": "broken.yaml", "source": "title: X\nproduction: Night Shift\nstage: filming\n" },
            { "name": "moodboard.yaml", "source": example("moodboard") },
        ],
        "submit": false,
    });
    let (status, body) = w
        .app
        .post(&w.partner, "/api/proposals/import", &files)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let names: Vec<&str> = body["created"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|item| item["name"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, ["poster.yaml", "moodboard.yaml"]);
    assert!(body["created"].as_array().is_some_and(|list| {
        list.iter()
            .all(|item| item["proposal"]["status"] == "draft")
    }));
    assert_eq!(body["failed"][0]["name"], "broken.yaml");
    assert_eq!(body["failed"][0]["problems"][0]["path"], "stage");
    assert_eq!(body["failed"][0]["problems"][0]["line"], 3);
    assert_eq!(w.search_count("status=draft").await, 2);

    // Everything failing makes nothing and answers 200.
    let files = json!({ "production_id": w.production, "files": [{ "name": "a.yaml", "source": "nonsense: [" }] });
    let (status, body) = w
        .app
        .post(&w.partner, "/api/proposals/import", &files)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["created"], json!([]));
    assert_eq!(body["failed"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn comments_reach_the_other_side() {
    let w = world().await;
    let (id, _) = w.proposal(&example("background-poster"), true).await;
    let path = format!("/api/proposals/{id}/comments");
    let (status, comment) = w
        .app
        .post(&w.partner, &path, &json!({ "body": "Shot list attached." }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{comment}");
    assert_eq!(comment["body"], "Shot list attached.");
    assert_eq!(comment["author_id"], w.partner.id);
    let (status, comment) = w
        .app
        .post(&w.reviewer, &path, &json!({ "body": "Which episode?" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{comment}");
    let (status, comment) = w
        .app
        .post(&w.app.admin, &path, &json!({ "body": "Logged." }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{comment}");
    let (status, body) = w
        .app
        .post(&w.partner, &path, &json!({ "body": "   " }))
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(body["error"]["problems"][0]["path"], "body");

    let (status, list) = w.app.get(&w.reviewer, &path).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let bodies: Vec<&str> = list
        .as_array()
        .map(|list| list.iter().filter_map(|c| c["body"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(bodies, ["Shot list attached.", "Which episode?", "Logged."]);

    let comments_for = |person: i64| {
        let store = w.app.state.store.clone();
        async move {
            store
                .notifications_for(person, 50)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter(|n| n.event == "comment.added")
                .count()
        }
    };
    assert_eq!(
        comments_for(w.reviewer.id).await,
        2,
        "the partner's and the admin's comments"
    );
    assert_eq!(comments_for(w.second_reviewer.id).await, 2);
    assert_eq!(
        comments_for(w.partner.id).await,
        2,
        "the reviewer's and the admin's comments"
    );
}

#[tokio::test]
async fn attachments_are_stored_with_their_sha256_and_served_back() {
    let w =
        world_with(TestApp::start_with(|config| config.max_attachment_bytes = 1024).await).await;
    let (id, _) = w.proposal(&example("background-poster"), true).await;
    let bytes: Vec<u8> = (0..=255_u8).cycle().take(700).collect();
    let upload = |user: &User, name: &str, bytes: Vec<u8>| {
        w.app
            .request(
                Method::POST,
                &user.token,
                &format!("/api/proposals/{id}/attachments?name={name}"),
            )
            .header("content-type", "application/pdf")
            .body(bytes)
    };
    let (status, attachment) = send(upload(&w.partner, "consent%20form.pdf", bytes.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{attachment}");
    assert_eq!(attachment["sha256"], sha256(&bytes));
    assert_eq!(attachment["size"], 700);
    assert_eq!(attachment["name"], "consent form.pdf");
    assert_eq!(attachment["media_type"], "application/pdf");
    assert_eq!(attachment["proposal_id"], id);
    let attachment_id = attachment["id"].as_i64().unwrap_or_default();

    let (status, list) = w
        .app
        .get(&w.reviewer, &format!("/api/proposals/{id}/attachments"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list[0]["id"], attachment_id);

    for user in [&w.reviewer, &w.partner, &w.app.admin] {
        let response = w
            .app
            .request(
                Method::GET,
                &user.token,
                &format!("/api/attachments/{attachment_id}"),
            )
            .send()
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(response.status(), StatusCode::OK);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("content-type"), "application/pdf");
        assert_eq!(header("x-content-sha256"), sha256(&bytes));
        assert!(
            header("content-disposition").starts_with("attachment; filename=\"consent form.pdf\""),
            "{}",
            header("content-disposition")
        );
        let served = response.bytes().await.unwrap_or_default();
        assert_eq!(served.as_ref(), bytes.as_slice());
    }

    // Too large: 413, nothing stored.
    let (status, body) = send(upload(&w.partner, "big.bin", vec![7_u8; 1025])).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let (status, body) = send(upload(&w.partner, "", vec![1, 2, 3])).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let (_, list) = w
        .app
        .get(&w.partner, &format!("/api/proposals/{id}/attachments"))
        .await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    // Outsiders: no upload, no list, no bytes.
    for user in [&w.outsider, &w.outside_reviewer, &w.representative] {
        let (status, body) = send(upload(user, "x.pdf", vec![1, 2, 3])).await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
        let (status, body) = w
            .app
            .get(user, &format!("/api/proposals/{id}/attachments"))
            .await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
        let (status, body) = w
            .app
            .get(user, &format!("/api/attachments/{attachment_id}"))
            .await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
    }
    let (status, body) = w.app.get(&w.partner, "/api/attachments/999999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

/// Every endpoint, by every kind of caller: partner, reviewer, admin, representative, and the
/// members of another production (who get 404 and no data from every one of them).
#[tokio::test]
async fn every_endpoint_admits_exactly_the_right_people() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), true).await;
    let attachment = {
        let request = w
            .app
            .request(
                Method::POST,
                &w.partner.token,
                &format!("/api/proposals/{id}/attachments?name=a.txt"),
            )
            .header("content-type", "text/plain")
            .body("hello");
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap_or_default()
    };
    let outsiders = [&w.representative, &w.outsider, &w.outside_reviewer];
    let reads = [
        format!("/api/proposals/{id}"),
        format!("/api/proposals/{id}/versions"),
        format!("/api/proposals/{id}/versions/1"),
        format!("/api/proposals/{id}/diff?from=1&to=1"),
        format!("/api/proposals/{id}/reviews"),
        format!("/api/proposals/{id}/comments"),
        format!("/api/proposals/{id}/attachments"),
        format!("/api/attachments/{attachment}"),
    ];
    for path in &reads {
        for user in [&w.partner, &w.reviewer, &w.app.admin] {
            let (status, body) = w.app.get(user, path).await;
            assert_eq!(status, StatusCode::OK, "{path}: {body}");
        }
        for user in outsiders {
            let (status, body) = w.app.get(user, path).await;
            assert_denied(status, &body, StatusCode::NOT_FOUND);
        }
        let (status, _) = send(w.app.request(Method::GET, "", path)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }

    // Writing a proposal: partners and admins; a reviewer member 403; others 404.
    let create = json!({ "production_id": w.production, "intake": example("moodboard") });
    for user in outsiders {
        let (status, body) = w.app.post(user, "/api/proposals", &create).await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
    }
    let (status, body) = w.app.post(&w.reviewer, "/api/proposals", &create).await;
    assert_denied(status, &body, StatusCode::FORBIDDEN);
    let (status, body) = w.app.post(&w.app.admin, "/api/proposals", &create).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let import = json!({ "production_id": w.production, "files": [{ "name": "m.yaml", "source": example("moodboard") }] });
    for user in outsiders {
        let (status, body) = w.app.post(user, "/api/proposals/import", &import).await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
    }
    let (status, body) = w
        .app
        .post(&w.reviewer, "/api/proposals/import", &import)
        .await;
    assert_denied(status, &body, StatusCode::FORBIDDEN);
    for user in [&w.partner, &w.app.admin] {
        let (status, body) = w.app.post(user, "/api/proposals/import", &import).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    let revise = json!({ "intake": edited_poster(), "revision": revision });
    let mutations: [(String, Value); 4] = [
        (
            format!("/api/proposals/{id}/submit"),
            json!({ "revision": revision }),
        ),
        (
            format!("/api/proposals/{id}/withdraw"),
            json!({ "revision": revision }),
        ),
        (format!("/api/proposals/{id}/clone"), json!({})),
        (
            format!("/api/proposals/{id}/reviews"),
            json!({ "decision": "approve", "note": "ok", "revision": revision }),
        ),
    ];
    for user in outsiders {
        let (status, body) = w
            .app
            .put(user, &format!("/api/proposals/{id}"), &revise)
            .await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
        for (path, body) in &mutations {
            let (status, answer) = w.app.post(user, path, body).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {answer}");
            assert_denied(status, &answer, StatusCode::NOT_FOUND);
        }
        let (status, body) = w
            .app
            .post(
                user,
                &format!("/api/proposals/{id}/comments"),
                &json!({ "body": "hi" }),
            )
            .await;
        assert_denied(status, &body, StatusCode::NOT_FOUND);
    }
    // A reviewer member does not write proposals.
    let (status, body) = w
        .app
        .put(&w.reviewer, &format!("/api/proposals/{id}"), &revise)
        .await;
    assert_denied(status, &body, StatusCode::FORBIDDEN);
    for (path, body) in &mutations[..3] {
        let (status, answer) = w.app.post(&w.reviewer, path, body).await;
        assert_denied(status, &answer, StatusCode::FORBIDDEN);
    }
    // Partners and admins do not decide.
    for user in [&w.partner, &w.app.admin] {
        let (status, body) = w.app.post(user, &mutations[3].0, &mutations[3].1).await;
        assert_denied(status, &body, StatusCode::FORBIDDEN);
    }
    // The right people can: a comment from each side, an admin's revision, a reviewer's decision.
    for user in [&w.partner, &w.reviewer, &w.app.admin] {
        let (status, body) = w
            .app
            .post(
                user,
                &format!("/api/proposals/{id}/comments"),
                &json!({ "body": "hi" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = w
        .app
        .put(&w.app.admin, &format!("/api/proposals/{id}"), &revise)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["version"]["author_id"], w.app.admin.id);
    let revision = w.revision(id).await;
    let (status, body) = w.decide(&w.reviewer, id, "approve", revision).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = w
        .app
        .post(
            &w.app.admin,
            &format!("/api/proposals/{id}/clone"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (draft, revision) = w.proposal(&example("moodboard"), false).await;
    let (status, body) = w
        .app
        .post(
            &w.app.admin,
            &format!("/api/proposals/{draft}/submit"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["proposal"]["status"], "acknowledged");
    let (draft, revision) = w.proposal(&example("moodboard"), false).await;
    let (status, body) = w
        .app
        .post(
            &w.app.admin,
            &format!("/api/proposals/{draft}/withdraw"),
            &json!({ "revision": revision }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["proposal"]["status"], "withdrawn");
}

#[tokio::test]
async fn the_openapi_document_lists_the_proposal_routes() {
    let w = world().await;
    let (status, document) = send(w.app.request(Method::GET, "", "/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    let paths = &document["paths"];
    for (path, methods) in [
        ("/api/proposals", &["get", "post"][..]),
        ("/api/proposals/{id}", &["get", "put"][..]),
        ("/api/proposals/{id}/submit", &["post"][..]),
        ("/api/proposals/{id}/withdraw", &["post"][..]),
        ("/api/proposals/{id}/versions", &["get"][..]),
        ("/api/proposals/{id}/versions/{n}", &["get"][..]),
        ("/api/proposals/{id}/diff", &["get"][..]),
        ("/api/proposals/{id}/clone", &["post"][..]),
        ("/api/proposals/import", &["post"][..]),
        ("/api/proposals/{id}/reviews", &["get", "post"][..]),
        ("/api/proposals/{id}/comments", &["get", "post"][..]),
        ("/api/proposals/{id}/attachments", &["get", "post"][..]),
        ("/api/attachments/{id}", &["get"][..]),
    ] {
        for method in methods {
            assert!(
                paths[path][method].is_object(),
                "{method} {path} is not documented"
            );
        }
    }
}

#[tokio::test]
async fn an_oversized_intake_is_413_and_nothing_is_stored() {
    let w = world_with(TestApp::start_with(|config| config.max_body_bytes = 4096).await).await;
    let large = format!(
        "{}description: '{}'\n",
        example("moodboard"),
        "x".repeat(8192)
    );
    let (status, body) = w.create(&w.partner, &large, true).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let (status, body) = w
        .app
        .post(&w.partner, "/api/proposals/import", &json!({ "production_id": w.production, "files": [{ "name": "big.yaml", "source": large }] }))
        .await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(w.search_count("").await, 0);
}

#[tokio::test]
async fn an_expired_approval_no_longer_covers_the_proposal() {
    let w = world().await;
    let (id, revision) = w.proposal(&example("background-poster"), true).await;
    let expiry = clearance_server::state::now() + 1_500;
    let (status, body) = w
        .app
        .post(&w.reviewer, &format!("/api/proposals/{id}/reviews"), &json!({ "decision": "approve", "note": "for a moment", "expires_at": expiry, "revision": revision }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, body) = w.app.get(&w.partner, &format!("/api/proposals/{id}")).await;
    assert_eq!(body["approval"]["covered"], true, "{body}");
    assert_eq!(body["approval"]["expires_at"], expiry);
    tokio::time::sleep(std::time::Duration::from_millis(2_000)).await;
    let (_, body) = w.app.get(&w.partner, &format!("/api/proposals/{id}")).await;
    assert_eq!(body["approval"]["covered"], false, "{body}");
    assert!(
        body["approval"]["reason"]
            .as_str()
            .is_some_and(|reason| reason.contains("expire")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_submissions_sign_one_checkpoint_per_threshold_not_one_each() {
    // 16 clients each submit 8 proposals one after the other (128 entries), with a checkpoint
    // due every 8 entries: at most one signing per threshold crossed. A request answered while
    // a checkpoint is being signed must not queue behind it and sign one of its own.
    const EVERY: u64 = 8;
    let w = world_with(TestApp::start_with(|config| config.checkpoint_every = EVERY).await).await;
    let (_, before) = w.app.get(&w.app.admin, "/api/audit/checkpoints").await;
    let before = before.as_array().map_or(0, Vec::len);
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let requests: Vec<_> = (0..8)
            .map(|_| {
                w.app
                    .request(reqwest::Method::POST, &w.partner.token, "/api/proposals")
                    .json(&json!({
                        "production_id": w.production,
                        "intake": example("background-poster"),
                    }))
            })
            .collect();
        clients.spawn(async move {
            for request in requests {
                let (status, body) = crate::support::send(request).await;
                assert_eq!(status, StatusCode::CREATED, "{body}");
            }
        });
    }
    while let Some(client) = clients.join_next().await {
        client.expect("every submission is created");
    }
    let (status, after) = w.app.get(&w.app.admin, "/api/audit/checkpoints").await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let signed = after.as_array().map_or(0, Vec::len) - before;
    assert!(
        (1..=128 / 8).contains(&signed),
        "{signed} checkpoints signed for 128 entries at one per {EVERY}"
    );
}
