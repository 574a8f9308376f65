//! `GET /v1/lists`: the served lists, their ages and staleness, and the
//! refreshes so far.

use axum::Json;
use axum::extract::State;

use crate::error::ErrorBody;
use crate::lists::ListsReport;
use crate::state::AppState;

/// The served lists: each list's id, name, category, as_of, entries,
/// source, SHA-256, age and whether it is a bundled list; the set's version,
/// age and staleness; the sources and the last refresh and its result.
#[utoipa::path(
    get,
    path = "/v1/lists",
    tag = "service",
    responses(
        (status = 200, description = "The served lists", body = ListsReport),
        (status = 401, description = "No or unknown API key", body = ErrorBody),
    ),
    security((), ("api_key" = []), ("bearer" = []), ("basic" = []))
)]
pub async fn lists(State(state): State<AppState>) -> Json<ListsReport> {
    Json(state.lists.report(state.compiled))
}
