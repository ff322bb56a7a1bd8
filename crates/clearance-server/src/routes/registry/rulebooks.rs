//! Rulebooks: the stored versions, the one in force for each id, uploading a new version (which
//! re-evaluates the proposals under it) and the impact a candidate version would have.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use clearance_domain::Tier;
use clearance_rulebook::{Options, Rulebook, evaluate};
use clearance_store::model::{Millis, Production, Proposal, Status, StoredRulebook};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody, ProblemBody};
use crate::reevaluate;
use crate::routes::directory::Ids;
use crate::state::Shared;

/// The statuses whose proposals follow their rulebooks' changes: open, acknowledged, approved.
const FOLLOWING: [Status; 5] = [
    Status::Submitted,
    Status::InReview,
    Status::ChangesRequested,
    Status::Acknowledged,
    Status::Approved,
];

/// A stored rulebook version (without its text).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulebookVersion {
    /// Rulebook id.
    pub id: String,
    /// Version.
    pub version: String,
    /// SHA-256 of its canonical form.
    pub digest: String,
    /// Whether it is the version in force for its id.
    pub active: bool,
    /// When it was added.
    pub created_at: Millis,
}

impl From<StoredRulebook> for RulebookVersion {
    fn from(stored: StoredRulebook) -> Self {
        RulebookVersion {
            id: stored.id,
            version: stored.version,
            digest: stored.digest,
            active: stored.active,
            created_at: stored.created_at,
        }
    }
}

/// A clause of a rulebook's catalogue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClauseBody {
    /// Its key, as rules cite it (`netflix:principle/2`).
    pub key: String,
    /// Title.
    pub title: String,
    /// Its text (a paraphrase of the source).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The version of a rulebook in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulebookDetail {
    /// Rulebook id.
    pub id: String,
    /// Version.
    pub version: String,
    /// SHA-256 of its canonical form.
    pub digest: String,
    /// Title.
    pub title: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The clause catalogue, in file order.
    pub clauses: Vec<ClauseBody>,
    /// Where the rules come from (the file's `source`).
    pub source: String,
    /// How many rules it has.
    pub rule_count: usize,
}

/// A rulebook version stored and put in force, and the proposals whose evaluation changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RulebookActivated {
    /// The version now in force.
    pub rulebook: RulebookVersion,
    /// Proposals re-evaluated with a different outcome.
    pub reevaluated: Vec<Proposal>,
}

/// A proposal whose tier a candidate rulebook would change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImpactEntry {
    /// The proposal.
    pub proposal_id: i64,
    /// Its title.
    pub title: String,
    /// Its status.
    pub status: Status,
    /// Its production.
    pub production_id: i64,
    /// Its tier under the rulebooks in force.
    #[schema(value_type = Option<String>, example = "approval")]
    pub tier_now: Option<Tier>,
    /// Its tier with the candidate in place of the version in force.
    #[schema(value_type = String, example = "blocked")]
    pub tier_then: Tier,
}

/// How many proposals a candidate would affect.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct ImpactCounts {
    /// Proposals evaluated (open, acknowledged or approved, of productions using the rulebook id).
    pub evaluated: usize,
    /// Whose tier would change.
    pub changed: usize,
    /// Whose tier would rise.
    pub raised: usize,
    /// Whose tier would fall.
    pub lowered: usize,
    /// Approved proposals whose tier would rise (they would need approving again).
    pub approved_raised: usize,
}

/// What a candidate rulebook would change. Nothing is stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Impact {
    /// Rulebook id.
    pub id: String,
    /// The candidate's version.
    pub version: String,
    /// The candidate's digest.
    pub digest: String,
    /// The version in force for this id, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_version: Option<String>,
    /// The candidate's own `tests:` that fail (uploading it would be refused while any does).
    pub test_failures: Vec<String>,
    /// Counts.
    pub counts: ImpactCounts,
    /// The proposals whose tier would change, by id.
    pub proposals: Vec<ImpactEntry>,
}

/// Rulebook text from a request body, loaded and checked; 422 with every located problem.
fn load(body: &Bytes) -> Result<(Rulebook, &str), ApiError> {
    let source = std::str::from_utf8(body)
        .map_err(|_| ApiError::BadRequest("the rulebook must be UTF-8 text".to_owned()))?;
    let rulebook = clearance_rulebook::load("rulebook", source).map_err(|error| {
        let problems: Vec<ProblemBody> = error.problems.0.iter().map(ProblemBody::from).collect();
        let message = match problems.as_slice() {
            [one] => format!(
                "the rulebook has a problem: {}:{}: {}",
                one.line, one.column, one.message
            ),
            many => format!("the rulebook has {} problems", many.len()),
        };
        ApiError::Invalid { message, problems }
    })?;
    Ok((rulebook, source))
}

