//! The lists pages: proposal search and paging, import, the reviewer's inbox, the consent and
//! tool registries, the rulebooks and the impact of a candidate version.

use clearance_store::model::{Capacity, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, User, WebSession, example};

/// One production with a partner and a reviewer, and another production with its own.
struct World {
    app: TestApp,
    partner: User,
    reviewer: User,
    outsider: User,
    outside_reviewer: User,
    production: i64,
    other_production: i64,
}

async fn world() -> World {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rita Reviewer").await;
    let outsider = app.person(Role::Partner, "Olga Outsider").await;
    let outside_reviewer = app.person(Role::Reviewer, "Otto Outside").await;
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
                (&outside_reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    World {
        app,
        partner,
        reviewer,
        outsider,
        outside_reviewer,
        production,
        other_production,
    }
}

impl World {
    /// A proposal made through the API; its id.
    async fn create(&self, user: &User, production: i64, source: &str, submit: bool) -> i64 {
        let (status, body) = self
            .app
            .post(
                user,
                "/api/proposals",
                &json!({ "production_id": production, "intake": source, "submit": submit }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["proposal"]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no id in {body}"))
    }
}

/// The ids of the proposals linked from a page (`href="/proposals/{id}"`), in page order.
fn linked_proposals(html: &str) -> Vec<i64> {
    let marker = "href=\"/proposals/";
    let mut ids = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(marker) {
        rest = &rest[start + marker.len()..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if rest[digits.len()..].starts_with('"')
            && let Ok(id) = digits.parse::<i64>()
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// A voice replica whose performer's consent is the record `consent_id`.
fn voice_replica(consent_id: &str) -> String {
    example("voice-replica").replace(
        "    consent: written\n",
        &format!("    consent_id: {consent_id}\n"),
    )
}

#[tokio::test]
async fn the_search_filters_by_words_tier_and_status_and_shows_only_the_viewers_productions() {
    let w = world().await;
    let poster = w
        .create(
            &w.partner,
            w.production,
            &example("background-poster"),
            true,
        )
        .await;
    let moodboard = w
        .create(&w.partner, w.production, &example("moodboard"), true)
        .await;
    let chatbot = w
        .create(
            &w.partner,
            w.production,
            &example("script-into-chatbot"),
            false,
        )
        .await;
    let elsewhere = w
        .create(
            &w.outsider,
            w.other_production,
            &example("vendor-pipeline"),
            true,
        )
        .await;
    let web = w.app.sign_in(&w.partner).await;

    let all = web.get("/proposals").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(
        linked_proposals(&all.body),
        vec![chatbot, moodboard, poster],
        "newest first, and nothing of another production"
    );
    assert!(!all.body.contains("Environment previs"), "{}", all.body);
    assert!(all.body.contains("Night Shift"), "the production is named");

    let words = web.get("/proposals?q=poster").await;
    assert_eq!(linked_proposals(&words.body), vec![poster]);
    assert!(
        words.body.contains("value=\"poster\""),
        "the filter keeps its value"
    );
    let tier = web.get("/proposals?tier=notify").await;
    assert_eq!(linked_proposals(&tier.body), vec![moodboard]);
    let status = web.get("/proposals?status=draft").await;
    assert_eq!(linked_proposals(&status.body), vec![chatbot]);
    assert!(status.body.contains("status-draft"), "{}", status.body);
    let nothing = web.get("/proposals?q=no-such-words").await;
    assert!(linked_proposals(&nothing.body).is_empty());
    assert!(
        nothing.body.contains("href=\"/proposals/new\""),
        "the empty state offers a new proposal"
    );
    // Empty fields of the form are no filter at all.
    let blank = web
        .get("/proposals?q=&tier=&status=&production=&vendor=&tool=")
        .await;
    assert_eq!(linked_proposals(&blank.body).len(), 3);

    // Another production's proposals cannot be asked for, even by its id.
    let other = web
        .get(&format!("/proposals?production={}", w.other_production))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(!other.body.contains("Environment previs"));

    // Its own members see it, and not ours.
    let outsider = w.app.sign_in(&w.outsider).await;
    let theirs = outsider.get("/proposals").await;
    assert_eq!(linked_proposals(&theirs.body), vec![elsewhere]);

    // The admin sees every production's; a representative is refused.
    let admin = w.app.sign_in(&w.app.admin).await;
    assert_eq!(
        linked_proposals(&admin.get("/proposals").await.body).len(),
        4
    );
    let representative = w.app.person(Role::Representative, "Remy Rep").await;
    let rep = w.app.sign_in(&representative).await;
    assert_eq!(rep.get("/proposals").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_search_is_paged_by_fifty_and_the_links_keep_the_filters() {
    let w = world().await;
    let files: Vec<Value> = (0..52)
        .map(|n| {
            json!({
                "name": format!("m{n}.yaml"),
                "source": example("moodboard").replace(
                    "title: Moodboard for the hospital set",
                    &format!("title: Moodboard number {n}"),
                ),
            })
        })
        .collect();
    let (status, body) = w
        .app
        .post(
            &w.partner,
            "/api/proposals/import",
            &json!({ "production_id": w.production, "files": files }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let web = w.app.sign_in(&w.partner).await;

    let first = web.get("/proposals?tier=notify").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(linked_proposals(&first.body).len(), 50);
    assert!(
        first
            .body
            .contains("rel=\"next\" href=\"/proposals?tier=notify&amp;page=2\""),
        "{}",
        first.body
    );
    assert!(!first.body.contains("rel=\"prev\""));
    let second = web.get("/proposals?tier=notify&page=2").await;
    assert_eq!(linked_proposals(&second.body).len(), 2);
    assert!(
        second
            .body
            .contains("rel=\"prev\" href=\"/proposals?tier=notify\"")
    );
    assert!(!second.body.contains("rel=\"next\""));
    let mut both = linked_proposals(&first.body);
    both.extend(linked_proposals(&second.body));
    both.sort_unstable();
    both.dedup();
    assert_eq!(both.len(), 52, "no proposal on two pages, none missing");
}

#[tokio::test]
async fn the_inbox_lists_the_reviewers_open_proposals_oldest_first() {
    let w = world().await;
    let poster = w
        .create(
            &w.partner,
            w.production,
            &example("background-poster"),
            true,
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let voice = w
        .create(&w.partner, w.production, &example("voice-replica"), true)
        .await;
    let moodboard = w
        .create(&w.partner, w.production, &example("moodboard"), true)
        .await;
    let draft = w
        .create(
            &w.partner,
            w.production,
            &example("background-poster"),
            false,
        )
        .await;
    let elsewhere = w
        .create(
            &w.outsider,
            w.other_production,
            &example("voice-replica"),
            true,
        )
        .await;
    let web = w.app.sign_in(&w.reviewer).await;

    let inbox = web.get("/inbox").await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert_eq!(
        linked_proposals(&inbox.body),
        vec![poster, voice],
        "open proposals only (not acknowledged, not drafts, not another production's), oldest first"
    );
    assert!(!inbox.body.contains(&format!("/proposals/{moodboard}\"")));
    assert!(!inbox.body.contains(&format!("/proposals/{draft}\"")));
    assert!(inbox.body.contains(&format!(
        "href=\"/proposals/{poster}\">Band poster in the diner"
    )));
    assert!(inbox.body.contains("data-age-days=\"0\""));

    let approval = web.get("/inbox?tier=approval").await;
    assert_eq!(linked_proposals(&approval.body), vec![poster, voice]);
    let blocked = web.get("/inbox?tier=blocked").await;
    assert!(linked_proposals(&blocked.body).is_empty());
    let old = web.get("/inbox?age=1").await;
    assert!(
        linked_proposals(&old.body).is_empty(),
        "nothing has waited a day"
    );
    let other = web
        .get(&format!("/inbox?production={}", w.other_production))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    // The other production's reviewer sees only theirs.
    let outside = w.app.sign_in(&w.outside_reviewer).await;
    assert_eq!(
        linked_proposals(&outside.get("/inbox").await.body),
        vec![elsewhere]
    );

    // Partners do not have an inbox.
    let partner = w.app.sign_in(&w.partner).await;
    let refused = partner.get("/inbox").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains("Band poster"));
}

#[tokio::test]
async fn consents_are_recorded_and_revoked_through_the_forms() {
    let w = world().await;
    let admin = w.app.sign_in(&w.app.admin).await;

    // A form with a problem is shown again with what was typed.
    let bad = admin
        .post(
            "/consents",
            &[
                ("id", "CR-2026-0001"),
                ("performer", "Lead actor"),
                ("grantor", "performer"),
                ("granted_by", "Lead actor"),
                ("production_id", &w.production.to_string()),
                ("uses", "voice_replica"),
                ("purpose", "Pickup lines for episode 8"),
                ("state", "signed"),
                ("evidence_sha256", "not-a-hash"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("not a SHA-256"), "{}", bad.body);
    assert!(bad.body.contains("value=\"Pickup lines for episode 8\""));
    assert!(bad.body.contains("value=\"voice_replica\" checked"));
    assert!(
        w.app
            .state
            .store
            .consent("CR-2026-0001")
            .await
            .expect("store")
            .is_none()
    );

    let hash = "ab".repeat(32);
    let added = admin
        .post(
            "/consents",
            &[
                ("id", "CR-2026-0001"),
                ("performer", "Lead actor"),
                ("grantor", "performer"),
                ("granted_by", "Lead actor"),
                ("production_id", &w.production.to_string()),
                ("uses", "voice_replica"),
                ("uses", "digital_replica"),
                ("media", "episodic streaming"),
                ("purpose", "Pickup lines for episode 8"),
                ("state", "signed"),
                ("granted_on", "2026-01-10"),
                ("expires_on", ""),
                ("evidence_sha256", &hash),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let stored = w
        .app
        .state
        .store
        .consent("CR-2026-0001")
        .await
        .expect("store")
        .expect("the consent is recorded");
    assert_eq!(stored.uses, vec!["voice_replica", "digital_replica"]);
    assert_eq!(stored.production_id, Some(w.production));
    assert_eq!(stored.evidence_sha256.as_deref(), Some(hash.as_str()));
    assert_eq!(stored.expires_on, None);

    // A proposal relying on it is listed with it.
    let voice = w
        .create(
            &w.partner,
            w.production,
            &voice_replica("CR-2026-0001"),
            true,
        )
        .await;
    let list = admin.get("/consents").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("CR-2026-0001"));
    assert!(
        list.body
            .contains(&format!("href=\"/proposals/{voice}\">Pickup lines"))
    );
    assert!(
        list.body
            .contains("action=\"/consents/CR-2026-0001/revoke\"")
    );
    assert!(list.body.contains("data-confirm="));

    // Without the CSRF token nothing changes.
    let forged = admin
        .post_raw(
            "/consents/CR-2026-0001/revoke",
            &[("reason", "forged request")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let unchanged = w
        .app
        .state
        .store
        .consent("CR-2026-0001")
        .await
        .expect("store")
        .expect("still there");
    assert!(unchanged.revoked_at.is_none());

    // A revocation needs its reason, and keeps nothing else from happening.
    let no_reason = admin
        .post("/consents/CR-2026-0001/revoke", &[("reason", " ")])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);

    let revoked = admin
        .post(
            "/consents/CR-2026-0001/revoke",
            &[("reason", "withdrawn by the performer")],
        )
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    let location = revoked.location.expect("back to the list");
    assert!(location.starts_with("/consents?"), "{location}");
    let after_page = admin.get(&location).await;
    assert!(
        after_page.body.contains("1 proposal changed"),
        "{}",
        after_page.body
    );
    assert!(after_page.body.contains("data-state=\"revoked\""));
    let after = w
        .app
        .state
        .store
        .consent("CR-2026-0001")
        .await
        .expect("store")
        .expect("still there");
    assert!(after.revoked_at.is_some());
    assert_eq!(
        after.revoked_reason.as_deref(),
        Some("withdrawn by the performer")
    );
    let proposal = w
        .app
        .state
        .store
        .proposal(voice)
        .await
        .expect("store")
        .expect("proposal");
    assert_eq!(
        proposal.tier.map(|tier| tier.as_str()),
        Some("blocked"),
        "re-evaluated without consent"
    );
}

#[tokio::test]
async fn a_representative_sees_and_revokes_only_their_performers_consents() {
    let w = world().await;
    let remy = w.app.person(Role::Representative, "Remy Rep").await;
    let rosa = w.app.person(Role::Representative, "Rosa Rep").await;
    let consent = |id: &str| json!({ "id": id, "performer": format!("Performer {id}"), "grantor": "performer", "granted_by": "Them", "purpose": "Pickups", "state": "signed" });
    let (status, body) = w
        .app
        .post(&remy, "/api/consents", &consent("CR-REMY"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = w
        .app
        .post(&rosa, "/api/consents", &consent("CR-ROSA"))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let web: WebSession = w.app.sign_in(&remy).await;
    let list = web.get("/consents").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("CR-REMY"));
    assert!(
        !list.body.contains("CR-ROSA"),
        "another representative's record"
    );
    assert!(!list.body.contains("Performer CR-ROSA"));

    // Recording through the form: the record is theirs.
    let added = web
        .post(
            "/consents",
            &[
                ("id", "CR-REMY-2"),
                ("performer", "Second performer"),
                ("grantor", "estate"),
                ("granted_by", "The estate"),
                ("purpose", "Archive voice"),
                ("state", "requested"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let stored = w
        .app
        .state
        .store
        .consent("CR-REMY-2")
        .await
        .expect("store")
        .expect("recorded");
    assert_eq!(stored.representative_id, Some(remy.id));
    assert_eq!(stored.state, "requested");

    // Another representative's record cannot be revoked (it is not even visible).
    let other = web
        .post("/consents/CR-ROSA/revoke", &[("reason", "not mine")])
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let rosa_record = w
        .app
        .state
        .store
        .consent("CR-ROSA")
        .await
        .expect("store")
        .expect("there");
    assert!(rosa_record.revoked_at.is_none());

    // A reviewer sees the consents page but no form to record one.
    let reviewer = w.app.sign_in(&w.reviewer).await;
    let page = reviewer.get("/consents").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("id=\"consent-form\""));
    assert!(!page.body.contains("CR-REMY"));
}

#[tokio::test]
async fn admins_register_tools_and_change_their_terms() {
    let w = world().await;
    let admin = w.app.sign_in(&w.app.admin).await;
    let added = admin
        .post(
            "/tools",
            &[
                ("id", "acme-voice"),
                ("name", "Acme Voice"),
                ("vendor", "Acme"),
                ("environment", "consumer"),
                ("trains_on_inputs", "unsure"),
                ("retention", "30 days"),
                ("terms_reviewed_on", "2026-01-05"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let tool = w
        .app
        .state
        .store
        .tool("acme-voice")
        .await
        .expect("store")
        .expect("registered");
    assert_eq!(tool.environment, "consumer");

    // A problem keeps the typed values.
    let bad = admin
        .post(
            "/tools",
            &[
                ("id", "bad tool"),
                ("name", "Typed name"),
                ("environment", "consumer"),
                ("trains_on_inputs", "no"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"Typed name\""));
    assert!(bad.body.contains("white space"), "{}", bad.body);

    let list = admin.get("/tools").await;
    assert!(list.body.contains("Acme Voice"));
    assert!(list.body.contains("action=\"/tools/acme-voice\""));
    let updated = admin
        .post(
            "/tools/acme-voice",
            &[
                ("revision", &tool.revision.to_string()),
                ("name", "Acme Voice"),
                ("vendor", "Acme"),
                ("environment", "enterprise_no_training"),
                ("trains_on_inputs", "no"),
                ("retention", "none"),
                ("terms_reviewed_on", "2026-02-01"),
            ],
        )
        .await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER, "{}", updated.body);
    let tool = w
        .app
        .state
        .store
        .tool("acme-voice")
        .await
        .expect("store")
        .expect("registered");
    assert_eq!(tool.environment, "enterprise_no_training");
    assert_eq!(tool.trains_on_inputs, "no");
    assert_eq!(tool.terms_reviewed_on.as_deref(), Some("2026-02-01"));

    // A stale revision is refused.
    let stale = admin
        .post(
            "/tools/acme-voice",
            &[
                ("revision", "1"),
                ("name", "Acme Voice"),
                ("environment", "consumer"),
                ("trains_on_inputs", "yes"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    // A proposal using it is listed with it.
    let source = example("moodboard").replace(
        "  environment: studio_enterprise\n  trains_on_inputs: 'no'\n",
        "  tool_id: acme-voice\n",
    );
    let id = w.create(&w.partner, w.production, &source, true).await;
    let partner = w.app.sign_in(&w.partner).await;
    let seen = partner.get("/tools").await;
    assert!(
        seen.body.contains(&format!("href=\"/proposals/{id}\"")),
        "{}",
        seen.body
    );
    assert!(
        !seen.body.contains("action=\"/tools"),
        "no forms for partners"
    );
    let outsider = w.app.sign_in(&w.outsider).await;
    let hidden = outsider.get("/tools").await;
    assert!(hidden.body.contains("Acme Voice"));
    assert!(!hidden.body.contains(&format!("href=\"/proposals/{id}\"")));

    // Only admins change tools.
    let refused = partner
        .post(
            "/tools",
            &[
                ("id", "x"),
                ("name", "X"),
                ("environment", "consumer"),
                ("trains_on_inputs", "no"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let no_csrf = admin
        .post_raw(
            "/tools/acme-voice",
            &[
                ("revision", &tool.revision.to_string()),
                ("name", "Hijacked"),
                ("environment", "consumer"),
                ("trains_on_inputs", "yes"),
            ],
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let tool = w
        .app
        .state
        .store
        .tool("acme-voice")
        .await
        .expect("store")
        .expect("registered");
    assert_eq!(tool.name, "Acme Voice");
}

#[tokio::test]
async fn rulebook_pages_anchor_every_clause_and_the_impact_page_is_for_admins() {
    let w = world().await;
    let reviewer = w.app.sign_in(&w.reviewer).await;
    let list = reviewer.get("/rulebooks").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("href=\"/rulebooks/netflix-genai-2025\""));
    let page = reviewer.get("/rulebooks/netflix-genai-2025").await;
    assert_eq!(page.status, StatusCode::OK);
    let rulebook = w
        .app
        .state
        .rulebooks_for(&["netflix-genai-2025".to_owned()])
        .expect("the reference rulebook")
        .pop()
        .expect("one");
    for clause in &rulebook.clauses {
        assert!(
            page.body.contains(&format!("id=\"clause-{}\"", clause.key)),
            "clause {} has its anchor",
            clause.key
        );
    }
    assert!(
        page.body
            .contains("The tools do not store, reuse or train on production data")
    );
    assert_eq!(
        reviewer.get("/rulebooks/no-such-book").await.status,
        StatusCode::NOT_FOUND
    );

    // The impact page: admins only.
    assert_eq!(
        reviewer
            .get("/rulebooks/netflix-genai-2025/impact")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let refused = reviewer
        .post(
            "/rulebooks/netflix-genai-2025/impact",
            &[("candidate", "id: x")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let voice = w
        .create(&w.partner, w.production, &example("voice-replica"), true)
        .await;
    let poster = w
        .create(
            &w.partner,
            w.production,
            &example("background-poster"),
            true,
        )
        .await;
    let admin = w.app.sign_in(&w.app.admin).await;
    let form = admin.get("/rulebooks/netflix-genai-2025/impact").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<textarea"));
    assert!(
        form.body.contains("id: netflix-genai-2025"),
        "prefilled with the version in force"
    );

    // A stricter candidate: a replica of real talent is blocked even with consent.
    let path = format!(
        "{}/../../rulebooks/netflix-genai-2025.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    let source = std::fs::read_to_string(&path).expect("the reference rulebook");
    let rule = "  - id: talent.digital-replica\n    tier: approval\n";
    assert!(source.contains(rule), "the reference rulebook changed");
    let candidate = source
        .replace("version: 1.1.0", "version: 1.2.0-strict")
        .replace(rule, "  - id: talent.digital-replica\n    tier: blocked\n");
    let shown = admin
        .post(
            "/rulebooks/netflix-genai-2025/impact",
            &[("candidate", &candidate)],
        )
        .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(
        shown.body.contains("id=\"impact-result\""),
        "{}",
        shown.body
    );
    assert_eq!(
        linked_proposals(&shown.body),
        vec![voice],
        "only the voice replica would change tier, not the poster ({poster})"
    );
    assert!(shown.body.contains("data-tier-then=\"blocked\""));
    assert!(shown.body.contains("1.2.0-strict"), "the text is kept");

    let broken = admin
        .post(
            "/rulebooks/netflix-genai-2025/impact",
            &[("candidate", "id: [unclosed")],
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.body.contains("id: [unclosed"), "the text is kept");
}

#[tokio::test]
async fn a_csv_import_creates_proposals_and_reports_the_bad_row() {
    let w = world().await;
    let web = w.app.sign_in(&w.partner).await;
    let form = web.get("/proposals/import").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("enctype=\"multipart/form-data\""));
    assert!(form.body.contains("Night Shift"));
    assert!(
        !form.body.contains("Day Shift"),
        "only the viewer's productions"
    );

    let csv = "title,stage,element,media,output.final,output.prominence,output.mistaken_for_real,output.human_input,inputs,tools,union_work_impact,vendor\n\
               Poster in the diner,production,poster,image,yes,incidental,no,yes,none,Studio image tool,no,Acme VFX\n\
               Sign on the wall,production,signage,image,maybe,incidental,no,yes,none,Studio image tool,no,\n\
               Moodboard for the set,ideation,moodboard,image;video,no,none,no,,none,Image generator;Upscaler,no,\n";
    let multipart = |csrf: Option<&str>| {
        let mut form = reqwest::multipart::Form::new()
            .text("production_id", w.production.to_string())
            .text("action", "submit")
            .part(
                "files",
                reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                    .file_name("sheet.csv")
                    .mime_str("text/csv")
                    .expect("mime"),
            );
        if let Some(csrf) = csrf {
            form = form.text("csrf", csrf.to_owned());
        }
        form
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let url = format!("{}/proposals/import", w.app.base);

    // Without the token nothing is imported.
    let forged = client
        .post(&url)
        .header("cookie", &web.cookie)
        .multipart(multipart(None))
        .send()
        .await
        .expect("answer");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let (_, found) = w.app.get(&w.partner, "/api/proposals").await;
    assert_eq!(found["proposals"].as_array().map_or(0, Vec::len), 0);

    let answer = client
        .post(&url)
        .header("cookie", &web.cookie)
        .multipart(multipart(Some(&web.csrf)))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), StatusCode::CREATED);
    let html = answer.text().await.expect("body");
    let (_, found) = w.app.get(&w.partner, "/api/proposals").await;
    let made: Vec<i64> = found["proposals"]
        .as_array()
        .map(|list| list.iter().filter_map(|p| p["id"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(made.len(), 2, "{found}");
    for id in &made {
        assert!(
            html.contains(&format!("href=\"/proposals/{id}\"")),
            "{html}"
        );
    }
    assert!(html.contains("2 imported, 1 not imported"), "{html}");
    assert!(html.contains("Row 2"), "{html}");
    assert!(
        html.contains("line 3, column 5, `output.final`"),
        "the problem is located in the sheet: {html}"
    );

    // A reviewer cannot import.
    let reviewer = w.app.sign_in(&w.reviewer).await;
    assert_eq!(
        reviewer.get("/proposals/import").await.status,
        StatusCode::FORBIDDEN
    );
}

/// The server time of a page, from its `Server-Timing` header, in milliseconds.
fn server_millis(page: &crate::support::Page) -> f64 {
    page.headers
        .get("server-timing")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split("dur=").nth(1))
        .and_then(|millis| millis.parse::<f64>().ok())
        .expect("a Server-Timing header")
}

#[tokio::test]
async fn the_lists_stay_fast_with_a_thousand_proposals() {
    let w = world().await;
    let files: Vec<Value> = (0..1000)
        .map(|n| {
            let source = if n % 2 == 0 {
                example("background-poster")
            } else {
                example("moodboard")
            };
            json!({
                "name": format!("f{n}.yaml"),
                "source": source.replacen("title: ", &format!("title: Item {n} "), 1),
            })
        })
        .collect();
    let (status, body) = w
        .app
        .post(
            &w.partner,
            "/api/proposals/import",
            &json!({ "production_id": w.production, "files": files }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let partner = w.app.sign_in(&w.partner).await;
    let reviewer = w.app.sign_in(&w.reviewer).await;
    let admin = w.app.sign_in(&w.app.admin).await;
    for (web, path) in [
        (&partner, "/proposals"),
        (&partner, "/proposals?q=item%2099&tier=approval"),
        (&partner, "/proposals?page=10"),
        (&reviewer, "/inbox"),
        (&reviewer, "/inbox?page=5&tier=approval"),
        (&admin, "/proposals"),
        (&admin, "/consents"),
        (&admin, "/tools"),
    ] {
        // The first request warms the connection pools; the second is measured.
        let _ = web.get(path).await;
        let page = web.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let millis = server_millis(&page);
        println!("{path}: {millis:.1} ms");
        // The target is 50 ms; a debug build on a busy shared machine gets some slack.
        assert!(millis < 100.0, "{path} took {millis} ms");
    }
}
