//! `/proposals`: searching the proposals the viewer may see (filters, paging), and
//! `/proposals/import`: importing a CSV sheet or a set of intake files.
//!
//! Both call the API's own handlers (`search_proposals`, `import_proposals`), so a page shows
//! and does exactly what its viewer could with a token.

mod import;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use clearance_domain::Tier;
use clearance_store::model::{Production, Proposal, Status};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};

use crate::routes::proposals::read::{SearchQuery, search_proposals};
use crate::state::Shared;
use crate::web::layout::{
    PageError, filtered_link, page, status_badge, status_words, tier_badge, when,
};
use crate::web::session::Viewer;

/// Rows on one page of a list.
pub(super) const PAGE_SIZE: i64 = 50;

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new().route("/proposals", get(list)).route(
        "/proposals/import",
        get(import::import_page).post(import::import),
    )
}

/// The search form's fields, as the browser sends them (empty fields are empty strings).
#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct Filters {
    /// Words in the title, description or vendor.
    q: String,
    /// A tier name.
    tier: String,
    /// A status name.
    status: String,
    /// A production id.
    production: String,
    /// A vendor (exact, case-insensitive).
    vendor: String,
    /// A tool name or registry id.
    tool: String,
    /// The page, from 1.
    page: String,
}

impl Filters {
    fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().unwrap_or(1).max(1)
    }

    /// The query string of these filters on page `page`.
    fn link(&self, page: i64) -> String {
        filtered_link(
            "/proposals",
            &[
                ("q", &self.q),
                ("tier", &self.tier),
                ("status", &self.status),
                ("production", &self.production),
                ("vendor", &self.vendor),
                ("tool", &self.tool),
            ],
            page,
        )
    }
}

/// A production id typed in a filter: 400 when it is not a number.
pub(super) fn production_filter(value: &str) -> Result<Option<i64>, PageError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .map(Some)
        .map_err(|_| PageError::BadRequest(format!("`{value}` is not a production id")))
}

/// Text or `None` when blank.
pub(super) fn given(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The productions the viewer belongs to (every one for an admin), by id, in one query.
pub(super) async fn productions_of(
    state: &Shared,
    viewer: &Viewer,
) -> Result<Vec<Production>, PageError> {
    let visible_to = (!viewer.is_admin()).then_some(viewer.person.id);
    Ok(state.store.productions(visible_to).await?)
}

/// A `<select>` of productions with an "any" choice.
pub(super) fn production_select(
    id: &str,
    name: &str,
    productions: &[Production],
    selected: &str,
    any: &str,
) -> Markup {
    html! {
        select id=(id) name=(name) {
            option value="" selected[selected.trim().is_empty()] { (any) }
            @for production in productions {
                @let value = production.id.to_string();
                option value=(value) selected[selected.trim() == value] { (production.title) }
            }
        }
    }
}

/// A `<select>` of tiers with an "any" choice.
pub(super) fn tier_select(id: &str, selected: &str) -> Markup {
    html! {
        select id=(id) name="tier" {
            option value="" selected[selected.trim().is_empty()] { "Any tier" }
            @for tier in Tier::ALL {
                option value=(tier.as_str()) selected[selected.trim() == tier.as_str()] { (tier_name(tier)) }
            }
        }
    }
}

/// A tier's short name.
pub(super) fn tier_name(tier: Tier) -> &'static str {
    match tier {
        Tier::Notify => "Notify",
        Tier::Escalate => "Escalate",
        Tier::Approval => "Approval",
        Tier::Blocked => "Blocked",
    }
}

/// A tier badge, or "not evaluated".
pub(super) fn maybe_tier(tier: Option<Tier>) -> Markup {
    match tier {
        Some(tier) => tier_badge(tier),
        None => html! { span.muted { "Not evaluated" } },
    }
}

/// Previous/next links of a paged list.
pub(super) fn pager(previous: Option<String>, next: Option<String>, page: i64) -> Markup {
    html! {
        @if previous.is_some() || next.is_some() {
            nav.pager aria-label="Pages" {
                @if let Some(previous) = previous {
                    a rel="prev" href=(previous) { "← Previous page" }
                }
                span.muted { "Page " (page) }
                @if let Some(next) = next {
                    a rel="next" href=(next) { "Next page →" }
                }
            }
        }
    }
}

