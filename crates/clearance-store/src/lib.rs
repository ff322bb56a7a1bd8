//! Persistence for the clearance service: people and tokens, productions, proposals and their
//! versions, reviews, consents, tools, rulebooks, deliverables scans, the notification outbox and
//! the audit log.
//!
//! One interface, [`Store`], over two backends: SQLite (embedded, the default; one file) and
//! PostgreSQL. Every statement is written once and runs on both (see `db.rs`); the schemas live
//! in `migrations/sqlite` and `migrations/postgres` and are applied when a store is opened.
//!
//! # Invariants
//!
//! - **The audit log is written in the same transaction as the change.** Every operation that
//!   changes a record appends exactly one [`AuditEntry`](model::AuditEntry) before it commits:
//!   its index is the tree size, its leaf hash is
//!   `clearance_audit::leaf_hash(&model::leaf_bytes(..))`, and the tree's frontier (one row) is
//!   updated in the same commit. The body is JSON text of the resulting record(s), stored exactly
//!   as hashed. The exceptions are bookkeeping that changes no record: a token's last use
//!   ([`Store::authenticate`]), webhook delivery attempts ([`Store::mark_delivered`],
//!   [`Store::mark_failed`]) and saved checkpoints (which describe the log itself).
//! - **Writers are serialised** (SQLite: one writer connection, `BEGIN IMMEDIATE`; PostgreSQL:
//!   the audit frontier row is locked `FOR UPDATE` first), so an `expected_revision` check made
//!   inside a transaction cannot race.
//! - **The store never reads the clock.** Callers pass `now` (milliseconds since the epoch).
//! - **No secrets at rest.** Tokens are stored as the SHA-256 the caller computed; the audit log
//!   never contains a token or webhook secret.
//! - **No panics on data.** A stored value the model cannot represent is
//!   [`StoreError::Corrupt`].

pub mod approval;
mod audit_log;
mod coverage;
mod db;
pub mod deliveries;
mod discussion;
mod error;
mod group_commit;
pub mod model;
mod outbox;
mod people;
mod productions;
pub mod proposal;
mod records;
pub mod reports;
mod rows;
mod sessions;

use std::path::Path;

pub use error::{Result, StoreError};
pub use proposal::{NewReview, ProposalQuery, SaveVersion, Saved, Target, Transition};

use db::Pools;

/// The file name of the SQLite database inside a data directory.
pub const SQLITE_FILE_NAME: &str = "clearance.db";

/// The store: a handle on a pool of connections to one database. Cloning is cheap (the pools
/// are shared).
#[derive(Clone, Debug)]
pub struct Store {
    pools: Pools,
}

impl Store {
    /// Opens a store and applies any pending migrations.
    ///
    /// `url` is `sqlite:PATH` or `sqlite://PATH` (the file is created if missing; no URL
    /// parameters; an in-memory database is refused, since readers and the writer use separate
    /// connections), or a
    /// `postgres://` / `postgresql://` URL (options such as
    /// `?options=-c%20search_path%3Dmy_schema` are passed through to the server).
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] for an unsupported URL, [`StoreError::Database`] if the database
    /// cannot be reached or migrated, [`StoreError::Corrupt`] if its audit frontier is unreadable.
    pub async fn open(url: &str) -> Result<Store> {
        let pools = if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() || path.starts_with(":memory:") {
                return Err(StoreError::Invalid(format!(
                    "{url:?}: the SQLite store needs a file (readers and the writer use separate connections)"
                )));
            }
            if path.contains('?') {
                return Err(StoreError::Invalid(format!(
                    "{url:?}: a SQLite URL takes no parameters (the store sets its own options)"
                )));
            }
            Pools::open_sqlite(Path::new(path)).await?
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Pools::open_postgres(url).await?
        } else {
            return Err(StoreError::Invalid(format!(
                "unsupported database URL {:?}: expected sqlite:PATH or postgres://…",
                redact(url)
            )));
        };
        let store = Store { pools };
        store.init_audit_tree().await?;
        Ok(store)
    }

    /// Opens (creating it if needed) the SQLite store `dir/clearance.db`.
    ///
    /// # Errors
    ///
    /// As [`Store::open`], and [`StoreError::Invalid`] if the directory cannot be created.
    pub async fn open_data_dir(dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot create the data directory {}: {e}",
                dir.display()
            ))
        })?;
        let store = Store {
            pools: Pools::open_sqlite(&dir.join(SQLITE_FILE_NAME)).await?,
        };
        store.init_audit_tree().await?;
        Ok(store)
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        match self.pools {
            Pools::Sqlite { .. } => "sqlite",
            Pools::Postgres(_) => "postgres",
        }
    }

    /// Checks that the database answers (for a readiness probe).
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if it does not.
    pub async fn ping(&self) -> Result<()> {
        let mut conn = self.pools.read().await?;
        conn.conn().sql("SELECT 1").execute().await?;
        Ok(())
    }

    /// Closes the connections, waiting for the ones in use to be returned.
    pub async fn close(&self) {
        self.pools.close().await;
    }
}

/// A database URL without its password, for error messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn urls_lose_their_passwords_in_messages() {
        assert_eq!(redact("mysql://user:secret@host/db"), "mysql://…@host/db");
        assert_eq!(redact("clearance.db"), "clearance.db");
    }
}
