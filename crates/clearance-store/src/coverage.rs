//! Which proposals of a production cover generated material in its final deliverables
//! ([`Store::coverage_candidates`]): what a deliverables scan holds its AI assets against.

use serde::Deserialize;

use crate::approval::{Standing, date_of, standing};
use crate::model::{CoverageCandidate, Millis, Proposal, Review, RulebookRef, Status};
use crate::rows::{ProposalRow, ReviewRow, cols, from_json};
use crate::{Result, Store};

/// A proposal with what coverage needs of its current version.
#[derive(sqlx::FromRow)]
struct CandidateRow {
    #[sqlx(flatten)]
    proposal: ProposalRow,
    content_hash: String,
    intake: String,
    e_rulebooks: Option<String>,
}

/// The two intake answers coverage reads (the stored intake is the canonical JSON of the typed
/// intake; anything else in it is ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct IntakeFacts {
    element: Option<String>,
    output: OutputFacts,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OutputFacts {
    #[serde(rename = "final")]
    final_deliverable: Option<String>,
}

/// A status in the words of a coverage reason.
fn status_words(status: Status) -> &'static str {
    match status {
        Status::Draft => "a draft",
        Status::Submitted => "submitted",
        Status::Acknowledged => "acknowledged",
        Status::InReview => "in review",
        Status::Approved => "approved",
        Status::ChangesRequested => "changes requested",
        Status::Refused => "refused",
        Status::Withdrawn => "withdrawn",
        Status::Expired => "expired",
    }
}

/// Whether a proposal covers generated material in the deliverables, and why not.
fn candidate(
    proposal: &Proposal,
    facts: IntakeFacts,
    content_hash: &str,
    rulebooks: Option<&[RulebookRef]>,
    reviews: &[Review],
    now: Millis,
) -> CoverageCandidate {
    let final_output = facts.output.final_deliverable.unwrap_or_default();
    let judgement = standing(proposal, content_hash, rulebooks, reviews, now);
    let reason = match judgement.standing {
        Standing::Covered if final_output == "yes" => None,
        Standing::Covered if final_output.is_empty() => {
            Some("approved, but output.final is not answered".to_owned())
        }
        Standing::Covered => Some(format!("approved, but output.final is {final_output}")),
        Standing::NeverApproved if proposal.status == Status::Approved => {
            Some("approved, but no approved version is recorded".to_owned())
        }
        Standing::NeverApproved => Some(format!("{}, not approved", status_words(proposal.status))),
        Standing::NoWrittenApproval { approved_version } => Some(format!(
            "no written approval of version {approved_version} was found"
        )),
        Standing::OtherContent {
            approved_version,
            current_version,
            ..
        } => Some(format!(
            "approved version {approved_version}; the current version is {current_version} ({})",
            status_words(proposal.status)
        )),
        Standing::OtherRulebooks => {
            Some("approved under other rulebooks: it needs approving again".to_owned())
        }
        Standing::NeedsReapproval => {
            Some("approved, but the tier rose since: it needs approving again".to_owned())
        }
        Standing::NotApproved {
            status: Status::Expired,
        } => Some(match proposal.approval_expires_at {
            Some(at) => format!("approval expired on {}", date_of(at)),
            None => "approval expired".to_owned(),
        }),
        Standing::NotApproved { status } => Some(format!("{}, not approved", status_words(status))),
        Standing::Expired { at } => Some(format!("approval expired on {}", date_of(at))),
    };
    CoverageCandidate {
        id: proposal.id,
        title: proposal.title.clone(),
        element: facts.element.unwrap_or_default(),
        status: proposal.status.as_str().to_owned(),
        final_output,
        covers: reason.is_none(),
        reason,
    }
}

impl Store {
    /// Every proposal of a production (drafts and withdrawn ones too), by id, with whether it
    /// covers generated material in the final deliverables as of `now`: approved, that approval
    /// covering the current version exactly (see [`crate::approval::standing`]), not expired,
    /// and the current intake's `output.final` is `yes`. Two statements on one connection.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] if the database fails; [`StoreError::Corrupt`] for bad data.
    pub async fn coverage_candidates(
        &self,
        production_id: i64,
        now: Millis,
    ) -> Result<Vec<CoverageCandidate>> {
        let mut conn = self.pools.read().await?;
        let rows: Vec<CandidateRow> = conn
            .conn()
            .sql(
                "SELECT p.id, p.production_id, p.title, p.vendor, p.status, p.current_version, p.tier, \
                 p.approved_version, p.approval_expires_at, p.needs_reapproval, p.created_by, p.created_at, \
                 p.updated_at, p.revision, v.content_hash, v.intake, e.rulebooks AS e_rulebooks \
                 FROM proposals p \
                 JOIN versions v ON v.proposal_id = p.id AND v.number = p.current_version \
                 LEFT JOIN evaluations e ON e.id = \
                 (SELECT MAX(x.id) FROM evaluations x WHERE x.proposal_id = v.proposal_id AND x.version = v.number) \
                 WHERE p.production_id = $1 ORDER BY p.id",
            )
            .bind(production_id)
            .fetch_all()
            .await?;
        // Only approvals can cover; every approval of the production's proposals, by proposal.
        let approvals: Vec<ReviewRow> = conn
            .conn()
            .sql(concat!(
                "SELECT ",
                cols!(review),
                " FROM reviews WHERE decision = 'approve' \
                 AND proposal_id IN (SELECT id FROM proposals WHERE production_id = $1) \
                 ORDER BY proposal_id, id"
            ))
            .bind(production_id)
            .fetch_all()
            .await?;
        let approvals: Vec<Review> = approvals
            .into_iter()
            .map(Review::try_from)
            .collect::<Result<_>>()?;
        rows.into_iter()
            .map(|row| {
                let proposal = Proposal::try_from(row.proposal)?;
                let rulebooks: Option<Vec<RulebookRef>> =
                    row.e_rulebooks.as_deref().map(from_json).transpose()?;
                let facts: IntakeFacts = from_json(&row.intake)?;
                let start = approvals.partition_point(|r| r.proposal_id < proposal.id);
                let end = approvals.partition_point(|r| r.proposal_id <= proposal.id);
                Ok(candidate(
                    &proposal,
                    facts,
                    &row.content_hash,
                    rulebooks.as_deref(),
                    approvals.get(start..end).unwrap_or_default(),
                    now,
                ))
            })
            .collect()
    }
}
