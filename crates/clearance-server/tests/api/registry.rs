//! The registries: consent records, registered tools, rulebooks, and the re-evaluation of the
//! proposals relying on them when they change.
//!
//! Proposals are written straight into the store here (parsed, resolved and evaluated with the
//! service's own `triage` functions), so these tests depend only on the registry endpoints.

#![expect(
    clippy::expect_used,
    reason = "test helpers fail the test with a message"
)]

use clearance_server::reevaluate;
use clearance_server::triage;
use clearance_server::workflow;
use clearance_store::model::{Capacity, Decision, Proposal, Role, Status};
use clearance_store::{NewReview, SaveVersion, Target, Transition};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, assert_error, example, send};

const DAY: i64 = 24 * 60 * 60 * 1000;
const RULEBOOK: &str = "netflix-genai-2025";

/// The reference rulebook's text.
fn reference_rulebook() -> String {
    let path = format!(
        "{}/../../rulebooks/{RULEBOOK}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The reference rulebook made stricter: a replica of real talent is blocked, even with consent.
fn stricter_rulebook() -> String {
    let text = reference_rulebook();
    let rule = "  - id: talent.digital-replica\n    tier: approval\n";
    assert!(
        text.contains(rule),
        "the reference rulebook changed; update this test"
    );
    text.replace("version: 1.1.0", "version: 1.2.0-strict")
        .replace(rule, "  - id: talent.digital-replica\n    tier: blocked\n")
}

/// The voice-replica example whose performer's consent is the record `consent_id`.
fn voice_replica(consent_id: &str) -> String {
    let text = example("voice-replica");
    assert!(text.contains("    consent: written\n"));
    text.replace(
        "    consent: written\n",
        &format!("    consent_id: {consent_id}\n"),
    )
}

/// The moodboard example whose one tool is the registered `tool_id` (no inline terms).
fn moodboard_with_tool(tool_id: &str) -> String {
    let text = example("moodboard");
    let inline = "  environment: studio_enterprise\n  trains_on_inputs: 'no'\n";
    assert!(text.contains(inline));
    text.replace(inline, &format!("  tool_id: {tool_id}\n"))
}

fn consent_body(id: &str, production_id: Option<i64>, uses: &[&str]) -> Value {
    json!({
        "id": id,
        "performer": "Lead actor",
        "grantor": "performer",
        "granted_by": "Lead actor",
        "production_id": production_id,
        "uses": uses,
        "media": "episodic streaming",
        "purpose": "pickup lines for episode 8",
        "state": "signed",
        "granted_on": "2025-01-10",
        "evidence_sha256": "AB".repeat(32),
    })
}

fn tool_body(id: &str, environment: &str, trains: &str) -> Value {
    json!({
        "id": id,
        "name": "Studio image tool",
        "vendor": "Example Vendor",
        "environment": environment,
        "trains_on_inputs": trains,
        "retention": "30 days",
        "terms_reviewed_on": "2025-06-01",
    })
}

/// Submits a proposal straight into the store, evaluated as the service evaluates submissions.
async fn submit(app: &TestApp, author: &User, production_id: i64, source: &str) -> Proposal {
    let state = &app.state;
    let now = state.now();
    let parsed = triage::parse(source).expect("a valid intake");
    let (records, used) = triage::resolve(&state.store, &parsed, Some(production_id), now)
        .await
        .expect("records resolve");
    let production = state
        .store
        .production(production_id)
        .await
        .expect("store")
        .expect("production");
    let rulebooks = state
        .rulebooks_for(&production.rulebooks)
        .expect("rulebooks");
    let evaluation = triage::stored_evaluation(&rulebooks, &parsed.intake, &records, &used, now);
    let status = workflow::route(evaluation.tier);
    let version = triage::new_version(source.to_owned(), &parsed.intake, Some(evaluation));
    let job = SaveVersion {
        target: Target::New { production_id },
        status,
        version,
        actor: author.id,
        action: "proposal.submitted".to_owned(),
        idempotency_key: None,
        notifications: Vec::new(),
    };
    state.batcher.save(job).await.expect("saved").proposal
}

/// Approves the proposal's current version as `reviewer`.
async fn approve(
    app: &TestApp,
    reviewer: &User,
    proposal: &Proposal,
    expires_at: Option<i64>,
) -> Proposal {
    let store = &app.state.store;
    let version = store
        .version(proposal.id, proposal.current_version)
        .await
        .expect("store")
        .expect("version");
    let evaluation = version.evaluation.clone().expect("evaluated");
    let review = NewReview {
        proposal_id: proposal.id,
        version: version.number,
        content_hash: version.content_hash.clone(),
        rulebooks: evaluation.rulebooks.clone(),
        tier: evaluation.tier,
        reviewer_id: reviewer.id,
        decision: Decision::Approve,
        note: "approved as proposed".to_owned(),
        conditions: Vec::new(),
        scope: None,
        expires_at,
    };
    let transition = Transition {
        proposal_id: proposal.id,
        expected_revision: proposal.revision,
        status: Status::Approved,
        approved_version: Some(version.number),
        approval_expires_at: expires_at,
        needs_reapproval: false,
        actor: Some(reviewer.id),
        action: "review.approve".to_owned(),
        note: None,
        notifications: Vec::new(),
    };
    store
        .record_review(review, transition, app.state.now())
        .await
        .expect("approved")
        .1
}

async fn stored(app: &TestApp, id: i64) -> Proposal {
    app.state
        .store
        .proposal(id)
        .await
        .expect("store")
        .expect("proposal")
}

/// The `records` the stored evaluation of the proposal's current version used.
async fn records_used(app: &TestApp, proposal: &Proposal) -> Value {
    let version = app
        .state
        .store
        .version(proposal.id, proposal.current_version)
        .await
        .expect("store")
        .expect("version");
    let evaluation = version.evaluation.expect("evaluated");
    let result: Value = serde_json::from_str(&evaluation.result).expect("result JSON");
    assert_eq!(
        result["records"],
        serde_json::from_str::<Value>(&evaluation.records).expect("records JSON")
    );
    result["records"].clone()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn proposal_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|item| item["id"].as_i64().expect("an id"))
        .collect()
}

fn problem_paths(body: &Value) -> Vec<String> {
    body["error"]["problems"]
        .as_array()
        .map_or_else(Vec::new, |problems| {
            problems
                .iter()
                .map(|p| p["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
}

/// Two productions with a partner and a reviewer each, and two representatives.
struct Cast {
    partner: User,
    reviewer: User,
    production: i64,
    other_partner: User,
    other_reviewer: User,
    other_production: i64,
    rep: User,
    other_rep: User,
}

async fn cast(app: &TestApp) -> Cast {
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rita Reviewer").await;
    let other_partner = app.person(Role::Partner, "Otto Partner").await;
    let other_reviewer = app.person(Role::Reviewer, "Olga Reviewer").await;
    let rep = app.person(Role::Representative, "Rex Representative").await;
    let other_rep = app
        .person(Role::Representative, "Ruth Representative")
        .await;
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
                (&other_partner, Capacity::Partner),
                (&other_reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    Cast {
        partner,
        reviewer,
        production,
        other_partner,
        other_reviewer,
        other_production,
        rep,
        other_rep,
    }
}

#[tokio::test]
async fn consents_are_created_by_admins_and_representatives_and_validated() {
    let app = TestApp::start().await;
    let c = cast(&app).await;

    // A representative's record is always managed by themself.
    let mut body = consent_body("CR-1", Some(c.production), &["voice_replica"]);
    body["representative_id"] = json!(c.other_rep.id);
    let (status, created) = app.post(&c.rep, "/api/consents", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["id"], "CR-1");
    assert_eq!(created["representative_id"], c.rep.id);
    assert_eq!(created["production_id"], c.production);
    assert_eq!(created["uses"], json!(["voice_replica"]));
    assert_eq!(created["evidence_sha256"], "ab".repeat(32));
    assert_eq!(created["revoked_at"], Value::Null);

    // An admin may name the representative.
    let mut body = consent_body("CR-2", None, &[]);
    body["representative_id"] = json!(c.other_rep.id);
    let (status, created) = app.post(&app.admin, "/api/consents", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["representative_id"], c.other_rep.id);

    // …but only a representative.
    let mut body = consent_body("CR-3", None, &[]);
    body["representative_id"] = json!(c.partner.id);
    let (status, error) = app.post(&app.admin, "/api/consents", &body).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&error), ["representative_id"]);

    // Every bad field is named.
    let mut body = consent_body(
        "CR-4",
        Some(999_999),
        &["voice_replica", "voice", "voice_replica"],
    );
    body["state"] = json!("maybe");
    body["granted_on"] = json!("2025-13-01");
    body["expires_on"] = json!("31/12/2026");
    body["evidence_sha256"] = json!("xyz");
    body["performer"] = json!("  ");
    let (status, error) = app.post(&app.admin, "/api/consents", &body).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        problem_paths(&error),
        [
            "performer",
            "state",
            "uses[1]",
            "uses[2]",
            "granted_on",
            "expires_on",
            "evidence_sha256",
            "production_id"
        ]
    );
    let problems = error["error"]["problems"].as_array().expect("problems");
    assert!(
        problems[2]["help"]
            .as_str()
            .is_some_and(|help| help.contains("voice_replica") && help.contains("digital_replica")),
        "{error}"
    );

    // Expiring before the grant.
    let mut body = consent_body("CR-5", None, &[]);
    body["expires_on"] = json!("2024-12-31");
    let (status, error) = app.post(&app.admin, "/api/consents", &body).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&error), ["expires_on"]);

    // A duplicate id.
    let (status, error) = app
        .post(
            &app.admin,
            "/api/consents",
            &consent_body("CR-1", None, &[]),
        )
        .await;
    assert_error(status, &error, StatusCode::CONFLICT, "conflict");

    // Reviewers and partners do not record consents.
    for user in [&c.partner, &c.reviewer] {
        let (status, error) = app
            .post(
                user,
                "/api/consents",
                &consent_body("CR-9", Some(c.production), &[]),
            )
            .await;
        assert_error(status, &error, StatusCode::FORBIDDEN, "forbidden");
    }
    // Not JSON.
    let (status, error) = send(
        app.request(Method::POST, &c.rep.token, "/api/consents")
            .header("content-type", "application/json")
            .body("{"),
    )
    .await;
    assert_error(status, &error, StatusCode::BAD_REQUEST, "bad_request");
    // Nobody signed in.
    let (status, error) = send(
        app.request(Method::POST, "", "/api/consents")
            .json(&consent_body("CR-9", None, &[])),
    )
    .await;
    assert_error(status, &error, StatusCode::UNAUTHORIZED, "unauthenticated");

    let (status, list) = app.get(&app.admin, "/api/consents").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&list), ["CR-1", "CR-2"]);
}

