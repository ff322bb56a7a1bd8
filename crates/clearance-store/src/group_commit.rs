//! The fast path of [`Store::save_versions`](crate::Store::save_versions): a whole batch checked
//! with a few reads and written with a few multi-row statements.
//!
//! Saving item by item costs about a dozen statements and a savepoint per item, and every
//! statement is a round trip (to the SQLite driver's worker thread, or to the PostgreSQL
//! server). Here the batch is done in three steps, all inside the one write transaction:
//!
//! 1. **Read** what the items depend on, a few statements for the whole batch: the idempotency
//!    keys already recorded, which productions and people exist, the proposals the items change
//!    or replay, and ids for the new proposals ([`WriteTx::reserve_ids`]).
//! 2. **Plan** every item in memory, in batch order, deciding it exactly as the item-by-item path
//!    does: a replay returns what its key recorded (also a key recorded by an earlier item of
//!    the batch); a stale revision is a conflict and an unknown proposal or production is not
//!    found (revisions and new proposals of earlier items count); an unknown author, recipient
//!    or notification target is what the foreign keys would have refused, not found. A failed
//!    item changes nothing; a saved one gets the next audit index, its leaf is pushed onto the
//!    frontier, and the proposal's new state is what later items see. Nothing is written yet,
//!    so no savepoints are needed.
//! 3. **Write** the saved items: one multi-row `INSERT` per table (chunked, see
//!    [`WriteTx::insert_rows`]), one `UPDATE` per existing proposal changed (its final state,
//!    guarded by the revision it had), and the frontier at commit.
//!
//! A write the plan did not foresee (a value the database refuses, say) fails the whole step;
//! the caller then rolls the transaction back and saves the batch item by item instead, so the
//! outcome is the same either way.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use clearance_audit::{leaf_hash, to_hex};
use serde::Serialize;

use crate::db::{Arg, Count, IdTable, Row, WriteTx, push_list};
use crate::model::{Millis, NewVersion, Proposal, StoredEvaluation, leaf_bytes};
use crate::proposal::{SaveVersion, Saved, Target, distinct, search_text, subject};
use crate::rows::{ProposalRow, cols, fold, to_json};
use crate::{Result, StoreError};

/// Most values in one `IN (…)` list (sqlx-sqlite binds `$N` by name, at a cost that grows with
/// the square of their number: lists stay short).
const VALUES_PER_LIST: usize = 256;

/// Plans and writes a batch in `tx` (see the module documentation). The inner results are the
/// items' outcomes; the outer error means nothing can be kept (roll back).
pub(crate) async fn save_batch(
    tx: &mut WriteTx,
    batch: &[SaveVersion],
    now: Millis,
) -> Result<Vec<Result<Saved>>> {
    let mut plan = read(tx, batch).await?;
    let mut results = Vec::with_capacity(batch.len());
    for (index, item) in batch.iter().enumerate() {
        results.push(plan.item(tx, index, item, now));
    }
    plan.write(tx, batch, now).await?;
    Ok(results)
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    actor_id: i64,
    idem_key: String,
    proposal_id: i64,
    version: i64,
    audit_index: i64,
}

/// What a recorded idempotency key answers.
#[derive(Clone, Copy)]
struct Recorded {
    proposal_id: i64,
    version: i64,
    audit_index: i64,
}

/// A proposal the batch reads or changes, as it stands after the items planned so far.
struct Current {
    row: ProposalRow,
    /// Its revision in the database before this batch (`None`: created by this batch).
    stored_revision: Option<i64>,
    /// The item whose version is now its current one, once this batch has changed it.
    current_item: Option<usize>,
}

/// A version to write.
struct PlannedVersion {
    item: usize,
    proposal_id: i64,
    number: i64,
}

/// An audit entry to write.
struct PlannedEntry<'a> {
    index: i64,
    actor: i64,
    action: &'a str,
    subject: String,
    body: String,
    leaf_hash: String,
}

/// An idempotency key to record.
struct PlannedKey<'a> {
    actor: i64,
    key: &'a str,
    proposal_id: i64,
    version: i64,
    audit_index: i64,
}

/// A notification to write.
struct PlannedNotification<'a> {
    event: &'a str,
    production_id: Option<i64>,
    proposal_id: Option<i64>,
    recipients: Vec<i64>,
    payload: &'a str,
}

/// The audit body of a saved version: what the item-by-item path builds with
/// `json!({ "proposal": …, "version": ProposalVersion { … } })`, the same keys in the same order
/// (so the same text, see the tests), without copying the version's texts first.
#[derive(Serialize)]
struct SavedBody<'a> {
    proposal: &'a Proposal,
    version: VersionBody<'a>,
}

/// [`ProposalVersion`], borrowed: the same fields in the same order.
#[derive(Serialize)]
struct VersionBody<'a> {
    proposal_id: i64,
    number: i64,
    source: &'a str,
    format: &'a str,
    content_hash: &'a str,
    intake: &'a str,
    tools: &'a [String],
    consent_ids: &'a [String],
    author_id: i64,
    created_at: Millis,
    evaluation: Option<&'a StoredEvaluation>,
}

