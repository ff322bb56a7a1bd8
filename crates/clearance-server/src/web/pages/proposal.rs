//! The proposal area: one proposal's page (tier banner, findings and clauses, what to do, the
//! answers, versions and diffs, written decisions and the reviewers' decision form, comments,
//! attachments, the audit trail with inclusion proofs) and its forms.
//!
//! Every read and write goes through the API's own handlers (`routes::proposals::…`), so a page
//! lets its viewer do exactly what their token would, and a person outside the production gets
//! the 404 page. A form with problems comes back with what was typed and each problem next to
//! its field (422; 409 for a stale or illegal change).

mod evaluation;
mod intake;
mod load;
mod view;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::json;

use self::evaluation::{Catalogue, EvalView};
use self::view::{DecisionValues, Typed};
use crate::error::{ApiError, ProblemBody};
use crate::routes::proposals::discussion::{self, UploadQuery};
use crate::routes::proposals::read::{self, DiffQuery};
use crate::routes::proposals::{review, visible, write};
use crate::state::Shared;
use crate::web::layout::{PageError, page, status_badge, when};
use crate::web::session::{Posted, Viewer};

/// The routes of this module.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/proposals/{id}", get(show))
        .route("/proposals/{id}/decision", post(decide))
        .route("/proposals/{id}/comments", post(comment))
        .route("/proposals/{id}/submit", post(submit))
        .route("/proposals/{id}/withdraw", post(withdraw))
        .route("/proposals/{id}/clone", post(clone))
        .route("/proposals/{id}/attachments", post(upload))
        .route("/proposals/{id}/attachments/{attachment_id}", get(download))
        .route("/proposals/{id}/versions/{number}", get(version))
        .route("/proposals/{id}/diff", get(diff))
        .route("/proposals/{id}/audit/{index}/proof.json", get(proof))
}

/// The page, with what was typed and its problems, answered with `status`.
async fn render(
    state: &Shared,
    viewer: &Viewer,
    id: i64,
    typed: &Typed,
    status: StatusCode,
) -> Result<Response, PageError> {
    let loaded = load::load(state, &viewer.caller(), id).await?;
    let catalogue = Catalogue::of(state);
    let body = view::proposal_page(viewer, &loaded, &catalogue, typed);
    let markup = page(&loaded.proposal.title, Some(viewer), body);
    Ok((status, markup).into_response())
}

/// `GET /proposals/{id}`.
async fn show(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render(&state, &viewer, id, &Typed::default(), StatusCode::OK).await
}

/// The page again after a refused form: 422 with the problems by field, 409 with the message;
/// anything else (403, 404, 413…) is the error page.
async fn refused(
    state: &Shared,
    viewer: &Viewer,
    id: i64,
    mut typed: Typed,
    error: ApiError,
    field_of: fn(&str) -> &'static str,
) -> Result<Response, PageError> {
    let status = error.status();
    match error {
        ApiError::Invalid { message, problems } => {
            place(&mut typed, &problems, &message, field_of);
            render(state, viewer, id, &typed, status).await
        }
        ApiError::Conflict(message) => {
            typed.message = Some(message);
            render(state, viewer, id, &typed, status).await
        }
        other => Err(PageError::Api(other)),
    }
}

/// Puts each problem next to its field (or at the top when it has none).
fn place(
    typed: &mut Typed,
    problems: &[ProblemBody],
    message: &str,
    field_of: fn(&str) -> &'static str,
) {
    if problems.is_empty() {
        typed.message = Some(message.to_owned());
    }
    for problem in problems {
        let field = field_of(&problem.path);
        if field.is_empty() {
            typed.message = Some(problem.message.clone());
        } else {
            typed
                .problems
                .entry(field)
                .or_insert_with(|| problem.message.clone());
        }
    }
}

/// The decision form's field for a problem path of the API.
fn decision_field(path: &str) -> &'static str {
    match path {
        "decision" => "decision",
        "note" => "note",
        "conditions" => "conditions",
        "expires_at" => "expires_on",
        "scope" => "scope",
        _ => "",
    }
}

