//! The registries proposals rely on: performers' consent records, registered tools and their
//! data terms, and the rulebooks in force. Every change to one of them re-evaluates the
//! proposals that reference it (see `crate::reevaluate`).
//!
//! Who sees what:
//! - consents: admins all; a representative those they manage; a reviewer or partner those
//!   limited to one of their productions; anyone else gets 404, as for a record that does not
//!   exist;
//! - tools and rulebooks: every signed-in person reads them; only admins change them;
//! - proposals listed with a record: only those the caller may see (a consent's owning
//!   representative sees every proposal that relies on the consent they manage).

pub(crate) mod consents;
pub(crate) mod rulebooks;
pub(crate) mod tools;

use std::collections::HashMap;

use clearance_store::model::Proposal;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::{ApiError, FieldProblems as Problems};
use crate::state::Shared;

pub use consents::{ConsentChange, ConsentDetail, Revocation};
pub use rulebooks::{
    ClauseBody, Impact, ImpactCounts, ImpactEntry, RulebookActivated, RulebookDetail,
    RulebookVersion,
};
pub use tools::{ToolChange, ToolDetail, ToolUpdate};

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .routes(routes!(consents::create_consent, consents::list_consents))
        .routes(routes!(consents::get_consent, consents::replace_consent))
        .routes(routes!(consents::revoke_consent))
        .routes(routes!(tools::create_tool, tools::list_tools))
        .routes(routes!(tools::get_tool, tools::update_tool))
        .routes(routes!(
            rulebooks::list_rulebooks,
            rulebooks::upload_rulebook
        ))
        .routes(routes!(rulebooks::get_rulebook))
        .routes(routes!(rulebooks::impact))
}

/// Whether `text` is an ISO date `YYYY-MM-DD` that exists.
fn is_date(text: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    text.len() == 10 && time::Date::parse(text, format).is_ok()
}

/// An id chosen by people (`CR-2025-0042`, `acme-voice`): 1 to 100 characters, no white space
/// or control characters, no `/`.
fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("the id is empty")
    } else if id.chars().count() > 100 {
        Some("the id is longer than 100 characters")
    } else if id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        Some("the id contains white space, a control character or `/`")
    } else {
        None
    }
}

/// Which productions the caller may see, looked up once each.
struct Visibility<'a> {
    state: &'a Shared,
    caller: &'a Caller,
    known: HashMap<i64, bool>,
}

impl<'a> Visibility<'a> {
    fn new(state: &'a Shared, caller: &'a Caller) -> Self {
        Visibility {
            state,
            caller,
            known: HashMap::new(),
        }
    }

    /// Whether the caller may see this production (and its proposals).
    async fn production(&mut self, production_id: i64) -> Result<bool, ApiError> {
        if let Some(visible) = self.known.get(&production_id) {
            return Ok(*visible);
        }
        let visible = match self
            .caller
            .production_access(self.state, production_id)
            .await
        {
            Ok(_) => true,
            Err(ApiError::NotFound(_)) => false,
            Err(error) => return Err(error),
        };
        self.known.insert(production_id, visible);
        Ok(visible)
    }

    /// The proposals the caller may see.
    async fn proposals(&mut self, proposals: Vec<Proposal>) -> Result<Vec<Proposal>, ApiError> {
        let mut visible = Vec::with_capacity(proposals.len());
        for proposal in proposals {
            if self.production(proposal.production_id).await? {
                visible.push(proposal);
            }
        }
        Ok(visible)
    }
}
