//! Prometheus metrics (`prometheus-client`, OpenMetrics text at
//! `/metrics`), and the middleware that counts and times every request and
//! writes its access log line.
//!
//! Labels never hold customer data: the `endpoint` label is the route's
//! template (`/api/v1/address/{address}`), never the path asked for, and
//! `unmatched` for a path no route has (a 404, or a 414 URI).
//!
//! * `walletscreen_http_requests_total{endpoint,status}`
//! * `walletscreen_http_request_duration_seconds{endpoint}` (histogram)
//! * `walletscreen_verdicts_total{endpoint,kind}` (`hit`, `clear`, `invalid`)
//! * `walletscreen_list_entries{list}`, `walletscreen_list_age_seconds{list}`
//!   (since the list's `as_of`), `walletscreen_lists_age_seconds` (the set,
//!   see `--max-age`), `walletscreen_lists_stale`
//! * `walletscreen_refresh_successes_total`, `walletscreen_refresh_failures_total`,
//!   `walletscreen_refresh_last_success_timestamp_seconds`,
//!   `walletscreen_refresh_last_attempt_timestamp_seconds` (live mode)

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use walletscreen::VerdictKind;

use crate::lists::{Lists, unix};
use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    endpoint: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerdictLabels {
    endpoint: &'static str,
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ListLabels {
    list: String,
}

/// The service's metrics. Cheap to share (`Arc` inside the state).
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<EndpointLabels, Histogram>,
    /// The counters of `walletscreen_verdicts_total`, by endpoint and kind
    /// (each one of the registered family's, shared): counting a verdict is
    /// one atomic add, no label lookup.
    verdict_counters: [[Counter; 3]; Endpoint::ALL.len()],
}

/// The verdict kinds, in the order of `Metrics::verdict_counters`.
const KINDS: [VerdictKind; 3] = [VerdictKind::Hit, VerdictKind::Clear, VerdictKind::Invalid];

/// The screening endpoints, as the `endpoint` label of
/// `walletscreen_verdicts_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `GET /api/v1/address/{address}`.
    Chainalysis,
    /// `POST /public/v1/sanctions/screening`.
    Trm,
    /// `GET /v1/check/{address}`, `GET /v1/check?address=`.
    Check,
    /// `POST /v1/check`, JSON batch.
    CheckBatch,
    /// `POST /v1/check`, NDJSON stream.
    CheckStream,
    /// `POST /v1/scan`.
    Scan,
}

impl Endpoint {
    /// Every endpoint, in the order of their index.
    const ALL: [Endpoint; 6] = [
        Endpoint::Chainalysis,
        Endpoint::Trm,
        Endpoint::Check,
        Endpoint::CheckBatch,
        Endpoint::CheckStream,
        Endpoint::Scan,
    ];

    fn label(self) -> &'static str {
        match self {
            Endpoint::Chainalysis => "chainalysis",
            Endpoint::Trm => "trm",
            Endpoint::Check => "check",
            Endpoint::CheckBatch => "check_batch",
            Endpoint::CheckStream => "check_stream",
            Endpoint::Scan => "scan",
        }
    }
}

impl Metrics {
    /// The metrics, with the list gauges read from `lists` at each scrape.
    pub fn new(lists: Lists) -> Metrics {
        let mut registry = Registry::with_prefix("walletscreen");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by endpoint (route template) and status",
            requests.clone(),
        );
        let latency = Family::<EndpointLabels, Histogram>::new_with_constructor(
            (|| {
                // 10 µs to ~10 s.
                Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
                    1e-5, 2.5, 16,
                ))
            }) as fn() -> Histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request (to the response head; a stream's body not included)",
            latency.clone(),
        );
        let verdicts = Family::<VerdictLabels, Counter>::default();
        registry.register(
            "verdicts",
            "Verdicts given, by endpoint and kind (hit, clear, invalid)",
            verdicts.clone(),
        );
        registry.register_collector(Box::new(ListsCollector { lists }));
        let verdict_counters = Endpoint::ALL.map(|endpoint| {
            KINDS.map(|kind| {
                verdicts
                    .get_or_create(&VerdictLabels {
                        endpoint: endpoint.label(),
                        kind: kind.as_str(),
                    })
                    .clone()
            })
        });
        Metrics {
            registry,
            requests,
            latency,
            verdict_counters,
        }
    }

    /// Counts one verdict.
    pub fn verdict(&self, endpoint: Endpoint, kind: VerdictKind) {
        let k = match kind {
            VerdictKind::Hit => 0,
            VerdictKind::Clear => 1,
            VerdictKind::Invalid => 2,
        };
        self.verdict_counters[endpoint as usize][k].inc();
    }

    /// The OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The list gauges and refresh counters, read at each scrape.
