//! The web pages: server-rendered HTML (maud, compiled into the binary) for producers, reviewers,
//! representatives and admins, on top of the same handlers as the JSON API.
//!
//! - **Sessions** (`session`): sign in by exchanging an API token for a session cookie
//!   (`HttpOnly`, `SameSite=Lax`, `Secure` behind TLS); only the cookie secret's SHA-256 is
//!   stored; sessions expire after `session_hours`.
//! - **CSRF**: every form carries the session's token in a hidden `csrf` field (the live triage
//!   sends it as `X-CSRF-Token`), compared in constant time; the sign-in form uses a
//!   double-submit cookie. A request without it is refused with 403 and changes nothing.
//! - **Headers** on every page: a strict Content-Security-Policy (scripts, styles and images
//!   from this origin only, no inline script or style, no framing), `X-Content-Type-Options`,
//!   `Referrer-Policy`, and `Server-Timing` with the server time spent on the page.
//! - **Pages** (`pages`) call the API's own handlers, so a page can do exactly what its viewer
//!   could do with a token, and nothing more: a person outside a production gets 404.
//! - **Assets** (`assets/`): one stylesheet (with a print stylesheet) and one small script for
//!   progressive enhancement; every page works without it.

pub mod charts;
pub mod layout;
pub mod pages;
pub mod session;

use std::time::Instant;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::Shared;

/// The Content-Security-Policy of every page.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// One stylesheet, made of the shared rules and each area's.
const APP_CSS: &str = concat!(
    include_str!("web/assets/app.css"),
    include_str!("web/assets/new_proposal.css"),
    include_str!("web/assets/proposal.css"),
    include_str!("web/assets/lists.css"),
    include_str!("web/assets/productions.css"),
);
const APP_JS: &str = include_str!("web/assets/app.js");

/// The pages and their assets.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/assets/app.css",
            get(|| asset("text/css; charset=utf-8", APP_CSS)),
        )
        .route(
            "/assets/app.js",
            get(|| asset("text/javascript; charset=utf-8", APP_JS)),
        )
        .merge(session::routes())
        .merge(pages::routes())
        .layer(axum::middleware::from_fn(page_headers))
}

async fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// Security headers and `Server-Timing` on every page.
async fn page_headers(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(value) = HeaderValue::from_str(&format!("app;dur={millis:.2}")) {
        headers.insert("server-timing", value);
    }
    response
}
