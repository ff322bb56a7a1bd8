//! Reading everything the proposal page shows, with as few round trips as possible: the
//! permission check first (the API's own `visible`), then every list at once.

use std::collections::HashMap;

use clearance_store::model::{
    Attachment, AuditEntry, Comment, Millis, Production, Proposal, ProposalVersion, Review,
};
use clearance_store::{Store, StoreError};

use crate::auth::{Access, Caller};
use crate::error::ApiError;
use crate::routes::proposals::read::{ApprovalStatus, approval_status};
use crate::routes::proposals::visible;
use crate::state::Shared;
use crate::web::layout::PageError;

/// How many entries around the time window are read too: an entry is numbered when it is
/// committed but stamped when its request started, so a few entries may be out of time order
/// (a write that waited for the lock while a batch of submissions committed).
const MARGIN: i64 = 64;

/// The bisection on time stops when this few entries are left (they are read anyway).
const COARSE: i64 = 32;

/// Entries read per round when scanning the log for a proposal's entries.
const SCAN_CHUNK: i64 = 128;

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
    let (production, members, versions, reviews, comments, attachments, (size, _)) = tokio::try_join!(
        store.production(proposal.production_id),
        store.members(proposal.production_id),
        store.versions(id),
        store.reviews(id),
        store.comments(id),
        store.attachments(id),
        store.tree_head(),
    )?;
    let production = production
        .ok_or_else(|| ApiError::not_found(format!("production {}", proposal.production_id)))?;
    let current = versions
        .iter()
        .find(|version| version.number == proposal.current_version)
        .ok_or_else(|| ApiError::not_found(format!("proposal {id}")))?;
    let approval = approval_status(&proposal, current, &reviews, state.now());

    // Entries about the proposal lie between its creation and its last change (a comment and
    // an attachment do not change the proposal itself, so their times count too).
    let last = [
        Some(proposal.updated_at),
        comments.last().map(|comment| comment.created_at),
        attachments.last().map(|attachment| attachment.created_at),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(proposal.updated_at);
    let audit = entries_about(
        store,
        &format!("proposal/{id}"),
        i64::try_from(size).unwrap_or(i64::MAX),
        proposal.created_at,
        last,
    )
    .await?;

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

/// About the first index in `0..size` whose entry is at `at` or later: the log is in time
/// order but for a few entries, so the answer may be up to [`COARSE`] entries early.
async fn about_first_at(store: &Store, size: i64, at: Millis) -> Result<i64, StoreError> {
    let (mut low, mut high) = (0_i64, size);
    while high - low > COARSE {
        let middle = low + (high - low) / 2;
        let entry_at = store
            .audit_entry(middle)
            .await?
            .map_or(Millis::MAX, |entry| entry.at);
        if entry_at < at {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    Ok(low)
}

/// The entries of the log whose subject is `subject`, all made between `from` and `until`
/// (the first and the last change of the subject): the window is found by bisection on time,
/// widened by [`MARGIN`] entries on each side, and read in chunks.
///
/// (The store has no query by subject; with one, this is a single indexed read.)
pub(crate) async fn entries_about(
    store: &Store,
    subject: &str,
    size: i64,
    from: Millis,
    until: Millis,
) -> Result<Vec<AuditEntry>, StoreError> {
    let (start, end) = tokio::try_join!(
        about_first_at(store, size, from),
        about_first_at(store, size, until.saturating_add(1)),
    )?;
    let start = (start - MARGIN).max(0);
    let end = (end + COARSE + MARGIN).min(size);
    let mut found = Vec::new();
    let mut next = start;
    while next < end {
        let limit = SCAN_CHUNK.min(end - next);
        let chunk = store.audit_entries(next, limit).await?;
        if chunk.is_empty() {
            break;
        }
        next += i64::try_from(chunk.len()).unwrap_or(limit);
        found.extend(chunk.into_iter().filter(|entry| entry.subject == subject));
    }
    Ok(found)
}
