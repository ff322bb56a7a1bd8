//! The new proposal area: the intake as plain-language questions with a live triage panel.
//!
//! - `GET /proposals/new[?production=ID]`: the form, grouped like the guidance (what is made and
//!   where it is seen; what goes into the tools; which tools; talent; training; labour;
//!   audience), every input named by its intake path, and the triage panel
//!   (`<section id="triage">`) rendered on the server, so it works without JavaScript.
//! - `POST /proposals/triage`: the panel's HTML for the answers so far (the live panel posts the
//!   form here on every change, with the session's CSRF token).
//! - `POST /proposals/new` (`action` = `draft` | `submit`; `check` only refreshes the panel):
//!   the intake JSON built from the answers (rules in `fields`) is created exactly as by
//!   `POST /api/proposals`, then 303 to `/proposals/{id}`; problems come back as the form with
//!   every value kept and each problem next to its field (422).
//! - `GET|POST /proposals/{id}/edit`: the same form prefilled from the current version, saved
//!   as a new version through `PUT /api/proposals/{id}`'s handler (`revision` hidden field; a
//!   conflict, 409, keeps the values and says what happened).

mod fields;
mod panel;
mod questions;

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clearance_store::model::{
    Capacity, ConsentRecord, Production, Proposal, Role, Status, ToolRecord,
};
use maud::{Markup, html};
use serde::Deserialize;

use self::fields::{Built, Fields, build, from_intake};
use self::panel::PLACEHOLDER_PRODUCTION;
use self::questions::{
    ANSWERS, CONSENTS, Choice, DISCLOSURES, ELEMENTS, ENVIRONMENTS, INPUTS, MEDIA, PROMINENCE,
    REGIONS, ROLES, STAGES, TALENT_EXCEPTIONS, TALENT_USES, TRAINING_DATA, UNIONS,
};
use crate::error::{ApiError, ProblemBody};
use crate::routes::proposals::{require_partner, visible, write};
use crate::state::Shared;
use crate::triage;
use crate::web::layout::{PageError, csrf_field, page, status_badge};
use crate::web::session::{Posted, Viewer};

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/proposals/new", get(new_form).post(create))
        .route("/proposals/triage", post(triage_fragment))
        .route("/proposals/{id}/edit", get(edit_form).post(save_edit))
}

/// Tool rows shown at least.
const TOOL_ROWS: usize = 3;
/// Performer rows shown at least.
const PERFORMER_ROWS: usize = 2;

/// What the form offers to pick from.
struct Choices {
    productions: Vec<Production>,
    tools: Vec<ToolRecord>,
    /// Consent records and the words naming their production.
    consents: Vec<(ConsentRecord, String)>,
}

/// The productions where the viewer writes proposals: as a partner member, or all for an admin.
async fn partner_productions(
    state: &Shared,
    viewer: &Viewer,
) -> Result<Vec<Production>, PageError> {
    if viewer.is_admin() {
        return Ok(state.store.productions(None).await?);
    }
    if viewer.person.role != Role::Partner {
        return Ok(Vec::new());
    }
    let mut mine = Vec::new();
    for production in state.store.productions(Some(viewer.person.id)).await? {
        if state
            .store
            .capacity(production.id, viewer.person.id)
            .await?
            == Some(Capacity::Partner)
        {
            mine.push(production);
        }
    }
    Ok(mine)
}

/// The registry's tools and the consent records of `productions` (an admin also sees the
/// records not limited to a production).
async fn choices(
    state: &Shared,
    viewer: &Viewer,
    productions: Vec<Production>,
) -> Result<Choices, PageError> {
    let (tools, consents) = tokio::try_join!(state.store.tools(), state.store.consents(None))?;
    let ids: HashSet<i64> = productions.iter().map(|p| p.id).collect();
    let consents = consents
        .into_iter()
        .filter_map(|consent| {
            let place = match consent.production_id {
                Some(id) if ids.contains(&id) => productions
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.title.clone())?,
                Some(_) => return None,
                None if viewer.is_admin() => "any production".to_owned(),
                None => return None,
            };
            Some((consent, place))
        })
        .collect();
    Ok(Choices {
        productions,
        tools,
        consents,
    })
}

