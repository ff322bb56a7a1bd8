//! Reading proposals: search, one proposal with its approval status, versions and diffs.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use clearance_domain::Tier;
use clearance_store::ProposalQuery;
use clearance_store::approval::{Standing, standing};
use clearance_store::model::{Millis, Proposal, ProposalVersion, Review, Role, Status};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ProposalWithVersion, VersionView, diff, visible};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;
use crate::triage;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .routes(routes!(search_proposals))
        .routes(routes!(get_proposal))
        .routes(routes!(list_versions))
        .routes(routes!(get_version))
        .routes(routes!(diff_versions))
}

/// Search parameters.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// Words in the title, description or vendor.
    pub text: Option<String>,
    /// `notify`, `escalate`, `approval` or `blocked`.
    pub tier: Option<String>,
    /// A status such as `in_review`.
    pub status: Option<String>,
    /// Only this production.
    pub production_id: Option<i64>,
    /// Only this vendor.
    pub vendor: Option<String>,
    /// Only proposals naming this tool (name or registry id).
    pub tool: Option<String>,
    /// How many (default 50, at most 500).
    pub limit: Option<i64>,
    /// How many to skip (default 0).
    pub offset: Option<i64>,
    /// `newest` (default, by last change) or `oldest`.
    pub order: Option<String>,
}

/// A page of search results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResult {
    /// The proposals found.
    pub proposals: Vec<Proposal>,
    /// The limit applied.
    pub limit: i64,
    /// The offset applied.
    pub offset: i64,
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Search the proposals the caller can see: an admin sees all, a member those of their
/// productions. A representative gets 403: they manage consent records, never proposals.
#[utoipa::path(
    get,
    path = "/api/proposals",
    tag = "proposals",
    params(SearchQuery),
    responses(
        (status = 200, body = SearchResult),
        (status = 400, description = "An unknown tier, status or order", body = ErrorBody),
        (status = 403, description = "A representative", body = ErrorBody),
        (status = 404, description = "`production_id` names a production the caller is not a member of", body = ErrorBody),
    )
)]
pub async fn search_proposals(
    State(state): State<Shared>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> ApiResult<Json<SearchResult>> {
    if caller.person.role == Role::Representative {
        return Err(ApiError::Forbidden("representatives manage consent records; proposals are seen by the production's members".to_owned()));
    }
    let tier = match blank_to_none(query.tier) {
        Some(name) => Some(Tier::from_name(&name).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "unknown tier `{name}`: expected notify, escalate, approval or blocked"
            ))
        })?),
        None => None,
    };
    let status = match blank_to_none(query.status) {
        Some(name) => Some(Status::from_name(&name).ok_or_else(|| {
            let known: Vec<&str> = Status::ALL.iter().map(|status| status.as_str()).collect();
            ApiError::BadRequest(format!(
                "unknown status `{name}`: expected one of {}",
                known.join(", ")
            ))
        })?),
        None => None,
    };
    let oldest_first = match blank_to_none(query.order).as_deref() {
        None | Some("newest") => false,
        Some("oldest") => true,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "unknown order `{other}`: expected newest or oldest"
            )));
        }
    };
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let offset = query.offset.unwrap_or(0).max(0);
    if let Some(production_id) = query.production_id {
        caller.production_access(&state, production_id).await?;
    }
    let visible_to = if caller.is_admin() {
        None
    } else {
        Some(caller.id())
    };
    let search = ProposalQuery {
        text: blank_to_none(query.text),
        tier,
        status,
        production_id: query.production_id,
        vendor: blank_to_none(query.vendor),
        tool: blank_to_none(query.tool),
        visible_to,
        oldest_first,
        limit,
        offset,
    };
    let mut proposals = state.store.search(&search).await?;
    if !caller.is_admin() {
        // Membership counts only in the capacity matching the person's role (as everywhere else).
        let mut allowed: HashMap<i64, bool> = HashMap::new();
        let mut kept = Vec::with_capacity(proposals.len());
        for proposal in proposals {
            let ok = match allowed.get(&proposal.production_id) {
                Some(ok) => *ok,
                None => {
                    let ok = caller
                        .production_access(&state, proposal.production_id)
                        .await
                        .is_ok();
                    allowed.insert(proposal.production_id, ok);
                    ok
                }
            };
            if ok {
                kept.push(proposal);
            }
        }
        proposals = kept;
    }
    Ok(Json(SearchResult {
        proposals,
        limit,
        offset,
    }))
}

/// Whether the standing approval covers the current version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ApprovalStatus {
    /// True only when the proposal is approved, the approving review is of exactly the current
    /// version's bytes (same content hash) under the same rulebooks (same digests), it does not
    /// need re-approval, and the approval has not expired.
    pub covered: bool,
    /// The version the standing approval was given to, if any.
    pub approved_version: Option<i64>,
    /// The current version.
    pub current_version: i64,
    /// Why it is or is not covered, for people.
    pub reason: String,
    /// The approving review, if any.
    pub review_id: Option<i64>,
    /// When the approval expires, if it does.
    pub expires_at: Option<Millis>,
}

