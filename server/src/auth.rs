//! API keys (`--api-keys FILE`): loading, and the middleware that asks for
//! one on the screening endpoints.
//!
//! A key is accepted in any of the three ways the hosted APIs take one, on
//! every protected endpoint: `X-API-Key: KEY` (Chainalysis),
//! `Authorization: Bearer KEY`, and `Authorization: Basic` with the key as
//! user name or as password (TRM documents the key as both). Keys are kept
//! as SHA-256 digests and compared in constant time (`subtle`), each
//! candidate against every key, so neither the time taken nor an early exit
//! says how much of a key matched or which one; they are never logged.

use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use crate::error::{ApiError, ErrorCode};
use crate::state::AppState;

/// The accepted keys, as digests. `Debug` shows only how many there are.
#[derive(Clone)]
pub struct ApiKeys {
    digests: Arc<[[u8; 32]]>,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeys({} keys)", self.digests.len())
    }
}

/// Why a keys file was refused.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    /// It could not be read.
    #[error("reading the API keys file {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// It holds no key: refused rather than locking every client out.
    #[error("the API keys file {path} holds no key (one per line)")]
    Empty {
        /// The file.
        path: String,
    },
}

impl ApiKeys {
    /// The keys of `text`: one per line, surrounding whitespace trimmed,
    /// blank lines and lines starting with `#` ignored.
    pub fn parse(text: &str) -> ApiKeys {
        let digests: Vec<[u8; 32]> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(digest)
            .collect();
        ApiKeys {
            digests: digests.into(),
        }
    }

    /// The keys of a file (see [`ApiKeys::parse`]); a file without any key
    /// is an error.
    pub fn from_file(path: &Path) -> Result<ApiKeys, KeysError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| KeysError::Io {
            path: shown.clone(),
            source,
        })?;
        let keys = ApiKeys::parse(&text);
        if keys.digests.is_empty() {
            return Err(KeysError::Empty { path: shown });
        }
        Ok(keys)
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// Whether any of `candidates` is a key: every candidate is compared
    /// with every key in constant time.
    pub fn accepts<'a>(&self, candidates: impl IntoIterator<Item = &'a str>) -> bool {
        let mut ok = Choice::from(0);
        for c in candidates {
            let d = digest(c);
            for k in self.digests.iter() {
                ok |= d.ct_eq(k);
            }
        }
        bool::from(ok)
    }
}

fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// The keys a request offers: `X-API-Key`, a Bearer token, and the user
/// name and password of Basic credentials.
fn candidates(headers: &HeaderMap) -> Vec<String> {
    let mut out = Vec::new();
    for v in headers.get_all("x-api-key") {
        if let Ok(s) = v.to_str() {
            out.push(s.trim().to_owned());
        }
    }
    for v in headers.get_all(header::AUTHORIZATION) {
        let Ok(s) = v.to_str() else { continue };
        let s = s.trim();
        let (scheme, rest) = s.split_once(' ').unwrap_or((s, ""));
        let rest = rest.trim();
        if scheme.eq_ignore_ascii_case("bearer") {
            out.push(rest.to_owned());
        } else if scheme.eq_ignore_ascii_case("basic") {
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(rest) else {
                continue;
            };
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            let (user, pass) = text.split_once(':').unwrap_or((&text, ""));
            out.push(user.to_owned());
            out.push(pass.to_owned());
        }
    }
    out.retain(|c| !c.is_empty());
    out
}

/// Middleware: without `--api-keys` every request passes; with it a
/// request must offer a key, else 401 `unauthorized`.
pub async fn require_key(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(keys) = &state.keys {
        let offered = candidates(req.headers());
        if !keys.accepts(offered.iter().map(String::as_str)) {
            let message = if offered.is_empty() {
                "an API key is required: X-API-Key, Authorization: Bearer or Basic"
            } else {
                "unknown API key"
            };
            let mut r = ApiError::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
                .into_response();
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"walletscreen\", Bearer"),
            );
            return r;
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_file_lines() {
        let k = ApiKeys::parse("# comment\n  alpha  \n\nbeta\r\n");
        assert_eq!(k.len(), 2);
        assert!(k.accepts(["alpha"]));
        assert!(k.accepts(["nope", "beta"]));
        assert!(!k.accepts(["alph", "alphaa", "# comment", ""]));
        assert!(!k.accepts([]));
        assert_eq!(format!("{k:?}"), "ApiKeys(2 keys)");
    }

    #[test]
    fn offered_keys() {
        let mut h = HeaderMap::new();
        h.insert("x-api-key", HeaderValue::from_static("k1"));
        h.append(header::AUTHORIZATION, HeaderValue::from_static("Bearer k2"));
        // base64("u:p")
        h.append(
            header::AUTHORIZATION,
            HeaderValue::from_static("basic dTpw"),
        );
        h.append(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(candidates(&h), ["k1", "k2", "u", "p"]);
    }
}