#[derive(Debug)]
struct ListsCollector {
    lists: Lists,
}

fn gauge<N: prometheus_client::encoding::EncodeGaugeValue + std::fmt::Debug>(
    e: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: N,
) -> Result<(), std::fmt::Error> {
    let g = ConstGauge::new(value);
    let m = e.encode_descriptor(name, help, None, g.metric_type())?;
    g.encode(m)
}

impl Collector for ListsCollector {
    fn encode(&self, mut e: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let current = self.lists.current();
        let now = SystemTime::now();
        let lists = current.screener.lists();
        {
            let g = ConstGauge::new(0i64);
            let mut m = e.encode_descriptor(
                "list_entries",
                "Entries per served list",
                None,
                g.metric_type(),
            )?;
            for l in lists {
                let labels = ListLabels {
                    list: l.meta.id.clone(),
                };
                ConstGauge::new(l.entries as i64).encode(m.encode_family(&labels)?)?;
            }
        }
        {
            let g = ConstGauge::new(0i64);
            let mut m = e.encode_descriptor(
                "list_age_seconds",
                "Seconds since each served list's as_of date",
                None,
                g.metric_type(),
            )?;
            for l in lists {
                if let Some(age) = l.age_at(now) {
                    let labels = ListLabels {
                        list: l.meta.id.clone(),
                    };
                    ConstGauge::new(age.as_secs() as i64).encode(m.encode_family(&labels)?)?;
                }
            }
        }
        if let Some(age) = current.age {
            gauge(
                &mut e,
                "lists_age_seconds",
                "Age of the served set (since the sources confirmed it; static lists: the oldest as_of)",
                age.as_secs() as i64,
            )?;
        }
        gauge(
            &mut e,
            "lists_stale",
            "1 when the served set is older than --max-age",
            i64::from(current.stale),
        )?;
        if let Some(s) = self.lists.refresh_status() {
            let ok = ConstCounter::new(s.attempts.saturating_sub(s.failures));
            let m = e.encode_descriptor(
                "refresh_successes",
                "Successful refreshes of the --source lists",
                None,
                ok.metric_type(),
            )?;
            ok.encode(m)?;
            let failed = ConstCounter::new(s.failures);
            let m = e.encode_descriptor(
                "refresh_failures",
                "Failed refreshes (the last good lists keep serving)",
                None,
                failed.metric_type(),
            )?;
            failed.encode(m)?;
            if let Some(t) = s.last_success {
                gauge(
                    &mut e,
                    "refresh_last_success_timestamp_seconds",
                    "When the last successful refresh ended (Unix time)",
                    unix(t) as i64,
                )?;
            }
            if let Some(t) = s.last_attempt {
                gauge(
                    &mut e,
                    "refresh_last_attempt_timestamp_seconds",
                    "When the last refresh ended (Unix time)",
                    unix(t) as i64,
                )?;
            }
        }
        Ok(())
    }
}

/// Middleware: counts and times each request by its route template
/// (`unmatched` when no route has its path), and
/// logs it at info level (method, route template, status, time: never the
/// path or query asked for, which hold addresses).
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let endpoint = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().clone();
    let response = next.run(req).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    let m: &Arc<Metrics> = &state.metrics;
    m.requests
        .get_or_create(&RequestLabels {
            endpoint: endpoint.clone(),
            status,
        })
        .inc();
    m.latency
        .get_or_create(&EndpointLabels {
            endpoint: endpoint.clone(),
        })
        .observe(elapsed.as_secs_f64());
    tracing::info!(
        %method,
        endpoint,
        status,
        micros = elapsed.as_micros() as u64,
        "request"
    );
    response
}
