//! The new proposal pages: the intake form and its live triage panel, saving a draft,
//! submitting, problems shown next to their fields, who may write, editing into a new version.

use clearance_store::model::{Capacity, Role, Status};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, User, WebSession, hidden_value};

struct Setup {
    app: TestApp,
    partner: User,
    reviewer: User,
    production: i64,
    other_production: i64,
}

async fn setup() -> Setup {
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
        .production("Secret Garden", &[(&outsider, Capacity::Partner)])
        .await;
    Setup {
        app,
        partner,
        reviewer,
        production,
        other_production,
    }
}

/// The answers of `examples/moodboard.yaml`, as the form sends them.
fn moodboard(production: &str) -> Vec<(&'static str, String)> {
    [
        ("title", "Moodboard for the hospital set"),
        ("production_id", production),
        ("description", ""),
        ("vendor", ""),
        ("stage", "ideation"),
        ("element", "moodboard"),
        ("media", "image"),
        ("output.final", "no"),
        ("output.prominence", "none"),
        ("output.mistaken_for_real", "no"),
        ("inputs", "none"),
        ("tools[0].tool_id", ""),
        ("tools[0].name", "Studio enterprise image tool"),
        ("tools[0].environment", "studio_enterprise"),
        ("tools[0].trains_on_inputs", "no"),
        ("tools[1].tool_id", ""),
        ("tools[1].name", ""),
        ("tools[1].environment", ""),
        ("talent.performers[0].name", ""),
        ("training.trains_model", "no"),
        ("union_work_impact", "no"),
        ("action", "submit"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    key: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    fields.retain(|(k, _)| *k != key);
    fields.push((key, value.to_owned()));
    fields
}

async fn post(
    web: &WebSession,
    path: &str,
    fields: &[(&'static str, String)],
) -> crate::support::Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    web.post(path, &pairs).await
}

/// The value of `data-tier="…"` (there must be exactly one).
fn tier_of(html: &str) -> String {
    let marker = "data-tier=\"";
    assert_eq!(html.matches(marker).count(), 1, "one data-tier in {html}");
    let start = html.find(marker).expect("data-tier") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

fn proposal_id(location: Option<&str>) -> i64 {
    let location = location.expect("a redirect");
    location
        .strip_prefix("/proposals/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirects to a proposal, not {location}"))
}

#[tokio::test]
async fn the_form_labels_every_input_and_offers_only_the_viewers_productions() {
    let s = setup().await;
    let web = s.app.sign_in(&s.partner).await;
    let page = web
        .get(&format!("/proposals/new?production={}", s.production))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert!(html.contains(r#"<form id="intake-form" method="post" action="/proposals/new" data-triage="/proposals/triage" data-triage-target="triage">"#), "{html}");
    assert!(
        html.contains(r#"<section id="triage" class="panel" aria-live="polite""#),
        "{html}"
    );
    assert_eq!(
        tier_of(html),
        "escalate",
        "an empty form is triaged on the server"
    );
    assert!(html.contains("Night Shift"));
    assert!(
        !html.contains("Secret Garden"),
        "another production is not offered"
    );
    assert!(
        html.contains(&format!(
            r#"<option value="{}" selected>Night Shift"#,
            s.production
        )),
        "the asked production is chosen"
    );
    for name in [
        "title",
        "description",
        "vendor",
        "production_id",
        "stage",
        "element",
        "media",
        "output.final",
        "output.prominence",
        "output.mistaken_for_real",
        "output.human_input",
        "inputs",
        "tools[0].name",
        "tools[0].tool_id",
        "tools[0].environment",
        "tools[0].trains_on_inputs",
        "tools[2].name",
        "training.trains_model",
        "talent.uses",
        "talent.performers[0].name",
        "talent.performers[0].consent_id",
        "union_work_impact",
        "distribution",
        "audience_disclosure",
    ] {
        assert!(
            html.contains(&format!("name=\"{name}\"")),
            "an input named {name}"
        );
    }
    for answer in [
        "output.final",
        "output.mistaken_for_real",
        "output.human_input",
    ] {
        for value in ["yes", "no", "unsure"] {
            assert!(
                html.contains(&format!(r#"name="{answer}" value="{value}""#)),
                "{answer}={value}"
            );
        }
    }
    assert!(
        html.contains(r#"name="action" value="draft""#)
            && html.contains(r#"name="action" value="submit""#)
    );
    // Every visible input, select and textarea has a label pointing at it.
    let mut checked = 0;
    for tag in ["<input ", "<select ", "<textarea "] {
        for (start, _) in html.match_indices(tag) {
            let element = &html[start..start + html[start..].find('>').expect("tag end")];
            if element.contains(r#"type="hidden""#) {
                continue;
            }
            let id = element
                .split("id=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("an id on {element}"));
            assert!(html.contains(&format!("for=\"{id}\"")), "a label for {id}");
            checked += 1;
        }
    }
    assert!(checked > 80, "{checked} inputs checked");
}

#[tokio::test]
async fn the_panel_is_notify_for_the_moodboard_and_approval_once_the_output_is_final() {
    let s = setup().await;
    let web = s.app.sign_in(&s.partner).await;
    let answers = moodboard(&s.production.to_string());
    let panel = post(&web, "/proposals/triage", &answers).await;
    assert_eq!(panel.status, StatusCode::OK, "{}", panel.body);
    assert!(!panel.body.contains("<html"), "a fragment, not a page");
    assert_eq!(tier_of(&panel.body), "notify", "{}", panel.body);
    assert!(
        panel
            .body
            .contains("/rulebooks/netflix-genai-2025#clause-netflix:intro/share-intended-use"),
        "{}",
        panel.body
    );

    let final_output = with(answers, "output.final", "yes");
    let panel = post(&web, "/proposals/triage", &final_output).await;
    assert_eq!(tier_of(&panel.body), "approval", "{}", panel.body);
    assert!(
        panel
            .body
            .contains("#clause-netflix:intro/final-deliverables"),
        "{}",
        panel.body
    );
    assert!(panel.body.contains("What would lower the tier"));

    // From the first keystroke: no title, no production yet, still a tier and the open questions.
    let panel = web
        .post("/proposals/triage", &[("stage", "ideation")])
        .await;
    assert_eq!(panel.status, StatusCode::OK);
    assert_eq!(tier_of(&panel.body), "escalate", "{}", panel.body);
    assert!(
        panel.body.contains("output.final"),
        "unanswered questions are listed"
    );
    // A value the intake does not know is shown as a problem in the panel.
    let panel = web
        .post("/proposals/triage", &[("stage", "sometime")])
        .await;
    assert!(!panel.body.contains("data-tier"), "{}", panel.body);
    assert!(panel.body.contains("stage"), "{}", panel.body);
}

#[tokio::test]
async fn triage_and_submission_without_the_csrf_token_are_refused() {
    let s = setup().await;
    let web = s.app.sign_in(&s.partner).await;
    let answers = moodboard(&s.production.to_string());
    let pairs: Vec<(&str, &str)> = answers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let panel = web.post_raw("/proposals/triage", &pairs).await;
    assert_eq!(panel.status, StatusCode::FORBIDDEN);
    let submitted = web.post_raw("/proposals/new", &pairs).await;
    assert_eq!(submitted.status, StatusCode::FORBIDDEN);
    let found = s.app.state.store.proposal(1).await.expect("store");
    assert!(found.is_none(), "nothing was created");
}

#[tokio::test]
async fn submitting_creates_the_proposal_from_the_built_intake_and_a_draft_stays_a_draft() {
    let s = setup().await;
    let web = s.app.sign_in(&s.partner).await;
    let answers = moodboard(&s.production.to_string());
    let answer = post(&web, "/proposals/new", &answers).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let id = proposal_id(answer.location.as_deref());
    let proposal = s
        .app
        .state
        .store
        .proposal(id)
        .await
        .expect("store")
        .expect("created");
    assert_eq!(proposal.production_id, s.production);
    assert_eq!(
        proposal.status,
        Status::Acknowledged,
        "a notify use is acknowledged at once"
    );
    assert_eq!(proposal.title, "Moodboard for the hospital set");
    let version = s
        .app
        .state
        .store
        .version(id, 1)
        .await
        .expect("store")
        .expect("version 1");
    assert_eq!(version.format, "json");
    let source: Value = serde_json::from_str(&version.source).expect("JSON source");
    assert_eq!(
        source,
        json!({
            "title": "Moodboard for the hospital set",
            "production": "Night Shift",
            "stage": "ideation",
            "element": "moodboard",
            "media": ["image"],
            "output": { "final": "no", "prominence": "none", "mistaken_for_real": "no" },
            "inputs": ["none"],
            "tools": [{ "name": "Studio enterprise image tool", "environment": "studio_enterprise", "trains_on_inputs": "no" }],
            "training": { "trains_model": "no" },
            "talent": { "uses": [] },
            "union_work_impact": "no",
        })
    );
    // The same through the API, as the reviewer sees it.
    let (status, body) = s
        .app
        .get(&s.reviewer, &format!("/api/proposals/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Final output: in review; a draft stays a draft.
    let final_output = with(answers.clone(), "output.final", "yes");
    let answer = post(&web, "/proposals/new", &final_output).await;
    let id = proposal_id(answer.location.as_deref());
    let proposal = s
        .app
        .state
        .store
        .proposal(id)
        .await
        .expect("store")
        .expect("created");
    assert_eq!(proposal.status, Status::InReview);
    let draft = with(final_output, "action", "draft");
    let answer = post(&web, "/proposals/new", &draft).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let id = proposal_id(answer.location.as_deref());
    let proposal = s
        .app
        .state
        .store
        .proposal(id)
        .await
        .expect("store")
        .expect("created");
    assert_eq!(proposal.status, Status::Draft);
}

#[tokio::test]
async fn a_missing_title_shows_the_form_again_with_every_value_kept() {
    let s = setup().await;
    let web = s.app.sign_in(&s.partner).await;
    let answers = with(moodboard(&s.production.to_string()), "title", "");
    let answers = with(
        answers,
        "description",
        "Reference images for the <ward> set",
    );
    let answers = with(answers, "vendor", "Pixel & Co");
    let page = post(&web, "/proposals/new", &answers).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let html = &page.body;
    assert!(html.contains("missing required field `title`"), "{html}");
    assert!(
        html.contains(r#"id="q-title-error""#),
        "the problem is next to the title"
    );
    assert!(
        html.contains("Reference images for the &lt;ward&gt; set"),
        "the description is kept"
    );
    assert!(
        html.contains(r#"value="Pixel &amp; Co""#),
        "the vendor is kept"
    );
    assert!(
        html.contains(r#"value="Studio enterprise image tool""#),
        "the tool is kept"
    );
    assert!(
        html.contains(r#"name="output.final" value="no" checked"#),
        "the answers are kept"
    );
    assert!(html.contains(r#"name="media" value="image" checked"#));
    assert!(html.contains(r#"<option value="ideation" selected>"#));
    assert_eq!(
        hidden_value(html, "csrf").as_deref(),
        Some(web.csrf.as_str())
    );
    assert!(
        s.app
            .state
            .store
            .proposal(1)
            .await
            .expect("store")
            .is_none()
    );

    // No production chosen: said next to the production, the rest kept.
    let answers = with(moodboard(""), "vendor", "Pixel & Co");
    let page = post(&web, "/proposals/new", &answers).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains(r#"id="q-production-id-error""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="Pixel &amp; Co""#));
}

#[tokio::test]
async fn only_the_productions_partners_may_submit_into_it() {
    let s = setup().await;
    let outsider = s.app.person(Role::Partner, "Otto Other").await;
    s.app
        .production("Elsewhere", &[(&outsider, Capacity::Partner)])
        .await;
    let answers = moodboard(&s.production.to_string());

    let web = s.app.sign_in(&outsider).await;
    let page = post(&web, "/proposals/new", &answers).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);
    assert!(!page.body.contains("Night Shift"));

    let web = s.app.sign_in(&s.reviewer).await;
    let page = post(&web, "/proposals/new", &answers).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);

    // Into a production the viewer does not belong to, even with a missing title: 404 first.
    let web = s.app.sign_in(&s.partner).await;
    let answers = with(moodboard(&s.other_production.to_string()), "title", "");
    let page = post(&web, "/proposals/new", &answers).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        s.app
            .state
            .store
            .proposal(1)
            .await
            .expect("store")
            .is_none()
    );
}

#[tokio::test]
async fn editing_prefills_the_form_and_saves_version_two() {
    let s = setup().await;
    let web = s.app.sign_in(&s.partner).await;
    let answers = with(moodboard(&s.production.to_string()), "action", "draft");
    let answer = post(&web, "/proposals/new", &answers).await;
    let id = proposal_id(answer.location.as_deref());

    let form = web.get(&format!("/proposals/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body
            .contains(r#"value="Moodboard for the hospital set""#)
    );
    assert!(
        form.body
            .contains(r#"name="output.final" value="no" checked"#),
        "{}",
        form.body
    );
    assert!(form.body.contains(r#"name="tools[0].environment""#));
    assert_eq!(tier_of(&form.body), "notify");
    let revision = hidden_value(&form.body, "revision").expect("a revision field");

    // Outsiders cannot open it; reviewers cannot write it.
    let reviewer = s.app.sign_in(&s.reviewer).await;
    assert_eq!(
        reviewer.get(&format!("/proposals/{id}/edit")).await.status,
        StatusCode::FORBIDDEN
    );
    let outsider = s.app.person(Role::Partner, "Otto Other").await;
    let outsider = s.app.sign_in(&outsider).await;
    assert_eq!(
        outsider.get(&format!("/proposals/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );

    let changed = with(answers.clone(), "output.final", "yes");
    let changed = with(changed, "revision", &revision);
    let changed = with(changed, "action", "submit");
    let saved = post(&web, &format!("/proposals/{id}/edit"), &changed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("/proposals/{id}").as_str())
    );
    let proposal = s
        .app
        .state
        .store
        .proposal(id)
        .await
        .expect("store")
        .expect("there");
    assert_eq!(proposal.current_version, 2);
    assert_eq!(proposal.status, Status::InReview);
    let version = s
        .app
        .state
        .store
        .version(id, 2)
        .await
        .expect("store")
        .expect("version 2");
    let source: Value = serde_json::from_str(&version.source).expect("JSON");
    assert_eq!(source["output"]["final"], "yes");
    assert_eq!(source["production"], "Night Shift");

    // The old revision again: 409, the values kept, a clear message.
    let stale = with(changed, "title", "Moodboard, second pass");
    let page = post(&web, &format!("/proposals/{id}/edit"), &stale).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(
        page.body.contains("changed since you opened the form"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="Moodboard, second pass""#));
    let proposal = s
        .app
        .state
        .store
        .proposal(id)
        .await
        .expect("store")
        .expect("there");
    assert_eq!(proposal.current_version, 2, "nothing saved");
}

#[tokio::test]
async fn tools_and_consents_are_picked_from_the_registries_and_the_triage_uses_them() {
    let s = setup().await;
    let admin = s.app.admin.clone();
    let tool = |id: &str, environment: &str, trains: &str| json!({ "id": id, "name": format!("Tool {id}"), "environment": environment, "trains_on_inputs": trains });
    for body in [
        tool("studio-img", "studio_enterprise", "no"),
        tool("cheap-img", "consumer", "unsure"),
    ] {
        let (status, answer) = s.app.post(&admin, "/api/tools", &body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    let consent = |id: &str, production: i64| {
        json!({
            "id": id, "performer": format!("Performer {id}"), "grantor": "performer",
            "granted_by": "the performer", "production_id": production, "uses": ["voice_replica"],
            "purpose": "pickup lines", "state": "signed", "granted_on": "2025-01-10",
        })
    };
    for body in [
        consent("CR-OURS", s.production),
        consent("CR-THEIRS", s.other_production),
    ] {
        let (status, answer) = s.app.post(&admin, "/api/consents", &body).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    let web = s.app.sign_in(&s.partner).await;
    let form = web.get("/proposals/new").await;
    assert!(
        form.body.contains(r#"<option value="studio-img">"#),
        "{}",
        form.body
    );
    assert!(form.body.contains(r#"<option value="CR-OURS">"#));
    assert!(
        !form.body.contains("CR-THEIRS"),
        "another production's consent is not offered"
    );

    // A registered tool supplies its terms.
    let registered = with(moodboard(&s.production.to_string()), "tools[0].name", "");
    let registered = with(registered, "tools[0].environment", "");
    let registered = with(registered, "tools[0].trains_on_inputs", "");
    let panel = post(
        &web,
        "/proposals/triage",
        &with(registered.clone(), "tools[0].tool_id", "studio-img"),
    )
    .await;
    assert_eq!(tier_of(&panel.body), "notify", "{}", panel.body);
    let panel = post(
        &web,
        "/proposals/triage",
        &with(registered.clone(), "tools[0].tool_id", "cheap-img"),
    )
    .await;
    assert_eq!(tier_of(&panel.body), "escalate", "{}", panel.body);
    // An answer that disagrees with the registry is a problem, shown in the panel.
    let disagreeing = with(registered.clone(), "tools[0].tool_id", "studio-img");
    let disagreeing = with(disagreeing, "tools[0].environment", "consumer");
    let panel = post(&web, "/proposals/triage", &disagreeing).await;
    assert!(!panel.body.contains("data-tier"), "{}", panel.body);
    assert!(
        panel.body.contains("disagrees with the registry"),
        "{}",
        panel.body
    );

    // A voice replica: blocked without consent, approval with this production's record.
    let voice = with(
        moodboard(&s.production.to_string()),
        "talent.uses",
        "voice_replica",
    );
    let voice = with(voice, "talent.performers[0].name", "Lead actor");
    let panel = post(&web, "/proposals/triage", &voice).await;
    assert_eq!(tier_of(&panel.body), "blocked", "{}", panel.body);
    let consented = with(voice.clone(), "talent.performers[0].consent_id", "CR-OURS");
    let panel = post(&web, "/proposals/triage", &consented).await;
    assert_eq!(tier_of(&panel.body), "approval", "{}", panel.body);
    assert!(panel.body.contains("CR-OURS"));
    let elsewhere = with(voice, "talent.performers[0].consent_id", "CR-THEIRS");
    let panel = post(&web, "/proposals/triage", &elsewhere).await;
    assert_eq!(
        tier_of(&panel.body),
        "blocked",
        "another production's record does not count"
    );

    // Submitted with the record: the source names it.
    let answer = post(&web, "/proposals/new", &consented).await;
    let id = proposal_id(answer.location.as_deref());
    let version = s
        .app
        .state
        .store
        .version(id, 1)
        .await
        .expect("store")
        .expect("v1");
    assert_eq!(version.consent_ids, vec!["CR-OURS".to_owned()]);
    let proposal = s
        .app
        .state
        .store
        .proposal(id)
        .await
        .expect("store")
        .expect("there");
    assert_eq!(proposal.status, Status::InReview);
}

#[tokio::test]
async fn a_proposal_declared_in_yaml_through_the_api_is_edited_in_the_form() {
    let s = setup().await;
    let (status, created) = s
        .app
        .post(
            &s.partner,
            "/api/proposals",
            &json!({ "production_id": s.production, "intake": crate::support::example("moodboard"), "submit": false }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["proposal"]["id"].as_i64().expect("id");
    let web = s.app.sign_in(&s.partner).await;
    let form = web.get(&format!("/proposals/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for kept in [
        r#"value="Moodboard for the hospital set""#,
        r#"<option value="moodboard" selected>"#,
        r#"name="media" value="image" checked"#,
        r#"name="inputs" value="none" checked"#,
        r#"name="output.prominence" value="none" checked"#,
        r#"name="tools[0].trains_on_inputs" value="no" checked"#,
        r#"<option value="studio_enterprise" selected>"#,
        r#"name="union_work_impact" value="no" checked"#,
    ] {
        assert!(form.body.contains(kept), "{kept} in {}", form.body);
    }
    assert!(
        !form
            .body
            .contains(r#"name="talent.uses" value="unsure" checked"#),
        "talent: [] is no talent use"
    );
    assert_eq!(tier_of(&form.body), "notify");
    assert_eq!(
        hidden_value(&form.body, "production").as_deref(),
        Some("Night Shift")
    );
    // A draft can stay a draft.
    assert!(form.body.contains(r#"name="action" value="draft""#));
}
