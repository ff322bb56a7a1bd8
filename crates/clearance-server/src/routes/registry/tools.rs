//! Registered tools and their data terms: admins register them and change their terms; every
//! signed-in person reads them. A change of terms re-evaluates the proposals using the tool.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clearance_domain::vocabulary::{Answer, Environment, Vocabulary};
use clearance_store::model::{NewTool, Proposal, ToolRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Problems, Visibility, id_problem, is_date};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::reevaluate;
use crate::routes::directory::{Body, Ids};
use crate::state::Shared;

/// Longest accepted name, vendor or retention text, in characters.
const MAX_TEXT: usize = 500;

/// A tool and the proposals (visible to the caller) whose current version uses it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolDetail {
    /// The tool.
    #[serde(flatten)]
    pub tool: ToolRecord,
    /// Proposals using it that the caller may see.
    pub proposals: Vec<Proposal>,
}

/// New terms of a tool, with the revision they were written against.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ToolUpdate {
    /// The tool's fields (`id` must be the tool's).
    #[serde(flatten)]
    pub tool: NewTool,
    /// The `revision` read; a stale one is answered 409.
    pub revision: i64,
}

/// A tool after a change, and the proposals whose evaluation changed with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolChange {
    /// The tool as stored now.
    pub tool: ToolRecord,
    /// Proposals re-evaluated with a different outcome.
    pub reevaluated: Vec<Proposal>,
}

/// Checks a tool; returns it trimmed.
fn checked(mut new: NewTool) -> Result<NewTool, ApiError> {
    let mut problems = Problems::default();
    new.id = new.id.trim().to_owned();
    if let Some(problem) = id_problem(&new.id) {
        problems.push(
            "id",
            problem,
            Some("for example `acme-voice-enterprise`".to_owned()),
        );
    }
    new.name = new.name.trim().to_owned();
    if new.name.is_empty() {
        problems.push("name", "`name` is empty", None);
    }
    for (path, value) in [
        ("name", Some(&new.name)),
        ("vendor", new.vendor.as_ref()),
        ("retention", new.retention.as_ref()),
    ] {
        if value.is_some_and(|value| value.chars().count() > MAX_TEXT) {
            problems.push(
                path,
                format!("`{path}` is longer than {MAX_TEXT} characters"),
                None,
            );
        }
    }
    if Environment::from_name(&new.environment).is_none() {
        problems.push(
            "environment",
            format!("`{}` is not a tool environment", new.environment),
            Some(format!("one of: {}", Environment::NAMES.join(", "))),
        );
    }
    if Answer::from_name(&new.trains_on_inputs).is_none() {
        problems.push(
            "trains_on_inputs",
            format!("`{}` is not an answer", new.trains_on_inputs),
            Some(format!("one of: {}", Answer::NAMES.join(", "))),
        );
    }
    if let Some(date) = &new.terms_reviewed_on
        && !is_date(date)
    {
        problems.push(
            "terms_reviewed_on",
            format!("`{date}` is not a date"),
            Some("write it as YYYY-MM-DD, for example 2026-03-31".to_owned()),
        );
    }
    problems.check("the tool has problems")?;
    Ok(new)
}

/// Register a tool and its data terms (admins).
#[utoipa::path(post, path = "/api/tools", tag = "registry", request_body = NewTool,
    responses(
        (status = 201, body = ToolRecord),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "A tool with this id exists", body = ErrorBody),
        (status = 422, description = "A field is invalid (named in `problems`)", body = ErrorBody),
    ))]
pub async fn create_tool(
    State(state): State<Shared>,
    caller: Caller,
    Body(new): Body<NewTool>,
) -> ApiResult<(StatusCode, Json<ToolRecord>)> {
    caller.require_admin()?;
    let new = checked(new)?;
    let tool = state
        .store
        .create_tool(&new, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok((StatusCode::CREATED, Json(tool)))
}

/// Every registered tool.
#[utoipa::path(get, path = "/api/tools", tag = "registry", responses((status = 200, body = Vec<ToolRecord>)))]
pub async fn list_tools(
    State(state): State<Shared>,
    _caller: Caller,
) -> ApiResult<Json<Vec<ToolRecord>>> {
    Ok(Json(state.store.tools().await?))
}

/// One tool, with the proposals using it that the caller may see.
#[utoipa::path(get, path = "/api/tools/{id}", tag = "registry", params(("id" = String, Path, description = "Tool id")),
    responses((status = 200, body = ToolDetail), (status = 404, body = ErrorBody)))]
pub async fn get_tool(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<String>,
) -> ApiResult<Json<ToolDetail>> {
    let tool = state
        .store
        .tool(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("tool `{id}`")))?;
    let referencing = state.store.referencing_tool(&tool.id).await?;
    let proposals = Visibility::new(&state, &caller)
        .proposals(referencing)
        .await?;
    Ok(Json(ToolDetail { tool, proposals }))
}

/// Change a tool's terms (admins), against the revision read; the proposals using it are
/// re-evaluated.
#[utoipa::path(put, path = "/api/tools/{id}", tag = "registry", params(("id" = String, Path, description = "Tool id")),
    request_body = ToolUpdate,
    responses(
        (status = 200, body = ToolChange),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Stale revision", body = ErrorBody),
        (status = 422, description = "A field is invalid, or `id` differs from the path", body = ErrorBody),
    ))]
pub async fn update_tool(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<String>,
    Body(update): Body<ToolUpdate>,
) -> ApiResult<Json<ToolChange>> {
    caller.require_admin()?;
    let existing = state
        .store
        .tool(&id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("tool `{id}`")))?;
    if update.tool.id.trim() != existing.id {
        let mut problems = Problems::default();
        problems.push(
            "id",
            format!(
                "the body names `{}` but the path names `{}`",
                update.tool.id.trim(),
                existing.id
            ),
            None,
        );
        problems.check("the tool has problems")?;
    }
    let new = checked(update.tool)?;
    if update.revision != existing.revision {
        return Err(ApiError::Conflict(format!(
            "tool `{id}` changed since revision {} (it is at {}); read it again",
            update.revision, existing.revision
        )));
    }
    let tool = state
        .store
        .update_tool(&new, update.revision, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    let referencing = state.store.referencing_tool(&tool.id).await?;
    let reevaluated =
        reevaluate::reevaluate(&state, referencing, Some(caller.id()), "tool.updated").await?;
    Ok(Json(ToolChange { tool, reevaluated }))
}
