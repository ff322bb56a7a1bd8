//! `/api/me`, people and their API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clearance_store::model::{Capacity, NewPerson, Person, Production, Role, TokenInfo};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Body, Ids, Problems};
use crate::auth::{self, Caller};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;

/// Longest accepted name, email or token label, in characters.
const MAX_TEXT: usize = 200;

/// The caller and what they take part in.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    /// The caller.
    pub person: Person,
    /// Their role (as in `person.role`).
    pub role: Role,
    /// The token this request was made with.
    pub token_id: i64,
    /// The productions they can see: for an admin every production (with no capacity), for
    /// anyone else the productions they are a member of in the capacity their role allows.
    pub productions: Vec<MyProduction>,
}

/// A production seen from one person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyProduction {
    /// The production.
    #[serde(flatten)]
    pub production: Production,
    /// The person's capacity in it (None for an admin, who sees every production as an admin).
    pub capacity: Option<Capacity>,
}

/// Whether a capacity fits a role: reviewers review, partners declare; nobody else is a member.
pub(super) fn fits(role: Role, capacity: Capacity) -> bool {
    matches!(
        (role, capacity),
        (Role::Reviewer, Capacity::Reviewer) | (Role::Partner, Capacity::Partner)
    )
}

/// The caller, their role and their productions.
#[utoipa::path(get, path = "/api/me", tag = "directory",
    responses((status = 200, body = Me), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn me(State(state): State<Shared>, caller: Caller) -> ApiResult<Json<Me>> {
    let productions = if caller.is_admin() {
        state
            .store
            .productions(None)
            .await?
            .into_iter()
            .map(|production| MyProduction {
                production,
                capacity: None,
            })
            .collect()
    } else {
        let mut mine = Vec::new();
        for production in state.store.productions(Some(caller.id())).await? {
            if let Some(capacity) = state.store.capacity(production.id, caller.id()).await?
                && fits(caller.person.role, capacity)
            {
                mine.push(MyProduction {
                    production,
                    capacity: Some(capacity),
                });
            }
        }
        mine
    };
    let role = caller.person.role;
    Ok(Json(Me {
        person: caller.person,
        role,
        token_id: caller.token_id,
        productions,
    }))
}

/// Checks a new person; returns it trimmed.
fn checked_person(new: NewPerson) -> Result<NewPerson, ApiError> {
    let name = new.name.trim().to_owned();
    let email = new.email.trim().to_owned();
    let organisation = new
        .organisation
        .map(|organisation| organisation.trim().to_owned())
        .filter(|organisation| !organisation.is_empty());
    let mut problems = Problems::default();
    if name.is_empty() {
        problems.add("name", "the name is empty");
    } else if name.chars().count() > MAX_TEXT {
        problems.add(
            "name",
            format!("the name is longer than {MAX_TEXT} characters"),
        );
    }
    if !plausible_email(&email) {
        problems.add_with_help(
            "email",
            "not an email address",
            "for example `ada@studio.example`",
        );
    }
    if organisation
        .as_ref()
        .is_some_and(|organisation| organisation.chars().count() > MAX_TEXT)
    {
        problems.add(
            "organisation",
            format!("the organisation is longer than {MAX_TEXT} characters"),
        );
    }
    problems.check("the person has problems")?;
    Ok(NewPerson {
        name,
        email,
        role: new.role,
        organisation,
    })
}

/// `local@domain.tld`, no spaces, not too long. Deliverability is not checked.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && email.chars().count() <= MAX_TEXT
}

/// Add a person (admins). An email already in use is a conflict (409).
#[utoipa::path(post, path = "/api/people", tag = "directory", request_body = NewPerson,
    responses(
        (status = 201, body = Person),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "The email is already in use", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ))]
