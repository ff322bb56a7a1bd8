//! Deliverables scans on the pages: the dashboard's section on the latest scan (its counts, and
//! every AI asset not covered, or that every one is), and `/deliveries/{id}`: every file of one
//! scan (AI assets not covered first) with the history of the production's scans, and the
//! report as uploaded (`/deliveries/{id}/report.json`).
//!
//! "Not covered" on these pages means an AI asset (generated or composite) that the scan did
//! not find covered: `coverage.status` is `not_covered`, or coverage was not judged (a scan
//! without `--production`). The proposal a file names is shown with its standing now (the
//! store's coverage candidates), which can differ from the scan's (an approval that expired
//! since).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use clearance_store::deliveries::FileFilter;
use clearance_store::model::{
    AssetVerdict, CoverageCandidate, CoverageStatus, DeliveryFile, DeliveryScan,
};
use maud::{Markup, html};
use serde::Deserialize;

use super::production_for;
use crate::error::ApiError;
use crate::routes::deliveries::visible_delivery;
use crate::state::Shared;
use crate::web::layout::{PageError, page, when};
use crate::web::pages::proposals::pager;
use crate::web::session::Viewer;

/// At most this many uncovered AI assets are listed on the dashboard (the rest are on the scan's
/// page).
pub(super) const DASHBOARD_ROWS: i64 = 50;

/// Files per page of a scan's page.
const FILES_PER_PAGE: i64 = 500;

/// Scans listed in a production's history.
const HISTORY_ROWS: i64 = 100;

/// The latest scan of a production and its AI assets not covered (the first ones).
pub(super) struct LatestScan {
    /// The scan.
    pub(super) scan: DeliveryScan,
    /// Its AI assets not covered, at most [`DASHBOARD_ROWS`].
    pub(super) uncovered: Vec<DeliveryFile>,
    /// How many there are in all.
    pub(super) uncovered_total: i64,
}

/// The production's latest scan, if any.
pub(super) async fn latest_scan(
    state: &Shared,
    production_id: i64,
) -> Result<Option<LatestScan>, PageError> {
    let Some(scan) = state.store.latest_delivery_scan(production_id).await? else {
        return Ok(None);
    };
    let (uncovered, uncovered_total) = state
        .store
        .delivery_files(scan.id, FileFilter::UncoveredAi, DASHBOARD_ROWS, 0)
        .await?;
    Ok(Some(LatestScan {
        scan,
        uncovered,
        uncovered_total,
    }))
}

/// A verdict in words.
pub(super) fn verdict_words(verdict: AssetVerdict) -> &'static str {
    match verdict {
        AssetVerdict::AiGenerated => "AI-generated",
        AssetVerdict::AiComposite => "AI composite",
        AssetVerdict::NoAiSignal => "No AI signal",
        AssetVerdict::Unreadable => "Unreadable",
    }
}

/// A file's coverage in a word or two (None for files that need none).
pub(super) fn coverage_words(file: &DeliveryFile) -> Option<&'static str> {
    match (file.verdict.is_ai(), file.coverage) {
        (true, Some(CoverageStatus::Covered)) => Some("Covered"),
        (true, Some(CoverageStatus::NotCovered)) => Some("Not covered"),
        (true, None) => Some("Not judged"),
        (false, Some(CoverageStatus::Covered)) => Some("Covered"),
        (false, Some(CoverageStatus::NotCovered)) => Some("Not covered"),
        (false, None) => None,
    }
}

/// Why a file is where it is: the scan's reason (unreadable, or not covered), in words.
pub(super) fn file_reason(file: &DeliveryFile) -> String {
    if let Some(reason) = &file.coverage_reason {
        return reason.clone();
    }
    match (file.verdict, file.coverage) {
        (AssetVerdict::Unreadable, _) => file
            .reason
            .clone()
            .unwrap_or_else(|| "the file could not be read".to_owned()),
        (verdict, None) if verdict.is_ai() => {
            "coverage not judged: the scan was made without --production".to_owned()
        }
        (_, Some(CoverageStatus::NotCovered)) => "no approved proposal covers it".to_owned(),
        _ => String::new(),
    }
}

/// What an exit code says.
pub(super) fn exit_words(code: i64) -> &'static str {
    match code {
        0 => "every AI asset covered, every file read",
        1 => "some AI assets not covered",
        2 => "some files could not be read",
        _ => "unknown",
    }
}

/// The proposal a file names: a link with its title and its standing now.
pub(super) fn proposal_cell(
    proposal_id: Option<i64>,
    candidates: &HashMap<i64, &CoverageCandidate>,
) -> Markup {
    html! {
        @match proposal_id {
            None => span.muted { "—" },
            Some(id) => @match candidates.get(&id) {
                Some(candidate) => {
                    a href={ "/proposals/" (id) } { "#" (id) " " (candidate.title) }
                    br;
                    @if candidate.covers {
                        span.muted { "covers now" }
                    } @else {
                        span.muted { "does not cover now: " (candidate.reason.as_deref().unwrap_or("")) }
                    }
                }
                None => span.muted { "#" (id) " (not a proposal of this production)" },
            },
        }
    }
}

