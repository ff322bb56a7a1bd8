//! Comments and attachments: open to the members of both sides of the production and to admins.

use axum::Json;
use axum::body::{Body, Bytes, HttpBody as _};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearance_store::model::{Attachment, Capacity, Comment};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{invalid_field, json_body, members_in, notification, payload, visible};
use crate::auth::{Access, Caller};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::Shared;
use crate::triage;

/// The routes of this module.
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .routes(routes!(list_comments, add_comment))
        .routes(routes!(list_attachments, upload_attachment))
        .routes(routes!(download_attachment))
}

/// Longest comment, in characters.
const MAX_COMMENT_CHARS: usize = 20_000;

/// A new comment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewComment {
    /// The text (not empty).
    pub body: String,
}

/// The comments on a proposal, oldest first.
#[utoipa::path(
    get,
    path = "/api/proposals/{id}/comments",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = Vec<Comment>), (status = 404, body = ErrorBody))
)]
pub async fn list_comments(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Comment>>> {
    visible(&state, &caller, id).await?;
    Ok(Json(state.store.comments(id).await?))
}

/// Comment on a proposal. The other side is notified (`comment.added`): a partner's comment goes
/// to the reviewers, a reviewer's to the partners and the author, an admin's to both.
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/comments",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    request_body = NewComment,
    responses((status = 201, body = Comment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn add_comment(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Comment>)> {
    let (proposal, access) = visible(&state, &caller, id).await?;
    let request: NewComment = json_body(&state, &body)?;
    let text = request.body.trim();
    if text.is_empty() {
        return Err(invalid_field("body", "the comment is empty"));
    }
    if text.chars().count() > MAX_COMMENT_CHARS {
        return Err(invalid_field(
            "body",
            format!("a comment has at most {MAX_COMMENT_CHARS} characters"),
        ));
    }
    let mut recipients = Vec::new();
    if matches!(access, Access::Admin | Access::Member(Capacity::Partner)) {
        recipients.extend(members_in(&state, proposal.production_id, Capacity::Reviewer).await?);
    }
    if matches!(access, Access::Admin | Access::Member(Capacity::Reviewer)) {
        recipients.extend(members_in(&state, proposal.production_id, Capacity::Partner).await?);
        recipients.push(proposal.created_by);
    }
    recipients.retain(|person| *person != caller.id());
    let notifications = if recipients.is_empty() {
        Vec::new()
    } else {
        vec![notification(
            "comment.added",
            proposal.production_id,
            Some(&proposal),
            recipients,
            payload(&proposal, json!({ "author_id": caller.id() })),
        )]
    };
    let comment = state
        .store
        .add_comment(id, caller.id(), text, notifications, state.now())
        .await?;
    state.deliveries.notify_one();
    Ok((StatusCode::CREATED, Json(comment)))
}

/// Where an upload is named.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file name (no folders).
    pub name: Option<String>,
}

/// The attachments of a proposal (descriptions; the bytes are at `/api/attachments/{id}`).
#[utoipa::path(
    get,
    path = "/api/proposals/{id}/attachments",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = Vec<Attachment>), (status = 404, body = ErrorBody))
)]
pub async fn list_attachments(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<Attachment>>> {
    visible(&state, &caller, id).await?;
    Ok(Json(state.store.attachments(id).await?))
}

fn check_name(name: Option<String>) -> ApiResult<String> {
    let name = name.map(|name| name.trim().to_owned()).unwrap_or_default();
    if name.is_empty() {
        return Err(invalid_field("name", "name the file: `?name=FILE`"));
    }
    if name.chars().count() > 255
        || name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
        || name == "."
        || name == ".."
    {
        return Err(invalid_field(
            "name",
            "a file name has at most 255 characters and no folders or control characters",
        ));
    }
    Ok(name)
}

fn media_type(headers: &HeaderMap) -> ApiResult<String> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok("application/octet-stream".to_owned());
    };
    let text = value.to_str().map(str::trim).unwrap_or_default();
    let essence = text.split(';').next().unwrap_or_default().trim();
    let valid = essence.split_once('/').is_some_and(|(kind, sub)| {
        let token = |part: &str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&byte))
        };
        token(kind) && token(sub)
    });
    if !valid || text.len() > 200 {
        return Err(invalid_field(
            "Content-Type",
            "send the file's media type, such as `application/pdf`",
        ));
    }
    Ok(text.to_owned())
}

/// Reads at most `limit` bytes of a body (413 beyond, naming `what`: "an attachment").
pub(crate) async fn read_limited(
    mut body: Body,
    declared: Option<u64>,
    limit: usize,
    what: &str,
) -> ApiResult<Vec<u8>> {
    let too_large = || ApiError::TooLarge(format!("{what} has at most {limit} bytes"));
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(frame) =
        std::future::poll_fn(|context| std::pin::Pin::new(&mut body).poll_frame(context)).await
    {
        let frame = frame.map_err(|error| {
            ApiError::BadRequest(format!("the upload was not received: {error}"))
        })?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(too_large());
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

/// Attach a file (the raw body, with its `Content-Type`). It is stored with its SHA-256, which
/// the answer and every download carry.
#[utoipa::path(
    post,
    path = "/api/proposals/{id}/attachments",
    tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id"), UploadQuery),
    request_body(content = Vec<u8>, description = "The file's bytes", content_type = "application/octet-stream"),
    responses(
        (status = 201, body = Attachment),
        (status = 404, body = ErrorBody),
        (status = 413, description = "Larger than `max_attachment_bytes`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
pub async fn upload_attachment(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<Attachment>)> {
    visible(&state, &caller, id).await?;
    let name = check_name(query.name)?;
    let media_type = media_type(&headers)?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let bytes = read_limited(
        body,
        declared,
        state.config.max_attachment_bytes,
        "an attachment",
    )
    .await?;
    if bytes.is_empty() {
        return Err(invalid_field("body", "the file is empty"));
    }
    let sha256 = triage::sha256_hex(&bytes);
    let attachment = state
        .store
        .add_attachment(
            id,
            &name,
            &media_type,
            &bytes,
            &sha256,
            caller.id(),
            state.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(attachment)))
}

/// `filename="…"` (ASCII, quotes and backslashes replaced) and `filename*=UTF-8''…`.
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// An attachment's bytes, with its media type, `Content-Disposition: attachment` and
/// `X-Content-SHA256`. Visible to whoever can see its proposal.
#[utoipa::path(
    get,
    path = "/api/attachments/{id}",
    tag = "proposals",
    params(("id" = i64, Path, description = "Attachment id")),
    responses((status = 200, description = "The bytes", content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody))
)]
pub async fn download_attachment(
    State(state): State<Shared>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let missing = || ApiError::not_found(format!("attachment {id}"));
    let (attachment, bytes) = state.store.attachment(id).await?.ok_or_else(missing)?;
    visible(&state, &caller, attachment.proposal_id)
        .await
        .map_err(|error| match error {
            ApiError::NotFound(_) => missing(),
            other => other,
        })?;
    let content_type = HeaderValue::from_str(&attachment.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&disposition(&attachment.name))
        .unwrap_or(HeaderValue::from_static("attachment"));
    let sha256 = HeaderValue::from_str(&attachment.sha256)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("stored hash: {error}")))?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    headers.insert("x-content-sha256", sha256);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_are_safe() {
        assert_eq!(
            disposition("a b.pdf"),
            "attachment; filename=\"a b.pdf\"; filename*=UTF-8''a%20b.pdf"
        );
        assert_eq!(
            disposition("é\"x"),
            "attachment; filename=\"__x\"; filename*=UTF-8''%C3%A9%22x"
        );
    }
}
