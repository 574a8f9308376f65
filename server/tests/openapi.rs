//! The OpenAPI document checked into the repository (`server/openapi.json`)
//! is the one the code generates: this fails when it is stale. Regenerate
//! with `WALLETSCREEN_BLESS=1 cargo test -p walletscreen-server --test openapi`.

#[test]
fn checked_in_document_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    let generated = walletscreen_server::openapi::document();
    if std::env::var_os("WALLETSCREEN_BLESS").is_some() {
        std::fs::write(path, &generated).unwrap();
    }
    let file = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        file == generated,
        "server/openapi.json is stale: regenerate it with \
         WALLETSCREEN_BLESS=1 cargo test -p walletscreen-server --test openapi"
    );
    // Every route is in it.
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    for p in [
        "/api/v1/address/{address}",
        "/public/v1/sanctions/screening",
        "/v1/check/{address}",
        "/v1/check",
        "/v1/scan",
        "/v1/lists",
        "/healthz",
        "/readyz",
        "/metrics",
        "/",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} is not in the document");
    }
    assert!(doc["paths"]["/v1/check"].get("post").is_some());
    assert!(
        doc["paths"]["/"]["get"]["responses"]["200"]["content"]
            .get("text/html; charset=utf-8")
            .is_some()
    );
    // The age of /v1/lists says what it counts from.
    let report = &doc["components"]["schemas"]["ListsReport"]["properties"];
    assert!(
        report["age_seconds"]["description"]
            .as_str()
            .unwrap()
            .contains("--max-age")
    );
    assert!(report.get("age_list").is_some());
    assert!(
        doc["components"]["schemas"]["ErrorCode"]["enum"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("uri_too_long"))
    );
    assert!(
        doc["components"]["securitySchemes"]
            .get("api_key")
            .is_some()
    );
}
