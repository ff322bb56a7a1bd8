//! Proposals over HTTP: declaring a use (`POST /api/proposals`), revising it, the workflow's
//! transitions, versions and their diffs, cloning, bulk import, written reviews, comments and
//! attachments.
//!
//! Who may do what (a person counts as a member of a production only in the capacity matching
//! their role, see `auth`):
//! - **partner members and admins** write: create, revise, submit, withdraw, clone, import;
//! - **reviewer members only** decide (an admin cannot write a reviewer's decision: 403);
//! - **members of either side and admins** read everything about the production's proposals
//!   (drafts included: a draft is not routed to anyone, but it is not secret from the studio),
//!   comment and attach files;
//! - **anyone else gets 404** for a proposal, exactly as for one that does not exist; a
//!   representative gets 403 from the search (they manage consents, never proposals).
//!
//! Every write goes through the store in one transaction with its audit entry and its
//! notifications (the outbox); the handler then wakes the webhook dispatcher and signs a
//! checkpoint when one is due.

pub(crate) mod diff;
pub(crate) mod discussion;
pub(crate) mod import;
pub(crate) mod read;
pub(crate) mod review;
pub(crate) mod write;

use axum::body::Bytes;
use axum::http::HeaderMap;
use clearance_domain::Tier;
use clearance_store::model::{
    Capacity, Member, Millis, NewNotification, NewVersion, Production, Proposal, ProposalVersion,
    RulebookRef,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::auth::{Access, Caller};
use crate::error::{ApiError, ApiResult, ProblemBody};
use crate::state::Shared;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .merge(write::routes())
        .merge(read::routes())
        .merge(review::routes())
        .merge(import::routes())
        .merge(discussion::routes())
}

/// One version of a proposal as the API shows it (the evaluation's result object is given beside
/// it, as `evaluation`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    /// Version number, from 1.
    pub number: i64,
    /// The intake text exactly as it was sent (YAML or JSON).
    pub source: String,
    /// `yaml` or `json`.
    pub format: String,
    /// SHA-256 (hex) of `source`: what an approval is bound to.
    pub content_hash: String,
    /// The intake as canonical JSON.
    #[schema(value_type = Object)]
    pub intake: Box<RawValue>,
    /// Tool names and tool ids the intake mentions.
    pub tools: Vec<String>,
    /// Consent record ids the intake references.
    pub consent_ids: Vec<String>,
    /// Who wrote this version.
    pub author_id: i64,
    /// When.
    pub created_at: Millis,
    /// The tier of its evaluation.
    #[schema(value_type = Option<String>, example = "approval")]
    pub tier: Option<Tier>,
    /// The rulebooks (and digests) it was evaluated under.
    pub rulebooks: Vec<RulebookRef>,
    /// When it was evaluated.
    pub evaluated_at: Option<Millis>,
}

impl VersionView {
    /// The view of a stored version, and its evaluation's result object (JSON `null` when it
    /// was never evaluated).
    pub fn of(version: &ProposalVersion) -> ApiResult<(VersionView, Box<RawValue>)> {
        let evaluation = match &version.evaluation {
            Some(stored) => raw(&stored.result)?,
            None => raw("null")?,
        };
        let view = VersionView {
            number: version.number,
            source: version.source.clone(),
            format: version.format.clone(),
            content_hash: version.content_hash.clone(),
            intake: raw(&version.intake)?,
            tools: version.tools.clone(),
            consent_ids: version.consent_ids.clone(),
            author_id: version.author_id,
            created_at: version.created_at,
            tier: version.evaluation.as_ref().map(|stored| stored.tier),
            rulebooks: version
                .evaluation
                .as_ref()
                .map(|stored| stored.rulebooks.clone())
                .unwrap_or_default(),
            evaluated_at: version
                .evaluation
                .as_ref()
                .map(|stored| stored.evaluated_at),
        };
        Ok((view, evaluation))
    }
}

/// Stored JSON text, sent as it is.
fn raw(text: &str) -> ApiResult<Box<RawValue>> {
    RawValue::from_string(text.to_owned())
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("stored JSON is unreadable: {error}")))
}

/// A proposal with one of its versions and that version's evaluation: the answer to creating,
/// revising or cloning a proposal, and to reading one version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalWithVersion {
    /// The proposal.
    pub proposal: Proposal,
    /// The version.
    pub version: VersionView,
    /// The version's evaluation: the result object of the evaluation spec (`null` if none).
    #[schema(value_type = Object)]
    pub evaluation: Box<RawValue>,
}

