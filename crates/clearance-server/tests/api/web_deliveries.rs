//! Deliverables scans on the pages: the dashboard's section, a scan's page (every file, the
//! history), the disclosure report's delivery section (HTML, CSV, JSON), and who may see them.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::deliveries::{World, scan_report, world};
use crate::support::example;

/// The number inside `data-figure="NAME">` (or `data-count`).
fn figure(html: &str, name: &str) -> Option<i64> {
    let marker = format!("data-figure=\"{name}\">");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('<')? + start;
    html[start..end].trim().parse().ok()
}

/// The part of `html` from the element with `id` to the next `</{tag}>`.
fn section<'h>(html: &'h str, id: &str, tag: &str) -> &'h str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("#{id} in {html}"));
    let end = html[start..]
        .find(&format!("</{tag}>"))
        .map_or(html.len(), |end| start + end);
    &html[start..end]
}

/// A production with an approved poster (covers) and a sky replacement in review; a scan of
/// five files: the poster (covered), the sky (not covered), a logo (coverage not judged), a plate
/// without AI signal and an unreadable sound file. Returns the world, the two proposal ids, the
/// scan's id and the report text.
async fn scanned() -> (World, i64, i64, i64, String) {
    scanned_in(world().await).await
}

#[tokio::test]
async fn the_dashboard_names_every_ai_asset_not_covered_and_links_to_the_scan() {
    let w = world().await;
    let web = w.app.sign_in(&w.reviewer).await;
    let path = format!("/productions/{}", w.production);
    let page = web.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        section(&page.body, "delivery", "h2").contains("Deliverables scan"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("No deliverables scan has been uploaded yet.")
    );

    let (w, _, sky, id, _) = scanned_in(w).await;
    let page = web.get(&path).await;
    let html = &page.body;
    assert!(!html.contains("style="), "no style attribute");
    assert_eq!(figure(html, "scan_files"), Some(5), "{html}");
    assert_eq!(figure(html, "scan_ai"), Some(3));
    assert_eq!(figure(html, "scan_covered"), Some(1));
    assert_eq!(figure(html, "scan_not_covered"), Some(1));
    assert_eq!(figure(html, "scan_unreadable"), Some(1));
    assert_eq!(figure(html, "uncovered_ai"), Some(2));
    assert!(html.contains("Pat Partner"), "who uploaded");
    let warning = section(html, "uncovered", "div");
    assert!(warning.contains("role=\"alert\""), "{warning}");
    assert!(warning.contains(" AI assets not covered"), "{warning}");
    assert!(warning.contains("deliverables/art/sky.png"), "{warning}");
    assert!(warning.contains(&format!("proposal #{sky} is in review, not approved")));
    assert!(
        warning.contains(&format!("href=\"/proposals/{sky}\"")),
        "{warning}"
    );
    assert!(warning.contains("deliverables/art/logo.png"));
    assert!(warning.contains("coverage not judged"), "{warning}");
    assert!(
        !warning.contains("poster.png"),
        "covered assets are not in the warning"
    );
    assert!(html.contains(&format!("href=\"/deliveries/{id}\"")));
    assert!(html.contains("1 file could not be read"), "{html}");

    // A later scan in which every AI asset is covered.
    let (poster_id, revision) = w.propose(&example("background-poster")).await;
    w.approve(poster_id, revision, json!({})).await;
    w.upload(
        &w.partner,
        &scan_report(
            w.production,
            &[(
                "deliverables/art/poster.png",
                "ai_generated",
                Some(("covered", poster_id, "approved")),
            )],
        ),
    )
    .await;
    let page = web.get(&path).await;
    let section = section(&page.body, "uncovered", "div");
    assert!(section.contains("Every AI asset covered"), "{section}");
    assert_eq!(figure(&page.body, "uncovered_ai"), None);
}

