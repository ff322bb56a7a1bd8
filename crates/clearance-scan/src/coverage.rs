//! Whether an AI asset is covered by an approved proposal of the production.
//!
//! An asset is **covered** by a proposal of the production that is approved, whose approval is
//! for its current version and has not expired, and whose intake says `output.final: yes` (the
//! service computes this as [`Candidate::covers`]), when that proposal is the asset's:
//!
//! 1. the proposal named by the cue-sheet row that logs the asset, if there is one (a named
//!    proposal that does not cover makes the asset `not_covered`, with the proposal's reason);
//! 2. otherwise a proposal whose `element` appears in the asset's path as whole words
//!    (`vfx_shot` in `VFX_Shot/sh010.mp4`, `poster` in `art/poster_final.png`, a plural
//!    `posters/` folder too): a covering one if any, else the first that matches, with its
//!    reason.
//!
//! Anything else is `not_covered`, saying that nothing names it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cuesheet::CueRow;

/// A proposal of the production, as the service reports it for coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Proposal id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The intake's `element`.
    pub element: String,
    /// Its status.
    pub status: String,
    /// The intake's `output.final` (`yes`, `no`, `unsure`, or empty when left out).
    pub final_output: String,
    /// Whether it covers final media now.
    pub covers: bool,
    /// Why it does not cover, when it does not.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Covered or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// An approved proposal covers the asset.
    Covered,
    /// None does.
    NotCovered,
}

/// How the asset was tied to a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    /// A cue-sheet row names the proposal.
    CueSheet,
    /// The proposal's element appears in the asset's path.
    Element,
}

impl MatchedBy {
    /// The name as written in reports: `cue_sheet` or `element`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::CueSheet => "cue_sheet",
            Self::Element => "element",
        }
    }
}

/// The coverage of one AI asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Covered or not.
    pub status: Status,
    /// The proposal tied to the asset, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<i64>,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_title: Option<String>,
    /// How it was tied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_by: Option<MatchedBy>,
    /// Why it is not covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Judges one AI asset against the production's proposals.
#[must_use]
pub fn judge(path: &Path, row: Option<&CueRow>, candidates: &[Candidate]) -> Coverage {
    if let Some(row) = row {
        let Some(id) = row.proposal_id else {
            return Coverage {
                status: Status::NotCovered,
                proposal_id: None,
                proposal_title: None,
                matched_by: Some(MatchedBy::CueSheet),
                reason: Some(format!("cue sheet line {} names no proposal", row.line)),
            };
        };
        return match candidates.iter().find(|candidate| candidate.id == id) {
            Some(candidate) => tied(candidate, MatchedBy::CueSheet),
            None => Coverage {
                status: Status::NotCovered,
                proposal_id: Some(id),
                proposal_title: None,
                matched_by: Some(MatchedBy::CueSheet),
                reason: Some(format!(
                    "cue sheet line {} names proposal #{id}, which is not a proposal of this production",
                    row.line
                )),
            },
        };
    }
    let words = words(path);
    let matching: Vec<&Candidate> = candidates
        .iter()
        .filter(|candidate| element_in(&candidate.element, &words))
        .collect();
    match matching
        .iter()
        .find(|candidate| candidate.covers)
        .or_else(|| matching.first())
    {
        Some(candidate) => tied(candidate, MatchedBy::Element),
        None => Coverage {
            status: Status::NotCovered,
            proposal_id: None,
            proposal_title: None,
            matched_by: None,
            reason: Some(
                "no cue-sheet row logs it and no proposal's element appears in its path".to_owned(),
            ),
        },
    }
}

fn tied(candidate: &Candidate, matched_by: MatchedBy) -> Coverage {
    Coverage {
        status: if candidate.covers {
            Status::Covered
        } else {
            Status::NotCovered
        },
        proposal_id: Some(candidate.id),
        proposal_title: Some(candidate.title.clone()),
        matched_by: Some(matched_by),
        reason: (!candidate.covers).then(|| {
            let why = candidate
                .reason
                .clone()
                .unwrap_or_else(|| format!("it is {}", candidate.status.replace('_', " ")));
            format!(
                "proposal #{} does not cover final media: {why}",
                candidate.id
            )
        }),
    }
}

