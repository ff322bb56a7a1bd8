//! `/productions/{id}`: the production's dashboard. Three aggregate statements and one listing
//! of the production's proposals (with their current intakes), read at once; the charts are
//! drawn here as inline SVG (`web::charts`). The latest deliverables scan is summarised with its
//! AI assets not covered (see `deliveries`).
//!
//! Time to decision is measured for every written decision, from the creation of the version
//! decided on (the moment it was submitted for review, as versions are saved when submitted) to
//! the decision; shown as the median, overall and by the tier of the version decided.

use std::collections::HashMap;

use axum::extract::{Path, State};
use clearance_domain::Tier;
use clearance_store::model::{CoverageCandidate, Millis, Status};
use clearance_store::reports::{ProductionUse, WEEK_MILLIS};
use maud::{Markup, html};

use super::deliveries::{dashboard_section, latest_scan};
use super::{
    CATEGORIES, IntakeSummary, categories, date, declared, open, production_for, tier_name,
};
use crate::state::Shared;
use crate::web::charts::{Bar, bar_chart, column_chart};
use crate::web::layout::{PageError, page, status_badge, status_words, tier_badge, when};
use crate::web::session::Viewer;

/// At most this many weeks are drawn (the most recent ones).
const MAX_WEEKS: usize = 104;

/// At most this many open blocked items are listed (the longest waiting first); the rest are
/// one search away.
const MAX_BLOCKED_ROWS: usize = 50;

/// The median of some durations (None for none).
pub(super) fn median(values: &mut [Millis]) -> Option<Millis> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values.get(middle).copied()
    } else {
        let low = values.get(middle - 1).copied()?;
        let high = values.get(middle).copied()?;
        Some(low + (high - low) / 2)
    }
}

/// A duration in words: `3.5 hours`, `2.1 days`, `40 minutes`.
pub(super) fn duration_words(millis: Millis) -> String {
    const MINUTE: f64 = 60_000.0;
    #[expect(clippy::cast_precision_loss, reason = "durations far below 2^52 ms")]
    let millis = millis.max(0) as f64;
    if millis < 90.0 * MINUTE {
        format!("{:.0} minutes", millis / MINUTE)
    } else if millis < 48.0 * 60.0 * MINUTE {
        format!("{:.1} hours", millis / (60.0 * MINUTE))
    } else {
        format!("{:.1} days", millis / (24.0 * 60.0 * MINUTE))
    }
}

