//! Who is calling: `Authorization: Bearer <token>`. Tokens are random 256-bit secrets shown once;
//! the store keeps only their SHA-256. A token found valid is cached for a few seconds so reads
//! do not write `last_used_at` on every request; revoking on this instance clears the cache.

use std::time::Instant;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use base64::Engine as _;
use clearance_store::model::{Capacity, Person, Role};
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::Shared;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The person.
    pub person: Person,
    /// The token used.
    pub token_id: i64,
}

/// What a caller may do with one production.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// An admin: everything.
    Admin,
    /// A member in this capacity.
    Member(Capacity),
}

impl Caller {
    /// The person's id.
    pub fn id(&self) -> i64 {
        self.person.id
    }

    /// Whether the caller is an admin.
    pub fn is_admin(&self) -> bool {
        self.person.role == Role::Admin
    }

    /// 403 unless an admin.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden("only an admin can do this".to_owned()))
        }
    }

    /// The caller's access to a production. Someone who is not a member gets 404, exactly as
    /// for a production that does not exist: membership is not disclosed.
    pub async fn production_access(
        &self,
        state: &Shared,
        production_id: i64,
    ) -> Result<Access, ApiError> {
        if self.is_admin() {
            return if state.store.production(production_id).await?.is_some() {
                Ok(Access::Admin)
            } else {
                Err(ApiError::not_found(format!("production {production_id}")))
            };
        }
        match state.store.capacity(production_id, self.person.id).await? {
            Some(capacity) if role_allows(self.person.role, capacity) => {
                Ok(Access::Member(capacity))
            }
            _ => Err(ApiError::not_found(format!("production {production_id}"))),
        }
    }
}

/// A membership counts only in the capacity matching the person's role (a representative added
/// to a production by mistake does not become its partner).
pub fn role_allows(role: Role, capacity: Capacity) -> bool {
    matches!(
        (role, capacity),
        (Role::Reviewer, Capacity::Reviewer) | (Role::Partner, Capacity::Partner)
    )
}

/// A new token secret: `clr_` and 43 characters of URL-safe base64 (256 random bits).
pub fn new_secret() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "clr_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the store keeps of a secret.
pub fn secret_hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

impl FromRequestParts<Shared> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok());
        let Some(secret) = header
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
        else {
            return Err(ApiError::Unauthenticated);
        };
        authenticate(state, secret).await
    }
}

/// The caller a secret hash names, if it was looked up less than `token_ttl` ago.
fn cached(state: &Shared, hash: &[u8; 32]) -> Option<Caller> {
    let cache = state.tokens.lock().ok()?;
    let (person, token_id, seen) = cache.get(hash)?;
    (seen.elapsed() < state.token_ttl()).then(|| Caller {
        person: person.clone(),
        token_id: *token_id,
    })
}

/// Looks a secret up (cache first).
pub async fn authenticate(state: &Shared, secret: &str) -> Result<Caller, ApiError> {
    let hash = secret_hash(secret);
    if let Some(caller) = cached(state, &hash) {
        return Ok(caller);
    }
    // When a busy token's cache entry expires, every request in flight with it misses at once;
    // the first looks it up (and may write its last-used time), the rest find it cached.
    let _lookup = state.token_lookup.lock().await;
    if let Some(caller) = cached(state, &hash) {
        return Ok(caller);
    }
    let Some((person, token)) = state.store.authenticate(hash, state.now()).await? else {
        return Err(ApiError::Unauthenticated);
    };
    if let Ok(mut cache) = state.tokens.lock() {
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(hash, (person.clone(), token.id, Instant::now()));
    }
    Ok(Caller {
        person,
        token_id: token.id,
    })
}
