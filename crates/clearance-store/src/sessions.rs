//! Browser sessions for the web pages. A session is created by signing in (the web layer checks
//! the credentials), is looked up by the SHA-256 of its cookie secret, carries the CSRF token its
//! forms must send back, and ends at its expiry or when the person signs out. Starting and ending
//! one are audit entries (`session.started`, `session.ended`); looking one up writes nothing.

use serde_json::json;

use crate::audit_log::append;
use crate::model::{Millis, Person, Session};
use crate::rows::{PersonRow, to_json};
use crate::{Result, Store, StoreError};

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    person: PersonRow,
    session_id: i64,
    csrf: String,
    session_created_at: i64,
    expires_at: i64,
}

#[derive(sqlx::FromRow)]
struct IdRow {
    id: i64,
}

#[derive(sqlx::FromRow)]
struct PersonIdRow {
    person_id: i64,
}

impl Store {
    /// Starts a session for `person_id` that lasts until `expires_at`. Audit: `session.started`
    /// (the session id and expiry; never the secret or the CSRF token).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the person does not exist; [`StoreError::Invalid`] if the
    /// expiry is not after `now`; [`StoreError::Database`] if the database fails.
    pub async fn start_session(
        &self,
        person_id: i64,
        secret_sha256: [u8; 32],
        csrf: &str,
        expires_at: Millis,
        now: Millis,
    ) -> Result<i64> {
        if expires_at <= now {
            return Err(StoreError::Invalid(
                "a session must expire after it starts".to_owned(),
            ));
        }
        let mut tx = self.pools.write().await?;
        tx.exists(
            "SELECT COUNT(*) AS n FROM people WHERE id = $1",
            person_id,
            || format!("person {person_id}"),
        )
        .await?;
        let IdRow { id } = tx
            .conn()
            .sql(
                "INSERT INTO sessions (person_id, secret_sha256, csrf, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(person_id)
            .bind(secret_sha256.as_slice())
            .bind(csrf)
            .bind(now)
            .bind(expires_at)
            .fetch_one()
            .await?;
        let body =
            to_json(&json!({ "session": id, "person_id": person_id, "expires_at": expires_at }))?;
        append(
            &mut tx,
            Some(person_id),
            "session.started",
            &format!("session/{id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The live session a cookie secret (its SHA-256) names: not ended, not expired at `now`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn session(&self, secret_sha256: [u8; 32], now: Millis) -> Result<Option<Session>> {
        let mut conn = self.pools.read().await?;
        let row: Option<SessionRow> = conn
            .conn()
            .sql(
                "SELECT p.id, p.name, p.email, p.role, p.organisation, p.created_at, \
                 s.id AS session_id, s.csrf, s.created_at AS session_created_at, s.expires_at \
                 FROM sessions s JOIN people p ON p.id = s.person_id \
                 WHERE s.secret_sha256 = $1 AND s.ended_at IS NULL AND s.expires_at > $2",
            )
            .bind(secret_sha256.as_slice())
            .bind(now)
            .fetch_optional()
            .await?;
        row.map(|row| {
            Ok(Session {
                id: row.session_id,
                person: Person::try_from(row.person)?,
                csrf: row.csrf,
                created_at: row.session_created_at,
                expires_at: row.expires_at,
            })
        })
        .transpose()
    }

    /// Ends a session (signing out). Audit: `session.ended`. Ending one that already ended is
    /// not an error and writes nothing.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn end_session(&self, id: i64, now: Millis) -> Result<()> {
        let mut tx = self.pools.write().await?;
        let person: Option<PersonIdRow> = tx
            .conn()
            .sql(
                "UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL \
                 RETURNING person_id",
            )
            .bind(now)
            .bind(id)
            .fetch_optional()
            .await?;
        let Some(PersonIdRow { person_id: person }) = person else {
            return Ok(());
        };
        let body = to_json(&json!({ "session": id, "person_id": person }))?;
        append(
            &mut tx,
            Some(person),
            "session.ended",
            &format!("session/{id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await
    }
}
