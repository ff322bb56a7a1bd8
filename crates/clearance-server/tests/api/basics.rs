//! Health, readiness, metrics, the OpenAPI document and stateless triage.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::support::{TestApp, assert_error, example, send};

#[tokio::test]
async fn health_readiness_and_metrics_need_no_token() {
    let app = TestApp::start().await;
    let (status, body) = send(app.request(Method::GET, "", "/healthz")).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, body) = send(app.request(Method::GET, "", "/readyz")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["database"], "sqlite");
    // One evaluation, then the request counter for its route is exposed.
    let (status, _) = send(
        app.request(Method::POST, &app.admin.token, "/api/evaluate")
            .body(example("moodboard")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = send(app.request(Method::GET, "", "/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    let text = body.as_str().unwrap_or_default().to_owned();
    assert!(text.contains("clearance_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/api/evaluate\""), "{text}");
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let app = TestApp::start().await;
    let (status, document) = send(app.request(Method::GET, "", "/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|version| version.starts_with("3.1")),
        "{}",
        document["openapi"]
    );
    let paths = document["paths"].as_object().expect("paths");
    for path in [
        "/api/evaluate",
        "/api/audit/entries/{index}/proof",
        "/api/audit/checkpoints",
        "/api/audit/consistency",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from {:?}",
            paths.keys().collect::<Vec<_>>()
        );
    }
    assert!(document["components"]["securitySchemes"]["token"].is_object());
}

#[tokio::test]
async fn evaluate_needs_a_token() {
    let app = TestApp::start().await;
    let (status, body) = send(
        app.request(Method::POST, "", "/api/evaluate")
            .body(example("moodboard")),
    )
    .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    let (status, body) = send(
        app.request(Method::POST, "clr_not-a-token", "/api/evaluate")
            .body(example("moodboard")),
    )
    .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn evaluate_returns_the_result_object_for_yaml_and_json() {
    let app = TestApp::start().await;
    let (status, body) = send(
        app.request(Method::POST, &app.admin.token, "/api/evaluate")
            .body(example("background-poster")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["tier"], "approval");
    assert!(
        body["findings"]
            .as_array()
            .is_some_and(|findings| !findings.is_empty())
    );
    assert!(body["lower_tier_if"].is_array());
    assert_eq!(body["rulebooks"][0]["id"], "netflix-genai-2025");

    let json = r#"{"title": "Mood board", "production": "P", "stage": "development", "element": "moodboard",
        "output": {"final": "no"}, "inputs": ["none"], "tools": [{"name": "T", "environment": "studio_enterprise", "trains_on_inputs": "no"}],
        "media": ["image"]}"#;
    let (status, body) = send(
        app.request(
            Method::POST,
            &app.admin.token,
            "/api/evaluate?lower_tier_if=false",
        )
        .body(json),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["tier"].is_string());
    // Switched off: no search was made.
    assert_eq!(body["lower_tier_if"], Value::Array(Vec::new()));
}

#[tokio::test]
async fn a_bad_intake_gets_the_command_lines_located_problems() {
    let app = TestApp::start().await;
    let source = example("background-poster").replace("final: 'yes'", "final: perhaps");
    let (status, body) = send(
        app.request(Method::POST, &app.admin.token, "/api/evaluate")
            .body(source.clone()),
    )
    .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let problem = &body["error"]["problems"][0];
    assert_eq!(problem["path"], "output.final", "{body}");
    let line = source
        .lines()
        .position(|line| line.contains("final: perhaps"))
        .expect("line")
        + 1;
    assert_eq!(problem["line"], line, "{body}");
    assert_eq!(problem["column"], 10, "{body}");
    assert!(
        problem["message"]
            .as_str()
            .is_some_and(|message| message.contains("perhaps")),
        "{body}"
    );
}

#[tokio::test]
async fn evaluate_rejects_unknown_rulebooks_and_oversized_bodies() {
    let app = TestApp::start_with(|config| config.max_body_bytes = 4096).await;
    let (status, body) = send(
        app.request(
            Method::POST,
            &app.admin.token,
            "/api/evaluate?rulebooks=nope",
        )
        .body(example("moodboard")),
    )
    .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let large = format!(
        "{}\ndescription: '{}'\n",
        example("moodboard"),
        "x".repeat(8192)
    );
    let (status, body) = send(
        app.request(Method::POST, &app.admin.token, "/api/evaluate")
            .body(large),
    )
    .await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    // Beyond every limit the connection's body is refused before it is read.
    let huge = "x".repeat(11 << 20);
    let response = app
        .request(Method::POST, &app.admin.token, "/api/evaluate")
        .body(huge)
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_demo_has_proposals_in_every_state_and_working_tokens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = clearance_server::config::Config {
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    let service = clearance_server::app::start(config).await.expect("starts");
    let summary = clearance_server::demo::seed(&service).await.expect("seeds");
    let statuses: std::collections::BTreeSet<&str> = summary
        .proposals
        .iter()
        .map(|(_, _, status)| status.as_str())
        .collect();
    for status in [
        "draft",
        "acknowledged",
        "in_review",
        "approved",
        "changes_requested",
        "refused",
        "withdrawn",
        "expired",
    ] {
        assert!(
            statuses.contains(status),
            "no {status} proposal in {statuses:?}"
        );
    }
    assert_eq!(summary.people.len(), 6);
    let printed = summary.to_string();
    for (name, _, token) in &summary.people {
        assert!(printed.contains(name.as_str()) && printed.contains(token.as_str()));
        let caller = clearance_server::auth::authenticate(&service.state, token)
            .await
            .expect("the printed token works");
        assert_eq!(&caller.person.name, name);
    }
    // Seeding again adds nothing.
    let again = clearance_server::demo::seed(&service)
        .await
        .expect("second run");
    assert!(again.skipped);
    let key = service.state.signer.verifying_key();
    let export = clearance_server::audit::export(&service.state.store, &key)
        .await
        .expect("export");
    let report = clearance_server::audit::verify(
        &export,
        &key,
        Some(service.state.store.tree_head().await.expect("head")),
    );
    assert_eq!(report.problem, None);
}
