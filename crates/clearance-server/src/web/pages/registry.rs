//! (Pages of this area are being written.)

use axum::Router;

use crate::state::Shared;

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new()
}
