//! Liveness, readiness, Prometheus metrics and the OpenAPI document. These need no token.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::state::Shared;

/// `/healthz`, `/readyz`, `/metrics`, `/api/openapi.json`.
pub fn routes(document: Arc<utoipa::openapi::OpenApi>) -> Router<Shared> {
    Router::new()
        .route(
            "/healthz",
            get(|| async { Json(json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(move || openapi(document.clone())))
}

/// Ready when the database answers.
async fn ready(State(state): State<Shared>) -> Response {
    match state.store.ping().await {
        Ok(()) => {
            Json(json!({ "status": "ready", "database": state.store.backend() })).into_response()
        }
        Err(error) => {
            tracing::warn!(error = %error, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": state.store.backend() })),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<Shared>) -> Response {
    match &state.metrics {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            "metrics are recorded by another instance in this process",
        )
            .into_response(),
    }
}

async fn openapi(document: Arc<utoipa::openapi::OpenApi>) -> Response {
    match document.to_json() {
        Ok(text) => ([(header::CONTENT_TYPE, "application/json")], text).into_response(),
        Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
    }
}
