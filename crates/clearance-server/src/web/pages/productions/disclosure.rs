//! The disclosure report of a production: every declared use (see the parent module: every
//! proposal but drafts and withdrawn ones) with its title, element, stage, tools, tier, status,
//! latest written decision (reviewer, date, conditions, scope), the approval's expiry, and the
//! consent records it names with their standing today. As a printable page, as CSV (one row
//! per use, fixed columns) and as JSON (one object).
//!
//! Each form has a delivery section: the production's latest deliverables scan, its AI assets
//! (AI assets not covered first) and the proposal the scan matched each to, with that
//! proposal's standing now. The CSV of uses counts each use's AI assets in its last column; the
//! assets themselves are a CSV of their own (`disclosure-delivery.csv`, one row per asset), so
//! that each file stays one table.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use clearance_store::deliveries::FileFilter;
use clearance_store::model::{
    CoverageCandidate, Decision, DeliveryFile, DeliveryScan, Production, ScanSummary,
};
use clearance_store::reports::ProductionUse;
use maud::{Markup, html};
use serde::Serialize;

use super::deliveries::{coverage_words, exit_words, file_reason, proposal_cell, verdict_words};
use super::{IntakeSummary, consent_status, date, declared, production_for, rfc3339, tier_name};
use crate::error::ApiError;
use crate::state::Shared;
use crate::web::layout::{PageError, page, status_badge, tier_badge, when};
use crate::web::session::Viewer;

/// A decision in words.
fn decision_words(decision: Decision) -> &'static str {
    match decision {
        Decision::Approve => "Approved",
        Decision::RequestChanges => "Changes requested",
        Decision::Refuse => "Refused",
    }
}

/// At most this many AI assets are listed on the HTML report (the CSV and JSON have them all).
const HTML_ASSET_ROWS: usize = 1_000;

/// At most this many AI assets are read for a report (a scan holds at most about 100,000 files).
const MAX_ASSETS: i64 = 1_000_000;

/// A production and its declared uses, as every form of the report has them.
struct Report {
    production: Production,
    generated_at: i64,
    today: String,
    uses: Vec<(ProductionUse, IntakeSummary)>,
    delivery: Option<DeliverySection>,
}

/// The latest deliverables scan, its AI assets (not covered first), and every proposal of the
/// production with its standing now.
struct DeliverySection {
    scan: DeliveryScan,
    assets: Vec<DeliveryFile>,
    candidates: Vec<CoverageCandidate>,
}

impl DeliverySection {
    fn candidates(&self) -> HashMap<i64, &CoverageCandidate> {
        self.candidates.iter().map(|c| (c.id, c)).collect()
    }

    /// How many of the scan's AI assets it matched to a proposal.
    fn assets_of(&self, proposal_id: i64) -> usize {
        self.assets
            .iter()
            .filter(|asset| asset.proposal_id == Some(proposal_id))
            .count()
    }
}

async fn report(state: &Shared, viewer: &Viewer, id: i64) -> Result<Report, PageError> {
    let (production, _) = production_for(state, viewer, id).await?;
    let generated_at = state.now();
    let (uses, latest, candidates) = tokio::try_join!(
        state.store.production_uses(id),
        state.store.latest_delivery_scan(id),
        state.store.coverage_candidates(id, generated_at),
    )?;
    let delivery = match latest {
        None => None,
        Some(scan) => {
            let (assets, _) = state
                .store
                .delivery_files(scan.id, FileFilter::AiAssets, MAX_ASSETS, 0)
                .await?;
            Some(DeliverySection {
                scan,
                assets,
                candidates,
            })
        }
    };
    Ok(Report {
        production,
        generated_at,
        today: date(generated_at),
        uses: uses
            .into_iter()
            .filter(|u| declared(u.status))
            .map(|u| {
                let intake = IntakeSummary::of(&u.intake);
                (u, intake)
            })
            .collect(),
        delivery,
    })
}

