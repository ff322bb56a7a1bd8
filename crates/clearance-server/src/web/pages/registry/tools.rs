//! `/tools`: the registered tools and their data terms, the proposals using each (those the
//! viewer may see), and for admins a form to register one and a form per tool to change its
//! terms.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clearance_domain::vocabulary::{Answer, Environment, Vocabulary};
use clearance_store::model::{NewTool, Proposal, ToolRecord};
use maud::{Markup, html};

use super::{
    Done, Fields, Problems, anchor, field, optional, proposals_count, referencing, segment,
};
use crate::error::ApiError;
use crate::routes::directory::{Body, Ids};
use crate::routes::registry::ToolUpdate;
use crate::routes::registry::tools::{create_tool, get_tool, list_tools, update_tool};
use crate::state::Shared;
use crate::web::layout::{PageError, csrf_field, page};
use crate::web::session::{Posted, Viewer};

/// A form shown again with its problems: `None` for the add form, else the tool's id.
#[derive(Debug, Default)]
struct Draft {
    tool: Option<String>,
    fields: Fields,
    problems: Problems,
}

pub(super) async fn list(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(done): Query<Done>,
) -> Result<Markup, PageError> {
    let notice = done.changed().map(|(id, count)| {
        format!(
            "The terms of {id} are saved; {} changed with them.",
            proposals_count(count)
        )
    });
    render(&state, &viewer, Draft::default(), notice).await
}

/// Every tool with the proposals using it that the viewer may see (through the API).
async fn with_references(
    state: &Shared,
    viewer: &Viewer,
) -> Result<Vec<(ToolRecord, Vec<Proposal>)>, PageError> {
    let tools = list_tools(State(state.clone()), viewer.caller()).await?.0;
    super::referenced_by(
        tools,
        |tool: &ToolRecord| {
            let (state, caller, id) = (state.clone(), viewer.caller(), tool.id.clone());
            async move {
                get_tool(State(state), caller, Ids(id))
                    .await
                    .ok()
                    .map(|detail| detail.0.proposals)
            }
        },
        "tool",
    )
    .await
}

/// A tool's current terms as form fields.
fn fields_of(tool: &ToolRecord) -> Fields {
    let mut fields = vec![
        ("id".to_owned(), tool.id.clone()),
        ("name".to_owned(), tool.name.clone()),
        ("environment".to_owned(), tool.environment.clone()),
        ("trains_on_inputs".to_owned(), tool.trains_on_inputs.clone()),
        ("revision".to_owned(), tool.revision.to_string()),
    ];
    for (name, value) in [
        ("vendor", &tool.vendor),
        ("retention", &tool.retention),
        ("terms_reviewed_on", &tool.terms_reviewed_on),
    ] {
        if let Some(value) = value {
            fields.push((name.to_owned(), value.clone()));
        }
    }
    fields
}