/// Problems of the intake in form terms (`tools[0]` may be form row 2).
fn form_problems(built: &Built, problems: Vec<ProblemBody>) -> Vec<ProblemBody> {
    problems
        .into_iter()
        .map(|mut problem| {
            problem.path = built.form_path(&problem.path);
            problem
        })
        .collect()
}

/// What the form page shows besides the values.
struct View<'a> {
    heading: String,
    intro: Markup,
    action: String,
    fields: &'a Fields,
    choices: &'a Choices,
    problems: Vec<ProblemBody>,
    message: Option<String>,
    allow_draft: bool,
    submit_label: &'static str,
}

async fn render(
    state: &Shared,
    viewer: &Viewer,
    view: View<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let panel = panel::panel(state, viewer, view.fields).await?;
    let title = view.heading.clone();
    let body = form_page(viewer, &view, panel);
    Ok((status, page(&title, Some(viewer), body)).into_response())
}

#[derive(Debug, Deserialize)]
struct NewQuery {
    production: Option<String>,
}

async fn new_form(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    let productions = partner_productions(&state, &viewer).await?;
    let mut fields = Fields::default();
    let chosen = query
        .production
        .as_deref()
        .and_then(|id| id.trim().parse::<i64>().ok())
        .filter(|id| productions.iter().any(|p| p.id == *id));
    match (chosen, productions.as_slice()) {
        (Some(id), _) => fields.set("production_id", id.to_string()),
        (None, [only]) => fields.set("production_id", only.id.to_string()),
        _ => {}
    }
    let choices = choices(&state, &viewer, productions).await?;
    render_new(
        &state,
        &viewer,
        &fields,
        &choices,
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render_new(
    state: &Shared,
    viewer: &Viewer,
    fields: &Fields,
    choices: &Choices,
    problems: Vec<ProblemBody>,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let intro = if choices.productions.is_empty() {
        html! { p.notice role="status" { "You are not a partner of any production, so you cannot declare a use yet. Ask your studio administrator to add you to your production." } }
    } else {
        html! { p { "Answer in plain words; every question you leave out counts as \"not sure\". The triage on the side updates as you answer." } }
    };
    render(
        state,
        viewer,
        View {
            heading: "New proposal".to_owned(),
            intro,
            action: "/proposals/new".to_owned(),
            fields,
            choices,
            problems,
            message,
            allow_draft: true,
            submit_label: "Submit to the studio",
        },
        status,
    )
    .await
}

async fn triage_fragment(
    State(state): State<Shared>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<Markup, PageError> {
    let fields = Fields(posted.form);
    panel::panel(&state, &posted.viewer, &fields).await
}

/// `draft` → false, `submit` → true.
fn submit_of(action: Option<&str>) -> Result<bool, PageError> {
    match action.unwrap_or("submit") {
        "draft" => Ok(false),
        "submit" => Ok(true),
        other => Err(PageError::BadRequest(format!(
            "`action` must be draft or submit, not `{other}`"
        ))),
    }
}

fn problem(path: &str, message: &str) -> ProblemBody {
    ProblemBody {
        path: path.to_owned(),
        line: 0,
        column: 0,
        message: message.to_owned(),
        help: None,
    }
}

async fn create(
    State(state): State<Shared>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Posted { viewer, form } = posted;
    let fields = Fields(form);
    let action = fields.one("action").map(str::to_owned);
    if action.as_deref() == Some("check") {
        let productions = partner_productions(&state, &viewer).await?;
        let choices = choices(&state, &viewer, productions).await?;
        return render_new(
            &state,
            &viewer,
            &fields,
            &choices,
            Vec::new(),
            None,
            StatusCode::OK,
        )
        .await;
    }
    let submit = submit_of(action.as_deref())?;
    let Some(production_id) = fields.production_id() else {
        let built = build(&fields, None, Some(PLACEHOLDER_PRODUCTION));
        let mut problems = vec![problem(
            "production_id",
            "Choose the production this use is for.",
        )];
        if let Err(ApiError::Invalid { problems: more, .. }) = triage::parse(&built.text()) {
            problems.extend(form_problems(&built, more));
        }
        let productions = partner_productions(&state, &viewer).await?;
        let choices = choices(&state, &viewer, productions).await?;
        return render_new(
            &state,
            &viewer,
            &fields,
            &choices,
            problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    // The API's handler checks the viewer's access before it reads the intake, so the title is
    // used only for someone who may write into the production.
    let title = state
        .store
        .production(production_id)
        .await?
        .map(|production| production.title);
    let built = build(
        &fields,
        None,
        Some(title.as_deref().unwrap_or(PLACEHOLDER_PRODUCTION)),
    );
    let body = format!(
        "{{\"production_id\":{production_id},\"submit\":{submit},\"intake\":{}}}",
        built.text()
    );
    match write::create_proposal(
        State(state.clone()),
        viewer.caller(),
        HeaderMap::new(),
        Bytes::from(body),
    )
    .await
    {
        Ok((_, Json(answer))) => {
            Ok(Redirect::to(&format!("/proposals/{}", answer.proposal.id)).into_response())
        }
        Err(ApiError::Invalid { message, problems }) => {
            let productions = partner_productions(&state, &viewer).await?;
            let choices = choices(&state, &viewer, productions).await?;
            let message = problems.is_empty().then_some(message);
            render_new(
                &state,
                &viewer,
                &fields,
                &choices,
                form_problems(&built, problems),
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

/// The proposal to edit and its production: 404 outside the production, 403 for a reviewer.
async fn editable(
    state: &Shared,
    viewer: &Viewer,
    id: i64,
) -> Result<(Proposal, Production), PageError> {
    let (proposal, access) = visible(state, &viewer.caller(), id).await?;
    require_partner(access)?;
    let production = write::production(state, proposal.production_id).await?;
    Ok((proposal, production))
}

async fn edit_form(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (proposal, production) = editable(&state, &viewer, id).await?;
    let version = state
        .store
        .version(id, proposal.current_version)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("proposal {id}")))?;
    let intake: serde_json::Value = serde_json::from_str(&version.intake)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("stored intake: {error}")))?;
    let mut fields = from_intake(&intake);
    fields.set("production_id", production.id.to_string());
    fields.set("revision", proposal.revision.to_string());
    render_edit(
        &state,
        &viewer,
        &proposal,
        production,
        &fields,
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

#[expect(clippy::too_many_arguments, reason = "one page, shown in several ways")]
async fn render_edit(
    state: &Shared,
    viewer: &Viewer,
    proposal: &Proposal,
    production: Production,
    fields: &Fields,
    problems: Vec<ProblemBody>,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let choices = choices(state, viewer, vec![production]).await?;
    let intro = html! {
        p {
            "Version " (proposal.current_version) " of "
            a href={ "/proposals/" (proposal.id) } { (proposal.title) }
            " is " (status_badge(proposal.status)) ". Saving makes version "
            (proposal.current_version + 1) "; the earlier versions are kept."
            @if proposal.status == Status::Approved {
                " A changed approved proposal goes back to review."
            }
        }
    };
    render(
        state,
        viewer,
        View {
            heading: format!("Edit: {}", proposal.title),
            intro,
            action: format!("/proposals/{}/edit", proposal.id),
            fields,
            choices: &choices,
            problems,
            message,
            allow_draft: proposal.status == Status::Draft,
            submit_label: if proposal.status == Status::Draft {
                "Submit to the studio"
            } else {
                "Save the new version"
            },
        },
        status,
    )
    .await
}

async fn save_edit(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Posted { viewer, form } = posted;
    let mut fields = Fields(form);
    let (proposal, production) = editable(&state, &viewer, id).await?;
    // A proposal stays in its production.
    fields.set("production_id", production.id.to_string());
    let action = fields.one("action").map(str::to_owned);
    if action.as_deref() == Some("check") {
        return render_edit(
            &state,
            &viewer,
            &proposal,
            production,
            &fields,
            Vec::new(),
            None,
            StatusCode::OK,
        )
        .await;
    }
    let submit = submit_of(action.as_deref())?;
    let Some(revision) = fields.one("revision").and_then(|r| r.parse::<i64>().ok()) else {
        return Err(PageError::BadRequest(
            "the form lost its `revision` field; reload the page".to_owned(),
        ));
    };
    let built = build(&fields, None, Some(&production.title));
    let body = format!(
        "{{\"revision\":{revision},\"submit\":{submit},\"intake\":{}}}",
        built.text()
    );
    match write::revise_proposal(
        State(state.clone()),
        viewer.caller(),
        Path(id),
        Bytes::from(body),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/proposals/{id}")).into_response()),
        Err(ApiError::Invalid { message, problems }) => {
            let message = problems.is_empty().then_some(message);
            render_edit(
                &state,
                &viewer,
                &proposal,
                production,
                &fields,
                form_problems(&built, problems),
                message,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(ApiError::Conflict(detail)) => {
            let message = if proposal.revision == revision {
                format!("Not saved: {detail}. Your answers are kept below.")
            } else {
                // Save again on top of what is there now, if the producer chooses to.
                fields.set("revision", proposal.revision.to_string());
                format!(
                    "Not saved: this proposal changed since you opened the form (someone saved it, or its status changed). \
                     Your answers are kept below. Open the proposal to see what changed; saving again makes your answers \
                     version {} on top of it.",
                    proposal.current_version + 1
                )
            };
            render_edit(
                &state,
                &viewer,
                &proposal,
                production,
                &fields,
                Vec::new(),
                Some(message),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

// ---- the form ----

/// An element id for a field (and one of its values).
fn field_id(name: &str, value: Option<&str>) -> String {
    let mut id = String::from("q-");
    let clean = |text: &str, id: &mut String| {
        for c in text.chars() {
            id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
        }
    };
    clean(name, &mut id);
    if let Some(value) = value {
        id.push_str("--");
        if value.is_empty() {
            id.push_str("not-sure");
        } else {
            clean(value, &mut id);
        }
    }
    id
}

struct Form<'a> {
    fields: &'a Fields,
    problems: &'a [ProblemBody],
}

impl Form<'_> {
    fn errors(&self, name: &str) -> Markup {
        html! {
            @for problem in self.problems.iter().filter(|p| p.path == name) {
                p.error id={ (field_id(name, None)) "-error" } {
                    (problem.message)
                    @if let Some(help) = &problem.help { " " span.muted { (help) } }
                }
            }
        }
    }

    fn text(&self, name: &str, label: &str, help: &str, long: bool) -> Markup {
        let id = field_id(name, None);
        let help_id = (!help.is_empty()).then(|| format!("{id}-help"));
        let value = self
            .fields
            .0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str());
        html! {
            div.question {
                label for=(id) { (label) }
                @if let Some(help_id) = &help_id { p.help id=(help_id) { (help) } }
                (self.errors(name))
                @if long {
                    textarea id=(id) name=(name) aria-describedby=[&help_id] { (value) }
                } @else {
                    input type="text" id=(id) name=(name) value=(value) aria-describedby=[&help_id];
                }
            }
        }
    }

    fn select(&self, name: &str, label: &str, help: &str, options: &[(String, String)]) -> Markup {
        let id = field_id(name, None);
        let help_id = (!help.is_empty()).then(|| format!("{id}-help"));
        let current = self.fields.one(name).unwrap_or("");
        html! {
            div.question {
                label for=(id) { (label) }
                @if let Some(help_id) = &help_id { p.help id=(help_id) { (help) } }
                (self.errors(name))
                select id=(id) name=(name) aria-describedby=[&help_id] {
                    @for (value, words) in options {
                        option value=(value) selected[value == current] { (words) }
                    }
                }
            }
        }
    }

    /// A radio group; a choice with an empty value is checked when the question is left out.
    fn radios(&self, name: &str, legend: &str, help: &str, choices: &[Choice]) -> Markup {
        let help_id = (!help.is_empty()).then(|| format!("{}-help", field_id(name, None)));
        let current = self.fields.one(name);
        html! {
            fieldset.question aria-describedby=[&help_id] {
                legend { (legend) }
                @if let Some(help_id) = &help_id { p.help id=(help_id) { (help) } }
                (self.errors(name))
                div.choices {
                    @for (value, words) in choices {
                        @let id = field_id(name, Some(value));
                        @let checked = match current { Some(current) => current == *value, None => value.is_empty() };
                        label for=(id) {
                            input type="radio" id=(id) name=(name) value=(value) checked[checked];
                            (words)
                        }
                    }
                }
            }
        }
    }

    fn checkboxes(&self, name: &str, legend: &str, help: &str, choices: &[Choice]) -> Markup {
        let help_id = (!help.is_empty()).then(|| format!("{}-help", field_id(name, None)));
        html! {
            fieldset.question aria-describedby=[&help_id] {
                legend { (legend) }
                @if let Some(help_id) = &help_id { p.help id=(help_id) { (help) } }
                (self.errors(name))
                div.choices {
                    @for (value, words) in choices {
                        @let id = field_id(name, Some(value));
                        label for=(id) {
                            input type="checkbox" id=(id) name=(name) value=(value) checked[self.fields.has(name, value)];
                            (words)
                        }
                    }
                }
            }
        }
    }
}

fn owned(choices: &[Choice]) -> Vec<(String, String)> {
    choices
        .iter()
        .map(|(value, words)| ((*value).to_owned(), (*words).to_owned()))
        .collect()
}

fn with_blank(choices: &[Choice]) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Not answered yet".to_owned())];
    options.extend(owned(choices));
    options
}

fn form_page(viewer: &Viewer, view: &View<'_>, panel: Markup) -> Markup {
    use self::questions as q;
    let form = Form {
        fields: view.fields,
        problems: &view.problems,
    };
    let fields = view.fields;
    let mut production_options = Vec::new();
    if view.choices.productions.len() != 1 {
        production_options.push((String::new(), "Choose a production".to_owned()));
    }
    production_options.extend(
        view.choices
            .productions
            .iter()
            .map(|p| (p.id.to_string(), format!("{} ({})", p.title, p.studio))),
    );
    let mut tool_options = vec![(String::new(), "None: describe it below".to_owned())];
    tool_options.extend(view.choices.tools.iter().map(|tool| {
        let vendor = tool
            .vendor
            .as_deref()
            .map(|v| format!(", {v}"))
            .unwrap_or_default();
        (
            tool.id.clone(),
            format!("{}{vendor} ({})", tool.name, tool.id),
        )
    }));
    let mut consent_options = vec![(String::new(), "No record".to_owned())];
    consent_options.extend(view.choices.consents.iter().map(|(consent, place)| {
        let revoked = if consent.revoked_at.is_some() {
            ", revoked"
        } else {
            ""
        };
        (
            consent.id.clone(),
            format!("{}: {} ({place}{revoked})", consent.id, consent.performer),
        )
    }));
    let tool_rows = fields
        .rows("tools")
        .last()
        .map_or(0, |last| last + 2)
        .max(TOOL_ROWS);
    let performer_rows = fields
        .rows("talent.performers")
        .last()
        .map_or(0, |last| last + 2)
        .max(PERFORMER_ROWS);
    html! {
        h1 { (view.heading) }
        (view.intro)
        @if let Some(message) = &view.message {
            p.error role="alert" { (message) }
        }
        @if !view.problems.is_empty() {
            div.problems role="alert" {
                h2 { "Please fix these answers" }
                ul {
                    @for problem in &view.problems {
                        @let label = q::label_of(&problem.path);
                        li {
                            a href={ "#" (field_id(&problem.path, None)) } {
                                @if label.is_empty() { (problem.path) } @else { (label) }
                            }
                            ": " (problem.message)
                        }
                    }
                }
            }
        }
        div.layout-with-panel {
            form #intake-form method="post" action=(view.action) data-triage="/proposals/triage" data-triage-target="triage" {
                (csrf_field(viewer))
                @if let Some(revision) = fields.one("revision") {
                    input type="hidden" name="revision" value=(revision);
                }
                @for key in ["production", "submitted_by"] {
                    @if let Some(value) = fields.one(key) {
                        input type="hidden" name=(key) value=(value);
                    }
                }
                fieldset.group {
                    legend { "What is made, and where it will be seen" }
                    (form.text("title", "Short name of this use", q::HELP_TITLE, false))
                    (form.select("production_id", "Production", q::HELP_PRODUCTION, &production_options))
                    (form.text("description", "What will be done", q::HELP_DESCRIPTION, true))
                    (form.text("vendor", "Vendor doing the GenAI work (if not your production)", q::HELP_VENDOR, false))
                    (form.select("stage", "Stage of the work", q::HELP_STAGE, &with_blank(STAGES)))
                    (form.select("element", "What is made", q::HELP_ELEMENT, &with_blank(ELEMENTS)))
                    (form.checkboxes("media", "Kinds of media", q::HELP_MEDIA, MEDIA))
                    (form.radios("output.final", "Will generated material be in the final deliverables?", q::HELP_FINAL, ANSWERS))
                    (form.radios("output.prominence", "How prominent is it on screen?", q::HELP_PROMINENCE, PROMINENCE))
                    (form.radios("output.mistaken_for_real", "Could it be mistaken for real events, people or statements?", q::HELP_MISTAKEN, ANSWERS))
                    (form.radios("output.human_input", "Will the final version carry meaningful human creative input?", q::HELP_HUMAN_INPUT, ANSWERS))
                }
                fieldset.group {
                    legend { "What goes into the tools" }
                    (form.checkboxes("inputs", "What do you feed to the tools?", q::HELP_INPUTS, INPUTS))
                }
                fieldset.group {
                    legend { "Which tools" }
                    p.help { (q::HELP_TOOLS) }
                    (form.errors("tools"))
                    @for row in 0..tool_rows {
                        fieldset.row {
                            legend { "Tool " (row + 1) }
                            (form.select(&format!("tools[{row}].tool_id"), "Registered tool", "", &tool_options))
                            (form.text(&format!("tools[{row}].name"), "Tool or pipeline step name", "", false))
                            (form.select(&format!("tools[{row}].environment"), "Where does it run?", q::HELP_ENVIRONMENT, &owned(ENVIRONMENTS)))
                            (form.radios(&format!("tools[{row}].trains_on_inputs"), "Does it store, reuse or train on your inputs or outputs?", q::HELP_TRAINS, ANSWERS))
                        }
                    }
                }
                fieldset.group {
                    legend { "Talent" }
                    (form.checkboxes("talent.uses", "Is a real person's likeness, voice or performance generated or altered?", q::HELP_TALENT_USES, TALENT_USES))
                    (form.radios("talent.exception", "Does one of these apply?", q::HELP_TALENT_EXCEPTION, TALENT_EXCEPTIONS))
                    p.help { (q::HELP_PERFORMERS) }
                    (form.errors("talent.performers"))
                    @for row in 0..performer_rows {
                        @let base = format!("talent.performers[{row}]");
                        fieldset.row {
                            legend { "Person " (row + 1) }
                            (form.text(&format!("{base}.name"), "Name", "", false))
                            (form.select(&format!("{base}.role"), "Role", "", &owned(ROLES)))
                            (form.radios(&format!("{base}.living"), "Is the person alive?", "", ANSWERS))
                            (form.select(&format!("{base}.union"), "Union", "", &owned(UNIONS)))
                            (form.select(&format!("{base}.consent"), "Consent", "", &owned(CONSENTS)))
                            (form.select(&format!("{base}.consent_id"), "Consent record", "", &consent_options))
                        }
                    }
                }
                fieldset.group {
                    legend { "Training" }
                    (form.radios("training.trains_model", "Is a model trained or fine-tuned for this use?", q::HELP_TRAINS_MODEL, ANSWERS))
                    (form.checkboxes("training.data", "What is it trained on?", q::HELP_TRAINING_DATA, TRAINING_DATA))
                    (form.radios("training.reuse_beyond_production", "Will the trained model be used beyond this production?", q::HELP_REUSE, ANSWERS))
                }
                fieldset.group {
                    legend { "Labour" }
                    (form.radios("union_work_impact", "Does it replace or materially affect union-represented work?", q::HELP_UNION, ANSWERS))
                }
                fieldset.group {
                    legend { "Audience" }
                    (form.checkboxes("distribution", "Where will it be shown?", q::HELP_DISTRIBUTION, REGIONS))
                    (form.radios("audience_disclosure", "Will the audience be told?", q::HELP_DISCLOSURE, DISCLOSURES))
                }
                div.actions {
                    button.secondary type="submit" name="action" value="check" { "Update the triage" }
                    @if view.allow_draft {
                        button.secondary type="submit" name="action" value="draft" { "Save as draft" }
                    }
                    button type="submit" name="action" value="submit" { (view.submit_label) }
                }
            }
            section id="triage" class="panel" aria-live="polite" aria-label="Triage" {
                (panel)
            }
        }
    }
}
