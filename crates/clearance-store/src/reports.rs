//! Reports on productions: counts by status and tier, declared uses per week, time to decision,
//! and every proposal of a production with its latest decision and the consents it names. Each
//! is a few aggregate statements over indexed columns, whatever the number of proposals (never
//! one statement per proposal); the web pages build the dashboard and the disclosure report
//! from them.

use clearance_domain::tier::Tier;

use crate::model::{Decision, Millis, Status};
use crate::rows::{from_json, parse};
use crate::{Result, Store};

/// One week in milliseconds.
pub const WEEK_MILLIS: Millis = 7 * 24 * 3_600_000;

/// Monday 1970-01-05 00:00 UTC: weeks are counted from here, so they start on Mondays.
pub const FIRST_MONDAY: Millis = 4 * 24 * 3_600_000;

/// How many proposals of a production have one status and one tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    /// The production.
    pub production_id: i64,
    /// The status.
    pub status: Status,
    /// The current tier (None: never evaluated).
    pub tier: Option<Tier>,
    /// How many.
    pub count: i64,
}

/// How many uses were declared in one week (Monday to Sunday, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeekCount {
    /// The Monday 00:00 UTC that starts the week.
    pub week_start: Millis,
    /// How many proposals were created that week (drafts and withdrawn ones left out).
    pub count: i64,
}

/// One written decision and how long it waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionTime {
    /// The tier of the version decided on.
    pub tier: Tier,
    /// The decision.
    pub decision: Decision,
    /// From the creation of the version decided on (its submission) to the decision.
    pub waited: Millis,
}

/// A production's aggregates: see [`Store::production_stats`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductionStats {
    /// Proposals by status and tier.
    pub counts: Vec<StatusCount>,
    /// Declared uses per week, oldest first (weeks without any are left out).
    pub weeks: Vec<WeekCount>,
    /// Every written decision on the production's proposals.
    pub decisions: Vec<DecisionTime>,
}

/// The latest written decision on a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestDecision {
    /// The decision.
    pub decision: Decision,
    /// The version it decided.
    pub version: i64,
    /// Who decided.
    pub reviewer_id: i64,
    /// Their name.
    pub reviewer_name: String,
    /// The written note.
    pub note: String,
    /// Conditions of an approval.
    pub conditions: Vec<String>,
    /// What an approval covers.
    pub scope: Option<String>,
    /// When an approval expires.
    pub expires_at: Option<Millis>,
    /// When it was decided.
    pub decided_at: Millis,
}

/// A consent record a proposal's current version names, as the registry holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentUse {
    /// The consent id the intake names.
    pub id: String,
    /// `signed` or `requested`; None when no record has this id.
    pub state: Option<String>,
    /// When the record was revoked.
    pub revoked_at: Option<Millis>,
    /// The record's expiry date (`YYYY-MM-DD`).
    pub expires_on: Option<String>,
}

/// One proposal of a production, for its reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductionUse {
    /// The proposal's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// Its vendor.
    pub vendor: Option<String>,
    /// Its status.
    pub status: Status,
    /// Its current tier.
    pub tier: Option<Tier>,
    /// The current version's number.
    pub current_version: i64,
    /// The version the standing approval covers.
    pub approved_version: Option<i64>,
    /// When the standing approval expires.
    pub approval_expires_at: Option<Millis>,
    /// Whether an approval must be renewed (the tier rose after it).
    pub needs_reapproval: bool,
    /// When it was created.
    pub created_at: Millis,
    /// When it last changed.
    pub updated_at: Millis,
    /// The current version's intake, as canonical JSON.
    pub intake: String,
    /// The latest written decision, if any.
    pub decision: Option<LatestDecision>,
    /// The consent records the current version names, by id.
    pub consents: Vec<ConsentUse>,
}

