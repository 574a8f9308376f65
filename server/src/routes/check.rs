//! Native `GET /v1/check/{address}`, `GET /v1/check?address=…` and
//! `POST /v1/check` with a JSON batch `{"addresses": [...]}` (an NDJSON
//! body goes to `stream.rs`). The answer is the library's verdict as it
//! serializes it, with the input, the list set and `stale`
//! (`crate::answers::Native`); `?as_of=YYYY-MM-DD` answers from the listing
//! history instead (`Screener::check_at`).

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use walletscreen::{Date, VerdictKind};

use crate::answers::NativeAt;
use crate::error::{ApiError, ApiPath, ApiQuery, ErrorBody, ErrorCode};
use crate::lists::Current;
use crate::metrics::{Endpoint, Metrics};
use crate::state::AppState;

/// The query of `GET /v1/check/{address}`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// Answer as of this date (`YYYY-MM-DD`): was it listed then?
    pub as_of: Option<String>,
}

/// The query of `GET /v1/check`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    /// The address to check.
    pub address: Option<String>,
    /// Answer as of this date (`YYYY-MM-DD`): was it listed then?
    pub as_of: Option<String>,
}

/// The body of a JSON batch.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct BatchRequest {
    /// The addresses, at most `--max-batch`.
    pub addresses: Vec<String>,
}

/// The answer to a JSON batch (for the OpenAPI document).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchAnswer {
    /// One native answer per address, in order.
    #[schema(value_type = Vec<NativeVerdictDoc>)]
    pub results: Vec<serde_json::Value>,
}

/// A native answer (for the OpenAPI document): the library's `Verdict`
/// serialized, flattened, with the input, the list set and `stale`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({
    "input": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
    "verdict": "hit", "family": "evm", "checksum": "not_checked",
    "matches": [{"list": "ofac-sdn", "category": "sanctioned", "address": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",
                 "via": "listed", "chain": "ethereum", "tickers": ["ETH"], "entity": "LAZARUS GROUP", "entity_id": "...",
                 "programs": ["DPRK3"], "listed": "2019-09-13", "source": null, "line": 42, "issue": null}],
    "version": {"date": "2026-09-30", "sha256": "..."},
    "list_set": {"date": "2026-09-30", "sha256": "..."},
    "stale": false}))]
pub struct NativeVerdictDoc {
    /// The input, as given.
    pub input: String,
    /// `hit`, `clear` or `invalid`.
    pub verdict: String,
    /// The address family (hit, clear).
    pub family: Option<String>,
    /// `not_checked`, `valid` or `invalid` (hit, clear).
    pub checksum: Option<String>,
    /// Every matched entry with its provenance (hit); as of a date each
    /// also has `listed_on`, `delisted_on`.
    #[schema(value_type = Option<Vec<Object>>)]
    pub matches: Option<Vec<serde_json::Value>>,
    /// Why it is invalid (invalid).
    pub reason: Option<String>,
    /// The date asked about (`?as_of=`).
    pub as_of: Option<String>,
    /// The list set that answered: `{"date", "sha256"}`.
    #[schema(value_type = Object)]
    pub list_set: serde_json::Value,
    /// The set was older than `--max-age`.
    pub stale: bool,
}

/// Parses `?as_of=`.
pub(crate) fn parse_as_of(s: Option<&str>) -> Result<Option<Date>, ApiError> {
    s.map(|s| {
        s.parse::<Date>()
            .map_err(|e| ApiError::bad_request(format!("as_of: {e} (expected YYYY-MM-DD)")))
    })
    .transpose()
}