#[tokio::test]
async fn consents_are_visible_only_to_those_concerned() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-MINE", Some(c.production), &[])
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(&c.rep, "/api/consents", &consent_body("CR-ANY", None, &[]))
            .await
            .0,
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(
            &c.other_rep,
            "/api/consents",
            &consent_body("CR-THEIRS", Some(c.other_production), &[])
        )
        .await
        .0,
        StatusCode::CREATED
    );

    let list = |user: User| {
        let app = &app;
        async move {
            let (status, list) = app.get(&user, "/api/consents").await;
            assert_eq!(status, StatusCode::OK, "{list}");
            ids(&list)
        }
    };
    assert_eq!(
        list(app.admin.clone()).await,
        ["CR-ANY", "CR-MINE", "CR-THEIRS"]
    );
    assert_eq!(list(c.rep.clone()).await, ["CR-ANY", "CR-MINE"]);
    assert_eq!(list(c.other_rep.clone()).await, ["CR-THEIRS"]);
    // Reviewers and partners see the records limited to their productions.
    assert_eq!(list(c.partner.clone()).await, ["CR-MINE"]);
    assert_eq!(list(c.reviewer.clone()).await, ["CR-MINE"]);
    assert_eq!(list(c.other_partner.clone()).await, ["CR-THEIRS"]);

    for user in [&app.admin, &c.rep, &c.partner, &c.reviewer] {
        let (status, consent) = app.get(user, "/api/consents/CR-MINE").await;
        assert_eq!(status, StatusCode::OK, "{consent}");
        assert_eq!(consent["id"], "CR-MINE");
        assert_eq!(consent["proposals"], json!([]));
    }
    // Everyone else: as if it did not exist.
    for (user, id) in [
        (&c.other_rep, "CR-MINE"),
        (&c.other_partner, "CR-MINE"),
        (&c.other_reviewer, "CR-MINE"),
        (&c.partner, "CR-ANY"),
        (&c.rep, "CR-THEIRS"),
    ] {
        let (status, error) = app.get(user, &format!("/api/consents/{id}")).await;
        assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");
        assert!(error.get("id").is_none());
    }
    let (status, error) = app.get(&app.admin, "/api/consents/CR-NONE").await;
    assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn consents_are_replaced_and_revoked_by_their_owner_or_an_admin() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-1", Some(c.production), &["voice_replica"])
        )
        .await
        .0,
        StatusCode::CREATED
    );

    // The owner replaces it.
    let mut body = consent_body(
        "CR-1",
        Some(c.production),
        &["voice_replica", "digital_replica"],
    );
    body["purpose"] = json!("pickup lines and ADR, season 2");
    let (status, changed) = app.put(&c.rep, "/api/consents/CR-1", &body).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        changed["consent"]["purpose"],
        "pickup lines and ADR, season 2"
    );
    assert_eq!(
        changed["consent"]["uses"],
        json!(["voice_replica", "digital_replica"])
    );
    assert_eq!(changed["consent"]["representative_id"], c.rep.id);
    assert_eq!(changed["reevaluated"], json!([]));

    // An admin too; the representative stays when none is named.
    body["purpose"] = json!("by the admin");
    let (status, changed) = app.put(&app.admin, "/api/consents/CR-1", &body).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["consent"]["purpose"], "by the admin");
    assert_eq!(changed["consent"]["representative_id"], c.rep.id);

    // The body must name the same record; fields are checked as on creation.
    let (status, error) = app
        .put(
            &c.rep,
            "/api/consents/CR-1",
            &consent_body("CR-2", None, &[]),
        )
        .await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&error), ["id"]);
    let mut bad = body.clone();
    bad["state"] = json!("granted");
    let (status, error) = app.put(&c.rep, "/api/consents/CR-1", &bad).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&error), ["state"]);

    // A partner of the production sees it but may not change it; others do not see it.
    let (status, error) = app.put(&c.partner, "/api/consents/CR-1", &body).await;
    assert_error(status, &error, StatusCode::FORBIDDEN, "forbidden");
    let (status, error) = app
        .post(
            &c.reviewer,
            "/api/consents/CR-1/revoke",
            &json!({"reason": "no"}),
        )
        .await;
    assert_error(status, &error, StatusCode::FORBIDDEN, "forbidden");
    for user in [&c.other_rep, &c.other_partner] {
        let (status, error) = app.put(user, "/api/consents/CR-1", &body).await;
        assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");
        let (status, error) = app
            .post(user, "/api/consents/CR-1/revoke", &json!({"reason": "no"}))
            .await;
        assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, error) = app
        .put(
            &app.admin,
            "/api/consents/CR-NONE",
            &consent_body("CR-NONE", None, &[]),
        )
        .await;
    assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");

    // Revocation needs a reason, and happens once.
    let (status, error) = app
        .post(
            &c.rep,
            "/api/consents/CR-1/revoke",
            &json!({"reason": "  "}),
        )
        .await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&error), ["reason"]);
    let (status, revoked) = app
        .post(
            &c.rep,
            "/api/consents/CR-1/revoke",
            &json!({"reason": "the performer withdrew consent"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(
        revoked["consent"]["revoked_at"]
            .as_i64()
            .is_some_and(|at| at > 0),
        "{revoked}"
    );
    assert_eq!(
        revoked["consent"]["revoked_reason"],
        "the performer withdrew consent"
    );
    let (status, error) = app
        .post(
            &app.admin,
            "/api/consents/CR-1/revoke",
            &json!({"reason": "again"}),
        )
        .await;
    assert_error(status, &error, StatusCode::CONFLICT, "conflict");
    let (status, error) = app.put(&c.rep, "/api/consents/CR-1", &body).await;
    assert_error(status, &error, StatusCode::CONFLICT, "conflict");

    // Every change is in the audit log.
    let (size, _) = app.state.store.tree_head().await.expect("tree head");
    let entries = app
        .state
        .store
        .audit_entries(0, i64::try_from(size).expect("size"))
        .await
        .expect("entries");
    let actions: Vec<&str> = entries
        .iter()
        .filter(|entry| entry.subject == "consent/CR-1")
        .map(|entry| entry.action.as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "consent.created",
            "consent.replaced",
            "consent.replaced",
            "consent.revoked"
        ]
    );
}

#[tokio::test]
async fn revoking_a_consent_blocks_an_approved_voice_replica_and_asks_for_reapproval() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-VOICE", Some(c.production), &["voice_replica"])
        )
        .await
        .0,
        StatusCode::CREATED
    );

    let proposal = submit(&app, &c.partner, c.production, &voice_replica("CR-VOICE")).await;
    assert_eq!(proposal.tier.map(|tier| tier.as_str()), Some("approval"));
    assert_eq!(proposal.status, Status::InReview);
    assert_eq!(
        records_used(&app, &proposal).await["consents"]["CR-VOICE"],
        json!({"status": "covers"})
    );
    let proposal = approve(&app, &c.reviewer, &proposal, None).await;
    assert_eq!(proposal.status, Status::Approved);
    // An unrelated proposal of the other production stays as it is.
    let bystander = submit(
        &app,
        &c.other_partner,
        c.other_production,
        &example("moodboard"),
    )
    .await;

    // The representative sees which proposals rely on the record (and the partner of the production too).
    for user in [&c.rep, &c.partner, &app.admin] {
        let (status, consent) = app.get(user, "/api/consents/CR-VOICE").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(proposal_ids(&consent["proposals"]), [proposal.id]);
    }

    let (status, revoked) = app
        .post(
            &c.rep,
            "/api/consents/CR-VOICE/revoke",
            &json!({"reason": "the performer withdrew consent"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(proposal_ids(&revoked["reevaluated"]), [proposal.id]);
    assert_eq!(revoked["reevaluated"][0]["tier"], "blocked");
    assert_eq!(revoked["reevaluated"][0]["status"], "approved");
    assert_eq!(revoked["reevaluated"][0]["needs_reapproval"], true);

    let now = stored(&app, proposal.id).await;
    assert_eq!(now.status, Status::Approved);
    assert_eq!(now.tier.map(|tier| tier.as_str()), Some("blocked"));
    assert!(now.needs_reapproval);
    assert_eq!(now.approved_version, Some(1));
    assert_eq!(
        records_used(&app, &now).await["consents"]["CR-VOICE"],
        json!({"status": "void", "reason": "revoked"})
    );
    let version = app
        .state
        .store
        .version(now.id, 1)
        .await
        .expect("store")
        .expect("version");
    let result: Value =
        serde_json::from_str(&version.evaluation.expect("evaluated").result).expect("JSON");
    let fired: Vec<&str> = result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|finding| finding["rule"].as_str())
        .collect();
    assert!(
        fired.contains(&"talent.replica-without-consent"),
        "{fired:?}"
    );

    // Its people are told: the author (a partner) and the reviewer; nobody of the other production.
    for user in [&c.partner, &c.reviewer] {
        let (status, notifications) = app.get(user, "/api/notifications").await;
        assert_eq!(status, StatusCode::OK, "{notifications}");
        let found: Vec<&Value> = notifications
            .as_array()
            .expect("list")
            .iter()
            .filter(|n| n["event"] == "proposal.needs_reapproval")
            .collect();
        assert_eq!(found.len(), 1, "{notifications}");
        assert_eq!(found[0]["proposal_id"], proposal.id);
        let payload: Value =
            serde_json::from_str(found[0]["payload"].as_str().expect("payload")).expect("JSON");
        assert_eq!(payload["tier_before"], "approval");
        assert_eq!(payload["tier"], "blocked");
        assert_eq!(payload["cause"], "consent.revoked");
    }
    for user in [&c.other_partner, &c.other_reviewer, &c.rep] {
        let notifications = app
            .state
            .store
            .notifications_for(user.id, 50)
            .await
            .expect("store");
        assert!(
            notifications
                .iter()
                .all(|n| n.proposal_id != Some(proposal.id)),
            "{notifications:?}"
        );
    }
    assert_eq!(stored(&app, bystander.id).await, bystander);

    // The re-evaluation is in the audit log, by the representative.
    let (size, _) = app.state.store.tree_head().await.expect("tree head");
    let entries = app
        .state
        .store
        .audit_entries(0, i64::try_from(size).expect("size"))
        .await
        .expect("entries");
    let reevaluated: Vec<_> = entries
        .iter()
        .filter(|entry| entry.action == "proposal.reevaluated")
        .collect();
    assert_eq!(reevaluated.len(), 1);
    assert_eq!(reevaluated[0].subject, format!("proposal/{}", proposal.id));
    assert_eq!(reevaluated[0].actor_id, Some(c.rep.id));
}

#[tokio::test]
async fn an_out_of_scope_consent_counts_as_none_and_the_records_say_why() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-ELSEWHERE", Some(c.other_production), &["voice_replica"])
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-FACE", Some(c.production), &["digital_replica"])
        )
        .await
        .0,
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-OK", Some(c.production), &["voice_replica"])
        )
        .await
        .0,
        StatusCode::CREATED
    );

    let cases = [
        (
            "CR-ELSEWHERE",
            "blocked",
            json!({"status": "void", "reason": "limited to another production"}),
        ),
        (
            "CR-FACE",
            "blocked",
            json!({"status": "void", "reason": "does not cover voice_replica"}),
        ),
        ("CR-OK", "approval", json!({"status": "covers"})),
        (
            "CR-MISSING",
            "approval",
            json!({"status": "missing", "reason": "no consent record has this id"}),
        ),
    ];
    for (id, tier, used) in cases {
        // Stored with a proposal…
        let proposal = submit(&app, &c.partner, c.production, &voice_replica(id)).await;
        assert_eq!(
            records_used(&app, &proposal).await["consents"][id],
            used,
            "{id}"
        );
        // …and as the evaluation endpoint answers for this production.
        let builder = app
            .request(
                Method::POST,
                &c.partner.token,
                &format!("/api/evaluate?production_id={}", c.production),
            )
            .body(voice_replica(id));
        let (status, result) = send(builder).await;
        assert_eq!(status, StatusCode::OK, "{result}");
        assert_eq!(result["records"]["consents"][id], used, "{id}");
        assert_eq!(proposal.tier.map(|tier| tier.as_str()), Some(tier), "{id}");
        assert_eq!(result["tier"], tier, "{id}");
        // Nobody could look a missing record up: the rules that need it cannot be evaluated
        // (listed in `errors`), and the tier is never lowered for it.
        let errors = result["errors"].as_array().map_or(0, Vec::len);
        assert_eq!(errors > 0, id == "CR-MISSING", "{id}: {result}");
    }
}

