//! Errors as every endpoint answers them: `{"error": {"code", "message"}}`
//! with the HTTP status that fits, and the extractors that turn axum's
//! rejections (bad JSON, oversize body, bad path or query) into them.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What went wrong, as a stable machine-readable code (the `code` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed (JSON, path, query, date, content type).
    BadRequest,
    /// No API key, or an unknown one.
    Unauthorized,
    /// No such endpoint.
    NotFound,
    /// The endpoint exists but not for this method.
    MethodNotAllowed,
    /// The body is larger than `--max-body`.
    PayloadTooLarge,
    /// More addresses than `--max-batch`.
    BatchTooLarge,
    /// The request's content type is not one the endpoint reads.
    UnsupportedMediaType,
    /// The request took longer than `--request-timeout`.
    Timeout,
    /// Strict mode: the lists are stale, so a clear answer is refused.
    StaleLists,
    /// `/readyz`: not ready (stale lists in strict mode).
    NotReady,
    /// A bug: the service caught it and keeps serving.
    Internal,
}

/// An error answer: status, code and a message for people.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{status} {code:?}: {message}")]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The machine-readable code.
    pub code: ErrorCode,
    /// What happened, for people.
    pub message: String,
}

/// The JSON body of an error (for the OpenAPI document).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// `error` of an [`ErrorBody`].
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable code.
    pub code: ErrorCode,
    /// For people.
    pub message: String,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    /// 413 `batch_too_large`.
    pub fn batch_too_large(n: usize, max: u64) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BatchTooLarge,
            format!(
                "{n} addresses in one batch, at most {max} (--max-batch); \
                 POST /v1/check with Content-Type: application/x-ndjson streams any number"
            ),
        )
    }

    /// 413 `payload_too_large`.
    pub fn payload_too_large(max: u64) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("the request body is larger than {max} bytes (--max-body)"),
        )
    }

    /// 503 `stale_lists`.
    pub fn stale_lists(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::StaleLists,
            message,
        )
    }

    /// The error body as a JSON value.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code, "message": self.message}})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// A body rejected by axum's extractors: its status kept (400, 413, 415,
/// 422), our shape.
fn from_rejection(status: StatusCode, text: String) -> ApiError {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ErrorCode::UnsupportedMediaType,
        _ => ErrorCode::BadRequest,
    };
    // A body that could not be read because of the length limit reads
    // "length limit exceeded" deep in its source: say it plainly.
    let message = if code == ErrorCode::PayloadTooLarge {
        "the request body is larger than --max-body".to_owned()
    } else {
        text
    };
    // 422 (well-formed JSON of the wrong shape) stays 422.
    ApiError::new(status, code, message)
}

/// `axum::Json` whose rejections are [`ApiError`]s.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(e @ JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                format!("{} (Content-Type: application/json)", e.body_text()),
            )),
            Err(e) => Err(from_rejection(e.status(), e.body_text())),
        }
    }
}

/// `axum::extract::Query` whose rejections are [`ApiError`]s.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(ApiError::bad_request(e.body_text()))
            }
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}

/// `axum::extract::Path<String>` whose rejections are [`ApiError`]s.
#[derive(Debug, Clone)]
pub struct ApiPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ApiPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(p)| ApiPath(p))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// 404 for every path no route has.
pub async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "no such endpoint (GET /openapi.json lists them)",
    )
}

/// 405 for a route asked with another method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "method not allowed on this endpoint (GET /openapi.json lists them)",
    )
}