async fn render(
    state: &Shared,
    viewer: &Viewer,
    draft: Draft,
    notice: Option<String>,
) -> Result<Markup, PageError> {
    let tools = with_references(state, viewer).await?;
    let admin = viewer.is_admin();
    Ok(page(
        "Tools",
        Some(viewer),
        html! {
            h1 { "Registered tools" }
            p.help {
                "GenAI tools and vendor pipelines with their data terms; intakes reference them with "
                code { "tool_id" } ". Changing a tool's terms re-evaluates the proposals using it."
            }
            @if let Some(notice) = notice {
                p.notice role="status" { (notice) }
            }
            @if tools.is_empty() {
                p.empty { "No tool is registered yet." }
            } @else {
                table.list #tools {
                    thead {
                        tr {
                            th scope="col" { "Tool" }
                            th scope="col" { "Environment" }
                            th scope="col" { "Trains on inputs" }
                            th scope="col" { "Retention" }
                            th scope="col" { "Terms reviewed" }
                            th scope="col" { "Used by" }
                        }
                    }
                    tbody {
                        @for (tool, proposals) in &tools {
                            tr id={ "tool-" (anchor(&tool.id)) } data-tool=(tool.id) {
                                td {
                                    strong { (tool.name) } br;
                                    code { (tool.id) }
                                    @if let Some(vendor) = &tool.vendor { br; span.muted { (vendor) } }
                                }
                                td { (tool.environment.replace('_', " ")) }
                                td { (tool.trains_on_inputs) }
                                td { (tool.retention.as_deref().unwrap_or("")) }
                                td { (tool.terms_reviewed_on.as_deref().unwrap_or("")) }
                                td { (referencing(proposals)) }
                            }
                            @if admin {
                                tr.edit {
                                    td colspan="6" {
                                        @let editing = draft.tool.as_deref() == Some(tool.id.as_str());
                                        details open[editing] {
                                            summary { "Change the terms of " (tool.name) }
                                            @if editing {
                                                (tool_form(viewer, Some(tool), &draft.fields, &draft.problems))
                                            } @else {
                                                (tool_form(viewer, Some(tool), &fields_of(tool), &Problems::default()))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if admin {
                section #add-tool aria-labelledby="add-tool-title" {
                    h2 #add-tool-title { "Register a tool" }
                    @if draft.tool.is_none() {
                        (tool_form(viewer, None, &draft.fields, &draft.problems))
                    } @else {
                        (tool_form(viewer, None, &Vec::new(), &Problems::default()))
                    }
                }
            }
        },
    ))
}

/// The add form (`tool` None) or the update form of a tool.
fn tool_form(
    viewer: &Viewer,
    tool: Option<&ToolRecord>,
    fields: &Fields,
    problems: &Problems,
) -> Markup {
    let prefix = match tool {
        Some(tool) => format!("tool-{}", anchor(&tool.id)),
        None => "new-tool".to_owned(),
    };
    let action = match tool {
        Some(tool) => format!("/tools/{}", segment(&tool.id)),
        None => "/tools".to_owned(),
    };
    let value = |name: &str| field(fields, name).to_owned();
    let text = |name: &str, label: &str, help: Option<&str>, required: bool| {
        let id = format!("{prefix}-{name}");
        html! {
            label for=(id) { (label) }
            @if let Some(help) = help { p.help { (help) } }
            (problems.at(&id, name))
            input id=(id) type="text" name=(name) value=(value(name)) required[required]
                aria-describedby=[problems.described(&id, name)];
        }
    };
    let choose = |name: &str, label: &str, names: &[&str]| {
        let id = format!("{prefix}-{name}");
        let current = value(name);
        html! {
            label for=(id) { (label) }
            (problems.at(&id, name))
            select id=(id) name=(name) aria-describedby=[problems.described(&id, name)] {
                @for option in names {
                    option value=(option) selected[current == *option] { (option.replace('_', " ")) }
                }
            }
        }
    };
    let shown = [
        "id",
        "name",
        "vendor",
        "environment",
        "trains_on_inputs",
        "retention",
        "terms_reviewed_on",
    ];
    let date_id = format!("{prefix}-terms_reviewed_on");
    html! {
        form.tool-form method="post" action=(action) {
            (csrf_field(viewer))
            @if problems.any() {
                p.error role="alert" { "Nothing was saved: see the problems below." }
                @for other in problems.others(&shown) { p.error { (other) } }
            }
            @match tool {
                Some(tool) => {
                    input type="hidden" name="revision" value=(if fields.is_empty() { tool.revision.to_string() } else { value("revision") });
                }
                None => {
                    (text("id", "Tool id", Some("The id intakes will reference, for example acme-voice-enterprise."), true))
                }
            }
            (text("name", "Name", None, true))
            (text("vendor", "Vendor", None, false))
            (choose("environment", "Environment", Environment::NAMES))
            (choose("trains_on_inputs", "Trains on inputs or outputs", Answer::NAMES))
            (text("retention", "Retention", Some("How long inputs and outputs are kept, in words."), false))
            label for=(date_id) { "Terms reviewed on" }
            (problems.at(&date_id, "terms_reviewed_on"))
            input id=(date_id) type="date" name="terms_reviewed_on" value=(value("terms_reviewed_on"))
                aria-describedby=[problems.described(&date_id, "terms_reviewed_on")];
            div.actions {
                button type="submit" { @if tool.is_some() { "Save the terms" } @else { "Register the tool" } }
            }
        }
    }
}

fn new_tool(id: &str, fields: &Fields) -> NewTool {
    NewTool {
        id: id.to_owned(),
        name: field(fields, "name").to_owned(),
        vendor: optional(fields, "vendor"),
        environment: field(fields, "environment").trim().to_owned(),
        trains_on_inputs: field(fields, "trains_on_inputs").trim().to_owned(),
        retention: optional(fields, "retention"),
        terms_reviewed_on: optional(fields, "terms_reviewed_on"),
    }
}

fn without_csrf(fields: Fields) -> Fields {
    fields
        .into_iter()
        .filter(|(name, _)| name != "csrf")
        .collect()
}

async fn invalid(
    state: &Shared,
    viewer: &Viewer,
    tool: Option<String>,
    fields: Fields,
    problems: Problems,
) -> Result<Response, PageError> {
    let page = render(
        state,
        viewer,
        Draft {
            tool,
            fields,
            problems,
        },
        None,
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub(super) async fn create(
    State(state): State<Shared>,
    posted: Posted<Fields>,
) -> Result<Response, PageError> {
    let viewer = posted.viewer;
    let fields = without_csrf(posted.form);
    let new = new_tool(field(&fields, "id"), &fields);
    match create_tool(State(state.clone()), viewer.caller(), Body(new)).await {
        Ok((_, tool)) => {
            Ok(Redirect::to(&format!("/tools#tool-{}", anchor(&tool.0.id))).into_response())
        }
        Err(ApiError::Invalid { problems, .. }) => {
            invalid(&state, &viewer, None, fields, Problems::of(&problems)).await
        }
        Err(ApiError::Conflict(message)) => {
            invalid(&state, &viewer, None, fields, Problems::one("id", &message)).await
        }
        Err(other) => Err(other.into()),
    }
}

pub(super) async fn update(
    State(state): State<Shared>,
    Path(id): Path<String>,
    posted: Posted<Fields>,
) -> Result<Response, PageError> {
    let viewer = posted.viewer;
    let fields = without_csrf(posted.form);
    let Ok(revision) = field(&fields, "revision").trim().parse::<i64>() else {
        return Err(PageError::BadRequest(
            "the form did not carry the tool's revision; reload the page".to_owned(),
        ));
    };
    let update = ToolUpdate {
        tool: new_tool(&id, &fields),
        revision,
    };
    match update_tool(
        State(state.clone()),
        viewer.caller(),
        Ids(id.clone()),
        Body(update),
    )
    .await
    {
        Ok(change) => Ok(Redirect::to(&Done::redirect(
            "/tools",
            &change.0.tool.id,
            change.0.reevaluated.len(),
        ))
        .into_response()),
        Err(ApiError::Invalid { problems, .. }) => {
            invalid(&state, &viewer, Some(id), fields, Problems::of(&problems)).await
        }
        Err(other) => Err(other.into()),
    }
}