impl<'a> VersionBody<'a> {
    fn new(
        proposal_id: i64,
        number: i64,
        version: &'a NewVersion,
        author_id: i64,
        now: Millis,
    ) -> Self {
        VersionBody {
            proposal_id,
            number,
            source: &version.source,
            format: &version.format,
            content_hash: &version.content_hash,
            intake: &version.intake,
            tools: &version.tools,
            consent_ids: &version.consent_ids,
            author_id,
            created_at: now,
            evaluation: version.evaluation.as_ref(),
        }
    }
}

/// The batch as planned so far.
struct Plan<'a> {
    /// Recorded idempotency keys by actor (those of the batch's saved items are added).
    recorded: HashMap<i64, HashMap<String, Recorded>>,
    productions: HashSet<i64>,
    people: HashSet<i64>,
    proposals: HashMap<i64, Current>,
    /// Ids reserved for new proposals, handed out in batch order to the new proposals saved
    /// (a failed item leaves its id to the next, as SQLite does when an insert is undone).
    fresh_ids: Vec<i64>,
    /// How many of `fresh_ids` are taken.
    fresh_taken: usize,
    /// The proposals changed, in the order first changed.
    changed: Vec<i64>,
    versions: Vec<PlannedVersion>,
    entries: Vec<PlannedEntry<'a>>,
    keys: Vec<PlannedKey<'a>>,
    notifications: Vec<PlannedNotification<'a>>,
}

/// Step 1: reads what the batch depends on.
async fn read<'a>(tx: &mut WriteTx, batch: &'a [SaveVersion]) -> Result<Plan<'a>> {
    let mut production_ids = Vec::new();
    let mut person_ids = Vec::new();
    let mut proposal_ids = Vec::new();
    let mut new_proposals = 0;
    for item in batch {
        person_ids.push(item.actor);
        match item.target {
            Target::New { production_id } => {
                production_ids.push(production_id);
                new_proposals += 1;
            }
            Target::Existing { proposal_id, .. } => proposal_ids.push(proposal_id),
        }
        for n in &item.notifications {
            production_ids.extend(n.production_id);
            proposal_ids.extend(n.proposal_id);
            person_ids.extend(&n.recipients);
        }
    }
    let recorded = recorded_keys(tx, batch).await?;
    proposal_ids.extend(
        recorded
            .values()
            .flat_map(HashMap::values)
            .map(|r| r.proposal_id),
    );
    let productions = ids_present(
        tx,
        "SELECT id AS n FROM productions WHERE id IN (",
        production_ids,
    )
    .await?;
    let people = ids_present(tx, "SELECT id AS n FROM people WHERE id IN (", person_ids).await?;
    let rows: Vec<ProposalRow> = select_in(
        tx,
        concat!("SELECT ", cols!(proposal), " FROM proposals WHERE id IN ("),
        ")",
        proposal_ids,
    )
    .await?;
    let proposals = rows
        .into_iter()
        .map(|row| {
            let current = Current {
                stored_revision: Some(row.revision),
                current_item: None,
                row,
            };
            (current.row.id, current)
        })
        .collect();
    let fresh_ids = tx.reserve_ids(IdTable::Proposals, new_proposals).await?;
    Ok(Plan {
        recorded,
        productions,
        people,
        proposals,
        fresh_ids,
        fresh_taken: 0,
        changed: Vec::new(),
        versions: Vec::with_capacity(batch.len()),
        entries: Vec::with_capacity(batch.len()),
        keys: Vec::new(),
        notifications: Vec::new(),
    })
}

/// Most lookups in one statement of [`recorded_keys`] (SQLite allows 500 terms in a compound
/// `SELECT`).
const KEYS_PER_LOOKUP: usize = 128;

/// The batch's idempotency keys that are already recorded, by actor.
///
/// One `UNION ALL` of point lookups on the primary key, rather than `actor_id IN (…) AND
/// idem_key IN (…)`: PostgreSQL's generic plan for that scans every key of the actor.
async fn recorded_keys(
    tx: &mut WriteTx,
    batch: &[SaveVersion],
) -> Result<HashMap<i64, HashMap<String, Recorded>>> {
    let mut pairs: Vec<(i64, &str)> = batch
        .iter()
        .filter_map(|item| Some((item.actor, item.idempotency_key.as_deref()?)))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut recorded: HashMap<i64, HashMap<String, Recorded>> = HashMap::new();
    for chunk in pairs.chunks(KEYS_PER_LOOKUP) {
        let chunk = padded(chunk);
        let mut sql = String::with_capacity(chunk.len() * 120);
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(" UNION ALL ");
            }
            let _ = write!(
                sql,
                "SELECT actor_id, idem_key, proposal_id, version, audit_index FROM idempotency \
                 WHERE actor_id = ${} AND idem_key = ${}",
                2 * i + 1,
                2 * i + 2
            );
        }
        let mut conn = tx.conn();
        let mut stmt = conn.sql(sqlx::AssertSqlSafe(sql));
        for (actor, key) in &chunk {
            stmt = stmt.bind(*actor).bind(*key);
        }
        let rows: Vec<KeyRow> = stmt.fetch_all().await?;
        for row in rows {
            recorded.entry(row.actor_id).or_default().insert(
                row.idem_key,
                Recorded {
                    proposal_id: row.proposal_id,
                    version: row.version,
                    audit_index: row.audit_index,
                },
            );
        }
    }
    Ok(recorded)
}