/// Writes the native answer for `input` (one JSON object, no newline) and
/// counts it; strict mode's refusal of a clear answer is an error, with
/// nothing written.
pub(crate) fn write_answer(
    out: &mut Vec<u8>,
    current: &Current,
    input: &str,
    as_of: Option<Date>,
    metrics: &Metrics,
    endpoint: Endpoint,
) -> Result<VerdictKind, ApiError> {
    let list_set = &**current.screener.version();
    let stale = current.stale;
    let kind = match as_of {
        None => {
            let verdict = current.screener.check(input);
            let kind = verdict.kind();
            if !refused(current, kind) {
                current.prepared.write_native(input, &verdict, stale, out);
            }
            kind
        }
        Some(date) => {
            let verdict = current.screener.check_at(input, date);
            let kind = verdict.kind();
            if !refused(current, kind) {
                let a = NativeAt {
                    input,
                    as_of: (!verdict.is_hit()).then(|| date.to_string()),
                    verdict: &verdict,
                    list_set,
                    stale,
                };
                serde_json::to_writer(&mut *out, &a).map_err(internal)?;
            }
            kind
        }
    };
    metrics.verdict(endpoint, kind);
    if refused(current, kind) {
        return Err(ApiError::stale_lists(
            "the lists are stale (strict mode): no clear answer",
        ));
    }
    Ok(kind)
}

fn refused(current: &Current, kind: VerdictKind) -> bool {
    kind == VerdictKind::Clear && current.refuses_clear()
}

fn internal(e: serde_json::Error) -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        format!("serializing the answer: {e}"),
    )
}

/// A JSON body.
pub(crate) fn json_response(body: impl Into<Body>) -> Response {
    let body: Body = body.into();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

fn one(state: &AppState, input: &str, as_of: Option<&str>) -> Result<Response, ApiError> {
    let as_of = parse_as_of(as_of)?;
    let current = state.lists.current();
    let mut out = Vec::with_capacity(512);
    write_answer(
        &mut out,
        &current,
        input,
        as_of,
        &state.metrics,
        Endpoint::Check,
    )?;
    Ok(json_response(out))
}

/// Screens one address: the library's full verdict.
#[utoipa::path(
    get,
    path = "/v1/check/{address}",
    tag = "native",
    params(("address" = String, Path, description = "The address (any spelling; percent-encode `/` and `?`)"), AsOfQuery),
    responses(
        (status = 200, description = "The verdict", body = NativeVerdictDoc),
        (status = 400, description = "A bad as_of", body = ErrorBody),
        (status = 401, description = "No or unknown API key", body = ErrorBody),
        (status = 503, description = "Strict mode, stale lists, a clear answer", body = ErrorBody),
    ),
    security((), ("api_key" = []), ("bearer" = []), ("basic" = []))
)]
pub async fn check_path(
    State(state): State<AppState>,
    ApiPath(address): ApiPath,
    ApiQuery(q): ApiQuery<AsOfQuery>,
) -> Result<Response, ApiError> {
    one(&state, &address, q.as_of.as_deref())
}

/// Screens one address given in the query (for spellings awkward in a
/// path, such as payment URIs).
#[utoipa::path(
    get,
    path = "/v1/check",
    tag = "native",
    params(CheckQuery),
    responses(
        (status = 200, description = "The verdict", body = NativeVerdictDoc),
        (status = 400, description = "No address, or a bad as_of", body = ErrorBody),
        (status = 401, description = "No or unknown API key", body = ErrorBody),
        (status = 503, description = "Strict mode, stale lists, a clear answer", body = ErrorBody),
    ),
    security((), ("api_key" = []), ("bearer" = []), ("basic" = []))
)]
pub async fn check_query(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<CheckQuery>,
) -> Result<Response, ApiError> {
    let Some(address) = q.address.as_deref() else {
        return Err(ApiError::bad_request("the query needs address=…"));
    };
    one(&state, address, q.as_of.as_deref())
}

/// What a POST body is.
enum BodyKind {
    Json,
    Ndjson,
}

