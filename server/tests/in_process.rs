//! The router driven in process, without a socket (as a fuzz target of the
//! request surface does): `walletscreen_server::app` over fixed lists.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;
use walletscreen::Screener;
use walletscreen_server::lists::Lists;
use walletscreen_server::{AppState, Limits};

fn state() -> AppState {
    let limits = Limits {
        max_batch: 10,
        max_body: 1 << 16,
        request_timeout: std::time::Duration::from_secs(5),
    };
    AppState::new(
        Lists::fixed(Screener::bundled().unwrap()),
        None,
        limits,
        false,
    )
}

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, String) {
    let r = walletscreen_server::app(state.clone())
        .oneshot(req)
        .await
        .unwrap();
    let status = r.status();
    let body = axum::body::to_bytes(r.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn requests_in_process() {
    let s = state();
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    let (st, body) = call(
        &s,
        get("/api/v1/address/123WBUDmSJv4GctdVEz6Qq6z8nXSKrJ4KX"),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        body.contains("SANCTIONS: OFAC SDN Hydra Market 2022-04-05"),
        "{body}"
    );
    let post = Request::post("/public/v1/sanctions/screening")
        .header("content-type", "application/json")
        .body(Body::from(r#"[{"address":"x"}]"#))
        .unwrap();
    assert_eq!(
        call(&s, post).await,
        (
            StatusCode::OK,
            r#"[{"address":"x","isSanctioned":false}]"#.into()
        )
    );
    // Arbitrary bytes as a body never panic: an answer with a status.
    for body in [&b"\xff\xfe"[..], b"{", b"[[[[", b"\n\n\"", b""] {
        for (uri, ct) in [
            ("/v1/check", "application/json"),
            ("/v1/check", "application/x-ndjson"),
            ("/public/v1/sanctions/screening", "application/json"),
            ("/v1/scan", "text/plain"),
        ] {
            let req = Request::post(uri)
                .header("content-type", ct)
                .body(Body::from(body.to_vec()))
                .unwrap();
            let (st, _) = call(&s, req).await;
            assert!(
                st.is_success() || st.is_client_error(),
                "{uri} {ct} {body:?}: {st}"
            );
        }
    }
}
