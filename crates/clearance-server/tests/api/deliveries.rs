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

/// A file of a test report: path, verdict, and coverage as `(status, proposal id, reason)`.
pub(crate) type ScannedFile<'a> = (&'a str, &'a str, Option<(&'a str, i64, &'a str)>);

/// A scan report of these files (`(path, verdict, coverage)`, coverage as
/// `(status, proposal id, reason)`), with counts that agree, as `clearance scan` prints it.
pub(crate) fn scan_report(production: i64, files: &[ScannedFile<'_>]) -> Value {
    let count =
        |keep: &dyn Fn(&ScannedFile<'_>) -> bool| files.iter().filter(|file| keep(file)).count();
    let entries: Vec<Value> = files
        .iter()
        .map(|(path, verdict, coverage)| {
            let mut entry = json!({
                "path": path,
                "bytes": 2048,
                "verdict": verdict,
                "basis": if *verdict == "no_ai_signal" { "none" } else { "c2pa" },
                "manifest": { "claim_generator": "Example Generator/1.0", "validation": "valid_untrusted" },
            });
            if *verdict == "unreadable" {
                entry["reason"] = json!("truncated: the file ends inside a box");
            }
            if let Some((status, proposal, reason)) = coverage {
                entry["coverage"] = json!({
                    "status": status, "proposal_id": proposal, "proposal_title": "…",
                    "matched_by": "element", "reason": reason,
                });
            }
            entry
        })
        .collect();
    let not_covered = count(&|f| f.2.is_some_and(|c| c.0 == "not_covered"));
    let unreadable = count(&|f| f.1 == "unreadable");
    json!({
        "format": "clearance-scan/1",
        "scanned_at": "2026-11-22T18:00:00Z",
        "roots": ["deliverables"],
        "production_id": production,
        "cue_sheet": null,
        "exit_code": if unreadable > 0 { 2 } else { i32::from(not_covered > 0) },
        "summary": {
            "files": files.len(), "bytes": 2048 * files.len(),
            "ai_generated": count(&|f| f.1 == "ai_generated"),
            "ai_composite": count(&|f| f.1 == "ai_composite"),
            "no_ai_signal": count(&|f| f.1 == "no_ai_signal"),
            "unreadable": unreadable,
            "covered": count(&|f| f.2.is_some_and(|c| c.0 == "covered")),
            "not_covered": not_covered,
        },
        "files": entries,
    })
}

impl World {
    /// Uploads report text as `user` to `production`.
    pub(crate) async fn upload_text(
        &self,
        user: &User,
        production: i64,
        text: String,
    ) -> (StatusCode, Option<String>, Value) {
        let response = self
            .app
            .request(
                reqwest::Method::POST,
                &user.token,
                &format!("/api/productions/{production}/deliveries"),
            )
            .header("content-type", "application/json")
            .body(text)
            .send()
            .await
            .expect("answered");
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, location, body)
    }

    /// Uploads a report to the production; asserts it was stored and returns the answer.
    pub(crate) async fn upload(&self, user: &User, report: &Value) -> Value {
        let (status, _, body) = self
            .upload_text(user, self.production, report.to_string())
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[tokio::test]
async fn a_scan_report_is_stored_exactly_as_sent_and_listed_newest_first() {
    let w = world().await;
    let report = scan_report(
        w.production,
        &[
            (
                "deliverables/art/poster.png",
                "ai_generated",
                Some(("covered", 1, "approved")),
            ),
            (
                "deliverables/art/sky.png",
                "ai_composite",
                Some(("not_covered", 2, "proposal #2 is in review, not approved")),
            ),
            ("deliverables/plates/a.exr", "no_ai_signal", None),
            ("deliverables/audio/broken.wav", "unreadable", None),
        ],
    );
    // Pretty-printed, with an escaped character: the bytes are kept, not re-serialised.
    let text = serde_json::to_string_pretty(&report)
        .expect("json")
        .replace(
            "deliverables/art/poster.png",
            "deliverables/art/poster\\u00e9.png",
        );
    let (status, location, body) = w.upload_text(&w.partner, w.production, text.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().expect("id");
    assert_eq!(
        location.as_deref(),
        Some(format!("/api/deliveries/{id}").as_str())
    );
    assert_eq!(body["location"], format!("/api/deliveries/{id}"));
    assert_eq!(body["page"], format!("/deliveries/{id}"));
    assert_eq!(body["production_id"], w.production);
    assert_eq!(body["uploaded_by"], w.partner.id);
    assert_eq!(body["uploaded_by_name"], "Pat Partner");
    assert_eq!(body["exit_code"], 2);
    assert_eq!(body["sha256"], sha256_hex(text.as_bytes()));
    assert_eq!(body["size"], text.len());
    assert_eq!(body["summary"], report["summary"]);

    // Read back: the description and the report, verbatim.
    let (status, detail) = w
        .app
        .get(&w.reviewer, &format!("/api/deliveries/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["delivery"]["id"], id);
    assert_eq!(
        detail["report"]["files"][0]["path"],
        "deliverables/art/posteré.png"
    );
    assert_eq!(
        detail["report"]["scanned_at"], "2026-11-22T18:00:00Z",
        "kept, unread"
    );
    let raw = w
        .app
        .request(
            reqwest::Method::GET,
            &w.partner.token,
            &format!("/api/deliveries/{id}/report"),
        )
        .send()
        .await
        .expect("answered");
    assert_eq!(raw.status(), StatusCode::OK);
    assert_eq!(
        raw.headers()["x-content-sha256"].to_str().expect("hash"),
        sha256_hex(text.as_bytes())
    );
    assert_eq!(raw.text().await.expect("text"), text, "byte for byte");

    // A reviewer and an admin may upload too; the list is newest first, without file lists.
    let later = w.upload(&w.reviewer, &scan_report(w.production, &[])).await;
    let latest = w
        .upload(
            &w.app.admin,
            &scan_report(w.production, &[("a.png", "no_ai_signal", None)]),
        )
        .await;
    let (status, list) = w
        .app
        .get(
            &w.partner,
            &format!("/api/productions/{}/deliveries", w.production),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let ids: Vec<&Value> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|d| &d["id"])
        .collect();
    assert_eq!(ids, vec![&latest["id"], &later["id"], &json!(id)]);
    assert!(list[0].get("files").is_none() && list[0].get("report").is_none());
    let (_, window) = w
        .app
        .get(
            &w.partner,
            &format!(
                "/api/productions/{}/deliveries?limit=1&offset=1",
                w.production
            ),
        )
        .await;
    assert_eq!(window.as_array().map(Vec::len), Some(1));
    assert_eq!(window[0]["id"], later["id"]);

    // Each upload is in the audit log, about the production.
    let (_, entries) = w
        .app
        .get(&w.app.admin, "/api/audit/entries?limit=1000")
        .await;
    let uploads: Vec<&Value> = entries
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "delivery.scan_uploaded")
        .collect();
    assert_eq!(uploads.len(), 3);
    assert_eq!(
        uploads[0]["subject"],
        format!("production/{}", w.production)
    );
    assert_eq!(uploads[0]["actor_id"], w.partner.id);
    assert!(
        uploads[0]["body"]
            .as_str()
            .is_some_and(|b| b.contains(&sha256_hex(text.as_bytes())))
    );
}

#[tokio::test]
async fn an_invalid_report_is_refused_naming_each_field_and_nothing_is_stored() {
    let w = world().await;
    let good = scan_report(
        w.production,
        &[
            (
                "a.png",
                "ai_generated",
                Some(("not_covered", 1, "in review")),
            ),
            ("b.png", "no_ai_signal", None),
        ],
    );
    let problems = |body: &Value| -> Vec<String> {
        body["error"]["problems"]
            .as_array()
            .map(|problems| {
                problems
                    .iter()
                    .map(|p| p["path"].as_str().unwrap_or("?").to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };

    let mut report = good.clone();
    report["format"] = json!("clearance-scan/2");
    let (status, _, body) = w
        .upload_text(&w.partner, w.production, report.to_string())
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problems(&body), vec!["format"]);
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("clearance-scan/1")),
        "{body}"
    );

    let mut report = good.clone();
    report["files"][1]["verdict"] = json!("probably_fine");
    report["files"][0]["coverage"]["status"] = json!(true);
    report["summary"]
        .as_object_mut()
        .map(|s| s.remove("not_covered"));
    let (status, _, body) = w
        .upload_text(&w.partner, w.production, report.to_string())
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(
        problems(&body),
        vec![
            "summary.not_covered",
            "files[0].coverage.status",
            "files[1].verdict"
        ]
    );

    let mut report = good.clone();
    report["summary"]["files"] = json!(3);
    let (status, _, body) = w
        .upload_text(&w.partner, w.production, report.to_string())
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problems(&body), vec!["summary.files"]);

    let (status, _, body) = w
        .upload_text(
            &w.partner,
            w.production,
            "{\"format\": \"clearance-scan/1\",".to_owned(),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");

    let (_, list) = w
        .app
        .get(
            &w.partner,
            &format!("/api/productions/{}/deliveries", w.production),
        )
        .await;
    assert_eq!(list, json!([]), "nothing was stored");
}

#[tokio::test]
async fn outsiders_cannot_upload_list_or_read_deliveries() {
    let w = world().await;
    let stored = w.upload(&w.partner, &scan_report(w.production, &[])).await;
    let id = stored["id"].as_i64().expect("id");
    let rep = w.app.person(Role::Representative, "Remy Rep").await;
    for user in [&w.outsider, &rep] {
        let (status, _, body) = w
            .upload_text(
                user,
                w.production,
                scan_report(w.production, &[]).to_string(),
            )
            .await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
        let (status, body) = w
            .app
            .get(
                user,
                &format!("/api/productions/{}/deliveries", w.production),
            )
            .await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
        for path in [
            format!("/api/deliveries/{id}"),
            format!("/api/deliveries/{id}/report"),
        ] {
            let (status, body) = w.app.get(user, &path).await;
            assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
            assert_eq!(body["error"]["message"], format!("delivery {id} not found"));
        }
    }
    let (status, body) = w.app.get(&w.outsider, "/api/deliveries/999999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    // The outsider's own production is theirs to upload to.
    let (status, _, body) = w
        .upload_text(
            &w.outsider,
            w.other_production,
            scan_report(w.other_production, &[]).to_string(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_report_of_100000_files_is_accepted_past_the_general_body_limit() {
    let w = world().await;
    let paths: Vec<String> = (0..100_000)
        .map(|i| {
            format!(
                "deliverables/reel{}/shot{:03}/frame{i:06}.exr",
                i / 10_000,
                i / 100 % 100
            )
        })
        .collect();
    let files: Vec<ScannedFile<'_>> = paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            if i % 1000 == 0 {
                (
                    path.as_str(),
                    "ai_generated",
                    Some(("not_covered", 1, "proposal #1 is in review, not approved")),
                )
            } else {
                (path.as_str(), "no_ai_signal", None)
            }
        })
        .collect();
    let text = scan_report(w.production, &files).to_string();
    assert!(
        text.len()
            > w.app
                .state
                .config
                .max_body_bytes
                .max(w.app.state.config.max_attachment_bytes),
        "{} bytes",
        text.len()
    );
    let (status, _, body) = w.upload_text(&w.partner, w.production, text).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["summary"]["files"], 100_000);
    assert_eq!(body["summary"]["not_covered"], 100);
    assert_eq!(body["exit_code"], 1);
}

#[tokio::test]
async fn a_report_over_the_scan_limit_is_too_large() {
    let app = TestApp::start_with(|config| config.max_scan_report_bytes = 4096).await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let production = app
        .production("Night Shift", &[(&partner, Capacity::Partner)])
        .await;
    let files: Vec<String> = (0..100).map(|i| format!("file{i:03}.png")).collect();
    let listed: Vec<ScannedFile<'_>> = files
        .iter()
        .map(|path| (path.as_str(), "no_ai_signal", None))
        .collect();
    let (status, body) = app
        .post(
            &partner,
            &format!("/api/productions/{production}/deliveries"),
            &scan_report(production, &listed),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let (status, body) = app
        .post(
            &partner,
            &format!("/api/productions/{production}/deliveries"),
            &scan_report(production, &listed[..2]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn the_openapi_document_lists_the_delivery_routes() {
    let app = TestApp::start().await;
    let (status, document) =
        crate::support::send(app.request(reqwest::Method::GET, "", "/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    let paths = &document["paths"];
    assert!(paths["/api/productions/{id}/coverage"]["get"].is_object());
    assert!(paths["/api/productions/{id}/deliveries"]["post"].is_object());
    assert!(paths["/api/productions/{id}/deliveries"]["get"].is_object());
    assert!(paths["/api/deliveries/{id}"]["get"].is_object());
    assert!(paths["/api/deliveries/{id}/report"]["get"].is_object());
    let schemas = &document["components"]["schemas"];
    for schema in [
        "CoverageCandidate",
        "DeliveryScan",
        "ScanSummary",
        "UploadedDelivery",
    ] {
        assert!(schemas[schema].is_object(), "{schema}");
    }
}
