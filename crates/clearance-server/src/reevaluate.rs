//! Re-evaluation when something a proposal relies on changes: a consent record is revoked,
//! replaced or expires, a registered tool's terms change, a rulebook gets a new version. And the
//! background task that expires approvals past their expiry.
//!
//! A re-evaluation reads the proposal's current version exactly as submitted, resolves its
//! records as they are now and evaluates it under its production's active rulebooks. When the
//! tier, the rulebooks (digests) or the records used changed, the new evaluation is stored on the
//! same version. An approved proposal stays `approved`; when its new tier is more restrictive
//! than the tier the approving reviewer saw, it is marked `needs_reapproval`. The production's
//! reviewers and partners are told whenever the tier or the rulebooks changed.

use std::collections::BTreeSet;
use std::time::Duration;

use clearance_domain::{Records, Tier};
use clearance_store::StoreError;
use clearance_store::model::{
    Decision, Member, Millis, NewNotification, Proposal, ProposalVersion, Role, Status,
    StoredEvaluation,
};
use clearance_store::proposal::Transition;

use crate::error::ApiError;
use crate::state::Shared;
use crate::triage::{self, Parsed, RecordsUsed};
use crate::workflow::{self, Context, Event};

/// How often the background task looks for approvals past their expiry.
pub const EXPIRY_INTERVAL: Duration = Duration::from_secs(30);

/// How many times a re-evaluation is retried when the proposal changed under it.
const ATTEMPTS: usize = 3;

/// What a proposal's current version is evaluated from.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// The current version as stored.
    pub version: ProposalVersion,
    /// Its intake (inline tool answers that now disagree with the registry are left out: the
    /// registered terms supply them).
    pub parsed: Parsed,
    /// The records it references, as they are now.
    pub records: Records,
    /// How each record was used.
    pub used: RecordsUsed,
}

/// Whether a proposal is never re-evaluated: a draft was never evaluated, and a refused or
/// withdrawn proposal is closed.
pub fn is_settled(status: Status) -> bool {
    matches!(status, Status::Draft | Status::Refused | Status::Withdrawn)
}

/// Reads and resolves a proposal's current version. `None` when the version is missing or no
/// longer reads as an intake (logged: nothing can be evaluated).
pub async fn inputs(
    state: &Shared,
    proposal: &Proposal,
    now: Millis,
) -> Result<Option<Inputs>, ApiError> {
    let Some(version) = state
        .store
        .version(proposal.id, proposal.current_version)
        .await?
    else {
        tracing::warn!(
            proposal = proposal.id,
            version = proposal.current_version,
            "the current version is missing; not re-evaluated"
        );
        return Ok(None);
    };
    let mut parsed = match triage::parse(&version.source) {
        Ok(parsed) => parsed,
        Err(error) => {
            tracing::warn!(proposal = proposal.id, error = %error, "the stored intake no longer reads; not re-evaluated");
            return Ok(None);
        }
    };
    let (records, used) =
        resolve_leniently(state, &mut parsed, proposal.production_id, now).await?;
    Ok(Some(Inputs {
        version,
        parsed,
        records,
        used,
    }))
}

/// Resolves the intake's records. A stored intake may answer `environment` or
/// `trains_on_inputs` inline for a registered tool whose terms have changed since: the registry
/// decides, so those inline answers are dropped instead of rejecting the stored version.
pub async fn resolve_leniently(
    state: &Shared,
    parsed: &mut Parsed,
    production_id: i64,
    now: Millis,
) -> Result<(Records, RecordsUsed), ApiError> {
    match triage::resolve(&state.store, parsed, Some(production_id), now).await {
        Err(ApiError::Invalid { .. }) => {
            let registered: Vec<String> = state
                .store
                .tools_by_ids(&triage::tool_ids(&parsed.intake))
                .await?
                .into_iter()
                .map(|tool| tool.id)
                .collect();
            for tool in parsed.intake.tools.iter_mut().flatten() {
                if tool
                    .tool_id
                    .as_ref()
                    .is_some_and(|id| registered.contains(id))
                {
                    tool.environment = None;
                    tool.trains_on_inputs = None;
                }
            }
            triage::resolve(&state.store, parsed, Some(production_id), now).await
        }
        other => other,
    }
}

