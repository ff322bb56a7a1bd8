//! What every request handler shares: the store, the rulebooks in force, the signing key, the
//! submission batcher, the token cache and the metrics handle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clearance_audit::SigningKey;
use clearance_rulebook::Rulebook;
use clearance_store::Store;
use clearance_store::model::{Millis, Person};
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::Notify;

use crate::batch::Batcher;
use crate::config::Config;
use crate::error::ApiError;

/// The shared state (behind an `Arc`).
pub type Shared = Arc<AppState>;

/// See the module documentation.
pub struct AppState {
    /// The store.
    pub store: Store,
    /// The configuration (as loaded; log only `config.redacted()`).
    pub config: Config,
    /// The active version of each rulebook, by id.
    pub rulebooks: RwLock<HashMap<String, Arc<Rulebook>>>,
    /// Signs audit checkpoints.
    pub signer: SigningKey,
    /// Group commit of submissions.
    pub batcher: Batcher,
    /// Authenticated tokens seen recently: SHA-256 of the secret → (person, token id, when looked up).
    pub tokens: Mutex<HashMap<[u8; 32], (Person, i64, Instant)>>,
    /// Held while a token missing from `tokens` is looked up, so concurrent requests with the
    /// same expired token make one lookup (and at most one `last_used_at` write) between them.
    pub token_lookup: tokio::sync::Mutex<()>,
    /// Prometheus exposition.
    pub metrics: Option<PrometheusHandle>,
    /// Wakes the webhook dispatcher when notifications were written.
    pub deliveries: Notify,
    /// Serialises checkpoint signing on this instance.
    pub checkpoint_lock: tokio::sync::Mutex<()>,
    /// Tree size of the last checkpoint this instance signed or saw.
    pub last_checkpoint: std::sync::atomic::AtomicU64,
}

impl AppState {
    /// Now, in milliseconds since the epoch.
    pub fn now(&self) -> Millis {
        now()
    }

    /// The rulebooks of a production, in its order; an id without an active rulebook is an error.
    pub fn rulebooks_for(&self, ids: &[String]) -> Result<Vec<Arc<Rulebook>>, ApiError> {
        let active = self
            .rulebooks
            .read()
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("rulebook lock poisoned")))?;
        ids.iter()
            .map(|id| {
                active.get(id).cloned().ok_or_else(|| {
                    ApiError::Conflict(format!("rulebook `{id}` is not loaded in this service"))
                })
            })
            .collect()
    }

    /// Every active rulebook.
    pub fn active_rulebooks(&self) -> Vec<Arc<Rulebook>> {
        match self.rulebooks.read() {
            Ok(active) => {
                let mut all: Vec<Arc<Rulebook>> = active.values().cloned().collect();
                all.sort_by(|a, b| a.id.cmp(&b.id));
                all
            }
            Err(_) => Vec::new(),
        }
    }

    /// Drops a cached token at once (after a revocation).
    pub fn forget_token(&self, token_id: i64) {
        if let Ok(mut cache) = self.tokens.lock() {
            cache.retain(|_, (_, id, _)| *id != token_id);
        }
    }

    /// How long a cached token stays valid.
    pub fn token_ttl(&self) -> Duration {
        Duration::from_millis(self.config.token_cache_ms)
    }
}

/// Now, in milliseconds since the epoch.
pub fn now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}