impl ProposalWithVersion {
    /// The answer to a save, from what was saved (nothing read back): `version` as it was
    /// written as number `number` by `author` at `saved_at`.
    pub fn saved(
        proposal: Proposal,
        number: i64,
        version: NewVersion,
        author_id: i64,
        saved_at: Millis,
    ) -> ApiResult<ProposalWithVersion> {
        let stored = ProposalVersion {
            proposal_id: proposal.id,
            number,
            source: version.source,
            format: version.format,
            content_hash: version.content_hash,
            intake: version.intake,
            tools: version.tools,
            consent_ids: version.consent_ids,
            author_id,
            created_at: saved_at,
            evaluation: version.evaluation,
        };
        let (version, evaluation) = VersionView::of(&stored)?;
        Ok(ProposalWithVersion {
            proposal,
            version,
            evaluation,
        })
    }

    /// Reads version `number` of `proposal`.
    pub async fn load(
        state: &Shared,
        proposal: Proposal,
        number: i64,
    ) -> ApiResult<ProposalWithVersion> {
        let version = state
            .store
            .version(proposal.id, number)
            .await?
            .ok_or_else(|| {
                ApiError::not_found(format!("version {number} of proposal {}", proposal.id))
            })?;
        let (version, evaluation) = VersionView::of(&version)?;
        Ok(ProposalWithVersion {
            proposal,
            version,
            evaluation,
        })
    }
}

/// A proposal after a transition.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalOnly {
    /// The proposal as it is now.
    pub proposal: Proposal,
}

/// A proposal the caller may see, and how they may act on it. Someone who is not a member of
/// its production gets 404, as for a proposal that does not exist.
pub async fn visible(state: &Shared, caller: &Caller, id: i64) -> ApiResult<(Proposal, Access)> {
    let missing = || ApiError::not_found(format!("proposal {id}"));
    let proposal = state.store.proposal(id).await?.ok_or_else(missing)?;
    let access = caller
        .production_access(state, proposal.production_id)
        .await
        .map_err(|error| match error {
            ApiError::NotFound(_) => missing(),
            other => other,
        })?;
    Ok((proposal, access))
}

/// 403 unless the caller writes proposals for the production (a partner member or an admin).
pub fn require_partner(access: Access) -> ApiResult<()> {
    match access {
        Access::Admin | Access::Member(Capacity::Partner) => Ok(()),
        Access::Member(Capacity::Reviewer) => {
            Err(ApiError::Forbidden("reviewers decide on proposals; only the production's partners (or an admin) write them".to_owned()))
        }
    }
}

/// 409 when the revision the caller read is not the proposal's revision any more.
pub fn check_revision(proposal: &Proposal, revision: i64) -> ApiResult<()> {
    if proposal.revision == revision {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!(
            "proposal {} changed since you read it: its revision is {}, you sent {revision}; read it again and retry",
            proposal.id, proposal.revision
        )))
    }
}

/// A production with its members, read together (two queries at once) for the writes that
/// need both the caller's access and the people to notify.
#[derive(Debug, Clone)]
pub struct ProductionContext {
    /// The production.
    pub production: Production,
    /// Its members.
    pub members: Vec<Member>,
}

impl ProductionContext {
    /// Reads production `id` and its members, and the caller's access to it (404 for a
    /// production that does not exist or that the caller is not a member of, as
    /// [`Caller::production_access`]).
    pub async fn load(state: &Shared, caller: &Caller, id: i64) -> ApiResult<(Access, Self)> {
        let (production, members) =
            tokio::try_join!(state.store.production(id), state.store.members(id))?;
        let missing = || ApiError::not_found(format!("production {id}"));
        let production = production.ok_or_else(missing)?;
        let access = if caller.is_admin() {
            Access::Admin
        } else {
            members
                .iter()
                .find(|member| member.person.id == caller.id())
                .filter(|member| crate::auth::role_allows(caller.person.role, member.capacity))
                .map(|member| Access::Member(member.capacity))
                .ok_or_else(missing)?
        };
        Ok((
            access,
            ProductionContext {
                production,
                members,
            },
        ))
    }

