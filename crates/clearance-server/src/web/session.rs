//! Signing in and out, the signed-in [`Viewer`], and CSRF checks ([`Posted`]).
//!
//! Signing in exchanges an API token (created by an admin, as for the API) for a session: the
//! browser gets a random cookie secret, the store keeps its SHA-256, the CSRF token and the
//! expiry. The sign-in form itself is protected by a double-submit cookie (`clearance_signin`),
//! since there is no session yet.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use clearance_store::model::{Person, Role};
use maud::{Markup, html};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq as _;

use super::layout::{self, PageError};
use crate::auth::{Caller, new_secret, secret_hash};
use crate::state::Shared;

/// The session cookie.
pub const SESSION_COOKIE: &str = "clearance_session";
/// The sign-in form's double-submit CSRF cookie.
pub const SIGNIN_COOKIE: &str = "clearance_signin";
/// The header the live triage sends its CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/signin", get(signin_page).post(signin))
        .route("/signout", post(signout))
}

/// The person signed in, from the session cookie. A request without a live session is sent to
/// the sign-in page (and back to where it was going afterwards).
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Who.
    pub person: Person,
    /// The session (named in the audit log).
    pub session_id: i64,
    /// The token the session's forms carry.
    pub csrf: String,
}

impl Viewer {
    /// The same person as an API caller, to call the API's handlers with.
    pub fn caller(&self) -> Caller {
        Caller {
            person: self.person.clone(),
            // Sessions are not API tokens; 0 names no token.
            token_id: 0,
        }
    }

    /// Whether the viewer is an admin.
    pub fn is_admin(&self) -> bool {
        self.person.role == Role::Admin
    }

    /// 403 unless `sent` is this session's CSRF token (compared in constant time).
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), PageError> {
        match sent {
            Some(sent) if bool::from(sent.as_bytes().ct_eq(self.csrf.as_bytes())) => Ok(()),
            _ => Err(PageError::Csrf),
        }
    }
}

impl FromRequestParts<Shared> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(secret) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Err(PageError::SignIn { next });
        };
        let Some(session) = state
            .store
            .session(secret_hash(&secret), state.now())
            .await?
        else {
            return Err(PageError::SignIn { next });
        };
        Ok(Viewer {
            person: session.person,
            session_id: session.id,
            csrf: session.csrf,
        })
    }
}

/// A form posted by the signed-in viewer, its CSRF token checked: the `csrf` field (or the
/// `X-CSRF-Token` header) must be the session's. `T` is read from the URL-encoded body (the
/// `csrf` field is ignored by it unless it asks for it).
#[derive(Debug)]
pub struct Posted<T> {
    /// Who posted.
    pub viewer: Viewer,
    /// The form.
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<Shared> for Posted<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &Shared) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| PageError::BadRequest(format!("cannot read the form: {e}")))?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| PageError::BadRequest(format!("the form is not URL-encoded: {e}")))?;
        let sent = pairs
            .iter()
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.as_str())
            .or_else(|| {
                parts
                    .headers
                    .get(CSRF_HEADER)
                    .and_then(|value| value.to_str().ok())
            });
        viewer.check_csrf(sent)?;
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| PageError::BadRequest(format!("the form has a bad field: {e}")))?;
        Ok(Posted { viewer, form })
    }
}

/// Whether cookies must be `Secure`: configured, or the request came through TLS.
pub fn secure(state: &Shared, headers: &HeaderMap) -> bool {
    state.config.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn cookie(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

/// Only a path on this site (never `//host` or `https://…`), so signing in cannot send anyone
/// elsewhere.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[derive(Debug, Deserialize)]
struct SignInQuery {
    next: Option<String>,
}

async fn signin_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    jar: CookieJar,
    Query(query): Query<SignInQuery>,
) -> Response {
    let (jar, token) = match jar.get(SIGNIN_COOKIE).map(|c| c.value().to_owned()) {
        Some(token) if token.len() >= 32 => (jar, token),
        _ => {
            let token = new_secret();
            (
                jar.add(cookie(
                    SIGNIN_COOKIE,
                    token.clone(),
                    secure(&state, &headers),
                )),
                token,
            )
        }
    };
    let next = local_path(query.next.as_deref());
    (jar, signin_form(&token, &next, None)).into_response()
}

fn signin_form(csrf: &str, next: &str, problem: Option<&str>) -> Markup {
    layout::page(
        "Sign in",
        None,
        html! {
            section.narrow {
                h1 { "Sign in to clearance" }
                @if let Some(problem) = problem {
                    p.error role="alert" { (problem) }
                }
                form method="post" action="/signin" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label for="token" { "Access token" }
                    p.help id="token-help" { "The token your studio administrator gave you (it starts with " code { "clr_" } ")." }
                    input #token type="password" name="token" required autocomplete="current-password" aria-describedby="token-help";
                    button type="submit" { "Sign in" }
                }
            }
        },
    )
}

#[derive(Debug, Deserialize)]
struct SignIn {
    token: String,
    csrf: String,
    next: Option<String>,
}

async fn signin(
    State(state): State<Shared>,
    headers: HeaderMap,
    jar: CookieJar,
    axum::Form(form): axum::Form<SignIn>,
) -> Result<Response, PageError> {
    let expected = jar.get(SIGNIN_COOKIE).map(|c| c.value().to_owned());
    if !expected.is_some_and(|e| bool::from(e.as_bytes().ct_eq(form.csrf.as_bytes()))) {
        return Err(PageError::Csrf);
    }
    let next = local_path(form.next.as_deref());
    let caller = match crate::auth::authenticate(&state, form.token.trim()).await {
        Ok(caller) => caller,
        Err(crate::error::ApiError::Unauthenticated) => {
            let page = signin_form(
                &form.csrf,
                &next,
                Some(
                    "That token is not valid (or was revoked). Ask your studio administrator for a new one.",
                ),
            );
            return Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response());
        }
        Err(error) => return Err(error.into()),
    };
    let secret = new_secret();
    let csrf = new_secret();
    let now = state.now();
    let hours = i64::try_from(state.config.session_hours.max(1)).unwrap_or(12);
    state
        .store
        .start_session(
            caller.id(),
            secret_hash(&secret),
            &csrf,
            now + hours * 3_600_000,
            now,
        )
        .await?;
    let secure = secure(&state, &headers);
    let jar = jar
        .add(cookie(SESSION_COOKIE, secret, secure))
        .remove(Cookie::build(SIGNIN_COOKIE).path("/"));
    Ok((jar, Redirect::to(&next)).into_response())
}

async fn signout(
    State(state): State<Shared>,
    jar: CookieJar,
    posted: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    state
        .store
        .end_session(posted.viewer.session_id, state.now())
        .await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/signin")).into_response())
}

/// The home page: reviewers start at their inbox, everyone else at the proposals.
pub async fn home(viewer: Viewer) -> Redirect {
    match viewer.person.role {
        Role::Reviewer => Redirect::to("/inbox"),
        Role::Representative => Redirect::to("/consents"),
        _ => Redirect::to("/proposals"),
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn signing_in_only_returns_to_a_path_on_this_site() {
        assert_eq!(local_path(Some("/proposals/7")), "/proposals/7");
        assert_eq!(local_path(Some("//evil.example/x")), "/");
        assert_eq!(local_path(Some("https://evil.example/")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }
}