/// The counts of a scan as figures.
fn figures(scan: &DeliveryScan) -> Markup {
    let summary = &scan.summary;
    html! {
        div.cards.dashboard-figures {
            div.card { div.figure data-figure="scan_files" { (summary.files) } div { "files" } }
            div.card { div.figure data-figure="scan_ai" { (summary.ai_assets()) } div { "AI assets (generated or composite)" } }
            div.card { div.figure data-figure="scan_covered" { (summary.covered) } div { "covered" } }
            div.card { div.figure data-figure="scan_not_covered" { (summary.not_covered) } div { "not covered" } }
            div.card { div.figure data-figure="scan_unreadable" { (summary.unreadable) } div { "unreadable" } }
        }
    }
}

/// The warning (every AI asset not covered, with its path and reason) or the all-clear.
fn coverage_banner(
    uncovered: &[DeliveryFile],
    total: i64,
    scan: &DeliveryScan,
    candidates: &HashMap<i64, &CoverageCandidate>,
) -> Markup {
    html! {
        @if total > 0 {
            div.scan-warning #uncovered role="alert" {
                p { strong { span data-figure="uncovered_ai" { (total) } @if total == 1 { " AI asset not covered" } @else { " AI assets not covered" } } }
                table.scan-files {
                    thead { tr { th scope="col" { "Path" } th scope="col" { "Verdict" } th scope="col" { "Why" } th scope="col" { "Proposal" } } }
                    tbody {
                        @for file in uncovered {
                            tr {
                                th scope="row" { code { (file.path) } }
                                td { (verdict_words(file.verdict)) }
                                td { (file_reason(file)) }
                                td { (proposal_cell(file.proposal_id, candidates)) }
                            }
                        }
                    }
                }
                @if total > i64::try_from(uncovered.len()).unwrap_or(i64::MAX) {
                    p { "Showing " (uncovered.len()) " of " (total) ". " a href={ "/deliveries/" (scan.id) } { "See every file of this scan" } }
                }
            }
        } @else if scan.summary.ai_assets() > 0 {
            div.scan-ok #uncovered { p { strong { "Every AI asset covered" } " (" (scan.summary.ai_assets()) " AI assets, each covered by an approved proposal)." } }
        } @else {
            div.scan-ok #uncovered { p { strong { "Every AI asset covered" } ": the scan found no AI asset." } }
        }
        @if scan.summary.unreadable > 0 {
            p.error {
                (scan.summary.unreadable)
                @if scan.summary.unreadable == 1 { " file could not be read" } @else { " files could not be read" }
                ": its provenance is unknown. " a href={ "/deliveries/" (scan.id) "#files" } { "See which" }
            }
        }
    }
}

/// The dashboard's section on deliverables.
pub(super) fn dashboard_section(
    production_id: i64,
    latest: Option<&LatestScan>,
    candidates: &HashMap<i64, &CoverageCandidate>,
) -> Markup {
    html! {
        h2 #delivery { "Deliverables scan" }
        @match latest {
            None => {
                p.muted { "No deliverables scan has been uploaded yet." }
                p.help { "Scan the delivery folder and upload the report: " code { "clearance scan DIR --production " (production_id) " --server URL --token TOKEN" } "." }
            }
            Some(latest) => {
                p {
                    "Latest scan uploaded " (when(latest.scan.created_at)) " by " (latest.scan.uploaded_by_name)
                    " (exit code " (latest.scan.exit_code) ": " (exit_words(latest.scan.exit_code)) "). "
                    a href={ "/deliveries/" (latest.scan.id) } { "Every file of this scan, and earlier scans" }
                }
                (figures(&latest.scan))
                (coverage_banner(&latest.uncovered, latest.uncovered_total, &latest.scan, candidates))
            }
        }
    }
}

/// Paging of a scan's files.
#[derive(Debug, Default, Deserialize)]
pub(super) struct FilesQuery {
    page: Option<String>,
}

