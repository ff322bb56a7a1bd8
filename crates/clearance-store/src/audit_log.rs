//! The audit log: appending an entry inside a write transaction, reading entries and leaves,
//! and the signed checkpoints.

use clearance_audit::{Frontier, Hash, SignedCheckpoint, leaf_hash, to_hex};

use crate::db::WriteTx;
use crate::model::{AuditEntry, Millis, leaf_bytes};
use crate::rows::{AuditRow, CheckpointRow, cols};
use crate::{Result, Store, StoreError};

/// Appends one entry to the log in `tx`: index = the tree size, leaf = the RFC 6962 leaf hash of
/// [`leaf_bytes`]; the frontier is written back when `tx` commits.
pub(crate) async fn append(
    tx: &mut WriteTx,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    body: String,
    now: Millis,
) -> Result<AuditEntry> {
    let index = tx.next_index()?;
    let leaf = leaf_hash(&leaf_bytes(index, now, actor, action, subject, &body));
    let leaf_hex = to_hex(&leaf);
    tx.conn()
        .sql(
            "INSERT INTO audit_log (idx, created_at, actor_id, action, subject, body, leaf_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(index)
        .bind(now)
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(body.as_str())
        .bind(leaf_hex.as_str())
        .execute()
        .await?;
    tx.push_leaf(leaf);
    Ok(AuditEntry {
        index,
        at: now,
        actor_id: actor,
        action: action.to_owned(),
        subject: subject.to_owned(),
        body,
        leaf_hash: leaf_hex,
    })
}

#[derive(sqlx::FromRow)]
struct TreeRow {
    size: i64,
    frontier: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct LeafRow {
    idx: i64,
    leaf_hash: String,
}

impl Store {
    /// Writes the empty tree's row on first open (a no-op afterwards).
    pub(crate) async fn init_audit_tree(&self) -> Result<()> {
        let mut tx = self.pools.bookkeeping().await?;
        tx.conn()
            .sql("INSERT INTO audit_tree (id, size, frontier) VALUES (1, 0, $1) ON CONFLICT (id) DO NOTHING")
            .bind(Frontier::new().to_bytes())
            .execute()
            .await?;
        tx.commit().await
    }

    /// The tree's size and root, from the stored frontier.
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] if the frontier does not decode or disagrees with the size.
    pub async fn tree_head(&self) -> Result<(u64, Hash)> {
        let mut conn = self.pools.read().await?;
        let row: TreeRow = conn
            .conn()
            .sql("SELECT size, frontier FROM audit_tree WHERE id = 1")
            .fetch_optional()
            .await?
            .ok_or_else(|| StoreError::Corrupt("the audit_tree row is missing".into()))?;
        let frontier = Frontier::from_bytes(&row.frontier).map_err(|e| {
            StoreError::Corrupt(format!("the stored audit frontier does not decode: {e}"))
        })?;
        if i64::try_from(frontier.size()).ok() != Some(row.size) {
            return Err(StoreError::Corrupt(
                "the audit frontier disagrees with the tree size".into(),
            ));
        }
        Ok((frontier.size(), frontier.root()))
    }

    /// One entry of the log.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn audit_entry(&self, index: i64) -> Result<Option<AuditEntry>> {
        let mut conn = self.pools.read().await?;
        let row: Option<AuditRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(audit),
                " FROM audit_log WHERE idx = $1"
            ))
            .bind(index)
            .fetch_optional()
            .await?;
        Ok(row.map(AuditEntry::from))
    }

    /// Up to `limit` entries from index `from` on, in order.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] for a negative `from` or `limit`.
    pub async fn audit_entries(&self, from: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        check_window(limit, from)?;
        let mut conn = self.pools.read().await?;
        let rows: Vec<AuditRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(audit),
                " FROM audit_log WHERE idx >= $1 ORDER BY idx LIMIT $2"
            ))
            .bind(from)
            .bind(limit)
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// The entries about one subject (such as `proposal/7`), in log order, the first `limit`;
    /// an index makes this one read however long the log is.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] for a negative limit; [`StoreError::Database`] if the database
    /// fails.
    pub async fn audit_entries_about(&self, subject: &str, limit: i64) -> Result<Vec<AuditEntry>> {
        check_window(limit, 0)?;
        let mut conn = self.pools.read().await?;
        let rows: Vec<AuditRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(audit),
                " FROM audit_log WHERE subject = $1 ORDER BY idx LIMIT $2"
            ))
            .bind(subject)
            .bind(limit)
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    /// The stored leaf hashes of entries `0..size`, in order (what proofs are computed from;
    /// verifiers recompute the leaves from the entries separately).
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] if the log has fewer than `size` entries; [`StoreError::Corrupt`]
    /// if a stored hash is malformed or an index is missing.
    pub async fn audit_leaves(&self, size: u64) -> Result<Vec<Hash>> {
        let limit = i64::try_from(size)
            .map_err(|_| StoreError::Invalid(format!("tree size {size} is too large")))?;
        let mut conn = self.pools.read().await?;
        let rows: Vec<LeafRow> = conn
            .conn()
            .sql("SELECT idx, leaf_hash FROM audit_log WHERE idx < $1 ORDER BY idx")
            .bind(limit)
            .fetch_all()
            .await?;
        if rows.len() as u64 != size {
            return Err(StoreError::Invalid(format!(
                "the audit log has {} entries, not {size}",
                rows.len()
            )));
        }
        rows.into_iter()
            .enumerate()
            .map(|(position, row)| {
                if i64::try_from(position).ok() != Some(row.idx) {
                    return Err(StoreError::Corrupt(format!(
                        "audit entry {position} is missing"
                    )));
                }
                clearance_audit::from_hex(&row.leaf_hash).map_err(|e| {
                    StoreError::Corrupt(format!("leaf hash of audit entry {}: {e}", row.idx))
                })
            })
            .collect()
    }

    /// Appends an event that is not a change of a stored record (a sign-in, an export, a
    /// decision of the service itself). `body` is JSON text, stored exactly as hashed.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] if `body` is not JSON.
    pub async fn record_event(
        &self,
        actor: Option<i64>,
        action: &str,
        subject: &str,
        body: &str,
        now: Millis,
    ) -> Result<AuditEntry> {
        serde_json::from_str::<serde::de::IgnoredAny>(body)
            .map_err(|e| StoreError::Invalid(format!("the event body is not JSON: {e}")))?;
        let mut tx = self.pools.write().await?;
        let entry = append(&mut tx, actor, action, subject, body.to_owned(), now).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Stores a signed checkpoint (no audit entry: it describes the log itself).
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] if its size does not fit the database.
    pub async fn save_checkpoint(&self, signed: &SignedCheckpoint) -> Result<()> {
        let size = i64::try_from(signed.checkpoint.size).map_err(|_| {
            StoreError::Invalid(format!(
                "checkpoint size {} is too large",
                signed.checkpoint.size
            ))
        })?;
        let mut tx = self.pools.bookkeeping().await?;
        tx.conn()
            .sql(
                "INSERT INTO checkpoints (origin, size, root, timestamp_ms, key_id, signature) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(signed.checkpoint.origin.as_str())
            .bind(size)
            .bind(to_hex(&signed.checkpoint.root))
            .bind(signed.checkpoint.timestamp_ms)
            .bind(signed.key_id.as_str())
            .bind(signed.signature.as_slice())
            .execute()
            .await?;
        tx.commit().await
    }

    /// The checkpoint of the largest tree (the latest saved among equals).
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] if the stored root is malformed.
    pub async fn latest_checkpoint(&self) -> Result<Option<SignedCheckpoint>> {
        let mut conn = self.pools.read().await?;
        let row: Option<CheckpointRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(checkpoint),
                " FROM checkpoints ORDER BY size DESC, id DESC LIMIT 1"
            ))
            .fetch_optional()
            .await?;
        row.map(SignedCheckpoint::try_from).transpose()
    }

    /// Every saved checkpoint, by ascending tree size (then in the order saved).
    ///
    /// # Errors
    ///
    /// [`StoreError::Corrupt`] if a stored root is malformed.
    pub async fn checkpoints(&self) -> Result<Vec<SignedCheckpoint>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<CheckpointRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(checkpoint),
                " FROM checkpoints ORDER BY size, id"
            ))
            .fetch_all()
            .await?;
        rows.into_iter().map(SignedCheckpoint::try_from).collect()
    }
}

/// Rejects a negative limit or offset (SQLite would read -1 as "no limit", PostgreSQL refuses).
pub(crate) fn check_window(limit: i64, offset: i64) -> Result<()> {
    if limit < 0 || offset < 0 {
        return Err(StoreError::Invalid(format!(
            "limit {limit} and offset {offset} must not be negative"
        )));
    }
    Ok(())
}
