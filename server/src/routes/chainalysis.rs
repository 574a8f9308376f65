//! Chainalysis-compatible `GET /api/v1/address/{address}`: the answer of
//! Chainalysis' free sanctions screening API, `{"identifications": [...]}`,
//! an empty array for an address not listed, valid or not.

use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use serde::Serialize;

use crate::answers::Identification;
use crate::error::{ApiError, ApiPath, ErrorBody};
use crate::metrics::Endpoint;
use crate::routes::check::json_response;
use crate::state::AppState;

/// The answer: Chainalysis' shape.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChainalysisAnswer {
    /// One per matched entry; empty when the address is not listed.
    pub identifications: Vec<Identification>,
}

/// The answer for an address not listed.
const EMPTY: &[u8] = br#"{"identifications":[]}"#;

/// Screens one address, Chainalysis style.
#[utoipa::path(
    get,
    path = "/api/v1/address/{address}",
    tag = "chainalysis",
    params(("address" = String, Path, description = "The address to check (any spelling; percent-encode `/` and `?`)")),
    responses(
        (status = 200, description = "Identifications; an empty array when not listed", body = ChainalysisAnswer,
         example = json!({"identifications": [{"category": "sanctions",
            "name": "SANCTIONS: OFAC SDN Hydra Market 2022-04-05",
            "description": "Hydra Market (OFAC SDN entity 36216); programs: CYBER2; listed 2022-04-05; list ofac-sdn of 2026-09-30, list set 2026-09-30 <sha256>.\nhttps://www.treasury.gov/ofac/downloads/sanctions/1.0/sdn_advanced.xml",
            "url": "https://www.treasury.gov/ofac/downloads/sanctions/1.0/sdn_advanced.xml"}]})),
        (status = 401, description = "No or unknown API key", body = ErrorBody),
        (status = 503, description = "Strict mode, stale lists, address not listed", body = ErrorBody),
    ),
    security((), ("api_key" = []), ("bearer" = []), ("basic" = []))
)]
pub async fn address(
    State(state): State<AppState>,
    ApiPath(address): ApiPath,
) -> Result<Response, ApiError> {
    let current = state.lists.current();
    let verdict = current.screener.check(&address);
    state.metrics.verdict(Endpoint::Chainalysis, verdict.kind());
    if current.refuses_clear() && verdict.kind() == walletscreen::VerdictKind::Clear {
        return Err(ApiError::stale_lists(
            "the lists are stale (strict mode): no clear answer",
        ));
    }
    if !verdict.is_hit() {
        return Ok(json_response(Bytes::from_static(EMPTY)));
    }
    // The identifications are formatted once per entry and set
    // (`Prepared`): a request copies them.
    let mut out = Vec::with_capacity(640);
    current.prepared.write_chainalysis(&verdict, &mut out);
    Ok(json_response(out))
}
