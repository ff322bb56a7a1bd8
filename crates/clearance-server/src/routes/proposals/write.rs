//! Writing proposals: create (with `Idempotency-Key`), revise, submit a draft, withdraw, clone.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use clearance_domain::Tier;
use clearance_store::model::{Capacity, NewVersion, Production, Status};
use clearance_store::proposal::{SaveVersion, Target, Transition};
use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{
    ProductionContext, ProposalOnly, ProposalWithVersion, after_write, check_revision,
    idempotency_key, intake_source, json_body, members_in, notification, payload, require_partner,
    visible,
};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;
use crate::triage;
use crate::workflow::{self, Context, Event, Illegal};

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .routes(routes!(create_proposal))
        .routes(routes!(revise_proposal))
        .routes(routes!(submit_proposal))
        .routes(routes!(withdraw_proposal))
        .routes(routes!(clone_proposal))
}

fn yes() -> bool {
    true
}

/// A new proposal.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateProposal {
    /// The production it belongs to.
    pub production_id: i64,
    /// The intake: its YAML or JSON text as a JSON string, or the intake itself as a JSON object
    /// (stored byte for byte as sent).
    #[schema(value_type = Object)]
    pub intake: Box<RawValue>,
    /// Submit it for review at once (default); `false` keeps a draft (evaluated all the same,
    /// so the producer sees its tier).
    #[serde(default = "yes")]
    pub submit: bool,
}

/// A new version of a proposal.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviseProposal {
    /// The intake, as for a new proposal.
    #[schema(value_type = Object)]
    pub intake: Box<RawValue>,
    /// Submit the new version (default); `false` keeps a draft a draft.
    #[serde(default = "yes")]
    pub submit: bool,
    /// The proposal's `revision` as the caller read it.
    pub revision: i64,
}

/// A transition that needs only the revision read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevisionOnly {
    /// The proposal's `revision` as the caller read it.
    pub revision: i64,
}

/// Withdrawing a proposal.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Withdraw {
    /// The proposal's `revision` as the caller read it.
    pub revision: i64,
    /// Why (kept in the audit log).
    #[serde(default)]
    pub note: Option<String>,
}

/// Cloning a proposal.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CloneProposal {
    /// The production of the copy (default: the same production).
    #[serde(default)]
    pub production_id: Option<i64>,
}

/// The 409 of an illegal transition.
pub fn illegal(error: Illegal) -> ApiError {
    ApiError::Conflict(error.message)
}

/// A version ready to store, and its tier.
pub struct Evaluated {
    /// The version.
    pub version: NewVersion,
    /// Its evaluation's tier.
    pub tier: Tier,
}

/// Parses, resolves and evaluates intake text under a production's rulebooks and records.
pub async fn evaluate_source(
    state: &Shared,
    production: &Production,
    source: String,
) -> ApiResult<Evaluated> {
    let parsed = triage::parse(&source)?;
    let rulebooks = state.rulebooks_for(&production.rulebooks)?;
    let now = state.now();
    let (records, used) = triage::resolve(&state.store, &parsed, Some(production.id), now).await?;
    let evaluation = triage::stored_evaluation(&rulebooks, &parsed.intake, &records, &used, now);
    let tier = evaluation.tier;
    Ok(Evaluated {
        version: triage::new_version(source, &parsed.intake, Some(evaluation)),
        tier,
    })
}

/// The status of a new proposal: a draft, or submitted and routed by its tier in one step.
pub fn initial_status(submit: bool, tier: Tier) -> Result<Status, Illegal> {
    if !submit {
        return Ok(Status::Draft);
    }
    let context = Context {
        tier: Some(tier),
        needs_reapproval: false,
    };
    let submitted = workflow::next(Status::Draft, Event::Submit, context)?;
    workflow::next(submitted, Event::Route(tier), context)
}

/// The production (404 if it vanished).
pub async fn production(state: &Shared, id: i64) -> ApiResult<Production> {
    state
        .store
        .production(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("production {id}")))
}