#[tokio::test]
async fn an_expired_consent_counts_as_none_once_the_expiry_pass_runs() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    let now = app.state.now();
    let mut body = consent_body("CR-SOON", Some(c.production), &["voice_replica"]);
    body["expires_on"] = json!(triage::date_of(now + DAY));
    assert_eq!(
        app.post(&c.rep, "/api/consents", &body).await.0,
        StatusCode::CREATED
    );
    let proposal = submit(&app, &c.partner, c.production, &voice_replica("CR-SOON")).await;
    assert_eq!(proposal.tier.map(|tier| tier.as_str()), Some("approval"));
    let proposal = approve(&app, &c.reviewer, &proposal, None).await;

    // Before the expiry nothing changes.
    assert_eq!(
        reevaluate::expire_once(&app.state, now)
            .await
            .expect("pass"),
        0
    );
    assert_eq!(stored(&app, proposal.id).await, proposal);

    let later = now + 3 * DAY;
    assert_eq!(
        reevaluate::expire_once(&app.state, later)
            .await
            .expect("pass"),
        1
    );
    let after = stored(&app, proposal.id).await;
    assert_eq!(after.status, Status::Approved);
    assert_eq!(after.tier.map(|tier| tier.as_str()), Some("blocked"));
    assert!(after.needs_reapproval);
    let reason = format!("expired on {}", triage::date_of(now + DAY));
    assert_eq!(
        records_used(&app, &after).await["consents"]["CR-SOON"],
        json!({"status": "void", "reason": reason})
    );
    let notifications = app
        .state
        .store
        .notifications_for(c.partner.id, 50)
        .await
        .expect("store");
    assert!(
        notifications
            .iter()
            .any(|n| n.event == "proposal.needs_reapproval" && n.proposal_id == Some(proposal.id)),
        "{notifications:?}"
    );

    // A second pass finds nothing new.
    assert_eq!(
        reevaluate::expire_once(&app.state, later)
            .await
            .expect("pass"),
        0
    );
}

