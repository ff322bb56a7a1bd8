//! The productions area: `/productions` (the viewer's productions and their proposals by
//! status), each production's dashboard (`/productions/{id}`), its disclosure report
//! (`/productions/{id}/disclosure`, `.csv`, `.json`, and `disclosure-delivery.csv`), and its
//! deliverables scans (`/deliveries/{id}`).
//!
//! Who sees what: a production's members (in the capacity their role allows) and admins, as
//! for the API; anyone else gets 404 for all of it ([`crate::auth::Caller::production_access`]).
//!
//! Definitions used by the dashboard and the report:
//! - **Declared use**: a proposal that was shared with the studio and not taken back, i.e. any
//!   status but `draft` (never submitted) and `withdrawn` (taken back by the production). The
//!   disclosure report lists every declared use, refused and expired ones included (the studio
//!   was told of them), with its latest written decision.
//! - **Open**: not settled yet: draft, submitted, acknowledged, in review, changes requested, or
//!   approved but needing approval again (its tier rose after the approval).
//! - **Categories** of a declared use (a use can be in several; see [`categories`]).

mod dashboard;
mod deliveries;
mod disclosure;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use clearance_domain::Tier;
use clearance_store::model::{Millis, Production, Status};
use clearance_store::reports::{ConsentUse, ProductionUse};
use maud::{Markup, html};
use serde::Deserialize;

use crate::auth::Access;
use crate::error::ApiError;
use crate::routes::directory::productions::list_productions;
use crate::state::Shared;
use crate::web::layout::{PageError, page, status_words};
use crate::web::session::Viewer;

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/productions", get(list))
        .route("/productions/{id}", get(dashboard::dashboard))
        .route("/productions/{id}/disclosure", get(disclosure::html_report))
        .route(
            "/productions/{id}/disclosure.csv",
            get(disclosure::csv_report),
        )
        .route(
            "/productions/{id}/disclosure.json",
            get(disclosure::json_report),
        )
        .route(
            "/productions/{id}/disclosure-delivery.csv",
            get(disclosure::delivery_csv),
        )
        .route("/deliveries/{id}", get(deliveries::delivery_page))
        .route("/deliveries/{id}/report.json", get(deliveries::report_json))
}

/// The statuses that make a proposal a declared use.
pub(super) fn declared(status: Status) -> bool {
    !matches!(status, Status::Draft | Status::Withdrawn)
}

/// Whether a proposal is still open (see the module's definitions).
pub(super) fn open(proposal: &ProductionUse) -> bool {
    match proposal.status {
        Status::Draft
        | Status::Submitted
        | Status::Acknowledged
        | Status::InReview
        | Status::ChangesRequested => true,
        Status::Approved => proposal.needs_reapproval,
        Status::Refused | Status::Withdrawn | Status::Expired => false,
    }
}

/// The production (404 for a viewer who is not a member, nor an admin: exactly as the API).
pub(super) async fn production_for(
    state: &Shared,
    viewer: &Viewer,
    id: i64,
) -> Result<(Production, Access), PageError> {
    let access = viewer.caller().production_access(state, id).await?;
    let production = state
        .store
        .production(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("production {id}")))?;
    Ok((production, access))
}

/// The parts of a stored intake (its canonical JSON) the reports show; everything else is
/// ignored, and a field that is missing stays empty.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct IntakeSummary {
    pub(super) stage: Option<String>,
    pub(super) element: Option<String>,
    pub(super) output: OutputSummary,
    pub(super) inputs: Option<Vec<String>>,
    pub(super) tools: Option<Vec<ToolSummary>>,
    pub(super) talent: TalentSummary,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct OutputSummary {
    #[serde(rename = "final")]
    pub(super) final_deliverable: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ToolSummary {
    pub(super) name: Option<String>,
    pub(super) tool_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct TalentSummary {
    pub(super) uses: Option<Vec<String>>,
}

impl IntakeSummary {
    /// Reads the stored intake (an unreadable one shows as empty rather than failing a report).
    pub(super) fn of(intake: &str) -> IntakeSummary {
        serde_json::from_str(intake).unwrap_or_default()
    }

    /// The tools as `name (tool_id)`.
    pub(super) fn tool_labels(&self) -> Vec<String> {
        self.tools
            .iter()
            .flatten()
            .map(|tool| match (&tool.name, &tool.tool_id) {
                (Some(name), Some(id)) => format!("{name} ({id})"),
                (Some(name), None) => name.clone(),
                (None, Some(id)) => id.clone(),
                (None, None) => "(unnamed)".to_owned(),
            })
            .collect()
    }
}

/// Inputs that make a use a data use: material that is confidential, personal, or someone
/// else's (script pages, unreleased footage or production images, contracts, a performer's
/// likeness or voice, personal data, identifiable real people, third-party copyrighted work).
pub(super) const DATA_INPUTS: [&str; 11] = [
    "script",
    "unreleased_footage",
    "production_images",
    "contracts",
    "talent_likeness",
    "talent_voice",
    "personal_data",
    "named_performer",
    "public_figure",
    "deceased_person",
    "third_party_copyrighted",
];

/// The categories of uses, in the dashboard's order.
pub(super) const CATEGORIES: [&str; 5] = [
    "Ideation",
    "Final on-screen",
    "Talent",
    "Data",
    "None of these",
];

/// The categories of one use (indexes into [`CATEGORIES`]); a use can be in several:
/// - **Ideation**: stage `ideation` or `development`, and `output.final` is `no`;
/// - **Final on-screen**: `output.final` is `yes` (generated material in the deliverables);
/// - **Talent**: `talent.uses` names at least one use (a replica, de-ageing, a face swap…);
/// - **Data**: `inputs` names one of [`DATA_INPUTS`];
/// - **None of these**: in none of the above (for example `output.final` left unanswered at
///   the production stage).
pub(super) fn categories(intake: &IntakeSummary) -> Vec<usize> {
    let final_answer = intake.output.final_deliverable.as_deref();
    let mut found = Vec::new();
    if matches!(intake.stage.as_deref(), Some("ideation" | "development"))
        && final_answer == Some("no")
    {
        found.push(0);
    }
    if final_answer == Some("yes") {
        found.push(1);
    }
    if intake
        .talent
        .uses
        .as_ref()
        .is_some_and(|uses| !uses.is_empty())
    {
        found.push(2);
    }
    if intake
        .inputs
        .iter()
        .flatten()
        .any(|input| DATA_INPUTS.contains(&input.as_str()))
    {
        found.push(3);
    }
    if found.is_empty() {
        found.push(4);
    }
    found
}

/// A tier's short name.
pub(super) fn tier_name(tier: Option<Tier>) -> &'static str {
    match tier {
        Some(Tier::Notify) => "Notify",
        Some(Tier::Escalate) => "Escalate",
        Some(Tier::Approval) => "Approval",
        Some(Tier::Blocked) => "Blocked",
        None => "Not evaluated",
    }
}

/// A consent record's standing today (`today` is `YYYY-MM-DD`): `revoked`, `expired`, its
/// state (`signed`, `requested`), or `no such record`.
pub(super) fn consent_status(consent: &ConsentUse, today: &str) -> &'static str {
    match &consent.state {
        None => "no such record",
        Some(_) if consent.revoked_at.is_some() => "revoked",
        Some(_)
            if consent
                .expires_on
                .as_deref()
                .is_some_and(|expiry| expiry < today) =>
        {
            "expired"
        }
        Some(state) if state == "signed" => "signed",
        Some(state) if state == "requested" => "requested",
        Some(_) => "other",
    }
}

