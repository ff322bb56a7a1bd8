//! The process end to end in a real browser: a producer declares a use and watches the live
//! triage, a reviewer approves it in writing from the inbox, and the producer, the dashboard and
//! the disclosure report show the approval; and the refusals: another production's partner, a
//! form without its CSRF token.

use std::time::{Duration, Instant};

use clearance_store::model::{Capacity, Role};

use crate::browser::{Browser, Driver, WAIT};
use crate::support::TestApp;

/// Answers the new-proposal form with the moodboard of `examples/moodboard.yaml`.
async fn answer_moodboard(producer: &Browser, production: i64) {
    producer
        .fill("input[name=title]", "Moodboard for the hospital set")
        .await;
    producer
        .select("select[name=production_id]", &production.to_string())
        .await;
    producer.select("select[name=stage]", "ideation").await;
    producer.select("select[name=element]", "moodboard").await;
    for css in [
        "input[name=media][value=image]",
        "input[name='output.final'][value=no]",
        "input[name='output.mistaken_for_real'][value=no]",
        "input[name=inputs][value=none]",
        "input[name='training.trains_model'][value=no]",
        "input[name=union_work_impact][value=no]",
    ] {
        producer.click(css).await;
    }
    if producer.has("select[name='output.prominence']").await {
        producer
            .select("select[name='output.prominence']", "none")
            .await;
    } else {
        producer
            .click("input[name='output.prominence'][value=none]")
            .await;
    }
    producer
        .fill(
            "input[name='tools[0].name']",
            "Studio enterprise image tool",
        )
        .await;
    producer
        .select("select[name='tools[0].environment']", "studio_enterprise")
        .await;
    producer
        .click("input[name='tools[0].trains_on_inputs'][value=no]")
        .await;
}

/// Waits until the live triage panel shows `tier`.
async fn panel_shows(producer: &Browser, tier: &str) {
    producer
        .wait_for(&format!("#triage [data-tier={tier}]"))
        .await;
}

