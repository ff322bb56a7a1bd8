//! `/account`: who is signed in, their role and productions, and the way out.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use maud::{Markup, html};

use crate::state::Shared;
use crate::web::layout::{PageError, page};
use crate::web::session::Viewer;

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new().route("/account", get(account))
}

async fn account(State(state): State<Shared>, viewer: Viewer) -> Result<Markup, PageError> {
    let visible_to = (!viewer.is_admin()).then_some(viewer.person.id);
    let productions = state.store.productions(visible_to).await?;
    Ok(page(
        "Your account",
        Some(&viewer),
        html! {
            h1 { "Your account" }
            dl {
                dt { "Name" } dd { (viewer.person.name) }
                dt { "Email" } dd { (viewer.person.email) }
                dt { "Role" } dd { (viewer.person.role.as_str()) }
                @if let Some(organisation) = &viewer.person.organisation {
                    dt { "Organisation" } dd { (organisation) }
                }
            }
            h2 { "Productions" }
            @if productions.is_empty() {
                p.muted { "You are not a member of any production yet." }
            } @else {
                ul {
                    @for production in &productions {
                        li { a href={ "/productions/" (production.id) } { (production.title) } " · " (production.studio) }
                    }
                }
            }
        },
    ))
}