pub(super) async fn delivery_page(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(query): Query<FilesQuery>,
) -> Result<Markup, PageError> {
    let scan = visible_delivery(&state, &viewer.caller(), id).await?;
    let (production, _) = production_for(&state, &viewer, scan.production_id).await?;
    let page_number = query
        .page
        .as_deref()
        .and_then(|page| page.trim().parse::<i64>().ok())
        .unwrap_or(1)
        .max(1);
    let offset = (page_number - 1).saturating_mul(FILES_PER_PAGE);
    let ((files, total), (uncovered, uncovered_total), history, candidates) = tokio::try_join!(
        state
            .store
            .delivery_files(id, FileFilter::All, FILES_PER_PAGE, offset),
        state
            .store
            .delivery_files(id, FileFilter::UncoveredAi, DASHBOARD_ROWS, 0),
        state.store.delivery_scans(production.id, HISTORY_ROWS, 0),
        state.store.coverage_candidates(production.id, state.now()),
    )?;
    let by_id: HashMap<i64, &CoverageCandidate> = candidates.iter().map(|c| (c.id, c)).collect();
    let base = format!("/deliveries/{id}");
    let previous = (page_number > 1).then(|| format!("{base}?page={}", page_number - 1));
    let next =
        (offset + FILES_PER_PAGE < total).then(|| format!("{base}?page={}", page_number + 1));
    Ok(page(
        &format!("Deliverables scan {id}: {}", production.title),
        Some(&viewer),
        html! {
            h1 { "Deliverables scan " (id) ": " (production.title) }
            dl.report-facts {
                dt { "Production" } dd { a href={ "/productions/" (production.id) } { (production.title) } }
                dt { "Uploaded" } dd { (when(scan.created_at)) " by " (scan.uploaded_by_name) }
                dt { "Exit code" } dd { (scan.exit_code) ": " (exit_words(scan.exit_code)) }
                dt { "Report" } dd { code { (scan.sha256) } " (SHA-256, " (scan.size) " bytes) · " a href={ (base) "/report.json" } { "the report as uploaded" } }
            }
            (figures(&scan))
            (coverage_banner(&uncovered, uncovered_total, &scan, &by_id))
            h2 #files { "Files" }
            p.help { "AI assets not covered first, then files that could not be read, covered AI assets, and files without an AI signal." }
            @if files.is_empty() {
                p.muted { @if total == 0 { "The scan lists no file." } @else { "No file on this page." } }
            } @else {
                div.table-scroll {
                    table.scan-files {
                        caption.visually-hidden { "Files of scan " (id) }
                        thead { tr { th scope="col" { "#" } th scope="col" { "Path" } th scope="col" { "Verdict" } th scope="col" { "Coverage" } th scope="col" { "Why" } th scope="col" { "Proposal" } } }
                        tbody {
                            @for file in &files {
                                tr data-position=(file.position) {
                                    td { (file.position) }
                                    th scope="row" { code { (file.path) } }
                                    td { (verdict_words(file.verdict)) }
                                    td { (coverage_words(file).unwrap_or("—")) }
                                    td { (file_reason(file)) }
                                    td { (proposal_cell(file.proposal_id, &by_id)) }
                                }
                            }
                        }
                    }
                }
            }
            (pager(previous, next, page_number))
            h2 #history { "Scans of this production" }
            div.table-scroll {
                table.scan-history {
                    caption.visually-hidden { "Scans of " (production.title) ", newest first" }
                    thead { tr { th scope="col" { "Scan" } th scope="col" { "Uploaded" } th scope="col" { "By" } th scope="col" { "Files" } th scope="col" { "AI assets" } th scope="col" { "Covered" } th scope="col" { "Not covered" } th scope="col" { "Unreadable" } th scope="col" { "Exit code" } } }
                    tbody {
                        @for earlier in &history {
                            tr {
                                th scope="row" {
                                    @if earlier.id == id { (earlier.id) " (this scan)" }
                                    @else { a href={ "/deliveries/" (earlier.id) } { (earlier.id) } }
                                }
                                td { (when(earlier.created_at)) }
                                td { (earlier.uploaded_by_name) }
                                td.number { (earlier.summary.files) }
                                td.number { (earlier.summary.ai_assets()) }
                                td.number { (earlier.summary.covered) }
                                td.number { (earlier.summary.not_covered) }
                                td.number { (earlier.summary.unreadable) }
                                td.number { (earlier.exit_code) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// The report as it was uploaded (for a signed-in viewer; the API has `/api/deliveries/{id}/report`).
pub(super) async fn report_json(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let scan = visible_delivery(&state, &viewer.caller(), id).await?;
    let text = state
        .store
        .delivery_report(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("delivery {id}")))?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(sha256) = HeaderValue::from_str(&scan.sha256) {
        headers.insert("x-content-sha256", sha256);
    }
    if let Ok(disposition) =
        HeaderValue::from_str(&format!("attachment; filename=\"delivery-scan-{id}.json\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(verdict: AssetVerdict, coverage: Option<CoverageStatus>) -> DeliveryFile {
        DeliveryFile {
            position: 0,
            path: "a.png".to_owned(),
            verdict,
            reason: None,
            coverage,
            proposal_id: None,
            coverage_reason: None,
        }
    }

    #[test]
    fn reasons_in_words() {
        assert_eq!(
            file_reason(&file(AssetVerdict::AiGenerated, None)),
            "coverage not judged: the scan was made without --production"
        );
        assert_eq!(
            file_reason(&file(AssetVerdict::Unreadable, None)),
            "the file could not be read"
        );
        let mut named = file(AssetVerdict::AiComposite, Some(CoverageStatus::NotCovered));
        assert_eq!(file_reason(&named), "no approved proposal covers it");
        named.coverage_reason = Some("proposal #2 is in review".to_owned());
        assert_eq!(file_reason(&named), "proposal #2 is in review");
        assert_eq!(coverage_words(&file(AssetVerdict::NoAiSignal, None)), None);
        assert_eq!(
            coverage_words(&file(AssetVerdict::AiGenerated, None)),
            Some("Not judged")
        );
    }
}
