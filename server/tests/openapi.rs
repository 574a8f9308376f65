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
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} is not in the document");
    }
    assert!(doc["paths"]["/v1/check"].get("post").is_some());
    assert!(
        doc["components"]["securitySchemes"]
            .get("api_key")
            .is_some()
    );
}
