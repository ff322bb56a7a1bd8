//! The records the service keeps. These types are what the store returns and what the JSON API
//! serialises (they derive `ToSchema` for the OpenAPI document), so a field added here is part of
//! the API. Times are milliseconds since the Unix epoch (`Millis`); dates chosen by people (a
//! consent's grant and expiry) are ISO `YYYY-MM-DD` strings.

use clearance_domain::tier::Tier;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// What a person may do across the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages people, tokens, productions, tools, webhooks and rulebooks.
    Admin,
    /// Studio side: reviews the proposals of the productions they are assigned to.
    Reviewer,
    /// Production or vendor side: declares uses for the productions they are a member of.
    Partner,
    /// A performer's representative: sees and manages only the consents of the performers they represent.
    Representative,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Reviewer,
        Role::Partner,
        Role::Representative,
    ];

    /// The identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Partner => "partner",
            Role::Representative => "representative",
        }
    }

    /// Parses an identifier such as `reviewer`.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

/// A person who uses the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Person {
    /// Identifier.
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Email address (unique).
    pub email: String,
    /// Role.
    pub role: Role,
    /// Company, studio, agency or vendor the person works for.
    pub organisation: Option<String>,
    /// When the person was added.
    pub created_at: Millis,
}

/// A new person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewPerson {
    /// Display name.
    pub name: String,
    /// Email address (unique).
    pub email: String,
    /// Role.
    pub role: Role,
    /// Company, studio, agency or vendor.
    #[serde(default)]
    pub organisation: Option<String>,
}

/// An API token's public description. The secret itself is shown once at creation and stored
/// only as its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TokenInfo {
    /// Identifier.
    pub id: i64,
    /// Whose token it is.
    pub person_id: i64,
    /// What it is for ("CI uploader", "laptop").
    pub label: String,
    /// When it was created.
    pub created_at: Millis,
    /// When it was last used to authenticate, if ever.
    pub last_used_at: Option<Millis>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Millis>,
}

/// How a person takes part in a production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capacity {
    /// A studio contact who reviews the production's proposals.
    Reviewer,
    /// A member of the production or one of its vendors who declares uses.
    Partner,
}

impl Capacity {
    /// The identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Capacity::Reviewer => "reviewer",
            Capacity::Partner => "partner",
        }
    }

    /// Parses an identifier.
    pub fn from_name(name: &str) -> Option<Capacity> {
        [Capacity::Reviewer, Capacity::Partner]
            .into_iter()
            .find(|c| c.as_str() == name)
    }
}

/// A production (a film, a series, a season).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Production {
    /// Identifier.
    pub id: i64,
    /// Title.
    pub title: String,
    /// The studio it is made for.
    pub studio: String,
    /// The rulebooks that apply, by rulebook id (for example `netflix-genai-2025`).
    pub rulebooks: Vec<String>,
    /// When it was created.
    pub created_at: Millis,
}

/// A new production.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewProduction {
    /// Title.
    pub title: String,
    /// Studio.
    pub studio: String,
    /// Rulebook ids.
    pub rulebooks: Vec<String>,
}

/// A person's membership of a production.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    /// The production.
    pub production_id: i64,
    /// The person.
    pub person: Person,
    /// In what capacity.
    pub capacity: Capacity,
}

/// Where a proposal is in the review process. See `clearance-server`'s workflow for the legal
/// transitions.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; not yet shared.
    Draft,
    /// Submitted; being routed.
    Submitted,
    /// Tier `notify`: the contact has been informed, nothing to approve.
    Acknowledged,
    /// Waiting for a reviewer's written decision.
    InReview,
    /// Approved in writing (possibly with conditions and an expiry).
    Approved,
    /// The reviewer asked for changes; a new version goes back to review.
    ChangesRequested,
    /// Refused in writing.
    Refused,
    /// Withdrawn by the production.
    Withdrawn,
    /// The approval's expiry has passed.
    Expired,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 9] = [
        Status::Draft,
        Status::Submitted,
        Status::Acknowledged,
        Status::InReview,
        Status::Approved,
        Status::ChangesRequested,
        Status::Refused,
        Status::Withdrawn,
        Status::Expired,
    ];

    /// The identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Acknowledged => "acknowledged",
            Status::InReview => "in_review",
            Status::Approved => "approved",
            Status::ChangesRequested => "changes_requested",
            Status::Refused => "refused",
            Status::Withdrawn => "withdrawn",
            Status::Expired => "expired",
        }
    }

    /// Parses an identifier such as `in_review`.
    pub fn from_name(name: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// A rulebook an evaluation was made under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RulebookRef {
    /// Rulebook id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// SHA-256 of its canonical form.
    pub digest: String,
}

