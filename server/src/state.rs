//! The state every handler shares: the lists, the API keys, the metrics and
//! the request limits.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::ApiKeys;
use crate::config::Config;
use crate::lists::Lists;
use crate::metrics::Metrics;

/// Request limits (`--max-batch`, `--max-body`, `--request-timeout`).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most addresses in one JSON batch.
    pub max_batch: u64,
    /// Largest body in bytes (NDJSON: longest line).
    pub max_body: u64,
    /// Longest time to answer (NDJSON: longest wait for the next bytes).
    pub request_timeout: Duration,
}

impl Limits {
    /// The limits of a configuration.
    pub fn of(config: &Config) -> Limits {
        Limits {
            max_batch: config.max_batch,
            max_body: config.max_body,
            request_timeout: config.request_timeout,
        }
    }
}

/// Shared by every handler; cloning is a few `Arc` bumps.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The served lists.
    pub lists: Lists,
    /// The API keys; `None`: no authentication.
    pub keys: Option<ApiKeys>,
    /// The metrics.
    pub metrics: Arc<Metrics>,
    /// The request limits.
    pub limits: Limits,
    /// Whether the lists come from a compiled file (for `/v1/lists`).
    pub compiled: bool,
}

impl AppState {
    /// The state over `lists`, with `keys` and `limits`.
    pub fn new(lists: Lists, keys: Option<ApiKeys>, limits: Limits, compiled: bool) -> AppState {
        AppState {
            metrics: Arc::new(Metrics::new(lists.clone())),
            lists,
            keys,
            limits,
            compiled,
        }
    }
}
