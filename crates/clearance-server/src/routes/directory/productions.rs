//! Productions and their members.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clearance_store::model::{Capacity, Member, NewProduction, Production};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::people::fits;
use super::{Body, Ids, Problems, invalid};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;

/// Longest accepted title or studio name, in characters.
const MAX_TEXT: usize = 300;

/// A production with its members.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductionDetail {
    /// The production.
    #[serde(flatten)]
    pub production: Production,
    /// Its members.
    pub members: Vec<Member>,
}

/// Checks a new production against the rulebooks in force; returns it trimmed.
fn checked_production(state: &Shared, new: NewProduction) -> Result<NewProduction, ApiError> {
    let title = new.title.trim().to_owned();
    let studio = new.studio.trim().to_owned();
    let mut problems = Problems::default();
    for (path, value) in [("title", &title), ("studio", &studio)] {
        if value.is_empty() {
            problems.add(path, format!("the {path} is empty"));
        } else if value.chars().count() > MAX_TEXT {
            problems.add(
                path,
                format!("the {path} is longer than {MAX_TEXT} characters"),
            );
        }
    }
    let mut active: Vec<String> = state
        .active_rulebooks()
        .iter()
        .map(|rulebook| rulebook.id.to_string())
        .collect();
    active.sort();
    let known = format!("active rulebooks: {}", active.join(", "));
    if new.rulebooks.is_empty() {
        problems.add_with_help(
            "rulebooks",
            "a production needs at least one rulebook",
            known.clone(),
        );
    }
    let mut seen = HashSet::new();
    for (index, id) in new.rulebooks.iter().enumerate() {
        if !active.contains(id) {
            problems.add_with_help(
                format!("rulebooks[{index}]"),
                format!("no active rulebook has the id `{id}`"),
                known.clone(),
            );
        } else if !seen.insert(id.as_str()) {
            problems.add(
                format!("rulebooks[{index}]"),
                format!("the rulebook `{id}` is listed twice"),
            );
        }
    }
    problems.check("the production has problems")?;
    Ok(NewProduction {
        title,
        studio,
        rulebooks: new.rulebooks,
    })
}

/// Create a production (admins). Every rulebook id must name an active rulebook.
#[utoipa::path(post, path = "/api/productions", tag = "directory", request_body = NewProduction,
    responses(
        (status = 201, body = Production),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "A field is invalid or a rulebook is unknown (`rulebooks[i]`)", body = ErrorBody),
    ))]
pub async fn create_production(
    State(state): State<Shared>,
    caller: Caller,
    Body(new): Body<NewProduction>,
) -> ApiResult<(StatusCode, Json<Production>)> {
    caller.require_admin()?;
    let new = checked_production(&state, new)?;
    let production = state
        .store
        .create_production(&new, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok((StatusCode::CREATED, Json(production)))
}

/// Productions: every one for admins, for anyone else those they are a member of (in the
/// capacity their role allows).
#[utoipa::path(get, path = "/api/productions", tag = "directory", responses((status = 200, body = Vec<Production>)))]
pub async fn list_productions(
    State(state): State<Shared>,
    caller: Caller,
) -> ApiResult<Json<Vec<Production>>> {
    if caller.is_admin() {
        return Ok(Json(state.store.productions(None).await?));
    }
    let mut visible = Vec::new();
    for production in state.store.productions(Some(caller.id())).await? {
        if state
            .store
            .capacity(production.id, caller.id())
            .await?
            .is_some_and(|capacity| fits(caller.person.role, capacity))
        {
            visible.push(production);
        }
    }
    Ok(Json(visible))
}

/// One production with its members (admins and members; anyone else gets 404).
#[utoipa::path(get, path = "/api/productions/{id}", tag = "directory", params(("id" = i64, Path, description = "Production id")),
    responses((status = 200, body = ProductionDetail), (status = 404, body = ErrorBody)))]
pub async fn get_production(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<ProductionDetail>> {
    caller.production_access(&state, id).await?;
    let production = state
        .store
        .production(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("production {id}")))?;
    let members = state.store.members(id).await?;
    Ok(Json(ProductionDetail {
        production,
        members,
    }))
}

/// A membership's capacity.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembershipRequest {
    /// `reviewer` (for a person with the reviewer role) or `partner` (for a partner).
    pub capacity: Capacity,
}

/// Add a member, or change their capacity (admins). The capacity must fit the person's role:
/// reviewers review, partners declare (422 otherwise).
#[utoipa::path(put, path = "/api/productions/{id}/members/{person_id}", tag = "directory",
    params(("id" = i64, Path, description = "Production id"), ("person_id" = i64, Path, description = "Person id")),
    request_body = MembershipRequest,
    responses(
        (status = 200, body = Member),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The capacity does not fit the person's role", body = ErrorBody),
    ))]
pub async fn put_member(
    State(state): State<Shared>,
    caller: Caller,
    Ids((id, person_id)): Ids<(i64, i64)>,
    Body(request): Body<MembershipRequest>,
) -> ApiResult<Json<Member>> {
    caller.require_admin()?;
    state
        .store
        .production(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("production {id}")))?;
    let person = state
        .store
        .person(person_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("person {person_id}")))?;
    if !fits(person.role, request.capacity) {
        return Err(invalid(
            "capacity",
            format!(
                "a person with the {} role cannot be a member as {}",
                person.role.as_str(),
                request.capacity.as_str()
            ),
        ));
    }
    let member = state
        .store
        .add_member(
            id,
            person_id,
            request.capacity,
            Some(caller.id()),
            state.now(),
        )
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok(Json(member))
}

/// Remove a member (admins).
#[utoipa::path(delete, path = "/api/productions/{id}/members/{person_id}", tag = "directory",
    params(("id" = i64, Path, description = "Production id"), ("person_id" = i64, Path, description = "Person id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such production, or the person is not a member", body = ErrorBody),
    ))]
pub async fn remove_member(
    State(state): State<Shared>,
    caller: Caller,
    Ids((id, person_id)): Ids<(i64, i64)>,
) -> ApiResult<StatusCode> {
    caller.require_admin()?;
    state
        .store
        .remove_member(id, person_id, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok(StatusCode::NO_CONTENT)
}
