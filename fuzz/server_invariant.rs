//! The invariant of the `server` fuzz target: any request to the service's
//! router (`walletscreen_server::app`), driven in process with
//! `tower::ServiceExt::oneshot` on a current-thread runtime, is answered:
//! no panic (the router's panic layer would answer 500, caught below), no
//! 5xx but the documented 503s of strict mode, a JSON error body
//! (`{"error": {"code", "message"}}`) on every 4xx, JSON on a JSON 200, one
//! JSON value per line on an NDJSON 200, and an answer within seconds.
//!
//! Shared by `fuzz/fuzz_targets/server.rs` (cargo-fuzz) and by
//! `server/tests/fuzz_server.rs` (the corpus replay under `cargo test`, and a
//! stable-toolchain random loop, `#[ignore]`d). The input is decoded, not
//! parsed: every byte string is some request.
//!
//! Layout: byte 0 chooses the method (bits 0-2), authentication on (bit 3),
//! the right key sent (bit 4) and the content type (bits 5-7); the rest is
//! `PATH \0 QUERY \0 HEADERS \0 BODY` (missing fields are empty). A path
//! starting with a byte `b` below 0x20 picks endpoint template `b - 1`,
//! the rest filling its `{address}`; other paths are taken as they are.
//! Bytes that a URI cannot carry are percent-encoded, so nearly every input
//! reaches the router. HEADERS is `name: value` lines.

use std::sync::LazyLock;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use walletscreen::Screener;
use walletscreen_server::auth::ApiKeys;
use walletscreen_server::lists::Lists;
use walletscreen_server::{AppState, Limits, app};

/// The one key of the authenticated router.
pub const KEY: &str = "fuzz-key-0123456789";

/// Most addresses in a batch, for the fuzzed service (small, so that the
/// limit is reachable).
pub const MAX_BATCH: u64 = 64;
/// Largest body, for the fuzzed service.
pub const MAX_BODY: u64 = 16 * 1024;

/// The endpoint templates a path byte below 0x20 picks from.
pub const TEMPLATES: &[&str] = &[
    "/api/v1/address/{address}",
    "/public/v1/sanctions/screening",
    "/v1/check/{address}",
    "/v1/check",
    "/v1/scan",
    "/v1/lists",
    "/healthz",
    "/readyz",
    "/metrics",
    "/openapi.json",
    "/",
    "/{address}",
    "/v1/{address}",
    "/api/v1/address/{address}/x",
];

const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE",
];

const CONTENT_TYPES: [Option<&str>; 8] = [
    None,
    Some("application/json"),
    Some("application/x-ndjson"),
    Some("text/plain"),
    Some("application/json; charset=utf-8"),
    Some("multipart/form-data; boundary=x"),
    Some("application/ndjson"),
    Some("application/problem+json"),
];

struct Routers {
    open: Router,
    keyed: Router,
}

static ROUTERS: LazyLock<Routers> = LazyLock::new(|| {
    let limits = Limits {
        max_batch: MAX_BATCH,
        max_body: MAX_BODY,
        request_timeout: Duration::from_secs(5),
    };
    let lists = Lists::fixed(Screener::bundled().expect("the bundled lists build"));
    Routers {
        open: app(AppState::new(lists.clone(), None, limits, false)),
        keyed: app(AppState::new(
            lists,
            Some(ApiKeys::parse(KEY)),
            limits,
            false,
        )),
    }
});

thread_local! {
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
}

