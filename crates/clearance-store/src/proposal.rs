//! Proposals: their versions (the group-committed submission path), evaluations, transitions,
//! reviews and search.

use std::collections::HashSet;

use clearance_domain::tier::Tier;
use serde_json::json;

use crate::audit_log::{append, check_window};
use crate::db::{Conn, WriteTx};
use crate::model::{
    Decision, Millis, NewNotification, NewVersion, Proposal, ProposalVersion, Review, RulebookRef,
    Status, StoredEvaluation,
};
use crate::outbox::insert_notifications;
use crate::rows::{self, ProposalRow, ReviewRow, VersionRow, cols, fold, to_json, version_select};
use crate::{Result, Store, StoreError};

/// What a [`SaveVersion`] writes to: a new proposal, or a new version of an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Creates a proposal (its version 1) in a production.
    New {
        /// The production.
        production_id: i64,
    },
    /// Adds a version to a proposal that must still be at `expected_revision`.
    Existing {
        /// The proposal.
        proposal_id: i64,
        /// The revision the writer read; a different current revision is a
        /// [`StoreError::Conflict`].
        expected_revision: i64,
    },
}

/// One submission of a batch given to [`Store::save_versions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveVersion {
    /// New proposal or new version.
    pub target: Target,
    /// The proposal's status after this version.
    pub status: Status,
    /// The version.
    pub version: NewVersion,
    /// Who submits it (the version's author).
    pub actor: i64,
    /// The audit action, for example `proposal.submitted` or `proposal.draft_saved`.
    pub action: String,
    /// A client-chosen key: a second submission by the same actor with the same key returns the
    /// first one's result (`replayed: true`) and writes nothing.
    pub idempotency_key: Option<String>,
    /// Notifications to write with it; a `None` proposal (or production) id is filled in with
    /// this proposal's.
    pub notifications: Vec<NewNotification>,
}

/// The outcome of one [`SaveVersion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The proposal after the save.
    pub proposal: Proposal,
    /// The version number written (or, for a replay, the one written the first time).
    pub version: i64,
    /// The audit entry of the save (or of the first save, for a replay).
    pub audit_index: i64,
    /// Whether this was an idempotent replay that wrote nothing.
    pub replayed: bool,
    /// The time the save was made at: the version's `created_at` (for a replay, the time of
    /// the replay, not of the first save).
    pub saved_at: Millis,
}

/// A change of a proposal's workflow state: sets exactly these fields, if the proposal is still
/// at `expected_revision`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The proposal.
    pub proposal_id: i64,
    /// The revision the writer read.
    pub expected_revision: i64,
    /// The new status.
    pub status: Status,
    /// The version the standing approval covers.
    pub approved_version: Option<i64>,
    /// When the standing approval expires.
    pub approval_expires_at: Option<Millis>,
    /// Whether the proposal needs approving again.
    pub needs_reapproval: bool,
    /// Who made the change (`None`: the service, for example an expiry).
    pub actor: Option<i64>,
    /// The audit action, for example `proposal.withdrawn`.
    pub action: String,
    /// A note recorded with the change (in the audit body).
    pub note: Option<String>,
    /// Notifications to write with it (`None` proposal or production ids are filled in).
    pub notifications: Vec<NewNotification>,
}

/// A reviewer's decision to record with [`Store::record_review`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// The proposal.
    pub proposal_id: i64,
    /// The version decided on.
    pub version: i64,
    /// That version's content hash (must match the stored one).
    pub content_hash: String,
    /// The rulebooks of the evaluation the reviewer saw.
    pub rulebooks: Vec<RulebookRef>,
    /// The tier of that evaluation.
    pub tier: Tier,
    /// Who decided.
    pub reviewer_id: i64,
    /// The decision.
    pub decision: Decision,
    /// The written note.
    pub note: String,
    /// Conditions of an approval.
    pub conditions: Vec<String>,
    /// What an approval covers, in words.
    pub scope: Option<String>,
    /// When an approval expires.
    pub expires_at: Option<Millis>,
}

