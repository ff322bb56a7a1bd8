//! Whether a proposal's standing approval covers its current version: the one decision shared
//! by the proposal page and API (`approval` of a proposal), and the coverage of deliverables
//! ([`Store::coverage_candidates`](crate::Store::coverage_candidates)). Each caller words the
//! outcome for its readers; the decision itself is made here only.
//!
//! **An approval covers exact bytes**: the approving review must be of the current version's
//! content hash, under the same rulebooks (digests) as the current evaluation, the tier must not
//! have risen since, the proposal must be `approved`, and the approval must not have expired.

use crate::model::{Decision, Millis, Proposal, Review, RulebookRef, Status};

/// Why a standing approval does, or does not, cover a proposal's current version; the checks
/// are made in this order and the first that fails is the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// No version has a standing approval (never approved, or a later decision replaced it).
    NeverApproved,
    /// A version is marked approved but no written approval of it was found.
    NoWrittenApproval {
        /// The version marked approved.
        approved_version: i64,
    },
    /// The approval is of other bytes than the current version's.
    OtherContent {
        /// The version the approval was given to.
        approved_version: i64,
        /// Its content hash.
        approved_hash: String,
        /// The current version.
        current_version: i64,
        /// Its content hash.
        current_hash: String,
    },
    /// The approval was given under other rulebooks (digests) than the current evaluation's.
    OtherRulebooks,
    /// The tier rose after the approval (a record or a rulebook changed).
    NeedsReapproval,
    /// The proposal is not in the `approved` status (for example `expired`).
    NotApproved {
        /// Its status.
        status: Status,
    },
    /// The approval's expiry has passed (the expiry task has not moved it to `expired` yet).
    Expired {
        /// When it expired.
        at: Millis,
    },
    /// The current version is approved exactly as it is, under the same rulebooks.
    Covered,
}

/// The outcome of [`standing`]: why, and the approving review that was looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Why it is or is not covered.
    pub standing: Standing,
    /// The approving review of the approved version, when one was found.
    pub review_id: Option<i64>,
}

impl Judgement {
    /// Whether the approval covers the current version.
    pub fn covered(&self) -> bool {
        self.standing == Standing::Covered
    }
}

