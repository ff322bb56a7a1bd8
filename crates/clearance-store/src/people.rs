//! People and their API tokens.

use serde_json::json;

use crate::audit_log::append;
use crate::model::{Millis, NewPerson, Person, TokenInfo};
use crate::rows::{PersonRow, PersonTokenRow, TokenRow, cols, fold, to_json};
use crate::{Result, Store, StoreError};

/// How stale a token's `last_used_at` may get before [`Store::authenticate`] writes it again.
const LAST_USED_RESOLUTION_MS: Millis = 60_000;

impl Store {
    /// Adds a person. Audit: `person.created`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] if the email (compared case-insensitively) is taken.
    pub async fn create_person(
        &self,
        new: &NewPerson,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<Person> {
        let mut tx = self.pools.write().await?;
        let row: PersonRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO people (name, email, email_key, role, organisation, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
                cols!(person)
            ))
            .bind(new.name.as_str())
            .bind(new.email.as_str())
            .bind(fold(&new.email))
            .bind(new.role.as_str())
            .bind(new.organisation.as_deref())
            .bind(now)
            .fetch_one()
            .await
            .map_err(|e| {
                duplicate(e, || {
                    format!("a person with the email {:?} already exists", new.email)
                })
            })?;
        let person = Person::try_from(row)?;
        let body = to_json(&json!({ "person": person }))?;
        append(
            &mut tx,
            actor,
            "person.created",
            &format!("person/{}", person.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(person)
    }

    /// A person by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn person(&self, id: i64) -> Result<Option<Person>> {
        let mut conn = self.pools.read().await?;
        let row: Option<PersonRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(person),
                " FROM people WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional()
            .await?;
        row.map(Person::try_from).transpose()
    }

    /// A person by email, compared case-insensitively.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn person_by_email(&self, email: &str) -> Result<Option<Person>> {
        let mut conn = self.pools.read().await?;
        let row: Option<PersonRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(person),
                " FROM people WHERE email_key = $1"
            ))
            .bind(fold(email))
            .fetch_optional()
            .await?;
        row.map(Person::try_from).transpose()
    }

    /// Everyone, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn people(&self) -> Result<Vec<Person>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<PersonRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(person),
                " FROM people ORDER BY id"
            ))
            .fetch_all()
            .await?;
        rows.into_iter().map(Person::try_from).collect()
    }

    /// Records a new API token for a person. Only the SHA-256 of the secret is stored (and never
    /// logged). Audit: `token.created` (without the hash).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the person does not exist; [`StoreError::Duplicate`] if a
    /// token with the same secret exists.
    pub async fn create_token(
        &self,
        person_id: i64,
        label: &str,
        secret_sha256: [u8; 32],
        actor: Option<i64>,
        now: Millis,
    ) -> Result<TokenInfo> {
        let mut tx = self.pools.write().await?;
        tx.exists(
            "SELECT COUNT(*) AS n FROM people WHERE id = $1",
            person_id,
            || format!("person {person_id}"),
        )
        .await?;
        let row: TokenRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO tokens (person_id, label, secret_sha256, created_at) VALUES ($1, $2, $3, $4) RETURNING ",
                cols!(token)
            ))
            .bind(person_id)
            .bind(label)
            .bind(secret_sha256.as_slice())
            .bind(now)
            .fetch_one()
            .await
            .map_err(|e| duplicate(e, || "a token with this secret already exists".to_owned()))?;
        let token = TokenInfo::from(row);
        let body = to_json(&json!({ "token": token }))?;
        append(
            &mut tx,
            actor,
            "token.created",
            &format!("token/{}", token.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The person a token secret (its SHA-256) belongs to, unless the token is revoked. Records
    /// the use (`last_used_at`, at most once a minute; no audit entry).
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn authenticate(
        &self,
        secret_sha256: [u8; 32],
        now: Millis,
    ) -> Result<Option<(Person, TokenInfo)>> {
        let row: Option<PersonTokenRow> = {
            let mut conn = self.pools.read().await?;
            conn.conn()
                .sql(
                    "SELECT p.id, p.name, p.email, p.role, p.organisation, p.created_at, t.id AS token_id, \
                     t.label AS token_label, t.created_at AS token_created_at, t.last_used_at AS token_last_used_at \
                     FROM tokens t JOIN people p ON p.id = t.person_id \
                     WHERE t.secret_sha256 = $1 AND t.revoked_at IS NULL",
                )
                .bind(secret_sha256.as_slice())
                .fetch_optional()
                .await?
        };
        let Some(row) = row else { return Ok(None) };
        let mut last_used_at = row.token_last_used_at;
        if last_used_at.is_none_or(|at| at < now - LAST_USED_RESOLUTION_MS) {
            let mut tx = self.pools.bookkeeping().await?;
            tx.conn()
                .sql("UPDATE tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(row.token_id)
                .execute()
                .await?;
            tx.commit().await?;
            last_used_at = Some(now);
        }
        let person = Person::try_from(row.person)?;
        let token = TokenInfo {
            id: row.token_id,
            person_id: person.id,
            label: row.token_label,
            created_at: row.token_created_at,
            last_used_at,
            revoked_at: None,
        };
        Ok(Some((person, token)))
    }

    /// Tokens (revoked ones included), of one person or of everyone, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn tokens(&self, person_id: Option<i64>) -> Result<Vec<TokenInfo>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<TokenRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(token),
                " FROM tokens WHERE ($1 IS NULL OR person_id = $1) ORDER BY id"
            ))
            .bind(person_id)
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(TokenInfo::from).collect())
    }

    /// Revokes a token. Audit: `token.revoked`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no such token; [`StoreError::Conflict`] if it is
    /// already revoked.
    pub async fn revoke_token(
        &self,
        id: i64,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<TokenInfo> {
        let mut tx = self.pools.write().await?;
        let row: Option<TokenRow> = tx
            .conn()
            .sql(concat!(
                "UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING ",
                cols!(token)
            ))
            .bind(now)
            .bind(id)
            .fetch_optional()
            .await?;
        let Some(row) = row else {
            tx.exists("SELECT COUNT(*) AS n FROM tokens WHERE id = $1", id, || {
                format!("token {id}")
            })
            .await?;
            return Err(StoreError::Conflict(format!(
                "token {id} is already revoked"
            )));
        };
        let token = TokenInfo::from(row);
        let body = to_json(&json!({ "token": token }))?;
        append(
            &mut tx,
            actor,
            "token.revoked",
            &format!("token/{id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }
}

/// Gives a unique violation a helpful message.
pub(crate) fn duplicate(error: StoreError, message: impl FnOnce() -> String) -> StoreError {
    match error {
        StoreError::Duplicate(_) => StoreError::Duplicate(message()),
        other => other,
    }
}