/// An evaluation as stored with the version it judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredEvaluation {
    /// The overall tier.
    #[schema(value_type = String, example = "approval")]
    pub tier: Tier,
    /// The full result object of the evaluation spec, as JSON text.
    pub result: String,
    /// The rulebooks (and digests) it was made under.
    pub rulebooks: Vec<RulebookRef>,
    /// The consent records and tools the evaluation used, as JSON text
    /// (`{"consents": {id: status}, "tools": {id: terms}}`).
    pub records: String,
    /// When it was made.
    pub evaluated_at: Millis,
}

/// The current state of a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Proposal {
    /// Identifier.
    pub id: i64,
    /// The production it belongs to.
    pub production_id: i64,
    /// Title (from the current version's intake).
    pub title: String,
    /// Vendor named by the current version, if any.
    pub vendor: Option<String>,
    /// Status.
    pub status: Status,
    /// The current version's number (1, 2, …).
    pub current_version: i64,
    /// The current version's tier, once evaluated.
    #[schema(value_type = Option<String>, example = "approval")]
    pub tier: Option<Tier>,
    /// The version the standing approval covers, if any.
    pub approved_version: Option<i64>,
    /// When the standing approval expires, if it does.
    pub approval_expires_at: Option<Millis>,
    /// An approved proposal whose tier rose after approval (a consent revoked, tool terms
    /// changed, a new rulebook version): it needs approving again.
    pub needs_reapproval: bool,
    /// Who created it.
    pub created_by: i64,
    /// When it was created.
    pub created_at: Millis,
    /// When it last changed.
    pub updated_at: Millis,
    /// Optimistic-concurrency counter: every change increments it; writers send the value they read.
    pub revision: i64,
}

/// One version of a proposal's intake, exactly as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProposalVersion {
    /// The proposal.
    pub proposal_id: i64,
    /// Version number, from 1.
    pub number: i64,
    /// The intake text exactly as the person sent it (YAML or JSON).
    pub source: String,
    /// `yaml` or `json`.
    pub format: String,
    /// SHA-256 (hex) of `source`: what an approval is bound to.
    pub content_hash: String,
    /// The intake as canonical JSON (the parsed, typed intake serialised), for search and cloning.
    pub intake: String,
    /// Tool names and tool ids the intake mentions (for search and re-evaluation).
    pub tools: Vec<String>,
    /// Consent record ids the intake references.
    pub consent_ids: Vec<String>,
    /// Who wrote this version.
    pub author_id: i64,
    /// When.
    pub created_at: Millis,
    /// Its evaluation (absent for a draft that was never evaluated).
    pub evaluation: Option<StoredEvaluation>,
}

/// A new version of a proposal (the first one creates it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    /// Title.
    pub title: String,
    /// Vendor named by the intake.
    pub vendor: Option<String>,
    /// Intake text as sent.
    pub source: String,
    /// `yaml` or `json`.
    pub format: String,
    /// SHA-256 (hex) of `source`.
    pub content_hash: String,
    /// Canonical JSON of the intake.
    pub intake: String,
    /// Tool names and ids mentioned.
    pub tools: Vec<String>,
    /// Consent record ids referenced.
    pub consent_ids: Vec<String>,
    /// Evaluation (None for a draft).
    pub evaluation: Option<StoredEvaluation>,
}

/// A reviewer's written decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Approved (possibly with conditions and an expiry).
    Approve,
    /// Changes requested.
    RequestChanges,
    /// Refused.
    Refuse,
}

impl Decision {
    /// The identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::RequestChanges => "request_changes",
            Decision::Refuse => "refuse",
        }
    }

    /// Parses an identifier.
    pub fn from_name(name: &str) -> Option<Decision> {
        [
            Decision::Approve,
            Decision::RequestChanges,
            Decision::Refuse,
        ]
        .into_iter()
        .find(|d| d.as_str() == name)
    }
}

