//! The audit log over HTTP: entries, signed checkpoints, inclusion and consistency proofs, and
//! the public key that verifies them.

use axum::Json;
use axum::extract::{Path, Query, State};
use clearance_audit::SignedCheckpoint;
use clearance_store::model::AuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::{self, ConsistencyProof, InclusionProof};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .routes(routes!(list_entries))
        .routes(routes!(get_entry))
        .routes(routes!(entry_proof))
        .routes(routes!(list_checkpoints, sign_checkpoint))
        .routes(routes!(consistency))
        .routes(routes!(public_key))
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Page {
    /// First index (default 0).
    #[serde(default)]
    from: i64,
    /// How many (default 100, at most 1000).
    limit: Option<i64>,
}

/// Entries by index (admins).
#[utoipa::path(get, path = "/api/audit/entries", tag = "audit", params(Page),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn list_entries(
    State(state): State<Shared>,
    caller: Caller,
    Query(page): Query<Page>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    caller.require_admin()?;
    let limit = page.limit.unwrap_or(100).clamp(1, 1000);
    Ok(Json(
        state.store.audit_entries(page.from.max(0), limit).await?,
    ))
}

/// An entry is visible to admins, and to people who can see the proposal it is about.
async fn visible_entry(state: &Shared, caller: &Caller, index: i64) -> ApiResult<AuditEntry> {
    let missing = || ApiError::not_found(format!("audit entry {index}"));
    let entry = state.store.audit_entry(index).await?.ok_or_else(missing)?;
    if caller.is_admin() {
        return Ok(entry);
    }
    let proposal_id = entry
        .subject
        .strip_prefix("proposal/")
        .and_then(|id| id.parse::<i64>().ok())
        .ok_or_else(missing)?;
    let proposal = state
        .store
        .proposal(proposal_id)
        .await?
        .ok_or_else(missing)?;
    caller
        .production_access(state, proposal.production_id)
        .await
        .map_err(|_| missing())?;
    Ok(entry)
}

/// One entry.
#[utoipa::path(get, path = "/api/audit/entries/{index}", tag = "audit", params(("index" = i64, Path, description = "Entry index")),
    responses((status = 200, body = AuditEntry), (status = 404, body = ErrorBody)))]
pub async fn get_entry(
    State(state): State<Shared>,
    caller: Caller,
    Path(index): Path<i64>,
) -> ApiResult<Json<AuditEntry>> {
    Ok(Json(visible_entry(&state, &caller, index).await?))
}

/// The entry's inclusion proof against the latest signed checkpoint (signed now if the latest
/// does not cover the entry yet). Verify it offline with the public key.
#[utoipa::path(get, path = "/api/audit/entries/{index}/proof", tag = "audit", params(("index" = i64, Path, description = "Entry index")),
    responses((status = 200, body = InclusionProof), (status = 404, body = ErrorBody)))]
pub async fn entry_proof(
    State(state): State<Shared>,
    caller: Caller,
    Path(index): Path<i64>,
) -> ApiResult<Json<InclusionProof>> {
    visible_entry(&state, &caller, index).await?;
    Ok(Json(audit::inclusion(&state, index).await?))
}

/// Every signed checkpoint, oldest first.
#[utoipa::path(get, path = "/api/audit/checkpoints", tag = "audit",
    responses((status = 200, body = Vec<Object>)))]
pub async fn list_checkpoints(
    State(state): State<Shared>,
    _caller: Caller,
) -> ApiResult<Json<Vec<SignedCheckpoint>>> {
    Ok(Json(state.store.checkpoints().await?))
}

/// Sign a checkpoint of the log now (admins).
#[utoipa::path(post, path = "/api/audit/checkpoints", tag = "audit",
    responses((status = 200, body = Object), (status = 403, body = ErrorBody)))]
pub async fn sign_checkpoint(
    State(state): State<Shared>,
    caller: Caller,
) -> ApiResult<Json<SignedCheckpoint>> {
    caller.require_admin()?;
    Ok(Json(audit::checkpoint(&state).await?))
}

/// Two checkpoint sizes.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Sizes {
    /// The older checkpoint's size.
    from: u64,
    /// The newer checkpoint's size.
    to: u64,
}

/// The proof that the older checkpoint's log is a prefix of the newer one's.
#[utoipa::path(get, path = "/api/audit/consistency", tag = "audit", params(Sizes),
    responses((status = 200, body = ConsistencyProof), (status = 404, body = ErrorBody)))]
pub async fn consistency(
    State(state): State<Shared>,
    _caller: Caller,
    Query(sizes): Query<Sizes>,
) -> ApiResult<Json<ConsistencyProof>> {
    Ok(Json(
        audit::consistency(&state.store, sizes.from, sizes.to).await?,
    ))
}

/// The log's public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicKey {
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// Its id, as in signed checkpoints.
    pub key_id: String,
    /// The checkpoint origin line.
    pub origin: String,
}

/// The key that signs checkpoints (no token needed to verify).
#[utoipa::path(get, path = "/api/audit/key", tag = "audit", responses((status = 200, body = PublicKey)))]
pub async fn public_key(State(state): State<Shared>) -> Json<PublicKey> {
    let key = state.signer.verifying_key();
    Json(PublicKey {
        public_key: key.to_hex(),
        key_id: key.key_id(),
        origin: state.config.audit_origin.clone(),
    })
}
