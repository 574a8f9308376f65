//! Native `POST /v1/scan`: listed addresses inside free text (memos,
//! tickets, logs), with their byte spans: the library's `Screener::scan`,
//! each match as the library serializes it (`span`, `text`, `hit`).

use axum::extract::{Request, State};
use axum::response::Response;
use serde::Serialize;
use walletscreen::{ScanMatch, VerdictKind, Version};

use crate::error::{ApiError, ErrorBody};
use crate::metrics::Endpoint;
use crate::routes::check::{json_response, read_body};
use crate::state::AppState;

/// The answer of a scan.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScanAnswer<'t> {
    /// Every listed address found, in text order: `span` (`start`, `end`:
    /// byte offsets in the body), `text`, and `hit` (the library's hit:
    /// family, checksum, matches with provenance, version).
    #[schema(value_type = Vec<Object>)]
    pub matches: Vec<ScanMatch<'t>>,
    /// The list set that answered.
    #[schema(value_type = Object)]
    pub list_set: &'t Version,
    /// That set was stale (`--max-age`).
    pub stale: bool,
}

/// Finds listed addresses in the body's text (UTF-8, any content type, at
/// most `--max-body` bytes). A scan reports hits only: strict mode does not
/// refuse it (an empty `matches` from stale lists says `stale: true`).
#[utoipa::path(
    post,
    path = "/v1/scan",
    tag = "native",
    request_body(content = String, content_type = "text/plain",
        example = json!("refund to 0x098B716B8Aaf21512996dC57EB0615e2383E2f96 please")),
    responses(
        (status = 200, description = "The listed addresses found, with byte spans", body = ScanAnswer),
        (status = 400, description = "The body is not UTF-8", body = ErrorBody),
        (status = 401, description = "No or unknown API key", body = ErrorBody),
        (status = 413, description = "A body over --max-body", body = ErrorBody),
    ),
    security((), ("api_key" = []), ("bearer" = []), ("basic" = []))
)]
pub async fn scan(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let bytes = read_body(req.into_body(), state.limits.max_body).await?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| ApiError::bad_request(format!("the body is not UTF-8: {e}")))?;
    let current = state.lists.current();
    let matches: Vec<ScanMatch<'_>> = current.screener.scan(text).collect();
    for _ in &matches {
        state.metrics.verdict(Endpoint::Scan, VerdictKind::Hit);
    }
    let answer = ScanAnswer {
        matches,
        list_set: current.screener.version(),
        stale: current.stale,
    };
    let body = serde_json::to_vec(&answer).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            crate::error::ErrorCode::Internal,
            e.to_string(),
        )
    })?;
    Ok(json_response(body))
}