#[tokio::test]
async fn approvals_past_their_expiry_expire() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    let now = app.state.now();
    let proposal = submit(&app, &c.partner, c.production, &example("voice-replica")).await;
    let proposal = approve(&app, &c.reviewer, &proposal, Some(now + DAY)).await;
    let lasting = submit(&app, &c.partner, c.production, &example("voice-replica")).await;
    let lasting = approve(&app, &c.reviewer, &lasting, Some(now + 10 * DAY)).await;

    assert_eq!(
        reevaluate::expire_once(&app.state, now + 2 * DAY)
            .await
            .expect("pass"),
        1
    );
    let expired = stored(&app, proposal.id).await;
    assert_eq!(expired.status, Status::Expired);
    assert_eq!(expired.approved_version, Some(1));
    assert!(!expired.needs_reapproval);
    assert_eq!(stored(&app, lasting.id).await.status, Status::Approved);
    for user in [&c.partner, &c.reviewer] {
        let notifications = app
            .state
            .store
            .notifications_for(user.id, 50)
            .await
            .expect("store");
        assert_eq!(
            notifications
                .iter()
                .filter(|n| n.event == "proposal.expired" && n.proposal_id == Some(proposal.id))
                .count(),
            1,
            "{notifications:?}"
        );
    }
    let (size, _) = app.state.store.tree_head().await.expect("tree head");
    let entries = app
        .state
        .store
        .audit_entries(0, i64::try_from(size).expect("size"))
        .await
        .expect("entries");
    let entry = entries
        .iter()
        .find(|entry| entry.action == "proposal.expired")
        .expect("audited");
    assert_eq!(entry.subject, format!("proposal/{}", proposal.id));
    assert_eq!(entry.actor_id, None);
    assert_eq!(
        reevaluate::expire_once(&app.state, now + 2 * DAY)
            .await
            .expect("pass"),
        0
    );
}