/// The values (sorted, without repeats) padded to a power of two with the last one, so that
/// lists of every length share a few statement texts (and their prepared statements).
fn padded<T: Copy>(values: &[T]) -> Vec<T> {
    let mut list = values.to_vec();
    if let Some(&last) = values.last() {
        let len = values.len().next_power_of_two();
        list.resize(len, last);
    }
    list
}

/// Runs `{head}$1, …, $n{tail}` over the ids (without repeats), a padded list at a time, and
/// returns every row.
async fn select_in<R: Row>(
    tx: &mut WriteTx,
    head: &str,
    tail: &str,
    mut ids: Vec<i64>,
) -> Result<Vec<R>> {
    ids.sort_unstable();
    ids.dedup();
    let mut rows = Vec::new();
    for chunk in ids.chunks(VALUES_PER_LIST) {
        let list = padded(chunk);
        let mut sql = String::with_capacity(head.len() + tail.len() + list.len() * 6);
        sql.push_str(head);
        push_list(&mut sql, 1, list.len());
        sql.push_str(tail);
        let mut conn = tx.conn();
        let mut stmt = conn.sql(sqlx::AssertSqlSafe(sql));
        for id in list {
            stmt = stmt.bind(id);
        }
        rows.extend(stmt.fetch_all::<R>().await?);
    }
    Ok(rows)
}

/// Which of the ids `{head}…)` (a `SELECT id AS n … WHERE id IN (`) finds.
async fn ids_present(tx: &mut WriteTx, head: &str, ids: Vec<i64>) -> Result<HashSet<i64>> {
    let rows: Vec<Count> = select_in(tx, head, ")", ids).await?;
    Ok(rows.into_iter().map(|row| row.n).collect())
}

/// Runs `{head}$1, …, $n)` (a statement returning no rows) over the ids, a padded list at a
/// time.
async fn execute_in(tx: &mut WriteTx, head: &str, mut ids: Vec<i64>) -> Result<()> {
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(VALUES_PER_LIST) {
        let list = padded(chunk);
        let mut sql = String::from(head);
        push_list(&mut sql, 1, list.len());
        sql.push(')');
        let mut conn = tx.conn();
        let mut stmt = conn.sql(sqlx::AssertSqlSafe(sql));
        for id in list {
            stmt = stmt.bind(id);
        }
        stmt.execute().await?;
    }
    Ok(())
}

/// What a foreign key would have refused.
fn missing(what: String) -> StoreError {
    StoreError::NotFound(format!("a record it refers to does not exist ({what})"))
}

/// A version's search text and folded vendor, as the proposal row stores them.
fn search_columns(version: &NewVersion) -> (Option<String>, String) {
    (version.vendor.as_deref().map(fold), search_text(version))
}

impl<'a> Plan<'a> {
    fn person(&self, id: i64) -> Result<()> {
        if self.people.contains(&id) {
            Ok(())
        } else {
            Err(missing(format!("person {id}")))
        }
    }