pub async fn create_person(
    State(state): State<Shared>,
    caller: Caller,
    Body(new): Body<NewPerson>,
) -> ApiResult<(StatusCode, Json<Person>)> {
    caller.require_admin()?;
    let new = checked_person(new)?;
    if state.store.person_by_email(&new.email).await?.is_some() {
        return Err(ApiError::Conflict(format!(
            "a person with the email `{}` already exists",
            new.email
        )));
    }
    // A concurrent request may still win the race: the store's unique key answers it (409).
    let person = state
        .store
        .create_person(&new, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok((StatusCode::CREATED, Json(person)))
}

/// Every person (admins).
#[utoipa::path(get, path = "/api/people", tag = "directory",
    responses((status = 200, body = Vec<Person>), (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn list_people(
    State(state): State<Shared>,
    caller: Caller,
) -> ApiResult<Json<Vec<Person>>> {
    caller.require_admin()?;
    Ok(Json(state.store.people().await?))
}

/// 403 unless the caller is an admin or the person `id`.
fn require_admin_or_self(caller: &Caller, id: i64) -> Result<(), ApiError> {
    if caller.is_admin() || caller.id() == id {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only an admin or the person themself can do this".to_owned(),
        ))
    }
}

async fn existing_person(state: &Shared, id: i64) -> Result<Person, ApiError> {
    state
        .store
        .person(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("person {id}")))
}

/// One person (admins, or the person themself).
#[utoipa::path(get, path = "/api/people/{id}", tag = "directory", params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, body = Person),
        (status = 403, description = "Neither an admin nor this person", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn get_person(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<Person>> {
    require_admin_or_self(&caller, id)?;
    Ok(Json(existing_person(&state, id).await?))
}

/// A new token's label.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    /// What the token is for ("CI uploader", "laptop").
    pub label: String,
}

/// A new token: the secret is shown here once and never again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewToken {
    /// The bearer secret (`clr_…`). Only its SHA-256 is stored.
    pub token: String,
    /// The token's description.
    pub info: TokenInfo,
}

/// Create an API token for a person (admins). The answer holds the secret, once.
#[utoipa::path(post, path = "/api/people/{id}/tokens", tag = "directory", params(("id" = i64, Path, description = "Person id")),
    request_body = NewTokenRequest,
    responses(
        (status = 201, body = NewToken),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The label is invalid", body = ErrorBody),
    ))]
pub async fn create_token(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
    Body(request): Body<NewTokenRequest>,
) -> ApiResult<(StatusCode, Json<NewToken>)> {
    caller.require_admin()?;
    let label = request.label.trim().to_owned();
    let mut problems = Problems::default();
    if label.is_empty() {
        problems.add("label", "the label is empty");
    } else if label.chars().count() > MAX_TEXT {
        problems.add(
            "label",
            format!("the label is longer than {MAX_TEXT} characters"),
        );
    }
    problems.check("the token has problems")?;
    existing_person(&state, id).await?;
    let secret = auth::new_secret();
    let info = state
        .store
        .create_token(
            id,
            &label,
            auth::secret_hash(&secret),
            Some(caller.id()),
            state.now(),
        )
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok((
        StatusCode::CREATED,
        Json(NewToken {
            token: secret,
            info,
        }),
    ))
}

/// A person's tokens, without their secrets (admins, or the person themself).
#[utoipa::path(get, path = "/api/people/{id}/tokens", tag = "directory", params(("id" = i64, Path, description = "Person id")),
    responses(
        (status = 200, body = Vec<TokenInfo>),
        (status = 403, description = "Neither an admin nor this person", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
pub async fn list_tokens(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<Vec<TokenInfo>>> {
    require_admin_or_self(&caller, id)?;
    existing_person(&state, id).await?;
    Ok(Json(state.store.tokens(Some(id)).await?))
}

/// Revoke a token (admins, or its owner). It stops working at once on this instance (and on
/// others within the token cache time). Someone else's token is answered 404, as if it did not
/// exist; revoking a revoked token is a conflict (409).
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "directory", params(("id" = i64, Path, description = "Token id")),
    responses(
        (status = 200, description = "The revoked token", body = TokenInfo),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already revoked", body = ErrorBody),
    ))]
pub async fn revoke_token(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<TokenInfo>> {
    if !caller.is_admin()
        && !state
            .store
            .tokens(Some(caller.id()))
            .await?
            .iter()
            .any(|token| token.id == id)
    {
        return Err(ApiError::not_found(format!("token {id}")));
    }
    let revoked = state
        .store
        .revoke_token(id, Some(caller.id()), state.now())
        .await;
    // Forget it even when the store says it was revoked already (by another instance, say).
    state.forget_token(id);
    let revoked = revoked?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok(Json(revoked))
}
