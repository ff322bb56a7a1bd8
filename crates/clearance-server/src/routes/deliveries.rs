//! Deliverables: which proposals of a production cover generated material in its final
//! deliverables (`GET /api/productions/{id}/coverage`, what `clearance scan --production` holds
//! its AI assets against).
//!
//! Who may read it: the production's members (partners and reviewers, in the capacity their role
//! allows) and admins; anyone else gets 404, exactly as for a production that does not exist.

use axum::Json;
use axum::extract::State;
use clearance_store::model::CoverageCandidate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::routes::directory::Ids;
use crate::state::Shared;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new().routes(routes!(coverage))
}

/// The proposals of a production and whether each covers generated material in the final
/// deliverables.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    /// The production.
    pub production_id: i64,
    /// Every proposal of the production (drafts and withdrawn ones too), by id.
    pub proposals: Vec<CoverageCandidate>,
}

/// Which proposals of a production cover generated material in its final deliverables, as of
/// now: a proposal covers when it is approved, that approval is of its current version (same
/// bytes, same rulebooks, no rise of tier since), it has not expired, and the intake's
/// `output.final` is `yes`; otherwise `reason` says why not.
#[utoipa::path(get, path = "/api/productions/{id}/coverage", tag = "deliveries",
    params(("id" = i64, Path, description = "Production id")),
    responses((status = 200, body = Coverage), (status = 404, body = ErrorBody)))]
pub async fn coverage(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<Coverage>> {
    caller.production_access(&state, id).await?;
    let proposals = state.store.coverage_candidates(id, state.now()).await?;
    Ok(Json(Coverage {
        production_id: id,
        proposals,
    }))
}
