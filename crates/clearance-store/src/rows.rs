//! Rows as the database returns them, and their conversion into the model's records. Every
//! conversion is fallible: a stored value the model cannot represent is [`StoreError::Corrupt`],
//! never a panic.

use clearance_domain::tier::Tier;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::{
    Attachment, AuditEntry, Capacity, Comment, ConsentRecord, Decision, Delivery, Grantor, Member,
    Notification, Person, Proposal, ProposalVersion, Review, Role, Status, StoredEvaluation,
    StoredRulebook, TokenInfo, ToolRecord, Webhook,
};
use crate::{Result, StoreError};

/// Reads a closed-vocabulary value stored as text.
pub(crate) fn parse<T>(value: &str, what: &str, from_name: fn(&str) -> Option<T>) -> Result<T> {
    from_name(value).ok_or_else(|| StoreError::Corrupt(format!("unknown {what} {value:?}")))
}

/// Reads a JSON column.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    Ok(serde_json::from_str(text)?)
}

/// Writes a JSON column or an audit body.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value)?)
}

/// The identifier of a grantor in the database.
pub(crate) fn grantor_name(grantor: Grantor) -> &'static str {
    match grantor {
        Grantor::Performer => "performer",
        Grantor::Estate => "estate",
    }
}

fn grantor_from_name(name: &str) -> Option<Grantor> {
    [Grantor::Performer, Grantor::Estate]
        .into_iter()
        .find(|g| grantor_name(*g) == name)
}

/// Lowercases text for the case-insensitive comparisons, the same way on both backends (in
/// Rust, not with SQL `LOWER`, which SQLite applies to ASCII only).
pub(crate) fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// The column lists of the records, as literals so statements can be built with `concat!`.
macro_rules! cols {
    (person) => {
        "id, name, email, role, organisation, created_at"
    };
    (token) => {
        "id, person_id, label, created_at, last_used_at, revoked_at"
    };
    // Unqualified: the statements that read proposals select from `proposals` alone and
    // filter with subqueries.
    (proposal) => {
        "id, production_id, title, vendor, status, current_version, tier, approved_version, approval_expires_at, \
         needs_reapproval, created_by, created_at, updated_at, revision"
    };
    (production) => {
        "id, title, studio, rulebooks, created_at"
    };
    (review) => {
        "id, proposal_id, version, content_hash, rulebooks, tier, reviewer_id, decision, note, \
                                 conditions, scope, expires_at, created_at, audit_index"
    };
    (comment) => {
        "id, proposal_id, author_id, body, created_at"
    };
    (attachment) => {
        "id, proposal_id, name, media_type, size, sha256, uploaded_by, created_at"
    };
    (consent) => {
        "id, performer, grantor, granted_by, representative_id, production_id, uses, media, \
                                  purpose, state, granted_on, expires_on, evidence_sha256, revoked_at, revoked_reason, \
                                  created_at, updated_at"
    };
    (tool) => {
        "id, name, vendor, environment, trains_on_inputs, retention, terms_reviewed_on, \
                               created_at, updated_at, revision"
    };
    (rulebook) => {
        "id, version, digest, source, active, created_at"
    };
    (webhook) => {
        "id, url, production_id, active, created_at"
    };
    (notification) => {
        "id, event, production_id, proposal_id, recipients, payload, created_at"
    };
    (audit) => {
        "idx, created_at, actor_id, action, subject, body, leaf_hash"
    };
    (checkpoint) => {
        "origin, size, root, timestamp_ms, key_id, signature"
    };
}
pub(crate) use cols;