    /// Step 2, one item: decides it and, if it is saved, records what to write.
    fn item(
        &mut self,
        tx: &mut WriteTx,
        index: usize,
        item: &'a SaveVersion,
        now: Millis,
    ) -> Result<Saved> {
        if let Some(key) = &item.idempotency_key {
            let prior = self
                .recorded
                .get(&item.actor)
                .and_then(|keys| keys.get(key.as_str()))
                .copied();
            if let Some(prior) = prior {
                let current = self.proposals.get(&prior.proposal_id).ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "idempotency key names the missing proposal {}",
                        prior.proposal_id
                    ))
                })?;
                return Ok(Saved {
                    proposal: Proposal::try_from(current.row.clone())?,
                    version: prior.version,
                    audit_index: prior.audit_index,
                    replayed: true,
                    saved_at: now,
                });
            }
        }
        let version = &item.version;
        let tier = version
            .evaluation
            .as_ref()
            .map(|e| e.tier.as_str().to_owned());
        let row = match item.target {
            Target::New { production_id } => {
                if !self.productions.contains(&production_id) {
                    return Err(StoreError::NotFound(format!("production {production_id}")));
                }
                self.person(item.actor)?;
                let id = *self.fresh_ids.get(self.fresh_taken).ok_or_else(|| {
                    StoreError::Corrupt("fewer proposal ids were reserved than asked for".into())
                })?;
                ProposalRow {
                    id,
                    production_id,
                    title: version.title.clone(),
                    vendor: version.vendor.clone(),
                    status: item.status.as_str().to_owned(),
                    current_version: 1,
                    tier,
                    approved_version: None,
                    approval_expires_at: None,
                    needs_reapproval: false,
                    created_by: item.actor,
                    created_at: now,
                    updated_at: now,
                    revision: 1,
                }
            }
            Target::Existing {
                proposal_id,
                expected_revision,
            } => {
                let Some(current) = self.proposals.get(&proposal_id) else {
                    return Err(StoreError::NotFound(format!("proposal {proposal_id}")));
                };
                if current.row.revision != expected_revision {
                    return Err(StoreError::Conflict(format!(
                        "proposal {proposal_id} has changed: it is at revision {}, not {expected_revision}",
                        current.row.revision
                    )));
                }
                let mut row = current.row.clone();
                row.title.clone_from(&version.title);
                row.vendor.clone_from(&version.vendor);
                item.status.as_str().clone_into(&mut row.status);
                row.tier = tier;
                row.current_version += 1;
                row.needs_reapproval = false;
                row.revision += 1;
                row.updated_at = now;
                // The version's author.
                self.person(item.actor)?;
                row
            }
        };
        let proposal = Proposal::try_from(row.clone())?;
        let mut notifications = Vec::with_capacity(item.notifications.len());
        for n in &item.notifications {
            if let Some(production_id) = n.production_id
                && !self.productions.contains(&production_id)
            {
                return Err(missing(format!("production {production_id}")));
            }
            if let Some(proposal_id) = n.proposal_id
                && proposal_id != row.id
                && !self.proposals.contains_key(&proposal_id)
            {
                return Err(missing(format!("proposal {proposal_id}")));
            }
            let mut recipients = Vec::with_capacity(n.recipients.len());
            for &person in &n.recipients {
                if !recipients.contains(&person) {
                    self.person(person)?;
                    recipients.push(person);
                }
            }
            notifications.push(PlannedNotification {
                event: &n.event,
                production_id: n.production_id.or(Some(row.production_id)),
                proposal_id: n.proposal_id.or(Some(row.id)),
                recipients,
                payload: &n.payload,
            });
        }

        let number = row.current_version;
        let body = to_json(&SavedBody {
            proposal: &proposal,
            version: VersionBody::new(row.id, number, version, item.actor, now),
        })?;
        let audit_index = tx.next_index()?;

        // Saved: from here on nothing fails.
        if matches!(item.target, Target::New { .. }) {
            self.fresh_taken += 1;
        }
        let subject = subject(row.id);
        let leaf = leaf_hash(&leaf_bytes(
            audit_index,
            now,
            Some(item.actor),
            &item.action,
            &subject,
            &body,
        ));
        tx.push_leaf(leaf);
        self.entries.push(PlannedEntry {
            index: audit_index,
            actor: item.actor,
            action: &item.action,
            subject,
            body,
            leaf_hash: to_hex(&leaf),
        });
        if let Some(key) = &item.idempotency_key {
            self.recorded.entry(item.actor).or_default().insert(
                key.clone(),
                Recorded {
                    proposal_id: row.id,
                    version: number,
                    audit_index,
                },
            );
            self.keys.push(PlannedKey {
                actor: item.actor,
                key,
                proposal_id: row.id,
                version: number,
                audit_index,
            });
        }
        self.notifications.extend(notifications);
        self.versions.push(PlannedVersion {
            item: index,
            proposal_id: row.id,
            number,
        });
        let id = row.id;
        match self.proposals.get_mut(&id) {
            Some(current) => {
                if current.current_item.is_none() {
                    self.changed.push(id);
                }
                current.row = row;
                current.current_item = Some(index);
            }
            None => {
                self.changed.push(id);
                self.proposals.insert(
                    id,
                    Current {
                        row,
                        stored_revision: None,
                        current_item: Some(index),
                    },
                );
            }
        }
        Ok(Saved {
            proposal,
            version: number,
            audit_index,
            replayed: false,
            saved_at: now,
        })
    }

    /// Step 3: writes what the saved items planned.
    async fn write(self, tx: &mut WriteTx, batch: &[SaveVersion], now: Millis) -> Result<()> {
        if self.versions.is_empty() {
            return Ok(());
        }
        // The proposals changed, each in its final state, with the item of its current version.
        let mut created = Vec::new();
        let mut updated = Vec::new();
        for id in &self.changed {
            let Some(current) = self.proposals.get(id) else {
                continue;
            };
            let Some(item) = current.current_item.and_then(|i| batch.get(i)) else {
                continue;
            };
            let (vendor_key, search) = search_columns(&item.version);
            match current.stored_revision {
                None => created.push((current, item, vendor_key, search)),
                Some(revision) => updated.push((current, item, vendor_key, search, revision)),
            }
        }

        let mut values = Vec::with_capacity(created.len() * 14);
        for (current, _, vendor_key, search) in &created {
            let r = &current.row;
            values.extend([
                Arg::Int(r.id),
                Arg::Int(r.production_id),
                Arg::Text(&r.title),
                Arg::OptText(r.vendor.as_deref()),
                Arg::OptText(vendor_key.as_deref()),
                Arg::Text(&r.status),
                Arg::Int(r.current_version),
                Arg::OptText(r.tier.as_deref()),
                Arg::Bool(r.needs_reapproval),
                Arg::Int(r.created_by),
                Arg::Int(r.created_at),
                Arg::Int(r.updated_at),
                Arg::Int(r.revision),
                Arg::Text(search),
            ]);
        }
        tx.insert_rows(
            "proposals (id, production_id, title, vendor, vendor_key, status, current_version, tier, \
             needs_reapproval, created_by, created_at, updated_at, revision, search_text)",
            14,
            &values,
        )
        .await?;

        for (current, _, vendor_key, search, revision) in &updated {
            let r = &current.row;
            let changed = tx
                .conn()
                .sql(
                    "UPDATE proposals SET title = $1, vendor = $2, vendor_key = $3, status = $4, tier = $5, \
                     current_version = $6, needs_reapproval = FALSE, revision = $7, updated_at = $8, \
                     search_text = $9 WHERE id = $10 AND revision = $11",
                )
                .bind(r.title.as_str())
                .bind(r.vendor.as_deref())
                .bind(vendor_key.as_deref())
                .bind(r.status.as_str())
                .bind(r.tier.as_deref())
                .bind(r.current_version)
                .bind(r.revision)
                .bind(r.updated_at)
                .bind(search.as_str())
                .bind(r.id)
                .bind(*revision)
                .execute()
                .await?;
            if changed != 1 {
                return Err(StoreError::Conflict(format!(
                    "proposal {} changed while its batch was written",
                    r.id
                )));
            }
        }
        if !updated.is_empty() {
            let ids: Vec<i64> = updated.iter().map(|(c, ..)| c.row.id).collect();
            execute_in(
                tx,
                "DELETE FROM proposal_tools WHERE proposal_id IN (",
                ids.clone(),
            )
            .await?;
            execute_in(
                tx,
                "DELETE FROM proposal_consents WHERE proposal_id IN (",
                ids,
            )
            .await?;
        }

        // Versions and their evaluations.
        let mut lists = Vec::with_capacity(self.versions.len());
        for v in &self.versions {
            let version = &batch[v.item].version;
            lists.push((
                to_json(&version.tools)?,
                to_json(&version.consent_ids)?,
                version
                    .evaluation
                    .as_ref()
                    .map(|e| to_json(&e.rulebooks))
                    .transpose()?,
            ));
        }
        let mut values = Vec::with_capacity(self.versions.len() * 10);
        let mut evaluations = Vec::new();
        for (v, (tools, consents, rulebooks)) in self.versions.iter().zip(&lists) {
            let item = &batch[v.item];
            let version = &item.version;
            values.extend([
                Arg::Int(v.proposal_id),
                Arg::Int(v.number),
                Arg::Text(&version.source),
                Arg::Text(&version.format),
                Arg::Text(&version.content_hash),
                Arg::Text(&version.intake),
                Arg::Text(tools),
                Arg::Text(consents),
                Arg::Int(item.actor),
                Arg::Int(now),
            ]);
            if let (Some(e), Some(rulebooks)) = (&version.evaluation, rulebooks) {
                evaluations.extend([
                    Arg::Int(v.proposal_id),
                    Arg::Int(v.number),
                    Arg::Text(e.tier.as_str()),
                    Arg::Text(&e.result),
                    Arg::Text(rulebooks),
                    Arg::Text(&e.records),
                    Arg::Int(e.evaluated_at),
                ]);
            }
        }
        tx.insert_rows(
            "versions (proposal_id, number, source, format, content_hash, intake, tools, consent_ids, \
             author_id, created_at)",
            10,
            &values,
        )
        .await?;
        if !evaluations.is_empty() {
            tx.insert_rows(
                "evaluations (proposal_id, version, tier, result, rulebooks, records, evaluated_at)",
                7,
                &evaluations,
            )
            .await?;
        }

        // The tools and consent ids of each changed proposal's current version.
        let mut names = Vec::new();
        for (current, item, ..) in &created {
            names.push((
                current.row.id,
                distinct(item.version.tools.iter().map(|t| fold(t))),
                distinct(item.version.consent_ids.iter().cloned()),
            ));
        }
        for (current, item, ..) in &updated {
            names.push((
                current.row.id,
                distinct(item.version.tools.iter().map(|t| fold(t))),
                distinct(item.version.consent_ids.iter().cloned()),
            ));
        }
        let mut tools = Vec::new();
        let mut consents = Vec::new();
        for (id, tool_names, consent_ids) in &names {
            for tool in tool_names {
                tools.extend([Arg::Int(*id), Arg::Text(tool)]);
            }
            for consent in consent_ids {
                consents.extend([Arg::Int(*id), Arg::Text(consent)]);
            }
        }
        if !tools.is_empty() {
            tx.insert_rows("proposal_tools (proposal_id, tool)", 2, &tools)
                .await?;
        }
        if !consents.is_empty() {
            tx.insert_rows("proposal_consents (proposal_id, consent_id)", 2, &consents)
                .await?;
        }

        if !self.keys.is_empty() {
            let mut values = Vec::with_capacity(self.keys.len() * 6);
            for k in &self.keys {
                values.extend([
                    Arg::Int(k.actor),
                    Arg::Text(k.key),
                    Arg::Int(k.proposal_id),
                    Arg::Int(k.version),
                    Arg::Int(k.audit_index),
                    Arg::Int(now),
                ]);
            }
            tx.insert_rows(
                "idempotency (actor_id, idem_key, proposal_id, version, audit_index, created_at)",
                6,
                &values,
            )
            .await?;
        }

        let mut values = Vec::with_capacity(self.entries.len() * 7);
        for e in &self.entries {
            values.extend([
                Arg::Int(e.index),
                Arg::Int(now),
                Arg::Int(e.actor),
                Arg::Text(e.action),
                Arg::Text(&e.subject),
                Arg::Text(&e.body),
                Arg::Text(&e.leaf_hash),
            ]);
        }
        tx.insert_rows(
            "audit_log (idx, created_at, actor_id, action, subject, body, leaf_hash)",
            7,
            &values,
        )
        .await?;

        write_notifications(tx, &self.notifications, now).await
    }
}

