//! Reading everything the proposal page shows, with as few round trips as possible: the
//! permission check first (the API's own `visible`), then every list at once.

use std::collections::HashMap;

use clearance_store::model::{
    Attachment, AuditEntry, Comment, Production, Proposal, ProposalVersion, Review,
};

use crate::auth::{Access, Caller};
use crate::error::ApiError;
use crate::routes::proposals::read::{ApprovalStatus, approval_status};
use crate::routes::proposals::visible;
use crate::state::Shared;
use crate::web::layout::PageError;

/// At most this many audit entries are shown on a proposal's page (its trail is rarely longer;
/// the whole log is at `/api/audit/entries`).
pub(crate) const TRAIL_LIMIT: i64 = 500;

/// Everything the proposal page shows.
pub(crate) struct Loaded {
    /// The proposal.
    pub proposal: Proposal,
    /// How the viewer may act on it.
    pub access: Access,
    /// Its production.
    pub production: Production,
    /// Every version, oldest first.
    pub versions: Vec<ProposalVersion>,
    /// Every written decision, oldest first.
    pub reviews: Vec<Review>,
    /// The comments, oldest first.
    pub comments: Vec<Comment>,
    /// The attachments, oldest first.
    pub attachments: Vec<Attachment>,
    /// Whether the standing approval covers the current version.
    pub approval: ApprovalStatus,
    /// The audit entries about this proposal, in log order.
    pub audit: Vec<AuditEntry>,
    /// People's names by id (everyone the page mentions).
    pub names: HashMap<i64, String>,
}

impl Loaded {
    /// The current version.
    pub fn current(&self) -> Option<&ProposalVersion> {
        self.versions
            .iter()
            .find(|version| version.number == self.proposal.current_version)
    }

    /// A person's name (or their number when unknown).
    pub fn name(&self, id: i64) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("person {id}"))
    }
}

/// Loads the page of proposal `id` for `caller` (404 when they may not see it, as the API).
pub(crate) async fn load(state: &Shared, caller: &Caller, id: i64) -> Result<Loaded, PageError> {
    let (proposal, access) = visible(state, caller, id).await?;
    let store = &state.store;
    let subject = format!("proposal/{id}");
    let (production, members, versions, reviews, comments, attachments, audit) = tokio::try_join!(
        store.production(proposal.production_id),
        store.members(proposal.production_id),
        store.versions(id),
        store.reviews(id),
        store.comments(id),
        store.attachments(id),
        store.audit_entries_about(&subject, TRAIL_LIMIT),
    )?;
    let production = production
        .ok_or_else(|| ApiError::not_found(format!("production {}", proposal.production_id)))?;
    let current = versions
        .iter()
        .find(|version| version.number == proposal.current_version)
        .ok_or_else(|| ApiError::not_found(format!("proposal {id}")))?;
    let approval = approval_status(&proposal, current, &reviews, state.now());

    let mut names: HashMap<i64, String> = members
        .into_iter()
        .map(|member| (member.person.id, member.person.name))
        .collect();
    names.insert(caller.person.id, caller.person.name.clone());
    let mut wanted: Vec<i64> = std::iter::once(proposal.created_by)
        .chain(versions.iter().map(|version| version.author_id))
        .chain(reviews.iter().map(|review| review.reviewer_id))
        .chain(comments.iter().map(|comment| comment.author_id))
        .chain(attachments.iter().map(|attachment| attachment.uploaded_by))
        .chain(audit.iter().filter_map(|entry| entry.actor_id))
        .filter(|id| !names.contains_key(id))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    // People outside the production (admins, former members): few, read one by one.
    for person_id in wanted {
        if let Some(person) = store.person(person_id).await? {
            names.insert(person.id, person.name);
        }
    }

    Ok(Loaded {
        proposal,
        access,
        production,
        versions,
        reviews,
        comments,
        attachments,
        approval,
        audit,
        names,
    })
}