fn to_u64(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

pub(super) async fn dashboard(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Markup, PageError> {
    let (production, _) = production_for(&state, &viewer, id).await?;
    let (stats, uses, candidates) = tokio::try_join!(
        state.store.production_stats(id),
        state.store.production_uses(id),
        state.store.coverage_candidates(id, state.now()),
    )?;
    let latest = latest_scan(&state, id).await?;
    let by_id: HashMap<i64, &CoverageCandidate> = candidates.iter().map(|c| (c.id, c)).collect();

    let total: i64 = stats.counts.iter().map(|c| c.count).sum();
    let declared_count: i64 = stats
        .counts
        .iter()
        .filter(|c| declared(c.status))
        .map(|c| c.count)
        .sum();
    let by_status: Vec<Bar> = Status::ALL
        .iter()
        .map(|status| {
            let n = stats
                .counts
                .iter()
                .filter(|c| c.status == *status)
                .map(|c| c.count)
                .sum();
            Bar::new(status_words(*status), to_u64(n))
        })
        .collect();
    let mut tiers: Vec<Option<Tier>> = Tier::ALL.iter().copied().map(Some).collect();
    if stats
        .counts
        .iter()
        .any(|c| declared(c.status) && c.tier.is_none())
    {
        tiers.push(None);
    }
    let by_tier: Vec<Bar> = tiers
        .iter()
        .map(|tier| {
            let n = stats
                .counts
                .iter()
                .filter(|c| declared(c.status) && c.tier == *tier)
                .map(|c| c.count)
                .sum();
            Bar::new(tier_name(*tier), to_u64(n))
        })
        .collect();

    // Weeks from the first to the last with a declared use, the empty ones included.
    let mut weeks: Vec<Bar> = Vec::new();
    if let (Some(first), Some(last)) = (stats.weeks.first(), stats.weeks.last()) {
        let mut start = first
            .week_start
            .max(last.week_start - (MAX_WEEKS as i64 - 1) * WEEK_MILLIS);
        let mut known = stats.weeks.iter().peekable();
        while start <= last.week_start {
            while known.peek().is_some_and(|w| w.week_start < start) {
                known.next();
            }
            let n = known
                .peek()
                .filter(|w| w.week_start == start)
                .map_or(0, |w| w.count);
            weeks.push(Bar::new(date(start), to_u64(n)));
            start += WEEK_MILLIS;
        }
    }

    let mut all_waits: Vec<Millis> = stats.decisions.iter().map(|d| d.waited).collect();
    let overall = median(&mut all_waits);
    let by_tier_wait: Vec<(Tier, usize, Option<Millis>)> = Tier::ALL
        .iter()
        .map(|tier| {
            let mut waits: Vec<Millis> = stats
                .decisions
                .iter()
                .filter(|d| d.tier == *tier)
                .map(|d| d.waited)
                .collect();
            (*tier, waits.len(), median(&mut waits))
        })
        .collect();

    let mut category_counts = [0_u64; CATEGORIES.len()];
    for proposal in uses.iter().filter(|u| declared(u.status)) {
        for category in categories(&IntakeSummary::of(&proposal.intake)) {
            if let Some(slot) = category_counts.get_mut(category) {
                *slot += 1;
            }
        }
    }
    let by_category: Vec<Bar> = CATEGORIES
        .iter()
        .zip(category_counts)
        .map(|(name, n)| Bar::new(*name, n))
        .collect();

    let mut blocked: Vec<&ProductionUse> = uses
        .iter()
        .filter(|u| u.tier == Some(Tier::Blocked) && open(u))
        .collect();
    blocked.sort_by_key(|u| (u.updated_at, u.id));
    let blocked_total = blocked.len();
    blocked.truncate(MAX_BLOCKED_ROWS);
    let approved = stats
        .counts
        .iter()
        .filter(|c| c.status == Status::Approved)
        .map(|c| c.count)
        .sum::<i64>();
    let in_review = stats
        .counts
        .iter()
        .filter(|c| matches!(c.status, Status::Submitted | Status::InReview))
        .map(|c| c.count)
        .sum::<i64>();

    let base = format!("/productions/{id}");
    Ok(page(
        &production.title,
        Some(&viewer),
        html! {
            h1 { (production.title) }
            p.muted { (production.studio) " · rulebooks: " (production.rulebooks.join(", ")) }
            p.actions.no-print {
                a.button href={ (base) "/disclosure" } { "Disclosure report" }
                a.button.secondary href={ (base) "/disclosure.csv" } { "CSV" }
                a.button.secondary href={ (base) "/disclosure.json" } { "JSON" }
                a.button.secondary href={ "/proposals?production=" (id) } { "Search its proposals" }
            }
            h2 { "At a glance" }
            div.cards.dashboard-figures {
                div.card { div.figure data-figure="total" { (total) } div { "proposals (drafts included)" } }
                div.card { div.figure data-figure="declared" { (declared_count) } div { "declared uses (not drafts, not withdrawn)" } }
                div.card { div.figure data-figure="in_review" { (in_review) } div { "waiting for a decision" } }
                div.card { div.figure data-figure="approved" { (approved) } div { "approved" } }
                div.card { div.figure data-figure="blocked_open" { (blocked_total) } div { "open and blocked" } }
            }

            (dashboard_section(id, latest.as_ref(), &by_id))

            h2 #blocked { "Open blocked items" }
            @if blocked.is_empty() {
                p.muted { "No open proposal is blocked." }
            } @else {
                p.help { "Proposals whose current tier is blocked and that are not settled (drafts, waiting, changes requested, or approved but needing approval again)." }
                table.blocked-items {
                    thead { tr { th scope="col" { "Proposal" } th scope="col" { "Status" } th scope="col" { "Last change" } } }
                    tbody {
                        @for proposal in &blocked {
                            tr {
                                th scope="row" { a href={ "/proposals/" (proposal.id) } { (proposal.title) } }
                                td {
                                    (status_badge(proposal.status))
                                    @if proposal.needs_reapproval { " " span.muted { "(needs approval again)" } }
                                }
                                td { (when(proposal.updated_at)) }
                            }
                        }
                    }
                }
                @if blocked_total > blocked.len() {
                    p {
                        "Showing the " (blocked.len()) " that waited longest of " (blocked_total) ". "
                        a href={ "/proposals?production=" (id) "&tier=blocked" } { "Search all blocked proposals of this production" }
                    }
                }
            }

            h2 { "Time to decision" }
            p.help { "From the submission of the version decided on to the reviewer's written decision (median of every decision)." }
            div.cards {
                div.card {
                    div.figure data-figure="median_decision" {
                        @match overall { Some(m) => (duration_words(m)), None => "—" }
                    }
                    div { "overall, " (all_waits.len()) " decisions" }
                }
                @for (tier, n, m) in &by_tier_wait {
                    div.card {
                        div.figure { @match m { Some(m) => (duration_words(*m)), None => "—" } }
                        div { (tier_badge(*tier)) " " (n) " decisions" }
                    }
                }
            }

            h2 { "Charts" }
            div.chart-grid {
                (bar_chart("chart-tier", "Declared uses by tier", "Tier", &by_tier))
                (bar_chart("chart-status", "Proposals by status (all)", "Status", &by_status))
                (bar_chart("chart-category", "Declared uses by category (a use can be in several)", "Category", &by_category))
                @if weeks.is_empty() {
                    p.muted { "No declared use yet, so no weekly chart." }
                } @else {
                    (column_chart("chart-weeks", "Declared uses per week (week starting Monday, UTC)", "Week of", &weeks))
                }
            }
            details.help {
                summary { "How uses are categorised" }
                ul {
                    li { strong { "Ideation" } ": stage ideation or development, and nothing generated in the final deliverables (output.final = no)." }
                    li { strong { "Final on-screen" } ": generated material in the final deliverables (output.final = yes)." }
                    li { strong { "Talent" } ": at least one talent use (replica, de-ageing, face swap, synthetic performer…)." }
                    li { strong { "Data" } ": the tools are fed script pages, unreleased footage, production images, contracts, a performer's likeness or voice, personal data, identifiable real people or third-party copyrighted material." }
                    li { strong { "None of these" } ": in no category above (for example an unanswered output.final)." }
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::{duration_words, median};

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
    }

    #[test]
    fn durations_in_words() {
        assert_eq!(duration_words(30 * 60_000), "30 minutes");
        assert_eq!(duration_words(3 * 3_600_000 + 1_800_000), "3.5 hours");
        assert_eq!(duration_words(3 * 86_400_000), "3.0 days");
    }
}
