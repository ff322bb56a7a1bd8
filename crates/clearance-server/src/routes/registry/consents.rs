//! Performers' consent records: recorded by admins and representatives, read by whoever may see
//! them, replaced or revoked by admins and the owning representative.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use clearance_domain::vocabulary::{TalentUse, Vocabulary};
use clearance_store::model::{ConsentRecord, NewConsent, Proposal, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Problems, Visibility, id_problem, is_date};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::reevaluate;
use crate::routes::directory::{Body, Ids};
use crate::state::Shared;

/// Longest accepted free-text field, in characters.
const MAX_TEXT: usize = 2000;

/// A consent record and the proposals whose current version references it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentDetail {
    /// The record.
    #[serde(flatten)]
    pub consent: ConsentRecord,
    /// The proposals relying on it (for a reviewer or partner, only those of their productions).
    pub proposals: Vec<Proposal>,
}

/// A consent record after a change, and the proposals whose evaluation changed with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsentChange {
    /// The record as stored now.
    pub consent: ConsentRecord,
    /// Proposals re-evaluated with a different outcome (tier, rulebooks or records used).
    pub reevaluated: Vec<Proposal>,
}

/// Why a consent is revoked.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct Revocation {
    /// The reason, in words (required).
    pub reason: String,
}

/// Whether the caller may see the record.
async fn can_see(
    state: &Shared,
    caller: &Caller,
    consent: &ConsentRecord,
) -> Result<bool, ApiError> {
    match caller.person.role {
        Role::Admin => Ok(true),
        Role::Representative => Ok(consent.representative_id == Some(caller.id())),
        Role::Reviewer | Role::Partner => match consent.production_id {
            Some(production_id) => {
                Visibility::new(state, caller)
                    .production(production_id)
                    .await
            }
            None => Ok(false),
        },
    }
}

/// The record if the caller may see it; 404 otherwise (existence is not disclosed).
async fn visible(state: &Shared, caller: &Caller, id: &str) -> Result<ConsentRecord, ApiError> {
    let missing = || ApiError::not_found(format!("consent record `{id}`"));
    let consent = state.store.consent(id).await?.ok_or_else(missing)?;
    if can_see(state, caller, &consent).await? {
        Ok(consent)
    } else {
        Err(missing())
    }
}

/// The record if the caller may change it: 404 when they may not see it, 403 when they may see
/// but not change it (only admins and the owning representative change a record).
async fn changeable(state: &Shared, caller: &Caller, id: &str) -> Result<ConsentRecord, ApiError> {
    let consent = visible(state, caller, id).await?;
    let owner = caller.person.role == Role::Representative
        && consent.representative_id == Some(caller.id());
    if caller.is_admin() || owner {
        Ok(consent)
    } else {
        Err(ApiError::Forbidden(
            "only an admin or the representative who manages a consent record can change it"
                .to_owned(),
        ))
    }
}

