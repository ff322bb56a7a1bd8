//! The audit log on top of the store: signing checkpoints, inclusion and consistency proofs, and
//! `verify`, which recomputes everything from the stored entries.
//!
//! What `verify` catches, and how:
//! - a **modified** entry: its leaf, recomputed from its columns, differs from the stored leaf
//!   hash; if the attacker rewrote the stored hash too, the tree root at the next checkpoint no
//!   longer matches the signed root;
//! - a **deleted** entry: indices are consecutive from 0, so the first missing index is reported;
//! - **reordered** entries: each leaf commits to its own index, so moving an entry changes its leaf;
//! - a **forged checkpoint**: its Ed25519 signature does not verify under the log's public key, or
//!   its root is not the root of the entries up to its size.

use clearance_audit::{Checkpoint, Frontier, Hash, SignedCheckpoint, VerifyingKey};
use clearance_store::Store;
use clearance_store::model::AuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// Signs a checkpoint of the current tree and stores it.
pub async fn checkpoint(state: &AppState) -> Result<SignedCheckpoint, ApiError> {
    let _guard = state.checkpoint_lock.lock().await;
    sign_locked(state).await
}

/// [`checkpoint`], with `checkpoint_lock` held by the caller.
async fn sign_locked(state: &AppState) -> Result<SignedCheckpoint, ApiError> {
    let (size, root) = state.store.tree_head().await?;
    if let Some(latest) = state.store.latest_checkpoint().await?
        && latest.checkpoint.size == size
        && latest.checkpoint.root == root
    {
        return Ok(latest);
    }
    let signed = state.signer.sign(Checkpoint {
        origin: state.config.audit_origin.clone(),
        size,
        root,
        timestamp_ms: state.now(),
    });
    state.store.save_checkpoint(&signed).await?;
    state
        .last_checkpoint
        .store(size, std::sync::atomic::Ordering::Relaxed);
    Ok(signed)
}

/// Signs a checkpoint when `checkpoint_every` entries were added since the last one.
///
/// Only one request signs: the others that find the threshold crossed while a checkpoint is
/// being signed go on (it covers their entries, or the next one will). Without this, every
/// request answered during the signing queued behind it and then signed (and committed) a
/// checkpoint of its own, which under load stalled submissions for hundreds of milliseconds.
pub async fn maybe_checkpoint(state: &AppState, latest_index: i64) -> Result<(), ApiError> {
    let size = u64::try_from(latest_index + 1).unwrap_or(0);
    let due = |state: &AppState| {
        size >= state
            .last_checkpoint
            .load(std::sync::atomic::Ordering::Relaxed)
            + state.config.checkpoint_every
    };
    if !due(state) {
        return Ok(());
    }
    let Ok(guard) = state.checkpoint_lock.try_lock() else {
        return Ok(());
    };
    // Another request may have signed between the check and the lock.
    if due(state) {
        sign_locked(state).await?;
    }
    drop(guard);
    Ok(())
}

/// After a committed write: signs a checkpoint if enough entries were added. Failures are only
/// logged: the write is committed, and a later checkpoint covers it.
pub async fn checkpoint_if_due(state: &AppState) {
    match state.store.tree_head().await {
        Ok((size, _)) => {
            if let Err(error) =
                maybe_checkpoint(state, i64::try_from(size).unwrap_or(i64::MAX) - 1).await
            {
                tracing::warn!(error = %error, "cannot sign an audit checkpoint after a write");
            }
        }
        Err(error) => {
            tracing::warn!(error = %error, "cannot read the audit tree head after a write")
        }
    }
}

/// An inclusion proof of one entry against a signed checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InclusionProof {
    /// The entry.
    pub entry: AuditEntry,
    /// The checkpoint the proof is against.
    #[schema(value_type = Object)]
    pub checkpoint: SignedCheckpoint,
    /// The audit path, leaf to root, lowercase hex (RFC 9162 §2.1.3).
    pub proof: Vec<String>,
    /// The log's public key (hex) that signed the checkpoint.
    pub public_key: String,
}

/// The proof that entry `index` is in the log, against the latest checkpoint (one is signed
/// first when the latest does not cover the entry yet).
pub async fn inclusion(state: &AppState, index: i64) -> Result<InclusionProof, ApiError> {
    let Some(entry) = state.store.audit_entry(index).await? else {
        return Err(ApiError::not_found(format!("audit entry {index}")));
    };
    let mut signed = match state.store.latest_checkpoint().await? {
        Some(latest) => latest,
        None => checkpoint(state).await?,
    };
    if signed.checkpoint.size <= u64::try_from(index).unwrap_or(u64::MAX) {
        signed = checkpoint(state).await?;
    }
    let leaves = state.store.audit_leaves(signed.checkpoint.size).await?;
    let proof = clearance_audit::inclusion_proof(&leaves, u64::try_from(index).unwrap_or(0))
        .map_err(|error| ApiError::Internal(error.into()))?;
    Ok(InclusionProof {
        entry,
        checkpoint: signed,
        proof: proof.iter().map(hex::encode).collect(),
        public_key: state.signer.verifying_key().to_hex(),
    })
}

/// A consistency proof between two checkpoints.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ConsistencyProof {
    /// The older tree size.
    pub from: u64,
    /// The newer tree size.
    pub to: u64,
    /// Their roots, hex.
    pub from_root: String,
    /// See above.
    pub to_root: String,
    /// RFC 9162 §2.1.4 proof, hex.
    pub proof: Vec<String>,
}

