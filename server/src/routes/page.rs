//! `GET /`: the page for people. One self-contained HTML document
//! (`server/assets/index.html`, embedded in the binary): an analyst pastes
//! addresses, the page calls `POST /v1/check` (JSON batches) and
//! `GET /v1/lists`, and shows each verdict with its provenance, the lists
//! with their ages, and a banner when the lists are stale.
//!
//! No CDN, no build step: the page's one `<style>` and one `<script>` are
//! inline, and the answer's Content-Security-Policy allows exactly those two
//! by their SHA-256 (computed here from the embedded document, so it cannot
//! drift from it), plus `fetch` to this origin. Nothing else loads: no
//! other script, style, image, frame, form target or base URL. The page
//! writes data (addresses, entity names, sources) as text nodes only.

use std::sync::LazyLock;

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The page, as served.
pub const HTML: &str = include_str!("../../assets/index.html");

/// The Content-Security-Policy of the page.
pub static CSP: LazyLock<String> = LazyLock::new(|| csp(HTML));

/// The text of every `<tag>…</tag>` element of `html` (no attributes on the
/// opening tag), in order.
fn inline_blocks<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let body = &rest[start + open.len()..];
        let Some(end) = body.find(&close) else { break };
        out.push(&body[..end]);
        rest = &body[end + close.len()..];
    }
    out
}

/// `'sha256-…'` sources for each block.
fn hashes(blocks: &[&str]) -> String {
    blocks
        .iter()
        .map(|b| {
            let digest = Sha256::digest(b.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The policy for a document: its inline scripts and styles by hash, fetch
/// to the same origin, nothing else.
pub fn csp(html: &str) -> String {
    format!(
        "default-src 'none'; script-src {}; style-src {}; connect-src 'self'; \
         img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hashes(&inline_blocks(html, "script")),
        hashes(&inline_blocks(html, "style")),
    )
}

/// `GET /`: the page, with its policy and headers that keep it from being
/// framed, sniffed or leaking a referrer.
#[utoipa::path(get, path = "/", tag = "service",
    responses((status = 200,
        description = "The page for people: paste addresses, see each verdict with its provenance, \
            the lists and their ages, a banner when they are stale (one self-contained HTML \
            document; it calls POST /v1/check and GET /v1/lists, so with --api-keys it asks for a key)",
        body = String, content_type = "text/html; charset=utf-8")))]
pub async fn index() -> Response {
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&CSP)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ];
    (headers, HTML).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_one_inline_script_and_one_style_and_no_external_resource() {
        assert_eq!(inline_blocks(HTML, "script").len(), 1);
        assert_eq!(inline_blocks(HTML, "style").len(), 1);
        // Every <script and <style is one the policy hashes (no attributes,
        // so no src=), and nothing is fetched from elsewhere.
        assert_eq!(HTML.matches("<script").count(), 1);
        assert_eq!(HTML.matches("<style").count(), 1);
        for bad in [
            "src=",
            "<link",
            "@import",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            " style=\"",
        ] {
            assert!(!HTML.contains(bad), "the page contains {bad:?}");
        }
    }

    #[test]
    fn the_policy_hashes_the_inline_blocks() {
        let html = "<style>a{}</style><script>x()</script><script>y()</script>";
        let p = csp(html);
        assert!(p.contains("script-src 'sha256-"), "{p}");
        assert_eq!(p.matches("'sha256-").count(), 3, "{p}");
        assert!(!p.contains("unsafe-inline"));
        assert!(p.starts_with("default-src 'none'"));
        assert!(CSP.contains("connect-src 'self'"));
        assert_ne!(csp("<script>a</script>"), csp("<script>b</script>"));
    }
}