/// Waits until the page at `path` shows `css` (reloading: another person acted meanwhile).
async fn reload_until(browser: &Browser, url: &str, css: &str) {
    let started = Instant::now();
    loop {
        browser.goto(url).await;
        if browser.has(css).await {
            return;
        }
        assert!(started.elapsed() < WAIT, "{url} never showed {css}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver (installed by .ci/run)"]
async fn a_producer_declares_a_reviewer_approves_and_the_records_show_it() {
    let app = TestApp::start().await;
    let producer_user = app.person(Role::Partner, "Paula Producer").await;
    let reviewer_user = app.person(Role::Reviewer, "Rita Reviewer").await;
    let production = app
        .production(
            "Night Shift",
            &[
                (&producer_user, Capacity::Partner),
                (&reviewer_user, Capacity::Reviewer),
            ],
        )
        .await;
    let driver = Driver::start().await;
    let base = app.base.clone();

    // The producer answers the intake; the live triage follows her answers.
    let producer = driver.browser().await;
    producer.sign_in(&base, &producer_user.token).await;
    producer.goto(&format!("{base}/proposals/new")).await;
    answer_moodboard(&producer, production).await;
    panel_shows(&producer, "notify").await;
    // The output will be final: written approval is needed.
    producer
        .click("input[name='output.final'][value=yes]")
        .await;
    panel_shows(&producer, "approval").await;
    let panel = producer.find("#triage").await.text().await.expect("panel");
    assert!(
        panel.to_lowercase().contains("approval"),
        "the panel says it in words: {panel}"
    );
    producer.screenshot("live-triage").await;
    producer.click("button[name=action][value=submit]").await;
    producer.wait_for("[data-status=in_review]").await;
    let proposal_path = producer.path().await;
    assert!(
        proposal_path.starts_with("/proposals/"),
        "after submitting, the proposal's page: {proposal_path}"
    );
    let id: i64 = proposal_path
        .trim_start_matches("/proposals/")
        .parse()
        .expect("a proposal id in the URL");
    producer.wait_for("[data-tier=approval]").await;

    // The reviewer finds it in the inbox and approves it with a condition.
    let reviewer = driver.browser().await;
    reviewer.sign_in(&base, &reviewer_user.token).await;
    reviewer.goto(&format!("{base}/inbox")).await;
    let link = format!("a[href='/proposals/{id}']");
    let title = reviewer.find(&link).await.text().await.expect("link text");
    assert!(title.contains("Moodboard for the hospital set"), "{title}");
    reviewer.click(&link).await;
    reviewer
        .wait_for("#decision-form input[name=decision][value=approve]")
        .await;
    reviewer
        .click("#decision-form input[name=decision][value=approve]")
        .await;
    reviewer
        .fill(
            "#decision-form textarea[name=note]",
            "Approved for the final cut as described.",
        )
        .await;
    reviewer
        .fill(
            "#decision-form textarea[name=conditions]",
            "Credit the tool in the end titles",
        )
        .await;
    reviewer.click("#decision-form button[type=submit]").await;
    reviewer.wait_for("[data-status=approved]").await;
    let conditions = reviewer
        .find(".conditions")
        .await
        .text()
        .await
        .expect("text");
    assert!(
        conditions.contains("Credit the tool in the end titles"),
        "{conditions}"
    );
    reviewer.screenshot("proposal-approved").await;

    // The producer sees the approval and its condition.
    let page = format!("{base}/proposals/{id}");
    reload_until(&producer, &page, "[data-status=approved]").await;
    let conditions = producer
        .find(".conditions")
        .await
        .text()
        .await
        .expect("text");
    assert!(conditions.contains("Credit the tool in the end titles"));

    // The dashboard and the disclosure report show it.
    producer
        .goto(&format!("{base}/productions/{production}"))
        .await;
    producer.wait_for("svg").await;
    let dashboard = producer.text().await;
    assert!(dashboard.contains("Approved"), "{dashboard}");
    producer
        .goto(&format!("{base}/productions/{production}/disclosure"))
        .await;
    let report = producer.text().await;
    assert!(
        report.contains("Moodboard for the hospital set"),
        "{report}"
    );
    assert!(report.contains("Approved"), "{report}");
    assert!(
        report.contains("Credit the tool in the end titles"),
        "{report}"
    );
    producer.goto(&format!("{base}/proposals")).await;
    producer.wait_for(&link).await;

    producer.close().await;
    reviewer.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and chromium-driver (installed by .ci/run)"]
async fn another_productions_partner_is_turned_away_and_a_form_without_its_token_is_refused() {
    let app = TestApp::start().await;
    let producer_user = app.person(Role::Partner, "Paula Producer").await;
    let outsider_user = app.person(Role::Partner, "Olga Outsider").await;
    let production = app
        .production("Night Shift", &[(&producer_user, Capacity::Partner)])
        .await;
    app.production("Day Shift", &[(&outsider_user, Capacity::Partner)])
        .await;
    let (status, created) = app
        .post(
            &producer_user,
            "/api/proposals",
            &serde_json::json!({
                "production_id": production,
                "intake": crate::support::example("background-poster"),
            }),
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
    let id = created["proposal"]["id"].as_i64().expect("id");
    let driver = Driver::start().await;
    let base = app.base.clone();

    // The outsider is signed in, but the proposal is not theirs to see: the same page as for a
    // proposal that does not exist, and nothing of it on the page.
    let outsider = driver.browser().await;
    outsider.sign_in(&base, &outsider_user.token).await;
    outsider.goto(&format!("{base}/proposals/{id}")).await;
    let text = outsider.text().await;
    assert!(text.contains("Not found"), "{text}");
    assert!(!text.contains("Band poster"), "{text}");
    outsider
        .goto(&format!("{base}/proposals/{}", id + 1000))
        .await;
    let missing = outsider.text().await;
    assert_eq!(
        missing.replace(&(id + 1000).to_string(), "N"),
        text.replace(&id.to_string(), "N"),
        "an outsider cannot tell a hidden proposal from a missing one"
    );

    // A form whose CSRF token was removed is refused, and nothing changes: the session that
    // form would have ended still works.
    outsider.goto(&format!("{base}/account")).await;
    outsider
        .client
        .execute(
            "document.querySelectorAll('input[name=csrf]').forEach(function (e) { e.remove(); });",
            vec![],
        )
        .await
        .expect("script");
    outsider.click("form.signout button[type=submit]").await;
    let refused = outsider.text().await;
    assert!(refused.contains("Form expired"), "{refused}");
    outsider.goto(&format!("{base}/account")).await;
    let account = outsider.text().await;
    assert!(
        account.contains("Olga Outsider"),
        "still signed in: {account}"
    );
    outsider.close().await;
}
