//! `/inbox`: a reviewer's open proposals (in review, or just submitted) across their
//! productions, oldest first, with filters by tier, production, age and vendor. Admins see every
//! production's; partners and representatives get 403.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use clearance_store::model::{Proposal, Role, Status};
use maud::{Markup, html};
use serde::Deserialize;

use super::proposals::{
    PAGE_SIZE, given, maybe_tier, pager, production_filter, production_select, productions_of,
    tier_select,
};
use crate::error::ApiError;
use crate::routes::proposals::read::{SearchQuery, search_proposals};
use crate::state::Shared;
use crate::web::layout::{PageError, filtered_link, page, status_badge, when};
use crate::web::session::Viewer;

/// A day in milliseconds.
const DAY: i64 = 86_400_000;

/// The ages the filter offers, in days.
const AGES: [i64; 4] = [1, 3, 7, 14];

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new().route("/inbox", get(inbox))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Filters {
    tier: String,
    production: String,
    /// Older than this many days.
    age: String,
    vendor: String,
    page: String,
}

impl Filters {
    fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).max(1)
    }

    fn age(&self) -> Option<i64> {
        self.age.trim().parse::<i64>().ok().filter(|days| *days > 0)
    }

    fn link(&self, page: i64) -> String {
        filtered_link(
            "/inbox",
            &[
                ("tier", &self.tier),
                ("production", &self.production),
                ("age", &self.age),
                ("vendor", &self.vendor),
            ],
            page,
        )
    }
}

/// Whole days since `then`.
fn days_since(now: i64, then: i64) -> i64 {
    (now - then).max(0) / DAY
}

async fn inbox(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> Result<Markup, PageError> {
    if !matches!(viewer.person.role, Role::Reviewer | Role::Admin) {
        return Err(PageError::Api(ApiError::Forbidden(
            "the inbox is for reviewers: it lists the proposals waiting for their decision"
                .to_owned(),
        )));
    }
    let page_number = filters.page();
    let production_id = production_filter(&filters.production)?;
    let search = |status: Status, limit: i64, offset: i64| SearchQuery {
        text: None,
        tier: given(&filters.tier),
        status: Some(status.as_str().to_owned()),
        production_id,
        vendor: given(&filters.vendor),
        tool: None,
        limit: Some(limit),
        offset: Some(offset),
        order: Some("oldest".to_owned()),
    };
    let caller = viewer.caller();
    // In review, paged; just submitted (a proposal is `submitted` only while it is being
    // routed) joins the first page.
    let in_review = search(
        Status::InReview,
        PAGE_SIZE + 1,
        (page_number - 1) * PAGE_SIZE,
    );
    let submitted = search(Status::Submitted, 500, 0);
    let (in_review, submitted, productions) = tokio::try_join!(
        async {
            search_proposals(State(state.clone()), caller.clone(), Query(in_review))
                .await
                .map_err(PageError::from)
        },
        async {
            if page_number == 1 {
                search_proposals(State(state.clone()), caller.clone(), Query(submitted))
                    .await
                    .map(|found| found.0.proposals)
                    .map_err(PageError::from)
            } else {
                Ok(Vec::new())
            }
        },
        productions_of(&state, &viewer),
    )?;
    let now = state.now();
    let cutoff = filters.age().map(|days| now - days * DAY);
    let old_enough =
        |proposal: &Proposal| cutoff.is_none_or(|cutoff| proposal.updated_at <= cutoff);
    let mut open: Vec<Proposal> = in_review.0.proposals;
    let more = open.len() > usize::try_from(PAGE_SIZE).unwrap_or(50)
        && open
            .get(usize::try_from(PAGE_SIZE).unwrap_or(50))
            .is_some_and(old_enough);
    open.truncate(usize::try_from(PAGE_SIZE).unwrap_or(50));
    open.extend(submitted);
    open.retain(old_enough);
    open.sort_by_key(|proposal| (proposal.updated_at, proposal.id));
    let names: HashMap<i64, &str> = productions
        .iter()
        .map(|production| (production.id, production.title.as_str()))
        .collect();
    let previous = (page_number > 1).then(|| filters.link(page_number - 1));
    let next = more.then(|| filters.link(page_number + 1));
    Ok(page(
        "Inbox",
        Some(&viewer),
        html! {
            h1 { "Inbox" }
            p.help { "Proposals waiting for a decision in your productions, the longest waiting first." }
            form.filters method="get" action="/inbox" aria-label="Filter the inbox" {
                div {
                    label for="i-tier" { "Tier" }
                    (tier_select("i-tier", &filters.tier))
                }
                div {
                    label for="i-production" { "Production" }
                    (production_select("i-production", "production", &productions, &filters.production, "Any production"))
                }
                div {
                    label for="i-age" { "Waiting" }
                    select #i-age name="age" {
                        option value="" selected[filters.age().is_none()] { "Any time" }
                        @for days in AGES {
                            option value=(days) selected[filters.age() == Some(days)] {
                                "More than " (days) @if days == 1 { " day" } @else { " days" }
                            }
                        }
                    }
                }
                div {
                    label for="i-vendor" { "Vendor" }
                    input #i-vendor type="text" name="vendor" value=(filters.vendor);
                }
                div.actions { button type="submit" { "Filter" } }
            }
            @if open.is_empty() {
                p.empty { "Nothing is waiting for a decision." }
            } @else {
                table.list #inbox {
                    caption.visually-hidden { "Open proposals, oldest first" }
                    thead {
                        tr {
                            th scope="col" { "Proposal" }
                            th scope="col" { "Tier" }
                            th scope="col" { "Production" }
                            th scope="col" { "Vendor" }
                            th scope="col" { "Waiting" }
                            th scope="col" { "Status" }
                        }
                    }
                    tbody {
                        @for proposal in &open {
                            @let days = days_since(now, proposal.updated_at);
                            tr data-proposal=(proposal.id) {
                                td { a href={ "/proposals/" (proposal.id) } { (proposal.title) } }
                                td { (maybe_tier(proposal.tier)) }
                                td { (names.get(&proposal.production_id).copied().unwrap_or("Production")) }
                                td { (proposal.vendor.as_deref().unwrap_or("")) }
                                td data-age-days=(days) {
                                    (days) @if days == 1 { " day" } @else { " days" }
                                    br;
                                    span.muted { "since " (when(proposal.updated_at)) }
                                }
                                td { (status_badge(proposal.status)) }
                            }
                        }
                    }
                }
            }
            (pager(previous, next, page_number))
        },
    ))
}