/// The proof that the log of size `from` is a prefix of the log of size `to` (both must be
/// checkpoint sizes, so both roots are signed).
pub async fn consistency(store: &Store, from: u64, to: u64) -> Result<ConsistencyProof, ApiError> {
    let checkpoints = store.checkpoints().await?;
    let root_at = |size: u64| {
        checkpoints
            .iter()
            .find(|signed| signed.checkpoint.size == size)
            .map(|signed| signed.checkpoint.root)
    };
    let (Some(from_root), Some(to_root)) = (root_at(from), root_at(to)) else {
        return Err(ApiError::NotFound(format!(
            "no checkpoints of sizes {from} and {to}: both must be checkpoint sizes"
        )));
    };
    if from > to {
        return Err(ApiError::BadRequest(
            "`from` must not be larger than `to`".to_owned(),
        ));
    }
    let leaves = store.audit_leaves(to).await?;
    let proof = clearance_audit::consistency_proof(&leaves, from)
        .map_err(|error| ApiError::Internal(error.into()))?;
    Ok(ConsistencyProof {
        from,
        to,
        from_root: hex::encode(from_root),
        to_root: hex::encode(to_root),
        proof: proof.iter().map(hex::encode).collect(),
    })
}

/// What `clearance audit export` writes: everything a third party needs to verify offline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Export {
    /// The log's public key, hex.
    pub public_key: String,
    /// Every entry, by index.
    pub entries: Vec<AuditEntry>,
    /// Every checkpoint, by size.
    pub checkpoints: Vec<SignedCheckpoint>,
}

/// Reads the whole log out of the store.
pub async fn export(store: &Store, public_key: &VerifyingKey) -> Result<Export, ApiError> {
    let mut entries = Vec::new();
    loop {
        let page = store
            .audit_entries(i64::try_from(entries.len()).unwrap_or(i64::MAX), 10_000)
            .await?;
        if page.is_empty() {
            break;
        }
        // A gap ends paging at the gap; `verify` reports it.
        let expected = i64::try_from(entries.len()).unwrap_or(i64::MAX);
        let contiguous = page.first().is_some_and(|first| first.index == expected);
        entries.extend(page);
        if !contiguous {
            let after = entries.last().map_or(0, |last| last.index + 1);
            entries.extend(store.audit_entries(after, i64::MAX).await?);
            break;
        }
    }
    Ok(Export {
        public_key: public_key.to_hex(),
        entries,
        checkpoints: store.checkpoints().await?,
    })
}

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Entries checked.
    pub entries: u64,
    /// Checkpoints checked.
    pub checkpoints: u64,
    /// The first problem found, if any.
    pub problem: Option<String>,
}

/// Verifies a log: entries consecutive from 0, each stored leaf equal to its recomputed leaf,
/// every checkpoint signed by `key` with the root of the entries up to its size, and (when given)
/// the store's own tree head equal to the recomputed root.
pub fn verify(export: &Export, key: &VerifyingKey, tree_head: Option<(u64, Hash)>) -> Report {
    let mut report = Report {
        entries: 0,
        checkpoints: 0,
        problem: None,
    };
    let mut checkpoints: Vec<&SignedCheckpoint> = export.checkpoints.iter().collect();
    checkpoints.sort_by_key(|signed| signed.checkpoint.size);
    for signed in &checkpoints {
        if let Err(error) = key.verify(signed) {
            report.problem = Some(format!(
                "checkpoint of size {} fails its signature check: {error}",
                signed.checkpoint.size
            ));
            return report;
        }
    }
    let mut frontier = Frontier::new();
    let mut next_checkpoint = checkpoints.iter().peekable();
    let mut check_at = |frontier: &Frontier, report: &mut Report| -> Option<String> {
        while let Some(signed) = next_checkpoint.peek() {
            if signed.checkpoint.size > frontier.size() {
                break;
            }
            report.checkpoints += 1;
            if signed.checkpoint.size == frontier.size()
                && signed.checkpoint.root != frontier.root()
            {
                return Some(format!(
                    "checkpoint of size {} is signed over root {} but the entries give {}: an entry before index {} was changed",
                    signed.checkpoint.size,
                    hex::encode(signed.checkpoint.root),
                    hex::encode(frontier.root()),
                    signed.checkpoint.size
                ));
            }
            next_checkpoint.next();
        }
        None
    };
    if let Some(problem) = check_at(&frontier, &mut report) {
        report.problem = Some(problem);
        return report;
    }
    for (position, entry) in export.entries.iter().enumerate() {
        let expected = i64::try_from(position).unwrap_or(i64::MAX);
        if entry.index != expected {
            report.problem = Some(if entry.index > expected {
                format!(
                    "entry {expected} is missing (deleted): the next stored entry is {}",
                    entry.index
                )
            } else {
                format!(
                    "entry {} appears out of order or twice, where entry {expected} was expected",
                    entry.index
                )
            });
            return report;
        }
        let leaf = clearance_audit::leaf_hash(&entry.leaf_bytes());
        if hex::encode(leaf) != entry.leaf_hash {
            report.problem = Some(format!(
                "entry {} does not match its leaf hash: it was modified or moved ({} `{}` on {})",
                entry.index, entry.action, entry.subject, entry.at
            ));
            return report;
        }
        frontier.push(leaf);
        report.entries += 1;
        if let Some(problem) = check_at(&frontier, &mut report) {
            report.problem = Some(problem);
            return report;
        }
    }
    if let Some(signed) = next_checkpoint.next() {
        report.problem = Some(format!(
            "checkpoint of size {} covers more entries than the log holds ({}): entries were deleted",
            signed.checkpoint.size,
            frontier.size()
        ));
        return report;
    }
    if let Some((size, root)) = tree_head
        && (size != frontier.size() || root != frontier.root())
    {
        report.problem = Some(format!(
            "the stored tree head (size {size}) does not match the entries (size {}): the log was altered",
            frontier.size()
        ));
    }
    report
}
