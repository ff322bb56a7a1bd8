//! The productions pages: the list, the dashboard (counts, SVG charts, open blocked items) and
//! the disclosure report (HTML, CSV, JSON), and who may see them.

use clearance_store::model::{Capacity, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, User, example};

struct World {
    app: TestApp,
    partner: User,
    reviewer: User,
    outsider: User,
    production: i64,
}

async fn world() -> World {
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
    app.production("Day Shift", &[(&outsider, Capacity::Partner)])
        .await;
    World {
        app,
        partner,
        reviewer,
        outsider,
        production,
    }
}

impl World {
    /// A proposal by the partner (submitted unless `submit` is false); its id and revision.
    async fn propose(&self, intake: &str, submit: bool) -> (i64, i64) {
        let (status, body) = self
            .app
            .post(
                &self.partner,
                "/api/proposals",
                &json!({ "production_id": self.production, "intake": intake, "submit": submit }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        (
            body["proposal"]["id"].as_i64().expect("id"),
            body["proposal"]["revision"].as_i64().expect("revision"),
        )
    }

    async fn decide(&self, id: i64, revision: i64, decision: Value) -> Value {
        let mut decision = decision;
        decision["revision"] = json!(revision);
        let (status, body) = self
            .app
            .post(
                &self.reviewer,
                &format!("/api/proposals/{id}/reviews"),
                &decision,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }
}

/// A voice replica without consent: triage blocks it.
fn blocked_intake() -> String {
    example("voice-replica").replace("consent: written", "consent: none")
}

/// The number inside `<div class="figure" data-figure="NAME">`.
fn figure(html: &str, name: &str) -> Option<i64> {
    let marker = format!("data-figure=\"{name}\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')? + start;
    html[start..end].trim().parse().ok()
}

#[tokio::test]
async fn the_dashboard_counts_the_data_and_draws_svg_charts() {
    let w = world().await;
    let (poster, poster_revision) = w.propose(&example("background-poster"), true).await;
    w.propose(&example("moodboard"), true).await;
    w.propose(&example("moodboard"), false).await; // a draft: not a declared use
    let (blocked, _) = w.propose(&blocked_intake(), true).await;
    w.decide(
        poster,
        poster_revision,
        json!({ "decision": "approve", "note": "fine in the background" }),
    )
    .await;

    let web = w.app.sign_in(&w.reviewer).await;
    let page = web.get(&format!("/productions/{}", w.production)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert_eq!(figure(html, "total"), Some(4), "{html}");
    assert_eq!(figure(html, "declared"), Some(3));
    assert_eq!(figure(html, "approved"), Some(1));
    assert_eq!(figure(html, "blocked_open"), Some(1));
    // The charts: inline SVG, accessible, no style attribute (the CSP forbids them).
    for chart in [
        "chart-tier",
        "chart-status",
        "chart-category",
        "chart-weeks",
    ] {
        assert!(html.contains(&format!("id=\"{chart}\"")), "{chart}");
    }
    assert!(html.matches("<svg").count() >= 4);
    assert!(html.contains("role=\"img\""));
    assert!(!html.contains("style="), "no style attribute");
    // The tier chart's table: 1 approval (the poster), 1 blocked, 1 notify (the moodboard).
    let tier_table = &html[html.find("id=\"chart-tier\"").expect("tier chart")..];
    let tier_table = &tier_table[..tier_table.find("</figure>").expect("end")];
    assert!(
        tier_table.contains("<th scope=\"row\">Blocked</th><td>1</td>"),
        "{tier_table}"
    );
    assert!(
        tier_table.contains("<th scope=\"row\">Notify</th><td>1</td>"),
        "{tier_table}"
    );
    assert!(
        tier_table.contains("<th scope=\"row\">Approval</th><td>1</td>"),
        "{tier_table}"
    );
    // The median time to decision is a figure (one decision so far).
    assert!(html.contains("overall, 1 decisions"), "{html}");
    // The open blocked item links to its proposal.
    let blocked_list = &html[html.find("id=\"blocked\"").expect("blocked section")..];
    assert!(
        blocked_list.contains(&format!(
            "<a href=\"/proposals/{blocked}\">Pickup lines for episode 8</a>"
        )),
        "{blocked_list}"
    );
    assert!(
        !blocked_list[..blocked_list.find("Time to decision").unwrap_or(0)]
            .contains(&format!("/proposals/{poster}\""))
    );

    // The list of productions shows the counts and links to the reports.
    let list = web.get("/productions").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Night Shift"));
    assert!(
        !list.body.contains("Day Shift"),
        "only the viewer's productions"
    );
    assert!(
        list.body
            .contains(&format!("/productions/{}/disclosure", w.production))
    );
}

#[tokio::test]
async fn an_approved_use_is_in_the_disclosure_report_with_its_conditions() {
    let w = world().await;
    let (poster, revision) = w.propose(&example("background-poster"), true).await;
    w.decide(
        poster,
        revision,
        json!({ "decision": "approve", "note": "ok", "conditions": ["Credit the artist", "No close-ups, \"ever\""], "scope": "episode 2" }),
    )
    .await;
    w.propose(&example("moodboard"), false).await; // a draft: not in the report
    let web = w.app.sign_in(&w.partner).await;
    let base = format!("/productions/{}/disclosure", w.production);

    let page = web.get(&base).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Band poster in the diner, episode 2"));
    assert!(page.body.contains("Approved"));
    assert!(page.body.contains("Rita Reviewer"));
    assert!(page.body.contains("class=\"conditions\""));
    assert!(page.body.contains("Credit the artist"));
    assert!(page.body.contains("No close-ups, &quot;ever&quot;"));
    assert!(page.body.contains("Studio enterprise image tool"));
    assert!(
        !page.body.contains("Moodboard for the hospital set"),
        "drafts are not declared"
    );
    assert!(page.body.contains("Generated"));

    let csv_page = web.get(&format!("{base}.csv")).await;
    assert_eq!(csv_page.status, StatusCode::OK);
    assert!(
        csv_page.headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    assert!(
        csv_page.headers["content-disposition"]
            .to_str()
            .expect("disposition")
            .starts_with("attachment")
    );
    let mut reader = csv::Reader::from_reader(csv_page.body.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1, "one row per declared use");
    let row = &rows[0];
    assert_eq!(&row[column("proposal_id")], poster.to_string());
    assert_eq!(&row[column("title")], "Band poster in the diner, episode 2");
    assert_eq!(&row[column("element")], "poster");
    assert_eq!(&row[column("stage")], "production");
    assert_eq!(&row[column("status")], "approved");
    assert_eq!(&row[column("decision")], "approve");
    assert_eq!(&row[column("reviewer")], "Rita Reviewer");
    assert_eq!(
        &row[column("conditions")],
        "Credit the artist\nNo close-ups, \"ever\""
    );
    assert_eq!(&row[column("scope")], "episode 2");
    assert_eq!(&row[column("tools")], "Studio enterprise image tool");
    assert_eq!(headers.get(0), Some("proposal_id"), "stable columns");

    let json_page = web.get(&format!("{base}.json")).await;
    assert_eq!(json_page.status, StatusCode::OK);
    let report: Value = serde_json::from_str(&json_page.body).expect("JSON");
    assert_eq!(report["production"]["title"], "Night Shift");
    assert!(report["generated_at"].is_string());
    let uses = report["uses"].as_array().expect("uses");
    assert_eq!(uses.len(), 1);
    assert_eq!(uses[0]["id"], poster);
    assert_eq!(uses[0]["status"], "approved");
    assert_eq!(uses[0]["decision"]["decision"], "approve");
    assert_eq!(uses[0]["decision"]["reviewer"], "Rita Reviewer");
    assert_eq!(
        uses[0]["decision"]["conditions"],
        json!(["Credit the artist", "No close-ups, \"ever\""])
    );
}

#[tokio::test]
async fn an_outsider_gets_404_for_every_report_of_the_production() {
    let w = world().await;
    w.propose(&example("background-poster"), true).await;
    let web = w.app.sign_in(&w.outsider).await;
    for suffix in ["", "/disclosure", "/disclosure.csv", "/disclosure.json"] {
        let page = web
            .get(&format!("/productions/{}{suffix}", w.production))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{suffix}");
        assert!(!page.body.contains("Band poster"), "{suffix}");
    }
    // A production that does not exist answers the same.
    let page = web.get("/productions/999999").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // An admin sees it.
    let admin = w.app.sign_in(&w.app.admin).await;
    let page = admin
        .get(&format!("/productions/{}/disclosure", w.production))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Band poster"));
}

#[tokio::test]
async fn a_blocked_open_proposal_is_listed_and_leaves_the_list_once_refused() {
    let w = world().await;
    let (blocked, revision) = w.propose(&blocked_intake(), true).await;
    let web = w.app.sign_in(&w.reviewer).await;
    let path = format!("/productions/{}", w.production);
    let page = web.get(&path).await;
    let section = &page.body[page.body.find("id=\"blocked\"").expect("section")..];
    assert!(
        section.contains(&format!("href=\"/proposals/{blocked}\"")),
        "{section}"
    );
    assert_eq!(figure(&page.body, "blocked_open"), Some(1));

    w.decide(
        blocked,
        revision,
        json!({ "decision": "refuse", "note": "no consent" }),
    )
    .await;
    let page = web.get(&path).await;
    assert_eq!(figure(&page.body, "blocked_open"), Some(0));
    assert!(page.body.contains("No open proposal is blocked."));
    // Refused, it is still a declared use in the report, with its decision.
    let report = web.get(&format!("{path}/disclosure")).await;
    assert!(report.body.contains("Pickup lines for episode 8"));
    assert!(report.body.contains("Refused"));
}