/// The written decision on one exact proposal version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Review {
    /// Identifier.
    pub id: i64,
    /// The proposal.
    pub proposal_id: i64,
    /// The version decided on.
    pub version: i64,
    /// That version's content hash: the decision covers these exact bytes.
    pub content_hash: String,
    /// The rulebooks (and digests) of the evaluation the reviewer saw.
    pub rulebooks: Vec<RulebookRef>,
    /// The tier of that evaluation.
    #[schema(value_type = String, example = "approval")]
    pub tier: Tier,
    /// Who decided.
    pub reviewer_id: i64,
    /// The decision.
    pub decision: Decision,
    /// The written note (required).
    pub note: String,
    /// Conditions attached to an approval.
    pub conditions: Vec<String>,
    /// What the approval covers, in words (for example "episodes 1–3, background only").
    pub scope: Option<String>,
    /// When an approval expires.
    pub expires_at: Option<Millis>,
    /// When it was decided.
    pub created_at: Millis,
    /// The audit entry that records it.
    pub audit_index: i64,
}

/// A comment on a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Comment {
    /// Identifier.
    pub id: i64,
    /// The proposal.
    pub proposal_id: i64,
    /// Who wrote it.
    pub author_id: i64,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: Millis,
}

/// An attachment's description (the bytes are fetched separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    /// Identifier.
    pub id: i64,
    /// The proposal.
    pub proposal_id: i64,
    /// File name as uploaded.
    pub name: String,
    /// Media type as uploaded.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 (hex) of the bytes.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: i64,
    /// When.
    pub created_at: Millis,
}

/// Who granted a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grantor {
    /// The performer themself.
    Performer,
    /// The estate of a deceased performer.
    Estate,
}

/// A performer's consent record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConsentRecord {
    /// The id an intake references with `consent_id` (for example `CR-2025-0042`).
    pub id: String,
    /// The performer.
    pub performer: String,
    /// Whether the performer or their estate granted it.
    pub grantor: Grantor,
    /// Name of the person or estate who signed.
    pub granted_by: String,
    /// The representative who manages it, if any.
    pub representative_id: Option<i64>,
    /// The production it is limited to (None: any production).
    pub production_id: Option<i64>,
    /// The talent uses it covers, as intake `talent.uses` names (`voice_replica`,
    /// `digital_replica`, …); empty means every use.
    pub uses: Vec<String>,
    /// The media it covers, in words ("episodic streaming, trailers").
    pub media: Option<String>,
    /// The purpose, in words.
    pub purpose: String,
    /// `signed` or `requested` (asked for, not yet signed).
    pub state: String,
    /// Grant date `YYYY-MM-DD`.
    pub granted_on: Option<String>,
    /// Expiry date `YYYY-MM-DD` (None: no expiry).
    pub expires_on: Option<String>,
    /// SHA-256 (hex) of the signed document.
    pub evidence_sha256: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<Millis>,
    /// Why.
    pub revoked_reason: Option<String>,
    /// When it was recorded.
    pub created_at: Millis,
    /// When it last changed.
    pub updated_at: Millis,
}

/// A registered GenAI tool or vendor pipeline and its data terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ToolRecord {
    /// The id an intake references with `tool_id`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Vendor.
    pub vendor: Option<String>,
    /// Intake `tools[].environment` value: `studio_enterprise`, `enterprise_no_training`, `consumer` or `unknown`.
    pub environment: String,
    /// Intake answer: `yes`, `no` or `unsure`.
    pub trains_on_inputs: String,
    /// Retention of inputs and outputs, in words.
    pub retention: Option<String>,
    /// When the terms were last reviewed (`YYYY-MM-DD`).
    pub terms_reviewed_on: Option<String>,
    /// When it was registered.
    pub created_at: Millis,
    /// When it last changed.
    pub updated_at: Millis,
    /// Optimistic-concurrency counter.
    pub revision: i64,
}

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Webhook {
    /// Identifier.
    pub id: i64,
    /// Where events are POSTed.
    pub url: String,
    /// Only this production's events (None: all).
    pub production_id: Option<i64>,
    /// Whether it is active.
    pub active: bool,
    /// When it was created.
    pub created_at: Millis,
}