/// `(rulebook id, digest)` pairs, sorted, so that the order of the list does not matter.
fn digests(rulebooks: &[RulebookRef]) -> Vec<(&str, &str)> {
    let mut pairs: Vec<(&str, &str)> = rulebooks
        .iter()
        .map(|rulebook| (rulebook.id.as_str(), rulebook.digest.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Decides whether `proposal`'s standing approval covers its current version, whose content hash
/// is `current_hash` and whose latest evaluation was made under `current_rulebooks` (None: never
/// evaluated). `reviews` are the proposal's reviews (any order; others are ignored).
pub fn standing(
    proposal: &Proposal,
    current_hash: &str,
    current_rulebooks: Option<&[RulebookRef]>,
    reviews: &[Review],
    now: Millis,
) -> Judgement {
    let Some(approved) = proposal.approved_version else {
        return Judgement {
            standing: Standing::NeverApproved,
            review_id: None,
        };
    };
    let approving = reviews
        .iter()
        .filter(|review| {
            review.proposal_id == proposal.id
                && review.decision == Decision::Approve
                && review.version == approved
        })
        .max_by_key(|review| review.id);
    let Some(review) = approving else {
        return Judgement {
            standing: Standing::NoWrittenApproval {
                approved_version: approved,
            },
            review_id: None,
        };
    };
    let standing = if review.content_hash != current_hash {
        Standing::OtherContent {
            approved_version: review.version,
            approved_hash: review.content_hash.clone(),
            current_version: proposal.current_version,
            current_hash: current_hash.to_owned(),
        }
    } else if digests(&review.rulebooks) != digests(current_rulebooks.unwrap_or_default()) {
        Standing::OtherRulebooks
    } else if proposal.needs_reapproval {
        Standing::NeedsReapproval
    } else if proposal.status != Status::Approved {
        Standing::NotApproved {
            status: proposal.status,
        }
    } else if let Some(at) = proposal.approval_expires_at
        && at <= now
    {
        Standing::Expired { at }
    } else {
        Standing::Covered
    };
    Judgement {
        standing,
        review_id: Some(review.id),
    }
}

/// `YYYY-MM-DD` (UTC) of a time, for reasons written by the store (which has no calendar
/// library: the proleptic Gregorian conversion of days since the epoch).
pub(crate) fn date_of(at: Millis) -> String {
    let days = at.div_euclid(86_400_000);
    // Howard Hinnant's `civil_from_days`.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use clearance_domain::tier::Tier;

    use super::*;

    fn rulebook(digest: &str) -> RulebookRef {
        RulebookRef {
            id: "netflix-genai-2025".to_owned(),
            version: "1".to_owned(),
            digest: digest.to_owned(),
        }
    }

    fn proposal(status: Status, approved: Option<i64>, current: i64) -> Proposal {
        Proposal {
            id: 7,
            production_id: 1,
            title: "Poster".to_owned(),
            vendor: None,
            status,
            current_version: current,
            tier: Some(Tier::Approval),
            approved_version: approved,
            approval_expires_at: None,
            needs_reapproval: false,
            created_by: 1,
            created_at: 0,
            updated_at: 0,
            revision: 1,
        }
    }

    fn approval(id: i64, version: i64, hash: &str) -> Review {
        Review {
            id,
            proposal_id: 7,
            version,
            content_hash: hash.to_owned(),
            rulebooks: vec![rulebook("d1")],
            tier: Tier::Approval,
            reviewer_id: 2,
            decision: Decision::Approve,
            note: "ok".to_owned(),
            conditions: Vec::new(),
            scope: None,
            expires_at: None,
            created_at: 0,
            audit_index: 0,
        }
    }

    fn judge(proposal: &Proposal, hash: &str, digest: &str, reviews: &[Review]) -> Standing {
        standing(proposal, hash, Some(&[rulebook(digest)]), reviews, 1_000).standing
    }

    #[test]
    fn an_approval_of_the_same_bytes_and_rulebooks_covers() {
        let approved = proposal(Status::Approved, Some(1), 1);
        let judgement = standing(
            &approved,
            "h1",
            Some(&[rulebook("d1")]),
            &[approval(3, 1, "h1")],
            1_000,
        );
        assert!(judgement.covered());
        assert_eq!(judgement.review_id, Some(3));
    }

    #[test]
    fn each_failed_check_is_named() {
        let reviews = [approval(3, 1, "h1")];
        assert_eq!(
            judge(&proposal(Status::InReview, None, 1), "h1", "d1", &reviews),
            Standing::NeverApproved
        );
        assert_eq!(
            judge(
                &proposal(Status::Approved, Some(2), 2),
                "h2",
                "d1",
                &reviews
            ),
            Standing::NoWrittenApproval {
                approved_version: 2
            }
        );
        assert!(matches!(
            judge(
                &proposal(Status::InReview, Some(1), 2),
                "h2",
                "d1",
                &reviews
            ),
            Standing::OtherContent {
                approved_version: 1,
                current_version: 2,
                ..
            }
        ));
        assert_eq!(
            judge(
                &proposal(Status::Approved, Some(1), 1),
                "h1",
                "d2",
                &reviews
            ),
            Standing::OtherRulebooks
        );
        let mut risen = proposal(Status::Approved, Some(1), 1);
        risen.needs_reapproval = true;
        assert_eq!(
            judge(&risen, "h1", "d1", &reviews),
            Standing::NeedsReapproval
        );
        assert_eq!(
            judge(&proposal(Status::Expired, Some(1), 1), "h1", "d1", &reviews),
            Standing::NotApproved {
                status: Status::Expired
            }
        );
        let mut due = proposal(Status::Approved, Some(1), 1);
        due.approval_expires_at = Some(1_000);
        assert_eq!(
            judge(&due, "h1", "d1", &reviews),
            Standing::Expired { at: 1_000 }
        );
        due.approval_expires_at = Some(1_001);
        assert_eq!(judge(&due, "h1", "d1", &reviews), Standing::Covered);
    }

    #[test]
    fn dates_are_civil_utc_dates() {
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(-1), "1969-12-31");
        assert_eq!(date_of(951_782_400_000), "2000-02-29");
        assert_eq!(date_of(1_750_000_000_000), "2025-06-15");
        assert_eq!(date_of(1_795_824_000_000), "2026-11-28");
    }
}