#[derive(sqlx::FromRow)]
struct CountRow {
    production_id: i64,
    status: String,
    tier: Option<String>,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct WeekRow {
    week: i64,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct DecisionTimeRow {
    tier: String,
    decision: String,
    waited: i64,
}

#[derive(sqlx::FromRow)]
struct UseRow {
    id: i64,
    title: String,
    vendor: Option<String>,
    status: String,
    tier: Option<String>,
    current_version: i64,
    approved_version: Option<i64>,
    approval_expires_at: Option<i64>,
    needs_reapproval: bool,
    created_at: i64,
    updated_at: i64,
    intake: String,
    decision: Option<String>,
    decided_version: Option<i64>,
    reviewer_id: Option<i64>,
    reviewer_name: Option<String>,
    note: Option<String>,
    conditions: Option<String>,
    scope: Option<String>,
    decision_expires_at: Option<i64>,
    decided_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ConsentRow {
    proposal_id: i64,
    consent_id: String,
    state: Option<String>,
    revoked_at: Option<i64>,
    expires_on: Option<String>,
}

fn tier(name: &str) -> Result<Tier> {
    parse(name, "tier", Tier::from_name)
}

fn count(row: CountRow) -> Result<StatusCount> {
    Ok(StatusCount {
        production_id: row.production_id,
        status: parse(&row.status, "status", Status::from_name)?,
        tier: row.tier.as_deref().map(tier).transpose()?,
        count: row.n,
    })
}

impl UseRow {
    fn into_use(self) -> Result<ProductionUse> {
        let decision = match (
            self.decision,
            self.decided_version,
            self.reviewer_id,
            self.decided_at,
        ) {
            (Some(decision), Some(version), Some(reviewer_id), Some(decided_at)) => {
                Some(LatestDecision {
                    decision: parse(&decision, "decision", Decision::from_name)?,
                    version,
                    reviewer_id,
                    reviewer_name: self.reviewer_name.unwrap_or_default(),
                    note: self.note.unwrap_or_default(),
                    conditions: match self.conditions {
                        Some(text) => from_json(&text)?,
                        None => Vec::new(),
                    },
                    scope: self.scope,
                    expires_at: self.decision_expires_at,
                    decided_at,
                })
            }
            _ => None,
        };
        Ok(ProductionUse {
            id: self.id,
            title: self.title,
            vendor: self.vendor,
            status: parse(&self.status, "status", Status::from_name)?,
            tier: self.tier.as_deref().map(tier).transpose()?,
            current_version: self.current_version,
            approved_version: self.approved_version,
            approval_expires_at: self.approval_expires_at,
            needs_reapproval: self.needs_reapproval,
            created_at: self.created_at,
            updated_at: self.updated_at,
            intake: self.intake,
            decision,
            consents: Vec::new(),
        })
    }
}

impl Store {
    /// Proposals by production, status and tier: of every production (`None`), or of those the
    /// person is a member of. One aggregate statement.
    ///
    /// # Errors
    ///
    /// [`crate::StoreError::Database`] if the database fails; [`crate::StoreError::Corrupt`]
    /// for bad data.
    pub async fn status_counts(&self, member: Option<i64>) -> Result<Vec<StatusCount>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<CountRow> = conn
            .conn()
            .sql(
                "SELECT production_id, status, tier, COUNT(*) AS n FROM proposals \
                 WHERE $1 IS NULL OR production_id IN (SELECT production_id FROM members WHERE person_id = $1) \
                 GROUP BY production_id, status, tier ORDER BY production_id, status, tier",
            )
            .bind(member)
            .fetch_all()
            .await?;
        rows.into_iter().map(count).collect()
    }

    /// A production's aggregates, in three statements on one connection: proposals by status
    /// and tier; uses declared per week (by creation time; drafts and withdrawn proposals are
    /// not declared uses); and every written decision with the time from the creation of the
    /// version it decided to the decision.
    ///
    /// # Errors
    ///
    /// [`crate::StoreError::Database`] if the database fails; [`crate::StoreError::Corrupt`]
    /// for bad data.
    pub async fn production_stats(&self, production_id: i64) -> Result<ProductionStats> {
        let mut conn = self.pools.read().await?;
        let counts: Vec<CountRow> = conn
            .conn()
            .sql(
                "SELECT production_id, status, tier, COUNT(*) AS n FROM proposals \
                 WHERE production_id = $1 GROUP BY production_id, status, tier \
                 ORDER BY status, tier",
            )
            .bind(production_id)
            .fetch_all()
            .await?;
        let weeks: Vec<WeekRow> = conn
            .conn()
            .sql(
                "SELECT (created_at - $2) / $3 AS week, COUNT(*) AS n FROM proposals \
                 WHERE production_id = $1 AND status <> 'draft' AND status <> 'withdrawn' \
                 GROUP BY week ORDER BY week",
            )
            .bind(production_id)
            .bind(FIRST_MONDAY)
            .bind(WEEK_MILLIS)
            .fetch_all()
            .await?;
        let decisions: Vec<DecisionTimeRow> = conn
            .conn()
            .sql(
                "SELECT r.tier, r.decision, r.created_at - v.created_at AS waited \
                 FROM reviews r JOIN versions v ON v.proposal_id = r.proposal_id AND v.number = r.version \
                 WHERE r.proposal_id IN (SELECT id FROM proposals WHERE production_id = $1) \
                 ORDER BY r.id",
            )
            .bind(production_id)
            .fetch_all()
            .await?;
        Ok(ProductionStats {
            counts: counts.into_iter().map(count).collect::<Result<_>>()?,
            weeks: weeks
                .into_iter()
                .map(|row| WeekCount {
                    week_start: FIRST_MONDAY + row.week * WEEK_MILLIS,
                    count: row.n,
                })
                .collect(),
            decisions: decisions
                .into_iter()
                .map(|row| {
                    Ok(DecisionTime {
                        tier: tier(&row.tier)?,
                        decision: parse(&row.decision, "decision", Decision::from_name)?,
                        waited: row.waited,
                    })
                })
                .collect::<Result<_>>()?,
        })
    }

    /// Every proposal of a production (by id), with its current version's intake, its latest
    /// written decision (and the reviewer's name) and the consent records its current version
    /// names: two statements on one connection, whatever the number of proposals.
    ///
    /// # Errors
    ///
    /// [`crate::StoreError::Database`] if the database fails; [`crate::StoreError::Corrupt`]
    /// for bad data.
    pub async fn production_uses(&self, production_id: i64) -> Result<Vec<ProductionUse>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<UseRow> = conn
            .conn()
            .sql(
                "SELECT p.id, p.title, p.vendor, p.status, p.tier, p.current_version, p.approved_version, \
                 p.approval_expires_at, p.needs_reapproval, p.created_at, p.updated_at, v.intake, \
                 r.decision, r.version AS decided_version, r.reviewer_id, rp.name AS reviewer_name, r.note, \
                 r.conditions, r.scope, r.expires_at AS decision_expires_at, r.created_at AS decided_at \
                 FROM proposals p \
                 JOIN versions v ON v.proposal_id = p.id AND v.number = p.current_version \
                 LEFT JOIN reviews r ON r.id = (SELECT MAX(l.id) FROM reviews l WHERE l.proposal_id = p.id) \
                 LEFT JOIN people rp ON rp.id = r.reviewer_id \
                 WHERE p.production_id = $1 ORDER BY p.id",
            )
            .bind(production_id)
            .fetch_all()
            .await?;
        let consents: Vec<ConsentRow> = conn
            .conn()
            .sql(
                "SELECT pc.proposal_id, pc.consent_id, c.state, c.revoked_at, c.expires_on \
                 FROM proposal_consents pc LEFT JOIN consents c ON c.id = pc.consent_id \
                 WHERE pc.proposal_id IN (SELECT id FROM proposals WHERE production_id = $1) \
                 ORDER BY pc.proposal_id, pc.consent_id",
            )
            .bind(production_id)
            .fetch_all()
            .await?;
        let mut uses: Vec<ProductionUse> = rows
            .into_iter()
            .map(UseRow::into_use)
            .collect::<Result<_>>()?;
        // Both lists are ordered by proposal id: attach each consent to its proposal.
        let mut at = 0;
        for consent in consents {
            while uses.get(at).is_some_and(|u| u.id < consent.proposal_id) {
                at += 1;
            }
            if let Some(owner) = uses.get_mut(at).filter(|u| u.id == consent.proposal_id) {
                owner.consents.push(ConsentUse {
                    id: consent.consent_id,
                    state: consent.state,
                    revoked_at: consent.revoked_at,
                    expires_on: consent.expires_on,
                });
            }
        }
        Ok(uses)
    }
}
