//! The routes, one file per contract: `chainalysis.rs`, `trm.rs`,
//! `check.rs` (native single and JSON batch), `stream.rs` (native NDJSON),
//! `scan.rs`, `lists.rs`, `health.rs` (`/healthz`, `/readyz`, `/metrics`),
//! and the router that puts them together with auth, limits, metrics and
//! error handling ([`app`]).
//!
//! `GET /` is the page for people (`page.rs`: one self-contained HTML page
//! over the native endpoints).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

pub mod chainalysis;
pub mod check;
pub mod health;
pub mod lists;
pub mod page;
pub mod scan;
pub mod stream;
pub mod trm;

/// The service: every route, with its middleware.
///
/// Screening routes and `/v1/lists` ask for an API key when keys are
/// configured; `/healthz`, `/readyz`, `/metrics` and `/openapi.json` never
/// do. Every request is counted, timed and logged (never with its path or
/// query; a path no route has is counted as `unmatched`), bounded by
/// `--request-timeout`, `--max-body` and a URI of at most
/// [`crate::error::MAX_URI_BYTES`]; a panic in a handler answers 500 and the
/// service keeps serving.
pub fn app(state: AppState) -> Router {
    let max_body = usize::try_from(state.limits.max_body).unwrap_or(usize::MAX);
    let protected = Router::new()
        .route("/api/v1/address/{address}", get(chainalysis::address))
        .route("/public/v1/sanctions/screening", post(trm::screening))
        .route("/v1/check/{address}", get(check::check_path))
        .route("/v1/check", get(check::check_query).post(check::check_post))
        .route("/v1/scan", post(scan::scan))
        .route("/v1/lists", get(lists::lists))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            crate::auth::require_key,
        ));
    let open = Router::new()
        .route("/", get(page::index))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(crate::openapi::openapi_json));
    // `layer` (not `route_layer`): the fallbacks are counted too (a 404
    // under the endpoint label `unmatched`, never the path asked for).
    protected
        .merge(open)
        .fallback(crate::error::not_found)
        .method_not_allowed_fallback(crate::error::method_not_allowed)
        .layer(middleware::from_fn(crate::error::limit_uri))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), timeout))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(panicked))
        .with_state(state)
}

/// Middleware: a request not answered within `--request-timeout` (reading
/// its body included) gets 408 `timeout`. A streamed answer's body is not
/// bounded by it (the stream bounds each wait for input itself).
async fn timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(state.limits.request_timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Timeout,
            format!(
                "no answer within {:?} (--request-timeout)",
                state.limits.request_timeout
            ),
        )
        .into_response(),
    }
}

/// A panic in a handler: 500 `internal`, logged, the service keeps serving.
fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        "internal error",
    )
    .into_response()
}
