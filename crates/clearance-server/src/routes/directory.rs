//! The directory: who is calling (`/api/me`), people and their API tokens, productions and their
//! members, webhook subscriptions and each person's notifications.
//!
//! Managing the directory is for admins. Everyone may read about themself (their person, their
//! tokens, their productions, their notifications); a production is visible to its members, and
//! to anyone else it does not exist (404).

pub(crate) mod hooks;
pub(crate) mod people;
pub(crate) mod productions;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, FieldProblems as Problems, ProblemBody};
use crate::state::Shared;

pub use hooks::{NewWebhookRequest, NotificationQuery};
pub use people::{Me, MyProduction, NewToken, NewTokenRequest};
pub use productions::{MembershipRequest, ProductionDetail};

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .routes(routes!(people::me))
        .routes(routes!(people::create_person, people::list_people))
        .routes(routes!(people::get_person))
        .routes(routes!(people::create_token, people::list_tokens))
        .routes(routes!(people::revoke_token))
        .routes(routes!(
            productions::create_production,
            productions::list_productions
        ))
        .routes(routes!(productions::get_production))
        .routes(routes!(productions::put_member, productions::remove_member))
        .routes(routes!(hooks::create_webhook, hooks::list_webhooks))
        .routes(routes!(hooks::deactivate_webhook))
        .routes(routes!(hooks::notifications))
}

/// A JSON request body whose rejection is answered with the service's error body (400, or 413
/// for a body over the limit) instead of axum's plain-text one.
#[derive(Debug, Clone)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge(rejection.body_text())
    } else {
        ApiError::BadRequest(rejection.body_text())
    }
}

/// Path parameters whose rejection (`/api/people/abc`) is answered with the service's error body.
#[derive(Debug, Clone)]
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Ids(value)),
            Err(rejection) => Err(path_rejection(&rejection)),
        }
    }
}

fn path_rejection(rejection: &PathRejection) -> ApiError {
    ApiError::BadRequest(rejection.body_text())
}

/// Query parameters whose rejection (`?limit=many`) is answered with the service's error body.
#[derive(Debug, Clone)]
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> ApiError {
    ApiError::BadRequest(rejection.body_text())
}

/// A single-field 422.
fn invalid(path: &str, message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError::Invalid {
        message: format!("invalid request: {path}: {message}"),
        problems: vec![ProblemBody {
            path: path.to_owned(),
            line: 0,
            column: 0,
            message,
            help: None,
        }],
    }
}