/// The path's words: lower-case runs of letters and digits.
fn words(path: &Path) -> Vec<String> {
    path.to_string_lossy()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether the element's words (`vfx_shot` → `vfx`, `shot`) appear in a row in `words`, the
/// last one allowed a plural `s`.
fn element_in(element: &str, words: &[String]) -> bool {
    let wanted: Vec<&str> = element.split('_').filter(|word| !word.is_empty()).collect();
    if wanted.is_empty() || element == "other" {
        return false;
    }
    words.windows(wanted.len()).any(|window| {
        window
            .iter()
            .zip(&wanted)
            .enumerate()
            .all(|(index, (word, want))| {
                word == want || (index + 1 == wanted.len() && word.strip_suffix('s') == Some(*want))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, element: &str, covers: bool, reason: Option<&str>) -> Candidate {
        Candidate {
            id,
            title: format!("proposal {id}"),
            element: element.to_owned(),
            status: if covers { "approved" } else { "in_review" }.to_owned(),
            final_output: "yes".to_owned(),
            covers,
            reason: reason.map(str::to_owned),
        }
    }

    fn row(proposal_id: Option<i64>) -> CueRow {
        CueRow {
            line: 7,
            asset: Some("x.png".to_owned()),
            shot: None,
            timecode_in: None,
            timecode_out: None,
            tool: None,
            prompt_summary: None,
            proposal_id,
        }
    }

    #[test]
    fn a_cue_sheet_row_decides_even_when_an_element_would_match() {
        let candidates = [
            candidate(2, "poster", false, Some("in review, not approved")),
            candidate(3, "poster", true, None),
        ];
        let judged = judge(
            Path::new("art/poster.png"),
            Some(&row(Some(2))),
            &candidates,
        );
        assert_eq!(judged.status, Status::NotCovered);
        assert_eq!(judged.proposal_id, Some(2));
        assert_eq!(
            judged.reason.as_deref(),
            Some("proposal #2 does not cover final media: in review, not approved")
        );
        let judged = judge(
            Path::new("art/poster.png"),
            Some(&row(Some(3))),
            &candidates,
        );
        assert_eq!(judged.status, Status::Covered);
        assert_eq!(judged.matched_by, Some(MatchedBy::CueSheet));
        let judged = judge(
            Path::new("art/poster.png"),
            Some(&row(Some(99))),
            &candidates,
        );
        assert_eq!(judged.status, Status::NotCovered);
        assert!(
            judged
                .reason
                .unwrap_or_default()
                .contains("#99, which is not a proposal of this production")
        );
    }

    #[test]
    fn elements_match_whole_words_of_the_path() {
        let candidates = [
            candidate(4, "vfx_shot", true, None),
            candidate(5, "poster", false, Some("approval expired")),
        ];
        let covered = judge(
            Path::new("deliverables/VFX_Shot/sh010.mp4"),
            None,
            &candidates,
        );
        assert_eq!(
            (covered.status, covered.proposal_id),
            (Status::Covered, Some(4))
        );
        let plural = judge(
            Path::new("deliverables/vfx-shots/sh010.mp4"),
            None,
            &candidates,
        );
        assert_eq!(plural.status, Status::Covered);
        let expired = judge(Path::new("art/posters/band.png"), None, &candidates);
        assert_eq!(
            (expired.status, expired.proposal_id),
            (Status::NotCovered, Some(5))
        );
        let inside_a_word = judge(Path::new("art/postergirl.png"), None, &candidates);
        assert_eq!(
            (inside_a_word.status, inside_a_word.proposal_id),
            (Status::NotCovered, None)
        );
        let shot_alone = judge(Path::new("shot/sh010.mp4"), None, &candidates);
        assert_eq!(shot_alone.proposal_id, None);
    }
}