    /// The members in one capacity (people whose role matches it), as [`members_in`].
    pub fn ids(&self, capacity: Capacity) -> Vec<i64> {
        in_capacity(&self.members, capacity)
    }
}

/// The people among `members` in one capacity whose role matches it.
fn in_capacity(members: &[Member], capacity: Capacity) -> Vec<i64> {
    members
        .iter()
        .filter(|member| {
            member.capacity == capacity && member.person.role.as_str() == capacity.as_str()
        })
        .map(|member| member.person.id)
        .collect()
}

/// The members of a production in one capacity (people whose role matches it).
pub async fn members_in(
    state: &Shared,
    production_id: i64,
    capacity: Capacity,
) -> ApiResult<Vec<i64>> {
    let members = state.store.members(production_id).await?;
    Ok(in_capacity(&members, capacity))
}

/// A notification about a proposal (`proposal` None: the one being created).
pub fn notification(
    event: &str,
    production_id: i64,
    proposal: Option<&Proposal>,
    mut recipients: Vec<i64>,
    payload: serde_json::Value,
) -> NewNotification {
    recipients.sort_unstable();
    recipients.dedup();
    NewNotification {
        event: event.to_owned(),
        production_id: Some(production_id),
        proposal_id: proposal.map(|proposal| proposal.id),
        recipients,
        payload: payload.to_string(),
    }
}

/// After a write: wake the webhook dispatcher and sign a checkpoint if one is due.
pub async fn after_write(state: &Shared, audit_index: i64) -> ApiResult<()> {
    state.deliveries.notify_one();
    crate::audit::maybe_checkpoint(state, audit_index).await
}

/// 413 when a request body is larger than `max_body_bytes`.
pub fn check_size(state: &Shared, body: &Bytes) -> ApiResult<()> {
    let limit = state.config.max_body_bytes;
    if body.len() > limit {
        return Err(ApiError::TooLarge(format!(
            "the request body is {} bytes; at most {limit} are accepted",
            body.len()
        )));
    }
    Ok(())
}

/// Reads a JSON request body: 413 beyond `max_body_bytes`, 400 with serde's message when it does
/// not fit the type.
pub fn json_body<T: DeserializeOwned>(state: &Shared, body: &Bytes) -> ApiResult<T> {
    check_size(state, body)?;
    if body.is_empty() {
        return Err(ApiError::BadRequest("send a JSON body".to_owned()));
    }
    serde_json::from_slice(body).map_err(|error| {
        ApiError::BadRequest(format!(
            "the request body is not what this endpoint expects: {error}"
        ))
    })
}

/// The intake text of a request: `intake` is a JSON string holding YAML or JSON text (kept
/// exactly), or a JSON object (its exact bytes, as sent, are the source).
pub fn intake_source(intake: &RawValue) -> ApiResult<String> {
    let text = intake.get().trim();
    if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|error| {
            ApiError::BadRequest(format!("`intake` is not a valid JSON string: {error}"))
        })
    } else if text.starts_with('{') {
        Ok(text.to_owned())
    } else {
        Err(ApiError::BadRequest("`intake` must be the intake's YAML or JSON text (a string) or the intake as a JSON object".to_owned()))
    }
}

/// A 422 for one problem with a field of the request (not of the intake).
pub fn invalid_field(path: &str, message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError::Invalid {
        message: message.clone(),
        problems: vec![ProblemBody {
            path: path.to_owned(),
            line: 0,
            column: 0,
            message,
            help: None,
        }],
    }
}

/// The `Idempotency-Key` header, if sent (400 when it is not 1 to 200 visible ASCII characters).
pub fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::BadRequest("`Idempotency-Key` must be visible ASCII".to_owned()))?
        .trim();
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(ApiError::BadRequest(
            "`Idempotency-Key` must be 1 to 200 visible ASCII characters".to_owned(),
        ));
    }
    Ok(Some(key.to_owned()))
}

/// What a notification about a proposal carries.
pub fn payload(proposal: &Proposal, extra: serde_json::Value) -> serde_json::Value {
    let mut value = serde_json::json!({
        "proposal_id": proposal.id,
        "production_id": proposal.production_id,
        "title": proposal.title,
        "status": proposal.status,
        "tier": proposal.tier,
        "version": proposal.current_version,
    });
    if let (Some(object), serde_json::Value::Object(more)) = (value.as_object_mut(), extra) {
        object.extend(more);
    }
    value
}
