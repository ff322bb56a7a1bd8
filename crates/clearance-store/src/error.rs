//! What can go wrong in the store.

/// An error of a store operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record asked for (or one it refers to) does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The record changed since the caller read it (a stale `expected_revision`), or the change
    /// is not possible in its current state (revoking what is already revoked).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A record with the same unique key (email, consent id, tool id, …) already exists.
    #[error("already exists: {0}")]
    Duplicate(String),
    /// The request itself is malformed (a negative limit, an unsupported database URL, …).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// The database failed (connection lost, disk full, …).
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A stored value cannot be read back (an unknown status, malformed JSON, a bad hash).
    #[error("corrupt data in the store: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        use sqlx::error::ErrorKind;
        match &error {
            sqlx::Error::Database(db) => match db.kind() {
                ErrorKind::UniqueViolation => StoreError::Duplicate(db.message().to_owned()),
                ErrorKind::ForeignKeyViolation => StoreError::NotFound(format!(
                    "a record it refers to does not exist ({})",
                    db.message()
                )),
                ErrorKind::NotNullViolation | ErrorKind::CheckViolation => {
                    StoreError::Invalid(db.message().to_owned())
                }
                _ => StoreError::Database(error),
            },
            sqlx::Error::ColumnDecode { .. }
            | sqlx::Error::Decode(_)
            | sqlx::Error::ColumnNotFound(_) => StoreError::Corrupt(error.to_string()),
            _ => StoreError::Database(error),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(error: serde_json::Error) -> Self {
        StoreError::Corrupt(format!("JSON: {error}"))
    }
}

/// `Result` with [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