/// The delivery section of the HTML report.
fn delivery_section(production_id: i64, delivery: Option<&DeliverySection>) -> Markup {
    html! {
        section.report-delivery #delivery {
            h2 { "Deliverables" }
            @match delivery {
                None => p.muted { "No deliverables scan has been uploaded for this production." },
                Some(delivery) => {
                    @let scan = &delivery.scan;
                    @let candidates = delivery.candidates();
                    @let uncovered = delivery.assets.iter().filter(|a| a.uncovered_ai()).count();
                    dl.report-facts {
                        dt { "Latest scan" } dd { a href={ "/deliveries/" (scan.id) } { "Scan " (scan.id) } ", uploaded " (when(scan.created_at)) " by " (scan.uploaded_by_name) }
                        dt { "Report" } dd { code { (scan.sha256) } " (SHA-256)" }
                        dt { "Files" } dd data-count="scan_files" { (scan.summary.files) }
                        dt { "AI assets" } dd data-count="scan_ai" { (scan.summary.ai_assets()) " (" (scan.summary.covered) " covered, " (scan.summary.not_covered) " not covered)" }
                        dt { "Unreadable files" } dd { (scan.summary.unreadable) }
                        dt { "Exit code" } dd { (scan.exit_code) ": " (exit_words(scan.exit_code)) }
                    }
                    @if uncovered > 0 {
                        p.error role="alert" { strong { (uncovered) @if uncovered == 1 { " AI asset not covered" } @else { " AI assets not covered" } } }
                    } @else if !delivery.assets.is_empty() {
                        p { strong { "Every AI asset covered." } }
                    }
                    @if delivery.assets.is_empty() {
                        p.muted { "The scan found no AI asset." }
                    } @else {
                        div.table-scroll {
                            table.disclosure.scan-files {
                                caption.visually-hidden { "AI assets of the latest deliverables scan and the proposals covering them" }
                                thead { tr { th scope="col" { "Asset" } th scope="col" { "Verdict" } th scope="col" { "Coverage" } th scope="col" { "Covering proposal" } th scope="col" { "Why" } } }
                                tbody {
                                    @for asset in delivery.assets.iter().take(HTML_ASSET_ROWS) {
                                        tr {
                                            th scope="row" { code { (asset.path) } }
                                            td { (verdict_words(asset.verdict)) }
                                            td { (coverage_words(asset).unwrap_or("—")) }
                                            td { (proposal_cell(asset.proposal_id, &candidates)) }
                                            td { (file_reason(asset)) }
                                        }
                                    }
                                }
                            }
                        }
                        @if delivery.assets.len() > HTML_ASSET_ROWS {
                            p {
                                "Showing the first " (HTML_ASSET_ROWS) " of " (delivery.assets.len()) " AI assets; "
                                a href={ "/productions/" (production_id) "/disclosure-delivery.csv" } { "the CSV" } " and "
                                a href={ "/productions/" (production_id) "/disclosure.json" } { "the JSON" } " list them all."
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The expiry that applies to a use: its standing approval's.
fn expiry(proposal: &ProductionUse) -> Option<i64> {
    proposal.approval_expires_at
}

pub(super) async fn html_report(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let report = report(&state, &viewer, id).await?;
    let production = &report.production;
    Ok(page(
        &format!("Disclosure report: {}", production.title),
        Some(&viewer),
        html! {
            header.report-header {
                h1 { "Disclosure of GenAI uses: " (production.title) }
                dl.report-facts {
                    dt { "Production" } dd { (production.title) }
                    dt { "Studio" } dd { (production.studio) }
                    dt { "Rulebooks" } dd { (production.rulebooks.join(", ")) }
                    dt { "Generated" } dd { (when(report.generated_at)) " by " (viewer.person.name) }
                    dt { "Declared uses" } dd data-count="uses" { (report.uses.len()) }
                }
                p.help { "Every use declared to the studio (drafts and withdrawn proposals are not declared uses; refused and expired ones are listed). The decision is the latest written decision on the proposal; consents are shown with their standing on the day generated." }
                p.actions.no-print {
                    a.button.secondary href={ "/productions/" (production.id) "/disclosure.csv" } { "Download CSV" }
                    a.button.secondary href={ "/productions/" (production.id) "/disclosure.json" } { "Download JSON" }
                    a.button.secondary href={ "/productions/" (production.id) "/disclosure-delivery.csv" } { "Deliverables CSV" }
                    a href={ "/productions/" (production.id) } { "Back to the dashboard" }
                }
            }
            @if report.uses.is_empty() {
                p.muted { "No use has been declared for this production yet." }
            } @else {
                div.table-scroll {
                    table.disclosure {
                        caption.visually-hidden { "Declared GenAI uses of " (production.title) }
                        thead {
                            tr {
                                th scope="col" { "#" }
                                th scope="col" { "Use" }
                                th scope="col" { "Element and stage" }
                                th scope="col" { "Tools" }
                                th scope="col" { "Tier" }
                                th scope="col" { "Status and decision" }
                                th scope="col" { "Conditions" }
                                th scope="col" { "Expires" }
                                th scope="col" { "Consents" }
                            }
                        }
                        tbody {
                            @for (proposal, intake) in &report.uses {
                                tr data-proposal=(proposal.id) {
                                    td { (proposal.id) }
                                    th scope="row" {
                                        a href={ "/proposals/" (proposal.id) } { (proposal.title) }
                                        @if let Some(vendor) = &proposal.vendor { br; span.muted { (vendor) } }
                                    }
                                    td {
                                        (intake.element.as_deref().unwrap_or("—"))
                                        br;
                                        span.muted { (intake.stage.as_deref().unwrap_or("stage not given")) }
                                    }
                                    td {
                                        @let tools = intake.tool_labels();
                                        @if tools.is_empty() { "—" } @else {
                                            ul.plain { @for tool in &tools { li { (tool) } } }
                                        }
                                    }
                                    td {
                                        @match proposal.tier {
                                            Some(tier) => span class={ "tier tier-" (tier.as_str()) } { (tier_name(Some(tier))) },
                                            None => span.muted { "Not evaluated" },
                                        }
                                    }
                                    td {
                                        (status_badge(proposal.status))
                                        @if proposal.needs_reapproval { br; span.muted { "needs approval again" } }
                                        @if let Some(decision) = &proposal.decision {
                                            br;
                                            (decision_words(decision.decision)) " by " (decision.reviewer_name)
                                            ", " (when(decision.decided_at))
                                            " (version " (decision.version) ")"
                                            @if let Some(scope) = &decision.scope { br; span.muted { "Scope: " (scope) } }
                                        } @else {
                                            br; span.muted { "No written decision" }
                                        }
                                    }
                                    td {
                                        @match &proposal.decision {
                                            Some(decision) if !decision.conditions.is_empty() => {
                                                ul.conditions { @for condition in &decision.conditions { li { (condition) } } }
                                            }
                                            _ => { "—" }
                                        }
                                    }
                                    td {
                                        @match expiry(proposal) { Some(at) => (when(at)), None => "—" }
                                    }
                                    td {
                                        @if proposal.consents.is_empty() { "—" } @else {
                                            ul.plain {
                                                @for consent in &proposal.consents {
                                                    li { code { (consent.id) } " " (consent_status(consent, &report.today)) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p.muted.print-only { "Tiers: " (tier_badge(clearance_domain::Tier::Notify)) " " (tier_badge(clearance_domain::Tier::Escalate)) " " (tier_badge(clearance_domain::Tier::Approval)) " " (tier_badge(clearance_domain::Tier::Blocked)) }
            }
            (delivery_section(production.id, report.delivery.as_ref()))
        },
    ))
}

/// The CSV columns, in order (stable: add new ones at the end).
pub(super) const CSV_COLUMNS: [&str; 23] = [
    "proposal_id",
    "title",
    "vendor",
    "element",
    "stage",
    "output_final",
    "tools",
    "tier",
    "status",
    "needs_reapproval",
    "decision",
    "decided_version",
    "reviewer",
    "decided_at",
    "conditions",
    "scope",
    "approval_expires_at",
    "consents",
    "current_version",
    "approved_version",
    "created_at",
    "url",
    "delivery_ai_assets",
];

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading apostrophe, so opening the file runs nothing.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

fn csv_row(
    proposal: &ProductionUse,
    intake: &IntakeSummary,
    today: &str,
    delivery: Option<&DeliverySection>,
) -> Vec<String> {
    let decision = proposal.decision.as_ref();
    vec![
        proposal.id.to_string(),
        cell(&proposal.title),
        cell(proposal.vendor.as_deref().unwrap_or("")),
        intake.element.clone().unwrap_or_default(),
        intake.stage.clone().unwrap_or_default(),
        intake.output.final_deliverable.clone().unwrap_or_default(),
        cell(&intake.tool_labels().join("; ")),
        proposal.tier.map(|t| t.as_str()).unwrap_or("").to_owned(),
        proposal.status.as_str().to_owned(),
        proposal.needs_reapproval.to_string(),
        decision
            .map(|d| d.decision.as_str())
            .unwrap_or("")
            .to_owned(),
        decision.map(|d| d.version.to_string()).unwrap_or_default(),
        cell(decision.map(|d| d.reviewer_name.as_str()).unwrap_or("")),
        decision.map(|d| rfc3339(d.decided_at)).unwrap_or_default(),
        cell(
            &decision
                .map(|d| d.conditions.join("\n"))
                .unwrap_or_default(),
        ),
        cell(decision.and_then(|d| d.scope.as_deref()).unwrap_or("")),
        expiry(proposal).map(rfc3339).unwrap_or_default(),
        cell(
            &proposal
                .consents
                .iter()
                .map(|c| format!("{} ({})", c.id, consent_status(c, today)))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        proposal.current_version.to_string(),
        proposal
            .approved_version
            .map(|v| v.to_string())
            .unwrap_or_default(),
        rfc3339(proposal.created_at),
        format!("/proposals/{}", proposal.id),
        delivery
            .map(|delivery| delivery.assets_of(proposal.id).to_string())
            .unwrap_or_default(),
    ]
}

/// The file name of a download: `disclosure-<id>-<date>.<ext>`.
fn file_name(report: &Report, disposition: &str, extension: &str) -> String {
    format!(
        "{disposition}; filename=\"disclosure-{}-{}.{extension}\"",
        report.production.id, report.today
    )
}

/// A CSV file: a header and rows.
fn csv_bytes(
    columns: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, PageError> {
    let failed = |error: &dyn std::fmt::Display| {
        PageError::Api(ApiError::Internal(anyhow::anyhow!(
            "writing the CSV: {error}"
        )))
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(columns).map_err(|e| failed(&e))?;
    for row in rows {
        writer.write_record(row).map_err(|e| failed(&e))?;
    }
    writer.into_inner().map_err(|e| failed(&e))
}

/// A CSV download.
fn csv_download(bytes: Vec<u8>, disposition: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

pub(super) async fn csv_report(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let report = report(&state, &viewer, id).await?;
    let rows = report.uses.iter().map(|(proposal, intake)| {
        csv_row(proposal, intake, &report.today, report.delivery.as_ref())
    });
    let bytes = csv_bytes(&CSV_COLUMNS, rows)?;
    Ok(csv_download(bytes, file_name(&report, "attachment", "csv")))
}

/// The columns of the deliverables CSV, in order (stable: add new ones at the end).
pub(super) const DELIVERY_CSV_COLUMNS: [&str; 12] = [
    "delivery_id",
    "uploaded_at",
    "path",
    "verdict",
    "coverage",
    "proposal_id",
    "proposal_title",
    "proposal_status",
    "proposal_covers_now",
    "reason",
    "reason_now",
    "url",
];

/// The latest scan's AI assets, one row each, with the proposal the scan matched each to and
/// that proposal's standing now (a production without a scan gives the header alone).
pub(super) async fn delivery_csv(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let report = report(&state, &viewer, id).await?;
    let mut rows = Vec::new();
    if let Some(delivery) = &report.delivery {
        let candidates = delivery.candidates();
        for asset in &delivery.assets {
            let candidate = asset.proposal_id.and_then(|id| candidates.get(&id));
            rows.push(vec![
                delivery.scan.id.to_string(),
                rfc3339(delivery.scan.created_at),
                cell(&asset.path),
                asset.verdict.as_str().to_owned(),
                asset.coverage.map(|c| c.as_str()).unwrap_or("").to_owned(),
                asset
                    .proposal_id
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
                cell(candidate.map(|c| c.title.as_str()).unwrap_or("")),
                candidate.map(|c| c.status.clone()).unwrap_or_default(),
                candidate.map(|c| c.covers.to_string()).unwrap_or_default(),
                cell(&file_reason(asset)),
                cell(candidate.and_then(|c| c.reason.as_deref()).unwrap_or("")),
                format!("/deliveries/{}", delivery.scan.id),
            ]);
        }
    }
    let bytes = csv_bytes(&DELIVERY_CSV_COLUMNS, rows.into_iter())?;
    Ok(csv_download(
        bytes,
        format!(
            "attachment; filename=\"disclosure-delivery-{}-{}.csv\"",
            report.production.id, report.today
        ),
    ))
}

/// The JSON report.
#[derive(Debug, Serialize)]
struct JsonReport {
    production: JsonProduction,
    generated_at: String,
    uses: Vec<JsonUse>,
    /// The latest deliverables scan (null when none was uploaded).
    delivery: Option<JsonDelivery>,
}

#[derive(Debug, Serialize)]
struct JsonDelivery {
    id: i64,
    uploaded_at: String,
    uploaded_by: String,
    sha256: String,
    exit_code: i64,
    summary: ScanSummary,
    /// AI assets not found covered (not covered, or coverage not judged).
    uncovered: usize,
    ai_assets: Vec<JsonAsset>,
    url: String,
}

#[derive(Debug, Serialize)]
struct JsonAsset {
    path: String,
    verdict: &'static str,
    coverage: Option<&'static str>,
    reason: Option<String>,
    proposal: Option<JsonCovering>,
}

#[derive(Debug, Serialize)]
struct JsonCovering {
    id: i64,
    /// None when the id is not a proposal of this production.
    title: Option<String>,
    status: Option<String>,
    covers_now: bool,
    reason_now: Option<String>,
}

fn json_delivery(delivery: &DeliverySection) -> JsonDelivery {
    let candidates = delivery.candidates();
    let scan = &delivery.scan;
    JsonDelivery {
        id: scan.id,
        uploaded_at: rfc3339(scan.created_at),
        uploaded_by: scan.uploaded_by_name.clone(),
        sha256: scan.sha256.clone(),
        exit_code: scan.exit_code,
        summary: scan.summary,
        uncovered: delivery.assets.iter().filter(|a| a.uncovered_ai()).count(),
        ai_assets: delivery
            .assets
            .iter()
            .map(|asset| JsonAsset {
                path: asset.path.clone(),
                verdict: asset.verdict.as_str(),
                coverage: asset.coverage.map(|c| c.as_str()),
                reason: Some(file_reason(asset)).filter(|reason| !reason.is_empty()),
                proposal: asset.proposal_id.map(|id| {
                    let candidate = candidates.get(&id);
                    JsonCovering {
                        id,
                        title: candidate.map(|c| c.title.clone()),
                        status: candidate.map(|c| c.status.clone()),
                        covers_now: candidate.is_some_and(|c| c.covers),
                        reason_now: match candidate {
                            Some(c) => c.reason.clone(),
                            None => Some("not a proposal of this production".to_owned()),
                        },
                    }
                }),
            })
            .collect(),
        url: format!("/deliveries/{}", scan.id),
    }
}

#[derive(Debug, Serialize)]
struct JsonProduction {
    id: i64,
    title: String,
    studio: String,
    rulebooks: Vec<String>,
}

#[derive(Debug, Serialize)]
struct JsonUse {
    id: i64,
    title: String,
    vendor: Option<String>,
    element: Option<String>,
    stage: Option<String>,
    output_final: Option<String>,
    tools: Vec<JsonTool>,
    tier: Option<&'static str>,
    status: &'static str,
    needs_reapproval: bool,
    decision: Option<JsonDecision>,
    approval_expires_at: Option<String>,
    consents: Vec<JsonConsent>,
    current_version: i64,
    approved_version: Option<i64>,
    created_at: String,
    updated_at: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct JsonTool {
    name: Option<String>,
    tool_id: Option<String>,
}

#[derive(Debug, Serialize)]
struct JsonDecision {
    decision: &'static str,
    version: i64,
    reviewer_id: i64,
    reviewer: String,
    decided_at: String,
    note: String,
    conditions: Vec<String>,
    scope: Option<String>,
    expires_at: Option<String>,
}

#[derive(Debug, Serialize)]
struct JsonConsent {
    id: String,
    status: &'static str,
}

pub(super) async fn json_report(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let report = report(&state, &viewer, id).await?;
    let uses = report
        .uses
        .iter()
        .map(|(proposal, intake)| JsonUse {
            id: proposal.id,
            title: proposal.title.clone(),
            vendor: proposal.vendor.clone(),
            element: intake.element.clone(),
            stage: intake.stage.clone(),
            output_final: intake.output.final_deliverable.clone(),
            tools: intake
                .tools
                .iter()
                .flatten()
                .map(|tool| JsonTool {
                    name: tool.name.clone(),
                    tool_id: tool.tool_id.clone(),
                })
                .collect(),
            tier: proposal.tier.map(|t| t.as_str()),
            status: proposal.status.as_str(),
            needs_reapproval: proposal.needs_reapproval,
            decision: proposal.decision.as_ref().map(|d| JsonDecision {
                decision: d.decision.as_str(),
                version: d.version,
                reviewer_id: d.reviewer_id,
                reviewer: d.reviewer_name.clone(),
                decided_at: rfc3339(d.decided_at),
                note: d.note.clone(),
                conditions: d.conditions.clone(),
                scope: d.scope.clone(),
                expires_at: d.expires_at.map(rfc3339),
            }),
            approval_expires_at: expiry(proposal).map(rfc3339),
            consents: proposal
                .consents
                .iter()
                .map(|c| JsonConsent {
                    id: c.id.clone(),
                    status: consent_status(c, &report.today),
                })
                .collect(),
            current_version: proposal.current_version,
            approved_version: proposal.approved_version,
            created_at: rfc3339(proposal.created_at),
            updated_at: rfc3339(proposal.updated_at),
            url: format!("/proposals/{}", proposal.id),
        })
        .collect();
    let body = JsonReport {
        production: JsonProduction {
            id: report.production.id,
            title: report.production.title.clone(),
            studio: report.production.studio.clone(),
            rulebooks: report.production.rulebooks.clone(),
        },
        generated_at: rfc3339(report.generated_at),
        uses,
        delivery: report.delivery.as_ref().map(json_delivery),
    };
    let disposition = file_name(&report, "inline", "json");
    Ok((
        [
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Json(body),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@sum"), "'@sum");
        assert_eq!(cell("Band poster"), "Band poster");
    }
}