/// A failure line of `run_tests` (`"12: test `name`: …"`) as a located problem.
fn test_problem(failure: &str) -> ProblemBody {
    let (line, message) = match failure.split_once(": ") {
        Some((line, rest)) => match line.parse::<u32>() {
            Ok(line) => (line, rest.to_owned()),
            Err(_) => (0, failure.to_owned()),
        },
        None => (0, failure.to_owned()),
    };
    ProblemBody {
        path: "tests".to_owned(),
        line,
        column: u32::from(line > 0),
        message,
        help: None,
    }
}

/// Every stored rulebook version, and which is in force.
#[utoipa::path(get, path = "/api/rulebooks", tag = "registry", responses((status = 200, body = Vec<RulebookVersion>)))]
pub async fn list_rulebooks(
    State(state): State<Shared>,
    _caller: Caller,
) -> ApiResult<Json<Vec<RulebookVersion>>> {
    let mut versions: Vec<RulebookVersion> = state
        .store
        .rulebooks()
        .await?
        .into_iter()
        .map(RulebookVersion::from)
        .collect();
    versions.sort_by(|a, b| (a.id.as_str(), a.created_at).cmp(&(b.id.as_str(), b.created_at)));
    Ok(Json(versions))
}

/// The version of a rulebook in force: its clauses with their text and how many rules it has.
#[utoipa::path(get, path = "/api/rulebooks/{id}", tag = "registry", params(("id" = String, Path, description = "Rulebook id")),
    responses((status = 200, body = RulebookDetail), (status = 404, body = ErrorBody)))]
pub async fn get_rulebook(
    State(state): State<Shared>,
    _caller: Caller,
    Ids(id): Ids<String>,
) -> ApiResult<Json<RulebookDetail>> {
    let rulebook = state
        .rulebooks_for(std::slice::from_ref(&id))
        .ok()
        .and_then(|mut found| found.pop());
    let rulebook = rulebook.ok_or_else(|| ApiError::not_found(format!("rulebook `{id}`")))?;
    Ok(Json(RulebookDetail {
        id: rulebook.id.to_string(),
        version: rulebook.version.to_string(),
        digest: rulebook.digest.to_string(),
        title: rulebook.title.clone(),
        description: rulebook.description.clone(),
        clauses: rulebook
            .clauses
            .iter()
            .map(|clause| ClauseBody {
                key: clause.key.clone(),
                title: clause.title.clone(),
                text: clause.text.clone(),
            })
            .collect(),
        source: rulebook.source.clone(),
        rule_count: rulebook.rules.len(),
    }))
}

/// The proposals following a rulebook id (open, acknowledged or approved, of productions using
/// it), with their productions.
async fn following(state: &Shared, id: &str) -> Result<Vec<(Proposal, Production)>, ApiError> {
    let mut productions: HashMap<i64, Option<Production>> = HashMap::new();
    let mut found = Vec::new();
    for proposal in state.store.proposals_with_status(&FOLLOWING).await? {
        let production = match productions.entry(proposal.production_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(slot) => {
                slot.insert(state.store.production(proposal.production_id).await?)
            }
        };
        if let Some(production) = production
            && production.rulebooks.iter().any(|used| used == id)
        {
            found.push((proposal, production.clone()));
        }
    }
    Ok(found)
}

/// Upload a rulebook version (admins; the body is the rulebook file, YAML). It must load
/// without problems and pass its own `tests:`; it is stored, put in force, and the open,
/// acknowledged and approved proposals of productions using its id are re-evaluated.
#[utoipa::path(post, path = "/api/rulebooks", tag = "registry",
    request_body(content = String, description = "The rulebook file", content_type = "application/yaml"),
    responses(
        (status = 201, body = RulebookActivated),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "This version of the rulebook is already stored", body = ErrorBody),
        (status = 422, description = "The rulebook has problems, or its tests fail (located in `problems`)", body = ErrorBody),
    ))]