/// Builds the version of a new proposal and its save job (notifications included).
///
/// `reviewers`: the production's reviewers (notified of a submission).
#[expect(
    clippy::too_many_arguments,
    reason = "one call per way of creating a proposal"
)]
pub async fn new_proposal_job(
    state: &Shared,
    caller: &Caller,
    production: &Production,
    reviewers: &[i64],
    source: String,
    submit: bool,
    action: &str,
    idempotency_key: Option<String>,
) -> ApiResult<SaveVersion> {
    let evaluated = evaluate_source(state, production, source).await?;
    let status = initial_status(submit, evaluated.tier).map_err(illegal)?;
    let mut notifications = Vec::new();
    if status != Status::Draft {
        let mut recipients = reviewers.to_vec();
        recipients.push(caller.id());
        let body = json!({
            "production_id": production.id,
            "title": evaluated.version.title,
            "status": status,
            "tier": evaluated.tier,
            "version": 1,
        });
        notifications.push(notification(
            "proposal.submitted",
            production.id,
            None,
            recipients,
            body,
        ));
    }
    Ok(SaveVersion {
        target: Target::New {
            production_id: production.id,
        },
        status,
        version: evaluated.version,
        actor: caller.id(),
        action: action.to_owned(),
        idempotency_key,
        notifications,
    })
}

