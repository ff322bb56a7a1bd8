//! The proposal page: what it shows (tier banner, findings with their clauses, what to do), the
//! reviewers' decision form (conditions, problems with the typed values kept, 403 for a partner
//! and without CSRF), comments and attachments, cloning, versions and diffs, the audit trail's
//! inclusion proofs, and 404 for anyone outside the production.

use clearance_audit::{Hash, SignedCheckpoint, VerifyingKey};
use clearance_store::model::{AuditEntry, Capacity, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{TestApp, User, WebSession, example, hidden_value};

const TITLE: &str = "Band poster in the diner, episode 2";

struct World {
    app: TestApp,
    partner: User,
    reviewer: User,
    production: i64,
}

impl World {
    async fn new() -> World {
        let app = TestApp::start().await;
        let partner = app.person(Role::Partner, "Pat Partner").await;
        let reviewer = app.person(Role::Reviewer, "Rita Reviewer").await;
        let production = app
            .production(
                "Night Shift",
                &[
                    (&partner, Capacity::Partner),
                    (&reviewer, Capacity::Reviewer),
                ],
            )
            .await;
        World {
            app,
            partner,
            reviewer,
            production,
        }
    }

    /// The background poster, by the partner (submitted: in review; or a draft).
    async fn poster(&self, submit: bool) -> i64 {
        let (status, body) = self
            .app
            .post(
                &self.partner,
                "/api/proposals",
                &json!({ "production_id": self.production, "intake": example("background-poster"), "submit": submit }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["proposal"]["id"].as_i64().expect("id")
    }

    async fn api(&self, id: i64) -> Value {
        let (status, body) = self
            .app
            .get(&self.app.admin, &format!("/api/proposals/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Someone who is a partner of another production only.
    async fn outsider(&self) -> User {
        let outsider = self.app.person(Role::Partner, "Olive Outsider").await;
        self.app
            .production("Other Show", &[(&outsider, Capacity::Partner)])
            .await;
        outsider
    }
}

/// The text between `start` and the end of the element that begins there (rough, for asserts).
fn section<'a>(html: &'a str, start: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` is not on the page"));
    let rest = &html[from..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    &rest[..end]
}

/// Every `href="…"` on the page that starts with `prefix`.
fn links(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!("href=\"{prefix}");
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(&marker) {
        let start = at + "href=\"".len();
        let end = rest[start..].find('"').expect("closing quote") + start;
        found.push(rest[start..end].replace("&amp;", "&"));
        rest = &rest[end..];
    }
    found
}

#[tokio::test]
async fn the_page_shows_the_tier_the_findings_with_their_clauses_and_what_to_do() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let web = w.app.sign_in(&w.partner).await;
    let page = web.get(&format!("/proposals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert!(html.contains(TITLE), "the title is shown");
    assert!(html.contains(&format!("href=\"/productions/{}\"", w.production)));
    assert!(html.contains("data-status=\"in_review\""), "{html}");
    let banner = section(html, "class=\"banner tier-approval\"");
    assert!(banner.contains("data-tier=\"approval\""), "{banner}");
    assert!(banner.contains("written approval needed"), "{banner}");
    // A finding cites the final-deliverables clause, linked to the rulebook page.
    assert!(
        html.contains(
            "href=\"/rulebooks/netflix-genai-2025#clause-netflix:intro/final-deliverables\""
        ),
        "{html}"
    );
    // The actions, as a checklist.
    let actions = section(html, "id=\"actions-to-take\"");
    assert!(actions.contains("class=\"checklist\""), "{actions}");
    assert!(actions.contains("obtain_written_approval"), "{actions}");
    assert!(actions.contains("share_with_contact"), "{actions}");
    // The answers, in words, with the source text beside them.
    let answers = section(html, "id=\"answers\"");
    assert!(
        answers.contains("<dt>Part of the final deliverables?</dt><dd>Yes</dd>"),
        "{answers}"
    );
    assert!(answers.contains("<details"), "{answers}");
    // The version history, and the audit trail with a proof per entry.
    assert!(html.contains(&format!("href=\"/proposals/{id}/versions/1\"")));
    assert!(
        !links(html, &format!("/proposals/{id}/audit/")).is_empty(),
        "the audit trail links to proofs"
    );
    // A partner writes: Edit, Withdraw (with a question first) and Clone; never decides.
    assert!(html.contains(&format!("href=\"/proposals/{id}/edit\"")));
    assert!(html.contains(&format!("action=\"/proposals/{id}/withdraw\"")));
    assert!(html.contains("data-confirm="));
    assert!(html.contains(&format!("action=\"/proposals/{id}/clone\"")));
    assert!(
        !html.contains(&format!("action=\"/proposals/{id}/submit\"")),
        "only a draft is submitted"
    );
    assert!(!html.contains("decision-form"), "partners do not decide");
}

#[tokio::test]
async fn a_reviewer_approves_with_conditions_through_the_form() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let web = w.app.sign_in(&w.reviewer).await;
    let page = web.get(&format!("/proposals/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("<form id=\"decision-form\""),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&format!("/proposals/{id}/edit")),
        "reviewers do not edit"
    );
    let revision = hidden_value(&page.body, "revision").expect("the form carries the revision");
    let answer = web
        .post(
            &format!("/proposals/{id}/decision"),
            &[
                ("decision", "approve"),
                ("note", "Fine as a background prop."),
                (
                    "conditions",
                    "Credit the poster's designer\r\nKeep it out of the key art\r\n",
                ),
                ("expires_on", "2099-12-31"),
                ("scope", "Episode 2 only"),
                ("revision", revision.as_str()),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(
        answer.location.as_deref(),
        Some(format!("/proposals/{id}#decisions").as_str())
    );

    let body = w.api(id).await;
    assert_eq!(body["proposal"]["status"], "approved", "{body}");
    let review = &body["reviews"][0];
    assert_eq!(review["decision"], "approve");
    assert_eq!(review["reviewer_id"], w.reviewer.id);
    assert_eq!(
        review["conditions"],
        json!(["Credit the poster's designer", "Keep it out of the key art"])
    );
    assert_eq!(review["scope"], "Episode 2 only");
    // The end of 2099-12-31, UTC.
    assert_eq!(review["expires_at"], 4_102_444_799_999_i64);
    assert_eq!(body["approval"]["covered"], true, "{body}");

    let page = web.get(&format!("/proposals/{id}")).await;
    let conditions = section(&page.body, "class=\"conditions\"");
    assert!(
        conditions.contains("Credit the poster&#39;s designer")
            || conditions.contains("Credit the poster's designer"),
        "{conditions}"
    );
    assert!(
        conditions.contains("Keep it out of the key art"),
        "{conditions}"
    );
    assert!(page.body.contains("data-status=\"approved\""));
    assert!(
        page.body
            .contains("This approval covers the current version.")
    );
    assert!(page.body.contains("Rita Reviewer"), "the reviewer is named");
    assert!(
        !page.body.contains("decision-form"),
        "nothing is left to decide once approved"
    );
}

#[tokio::test]
async fn a_decision_with_problems_comes_back_with_what_was_typed() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let web = w.app.sign_in(&w.reviewer).await;
    let page = web.get(&format!("/proposals/{id}")).await;
    let revision = hidden_value(&page.body, "revision").expect("revision");

    // No note: 422, the choice, the conditions and the scope kept, the problem by the note.
    let answer = web
        .post(
            &format!("/proposals/{id}/decision"),
            &[
                ("decision", "approve"),
                ("note", "   "),
                ("conditions", "Keep it small"),
                ("scope", "Episode 2"),
                ("expires_on", ""),
                ("revision", revision.as_str()),
            ],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    let form = section(&answer.body, "<form id=\"decision-form\"");
    assert!(form.contains("id=\"note-error\""), "{form}");
    assert!(form.contains(">Keep it small</textarea>"), "{form}");
    assert!(form.contains("value=\"Episode 2\""), "{form}");
    assert!(
        form.contains("value=\"approve\" required checked"),
        "the choice is kept: {form}"
    );
    let body = w.api(id).await;
    assert_eq!(body["proposal"]["status"], "in_review");
    assert_eq!(body["reviews"], json!([]));

    // Conditions on a refusal: the API's own problem, next to the conditions.
    let answer = web
        .post(
            &format!("/proposals/{id}/decision"),
            &[
                ("decision", "refuse"),
                ("note", "Not for this show."),
                ("conditions", "Something"),
                ("revision", revision.as_str()),
            ],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.body.contains("id=\"conditions-error\""),
        "{}",
        answer.body
    );
    assert!(answer.body.contains(">Not for this show.</textarea>"));

    // A stale revision: 409, the note kept.
    let stale = (revision.parse::<i64>().expect("number") + 7).to_string();
    let answer = web
        .post(
            &format!("/proposals/{id}/decision"),
            &[
                ("decision", "request_changes"),
                ("note", "Please say which episodes."),
                ("revision", stale.as_str()),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
    assert!(
        answer.body.contains("changed since you read it"),
        "{}",
        answer.body
    );
    assert!(
        answer
            .body
            .contains(">Please say which episodes.</textarea>")
    );
    assert_eq!(w.api(id).await["reviews"], json!([]));
}

#[tokio::test]
async fn partners_and_forms_without_the_token_cannot_decide() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let before = w.api(id).await["proposal"].clone();
    let revision = before["revision"].to_string();
    let fields = [
        ("decision", "approve"),
        ("note", "I approve my own proposal"),
        ("revision", revision.as_str()),
    ];

    let partner = w.app.sign_in(&w.partner).await;
    let answer = partner
        .post(&format!("/proposals/{id}/decision"), &fields)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    // Even with a problem in the form, a partner gets the API's 403, not the form back.
    let answer = partner
        .post(
            &format!("/proposals/{id}/decision"),
            &[
                ("decision", "approve"),
                ("note", ""),
                ("revision", revision.as_str()),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);

    let reviewer = w.app.sign_in(&w.reviewer).await;
    let answer = reviewer
        .post_raw(&format!("/proposals/{id}/decision"), &fields)
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);

    let after = w.api(id).await;
    assert_eq!(after["proposal"], before, "nothing changed");
    assert_eq!(after["reviews"], json!([]));
}

#[tokio::test]
async fn a_partner_of_another_production_gets_404_everywhere() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let partner = w.app.sign_in(&w.partner).await;
    let page = partner.get(&format!("/proposals/{id}")).await;
    let proof = links(&page.body, &format!("/proposals/{id}/audit/"))
        .into_iter()
        .next()
        .expect("a proof link");
    assert_eq!(partner.get(&proof).await.status, StatusCode::OK);

    let outsider = w.outsider().await;
    let web = w.app.sign_in(&outsider).await;
    for path in [
        format!("/proposals/{id}"),
        proof,
        format!("/proposals/{id}/versions/1"),
        format!("/proposals/{id}/diff?from=1&to=1"),
    ] {
        let page = web.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}: {}", page.body);
        assert!(!page.body.contains(TITLE), "{path} shows nothing of it");
    }
    let answer = web
        .post(&format!("/proposals/{id}/comments"), &[("body", "hello")])
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = web.post(&format!("/proposals/{id}/clone"), &[]).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_audit_trail_proofs_verify_and_only_cover_this_proposal() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let other = w.poster(true).await;
    let web = w.app.sign_in(&w.partner).await;
    let page = web.get(&format!("/proposals/{id}")).await;
    let proofs = links(&page.body, &format!("/proposals/{id}/audit/"));
    assert_eq!(
        proofs.len(),
        1,
        "one entry so far (created and submitted): {proofs:?}"
    );

    let (status, key) = w.app.get(&w.partner, "/api/audit/key").await;
    assert_eq!(status, StatusCode::OK);
    let key = VerifyingKey::from_hex(key["public_key"].as_str().expect("key")).expect("key");
    let answer = web.get(&proofs[0]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        answer.headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/json")
    );
    let proof: Value = serde_json::from_str(&answer.body).expect("JSON");
    let entry: AuditEntry = serde_json::from_value(proof["entry"].clone()).expect("entry");
    assert_eq!(entry.subject, format!("proposal/{id}"));
    let signed: SignedCheckpoint =
        serde_json::from_value(proof["checkpoint"].clone()).expect("checkpoint");
    key.verify(&signed).expect("signed by the published key");
    let path: Vec<Hash> = proof["proof"]
        .as_array()
        .expect("path")
        .iter()
        .map(|hex| {
            let bytes = hex::decode(hex.as_str().expect("hex")).expect("hex");
            bytes.try_into().expect("32 bytes")
        })
        .collect();
    clearance_audit::verify_inclusion(
        &clearance_audit::leaf_hash(&entry.leaf_bytes()),
        u64::try_from(entry.index).expect("index"),
        signed.checkpoint.size,
        &path,
        &signed.checkpoint.root,
    )
    .expect("the entry is in the signed tree");
    // The same JSON as the API's proof.
    let (status, api) = w
        .app
        .get(
            &w.partner,
            &format!("/api/audit/entries/{}/proof", entry.index),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(api["entry"], proof["entry"]);
    assert_eq!(api["proof"], proof["proof"]);

    // An entry about another proposal is not this proposal's: 404 here.
    let other_page = web.get(&format!("/proposals/{other}")).await;
    let other_proof = links(&other_page.body, &format!("/proposals/{other}/audit/"))
        .into_iter()
        .next()
        .expect("proof link");
    let index = other_proof
        .split('/')
        .nth(4)
        .expect("the index in the link")
        .to_owned();
    let answer = web
        .get(&format!("/proposals/{id}/audit/{index}/proof.json"))
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);

    // Later changes join the trail: a comment and a withdrawal.
    let revision = hidden_value(&page.body, "revision").expect("revision");
    web.post(
        &format!("/proposals/{id}/comments"),
        &[("body", "Adding the artist's name")],
    )
    .await;
    let answer = web
        .post(
            &format!("/proposals/{id}/withdraw"),
            &[("revision", revision.as_str())],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let page = web.get(&format!("/proposals/{id}")).await;
    let trail = section(&page.body, "id=\"audit\"");
    assert_eq!(
        links(trail, &format!("/proposals/{id}/audit/")).len(),
        3,
        "{trail}"
    );
    assert!(
        trail.contains("comment.added") && trail.contains("proposal.withdrawn"),
        "{trail}"
    );
    assert!(page.body.contains("data-status=\"withdrawn\""));
}

/// Posts a file as a browser would (multipart), with or without the session's token.
async fn upload(
    w: &World,
    web: &WebSession,
    id: i64,
    name: &str,
    bytes: &[u8],
    csrf: Option<&str>,
) -> (StatusCode, Option<String>) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut form = reqwest::multipart::Form::new();
    if let Some(csrf) = csrf {
        form = form.text("csrf", csrf.to_owned());
    }
    let part = reqwest::multipart::Part::bytes(bytes.to_vec())
        .file_name(name.to_owned())
        .mime_str("text/plain")
        .expect("mime");
    form = form.part("file", part);
    let answer = client
        .post(format!("{}/proposals/{id}/attachments", w.app.base))
        .header("cookie", &web.cookie)
        .multipart(form)
        .send()
        .await
        .expect("answer");
    let location = answer
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    (answer.status(), location)
}

#[tokio::test]
async fn comments_and_attachments_round_trip() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let web = w.app.sign_in(&w.partner).await;

    let answer = web
        .post(
            &format!("/proposals/{id}/comments"),
            &[("body", "The band is fictional <b>on purpose</b>.")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    // An empty comment comes back as a problem.
    let answer = web
        .post(&format!("/proposals/{id}/comments"), &[("body", "  ")])
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("id=\"comment-error\""));

    let bytes = b"poster sketch notes\nline two\n";
    let (status, _) = upload(&w, &web, id, "notes.txt", bytes, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no token, nothing stored");
    let (status, location) = upload(&w, &web, id, "notes.txt", bytes, Some(&web.csrf)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(format!("/proposals/{id}#attachments").as_str())
    );

    let reviewer = w.app.sign_in(&w.reviewer).await;
    let page = reviewer.get(&format!("/proposals/{id}")).await;
    assert!(
        page.body
            .contains("The band is fictional &lt;b&gt;on purpose&lt;/b&gt;."),
        "the comment is shown, escaped"
    );
    assert!(page.body.contains("Pat Partner"));
    let files = section(&page.body, "id=\"attachments\"");
    let sha256 = clearance_server::triage::sha256_hex(bytes);
    assert!(files.contains(&sha256), "the SHA-256 of the bytes: {files}");
    assert!(files.contains("notes.txt"));
    assert_eq!(
        files.matches("<tr>").count(),
        2,
        "one file (and the header): {files}"
    );
    let href = links(files, &format!("/proposals/{id}/attachments/"))
        .into_iter()
        .next()
        .expect("a download link");
    let download = reviewer.get(&href).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.body.as_bytes(), bytes);
    assert!(
        download.headers["content-disposition"]
            .to_str()
            .expect("disposition")
            .starts_with("attachment; filename=\"notes.txt\"")
    );
    assert!(
        download.headers["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/plain")
    );
    assert_eq!(download.headers["x-content-type-options"], "nosniff");

    // An attachment is reached only through its own proposal.
    let other = w.poster(true).await;
    let attachment_id = href.rsplit('/').next().expect("id");
    let wrong = reviewer
        .get(&format!("/proposals/{other}/attachments/{attachment_id}"))
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cloning_makes_a_new_draft_and_a_draft_is_submitted_from_its_page() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let web = w.app.sign_in(&w.partner).await;
    let answer = web.post(&format!("/proposals/{id}/clone"), &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.location.expect("a redirect");
    let copy: i64 = location
        .strip_prefix("/proposals/")
        .and_then(|rest| rest.parse().ok())
        .expect("the new proposal's page");
    assert_ne!(copy, id);
    let body = w.api(copy).await;
    assert_eq!(body["proposal"]["status"], "draft");
    assert_eq!(body["proposal"]["title"], TITLE);

    let page = web.get(&location).await;
    assert!(page.body.contains("data-status=\"draft\""));
    assert!(
        page.body
            .contains(&format!("action=\"/proposals/{copy}/submit\""))
    );
    let revision = hidden_value(&page.body, "revision").expect("revision");
    let answer = web
        .post(
            &format!("/proposals/{copy}/submit"),
            &[("revision", revision.as_str())],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(w.api(copy).await["proposal"]["status"], "in_review");
    // Submitting again is illegal: the page says why (409).
    let answer = web
        .post(
            &format!("/proposals/{copy}/submit"),
            &[("revision", revision.as_str())],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);

    // A reviewer cannot clone (only partners write proposals).
    let reviewer = w.app.sign_in(&w.reviewer).await;
    let page = reviewer.get(&format!("/proposals/{id}")).await;
    assert!(
        !page
            .body
            .contains(&format!("action=\"/proposals/{id}/clone\""))
    );
    let answer = reviewer.post(&format!("/proposals/{id}/clone"), &[]).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn versions_and_their_differences_have_pages() {
    let w = World::new().await;
    let id = w.poster(true).await;
    let revision = w.api(id).await["proposal"]["revision"].clone();
    let edited = example("background-poster").replace(
        "title: Band poster in the diner, episode 2",
        "title: Band poster in the diner, episodes 2 and 3",
    );
    let (status, body) = w
        .app
        .put(
            &w.partner,
            &format!("/api/proposals/{id}"),
            &json!({ "intake": edited, "revision": revision }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let web = w.app.sign_in(&w.reviewer).await;
    let page = web.get(&format!("/proposals/{id}")).await;
    assert!(
        page.body
            .contains(&format!("href=\"/proposals/{id}/diff?from=1&amp;to=2\"")),
        "{}",
        page.body
    );
    let diff = web.get(&format!("/proposals/{id}/diff?from=1&to=2")).await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.body);
    assert!(
        diff.body
            .contains("<span class=\"del\">-title: Band poster in the diner, episode 2</span>"),
        "{}",
        diff.body
    );
    assert!(
        diff.body.contains(
            "<span class=\"add\">+title: Band poster in the diner, episodes 2 and 3</span>"
        )
    );
    let old = web.get(&format!("/proposals/{id}/versions/1")).await;
    assert_eq!(old.status, StatusCode::OK);
    assert!(old.body.contains("data-tier=\"approval\""));
    assert!(
        old.body.contains("episode 2</dd>"),
        "the first version's answers"
    );
    let missing = web.get(&format!("/proposals/{id}/versions/9")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = web.get(&format!("/proposals/{id}/diff?from=x")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_blocked_version_cannot_be_approved_but_changes_can_be_requested() {
    let w = World::new().await;
    let (status, body) = w
        .app
        .post(
            &w.partner,
            "/api/proposals",
            &json!({ "production_id": w.production, "intake": example("script-into-chatbot") }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["proposal"]["id"].as_i64().expect("id");
    let web = w.app.sign_in(&w.reviewer).await;
    let page = web.get(&format!("/proposals/{id}")).await;
    assert!(page.body.contains("data-tier=\"blocked\""), "{}", page.body);
    let revision = hidden_value(&page.body, "revision").expect("revision");

    let answer = web
        .post(
            &format!("/proposals/{id}/decision"),
            &[
                ("decision", "approve"),
                ("note", "Looks harmless to me."),
                ("revision", revision.as_str()),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
    assert!(
        answer.body.contains("this version is blocked"),
        "{}",
        answer.body
    );
    assert!(answer.body.contains(">Looks harmless to me.</textarea>"));
    assert_eq!(w.api(id).await["proposal"]["status"], "in_review");

    let answer = web
        .post(
            &format!("/proposals/{id}/decision"),
            &[
                ("decision", "request_changes"),
                ("note", "Use the enterprise tool instead."),
                ("revision", revision.as_str()),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let body = w.api(id).await;
    assert_eq!(body["proposal"]["status"], "changes_requested");
    assert_eq!(
        body["reviews"][0]["note"],
        "Use the enterprise tool instead."
    );
}