/// One notification in the outbox: an event and the people it informs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Notification {
    /// Identifier.
    pub id: i64,
    /// Event name (`proposal.submitted`, `review.decided`, `proposal.needs_reapproval`, …).
    pub event: String,
    /// The production.
    pub production_id: Option<i64>,
    /// The proposal.
    pub proposal_id: Option<i64>,
    /// The people informed.
    pub recipients: Vec<i64>,
    /// Event payload as JSON text.
    pub payload: String,
    /// When.
    pub created_at: Millis,
}

/// A notification to write in the same transaction as the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// Event name.
    pub event: String,
    /// The production.
    pub production_id: Option<i64>,
    /// The proposal.
    pub proposal_id: Option<i64>,
    /// The people informed.
    pub recipients: Vec<i64>,
    /// Payload JSON text.
    pub payload: String,
}

/// One attempt-tracked delivery of a notification to a webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// Identifier.
    pub id: i64,
    /// The notification.
    pub notification_id: i64,
    /// The webhook.
    pub webhook_id: i64,
    /// Attempts made.
    pub attempts: i64,
    /// When the next attempt is due (None once delivered).
    pub next_attempt_at: Option<Millis>,
    /// When it was delivered.
    pub delivered_at: Option<Millis>,
    /// The last failure.
    pub last_error: Option<String>,
}

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the log, from 0: the leaf index in the Merkle tree.
    pub index: i64,
    /// When.
    pub at: Millis,
    /// Who (None: the service itself, e.g. an expiry).
    pub actor_id: Option<i64>,
    /// What happened (`proposal.submitted`, `review.approve`, `consent.revoked`, …).
    pub action: String,
    /// What it happened to (`proposal/12`, `consent/CR-7`, `person/3`, …).
    pub subject: String,
    /// The change, as JSON text exactly as hashed.
    pub body: String,
    /// The leaf hash (hex) stored with the entry.
    pub leaf_hash: String,
}

impl AuditEntry {
    /// The bytes whose RFC 6962 leaf hash is the entry's leaf: canonical JSON of every field but
    /// the hash, in this fixed order. The index is inside, so reordering entries breaks the tree.
    pub fn leaf_bytes(&self) -> Vec<u8> {
        leaf_bytes(
            self.index,
            self.at,
            self.actor_id,
            &self.action,
            &self.subject,
            &self.body,
        )
    }
}

/// See [`AuditEntry::leaf_bytes`].
pub fn leaf_bytes(
    index: i64,
    at: Millis,
    actor_id: Option<i64>,
    action: &str,
    subject: &str,
    body: &str,
) -> Vec<u8> {
    // A tuple serialises as the JSON array `[index, at, actor_id, action, subject, body]`, byte
    // for byte what `json!([…]).to_string()` gives, without copying the body into a `Value`
    // first. Writing to a `Vec` cannot fail; the `json!` form is kept as the fallback anyway.
    serde_json::to_vec(&(index, at, actor_id, action, subject, body)).unwrap_or_else(|_| {
        serde_json::json!([index, at, actor_id, action, subject, body])
            .to_string()
            .into_bytes()
    })
}

#[cfg(test)]
mod tests {
    use super::leaf_bytes;

    #[test]
    fn leaf_bytes_are_the_json_array() {
        for (actor, body) in [
            (
                Some(3),
                r#"{"a":"quote \" backslash \\ tab \t","é":"\u0001 ☃"}"#,
            ),
            (None, "plain\n\u{7f} \u{2028} </script>"),
        ] {
            let expected =
                serde_json::json!([7, -1, actor, "proposal.submitted", "proposal/1", body])
                    .to_string()
                    .into_bytes();
            assert_eq!(
                leaf_bytes(7, -1, actor, "proposal.submitted", "proposal/1", body),
                expected
            );
        }
    }
}

