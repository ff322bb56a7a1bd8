//! `POST /api/evaluate`: triage an intake without storing anything.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use clearance_rulebook::{Options, Rulebook, evaluate};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;
use crate::triage;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new().routes(routes!(evaluate_intake))
}

/// Query parameters of `POST /api/evaluate`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EvaluateQuery {
    /// Compute `lower_tier_if` (the changes that would lower the tier). Default true; switch it
    /// off for a faster answer.
    #[serde(default = "yes")]
    lower_tier_if: bool,
    /// Rulebook ids, comma-separated (default: every active rulebook).
    rulebooks: Option<String>,
    /// Resolve `consent_id`s as for this production (scope checks).
    production_id: Option<i64>,
}

fn yes() -> bool {
    true
}

/// Triage an intake (YAML or JSON text, as in a file) and return the result object of the
/// evaluation spec. Nothing is stored. Consent records and tools the intake references are looked
/// up in the registries.
#[utoipa::path(
    post,
    path = "/api/evaluate",
    tag = "triage",
    params(EvaluateQuery),
    request_body(content = String, description = "The intake, YAML or JSON", content_type = "application/yaml"),
    responses(
        (status = 200, description = "The evaluation result object (spec/evaluation.md)", body = Object),
        (status = 422, description = "The intake has problems", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 413, description = "The intake is larger than `max_body_bytes`", body = ErrorBody),
    )
)]
pub async fn evaluate_intake(
    State(state): State<Shared>,
    caller: Caller,
    Query(query): Query<EvaluateQuery>,
    body: Bytes,
) -> ApiResult<Response> {
    if body.len() > state.config.max_body_bytes {
        return Err(ApiError::TooLarge(format!(
            "the intake is {} bytes; at most {} are accepted",
            body.len(),
            state.config.max_body_bytes
        )));
    }
    let source = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest("the intake must be UTF-8 text".to_owned()))?;
    let parsed = triage::parse(source)?;
    let rulebooks = match &query.rulebooks {
        Some(ids) => state.rulebooks_for(
            &ids.split(',')
                .map(|id| id.trim().to_owned())
                .filter(|id| !id.is_empty())
                .collect::<Vec<_>>(),
        )?,
        None => state.active_rulebooks(),
    };
    if let Some(production_id) = query.production_id {
        caller.production_access(&state, production_id).await?;
    }
    let (records, used) = if triage::consent_ids(&parsed.intake).is_empty()
        && triage::tool_ids(&parsed.intake).is_empty()
    {
        Default::default()
    } else {
        triage::resolve(&state.store, &parsed, query.production_id, state.now()).await?
    };
    let borrowed: Vec<&Rulebook> = rulebooks.iter().map(AsRef::as_ref).collect();
    let evaluation = evaluate(
        &borrowed,
        &parsed.intake,
        &records,
        Options {
            lower_tier_if: query.lower_tier_if,
        },
    );
    let text = if used.consents.is_empty() && used.tools.is_empty() {
        serde_json::to_string(&evaluation).map_err(|error| ApiError::Internal(error.into()))?
    } else {
        triage::result_json(&evaluation, &used)
    };
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}
