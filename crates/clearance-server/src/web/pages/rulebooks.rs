//! `/rulebooks`: the rulebooks in force; `/rulebooks/{id}`: every clause, readable by people,
//! at `#clause-{key}`, with the rules citing it; `/rulebooks/{id}/impact` (admins): what a
//! candidate version would change.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clearance_rulebook::Rule;
use maud::{Markup, html};
use serde::Deserialize;

use super::proposals::maybe_tier;
use crate::error::{ApiError, ProblemBody};
use crate::routes::directory::Ids;
use crate::routes::registry::Impact;
use crate::routes::registry::rulebooks::{get_rulebook, impact, list_rulebooks};
use crate::state::Shared;
use crate::web::layout::{PageError, csrf_field, page, status_badge, tier_badge, when};
use crate::web::session::{Posted, Viewer};

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/rulebooks", get(list))
        .route("/rulebooks/{id}", get(detail))
        .route("/rulebooks/{id}/impact", get(impact_page).post(impact_post))
}

async fn list(State(state): State<Shared>, viewer: Viewer) -> Result<Markup, PageError> {
    let versions = list_rulebooks(State(state.clone()), viewer.caller())
        .await?
        .0;
    let active = state.active_rulebooks();
    Ok(page(
        "Rulebooks",
        Some(&viewer),
        html! {
            h1 { "Rulebooks" }
            p.help { "The rulebooks in force: every proposal is evaluated under those its production uses." }
            @if active.is_empty() {
                p.empty { "No rulebook is in force." }
            } @else {
                table.list #rulebooks {
                    thead {
                        tr {
                            th scope="col" { "Rulebook" }
                            th scope="col" { "Id" }
                            th scope="col" { "Version" }
                            th scope="col" { "Digest" }
                            th scope="col" { "Clauses" }
                            th scope="col" { "Rules" }
                        }
                    }
                    tbody {
                        @for rulebook in &active {
                            tr {
                                td { a href={ "/rulebooks/" (rulebook.id) } { (rulebook.title) } }
                                td { code { (rulebook.id) } }
                                td { (rulebook.version) }
                                td { code.digest { (rulebook.digest) } }
                                td { (rulebook.clauses.len()) }
                                td { (rulebook.rules.len()) }
                            }
                        }
                    }
                }
            }
            @if versions.iter().any(|version| !version.active) {
                h2 { "Earlier versions" }
                table.list {
                    thead { tr { th scope="col" { "Id" } th scope="col" { "Version" } th scope="col" { "Digest" } th scope="col" { "Added" } } }
                    tbody {
                        @for version in versions.iter().filter(|version| !version.active) {
                            tr {
                                td { code { (version.id) } }
                                td { (version.version) }
                                td { code.digest { (version.digest) } }
                                td { (when(version.created_at)) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn detail(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    let rulebook = get_rulebook(State(state.clone()), viewer.caller(), Ids(id.clone()))
        .await?
        .0;
    let loaded = state
        .rulebooks_for(std::slice::from_ref(&id))
        .ok()
        .and_then(|mut found| found.pop());
    let mut citing: HashMap<&str, Vec<&Rule>> = HashMap::new();
    if let Some(loaded) = &loaded {
        for rule in &loaded.rules {
            for key in rule.citations.iter() {
                citing.entry(key).or_default().push(rule);
            }
        }
    }
    Ok(page(
        &rulebook.title,
        Some(&viewer),
        html! {
            h1 { (rulebook.title) }
            dl.facts {
                dt { "Id" } dd { code { (rulebook.id) } }
                dt { "Version" } dd { (rulebook.version) }
                dt { "Digest" } dd { code.digest { (rulebook.digest) } }
                dt { "Source" } dd { (rulebook.source) }
                dt { "Rules" } dd { (rulebook.rule_count) }
            }
            @if let Some(description) = &rulebook.description {
                p { (description) }
            }
            @if viewer.is_admin() {
                p.actions { a.button.secondary href={ "/rulebooks/" (rulebook.id) "/impact" } { "Try a new version" } }
            }
            h2 { "Clauses" }
            nav.toc aria-label="Clauses" {
                ol {
                    @for clause in &rulebook.clauses {
                        li { a href={ "#clause-" (clause.key) } { (clause.title) } }
                    }
                }
            }
            @for clause in &rulebook.clauses {
                section.clause id={ "clause-" (clause.key) } aria-labelledby={ "clause-title-" (clause.key) } {
                    h3 id={ "clause-title-" (clause.key) } { (clause.title) }
                    p.muted { code { (clause.key) } }
                    @match &clause.text {
                        Some(text) => p { (text) },
                        None => p.muted { "No text is given for this clause." },
                    }
                    @if let Some(rules) = citing.get(clause.key.as_str()) {
                        details.rules {
                            summary { "Rules citing it (" (rules.len()) ")" }
                            ul {
                                @for rule in rules {
                                    li {
                                        code { (rule.id) } " " (tier_badge(rule.tier)) " "
                                        (rule.description)
                                    }
                                }
                            }
                        }
                    } @else {
                        p.muted { "No rule cites it." }
                    }
                }
            }
        },
    ))
}

/// The candidate text of the impact form.
#[derive(Debug, Deserialize)]
struct Candidate {
    #[serde(default)]
    candidate: String,
}

fn require_admin(viewer: &Viewer) -> Result<(), PageError> {
    if viewer.is_admin() {
        Ok(())
    } else {
        Err(PageError::Api(ApiError::Forbidden(
            "only an admin can try a rulebook version".to_owned(),
        )))
    }
}

async fn impact_page(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Markup, PageError> {
    require_admin(&viewer)?;
    let stored = state.store.active_rulebooks().await?;
    let current = stored
        .into_iter()
        .find(|stored| stored.id == id)
        .ok_or_else(|| ApiError::not_found(format!("rulebook `{id}`")))?;
    Ok(impact_form(&viewer, &id, &current.source, &[], None))
}

async fn impact_post(
    State(state): State<Shared>,
    Path(id): Path<String>,
    posted: Posted<Candidate>,
) -> Result<Response, PageError> {
    let viewer = posted.viewer;
    require_admin(&viewer)?;
    let text = posted.form.candidate;
    if text.trim().is_empty() {
        let problems = [ProblemBody {
            path: String::new(),
            line: 0,
            column: 0,
            message: "paste the candidate rulebook (YAML)".to_owned(),
            help: None,
        }];
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            impact_form(&viewer, &id, &text, &problems, None),
        )
            .into_response());
    }
    match impact(
        State(state.clone()),
        viewer.caller(),
        Bytes::from(text.clone()),
    )
    .await
    {
        Ok(result) => Ok(impact_form(&viewer, &id, &text, &[], Some(&result.0)).into_response()),
        Err(ApiError::Invalid { problems, .. }) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            impact_form(&viewer, &id, &text, &problems, None),
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}

fn impact_form(
    viewer: &Viewer,
    id: &str,
    text: &str,
    problems: &[ProblemBody],
    result: Option<&Impact>,
) -> Markup {
    html! {
        (page(
            "Impact of a rulebook version",
            Some(viewer),
            html! {
                h1 { "Impact of a new version of " code { (id) } }
                p.help {
                    "Paste a candidate version of the rulebook: every open, acknowledged or approved proposal of the "
                    "productions using it is evaluated with it in place of the version in force. Nothing is stored."
                }
                @if let Some(result) = result {
                    (impact_result(id, result))
                }
                form #impact-form method="post" action={ "/rulebooks/" (id) "/impact" } {
                    (csrf_field(viewer))
                    label for="candidate" { "Candidate rulebook (YAML)" }
                    @if !problems.is_empty() {
                        ul.problems #candidate-problems role="alert" {
                            @for problem in problems {
                                li {
                                    @if problem.line > 0 { "Line " (problem.line) ", column " (problem.column) ": " }
                                    @if !problem.path.is_empty() { code { (problem.path) } ": " }
                                    (problem.message)
                                    @if let Some(help) = &problem.help { " (" (help) ")" }
                                }
                            }
                        }
                    }
                    textarea #candidate.code name="candidate" rows="24" spellcheck="false" required
                        aria-describedby=[(!problems.is_empty()).then_some("candidate-problems")] { (text) }
                    div.actions { button type="submit" { "Show the impact" } }
                }
            },
        ))
    }
}

fn impact_result(id: &str, result: &Impact) -> Markup {
    html! {
        section #impact-result aria-labelledby="impact-title" {
            h2 #impact-title { "Version " (result.version) " of " code { (result.id) } }
            @if result.id != id {
                p.error { "This candidate is rulebook " code { (result.id) } ", not " code { (id) } "." }
            }
            p.muted {
                "In force now: " (result.active_version.as_deref().unwrap_or("none"))
                ". Candidate digest: " code.digest { (result.digest) }
            }
            @if !result.test_failures.is_empty() {
                div.error role="alert" {
                    p { "The candidate's own tests fail (it could not be put in force):" }
                    ul { @for failure in &result.test_failures { li { (failure) } } }
                }
            }
            ul.counts {
                li { (result.counts.evaluated) " proposals evaluated" }
                li { (result.counts.changed) " would change tier" }
                li { (result.counts.raised) " would rise" }
                li { (result.counts.lowered) " would fall" }
                li { (result.counts.approved_raised) " approved proposals would need approving again" }
            }
            @if result.proposals.is_empty() {
                p.notice { "No proposal would change tier." }
            } @else {
                table.list #impact-proposals {
                    thead {
                        tr {
                            th scope="col" { "Proposal" }
                            th scope="col" { "Status" }
                            th scope="col" { "Tier now" }
                            th scope="col" { "With the candidate" }
                        }
                    }
                    tbody {
                        @for entry in &result.proposals {
                            tr {
                                td { a href={ "/proposals/" (entry.proposal_id) } { (entry.title) } }
                                td { (status_badge(entry.status)) }
                                td { (maybe_tier(entry.tier_now)) }
                                td data-tier-then=(entry.tier_then.as_str()) { (tier_badge(entry.tier_then)) }
                            }
                        }
                    }
                }
            }
        }
    }
}