/// Declare a proposed use: parse, evaluate under the production's rulebooks, save version 1, and
/// (unless `submit` is false) submit it and route it by its tier in the same commit. With an
/// `Idempotency-Key` header, a retried request answers 200 with the proposal the first one made.
#[utoipa::path(
    post,
    path = "/api/proposals",
    tag = "proposals",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry return the proposal the first request created")),
    request_body = CreateProposal,
    responses(
        (status = 201, description = "Created", body = ProposalWithVersion),
        (status = 200, description = "A retry with the same Idempotency-Key: the proposal already created", body = ProposalWithVersion),
        (status = 400, body = ErrorBody),
        (status = 403, description = "A reviewer of the production", body = ErrorBody),
        (status = 404, description = "Not a member of the production", body = ErrorBody),
        (status = 409, description = "The Idempotency-Key was used for another intake", body = ErrorBody),
        (status = 422, description = "The intake has problems (located like the command line's)", body = ErrorBody),
    )
)]
pub async fn create_proposal(
    State(state): State<Shared>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ProposalWithVersion>)> {
    let request: CreateProposal = json_body(&state, &body)?;
    let key = idempotency_key(&headers)?;
    // One round of reads for the caller's access, the production and the people to notify.
    let (access, context) = ProductionContext::load(&state, &caller, request.production_id).await?;
    require_partner(access)?;
    let reviewers = context.ids(Capacity::Reviewer);
    let production = context.production;
    let source = intake_source(&request.intake)?;
    let action = if request.submit {
        "proposal.submitted"
    } else {
        "proposal.drafted"
    };
    let job = new_proposal_job(
        &state,
        &caller,
        &production,
        &reviewers,
        source,
        request.submit,
        action,
        key,
    )
    .await?;
    let content_hash = job.version.content_hash.clone();
    // Kept to answer with what was saved instead of reading it back.
    let version = job.version.clone();
    let saved = state.batcher.save(job).await?;
    if saved.replayed {
        let first = state
            .store
            .version(saved.proposal.id, saved.version)
            .await?;
        if saved.proposal.production_id != production.id
            || first.is_none_or(|first| first.content_hash != content_hash)
        {
            return Err(ApiError::Conflict("this Idempotency-Key was already used for another request; use a new key for a new proposal".to_owned()));
        }
        let answer = ProposalWithVersion::load(&state, saved.proposal, saved.version).await?;
        return Ok((StatusCode::OK, Json(answer)));
    }
    after_write(&state, saved.audit_index).await?;
    let answer = ProposalWithVersion::saved(
        saved.proposal,
        saved.version,
        version,
        caller.id(),
        saved.saved_at,
    )?;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Save a new version (optimistic concurrency: send the `revision` you read). The new version is
/// evaluated and routed by the workflow: a changed approved proposal goes back to review (or is
/// acknowledged when its tier is `notify`), and its earlier approval no longer covers it.
#[utoipa::path(
    put,
    path = "/api/proposals/{id}",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    request_body = ReviseProposal,
    responses(
        (status = 200, description = "The new version", body = ProposalWithVersion),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Stale revision, or the workflow does not allow it (message says why)", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
pub async fn revise_proposal(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<ProposalWithVersion>> {
    let (proposal, access) = visible(&state, &caller, id).await?;
    require_partner(access)?;
    let request: ReviseProposal = json_body(&state, &body)?;
    check_revision(&proposal, request.revision)?;
    let production = production(&state, proposal.production_id).await?;
    let source = intake_source(&request.intake)?;
    let evaluated = evaluate_source(&state, &production, source).await?;
    let context = Context {
        tier: Some(evaluated.tier),
        needs_reapproval: proposal.needs_reapproval,
    };
    let status = workflow::next(
        proposal.status,
        Event::Revise {
            submit: request.submit,
            tier: Some(evaluated.tier),
        },
        context,
    )
    .map_err(illegal)?;
    let (action, event) = match (proposal.status, status) {
        (_, Status::Draft) => ("proposal.revised", None),
        (Status::Draft, _) => ("proposal.submitted", Some("proposal.submitted")),
        _ => ("proposal.revised", Some("proposal.revised")),
    };
    let mut notifications = Vec::new();
    if let Some(event) = event {
        let mut recipients = members_in(&state, production.id, Capacity::Reviewer).await?;
        recipients.extend([caller.id(), proposal.created_by]);
        let body = payload(
            &proposal,
            json!({ "title": evaluated.version.title, "status": status, "tier": evaluated.tier, "version": proposal.current_version + 1 }),
        );
        notifications.push(notification(
            event,
            production.id,
            Some(&proposal),
            recipients,
            body,
        ));
    }
    let job = SaveVersion {
        target: Target::Existing {
            proposal_id: proposal.id,
            expected_revision: request.revision,
        },
        status,
        version: evaluated.version,
        actor: caller.id(),
        action: action.to_owned(),
        idempotency_key: None,
        notifications,
    };
    let saved = state.batcher.save(job).await?;
    after_write(&state, saved.audit_index).await?;
    Ok(Json(
        ProposalWithVersion::load(&state, saved.proposal, saved.version).await?,
    ))
}

/// After a transition (which does not report its audit entry): a checkpoint when one is due.
async fn after_transition(state: &Shared) -> ApiResult<()> {
    let (size, _) = state.store.tree_head().await?;
    after_write(state, i64::try_from(size).unwrap_or(i64::MAX) - 1).await
}

/// The transition that changes only the status (the approval fields are kept as they are).
fn status_change(
    proposal: &clearance_store::model::Proposal,
    revision: i64,
    status: Status,
    caller: &Caller,
    action: &str,
) -> Transition {
    Transition {
        proposal_id: proposal.id,
        expected_revision: revision,
        status,
        approved_version: proposal.approved_version,
        approval_expires_at: proposal.approval_expires_at,
        needs_reapproval: proposal.needs_reapproval,
        actor: Some(caller.id()),
        action: action.to_owned(),
        note: None,
        notifications: Vec::new(),
    }
}

/// Submit a draft: it is routed by its current version's tier at once (`acknowledged` for
/// `notify`, `in_review` otherwise).
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/submit",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    request_body = RevisionOnly,
    responses(
        (status = 200, body = ProposalOnly),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Not a draft, or a stale revision", body = ErrorBody),
    )
)]
pub async fn submit_proposal(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<ProposalOnly>> {
    let (proposal, access) = visible(&state, &caller, id).await?;
    require_partner(access)?;
    let request: RevisionOnly = json_body(&state, &body)?;
    check_revision(&proposal, request.revision)?;
    let context = Context {
        tier: proposal.tier,
        needs_reapproval: proposal.needs_reapproval,
    };
    let submitted = workflow::next(proposal.status, Event::Submit, context).map_err(illegal)?;
    let tier = match proposal.tier {
        Some(tier) => tier,
        None => {
            // A draft saved without an evaluation (not made by this API): evaluate it now.
            let version = state
                .store
                .version(proposal.id, proposal.current_version)
                .await?
                .ok_or_else(|| ApiError::not_found(format!("proposal {id}")))?;
            let production = production(&state, proposal.production_id).await?;
            evaluate_source(&state, &production, version.source)
                .await?
                .tier
        }
    };
    let status = workflow::next(
        submitted,
        Event::Route(tier),
        Context {
            tier: Some(tier),
            ..context
        },
    )
    .map_err(illegal)?;
    let mut transition = status_change(
        &proposal,
        request.revision,
        status,
        &caller,
        "proposal.submitted",
    );
    let mut recipients = members_in(&state, proposal.production_id, Capacity::Reviewer).await?;
    recipients.extend([caller.id(), proposal.created_by]);
    let body = payload(&proposal, json!({ "status": status, "tier": tier }));
    transition.notifications.push(notification(
        "proposal.submitted",
        proposal.production_id,
        Some(&proposal),
        recipients,
        body,
    ));
    let proposal = state.store.transition(transition, state.now()).await?;
    after_transition(&state).await?;
    Ok(Json(ProposalOnly { proposal }))
}

/// Withdraw a proposal that is not decided yet (draft, in review, changes requested).
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/withdraw",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    request_body = Withdraw,
    responses(
        (status = 200, body = ProposalOnly),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already decided or closed, or a stale revision", body = ErrorBody),
    )
)]
pub async fn withdraw_proposal(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<ProposalOnly>> {
    let (proposal, access) = visible(&state, &caller, id).await?;
    require_partner(access)?;
    let request: Withdraw = json_body(&state, &body)?;
    check_revision(&proposal, request.revision)?;
    let context = Context {
        tier: proposal.tier,
        needs_reapproval: proposal.needs_reapproval,
    };
    let status = workflow::next(proposal.status, Event::Withdraw, context).map_err(illegal)?;
    let mut transition = status_change(
        &proposal,
        request.revision,
        status,
        &caller,
        "proposal.withdrawn",
    );
    transition.note = request
        .note
        .map(|note| note.trim().to_owned())
        .filter(|note| !note.is_empty());
    let mut recipients = members_in(&state, proposal.production_id, Capacity::Reviewer).await?;
    recipients.extend([caller.id(), proposal.created_by]);
    let body = payload(
        &proposal,
        json!({ "status": status, "note": transition.note }),
    );
    transition.notifications.push(notification(
        "proposal.withdrawn",
        proposal.production_id,
        Some(&proposal),
        recipients,
        body,
    ));
    let proposal = state.store.transition(transition, state.now()).await?;
    after_transition(&state).await?;
    Ok(Json(ProposalOnly { proposal }))
}

/// Start a new draft from the current version's intake text, in the same production or in
/// another one where the caller is a partner (or an admin). The copy is evaluated under the
/// target production's rulebooks and records.
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/clone",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    request_body = CloneProposal,
    responses(
        (status = 201, description = "The new draft", body = ProposalWithVersion),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The text no longer passes (a registry record changed)", body = ErrorBody),
    )
)]
pub async fn clone_proposal(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<ProposalWithVersion>)> {
    let (proposal, _) = visible(&state, &caller, id).await?;
    let request: CloneProposal = if body.is_empty() {
        CloneProposal::default()
    } else {
        json_body(&state, &body)?
    };
    let target = request.production_id.unwrap_or(proposal.production_id);
    let access = caller.production_access(&state, target).await?;
    require_partner(access)?;
    let production = production(&state, target).await?;
    let version = state
        .store
        .version(proposal.id, proposal.current_version)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("proposal {id}")))?;
    let job = new_proposal_job(
        &state,
        &caller,
        &production,
        // A clone is a draft: nobody is notified.
        &[],
        version.source,
        false,
        "proposal.cloned",
        None,
    )
    .await?;
    let saved = state.batcher.save(job).await?;
    after_write(&state, saved.audit_index).await?;
    Ok((
        StatusCode::CREATED,
        Json(ProposalWithVersion::load(&state, saved.proposal, saved.version).await?),
    ))
}
