//! The command line: every option, each also an environment variable
//! `WALLETSCREEN_…` (the option's name in upper case, `-` as `_`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

/// How log lines are written (on stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The service's configuration, as parsed from the command line and the
/// environment.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "walletscreen-server",
    version,
    about = "Screen wallet addresses over HTTP: Chainalysis- and TRM-compatible sanctions \
             endpoints, native verdicts with provenance, live lists, Prometheus metrics.",
    after_help = "Every option can also be set by an environment variable: WALLETSCREEN_ and the \
                  option's name in upper case (e.g. WALLETSCREEN_BIND, WALLETSCREEN_LIST, \
                  comma-separated for repeatable options)."
)]
pub struct Config {
    /// Address and port to listen on (port 0: any free port; the one chosen
    /// is printed as `listening on http://ADDR` on stderr once ready).
    #[arg(long, env = "WALLETSCREEN_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Also screen against FILE (walletscreen CSV list, any CSV/TSV/semicolon
    /// or JSON export, plain text, an OFAC file; format detected). A list
    /// with a bundled list's id replaces it. Repeatable.
    #[arg(
        long = "list",
        value_name = "FILE",
        env = "WALLETSCREEN_LIST",
        value_delimiter = ',',
        conflicts_with = "compiled"
    )]
    pub lists: Vec<PathBuf>,

    /// Do not load the bundled lists (OFAC SDN, FBI DPRK).
    #[arg(long, env = "WALLETSCREEN_NO_BUNDLED", conflicts_with = "compiled")]
    pub no_bundled: bool,

    /// Screen against a compiled file (written by the batch binary's
    /// `--write-compiled` or `Screener::write_compiled_file`) instead of any
    /// list option.
    #[arg(long, value_name = "FILE", env = "WALLETSCREEN_COMPILED")]
    pub compiled: Option<PathBuf>,

    /// A live list: a URL or a local path, fetched at start and every
    /// --refresh-interval (any format `List::from_bytes` detects; an OFAC SDN
    /// file replaces the bundled `ofac-sdn`). Repeatable.
    #[arg(
        long = "source",
        value_name = "URL|PATH",
        env = "WALLETSCREEN_SOURCE",
        value_delimiter = ',',
        conflicts_with = "compiled"
    )]
    pub sources: Vec<String>,

    /// With --source: time between refreshes (e.g. `3600`, `90s`, `15m`,
    /// `1h`, `500ms`).
    #[arg(long, value_name = "DURATION", env = "WALLETSCREEN_REFRESH_INTERVAL",
          default_value = "1h", value_parser = parse_duration)]
    pub refresh_interval: Duration,

    /// With --source: keep the last good lists in DIR, and start from them
    /// when the first fetch fails.
    #[arg(long, value_name = "DIR", env = "WALLETSCREEN_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Lists older than this are stale: verdicts say `stale: true`. With
    /// --source the age is the time since the sources last confirmed their
    /// lists; without, the age of the oldest list's `as_of` date.
    #[arg(long, value_name = "DURATION", env = "WALLETSCREEN_MAX_AGE", value_parser = parse_duration)]
    pub max_age: Option<Duration>,

    /// Fail closed: with stale lists (see --max-age) a clear answer is a 503
    /// `stale_lists` error and /readyz is not ready.
    #[arg(long, env = "WALLETSCREEN_STRICT", requires = "max_age")]
    pub strict: bool,

    /// Allow plain http:// --source URLs on hosts other than the loopback
    /// interface.
    #[arg(long, env = "WALLETSCREEN_ALLOW_INSECURE_HTTP")]
    pub allow_insecure_http: bool,

    /// API keys, one per line (blank lines and `#` comments ignored). Without
    /// it no endpoint asks for a key.
    #[arg(long, value_name = "FILE", env = "WALLETSCREEN_API_KEYS")]
    pub api_keys: Option<PathBuf>,

    /// Most addresses in one JSON batch (POST /v1/check, the TRM endpoint).
    /// NDJSON streaming has no such limit.
    #[arg(long, value_name = "N", env = "WALLETSCREEN_MAX_BATCH", default_value = "10000",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_batch: u64,

    /// Largest request body in bytes (JSON bodies, free text for /v1/scan;
    /// for NDJSON the longest line).
    #[arg(long, value_name = "BYTES", env = "WALLETSCREEN_MAX_BODY", default_value = "4194304",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_body: u64,

    /// Longest time to read a request and answer it (an NDJSON stream: the
    /// longest wait for its next bytes); a client that has not sent a
    /// request's headers within it is disconnected.
    #[arg(long, value_name = "DURATION", env = "WALLETSCREEN_REQUEST_TIMEOUT",
          default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Log lines as text or JSON (on stderr; level from RUST_LOG, default info).
    #[arg(
        long,
        value_enum,
        env = "WALLETSCREEN_LOG_FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

impl Config {
    /// The configuration with every default and no list option but the
    /// bundled lists: for tests and embedding.
    pub fn defaults() -> Config {
        Config::parse_from(["walletscreen-server"])
    }
}

/// Parses `N` (seconds), `Nms`, `Ns`, `Nm`, `Nh` or `Nd`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a number and a unit (ms, s, m, h, d)"))?;
    let ms = match unit.trim() {
        "ms" => Some(n),
        "" | "s" => n.checked_mul(1000),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        "d" => n.checked_mul(86_400_000),
        other => return Err(format!("{s:?}: unknown unit {other:?} (ms, s, m, h, d)")),
    };
    ms.map(Duration::from_millis)
        .ok_or_else(|| format!("{s:?}: too long"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("").is_err());
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("99999999999999999999d").is_err());
    }

    #[test]
    fn defaults() {
        let c = Config::defaults();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.max_batch, 10_000);
        assert!(!c.strict && c.api_keys.is_none());
    }
}