/// A search of proposals ([`Store::search`]); every filter given must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProposalQuery {
    /// Case-insensitive substring of the title, the vendor or the current version's source.
    pub text: Option<String>,
    /// The current tier.
    pub tier: Option<Tier>,
    /// The status.
    pub status: Option<Status>,
    /// The production.
    pub production_id: Option<i64>,
    /// The vendor (case-insensitive, exact).
    pub vendor: Option<String>,
    /// A tool name or id of the current version (case-insensitive, exact).
    pub tool: Option<String>,
    /// Only proposals of productions this person is a member of.
    pub visible_to: Option<i64>,
    /// Oldest change first (default: most recently changed first).
    pub oldest_first: bool,
    /// At most this many.
    pub limit: i64,
    /// Skip this many.
    pub offset: i64,
}

#[derive(sqlx::FromRow)]
struct IdempotencyRow {
    proposal_id: i64,
    version: i64,
    audit_index: i64,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    revision: i64,
}

#[derive(sqlx::FromRow)]
struct HashRow {
    content_hash: String,
}

/// A value bound to a dynamically built statement.
enum Param {
    Text(String),
    Int(i64),
}

impl Store {
    /// Saves a batch of submissions in one transaction (one commit, one fsync): the group-commit
    /// path. Each item succeeds or fails alone: a stale revision is [`StoreError::Conflict`], an
    /// unknown proposal or production [`StoreError::NotFound`], and neither affects the other
    /// items. Each saved item appends one audit entry (`action`), in batch order.
    ///
    /// A new proposal gets version 1 and revision 1. A new version of an existing proposal
    /// becomes current; title, vendor, status and tier are updated, `needs_reapproval` is
    /// cleared, the revision incremented; the standing approval is left as it is.
    ///
    /// The batch is checked with a few reads and written with a few multi-row statements (see
    /// `group_commit.rs`); should that write fail, the transaction is rolled back and the batch
    /// saved item by item, each in a savepoint, with the same outcome.
    ///
    /// # Errors
    ///
    /// The outer error is a failure of the transaction itself (nothing was saved).
    pub async fn save_versions(
        &self,
        batch: Vec<SaveVersion>,
        now: Millis,
    ) -> Result<Vec<Result<Saved>>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.pools.write().await?;
        match crate::group_commit::save_batch(&mut tx, &batch, now).await {
            Ok(results) => {
                tx.commit().await?;
                return Ok(results);
            }
            Err(_) => tx.rollback().await?,
        }
        self.save_versions_one_by_one(batch, now).await
    }

    /// [`Store::save_versions`] item by item, each in a savepoint: the fallback of the batched
    /// path (and its reference in the tests).
    pub(crate) async fn save_versions_one_by_one(
        &self,
        batch: Vec<SaveVersion>,
        now: Millis,
    ) -> Result<Vec<Result<Saved>>> {
        let mut tx = self.pools.write().await?;
        let mut results = Vec::with_capacity(batch.len());
        let mut productions = HashSet::new();
        for item in batch {
            let frontier = tx.savepoint().await?;
            match save_one(&mut tx, item, &mut productions, now).await {
                Ok(saved) => {
                    tx.release().await?;
                    results.push(Ok(saved));
                }
                Err(error) => {
                    tx.rollback_to(frontier).await?;
                    results.push(Err(error));
                }
            }
        }
        tx.commit().await?;
        Ok(results)
    }

    /// A proposal by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn proposal(&self, id: i64) -> Result<Option<Proposal>> {
        let mut conn = self.pools.read().await?;
        load_proposal(&mut conn.conn(), id).await
    }

    /// One version of a proposal, with its latest evaluation.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn version(&self, proposal_id: i64, number: i64) -> Result<Option<ProposalVersion>> {
        let mut conn = self.pools.read().await?;
        let row: Option<VersionRow> = conn
            .conn()
            .sql(concat!(
                version_select!(),
                "WHERE v.proposal_id = $1 AND v.number = $2"
            ))
            .bind(proposal_id)
            .bind(number)
            .fetch_optional()
            .await?;
        row.map(ProposalVersion::try_from).transpose()
    }

    /// Every version of a proposal, oldest first, each with its latest evaluation.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn versions(&self, proposal_id: i64) -> Result<Vec<ProposalVersion>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<VersionRow> = conn
            .conn()
            .sql(concat!(
                version_select!(),
                "WHERE v.proposal_id = $1 ORDER BY v.number"
            ))
            .bind(proposal_id)
            .fetch_all()
            .await?;
        rows.into_iter().map(ProposalVersion::try_from).collect()
    }

    /// Applies a [`Transition`]. Audit: `t.action`, with the proposal and the note.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no such proposal; [`StoreError::Conflict`] if its
    /// revision is not `expected_revision` (nothing is written).
    pub async fn transition(&self, t: Transition, now: Millis) -> Result<Proposal> {
        let mut tx = self.pools.write().await?;
        let proposal = apply_transition(&mut tx, &t, now).await?;
        let body = to_json(&json!({ "proposal": proposal, "note": t.note }))?;
        append(
            &mut tx,
            t.actor,
            &t.action,
            &subject(proposal.id),
            body,
            now,
        )
        .await?;
        insert_notifications(
            &mut tx,
            t.notifications,
            Some((proposal.id, proposal.production_id)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(proposal)
    }

    /// Records a reviewer's decision and applies the transition it causes, in one transaction
    /// with one audit entry, `review.<decision>` (its index is the review's `audit_index`; the
    /// body holds the review, the resulting proposal, and the transition's action and note).
    /// Of two concurrent calls with the same `expected_revision`, exactly one succeeds.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] if the review and the transition name different proposals;
    /// [`StoreError::NotFound`] if the proposal or version does not exist;
    /// [`StoreError::Conflict`] if the revision is stale or the version's content hash is not
    /// the one reviewed. Nothing is written on error.
    pub async fn record_review(
        &self,
        review: NewReview,
        t: Transition,
        now: Millis,
    ) -> Result<(Review, Proposal)> {
        if review.proposal_id != t.proposal_id {
            return Err(StoreError::Invalid(format!(
                "the review is of proposal {} but the transition is of proposal {}",
                review.proposal_id, t.proposal_id
            )));
        }
        let mut tx = self.pools.write().await?;
        let proposal = apply_transition(&mut tx, &t, now).await?;
        let stored: Option<HashRow> = tx
            .conn()
            .sql("SELECT content_hash FROM versions WHERE proposal_id = $1 AND number = $2")
            .bind(review.proposal_id)
            .bind(review.version)
            .fetch_optional()
            .await?;
        match stored {
            None => {
                return Err(StoreError::NotFound(format!(
                    "version {} of proposal {}",
                    review.version, review.proposal_id
                )));
            }
            Some(row) if row.content_hash != review.content_hash => {
                return Err(StoreError::Conflict(format!(
                    "version {} of proposal {} has content hash {}, not the {} reviewed",
                    review.version, review.proposal_id, row.content_hash, review.content_hash
                )));
            }
            Some(_) => {}
        }
        let audit_index = tx.next_index()?;
        let row: ReviewRow = tx
            .conn()
            .sql(concat!(
                "INSERT INTO reviews (proposal_id, version, content_hash, rulebooks, tier, reviewer_id, decision, \
                 note, conditions, scope, expires_at, created_at, audit_index) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ",
                cols!(review)
            ))
            .bind(review.proposal_id)
            .bind(review.version)
            .bind(review.content_hash.as_str())
            .bind(to_json(&review.rulebooks)?)
            .bind(review.tier.as_str())
            .bind(review.reviewer_id)
            .bind(review.decision.as_str())
            .bind(review.note.as_str())
            .bind(to_json(&review.conditions)?)
            .bind(review.scope.as_deref())
            .bind(review.expires_at)
            .bind(now)
            .bind(audit_index)
            .fetch_one()
            .await?;
        let recorded = Review::try_from(row)?;
        let body = to_json(&json!({
            "review": recorded,
            "proposal": proposal,
            "transition": t.action,
            "note": t.note,
        }))?;
        let action = format!("review.{}", review.decision.as_str());
        append(
            &mut tx,
            Some(review.reviewer_id),
            &action,
            &subject(proposal.id),
            body,
            now,
        )
        .await?;
        insert_notifications(
            &mut tx,
            t.notifications,
            Some((proposal.id, proposal.production_id)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((recorded, proposal))
    }

    /// A proposal's reviews, oldest first.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn reviews(&self, proposal_id: i64) -> Result<Vec<Review>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<ReviewRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(review),
                " FROM reviews WHERE proposal_id = $1 ORDER BY id"
            ))
            .bind(proposal_id)
            .fetch_all()
            .await?;
        rows.into_iter().map(Review::try_from).collect()
    }

    /// Records a new evaluation of a version (a consent revoked, tool terms changed, a new
    /// rulebook): appended to the version's history; the proposal's tier follows it if the
    /// version is the current one; `needs_reapproval` is set as given; the revision is
    /// incremented. Audit: `proposal.reevaluated`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if the proposal or version does not exist.
    #[expect(
        clippy::too_many_arguments,
        reason = "the operation's inputs, as the service passes them"
    )]
    pub async fn update_evaluation(
        &self,
        proposal_id: i64,
        version: i64,
        evaluation: StoredEvaluation,
        needs_reapproval: bool,
        actor: Option<i64>,
        notifications: Vec<NewNotification>,
        now: Millis,
    ) -> Result<Proposal> {
        let mut tx = self.pools.write().await?;
        let count: crate::db::Count = tx
            .conn()
            .sql("SELECT COUNT(*) AS n FROM versions WHERE proposal_id = $1 AND number = $2")
            .bind(proposal_id)
            .bind(version)
            .fetch_one()
            .await?;
        if count.n == 0 {
            return Err(StoreError::NotFound(format!(
                "version {version} of proposal {proposal_id}"
            )));
        }
        insert_evaluation(&mut tx, proposal_id, version, &evaluation).await?;
        let row: ProposalRow = tx
            .conn()
            .sql(concat!(
                "UPDATE proposals SET tier = CASE WHEN current_version = $1 THEN $2 ELSE tier END, \
                 needs_reapproval = $3, revision = revision + 1, updated_at = $4 WHERE id = $5 RETURNING ",
                cols!(proposal)
            ))
            .bind(version)
            .bind(evaluation.tier.as_str())
            .bind(needs_reapproval)
            .bind(now)
            .bind(proposal_id)
            .fetch_one()
            .await?;
        let proposal = Proposal::try_from(row)?;
        let body = to_json(
            &json!({ "proposal": proposal, "version": version, "evaluation": evaluation }),
        )?;
        append(
            &mut tx,
            actor,
            "proposal.reevaluated",
            &subject(proposal_id),
            body,
            now,
        )
        .await?;
        insert_notifications(
            &mut tx,
            notifications,
            Some((proposal.id, proposal.production_id)),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(proposal)
    }

    /// Proposals matching every filter of `query`, most recently changed first (or oldest first).
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] for a negative limit or offset.
    pub async fn search(&self, query: &ProposalQuery) -> Result<Vec<Proposal>> {
        check_window(query.limit, query.offset)?;
        let mut sql = String::from(concat!(
            "SELECT ",
            cols!(proposal),
            " FROM proposals WHERE TRUE"
        ));
        let mut params = Vec::new();
        let mut filter = |condition: &str, param: Param| {
            params.push(param);
            sql.push_str(&condition.replace("$?", &format!("${}", params.len())));
        };
        if let Some(text) = &query.text {
            filter(
                " AND search_text LIKE $? ESCAPE '\\'",
                Param::Text(format!("%{}%", escape_like(&fold(text)))),
            );
        }
        if let Some(tier) = query.tier {
            filter(" AND tier = $?", Param::Text(tier.as_str().to_owned()));
        }
        if let Some(status) = query.status {
            filter(" AND status = $?", Param::Text(status.as_str().to_owned()));
        }
        if let Some(production_id) = query.production_id {
            filter(" AND production_id = $?", Param::Int(production_id));
        }
        if let Some(vendor) = &query.vendor {
            filter(" AND vendor_key = $?", Param::Text(fold(vendor)));
        }
        if let Some(tool) = &query.tool {
            filter(
                " AND id IN (SELECT proposal_id FROM proposal_tools WHERE tool = $?)",
                Param::Text(fold(tool)),
            );
        }
        if let Some(person) = query.visible_to {
            filter(
                " AND production_id IN (SELECT production_id FROM members WHERE person_id = $?)",
                Param::Int(person),
            );
        }
        filter(
            if query.oldest_first {
                " ORDER BY updated_at, id LIMIT $?"
            } else {
                " ORDER BY updated_at DESC, id DESC LIMIT $?"
            },
            Param::Int(query.limit),
        );
        filter(" OFFSET $?", Param::Int(query.offset));
        self.proposals_where(sql, params).await
    }

    /// Proposals whose current version references a consent record, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn referencing_consent(&self, id: &str) -> Result<Vec<Proposal>> {
        let sql = concat!(
            "SELECT ",
            cols!(proposal),
            " FROM proposals WHERE id IN (SELECT proposal_id FROM proposal_consents WHERE consent_id = $1) ORDER BY id"
        );
        self.proposals_where(sql.to_owned(), vec![Param::Text(id.to_owned())])
            .await
    }

    /// Proposals whose current version names a tool (by name or id, case-insensitively), by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn referencing_tool(&self, id: &str) -> Result<Vec<Proposal>> {
        let sql = concat!(
            "SELECT ",
            cols!(proposal),
            " FROM proposals WHERE id IN (SELECT proposal_id FROM proposal_tools WHERE tool = $1) ORDER BY id"
        );
        self.proposals_where(sql.to_owned(), vec![Param::Text(fold(id))])
            .await
    }

    /// Proposals in any of these statuses, by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn proposals_with_status(&self, statuses: &[Status]) -> Result<Vec<Proposal>> {
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (1..=statuses.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            concat!(
                "SELECT ",
                cols!(proposal),
                " FROM proposals WHERE status IN ({}) ORDER BY id"
            ),
            placeholders.join(", ")
        );
        let params = statuses
            .iter()
            .map(|s| Param::Text(s.as_str().to_owned()))
            .collect();
        self.proposals_where(sql, params).await
    }

    /// Approved proposals whose approval has expired (`approval_expires_at <= now`), soonest
    /// expiry first.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn due_expiries(&self, now: Millis) -> Result<Vec<Proposal>> {
        let sql = concat!(
            "SELECT ",
            cols!(proposal),
            " FROM proposals WHERE status = $1 AND approval_expires_at IS NOT NULL AND approval_expires_at <= $2 \
             ORDER BY approval_expires_at, id"
        );
        self.proposals_where(
            sql.to_owned(),
            vec![
                Param::Text(Status::Approved.as_str().to_owned()),
                Param::Int(now),
            ],
        )
        .await
    }

    /// Runs a `SELECT` of proposal columns with its parameters.
    async fn proposals_where(&self, sql: String, params: Vec<Param>) -> Result<Vec<Proposal>> {
        let mut conn = self.pools.read().await?;
        let mut conn = conn.conn();
        let mut stmt = conn.sql(sqlx::AssertSqlSafe(sql));
        for param in params {
            stmt = match param {
                Param::Text(text) => stmt.bind(text),
                Param::Int(n) => stmt.bind(n),
            };
        }
        rows::proposals(stmt.fetch_all().await?)
    }
}