/// A new consent record, or the replacement of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewConsent {
    /// The id intakes will reference; chosen by the person recording it.
    pub id: String,
    /// The performer.
    pub performer: String,
    /// Performer or estate.
    pub grantor: Grantor,
    /// Who signed.
    pub granted_by: String,
    /// The representative who manages it.
    #[serde(default)]
    pub representative_id: Option<i64>,
    /// The production it is limited to.
    #[serde(default)]
    pub production_id: Option<i64>,
    /// Talent uses covered (intake `talent.uses` names); empty = every use.
    #[serde(default)]
    pub uses: Vec<String>,
    /// Media covered, in words.
    #[serde(default)]
    pub media: Option<String>,
    /// Purpose, in words.
    pub purpose: String,
    /// `signed` or `requested`.
    pub state: String,
    /// Grant date `YYYY-MM-DD`.
    #[serde(default)]
    pub granted_on: Option<String>,
    /// Expiry date `YYYY-MM-DD`.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// SHA-256 (hex) of the signed document.
    #[serde(default)]
    pub evidence_sha256: Option<String>,
}

/// A new tool, or the new terms of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NewTool {
    /// The id intakes will reference.
    pub id: String,
    /// Name.
    pub name: String,
    /// Vendor.
    #[serde(default)]
    pub vendor: Option<String>,
    /// `studio_enterprise`, `enterprise_no_training`, `consumer` or `unknown` (the intake's vocabulary).
    pub environment: String,
    /// `yes`, `no` or `unsure`.
    pub trains_on_inputs: String,
    /// Retention, in words.
    #[serde(default)]
    pub retention: Option<String>,
    /// When the terms were reviewed (`YYYY-MM-DD`).
    #[serde(default)]
    pub terms_reviewed_on: Option<String>,
}

/// A rulebook version stored in the service (the embedded reference is stored on first start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StoredRulebook {
    /// Rulebook id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Digest of the canonical form.
    pub digest: String,
    /// The rulebook file's text.
    pub source: String,
    /// Whether this is the version in force for its id (one per id).
    pub active: bool,
    /// When it was added.
    pub created_at: Millis,
}

/// A delivery that is due, with what to send and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The delivery.
    pub delivery: Delivery,
    /// The notification to send.
    pub notification: Notification,
    /// The webhook's URL.
    pub url: String,
    /// The webhook's signing secret.
    pub secret: String,
}

/// A live browser session (see the web pages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Identifier (named in the audit log).
    pub id: i64,
    /// Who is signed in.
    pub person: Person,
    /// The token every form of this session must send back.
    pub csrf: String,
    /// When it started.
    pub created_at: Millis,
    /// When it ends at the latest.
    pub expires_at: Millis,
}

/// Whether one proposal of a production covers generated material in its deliverables: what a
/// deliverables scan holds its AI assets against (`GET /api/productions/{id}/coverage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub struct CoverageCandidate {
    /// The proposal's id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The current version's intake `element` (`poster`, `vfx_shot`, …; empty when left out).
    pub element: String,
    /// The proposal's status, as the API names it (`in_review`, `approved`, …).
    pub status: String,
    /// The current version's intake `output.final`: `yes`, `no`, `unsure`, or empty when left
    /// out.
    pub final_output: String,
    /// Whether it covers generated material in the deliverables: approved, that approval is of
    /// the current version (same bytes, same rulebooks, no rise of tier since), not expired, and
    /// `output.final` is `yes`.
    pub covers: bool,
    /// Why it does not cover, in words (None when it covers): "in review, not approved",
    /// "approved, but output.final is no", "approval expired on 2026-11-28",
    /// "approved version 1; the current version is 2 (in review)", …
    pub reason: Option<String>,
}

/// A file's provenance verdict in a deliverables scan report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssetVerdict {
    /// Generated by AI (a C2PA or XMP digital source type such as `trainedAlgorithmicMedia`,
    /// or an AI cue sheet line).
    AiGenerated,
    /// A composite that includes AI-generated material.
    AiComposite,
    /// No sign of generative AI was found.
    NoAiSignal,
    /// The file could not be read (its `reason` says why).
    Unreadable,
}

impl AssetVerdict {
    /// Every verdict.
    pub const ALL: [AssetVerdict; 4] = [
        AssetVerdict::AiGenerated,
        AssetVerdict::AiComposite,
        AssetVerdict::NoAiSignal,
        AssetVerdict::Unreadable,
    ];