/// The people told about a production's proposals: its reviewers and partners (a membership
/// counts only in the capacity matching the person's role, as for access).
pub fn recipients(members: &[Member]) -> Vec<i64> {
    let mut ids: Vec<i64> = members
        .iter()
        .filter(|member| {
            use clearance_store::model::Capacity;
            matches!(
                (member.person.role, member.capacity),
                (Role::Reviewer, Capacity::Reviewer)
                    | (Role::Partner, Capacity::Partner)
                    | (Role::Admin, _)
            )
        })
        .map(|member| member.person.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Re-evaluates `proposals` (see the module documentation) and returns those whose stored
/// evaluation changed, as they are now. `cause` says why (`consent.revoked`, `tool.updated`,
/// `rulebook.activated`, …) and is part of the notifications' payload.
///
/// One proposal that cannot be re-evaluated (a rulebook its production names is not loaded, a
/// failure of the database) is logged and skipped, so the others still are.
pub async fn reevaluate(
    state: &Shared,
    proposals: Vec<Proposal>,
    actor: Option<i64>,
    cause: &str,
) -> Result<Vec<Proposal>, ApiError> {
    reevaluate_at(state, proposals, actor, cause, state.now()).await
}

/// [`reevaluate`] as of `now` (consent expiry is judged against `now`'s date).
pub async fn reevaluate_at(
    state: &Shared,
    proposals: Vec<Proposal>,
    actor: Option<i64>,
    cause: &str,
    now: Millis,
) -> Result<Vec<Proposal>, ApiError> {
    let mut seen = BTreeSet::new();
    let mut changed = Vec::new();
    for proposal in proposals {
        if is_settled(proposal.status) || !seen.insert(proposal.id) {
            continue;
        }
        let id = proposal.id;
        match reevaluate_one(state, proposal, actor, cause, now).await {
            Ok(Some(updated)) => changed.push(updated),
            Ok(None) => {}
            Err(error) => {
                tracing::error!(proposal = id, cause, error = %format!("{error:#}"), "re-evaluation failed")
            }
        }
    }
    if !changed.is_empty() {
        state.deliveries.notify_one();
        crate::audit::checkpoint_if_due(state).await;
    }
    Ok(changed)
}

/// The tier the standing approval was given at (the latest approving review of the approved
/// version); `None` when there is none.
async fn approved_tier(state: &Shared, proposal: &Proposal) -> Result<Option<Tier>, ApiError> {
    let reviews = state.store.reviews(proposal.id).await?;
    let approving = reviews
        .iter()
        .filter(|review| {
            review.decision == Decision::Approve
                && proposal
                    .approved_version
                    .is_none_or(|version| review.version == version)
        })
        .max_by_key(|review| (review.created_at, review.id));
    Ok(approving.map(|review| review.tier))
}

fn digests(evaluation: &StoredEvaluation) -> Vec<(&str, &str)> {
    evaluation
        .rulebooks
        .iter()
        .map(|rulebook| (rulebook.id.as_str(), rulebook.digest.as_str()))
        .collect()
}

async fn reevaluate_one(
    state: &Shared,
    mut proposal: Proposal,
    actor: Option<i64>,
    cause: &str,
    now: Millis,
) -> Result<Option<Proposal>, ApiError> {
    for attempt in 1..=ATTEMPTS {
        if is_settled(proposal.status) {
            return Ok(None);
        }
        let Some(production) = state.store.production(proposal.production_id).await? else {
            return Ok(None);
        };
        let rulebooks = state.rulebooks_for(&production.rulebooks)?;
        let Some(inputs) = inputs(state, &proposal, now).await? else {
            return Ok(None);
        };
        let evaluation = triage::stored_evaluation(
            &rulebooks,
            &inputs.parsed.intake,
            &inputs.records,
            &inputs.used,
            now,
        );
        let previous = inputs.version.evaluation.as_ref();
        let tier_before = previous.map(|evaluation| evaluation.tier).or(proposal.tier);
        let tier_changed = tier_before != Some(evaluation.tier);
        let rulebooks_changed =
            previous.is_none_or(|previous| digests(previous) != digests(&evaluation));
        let records_changed =
            previous.is_none_or(|previous| previous.records != evaluation.records);
        let needs_reapproval = if proposal.status == Status::Approved {
            let approved = approved_tier(state, &proposal).await?.or(tier_before);
            approved.is_some_and(|approved| evaluation.tier > approved)
        } else {
            false
        };
        let flag_changed = needs_reapproval != proposal.needs_reapproval;
        if !(tier_changed || rulebooks_changed || records_changed || flag_changed) {
            return Ok(None);
        }
        let notifications = if tier_changed || rulebooks_changed || flag_changed {
            let members = state.store.members(proposal.production_id).await?;
            let event = if needs_reapproval {
                "proposal.needs_reapproval"
            } else {
                "proposal.reevaluated"
            };
            let payload = serde_json::json!({
                "proposal_id": proposal.id,
                "production_id": proposal.production_id,
                "title": proposal.title,
                "status": proposal.status.as_str(),
                "version": proposal.current_version,
                "cause": cause,
                "tier_before": tier_before.map(Tier::as_str),
                "tier": evaluation.tier.as_str(),
                "needs_reapproval": needs_reapproval,
                "rulebooks": evaluation.rulebooks,
                "records": serde_json::to_value(&inputs.used).unwrap_or_default(),
            });
            vec![NewNotification {
                event: event.to_owned(),
                production_id: Some(proposal.production_id),
                proposal_id: Some(proposal.id),
                recipients: recipients(&members),
                payload: payload.to_string(),
            }]
        } else {
            Vec::new()
        };
        // `update_evaluation` does not check the revision: make sure nothing (a new version, a
        // decision) landed while this one was being computed, or start again.
        match state.store.proposal(proposal.id).await? {
            Some(fresh) if fresh.revision == proposal.revision => {}
            Some(fresh) if attempt < ATTEMPTS => {
                proposal = fresh;
                continue;
            }
            Some(_) => {
                tracing::warn!(
                    proposal = proposal.id,
                    cause,
                    "the proposal kept changing; not re-evaluated"
                );
                return Ok(None);
            }
            None => return Ok(None),
        }
        match state
            .store
            .update_evaluation(
                proposal.id,
                proposal.current_version,
                evaluation,
                needs_reapproval,
                actor,
                notifications,
                now,
            )
            .await
        {
            Ok(updated) => return reroute(state, updated, actor, cause, now).await.map(Some),
            Err(StoreError::Conflict(_) | StoreError::NotFound(_)) if attempt < ATTEMPTS => {
                // A new version or a decision landed meanwhile: start again from what is stored.
                match state.store.proposal(proposal.id).await? {
                    Some(fresh) => proposal = fresh,
                    None => return Ok(None),
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(None)
}

/// An acknowledged use whose tier rose above `notify` goes to review (workflow
/// `Event::Reevaluated`); its reviewers were notified with the re-evaluation.
async fn reroute(
    state: &Shared,
    proposal: Proposal,
    actor: Option<i64>,
    cause: &str,
    now: Millis,
) -> Result<Proposal, ApiError> {
    let Some(tier) = proposal.tier else {
        return Ok(proposal);
    };
    let context = Context {
        tier: Some(tier),
        needs_reapproval: proposal.needs_reapproval,
    };
    let status = workflow::next(proposal.status, Event::Reevaluated(tier), context)
        .map_err(|illegal| ApiError::Conflict(illegal.message))?;
    if status == proposal.status {
        return Ok(proposal);
    }
    let transition = Transition {
        proposal_id: proposal.id,
        expected_revision: proposal.revision,
        status,
        approved_version: proposal.approved_version,
        approval_expires_at: proposal.approval_expires_at,
        needs_reapproval: proposal.needs_reapproval,
        actor,
        action: "proposal.rerouted".to_owned(),
        note: Some(format!(
            "re-evaluated ({cause}): the tier rose to {tier}, so the use now needs a review"
        )),
        notifications: Vec::new(),
    };
    Ok(state.store.transition(transition, now).await?)
}

/// Expires approvals past their expiry and re-evaluates the proposals referencing consents
/// that expired, every [`EXPIRY_INTERVAL`] (the first pass at once) until the service stops.
/// Consents are looked at once a day: a pass only considers those that expired since the date
/// of the previous pass (every expired consent at start).
pub async fn expire_approvals(state: Shared) {
    let mut swept: Option<String> = None;
    let mut ticker = tokio::time::interval(EXPIRY_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = state.now();
        if let Err(error) = expire_due(&state, now).await {
            tracing::warn!(error = %format!("{error:#}"), "expiring approvals failed; retrying later");
        }
        let today = triage::date_of(now);
        if swept.as_deref() != Some(today.as_str()) {
            match expired_consents(&state, now, swept.as_deref()).await {
                Ok(_) => swept = Some(today),
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "re-evaluating after consent expiries failed; retrying later")
                }
            }
        }
    }
}

/// One full pass as of `now`: approvals due by `now` expire, and every proposal referencing a
/// consent expired by `now`'s date is re-evaluated. Returns how many proposals changed.
pub async fn expire_once(state: &Shared, now: Millis) -> Result<usize, ApiError> {
    let expired = expire_due(state, now).await?;
    let reevaluated = expired_consents(state, now, None).await?;
    Ok(expired + reevaluated)
}

/// Moves approved proposals whose approval expired by `now` to `expired`.
async fn expire_due(state: &Shared, now: Millis) -> Result<usize, ApiError> {
    let due = state.store.due_expiries(now).await?;
    let mut expired = 0;
    for proposal in due {
        let context = Context {
            tier: proposal.tier,
            needs_reapproval: proposal.needs_reapproval,
        };
        let Ok(status) = workflow::next(proposal.status, Event::Expire, context) else {
            continue;
        };
        let members = state.store.members(proposal.production_id).await?;
        let payload = serde_json::json!({
            "proposal_id": proposal.id,
            "production_id": proposal.production_id,
            "title": proposal.title,
            "status": status.as_str(),
            "approved_version": proposal.approved_version,
            "approval_expires_at": proposal.approval_expires_at,
        });
        let transition = Transition {
            proposal_id: proposal.id,
            expected_revision: proposal.revision,
            status,
            approved_version: proposal.approved_version,
            approval_expires_at: proposal.approval_expires_at,
            needs_reapproval: false,
            actor: None,
            action: "proposal.expired".to_owned(),
            note: None,
            notifications: vec![NewNotification {
                event: "proposal.expired".to_owned(),
                production_id: Some(proposal.production_id),
                proposal_id: Some(proposal.id),
                recipients: recipients(&members),
                payload: payload.to_string(),
            }],
        };
        match state.store.transition(transition, now).await {
            Ok(_) => expired += 1,
            // Changed meanwhile (a new version, a decision): the next pass sees it as it is.
            Err(StoreError::Conflict(_)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    if expired > 0 {
        state.deliveries.notify_one();
        crate::audit::checkpoint_if_due(state).await;
    }
    Ok(expired)
}

/// Re-evaluates the proposals referencing consents that are expired as of `now`'s date (an
/// expired consent counts as none, like a revoked one); with `since`, only consents that
/// expired since that date's pass (`since <= expires_on < today`).
async fn expired_consents(
    state: &Shared,
    now: Millis,
    since: Option<&str>,
) -> Result<usize, ApiError> {
    let today = triage::date_of(now);
    let consents = state.store.consents(None).await?;
    let mut proposals = Vec::new();
    for consent in consents
        .iter()
        .filter(|consent| consent.revoked_at.is_none())
    {
        let Some(expiry) = consent.expires_on.as_deref() else {
            continue;
        };
        if expiry < today.as_str() && since.is_none_or(|since| expiry >= since) {
            proposals.extend(state.store.referencing_consent(&consent.id).await?);
        }
    }
    if proposals.is_empty() {
        return Ok(0);
    }
    Ok(
        reevaluate_at(state, proposals, None, "consent.expired", now)
            .await?
            .len(),
    )
}