/// The audit subject of a proposal.
pub(crate) fn subject(id: i64) -> String {
    format!("proposal/{id}")
}

/// Escapes `LIKE` wildcards (the statements use `ESCAPE '\'`).
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// What the text search looks in: title, vendor and source, case-folded.
pub(crate) fn search_text(version: &NewVersion) -> String {
    let mut text = fold(&version.title);
    text.push('\n');
    text.push_str(&fold(version.vendor.as_deref().unwrap_or_default()));
    text.push('\n');
    text.push_str(&fold(&version.source));
    text
}

/// The values without repeats, in first-seen order.
pub(crate) fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    values.filter(|v| seen.insert(v.clone())).collect()
}

/// Reads a proposal.
pub(crate) async fn load_proposal(conn: &mut Conn<'_>, id: i64) -> Result<Option<Proposal>> {
    let row: Option<ProposalRow> = conn
        .sql(concat!(
            "SELECT ",
            cols!(proposal),
            " FROM proposals WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional()
        .await?;
    row.map(Proposal::try_from).transpose()
}

/// The error for an update that matched no row: the proposal is missing, or at another revision.
async fn stale_or_missing(tx: &mut WriteTx, id: i64, expected_revision: i64) -> StoreError {
    let row: Result<Option<RevisionRow>> = tx
        .conn()
        .sql("SELECT revision FROM proposals WHERE id = $1")
        .bind(id)
        .fetch_optional()
        .await;
    match row {
        Ok(Some(row)) => StoreError::Conflict(format!(
            "proposal {id} has changed: it is at revision {}, not {expected_revision}",
            row.revision
        )),
        Ok(None) => StoreError::NotFound(format!("proposal {id}")),
        Err(error) => error,
    }
}

/// Sets a transition's fields if the revision matches.
async fn apply_transition(tx: &mut WriteTx, t: &Transition, now: Millis) -> Result<Proposal> {
    let row: Option<ProposalRow> = tx
        .conn()
        .sql(concat!(
            "UPDATE proposals SET status = $1, approved_version = $2, approval_expires_at = $3, needs_reapproval = $4, \
             revision = revision + 1, updated_at = $5 WHERE id = $6 AND revision = $7 RETURNING ",
            cols!(proposal)
        ))
        .bind(t.status.as_str())
        .bind(t.approved_version)
        .bind(t.approval_expires_at)
        .bind(t.needs_reapproval)
        .bind(now)
        .bind(t.proposal_id)
        .bind(t.expected_revision)
        .fetch_optional()
        .await?;
    match row {
        Some(row) => Proposal::try_from(row),
        None => Err(stale_or_missing(tx, t.proposal_id, t.expected_revision).await),
    }
}

/// Appends an evaluation to a version's history.
async fn insert_evaluation(
    tx: &mut WriteTx,
    proposal_id: i64,
    version: i64,
    e: &StoredEvaluation,
) -> Result<()> {
    tx.conn()
        .sql(
            "INSERT INTO evaluations (proposal_id, version, tier, result, rulebooks, records, evaluated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(proposal_id)
        .bind(version)
        .bind(e.tier.as_str())
        .bind(e.result.as_str())
        .bind(to_json(&e.rulebooks)?)
        .bind(e.records.as_str())
        .bind(e.evaluated_at)
        .execute()
        .await?;
    Ok(())
}

/// Saves one item of a batch (inside its savepoint). `productions` are the production ids
/// already found to exist in this transaction (they cannot vanish while it holds the write lock).
async fn save_one(
    tx: &mut WriteTx,
    item: SaveVersion,
    productions: &mut HashSet<i64>,
    now: Millis,
) -> Result<Saved> {
    let SaveVersion {
        target,
        status,
        version,
        actor,
        action,
        idempotency_key,
        notifications,
    } = item;
    if let Some(key) = &idempotency_key {
        let prior: Option<IdempotencyRow> = tx
            .conn()
            .sql("SELECT proposal_id, version, audit_index FROM idempotency WHERE actor_id = $1 AND idem_key = $2")
            .bind(actor)
            .bind(key.as_str())
            .fetch_optional()
            .await?;
        if let Some(prior) = prior {
            let proposal = load_proposal(&mut tx.conn(), prior.proposal_id)
                .await?
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "idempotency key names the missing proposal {}",
                        prior.proposal_id
                    ))
                })?;
            return Ok(Saved {
                proposal,
                version: prior.version,
                audit_index: prior.audit_index,
                replayed: true,
                saved_at: now,
            });
        }
    }
    let tier = version.evaluation.as_ref().map(|e| e.tier.as_str());
    let vendor_key = version.vendor.as_deref().map(fold);
    let row: ProposalRow = match target {
        Target::New { production_id } => {
            if !productions.contains(&production_id) {
                tx.exists(
                    "SELECT COUNT(*) AS n FROM productions WHERE id = $1",
                    production_id,
                    || format!("production {production_id}"),
                )
                .await?;
                productions.insert(production_id);
            }
            tx.conn()
                .sql(concat!(
                    "INSERT INTO proposals (production_id, title, vendor, vendor_key, status, current_version, tier, \
                     needs_reapproval, created_by, created_at, updated_at, revision, search_text) \
                     VALUES ($1, $2, $3, $4, $5, 1, $6, FALSE, $7, $8, $8, 1, $9) RETURNING ",
                    cols!(proposal)
                ))
                .bind(production_id)
                .bind(version.title.as_str())
                .bind(version.vendor.as_deref())
                .bind(vendor_key)
                .bind(status.as_str())
                .bind(tier)
                .bind(actor)
                .bind(now)
                .bind(search_text(&version))
                .fetch_one()
                .await?
        }
        Target::Existing {
            proposal_id,
            expected_revision,
        } => {
            let row: Option<ProposalRow> = tx
                .conn()
                .sql(concat!(
                    "UPDATE proposals SET title = $1, vendor = $2, vendor_key = $3, status = $4, tier = $5, \
                     current_version = current_version + 1, needs_reapproval = FALSE, revision = revision + 1, \
                     updated_at = $6, search_text = $7 WHERE id = $8 AND revision = $9 RETURNING ",
                    cols!(proposal)
                ))
                .bind(version.title.as_str())
                .bind(version.vendor.as_deref())
                .bind(vendor_key)
                .bind(status.as_str())
                .bind(tier)
                .bind(now)
                .bind(search_text(&version))
                .bind(proposal_id)
                .bind(expected_revision)
                .fetch_optional()
                .await?;
            let Some(row) = row else {
                return Err(stale_or_missing(tx, proposal_id, expected_revision).await);
            };
            tx.conn()
                .sql("DELETE FROM proposal_tools WHERE proposal_id = $1")
                .bind(proposal_id)
                .execute()
                .await?;
            tx.conn()
                .sql("DELETE FROM proposal_consents WHERE proposal_id = $1")
                .bind(proposal_id)
                .execute()
                .await?;
            row
        }
    };
    let proposal = Proposal::try_from(row)?;
    let number = proposal.current_version;
    tx.conn()
        .sql(
            "INSERT INTO versions (proposal_id, number, source, format, content_hash, intake, tools, consent_ids, \
             author_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(proposal.id)
        .bind(number)
        .bind(version.source.as_str())
        .bind(version.format.as_str())
        .bind(version.content_hash.as_str())
        .bind(version.intake.as_str())
        .bind(to_json(&version.tools)?)
        .bind(to_json(&version.consent_ids)?)
        .bind(actor)
        .bind(now)
        .execute()
        .await?;
    if let Some(evaluation) = &version.evaluation {
        insert_evaluation(tx, proposal.id, number, evaluation).await?;
    }
    let tools = distinct(version.tools.iter().map(|t| fold(t)));
    let tools: Vec<&str> = tools.iter().map(String::as_str).collect();
    tx.insert_pairs("proposal_tools (proposal_id, tool)", proposal.id, &tools)
        .await?;
    let consents = distinct(version.consent_ids.iter().cloned());
    let consents: Vec<&str> = consents.iter().map(String::as_str).collect();
    tx.insert_pairs(
        "proposal_consents (proposal_id, consent_id)",
        proposal.id,
        &consents,
    )
    .await?;
    let stored = ProposalVersion {
        proposal_id: proposal.id,
        number,
        source: version.source,
        format: version.format,
        content_hash: version.content_hash,
        intake: version.intake,
        tools: version.tools,
        consent_ids: version.consent_ids,
        author_id: actor,
        created_at: now,
        evaluation: version.evaluation,
    };
    let body = to_json(&json!({ "proposal": proposal, "version": stored }))?;
    let entry = append(tx, Some(actor), &action, &subject(proposal.id), body, now).await?;
    if let Some(key) = idempotency_key {
        tx.conn()
            .sql(
                "INSERT INTO idempotency (actor_id, idem_key, proposal_id, version, audit_index, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(actor)
            .bind(key)
            .bind(proposal.id)
            .bind(number)
            .bind(entry.index)
            .bind(now)
            .execute()
            .await?;
    }
    insert_notifications(
        tx,
        notifications,
        Some((proposal.id, proposal.production_id)),
        now,
    )
    .await?;
    Ok(Saved {
        proposal,
        version: number,
        audit_index: entry.index,
        replayed: false,
        saved_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
        assert_eq!(escape_like("plain"), "plain");
    }
}
