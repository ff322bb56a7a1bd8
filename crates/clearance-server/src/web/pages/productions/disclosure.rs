//! The disclosure report of a production: every declared use (see the parent module: every
//! proposal but drafts and withdrawn ones) with its title, element, stage, tools, tier, status,
//! latest written decision (reviewer, date, conditions, scope), the approval's expiry, and the
//! consent records it names with their standing today. As a printable page, as CSV (one row
//! per use, fixed columns) and as JSON (one object).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use clearance_store::model::{Decision, Production};
use clearance_store::reports::ProductionUse;
use maud::{Markup, html};
use serde::Serialize;

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

/// A production and its declared uses, as every form of the report has them.
struct Report {
    production: Production,
    generated_at: i64,
    today: String,
    uses: Vec<(ProductionUse, IntakeSummary)>,
}

async fn report(state: &Shared, viewer: &Viewer, id: i64) -> Result<Report, PageError> {
    let (production, _) = production_for(state, viewer, id).await?;
    let uses = state.store.production_uses(id).await?;
    let generated_at = state.now();
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
    })
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
        },
    ))
}

/// The CSV columns, in order (stable: add new ones at the end).
pub(super) const CSV_COLUMNS: [&str; 22] = [
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

fn csv_row(proposal: &ProductionUse, intake: &IntakeSummary, today: &str) -> Vec<String> {
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
    ]
}

/// The file name of a download: `disclosure-<id>-<date>.<ext>`.
fn file_name(report: &Report, disposition: &str, extension: &str) -> String {
    format!(
        "{disposition}; filename=\"disclosure-{}-{}.{extension}\"",
        report.production.id, report.today
    )
}

pub(super) async fn csv_report(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let report = report(&state, &viewer, id).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |error: csv::Error| {
        PageError::Api(ApiError::Internal(anyhow::anyhow!(
            "writing the CSV: {error}"
        )))
    };
    writer.write_record(CSV_COLUMNS).map_err(failed)?;
    for (proposal, intake) in &report.uses {
        writer
            .write_record(csv_row(proposal, intake, &report.today))
            .map_err(failed)?;
    }
    let bytes = writer.into_inner().map_err(|error| {
        PageError::Api(ApiError::Internal(anyhow::anyhow!(
            "writing the CSV: {error}"
        )))
    })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                file_name(&report, "attachment", "csv"),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// The JSON report.
#[derive(Debug, Serialize)]
struct JsonReport {
    production: JsonProduction,
    generated_at: String,
    uses: Vec<JsonUse>,
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