/// The decision form.
#[derive(Debug, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    conditions: String,
    #[serde(default)]
    expires_on: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    revision: String,
}

/// The end of day `YYYY-MM-DD` (UTC), in milliseconds.
fn end_of_day(date: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(date.trim(), &format).ok()?;
    let midnight = day.midnight().assume_utc().unix_timestamp();
    Some((midnight + 86_400) * 1000 - 1)
}

/// One condition per line (blank lines dropped).
fn conditions_of(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `POST /proposals/{id}/decision`: a reviewer's written decision, through the API's `decide`.
async fn decide(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    Posted { viewer, form }: Posted<DecisionForm>,
) -> Result<Response, PageError> {
    let mut typed = Typed {
        decision: DecisionValues {
            decision: form.decision.trim().to_owned(),
            note: form.note.clone(),
            conditions: form.conditions.clone(),
            expires_on: form.expires_on.trim().to_owned(),
            scope: form.scope.clone(),
        },
        ..Typed::default()
    };
    let revision: i64 =
        form.revision.trim().parse().map_err(|_| {
            PageError::BadRequest("the form lost its revision; reload the page".into())
        })?;
    let expires_at = if typed.decision.expires_on.is_empty() {
        None
    } else {
        let at = end_of_day(&typed.decision.expires_on);
        if at.is_none() {
            typed
                .problems
                .insert("expires_on", "Give the date as YYYY-MM-DD.".to_owned());
        }
        at
    };
    if typed.decision.decision.is_empty() {
        typed.problems.insert(
            "decision",
            "Choose approve, request changes or refuse.".to_owned(),
        );
    }
    if form.note.trim().is_empty() {
        typed.problems.insert(
            "note",
            "A decision is written: the note must not be empty.".to_owned(),
        );
    }
    let body = json!({
        "decision": typed.decision.decision,
        "note": form.note,
        "conditions": conditions_of(&form.conditions),
        "scope": Some(form.scope.trim()).filter(|scope| !scope.is_empty()),
        "expires_at": expires_at,
        "revision": revision,
    });
    let caller = viewer.caller();
    if !typed.problems.is_empty() {
        // Show every problem of the form at once, but only to someone who may decide: for
        // anyone else the API's answer (404, 403) stands.
        let (_, access) = visible(&state, &caller, id).await?;
        if matches!(
            access,
            crate::auth::Access::Member(clearance_store::model::Capacity::Reviewer)
        ) {
            return render(
                &state,
                &viewer,
                id,
                &typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    }
    let answer = review::decide(
        State(state.clone()),
        caller,
        Path(id),
        Bytes::from(body.to_string()),
    )
    .await;
    match answer {
        Ok(_) => Ok(Redirect::to(&format!("/proposals/{id}#decisions")).into_response()),
        Err(error) => refused(&state, &viewer, id, typed, error, decision_field).await,
    }
}

/// The comment form.
#[derive(Debug, Deserialize)]
struct CommentForm {
    #[serde(default)]
    body: String,
}

/// `POST /proposals/{id}/comments`.
async fn comment(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    Posted { viewer, form }: Posted<CommentForm>,
) -> Result<Response, PageError> {
    let body = json!({ "body": form.body });
    let answer = discussion::add_comment(
        State(state.clone()),
        viewer.caller(),
        Path(id),
        Bytes::from(body.to_string()),
    )
    .await;
    match answer {
        Ok((_, Json(comment))) => {
            Ok(Redirect::to(&format!("/proposals/{id}#comment-{}", comment.id)).into_response())
        }
        Err(error) => {
            let typed = Typed {
                comment: form.body,
                ..Typed::default()
            };
            refused(&state, &viewer, id, typed, error, |_| "comment").await
        }
    }
}

/// A transition's form.
#[derive(Debug, Deserialize)]
struct RevisionForm {
    #[serde(default)]
    revision: String,
    #[serde(default)]
    note: Option<String>,
}

impl RevisionForm {
    fn revision(&self) -> Result<i64, PageError> {
        self.revision.trim().parse().map_err(|_| {
            PageError::BadRequest("the form lost its revision; reload the page".into())
        })
    }
}

/// `POST /proposals/{id}/submit`: a draft goes to review (partners and admins).
async fn submit(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    Posted { viewer, form }: Posted<RevisionForm>,
) -> Result<Response, PageError> {
    let body = json!({ "revision": form.revision()? });
    match write::submit_proposal(
        State(state.clone()),
        viewer.caller(),
        Path(id),
        Bytes::from(body.to_string()),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/proposals/{id}")).into_response()),
        Err(error) => refused(&state, &viewer, id, Typed::default(), error, |_| "").await,
    }
}

/// `POST /proposals/{id}/withdraw` (partners and admins, while not decided).
async fn withdraw(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    Posted { viewer, form }: Posted<RevisionForm>,
) -> Result<Response, PageError> {
    let body = json!({ "revision": form.revision()?, "note": form.note });
    match write::withdraw_proposal(
        State(state.clone()),
        viewer.caller(),
        Path(id),
        Bytes::from(body.to_string()),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/proposals/{id}")).into_response()),
        Err(error) => refused(&state, &viewer, id, Typed::default(), error, |_| "").await,
    }
}

/// `POST /proposals/{id}/clone`: a new draft from the current version, then its page.
async fn clone(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    Posted { viewer, .. }: Posted<serde::de::IgnoredAny>,
) -> Result<Response, PageError> {
    match write::clone_proposal(
        State(state.clone()),
        viewer.caller(),
        Path(id),
        Bytes::new(),
    )
    .await
    {
        Ok((_, Json(copy))) => {
            Ok(Redirect::to(&format!("/proposals/{}", copy.proposal.id)).into_response())
        }
        Err(error) => refused(&state, &viewer, id, Typed::default(), error, |_| "").await,
    }
}

/// A file from a multipart form.
struct Upload {
    name: String,
    media_type: Option<String>,
    bytes: Bytes,
}

fn multipart_error(error: &axum::extract::multipart::MultipartError) -> PageError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        PageError::Api(ApiError::TooLarge(error.body_text()))
    } else {
        PageError::BadRequest(format!(
            "the upload was not received: {}",
            error.body_text()
        ))
    }
}

/// `POST /proposals/{id}/attachments` (multipart: `csrf`, `file`). The CSRF token is checked
/// before anything is stored.
async fn upload(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let mut csrf: Option<String> = None;
    let mut file: Option<Upload> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|error| multipart_error(&error))?
    {
        match field.name() {
            Some("csrf") => {
                csrf = Some(
                    field
                        .text()
                        .await
                        .map_err(|error| multipart_error(&error))?,
                );
            }
            Some("file") => {
                let name = field
                    .file_name()
                    .map(|name| name.rsplit(['/', '\\']).next().unwrap_or(name).to_owned())
                    .unwrap_or_default();
                let media_type = field.content_type().map(str::to_owned);
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|error| multipart_error(&error))?;
                file = Some(Upload {
                    name,
                    media_type,
                    bytes,
                });
            }
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let Some(file) = file.filter(|file| !file.name.is_empty() || !file.bytes.is_empty()) else {
        let mut typed = Typed::default();
        typed
            .problems
            .insert("file", "Choose a file to attach.".to_owned());
        return render(
            &state,
            &viewer,
            id,
            &typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut headers = HeaderMap::new();
    let media_type = file
        .media_type
        .as_deref()
        .and_then(|value| HeaderValue::from_str(value).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, media_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(file.bytes.len()));
    let answer = discussion::upload_attachment(
        State(state.clone()),
        viewer.caller(),
        Path(id),
        Query(UploadQuery {
            name: Some(file.name),
        }),
        headers,
        Body::from(file.bytes),
    )
    .await;
    match answer {
        Ok(_) => Ok(Redirect::to(&format!("/proposals/{id}#attachments")).into_response()),
        Err(ApiError::TooLarge(message)) => {
            let mut typed = Typed::default();
            typed.problems.insert("file", message);
            render(&state, &viewer, id, &typed, StatusCode::PAYLOAD_TOO_LARGE).await
        }
        Err(error) => refused(&state, &viewer, id, Typed::default(), error, |_| "file").await,
    }
}

/// `GET /proposals/{id}/attachments/{attachment_id}`: the bytes, as the API's download (its
/// media type, `Content-Disposition: attachment`, `X-Content-SHA256`), only for an attachment
/// of this proposal.
async fn download(
    State(state): State<Shared>,
    viewer: Viewer,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let caller = viewer.caller();
    let Json(attachments) =
        discussion::list_attachments(State(state.clone()), caller.clone(), Path(id)).await?;
    if !attachments
        .iter()
        .any(|attachment| attachment.id == attachment_id)
    {
        return Err(
            ApiError::not_found(format!("attachment {attachment_id} of proposal {id}")).into(),
        );
    }
    Ok(discussion::download_attachment(State(state), caller, Path(attachment_id)).await?)
}

/// `GET /proposals/{id}/versions/{number}`: one version as it was, with its own evaluation.
async fn version(
    State(state): State<Shared>,
    viewer: Viewer,
    Path((id, number)): Path<(i64, i64)>,
) -> Result<Markup, PageError> {
    let caller = viewer.caller();
    let Json(found) = read::get_version(State(state.clone()), caller, Path((id, number))).await?;
    let shown = &found.version;
    let author = state.store.person(shown.author_id).await?.map_or_else(
        || format!("person {}", shown.author_id),
        |person| person.name,
    );
    let evaluation = EvalView::parse(found.evaluation.get());
    let catalogue = Catalogue::of(&state);
    let proposal = &found.proposal;
    let title = format!("{} · version {number}", proposal.title);
    let body = html! {
        article.proposal {
            p.breadcrumb { a href={ "/proposals/" (id) } { "← " (proposal.title) } }
            h1 { (proposal.title) " — version " (number) }
            p.meta {
                "Written by " (author) " on " (when(shown.created_at))
                @if number == proposal.current_version { " · the current version" }
                @else { " · the current version is " a href={ "/proposals/" (id) } { (proposal.current_version) } }
                " · Status of the proposal: " span data-status=(proposal.status.as_str()) { (status_badge(proposal.status)) }
            }
            (view::banner(found.version.tier, html! {
                @if let Some(at) = found.version.evaluated_at {
                    p.muted { "Evaluated " (when(at)) " under "
                        @for (position, rulebook) in found.version.rulebooks.iter().enumerate() {
                            @if position > 0 { ", " }
                            a href={ "/rulebooks/" (rulebook.id) } { (rulebook.id) " " (rulebook.version) }
                        }
                    }
                }
            }))
            div.actions {
                @if number > 1 {
                    a.button.secondary href={ "/proposals/" (id) "/diff?from=" (number - 1) "&to=" (number) } { "Changes from version " (number - 1) }
                }
                @if number < proposal.current_version {
                    a.button.secondary href={ "/proposals/" (id) "/diff?from=" (number) "&to=" (proposal.current_version) } { "Changes up to the current version" }
                }
            }
            (view::evaluation_sections(&evaluation, &catalogue))
            (view::answers_section(number, shown.intake.get(), &shown.format, &shown.content_hash, &shown.source))
        }
    };
    Ok(page(&title, Some(&viewer), body))
}

/// The diff page's query (blank values count as left out).
#[derive(Debug, Deserialize)]
struct DiffParams {
    from: Option<String>,
    to: Option<String>,
}

fn version_number(value: Option<&str>, name: &str) -> Result<Option<i64>, PageError> {
    match value.map(str::trim).filter(|value| !value.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| PageError::BadRequest(format!("`{name}` must be a version number"))),
    }
}

/// `GET /proposals/{id}/diff?from=N&to=M`: the line diff of two versions' source text.
async fn diff(
    State(state): State<Shared>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(params): Query<DiffParams>,
) -> Result<Markup, PageError> {
    let caller = viewer.caller();
    let from = version_number(params.from.as_deref(), "from")?;
    let to = version_number(params.to.as_deref(), "to")?;
    let (proposal, _) = visible(&state, &caller, id).await?;
    let Json(changes) = read::diff_versions(
        State(state.clone()),
        caller,
        Path(id),
        Query(DiffQuery { from, to }),
    )
    .await?;
    let title = format!(
        "{} · version {} to {}",
        proposal.title, changes.from, changes.to
    );
    let body = html! {
        article.proposal {
            p.breadcrumb { a href={ "/proposals/" (id) } { "← " (proposal.title) } }
            h1 { "Changes from version " (changes.from) " to version " (changes.to) }
            p.meta {
                a href={ "/proposals/" (id) "/versions/" (changes.from) } { "Version " (changes.from) }
                " (SHA-256 " code.hash { (changes.from_hash) } ") → "
                a href={ "/proposals/" (id) "/versions/" (changes.to) } { "version " (changes.to) }
                " (SHA-256 " code.hash { (changes.to_hash) } ")"
            }
            @if proposal.current_version > 1 {
                (view::diff_form(id, proposal.current_version, changes.from, changes.to))
            }
            @if changes.identical {
                p.notice { "The two versions are identical." }
            } @else {
                pre.diff aria-label="Line changes: lines starting with + were added, lines starting with - were removed" {
                    code {
                        @for line in changes.diff.lines() {
                            @let class = diff_class(line);
                            span class=(class) { (line) } "\n"
                        }
                    }
                }
            }
        }
    };
    Ok(page(&title, Some(&viewer), body))
}

/// A unified diff line's class.
fn diff_class(line: &str) -> &'static str {
    if line.starts_with("+++") || line.starts_with("---") {
        "file"
    } else if line.starts_with("@@") {
        "hunk"
    } else if line.starts_with('+') {
        "add"
    } else if line.starts_with('-') {
        "del"
    } else {
        "same"
    }
}

/// `GET /proposals/{id}/audit/{index}/proof.json`: the API's inclusion proof of an entry about
/// this proposal (any other entry is 404 here).
async fn proof(
    State(state): State<Shared>,
    viewer: Viewer,
    Path((id, index)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    let caller = viewer.caller();
    visible(&state, &caller, id).await?;
    let about_it = state
        .store
        .audit_entry(index)
        .await?
        .is_some_and(|entry| entry.subject == format!("proposal/{id}"));
    if !about_it {
        return Err(ApiError::not_found(format!("audit entry {index} of proposal {id}")).into());
    }
    let Json(proof) = crate::routes::audit::entry_proof(State(state), caller, Path(index)).await?;
    Ok(Json(proof).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_date_ends_at_the_end_of_that_day() {
        // 2030-01-01T00:00:00Z is 1893456000 seconds.
        assert_eq!(end_of_day("2030-01-01"), Some(1_893_542_399_999));
        assert_eq!(end_of_day("01/01/2030"), None);
    }

    #[test]
    fn conditions_are_one_per_line() {
        assert_eq!(
            conditions_of("Credit the artist\r\n\n  Keep it under 3 seconds  \n"),
            vec!["Credit the artist", "Keep it under 3 seconds"]
        );
    }

    #[test]
    fn diff_lines_are_classed() {
        assert_eq!(diff_class("+++ b"), "file");
        assert_eq!(diff_class("+x"), "add");
        assert_eq!(diff_class("-x"), "del");
        assert_eq!(diff_class(" x"), "same");
    }
}
