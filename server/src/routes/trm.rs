//! TRM-compatible `POST /public/v1/sanctions/screening`: an array of
//! `{"address": …}` in, `[{"address": …, "isSanctioned": …}]` out, in
//! order. Other fields of an item (TRM clients may send `chain`,
//! `externalId`) are ignored. At most `--max-batch` items (TRM's own limit
//! per call is lower).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use walletscreen::VerdictKind;

use crate::answers::is_listed;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::metrics::Endpoint;
use crate::state::AppState;

/// One address to screen.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TrmItem {
    /// The address.
    pub address: String,
}

/// One answer, TRM's shape.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TrmAnswer {
    /// The address, as given.
    pub address: String,
    /// Listed on any served list (sanctioned, attributed or custom).
    pub is_sanctioned: bool,
}

/// Screens an array of addresses, TRM style.
#[utoipa::path(
    post,
    path = "/public/v1/sanctions/screening",
    tag = "trm",
    request_body(content = Vec<TrmItem>,
        example = json!([{"address": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"}])),
    responses(
        (status = 200, description = "One answer per item, in order", body = Vec<TrmAnswer>,
         example = json!([{"address": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "isSanctioned": true}])),
        (status = 400, description = "Not a JSON array of {\"address\": string}", body = ErrorBody),
        (status = 401, description = "No or unknown API key", body = ErrorBody),
        (status = 413, description = "More items than --max-batch, or a body over --max-body", body = ErrorBody),
        (status = 503, description = "Strict mode, stale lists, some address not listed", body = ErrorBody),
    ),
    security((), ("basic" = []), ("bearer" = []), ("api_key" = []))
)]
pub async fn screening(
    State(state): State<AppState>,
    ApiJson(items): ApiJson<Vec<TrmItem>>,
) -> Result<Json<Vec<TrmAnswer>>, ApiError> {
    if items.len() as u64 > state.limits.max_batch {
        return Err(ApiError::batch_too_large(
            items.len(),
            state.limits.max_batch,
        ));
    }
    let current = state.lists.current();
    let mut out = Vec::with_capacity(items.len());
    let mut refused = false;
    for item in items {
        let verdict = current.screener.check(&item.address);
        let kind = verdict.kind();
        state.metrics.verdict(Endpoint::Trm, kind);
        refused |= kind == VerdictKind::Clear && current.refuses_clear();
        out.push(TrmAnswer {
            is_sanctioned: is_listed(&verdict),
            address: item.address,
        });
    }
    if refused {
        return Err(ApiError::stale_lists(
            "the lists are stale (strict mode): no clear answer",
        ));
    }
    Ok(Json(out))
}