/// Writes the notifications with their recipients and, for every active webhook of their
/// production or of all productions, a delivery due `now` (as `insert_notifications` does one
/// at a time).
async fn write_notifications(
    tx: &mut WriteTx,
    notifications: &[PlannedNotification<'_>],
    now: Millis,
) -> Result<()> {
    if notifications.is_empty() {
        return Ok(());
    }
    let ids = tx
        .reserve_ids(IdTable::Notifications, notifications.len())
        .await?;
    let mut lists = Vec::with_capacity(notifications.len());
    for n in notifications {
        lists.push(to_json(&n.recipients)?);
    }
    let mut values = Vec::with_capacity(notifications.len() * 7);
    let mut recipients = Vec::new();
    for ((n, id), list) in notifications.iter().zip(&ids).zip(&lists) {
        values.extend([
            Arg::Int(*id),
            Arg::Text(n.event),
            Arg::OptInt(n.production_id),
            Arg::OptInt(n.proposal_id),
            Arg::Text(list),
            Arg::Text(n.payload),
            Arg::Int(now),
        ]);
        for person in &n.recipients {
            recipients.extend([Arg::Int(*id), Arg::Int(*person)]);
        }
    }
    tx.insert_rows(
        "notifications (id, event, production_id, proposal_id, recipients, payload, created_at)",
        7,
        &values,
    )
    .await?;
    if !recipients.is_empty() {
        tx.insert_rows(
            "notification_recipients (notification_id, person_id)",
            2,
            &recipients,
        )
        .await?;
    }
    if tx.has_active_webhooks().await? {
        for chunk in ids.chunks(VALUES_PER_LIST) {
            let list = padded(chunk);
            let mut sql = String::from(
                "INSERT INTO deliveries (notification_id, webhook_id, attempts, next_attempt_at) \
                 SELECT n.id, w.id, 0, $1 FROM notifications n JOIN webhooks w \
                 ON w.active = TRUE AND (w.production_id IS NULL OR w.production_id = n.production_id) \
                 WHERE n.id IN (",
            );
            push_list(&mut sql, 2, list.len());
            sql.push_str(") ORDER BY n.id, w.id");
            let mut conn = tx.conn();
            let mut stmt = conn.sql(sqlx::AssertSqlSafe(sql)).bind(now);
            for id in list {
                stmt = stmt.bind(id);
            }
            stmt.execute().await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clearance_domain::tier::Tier;
    use serde_json::json;

    use super::{SavedBody, VersionBody, padded};
    use crate::db::{power_of_two_at_most, push_list, push_value_rows};
    use crate::model::{
        NewVersion, Proposal, ProposalVersion, RulebookRef, Status, StoredEvaluation,
    };
    use crate::rows::to_json;

    #[test]
    fn the_audit_body_is_the_one_the_item_by_item_path_writes() {
        let proposal = Proposal {
            id: 4,
            production_id: 2,
            title: "Crowd \"extension\" ☃".to_owned(),
            vendor: None,
            status: Status::InReview,
            current_version: 2,
            tier: Some(Tier::Approval),
            approved_version: Some(1),
            approval_expires_at: Some(9),
            needs_reapproval: false,
            created_by: 3,
            created_at: 1,
            updated_at: 5,
            revision: 6,
        };
        for evaluation in [
            None,
            Some(StoredEvaluation {
                tier: Tier::Escalate,
                result: r#"{"tier":"escalate"}"#.to_owned(),
                rulebooks: vec![RulebookRef {
                    id: "r".to_owned(),
                    version: "1".to_owned(),
                    digest: "ab".to_owned(),
                }],
                records: "{}".to_owned(),
                evaluated_at: 7,
            }),
        ] {
            let version = NewVersion {
                title: "t".to_owned(),
                vendor: Some("v".to_owned()),
                source: "title: t\n\ttools: [x]\n".to_owned(),
                format: "yaml".to_owned(),
                content_hash: "00".repeat(32),
                intake: r#"{"title":"t"}"#.to_owned(),
                tools: vec!["x".to_owned(), "Y".to_owned()],
                consent_ids: vec!["CR-1".to_owned()],
                evaluation,
            };
            let stored = ProposalVersion {
                proposal_id: 4,
                number: 2,
                source: version.source.clone(),
                format: version.format.clone(),
                content_hash: version.content_hash.clone(),
                intake: version.intake.clone(),
                tools: version.tools.clone(),
                consent_ids: version.consent_ids.clone(),
                author_id: 3,
                created_at: 5,
                evaluation: version.evaluation.clone(),
            };
            let expected = to_json(&json!({ "proposal": proposal, "version": stored })).unwrap();
            let body = to_json(&SavedBody {
                proposal: &proposal,
                version: VersionBody::new(4, 2, &version, 3, 5),
            })
            .unwrap();
            assert_eq!(body, expected);
        }
    }

    use crate::model::{NewNotification, NewPerson, NewProduction, Role};
    use crate::proposal::{SaveVersion, Target};
    use crate::{Store, StoreError};

    const T0: i64 = 1_750_000_000_000;

    fn version(title: &str, tools: &[&str], consents: &[&str], tier: Option<Tier>) -> NewVersion {
        NewVersion {
            title: title.to_owned(),
            vendor: Some(format!("Vendor of {title}")),
            source: format!("title: {title}\n"),
            format: "yaml".to_owned(),
            content_hash: "0".repeat(64),
            intake: format!(r#"{{"title":"{title}"}}"#),
            tools: tools.iter().map(|t| (*t).to_owned()).collect(),
            consent_ids: consents.iter().map(|c| (*c).to_owned()).collect(),
            evaluation: tier.map(|tier| StoredEvaluation {
                tier,
                result: format!(r#"{{"tier":"{}"}}"#, tier.as_str()),
                rulebooks: Vec::new(),
                records: "{}".to_owned(),
                evaluated_at: T0,
            }),
        }
    }

    fn item(target: Target, actor: i64, v: NewVersion) -> SaveVersion {
        SaveVersion {
            target,
            status: Status::Submitted,
            version: v,
            actor,
            action: "proposal.submitted".to_owned(),
            idempotency_key: None,
            notifications: Vec::new(),
        }
    }

    fn note(
        production_id: Option<i64>,
        proposal_id: Option<i64>,
        recipients: Vec<i64>,
    ) -> NewNotification {
        NewNotification {
            event: "proposal.submitted".to_owned(),
            production_id,
            proposal_id,
            recipients,
            payload: "{}".to_owned(),
        }
    }

    /// Every batch of a scenario that exercises each rule of the batch path, given the ids of
    /// the two people and the production of a fresh store (the same on every fresh store).
    fn batches(alice: i64, bob: i64, production: i64) -> Vec<Vec<SaveVersion>> {
        let new = || Target::New {
            production_id: production,
        };
        let existing = |proposal_id, expected_revision| Target::Existing {
            proposal_id,
            expected_revision,
        };
        let mut keyed = item(
            new(),
            alice,
            version("Keyed", &["Tool A"], &["CR-1"], Some(Tier::Notify)),
        );
        keyed.idempotency_key = Some("k1".to_owned());
        keyed.notifications = vec![note(None, None, vec![bob, alice, bob])];
        let mut keyed_bob = keyed.clone();
        keyed_bob.actor = bob;
        let mut bad_recipient = item(new(), alice, version("Bad recipient", &[], &[], None));
        bad_recipient.notifications = vec![note(None, None, vec![9999])];
        let mut bad_production = item(new(), alice, version("Bad note", &[], &[], None));
        bad_production.notifications = vec![note(Some(8888), None, vec![bob])];
        let mut explicit = item(
            new(),
            bob,
            version("Explicit", &["tool a"], &[], Some(Tier::Approval)),
        );
        explicit.notifications = vec![
            note(Some(production), Some(1), vec![alice]),
            note(None, None, Vec::new()),
        ];
        let mut ahead = item(new(), alice, version("Ahead", &[], &[], None));
        ahead.notifications = vec![note(None, Some(50), vec![alice])];
        let first = vec![
            keyed.clone(),
            item(
                new(),
                alice,
                version(
                    "Two",
                    &["Tool B", "tool b", "Tool A"],
                    &["CR-2", "CR-2"],
                    None,
                ),
            ),
            keyed.clone(),
            keyed_bob,
            item(new(), 7777, version("Unknown author", &[], &[], None)),
            item(
                Target::New {
                    production_id: 4242,
                },
                alice,
                version("No production", &[], &[], None),
            ),
            bad_recipient,
            bad_production,
            explicit,
            ahead,
            // Proposal 2 was created above (at revision 1): change it twice, then once stale.
            item(
                existing(2, 1),
                bob,
                version("Two v2", &["Tool C"], &[], Some(Tier::Escalate)),
            ),
            item(
                existing(2, 2),
                alice,
                version("Two v3", &["Tool D"], &["CR-3"], None),
            ),
            item(existing(2, 2), alice, version("Two stale", &[], &[], None)),
            item(existing(77, 1), alice, version("Nobody", &[], &[], None)),
        ];
        let mut again = keyed.clone();
        again.target = existing(1, 1);
        let mut next_keyed = item(
            existing(1, 1),
            alice,
            version("Keyed v2", &["Tool A"], &[], None),
        );
        next_keyed.idempotency_key = Some("k2".to_owned());
        next_keyed.notifications = vec![note(None, None, vec![alice])];
        let mut replay_next = next_keyed.clone();
        replay_next.version.title = "ignored".to_owned();
        let mut unknown_author = item(
            existing(3, 1),
            6666,
            version("Unknown author v2", &[], &[], None),
        );
        unknown_author.idempotency_key = Some("k3".to_owned());
        let second = vec![
            again,
            next_keyed,
            replay_next,
            unknown_author,
            item(
                existing(2, 3),
                bob,
                version("Two v4", &[], &[], Some(Tier::Blocked)),
            ),
            item(new(), bob, version("Late", &[], &[], None)),
        ];
        vec![first, second, Vec::new()]
    }

    /// What a store holds that the batch path writes, in a comparable form.
    async fn dump(store: &Store, people: &[i64]) -> Vec<String> {
        let mut lines = Vec::new();
        lines.push(format!("{:?}", store.tree_head().await.unwrap()));
        for entry in store.audit_entries(0, 1000).await.unwrap() {
            lines.push(format!("{entry:?}"));
        }
        for proposal in store.proposals_with_status(&Status::ALL).await.unwrap() {
            lines.push(format!("{proposal:?}"));
            for version in store.versions(proposal.id).await.unwrap() {
                lines.push(format!("{version:?}"));
            }
        }
        for tool in ["tool a", "tool b", "tool c", "tool d"] {
            lines.push(format!(
                "{tool}: {:?}",
                store.referencing_tool(tool).await.unwrap()
            ));
        }
        for consent in ["CR-1", "CR-2", "CR-3"] {
            lines.push(format!(
                "{consent}: {:?}",
                store.referencing_consent(consent).await.unwrap()
            ));
        }
        for person in people {
            lines.push(format!(
                "{:?}",
                store.notifications_for(*person, 100).await.unwrap()
            ));
        }
        lines.push(format!(
            "{:?}",
            store.due_deliveries(T0 + 10, 100).await.unwrap()
        ));
        lines
    }

    /// Runs the scenario on a fresh store, batched or item by item; returns the outcomes (error
    /// variants, not messages: a foreign key's message is the database's own) and the dump.
    async fn run(batched: bool) -> (Vec<String>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_data_dir(dir.path()).await.unwrap();
        let mut people = Vec::new();
        for name in ["alice", "bob"] {
            let person = NewPerson {
                name: name.to_owned(),
                email: format!("{name}@example.com"),
                role: Role::Partner,
                organisation: None,
            };
            people.push(store.create_person(&person, None, T0).await.unwrap().id);
        }
        let production = NewProduction {
            title: "P".to_owned(),
            studio: "S".to_owned(),
            rulebooks: Vec::new(),
        };
        let production = store
            .create_production(&production, None, T0)
            .await
            .unwrap()
            .id;
        let other = NewProduction {
            title: "Other".to_owned(),
            studio: "S".to_owned(),
            rulebooks: Vec::new(),
        };
        let other = store.create_production(&other, None, T0).await.unwrap().id;
        for hook in [Some(production), None, Some(other)] {
            store
                .create_webhook("https://hooks.example/", "s", hook, None, T0)
                .await
                .unwrap();
        }
        let mut outcomes = Vec::new();
        for (n, batch) in batches(people[0], people[1], production)
            .into_iter()
            .enumerate()
        {
            let now = T0 + i64::try_from(n).unwrap();
            let results = if batched {
                store.save_versions(batch, now).await.unwrap()
            } else {
                store.save_versions_one_by_one(batch, now).await.unwrap()
            };
            for result in results {
                outcomes.push(match result {
                    Ok(saved) => format!("{saved:?}"),
                    Err(StoreError::Conflict(message)) => format!("Conflict({message})"),
                    Err(error) => error_kind(&error).to_owned(),
                });
            }
        }
        let dump = dump(&store, &people).await;
        store.close().await;
        (outcomes, dump)
    }

    fn error_kind(error: &StoreError) -> &'static str {
        match error {
            StoreError::NotFound(_) => "NotFound",
            StoreError::Conflict(_) => "Conflict",
            StoreError::Duplicate(_) => "Duplicate",
            StoreError::Invalid(_) => "Invalid",
            StoreError::Database(_) => "Database",
            StoreError::Corrupt(_) => "Corrupt",
        }
    }

    #[tokio::test]
    async fn batched_saves_are_the_item_by_item_saves() {
        let (batched_outcomes, batched) = run(true).await;
        let (reference_outcomes, reference) = run(false).await;
        assert_eq!(batched_outcomes, reference_outcomes);
        assert_eq!(batched, reference);
        // The scenario saved, replayed and refused items.
        let saved = reference_outcomes
            .iter()
            .filter(|o| o.contains("replayed: false"))
            .count();
        let replayed = reference_outcomes
            .iter()
            .filter(|o| o.contains("replayed: true"))
            .count();
        assert_eq!(
            (saved, replayed, reference_outcomes.len()),
            (9, 3, 20),
            "{reference_outcomes:#?}"
        );
    }

    #[test]
    fn lists_are_padded_to_a_power_of_two() {
        assert_eq!(padded::<i64>(&[]), Vec::<i64>::new());
        assert_eq!(padded(&[7]), vec![7]);
        assert_eq!(padded(&[1, 2, 3]), vec![1, 2, 3, 3]);
        assert_eq!(padded(&[1, 2, 3, 4, 5]), vec![1, 2, 3, 4, 5, 5, 5, 5]);
        assert_eq!(power_of_two_at_most(0), 1);
        assert_eq!(power_of_two_at_most(63), 32);
        assert_eq!(power_of_two_at_most(64), 64);
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = String::new();
        push_value_rows(&mut sql, 1, 3, 2);
        assert_eq!(sql, "($1, $2, $3), ($4, $5, $6)");
        let mut sql = String::new();
        push_list(&mut sql, 4, 3);
        assert_eq!(sql, "$4, $5, $6");
    }
}
