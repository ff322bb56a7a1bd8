//! An evaluation's result object (spec/evaluation.md) read for display, and the rulebooks'
//! clause titles and action texts that make it readable.

use std::collections::BTreeMap;
use std::sync::Arc;

use clearance_domain::Tier;
use clearance_rulebook::Rulebook;
use serde::Deserialize;

use crate::state::Shared;

/// The result object, as far as the page shows it (unknown fields are ignored, missing ones
/// are empty).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EvalView {
    /// The rulebooks evaluated.
    #[serde(default)]
    pub rulebooks: Vec<RulebookRefView>,
    /// What fired.
    #[serde(default)]
    pub findings: Vec<FindingView>,
    /// The guiding principles' answers.
    #[serde(default)]
    pub principles: Option<BTreeMap<String, String>>,
    /// Questions left out that a rule read.
    #[serde(default)]
    pub unanswered: Vec<String>,
    /// What to do, merged.
    #[serde(default)]
    pub actions: Vec<String>,
    /// Changes that would lower the tier.
    #[serde(default)]
    pub lower_tier_if: Vec<SuggestionView>,
    /// Whether the search for them stopped early.
    #[serde(default)]
    pub lower_tier_if_truncated: bool,
    /// Rules that could not be evaluated.
    #[serde(default)]
    pub errors: Vec<ErrorView>,
    /// The consent records and tools the evaluation used.
    #[serde(default)]
    pub records: RecordsView,
}

impl EvalView {
    /// Reads stored result JSON (an unreadable result shows as an empty one).
    pub fn parse(json: &str) -> EvalView {
        serde_json::from_str(json).unwrap_or_default()
    }
}

/// A rulebook named in a result.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RulebookRefView {
    /// Its id.
    pub id: String,
}

/// A finding.
#[derive(Debug, Deserialize)]
pub(crate) struct FindingView {
    /// The rule.
    #[serde(default)]
    pub rule: String,
    /// The rulebook of the rule.
    #[serde(default)]
    pub rulebook: Option<String>,
    /// The rule's tier.
    pub tier: Option<Tier>,
    /// Clause keys.
    #[serde(default)]
    pub citations: Vec<String>,
    /// Why, in one sentence.
    #[serde(default)]
    pub reason: String,
}

/// A set of changes that lowers the tier.
#[derive(Debug, Deserialize)]
pub(crate) struct SuggestionView {
    /// The tier reached.
    pub tier: Option<Tier>,
    /// Path → new value.
    #[serde(default)]
    pub changes: serde_json::Map<String, serde_json::Value>,
}

/// A rule that could not be evaluated.
#[derive(Debug, Deserialize)]
pub(crate) struct ErrorView {
    /// Its rulebook.
    #[serde(default)]
    pub rulebook: String,
    /// The rule.
    #[serde(default)]
    pub rule: String,
    /// Why.
    #[serde(default)]
    pub message: String,
}

/// The records an evaluation used.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RecordsView {
    /// Consent records by id.
    #[serde(default)]
    pub consents: BTreeMap<String, RecordUseView>,
    /// Tools by id.
    #[serde(default)]
    pub tools: BTreeMap<String, RecordUseView>,
}

/// How one record was used.
#[derive(Debug, Deserialize)]
pub(crate) struct RecordUseView {
    /// `covers`, `requested`, `void`, `registered` or `missing`.
    #[serde(default)]
    pub status: String,
    /// Why a consent counts as none.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The rulebooks in force, to name clauses and actions.
pub(crate) struct Catalogue {
    rulebooks: Vec<Arc<Rulebook>>,
}

impl Catalogue {
    /// The rulebooks in force now.
    pub fn of(state: &Shared) -> Catalogue {
        Catalogue {
            rulebooks: state.active_rulebooks(),
        }
    }

    /// The rulebook a citation belongs to (the finding's own, else the one whose catalogue has
    /// the key, else `fallback`) and the clause's title when known.
    pub fn clause<'a>(
        &'a self,
        rulebook: Option<&'a str>,
        key: &str,
        fallback: &'a str,
    ) -> (&'a str, Option<&'a str>) {
        let title = |book: &'a Rulebook| {
            book.clauses
                .iter()
                .find(|clause| clause.key == key)
                .map(|clause| clause.title.as_str())
        };
        if let Some(id) = rulebook {
            let book = self.rulebooks.iter().find(|book| &*book.id == id);
            return (id, book.and_then(|book| title(book)));
        }
        for book in &self.rulebooks {
            if let Some(found) = title(book) {
                return (&book.id, Some(found));
            }
        }
        (fallback, None)
    }

    /// What an action asks, in words (when a rulebook in force defines it).
    pub fn action(&self, id: &str) -> Option<&str> {
        self.rulebooks.iter().find_map(|book| {
            book.actions
                .iter()
                .find(|action| &*action.id == id)
                .map(|action| action.text.as_str())
        })
    }
}
