//! `/consents`: the consent records the viewer may see (the API's `list_consents` decides), the
//! proposals relying on each, a form to record one (admins and representatives) and a revoke
//! button on those the viewer may change.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clearance_domain::vocabulary::{TalentUse, Vocabulary};
use clearance_store::model::{ConsentRecord, Grantor, NewConsent, Production, Proposal, Role};
use maud::{Markup, html};
use serde::Deserialize;

use super::{
    Done, Fields, Problems, all, anchor, field, optional, proposals_count, referencing, segment,
};
use crate::error::ApiError;
use crate::routes::directory::{Body, Ids};
use crate::routes::registry::Revocation;
use crate::routes::registry::consents::{
    create_consent, get_consent, list_consents, revoke_consent,
};
use crate::state::Shared;
use crate::web::layout::{PageError, csrf_field, page};
use crate::web::pages::proposals::productions_of;
use crate::web::session::{Posted, Viewer};

/// The add form as typed (shown again with its problems).
#[derive(Debug, Default)]
struct Draft {
    fields: Fields,
    problems: Problems,
}

/// A revoke form that had a problem.
#[derive(Debug)]
struct RevokeProblem {
    id: String,
    reason: String,
    message: String,
}

fn may_record(viewer: &Viewer) -> bool {
    matches!(viewer.person.role, Role::Admin | Role::Representative)
}

fn may_change(viewer: &Viewer, consent: &ConsentRecord) -> bool {
    viewer.is_admin()
        || (viewer.person.role == Role::Representative
            && consent.representative_id == Some(viewer.person.id))
}

pub(super) async fn list(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(done): Query<Done>,
) -> Result<Markup, PageError> {
    let notice = done.changed().map(|(id, count)| {
        format!(
            "Consent {id} is revoked; {} changed with it.",
            proposals_count(count)
        )
    });
    render(&state, &viewer, Draft::default(), None, notice).await
}

/// The consents with the proposals relying on each (looked up together, through the API).
async fn with_references(
    state: &Shared,
    viewer: &Viewer,
) -> Result<Vec<(ConsentRecord, Vec<Proposal>)>, PageError> {
    let consents = list_consents(State(state.clone()), viewer.caller())
        .await?
        .0;
    super::referenced_by(
        consents,
        |consent: &ConsentRecord| {
            let (state, caller, id) = (state.clone(), viewer.caller(), consent.id.clone());
            async move {
                get_consent(State(state), caller, Ids(id))
                    .await
                    .ok()
                    .map(|detail| detail.0.proposals)
            }
        },
        "consent",
    )
    .await
}

