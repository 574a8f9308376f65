//! The OpenAPI document of every endpoint, generated from the handlers'
//! annotations (`utoipa`), served at `GET /openapi.json` and checked into
//! the repository as `server/openapi.json` (a test fails when it is stale:
//! regenerate with `WALLETSCREEN_BLESS=1 cargo test -p walletscreen-server --test openapi`).

use axum::Json;
use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};

use crate::routes::{chainalysis, check, health, lists, page, scan, trm};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "walletscreen-server",
        description = "Screens wallet addresses against sanctions and attribution lists: \
            Chainalysis- and TRM-compatible endpoints, native verdicts with provenance, \
            live lists, metrics. Errors are `{\"error\": {\"code\", \"message\"}}`. \
            With --api-keys, the screening endpoints and /v1/lists take a key as \
            X-API-Key, Bearer or Basic (user name or password)."
    ),
    paths(
        chainalysis::address,
        trm::screening,
        check::check_path,
        check::check_query,
        check::check_post,
        scan::scan,
        lists::lists,
        health::healthz,
        health::readyz,
        health::metrics,
        page::index,
    ),
    components(schemas(crate::error::ErrorCode)),
    modifiers(&Security),
    tags(
        (name = "chainalysis", description = "Drop-in for Chainalysis' free sanctions screening API"),
        (name = "trm", description = "Drop-in for TRM's public sanctions screening API"),
        (name = "native", description = "The library's full verdicts"),
        (name = "service", description = "Lists, health, metrics, the page for people"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let c = doc.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        c.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

/// The document as pretty JSON, with a final newline (the checked-in file).
pub fn document() -> String {
    let mut s = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// `GET /openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