/// [`scanned`] in an existing world.
async fn scanned_in(w: World) -> (World, i64, i64, i64, String) {
    let (poster, revision) = w.propose(&example("background-poster")).await;
    w.approve(poster, revision, json!({})).await;
    let (sky, _) = w
        .propose(
            &example("background-poster").replace("Band poster in the diner", "Sky replacement"),
        )
        .await;
    let reason = format!("proposal #{sky} is in review, not approved");
    let report = scan_report(
        w.production,
        &[
            ("deliverables/plates/a.exr", "no_ai_signal", None),
            (
                "deliverables/art/poster.png",
                "ai_generated",
                Some(("covered", poster, "approved")),
            ),
            (
                "deliverables/art/sky.png",
                "ai_composite",
                Some(("not_covered", sky, reason.as_str())),
            ),
            ("deliverables/audio/broken.wav", "unreadable", None),
            ("deliverables/art/logo.png", "ai_generated", None),
        ],
    );
    let text = report.to_string();
    let (status, _, body) = w.upload_text(&w.partner, w.production, text.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().expect("id");
    (w, poster, sky, id, text)
}

#[tokio::test]
async fn a_scan_page_lists_every_file_uncovered_first_and_the_history() {
    let (w, poster, _, first, text) = scanned().await;
    let second = w.upload(&w.reviewer, &scan_report(w.production, &[])).await;
    let second = second["id"].as_i64().expect("id");
    let web = w.app.sign_in(&w.partner).await;
    let page = web.get(&format!("/deliveries/{first}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let html = &page.body;
    assert!(!html.contains("style="));
    let files = section(html, "files", "table");
    let at = |path: &str| {
        files
            .find(path)
            .unwrap_or_else(|| panic!("{path} in {files}"))
    };
    // Not covered (sky, logo), unreadable, covered (poster), no AI signal.
    assert!(at("art/sky.png") < at("art/logo.png"));
    assert!(at("art/logo.png") < at("audio/broken.wav"));
    assert!(at("audio/broken.wav") < at("art/poster.png"));
    assert!(at("art/poster.png") < at("plates/a.exr"));
    assert!(
        files.contains("truncated: the file ends inside a box"),
        "{files}"
    );
    assert!(files.contains(&format!("href=\"/proposals/{poster}\"")));
    assert!(files.contains("covers now"), "{files}");
    // The history: both scans, newest first, this one marked.
    let history = section(html, "history", "table");
    let newer = history
        .find(&format!("href=\"/deliveries/{second}\""))
        .expect("the newer scan");
    let this = history
        .find(&format!("{first} (this scan)"))
        .expect("this scan");
    assert!(newer < this, "{history}");
    // The report as uploaded.
    assert!(html.contains(&format!("href=\"/deliveries/{first}/report.json\"")));
    let report = web.get(&format!("/deliveries/{first}/report.json")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(report.body, text, "byte for byte");
    assert_eq!(
        report.headers["content-type"].to_str().expect("type"),
        "application/json"
    );
}

#[tokio::test]
async fn a_large_scan_is_shown_a_page_at_a_time() {
    let w = world().await;
    let paths: Vec<String> = (0..1_200).map(|i| format!("frames/f{i:04}.exr")).collect();
    let files: Vec<crate::deliveries::ScannedFile<'_>> = paths
        .iter()
        .map(|path| (path.as_str(), "no_ai_signal", None))
        .collect();
    let stored = w
        .upload(&w.partner, &scan_report(w.production, &files))
        .await;
    let id = stored["id"].as_i64().expect("id");
    let web = w.app.sign_in(&w.partner).await;
    let first = web.get(&format!("/deliveries/{id}")).await;
    assert_eq!(first.body.matches("<tr data-position=").count(), 500);
    assert!(
        first
            .body
            .contains(&format!("href=\"/deliveries/{id}?page=2\""))
    );
    let last = web.get(&format!("/deliveries/{id}?page=3")).await;
    assert_eq!(last.body.matches("<tr data-position=").count(), 200);
    assert!(last.body.contains("frames/f1199.exr"));
    assert!(!last.body.contains("?page=4"));
    let section = section(&first.body, "uncovered", "div");
    assert!(section.contains("the scan found no AI asset"), "{section}");
}

#[tokio::test]
async fn the_disclosure_report_has_a_delivery_section_in_every_form() {
    let w = world().await;
    let web = w.app.sign_in(&w.partner).await;
    let base = format!("/productions/{}/disclosure", w.production);
    let before: Value =
        serde_json::from_str(&web.get(&format!("{base}.json")).await.body).expect("JSON");
    assert_eq!(before["delivery"], Value::Null);
    let page = web.get(&base).await;
    assert!(
        page.body
            .contains("No deliverables scan has been uploaded for this production.")
    );

    let (w, poster, sky, id, _) = scanned_in(w).await;
    let page = web.get(&base).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("style="));
    let delivery = &page.body[page.body.find("id=\"delivery\"").expect("section")..];
    assert!(
        delivery.contains(&format!("href=\"/deliveries/{id}\"")),
        "{delivery}"
    );
    assert!(delivery.contains("2 AI assets not covered"), "{delivery}");
    assert_eq!(
        delivery.matches("<tr><th scope=\"row\"><code>").count(),
        3,
        "the AI assets: {delivery}"
    );
    assert!(
        delivery.contains("Band poster in the diner, episode 2"),
        "the covering proposal"
    );
    assert!(!delivery.contains("plates/a.exr"), "only AI assets");

    // The CSV of uses counts each use's AI assets; the deliverables CSV lists them.
    let csv_page = web.get(&format!("{base}.csv")).await;
    let mut reader = csv::Reader::from_reader(csv_page.body.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    assert_eq!(
        headers.iter().next_back(),
        Some("delivery_ai_assets"),
        "a new last column"
    );
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let assets_of = |id: i64| {
        rows.iter()
            .find(|row| row[column("proposal_id")] == id.to_string())
            .map(|row| row[column("delivery_ai_assets")].to_owned())
    };
    assert_eq!(assets_of(poster).as_deref(), Some("1"));
    assert_eq!(assets_of(sky).as_deref(), Some("1"));

    let assets = web
        .get(&format!(
            "/productions/{}/disclosure-delivery.csv",
            w.production
        ))
        .await;
    assert_eq!(assets.status, StatusCode::OK);
    assert!(
        assets.headers["content-disposition"]
            .to_str()
            .expect("disposition")
            .starts_with("attachment")
    );
    let mut reader = csv::Reader::from_reader(assets.body.as_bytes());
    let headers = reader.headers().expect("headers").clone();
    let column = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 3, "one row per AI asset");
    assert_eq!(
        &rows[0][column("path")],
        "deliverables/art/sky.png",
        "not covered first"
    );
    assert_eq!(&rows[0][column("coverage")], "not_covered");
    assert_eq!(
        &rows[0][column("proposal_title")],
        "Sky replacement, episode 2"
    );
    assert_eq!(&rows[0][column("proposal_covers_now")], "false");
    assert_eq!(&rows[2][column("path")], "deliverables/art/poster.png");
    assert_eq!(&rows[2][column("proposal_covers_now")], "true");
    assert_eq!(&rows[2][column("delivery_id")], id.to_string());

    let report: Value =
        serde_json::from_str(&web.get(&format!("{base}.json")).await.body).expect("JSON");
    let delivery = &report["delivery"];
    assert_eq!(delivery["id"], id);
    assert_eq!(delivery["uncovered"], 2);
    assert_eq!(delivery["summary"]["files"], 5);
    assert_eq!(delivery["uploaded_by"], "Pat Partner");
    let assets = delivery["ai_assets"].as_array().expect("assets");
    assert_eq!(assets.len(), 3);
    assert_eq!(assets[0]["path"], "deliverables/art/sky.png");
    assert_eq!(assets[0]["proposal"]["id"], sky);
    assert_eq!(assets[0]["proposal"]["covers_now"], false);
    assert_eq!(
        assets[0]["proposal"]["reason_now"],
        "in review, not approved"
    );
    assert_eq!(assets[1]["coverage"], Value::Null, "the logo: not judged");
    assert_eq!(
        assets[2]["proposal"]["title"],
        "Band poster in the diner, episode 2"
    );
    assert_eq!(assets[2]["proposal"]["covers_now"], true);
}

#[tokio::test]
async fn an_outsider_gets_404_for_every_delivery_page() {
    let (w, _, _, id, _) = scanned().await;
    let web = w.app.sign_in(&w.outsider).await;
    for path in [
        format!("/deliveries/{id}"),
        format!("/deliveries/{id}/report.json"),
        format!("/productions/{}/disclosure-delivery.csv", w.production),
        "/deliveries/999999".to_owned(),
    ] {
        let page = web.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("sky.png"), "{path}");
    }
    let admin = w.app.sign_in(&w.app.admin).await;
    let page = admin.get(&format!("/deliveries/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("sky.png"));
}
