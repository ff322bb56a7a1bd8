//! Web sessions: signing in by token exchange, the cookie's attributes, CSRF on every form, the
//! security headers, signing out.

use clearance_store::model::Role;
use reqwest::StatusCode;

use crate::support::{TestApp, hidden_value};

#[tokio::test]
async fn a_page_without_a_session_sends_the_viewer_to_sign_in_and_back() {
    let app = TestApp::start().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let answer = client
        .get(format!("{}/account?tab=productions", app.base))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers()["location"],
        "/signin?next=%2Faccount%3Ftab%3Dproductions"
    );
}

#[tokio::test]
async fn signing_in_sets_a_strict_cookie_and_signing_out_ends_the_session() {
    let app = TestApp::start().await;
    let partner = app.person(Role::Partner, "Pat Partner").await;
    let web = app.sign_in(&partner).await;
    let page = web.get("/account").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Pat Partner"),
        "the page names the viewer"
    );
    let csp = page.headers["content-security-policy"]
        .to_str()
        .expect("csp");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.headers.contains_key("server-timing"));

    // The cookie as set: HttpOnly, SameSite=Lax, not Secure over plain HTTP…
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .expect("form");
    let signin_cookie = form.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(signin_cookie.contains("HttpOnly") && signin_cookie.contains("SameSite=Lax"));
    let value = signin_cookie
        .split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, v)| v.to_owned())
        .expect("value");
    let html = form.text().await.expect("html");
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    let answer = client
        .post(format!("{}/signin", app.base))
        .header("cookie", format!("clearance_signin={value}"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("token", partner.token.as_str()),
            ("csrf", &csrf),
            ("next", "//elsewhere.example/"),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers()["location"],
        "/",
        "never redirected off the site"
    );
    let session_cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("clearance_session="))
        .expect("session cookie")
        .to_owned();
    // … and Secure behind TLS.
    for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(
            session_cookie.contains(attribute),
            "{session_cookie} lacks {attribute}"
        );
    }

    // Signing out without the CSRF token is refused and the session lives on.
    let refused = web.post_raw("/signout", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(web.get("/account").await.status, StatusCode::OK);
    let out = web.post("/signout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location.as_deref(), Some("/signin"));
    let after = web.get("/account").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the ended session no longer works"
    );
    let actions: Vec<String> = app
        .state
        .store
        .audit_entries(0, 1000)
        .await
        .expect("entries")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.iter().any(|a| a == "session.started"));
    assert!(actions.iter().any(|a| a == "session.ended"));
}

#[tokio::test]
async fn a_wrong_token_or_a_missing_csrf_cookie_does_not_sign_in() {
    let app = TestApp::start().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let form = client
        .get(format!("{}/signin", app.base))
        .send()
        .await
        .expect("form");
    let cookie = form.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    let pair = cookie.split(';').next().expect("pair").to_owned();
    let csrf = hidden_value(&form.text().await.expect("html"), "csrf").expect("csrf");
    let wrong = client
        .post(format!("{}/signin", app.base))
        .header("cookie", &pair)
        .form(&[("token", "clr_not-a-token"), ("csrf", csrf.as_str())])
        .send()
        .await
        .expect("answer");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.expect("html").contains("not valid"));
    // The admin's real token, but the form came from elsewhere (no double-submit cookie).
    let forged = client
        .post(format!("{}/signin", app.base))
        .form(&[("token", app.admin.token.as_str()), ("csrf", csrf.as_str())])
        .send()
        .await
        .expect("answer");
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(forged.headers().get("set-cookie").is_none());
}