/// Percent-encodes every byte a URI path or query cannot carry as it is
/// (`keep` lists extra bytes kept).
fn encode(bytes: &[u8], keep: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b"-._~!$'()*+,;:@/".contains(&b) || keep.contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The request an input decodes to, with whether it is a HEAD request and
/// whether it goes to the router that asks for a key; `None` when the `http` crate refuses to build it (not the service's
/// concern).
pub fn request(data: &[u8]) -> Option<(Request<Body>, bool, bool)> {
    let (&flags, rest) = data.split_first()?;
    let mut fields = rest.splitn(4, |&b| b == 0);
    let path = fields.next().unwrap_or_default();
    let query = fields.next().unwrap_or_default();
    let headers = fields.next().unwrap_or_default();
    let body = fields.next().unwrap_or_default();

    let method = METHODS[usize::from(flags & 7)];
    let auth = flags & 8 != 0;
    let send_key = flags & 16 != 0;
    let content_type = CONTENT_TYPES[usize::from(flags >> 5)];

    let mut uri = match path.first() {
        Some(&b) if b < 0x20 => {
            // b >= 1: a 0 byte ends the field.
            let t = TEMPLATES[usize::from(b - 1) % TEMPLATES.len()];
            t.replace("{address}", &encode(&path[1..], b""))
        }
        _ => {
            let p = encode(path, b"%");
            if p.starts_with('/') {
                p
            } else {
                format!("/{p}")
            }
        }
    };
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(&encode(query, b"=&%?/"));
    }
    let mut b = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).ok()?)
        .uri(uri);
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    if send_key {
        b = b.header("x-api-key", KEY);
    }
    for line in headers.split(|&c| c == b'\n') {
        let Some(colon) = line.iter().position(|&c| c == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
        ) else {
            continue;
        };
        // A content length that is not the body's would be a lie the
        // HTTP layer catches before the router: leave it to hyper.
        if name == header::CONTENT_LENGTH || name == header::TRANSFER_ENCODING {
            continue;
        }
        b = b.header(name, value);
    }
    let req = b.body(Body::from(body.to_vec())).ok()?;
    Some((req, method == "HEAD", auth))
}

/// The answer to the request an input decodes to: the request as
/// `METHOD URI`, whether it was HEAD, the status, the content type and the
/// whole body; `None` when the input decodes to no request. Panics when
/// no answer comes within 20 s.
pub fn answer(data: &[u8]) -> Option<(String, bool, StatusCode, String, bytes::Bytes)> {
    let (req, head, keyed) = request(data)?;
    let what = format!("{} {}", req.method(), req.uri());
    let router = if keyed {
        ROUTERS.keyed.clone()
    } else {
        ROUTERS.open.clone()
    };
    let waited = what.clone();
    let (status, content_type, body) = RUNTIME.with(|rt| {
        rt.block_on(async move {
            tokio::time::timeout(Duration::from_secs(20), async move {
                let res = router.oneshot(req).await.expect("the router is infallible");
                let status = res.status();
                let ct = res
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                let body = res
                    .into_body()
                    .collect()
                    .await
                    .expect("the answer's body")
                    .to_bytes();
                (status, ct, body)
            })
            .await
            .unwrap_or_else(|_| panic!("{waited}: no answer within 20 s"))
        })
    });
    Some((what, head, status, content_type, body))
}

/// The invariant (see the module documentation); panics when it fails.
pub fn check(data: &[u8]) {
    let Some((what, head, status, content_type, body)) = answer(data) else {
        return;
    };
    let text = String::from_utf8_lossy(&body);
    if status.is_server_error() {
        // The only documented 5xx: strict mode's 503s (not reachable with
        // these lists, which have no --max-age; kept for clarity).
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let code = v["error"]["code"].as_str().unwrap_or("");
        assert!(
            status == StatusCode::SERVICE_UNAVAILABLE
                && (code == "stale_lists" || code == "not_ready"),
            "{what}: {status} {text}"
        );
    }
    if head {
        assert!(body.is_empty(), "{what}: a HEAD answer with a body");
        return;
    }
    if status.is_client_error() {
        assert!(
            content_type.starts_with("application/json"),
            "{what}: {status} with content type {content_type:?}: {text}"
        );
        let v: serde_json::Value = serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{what}: {status} body is not JSON ({e}): {text}"));
        assert!(
            v["error"]["code"].is_string() && v["error"]["message"].is_string(),
            "{what}: {status} body is not an error: {text}"
        );
    } else if status.is_success() {
        if content_type.starts_with("application/json") {
            serde_json::from_slice::<serde_json::Value>(&body).unwrap_or_else(|e| {
                panic!("{what}: a 200 whose JSON does not parse ({e}): {text}")
            });
        } else if content_type.starts_with("application/x-ndjson") {
            for (i, line) in text.lines().enumerate() {
                serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| {
                    panic!("{what}: NDJSON line {} does not parse ({e}): {line}", i + 1)
                });
            }
        }
    }
}