pub async fn upload_rulebook(
    State(state): State<Shared>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<RulebookActivated>)> {
    caller.require_admin()?;
    let (rulebook, source) = load(&body)?;
    let failures = rulebook.run_tests();
    if !failures.is_empty() {
        return Err(ApiError::Invalid {
            message: format!("{} of the rulebook's tests fail", failures.len()),
            problems: failures
                .iter()
                .map(|failure| test_problem(failure))
                .collect(),
        });
    }
    let stored = state.store.rulebooks().await?;
    let same_id = stored.iter().filter(|stored| stored.id == *rulebook.id);
    if let Some(same) = same_id
        .clone()
        .find(|stored| stored.digest == *rulebook.digest)
    {
        return Err(ApiError::Conflict(format!(
            "rulebook `{}` with this content is already stored as version {}{}",
            rulebook.id,
            same.version,
            if same.active { " and in force" } else { "" }
        )));
    }
    if same_id
        .clone()
        .any(|stored| stored.version == *rulebook.version)
    {
        return Err(ApiError::Conflict(format!(
            "version {} of rulebook `{}` is already stored with other content; give the new one another version",
            rulebook.version, rulebook.id
        )));
    }
    let saved = state
        .store
        .save_rulebook(
            &rulebook.id,
            &rulebook.version,
            &rulebook.digest,
            source,
            true,
            Some(caller.id()),
            state.now(),
        )
        .await?;
    let id = rulebook.id.to_string();
    {
        let mut active = state
            .rulebooks
            .write()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("rulebook lock poisoned")))?;
        active.insert(id.clone(), Arc::new(rulebook));
    }
    crate::audit::checkpoint_if_due(&state).await;
    let proposals = following(&state, &id)
        .await?
        .into_iter()
        .map(|(proposal, _)| proposal)
        .collect();
    let reevaluated =
        reevaluate::reevaluate(&state, proposals, Some(caller.id()), "rulebook.activated").await?;
    Ok((
        StatusCode::CREATED,
        Json(RulebookActivated {
            rulebook: RulebookVersion::from(saved),
            reevaluated,
        }),
    ))
}

/// What a candidate rulebook version would change (admins; the body is the rulebook file).
/// Every open, acknowledged or approved proposal of a production using the candidate's id is
/// evaluated with the candidate in place of the version in force; those whose tier would
/// change are listed. Nothing is stored.
#[utoipa::path(post, path = "/api/rulebooks/impact", tag = "registry",
    request_body(content = String, description = "The candidate rulebook file", content_type = "application/yaml"),
    responses(
        (status = 200, body = Impact),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "The candidate has problems (located in `problems`)", body = ErrorBody),
    ))]
pub async fn impact(
    State(state): State<Shared>,
    caller: Caller,
    body: Bytes,
) -> ApiResult<Json<Impact>> {
    caller.require_admin()?;
    let candidate = Arc::new(load(&body)?.0);
    let test_failures = candidate.run_tests();
    let active: HashMap<String, Arc<Rulebook>> = state
        .rulebooks
        .read()
        .map_err(|_| ApiError::Internal(anyhow::anyhow!("rulebook lock poisoned")))?
        .clone();
    let now = state.now();
    let mut counts = ImpactCounts::default();
    let mut proposals = Vec::new();
    for (proposal, production) in following(&state, &candidate.id).await? {
        // The rulebooks of the production, in its order: in force now, and with the candidate.
        let mut before: Vec<&Rulebook> = Vec::new();
        let mut after: Vec<&Rulebook> = Vec::new();
        let mut complete = true;
        for id in &production.rulebooks {
            let current = active.get(id);
            if let Some(current) = current {
                before.push(current);
            }
            if *id == *candidate.id {
                after.push(&candidate);
            } else if let Some(current) = current {
                after.push(current);
            } else {
                complete = false;
            }
        }
        if !complete {
            continue;
        }
        let Some(inputs) = reevaluate::inputs(&state, &proposal, now).await? else {
            continue;
        };
        let options = Options {
            lower_tier_if: false,
        };
        let tier_now = (!before.is_empty())
            .then(|| evaluate(&before, &inputs.parsed.intake, &inputs.records, options).tier);
        let tier_then = evaluate(&after, &inputs.parsed.intake, &inputs.records, options).tier;
        counts.evaluated += 1;
        if tier_now == Some(tier_then) {
            continue;
        }
        counts.changed += 1;
        let raised = tier_now.is_none_or(|now| tier_then > now);
        if raised {
            counts.raised += 1;
            if proposal.status == Status::Approved {
                counts.approved_raised += 1;
            }
        } else {
            counts.lowered += 1;
        }
        proposals.push(ImpactEntry {
            proposal_id: proposal.id,
            title: proposal.title,
            status: proposal.status,
            production_id: proposal.production_id,
            tier_now,
            tier_then,
        });
    }
    proposals.sort_by_key(|entry| entry.proposal_id);
    Ok(Json(Impact {
        id: candidate.id.to_string(),
        version: candidate.version.to_string(),
        digest: candidate.digest.to_string(),
        active_version: active
            .get(&*candidate.id)
            .map(|rulebook| rulebook.version.to_string()),
        test_failures,
        counts,
        proposals,
    }))
}
