//! The proposal status machine, as one pure function.
//!
//! ```text
//! draft ──submit──▶ submitted ──route──▶ acknowledged   (tier notify: the contact is informed)
//!                                  └────▶ in_review     (escalate, approval, blocked)
//! in_review ──decide──▶ approved (not while blocked) | changes_requested | refused
//! changes_requested ──revise──▶ in_review
//! acknowledged | approved | expired ──revise──▶ routed again by the new version's tier
//! draft | submitted | in_review | changes_requested ──withdraw──▶ withdrawn
//! approved ──expire──▶ expired
//! acknowledged ──reevaluated (tier above notify)──▶ in_review
//! approved (needs re-approval) ──decide──▶ approved | changes_requested | refused
//! ```
//!
//! `refused` and `withdrawn` are closed: a refused or withdrawn use is started again by cloning.
//! The server applies `submit` and `route` in one transaction, so a stored proposal is only
//! `submitted` for as long as it takes to evaluate it.

use clearance_domain::Tier;
use clearance_store::model::{Decision, Status};

/// Something that happens to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A draft is submitted.
    Submit,
    /// A submitted proposal is routed by its evaluated tier.
    Route(Tier),
    /// A new version is saved; `submit` is false when a draft is saved as a draft.
    Revise {
        /// Whether the new version is submitted (not kept as a draft).
        submit: bool,
        /// The new version's tier (None when it is not evaluated: a draft).
        tier: Option<Tier>,
    },
    /// A reviewer's written decision on the current version.
    Decide(Decision),
    /// The production withdraws the proposal.
    Withdraw,
    /// The approval's expiry passed.
    Expire,
    /// The current version was evaluated again (a consent revoked or expired, a tool's terms or
    /// a rulebook changed). An acknowledged use whose tier rose above `notify` now needs a
    /// review; every other status stays (an approval whose tier rose is flagged
    /// `needs_reapproval` instead).
    Reevaluated(Tier),
}

/// What the transition depends on besides the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context {
    /// The current version's tier.
    pub tier: Option<Tier>,
    /// An approved proposal whose tier rose since it was approved.
    pub needs_reapproval: bool,
}

/// Why a transition is not allowed (the API answers 409 with this message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Illegal {
    /// The reason, for people.
    pub message: String,
}

fn illegal(message: impl Into<String>) -> Illegal {
    Illegal {
        message: message.into(),
    }
}

/// Where a routed proposal goes: nothing to approve for `notify`, a review otherwise.
pub fn route(tier: Tier) -> Status {
    if tier == Tier::Notify {
        Status::Acknowledged
    } else {
        Status::InReview
    }
}

/// The status after `event`, or why it cannot happen.
pub fn next(from: Status, event: Event, context: Context) -> Result<Status, Illegal> {
    use Status::*;
    match (from, event) {
        (Draft, Event::Submit) => Ok(Submitted),
        (_, Event::Submit) => Err(illegal(format!(
            "the proposal is already {}; only a draft can be submitted",
            from.as_str()
        ))),

        (Submitted, Event::Route(tier)) => Ok(route(tier)),
        (_, Event::Route(_)) => Err(illegal(format!(
            "only a submitted proposal is routed; this one is {}",
            from.as_str()
        ))),

        (Draft, Event::Revise { submit: false, .. }) => Ok(Draft),
        (_, Event::Revise { submit: false, .. }) => Err(illegal(format!(
            "the proposal is {}; a new version of it is submitted, not kept as a draft",
            from.as_str()
        ))),
        (Draft, Event::Revise { submit: true, tier }) => tier
            .map(route)
            .ok_or_else(|| illegal("a submitted version must be evaluated")),
        (ChangesRequested | InReview, Event::Revise { submit: true, .. }) => Ok(InReview),
        (Acknowledged | Approved | Expired, Event::Revise { submit: true, tier }) => tier
            .map(route)
            .ok_or_else(|| illegal("a submitted version must be evaluated")),
        (Submitted, Event::Revise { .. }) => {
            Err(illegal("the proposal is being routed; try again"))
        }
        (Refused | Withdrawn, Event::Revise { .. }) => Err(illegal(format!(
            "the proposal is {} and closed; clone it to start a new one",
            from.as_str()
        ))),

        (InReview, Event::Decide(decision)) => decide(decision, context),
        (Approved, Event::Decide(decision)) if context.needs_reapproval => {
            decide(decision, context)
        }
        (Approved, Event::Decide(_)) => Err(illegal(
            "the proposal is already approved and its tier has not risen since",
        )),
        (_, Event::Decide(_)) => Err(illegal(format!(
            "only a proposal in review can be decided; this one is {}",
            from.as_str()
        ))),

        (Draft | Submitted | InReview | ChangesRequested, Event::Withdraw) => Ok(Withdrawn),
        (_, Event::Withdraw) => Err(illegal(format!(
            "a proposal that is {} cannot be withdrawn",
            from.as_str()
        ))),

        (Acknowledged, Event::Reevaluated(tier)) => Ok(route(tier)),
        (_, Event::Reevaluated(_)) => Ok(from),

        (Approved, Event::Expire) => Ok(Expired),
        (_, Event::Expire) => Err(illegal(format!(
            "only an approval expires; this proposal is {}",
            from.as_str()
        ))),
    }
}

fn decide(decision: Decision, context: Context) -> Result<Status, Illegal> {
    match decision {
        Decision::Approve if context.tier == Some(Tier::Blocked) => Err(illegal(
            "this version is blocked: it cannot be approved until a new version is no longer blocked (request changes or refuse)",
        )),
        Decision::Approve => Ok(Status::Approved),
        Decision::RequestChanges => Ok(Status::ChangesRequested),
        Decision::Refuse => Ok(Status::Refused),
    }
}

/// Whether people can still act on the proposal (it is not decided, closed or expired).
pub fn is_open(status: Status) -> bool {
    matches!(
        status,
        Status::Draft | Status::Submitted | Status::InReview | Status::ChangesRequested
    )
}