    /// The identifier used in scan reports and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AssetVerdict::AiGenerated => "ai_generated",
            AssetVerdict::AiComposite => "ai_composite",
            AssetVerdict::NoAiSignal => "no_ai_signal",
            AssetVerdict::Unreadable => "unreadable",
        }
    }

    /// Parses an identifier such as `ai_generated`.
    pub fn from_name(name: &str) -> Option<AssetVerdict> {
        AssetVerdict::ALL.into_iter().find(|v| v.as_str() == name)
    }

    /// Whether the file is an AI asset (generated or composite): one that must be covered.
    pub fn is_ai(self) -> bool {
        matches!(self, AssetVerdict::AiGenerated | AssetVerdict::AiComposite)
    }
}

/// Whether a scan found an AI asset covered by an approved proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    /// An approved proposal of the production covers it.
    Covered,
    /// No proposal covers it.
    NotCovered,
}

impl CoverageStatus {
    /// The identifier used in scan reports and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Covered => "covered",
            CoverageStatus::NotCovered => "not_covered",
        }
    }

    /// Parses an identifier.
    pub fn from_name(name: &str) -> Option<CoverageStatus> {
        [CoverageStatus::Covered, CoverageStatus::NotCovered]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// The eight counts of a scan report's `summary`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScanSummary {
    /// Files scanned.
    pub files: i64,
    /// Their total size in bytes.
    pub bytes: i64,
    /// Files with the verdict `ai_generated`.
    pub ai_generated: i64,
    /// Files with the verdict `ai_composite`.
    pub ai_composite: i64,
    /// Files with the verdict `no_ai_signal`.
    pub no_ai_signal: i64,
    /// Files that could not be read.
    pub unreadable: i64,
    /// Files an approved proposal covers.
    pub covered: i64,
    /// Files found not covered.
    pub not_covered: i64,
}

impl ScanSummary {
    /// AI assets: generated and composite files.
    pub fn ai_assets(&self) -> i64 {
        self.ai_generated + self.ai_composite
    }
}

/// A deliverables scan report uploaded for a production (`clearance scan --server`), without
/// the report itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryScan {
    /// Identifier.
    pub id: i64,
    /// The production.
    pub production_id: i64,
    /// Who uploaded it.
    pub uploaded_by: i64,
    /// Their name.
    pub uploaded_by_name: String,
    /// When it was uploaded.
    pub created_at: Millis,
    /// SHA-256 (hex) of the report exactly as uploaded.
    pub sha256: String,
    /// The report's size in bytes.
    pub size: i64,
    /// The scan's exit code: 0 every AI asset covered (and every file read), 1 some not
    /// covered, 2 some files unreadable.
    pub exit_code: i64,
    /// The report's counts.
    pub summary: ScanSummary,
}

/// One file of an uploaded scan report, as the service reads it (the report keeps the rest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryFile {
    /// Position in the report's `files` list, from 0.
    pub position: i64,
    /// The path as the scan reported it.
    pub path: String,
    /// The verdict.
    pub verdict: AssetVerdict,
    /// Why the file could not be read (unreadable files).
    pub reason: Option<String>,
    /// Whether it was found covered (absent when coverage was not judged).
    pub coverage: Option<CoverageStatus>,
    /// The proposal the scan matched it to, if any.
    pub proposal_id: Option<i64>,
    /// The scan's reason for the coverage outcome.
    pub coverage_reason: Option<String>,
}

impl DeliveryFile {
    /// An AI asset that was not found covered (not covered, or coverage not judged).
    pub fn uncovered_ai(&self) -> bool {
        self.verdict.is_ai() && self.coverage != Some(CoverageStatus::Covered)
    }
}

/// A scan report to store with [`Store::add_delivery_scan`](crate::Store::add_delivery_scan).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDeliveryScan {
    /// The production.
    pub production_id: i64,
    /// Who uploads it.
    pub uploaded_by: i64,
    /// The report exactly as uploaded.
    pub report: String,
    /// SHA-256 (hex) of `report`.
    pub sha256: String,
    /// The report's `exit_code`.
    pub exit_code: i64,
    /// The report's `summary`.
    pub summary: ScanSummary,
    /// Its files, in the report's order (`position` 0, 1, …).
    pub files: Vec<DeliveryFile>,
}