/// Checks a new or replacing record; returns it normalised (trimmed, hash in lowercase, the
/// representative forced to the caller when the caller is a representative).
async fn checked(
    state: &Shared,
    caller: &Caller,
    mut new: NewConsent,
) -> Result<NewConsent, ApiError> {
    let mut problems = Problems::default();
    new.id = new.id.trim().to_owned();
    if let Some(problem) = id_problem(&new.id) {
        problems.push("id", problem, Some("for example `CR-2025-0042`".to_owned()));
    }
    for (path, value) in [
        ("performer", &mut new.performer),
        ("granted_by", &mut new.granted_by),
        ("purpose", &mut new.purpose),
    ] {
        *value = value.trim().to_owned();
        if value.is_empty() {
            problems.push(path, format!("`{path}` is empty"), None);
        } else if value.chars().count() > MAX_TEXT {
            problems.push(
                path,
                format!("`{path}` is longer than {MAX_TEXT} characters"),
                None,
            );
        }
    }
    if new
        .media
        .as_ref()
        .is_some_and(|media| media.chars().count() > MAX_TEXT)
    {
        problems.push(
            "media",
            format!("`media` is longer than {MAX_TEXT} characters"),
            None,
        );
    }
    if !matches!(new.state.as_str(), "signed" | "requested") {
        problems.push(
            "state",
            format!("`{}` is not a consent state", new.state),
            Some("one of: signed, requested".to_owned()),
        );
    }
    let mut seen = HashSet::new();
    for (index, name) in new.uses.iter().enumerate() {
        if TalentUse::from_name(name).is_none() {
            problems.push(
                format!("uses[{index}]"),
                format!("`{name}` is not a talent use"),
                Some(format!("one of: {}", TalentUse::NAMES.join(", "))),
            );
        } else if !seen.insert(name.as_str()) {
            problems.push(
                format!("uses[{index}]"),
                format!("`{name}` is listed twice"),
                None,
            );
        }
    }
    for (path, date) in [
        ("granted_on", &new.granted_on),
        ("expires_on", &new.expires_on),
    ] {
        if let Some(date) = date
            && !is_date(date)
        {
            problems.push(
                path,
                format!("`{date}` is not a date"),
                Some("write it as YYYY-MM-DD, for example 2026-03-31".to_owned()),
            );
        }
    }
    if let (Some(granted), Some(expires)) = (&new.granted_on, &new.expires_on)
        && is_date(granted)
        && is_date(expires)
        && expires < granted
    {
        problems.push(
            "expires_on",
            format!("the consent expires ({expires}) before it was granted ({granted})"),
            None,
        );
    }
    if let Some(hash) = &mut new.evidence_sha256 {
        if hash.len() == 64 && hash.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            *hash = hash.to_ascii_lowercase();
        } else {
            problems.push(
                "evidence_sha256",
                "not a SHA-256: 64 hexadecimal characters expected",
                None,
            );
        }
    }
    if caller.person.role == Role::Representative {
        new.representative_id = Some(caller.id());
    } else if let Some(representative) = new.representative_id {
        match state.store.person(representative).await? {
            Some(person) if person.role == Role::Representative => {}
            Some(_) => problems.push(
                "representative_id",
                format!("person {representative} is not a representative"),
                None,
            ),
            None => problems.push(
                "representative_id",
                format!("no person has the id {representative}"),
                None,
            ),
        }
    }
    if let Some(production_id) = new.production_id
        && state.store.production(production_id).await?.is_none()
    {
        problems.push(
            "production_id",
            format!("no production has the id {production_id}"),
            None,
        );
    }
    problems.check("the consent record has problems")?;
    Ok(new)
}

/// Record a consent (admins and representatives; a representative always manages the records
/// they create).
#[utoipa::path(post, path = "/api/consents", tag = "registry", request_body = NewConsent,
    responses(
        (status = 201, body = ConsentRecord),
        (status = 403, description = "Neither an admin nor a representative", body = ErrorBody),
        (status = 409, description = "A record with this id exists", body = ErrorBody),
        (status = 422, description = "A field is invalid (named in `problems`)", body = ErrorBody),
    ))]
pub async fn create_consent(
    State(state): State<Shared>,
    caller: Caller,
    Body(new): Body<NewConsent>,
) -> ApiResult<(StatusCode, Json<ConsentRecord>)> {
    if !matches!(caller.person.role, Role::Admin | Role::Representative) {
        return Err(ApiError::Forbidden(
            "only an admin or a representative can record a consent".to_owned(),
        ));
    }
    let new = checked(&state, &caller, new).await?;
    let consent = state
        .store
        .create_consent(&new, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    Ok((StatusCode::CREATED, Json(consent)))
}

/// Consent records the caller may see: every one for admins, those they manage for a
/// representative, those limited to one of their productions for a reviewer or partner.
#[utoipa::path(get, path = "/api/consents", tag = "registry", responses((status = 200, body = Vec<ConsentRecord>)))]
pub async fn list_consents(
    State(state): State<Shared>,
    caller: Caller,
) -> ApiResult<Json<Vec<ConsentRecord>>> {
    let consents = match caller.person.role {
        Role::Admin => state.store.consents(None).await?,
        Role::Representative => state.store.consents(Some(caller.id())).await?,
        Role::Reviewer | Role::Partner => {
            let mut visibility = Visibility::new(&state, &caller);
            let mut productions = HashSet::new();
            for production in state.store.productions(Some(caller.id())).await? {
                if visibility.production(production.id).await? {
                    productions.insert(production.id);
                }
            }
            let all = if productions.is_empty() {
                Vec::new()
            } else {
                state.store.consents(None).await?
            };
            all.into_iter()
                .filter(|consent| {
                    consent
                        .production_id
                        .is_some_and(|id| productions.contains(&id))
                })
                .collect()
        }
    };
    Ok(Json(consents))
}

/// One consent record, with the proposals whose current version references it.
#[utoipa::path(get, path = "/api/consents/{id}", tag = "registry", params(("id" = String, Path, description = "Consent record id")),
    responses((status = 200, body = ConsentDetail), (status = 404, body = ErrorBody)))]