/// Decides whether an approval covers the current version (see [`ApprovalStatus::covered`]):
/// the store's [`standing`](clearance_store::approval::standing), in words for people.
pub fn approval_status(
    proposal: &Proposal,
    current: &ProposalVersion,
    reviews: &[Review],
    now: Millis,
) -> ApprovalStatus {
    let judgement = standing(
        proposal,
        &current.content_hash,
        current
            .evaluation
            .as_ref()
            .map(|evaluation| evaluation.rulebooks.as_slice()),
        reviews,
        now,
    );
    let reason = match &judgement.standing {
        Standing::NeverApproved => "no version of this proposal has been approved".to_owned(),
        Standing::NoWrittenApproval { approved_version } => {
            format!("no written approval of version {approved_version} was found")
        }
        Standing::OtherContent {
            approved_version,
            approved_hash,
            current_hash,
            ..
        } => format!(
            "the approval covers version {approved_version} (content {approved_hash}); the current version {} has different content ({current_hash})",
            current.number
        ),
        Standing::OtherRulebooks => "the approval was given under other rulebooks (their digests differ from the current evaluation's)".to_owned(),
        Standing::NeedsReapproval => "the tier rose since the approval (a record or a rulebook changed): it needs approving again".to_owned(),
        Standing::NotApproved { status } => format!("the proposal is {}", status.as_str()),
        Standing::Expired { at } => format!("the approval expired on {}", triage::date_of(*at)),
        Standing::Covered => format!(
            "version {} is approved exactly as it is, under the same rulebooks",
            current.number
        ),
    };
    ApprovalStatus {
        covered: judgement.covered(),
        approved_version: proposal.approved_version,
        current_version: proposal.current_version,
        reason,
        review_id: judgement.review_id,
        expires_at: proposal.approval_expires_at,
    }
}

/// A proposal in full: its current version, the evaluation, the reviews and whether an approval
/// covers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalDetail {
    /// The proposal.
    pub proposal: Proposal,
    /// Its current version.
    pub version: VersionView,
    /// The current version's evaluation (the result object of the evaluation spec).
    #[schema(value_type = Object)]
    pub evaluation: Box<RawValue>,
    /// Every written decision, oldest first.
    pub reviews: Vec<Review>,
    /// Whether the standing approval covers the current version.
    pub approval: ApprovalStatus,
}

/// One proposal.
#[utoipa::path(
    get,
    path = "/api/proposals/{id}",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = ProposalDetail), (status = 404, body = ErrorBody))
)]
pub async fn get_proposal(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ProposalDetail>> {
    let (proposal, _) = visible(&state, &caller, id).await?;
    let current = state
        .store
        .version(id, proposal.current_version)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("proposal {id}")))?;
    let reviews = state.store.reviews(id).await?;
    let approval = approval_status(&proposal, &current, &reviews, state.now());
    let (version, evaluation) = VersionView::of(&current)?;
    Ok(Json(ProposalDetail {
        proposal,
        version,
        evaluation,
        reviews,
        approval,
    }))
}

/// Every version of a proposal, oldest first (the evaluation result of each is at
/// `/versions/{n}`).
#[utoipa::path(
    get,
    path = "/api/proposals/{id}/versions",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = Vec<VersionView>), (status = 404, body = ErrorBody))
)]
pub async fn list_versions(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<VersionView>>> {
    visible(&state, &caller, id).await?;
    let versions = state.store.versions(id).await?;
    let views = versions
        .iter()
        .map(|version| VersionView::of(version).map(|(view, _)| view))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Json(views))
}

/// One version and its evaluation.
#[utoipa::path(
    get,
    path = "/api/proposals/{id}/versions/{n}",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id"), ("n" = i64, Path, description = "Version number")),
    responses((status = 200, body = ProposalWithVersion), (status = 404, body = ErrorBody))
)]
pub async fn get_version(
    State(state): State<Shared>,
    caller: Caller,
    Path((id, number)): Path<(i64, i64)>,
) -> ApiResult<Json<ProposalWithVersion>> {
    let (proposal, _) = visible(&state, &caller, id).await?;
    Ok(Json(
        ProposalWithVersion::load(&state, proposal, number).await?,
    ))
}

/// Which versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DiffQuery {
    /// The older version (default: the one before `to`).
    pub from: Option<i64>,
    /// The newer version (default: the current one).
    pub to: Option<i64>,
}

/// A line diff of two versions' intake text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionDiff {
    /// The older version.
    pub from: i64,
    /// The newer version.
    pub to: i64,
    /// Its content hash.
    pub from_hash: String,
    /// Its content hash.
    pub to_hash: String,
    /// Whether the texts are identical.
    pub identical: bool,
    /// Unified diff (`---`/`+++` headers, `@@` hunks, 3 lines of context); empty when identical.
    pub diff: String,
}

/// The unified line diff between two versions' source text.
#[utoipa::path(
    get,
    path = "/api/proposals/{id}/diff",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id"), DiffQuery),
    responses((status = 200, body = VersionDiff), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn diff_versions(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<DiffQuery>,
) -> ApiResult<Json<VersionDiff>> {
    let (proposal, _) = visible(&state, &caller, id).await?;
    let to = query.to.unwrap_or(proposal.current_version);
    let from = match query.from {
        Some(from) => from,
        None if to > 1 => to - 1,
        None => {
            return Err(ApiError::BadRequest(
                "the proposal has one version: name `from` and `to` to compare".to_owned(),
            ));
        }
    };
    let load =
        |number: i64| {
            let state = state.clone();
            async move {
                state.store.version(id, number).await?.ok_or_else(|| {
                    ApiError::not_found(format!("version {number} of proposal {id}"))
                })
            }
        };
    let (old, new) = (load(from).await?, load(to).await?);
    let text = diff::unified(
        &old.source,
        &new.source,
        &format!("proposal {id} version {from}"),
        &format!("proposal {id} version {to}"),
        3,
    );
    Ok(Json(VersionDiff {
        from,
        to,
        identical: old.source == new.source,
        from_hash: old.content_hash,
        to_hash: new.content_hash,
        diff: text,
    }))
}