#[tokio::test]
async fn tools_are_registered_by_admins_and_read_by_everyone() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    let (status, tool) = app
        .post(
            &app.admin,
            "/api/tools",
            &tool_body("img-1", "studio_enterprise", "no"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{tool}");
    assert_eq!(tool["id"], "img-1");
    assert_eq!(tool["environment"], "studio_enterprise");
    assert_eq!(tool["trains_on_inputs"], "no");
    let (status, error) = app
        .post(
            &app.admin,
            "/api/tools",
            &tool_body("img-1", "consumer", "yes"),
        )
        .await;
    assert_error(status, &error, StatusCode::CONFLICT, "conflict");
    let mut bad = tool_body("img 2", "enterprise", "maybe");
    bad["terms_reviewed_on"] = json!("June 2025");
    let (status, error) = app.post(&app.admin, "/api/tools", &bad).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        problem_paths(&error),
        ["id", "environment", "trains_on_inputs", "terms_reviewed_on"]
    );
    assert!(
        error["error"]["problems"][1]["help"]
            .as_str()
            .is_some_and(|help| help.contains("studio_enterprise")),
        "{error}"
    );

    let mine = submit(
        &app,
        &c.partner,
        c.production,
        &moodboard_with_tool("img-1"),
    )
    .await;
    let theirs = submit(
        &app,
        &c.other_partner,
        c.other_production,
        &moodboard_with_tool("img-1"),
    )
    .await;
    for (user, expected) in [
        (&app.admin, vec![mine.id, theirs.id]),
        (&c.partner, vec![mine.id]),
        (&c.reviewer, vec![mine.id]),
        (&c.other_partner, vec![theirs.id]),
        (&c.rep, vec![]),
    ] {
        let (status, list) = app.get(user, "/api/tools").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ids(&list), ["img-1"]);
        let (status, detail) = app.get(user, "/api/tools/img-1").await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        assert_eq!(detail["id"], "img-1");
        assert_eq!(detail["revision"], 1);
        assert_eq!(proposal_ids(&detail["proposals"]), expected);
    }
    let (status, error) = app.get(&c.partner, "/api/tools/nope").await;
    assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn changed_tool_terms_raise_the_tier_of_the_proposals_using_the_tool() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &app.admin,
            "/api/tools",
            &tool_body("img-1", "studio_enterprise", "no")
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let proposal = submit(
        &app,
        &c.partner,
        c.production,
        &moodboard_with_tool("img-1"),
    )
    .await;
    assert_eq!(proposal.tier.map(|tier| tier.as_str()), Some("notify"));
    assert_eq!(proposal.status, Status::Acknowledged);
    assert_eq!(
        records_used(&app, &proposal).await["tools"]["img-1"],
        json!({"status": "registered"})
    );
    let unrelated = submit(&app, &c.partner, c.production, &example("moodboard")).await;

    // Only admins change terms, against the revision they read.
    let mut update = tool_body("img-1", "consumer", "yes");
    update["revision"] = json!(1);
    for user in [&c.partner, &c.reviewer, &c.rep, &c.other_partner] {
        let (status, error) = app.put(user, "/api/tools/img-1", &update).await;
        assert_error(status, &error, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, changed) = app.put(&app.admin, "/api/tools/img-1", &update).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["tool"]["environment"], "consumer");
    assert_eq!(changed["tool"]["revision"], 2);
    assert_eq!(proposal_ids(&changed["reevaluated"]), [proposal.id]);
    assert_eq!(changed["reevaluated"][0]["tier"], "escalate");

    let after = stored(&app, proposal.id).await;
    assert_eq!(after.tier.map(|tier| tier.as_str()), Some("escalate"));
    // Only acknowledged while it was notify: now it needs a review.
    assert_eq!(after.status, Status::InReview);
    assert!(!after.needs_reapproval);
    assert_eq!(stored(&app, unrelated.id).await, unrelated);
    let notifications = app
        .state
        .store
        .notifications_for(c.reviewer.id, 50)
        .await
        .expect("store");
    assert!(
        notifications
            .iter()
            .any(|n| n.event == "proposal.reevaluated" && n.proposal_id == Some(proposal.id)),
        "{notifications:?}"
    );

    // A stale revision, a mismatched id, an unknown tool.
    let (status, error) = app.put(&app.admin, "/api/tools/img-1", &update).await;
    assert_error(status, &error, StatusCode::CONFLICT, "conflict");
    let mut other = tool_body("img-2", "consumer", "yes");
    other["revision"] = json!(2);
    let (status, error) = app.put(&app.admin, "/api/tools/img-1", &other).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&error), ["id"]);
    let (status, error) = app.put(&app.admin, "/api/tools/img-2", &other).await;
    assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");

    // Back to the original terms: the tier falls back.
    let mut back = tool_body("img-1", "studio_enterprise", "no");
    back["revision"] = json!(2);
    let (status, changed) = app.put(&app.admin, "/api/tools/img-1", &back).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["reevaluated"][0]["tier"], "notify");
    // A review once asked for stays with the reviewer.
    assert_eq!(stored(&app, proposal.id).await.status, Status::InReview);
}

