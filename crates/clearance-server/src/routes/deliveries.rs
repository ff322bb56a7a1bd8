//! Deliverables: which proposals of a production cover generated material in its final
//! deliverables (`GET /api/productions/{id}/coverage`, what `clearance scan --production` holds
//! its AI assets against), and the scan reports uploaded for a production
//! (`clearance scan --server`): upload, list, read back exactly as sent.
//!
//! Who may do what: the production's members (partners and reviewers, in the capacity their role
//! allows) and admins read and upload; anyone else gets 404, exactly as for a production or a
//! delivery that does not exist.
//!
//! The upload route has its own body limit, `max_scan_report_bytes` (64 MiB by default, room for
//! about 100,000 files): [`upload_routes`] are mounted outside the service's general limit.

pub(crate) mod report;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use clearance_store::model::{CoverageCandidate, DeliveryScan, NewDeliveryScan};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::routes::directory::{Ids, Params};
use crate::routes::proposals::discussion::read_limited;
use crate::state::Shared;
use crate::triage;

/// The routes of this module but the upload (under the service's general body limit).
pub fn routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new()
        .routes(routes!(coverage))
        .routes(routes!(get_delivery))
        .routes(routes!(delivery_report))
}

/// The upload and the list of a production's scans (one path), to be mounted with the
/// `max_scan_report_bytes` body limit.
pub fn upload_routes() -> OpenApiRouter<Shared> {
    OpenApiRouter::new().routes(routes!(upload_delivery, list_deliveries))
}

/// The proposals of a production and whether each covers generated material in the final
/// deliverables.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Coverage {
    /// The production.
    pub production_id: i64,
    /// Every proposal of the production (drafts and withdrawn ones too), by id.
    pub proposals: Vec<CoverageCandidate>,
}

/// Which proposals of a production cover generated material in its final deliverables, as of
/// now: a proposal covers when it is approved, that approval is of its current version (same
/// bytes, same rulebooks, no rise of tier since), it has not expired, and the intake's
/// `output.final` is `yes`; otherwise `reason` says why not.
#[utoipa::path(get, path = "/api/productions/{id}/coverage", tag = "deliveries",
    params(("id" = i64, Path, description = "Production id")),
    responses((status = 200, body = Coverage), (status = 404, body = ErrorBody)))]
pub async fn coverage(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<Coverage>> {
    caller.production_access(&state, id).await?;
    let proposals = state.store.coverage_candidates(id, state.now()).await?;
    Ok(Json(Coverage {
        production_id: id,
        proposals,
    }))
}

/// An uploaded scan: its description, where to read it, and the page that shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadedDelivery {
    /// The scan.
    #[serde(flatten)]
    pub delivery: DeliveryScan,
    /// `/api/deliveries/{id}` (also the `Location` header).
    pub location: String,
    /// The web page of the scan.
    pub page: String,
}

/// Upload a deliverables scan report (`clearance scan --format json`, as `clearance scan
/// --server` sends it) for a production: its partners, its reviewers and admins may. The body
/// is stored exactly as sent, with its SHA-256; the service reads `format` (which must be
/// `clearance-scan/1`), `exit_code`, the eight counts of `summary` (which must agree with the
/// files) and each file's `path`, `verdict`, `reason` and `coverage`.
#[utoipa::path(post, path = "/api/productions/{id}/deliveries", tag = "deliveries",
    params(("id" = i64, Path, description = "Production id")),
    request_body(content = Object, description = "The scan report (JSON)", content_type = "application/json"),
    responses(
        (status = 201, description = "Stored; `Location` names it", body = UploadedDelivery),
        (status = 400, description = "Not JSON", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 413, description = "Larger than `max_scan_report_bytes`", body = ErrorBody),
        (status = 422, description = "Not a valid report: every problem names its field (`files[3].verdict`)", body = ErrorBody),
    ))]