#[derive(sqlx::FromRow)]
pub(crate) struct PersonRow {
    id: i64,
    name: String,
    email: String,
    role: String,
    organisation: Option<String>,
    created_at: i64,
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;
    fn try_from(r: PersonRow) -> Result<Person> {
        Ok(Person {
            id: r.id,
            name: r.name,
            email: r.email,
            role: parse(&r.role, "role", Role::from_name)?,
            organisation: r.organisation,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TokenRow {
    id: i64,
    person_id: i64,
    label: String,
    created_at: i64,
    last_used_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl From<TokenRow> for TokenInfo {
    fn from(r: TokenRow) -> TokenInfo {
        TokenInfo {
            id: r.id,
            person_id: r.person_id,
            label: r.label,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// A person and one of their tokens, as `authenticate` reads them.
#[derive(sqlx::FromRow)]
pub(crate) struct PersonTokenRow {
    #[sqlx(flatten)]
    pub(crate) person: PersonRow,
    pub(crate) token_id: i64,
    pub(crate) token_label: String,
    pub(crate) token_created_at: i64,
    pub(crate) token_last_used_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ProductionRow {
    id: i64,
    title: String,
    studio: String,
    rulebooks: String,
    created_at: i64,
}

impl TryFrom<ProductionRow> for crate::model::Production {
    type Error = StoreError;
    fn try_from(r: ProductionRow) -> Result<Self> {
        Ok(crate::model::Production {
            id: r.id,
            title: r.title,
            studio: r.studio,
            rulebooks: from_json(&r.rulebooks)?,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct MemberRow {
    production_id: i64,
    capacity: String,
    #[sqlx(flatten)]
    person: PersonRow,
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;
    fn try_from(r: MemberRow) -> Result<Member> {
        Ok(Member {
            production_id: r.production_id,
            capacity: parse(&r.capacity, "capacity", Capacity::from_name)?,
            person: r.person.try_into()?,
        })
    }
}

#[derive(sqlx::FromRow, Clone)]
pub(crate) struct ProposalRow {
    pub(crate) id: i64,
    pub(crate) production_id: i64,
    pub(crate) title: String,
    pub(crate) vendor: Option<String>,
    pub(crate) status: String,
    pub(crate) current_version: i64,
    pub(crate) tier: Option<String>,
    pub(crate) approved_version: Option<i64>,
    pub(crate) approval_expires_at: Option<i64>,
    pub(crate) needs_reapproval: bool,
    pub(crate) created_by: i64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) revision: i64,
}

impl TryFrom<ProposalRow> for Proposal {
    type Error = StoreError;
    fn try_from(r: ProposalRow) -> Result<Proposal> {
        Ok(Proposal {
            id: r.id,
            production_id: r.production_id,
            title: r.title,
            vendor: r.vendor,
            status: parse(&r.status, "status", Status::from_name)?,
            current_version: r.current_version,
            tier: r
                .tier
                .as_deref()
                .map(|t| parse(t, "tier", Tier::from_name))
                .transpose()?,
            approved_version: r.approved_version,
            approval_expires_at: r.approval_expires_at,
            needs_reapproval: r.needs_reapproval,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            revision: r.revision,
        })
    }
}

/// Converts a list of proposal rows.
pub(crate) fn proposals(rows: Vec<ProposalRow>) -> Result<Vec<Proposal>> {
    rows.into_iter().map(Proposal::try_from).collect()
}

/// A version with its latest evaluation (the `e_` columns are null when it has none).
macro_rules! version_select {
    () => {
        "SELECT v.proposal_id, v.number, v.source, v.format, v.content_hash, v.intake, v.tools, v.consent_ids, \
         v.author_id, v.created_at, e.tier AS e_tier, e.result AS e_result, e.rulebooks AS e_rulebooks, \
         e.records AS e_records, e.evaluated_at AS e_evaluated_at \
         FROM versions v LEFT JOIN evaluations e ON e.id = \
         (SELECT MAX(x.id) FROM evaluations x WHERE x.proposal_id = v.proposal_id AND x.version = v.number) "
    };
}
pub(crate) use version_select;

#[derive(sqlx::FromRow)]
pub(crate) struct VersionRow {
    proposal_id: i64,
    number: i64,
    source: String,
    format: String,
    content_hash: String,
    intake: String,
    tools: String,
    consent_ids: String,
    author_id: i64,
    created_at: i64,
    e_tier: Option<String>,
    e_result: Option<String>,
    e_rulebooks: Option<String>,
    e_records: Option<String>,
    e_evaluated_at: Option<i64>,
}

impl TryFrom<VersionRow> for ProposalVersion {
    type Error = StoreError;
    fn try_from(r: VersionRow) -> Result<ProposalVersion> {
        let evaluation = match (
            r.e_tier,
            r.e_result,
            r.e_rulebooks,
            r.e_records,
            r.e_evaluated_at,
        ) {
            (Some(tier), Some(result), Some(rulebooks), Some(records), Some(evaluated_at)) => {
                Some(StoredEvaluation {
                    tier: parse(&tier, "tier", Tier::from_name)?,
                    result,
                    rulebooks: from_json(&rulebooks)?,
                    records,
                    evaluated_at,
                })
            }
            _ => None,
        };
        Ok(ProposalVersion {
            proposal_id: r.proposal_id,
            number: r.number,
            source: r.source,
            format: r.format,
            content_hash: r.content_hash,
            intake: r.intake,
            tools: from_json(&r.tools)?,
            consent_ids: from_json(&r.consent_ids)?,
            author_id: r.author_id,
            created_at: r.created_at,
            evaluation,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ReviewRow {
    id: i64,
    proposal_id: i64,
    version: i64,
    content_hash: String,
    rulebooks: String,
    tier: String,
    reviewer_id: i64,
    decision: String,
    note: String,
    conditions: String,
    scope: Option<String>,
    expires_at: Option<i64>,
    created_at: i64,
    audit_index: i64,
}

impl TryFrom<ReviewRow> for Review {
    type Error = StoreError;
    fn try_from(r: ReviewRow) -> Result<Review> {
        Ok(Review {
            id: r.id,
            proposal_id: r.proposal_id,
            version: r.version,
            content_hash: r.content_hash,
            rulebooks: from_json(&r.rulebooks)?,
            tier: parse(&r.tier, "tier", Tier::from_name)?,
            reviewer_id: r.reviewer_id,
            decision: parse(&r.decision, "decision", Decision::from_name)?,
            note: r.note,
            conditions: from_json(&r.conditions)?,
            scope: r.scope,
            expires_at: r.expires_at,
            created_at: r.created_at,
            audit_index: r.audit_index,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CommentRow {
    id: i64,
    proposal_id: i64,
    author_id: i64,
    body: String,
    created_at: i64,
}

impl From<CommentRow> for Comment {
    fn from(r: CommentRow) -> Comment {
        Comment {
            id: r.id,
            proposal_id: r.proposal_id,
            author_id: r.author_id,
            body: r.body,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AttachmentRow {
    id: i64,
    proposal_id: i64,
    name: String,
    media_type: String,
    size: i64,
    sha256: String,
    uploaded_by: i64,
    created_at: i64,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Attachment {
        Attachment {
            id: r.id,
            proposal_id: r.proposal_id,
            name: r.name,
            media_type: r.media_type,
            size: r.size,
            sha256: r.sha256,
            uploaded_by: r.uploaded_by,
            created_at: r.created_at,
        }
    }
}

/// An attachment with its bytes.
#[derive(sqlx::FromRow)]
pub(crate) struct AttachmentContentRow {
    #[sqlx(flatten)]
    pub(crate) attachment: AttachmentRow,
    pub(crate) content: Vec<u8>,
}

#[derive(sqlx::FromRow)]
pub(crate) struct ConsentRow {
    id: String,
    performer: String,
    grantor: String,
    granted_by: String,
    representative_id: Option<i64>,
    production_id: Option<i64>,
    uses: String,
    media: Option<String>,
    purpose: String,
    state: String,
    granted_on: Option<String>,
    expires_on: Option<String>,
    evidence_sha256: Option<String>,
    revoked_at: Option<i64>,
    revoked_reason: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<ConsentRow> for ConsentRecord {
    type Error = StoreError;
    fn try_from(r: ConsentRow) -> Result<ConsentRecord> {
        Ok(ConsentRecord {
            id: r.id,
            performer: r.performer,
            grantor: parse(&r.grantor, "grantor", grantor_from_name)?,
            granted_by: r.granted_by,
            representative_id: r.representative_id,
            production_id: r.production_id,
            uses: from_json(&r.uses)?,
            media: r.media,
            purpose: r.purpose,
            state: r.state,
            granted_on: r.granted_on,
            expires_on: r.expires_on,
            evidence_sha256: r.evidence_sha256,
            revoked_at: r.revoked_at,
            revoked_reason: r.revoked_reason,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct ToolRow {
    id: String,
    name: String,
    vendor: Option<String>,
    environment: String,
    trains_on_inputs: String,
    retention: Option<String>,
    terms_reviewed_on: Option<String>,
    created_at: i64,
    updated_at: i64,
    revision: i64,
}

impl From<ToolRow> for ToolRecord {
    fn from(r: ToolRow) -> ToolRecord {
        ToolRecord {
            id: r.id,
            name: r.name,
            vendor: r.vendor,
            environment: r.environment,
            trains_on_inputs: r.trains_on_inputs,
            retention: r.retention,
            terms_reviewed_on: r.terms_reviewed_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
            revision: r.revision,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct RulebookRow {
    id: String,
    version: String,
    digest: String,
    source: String,
    active: bool,
    created_at: i64,
}

impl From<RulebookRow> for StoredRulebook {
    fn from(r: RulebookRow) -> StoredRulebook {
        StoredRulebook {
            id: r.id,
            version: r.version,
            digest: r.digest,
            source: r.source,
            active: r.active,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct WebhookRow {
    id: i64,
    url: String,
    production_id: Option<i64>,
    active: bool,
    created_at: i64,
}

impl From<WebhookRow> for Webhook {
    fn from(r: WebhookRow) -> Webhook {
        Webhook {
            id: r.id,
            url: r.url,
            production_id: r.production_id,
            active: r.active,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct NotificationRow {
    id: i64,
    event: String,
    production_id: Option<i64>,
    proposal_id: Option<i64>,
    recipients: String,
    payload: String,
    created_at: i64,
}

impl TryFrom<NotificationRow> for Notification {
    type Error = StoreError;
    fn try_from(r: NotificationRow) -> Result<Notification> {
        Ok(Notification {
            id: r.id,
            event: r.event,
            production_id: r.production_id,
            proposal_id: r.proposal_id,
            recipients: from_json(&r.recipients)?,
            payload: r.payload,
            created_at: r.created_at,
        })
    }
}

/// A due delivery with its notification and webhook, as one joined row (`d_`, `n_` and `w_`
/// prefixes keep the columns apart).
#[derive(sqlx::FromRow)]
pub(crate) struct DueDeliveryRow {
    pub(crate) d_id: i64,
    pub(crate) d_attempts: i64,
    pub(crate) d_next_attempt_at: Option<i64>,
    pub(crate) d_delivered_at: Option<i64>,
    pub(crate) d_last_error: Option<String>,
    pub(crate) w_id: i64,
    pub(crate) w_url: String,
    pub(crate) w_secret: String,
    #[sqlx(flatten)]
    pub(crate) notification: NotificationRow,
}

impl DueDeliveryRow {
    /// The delivery.
    pub(crate) fn delivery(&self) -> Delivery {
        Delivery {
            id: self.d_id,
            notification_id: self.notification.id,
            webhook_id: self.w_id,
            attempts: self.d_attempts,
            next_attempt_at: self.d_next_attempt_at,
            delivered_at: self.d_delivered_at,
            last_error: self.d_last_error.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct AuditRow {
    idx: i64,
    created_at: i64,
    actor_id: Option<i64>,
    action: String,
    subject: String,
    body: String,
    leaf_hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            index: r.idx,
            at: r.created_at,
            actor_id: r.actor_id,
            action: r.action,
            subject: r.subject,
            body: r.body,
            leaf_hash: r.leaf_hash,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CheckpointRow {
    origin: String,
    size: i64,
    root: String,
    timestamp_ms: i64,
    key_id: String,
    signature: Vec<u8>,
}

impl TryFrom<CheckpointRow> for clearance_audit::SignedCheckpoint {
    type Error = StoreError;
    fn try_from(r: CheckpointRow) -> Result<Self> {
        Ok(clearance_audit::SignedCheckpoint {
            checkpoint: clearance_audit::Checkpoint {
                origin: r.origin,
                size: u64::try_from(r.size).map_err(|_| {
                    StoreError::Corrupt(format!("negative checkpoint size {}", r.size))
                })?,
                root: clearance_audit::from_hex(&r.root)
                    .map_err(|e| StoreError::Corrupt(format!("checkpoint root: {e}")))?,
                timestamp_ms: r.timestamp_ms,
            },
            key_id: r.key_id,
            signature: r.signature,
        })
    }
}
