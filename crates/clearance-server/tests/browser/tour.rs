//! Every main page, in a browser, over the demo production (`serve --demo`): each renders for
//! the person it is for, with the demo's data on it, and none is an error page. With
//! `CLEARANCE_SCREENSHOTS=DIR` this is also where the README's screenshots come from.

use clearance_server::config::Config;
use clearance_server::{app, demo};

use crate::browser::Driver;

/// The token of the demo person with this role.
fn token(summary: &demo::Summary, role: &str) -> String {
    summary
        .people
        .iter()
        .find(|(_, r, _)| r == role)
        .map(|(_, _, token)| token.clone())
        .unwrap_or_else(|| panic!("the demo has a {role}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver (installed by .ci/run)"]
async fn every_main_page_renders_with_the_demo_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let service = app::start(Config {
        data_dir: dir.path().to_path_buf(),
        ..Config::default()
    })
    .await
    .expect("the service starts");
    let summary = demo::seed(&service).await.expect("the demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let router = service.router.clone();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let production = service
        .state
        .store
        .productions(None)
        .await
        .expect("productions")
        .first()
        .map(|p| p.id)
        .expect("the demo production");
    let (blocked, _, _) = summary
        .proposals
        .iter()
        .find(|(_, title, _)| title.starts_with("Summarise episode 4"))
        .cloned()
        .unwrap_or_else(|| summary.proposals[0].clone());
    let driver = Driver::start().await;

    // (path, text that must be on it, screenshot name) for each person.
    let partner_pages = [
        (
            "/proposals".to_owned(),
            "Moodboard for the hospital set",
            "proposals",
        ),
        ("/proposals/new".to_owned(), "Triage", "new-proposal-form"),
        (
            format!("/proposals/{blocked}"),
            "Blocked",
            "proposal-blocked",
        ),
        (
            format!("/productions/{production}"),
            "Night Shift",
            "dashboard",
        ),
        (
            format!("/productions/{production}/disclosure"),
            "Approved",
            "disclosure",
        ),
        ("/tools".to_owned(), "Tools", "tools"),
    ];
    let reviewer_pages = [
        ("/inbox".to_owned(), "Band poster in the diner", "inbox"),
        (
            "/rulebooks/netflix-genai-2025".to_owned(),
            "Principle",
            "rulebook",
        ),
    ];
    let representative_pages = [("/consents".to_owned(), "Consent", "consents")];
    for (role, pages) in [
        ("partner", &partner_pages[..]),
        ("reviewer", &reviewer_pages[..]),
        ("representative", &representative_pages[..]),
    ] {
        let browser = driver.browser().await;
        // Tall enough that a screenshot shows a page's charts and tables, not only its top.
        browser
            .client
            .set_window_size(1280, 1700)
            .await
            .expect("window size");
        browser.sign_in(&base, &token(&summary, role)).await;
        for (path, expected, name) in pages {
            browser.goto(&format!("{base}{path}")).await;
            let text = browser.text().await;
            for error in [
                "Not found",
                "Something went wrong",
                "Not allowed",
                "Bad request",
            ] {
                assert!(!text.contains(error), "{role} on {path}: {error}\n{text}");
            }
            assert!(
                text.contains(expected),
                "{role} on {path}: no {expected:?} in\n{text}"
            );
            browser.screenshot(name).await;
        }
        browser.close().await;
    }
    server.abort();
}
