//! The records evaluations look up: performers' consents, registered tools, and rulebooks.

use serde_json::json;

use crate::audit_log::append;
use crate::db::Conn;
use crate::model::{ConsentRecord, Millis, NewConsent, NewTool, StoredRulebook, ToolRecord};
use crate::people::duplicate;
use crate::rows::{ConsentRow, RulebookRow, ToolRow, cols, grantor_name, to_json};
use crate::{Result, Store, StoreError};

/// Ids per `IN (…)` list, well under both backends' limits on bound values.
const IDS_PER_STATEMENT: usize = 500;

/// Reads the rows whose `id` is in `ids`, `IDS_PER_STATEMENT` at a time, by id.
async fn by_ids<R: crate::db::Row>(
    conn: &mut Conn<'_>,
    select: &str,
    ids: &[String],
) -> Result<Vec<R>> {
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "{select} WHERE id IN ({}) ORDER BY id",
            placeholders.join(", ")
        );
        let mut stmt = conn.sql(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            stmt = stmt.bind(id.as_str());
        }
        rows.extend(stmt.fetch_all::<R>().await?);
    }
    Ok(rows)
}

impl Store {
    /// Records a consent. Audit: `consent.created`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] if a consent with this id exists; [`StoreError::NotFound`] if
    /// the representative or production does not exist.
    pub async fn create_consent(
        &self,
        new: &NewConsent,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<ConsentRecord> {
        let mut tx = self.pools.write().await?;
        let row: ConsentRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO consents (id, performer, grantor, granted_by, representative_id, production_id, uses, \
                 media, purpose, state, granted_on, expires_on, evidence_sha256, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING ",
                cols!(consent)
            ))
            .bind(new.id.as_str())
            .bind(new.performer.as_str())
            .bind(grantor_name(new.grantor))
            .bind(new.granted_by.as_str())
            .bind(new.representative_id)
            .bind(new.production_id)
            .bind(to_json(&new.uses)?)
            .bind(new.media.as_deref())
            .bind(new.purpose.as_str())
            .bind(new.state.as_str())
            .bind(new.granted_on.as_deref())
            .bind(new.expires_on.as_deref())
            .bind(new.evidence_sha256.as_deref())
            .bind(now)
            .fetch_one()
            .await
            .map_err(|e| duplicate(e, || format!("consent {} already exists", new.id)))?;
        let consent = ConsentRecord::try_from(row)?;
        let body = to_json(&json!({ "consent": consent }))?;
        append(
            &mut tx,
            actor,
            "consent.created",
            &format!("consent/{}", consent.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(consent)
    }

    /// Replaces a consent's terms (everything but its id, creation time and revocation).
    /// Audit: `consent.replaced`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no consent with this id.
    pub async fn replace_consent(
        &self,
        new: &NewConsent,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<ConsentRecord> {
        let mut tx = self.pools.write().await?;
        let row: Option<ConsentRow> = tx
            .conn()
            .sql(concat!(
                "UPDATE consents SET performer = $2, grantor = $3, granted_by = $4, representative_id = $5, \
                 production_id = $6, uses = $7, media = $8, purpose = $9, state = $10, granted_on = $11, \
                 expires_on = $12, evidence_sha256 = $13, updated_at = $14 WHERE id = $1 RETURNING ",
                cols!(consent)
            ))
            .bind(new.id.as_str())
            .bind(new.performer.as_str())
            .bind(grantor_name(new.grantor))
            .bind(new.granted_by.as_str())
            .bind(new.representative_id)
            .bind(new.production_id)
            .bind(to_json(&new.uses)?)
            .bind(new.media.as_deref())
            .bind(new.purpose.as_str())
            .bind(new.state.as_str())
            .bind(new.granted_on.as_deref())
            .bind(new.expires_on.as_deref())
            .bind(new.evidence_sha256.as_deref())
            .bind(now)
            .fetch_optional()
            .await?;
        let row = row.ok_or_else(|| StoreError::NotFound(format!("consent {}", new.id)))?;
        let consent = ConsentRecord::try_from(row)?;
        let body = to_json(&json!({ "consent": consent }))?;
        append(
            &mut tx,
            actor,
            "consent.replaced",
            &format!("consent/{}", consent.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(consent)
    }

    /// A consent by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn consent(&self, id: &str) -> Result<Option<ConsentRecord>> {
        let mut conn = self.pools.read().await?;
        let row: Option<ConsentRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(consent),
                " FROM consents WHERE id = $1"
            ))
            .bind(id)
            .fetch_optional()
            .await?;
        row.map(ConsentRecord::try_from).transpose()
    }

    /// Consents by id: all of them (`None`), or those a representative manages.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn consents(&self, representative: Option<i64>) -> Result<Vec<ConsentRecord>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<ConsentRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(consent),
                " FROM consents WHERE $1 IS NULL OR representative_id = $1 ORDER BY id"
            ))
            .bind(representative)
            .fetch_all()
            .await?;
        rows.into_iter().map(ConsentRecord::try_from).collect()
    }

    /// The consents among `ids` that exist, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn consents_by_ids(&self, ids: &[String]) -> Result<Vec<ConsentRecord>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<ConsentRow> = by_ids(
            &mut conn.conn(),
            concat!("SELECT ", cols!(consent), " FROM consents"),
            ids,
        )
        .await?;
        rows.into_iter().map(ConsentRecord::try_from).collect()
    }

    /// Revokes a consent. Audit: `consent.revoked`, with the reason.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no such consent; [`StoreError::Conflict`] if it is
    /// already revoked.
    pub async fn revoke_consent(
        &self,
        id: &str,
        reason: &str,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<ConsentRecord> {
        let mut tx = self.pools.write().await?;
        let row: Option<ConsentRow> = tx
            .conn()
            .sql(concat!(
                "UPDATE consents SET revoked_at = $1, revoked_reason = $2, updated_at = $1 \
                 WHERE id = $3 AND revoked_at IS NULL RETURNING ",
                cols!(consent)
            ))
            .bind(now)
            .bind(reason)
            .bind(id)
            .fetch_optional()
            .await?;
        let Some(row) = row else {
            tx.exists(
                "SELECT COUNT(*) AS n FROM consents WHERE id = $1",
                id,
                || format!("consent {id}"),
            )
            .await?;
            return Err(StoreError::Conflict(format!(
                "consent {id} is already revoked"
            )));
        };
        let consent = ConsentRecord::try_from(row)?;
        let body = to_json(&json!({ "consent": consent }))?;
        append(
            &mut tx,
            actor,
            "consent.revoked",
            &format!("consent/{id}"),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(consent)
    }

    /// Registers a tool. Audit: `tool.created`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] if a tool with this id exists.
    pub async fn create_tool(
        &self,
        new: &NewTool,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<ToolRecord> {
        let mut tx = self.pools.write().await?;
        let row: ToolRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO tools (id, name, vendor, environment, trains_on_inputs, retention, terms_reviewed_on, \
                 created_at, updated_at, revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) RETURNING ",
                cols!(tool)
            ))
            .bind(new.id.as_str())
            .bind(new.name.as_str())
            .bind(new.vendor.as_deref())
            .bind(new.environment.as_str())
            .bind(new.trains_on_inputs.as_str())
            .bind(new.retention.as_deref())
            .bind(new.terms_reviewed_on.as_deref())
            .bind(now)
            .fetch_one()
            .await
            .map_err(|e| duplicate(e, || format!("tool {} already exists", new.id)))?;
        let tool = ToolRecord::from(row);
        let body = to_json(&json!({ "tool": tool }))?;
        append(
            &mut tx,
            actor,
            "tool.created",
            &format!("tool/{}", tool.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(tool)
    }

    /// A tool by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn tool(&self, id: &str) -> Result<Option<ToolRecord>> {
        let mut conn = self.pools.read().await?;
        let row: Option<ToolRow> = conn
            .conn()
            .sql(concat!("SELECT ", cols!(tool), " FROM tools WHERE id = $1"))
            .bind(id)
            .fetch_optional()
            .await?;
        Ok(row.map(ToolRecord::from))
    }

    /// Every tool, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn tools(&self) -> Result<Vec<ToolRecord>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<ToolRow> = conn
            .conn()
            .sql(concat!("SELECT ", cols!(tool), " FROM tools ORDER BY id"))
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(ToolRecord::from).collect())
    }

    /// The tools among `ids` that exist, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn tools_by_ids(&self, ids: &[String]) -> Result<Vec<ToolRecord>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<ToolRow> = by_ids(
            &mut conn.conn(),
            concat!("SELECT ", cols!(tool), " FROM tools"),
            ids,
        )
        .await?;
        Ok(rows.into_iter().map(ToolRecord::from).collect())
    }

    /// Changes a tool's terms, if it is still at `expected_revision`. Audit: `tool.updated`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no such tool; [`StoreError::Conflict`] if its
    /// revision is not `expected_revision`.
    pub async fn update_tool(
        &self,
        new: &NewTool,
        expected_revision: i64,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<ToolRecord> {
        let mut tx = self.pools.write().await?;
        let row: Option<ToolRow> = tx
            .conn()
            .sql(concat!(
                "UPDATE tools SET name = $2, vendor = $3, environment = $4, trains_on_inputs = $5, retention = $6, \
                 terms_reviewed_on = $7, updated_at = $8, revision = revision + 1 \
                 WHERE id = $1 AND revision = $9 RETURNING ",
                cols!(tool)
            ))
            .bind(new.id.as_str())
            .bind(new.name.as_str())
            .bind(new.vendor.as_deref())
            .bind(new.environment.as_str())
            .bind(new.trains_on_inputs.as_str())
            .bind(new.retention.as_deref())
            .bind(new.terms_reviewed_on.as_deref())
            .bind(now)
            .bind(expected_revision)
            .fetch_optional()
            .await?;
        let Some(row) = row else {
            tx.exists(
                "SELECT COUNT(*) AS n FROM tools WHERE id = $1",
                new.id.as_str(),
                || format!("tool {}", new.id),
            )
            .await?;
            return Err(StoreError::Conflict(format!(
                "tool {} has changed since revision {expected_revision}",
                new.id
            )));
        };
        let tool = ToolRecord::from(row);
        let body = to_json(&json!({ "tool": tool }))?;
        append(
            &mut tx,
            actor,
            "tool.updated",
            &format!("tool/{}", tool.id),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(tool)
    }

    /// Stores a rulebook version; `activate` makes it the version in force for its id (and
    /// deactivates the others). Saving a version whose digest is already stored for this id
    /// is a no-op that returns the stored one (no audit entry). Audit: `rulebook.saved`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Duplicate`] if this id and version are stored with a different digest.
    #[expect(
        clippy::too_many_arguments,
        reason = "the operation's inputs, as the service passes them"
    )]
    pub async fn save_rulebook(
        &self,
        id: &str,
        version: &str,
        digest: &str,
        source: &str,
        activate: bool,
        actor: Option<i64>,
        now: Millis,
    ) -> Result<StoredRulebook> {
        let mut tx = self.pools.write().await?;
        let existing: Option<RulebookRow> = tx
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(rulebook),
                " FROM rulebooks WHERE id = $1 AND (digest = $2 OR version = $3) ORDER BY created_at DESC LIMIT 1"
            ))
            .bind(id)
            .bind(digest)
            .bind(version)
            .fetch_optional()
            .await?;
        if let Some(existing) = existing.map(StoredRulebook::from) {
            if existing.digest == digest {
                return Ok(existing);
            }
            return Err(StoreError::Duplicate(format!(
                "rulebook {id} version {version} is stored with another digest ({})",
                existing.digest
            )));
        }
        if activate {
            tx.conn()
                .sql("UPDATE rulebooks SET active = FALSE WHERE id = $1")
                .bind(id)
                .execute()
                .await?;
        }
        let row: RulebookRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO rulebooks (id, version, digest, source, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING ",
                cols!(rulebook)
            ))
            .bind(id)
            .bind(version)
            .bind(digest)
            .bind(source)
            .bind(activate)
            .bind(now)
            .fetch_one()
            .await?;
        let rulebook = StoredRulebook::from(row);
        let body = to_json(&json!({ "rulebook": rulebook }))?;
        append(
            &mut tx,
            actor,
            "rulebook.saved",
            &format!("rulebook/{id}@{version}"),
            body,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(rulebook)
    }

    /// Every stored rulebook version, by id then age.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn rulebooks(&self) -> Result<Vec<StoredRulebook>> {
        self.rulebooks_where("").await
    }

    /// The version in force of each rulebook id, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails.
    pub async fn active_rulebooks(&self) -> Result<Vec<StoredRulebook>> {
        self.rulebooks_where(" WHERE active = TRUE").await
    }

    async fn rulebooks_where(&self, filter: &str) -> Result<Vec<StoredRulebook>> {
        let mut conn = self.pools.read().await?;
        let sql = format!(
            concat!(
                "SELECT ",
                cols!(rulebook),
                " FROM rulebooks{} ORDER BY id, created_at, version"
            ),
            filter
        );
        let rows: Vec<RulebookRow> = conn
            .conn()
            .sql(sqlx::AssertSqlSafe(sql))
            .fetch_all()
            .await?;
        Ok(rows.into_iter().map(StoredRulebook::from).collect())
    }
}