async fn list(
    State(state): State<Shared>,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> Result<Markup, PageError> {
    let page_number = filters.page();
    let query = SearchQuery {
        text: given(&filters.q),
        tier: given(&filters.tier),
        status: given(&filters.status),
        production_id: production_filter(&filters.production)?,
        vendor: given(&filters.vendor),
        tool: given(&filters.tool),
        // One more than a page, to know whether there is a next one.
        limit: Some(PAGE_SIZE + 1),
        offset: Some((page_number - 1) * PAGE_SIZE),
        order: None,
    };
    let (found, productions) = tokio::try_join!(
        async {
            search_proposals(State(state.clone()), viewer.caller(), Query(query))
                .await
                .map_err(PageError::from)
        },
        productions_of(&state, &viewer),
    )?;
    let mut proposals = found.0.proposals;
    let more = proposals.len() > usize::try_from(PAGE_SIZE).unwrap_or(50);
    proposals.truncate(usize::try_from(PAGE_SIZE).unwrap_or(50));
    let names: HashMap<i64, &str> = productions
        .iter()
        .map(|production| (production.id, production.title.as_str()))
        .collect();
    let filtering = [
        &filters.q,
        &filters.tier,
        &filters.status,
        &filters.production,
        &filters.vendor,
        &filters.tool,
    ]
    .iter()
    .any(|value| !value.trim().is_empty());
    let previous = (page_number > 1).then(|| filters.link(page_number - 1));
    let next = more.then(|| filters.link(page_number + 1));
    let writes = !matches!(
        viewer.person.role,
        clearance_store::model::Role::Reviewer | clearance_store::model::Role::Representative
    );
    Ok(page(
        "Proposals",
        Some(&viewer),
        html! {
            h1 { "Proposals" }
            @if writes {
                p.actions {
                    a.button href="/proposals/new" { "New proposal" }
                    a.button.secondary href="/proposals/import" { "Import proposals" }
                }
            }
            form.filters method="get" action="/proposals" role="search" aria-label="Search proposals" {
                div {
                    label for="f-q" { "Words" }
                    input #f-q type="search" name="q" value=(filters.q);
                }
                div {
                    label for="f-tier" { "Tier" }
                    (tier_select("f-tier", &filters.tier))
                }
                div {
                    label for="f-status" { "Status" }
                    select #f-status name="status" {
                        option value="" selected[filters.status.trim().is_empty()] { "Any status" }
                        @for status in Status::ALL {
                            option value=(status.as_str()) selected[filters.status.trim() == status.as_str()] { (status_words(status)) }
                        }
                    }
                }
                div {
                    label for="f-production" { "Production" }
                    (production_select("f-production", "production", &productions, &filters.production, "Any production"))
                }
                div {
                    label for="f-vendor" { "Vendor" }
                    input #f-vendor type="text" name="vendor" value=(filters.vendor);
                }
                div {
                    label for="f-tool" { "Tool" }
                    input #f-tool type="text" name="tool" value=(filters.tool);
                }
                div.actions {
                    button type="submit" { "Search" }
                    @if filtering { a href="/proposals" { "Clear" } }
                }
            }
            @if proposals.is_empty() {
                div.empty {
                    @if filtering || page_number > 1 {
                        p { "No proposal matches these filters." }
                    } @else {
                        p { "There are no proposals yet." }
                    }
                    @if writes {
                        p { a href="/proposals/new" { "Declare a new use of generative AI" } }
                    }
                }
            } @else {
                (proposal_table(&proposals, &names))
            }
            (pager(previous, next, page_number))
        },
    ))
}

fn proposal_table(proposals: &[Proposal], names: &HashMap<i64, &str>) -> Markup {
    html! {
        table.list #proposals {
            caption.visually-hidden { "Proposals" }
            thead {
                tr {
                    th scope="col" { "Title" }
                    th scope="col" { "Production" }
                    th scope="col" { "Vendor" }
                    th scope="col" { "Tier" }
                    th scope="col" { "Status" }
                    th scope="col" { "Updated" }
                }
            }
            tbody {
                @for proposal in proposals {
                    tr data-proposal=(proposal.id) {
                        td { a href={ "/proposals/" (proposal.id) } { (proposal.title) } }
                        td {
                            a href={ "/productions/" (proposal.production_id) } {
                                (names.get(&proposal.production_id).copied().unwrap_or("Production"))
                            }
                        }
                        td { (proposal.vendor.as_deref().unwrap_or("")) }
                        td { (maybe_tier(proposal.tier)) }
                        td { (status_badge(proposal.status)) }
                        td { (when(proposal.updated_at)) }
                    }
                }
            }
        }
    }
}