fn body_kind(req: &Request) -> Result<BodyKind, ApiError> {
    let Some(ct) = req.headers().get(header::CONTENT_TYPE) else {
        return Ok(BodyKind::Json);
    };
    let ct = ct.to_str().unwrap_or("").to_ascii_lowercase();
    let essence = ct.split(';').next().unwrap_or("").trim();
    match essence {
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/x-jsonlines" => Ok(BodyKind::Ndjson),
        "application/json" | "" => Ok(BodyKind::Json),
        e if e.ends_with("+json") => Ok(BodyKind::Json),
        _ => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "POST /v1/check reads application/json ({\"addresses\": [...]}) or \
             application/x-ndjson (one address per line)",
        )),
    }
}

/// Screens a batch: a JSON `{"addresses": [...]}` (at most `--max-batch`),
/// or an NDJSON stream of any length (`Content-Type: application/x-ndjson`;
/// each line a JSON string, an object with `address`, or a bare address),
/// answered line by line in order, in constant memory.
#[utoipa::path(
    post,
    path = "/v1/check",
    tag = "native",
    params(AsOfQuery),
    request_body(content(
        (BatchRequest = "application/json",
         example = json!({"addresses": ["0x098B716B8Aaf21512996dC57EB0615e2383E2f96", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"]})),
        (String = "application/x-ndjson",
         example = json!("\"0x098B716B8Aaf21512996dC57EB0615e2383E2f96\"\n{\"address\": \"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\"}\n"))
    )),
    responses(
        (status = 200, description = "JSON: `{\"results\": [...]}`; NDJSON: one native answer per line, in order \
            (a line that cannot be read answers `{\"line\": N, \"error\": {...}}`)",
         content((BatchAnswer = "application/json"), (String = "application/x-ndjson"))),
        (status = 400, description = "Malformed JSON or as_of", body = ErrorBody),
        (status = 401, description = "No or unknown API key", body = ErrorBody),
        (status = 413, description = "More addresses than --max-batch, or a body over --max-body", body = ErrorBody),
        (status = 415, description = "Neither JSON nor NDJSON", body = ErrorBody),
        (status = 503, description = "Strict mode, stale lists, some clear answer", body = ErrorBody),
    ),
    security((), ("api_key" = []), ("bearer" = []), ("basic" = []))
)]
pub async fn check_post(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<AsOfQuery>,
    req: Request,
) -> Result<Response, ApiError> {
    let as_of = parse_as_of(q.as_of.as_deref())?;
    match body_kind(&req)? {
        BodyKind::Ndjson => Ok(crate::routes::stream::respond(state, as_of, req.into_body()).await),
        BodyKind::Json => batch(state, as_of, req.into_body()).await,
    }
}

/// Reads a whole body of at most `--max-body` bytes.
pub(crate) async fn read_body(body: Body, max: u64) -> Result<bytes::Bytes, ApiError> {
    let limit = usize::try_from(max).unwrap_or(usize::MAX);
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        // The only errors: the limit, or a broken connection.
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>())
            || e.to_string().contains("length limit")
        {
            ApiError::payload_too_large(max)
        } else {
            ApiError::bad_request(format!("reading the body: {e}"))
        }
    })
}

async fn batch(state: AppState, as_of: Option<Date>, body: Body) -> Result<Response, ApiError> {
    let bytes = read_body(body, state.limits.max_body).await?;
    let req: BatchRequest = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "the body must be {{\"addresses\": [\"…\", …]}}: {e}"
        ))
    })?;
    if req.addresses.len() as u64 > state.limits.max_batch {
        return Err(ApiError::batch_too_large(
            req.addresses.len(),
            state.limits.max_batch,
        ));
    }
    let current = state.lists.current();
    let mut out = Vec::with_capacity(64 + 400 * req.addresses.len());
    out.extend_from_slice(b"{\"results\":[");
    for (i, a) in req.addresses.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_answer(
            &mut out,
            &current,
            a,
            as_of,
            &state.metrics,
            Endpoint::CheckBatch,
        )?;
    }
    out.extend_from_slice(b"]}");
    Ok(json_response(out))
}
