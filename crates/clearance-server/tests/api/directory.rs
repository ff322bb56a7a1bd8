//! The directory: `/api/me`, people, tokens, productions and members, webhooks (with signed,
//! retried deliveries) and notifications.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Uri};
use clearance_server::webhooks::{backoff, signature, verify_signature};
use clearance_store::model::{Capacity, NewNotification, Role};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestApp, User, assert_error, send};

const RULEBOOK: &str = "netflix-genai-2025";

/// Ids of a JSON array of objects.
fn ids(body: &Value) -> Vec<i64> {
    body.as_array()
        .unwrap_or_else(|| panic!("not an array: {body}"))
        .iter()
        .map(|item| {
            item["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("no id in {item}"))
        })
        .collect()
}

/// One error problem's path.
fn problem_paths(body: &Value) -> Vec<String> {
    body["error"]["problems"]
        .as_array()
        .map(|problems| {
            problems
                .iter()
                .map(|p| p["path"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn me_shows_the_caller_and_the_productions_they_take_part_in() {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rey Reviewer").await;
    let representative = app.person(Role::Representative, "Rita Rep").await;
    let ours = app
        .production(
            "Ours",
            &[
                (&partner, Capacity::Partner),
                (&reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    // A representative added as a partner by mistake is not a member.
    let other = app
        .production("Other", &[(&representative, Capacity::Partner)])
        .await;

    let (status, body) = app.get(&partner, "/api/me").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["person"]["id"], partner.id);
    assert_eq!(body["person"]["name"], "Pat Partner");
    assert_eq!(body["role"], "partner");
    assert!(body["token_id"].as_i64().is_some(), "{body}");
    assert_eq!(ids(&body["productions"]), vec![ours]);
    assert_eq!(body["productions"][0]["title"], "Ours");
    assert_eq!(body["productions"][0]["capacity"], "partner");

    let (_, body) = app.get(&reviewer, "/api/me").await;
    assert_eq!(body["role"], "reviewer");
    assert_eq!(body["productions"][0]["capacity"], "reviewer");
    assert_eq!(ids(&body["productions"]), vec![ours]);

    let (_, body) = app.get(&representative, "/api/me").await;
    assert_eq!(body["role"], "representative");
    assert_eq!(body["productions"], json!([]));

    let (status, body) = app.get(&app.admin, "/api/me").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["role"], "admin");
    let mut all = ids(&body["productions"]);
    all.sort_unstable();
    assert_eq!(all, vec![ours, other]);
    assert_eq!(body["productions"][0]["capacity"], Value::Null);

    let (status, body) = send(app.request(Method::GET, "", "/api/me")).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn admins_add_list_and_read_people() {
    let app = TestApp::start().await;
    let new = json!({"name": "  Nia Newcomer ", "email": "nia@studio.example", "role": "reviewer", "organisation": "Studio"});
    let (status, created) = app.post(&app.admin, "/api/people", &new).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["name"], "Nia Newcomer");
    assert_eq!(created["email"], "nia@studio.example");
    assert_eq!(created["role"], "reviewer");
    assert_eq!(created["organisation"], "Studio");
    let id = created["id"].as_i64().expect("id");

    let (status, list) = app.get(&app.admin, "/api/people").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        ids(&list).contains(&id) && ids(&list).contains(&app.admin.id),
        "{list}"
    );

    let (status, person) = app.get(&app.admin, &format!("/api/people/{id}")).await;
    assert_eq!((status, &person), (StatusCode::OK, &created));

    // Duplicate email.
    let again = json!({"name": "Someone Else", "email": "nia@studio.example", "role": "partner"});
    let (status, body) = app.post(&app.admin, "/api/people", &again).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("nia@studio.example"),
        "{body}"
    );

    // Bad fields are named.
    let (status, body) = app
        .post(
            &app.admin,
            "/api/people",
            &json!({"name": " ", "email": "not-an-email", "role": "partner"}),
        )
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&body), vec!["name", "email"]);
    // Not a role.
    let (status, body) = app
        .post(
            &app.admin,
            "/api/people",
            &json!({"name": "X", "email": "x@y.example", "role": "boss"}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");

    let (status, body) = app.get(&app.admin, "/api/people/999999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = app.get(&app.admin, "/api/people/abc").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
}

#[tokio::test]
async fn people_read_themselves_but_nobody_else() {
    let app = TestApp::start().await;
    for role in [Role::Reviewer, Role::Partner, Role::Representative] {
        let user = app.person(role, "Self Reader").await;
        let (status, body) = app.get(&user, &format!("/api/people/{}", user.id)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["id"], user.id);
        assert_eq!(body["role"], role.as_str());
        let (status, body) = app
            .get(&user, &format!("/api/people/{}", app.admin.id))
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
        assert!(body.get("name").is_none());
        // Whether the person exists is not disclosed either.
        let (status, body) = app.get(&user, "/api/people/999999").await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
        let (status, body) = app
            .get(&user, &format!("/api/people/{}/tokens", app.admin.id))
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
}

#[tokio::test]
async fn admin_only_endpoints_refuse_every_other_role() {
    let app = TestApp::start().await;
    let reviewer = app.person(Role::Reviewer, "Rey Reviewer").await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let representative = app.person(Role::Representative, "Rita Rep").await;
    // Members of the production, so even its own members cannot manage it.
    let production = app
        .production(
            "Managed",
            &[
                (&reviewer, Capacity::Reviewer),
                (&partner, Capacity::Partner),
            ],
        )
        .await;
    let (status, webhook) = app
        .post(
            &app.admin,
            "/api/webhooks",
            &json!({"url": "http://127.0.0.1:9/hook", "secret": "0123456789abcdef"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{webhook}");
    let webhook_id = webhook["id"].as_i64().expect("id");
    let people_before = app.get(&app.admin, "/api/people").await.1;

    for user in [&reviewer, &partner, &representative] {
        let calls: Vec<(Method, String, Value)> = vec![
            (
                Method::POST,
                "/api/people".to_owned(),
                json!({"name": "Sneaky", "email": "sneaky@x.example", "role": "admin"}),
            ),
            (Method::GET, "/api/people".to_owned(), Value::Null),
            (
                Method::POST,
                format!("/api/people/{}/tokens", user.id),
                json!({"label": "mine"}),
            ),
            (
                Method::POST,
                "/api/productions".to_owned(),
                json!({"title": "T", "studio": "S", "rulebooks": [RULEBOOK]}),
            ),
            (
                Method::PUT,
                format!(
                    "/api/productions/{production}/members/{}",
                    representative.id
                ),
                json!({"capacity": "partner"}),
            ),
            (
                Method::DELETE,
                format!("/api/productions/{production}/members/{}", reviewer.id),
                Value::Null,
            ),
            (
                Method::POST,
                "/api/webhooks".to_owned(),
                json!({"url": "http://127.0.0.1:9/x", "secret": "0123456789abcdef"}),
            ),
            (Method::GET, "/api/webhooks".to_owned(), Value::Null),
            (
                Method::DELETE,
                format!("/api/webhooks/{webhook_id}"),
                Value::Null,
            ),
        ];
        for (method, path, body) in calls {
            let mut request = app.request(method.clone(), &user.token, &path);
            if !body.is_null() {
                request = request.json(&body);
            }
            let (status, answer) = send(request).await;
            assert_error(status, &answer, StatusCode::FORBIDDEN, "forbidden");
            assert!(answer.get("id").is_none(), "{method} {path}: {answer}");
        }
    }
    // Nothing changed.
    assert_eq!(app.get(&app.admin, "/api/people").await.1, people_before);
    let (_, detail) = app
        .get(&app.admin, &format!("/api/productions/{production}"))
        .await;
    assert_eq!(
        detail["members"].as_array().map(Vec::len),
        Some(2),
        "{detail}"
    );
    let (_, hooks) = app.get(&app.admin, "/api/webhooks").await;
    assert_eq!(hooks, json!([webhook]));
    let (_, tokens) = app
        .get(&reviewer, &format!("/api/people/{}/tokens", reviewer.id))
        .await;
    assert_eq!(tokens.as_array().map(Vec::len), Some(1), "{tokens}");
}

#[tokio::test]
async fn tokens_are_shown_once_work_at_once_and_stop_at_once() {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let (status, created) = app
        .post(
            &app.admin,
            &format!("/api/people/{}/tokens", partner.id),
            &json!({"label": "CI uploader"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["token"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("clr_") && secret.len() > 40, "{secret}");
    assert_eq!(created["info"]["person_id"], partner.id);
    assert_eq!(created["info"]["label"], "CI uploader");
    assert_eq!(created["info"]["last_used_at"], Value::Null);
    assert_eq!(created["info"]["revoked_at"], Value::Null);
    let token_id = created["info"]["id"].as_i64().expect("id");

    // It works.
    let new = User {
        id: partner.id,
        token: secret.clone(),
    };
    let (status, me) = app.get(&new, "/api/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        (me["person"]["id"].as_i64(), me["token_id"].as_i64()),
        (Some(partner.id), Some(token_id))
    );

    // Listed by the admin and by the person themself, never with the secret; last use recorded.
    for viewer in [&app.admin, &partner] {
        let (status, list) = app
            .get(viewer, &format!("/api/people/{}/tokens", partner.id))
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let text = list.to_string();
        assert!(
            !text.contains(&secret) && !text.contains(&partner.token),
            "{text}"
        );
        assert_eq!(ids(&list).len(), 2, "{list}");
        let entry = list
            .as_array()
            .and_then(|all| all.iter().find(|t| t["id"] == token_id))
            .expect("listed")
            .clone();
        assert_eq!(entry["label"], "CI uploader");
        assert!(
            entry.get("token").is_none() && entry.get("secret").is_none(),
            "{entry}"
        );
        assert!(
            entry["last_used_at"]
                .as_i64()
                .is_some_and(|at| at >= created["info"]["created_at"].as_i64().unwrap_or(i64::MAX)),
            "{entry}"
        );
    }

    // Bad labels.
    let (status, body) = app
        .post(
            &app.admin,
            &format!("/api/people/{}/tokens", partner.id),
            &json!({"label": "  "}),
        )
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&body), vec!["label"]);
    let (status, body) = app
        .post(
            &app.admin,
            "/api/people/999999/tokens",
            &json!({"label": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // Someone else cannot revoke it, and does not learn that it exists.
    let reviewer = app.person(Role::Reviewer, "Rey Reviewer").await;
    let (status, body) = app
        .delete(&reviewer, &format!("/api/tokens/{token_id}"))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.get(&new, "/api/me").await.0, StatusCode::OK);

    // The owner revokes it (with another of their tokens); it stops working at once, although
    // it was just used (and cached).
    let (status, revoked) = app
        .delete(&partner, &format!("/api/tokens/{token_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert_eq!(revoked["id"], token_id);
    assert!(revoked["revoked_at"].as_i64().is_some(), "{revoked}");
    let (status, body) = app.get(&new, "/api/me").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    // The other token still works.
    assert_eq!(app.get(&partner, "/api/me").await.0, StatusCode::OK);

    let (status, body) = app
        .delete(&app.admin, &format!("/api/tokens/{token_id}"))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) = app.delete(&app.admin, "/api/tokens/999999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // An admin revokes someone's token, including the one the person is using right now.
    let (_, list) = app
        .get(&app.admin, &format!("/api/people/{}/tokens", reviewer.id))
        .await;
    let reviewer_token = ids(&list)[0];
    assert_eq!(app.get(&reviewer, "/api/me").await.0, StatusCode::OK);
    let (status, body) = app
        .delete(&app.admin, &format!("/api/tokens/{reviewer_token}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.get(&reviewer, "/api/me").await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    let (_, list) = app
        .get(&app.admin, &format!("/api/people/{}/tokens", reviewer.id))
        .await;
    assert!(list[0]["revoked_at"].as_i64().is_some(), "{list}");
}

#[tokio::test]
async fn admins_create_productions_with_active_rulebooks_only() {
    let app = TestApp::start().await;
    let (status, created) =
        app.post(&app.admin, "/api/productions", &json!({"title": "The Long Night", "studio": "Example Studio", "rulebooks": [RULEBOOK]})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["title"], "The Long Night");
    assert_eq!(created["studio"], "Example Studio");
    assert_eq!(created["rulebooks"], json!([RULEBOOK]));
    let id = created["id"].as_i64().expect("id");

    let (status, detail) = app.get(&app.admin, &format!("/api/productions/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(
        (detail["id"].as_i64(), &detail["title"], &detail["members"]),
        (Some(id), &created["title"], &json!([]))
    );

    let (status, body) = app
        .post(
            &app.admin,
            "/api/productions",
            &json!({"title": "X", "studio": "S", "rulebooks": [RULEBOOK, "no-such-rulebook"]}),
        )
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&body), vec!["rulebooks[1]"]);
    assert!(
        body["error"]["problems"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("no-such-rulebook"),
        "{body}"
    );
    assert!(
        body["error"]["problems"][0]["help"]
            .as_str()
            .unwrap_or_default()
            .contains(RULEBOOK),
        "{body}"
    );

    let (status, body) = app
        .post(
            &app.admin,
            "/api/productions",
            &json!({"title": "", "studio": "S", "rulebooks": []}),
        )
        .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(problem_paths(&body), vec!["title", "rulebooks"]);

    let (status, body) = app
        .post(&app.admin, "/api/productions", &json!({"title": "X"}))
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");

    // Nothing was created by the refused requests.
    let (_, list) = app.get(&app.admin, "/api/productions").await;
    assert_eq!(ids(&list), vec![id]);
}

#[tokio::test]
async fn productions_are_visible_to_their_members_only() {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rey Reviewer").await;
    let outsider_partner = app.person(Role::Partner, "Olly Outsider").await;
    let outsider_reviewer = app.person(Role::Reviewer, "Orla Outsider").await;
    let representative = app.person(Role::Representative, "Rita Rep").await;
    let ours = app
        .production(
            "Ours",
            &[
                (&partner, Capacity::Partner),
                (&reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    let theirs = app
        .production(
            "Theirs",
            &[
                (&outsider_partner, Capacity::Partner),
                (&outsider_reviewer, Capacity::Reviewer),
            ],
        )
        .await;

    let (status, list) = app.get(&app.admin, "/api/productions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&list), vec![ours, theirs]);

    for member in [&partner, &reviewer] {
        let (status, list) = app.get(member, "/api/productions").await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(ids(&list), vec![ours]);
        let (status, detail) = app.get(member, &format!("/api/productions/{ours}")).await;
        assert_eq!(status, StatusCode::OK, "{detail}");
        assert_eq!(detail["title"], "Ours");
        let mut members: Vec<(i64, String)> = detail["members"]
            .as_array()
            .expect("members")
            .iter()
            .map(|m| {
                (
                    m["person"]["id"].as_i64().expect("id"),
                    m["capacity"].as_str().expect("capacity").to_owned(),
                )
            })
            .collect();
        members.sort();
        let mut expected = vec![
            (partner.id, "partner".to_owned()),
            (reviewer.id, "reviewer".to_owned()),
        ];
        expected.sort();
        assert_eq!(members, expected);
        // Members of another production: 404, exactly as for a production that does not exist.
        let (status, body) = app.get(member, &format!("/api/productions/{theirs}")).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
        assert!(!body.to_string().contains("Theirs"), "{body}");
    }
    for outsider in [&outsider_partner, &outsider_reviewer, &representative] {
        let (status, body) = app.get(outsider, &format!("/api/productions/{ours}")).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
        let (_, list) = app.get(outsider, "/api/productions").await;
        assert!(!ids(&list).contains(&ours), "{list}");
    }
    let (status, body) = app.get(&representative, "/api/productions").await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    let (status, body) = app.get(&app.admin, "/api/productions/999999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn members_are_added_in_the_capacity_their_role_allows_and_removed() {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rey Reviewer").await;
    let representative = app.person(Role::Representative, "Rita Rep").await;
    let production = app.production("Cast", &[]).await;
    let member_path = |user: &User| format!("/api/productions/{production}/members/{}", user.id);

    assert_eq!(
        app.get(&partner, &format!("/api/productions/{production}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, member) = app
        .put(
            &app.admin,
            &member_path(&partner),
            &json!({"capacity": "partner"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{member}");
    assert_eq!(
        (
            member["production_id"].as_i64(),
            member["person"]["id"].as_i64(),
            &member["capacity"]
        ),
        (Some(production), Some(partner.id), &json!("partner"))
    );
    let (status, member) = app
        .put(
            &app.admin,
            &member_path(&reviewer),
            &json!({"capacity": "reviewer"}),
        )
        .await;
    assert_eq!(
        (status, &member["capacity"]),
        (StatusCode::OK, &json!("reviewer")),
        "{member}"
    );
    // Putting again is idempotent.
    let (status, _) = app
        .put(
            &app.admin,
            &member_path(&reviewer),
            &json!({"capacity": "reviewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Now they see it.
    let (status, detail) = app
        .get(&partner, &format!("/api/productions/{production}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["members"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        ids(&app.get(&reviewer, "/api/productions").await.1),
        vec![production]
    );

    // Capacity must fit the role.
    for (user, capacity) in [
        (&partner, "reviewer"),
        (&reviewer, "partner"),
        (&representative, "partner"),
        (&representative, "reviewer"),
        (&app.admin, "reviewer"),
    ] {
        let (status, body) = app
            .put(
                &app.admin,
                &member_path(user),
                &json!({"capacity": capacity}),
            )
            .await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(problem_paths(&body), vec!["capacity"]);
    }
    // The refused change left the membership as it was.
    let (_, detail) = app
        .get(&app.admin, &format!("/api/productions/{production}"))
        .await;
    let capacities: Vec<&Value> = detail["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| &m["capacity"])
        .collect();
    assert!(
        capacities.contains(&&json!("partner")) && capacities.contains(&&json!("reviewer")),
        "{detail}"
    );
    assert_eq!(detail["members"].as_array().map(Vec::len), Some(2));

    let (status, body) = app
        .put(
            &app.admin,
            &member_path(&partner),
            &json!({"capacity": "owner"}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, body) = app
        .put(
            &app.admin,
            &format!("/api/productions/{production}/members/999999"),
            &json!({"capacity": "partner"}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = app
        .put(
            &app.admin,
            &format!("/api/productions/999999/members/{}", partner.id),
            &json!({"capacity": "partner"}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    // Removal.
    let (status, body) = app.delete(&app.admin, &member_path(&partner)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = app
        .get(&partner, &format!("/api/productions/{production}"))
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.get(&partner, "/api/productions").await.1, json!([]));
    let (status, body) = app.delete(&app.admin, &member_path(&partner)).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (_, detail) = app
        .get(&app.admin, &format!("/api/productions/{production}"))
        .await;
    assert_eq!(detail["members"][0]["person"]["id"], reviewer.id);
    assert_eq!(detail["members"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn webhooks_are_registered_without_showing_their_secret_and_deactivated() {
    let app = TestApp::start().await;
    let production = app.production("Hooked", &[]).await;
    let secret = "s3cret-value-that-is-long";
    let (status, created) =
        app.post(&app.admin, "/api/webhooks", &json!({"url": "https://hooks.example/clearance", "secret": secret, "production_id": production})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["url"], "https://hooks.example/clearance");
    assert_eq!(created["production_id"], production);
    assert_eq!(created["active"], true);
    assert!(!created.to_string().contains(secret), "{created}");
    let id = created["id"].as_i64().expect("id");
    let (status, all) = app
        .post(
            &app.admin,
            "/api/webhooks",
            &json!({"url": "http://127.0.0.1:9/all", "secret": secret}),
        )
        .await;
    assert_eq!(
        (status, &all["production_id"]),
        (StatusCode::CREATED, &Value::Null),
        "{all}"
    );

    let (status, list) = app.get(&app.admin, "/api/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&list), vec![id, all["id"].as_i64().expect("id")]);
    assert!(!list.to_string().contains(secret), "{list}");

    let bad = [
        (
            json!({"url": "ftp://hooks.example/x", "secret": secret}),
            "url",
        ),
        (json!({"url": "not a url", "secret": secret}), "url"),
        (
            json!({"url": "https://hooks.example/x", "secret": "short-secret"}),
            "secret",
        ),
        (
            json!({"url": "https://hooks.example/x", "secret": secret, "production_id": 999_999}),
            "production_id",
        ),
    ];
    for (request, path) in bad {
        let (status, body) = app.post(&app.admin, "/api/webhooks", &request).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert_eq!(problem_paths(&body), vec![path], "{request}");
        assert!(
            !body.to_string().contains(secret) && !body.to_string().contains("short-secret"),
            "{body}"
        );
    }
    assert_eq!(
        app.get(&app.admin, "/api/webhooks")
            .await
            .1
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let (status, body) = app.delete(&app.admin, &format!("/api/webhooks/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["id"].as_i64(), &body["active"]),
        (Some(id), &json!(false))
    );
    let (_, list) = app.get(&app.admin, "/api/webhooks").await;
    assert_eq!(list[0]["active"], false);
    assert_eq!(list[1]["active"], true);
    let (status, body) = app.delete(&app.admin, &format!("/api/webhooks/{id}")).await;
    assert_error(status, &body, StatusCode::CONFLICT, "conflict");
    let (status, body) = app.delete(&app.admin, "/api/webhooks/999999").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn notifications_are_the_callers_own() {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let reviewer = app.person(Role::Reviewer, "Rey Reviewer").await;
    let representative = app.person(Role::Representative, "Rita Rep").await;
    let production = app
        .production(
            "Noted",
            &[
                (&partner, Capacity::Partner),
                (&reviewer, Capacity::Reviewer),
            ],
        )
        .await;
    let now = app.state.now();
    for (event, recipients) in [
        ("proposal.submitted", vec![reviewer.id]),
        ("review.decided", vec![partner.id]),
        ("comment.added", vec![partner.id, reviewer.id]),
    ] {
        let notification = NewNotification {
            event: event.to_owned(),
            production_id: Some(production),
            proposal_id: None,
            recipients,
            payload: json!({"event": event}).to_string(),
        };
        app.state
            .store
            .notify(notification, None, now)
            .await
            .expect("notify");
    }

    let events = |body: &Value| -> Vec<String> {
        let mut events: Vec<String> = body
            .as_array()
            .expect("array")
            .iter()
            .map(|n| n["event"].as_str().expect("event").to_owned())
            .collect();
        events.sort();
        events
    };
    let (status, body) = app.get(&partner, "/api/notifications").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(events(&body), vec!["comment.added", "review.decided"]);
    assert!(body.as_array().expect("array").iter().all(|n| {
        n["recipients"]
            .as_array()
            .is_some_and(|r| r.contains(&json!(partner.id)))
    }));
    let (_, body) = app.get(&reviewer, "/api/notifications").await;
    assert_eq!(events(&body), vec!["comment.added", "proposal.submitted"]);
    let (_, body) = app.get(&reviewer, "/api/notifications?limit=1").await;
    assert_eq!(body.as_array().map(Vec::len), Some(1));
    for nobody in [&representative, &app.admin] {
        let (status, body) = app.get(nobody, "/api/notifications").await;
        assert_eq!((status, body), (StatusCode::OK, json!([])));
    }
    let (status, body) = app.get(&partner, "/api/notifications?limit=many").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "bad_request");
    let (status, body) = send(app.request(Method::GET, "", "/api/notifications")).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[test]
fn signatures_verify_only_with_the_same_secret_timestamp_and_body() {
    let header = signature("0123456789abcdef", 1_767_225_600, b"{\"a\":1}");
    assert!(
        header.starts_with("sha256=") && header.len() == 7 + 64,
        "{header}"
    );
    assert!(verify_signature(
        "0123456789abcdef",
        1_767_225_600,
        b"{\"a\":1}",
        &header
    ));
    assert!(!verify_signature(
        "0123456789abcdeX",
        1_767_225_600,
        b"{\"a\":1}",
        &header
    ));
    assert!(!verify_signature(
        "0123456789abcdef",
        1_767_225_601,
        b"{\"a\":1}",
        &header
    ));
    assert!(!verify_signature(
        "0123456789abcdef",
        1_767_225_600,
        b"{\"a\":2}",
        &header
    ));
    assert!(!verify_signature(
        "0123456789abcdef",
        1_767_225_600,
        b"{\"a\":1}",
        "sha256=zz"
    ));
    // Computed independently (Python's `hmac.new(secret, b'1767225600.{"a":1}', sha256)`).
    assert_eq!(
        header,
        "sha256=539b0e21b535c5201ef7d1453c0a0de4ad132293226de9018be0cfbf0092faa6"
    );
    // The timestamp and the body are separated: moving a digit across the dot changes it.
    assert_ne!(signature("key", 1, b"0x"), signature("key", 10, b"x"));
}

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Call {
    path: String,
    headers: HeaderMap,
    body: Bytes,
}

/// A webhook receiver on 127.0.0.1:0 that answers 500 to the first request on each path and 200
/// afterwards (always 500 under `/broken`).
async fn receiver() -> (String, Arc<Mutex<Vec<Call>>>) {
    let calls: Arc<Mutex<Vec<Call>>> = Arc::default();
    let recorded = calls.clone();
    let router = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let recorded = recorded.clone();
        async move {
            let mut calls = recorded.lock().unwrap_or_else(PoisonError::into_inner);
            let path = uri.path().to_owned();
            let first = !calls.iter().any(|call| call.path == path);
            calls.push(Call {
                path,
                headers,
                body,
            });
            if first || uri.path().starts_with("/broken") {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|error| panic!("bind: {error}"));
    let address = listener
        .local_addr()
        .unwrap_or_else(|error| panic!("address: {error}"));
    let base = format!("http://{address}");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (base, calls)
}

fn calls_to(calls: &Arc<Mutex<Vec<Call>>>, path: &str) -> Vec<Call> {
    calls
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|call| call.path == path)
        .cloned()
        .collect()
}

fn header<'h>(call: &'h Call, name: &str) -> &'h str {
    call.headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[tokio::test]
async fn webhook_deliveries_are_signed_retried_and_marked_delivered() {
    let app = TestApp::start_with(|config| config.webhook_retry_ms = 50).await;
    let (base, calls) = receiver().await;
    let production = app.production("Hooked", &[]).await;
    let elsewhere = app.production("Elsewhere", &[]).await;
    let secret = "a-webhook-secret-of-some-length";
    let subscribe = |path: &str, production_id: i64| json!({"url": format!("{base}{path}"), "secret": secret, "production_id": production_id});
    let (status, hook) = app
        .post(&app.admin, "/api/webhooks", &subscribe("/hook", production))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let (status, _) = app
        .post(&app.admin, "/api/webhooks", &subscribe("/other", elsewhere))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, gone) = app
        .post(&app.admin, "/api/webhooks", &subscribe("/gone", production))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        app.delete(&app.admin, &format!("/api/webhooks/{}", gone["id"]))
            .await
            .0,
        StatusCode::OK
    );

    let payload = json!({"event": "proposal.submitted", "proposal": {"id": 7, "title": "Poster"}})
        .to_string();
    let notification = NewNotification {
        event: "proposal.submitted".to_owned(),
        production_id: Some(production),
        proposal_id: None,
        recipients: vec![app.admin.id],
        payload: payload.clone(),
    };
    let started = app.state.now();
    app.state
        .store
        .notify(notification, Some(app.admin.id), started)
        .await
        .expect("notify");
    app.state.deliveries.notify_one();

    // The first attempt gets a 500, the retry (about 50 ms later) a 200.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while calls_to(&calls, "/hook").len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no retry within 10 s: {:?}",
            calls.lock().expect("lock")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let hook_calls = calls_to(&calls, "/hook");
    for call in &hook_calls {
        assert_eq!(header(call, "content-type"), "application/json");
        assert_eq!(header(call, "x-clearance-event"), "proposal.submitted");
        assert_eq!(call.body, payload.as_bytes());
        let timestamp: i64 = header(call, "x-clearance-timestamp")
            .parse()
            .expect("unix seconds");
        assert!(
            (started / 1000 - 1..=started / 1000 + 15).contains(&timestamp),
            "{timestamp}"
        );
        let signed = header(call, "x-clearance-signature");
        assert!(
            verify_signature(secret, timestamp, &call.body, signed),
            "{signed}"
        );
        assert_eq!(signed, signature(secret, timestamp, &call.body));
        assert!(!verify_signature(
            "another-secret-entirely",
            timestamp,
            &call.body,
            signed
        ));
    }
    // Both attempts are the same delivery (receivers deduplicate on it).
    let delivery = header(&hook_calls[0], "x-clearance-delivery").to_owned();
    assert!(delivery.parse::<i64>().is_ok(), "{delivery}");
    assert_eq!(header(&hook_calls[1], "x-clearance-delivery"), delivery);

    // Delivered: nothing is due any more, not even long after, and no further attempt comes.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let due = app
            .state
            .store
            .due_deliveries(app.state.now() + 30 * 24 * 3_600_000, 100)
            .await
            .expect("due deliveries");
        if due.is_empty() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still due: {:?}",
            due.iter().map(|d| &d.delivery).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(calls_to(&calls, "/hook").len(), 2);
    // Other productions' webhooks and deactivated ones got nothing.
    assert!(
        calls_to(&calls, "/other").is_empty() && calls_to(&calls, "/gone").is_empty(),
        "{:?}",
        calls.lock().expect("lock")
    );
}

#[test]
fn retries_back_off_exponentially_up_to_an_hour() {
    assert_eq!(backoff(50, 1), 50);
    assert_eq!(backoff(50, 2), 100);
    assert_eq!(backoff(50, 5), 800);
    assert_eq!(backoff(1_000, 13), 3_600_000);
    assert_eq!(backoff(1_000, 1_000), 3_600_000);
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_is_given_up_after_the_last_attempt() {
    let app = TestApp::start_with(|config| {
        config.webhook_retry_ms = 20;
        config.webhook_max_attempts = 3;
    })
    .await;
    let (base, calls) = receiver().await;
    let secret = "a-webhook-secret-of-some-length";
    let (status, _) = app
        .post(
            &app.admin,
            "/api/webhooks",
            &json!({"url": format!("{base}/broken"), "secret": secret}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let notification = NewNotification {
        event: "comment.added".to_owned(),
        production_id: None,
        proposal_id: None,
        recipients: vec![],
        payload: json!({"event": "comment.added"}).to_string(),
    };
    app.state
        .store
        .notify(notification, None, app.state.now())
        .await
        .expect("notify");
    app.state.deliveries.notify_one();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while calls_to(&calls, "/broken").len() < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "3 attempts not made within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Given up: no fourth attempt, and nothing is due any more.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(calls_to(&calls, "/broken").len(), 3);
    let later = app.state.now() + 30 * 24 * 3_600_000;
    assert!(
        app.state
            .store
            .due_deliveries(later, 100)
            .await
            .expect("due")
            .is_empty()
    );
}

#[tokio::test]
async fn the_openapi_document_lists_the_directory() {
    let app = TestApp::start().await;
    let (status, document) = send(app.request(Method::GET, "", "/api/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    let paths = &document["paths"];
    for (path, methods) in [
        ("/api/me", &["get"][..]),
        ("/api/people", &["get", "post"]),
        ("/api/people/{id}", &["get"]),
        ("/api/people/{id}/tokens", &["get", "post"]),
        ("/api/tokens/{id}", &["delete"]),
        ("/api/productions", &["get", "post"]),
        ("/api/productions/{id}", &["get"]),
        (
            "/api/productions/{id}/members/{person_id}",
            &["put", "delete"],
        ),
        ("/api/webhooks", &["get", "post"]),
        ("/api/webhooks/{id}", &["delete"]),
        ("/api/notifications", &["get"]),
    ] {
        for method in methods {
            assert!(paths[path][method].is_object(), "{method} {path} missing");
        }
    }
    // The webhook request documents its secret, the answers never carry one.
    let schemas = &document["components"]["schemas"];
    assert!(
        schemas["NewWebhookRequest"]["properties"]["secret"].is_object(),
        "{}",
        schemas["NewWebhookRequest"]
    );
    assert!(schemas["Webhook"]["properties"].get("secret").is_none());
    assert!(schemas["TokenInfo"]["properties"].get("secret").is_none());
}
