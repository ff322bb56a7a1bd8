//! The pages, one module per area. Each module's `routes()` adds its paths.

mod account;
mod inbox;
mod new_proposal;
mod productions;
mod proposal;
mod proposals;
mod registry;
mod rulebooks;

use axum::Router;
use axum::routing::get;

use crate::state::Shared;

/// Every page's route.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(super::session::home))
        .merge(account::routes())
        .merge(new_proposal::routes())
        .merge(proposal::routes())
        .merge(proposals::routes())
        .merge(inbox::routes())
        .merge(registry::routes())
        .merge(rulebooks::routes())
        .merge(productions::routes())
}
