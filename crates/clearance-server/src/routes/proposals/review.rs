//! Written decisions. A review is bound to the exact version it decides (its content hash), the
//! rulebooks (digests) and the tier of that version's evaluation, so an approval never covers a
//! changed proposal.
//!
//! `approve` sets the standing approval (`approved_version` = the current version, and its
//! expiry); `request_changes` and `refuse` replace any standing approval (it is cleared: the
//! latest written decision on the proposal is not an approval). Every decision clears
//! `needs_reapproval`: the proposal has been looked at again.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use clearance_store::model::{Capacity, Decision, Proposal, Review};
use clearance_store::proposal::{NewReview, Transition};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::write::illegal;
use super::{check_revision, invalid_field, json_body, members_in, notification, payload, visible};
use crate::audit::{self, InclusionProof};
use crate::auth::{Access, Caller};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;
use crate::workflow::{self, Context, Event};

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new().routes(routes!(list_reviews, decide))
}

/// A reviewer's written decision on the current version.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewDecision {
    /// `approve`, `request_changes` or `refuse`.
    pub decision: String,
    /// The written note (required, not empty).
    pub note: String,
    /// Conditions of an approval.
    #[serde(default)]
    pub conditions: Vec<String>,
    /// What an approval covers, in words.
    #[serde(default)]
    pub scope: Option<String>,
    /// When an approval expires (milliseconds since the epoch, in the future).
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// The proposal's `revision` as the reviewer read it.
    pub revision: i64,
}

/// A recorded decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Decided {
    /// The review.
    pub review: Review,
    /// The proposal after it.
    pub proposal: Proposal,
    /// For an approval: the proof that the review's audit entry is in the log, against a
    /// checkpoint signed at once (verify it offline with the log's public key).
    pub proof: Option<InclusionProof>,
}

/// The written decisions on a proposal, oldest first.
#[utoipa::path(
    get,
    path = "/api/proposals/{id}/reviews",
    tag = "reviews",
    params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = Vec<Review>), (status = 404, body = ErrorBody))
)]
pub async fn list_reviews(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Review>>> {
    visible(&state, &caller, id).await?;
    Ok(Json(state.store.reviews(id).await?))
}

/// The checked fields of a decision.
struct Checked {
    decision: Decision,
    note: String,
    conditions: Vec<String>,
    scope: Option<String>,
    expires_at: Option<i64>,
}

fn check(request: NewDecision, now: i64) -> ApiResult<Checked> {
    let decision = Decision::from_name(request.decision.trim()).ok_or_else(|| {
        invalid_field(
            "decision",
            format!(
                "unknown decision `{}`: expected approve, request_changes or refuse",
                request.decision
            ),
        )
    })?;
    let note = request.note.trim().to_owned();
    if note.is_empty() {
        return Err(invalid_field(
            "note",
            "a decision is written: the note must not be empty",
        ));
    }
    let conditions: Vec<String> = request
        .conditions
        .iter()
        .map(|condition| condition.trim().to_owned())
        .filter(|condition| !condition.is_empty())
        .collect();
    let scope = request
        .scope
        .map(|scope| scope.trim().to_owned())
        .filter(|scope| !scope.is_empty());
    if decision != Decision::Approve {
        if !conditions.is_empty() {
            return Err(invalid_field(
                "conditions",
                "conditions belong to an approval",
            ));
        }
        if scope.is_some() {
            return Err(invalid_field("scope", "a scope belongs to an approval"));
        }
        if request.expires_at.is_some() {
            return Err(invalid_field(
                "expires_at",
                "an expiry belongs to an approval",
            ));
        }
    }
    if let Some(expiry) = request.expires_at
        && expiry <= now
    {
        return Err(invalid_field(
            "expires_at",
            "the expiry must be in the future",
        ));
    }
    Ok(Checked {
        decision,
        note,
        conditions,
        scope,
        expires_at: request.expires_at,
    })
}

/// Decide on the current version in writing (reviewer members of the production only: partners
/// and admins get 403). An approval signs a checkpoint at once and returns the review's inclusion
/// proof. Two reviewers deciding from the same revision: the first wins, the second gets 409.
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/reviews",
    tag = "reviews",
    params(("id" = i64, Path, description = "Proposal id")),
    request_body = NewDecision,
    responses(
        (status = 201, body = Decided),
        (status = 403, description = "Not a reviewer of the production", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not in review, a blocked version approved, or a stale revision", body = ErrorBody),
        (status = 422, description = "Empty note, past expiry, unknown decision", body = ErrorBody),
    )
)]
pub async fn decide(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Decided>)> {
    let (proposal, access) = visible(&state, &caller, id).await?;
    match access {
        Access::Member(Capacity::Reviewer) => {}
        Access::Admin => {
            return Err(ApiError::Forbidden(
                "a written decision is the reviewer's: an admin cannot decide for them".to_owned(),
            ));
        }
        Access::Member(Capacity::Partner) => {
            return Err(ApiError::Forbidden(
                "only the production's reviewers decide on its proposals".to_owned(),
            ));
        }
    }
    let now = state.now();
    let request: NewDecision = json_body(&state, &body)?;
    let revision = request.revision;
    let request = check(request, now)?;
    check_revision(&proposal, revision)?;
    let current = state
        .store
        .version(id, proposal.current_version)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("proposal {id}")))?;
    let tier = current
        .evaluation
        .as_ref()
        .map(|evaluation| evaluation.tier);
    let context = Context {
        tier,
        needs_reapproval: proposal.needs_reapproval,
    };
    let status = workflow::next(proposal.status, Event::Decide(request.decision), context)
        .map_err(illegal)?;
    let Some(evaluation) = current.evaluation else {
        return Err(ApiError::Conflict(
            "the current version has not been evaluated; it cannot be decided".to_owned(),
        ));
    };
    let approve = request.decision == Decision::Approve;
    let mut partners = members_in(&state, proposal.production_id, Capacity::Partner).await?;
    partners.extend([proposal.created_by, current.author_id]);
    let body = payload(
        &proposal,
        json!({ "status": status, "decision": request.decision, "decided_version": current.number }),
    );
    let transition = Transition {
        proposal_id: proposal.id,
        expected_revision: revision,
        status,
        approved_version: if approve { Some(current.number) } else { None },
        approval_expires_at: if approve { request.expires_at } else { None },
        needs_reapproval: false,
        actor: Some(caller.id()),
        action: format!("review.{}", request.decision.as_str()),
        note: Some(request.note.clone()),
        notifications: vec![notification(
            "review.decided",
            proposal.production_id,
            Some(&proposal),
            partners,
            body,
        )],
    };
    let review = NewReview {
        proposal_id: proposal.id,
        version: current.number,
        content_hash: current.content_hash.clone(),
        rulebooks: evaluation.rulebooks.clone(),
        tier: evaluation.tier,
        reviewer_id: caller.id(),
        decision: request.decision,
        note: request.note,
        conditions: request.conditions,
        scope: request.scope,
        expires_at: request.expires_at,
    };
    let (review, proposal) = state.store.record_review(review, transition, now).await?;
    state.deliveries.notify_one();
    let proof = if approve {
        audit::checkpoint(&state).await?;
        Some(audit::inclusion(&state, review.audit_index).await?)
    } else {
        audit::maybe_checkpoint(&state, review.audit_index).await?;
        None
    };
    Ok((
        StatusCode::CREATED,
        Json(Decided {
            review,
            proposal,
            proof,
        }),
    ))
}