#[tokio::test]
async fn an_inline_tool_answer_that_disagrees_with_the_registry_is_rejected_with_its_place() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &app.admin,
            "/api/tools",
            &tool_body("img-1", "studio_enterprise", "no")
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let text = example("moodboard").replace(
        "  environment: studio_enterprise\n",
        "  tool_id: img-1\n  environment: consumer\n",
    );
    let line = text
        .lines()
        .position(|line| line == "  environment: consumer")
        .expect("the line")
        + 1;
    let builder = app
        .request(Method::POST, &c.partner.token, "/api/evaluate")
        .body(text);
    let (status, error) = send(builder).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let problems = error["error"]["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{error}");
    assert_eq!(problems[0]["path"], "tools[0].environment");
    assert_eq!(problems[0]["line"], line);
    assert_eq!(problems[0]["column"], "  environment: ".len() + 1);
    assert!(
        problems[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("studio_enterprise")),
        "{error}"
    );
}

#[tokio::test]
async fn the_registry_endpoints_are_documented() {
    let app = TestApp::start().await;
    let (status, document) = send(app.request(Method::GET, "", "/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    let paths = &document["paths"];
    for (path, methods) in [
        ("/api/consents", &["get", "post"][..]),
        ("/api/consents/{id}", &["get", "put"]),
        ("/api/consents/{id}/revoke", &["post"]),
        ("/api/tools", &["get", "post"]),
        ("/api/tools/{id}", &["get", "put"]),
        ("/api/rulebooks", &["get", "post"]),
        ("/api/rulebooks/{id}", &["get"]),
        ("/api/rulebooks/impact", &["post"]),
    ] {
        for method in methods {
            assert!(
                paths[path][method].is_object(),
                "{method} {path} is not documented"
            );
            assert_eq!(
                paths[path][method]["tags"],
                json!(["registry"]),
                "{method} {path}"
            );
        }
    }
    let schemas = &document["components"]["schemas"];
    for schema in [
        "ConsentDetail",
        "ConsentChange",
        "ToolDetail",
        "ToolUpdate",
        "Impact",
        "RulebookDetail",
    ] {
        assert!(schemas[schema].is_object(), "{schema}");
    }
}

#[tokio::test]
async fn rulebooks_are_listed_and_shown() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    for user in [&app.admin, &c.partner, &c.reviewer, &c.rep] {
        let (status, list) = app.get(user, "/api/rulebooks").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
        assert_eq!(list[0]["id"], RULEBOOK);
        assert_eq!(list[0]["version"], "1.1.0");
        assert_eq!(list[0]["active"], true);
        assert!(
            list[0]["digest"]
                .as_str()
                .is_some_and(|digest| digest.starts_with("sha256:")),
            "{list}"
        );
    }
    let (status, detail) = app.get(&c.rep, &format!("/api/rulebooks/{RULEBOOK}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    let reference = clearance_rulebook::embedded::reference().expect("loads");
    assert_eq!(detail["version"], "1.1.0");
    assert_eq!(detail["digest"], &*reference.digest);
    assert_eq!(detail["rule_count"], reference.rules.len());
    assert_eq!(
        detail["clauses"].as_array().map(Vec::len),
        Some(reference.clauses.len())
    );
    assert_eq!(
        detail["clauses"][0]["key"],
        "netflix:intro/share-intended-use"
    );
    assert!(
        detail["clauses"][0]["text"]
            .as_str()
            .is_some_and(|text| text.starts_with("Every production partner")),
        "{detail}"
    );
    let (status, error) = app.get(&c.partner, "/api/rulebooks/nope").await;
    assert_error(status, &error, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_rulebook_with_problems_is_refused_with_every_located_problem() {
    let app = TestApp::start().await;
    let upload = |text: String| {
        let app = &app;
        async move {
            send(
                app.request(Method::POST, &app.admin.token, "/api/rulebooks")
                    .header("content-type", "application/yaml")
                    .body(text),
            )
            .await
        }
    };
    // A syntax error.
    let (status, error) =
        upload("id: broken\nversion: 1.0.0\nclauses: [unclosed\n".to_owned()).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let problems = error["error"]["problems"].as_array().expect("problems");
    assert!(!problems.is_empty());
    assert!(
        problems
            .iter()
            .all(|p| p["line"].as_u64().is_some_and(|line| line >= 1)
                && p["column"].as_u64().is_some_and(|c| c >= 1)),
        "{error}"
    );

    // Two checking problems in a valid file, each with its place.
    let text = stricter_rulebook()
        .replace(
            "    tier: blocked\n    cite: [netflix:talent/digital-replica, netflix:matrix/4",
            "    tier: forbidden\n    cite: [netflix:talent/digital-replica, netflix:matrix/4",
        )
        .replace(
            "    actions: [license_training_data]\n\n  - id: talent.digital-replica",
            "    actions: [license_the_data]\n\n  - id: talent.digital-replica",
        );
    let tier_line = text
        .lines()
        .position(|line| line == "    tier: forbidden")
        .expect("line")
        + 1;
    let (status, error) = upload(text).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let problems = error["error"]["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{error}");
    assert!(problems.iter().any(|p| p["line"] == tier_line), "{error}");

    // Its own tests must pass.
    let text = stricter_rulebook().replace(
        "    expect: { tier: notify, fires:",
        "    expect: { tier: escalate, fires:",
    );
    let (status, error) = upload(text).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&error), ["tests"]);
    assert!(
        error["error"]["problems"][0]["line"]
            .as_u64()
            .is_some_and(|line| line > 400),
        "{error}"
    );

    // Nothing was stored; the version in force did not change.
    assert_eq!(app.state.store.rulebooks().await.expect("store").len(), 1);
    let (_, detail) = app
        .get(&app.admin, &format!("/api/rulebooks/{RULEBOOK}"))
        .await;
    assert_eq!(detail["version"], "1.1.0");
}

#[tokio::test]
async fn a_new_rulebook_version_is_put_in_force_and_reevaluates_the_proposals_under_it() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-V", None, &["voice_replica"])
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let approved = submit(&app, &c.partner, c.production, &voice_replica("CR-V")).await;
    let approved = approve(&app, &c.reviewer, &approved, None).await;
    let in_review = submit(
        &app,
        &c.other_partner,
        c.other_production,
        &voice_replica("CR-V"),
    )
    .await;
    let moodboard = submit(&app, &c.partner, c.production, &example("moodboard")).await;

    let (status, activated) = send(
        app.request(Method::POST, &app.admin.token, "/api/rulebooks")
            .body(stricter_rulebook()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{activated}");
    assert_eq!(activated["rulebook"]["version"], "1.2.0-strict");
    assert_eq!(activated["rulebook"]["active"], true);
    let digest = activated["rulebook"]["digest"]
        .as_str()
        .expect("digest")
        .to_owned();
    // The moodboard's tier is the same, but it was made under another rulebook version.
    assert_eq!(
        proposal_ids(&activated["reevaluated"]),
        [approved.id, in_review.id, moodboard.id]
    );

    let after = stored(&app, approved.id).await;
    assert_eq!(
        (
            after.status,
            after.tier.map(|t| t.as_str()),
            after.needs_reapproval
        ),
        (Status::Approved, Some("blocked"), true)
    );
    let after = stored(&app, in_review.id).await;
    assert_eq!(
        (
            after.status,
            after.tier.map(|t| t.as_str()),
            after.needs_reapproval
        ),
        (Status::InReview, Some("blocked"), false)
    );
    let after = stored(&app, moodboard.id).await;
    assert_eq!(after.tier.map(|t| t.as_str()), Some("notify"));
    let version = app
        .state
        .store
        .version(moodboard.id, 1)
        .await
        .expect("store")
        .expect("version");
    assert_eq!(
        version.evaluation.expect("evaluated").rulebooks[0].digest,
        digest
    );

    let (_, list) = app.get(&c.partner, "/api/rulebooks").await;
    let versions: Vec<(String, bool)> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap_or_default().to_owned(),
                v["active"] == true,
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            ("1.1.0".to_owned(), false),
            ("1.2.0-strict".to_owned(), true)
        ]
    );
    let (_, detail) = app
        .get(&c.partner, &format!("/api/rulebooks/{RULEBOOK}"))
        .await;
    assert_eq!(detail["version"], "1.2.0-strict");
    assert_eq!(detail["digest"], digest.as_str());

    // The same content again, or another content under a stored version: 409.
    let (status, error) = send(
        app.request(Method::POST, &app.admin.token, "/api/rulebooks")
            .body(stricter_rulebook()),
    )
    .await;
    assert_error(status, &error, StatusCode::CONFLICT, "conflict");
    let (status, error) = send(
        app.request(Method::POST, &app.admin.token, "/api/rulebooks")
            .body(reference_rulebook().replace("version: 1.1.0", "version: 1.2.0-strict")),
    )
    .await;
    assert_error(status, &error, StatusCode::CONFLICT, "conflict");

    // Everyone told about the approved proposal is told it needs approving again.
    let notifications = app
        .state
        .store
        .notifications_for(c.reviewer.id, 50)
        .await
        .expect("store");
    let events: Vec<&str> = notifications
        .iter()
        .filter(|n| n.proposal_id == Some(approved.id))
        .map(|n| n.event.as_str())
        .collect();
    assert_eq!(events, ["proposal.needs_reapproval"]);
}

#[tokio::test]
async fn the_impact_of_a_stricter_rulebook_lists_exactly_the_proposals_that_change() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    assert_eq!(
        app.post(
            &c.rep,
            "/api/consents",
            &consent_body("CR-V", None, &["voice_replica"])
        )
        .await
        .0,
        StatusCode::CREATED
    );
    let approved = submit(&app, &c.partner, c.production, &voice_replica("CR-V")).await;
    let approved = approve(&app, &c.reviewer, &approved, None).await;
    let in_review = submit(
        &app,
        &c.other_partner,
        c.other_production,
        &voice_replica("CR-V"),
    )
    .await;
    let _moodboard = submit(&app, &c.partner, c.production, &example("moodboard")).await;
    // Already blocked (no consent record): stays blocked.
    let _blocked = submit(
        &app,
        &c.partner,
        c.production,
        &voice_replica("CR-NONE").replace("    consent_id: CR-NONE\n", "    consent: none\n"),
    )
    .await;
    // A withdrawn proposal is not followed.
    let withdrawn = submit(&app, &c.partner, c.production, &voice_replica("CR-V")).await;
    let transition = Transition {
        proposal_id: withdrawn.id,
        expected_revision: withdrawn.revision,
        status: Status::Withdrawn,
        approved_version: None,
        approval_expires_at: None,
        needs_reapproval: false,
        actor: Some(c.partner.id),
        action: "proposal.withdrawn".to_owned(),
        note: None,
        notifications: Vec::new(),
    };
    app.state
        .store
        .transition(transition, app.state.now())
        .await
        .expect("withdrawn");
    let (size_before, _) = app.state.store.tree_head().await.expect("tree head");

    let impact = |user: &User, text: String| {
        let builder = app
            .request(Method::POST, &user.token, "/api/rulebooks/impact")
            .body(text);
        send(builder)
    };
    let (status, report) = impact(&app.admin, stricter_rulebook()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["id"], RULEBOOK);
    assert_eq!(report["version"], "1.2.0-strict");
    assert_eq!(report["active_version"], "1.1.0");
    assert_eq!(report["test_failures"], json!([]));
    assert_eq!(
        report["counts"],
        json!({"evaluated": 4, "changed": 2, "raised": 2, "lowered": 0, "approved_raised": 1})
    );
    assert_eq!(
        report["proposals"],
        json!([
            {"proposal_id": approved.id, "title": "Pickup lines for episode 8", "status": "approved", "production_id": c.production, "tier_now": "approval", "tier_then": "blocked"},
            {"proposal_id": in_review.id, "title": "Pickup lines for episode 8", "status": "in_review", "production_id": c.other_production, "tier_now": "approval", "tier_then": "blocked"},
        ])
    );

    // The reference rulebook itself changes nothing.
    let (status, report) = impact(&app.admin, reference_rulebook()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["counts"]["changed"], 0);
    assert_eq!(report["proposals"], json!([]));

    // Nothing was written.
    assert_eq!(
        app.state.store.tree_head().await.expect("tree head").0,
        size_before
    );
    assert_eq!(stored(&app, approved.id).await, approved);
    let (_, detail) = app
        .get(&app.admin, &format!("/api/rulebooks/{RULEBOOK}"))
        .await;
    assert_eq!(detail["version"], "1.1.0");

    // A candidate with problems.
    let (status, error) = impact(&app.admin, "id: [".to_owned()).await;
    assert_error(status, &error, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(
        error["error"]["problems"][0]["line"]
            .as_u64()
            .is_some_and(|line| line >= 1),
        "{error}"
    );
}

#[tokio::test]
async fn only_admins_change_tools_and_rulebooks() {
    let app = TestApp::start().await;
    let c = cast(&app).await;
    let mut update = tool_body("img-1", "consumer", "yes");
    update["revision"] = json!(1);
    for user in [
        &c.partner,
        &c.reviewer,
        &c.rep,
        &c.other_partner,
        &c.other_reviewer,
    ] {
        let (status, error) = app
            .post(
                user,
                "/api/tools",
                &tool_body("img-1", "studio_enterprise", "no"),
            )
            .await;
        assert_error(status, &error, StatusCode::FORBIDDEN, "forbidden");
        let (status, error) = app.put(user, "/api/tools/img-1", &update).await;
        assert_error(status, &error, StatusCode::FORBIDDEN, "forbidden");
        for path in ["/api/rulebooks", "/api/rulebooks/impact"] {
            let (status, error) = send(
                app.request(Method::POST, &user.token, path)
                    .body(stricter_rulebook()),
            )
            .await;
            assert_error(status, &error, StatusCode::FORBIDDEN, "forbidden");
        }
    }
    for (method, path) in [
        (Method::GET, "/api/tools"),
        (Method::GET, "/api/rulebooks"),
        (Method::GET, "/api/consents"),
        (Method::POST, "/api/rulebooks/impact"),
    ] {
        let (status, error) = send(app.request(method, "", path)).await;
        assert_error(status, &error, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    assert!(app.state.store.tools().await.expect("store").is_empty());
    assert_eq!(app.state.store.rulebooks().await.expect("store").len(), 1);
}
