//! One JSON error body for every failure:
//! `{"error": {"status": 422, "code": "invalid_intake", "message": "…", "problems": [{"path", "line", "column", "message", "help"}]}}`.
//! `problems` uses the command line's form (`tools[1].environment`, line and column in the
//! submitted intake text), so a client shows the same diagnostics as `clearance check`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clearance_domain::Problem;
use clearance_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// A located problem in submitted input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProblemBody {
    /// Dotted path of the field, e.g. `tools[1].environment` (empty: the whole document).
    pub path: String,
    /// Line in the submitted text, from 1 (0 when the problem has no place in it).
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// A hint, such as the valid values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl From<&Problem> for ProblemBody {
    fn from(problem: &Problem) -> Self {
        ProblemBody {
            path: problem.path.clone(),
            line: problem.span.line,
            column: problem.span.column,
            message: problem.message.clone(),
            help: problem.help.clone(),
        }
    }
}

/// Problems found in a request's fields, collected so that all are reported at once.
#[derive(Debug, Default)]
pub struct FieldProblems(pub Vec<ProblemBody>);

impl FieldProblems {
    /// A problem with a field (no place in a file: line and column 0).
    pub fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(path, message, None);
    }

    /// A problem with a hint.
    pub fn add_with_help(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.push(path, message, Some(help.into()));
    }

    /// A problem with an optional hint.
    pub fn push(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        self.0.push(ProblemBody {
            path: path.into(),
            line: 0,
            column: 0,
            message: message.into(),
            help,
        });
    }

    /// 422 naming every problem (`what` names the request, e.g. "the tool"), or `Ok` when none.
    pub fn check(self, what: &str) -> Result<(), ApiError> {
        match self.0.as_slice() {
            [] => Ok(()),
            [only] => Err(ApiError::Invalid {
                message: format!("{what}: {}: {}", only.path, only.message),
                problems: self.0,
            }),
            many => Err(ApiError::Invalid {
                message: format!("{what}: {} problems", many.len()),
                problems: self.0,
            }),
        }
    }
}

/// The error object.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// HTTP status.
    pub status: u16,
    /// Stable machine-readable code (`invalid_intake`, `conflict`, `not_found`, …).
    pub code: &'static str,
    /// For people.
    pub message: String,
    /// Located problems, when the input could be located.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ProblemBody>,
}

/// The body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request itself is malformed (not JSON, missing field…).
    #[error("{0}")]
    BadRequest(String),
    /// 422: the intake (or another document) has problems.
    #[error("{message}")]
    Invalid {
        /// Summary.
        message: String,
        /// Every problem.
        problems: Vec<ProblemBody>,
    },
    /// 401: no or unknown token.
    #[error("sign in: send `Authorization: Bearer <token>` with a valid token")]
    Unauthenticated,
    /// 403: known caller, not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// 409: illegal transition, stale revision, duplicate.
    #[error("{0}")]
    Conflict(String),
    /// 413.
    #[error("{0}")]
    TooLarge(String),
    /// 503: not ready (database unreachable).
    #[error("{0}")]
    Unavailable(String),
    /// 500: a failure that is ours; the detail is logged, not sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    /// The response body.
    pub fn body(&self) -> ErrorBody {
        let (status, code) = self.parts();
        let problems = match self {
            ApiError::Invalid { problems, .. } => problems.clone(),
            _ => Vec::new(),
        };
        ErrorBody {
            error: ErrorDetail {
                status: status.as_u16(),
                code,
                message: self.to_string(),
                problems,
            },
        }
    }

    /// A 404 naming what was not found.
    pub fn not_found(what: impl std::fmt::Display) -> ApiError {
        ApiError::NotFound(format!("{what} not found"))
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::Conflict(what) => ApiError::Conflict(what),
            StoreError::Duplicate(what) => ApiError::Conflict(what),
            StoreError::Invalid(what) => ApiError::Invalid {
                message: what,
                problems: Vec::new(),
            },
            other => ApiError::Internal(anyhow::Error::new(other)),
        }
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(error: anyhow::Error) -> Self {
        ApiError::Internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, _) = self.parts();
        if let ApiError::Internal(error) = &self {
            tracing::error!(error = %format!("{error:#}"), "request failed");
        }
        (status, axum::Json(self.body())).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
