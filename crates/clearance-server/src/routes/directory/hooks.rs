//! Webhook subscriptions and each person's notifications.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clearance_store::model::{Notification, Webhook};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{Body, Ids, Params, Problems};
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::state::Shared;

/// Shortest accepted webhook secret, in characters.
pub const MIN_SECRET: usize = 16;

/// A new webhook subscription.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookRequest {
    /// Where events are POSTed (`http` or `https`).
    pub url: String,
    /// The shared secret deliveries are signed with (at least 16 characters). It is never
    /// returned or logged.
    pub secret: String,
    /// Only this production's events (absent: every event).
    #[serde(default)]
    pub production_id: Option<i64>,
}

impl std::fmt::Debug for NewWebhookRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewWebhookRequest")
            .field("url", &self.url)
            .field("secret", &"***")
            .field("production_id", &self.production_id)
            .finish()
    }
}

/// Subscribe a URL to events (admins). Each delivery is POSTed with an
/// `X-Clearance-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>` header, the
/// timestamp being `X-Clearance-Timestamp`.
#[utoipa::path(post, path = "/api/webhooks", tag = "directory", request_body = NewWebhookRequest,
    responses(
        (status = 201, body = Webhook),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    ))]
pub async fn create_webhook(
    State(state): State<Shared>,
    caller: Caller,
    Body(request): Body<NewWebhookRequest>,
) -> ApiResult<(StatusCode, Json<Webhook>)> {
    caller.require_admin()?;
    let url = request.url.trim();
    let mut problems = Problems::default();
    match reqwest::Url::parse(url) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|host| !host.is_empty()) => {}
        Ok(_) => problems.add_with_help(
            "url",
            "the URL must be http or https, with a host",
            "for example `https://hooks.example/clearance`",
        ),
        Err(error) => problems.add_with_help(
            "url",
            format!("not a URL: {error}"),
            "for example `https://hooks.example/clearance`",
        ),
    }
    if request.secret.chars().count() < MIN_SECRET {
        // Never echo the secret.
        problems.add(
            "secret",
            format!("the secret must be at least {MIN_SECRET} characters long"),
        );
    }
    if let Some(production_id) = request.production_id
        && state.store.production(production_id).await?.is_none()
    {
        problems.add(
            "production_id",
            format!("production {production_id} does not exist"),
        );
    }
    problems.check("the webhook has problems")?;
    let webhook = state
        .store
        .create_webhook(
            url,
            &request.secret,
            request.production_id,
            Some(caller.id()),
            state.now(),
        )
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok((StatusCode::CREATED, Json(webhook)))
}

/// Every webhook subscription, active or not, without secrets (admins).
#[utoipa::path(get, path = "/api/webhooks", tag = "directory",
    responses((status = 200, body = Vec<Webhook>), (status = 403, description = "Not an admin", body = ErrorBody)))]
pub async fn list_webhooks(
    State(state): State<Shared>,
    caller: Caller,
) -> ApiResult<Json<Vec<Webhook>>> {
    caller.require_admin()?;
    Ok(Json(state.store.webhooks().await?))
}

/// Deactivate a webhook (admins): nothing more is delivered to it, pending deliveries included.
#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "directory", params(("id" = i64, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The deactivated webhook", body = Webhook),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already inactive", body = ErrorBody),
    ))]
pub async fn deactivate_webhook(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<Webhook>> {
    caller.require_admin()?;
    let webhook = state
        .store
        .deactivate_webhook(id, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok(Json(webhook))
}

/// How many notifications.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// How many, newest first (default 50, at most 500).
    pub limit: Option<i64>,
}

/// The caller's own notifications, newest first: the submissions, decisions, comments and
/// re-approvals they were informed of.
#[utoipa::path(get, path = "/api/notifications", tag = "directory", params(NotificationQuery),
    responses((status = 200, body = Vec<Notification>), (status = 401, description = "No valid token", body = ErrorBody)))]
pub async fn notifications(
    State(state): State<Shared>,
    caller: Caller,
    Params(query): Params<NotificationQuery>,
) -> ApiResult<Json<Vec<Notification>>> {
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    Ok(Json(
        state.store.notifications_for(caller.id(), limit).await?,
    ))
}
