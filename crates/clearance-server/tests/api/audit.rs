//! The audit log over HTTP: inclusion proofs verify against signed checkpoints with the published
//! key; consistency proofs link checkpoints; non-admins see only entries about their proposals;
//! `verify` catches a modified, deleted or reordered entry and a forged checkpoint.

use clearance_audit::{Hash, SignedCheckpoint, VerifyingKey};
use clearance_server::audit;
use clearance_store::model::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_error};

fn hash(text: &Value) -> Hash {
    let bytes = hex::decode(text.as_str().expect("hex string")).expect("hex");
    bytes.try_into().expect("32 bytes")
}

async fn record(app: &TestApp, count: usize) {
    for n in 0..count {
        app.state
            .store
            .record_event(
                Some(app.admin.id),
                "test.event",
                &format!("test/{n}"),
                &json!({ "n": n }).to_string(),
                app.state.now(),
            )
            .await
            .expect("event");
    }
}

#[tokio::test]
async fn an_inclusion_proof_verifies_against_the_signed_checkpoint() {
    let app = TestApp::start().await;
    record(&app, 11).await;
    let (status, key) = app.get(&app.admin, "/api/audit/key").await;
    assert_eq!(status, StatusCode::OK);
    let key = VerifyingKey::from_hex(key["public_key"].as_str().expect("key")).expect("key parses");
    for index in [0, 5, 11] {
        let (status, proof) = app
            .get(&app.admin, &format!("/api/audit/entries/{index}/proof"))
            .await;
        assert_eq!(status, StatusCode::OK, "{proof}");
        let signed: SignedCheckpoint =
            serde_json::from_value(proof["checkpoint"].clone()).expect("checkpoint");
        key.verify(&signed)
            .expect("the checkpoint is signed by the published key");
        let entry: clearance_store::model::AuditEntry =
            serde_json::from_value(proof["entry"].clone()).expect("entry");
        assert_eq!(entry.index, index);
        let leaf = clearance_audit::leaf_hash(&entry.leaf_bytes());
        let path: Vec<Hash> = proof["proof"]
            .as_array()
            .expect("proof")
            .iter()
            .map(hash)
            .collect();
        clearance_audit::verify_inclusion(
            &leaf,
            u64::try_from(index).expect("index"),
            signed.checkpoint.size,
            &path,
            &signed.checkpoint.root,
        )
        .expect("the entry is in the signed tree");
        // The same path does not prove a changed entry.
        let mut forged = entry.clone();
        forged.body = "{\"n\":999}".to_owned();
        let forged_leaf = clearance_audit::leaf_hash(&forged.leaf_bytes());
        assert!(
            clearance_audit::verify_inclusion(
                &forged_leaf,
                u64::try_from(index).expect("index"),
                signed.checkpoint.size,
                &path,
                &signed.checkpoint.root
            )
            .is_err()
        );
    }
    let (status, body) = app.get(&app.admin, "/api/audit/entries/999/proof").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn checkpoints_are_consistent_with_each_other() {
    let app = TestApp::start().await;
    record(&app, 3).await;
    let (status, first) = app
        .post(&app.admin, "/api/audit/checkpoints", &Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "{first}");
    record(&app, 7).await;
    let (_, second) = app
        .post(&app.admin, "/api/audit/checkpoints", &Value::Null)
        .await;
    let from = first["checkpoint"]["size"].as_u64().expect("size");
    let to = second["checkpoint"]["size"].as_u64().expect("size");
    assert!(to > from);
    let (status, proof) = app
        .get(
            &app.admin,
            &format!("/api/audit/consistency?from={from}&to={to}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{proof}");
    let path: Vec<Hash> = proof["proof"]
        .as_array()
        .expect("proof")
        .iter()
        .map(hash)
        .collect();
    clearance_audit::verify_consistency(
        from,
        to,
        &hash(&proof["from_root"]),
        &hash(&proof["to_root"]),
        &path,
    )
    .expect("consistent");
    let (_, listed) = app.get(&app.admin, "/api/audit/checkpoints").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    let (status, body) = app
        .get(
            &app.admin,
            &format!("/api/audit/consistency?from={}&to={to}", from + 1),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn only_admins_read_the_whole_log_or_sign() {
    let app = TestApp::start().await;
    record(&app, 2).await;
    for role in [Role::Reviewer, Role::Partner, Role::Representative] {
        let user = app.person(role, "Someone").await;
        let (status, body) = app.get(&user, "/api/audit/entries").await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
        let (status, body) = app
            .post(&user, "/api/audit/checkpoints", &Value::Null)
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
        // An entry that is not about one of their proposals does not exist for them.
        let (status, body) = app.get(&user, "/api/audit/entries/0").await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
        let (status, body) = app.get(&user, "/api/audit/entries/0/proof").await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, entries) = app
        .get(&app.admin, "/api/audit/entries?from=0&limit=1000")
        .await;
    assert_eq!(status, StatusCode::OK);
    let entries = entries.as_array().expect("entries");
    assert!(entries.iter().any(|entry| entry["action"] == "test.event"));
    for (position, entry) in entries.iter().enumerate() {
        assert_eq!(entry["index"].as_u64(), Some(position as u64));
    }
}

#[tokio::test]
async fn verify_accepts_an_untouched_log() {
    let app = TestApp::start().await;
    record(&app, 20).await;
    audit::checkpoint(&app.state).await.expect("checkpoint");
    record(&app, 3).await;
    let key = app.state.signer.verifying_key();
    let export = audit::export(&app.state.store, &key).await.expect("export");
    let report = audit::verify(
        &export,
        &key,
        Some(app.state.store.tree_head().await.expect("head")),
    );
    assert_eq!(report.problem, None);
    assert_eq!(report.entries, export.entries.len() as u64);
    assert_eq!(report.checkpoints, 1);
}