pub async fn get_consent(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<String>,
) -> ApiResult<Json<ConsentDetail>> {
    let consent = visible(&state, &caller, &id).await?;
    let referencing = state.store.referencing_consent(&consent.id).await?;
    let manages = caller.is_admin()
        || (caller.person.role == Role::Representative
            && consent.representative_id == Some(caller.id()));
    let proposals = if manages {
        referencing
    } else {
        Visibility::new(&state, &caller)
            .proposals(referencing)
            .await?
    };
    Ok(Json(ConsentDetail { consent, proposals }))
}

/// Replace a consent record (admins and the owning representative); the proposals referencing
/// it are re-evaluated. A revoked record cannot be changed.
#[utoipa::path(put, path = "/api/consents/{id}", tag = "registry", params(("id" = String, Path, description = "Consent record id")),
    request_body = NewConsent,
    responses(
        (status = 200, body = ConsentChange),
        (status = 403, description = "May see the record but not change it", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The record is revoked", body = ErrorBody),
        (status = 422, description = "A field is invalid, or `id` differs from the path", body = ErrorBody),
    ))]
pub async fn replace_consent(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<String>,
    Body(new): Body<NewConsent>,
) -> ApiResult<Json<ConsentChange>> {
    let existing = changeable(&state, &caller, &id).await?;
    if new.id.trim() != existing.id {
        let mut problems = Problems::default();
        problems.push(
            "id",
            format!(
                "the body names `{}` but the path names `{}`",
                new.id.trim(),
                existing.id
            ),
            None,
        );
        problems.check("the consent record has problems")?;
    }
    if existing.revoked_at.is_some() {
        return Err(ApiError::Conflict(format!(
            "consent record `{id}` is revoked and cannot be changed; record a new one"
        )));
    }
    let mut new = checked(&state, &caller, new).await?;
    if caller.person.role == Role::Admin && new.representative_id.is_none() {
        // An admin's replacement without a representative keeps the one who manages it.
        new.representative_id = existing.representative_id;
    }
    let consent = state
        .store
        .replace_consent(&new, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    let referencing = state.store.referencing_consent(&consent.id).await?;
    let reevaluated =
        reevaluate::reevaluate(&state, referencing, Some(caller.id()), "consent.replaced").await?;
    Ok(Json(ConsentChange {
        consent,
        reevaluated,
    }))
}

/// Revoke a consent (admins and the owning representative); every proposal referencing it is
/// re-evaluated, where the record now counts as no consent.
#[utoipa::path(post, path = "/api/consents/{id}/revoke", tag = "registry", params(("id" = String, Path, description = "Consent record id")),
    request_body = Revocation,
    responses(
        (status = 200, body = ConsentChange),
        (status = 403, description = "May see the record but not change it", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Already revoked", body = ErrorBody),
        (status = 422, description = "The reason is empty", body = ErrorBody),
    ))]
pub async fn revoke_consent(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<String>,
    Body(revocation): Body<Revocation>,
) -> ApiResult<Json<ConsentChange>> {
    let existing = changeable(&state, &caller, &id).await?;
    let reason = revocation.reason.trim();
    let mut problems = Problems::default();
    if reason.is_empty() {
        problems.push("reason", "give the reason for the revocation", None);
    } else if reason.chars().count() > MAX_TEXT {
        problems.push(
            "reason",
            format!("the reason is longer than {MAX_TEXT} characters"),
            None,
        );
    }
    problems.check("the revocation has problems")?;
    if existing.revoked_at.is_some() {
        return Err(ApiError::Conflict(format!(
            "consent record `{id}` is already revoked"
        )));
    }
    let consent = state
        .store
        .revoke_consent(&existing.id, reason, Some(caller.id()), state.now())
        .await?;
    crate::audit::checkpoint_if_due(&state).await;
    let referencing = state.store.referencing_consent(&consent.id).await?;
    let reevaluated =
        reevaluate::reevaluate(&state, referencing, Some(caller.id()), "consent.revoked").await?;
    Ok(Json(ConsentChange {
        consent,
        reevaluated,
    }))
}