async fn render(
    state: &Shared,
    viewer: &Viewer,
    draft: Draft,
    revoke_problem: Option<RevokeProblem>,
    notice: Option<String>,
) -> Result<Markup, PageError> {
    let (consents, productions) = tokio::try_join!(
        with_references(state, viewer),
        productions_of(state, viewer)
    )?;
    let names: HashMap<i64, &str> = productions
        .iter()
        .map(|production| (production.id, production.title.as_str()))
        .collect();
    Ok(page(
        "Consents",
        Some(viewer),
        html! {
            h1 { "Consent records" }
            p.help {
                "Performers' consents that intakes reference with " code { "consent_id" } ". "
                "Revoking one re-evaluates every proposal relying on it."
            }
            @if let Some(notice) = notice {
                p.notice role="status" { (notice) }
            }
            @if consents.is_empty() {
                p.empty { "No consent record to show." }
            } @else {
                table.list #consents {
                    thead {
                        tr {
                            th scope="col" { "Record" }
                            th scope="col" { "Performer" }
                            th scope="col" { "Covers" }
                            th scope="col" { "Dates" }
                            th scope="col" { "State" }
                            th scope="col" { "Relied on by" }
                            @if may_record(viewer) { th scope="col" { "Revoke" } }
                        }
                    }
                    tbody {
                        @for (consent, proposals) in &consents {
                            tr id={ "consent-" (anchor(&consent.id)) } data-consent=(consent.id) {
                                td { code { (consent.id) } }
                                td {
                                    (consent.performer)
                                    br;
                                    span.muted {
                                        "Granted by " (consent.granted_by)
                                        @if consent.grantor == Grantor::Estate { " (estate)" }
                                    }
                                }
                                td {
                                    (if consent.uses.is_empty() { "Every use".to_owned() } else { consent.uses.join(", ") })
                                    br;
                                    span.muted {
                                        @match consent.production_id {
                                            Some(id) => { (names.get(&id).map_or_else(|| format!("Production {id}"), |name| (*name).to_owned())) }
                                            None => "Any production",
                                        }
                                        @if let Some(media) = &consent.media { " · " (media) }
                                    }
                                    br;
                                    (consent.purpose)
                                }
                                td {
                                    @if let Some(granted) = &consent.granted_on { "Granted " (granted) br; }
                                    @if let Some(expires) = &consent.expires_on { "Expires " (expires) } @else { span.muted { "No expiry" } }
                                    @if let Some(hash) = &consent.evidence_sha256 {
                                        br; span.muted { "Evidence " code.digest title=(hash) { (hash.get(..12).unwrap_or(hash)) "…" } }
                                    }
                                }
                                td {
                                    @if let Some(reason) = &consent.revoked_reason {
                                        span.status.status-refused data-state="revoked" { "Revoked" }
                                        br; span.muted { (reason) }
                                    } @else if consent.revoked_at.is_some() {
                                        span.status.status-refused data-state="revoked" { "Revoked" }
                                    } @else {
                                        span.status data-state=(consent.state) { (if consent.state == "signed" { "Signed" } else { "Requested" }) }
                                    }
                                }
                                td { (referencing(proposals)) }
                                @if may_record(viewer) {
                                    td {
                                        @if consent.revoked_at.is_none() && may_change(viewer, consent) {
                                            (revoke_form(viewer, consent, revoke_problem.as_ref().filter(|p| p.id == consent.id)))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if may_record(viewer) {
                (add_form(viewer, &productions, &draft))
            }
        },
    ))
}

fn revoke_form(
    viewer: &Viewer,
    consent: &ConsentRecord,
    problem: Option<&RevokeProblem>,
) -> Markup {
    let id = format!("revoke-{}", anchor(&consent.id));
    html! {
        form.revoke method="post" action={ "/consents/" (segment(&consent.id)) "/revoke" } {
            (csrf_field(viewer))
            label for=(id) { "Reason" }
            @if let Some(problem) = problem {
                p.error id={ (id) "-problem" } { (problem.message) }
            }
            input id=(id) type="text" name="reason" required
                value=(problem.map_or("", |p| p.reason.as_str()))
                aria-describedby=[problem.map(|_| format!("{id}-problem"))];
            button.danger type="submit" data-confirm={ "Revoke consent " (consent.id) "? The proposals relying on it are re-evaluated." } { "Revoke" }
        }
    }
}

fn add_form(viewer: &Viewer, productions: &[Production], draft: &Draft) -> Markup {
    let fields = &draft.fields;
    let problems = &draft.problems;
    let value = |name: &str| field(fields, name).to_owned();
    let uses = all(fields, "uses");
    let grantor = if field(fields, "grantor") == "estate" {
        "estate"
    } else {
        "performer"
    };
    let state = if field(fields, "state") == "requested" {
        "requested"
    } else {
        "signed"
    };
    let shown = [
        "id",
        "performer",
        "grantor",
        "granted_by",
        "representative_id",
        "production_id",
        "uses",
        "media",
        "purpose",
        "state",
        "granted_on",
        "expires_on",
        "evidence_sha256",
    ];
    let text = |name: &str, label: &str, help: Option<&str>, required: bool| {
        let id = format!("consent-{name}");
        html! {
            label for=(id) { (label) }
            @if let Some(help) = help { p.help { (help) } }
            (problems.at(&id, name))
            input id=(id) type="text" name=(name) value=(value(name)) required[required]
                aria-invalid=[problems.described(&id, name).map(|_| "true")]
                aria-describedby=[problems.described(&id, name)];
        }
    };
    let date = |name: &str, label: &str| {
        let id = format!("consent-{name}");
        html! {
            label for=(id) { (label) }
            (problems.at(&id, name))
            input id=(id) type="date" name=(name) value=(value(name))
                aria-describedby=[problems.described(&id, name)];
        }
    };
    html! {
        section #add-consent aria-labelledby="add-consent-title" {
            h2 #add-consent-title { "Record a consent" }
            @if problems.any() {
                p.error role="alert" { "The record was not saved: see the problems below." }
                @for other in problems.others(&shown) { p.error { (other) } }
            }
            form #consent-form method="post" action="/consents" {
                (csrf_field(viewer))
                (text("id", "Record id", Some("The id intakes will reference, for example CR-2025-0042."), true))
                (text("performer", "Performer", None, true))
                fieldset {
                    legend { "Granted by" }
                    (problems.at("consent-grantor", "grantor"))
                    div.choices {
                        label for="consent-grantor-performer" { input #consent-grantor-performer type="radio" name="grantor" value="performer" checked[grantor == "performer"]; "The performer" }
                        label for="consent-grantor-estate" { input #consent-grantor-estate type="radio" name="grantor" value="estate" checked[grantor == "estate"]; "Their estate" }
                    }
                }
                (text("granted_by", "Name of who signed", None, true))
                @if viewer.is_admin() {
                    (text("representative_id", "Representative (person id)", Some("The representative who manages this record; leave empty for none."), false))
                    label for="consent-production_id" { "Production" }
                    (problems.at("consent-production_id", "production_id"))
                    select #consent-production_id name="production_id" {
                        option value="" selected[value("production_id").is_empty()] { "Any production" }
                        @for production in productions {
                            @let id = production.id.to_string();
                            option value=(id) selected[value("production_id") == id] { (production.title) }
                        }
                    }
                } @else {
                    (text("production_id", "Production id", Some("The production it is limited to; leave empty for any production."), false))
                }
                fieldset {
                    legend { "Uses covered" }
                    p.help { "None checked: every use." }
                    (problems.at("consent-uses", "uses"))
                    div.choices {
                        @for name in TalentUse::NAMES {
                            @let id = format!("consent-use-{name}");
                            label for=(id) {
                                input id=(id) type="checkbox" name="uses" value=(name) checked[uses.contains(name)];
                                (name.replace('_', " "))
                            }
                        }
                    }
                }
                (text("media", "Media", Some("For example: episodic streaming, trailers."), false))
                (text("purpose", "Purpose", None, true))
                label for="consent-state" { "State" }
                (problems.at("consent-state", "state"))
                select #consent-state name="state" {
                    option value="signed" selected[state == "signed"] { "Signed" }
                    option value="requested" selected[state == "requested"] { "Requested (not yet signed)" }
                }
                (date("granted_on", "Granted on"))
                (date("expires_on", "Expires on"))
                (text("evidence_sha256", "Evidence SHA-256", Some("The SHA-256 of the signed document (64 hexadecimal characters)."), false))
                div.actions { button type="submit" { "Record the consent" } }
            }
        }
    }
}

/// The record the form describes, or the problems that keep it from being one.
fn new_consent(fields: &Fields) -> Result<NewConsent, Problems> {
    let (representative_id, production_id) = {
        let number = |name: &str| -> Result<Option<i64>, Problems> {
            match optional(fields, name) {
                None => Ok(None),
                Some(text) => text
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| Problems::one(name, &format!("`{text}` is not an id (a number)"))),
            }
        };
        (number("representative_id")?, number("production_id")?)
    };
    Ok(NewConsent {
        id: field(fields, "id").to_owned(),
        performer: field(fields, "performer").to_owned(),
        grantor: if field(fields, "grantor") == "estate" {
            Grantor::Estate
        } else {
            Grantor::Performer
        },
        granted_by: field(fields, "granted_by").to_owned(),
        representative_id,
        production_id,
        uses: all(fields, "uses").into_iter().map(str::to_owned).collect(),
        media: optional(fields, "media"),
        purpose: field(fields, "purpose").to_owned(),
        state: if field(fields, "state").is_empty() {
            "signed".to_owned()
        } else {
            field(fields, "state").to_owned()
        },
        granted_on: optional(fields, "granted_on"),
        expires_on: optional(fields, "expires_on"),
        evidence_sha256: optional(fields, "evidence_sha256"),
    })
}

pub(super) async fn create(
    State(state): State<Shared>,
    posted: Posted<Fields>,
) -> Result<Response, PageError> {
    let viewer = posted.viewer;
    let fields: Fields = posted
        .form
        .into_iter()
        .filter(|(name, _)| name != "csrf")
        .collect();
    let invalid = |problems: Problems, fields: Fields| {
        let state = state.clone();
        let viewer = viewer.clone();
        async move {
            let page = render(&state, &viewer, Draft { fields, problems }, None, None).await?;
            Ok::<Response, PageError>((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    };
    let new = match new_consent(&fields) {
        Ok(new) => new,
        Err(problems) => return invalid(problems, fields).await,
    };
    match create_consent(State(state.clone()), viewer.caller(), Body(new)).await {
        Ok((_, consent)) => Ok(Redirect::to(&format!(
            "/consents#consent-{}",
            anchor(&consent.0.id)
        ))
        .into_response()),
        Err(ApiError::Invalid { problems, .. }) => invalid(Problems::of(&problems), fields).await,
        Err(ApiError::Conflict(message)) => invalid(Problems::one("id", &message), fields).await,
        Err(other) => Err(other.into()),
    }
}

/// The revoke form.
#[derive(Debug, Deserialize)]
pub(super) struct RevokeForm {
    #[serde(default)]
    reason: String,
}

pub(super) async fn revoke(
    State(state): State<Shared>,
    Path(id): Path<String>,
    posted: Posted<RevokeForm>,
) -> Result<Response, PageError> {
    let viewer = posted.viewer;
    let reason = posted.form.reason;
    match revoke_consent(
        State(state.clone()),
        viewer.caller(),
        Ids(id.clone()),
        Body(Revocation {
            reason: reason.clone(),
        }),
    )
    .await
    {
        Ok(change) => Ok(Redirect::to(&Done::redirect(
            "/consents",
            &id,
            change.0.reevaluated.len(),
        ))
        .into_response()),
        Err(ApiError::Invalid { problems, .. }) => {
            let message = problems
                .first()
                .map_or_else(|| "give the reason".to_owned(), |p| p.message.clone());
            let page = render(
                &state,
                &viewer,
                Draft::default(),
                Some(RevokeProblem {
                    id,
                    reason,
                    message,
                }),
                None,
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