pub async fn upload_delivery(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    caller.production_access(&state, id).await?;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let bytes = read_limited(
        body,
        declared,
        state.config.max_scan_report_bytes,
        "a scan report",
    )
    .await?;
    let text = String::from_utf8(bytes)
        .map_err(|_| ApiError::BadRequest("the scan report is not UTF-8 text".to_owned()))?;
    // Checking 100,000 files takes a moment: off the request threads.
    let (text, checked) = tokio::task::spawn_blocking(move || {
        let checked = report::read_report(&text);
        (text, checked)
    })
    .await
    .map_err(|error| ApiError::Internal(anyhow::anyhow!("reading the report: {error}")))?;
    let checked = checked?;
    let sha256 = triage::sha256_hex(text.as_bytes());
    let new = NewDeliveryScan {
        production_id: id,
        uploaded_by: caller.id(),
        report: text,
        sha256,
        exit_code: checked.exit_code,
        summary: checked.summary,
        files: checked.files,
    };
    let delivery = state.store.add_delivery_scan(&new, state.now()).await?;
    drop(new);
    crate::audit::checkpoint_if_due(&state).await;
    let location = format!("/api/deliveries/{}", delivery.id);
    let answer = UploadedDelivery {
        page: format!("/deliveries/{}", delivery.id),
        location: location.clone(),
        delivery,
    };
    let mut response = (StatusCode::CREATED, Json(answer)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Paging of a list of scans.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveryPage {
    /// How many (default 100, at most 1000).
    pub limit: Option<i64>,
    /// Skip this many (default 0).
    pub offset: Option<i64>,
}

/// A production's uploaded scans, newest first, without their file lists.
#[utoipa::path(get, path = "/api/productions/{id}/deliveries", tag = "deliveries",
    params(("id" = i64, Path, description = "Production id"), DeliveryPage),
    responses((status = 200, body = Vec<DeliveryScan>), (status = 404, body = ErrorBody)))]
pub async fn list_deliveries(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
    Params(page): Params<DeliveryPage>,
) -> ApiResult<Json<Vec<DeliveryScan>>> {
    caller.production_access(&state, id).await?;
    let limit = page.limit.unwrap_or(100).clamp(1, 1000);
    let offset = page.offset.unwrap_or(0).max(0);
    Ok(Json(state.store.delivery_scans(id, limit, offset).await?))
}

/// A scan the caller may see (404 otherwise, as for one that does not exist).
pub(crate) async fn visible_delivery(
    state: &Shared,
    caller: &Caller,
    id: i64,
) -> ApiResult<DeliveryScan> {
    let missing = || ApiError::not_found(format!("delivery {id}"));
    let delivery = state.store.delivery_scan(id).await?.ok_or_else(missing)?;
    caller
        .production_access(state, delivery.production_id)
        .await
        .map_err(|error| match error {
            ApiError::NotFound(_) => missing(),
            other => other,
        })?;
    Ok(delivery)
}

/// An uploaded scan: its description and the report exactly as it was sent.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryDetail {
    /// The scan.
    pub delivery: DeliveryScan,
    /// The report, verbatim.
    #[schema(value_type = Object)]
    pub report: Box<RawValue>,
}

/// One uploaded scan, with its report verbatim.
#[utoipa::path(get, path = "/api/deliveries/{id}", tag = "deliveries",
    params(("id" = i64, Path, description = "Delivery id")),
    responses((status = 200, body = DeliveryDetail), (status = 404, body = ErrorBody)))]
pub async fn get_delivery(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Json<DeliveryDetail>> {
    let delivery = visible_delivery(&state, &caller, id).await?;
    let text = state
        .store
        .delivery_report(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("delivery {id}")))?;
    let report = RawValue::from_string(text).map_err(|error| {
        ApiError::Internal(anyhow::anyhow!("stored report {id} is not JSON: {error}"))
    })?;
    Ok(Json(DeliveryDetail { delivery, report }))
}

/// The report of an uploaded scan, byte for byte as it was sent, with its SHA-256 in
/// `X-Content-SHA256`.
#[utoipa::path(get, path = "/api/deliveries/{id}/report", tag = "deliveries",
    params(("id" = i64, Path, description = "Delivery id")),
    responses((status = 200, description = "The report as uploaded", content_type = "application/json", body = Object),
        (status = 404, body = ErrorBody)))]
pub async fn delivery_report(
    State(state): State<Shared>,
    caller: Caller,
    Ids(id): Ids<i64>,
) -> ApiResult<Response> {
    let delivery = visible_delivery(&state, &caller, id).await?;
    let text = state
        .store
        .delivery_report(id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("delivery {id}")))?;
    let sha256 = HeaderValue::from_str(&delivery.sha256)
        .map_err(|error| ApiError::Internal(anyhow::anyhow!("stored hash: {error}")))?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("x-content-sha256", sha256);
    Ok(response)
}
