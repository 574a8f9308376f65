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
    /// The request's URI (path and query) is longer than the service reads.
    UriTooLong,
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

/// A body rejected by axum's extractors: 413 and 415 kept, anything else
/// (malformed JSON, and JSON of the wrong shape, which axum answers 422) a
/// 400 `bad_request`, as every other malformed request.
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
    let status = match code {
        ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        _ => status,
    };
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
        // The query's values are read as form-encoded text, which decodes
        // bytes that are no UTF-8 lossily (to U+FFFD): refuse them instead
        // of answering for another string than the one sent.
        if let Some(q) = parts.uri.query()
            && let Err(at) = check_query_utf8(q)
        {
            return Err(ApiError::bad_request(format!(
                "the query is not UTF-8 once percent-decoded (parameter {at})"
            )));
        }
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                Err(ApiError::bad_request(e.body_text()))
            }
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}

/// Whether every `name=value` pair of a query percent-decodes to UTF-8;
/// `Err` with the 1-based position of the first pair that does not.
pub fn check_query_utf8(query: &str) -> Result<(), usize> {
    let mut decoded = Vec::new();
    for (i, pair) in query.split('&').enumerate() {
        decoded.clear();
        let b = pair.as_bytes();
        let mut j = 0;
        while j < b.len() {
            let hex = |k: usize| b.get(k).and_then(|&c| (c as char).to_digit(16));
            match (b[j], hex(j + 1), hex(j + 2)) {
                (b'%', Some(h), Some(l)) => {
                    decoded.push((h * 16 + l) as u8);
                    j += 3;
                }
                (c, _, _) => {
                    decoded.push(c);
                    j += 1;
                }
            }
        }
        if std::str::from_utf8(&decoded).is_err() {
            return Err(i + 1);
        }
    }
    Ok(())
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

/// Longest URI (path and query, as sent) the service reads: a longer one
/// is answered 414 `uri_too_long` by [`limit_uri`]. (Past 65,534 bytes
/// hyper, the HTTP layer, refuses the request line itself, with a bare 414
/// and no body, before any of the service's code runs.)
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// Middleware: 414 `uri_too_long` for a URI longer than [`MAX_URI_BYTES`].
pub async fn limit_uri(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            ErrorCode::UriTooLong,
            format!("the URI is {len} bytes, at most {MAX_URI_BYTES}: POST a batch instead"),
        )
        .into_response();
    }
    next.run(req).await
}

/// 405 for a route asked with another method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        "method not allowed on this endpoint (GET /openapi.json lists them)",
    )
}
