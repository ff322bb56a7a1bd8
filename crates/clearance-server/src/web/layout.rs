//! The page shell, shared pieces (tier badges, statuses, times, the CSRF field) and error pages.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use clearance_domain::Tier;
use clearance_store::StoreError;
use clearance_store::model::{Millis, Role, Status};
use maud::{DOCTYPE, Markup, html};

use super::session::Viewer;
use crate::error::ApiError;

/// A whole page: `title`, the navigation for `viewer` (none on the sign-in page), `body`.
pub fn page(title: &str, viewer: Option<&Viewer>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · clearance" }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    a.brand href="/" { "clearance" }
                    @if let Some(viewer) = viewer {
                        nav aria-label="Main" {
                            ul {
                                @for (href, label) in nav_items(viewer.person.role) {
                                    li { a href=(href) { (label) } }
                                }
                            }
                        }
                        form.signout method="post" action="/signout" {
                            (csrf_field(viewer))
                            span.who { (viewer.person.name) " (" (viewer.person.role.as_str()) ")" }
                            button.link type="submit" { "Sign out" }
                        }
                    }
                }
                main #main tabindex="-1" { (body) }
            }
        }
    }
}

/// The navigation links a role sees.
fn nav_items(role: Role) -> Vec<(&'static str, &'static str)> {
    match role {
        Role::Admin => vec![
            ("/proposals", "Proposals"),
            ("/proposals/new", "New proposal"),
            ("/inbox", "Inbox"),
            ("/productions", "Productions"),
            ("/consents", "Consents"),
            ("/tools", "Tools"),
            ("/rulebooks", "Rulebooks"),
        ],
        Role::Reviewer => vec![
            ("/inbox", "Inbox"),
            ("/proposals", "Proposals"),
            ("/productions", "Productions"),
            ("/consents", "Consents"),
            ("/tools", "Tools"),
            ("/rulebooks", "Rulebooks"),
        ],
        Role::Partner => vec![
            ("/proposals", "Proposals"),
            ("/proposals/new", "New proposal"),
            ("/productions", "Productions"),
            ("/consents", "Consents"),
            ("/tools", "Tools"),
            ("/rulebooks", "Rulebooks"),
        ],
        Role::Representative => vec![("/consents", "Consents"), ("/rulebooks", "Rulebooks")],
    }
}

/// A link to `path` with the non-empty `filters` (trimmed) and, past the first, the `page`, so
/// paging keeps the filters.
pub fn filtered_link(path: &str, filters: &[(&str, &str)], page: i64) -> String {
    let mut pairs: Vec<(&str, &str)> = filters
        .iter()
        .map(|(name, value)| (*name, value.trim()))
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let number = page.to_string();
    if page > 1 {
        pairs.push(("page", &number));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// The hidden field every form of a session carries.
pub fn csrf_field(viewer: &Viewer) -> Markup {
    html! { input type="hidden" name="csrf" value=(viewer.csrf); }
}

/// A tier in plain words, as a badge (colour is never the only signal: the word is there).
pub fn tier_badge(tier: Tier) -> Markup {
    html! { span class={ "tier tier-" (tier.as_str()) } { (tier_words(tier)) } }
}

/// What a tier means for the producer, in a few words.
pub fn tier_words(tier: Tier) -> &'static str {
    match tier {
        Tier::Notify => "Notify: share it with your studio contact",
        Tier::Escalate => "Escalate: talk to your studio contact first",
        Tier::Approval => "Approval: written approval needed before you proceed",
        Tier::Blocked => "Blocked: cannot proceed as described",
    }
}

/// A status in plain words.
pub fn status_words(status: Status) -> &'static str {
    match status {
        Status::Draft => "Draft",
        Status::Submitted => "Submitted",
        Status::Acknowledged => "Acknowledged",
        Status::InReview => "In review",
        Status::Approved => "Approved",
        Status::ChangesRequested => "Changes requested",
        Status::Refused => "Refused",
        Status::Withdrawn => "Withdrawn",
        Status::Expired => "Expired",
    }
}

/// A status as a badge.
pub fn status_badge(status: Status) -> Markup {
    html! { span class={ "status status-" (status.as_str()) } { (status_words(status)) } }
}

/// A time as `2026-11-22 15:30 UTC` (inside a `<time>` element with the exact instant).
pub fn when(millis: Millis) -> Markup {
    let Ok(at) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
    else {
        return html! { (millis) };
    };
    let machine = at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let human = at
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
    html! { time datetime=(machine) { (human) } }
}

/// A failed page: an HTML error page with the right status (or the sign-in page).
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then back to `next`.
    SignIn {
        /// Where to come back to.
        next: String,
    },
    /// The form did not carry the session's CSRF token.
    Csrf,
    /// A malformed request.
    BadRequest(String),
    /// What the API would have answered.
    Api(ApiError),
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        PageError::Api(error)
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        PageError::Api(ApiError::from(error))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, title, message) = match self {
            PageError::SignIn { next } => {
                let query = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                return Redirect::to(&format!("/signin?{query}")).into_response();
            }
            PageError::Csrf => (
                StatusCode::FORBIDDEN,
                "Form expired",
                "This form did not carry this session's security token, so nothing was changed. Go back, reload the page and try again.".to_owned(),
            ),
            PageError::BadRequest(message) => (StatusCode::BAD_REQUEST, "Bad request", message),
            PageError::Api(error) => {
                let status = error.status();
                let title = match status {
                    StatusCode::NOT_FOUND => "Not found",
                    StatusCode::FORBIDDEN => "Not allowed",
                    StatusCode::CONFLICT => "Conflict",
                    StatusCode::UNPROCESSABLE_ENTITY => "Problems in what was sent",
                    StatusCode::PAYLOAD_TOO_LARGE => "Too large",
                    StatusCode::UNAUTHORIZED => "Sign in",
                    _ if status.is_server_error() => "Something went wrong",
                    _ => "Cannot do that",
                };
                let message = if status.is_server_error() {
                    "The service could not do this; the details are in its log.".to_owned()
                } else {
                    error.to_string()
                };
                (status, title, message)
            }
        };
        let body = page(
            title,
            None,
            html! {
                section.narrow {
                    h1 { (title) }
                    p role="alert" { (message) }
                    p { a href="/" { "Back to the start" } }
                }
            },
        );
        (status, body).into_response()
    }
}