/// `YYYY-MM-DD` (UTC) of a time.
pub(super) fn date(millis: Millis) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|at| {
            at.format(time::macros::format_description!("[year]-[month]-[day]"))
                .ok()
        })
        .unwrap_or_default()
}

/// RFC 3339 (UTC) of a time.
pub(super) fn rfc3339(millis: Millis) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

async fn list(State(state): State<Shared>, viewer: Viewer) -> Result<Markup, PageError> {
    // The API's own list, so the productions shown are exactly those the API would show.
    let productions = list_productions(State(state.clone()), viewer.caller())
        .await?
        .0;
    let member = (!viewer.is_admin()).then_some(viewer.person.id);
    let counts = state.store.status_counts(member).await?;
    let count = |production: i64, status: Status| -> i64 {
        counts
            .iter()
            .filter(|c| c.production_id == production && c.status == status)
            .map(|c| c.count)
            .sum()
    };
    Ok(page(
        "Productions",
        Some(&viewer),
        html! {
            h1 { "Productions" }
            @if productions.is_empty() {
                p.muted { "You are not a member of any production yet." }
            } @else {
                div.table-scroll {
                    table.productions {
                        caption.visually-hidden { "Productions and their proposals by status" }
                        thead {
                            tr {
                                th scope="col" { "Production" }
                                th scope="col" { "Studio" }
                                @for status in Status::ALL {
                                    th scope="col" { (status_words(status)) }
                                }
                                th scope="col" { "Total" }
                                th scope="col" { "Reports" }
                            }
                        }
                        tbody {
                            @for production in &productions {
                                tr {
                                    th scope="row" { a href={ "/productions/" (production.id) } { (production.title) } }
                                    td { (production.studio) }
                                    @for status in Status::ALL {
                                        td.number { (count(production.id, status)) }
                                    }
                                    td.number { (Status::ALL.iter().map(|s| count(production.id, *s)).sum::<i64>()) }
                                    td {
                                        a href={ "/productions/" (production.id) } { "Dashboard" } " · "
                                        a href={ "/productions/" (production.id) "/disclosure" } { "Disclosure report" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::{IntakeSummary, categories, consent_status};
    use clearance_store::reports::ConsentUse;

    fn of(json: &str) -> Vec<usize> {
        categories(&IntakeSummary::of(json))
    }

    #[test]
    fn uses_fall_into_the_documented_categories() {
        assert_eq!(
            of(r#"{"stage":"ideation","output":{"final":"no"},"inputs":["none"]}"#),
            vec![0]
        );
        assert_eq!(
            of(r#"{"stage":"development","output":{"final":"no"},"inputs":["script"]}"#),
            vec![0, 3]
        );
        assert_eq!(
            of(
                r#"{"stage":"post_production","output":{"final":"yes"},"talent":{"uses":["voice_replica"]},"inputs":["talent_voice"]}"#
            ),
            vec![1, 2, 3]
        );
        assert_eq!(
            of(r#"{"stage":"production","talent":{"uses":[]}}"#),
            vec![4]
        );
        assert_eq!(of("not json"), vec![4]);
    }

    #[test]
    fn consent_standing() {
        let mut consent = ConsentUse {
            id: "CR-1".into(),
            state: Some("signed".into()),
            revoked_at: None,
            expires_on: Some("2026-01-01".into()),
        };
        assert_eq!(consent_status(&consent, "2025-12-31"), "signed");
        assert_eq!(consent_status(&consent, "2026-01-02"), "expired");
        consent.revoked_at = Some(1);
        assert_eq!(consent_status(&consent, "2025-12-31"), "revoked");
        consent.state = None;
        assert_eq!(consent_status(&consent, "2025-12-31"), "no such record");
    }
}
